/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-analyzer"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <vips/vips.h>

#include "veil-analyzer.h"
#include "veil-analyzer-private.h"
#include "veil-classifier-result-private.h"
#include "veil-hash-index.h"
#include "veil-model.h"
#include "veil-nsfw-classifier.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipsImage, g_object_unref)

/* VeilAnalyzer: one picture in, one verdict out, under a profile's policy. One decode feeds
 * the PDQ hash and the classifier. Every worker of a scan shares one analyzer (and so one
 * model); hash lists and exceptions can change while workers run, so they live in immutable
 * snapshots swapped under a lock and read without holding it. */

/* The lists and exceptions of one profile (0: every profile). Never changed once published. */
typedef struct {
  VeilHashIndex *index;       /* owned; NULL when no lists */
  GHashTable    *signals;     /* VeilHashList* -> VeilSignal, borrowed keys */
  GPtrArray     *lists;       /* of VeilHashList, owned */
  GArray        *exceptions;  /* of VeilPdqHash */
} Snapshot;

struct _VeilAnalyzer
{
  GObject parent_instance;

  /* set at construction */
  VeilClassifier  *classifier;     /* owned, nullable */
  VeilWorkerPool  *pool;           /* owned, nullable: analyse in workers, not here */
  char            *classifier_id;

  /* under lock */
  GMutex           lock;
  GHashTable      *snapshots;      /* gint64* profile id -> Snapshot (GRcBox) */
  VeilPdqMode      pdq_mode;
  VeilImageLimits  limits;
};

G_DEFINE_FINAL_TYPE (VeilAnalyzer, veil_analyzer, G_TYPE_OBJECT)
G_DEFINE_QUARK (veil-analyzer-error-quark, veil_analyzer_error)

