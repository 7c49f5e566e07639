/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-false-alarms"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <vips/vips.h>

#include "veil.h"
#include "veil-image-private.h"
#include "veil-nsfw-classifier-private.h"
#include "veil-bench-library.h"

/* bench/false-alarms: how often Veil warns about pictures nobody would call sensitive, on the
 * benign corpus tools/fetch-benign-corpus.sh builds from Debian packages.
 *
 *   bench-false-alarms [--groups FILE] [--compare] [--second-opinion] [--fixtures DIR]
 *                      [--scores FILE] CORPUS
 *
 * Every picture goes through what a scan does: VeilImage decodes it with the analyzer's
 * needs, the classifier scores its 224x224 input, and each sensitivity level's profile
 * judges the scores (veil_analyzer_evaluate()). The rate is reported per group of
 * bench/data/benign-corpus.tsv and per level, and every flagged picture is listed with its
 * scores.
 *
 * --compare also scores each picture after two other ways to reach 224x224 from the same
 * full-size decode: nsfwjs's own bilinear resize (alignCorners, as the engine does for a
 * buffer of any size) and an area average (libvips' box shrink), and measures how many
 * adversarial positive fixtures each way still flags, at their size and enlarged.
 * Production preprocessing is not touched: the alternatives live here only.
 *
 * --second-opinion also runs the second model (MobileNetV2Mid) on every picture the first
 * flags at some level, and reports the false alarms and the fixtures' recall with the
 * second-opinion rule on, for a few candidate margins and bars around Veil's own. */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipsImage, g_object_unref)

static void
array_double_unref (VipsArrayDouble *array)
{
  vips_area_unref (VIPS_AREA (array));
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipsArrayDouble, array_double_unref)

#define SIDE VEIL_IMAGE_CLASSIFIER_SIZE
#define N_LEVELS (VEIL_SENSITIVITY_STRICT + 1)

typedef enum {
  GROUP_PHOTOGRAPH,
  GROUP_PEOPLE,
  GROUP_TEXTURE,
  GROUP_DRAWING,
  GROUP_FIGURE,
  N_GROUPS
} Group;

static const char *const group_names[N_GROUPS] = {
  "photograph", "photograph-with-people", "texture", "drawing", "figure",
};

typedef enum {
  METHOD_TODAY,
  METHOD_NSFWJS,
  METHOD_AREA,
  N_METHODS
} Method;

static const char *const method_names[N_METHODS] = {
  "libvips (today)", "nsfwjs bilinear", "area average",
};

static const char *const class_names[] = { "drawing", "hentai", "neutral", "porn", "sexy" };
#define N_CLASSES G_N_ELEMENTS (class_names)

typedef struct {
  char *pattern;
  int   group;
} Rule;

typedef struct {
  char     *name;
  int       group;
  gboolean  ok[N_METHODS];
  double    p[N_METHODS][N_CLASSES];
  gboolean  flagged[N_METHODS][N_LEVELS];
  VeilClassifierResult *first;   /* today's scores when flagged at some level, else NULL */
  VeilClassifierResult *second;  /* the second model's scores for the same, else NULL */
} Entry;

typedef struct {
  VeilClassifier  *classifier;
  VeilClassifier  *second;       /* with --second-opinion, else NULL */
  VeilAnalyzer    *analyzer;
  VeilProfile     *profiles[N_LEVELS];
  VeilImageNeeds   needs;
  VeilImageLimits  limits;
  guint            n_methods;
} Bench;

static char *groups_path;
static char *fixtures_dir;
static char *scores_path;
static gboolean compare;
static gboolean second_opinion;

static void
rule_free (gpointer data)
{
  Rule *rule = data;

  g_free (rule->pattern);
  g_free (rule);
}

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_free (entry->name);
  g_clear_pointer (&entry->first, veil_classifier_result_unref);
  g_clear_pointer (&entry->second, veil_classifier_result_unref);
  g_free (entry);
}

