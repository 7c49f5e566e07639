/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-analyzer"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "veil-analyzer-private.h"
#include "veil-classifier-result-private.h"

/* Files: opened here, by the caller's process, and handed as a descriptor to an analysis
 * worker (or, for an analyzer without a pool, analysed the same way in this process). The
 * worker answers with figures; the verdict is made here, where the lists and policy live. A
 * file that cannot be analysed gets a "not checked" verdict, not an error. */

/* Per class, the highest probability over @a and @b: what the cache keeps for an animation. */
static VeilClassifierResult *
max_scores (VeilClassifierResult *a,
            VeilClassifierResult *b)
{
  guint n = veil_classifier_result_get_n_classes (a);
  g_autofree const char **names = g_new0 (const char *, n + 1);
  g_autofree float *p = g_new0 (float, n);
  g_autofree float *logits = g_new0 (float, n);

  if (veil_classifier_result_get_n_classes (b) != n)
    return veil_classifier_result_ref (a);
  for (guint i = 0; i < n; i++)
    {
      gboolean from_b = veil_classifier_result_get_probability (b, i) > veil_classifier_result_get_probability (a, i);
      VeilClassifierResult *src = from_b ? b : a;

      names[i] = g_intern_string (veil_classifier_result_get_class_name (a, i));
      p[i] = (float) veil_classifier_result_get_probability (src, i);
      logits[i] = (float) veil_classifier_result_get_logit (src, i);
    }
  return _veil_classifier_result_new (n, _veil_classifier_result_intern_class_names (names, n), p, logits,
                                      veil_classifier_result_get_model_name (a),
                                      veil_classifier_result_get_model_version (a),
                                      veil_classifier_result_get_model_sha256 (a));
}

/* @verdict with the reasons of @from (nullable) instead of its own, and @extra added. */
static VeilVerdict *
rebuild (VeilVerdict *verdict,
         VeilVerdict *from,
         VeilReason  *extra)
{
  g_autoptr(VeilVerdictBuilder) builder = veil_verdict_builder_new ();
  VeilVerdict *source = from != NULL ? from : verdict;

  veil_verdict_builder_set_hash (builder, veil_verdict_get_hash (verdict), veil_verdict_get_hash_quality (verdict));
  for (guint r = 0; r < veil_verdict_get_n_reasons (source); r++)
    veil_verdict_builder_add_reason (builder, veil_verdict_get_reason (source, r));
  if (extra != NULL)
    veil_verdict_builder_add_reason (builder, extra);
  veil_verdict_builder_set_suppressed (builder, veil_verdict_get_suppressed (verdict));
  return veil_verdict_builder_build (builder);
}

/* A video is sensitive when at least VEIL_VIDEO_MIN_SENSITIVE_FRAMES of its judged frames
 * are, or when every frame judged is (a clip whose picture never changes), or when one frame
 * is near an entry of a hash list or a protected picture (a near copy of a known picture is
 * enough). One frame alone is not: the classifier is wrong on single frames (motion blur, a
 * cut) more often than on whole photos. */

static gboolean
has_hash_match (VeilVerdict *verdict)
{
  return veil_verdict_has_signal (verdict, VEIL_SIGNAL_HASH_LIST) ||
         veil_verdict_has_signal (verdict, VEIL_SIGNAL_PROTECTED_IMAGE);
}

/* The highest classifier score among @verdict's reasons (a hash match counts as 2). */
static double
top_figure (VeilVerdict *verdict)
{
  double top = has_hash_match (verdict) ? 2.0 : 0.0;

  for (guint r = 0; r < veil_verdict_get_n_reasons (verdict); r++)
    {
      VeilReason *reason = veil_verdict_get_reason (verdict, r);

      if (veil_reason_get_signal (reason) == VEIL_SIGNAL_CLASSIFIER)
        top = MAX (top, veil_reason_get_figure (reason));
    }
  return top;
}

/* A video's verdict from its sampled frames (see VEIL_VIDEO_MIN_SENSITIVE_FRAMES). A sensitive
 * video takes the reasons and hash of its most telling frame (the poster frame shown,
 * blurred), each reason carrying the times of every sensitive frame; @shown is that frame. */
