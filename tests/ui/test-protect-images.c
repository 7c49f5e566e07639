/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <math.h>
#include <vips/vips.h>

#include "veil.h"
#include "veil-hash-lists.h"
#include "veil-protect-images.h"
#include "veil-scan-page.h"
#include "veil-transparency-page.h"
#include "veil-test-keyring.h"
#include "veil-test-app.h"
#include "veil-test-utils.h"

/* Hash lists in the guardian's scan page, "protect my pictures" for teens reached from the
 * transparency page, and held folder-check alerts shown to the child as a number only: under
 * Xvfb, on a real store, a real keyring (for the PIN) and pictures written by libvips. */

#define PIN "582914"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VipsImage, g_object_unref)

typedef struct {
  char          *dir;
  char          *library;
  VeilContext   *context;
  VeilStore     *store;
  GtkWidget     *window;
} UiFixture;

static VeilProfile *
save_profile (UiFixture   *fixture,
              const char  *name,
              VeilAgeBand  band,
              guint        threshold)
{
  g_autoptr(VeilProfileBuilder) b = veil_profile_builder_new (name);
  const char *folders[] = { fixture->library, NULL };

  veil_profile_builder_set_age_band (b, band);
  veil_profile_builder_set_folders (b, folders);
  veil_profile_builder_set_protection_enabled (b, VEIL_PROTECTION_LIBRARY_SCAN, TRUE);
  veil_profile_builder_set_protection_enabled (b, VEIL_PROTECTION_GUARDIAN_ALERTS, TRUE);
  veil_profile_builder_set_match_threshold (b, threshold);
  return veil_test_save_profile (veil_context_get_store (fixture->context), b, TRUE);
}

static void
fixture_setup (UiFixture     *fixture,
               gconstpointer  data)
{
  g_autofree char *db = NULL;
  g_autoptr(GError) error = NULL;

  fixture->dir = veil_test_make_tmpdir ();
  fixture->library = g_build_filename (fixture->dir, "Pictures", NULL);
  g_assert_cmpint (g_mkdir_with_parents (fixture->library, 0700), ==, 0);
  db = g_build_filename (fixture->dir, "veil.db", NULL);

  fixture->context = veil_test_load_context (db);
  fixture->store = g_object_ref (veil_context_get_store (fixture->context));

  fixture->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 360, 700);
}

static void
fixture_teardown (UiFixture     *fixture,
                  gconstpointer  data)
{
  VeilGuardian *guardian = veil_context_get_guardian (fixture->context);

  if (guardian != NULL)
    veil_guardian_lock (guardian);
  veil_test_destroy_window (fixture->window);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->context);
  veil_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->library);
}

static void
unlock_guardian (UiFixture *fixture)
{
  VeilGuardian *guardian = veil_context_get_guardian (fixture->context);
  g_autoptr(GError) error = NULL;

  veil_guardian_set_pin (guardian, NULL, PIN, NULL, &error);
  g_assert_no_error (error);
  veil_guardian_unlock (guardian, PIN, NULL, &error);
  g_assert_no_error (error);
}

static gboolean
label_contains (GtkWidget  *widget,
                const char *text)
{
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (label_contains (child, text))
      return TRUE;
  return FALSE;
}

static GtkWidget *
find_widget (GtkWidget *widget,
             GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static int
min_width (GtkWidget *widget)
{
  int minimum;

  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
  return minimum;
}

static GPtrArray *
list_kind (UiFixture   *fixture,
           VeilProfile *profile,
           const char  *kind)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = veil_store_list_hash_lists (fixture->store, veil_profile_get_id (profile), &error);
  GPtrArray *lists = g_ptr_array_new_with_free_func ((GDestroyNotify) veil_stored_hash_list_free);

  g_assert_no_error (error);
  for (guint i = 0; i < all->len; i++)
    if (g_str_equal (((VeilStoredHashList *) g_ptr_array_index (all, i))->kind, kind))
      g_ptr_array_add (lists, g_ptr_array_steal_index (all, i--));
  return lists;
}

/* --- hash lists in the scan page ----------------------------------------------------------- */

typedef struct {
  gboolean  done;
  gboolean  ok;
  char     *message;
} ImportResult;

static void
import_finished_cb (VeilHashLists *lists,
                    gboolean       ok,
                    const char    *message,
                    gpointer       user_data)
{
  ImportResult *r = user_data;

  r->done = TRUE;
  r->ok = ok;
  g_free (r->message);
  r->message = g_strdup (message);
}

