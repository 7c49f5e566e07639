/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "veil-model.h"

G_BEGIN_DECLS

/* The parsed, validated contents of a model file. Everything here points into the file's
 * bytes, which the VeilModel keeps alive; it is read-only and shared by all threads. */

typedef enum {
  VEIL_MODEL_OP_CONV = 1,       /* kh x kw convolution, HWIO kernel */
  VEIL_MODEL_OP_DEPTHWISE = 2,  /* depthwise kh x kw, kernel [kh, kw, c, 1] */
  VEIL_MODEL_OP_ADD = 3,        /* element-wise sum of two ops' outputs */
  VEIL_MODEL_OP_GAP = 4,        /* average over the whole map */
  VEIL_MODEL_OP_DENSE = 5,      /* fully connected, kernel [in, out] */
  VEIL_MODEL_OP_SCALE_SHIFT = 6,/* out = in * kernel[0] - bias[0], each step rounded to float32
                                 * (a graph's Mul then Sub by scalars); either may be absent */
} VeilModelOpType;

typedef enum {
  VEIL_MODEL_ACT_NONE = 0,
  VEIL_MODEL_ACT_RELU = 1,
  VEIL_MODEL_ACT_RELU6 = 2,
  VEIL_MODEL_ACT_SOFTMAX = 3,
} VeilModelAct;

#define VEIL_MODEL_INPUT (-1)   /* an op input that is the model's input image */
#define VEIL_MODEL_NO_INPUT (-2)
#define VEIL_MODEL_NO_TENSOR (-1)

typedef struct {
  char          name[64];
  guint         rank;
  guint         dims[4];
  gsize         count;      /* product of dims */
  double        scale;      /* w = q * scale + min */
  double        min;
  const guint8 *data;       /* count bytes */
} VeilModelTensor;

typedef struct {
  VeilModelOpType type;
  VeilModelAct    act;
  int             input[2];   /* op index, VEIL_MODEL_INPUT or VEIL_MODEL_NO_INPUT */
  guint           kh, kw;
  guint           stride_h, stride_w;
  guint           pad_top, pad_bottom, pad_left, pad_right;
  int             kernel, bias, gamma, beta, mean, var;  /* tensor index or NO_TENSOR */
  double          epsilon;
  /* Derived while validating. */
  guint           in_h, in_w, in_c;
  guint           out_h, out_w, out_c;
} VeilModelOp;

/* Hard caps that keep every size computation far from overflow. */
#define VEIL_MODEL_MAX_DIM      4096
#define VEIL_MODEL_MAX_CHANNELS 8192
#define VEIL_MODEL_MAX_KERNEL   15
#define VEIL_MODEL_MAX_OPS      4096
#define VEIL_MODEL_MAX_TENSORS  8192
#define VEIL_MODEL_MAX_CLASSES  64
/* Elements in one activation or weight tensor: 64 MiB of float32, over ten times what the
 * nsfwjs model needs, so a hostile file cannot make the engine allocate gigabytes. */
#define VEIL_MODEL_MAX_VALUES   (G_GUINT64_CONSTANT (1) << 24)

const VeilModelOp     *_veil_model_get_ops     (VeilModel *self,
                                                guint     *n_ops);
const VeilModelTensor *_veil_model_get_tensor  (VeilModel *self,
                                                int        index);
float                  _veil_model_tensor_value (const VeilModelTensor *tensor,
                                                 gsize                  i);

G_END_DECLS
