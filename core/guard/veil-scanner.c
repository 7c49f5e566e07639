/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-scanner"

#include "config.h"

#include <errno.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "veil-enum-private.h"
#include "veil-scanner-private.h"

#include "veil-consent.h"

/* VeilScanner: walks a profile's folders on one thread, looks each picture up in the scan
 * cache there (an unchanged file costs one stat and one indexed query), and hands the others
 * to a pool of workers, one per core, that decode and analyse them at low CPU and I/O
 * priority. Each worker saves its file's results in one transaction as soon as they exist,
 * so a killed scan loses nothing finished and the next scan resumes where it stopped. */

#define MAX_SKIPPED_EXAMPLES 100
#define PROGRESS_INTERVAL_MS 200

/* Everything one scan shares between the walker, the workers and the main thread. */
typedef struct {
  gatomicrefcount      ref_count;

  /* set before the scan starts, then read-only */
  VeilAnalyzer        *analyzer;
  VeilStore           *store;
  VeilProfile         *profile;
  GCancellable        *cancellable;
  char               **folders;
  guint                n_workers;
  VeilScannerFileHook  hook;
  gpointer             hook_data;
  gint64               started;         /* monotonic, µs */

  /* under lock */
  GMutex               lock;
  GCond                cond;
  gboolean             paused;
  gboolean             power_saver;
  GPtrArray           *examples;        /* of char* */

  /* atomic */
  gint                 n_seen;
  gint                 n_done;
  gint                 n_analyzed;
  gint                 n_cached;
  gint                 n_matched;
  gint                 n_flagged;
  gint                 n_new_alerts;
  gint                 skipped[VEIL_SCAN_N_SKIP_REASONS];

  /* walker thread only */
  GHashTable          *visited_dirs;    /* "dev:inode" */
  GHashTable          *visited_files;   /* "dev:inode" */
} Job;

typedef struct {
  char          *path;
  VeilFileStamp  stamp;
} WorkItem;

struct _VeilScanner
{
  GObject parent_instance;

  /* construct-only */
  VeilAnalyzer        *analyzer;
  VeilStore           *store;
  VeilProfile         *profile;

  VeilScannerState     state;
  guint                n_workers;
  Job                 *job;              /* owned while a scan runs */
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
G_DEFINE_BOXED_TYPE (VeilScanSummary, veil_scan_summary, veil_scan_summary_copy, veil_scan_summary_free)

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

static const char *image_extensions[] = {
  "jpg", "jpeg", "jpe", "jfif", "png", "webp", "gif", "tif", "tiff", "bmp", "heic", "heif", "avif",
};

/* --- Summaries ------------------------------------------------------------------------------ */

/* The text of a reason is its nick in veil-enums.h: what the scan store keeps. */
const char *
veil_scan_skip_to_string (VeilScanSkip reason)
{
  g_return_val_if_fail (reason < VEIL_SCAN_N_SKIP_REASONS, "other");
  return _veil_enum_get_nick (VEIL_TYPE_SCAN_SKIP, reason);
}

static VeilScanSkip
skip_from_string (const char *text)
{
  int value;

  return _veil_enum_from_nick (VEIL_TYPE_SCAN_SKIP, text, &value) ? (VeilScanSkip) value : VEIL_SCAN_SKIP_OTHER;
}

/* Returns: a short translated phrase for @reason */
const char *
veil_scan_skip_get_label (VeilScanSkip reason)
{
  switch (reason)
    {
    case VEIL_SCAN_SKIP_UNREADABLE_FOLDER:
      return _("folder could not be opened");
    case VEIL_SCAN_SKIP_UNREADABLE_FILE:
      return _("file could not be read");
    case VEIL_SCAN_SKIP_SYMLINK_LOOP:
      return _("link back to a folder already scanned");
    case VEIL_SCAN_SKIP_NOT_AN_IMAGE:
      return _("not a picture Veil can read");
    case VEIL_SCAN_SKIP_DAMAGED:
      return _("damaged picture");
    case VEIL_SCAN_SKIP_TOO_LARGE:
      return _("picture too large");
    case VEIL_SCAN_SKIP_OTHER:
    default:
      return _("other problem");
    }
}

VeilScanSummary *
veil_scan_summary_copy (const VeilScanSummary *summary)
{
  VeilScanSummary *copy = g_new0 (VeilScanSummary, 1);

  *copy = *summary;
  copy->skipped_examples = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; summary->skipped_examples != NULL && i < summary->skipped_examples->len; i++)
    g_ptr_array_add (copy->skipped_examples, g_strdup (g_ptr_array_index (summary->skipped_examples, i)));
  return copy;
}

