/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "veil-record-model.h"

G_BEGIN_DECLS

#define VEIL_TYPE_ALERT_ITEM (veil_alert_item_get_type ())
#define VEIL_TYPE_ALERT_MODEL (veil_alert_model_get_type ())

G_DECLARE_FINAL_TYPE (VeilAlertItem, veil_alert_item, VEIL, ALERT_ITEM, GObject)
G_DECLARE_FINAL_TYPE (VeilAlertModel, veil_alert_model, VEIL, ALERT_MODEL, VeilRecordModel)

VeilAlertItem   *veil_alert_item_new           (VeilAlert     *alert);
const VeilAlert *veil_alert_item_get_alert     (VeilAlertItem *self);
GBytes          *veil_alert_item_get_thumbnail (VeilAlertItem *self);
VeilAlertModel  *veil_alert_model_new          (VeilStore     *store,
                                                gint64         profile_id);
guint            veil_alert_model_count_in_state (VeilAlertModel *self,
                                                  const char     *state);

G_END_DECLS
