/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-alert-report"

#include "config.h"

#include "veil-alert-report.h"

/* What a child's report or help request about a message alert holds: where the picture came
 * from, why Veil blurred it and, for a report, the picture's fingerprint, read in the
 * background (by libveil) from the file in place. Never the picture itself. */

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

static void
checksummed_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  VeilReportBuilder *builder = g_task_get_task_data (task);
  GError *error = NULL;

  if (veil_report_builder_checksum_first_file_finish (builder, result, &error))
    g_task_return_pointer (task, veil_report_builder_ref (builder), (GDestroyNotify) veil_report_builder_unref);
  else
    g_task_return_error (task, error);
}

/**
 * veil_alert_report_checksum_async:
 * @builder: the report being made
 * @alert: the alert it is about; the picture is where Veil hides it, or where it arrived
 * @cancellable: (nullable): a #GCancellable
 * @callback: called once the fingerprint is in @builder
 * @user_data: data for @callback
 *
 * Adds the picture's fingerprint to @builder in the background.
 */
void
veil_alert_report_checksum_async (VeilReportBuilder   *builder,
                                  VeilAlert           *alert,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  const char *paths[2];

  g_return_if_fail (builder != NULL);
  g_return_if_fail (alert != NULL);

  /* Read in place, never copied: the report keeps only the fingerprint, and the name the
   * picture arrived with, not the one Veil hides it under. */
  paths[0] = alert->hidden_path;
  paths[1] = alert->path;
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, veil_alert_report_checksum_async);
  g_task_set_task_data (task, veil_report_builder_ref (builder), (GDestroyNotify) veil_report_builder_unref);
  veil_report_builder_checksum_first_file_async (builder, paths, G_N_ELEMENTS (paths), alert->path, cancellable,
                                                 checksummed_cb, g_steal_pointer (&task));
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
