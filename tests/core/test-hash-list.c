/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "veil.h"
#include "veil-test-utils.h"
#include "veil-hash-index-private.h"
#include "veil-hash-list-private.h"

/* VeilHashList: every accepted format, every rejection with its line number, round trips,
 * and the Veil header's integrity checks. Files are written to a temporary folder. */

#define H1 "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"
#define H2 "30a10efd71c83f429013d48d0ffffc52e34e0e17ada952a9d29685211ea9e5af"
#define H3 "adad5a64b5a102e55b62a08856dacd5ae63b847fc337b4b766b319361bc93188"

typedef struct {
  char *dir;
} Fixture;

static void
fixture_setup (Fixture *fixture, gconstpointer data)
{
  fixture->dir = veil_test_make_tmpdir ();
}

static void
fixture_teardown (Fixture *fixture, gconstpointer data)
{
  veil_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
}

static char *
write_file (Fixture    *fixture,
            const char *name,
            const char *contents,
            gssize      length)
{
  char *path = g_build_filename (fixture->dir, name, NULL);

  g_assert_true (g_file_set_contents (path, contents, length, NULL));
  return path;
}

static VeilHashList *
load_ok (const char         *path,
         VeilHashListFormat  format)
{
  g_autoptr(GError) error = NULL;
  VeilHashList *list = veil_hash_list_load_file (path, format, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (list);
  return list;
}

static void
assert_entry (VeilHashList *list,
              guint         index,
              const char   *hex,
              const char   *label)
{
  char got[VEIL_PDQ_HEX_LENGTH + 1];

  veil_pdq_hash_to_hex (veil_hash_list_get_hash (list, index), got);
  g_assert_cmpstr (got, ==, hex);
  g_assert_cmpstr (veil_hash_list_get_label (list, index), ==, label);
}

static void
test_plain (Fixture *fixture, gconstpointer data)
{
  /* BOM, CRLF, comments, blank lines, "hash=", DKVP and pdq-photo-hasher lines, upper case. */
  const char *text =
    "\xef\xbb\xbf# my list\r\n"
    "\r\n"
    H1 "\r\n"
    "hash=" H2 ",norm=128,delta=0,quality=100,filename=b.jpg\n"
    "  " H3 ",100,photos/c.jpg  \n"
    "   # indented comment\n"
    "F8F8F0CEE0F4A84F06370A22038F63F0B36E2ED596621E1D33E6B39C4E9C9B22\n"
    "\n";
  g_autofree char *path = write_file (fixture, "plain.txt", text, -1);
  g_autoptr(VeilHashList) list = load_ok (path, VEIL_HASH_LIST_FORMAT_AUTO);

  g_assert_cmpint (veil_hash_list_get_format (list), ==, VEIL_HASH_LIST_FORMAT_PLAIN);
  g_assert_cmpuint (veil_hash_list_get_n_entries (list), ==, 4);
  assert_entry (list, 0, H1, NULL);
  assert_entry (list, 1, H2, "norm=128,delta=0,quality=100,filename=b.jpg");
  assert_entry (list, 2, H3, "100,photos/c.jpg");
  assert_entry (list, 3, H1, NULL);
  g_assert_cmpstr (veil_hash_list_get_name (list), ==, "plain.txt");
}

static void
test_pytx (Fixture *fixture, gconstpointer data)
{
  const char *text = "pdq " H1 "\npdq\t" H2 " some note\n" H3 "\n";
  g_autofree char *path = write_file (fixture, "exchange.txt", text, -1);
  g_autoptr(VeilHashList) list = load_ok (path, VEIL_HASH_LIST_FORMAT_AUTO);

  g_assert_cmpint (veil_hash_list_get_format (list), ==, VEIL_HASH_LIST_FORMAT_PYTX);
  g_assert_cmpuint (veil_hash_list_get_n_entries (list), ==, 3);
  assert_entry (list, 0, H1, NULL);
  assert_entry (list, 1, H2, "some note");
  assert_entry (list, 2, H3, NULL);
}

static void
test_csv (Fixture *fixture, gconstpointer data)
{
  const char *text =
    "signal_type,signal_str,collab,category,tags\r\n"
    "pdq," H1 ",Family,protected,\"a,b\"\r\n"
    "video_md5,d41d8cd98f00b204e9800998ecf8427e,Family,,\r\n"
    "pdq," H2 ",,,\r\n"
    "pdq,\"" H3 "\",\"Say \"\"hi\"\"\",,\r\n";
  g_autofree char *path = write_file (fixture, "export.csv", text, -1);
  g_autoptr(VeilHashList) list = load_ok (path, VEIL_HASH_LIST_FORMAT_AUTO);

  g_assert_cmpint (veil_hash_list_get_format (list), ==, VEIL_HASH_LIST_FORMAT_CSV);
  g_assert_cmpuint (veil_hash_list_get_n_entries (list), ==, 3);
  g_assert_cmpuint (veil_hash_list_get_n_skipped (list), ==, 1);
  assert_entry (list, 0, H1, "Family / protected / a,b");
  assert_entry (list, 1, H2, NULL);
  assert_entry (list, 2, H3, "Say \"hi\"");
}

typedef struct {
  const char        *name;
  const char        *text;
  VeilHashListFormat format;
  int                code;
  const char        *where;   /* expected in the message */
} BadCase;

static void
test_rejects (Fixture *fixture, gconstpointer data)
{
  static const BadCase cases[] = {
    { "short", H1 "\n" "f8f8\n", VEIL_HASH_LIST_FORMAT_AUTO, VEIL_HASH_LIST_ERROR_PARSE, "line 2" },
    { "long", "# c\n" H1 "0\n", VEIL_HASH_LIST_FORMAT_AUTO, VEIL_HASH_LIST_ERROR_PARSE, "line 2" },
    { "nonhex", "\n\nz8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22\n",
      VEIL_HASH_LIST_FORMAT_AUTO, VEIL_HASH_LIST_ERROR_PARSE, "line 3" },
    { "space-label", H1 " label\n", VEIL_HASH_LIST_FORMAT_AUTO, VEIL_HASH_LIST_ERROR_PARSE, "line 1" },
    { "bad-utf8", H1 ",caf\xe9\n", VEIL_HASH_LIST_FORMAT_AUTO, VEIL_HASH_LIST_ERROR_PARSE, "line 1" },
    { "csv-hash", "signal_type,signal_str,collab,category,tags\npdq,abc,,,\n",
      VEIL_HASH_LIST_FORMAT_AUTO, VEIL_HASH_LIST_ERROR_PARSE, "line 2" },
    { "csv-quote", "signal_type,signal_str,collab,category,tags\npdq," H1 ",\"open,,\n",
      VEIL_HASH_LIST_FORMAT_AUTO, VEIL_HASH_LIST_ERROR_PARSE, "line 2" },
    { "csv-header", "signal_type,collab\npdq," H1 "\n", VEIL_HASH_LIST_FORMAT_AUTO,
      VEIL_HASH_LIST_ERROR_PARSE, "line 1" },
    { "not-csv", H1 "\n", VEIL_HASH_LIST_FORMAT_CSV, VEIL_HASH_LIST_ERROR_PARSE, "line 1" },
    { "not-veil", H1 "\n", VEIL_HASH_LIST_FORMAT_VEIL, VEIL_HASH_LIST_ERROR_HEADER, "line 1" },
    { "veil-version", "veil-hash-list 9\n---\n", VEIL_HASH_LIST_FORMAT_AUTO,
      VEIL_HASH_LIST_ERROR_HEADER, "line 1" },
    { "veil-no-end", "veil-hash-list 1\nname: x\n", VEIL_HASH_LIST_FORMAT_AUTO,
      VEIL_HASH_LIST_ERROR_HEADER, "---" },
    { "veil-no-count", "veil-hash-list 1\nname: x\n---\n", VEIL_HASH_LIST_FORMAT_AUTO,
      VEIL_HASH_LIST_ERROR_HEADER, "line 3" },
    { "veil-bad-time", "veil-hash-list 1\ncreated: yesterday\n", VEIL_HASH_LIST_FORMAT_AUTO,
      VEIL_HASH_LIST_ERROR_PARSE, "line 2" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = write_file (fixture, cases[i].name, cases[i].text, -1);
      g_autoptr(GError) error = NULL;
      g_autoptr(VeilHashList) list = veil_hash_list_load_file (path, cases[i].format, NULL, &error);

      g_test_message ("%s: %s", cases[i].name, error != NULL ? error->message : "(loaded)");
      g_assert_null (list);
      g_assert_error (error, VEIL_HASH_LIST_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].name));
      g_assert_nonnull (strstr (error->message, cases[i].where));
    }
}

