/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-nsfw-classifier"

#include "config.h"

#include "veil-nsfw-classifier-private.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "veil-classifier-result-private.h"
#include "veil-model-private.h"

/* Running the engine: the scratch arenas, the input preprocessing, the forward pass
 * (shared with a helper thread when asked), the softmax and the heatmaps. */

/* A second thread that computes half of each layer of one image (veil_nsfw_classifier_set_threads).
 * Each arena has its own, so concurrent callers never share one. The handshake spins briefly
 * (layers are tens to hundreds of microseconds apart) and then sleeps on a condition. */
typedef struct {
  VeilNsfwClassifier *self;      /* not owned; the helper is stopped before it goes */
  VeilNsfwArena      *arena;
  GThread            *thread;
  GMutex              lock;
  GCond               cond;
  const VeilNsfwStep *step;      /* the layer to share */
  gint                posted;    /* atomic: layers handed out */
  gint                finished;  /* atomic: layers the helper completed */
  gint                sleeping;  /* atomic: the helper waits on cond */
  gint                quit;      /* atomic, changed under lock (atomic too so that tools that
                                  * cannot see GMutex's futex still see the ordering) */
} Helper;

struct _VeilNsfwArena {
  float  *input;                 /* in_h x in_w x 3 */
  float **slots;                 /* n_slots activation buffers */
  float  *logits;
  float  *probabilities;
  Helper *helper;                /* owned, NULL until two threads are used */
};

/* TF.js divides by 255 in float32; a table of those quotients is exact and fast. Multiplying
 * by 1/255 instead would differ by one ulp for 126 of the 256 values. */
static float byte_to_unit[256];

void
_veil_nsfw_classifier_init_byte_table (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      for (guint q = 0; q < 256; q++)
        byte_to_unit[q] = (float) q / 255.0f;
      g_once_init_leave (&done, 1);
    }
}

static void helper_stop (Helper *helper);

void
_veil_nsfw_classifier_arena_free (VeilNsfwArena *arena)
{
  g_clear_pointer (&arena->helper, helper_stop);
  for (guint i = 0; arena->slots != NULL && arena->slots[i] != NULL; i++)
    g_aligned_free (arena->slots[i]);
  g_free (arena->slots);
  g_aligned_free (arena->input);
  g_free (arena->logits);
  g_free (arena->probabilities);
  g_free (arena);
}

static VeilNsfwArena *
arena_new (VeilNsfwClassifier *self)
{
  VeilNsfwArena *arena = g_new0 (VeilNsfwArena, 1);

  arena->input = _veil_nsfw_classifier_alloc_floats ((gsize) self->in_w * self->in_h * 3);
  arena->slots = g_new0 (float *, self->n_slots + 1);
  for (guint i = 0; i < self->n_slots; i++)
    arena->slots[i] = _veil_nsfw_classifier_alloc_floats (self->slot_sizes[i]);
  arena->logits = g_new0 (float, self->n_classes);
  arena->probabilities = g_new0 (float, self->n_classes);

  return arena;
}

static VeilNsfwArena *
arena_take (VeilNsfwClassifier *self)
{
  VeilNsfwArena *arena = NULL;

  g_mutex_lock (&self->arena_lock);
  if (self->free_arenas->len > 0)
    arena = g_ptr_array_steal_index_fast (self->free_arenas, self->free_arenas->len - 1);
  g_mutex_unlock (&self->arena_lock);

  return arena != NULL ? arena : arena_new (self);
}

static void
arena_give_back (VeilNsfwClassifier *self,
                 VeilNsfwArena      *arena)
{
  g_mutex_lock (&self->arena_lock);
  g_ptr_array_add (self->free_arenas, arena);
  g_mutex_unlock (&self->arena_lock);
}

/* --- Running it -------------------------------------------------------------------------- */

