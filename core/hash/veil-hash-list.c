/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-hash-list"

#include "config.h"

#include "veil-hash-list.h"
#include "veil-hash-list-private.h"
#include "veil-enum-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* A list of PDQ hashes with a label each: a guardian's own "protect my images" list or one
 * shared by a hash-sharing programme. Lists of ten million entries must load in seconds
 * within 48 bytes an entry, so entries are two flat arrays (32-byte hashes, 4-byte label
 * offsets) and labels share one pool; files are read in blocks, not held whole. */

#define READ_BLOCK (1024 * 1024)
#define MAX_LINE (64 * 1024)
G_DEFINE_FINAL_TYPE (VeilHashList, veil_hash_list, G_TYPE_OBJECT)

G_DEFINE_QUARK (veil-hash-list-error-quark, veil_hash_list_error)

static void
veil_hash_list_finalize (GObject *object)
{
  VeilHashList *self = VEIL_HASH_LIST (object);

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->source, g_free);
  g_clear_pointer (&self->created, g_date_time_unref);
  if (self->mapped == NULL)
    {
      g_clear_pointer (&self->hashes, g_free);
      g_clear_pointer (&self->labels, g_free);
    }
  g_clear_pointer (&self->mapped, g_mapped_file_unref);
  g_clear_pointer (&self->pool, g_byte_array_unref);

  G_OBJECT_CLASS (veil_hash_list_parent_class)->finalize (object);
}

static void
veil_hash_list_class_init (VeilHashListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = veil_hash_list_finalize;
}

static void
veil_hash_list_init (VeilHashList *self)
{
  self->name = g_strdup ("");
  self->version = 1;
  self->created = g_date_time_new_now_utc ();
  self->format = VEIL_HASH_LIST_FORMAT_VEIL;
  self->pool = g_byte_array_new ();
}

static gboolean
reserve (VeilHashList *self,
         gsize         n)
{
  if (n <= self->n_allocated)
    return TRUE;
  if (n > VEIL_HASH_LIST_MAX_ENTRIES)
    return FALSE;
  if (self->mapped != NULL)
    {
      /* A list read from its binary form grows in memory of its own. */
      self->hashes = g_memdup2 (self->hashes, self->n_entries * sizeof *self->hashes);
      self->labels = g_memdup2 (self->labels, self->n_entries * sizeof *self->labels);
      g_clear_pointer (&self->mapped, g_mapped_file_unref);
    }
  self->hashes = g_renew (VeilPdqHash, self->hashes, n);
  self->labels = g_renew (guint32, self->labels, n);
  self->n_allocated = n;
  return TRUE;
}

/* Gives back what a generous first estimate left unused. */
static void
trim (VeilHashList *self)
{
  if (self->n_allocated == self->n_entries)
    return;
  self->n_allocated = self->n_entries;
  self->hashes = g_renew (VeilPdqHash, self->hashes, self->n_allocated);
  self->labels = g_renew (guint32, self->labels, self->n_allocated);
}

static gboolean
append (VeilHashList      *self,
        const VeilPdqHash *hash,
        const char        *label,
        gsize              label_length)
{
  guint32 offset = NO_LABEL;

  if (self->n_entries == self->n_allocated &&
      !reserve (self, MAX (1024, self->n_allocated + self->n_allocated / 2)))
    return FALSE;

  if (label != NULL && label_length > 0)
    {
      if (self->pool->len + label_length + 1 >= NO_LABEL)
        return FALSE;
      offset = self->pool->len;
      g_byte_array_append (self->pool, (const guint8 *) label, label_length);
      g_byte_array_append (self->pool, (const guint8 *) "", 1);
    }

  self->hashes[self->n_entries] = *hash;
  self->labels[self->n_entries] = offset;
  self->n_entries++;
  return TRUE;
}

/* ---- Reading ---------------------------------------------------------------------------- */