static VeilVerdict *
evaluate_video (VeilAnalyzer      *self,
                VeilProfile       *profile,
                VeilWorkerResult  *result,
                guint             *shown)
{
  guint n = veil_worker_result_get_n_frames (result);
  g_autoptr(GPtrArray) verdicts = g_ptr_array_new_with_free_func ((GDestroyNotify) veil_verdict_unref);
  g_autoptr(VeilVerdictBuilder) builder = veil_verdict_builder_new ();
  g_autofree gint64 *times = g_new0 (gint64, n + 1);
  const VeilPdqHash *hash;
  gboolean matched = FALSE;
  guint n_sensitive = 0, quality = 0;
  VeilVerdict *poster;

  *shown = 0;
  for (guint i = 0; i < n; i++)
    {
      VeilVerdict *verdict;

      hash = veil_worker_result_get_hash (result, i, &quality);
      verdict = veil_analyzer_evaluate (self, profile, hash, quality, veil_worker_result_get_scores (result, i));
      g_ptr_array_add (verdicts, verdict);
      if (!veil_verdict_get_sensitive (verdict))
        continue;
      times[n_sensitive++] = veil_worker_result_get_frame_time (result, i);
      matched |= has_hash_match (verdict);
      if (n_sensitive == 1 || top_figure (verdict) > top_figure (verdicts->pdata[*shown]))
        *shown = i;
    }
  if (n_sensitive < VEIL_VIDEO_MIN_SENSITIVE_FRAMES && n_sensitive < n && !matched)
    {
      /* Not sensitive: the first frame's hash, no reasons. */
      *shown = 0;
      hash = veil_worker_result_get_hash (result, 0, &quality);
      veil_verdict_builder_set_hash (builder, hash, quality);
      veil_verdict_builder_set_suppressed (builder, veil_verdict_get_suppressed (verdicts->pdata[0]));
      return veil_verdict_builder_build (builder);
    }
  poster = verdicts->pdata[*shown];
  veil_verdict_builder_set_hash (builder, veil_verdict_get_hash (poster), veil_verdict_get_hash_quality (poster));
  for (guint r = 0; r < veil_verdict_get_n_reasons (poster); r++)
    {
      g_autoptr(VeilReason) timed = veil_reason_new_with_frame_times (veil_verdict_get_reason (poster, r),
                                                                      times, n_sensitive);

      veil_verdict_builder_add_reason (builder, timed);
    }
  return veil_verdict_builder_build (builder);
}

/* The verdict on a file from its frames' figures. The picture keeps the first frame's hash;
 * a later frame that is sensitive when the first is not gives its reasons, and its thumbnail
 * is the one shown. */
static VeilVerdict *
evaluate_result (VeilAnalyzer          *self,
                 VeilProfile           *profile,
                 VeilWorkerResult      *result,
                 VeilClassifierResult **out_scores,
                 GBytes               **out_thumbnail)
{
  g_autoptr(VeilVerdict) verdict = NULL;
  g_autoptr(VeilClassifierResult) scores = NULL;
  const VeilPdqHash *hash;
  const char *detail = NULL;
  VeilUncheckedCause skipped;
  guint quality = 0, shown = 0;
  /* Pictures carry no frame times; a video's every frame does. */
  gboolean video = veil_worker_result_get_frame_time (result, 0) >= 0;

  hash = veil_worker_result_get_hash (result, 0, &quality);
  scores = veil_worker_result_get_scores (result, 0);
  if (scores != NULL)
    veil_classifier_result_ref (scores);
  verdict = video ? evaluate_video (self, profile, result, &shown)
                  : veil_analyzer_evaluate (self, profile, hash, quality, scores);
  for (guint i = 1; i < veil_worker_result_get_n_frames (result); i++)
    {
      VeilClassifierResult *frame_scores = veil_worker_result_get_scores (result, i);
      g_autoptr(VeilVerdict) frame_verdict = NULL;

      if (scores != NULL && frame_scores != NULL)
        {
          VeilClassifierResult *merged = max_scores (scores, frame_scores);

          veil_classifier_result_unref (scores);
          scores = merged;
        }
      if (video)
        continue;
      hash = veil_worker_result_get_hash (result, i, &quality);
      frame_verdict = veil_analyzer_evaluate (self, profile, hash, quality, frame_scores);
      if (veil_verdict_get_sensitive (frame_verdict) && !veil_verdict_get_sensitive (verdict))
        {
          VeilVerdict *taken = rebuild (verdict, frame_verdict, NULL);

          veil_verdict_unref (verdict);
          verdict = taken;
          shown = i;
        }
    }
  skipped = veil_worker_result_get_skipped (result, &detail);
  if (skipped != 0)
    {
      g_autoptr(VeilReason) reason = veil_reason_new_unchecked (skipped, detail);
      VeilVerdict *partial = rebuild (verdict, NULL, reason);

      veil_verdict_unref (verdict);
      verdict = partial;
    }
  *out_thumbnail = veil_worker_result_get_thumbnail (result, shown);
  if (out_scores != NULL)
    *out_scores = g_steal_pointer (&scores);
  return g_steal_pointer (&verdict);
}

