/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "veil-test-utils.h"

/* veil-system's systemd unit says what the README promises: systemd itself checks the file,
 * and its own security review scores it below the bound the README states. The unit is read
 * as built, with ExecStart pointed at the program built here (verify checks it exists). */

/* The README's number: `systemd-analyze security` scores the unit 1.0 with systemd 252;
 * anything above this bound means a hardening line was lost. */
#define EXPOSURE_BOUND 1.5

static char *
write_test_unit (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GString) unit = g_string_new (NULL);
  g_auto(GStrv) lines = NULL;
  char *path = g_build_filename (dir, "veil-system.service", NULL);

  g_file_get_contents (VEIL_TEST_SYSTEM_UNIT, &contents, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "ExecStart="))
        g_string_append_printf (unit, "ExecStart=%s\n", VEIL_TEST_VEIL_SYSTEM);
      else if (lines[i + 1] != NULL)
        g_string_append_printf (unit, "%s\n", lines[i]);
    }
  g_file_set_contents (path, unit->str, -1, &error);
  g_assert_no_error (error);
  return path;
}

static gboolean
have_systemd_analyze (void)
{
  g_autofree char *path = g_find_program_in_path ("systemd-analyze");

  if (path == NULL)
    g_test_skip ("systemd-analyze is not installed (Debian package systemd)");
  return path != NULL;
}

static gboolean
run (const char * const  *argv,
     char               **out_stdout,
     char               **out_stderr)
{
  g_autoptr(GError) error = NULL;
  int wait_status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                out_stdout, out_stderr, &wait_status, &error);
  g_assert_no_error (error);
  return g_spawn_check_wait_status (wait_status, NULL);
}

static void
test_unit_hardening_lines (void)
{
  static const char * const required[] = {
    "PrivateNetwork=yes", "RestrictAddressFamilies=AF_UNIX", "ProtectSystem=strict",
    "ProtectHome=read-only", "ReadWritePaths=/var/lib/veil", "StateDirectory=veil",
    "StateDirectoryMode=0700", "NoNewPrivileges=yes", "SystemCallFilter=@system-service",
    "CapabilityBoundingSet=CAP_DAC_READ_SEARCH", "BusName=io.github.veilapp.VeilSystem1",
  };
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;

  g_file_get_contents (VEIL_TEST_SYSTEM_UNIT, &contents, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (contents, "\n", -1);
  for (gsize i = 0; i < G_N_ELEMENTS (required); i++)
    {
      g_test_message ("%s", required[i]);
      g_assert_true (g_strv_contains ((const char * const *) lines, required[i]));
    }
}

static void
test_unit_verifies (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *unit = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  if (!have_systemd_analyze ())
    return;
  dir = veil_test_make_tmpdir ();
  unit = write_test_unit (dir);
  {
    const char *argv[] = { "systemd-analyze", "verify", unit, NULL };

    g_assert_true (run (argv, &out, &err));
    /* Unknown or misspelt settings are only warnings: any output at all fails. */
    g_assert_cmpstr (g_strstrip (err), ==, "");
  }
  veil_test_rm_rf (dir);
}

static void
test_unit_exposure (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *unit = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *line;
  double exposure;

  if (!have_systemd_analyze ())
    return;
  dir = veil_test_make_tmpdir ();
  unit = write_test_unit (dir);
  {
    const char *argv[] = { "systemd-analyze", "security", "--offline=true", "--no-pager", unit, NULL };

    g_assert_true (run (argv, &out, &err));
  }
  line = strstr (out, "Overall exposure level for veil-system.service: ");
  g_assert_nonnull (line);
  exposure = g_ascii_strtod (line + strlen ("Overall exposure level for veil-system.service: "), NULL);
  g_test_message ("exposure %.1f (bound %.1f)", exposure, EXPOSURE_BOUND);
  g_assert_cmpfloat (exposure, >, 0.0);
  g_assert_cmpfloat (exposure, <=, EXPOSURE_BOUND);
  veil_test_rm_rf (dir);
}

/* The bus starts the service only through the unit, as root, under the name it owns. */
static void
test_dbus_activation (void)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *exec = NULL;
  g_autofree char *user = NULL;
  g_autofree char *unit = NULL;

  g_key_file_load_from_file (file, VEIL_TEST_SYSTEM_DBUS_SERVICE, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  name = g_key_file_get_string (file, "D-BUS Service", "Name", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, "io.github.veilapp.VeilSystem1");
  exec = g_key_file_get_string (file, "D-BUS Service", "Exec", &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (exec, "/veil-system"));
  user = g_key_file_get_string (file, "D-BUS Service", "User", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (user, ==, "root");
  unit = g_key_file_get_string (file, "D-BUS Service", "SystemdService", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (unit, ==, "veil-system.service");
}

int
main (int   argc,
      char *argv[])
{
  veil_test_init (&argc, &argv);

  g_test_add_func ("/system-unit/hardening-lines", test_unit_hardening_lines);
  g_test_add_func ("/system-unit/verifies", test_unit_verifies);
  g_test_add_func ("/system-unit/exposure", test_unit_exposure);
  g_test_add_func ("/system-unit/dbus-activation", test_dbus_activation);

  return g_test_run ();
}
