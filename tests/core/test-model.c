/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "veil-model-private.h"
#include "veil-test-utils.h"

/* The model loader against hostile files: each damaged variant of the real model must be
 * refused with its own error and must not crash (the sanitizer build runs this too). The
 * variants that change the tables are re-signed, so they reach the checks behind the digest. */

#define HEADER_SIZE 160
#define TENSOR_ENTRY 120
#define OP_ENTRY 84

static GBytes *model_bytes;

static GBytes *
get_model_bytes (void)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize len = 0;

  if (model_bytes != NULL)
    return model_bytes;
  path = veil_model_get_default_path ();
  if (!g_file_get_contents (path, &data, &len, &error))
    g_error ("classifier model not available at %s: %s (run tools/fetch-model.sh, then meson setup --reconfigure and rebuild)",
             path, error->message);
  model_bytes = g_bytes_new_take (data, len);
  return model_bytes;
}

static guint8 *
copy_model (gsize *len)
{
  GBytes *bytes = get_model_bytes ();

  *len = g_bytes_get_size (bytes);
  return g_memdup2 (g_bytes_get_data (bytes, NULL), *len);
}

static guint32
get_u32 (const guint8 *p)
{
  guint32 v;

  memcpy (&v, p, 4);
  return GUINT32_FROM_LE (v);
}

static guint64
get_u64 (const guint8 *p)
{
  guint64 v;

  memcpy (&v, p, 8);
  return GUINT64_FROM_LE (v);
}

static void
put_u32 (guint8  *p,
         guint32  v)
{
  v = GUINT32_TO_LE (v);
  memcpy (p, &v, 4);
}

static void
put_u64 (guint8  *p,
         guint64  v)
{
  v = GUINT64_TO_LE (v);
  memcpy (p, &v, 8);
}

/* Recomputes the payload digest, as a forger (or a buggy converter) would. */
static void
resign (guint8 *data,
        gsize   len)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize dlen = 32;

  g_checksum_update (checksum, data + HEADER_SIZE, len - HEADER_SIZE);
  g_checksum_get_digest (checksum, data + 128, &dlen);
}

static void
assert_rejected (guint8 *data,
                 gsize   len,
                 int     code)
{
  g_autoptr(GBytes) bytes = g_bytes_new_take (data, len);
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilModel) model = veil_model_new_from_bytes (bytes, &error);

  g_assert_null (model);
  g_assert_error (error, VEIL_MODEL_ERROR, code);
  g_assert_nonnull (error->message);
  g_test_message ("refused: %s", error->message);
}

static void
test_valid (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = veil_model_get_default_path ();
  g_autoptr(VeilModel) model = veil_model_new_from_file (path, &error);
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  GBytes *bytes = get_model_bytes ();
  const guint8 *data = g_bytes_get_data (bytes, NULL);
  const VeilModelOp *ops;
  guint n_ops, w, h, c;

  g_assert_no_error (error);
  g_assert_cmpstr (veil_model_get_name (model), ==, "nsfwjs-mobilenet_v2");
  g_assert_cmpstr (veil_model_get_version (model), ==, "4.4.0");
  g_assert_cmpuint (veil_model_get_n_classes (model), ==, 5);
  veil_model_get_input_size (model, &w, &h, &c);
  g_assert_cmpuint (w, ==, 224);
  g_assert_cmpuint (h, ==, 224);
  g_assert_cmpuint (c, ==, 3);

  /* The reported digest is the payload's, computed independently here. */
  g_checksum_update (checksum, data + HEADER_SIZE, g_bytes_get_size (bytes) - HEADER_SIZE);
  g_assert_cmpstr (veil_model_get_sha256 (model), ==, g_checksum_get_string (checksum));

  /* The topology of CLASSIFIER.md §4: 66 fused ops ending 7x7x1280 -> GAP -> 3 dense. */
  ops = _veil_model_get_ops (model, &n_ops);
  g_assert_cmpuint (n_ops, ==, 66);
  g_assert_cmpint (ops[0].type, ==, VEIL_MODEL_OP_CONV);
  g_assert_cmpuint (ops[0].out_h, ==, 112);
  g_assert_cmpuint (ops[0].pad_bottom, ==, 1);
  g_assert_cmpuint (ops[0].pad_top, ==, 0);
  g_assert_cmpint (ops[61].act, ==, VEIL_MODEL_ACT_RELU6);
  g_assert_cmpuint (ops[61].out_c, ==, 1280);
  g_assert_cmpuint (ops[61].out_h, ==, 7);
  g_assert_cmpint (ops[62].type, ==, VEIL_MODEL_OP_GAP);
  g_assert_cmpint (ops[65].act, ==, VEIL_MODEL_ACT_SOFTMAX);

  /* Dequantisation is TF.js's: (float) (q * scale + min) in double. */
  {
    const VeilModelTensor *t = _veil_model_get_tensor (model, ops[0].kernel);

    g_assert_cmpstr (t->name, ==, "Conv1/kernel");
    g_assert_cmpuint (t->count, ==, 3 * 3 * 3 * 32);
    g_assert_cmpfloat (_veil_model_tensor_value (t, 5), ==, (float) (t->data[5] * t->scale + t->min));
  }
}

