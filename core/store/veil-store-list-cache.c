/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-store"

#include "config.h"

#include "veil-store-private.h"
#include "hash/veil-hash-list-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>

/* Imported hash lists are kept in the store (the rows are what counts) and, next to it, in a
 * folder `<store>-lists` of binary files, one per row (veil-hash-list-binary.c): mapping a
 * ten-million-entry list takes milliseconds where rebuilding it from its row takes seconds.
 * Each row carries a digest of its content; a binary file is used only when its header
 * names the same digest, and anything else (missing, damaged, made from other content) is
 * rebuilt from the row. The folder is a cache: deleting it loses nothing. */

#define DIGEST_BYTES 32

char *
_veil_store_list_cache_dir (VeilStore *self)
{
  return g_strconcat (veil_store_get_path (self), "-lists", NULL);
}

static char *
cache_path (VeilStore *self,
            gint64     list_id)
{
  g_autofree char *dir = _veil_store_list_cache_dir (self);
  g_autofree char *name = g_strdup_printf ("%" G_GINT64_FORMAT ".vhl", list_id);

  return g_build_filename (dir, name, NULL);
}

static void
update_text (crypto_generichash_state *state,
             const char               *text)
{
  /* With its terminating nul, so that ("ab", "c") and ("a", "bc") differ. */
  crypto_generichash_update (state, (const guint8 *) text, strlen (text) + 1);
}

/* BLAKE2b-256 (libsodium) of everything a stored list is made of, in hex. */
char *
_veil_store_list_digest (const char   *name,
                         const char   *source,
                         guint         version,
                         const guint8 *hashes,
                         gsize         hashes_size,
                         const guint8 *labels,
                         gsize         labels_size)
{
  crypto_generichash_state state;
  guint8 digest[DIGEST_BYTES];
  guint32 version_le = GUINT32_TO_LE (version);
  guint64 sizes_le[2] = { GUINT64_TO_LE (hashes_size), GUINT64_TO_LE (labels_size) };
  char hex[DIGEST_BYTES * 2 + 1];

  G_STATIC_ASSERT (DIGEST_BYTES * 2 <= VEIL_HASH_LIST_BINARY_DIGEST_MAX);

  crypto_generichash_init (&state, NULL, 0, sizeof digest);
  update_text (&state, name != NULL ? name : "");
  update_text (&state, source != NULL ? source : "");
  crypto_generichash_update (&state, (const guint8 *) &version_le, sizeof version_le);
  crypto_generichash_update (&state, (const guint8 *) sizes_le, sizeof sizes_le);
  if (hashes_size > 0)
    crypto_generichash_update (&state, hashes, hashes_size);
  if (labels_size > 0)
    crypto_generichash_update (&state, labels, labels_size);
  crypto_generichash_final (&state, digest, sizeof digest);
  sodium_bin2hex (hex, sizeof hex, digest, sizeof digest);
  return g_strdup (hex);
}

/* Returns: (transfer full) (nullable): the row @list_id's list from its binary file, or %NULL
 *   when there is none made from @digest (the caller then rebuilds it from the row) */
VeilHashList *
_veil_store_list_cache_map (VeilStore  *self,
                            gint64      list_id,
                            const char *digest,
                            const char *name,
                            const char *source)
{
  g_autofree char *path = cache_path (self, list_id);
  g_autoptr(GError) error = NULL;
  VeilHashList *list;

  list = _veil_hash_list_map_binary (path, digest, &error);
  if (list == NULL)
    {
      if (!g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_debug ("Rebuilding a hash list's binary form: %s", error->message);
      return NULL;
    }
  /* The digest (of the row's name, source, version and entries) matched: the row's name and
   * source are the list's, whatever the file was written from. */
  g_free (list->name);
  list->name = g_strdup (name);
  veil_hash_list_set_source (list, source);
  return list;
}

/* Writes @list's binary file; a failure only costs the next load its speed, so it is logged
 * and not passed on. */
void
_veil_store_list_cache_save (VeilStore    *self,
                             gint64        list_id,
                             VeilHashList *list,
                             const char   *digest)
{
  g_autofree char *dir = _veil_store_list_cache_dir (self);
  g_autofree char *path = cache_path (self, list_id);
  g_autoptr(GError) error = NULL;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_debug ("Cannot make %s: %s", dir, g_strerror (errno));
      return;
    }
  if (!_veil_hash_list_save_binary (list, path, digest, &error))
    g_debug ("Cannot keep a hash list's binary form: %s", error->message);
}

void
_veil_store_list_cache_forget (VeilStore *self,
                               gint64     list_id)
{
  g_autofree char *path = cache_path (self, list_id);

  if (g_unlink (path) != 0 && errno != ENOENT)
    g_debug ("Cannot remove %s: %s", path, g_strerror (errno));
}

/* Removes every binary file whose row is not in @keep (a set of row ids as gint64 keys), and
 * the folder when it ends up empty: after erasing, or when profiles (and their lists) were
 * removed. */
void
_veil_store_list_cache_prune (VeilStore  *self,
                              GHashTable *keep)
{
  g_autofree char *dir_path = _veil_store_list_cache_dir (self);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  gboolean empty = TRUE;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      char *end = NULL;
      gint64 id = g_ascii_strtoll (name, &end, 10);

      if (end != name && g_strcmp0 (end, ".vhl") == 0 && keep != NULL && g_hash_table_contains (keep, &id))
        {
          empty = FALSE;
          continue;
        }
      /* Anything else in Veil's own cache folder is a leftover (an old or half-written file). */
      if (g_unlink (path) != 0 && errno != ENOENT)
        {
          g_debug ("Cannot remove %s: %s", path, g_strerror (errno));
          empty = FALSE;
        }
    }
  if (empty)
    g_rmdir (dir_path);
}
