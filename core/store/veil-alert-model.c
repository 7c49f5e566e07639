/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-alert-model"

#include "config.h"

#include "veil-alert-model.h"

/* One profile's alerts, from folder checks first (oldest first) and then from messages
 * (newest first), as the store lists them. */

struct _VeilAlertItem
{
  GObject    parent_instance;

  VeilAlert *alert;      /* owned */
  GBytes    *thumbnail;  /* owned, nullable: the blurred preview kept with the alert */
};

struct _VeilAlertModel
{
  VeilRecordModel parent_instance;
};

G_DEFINE_FINAL_TYPE (VeilAlertItem, veil_alert_item, G_TYPE_OBJECT)
G_DEFINE_FINAL_TYPE (VeilAlertModel, veil_alert_model, VEIL_TYPE_RECORD_MODEL)

static void
veil_alert_item_finalize (GObject *object)
{
  VeilAlertItem *self = VEIL_ALERT_ITEM (object);

  g_clear_pointer (&self->alert, veil_alert_free);
  g_clear_pointer (&self->thumbnail, g_bytes_unref);

  G_OBJECT_CLASS (veil_alert_item_parent_class)->finalize (object);
}

static void
veil_alert_item_class_init (VeilAlertItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = veil_alert_item_finalize;
}

static void
veil_alert_item_init (VeilAlertItem *self)
{
}

/**
 * veil_alert_item_new:
 * @alert: (transfer full): the alert
 */
VeilAlertItem *
veil_alert_item_new (VeilAlert *alert)
{
  VeilAlertItem *self;

  g_return_val_if_fail (alert != NULL, NULL);

  self = g_object_new (VEIL_TYPE_ALERT_ITEM, NULL);
  self->alert = alert;
  return self;
}

/**
 * veil_alert_item_get_thumbnail:
 *
 * Returns: (transfer none) (nullable): the blurred preview (PNG) kept with the alert, read
 *   with it in the background so that views need not ask the store
 */
GBytes *
veil_alert_item_get_thumbnail (VeilAlertItem *self)
{
  g_return_val_if_fail (VEIL_IS_ALERT_ITEM (self), NULL);
  return self->thumbnail;
}

const VeilAlert *
veil_alert_item_get_alert (VeilAlertItem *self)
{
  g_return_val_if_fail (VEIL_IS_ALERT_ITEM (self), NULL);
  return self->alert;
}

static void
take_alerts (GPtrArray *items,
             GPtrArray *alerts,
             VeilStore *store)
{
  gsize n = 0;
  g_autofree VeilAlert **stolen = (VeilAlert **) g_ptr_array_steal (alerts, &n);

  for (gsize i = 0; i < n; i++)
    {
      VeilAlertItem *item = veil_alert_item_new (stolen[i]);

      item->thumbnail = veil_store_get_thumbnail (store, item->alert->id, NULL);
      g_ptr_array_add (items, item);
    }
}

static GPtrArray *
veil_alert_model_load (VeilRecordModel  *model,
                       VeilStore        *store,
                       gint64            profile_id,
                       GCancellable     *cancellable,
                       GError          **error)
{
  g_autoptr(GPtrArray) library = veil_store_list_alerts (store, profile_id, error);
  g_autoptr(GPtrArray) messages = NULL;
  GPtrArray *items;

  if (library == NULL)
    return NULL;
  messages = veil_store_list_message_alerts (store, profile_id, error);
  if (messages == NULL)
    return NULL;

  items = g_ptr_array_new_with_free_func (g_object_unref);
  take_alerts (items, library, store);
  take_alerts (items, messages, store);
  return items;
}

static gboolean
veil_alert_model_same_item (gpointer a,
                            gpointer b)
{
  const VeilAlert *x = VEIL_ALERT_ITEM (a)->alert;
  const VeilAlert *y = VEIL_ALERT_ITEM (b)->alert;

  return x->id == y->id && x->time == y->time && g_strcmp0 (x->state, y->state) == 0 &&
         g_strcmp0 (x->path, y->path) == 0 && g_strcmp0 (x->hidden_path, y->hidden_path) == 0;
}

static void
veil_alert_model_class_init (VeilAlertModelClass *klass)
{
  VeilRecordModelClass *model_class = VEIL_RECORD_MODEL_CLASS (klass);

  model_class->item_type = VEIL_TYPE_ALERT_ITEM;
  model_class->load = veil_alert_model_load;
  model_class->same_item = veil_alert_model_same_item;
}

static void
veil_alert_model_init (VeilAlertModel *self)
{
}

/**
 * veil_alert_model_new:
 *
 * Returns: (transfer full): a model of the profile's alerts; call
 *   veil_record_model_reload() to read them
 */
VeilAlertModel *
veil_alert_model_new (VeilStore *store,
                      gint64     profile_id)
{
  g_return_val_if_fail (VEIL_IS_STORE (store), NULL);

  return g_object_new (VEIL_TYPE_ALERT_MODEL, "store", store, "profile-id", profile_id, NULL);
}

/**
 * veil_alert_model_count_in_state:
 * @state: (nullable): one of the VEIL_ALERT_STATE_* values, or %NULL for all
 *
 * Counts the loaded folder-check alerts as veil_store_count_alerts_in_state() counts them in
 * the store, without a query on the caller's thread.
 *
 * Returns: how many library alerts of the model are in @state
 */
guint
veil_alert_model_count_in_state (VeilAlertModel *self,
                                 const char     *state)
{
  guint n, count = 0;

  g_return_val_if_fail (VEIL_IS_ALERT_MODEL (self), 0);

  n = g_list_model_get_n_items (G_LIST_MODEL (self));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VeilAlertItem) item = g_list_model_get_item (G_LIST_MODEL (self), i);
      const VeilAlert *alert = veil_alert_item_get_alert (item);

      if (g_strcmp0 (alert->source, VEIL_ALERT_SOURCE_LIBRARY) == 0 &&
          (state == NULL || g_strcmp0 (alert->state, state) == 0))
        count++;
    }
  return count;
}