static void
import (VeilHashLists *lists,
        const char    *path,
        gboolean       all_profiles,
        ImportResult  *result)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  result->done = FALSE;
  veil_hash_lists_import_file (lists, file, all_profiles);
  veil_test_wait_for (&result->done, 30);
}

static void
test_hash_lists (UiFixture     *fixture,
                 gconstpointer  data)
{
  g_autoptr(VeilProfile) sam = save_profile (fixture, "Sam", VEIL_AGE_BAND_UNDER_13, 1);
  g_autoptr(VeilProfile) kim = save_profile (fixture, "Kim", VEIL_AGE_BAND_UNDER_13, 1);
  g_autoptr(VeilHashList) list = veil_hash_list_new ("Hotline list");
  g_autoptr(GPtrArray) lists = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *picture = veil_test_write_picture (fixture->library, "a.png", 256, 192, 7);
  g_autofree char *good = g_build_filename (fixture->dir, "hotline.txt", NULL);
  g_autofree char *bad = g_build_filename (fixture->dir, "broken.txt", NULL);
  g_autoptr(VeilPdq) pdq = NULL;
  char hex[VEIL_PDQ_HEX_LENGTH + 1];
  g_autofree char *bad_text = NULL;
  ImportResult result = { 0 };
  VeilImageLimits limits;
  GtkWidget *page;
  VeilHashLists *group;

  veil_image_limits_init_default (&limits);
  pdq = veil_pdq_hash_file (picture, VEIL_PDQ_MODE_FAST, FALSE, &limits, NULL, &error);
  g_assert_no_error (error);
  veil_hash_list_add (list, veil_pdq_get_hash (pdq), "case-1");
  veil_hash_list_set_version (list, 3);
  g_assert_true (veil_hash_list_save_file (list, good, VEIL_HASH_LIST_FORMAT_VEIL, NULL, &error));
  g_assert_no_error (error);
  /* One good line, then one that is not a hash. */
  veil_pdq_hash_to_hex (veil_pdq_get_hash (pdq), hex);
  bad_text = g_strdup_printf ("%s\nnot-a-hash\n", hex);
  g_assert_true (g_file_set_contents (bad, bad_text, -1, &error));

  /* The lists are a group of the scan page. */
  page = veil_scan_page_new (fixture->context, sam);
  gtk_window_set_child (GTK_WINDOW (fixture->window), page);
  gtk_window_present (GTK_WINDOW (fixture->window));
  group = VEIL_HASH_LISTS (find_widget (page, VEIL_TYPE_HASH_LISTS));
  g_assert_nonnull (group);
  g_signal_connect (group, "import-finished", G_CALLBACK (import_finished_cb), &result);
  g_assert_cmpuint (veil_hash_lists_get_n_shown (group), ==, 0);
  g_assert_true (label_contains (page, "No lists yet"));

  /* Locked: nothing is imported. */
  {
    g_autoptr(GFile) file = g_file_new_for_path (good);

    veil_hash_lists_import_file (group, file, FALSE);
  }
  g_assert_false (result.done);
  lists = list_kind (fixture, sam, "list");
  g_assert_cmpuint (lists->len, ==, 0);
  g_clear_pointer (&lists, g_ptr_array_unref);

  unlock_guardian (fixture);

  /* For this profile: name, source, version, entries and scope are shown. */
  import (group, good, FALSE, &result);
  g_assert_true (result.ok);
  g_assert_null (result.message);
  g_assert_cmpuint (veil_hash_lists_get_n_shown (group), ==, 1);
  g_assert_true (label_contains (page, "Hotline list"));
  g_assert_true (label_contains (page, "From hotline.txt · version 3 · 1 entry · imported "));
  g_assert_true (label_contains (page, "for this profile only"));
  g_assert_cmpint (min_width (page), <=, 360);
  lists = list_kind (fixture, kim, "list");
  g_assert_cmpuint (lists->len, ==, 0);
  g_clear_pointer (&lists, g_ptr_array_unref);

  /* For every profile: Kim gets it too. */
  import (group, good, TRUE, &result);
  g_assert_true (result.ok);
  g_assert_cmpuint (veil_hash_lists_get_n_shown (group), ==, 2);
  g_assert_true (label_contains (page, "for every profile"));
  lists = list_kind (fixture, kim, "list");
  g_assert_cmpuint (lists->len, ==, 1);
  g_assert_cmpint (((VeilStoredHashList *) g_ptr_array_index (lists, 0))->profile_id, ==, 0);
  g_clear_pointer (&lists, g_ptr_array_unref);

  /* A malformed list: the file and the line are named, and nothing is added. */
  import (group, bad, FALSE, &result);
  g_assert_false (result.ok);
  g_assert_nonnull (result.message);
  g_assert_nonnull (strstr (result.message, "broken.txt"));
  g_assert_nonnull (strstr (result.message, "line 2"));
  g_assert_cmpuint (veil_hash_lists_get_n_shown (group), ==, 2);

  /* Remove the all-profile list through the row's button action. */
  lists = list_kind (fixture, kim, "list");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (group), "hashes.remove", "x",
                                             ((VeilStoredHashList *) g_ptr_array_index (lists, 0))->id));
  g_clear_pointer (&lists, g_ptr_array_unref);
  g_assert_cmpuint (veil_hash_lists_get_n_shown (group), ==, 1);
  lists = list_kind (fixture, kim, "list");
  g_assert_cmpuint (lists->len, ==, 0);
  g_clear_pointer (&lists, g_ptr_array_unref);

  /* Removing again is refused with an error, not a warning. */
  lists = list_kind (fixture, sam, "list");
  g_assert_cmpuint (lists->len, ==, 1);
  g_assert_true (veil_hash_lists_remove (group, ((VeilStoredHashList *) g_ptr_array_index (lists, 0))->id));
  g_assert_false (veil_store_remove_hash_list (fixture->store,
                                               ((VeilStoredHashList *) g_ptr_array_index (lists, 0))->id, &error));
  g_assert_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_NOT_FOUND);
  g_assert_cmpuint (veil_hash_lists_get_n_shown (group), ==, 0);

  g_free (result.message);
}

