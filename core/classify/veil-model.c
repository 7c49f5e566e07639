/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-model"

#include "config.h"

#include "veil-model-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>

/* The model file is written by tools/veil-convert-model.py at build time. It is untrusted input
 * all the same (a damaged install, a swapped file): every field is checked before it is used,
 * and nothing is read through an offset that was not bounds-checked first. */

#define MODEL_MAGIC          "VEILMODL"
#define MODEL_FORMAT_VERSION 1
#define HEADER_SIZE          160
#define TENSOR_ENTRY_SIZE    120
#define OP_ENTRY_SIZE        84

struct _VeilModel
{
  GObject          parent_instance;

  GBytes          *bytes;          /* owned: the whole file, mapped or in memory */
  char             name[33];
  char             version[17];
  char             sha256[65];     /* hex of the payload digest */
  guint            in_h, in_w, in_c;
  guint            n_classes;
  VeilModelKind    kind;

  VeilModelTensor *tensors;        /* owned array, points into bytes */
  guint            n_tensors;
  VeilModelOp     *ops;            /* owned array */
  guint            n_ops;
};

G_DEFINE_FINAL_TYPE (VeilModel, veil_model, G_TYPE_OBJECT)
G_DEFINE_QUARK (veil-model-error-quark, veil_model_error)

static guint32
read_u32 (const guint8 *p)
{
  guint32 v;

  memcpy (&v, p, sizeof v);
  return GUINT32_FROM_LE (v);
}

static gint32
read_i32 (const guint8 *p)
{
  return (gint32) read_u32 (p);
}

static guint64
read_u64 (const guint8 *p)
{
  guint64 v;

  memcpy (&v, p, sizeof v);
  return GUINT64_FROM_LE (v);
}

static double
read_f64 (const guint8 *p)
{
  guint64 bits = read_u64 (p);
  double v;

  memcpy (&v, &bits, sizeof v);
  return v;
}

/* A fixed-size, NUL-padded text field: it must end inside the field and be UTF-8. */
static gboolean
read_text (const guint8 *p,
           gsize         field_size,
           char         *out)
{
  const guint8 *nul = memchr (p, '\0', field_size);

  if (nul == NULL || nul == p)
    return FALSE;
  memcpy (out, p, nul - p + 1);
  return g_utf8_validate (out, -1, NULL);
}

static gboolean
set_layout_error (GError     **error,
                  const char  *what)
{
  g_set_error (error, VEIL_MODEL_ERROR, VEIL_MODEL_ERROR_BAD_LAYOUT,
               /* Translators: %s names the part of the file, e.g. "op table" */
               _("The classifier model file is damaged (%s out of bounds). Reinstall Veil to repair it."),
               what);
  return FALSE;
}

/* Checks that [offset, offset + count * entry) lies inside a file of @size bytes without
 * overflowing: count is capped first, so the product fits easily in 64 bits. */
static gboolean
range_ok (guint64 offset,
          guint64 count,
          guint64 entry,
          guint64 size)
{
  return offset <= size && count <= G_MAXUINT32 && entry <= G_MAXUINT32 &&
         count * entry <= size - offset;
}

static gboolean
tensor_has_shape (VeilModel *self,
                  int        index,
                  guint      rank,
                  const guint *dims)
{
  const VeilModelTensor *t;

  if (index < 0 || (guint) index >= self->n_tensors)
    return FALSE;
  t = &self->tensors[index];
  if (t->rank != rank)
    return FALSE;
  for (guint i = 0; i < rank; i++)
    if (t->dims[i] != dims[i])
      return FALSE;
  return TRUE;
}

static gboolean
graph_error (GError     **error,
             guint        op,
             const char  *what)
{
  g_set_error (error, VEIL_MODEL_ERROR, VEIL_MODEL_ERROR_BAD_GRAPH,
               /* Translators: %u is an op number, %s says what is wrong with it */
               _("The classifier model file is not usable: op %u %s. Reinstall Veil to repair it."),
               op, what);
  return FALSE;
}

