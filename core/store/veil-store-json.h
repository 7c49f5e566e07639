/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "veil-store.h"

G_BEGIN_DECLS

/* The store's records as JSON, one function per record type, so that veilctl and the
 * guardian's export write them the same way. Key names and their order are part of veilctl's
 * output: scripts rely on them. */

typedef enum {
  VEIL_AUDIT_JSON_DEFAULT     = 0,
  VEIL_AUDIT_JSON_DESCRIPTION = 1 << 0,  /* add "description", the sentence people read */
  VEIL_AUDIT_JSON_NO_ACTOR    = 1 << 1,  /* leave "actor" out, when every entry has the same */
} VeilAuditJsonFlags;

JsonNode *veil_audit_entry_to_json_node        (const VeilAuditEntry       *entry,
                                                VeilAuditJsonFlags          flags);
JsonNode *veil_consent_record_to_json_node     (const VeilConsentRecord    *record);
JsonNode *veil_protection_status_to_json_node  (const VeilProtectionStatus *status);
JsonNode *veil_report_entry_to_json_node       (const VeilReportEntry      *entry);
JsonNode *veil_alert_to_json_node              (const VeilAlert            *alert);
JsonNode *veil_stored_hash_list_to_json_node   (const VeilStoredHashList   *list);
JsonNode *veil_protected_image_to_json_node    (const VeilProtectedImage   *image);

G_END_DECLS
