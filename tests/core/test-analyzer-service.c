/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <math.h>
#include <unistd.h>
#include <gio/gunixfdlist.h>
#include <vips/vips.h>

#include "veil.h"
#include "veil-test-classifier.h"
#include "veil-test-utils.h"

/* VeilAnalyzerService over a real D-Bus: a private bus per test process (GTestDBus), the
 * service exported on one connection and called from another, as a messaging app would,
 * with fds passed in a GUnixFDList. Real store and consent, real libvips decoding, the real
 * model on the classifier fixtures of ../shared/testdata. */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipsImage, g_object_unref)

#define IFACE "io.github.veilapp.Veil.Analyzer1"

static GTestDBus *test_bus;

typedef struct {
  char                *dir;
  VeilStore           *store;
  VeilAnalyzer        *analyzer;
  VeilAnalyzerService *service;
  GDBusConnection     *server;
  GDBusConnection     *client;
  const char          *name;        /* the server's unique bus name */
  guint                signal_id;
  GPtrArray           *signals;     /* PolicyChanged arguments received, in order */
} ServiceFixture;

/* What a fixture analyzes with (its test data). */
enum {
  NO_MODEL = 0,    /* hash lists only */
  REAL_MODEL = 1,  /* the real model of ../shared/testdata */
  SLOW_MODEL = 2,  /* the test classifier, taking 400 ms a picture */
  WORKERS = 3,     /* isolated analysis workers with the real model, as Veil runs */
  WORKERS_NO_MODEL = 4,    /* workers whose model file is missing */
  WORKERS_FIFO_MODEL = 5,  /* workers whose model path is a FIFO nobody writes to */
};

static VeilClassifier *
load_classifier (void)
{
  const char *model_path = g_getenv ("VEIL_MODEL_PATH");
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilModel) model = NULL;
  VeilNsfwClassifier *classifier;

  g_assert_nonnull (model_path);
  if (!g_file_test (model_path, G_FILE_TEST_EXISTS))
    g_error ("The model %s is missing: run tools/fetch-model.sh and rebuild", model_path);
  model = veil_model_new_from_file (model_path, &error);
  g_assert_no_error (error);
  classifier = veil_nsfw_classifier_new (model, &error);
  g_assert_no_error (error);
  return VEIL_CLASSIFIER (classifier);
}

/* The deadline per picture for the workers' fixtures: short, so a stall is seen quickly. */
#define WORKER_DEADLINE_MS 3000

/* An analyzer as the service has it in Veil: every picture goes to a worker process. */
static VeilAnalyzer *
make_worker_analyzer (ServiceFixture *fixture,
                      int             mode)
{
  g_autoptr(VeilWorkerPool) pool = veil_worker_pool_new (VEIL_WORKER_POOL_FLAGS_NONE);
  g_autoptr(VeilClassifier) classifier = load_classifier ();
  const char *id = veil_model_get_sha256 (veil_nsfw_classifier_get_model (VEIL_NSFW_CLASSIFIER (classifier)));

  veil_worker_pool_set_deadline (pool, WORKER_DEADLINE_MS);
  if (mode == WORKERS_NO_MODEL)
    {
      g_autofree char *missing = g_build_filename (fixture->dir, "missing.vmodel", NULL);

      veil_worker_pool_set_model_path (pool, missing);
    }
  else if (mode == WORKERS_FIFO_MODEL)
    {
      g_autofree char *fifo = g_build_filename (fixture->dir, "fifo.vmodel", NULL);

      g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
      veil_worker_pool_set_model_path (pool, fifo);
    }
  return veil_analyzer_new_with_pool (pool, id);
}

static GDBusConnection *
connect_to_bus (void)
{
  g_autoptr(GError) error = NULL;
  GDBusConnection *connection;

  connection = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (test_bus),
                                                       G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                       G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                       NULL, NULL, &error);
  g_assert_no_error (error);
  return connection;
}

static void
policy_changed_cb (GDBusConnection *connection,
                   const char      *sender,
                   const char      *object_path,
                   const char      *interface,
                   const char      *signal,
                   GVariant        *parameters,
                   gpointer         user_data)
{
  ServiceFixture *fixture = user_data;
  const char *policy = NULL;

  g_variant_get (parameters, "(&s)", &policy);
  g_ptr_array_add (fixture->signals, g_strdup (policy));
}

static void
fixture_setup (ServiceFixture *fixture,
               gconstpointer   data)
{
  int mode = GPOINTER_TO_INT (data);
  g_autoptr(VeilClassifier) classifier = mode == REAL_MODEL ? load_classifier ()
                                       : mode == SLOW_MODEL ? VEIL_CLASSIFIER (veil_test_classifier_new (400))
                                       : NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;

  fixture->dir = veil_test_make_tmpdir ();
  db = g_build_filename (fixture->dir, "veil.db", NULL);
  fixture->store = veil_store_new (db, NULL, &error);
  g_assert_no_error (error);
  fixture->analyzer = mode >= WORKERS ? make_worker_analyzer (fixture, mode) : veil_analyzer_new (classifier);
  fixture->service = veil_analyzer_service_new (fixture->analyzer, fixture->store);
  fixture->signals = g_ptr_array_new_with_free_func (g_free);

  fixture->server = connect_to_bus ();
  fixture->client = connect_to_bus ();
  fixture->name = g_dbus_connection_get_unique_name (fixture->server);
  veil_analyzer_service_export (fixture->service, fixture->server, NULL, &error);
  g_assert_no_error (error);
  fixture->signal_id = g_dbus_connection_signal_subscribe (fixture->client, fixture->name, IFACE,
                                                           "PolicyChanged", VEIL_ANALYZER_SERVICE_OBJECT_PATH,
                                                           NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                                           policy_changed_cb, fixture, NULL);
}

static void
fixture_teardown (ServiceFixture *fixture,
                  gconstpointer   data)
{
  g_dbus_connection_signal_unsubscribe (fixture->client, fixture->signal_id);
  veil_analyzer_service_unexport (fixture->service);
  g_dbus_connection_close_sync (fixture->client, NULL, NULL);
  g_dbus_connection_close_sync (fixture->server, NULL, NULL);
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->server);
  g_clear_object (&fixture->service);
  g_clear_object (&fixture->analyzer);
  g_clear_object (&fixture->store);
  g_clear_pointer (&fixture->signals, g_ptr_array_unref);
  veil_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
}

/* --- Helpers ------------------------------------------------------------------------------ */

typedef struct {
  gboolean  done;
  GVariant *reply;
  GError   *error;
} CallResult;