void
veil_scan_summary_free (VeilScanSummary *summary)
{
  if (summary == NULL)
    return;
  g_clear_pointer (&summary->skipped_examples, g_ptr_array_unref);
  g_free (summary);
}

/* Returns: (transfer full): the summary as JSON (what `veilctl scan --json` prints) */
char *
veil_scan_summary_to_json (const VeilScanSummary *s)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  const struct { const char *name; guint value; } counts[] = {
    { "seen", s->n_seen }, { "analyzed", s->n_analyzed }, { "cached", s->n_cached },
    { "skipped", s->n_skipped }, { "matched", s->n_matched }, { "flagged", s->n_flagged },
    { "new-alerts", s->n_new_alerts }, { "held", s->n_held }, { "told", s->n_told },
  };

  g_return_val_if_fail (s != NULL, NULL);

  json_builder_begin_object (b);
  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      json_builder_set_member_name (b, counts[i].name);
      json_builder_add_int_value (b, counts[i].value);
    }
  json_builder_set_member_name (b, "skipped-reasons");
  json_builder_begin_object (b);
  for (guint i = 0; i < VEIL_SCAN_N_SKIP_REASONS; i++)
    {
      json_builder_set_member_name (b, veil_scan_skip_to_string (i));
      json_builder_add_int_value (b, s->skipped[i]);
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "skipped-files");
  json_builder_begin_array (b);
  for (guint i = 0; s->skipped_examples != NULL && i < s->skipped_examples->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (s->skipped_examples, i));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "elapsed");
  json_builder_add_double_value (b, s->elapsed);
  json_builder_set_member_name (b, "resumed");
  json_builder_add_boolean_value (b, s->resumed);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  return json_to_string (root, TRUE);
}

/* --- Jobs ----------------------------------------------------------------------------------- */

static Job *
job_ref (Job *job)
{
  g_atomic_ref_count_inc (&job->ref_count);
  return job;
}

static void
job_unref (Job *job)
{
  if (!g_atomic_ref_count_dec (&job->ref_count))
    return;
  g_clear_object (&job->analyzer);
  g_clear_object (&job->store);
  g_clear_pointer (&job->profile, veil_profile_unref);
  g_clear_object (&job->cancellable);
  g_strfreev (job->folders);
  g_mutex_clear (&job->lock);
  g_cond_clear (&job->cond);
  g_clear_pointer (&job->examples, g_ptr_array_unref);
  g_clear_pointer (&job->visited_dirs, g_hash_table_unref);
  g_clear_pointer (&job->visited_files, g_hash_table_unref);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Job, job_unref)

static void
work_item_free (WorkItem *item)
{
  g_free (item->path);
  g_free (item);
}

static void
job_skip (Job          *job,
          VeilScanSkip  reason,
          const char   *path)
{
  g_atomic_int_inc (&job->skipped[reason]);
  g_debug ("Skipped %s: %s", path, veil_scan_skip_to_string (reason));
  g_mutex_lock (&job->lock);
  if (job->examples->len < MAX_SKIPPED_EXAMPLES)
    g_ptr_array_add (job->examples, g_strdup_printf ("%s: %s", veil_scan_skip_to_string (reason), path));
  g_mutex_unlock (&job->lock);
}

static void
job_count_verdict (Job         *job,
                   VeilVerdict *verdict)
{
  if (!veil_verdict_get_sensitive (verdict))
    return;
  if (veil_verdict_has_signal (verdict, VEIL_SIGNAL_HASH_LIST) ||
      veil_verdict_has_signal (verdict, VEIL_SIGNAL_PROTECTED_IMAGE))
    g_atomic_int_inc (&job->n_matched);
  if (veil_verdict_has_signal (verdict, VEIL_SIGNAL_CLASSIFIER))
    g_atomic_int_inc (&job->n_flagged);
}

