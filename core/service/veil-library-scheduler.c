/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-library-scheduler"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "veil-library-scheduler.h"
#include "veil-watcher.h"

/* VeilLibraryScheduler: folder checks that happen by themselves, in the background service.
 *
 * A sweep is the incremental scan (VeilScanner: unchanged files cost one stat). It starts
 * once the profile's schedule says it is due, measured on the store's clock from the last
 * finished check, and only while the session is idle, not in power-saver mode, not on a low
 * battery and the message guard has nothing to do. Any of those changing stops it; the run
 * stays unfinished, so the next sweep resumes it and finished files are not read again. A
 * check missed while the computer was off or busy is simply due: it runs at the next good
 * moment, once. Nothing polls: the scheduler wakes on the source's "changed" signal and on a
 * coalesced seconds timeout towards the due time, capped so that after a suspend (when
 * monotonic timers stand still) the wall clock is read again within the hour.
 *
 * Pictures that arrive in the checked folders meanwhile are checked soon after they settle
 * (VeilWatcher, as for message warnings), one at a time in the scan lane. */

#define MAX_TIMER_S      3600
#define GUARD_CHECK_S    1      /* while sweeping: is the message guard busy? */
#define RETRY_S          3600   /* after a sweep that failed */
#define ARRIVAL_GAP_MS   250    /* between two pictures that arrived */
#define MAX_ARRIVALS     1000   /* queued; more wait for the next sweep */
#define MAX_WATCHED_DIRS 256

struct _VeilLibraryScheduler
{
  GObject              parent_instance;

  /* Owned */
  VeilAnalyzer        *analyzer;
  VeilStore           *store;
  VeilScheduleSource  *source;
  VeilProfile         *profile;        /* nullable */
  VeilMessageGuard    *guard;          /* nullable */
  GCancellable        *cancellable;    /* per profile: arrivals and the folder walk */

  /* Sweeps */
  VeilScanner         *sweeper;        /* while a sweep runs */
  GCancellable        *sweep_cancellable;
  gboolean             sweep_paused;   /* for the message guard */
  guint                timer_id;
  guint                guard_check_id;
  gint64               retry_after;
  gint64               next_check;
  guint                n_workers;
  char                *wait;           /* as last noted in the store */

  /* Arrivals */
  VeilWatcher         *watcher;
  VeilScanner         *checker;
  GQueue               arrivals;       /* of char* */
  GHashTable          *queued;         /* path -> nothing */
  gboolean             checking;
  guint                arrival_id;
  guint                settle_ms;
};

G_DEFINE_FINAL_TYPE (VeilLibraryScheduler, veil_library_scheduler, G_TYPE_OBJECT)

enum {
  SIGNAL_SWEEP_STARTED,
  SIGNAL_SWEEP_FINISHED,
  SIGNAL_ARRIVAL_CHECKED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void evaluate (VeilLibraryScheduler *self);
static void process_arrivals (VeilLibraryScheduler *self);

/* --- The schedule, as stored ---------------------------------------------------------------- */

static gboolean
schedule_applies (VeilStore   *store,
                  VeilProfile *profile,
                  gint64      *out_interval,
                  gint64      *out_acknowledged)
{
  VeilProtectionStatus status = { 0 };
  gint64 interval = veil_scan_schedule_get_interval (veil_profile_get_scan_schedule (profile));

  if (interval == 0 || veil_profile_get_folders (profile)[0] == NULL ||
      !veil_store_get_protection_status (store, profile, VEIL_PROTECTION_LIBRARY_SCAN, &status, NULL) ||
      !status.active)
    return FALSE;
  *out_interval = interval;
  if (out_acknowledged != NULL)
    *out_acknowledged = status.acknowledged_at;
  return TRUE;
}

/**
 * veil_library_schedule_next_check:
 *
 * When the background service checks @profile's folders next: the last finished check plus
 * the schedule's interval. A time already past means "as soon as the computer is idle".
 *
 * Returns: Unix time, or 0 when no check is scheduled (off, or folder checks not active)
 */
gint64
veil_library_schedule_next_check (VeilStore   *store,
                                  VeilProfile *profile)
{
  gint64 interval, acknowledged, last, id;

  g_return_val_if_fail (VEIL_IS_STORE (store), 0);
  g_return_val_if_fail (profile != NULL, 0);

  if (!schedule_applies (store, profile, &interval, &acknowledged))
    return 0;
  id = veil_profile_get_id (profile);
  last = veil_store_get_last_check (store, id, VEIL_PROTECTION_LIBRARY_SCAN);
  /* Never checked, or a check was interrupted: due now. */
  if (last == 0 || veil_store_has_unfinished_run (store, id))
    return MAX (1, MIN (acknowledged, veil_store_get_time (store)));
  return last + interval;
}

static char *
format_time (gint64 unix_time)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (unix_time);