static int
group_from_name (const char *name)
{
  for (int g = 0; g < N_GROUPS; g++)
    if (g_str_equal (name, group_names[g]))
      return g;
  return -1;
}

/* The group file: PATTERN TAB GROUP [TAB NOTE] lines, '#' comments; a pattern is a glob on
 * the corpus name (g_pattern_match_simple(): '*' also crosses '/'). The last matching line
 * wins, so a folder's line comes first and the exceptions after it. */
static GPtrArray *
load_rules (const char  *path,
            GError     **error)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GPtrArray) rules = g_ptr_array_new_with_free_func (rule_free);

  if (!g_file_get_contents (path, &text, NULL, error))
    return NULL;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = NULL;
      Rule *rule;

      if (lines[i][0] == '\0' || lines[i][0] == '#')
        continue;
      fields = g_strsplit (lines[i], "\t", 3);
      if (g_strv_length (fields) < 2 || group_from_name (fields[1]) < 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "%s:%u: expected PATTERN<TAB>GROUP with a group among photograph, "
                       "photograph-with-people, texture, drawing, figure", path, i + 1);
          return NULL;
        }
      rule = g_new0 (Rule, 1);
      rule->pattern = g_strdup (fields[0]);
      rule->group = group_from_name (fields[1]);
      g_ptr_array_add (rules, rule);
    }
  return g_steal_pointer (&rules);
}

static int
group_for (GPtrArray  *rules,
           const char *name)
{
  for (guint i = rules->len; i-- > 0;)
    {
      Rule *rule = g_ptr_array_index (rules, i);

      if (g_pattern_match_simple (rule->pattern, name))
        return rule->group;
    }
  return -1;
}

/* The corpus' pictures, as manifest.tsv names them, each with its group; NULL (and the
 * names) when a picture has no group, so the group file stays complete. */
static GPtrArray *
load_corpus (const char  *dir,
             GPtrArray   *rules,
             GError     **error)
{
  g_autofree char *manifest = g_build_filename (dir, "manifest.tsv", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (entry_free);
  g_autoptr(GString) missing = g_string_new (NULL);

  if (!g_file_get_contents (manifest, &text, NULL, error))
    return NULL;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = NULL;
      Entry *entry;

      if (lines[i][0] == '\0' || lines[i][0] == '#')
        continue;
      fields = g_strsplit (lines[i], "\t", 2);
      entry = g_new0 (Entry, 1);
      entry->name = g_strdup (fields[0]);
      entry->group = group_for (rules, entry->name);
      if (entry->group < 0)
        g_string_append_printf (missing, "  %s\n", entry->name);
      g_ptr_array_add (entries, entry);
    }
  if (missing->len > 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "these pictures have no group in %s:\n%s", groups_path, missing->str);
      return NULL;
    }
  return g_steal_pointer (&entries);
}

static void
judge (Bench                *bench,
       Entry                *entry,
       Method                method,
       VeilClassifierResult *scores)
{
  for (guint c = 0; c < N_CLASSES; c++)
    {
      int k = veil_classifier_result_find_class (scores, class_names[c]);

      entry->p[method][c] = k >= 0 ? veil_classifier_result_get_probability (scores, k) : 0.0;
    }
  for (int level = 0; level < N_LEVELS; level++)
    {
      g_autoptr(VeilVerdict) verdict = veil_analyzer_evaluate (bench->analyzer, bench->profiles[level],
                                                               NULL, 0, scores);

      entry->flagged[method][level] = veil_verdict_get_sensitive (verdict);
    }
  entry->ok[method] = TRUE;
}

/* The full-size picture the alternatives start from, decoded by libvips here as VeilImage
 * does: EXIF orientation applied, sRGB, 8 bits, transparency on white, three bands. */
