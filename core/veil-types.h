/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Forward declarations of the core types, so headers need not include each other. */

/* issue 3: images, PDQ, hash lists and index */
typedef struct _VeilImage VeilImage;
typedef struct _VeilPdq VeilPdq;
typedef struct _VeilHashList VeilHashList;
typedef struct _VeilHashIndex VeilHashIndex;

/* issue 4: model and classifier */
typedef struct _VeilModel VeilModel;
typedef struct _VeilClassifier VeilClassifier;
typedef struct _VeilNsfwClassifier VeilNsfwClassifier;
typedef struct _VeilClassifierResult VeilClassifierResult;
typedef struct _VeilClassifierPolicy VeilClassifierPolicy;

/* issue 5: store, profiles, guardian */
typedef struct _VeilStore VeilStore;
typedef struct _VeilProfile VeilProfile;
typedef struct _VeilProfileBuilder VeilProfileBuilder;
typedef struct _VeilGuardian VeilGuardian;
typedef struct _VeilContext VeilContext;

/* issue 6: verdicts, analyzer, scanner */
typedef struct _VeilAnalyzer VeilAnalyzer;
typedef struct _VeilScanStore VeilScanStore;
typedef struct _VeilScanner VeilScanner;

/* issue 7: the Analyzer D-Bus service */
typedef struct _VeilAnalyzerService VeilAnalyzerService;
typedef struct _VeilMessageGuard VeilMessageGuard;

G_END_DECLS
