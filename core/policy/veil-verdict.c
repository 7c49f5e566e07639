/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-verdict"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "veil-verdict.h"
#include "veil-verdict-private.h"
#include "veil-enum-private.h"
#include "veil-image.h"
#include "veil-worker-pool.h"

G_DEFINE_QUARK (veil-verdict-error-quark, veil_verdict_error)
G_DEFINE_BOXED_TYPE (VeilReason, veil_reason, veil_reason_ref, veil_reason_unref)
G_DEFINE_BOXED_TYPE (VeilVerdict, veil_verdict, veil_verdict_ref, veil_verdict_unref)
G_DEFINE_BOXED_TYPE (VeilVerdictBuilder, veil_verdict_builder, veil_verdict_builder_ref, veil_verdict_builder_unref)


/* The text of a signal is its nick in veil-enums.h: what stored reasons hold. */
const char *
veil_signal_to_string (VeilSignal signal)
{
  const char *nick = _veil_enum_get_nick (VEIL_TYPE_SIGNAL, signal);

  return nick != NULL ? nick : "unknown";
}

gboolean
veil_signal_from_string (const char *text,
                         VeilSignal *signal)
{
  int value;

  g_return_val_if_fail (signal != NULL, FALSE);

  if (!_veil_enum_from_nick (VEIL_TYPE_SIGNAL, text, &value))
    return FALSE;

  *signal = value;
  return TRUE;
}

/* --- Reasons -------------------------------------------------------------------------------- */