static VipsImage *
load_display (const char *path)
{
  g_autoptr(VipsImage) in = vips_image_new_from_file (path, NULL);
  g_autoptr(VipsImage) rotated = NULL;
  g_autoptr(VipsImage) srgb = NULL;
  g_autoptr(VipsImage) flat = NULL;
  VipsImage *out = NULL;

  if (in == NULL || vips_autorot (in, &rotated, NULL) != 0 ||
      vips_colourspace (rotated, &srgb, VIPS_INTERPRETATION_sRGB, NULL) != 0)
    return NULL;
  if (vips_image_hasalpha (srgb))
    {
      g_autoptr(VipsArrayDouble) white = vips_array_double_newv (3, 255.0, 255.0, 255.0);

      if (vips_flatten (srgb, &flat, "background", white, NULL) != 0)
        return NULL;
    }
  else
    flat = g_object_ref (srgb);
  if (vips_cast_uchar (flat, &out, NULL) != 0)
    return NULL;
  return out;
}

/* An area average to exactly SIDE x SIDE: libvips' box shrink over whole-pixel blocks, its
 * fractional rest by vips_reduce. A side shorter than SIDE has nothing to average and is
 * enlarged with Lanczos3, as today. */
static VipsImage *
area_resize (VipsImage *in)
{
  g_autoptr(VipsImage) shrunk = NULL;
  g_autoptr(VipsImage) sized = NULL;
  VipsImage *out = NULL;

  if (vips_shrink (in, &shrunk, MAX (1.0, (double) in->Xsize / SIDE),
                   MAX (1.0, (double) in->Ysize / SIDE), NULL) != 0)
    return NULL;
  if (shrunk->Xsize == SIDE && shrunk->Ysize == SIDE)
    return g_steal_pointer (&shrunk);
  if (vips_resize (shrunk, &sized, (double) SIDE / shrunk->Xsize,
                   "vscale", (double) SIDE / shrunk->Ysize,
                   "kernel", VIPS_KERNEL_LANCZOS3, NULL) != 0 ||
      vips_gravity (sized, &out, VIPS_COMPASS_DIRECTION_NORTH_WEST, SIDE, SIDE,
                    "extend", VIPS_EXTEND_COPY, NULL) != 0)
    return NULL;
  return out;
}

static VeilClassifierResult *
classify_vips (Bench     *bench,
               VipsImage *image)
{
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *rgb = NULL;
  VeilClassifierResult *scores;
  size_t size = 0;

  if (image->Bands != 3 || (rgb = vips_image_write_to_memory (image, &size)) == NULL)
    return NULL;
  /* The engine resizes a buffer that is not its input size exactly as nsfwjs does. */
  scores = veil_classifier_classify_rgb (bench->classifier, rgb, image->Xsize, image->Ysize,
                                         (gsize) image->Xsize * 3, 0, NULL, &error);
  if (scores == NULL)
    g_printerr ("classification failed: %s\n", error->message);
  return scores;
}

static void
score_alternatives (Bench      *bench,
                    Entry      *entry,
                    const char *path)
{
  g_autoptr(VipsImage) display = load_display (path);
  g_autoptr(VipsImage) area = NULL;
  g_autoptr(VeilClassifierResult) nsfwjs = NULL;
  g_autoptr(VeilClassifierResult) averaged = NULL;

  if (display == NULL)
    {
      g_printerr ("%s: libvips could not decode it here: %s\n", entry->name, vips_error_buffer ());
      vips_error_clear ();
      return;
    }
  nsfwjs = classify_vips (bench, display);
  if (nsfwjs != NULL)
    judge (bench, entry, METHOD_NSFWJS, nsfwjs);
  area = area_resize (display);
  if (area != NULL)
    averaged = classify_vips (bench, area);
  if (averaged != NULL)
    judge (bench, entry, METHOD_AREA, averaged);
  vips_error_clear ();
}

