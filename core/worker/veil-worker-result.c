/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-worker"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "veil-analyzer.h"
#include "veil-classifier-result-private.h"
#include "veil-worker-pool.h"
#include "veil-worker-private.h"

/* VeilWorkerResult and its form on the wire. The parent reads a reply as untrusted input: a
 * worker decodes hostile files, so whatever it sends is checked for type and size first. */

G_DEFINE_BOXED_TYPE (VeilWorkerResult, veil_worker_result, veil_worker_result_ref, veil_worker_result_unref)

static void
frame_clear (gpointer data)
{
  VeilWorkerFrame *frame = data;

  g_clear_pointer (&frame->scores, veil_classifier_result_unref);
  g_clear_pointer (&frame->thumbnail, g_bytes_unref);
  g_clear_pointer (&frame->preview, g_bytes_unref);
  g_clear_pointer (&frame->second, veil_classifier_result_unref);
}

VeilWorkerResult *
_veil_worker_result_new (void)
{
  VeilWorkerResult *self = g_new0 (VeilWorkerResult, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->frames = g_array_new (FALSE, TRUE, sizeof (VeilWorkerFrame));
  g_array_set_clear_func (self->frames, frame_clear);
  return self;
}

VeilWorkerResult *
veil_worker_result_ref (VeilWorkerResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
veil_worker_result_unref (VeilWorkerResult *self)
{
  g_return_if_fail (self != NULL);
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_array_unref (self->frames);
  g_free (self->sha256);
  g_free (self->skipped_detail);
  g_free (self);
}

/* Records that frames were left unjudged, and why (@detail is taken). */
void
_veil_worker_result_skip (VeilWorkerResult   *result,
                          VeilUncheckedCause  cause,
                          char               *detail)
{
  result->skipped = cause;
  g_free (result->skipped_detail);
  result->skipped_detail = detail;
}

/* Returns: the frames judged: the first, then later frames of an animation (or a video's
 *   sampled frames) in order */
guint
veil_worker_result_get_n_frames (VeilWorkerResult *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->frames->len;
}

/* Returns: (nullable): the frame's PDQ hash, %NULL when it could not be hashed */
const VeilPdqHash *
veil_worker_result_get_hash (VeilWorkerResult *self,
                             guint             frame,
                             guint            *quality)
{
  VeilWorkerFrame *f;

  g_return_val_if_fail (self != NULL && frame < self->frames->len, NULL);
  f = &g_array_index (self->frames, VeilWorkerFrame, frame);
  if (quality != NULL)
    *quality = f->has_hash ? f->quality : 0;
  return f->has_hash ? &f->hash : NULL;
}

/* Returns: (transfer none) (nullable): the classifier's scores for the frame */
VeilClassifierResult *
veil_worker_result_get_scores (VeilWorkerResult *self,
                               guint             frame)
{
  g_return_val_if_fail (self != NULL && frame < self->frames->len, NULL);
  return g_array_index (self->frames, VeilWorkerFrame, frame).scores;
}

/* Returns: (transfer none) (nullable): the frame's blurred thumbnail (PNG) */
GBytes *
veil_worker_result_get_thumbnail (VeilWorkerResult *self,
                                  guint             frame)
{
  g_return_val_if_fail (self != NULL && frame < self->frames->len, NULL);
  return g_array_index (self->frames, VeilWorkerFrame, frame).thumbnail;
}

/* Returns: (nullable): the frame's display thumbnail as RGB, unblurred, when asked for */
const guint8 *
veil_worker_result_get_preview (VeilWorkerResult *self,
                                guint             frame,
                                guint            *width,
                                guint            *height)
{
  VeilWorkerFrame *f;

  g_return_val_if_fail (self != NULL && frame < self->frames->len, NULL);
  f = &g_array_index (self->frames, VeilWorkerFrame, frame);
  *width = f->preview != NULL ? f->preview_width : 0;
  *height = f->preview != NULL ? f->preview_height : 0;
  return f->preview != NULL ? g_bytes_get_data (f->preview, NULL) : NULL;
}

/* Returns: whether the second model gave its opinion on the frame */
VeilSecondOpinion
veil_worker_result_get_second_state (VeilWorkerResult *self,
                                     guint             frame)
{
  g_return_val_if_fail (self != NULL && frame < self->frames->len, VEIL_SECOND_OPINION_NOT_ASKED);
  return g_array_index (self->frames, VeilWorkerFrame, frame).second_state;
}

/* Returns: (transfer none) (nullable): the second model's scores for the frame, when it ran */
VeilClassifierResult *
veil_worker_result_get_second_scores (VeilWorkerResult *self,
                                      guint             frame)
{
  g_return_val_if_fail (self != NULL && frame < self->frames->len, NULL);
  return g_array_index (self->frames, VeilWorkerFrame, frame).second;
}

/* Returns: a video frame's time from the start of the video in ms, -1 for a picture's */
gint64
veil_worker_result_get_frame_time (VeilWorkerResult *self,
                                   guint             frame)
{
  g_return_val_if_fail (self != NULL && frame < self->frames->len, -1);
  return g_array_index (self->frames, VeilWorkerFrame, frame).time_ms;
}

/* Returns: (nullable): the file's SHA-256 in hex, when asked for */
const char *
veil_worker_result_get_sha256 (VeilWorkerResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->sha256;
}

/* Returns: 0, or why frames of an animation were left unjudged (the first always is) */
VeilUncheckedCause
veil_worker_result_get_skipped (VeilWorkerResult  *self,
                                const char       **detail)
{
  g_return_val_if_fail (self != NULL, 0);
  if (detail != NULL)
    *detail = self->skipped_detail;
  return self->skipped;
}

/* --- Requests ------------------------------------------------------------------------------ */

GVariant *
_veil_worker_request_to_variant (const char              *name,
                                 const VeilWorkerRequest *request)
{
  return g_variant_new (VEIL_WORKER_REQUEST_TYPE, name,
                        (guint32) request->needs, (guint32) request->pdq_mode, (guint32) request->flags,
                        (guint64) request->limits.max_file_size, (guint64) request->limits.max_pixels,
                        (guint32) request->limits.timeout_ms);
}

gboolean
_veil_worker_request_from_variant (GVariant          *variant,
                                   char             **name,
                                   VeilWorkerRequest *request)
{
  guint32 needs, mode, flags, timeout;
  guint64 max_size, max_pixels;

  if (!g_variant_is_of_type (variant, G_VARIANT_TYPE (VEIL_WORKER_REQUEST_TYPE)))
    return FALSE;
  g_variant_get (variant, VEIL_WORKER_REQUEST_TYPE, name, &needs, &mode, &flags, &max_size, &max_pixels, &timeout);
  request->needs = needs;
  request->pdq_mode = mode;
  request->flags = flags;
  request->limits.max_file_size = max_size;
  request->limits.max_pixels = max_pixels;
  request->limits.timeout_ms = timeout;
  return TRUE;
}

/* --- Replies ------------------------------------------------------------------------------- */

static GVariant *
doubles (const double *values,
         gsize         n)
{
  return g_variant_new_fixed_array (G_VARIANT_TYPE_DOUBLE, values, values != NULL ? n : 0, sizeof (double));
}

/* VEIL_WORKER_SECOND_TYPE: probabilities only; the second opinion has no heatmap. */
static GVariant *
second_to_variant (const VeilWorkerFrame *frame)
{
  g_auto(GVariantBuilder) names = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_STRING_ARRAY);
  VeilClassifierResult *s = frame->second;
  guint n = s != NULL ? veil_classifier_result_get_n_classes (s) : 0;
  g_autofree double *p = g_new0 (double, n + 1);

  for (guint i = 0; i < n; i++)
    {
      g_variant_builder_add (&names, "s", veil_classifier_result_get_class_name (s, i));
      p[i] = veil_classifier_result_get_probability (s, i);
    }
  return g_variant_new ("(uas@adsss)", (guint32) (s != NULL ? VEIL_SECOND_OPINION_GIVEN : frame->second_state),
                        &names, doubles (p, n),
                        s != NULL ? veil_classifier_result_get_model_name (s) : "",
                        s != NULL ? veil_classifier_result_get_model_version (s) : "",
                        s != NULL ? veil_classifier_result_get_model_sha256 (s) : "");
}

static GVariant *
frame_to_variant (const VeilWorkerFrame *frame)
{
  g_auto(GVariantBuilder) names = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_STRING_ARRAY);
  VeilClassifierResult *s = frame->scores;
  guint n = s != NULL ? veil_classifier_result_get_n_classes (s) : 0;
  g_autofree double *p = g_new0 (double, n + 1);
  g_autofree double *logits = g_new0 (double, n + 1);
  g_autofree double *bias = g_new0 (double, n + 1);
  g_autofree double *maps = NULL;
  guint w = 0, h = 0;
  gboolean maps_wanted = s != NULL && veil_classifier_result_has_heatmap (s);

  for (guint i = 0; i < n; i++)
    {
      g_variant_builder_add (&names, "s", veil_classifier_result_get_class_name (s, i));
      p[i] = veil_classifier_result_get_probability (s, i);
      logits[i] = veil_classifier_result_get_logit (s, i);
      if (maps_wanted)
        {
          const float *map = veil_classifier_result_get_heatmap (s, i, &w, &h);

          if (maps == NULL)
            maps = g_new0 (double, (gsize) n * w * h + 1);
          for (guint k = 0; k < w * h; k++)
            maps[(gsize) i * w * h + k] = map[k];
          bias[i] = veil_classifier_result_get_heatmap_bias (s, i);
        }
    }
  if (!maps_wanted)
    w = h = 0;
  /* VEIL_WORKER_FRAME_TYPE, with the arrays made here passed as values. */
  return g_variant_new ("(b@ayubas@ad@adsssuu@ad@ad@ayuu@ay@" VEIL_WORKER_SECOND_TYPE "x)",
                        frame->has_hash,
                        g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, &frame->hash, sizeof frame->hash, 1),
                        (guint32) frame->quality,
                        s != NULL,
                        &names,
                        doubles (p, n), doubles (logits, n),
                        s != NULL ? veil_classifier_result_get_model_name (s) : "",
                        s != NULL ? veil_classifier_result_get_model_version (s) : "",
                        s != NULL ? veil_classifier_result_get_model_sha256 (s) : "",
                        (guint32) w, (guint32) h,
                        doubles (maps, (gsize) n * w * h), doubles (maps_wanted ? bias : NULL, n),
                        g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE,
                                                   frame->thumbnail != NULL ? g_bytes_get_data (frame->thumbnail, NULL) : "",
                                                   frame->thumbnail != NULL ? g_bytes_get_size (frame->thumbnail) : 0, 1),
                        (guint32) frame->preview_width, (guint32) frame->preview_height,
                        g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE,
                                                   frame->preview != NULL ? g_bytes_get_data (frame->preview, NULL) : "",
                                                   frame->preview != NULL ? g_bytes_get_size (frame->preview) : 0, 1),
                        second_to_variant (frame),
                        (gint64) frame->time_ms);
}

