/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-hash-list"

#include "config.h"

#include "veil-hash-list.h"
#include "veil-hash-list-private.h"

#include <string.h>

/* A hash list's binary form: a header, the name and source, then the entries exactly as a
 * VeilHashList holds them (32-byte hashes, then 32-bit label offsets, then the labels), so
 * that reading it back maps the file and points the list at it: ten million entries are
 * ready in the time it takes to check their label offsets, where parsing their text takes
 * seconds. The file is this computer's cache, written and read by the same build, in its
 * byte order; its messages are not shown to people (a refused file is simply rebuilt from
 * the source), so they are not translated. */

#define BINARY_MAGIC "VEILHLB1"
#define BINARY_VERSION 1
#define BINARY_ALIGN 64

typedef struct {
  char    magic[8];
  guint32 version;
  guint32 header_size;
  guint64 n_entries;
  guint64 pool_size;
  guint64 name_size;
  guint64 source_size;        /* G_MAXUINT64: no source */
  gint64  created;            /* Unix time, UTC */
  guint32 list_version;
  guint32 format;
  char    digest[VEIL_HASH_LIST_BINARY_DIGEST_MAX + 8];
} BinaryHeader;

G_STATIC_ASSERT (sizeof (VeilPdqHash) == 32);

typedef struct {
  gsize hashes, labels, pool, total;
} Layout;

static gsize
align_up (gsize offset)
{
  return (offset + BINARY_ALIGN - 1) / BINARY_ALIGN * BINARY_ALIGN;
}

/* FALSE when the sizes overflow. */
static gboolean
layout_of (const BinaryHeader *h,
           Layout             *l)
{
  guint64 strings = h->name_size + (h->source_size == G_MAXUINT64 ? 0 : h->source_size);

  if (h->n_entries > VEIL_HASH_LIST_MAX_ENTRIES || h->pool_size >= NO_LABEL ||
      h->name_size > G_MAXUINT32 || (h->source_size != G_MAXUINT64 && h->source_size > G_MAXUINT32))
    return FALSE;
  l->hashes = align_up (sizeof *h + strings);
  l->labels = l->hashes + h->n_entries * sizeof (VeilPdqHash);
  l->pool = align_up (l->labels + h->n_entries * sizeof (guint32));
  l->total = l->pool + h->pool_size;
  return TRUE;
}

