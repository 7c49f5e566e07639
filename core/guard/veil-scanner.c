/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-scanner"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "veil-scanner-private.h"

#include "veil-consent.h"

/* VeilScanner: walks a profile's folders on one thread, looks each picture up in the scan
 * cache there (an unchanged file costs one stat and one indexed query), and hands the others
 * to a pool of workers, one per core, that decode and analyse them at low CPU and I/O
 * priority. Each worker saves its file's results in one transaction as soon as they exist,
 * so a killed scan loses nothing finished and the next scan resumes where it stopped. */

#define PROGRESS_INTERVAL_MS 200

struct _VeilScanner
{
  GObject parent_instance;

  /* construct-only */
  VeilAnalyzer        *analyzer;
  VeilStore           *store;
  VeilProfile         *profile;

  VeilScannerState     state;
  guint                n_workers;
  VeilScannerJob      *job;              /* owned while a scan runs */
  GSource             *progress_source;  /* owned while a scan runs */
  GPowerProfileMonitor *power_monitor;   /* owned, nullable */
  gboolean             user_paused;
  VeilScannerFileHook  hook;
  gpointer             hook_data;

  /* progress, as last published */
  guint                n_seen;
  guint                n_done;
  guint                n_matched;
  double               rate;
  double               eta;
};

G_DEFINE_FINAL_TYPE (VeilScanner, veil_scanner, G_TYPE_OBJECT)
G_DEFINE_QUARK (veil-scanner-error-quark, veil_scanner_error)

enum {
  PROP_0,
  PROP_ANALYZER,
  PROP_STORE,
  PROP_PROFILE,
  PROP_STATE,
  PROP_N_WORKERS,
  PROP_N_SEEN,
  PROP_N_DONE,
  PROP_N_MATCHED,
  PROP_RATE,
  PROP_ETA,
  N_PROPS
};

enum {
  SIGNAL_PROGRESS,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];


/* --- Object --------------------------------------------------------------------------------- */

static void
set_state (VeilScanner      *self,
           VeilScannerState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
update_pause (VeilScanner *self)
{
  gboolean power_saver = self->power_monitor != NULL &&
                         g_power_profile_monitor_get_power_saver_enabled (self->power_monitor);

  if (self->job == NULL)
    return;
  g_mutex_lock (&self->job->lock);
  self->job->paused = self->user_paused;
  self->job->power_saver = power_saver;
  g_cond_broadcast (&self->job->cond);
  g_mutex_unlock (&self->job->lock);
  set_state (self, self->user_paused || power_saver ? VEIL_SCANNER_STATE_PAUSED : VEIL_SCANNER_STATE_RUNNING);
}

static void
power_saver_changed_cb (VeilScanner *self)
{
  update_pause (self);
}

static void
publish_progress (VeilScanner *self)
{
  VeilScannerJob *job = self->job;
  guint seen, done, matched;
  double elapsed;

  if (job == NULL)
    return;
  seen = (guint) g_atomic_int_get (&job->n_seen);
  done = (guint) g_atomic_int_get (&job->n_done);
  matched = (guint) (g_atomic_int_get (&job->n_matched) + g_atomic_int_get (&job->n_flagged));
  elapsed = (g_get_monotonic_time () - job->started) / (double) G_USEC_PER_SEC;

  g_object_freeze_notify (G_OBJECT (self));
  if (seen != self->n_seen)
    {
      self->n_seen = seen;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SEEN]);
    }
  if (done != self->n_done)
    {
      self->n_done = done;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_DONE]);
    }
  if (matched != self->n_matched)
    {
      self->n_matched = matched;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_MATCHED]);
    }
  self->rate = elapsed > 0 ? done / elapsed : 0.0;
  self->eta = self->rate > 0 ? (seen - MIN (seen, done)) / self->rate : -1.0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ETA]);
  g_object_thaw_notify (G_OBJECT (self));
  g_signal_emit (self, signals[SIGNAL_PROGRESS], 0);
}