  /* Translators: date and time of an entry on the transparency page, see g_date_time_format() */
  return g_date_time_format (when, _("%e %B, %H:%M"));
}

/**
 * veil_library_schedule_describe:
 * @last_check: the last finished folder check (Unix time), 0 for none
 * @next_check: as veil_library_schedule_next_check() returns it
 * @now: the time now
 *
 * Returns: (transfer full): the last and the next check in one or two sentences, for the
 *   guardian's Folder Checks page and the child's transparency page
 */
char *
veil_library_schedule_describe (gint64 last_check,
                                gint64 next_check,
                                gint64 now)
{
  g_autofree char *last = NULL;
  g_autofree char *next = NULL;

  if (last_check > 0)
    {
      g_autofree char *when = format_time (last_check);
      /* Translators: %s is a date and time */
      last = g_strdup_printf (_("Last check: %s."), g_strstrip (when));
    }
  else
    last = g_strdup (_("No check has run yet."));

  if (next_check == 0)
    next = g_strdup (_("Next check: when a guardian starts one."));
  else if (next_check <= now)
    next = g_strdup (_("Next check: as soon as the computer is not in use."));
  else
    {
      g_autofree char *when = format_time (next_check);
      /* Translators: %s is a date and time */
      next = g_strdup_printf (_("Next check: %s, once the computer is not in use."), g_strstrip (when));
    }
  return g_strconcat (last, " ", next, NULL);
}

static char *
wait_key (gint64 profile_id)
{
  return g_strdup_printf ("library-wait-%" G_GINT64_FORMAT, profile_id);
}

/* Returns: (transfer full): what the last due check of @profile_id waited for, one of the
 *   VEIL_LIBRARY_WAIT_* words */
char *
veil_library_schedule_get_wait (VeilStore *store,
                                gint64     profile_id)
{
  g_autofree char *key = wait_key (profile_id);
  char *value = veil_store_get_meta (store, key);

  return value != NULL ? value : g_strdup (VEIL_LIBRARY_WAIT_NONE);
}

static void
note_wait (VeilLibraryScheduler *self,
           const char           *wait)
{
  g_autofree char *key = NULL;
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (self->wait, wait) == 0)
    return;
  g_free (self->wait);
  self->wait = g_strdup (wait);
  key = wait_key (veil_profile_get_id (self->profile));
  if (!veil_store_set_meta (self->store, key, wait, &error))
    g_debug ("Could not note why the folder check waits: %s", error->message);
}

/* --- Sweeps --------------------------------------------------------------------------------- */

static gboolean
guard_busy (VeilLibraryScheduler *self)
{
  return self->guard != NULL && veil_message_guard_get_n_busy (self->guard) > 0;
}

/* Returns: NULL when a sweep may run now, else what it waits for */
static const char *
blocked_by (VeilLibraryScheduler *self)
{
  if (veil_schedule_source_get_power_saver (self->source) || veil_schedule_source_get_low_battery (self->source))
    return VEIL_LIBRARY_WAIT_POWER;
  if (!veil_schedule_source_get_idle (self->source))
    return VEIL_LIBRARY_WAIT_IDLE;
  return NULL;
}

