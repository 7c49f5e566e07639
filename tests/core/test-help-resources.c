/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "veil-help-resources.h"
#include "veil-test-utils.h"

/* The shipped help-resources file (built, with every translation merged in) and the loader's
 * handling of broken files. */

static const char * const english[] = { "C", NULL };
static const char * const german[] = { "de_DE.UTF-8", "de_DE", "de", "C", NULL };

static GPtrArray *
load_shipped (const char * const *languages)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = veil_help_resources_find_file ();
  GPtrArray *resources;

  g_assert_nonnull (path);
  resources = veil_help_resources_load (path, languages, &error);
  g_assert_no_error (error);
  g_assert_nonnull (resources);

  return resources;
}

static const VeilHelpResource *
find (GPtrArray  *resources,
      const char *id)
{
  for (guint i = 0; i < resources->len; i++)
    {
      const VeilHelpResource *r = g_ptr_array_index (resources, i);
      if (g_str_equal (r->id, id))
        return r;
    }

  return NULL;
}

static void
test_shipped_file (void)
{
  g_autoptr(GPtrArray) resources = load_shipped (english);
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  const VeilHelpResource *r;

  g_assert_cmpuint (resources->len, >=, 20);
  for (guint i = 0; i < resources->len; i++)
    {
      r = g_ptr_array_index (resources, i);
      g_assert_true (g_hash_table_add (ids, r->id));
      g_assert_nonnull (r->name);
      g_assert_nonnull (r->description);
      g_assert_true (r->url != NULL || r->phone != NULL);
      g_assert_true (r->url == NULL || g_str_has_prefix (r->url, "https://"));
      g_assert_true (g_regex_match_simple ("^\\d{4}-\\d{2}-\\d{2}$", r->last_verified, 0, 0));
    }

  r = find (resources, "ncmec-cybertipline");
  g_assert_nonnull (r);
  g_assert_cmpint (r->purpose, ==, VEIL_HELP_PURPOSE_REPORT);
  g_assert_cmpstr (r->phone, ==, "1-800-843-5678");
  g_assert_true (g_strv_contains ((const char * const *) r->countries, "US"));

  r = find (resources, "eu-116111");
  g_assert_nonnull (r);
  g_assert_true (g_strv_contains ((const char * const *) r->countries, "DE"));
  g_assert_true (g_strv_contains ((const char * const *) r->countries, "FR"));
}

static void
test_translated (void)
{
  g_autoptr(GPtrArray) en = load_shipped (english);
  g_autoptr(GPtrArray) de = load_shipped (german);
  const VeilHelpResource *r_en = find (en, "take-it-down");
  const VeilHelpResource *r_de = find (de, "take-it-down");

  /* The description follows the language; names and numbers never do. */
  g_assert_true (g_str_has_prefix (r_en->description, "If someone has or shared"));
  g_assert_cmpstr (r_de->description, !=, r_en->description);
  g_assert_cmpstr (r_de->name, ==, r_en->name);
  g_assert_cmpstr (r_de->url, ==, r_en->url);
}

static void
test_select (void)
{
  g_autoptr(GPtrArray) resources = load_shipped (english);
  g_autoptr(GPtrArray) uk_child = veil_help_resources_select (resources, "GB", VEIL_HELP_AUDIENCE_CHILD);
  g_autoptr(GPtrArray) nowhere = veil_help_resources_select (resources, NULL, VEIL_HELP_AUDIENCE_CHILD);
  g_autoptr(GPtrArray) uk_adult = veil_help_resources_select (resources, "GB", VEIL_HELP_AUDIENCE_ADULT);
  gboolean seen_global = FALSE;

  g_assert_nonnull (find (uk_child, "childline"));
  g_assert_nonnull (find (uk_child, "report-remove"));
  g_assert_nonnull (find (uk_child, "inhope"));
  g_assert_nonnull (find (uk_child, "child-helpline-international"));
  g_assert_null (find (uk_child, "ncmec-cybertipline"));
  /* Adult-only services are not offered to a child. */
  g_assert_null (find (uk_child, "revenge-porn-helpline"));
  g_assert_null (find (uk_child, "stopncii"));
  g_assert_nonnull (find (uk_adult, "revenge-porn-helpline"));

  /* Local ones first, then the directories. */
  for (guint i = 0; i < uk_child->len; i++)
    {
      const VeilHelpResource *r = g_ptr_array_index (uk_child, i);
      if (veil_help_resource_is_global (r))
        seen_global = TRUE;
      else
        g_assert_false (seen_global);
    }

  /* Nobody is left with nothing. */
  g_assert_cmpuint (nowhere->len, >, 0);
  for (guint i = 0; i < nowhere->len; i++)
    g_assert_true (veil_help_resource_is_global (g_ptr_array_index (nowhere, i)));
}

static void
test_country (void)
{
  g_autofree char *de = NULL;
  g_autofree char *none = NULL;

  g_setenv ("LANGUAGE", "de_DE.UTF-8", TRUE);
  de = veil_help_resources_get_country ();
  g_assert_cmpstr (de, ==, "DE");

  g_setenv ("LANGUAGE", "de", TRUE);
  none = veil_help_resources_get_country ();
  g_unsetenv ("LANGUAGE");
  g_assert_null (none);
}

static void
expect_malformed (const char *contents,
                  gint        code)
{
  g_autofree char *dir = veil_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "help.xml", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) resources = NULL;

  if (contents != NULL)
    g_assert_true (g_file_set_contents (path, contents, -1, NULL));

  resources = veil_help_resources_load (path, english, &error);
  g_assert_null (resources);
  g_assert_error (error, VEIL_HELP_RESOURCES_ERROR, code);
  g_test_message ("%s", error->message);
  veil_test_rm_rf (dir);
}

