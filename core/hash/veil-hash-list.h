/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "veil-types.h"
#include "veil-pdq.h"

G_BEGIN_DECLS

#define VEIL_HASH_LIST_ERROR (veil_hash_list_error_quark ())

typedef enum {
  VEIL_HASH_LIST_ERROR_IO = 1,         /* the file could not be read or written */
  VEIL_HASH_LIST_ERROR_PARSE = 2,      /* a malformed line; the message names file and line */
  VEIL_HASH_LIST_ERROR_HEADER = 3,     /* a Veil list header that is missing or wrong */
  VEIL_HASH_LIST_ERROR_CHECKSUM = 4,   /* entries do not match the header's sha256 */
  VEIL_HASH_LIST_ERROR_COUNT = 5,      /* entries do not match the header's count */
  VEIL_HASH_LIST_ERROR_TOO_LARGE = 6,  /* more entries than a list may hold */
} VeilHashListError;

typedef enum {
  VEIL_HASH_LIST_FORMAT_AUTO = 0,   /*< nick=auto >*/ /* on load: recognise the format */
  VEIL_HASH_LIST_FORMAT_PLAIN = 1,  /*< nick=plain >*/ /* one hash a line, optional "hash=", metadata after a comma */
  VEIL_HASH_LIST_FORMAT_PYTX = 2,   /*< nick=pytx >*/ /* "pdq <hash>" lines (python-threatexchange file exchange) */
  VEIL_HASH_LIST_FORMAT_CSV = 3,    /*< nick=csv >*/ /* signal_type,signal_str,collab,category,tags */
  VEIL_HASH_LIST_FORMAT_VEIL = 4,   /*< nick=veil >*/ /* Veil's own: header with name, source, count, sha256 */
} VeilHashListFormat;

/* The most entries one list may hold (the index counts entries in 32 bits). */
#define VEIL_HASH_LIST_MAX_ENTRIES (G_MAXUINT32 - 1)

#define VEIL_TYPE_HASH_LIST (veil_hash_list_get_type ())
G_DECLARE_FINAL_TYPE (VeilHashList, veil_hash_list, VEIL, HASH_LIST, GObject)

GQuark              veil_hash_list_error_quark       (void);

const char         *veil_hash_list_format_to_string  (VeilHashListFormat   format);
gboolean            veil_hash_list_format_from_string (const char         *text,
                                                       VeilHashListFormat *format);

VeilHashList       *veil_hash_list_new               (const char          *name);
VeilHashList       *veil_hash_list_load_file         (const char          *path,
                                                      VeilHashListFormat   format,
                                                      GCancellable        *cancellable,
                                                      GError             **error);
void                veil_hash_list_load_file_async   (const char          *path,
                                                      VeilHashListFormat   format,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
VeilHashList       *veil_hash_list_load_file_finish  (GAsyncResult        *result,
                                                      GError             **error);
gboolean            veil_hash_list_save_file         (VeilHashList        *self,
                                                      const char          *path,
                                                      VeilHashListFormat   format,
                                                      GCancellable        *cancellable,
                                                      GError             **error);

gboolean            veil_hash_list_add               (VeilHashList        *self,
                                                      const VeilPdqHash   *hash,
                                                      const char          *label);
guint               veil_hash_list_get_n_entries     (VeilHashList        *self);
const VeilPdqHash  *veil_hash_list_get_hash          (VeilHashList        *self,
                                                      guint                index);
const char         *veil_hash_list_get_label         (VeilHashList        *self,
                                                      guint                index);
char               *veil_hash_list_compute_checksum  (VeilHashList        *self);

VeilHashListFormat  veil_hash_list_get_format        (VeilHashList        *self);
guint               veil_hash_list_get_n_skipped     (VeilHashList        *self);
const char         *veil_hash_list_get_name          (VeilHashList        *self);
void                veil_hash_list_set_name          (VeilHashList        *self,
                                                      const char          *name);
const char         *veil_hash_list_get_source        (VeilHashList        *self);
void                veil_hash_list_set_source        (VeilHashList        *self,
                                                      const char          *source);
guint               veil_hash_list_get_version       (VeilHashList        *self);
void                veil_hash_list_set_version       (VeilHashList        *self,
                                                      guint                version);
GDateTime          *veil_hash_list_get_created       (VeilHashList        *self);
void                veil_hash_list_set_created       (VeilHashList        *self,
                                                      GDateTime           *created);
gsize               veil_hash_list_get_memory_size   (VeilHashList        *self);

G_END_DECLS
