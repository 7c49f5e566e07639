/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"


#include "test-store-fixture.h"
#include "veil-test-utils.h"

/* The audit log and consent records: what makes a protection active, and what the log keeps. */

static void
assert_status (VeilStore      *store,
               VeilProfile    *profile,
               VeilProtection  protection,
               gboolean        enabled,
               gboolean        acknowledged,
               gboolean        active)
{
  g_autoptr(GError) error = NULL;
  VeilProtectionStatus status;

  g_assert_true (veil_store_get_protection_status (store, profile, protection, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status.enabled, ==, enabled);
  g_assert_cmpint (status.acknowledged, ==, acknowledged);
  g_assert_cmpint (status.active, ==, active);
}

static VeilProfile *
with_protection (VeilStore      *store,
                 VeilProfile    *profile,
                 VeilProtection  protection,
                 gboolean        enabled)
{
  g_autoptr(VeilProfileBuilder) b = veil_profile_builder_new_from_profile (profile);
  g_autoptr(VeilProfile) changed = NULL;

  veil_profile_builder_set_protection_enabled (b, protection, enabled);
  changed = veil_profile_builder_build (b, NULL);
  return save (store, changed);
}

static void
test_store_consent_gating (StoreFixture  *fixture,
                           gconstpointer  data)
{
  g_autoptr(VeilStore) store = open_store (fixture);
  g_autoptr(VeilProfile) draft = make_profile ("Mia", "age-band", "under-13", NULL);
  g_autoptr(VeilProfile) mia = save (store, draft);
  g_autoptr(VeilProfile) on = NULL;
  g_autoptr(VeilProfile) off = NULL;
  g_autoptr(VeilProfile) on_again = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  guint text = veil_protection_get_text_version (VEIL_PROTECTION_MESSAGE_WARNINGS);

  /* Off by default, and an acknowledgment alone turns nothing on. */
  assert_status (store, mia, VEIL_PROTECTION_MESSAGE_WARNINGS, FALSE, FALSE, FALSE);

  /* Enabled by the guardian but not yet acknowledged: inactive. */
  on = with_protection (store, mia, VEIL_PROTECTION_MESSAGE_WARNINGS, TRUE);
  assert_status (store, on, VEIL_PROTECTION_MESSAGE_WARNINGS, TRUE, FALSE, FALSE);

  /* An acknowledgment of an older explanation does not count. */
  g_assert_true (veil_store_acknowledge (store, on, VEIL_PROTECTION_MESSAGE_WARNINGS, text - 1, &error));
  g_assert_no_error (error);
  assert_status (store, on, VEIL_PROTECTION_MESSAGE_WARNINGS, TRUE, FALSE, FALSE);

  g_assert_true (veil_store_acknowledge (store, on, VEIL_PROTECTION_MESSAGE_WARNINGS, text, &error));
  g_assert_no_error (error);
  assert_status (store, on, VEIL_PROTECTION_MESSAGE_WARNINGS, TRUE, TRUE, TRUE);
  /* Other protections are untouched. */
  assert_status (store, on, VEIL_PROTECTION_LIBRARY_SCAN, FALSE, FALSE, FALSE);

  /* The guardian can always turn it off... */
  off = with_protection (store, on, VEIL_PROTECTION_MESSAGE_WARNINGS, FALSE);
  assert_status (store, off, VEIL_PROTECTION_MESSAGE_WARNINGS, FALSE, TRUE, FALSE);
  /* ...and turning it on again asks the child again. */
  on_again = with_protection (store, off, VEIL_PROTECTION_MESSAGE_WARNINGS, TRUE);
  assert_status (store, on_again, VEIL_PROTECTION_MESSAGE_WARNINGS, TRUE, FALSE, FALSE);

  /* Every step is on record, with who and which text. */
  records = veil_store_list_consent (store, veil_profile_get_id (mia), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 5);
  g_assert_cmpstr (((VeilConsentRecord *) records->pdata[0])->action, ==, "granted");
  g_assert_cmpstr (((VeilConsentRecord *) records->pdata[0])->actor, ==, "guardian");
  g_assert_cmpstr (((VeilConsentRecord *) records->pdata[2])->action, ==, "acknowledged");
  g_assert_cmpstr (((VeilConsentRecord *) records->pdata[2])->actor, ==, "child");
  g_assert_cmpuint (((VeilConsentRecord *) records->pdata[2])->text_version, ==, text);
  g_assert_cmpstr (((VeilConsentRecord *) records->pdata[3])->action, ==, "withdrawn");
  g_assert_cmpint (((VeilConsentRecord *) records->pdata[3])->time, >, 0);
}

static void
test_store_consent_guardian_alerts (StoreFixture  *fixture,
                                    gconstpointer  data)
{
  g_autoptr(VeilStore) store = open_store (fixture);
  g_autoptr(VeilProfile) young = make_profile ("Mia", "age-band", "under-13", "notify", "guardian", NULL);
  g_autoptr(VeilProfile) teen = make_profile ("Noah", "age-band", "13-15", "notify", "guardian", NULL);
  g_autoptr(VeilProfile) s_young = save (store, young);
  g_autoptr(VeilProfile) s_teen = save (store, teen);
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(GError) error = NULL;

  /* Under 13: telling the guardian is the guardian's choice. 13 and over: also the teen's. */
  assert_status (store, s_young, VEIL_PROTECTION_GUARDIAN_ALERTS, TRUE, FALSE, TRUE);
  assert_status (store, s_teen, VEIL_PROTECTION_GUARDIAN_ALERTS, TRUE, FALSE, FALSE);
  g_assert_true (veil_store_acknowledge (store, s_teen, VEIL_PROTECTION_GUARDIAN_ALERTS,
                                         veil_protection_get_text_version (VEIL_PROTECTION_GUARDIAN_ALERTS), &error));
  assert_status (store, s_teen, VEIL_PROTECTION_GUARDIAN_ALERTS, TRUE, TRUE, TRUE);

  /* A teen can ask for a review; it is logged and changes nothing by itself. */
  g_assert_true (veil_store_request_review (store, s_teen, VEIL_PROTECTION_GUARDIAN_ALERTS, &error));
  g_assert_no_error (error);
  assert_status (store, s_teen, VEIL_PROTECTION_GUARDIAN_ALERTS, TRUE, TRUE, TRUE);
  audit = veil_store_list_audit (store, veil_profile_get_id (s_teen), 1, &error);
  g_assert_cmpuint (audit->len, ==, 1);
  g_assert_cmpstr (((VeilAuditEntry *) audit->pdata[0])->kind, ==, "review-requested");
  g_assert_cmpstr (((VeilAuditEntry *) audit->pdata[0])->actor, ==, "child");
}


static void
test_store_audit_no_pixels (StoreFixture  *fixture,
                            gconstpointer  data)
{
  g_autoptr(VeilStore) store = open_store (fixture);
  g_autoptr(VeilProfile) draft = make_profile ("Mia", "message-warnings", "on", NULL);
  g_autoptr(VeilProfile) mia = save (store, draft);
  g_autoptr(GBytes) thumb = g_bytes_new_static ("\x89PNG-THUMBNAIL-BYTES", 20);
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(GPtrArray) others = NULL;
  g_autoptr(GError) error = NULL;

  record_alert (store, mia, thumb);
  /* What the scanner writes when a folder check ends. */
  g_assert_true (veil_store_add_audit (store, veil_profile_get_id (mia), VEIL_ACTOR_VEIL, "scan",
                                       "/home/mia/Pictures, 120 pictures looked at", &error));
  g_assert_true (veil_store_add_audit (store, 0, VEIL_ACTOR_GUARDIAN, "pin-set", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (veil_store_count_alerts (store, veil_profile_get_id (mia), NULL), ==, 1);

  audit = veil_store_list_audit (store, veil_profile_get_id (mia), 0, &error);
  g_assert_no_error (error);
  /* newest first: scan, message-warning, protection-enabled, profile-created */
  g_assert_cmpuint (audit->len, ==, 4);
  g_assert_cmpstr (((VeilAuditEntry *) audit->pdata[0])->kind, ==, "scan");
  g_assert_cmpstr (((VeilAuditEntry *) audit->pdata[1])->kind, ==, "message-warning");
  g_assert_cmpstr (((VeilAuditEntry *) audit->pdata[3])->kind, ==, "profile-created");
  for (guint i = 0; i < audit->len; i++)
    {
      VeilAuditEntry *e = audit->pdata[i];
      g_autofree char *sentence = veil_audit_entry_describe (e);

      g_assert_null (strstr (e->detail, "PNG"));
      g_assert_null (strstr (e->detail, "0.97"));
      g_assert_nonnull (sentence);
      g_assert_cmpuint (strlen (sentence), >, 0);
    }

  /* Entries about no profile are kept apart. */
  others = veil_store_list_audit (store, 0, 0, &error);
  g_assert_cmpuint (others->len, ==, 1);
  g_assert_cmpstr (((VeilAuditEntry *) others->pdata[0])->kind, ==, "pin-set");
}

int
main (int   argc,
      char *argv[])
{
  veil_test_init (&argc, &argv);

  ADD_STORE_TEST ("/veil/store/consent-gating", test_store_consent_gating);
  ADD_STORE_TEST ("/veil/store/consent-guardian-alerts", test_store_consent_guardian_alerts);
  ADD_STORE_TEST ("/veil/store/audit-no-pixels", test_store_audit_no_pixels);


  return g_test_run ();
}