typedef struct {
  VeilHashList       *list;
  const char         *name;           /* for messages */
  VeilHashListFormat  requested;
  VeilHashListFormat  detected;       /* AUTO until the first content line */
  guint64             line;
  gboolean            seen_pdq_prefix;

  /* Veil format */
  gboolean            in_header;
  gboolean            have_entries, have_sha256;
  guint64             expected_entries;
  char               *expected_sha256;
  GChecksum          *checksum;

  /* pytx: the label a "# veil-label:" comment gave the next entry */
  GString            *pending_label;
  gboolean            have_pending_label;

  GString            *scratch;
} Parser;

static gboolean
parse_error (Parser      *parser,
             GError     **error,
             const char  *reason)
{
  /* Translators: the first %s is a file name, then a line number and a reason. */
  g_set_error (error, VEIL_HASH_LIST_ERROR, VEIL_HASH_LIST_ERROR_PARSE,
               _("%s, line %llu: %s"), parser->name, (unsigned long long) parser->line, reason);
  return FALSE;
}

static gboolean
add_entry (Parser             *parser,
           const VeilPdqHash  *hash,
           const char         *label,
           gsize               label_length,
           GError            **error)
{
  if (label_length > 0 && !g_utf8_validate (label, label_length, NULL))
    return parse_error (parser, error, _("the label is not valid UTF-8 text."));
  for (gsize i = 0; i < label_length; i++)
    if ((guchar) label[i] < 0x20 && label[i] != '\t')
      return parse_error (parser, error, _("the label contains control characters."));

  if (!append (parser->list, hash, label, label_length))
    {
      g_set_error (error, VEIL_HASH_LIST_ERROR, VEIL_HASH_LIST_ERROR_TOO_LARGE,
                   _("%s has more entries or labels than one list can hold. Split it into smaller lists."),
                   parser->name);
      return FALSE;
    }

  if (parser->checksum != NULL)
    {
      char hex[VEIL_PDQ_HEX_LENGTH + 1];

      veil_pdq_hash_to_hex (hash, hex);
      g_checksum_update (parser->checksum, (const guchar *) hex, VEIL_PDQ_HEX_LENGTH);
      if (label_length > 0)
        {
          g_checksum_update (parser->checksum, (const guchar *) ",", 1);
          g_checksum_update (parser->checksum, (const guchar *) label, label_length);
        }
      g_checksum_update (parser->checksum, (const guchar *) "\n", 1);
    }
  return TRUE;
}

static const char *
skip_spaces (const char *p,
             const char *end)
{
  while (p < end && (*p == ' ' || *p == '\t'))
    p++;
  return p;
}

static const char *
trim_end (const char *start,
          const char *end)
{
  while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
    end--;
  return end;
}

/* "[pdq ][hash=]<64 hex>[,metadata | whitespace metadata]". With @take_pending, an entry
 * without a label of its own takes the one a "# veil-label:" comment just gave. */
static gboolean
parse_plain_line (Parser      *parser,
                  const char  *p,
                  const char  *end,
                  gboolean     take_pending,
                  GError     **error)
{
  VeilPdqHash hash;
  const char *label = NULL;
  const char *label_end = NULL;
  gboolean pytx = FALSE;
  gboolean pending = parser->have_pending_label;

  parser->have_pending_label = FALSE;

  if (end - p > 4 && g_ascii_strncasecmp (p, "pdq", 3) == 0 && (p[3] == ' ' || p[3] == '\t'))
    {
      pytx = TRUE;
      parser->seen_pdq_prefix = TRUE;
      p = skip_spaces (p + 3, end);
    }
  else if (end - p > 5 && strncmp (p, "hash=", 5) == 0)
    p += 5;

  if (end - p < VEIL_PDQ_HEX_LENGTH || !veil_pdq_hash_parse (p, VEIL_PDQ_HEX_LENGTH, &hash))
    return parse_error (parser, error, _("expected a PDQ hash of 64 hexadecimal digits."));
  p += VEIL_PDQ_HEX_LENGTH;

  if (p < end)
    {
      if (*p == ',')
        label = p + 1;
      else if (pytx && (*p == ' ' || *p == '\t'))
        label = skip_spaces (p, end);
      else
        return parse_error (parser, error,
                            _("the hash is longer than 64 digits or followed by something other than a comma."));
      label_end = trim_end (label, end);
    }
  else if (take_pending && pending)
    {
      label = parser->pending_label->str;
      label_end = label + parser->pending_label->len;
    }

  return add_entry (parser, &hash, label, label != NULL ? (gsize) (label_end - label) : 0, error);
}

