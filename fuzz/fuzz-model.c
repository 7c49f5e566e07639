/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-model"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "veil-model-private.h"

/* libFuzzer target for the classifier model loader (core/classify/veil-model.c). Each input is
 * loaded twice through the public veil_model_new_from_bytes(): as is (the digest check refuses
 * almost everything, which is the point of it), and from a copy whose payload-size field and
 * SHA-256 digest are fixed up to match the input, as a forger would, so that the loader's real
 * code path goes on to the table, tensor and graph validation.
 *
 * Built with clang: core/classify/meson.build adds `fuzz-model` (-fsanitize=fuzzer,...).
 *   ./build/core/classify/fuzz-model -max_len=4194304 -seed_inputs=MODEL CORPUS_DIR
 * With any compiler it is also built as the replay driver:
 *   fuzz-model-replay FILE…                    runs each file once (replaying crashes)
 *   fuzz-model-replay --mutate N [--min-errors M] SEED
 *                                              N deterministic mutations of SEED (fixed PRNG
 *                                              seed), each fixed up and loaded; fails when
 *                                              fewer than M distinct loader errors were met */

#define HEADER_SIZE      160
#define PAYLOAD_SIZE_OFF 72
#define DIGEST_OFF       128
#define WEIGHTS_OFF_OFF  56

/* Distinct loader errors met, when the replay driver counts them. */
static GHashTable *errors_seen;

static void
note_error (const GError *error)
{
  GString *key;

  g_assert (error != NULL && error->domain == VEIL_MODEL_ERROR);
  if (errors_seen == NULL)
    return;
  /* Op and tensor numbers vary; the kind of refusal is what counts. */
  key = g_string_new (NULL);
  g_string_append_printf (key, "%d:", error->code);
  for (const char *p = error->message; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      g_string_append_c (key, *p);
    else if (key->str[key->len - 1] != '#')
      g_string_append_c (key, '#');
  g_hash_table_add (errors_seen, g_string_free (key, FALSE));
}

static void
load (GBytes *bytes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilModel) model = veil_model_new_from_bytes (bytes, &error);
  const VeilModelOp *ops;
  guint n_ops;

  if (model == NULL)
    {
      note_error (error);
      return;
    }

  /* Touch what validation promised: every op's kernel tensor is readable in full. */
  ops = _veil_model_get_ops (model, &n_ops);
  for (guint i = 0; i < n_ops; i++)
    {
      const VeilModelTensor *t = _veil_model_get_tensor (model, ops[i].kernel);

      if (t != NULL && t->count > 0)
        (void) _veil_model_tensor_value (t, t->count - 1);
    }
}

/* Sets the payload size and digest the way tools/veil-convert-model.py writes them: the size
 * of everything after the header, and its SHA-256. */
static void
fix_up (guint8 *data,
        gsize   size)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint64 payload = GUINT64_TO_LE ((guint64) size - HEADER_SIZE);
  gsize len = 32;

  memcpy (data + PAYLOAD_SIZE_OFF, &payload, sizeof payload);
  g_checksum_update (checksum, data + HEADER_SIZE, size - HEADER_SIZE);
  g_checksum_get_digest (checksum, data + DIGEST_OFF, &len);
}

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GBytes) as_is = g_bytes_new_static (data, size);

  load (as_is);
  if (size >= HEADER_SIZE)
    {
      guint8 *copy = g_memdup2 (data, size);
      g_autoptr(GBytes) fixed = NULL;

      fix_up (copy, size);
      fixed = g_bytes_new_take (copy, size);
      load (fixed);
    }
  return 0;
}

#ifdef VEIL_FUZZ_REPLAY
static const guint32 interesting[] = { 0, 1, 2, 3, 4, 7, 16, 0x7f, 0x80, 0xff, 0x100, 0x1000,
                                       0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff };

/* A position to mutate: mostly in the header and tables, where the parser reads; the
 * weights after them are only bounds-checked. */
static guint
pick_pos (GRand        *rand,
          GByteArray   *buf)
{
  guint64 tables_end = buf->len;

  if (buf->len >= HEADER_SIZE)
    {
      guint64 weights_off;

      memcpy (&weights_off, buf->data + WEIGHTS_OFF_OFF, sizeof weights_off);
      tables_end = MIN (GUINT64_FROM_LE (weights_off), buf->len);
    }
  if (tables_end == 0 || g_rand_int_range (rand, 0, 8) == 0)
    tables_end = buf->len;
  return g_rand_int_range (rand, 0, (gint32) MIN (tables_end, G_MAXINT32));
}