/* The reply to a request: @result, or @error when there is none. */
GVariant *
_veil_worker_reply_new (VeilWorkerResult *result,
                        const GError     *error)
{
  g_auto(GVariantBuilder) frames = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a" VEIL_WORKER_FRAME_TYPE));
  VeilWorkerWireDomain domain = VEIL_WORKER_WIRE_OK;
  guint code = 0;

  if (error != NULL)
    {
      domain = VEIL_WORKER_WIRE_WORKER;
      code = VEIL_WORKER_ERROR_FAILED;
      if (error->domain == VEIL_IMAGE_ERROR)
        domain = VEIL_WORKER_WIRE_IMAGE, code = error->code;
      else if (error->domain == VEIL_WORKER_ERROR)
        code = error->code;
      else if (error->domain == VEIL_ANALYZER_ERROR)
        domain = VEIL_WORKER_WIRE_ANALYZER, code = error->code;
    }
  for (guint i = 0; result != NULL && i < result->frames->len; i++)
    g_variant_builder_add_value (&frames, frame_to_variant (&g_array_index (result->frames, VeilWorkerFrame, i)));
  return g_variant_new (VEIL_WORKER_REPLY_TYPE, (guint32) domain, (guint32) code,
                        error != NULL ? error->message : "",
                        result != NULL && result->sha256 != NULL ? result->sha256 : "",
                        (guint32) (result != NULL ? result->skipped : 0),
                        result != NULL && result->skipped_detail != NULL ? result->skipped_detail : "",
                        &frames);
}