static gboolean
progress_cb (gpointer user_data)
{
  publish_progress (VEIL_SCANNER (user_data));
  return G_SOURCE_CONTINUE;
}

static void
stop_progress (VeilScanner *self)
{
  if (self->progress_source != NULL)
    {
      g_source_destroy (self->progress_source);
      g_clear_pointer (&self->progress_source, g_source_unref);
    }
}

static void
veil_scanner_dispose (GObject *object)
{
  VeilScanner *self = VEIL_SCANNER (object);

  if (self->job != NULL)
    g_cancellable_cancel (self->job->cancellable);
  stop_progress (self);
  g_clear_object (&self->power_monitor);

  G_OBJECT_CLASS (veil_scanner_parent_class)->dispose (object);
}

static void
veil_scanner_finalize (GObject *object)
{
  VeilScanner *self = VEIL_SCANNER (object);

  g_clear_pointer (&self->job, _veil_scanner_job_unref);
  g_clear_object (&self->analyzer);
  g_clear_object (&self->store);
  g_clear_pointer (&self->profile, veil_profile_unref);

  G_OBJECT_CLASS (veil_scanner_parent_class)->finalize (object);
}

static void
veil_scanner_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  VeilScanner *self = VEIL_SCANNER (object);

  switch (prop_id)
    {
    case PROP_ANALYZER:
      g_value_set_object (value, self->analyzer);
      break;
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_PROFILE:
      g_value_set_boxed (value, self->profile);
      break;
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_N_WORKERS:
      g_value_set_uint (value, self->n_workers);
      break;
    case PROP_N_SEEN:
      g_value_set_uint (value, self->n_seen);
      break;
    case PROP_N_DONE:
      g_value_set_uint (value, self->n_done);
      break;
    case PROP_N_MATCHED:
      g_value_set_uint (value, self->n_matched);
      break;
    case PROP_RATE:
      g_value_set_double (value, self->rate);
      break;
    case PROP_ETA:
      g_value_set_double (value, self->eta);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_scanner_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  VeilScanner *self = VEIL_SCANNER (object);

  switch (prop_id)
    {
    case PROP_ANALYZER:
      self->analyzer = g_value_dup_object (value);
      break;
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_PROFILE:
      self->profile = g_value_dup_boxed (value);
      break;
    case PROP_N_WORKERS:
      veil_scanner_set_n_workers (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_scanner_class_init (VeilScannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags co = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = veil_scanner_dispose;
  object_class->finalize = veil_scanner_finalize;
  object_class->get_property = veil_scanner_get_property;
  object_class->set_property = veil_scanner_set_property;

  properties[PROP_ANALYZER] = g_param_spec_object ("analyzer", NULL, NULL, VEIL_TYPE_ANALYZER, co);
  properties[PROP_STORE] = g_param_spec_object ("store", NULL, NULL, VEIL_TYPE_STORE, co);
  properties[PROP_PROFILE] = g_param_spec_boxed ("profile", NULL, NULL, VEIL_TYPE_PROFILE, co);
  properties[PROP_STATE] = g_param_spec_int ("state", NULL, NULL, VEIL_SCANNER_STATE_IDLE,
                                             VEIL_SCANNER_STATE_PAUSED, VEIL_SCANNER_STATE_IDLE, ro);
  properties[PROP_N_WORKERS] = g_param_spec_uint ("n-workers", NULL, NULL, 1, 256, 1,
                                                  G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_SEEN] = g_param_spec_uint ("n-seen", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_N_DONE] = g_param_spec_uint ("n-done", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_N_MATCHED] = g_param_spec_uint ("n-matched", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_RATE] = g_param_spec_double ("rate", NULL, NULL, 0, G_MAXDOUBLE, 0, ro);
  properties[PROP_ETA] = g_param_spec_double ("eta", NULL, NULL, -1, G_MAXDOUBLE, -1, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * VeilScanner::progress:
   *
   * Emitted on the main context of the scan's caller a few times a second while scanning.
   */
  signals[SIGNAL_PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
veil_scanner_init (VeilScanner *self)
{
  self->n_workers = MAX (1, g_get_num_processors ());
  self->eta = -1.0;
}

/* --- Public API ----------------------------------------------------------------------------- */

VeilScanner *
veil_scanner_new (VeilAnalyzer  *analyzer,
                  VeilStore     *store,
                  VeilProfile   *profile)
{
  g_return_val_if_fail (VEIL_IS_ANALYZER (analyzer), NULL);
  g_return_val_if_fail (VEIL_IS_STORE (store), NULL);
  g_return_val_if_fail (profile != NULL, NULL);

  return g_object_new (VEIL_TYPE_SCANNER, "analyzer", analyzer, "store", store,
                       "profile", profile, NULL);
}

VeilProfile *
veil_scanner_get_profile (VeilScanner *self)
{
  g_return_val_if_fail (VEIL_IS_SCANNER (self), NULL);
  return self->profile;
}

VeilScannerState
veil_scanner_get_state (VeilScanner *self)
{
  g_return_val_if_fail (VEIL_IS_SCANNER (self), VEIL_SCANNER_STATE_IDLE);
  return self->state;
}

guint
veil_scanner_get_n_workers (VeilScanner *self)
{
  g_return_val_if_fail (VEIL_IS_SCANNER (self), 1);
  return self->n_workers;
}

/* Takes effect at the next scan. */
void
veil_scanner_set_n_workers (VeilScanner *self,
                            guint        n_workers)
{
  g_return_if_fail (VEIL_IS_SCANNER (self));
  n_workers = CLAMP (n_workers, 1, 256);
  if (self->n_workers == n_workers)
    return;
  self->n_workers = n_workers;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_WORKERS]);
}

guint
veil_scanner_get_n_seen (VeilScanner *self)
{
  g_return_val_if_fail (VEIL_IS_SCANNER (self), 0);
  return self->n_seen;
}

guint
veil_scanner_get_n_done (VeilScanner *self)
{
  g_return_val_if_fail (VEIL_IS_SCANNER (self), 0);
  return self->n_done;
}

guint
veil_scanner_get_n_matched (VeilScanner *self)
{
  g_return_val_if_fail (VEIL_IS_SCANNER (self), 0);
  return self->n_matched;
}

/* Returns: files per second so far */
double
veil_scanner_get_rate (VeilScanner *self)
{
  g_return_val_if_fail (VEIL_IS_SCANNER (self), 0.0);
  return self->rate;
}

/* Returns: seconds left for the files found so far, or -1 when unknown */
double
veil_scanner_get_eta (VeilScanner *self)
{
  g_return_val_if_fail (VEIL_IS_SCANNER (self), -1.0);
  return self->eta;
}

void
veil_scanner_pause (VeilScanner *self)
{
  g_return_if_fail (VEIL_IS_SCANNER (self));
  self->user_paused = TRUE;
  update_pause (self);
}

void
veil_scanner_resume (VeilScanner *self)
{
  g_return_if_fail (VEIL_IS_SCANNER (self));
  self->user_paused = FALSE;
  update_pause (self);
}

void
_veil_scanner_set_file_hook (VeilScanner         *self,
                             VeilScannerFileHook  hook,
                             gpointer             user_data)
{
  g_return_if_fail (VEIL_IS_SCANNER (self));
  self->hook = hook;
  self->hook_data = user_data;
}

void
_veil_scanner_set_power_monitor (VeilScanner          *self,
                                 GPowerProfileMonitor *monitor)
{
  g_return_if_fail (VEIL_IS_SCANNER (self));
  g_return_if_fail (G_IS_POWER_PROFILE_MONITOR (monitor));
  g_return_if_fail (self->job == NULL);

  if (self->power_monitor != NULL)
    g_signal_handlers_disconnect_by_func (self->power_monitor, power_saver_changed_cb, self);
  g_set_object (&self->power_monitor, monitor);
  g_signal_connect_object (self->power_monitor, "notify::power-saver-enabled",
                           G_CALLBACK (power_saver_changed_cb), self, G_CONNECT_SWAPPED);
}

static VeilScannerJob *
prepare_job (VeilScanner         *self,
             const char * const  *folders,
             GCancellable        *cancellable,
             GError             **error)
{
  VeilProtectionStatus status = { 0, };
  VeilStore *store = self->store;
  VeilScannerJob *job;

  if (self->job != NULL)
    {
      g_set_error_literal (error, VEIL_SCANNER_ERROR, VEIL_SCANNER_ERROR_BUSY,
                           _("A scan of this profile is already running. Wait for it to finish or cancel it."));
      return NULL;
    }
  /* Consent first: the guardian turned it on and the child saw what it does. */
  if (!veil_store_get_protection_status (store, self->profile, VEIL_PROTECTION_LIBRARY_SCAN, &status, error))
    return NULL;
  if (!status.active)
    {
      g_set_error (error, VEIL_SCANNER_ERROR, VEIL_SCANNER_ERROR_NOT_ACTIVE,
                   status.enabled ? _("Picture folder checks for %s wait until the child has read what they do.")
                                  : _("Picture folder checks are off for %s. A guardian can turn them on in the profile."),
                   veil_profile_get_name (self->profile));
      return NULL;
    }
  if (folders == NULL || folders[0] == NULL)
    folders = veil_profile_get_folders (self->profile);
  if (folders == NULL || folders[0] == NULL)
    {
      g_set_error (error, VEIL_SCANNER_ERROR, VEIL_SCANNER_ERROR_NO_FOLDERS,
                   _("No picture folders are chosen for %s. Choose folders to check first."),
                   veil_profile_get_name (self->profile));
      return NULL;
    }
  if (!veil_analyzer_load_lists (self->analyzer, self->store, veil_profile_get_id (self->profile), error))
    return NULL;

  job = g_new0 (VeilScannerJob, 1);
  g_atomic_ref_count_init (&job->ref_count);
  job->analyzer = g_object_ref (self->analyzer);
  job->store = g_object_ref (self->store);
  job->profile = veil_profile_ref (self->profile);
  job->cancellable = cancellable != NULL ? g_object_ref (cancellable) : g_cancellable_new ();
  job->folders = g_strdupv ((char **) folders);
  job->n_workers = self->n_workers;
  job->hook = self->hook;
  job->hook_data = self->hook_data;
  job->started = g_get_monotonic_time ();
  g_mutex_init (&job->lock);
  g_cond_init (&job->cond);
  job->examples = g_ptr_array_new_with_free_func (g_free);
  job->visited_dirs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  job->visited_files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return job;
}

static void
scan_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  VeilScanner *self = VEIL_SCANNER (source);
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  VeilScanSummary *summary;

  publish_progress (self);
  stop_progress (self);
  g_clear_pointer (&self->job, _veil_scanner_job_unref);
  set_state (self, VEIL_SCANNER_STATE_IDLE);

  summary = g_task_propagate_pointer (G_TASK (result), &error);
  if (summary == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, summary, (GDestroyNotify) veil_scan_summary_free);
}

/**
 * veil_scanner_scan_async:
 * @folders: (nullable) (array zero-terminated=1): the folders to scan, or %NULL for the
 *   profile's
 *
 * Scans in the background; progress is published on the caller's thread-default main
 * context. Needs the profile's library-scan protection to be active.
 */
void
veil_scanner_scan_async (VeilScanner         *self,
                         const char * const  *folders,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) outer = NULL;
  g_autoptr(GTask) inner = NULL;
  g_autoptr(GError) error = NULL;
  VeilScannerJob *job;

  g_return_if_fail (VEIL_IS_SCANNER (self));

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, veil_scanner_scan_async);
  /* Report what really happened: a scan that finished just as it was cancelled has recorded
   * its run as complete, so it must not claim to be cancelled (the next scan would disagree). */
  g_task_set_check_cancellable (outer, FALSE);

  job = prepare_job (self, folders, cancellable, &error);
  if (job == NULL)
    {
      g_task_return_error (outer, g_steal_pointer (&error));
      return;
    }
  self->job = job;
  if (self->power_monitor == NULL)
    {
      self->power_monitor = g_power_profile_monitor_dup_default ();
      if (self->power_monitor != NULL)
        g_signal_connect_object (self->power_monitor, "notify::power-saver-enabled",
                                 G_CALLBACK (power_saver_changed_cb), self, G_CONNECT_SWAPPED);
    }
  set_state (self, VEIL_SCANNER_STATE_RUNNING);
  update_pause (self);

  self->progress_source = g_timeout_source_new (PROGRESS_INTERVAL_MS);
  g_source_set_callback (self->progress_source, progress_cb, self, NULL);
  g_source_set_name (self->progress_source, "[veil] scan progress");
  g_source_attach (self->progress_source, g_task_get_context (outer));

  /* The inner task runs the scan; its result comes back here to reset the scanner first. */
  inner = g_task_new (self, job->cancellable, scan_done_cb, g_steal_pointer (&outer));
  g_task_set_source_tag (inner, veil_scanner_scan_async);
  g_task_set_task_data (inner, _veil_scanner_job_ref (job), (GDestroyNotify) _veil_scanner_job_unref);
  g_task_set_return_on_cancel (inner, FALSE);
  g_task_run_in_thread (inner, _veil_scanner_scan_thread);
}

/**
 * veil_scanner_scan_finish:
 *
 * Returns: (transfer full): what the scan did, or %NULL with @error set
 */
VeilScanSummary *
veil_scanner_scan_finish (VeilScanner   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (VEIL_IS_SCANNER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * veil_scanner_scan_sync:
 *
 * Like veil_scanner_scan_async() but blocks; for the command line, tests and benchmarks.
 * No progress is published.
 *
 * Returns: (transfer full): what the scan did, or %NULL with @error set
 */
VeilScanSummary *
veil_scanner_scan_sync (VeilScanner         *self,
                        const char * const  *folders,
                        GCancellable        *cancellable,
                        GError             **error)
{
  g_autoptr(VeilScannerJob) job = NULL;

  g_return_val_if_fail (VEIL_IS_SCANNER (self), NULL);

  job = prepare_job (self, folders, cancellable, error);
  if (job == NULL)
    return NULL;
  return _veil_scanner_run_scan (job, error);
}

/**
 * veil_scanner_check_files_sync:
 * @paths: (array zero-terminated=1): pictures that just arrived in the profile's folders
 *
 * Checks single pictures as a scan would (the same consent check, hash lists, thresholds and
 * held alerts; unchanged files are judged from the cache), on the calling thread and in the
 * scan lane. Unlike a scan it records no run: the next scheduled check still walks the
 * folders.
 *
 * Returns: (transfer full): what the check did, or %NULL with @error set
 */
VeilScanSummary *
veil_scanner_check_files_sync (VeilScanner         *self,
                               const char * const  *paths,
                               GCancellable        *cancellable,
                               GError             **error)
{
  g_autoptr(VeilScannerJob) job = NULL;

  g_return_val_if_fail (VEIL_IS_SCANNER (self), NULL);
  g_return_val_if_fail (paths != NULL && paths[0] != NULL, NULL);

  job = prepare_job (self, paths, cancellable, error);
  if (job == NULL)
    return NULL;
  for (guint i = 0; paths[i] != NULL && !g_cancellable_is_cancelled (job->cancellable); i++)
    _veil_scanner_check_one (job, paths[i]);
  if (g_cancellable_set_error_if_cancelled (job->cancellable, error))
    return NULL;
  return _veil_scanner_summarize (job);
}