static gboolean
parse_tensors (VeilModel     *self,
               const guint8  *table,
               const guint8  *weights,
               guint64        weights_size,
               GError       **error)
{
  self->tensors = g_new0 (VeilModelTensor, self->n_tensors);

  for (guint i = 0; i < self->n_tensors; i++)
    {
      const guint8 *e = table + (gsize) i * TENSOR_ENTRY_SIZE;
      VeilModelTensor *t = &self->tensors[i];
      guint64 count = 1, offset, length;

      if (!read_text (e, 64, t->name))
        goto bad;
      t->rank = read_u32 (e + 64);
      if (t->rank < 1 || t->rank > 4)
        goto bad;
      for (guint d = 0; d < 4; d++)
        {
          guint32 dim = read_u32 (e + 68 + 4 * d);

          if (d < t->rank)
            {
              if (dim < 1 || dim > VEIL_MODEL_MAX_CHANNELS)
                goto bad;
              count *= dim;   /* at most 8192^4 = 2^52: no overflow */
            }
          else if (dim != 0)
            goto bad;
          t->dims[d] = d < t->rank ? dim : 0;
        }
      t->scale = read_f64 (e + 88);
      t->min = read_f64 (e + 96);
      offset = read_u64 (e + 104);
      length = read_u64 (e + 112);
      if (!isfinite (t->scale) || !isfinite (t->min) || t->scale < 0 ||
          fabs (t->min) > 1e6 || fabs (t->min + 255.0 * t->scale) > 1e6)
        goto bad;
      if (length != count || count > VEIL_MODEL_MAX_VALUES)
        goto bad;
      if (!range_ok (offset, length, 1, weights_size))
        return set_layout_error (error, _("weight tensor"));
      t->count = count;
      t->data = weights + offset;
      continue;

    bad:
      g_set_error (error, VEIL_MODEL_ERROR, VEIL_MODEL_ERROR_BAD_TENSOR,
                   _("The classifier model file is damaged (weight tensor %u is invalid). Reinstall Veil to repair it."),
                   i);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_bn (VeilModel   *self,
          VeilModelOp *op)
{
  int *bn[] = { &op->gamma, &op->beta, &op->mean, &op->var };
  guint dims[1] = { op->out_c };
  guint present = 0;

  for (guint i = 0; i < G_N_ELEMENTS (bn); i++)
    {
      if (*bn[i] == VEIL_MODEL_NO_TENSOR)
        continue;
      if (!tensor_has_shape (self, *bn[i], 1, dims))
        return FALSE;
      present++;
    }
  if (present == 0)
    return TRUE;
  return present == G_N_ELEMENTS (bn) && isfinite (op->epsilon) && op->epsilon > 0 && op->epsilon < 1;
}

/* The fields of one op-table entry; type and activation are checked by the caller. */
static void
read_op_entry (const guint8 *e,
               VeilModelOp  *op)
{
  op->input[0] = read_i32 (e + 8);
  op->input[1] = read_i32 (e + 12);
  op->kh = read_u32 (e + 16);
  op->kw = read_u32 (e + 20);
  op->stride_h = read_u32 (e + 24);
  op->stride_w = read_u32 (e + 28);
  op->pad_top = read_u32 (e + 32);
  op->pad_bottom = read_u32 (e + 36);
  op->pad_left = read_u32 (e + 40);
  op->pad_right = read_u32 (e + 44);
  op->out_c = read_u32 (e + 48);
  op->kernel = read_i32 (e + 52);
  op->bias = read_i32 (e + 56);
  op->gamma = read_i32 (e + 60);
  op->beta = read_i32 (e + 64);
  op->mean = read_i32 (e + 68);
  op->var = read_i32 (e + 72);
  op->epsilon = read_f64 (e + 76);
}

/* Checks op @i's inputs and takes its input size from the first one. */
static gboolean
check_op_inputs (VeilModel    *self,
                 guint         i,
                 VeilModelOp  *op,
                 GError      **error)
{
  /* Inputs come from earlier ops only, so the list is already in execution order. */
  for (guint k = 0; k < 2; k++)
    {
      gboolean wanted = k == 0 || op->type == VEIL_MODEL_OP_ADD;

      if (!wanted)
        {
          if (op->input[k] != VEIL_MODEL_NO_INPUT)
            return graph_error (error, i, _("has an input it cannot use"));
          continue;
        }
      if (op->input[k] < VEIL_MODEL_INPUT || op->input[k] >= (int) i)
        return graph_error (error, i, _("reads an op that does not come before it"));
    }

  if (op->input[0] == VEIL_MODEL_INPUT)
    {
      op->in_h = self->in_h;
      op->in_w = self->in_w;
      op->in_c = self->in_c;
    }
  else
    {
      const VeilModelOp *src = &self->ops[op->input[0]];

      op->in_h = src->out_h;
      op->in_w = src->out_w;
      op->in_c = src->out_c;
    }

  return TRUE;
}

/* Convolutions, plain and depthwise. */
static gboolean
check_conv (VeilModel    *self,
            guint         i,
            VeilModelOp  *op,
            GError      **error)
{
  guint kdims[4] = { op->kh, op->kw, op->in_c, op->out_c };
  guint bdims[1] = { op->out_c };
  guint span_h, span_w;

  if (op->kh < 1 || op->kh > VEIL_MODEL_MAX_KERNEL || op->kw < 1 || op->kw > VEIL_MODEL_MAX_KERNEL ||
      op->stride_h < 1 || op->stride_h > 4 || op->stride_w < 1 || op->stride_w > 4 ||
      op->pad_top >= op->kh || op->pad_bottom >= op->kh ||
      op->pad_left >= op->kw || op->pad_right >= op->kw)
    return graph_error (error, i, _("has an unsupported kernel, stride or padding"));
  if (op->type == VEIL_MODEL_OP_DEPTHWISE)
    {
      if (op->out_c != op->in_c)
        return graph_error (error, i, _("changes the channel count in a depthwise convolution"));
      kdims[3] = 1;
    }
  if (!tensor_has_shape (self, op->kernel, 4, kdims))
    return graph_error (error, i, _("has a kernel whose shape does not match"));
  if (op->bias != VEIL_MODEL_NO_TENSOR && !tensor_has_shape (self, op->bias, 1, bdims))
    return graph_error (error, i, _("has a bias whose shape does not match"));
  if (!check_bn (self, op))
    return graph_error (error, i, _("has an inconsistent batch normalisation"));
  span_h = op->in_h + op->pad_top + op->pad_bottom;
  span_w = op->in_w + op->pad_left + op->pad_right;
  if (span_h < op->kh || span_w < op->kw)
    return graph_error (error, i, _("has a kernel larger than its input"));
  op->out_h = (span_h - op->kh) / op->stride_h + 1;
  op->out_w = (span_w - op->kw) / op->stride_w + 1;
  return TRUE;
}

static gboolean
check_add (VeilModel    *self,
           guint         i,
           VeilModelOp  *op,
           GError      **error)
{
  const VeilModelOp *b = op->input[1] == VEIL_MODEL_INPUT ? NULL : &self->ops[op->input[1]];
  guint bh = b ? b->out_h : self->in_h, bw = b ? b->out_w : self->in_w, bc = b ? b->out_c : self->in_c;

  if (bh != op->in_h || bw != op->in_w || bc != op->in_c || op->out_c != op->in_c)
    return graph_error (error, i, _("adds maps whose shapes differ"));
  if (op->act != VEIL_MODEL_ACT_NONE || op->kernel != VEIL_MODEL_NO_TENSOR ||
      op->bias != VEIL_MODEL_NO_TENSOR || op->gamma != VEIL_MODEL_NO_TENSOR)
    return graph_error (error, i, _("is an addition with weights"));
  op->out_h = op->in_h;
  op->out_w = op->in_w;
  return TRUE;
}

/* Global average pooling. */
static gboolean
check_gap (VeilModel    *self,
           guint         i,
           VeilModelOp  *op,
           GError      **error)
{
  if (op->kh != op->in_h || op->kw != op->in_w || op->out_c != op->in_c ||
      op->act != VEIL_MODEL_ACT_NONE || op->kernel != VEIL_MODEL_NO_TENSOR ||
      op->bias != VEIL_MODEL_NO_TENSOR || op->gamma != VEIL_MODEL_NO_TENSOR)
    return graph_error (error, i, _("is a pooling that does not cover its whole input"));
  op->out_h = op->out_w = 1;
  return TRUE;
}

static gboolean
check_dense (VeilModel    *self,
             guint         i,
             VeilModelOp  *op,
             GError      **error)
{
  guint kdims[2] = { op->in_c, op->out_c };
  guint bdims[1] = { op->out_c };

  if (op->in_h != 1 || op->in_w != 1)
    return graph_error (error, i, _("is a dense layer on a spatial map"));
  if (!tensor_has_shape (self, op->kernel, 2, kdims))
    return graph_error (error, i, _("has a kernel whose shape does not match"));
  if (op->bias != VEIL_MODEL_NO_TENSOR && !tensor_has_shape (self, op->bias, 1, bdims))
    return graph_error (error, i, _("has a bias whose shape does not match"));
  if (op->gamma != VEIL_MODEL_NO_TENSOR || op->beta != VEIL_MODEL_NO_TENSOR ||
      op->mean != VEIL_MODEL_NO_TENSOR || op->var != VEIL_MODEL_NO_TENSOR)
    return graph_error (error, i, _("is a dense layer with batch normalisation"));
  op->out_h = op->out_w = 1;
  return TRUE;
}

/* The input scaling of graph models (x * 2 - 1): scalar tensors only, nothing else. */
static gboolean
check_scale_shift (VeilModel    *self,
                   guint         i,
                   VeilModelOp  *op,
                   GError      **error)
{
  guint sdims[1] = { 1 };

  if ((op->kernel != VEIL_MODEL_NO_TENSOR && !tensor_has_shape (self, op->kernel, 1, sdims)) ||
      (op->bias != VEIL_MODEL_NO_TENSOR && !tensor_has_shape (self, op->bias, 1, sdims)))
    return graph_error (error, i, _("has a kernel whose shape does not match"));
  if (op->out_c != op->in_c)
    return graph_error (error, i, _("has an impossible channel count"));
  if (op->act != VEIL_MODEL_ACT_NONE)
    return graph_error (error, i, _("has an unknown activation"));
  if (op->gamma != VEIL_MODEL_NO_TENSOR || op->beta != VEIL_MODEL_NO_TENSOR ||
      op->mean != VEIL_MODEL_NO_TENSOR || op->var != VEIL_MODEL_NO_TENSOR)
    return graph_error (error, i, _("has an inconsistent batch normalisation"));
  op->out_h = op->in_h;
  op->out_w = op->in_w;
  return TRUE;
}

/* Each kind's own checks; they also set the op's output size. */
typedef gboolean (*OpCheck) (VeilModel    *self,
                             guint         i,
                             VeilModelOp  *op,
                             GError      **error);

static const OpCheck op_checks[] = {
  [VEIL_MODEL_OP_CONV] = check_conv,
  [VEIL_MODEL_OP_DEPTHWISE] = check_conv,
  [VEIL_MODEL_OP_ADD] = check_add,
  [VEIL_MODEL_OP_GAP] = check_gap,
  [VEIL_MODEL_OP_DENSE] = check_dense,
  [VEIL_MODEL_OP_SCALE_SHIFT] = check_scale_shift,
};

static gboolean
parse_op (VeilModel     *self,
          const guint8  *e,
          guint          i,
          GError       **error)
{
  VeilModelOp *op = &self->ops[i];
  guint32 type = read_u32 (e), act = read_u32 (e + 4);
  guint64 values;

  read_op_entry (e, op);
  if (type < VEIL_MODEL_OP_CONV || type > VEIL_MODEL_OP_SCALE_SHIFT)
    return graph_error (error, i, _("has an unknown type"));
  op->type = type;
  if (act > VEIL_MODEL_ACT_SOFTMAX)
    return graph_error (error, i, _("has an unknown activation"));
  op->act = act;

  if (!check_op_inputs (self, i, op, error))
    return FALSE;
  if (op->out_c < 1 || op->out_c > VEIL_MODEL_MAX_CHANNELS)
    return graph_error (error, i, _("has an impossible channel count"));
  if (op->act == VEIL_MODEL_ACT_SOFTMAX && (type != VEIL_MODEL_OP_DENSE || i != self->n_ops - 1))
    return graph_error (error, i, _("uses softmax anywhere but at the end"));

  g_assert (op->type < G_N_ELEMENTS (op_checks) && op_checks[op->type] != NULL);
  if (!op_checks[op->type] (self, i, op, error))
    return FALSE;

  if (op->out_h < 1 || op->out_w < 1 || op->out_h > VEIL_MODEL_MAX_DIM || op->out_w > VEIL_MODEL_MAX_DIM)
    return graph_error (error, i, _("has an impossible output size"));
  values = (guint64) op->out_h * op->out_w * op->out_c;
  if (values > VEIL_MODEL_MAX_VALUES)
    return graph_error (error, i, _("has an output too large to compute"));

  return TRUE;
}

static gboolean
parse_ops (VeilModel     *self,
           const guint8  *table,
           GError       **error)
{
  const VeilModelOp *last;

  self->ops = g_new0 (VeilModelOp, self->n_ops);

  for (guint i = 0; i < self->n_ops; i++)
    if (!parse_op (self, table + (gsize) i * OP_ENTRY_SIZE, i, error))
      return FALSE;

  last = &self->ops[self->n_ops - 1];
  if (last->type != VEIL_MODEL_OP_DENSE || last->act != VEIL_MODEL_ACT_SOFTMAX ||
      last->out_c != self->n_classes)
    return graph_error (error, self->n_ops - 1, _("does not produce the class probabilities"));

  return TRUE;
}

/* The names tools/veil-convert-model.py writes for the models Veil knows. */
static const struct {
  VeilModelKind  kind;
  const char    *name;
  const char    *env;        /* overrides the installed path (tests, the uninstalled build) */
  const char    *file;       /* under $datadir/veil/models */
} known_models[] = {
  { VEIL_MODEL_KIND_MOBILENET_V2, "nsfwjs-mobilenet_v2", "VEIL_MODEL_PATH", "veil-nsfw.vmodel" },
  { VEIL_MODEL_KIND_MOBILENET_V2_MID, "nsfwjs-mobilenet_v2_mid", "VEIL_MID_MODEL_PATH", "veil-nsfw-mid.vmodel" },
};

static VeilModelKind
kind_from_name (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (known_models); i++)
    if (g_str_equal (name, known_models[i].name))
      return known_models[i].kind;
  return VEIL_MODEL_KIND_OTHER;
}

static gboolean
veil_model_parse (VeilModel  *self,
                  gboolean    verify_digest,
                  GError    **error)
{
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (self->bytes, &size);
  guint64 tensor_off, op_off, weights_off, weights_size, payload_size;
  const guint8 *digest;

  if (size < HEADER_SIZE)
    {
      g_set_error (error, VEIL_MODEL_ERROR, VEIL_MODEL_ERROR_TRUNCATED,
                   _("The classifier model file is incomplete (%lu bytes). Reinstall Veil to repair it."),
                   (gulong) size);
      return FALSE;
    }
  if (memcmp (data, MODEL_MAGIC, 8) != 0)
    {
      g_set_error_literal (error, VEIL_MODEL_ERROR, VEIL_MODEL_ERROR_BAD_MAGIC,
                           _("This is not a Veil classifier model file."));
      return FALSE;
    }
  if (read_u32 (data + 8) != MODEL_FORMAT_VERSION)
    {
      g_set_error (error, VEIL_MODEL_ERROR, VEIL_MODEL_ERROR_UNSUPPORTED_VERSION,
                   _("The classifier model file has format version %u; this Veil reads version %u. Install the model that came with this version of Veil."),
                   read_u32 (data + 8), MODEL_FORMAT_VERSION);
      return FALSE;
    }
  if (read_u32 (data + 12) != HEADER_SIZE)
    return set_layout_error (error, _("header"));

  payload_size = read_u64 (data + 72);
  if (payload_size > size - HEADER_SIZE)
    {
      g_set_error_literal (error, VEIL_MODEL_ERROR, VEIL_MODEL_ERROR_TRUNCATED,
                           _("The classifier model file is incomplete. Reinstall Veil to repair it."));
      return FALSE;
    }
  if (payload_size != size - HEADER_SIZE)
    return set_layout_error (error, _("payload size"));

  digest = data + 128;
  {
    g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
    guint8 computed[32];
    gsize len = sizeof computed;

    g_checksum_update (checksum, data + HEADER_SIZE, payload_size);
    g_checksum_get_digest (checksum, computed, &len);
    if (verify_digest && memcmp (computed, digest, sizeof computed) != 0)
      {
        g_set_error_literal (error, VEIL_MODEL_ERROR, VEIL_MODEL_ERROR_CHECKSUM,
                             _("The classifier model file is damaged (its checksum does not match). Reinstall Veil to repair it."));
        return FALSE;
      }
    for (guint i = 0; i < 32; i++)
      g_snprintf (self->sha256 + 2 * i, 3, "%02x", digest[i]);
  }

  if (!read_text (data + 80, 32, self->name) || !read_text (data + 112, 16, self->version))
    return set_layout_error (error, _("model name"));
  self->kind = kind_from_name (self->name);

  self->n_tensors = read_u32 (data + 16);
  self->n_ops = read_u32 (data + 20);
  self->in_h = read_u32 (data + 24);
  self->in_w = read_u32 (data + 28);
  self->in_c = read_u32 (data + 32);
  self->n_classes = read_u32 (data + 36);
  if (self->n_tensors < 1 || self->n_tensors > VEIL_MODEL_MAX_TENSORS ||
      self->n_ops < 1 || self->n_ops > VEIL_MODEL_MAX_OPS)
    return set_layout_error (error, _("table size"));
  if (self->in_h < 1 || self->in_h > VEIL_MODEL_MAX_DIM || self->in_w < 1 ||
      self->in_w > VEIL_MODEL_MAX_DIM || self->in_c != 3 ||
      self->n_classes < 2 || self->n_classes > VEIL_MODEL_MAX_CLASSES)
    return graph_error (error, 0, _("expects an input or output Veil cannot give it"));

  tensor_off = read_u64 (data + 40);
  op_off = read_u64 (data + 48);
  weights_off = read_u64 (data + 56);
  weights_size = read_u64 (data + 64);
  if (tensor_off < HEADER_SIZE || !range_ok (tensor_off, self->n_tensors, TENSOR_ENTRY_SIZE, size))
    return set_layout_error (error, _("tensor table"));
  if (op_off < HEADER_SIZE || !range_ok (op_off, self->n_ops, OP_ENTRY_SIZE, size))
    return set_layout_error (error, _("op table"));
  if (weights_off < HEADER_SIZE || !range_ok (weights_off, weights_size, 1, size))
    return set_layout_error (error, _("weights"));
  /* The three regions come in order and do not overlap, so no table can be read as weights
   * or as another table. All terms were bounded by the file size above. */
  if (tensor_off + (guint64) self->n_tensors * TENSOR_ENTRY_SIZE > op_off ||
      op_off + (guint64) self->n_ops * OP_ENTRY_SIZE > weights_off)
    return set_layout_error (error, _("table layout"));

  if (!parse_tensors (self, data + tensor_off, data + weights_off, weights_size, error))
    return FALSE;
  return parse_ops (self, data + op_off, error);
}

static VeilModel *
veil_model_new_internal (GBytes    *bytes,
                         gboolean   verify_digest,
                         GError   **error)
{
  g_autoptr(VeilModel) self = g_object_new (VEIL_TYPE_MODEL, NULL);

  self->bytes = g_bytes_ref (bytes);
  if (!veil_model_parse (self, verify_digest, error))
    return NULL;
  return g_steal_pointer (&self);
}

static void
veil_model_finalize (GObject *object)
{
  VeilModel *self = VEIL_MODEL (object);

  g_clear_pointer (&self->tensors, g_free);
  g_clear_pointer (&self->ops, g_free);
  g_clear_pointer (&self->bytes, g_bytes_unref);

  G_OBJECT_CLASS (veil_model_parent_class)->finalize (object);
}

static void
veil_model_class_init (VeilModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = veil_model_finalize;
}

static void
veil_model_init (VeilModel *self)
{
}

/**
 * veil_model_get_default_path:
 *
 * Returns: (transfer full): where the classifier model is looked for: `VEIL_MODEL_PATH` when
 * set (tests, the uninstalled build), else `$datadir/veil/models/veil-nsfw.vmodel`.
 */
char *
veil_model_get_default_path (void)
{
  return veil_model_get_path_for_kind (VEIL_MODEL_KIND_MOBILENET_V2);
}

/**
 * veil_model_get_path_for_kind:
 * @kind: %VEIL_MODEL_KIND_MOBILENET_V2 or %VEIL_MODEL_KIND_MOBILENET_V2_MID
 *
 * Returns: (transfer full): where the model of @kind is looked for: its environment variable
 * when set (`VEIL_MODEL_PATH`, `VEIL_MID_MODEL_PATH`), else its file under
 * `$datadir/veil/models/` (`veil-nsfw.vmodel`, `veil-nsfw-mid.vmodel`).
 */
char *
veil_model_get_path_for_kind (VeilModelKind kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (known_models); i++)
    if (known_models[i].kind == kind)
      {
        const char *env = g_getenv (known_models[i].env);

        if (env != NULL && *env != '\0')
          return g_strdup (env);
        return g_build_filename (PKGDATADIR, "models", known_models[i].file, NULL);
      }
  g_return_val_if_reached (NULL);
}