/* --- protect my pictures ------------------------------------------------------------------- */

typedef struct {
  gboolean  done;
  guint     n_added;
  char     *problem;
} AddResult;

static void
add_finished_cb (VeilProtectImages *window,
                 guint              n_added,
                 const char        *problem,
                 gpointer           user_data)
{
  AddResult *r = user_data;

  r->done = TRUE;
  r->n_added = n_added;
  g_free (r->problem);
  r->problem = g_strdup (problem);
}

/* The button bound to @action (and @target, when given) inside @widget. */
static GtkWidget *
find_action_button (GtkWidget  *widget,
                    const char *action,
                    const char *target)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0)
    {
      GVariant *value = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (widget));

      if (target == NULL || (value != NULL && g_str_equal (g_variant_get_string (value, NULL), target)))
        return widget;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_action_button (child, action, target);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static char *
expected_hashes (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilPdq) pdq = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *md5 = NULL;
  char hex[VEIL_PDQ_HEX_LENGTH + 1];
  VeilImageLimits limits;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  md5 = g_compute_checksum_for_data (G_CHECKSUM_MD5, (const guchar *) contents, length);
  veil_image_limits_init_default (&limits);
  pdq = veil_pdq_hash_file (path, VEIL_PDQ_MODE_EXACT, FALSE, &limits, NULL, &error);
  g_assert_no_error (error);
  veil_pdq_hash_to_hex (veil_pdq_get_hash (pdq), hex);
  return g_strdup_printf ("MD5: %s\nPDQ: %s", md5, hex);
}

static void
clipboard_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  char **out = user_data;

  *out = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);
  g_assert_no_error (error);
}