static VeilWorkerResult *
compute (VeilAnalyzer             *self,
         int                       fd,
         const char               *name,
         VeilWorkerLane            lane,
         VeilWorkerRequestFlags    flags,
         GCancellable             *cancellable,
         GError                  **error)
{
  VeilWorkerRequest request = { 0 };

  request.needs = veil_analyzer_get_needs (self);
  request.pdq_mode = veil_analyzer_get_pdq_mode (self);
  request.flags = flags;
  _veil_analyzer_get_limits (self, &request.limits);
  if (veil_analyzer_get_pool (self) != NULL)
    return veil_worker_pool_analyze (veil_analyzer_get_pool (self), lane, fd, name, &request, cancellable, error);
  return veil_worker_analyze_fd (veil_analyzer_get_classifier (self), fd, name, &request, cancellable, error);
}

/* A failure to analyse as a verdict, or %FALSE with the error kept for the caller: a file
 * with no picture to judge, cancelled work, or a full queue (try again later). */
static VeilVerdict *
unchecked_or_error (GError  *local_error,
                    GError **error)
{
  VeilVerdict *verdict = NULL;

  if (!g_error_matches (local_error, VEIL_WORKER_ERROR, VEIL_WORKER_ERROR_BUSY))
    verdict = veil_verdict_new_unchecked_for_error (local_error);
  if (verdict == NULL)
    g_propagate_error (error, local_error);
  else
    {
      g_debug ("Not checked: %s", local_error->message);
      g_error_free (local_error);
    }
  return verdict;
}

/**
 * veil_analyzer_analyze_fd:
 * @fd: an open regular file, read from its start (never closed here)
 * @name: how messages name the file
 * @lane: whose workers analyse it
 * @out_scores: (out) (optional) (nullable): the classifier's scores
 * @out_blurred_thumbnail: (out) (optional) (nullable): for a sensitive picture, or one Veil
 *   could check only in part, a small blurred PNG; %NULL otherwise
 * @out_sha256: (out) (optional) (nullable): the file's SHA-256, read through @fd
 *
 * Analyses the file open at @fd in a worker (or in this process, for an analyzer made
 * without a pool). Frames of an animation left unjudged (over the pixel budget or the
 * deadline) add a "not checked" reason to the verdict.
 *
 * Returns: (transfer full): the verdict, or %NULL with @error set: a #VeilImageError, a
 *   #VeilWorkerError (the worker crashed, overran or has no model; the lane is full) or a
 *   cancellation. veil_verdict_new_unchecked_for_error() turns the error into the "not
 *   checked" verdict a caller shows; veil_analyzer_analyze_file() does so itself.
 */
VeilVerdict *
veil_analyzer_analyze_fd (VeilAnalyzer          *self,
                          int                    fd,
                          const char            *name,
                          VeilWorkerLane         lane,
                          VeilProfile           *profile,
                          VeilClassifierResult **out_scores,
                          GBytes               **out_blurred_thumbnail,
                          char                 **out_sha256,
                          GCancellable          *cancellable,
                          GError               **error)
{
  g_autoptr(VeilWorkerResult) result = NULL;
  g_autoptr(VeilVerdict) verdict = NULL;
  VeilWorkerRequestFlags flags = 0;
  GBytes *thumbnail = NULL;

  g_return_val_if_fail (VEIL_IS_ANALYZER (self), NULL);
  g_return_val_if_fail (fd >= 0 && name != NULL, NULL);

  if (out_scores != NULL)
    *out_scores = NULL;
  if (out_blurred_thumbnail != NULL)
    *out_blurred_thumbnail = NULL;
  if (out_sha256 != NULL)
    *out_sha256 = NULL;
  if (out_blurred_thumbnail != NULL)
    flags |= VEIL_WORKER_REQUEST_THUMBNAIL;
  if (out_sha256 != NULL)
    flags |= VEIL_WORKER_REQUEST_SHA256;

  result = compute (self, fd, name, lane, flags, cancellable, error);
  if (result == NULL)
    return NULL;

  verdict = evaluate_result (self, profile, result, out_scores, &thumbnail);
  if (out_blurred_thumbnail != NULL &&
      (veil_verdict_get_sensitive (verdict) || veil_verdict_get_unchecked (verdict)))
    {
      if (thumbnail == NULL && veil_verdict_get_sensitive (verdict))
        {
          g_set_error_literal (error, VEIL_ANALYZER_ERROR, VEIL_ANALYZER_ERROR_THUMBNAIL,
                               _("The picture has no thumbnail to blur. Scan it again."));
          if (out_scores != NULL)
            g_clear_pointer (out_scores, veil_classifier_result_unref);
          return NULL;
        }
      *out_blurred_thumbnail = thumbnail != NULL ? g_bytes_ref (thumbnail) : NULL;
    }
  if (out_sha256 != NULL)
    *out_sha256 = g_strdup (veil_worker_result_get_sha256 (result));
  return g_steal_pointer (&verdict);
}

