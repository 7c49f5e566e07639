/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <vips/vips.h>

#include "veil.h"
#include "veil-scanner-private.h"
#include "veil-test-utils.h"

/* Power-saver mode pauses a library scan and leaving it resumes the scan. The system's
 * GPowerProfileMonitor lives on the system bus and cannot be switched in CI, so the scanner
 * gets a monitor of the test's own: a real implementation of the GIO interface whose
 * "power-saver-enabled" the test flips. */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipsImage, g_object_unref)

/* --- a power profile monitor the test controls ------------------------------------------- */

#define TEST_TYPE_POWER_MONITOR (test_power_monitor_get_type ())
G_DECLARE_FINAL_TYPE (TestPowerMonitor, test_power_monitor, TEST, POWER_MONITOR, GObject)

struct _TestPowerMonitor
{
  GObject  parent_instance;
  gboolean power_saver;
};

static void test_power_monitor_initable_init (GInitableIface *iface);
static void test_power_monitor_iface_init (GPowerProfileMonitorInterface *iface);

/* GPowerProfileMonitor requires GInitable. */
G_DEFINE_FINAL_TYPE_WITH_CODE (TestPowerMonitor, test_power_monitor, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, test_power_monitor_initable_init)
                               G_IMPLEMENT_INTERFACE (G_TYPE_POWER_PROFILE_MONITOR, test_power_monitor_iface_init))

enum {
  PROP_0,
  PROP_POWER_SAVER_ENABLED,
};

static void
test_power_monitor_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  TestPowerMonitor *self = TEST_POWER_MONITOR (object);

  switch (prop_id)
    {
    case PROP_POWER_SAVER_ENABLED:
      g_value_set_boolean (value, self->power_saver);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static gboolean
test_power_monitor_initable_init_impl (GInitable     *initable,
                                       GCancellable  *cancellable,
                                       GError       **error)
{
  return TRUE;
}

static void
test_power_monitor_initable_init (GInitableIface *iface)
{
  iface->init = test_power_monitor_initable_init_impl;
}

static void
test_power_monitor_iface_init (GPowerProfileMonitorInterface *iface)
{
}

static void
test_power_monitor_class_init (TestPowerMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = test_power_monitor_get_property;
  /* The interface's property is read-only: the test flips the field and notifies. */
  g_object_class_override_property (object_class, PROP_POWER_SAVER_ENABLED, "power-saver-enabled");
}

static void
test_power_monitor_init (TestPowerMonitor *self)
{
}

static void
set_power_saver (TestPowerMonitor *monitor,
                 gboolean          enabled)
{
  monitor->power_saver = enabled;
  g_object_notify (G_OBJECT (monitor), "power-saver-enabled");
}

/* --- the test ------------------------------------------------------------------------------ */

static void
picture_pixel (guint    x,
               guint    y,
               guint    width,
               guint    height,
               guint8  *rgb,
               gpointer data)
{
  guint index = GPOINTER_TO_UINT (data);

  for (guint c = 0; c < 3; c++)
    rgb[c] = (guint8) (127.5 + 127.0 * sin ((index + 1.0) * (x + 7.0 * c) / width +
                                            (c + 1.0) * y / height * (index % 5 + 1)));
}

static void
write_picture (const char *dir,
               guint       index)
{
  g_autofree char *name = g_strdup_printf ("p%02u.png", index);

  g_free (veil_test_write_pixels (dir, name, 320, 240, picture_pixel, GUINT_TO_POINTER (index)));
}

typedef struct {
  gboolean         done;
  VeilScanSummary *summary;
  GError          *error;
} ScanResult;

static void
scan_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  ScanResult *r = user_data;

  r->summary = veil_scanner_scan_finish (VEIL_SCANNER (source), result, &r->error);
  r->done = TRUE;
}

