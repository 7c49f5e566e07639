/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-message-guard"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "veil-consent.h"
#include "veil-message-guard-private.h"
#include "veil-paths.h"

/* Hiding a warned picture in Veil's own folder, and putting it back. */

/* Moves @path into `<data dir>/hidden/<alert id>/`, never leaving a second copy behind.
 * Returns: (transfer full): where it is now, or %NULL with @error set */
char *
_veil_message_guard_hide_picture (const char  *path,
                                  gint64       alert_id,
                                  GError     **error)
{
  g_autofree char *data_dir = veil_paths_get_data_dir ();
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, alert_id);
  g_autofree char *dir = g_build_filename (data_dir, "hidden", id, NULL);
  g_autofree char *basename = g_path_get_basename (path);
  g_autofree char *hidden = g_build_filename (dir, basename, NULL);
  g_autoptr(GFile) source = g_file_new_for_path (path);
  g_autoptr(GFile) dest = g_file_new_for_path (hidden);
  g_autoptr(GError) local_error = NULL;

  if (!veil_paths_ensure_private_dir (dir, &local_error) ||
      !g_file_move (source, dest, G_FILE_COPY_NOFOLLOW_SYMLINKS | G_FILE_COPY_ALL_METADATA,
                    NULL, NULL, NULL, &local_error))
    {
      /* Across file systems a move is a copy and a delete: if the delete failed, the copy
       * must go, so that the picture exists once, where the child left it. */
      if (g_file_query_exists (source, NULL) && g_file_query_exists (dest, NULL))
        g_file_delete (dest, NULL, NULL);
      g_rmdir (dir);
      g_set_error (error, VEIL_MESSAGE_GUARD_ERROR, VEIL_MESSAGE_GUARD_ERROR_MOVE,
                   _("Veil could not move the picture into its own folder (%s). It was left where it was."),
                   local_error->message);
      return NULL;
    }
  return g_steal_pointer (&hidden);
}

/* Returns: (transfer full): a free path for putting @path back: itself, or
 *   "name (restored).ext" (then "name (restored 2).ext", ...) next to it */
static char *
free_restore_path (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  const char *dot = strrchr (base, '.');
  g_autofree char *stem = g_strndup (base, dot != NULL && dot != base ? (gsize) (dot - base) : strlen (base));
  const char *ext = dot != NULL && dot != base ? dot : "";

  if (!g_file_test (path, G_FILE_TEST_EXISTS) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    return g_strdup (path);
  for (guint n = 1; n < 1000; n++)
    {
      /* Translators: the name a restored picture gets when a file already took its place,
       * e.g. "photo (restored).jpg"; %s is the name without its extension */
      g_autofree char *name = n == 1 ? g_strdup_printf (_("%s (restored)"), stem)
                                     : g_strdup_printf (_("%s (restored %u)"), stem, n);
      g_autofree char *full = g_strconcat (name, ext, NULL);
      g_autofree char *candidate = g_build_filename (dir, full, NULL);

      if (!g_file_test (candidate, G_FILE_TEST_EXISTS) && !g_file_test (candidate, G_FILE_TEST_IS_SYMLINK))
        return g_steal_pointer (&candidate);
    }
  return NULL;
}

/**
 * veil_message_guard_restore:
 * @alert_id: a message alert whose picture Veil hid
 * @out_path: (out) (optional): where the picture is now
 *
 * Moves a hidden picture back where it arrived, or, when a file took its place meanwhile,
 * next to it as "name (restored).ext": nothing is ever overwritten. The restored file is
 * not analyzed again.
 *
 * Returns: %FALSE with @error set: %VEIL_MESSAGE_GUARD_ERROR_NOT_HIDDEN when the picture is
 *   not hidden, %VEIL_MESSAGE_GUARD_ERROR_MOVE when it could not be moved back
 */
gboolean
veil_message_guard_restore (VeilStore      *store,
                            gint64          alert_id,
                            char          **out_path,
                            GError        **error)
{
  g_autoptr(VeilAlert) alert = NULL;
  g_autoptr(GFile) source = NULL;
  g_autoptr(GFile) dest = NULL;
  g_autoptr(GFile) dir = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *target = NULL;
  VeilFileStamp stamp = { 0, };

  g_return_val_if_fail (VEIL_IS_STORE (store), FALSE);

  alert = veil_store_get_alert (store, alert_id, error);
  if (alert == NULL)
    return FALSE;
  if (alert->hidden_path == NULL || alert->path == NULL || *alert->path == '\0')
    {
      g_set_error_literal (error, VEIL_MESSAGE_GUARD_ERROR, VEIL_MESSAGE_GUARD_ERROR_NOT_HIDDEN,
                           _("This picture is not hidden by Veil: it is still where it arrived, or was restored already."));
      return FALSE;
    }

  target = free_restore_path (alert->path);
  source = g_file_new_for_path (alert->hidden_path);
  if (target == NULL)
    {
      g_set_error (error, VEIL_MESSAGE_GUARD_ERROR, VEIL_MESSAGE_GUARD_ERROR_MOVE,
                   _("There is no free name for the picture next to “%s”. Move some files away and try again."),
                   alert->path);
      return FALSE;
    }
  dest = g_file_new_for_path (target);
  if (!g_file_move (source, dest, G_FILE_COPY_NOFOLLOW_SYMLINKS | G_FILE_COPY_ALL_METADATA,
                    NULL, NULL, NULL, &local_error))
    {
      g_set_error (error, VEIL_MESSAGE_GUARD_ERROR, VEIL_MESSAGE_GUARD_ERROR_MOVE,
                   _("Veil could not put the picture back (%s). It is still kept safe in Veil’s folder."),
                   local_error->message);
      return FALSE;
    }
  dir = g_file_get_parent (source);
  if (dir != NULL)
    g_file_delete (dir, NULL, NULL);

  if (!veil_store_set_hidden_path (store, alert_id, NULL, error))
    return FALSE;
  /* Back in a watched folder, the picture is not a new arrival: do not warn about it again. */
  if (_veil_message_guard_stamp_file (dest, &stamp, NULL) &&
      !veil_store_record_message_file (store, alert->profile_id, target, &stamp, &local_error))
    g_debug ("Could not remember the restored picture: %s", local_error->message);
  if (!veil_store_add_audit (store, alert->profile_id, VEIL_ACTOR_VEIL,
                             "picture-restored", alert->folder != NULL ? alert->folder : "", error))
    return FALSE;

  if (out_path != NULL)
    *out_path = g_steal_pointer (&target);
  return TRUE;
}
