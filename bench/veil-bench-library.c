/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "veil-bench-library.h"

/* The installed model's classifier on one inference thread, as each scan worker runs it;
 * @model is set to the model it was made from. Exits when there is no model. */
VeilNsfwClassifier *
veil_bench_load_classifier (VeilModel **model)
{
  g_autoptr(GError) error = NULL;
  VeilNsfwClassifier *classifier;

  *model = veil_model_load_default (&error);
  if (*model == NULL)
    g_error ("%s (run tools/fetch-model.sh and rebuild)", error->message);
  classifier = veil_nsfw_classifier_new (*model, &error);
  g_assert_no_error (error);
  veil_nsfw_classifier_set_threads (classifier, 1);
  return classifier;
}

/* A child's profile that checks @folder in library scans, the scan acknowledged. */
VeilProfile *
veil_bench_save_profile (VeilStore  *store,
                         const char *folder)
{
  g_autoptr(VeilProfileBuilder) b = veil_profile_builder_new ("Bench");
  g_autoptr(VeilProfile) built = NULL;
  g_autoptr(GError) error = NULL;
  const char *folders[] = { folder, NULL };
  VeilProfile *saved;

  veil_profile_builder_set_folders (b, folders);
  veil_profile_builder_set_protection_enabled (b, VEIL_PROTECTION_LIBRARY_SCAN, TRUE);
  built = veil_profile_builder_build (b, &error);
  if (built == NULL || (saved = veil_store_save_profile (store, built, VEIL_ACTOR_GUARDIAN, &error)) == NULL ||
      !veil_store_acknowledge (store, saved, VEIL_PROTECTION_LIBRARY_SCAN,
                               veil_protection_get_text_version (VEIL_PROTECTION_LIBRARY_SCAN), &error))
    g_error ("%s", error->message);
  return saved;
}