VeilReason *
_veil_reason_alloc (VeilSignal signal)
{
  VeilReason *self = g_new0 (VeilReason, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->signal = signal;
  return self;
}

/**
 * veil_reason_new_classifier:
 * @class_name: the class whose score crossed the threshold, e.g. "porn"
 * @heatmap: (nullable) (array): the class-activation map, @heatmap_width x @heatmap_height
 *
 * Returns: (transfer full): a reason for a classifier score at or above @threshold
 */
VeilReason *
veil_reason_new_classifier (const char  *class_name,
                            double       score,
                            double       threshold,
                            const char  *model_name,
                            const char  *model_version,
                            const char  *model_sha256,
                            const float *heatmap,
                            guint        heatmap_width,
                            guint        heatmap_height)
{
  VeilReason *self;

  g_return_val_if_fail (class_name != NULL, NULL);
  g_return_val_if_fail (heatmap == NULL || (heatmap_width > 0 && heatmap_height > 0 &&
                                            heatmap_width <= MAX_HEATMAP_SIDE &&
                                            heatmap_height <= MAX_HEATMAP_SIDE), NULL);

  self = _veil_reason_alloc (VEIL_SIGNAL_CLASSIFIER);
  self->figure = score;
  self->threshold = threshold;
  self->class_name = g_strdup (class_name);
  self->source_name = g_strdup (model_name != NULL ? model_name : "");
  self->source_version = g_strdup (model_version != NULL ? model_version : "");
  self->source_detail = g_strdup (model_sha256 != NULL ? model_sha256 : "");
  if (heatmap != NULL)
    {
      self->heatmap = g_memdup2 (heatmap, sizeof (float) * heatmap_width * heatmap_height);
      self->heatmap_width = heatmap_width;
      self->heatmap_height = heatmap_height;
    }
  return self;
}

/**
 * veil_reason_new_second_opinion:
 * @harmless: the second model's P(neutral) + P(drawing), or a negative value when it could
 *   not give its opinion
 * @bar: the figure from which it overrules the first model
 * @model_name: (nullable): the second model, %NULL when it was not available
 *
 * The second opinion on a borderline classifier flag. One that reaches @bar overrules the
 * verdict's classifier reasons (never a hash match); one below it, or none, leaves them.
 *
 * Returns: (transfer full): the reason
 */
VeilReason *
veil_reason_new_second_opinion (double      harmless,
                                double      bar,
                                const char *model_name,
                                const char *model_version,
                                const char *model_sha256)
{
  VeilReason *self = _veil_reason_alloc (VEIL_SIGNAL_SECOND_OPINION);

  self->figure = model_name != NULL ? harmless : -1.0;
  self->threshold = bar;
  self->class_name = g_strdup ("neutral+drawing");
  self->source_name = g_strdup (model_name != NULL ? model_name : "");
  self->source_version = g_strdup (model_version != NULL ? model_version : "");
  self->source_detail = g_strdup (model_sha256 != NULL ? model_sha256 : "");
  return self;
}

/* Returns: %TRUE for a second opinion that clears the verdict's classifier reasons */
gboolean
veil_reason_get_overrules (VeilReason *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->signal == VEIL_SIGNAL_SECOND_OPINION && self->figure >= 0.0 && self->figure >= self->threshold;
}

/**
 * veil_reason_new_unchecked:
 * @detail: (nullable): what went wrong, in the words of the part that failed (for the guardian)
 *
 * Returns: (transfer full): the reason a picture could not be checked
 */
VeilReason *
veil_reason_new_unchecked (VeilUncheckedCause  cause,
                           const char         *detail)
{
  const char *nick = _veil_enum_get_nick (VEIL_TYPE_UNCHECKED_CAUSE, cause);
  VeilReason *self;

  g_return_val_if_fail (nick != NULL, NULL);

  self = _veil_reason_alloc (VEIL_SIGNAL_UNCHECKED);
  self->class_name = g_strdup (nick);
  self->source_name = g_strdup ("veil");
  self->source_version = g_strdup ("");
  self->source_detail = g_strdup (detail != NULL ? detail : "");
  return self;
}

/**
 * veil_reason_new_hash_match:
 * @signal: %VEIL_SIGNAL_HASH_LIST or %VEIL_SIGNAL_PROTECTED_IMAGE
 * @distance: the Hamming distance between the picture's PDQ hash and the entry
 * @max_distance: the largest distance that counts as a match
 * @entry_label: (nullable): the entry's label in the list
 *
 * Returns: (transfer full): a reason for a hash-list match
 */
VeilReason *
veil_reason_new_hash_match (VeilSignal  signal,
                            guint       distance,
                            guint       max_distance,
                            const char *list_name,
                            guint       list_version,
                            const char *entry_label)
{
  VeilReason *self;

  g_return_val_if_fail (signal == VEIL_SIGNAL_HASH_LIST || signal == VEIL_SIGNAL_PROTECTED_IMAGE, NULL);

  self = _veil_reason_alloc (signal);
  self->figure = distance;
  self->threshold = max_distance;
  self->source_name = g_strdup (list_name != NULL ? list_name : "");
  self->source_version = g_strdup_printf ("%u", list_version);
  self->source_detail = g_strdup (entry_label != NULL ? entry_label : "");
  return self;
}

VeilReason *
veil_reason_ref (VeilReason *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
veil_reason_unref (VeilReason *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_free (self->class_name);
  g_free (self->source_name);
  g_free (self->source_version);
  g_free (self->source_detail);
  g_free (self->heatmap);
  g_free (self->frame_times);
  g_free (self);
}

/**
 * veil_reason_new_with_frame_times:
 * @times_ms: (array length=n_times): the times of a video's frames that gave this reason
 *
 * Returns: (transfer full): a copy of @reason that says at which times of a video it held
 */
VeilReason *
veil_reason_new_with_frame_times (VeilReason   *reason,
                                  const gint64 *times_ms,
                                  guint         n_times)
{
  VeilReason *self;

  g_return_val_if_fail (reason != NULL, NULL);
  g_return_val_if_fail (n_times <= MAX_FRAME_TIMES && (times_ms != NULL || n_times == 0), NULL);

  self = _veil_reason_alloc (reason->signal);
  self->figure = reason->figure;
  self->threshold = reason->threshold;
  self->class_name = g_strdup (reason->class_name);
  self->source_name = g_strdup (reason->source_name);
  self->source_version = g_strdup (reason->source_version);
  self->source_detail = g_strdup (reason->source_detail);
  self->heatmap = reason->heatmap != NULL
                  ? g_memdup2 (reason->heatmap, sizeof (float) * reason->heatmap_width * reason->heatmap_height)
                  : NULL;
  self->heatmap_width = reason->heatmap_width;
  self->heatmap_height = reason->heatmap_height;
  self->frame_times = n_times > 0 ? g_memdup2 (times_ms, sizeof (gint64) * n_times) : NULL;
  self->n_frame_times = n_times;
  return self;
}

/* Returns: (nullable) (array length=n_times): for a video, the times (ms from its start) of
 *   the frames that gave this reason; %NULL for a picture */
const gint64 *
veil_reason_get_frame_times (VeilReason *self,
                             guint      *n_times)
{
  g_return_val_if_fail (self != NULL, NULL);
  if (n_times != NULL)
    *n_times = self->n_frame_times;
  return self->frame_times;
}

/* The frame times as people read them: "0:04.5, 0:07.5". */
static char *
describe_frame_times (VeilReason *self)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < self->n_frame_times; i++)
    {
      gint64 ms = self->frame_times[i];

      g_string_append_printf (text, "%s%u:%02u.%u", i > 0 ? ", " : "", (guint) (ms / 60000),
                              (guint) (ms / 1000 % 60), (guint) (ms / 100 % 10));
    }
  return g_string_free (text, FALSE);
}