static void
call_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  CallResult *call = user_data;

  call->reply = g_dbus_connection_call_with_unix_fd_list_finish (G_DBUS_CONNECTION (source), NULL,
                                                                 result, &call->error);
  call->done = TRUE;
}

/* Calls the service from the client connection and spins the main loop, which the service
 * shares in this process, until the answer arrives. */
static GVariant *
call (ServiceFixture *fixture,
      const char     *interface,
      const char     *method,
      GVariant       *parameters,
      GUnixFDList    *fd_list,
      GError        **error)
{
  CallResult result = { FALSE, NULL, NULL };

  g_dbus_connection_call_with_unix_fd_list (fixture->client, fixture->name, VEIL_ANALYZER_SERVICE_OBJECT_PATH,
                                            interface, method, parameters, NULL,
                                            G_DBUS_CALL_FLAGS_NONE, 60000, fd_list, NULL,
                                            call_done_cb, &result);
  veil_test_wait_for (&result.done, 90);
  if (result.error != NULL)
    g_propagate_error (error, result.error);
  return result.reply;
}

static GVariant *
analyze_fd (ServiceFixture *fixture,
            int             fd,
            GError        **error)
{
  g_autoptr(GUnixFDList) list = g_unix_fd_list_new ();
  g_autoptr(GError) local_error = NULL;
  int index = g_unix_fd_list_append (list, fd, &local_error);

  g_assert_no_error (local_error);
  return call (fixture, IFACE, "AnalyzeFile", g_variant_new ("(h)", index), list, error);
}

static GVariant *
analyze_file (ServiceFixture *fixture,
              const char     *path,
              GError        **error)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  GVariant *reply;

  g_assert_cmpint (fd, >=, 0);
  reply = analyze_fd (fixture, fd, error);
  close (fd);
  return reply;
}

/* As analyze_file(), with the caller's descriptor moved past the start of the file first:
 * Veil reads the picture from its start all the same. */
static GVariant *
analyze_file_moved (ServiceFixture *fixture,
                    const char     *path,
                    GError        **error)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  GVariant *reply;

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (lseek (fd, 17, SEEK_SET), ==, 17);
  reply = analyze_fd (fixture, fd, error);
  close (fd);
  return reply;
}

/* Starts AnalyzeFile on @path from @connection without waiting for the answer. */
static void
start_analyze_file (ServiceFixture *fixture,
                    GDBusConnection *connection,
                    const char     *path,
                    CallResult     *result)
{
  g_autoptr(GUnixFDList) list = g_unix_fd_list_new ();
  g_autoptr(GError) error = NULL;
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  int index;

  g_assert_cmpint (fd, >=, 0);
  index = g_unix_fd_list_append (list, fd, &error);
  g_assert_no_error (error);
  close (fd);
  *result = (CallResult) { FALSE, NULL, NULL };
  g_dbus_connection_call_with_unix_fd_list (connection, fixture->name, VEIL_ANALYZER_SERVICE_OBJECT_PATH,
                                            IFACE, "AnalyzeFile", g_variant_new ("(h)", index), NULL,
                                            G_DBUS_CALL_FLAGS_NONE, 60000, list, NULL,
                                            call_done_cb, result);
}

static char *
get_policy (ServiceFixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = call (fixture, "org.freedesktop.DBus.Properties", "Get",
                                    g_variant_new ("(ss)", IFACE, "Policy"), NULL, &error);
  g_autoptr(GVariant) value = NULL;

  g_assert_no_error (error);
  g_variant_get (reply, "(v)", &value);
  return g_variant_dup_string (value, NULL);
}

/* Lets signals already on the wire arrive: a round trip to the service orders after them. */
static void
flush_signals (ServiceFixture *fixture)
{
  g_autofree char *policy = get_policy (fixture);
}

static void
assert_remote_error (const GError *error,
                     int           code,
                     const char   *dbus_name)
{
  g_autofree char *remote = NULL;

  g_assert_error (error, VEIL_ANALYZER_SERVICE_ERROR, code);
  g_assert_true (g_dbus_error_is_remote_error (error));
  remote = g_dbus_error_get_remote_error (error);
  g_assert_cmpstr (remote, ==, dbus_name);
  /* A person can act on the message: it is a sentence, not a code. */
  g_assert_cmpuint (strlen (error->message), >, 30);
}

/* Saves a profile linked to this account, and acknowledges message warnings when asked. */
static VeilProfile *
save_linked_profile (ServiceFixture *fixture,
                     VeilAgeBand     band,
                     gboolean        enabled,
                     gboolean        acknowledge)
{
  g_autoptr(VeilProfileBuilder) b = veil_profile_builder_new ("Robin");
  g_autoptr(VeilProfile) draft = NULL;
  g_autoptr(VeilProfile) existing = NULL;
  g_autoptr(GError) error = NULL;
  VeilProfile *saved;

  existing = veil_store_lookup_profile (fixture->store, "Robin", NULL);
  if (existing != NULL)
    {
      veil_profile_builder_unref (b);
      b = veil_profile_builder_new_from_profile (existing);
    }
  veil_profile_builder_set_unix_user (b, g_get_user_name ());
  veil_profile_builder_set_age_band (b, band);
  veil_profile_builder_set_protection_enabled (b, VEIL_PROTECTION_MESSAGE_WARNINGS, enabled);
  draft = veil_profile_builder_build (b, &error);
  g_assert_no_error (error);
  saved = veil_store_save_profile (fixture->store, draft, VEIL_ACTOR_GUARDIAN, &error);
  g_assert_no_error (error);
  if (acknowledge)
    {
      veil_store_acknowledge (fixture->store, saved, VEIL_PROTECTION_MESSAGE_WARNINGS,
                              veil_protection_get_text_version (VEIL_PROTECTION_MESSAGE_WARNINGS), &error);
      g_assert_no_error (error);
    }
  veil_analyzer_service_reload_policy (fixture->service, &error);
  g_assert_no_error (error);
  return saved;
}

static const char *
lookup_string (GVariant   *dict,
               const char *key)
{
  const char *value = NULL;

  if (!g_variant_lookup (dict, key, "&s", &value))
    return NULL;
  return value;
}

/* Details are figures and names only: no byte arrays and no long strings anywhere. */
static void
assert_no_pixels (GVariant *value)
{
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_BYTESTRING) ||
      g_variant_is_of_type (value, G_VARIANT_TYPE ("ay")))
    g_error ("The answer carries a byte array");
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    g_assert_cmpuint (strlen (g_variant_get_string (value, NULL)), <, 300);
  if (g_variant_is_container (value))
    {
      GVariantIter iter;
      GVariant *child;

      g_variant_iter_init (&iter, value);
      while ((child = g_variant_iter_next_value (&iter)) != NULL)
        {
          assert_no_pixels (child);
          g_variant_unref (child);
        }
    }
}

