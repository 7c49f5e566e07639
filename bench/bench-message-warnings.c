/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-message-warnings"

#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include <vips/vips.h>

#include "veil.h"
#include "veil-bench-utils.h"

/* bench/message-warnings: the background service as the child meets it. The built
 * `veil --gapplication-service` runs in its own process on a private bus, with a profile whose
 * message warnings are active and a hash list holding the PDQ hashes of 20 generated 12 MP
 * JPEGs; this program stands in for the notification server. For each JPEG it measures from
 * the moment the file is closed in the watched folder to the notification arriving. Baseline,
 * measured in the same run: the same analysis (decode, PDQ, classifier) called in-process on
 * the same files. Then the service's resident memory and CPU use while idle.
 * The targets: median under 250 ms, p95 under 400 ms, idle RSS under 60 MB, idle CPU
 * zero. Needs an X display (xvfb-run) and VEIL_MODEL_PATH; VEIL_APP_PATH names the binary. */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipsImage, g_object_unref)

#define N_PHOTOS 20
#define TARGET_MEDIAN_MS 250.0
#define TARGET_P95_MS 400.0
#define TARGET_IDLE_RSS_MB 60.0
#define IDLE_SECONDS 10
#define SETTLE_SECONDS 8

static guint n_notifications;

static void
notifications_method_cb (GDBusConnection       *connection,
                         const char            *sender,
                         const char            *object_path,
                         const char            *interface_name,
                         const char            *method_name,
                         GVariant              *parameters,
                         GDBusMethodInvocation *invocation,
                         gpointer               user_data)
{
  if (g_str_equal (method_name, "AddNotification"))
    n_notifications++;
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static const char notifications_xml[] =
  "<node><interface name='org.gtk.Notifications'>"
  "  <method name='AddNotification'>"
  "    <arg type='s' direction='in'/><arg type='s' direction='in'/><arg type='a{sv}' direction='in'/>"
  "  </method>"
  "  <method name='RemoveNotification'>"
  "    <arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "  </method>"
  "</interface></node>";

static gboolean
name_has_owner (GDBusConnection *bus,
                const char      *name)
{
  g_autoptr(GVariant) reply = NULL;
  gboolean owned = FALSE;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner", g_variant_new ("(s)", name),
                                       G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);
  return owned;
}

static void
write_file (const char *path,
            GBytes     *bytes)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

  if (fd < 0)
    g_error ("Could not create %s", path);
  while (size > 0)
    {
      ssize_t n = write (fd, data, size);

      if (n <= 0)
        g_error ("Could not write %s", path);
      data += n;
      size -= (gsize) n;
    }
  close (fd);
}