#define RESOURCE(attrs, body) "<resource " attrs ">" body "</resource>"
#define GOOD_ATTRS "id=\"x\" country=\"*\" purpose=\"support\" audience=\"any\" last-verified=\"2026-01-01\""
#define GOOD_BODY "<name>X</name><description>Y</description><url>https://example.org/</url>"

static void
test_malformed (void)
{
  expect_malformed (NULL, VEIL_HELP_RESOURCES_ERROR_UNREADABLE);
  expect_malformed ("", VEIL_HELP_RESOURCES_ERROR_MALFORMED);
  expect_malformed ("<help-resources></help-resources>", VEIL_HELP_RESOURCES_ERROR_MALFORMED);
  expect_malformed ("<other>" RESOURCE (GOOD_ATTRS, GOOD_BODY) "</other>", VEIL_HELP_RESOURCES_ERROR_MALFORMED);
  expect_malformed ("<help-resources>" RESOURCE (GOOD_ATTRS, GOOD_BODY), VEIL_HELP_RESOURCES_ERROR_MALFORMED);
  expect_malformed ("<help-resources>" RESOURCE ("id=\"x\" country=\"*\" purpose=\"shout\" audience=\"any\" last-verified=\"2026-01-01\"", GOOD_BODY) "</help-resources>",
                    VEIL_HELP_RESOURCES_ERROR_MALFORMED);
  expect_malformed ("<help-resources>" RESOURCE ("id=\"x\"", GOOD_BODY) "</help-resources>",
                    VEIL_HELP_RESOURCES_ERROR_MALFORMED);
  expect_malformed ("<help-resources>" RESOURCE (GOOD_ATTRS, "<name>X</name><description>Y</description><url>http://example.org/</url>") "</help-resources>",
                    VEIL_HELP_RESOURCES_ERROR_MALFORMED);
  expect_malformed ("<help-resources>" RESOURCE (GOOD_ATTRS, "<name>X</name><url>https://example.org/</url>") "</help-resources>",
                    VEIL_HELP_RESOURCES_ERROR_MALFORMED);
  expect_malformed ("<help-resources>" RESOURCE (GOOD_ATTRS, GOOD_BODY "<script>x</script>") "</help-resources>",
                    VEIL_HELP_RESOURCES_ERROR_MALFORMED);
}

static void
test_minimal_valid (void)
{
  g_autofree char *dir = veil_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "help.xml", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) resources = NULL;
  const char *xml = "<help-resources>" RESOURCE (GOOD_ATTRS,
    "<name>X</name><description>Plain</description><description xml:lang=\"de\">Deutsch</description>"
    "<url>https://example.org/</url>") "</help-resources>";

  g_assert_true (g_file_set_contents (path, xml, -1, NULL));
  resources = veil_help_resources_load (path, german, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (resources->len, ==, 1);
  g_assert_cmpstr (((VeilHelpResource *) g_ptr_array_index (resources, 0))->description, ==, "Deutsch");
  veil_test_rm_rf (dir);
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  GPtrArray **out = user_data;

  *out = veil_help_resources_load_selected_finish (result, &error);
  g_assert_no_error (error);
}

/* The installed (here: the built) file, read in the background as the UI does; a missing
 * file is an error that says what to do. */
static void
test_load_default (void)
{
  g_autofree char *saved = g_strdup (g_getenv ("VEIL_HELP_RESOURCES"));
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) chosen = NULL;
  g_autoptr(GPtrArray) expected = NULL;
  g_autofree char *country = veil_help_resources_get_country ();
  g_autoptr(GError) error = NULL;
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  all = veil_help_resources_load_default (&error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, >, 0);

  veil_help_resources_load_selected_async (VEIL_HELP_AUDIENCE_CHILD, NULL, loaded_cb, &chosen);
  while (chosen == NULL && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (chosen);
  expected = veil_help_resources_select (all, country, VEIL_HELP_AUDIENCE_CHILD);
  g_assert_cmpuint (chosen->len, ==, expected->len);

  g_setenv ("VEIL_HELP_RESOURCES", "/nonexistent/help-resources.xml", TRUE);
  g_clear_pointer (&all, g_ptr_array_unref);
  all = veil_help_resources_load_default (&error);
  g_assert_null (all);
  g_assert_error (error, VEIL_HELP_RESOURCES_ERROR, VEIL_HELP_RESOURCES_ERROR_UNREADABLE);
  g_assert_null (strstr (error->message, "Reinstall"));
  /* What a child asks for still has a line to call: the built-in worldwide directory. */
  g_clear_pointer (&chosen, g_ptr_array_unref);
  chosen = veil_help_resources_load_selected (VEIL_HELP_AUDIENCE_CHILD, NULL);
  g_assert_nonnull (chosen);
  g_assert_cmpuint (chosen->len, ==, 1);
  g_assert_cmpstr (((VeilHelpResource *) chosen->pdata[0])->url, ==, "https://childhelplineinternational.org/");
  if (saved != NULL)
    g_setenv ("VEIL_HELP_RESOURCES", saved, TRUE);
  else
    g_unsetenv ("VEIL_HELP_RESOURCES");
}

int
main (int   argc,
      char *argv[])
{
  veil_test_init (&argc, &argv);

  g_test_add_func ("/veil/help-resources/shipped-file", test_shipped_file);
  g_test_add_func ("/veil/help-resources/translated", test_translated);
  g_test_add_func ("/veil/help-resources/select", test_select);
  g_test_add_func ("/veil/help-resources/country", test_country);
  g_test_add_func ("/veil/help-resources/malformed", test_malformed);
  g_test_add_func ("/veil/help-resources/minimal-valid", test_minimal_valid);
  g_test_add_func ("/veil/help-resources/load-default", test_load_default);

  return g_test_run ();
}
