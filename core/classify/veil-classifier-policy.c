/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-classifier"

#include "config.h"

#include "veil-classifier-policy.h"

struct _VeilClassifierPolicy
{
  gatomicrefcount          ref_count;
  VeilClassifierThreshold *thresholds;   /* owned, class names owned too */
  gsize                    n_thresholds;
  double                   combined;     /* > 1 disables it */
};

G_DEFINE_BOXED_TYPE (VeilClassifierPolicy, veil_classifier_policy,
                     veil_classifier_policy_ref, veil_classifier_policy_unref)

/* The default "sensitive" policy until profiles bring their own levels (documented in
 * data/models/README.md): explicit classes at an even chance, suggestive ones only when the
 * model is fairly sure, and an image whose probability is spread across the three
 * (e.g. 0.35 porn + 0.35 sexy) counts too. nsfwjs leans towards false positives, so these
 * are not lower. */
static const VeilClassifierThreshold default_thresholds[] = {
  { "porn", 0.5 },
  { "hentai", 0.5 },
  { "sexy", 0.7 },
};
#define DEFAULT_COMBINED 0.7

/**
 * veil_classifier_policy_new:
 * @thresholds: (array length=n_thresholds): per-class thresholds
 * @n_thresholds: their number
 * @combined_threshold: flag when the sum of the listed classes' probabilities reaches this;
 *   a value above 1 turns that rule off
 *
 * Returns: (transfer full): a new policy
 */
VeilClassifierPolicy *
veil_classifier_policy_new (const VeilClassifierThreshold *thresholds,
                            gsize                          n_thresholds,
                            double                         combined_threshold)
{
  VeilClassifierPolicy *self;

  g_return_val_if_fail (thresholds != NULL || n_thresholds == 0, NULL);

  self = g_new0 (VeilClassifierPolicy, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->thresholds = g_new0 (VeilClassifierThreshold, MAX (n_thresholds, 1));
  self->n_thresholds = n_thresholds;
  for (gsize i = 0; i < n_thresholds; i++)
    {
      self->thresholds[i].class_name = g_strdup (thresholds[i].class_name);
      self->thresholds[i].threshold = thresholds[i].threshold;
    }
  self->combined = combined_threshold;

  return self;
}

/* Returns: (transfer full): the default policy: porn >= 0.5, hentai >= 0.5, sexy >= 0.7, or
 * porn + hentai + sexy >= 0.7 */
VeilClassifierPolicy *
veil_classifier_policy_new_default (void)
{
  return veil_classifier_policy_new (default_thresholds, G_N_ELEMENTS (default_thresholds),
                                     DEFAULT_COMBINED);
}

VeilClassifierPolicy *
veil_classifier_policy_ref (VeilClassifierPolicy *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
veil_classifier_policy_unref (VeilClassifierPolicy *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  for (gsize i = 0; i < self->n_thresholds; i++)
    g_free ((char *) self->thresholds[i].class_name);
  g_free (self->thresholds);
  g_free (self);
}

gsize
veil_classifier_policy_get_n_thresholds (VeilClassifierPolicy *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_thresholds;
}

const VeilClassifierThreshold *
veil_classifier_policy_get_threshold (VeilClassifierPolicy *self,
                                      gsize                 index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->n_thresholds, NULL);
  return &self->thresholds[index];
}

double
veil_classifier_policy_get_combined_threshold (VeilClassifierPolicy *self)
{
  g_return_val_if_fail (self != NULL, 2.0);
  return self->combined;
}

/**
 * veil_classifier_policy_evaluate:
 * @result: scores for one image
 * @flagged_class: (out) (optional): the class that made the image sensitive (the listed
 *   class with the highest probability), or -1
 *
 * Returns: %TRUE when @result is sensitive under this policy
 */
gboolean
veil_classifier_policy_evaluate (VeilClassifierPolicy *self,
                                 VeilClassifierResult *result,
                                 int                  *flagged_class)
{
  gboolean sensitive = FALSE;
  double sum = 0.0, best = -1.0;
  int best_class = -1;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (result != NULL, FALSE);

  for (gsize i = 0; i < self->n_thresholds; i++)
    {
      int c = veil_classifier_result_find_class (result, self->thresholds[i].class_name);
      double p;

      if (c < 0)
        continue;
      p = veil_classifier_result_get_probability (result, c);
      sum += p;
      if (p >= self->thresholds[i].threshold)
        sensitive = TRUE;
      if (p > best)
        {
          best = p;
          best_class = c;
        }
    }
  if (self->n_thresholds > 0 && sum >= self->combined)
    sensitive = TRUE;

  if (flagged_class != NULL)
    *flagged_class = sensitive ? best_class : -1;
  return sensitive;
}

/* The top of the flagged range a borderline score may reach: @margin of the way from
 * @threshold to 1. */
static double
margin_top (double threshold,
            double margin)
{
  return threshold + margin * (1.0 - threshold);
}

/**
 * veil_classifier_policy_is_borderline:
 * @result: the first model's scores for one image
 * @margin: the share of each threshold's headroom (from the threshold to 1) that counts as
 *   borderline, e.g. %VEIL_SECOND_OPINION_MARGIN
 *
 * Whether @result is flagged only just: sensitive under this policy, with every listed class
 * below its threshold's margin and their sum below the combined threshold's margin. One
 * score above its margin makes the flag a firm one.
 *
 * Returns: %TRUE for a borderline flag a second opinion may overrule
 */
gboolean
veil_classifier_policy_is_borderline (VeilClassifierPolicy *self,
                                      VeilClassifierResult *result,
                                      double                margin)
{
  double sum = 0.0;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (result != NULL, FALSE);

  if (!veil_classifier_policy_evaluate (self, result, NULL))
    return FALSE;
  for (gsize i = 0; i < self->n_thresholds; i++)
    {
      int c = veil_classifier_result_find_class (result, self->thresholds[i].class_name);
      double p;

      if (c < 0)
        continue;
      p = veil_classifier_result_get_probability (result, c);
      sum += p;
      if (p >= margin_top (self->thresholds[i].threshold, margin))
        return FALSE;
    }
  return self->combined > 1.0 || sum < margin_top (self->combined, margin);
}

/**
 * veil_classifier_result_get_harmless:
 * @result: a second model's scores
 *
 * Returns: how sure that model is that the picture is harmless: P(neutral) + P(drawing)
 */
double
veil_classifier_result_get_harmless (VeilClassifierResult *result)
{
  const char *const harmless[] = { "neutral", "drawing" };
  double sum = 0.0;

  g_return_val_if_fail (result != NULL, 0.0);

  for (gsize i = 0; i < G_N_ELEMENTS (harmless); i++)
    {
      int c = veil_classifier_result_find_class (result, harmless[i]);

      if (c >= 0)
        sum += veil_classifier_result_get_probability (result, c);
    }
  return sum;
}
