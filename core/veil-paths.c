/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-paths"

#include "config.h"

#include "veil-paths.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

G_DEFINE_QUARK (veil-paths-error-quark, veil_paths_error)

/* Everything Veil keeps (the store, blurred thumbnails) is about a child: only the owner of
 * the account may read it, so the data folder is created 0700 and refused when it is wider. */
#define PRIVATE_MODE 0700

/**
 * veil_paths_get_data_dir:
 *
 * Returns: (transfer full): `$XDG_DATA_HOME/veil`. The `VEIL_DATA_DIR` environment variable
 * overrides it, so tests and guardians managing several set-ups can point Veil elsewhere.
 */
char *
veil_paths_get_data_dir (void)
{
  const char *override = g_getenv ("VEIL_DATA_DIR");

  if (override != NULL && *override != '\0')
    return g_canonicalize_filename (override, NULL);

  return g_build_filename (g_get_user_data_dir (), "veil", NULL);
}

/**
 * veil_paths_get_analysis_worker:
 *
 * Returns: (transfer full): the program that analyses pictures in isolation,
 * `$libexecdir/veil-analysis-worker`. The `VEIL_ANALYSIS_WORKER` environment variable
 * overrides it, so tests and the uninstalled build run the one they built.
 */
char *
veil_paths_get_analysis_worker (void)
{
  const char *override = g_getenv ("VEIL_ANALYSIS_WORKER");

  if (override != NULL && *override != '\0')
    return g_strdup (override);
  return g_build_filename (LIBEXECDIR, "veil-analysis-worker", NULL);
}

/**
 * veil_paths_get_database_path:
 *
 * Returns: (transfer full): the path of the SQLite store, `veil.db` in the data folder.
 */
char *
veil_paths_get_database_path (void)
{
  g_autofree char *dir = veil_paths_get_data_dir ();

  return g_build_filename (dir, "veil.db", NULL);
}

/**
 * veil_paths_ensure_private_dir:
 * @path: a folder path
 * @error: return location for a #VeilPathsError
 *
 * Creates @path (and its parents) readable by the owner only. An existing folder that others
 * can read is narrowed to 0700 rather than used as it is; a folder owned by someone else, or a
 * path that is not a folder, is an error.
 *
 * Returns: %TRUE when @path is a private folder of this user
 */
gboolean
veil_paths_ensure_private_dir (const char  *path,
                               GError     **error)
{
  GStatBuf st;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_mkdir_with_parents (path, PRIVATE_MODE) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, VEIL_PATHS_ERROR, VEIL_PATHS_ERROR_CREATE,
                   _("Could not create the folder “%s”: %s"),
                   path, g_strerror (saved_errno));
      return FALSE;
    }

  /* lstat: a symlink planted in place of the data folder must not redirect Veil's data. */
  if (g_lstat (path, &st) != 0 || !S_ISDIR (st.st_mode))
    {
      g_set_error (error, VEIL_PATHS_ERROR, VEIL_PATHS_ERROR_NOT_A_DIRECTORY,
                   _("“%s” is not a folder. Move it away so that Veil can create its data folder there."),
                   path);
      return FALSE;
    }

  if (st.st_uid != getuid ())
    {
      g_set_error (error, VEIL_PATHS_ERROR, VEIL_PATHS_ERROR_NOT_PRIVATE,
                   _("The folder “%s” belongs to another user. Veil keeps its data only in folders of this account."),
                   path);
      return FALSE;
    }

  if ((st.st_mode & 077) != 0 && g_chmod (path, PRIVATE_MODE) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, VEIL_PATHS_ERROR, VEIL_PATHS_ERROR_NOT_PRIVATE,
                   _("Could not make the folder “%s” private: %s"),
                   path, g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}
