/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Forward declarations of the core types, so headers need not include each other. */

/* image/ and hash/ */
typedef struct _VeilImage VeilImage;
typedef struct _VeilPdq VeilPdq;
typedef struct _VeilHashList VeilHashList;
typedef struct _VeilHashIndex VeilHashIndex;

/* classify/ */
typedef struct _VeilModel VeilModel;
typedef struct _VeilClassifier VeilClassifier;
typedef struct _VeilNsfwClassifier VeilNsfwClassifier;
typedef struct _VeilClassifierResult VeilClassifierResult;
typedef struct _VeilClassifierPolicy VeilClassifierPolicy;

/* store/, policy/ and the context */
typedef struct _VeilStore VeilStore;
typedef struct _VeilProfile VeilProfile;
typedef struct _VeilProfileBuilder VeilProfileBuilder;
typedef struct _VeilGuardian VeilGuardian;
typedef struct _VeilContext VeilContext;

/* policy/ (analyzer), guard/ (scanner) */
typedef struct _VeilAnalyzer VeilAnalyzer;
typedef struct _VeilScanner VeilScanner;

/* service/ and guard/ */
typedef struct _VeilAnalyzerService VeilAnalyzerService;
typedef struct _VeilMessageGuard VeilMessageGuard;

G_END_DECLS
