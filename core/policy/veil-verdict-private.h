/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "veil-verdict.h"

G_BEGIN_DECLS

/* VeilReason and VeilVerdict are spread over veil-verdict.c (values, descriptions, the
 * builder) and veil-verdict-json.c (what the store keeps and what veilctl shows), which
 * share these definitions. */

/* A reason keeps the exact figures the guardian sees (score or distance, the threshold it
 * crossed, where the judgement came from) and, for the classifier, the small class-activation
 * map: a few dozen floats, never pixels. */
struct _VeilReason
{
  gatomicrefcount ref_count;

  VeilSignal  signal;
  double      figure;
  double      threshold;
  char       *class_name;      /* classifier only */
  char       *source_name;     /* model name or list name */
  char       *source_version;
  char       *source_detail;   /* model sha256 or the list entry's label */

  float      *heatmap;         /* owned; NULL when none */
  guint       heatmap_width;
  guint       heatmap_height;

  gint64     *frame_times;     /* owned; a video's frames that decided, in ms; NULL for pictures */
  guint       n_frame_times;
};

struct _VeilVerdict
{
  gatomicrefcount ref_count;

  GPtrArray  *reasons;         /* of VeilReason, owned */
  gboolean    suppressed;      /* the guardian said a picture like this was wrong */
  gboolean    has_hash;
  VeilPdqHash hash;
  guint       quality;
};

struct _VeilVerdictBuilder
{
  gatomicrefcount ref_count;
  GPtrArray  *reasons;
  gboolean    suppressed;
  gboolean    has_hash;
  VeilPdqHash hash;
  guint       quality;
};

/* The largest heatmap a reason keeps; the model's maps are 7 x 7. */
#define MAX_HEATMAP_SIDE 64
/* The most frame times a reason keeps (a video's judged frames are fewer). */
#define MAX_FRAME_TIMES 64

/* Reasons whose source is a model, named by its SHA-256. */
#define MODEL_SIGNAL(s) ((s) == VEIL_SIGNAL_CLASSIFIER || (s) == VEIL_SIGNAL_SECOND_OPINION)

VeilReason *_veil_reason_alloc (VeilSignal signal);

G_END_DECLS
