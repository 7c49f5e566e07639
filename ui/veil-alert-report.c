/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-alert-report"

#include "config.h"

#include "veil-alert-report.h"

/* What a child's report or help request about a message alert holds: where the picture came
 * from, why Veil blurred it and, for a report, the picture's fingerprint, read in a worker
 * thread from the file in place. Never the picture itself. */

/**
 * veil_alert_report_get_source_name:
 * @alert: a message alert
 *
 * Returns: (transfer full): where the picture came from, for people: the watched folder or
 *   app, else its folder's name
 */
char *
veil_alert_report_get_source_name (VeilAlert *alert)
{
  g_autofree char *dir = NULL;

  g_return_val_if_fail (alert != NULL, NULL);

  if (alert->folder != NULL && *alert->folder != '\0')
    return g_strdup (alert->folder);
  dir = g_path_get_dirname (alert->path);
  return g_path_get_basename (dir);
}

/**
 * veil_alert_report_new_builder:
 * @alert: the alert the child reports or asks help about
 * @kind: a report or a help request
 *
 * Returns: (transfer full): a builder with the time, the child as reporter, the source, the
 *   verdict and the file's name
 */
VeilReportBuilder *
veil_alert_report_new_builder (VeilAlert      *alert,
                               VeilReportKind  kind)
{
  VeilReportBuilder *builder;
  g_autofree char *source_name = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  g_return_val_if_fail (alert != NULL, NULL);

  builder = veil_report_builder_new ();
  source_name = veil_alert_report_get_source_name (alert);
  veil_report_builder_set_kind (builder, kind);
  veil_report_builder_set_time (builder, now);
  veil_report_builder_set_reporter (builder, VEIL_REPORTER_CHILD);
  veil_report_builder_set_source (builder, VEIL_REPORT_SOURCE_FOLDER, source_name);
  veil_report_builder_set_verdict (builder, alert->verdict);
  veil_report_builder_set_file_name (builder, alert->path);
  return builder;
}

typedef struct {
  VeilReportBuilder *builder;
  VeilAlert         *alert;
} ChecksumData;

static void
checksum_data_free (ChecksumData *data)
{
  g_clear_pointer (&data->builder, veil_report_builder_unref);
  g_clear_pointer (&data->alert, veil_alert_free);
  g_free (data);
}

static void
checksum_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  ChecksumData *data = task_data;
  VeilAlert *alert = data->alert;
  g_autoptr(GError) error = NULL;
  const char *paths[] = { alert->hidden_path, alert->path };

  /* Read in place, never copied: the report keeps only the fingerprint. */
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(GFile) file = NULL;

      if (paths[i] == NULL)
        continue;
      g_clear_error (&error);
      file = g_file_new_for_path (paths[i]);
      if (veil_report_builder_checksum_file (data->builder, file, cancellable, &error))
        {
          /* The name it arrived with, not the one Veil hides it under. */
          veil_report_builder_set_file_name (data->builder, alert->path);
          g_task_return_pointer (task, veil_report_builder_ref (data->builder),
                                 (GDestroyNotify) veil_report_builder_unref);
          return;
        }
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        break;
    }
  g_task_return_error (task, g_steal_pointer (&error));
}

/**
 * veil_alert_report_checksum_async:
 * @builder: the report being made
 * @alert: the alert it is about; the picture is where Veil hides it, or where it arrived
 * @cancellable: (nullable): a #GCancellable
 * @callback: called once the fingerprint is in @builder
 * @user_data: data for @callback
 *
 * Adds the picture's fingerprint to @builder in a worker thread.
 */
void
veil_alert_report_checksum_async (VeilReportBuilder   *builder,
                                  VeilAlert           *alert,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ChecksumData *data;

  g_return_if_fail (builder != NULL);
  g_return_if_fail (alert != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, veil_alert_report_checksum_async);
  data = g_new0 (ChecksumData, 1);
  data->builder = veil_report_builder_ref (builder);
  data->alert = veil_alert_copy (alert);
  g_task_set_task_data (task, data, (GDestroyNotify) checksum_data_free);
  g_task_run_in_thread (task, checksum_thread);
}

/**
 * veil_alert_report_checksum_finish:
 * @result: the result given to the callback
 * @error: set when the picture could not be read, naming why
 *
 * Returns: (transfer full): the builder, with the fingerprint, or %NULL
 */
VeilReportBuilder *
veil_alert_report_checksum_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, veil_alert_report_checksum_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
