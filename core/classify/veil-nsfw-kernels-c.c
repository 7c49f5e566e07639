/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-nsfw-kernels"

#include "config.h"

#define VEIL_KERNEL_LANES 4
#define VEIL_KERNEL_SUFFIX portable
#include "veil-nsfw-kernels-template.c"

/* The portable kernels: plain C that any compiler vectorises for the baseline instruction
 * set, and the reference the SIMD paths are tested against. */

#define MR 4

static void
pointwise_portable (const float *in,
                    guint        m0,
                    guint        m1,
                    guint        k,
                    const float *packed,
                    const float *bias,
                    guint        n,
                    int          act,
                    float       *out)
{
  guint panels = (n + VEIL_NSFW_PANEL - 1) / VEIL_NSFW_PANEL;

  for (guint m = m0; m < m1; m += MR)
    {
      guint mr = MIN (MR, m1 - m);

      for (guint p = 0; p < panels; p++)
        {
          const float *restrict b = packed + (gsize) p * k * VEIL_NSFW_PANEL;
          guint n0 = p * VEIL_NSFW_PANEL, nb = MIN (VEIL_NSFW_PANEL, n - n0);
          float acc[MR][VEIL_NSFW_PANEL];
          const float *a[MR];

          for (guint r = 0; r < MR; r++)
            {
              /* Rows past the end repeat the last one; their sums are dropped. */
              a[r] = in + (gsize) (m + MIN (r, mr - 1)) * k;
              for (guint j = 0; j < VEIL_NSFW_PANEL; j++)
                acc[r][j] = j < nb ? bias[n0 + j] : 0.0f;
            }

          for (guint kk = 0; kk < k; kk++, b += VEIL_NSFW_PANEL)
            for (guint r = 0; r < MR; r++)
              {
                float v = a[r][kk];

                for (guint j = 0; j < VEIL_NSFW_PANEL; j++)
                  acc[r][j] += v * b[j];
              }

          for (guint r = 0; r < mr; r++)
            {
              float *o = out + (gsize) (m + r) * n + n0;

              for (guint j = 0; j < nb; j++)
                o[j] = activate_portable (acc[r][j], act);
            }
        }
    }
}

const VeilNsfwKernels veil_nsfw_kernels_portable = {
  .name = "portable",
  .lanes = 4,
  .pointwise = pointwise_portable,
  .conv = conv_portable,
  .depthwise = depthwise_portable,
  .add = add_portable,
  .fma_burst = fma_burst_portable,
};

gboolean
veil_nsfw_kernels_supported (VeilNsfwKernelPath path)
{
  switch (path)
    {
    case VEIL_NSFW_KERNELS_AUTO:
    case VEIL_NSFW_KERNELS_PORTABLE:
      return TRUE;
#ifdef VEIL_HAVE_X86_KERNELS
    case VEIL_NSFW_KERNELS_AVX2:
      __builtin_cpu_init ();
      return __builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma");
    case VEIL_NSFW_KERNELS_AVX512:
      __builtin_cpu_init ();
      return __builtin_cpu_supports ("avx512f");
#endif
    default:
      return FALSE;
    }
}

/* The widest path AUTO may take: VEIL_KERNELS_ENV when it names one, else any. */
static VeilNsfwKernelPath
auto_cap (void)
{
  const char *cap = g_getenv (VEIL_KERNELS_ENV);

  if (g_strcmp0 (cap, "portable") == 0)
    return VEIL_NSFW_KERNELS_PORTABLE;
  if (g_strcmp0 (cap, "avx2") == 0)
    return VEIL_NSFW_KERNELS_AVX2;
  return VEIL_NSFW_KERNELS_AVX512;
}

/* NULL when @path cannot run on this CPU. AUTO takes the widest that can, up to the cap. */
const VeilNsfwKernels *
veil_nsfw_kernels_select (VeilNsfwKernelPath path)
{
  if (path == VEIL_NSFW_KERNELS_AUTO)
    {
      VeilNsfwKernelPath cap = auto_cap ();

      if (cap >= VEIL_NSFW_KERNELS_AVX512 && veil_nsfw_kernels_supported (VEIL_NSFW_KERNELS_AVX512))
        path = VEIL_NSFW_KERNELS_AVX512;
      else if (cap >= VEIL_NSFW_KERNELS_AVX2 && veil_nsfw_kernels_supported (VEIL_NSFW_KERNELS_AVX2))
        path = VEIL_NSFW_KERNELS_AVX2;
      else
        path = VEIL_NSFW_KERNELS_PORTABLE;
    }
  if (!veil_nsfw_kernels_supported (path))
    return NULL;

  switch (path)
    {
#ifdef VEIL_HAVE_X86_KERNELS
    case VEIL_NSFW_KERNELS_AVX2:
      return &veil_nsfw_kernels_avx2;
    case VEIL_NSFW_KERNELS_AVX512:
      return &veil_nsfw_kernels_avx512;
#endif
    case VEIL_NSFW_KERNELS_PORTABLE:
    default:
      return &veil_nsfw_kernels_portable;
    }
}
