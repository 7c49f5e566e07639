/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "veil-record-model.h"

G_BEGIN_DECLS

#define VEIL_TYPE_HASH_LIST_ITEM (veil_hash_list_item_get_type ())
#define VEIL_TYPE_HASH_LIST_MODEL (veil_hash_list_model_get_type ())

G_DECLARE_FINAL_TYPE (VeilHashListItem, veil_hash_list_item, VEIL, HASH_LIST_ITEM, GObject)
G_DECLARE_FINAL_TYPE (VeilHashListModel, veil_hash_list_model, VEIL, HASH_LIST_MODEL, VeilRecordModel)

VeilHashListItem         *veil_hash_list_item_new      (VeilStoredHashList *list);
const VeilStoredHashList *veil_hash_list_item_get_list (VeilHashListItem   *self);
VeilHashListModel        *veil_hash_list_model_new     (VeilStore          *store,
                                                        gint64              profile_id);
gboolean                  veil_hash_list_model_remove  (VeilHashListModel  *self,
                                                        gint64              list_id,
                                                        GError            **error);

G_END_DECLS
