/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-nsfw-classifier"

#include "config.h"

#include "veil-nsfw-classifier-private.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "veil-classifier-result-private.h"
#include "veil-model-private.h"

/* VeilNsfwClassifier: Veil's own inference engine for the nsfwjs MobileNetV2.
 *
 * At construction the model's uint8 weights are dequantized exactly as TF.js does, batch
 * norm is folded into the convolutions, and 1x1 convolutions get their weights packed for
 * the GEMM micro-kernels. Everything built here is read-only afterwards, so any number of
 * threads can classify at once; each call borrows a scratch arena (activation buffers) from
 * a pool and gives it back, so nothing is allocated per inference once the pool is warm.
 * Arithmetic is float32 throughout, like the reference, so results match it to ~1e-6. */

/* Output order of the nsfwjs model. */
static const char *nsfw_class_names[] = { "drawing", "hentai", "neutral", "porn", "sexy" };

typedef enum {
  STEP_POINTWISE,
  STEP_CONV,
  STEP_DEPTHWISE,
  STEP_ADD,
  STEP_GAP,
  STEP_DENSE,
} StepKind;

#define SLOT_INPUT (-1)

typedef struct {
  const VeilModelOp *op;
  StepKind           kind;
  float             *weights;   /* owned (aligned): folded, and packed for pointwise */
  float             *bias;      /* owned: folded bias, out_c values */
  int                in_slot[2];
  int                out_slot;
} Step;

typedef struct _Arena Arena;

/* A second thread that computes half of each layer of one image (veil_nsfw_classifier_set_threads).
 * Each arena has its own, so concurrent callers never share one. The handshake spins briefly
 * (layers are tens to hundreds of microseconds apart) and then sleeps on a condition. */
typedef struct {
  VeilNsfwClassifier *self;      /* not owned; the helper is stopped before it goes */
  Arena              *arena;
  GThread            *thread;
  GMutex              lock;
  GCond               cond;
  const Step         *step;      /* the layer to share */
  gint                posted;    /* atomic: layers handed out */
  gint                finished;  /* atomic: layers the helper completed */
  gint                sleeping;  /* atomic: the helper waits on cond */
  gint                quit;      /* atomic, changed under lock (atomic too so that tools that
                                  * cannot see GMutex's futex still see the ordering) */
} Helper;

struct _Arena {
  float  *input;                 /* in_h x in_w x 3 */
  float **slots;                 /* n_slots activation buffers */
  float  *logits;
  float  *probabilities;
  Helper *helper;                /* owned, NULL until two threads are used */
};

struct _VeilNsfwClassifier
{
  GObject                parent_instance;

  VeilModel             *model;        /* owned */
  const VeilNsfwKernels *kernels;
  guint                  in_w, in_h;
  guint                  n_classes;

  Step                  *steps;        /* owned, one per model op */
  guint                  n_steps;
  gsize                 *slot_sizes;   /* owned, floats per slot */
  guint                  n_slots;

  /* Heatmap support: the GAP step and the dense chain after it. -1 when the model's head
   * is not GAP followed by dense layers. */
  int                    gap_step;

  GMutex                 arena_lock;
  GPtrArray             *free_arenas;  /* owned Arena* not in use */

  gint                   n_threads;    /* atomic: threads per image; 1 = the calling thread only */

  /* Readers are classifications; the writer drops or rebuilds the prepared weights (see
   * veil_nsfw_classifier_release_memory()). */
  GRWLock                weights_lock;
  VeilNsfwKernelPath     kernel_path;
  gboolean               released;     /* the weights were freed and must be built again */
};

static void veil_nsfw_classifier_iface_init (VeilClassifierInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VeilNsfwClassifier, veil_nsfw_classifier, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (VEIL_TYPE_CLASSIFIER, veil_nsfw_classifier_iface_init))

/* TF.js divides by 255 in float32; a table of those quotients is exact and fast. Multiplying
 * by 1/255 instead would differ by one ulp for 126 of the 256 values. */
static float byte_to_unit[256];

static void
init_byte_table (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      for (guint q = 0; q < 256; q++)
        byte_to_unit[q] = (float) q / 255.0f;
      g_once_init_leave (&done, 1);
    }
}