static void
test_power_saver (void)
{
  g_autofree char *dir = veil_test_make_tmpdir ();
  g_autofree char *library = g_build_filename (dir, "Pictures", NULL);
  g_autofree char *db = g_build_filename (dir, "veil.db", NULL);
  g_autoptr(VeilStore) store = NULL;
  g_autoptr(VeilProfileBuilder) b = veil_profile_builder_new ("Sam");
  g_autoptr(VeilProfile) profile = NULL;
  g_autoptr(VeilAnalyzer) analyzer = veil_analyzer_new (NULL);
  g_autoptr(VeilScanner) scanner = NULL;
  g_autoptr(TestPowerMonitor) monitor = g_object_new (TEST_TYPE_POWER_MONITOR, NULL);
  g_autoptr(GError) error = NULL;
  const char *folders[] = { library, NULL };
  ScanResult r = { 0 };
  const guint n_pictures = 24;
  guint done_while_saving;

  g_assert_cmpint (g_mkdir_with_parents (library, 0700), ==, 0);
  for (guint i = 0; i < n_pictures; i++)
    write_picture (library, i);

  store = veil_store_new (db, NULL, &error);
  g_assert_no_error (error);
  veil_profile_builder_set_folders (b, folders);
  veil_profile_builder_set_protection_enabled (b, VEIL_PROTECTION_LIBRARY_SCAN, TRUE);
  profile = veil_test_save_profile (store, b, TRUE);

  scanner = veil_scanner_new (analyzer, store, profile);
  veil_scanner_set_n_workers (scanner, 2);
  _veil_scanner_set_power_monitor (scanner, G_POWER_PROFILE_MONITOR (monitor));

  /* Power saver on from the start: the scan begins paused and analyses nothing. */
  set_power_saver (monitor, TRUE);
  veil_scanner_scan_async (scanner, NULL, NULL, scan_done_cb, &r);
  g_assert_cmpint (veil_scanner_get_state (scanner), ==, VEIL_SCANNER_STATE_PAUSED);
  veil_test_spin_for (500);
  g_assert_cmpuint (veil_scanner_get_n_done (scanner), <=, 2);  /* at most what workers had begun */
  done_while_saving = veil_scanner_get_n_done (scanner);

  /* The guardian's "resume" does not override power-saver mode. */
  veil_scanner_resume (scanner);
  g_assert_cmpint (veil_scanner_get_state (scanner), ==, VEIL_SCANNER_STATE_PAUSED);
  veil_test_spin_for (300);
  g_assert_cmpuint (veil_scanner_get_n_done (scanner), ==, done_while_saving);
  g_assert_false (r.done);

  /* Nor does leaving power saver override the guardian's own pause. */
  veil_scanner_pause (scanner);
  set_power_saver (monitor, FALSE);
  g_assert_cmpint (veil_scanner_get_state (scanner), ==, VEIL_SCANNER_STATE_PAUSED);
  veil_test_spin_for (300);
  g_assert_cmpuint (veil_scanner_get_n_done (scanner), ==, done_while_saving);
  g_assert_false (r.done);

  /* With both lifted, the scan runs to the end. */
  veil_scanner_resume (scanner);
  g_assert_cmpint (veil_scanner_get_state (scanner), ==, VEIL_SCANNER_STATE_RUNNING);
  veil_test_wait_for (&r.done, 60);
  g_assert_no_error (r.error);
  g_assert_nonnull (r.summary);
  g_assert_cmpuint (r.summary->n_seen, ==, n_pictures);
  g_assert_cmpuint (r.summary->n_analyzed, ==, n_pictures);
  g_assert_cmpint (veil_scanner_get_state (scanner), ==, VEIL_SCANNER_STATE_IDLE);

  veil_scan_summary_free (r.summary);
  g_clear_object (&scanner);
  g_clear_object (&store);
  veil_test_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  veil_test_init_vips (&argc, &argv);

  g_test_add_func ("/veil/scanner-power/power-saver", test_power_saver);

  return g_test_run ();
}
