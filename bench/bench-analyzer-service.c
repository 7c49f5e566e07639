/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-analyzer-service"

#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <gio/gunixfdlist.h>
#include <vips/vips.h>

#include "veil.h"
#include "veil-bench-utils.h"

/* bench/analyzer-service: the AnalyzeFile round trip for a 1 MP JPEG, through a private
 * dbus-daemon (GTestDBus) as a messaging app would call it, against the same analysis called
 * in-process on the same fd (decode + PDQ + classifier, no D-Bus). Both are measured in this
 * run. The target: round trip under 120 ms median; the D-Bus and threading overhead is
 * printed as a ratio to the in-process baseline. */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipsImage, g_object_unref)

#define N_ROUNDS 40
#define TARGET_MEDIAN_MS 120.0

static char *
make_jpeg (const char *dir)
{
  g_autoptr(VipsImage) photo = veil_bench_make_photo (1200, 900, 11);
  char *path = g_build_filename (dir, "photo.jpg", NULL);

  if (vips_jpegsave (photo, path, "Q", 85, NULL) != 0)
    g_error ("libvips: %s", vips_error_buffer ());
  return path;
}

typedef struct {
  gboolean  done;
  GVariant *reply;
  GError   *error;
} Call;

static void
call_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Call *call = user_data;

  call->reply = g_dbus_connection_call_with_unix_fd_list_finish (G_DBUS_CONNECTION (source), NULL, result, &call->error);
  call->done = TRUE;
}

