/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "test-message-guard-fixture.h"
#include "veil-test-utils.h"

/* Every sentence a child reads before a protection starts (the acknowledgment's words) is a
 * promise. For each protection and age band, and each choice of the guardian that changes what
 * happens (who is told, hiding warned pictures, the match threshold), these tests run what the
 * protection really does (the message guard on a picture arriving in Downloads, a folder
 * check on a picture folder) and check each sentence against a table of what it promises.
 * A sentence with no entry in the table fails the test, so new words need a new check; a
 * change of behaviour that breaks a promise fails the check. Sentences about what the child
 * sees on screen are checked by the UI suite (tests/ui/test-promises.c). */

typedef enum {
  FACT_WARNED,            /* a picture that may show nudity gets a warning with its reason */
  FACT_TOLD,              /* the guardian is told of the warning */
  FACT_NOT_TOLD,          /* nobody is: the warning stays private (or held) */
  FACT_TOLD_AT_THRESHOLD, /* folder checks: told only once the guardian's number is reached */
  FACT_NOT_DELETED,       /* the picture's bytes are still on this computer, unchanged */
  FACT_MOVED_IF_CHOSEN,   /* it moves into Veil's folder exactly when the guardian chose so */
  FACT_NEVER_MOVED,       /* the picture is where it was, unchanged */
  FACT_NO_PICTURE_KEPT,   /* what Veil keeps of a warned picture is a small blurred preview */
  FACT_SHOWN_ON_SCREEN,   /* what the child sees: checked by the UI suite */
  FACT_OFFLINE,           /* nothing leaves the computer: checked by the no-network test */
} Fact;

typedef struct {
  const char *sentence;
  Fact        fact;
} Promise;

static const Promise promises[] = {
  /* Message warnings */
  { "When a picture in a message may show nudity, Veil blurs it first and tells you why.", FACT_WARNED },
  { "You choose what to do next, and you can always ask a trusted adult for help.", FACT_SHOWN_ON_SCREEN },
  { "No picture ever leaves this computer, and nobody reads your messages.", FACT_OFFLINE },
  { "Veil never deletes your files.", FACT_NOT_DELETED },
  { "If your guardian chose it, Veil moves a picture it blurred into its own folder, and your guardian can put it back.",
    FACT_MOVED_IF_CHOSEN },
  /* Folder checks */
  /* How often is held to the scheduler by tests/core/test-scheduler.c. */
  { "Once a day, while the computer is not in use, Veil looks at the pictures in the folders your guardian chose, "
    "and at new pictures there soon after they arrive.", FACT_WARNED },
  { "Once a week, while the computer is not in use, Veil looks at the pictures in the folders your guardian chose, "
    "and at new pictures there soon after they arrive.", FACT_WARNED },
  { "When your guardian starts a check, Veil looks at the pictures in the folders they chose; it also looks at new "
    "pictures there soon after they arrive.", FACT_WARNED },
  { "It counts how many may show nudity and reports them only once there are as many as your guardian chose.",
    FACT_TOLD_AT_THRESHOLD },
  { "A picture Veil couldn’t check is listed at once.", FACT_SHOWN_ON_SCREEN },
  /* The reveal itself and its line on the child's page are checked by the UI suite
   * (tests/ui/test-guardian-area.c). */
  { "Your guardian is told when Veil reports pictures, and may then look at them without the blur.",
    FACT_TOLD_AT_THRESHOLD },
  { "Your Veil page says each time they do.", FACT_SHOWN_ON_SCREEN },
  { "No picture ever leaves this computer.", FACT_OFFLINE },
  { "Nobody reads your messages, and Veil never deletes your files.", FACT_NOT_DELETED },
  /* Telling the guardian */
  { "When Veil blurs a picture, your guardian gets a note that it happened and why.", FACT_TOLD },
  { "They never get the picture itself.", FACT_NO_PICTURE_KEPT },
  /* Who is told, as the profile says */
  { "Your guardian is told when Veil blurs a picture.", FACT_TOLD },
  { "They see that it happened, not the picture itself.", FACT_NO_PICTURE_KEPT },
  { "Nobody is told.", FACT_NOT_TOLD },
  { "What Veil finds stays with you.", FACT_NOT_TOLD },
  { "Your guardian is told.", FACT_TOLD },
  { "Nobody else is.", FACT_OFFLINE },
};