static void
test_missing_file (Fixture *fixture, gconstpointer data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "nope.txt", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilHashList) list = veil_hash_list_load_file (path, VEIL_HASH_LIST_FORMAT_AUTO, NULL, &error);

  g_assert_null (list);
  g_assert_error (error, VEIL_HASH_LIST_ERROR, VEIL_HASH_LIST_ERROR_IO);
}

static VeilHashList *
sample_list (void)
{
  VeilHashList *list = veil_hash_list_new ("Family photos");
  g_autoptr(GDateTime) created = g_date_time_new_utc (2026, 11, 28, 10, 30, 0);
  VeilPdqHash h;

  veil_hash_list_set_source (list, "Made by a guardian");
  veil_hash_list_set_version (list, 3);
  veil_hash_list_set_created (list, created);
  g_assert_true (veil_pdq_hash_parse (H1, -1, &h));
  g_assert_true (veil_hash_list_add (list, &h, "bridge, 2026"));
  g_assert_true (veil_pdq_hash_parse (H2, -1, &h));
  g_assert_true (veil_hash_list_add (list, &h, NULL));
  g_assert_true (veil_pdq_hash_parse (H3, -1, &h));
  g_assert_true (veil_hash_list_add (list, &h, "Ünïcode \"quoted\""));
  return list;
}