static gboolean
text_ok (const char *text)
{
  return strlen (text) <= VEIL_WORKER_MAX_TEXT && g_utf8_validate (text, -1, NULL);
}

static gboolean
parse_scores (GVariant         *v,
              VeilWorkerFrame  *frame)
{
  g_autoptr(GVariant) names_v = g_variant_get_child_value (v, 4);
  g_autoptr(GVariant) p_v = g_variant_get_child_value (v, 5);
  g_autoptr(GVariant) logits_v = g_variant_get_child_value (v, 6);
  g_autoptr(GVariant) maps_v = g_variant_get_child_value (v, 12);
  g_autoptr(GVariant) bias_v = g_variant_get_child_value (v, 13);
  const char *model_name, *model_version, *model_sha256;
  gsize n = g_variant_n_children (names_v), n_p, n_l, n_maps, n_bias;
  const double *p = g_variant_get_fixed_array (p_v, &n_p, sizeof (double));
  const double *l = g_variant_get_fixed_array (logits_v, &n_l, sizeof (double));
  const double *maps = g_variant_get_fixed_array (maps_v, &n_maps, sizeof (double));
  const double *bias = g_variant_get_fixed_array (bias_v, &n_bias, sizeof (double));
  g_autofree const char **names = NULL;
  g_autofree float *pf = NULL;
  g_autofree float *lf = NULL;
  guint32 w, h;

  g_variant_get_child (v, 7, "&s", &model_name);
  g_variant_get_child (v, 8, "&s", &model_version);
  g_variant_get_child (v, 9, "&s", &model_sha256);
  g_variant_get_child (v, 10, "u", &w);
  g_variant_get_child (v, 11, "u", &h);
  if (n == 0 || n > VEIL_WORKER_MAX_CLASSES || n_p != n || n_l != n ||
      !text_ok (model_name) || !text_ok (model_version) || !text_ok (model_sha256) ||
      w > VEIL_WORKER_MAX_MAP_SIDE || h > VEIL_WORKER_MAX_MAP_SIDE ||
      n_maps != n * w * h || (w * h != 0 && n_bias != n))
    return FALSE;

  names = g_new0 (const char *, n + 1);
  pf = g_new0 (float, n);
  lf = g_new0 (float, n);
  for (gsize i = 0; i < n; i++)
    {
      const char *name;

      g_variant_get_child (names_v, i, "&s", &name);
      if (!text_ok (name) || !isfinite (p[i]) || p[i] < 0.0 || p[i] > 1.0 || !isfinite (l[i]))
        return FALSE;
      names[i] = g_intern_string (name);
      pf[i] = (float) p[i];
      lf[i] = (float) l[i];
    }
  frame->scores = _veil_classifier_result_new ((guint) n, _veil_classifier_result_intern_class_names (names, (guint) n),
                                               pf, lf, model_name, model_version, model_sha256);
  if (w * h != 0)
    {
      float *mf = g_new (float, n * w * h);
      double *bd = g_memdup2 (bias, n * sizeof (double));

      for (gsize k = 0; k < n * w * h; k++)
        mf[k] = (float) maps[k];
      _veil_classifier_result_take_heatmaps (frame->scores, mf, bd, w, h);
    }
  return TRUE;
}

