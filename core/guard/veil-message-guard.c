/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-message-guard"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "veil-consent.h"
#include "veil-message-guard-private.h"
#include "veil-store.h"
#include "veil-watcher.h"

/* VeilMessageGuard: message image warnings for one profile.
 *
 * The watcher hands on complete new pictures; each is analyzed in a GTask thread, at most one
 * per core at a time (the rest wait as paths, never as decoded images), and each file version
 * once: the store remembers what was analyzed and since when the profile is protected, so a
 * restart catches up on what arrived meanwhile and repeats nothing. A sensitive picture
 * becomes a message alert; for an under-13 profile whose guardian asked for it, the picture
 * is then moved into Veil's own folder, from which veil_message_guard_restore() puts it back.
 * Signals are emitted on the main context the guard was created in, never after dispose. */

/* Bytes the content-type sniffer looks at, as the watcher does. */
#define SNIFF_BYTES 4096

typedef struct {
  GPtrArray     *folders;      /* GFile, owned */
  GPtrArray     *names;        /* display names, parallel to folders */
  VeilStore     *store;
  gint64         profile_id;
  gint64         since_usec;
  GWeakRef       guard;
  guint          generation;
} CatchUpData;

struct _VeilMessageGuard
{
  GObject        parent_instance;

  /* Services, owned */
  VeilStore     *store;
  VeilAnalyzer  *analyzer;
  GMainContext  *context;       /* where signals are emitted */

  /* The profile being guarded, and what follows from its settings and consent */
  VeilProfile   *profile;       /* owned, nullable */
  gboolean       tell_guardian;
  gboolean       hide;
  VeilWatcher   *watcher;       /* owned, nullable */
  GPtrArray     *folders;       /* GFile, owned: what the watcher watches */
  GPtrArray     *folder_names;  /* char *, owned, parallel to folders */
  GCancellable  *cancellable;   /* owned: cancelled when guarding stops */
  guint          generation;    /* bumped each time guarding stops, so stale results are dropped */

  /* Work */
  GQueue         queue;         /* VeilMessageGuardJob *, owned: waiting for a worker */
  GHashTable    *active;        /* path -> GINT_TO_POINTER (again), for queued and running files */
  guint          n_running;
  guint          max_running;
  guint          n_catching_up;
  guint          settle_ms;
  gboolean       disposed;
};

G_DEFINE_FINAL_TYPE (VeilMessageGuard, veil_message_guard, G_TYPE_OBJECT)
G_DEFINE_QUARK (veil-message-guard-error-quark, veil_message_guard_error)