static gboolean
timer_cb (gpointer user_data)
{
  VeilLibraryScheduler *self = user_data;

  self->timer_id = 0;
  evaluate (self);
  return G_SOURCE_REMOVE;
}

static gboolean
guard_check_cb (gpointer user_data)
{
  VeilLibraryScheduler *self = user_data;
  gboolean busy = guard_busy (self);

  if (self->sweeper == NULL)
    {
      self->guard_check_id = 0;
      return G_SOURCE_REMOVE;
    }
  /* The message guard's pictures come first: a child is looking at them now. */
  if (busy != self->sweep_paused)
    {
      self->sweep_paused = busy;
      if (busy)
        veil_scanner_pause (self->sweeper);
      else
        veil_scanner_resume (self->sweeper);
    }
  return G_SOURCE_CONTINUE;
}

static void
stop_sweep (VeilLibraryScheduler *self)
{
  if (self->sweep_cancellable != NULL)
    g_cancellable_cancel (self->sweep_cancellable);
}

static void
sweep_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(VeilLibraryScheduler) self = user_data;
  g_autoptr(VeilScanSummary) summary = NULL;
  g_autoptr(GError) error = NULL;

  summary = veil_scanner_scan_finish (VEIL_SCANNER (source), result, &error);
  if (self->sweeper == VEIL_SCANNER (source))
    {
      g_clear_object (&self->sweeper);
      g_clear_object (&self->sweep_cancellable);
      g_clear_handle_id (&self->guard_check_id, g_source_remove);
    }
  if (summary == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_message ("The scheduled folder check failed: %s", error->message);
      self->retry_after = veil_store_get_time (self->store) + RETRY_S;
    }
  if (summary != NULL)
    g_debug ("Scheduled folder check: %u pictures, %u analysed", summary->n_seen, summary->n_analyzed);
  g_signal_emit (self, signals[SIGNAL_SWEEP_FINISHED], 0, summary);
  if (self->profile != NULL)
    evaluate (self);
}

static void
start_sweep (VeilLibraryScheduler *self)
{
  note_wait (self, VEIL_LIBRARY_WAIT_NONE);
  self->sweeper = veil_scanner_new (self->analyzer, self->store, self->profile);
  self->sweep_cancellable = g_cancellable_new ();
  self->sweep_paused = FALSE;
  veil_scanner_set_n_workers (self->sweeper, self->n_workers);
  veil_scanner_scan_async (self->sweeper, NULL, self->sweep_cancellable, sweep_done_cb, g_object_ref (self));
  self->guard_check_id = g_timeout_add_seconds (GUARD_CHECK_S, guard_check_cb, self);
  g_signal_emit (self, signals[SIGNAL_SWEEP_STARTED], 0);
}

static void
arm_timer (VeilLibraryScheduler *self,
           gint64                seconds)
{
  g_clear_handle_id (&self->timer_id, g_source_remove);
  self->timer_id = g_timeout_add_seconds ((guint) CLAMP (seconds, 1, MAX_TIMER_S), timer_cb, self);
}

/* Decides, from the store's clock and the source, whether a sweep starts, stops or waits. */
static void
evaluate (VeilLibraryScheduler *self)
{
  const char *blocked;
  gint64 interval, now;

  g_clear_handle_id (&self->timer_id, g_source_remove);
  if (self->profile == NULL || !schedule_applies (self->store, self->profile, &interval, NULL))
    {
      self->next_check = 0;
      stop_sweep (self);
      return;
    }
  blocked = blocked_by (self);
  if (self->sweeper != NULL)
    {
      /* Stopped, not paused: finished files are saved and the next sweep resumes. */
      if (blocked != NULL)
        stop_sweep (self);
      return;
    }

  now = veil_store_get_time (self->store);
  self->next_check = MAX (veil_library_schedule_next_check (self->store, self->profile), self->retry_after);
  if (now < self->next_check)
    {
      arm_timer (self, self->next_check - now);
      return;
    }
  if (blocked == NULL && guard_busy (self))
    {
      arm_timer (self, GUARD_CHECK_S);
      return;
    }
  if (blocked != NULL)
    {
      /* Due: the source's "changed" signal says when to look again. */
      note_wait (self, blocked);
      return;
    }
  start_sweep (self);
}