/**
 * veil_model_new_from_bytes:
 * @bytes: the contents of a model file
 * @error: return location for a #VeilModelError
 *
 * Parses and validates a model file held in memory. @bytes is kept (not copied) and must
 * not change.
 *
 * Returns: (transfer full) (nullable): the model, or %NULL with @error set
 */
VeilModel *
veil_model_new_from_bytes (GBytes  *bytes,
                           GError **error)
{
  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return veil_model_new_internal (bytes, TRUE, error);
}

/* Opens @path for reading without blocking: a FIFO (or a device) at the model path must be
 * refused, not waited on. Symlinks are followed on purpose, unlike for pictures in watched
 * folders: the model path is PKGDATADIR/models (root-owned, where a distribution may well
 * install the model as a link into a shared data package) or VEIL_MODEL_PATH, which the user
 * sets themselves, so no one else can plant a link there. Whatever the link leads to must
 * still be a regular file, which the caller checks on the descriptor. */
static int
open_model_fd (const char  *path,
               const char  *name,
               GError     **error)
{
  int fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0);

  if (fd < 0)
    {
      int saved_errno = errno;

      if (saved_errno == ENOENT || saved_errno == ENOTDIR)
        g_set_error (error, VEIL_MODEL_ERROR, VEIL_MODEL_ERROR_NOT_FOUND,
                     _("The classifier model “%s” is missing. Reinstall Veil, or run tools/fetch-model.sh and rebuild when working from source."),
                     name);
      else
        g_set_error (error, VEIL_MODEL_ERROR, VEIL_MODEL_ERROR_UNREADABLE,
                     _("The classifier model “%s” cannot be read: %s"), name, g_strerror (saved_errno));
    }
  return fd;
}

