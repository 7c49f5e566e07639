/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-model"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "veil-model-private.h"

/* libFuzzer target for the classifier model loader (core/classify/veil-model.c). Each input is parsed
 * twice: as is (the digest check refuses almost everything, which is the point of it) and,
 * from a copy whose payload-size field is set to match the input's length, without the digest
 * check, so the fuzzer reaches the table, tensor and graph validation.
 *
 * Built with clang: core/meson.build adds `fuzz-model` (-fsanitize=fuzzer,address,undefined).
 *   ./build/core/classify/fuzz-model -max_len=65536 CORPUS_DIR
 * With any compiler it is also built as `fuzz-model-replay FILE…`, which runs the same
 * function once per file (for replaying crashes and for seeding a corpus). A good seed is the
 * first 40 kB of the real model file: the header and both tables. */

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr(VeilModel) checked = NULL;
  g_autoptr(VeilModel) unchecked = NULL;
  g_autoptr(GError) error = NULL;

  checked = veil_model_new_from_bytes (bytes, &error);
  g_assert (checked != NULL || error->domain == VEIL_MODEL_ERROR);
  g_clear_error (&error);

  if (size >= 80)
    {
      guint8 *copy = g_memdup2 (data, size);
      guint64 payload = GUINT64_TO_LE ((guint64) size - MIN (size, 160));

      memcpy (copy + 72, &payload, sizeof payload);
      g_clear_pointer (&bytes, g_bytes_unref);
      bytes = g_bytes_new_take (copy, size);
    }
  unchecked = _veil_model_new_from_bytes_unverified (bytes, &error);
  g_assert (unchecked != NULL || error->domain == VEIL_MODEL_ERROR);
  if (unchecked != NULL)
    {
      guint n_ops;
      const VeilModelOp *ops = _veil_model_get_ops (unchecked, &n_ops);

      /* Touch what validation promised: every op's kernel tensor is readable in full. */
      for (guint i = 0; i < n_ops; i++)
        {
          const VeilModelTensor *t = _veil_model_get_tensor (unchecked, ops[i].kernel);

          if (t != NULL && t->count > 0)
            (void) _veil_model_tensor_value (t, t->count - 1);
        }
    }
  return 0;
}

#ifdef VEIL_FUZZ_REPLAY
int
main (int   argc,
      char *argv[])
{
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