static void
test_protect (UiFixture     *fixture,
              gconstpointer  data)
{
  g_autoptr(VeilProfile) teen = save_profile (fixture, "Alex", VEIL_AGE_BAND_13_15, 1);
  g_autofree char *own = g_build_filename (fixture->dir, "Own", NULL);
  g_autofree char *one = NULL, *two = NULL, *corrupt = NULL;
  g_autofree char *one_hashes = NULL, *two_hashes = NULL;
  g_autofree char *shown_a = NULL, *shown_b = NULL;
  g_autofree char *copied = NULL;
  g_autofree char *one_before = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *one_after = NULL;
  gsize one_length;
  AddResult result = { 0 };
  GtkWidget *window;
  GtkWidget *links;
  char *md5;

  g_assert_cmpint (g_mkdir_with_parents (own, 0700), ==, 0);
  one = veil_test_write_picture (own, "me-1.png", 256, 192, 11);
  two = veil_test_write_picture (own, "me-2.jpg", 256, 192, 12);
  corrupt = g_build_filename (own, "broken.jpg", NULL);
  g_assert_true (g_file_set_contents (corrupt, "\xff\xd8\xff\xe0 this is not a picture", -1, &error));
  one_hashes = expected_hashes (one);
  two_hashes = expected_hashes (two);
  g_assert_true (g_file_get_contents (one, &one_before, &one_length, &error));

  window = veil_protect_images_new (fixture->context, teen);
  gtk_window_present (GTK_WINDOW (window));
  g_signal_connect (window, "add-finished", G_CALLBACK (add_finished_cb), &result);
  g_assert_cmpuint (veil_protect_images_get_n_shown (VEIL_PROTECT_IMAGES (window)), ==, 0);
  g_assert_true (label_contains (window, "never leave this computer"));

  /* No PIN is needed: this is the teen's own. */
  g_ptr_array_add (files, g_file_new_for_path (one));
  g_ptr_array_add (files, g_file_new_for_path (corrupt));
  g_ptr_array_add (files, g_file_new_for_path (two));
  veil_protect_images_add_files (VEIL_PROTECT_IMAGES (window), files);
  veil_test_wait_for (&result.done, 30);
  g_assert_cmpuint (result.n_added, ==, 2);
  g_assert_nonnull (result.problem);
  g_assert_nonnull (strstr (result.problem, "broken.jpg"));
  g_assert_cmpuint (veil_protect_images_get_n_shown (VEIL_PROTECT_IMAGES (window)), ==, 2);

  /* Listed as the MD5 and PDQ pair, exactly as computed from the files. */
  shown_a = veil_protect_images_get_hashes_text (VEIL_PROTECT_IMAGES (window), 0);
  shown_b = veil_protect_images_get_hashes_text (VEIL_PROTECT_IMAGES (window), 1);
  g_assert_true ((g_str_equal (shown_a, one_hashes) && g_str_equal (shown_b, two_hashes)) ||
                 (g_str_equal (shown_a, two_hashes) && g_str_equal (shown_b, one_hashes)));
  g_assert_null (veil_protect_images_get_hashes_text (VEIL_PROTECT_IMAGES (window), 2));
  g_assert_true (label_contains (window, strchr (one_hashes, '\n') + 1));
  /* Hashes, never thumbnails; the long codes wrap so that a phone-sized window fits. */
  g_assert_null (find_widget (window, GTK_TYPE_PICTURE));
  g_assert_cmpint (min_width (window), <=, 360);

  /* The picture itself is untouched. */
  g_assert_true (g_file_get_contents (one, &one_after, NULL, &error));
  g_assert_cmpmem (one_before, one_length, one_after, one_length);

  /* The scanner is told: the pair is in the store for this profile only. */
  stored = veil_store_list_protected_images (fixture->store, veil_profile_get_id (teen), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored->len, ==, 2);

  /* Copy puts both hashes on the clipboard. */
  md5 = shown_a + strlen ("MD5: ");
  md5[32] = '\0';
  g_assert_true (gtk_widget_activate_action (window, "protect.copy", "s", md5));
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (window), NULL, clipboard_cb, &copied);
  while (copied == NULL)
    g_main_context_iteration (NULL, TRUE);
  md5[32] = '\n';
  g_assert_cmpstr (copied, ==, shown_a);

  /* Remove one: its hashes are forgotten. */
  md5[32] = '\0';
  g_assert_true (gtk_widget_activate_action (window, "protect.remove", "s", md5));
  g_assert_cmpuint (veil_protect_images_get_n_shown (VEIL_PROTECT_IMAGES (window)), ==, 1);
  g_clear_pointer (&stored, g_ptr_array_unref);
  stored = veil_store_list_protected_images (fixture->store, veil_profile_get_id (teen), &error);
  g_assert_cmpuint (stored->len, ==, 1);
  g_assert_cmpstr (((VeilProtectedImage *) g_ptr_array_index (stored, 0))->md5, !=, md5);
  g_assert_false (veil_protect_images_remove (VEIL_PROTECT_IMAGES (window), md5));

  /* The picture still protected raises an alert when it turns up in a checked folder; the
   * one no longer protected does not. */
  {
    const char *kept = g_str_has_prefix (one_hashes, shown_a) ? two : one;
    const char *dropped = kept == one ? two : one;
    g_autofree char *kept_copy = g_build_filename (fixture->library, "found-1.png", NULL);
    g_autofree char *dropped_copy = g_build_filename (fixture->library, "found-2.png", NULL);
    g_autofree char *kept_data = NULL, *dropped_data = NULL;
    g_autoptr(VeilAnalyzer) analyzer = veil_analyzer_new (NULL);
    g_autoptr(VeilScanner) scanner = veil_scanner_new (analyzer, fixture->store, teen);
    g_autoptr(VeilScanSummary) summary = NULL;
    g_autoptr(GPtrArray) alerts = NULL;
    gsize kept_length, dropped_length;

    md5[32] = '\n';
    g_assert_true (g_file_get_contents (kept, &kept_data, &kept_length, &error));
    g_assert_true (g_file_set_contents (kept_copy, kept_data, kept_length, &error));
    g_assert_true (g_file_get_contents (dropped, &dropped_data, &dropped_length, &error));
    g_assert_true (g_file_set_contents (dropped_copy, dropped_data, dropped_length, &error));
    summary = veil_scanner_scan_sync (scanner, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (summary->n_seen, ==, 2);
    g_assert_cmpuint (summary->n_matched, ==, 1);
    alerts = veil_store_list_alerts (fixture->store, veil_profile_get_id (teen), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (alerts->len, ==, 1);
    g_assert_cmpstr (((VeilAlert *) g_ptr_array_index (alerts, 0))->path, ==, kept_copy);
    g_assert_true (veil_verdict_has_signal (((VeilAlert *) g_ptr_array_index (alerts, 0))->verdict,
                                            VEIL_SIGNAL_PROTECTED_IMAGE));
  }

  /* Take It Down and StopNCII, from the help resources, each with a button to open it. */
  links = find_action_button (window, "protect.open-link", "https://takeitdown.ncmec.org/");
  for (gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
       links == NULL && g_get_monotonic_time () < deadline;
       links = find_action_button (window, "protect.open-link", "https://takeitdown.ncmec.org/"))
    g_main_context_iteration (NULL, FALSE);
  g_assert_nonnull (links);
  g_assert_true (gtk_widget_is_visible (links));
  g_assert_nonnull (find_action_button (window, "protect.open-link", "https://stopncii.org/"));

  veil_test_destroy_window (window);
  g_free (result.problem);
}

/* --- the transparency page ----------------------------------------------------------------- */

static GtkWidget *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (w, type))
        return GTK_WIDGET (w);
    }
  return NULL;
}