/* Maps the regular, non-empty file open at @fd; everything is decided on the descriptor, so
 * what is checked is what is read. */
static GBytes *
map_model_fd (int          fd,
              const char  *name,
              GError     **error)
{
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GError) local_error = NULL;
  GStatBuf st;

  if (fstat (fd, &st) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, VEIL_MODEL_ERROR, VEIL_MODEL_ERROR_UNREADABLE,
                   _("The classifier model “%s” cannot be read: %s"), name, g_strerror (saved_errno));
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, VEIL_MODEL_ERROR, VEIL_MODEL_ERROR_UNREADABLE,
                   _("The classifier model at “%s” is not a regular file. Reinstall Veil or set VEIL_MODEL_PATH to the model file."),
                   name);
      return NULL;
    }
  if (st.st_size == 0)
    {
      g_set_error (error, VEIL_MODEL_ERROR, VEIL_MODEL_ERROR_TRUNCATED,
                   _("The classifier model “%s” is empty. Reinstall Veil to repair it."), name);
      return NULL;
    }

  mapped = g_mapped_file_new_from_fd (fd, FALSE, &local_error);
  if (mapped == NULL)
    {
      g_set_error (error, VEIL_MODEL_ERROR, VEIL_MODEL_ERROR_UNREADABLE,
                   _("The classifier model “%s” cannot be read: %s"), name, local_error->message);
      return NULL;
    }
  return g_mapped_file_get_bytes (mapped);
}