static void
test_veil_round_trip (Fixture *fixture, gconstpointer data)
{
  g_autoptr(VeilHashList) list = sample_list ();
  g_autofree char *path = g_build_filename (fixture->dir, "family.veilhashes", NULL);
  g_autoptr(VeilHashList) back = NULL;
  g_autofree char *text = NULL;
  g_autofree char *sha = veil_hash_list_compute_checksum (list);
  g_autofree char *expected_sha = NULL;
  g_autofree char *created = NULL;
  g_autoptr(GError) error = NULL;
  const char *body = H1 ",bridge, 2026\n" H2 "\n" H3 ",Ünïcode \"quoted\"\n";

  g_assert_true (veil_hash_list_save_file (list, path, VEIL_HASH_LIST_FORMAT_VEIL, NULL, &error));
  g_assert_no_error (error);

  /* The header as documented, and its sha256 over the entry lines. */
  expected_sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, body, -1);
  g_assert_cmpstr (sha, ==, expected_sha);
  g_file_get_contents (path, &text, NULL, NULL);
  g_assert_true (g_str_has_prefix (text, "veil-hash-list 1\nname: Family photos\nsource: Made by a guardian\n"
                                         "version: 3\ncreated: 2026-11-28T10:30:00Z\nentries: 3\n"));
  g_assert_nonnull (strstr (text, expected_sha));
  g_assert_true (g_str_has_suffix (text, "---\n" H1 ",bridge, 2026\n" H2 "\n" H3 ",Ünïcode \"quoted\"\n"));

  back = load_ok (path, VEIL_HASH_LIST_FORMAT_AUTO);
  g_assert_cmpint (veil_hash_list_get_format (back), ==, VEIL_HASH_LIST_FORMAT_VEIL);
  g_assert_cmpstr (veil_hash_list_get_name (back), ==, "Family photos");
  g_assert_cmpstr (veil_hash_list_get_source (back), ==, "Made by a guardian");
  g_assert_cmpuint (veil_hash_list_get_version (back), ==, 3);
  created = g_date_time_format_iso8601 (veil_hash_list_get_created (back));
  g_assert_cmpstr (created, ==, "2026-11-28T10:30:00Z");
  g_assert_cmpuint (veil_hash_list_get_n_entries (back), ==, 3);
  assert_entry (back, 0, H1, "bridge, 2026");
  assert_entry (back, 1, H2, NULL);
  assert_entry (back, 2, H3, "Ünïcode \"quoted\"");
}