static void
select_profile (GtkWidget   *page,
                VeilProfile *profile)
{
  AdwComboRow *row = ADW_COMBO_ROW (gtk_widget_get_template_child (page, VEIL_TYPE_TRANSPARENCY_PAGE, "profile_row"));

  for (guint i = 0; i < g_list_model_get_n_items (adw_combo_row_get_model (row)); i++)
    {
      adw_combo_row_set_selected (row, i);
      if (veil_profile_get_id (veil_transparency_page_get_profile (VEIL_TRANSPARENCY_PAGE (page))) ==
          veil_profile_get_id (profile))
        return;
    }
  g_assert_not_reached ();
}

static void
test_transparency_entry (UiFixture     *fixture,
                         gconstpointer  data)
{
  g_autoptr(VeilProfile) child = save_profile (fixture, "Bo", VEIL_AGE_BAND_UNDER_13, 1);
  g_autoptr(VeilProfile) teen = save_profile (fixture, "Alex", VEIL_AGE_BAND_16_17, 1);
  GtkWidget *page = veil_transparency_page_new (fixture->context);
  GtkWidget *button;
  GtkWidget *opened;

  gtk_window_set_child (GTK_WINDOW (fixture->window), page);
  gtk_window_present (GTK_WINDOW (fixture->window));

  /* Under 13: not offered, and the action does nothing. */
  select_profile (page, child);
  g_assert_false (veil_protect_images_is_offered (child));
  button = find_action_button (page, "transparency.protect-images", NULL);
  g_assert_nonnull (button);
  g_assert_false (gtk_widget_is_visible (button));
  g_assert_true (gtk_widget_activate_action (page, "transparency.protect-images", NULL));
  g_assert_null (find_toplevel (VEIL_TYPE_PROTECT_IMAGES));

  /* 13 and over: offered; it opens without a PIN, for this profile. */
  select_profile (page, teen);
  g_assert_true (veil_protect_images_is_offered (teen));
  g_assert_true (gtk_widget_is_visible (button));
  g_assert_true (gtk_widget_activate_action (page, "transparency.protect-images", NULL));
  opened = find_toplevel (VEIL_TYPE_PROTECT_IMAGES);
  g_assert_nonnull (opened);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (opened)) == GTK_WINDOW (fixture->window));
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (opened)));
  veil_test_destroy_window (opened);
}