/* Blocks while the scan is paused (by the guardian or by power-saver mode). */
static void
job_wait_while_paused (Job *job)
{
  g_mutex_lock (&job->lock);
  while ((job->paused || job->power_saver) && !g_cancellable_is_cancelled (job->cancellable))
    g_cond_wait_until (&job->cond, &job->lock, g_get_monotonic_time () + 100 * G_TIME_SPAN_MILLISECOND);
  g_mutex_unlock (&job->lock);
}

static VeilScanSkip
skip_for_error (const GError *error)
{
  if (error->domain == VEIL_IMAGE_ERROR)
    switch (error->code)
      {
      case VEIL_IMAGE_ERROR_NOT_FOUND:
      case VEIL_IMAGE_ERROR_UNREADABLE:
        return VEIL_SCAN_SKIP_UNREADABLE_FILE;
      case VEIL_IMAGE_ERROR_NOT_AN_IMAGE:
      case VEIL_IMAGE_ERROR_UNSUPPORTED:
      case VEIL_IMAGE_ERROR_NOT_A_FILE:
        return VEIL_SCAN_SKIP_NOT_AN_IMAGE;
      case VEIL_IMAGE_ERROR_CORRUPT:
      case VEIL_IMAGE_ERROR_EMPTY:
      case VEIL_IMAGE_ERROR_TOO_SMALL:
        return VEIL_SCAN_SKIP_DAMAGED;
      case VEIL_IMAGE_ERROR_FILE_TOO_LARGE:
      case VEIL_IMAGE_ERROR_TOO_MANY_PIXELS:
      case VEIL_IMAGE_ERROR_TIMEOUT:
        return VEIL_SCAN_SKIP_TOO_LARGE;
      default:
        break;
      }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
    return VEIL_SCAN_SKIP_UNREADABLE_FILE;
  return VEIL_SCAN_SKIP_OTHER;
}

/* Scans are background work: the family is using this computer. Linux sets nice and the I/O
 * class per thread, and the pool's threads are the scan's own. */
static void
lower_thread_priority (void)
{
  static GPrivate done;
  pid_t tid;

  if (g_private_get (&done) != NULL)
    return;
  g_private_set (&done, GINT_TO_POINTER (1));

  tid = (pid_t) syscall (SYS_gettid);
  if (setpriority (PRIO_PROCESS, (id_t) tid, 10) != 0)
    g_debug ("Could not lower the scan thread's priority: %s", g_strerror (errno));
#ifdef SYS_ioprio_set
  /* IOPRIO_WHO_PROCESS = 1, IOPRIO_CLASS_IDLE = 3 shifted by IOPRIO_CLASS_SHIFT = 13 */
  if (syscall (SYS_ioprio_set, 1, (int) tid, 3 << 13) != 0)
    g_debug ("Could not move the scan thread to idle I/O: %s", g_strerror (errno));
#endif
}

