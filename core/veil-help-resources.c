/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-help-resources"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "veil-help-resources.h"
#include "veil-enum-private.h"

/* The "Get help" list: helplines, hotlines and removal services, shipped offline in
 * `$datadir/veil/io.github.veilapp.Veil.help-resources.xml` (descriptions translated through
 * gettext's ITS rules, one <description xml:lang="..."> per language). Veil only shows them;
 * opening one is always the person's own click. */

G_DEFINE_QUARK (veil-help-resources-error-quark, veil_help_resources_error)
G_DEFINE_BOXED_TYPE (VeilHelpResource, veil_help_resource, veil_help_resource_copy, veil_help_resource_free)

#define HELP_FILE_NAME APPLICATION_ID ".help-resources.xml"

VeilHelpResource *
veil_help_resource_copy (const VeilHelpResource *resource)
{
  VeilHelpResource *copy;

  g_return_val_if_fail (resource != NULL, NULL);

  copy = g_new0 (VeilHelpResource, 1);
  copy->id = g_strdup (resource->id);
  copy->countries = g_strdupv (resource->countries);
  copy->purpose = resource->purpose;
  copy->audience = resource->audience;
  copy->name = g_strdup (resource->name);
  copy->description = g_strdup (resource->description);
  copy->url = g_strdup (resource->url);
  copy->phone = g_strdup (resource->phone);
  copy->sms = g_strdup (resource->sms);
  copy->last_verified = g_strdup (resource->last_verified);

  return copy;
}

void
veil_help_resource_free (VeilHelpResource *resource)
{
  if (resource == NULL)
    return;

  g_free (resource->id);
  g_strfreev (resource->countries);
  g_free (resource->name);
  g_free (resource->description);
  g_free (resource->url);
  g_free (resource->phone);
  g_free (resource->sms);
  g_free (resource->last_verified);
  g_free (resource);
}

/**
 * veil_help_resource_is_global:
 * @resource: a #VeilHelpResource
 *
 * Returns: %TRUE when @resource serves every country (a directory such as INHOPE)
 */
gboolean
veil_help_resource_is_global (const VeilHelpResource *resource)
{
  g_return_val_if_fail (resource != NULL, FALSE);

  return g_strv_contains ((const char * const *) resource->countries, "*");
}

/* --- Parsing ------------------------------------------------------------------------- */

typedef struct {
  const char * const *languages;   /* best first, ending with "C" */
  const char         *path;
  GPtrArray          *resources;
  VeilHelpResource   *current;
  guint               current_rank;    /* rank of the description kept so far */
  char               *element;         /* the text element being read */
  char               *element_lang;
  GString            *text;
  gboolean            seen_root;
} ParseState;

static guint
language_rank (const char * const *languages,
               const char         *lang)
{
  /* 0 is best. Untagged text is the source (English), which "C" stands for. */
  for (guint i = 0; languages[i] != NULL; i++)
    {
      if (lang == NULL ? g_str_equal (languages[i], "C") : g_str_equal (languages[i], lang))
        return i;
    }

  return G_MAXUINT;
}

static void
set_parse_error (GMarkupParseContext  *context,
                 ParseState           *state,
                 GError              **error,
                 const char           *message)
{
  int line = 0;

  g_markup_parse_context_get_position (context, &line, NULL);
  g_set_error (error, VEIL_HELP_RESOURCES_ERROR, VEIL_HELP_RESOURCES_ERROR_MALFORMED,
               /* Translators: the file, the line, what is wrong */
               _("The help resources file “%s” is damaged at line %d: %s"),
               state->path, line, message);
}

