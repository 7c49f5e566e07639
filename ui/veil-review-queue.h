/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "veil.h"

G_BEGIN_DECLS

#define VEIL_TYPE_REVIEW_QUEUE (veil_review_queue_get_type ())

G_DECLARE_FINAL_TYPE (VeilReviewQueue, veil_review_queue, VEIL, REVIEW_QUEUE, AdwBin)

GtkWidget *veil_review_queue_new         (VeilContext     *context,
                                          VeilProfile     *profile);
void       veil_review_queue_reload      (VeilReviewQueue *self);
guint      veil_review_queue_get_n_shown (VeilReviewQueue *self);
gboolean   veil_review_queue_open_alert  (VeilReviewQueue *self,
                                          guint            index);
guint      veil_review_queue_get_n_reports (VeilReviewQueue *self);
gboolean   veil_review_queue_open_report (VeilReviewQueue *self,
                                          guint            index);
char      *veil_review_queue_export_report (VeilReviewQueue *self,
                                            const char      *folder,
                                            GError         **error);

gboolean   veil_review_queue_go_back     (VeilReviewQueue *self);

G_END_DECLS