static gboolean
is_hex (const char *text,
        gsize       length)
{
  if (text == NULL || strlen (text) != length)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isxdigit (text[i]))
      return FALSE;
  return TRUE;
}

/* --- Tests ------------------------------------------------------------------------------- */

/* Nothing is checked without consent, and the policy follows the linked profile's state. */
static void
test_policy (ServiceFixture *fixture,
             gconstpointer   data)
{
  g_autoptr(VeilProfile) profile = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *picture = veil_test_write_picture (fixture->dir, "a.png", 64, 64, 1);
  g_autofree char *policy = get_policy (fixture);

  /* No profile for this account: disabled, and analysis is refused. */
  g_assert_cmpstr (policy, ==, "disabled");
  g_assert_cmpint (veil_analyzer_service_get_policy (fixture->service), ==, VEIL_ANALYZER_POLICY_DISABLED);
  reply = analyze_file_moved (fixture, picture, &error);
  g_assert_null (reply);
  assert_remote_error (error, VEIL_ANALYZER_SERVICE_ERROR_DISABLED, "io.github.veilapp.Veil.Error.Disabled");
  g_clear_error (&error);

  /* Turned on by the guardian but not acknowledged by the child: still disabled. */
  profile = save_linked_profile (fixture, VEIL_AGE_BAND_UNDER_13, TRUE, FALSE);
  g_clear_pointer (&profile, veil_profile_unref);
  g_clear_pointer (&policy, g_free);
  policy = get_policy (fixture);
  g_assert_cmpstr (policy, ==, "disabled");
  reply = analyze_file (fixture, picture, &error);
  g_assert_null (reply);
  assert_remote_error (error, VEIL_ANALYZER_SERVICE_ERROR_DISABLED, "io.github.veilapp.Veil.Error.Disabled");
  g_clear_error (&error);
  g_assert_cmpuint (fixture->signals->len, ==, 0);

  /* Acknowledged: simple interventions for an under-13. */
  profile = save_linked_profile (fixture, VEIL_AGE_BAND_UNDER_13, TRUE, TRUE);
  g_clear_pointer (&profile, veil_profile_unref);
  g_clear_pointer (&policy, g_free);
  policy = get_policy (fixture);
  g_assert_cmpstr (policy, ==, "simple");
  g_assert_cmpuint (fixture->signals->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fixture->signals, 0), ==, "simple");
  reply = analyze_file_moved (fixture, picture, &error);
  g_assert_no_error (error);
  g_clear_pointer (&reply, g_variant_unref);

  /* 13 and over: descriptive. */
  profile = save_linked_profile (fixture, VEIL_AGE_BAND_13_15, TRUE, FALSE);
  g_clear_pointer (&profile, veil_profile_unref);
  g_clear_pointer (&policy, g_free);
  policy = get_policy (fixture);
  g_assert_cmpstr (policy, ==, "descriptive");
  g_assert_cmpuint (fixture->signals->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (fixture->signals, 1), ==, "descriptive");

  /* A reload with nothing changed says nothing. */
  veil_analyzer_service_reload_policy (fixture->service, &error);
  g_assert_no_error (error);
  flush_signals (fixture);
  g_assert_cmpuint (fixture->signals->len, ==, 2);

  /* The guardian turns it off: disabled again, and callers are told. */
  profile = save_linked_profile (fixture, VEIL_AGE_BAND_13_15, FALSE, FALSE);
  g_clear_pointer (&profile, veil_profile_unref);
  g_clear_pointer (&policy, g_free);
  policy = get_policy (fixture);
  g_assert_cmpstr (policy, ==, "disabled");
  g_assert_cmpuint (fixture->signals->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (fixture->signals, 2), ==, "disabled");

  /* Another account's profile does not apply here. */
  veil_analyzer_service_set_user (fixture->service, "someone-else");
  g_assert_null (veil_analyzer_service_get_profile (fixture->service));
  veil_analyzer_service_set_user (fixture->service, NULL);
  g_assert_nonnull (veil_analyzer_service_get_profile (fixture->service));
}

/* A service exported before its store is open (as D-Bus activation starts Veil) holds the
 * first calls and property reads, then answers them from the linked profile: never a
 * "disabled" that was only true because nothing had been read yet. */
static void
test_held_until_store (ServiceFixture *fixture,
                       gconstpointer   data)
{
  g_autoptr(VeilProfile) profile = save_linked_profile (fixture, VEIL_AGE_BAND_UNDER_13, TRUE, TRUE);
  g_autofree char *picture = veil_test_write_picture (fixture->dir, "a.png", 64, 64, 1);
  g_autoptr(GVariant) value = NULL;
  g_autoptr(GVariant) properties = NULL;
  CallResult policy = { FALSE, NULL, NULL };
  CallResult all = { FALSE, NULL, NULL };
  CallResult analysis = { FALSE, NULL, NULL };
  GVariantDict dict;

  veil_analyzer_service_set_store (fixture->service, NULL);
  veil_analyzer_service_hold_calls (fixture->service);

  g_dbus_connection_call_with_unix_fd_list (fixture->client, fixture->name, VEIL_ANALYZER_SERVICE_OBJECT_PATH,
                                            "org.freedesktop.DBus.Properties", "Get",
                                            g_variant_new ("(ss)", IFACE, "Policy"), NULL,
                                            G_DBUS_CALL_FLAGS_NONE, 60000, NULL, NULL, call_done_cb, &policy);
  g_dbus_connection_call_with_unix_fd_list (fixture->client, fixture->name, VEIL_ANALYZER_SERVICE_OBJECT_PATH,
                                            "org.freedesktop.DBus.Properties", "GetAll",
                                            g_variant_new ("(s)", IFACE), NULL,
                                            G_DBUS_CALL_FLAGS_NONE, 60000, NULL, NULL, call_done_cb, &all);
  start_analyze_file (fixture, fixture->client, picture, &analysis);

  /* Nothing is answered while the profile is unread. */
  veil_test_spin_for (500);
  g_assert_false (policy.done);
  g_assert_false (all.done);
  g_assert_false (analysis.done);

  veil_analyzer_service_set_store (fixture->service, fixture->store);
  veil_test_wait_for (&analysis.done, 60);
  veil_test_wait_for (&policy.done, 5);
  veil_test_wait_for (&all.done, 5);

  g_assert_no_error (policy.error);
  g_variant_get (policy.reply, "(v)", &value);
  g_assert_cmpstr (g_variant_get_string (value, NULL), ==, "simple");
  g_assert_no_error (all.error);
  properties = g_variant_get_child_value (all.reply, 0);
  g_variant_dict_init (&dict, properties);
  g_assert_true (g_variant_dict_contains (&dict, "Policy"));
  g_variant_dict_clear (&dict);
  g_assert_no_error (analysis.error);
  g_assert_nonnull (analysis.reply);
  g_variant_unref (policy.reply);
  g_variant_unref (all.reply);
  g_variant_unref (analysis.reply);

  /* Released, it answers at once. */
  {
    g_autofree char *now = get_policy (fixture);

    g_assert_cmpstr (now, ==, "simple");
  }
}

