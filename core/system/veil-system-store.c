/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-system-service"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "veil-system-service.h"

/* The system service's store: Veil's ordinary VeilStore in a folder only the service's user
 * (root) can enter. That folder's ownership is the whole protection: the children's
 * accounts can neither read nor write a file they cannot reach. There is deliberately no
 * integrity key here. In an account's own store the HMAC key lives in the keyring, apart from
 * the file it signs; a key here could only live beside the store, readable by exactly those
 * who can already write the store, so it would prove nothing. */

#define STORE_FILE "veil.db"

/* Refuses a folder someone else could have prepared, and closes one that is ours but open
 * to others (made by hand, or under a wrong umask) before any record goes in. */
static gboolean
check_state_fd (int          fd,
                const char  *state_dir,
                GError     **error)
{
  struct stat st;

  if (fstat (fd, &st) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not open Veil’s system folder %s: %s. It must be a folder, not a link."),
                   state_dir, g_strerror (saved));
      return FALSE;
    }
  if (st.st_uid != geteuid ())
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   /* Translators: %s is a folder, %u a user id */
                   _("Veil’s system folder %s belongs to user id %u, not to Veil’s service. Remove it, "
                     "or give it to root with mode 0700."),
                   state_dir, (guint) st.st_uid);
      return FALSE;
    }
  if ((st.st_mode & 07777) != 0700 && fchmod (fd, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not make Veil’s system folder %s private: %s."), state_dir, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* Makes @state_dir if needed; the folder itself is checked through a descriptor, never
 * through a link. */
static gboolean
check_state_dir (const char  *state_dir,
                 GError     **error)
{
  gboolean ok;
  int fd;

  if (g_mkdir (state_dir, 0700) != 0 && errno != EEXIST)
    {
      int saved = errno;
      /* Translators: the first %s is a folder, the second the system's reason */
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not make Veil’s system folder %s: %s. Check that its parent folder exists."),
                   state_dir, g_strerror (saved));
      return FALSE;
    }

  fd = open (state_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not open Veil’s system folder %s: %s. It must be a folder, not a link."),
                   state_dir, g_strerror (saved));
      return FALSE;
    }
  ok = check_state_fd (fd, state_dir, error);
  close (fd);
  return ok;
}

/* SQLite gives the write-ahead log and its index the database's mode; an older file made
 * under a looser umask is narrowed here once. */
static gboolean
restrict_store_files (const char  *db_path,
                      GError     **error)
{
  static const char * const suffixes[] = { "", "-wal", "-shm" };

  for (gsize i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (db_path, suffixes[i], NULL);

      if (g_chmod (path, 0600) != 0 && errno != ENOENT)
        {
          int saved = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Could not make Veil’s system store %s private: %s."), path, g_strerror (saved));
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * veil_system_open_store:
 * @state_dir: the service's folder, %VEIL_SYSTEM_STATE_DIR unless testing
 *
 * Opens (or creates) the system store in @state_dir, made or kept mode 0700 and owned by the
 * calling user; its files are made 0600.
 *
 * Returns: (transfer full): the store, or %NULL with @error set
 */
VeilStore *
veil_system_open_store (const char  *state_dir,
                        GError     **error)
{
  g_autofree char *db_path = NULL;
  g_autoptr(VeilStore) store = NULL;

  g_return_val_if_fail (state_dir != NULL, NULL);

  if (!check_state_dir (state_dir, error))
    return NULL;
  db_path = g_build_filename (state_dir, STORE_FILE, NULL);
  store = veil_store_new (db_path, NULL, error);
  if (store == NULL || !restrict_store_files (db_path, error))
    return NULL;
  return g_steal_pointer (&store);
}