/**
 * veil_model_new_from_file:
 * @path: a model file
 * @error: return location for a #VeilModelError
 *
 * Maps @path read-only and validates it. The mapping is shared by every user of the model.
 * Anything but a regular file (a folder, a FIFO, a device) is refused with
 * %VEIL_MODEL_ERROR_UNREADABLE without being read, and without blocking.
 *
 * Returns: (transfer full) (nullable): the model, or %NULL with @error set
 */
VeilModel *
veil_model_new_from_file (const char  *path,
                          GError     **error)
{
  g_autofree char *name = NULL;
  g_autoptr(GBytes) bytes = NULL;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  name = g_filename_display_name (path);
  fd = open_model_fd (path, name, error);
  if (fd < 0)
    return NULL;
  /* The mapping outlives the descriptor. */
  bytes = map_model_fd (fd, name, error);
  g_close (fd, NULL);
  if (bytes == NULL)
    return NULL;

  return veil_model_new_internal (bytes, TRUE, error);
}

/**
 * veil_model_load_default:
 * @error: return location for a #VeilModelError
 *
 * Returns: (transfer full) (nullable): the model at veil_model_get_default_path()
 */
VeilModel *
veil_model_load_default (GError **error)
{
  g_autofree char *path = veil_model_get_default_path ();

  return veil_model_new_from_file (path, error);
}