/**
 * veil_analyzer_open_file:
 *
 * Opens @path the way Veil reads a picture: read-only (following a symbolic link, as scans do), without
 * waiting on a FIFO; only a non-empty regular file within the size limit is kept.
 *
 * Returns: the descriptor (close-on-exec), or -1 with @error set (a #VeilImageError)
 */
int
veil_analyzer_open_file (VeilAnalyzer  *self,
                         const char    *path,
                         GError       **error)
{
  g_autofree char *name = NULL;
  VeilImageLimits limits;
  GStatBuf st;
  int fd, saved_errno;

  g_return_val_if_fail (VEIL_IS_ANALYZER (self), -1);
  g_return_val_if_fail (path != NULL, -1);

  _veil_analyzer_get_limits (self, &limits);
  name = g_filename_display_name (path);
  fd = g_open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, 0);
  if (fd < 0)
    {
      saved_errno = errno;
      if (saved_errno == ELOOP)
        g_set_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_NOT_A_FILE,
                     _("“%s” is a symbolic link, so it is not read as an image. Check the file it points to instead."), name);
      else
        g_set_error (error, VEIL_IMAGE_ERROR,
                     saved_errno == ENOENT ? VEIL_IMAGE_ERROR_NOT_FOUND : VEIL_IMAGE_ERROR_UNREADABLE,
                     _("“%s” cannot be read: %s"), name, g_strerror (saved_errno));
      return -1;
    }
  if (fstat (fd, &st) != 0)
    {
      saved_errno = errno;
      g_set_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_UNREADABLE,
                   _("“%s” cannot be read: %s"), name, g_strerror (saved_errno));
    }
  else if (!S_ISREG (st.st_mode))
    g_set_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_NOT_A_FILE,
                 S_ISDIR (st.st_mode) ? _("“%s” is a folder, not an image file.")
                                      : _("“%s” is not a regular file (it may be a device or a pipe), so it is not read as an image."),
                 name);
  else if (st.st_size == 0)
    g_set_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_EMPTY,
                 _("“%s” is empty (0 bytes), so there is no image in it."), name);
  else if (limits.max_file_size != 0 && (guint64) st.st_size > limits.max_file_size)
    {
      g_autofree char *size = g_format_size ((guint64) st.st_size);
      g_autofree char *limit = g_format_size (limits.max_file_size);

      g_set_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_FILE_TOO_LARGE,
                   _("“%s” is %s, more than the %s Veil reads for one image. It was skipped."),
                   name, size, limit);
    }
  else
    return fd;
  close (fd);
  return -1;
}

/**
 * veil_analyzer_analyze_file_in_lane:
 *
 * veil_analyzer_analyze_fd() on @path, opened with veil_analyzer_open_file(): failures are
 * errors, as there.
 */