/* What really happened to one warned picture. */
typedef struct {
  gboolean   guardian_chose_hiding;
  guint      threshold;        /* folder checks: the guardian's number; 0 for messages */
  guint      n_found;          /* folder checks: distinct pictures found so far */
  VeilAlert *alert;
  GBytes    *original;         /* the picture's bytes before it arrived */
  GBytes    *thumbnail;        /* what the store keeps of it */
} Outcome;

static void
outcome_clear (Outcome *o)
{
  g_clear_pointer (&o->alert, veil_alert_free);
  g_clear_pointer (&o->original, g_bytes_unref);
  g_clear_pointer (&o->thumbnail, g_bytes_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Outcome, outcome_clear)

static gboolean
same_bytes_at (const char *path,
               GBytes     *expected)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (path == NULL || !g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;
  return length == g_bytes_get_size (expected) && memcmp (contents, g_bytes_get_data (expected, NULL), length) == 0;
}

static void
check_fact (Fact           fact,
            const Outcome *o,
            const char    *sentence)
{
  gboolean told = g_strcmp0 (o->alert->state, VEIL_ALERT_STATE_TOLD) == 0;

  g_test_message ("Promise: %s", sentence);
  switch (fact)
    {
    case FACT_WARNED:
      g_assert_true (veil_verdict_get_sensitive (o->alert->verdict));
      g_assert_cmpuint (veil_verdict_get_n_reasons (o->alert->verdict), >, 0);
      break;
    case FACT_TOLD:
      /* Read with a folder check's own words: told once the guardian's number is reached. */
      g_assert_true (told || (o->threshold > 0 && o->n_found < o->threshold));
      break;
    case FACT_NOT_TOLD:
      g_assert_false (told);
      break;
    case FACT_TOLD_AT_THRESHOLD:
      /* Told only when the guardian hears of findings and the number is reached. */
      if (o->n_found < o->threshold)
        g_assert_false (told);
      break;
    case FACT_NOT_DELETED:
      g_assert_true (same_bytes_at (o->alert->path, o->original) || same_bytes_at (o->alert->hidden_path, o->original));
      break;
    case FACT_MOVED_IF_CHOSEN:
      if (o->guardian_chose_hiding)
        {
          g_assert_false (g_file_test (o->alert->path, G_FILE_TEST_EXISTS));
          g_assert_true (same_bytes_at (o->alert->hidden_path, o->original));
        }
      else
        {
          g_assert_null (o->alert->hidden_path);
          g_assert_true (same_bytes_at (o->alert->path, o->original));
        }
      break;
    case FACT_NEVER_MOVED:
      g_assert_null (o->alert->hidden_path);
      g_assert_true (same_bytes_at (o->alert->path, o->original));
      break;
    case FACT_NO_PICTURE_KEPT:
      /* A preview far smaller than the picture, never its bytes. */
      g_assert_true (o->thumbnail == NULL || !g_bytes_equal (o->thumbnail, o->original));
      break;
    case FACT_SHOWN_ON_SCREEN:
    case FACT_OFFLINE:
    default:
      break;
    }
}

/* Each sentence of @text must be in the table, and hold for @o. */
static void
check_words (const char    *text,
             const Outcome *o)
{
  g_autoptr(GString) rest = g_string_new (text);

  while (rest->len > 0)
    {
      const char *end = strstr (rest->str, ". ");
      gsize len = end != NULL ? (gsize) (end - rest->str) + 1 : rest->len;
      g_autofree char *sentence = g_strndup (rest->str, len);
      gboolean found = FALSE;

      for (gsize i = 0; i < G_N_ELEMENTS (promises); i++)
        if (g_str_equal (promises[i].sentence, sentence))
          {
            check_fact (promises[i].fact, o, sentence);
            found = TRUE;
          }
      if (!found)
        g_error ("The child reads a sentence no test checks: “%s”. Add it to the table of promises.", sentence);
      g_string_erase (rest, 0, MIN (rest->len, len + 1));
    }
}

/* The acknowledgment's words for @protection under @profile, each checked against @o. */
static void
check_acknowledgment (VeilProtection  protection,
                      VeilProfile    *profile,
                      const Outcome  *o)
{
  VeilExplanation e = { 0 };

  veil_protection_get_explanation_for_profile (protection, profile, &e);
  check_words (e.what_it_does, o);
  check_words (e.what_it_never_does, o);
  check_words (e.who_is_told, o);
}

/* --- Message warnings ------------------------------------------------------------------- */

typedef struct {
  VeilAgeBand band;
  gboolean    guardian_alerts;   /* the profile tells the guardian */
  gboolean    hide;              /* "Hide warned pictures" */
} MessageCase;

static void
test_message_warnings (GuardFixture  *fixture,
                       gconstpointer  data)
{
  const MessageCase *c = data;
  g_autoptr(VeilProfile) profile = save_profile (fixture, "Mia", c->band, c->hide, c->guardian_alerts, TRUE);
  g_autofree char *staged = veil_test_write_red_picture (fixture->staging, "photo.png", 256, 7);
  g_autofree char *arrived = g_build_filename (fixture->downloads, "photo.png", NULL);
  g_autoptr(GError) error = NULL;
  g_auto(Outcome) o = { 0 };

  guard (fixture, profile);
  o.original = read_bytes (staged);
  /* "Hide warned pictures" is offered for younger children only; an older child's files never move. */
  o.guardian_chose_hiding = c->hide && c->band == VEIL_AGE_BAND_UNDER_13;
  g_assert_cmpint (g_rename (staged, arrived), ==, 0);
  wait_for_results (fixture, 1);
  g_assert_cmpuint (fixture->warned->len, ==, 1);

  o.alert = veil_store_get_alert (fixture->store, g_array_index (fixture->warned, gint64, 0), &error);
  g_assert_no_error (error);
  o.thumbnail = veil_store_get_thumbnail (fixture->store, o.alert->id, NULL);
  g_assert_cmpstr (o.alert->path, ==, arrived);

  check_acknowledgment (VEIL_PROTECTION_MESSAGE_WARNINGS, profile, &o);
  if (c->guardian_alerts)
    check_acknowledgment (VEIL_PROTECTION_GUARDIAN_ALERTS, profile, &o);
}

/* --- Folder checks ---------------------------------------------------------------------- */

typedef struct {
  VeilAgeBand band;
  gboolean    guardian_alerts;
  guint       threshold;
} ScanCase;

static VeilAlert *
newest_alert (VeilStore *store,
              gint64     profile_id)
{
  g_autoptr(GPtrArray) alerts = veil_store_list_alerts (store, profile_id, NULL);
  VeilAlert *newest = NULL;

  g_assert_nonnull (alerts);
  for (guint i = 0; i < alerts->len; i++)
    {
      VeilAlert *a = alerts->pdata[i];
      if (newest == NULL || a->id > newest->id)
        newest = a;
    }
  g_assert_nonnull (newest);
  return veil_alert_copy (newest);
}

/* Folder checks never move a picture, even with "Hide warned pictures" on, and tell the
 * guardian only once the guardian's number of pictures is reached. */
static void
test_folder_checks (GuardFixture  *fixture,
                    gconstpointer  data)
{
  const ScanCase *c = data;
  g_autoptr(VeilProfileBuilder) b = veil_profile_builder_new ("Noah");
  const char *folders[] = { fixture->downloads, NULL };
  g_autoptr(VeilProfile) profile = NULL;

  veil_profile_builder_set_age_band (b, c->band);
  veil_profile_builder_set_folders (b, folders);
  veil_profile_builder_set_hide_warned (b, TRUE);
  veil_profile_builder_set_protection_enabled (b, VEIL_PROTECTION_LIBRARY_SCAN, TRUE);
  veil_profile_builder_set_protection_enabled (b, VEIL_PROTECTION_GUARDIAN_ALERTS, c->guardian_alerts);
  veil_profile_builder_set_match_threshold (b, c->threshold);
  profile = veil_test_save_profile (fixture->store, b, TRUE);

  for (guint n = 1; n <= 2; n++)
    {
      g_autofree char *name = g_strdup_printf ("picture-%u.png", n);
      g_autofree char *path = veil_test_write_red_picture (fixture->downloads, name, 256, 40 + n);
      g_autoptr(VeilScanner) scanner = veil_scanner_new (fixture->analyzer, fixture->store, profile);
      g_autoptr(VeilScanSummary) summary = NULL;
      g_autoptr(GError) error = NULL;
      g_auto(Outcome) o = { 0 };

      o.original = read_bytes (path);
      summary = veil_scanner_scan_sync (scanner, NULL, NULL, &error);
      g_assert_no_error (error);
      o.alert = newest_alert (fixture->store, veil_profile_get_id (profile));
      g_assert_cmpstr (o.alert->path, ==, path);
      o.threshold = c->threshold;
      o.n_found = n;
      o.thumbnail = veil_store_get_thumbnail (fixture->store, o.alert->id, NULL);

      check_acknowledgment (VEIL_PROTECTION_LIBRARY_SCAN, profile, &o);
      /* Not a message warning: "moved if chosen" does not apply, nothing ever moves. */
      check_fact (FACT_NEVER_MOVED, &o, "A check never moves or deletes a picture.");
      if (c->guardian_alerts && n >= c->threshold)
        g_assert_cmpstr (o.alert->state, ==, VEIL_ALERT_STATE_TOLD);
      if (!c->guardian_alerts)
        g_assert_cmpstr (o.alert->state, !=, VEIL_ALERT_STATE_TOLD);
    }
}

int
main (int   argc,
      char *argv[])
{
  static const MessageCase message_cases[] = {
    { VEIL_AGE_BAND_UNDER_13, FALSE, FALSE }, { VEIL_AGE_BAND_UNDER_13, TRUE, FALSE },
    { VEIL_AGE_BAND_UNDER_13, TRUE, TRUE },  { VEIL_AGE_BAND_13_15, FALSE, FALSE },
    { VEIL_AGE_BAND_13_15, FALSE, TRUE },    { VEIL_AGE_BAND_16_17, TRUE, FALSE },
  };
  static const ScanCase scan_cases[] = {
    { VEIL_AGE_BAND_UNDER_13, TRUE, 1 }, { VEIL_AGE_BAND_UNDER_13, FALSE, 1 },
    { VEIL_AGE_BAND_13_15, TRUE, 3 },    { VEIL_AGE_BAND_16_17, FALSE, 2 },
  };

  veil_test_init (&argc, &argv);
  veil_test_tolerate_vips_warnings (argv[0]);

  for (gsize i = 0; i < G_N_ELEMENTS (message_cases); i++)
    {
      const MessageCase *c = &message_cases[i];
      g_autofree char *path = g_strdup_printf ("/veil/promises/message-warnings/%s/%s/%s",
                                               veil_age_band_to_string (c->band),
                                               c->guardian_alerts ? "guardian-told" : "nobody-told",
                                               c->hide ? "hide" : "keep");

      g_test_add (path, GuardFixture, c, fixture_setup, test_message_warnings, fixture_teardown);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (scan_cases); i++)
    {
      const ScanCase *c = &scan_cases[i];
      g_autofree char *path = g_strdup_printf ("/veil/promises/folder-checks/%s/%s/threshold-%u",
                                               veil_age_band_to_string (c->band),
                                               c->guardian_alerts ? "guardian-told" : "nobody-told", c->threshold);

      g_test_add (path, GuardFixture, c, fixture_setup, test_folder_checks, fixture_teardown);
    }
  return g_test_run ();
}