static void
analyze_item (gpointer data,
              gpointer user_data)
{
  WorkItem *item = data;
  Job *job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilVerdict) verdict = NULL;
  g_autoptr(VeilClassifierResult) scores = NULL;
  g_autoptr(GBytes) thumbnail = NULL;
  const char *classifier_id = veil_analyzer_get_classifier_id (job->analyzer);
  gboolean new_alert = FALSE;

  lower_thread_priority ();
  job_wait_while_paused (job);
  if (g_cancellable_is_cancelled (job->cancellable))
    goto out;

  verdict = veil_analyzer_analyze_file (job->analyzer, item->path, job->profile, &scores, &thumbnail,
                                        job->cancellable, &error);
  if (verdict == NULL)
    {
      VeilScanSkip reason;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        goto out;
      reason = skip_for_error (error);
      g_debug ("%s: %s", item->path, error->message);
      g_clear_error (&error);
      /* Remembered, so that a rescan skips the same damaged file without decoding it. */
      if (!veil_store_record_file (job->store, item->path, &item->stamp, classifier_id, NULL, NULL,
                                   veil_scan_skip_to_string (reason), NULL, NULL, NULL, NULL, &error))
        g_debug ("Could not remember %s: %s", item->path, error->message);
      job_skip (job, reason, item->path);
    }
  else if (!veil_store_record_file (job->store, item->path, &item->stamp, classifier_id, verdict,
                                    scores, NULL, job->profile, thumbnail, &new_alert, NULL, &error))
    {
      g_debug ("Could not save the results for %s: %s", item->path, error->message);
      job_skip (job, VEIL_SCAN_SKIP_OTHER, item->path);
    }
  else
    {
      job_count_verdict (job, verdict);
      g_atomic_int_inc (&job->n_analyzed);
      if (new_alert)
        g_atomic_int_inc (&job->n_new_alerts);
    }
  g_atomic_int_inc (&job->n_done);
  if (job->hook != NULL)
    job->hook (item->path, job->hook_data);

out:
  work_item_free (item);
}

static gboolean
is_image_name (const char *name)
{
  const char *dot = strrchr (name, '.');

  if (dot == NULL || dot[1] == '\0')
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (image_extensions); i++)
    if (g_ascii_strcasecmp (dot + 1, image_extensions[i]) == 0)
      return TRUE;
  return FALSE;
}

static char *
file_key (GFileInfo *info)
{
  return g_strdup_printf ("%u:%" G_GUINT64_FORMAT,
                          g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_UNIX_DEVICE),
                          g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_UNIX_INODE));
}

/* On the walker thread: an unchanged file is judged from the cache; others go to a worker. */
static void
handle_file (Job         *job,
             GThreadPool *pool,
             const char  *path,
             GFileInfo   *info)
{
  g_auto(VeilScanCacheEntry) entry = { 0, };
  VeilFileStamp stamp = { 0, };
  WorkItem *item;
  g_autofree char *key = file_key (info);

  /* Hard links and links to files: one picture is analysed once. */
  if (!g_hash_table_add (job->visited_files, g_steal_pointer (&key)))
    return;
  g_atomic_int_inc (&job->n_seen);

  if (g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_ACCESS_CAN_READ) &&
      !g_file_info_get_attribute_boolean (info, G_FILE_ATTRIBUTE_ACCESS_CAN_READ))
    {
      job_skip (job, VEIL_SCAN_SKIP_UNREADABLE_FILE, path);
      g_atomic_int_inc (&job->n_done);
      return;
    }

  stamp.device = g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_UNIX_DEVICE);
  stamp.inode = g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_UNIX_INODE);
  stamp.size = (guint64) g_file_info_get_size (info);
  stamp.mtime_ns = (gint64) g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED) * G_GINT64_CONSTANT (1000000000) +
                   (gint64) g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED_NSEC);

  if (veil_store_lookup_file (job->store, path, &stamp, veil_analyzer_get_classifier_id (job->analyzer), &entry))
    {
      g_autoptr(VeilVerdict) verdict = NULL;

      if (entry.error != NULL)
        {
          job_skip (job, skip_from_string (entry.error), path);
          g_atomic_int_inc (&job->n_done);
          return;
        }
      /* The policy, lists and exceptions may have changed since: judge the figures again. */
      verdict = veil_analyzer_evaluate (job->analyzer, job->profile, entry.has_hash ? &entry.hash : NULL,
                                        entry.quality, entry.scores);
      /* A newly sensitive picture needs its blurred thumbnail: that means decoding it. */
      if (!veil_verdict_get_sensitive (verdict) ||
          (entry.has_hash && veil_store_has_alert (job->store, veil_profile_get_id (job->profile), &entry.hash)))
        {
          job_count_verdict (job, verdict);
          g_atomic_int_inc (&job->n_cached);
          g_atomic_int_inc (&job->n_done);
          return;
        }
    }

  item = g_new0 (WorkItem, 1);
  item->path = g_strdup (path);
  item->stamp = stamp;
  g_thread_pool_push (pool, item, NULL);
}