/* Scores @path as a scan does, and with --compare the alternatives too. */
static void
score_file (Bench      *bench,
            Entry      *entry,
            const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilImage) image = NULL;
  g_autoptr(VeilClassifierResult) scores = NULL;

  image = veil_image_load_file (path, bench->needs, &bench->limits, NULL, &error);
  if (image != NULL)
    scores = veil_classifier_classify_image (bench->classifier, image, VEIL_CLASSIFY_FLAGS_NONE,
                                             NULL, &error);
  if (scores == NULL)
    g_printerr ("%s: not analysed: %s\n", entry->name, error->message);
  else
    judge (bench, entry, METHOD_TODAY, scores);
  /* Every level's flags lie within strict's, so this is every picture a rule could clear. */
  if (scores != NULL && bench->second != NULL && entry->flagged[METHOD_TODAY][VEIL_SENSITIVITY_STRICT])
    {
      entry->first = veil_classifier_result_ref (scores);
      entry->second = veil_classifier_classify_image (bench->second, image, VEIL_CLASSIFY_FLAGS_NONE,
                                                      NULL, &error);
      if (entry->second == NULL)
        g_error ("%s: the second model failed: %s", entry->name, error->message);
    }

  if (bench->n_methods > 1)
    score_alternatives (bench, entry, path);
}

static char *
describe_levels (const gboolean *flagged)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (int level = 0; level < N_LEVELS; level++)
    if (flagged[level])
      g_string_append_printf (text, "%s%s", text->len ? "," : "", veil_sensitivity_to_string (level));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
print_rate (guint flagged,
            guint n)
{
  if (n == 0)
    printf (" | -");
  else
    printf (" | %u (%.1f%%)", flagged, 100.0 * flagged / n);
}

/* One method's false alarms per group and level, as a Markdown table. */
static void
print_group_table (GPtrArray *entries,
                   Method     method)
{
  guint n[N_GROUPS + 2] = { 0 }, flagged[N_GROUPS + 2][N_LEVELS] = { { 0 } };
  guint failed = 0;

  for (guint i = 0; i < entries->len; i++)
    {
      Entry *e = g_ptr_array_index (entries, i);
      /* The group itself, "all photographs" (the three photograph groups), "all". */
      int rows[] = { e->group, e->group <= GROUP_TEXTURE ? N_GROUPS : -1, N_GROUPS + 1 };

      if (!e->ok[method])
        {
          failed++;
          continue;
        }
      for (guint r = 0; r < G_N_ELEMENTS (rows); r++)
        {
          if (rows[r] < 0)
            continue;
          n[rows[r]]++;
          for (int level = 0; level < N_LEVELS; level++)
            flagged[rows[r]][level] += e->flagged[method][level];
        }
    }

  printf ("\nfalse alarms, %s (%u pictures not analysed):\n\n", method_names[method], failed);
  printf ("| group | pictures | relaxed | standard | strict |\n|---|---|---|---|---|\n");
  for (int g = 0; g < N_GROUPS + 2; g++)
    {
      printf ("| %s | %u", g < N_GROUPS ? group_names[g] : g == N_GROUPS ? "all photographs" : "all", n[g]);
      for (int level = 0; level < N_LEVELS; level++)
        print_rate (flagged[g][level], n[g]);
      printf (" |\n");
    }
}

static void
print_scores (const double *p)
{
  for (guint c = 0; c < N_CLASSES; c++)
    printf (" %s %.3f", class_names[c], p[c]);
}

/* Every picture some method flags at some level, with each method's scores. */
static void
print_flagged (Bench     *bench,
               GPtrArray *entries)
{
  printf ("\nflagged pictures (scores drawing hentai neutral porn sexy; levels that warn):\n");
  for (guint i = 0; i < entries->len; i++)
    {
      Entry *e = g_ptr_array_index (entries, i);
      gboolean any = FALSE;

      for (guint m = 0; m < bench->n_methods; m++)
        any |= e->ok[m] && e->flagged[m][VEIL_SENSITIVITY_STRICT];
      if (!any)
        continue;
      printf ("  %s [%s]\n", e->name, group_names[e->group]);
      for (guint m = 0; m < bench->n_methods; m++)
        {
          g_autofree char *levels = describe_levels (e->flagged[m]);

          if (!e->ok[m])
            continue;
          printf ("    %-16s", method_names[m]);
          print_scores (e->p[m]);
          printf ("  -> %s\n", *levels ? levels : "none");
        }
    }
}