static gboolean
parse_csv_line (Parser      *parser,
                const char  *p,
                const char  *end,
                GError     **error)
{
  gsize starts[5], lengths[5];
  VeilPdqHash hash;
  g_autoptr(GString) label = NULL;
  const char *s;
  int n = _veil_hash_list_csv_split (parser->scratch, p, end, starts, lengths, 5);

  if (n < 0)
    return parse_error (parser, error, _("a quoted field is not closed properly."));
  if (n < 2)
    return parse_error (parser, error,
                        _("expected the columns signal_type,signal_str,collab,category,tags."));

  s = parser->scratch->str;
  if (!(lengths[0] == 3 && g_ascii_strncasecmp (s + starts[0], "pdq", 3) == 0))
    {
      /* Another signal type (a video MD5, a URL...): not for this list, but counted and
       * reported, never dropped in silence. */
      parser->list->n_skipped++;
      return TRUE;
    }

  if (!veil_pdq_hash_parse (s + starts[1], lengths[1], &hash))
    return parse_error (parser, error, _("signal_str is not a PDQ hash of 64 hexadecimal digits."));

  /* The label keeps what a person needs: who shared it and why. */
  label = g_string_new (NULL);
  for (int i = 2; i < n; i++)
    {
      /* The ' a spreadsheet-safe export put before a formula-like cell is not the label's. */
      gsize guard = _veil_hash_list_csv_guard_length (s + starts[i], lengths[i]);

      if (lengths[i] == 0)
        continue;
      if (label->len > 0)
        g_string_append (label, " / ");
      g_string_append_len (label, s + starts[i] + guard, lengths[i] - guard);
    }
  return add_entry (parser, &hash, label->str, label->len, error);
}

static gboolean
parse_header_line (Parser      *parser,
                   const char  *p,
                   const char  *end,
                   GError     **error)
{
  VeilHashList *list = parser->list;
  const char *colon = memchr (p, ':', end - p);
  g_autofree char *key = NULL;
  g_autofree char *value = NULL;

  if (end - p == strlen (VEIL_HASH_LIST_HEADER_END) && memcmp (p, VEIL_HASH_LIST_HEADER_END, end - p) == 0)
    {
      if (!parser->have_entries || !parser->have_sha256)
        {
          g_set_error (error, VEIL_HASH_LIST_ERROR, VEIL_HASH_LIST_ERROR_HEADER,
                       _("%s, line %llu: the list header lacks its “entries” or “sha256” line."),
                       parser->name, (unsigned long long) parser->line);
          return FALSE;
        }
      parser->in_header = FALSE;
      if (parser->expected_entries > VEIL_HASH_LIST_MAX_ENTRIES)
        {
          g_set_error (error, VEIL_HASH_LIST_ERROR, VEIL_HASH_LIST_ERROR_TOO_LARGE,
                       _("%s says it has %llu entries, more than one list can hold."),
                       parser->name, (unsigned long long) parser->expected_entries);
          return FALSE;
        }
      return TRUE;
    }

  if (colon == NULL)
    return parse_error (parser, error, _("expected a “key: value” header line or “---”."));

  key = g_strndup (p, trim_end (p, colon) - p);
  value = g_strndup (skip_spaces (colon + 1, end), end - skip_spaces (colon + 1, end));
  if (!g_utf8_validate (value, -1, NULL))
    return parse_error (parser, error, _("the header value is not valid UTF-8 text."));

  if (g_str_equal (key, "name"))
    veil_hash_list_set_name (list, value);
  else if (g_str_equal (key, "source"))
    veil_hash_list_set_source (list, value);
  else if (g_str_equal (key, "version"))
    {
      guint64 v;

      if (!g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT, &v, NULL))
        return parse_error (parser, error, _("the version is not a whole number."));
      list->version = v;
    }
  else if (g_str_equal (key, "created"))
    {
      g_autoptr(GDateTime) created = g_date_time_new_from_iso8601 (value, NULL);

      if (created == NULL)
        return parse_error (parser, error,
                            _("the creation time is not an ISO 8601 time such as 2026-01-31T12:00:00Z."));
      veil_hash_list_set_created (list, created);
    }
  else if (g_str_equal (key, "entries"))
    {
      if (!g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT64, &parser->expected_entries, NULL))
        return parse_error (parser, error, _("the entry count is not a whole number."));
      parser->have_entries = TRUE;
    }
  else if (g_str_equal (key, "sha256"))
    {
      if (strlen (value) != 64 || strspn (value, "0123456789abcdef") != 64)
        return parse_error (parser, error, _("the sha256 is not 64 lowercase hexadecimal digits."));
      g_free (parser->expected_sha256);
      parser->expected_sha256 = g_steal_pointer (&value);
      parser->have_sha256 = TRUE;
    }
  /* Other keys are left for later versions of the format to define. */
  return TRUE;
}

