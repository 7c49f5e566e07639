/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veilctl"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <unistd.h>

#include "veil-analyzer.h"
#include "veil-classifier-policy.h"
#include "veil-heatmap.h"
#include "veil-image.h"
#include "veil-model.h"
#include "veil-nsfw-classifier.h"
#include "veilctl-common.h"

/* veilctl classify [--json] [--heatmap OUT.png] FILE…
 *
 * Prints each file's five class probabilities and whether it is sensitive under the default
 * policy (see veil-classifier-policy.c and data/models/README.md). Files that cannot be read
 * are reported and skipped; the exit status says whether all, some or none were handled. */

typedef struct {
  VeilAnalyzer         *analyzer;       /* opens files as Veil does; its pool decodes them */
  VeilClassifierPolicy *policy;
  VeilModel            *model;
  gboolean              json;
  const char           *heatmap;        /* a PNG path (one file) or a folder (several) */
  gboolean              heatmap_is_dir;
} ClassifyRun;

static void
print_json_line (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  veilctl_print_json (root, FALSE);
}

static void
report_error (ClassifyRun *run,
              const char  *file,
              GError      *error)
{
  if (run->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "file");
      json_builder_add_string_value (builder, file);
      json_builder_set_member_name (builder, "error");
      json_builder_add_string_value (builder, error->message);
      json_builder_end_object (builder);
      print_json_line (builder);
    }
  /* Translators: the first %s is a file name, the second an error message */
  fprintf (stderr, _("veilctl: %s: %s\n"), file, error->message);
}

static char *
heatmap_path_for (ClassifyRun *run,
                  const char  *file)
{
  g_autofree char *base = NULL;
  g_autofree char *name = NULL;

  if (!run->heatmap_is_dir)
    return g_strdup (run->heatmap);
  base = g_path_get_basename (file);
  name = g_strconcat (base, ".heatmap.png", NULL);
  return g_build_filename (run->heatmap, name, NULL);
}

static gboolean
write_heatmap (ClassifyRun          *run,
               const char           *file,
               VeilWorkerResult     *figures,
               guint                 frame,
               VeilClassifierResult *result,
               int                   flagged,
               GError              **error)
{
  g_autofree char *out = heatmap_path_for (run, file);
  guint cls = flagged >= 0 ? (guint) flagged : veil_classifier_result_get_top_class (result);
  guint map_w, map_h, w = 0, h = 0;
  const float *map = veil_classifier_result_get_heatmap (result, cls, &map_w, &map_h);
  /* The worker's display thumbnail (or, without one, its classifier input). */
  const guint8 *rgb = veil_worker_result_get_preview (figures, frame, &w, &h);

  return veil_heatmap_save_png (map, map_w, map_h, rgb, w, h, out, error);
}

/* The file's first-frame figures from an analysis worker: this process never decodes it. */
static VeilWorkerResult *
analyze (ClassifyRun  *run,
         const char   *file,
         GError      **error)
{
  VeilWorkerRequest request = { VEIL_IMAGE_NEED_CLASSIFIER, VEIL_PDQ_MODE_EXACT, 0, { 0 } };
  g_autofree char *name = g_filename_display_name (file);
  VeilWorkerResult *figures;
  int fd;

  if (run->heatmap != NULL)
    {
      request.needs |= VEIL_IMAGE_NEED_THUMBNAIL;
      request.flags |= VEIL_WORKER_REQUEST_PREVIEW;
    }
  veil_image_limits_init_default (&request.limits);
  fd = veil_analyzer_open_file (run->analyzer, file, error);
  if (fd < 0)
    return NULL;
  figures = veil_worker_pool_analyze (veil_analyzer_get_pool (run->analyzer), VEIL_WORKER_LANE_API, fd, name,
                                      &request, NULL, error);
  close (fd);
  return figures;
}

/* The frame whose scores are shown: a picture's first; for a video, the sensitive frame the
 * policy is surest of (or the first), the video being sensitive as the analyzer judges it:
 * VEIL_VIDEO_MIN_SENSITIVE_FRAMES of its frames, or all of them. */
static guint
pick_frame (ClassifyRun      *run,
            VeilWorkerResult *figures,
            gboolean         *sensitive,
            int              *flagged)
{
  guint n = veil_worker_result_get_n_frames (figures), n_sensitive = 0, best = 0;
  double best_score = -1.0;

  for (guint i = 0; i < n; i++)
    {
      VeilClassifierResult *scores = veil_worker_result_get_scores (figures, i);
      int cls = -1;

      if (!veil_classifier_policy_evaluate (run->policy, scores, &cls))
        continue;
      n_sensitive++;
      if (cls >= 0 && veil_classifier_result_get_probability (scores, (guint) cls) > best_score)
        {
          best = i;
          best_score = veil_classifier_result_get_probability (scores, (guint) cls);
        }
    }
  if (veil_worker_result_get_frame_time (figures, 0) < 0)
    best = 0;
  *sensitive = veil_worker_result_get_frame_time (figures, 0) < 0
               ? n_sensitive > 0
               : n_sensitive >= MIN (VEIL_VIDEO_MIN_SENSITIVE_FRAMES, n);
  if (!*sensitive)
    best = 0;
  *flagged = -1;
  veil_classifier_policy_evaluate (run->policy, veil_worker_result_get_scores (figures, best), flagged);
  return best;
}