static gboolean
write_scores (Bench      *bench,
              GPtrArray  *entries,
              const char *path,
              GError    **error)
{
  g_autoptr(GString) out = g_string_new ("# name\tgroup\tmethod\tdrawing\thentai\tneutral\tporn\tsexy\tlevels\n");

  for (guint i = 0; i < entries->len; i++)
    {
      Entry *e = g_ptr_array_index (entries, i);

      for (guint m = 0; m < bench->n_methods; m++)
        {
          g_autofree char *levels = describe_levels (e->flagged[m]);

          if (!e->ok[m])
            continue;
          g_string_append_printf (out, "%s\t%s\t%s", e->name, e->group >= 0 ? group_names[e->group] : "fixture",
                                  method_names[m]);
          for (guint c = 0; c < N_CLASSES; c++)
            g_string_append_printf (out, "\t%.6f", e->p[m][c]);
          g_string_append_printf (out, "\t%s\n", *levels ? levels : "-");
        }
    }
  return g_file_set_contents (path, out->str, out->len, error);
}

/* The sizes the fixtures are also shown at: a resize method only matters when there is
 * something to resize, and the fixtures are 224x224 themselves. */
typedef enum {
  VARIANT_AS_IS,
  VARIANT_NEAREST_448,
  VARIANT_LANCZOS_1000x750,
  N_VARIANTS
} Variant;

static const char *const variant_names[N_VARIANTS] = {
  "224x224 as is", "448x448 pixels doubled", "1000x750 Lanczos3",
};

static gboolean
write_variant (const char *fixture,
               Variant     variant,
               const char *path)
{
  g_autoptr(VipsImage) in = vips_image_new_from_file (fixture, NULL);
  g_autoptr(VipsImage) out = NULL;

  if (in == NULL)
    return FALSE;
  switch (variant)
    {
    case VARIANT_AS_IS:
      out = g_object_ref (in);
      break;
    case VARIANT_NEAREST_448:
      if (vips_zoom (in, &out, 2, 2, NULL) != 0)
        return FALSE;
      break;
    case VARIANT_LANCZOS_1000x750:
    default:
      if (vips_resize (in, &out, 1000.0 / in->Xsize, "vscale", 750.0 / in->Ysize,
                       "kernel", VIPS_KERNEL_LANCZOS3, NULL) != 0)
        return FALSE;
      break;
    }
  return vips_image_write_to_file (out, path, NULL) == 0;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* The adversarial positives (pos_*.png, which must warn) at each size, scored by every
 * method; group -1, name VARIANT/FILE. */
static GPtrArray *
score_fixtures (Bench      *bench,
                const char *dir)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (entry_free);
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *tmp = g_dir_make_tmp ("veil-fixtures-XXXXXX", NULL);
  const char *file;

  if (listing == NULL || tmp == NULL)
    return NULL;
  while ((file = g_dir_read_name (listing)) != NULL)
    if (g_str_has_prefix (file, "pos_") && g_str_has_suffix (file, ".png"))
      g_ptr_array_add (files, g_strdup (file));
  g_ptr_array_sort (files, compare_names);

  for (int v = 0; v < N_VARIANTS; v++)
    for (guint i = 0; i < files->len; i++)
      {
        g_autofree char *source = g_build_filename (dir, files->pdata[i], NULL);
        g_autofree char *target = g_strdup_printf ("%s/%d-%s", tmp, v, (char *) files->pdata[i]);
        Entry *entry = g_new0 (Entry, 1);

        entry->name = g_strdup_printf ("%s/%s", variant_names[v], (char *) files->pdata[i]);
        entry->group = -1;
        g_ptr_array_add (entries, entry);
        if (!write_variant (source, v, target))
          g_error ("could not make %s: %s", entry->name, vips_error_buffer ());
        score_file (bench, entry, target);
        g_unlink (target);
      }
  g_rmdir (tmp);
  return g_steal_pointer (&entries);
}

