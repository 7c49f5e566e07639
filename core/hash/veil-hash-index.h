/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "veil-types.h"
#include "veil-pdq.h"
#include "veil-hash-list.h"

G_BEGIN_DECLS

/* One entry found near a needle. */
typedef struct {
  VeilHashList *list;      /* borrowed from the index */
  guint         entry;     /* index in @list */
  guint         distance;  /* the smallest distance to any needle */
  guint         needle;    /* which needle was that close (the first, on ties) */
} VeilHashMatch;

#define VEIL_TYPE_HASH_INDEX (veil_hash_index_get_type ())
G_DECLARE_FINAL_TYPE (VeilHashIndex, veil_hash_index, VEIL, HASH_INDEX, GObject)

VeilHashIndex *veil_hash_index_new             (void);
void           veil_hash_index_add_list        (VeilHashIndex      *self,
                                                VeilHashList       *list);
guint          veil_hash_index_get_n_lists     (VeilHashIndex      *self);
VeilHashList  *veil_hash_index_get_list        (VeilHashIndex      *self,
                                                guint               index);
guint64        veil_hash_index_get_n_entries   (VeilHashIndex      *self);
void           veil_hash_index_set_n_threads   (VeilHashIndex      *self,
                                                guint               n_threads);
const char    *veil_hash_index_get_kernel_name (VeilHashIndex      *self);

GArray        *veil_hash_index_query           (VeilHashIndex      *self,
                                                const VeilPdqHash  *needles,
                                                guint               n_needles,
                                                guint               max_distance);

G_END_DECLS
