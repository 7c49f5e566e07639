/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <vips/vips.h>
#include <glib/gstdio.h>

#include "veil.h"
#include "veil-store-private.h"
#include "veil-test-classifier.h"
#include "veil-test-utils.h"

/* Folder checks by schedule and on arrival: the real VeilLibraryScheduler with a real store
 * file, real libvips decoding and the test classifier (it flags mostly red pictures). Only
 * the session (idle, power-saver, battery) and the store's clock are the test's own. */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipsImage, g_object_unref)

#define DAY (24 * 60 * 60)
#define T0  G_GINT64_CONSTANT (1800000000)

/* --- a session the test controls ------------------------------------------------------------ */

#define TEST_TYPE_SOURCE (test_source_get_type ())
G_DECLARE_FINAL_TYPE (TestSource, test_source, TEST, SOURCE, GObject)

struct _TestSource
{
  GObject  parent_instance;
  gboolean idle;
  gboolean power_saver;
  gboolean low_battery;
};

static gboolean test_source_get_idle (VeilScheduleSource *s) { return TEST_SOURCE (s)->idle; }
static gboolean test_source_get_power_saver (VeilScheduleSource *s) { return TEST_SOURCE (s)->power_saver; }
static gboolean test_source_get_low_battery (VeilScheduleSource *s) { return TEST_SOURCE (s)->low_battery; }

static void
test_source_iface_init (VeilScheduleSourceInterface *iface)
{
  iface->get_idle = test_source_get_idle;
  iface->get_power_saver = test_source_get_power_saver;
  iface->get_low_battery = test_source_get_low_battery;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (TestSource, test_source, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (VEIL_TYPE_SCHEDULE_SOURCE, test_source_iface_init))

static void test_source_class_init (TestSourceClass *klass) { }
static void test_source_init (TestSource *self) { }

static void
set_session (TestSource *source,
             gboolean    idle,
             gboolean    power_saver,
             gboolean    low_battery)
{
  source->idle = idle;
  source->power_saver = power_saver;
  source->low_battery = low_battery;
  veil_schedule_source_changed (VEIL_SCHEDULE_SOURCE (source));
}

/* --- fixture -------------------------------------------------------------------------------- */

typedef struct {
  char                 *dir;
  char                 *library;
  gint64                now;
  VeilStore            *store;
  VeilTestClassifier   *classifier;
  VeilAnalyzer         *analyzer;
  VeilProfile          *profile;
  TestSource           *source;
  VeilLibraryScheduler *scheduler;
  guint                 n_started;
  guint                 n_finished;
  VeilScanSummary      *summary;   /* of the last sweep that finished, nullable */
  GPtrArray            *arrived;   /* paths checked on arrival */
  guint                 n_arrival_alerts;
} Fixture;

static gint64
fake_clock (gpointer user_data)
{
  return ((Fixture *) user_data)->now;
}

static void
started_cb (VeilLibraryScheduler *scheduler,
            Fixture              *fixture)
{
  fixture->n_started++;
}

static void
finished_cb (VeilLibraryScheduler *scheduler,
             VeilScanSummary      *summary,
             Fixture              *fixture)
{
  fixture->n_finished++;
  g_clear_pointer (&fixture->summary, veil_scan_summary_free);
  if (summary != NULL)
    fixture->summary = veil_scan_summary_copy (summary);
}

static void
arrival_cb (VeilLibraryScheduler *scheduler,
            const char           *path,
            guint                 n_new_alerts,
            Fixture              *fixture)
{
  g_ptr_array_add (fixture->arrived, g_strdup (path));
  fixture->n_arrival_alerts += n_new_alerts;
}

typedef struct {
  guint    seed;
  gboolean red;
} Pattern;

static void
pattern_pixel (guint    x,
               guint    y,
               guint    width,
               guint    height,
               guint8  *p,
               gpointer data)
{
  const Pattern *pattern = data;
  guint seed = pattern->seed;
  gboolean red = pattern->red;

  p[0] = red ? 200 + (x * seed) % 50 : (guint8) ((x * 7 + y * seed) % 256);
  p[1] = red ? 10 : (guint8) ((y * 5 + x * seed) % 256);
  p[2] = red ? 10 : (guint8) ((x + y + seed * 13) % 256);
}

/* A smooth pattern; @red makes the test classifier flag it. */
static void
write_picture (const char *dir,
               const char *name,
               guint       seed,
               gboolean    red)
{
  Pattern pattern = { seed, red };

  g_free (veil_test_write_pixels (dir, name, 256, 192, pattern_pixel, &pattern));
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  guint n_pictures = GPOINTER_TO_UINT (data);
  g_autofree char *db = NULL;
  g_autoptr(VeilProfileBuilder) b = veil_profile_builder_new ("Sam");
  g_autoptr(GError) error = NULL;
  const char *folders[2] = { NULL, NULL };

  fixture->dir = veil_test_make_tmpdir ();
  fixture->library = g_build_filename (fixture->dir, "Pictures", NULL);
  g_assert_cmpint (g_mkdir_with_parents (fixture->library, 0700), ==, 0);
  for (guint i = 0; i < n_pictures; i++)
    {
      g_autofree char *name = g_strdup_printf ("p%03u.png", i);
      write_picture (fixture->library, name, i + 1, FALSE);
    }
  fixture->now = T0;
  db = g_build_filename (fixture->dir, "veil.db", NULL);
  fixture->store = veil_store_new (db, NULL, &error);
  g_assert_no_error (error);
  _veil_store_set_clock (fixture->store, fake_clock, fixture);

  folders[0] = fixture->library;
  veil_profile_builder_set_folders (b, folders);
  veil_profile_builder_set_protection_enabled (b, VEIL_PROTECTION_LIBRARY_SCAN, TRUE);
  veil_profile_builder_set_match_threshold (b, 1);
  /* Only the library scan is on: it alone is acknowledged. */
  fixture->profile = veil_test_save_profile (fixture->store, b, TRUE);

  fixture->classifier = veil_test_classifier_new (0);
  fixture->analyzer = veil_analyzer_new (VEIL_CLASSIFIER (fixture->classifier));
  fixture->source = g_object_new (TEST_TYPE_SOURCE, NULL);
  fixture->arrived = g_ptr_array_new_with_free_func (g_free);
  fixture->scheduler = veil_library_scheduler_new (fixture->analyzer, fixture->store,
                                                   VEIL_SCHEDULE_SOURCE (fixture->source));
  veil_library_scheduler_set_n_workers (fixture->scheduler, 1);
  veil_library_scheduler_set_settle_time (fixture->scheduler, 50);
  g_signal_connect (fixture->scheduler, "sweep-started", G_CALLBACK (started_cb), fixture);
  g_signal_connect (fixture->scheduler, "sweep-finished", G_CALLBACK (finished_cb), fixture);
  g_signal_connect (fixture->scheduler, "arrival-checked", G_CALLBACK (arrival_cb), fixture);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->scheduler);
  g_clear_object (&fixture->source);
  g_clear_pointer (&fixture->summary, veil_scan_summary_free);
  g_clear_pointer (&fixture->arrived, g_ptr_array_unref);
  g_clear_pointer (&fixture->profile, veil_profile_unref);
  g_clear_object (&fixture->analyzer);
  g_clear_object (&fixture->classifier);
  g_clear_object (&fixture->store);
  veil_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->library);
}