enum {
  PROP_0,
  PROP_CLASSIFIER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
snapshot_clear (gpointer data)
{
  Snapshot *s = data;

  g_clear_object (&s->index);
  g_clear_pointer (&s->signals, g_hash_table_unref);
  g_clear_pointer (&s->lists, g_ptr_array_unref);
  g_clear_pointer (&s->exceptions, g_array_unref);
}

static Snapshot *
snapshot_ref (Snapshot *s)
{
  return g_atomic_rc_box_acquire (s);
}

static void
snapshot_unref (Snapshot *s)
{
  g_atomic_rc_box_release_full (s, snapshot_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Snapshot, snapshot_unref)

/* A new snapshot with @old's lists and exceptions (nullable), to be changed before publishing. */
static Snapshot *
snapshot_copy (Snapshot *old)
{
  Snapshot *s = g_atomic_rc_box_new0 (Snapshot);

  s->signals = g_hash_table_new (NULL, NULL);
  s->lists = g_ptr_array_new_with_free_func (g_object_unref);
  s->exceptions = g_array_new (FALSE, FALSE, sizeof (VeilPdqHash));
  if (old != NULL)
    {
      for (guint i = 0; i < old->lists->len; i++)
        {
          VeilHashList *list = g_ptr_array_index (old->lists, i);

          g_ptr_array_add (s->lists, g_object_ref (list));
          g_hash_table_insert (s->signals, list, g_hash_table_lookup (old->signals, list));
        }
      g_array_append_vals (s->exceptions, old->exceptions->data, old->exceptions->len);
    }
  return s;
}

static void
snapshot_build_index (Snapshot *s)
{
  g_clear_object (&s->index);
  if (s->lists->len == 0)
    return;
  s->index = veil_hash_index_new ();
  /* Each scan worker queries on its own thread already. */
  veil_hash_index_set_n_threads (s->index, 1);
  for (guint i = 0; i < s->lists->len; i++)
    veil_hash_index_add_list (s->index, g_ptr_array_index (s->lists, i));
}

/* Called with the lock held. Takes @s. */
static void
publish (VeilAnalyzer *self,
         gint64        profile_id,
         Snapshot     *s)
{
  g_hash_table_replace (self->snapshots, g_memdup2 (&profile_id, sizeof profile_id), s);
}

static Snapshot *
get_snapshot (VeilAnalyzer *self,
              gint64        profile_id)
{
  Snapshot *s;

  g_mutex_lock (&self->lock);
  s = g_hash_table_lookup (self->snapshots, &profile_id);
  if (s != NULL)
    snapshot_ref (s);
  g_mutex_unlock (&self->lock);
  return s;
}

static void
add_matches (VeilVerdictBuilder *builder,
             Snapshot           *s,
             const VeilPdqHash  *hash)
{
  g_autoptr(GArray) matches = NULL;

  if (s == NULL || s->index == NULL)
    return;
  matches = veil_hash_index_query (s->index, hash, 1, VEIL_PDQ_MATCH_DISTANCE);
  for (guint i = 0; matches != NULL && i < matches->len; i++)
    {
      VeilHashMatch *m = &g_array_index (matches, VeilHashMatch, i);
      VeilSignal signal = GPOINTER_TO_INT (g_hash_table_lookup (s->signals, m->list));
      g_autoptr(VeilReason) reason = NULL;

      reason = veil_reason_new_hash_match (signal != 0 ? signal : VEIL_SIGNAL_HASH_LIST,
                                           m->distance, VEIL_PDQ_MATCH_DISTANCE,
                                           veil_hash_list_get_name (m->list),
                                           veil_hash_list_get_version (m->list),
                                           veil_hash_list_get_label (m->list, m->entry));
      veil_verdict_builder_add_reason (builder, reason);
    }
}

static gboolean
snapshot_has_exception (Snapshot          *s,
                        const VeilPdqHash *hash)
{
  if (s == NULL)
    return FALSE;
  /* A guardian's "this was wrong" covers re-encoded copies too, as a list entry would. */
  for (guint i = 0; i < s->exceptions->len; i++)
    if (veil_pdq_hash_distance (&g_array_index (s->exceptions, VeilPdqHash, i), hash) <= VEIL_PDQ_MATCH_DISTANCE)
      return TRUE;
  return FALSE;
}

static void
add_classifier_reasons (VeilVerdictBuilder   *builder,
                        VeilProfile          *profile,
                        VeilClassifierResult *scores)
{
  g_autoptr(VeilClassifierPolicy) policy = veil_analyzer_policy_for_profile (profile);
  gboolean any = FALSE;
  double sum = 0.0;
  int best = -1;

  for (gsize i = 0; i < veil_classifier_policy_get_n_thresholds (policy); i++)
    {
      const VeilClassifierThreshold *t = veil_classifier_policy_get_threshold (policy, i);
      int c = veil_classifier_result_find_class (scores, t->class_name);
      double p;

      if (c < 0)
        continue;
      p = veil_classifier_result_get_probability (scores, c);
      sum += p;
      if (best < 0 || p > veil_classifier_result_get_probability (scores, best))
        best = c;
      if (p >= t->threshold)
        {
          g_autoptr(VeilReason) reason = NULL;
          const float *map = NULL;
          guint w = 0, h = 0;

          if (veil_classifier_result_has_heatmap (scores))
            map = veil_classifier_result_get_heatmap (scores, c, &w, &h);
          reason = veil_reason_new_classifier (t->class_name, p, t->threshold,
                                               veil_classifier_result_get_model_name (scores),
                                               veil_classifier_result_get_model_version (scores),
                                               veil_classifier_result_get_model_sha256 (scores),
                                               map, w, h);
          veil_verdict_builder_add_reason (builder, reason);
          any = TRUE;
        }
    }

  /* Several moderate scores together: one reason for their sum, drawn at the top class. */
  if (!any && best >= 0 && sum >= veil_classifier_policy_get_combined_threshold (policy))
    {
      g_autoptr(VeilReason) reason = NULL;
      g_autofree char *name = g_strdup_printf ("%s+", veil_classifier_result_get_class_name (scores, best));
      const float *map = NULL;
      guint w = 0, h = 0;

      if (veil_classifier_result_has_heatmap (scores))
        map = veil_classifier_result_get_heatmap (scores, best, &w, &h);
      reason = veil_reason_new_classifier (name, sum, veil_classifier_policy_get_combined_threshold (policy),
                                           veil_classifier_result_get_model_name (scores),
                                           veil_classifier_result_get_model_version (scores),
                                           veil_classifier_result_get_model_sha256 (scores),
                                           map, w, h);
      veil_verdict_builder_add_reason (builder, reason);
    }
}

/* The second opinion on a borderline flag (data/models/README.md): recorded whether or not it
 * clears the flag, and recorded as missing when the second model gave none, so a verdict
 * always says which way it went. */
static void
add_second_opinion (VeilVerdictBuilder   *builder,
                    VeilProfile          *profile,
                    VeilClassifierResult *scores,
                    VeilClassifierResult *second)
{
  g_autoptr(VeilClassifierPolicy) policy = veil_analyzer_policy_for_profile (profile);
  g_autoptr(VeilReason) reason = NULL;

  if ((profile != NULL && !veil_profile_get_second_opinion (profile)) ||
      !veil_classifier_policy_is_borderline (policy, scores, VEIL_SECOND_OPINION_MARGIN))
    return;
  if (second != NULL)
    reason = veil_reason_new_second_opinion (veil_classifier_result_get_harmless (second), VEIL_SECOND_OPINION_BAR,
                                             veil_classifier_result_get_model_name (second),
                                             veil_classifier_result_get_model_version (second),
                                             veil_classifier_result_get_model_sha256 (second));
  else
    reason = veil_reason_new_second_opinion (-1.0, VEIL_SECOND_OPINION_BAR, NULL, NULL, NULL);
  veil_verdict_builder_add_reason (builder, reason);
}

static void
veil_analyzer_finalize (GObject *object)
{
  VeilAnalyzer *self = VEIL_ANALYZER (object);

  g_clear_object (&self->classifier);
  g_clear_object (&self->pool);
  g_clear_pointer (&self->classifier_id, g_free);
  g_clear_pointer (&self->snapshots, g_hash_table_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (veil_analyzer_parent_class)->finalize (object);
}

static void
veil_analyzer_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  VeilAnalyzer *self = VEIL_ANALYZER (object);

  switch (prop_id)
    {
    case PROP_CLASSIFIER:
      g_value_set_object (value, self->classifier);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_analyzer_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  VeilAnalyzer *self = VEIL_ANALYZER (object);

  switch (prop_id)
    {
    case PROP_CLASSIFIER:
      self->classifier = g_value_dup_object (value);
      if (self->classifier == NULL)
        self->classifier_id = g_strdup ("none");
      else if (VEIL_IS_NSFW_CLASSIFIER (self->classifier))
        self->classifier_id = g_strdup (veil_model_get_sha256 (veil_nsfw_classifier_get_model (VEIL_NSFW_CLASSIFIER (self->classifier))));
      else
        self->classifier_id = g_strdup (G_OBJECT_TYPE_NAME (self->classifier));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_analyzer_class_init (VeilAnalyzerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = veil_analyzer_finalize;
  object_class->get_property = veil_analyzer_get_property;
  object_class->set_property = veil_analyzer_set_property;

  /**
   * VeilAnalyzer:classifier: (nullable)
   *
   * The classifier all callers share; %NULL analyzes with hash lists only.
   */
  properties[PROP_CLASSIFIER] =
    g_param_spec_object ("classifier", NULL, NULL, VEIL_TYPE_CLASSIFIER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
veil_analyzer_init (VeilAnalyzer *self)
{
  g_mutex_init (&self->lock);
  self->snapshots = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) snapshot_unref);
  /* Library scans meet 12 MP photos: shrink-on-load keeps the hash within a few bits of the
   * exact one at a fraction of the decoding time (PDQ.md). */
  self->pdq_mode = VEIL_PDQ_MODE_FAST;
  veil_image_limits_init_default (&self->limits);
}

/* --- Public API ----------------------------------------------------------------------------- */

/**
 * veil_analyzer_new:
 * @classifier: (nullable): the classifier to share, e.g. a #VeilNsfwClassifier
 */
VeilAnalyzer *
veil_analyzer_new (VeilClassifier *classifier)
{
  g_return_val_if_fail (classifier == NULL || VEIL_IS_CLASSIFIER (classifier), NULL);
  return g_object_new (VEIL_TYPE_ANALYZER, "classifier", classifier, NULL);
}

/* Returns: (transfer none) (nullable): the shared classifier */
VeilClassifier *
veil_analyzer_get_classifier (VeilAnalyzer *self)
{
  g_return_val_if_fail (VEIL_IS_ANALYZER (self), NULL);
  return self->classifier;
}

/* Returns: what identifies the classifier's judgement (the model's SHA-256), so that cached
 *   scores of another model are never reused */
const char *
veil_analyzer_get_classifier_id (VeilAnalyzer *self)
{
  g_return_val_if_fail (VEIL_IS_ANALYZER (self), NULL);
  return self->classifier_id;
}

/**
 * veil_analyzer_new_with_pool:
 * @pool: the workers that decode and classify, each with its own copy of the model
 * @classifier_id: the SHA-256 of the workers' model (what veil_analyzer_get_classifier_id()
 *   returns)
 *
 * An analyzer that never decodes a file itself: every file goes to a worker of @pool, and
 * only hash lists and policy are applied here.
 */
VeilAnalyzer *
veil_analyzer_new_with_pool (VeilWorkerPool *pool,
                             const char     *classifier_id)
{
  VeilAnalyzer *self;

  g_return_val_if_fail (VEIL_IS_WORKER_POOL (pool), NULL);
  g_return_val_if_fail (classifier_id != NULL, NULL);

  self = g_object_new (VEIL_TYPE_ANALYZER, NULL);
  self->pool = g_object_ref (pool);
  g_free (self->classifier_id);
  self->classifier_id = g_strdup (classifier_id);
  return self;
}

/* Returns: (transfer none) (nullable): the workers that analyse files, %NULL when files are
 *   analysed in this process */
VeilWorkerPool *
veil_analyzer_get_pool (VeilAnalyzer *self)
{
  g_return_val_if_fail (VEIL_IS_ANALYZER (self), NULL);
  return self->pool;
}

void
_veil_analyzer_get_limits (VeilAnalyzer    *self,
                           VeilImageLimits *limits)
{
  g_mutex_lock (&self->lock);
  *limits = self->limits;
  g_mutex_unlock (&self->lock);
}

VeilPdqMode
veil_analyzer_get_pdq_mode (VeilAnalyzer *self)
{
  VeilPdqMode mode;

  g_return_val_if_fail (VEIL_IS_ANALYZER (self), VEIL_PDQ_MODE_FAST);
  g_mutex_lock (&self->lock);
  mode = self->pdq_mode;
  g_mutex_unlock (&self->lock);
  return mode;
}

void
veil_analyzer_set_pdq_mode (VeilAnalyzer *self,
                            VeilPdqMode   mode)
{
  g_return_if_fail (VEIL_IS_ANALYZER (self));
  g_mutex_lock (&self->lock);
  self->pdq_mode = mode;
  g_mutex_unlock (&self->lock);
}

void
veil_analyzer_set_limits (VeilAnalyzer          *self,
                          const VeilImageLimits *limits)
{
  g_return_if_fail (VEIL_IS_ANALYZER (self));
  g_return_if_fail (limits != NULL);
  g_mutex_lock (&self->lock);
  self->limits = *limits;
  g_mutex_unlock (&self->lock);
}

/* Returns: what a VeilImage must hold for veil_analyzer_analyze_image() */
VeilImageNeeds
veil_analyzer_get_needs (VeilAnalyzer *self)
{
  g_return_val_if_fail (VEIL_IS_ANALYZER (self), 0);
  return veil_pdq_mode_get_needs (veil_analyzer_get_pdq_mode (self)) |
         (self->classifier != NULL || self->pool != NULL ? VEIL_IMAGE_NEED_CLASSIFIER : 0) |
         VEIL_IMAGE_NEED_THUMBNAIL;
}

/**
 * veil_analyzer_add_hash_list:
 * @profile_id: the profile the list is for, or 0 for every profile
 * @signal: %VEIL_SIGNAL_HASH_LIST for a guardian's list, %VEIL_SIGNAL_PROTECTED_IMAGE for the
 *   child's own pictures
 */
void
veil_analyzer_add_hash_list (VeilAnalyzer *self,
                             gint64        profile_id,
                             VeilHashList *list,
                             VeilSignal    signal)
{
  Snapshot *s;

  g_return_if_fail (VEIL_IS_ANALYZER (self));
  g_return_if_fail (VEIL_IS_HASH_LIST (list));
  g_return_if_fail (signal == VEIL_SIGNAL_HASH_LIST || signal == VEIL_SIGNAL_PROTECTED_IMAGE);

  g_mutex_lock (&self->lock);
  s = snapshot_copy (g_hash_table_lookup (self->snapshots, &profile_id));
  g_ptr_array_add (s->lists, g_object_ref (list));
  g_hash_table_insert (s->signals, list, GINT_TO_POINTER (signal));
  snapshot_build_index (s);
  publish (self, profile_id, s);
  g_mutex_unlock (&self->lock);
}

void
veil_analyzer_clear_hash_lists (VeilAnalyzer *self,
                                gint64        profile_id)
{
  Snapshot *s, *old;

  g_return_if_fail (VEIL_IS_ANALYZER (self));

  g_mutex_lock (&self->lock);
  old = g_hash_table_lookup (self->snapshots, &profile_id);
  s = snapshot_copy (NULL);
  if (old != NULL)
    g_array_append_vals (s->exceptions, old->exceptions->data, old->exceptions->len);
  publish (self, profile_id, s);
  g_mutex_unlock (&self->lock);
}

/**
 * veil_analyzer_add_exception:
 * @profile_id: the profile whose guardian said "this was wrong" (0: every profile)
 *
 * Pictures within the match distance of @hash are no longer sensitive for that profile.
 */
void
veil_analyzer_add_exception (VeilAnalyzer      *self,
                             gint64             profile_id,
                             const VeilPdqHash *hash)
{
  Snapshot *s;

  g_return_if_fail (VEIL_IS_ANALYZER (self));
  g_return_if_fail (hash != NULL);

  g_mutex_lock (&self->lock);
  s = snapshot_copy (g_hash_table_lookup (self->snapshots, &profile_id));
  g_array_append_val (s->exceptions, *hash);
  snapshot_build_index (s);
  publish (self, profile_id, s);
  g_mutex_unlock (&self->lock);
}

void
veil_analyzer_clear_exceptions (VeilAnalyzer *self,
                                gint64        profile_id)
{
  Snapshot *s;

  g_return_if_fail (VEIL_IS_ANALYZER (self));

  g_mutex_lock (&self->lock);
  s = snapshot_copy (g_hash_table_lookup (self->snapshots, &profile_id));
  g_array_set_size (s->exceptions, 0);
  snapshot_build_index (s);
  publish (self, profile_id, s);
  g_mutex_unlock (&self->lock);
}

gboolean
veil_analyzer_is_exception (VeilAnalyzer      *self,
                            gint64             profile_id,
                            const VeilPdqHash *hash)
{
  g_autoptr(Snapshot) all = NULL;
  g_autoptr(Snapshot) mine = NULL;

  g_return_val_if_fail (VEIL_IS_ANALYZER (self), FALSE);
  g_return_val_if_fail (hash != NULL, FALSE);

  all = get_snapshot (self, 0);
  mine = profile_id != 0 ? get_snapshot (self, profile_id) : NULL;
  return snapshot_has_exception (all, hash) || snapshot_has_exception (mine, hash);
}

/**
 * veil_analyzer_load_lists:
 * @store: the store the lists were imported into
 *
 * Gives @self the hash lists for every profile and those of @profile_id, its protected
 * pictures and its exception list, as kept in @store, replacing what it had for them.
 */
gboolean
veil_analyzer_load_lists (VeilAnalyzer  *self,
                          VeilStore     *store,
                          gint64         profile_id,
                          GError       **error)
{
  g_autoptr(GPtrArray) shared = NULL;
  g_autoptr(GPtrArray) own = NULL;
  g_autoptr(GPtrArray) images = NULL;
  g_autoptr(GArray) exceptions = NULL;

  g_return_val_if_fail (VEIL_IS_ANALYZER (self), FALSE);
  g_return_val_if_fail (VEIL_IS_STORE (store), FALSE);

  /* Read everything first, so that a failed read leaves the analyzer as it was. */
  shared = veil_store_load_hash_lists (store, 0, error);
  own = shared != NULL && profile_id != 0 ? veil_store_load_hash_lists (store, profile_id, error)
                                          : g_ptr_array_new ();
  images = own != NULL ? veil_store_list_protected_images (store, profile_id, error) : NULL;
  exceptions = images != NULL ? veil_store_list_exceptions (store, profile_id, error) : NULL;
  if (exceptions == NULL)
    return FALSE;

  veil_analyzer_clear_hash_lists (self, 0);
  veil_analyzer_clear_hash_lists (self, profile_id);
  veil_analyzer_clear_exceptions (self, profile_id);
  for (guint i = 0; i < shared->len; i++)
    veil_analyzer_add_hash_list (self, 0, g_ptr_array_index (shared, i), VEIL_SIGNAL_HASH_LIST);
  for (guint i = 0; i < own->len; i++)
    veil_analyzer_add_hash_list (self, profile_id, g_ptr_array_index (own, i), VEIL_SIGNAL_HASH_LIST);
  if (images->len > 0)
    {
      g_autoptr(VeilHashList) protected = veil_hash_list_new (_("Protected pictures"));

      for (guint i = 0; i < images->len; i++)
        {
          VeilProtectedImage *image = g_ptr_array_index (images, i);

          veil_hash_list_add (protected, &image->pdq, image->md5);
        }
      veil_analyzer_add_hash_list (self, profile_id, protected, VEIL_SIGNAL_PROTECTED_IMAGE);
    }
  for (guint i = 0; i < exceptions->len; i++)
    veil_analyzer_add_exception (self, profile_id, &g_array_index (exceptions, VeilPdqHash, i));
  return TRUE;
}

/**
 * veil_analyzer_policy_for_profile:
 * @profile: (nullable): a profile, or %NULL for the standard level
 *
 * Returns: (transfer full): the classifier thresholds of the profile's sensitivity level
 */
VeilClassifierPolicy *
veil_analyzer_policy_for_profile (VeilProfile *profile)
{
  return veil_analyzer_policy_for_sensitivity (profile != NULL ? veil_profile_get_sensitivity (profile)
                                                               : VEIL_SENSITIVITY_STANDARD);
}

/**
 * veil_analyzer_policy_for_sensitivity:
 *
 * Returns: (transfer full): the classifier thresholds of a sensitivity level
 */
VeilClassifierPolicy *
veil_analyzer_policy_for_sensitivity (VeilSensitivity level)
{
  double t = veil_sensitivity_get_threshold (level);
  const VeilClassifierThreshold thresholds[] = {
    { "porn", t },
    { "hentai", t },
    { "sexy", t },
  };

  /* Halfway between the level and certainty: moderate scores that add up still count, but
   * two weak ones do not. */
  return veil_classifier_policy_new (thresholds, G_N_ELEMENTS (thresholds), t + (1.0 - t) / 2.0);
}

/**
 * veil_analyzer_needs_second_opinion:
 * @scores: (nullable): the first model's scores for one picture or frame
 *
 * What an analysis worker asks before it runs the second model: whether @scores are a
 * borderline flag at some sensitivity level, so that some profile's rule could use it.
 *
 * Returns: %TRUE when the second model should run
 */
gboolean
veil_analyzer_needs_second_opinion (VeilClassifierResult *scores)
{
  if (scores == NULL)
    return FALSE;
  for (int level = VEIL_SENSITIVITY_RELAXED; level <= VEIL_SENSITIVITY_STRICT; level++)
    {
      g_autoptr(VeilClassifierPolicy) policy = veil_analyzer_policy_for_sensitivity (level);

      if (veil_classifier_policy_is_borderline (policy, scores, VEIL_SECOND_OPINION_MARGIN))
        return TRUE;
    }
  return FALSE;
}

/**
 * veil_analyzer_evaluate:
 * @profile: (nullable): whose policy, lists and exceptions apply
 * @hash: (nullable): the picture's PDQ hash
 * @quality: the hash's quality; below %VEIL_PDQ_MIN_QUALITY the hash is not looked up
 * @scores: (nullable): the classifier's scores
 *
 * Applies the policy to figures already computed (a scan's cache). Thread-safe. When the
 * profile has the second opinion on and @scores are a borderline flag, the second model's
 * scores attached to them (veil_classifier_result_get_second()) at or above
 * %VEIL_SECOND_OPINION_BAR clear the classifier's reasons; without them the first verdict
 * stands and its reasons say that no second opinion was available.
 *
 * Returns: (transfer full): the verdict
 */
VeilVerdict *
veil_analyzer_evaluate (VeilAnalyzer         *self,
                        VeilProfile          *profile,
                        const VeilPdqHash    *hash,
                        guint                 quality,
                        VeilClassifierResult *scores)
{
  g_autoptr(VeilVerdictBuilder) builder = veil_verdict_builder_new ();
  g_autoptr(Snapshot) all = NULL;
  g_autoptr(Snapshot) mine = NULL;
  gint64 profile_id = profile != NULL ? veil_profile_get_id (profile) : 0;

  g_return_val_if_fail (VEIL_IS_ANALYZER (self), NULL);

  all = get_snapshot (self, 0);
  mine = profile_id != 0 ? get_snapshot (self, profile_id) : NULL;

  if (hash != NULL)
    {
      veil_verdict_builder_set_hash (builder, hash, quality);
      /* Low-quality hashes (flat or tiny pictures) match too much to mean anything. */
      if (quality >= VEIL_PDQ_MIN_QUALITY)
        {
          add_matches (builder, all, hash);
          add_matches (builder, mine, hash);
        }
      if (snapshot_has_exception (all, hash) || snapshot_has_exception (mine, hash))
        veil_verdict_builder_set_suppressed (builder, TRUE);
    }
  if (scores != NULL)
    {
      add_classifier_reasons (builder, profile, scores);
      add_second_opinion (builder, profile, scores, veil_classifier_result_get_second (scores));
    }

  return veil_verdict_builder_build (builder);
}

/**
 * veil_analyzer_analyze_image:
 * @image: decoded with at least veil_analyzer_get_needs() (fewer needs skip signals)
 * @profile: (nullable): whose policy applies
 * @out_scores: (out) (optional) (nullable): the classifier's scores
 *
 * Returns: (transfer full): the verdict, or %NULL with @error set
 */
VeilVerdict *
veil_analyzer_analyze_image (VeilAnalyzer          *self,
                             VeilImage             *image,
                             VeilProfile           *profile,
                             VeilClassifierResult **out_scores,
                             GCancellable          *cancellable,
                             GError               **error)
{
  g_autoptr(VeilClassifierResult) scores = NULL;
  g_autoptr(VeilPdq) pdq = NULL;
  VeilImageNeeds needs;

  g_return_val_if_fail (VEIL_IS_ANALYZER (self), NULL);
  g_return_val_if_fail (VEIL_IS_IMAGE (image), NULL);

  needs = veil_image_get_needs (image);
  if ((needs & (VEIL_IMAGE_NEED_PDQ | VEIL_IMAGE_NEED_PDQ_FAST)) != 0)
    {
      g_autoptr(GError) local_error = NULL;

      pdq = veil_pdq_new_from_image (image, veil_analyzer_get_pdq_mode (self), FALSE, &local_error);
      /* The classifier can still judge a picture PDQ cannot hash. */
      if (pdq == NULL)
        g_debug ("No PDQ hash: %s", local_error->message);
    }
  if (self->classifier != NULL && (needs & VEIL_IMAGE_NEED_CLASSIFIER) != 0)
    {
      scores = veil_classifier_classify_image (self->classifier, image, VEIL_CLASSIFY_FLAGS_HEATMAP,
                                               cancellable, error);
      if (scores == NULL)
        return NULL;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (out_scores != NULL)
    *out_scores = scores != NULL ? veil_classifier_result_ref (scores) : NULL;
  return veil_analyzer_evaluate (self, profile,
                                 pdq != NULL ? veil_pdq_get_hash (pdq) : NULL,
                                 pdq != NULL ? veil_pdq_get_quality (pdq) : 0,
                                 scores);
}

/**
 * veil_analyzer_blur_thumbnail:
 * @image: loaded with %VEIL_IMAGE_NEED_THUMBNAIL
 *
 * Returns: (transfer full): a PNG at most %VEIL_ANALYZER_BLURRED_SIZE pixels on its long
 *   side, blurred so that it shows colours and shapes but no detail
 */
GBytes *
veil_analyzer_blur_thumbnail (VeilImage  *image,
                              GError    **error)
{
  g_autoptr(VipsImage) in = NULL;
  g_autoptr(VipsImage) small = NULL;
  g_autoptr(VipsImage) blurred = NULL;
  const guint8 *rgb;
  guint width = 0, height = 0;
  void *png = NULL;
  size_t png_size = 0;
  double scale;

  g_return_val_if_fail (VEIL_IS_IMAGE (image), NULL);

  rgb = veil_image_get_thumbnail (image, &width, &height);
  if (rgb == NULL || width == 0 || height == 0)
    {
      g_set_error_literal (error, VEIL_ANALYZER_ERROR, VEIL_ANALYZER_ERROR_THUMBNAIL,
                           _("The picture has no thumbnail to blur. Scan it again."));
      return NULL;
    }

  scale = MIN (1.0, (double) VEIL_ANALYZER_BLURRED_SIZE / MAX (width, height));
  in = vips_image_new_from_memory (rgb, (size_t) width * height * 3, (int) width, (int) height, 3, VIPS_FORMAT_UCHAR);
  /* The blur radius grows with the size so that the result looks the same at any size. */
  if (in == NULL ||
      vips_resize (in, &small, scale, NULL) != 0 ||
      vips_gaussblur (small, &blurred, MAX (vips_image_get_width (small), vips_image_get_height (small)) / 24.0, NULL) != 0 ||
      vips_pngsave_buffer (blurred, &png, &png_size, "strip", TRUE, NULL) != 0)
    {
      g_set_error (error, VEIL_ANALYZER_ERROR, VEIL_ANALYZER_ERROR_THUMBNAIL,
                   _("The blurred thumbnail could not be made (%s)."), vips_error_buffer ());
      vips_error_clear ();
      return NULL;
    }
  return g_bytes_new_with_free_func (png, png_size, g_free, png);
}

/**
 * veil_analyzer_new_with_default_model:
 *
 * The analyzer with Veil's on-device classifier (veil_model_load_default()), run in isolated
 * worker processes. The model is only read here for its identity. A missing or damaged model
 * does not fall back to hash lists alone: every picture is then "not checked" with
 * %VEIL_UNCHECKED_MODEL_MISSING, which callers show.
 *
 * Returns: (transfer full): the analyzer
 */
VeilAnalyzer *
veil_analyzer_new_with_default_model (void)
{
  g_autoptr(GError) model_error = NULL;
  g_autoptr(VeilModel) model = veil_model_load_default (&model_error);
  g_autoptr(VeilWorkerPool) pool = veil_worker_pool_new (VEIL_WORKER_POOL_FLAGS_NONE);

  if (model == NULL)
    g_debug ("Every picture will be “not checked”: %s", model_error->message);
  return veil_analyzer_new_with_pool (pool, model != NULL ? veil_model_get_sha256 (model) : "model-missing");
}
