/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "veil-store.h"

G_BEGIN_DECLS

#define VEIL_TYPE_RECORD_MODEL (veil_record_model_get_type ())

G_DECLARE_DERIVABLE_TYPE (VeilRecordModel, veil_record_model, VEIL, RECORD_MODEL, GObject)

/**
 * VeilRecordModelClass:
 * @load: reads one profile's records from @store as items; runs in a worker thread
 * @same_item: whether two items stand for the same row, unchanged (for small splices)
 */
struct _VeilRecordModelClass
{
  GObjectClass parent_class;

  GType       item_type;
  GPtrArray *(*load)      (VeilRecordModel *self,
                           VeilStore       *store,
                           gint64           profile_id,
                           GCancellable    *cancellable,
                           GError         **error);
  gboolean   (*same_item) (gpointer         a,
                           gpointer         b);
};

VeilStore    *veil_record_model_get_store      (VeilRecordModel      *self);
gint64        veil_record_model_get_profile_id (VeilRecordModel      *self);
gboolean      veil_record_model_get_loaded     (VeilRecordModel      *self);
const GError *veil_record_model_get_error      (VeilRecordModel      *self);
void          veil_record_model_reload         (VeilRecordModel      *self);
void          veil_record_model_reload_async   (VeilRecordModel      *self,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gboolean      veil_record_model_reload_finish  (VeilRecordModel      *self,
                                                GAsyncResult         *result,
                                                GError              **error);

G_END_DECLS