#define WALK_ATTRIBUTES \
  G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE "," \
  G_FILE_ATTRIBUTE_STANDARD_IS_SYMLINK "," G_FILE_ATTRIBUTE_STANDARD_SIZE "," \
  G_FILE_ATTRIBUTE_UNIX_DEVICE "," G_FILE_ATTRIBUTE_UNIX_INODE "," \
  G_FILE_ATTRIBUTE_TIME_MODIFIED "," G_FILE_ATTRIBUTE_TIME_MODIFIED_NSEC "," \
  G_FILE_ATTRIBUTE_ACCESS_CAN_READ

/* Walks @root without recursion; links are followed, but a folder already visited (a link
 * back to a parent, a loop of links) is never entered twice. */
static void
walk (Job         *job,
      GThreadPool *pool,
      const char  *root)
{
  g_autoptr(GQueue) pending = g_queue_new ();
  g_autoptr(GFile) root_file = g_file_new_for_path (root);
  g_autoptr(GFileInfo) root_info = NULL;
  g_autoptr(GError) error = NULL;
  GFile *dir;

  root_info = g_file_query_info (root_file, WALK_ATTRIBUTES, G_FILE_QUERY_INFO_NONE, job->cancellable, &error);
  if (root_info == NULL || g_file_info_get_file_type (root_info) != G_FILE_TYPE_DIRECTORY)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        job_skip (job, VEIL_SCAN_SKIP_UNREADABLE_FOLDER, root);
      return;
    }
  if (!g_hash_table_add (job->visited_dirs, file_key (root_info)))
    return;
  g_queue_push_tail (pending, g_steal_pointer (&root_file));

  while ((dir = g_queue_pop_head (pending)) != NULL)
    {
      g_autoptr(GFile) current = dir;
      g_autoptr(GFileEnumerator) children = NULL;
      g_autofree char *dir_path = g_file_get_path (current);
      GFileInfo *info;

      if (g_cancellable_is_cancelled (job->cancellable))
        break;
      job_wait_while_paused (job);

      children = g_file_enumerate_children (current, WALK_ATTRIBUTES, G_FILE_QUERY_INFO_NONE,
                                            job->cancellable, &error);
      if (children == NULL)
        {
          if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            job_skip (job, VEIL_SCAN_SKIP_UNREADABLE_FOLDER, dir_path);
          g_clear_error (&error);
          continue;
        }

      while (g_file_enumerator_iterate (children, &info, NULL, job->cancellable, &error) && info != NULL)
        {
          g_autofree char *path = g_build_filename (dir_path, g_file_info_get_name (info), NULL);

          switch (g_file_info_get_file_type (info))
            {
            case G_FILE_TYPE_DIRECTORY:
              if (!g_hash_table_add (job->visited_dirs, file_key (info)))
                {
                  if (g_file_info_get_is_symlink (info))
                    job_skip (job, VEIL_SCAN_SKIP_SYMLINK_LOOP, path);
                }
              else
                g_queue_push_tail (pending, g_file_new_for_path (path));
              break;
            case G_FILE_TYPE_REGULAR:
              if (is_image_name (path))
                handle_file (job, pool, path, info);
              break;
            case G_FILE_TYPE_SYMBOLIC_LINK:
              /* Followed but still a link: it points nowhere (or loops onto itself). */
              if (is_image_name (path))
                job_skip (job, VEIL_SCAN_SKIP_UNREADABLE_FILE, path);
              break;
            default:
              break;
            }
        }
      if (error != NULL)
        {
          if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            job_skip (job, VEIL_SCAN_SKIP_UNREADABLE_FOLDER, dir_path);
          g_clear_error (&error);
        }
    }
  g_queue_free_full (g_steal_pointer (&pending), g_object_unref);
}

