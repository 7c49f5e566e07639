/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "veil.h"
#include "veil-test-utils.h"

/* The records' JSON, key by key and in order: veilctl prints these nodes as they are, and
 * scripts parse them. */

#define HEX_A "ffdc3ffe400bbbdcff9cfbdc71dc71dc11be891e00ab204128618c31cc210c61"
#define HEX_B "9e03800300438f78ef03e0c418fce1ecf9fcfffc71ecf0eefe03c383077b0603"

/* Compact text of @node, which this takes. */
static char *
text_of (JsonNode *node)
{
  g_autoptr(JsonNode) owned = node;

  g_assert_nonnull (owned);
  return json_to_string (owned, FALSE);
}

static void
test_audit_entry (void)
{
  VeilAuditEntry entry = { 7, 1, 1700000000, (char *) "guardian", (char *) "profile-created", (char *) "Mia" };
  g_autofree char *sentence = veil_audit_entry_describe (&entry);
  g_autofree char *plain = text_of (veil_audit_entry_to_json_node (&entry, VEIL_AUDIT_JSON_DEFAULT));
  g_autofree char *no_actor = text_of (veil_audit_entry_to_json_node (&entry, VEIL_AUDIT_JSON_NO_ACTOR));
  g_autoptr(JsonNode) described = veil_audit_entry_to_json_node (&entry, VEIL_AUDIT_JSON_DESCRIPTION);
  JsonObject *o = json_node_get_object (described);
  g_autoptr(GList) members = json_object_get_members (o);

  g_assert_cmpstr (plain, ==, "{\"time\":1700000000,\"actor\":\"guardian\",\"kind\":\"profile-created\",\"detail\":\"Mia\"}");
  g_assert_cmpstr (no_actor, ==, "{\"time\":1700000000,\"kind\":\"profile-created\",\"detail\":\"Mia\"}");
  /* The sentence people read comes last. */
  g_assert_cmpuint (g_list_length (members), ==, 5);
  g_assert_cmpstr (g_list_last (members)->data, ==, "description");
  g_assert_cmpstr (json_object_get_string_member (o, "description"), ==, sentence);
}

static void
test_consent_and_status (void)
{
  VeilConsentRecord record = { 3, 1, 1700000001, (char *) "library-scan", (char *) "acknowledged", (char *) "child", 2 };
  VeilProtectionStatus status = { TRUE, TRUE, FALSE, FALSE, 0 };
  g_autofree char *consent = text_of (veil_consent_record_to_json_node (&record));
  g_autofree char *state = text_of (veil_protection_status_to_json_node (&status));

  g_assert_cmpstr (consent, ==, "{\"time\":1700000001,\"protection\":\"library-scan\",\"action\":\"acknowledged\","
                                "\"actor\":\"child\",\"text-version\":2}");
  g_assert_cmpstr (state, ==, "{\"enabled\":true,\"acknowledged\":false,\"needs-acknowledgment\":true,\"consented\":false}");
}

static void
test_hash_list_records (void)
{
  VeilStoredHashList list = { 4, 0, (char *) "list", (char *) "Hotline", (char *) "hotline.csv", 3, 1700000002, 120 };
  VeilProtectedImage image = { (char *) "0123456789abcdef0123456789abcdef", { { 0 } }, 1700000003 };
  g_autofree char *list_text = NULL;
  g_autofree char *image_text = NULL;

  g_assert_true (veil_pdq_hash_from_hex (HEX_A, &image.pdq, NULL));
  list_text = text_of (veil_stored_hash_list_to_json_node (&list));
  image_text = text_of (veil_protected_image_to_json_node (&image));
  g_assert_cmpstr (list_text, ==, "{\"id\":4,\"profile-id\":0,\"kind\":\"list\",\"name\":\"Hotline\",\"source\":\"hotline.csv\","
                                  "\"version\":3,\"imported\":1700000002,\"entries\":120}");
  g_assert_cmpstr (image_text, ==, "{\"md5\":\"0123456789abcdef0123456789abcdef\",\"pdq\":\"" HEX_A "\",\"added\":1700000003}");
}

