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

/* One field, quoted as RFC 4180 asks when it holds a comma or a quote. */
void
_veil_hash_list_csv_append (GString    *out,
                            const char *text)
{
  if (strpbrk (text, ",\"") == NULL)
    {
      g_string_append (out, text);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}
