/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "veil-hash-list.h"

G_BEGIN_DECLS

/* Shared by the reader (veil-hash-list.c) and the writer (veil-hash-list-save.c). */
#define VEIL_HASH_LIST_MAGIC "veil-hash-list"
#define VEIL_HASH_LIST_FORMAT_VERSION 1
#define VEIL_HASH_LIST_HEADER_END "---"
#define VEIL_HASH_LIST_CSV_HEADER "signal_type,signal_str,collab,category,tags"
/* pytx: the comment line that carries the next entry's label */
#define VEIL_HASH_LIST_LABEL_COMMENT "# veil-label:"

/* The entries' hashes as one contiguous array (4 words each), for the index's scans. */
const VeilPdqHash *_veil_hash_list_get_hashes (VeilHashList *self,
                                               gsize        *n_entries);

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
