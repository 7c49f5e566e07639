/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "veil-record-model.h"

G_BEGIN_DECLS

#define VEIL_TYPE_REPORT_ITEM (veil_report_item_get_type ())
#define VEIL_TYPE_REPORT_MODEL (veil_report_model_get_type ())

G_DECLARE_FINAL_TYPE (VeilReportItem, veil_report_item, VEIL, REPORT_ITEM, GObject)
G_DECLARE_FINAL_TYPE (VeilReportModel, veil_report_model, VEIL, REPORT_MODEL, VeilRecordModel)

VeilReportItem        *veil_report_item_new       (VeilReportEntry *entry);
const VeilReportEntry *veil_report_item_get_entry (VeilReportItem  *self);
VeilReportModel       *veil_report_model_new      (VeilStore       *store,
                                                   gint64           profile_id);
gboolean               veil_report_model_remove   (VeilReportModel *self,
                                                   gint64           report_id,
                                                   const char      *actor,
                                                   GError         **error);

G_END_DECLS