VeilSignal
veil_reason_get_signal (VeilReason *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->signal;
}

/* Returns: the score (0..1) for the classifier, the Hamming distance for hash matches */
double
veil_reason_get_figure (VeilReason *self)
{
  g_return_val_if_fail (self != NULL, 0.0);
  return self->figure;
}

/* Returns: the score from which, or the distance up to which, the signal counts */
double
veil_reason_get_threshold (VeilReason *self)
{
  g_return_val_if_fail (self != NULL, 0.0);
  return self->threshold;
}

/* Returns: (nullable): the classifier's class, %NULL for hash matches */
const char *
veil_reason_get_class_name (VeilReason *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->class_name;
}

const char *
veil_reason_get_source_name (VeilReason *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->source_name;
}

const char *
veil_reason_get_source_version (VeilReason *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->source_version;
}

/* Returns: the model's SHA-256, or the matched entry's label (maybe empty) */
const char *
veil_reason_get_source_detail (VeilReason *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->source_detail;
}

/* Returns: why the picture could not be checked, or 0 for a reason that is not %VEIL_SIGNAL_UNCHECKED */
VeilUncheckedCause
veil_reason_get_unchecked_cause (VeilReason *self)
{
  int cause = 0;

  g_return_val_if_fail (self != NULL, 0);
  if (self->signal != VEIL_SIGNAL_UNCHECKED ||
      !_veil_enum_from_nick (VEIL_TYPE_UNCHECKED_CAUSE, self->class_name, &cause))
    return 0;
  return cause;
}

static char *
describe_unchecked (VeilUncheckedCause cause)
{
  switch (cause)
    {
    case VEIL_UNCHECKED_TOO_LARGE:
      return g_strdup (_("Veil couldn’t check this picture because it is too large."));
    case VEIL_UNCHECKED_DAMAGED:
      return g_strdup (_("Veil couldn’t check this picture because it is damaged or in a form Veil cannot read."));
    case VEIL_UNCHECKED_TOO_SLOW:
      return g_strdup (_("Veil couldn’t check this picture because checking it took too long."));
    case VEIL_UNCHECKED_WORKER_CRASHED:
      return g_strdup (_("Veil couldn’t check this picture because the check stopped unexpectedly."));
    case VEIL_UNCHECKED_MODEL_MISSING:
      return g_strdup (_("Veil couldn’t check this picture because its on-device model could not be loaded."));
    case VEIL_UNCHECKED_UNREADABLE:
    default:
      return g_strdup (_("Veil couldn’t check this picture because it could not be read."));
    }
}

/* Returns: (nullable): the class-activation map, row by row */
const float *
veil_reason_get_heatmap (VeilReason *self,
                         guint      *width,
                         guint      *height)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (width != NULL)
    *width = self->heatmap_width;
  if (height != NULL)
    *height = self->heatmap_height;
  return self->heatmap;
}

/**
 * veil_reason_describe:
 *
 * Returns: (transfer full): one plain sentence for a person, without figures
 */
