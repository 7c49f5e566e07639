/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "veil.h"

G_BEGIN_DECLS

/* The child's report or help request about one message alert, made for the alert view. */

char              *veil_alert_report_get_source_name (VeilAlert           *alert);
VeilReportBuilder *veil_alert_report_new_builder     (VeilAlert           *alert,
                                                      VeilReportKind       kind);
void               veil_alert_report_checksum_async  (VeilReportBuilder   *builder,
                                                      VeilAlert           *alert,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
VeilReportBuilder *veil_alert_report_checksum_finish (GAsyncResult        *result,
                                                      GError             **error);

G_END_DECLS