static void
wait_seconds (guint seconds)
{
  gint64 end = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (20000);
    }
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("veil-bench-warnings-XXXXXX", &error);
  g_autofree char *staging = NULL;
  g_autofree char *downloads = NULL;
  g_autofree char *db = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *veil = NULL;
  g_autofree char *display = NULL;
  g_autoptr(VeilModel) model = NULL;
  g_autoptr(VeilNsfwClassifier) classifier = NULL;
  g_autoptr(VeilAnalyzer) analyzer = NULL;
  g_autoptr(VeilStore) store = NULL;
  g_autoptr(VeilProfileBuilder) builder = NULL;
  g_autoptr(VeilProfile) draft = NULL;
  g_autoptr(VeilProfile) profile = NULL;
  g_autoptr(VeilHashList) list = veil_hash_list_new ("Bench list");
  g_autoptr(GTestDBus) bus = NULL;
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GDBusNodeInfo) node = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) service = NULL;
  GBytes *photos[N_PHOTOS];
  double floor_ms[N_PHOTOS], latency_ms[N_PHOTOS];
  double floor_median, floor_p95, median, p95;
  const char *folders[2] = { NULL, NULL };
  const char *model_path = g_getenv ("VEIL_MODEL_PATH");
  GDBusInterfaceVTable vtable = { notifications_method_cb, NULL, NULL, { 0 } };
  guint64 rss_start, rss_after, ticks_start, ticks_after;
  guint64 anon_start, file_start, anon_after, file_after;
  GPid pid;
  gint64 deadline;

  if (dir == NULL)
    g_error ("%s", error->message);
  if (g_getenv ("DISPLAY") == NULL)
    g_error ("The service is a GTK application: run me under xvfb-run");
  if (model_path == NULL)
    g_error ("Set VEIL_MODEL_PATH to the converted model (meson devenv does)");
  veil = g_strdup (g_getenv ("VEIL_APP_PATH") != NULL ? g_getenv ("VEIL_APP_PATH") : "veil");

  /* Everything this run stores lives in the temporary folder, for both processes. */
  for (guint i = 0; i < 4; i++)
    {
      static const char * const vars[] = { "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME" };
      g_autofree char *path = g_build_filename (dir, vars[i], NULL);

      g_setenv (vars[i], path, TRUE);
    }
  if (VIPS_INIT (argv[0]) != 0)
    g_error ("libvips: %s", vips_error_buffer ());

  staging = g_build_filename (dir, "staging", NULL);
  downloads = g_build_filename (dir, "Downloads", NULL);
  g_mkdir_with_parents (staging, 0700);
  g_mkdir_with_parents (downloads, 0700);

  model = veil_model_new_from_file (model_path, &error);
  if (model != NULL)
    classifier = veil_nsfw_classifier_new (model, &error);
  if (classifier == NULL)
    g_error ("%s", error->message);
  analyzer = veil_analyzer_new (VEIL_CLASSIFIER (classifier));

  printf ("Generating %d photos of 4000x3000...\n", N_PHOTOS);
  fflush (stdout);
  for (guint i = 0; i < N_PHOTOS; i++)
    {
      g_autoptr(VipsImage) photo = veil_bench_make_photo (4000, 3000, 500 + i);
      g_autofree char *name = g_strdup_printf ("photo-%02u.jpg", i);
      g_autofree char *path = g_build_filename (staging, name, NULL);
      g_autoptr(VeilPdq) pdq = NULL;
      void *buffer = NULL;
      size_t length = 0;

      if (vips_jpegsave_buffer (photo, &buffer, &length, "Q", 90, NULL) != 0)
        g_error ("libvips: %s", vips_error_buffer ());
      photos[i] = g_bytes_new_take (buffer, length);
      write_file (path, photos[i]);
      pdq = veil_pdq_hash_file (path, VEIL_PDQ_MODE_EXACT, FALSE, NULL, NULL, &error);
      if (pdq == NULL)
        g_error ("%s", error->message);
      veil_hash_list_add (list, veil_pdq_get_hash (pdq), name);
    }

  /* The profile: linked to this account, message warnings on and acknowledged. */
  data_dir = veil_paths_get_data_dir ();
  db = veil_paths_get_database_path ();
  if (!veil_paths_ensure_private_dir (data_dir, &error) ||
      (store = veil_store_new (db, NULL, &error)) == NULL)
    g_error ("%s", error->message);
  folders[0] = downloads;
  builder = veil_profile_builder_new ("Bench");
  veil_profile_builder_set_unix_user (builder, g_get_user_name ());
  veil_profile_builder_set_age_band (builder, VEIL_AGE_BAND_13_15);
  veil_profile_builder_set_protection_enabled (builder, VEIL_PROTECTION_MESSAGE_WARNINGS, TRUE);
  veil_profile_builder_set_message_folders (builder, folders);
  draft = veil_profile_builder_build (builder, &error);
  if (draft == NULL ||
      (profile = veil_store_save_profile (store, draft, VEIL_ACTOR_GUARDIAN, &error)) == NULL ||
      !veil_store_acknowledge (store, profile, VEIL_PROTECTION_MESSAGE_WARNINGS,
                               veil_protection_get_text_version (VEIL_PROTECTION_MESSAGE_WARNINGS), &error) ||
      !veil_store_import_hash_list (store, veil_profile_get_id (profile), list, "bench", &error) ||
      !veil_analyzer_load_lists (analyzer, store, veil_profile_get_id (profile), &error))
    g_error ("%s", error->message);

  /* Baseline: the analysis itself, in this process, on the same files. */
  for (guint i = 0; i < N_PHOTOS; i++)
    {
      g_autofree char *name = g_strdup_printf ("photo-%02u.jpg", i);
      g_autofree char *path = g_build_filename (staging, name, NULL);
      g_autoptr(VeilVerdict) verdict = NULL;
      g_autoptr(GBytes) thumbnail = NULL;
      gint64 start = g_get_monotonic_time ();

      verdict = veil_analyzer_analyze_file (analyzer, path, profile, NULL, &thumbnail, NULL, &error);
      if (verdict == NULL)
        g_error ("%s", error->message);
      if (!veil_verdict_get_sensitive (verdict))
        g_error ("%s should match the bench's list", name);
      floor_ms[i] = (g_get_monotonic_time () - start) / 1000.0;
    }

  /* The service, on a private bus, with this program as its notification server. GTestDBus
   * unsets DISPLAY (against X11 bus autolaunch): the service gets it back explicitly. */
  display = g_strdup (g_getenv ("DISPLAY"));
  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (bus);
  connection = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (bus),
                                                       G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                       G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                       NULL, NULL, &error);
  if (connection == NULL)
    g_error ("%s", error->message);
  node = g_dbus_node_info_new_for_xml (notifications_xml, NULL);
  g_dbus_connection_register_object (connection, "/org/gtk/Notifications", node->interfaces[0], &vtable,
                                     NULL, NULL, &error);
  g_bus_own_name_on_connection (connection, "org.gtk.Notifications", G_BUS_NAME_OWNER_FLAGS_NONE,
                                NULL, NULL, NULL, NULL);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", g_test_dbus_get_bus_address (bus), TRUE);
  g_subprocess_launcher_setenv (launcher, "DISPLAY", display, TRUE);
  g_subprocess_launcher_setenv (launcher, "GNOTIFICATION_BACKEND", "gtk", TRUE);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "memory", TRUE);
  service = g_subprocess_launcher_spawn (launcher, &error, veil, "--gapplication-service", NULL);
  if (service == NULL)
    g_error ("%s", error->message);
  pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (service), NULL, 10);
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (!name_has_owner (connection, "io.github.veilapp.Veil"))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("The service did not start");
      g_usleep (20000);
    }

  /* Idle, freshly started: CPU over IDLE_SECONDS, then memory. The service tidies up once,
   * SETTLE_SECONDS after its last work: measured after that. */
  wait_seconds (SETTLE_SECONDS);
  ticks_start = veil_bench_process_cpu_ticks (pid);
  wait_seconds (IDLE_SECONDS);
  ticks_start = veil_bench_process_cpu_ticks (pid) - ticks_start;
  rss_start = veil_bench_process_rss (pid);
  veil_bench_process_rss_parts (pid, &anon_start, &file_start);

  for (guint i = 0; i < N_PHOTOS; i++)
    {
      g_autofree char *name = g_strdup_printf ("photo-%02u.jpg", i);
      g_autofree char *path = g_build_filename (downloads, name, NULL);
      gint64 start;

      write_file (path, photos[i]);
      start = g_get_monotonic_time ();
      deadline = start + 10 * G_USEC_PER_SEC;
      while (n_notifications < i + 1)
        {
          if (g_get_monotonic_time () > deadline)
            g_error ("No notification for %s", name);
          g_main_context_iteration (NULL, TRUE);
        }
      latency_ms[i] = (g_get_monotonic_time () - start) / 1000.0;
      wait_seconds (1);
    }

  /* Idle again after the work (the service hands freed memory back after a few quiet
   * seconds, before the window starts). */
  wait_seconds (SETTLE_SECONDS);
  ticks_after = veil_bench_process_cpu_ticks (pid);
  wait_seconds (IDLE_SECONDS);
  ticks_after = veil_bench_process_cpu_ticks (pid) - ticks_after;
  rss_after = veil_bench_process_rss (pid);
  veil_bench_process_rss_parts (pid, &anon_after, &file_after);

  veil_bench_summarize (floor_ms, N_PHOTOS, &floor_median, &floor_p95);
  veil_bench_summarize (latency_ms, N_PHOTOS, &median, &p95);
  printf ("\nbench/message-warnings: %d JPEGs of 12 MP written into a watched folder\n", N_PHOTOS);
  printf ("  baseline, analysis in-process:  median %6.1f ms  p95 %6.1f ms\n", floor_median, floor_p95);
  printf ("  written -> notification:        median %6.1f ms  p95 %6.1f ms  (%.2fx the baseline median)\n",
          median, p95, median / floor_median);
  printf ("    target: median < %.0f ms: %s; p95 < %.0f ms: %s\n",
          TARGET_MEDIAN_MS, median < TARGET_MEDIAN_MS ? "met" : "MISSED",
          TARGET_P95_MS, p95 < TARGET_P95_MS ? "met" : "MISSED");
  printf ("  idle RSS after start:           %6.1f MB  (target < %.0f MB: %s; heap and stacks %.1f MB, "
          "mapped files %.1f MB)\n", rss_start / 1e6, TARGET_IDLE_RSS_MB,
          rss_start / 1e6 < TARGET_IDLE_RSS_MB ? "met" : "MISSED", anon_start / 1e6, file_start / 1e6);
  printf ("  idle RSS after the work:        %6.1f MB  (target < %.0f MB: %s; heap and stacks %.1f MB, "
          "mapped files %.1f MB)\n", rss_after / 1e6, TARGET_IDLE_RSS_MB,
          rss_after / 1e6 < TARGET_IDLE_RSS_MB ? "met" : "MISSED", anon_after / 1e6, file_after / 1e6);
  printf ("  idle CPU over %d s:             %" G_GUINT64_FORMAT " ticks after start, %" G_GUINT64_FORMAT
          " ticks after the work (target 0: %s)\n", IDLE_SECONDS, ticks_start, ticks_after,
          ticks_start == 0 && ticks_after == 0 ? "met" : "MISSED");

  g_subprocess_send_signal (service, SIGTERM);
  g_subprocess_wait (service, NULL, NULL);
  for (guint i = 0; i < N_PHOTOS; i++)
    g_bytes_unref (photos[i]);
  g_clear_object (&connection);
  g_test_dbus_down (bus);
  veil_bench_rm_rf (dir);
  return 0;
}
