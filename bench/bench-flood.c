/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-flood"

#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <gio/gunixfdlist.h>
#include <vips/vips.h>

#include "veil.h"
#include "veil-bench-service.h"
#include "veil-bench-utils.h"

/* bench/flood: a hostile app floods the Analyzer API with picture bombs while a sensitive
 * picture arrives in a watched folder. The built `veil --gapplication-service` runs on a
 * private bus; N_CALLERS connections keep CALLS_PER_CALLER AnalyzeFile calls each on a
 * 10000x10000 PNG in flight (100 at any time, re-sent as answers come back). Meanwhile
 * N_ARRIVALS pictures on the profile's hash list are written into the watched folder, one
 * after the other; each must be warned about (a notification) quickly. Baseline, measured in
 * the same run: the same arrivals with no flood. Targets: p95 arrival -> notification under
 * 2 s during the flood, and the service's peak resident memory under 600 MB (the analyses
 * themselves run in worker processes with their own limits). Needs an X display (xvfb-run)
 * and VEIL_MODEL_PATH; VEIL_APP_PATH names the binary. */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipsImage, g_object_unref)

#define N_CALLERS 25
#define CALLS_PER_CALLER 4
#define N_BASELINE 5
#define N_ARRIVALS 20
#define BOMB_SIDE 10000
#define TARGET_P95_MS 2000.0
#define TARGET_PEAK_RSS_MB 600.0

typedef struct {
  GDBusConnection *connection;
  const char      *bomb;
  gboolean        *flooding;
  guint           *n_in_flight;
  guint           *n_answers;   /* [0] answered, [1] not checked, [2] Busy, [3] other errors */
} Caller;

static void send_bomb (Caller *caller);

static void
bomb_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Caller *caller = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  reply = g_dbus_connection_call_with_unix_fd_list_finish (G_DBUS_CONNECTION (source), NULL, result, &error);
  (*caller->n_in_flight)--;
  if (reply != NULL)
    {
      g_autoptr(GVariant) details = NULL;
      gboolean sensitive, checked = TRUE;

      g_variant_get (reply, "(b@a{sv})", &sensitive, &details);
      g_variant_lookup (details, "checked", "b", &checked);
      caller->n_answers[checked ? 0 : 1]++;
    }
  else
    {
      g_autofree char *name = g_dbus_error_get_remote_error (error);

      caller->n_answers[g_strcmp0 (name, "io.github.veilapp.Veil.Error.Busy") == 0 ? 2 : 3]++;
    }
  if (*caller->flooding)
    send_bomb (caller);
}

static void
send_bomb (Caller *caller)
{
  g_autoptr(GUnixFDList) fds = g_unix_fd_list_new ();
  int fd = open (caller->bomb, O_RDONLY | O_CLOEXEC);

  if (fd < 0 || g_unix_fd_list_append (fds, fd, NULL) < 0)
    g_error ("Could not open %s", caller->bomb);
  close (fd);
  (*caller->n_in_flight)++;
  g_dbus_connection_call_with_unix_fd_list (caller->connection, "io.github.veilapp.Veil",
                                            "/io/github/veilapp/Veil", "io.github.veilapp.Veil.Analyzer1",
                                            "AnalyzeFile", g_variant_new ("(h)", 0),
                                            G_VARIANT_TYPE ("(ba{sv})"), G_DBUS_CALL_FLAGS_NONE, 120000,
                                            fds, NULL, bomb_done_cb, caller);
}

/* Writes each picture into the watched folder and times it to its notification. */
static void
time_arrivals (VeilBenchService *service,
               GBytes          **pictures,
               guint             first,
               guint             n,
               const char       *downloads,
               double           *latency_ms)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("arrival-%02u.jpg", first + i);
      g_autofree char *path = g_build_filename (downloads, name, NULL);
      guint expected = veil_bench_service_get_n_notifications (service) + 1;
      gint64 start;

      veil_bench_write_file (path, pictures[first + i]);
      start = g_get_monotonic_time ();
      if (!veil_bench_service_wait_notifications (service, expected, 60))
        g_error ("No notification for %s", name);
      latency_ms[i] = (g_get_monotonic_time () - start) / 1000.0;
      veil_bench_wait_seconds (1);
    }
}

