/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-hash-list-model"

#include "config.h"

#include "veil-record-model-private.h"
#include "veil-hash-list-model.h"

/* The hash lists that apply to one profile: its own and those for every profile. Only
 * guardians' lists ("list"); the child's protected pictures have a model of their own. */

struct _VeilHashListItem
{
  GObject    parent_instance;

  VeilStoredHashList *list;  /* owned */
};

struct _VeilHashListModel
{
  VeilRecordModel parent_instance;
};

G_DEFINE_FINAL_TYPE (VeilHashListItem, veil_hash_list_item, G_TYPE_OBJECT)
G_DEFINE_FINAL_TYPE (VeilHashListModel, veil_hash_list_model, VEIL_TYPE_RECORD_MODEL)

static void
veil_hash_list_item_finalize (GObject *object)
{
  VeilHashListItem *self = VEIL_HASH_LIST_ITEM (object);

  g_clear_pointer (&self->list, veil_stored_hash_list_free);

  G_OBJECT_CLASS (veil_hash_list_item_parent_class)->finalize (object);
}

static void
veil_hash_list_item_class_init (VeilHashListItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = veil_hash_list_item_finalize;
}

static void
veil_hash_list_item_init (VeilHashListItem *self)
{
}

/**
 * veil_hash_list_item_new:
 * @list: (transfer full): the record
 */
VeilHashListItem *
veil_hash_list_item_new (VeilStoredHashList *list)
{
  VeilHashListItem *self;

  g_return_val_if_fail (list != NULL, NULL);

  self = g_object_new (VEIL_TYPE_HASH_LIST_ITEM, NULL);
  self->list = list;
  return self;
}

const VeilStoredHashList *
veil_hash_list_item_get_list (VeilHashListItem *self)
{
  g_return_val_if_fail (VEIL_IS_HASH_LIST_ITEM (self), NULL);
  return self->list;
}

static GPtrArray *
veil_hash_list_model_load (VeilRecordModel  *model,
                           VeilStore        *store,
                           gint64            profile_id,
                           GCancellable     *cancellable,
                           GError          **error)
{
  g_autoptr(GPtrArray) lists = veil_store_list_hash_lists (store, profile_id, error);
  g_autofree VeilStoredHashList **stolen = NULL;
  GPtrArray *items;
  gsize n = 0;

  if (lists == NULL)
    return NULL;
  stolen = (VeilStoredHashList **) g_ptr_array_steal (lists, &n);
  items = g_ptr_array_new_with_free_func (g_object_unref);
  for (gsize i = 0; i < n; i++)
    {
      if (g_strcmp0 (stolen[i]->kind, "list") == 0)
        g_ptr_array_add (items, veil_hash_list_item_new (stolen[i]));
      else
        veil_stored_hash_list_free (stolen[i]);
    }
  return items;
}

static gboolean
veil_hash_list_model_same_item (gpointer a,
                                gpointer b)
{
  const VeilStoredHashList *x = VEIL_HASH_LIST_ITEM (a)->list;
  const VeilStoredHashList *y = VEIL_HASH_LIST_ITEM (b)->list;

  return x->id == y->id && x->profile_id == y->profile_id && x->version == y->version &&
         x->imported == y->imported && x->n_entries == y->n_entries &&
         g_strcmp0 (x->name, y->name) == 0 && g_strcmp0 (x->source, y->source) == 0;
}

static void
veil_hash_list_model_class_init (VeilHashListModelClass *klass)
{
  VeilRecordModelClass *model_class = VEIL_RECORD_MODEL_CLASS (klass);

  model_class->item_type = VEIL_TYPE_HASH_LIST_ITEM;
  model_class->load = veil_hash_list_model_load;
  model_class->same_item = veil_hash_list_model_same_item;
}

static void
veil_hash_list_model_init (VeilHashListModel *self)
{
}

/**
 * veil_hash_list_model_new:
 *
 * Returns: (transfer full): a model of the profile's hash lists; call
 *   veil_record_model_reload() to read them
 */
VeilHashListModel *
veil_hash_list_model_new (VeilStore *store,
                      gint64     profile_id)
{
  g_return_val_if_fail (VEIL_IS_STORE (store), NULL);

  return g_object_new (VEIL_TYPE_HASH_LIST_MODEL, "store", store, "profile-id", profile_id, NULL);
}

static gboolean
has_list_id (gconstpointer item,
             gconstpointer id)
{
  return VEIL_HASH_LIST_ITEM ((gpointer) item)->list->id == *(const gint64 *) id;
}

/**
 * veil_hash_list_model_remove:
 * @list_id: a listed list's id
 *
 * Removes the list from the store (for every profile, if it was imported for every
 * profile) and from the model at once.
 *
 * Returns: whether it was removed
 */
gboolean
veil_hash_list_model_remove (VeilHashListModel  *self,
                             gint64              list_id,
                             GError            **error)
{
  VeilRecordModel *model = VEIL_RECORD_MODEL (self);
  guint position;

  g_return_val_if_fail (VEIL_IS_HASH_LIST_MODEL (self), FALSE);

  if (!veil_store_remove_hash_list (veil_record_model_get_store (model), list_id, error))
    {
      veil_record_model_reload (model);
      return FALSE;
    }
  if (_veil_record_model_find (model, has_list_id, &list_id, &position))
    _veil_record_model_drop (model, position);
  return TRUE;
}