static GDBusConnection *
connect_to (GTestDBus *bus)
{
  g_autoptr(GError) error = NULL;
  GDBusConnection *connection =
    g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (bus),
                                            G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                            G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                            NULL, NULL, &error);

  if (connection == NULL)
    g_error ("Could not connect to the private bus: %s", error->message);
  return connection;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("veil-bench-service-XXXXXX", &error);
  g_autofree char *db = NULL;
  g_autofree char *photo = NULL;
  g_autoptr(VeilModel) model = NULL;
  g_autoptr(VeilNsfwClassifier) classifier = NULL;
  g_autoptr(VeilStore) store = NULL;
  g_autoptr(VeilProfileBuilder) builder = NULL;
  g_autoptr(VeilProfile) draft = NULL;
  g_autoptr(VeilProfile) profile = NULL;
  g_autoptr(VeilAnalyzer) analyzer = NULL;
  g_autoptr(VeilAnalyzerService) service = NULL;
  g_autoptr(GTestDBus) bus = NULL;
  g_autoptr(GDBusConnection) server = NULL;
  g_autoptr(GDBusConnection) client = NULL;
  const char *model_path = g_getenv ("VEIL_MODEL_PATH");
  double direct[N_ROUNDS], remote[N_ROUNDS];
  double direct_median, direct_p95, remote_median, remote_p95;
  VeilImageLimits limits;
  int fd;

  if (VIPS_INIT (argv[0]) != 0)
    g_error ("libvips: %s", vips_error_buffer ());
  if (dir == NULL)
    g_error ("%s", error->message);
  if (model_path == NULL)
    g_error ("Set VEIL_MODEL_PATH to the converted model (meson devenv does)");
  model = veil_model_new_from_file (model_path, &error);
  if (model != NULL)
    classifier = veil_nsfw_classifier_new (model, &error);
  if (classifier == NULL)
    g_error ("%s", error->message);

  photo = make_jpeg (dir);
  db = g_build_filename (dir, "veil.db", NULL);
  store = veil_store_new (db, NULL, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  builder = veil_profile_builder_new ("Bench");
  veil_profile_builder_set_unix_user (builder, g_get_user_name ());
  veil_profile_builder_set_age_band (builder, VEIL_AGE_BAND_13_15);
  veil_profile_builder_set_protection_enabled (builder, VEIL_PROTECTION_MESSAGE_WARNINGS, TRUE);
  draft = veil_profile_builder_build (builder, &error);
  if (draft != NULL)
    profile = veil_store_save_profile (store, draft, VEIL_ACTOR_GUARDIAN, &error);
  if (profile == NULL ||
      !veil_store_acknowledge (store, profile, VEIL_PROTECTION_MESSAGE_WARNINGS,
                               veil_protection_get_text_version (VEIL_PROTECTION_MESSAGE_WARNINGS), &error))
    g_error ("%s", error->message);

  analyzer = veil_analyzer_new (VEIL_CLASSIFIER (classifier));
  service = veil_analyzer_service_new (analyzer, store);
  if (veil_analyzer_service_get_policy (service) == VEIL_ANALYZER_POLICY_DISABLED)
    g_error ("The benchmark profile is not active");

  fd = open (photo, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    g_error ("Could not open %s", photo);

  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (bus);
  server = connect_to (bus);
  client = connect_to (bus);
  if (!veil_analyzer_service_export (service, server, NULL, &error))
    g_error ("%s", error->message);

  /* Rounds alternate between the baseline (the same work in this thread, no D-Bus, no worker
   * thread) and the round trip, so that load from elsewhere on the machine hits both alike.
   * One warm-up round each. */
  veil_image_limits_init_default (&limits);
  for (int i = -1; i < N_ROUNDS; i++)
    {
      g_autoptr(VeilImage) image = NULL;
      g_autoptr(VeilVerdict) verdict = NULL;
      g_autoptr(GUnixFDList) list = g_unix_fd_list_new ();
      Call call = { FALSE, NULL, NULL };
      gint64 start = g_get_monotonic_time ();
      int index;

      image = veil_image_load_fd (fd, veil_analyzer_get_needs (analyzer) & ~VEIL_IMAGE_NEED_THUMBNAIL,
                                  &limits, NULL, &error);
      if (image != NULL)
        verdict = veil_analyzer_analyze_image (analyzer, image, profile, NULL, NULL, &error);
      if (verdict == NULL)
        g_error ("%s", error->message);
      if (i >= 0)
        direct[i] = (g_get_monotonic_time () - start) / 1000.0;

      start = g_get_monotonic_time ();
      index = g_unix_fd_list_append (list, fd, &error);
      g_dbus_connection_call_with_unix_fd_list (client, g_dbus_connection_get_unique_name (server),
                                                VEIL_ANALYZER_SERVICE_OBJECT_PATH,
                                                "io.github.veilapp.Veil.Analyzer1", "AnalyzeFile",
                                                g_variant_new ("(h)", index), G_VARIANT_TYPE ("(ba{sv})"),
                                                G_DBUS_CALL_FLAGS_NONE, 60000, list, NULL,
                                                call_done_cb, &call);
      while (!call.done)
        g_main_context_iteration (NULL, TRUE);
      if (call.reply == NULL)
        g_error ("AnalyzeFile failed: %s", call.error->message);
      g_variant_unref (call.reply);
      if (i >= 0)
        remote[i] = (g_get_monotonic_time () - start) / 1000.0;
    }
  close (fd);

  veil_bench_summarize (direct, N_ROUNDS, &direct_median, &direct_p95);
  veil_bench_summarize (remote, N_ROUNDS, &remote_median, &remote_p95);
  printf ("bench/analyzer-service: 1 MP JPEG (1200x900), %d rounds each\n", N_ROUNDS);
  printf ("  in-process analysis (baseline): median %.1f ms, p95 %.1f ms\n", direct_median, direct_p95);
  printf ("  AnalyzeFile round trip:         median %.1f ms, p95 %.1f ms\n", remote_median, remote_p95);
  printf ("  round trip / baseline:          %.2fx (D-Bus, fd passing, worker thread)\n",
          remote_median / direct_median);
  printf ("  target: median under %.0f ms: %s\n", TARGET_MEDIAN_MS,
          remote_median < TARGET_MEDIAN_MS ? "met" : "NOT MET");

  veil_analyzer_service_unexport (service);
  g_dbus_connection_close_sync (client, NULL, NULL);
  g_dbus_connection_close_sync (server, NULL, NULL);
  g_test_dbus_down (bus);
  veil_bench_rm_rf (dir);
  /* Stops libvips' worker threads, so that a sanitizer build reports only real leaks. */
  vips_shutdown ();
  return remote_median < TARGET_MEDIAN_MS ? 0 : 1;
}
