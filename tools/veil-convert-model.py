#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Converts an nsfwjs model (inside the pinned npm tarball) into Veil's model file.
#
#   veil-convert-model.py --sha256 HEX [--model mobilenet_v2|mobilenet_v2_mid] TARBALL OUTPUT
#
# The package ships each TF.js model as browserify UMD wrappers: dist/models/<model>/model.min.js
# exports a JavaScript object literal (the model.json: topology plus weights manifest) and each
# group1-shardNofM.min.js exports a base64 string (one piece of the uint8 weights).
#
# mobilenet_v2 (the default, Veil's classifier) is a Keras layers model; mobilenet_v2_mid (the
# second opinion) is a TensorFlow graph model whose batch norms are already folded into
# _FusedConv2D / FusedDepthwiseConv2dNative ops with a fused BiasAdd (and Relu6). This script
# reads either straight from the tarball, turns its graph into Veil's fused op list (conv +
# batch norm or bias + activation, depthwise, add, global average pool, dense, and the Mid
# graph's input scaling) and writes the weights exactly as shipped (uint8 with a per-tensor
# scale and min). Standard library only, so the build needs nothing extra.
#
# File layout (little-endian; core/classify/veil-model.c checks every field):
#   header (160 bytes)   magic "VEILMODL", format version, header size, counts, input shape,
#                        table offsets, weight blob offset and size, payload size, model name
#                        and version, SHA-256 of the payload (everything after the header)
#   tensor table         120 bytes per tensor: name, rank, dims, scale, min, offset, length
#   op table             84 bytes per op
#   weights              the uint8 tensors, back to back

import argparse
import base64
import hashlib
import io
import math
import os
import struct
import sys
import tarfile

MAGIC = b'VEILMODL'
FORMAT_VERSION = 1
HEADER_SIZE = 160
TENSOR_ENTRY = struct.Struct('<64sI4II dd QQ'.replace(' ', ''))
OP_ENTRY = struct.Struct('<IIii8II6id')
HEADER = struct.Struct('<8sIIIIIIIIQQQQQ32s16s32s')

OP_CONV, OP_DEPTHWISE, OP_ADD, OP_GAP, OP_DENSE, OP_SCALE_SHIFT = 1, 2, 3, 4, 5, 6
ACT_NONE, ACT_RELU, ACT_RELU6, ACT_SOFTMAX = 0, 1, 2, 3
INPUT = -1
NONE = -2

MODEL_VERSION = '4.4.0'
# The models this converter reads: the folder inside the tarball and the name written into
# the file (which also tells Veil which of its models a file holds).
MODELS = {
    'mobilenet_v2': ('package/dist/models/mobilenet_v2/', 'nsfwjs-mobilenet_v2'),
    'mobilenet_v2_mid': ('package/dist/models/mobilenet_v2_mid/', 'nsfwjs-mobilenet_v2_mid'),
}


class ConvertError(Exception):
    pass


# --- A reader for the JavaScript object literal -------------------------------------------
# The minifier writes unquoted keys, !0/!1 for true/false and numbers such as .5, so the text
# is not JSON. This accepts exactly the literal subset that appears there.