enum {
  SIGNAL_WARNED,
  SIGNAL_ANALYZED,
  SIGNAL_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void start_jobs (VeilMessageGuard *self);

/* --- Jobs ----------------------------------------------------------------------------------- */

static void
catch_up_data_free (CatchUpData *data)
{
  g_clear_pointer (&data->folders, g_ptr_array_unref);
  g_clear_pointer (&data->names, g_ptr_array_unref);
  g_clear_object (&data->store);
  g_weak_ref_clear (&data->guard);
  g_free (data);
}

/* Judges by the first bytes, never by the name, as the watcher does for new files. */
static gboolean
sniff_checked (GFile *file)
{
  g_autoptr(GFileInputStream) in = g_file_read (file, NULL, NULL);
  g_autofree char *content_type = NULL;
  guint8 head[SNIFF_BYTES];
  gsize n_read = 0;

  if (in == NULL ||
      !g_input_stream_read_all (G_INPUT_STREAM (in), head, sizeof head, &n_read, NULL, NULL) ||
      n_read == 0)
    return FALSE;
  content_type = g_content_type_guess (NULL, head, n_read, NULL);
  return veil_watcher_is_checked_type (content_type);
}

static void
analyze_done_cb (GObject      *source_object,
                 GAsyncResult *res,
                 gpointer      user_data)
{
  GTask *task = G_TASK (res);
  VeilMessageGuardJobData *data = g_task_get_task_data (task);
  g_autoptr(VeilMessageGuard) self = g_weak_ref_get (&data->guard);
  g_autoptr(VeilMessageGuardJobResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gpointer again = NULL;
  gboolean was_active;

  result = g_task_propagate_pointer (task, &error);
  if (self == NULL || self->disposed || data->generation != self->generation)
    return;

  self->n_running--;
  was_active = g_hash_table_lookup_extended (self->active, data->job->path, NULL, &again);
  g_hash_table_remove (self->active, data->job->path);

  if (result != NULL && !result->skipped)
    {
      if (result->failure != NULL)
        {
          g_debug ("Not checked: %s: %s", result->path, result->failure);
          g_signal_emit (self, signals[SIGNAL_FAILED], 0, result->path, result->failure);
        }
      else
        {
          g_debug ("Analyzed %s: %s%s", result->path, result->unchecked ? "not checked, " : "",
                   result->sensitive ? "warned" : "not warned");
          g_signal_emit (self, signals[SIGNAL_ANALYZED], 0, result->path, result->sensitive);
          /* A picture shown under the profile's "allow" rule is only listed, not warned about. */
          if (result->alert_id > 0 && result->sensitive)
            g_signal_emit (self, signals[SIGNAL_WARNED], 0, result->alert_id, result->path, result->folder_name);
        }
    }

  /* A newer version arrived while this one was being analyzed: look again. */
  if (!self->disposed && was_active && GPOINTER_TO_INT (again) && data->generation == self->generation)
    {
      VeilMessageGuardJob *job = g_new0 (VeilMessageGuardJob, 1);

      job->path = g_strdup (data->job->path);
      job->folder_name = g_strdup (data->job->folder_name);
      g_hash_table_insert (self->active, g_strdup (job->path), GINT_TO_POINTER (FALSE));
      g_queue_push_tail (&self->queue, job);
    }
  if (!self->disposed)
    start_jobs (self);
}

static void
start_jobs (VeilMessageGuard *self)
{
  gboolean push = g_main_context_get_thread_default () != self->context &&
                  !(g_main_context_get_thread_default () == NULL && self->context == g_main_context_default ());

  /* Tasks return to the context that is thread-default when they are created. */
  if (push)
    g_main_context_push_thread_default (self->context);
  while (self->profile != NULL && self->n_running < self->max_running && !g_queue_is_empty (&self->queue))
    {
      g_autoptr(GTask) task = NULL;
      VeilMessageGuardJobData *data = g_new0 (VeilMessageGuardJobData, 1);

      data->job = g_queue_pop_head (&self->queue);
      data->store = g_object_ref (self->store);
      data->analyzer = g_object_ref (self->analyzer);
      data->profile = veil_profile_ref (self->profile);
      data->tell_guardian = self->tell_guardian;
      data->hide = self->hide;
      data->generation = self->generation;
      g_weak_ref_init (&data->guard, self);

      task = g_task_new (NULL, self->cancellable, analyze_done_cb, NULL);
      g_task_set_source_tag (task, start_jobs);
      g_task_set_task_data (task, data, (GDestroyNotify) _veil_message_guard_job_data_free);
      self->n_running++;
      g_task_run_in_thread (task, _veil_message_guard_analyze_thread);
    }
  if (push)
    g_main_context_pop_thread_default (self->context);
}

/* Queues @path unless it is already waiting or being analyzed (then it is looked at again
 * once that is done). */
static void
enqueue (VeilMessageGuard *self,
         const char       *path,
         const char       *folder_name)
{
  VeilMessageGuardJob *job;

  if (g_hash_table_contains (self->active, path))
    {
      g_hash_table_insert (self->active, g_strdup (path), GINT_TO_POINTER (TRUE));
      return;
    }
  job = g_new0 (VeilMessageGuardJob, 1);
  job->path = g_strdup (path);
  job->folder_name = g_strdup (folder_name);
  g_hash_table_insert (self->active, g_strdup (path), GINT_TO_POINTER (FALSE));
  g_queue_push_tail (&self->queue, job);
  start_jobs (self);
}

/* Returns: (transfer none): the display name of the watched folder that holds @file */
static const char *
folder_name_for (VeilMessageGuard *self,
                 GFile            *file)
{
  g_autoptr(GFile) parent = g_file_get_parent (file);

  for (guint i = 0; parent != NULL && self->folders != NULL && i < self->folders->len; i++)
    if (g_file_equal (parent, self->folders->pdata[i]))
      return self->folder_names->pdata[i];
  return self->folder_names != NULL && self->folder_names->len > 0 ? self->folder_names->pdata[0] : "";
}

static void
file_ready_cb (VeilWatcher      *watcher,
               GFile            *file,
               VeilMessageGuard *self)
{
  g_autofree char *path = g_file_get_path (file);

  if (path != NULL && self->profile != NULL)
    enqueue (self, path, folder_name_for (self, file));
}

/* --- Catching up ---------------------------------------------------------------------------- */

static void
catch_up_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  CatchUpData *data = task_data;
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) _veil_message_guard_job_free);

  for (guint i = 0; i < data->folders->len; i++)
    {
      g_autoptr(GFileEnumerator) children = NULL;
      GFileInfo *info;
      GFile *child;

      children = g_file_enumerate_children (data->folders->pdata[i], G_FILE_ATTRIBUTE_STANDARD_NAME,
                                            G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, cancellable, NULL);
      while (children != NULL &&
             g_file_enumerator_iterate (children, &info, &child, cancellable, NULL) &&
             info != NULL)
        {
          g_autofree char *path = g_file_get_path (child);
          VeilFileStamp stamp = { 0, };
          gint64 arrived = 0;
          VeilMessageGuardJob *job;

          /* Partial downloads wait for the watcher to see them complete. */
          if (path == NULL || veil_watcher_is_partial_name (g_file_info_get_name (info)) ||
              !_veil_message_guard_stamp_file (child, &stamp, &arrived) || stamp.size == 0 ||
              arrived < data->since_usec ||
              veil_store_lookup_message_file (data->store, data->profile_id, path, &stamp) ||
              !sniff_checked (child))
            continue;
          job = g_new0 (VeilMessageGuardJob, 1);
          job->path = g_steal_pointer (&path);
          job->folder_name = g_strdup (data->names->pdata[i]);
          g_ptr_array_add (found, job);
        }
    }
  g_task_return_pointer (task, g_steal_pointer (&found), (GDestroyNotify) g_ptr_array_unref);
}