static gboolean
detect_format (Parser      *parser,
               const char  *p,
               const char  *end,
               gboolean    *consumed,
               GError     **error)
{
  gsize len = end - p;
  VeilHashListFormat found;

  *consumed = FALSE;
  if (len >= strlen (VEIL_HASH_LIST_MAGIC) && memcmp (p, VEIL_HASH_LIST_MAGIC, strlen (VEIL_HASH_LIST_MAGIC)) == 0)
    found = VEIL_HASH_LIST_FORMAT_VEIL;
  else if (len >= strlen ("signal_type,") && g_ascii_strncasecmp (p, "signal_type,", strlen ("signal_type,")) == 0)
    found = VEIL_HASH_LIST_FORMAT_CSV;
  else
    found = VEIL_HASH_LIST_FORMAT_PLAIN;

  if (parser->requested != VEIL_HASH_LIST_FORMAT_AUTO)
    {
      gboolean plain_like = parser->requested == VEIL_HASH_LIST_FORMAT_PLAIN ||
                            parser->requested == VEIL_HASH_LIST_FORMAT_PYTX;

      if (!(found == parser->requested || (plain_like && found == VEIL_HASH_LIST_FORMAT_PLAIN)))
        {
          g_set_error (error, VEIL_HASH_LIST_ERROR,
                       parser->requested == VEIL_HASH_LIST_FORMAT_VEIL ? VEIL_HASH_LIST_ERROR_HEADER
                                                                       : VEIL_HASH_LIST_ERROR_PARSE,
                       _("%s, line %llu: this is not a list in the “%s” format."),
                       parser->name, (unsigned long long) parser->line, veil_hash_list_format_to_string (parser->requested));
          return FALSE;
        }
    }

  parser->detected = found;
  if (found == VEIL_HASH_LIST_FORMAT_VEIL)
    {
      g_autofree char *magic = g_strndup (p, len);
      g_autofree char *expected = g_strdup_printf ("%s %d", VEIL_HASH_LIST_MAGIC, VEIL_HASH_LIST_FORMAT_VERSION);

      if (!g_str_equal (g_strchomp (magic), expected))
        {
          g_set_error (error, VEIL_HASH_LIST_ERROR, VEIL_HASH_LIST_ERROR_HEADER,
                       _("%s, line %llu: this Veil list format version is not known "
                         "(expected “%s”). A newer Veil may read it."),
                       parser->name, (unsigned long long) parser->line, expected);
          return FALSE;
        }
      parser->in_header = TRUE;
      parser->checksum = g_checksum_new (G_CHECKSUM_SHA256);
      *consumed = TRUE;
    }
  else if (found == VEIL_HASH_LIST_FORMAT_CSV)
    {
      /* The header row: its first two columns fix the meaning of the rest. */
      if (len < strlen ("signal_type,signal_str") ||
          g_ascii_strncasecmp (p, "signal_type,signal_str", strlen ("signal_type,signal_str")) != 0)
        {
          /* Translators: %s is the expected first line of the file, kept as it is */
          g_autofree char *reason = g_strdup_printf (_("a CSV list must start with the header “%s”."), VEIL_HASH_LIST_CSV_HEADER);
          return parse_error (parser, error, reason);
        }
      *consumed = TRUE;
    }
  return TRUE;
}