static void
test_policy_mapping (void)
{
  g_autoptr(VeilProfileBuilder) b = veil_profile_builder_new ("Mapping");
  g_autoptr(VeilProfile) profile = NULL;
  VeilProtectionStatus active = { TRUE, TRUE, TRUE, TRUE, 1 };
  VeilProtectionStatus inactive = { TRUE, TRUE, FALSE, FALSE, 0 };

  veil_profile_builder_set_age_band (b, VEIL_AGE_BAND_16_17);
  profile = veil_profile_builder_build (b, NULL);
  g_assert_nonnull (profile);
  g_assert_cmpint (veil_analyzer_policy_for_status (profile, &active), ==, VEIL_ANALYZER_POLICY_DESCRIPTIVE);
  g_assert_cmpint (veil_analyzer_policy_for_status (profile, &inactive), ==, VEIL_ANALYZER_POLICY_DISABLED);
  g_assert_cmpint (veil_analyzer_policy_for_status (NULL, &active), ==, VEIL_ANALYZER_POLICY_DISABLED);
  g_assert_cmpstr (veil_analyzer_policy_to_string (VEIL_ANALYZER_POLICY_SIMPLE), ==, "simple");
  g_assert_cmpstr (veil_analyzer_policy_to_string (VEIL_ANALYZER_POLICY_DESCRIPTIVE), ==, "descriptive");
  g_assert_cmpstr (veil_analyzer_policy_to_string (VEIL_ANALYZER_POLICY_DISABLED), ==, "disabled");
}

/* The real model on a positive and a negative fixture, by fd (from its start, and with the
 * caller's descriptor moved: the picture is read from its start either way). */
static void
test_classifier (ServiceFixture *fixture,
                 gconstpointer   data)
{
  g_autoptr(VeilProfile) profile = NULL;
  g_autofree char *pos = NULL;
  g_autofree char *neg = NULL;
  g_autofree char *pos_sha256 = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  if (!veil_test_require_testdata ("clf/fixtures/pos_porn_flat.png"))
    return;
  pos = veil_test_build_testdata ("clf", "fixtures", "pos_porn_flat.png", NULL);
  neg = veil_test_build_testdata ("clf", "fixtures", "neg_neutral_grid.png", NULL);
  g_assert_true (g_file_get_contents (pos, &contents, &length, NULL));
  pos_sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
  profile = save_linked_profile (fixture, VEIL_AGE_BAND_UNDER_13, TRUE, TRUE);

  for (guint by_fd = 0; by_fd < 2; by_fd++)
    {
      g_autoptr(GVariant) reply = by_fd ? analyze_file (fixture, pos, &error) : analyze_file_moved (fixture, pos, &error);
      g_autoptr(GVariant) details = NULL;
      g_autoptr(GVariant) reasons = NULL;
      g_autoptr(GVariant) first = NULL;
      g_autoptr(GVariant) model = NULL;
      gboolean sensitive = FALSE;
      gboolean checked = FALSE;
      double figure = 0, threshold = 0;

      g_assert_no_error (error);
      g_assert_true (g_variant_is_of_type (reply, G_VARIANT_TYPE ("(ba{sv})")));
      g_variant_get (reply, "(b@a{sv})", &sensitive, &details);
      g_assert_true (sensitive);
      if (by_fd == 0)
        {
          g_autofree char *text = g_variant_print (reply, FALSE);

          g_test_message ("AnalyzeFile answered %s", text);
        }
      assert_no_pixels (details);
      g_assert_cmpstr (lookup_string (details, "policy"), ==, "simple");
      g_assert_true (g_variant_lookup (details, "checked", "b", &checked));
      g_assert_true (checked);
      g_assert_null (lookup_string (details, "unchecked-cause"));
      g_assert_true (is_hex (lookup_string (details, "pdq"), 64));
      g_assert_cmpstr (lookup_string (details, "sha256"), ==, pos_sha256);

      reasons = g_variant_lookup_value (details, "reasons", G_VARIANT_TYPE ("aa{sv}"));
      g_assert_nonnull (reasons);
      g_assert_cmpuint (g_variant_n_children (reasons), >=, 1);
      first = g_variant_get_child_value (reasons, 0);
      g_assert_cmpstr (lookup_string (first, "signal"), ==, "classifier");
      g_assert_cmpstr (lookup_string (first, "class"), ==, "porn");
      g_assert_true (g_variant_lookup (first, "figure", "d", &figure));
      g_assert_true (g_variant_lookup (first, "threshold", "d", &threshold));
      g_assert_cmpfloat (figure, >=, threshold);
      g_assert_cmpfloat (threshold, >, 0.0);
      g_assert_nonnull (lookup_string (first, "source"));
      g_assert_nonnull (lookup_string (first, "description"));

      model = g_variant_lookup_value (details, "model", G_VARIANT_TYPE ("a{sv}"));
      g_assert_nonnull (model);
      g_assert_cmpstr (lookup_string (model, "name"), ==, lookup_string (first, "source"));
      g_assert_true (is_hex (lookup_string (model, "sha256"), 64));
      g_assert_nonnull (lookup_string (model, "version"));
    }

  for (guint by_fd = 0; by_fd < 2; by_fd++)
    {
      g_autoptr(GVariant) reply = by_fd ? analyze_file (fixture, neg, &error) : analyze_file_moved (fixture, neg, &error);
      g_autoptr(GVariant) details = NULL;
      g_autoptr(GVariant) reasons = NULL;
      gboolean sensitive = TRUE;

      g_assert_no_error (error);
      g_variant_get (reply, "(b@a{sv})", &sensitive, &details);
      g_assert_false (sensitive);
      assert_no_pixels (details);
      reasons = g_variant_lookup_value (details, "reasons", G_VARIANT_TYPE ("aa{sv}"));
      g_assert_cmpuint (g_variant_n_children (reasons), ==, 0);
      /* The classifier ran, so its identity is there even when it found nothing. */
      g_assert_true (g_variant_lookup (details, "model", "@a{sv}", NULL));
    }
}