static void
wait_finished (Fixture *fixture,
               guint    n)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (fixture->n_finished < n && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (fixture->n_finished, ==, n);
}

static void
spin (guint ms)
{
  gint64 deadline = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
}

static char *
wait_noted (Fixture *fixture)
{
  return veil_library_schedule_get_wait (fixture->store, veil_profile_get_id (fixture->profile));
}

/* --- tests ---------------------------------------------------------------------------------- */

static void
test_runs_when_due_and_idle (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *wait = NULL;
  gint64 id = veil_profile_get_id (fixture->profile);

  /* Due (never checked) but the session is in use: it waits, and says why. */
  veil_library_scheduler_set_profile (fixture->scheduler, fixture->profile);
  spin (200);
  g_assert_false (veil_library_scheduler_get_sweeping (fixture->scheduler));
  g_assert_cmpuint (fixture->n_started, ==, 0);
  wait = wait_noted (fixture);
  g_assert_cmpstr (wait, ==, VEIL_LIBRARY_WAIT_IDLE);

  set_session (fixture->source, TRUE, FALSE, FALSE);
  g_assert_true (veil_library_scheduler_get_sweeping (fixture->scheduler));
  wait_finished (fixture, 1);
  g_assert_nonnull (fixture->summary);
  g_assert_cmpuint (fixture->summary->n_seen, ==, 6);
  g_assert_cmpuint (fixture->summary->n_analyzed, ==, 6);
  g_assert_cmpint (veil_store_get_last_check (fixture->store, id, VEIL_PROTECTION_LIBRARY_SCAN), ==, T0);
  g_assert_cmpint (veil_library_scheduler_get_next_check (fixture->scheduler), ==, T0 + DAY);
  g_assert_cmpint (veil_library_schedule_next_check (fixture->store, fixture->profile), ==, T0 + DAY);

  /* An hour later and idle again: not due, nothing runs. */
  fixture->now = T0 + 3600;
  set_session (fixture->source, TRUE, FALSE, FALSE);
  spin (200);
  g_assert_cmpuint (fixture->n_started, ==, 1);

  /* A day later it is due again, and reads nothing that did not change. */
  fixture->now = T0 + DAY;
  set_session (fixture->source, TRUE, FALSE, FALSE);
  wait_finished (fixture, 2);
  g_assert_cmpuint (fixture->summary->n_cached, ==, 6);
  g_assert_cmpuint (fixture->summary->n_analyzed, ==, 0);
}