static gboolean
classify_file (ClassifyRun  *run,
               const char   *file,
               GError      **error)
{
  g_autoptr(VeilWorkerResult) figures = NULL;
  VeilClassifierResult *result;
  guint n, top, frame;
  int flagged = -1;
  gboolean sensitive;
  gint64 time_ms;

  figures = analyze (run, file, error);
  if (figures == NULL)
    return FALSE;
  frame = pick_frame (run, figures, &sensitive, &flagged);
  result = veil_worker_result_get_scores (figures, frame);
  time_ms = veil_worker_result_get_frame_time (figures, frame);

  if (run->heatmap != NULL && !write_heatmap (run, file, figures, frame, result, flagged, error))
    return FALSE;

  n = veil_classifier_result_get_n_classes (result);
  top = veil_classifier_result_get_top_class (result);

  if (run->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "file");
      json_builder_add_string_value (builder, file);
      json_builder_set_member_name (builder, "scores");
      json_builder_begin_object (builder);
      for (guint i = 0; i < n; i++)
        {
          json_builder_set_member_name (builder, veil_classifier_result_get_class_name (result, i));
          /* json-glib writes doubles with up to 17 significant digits. */
          json_builder_add_double_value (builder, veil_classifier_result_get_probability (result, i));
        }
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "top");
      json_builder_add_string_value (builder, veil_classifier_result_get_class_name (result, top));
      json_builder_set_member_name (builder, "sensitive");
      json_builder_add_boolean_value (builder, sensitive);
      if (time_ms >= 0)
        {
          json_builder_set_member_name (builder, "frame-time-ms");
          json_builder_add_int_value (builder, time_ms);
        }
      json_builder_set_member_name (builder, "model");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, veil_classifier_result_get_model_name (result));
      json_builder_set_member_name (builder, "version");
      json_builder_add_string_value (builder, veil_classifier_result_get_model_version (result));
      json_builder_set_member_name (builder, "sha256");
      json_builder_add_string_value (builder, veil_classifier_result_get_model_sha256 (result));
      json_builder_end_object (builder);
      json_builder_end_object (builder);
      print_json_line (builder);
    }
  else
    {
      printf ("%s\n", file);
      for (guint i = 0; i < n; i++)
        printf ("  %-8s %.7f\n", veil_classifier_result_get_class_name (result, i),
                veil_classifier_result_get_probability (result, i));
      /* Translators: %s is a class name such as "neutral" or "porn"; kept in English */
      printf ("  %s %s\n", _("top:"), veil_classifier_result_get_class_name (result, top));
      printf ("  %s %s\n", _("sensitive:"), sensitive ? _("yes") : _("no"));
      if (time_ms >= 0)
        /* Translators: the time of the video frame whose scores are shown, in milliseconds */
        printf ("  %s %" G_GINT64_FORMAT " ms\n", _("frame at:"), time_ms);
    }

  return TRUE;
}

int
veilctl_classify (int    argc,
                  char **argv)
{
  gboolean json = FALSE;
  g_autofree char *heatmap = NULL;
  g_auto(GStrv) files = NULL;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("One JSON object per line"), NULL },
    { "heatmap", 0, 0, G_OPTION_ARG_FILENAME, &heatmap,
      N_("Write the class-activation heatmap as a PNG (a folder when there are several files)"), N_("OUT.png") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, N_("FILE…") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("— classify images with the on-device model"));
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilModel) model = NULL;
  g_autoptr(VeilWorkerPool) pool = NULL;
  g_autoptr(VeilAnalyzer) analyzer = NULL;
  g_autoptr(VeilClassifierPolicy) policy = veil_classifier_policy_new_default ();
  ClassifyRun run = { 0 };
  guint n_files, failed = 0;

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Prints each image’s class probabilities (drawing, hentai, neutral, porn, sexy) "
                                  "and whether it is sensitive under the default policy: porn ≥ 0.5, hentai ≥ 0.5, "
                                  "sexy ≥ 0.7, or the three together ≥ 0.7."));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "veilctl classify: %s\n", error->message);
      return VEILCTL_EXIT_USAGE;
    }
  n_files = files != NULL ? g_strv_length (files) : 0;
  if (n_files == 0)
    {
      fprintf (stderr, "%s\n", _("veilctl classify: name at least one image file"));
      return VEILCTL_EXIT_USAGE;
    }

  run.heatmap = heatmap;
  if (heatmap != NULL && n_files > 1)
    {
      if (!g_file_test (heatmap, G_FILE_TEST_IS_DIR))
        {
          fprintf (stderr, _("veilctl classify: with several files, --heatmap must name an existing folder (“%s” is not one)\n"),
                   heatmap);
          return VEILCTL_EXIT_USAGE;
        }
      run.heatmap_is_dir = TRUE;
    }

  /* Read here only for its name and to say at once when it is missing; the worker loads it. */
  model = veil_model_load_default (&error);
  if (model == NULL)
    {
      fprintf (stderr, "veilctl classify: %s\n", error->message);
      return VEILCTL_EXIT_FAILURE;
    }
  pool = veil_worker_pool_new (VEIL_WORKER_POOL_FLAGS_NONE);
  analyzer = veil_analyzer_new_with_pool (pool, veil_model_get_sha256 (model));

  run.analyzer = analyzer;
  run.policy = policy;
  run.model = model;
  run.json = json;

  for (guint i = 0; i < n_files; i++)
    {
      g_autoptr(GError) file_error = NULL;

      if (!classify_file (&run, files[i], &file_error))
        {
          report_error (&run, files[i], file_error);
          failed++;
        }
    }

  return veilctl_exit_for (n_files - failed, failed);
}