void
_veil_nsfw_preprocess_exact (const guint8 *rgb,
                             guint         width,
                             guint         height,
                             gsize         rowstride,
                             float        *out,
                             guint         out_width,
                             guint         out_height)
{
  double ry, rx;

  _veil_nsfw_classifier_init_byte_table ();

  if (width == out_width && height == out_height)
    {
      for (guint y = 0; y < height; y++)
        {
          const guint8 *row = rgb + y * rowstride;
          float *o = out + (gsize) y * width * 3;

          for (guint i = 0; i < width * 3; i++)
            o[i] = byte_to_unit[row[i]];
        }
      return;
    }

  /* tf.image.resizeBilinear (alignCorners = true, halfPixelCenters = false), as its cpu
   * kernel computes it: source = ratio * destination with ratio = (in - 1) / (out - 1), the
   * two lerps in double, the result rounded to float32. */
  ry = out_height > 1 ? (double) (height - 1) / (out_height - 1) : 0.0;
  rx = out_width > 1 ? (double) (width - 1) / (out_width - 1) : 0.0;

  for (guint y = 0; y < out_height; y++)
    {
      double sy = ry * y;
      guint y0 = (guint) floor (sy), y1 = MIN (height - 1, (guint) ceil (sy));
      double fy = sy - y0;

      for (guint x = 0; x < out_width; x++)
        {
          double sx = rx * x;
          guint x0 = (guint) floor (sx), x1 = MIN (width - 1, (guint) ceil (sx));
          double fx = sx - x0;

          for (guint c = 0; c < 3; c++)
            {
              double tl = byte_to_unit[rgb[y0 * rowstride + x0 * 3 + c]];
              double tr = byte_to_unit[rgb[y0 * rowstride + x1 * 3 + c]];
              double bl = byte_to_unit[rgb[y1 * rowstride + x0 * 3 + c]];
              double br = byte_to_unit[rgb[y1 * rowstride + x1 * 3 + c]];
              double top = tl + (tr - tl) * fx;
              double bottom = bl + (br - bl) * fx;

              out[((gsize) y * out_width + x) * 3 + c] = (float) (top + (bottom - top) * fy);
            }
        }
    }
}

static const float *
slot_ptr (VeilNsfwArena *arena,
          int            slot)
{
  return slot == VEIL_NSFW_SLOT_INPUT ? arena->input : arena->slots[slot];
}

static void
run_dense (const VeilNsfwStep *step,
           const float        *in,
           float              *out)
{
  const VeilModelOp *op = step->op;
  guint k = op->in_c, n = op->out_c;
  double acc[n];

  /* Dense layers are 0.1% of the work: sum in double, as TF.js's matmul nearly does. */
  for (guint j = 0; j < n; j++)
    acc[j] = step->bias[j];
  for (guint i = 0; i < k; i++)
    {
      const float *w = step->weights + (gsize) i * n;
      double v = in[i];

      for (guint j = 0; j < n; j++)
        acc[j] += v * w[j];
    }
  for (guint j = 0; j < n; j++)
    {
      double v = acc[j];

      if (op->act == VEIL_MODEL_ACT_RELU)
        v = MAX (v, 0.0);
      out[j] = (float) v;
    }
}

/* TF.js's Mul then Sub, each rounded to float32. The product goes through memory so that no
 * compiler (gnu11 allows contraction) fuses the two into one multiply-add rounded once; it
 * runs once per input value, so the store costs nothing measurable. */
static inline float
scale_shift (float x,
             float factor,
             float term)
{
  volatile float product = x * factor;

  return product - term;
}

/* Runs part @part of @n_parts of a layer. Layers split by output rows (or elements), and
 * every output value is computed the same way whatever the split, so two threads give
 * bit-identical results to one. GAP and dense layers are tiny and run whole in part 0. */
