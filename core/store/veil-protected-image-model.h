/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "veil-record-model.h"

G_BEGIN_DECLS

#define VEIL_TYPE_PROTECTED_IMAGE_ITEM (veil_protected_image_item_get_type ())
#define VEIL_TYPE_PROTECTED_IMAGE_MODEL (veil_protected_image_model_get_type ())

G_DECLARE_FINAL_TYPE (VeilProtectedImageItem, veil_protected_image_item, VEIL, PROTECTED_IMAGE_ITEM, GObject)
G_DECLARE_FINAL_TYPE (VeilProtectedImageModel, veil_protected_image_model, VEIL, PROTECTED_IMAGE_MODEL, VeilRecordModel)

VeilProtectedImageItem   *veil_protected_image_item_new       (VeilProtectedImage      *image);
const VeilProtectedImage *veil_protected_image_item_get_image (VeilProtectedImageItem  *self);
VeilProtectedImageModel  *veil_protected_image_model_new      (VeilStore               *store,
                                                               gint64                   profile_id);
const VeilProtectedImage *veil_protected_image_model_find     (VeilProtectedImageModel *self,
                                                               const char              *md5);
gboolean                  veil_protected_image_model_remove   (VeilProtectedImageModel *self,
                                                               const char              *md5,
                                                               GError                 **error);

G_END_DECLS
