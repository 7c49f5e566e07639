/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-report-model"

#include "config.h"

#include "veil-record-model-private.h"
#include "veil-report-model.h"

/* One profile's reports, newest first, as the store lists them. */

struct _VeilReportItem
{
  GObject    parent_instance;

  VeilReportEntry *entry;  /* owned */
};

struct _VeilReportModel
{
  VeilRecordModel parent_instance;
};

G_DEFINE_FINAL_TYPE (VeilReportItem, veil_report_item, G_TYPE_OBJECT)
G_DEFINE_FINAL_TYPE (VeilReportModel, veil_report_model, VEIL_TYPE_RECORD_MODEL)

static void
veil_report_item_finalize (GObject *object)
{
  VeilReportItem *self = VEIL_REPORT_ITEM (object);

  g_clear_pointer (&self->entry, veil_report_entry_free);

  G_OBJECT_CLASS (veil_report_item_parent_class)->finalize (object);
}

static void
veil_report_item_class_init (VeilReportItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = veil_report_item_finalize;
}

static void
veil_report_item_init (VeilReportItem *self)
{
}

/**
 * veil_report_item_new:
 * @entry: (transfer full): the record
 */
VeilReportItem *
veil_report_item_new (VeilReportEntry *entry)
{
  VeilReportItem *self;

  g_return_val_if_fail (entry != NULL, NULL);

  self = g_object_new (VEIL_TYPE_REPORT_ITEM, NULL);
  self->entry = entry;
  return self;
}

const VeilReportEntry *
veil_report_item_get_entry (VeilReportItem *self)
{
  g_return_val_if_fail (VEIL_IS_REPORT_ITEM (self), NULL);
  return self->entry;
}

static GPtrArray *
veil_report_model_load (VeilRecordModel  *model,
                        VeilStore        *store,
                        gint64            profile_id,
                        GCancellable     *cancellable,
                        GError          **error)
{
  g_autoptr(GPtrArray) entries = veil_store_list_reports (store, profile_id, error);
  g_autofree VeilReportEntry **stolen = NULL;
  GPtrArray *items;
  gsize n = 0;

  if (entries == NULL)
    return NULL;
  stolen = (VeilReportEntry **) g_ptr_array_steal (entries, &n);
  items = g_ptr_array_new_with_free_func (g_object_unref);
  for (gsize i = 0; i < n; i++)
    g_ptr_array_add (items, veil_report_item_new (stolen[i]));
  return items;
}

static gboolean
veil_report_model_same_item (gpointer a,
                             gpointer b)
{
  const VeilReportEntry *x = VEIL_REPORT_ITEM (a)->entry;
  const VeilReportEntry *y = VEIL_REPORT_ITEM (b)->entry;

  return x->id == y->id && x->time == y->time && g_strcmp0 (x->state, y->state) == 0;
}

static void
veil_report_model_class_init (VeilReportModelClass *klass)
{
  VeilRecordModelClass *model_class = VEIL_RECORD_MODEL_CLASS (klass);

  model_class->item_type = VEIL_TYPE_REPORT_ITEM;
  model_class->load = veil_report_model_load;
  model_class->same_item = veil_report_model_same_item;
}

static void
veil_report_model_init (VeilReportModel *self)
{
}

/**
 * veil_report_model_new:
 *
 * Returns: (transfer full): a model of the profile's reports; call
 *   veil_record_model_reload() to read them
 */
VeilReportModel *
veil_report_model_new (VeilStore *store,
                      gint64     profile_id)
{
  g_return_val_if_fail (VEIL_IS_STORE (store), NULL);

  return g_object_new (VEIL_TYPE_REPORT_MODEL, "store", store, "profile-id", profile_id, NULL);
}

static gboolean
has_report_id (gconstpointer item,
               gconstpointer id)
{
  return VEIL_REPORT_ITEM ((gpointer) item)->entry->id == *(const gint64 *) id;
}

/**
 * veil_report_model_remove:
 * @report_id: a listed report's id
 * @actor: who deletes it, for the audit log
 *
 * Deletes the report from the store and drops it from the model at once.
 *
 * Returns: whether it was deleted
 */
gboolean
veil_report_model_remove (VeilReportModel  *self,
                          gint64            report_id,
                          const char       *actor,
                          GError          **error)
{
  VeilRecordModel *model = VEIL_RECORD_MODEL (self);
  guint position;

  g_return_val_if_fail (VEIL_IS_REPORT_MODEL (self), FALSE);

  if (!veil_store_delete_report (veil_record_model_get_store (model), report_id, actor, error))
    {
      veil_record_model_reload (model);
      return FALSE;
    }
  if (_veil_record_model_find (model, has_report_id, &report_id, &position))
    _veil_record_model_drop (model, position);
  return TRUE;
}
