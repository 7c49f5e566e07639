/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define VEIL_MODEL_ERROR (veil_model_error_quark ())

typedef enum {
  VEIL_MODEL_ERROR_NOT_FOUND = 1,            /* no model file at the path */
  VEIL_MODEL_ERROR_UNREADABLE = 2,           /* the file exists but cannot be read */
  VEIL_MODEL_ERROR_TRUNCATED = 3,            /* shorter than its header says */
  VEIL_MODEL_ERROR_BAD_MAGIC = 4,            /* not a Veil model file at all */
  VEIL_MODEL_ERROR_UNSUPPORTED_VERSION = 5,  /* made by a newer (or older) converter */
  VEIL_MODEL_ERROR_CHECKSUM = 6,             /* the payload does not match its SHA-256 */
  VEIL_MODEL_ERROR_BAD_LAYOUT = 7,           /* an offset, length or count out of bounds */
  VEIL_MODEL_ERROR_BAD_TENSOR = 8,           /* a weight tensor with an impossible shape or scale */
  VEIL_MODEL_ERROR_BAD_GRAPH = 9,            /* ops that do not fit together or are unsupported */
} VeilModelError;

/* Which of Veil's models a file holds, from the name the converter wrote into it. */
typedef enum {
  VEIL_MODEL_KIND_OTHER = 0,             /* a valid model file that is neither of Veil's */
  VEIL_MODEL_KIND_MOBILENET_V2 = 1,      /* the classifier: nsfwjs MobileNetV2 */
  VEIL_MODEL_KIND_MOBILENET_V2_MID = 2,  /* the second opinion: nsfwjs MobileNetV2Mid */
} VeilModelKind;

#define VEIL_TYPE_MODEL (veil_model_get_type ())
G_DECLARE_FINAL_TYPE (VeilModel, veil_model, VEIL, MODEL, GObject)

GQuark       veil_model_error_quark       (void);

char        *veil_model_get_default_path  (void);
VeilModel   *veil_model_new_from_file     (const char  *path,
                                           GError     **error);
VeilModel   *veil_model_new_from_bytes    (GBytes      *bytes,
                                           GError     **error);
VeilModel   *veil_model_load_default      (GError     **error);
char        *veil_model_get_path_for_kind (VeilModelKind kind);
VeilModel   *veil_model_load_kind         (VeilModelKind kind,
                                           GError      **error);

const char  *veil_model_get_name          (VeilModel   *self);
const char  *veil_model_get_version       (VeilModel   *self);
const char  *veil_model_get_sha256        (VeilModel   *self);
VeilModelKind veil_model_get_kind         (VeilModel   *self);
guint        veil_model_get_n_classes     (VeilModel   *self);
void         veil_model_get_input_size    (VeilModel   *self,
                                           guint       *width,
                                           guint       *height,
                                           guint       *channels);

G_END_DECLS