static void
mutate_once (GRand      *rand,
             GByteArray *buf)
{
  guint pos = pick_pos (rand, buf);
  guint32 v;

  switch (g_rand_int_range (rand, 0, 6))
    {
    case 0:   /* flip one bit */
      buf->data[pos] ^= 1u << g_rand_int_range (rand, 0, 8);
      break;
    case 1:   /* a random byte */
      buf->data[pos] = (guint8) g_rand_int_range (rand, 0, 256);
      break;
    case 2:   /* an interesting 32-bit value, where the tables keep their counts and dims */
    case 3:
      v = GUINT32_TO_LE (interesting[g_rand_int_range (rand, 0, G_N_ELEMENTS (interesting))]);
      pos = MIN (pos, buf->len - sizeof v) & ~3u;
      memcpy (buf->data + pos, &v, sizeof v);
      break;
    case 4:   /* insert a few bytes */
      {
        guint8 bytes[4];

        for (guint i = 0; i < G_N_ELEMENTS (bytes); i++)
          bytes[i] = (guint8) g_rand_int_range (rand, 0, 256);
        /* A GByteArray is a GArray of bytes; GLib has no insert for the former. */
        g_array_insert_vals ((GArray *) buf, pos, bytes, g_rand_int_range (rand, 1, 5));
      }
      break;
    default:  /* delete a few bytes */
      g_byte_array_remove_range (buf, pos, MIN ((guint) g_rand_int_range (rand, 1, 5), buf->len - pos));
      break;
    }
}

static int
run_mutations (const char *seed_path,
               guint       iterations,
               guint       min_errors)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (1);
  g_autofree char *seed = NULL;
  gsize seed_len = 0;
  guint n_errors;

  if (!g_file_get_contents (seed_path, &seed, &seed_len, &error))
    {
      fprintf (stderr, "%s: %s\n", seed_path, error->message);
      return 1;
    }
  if (seed_len < HEADER_SIZE)
    {
      fprintf (stderr, "%s: a seed needs at least a %d-byte header\n", seed_path, HEADER_SIZE);
      return 1;
    }

  errors_seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < iterations; i++)
    {
      g_autoptr(GByteArray) buf = g_byte_array_sized_new (seed_len + 16);
      guint n = g_rand_int_range (rand, 1, 9);

      g_byte_array_append (buf, (const guint8 *) seed, seed_len);
      for (guint k = 0; k < n && buf->len >= HEADER_SIZE; k++)
        mutate_once (rand, buf);
      LLVMFuzzerTestOneInput (buf->data, buf->len);
    }

  n_errors = g_hash_table_size (errors_seen);
  {
    g_autofree gpointer *keys = g_hash_table_get_keys_as_array (errors_seen, NULL);

    for (guint i = 0; i < n_errors; i++)
      printf ("# reached: %s\n", (const char *) keys[i]);
  }
  printf ("%u mutations of %s: no crash, %u distinct loader errors reached\n",
          iterations, seed_path, n_errors);
  g_clear_pointer (&errors_seen, g_hash_table_unref);
  if (n_errors < min_errors)
    {
      fprintf (stderr, "only %u distinct loader errors reached, fewer than %u: the mutations no longer get past the header\n",
               n_errors, min_errors);
      return 1;
    }
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  if (argc >= 4 && strcmp (argv[1], "--mutate") == 0)
    {
      guint min_errors = 0;

      if (argc == 6 && strcmp (argv[3], "--min-errors") == 0)
        min_errors = (guint) strtoul (argv[4], NULL, 10);
      return run_mutations (argv[argc - 1], (guint) strtoul (argv[2], NULL, 10), min_errors);
    }

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      char *contents = NULL;
      gsize len = 0;

      if (!g_file_get_contents (argv[i], &contents, &len, &error))
        {
          fprintf (stderr, "%s: %s\n", argv[i], error->message);
          return 1;
        }
      LLVMFuzzerTestOneInput ((const guint8 *) contents, len);
      g_free (contents);
      printf ("%s: ok\n", argv[i]);
    }
  return 0;
}
#endif