static float *
alloc_floats (gsize count)
{
  /* 64-byte alignment for the AVX-512 loads of packed weights. */
  float *p = g_aligned_alloc0 (MAX (count, 16), sizeof (float), 64);

  return p;
}

static void helper_stop (Helper *helper);

static void
arena_free (Arena *arena)
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

static Arena *
arena_new (VeilNsfwClassifier *self)
{
  Arena *arena = g_new0 (Arena, 1);

  arena->input = alloc_floats ((gsize) self->in_w * self->in_h * 3);
  arena->slots = g_new0 (float *, self->n_slots + 1);
  for (guint i = 0; i < self->n_slots; i++)
    arena->slots[i] = alloc_floats (self->slot_sizes[i]);
  arena->logits = g_new0 (float, self->n_classes);
  arena->probabilities = g_new0 (float, self->n_classes);

  return arena;
}

static Arena *
arena_take (VeilNsfwClassifier *self)
{
  Arena *arena = NULL;

  g_mutex_lock (&self->arena_lock);
  if (self->free_arenas->len > 0)
    arena = g_ptr_array_steal_index_fast (self->free_arenas, self->free_arenas->len - 1);
  g_mutex_unlock (&self->arena_lock);

  return arena != NULL ? arena : arena_new (self);
}

static void
arena_give_back (VeilNsfwClassifier *self,
                 Arena              *arena)
{
  g_mutex_lock (&self->arena_lock);
  g_ptr_array_add (self->free_arenas, arena);
  g_mutex_unlock (&self->arena_lock);
}

/* --- Building the engine from the model ------------------------------------------------ */

static double
tensor_d (VeilModel *model,
          int        index,
          gsize      i)
{
  return _veil_model_tensor_value (_veil_model_get_tensor (model, index), i);
}

/* Folds batch norm into the conv: scale = gamma / sqrt (var + eps), w' = w * scale,
 * b' = beta + (b - mean) * scale, in double and rounded once. */
static void
fold_batch_norm (VeilModel         *model,
                 const VeilModelOp *op,
                 double            *scale,
                 float             *bias)
{
  for (guint c = 0; c < op->out_c; c++)
    {
      double b = op->bias != VEIL_MODEL_NO_TENSOR ? tensor_d (model, op->bias, c) : 0.0;

      if (op->gamma != VEIL_MODEL_NO_TENSOR)
        {
          double s = tensor_d (model, op->gamma, c) / sqrt (tensor_d (model, op->var, c) + op->epsilon);

          scale[c] = s;
          bias[c] = (float) (tensor_d (model, op->beta, c) + (b - tensor_d (model, op->mean, c)) * s);
        }
      else
        {
          scale[c] = 1.0;
          bias[c] = (float) b;
        }
    }
}

static void
prepare_step (VeilNsfwClassifier *self,
              Step               *step)
{
  const VeilModelOp *op = step->op;
  const VeilModelTensor *kernel = _veil_model_get_tensor (self->model, op->kernel);

  switch (op->type)
    {
    case VEIL_MODEL_OP_CONV:
    case VEIL_MODEL_OP_DEPTHWISE:
      {
        g_autofree double *scale = g_new (double, op->out_c);

        step->bias = alloc_floats (op->out_c);
        fold_batch_norm (self->model, op, scale, step->bias);

        if (op->type == VEIL_MODEL_OP_CONV && op->kh == 1 && op->kw == 1 &&
            op->stride_h == 1 && op->stride_w == 1 &&
            op->pad_top == 0 && op->pad_bottom == 0 && op->pad_left == 0 && op->pad_right == 0)
          {
            guint k = op->in_c, n = op->out_c;
            guint panels = (n + VEIL_NSFW_PANEL - 1) / VEIL_NSFW_PANEL;

            step->kind = STEP_POINTWISE;
            step->weights = alloc_floats ((gsize) panels * k * VEIL_NSFW_PANEL);
            for (guint kk = 0; kk < k; kk++)
              for (guint j = 0; j < n; j++)
                step->weights[((gsize) (j / VEIL_NSFW_PANEL) * k + kk) * VEIL_NSFW_PANEL + j % VEIL_NSFW_PANEL] =
                  (float) (_veil_model_tensor_value (kernel, (gsize) kk * n + j) * scale[j]);
          }
        else
          {
            /* HWIO for the direct conv and [kh][kw][c] for depthwise: the output channel is
             * the fastest index in both, which is what the kernels vectorise over. */
            step->kind = op->type == VEIL_MODEL_OP_CONV ? STEP_CONV : STEP_DEPTHWISE;
            step->weights = alloc_floats (kernel->count);
            for (gsize i = 0; i < kernel->count; i++)
              step->weights[i] = (float) (_veil_model_tensor_value (kernel, i) * scale[i % op->out_c]);
          }
      }
      break;

    case VEIL_MODEL_OP_ADD:
      step->kind = STEP_ADD;
      break;

    case VEIL_MODEL_OP_GAP:
      step->kind = STEP_GAP;
      break;

    case VEIL_MODEL_OP_DENSE:
      step->kind = STEP_DENSE;
      step->weights = alloc_floats (kernel->count);
      for (gsize i = 0; i < kernel->count; i++)
        step->weights[i] = _veil_model_tensor_value (kernel, i);
      step->bias = alloc_floats (op->out_c);
      if (op->bias != VEIL_MODEL_NO_TENSOR)
        for (guint c = 0; c < op->out_c; c++)
          step->bias[c] = (float) tensor_d (self->model, op->bias, c);
      break;

    default:
      g_assert_not_reached ();
    }
}