/* The second opinion of a frame: a state, and the scores only when it ran. */
static gboolean
parse_second (GVariant        *v,
              VeilWorkerFrame *frame)
{
  g_autoptr(GVariant) names_v = g_variant_get_child_value (v, 1);
  g_autoptr(GVariant) p_v = g_variant_get_child_value (v, 2);
  const char *model_name, *model_version, *model_sha256;
  gsize n = g_variant_n_children (names_v), n_p;
  const double *p = g_variant_get_fixed_array (p_v, &n_p, sizeof (double));
  g_autofree const char **names = NULL;
  g_autofree float *pf = NULL;
  g_autofree float *lf = NULL;
  guint32 state;

  g_variant_get (v, "(u@as@ad&s&s&s)", &state, NULL, NULL, &model_name, &model_version, &model_sha256);
  if (state > VEIL_SECOND_OPINION_UNAVAILABLE || n_p != n || n > VEIL_WORKER_MAX_CLASSES ||
      (state == VEIL_SECOND_OPINION_GIVEN) != (n > 0) ||
      !text_ok (model_name) || !text_ok (model_version) || !text_ok (model_sha256))
    return FALSE;
  frame->second_state = state;
  if (n == 0)
    return TRUE;

  names = g_new0 (const char *, n + 1);
  pf = g_new0 (float, n);
  lf = g_new0 (float, n);
  for (gsize i = 0; i < n; i++)
    {
      const char *name;

      g_variant_get_child (names_v, i, "&s", &name);
      if (!text_ok (name) || !isfinite (p[i]) || p[i] < 0.0 || p[i] > 1.0)
        return FALSE;
      names[i] = g_intern_string (name);
      pf[i] = (float) p[i];
    }
  frame->second = _veil_classifier_result_new ((guint) n, _veil_classifier_result_intern_class_names (names, (guint) n),
                                               pf, lf, model_name, model_version, model_sha256);
  if (frame->scores != NULL)
    _veil_classifier_result_set_second (frame->scores, frame->second);
  return TRUE;
}