/* Recall of the positives per method, level and size, and the ones missed. */
static void
print_fixture_table (Bench     *bench,
                     GPtrArray *entries)
{
  printf ("\nadversarial positive fixtures still flagged (recall):\n\n");
  printf ("| method | size | relaxed | standard | strict | missed at strict |\n|---|---|---|---|---|---|\n");
  for (guint m = 0; m < bench->n_methods; m++)
    for (int v = 0; v < N_VARIANTS; v++)
      {
        guint n = 0, hit[N_LEVELS] = { 0 };
        g_autoptr(GString) missed = g_string_new (NULL);

        for (guint i = 0; i < entries->len; i++)
          {
            Entry *e = g_ptr_array_index (entries, i);

            if (!g_str_has_prefix (e->name, variant_names[v]) || !e->ok[m])
              continue;
            n++;
            for (int level = 0; level < N_LEVELS; level++)
              hit[level] += e->flagged[m][level];
            if (!e->flagged[m][VEIL_SENSITIVITY_STRICT])
              g_string_append_printf (missed, "%s%s", missed->len ? ", " : "", strrchr (e->name, '/') + 1);
          }
        printf ("| %s | %s", method_names[m], variant_names[v]);
        for (int level = 0; level < N_LEVELS; level++)
          printf (" | %u/%u", hit[level], n);
        printf (" | %s |\n", missed->len ? missed->str : "none");
      }
}

/* --- The second opinion ------------------------------------------------------------------ */

static const double candidate_margins[] = { 0.25, VEIL_SECOND_OPINION_MARGIN, 0.75 };
static const double candidate_bars[] = { 0.8, VEIL_SECOND_OPINION_BAR, 0.95 };

/* Whether @e stays flagged at @level with the rule on at @margin and @bar. */
static gboolean
flagged_with_rule (Bench  *bench,
                   Entry  *e,
                   int     level,
                   double  margin,
                   double  bar)
{
  g_autoptr(VeilClassifierPolicy) policy = NULL;

  if (!e->ok[METHOD_TODAY] || !e->flagged[METHOD_TODAY][level])
    return FALSE;
  if (e->second == NULL)
    return TRUE;
  policy = veil_analyzer_policy_for_profile (bench->profiles[level]);
  return !(veil_classifier_policy_is_borderline (policy, e->first, margin) &&
           veil_classifier_result_get_harmless (e->second) >= bar);
}

/* False alarms on photographs, textures and everything, and the fixtures' recall, per
 * candidate margin and bar, with the rule on. */