static GBytes *
make_bomb (void)
{
  g_autoptr(VipsImage) black = NULL;
  g_autoptr(VipsImage) ring = NULL;
  void *buffer = NULL;
  size_t length = 0;

  /* A flat picture with a little drawn on it: a few hundred KB that decode to 100 MP. */
  if (vips_black (&black, BOMB_SIDE, BOMB_SIDE, "bands", 3, NULL) != 0 ||
      vips_linear1 (black, &ring, 1.0, 40.0, "uchar", TRUE, NULL) != 0 ||
      vips_draw_circle1 (ring, 200.0, BOMB_SIDE / 2, BOMB_SIDE / 2, BOMB_SIDE / 3, NULL) != 0 ||
      vips_pngsave_buffer (ring, &buffer, &length, "compression", 9, NULL) != 0)
    g_error ("libvips: %s", vips_error_buffer ());
  return g_bytes_new_take (buffer, length);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("veil-bench-flood-XXXXXX", &error);
  g_autofree char *downloads = NULL;
  g_autofree char *bomb = NULL;
  g_autoptr(VeilStore) store = NULL;
  g_autoptr(VeilProfile) profile = NULL;
  g_autoptr(VeilHashList) list = veil_hash_list_new ("Bench list");
  g_autoptr(GBytes) bomb_bytes = NULL;
  GBytes *pictures[N_BASELINE + N_ARRIVALS];
  Caller callers[N_CALLERS];
  guint n_answers[4] = { 0, 0, 0, 0 };
  guint n_in_flight = 0;
  gboolean flooding = TRUE;
  double baseline_ms[N_BASELINE], flood_ms[N_ARRIVALS];
  double baseline_median, baseline_p95, median, p95, peak_mb;
  VeilBenchService *service;
  gint64 deadline;

  if (dir == NULL)
    g_error ("%s", error->message);
  if (g_getenv ("VEIL_MODEL_PATH") == NULL)
    g_error ("Set VEIL_MODEL_PATH to the converted model (meson devenv does)");
  veil_bench_use_private_dirs (dir);
  if (VIPS_INIT (argv[0]) != 0)
    g_error ("libvips: %s", vips_error_buffer ());

  downloads = g_build_filename (dir, "Downloads", NULL);
  bomb = g_build_filename (dir, "bomb.png", NULL);
  g_mkdir_with_parents (downloads, 0700);

  printf ("Generating a %dx%d PNG and %d pictures of 1600x1200...\n", BOMB_SIDE, BOMB_SIDE,
          N_BASELINE + N_ARRIVALS);
  fflush (stdout);
  bomb_bytes = make_bomb ();
  veil_bench_write_file (bomb, bomb_bytes);
  for (guint i = 0; i < N_BASELINE + N_ARRIVALS; i++)
    {
      g_autoptr(VipsImage) photo = veil_bench_make_photo (1600, 1200, 900 + i);
      g_autoptr(VeilPdq) pdq = NULL;
      g_autofree char *path = g_build_filename (dir, "staged.jpg", NULL);
      void *buffer = NULL;
      size_t length = 0;

      if (vips_jpegsave_buffer (photo, &buffer, &length, "Q", 90, NULL) != 0)
        g_error ("libvips: %s", vips_error_buffer ());
      pictures[i] = g_bytes_new_take (buffer, length);
      veil_bench_write_file (path, pictures[i]);
      pdq = veil_pdq_hash_file (path, VEIL_PDQ_MODE_EXACT, FALSE, NULL, NULL, &error);
      if (pdq == NULL)
        g_error ("%s", error->message);
      veil_hash_list_add (list, veil_pdq_get_hash (pdq), "arrival");
    }

  profile = veil_bench_save_warnings_profile (downloads, VEIL_AGE_BAND_UNDER_13, list, &store);
  service = veil_bench_service_start ();
  veil_bench_wait_seconds (2);

  /* Baseline: arrivals with nobody else asking. */
  time_arrivals (service, pictures, 0, N_BASELINE, downloads, baseline_ms);

  for (guint c = 0; c < N_CALLERS; c++)
    {
      callers[c] = (Caller) { NULL, bomb, &flooding, &n_in_flight, n_answers };
      callers[c].connection = g_dbus_connection_new_for_address_sync (veil_bench_service_get_address (service),
                                                                      G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                                      G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                                      NULL, NULL, &error);
      if (callers[c].connection == NULL)
        g_error ("%s", error->message);
      for (guint k = 0; k < CALLS_PER_CALLER; k++)
        send_bomb (&callers[c]);
    }
  veil_bench_wait_seconds (2);
  time_arrivals (service, pictures, N_BASELINE, N_ARRIVALS, downloads, flood_ms);

  /* Stop sending and let every call come back, so that none is lost. */
  flooding = FALSE;
  deadline = g_get_monotonic_time () + 180 * G_USEC_PER_SEC;
  while (n_in_flight > 0 && g_get_monotonic_time () < deadline)
    veil_bench_wait_seconds (1);
  peak_mb = veil_bench_service_get_peak_rss (service) / 1e6;

  veil_bench_summarize (baseline_ms, N_BASELINE, &baseline_median, &baseline_p95);
  veil_bench_summarize (flood_ms, N_ARRIVALS, &median, &p95);
  printf ("\nbench/flood: %d callers x %d AnalyzeFile calls on a %dx%d PNG kept in flight\n",
          N_CALLERS, CALLS_PER_CALLER, BOMB_SIDE, BOMB_SIDE);
  printf ("  arrival -> notification, no flood:   median %7.1f ms  p95 %7.1f ms\n", baseline_median, baseline_p95);
  printf ("  arrival -> notification, flood:      median %7.1f ms  p95 %7.1f ms  (%.2fx the baseline median)\n",
          median, p95, median / baseline_median);
  printf ("    target: p95 < %.0f ms: %s\n", TARGET_P95_MS, p95 < TARGET_P95_MS ? "met" : "MISSED");
  printf ("  flood answers: %u checked, %u not checked, %u Busy, %u other errors; %u still in flight\n",
          n_answers[0], n_answers[1], n_answers[2], n_answers[3], n_in_flight);
  printf ("  service peak RSS:                    %7.1f MB  (target < %.0f MB: %s)\n",
          peak_mb, TARGET_PEAK_RSS_MB, peak_mb < TARGET_PEAK_RSS_MB ? "met" : "MISSED");

  for (guint c = 0; c < N_CALLERS; c++)
    g_clear_object (&callers[c].connection);
  veil_bench_service_stop (service);
  for (guint i = 0; i < N_BASELINE + N_ARRIVALS; i++)
    g_bytes_unref (pictures[i]);
  veil_bench_rm_rf (dir);
  return n_in_flight == 0 && n_answers[3] == 0 ? 0 : 1;
}
