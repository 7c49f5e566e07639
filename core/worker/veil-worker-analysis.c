/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-worker"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <vips/vips.h>

#include "veil-analyzer.h"
#include "veil-classifier-result-private.h"
#include "veil-image-private.h"
#include "veil-worker-pool.h"
#include "veil-worker-private.h"

/* The figures of one file, from its descriptor alone: what an analysis worker computes, and
 * what an in-process analyzer (tests, benches) computes the same way. Every frame of an
 * animation is read through the same descriptor, within the same deadline and a budget of
 * decoded pixels. */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipsSource, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipsImage, g_object_unref)

/* The second model of this process: loaded once at start, next to the first. */
static VeilClassifier *second_classifier;

/**
 * veil_worker_set_second_classifier:
 * @second: (nullable) (transfer none): the second model (MobileNetV2Mid), or %NULL when it
 *   could not be loaded
 *
 * Sets the second opinion every analysis in this process asks for on borderline flags. Set
 * it once, before the first analysis; without it a borderline frame says the second opinion
 * was unavailable, and its first verdict stands.
 */
void
veil_worker_set_second_classifier (VeilClassifier *second)
{
  g_return_if_fail (second == NULL || VEIL_IS_CLASSIFIER (second));
  g_set_object (&second_classifier, second);
}

/* Runs the second model on @image when the first model's flag is borderline at some
 * sensitivity: the parent decides with the profile's level and setting. */
static gboolean
ask_second_opinion (VeilImage        *image,
                    VeilWorkerFrame  *frame,
                    GCancellable     *cancellable,
                    GError          **error)
{
  if (!veil_analyzer_needs_second_opinion (frame->scores))
    return TRUE;
  if (second_classifier == NULL)
    {
      frame->second_state = VEIL_SECOND_OPINION_UNAVAILABLE;
      return TRUE;
    }
  frame->second = veil_classifier_classify_image (second_classifier, image, VEIL_CLASSIFY_FLAGS_NONE,
                                                  cancellable, error);
  if (frame->second == NULL)
    return FALSE;
  frame->second_state = VEIL_SECOND_OPINION_GIVEN;
  /* Carried with the first scores, so a scan's cache keeps the second opinion too. */
  _veil_classifier_result_set_second (frame->scores, frame->second);
  return TRUE;
}

static VeilWorkerVideoFunc video_func;

/* Set once, by the analysis worker before it serves its first file. */
void
_veil_worker_set_video_func (VeilWorkerVideoFunc func)
{
  video_func = func;
}

/* A video container, judged by its first bytes: MP4, MOV and M4V (an ISO media "ftyp" box
 * whose brand is not a still picture's, or a QuickTime file starting with another top-level
 * box), WebM and Matroska (an EBML header). */
gboolean
_veil_worker_sniff_video (int fd)
{
  /* The brands of HEIF and AVIF pictures and picture sequences, which libvips reads. */
  static const char *const picture_brands[] = {
    "heic", "heix", "hevc", "hevx", "heim", "heis", "hevm", "hevs", "mif1", "mif2", "msf1", "miaf",
    "avif", "avis", "avci", "avcs",
  };
  static const char *const quicktime_boxes[] = { "moov", "mdat", "wide", "free", "skip", "pnot" };
  guint8 head[12] = { 0 };

  if (pread (fd, head, sizeof head, 0) != (ssize_t) sizeof head)
    return FALSE;
  if (memcmp (head, "\x1a\x45\xdf\xa3", 4) == 0)
    return TRUE;
  if (memcmp (head + 4, "ftyp", 4) == 0)
    {
      for (gsize i = 0; i < G_N_ELEMENTS (picture_brands); i++)
        if (memcmp (head + 8, picture_brands[i], 4) == 0)
          return FALSE;
      return TRUE;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (quicktime_boxes); i++)
    if (memcmp (head + 4, quicktime_boxes[i], 4) == 0)
      return TRUE;
  return FALSE;
}