/**
 * veil_model_load_kind:
 * @kind: which of Veil's models
 * @error: return location for a #VeilModelError
 *
 * Loads the model at veil_model_get_path_for_kind() and checks that it is that model, so a
 * second opinion can never come from the first model by mistake.
 *
 * Returns: (transfer full) (nullable): the model, or %NULL with @error set
 */
VeilModel *
veil_model_load_kind (VeilModelKind   kind,
                      GError        **error)
{
  g_autofree char *path = NULL;
  g_autoptr(VeilModel) model = NULL;

  g_return_val_if_fail (kind == VEIL_MODEL_KIND_MOBILENET_V2 || kind == VEIL_MODEL_KIND_MOBILENET_V2_MID, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  path = veil_model_get_path_for_kind (kind);
  model = veil_model_new_from_file (path, error);
  if (model == NULL)
    return NULL;
  if (model->kind != kind)
    {
      /* A sound model file, but not the model asked for. */
      g_set_error_literal (error, VEIL_MODEL_ERROR, VEIL_MODEL_ERROR_BAD_MAGIC,
                           _("This is not a Veil classifier model file."));
      return NULL;
    }
  return g_steal_pointer (&model);
}

/**
 * veil_model_get_kind:
 *
 * Returns: which of Veil's models this is (its architecture and weights), or
 *   %VEIL_MODEL_KIND_OTHER for a valid file holding another model
 */
VeilModelKind
veil_model_get_kind (VeilModel *self)
{
  g_return_val_if_fail (VEIL_IS_MODEL (self), VEIL_MODEL_KIND_OTHER);
  return self->kind;
}

const char *
veil_model_get_name (VeilModel *self)
{
  g_return_val_if_fail (VEIL_IS_MODEL (self), NULL);
  return self->name;
}

const char *
veil_model_get_version (VeilModel *self)
{
  g_return_val_if_fail (VEIL_IS_MODEL (self), NULL);
  return self->version;
}

/**
 * veil_model_get_sha256:
 *
 * Returns: the SHA-256 of the model's payload in hex, which names these exact weights in
 * reports and verdicts.
 */
const char *
veil_model_get_sha256 (VeilModel *self)
{
  g_return_val_if_fail (VEIL_IS_MODEL (self), NULL);
  return self->sha256;
}

guint
veil_model_get_n_classes (VeilModel *self)
{
  g_return_val_if_fail (VEIL_IS_MODEL (self), 0);
  return self->n_classes;
}

void
veil_model_get_input_size (VeilModel *self,
                           guint     *width,
                           guint     *height,
                           guint     *channels)
{
  g_return_if_fail (VEIL_IS_MODEL (self));

  if (width != NULL)
    *width = self->in_w;
  if (height != NULL)
    *height = self->in_h;
  if (channels != NULL)
    *channels = self->in_c;
}

const VeilModelOp *
_veil_model_get_ops (VeilModel *self,
                     guint     *n_ops)
{
  *n_ops = self->n_ops;
  return self->ops;
}

const VeilModelTensor *
_veil_model_get_tensor (VeilModel *self,
                        int        index)
{
  if (index < 0 || (guint) index >= self->n_tensors)
    return NULL;
  return &self->tensors[index];
}

/* TF.js's decodeWeight: the affine map in double, rounded to float32 once. */
float
_veil_model_tensor_value (const VeilModelTensor *tensor,
                          gsize                  i)
{
  return (float) ((double) tensor->data[i] * tensor->scale + tensor->min);
}
