/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-hash-list"

#include "config.h"

#include "veil-hash-list.h"
#include "veil-hash-list-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* Writing a VeilHashList in each format (the reading is in veil-hash-list.c). Only the
 * public accessors are used, so the list's storage can change without touching this. */

/* Output is handed to the stream in blocks of about this size. */
#define WRITE_BLOCK (1024 * 1024)

/* @collab: the CSV collab column, the list's name on one line */
static void
append_entry (VeilHashList       *self,
              guint               i,
              VeilHashListFormat  format,
              const char         *collab,
              GString            *out)
{
  char hex[VEIL_PDQ_HEX_LENGTH + 1];
  const char *label = veil_hash_list_get_label (self, i);

  veil_pdq_hash_to_hex (veil_hash_list_get_hash (self, i), hex);
  switch (format)
    {
    case VEIL_HASH_LIST_FORMAT_PYTX:
      /* python-threatexchange's file exchange reads "signal_type signal" lines and takes
       * all after the first space as the signal, so the label cannot share the line: it
       * goes on a comment line before it, which pytx skips and Veil reads back. */
      if (label != NULL)
        g_string_append_printf (out, "%s %s\n", VEIL_HASH_LIST_LABEL_COMMENT, label);
      g_string_append_printf (out, "pdq %s\n", hex);
      break;
    case VEIL_HASH_LIST_FORMAT_CSV:
      g_string_append_printf (out, "pdq,%s,", hex);
      _veil_hash_list_csv_append (out, collab);
      g_string_append_c (out, ',');
      _veil_hash_list_csv_append (out, label != NULL ? label : "");
      g_string_append (out, ",\n");
      break;
    case VEIL_HASH_LIST_FORMAT_PLAIN:
    case VEIL_HASH_LIST_FORMAT_VEIL:
    case VEIL_HASH_LIST_FORMAT_AUTO:
    default:
      g_string_append (out, hex);
      if (label != NULL)
        {
          g_string_append_c (out, ',');
          g_string_append (out, label);
        }
      g_string_append_c (out, '\n');
      break;
    }
}

/**
 * veil_hash_list_compute_checksum:
 *
 * The sha256 a Veil list header carries: over each entry's line, `hash[,label]` and a line
 * feed, in order, hashes in lowercase hex.
 *
 * Returns: (transfer full): 64 lowercase hex digits
 */
char *
veil_hash_list_compute_checksum (VeilHashList *self)
{
  g_autoptr(GChecksum) checksum = NULL;
  g_autoptr(GString) line = NULL;
  guint n_entries;

  g_return_val_if_fail (VEIL_IS_HASH_LIST (self), NULL);

  n_entries = veil_hash_list_get_n_entries (self);

  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  line = g_string_new (NULL);
  for (guint i = 0; i < n_entries; i++)
    {
      g_string_truncate (line, 0);
      append_entry (self, i, VEIL_HASH_LIST_FORMAT_VEIL, NULL, line);
      g_checksum_update (checksum, (const guchar *) line->str, line->len);
    }
  return g_strdup (g_checksum_get_string (checksum));
}

/**
 * veil_hash_list_save_file:
 * @path: where to write; replaced atomically
 * @format: any format but %VEIL_HASH_LIST_FORMAT_AUTO
 *
 * Writes the list, labels included: in "pytx" on a "# veil-label:" comment line before
 * their entry, in "csv" guarded against spreadsheet formulas (docs/veilctl-hash.md).
 *
 * Returns: %TRUE on success
 */
gboolean
veil_hash_list_save_file (VeilHashList        *self,
                          const char          *path,
                          VeilHashListFormat   format,
                          GCancellable        *cancellable,
                          GError             **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autoptr(GString) out = NULL;
  g_autofree char *name = NULL;
  g_autofree char *one_line_name = NULL;
  GError *local_error = NULL;
  guint n_entries;

  g_return_val_if_fail (VEIL_IS_HASH_LIST (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (format != VEIL_HASH_LIST_FORMAT_AUTO && format <= VEIL_HASH_LIST_FORMAT_VEIL, FALSE);

  name = g_filename_display_name (path);
  file = g_file_new_for_path (path);
  stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, cancellable, &local_error);
  if (stream == NULL)
    goto fail;

  /* Every format keeps one entry, or one header item, a line. */
  one_line_name = g_strdelimit (g_strdup (veil_hash_list_get_name (self)), "\r\n", ' ');
  n_entries = veil_hash_list_get_n_entries (self);
  out = g_string_sized_new (WRITE_BLOCK + 4096);
  if (format == VEIL_HASH_LIST_FORMAT_VEIL)
    {
      g_autofree char *sha = veil_hash_list_compute_checksum (self);
      g_autofree char *created = g_date_time_format (veil_hash_list_get_created (self), "%Y-%m-%dT%H:%M:%SZ");

      g_string_append_printf (out, "%s %d\n", VEIL_HASH_LIST_MAGIC, VEIL_HASH_LIST_FORMAT_VERSION);
      g_string_append_printf (out, "name: %s\n", one_line_name);
      if (veil_hash_list_get_source (self) != NULL)
        {
          g_autofree char *clean_source = g_strdelimit (g_strdup (veil_hash_list_get_source (self)), "\r\n", ' ');
          g_string_append_printf (out, "source: %s\n", clean_source);
        }
      g_string_append_printf (out, "version: %u\n", veil_hash_list_get_version (self));
      g_string_append_printf (out, "created: %s\n", created);
      g_string_append_printf (out, "entries: %u\n", n_entries);
      g_string_append_printf (out, "sha256: %s\n", sha);
      g_string_append (out, VEIL_HASH_LIST_HEADER_END "\n");
    }
  else if (format == VEIL_HASH_LIST_FORMAT_CSV)
    g_string_append (out, VEIL_HASH_LIST_CSV_HEADER "\n");

  for (guint i = 0; i < n_entries; i++)
    {
      append_entry (self, i, format, one_line_name, out);
      if (out->len >= WRITE_BLOCK)
        {
          if (!g_output_stream_write_all (G_OUTPUT_STREAM (stream), out->str, out->len, NULL,
                                          cancellable, &local_error))
            goto fail;
          g_string_truncate (out, 0);
        }
    }
  if (!g_output_stream_write_all (G_OUTPUT_STREAM (stream), out->str, out->len, NULL,
                                  cancellable, &local_error) ||
      !g_output_stream_close (G_OUTPUT_STREAM (stream), cancellable, &local_error))
    goto fail;
  return TRUE;

fail:
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  g_set_error (error, VEIL_HASH_LIST_ERROR, VEIL_HASH_LIST_ERROR_IO,
               _("The list could not be written to %s: %s"), name, local_error->message);
  g_error_free (local_error);
  return FALSE;
}
