/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-protected-image-model"

#include "config.h"

#include "veil-record-model-private.h"
#include "veil-protected-image-model.h"

/* The pictures a child protects, as their hashes only. */

struct _VeilProtectedImageItem
{
  GObject    parent_instance;

  VeilProtectedImage *image;  /* owned */
};

struct _VeilProtectedImageModel
{
  VeilRecordModel parent_instance;
};

G_DEFINE_FINAL_TYPE (VeilProtectedImageItem, veil_protected_image_item, G_TYPE_OBJECT)
G_DEFINE_FINAL_TYPE (VeilProtectedImageModel, veil_protected_image_model, VEIL_TYPE_RECORD_MODEL)

static void
veil_protected_image_item_finalize (GObject *object)
{
  VeilProtectedImageItem *self = VEIL_PROTECTED_IMAGE_ITEM (object);

  g_clear_pointer (&self->image, veil_protected_image_free);

  G_OBJECT_CLASS (veil_protected_image_item_parent_class)->finalize (object);
}

static void
veil_protected_image_item_class_init (VeilProtectedImageItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = veil_protected_image_item_finalize;
}

static void
veil_protected_image_item_init (VeilProtectedImageItem *self)
{
}

/**
 * veil_protected_image_item_new:
 * @image: (transfer full): the record
 */
VeilProtectedImageItem *
veil_protected_image_item_new (VeilProtectedImage *image)
{
  VeilProtectedImageItem *self;

  g_return_val_if_fail (image != NULL, NULL);

  self = g_object_new (VEIL_TYPE_PROTECTED_IMAGE_ITEM, NULL);
  self->image = image;
  return self;
}

const VeilProtectedImage *
veil_protected_image_item_get_image (VeilProtectedImageItem *self)
{
  g_return_val_if_fail (VEIL_IS_PROTECTED_IMAGE_ITEM (self), NULL);
  return self->image;
}

static GPtrArray *
veil_protected_image_model_load (VeilRecordModel  *model,
                                 VeilStore        *store,
                                 gint64            profile_id,
                                 GCancellable     *cancellable,
                                 GError          **error)
{
  g_autoptr(GPtrArray) images = veil_store_list_protected_images (store, profile_id, error);
  g_autofree VeilProtectedImage **stolen = NULL;
  GPtrArray *items;
  gsize n = 0;

  if (images == NULL)
    return NULL;
  stolen = (VeilProtectedImage **) g_ptr_array_steal (images, &n);
  items = g_ptr_array_new_with_free_func (g_object_unref);
  for (gsize i = 0; i < n; i++)
    g_ptr_array_add (items, veil_protected_image_item_new (stolen[i]));
  return items;
}

static gboolean
veil_protected_image_model_same_item (gpointer a,
                                      gpointer b)
{
  const VeilProtectedImage *x = VEIL_PROTECTED_IMAGE_ITEM (a)->image;
  const VeilProtectedImage *y = VEIL_PROTECTED_IMAGE_ITEM (b)->image;

  return g_strcmp0 (x->md5, y->md5) == 0 && x->added == y->added;
}

static void
veil_protected_image_model_class_init (VeilProtectedImageModelClass *klass)
{
  VeilRecordModelClass *model_class = VEIL_RECORD_MODEL_CLASS (klass);

  model_class->item_type = VEIL_TYPE_PROTECTED_IMAGE_ITEM;
  model_class->load = veil_protected_image_model_load;
  model_class->same_item = veil_protected_image_model_same_item;
}

static void
veil_protected_image_model_init (VeilProtectedImageModel *self)
{
}

/**
 * veil_protected_image_model_new:
 *
 * Returns: (transfer full): a model of the profile's protected pictures; call
 *   veil_record_model_reload() to read them
 */
VeilProtectedImageModel *
veil_protected_image_model_new (VeilStore *store,
                      gint64     profile_id)
{
  g_return_val_if_fail (VEIL_IS_STORE (store), NULL);

  return g_object_new (VEIL_TYPE_PROTECTED_IMAGE_MODEL, "store", store, "profile-id", profile_id, NULL);
}

static gboolean
has_md5 (gconstpointer item,
         gconstpointer md5)
{
  return g_strcmp0 (VEIL_PROTECTED_IMAGE_ITEM ((gpointer) item)->image->md5, md5) == 0;
}

/**
 * veil_protected_image_model_find:
 * @md5: a listed picture's MD5
 *
 * Returns: (nullable): the listed picture with that MD5
 */
const VeilProtectedImage *
veil_protected_image_model_find (VeilProtectedImageModel *self,
                                 const char              *md5)
{
  guint position;
  g_autoptr(VeilProtectedImageItem) item = NULL;

  g_return_val_if_fail (VEIL_IS_PROTECTED_IMAGE_MODEL (self), NULL);
  g_return_val_if_fail (md5 != NULL, NULL);

  if (!_veil_record_model_find (VEIL_RECORD_MODEL (self), has_md5, md5, &position))
    return NULL;
  item = g_list_model_get_item (G_LIST_MODEL (self), position);
  /* The model keeps its own reference: the record lives as long as it is listed. */
  return item->image;
}

/**
 * veil_protected_image_model_remove:
 * @md5: a listed picture's MD5
 *
 * Forgets the picture's hashes in the store and drops it from the model at once.
 *
 * Returns: whether they were forgotten
 */
gboolean
veil_protected_image_model_remove (VeilProtectedImageModel  *self,
                                   const char               *md5,
                                   GError                  **error)
{
  VeilRecordModel *model = VEIL_RECORD_MODEL (self);
  guint position;

  g_return_val_if_fail (VEIL_IS_PROTECTED_IMAGE_MODEL (self), FALSE);
  g_return_val_if_fail (md5 != NULL, FALSE);

  if (!veil_store_unprotect_image (veil_record_model_get_store (model),
                                   veil_record_model_get_profile_id (model), md5, error))
    {
      veil_record_model_reload (model);
      return FALSE;
    }
  if (_veil_record_model_find (model, has_md5, md5, &position))
    _veil_record_model_drop (model, position);
  return TRUE;
}