/* A picture on a guardian's hash list is sensitive whatever the classifier says. */
static void
test_hash_list (ServiceFixture *fixture,
                gconstpointer   data)
{
  g_autofree char *listed = veil_test_write_picture (fixture->dir, "listed.png", 320, 240, 7);
  g_autofree char *other = veil_test_write_picture (fixture->dir, "other.png", 320, 240, 8);
  g_autoptr(VeilProfile) profile = save_linked_profile (fixture, VEIL_AGE_BAND_16_17, TRUE, TRUE);
  g_autoptr(VeilHashList) list = veil_hash_list_new ("Family list");
  g_autoptr(VeilPdq) pdq = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) details = NULL;
  g_autoptr(GVariant) reasons = NULL;
  g_autoptr(GVariant) first = NULL;
  VeilImageLimits limits;
  char hex[VEIL_PDQ_HEX_LENGTH + 1];
  gboolean sensitive = FALSE;
  double figure = -1, threshold = -1;

  veil_image_limits_init_default (&limits);
  pdq = veil_pdq_hash_file (listed, veil_analyzer_get_pdq_mode (fixture->analyzer), FALSE, &limits, NULL, &error);
  g_assert_no_error (error);
  veil_hash_list_set_version (list, 3);
  veil_hash_list_add (list, veil_pdq_get_hash (pdq), "entry-1");
  /* As the guardian does it: imported into the store, then picked up on the next reload. */
  veil_store_import_hash_list (fixture->store, veil_profile_get_id (profile), list, "family.csv", &error);
  g_assert_no_error (error);
  veil_analyzer_service_reload_policy (fixture->service, &error);
  g_assert_no_error (error);
  veil_pdq_hash_to_hex (veil_pdq_get_hash (pdq), hex);

  reply = analyze_file (fixture, listed, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(b@a{sv})", &sensitive, &details);
  g_assert_true (sensitive);
  assert_no_pixels (details);
  g_assert_cmpstr (lookup_string (details, "policy"), ==, "descriptive");
  g_assert_cmpstr (lookup_string (details, "pdq"), ==, hex);
  /* No classifier in this fixture: no model entry. */
  g_assert_false (g_variant_lookup (details, "model", "@a{sv}", NULL));
  reasons = g_variant_lookup_value (details, "reasons", G_VARIANT_TYPE ("aa{sv}"));
  g_assert_cmpuint (g_variant_n_children (reasons), ==, 1);
  first = g_variant_get_child_value (reasons, 0);
  g_assert_cmpstr (lookup_string (first, "signal"), ==, "hash-list");
  g_assert_cmpstr (lookup_string (first, "source"), ==, "Family list");
  g_assert_cmpstr (lookup_string (first, "source-detail"), ==, "entry-1");
  g_assert_true (g_variant_lookup (first, "figure", "d", &figure));
  g_assert_true (g_variant_lookup (first, "threshold", "d", &threshold));
  g_assert_cmpfloat (figure, <=, threshold);

  g_clear_pointer (&reply, g_variant_unref);
  g_clear_pointer (&details, g_variant_unref);
  reply = analyze_file_moved (fixture, other, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(b@a{sv})", &sensitive, &details);
  g_assert_false (sensitive);
}

/* Bad input gets a clear error of the right kind, and the file is left as it was. */
static void
test_errors (ServiceFixture *fixture,
             gconstpointer   data)
{
  g_autoptr(VeilProfile) profile = save_linked_profile (fixture, VEIL_AGE_BAND_UNDER_13, TRUE, TRUE);
  g_autofree char *text = g_build_filename (fixture->dir, "notes.png", NULL);
  g_autofree char *picture = veil_test_write_picture (fixture->dir, "picture.png", 64, 64, 3);
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  int pipe_fds[2];

  g_assert_true (g_file_set_contents (text, "These are not the pixels you are looking for.\n", -1, NULL));

  /* Not an image, by fd, from its start and from further on (with a misleading name). */
  reply = analyze_file_moved (fixture, text, &error);
  g_assert_null (reply);
  assert_remote_error (error, VEIL_ANALYZER_SERVICE_ERROR_NOT_AN_IMAGE, "io.github.veilapp.Veil.Error.NotAnImage");
  g_clear_error (&error);
  reply = analyze_file (fixture, text, &error);
  g_assert_null (reply);
  assert_remote_error (error, VEIL_ANALYZER_SERVICE_ERROR_NOT_AN_IMAGE, "io.github.veilapp.Veil.Error.NotAnImage");
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (text, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, "These are not the pixels you are looking for.\n");

  /* No call by path, absolute or relative: Veil tells no caller about files it cannot open. */
  reply = call (fixture, IFACE, "AnalyzePath", g_variant_new ("(s)", picture), NULL, &error);
  g_assert_null (reply);
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD);
  g_clear_error (&error);
  reply = call (fixture, IFACE, "AnalyzePath", g_variant_new ("(s)", "Downloads/picture.jpg"), NULL, &error);
  g_assert_null (reply);
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD);
  g_clear_error (&error);

  /* Unreadable: a pipe instead of a file, no fd at all. */
  g_assert_cmpint (pipe (pipe_fds), ==, 0);
  reply = analyze_fd (fixture, pipe_fds[0], &error);
  close (pipe_fds[0]);
  close (pipe_fds[1]);
  g_assert_null (reply);
  assert_remote_error (error, VEIL_ANALYZER_SERVICE_ERROR_UNREADABLE, "io.github.veilapp.Veil.Error.Unreadable");
  g_clear_error (&error);
  reply = call (fixture, IFACE, "AnalyzeFile", g_variant_new ("(h)", 0), NULL, &error);
  g_assert_null (reply);
  assert_remote_error (error, VEIL_ANALYZER_SERVICE_ERROR_UNREADABLE, "io.github.veilapp.Veil.Error.Unreadable");
  g_clear_error (&error);
}

/* Checks an answer about a picture Veil could not check: its own answer, with the cause and
 * the sentence a person reads, blurred when @blurred. */