static void
print_second_opinion (Bench     *bench,
                      GPtrArray *entries,
                      GPtrArray *fixtures)
{
  printf ("\nwith the second opinion (margin: share of each threshold's headroom; bar: Mid's "
          "P(neutral) + P(drawing)); false alarms as relaxed/standard/strict:\n\n");
  printf ("| margin | bar | all photographs | textures | all | fixtures flagged (of %u at each level) |\n"
          "|---|---|---|---|---|---|\n", fixtures != NULL ? fixtures->len : 0);
  for (guint m = 0; m < G_N_ELEMENTS (candidate_margins); m++)
    for (guint b = 0; b < G_N_ELEMENTS (candidate_bars); b++)
      {
        guint photos[N_LEVELS] = { 0 }, textures[N_LEVELS] = { 0 }, all[N_LEVELS] = { 0 }, hit[N_LEVELS] = { 0 };

        for (int level = 0; level < N_LEVELS; level++)
          {
            for (guint i = 0; i < entries->len; i++)
              {
                Entry *e = g_ptr_array_index (entries, i);
                gboolean f = flagged_with_rule (bench, e, level, candidate_margins[m], candidate_bars[b]);

                photos[level] += f && e->group <= GROUP_TEXTURE;
                textures[level] += f && e->group == GROUP_TEXTURE;
                all[level] += f;
              }
            for (guint i = 0; fixtures != NULL && i < fixtures->len; i++)
              hit[level] += flagged_with_rule (bench, g_ptr_array_index (fixtures, i), level,
                                               candidate_margins[m], candidate_bars[b]);
          }
        printf ("| %.2f | %.2f | %u/%u/%u | %u/%u/%u | %u/%u/%u | %u/%u/%u |\n", candidate_margins[m], candidate_bars[b],
                photos[0], photos[1], photos[2], textures[0], textures[1], textures[2],
                all[0], all[1], all[2], hit[0], hit[1], hit[2]);
      }

  printf ("\nwhat the second model says about the flagged (first model's flagged score -> Mid's "
          "P(neutral) + P(drawing)):\n");
  for (guint i = 0; i < entries->len + (fixtures != NULL ? fixtures->len : 0); i++)
    {
      Entry *e = i < entries->len ? g_ptr_array_index (entries, i) : g_ptr_array_index (fixtures, i - entries->len);
      g_autofree char *levels = NULL;

      if (e->second == NULL)
        continue;
      levels = describe_levels (e->flagged[METHOD_TODAY]);
      printf ("  %-70s porn %.3f hentai %.3f sexy %.3f [%s] -> %.3f\n", e->name,
              e->p[METHOD_TODAY][3], e->p[METHOD_TODAY][1], e->p[METHOD_TODAY][4], levels,
              veil_classifier_result_get_harmless (e->second));
    }
}

static void
setup_bench (Bench *bench)
{
  g_autoptr(VeilModel) model = NULL;
  VeilNsfwClassifier *classifier = veil_bench_load_classifier (&model);

  /* One thread everywhere: the machine is shared, and a scan worker runs one image at a time. */
  veil_image_set_decode_threads (1);
  bench->classifier = VEIL_CLASSIFIER (classifier);
  bench->analyzer = veil_analyzer_new (bench->classifier);
  bench->needs = veil_analyzer_get_needs (bench->analyzer);
  veil_image_limits_init_default (&bench->limits);
  bench->n_methods = compare ? N_METHODS : 1;
  if (second_opinion)
    {
      g_autoptr(GError) error = NULL;
      VeilNsfwClassifier *mid = veil_nsfw_classifier_new_for_kind (VEIL_MODEL_KIND_MOBILENET_V2_MID, &error);

      if (mid == NULL)
        g_error ("%s (run tools/fetch-model.sh and rebuild)", error->message);
      veil_nsfw_classifier_set_threads (mid, 1);
      bench->second = VEIL_CLASSIFIER (mid);
    }

  for (int level = 0; level < N_LEVELS; level++)
    {
      g_autoptr(VeilProfileBuilder) builder = veil_profile_builder_new ("Bench");
      g_autoptr(GError) error = NULL;

      veil_profile_builder_set_sensitivity (builder, level);
      bench->profiles[level] = veil_profile_builder_build (builder, &error);
      if (bench->profiles[level] == NULL)
        g_error ("%s", error->message);
    }

  printf ("bench/false-alarms: kernels %s (%s=%s), 1 thread; needs of a scan: 0x%x\n",
          _veil_nsfw_classifier_get_kernels_name (VEIL_NSFW_CLASSIFIER (classifier)), VEIL_KERNELS_ENV,
          g_getenv (VEIL_KERNELS_ENV) ? g_getenv (VEIL_KERNELS_ENV) : "unset", bench->needs);
  printf ("  levels (any of porn, hentai, sexy >= threshold, or their sum >= combined):");
  for (int level = 0; level < N_LEVELS; level++)
    {
      g_autoptr(VeilClassifierPolicy) policy = veil_analyzer_policy_for_profile (bench->profiles[level]);

      printf (" %s %.3g (sum %.3g)%s", veil_sensitivity_to_string (level),
              veil_classifier_policy_get_threshold (policy, 0)->threshold,
              veil_classifier_policy_get_combined_threshold (policy), level + 1 < N_LEVELS ? "," : "\n");
    }
}