/* Gives every op's output a buffer ("slot") that is reused once no later op reads it. The
 * GAP input and the dense outputs stay until the end: the heatmap needs them. */
static void
plan_slots (VeilNsfwClassifier *self)
{
  g_autofree guint *last_use = g_new0 (guint, self->n_steps);
  g_autoptr(GArray) sizes = g_array_new (FALSE, TRUE, sizeof (gsize));
  g_autoptr(GArray) busy = g_array_new (FALSE, TRUE, sizeof (gboolean));

  for (guint i = 0; i < self->n_steps; i++)
    {
      const VeilModelOp *op = self->steps[i].op;

      last_use[i] = i;
      for (guint k = 0; k < 2; k++)
        if (op->input[k] >= 0)
          last_use[op->input[k]] = MAX (last_use[op->input[k]], i);
    }
  if (self->gap_step >= 0)
    {
      int a = self->steps[self->gap_step].op->input[0];

      if (a >= 0)
        last_use[a] = self->n_steps;
      for (guint i = self->gap_step; i < self->n_steps; i++)
        last_use[i] = self->n_steps;
    }

  for (guint i = 0; i < self->n_steps; i++)
    {
      Step *step = &self->steps[i];
      const VeilModelOp *op = step->op;
      gsize need = (gsize) op->out_h * op->out_w * op->out_c;
      int best = -1;

      for (guint k = 0; k < 2; k++)
        step->in_slot[k] = op->input[k] >= 0 ? self->steps[op->input[k]].out_slot : SLOT_INPUT;

      /* Best fit among free slots: the smallest that is big enough, else the biggest. */
      for (guint s = 0; s < sizes->len; s++)
        {
          gsize have = g_array_index (sizes, gsize, s);

          if (g_array_index (busy, gboolean, s))
            continue;
          if (best < 0)
            best = s;
          else
            {
              gsize cur = g_array_index (sizes, gsize, best);
              gboolean fits = have >= need, cur_fits = cur >= need;

              if ((fits && (!cur_fits || have < cur)) || (!fits && !cur_fits && have > cur))
                best = s;
            }
        }
      if (best < 0)
        {
          gsize zero = 0;
          gboolean no = FALSE;

          g_array_append_val (sizes, zero);
          g_array_append_val (busy, no);
          best = sizes->len - 1;
        }
      g_array_index (sizes, gsize, best) = MAX (g_array_index (sizes, gsize, best), need);
      g_array_index (busy, gboolean, best) = TRUE;
      step->out_slot = best;

      /* Free what this op read last (after choosing its output, so they never alias). */
      for (guint k = 0; k < 2; k++)
        if (op->input[k] >= 0 && last_use[op->input[k]] == i)
          g_array_index (busy, gboolean, self->steps[op->input[k]].out_slot) = FALSE;
    }

  self->n_slots = sizes->len;
  self->slot_sizes = g_new (gsize, self->n_slots);
  for (guint s = 0; s < self->n_slots; s++)
    self->slot_sizes[s] = (g_array_index (sizes, gsize, s) + 15) & ~(gsize) 15;
}