static void
source_changed_cb (VeilLibraryScheduler *self)
{
  evaluate (self);
  process_arrivals (self);
}

/* --- Arrivals ------------------------------------------------------------------------------- */

static void
check_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  VeilScanner *checker = source_object;
  const char *paths[] = { task_data, NULL };
  GError *error = NULL;
  VeilScanSummary *summary = veil_scanner_check_files_sync (checker, paths, cancellable, &error);

  if (summary == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, summary, (GDestroyNotify) veil_scan_summary_free);
}

static gboolean
arrival_gap_cb (gpointer user_data)
{
  VeilLibraryScheduler *self = user_data;

  self->arrival_id = 0;
  process_arrivals (self);
  return G_SOURCE_REMOVE;
}

static void
check_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(VeilLibraryScheduler) self = user_data;
  g_autoptr(VeilScanSummary) summary = NULL;
  g_autoptr(GError) error = NULL;
  const char *path = g_task_get_task_data (G_TASK (result));

  summary = g_task_propagate_pointer (G_TASK (result), &error);
  /* A check for a profile since replaced: the new one keeps its own count. */
  if (g_task_get_cancellable (G_TASK (result)) != self->cancellable)
    return;
  self->checking = FALSE;
  if (summary == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_debug ("Could not check %s: %s", path, error->message);
    }
  g_signal_emit (self, signals[SIGNAL_ARRIVAL_CHECKED], 0, path, summary != NULL ? summary->n_new_alerts : 0);
  g_clear_handle_id (&self->arrival_id, g_source_remove);
  self->arrival_id = g_timeout_add (ARRIVAL_GAP_MS, arrival_gap_cb, self);
}

/* One picture at a time, with a gap, yielding to the message guard and to power-saving. */
static void
process_arrivals (VeilLibraryScheduler *self)
{
  g_autoptr(GTask) task = NULL;
  char *path;

  if (self->checking || self->arrival_id != 0 || self->checker == NULL || g_queue_is_empty (&self->arrivals))
    return;
  if (g_strcmp0 (blocked_by (self), VEIL_LIBRARY_WAIT_POWER) == 0)
    return;  /* the source's "changed" signal brings the scheduler back */
  if (guard_busy (self))
    {
      self->arrival_id = g_timeout_add_seconds (GUARD_CHECK_S, arrival_gap_cb, self);
      return;
    }
  path = g_queue_pop_head (&self->arrivals);
  g_hash_table_remove (self->queued, path);
  self->checking = TRUE;
  task = g_task_new (self->checker, self->cancellable, check_done_cb, g_object_ref (self));
  g_task_set_source_tag (task, process_arrivals);
  g_task_set_task_data (task, path, g_free);
  g_task_run_in_thread (task, check_thread);
}

static void
file_ready_cb (VeilWatcher          *watcher,
               GFile                *file,
               VeilLibraryScheduler *self)
{
  char *path = g_file_get_path (file);

  if (path == NULL || g_hash_table_contains (self->queued, path) ||
      g_queue_get_length (&self->arrivals) >= MAX_ARRIVALS)
    {
      g_free (path);
      return;
    }
  g_hash_table_add (self->queued, g_strdup (path));
  g_queue_push_tail (&self->arrivals, path);
  process_arrivals (self);
}

/* Folders to watch for arrivals: the roots, their subfolders breadth first up to @max_dirs
 * in all, and (for a folder that just appeared) the files they already hold. */
typedef struct {
  GPtrArray *dirs;        /* of GFile: the roots first, then the subfolders found */
  guint      max_dirs;
  gboolean   with_files;
  GPtrArray *files;       /* of GFile */
} FolderWalk;

