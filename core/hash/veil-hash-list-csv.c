/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-hash-list"

#include "config.h"

#include "veil-hash-list-private.h"

#include <string.h>

/* The CSV fields of python-threatexchange's dataset export, read and written. */

/* Splits one CSV record (RFC 4180 quoting, no line breaks inside fields) into at most
 * @max_fields fields, unquoted into @scratch at @starts with @lengths. Returns the number of
 * fields, or -1 on bad quoting. */
int
_veil_hash_list_csv_split (GString    *scratch,
                           const char *p,
                           const char *end,
                           gsize       starts[],
                           gsize       lengths[],
                           int         max_fields)
{
  int n = 0;

  g_string_truncate (scratch, 0);
  for (;;)
    {
      gsize start = scratch->len;

      if (n == max_fields)
        return n;

      if (p < end && *p == '"')
        {
          p++;
          for (;;)
            {
              if (p >= end)
                return -1;
              if (*p == '"')
                {
                  if (p + 1 < end && p[1] == '"')
                    {
                      g_string_append_c (scratch, '"');
                      p += 2;
                      continue;
                    }
                  p++;
                  break;
                }
              g_string_append_c (scratch, *p++);
            }
          if (p < end && *p != ',')
            return -1;
        }
      else
        {
          const char *comma = memchr (p, ',', end - p);
          const char *stop = comma != NULL ? comma : end;

          if (memchr (p, '"', stop - p) != NULL)
            return -1;
          g_string_append_len (scratch, p, stop - p);
          p = stop;
        }

      starts[n] = start;
      lengths[n] = scratch->len - start;
      n++;

      if (p >= end)
        return n;
      p++; /* the comma */
    }
}

/* Spreadsheets run a cell that starts with one of = + - @ (or a tab or carriage return
 * before one) as a formula: OWASP's "CSV Injection" advice is to start such a cell with a '
 * so that it shows as text. A cell that already starts with ' gets one too, so that taking
 * exactly one off on import gives every label back as it was. */
static const char guarded[] = "=+-@\t\r'";

static gboolean
is_guarded (char c)
{
  return memchr (guarded, c, sizeof guarded - 1) != NULL;
}

/* One field: a ' first when a spreadsheet could take it for a formula, then quoted as
 * RFC 4180 asks when it holds a comma, a quote or a line break. */
void
_veil_hash_list_csv_append (GString    *out,
                            const char *text)
{
  gboolean guard = text[0] != '\0' && is_guarded (text[0]);

  if (strpbrk (text, ",\"\r\n") == NULL)
    {
      if (guard)
        g_string_append_c (out, '\'');
      g_string_append (out, text);
      return;
    }
  g_string_append_c (out, '"');
  if (guard)
    g_string_append_c (out, '\'');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

/* The length of the guard _veil_hash_list_csv_append() puts before @cell: 1 when it starts
 * with a ' followed by a guarded character, else 0. Files from elsewhere that follow the
 * same advice read the same way; a cell like "'90s" keeps its apostrophe. */
gsize
_veil_hash_list_csv_guard_length (const char *cell,
                                  gsize       length)
{
  return length >= 2 && cell[0] == '\'' && is_guarded (cell[1]) ? 1 : 0;
}