static void
test_veil_tampered (Fixture *fixture, gconstpointer data)
{
  g_autoptr(VeilHashList) list = sample_list ();
  g_autofree char *path = g_build_filename (fixture->dir, "list.veilhashes", NULL);
  g_autofree char *text = NULL;
  g_autofree char *changed = NULL;
  g_autofree char *truncated = NULL;
  g_autofree char *p1 = NULL;
  g_autofree char *p2 = NULL;
  g_autoptr(GError) e1 = NULL;
  g_autoptr(GError) e2 = NULL;
  g_autoptr(VeilHashList) l1 = NULL;
  g_autoptr(VeilHashList) l2 = NULL;
  char *last;

  g_assert_true (veil_hash_list_save_file (list, path, VEIL_HASH_LIST_FORMAT_VEIL, NULL, NULL));
  g_file_get_contents (path, &text, NULL, NULL);

  /* One digit of one hash changed: the sha256 no longer matches. */
  changed = g_strdup (text);
  last = strstr (changed, "---\n") + 4;
  last[0] = last[0] == 'f' ? 'e' : 'f';
  p1 = write_file (fixture, "changed.veilhashes", changed, -1);
  l1 = veil_hash_list_load_file (p1, VEIL_HASH_LIST_FORMAT_AUTO, NULL, &e1);
  g_assert_null (l1);
  g_assert_error (e1, VEIL_HASH_LIST_ERROR, VEIL_HASH_LIST_ERROR_CHECKSUM);

  /* The last entry cut off: the count no longer matches. */
  truncated = g_strndup (text, strlen (text) - strlen (H3 ",Ünïcode \"quoted\"\n"));
  p2 = write_file (fixture, "truncated.veilhashes", truncated, -1);
  l2 = veil_hash_list_load_file (p2, VEIL_HASH_LIST_FORMAT_AUTO, NULL, &e2);
  g_assert_null (l2);
  g_assert_error (e2, VEIL_HASH_LIST_ERROR, VEIL_HASH_LIST_ERROR_COUNT);
}

static void
test_export_formats (Fixture *fixture, gconstpointer data)
{
  g_autoptr(VeilHashList) list = sample_list ();
  const VeilHashListFormat formats[] = {
    VEIL_HASH_LIST_FORMAT_PLAIN, VEIL_HASH_LIST_FORMAT_PYTX, VEIL_HASH_LIST_FORMAT_CSV,
  };

  for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
    {
      g_autofree char *path = g_build_filename (fixture->dir, veil_hash_list_format_to_string (formats[f]), NULL);
      g_autoptr(VeilHashList) back = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_true (veil_hash_list_save_file (list, path, formats[f], NULL, &error));
      g_assert_no_error (error);
      back = load_ok (path, VEIL_HASH_LIST_FORMAT_AUTO);
      g_assert_cmpint (veil_hash_list_get_format (back), ==, formats[f]);
      g_assert_cmpuint (veil_hash_list_get_n_entries (back), ==, 3);
      for (guint i = 0; i < 3; i++)
        g_assert_true (veil_pdq_hash_equal (veil_hash_list_get_hash (back, i), veil_hash_list_get_hash (list, i)));

      switch (formats[f])
        {
        case VEIL_HASH_LIST_FORMAT_PLAIN:
        case VEIL_HASH_LIST_FORMAT_PYTX:
          assert_entry (back, 0, H1, "bridge, 2026");
          assert_entry (back, 1, H2, NULL);
          assert_entry (back, 2, H3, "Ünïcode \"quoted\"");
          break;
        case VEIL_HASH_LIST_FORMAT_CSV:
          /* collab = the list's name, category = the label */
          assert_entry (back, 0, H1, "Family photos / bridge, 2026");
          assert_entry (back, 1, H2, "Family photos");
          assert_entry (back, 2, H3, "Family photos / Ünïcode \"quoted\"");
          break;
        default:
          g_assert_not_reached ();
        }
    }
}

/* python-threatexchange's file exchange splits each line at its first space into signal type
 * and signal (file_api.py): entry lines must be exactly "pdq <hash>", so labels travel on
 * "# veil-label:" comment lines before them, which pytx skips and Veil reads back. */