static void
finished_cb (VeilScanPage *page,
             gpointer      user_data)
{
  *(gboolean *) user_data = TRUE;
}

/* A folder check below the threshold holds its alert: the child's page shows the number and
 * nothing else about it. */
static void
test_held_count (UiFixture     *fixture,
                 gconstpointer  data)
{
  g_autoptr(VeilProfile) kim = save_profile (fixture, "Kim", VEIL_AGE_BAND_UNDER_13, 3);
  g_autoptr(VeilAnalyzer) analyzer = veil_analyzer_new (NULL);
  g_autoptr(VeilHashList) list = veil_hash_list_new ("Family list");
  g_autoptr(VeilPdq) pdq = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *listed = veil_test_write_picture (fixture->library, "secret-beach.png", 256, 192, 1);
  g_autofree char *other = veil_test_write_picture (fixture->library, "other.png", 256, 192, 2);
  VeilImageLimits limits;
  gboolean finished = FALSE;
  GtkWidget *scan_page, *page;

  veil_image_limits_init_default (&limits);
  pdq = veil_pdq_hash_file (listed, VEIL_PDQ_MODE_FAST, FALSE, &limits, NULL, &error);
  g_assert_no_error (error);
  veil_hash_list_add (list, veil_pdq_get_hash (pdq), "entry-1");
  g_assert_true (veil_store_import_hash_list (fixture->store, 0, list, "tests", &error));

  /* Before any check: no count. */
  page = veil_transparency_page_new (fixture->context);
  veil_test_replace_child (fixture->window, page);
  g_assert_false (label_contains (page, "held"));

  scan_page = g_object_new (VEIL_TYPE_SCAN_PAGE, "context", fixture->context, "profile", kim,
                            "analyzer", analyzer, NULL);
  veil_test_replace_child (fixture->window, scan_page);
  gtk_window_present (GTK_WINDOW (fixture->window));
  g_signal_connect (scan_page, "finished", G_CALLBACK (finished_cb), &finished);
  g_assert_true (gtk_widget_activate_action (scan_page, "scan.start", NULL));
  veil_test_wait_for (&finished, 60);
  g_assert_cmpuint (veil_store_count_alerts_in_state (fixture->store, veil_profile_get_id (kim),
                                                      VEIL_ALERT_STATE_HELD), ==, 1);

  page = veil_transparency_page_new (fixture->context);
  veil_test_replace_child (fixture->window, page);
  g_assert_true (label_contains (page, "1 picture found by a folder check is held"));
  g_assert_true (label_contains (page, "Only this number is shown here."));
  /* Nothing about the picture itself: no image widget, no file name. */
  g_assert_null (find_widget (page, GTK_TYPE_PICTURE));
  g_assert_false (label_contains (page, "secret-beach"));
}

/* The data suite builds every template class with no properties: so can the tests. */
static void
test_no_properties (void)
{
  GtkWidget *group = veil_test_own_widget (g_object_new (VEIL_TYPE_HASH_LISTS, NULL));
  GtkWidget *window = g_object_new (VEIL_TYPE_PROTECT_IMAGES, NULL);

  g_assert_cmpuint (veil_hash_lists_get_n_shown (VEIL_HASH_LISTS (group)), ==, 0);
  g_assert_cmpuint (veil_protect_images_get_n_shown (VEIL_PROTECT_IMAGES (window)), ==, 0);
  g_assert_finalize_object (group);
  veil_test_destroy_window (window);
}

int
main (int    argc,
      char **argv)
{
  int ret;

  veil_test_init_ui (&argc, &argv);
  veil_test_keyring_start ();
  adw_init ();
  if (VIPS_INIT (argv[0]) != 0)
    g_error ("libvips failed to start");

  g_test_add_func ("/veil/protect-images/no-properties", test_no_properties);
  g_test_add ("/veil/protect-images/hash-lists", UiFixture, NULL, fixture_setup, test_hash_lists, fixture_teardown);
  g_test_add ("/veil/protect-images/protect", UiFixture, NULL, fixture_setup, test_protect, fixture_teardown);
  g_test_add ("/veil/protect-images/transparency-entry", UiFixture, NULL, fixture_setup, test_transparency_entry,
              fixture_teardown);
  g_test_add ("/veil/protect-images/held-count", UiFixture, NULL, fixture_setup, test_held_count, fixture_teardown);

  ret = g_test_run ();
  veil_test_keyring_stop ();
  return ret;
}