static void
assert_unchecked_answer (GVariant   *reply,
                         gboolean    blurred,
                         const char *cause)
{
  g_autoptr(GVariant) details = NULL;
  g_autoptr(GVariant) reasons = NULL;
  g_autoptr(GVariant) first = NULL;
  gboolean sensitive = !blurred;
  gboolean checked = TRUE;

  g_assert_nonnull (reply);
  g_variant_get (reply, "(b@a{sv})", &sensitive, &details);
  g_assert_cmpint (sensitive, ==, blurred);
  assert_no_pixels (details);
  g_assert_true (g_variant_lookup (details, "checked", "b", &checked));
  g_assert_false (checked);
  g_assert_cmpstr (lookup_string (details, "unchecked-cause"), ==, cause);
  /* Nothing of the picture was read for an answer about it: no hashes. */
  g_assert_null (lookup_string (details, "pdq"));
  g_assert_null (lookup_string (details, "sha256"));
  reasons = g_variant_lookup_value (details, "reasons", G_VARIANT_TYPE ("aa{sv}"));
  g_assert_nonnull (reasons);
  g_assert_cmpuint (g_variant_n_children (reasons), ==, 1);
  first = g_variant_get_child_value (reasons, 0);
  g_assert_cmpstr (lookup_string (first, "signal"), ==, "unchecked");
  g_assert_true (g_str_has_prefix (lookup_string (first, "description"), "Veil couldn’t check this picture because"));
}

/* Too large, too slow or damaged is an answer of its own, never an error a caller would take
 * for harmless: blurred under 13 (the profile's "blur" rule), not blurred but still "not
 * checked" from 13 ("allow"). The file is left as it was. */