/* Veil's pytx export keeps labels on "# veil-label: LABEL" lines before their entries:
 * python-threatexchange reads the rest of an entry line as the hash and skips these. */
static void
note_label_comment (Parser     *parser,
                    const char *p,
                    const char *end)
{
  gsize marker = strlen (VEIL_HASH_LIST_LABEL_COMMENT);

  if ((gsize) (end - p) <= marker || memcmp (p, VEIL_HASH_LIST_LABEL_COMMENT, marker) != 0)
    return;
  p += marker;
  if (*p == ' ')
    p++;
  g_string_truncate (parser->pending_label, 0);
  g_string_append_len (parser->pending_label, p, end - p);
  parser->have_pending_label = parser->pending_label->len > 0;
}

static gboolean
parse_line (Parser      *parser,
            const char  *p,
            const char  *end,
            GError     **error)
{
  parser->line++;

  /* A byte order mark at the very start, a CR before the LF, and spaces around. */
  if (parser->line == 1 && end - p >= 3 && memcmp (p, "\xef\xbb\xbf", 3) == 0)
    p += 3;
  if (end > p && end[-1] == '\r')
    end--;
  p = skip_spaces (p, end);
  end = trim_end (p, end);

  if (p == end)
    return TRUE;
  if (*p == '#')
    {
      note_label_comment (parser, p, end);
      return TRUE;
    }

  if (parser->detected == VEIL_HASH_LIST_FORMAT_AUTO)
    {
      gboolean consumed;

      if (!detect_format (parser, p, end, &consumed, error))
        return FALSE;
      if (consumed)
        return TRUE;
    }

  switch (parser->detected)
    {
    case VEIL_HASH_LIST_FORMAT_VEIL:
      if (parser->in_header)
        return parse_header_line (parser, p, end, error);
      /* The header's sha256 covers the entry lines alone, so comments add nothing here. */
      return parse_plain_line (parser, p, end, FALSE, error);
    case VEIL_HASH_LIST_FORMAT_CSV:
      return parse_csv_line (parser, p, end, error);
    case VEIL_HASH_LIST_FORMAT_PLAIN:
    case VEIL_HASH_LIST_FORMAT_PYTX:
    case VEIL_HASH_LIST_FORMAT_AUTO:
    default:
      return parse_plain_line (parser, p, end, TRUE, error);
    }
}

static gboolean
finish_parse (Parser  *parser,
              GError **error)
{
  VeilHashList *list = parser->list;

  if (parser->detected == VEIL_HASH_LIST_FORMAT_VEIL)
    {
      g_autofree char *actual = NULL;

      if (parser->in_header)
        {
          g_set_error (error, VEIL_HASH_LIST_ERROR, VEIL_HASH_LIST_ERROR_HEADER,
                       _("%s ends inside its header: the “---” line that starts the entries is missing."),
                       parser->name);
          return FALSE;
        }
      if (list->n_entries != parser->expected_entries)
        {
          g_set_error (error, VEIL_HASH_LIST_ERROR, VEIL_HASH_LIST_ERROR_COUNT,
                       _("%s should hold %llu entries but holds %llu. The file is incomplete or was "
                         "changed; get a fresh copy."),
                       parser->name, (unsigned long long) parser->expected_entries,
                       (unsigned long long) list->n_entries);
          return FALSE;
        }
      actual = g_strdup (g_checksum_get_string (parser->checksum));
      if (!g_str_equal (actual, parser->expected_sha256))
        {
          g_set_error (error, VEIL_HASH_LIST_ERROR, VEIL_HASH_LIST_ERROR_CHECKSUM,
                       _("The entries of %s do not match the checksum in its header. The file "
                         "was damaged or changed; get a fresh copy."), parser->name);
          return FALSE;
        }
      list->format = VEIL_HASH_LIST_FORMAT_VEIL;
    }
  else if (parser->detected == VEIL_HASH_LIST_FORMAT_CSV)
    list->format = VEIL_HASH_LIST_FORMAT_CSV;
  else
    list->format = parser->seen_pdq_prefix ? VEIL_HASH_LIST_FORMAT_PYTX : VEIL_HASH_LIST_FORMAT_PLAIN;

  trim (list);
  return TRUE;
}