static void
run_step (VeilNsfwClassifier *self,
          VeilNsfwArena      *arena,
          const VeilNsfwStep *step,
          guint               part,
          guint               n_parts)
{
  const VeilModelOp *op = step->op;
  const float *in = slot_ptr (arena, step->in_slot[0]);
  float *out = arena->slots[step->out_slot];

#define PART_START(n) ((guint) ((guint64) (n) * part / n_parts))
#define PART_END(n)   ((guint) ((guint64) (n) * (part + 1) / n_parts))

  switch (step->kind)
    {
    case VEIL_NSFW_STEP_POINTWISE:
      {
        guint m = op->in_h * op->in_w;

        self->kernels->pointwise (in, PART_START (m), PART_END (m), op->in_c, step->weights,
                                  step->bias, op->out_c, op->act, out);
      }
      break;

    case VEIL_NSFW_STEP_CONV:
    case VEIL_NSFW_STEP_DEPTHWISE:
      {
        VeilNsfwConvArgs args = {
          .in = in, .in_h = op->in_h, .in_w = op->in_w, .c_in = op->in_c, .c_out = op->out_c,
          .kh = op->kh, .kw = op->kw, .stride_h = op->stride_h, .stride_w = op->stride_w,
          .pad_top = op->pad_top, .pad_left = op->pad_left,
          .weights = step->weights, .bias = step->bias, .act = op->act,
          .out = out, .out_h = op->out_h, .out_w = op->out_w,
        };

        if (step->kind == VEIL_NSFW_STEP_CONV)
          self->kernels->conv (&args, PART_START (op->out_h), PART_END (op->out_h));
        else
          self->kernels->depthwise (&args, PART_START (op->out_h), PART_END (op->out_h));
      }
      break;

    case VEIL_NSFW_STEP_ADD:
      {
        gsize count = (gsize) op->out_h * op->out_w * op->out_c;
        gsize start = count * part / n_parts, end = count * (part + 1) / n_parts;

        self->kernels->add (in + start, slot_ptr (arena, step->in_slot[1]) + start, out + start, end - start);
      }
      break;

    case VEIL_NSFW_STEP_SCALE_SHIFT:
      {
        gsize count = (gsize) op->out_h * op->out_w * op->out_c;
        gsize start = count * part / n_parts, end = count * (part + 1) / n_parts;

        for (gsize i = start; i < end; i++)
          out[i] = scale_shift (in[i], step->weights[0], step->bias[0]);
      }
      break;

    case VEIL_NSFW_STEP_GAP:
      if (part == 0)
        {
          guint hw = op->in_h * op->in_w;

          for (guint c = 0; c < op->out_c; c++)
            {
              double sum = 0.0;

              for (guint p = 0; p < hw; p++)
                sum += in[(gsize) p * op->in_c + c];
              out[c] = (float) (sum / hw);
            }
        }
      break;

    case VEIL_NSFW_STEP_DENSE:
      if (part == 0)
        run_dense (step, in, out);
      break;

    default:
      g_assert_not_reached ();
    }

#undef PART_START
#undef PART_END
}

static gboolean
step_is_shared (const VeilNsfwStep *step)
{
  return step->kind != VEIL_NSFW_STEP_GAP && step->kind != VEIL_NSFW_STEP_DENSE;
}

#define HELPER_SPINS 20000

static gpointer
helper_main (gpointer data)
{
  Helper *helper = data;
  gint seen = 0;

  for (;;)
    {
      guint spins = 0;

      while (g_atomic_int_get (&helper->posted) == seen)
        {
          if (++spins < HELPER_SPINS)
            continue;
          g_mutex_lock (&helper->lock);
          g_atomic_int_set (&helper->sleeping, 1);
          while (g_atomic_int_get (&helper->posted) == seen && !g_atomic_int_get (&helper->quit))
            g_cond_wait (&helper->cond, &helper->lock);
          g_atomic_int_set (&helper->sleeping, 0);
          if (g_atomic_int_get (&helper->quit))
            {
              g_mutex_unlock (&helper->lock);
              return NULL;
            }
          g_mutex_unlock (&helper->lock);
        }
      seen = g_atomic_int_get (&helper->posted);
      run_step (helper->self, helper->arena, helper->step, 1, 2);
      g_atomic_int_set (&helper->finished, seen);
    }
}