char *
veil_reason_describe (VeilReason *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  switch (self->signal)
    {
    case VEIL_SIGNAL_CLASSIFIER:
      return g_strdup (_("Veil’s on-device model thinks this picture may show nudity or sexual content."));
    case VEIL_SIGNAL_HASH_LIST:
      /* Translators: %s is the name of a hash list the guardian imported */
      return g_strdup_printf (_("This picture looks like one on the list “%s”."), self->source_name);
    case VEIL_SIGNAL_PROTECTED_IMAGE:
      return g_strdup (_("This picture looks like one of the pictures the child asked Veil to protect."));
    case VEIL_SIGNAL_UNCHECKED:
      return describe_unchecked (veil_reason_get_unchecked_cause (self));
    case VEIL_SIGNAL_SECOND_OPINION:
      if (self->figure < 0.0)
        return g_strdup (_("No second opinion was available, so the first model’s judgement stands."));
      if (veil_reason_get_overrules (self))
        return g_strdup (_("A second on-device model is confident this picture is harmless, so Veil does not warn about it."));
      return g_strdup (_("A second on-device model was not confident enough that this picture is harmless."));
    default:
      return g_strdup (_("Veil noticed this picture."));
    }
}

/**
 * veil_reason_describe_figures:
 *
 * Returns: (transfer full): the exact figures, for the guardian
 */
static char *describe_figures (VeilReason *self);

char *
veil_reason_describe_figures (VeilReason *self)
{
  g_autofree char *figures = NULL;
  g_autofree char *times = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  figures = describe_figures (self);
  if (self->n_frame_times == 0)
    return g_steal_pointer (&figures);
  times = describe_frame_times (self);
  /* Translators: the figures of a reason, then the times of the video's frames it held at */
  return g_strdup_printf (_("%s, in the video at %s"), figures, times);
}

static char *
describe_figures (VeilReason *self)
{
  if (self->signal == VEIL_SIGNAL_UNCHECKED)
    /* Translators: %s is a cause such as "too-large", then what the failing part said */
    return g_strdup_printf (_("not checked (%s): %s"), self->class_name, self->source_detail);

  if (self->signal == VEIL_SIGNAL_SECOND_OPINION && self->figure < 0.0)
    return g_strdup (_("second opinion not available"));
  if (self->signal == VEIL_SIGNAL_CLASSIFIER || self->signal == VEIL_SIGNAL_SECOND_OPINION)
    /* Translators: class, score, threshold, model name, model version */
    return g_strdup_printf (_("%s score %.3f (threshold %.3f), model %s %s"),
                            self->class_name, self->figure, self->threshold,
                            self->source_name, self->source_version);

  /* Translators: distance, largest distance that matches, list name, version, entry label */
  return g_strdup_printf (_("distance %u (match up to %u) to list %s version %s, entry “%s”"),
                          (guint) self->figure, (guint) self->threshold,
                          self->source_name, self->source_version, self->source_detail);
}

/* --- Verdicts ------------------------------------------------------------------------------- */

VeilVerdict *
veil_verdict_ref (VeilVerdict *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
veil_verdict_unref (VeilVerdict *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_ptr_array_unref (self->reasons);
  g_free (self);
}

/**
 * veil_verdict_get_sensitive:
 *
 * A picture that could not be checked is not sensitive by this measure: see
 * veil_verdict_get_unchecked(); the profile's rule decides how it is shown.
 *
 * Returns: %TRUE when at least one reason of a check holds and the guardian has not marked a
 *   picture like this one as wrong
 */
gboolean
veil_verdict_get_sensitive (VeilVerdict *self)
{
  gboolean overruled = FALSE;

  g_return_val_if_fail (self != NULL, FALSE);

  if (self->suppressed)
    return FALSE;
  for (guint i = 0; i < self->reasons->len; i++)
    overruled |= veil_reason_get_overrules (g_ptr_array_index (self->reasons, i));
  for (guint i = 0; i < self->reasons->len; i++)
    {
      VeilSignal signal = ((VeilReason *) g_ptr_array_index (self->reasons, i))->signal;

      /* A second opinion overrules the classifier only; a hash match always holds. */
      if (signal != VEIL_SIGNAL_UNCHECKED && signal != VEIL_SIGNAL_SECOND_OPINION &&
          !(signal == VEIL_SIGNAL_CLASSIFIER && overruled))
        return TRUE;
    }
  return FALSE;
}

/* Returns: %TRUE when Veil could not check the picture, or part of it (one of its frames) */
gboolean
veil_verdict_get_unchecked (VeilVerdict *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return veil_verdict_has_signal (self, VEIL_SIGNAL_UNCHECKED);
}

/* Returns: why the picture could not be checked (the first cause), or 0 when it was checked */
VeilUncheckedCause
veil_verdict_get_unchecked_cause (VeilVerdict *self)
{
  g_return_val_if_fail (self != NULL, 0);

  for (guint i = 0; i < self->reasons->len; i++)
    {
      VeilUncheckedCause cause = veil_reason_get_unchecked_cause (g_ptr_array_index (self->reasons, i));

      if (cause != 0)
        return cause;
    }
  return 0;
}

/* Returns: %TRUE when reasons held but the exception list suppressed them */
gboolean
veil_verdict_get_suppressed (VeilVerdict *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->suppressed;
}

guint
veil_verdict_get_n_reasons (VeilVerdict *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->reasons->len;
}

/* Returns: (transfer none): the reason at @index */
VeilReason *
veil_verdict_get_reason (VeilVerdict *self,
                         guint        index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->reasons->len, NULL);
  return g_ptr_array_index (self->reasons, index);
}

