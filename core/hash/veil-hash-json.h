/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "veil-hash-index.h"
#include "veil-hash-list.h"
#include "veil-pdq.h"

G_BEGIN_DECLS

/* PDQ results, hash-list matches and hash lists as JSON, written once for veilctl and
 * anything else that prints them. Key names and their order are part of veilctl's output. */

JsonNode *veil_pdq_to_json_node        (VeilPdq             *pdq,
                                        gboolean             dihedral);
JsonNode *veil_hash_match_to_json_node (const VeilHashMatch *match);
JsonNode *veil_hash_list_to_json_node  (VeilHashList        *list);

G_END_DECLS