static void
catch_up_done_cb (GObject      *source_object,
                  GAsyncResult *res,
                  gpointer      user_data)
{
  GTask *task = G_TASK (res);
  CatchUpData *data = g_task_get_task_data (task);
  g_autoptr(VeilMessageGuard) self = g_weak_ref_get (&data->guard);
  g_autoptr(GPtrArray) found = g_task_propagate_pointer (task, NULL);

  if (self == NULL || self->disposed || data->generation != self->generation)
    return;
  self->n_catching_up--;
  for (guint i = 0; found != NULL && i < found->len; i++)
    {
      VeilMessageGuardJob *job = found->pdata[i];

      g_debug ("Arrived while Veil was not running: %s", job->path);
      enqueue (self, job->path, job->folder_name);
    }
}

static void
start_catch_up (VeilMessageGuard *self,
                gint64            since_usec)
{
  g_autoptr(GTask) task = NULL;
  CatchUpData *data = g_new0 (CatchUpData, 1);

  data->folders = g_ptr_array_new_with_free_func (g_object_unref);
  data->names = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < self->folders->len; i++)
    {
      g_ptr_array_add (data->folders, g_object_ref (self->folders->pdata[i]));
      g_ptr_array_add (data->names, g_strdup (self->folder_names->pdata[i]));
    }
  data->store = g_object_ref (self->store);
  data->profile_id = veil_profile_get_id (self->profile);
  data->since_usec = since_usec;
  data->generation = self->generation;
  g_weak_ref_init (&data->guard, self);

  task = g_task_new (NULL, self->cancellable, catch_up_done_cb, NULL);
  g_task_set_source_tag (task, start_catch_up);
  g_task_set_task_data (task, data, (GDestroyNotify) catch_up_data_free);
  self->n_catching_up++;
  g_task_run_in_thread (task, catch_up_thread);
}