static void
test_missing (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = veil_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "none.vmodel", NULL);
  g_autofree char *empty = g_build_filename (dir, "empty.vmodel", NULL);
  VeilModel *model;

  model = veil_model_new_from_file (path, &error);
  g_assert_null (model);
  g_assert_error (error, VEIL_MODEL_ERROR, VEIL_MODEL_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  model = veil_model_new_from_file (empty, &error);
  g_assert_null (model);
  g_assert_error (error, VEIL_MODEL_ERROR, VEIL_MODEL_ERROR_TRUNCATED);
  g_clear_error (&error);

  model = veil_model_new_from_file (dir, &error);
  g_assert_null (model);
  g_assert_error (error, VEIL_MODEL_ERROR, VEIL_MODEL_ERROR_UNREADABLE);

  veil_test_rm_rf (dir);
}

/* Loads @path in a thread and fails the test if that takes more than a few seconds: a
 * loader that waits on a FIFO would otherwise hang the whole run instead of failing it. */
typedef struct {
  GMutex      lock;
  GCond       cond;
  const char *path;
  gboolean    done;
  VeilModel  *model;
  GError     *error;
} TimedLoad;

static gpointer
timed_load_thread (gpointer user_data)
{
  TimedLoad *load = user_data;
  GError *error = NULL;
  VeilModel *model = veil_model_new_from_file (load->path, &error);

  g_mutex_lock (&load->lock);
  load->model = model;
  load->error = error;
  load->done = TRUE;
  g_cond_signal (&load->cond);
  g_mutex_unlock (&load->lock);
  return NULL;
}

static VeilModel *
load_within_deadline (const char  *path,
                      GError     **error)
{
  TimedLoad load = { .path = path };
  gint64 deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;
  GThread *thread;

  g_mutex_init (&load.lock);
  g_cond_init (&load.cond);
  thread = g_thread_new ("timed-load", timed_load_thread, &load);
  g_mutex_lock (&load.lock);
  while (!load.done)
    if (!g_cond_wait_until (&load.cond, &load.lock, deadline))
      g_error ("loading the model at %s did not return within 10 s", path);
  g_mutex_unlock (&load.lock);
  g_thread_join (thread);
  g_mutex_clear (&load.lock);
  g_cond_clear (&load.cond);

  if (load.error != NULL)
    g_propagate_error (error, load.error);
  return load.model;
}

static void
assert_not_regular (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilModel) model = load_within_deadline (path, &error);

  g_assert_null (model);
  g_assert_error (error, VEIL_MODEL_ERROR, VEIL_MODEL_ERROR_UNREADABLE);
  g_assert_nonnull (strstr (error->message, "not a regular file"));
  g_test_message ("refused: %s", error->message);
}

/* Only a regular file is read. A FIFO is refused at once (opening it for reading would
 * otherwise wait for a writer forever), and so are a folder and a device. */
static void
test_not_regular (void)
{
  g_autofree char *dir = veil_test_make_tmpdir ();
  g_autofree char *fifo = g_build_filename (dir, "fifo.vmodel", NULL);

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  assert_not_regular (fifo);
  assert_not_regular (dir);
  assert_not_regular ("/dev/null");

  veil_test_rm_rf (dir);
}

/* A symlink as the last component is followed (a distribution may install the model as a
 * link into a shared data package; see open_model_fd()), but only to a regular file. */