gboolean
veil_verdict_has_signal (VeilVerdict *self,
                         VeilSignal   signal)
{
  g_return_val_if_fail (self != NULL, FALSE);

  for (guint i = 0; i < self->reasons->len; i++)
    if (((VeilReason *) g_ptr_array_index (self->reasons, i))->signal == signal)
      return TRUE;
  return FALSE;
}

/* Returns: (nullable): the picture's PDQ hash, if it was computed */
const VeilPdqHash *
veil_verdict_get_hash (VeilVerdict *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->has_hash ? &self->hash : NULL;
}

guint
veil_verdict_get_hash_quality (VeilVerdict *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->quality;
}

/* --- Builder -------------------------------------------------------------------------------- */

/**
 * veil_verdict_new_unchecked:
 * @detail: (nullable): what went wrong, for the guardian
 *
 * Returns: (transfer full): the verdict for a picture Veil could not check
 */
VeilVerdict *
veil_verdict_new_unchecked (VeilUncheckedCause  cause,
                            const char         *detail)
{
  g_autoptr(VeilVerdictBuilder) builder = veil_verdict_builder_new ();
  g_autoptr(VeilReason) reason = veil_reason_new_unchecked (cause, detail);

  g_return_val_if_fail (reason != NULL, NULL);
  veil_verdict_builder_add_reason (builder, reason);
  return veil_verdict_builder_build (builder);
}

VeilVerdictBuilder *
veil_verdict_builder_new (void)
{
  VeilVerdictBuilder *self = g_new0 (VeilVerdictBuilder, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->reasons = g_ptr_array_new_with_free_func ((GDestroyNotify) veil_reason_unref);
  return self;
}

VeilVerdictBuilder *
veil_verdict_builder_ref (VeilVerdictBuilder *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
veil_verdict_builder_unref (VeilVerdictBuilder *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_ptr_array_unref (self->reasons);
  g_free (self);
}

void
veil_verdict_builder_add_reason (VeilVerdictBuilder *self,
                                 VeilReason         *reason)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (reason != NULL);
  g_ptr_array_add (self->reasons, veil_reason_ref (reason));
}

void
veil_verdict_builder_set_hash (VeilVerdictBuilder *self,
                               const VeilPdqHash  *hash,
                               guint               quality)
{
  g_return_if_fail (self != NULL);

  self->has_hash = hash != NULL;
  if (hash != NULL)
    self->hash = *hash;
  self->quality = quality;
}

void
veil_verdict_builder_set_suppressed (VeilVerdictBuilder *self,
                                     gboolean            suppressed)
{
  g_return_if_fail (self != NULL);
  self->suppressed = !!suppressed;
}

/* Returns: (transfer full): a verdict with what was given so far; the builder stays usable */
VeilVerdict *
veil_verdict_builder_build (VeilVerdictBuilder *self)
{
  VeilVerdict *verdict;

  g_return_val_if_fail (self != NULL, NULL);

  verdict = g_new0 (VeilVerdict, 1);
  g_atomic_ref_count_init (&verdict->ref_count);
  verdict->reasons = g_ptr_array_new_with_free_func ((GDestroyNotify) veil_reason_unref);
  for (guint i = 0; i < self->reasons->len; i++)
    g_ptr_array_add (verdict->reasons, veil_reason_ref (g_ptr_array_index (self->reasons, i)));
  verdict->suppressed = self->suppressed;
  verdict->has_hash = self->has_hash;
  verdict->hash = self->hash;
  verdict->quality = self->quality;
  return verdict;
}
