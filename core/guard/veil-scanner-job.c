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

/* The scan itself, on its own thread: the pool of workers that decode and analyse the
 * pictures the walker hands them, the counts they keep, and the summary a finished run
 * records. */

#define MAX_SKIPPED_EXAMPLES 100

G_DEFINE_BOXED_TYPE (VeilScanSummary, veil_scan_summary, veil_scan_summary_copy, veil_scan_summary_free)

/* --- Summaries ------------------------------------------------------------------------------ */

/* The text of a reason is its nick in veil-enums.h: what the scan store keeps. */
const char *
veil_scan_skip_to_string (VeilScanSkip reason)
{
  g_return_val_if_fail (reason < VEIL_SCAN_N_SKIP_REASONS, "other");
  return _veil_enum_get_nick (VEIL_TYPE_SCAN_SKIP, reason);
}

VeilScanSkip
_veil_scanner_skip_from_string (const char *text)
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
    { "unchecked", s->n_unchecked },
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

VeilScannerJob *
_veil_scanner_job_ref (VeilScannerJob *job)
{
  g_atomic_ref_count_inc (&job->ref_count);
  return job;
}

void
_veil_scanner_job_unref (VeilScannerJob *job)
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

static void
work_item_free (VeilScannerWorkItem *item)
{
  g_free (item->path);
  g_free (item);
}

void
_veil_scanner_job_skip (VeilScannerJob *job,
                        VeilScanSkip    reason,
                        const char     *path)
{
  g_atomic_int_inc (&job->skipped[reason]);
  g_debug ("Skipped %s: %s", path, veil_scan_skip_to_string (reason));
  g_mutex_lock (&job->lock);
  if (job->examples->len < MAX_SKIPPED_EXAMPLES)
    g_ptr_array_add (job->examples, g_strdup_printf ("%s: %s", veil_scan_skip_to_string (reason), path));
  g_mutex_unlock (&job->lock);
}

void
_veil_scanner_job_count_verdict (VeilScannerJob *job,
                                 VeilVerdict    *verdict)
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
void
_veil_scanner_job_wait_while_paused (VeilScannerJob *job)
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
  /* The analysis worker overran its deadline on this file, or died of it. */
  if (g_error_matches (error, VEIL_WORKER_ERROR, VEIL_WORKER_ERROR_TIMEOUT))
    return VEIL_SCAN_SKIP_TOO_LARGE;
  if (g_error_matches (error, VEIL_WORKER_ERROR, VEIL_WORKER_ERROR_CRASHED))
    return VEIL_SCAN_SKIP_DAMAGED;
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

/* The skip reason a could-not-check verdict counts under in the summary. */
static VeilScanSkip
skip_for_cause (VeilUncheckedCause cause)
{
  switch (cause)
    {
    case VEIL_UNCHECKED_TOO_LARGE:
    case VEIL_UNCHECKED_TOO_SLOW:
      return VEIL_SCAN_SKIP_TOO_LARGE;
    case VEIL_UNCHECKED_DAMAGED:
      return VEIL_SCAN_SKIP_DAMAGED;
    case VEIL_UNCHECKED_UNREADABLE:
      return VEIL_SCAN_SKIP_UNREADABLE_FILE;
    case VEIL_UNCHECKED_WORKER_CRASHED:
    case VEIL_UNCHECKED_MODEL_MISSING:
    default:
      return VEIL_SCAN_SKIP_OTHER;
    }
}

/* A file that is no picture at all (or vanished): skipped, and remembered so that a rescan
 * skips it without decoding it again. */
static void
skip_failed_item (VeilScannerJob      *job,
                  VeilScannerWorkItem *item,
                  const char          *classifier_id,
                  const GError        *failure)
{
  g_autoptr(GError) error = NULL;
  VeilScanSkip reason = skip_for_error (failure);

  g_debug ("%s: %s", item->path, failure->message);
  if (!veil_store_record_file (job->store, item->path, &item->stamp, classifier_id, NULL, NULL,
                               veil_scan_skip_to_string (reason), NULL, NULL, NULL, NULL, &error))
    g_debug ("Could not remember %s: %s", item->path, error->message);
  _veil_scanner_job_skip (job, reason, item->path);
}

/* A picture Veil could not check: listed for the guardian as not checked, counted as skipped
 * for its cause, and not cached, so the next scan tries it again. */
static void
list_unchecked_item (VeilScannerJob      *job,
                     VeilScannerWorkItem *item,
                     const char          *classifier_id,
                     VeilVerdict         *verdict,
                     VeilScanSkip         reason)
{
  g_autoptr(GError) error = NULL;
  gboolean new_alert = FALSE;

  g_debug ("Could not check %s", item->path);
  if (!veil_store_record_file (job->store, item->path, &item->stamp, classifier_id, verdict, NULL, NULL,
                               job->profile, NULL, &new_alert, NULL, &error))
    g_debug ("Could not list %s as not checked: %s", item->path, error->message);
  g_atomic_int_inc (&job->n_unchecked);
  if (new_alert)
    g_atomic_int_inc (&job->n_new_alerts);
  _veil_scanner_job_skip (job, reason, item->path);
}