static gboolean
parse_frame (GVariant        *v,
             VeilWorkerFrame *frame)
{
  g_autoptr(GVariant) hash_v = g_variant_get_child_value (v, 1);
  g_autoptr(GVariant) thumb_v = g_variant_get_child_value (v, 14);
  g_autoptr(GVariant) preview_v = g_variant_get_child_value (v, 17);
  g_autoptr(GVariant) second_v = g_variant_get_child_value (v, 18);
  gboolean has_scores;
  gsize n;
  const guint8 *data;

  g_variant_get_child (v, 0, "b", &frame->has_hash);
  g_variant_get_child (v, 2, "u", &frame->quality);
  g_variant_get_child (v, 3, "b", &has_scores);
  data = g_variant_get_fixed_array (hash_v, &n, 1);
  if (n != sizeof frame->hash || frame->quality > 100)
    return FALSE;
  memcpy (&frame->hash, data, sizeof frame->hash);
  if (has_scores && !parse_scores (v, frame))
    return FALSE;
  data = g_variant_get_fixed_array (thumb_v, &n, 1);
  if (n > VEIL_WORKER_MAX_THUMBNAIL)
    return FALSE;
  if (n > 0)
    frame->thumbnail = g_bytes_new (data, n);
  g_variant_get_child (v, 15, "u", &frame->preview_width);
  g_variant_get_child (v, 16, "u", &frame->preview_height);
  data = g_variant_get_fixed_array (preview_v, &n, 1);
  if (frame->preview_width > VEIL_IMAGE_THUMBNAIL_SIZE || frame->preview_height > VEIL_IMAGE_THUMBNAIL_SIZE ||
      n != (gsize) frame->preview_width * frame->preview_height * 3)
    return FALSE;
  if (n > 0)
    frame->preview = g_bytes_new (data, n);
  g_variant_get_child (v, 19, "x", &frame->time_ms);
  if (frame->time_ms < -1 || frame->time_ms > VEIL_WORKER_MAX_FRAME_TIME)
    return FALSE;
  return parse_second (second_v, frame);
}

