/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "veil-hash-list.h"

G_BEGIN_DECLS

/* The entries' hashes as one contiguous array (4 words each), for the index's scans. */
const VeilPdqHash *_veil_hash_list_get_hashes (VeilHashList *self,
                                               gsize        *n_entries);

G_END_DECLS
