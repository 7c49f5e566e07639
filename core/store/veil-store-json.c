/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-store"

#include "config.h"

#include "veil-store-json.h"

/* Each record type written once. veilctl prints these nodes as they are; changing a key or
 * its place changes veilctl's output, which scripts and tests parse. */

static void
add_string (JsonBuilder *b,
            const char  *member,
            const char  *value)
{
  json_builder_set_member_name (b, member);
  json_builder_add_string_value (b, value);
}

static void
add_int (JsonBuilder *b,
         const char  *member,
         gint64       value)
{
  json_builder_set_member_name (b, member);
  json_builder_add_int_value (b, value);
}

static void
add_boolean (JsonBuilder *b,
             const char  *member,
             gboolean     value)
{
  json_builder_set_member_name (b, member);
  json_builder_add_boolean_value (b, value);
}

/**
 * veil_audit_entry_to_json_node:
 * @flags: which optional members to add or leave out
 *
 * Returns: (transfer full): `{time, actor, kind, detail}`, with `description` last when
 *   @flags asks for it
 */
JsonNode *
veil_audit_entry_to_json_node (const VeilAuditEntry *entry,
                               VeilAuditJsonFlags    flags)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (entry != NULL, NULL);

  json_builder_begin_object (b);
  add_int (b, "time", entry->time);
  if (!(flags & VEIL_AUDIT_JSON_NO_ACTOR))
    add_string (b, "actor", entry->actor);
  add_string (b, "kind", entry->kind);
  add_string (b, "detail", entry->detail);
  if (flags & VEIL_AUDIT_JSON_DESCRIPTION)
    {
      g_autofree char *sentence = veil_audit_entry_describe (entry);
      add_string (b, "description", sentence);
    }
  json_builder_end_object (b);

  return json_builder_get_root (b);
}

/**
 * veil_consent_record_to_json_node:
 *
 * Returns: (transfer full): `{time, protection, action, actor, text-version}`
 */
JsonNode *
veil_consent_record_to_json_node (const VeilConsentRecord *record)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (record != NULL, NULL);

  json_builder_begin_object (b);
  add_int (b, "time", record->time);
  add_string (b, "protection", record->protection);
  add_string (b, "action", record->action);
  add_string (b, "actor", record->actor);
  add_int (b, "text-version", record->text_version);
  json_builder_end_object (b);

  return json_builder_get_root (b);
}

/**
 * veil_protection_status_to_json_node:
 *
 * "consented" is the consent side of "active": enabled, and acknowledged where the child must
 * acknowledge. Whether the protection really runs is VeilHealth's to say.
 *
 * Returns: (transfer full): `{enabled, acknowledged, needs-acknowledgment, consented}`
 */
JsonNode *
veil_protection_status_to_json_node (const VeilProtectionStatus *status)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (status != NULL, NULL);

  json_builder_begin_object (b);
  add_boolean (b, "enabled", status->enabled);
  add_boolean (b, "acknowledged", status->acknowledged);
  add_boolean (b, "needs-acknowledgment", status->needs_acknowledgment);
  add_boolean (b, "consented", status->active);
  json_builder_end_object (b);

  return json_builder_get_root (b);
}

/**
 * veil_report_entry_to_json_node:
 *
 * Returns: (transfer full): `{id, profile-id, time, state, report}`, the report as
 *   veil_report_to_json_node() writes it
 */
JsonNode *
veil_report_entry_to_json_node (const VeilReportEntry *entry)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (entry != NULL, NULL);

  json_builder_begin_object (b);
  add_int (b, "id", entry->id);
  add_int (b, "profile-id", entry->profile_id);
  add_int (b, "time", entry->time);
  add_string (b, "state", entry->state);
  json_builder_set_member_name (b, "report");
  if (entry->report != NULL)
    json_builder_add_value (b, veil_report_to_json_node (entry->report));
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);

  return json_builder_get_root (b);
}

/**
 * veil_alert_to_json_node:
 *
 * Returns: (transfer full): `{id, time, state, file}` followed by the members of
 *   veil_verdict_to_display_json_node(): the PDQ hash and quality when there is one, and
 *   the reasons
 */
JsonNode *
veil_alert_to_json_node (const VeilAlert *alert)
{
  g_autoptr(JsonNode) verdict = NULL;
  g_autoptr(JsonObject) o = json_object_new ();
  JsonObject *v;
  g_autoptr(GList) members = NULL;

  g_return_val_if_fail (alert != NULL, NULL);

  json_object_set_int_member (o, "id", alert->id);
  json_object_set_int_member (o, "time", alert->time);
  json_object_set_string_member (o, "state", alert->state);
  json_object_set_string_member (o, "file", alert->path);

  /* The verdict's members in their own order, flat in the alert as veilctl always wrote them. */
  verdict = veil_verdict_to_display_json_node (alert->verdict);
  v = json_node_get_object (verdict);
  members = json_object_get_members (v);
  for (GList *l = members; l != NULL; l = l->next)
    json_object_set_member (o, l->data, json_object_dup_member (v, l->data));

  return json_node_init_object (json_node_alloc (), o);
}

/**
 * veil_stored_hash_list_to_json_node:
 *
 * Returns: (transfer full): `{id, profile-id, kind, name, source, version, imported,
 *   entries}`; profile-id is 0 for a list every profile uses
 */
JsonNode *
veil_stored_hash_list_to_json_node (const VeilStoredHashList *list)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (list != NULL, NULL);

  json_builder_begin_object (b);
  add_int (b, "id", list->id);
  add_int (b, "profile-id", list->profile_id);
  add_string (b, "kind", list->kind);
  add_string (b, "name", list->name);
  add_string (b, "source", list->source);
  add_int (b, "version", list->version);
  add_int (b, "imported", list->imported);
  add_int (b, "entries", list->n_entries);
  json_builder_end_object (b);

  return json_builder_get_root (b);
}

/**
 * veil_protected_image_to_json_node:
 *
 * Returns: (transfer full): `{md5, pdq, added}`: the two fingerprints a child can hand to
 *   StopNCII or Take It Down, never pixels
 */
JsonNode *
veil_protected_image_to_json_node (const VeilProtectedImage *image)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  char hex[VEIL_PDQ_HEX_LENGTH + 1];

  g_return_val_if_fail (image != NULL, NULL);

  veil_pdq_hash_to_hex (&image->pdq, hex);
  json_builder_begin_object (b);
  add_string (b, "md5", image->md5);
  add_string (b, "pdq", hex);
  add_int (b, "added", image->added);
  json_builder_end_object (b);

  return json_builder_get_root (b);
}