static void
folder_walk_free (FolderWalk *walk)
{
  g_ptr_array_unref (walk->dirs);
  g_ptr_array_unref (walk->files);
  g_free (walk);
}

static void
folder_walk_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  FolderWalk *walk = task_data;

  for (guint i = 0; i < walk->dirs->len; i++)
    {
      g_autoptr(GFileEnumerator) children = NULL;
      GFileInfo *info;
      GFile *child;

      if (walk->dirs->len >= walk->max_dirs && !walk->with_files)
        break;
      children = g_file_enumerate_children (walk->dirs->pdata[i], G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                                            G_FILE_ATTRIBUTE_STANDARD_IS_HIDDEN,
                                            G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, cancellable, NULL);
      while (children != NULL && walk->files->len < MAX_ARRIVALS &&
             g_file_enumerator_iterate (children, &info, &child, cancellable, NULL) && info != NULL)
        {
          if (g_file_info_get_is_hidden (info))
            continue;
          if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY && walk->dirs->len < walk->max_dirs)
            g_ptr_array_add (walk->dirs, g_object_ref (child));
          else if (walk->with_files && g_file_info_get_file_type (info) == G_FILE_TYPE_REGULAR)
            g_ptr_array_add (walk->files, g_object_ref (child));
        }
    }
  g_task_return_boolean (task, TRUE);
}

static void
folder_walk_done_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(VeilLibraryScheduler) self = user_data;
  FolderWalk *walk = g_task_get_task_data (G_TASK (result));

  if (!g_task_propagate_boolean (G_TASK (result), NULL) ||
      g_task_get_cancellable (G_TASK (result)) != self->cancellable || self->watcher == NULL)
    return;
  for (guint i = 0; i < walk->dirs->len; i++)
    {
      g_autoptr(GError) error = NULL;

      /* A missing or unreadable checked folder is VeilHealth's to report. */
      if (!veil_watcher_add_folder (self->watcher, walk->dirs->pdata[i], &error))
        g_debug ("Not watching a checked folder: %s", error->message);
    }
  /* Through the watcher, so a picture still being copied is checked once it is complete. */
  for (guint i = 0; i < walk->files->len; i++)
    veil_watcher_notice_file (self->watcher, walk->files->pdata[i]);
}

/* Walks @roots (transfer full) in a thread, then watches what it found. */
static void
start_folder_walk (VeilLibraryScheduler *self,
                   GPtrArray            *roots,
                   guint                 max_dirs,
                   gboolean              with_files)
{
  g_autoptr(GTask) task = NULL;
  FolderWalk *walk = g_new0 (FolderWalk, 1);

  walk->dirs = roots;
  walk->max_dirs = max_dirs;
  walk->with_files = with_files;
  walk->files = g_ptr_array_new_with_free_func (g_object_unref);
  task = g_task_new (NULL, self->cancellable, folder_walk_done_cb, g_object_ref (self));
  g_task_set_source_tag (task, start_folder_walk);
  g_task_set_task_data (task, walk, (GDestroyNotify) folder_walk_free);
  g_task_run_in_thread (task, folder_walk_thread);
}

/* A camera import makes dated folders: they are watched from then on, and the pictures
 * already in them are checked as arrivals. Beyond the limit, the next sweep finds them. */
static void
folder_added_cb (VeilWatcher          *watcher,
                 GFile                *folder,
                 VeilLibraryScheduler *self)
{
  g_autoptr(GPtrArray) watched = veil_watcher_list_folders (watcher);
  GPtrArray *roots;

  if (watched->len >= MAX_WATCHED_DIRS)
    return;
  roots = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (roots, g_object_ref (folder));
  start_folder_walk (self, roots, MAX_WATCHED_DIRS - watched->len, TRUE);
}