static void
start_element (GMarkupParseContext  *context,
               const char           *element_name,
               const char          **attribute_names,
               const char          **attribute_values,
               gpointer              user_data,
               GError              **error)
{
  ParseState *state = user_data;

  if (g_str_equal (element_name, "help-resources"))
    {
      state->seen_root = TRUE;
      return;
    }

  if (!state->seen_root)
    {
      set_parse_error (context, state, error, "the root element must be <help-resources>");
      return;
    }

  if (g_str_equal (element_name, "resource"))
    {
      const char *id = NULL, *country = NULL, *purpose = NULL, *audience = NULL, *verified = NULL;
      int purpose_value = 0, audience_value = 0;

      if (state->current != NULL)
        {
          set_parse_error (context, state, error, "a <resource> inside a <resource>");
          return;
        }

      if (!g_markup_collect_attributes (element_name, attribute_names, attribute_values, error,
                                        G_MARKUP_COLLECT_STRING, "id", &id,
                                        G_MARKUP_COLLECT_STRING, "country", &country,
                                        G_MARKUP_COLLECT_STRING, "purpose", &purpose,
                                        G_MARKUP_COLLECT_STRING, "audience", &audience,
                                        G_MARKUP_COLLECT_STRING, "last-verified", &verified,
                                        G_MARKUP_COLLECT_INVALID))
        return;

      /* The attribute values are the enums' nicks (veil-enums.h). */
      if (!_veil_enum_from_nick (VEIL_TYPE_HELP_PURPOSE, purpose, &purpose_value) ||
          !_veil_enum_from_nick (VEIL_TYPE_HELP_AUDIENCE, audience, &audience_value))
        {
          set_parse_error (context, state, error, "unknown purpose or audience");
          return;
        }

      state->current = g_new0 (VeilHelpResource, 1);
      state->current->id = g_strdup (id);
      state->current->countries = g_strsplit_set (country, " ,", -1);
      state->current->purpose = purpose_value;
      state->current->audience = audience_value;
      state->current->last_verified = g_strdup (verified);
      state->current_rank = G_MAXUINT;
      return;
    }

  if (state->current == NULL)
    {
      set_parse_error (context, state, error, "text outside a <resource>");
      return;
    }

  if (g_str_equal (element_name, "name") || g_str_equal (element_name, "description") ||
      g_str_equal (element_name, "url") || g_str_equal (element_name, "phone") ||
      g_str_equal (element_name, "sms"))
    {
      state->element = g_strdup (element_name);
      state->element_lang = NULL;
      for (guint i = 0; attribute_names[i] != NULL; i++)
        {
          if (g_str_equal (attribute_names[i], "xml:lang"))
            state->element_lang = g_strdup (attribute_values[i]);
        }
      g_string_truncate (state->text, 0);
      return;
    }

  set_parse_error (context, state, error, "unknown element");
}

static void
text (GMarkupParseContext  *context,
      const char           *text_value,
      gsize                 text_len,
      gpointer              user_data,
      GError              **error)
{
  ParseState *state = user_data;

  if (state->element != NULL)
    g_string_append_len (state->text, text_value, text_len);
}

static void
replace_string (char       **field,
                const char  *value)
{
  g_free (*field);
  *field = g_strstrip (g_strdup (value));
}

static void
end_element (GMarkupParseContext  *context,
             const char           *element_name,
             gpointer              user_data,
             GError              **error)
{
  ParseState *state = user_data;

  if (state->element != NULL && g_str_equal (element_name, state->element))
    {
      VeilHelpResource *r = state->current;

      if (g_str_equal (element_name, "description"))
        {
          guint rank = language_rank (state->languages, state->element_lang);

          if (r->description == NULL || rank < state->current_rank)
            {
              replace_string (&r->description, state->text->str);
              state->current_rank = rank;
            }
        }
      else if (state->element_lang == NULL)
        {
          /* Names, numbers and addresses are never translated. */
          char **field = g_str_equal (element_name, "name") ? &r->name :
                         g_str_equal (element_name, "url") ? &r->url :
                         g_str_equal (element_name, "phone") ? &r->phone : &r->sms;
          replace_string (field, state->text->str);
        }

      g_clear_pointer (&state->element, g_free);
      g_clear_pointer (&state->element_lang, g_free);
      return;
    }

  if (g_str_equal (element_name, "resource") && state->current != NULL)
    {
      VeilHelpResource *r = g_steal_pointer (&state->current);

      if (r->name == NULL || r->description == NULL || (r->url == NULL && r->phone == NULL))
        {
          veil_help_resource_free (r);
          set_parse_error (context, state, error,
                           "a resource needs a name, a description and a web address or phone number");
          return;
        }
      if (r->url != NULL && !g_str_has_prefix (r->url, "https://"))
        {
          veil_help_resource_free (r);
          set_parse_error (context, state, error, "web addresses must use https://");
          return;
        }
      g_ptr_array_add (state->resources, r);
    }
}

/**
 * veil_help_resources_load:
 * @path: the help-resources file
 * @languages: (nullable): language names, best first, as g_get_language_names() gives them
 * @error: return location for a #VeilHelpResourcesError
 *
 * Reads the help resources, each with its description in the best of @languages.
 *
 * Returns: (transfer full) (element-type VeilHelpResource): the resources, in file order
 */