class JsLiteral:
    def __init__(self, text, pos):
        self.s = text
        self.i = pos

    def error(self, what):
        raise ConvertError('model.min.js: %s at offset %d' % (what, self.i))

    def ws(self):
        while self.i < len(self.s) and self.s[self.i] in ' \t\r\n':
            self.i += 1

    def value(self):
        self.ws()
        c = self.s[self.i]
        if c == '{':
            return self.obj()
        if c == '[':
            return self.arr()
        if c in '"\'':
            return self.string()
        if c == '!':
            self.i += 1
            v = self.value()
            return not v
        if c in '-+.0123456789':
            return self.number()
        return self.ident_value()

    def obj(self):
        self.i += 1
        out = {}
        self.ws()
        if self.s[self.i] == '}':
            self.i += 1
            return out
        while True:
            self.ws()
            c = self.s[self.i]
            key = self.string() if c in '"\'' else self.ident()
            self.ws()
            if self.s[self.i] != ':':
                self.error('expected ":"')
            self.i += 1
            out[key] = self.value()
            self.ws()
            c = self.s[self.i]
            self.i += 1
            if c == '}':
                return out
            if c != ',':
                self.error('expected "," or "}"')

    def arr(self):
        self.i += 1
        out = []
        self.ws()
        if self.s[self.i] == ']':
            self.i += 1
            return out
        while True:
            out.append(self.value())
            self.ws()
            c = self.s[self.i]
            self.i += 1
            if c == ']':
                return out
            if c != ',':
                self.error('expected "," or "]"')

    def string(self):
        quote = self.s[self.i]
        self.i += 1
        buf = []
        while True:
            c = self.s[self.i]
            self.i += 1
            if c == quote:
                return ''.join(buf)
            if c == '\\':
                e = self.s[self.i]
                self.i += 1
                simple = {'n': '\n', 't': '\t', 'r': '\r', 'b': '\b', 'f': '\f', 'v': '\v', '0': '\0'}
                if e in simple:
                    buf.append(simple[e])
                elif e == 'u':
                    buf.append(chr(int(self.s[self.i:self.i + 4], 16)))
                    self.i += 4
                else:
                    buf.append(e)
            else:
                buf.append(c)

    def number(self):
        start = self.i
        while self.i < len(self.s) and self.s[self.i] in '+-.0123456789eE':
            self.i += 1
        text = self.s[start:self.i]
        try:
            if any(ch in text for ch in '.eE'):
                return float(text)
            return int(text)
        except ValueError:
            self.error('bad number %r' % text)

    def ident(self):
        start = self.i
        while self.i < len(self.s) and (self.s[self.i].isalnum() or self.s[self.i] in '_$'):
            self.i += 1
        if start == self.i:
            self.error('expected a name')
        return self.s[start:self.i]

    def ident_value(self):
        name = self.ident()
        if name == 'null':
            return None
        if name == 'true':
            return True
        if name == 'false':
            return False
        self.error('unexpected name %r' % name)


def umd_export(text, what):
    # The wrapped module body is `a.exports=<literal>}`; take the first such assignment.
    key = '.exports='
    pos = 0
    while True:
        pos = text.find(key, pos)
        if pos < 0:
            raise ConvertError('%s: no module export found' % what)
        pos += len(key)
        if text[pos] in '{"':
            break
    return JsLiteral(text, pos).value()


# --- Keras graph to fused ops -------------------------------------------------------------

class Value:
    def __init__(self, op, shape, pad=(0, 0, 0, 0)):
        self.op = op          # index in ops, or INPUT
        self.shape = shape    # (h, w, c)
        self.pad = pad        # pending zero padding (top, bottom, left, right)


def same_padding(size, k, stride):
    out = (size + stride - 1) // stride
    total = max((out - 1) * stride + k - size, 0)
    return total // 2, total - total // 2


def append_op(ops, **kw):
    op = dict(type=0, act=ACT_NONE, in0=NONE, in1=NONE, kh=0, kw=0, sh=0, sw=0,
              pt=0, pb=0, pl=0, pr=0, cout=0, kernel=-1, bias=-1, gamma=-1, beta=-1,
              mean=-1, var=-1, eps=0.0, name='')
    op.update(kw)
    ops.append(op)
    return len(ops) - 1