static void
stop_arrivals (VeilLibraryScheduler *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->watcher != NULL)
    g_signal_handlers_disconnect_by_data (self->watcher, self);
  g_clear_object (&self->watcher);
  g_clear_object (&self->checker);
  g_queue_clear_full (&self->arrivals, g_free);
  g_hash_table_remove_all (self->queued);
  g_clear_handle_id (&self->arrival_id, g_source_remove);
  self->checking = FALSE;
}

static void
start_arrivals (VeilLibraryScheduler *self)
{
  VeilProtectionStatus status = { 0 };
  GPtrArray *roots;

  /* Arrivals are checked whenever folder checks are active, whatever the schedule (a
   * consent withdrawn later is caught by the scanner's own check). */
  if (veil_profile_get_folders (self->profile)[0] == NULL ||
      !veil_store_get_protection_status (self->store, self->profile, VEIL_PROTECTION_LIBRARY_SCAN, &status, NULL) ||
      !status.active)
    return;
  self->cancellable = g_cancellable_new ();
  self->checker = veil_scanner_new (self->analyzer, self->store, self->profile);
  self->watcher = veil_watcher_new ();
  veil_watcher_set_settle_time (self->watcher, self->settle_ms);
  g_signal_connect (self->watcher, "file-ready", G_CALLBACK (file_ready_cb), self);
  g_signal_connect (self->watcher, "folder-added", G_CALLBACK (folder_added_cb), self);
  roots = g_ptr_array_new_with_free_func (g_object_unref);
  for (const char * const *f = veil_profile_get_folders (self->profile); *f != NULL; f++)
    g_ptr_array_add (roots, g_file_new_for_path (*f));
  start_folder_walk (self, roots, MAX_WATCHED_DIRS, FALSE);
}

/* --- Object --------------------------------------------------------------------------------- */

static void
veil_library_scheduler_dispose (GObject *object)
{
  VeilLibraryScheduler *self = VEIL_LIBRARY_SCHEDULER (object);

  stop_sweep (self);
  stop_arrivals (self);
  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_clear_handle_id (&self->guard_check_id, g_source_remove);
  if (self->source != NULL)
    g_signal_handlers_disconnect_by_data (self->source, self);
  g_clear_object (&self->source);
  g_clear_object (&self->guard);
  g_clear_pointer (&self->profile, veil_profile_unref);

  G_OBJECT_CLASS (veil_library_scheduler_parent_class)->dispose (object);
}

static void
veil_library_scheduler_finalize (GObject *object)
{
  VeilLibraryScheduler *self = VEIL_LIBRARY_SCHEDULER (object);

  g_clear_object (&self->sweeper);
  g_clear_object (&self->sweep_cancellable);
  g_clear_object (&self->analyzer);
  g_clear_object (&self->store);
  g_clear_pointer (&self->queued, g_hash_table_unref);
  g_free (self->wait);

  G_OBJECT_CLASS (veil_library_scheduler_parent_class)->finalize (object);
}

