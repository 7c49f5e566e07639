/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-test-classifier"

#include "config.h"

#include "veil-classifier-result-private.h"
#include "veil-test-classifier.h"

struct _VeilTestClassifier
{
  GObject parent_instance;
  guint   delay_ms;        /* how long each call takes, so that calls can overlap */
  gint    n_calls;         /* atomic */
  gint    in_flight;       /* atomic */
  gint    max_in_flight;   /* atomic */
};

static void veil_test_classifier_iface_init (VeilClassifierInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VeilTestClassifier, veil_test_classifier, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (VEIL_TYPE_CLASSIFIER, veil_test_classifier_iface_init))

static const char *class_names[] = { "drawing", "hentai", "neutral", "porn", "sexy" };

static VeilClassifierResult *
classify_rgb (VeilClassifier     *classifier,
              const guint8       *rgb,
              guint               width,
              guint               height,
              gsize               rowstride,
              VeilClassifyFlags   flags,
              GCancellable       *cancellable,
              GError            **error)
{
  VeilTestClassifier *self = VEIL_TEST_CLASSIFIER (classifier);
  double sum[3] = { 0, 0, 0 };
  float p[5] = { 0.01f, 0.01f, 0.96f, 0.01f, 0.01f };
  float logits[5] = { 0, 0, 0, 0, 0 };
  gint now = g_atomic_int_add (&self->in_flight, 1) + 1;
  gint max;

  g_atomic_int_inc (&self->n_calls);
  while ((max = g_atomic_int_get (&self->max_in_flight)) < now &&
         !g_atomic_int_compare_and_exchange (&self->max_in_flight, max, now))
    ;
  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      for (guint c = 0; c < 3; c++)
        sum[c] += rgb[y * rowstride + x * 3 + c];
  if (sum[0] > 2.0 * sum[1] && sum[0] > 2.0 * sum[2])
    {
      p[2] = 0.04f;
      p[3] = 0.93f;
    }
  if (self->delay_ms > 0)
    g_usleep (self->delay_ms * 1000);
  g_atomic_int_add (&self->in_flight, -1);
  return _veil_classifier_result_new (5, class_names, p, logits, "test-model", "1", "0000");
}

static void
veil_test_classifier_iface_init (VeilClassifierInterface *iface)
{
  iface->classify_rgb = classify_rgb;
}

static void
veil_test_classifier_class_init (VeilTestClassifierClass *klass)
{
}

static void
veil_test_classifier_init (VeilTestClassifier *self)
{
}

VeilTestClassifier *
veil_test_classifier_new (guint delay_ms)
{
  VeilTestClassifier *self = g_object_new (VEIL_TYPE_TEST_CLASSIFIER, NULL);

  self->delay_ms = delay_ms;
  return self;
}

guint
veil_test_classifier_get_n_calls (VeilTestClassifier *self)
{
  return (guint) g_atomic_int_get (&self->n_calls);
}

guint
veil_test_classifier_get_max_in_flight (VeilTestClassifier *self)
{
  return (guint) g_atomic_int_get (&self->max_in_flight);
}
