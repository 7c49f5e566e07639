#!/usr/bin/env node
// SPDX-License-Identifier: GPL-3.0-or-later
//
// Reference outputs of nsfwjs 4.4.0's MobileNetV2Mid (a TF.js graph model) under TF.js 4.22.0,
// for the parity test of Veil's engine on its second model (tests/core/test-classifier-mid.c).
// A test aid, not part of Veil: it needs the npm packages of the nsfw oracle
// (../shared/tools/nsfw-oracle, installed with `npm ci` in a writable copy of it).
//
//   NSFW_ORACLE_DEPS=DIR node tools/nsfw-mid-reference.mjs [--logits] [--png-names] PATH...
//
// DIR holds node_modules/ with nsfwjs and @tensorflow/tfjs. PATH is a file or a folder (its
// *.rgb files, sorted). Inputs: NAME.rgb, raw 224x224 RGB; NAME.WxH.rgb, raw RGB of another
// size. Each goes through nsfwjs's own infer(): value / 255, the bilinear alignCorners resize
// when not 224x224, then the graph (which scales to [-1, 1] itself), on the cpu backend.
// Prints "name<TAB>5 values" per input, 6 decimals, with a header line: the probabilities, or
// with --logits the graph's pre-softmax output (the dense layer's BiasAdd). --png-names
// prints NAME.png for NAME.rgb, as the fixtures' own expected.tsv does.
//
// tests/data/clf-mid/README.md lists the commands that made the committed references.

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const LOGITS_NODE = 'StatefulPartitionedCall/sequential/dense/BiasAdd';
const SIZE = 224;

const args = process.argv.slice(2);
const logits = args.includes('--logits');
const pngNames = args.includes('--png-names');
const paths = args.filter((a) => !a.startsWith('--'));
const deps = process.env.NSFW_ORACLE_DEPS;
if (!deps || paths.length === 0) {
  process.stderr.write('usage: NSFW_ORACLE_DEPS=DIR node tools/nsfw-mid-reference.mjs [--logits] [--png-names] PATH...\n');
  process.exit(1);
}

// TF.js and nsfwjs print banners on stdout; the results go there, so the chatter goes to stderr.
const toStderr = (...a) => process.stderr.write(a.map(String).join(' ') + '\n');
console.log = toStderr; console.info = toStderr; console.warn = toStderr;

// One require rooted at DIR, so nsfwjs runs on the same tfjs-core whose backend is set here.
const require = createRequire(path.join(path.resolve(deps), 'resolver.js'));
const tf = require('@tensorflow/tfjs');
const nsfwjs = require('nsfwjs');
if (!(await tf.setBackend('cpu'))) throw new Error('the TF.js cpu backend is not available');
await tf.ready();
const nsfw = await nsfwjs.load('MobileNetV2Mid');

const inputs = [];
for (const p of paths) {
  if (fs.statSync(p).isDirectory())
    for (const f of fs.readdirSync(p).sort()) { if (f.endsWith('.rgb')) inputs.push(path.join(p, f)); }
  else inputs.push(p);
}

// nsfwjs's infer() up to the graph's input, step for step, for the logits.
function batchOf(img) {
  return tf.tidy(() => {
    const normalized = img.toFloat().div(tf.scalar(255));
    const resized = img.shape[0] !== SIZE || img.shape[1] !== SIZE
      ? tf.image.resizeBilinear(normalized, [SIZE, SIZE], true) : normalized;
    return resized.reshape([1, SIZE, SIZE, 3]);
  });
}

const cols = ['drawing', 'hentai', 'neutral', 'porn', 'sexy'].map((c) => (logits ? 'logit_' : 'p_') + c);
process.stdout.write(['#name', ...cols].join('\t') + '\n');
for (const file of inputs) {
  const base = path.basename(file);
  const m = /\.(\d+)x(\d+)\.rgb$/.exec(base);
  const [w, h] = m ? [parseInt(m[1], 10), parseInt(m[2], 10)] : [SIZE, SIZE];
  const buf = fs.readFileSync(file);
  if (buf.length !== w * h * 3) throw new Error(`${file}: ${buf.length} bytes, expected ${w * h * 3}`);
  const img = tf.tensor3d(new Uint8Array(buf), [h, w, 3], 'int32');
  let y;
  if (logits) {
    const x = batchOf(img);
    y = nsfw.model.execute(x, LOGITS_NODE);
    x.dispose();
  } else {
    y = nsfw.infer(img);
  }
  const name = pngNames ? base.replace(/\.rgb$/, '.png') : base;
  process.stdout.write([name, ...Array.from(y.dataSync()).map((v) => v.toFixed(6))].join('\t') + '\n');
  y.dispose();
  img.dispose();
}
