/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-message-guard"

#include "config.h"

#include "veil-message-guard-private.h"

/* The analysis of one picture on a worker thread: whether it is new, what the analyzer
 * says, and what is recorded (and, when asked, hidden) because of it. */

void
_veil_message_guard_job_free (VeilMessageGuardJob *job)
{
  if (job == NULL)
    return;
  g_free (job->path);
  g_free (job->folder_name);
  g_free (job);
}

void
_veil_message_guard_job_result_free (VeilMessageGuardJobResult *result)
{
  if (result == NULL)
    return;
  g_free (result->path);
  g_free (result->folder_name);
  g_free (result->failure);
  g_free (result);
}

void
_veil_message_guard_job_data_free (VeilMessageGuardJobData *data)
{
  _veil_message_guard_job_free (data->job);
  g_clear_object (&data->store);
  g_clear_object (&data->analyzer);
  g_clear_pointer (&data->profile, veil_profile_unref);
  g_weak_ref_clear (&data->guard);
  g_free (data);
}

/* Identifies the version of @path without reading it; FALSE when it is not a regular file. */
gboolean
_veil_message_guard_stamp_file (GFile         *file,
                                VeilFileStamp *stamp,
                                gint64        *out_changed_usec)
{
  g_autoptr(GFileInfo) info = NULL;
  gint64 mtime_usec, ctime_usec;

  /* NOFOLLOW: a symlink dropped into Downloads could point anywhere; it is not a download. */
  info = g_file_query_info (file,
                            G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                            G_FILE_ATTRIBUTE_TIME_MODIFIED "," G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC ","
                            G_FILE_ATTRIBUTE_TIME_CHANGED "," G_FILE_ATTRIBUTE_TIME_CHANGED_USEC ","
                            G_FILE_ATTRIBUTE_UNIX_DEVICE "," G_FILE_ATTRIBUTE_UNIX_INODE,
                            G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  if (info == NULL || g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    return FALSE;

  stamp->device = g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_UNIX_DEVICE);
  stamp->inode = g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_UNIX_INODE);
  stamp->size = (guint64) g_file_info_get_size (info);
  mtime_usec = (gint64) g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED) * G_USEC_PER_SEC +
               g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC);
  stamp->mtime_ns = mtime_usec * 1000;
  /* A picture moved in keeps its old modification time; the change time says when it came. */
  ctime_usec = (gint64) g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_CHANGED) * G_USEC_PER_SEC +
               g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_TIME_CHANGED_USEC);
  if (out_changed_usec != NULL)
    *out_changed_usec = MAX (mtime_usec, ctime_usec);
  return TRUE;
}

/* A picture Veil could not check is a verdict of its own. The analyzer may still report it
 * as an error: turn that into the verdict here, so both are handled alike. */
static VeilVerdict *
verdict_for_error (const GError *error)
{
  /* Gone before it could be read: there is no picture left to warn about. */
  if (g_error_matches (error, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_NOT_FOUND))
    return NULL;
  return veil_verdict_new_unchecked_for_error (error);
}

/* Records the alert a verdict raises and, when asked, hides the picture. A picture Veil could
 * not check is recorded either way, so it is listed as not checked; it is blurred (warned
 * about) only under the profile's "blur" rule. */
static void
record_alert (VeilMessageGuardJobData   *data,
              VeilMessageGuardJobResult *result,
              VeilVerdict               *verdict,
              GBytes                    *thumbnail)
{
  g_autoptr(GError) error = NULL;
  gboolean unchecked = veil_verdict_get_unchecked (verdict) && !veil_verdict_get_sensitive (verdict);

  result->sensitive = veil_verdict_get_sensitive (verdict);
  result->unchecked = unchecked;
  if (unchecked)
    result->sensitive = veil_profile_get_effective_unchecked_rule (data->profile) == VEIL_UNCHECKED_RULE_BLUR;
  if (!result->sensitive && !unchecked)
    return;

  /* A picture that could not be decoded has no blurred thumbnail: never keep one of it. */
  result->alert_id = veil_store_record_message_alert (data->store, data->profile, data->job->path,
                                                      data->job->folder_name, verdict,
                                                      unchecked ? NULL : thumbnail,
                                                      data->tell_guardian, &error);
  if (result->alert_id <= 0)
    {
      /* The child is still warned; only the alert view will have nothing to show. */
      g_debug ("Could not record the alert for %s: %s", data->job->path, error->message);
      return;
    }

  if (result->sensitive && data->hide)
    {
      g_autofree char *hidden = _veil_message_guard_hide_picture (data->job->path, result->alert_id, &error);

      if (hidden == NULL ||
          !veil_store_set_hidden_path (data->store, result->alert_id, hidden, &error))
        g_debug ("%s", error->message);
    }
}

void
_veil_message_guard_analyze_thread (GTask        *task,
                                    gpointer      source_object,
                                    gpointer      task_data,
                                    GCancellable *cancellable)
{
  VeilMessageGuardJobData *data = task_data;
  g_autoptr(VeilMessageGuardJobResult) result = g_new0 (VeilMessageGuardJobResult, 1);
  g_autoptr(GFile) file = g_file_new_for_path (data->job->path);
  g_autoptr(VeilVerdict) verdict = NULL;
  g_autoptr(GBytes) thumbnail = NULL;
  g_autoptr(GError) error = NULL;
  gint64 profile_id = veil_profile_get_id (data->profile);
  VeilFileStamp stamp = { 0, };

  result->path = g_strdup (data->job->path);
  result->folder_name = g_strdup (data->job->folder_name);

  /* Gone, replaced by something that is not a file, or seen before: nothing to do. */
  if (!_veil_message_guard_stamp_file (file, &stamp, NULL) ||
      veil_store_lookup_message_file (data->store, profile_id, data->job->path, &stamp))
    {
      result->skipped = TRUE;
      g_task_return_pointer (task, g_steal_pointer (&result), (GDestroyNotify) _veil_message_guard_job_result_free);
      return;
    }

  verdict = veil_analyzer_analyze_file_in_lane (data->analyzer, data->job->path, VEIL_WORKER_LANE_GUARD,
                                                data->profile, NULL, &thumbnail, cancellable, &error);
  /* Stopped half-way: not recorded, so the next start catches up on it. */
  if (g_cancellable_set_error_if_cancelled (cancellable, &error) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (verdict == NULL && (verdict = verdict_for_error (error)) != NULL)
    {
      g_debug ("Could not check %s: %s", data->job->path, error->message);
      g_clear_error (&error);
    }

  if (!veil_store_record_message_file (data->store, profile_id, data->job->path, &stamp,
                                       verdict == NULL ? NULL : &error))
    g_debug ("Could not remember %s as analyzed: %s", data->job->path, error != NULL ? error->message : "");

  /* Not a picture at all (or gone): nothing to warn about. */
  if (verdict == NULL)
    {
      result->failure = g_strdup (error->message);
      g_task_return_pointer (task, g_steal_pointer (&result), (GDestroyNotify) _veil_message_guard_job_result_free);
      return;
    }

  record_alert (data, result, verdict, thumbnail);
  g_task_return_pointer (task, g_steal_pointer (&result), (GDestroyNotify) _veil_message_guard_job_result_free);
}