static void
veil_library_scheduler_class_init (VeilLibrarySchedulerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = veil_library_scheduler_dispose;
  object_class->finalize = veil_library_scheduler_finalize;

  /**
   * VeilLibraryScheduler::sweep-started:
   */
  signals[SIGNAL_SWEEP_STARTED] =
    g_signal_new ("sweep-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * VeilLibraryScheduler::sweep-finished:
   * @summary: (nullable): what the sweep did, or %NULL when it was stopped or failed
   */
  signals[SIGNAL_SWEEP_FINISHED] =
    g_signal_new ("sweep-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, VEIL_TYPE_SCAN_SUMMARY);

  /**
   * VeilLibraryScheduler::arrival-checked:
   * @path: a picture that arrived in a checked folder
   * @n_new_alerts: the alerts it raised (held or shown, as the threshold says)
   */
  signals[SIGNAL_ARRIVAL_CHECKED] =
    g_signal_new ("arrival-checked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_UINT);
}

static void
veil_library_scheduler_init (VeilLibraryScheduler *self)
{
  g_queue_init (&self->arrivals);
  self->queued = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->settle_ms = VEIL_WATCHER_DEFAULT_SETTLE_MS;
  /* Background work: half the cores, so that the computer stays responsive. */
  self->n_workers = MAX (1, g_get_num_processors () / 2);
}

/**
 * veil_library_scheduler_new:
 * @source: the session's idle and power state (a #VeilSessionSource, or the tests' own)
 *
 * Returns: (transfer full): a scheduler with no profile yet
 */
VeilLibraryScheduler *
veil_library_scheduler_new (VeilAnalyzer       *analyzer,
                            VeilStore          *store,
                            VeilScheduleSource *source)
{
  VeilLibraryScheduler *self;

  g_return_val_if_fail (VEIL_IS_ANALYZER (analyzer), NULL);
  g_return_val_if_fail (VEIL_IS_STORE (store), NULL);
  g_return_val_if_fail (VEIL_IS_SCHEDULE_SOURCE (source), NULL);

  self = g_object_new (VEIL_TYPE_LIBRARY_SCHEDULER, NULL);
  self->analyzer = g_object_ref (analyzer);
  self->store = g_object_ref (store);
  self->source = g_object_ref (source);
  g_signal_connect_swapped (source, "changed", G_CALLBACK (source_changed_cb), self);
  return self;
}

/**
 * veil_library_scheduler_set_profile:
 * @profile: (nullable): the linked profile, or %NULL to stop
 *
 * Follows @profile's folders, schedule and consent: call again whenever it may have changed.
 */
void
veil_library_scheduler_set_profile (VeilLibraryScheduler *self,
                                    VeilProfile          *profile)
{
  g_return_if_fail (VEIL_IS_LIBRARY_SCHEDULER (self));

  if (profile == NULL || self->profile == NULL ||
      veil_profile_get_id (profile) != veil_profile_get_id (self->profile) ||
      veil_profile_get_version (profile) != veil_profile_get_version (self->profile))
    {
      stop_sweep (self);
      stop_arrivals (self);
      g_clear_pointer (&self->wait, g_free);
      self->retry_after = 0;
      g_clear_pointer (&self->profile, veil_profile_unref);
      if (profile != NULL)
        self->profile = veil_profile_ref (profile);
    }
  /* Consent may have changed without a new profile version: look again either way. */
  if (self->profile != NULL && self->watcher == NULL)
    start_arrivals (self);
  evaluate (self);
}

/* The message guard's pictures come first: sweeps and arrivals wait while it is busy. */
void
veil_library_scheduler_set_guard (VeilLibraryScheduler *self,
                                  VeilMessageGuard     *guard)
{
  g_return_if_fail (VEIL_IS_LIBRARY_SCHEDULER (self));
  g_set_object (&self->guard, guard);
}

void
veil_library_scheduler_set_settle_time (VeilLibraryScheduler *self,
                                        guint                 milliseconds)
{
  g_return_if_fail (VEIL_IS_LIBRARY_SCHEDULER (self));
  self->settle_ms = milliseconds;
  if (self->watcher != NULL)
    veil_watcher_set_settle_time (self->watcher, milliseconds);
}

/* Takes effect at the next sweep. */
void
veil_library_scheduler_set_n_workers (VeilLibraryScheduler *self,
                                      guint                 n_workers)
{
  g_return_if_fail (VEIL_IS_LIBRARY_SCHEDULER (self));
  self->n_workers = MAX (1, n_workers);
}

gboolean
veil_library_scheduler_get_sweeping (VeilLibraryScheduler *self)
{
  g_return_val_if_fail (VEIL_IS_LIBRARY_SCHEDULER (self), FALSE);
  return self->sweeper != NULL;
}

/* Returns: when the next sweep is due (Unix time), 0 when none is scheduled */
gint64
veil_library_scheduler_get_next_check (VeilLibraryScheduler *self)
{
  g_return_val_if_fail (VEIL_IS_LIBRARY_SCHEDULER (self), 0);
  return self->next_check;
}