static Helper *
helper_start (VeilNsfwClassifier *self,
              VeilNsfwArena      *arena)
{
  Helper *helper = g_new0 (Helper, 1);

  helper->self = self;
  helper->arena = arena;
  g_mutex_init (&helper->lock);
  g_cond_init (&helper->cond);
  helper->thread = g_thread_new ("veil-classify", helper_main, helper);
  return helper;
}

static void
helper_stop (Helper *helper)
{
  g_mutex_lock (&helper->lock);
  g_atomic_int_set (&helper->quit, 1);
  g_cond_signal (&helper->cond);
  g_mutex_unlock (&helper->lock);
  g_thread_join (helper->thread);
  g_mutex_clear (&helper->lock);
  g_cond_clear (&helper->cond);
  g_free (helper);
}

/* Hands the other half of @step to the helper and computes this half. */
static void
run_step_shared (VeilNsfwClassifier *self,
                 VeilNsfwArena      *arena,
                 const VeilNsfwStep *step)
{
  Helper *helper = arena->helper;
  gint ticket;

  helper->step = step;
  ticket = g_atomic_int_add (&helper->posted, 1) + 1;
  if (g_atomic_int_get (&helper->sleeping))
    {
      g_mutex_lock (&helper->lock);
      g_cond_signal (&helper->cond);
      g_mutex_unlock (&helper->lock);
    }

  run_step (self, arena, step, 0, 2);

  while (g_atomic_int_get (&helper->finished) != ticket)
    g_thread_yield ();
}

/* The last dense op's output is the logits (its softmax is applied here, in double). */
static void
softmax (const float *logits,
         float       *probabilities,
         guint        n)
{
  double max = logits[0], sum = 0.0;

  for (guint i = 1; i < n; i++)
    max = MAX (max, (double) logits[i]);
  for (guint i = 0; i < n; i++)
    sum += exp ((double) logits[i] - max);
  for (guint i = 0; i < n; i++)
    probabilities[i] = (float) (exp ((double) logits[i] - max) / sum);
}

/* Class-activation maps (CLASSIFIER.md §7). With z = GAP (A) and the ReLU masks of this
 * input fixed, the head is linear: logit_c = w_eff_c · z + b_eff_c. w_eff_c comes from
 * running e_c backwards through the masked dense layers; b_eff_c from running the biases
 * forwards through them with z = 0. Then map_c (i, j) = w_eff_c · A (i, j), and the mean of
 * the map plus b_eff_c is the logit. */
static void
compute_heatmaps (VeilNsfwClassifier   *self,
                  VeilNsfwArena        *arena,
                  VeilClassifierResult *result)
{
  const VeilNsfwStep *gap = &self->steps[self->gap_step];
  const float *a = slot_ptr (arena, gap->in_slot[0]);
  guint hw = gap->op->in_h * gap->op->in_w, ch = gap->op->in_c;
  guint widest = ch;
  g_autofree double *g = NULL, *g_next = NULL, *fwd = NULL, *fwd_next = NULL;
  float *maps = g_new0 (float, (gsize) self->n_classes * hw);
  double *bias = g_new0 (double, self->n_classes);

  for (guint i = self->gap_step + 1; i < self->n_steps; i++)
    widest = MAX (widest, self->steps[i].op->out_c);
  g = g_new0 (double, widest);
  g_next = g_new0 (double, widest);
  fwd = g_new0 (double, widest);
  fwd_next = g_new0 (double, widest);

  /* Effective biases: forward from z = 0. */
  for (guint i = self->gap_step + 1; i < self->n_steps; i++)
    {
      const VeilNsfwStep *s = &self->steps[i];
      const float *y = arena->slots[s->out_slot];
      guint k = s->op->in_c, n = s->op->out_c;

      for (guint j = 0; j < n; j++)
        fwd_next[j] = s->bias[j];
      for (guint kk = 0; kk < k; kk++)
        for (guint j = 0; j < n; j++)
          fwd_next[j] += fwd[kk] * s->weights[(gsize) kk * n + j];
      if (s->op->act == VEIL_MODEL_ACT_RELU)
        for (guint j = 0; j < n; j++)
          if (!(y[j] > 0.0f))
            fwd_next[j] = 0.0;
      memcpy (fwd, fwd_next, n * sizeof (double));
    }
  memcpy (bias, fwd, self->n_classes * sizeof (double));

  for (guint c = 0; c < self->n_classes; c++)
    {
      memset (g, 0, widest * sizeof (double));
      g[c] = 1.0;
      for (guint i = self->n_steps - 1; i > (guint) self->gap_step; i--)
        {
          const VeilNsfwStep *s = &self->steps[i];
          const float *y = arena->slots[s->out_slot];
          guint k = s->op->in_c, n = s->op->out_c;

          if (s->op->act == VEIL_MODEL_ACT_RELU)
            for (guint j = 0; j < n; j++)
              if (!(y[j] > 0.0f))
                g[j] = 0.0;
          for (guint kk = 0; kk < k; kk++)
            {
              const float *w = s->weights + (gsize) kk * n;
              double sum = 0.0;

              for (guint j = 0; j < n; j++)
                sum += w[j] * g[j];
              g_next[kk] = sum;
            }
          memcpy (g, g_next, k * sizeof (double));
        }

      for (guint p = 0; p < hw; p++)
        {
          const float *px = a + (gsize) p * ch;
          double sum = 0.0;

          for (guint k = 0; k < ch; k++)
            sum += px[k] * g[k];
          maps[(gsize) c * hw + p] = (float) sum;
        }
    }

  _veil_classifier_result_take_heatmaps (result, maps, bias, gap->op->in_w, gap->op->in_h);
}