static void
clear_bench (Bench *bench)
{
  for (int level = 0; level < N_LEVELS; level++)
    g_clear_pointer (&bench->profiles[level], veil_profile_unref);
  g_clear_object (&bench->analyzer);
  g_clear_object (&bench->classifier);
  g_clear_object (&bench->second);
}

static void
score_corpus (Bench      *bench,
              const char *dir,
              GPtrArray  *entries)
{
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (entries, i);
      g_autofree char *path = g_build_filename (dir, entry->name, NULL);

      score_file (bench, entry, path);
      if ((i + 1) % 100 == 0)
        g_printerr ("  %u/%u pictures, %.0f s\n", i + 1, entries->len,
                    (g_get_monotonic_time () - start) / 1e6);
    }
  printf ("  %u pictures in %.0f s (%u method%s)\n", entries->len, (g_get_monotonic_time () - start) / 1e6,
          bench->n_methods, bench->n_methods > 1 ? "s" : "");
}

int
main (int   argc,
      char *argv[])
{
  GOptionEntry options[] = {
    { "groups", 0, 0, G_OPTION_ARG_FILENAME, &groups_path, "Group file (default: the source tree's bench/data/benign-corpus.tsv)", "FILE" },
    { "compare", 0, 0, G_OPTION_ARG_NONE, &compare, "Also score nsfwjs's bilinear and an area-average resize", NULL },
    { "second-opinion", 0, 0, G_OPTION_ARG_NONE, &second_opinion, "Also run the second model on what the first flags, and the rule", NULL },
    { "fixtures", 0, 0, G_OPTION_ARG_FILENAME, &fixtures_dir, "Adversarial fixtures (default: VEIL_TESTDATA/clf/fixtures)", "DIR" },
    { "scores", 0, 0, G_OPTION_ARG_FILENAME, &scores_path, "Write every picture's scores to FILE (TSV)", "FILE" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("CORPUS - false alarms on benign pictures");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rules = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) fixtures = NULL;
  const char *corpus;
  Bench bench = { NULL };

  g_option_context_add_main_entries (context, options, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 2;
    }
  corpus = argc > 1 ? argv[1] : g_getenv ("VEIL_BENIGN_CORPUS");
  if (corpus == NULL)
    {
      printf ("no corpus: run tools/fetch-benign-corpus.sh DIR, then bench-false-alarms DIR\n");
      return 77;
    }
  if (groups_path == NULL)
    groups_path = g_strdup (VEIL_BENIGN_GROUPS);
  if (fixtures_dir == NULL)
    fixtures_dir = g_build_filename (g_getenv ("VEIL_TESTDATA") ? g_getenv ("VEIL_TESTDATA") : VEIL_TESTDATA_DIR,
                                     "clf", "fixtures", NULL);

  rules = load_rules (groups_path, &error);
  if (rules != NULL)
    entries = load_corpus (corpus, rules, &error);
  if (entries == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }

  setup_bench (&bench);
  printf ("  corpus %s: %u pictures; groups from %s\n", corpus, entries->len, groups_path);
  score_corpus (&bench, corpus, entries);
  for (guint m = 0; m < bench.n_methods; m++)
    print_group_table (entries, m);
  print_flagged (&bench, entries);

  fixtures = g_file_test (fixtures_dir, G_FILE_TEST_IS_DIR) ? score_fixtures (&bench, fixtures_dir) : NULL;
  if (fixtures != NULL)
    print_fixture_table (&bench, fixtures);
  else
    printf ("\nno fixtures in %s: recall not measured\n", fixtures_dir);
  if (bench.second != NULL)
    print_second_opinion (&bench, entries, fixtures);

  if (scores_path != NULL && !write_scores (&bench, entries, scores_path, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }

  clear_bench (&bench);
  g_free (groups_path);
  g_free (fixtures_dir);
  g_free (scores_path);
  return 0;
}
