/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "veil-hash-list.h"

G_BEGIN_DECLS

/* Shared by the reader (veil-hash-list.c), the writer (veil-hash-list-save.c) and the
 * binary form (veil-hash-list-binary.c). */
#define NO_LABEL G_MAXUINT32

struct _VeilHashList
{
  GObject             parent_instance;

  /* Header */
  char               *name;        /* owned */
  char               *source;      /* owned, nullable */
  guint               version;
  GDateTime          *created;     /* owned */

  /* How it was read */
  VeilHashListFormat  format;
  guint               n_skipped;   /* CSV rows of other signal types */

  /* Entries */
  VeilPdqHash        *hashes;      /* owned, n_allocated */
  guint32            *labels;      /* owned, n_allocated; pool offsets or NO_LABEL */
  gsize               n_entries;
  gsize               n_allocated;
  GByteArray         *pool;        /* owned; nul-terminated labels */
  GMappedFile        *mapped;      /* owned, nullable: the binary form hashes and labels
                                    * point into (veil-hash-list-binary.c) */
};

#define VEIL_HASH_LIST_MAGIC "veil-hash-list"
#define VEIL_HASH_LIST_FORMAT_VERSION 1
#define VEIL_HASH_LIST_HEADER_END "---"
#define VEIL_HASH_LIST_CSV_HEADER "signal_type,signal_str,collab,category,tags"
/* pytx: the comment line that carries the next entry's label */
#define VEIL_HASH_LIST_LABEL_COMMENT "# veil-label:"

/* The entries' hashes as one contiguous array (4 words each), for the index's scans. */
const VeilPdqHash *_veil_hash_list_get_hashes (VeilHashList *self,
                                               gsize        *n_entries);

/* The binary form (veil-hash-list-binary.c): the list as it sits in memory, written next
 * to the store once and mapped back in place of parsing its text on every start. @digest
 * names the content it was made from (the caller's choice, for instance the SHA-256 of the
 * imported file); a file made from other content, damaged or from another version of Veil
 * is refused, and the caller reads the source again. */
#define VEIL_HASH_LIST_BINARY_DIGEST_MAX 64

gboolean           _veil_hash_list_save_binary (VeilHashList  *self,
                                                const char    *path,
                                                const char    *digest,
                                                GError       **error);
VeilHashList      *_veil_hash_list_map_binary  (const char    *path,
                                                const char    *digest,
                                                GError       **error);

/* CSV fields (veil-hash-list-csv.c) */
int                _veil_hash_list_csv_split  (GString      *scratch,
                                               const char   *p,
                                               const char   *end,
                                               gsize         starts[],
                                               gsize         lengths[],
                                               int           max_fields);
void               _veil_hash_list_csv_append (GString      *out,
                                               const char   *text);
gsize              _veil_hash_list_csv_guard_length (const char *cell,
                                                     gsize       length);

G_END_DECLS