/* The heatmap is exact when the head is GAP followed only by a chain of dense layers. */
static int
find_gap_step (VeilNsfwClassifier *self)
{
  int gap = -1;

  for (guint i = 0; i < self->n_steps; i++)
    if (self->steps[i].kind == STEP_GAP)
      gap = i;
  if (gap < 0)
    return -1;
  for (guint i = gap + 1; i < self->n_steps; i++)
    {
      const VeilModelOp *op = self->steps[i].op;

      if (self->steps[i].kind != STEP_DENSE || op->input[0] != (int) i - 1 ||
          (op->act != VEIL_MODEL_ACT_NONE && op->act != VEIL_MODEL_ACT_RELU && i + 1 < self->n_steps))
        return -1;
    }
  return gap;
}

static gboolean
veil_nsfw_classifier_build (VeilNsfwClassifier  *self,
                            VeilModel           *model,
                            VeilNsfwKernelPath   path,
                            GError             **error)
{
  const VeilModelOp *ops;
  guint n_ops, in_c;

  self->kernel_path = path;
  self->kernels = veil_nsfw_kernels_select (path);
  if (self->kernels == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("This processor cannot run the requested classifier kernels."));
      return FALSE;
    }

  self->model = g_object_ref (model);
  veil_model_get_input_size (model, &self->in_w, &self->in_h, &in_c);
  self->n_classes = veil_model_get_n_classes (model);
  if (self->n_classes != G_N_ELEMENTS (nsfw_class_names))
    {
      g_set_error (error, VEIL_MODEL_ERROR, VEIL_MODEL_ERROR_BAD_GRAPH,
                   _("The classifier model has %u classes; the image-safety classifier expects %u."),
                   self->n_classes, (guint) G_N_ELEMENTS (nsfw_class_names));
      return FALSE;
    }

  ops = _veil_model_get_ops (model, &n_ops);
  self->n_steps = n_ops;
  self->steps = g_new0 (Step, n_ops);
  for (guint i = 0; i < n_ops; i++)
    {
      self->steps[i].op = &ops[i];
      prepare_step (self, &self->steps[i]);
    }
  self->gap_step = find_gap_step (self);
  plan_slots (self);
  init_byte_table ();

  return TRUE;
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

  init_byte_table ();

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
slot_ptr (Arena *arena,
          int    slot)
{
  return slot == SLOT_INPUT ? arena->input : arena->slots[slot];
}

static void
run_dense (const Step  *step,
           const float *in,
           float       *out)
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

/* Runs part @part of @n_parts of a layer. Layers split by output rows (or elements), and
 * every output value is computed the same way whatever the split, so two threads give
 * bit-identical results to one. GAP and dense layers are tiny and run whole in part 0. */