static void
test_export_pytx_labels (Fixture *fixture, gconstpointer data)
{
  g_autoptr(VeilHashList) list = sample_list ();
  g_autofree char *path = g_build_filename (fixture->dir, "exchange.txt", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(VeilHashList) back = NULL;
  g_autoptr(GError) error = NULL;
  guint n_entries = 0;

  g_assert_true (veil_hash_list_save_file (list, path, VEIL_HASH_LIST_FORMAT_PYTX, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==,
                   "# veil-label: bridge, 2026\n"
                   "pdq " H1 "\n"
                   "pdq " H2 "\n"
                   "# veil-label: Ünïcode \"quoted\"\n"
                   "pdq " H3 "\n");

  /* What pytx reads: a known signal type, then a signal that is a whole PDQ hash. */
  lines = g_strsplit (g_strchomp (text), "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) columns = g_strsplit (lines[i], " ", 2);
      VeilPdqHash hash;

      if (g_str_equal (columns[0], "#"))
        continue;
      g_assert_cmpstr (columns[0], ==, "pdq");
      g_assert_true (veil_pdq_hash_parse (columns[1], -1, &hash));
      n_entries++;
    }
  g_assert_cmpuint (n_entries, ==, 3);

  back = load_ok (path, VEIL_HASH_LIST_FORMAT_AUTO);
  g_assert_cmpint (veil_hash_list_get_format (back), ==, VEIL_HASH_LIST_FORMAT_PYTX);
  g_assert_cmpuint (veil_hash_list_get_n_entries (back), ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpstr (veil_hash_list_get_label (back, i), ==, veil_hash_list_get_label (list, i));
}

/* A "# veil-label:" line labels the next entry only, and an entry's own label wins. */
static void
test_pytx_label_comments (Fixture *fixture, gconstpointer data)
{
  const char *text =
    "# veil-label: first one\n"
    "\n"
    "# an ordinary comment\n"
    "pdq " H1 "\n"
    "pdq " H2 "\n"
    "# veil-label: not used\n"
    "pdq " H3 " its own\n"
    "# veil-label:\n"
    H1 "\n";
  g_autofree char *path = write_file (fixture, "comments.txt", text, -1);
  g_autoptr(VeilHashList) list = load_ok (path, VEIL_HASH_LIST_FORMAT_AUTO);

  g_assert_cmpuint (veil_hash_list_get_n_entries (list), ==, 4);
  assert_entry (list, 0, H1, "first one");
  assert_entry (list, 1, H2, NULL);
  assert_entry (list, 2, H3, "its own");
  assert_entry (list, 3, H1, NULL);
}

/* Labels a spreadsheet would run as formulas (OWASP's CSV injection list: = + - @, tab and
 * carriage return) are written with a leading ' and come back unchanged. */
static void
test_export_csv_guard (Fixture *fixture, gconstpointer data)
{
  static const char *const labels[] = {
    "=HYPERLINK(\"http://example.com\",\"x\")", "+1", "-2", "@SUM(A1:A2)", "\tcmd", "'90s", "fine",
  };
  g_autoptr(VeilHashList) list = veil_hash_list_new ("@Family");
  g_autofree char *path = g_build_filename (fixture->dir, "guarded.csv", NULL);
  g_autofree char *text = NULL;
  g_autoptr(VeilHashList) back = NULL;
  g_autoptr(GError) error = NULL;
  VeilPdqHash h;

  g_assert_true (veil_pdq_hash_parse (H1, -1, &h));
  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    g_assert_true (veil_hash_list_add (list, &h, labels[i]));
  g_assert_true (veil_hash_list_save_file (list, path, VEIL_HASH_LIST_FORMAT_CSV, NULL, &error));
  g_assert_no_error (error);

  /* The name (collab) and the label (category) are guarded; RFC 4180 quoting on top. */
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==,
                   "signal_type,signal_str,collab,category,tags\n"
                   "pdq," H1 ",'@Family,\"'=HYPERLINK(\"\"http://example.com\"\",\"\"x\"\")\",\n"
                   "pdq," H1 ",'@Family,'+1,\n"
                   "pdq," H1 ",'@Family,'-2,\n"
                   "pdq," H1 ",'@Family,'@SUM(A1:A2),\n"
                   "pdq," H1 ",'@Family,'\tcmd,\n"
                   "pdq," H1 ",'@Family,''90s,\n"
                   "pdq," H1 ",'@Family,fine,\n");

  /* Veil's own CSV reads back to the original text: the label is "collab / category". */
  back = load_ok (path, VEIL_HASH_LIST_FORMAT_AUTO);
  g_assert_cmpuint (veil_hash_list_get_n_entries (back), ==, G_N_ELEMENTS (labels));
  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      g_autofree char *expected = g_strconcat ("@Family / ", labels[i], NULL);
      assert_entry (back, i, H1, expected);
    }
}

/* A ' is taken off on import only where it guards one of the characters the export guards,
 * so other files' labels that merely start with an apostrophe keep it. */
static void
test_csv_guard_import (Fixture *fixture, gconstpointer data)
{
  const char *text =
    "signal_type,signal_str,collab,category,tags\n"
    "pdq," H1 ",,'90s,\n"
    "pdq," H2 ",,'=1+1,'-x\n"
    "pdq," H3 ",'','''x,'\n";
  g_autofree char *path = write_file (fixture, "other.csv", text, -1);
  g_autoptr(VeilHashList) list = load_ok (path, VEIL_HASH_LIST_FORMAT_AUTO);

  assert_entry (list, 0, H1, "'90s");
  assert_entry (list, 1, H2, "=1+1 / -x");
  assert_entry (list, 2, H3, "' / ''x / '");
}

/* A list bigger than the reader's block, so lines straddle block borders, with memory kept
 * within 48 bytes an entry. */
static void
test_large (Fixture *fixture, gconstpointer data)
{
  const guint n = 200000;
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(GString) text = g_string_sized_new ((gsize) n * 66);
  g_autofree char *path = NULL;
  g_autoptr(VeilHashList) list = NULL;
  g_autofree VeilPdqHash *expected = g_new (VeilPdqHash, n);

  for (guint i = 0; i < n; i++)
    {
      char hex[VEIL_PDQ_HEX_LENGTH + 1];

      for (int w = 0; w < 4; w++)
        expected[i].w[w] = ((guint64) g_rand_int (rand) << 32) | g_rand_int (rand);
      veil_pdq_hash_to_hex (&expected[i], hex);
      g_string_append (text, hex);
      g_string_append (text, i % 2 ? "\r\n" : "\n");
    }
  path = write_file (fixture, "large.txt", text->str, text->len);
  list = load_ok (path, VEIL_HASH_LIST_FORMAT_AUTO);

  g_assert_cmpuint (veil_hash_list_get_n_entries (list), ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_true (veil_pdq_hash_equal (veil_hash_list_get_hash (list, i), &expected[i]));
  g_assert_cmpuint (veil_hash_list_get_memory_size (list), <=, (gsize) n * 48);
  g_test_message ("%u entries in %" G_GSIZE_FORMAT " bytes (%.1f bytes an entry)", n,
                  veil_hash_list_get_memory_size (list),
                  (double) veil_hash_list_get_memory_size (list) / n);
}

/* Random damage to valid lists of every format: each load either succeeds or fails with a
 * VEIL_HASH_LIST_ERROR, never crashes or reads out of bounds (run under ASan in CI). */
static void
test_mutations (Fixture *fixture, gconstpointer data)
{
  g_autoptr(VeilHashList) list = sample_list ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (77);
  const VeilHashListFormat formats[] = {
    VEIL_HASH_LIST_FORMAT_PLAIN, VEIL_HASH_LIST_FORMAT_PYTX, VEIL_HASH_LIST_FORMAT_CSV, VEIL_HASH_LIST_FORMAT_VEIL,
  };
  static const char noise[] = "0af,\"\r\n# \xef\xbb\xbf\x00\xff-:pdq";
  g_autofree char *path = g_build_filename (fixture->dir, "mutated", NULL);
  guint loaded = 0, refused = 0;

  for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
    {
      g_autofree char *original_path = g_build_filename (fixture->dir, "original", NULL);
      g_autofree char *original = NULL;
      gsize length;

      g_assert_true (veil_hash_list_save_file (list, original_path, formats[f], NULL, NULL));
      g_assert_true (g_file_get_contents (original_path, &original, &length, NULL));

      for (guint round = 0; round < 300; round++)
        {
          g_autofree char *copy = g_memdup2 (original, length);
          gsize copy_length = length;
          guint edits = g_rand_int_range (rand, 1, 4);
          g_autoptr(GError) error = NULL;
          g_autoptr(VeilHashList) back = NULL;

          for (guint e = 0; e < edits; e++)
            {
              gsize at = g_rand_int_range (rand, 0, copy_length);

              switch (g_rand_int_range (rand, 0, 3))
                {
                case 0: /* replace a byte */
                  copy[at] = noise[g_rand_int_range (rand, 0, sizeof noise - 1)];
                  break;
                case 1: /* cut the file short */
                  copy_length = at;
                  break;
                default: /* drop a byte */
                  memmove (copy + at, copy + at + 1, copy_length - at - 1);
                  copy_length--;
                  break;
                }
              if (copy_length == 0)
                break;
            }

          /* No fsync: a thousand scratch files need not reach the disk. */
          g_assert_true (g_file_set_contents_full (path, copy, copy_length, G_FILE_SET_CONTENTS_NONE, 0600, NULL));
          back = veil_hash_list_load_file (path, VEIL_HASH_LIST_FORMAT_AUTO, NULL, &error);
          if (back != NULL)
            {
              g_assert_no_error (error);
              loaded++;
            }
          else
            {
              g_assert_true (error != NULL && error->domain == VEIL_HASH_LIST_ERROR);
              refused++;
            }
        }
    }
  g_test_message ("%u damaged lists loaded, %u refused", loaded, refused);
  g_assert_cmpuint (refused, >, 0);
}

static void
test_formats_names (void)
{
  VeilHashListFormat format;

  g_assert_true (veil_hash_list_format_from_string ("csv", &format));
  g_assert_cmpint (format, ==, VEIL_HASH_LIST_FORMAT_CSV);
  g_assert_false (veil_hash_list_format_from_string ("xml", &format));
  g_assert_cmpstr (veil_hash_list_format_to_string (VEIL_HASH_LIST_FORMAT_VEIL), ==, "veil");
}

static void
load_ready_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  VeilHashList **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = veil_hash_list_load_file_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_async (Fixture *fixture, gconstpointer data)
{
  g_autofree char *path = write_file (fixture, "a.txt", H1 "\n", -1);
  VeilHashList *list = NULL;

  veil_hash_list_load_file_async (path, VEIL_HASH_LIST_FORMAT_AUTO, NULL, load_ready_cb, &list);
  while (list == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (veil_hash_list_get_n_entries (list), ==, 1);
  g_object_unref (list);
}

/* The binary form maps back to the same list, is refused when made from other content or
 * damaged, and a list read from it still grows like any other. */
static void
test_binary (void)
{
  g_autofree char *dir = veil_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "list.bin", NULL);
  g_autoptr(VeilHashList) list = veil_hash_list_new ("Binary");
  g_autoptr(VeilHashList) mapped = NULL;
  g_autoptr(VeilHashList) refused = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autofree char *contents = NULL;
  gsize length = 0;
  VeilPdqHash extra = { { 1, 2, 3, 4 } };

  veil_hash_list_set_source (list, "a source");
  for (guint i = 0; i < 1000; i++)
    {
      VeilPdqHash h;
      g_autofree char *label = i % 3 == 0 ? g_strdup_printf ("entry %u", i) : NULL;

      for (guint w = 0; w < 4; w++)
        h.w[w] = ((guint64) g_rand_int (rand) << 32) | g_rand_int (rand);
      g_assert_true (veil_hash_list_add (list, &h, label));
    }

  g_assert_true (_veil_hash_list_save_binary (list, path, "digest-1", &error));
  g_assert_no_error (error);
  mapped = _veil_hash_list_map_binary (path, "digest-1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (veil_hash_list_get_name (mapped), ==, "Binary");
  g_assert_cmpstr (veil_hash_list_get_source (mapped), ==, "a source");
  g_assert_cmpuint (veil_hash_list_get_version (mapped), ==, veil_hash_list_get_version (list));
  g_assert_cmpint (veil_hash_list_get_format (mapped), ==, veil_hash_list_get_format (list));
  g_assert_cmpuint (veil_hash_list_get_n_entries (mapped), ==, 1000);
  for (guint i = 0; i < 1000; i++)
    {
      g_assert_cmpmem (veil_hash_list_get_hash (mapped, i), sizeof (VeilPdqHash),
                       veil_hash_list_get_hash (list, i), sizeof (VeilPdqHash));
      g_assert_cmpstr (veil_hash_list_get_label (mapped, i), ==, veil_hash_list_get_label (list, i));
    }

  /* Growing copies the entries out of the mapping; the file is left as it was. */
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_true (veil_hash_list_add (mapped, &extra, "added"));
  g_assert_cmpuint (veil_hash_list_get_n_entries (mapped), ==, 1001);
  g_assert_cmpstr (veil_hash_list_get_label (mapped, 1000), ==, "added");
  g_assert_cmpmem (veil_hash_list_get_hash (mapped, 999), sizeof (VeilPdqHash),
                   veil_hash_list_get_hash (list, 999), sizeof (VeilPdqHash));
  {
    g_autofree char *again = NULL;
    gsize again_length = 0;

    g_assert_true (g_file_get_contents (path, &again, &again_length, NULL));
    g_assert_cmpmem (again, again_length, contents, length);
  }

  /* Made from other content. */
  refused = _veil_hash_list_map_binary (path, "digest-2", &error);
  g_assert_null (refused);
  g_assert_error (error, VEIL_HASH_LIST_ERROR, VEIL_HASH_LIST_ERROR_HEADER);
  g_clear_error (&error);

  /* Cut short. */
  g_assert_true (g_file_set_contents (path, contents, length - 1, NULL));
  refused = _veil_hash_list_map_binary (path, "digest-1", &error);
  g_assert_null (refused);
  g_assert_error (error, VEIL_HASH_LIST_ERROR, VEIL_HASH_LIST_ERROR_HEADER);
  g_clear_error (&error);

  /* A label offset past the labels: entry 0's, which has one, follows the 1000 hashes. */
  {
    guint32 bad = (guint32) list->pool->len + 10;
    const guint8 *hashes_start = NULL;

    for (gsize at = 0; at + sizeof (VeilPdqHash) <= length && hashes_start == NULL; at += 8)
      if (memcmp (contents + at, veil_hash_list_get_hash (list, 0), sizeof (VeilPdqHash)) == 0)
        hashes_start = (const guint8 *) contents + at;
    g_assert_nonnull (hashes_start);
    memcpy ((guint8 *) hashes_start + 1000 * sizeof (VeilPdqHash), &bad, sizeof bad);
    g_assert_true (g_file_set_contents (path, contents, length, NULL));
    refused = _veil_hash_list_map_binary (path, "digest-1", &error);
    g_assert_null (refused);
    g_assert_error (error, VEIL_HASH_LIST_ERROR, VEIL_HASH_LIST_ERROR_HEADER);
  }

  veil_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  veil_test_init (&argc, &argv);

#define ADD(path, func) \
  g_test_add ("/veil/hash-list/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("plain", test_plain);
  ADD ("pytx", test_pytx);
  ADD ("csv", test_csv);
  ADD ("rejects", test_rejects);
  ADD ("missing-file", test_missing_file);
  ADD ("veil-round-trip", test_veil_round_trip);
  ADD ("veil-tampered", test_veil_tampered);
  ADD ("export-formats", test_export_formats);
  ADD ("export-pytx-labels", test_export_pytx_labels);
  ADD ("pytx-label-comments", test_pytx_label_comments);
  ADD ("export-csv-guard", test_export_csv_guard);
  ADD ("csv-guard-import", test_csv_guard_import);
  ADD ("large", test_large);
  ADD ("async", test_async);
  ADD ("mutations", test_mutations);
  g_test_add_func ("/veil/hash-list/format-names", test_formats_names);
  g_test_add_func ("/veil/hash-list/binary", test_binary);

  return g_test_run ();
}