static VeilVerdict *
make_verdict (gboolean with_hash)
{
  g_autoptr(VeilVerdictBuilder) builder = veil_verdict_builder_new ();
  g_autoptr(VeilReason) reason = veil_reason_new_hash_match (VEIL_SIGNAL_HASH_LIST, 4, 31, "Hotline", 3, "case 12");
  VeilPdqHash hash;

  if (with_hash)
    {
      g_assert_true (veil_pdq_hash_from_hex (HEX_A, &hash, NULL));
      veil_verdict_builder_set_hash (builder, &hash, 90);
    }
  veil_verdict_builder_add_reason (builder, reason);
  return veil_verdict_builder_build (builder);
}

static void
test_alert (void)
{
  g_autoptr(VeilVerdict) verdict = make_verdict (TRUE);
  g_autoptr(VeilVerdict) no_hash = make_verdict (FALSE);
  VeilAlert alert = { 9, 1, 1700000004, (char *) "/home/mia/Pictures/a.jpg", (char *) "held", verdict, NULL, NULL, NULL };
  g_autofree char *explanation = veil_reason_describe (veil_verdict_get_reason (verdict, 0));
  g_autofree char *expected = g_strdup_printf (
    "{\"id\":9,\"time\":1700000004,\"state\":\"held\",\"file\":\"/home/mia/Pictures/a.jpg\","
    "\"pdq\":\"" HEX_A "\",\"quality\":90,\"reasons\":[{\"signal\":\"hash-list\",\"figure\":4.0,"
    "\"threshold\":31.0,\"source\":{\"name\":\"Hotline\",\"version\":\"3\",\"entry\":\"case 12\"},"
    "\"explanation\":\"%s\"}]}", explanation);
  g_autofree char *text = text_of (veil_alert_to_json_node (&alert));
  g_autoptr(JsonNode) without = NULL;

  g_assert_cmpstr (text, ==, expected);

  /* A picture that was never hashed has no pdq or quality. */
  alert.verdict = no_hash;
  without = veil_alert_to_json_node (&alert);
  g_assert_false (json_object_has_member (json_node_get_object (without), "pdq"));
  g_assert_false (json_object_has_member (json_node_get_object (without), "quality"));
  g_assert_true (json_object_has_member (json_node_get_object (without), "reasons"));
}