static void
test_waits_on_power (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *wait = NULL;

  set_session (fixture->source, TRUE, TRUE, FALSE);
  veil_library_scheduler_set_profile (fixture->scheduler, fixture->profile);
  spin (200);
  g_assert_cmpuint (fixture->n_started, ==, 0);
  wait = wait_noted (fixture);
  g_assert_cmpstr (wait, ==, VEIL_LIBRARY_WAIT_POWER);

  /* Power-saver off but the battery is low: still waiting. */
  set_session (fixture->source, TRUE, FALSE, TRUE);
  spin (200);
  g_assert_cmpuint (fixture->n_started, ==, 0);

  set_session (fixture->source, TRUE, FALSE, FALSE);
  wait_finished (fixture, 1);
  g_assert_nonnull (fixture->summary);
  g_assert_cmpuint (fixture->summary->n_analyzed, ==, 6);
  g_clear_pointer (&wait, g_free);
  wait = wait_noted (fixture);
  g_assert_cmpstr (wait, ==, VEIL_LIBRARY_WAIT_NONE);
}

static void
test_catches_up (Fixture       *fixture,
                 gconstpointer  data)
{
  set_session (fixture->source, TRUE, FALSE, FALSE);
  veil_library_scheduler_set_profile (fixture->scheduler, fixture->profile);
  wait_finished (fixture, 1);

  /* The computer was off for three days: one check at the next good moment, not three. */
  fixture->now = T0 + 3 * DAY + 600;
  set_session (fixture->source, TRUE, FALSE, FALSE);
  wait_finished (fixture, 2);
  spin (300);
  g_assert_cmpuint (fixture->n_started, ==, 2);
  g_assert_cmpuint (fixture->summary->n_cached, ==, 6);
  g_assert_cmpint (veil_library_scheduler_get_next_check (fixture->scheduler), ==, T0 + 4 * DAY + 600);
}

static void
test_stops_on_activity (Fixture       *fixture,
                        gconstpointer  data)
{
  gint64 id = veil_profile_get_id (fixture->profile);
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  guint finished;

  set_session (fixture->source, TRUE, FALSE, FALSE);
  veil_library_scheduler_set_profile (fixture->scheduler, fixture->profile);
  while (veil_store_count_cache (fixture->store) < 3 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);

  /* The child comes back: the sweep stops; the run stays open to be resumed. */
  set_session (fixture->source, FALSE, FALSE, FALSE);
  wait_finished (fixture, 1);
  g_assert_null (fixture->summary);
  g_assert_true (veil_store_has_unfinished_run (fixture->store, id));
  finished = veil_store_count_cache (fixture->store);
  g_assert_cmpuint (finished, >=, 3);
  g_assert_cmpuint (finished, <, 40);

  /* Idle again: it resumes at once (still due) and reads only the rest. */
  set_session (fixture->source, TRUE, FALSE, FALSE);
  wait_finished (fixture, 2);
  g_assert_nonnull (fixture->summary);
  g_assert_true (fixture->summary->resumed);
  g_assert_cmpuint (fixture->summary->n_seen, ==, 40);
  g_assert_cmpuint (fixture->summary->n_cached, ==, finished);
  g_assert_cmpuint (fixture->summary->n_analyzed, ==, 40 - finished);
  g_assert_false (veil_store_has_unfinished_run (fixture->store, id));
}