/* Runs the whole scan on the calling thread (with the worker pool). */
static VeilScanSummary *
run_scan (Job     *job,
          GError **error)
{
  g_autoptr(VeilScanSummary) summary = g_new0 (VeilScanSummary, 1);
  g_autofree char *json = NULL;
  g_autofree char *folders = NULL;
  g_autofree char *detail = NULL;
  GThreadPool *pool;
  gint64 run_id, profile_id = veil_profile_get_id (job->profile);
  gboolean resumed = FALSE;

  run_id = veil_store_begin_run (job->store, profile_id, &resumed, error);
  if (run_id == 0)
    return NULL;

  pool = g_thread_pool_new (analyze_item, job, (int) job->n_workers, TRUE, error);
  if (pool == NULL)
    return NULL;
  for (guint i = 0; job->folders[i] != NULL && !g_cancellable_is_cancelled (job->cancellable); i++)
    walk (job, pool, job->folders[i]);
  /* Waits for the queued files; after a cancel the workers drop them at once. */
  g_thread_pool_free (pool, FALSE, TRUE);

  /* The run stays unfinished: the next scan reports that it resumed this one. */
  if (g_cancellable_set_error_if_cancelled (job->cancellable, error))
    return NULL;

  summary->n_seen = (guint) g_atomic_int_get (&job->n_seen);
  summary->n_analyzed = (guint) g_atomic_int_get (&job->n_analyzed);
  summary->n_cached = (guint) g_atomic_int_get (&job->n_cached);
  for (guint i = 0; i < VEIL_SCAN_N_SKIP_REASONS; i++)
    {
      summary->skipped[i] = (guint) g_atomic_int_get (&job->skipped[i]);
      summary->n_skipped += summary->skipped[i];
    }
  summary->n_matched = (guint) g_atomic_int_get (&job->n_matched);
  summary->n_flagged = (guint) g_atomic_int_get (&job->n_flagged);
  summary->n_new_alerts = (guint) g_atomic_int_get (&job->n_new_alerts);
  summary->n_held = veil_store_count_alerts_in_state (job->store, profile_id, VEIL_ALERT_STATE_HELD);
  summary->n_told = veil_store_count_alerts_in_state (job->store, profile_id, VEIL_ALERT_STATE_TOLD);
  summary->elapsed = (g_get_monotonic_time () - job->started) / (double) G_USEC_PER_SEC;
  summary->resumed = resumed;
  g_mutex_lock (&job->lock);
  summary->skipped_examples = g_ptr_array_ref (job->examples);
  g_mutex_unlock (&job->lock);

  json = veil_scan_summary_to_json (summary);
  folders = g_strjoinv (", ", job->folders);
  /* Translators: audit detail of a folder check: folder, files looked at */
  detail = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s, %u picture looked at", "%s, %u pictures looked at",
                                         summary->n_seen), folders, summary->n_seen);
  if (!veil_store_finish_run (job->store, run_id, json, error) ||
      /* What the child's transparency page shows: that a scan ran, with counts only. */
      !veil_store_add_audit (job->store, profile_id, VEIL_ACTOR_VEIL, "scan", detail, error))
    return NULL;

  return g_steal_pointer (&summary);
}

static void
scan_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Job *job = task_data;
  GError *error = NULL;
  VeilScanSummary *summary = run_scan (job, &error);

  if (summary == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, summary, (GDestroyNotify) veil_scan_summary_free);
}

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
  Job *job = self->job;
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

  g_clear_pointer (&self->job, job_unref);
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

static Job *
prepare_job (VeilScanner         *self,
             const char * const  *folders,
             GCancellable        *cancellable,
             GError             **error)
{
  VeilProtectionStatus status = { 0, };
  VeilStore *store = self->store;
  Job *job;

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

  job = g_new0 (Job, 1);
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
  g_clear_pointer (&self->job, job_unref);
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
  Job *job;

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
  g_task_set_task_data (inner, job_ref (job), (GDestroyNotify) job_unref);
  g_task_set_return_on_cancel (inner, FALSE);
  g_task_run_in_thread (inner, scan_thread);
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
  g_autoptr(Job) job = NULL;

  g_return_val_if_fail (VEIL_IS_SCANNER (self), NULL);

  job = prepare_job (self, folders, cancellable, error);
  if (job == NULL)
    return NULL;
  return run_scan (job, error);
}