VeilClassifierResult *
_veil_nsfw_classifier_classify_prepared (VeilNsfwClassifier  *self,
                                         const guint8        *rgb,
                                         guint                width,
                                         guint                height,
                                         gsize                rowstride,
                                         VeilClassifyFlags    flags,
                                         GCancellable        *cancellable,
                                         GError             **error)
{
  VeilNsfwArena *arena;
  VeilClassifierResult *result;
  const VeilNsfwStep *last;

  /* Only read, never copied: the bound just keeps the index arithmetic far from overflow. */
  if ((guint64) width * height > (G_GUINT64_CONSTANT (1) << 30))
    {
      g_set_error (error, VEIL_CLASSIFIER_ERROR, VEIL_CLASSIFIER_ERROR_INVALID_INPUT,
                   _("A %u × %u image is too large to classify directly; load it with VeilImage."),
                   width, height);
      return NULL;
    }

  arena = arena_take (self);
  if (g_atomic_int_get (&self->n_threads) > 1 && arena->helper == NULL)
    arena->helper = helper_start (self, arena);
  else if (g_atomic_int_get (&self->n_threads) == 1)
    g_clear_pointer (&arena->helper, helper_stop);
  _veil_nsfw_preprocess_exact (rgb, width, height, rowstride, arena->input, self->in_w, self->in_h);

  for (guint i = 0; i < self->n_steps; i++)
    {
      /* Cancellation is checked between layers; one layer takes well under a millisecond. */
      if ((i & 15) == 15 && g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          arena_give_back (self, arena);
          return NULL;
        }
      if (arena->helper != NULL && step_is_shared (&self->steps[i]))
        run_step_shared (self, arena, &self->steps[i]);
      else
        run_step (self, arena, &self->steps[i], 0, 1);
    }

  last = &self->steps[self->n_steps - 1];
  memcpy (arena->logits, arena->slots[last->out_slot], self->n_classes * sizeof (float));
  softmax (arena->logits, arena->probabilities, self->n_classes);

  result = _veil_classifier_result_new (self->n_classes, _veil_nsfw_classifier_class_names,
                                        arena->probabilities, arena->logits,
                                        veil_model_get_name (self->model),
                                        veil_model_get_version (self->model),
                                        veil_model_get_sha256 (self->model));
  if ((flags & VEIL_CLASSIFY_FLAGS_HEATMAP) != 0 && self->gap_step >= 0)
    compute_heatmaps (self, arena, result);

  arena_give_back (self, arena);
  return result;
}