static void
test_checks_arrivals (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *staging = g_build_filename (fixture->dir, "staging", NULL);
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autoptr(GPtrArray) alerts = NULL;
  gint64 deadline;

  /* Off schedule and the session busy: arrivals are still checked. */
  set_session (fixture->source, FALSE, FALSE, FALSE);
  veil_library_scheduler_set_profile (fixture->scheduler, fixture->profile);
  spin (300);  /* the watcher starts after the folders are listed */

  g_assert_cmpint (g_mkdir_with_parents (staging, 0700), ==, 0);
  write_picture (staging, "import.png", 3, TRUE);
  from = g_build_filename (staging, "import.png", NULL);
  to = g_build_filename (fixture->library, "import.png", NULL);
  g_assert_cmpint (g_rename (from, to), ==, 0);

  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (fixture->arrived->len == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (fixture->arrived->len, ==, 1);
  g_assert_cmpstr (fixture->arrived->pdata[0], ==, to);
  g_assert_cmpuint (fixture->n_arrival_alerts, ==, 1);
  g_assert_cmpuint (fixture->n_started, ==, 0);

  /* The same rules as a manual check: telling the guardian is off here, so it is held. */
  alerts = veil_store_list_alerts (fixture->store, veil_profile_get_id (fixture->profile), NULL);
  g_assert_cmpuint (alerts->len, ==, 1);
  g_assert_cmpstr (((VeilAlert *) alerts->pdata[0])->state, ==, VEIL_ALERT_STATE_HELD);
  g_assert_cmpuint (veil_store_count_alerts_in_state (fixture->store, veil_profile_get_id (fixture->profile),
                                                      VEIL_ALERT_STATE_HELD), ==, 1);
}

static void
wait_for_arrivals (Fixture *fixture,
                   guint    n)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (fixture->arrived->len < n && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (fixture->arrived->len, ==, n);
}

/* A camera import makes dated folders: a folder moved in with its pictures, and pictures
 * saved into a folder made after the service started, are checked on arrival too. */
static void
test_checks_new_folders (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *staging = g_build_filename (fixture->dir, "staging", "2026-12-03", NULL);
  g_autofree char *moved = g_build_filename (fixture->library, "2026-12-03", NULL);
  g_autofree char *made = g_build_filename (fixture->library, "2026-12-04", "burst", NULL);
  g_autofree char *first = g_build_filename (moved, "import.png", NULL);
  g_autofree char *second = g_build_filename (made, "later.png", NULL);

  set_session (fixture->source, FALSE, FALSE, FALSE);
  veil_library_scheduler_set_profile (fixture->scheduler, fixture->profile);
  spin (300);

  g_assert_cmpint (g_mkdir_with_parents (staging, 0700), ==, 0);
  write_picture (staging, "import.png", 3, TRUE);
  g_assert_cmpint (g_rename (staging, moved), ==, 0);
  wait_for_arrivals (fixture, 1);
  g_assert_cmpstr (fixture->arrived->pdata[0], ==, first);

  g_assert_cmpint (g_mkdir_with_parents (made, 0700), ==, 0);
  spin (300);  /* the new folders are watched once they are walked */
  write_picture (made, "later.png", 4, TRUE);
  wait_for_arrivals (fixture, 2);
  g_assert_cmpstr (fixture->arrived->pdata[1], ==, second);
  g_assert_cmpuint (fixture->n_arrival_alerts, ==, 2);
  g_assert_cmpuint (fixture->n_started, ==, 0);
}

static void
test_missed_in_health (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(VeilHealth) health = NULL;
  GPtrArray *problems;
  gboolean found = FALSE;

  VeilProtectionStatus status = { 0 };

  /* Nine days since the child agreed, with a session never idle. */
  g_assert_true (veil_store_get_protection_status (fixture->store, fixture->profile, VEIL_PROTECTION_LIBRARY_SCAN,
                                                   &status, NULL));
  fixture->now = status.acknowledged_at + 3600;
  veil_library_scheduler_set_profile (fixture->scheduler, fixture->profile);
  spin (100);
  fixture->now = status.acknowledged_at + 9 * DAY + 60;
  health = veil_health_check (fixture->store, fixture->profile, NULL);
  problems = veil_health_get_problems (health, VEIL_PROTECTION_LIBRARY_SCAN);
  for (guint i = 0; i < problems->len; i++)
    {
      VeilHealthProblem *problem = problems->pdata[i];

      if (problem->kind == VEIL_HEALTH_PROBLEM_SCHEDULE_MISSED)
        {
          found = TRUE;
          g_assert_nonnull (strstr (problem->reason, "9 days"));
          g_assert_nonnull (strstr (problem->reason, "never idle"));
        }
    }
  g_assert_true (found);
  g_assert_cmpint (veil_health_get_state (health, VEIL_PROTECTION_LIBRARY_SCAN), ==, VEIL_HEALTH_STATE_NOT_WORKING);
  g_assert_cmpint (veil_health_get_next_check (health), >, 0);
  g_assert_cmpint (veil_health_get_next_check (health), <=, fixture->now);
  g_clear_object (&health);

  /* A removed folder shows too. */
  veil_test_rm_rf (fixture->library);
  health = veil_health_check (fixture->store, fixture->profile, NULL);
  problems = veil_health_get_problems (health, VEIL_PROTECTION_LIBRARY_SCAN);
  found = FALSE;
  for (guint i = 0; i < problems->len; i++)
    found |= ((VeilHealthProblem *) problems->pdata[i])->kind == VEIL_HEALTH_PROBLEM_FOLDER_MISSING;
  g_assert_true (found);
}

/* The promise: the words the child agrees to say how often the scheduler really checks. */
static void
test_promise (Fixture       *fixture,
              gconstpointer  data)
{
  const struct { VeilScanSchedule schedule; const char *words; } cases[] = {
    { VEIL_SCAN_SCHEDULE_DAILY, "Once a day" },
    { VEIL_SCAN_SCHEDULE_WEEKLY, "Once a week" },
    { VEIL_SCAN_SCHEDULE_OFF, "When your guardian starts a check" },
  };

  g_autoptr(VeilProfile) current = veil_profile_ref (fixture->profile);

  set_session (fixture->source, TRUE, FALSE, FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(VeilProfileBuilder) b = veil_profile_builder_new_from_profile (current);
      g_autoptr(VeilProfile) built = NULL;
      g_autoptr(VeilProfile) saved = NULL;
      g_autoptr(GError) error = NULL;
      VeilExplanation e;
      gint64 last, interval;
      const char *ran;
      guint n_started = fixture->n_started;

      veil_profile_builder_set_scan_schedule (b, cases[i].schedule);
      built = veil_profile_builder_build (b, &error);
      g_assert_no_error (error);
      saved = veil_store_save_profile (fixture->store, built, VEIL_ACTOR_GUARDIAN, &error);
      g_assert_no_error (error);
      g_clear_pointer (&current, veil_profile_unref);
      current = veil_profile_ref (saved);
      fixture->now += 30 * DAY;

      /* What the scheduler does: sweep if due, then the time to the next sweep. */
      veil_library_scheduler_set_profile (fixture->scheduler, saved);
      if (cases[i].schedule != VEIL_SCAN_SCHEDULE_OFF)
        wait_finished (fixture, fixture->n_finished + 1);
      spin (100);
      last = veil_store_get_last_check (fixture->store, veil_profile_get_id (saved), VEIL_PROTECTION_LIBRARY_SCAN);
      interval = veil_library_scheduler_get_next_check (fixture->scheduler) == 0
                 ? 0 : veil_library_scheduler_get_next_check (fixture->scheduler) - last;
      if (interval == 0)
        {
          g_assert_cmpuint (fixture->n_started, ==, n_started);
          ran = "When your guardian starts a check";
        }
      else if (interval == DAY)
        ran = "Once a day";
      else if (interval == 7 * DAY)
        ran = "Once a week";
      else
        g_assert_not_reached ();

      veil_protection_get_explanation_for_profile (VEIL_PROTECTION_LIBRARY_SCAN, saved, &e);
      g_assert_true (g_str_has_prefix (e.what_it_does, ran));
      g_assert_cmpstr (ran, ==, cases[i].words);
      g_assert_nonnull (strstr (e.what_it_does, "soon after they arrive"));
    }
}

int
main (int    argc,
      char **argv)
{
  veil_test_init_vips (&argc, &argv);

#define ADD(path, n, func) \
  g_test_add ("/veil/scheduler/" path, Fixture, GUINT_TO_POINTER (n), fixture_setup, func, fixture_teardown)
  ADD ("runs-when-due-and-idle", 6, test_runs_when_due_and_idle);
  ADD ("waits-on-power", 6, test_waits_on_power);
  ADD ("catches-up", 6, test_catches_up);
  ADD ("stops-on-activity", 40, test_stops_on_activity);
  ADD ("checks-arrivals", 2, test_checks_arrivals);
  ADD ("checks-new-folders", 2, test_checks_new_folders);
  ADD ("missed-in-health", 2, test_missed_in_health);
  ADD ("promise", 2, test_promise);
#undef ADD

  return g_test_run ();
}