static void
parser_clear (Parser *parser)
{
  g_clear_pointer (&parser->expected_sha256, g_free);
  g_clear_pointer (&parser->checksum, g_checksum_free);
  if (parser->scratch != NULL)
    g_string_free (g_steal_pointer (&parser->scratch), TRUE);
  if (parser->pending_label != NULL)
    g_string_free (g_steal_pointer (&parser->pending_label), TRUE);
}

static gboolean
io_error (GError     **error,
          GError      *cause,
          const char  *name)
{
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, cause);
      return FALSE;
    }
  g_set_error (error, VEIL_HASH_LIST_ERROR, VEIL_HASH_LIST_ERROR_IO,
               _("%s cannot be read: %s"), name, cause->message);
  g_error_free (cause);
  return FALSE;
}

/**
 * veil_hash_list_load_file:
 * @path: a list file
 * @format: the format, or %VEIL_HASH_LIST_FORMAT_AUTO to recognise it
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #VeilHashListError
 *
 * Reads a hash list. Blank lines, `#` comments, a byte order mark and CRLF line ends are
 * accepted; any malformed line fails the whole load with the file name and line number, so
 * that a list is never half-used. CSV rows of other signal types are skipped and counted
 * (veil_hash_list_get_n_skipped()). A Veil list must match its header's count and sha256.
 *
 * Returns: (transfer full): the list, or %NULL with @error set
 */
VeilHashList *
veil_hash_list_load_file (const char          *path,
                          VeilHashListFormat   format,
                          GCancellable        *cancellable,
                          GError             **error)
{
  g_autoptr(VeilHashList) list = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autofree char *name = NULL;
  g_autofree char *buffer = NULL;
  g_autofree char *basename = NULL;
  GError *local_error = NULL;
  Parser parser = { 0 };
  gsize have = 0;
  gsize block = READ_BLOCK;
  gboolean eof = FALSE;
  gboolean ok = FALSE;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (format <= VEIL_HASH_LIST_FORMAT_VEIL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  name = g_filename_display_name (path);
  file = g_file_new_for_path (path);
  stream = g_file_read (file, cancellable, &local_error);
  if (stream == NULL)
    {
      io_error (error, local_error, name);
      return NULL;
    }

  list = veil_hash_list_new (NULL);
  basename = g_filename_display_basename (path);
  veil_hash_list_set_name (list, basename);

  /* Every entry line holds 64 hex digits and a line end, so size / 64 + 1 bounds the count:
   * one allocation, trimmed at the end, instead of repeated growth (untouched pages of a
   * generous estimate cost no memory). Beyond 64 M entries the arrays grow as needed. */
  info = g_file_input_stream_query_info (stream, G_FILE_ATTRIBUTE_STANDARD_SIZE, cancellable, NULL);
  if (info != NULL && g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_SIZE))
    {
      guint64 size = (guint64) g_file_info_get_size (info);
      guint64 bound = size / VEIL_PDQ_HEX_LENGTH + 1;

      reserve (list, MIN (bound, (guint64) 1 << 26));
      /* Small lists need no megabyte of buffer. */
      block = MIN (size + 1, READ_BLOCK);
    }

  parser.list = list;
  parser.name = name;
  parser.requested = format;
  parser.detected = VEIL_HASH_LIST_FORMAT_AUTO;
  parser.scratch = g_string_new (NULL);
  parser.pending_label = g_string_new (NULL);

  buffer = g_malloc (block + MAX_LINE);
  while (!eof)
    {
      gsize got = 0;
      char *p, *end;

      if (!g_input_stream_read_all (G_INPUT_STREAM (stream), buffer + have, block,
                                    &got, cancellable, &local_error))
        {
          io_error (error, local_error, name);
          goto out;
        }
      eof = got < block;
      have += got;

      p = buffer;
      end = buffer + have;
      for (;;)
        {
          char *nl = memchr (p, '\n', end - p);

          if (nl == NULL)
            break;
          if (!parse_line (&parser, p, nl, error))
            goto out;
          p = nl + 1;
        }

      have = end - p;
      if (have >= MAX_LINE)
        {
          parser.line++;
          parse_error (&parser, error, _("the line is longer than 64 KiB."));
          goto out;
        }
      memmove (buffer, p, have);
    }

  if (have > 0 && !parse_line (&parser, buffer, buffer + have, error))
    goto out;
  ok = finish_parse (&parser, error);

out:
  parser_clear (&parser);
  return ok ? g_steal_pointer (&list) : NULL;
}