void
_veil_scanner_analyze_item (gpointer data,
                            gpointer user_data)
{
  VeilScannerWorkItem *item = data;
  VeilScannerJob *job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilVerdict) verdict = NULL;
  g_autoptr(VeilClassifierResult) scores = NULL;
  g_autoptr(GBytes) thumbnail = NULL;
  const char *classifier_id = veil_analyzer_get_classifier_id (job->analyzer);
  gboolean new_alert = FALSE;

  lower_thread_priority ();
  _veil_scanner_job_wait_while_paused (job);
  if (g_cancellable_is_cancelled (job->cancellable))
    goto out;

  verdict = veil_analyzer_analyze_file_in_lane (job->analyzer, item->path, VEIL_WORKER_LANE_SCAN, job->profile,
                                                &scores, &thumbnail, job->cancellable, &error);
  if (verdict == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    goto out;

  /* The analyzer may report a picture it could not check as an error: it is the same answer. */
  if (verdict == NULL && !g_error_matches (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_NOT_FOUND))
    verdict = veil_verdict_new_unchecked_for_error (error);

  if (verdict == NULL)
    skip_failed_item (job, item, classifier_id, error);
  else if (veil_verdict_get_unchecked (verdict) && !veil_verdict_get_sensitive (verdict))
    list_unchecked_item (job, item, classifier_id, verdict,
                         error != NULL ? skip_for_error (error) : skip_for_cause (veil_verdict_get_unchecked_cause (verdict)));
  else if (!veil_store_record_file (job->store, item->path, &item->stamp, classifier_id, verdict,
                                    scores, NULL, job->profile, thumbnail, &new_alert, NULL, &error))
    {
      g_debug ("Could not save the results for %s: %s", item->path, error->message);
      _veil_scanner_job_skip (job, VEIL_SCAN_SKIP_OTHER, item->path);
    }
  else
    {
      _veil_scanner_job_count_verdict (job, verdict);
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

/* The counts of @job so far, with the profile's held and told alerts. */
VeilScanSummary *
_veil_scanner_summarize (VeilScannerJob *job)
{
  VeilScanSummary *summary = g_new0 (VeilScanSummary, 1);
  gint64 profile_id = veil_profile_get_id (job->profile);

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
  summary->n_unchecked = (guint) g_atomic_int_get (&job->n_unchecked);
  summary->n_held = veil_store_count_alerts_in_state (job->store, profile_id, VEIL_ALERT_STATE_HELD);
  summary->n_told = veil_store_count_alerts_in_state (job->store, profile_id, VEIL_ALERT_STATE_TOLD);
  summary->elapsed = (g_get_monotonic_time () - job->started) / (double) G_USEC_PER_SEC;
  g_mutex_lock (&job->lock);
  summary->skipped_examples = g_ptr_array_ref (job->examples);
  g_mutex_unlock (&job->lock);

  return summary;
}

/* Runs the whole scan on the calling thread (with the worker pool). */
VeilScanSummary *
_veil_scanner_run_scan (VeilScannerJob  *job,
                        GError         **error)
{
  g_autoptr(VeilScanSummary) summary = NULL;
  g_autofree char *json = NULL;
  g_autofree char *folders = NULL;
  g_autofree char *detail = NULL;
  GThreadPool *pool;
  gint64 run_id, profile_id = veil_profile_get_id (job->profile);
  gboolean resumed = FALSE;

  run_id = veil_store_begin_run (job->store, profile_id, &resumed, error);
  if (run_id == 0)
    return NULL;

  pool = g_thread_pool_new (_veil_scanner_analyze_item, job, (int) job->n_workers, TRUE, error);
  if (pool == NULL)
    return NULL;
  for (guint i = 0; job->folders[i] != NULL && !g_cancellable_is_cancelled (job->cancellable); i++)
    _veil_scanner_walk (job, pool, job->folders[i]);
  /* Waits for the queued files; after a cancel the workers drop them at once. */
  g_thread_pool_free (pool, FALSE, TRUE);

  /* The run stays unfinished: the next scan reports that it resumed this one. */
  if (g_cancellable_set_error_if_cancelled (job->cancellable, error))
    return NULL;

  summary = _veil_scanner_summarize (job);
  summary->resumed = resumed;
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

void
_veil_scanner_scan_thread (GTask        *task,
                           gpointer      source_object,
                           gpointer      task_data,
                           GCancellable *cancellable)
{
  VeilScannerJob *job = task_data;
  GError *error = NULL;
  VeilScanSummary *summary = _veil_scanner_run_scan (job, &error);

  if (summary == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, summary, (GDestroyNotify) veil_scan_summary_free);
}