def convert_graph(topology, tensors):
    cfg = topology['model_config']['config']
    layers = cfg['layers']
    inputs = cfg['input_layers']
    outputs = cfg['output_layers']
    if len(inputs) != 1 or len(outputs) != 1:
        raise ConvertError('expected one input and one output layer')

    consumers = {}
    for layer in layers:
        for node in layer['inbound_nodes']:
            for inbound in node:
                consumers[inbound[0]] = consumers.get(inbound[0], 0) + 1

    values = {}
    ops = []
    input_shape = None

    def tensor(name, shape):
        if name not in tensors:
            raise ConvertError('weights manifest has no tensor %s' % name)
        if tuple(tensors[name]['shape']) != tuple(shape):
            raise ConvertError('tensor %s has shape %s, expected %s' % (name, tensors[name]['shape'], shape))
        return tensors[name]['index']

    def new_op(**kw):
        return append_op(ops, **kw)

    for layer in layers:
        name = layer['name']
        cls = layer['class_name']
        c = layer['config']
        srcs = [values[n[0]] for node in layer['inbound_nodes'] for n in node]

        def only_src():
            if len(srcs) != 1:
                raise ConvertError('%s: expected one input' % name)
            return srcs[0]

        def plain(v):
            if v.pad != (0, 0, 0, 0):
                raise ConvertError('%s: padding feeds a layer that cannot use it' % name)
            return v

        if cls == 'InputLayer':
            shape = c['batch_input_shape']
            if len(shape) != 4 or shape[0] is not None:
                raise ConvertError('unexpected input shape %s' % shape)
            input_shape = tuple(shape[1:])
            values[name] = Value(INPUT, input_shape)
        elif cls == 'ZeroPadding2D':
            v = plain(only_src())
            (pt, pb), (pl, pr) = c['padding']
            h, w, ch = v.shape
            values[name] = Value(v.op, v.shape, (pt, pb, pl, pr))
        elif cls in ('Conv2D', 'DepthwiseConv2D'):
            v = only_src()
            if c.get('data_format', 'channels_last') != 'channels_last':
                raise ConvertError('%s: only channels_last is supported' % name)
            if tuple(c.get('dilation_rate', (1, 1))) != (1, 1):
                raise ConvertError('%s: dilation is not supported' % name)
            kh, kw = c['kernel_size']
            sh, sw = c['strides']
            h, w, cin = v.shape
            pt, pb, pl, pr = v.pad
            if c['padding'] == 'same':
                if v.pad != (0, 0, 0, 0):
                    raise ConvertError('%s: explicit padding before a "same" conv' % name)
                pt, pb = same_padding(h, kh, sh)
                pl, pr = same_padding(w, kw, sw)
            elif c['padding'] != 'valid':
                raise ConvertError('%s: unknown padding %s' % (name, c['padding']))
            oh = (h + pt + pb - kh) // sh + 1
            ow = (w + pl + pr - kw) // sw + 1
            if cls == 'Conv2D':
                cout = c['filters']
                kernel = tensor(name + '/kernel', (kh, kw, cin, cout))
                kind = OP_CONV
            else:
                if c.get('depth_multiplier', 1) != 1:
                    raise ConvertError('%s: depth multiplier is not supported' % name)
                cout = cin
                kernel = tensor(name + '/depthwise_kernel', (kh, kw, cin, 1))
                kind = OP_DEPTHWISE
            bias = tensor(name + '/bias', (cout,)) if c.get('use_bias') else -1
            act = {'linear': ACT_NONE, 'relu': ACT_RELU}.get(c.get('activation', 'linear'))
            if act is None:
                raise ConvertError('%s: unsupported activation' % name)
            idx = new_op(type=kind, act=act, in0=v.op, kh=kh, kw=kw, sh=sh, sw=sw, pt=pt, pb=pb,
                         pl=pl, pr=pr, cout=cout, kernel=kernel, bias=bias, name=name)
            values[name] = Value(idx, (oh, ow, cout))
        elif cls == 'BatchNormalization':
            v = plain(only_src())
            op = ops[v.op] if v.op >= 0 else None
            if (op is None or op['type'] not in (OP_CONV, OP_DEPTHWISE) or op['gamma'] >= 0
                    or op['act'] != ACT_NONE or op['bias'] >= 0 or consumers[op['name']] != 1):
                raise ConvertError('%s: batch norm must follow a conv used only by it' % name)
            if c.get('axis', -1) not in (-1, 3) or not c.get('center', True) or not c.get('scale', True):
                raise ConvertError('%s: unsupported batch norm settings' % name)
            n = v.shape[2]
            op['gamma'] = tensor(name + '/gamma', (n,))
            op['beta'] = tensor(name + '/beta', (n,))
            op['mean'] = tensor(name + '/moving_mean', (n,))
            op['var'] = tensor(name + '/moving_variance', (n,))
            op['eps'] = float(c['epsilon'])
            op['name'] = name
            values[name] = Value(v.op, v.shape)
        elif cls == 'ReLU':
            v = plain(only_src())
            op = ops[v.op] if v.op >= 0 else None
            if op is None or op['act'] != ACT_NONE or consumers[op['name']] != 1:
                raise ConvertError('%s: an activation must follow an op used only by it' % name)
            if (c.get('negative_slope', 0) or 0) != 0 or (c.get('threshold', 0) or 0) != 0:
                raise ConvertError('%s: leaky or thresholded ReLU is not supported' % name)
            mv = c.get('max_value')
            if mv is None:
                op['act'] = ACT_RELU
            elif float(mv) == 6.0:
                op['act'] = ACT_RELU6
            else:
                raise ConvertError('%s: ReLU max_value %s is not supported' % (name, mv))
            op['name'] = name
            values[name] = Value(v.op, v.shape)
        elif cls == 'Add':
            if len(srcs) != 2:
                raise ConvertError('%s: expected two inputs' % name)
            a, b = plain(srcs[0]), plain(srcs[1])
            if a.shape != b.shape:
                raise ConvertError('%s: shapes differ' % name)
            idx = new_op(type=OP_ADD, in0=a.op, in1=b.op, cout=a.shape[2], name=name)
            values[name] = Value(idx, a.shape)
        elif cls in ('AveragePooling2D', 'GlobalAveragePooling2D'):
            v = plain(only_src())
            h, w, ch = v.shape
            if cls == 'AveragePooling2D':
                if (tuple(c['pool_size']) != (h, w) or tuple(c['strides']) != (h, w)
                        or c['padding'] != 'valid'):
                    raise ConvertError('%s: only a pool over the whole map is supported' % name)
            idx = new_op(type=OP_GAP, in0=v.op, cout=ch, kh=h, kw=w, name=name)
            values[name] = Value(idx, (1, 1, ch))
        elif cls in ('Flatten', 'Dropout'):
            v = plain(only_src())
            if cls == 'Flatten' and v.shape[:2] != (1, 1):
                raise ConvertError('%s: only flattening a 1x1 map is supported' % name)
            values[name] = Value(v.op, v.shape)
        elif cls == 'Dense':
            v = plain(only_src())
            if v.shape[:2] != (1, 1):
                raise ConvertError('%s: dense layer on a spatial map' % name)
            units = c['units']
            act = {'linear': ACT_NONE, 'relu': ACT_RELU, 'softmax': ACT_SOFTMAX}.get(c['activation'])
            if act is None:
                raise ConvertError('%s: unsupported activation %s' % (name, c['activation']))
            kernel = tensor(name + '/kernel', (v.shape[2], units))
            bias = tensor(name + '/bias', (units,)) if c.get('use_bias', True) else -1
            idx = new_op(type=OP_DENSE, act=act, in0=v.op, cout=units, kernel=kernel, bias=bias,
                         name=name)
            values[name] = Value(idx, (1, 1, units))
        else:
            raise ConvertError('%s: layer type %s is not supported' % (name, cls))

    out = values[outputs[0][0]]
    if out.op != len(ops) - 1:
        raise ConvertError('the output layer is not the last op')
    return input_shape, ops, out.shape[2]