gboolean
_veil_worker_analyze_frame (VeilClassifier          *classifier,
                            VeilImage               *image,
                            const VeilWorkerRequest *request,
                            VeilWorkerFrame         *frame,
                            GCancellable            *cancellable,
                            GError                 **error)
{
  VeilImageNeeds needs = veil_image_get_needs (image);

  if ((needs & (VEIL_IMAGE_NEED_PDQ | VEIL_IMAGE_NEED_PDQ_FAST)) != 0)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(VeilPdq) pdq = veil_pdq_new_from_image (image, request->pdq_mode, FALSE, &local_error);

      /* The classifier can still judge a picture PDQ cannot hash. */
      if (pdq == NULL)
        g_debug ("No PDQ hash: %s", local_error->message);
      else
        {
          frame->has_hash = TRUE;
          frame->hash = *veil_pdq_get_hash (pdq);
          frame->quality = veil_pdq_get_quality (pdq);
        }
    }
  if ((needs & VEIL_IMAGE_NEED_CLASSIFIER) != 0)
    {
      if (classifier == NULL)
        {
          g_set_error_literal (error, VEIL_WORKER_ERROR, VEIL_WORKER_ERROR_MODEL_MISSING,
                               _("Veil’s on-device model could not be loaded, so pictures cannot be checked. Reinstall Veil."));
          return FALSE;
        }
      frame->scores = veil_classifier_classify_image (classifier, image, VEIL_CLASSIFY_FLAGS_HEATMAP, cancellable, error);
      if (frame->scores == NULL || !ask_second_opinion (image, frame, cancellable, error))
        return FALSE;
    }
  if ((request->flags & VEIL_WORKER_REQUEST_THUMBNAIL) != 0)
    {
      g_autoptr(GError) local_error = NULL;

      /* Without it a sensitive verdict fails later, where it is needed. */
      frame->thumbnail = veil_analyzer_blur_thumbnail (image, &local_error);
      if (frame->thumbnail == NULL)
        g_debug ("No blurred thumbnail: %s", local_error->message);
    }
  if ((request->flags & VEIL_WORKER_REQUEST_PREVIEW) != 0)
    {
      guint w = 0, h = 0;
      const guint8 *rgb = veil_image_get_thumbnail (image, &w, &h);

      if (rgb == NULL && (rgb = veil_image_get_classifier_rgb (image)) != NULL)
        w = h = VEIL_IMAGE_CLASSIFIER_SIZE;
      if (rgb != NULL)
        {
          frame->preview = g_bytes_new (rgb, (gsize) w * h * 3);
          frame->preview_width = w;
          frame->preview_height = h;
        }
    }
  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

static guint
count_pages (int fd)
{
  g_autoptr(VipsSource) source = NULL;
  g_autoptr(VipsImage) header = NULL;
  int n = 1;

  if (lseek (fd, 0, SEEK_SET) != 0 || (source = vips_source_new_from_descriptor (fd)) == NULL)
    {
      vips_error_clear ();
      return 1;
    }
  header = vips_image_new_from_source (source, "", "access", VIPS_ACCESS_SEQUENTIAL, NULL);
  if (header == NULL)
    {
      vips_error_clear ();
      return 1;
    }
  if (vips_image_get_typeof (header, VIPS_META_N_PAGES) != 0)
    vips_image_get_int (header, VIPS_META_N_PAGES, &n);
  return (guint) MAX (1, n);
}

/* Later frames of an animation, evenly spaced. A damaged later frame does not undo the
 * judgement of the first; frames past the pixel budget or the deadline are counted as not
 * checked. Returns FALSE only when cancelled or a frame's analysis failed outright. */