GPtrArray *
veil_help_resources_load (const char          *path,
                          const char * const  *languages,
                          GError             **error)
{
  static const GMarkupParser parser = { start_element, end_element, text, NULL, NULL };
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GPtrArray) resources = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  gsize length;
  ParseState state = { 0 };

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, VEIL_HELP_RESOURCES_ERROR, VEIL_HELP_RESOURCES_ERROR_UNREADABLE,
                   _("Veil could not read its list of help resources: %s"), local_error->message);
      return NULL;
    }

  resources = g_ptr_array_new_with_free_func ((GDestroyNotify) veil_help_resource_free);
  state.languages = languages != NULL ? languages : g_get_language_names ();
  state.path = path;
  state.resources = resources;
  state.text = g_string_new (NULL);

  context = g_markup_parse_context_new (&parser, G_MARKUP_PREFIX_ERROR_POSITION, &state, NULL);
  if (!g_markup_parse_context_parse (context, contents, length, &local_error) ||
      !g_markup_parse_context_end_parse (context, &local_error))
    {
      if (local_error->domain == VEIL_HELP_RESOURCES_ERROR)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, VEIL_HELP_RESOURCES_ERROR, VEIL_HELP_RESOURCES_ERROR_MALFORMED,
                     _("The help resources file “%s” is damaged: %s"), path, local_error->message);
      resources = NULL;
    }
  else if (!state.seen_root || resources->len == 0)
    {
      g_set_error (error, VEIL_HELP_RESOURCES_ERROR, VEIL_HELP_RESOURCES_ERROR_MALFORMED,
                   _("The help resources file “%s” lists no resources."), path);
      g_clear_pointer (&resources, g_ptr_array_unref);
    }

  g_clear_pointer (&state.current, veil_help_resource_free);
  g_clear_pointer (&state.element, g_free);
  g_clear_pointer (&state.element_lang, g_free);
  g_string_free (state.text, TRUE);

  return g_steal_pointer (&resources);
}

/**
 * veil_help_resources_find_file:
 *
 * Returns: (transfer full) (nullable): the installed help-resources file, or the one named by
 *   `VEIL_HELP_RESOURCES` (tests, the uninstalled build); %NULL if there is none
 */
char *
veil_help_resources_find_file (void)
{
  const char *env = g_getenv ("VEIL_HELP_RESOURCES");
  g_autofree char *installed = g_build_filename (PKGDATADIR, HELP_FILE_NAME, NULL);

  if (env != NULL && *env != '\0')
    return g_strdup (env);

  if (g_file_test (installed, G_FILE_TEST_IS_REGULAR))
    return g_steal_pointer (&installed);

  return NULL;
}

/**
 * veil_help_resources_load_default:
 *
 * Finds the installed file (veil_help_resources_find_file()) and reads it for the user's
 * languages. Blocks: use veil_help_resources_load_default_async() from the UI.
 *
 * Returns: (transfer full) (element-type VeilHelpResource): the resources, or %NULL with a
 *   #VeilHelpResourcesError, also when the file is missing
 */
GPtrArray *
veil_help_resources_load_default (GError **error)
{
  g_autofree char *path = veil_help_resources_find_file ();

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (path == NULL)
    {
      g_set_error_literal (error, VEIL_HELP_RESOURCES_ERROR, VEIL_HELP_RESOURCES_ERROR_UNREADABLE,
                           _("Veil’s list of helplines is missing. Veil offers a worldwide directory of helplines instead."));
      return NULL;
    }
  return veil_help_resources_load (path, g_get_language_names (), error);
}

static void
load_default_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *resources = veil_help_resources_load_default (&error);

  if (resources == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, resources, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * veil_help_resources_load_default_async:
 *
 * veil_help_resources_load_default() in a worker thread.
 */
void
veil_help_resources_load_default_async (GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, veil_help_resources_load_default_async);
  g_task_run_in_thread (task, load_default_thread);
}