/* --- Starting and stopping ------------------------------------------------------------------ */

static void
stop_guarding (VeilMessageGuard *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  /* Results of work started before now are dropped when they come back. */
  self->generation++;
  self->n_running = 0;
  self->n_catching_up = 0;
  g_queue_clear_full (&self->queue, (GDestroyNotify) _veil_message_guard_job_free);
  g_hash_table_remove_all (self->active);

  if (self->watcher != NULL)
    g_signal_handlers_disconnect_by_data (self->watcher, self);
  g_clear_object (&self->watcher);
  g_clear_pointer (&self->folders, g_ptr_array_unref);
  g_clear_pointer (&self->folder_names, g_ptr_array_unref);
  g_clear_pointer (&self->profile, veil_profile_unref);
}

static gboolean
same_folders (GPtrArray *a,
              GPtrArray *b)
{
  if (a == NULL || b == NULL || a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    if (!g_file_equal (a->pdata[i], b->pdata[i]))
      return FALSE;
  return TRUE;
}

static gboolean
protection_active (VeilStore       *store,
                   VeilProfile     *profile,
                   VeilProtection   protection,
                   GError         **error)
{
  VeilProtectionStatus status = { 0, };

  if (!veil_store_get_protection_status (store, profile, protection, &status, error))
    return FALSE;
  return status.active;
}

/* "Hide warned images" is for younger children only: an older child's files are never moved. */
static gboolean
hides_warned (VeilProfile *profile)
{
  return veil_profile_get_hide_warned (profile) &&
         veil_profile_get_effective_age_band (profile) == VEIL_AGE_BAND_UNDER_13;
}

/* --- Object --------------------------------------------------------------------------------- */

static void
veil_message_guard_dispose (GObject *object)
{
  VeilMessageGuard *self = VEIL_MESSAGE_GUARD (object);

  self->disposed = TRUE;
  stop_guarding (self);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (veil_message_guard_parent_class)->dispose (object);
}

static void
veil_message_guard_finalize (GObject *object)
{
  VeilMessageGuard *self = VEIL_MESSAGE_GUARD (object);

  g_clear_pointer (&self->active, g_hash_table_unref);
  g_clear_object (&self->store);
  g_clear_object (&self->analyzer);
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (veil_message_guard_parent_class)->finalize (object);
}

static void
veil_message_guard_class_init (VeilMessageGuardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = veil_message_guard_dispose;
  object_class->finalize = veil_message_guard_finalize;

  /**
   * VeilMessageGuard::warned:
   * @alert_id: the new message alert
   * @path: where the picture arrived (it may since have been hidden)
   * @folder_name: the watched folder's display name, for the notification
   */
  signals[SIGNAL_WARNED] =
    g_signal_new ("warned", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_INT64, G_TYPE_STRING, G_TYPE_STRING);

  /**
   * VeilMessageGuard::analyzed:
   * @path: a picture that was analyzed
   * @sensitive: whether it raised a warning
   */
  signals[SIGNAL_ANALYZED] =
    g_signal_new ("analyzed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_BOOLEAN);

  /**
   * VeilMessageGuard::failed:
   * @path: a file that is not a picture at all (or vanished); it was left untouched and raised
   *   no alert. A picture Veil could not check (too large, damaged, too slow) is not a
   *   failure: it is recorded as not checked, and warned about under the profile's "blur" rule.
   * @message: why
   */
  signals[SIGNAL_FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
veil_message_guard_init (VeilMessageGuard *self)
{
  g_queue_init (&self->queue);
  self->active = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->cancellable = g_cancellable_new ();
  self->max_running = MAX (1, g_get_num_processors ());
  self->settle_ms = VEIL_WATCHER_DEFAULT_SETTLE_MS;
  self->context = g_main_context_ref_thread_default ();
}

/* --- Public API ----------------------------------------------------------------------------- */

/**
 * veil_message_guard_new:
 * @store: where alerts and analyzed files are kept
 * @analyzer: a thread-safe analyzer with the classifier to use
 *
 * Signals are emitted on the thread-default main context of the caller.
 *
 * Returns: (transfer full): a guard guarding nobody yet
 */
VeilMessageGuard *
veil_message_guard_new (VeilStore     *store,
                        VeilAnalyzer  *analyzer)
{
  VeilMessageGuard *self;

  g_return_val_if_fail (VEIL_IS_STORE (store), NULL);
  g_return_val_if_fail (VEIL_IS_ANALYZER (analyzer), NULL);

  self = g_object_new (VEIL_TYPE_MESSAGE_GUARD, NULL);
  self->store = g_object_ref (store);
  self->analyzer = g_object_ref (analyzer);
  return self;
}

/**
 * veil_message_guard_resolve_folders:
 * @profile: a profile
 *
 * The profile's attachment folders or, when it has none, Veil's defaults in this session.
 *
 * Returns: (transfer container) (element-type GFile): those of them that exist as folders
 */
GPtrArray *
veil_message_guard_resolve_folders (VeilProfile *profile)
{
  const char * const *paths;
  GPtrArray *folders;

  g_return_val_if_fail (profile != NULL, NULL);

  paths = veil_profile_get_message_folders (profile);
  if (paths == NULL || paths[0] == NULL)
    return veil_watcher_default_folders ();

  folders = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; paths[i] != NULL; i++)
    {
      if (g_file_test (paths[i], G_FILE_TEST_IS_DIR))
        g_ptr_array_add (folders, g_file_new_for_path (paths[i]));
    }
  return folders;
}

/**
 * veil_message_guard_set_profile:
 * @profile: (nullable): the profile to guard, or %NULL to stop
 *
 * Guards @profile's attachment folders while its message warnings are active (turned on by
 * the guardian and acknowledged by the child); otherwise stops watching and drops work in
 * flight (those files are caught up on the next start). Pictures that arrived since the
 * protection was first active here and were not analyzed yet are analyzed now. Setting the
 * same profile again with the same folders keeps watching and takes the new settings.
 *
 * Returns: %FALSE with @error set when the profile cannot be guarded (no folder to watch, or
 *   the store could not be read)
 */
gboolean
veil_message_guard_set_profile (VeilMessageGuard  *self,
                                VeilProfile       *profile,
                                GError           **error)
{
  VeilStore *store;
  g_autoptr(GPtrArray) folders = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(VeilWatcher) watcher = NULL;
  gboolean tell_guardian;
  gint64 since;

  g_return_val_if_fail (VEIL_IS_MESSAGE_GUARD (self), FALSE);
  g_return_val_if_fail (!self->disposed, FALSE);

  store = self->store;
  if (profile == NULL)
    {
      stop_guarding (self);
      return TRUE;
    }
  {
    g_autoptr(GError) local_error = NULL;

    if (!protection_active (store, profile, VEIL_PROTECTION_MESSAGE_WARNINGS, &local_error))
      {
        stop_guarding (self);
        if (local_error != NULL)
          {
            g_propagate_error (error, g_steal_pointer (&local_error));
            return FALSE;
          }
        return TRUE;
      }
  }

  folders = veil_message_guard_resolve_folders (profile);
  if (folders->len == 0)
    {
      stop_guarding (self);
      g_set_error_literal (error, VEIL_MESSAGE_GUARD_ERROR, VEIL_MESSAGE_GUARD_ERROR_NO_FOLDER,
                           _("None of the folders to watch for pictures exists. Choose existing folders in the child’s profile."));
      return FALSE;
    }

  /* Only when the child was told that the guardian hears of warnings does the guardian. */
  tell_guardian = FALSE;
  if (veil_profile_get_notify (profile) == VEIL_NOTIFY_GUARDIAN)
    {
      g_autoptr(GError) local_error = NULL;

      tell_guardian = protection_active (store, profile, VEIL_PROTECTION_GUARDIAN_ALERTS, &local_error);
      if (local_error != NULL)
        {
          stop_guarding (self);
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }

  if (!veil_analyzer_load_lists (self->analyzer, self->store, veil_profile_get_id (profile), error))
    {
      stop_guarding (self);
      return FALSE;
    }

  /* Same profile, same folders: keep watching (files settling stay so) with the new settings. */
  if (self->profile != NULL && veil_profile_get_id (self->profile) == veil_profile_get_id (profile) &&
      same_folders (self->folders, folders))
    {
      g_clear_pointer (&self->profile, veil_profile_unref);
      self->profile = veil_profile_ref (profile);
      self->tell_guardian = tell_guardian;
      self->hide = hides_warned (profile);
      return TRUE;
    }

  stop_guarding (self);

  since = veil_store_begin_message_watch (self->store, veil_profile_get_id (profile), error);
  if (since == 0)
    return FALSE;

  watcher = veil_watcher_new ();
  veil_watcher_set_settle_time (watcher, self->settle_ms);
  names = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < folders->len; )
    {
      g_autoptr(GError) local_error = NULL;

      if (!veil_watcher_add_folder (watcher, folders->pdata[i], &local_error))
        {
          g_debug ("Not watching a folder: %s", local_error->message);
          g_ptr_array_remove_index (folders, i);
          continue;
        }
      g_ptr_array_add (names, g_filename_display_basename (g_file_peek_path (folders->pdata[i])));
      i++;
    }
  if (folders->len == 0)
    {
      g_set_error_literal (error, VEIL_MESSAGE_GUARD_ERROR, VEIL_MESSAGE_GUARD_ERROR_NO_FOLDER,
                           _("Veil cannot watch the folders for pictures. Check that they can be read, or choose other folders in the child’s profile."));
      return FALSE;
    }

  self->profile = veil_profile_ref (profile);
  self->tell_guardian = tell_guardian;
  self->hide = hides_warned (profile);
  self->folders = g_steal_pointer (&folders);
  self->folder_names = g_steal_pointer (&names);
  self->watcher = g_steal_pointer (&watcher);
  g_signal_connect (self->watcher, "file-ready", G_CALLBACK (file_ready_cb), self);

  start_catch_up (self, since);
  return TRUE;
}

/* Returns: (transfer none) (nullable): the profile being guarded */
VeilProfile *
veil_message_guard_get_profile (VeilMessageGuard *self)
{
  g_return_val_if_fail (VEIL_IS_MESSAGE_GUARD (self), NULL);
  return self->profile;
}

/* Returns: (transfer container) (element-type GFile): the folders being watched */
GPtrArray *
veil_message_guard_list_folders (VeilMessageGuard *self)
{
  GPtrArray *folders;

  g_return_val_if_fail (VEIL_IS_MESSAGE_GUARD (self), NULL);

  folders = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; self->folders != NULL && i < self->folders->len; i++)
    g_ptr_array_add (folders, g_object_ref (self->folders->pdata[i]));
  return folders;
}

/* How long a closed file must stay unchanged before it is analyzed (tests shorten it). */
void
veil_message_guard_set_settle_time (VeilMessageGuard *self,
                                    guint             milliseconds)
{
  g_return_if_fail (VEIL_IS_MESSAGE_GUARD (self));

  self->settle_ms = milliseconds;
  if (self->watcher != NULL)
    veil_watcher_set_settle_time (self->watcher, milliseconds);
}

/**
 * veil_message_guard_get_n_busy:
 *
 * Returns: files waiting to settle, waiting for a worker or being analyzed, plus folder
 *   look-ups still catching up; 0 when the guard is idle
 */
guint
veil_message_guard_get_n_busy (VeilMessageGuard *self)
{
  g_return_val_if_fail (VEIL_IS_MESSAGE_GUARD (self), 0);

  return (self->watcher != NULL ? veil_watcher_get_n_pending (self->watcher) : 0) +
         g_queue_get_length (&self->queue) + self->n_running + self->n_catching_up;
}