static void
run_step (VeilNsfwClassifier *self,
          Arena              *arena,
          const Step         *step,
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
    case STEP_POINTWISE:
      {
        guint m = op->in_h * op->in_w;

        self->kernels->pointwise (in, PART_START (m), PART_END (m), op->in_c, step->weights,
                                  step->bias, op->out_c, op->act, out);
      }
      break;

    case STEP_CONV:
    case STEP_DEPTHWISE:
      {
        VeilNsfwConvArgs args = {
          .in = in, .in_h = op->in_h, .in_w = op->in_w, .c_in = op->in_c, .c_out = op->out_c,
          .kh = op->kh, .kw = op->kw, .stride_h = op->stride_h, .stride_w = op->stride_w,
          .pad_top = op->pad_top, .pad_left = op->pad_left,
          .weights = step->weights, .bias = step->bias, .act = op->act,
          .out = out, .out_h = op->out_h, .out_w = op->out_w,
        };

        if (step->kind == STEP_CONV)
          self->kernels->conv (&args, PART_START (op->out_h), PART_END (op->out_h));
        else
          self->kernels->depthwise (&args, PART_START (op->out_h), PART_END (op->out_h));
      }
      break;

    case STEP_ADD:
      {
        gsize count = (gsize) op->out_h * op->out_w * op->out_c;
        gsize start = count * part / n_parts, end = count * (part + 1) / n_parts;

        self->kernels->add (in + start, slot_ptr (arena, step->in_slot[1]) + start, out + start, end - start);
      }
      break;

    case STEP_GAP:
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

    case STEP_DENSE:
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
step_is_shared (const Step *step)
{
  return step->kind != STEP_GAP && step->kind != STEP_DENSE;
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
              Arena              *arena)
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
                 Arena              *arena,
                 const Step         *step)
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
                  Arena                *arena,
                  VeilClassifierResult *result)
{
  const Step *gap = &self->steps[self->gap_step];
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
      const Step *s = &self->steps[i];
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
          const Step *s = &self->steps[i];
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

static VeilClassifierResult *
classify_prepared (VeilNsfwClassifier *self,
                   const guint8       *rgb,
                   guint               width,
                   guint               height,
                   gsize               rowstride,
                   VeilClassifyFlags   flags,
                   GCancellable       *cancellable,
                   GError            **error)
{
  Arena *arena;
  VeilClassifierResult *result;
  const Step *last;

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

  result = _veil_classifier_result_new (self->n_classes, nsfw_class_names,
                                        arena->probabilities, arena->logits,
                                        veil_model_get_name (self->model),
                                        veil_model_get_version (self->model),
                                        veil_model_get_sha256 (self->model));
  if ((flags & VEIL_CLASSIFY_FLAGS_HEATMAP) != 0 && self->gap_step >= 0)
    compute_heatmaps (self, arena, result);

  arena_give_back (self, arena);
  return result;
}

/* Frees what veil_nsfw_classifier_build() prepared from the model, keeping the model. */
static void
free_prepared (VeilNsfwClassifier *self)
{
  /* Arenas first: that stops their helper threads, which read the steps. */
  g_ptr_array_set_size (self->free_arenas, 0);
  for (guint i = 0; self->steps != NULL && i < self->n_steps; i++)
    {
      g_aligned_free (self->steps[i].weights);
      g_aligned_free (self->steps[i].bias);
    }
  g_clear_pointer (&self->steps, g_free);
  g_clear_pointer (&self->slot_sizes, g_free);
  self->n_steps = 0;
  self->n_slots = 0;
  self->gap_step = -1;
}

static VeilClassifierResult *
veil_nsfw_classifier_classify_rgb (VeilClassifier     *classifier,
                                   const guint8       *rgb,
                                   guint               width,
                                   guint               height,
                                   gsize               rowstride,
                                   VeilClassifyFlags   flags,
                                   GCancellable       *cancellable,
                                   GError            **error)
{
  VeilNsfwClassifier *self = VEIL_NSFW_CLASSIFIER (classifier);
  VeilClassifierResult *result;

  g_rw_lock_reader_lock (&self->weights_lock);
  while (self->released)
    {
      /* Prepared again from the model after a release: some 15 ms, once. */
      g_rw_lock_reader_unlock (&self->weights_lock);
      g_rw_lock_writer_lock (&self->weights_lock);
      if (self->released)
        {
          g_autoptr(VeilModel) model = g_steal_pointer (&self->model);

          if (!veil_nsfw_classifier_build (self, model, self->kernel_path, error))
            {
              free_prepared (self);
              self->model = g_steal_pointer (&model);
              g_rw_lock_writer_unlock (&self->weights_lock);
              return NULL;
            }
          self->released = FALSE;
        }
      g_rw_lock_writer_unlock (&self->weights_lock);
      g_rw_lock_reader_lock (&self->weights_lock);
    }
  result = classify_prepared (self, rgb, width, height, rowstride, flags, cancellable, error);
  g_rw_lock_reader_unlock (&self->weights_lock);
  return result;
}

static void
veil_nsfw_classifier_iface_init (VeilClassifierInterface *iface)
{
  iface->classify_rgb = veil_nsfw_classifier_classify_rgb;
}

static void
veil_nsfw_classifier_dispose (GObject *object)
{
  VeilNsfwClassifier *self = VEIL_NSFW_CLASSIFIER (object);

  g_clear_object (&self->model);

  G_OBJECT_CLASS (veil_nsfw_classifier_parent_class)->dispose (object);
}

static void
veil_nsfw_classifier_finalize (GObject *object)
{
  VeilNsfwClassifier *self = VEIL_NSFW_CLASSIFIER (object);

  free_prepared (self);
  g_clear_pointer (&self->free_arenas, g_ptr_array_unref);
  g_mutex_clear (&self->arena_lock);
  g_rw_lock_clear (&self->weights_lock);

  G_OBJECT_CLASS (veil_nsfw_classifier_parent_class)->finalize (object);
}

static void
veil_nsfw_classifier_class_init (VeilNsfwClassifierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = veil_nsfw_classifier_dispose;
  object_class->finalize = veil_nsfw_classifier_finalize;
}

static void
veil_nsfw_classifier_init (VeilNsfwClassifier *self)
{
  g_mutex_init (&self->arena_lock);
  g_rw_lock_init (&self->weights_lock);
  self->free_arenas = g_ptr_array_new_with_free_func ((GDestroyNotify) arena_free);
  self->gap_step = -1;
  self->n_threads = 1;
}

VeilNsfwClassifier *
_veil_nsfw_classifier_new_with_kernels (VeilModel           *model,
                                        VeilNsfwKernelPath   path,
                                        GError             **error)
{
  g_autoptr(VeilNsfwClassifier) self = NULL;

  g_return_val_if_fail (VEIL_IS_MODEL (model), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (VEIL_TYPE_NSFW_CLASSIFIER, NULL);
  if (!veil_nsfw_classifier_build (self, model, path, error))
    return NULL;
  return g_steal_pointer (&self);
}

const char *
_veil_nsfw_classifier_get_kernels_name (VeilNsfwClassifier *self)
{
  g_return_val_if_fail (VEIL_IS_NSFW_CLASSIFIER (self), NULL);
  return self->kernels->name;
}

/**
 * veil_nsfw_classifier_new:
 * @model: a loaded #VeilModel (the nsfwjs MobileNetV2)
 * @error: return location for an error
 *
 * Prepares the inference engine for @model on the fastest kernels this CPU runs.
 *
 * Returns: (transfer full) (nullable): the classifier, or %NULL with @error set
 */
VeilNsfwClassifier *
veil_nsfw_classifier_new (VeilModel  *model,
                          GError    **error)
{
  return _veil_nsfw_classifier_new_with_kernels (model, VEIL_NSFW_KERNELS_AUTO, error);
}

/* Returns: (transfer none): the model this classifier runs */
VeilModel *
veil_nsfw_classifier_get_model (VeilNsfwClassifier *self)
{
  g_return_val_if_fail (VEIL_IS_NSFW_CLASSIFIER (self), NULL);
  return self->model;
}

guint
veil_nsfw_classifier_get_threads (VeilNsfwClassifier *self)
{
  g_return_val_if_fail (VEIL_IS_NSFW_CLASSIFIER (self), 1);
  return (guint) g_atomic_int_get (&self->n_threads);
}

/**
 * veil_nsfw_classifier_set_threads:
 * @n_threads: threads that work on one image together (1 or 2)
 *
 * Several images at once scale better by calling from several threads; this makes a single
 * image faster instead, for interactive use.
 */
void
veil_nsfw_classifier_set_threads (VeilNsfwClassifier *self,
                                  guint               n_threads)
{
  g_return_if_fail (VEIL_IS_NSFW_CLASSIFIER (self));
  g_return_if_fail (n_threads >= 1);

  g_atomic_int_set (&self->n_threads, (gint) MIN (n_threads, 2));
}

/**
 * veil_nsfw_classifier_release_memory:
 *
 * Frees the weights prepared from the model (about 10 MB) and the scratch arenas no call is
 * using, keeping only the model file's mapping; the next classification prepares them again
 * (some 15 ms), with identical results. For a background service that goes idle. Waits for
 * classifications in progress.
 */
void
veil_nsfw_classifier_release_memory (VeilNsfwClassifier *self)
{
  g_return_if_fail (VEIL_IS_NSFW_CLASSIFIER (self));

  g_rw_lock_writer_lock (&self->weights_lock);
  if (!self->released)
    {
      free_prepared (self);
      self->released = TRUE;
    }
  g_rw_lock_writer_unlock (&self->weights_lock);
}