static void
test_symlink (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = veil_test_make_tmpdir ();
  g_autofree char *real = veil_model_get_default_path ();
  g_autofree char *link = g_build_filename (dir, "link.vmodel", NULL);
  g_autofree char *fifo = g_build_filename (dir, "fifo", NULL);
  g_autofree char *fifo_link = g_build_filename (dir, "fifo-link.vmodel", NULL);
  g_autofree char *dangling = g_build_filename (dir, "dangling.vmodel", NULL);
  g_autofree char *absolute = g_canonicalize_filename (real, NULL);
  VeilModel *model;

  g_assert_cmpint (symlink (absolute, link), ==, 0);
  model = load_within_deadline (link, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (veil_model_get_name (model), ==, "nsfwjs-mobilenet_v2");
  g_assert_finalize_object (model);

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_cmpint (symlink (fifo, fifo_link), ==, 0);
  assert_not_regular (fifo_link);

  g_assert_cmpint (symlink ("nowhere.vmodel", dangling), ==, 0);
  model = load_within_deadline (dangling, &error);
  g_assert_null (model);
  g_assert_error (error, VEIL_MODEL_ERROR, VEIL_MODEL_ERROR_NOT_FOUND);

  veil_test_rm_rf (dir);
}

static void
test_truncated (void)
{
  gsize len, cuts[] = { 1, 8, 100, HEADER_SIZE - 1, HEADER_SIZE, HEADER_SIZE + 1, 5000, 40000 };

  for (guint i = 0; i < G_N_ELEMENTS (cuts); i++)
    {
      guint8 *data = copy_model (&len);

      /* Inside the header, or with a payload shorter than the header says. */
      assert_rejected (data, cuts[i], VEIL_MODEL_ERROR_TRUNCATED);
    }
  {
    guint8 *data = copy_model (&len);

    /* One byte short at the end. */
    assert_rejected (data, len - 1, VEIL_MODEL_ERROR_TRUNCATED);
  }
}

static void
test_bad_magic (void)
{
  gsize len;
  guint8 *data = copy_model (&len);

  memcpy (data, "GIF89a\0\0", 8);
  assert_rejected (data, len, VEIL_MODEL_ERROR_BAD_MAGIC);
}

static void
test_bad_version (void)
{
  gsize len;
  guint8 *data = copy_model (&len);

  put_u32 (data + 8, 2);
  assert_rejected (data, len, VEIL_MODEL_ERROR_UNSUPPORTED_VERSION);
}

static void
test_checksum (void)
{
  gsize len;
  guint8 *data = copy_model (&len);

  /* One weight byte changed and not re-signed. */
  data[len - 1000] ^= 0x40;
  assert_rejected (data, len, VEIL_MODEL_ERROR_CHECKSUM);

  /* Trailing garbage after a valid payload is not silently accepted either. */
  data = copy_model (&len);
  data = g_realloc (data, len + 16);
  memset (data + len, 0, 16);
  assert_rejected (data, len + 16, VEIL_MODEL_ERROR_BAD_LAYOUT);
}

static void
test_layout_overflow (void)
{
  gsize len;
  guint8 *data;
  guint64 tensor_off;

  /* Offsets and counts whose products or sums would wrap around 64 bits. */
  data = copy_model (&len);
  put_u64 (data + 40, G_MAXUINT64 - 10);
  resign (data, len);
  assert_rejected (data, len, VEIL_MODEL_ERROR_BAD_LAYOUT);

  data = copy_model (&len);
  put_u64 (data + 64, G_MAXUINT64);   /* weights size */
  resign (data, len);
  assert_rejected (data, len, VEIL_MODEL_ERROR_BAD_LAYOUT);

  data = copy_model (&len);
  put_u32 (data + 20, 4000);          /* more ops than the file holds */
  resign (data, len);
  assert_rejected (data, len, VEIL_MODEL_ERROR_BAD_LAYOUT);

  data = copy_model (&len);
  put_u32 (data + 16, G_MAXUINT32);   /* tensor count */
  resign (data, len);
  assert_rejected (data, len, VEIL_MODEL_ERROR_BAD_LAYOUT);

  /* A tensor whose offset + length passes the end of the weights. */
  data = copy_model (&len);
  tensor_off = get_u64 (data + 40);
  put_u64 (data + tensor_off + 104, G_MAXUINT64 - 3);
  resign (data, len);
  assert_rejected (data, len, VEIL_MODEL_ERROR_BAD_LAYOUT);

  data = copy_model (&len);
  put_u64 (data + 72, G_MAXUINT64);   /* payload size */
  assert_rejected (data, len, VEIL_MODEL_ERROR_TRUNCATED);
}

static void
test_bad_tensor (void)
{
  gsize len;
  guint8 *data;
  guint64 tensor_off;
  double nan = g_strtod ("nan", NULL);

  /* Dims that disagree with the stored length. */
  data = copy_model (&len);
  tensor_off = get_u64 (data + 40);
  put_u32 (data + tensor_off + 68, get_u32 (data + tensor_off + 68) + 1);
  resign (data, len);
  assert_rejected (data, len, VEIL_MODEL_ERROR_BAD_TENSOR);

  /* A rank of zero, and one of five. */
  data = copy_model (&len);
  put_u32 (data + tensor_off + 64, 0);
  resign (data, len);
  assert_rejected (data, len, VEIL_MODEL_ERROR_BAD_TENSOR);

  data = copy_model (&len);
  put_u32 (data + tensor_off + 64, 5);
  resign (data, len);
  assert_rejected (data, len, VEIL_MODEL_ERROR_BAD_TENSOR);

  /* A scale that is not a number. */
  data = copy_model (&len);
  memcpy (data + tensor_off + 88, &nan, 8);
  resign (data, len);
  assert_rejected (data, len, VEIL_MODEL_ERROR_BAD_TENSOR);

  /* A name without its terminating NUL. */
  data = copy_model (&len);
  memset (data + tensor_off, 'x', 64);
  resign (data, len);
  assert_rejected (data, len, VEIL_MODEL_ERROR_BAD_TENSOR);
}

static void
test_bad_graph (void)
{
  gsize len;
  guint8 *data;
  guint64 op_off;

  /* Op 2 (a 1x1 conv with 16 outputs) pointed at the stem's 3x3 kernel: shapes disagree. */
  data = copy_model (&len);
  op_off = get_u64 (data + 48);
  put_u32 (data + op_off + 2 * OP_ENTRY + 52, get_u32 (data + op_off + 52));
  resign (data, len);
  assert_rejected (data, len, VEIL_MODEL_ERROR_BAD_GRAPH);

  /* An op reading one that comes after it. */
  data = copy_model (&len);
  put_u32 (data + op_off + 3 * OP_ENTRY + 8, 10);
  resign (data, len);
  assert_rejected (data, len, VEIL_MODEL_ERROR_BAD_GRAPH);

  /* An unknown op type. */
  data = copy_model (&len);
  put_u32 (data + op_off + 5 * OP_ENTRY, 99);
  resign (data, len);
  assert_rejected (data, len, VEIL_MODEL_ERROR_BAD_GRAPH);

  /* A residual add whose inputs differ in shape: block_2_add reading the expand output. */
  data = copy_model (&len);
  put_u32 (data + op_off + 9 * OP_ENTRY + 12, 6);
  resign (data, len);
  assert_rejected (data, len, VEIL_MODEL_ERROR_BAD_GRAPH);

  /* A kernel index far outside the tensor table. */
  data = copy_model (&len);
  put_u32 (data + op_off + 0 * OP_ENTRY + 52, 0x7fffffff);
  resign (data, len);
  assert_rejected (data, len, VEIL_MODEL_ERROR_BAD_GRAPH);

  /* A stride of zero (a division by zero if it got through). */
  data = copy_model (&len);
  put_u32 (data + op_off + 1 * OP_ENTRY + 24, 0);
  resign (data, len);
  assert_rejected (data, len, VEIL_MODEL_ERROR_BAD_GRAPH);

  /* Softmax in the middle of the network. */
  data = copy_model (&len);
  put_u32 (data + op_off + 63 * OP_ENTRY + 4, 3);
  resign (data, len);
  assert_rejected (data, len, VEIL_MODEL_ERROR_BAD_GRAPH);

  /* An input of the wrong channel count. */
  data = copy_model (&len);
  put_u32 (data + 32, 4);
  resign (data, len);
  assert_rejected (data, len, VEIL_MODEL_ERROR_BAD_GRAPH);
}

/* Random damage to the tables, re-signed: the loader either accepts the file or refuses it
 * with a model error, and never reads out of bounds (checked by the sanitizer build). */
static void
test_random_damage (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261128);
  guint accepted = 0;

  for (guint round = 0; round < 300; round++)
    {
      gsize len;
      guint8 *data = copy_model (&len);
      guint64 tables_end = get_u64 (data + 56);
      guint flips = g_rand_int_range (rand, 1, 8);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(VeilModel) model = NULL;

      for (guint f = 0; f < flips; f++)
        {
          guint pos = g_rand_int_range (rand, 8, (gint32) tables_end);

          data[pos] = (guint8) g_rand_int_range (rand, 0, 256);
        }
      resign (data, len);
      bytes = g_bytes_new_take (data, len);
      model = veil_model_new_from_bytes (bytes, &error);
      if (model == NULL)
        g_assert_true (error->domain == VEIL_MODEL_ERROR);
      else
        accepted++;
    }
  g_test_message ("%u of 300 damaged files still parsed (damage in unused or harmless fields)", accepted);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  veil_test_init (&argc, &argv);

  g_test_add_func ("/veil/model/valid", test_valid);
  g_test_add_func ("/veil/model/missing", test_missing);
  g_test_add_func ("/veil/model/not-regular", test_not_regular);
  g_test_add_func ("/veil/model/symlink", test_symlink);
  g_test_add_func ("/veil/model/truncated", test_truncated);
  g_test_add_func ("/veil/model/bad-magic", test_bad_magic);
  g_test_add_func ("/veil/model/bad-version", test_bad_version);
  g_test_add_func ("/veil/model/checksum", test_checksum);
  g_test_add_func ("/veil/model/layout-overflow", test_layout_overflow);
  g_test_add_func ("/veil/model/bad-tensor", test_bad_tensor);
  g_test_add_func ("/veil/model/bad-graph", test_bad_graph);
  g_test_add_func ("/veil/model/random-damage", test_random_damage);

  ret = g_test_run ();
  g_clear_pointer (&model_bytes, g_bytes_unref);
  return ret;
}