# --- TensorFlow graph (graph-model) to fused ops --------------------------------------------
# The TF.js converter has already folded batch norm into conv weights plus a bias and fused
# BiasAdd and Relu6 into the conv nodes, so each compute node maps onto one Veil op. The
# graph is walked from its output, so node order in the file does not matter.

def attr_list(node, key):
    return [int(v) for v in node.get('attr', {}).get(key, {}).get('list', {}).get('i', [])]


def attr_str(node, key):
    return base64.b64decode(node.get('attr', {}).get(key, {}).get('s', '')).decode()


def fused_ops(node):
    return [base64.b64decode(v).decode()
            for v in node.get('attr', {}).get('fused_ops', {}).get('list', {}).get('s', [])]


def graph_inputs(node):
    return [i.split(':')[0] for i in node.get('input', []) if not i.startswith('^')]


def convert_tf_graph(topology, tensors, output_name):
    nodes = {n['name']: n for n in topology['node']}
    consumers = {}
    for n in topology['node']:
        for i in graph_inputs(n):
            consumers[i] = consumers.get(i, 0) + 1
    if output_name not in nodes:
        raise ConvertError('the graph has no output node %s' % output_name)

    values = {}
    ops = []
    input_shape = []

    def const(name, shape=None):
        node = nodes.get(name)
        if node is None or node['op'] != 'Const' or name not in tensors:
            raise ConvertError('%s is not a weight tensor' % name)
        if shape is not None and tuple(tensors[name]['shape']) != tuple(shape):
            raise ConvertError('tensor %s has shape %s, expected %s' % (name, tensors[name]['shape'], shape))
        return tensors[name]['index']

    def is_scalar(name):
        return (name in nodes and nodes[name]['op'] == 'Const' and name in tensors
                and tensors[name]['shape'] == [1] and tensors[name]['scalar'])

    def fuse_act(name, node, allowed):
        fused = fused_ops(node)
        if not fused or fused[0] != 'BiasAdd' or len(fused) > 2:
            raise ConvertError('%s: fused ops %s are not supported' % (name, fused))
        act = {'Relu': ACT_RELU, 'Relu6': ACT_RELU6}.get(fused[1]) if len(fused) == 2 else ACT_NONE
        if act is None or act not in allowed:
            raise ConvertError('%s: fused activation %s is not supported' % (name, fused[1]))
        return act

    def conv(name, node, src):
        x, w, b = graph_inputs(node)
        if attr_str(node, 'data_format') not in ('', 'NHWC'):
            raise ConvertError('%s: only NHWC is supported' % name)
        if any(d != 1 for d in attr_list(node, 'dilations')):
            raise ConvertError('%s: dilation is not supported' % name)
        strides = attr_list(node, 'strides')
        if len(strides) != 4 or strides[0] != 1 or strides[3] != 1:
            raise ConvertError('%s: unsupported strides %s' % (name, strides))
        sh, sw = strides[1], strides[2]
        kshape = tensors[w]['shape'] if w in tensors else []
        if len(kshape) != 4:
            raise ConvertError('%s: the kernel is not 4-D' % name)
        kh, kw = kshape[0], kshape[1]
        h, wd, cin = src.shape
        padding = attr_str(node, 'padding')
        if padding == 'SAME':
            pt, pb = same_padding(h, kh, sh)
            pl, pr = same_padding(wd, kw, sw)
        elif padding == 'VALID':
            pt = pb = pl = pr = 0
        else:
            raise ConvertError('%s: padding %s is not supported' % (name, padding))
        if node['op'] == '_FusedConv2D':
            cout = kshape[3]
            kernel = const(w, (kh, kw, cin, cout))
            kind = OP_CONV
        else:
            cout = cin
            kernel = const(w, (kh, kw, cin, 1))
            kind = OP_DEPTHWISE
        act = fuse_act(name, node, (ACT_NONE, ACT_RELU, ACT_RELU6))
        idx = append_op(ops, type=kind, act=act, in0=src.op, kh=kh, kw=kw, sh=sh, sw=sw, pt=pt,
                        pb=pb, pl=pl, pr=pr, cout=cout, kernel=kernel, bias=const(b, (cout,)),
                        name=name)
        return Value(idx, ((h + pt + pb - kh) // sh + 1, (wd + pl + pr - kw) // sw + 1, cout))

    def visit(name, depth=0):
        if name in values:
            return values[name]
        if depth > 10000:
            raise ConvertError('the graph is too deep')
        node = nodes.get(name)
        if node is None:
            raise ConvertError('the graph has no node %s' % name)
        kind = node['op']
        ins = graph_inputs(node)
        non_const = [i for i in ins if nodes.get(i, {}).get('op') != 'Const']
        srcs = [visit(i, depth + 1) for i in non_const]

        def only_src():
            if len(srcs) != 1:
                raise ConvertError('%s: expected one input' % name)
            return srcs[0]

        def last_op(v, what):
            op = ops[v.op] if v.op >= 0 else None
            if op is None or consumers.get(op['name'], 0) != 1:
                raise ConvertError('%s: %s must follow an op used only by it' % (name, what))
            return op

        if kind == 'Placeholder':
            dims = [int(d['size']) for d in node['attr']['shape']['shape']['dim']]
            if len(dims) != 4 or dims[0] != -1 or input_shape:
                raise ConvertError('unexpected input %s %s' % (name, dims))
            input_shape.extend(dims[1:])
            v = Value(INPUT, tuple(dims[1:]))
        elif kind == 'Mul':
            # The input scaling x * 2 - 1 of TF-Hub models: a scalar multiply, then a subtract.
            scalars = [i for i in ins if is_scalar(i)]
            if len(ins) != 2 or len(scalars) != 1:
                raise ConvertError('%s: only multiplying by a scalar is supported' % name)
            src = only_src()
            idx = append_op(ops, type=OP_SCALE_SHIFT, in0=src.op, cout=src.shape[2],
                            kernel=const(scalars[0]), name=name)
            v = Value(idx, src.shape)
        elif kind == 'Sub':
            if len(ins) != 2 or not is_scalar(ins[1]):
                raise ConvertError('%s: only subtracting a scalar is supported' % name)
            src = only_src()
            op = last_op(src, 'a subtraction')
            if op['type'] != OP_SCALE_SHIFT or op['bias'] >= 0:
                raise ConvertError('%s: a subtraction must follow a scalar multiply' % name)
            op['bias'] = const(ins[1])
            op['name'] = name
            v = Value(src.op, src.shape)
        elif kind in ('_FusedConv2D', 'FusedDepthwiseConv2dNative'):
            if len(ins) != 3:
                raise ConvertError('%s: expected input, kernel and bias' % name)
            v = conv(name, node, only_src())
        elif kind == 'AddV2':
            if len(srcs) != 2 or srcs[0].shape != srcs[1].shape:
                raise ConvertError('%s: expected two inputs of one shape' % name)
            idx = append_op(ops, type=OP_ADD, in0=srcs[0].op, in1=srcs[1].op, cout=srcs[0].shape[2],
                            name=name)
            v = Value(idx, srcs[0].shape)
        elif kind == 'AvgPool':
            src = only_src()
            h, w, ch = src.shape
            if (attr_list(node, 'ksize') != [1, h, w, 1] or attr_str(node, 'padding') != 'VALID'
                    or attr_str(node, 'data_format') not in ('', 'NHWC')):
                raise ConvertError('%s: only a pool over the whole map is supported' % name)
            idx = append_op(ops, type=OP_GAP, in0=src.op, cout=ch, kh=h, kw=w, name=name)
            v = Value(idx, (1, 1, ch))
        elif kind in ('Squeeze', 'Identity'):
            src = only_src()
            if kind == 'Squeeze' and (src.shape[:2] != (1, 1) or attr_list(node, 'squeeze_dims') != [1, 2]):
                raise ConvertError('%s: only squeezing a 1x1 map is supported' % name)
            v = src
        elif kind == '_FusedMatMul':
            src = only_src()
            if len(ins) != 3 or src.shape[:2] != (1, 1):
                raise ConvertError('%s: expected a vector, a kernel and a bias' % name)
            for key in ('transpose_a', 'transpose_b'):
                if node.get('attr', {}).get(key, {}).get('b', False):
                    raise ConvertError('%s: transposed matrices are not supported' % name)
            units = tensors[ins[1]]['shape'][-1] if ins[1] in tensors else 0
            kernel = const(ins[1], (src.shape[2], units))
            idx = append_op(ops, type=OP_DENSE, act=fuse_act(name, node, (ACT_NONE, ACT_RELU)),
                            in0=src.op, cout=units, kernel=kernel, bias=const(ins[2], (units,)),
                            name=name)
            v = Value(idx, (1, 1, units))
        elif kind == 'Softmax':
            src = only_src()
            op = last_op(src, 'softmax')
            if op['type'] != OP_DENSE or op['act'] != ACT_NONE:
                raise ConvertError('%s: softmax must follow a dense layer' % name)
            op['act'] = ACT_SOFTMAX
            op['name'] = name
            v = Value(src.op, src.shape)
        else:
            raise ConvertError('%s: graph op %s is not supported' % (name, kind))
        values[name] = v
        return v

    out = visit(output_name)
    if out.op != len(ops) - 1:
        raise ConvertError('the output node is not the last op')
    if not input_shape:
        raise ConvertError('the graph has no input')
    return tuple(input_shape), ops, out.shape[2]


def short_name(name):
    # Graph-model tensor names carry the whole Keras/TF-Hub call path; what follows the last
    # "predict/" (or "sequential/") names the layer and fits the file's 64-byte field.
    for marker in ('/predict/', 'StatefulPartitionedCall/sequential/'):
        pos = name.rfind(marker)
        if pos >= 0:
            return name[pos + len(marker):]
    return name


def graph_output(model):
    outputs = model.get('userDefinedMetadata', {}).get('signature', {}).get('outputs', {})
    if len(outputs) != 1:
        raise ConvertError('expected one output in the graph signature')
    return next(iter(outputs.values()))['name'].split(':')[0]


# --- Reading the tarball and writing the file ---------------------------------------------

def read_member(tar, model_dir, name):
    try:
        f = tar.extractfile(model_dir + name)
    except KeyError:
        raise ConvertError('the tarball has no %s%s' % (model_dir, name))
    return f.read().decode('utf-8')


def read_weights(tar, model_dir, model):
    manifest = model['weightsManifest']
    if len(manifest) != 1:
        raise ConvertError('expected one weights group')
    # The shards of a group are one byte stream cut into pieces.
    shard = b''
    for path in manifest[0]['paths']:
        member = path + '.min.js'
        shard += base64.b64decode(umd_export(read_member(tar, model_dir, member), member), validate=True)
    return manifest[0]['weights'], shard


def tensor_table(specs, shard, graph):
    tensors = {}
    table = []
    offset = 0
    for i, spec in enumerate(specs):
        q = spec.get('quantization')
        if spec['dtype'] != 'float32' or not q or q.get('dtype') != 'uint8':
            raise ConvertError('%s: only uint8-quantized float32 tensors are supported' % spec['name'])
        shape = [int(d) for d in spec['shape']]
        name = short_name(spec['name']) if graph else spec['name']
        # A scalar (the Mid graph's input scaling) is stored as a 1-element vector.
        scalar = graph and shape == []
        if scalar:
            shape = [1]
        if not 1 <= len(shape) <= 4 or len(name.encode()) >= 64:
            raise ConvertError('%s: unsupported rank or name length' % spec['name'])
        count = math.prod(shape)
        tensors[spec['name']] = {'index': i, 'shape': shape, 'scalar': scalar}
        table.append((name, shape, float(q['scale']), float(q['min']), offset, count))
        offset += count
    if offset != len(shard):
        raise ConvertError('weight shard holds %d bytes, the manifest describes %d' % (len(shard), offset))
    return tensors, table


def convert(tarball, expected_sha256, output, model_key='mobilenet_v2'):
    model_dir, model_name = MODELS[model_key]
    with open(tarball, 'rb') as f:
        blob = f.read()
    got = hashlib.sha256(blob).hexdigest()
    if expected_sha256 and got != expected_sha256:
        raise ConvertError('%s: sha256 %s does not match the pinned %s' % (tarball, got, expected_sha256))

    with tarfile.open(fileobj=io.BytesIO(blob), mode='r:gz') as tar:
        model = umd_export(read_member(tar, model_dir, 'model.min.js'), 'model.min.js')
        specs, shard = read_weights(tar, model_dir, model)

    graph = model.get('format') == 'graph-model'
    tensors, table = tensor_table(specs, shard, graph)
    if graph:
        (ih, iw, ic), ops, n_classes = convert_tf_graph(model['modelTopology'], tensors, graph_output(model))
    else:
        (ih, iw, ic), ops, n_classes = convert_graph(model['modelTopology'], tensors)

    tensor_bytes = bytearray()
    for name, shape, scale, vmin, off, count in table:
        dims = (shape + [0, 0, 0])[:4]
        tensor_bytes += TENSOR_ENTRY.pack(name.encode(), len(shape), *dims, 0, scale, vmin, off, count)
    op_bytes = bytearray()
    for op in ops:
        op_bytes += OP_ENTRY.pack(op['type'], op['act'], op['in0'], op['in1'], op['kh'], op['kw'],
                                  op['sh'], op['sw'], op['pt'], op['pb'], op['pl'], op['pr'],
                                  op['cout'], op['kernel'], op['bias'], op['gamma'], op['beta'],
                                  op['mean'], op['var'], op['eps'])

    tensor_off = HEADER_SIZE
    op_off = tensor_off + len(tensor_bytes)
    weights_off = op_off + len(op_bytes)
    payload = bytes(tensor_bytes) + bytes(op_bytes) + shard
    digest = hashlib.sha256(payload).digest()
    header = HEADER.pack(MAGIC, FORMAT_VERSION, HEADER_SIZE, len(table), len(ops), ih, iw, ic,
                         n_classes, tensor_off, op_off, weights_off, len(shard), len(payload),
                         model_name.encode(), MODEL_VERSION.encode(), digest)
    assert len(header) == HEADER_SIZE

    tmp = output + '.tmp'
    with open(tmp, 'wb') as f:
        f.write(header)
        f.write(payload)
    os.replace(tmp, output)
    print('veil-convert-model: %s: %d tensors, %d ops, %d weight bytes, sha256 %s'
          % (output, len(table), len(ops), len(shard), digest.hex()))


def main():
    ap = argparse.ArgumentParser(description='Convert an nsfwjs model into a Veil model file.')
    ap.add_argument('--sha256', help='pinned sha256 of the tarball (hex)')
    ap.add_argument('--model', choices=sorted(MODELS), default='mobilenet_v2',
                    help='which of the package\'s models (default: mobilenet_v2)')
    ap.add_argument('tarball')
    ap.add_argument('output')
    args = ap.parse_args()
    try:
        convert(args.tarball, args.sha256, args.output, args.model)
    except (ConvertError, KeyError, ValueError, OSError, tarfile.TarError) as e:
        print('veil-convert-model: %s' % e, file=sys.stderr)
        sys.exit(1)


if __name__ == '__main__':
    main()