typedef struct {
  char               *path;
  VeilHashListFormat  format;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_free (data->path);
  g_free (data);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *data = task_data;
  GError *error = NULL;
  VeilHashList *list = veil_hash_list_load_file (data->path, data->format, cancellable, &error);

  if (list == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, list, g_object_unref);
}

/**
 * veil_hash_list_load_file_async:
 *
 * veil_hash_list_load_file() in a worker thread.
 */
void
veil_hash_list_load_file_async (const char          *path,
                                VeilHashListFormat   format,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LoadData *data;

  g_return_if_fail (path != NULL);
  g_return_if_fail (format <= VEIL_HASH_LIST_FORMAT_VEIL);

  data = g_new0 (LoadData, 1);
  data->path = g_strdup (path);
  data->format = format;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, veil_hash_list_load_file_async);
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  g_task_run_in_thread (task, load_thread);
}

VeilHashList *
veil_hash_list_load_file_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == veil_hash_list_load_file_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- Accessors -------------------------------------------------------------------------- */

/* The text of a format is its nick in veil-enums.h, as veilctl spells it. */
const char *
veil_hash_list_format_to_string (VeilHashListFormat format)
{
  g_return_val_if_fail (format <= VEIL_HASH_LIST_FORMAT_VEIL, NULL);
  return _veil_enum_get_nick (VEIL_TYPE_HASH_LIST_FORMAT, format);
}

gboolean
veil_hash_list_format_from_string (const char         *text,
                                   VeilHashListFormat *format)
{
  int value;

  g_return_val_if_fail (text != NULL, FALSE);

  if (!_veil_enum_from_nick (VEIL_TYPE_HASH_LIST_FORMAT, text, &value))
    return FALSE;

  *format = value;
  return TRUE;
}

/**
 * veil_hash_list_new:
 * @name: (nullable): the list's name
 *
 * Returns: (transfer full): an empty list, created now
 */
VeilHashList *
veil_hash_list_new (const char *name)
{
  VeilHashList *self = g_object_new (VEIL_TYPE_HASH_LIST, NULL);

  if (name != NULL)
    veil_hash_list_set_name (self, name);
  return self;
}

/**
 * veil_hash_list_add:
 * @hash: the hash
 * @label: (nullable): valid UTF-8 without line breaks
 *
 * Returns: %FALSE when the list is full
 */
gboolean
veil_hash_list_add (VeilHashList      *self,
                    const VeilPdqHash *hash,
                    const char        *label)
{
  g_return_val_if_fail (VEIL_IS_HASH_LIST (self), FALSE);
  g_return_val_if_fail (hash != NULL, FALSE);
  g_return_val_if_fail (label == NULL || (g_utf8_validate (label, -1, NULL) && strpbrk (label, "\r\n") == NULL), FALSE);

  return append (self, hash, label, label != NULL ? strlen (label) : 0);
}

