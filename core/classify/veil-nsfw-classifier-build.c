/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-nsfw-classifier"

#include "config.h"

#include "veil-nsfw-classifier-private.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "veil-model-private.h"

/* Building the engine from the model: the weights dequantized, batch norm folded in,
 * 1x1 convolutions packed for the GEMM micro-kernels, and a buffer planned for each
 * layer's output. */

float *
_veil_nsfw_classifier_alloc_floats (gsize count)
{
  /* 64-byte alignment for the AVX-512 loads of packed weights. */
  float *p = g_aligned_alloc0 (MAX (count, 16), sizeof (float), 64);

  return p;
}

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
              VeilNsfwStep       *step)
{
  const VeilModelOp *op = step->op;
  const VeilModelTensor *kernel = _veil_model_get_tensor (self->model, op->kernel);

  switch (op->type)
    {
    case VEIL_MODEL_OP_CONV:
    case VEIL_MODEL_OP_DEPTHWISE:
      {
        g_autofree double *scale = g_new (double, op->out_c);

        step->bias = _veil_nsfw_classifier_alloc_floats (op->out_c);
        fold_batch_norm (self->model, op, scale, step->bias);

        if (op->type == VEIL_MODEL_OP_CONV && op->kh == 1 && op->kw == 1 &&
            op->stride_h == 1 && op->stride_w == 1 &&
            op->pad_top == 0 && op->pad_bottom == 0 && op->pad_left == 0 && op->pad_right == 0)
          {
            guint k = op->in_c, n = op->out_c;
            guint panels = (n + VEIL_NSFW_PANEL - 1) / VEIL_NSFW_PANEL;

            step->kind = VEIL_NSFW_STEP_POINTWISE;
            step->weights = _veil_nsfw_classifier_alloc_floats ((gsize) panels * k * VEIL_NSFW_PANEL);
            for (guint kk = 0; kk < k; kk++)
              for (guint j = 0; j < n; j++)
                step->weights[((gsize) (j / VEIL_NSFW_PANEL) * k + kk) * VEIL_NSFW_PANEL + j % VEIL_NSFW_PANEL] =
                  (float) (_veil_model_tensor_value (kernel, (gsize) kk * n + j) * scale[j]);
          }
        else
          {
            /* HWIO for the direct conv and [kh][kw][c] for depthwise: the output channel is
             * the fastest index in both, which is what the kernels vectorise over. */
            step->kind = op->type == VEIL_MODEL_OP_CONV ? VEIL_NSFW_STEP_CONV : VEIL_NSFW_STEP_DEPTHWISE;
            step->weights = _veil_nsfw_classifier_alloc_floats (kernel->count);
            for (gsize i = 0; i < kernel->count; i++)
              step->weights[i] = (float) (_veil_model_tensor_value (kernel, i) * scale[i % op->out_c]);
          }
      }
      break;

    case VEIL_MODEL_OP_ADD:
      step->kind = VEIL_NSFW_STEP_ADD;
      break;

    case VEIL_MODEL_OP_SCALE_SHIFT:
      /* Multiplying by 1 and subtracting 0 are exact, so a missing factor or term is those. */
      step->kind = VEIL_NSFW_STEP_SCALE_SHIFT;
      step->weights = _veil_nsfw_classifier_alloc_floats (1);
      step->bias = _veil_nsfw_classifier_alloc_floats (1);
      step->weights[0] = op->kernel != VEIL_MODEL_NO_TENSOR ? _veil_model_tensor_value (kernel, 0) : 1.0f;
      step->bias[0] = op->bias != VEIL_MODEL_NO_TENSOR ?
                      _veil_model_tensor_value (_veil_model_get_tensor (self->model, op->bias), 0) : 0.0f;
      break;

    case VEIL_MODEL_OP_GAP:
      step->kind = VEIL_NSFW_STEP_GAP;
      break;

    case VEIL_MODEL_OP_DENSE:
      step->kind = VEIL_NSFW_STEP_DENSE;
      step->weights = _veil_nsfw_classifier_alloc_floats (kernel->count);
      for (gsize i = 0; i < kernel->count; i++)
        step->weights[i] = _veil_model_tensor_value (kernel, i);
      step->bias = _veil_nsfw_classifier_alloc_floats (op->out_c);
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
      VeilNsfwStep *step = &self->steps[i];
      const VeilModelOp *op = step->op;
      gsize need = (gsize) op->out_h * op->out_w * op->out_c;
      int best = -1;

      for (guint k = 0; k < 2; k++)
        step->in_slot[k] = op->input[k] >= 0 ? self->steps[op->input[k]].out_slot : VEIL_NSFW_SLOT_INPUT;

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
    if (self->steps[i].kind == VEIL_NSFW_STEP_GAP)
      gap = i;
  if (gap < 0)
    return -1;
  for (guint i = gap + 1; i < self->n_steps; i++)
    {
      const VeilModelOp *op = self->steps[i].op;

      if (self->steps[i].kind != VEIL_NSFW_STEP_DENSE || op->input[0] != (int) i - 1 ||
          (op->act != VEIL_MODEL_ACT_NONE && op->act != VEIL_MODEL_ACT_RELU && i + 1 < self->n_steps))
        return -1;
    }
  return gap;
}

gboolean
_veil_nsfw_classifier_build (VeilNsfwClassifier  *self,
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
  if (self->n_classes != G_N_ELEMENTS (_veil_nsfw_classifier_class_names))
    {
      g_set_error (error, VEIL_MODEL_ERROR, VEIL_MODEL_ERROR_BAD_GRAPH,
                   _("The classifier model has %u classes; the image-safety classifier expects %u."),
                   self->n_classes, (guint) G_N_ELEMENTS (_veil_nsfw_classifier_class_names));
      return FALSE;
    }

  ops = _veil_model_get_ops (model, &n_ops);
  self->n_steps = n_ops;
  self->steps = g_new0 (VeilNsfwStep, n_ops);
  for (guint i = 0; i < n_ops; i++)
    {
      self->steps[i].op = &ops[i];
      prepare_step (self, &self->steps[i]);
    }
  self->gap_step = find_gap_step (self);
  plan_slots (self);
  _veil_nsfw_classifier_init_byte_table ();

  return TRUE;
}

/* Frees what _veil_nsfw_classifier_build() prepared from the model, keeping the model. */
void
_veil_nsfw_classifier_free_prepared (VeilNsfwClassifier *self)
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