static gboolean
analyze_later_frames (VeilClassifier          *classifier,
                      int                      fd,
                      const char              *name,
                      VeilImage               *first,
                      const VeilWorkerRequest *request,
                      gint64                   deadline,
                      VeilWorkerResult        *result,
                      GCancellable            *cancellable,
                      GError                 **error)
{
  guint64 area = (guint64) veil_image_get_width (first) * veil_image_get_height (first);
  guint64 budget = VEIL_WORKER_MAX_DECODED_PIXELS - MIN (area, VEIL_WORKER_MAX_DECODED_PIXELS);
  guint n_pages = count_pages (fd);
  guint n_extra = MIN (VEIL_WORKER_MAX_EXTRA_FRAMES, n_pages - 1);

  for (guint k = 1; k <= n_extra; k++)
    {
      guint page = k * n_pages / (n_extra + 1);
      guint64 cost = (guint64) (page + 1) * area;
      VeilImageLimits limits = request->limits;
      g_autoptr(VeilImage) image = NULL;
      g_autoptr(GError) frame_error = NULL;
      VeilWorkerFrame frame = { .time_ms = -1 };
      gint64 now = g_get_monotonic_time ();

      if (cost > budget)
        {
          _veil_worker_result_skip (result, VEIL_UNCHECKED_TOO_LARGE,
                                    g_strdup_printf (_("Frames from %u of %u on were not checked: decoding them means decoding "
                                        "more than %u million pixels."), page + 1, n_pages,
                                      VEIL_WORKER_MAX_DECODED_PIXELS / 1000000));
          return TRUE;
        }
      if (deadline != 0 && now >= deadline)
        {
          _veil_worker_result_skip (result, VEIL_UNCHECKED_TOO_SLOW,
                     g_strdup_printf (_("Frames from %u of %u on were not checked in time."), page + 1, n_pages));
          return TRUE;
        }
      budget -= cost;
      if (deadline != 0)
        limits.timeout_ms = (guint) MAX (1, (deadline - now) / 1000);
      if (lseek (fd, 0, SEEK_SET) == 0)
        image = _veil_image_load_source_page (fd, name, page, request->needs, &limits, cancellable, &frame_error);
      else
        frame_error = g_error_new (VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_UNREADABLE, "%s", g_strerror (errno));
      if (image == NULL)
        {
          if (g_error_matches (frame_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_propagate_error (error, g_steal_pointer (&frame_error));
              return FALSE;
            }
          if (g_error_matches (frame_error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_TIMEOUT))
            {
              _veil_worker_result_skip (result, VEIL_UNCHECKED_TOO_SLOW, g_strdup (frame_error->message));
              return TRUE;
            }
          g_debug ("%s, frame %u: %s", name, page, frame_error->message);
          continue;
        }
      g_array_append_val (result->frames, frame);
      if (!_veil_worker_analyze_frame (classifier, image, request,
                          &g_array_index (result->frames, VeilWorkerFrame, result->frames->len - 1),
                          cancellable, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * veil_worker_analyze_fd:
 * @classifier: (nullable): the classifier; without it a request that needs one fails with
 *   %VEIL_WORKER_ERROR_MODEL_MISSING
 * @fd: an open regular file, read from its start; never closed here
 * @name: how messages name the file
 *
 * Computes the figures of one file in this process: what a worker does for its parent.
 *
 * Returns: (transfer full): the figures, or %NULL with @error set (a #VeilImageError for
 *   files that are not readable pictures)
 */
VeilWorkerResult *
veil_worker_analyze_fd (VeilClassifier          *classifier,
                        int                      fd,
                        const char              *name,
                        const VeilWorkerRequest *request,
                        GCancellable            *cancellable,
                        GError                 **error)
{
  g_autoptr(VeilWorkerResult) result = _veil_worker_result_new ();
  g_autoptr(VeilImage) first = NULL;
  gint64 deadline = 0;
  const char *format;
  VeilWorkerFrame frame = { .time_ms = -1 };

  g_return_val_if_fail (fd >= 0, NULL);
  g_return_val_if_fail (request != NULL, NULL);

  if ((request->needs & VEIL_IMAGE_NEED_CLASSIFIER) != 0 && classifier == NULL)
    {
      g_set_error_literal (error, VEIL_WORKER_ERROR, VEIL_WORKER_ERROR_MODEL_MISSING,
                           _("Veil’s on-device model could not be loaded, so pictures cannot be checked. Reinstall Veil."));
      return NULL;
    }
  if (request->limits.timeout_ms != 0)
    deadline = g_get_monotonic_time () + (gint64) request->limits.timeout_ms * 1000;
  if (!_veil_image_check_file (fd, name, &request->limits, error))
    return NULL;
  if (_veil_worker_sniff_video (fd))
    {
      if (video_func != NULL)
        return video_func (classifier, fd, name, request, cancellable, error);
      g_set_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_UNSUPPORTED,
                   _("“%s” is a video, and videos are checked only in Veil’s analysis process."), name);
      return NULL;
    }
  /* From the start, whoever read it before; what cannot seek (a pipe) is refused next, as
   * not a regular file. */
  (void) lseek (fd, 0, SEEK_SET);
  first = _veil_image_load_source (fd, name, request->needs, &request->limits, cancellable, error);
  if (first == NULL)
    return NULL;
  g_array_append_val (result->frames, frame);
  if (!_veil_worker_analyze_frame (classifier, first, request, &g_array_index (result->frames, VeilWorkerFrame, 0),
                                   cancellable, error))
    return NULL;

  /* A GIF or WebP animation can hide what it shows in later frames. */
  format = veil_image_get_format (first);
  if ((g_strcmp0 (format, "gif") == 0 || g_strcmp0 (format, "webp") == 0) &&
      !analyze_later_frames (classifier, fd, name, first, request, deadline, result, cancellable, error))
    return NULL;

  if ((request->flags & VEIL_WORKER_REQUEST_SHA256) != 0)
    {
      g_autoptr(GError) local_error = NULL;

      result->sha256 = veil_worker_checksum_fd (fd, &local_error);
      if (result->sha256 == NULL)
        g_debug ("No SHA-256 of %s: %s", name, local_error->message);
    }
  return g_steal_pointer (&result);
}

/**
 * veil_worker_checksum_fd:
 *
 * The SHA-256 of the file open at @fd, from its start, read with pread(): a file cut short
 * meanwhile gives a checksum of what was there, never a crash (as a memory map would).
 *
 * Returns: (transfer full) (nullable): the checksum in hex
 */
char *
veil_worker_checksum_fd (int      fd,
                         GError **error)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *buffer = g_malloc (64 * 1024);
  off_t offset = 0;

  for (;;)
    {
      ssize_t n = pread (fd, buffer, 64 * 1024, offset);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;
          g_set_error (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_UNREADABLE,
                       _("The file could not be read to the end: %s"), g_strerror (saved_errno));
          return NULL;
        }
      if (n == 0)
        break;
      g_checksum_update (checksum, buffer, (gsize) n);
      offset += n;
    }
  return g_strdup (g_checksum_get_string (checksum));
}