static void
test_report_entry (void)
{
  g_autoptr(VeilReportBuilder) builder = veil_report_builder_new ();
  g_autoptr(VeilVerdict) verdict = make_verdict (TRUE);
  g_autoptr(VeilReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *report_text = NULL;
  g_autofree char *inner_text = NULL;
  VeilReportEntry entry = { 5, 1, 1700000005, (char *) "new", NULL };
  JsonObject *o;
  g_autoptr(GList) members = NULL;
  const char *keys[] = { "id", "profile-id", "time", "state", "report" };
  guint i = 0;

  veil_report_builder_set_source (builder, VEIL_REPORT_SOURCE_FOLDER, "/home/mia/Downloads");
  veil_report_builder_set_verdict (builder, verdict);
  veil_report_builder_set_sha256 (builder, "b79c0e2f09f2e10b1a65c53a579761eba2079f812ee68177b6ed4fa9a2559ddb");
  report = veil_report_builder_build (builder, &error);
  g_assert_no_error (error);
  entry.report = report;

  node = veil_report_entry_to_json_node (&entry);
  o = json_node_get_object (node);
  members = json_object_get_members (o);
  for (GList *l = members; l != NULL; l = l->next)
    g_assert_cmpstr (l->data, ==, keys[i++]);
  g_assert_cmpuint (i, ==, G_N_ELEMENTS (keys));
  g_assert_cmpint (json_object_get_int_member (o, "id"), ==, 5);
  g_assert_cmpstr (json_object_get_string_member (o, "state"), ==, "new");

  /* The report inside is the report's own JSON. */
  report_text = veil_report_to_json (report);
  inner_text = json_to_string (json_object_get_member (o, "report"), TRUE);
  g_assert_cmpstr (inner_text, ==, report_text);
}

static void
test_hash_results (void)
{
  g_autoptr(VeilHashList) list = veil_hash_list_new ("Hotline");
  g_autoptr(GArray) matches = NULL;
  g_autofree char *match_text = NULL;
  g_autoptr(JsonNode) info = NULL;
  g_autoptr(JsonNode) pdq_node = NULL;
  g_autoptr(VeilPdq) pdq = NULL;
  g_autofree guint8 *pixels = g_malloc (64 * 64 * 3);
  g_autoptr(GList) info_keys = NULL;
  g_autofree char *hex = NULL;
  const char *expected_keys[] = { "name", "source", "version", "created", "format", "entries", "skipped", "sha256" };
  VeilHashMatch match = { 0 };
  VeilPdqHash a, b;
  guint i = 0;

  g_assert_true (veil_pdq_hash_from_hex (HEX_A, &a, NULL));
  g_assert_true (veil_pdq_hash_from_hex (HEX_B, &b, NULL));
  g_assert_true (veil_hash_list_add (list, &a, NULL));
  g_assert_true (veil_hash_list_add (list, &b, "case 12"));

  match.list = list;
  match.entry = 1;
  match.distance = 3;
  match.needle = VEIL_PDQ_DIHEDRAL_ROT90;
  match_text = text_of (veil_hash_match_to_json_node (&match));
  g_assert_cmpstr (match_text, ==, "{\"distance\":3,\"variant\":\"rot90\",\"list\":\"Hotline\",\"entry\":1,"
                                   "\"entry_hash\":\"" HEX_B "\",\"label\":\"case 12\"}");

  info = veil_hash_list_to_json_node (list);
  info_keys = json_object_get_members (json_node_get_object (info));
  for (GList *l = info_keys; l != NULL; l = l->next)
    g_assert_cmpstr (l->data, ==, expected_keys[i++]);
  g_assert_cmpuint (i, ==, G_N_ELEMENTS (expected_keys));
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (info), "entries"), ==, 2);
  g_assert_true (json_object_get_null_member (json_node_get_object (info), "source"));

  /* A gradient: any picture will do, the keys are what matter. */
  for (guint p = 0; p < 64 * 64 * 3; p++)
    pixels[p] = (guint8) ((p / 3) % 64 * 4);
  pdq = veil_pdq_new_from_pixels (pixels, 64, 64, 3, VEIL_PDQ_MODE_EXACT, TRUE);
  pdq_node = veil_pdq_to_json_node (pdq, TRUE);
  hex = g_malloc (VEIL_PDQ_HEX_LENGTH + 1);
  veil_pdq_hash_to_hex (veil_pdq_get_hash (pdq), hex);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (pdq_node), "hash"), ==, hex);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (pdq_node), "quality"), ==, veil_pdq_get_quality (pdq));
  g_assert_cmpuint (json_object_get_size (json_object_get_object_member (json_node_get_object (pdq_node), "dihedral")),
                    ==, VEIL_PDQ_N_DIHEDRAL);
}

int
main (int    argc,
      char **argv)
{
  veil_test_init (&argc, &argv);

  g_test_add_func ("/veil/store-json/audit-entry", test_audit_entry);
  g_test_add_func ("/veil/store-json/consent-and-status", test_consent_and_status);
  g_test_add_func ("/veil/store-json/hash-list-records", test_hash_list_records);
  g_test_add_func ("/veil/store-json/alert", test_alert);
  g_test_add_func ("/veil/store-json/report-entry", test_report_entry);
  g_test_add_func ("/veil/store-json/hash-results", test_hash_results);

  return g_test_run ();
}
