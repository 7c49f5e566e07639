/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-hash"

#include "config.h"

#include "veil-hash-json.h"

static void
add_hex (JsonBuilder       *b,
         const char        *member,
         const VeilPdqHash *hash)
{
  char hex[VEIL_PDQ_HEX_LENGTH + 1];

  veil_pdq_hash_to_hex (hash, hex);
  json_builder_set_member_name (b, member);
  json_builder_add_string_value (b, hex);
}

static void
add_nullable_string (JsonBuilder *b,
                     const char  *member,
                     const char  *value)
{
  json_builder_set_member_name (b, member);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

/**
 * veil_pdq_to_json_node:
 * @dihedral: whether to add the eight dihedral hashes
 *
 * Returns: (transfer full): `{hash, quality}`, then `dihedral: {orig, rot90, …}` when
 *   @dihedral is set (@pdq must have them)
 */
JsonNode *
veil_pdq_to_json_node (VeilPdq  *pdq,
                       gboolean  dihedral)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (pdq != NULL, NULL);

  json_builder_begin_object (b);
  add_hex (b, "hash", veil_pdq_get_hash (pdq));
  json_builder_set_member_name (b, "quality");
  json_builder_add_int_value (b, veil_pdq_get_quality (pdq));
  if (dihedral)
    {
      json_builder_set_member_name (b, "dihedral");
      json_builder_begin_object (b);
      for (int k = 0; k < VEIL_PDQ_N_DIHEDRAL; k++)
        add_hex (b, veil_pdq_dihedral_to_string (k), veil_pdq_get_dihedral (pdq, k));
      json_builder_end_object (b);
    }
  json_builder_end_object (b);

  return json_builder_get_root (b);
}

/**
 * veil_hash_match_to_json_node:
 *
 * Returns: (transfer full): `{distance, variant, list, entry, entry_hash, label}`, label
 *   being null when the entry has none
 */
JsonNode *
veil_hash_match_to_json_node (const VeilHashMatch *match)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (match != NULL, NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "distance");
  json_builder_add_int_value (b, match->distance);
  json_builder_set_member_name (b, "variant");
  json_builder_add_string_value (b, veil_pdq_dihedral_to_string (match->needle));
  json_builder_set_member_name (b, "list");
  json_builder_add_string_value (b, veil_hash_list_get_name (match->list));
  json_builder_set_member_name (b, "entry");
  json_builder_add_int_value (b, match->entry);
  add_hex (b, "entry_hash", veil_hash_list_get_hash (match->list, match->entry));
  add_nullable_string (b, "label", veil_hash_list_get_label (match->list, match->entry));
  json_builder_end_object (b);

  return json_builder_get_root (b);
}

/**
 * veil_hash_list_to_json_node:
 *
 * Returns: (transfer full): `{name, source, version, created, format, entries, skipped,
 *   sha256}`, created in ISO 8601 and sha256 the checksum of the entries
 */
JsonNode *
veil_hash_list_to_json_node (VeilHashList *list)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *created = NULL;
  g_autofree char *sha = NULL;

  g_return_val_if_fail (VEIL_IS_HASH_LIST (list), NULL);

  created = g_date_time_format_iso8601 (veil_hash_list_get_created (list));
  sha = veil_hash_list_compute_checksum (list);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, veil_hash_list_get_name (list));
  add_nullable_string (b, "source", veil_hash_list_get_source (list));
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, veil_hash_list_get_version (list));
  json_builder_set_member_name (b, "created");
  json_builder_add_string_value (b, created);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, veil_hash_list_format_to_string (veil_hash_list_get_format (list)));
  json_builder_set_member_name (b, "entries");
  json_builder_add_int_value (b, veil_hash_list_get_n_entries (list));
  json_builder_set_member_name (b, "skipped");
  json_builder_add_int_value (b, veil_hash_list_get_n_skipped (list));
  json_builder_set_member_name (b, "sha256");
  json_builder_add_string_value (b, sha);
  json_builder_end_object (b);

  return json_builder_get_root (b);
}