guint
veil_hash_list_get_n_entries (VeilHashList *self)
{
  g_return_val_if_fail (VEIL_IS_HASH_LIST (self), 0);
  return self->n_entries;
}

const VeilPdqHash *
veil_hash_list_get_hash (VeilHashList *self,
                         guint         index)
{
  g_return_val_if_fail (VEIL_IS_HASH_LIST (self), NULL);
  g_return_val_if_fail (index < self->n_entries, NULL);
  return &self->hashes[index];
}

/**
 * veil_hash_list_get_label:
 *
 * Returns: (nullable): the entry's label (the metadata after the hash), or %NULL
 */
const char *
veil_hash_list_get_label (VeilHashList *self,
                          guint         index)
{
  g_return_val_if_fail (VEIL_IS_HASH_LIST (self), NULL);
  g_return_val_if_fail (index < self->n_entries, NULL);

  if (self->labels[index] == NO_LABEL)
    return NULL;
  return (const char *) self->pool->data + self->labels[index];
}

const VeilPdqHash *
_veil_hash_list_get_hashes (VeilHashList *self,
                            gsize        *n_entries)
{
  *n_entries = self->n_entries;
  return self->hashes;
}

VeilHashListFormat
veil_hash_list_get_format (VeilHashList *self)
{
  g_return_val_if_fail (VEIL_IS_HASH_LIST (self), VEIL_HASH_LIST_FORMAT_AUTO);
  return self->format;
}

guint
veil_hash_list_get_n_skipped (VeilHashList *self)
{
  g_return_val_if_fail (VEIL_IS_HASH_LIST (self), 0);
  return self->n_skipped;
}

const char *
veil_hash_list_get_name (VeilHashList *self)
{
  g_return_val_if_fail (VEIL_IS_HASH_LIST (self), NULL);
  return self->name;
}

void
veil_hash_list_set_name (VeilHashList *self,
                         const char   *name)
{
  g_return_if_fail (VEIL_IS_HASH_LIST (self));
  g_return_if_fail (name != NULL);

  g_free (self->name);
  self->name = g_strdup (name);
}

/**
 * veil_hash_list_get_source:
 *
 * Returns: (nullable): who made or shared the list
 */
const char *
veil_hash_list_get_source (VeilHashList *self)
{
  g_return_val_if_fail (VEIL_IS_HASH_LIST (self), NULL);
  return self->source;
}

void
veil_hash_list_set_source (VeilHashList *self,
                           const char   *source)
{
  g_return_if_fail (VEIL_IS_HASH_LIST (self));

  g_free (self->source);
  self->source = g_strdup (source);
}

guint
veil_hash_list_get_version (VeilHashList *self)
{
  g_return_val_if_fail (VEIL_IS_HASH_LIST (self), 0);
  return self->version;
}

void
veil_hash_list_set_version (VeilHashList *self,
                            guint         version)
{
  g_return_if_fail (VEIL_IS_HASH_LIST (self));
  self->version = version;
}

/**
 * veil_hash_list_get_created:
 *
 * Returns: (transfer none): when the list was made
 */
GDateTime *
veil_hash_list_get_created (VeilHashList *self)
{
  g_return_val_if_fail (VEIL_IS_HASH_LIST (self), NULL);
  return self->created;
}

void
veil_hash_list_set_created (VeilHashList *self,
                            GDateTime    *created)
{
  g_return_if_fail (VEIL_IS_HASH_LIST (self));
  g_return_if_fail (created != NULL);

  g_date_time_unref (self->created);
  self->created = g_date_time_to_utc (created);
}

/**
 * veil_hash_list_get_memory_size:
 *
 * Returns: bytes held for the entries and their labels
 */
gsize
veil_hash_list_get_memory_size (VeilHashList *self)
{
  g_return_val_if_fail (VEIL_IS_HASH_LIST (self), 0);
  return self->n_allocated * (sizeof (VeilPdqHash) + sizeof (guint32)) + self->pool->len;
}