static void
test_unchecked (ServiceFixture *fixture,
                gconstpointer   data)
{
  g_autoptr(VeilProfile) profile = save_linked_profile (fixture, VEIL_AGE_BAND_UNDER_13, TRUE, TRUE);
  g_autofree char *big = veil_test_write_picture (fixture->dir, "big.png", 300, 200, 3);
  g_autofree char *cut = g_build_filename (fixture->dir, "cut.jpg", NULL);
  g_autofree char *whole = veil_test_write_picture (fixture->dir, "whole.jpg", 64, 64, 4);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *contents = NULL;
  gsize before_length = 0, after_length = 0, length = 0;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  VeilImageLimits limits;

  g_assert_true (g_file_get_contents (whole, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (cut, contents, length / 3, NULL));

  /* Over the pixel limit, and over the file size limit. */
  g_assert_true (g_file_get_contents (big, &before, &before_length, NULL));
  veil_image_limits_init_default (&limits);
  limits.max_pixels = 300 * 200 - 1;
  veil_analyzer_service_set_limits (fixture->service, &limits);
  reply = analyze_file_moved (fixture, big, &error);
  g_assert_no_error (error);
  assert_unchecked_answer (reply, TRUE, "too-large");
  g_clear_pointer (&reply, g_variant_unref);
  reply = analyze_file (fixture, big, &error);
  g_assert_no_error (error);
  assert_unchecked_answer (reply, TRUE, "too-large");
  g_clear_pointer (&reply, g_variant_unref);
  veil_image_limits_init_default (&limits);
  limits.max_file_size = 100;
  veil_analyzer_service_set_limits (fixture->service, &limits);
  reply = analyze_file (fixture, big, &error);
  g_assert_no_error (error);
  assert_unchecked_answer (reply, TRUE, "too-large");
  g_clear_pointer (&reply, g_variant_unref);
  g_assert_true (g_file_get_contents (big, &after, &after_length, NULL));
  g_assert_cmpmem (before, before_length, after, after_length);

  /* Within the limits again, the same picture is answered, and checked. */
  veil_image_limits_init_default (&limits);
  veil_analyzer_service_set_limits (fixture->service, &limits);
  reply = analyze_file (fixture, big, &error);
  g_assert_no_error (error);
  g_assert_nonnull (reply);
  {
    g_autoptr(GVariant) details = NULL;
    gboolean sensitive = TRUE, checked = FALSE;

    g_variant_get (reply, "(b@a{sv})", &sensitive, &details);
    g_assert_false (sensitive);
    g_assert_true (g_variant_lookup (details, "checked", "b", &checked));
    g_assert_true (checked);
  }
  g_clear_pointer (&reply, g_variant_unref);

  /* A truncated JPEG is damaged: not checked either. */
  reply = analyze_file (fixture, cut, &error);
  g_assert_no_error (error);
  assert_unchecked_answer (reply, TRUE, "damaged");
  g_clear_pointer (&reply, g_variant_unref);

  /* Past the decoding time budget: too slow. */
  {
    g_autofree char *slow = veil_test_write_picture (fixture->dir, "slow.jpg", 4000, 3000, 6);

    veil_image_limits_init_default (&limits);
    limits.timeout_ms = 1;
    veil_analyzer_service_set_limits (fixture->service, &limits);
    reply = analyze_file (fixture, slow, &error);
    g_assert_no_error (error);
    assert_unchecked_answer (reply, TRUE, "too-slow");
    g_clear_pointer (&reply, g_variant_unref);
    veil_image_limits_init_default (&limits);
    veil_analyzer_service_set_limits (fixture->service, &limits);
  }

  /* From 13 the rule is "allow": not blurred, and still said to be not checked. */
  g_clear_pointer (&profile, veil_profile_unref);
  profile = save_linked_profile (fixture, VEIL_AGE_BAND_13_15, TRUE, TRUE);
  g_assert_cmpint (veil_profile_get_effective_unchecked_rule (profile), ==, VEIL_UNCHECKED_RULE_ALLOW);
  reply = analyze_file (fixture, cut, &error);
  g_assert_no_error (error);
  assert_unchecked_answer (reply, FALSE, "damaged");
}

/* A caller flooding the service gets .Busy at once past its share, while another caller still
 * gets its answers; once the flood drains, the first caller is answered again. */
static void
test_busy (ServiceFixture *fixture,
           gconstpointer   data)
{
  g_autoptr(VeilProfile) profile = save_linked_profile (fixture, VEIL_AGE_BAND_UNDER_13, TRUE, TRUE);
  g_autofree char *good = veil_test_write_picture (fixture->dir, "good.png", 64, 64, 5);
  g_autoptr(GDBusConnection) other = connect_to_bus ();
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  CallResult flood[12];
  CallResult polite;
  guint n_answered = 0, n_busy = 0;

  /* The test classifier takes 400 ms a picture: the flood is still waiting when it is full. */
  for (guint i = 0; i < G_N_ELEMENTS (flood); i++)
    start_analyze_file (fixture, fixture->client, good, &flood[i]);
  start_analyze_file (fixture, other, good, &polite);

  veil_test_wait_for (&polite.done, 90);
  g_assert_no_error (polite.error);
  g_assert_nonnull (polite.reply);
  g_variant_unref (polite.reply);

  for (guint i = 0; i < G_N_ELEMENTS (flood); i++)
    {
      veil_test_wait_for (&flood[i].done, 90);
      if (flood[i].reply != NULL)
        {
          n_answered++;
          g_variant_unref (flood[i].reply);
        }
      else
        {
          assert_remote_error (flood[i].error, VEIL_ANALYZER_SERVICE_ERROR_BUSY, "io.github.veilapp.Veil.Error.Busy");
          g_error_free (flood[i].error);
          n_busy++;
        }
    }
  /* At most its share ran at once; the rest were refused rather than queued. */
  g_assert_cmpuint (n_answered, >=, VEIL_ANALYZER_SERVICE_MAX_PER_CALLER);
  g_assert_cmpuint (n_busy, >=, 1);
  g_assert_cmpuint (n_answered + n_busy, ==, G_N_ELEMENTS (flood));

  /* Its calls are answered, its places are free again. */
  reply = analyze_file (fixture, good, &error);
  g_assert_no_error (error);
  g_assert_nonnull (reply);
  g_dbus_connection_close_sync (other, NULL, NULL);
}

static guint
count_open_fds (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* Many callers at once: every call gets its own answer, the main loop keeps answering while
 * workers decode, no fd is left open, and calls in flight are answered even after the
 * service is unexported. */
static void
test_concurrent (ServiceFixture *fixture,
                 gconstpointer   data)
{
  g_autoptr(VeilProfile) profile = save_linked_profile (fixture, VEIL_AGE_BAND_UNDER_13, TRUE, TRUE);
  g_autofree char *good = veil_test_write_picture (fixture->dir, "good.jpg", 800, 600, 5);
  g_autofree char *text = g_build_filename (fixture->dir, "text.jpg", NULL);
  g_autofree char *policy = NULL;
  CallResult results[4 * VEIL_ANALYZER_SERVICE_MAX_PER_CALLER];
  GDBusConnection *callers[4] = { NULL, };
  guint fds_before, fds_after;

  g_assert_true (g_file_set_contents (text, "plain words", -1, NULL));
  callers[0] = g_object_ref (fixture->client);
  for (guint i = 1; i < G_N_ELEMENTS (callers); i++)
    callers[i] = connect_to_bus ();
  /* A first round trip opens whatever GDBus keeps open for good. */
  g_clear_pointer (&policy, g_free);
  policy = get_policy (fixture);
  fds_before = count_open_fds ();

  /* Four callers of four calls each: each within its share of the queue. */
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    start_analyze_file (fixture, callers[i / VEIL_ANALYZER_SERVICE_MAX_PER_CALLER], i % 2 == 0 ? good : text, &results[i]);
  /* The property is answered from the main loop while the analyses run in workers. */
  g_clear_pointer (&policy, g_free);
  policy = get_policy (fixture);
  g_assert_cmpstr (policy, ==, "simple");

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      veil_test_wait_for (&results[i].done, 90);
      if (i % 2 == 0)
        {
          gboolean sensitive = TRUE;

          g_assert_no_error (results[i].error);
          g_variant_get (results[i].reply, "(ba{sv})", &sensitive, NULL);
          g_assert_false (sensitive);
          g_variant_unref (results[i].reply);
        }
      else
        {
          g_assert_null (results[i].reply);
          g_assert_error (results[i].error, VEIL_ANALYZER_SERVICE_ERROR, VEIL_ANALYZER_SERVICE_ERROR_NOT_AN_IMAGE);
          g_error_free (results[i].error);
        }
    }
  /* GDBus drops sent messages (and the fds they carry) in its worker thread, a moment after
   * the reply is in: give it up to five seconds to settle. A leak stays. */
  for (guint tries = 0; (fds_after = count_open_fds ()) != fds_before && tries < 500; tries++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (10 * 1000);
    }
  g_assert_cmpuint (fds_after, ==, fds_before);
  for (guint i = 0; i < G_N_ELEMENTS (callers); i++)
    g_clear_object (&callers[i]);

  /* A call already running when the service goes away still gets its answer. */
  {
    CallResult late = { FALSE, NULL, NULL };

    start_analyze_file (fixture, fixture->client, good, &late);
    /* Spin until the service has the call, then take it off the bus. */
    while (g_main_context_iteration (NULL, FALSE))
      ;
    veil_analyzer_service_unexport (fixture->service);
    veil_test_wait_for (&late.done, 90);
    if (late.reply != NULL)
      g_variant_unref (late.reply);
    else
      {
        /* It may also have arrived after the unexport: then the bus says so, clearly. */
        g_assert_error (late.error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD);
        g_error_free (late.error);
      }
  }
}

/* --- Attacks, against the service as Veil runs it (analysis in worker processes) ----------- */

static void
assert_checked_answer (GVariant *reply)
{
  g_autoptr(GVariant) details = NULL;
  gboolean sensitive = TRUE, checked = FALSE;

  g_assert_nonnull (reply);
  g_variant_get (reply, "(b@a{sv})", &sensitive, &details);
  g_assert_true (g_variant_lookup (details, "checked", "b", &checked));
  g_assert_true (checked);
  g_assert_false (sensitive);
  g_assert_true (is_hex (lookup_string (details, "sha256"), 64));
}

static char *
write_fault (ServiceFixture *fixture,
             const char     *what)
{
  g_autofree char *text = g_strdup_printf ("VEIL-TEST-FAULT %s\n", what);
  g_autofree char *name = g_strdup_printf ("%s.jpg", what);
  char *path = g_build_filename (fixture->dir, name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

/* A worker that crashes or stalls on a picture is an answer, "not checked" (blurred under
 * 13), and the next picture is checked as usual: the service never goes down with it. */
static void
test_worker_faults (ServiceFixture *fixture,
                    gconstpointer   data)
{
  g_autoptr(VeilProfile) profile = save_linked_profile (fixture, VEIL_AGE_BAND_UNDER_13, TRUE, TRUE);
  g_autofree char *good = veil_test_write_picture (fixture->dir, "good.png", 64, 64, 5);
  static const struct { const char *fault; const char *cause; } faults[] = {
    { "crash", "worker-crashed" },
    { "exit", "worker-crashed" },
    { "hang", "too-slow" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      g_autofree char *bad = write_fault (fixture, faults[i].fault);
      g_autoptr(GVariant) reply = NULL;
      g_autoptr(GVariant) after = NULL;
      g_autoptr(GError) error = NULL;
      gint64 start = g_get_monotonic_time ();

      reply = analyze_file (fixture, bad, &error);
      g_assert_no_error (error);
      assert_unchecked_answer (reply, TRUE, faults[i].cause);
      /* A stall ends at the deadline, not at the caller's timeout. */
      g_assert_cmpint (g_get_monotonic_time () - start, <, (WORKER_DEADLINE_MS + 5000) * 1000);
      after = analyze_file (fixture, good, &error);
      g_assert_no_error (error);
      assert_checked_answer (after);
    }
}

/* A caller that truncates its file while Veil reads it, or hands over a FIFO, gets an answer
 * or a clear error; the service stays up (it used to die of SIGBUS reading the checksum). */
static void
test_hostile_files (ServiceFixture *fixture,
                    gconstpointer   data)
{
  g_autoptr(VeilProfile) profile = save_linked_profile (fixture, VEIL_AGE_BAND_UNDER_13, TRUE, TRUE);
  g_autofree char *good = veil_test_write_picture (fixture->dir, "good.png", 64, 64, 5);
  g_autofree char *fifo = g_build_filename (fixture->dir, "pipe.jpg", NULL);
  g_autoptr(GVariant) after = NULL;
  g_autoptr(GError) error = NULL;

  for (guint round = 0; round < 4; round++)
    {
      g_autofree char *name = g_strdup_printf ("big-%u.jpg", round);
      g_autofree char *big = veil_test_write_picture (fixture->dir, name, 3000, 2000, 7 + round);
      g_autoptr(GVariant) reply = NULL;
      CallResult result;
      struct stat st;

      g_assert_cmpint (stat (big, &st), ==, 0);
      start_analyze_file (fixture, fixture->client, big, &result);
      /* Cut at different moments: before, while and after the worker reads. */
      g_usleep (round * 15000);
      g_assert_cmpint (truncate (big, st.st_size / (round + 2)), ==, 0);
      veil_test_wait_for (&result.done, 60);
      if (result.error != NULL)
        g_assert_true (result.error->domain == VEIL_ANALYZER_SERVICE_ERROR);
      g_clear_error (&result.error);
      g_clear_pointer (&result.reply, g_variant_unref);
    }

  /* A FIFO, held open by nobody writing: refused at once as not a regular file. */
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  {
    int fd = open (fifo, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    g_autoptr(GVariant) reply = NULL;

    g_assert_cmpint (fd, >=, 0);
    reply = analyze_fd (fixture, fd, &error);
    close (fd);
    g_assert_null (reply);
    assert_remote_error (error, VEIL_ANALYZER_SERVICE_ERROR_UNREADABLE, "io.github.veilapp.Veil.Error.Unreadable");
    g_clear_error (&error);
  }

  after = analyze_file (fixture, good, &error);
  g_assert_no_error (error);
  assert_checked_answer (after);
}

/* Without its model (missing, or a FIFO that would block a reader forever) Veil does not
 * quietly fall back to hash lists: every picture is "not checked", blurred under 13. */
static void
test_worker_model_missing (ServiceFixture *fixture,
                           gconstpointer   data)
{
  g_autoptr(VeilProfile) profile = save_linked_profile (fixture, VEIL_AGE_BAND_UNDER_13, TRUE, TRUE);
  g_autofree char *good = veil_test_write_picture (fixture->dir, "good.png", 64, 64, 5);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  reply = analyze_file (fixture, good, &error);
  g_assert_no_error (error);
  assert_unchecked_answer (reply, TRUE, "model-missing");
  g_assert_cmpint (g_get_monotonic_time () - start, <, (WORKER_DEADLINE_MS + 5000) * 1000);
}

int
main (int    argc,
      char **argv)
{
  int result;

  /* The workers obey the test fault files only when their parent is a test. */
  g_setenv ("VEIL_TEST_WORKER_FAULTS", "1", TRUE);
  veil_test_init (&argc, &argv);

  /* A private bus for this process, so nothing depends on the session the tests run in. */
  test_bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (test_bus);

  g_test_add_func ("/veil/analyzer-service/policy-mapping", test_policy_mapping);
  g_test_add ("/veil/analyzer-service/policy", ServiceFixture, GINT_TO_POINTER (NO_MODEL),
              fixture_setup, test_policy, fixture_teardown);
  g_test_add ("/veil/analyzer-service/held-until-store", ServiceFixture, GINT_TO_POINTER (NO_MODEL),
              fixture_setup, test_held_until_store, fixture_teardown);
  g_test_add ("/veil/analyzer-service/errors", ServiceFixture, GINT_TO_POINTER (NO_MODEL),
              fixture_setup, test_errors, fixture_teardown);
  g_test_add ("/veil/analyzer-service/unchecked", ServiceFixture, GINT_TO_POINTER (NO_MODEL),
              fixture_setup, test_unchecked, fixture_teardown);
  g_test_add ("/veil/analyzer-service/busy", ServiceFixture, GINT_TO_POINTER (SLOW_MODEL),
              fixture_setup, test_busy, fixture_teardown);
  g_test_add ("/veil/analyzer-service/hash-list", ServiceFixture, GINT_TO_POINTER (NO_MODEL),
              fixture_setup, test_hash_list, fixture_teardown);
  g_test_add ("/veil/analyzer-service/concurrent", ServiceFixture, GINT_TO_POINTER (NO_MODEL),
              fixture_setup, test_concurrent, fixture_teardown);
  g_test_add ("/veil/analyzer-service/classifier", ServiceFixture, GINT_TO_POINTER (REAL_MODEL),
              fixture_setup, test_classifier, fixture_teardown);
  g_test_add ("/veil/analyzer-service/workers/faults", ServiceFixture, GINT_TO_POINTER (WORKERS),
              fixture_setup, test_worker_faults, fixture_teardown);
  g_test_add ("/veil/analyzer-service/workers/hostile-files", ServiceFixture, GINT_TO_POINTER (WORKERS),
              fixture_setup, test_hostile_files, fixture_teardown);
  g_test_add ("/veil/analyzer-service/workers/model-missing", ServiceFixture, GINT_TO_POINTER (WORKERS_NO_MODEL),
              fixture_setup, test_worker_model_missing, fixture_teardown);
  g_test_add ("/veil/analyzer-service/workers/model-fifo", ServiceFixture, GINT_TO_POINTER (WORKERS_FIFO_MODEL),
              fixture_setup, test_worker_model_missing, fixture_teardown);

  result = g_test_run ();

  g_test_dbus_down (test_bus);
  g_clear_object (&test_bus);
  return result;
}