gboolean
_veil_hash_list_save_binary (VeilHashList  *self,
                             const char    *path,
                             const char    *digest,
                             GError       **error)
{
  BinaryHeader h = { BINARY_MAGIC };
  g_autofree guint8 *data = NULL;
  Layout l;
  gsize at;

  g_return_val_if_fail (VEIL_IS_HASH_LIST (self), FALSE);
  g_return_val_if_fail (digest != NULL && strlen (digest) <= VEIL_HASH_LIST_BINARY_DIGEST_MAX, FALSE);

  h.version = BINARY_VERSION;
  h.header_size = sizeof h;
  h.n_entries = self->n_entries;
  h.pool_size = self->pool->len;
  h.name_size = strlen (self->name);
  h.source_size = self->source != NULL ? strlen (self->source) : G_MAXUINT64;
  h.created = g_date_time_to_unix (self->created);
  h.list_version = self->version;
  h.format = self->format;
  g_strlcpy (h.digest, digest, sizeof h.digest);
  if (!layout_of (&h, &l))
    {
      g_set_error (error, VEIL_HASH_LIST_ERROR, VEIL_HASH_LIST_ERROR_TOO_LARGE,
                   "%s: the list is too large for its binary form", path);
      return FALSE;
    }

  data = g_malloc0 (l.total);
  memcpy (data, &h, sizeof h);
  at = sizeof h;
  memcpy (data + at, self->name, h.name_size);
  if (self->source != NULL)
    memcpy (data + at + h.name_size, self->source, h.source_size);
  memcpy (data + l.hashes, self->hashes, self->n_entries * sizeof (VeilPdqHash));
  memcpy (data + l.labels, self->labels, self->n_entries * sizeof (guint32));
  if (self->pool->len > 0)
    memcpy (data + l.pool, self->pool->data, self->pool->len);
  if (!g_file_set_contents_full (path, (const char *) data, l.total,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
    {
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }
  return TRUE;
}

static gboolean
refuse (GError     **error,
        const char  *path,
        const char  *why)
{
  g_set_error (error, VEIL_HASH_LIST_ERROR, VEIL_HASH_LIST_ERROR_HEADER, "%s: %s", path, why);
  return FALSE;
}

/* Every label offset names a string inside the pool, which ends in a nul. */
static gboolean
labels_valid (const guint32 *labels,
              gsize          n,
              const guint8  *pool,
              gsize          pool_size)
{
  guint32 worst = 0;

  if (pool_size > 0 && pool[pool_size - 1] != '\0')
    return FALSE;
  /* One pass; an entry without a label (NO_LABEL) needs nothing of the pool. */
  for (gsize i = 0; i < n; i++)
    worst = MAX (worst, labels[i] == NO_LABEL ? 0 : labels[i] + 1);
  return worst <= pool_size;
}

static gboolean
check_header (const guint8  *data,
              gsize          size,
              const char    *path,
              const char    *digest,
              BinaryHeader  *h,
              Layout        *l,
              GError       **error)
{
  if (size < sizeof *h)
    return refuse (error, path, "too short");
  memcpy (h, data, sizeof *h);
  if (memcmp (h->magic, BINARY_MAGIC, sizeof h->magic) != 0 || h->version != BINARY_VERSION ||
      h->header_size != sizeof *h)
    return refuse (error, path, "not a binary hash list of this version");
  h->digest[sizeof h->digest - 1] = '\0';
  if (digest != NULL && strcmp (h->digest, digest) != 0)
    return refuse (error, path, "made from other content");
  if (!layout_of (h, l) || l->total != size)
    return refuse (error, path, "damaged: its size does not match its header");
  if (!labels_valid ((const guint32 *) (data + l->labels), h->n_entries, data + l->pool, h->pool_size))
    return refuse (error, path, "damaged: a label lies outside its labels");
  return TRUE;
}

VeilHashList *
_veil_hash_list_map_binary (const char  *path,
                            const char  *digest,
                            GError     **error)
{
  g_autoptr(GMappedFile) mapped = g_mapped_file_new (path, FALSE, error);
  g_autoptr(VeilHashList) list = NULL;
  const guint8 *data;
  BinaryHeader h;
  Layout l;

  if (mapped == NULL)
    return NULL;
  data = (const guint8 *) g_mapped_file_get_contents (mapped);
  if (!check_header (data, g_mapped_file_get_length (mapped), path, digest, &h, &l, error))
    return NULL;

  list = veil_hash_list_new (NULL);
  g_free (list->name);
  list->name = g_strndup ((const char *) data + sizeof h, h.name_size);
  if (h.source_size != G_MAXUINT64)
    list->source = g_strndup ((const char *) data + sizeof h + h.name_size, h.source_size);
  g_clear_pointer (&list->created, g_date_time_unref);
  list->created = g_date_time_new_from_unix_utc (h.created);
  if (list->created == NULL)
    list->created = g_date_time_new_now_utc ();
  list->version = h.list_version;
  list->format = h.format;
  /* The entries stay in the mapping (read-only, private); the labels' text is copied. */
  list->hashes = (VeilPdqHash *) (data + l.hashes);
  list->labels = (guint32 *) (data + l.labels);
  list->n_entries = list->n_allocated = h.n_entries;
  g_byte_array_append (list->pool, data + l.pool, h.pool_size);
  list->mapped = g_steal_pointer (&mapped);
  return g_steal_pointer (&list);
}