VeilVerdict *
veil_analyzer_analyze_file_in_lane (VeilAnalyzer          *self,
                                    const char            *path,
                                    VeilWorkerLane         lane,
                                    VeilProfile           *profile,
                                    VeilClassifierResult **out_scores,
                                    GBytes               **out_blurred_thumbnail,
                                    GCancellable          *cancellable,
                                    GError               **error)
{
  g_autofree char *name = NULL;
  VeilVerdict *verdict;
  int fd;

  g_return_val_if_fail (VEIL_IS_ANALYZER (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  if (out_scores != NULL)
    *out_scores = NULL;
  if (out_blurred_thumbnail != NULL)
    *out_blurred_thumbnail = NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  fd = veil_analyzer_open_file (self, path, error);
  if (fd < 0)
    return NULL;
  name = g_filename_display_name (path);
  verdict = veil_analyzer_analyze_fd (self, fd, name, lane, profile, out_scores, out_blurred_thumbnail, NULL,
                                      cancellable, error);
  close (fd);
  return verdict;
}

/**
 * veil_analyzer_analyze_file:
 * @out_scores: (out) (optional) (nullable): the classifier's scores
 * @out_blurred_thumbnail: (out) (optional) (nullable): for a sensitive picture, a small
 *   blurred PNG (the only pixel data Veil keeps); %NULL otherwise
 *
 * veil_analyzer_analyze_file_in_lane() for API callers (%VEIL_WORKER_LANE_API), where a
 * file Veil could not analyse (too large, too slow, damaged, the worker crashed, no model)
 * gets a verdict of its own: see veil_verdict_get_unchecked().
 *
 * Returns: (transfer full): the verdict, or %NULL with @error set when there is no picture
 *   to judge (#VeilImageError), the work was cancelled, or the lane is full
 *   (%VEIL_WORKER_ERROR_BUSY)
 */
VeilVerdict *
veil_analyzer_analyze_file (VeilAnalyzer          *self,
                            const char            *path,
                            VeilProfile           *profile,
                            VeilClassifierResult **out_scores,
                            GBytes               **out_blurred_thumbnail,
                            GCancellable          *cancellable,
                            GError               **error)
{
  GError *local_error = NULL;
  VeilVerdict *verdict;

  verdict = veil_analyzer_analyze_file_in_lane (self, path, VEIL_WORKER_LANE_API, profile, out_scores,
                                                out_blurred_thumbnail, cancellable, &local_error);
  if (verdict == NULL)
    return unchecked_or_error (local_error, error);
  return verdict;
}

typedef struct {
  char                 *path;     /* or, when NULL, fd */
  int                   fd;
  char                 *name;
  VeilWorkerLane        lane;
  VeilProfile          *profile;
  VeilClassifierResult *scores;
  char                 *sha256;
} AnalyzeData;

static void
analyze_data_free (AnalyzeData *data)
{
  g_free (data->path);
  if (data->fd >= 0)
    close (data->fd);
  g_free (data->name);
  g_clear_pointer (&data->profile, veil_profile_unref);
  g_clear_pointer (&data->scores, veil_classifier_result_unref);
  g_free (data->sha256);
  g_free (data);
}

static void
analyze_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  VeilAnalyzer *self = source_object;
  AnalyzeData *data = task_data;
  GError *error = NULL;
  VeilVerdict *verdict;

  /* The worker does the work; this thread only waits for it. */
  if (data->path != NULL)
    verdict = veil_analyzer_analyze_file (self, data->path, data->profile, NULL, NULL, cancellable, &error);
  else
    verdict = veil_analyzer_analyze_fd (self, data->fd, data->name, data->lane, data->profile, &data->scores,
                                        NULL, &data->sha256, cancellable, &error);
  if (verdict == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, verdict, (GDestroyNotify) veil_verdict_unref);
}

static void
analyze_async (VeilAnalyzer        *self,
               AnalyzeData         *data,
               VeilProfile         *profile,
               gpointer             source_tag,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  data->profile = profile != NULL ? veil_profile_ref (profile) : NULL;
  g_task_set_task_data (task, data, (GDestroyNotify) analyze_data_free);
  g_task_run_in_thread (task, analyze_thread);
}

void
veil_analyzer_analyze_file_async (VeilAnalyzer        *self,
                                  const char          *path,
                                  VeilProfile         *profile,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  AnalyzeData *data;

  g_return_if_fail (VEIL_IS_ANALYZER (self));
  g_return_if_fail (path != NULL);

  data = g_new0 (AnalyzeData, 1);
  data->path = g_strdup (path);
  data->fd = -1;
  data->lane = VEIL_WORKER_LANE_API;
  analyze_async (self, data, profile, veil_analyzer_analyze_file_async, cancellable, callback, user_data);
}

VeilVerdict *
veil_analyzer_analyze_file_finish (VeilAnalyzer  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (VEIL_IS_ANALYZER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * veil_analyzer_analyze_fd_async:
 * @fd: an open regular file; the analyzer keeps its own duplicate
 *
 * veil_analyzer_analyze_fd() without blocking the caller.
 */
void
veil_analyzer_analyze_fd_async (VeilAnalyzer        *self,
                                int                  fd,
                                const char          *name,
                                VeilWorkerLane       lane,
                                VeilProfile         *profile,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  AnalyzeData *data;

  g_return_if_fail (VEIL_IS_ANALYZER (self));
  g_return_if_fail (fd >= 0 && name != NULL);

  data = g_new0 (AnalyzeData, 1);
  data->fd = fcntl (fd, F_DUPFD_CLOEXEC, 3);
  data->name = g_strdup (name);
  data->lane = lane;
  if (data->fd < 0)
    {
      g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
      int saved_errno = errno;

      g_task_set_source_tag (task, veil_analyzer_analyze_fd_async);
      g_task_return_new_error (task, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_UNREADABLE,
                               _("“%s” cannot be read: %s"), name, g_strerror (saved_errno));
      analyze_data_free (data);
      return;
    }
  analyze_async (self, data, profile, veil_analyzer_analyze_fd_async, cancellable, callback, user_data);
}

/**
 * veil_analyzer_analyze_fd_finish:
 * @out_scores: (out) (optional) (nullable): the classifier's scores
 * @out_sha256: (out) (optional) (nullable): the file's SHA-256
 */
VeilVerdict *
veil_analyzer_analyze_fd_finish (VeilAnalyzer          *self,
                                 GAsyncResult          *result,
                                 VeilClassifierResult **out_scores,
                                 char                 **out_sha256,
                                 GError               **error)
{
  AnalyzeData *data;

  g_return_val_if_fail (VEIL_IS_ANALYZER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  data = g_task_get_task_data (G_TASK (result));
  if (out_scores != NULL)
    *out_scores = g_steal_pointer (&data->scores);
  if (out_sha256 != NULL)
    *out_sha256 = g_steal_pointer (&data->sha256);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- A child's own picture ---------------------------------------------------------------- */

static char *
md5_fd (int       fd,
        GError  **error)
{
  g_autoptr(GChecksum) md5 = g_checksum_new (G_CHECKSUM_MD5);
  g_autofree guint8 *buf = g_malloc (64 * 1024);
  off_t offset = 0;
  ssize_t n;

  /* pread: the file is read, never mapped, so a file cut short meanwhile is only shorter. */
  while ((n = pread (fd, buf, 64 * 1024, offset)) > 0)
    {
      g_checksum_update (md5, buf, n);
      offset += n;
    }
  if (n < 0)
    {
      int saved_errno = errno;

      g_set_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_UNREADABLE,
                   _("The file could not be read to the end: %s"), g_strerror (saved_errno));
      return NULL;
    }
  return g_strdup (g_checksum_get_string (md5));
}

/**
 * veil_analyzer_hash_file:
 * @out_hash: (out): the picture's exact PDQ hash
 * @out_md5: (out) (optional): the file's MD5, as StopNCII and Take It Down take it
 *
 * Hashes a picture a child chose to protect: decoded in a worker like any other, the exact
 * hash (a teen may hand it to StopNCII, whose hashes are exact too). Blocks.
 */
gboolean
veil_analyzer_hash_file (VeilAnalyzer  *self,
                         const char    *path,
                         VeilPdqHash   *out_hash,
                         char         **out_md5,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_autoptr(VeilWorkerResult) result = NULL;
  g_autofree char *md5 = NULL;
  VeilWorkerRequest request = { 0 };
  const VeilPdqHash *hash;
  guint quality = 0;
  int fd;

  g_return_val_if_fail (VEIL_IS_ANALYZER (self), FALSE);
  g_return_val_if_fail (path != NULL && out_hash != NULL, FALSE);

  fd = veil_analyzer_open_file (self, path, error);
  if (fd < 0)
    return FALSE;
  request.needs = VEIL_IMAGE_NEED_PDQ;
  request.pdq_mode = VEIL_PDQ_MODE_EXACT;
  _veil_analyzer_get_limits (self, &request.limits);
  if (veil_analyzer_get_pool (self) != NULL)
    result = veil_worker_pool_analyze (veil_analyzer_get_pool (self), VEIL_WORKER_LANE_API, fd, path, &request,
                                       cancellable, error);
  else
    result = veil_worker_analyze_fd (veil_analyzer_get_classifier (self), fd, path, &request, cancellable, error);
  if (result != NULL && out_md5 != NULL)
    md5 = md5_fd (fd, error);
  close (fd);
  if (result == NULL || (out_md5 != NULL && md5 == NULL))
    return FALSE;
  hash = veil_worker_result_get_n_frames (result) > 0 ? veil_worker_result_get_hash (result, 0, &quality) : NULL;
  if (hash == NULL)
    {
      g_autofree char *name = g_filename_display_name (path);

      g_set_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_CORRUPT,
                   _("Veil could not make the codes for “%s”. Choose another picture."), name);
      return FALSE;
    }
  *out_hash = *hash;
  if (out_md5 != NULL)
    *out_md5 = g_steal_pointer (&md5);
  return TRUE;
}

/* --- Showing a picture ----------------------------------------------------------------------
 * When the child chooses to see a warned picture, or a guardian reveals a scan's match, the
 * unblurred display thumbnail is decoded like any analysis: in a worker, from a descriptor. */

static VeilWorkerResult *
load_preview (VeilAnalyzer  *self,
              const char    *path,
              GCancellable  *cancellable,
              GError       **error)
{
  VeilWorkerRequest request = { 0 };
  VeilWorkerResult *result;
  guint width, height;
  int fd = veil_analyzer_open_file (self, path, error);

  if (fd < 0)
    return NULL;
  request.needs = VEIL_IMAGE_NEED_THUMBNAIL;
  request.pdq_mode = veil_analyzer_get_pdq_mode (self);
  request.flags = VEIL_WORKER_REQUEST_PREVIEW;
  _veil_analyzer_get_limits (self, &request.limits);
  if (veil_analyzer_get_pool (self) != NULL)
    result = veil_worker_pool_analyze (veil_analyzer_get_pool (self), VEIL_WORKER_LANE_API, fd, path, &request,
                                       cancellable, error);
  else
    result = veil_worker_analyze_fd (veil_analyzer_get_classifier (self), fd, path, &request, cancellable, error);
  close (fd);
  if (result != NULL &&
      (veil_worker_result_get_n_frames (result) == 0 ||
       veil_worker_result_get_preview (result, 0, &width, &height) == NULL))
    {
      g_set_error_literal (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_CORRUPT,
                           _("The picture could not be shown."));
      g_clear_pointer (&result, veil_worker_result_unref);
    }
  return result;
}

static void
preview_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GPtrArray *paths = task_data;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < paths->len; i++)
    {
      VeilWorkerResult *result;

      if (paths->pdata[i] == NULL)
        continue;
      g_clear_error (&error);
      result = load_preview (source_object, paths->pdata[i], cancellable, &error);
      if (result != NULL)
        {
          g_task_return_pointer (task, result, (GDestroyNotify) veil_worker_result_unref);
          return;
        }
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        break;
    }
  if (error == NULL)
    g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("The picture is no longer on this computer."));
  g_task_return_error (task, g_steal_pointer (&error));
}

/**
 * veil_analyzer_load_preview_async:
 * @paths: (array length=n_paths): where the picture may be, in order; entries may be %NULL
 *
 * Decodes the first of @paths that is still there into its unblurred display thumbnail
 * (veil_worker_result_get_preview() of frame 0), in a worker process. Only in memory.
 */
void
veil_analyzer_load_preview_async (VeilAnalyzer        *self,
                                  const char * const  *paths,
                                  guint                n_paths,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GPtrArray *copy = g_ptr_array_new_with_free_func (g_free);

  g_return_if_fail (VEIL_IS_ANALYZER (self));
  g_return_if_fail (paths != NULL || n_paths == 0);

  for (guint i = 0; i < n_paths; i++)
    g_ptr_array_add (copy, g_strdup (paths[i]));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, veil_analyzer_load_preview_async);
  g_task_set_task_data (task, copy, (GDestroyNotify) g_ptr_array_unref);
  g_task_run_in_thread (task, preview_thread);
}

/**
 * veil_analyzer_load_preview_finish:
 *
 * Returns: (transfer full): the result holding the preview, or %NULL with @error set
 */
VeilWorkerResult *
veil_analyzer_load_preview_finish (VeilAnalyzer  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (VEIL_IS_ANALYZER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