static GError *
wire_error (guint32     domain,
            guint32     code,
            const char *message)
{
  if (domain == VEIL_WORKER_WIRE_IMAGE && code >= VEIL_IMAGE_ERROR_NOT_FOUND && code <= VEIL_IMAGE_ERROR_EMPTY)
    return g_error_new_literal (VEIL_IMAGE_ERROR, (int) code, message);
  if (domain == VEIL_WORKER_WIRE_ANALYZER && code == VEIL_ANALYZER_ERROR_THUMBNAIL)
    return g_error_new_literal (VEIL_ANALYZER_ERROR, (int) code, message);
  if (domain == VEIL_WORKER_WIRE_WORKER && code >= VEIL_WORKER_ERROR_BUSY && code <= VEIL_WORKER_ERROR_FAILED)
    return g_error_new_literal (VEIL_WORKER_ERROR, (int) code, message);
  return g_error_new_literal (VEIL_WORKER_ERROR, VEIL_WORKER_ERROR_CRASHED, message);
}

static VeilWorkerResult *
bad_reply (GError **error)
{
  g_set_error_literal (error, VEIL_WORKER_ERROR, VEIL_WORKER_ERROR_CRASHED,
                       _("The analysis process answered with something Veil cannot read, so it was stopped."));
  return NULL;
}

/* Parses a worker's reply, trusting nothing in it. */
VeilWorkerResult *
_veil_worker_reply_parse (GBytes  *bytes,
                          GError **error)
{
  g_autoptr(GVariant) raw = g_variant_new_from_bytes (G_VARIANT_TYPE (VEIL_WORKER_REPLY_TYPE), bytes, FALSE);
  g_autoptr(GVariant) reply = g_variant_ref_sink (g_variant_get_normal_form (raw));
  g_autoptr(GVariant) frames = NULL;
  g_autoptr(VeilWorkerResult) result = NULL;
  guint32 domain, code, skipped;
  const char *message, *sha256, *detail;

  g_variant_get (reply, "(uu&s&su&s@a" VEIL_WORKER_FRAME_TYPE ")",
                 &domain, &code, &message, &sha256, &skipped, &detail, &frames);
  if (!text_ok (message) || !text_ok (sha256) || !text_ok (detail))
    return bad_reply (error);
  if (domain != VEIL_WORKER_WIRE_OK)
    {
      g_propagate_error (error, wire_error (domain, code, message));
      return NULL;
    }
  if (g_variant_n_children (frames) == 0 || g_variant_n_children (frames) > VEIL_WORKER_MAX_FRAMES ||
      skipped > VEIL_UNCHECKED_UNREADABLE || (*sha256 != '\0' && strlen (sha256) != 64))
    return bad_reply (error);

  result = _veil_worker_result_new ();
  result->sha256 = *sha256 != '\0' ? g_strdup (sha256) : NULL;
  result->skipped = skipped;
  result->skipped_detail = skipped != 0 ? g_strdup (detail) : NULL;
  for (gsize i = 0; i < g_variant_n_children (frames); i++)
    {
      g_autoptr(GVariant) v = g_variant_get_child_value (frames, i);
      VeilWorkerFrame frame = { 0 };

      g_array_append_val (result->frames, frame);
      if (!parse_frame (v, &g_array_index (result->frames, VeilWorkerFrame, i)))
        return bad_reply (error);
    }
  return g_steal_pointer (&result);
}