/* Returns: (transfer full) (element-type VeilHelpResource): the resources, or %NULL */
GPtrArray *
veil_help_resources_load_default_finish (GAsyncResult  *result,
                                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == veil_help_resources_load_default_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The worldwide directory of child helplines, built in so that help is never missing. */
static GPtrArray *
builtin_resources (void)
{
  GPtrArray *resources = g_ptr_array_new_with_free_func ((GDestroyNotify) veil_help_resource_free);
  VeilHelpResource *r = g_new0 (VeilHelpResource, 1);

  r->id = g_strdup ("child-helpline-international");
  r->countries = g_strdupv ((char *[]) { (char *) "*", NULL });
  r->purpose = VEIL_HELP_PURPOSE_SUPPORT;
  r->audience = VEIL_HELP_AUDIENCE_ANY;
  r->name = g_strdup ("Child Helpline International");
  r->description = g_strdup (_("Find a free helpline for children and young people in your country."));
  r->url = g_strdup ("https://childhelplineinternational.org/");
  r->last_verified = g_strdup ("2026-11-28");
  g_ptr_array_add (resources, r);
  return resources;
}

/**
 * veil_help_resources_load_selected:
 * @audience: who the help is for
 *
 * veil_help_resources_load_default(), then veil_help_resources_select() for this computer's
 * country and @audience. Without a readable list, a built-in worldwide directory of child
 * helplines stands in. Blocks: use veil_help_resources_load_selected_async() from the UI.
 *
 * Returns: (transfer full) (element-type VeilHelpResource): the chosen resources, or %NULL
 */
GPtrArray *
veil_help_resources_load_selected (VeilHelpAudience   audience,
                                   GError           **error)
{
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *country = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* A child asking for help always gets a line to call, even without the list. */
  all = veil_help_resources_load_default (&local_error);
  if (all == NULL)
    {
      g_message ("%s", local_error->message);
      all = builtin_resources ();
    }
  country = veil_help_resources_get_country ();
  return veil_help_resources_select (all, country, audience);
}

static void
load_selected_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *resources = veil_help_resources_load_selected (GPOINTER_TO_INT (task_data), &error);

  if (resources == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, resources, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * veil_help_resources_load_selected_async:
 *
 * veil_help_resources_load_selected() in a worker thread.
 */
void
veil_help_resources_load_selected_async (VeilHelpAudience     audience,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, veil_help_resources_load_selected_async);
  g_task_set_task_data (task, GINT_TO_POINTER (audience), NULL);
  g_task_run_in_thread (task, load_selected_thread);
}

/* Returns: (transfer full) (element-type VeilHelpResource): the chosen resources, or %NULL */
GPtrArray *
veil_help_resources_load_selected_finish (GAsyncResult  *result,
                                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == veil_help_resources_load_selected_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
serves_country (const VeilHelpResource *resource,
                const char             *country)
{
  return country != NULL && g_strv_contains ((const char * const *) resource->countries, country);
}

static gboolean
serves_audience (const VeilHelpResource *resource,
                 VeilHelpAudience        audience)
{
  if (audience == VEIL_HELP_AUDIENCE_ANY || resource->audience == VEIL_HELP_AUDIENCE_ANY)
    return TRUE;

  /* A teen is a child too; adult-only services are not offered to children. */
  if (audience == VEIL_HELP_AUDIENCE_TEEN)
    return resource->audience == VEIL_HELP_AUDIENCE_TEEN || resource->audience == VEIL_HELP_AUDIENCE_CHILD;

  return resource->audience == audience;
}

/**
 * veil_help_resources_select:
 * @resources: (element-type VeilHelpResource): loaded resources
 * @country: (nullable): ISO 3166 code of where the person is, e.g. "DE"
 * @audience: who asks
 *
 * Picks the resources to offer: those of @country first, then the ones that serve every
 * country (directories of national hotlines and helplines), so that nobody is left with an
 * empty list. Services for another audience (adult-only services for a child) are left out.
 *
 * Returns: (transfer full) (element-type VeilHelpResource): the chosen resources
 */
GPtrArray *
veil_help_resources_select (GPtrArray        *resources,
                            const char       *country,
                            VeilHelpAudience  audience)
{
  GPtrArray *chosen;

  g_return_val_if_fail (resources != NULL, NULL);

  chosen = g_ptr_array_new_with_free_func ((GDestroyNotify) veil_help_resource_free);
  for (guint pass = 0; pass < 2; pass++)
    {
      for (guint i = 0; i < resources->len; i++)
        {
          const VeilHelpResource *r = g_ptr_array_index (resources, i);
          gboolean wanted = pass == 0 ? serves_country (r, country) : veil_help_resource_is_global (r);

          if (wanted && serves_audience (r, audience))
            g_ptr_array_add (chosen, veil_help_resource_copy (r));
        }
    }

  return chosen;
}

/**
 * veil_help_resources_get_country:
 *
 * Returns: (transfer full) (nullable): the country of the message locale, e.g. "DE" for
 *   de_DE.UTF-8, or %NULL when the locale names none (C, POSIX, "de")
 */
char *
veil_help_resources_get_country (void)
{
  const char * const *names = g_get_language_names ();

  for (guint i = 0; names[i] != NULL; i++)
    {
      const char *underscore = strchr (names[i], '_');
      gsize len;

      if (underscore == NULL)
        continue;
      len = strcspn (underscore + 1, ".@");
      if (len == 2)
        return g_ascii_strup (underscore + 1, 2);
    }

  return NULL;
}
