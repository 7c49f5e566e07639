/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "veil-types.h"
#include "veil-classifier.h"
#include "veil-classifier-policy.h"
#include "veil-hash-list.h"
#include "veil-image.h"
#include "veil-pdq.h"
#include "veil-profile.h"
#include "veil-store.h"
#include "veil-verdict.h"
#include "veil-worker-pool.h"

G_BEGIN_DECLS

#define VEIL_ANALYZER_ERROR (veil_analyzer_error_quark ())

typedef enum {
  VEIL_ANALYZER_ERROR_THUMBNAIL = 1,  /* the blurred thumbnail could not be made */
} VeilAnalyzerError;

/* The size of the blurred thumbnail kept with an alert (long side, pixels). */
#define VEIL_ANALYZER_BLURRED_SIZE 128

#define VEIL_TYPE_ANALYZER (veil_analyzer_get_type ())
G_DECLARE_FINAL_TYPE (VeilAnalyzer, veil_analyzer, VEIL, ANALYZER, GObject)

GQuark                veil_analyzer_error_quark        (void);

VeilAnalyzer         *veil_analyzer_new                (VeilClassifier        *classifier);
VeilAnalyzer         *veil_analyzer_new_with_default_model (void);
VeilAnalyzer         *veil_analyzer_new_with_pool      (VeilWorkerPool        *pool,
                                                        const char            *classifier_id);
VeilClassifier       *veil_analyzer_get_classifier     (VeilAnalyzer          *self);
VeilWorkerPool       *veil_analyzer_get_pool           (VeilAnalyzer          *self);
const char           *veil_analyzer_get_classifier_id  (VeilAnalyzer          *self);
VeilPdqMode           veil_analyzer_get_pdq_mode       (VeilAnalyzer          *self);
void                  veil_analyzer_set_pdq_mode       (VeilAnalyzer          *self,
                                                        VeilPdqMode            mode);
VeilImageNeeds        veil_analyzer_get_needs          (VeilAnalyzer          *self);
void                  veil_analyzer_set_limits         (VeilAnalyzer          *self,
                                                        const VeilImageLimits *limits);

void                  veil_analyzer_add_hash_list      (VeilAnalyzer          *self,
                                                        gint64                 profile_id,
                                                        VeilHashList          *list,
                                                        VeilSignal             signal);
void                  veil_analyzer_clear_hash_lists   (VeilAnalyzer          *self,
                                                        gint64                 profile_id);
void                  veil_analyzer_add_exception      (VeilAnalyzer          *self,
                                                        gint64                 profile_id,
                                                        const VeilPdqHash     *hash);
void                  veil_analyzer_clear_exceptions   (VeilAnalyzer          *self,
                                                        gint64                 profile_id);
gboolean              veil_analyzer_is_exception       (VeilAnalyzer          *self,
                                                        gint64                 profile_id,
                                                        const VeilPdqHash     *hash);
gboolean              veil_analyzer_load_lists         (VeilAnalyzer          *self,
                                                        VeilStore             *store,
                                                        gint64                 profile_id,
                                                        GError               **error);

VeilClassifierPolicy *veil_analyzer_policy_for_profile (VeilProfile           *profile);
VeilClassifierPolicy *veil_analyzer_policy_for_sensitivity (VeilSensitivity    level);
gboolean              veil_analyzer_needs_second_opinion (VeilClassifierResult *scores);

VeilVerdict          *veil_analyzer_analyze_image      (VeilAnalyzer          *self,
                                                        VeilImage             *image,
                                                        VeilProfile           *profile,
                                                        VeilClassifierResult **out_scores,
                                                        GCancellable          *cancellable,
                                                        GError               **error);
VeilVerdict          *veil_analyzer_analyze_file       (VeilAnalyzer          *self,
                                                        const char            *path,
                                                        VeilProfile           *profile,
                                                        VeilClassifierResult **out_scores,
                                                        GBytes               **out_blurred_thumbnail,
                                                        GCancellable          *cancellable,
                                                        GError               **error);
VeilVerdict          *veil_analyzer_analyze_file_in_lane (VeilAnalyzer        *self,
                                                        const char            *path,
                                                        VeilWorkerLane         lane,
                                                        VeilProfile           *profile,
                                                        VeilClassifierResult **out_scores,
                                                        GBytes               **out_blurred_thumbnail,
                                                        GCancellable          *cancellable,
                                                        GError               **error);
int                   veil_analyzer_open_file          (VeilAnalyzer          *self,
                                                        const char            *path,
                                                        GError               **error);
VeilVerdict          *veil_analyzer_analyze_fd         (VeilAnalyzer          *self,
                                                        int                    fd,
                                                        const char            *name,
                                                        VeilWorkerLane         lane,
                                                        VeilProfile           *profile,
                                                        VeilClassifierResult **out_scores,
                                                        GBytes               **out_blurred_thumbnail,
                                                        char                 **out_sha256,
                                                        GCancellable          *cancellable,
                                                        GError               **error);
void                  veil_analyzer_analyze_fd_async   (VeilAnalyzer          *self,
                                                        int                    fd,
                                                        const char            *name,
                                                        VeilWorkerLane         lane,
                                                        VeilProfile           *profile,
                                                        GCancellable          *cancellable,
                                                        GAsyncReadyCallback    callback,
                                                        gpointer               user_data);
VeilVerdict          *veil_analyzer_analyze_fd_finish  (VeilAnalyzer          *self,
                                                        GAsyncResult          *result,
                                                        VeilClassifierResult **out_scores,
                                                        char                 **out_sha256,
                                                        GError               **error);
void                  veil_analyzer_analyze_file_async (VeilAnalyzer          *self,
                                                        const char            *path,
                                                        VeilProfile           *profile,
                                                        GCancellable          *cancellable,
                                                        GAsyncReadyCallback    callback,
                                                        gpointer               user_data);
VeilVerdict          *veil_analyzer_analyze_file_finish (VeilAnalyzer         *self,
                                                        GAsyncResult          *result,
                                                        GError               **error);
VeilVerdict          *veil_analyzer_evaluate           (VeilAnalyzer          *self,
                                                        VeilProfile           *profile,
                                                        const VeilPdqHash     *hash,
                                                        guint                  quality,
                                                        VeilClassifierResult  *scores);
GBytes               *veil_analyzer_blur_thumbnail     (VeilImage             *image,
                                                        GError               **error);
gboolean              veil_analyzer_hash_file          (VeilAnalyzer          *self,
                                                        const char            *path,
                                                        VeilPdqHash           *out_hash,
                                                        char                 **out_md5,
                                                        GCancellable          *cancellable,
                                                        GError               **error);
void                  veil_analyzer_load_preview_async (VeilAnalyzer          *self,
                                                        const char * const    *paths,
                                                        guint                  n_paths,
                                                        GCancellable          *cancellable,
                                                        GAsyncReadyCallback    callback,
                                                        gpointer               user_data);
VeilWorkerResult     *veil_analyzer_load_preview_finish (VeilAnalyzer         *self,
                                                        GAsyncResult          *result,
                                                        GError               **error);

G_END_DECLS
