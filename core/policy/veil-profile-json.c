/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-profile"

#include "config.h"

#include "veil-profile-private.h"
#include "veil-enum-private.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

/* A profile as JSON: the text the store signs and keeps, and reads back. */

static JsonNode *
profile_to_node (VeilProfile *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  /* Fixed member order: the text is signed, so it must be the same for the same settings. */
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, self->name);
  json_builder_set_member_name (b, "age-band");
  json_builder_add_string_value (b, veil_age_band_to_string (self->age_band));
  json_builder_set_member_name (b, "birth-year");
  json_builder_add_int_value (b, self->birth_year);
  json_builder_set_member_name (b, "unix-user");
  if (self->unix_user != NULL)
    json_builder_add_string_value (b, self->unix_user);
  else
    json_builder_add_null_value (b);
  for (guint i = 0; i < VEIL_N_PROTECTIONS; i++)
    {
      json_builder_set_member_name (b, veil_protection_to_string (i));
      json_builder_add_boolean_value (b, self->protections[i]);
    }
  json_builder_set_member_name (b, "folders");
  json_builder_begin_array (b);
  for (guint i = 0; self->folders[i] != NULL; i++)
    json_builder_add_string_value (b, self->folders[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "message-folders");
  json_builder_begin_array (b);
  for (guint i = 0; self->message_folders[i] != NULL; i++)
    json_builder_add_string_value (b, self->message_folders[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "hide-warned");
  json_builder_add_boolean_value (b, self->hide_warned);
  json_builder_set_member_name (b, "sensitivity");
  json_builder_add_string_value (b, veil_sensitivity_to_string (self->sensitivity));
  json_builder_set_member_name (b, "view-needs-pin");
  json_builder_add_boolean_value (b, self->view_needs_pin);
  /* Only once the guardian chose: the text of every profile saved before stays the same. */
  if (self->unchecked_rule != VEIL_UNCHECKED_RULE_DEFAULT)
    {
      json_builder_set_member_name (b, "unchecked");
      json_builder_add_string_value (b, veil_unchecked_rule_to_string (self->unchecked_rule));
    }
  if (self->second_opinion != VEIL_SECOND_OPINION_RULE_DEFAULT)
    {
      json_builder_set_member_name (b, "second-opinion");
      json_builder_add_string_value (b, veil_second_opinion_rule_to_string (self->second_opinion));
    }
  /* Likewise: daily, what turning folder checks on always meant, is left out. */
  if (self->scan_schedule != VEIL_SCAN_SCHEDULE_DAILY)
    {
      json_builder_set_member_name (b, "scan-schedule");
      json_builder_add_string_value (b, veil_scan_schedule_to_string (self->scan_schedule));
    }
  json_builder_set_member_name (b, "retention-days");
  json_builder_add_int_value (b, self->retention_days);
  json_builder_set_member_name (b, "match-threshold");
  json_builder_add_int_value (b, self->match_threshold);
  json_builder_set_member_name (b, "trusted-adults");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->trusted_names->len; i++)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, self->trusted_names->pdata[i]);
      json_builder_set_member_name (b, "contact");
      json_builder_add_string_value (b, self->trusted_contacts->pdata[i]);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  return json_builder_get_root (b);
}

static gboolean
invalid_data (GError     **error,
              const char  *member)
{
  g_set_error (error, VEIL_PROFILE_ERROR, VEIL_PROFILE_ERROR_INVALID_DATA,
               _("A saved profile is damaged (the setting “%s” cannot be read). Open the guardian area to check and save the profile again."),
               member);
  return FALSE;
}

static gboolean
read_string_member (JsonObject  *obj,
                    const char  *member,
                    gboolean     nullable,
                    const char **out,
                    GError     **error)
{
  JsonNode *node = json_object_get_member (obj, member);

  if (node != NULL && nullable && JSON_NODE_HOLDS_NULL (node))
    {
      *out = NULL;
      return TRUE;
    }
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return invalid_data (error, member);

  *out = json_node_get_string (node);
  return TRUE;
}

static gboolean
read_int_member (JsonObject  *obj,
                 const char  *member,
                 gint64       min,
                 gint64       max,
                 gint64      *out,
                 GError     **error)
{
  JsonNode *node = json_object_get_member (obj, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return invalid_data (error, member);

  *out = json_node_get_int (node);
  if (*out < min || *out > max)
    return invalid_data (error, member);

  return TRUE;
}

static gboolean
read_bool_member (JsonObject  *obj,
                  const char  *member,
                  gboolean    *out,
                  GError     **error)
{
  JsonNode *node = json_object_get_member (obj, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return invalid_data (error, member);

  *out = json_node_get_boolean (node);
  return TRUE;
}

/* Replaces *@out with the array of strings @member holds. */
static gboolean
read_strv_member (JsonObject   *obj,
                  const char   *member,
                  GStrv        *out,
                  GError      **error)
{
  g_autoptr(GPtrArray) strv = g_ptr_array_new_with_free_func (g_free);
  JsonNode *array_node = json_object_get_member (obj, member);
  JsonArray *array;

  if (array_node == NULL || !JSON_NODE_HOLDS_ARRAY (array_node))
    return invalid_data (error, member);
  array = json_node_get_array (array_node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        return invalid_data (error, member);
      g_ptr_array_add (strv, g_strdup (json_node_get_string (node)));
    }
  g_ptr_array_add (strv, NULL);
  g_strfreev (*out);
  *out = (GStrv) g_ptr_array_steal (strv, NULL);
  return TRUE;
}

/* An enum member by its nick; 0 (the enum's default) when absent. */
static gboolean
read_optional_choice (JsonObject  *obj,
                      const char  *member,
                      GType        enum_type,
                      int         *out,
                      GError     **error)
{
  const char *s;

  *out = 0;
  if (!json_object_has_member (obj, member))
    return TRUE;
  if (!read_string_member (obj, member, FALSE, &s, error))
    return FALSE;
  if (!_veil_enum_from_nick (enum_type, s, out))
    return invalid_data (error, member);
  return TRUE;
}

static VeilProfile *
profile_from_json (const char  *json,
                   GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(VeilProfile) self = _veil_profile_new_empty ();
  JsonObject *obj;
  JsonArray *array;
  const char *s;
  gint64 n;
  int choice;

  if (!json_parser_load_from_data (parser, json, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, VEIL_PROFILE_ERROR, VEIL_PROFILE_ERROR_INVALID_DATA,
                   _("A saved profile is damaged and cannot be read. Open the guardian area to set it up again."));
      return NULL;
    }
  obj = json_node_get_object (json_parser_get_root (parser));

  if (!read_string_member (obj, "name", FALSE, &s, error))
    return NULL;
  if (!_veil_profile_validate_name (s, NULL))
    {
      invalid_data (error, "name");
      return NULL;
    }
  self->name = g_strdup (s);

  if (!read_string_member (obj, "age-band", FALSE, &s, error))
    return NULL;
  if (!veil_age_band_from_string (s, &self->age_band) && !g_str_equal (s, "unknown"))
    {
      invalid_data (error, "age-band");
      return NULL;
    }

  if (!read_int_member (obj, "birth-year", 0, 9999, &n, error))
    return NULL;
  self->birth_year = (int) n;

  if (!read_string_member (obj, "unix-user", TRUE, &s, error))
    return NULL;
  self->unix_user = g_strdup (s);

  for (guint i = 0; i < VEIL_N_PROTECTIONS; i++)
    if (!read_bool_member (obj, veil_protection_to_string (i), &self->protections[i], error))
      return NULL;

  if (!json_object_has_member (obj, "folders") ||
      !read_strv_member (obj, "folders", &self->folders, error))
    return NULL;

  /* Profiles saved before message guarding have neither: they keep the defaults. */
  if (json_object_has_member (obj, "message-folders") &&
      !read_strv_member (obj, "message-folders", &self->message_folders, error))
    return NULL;
  if (json_object_has_member (obj, "hide-warned") &&
      !read_bool_member (obj, "hide-warned", &self->hide_warned, error))
    return NULL;

  if (!read_string_member (obj, "sensitivity", FALSE, &s, error))
    return NULL;
  if (!veil_sensitivity_from_string (s, &self->sensitivity))
    {
      invalid_data (error, "sensitivity");
      return NULL;
    }

  if (!read_bool_member (obj, "view-needs-pin", &self->view_needs_pin, error))
    return NULL;
  /* Written only once a guardian chose: absent means the default. */
  if (!read_optional_choice (obj, "unchecked", VEIL_TYPE_UNCHECKED_RULE, &choice, error))
    return NULL;
  self->unchecked_rule = choice;
  if (!read_optional_choice (obj, "second-opinion", VEIL_TYPE_SECOND_OPINION_RULE, &choice, error))
    return NULL;
  self->second_opinion = choice;
  if (!read_optional_choice (obj, "scan-schedule", VEIL_TYPE_SCAN_SCHEDULE, &choice, error))
    return NULL;
  self->scan_schedule = choice;
  if (!read_int_member (obj, "retention-days", 1, VEIL_PROFILE_MAX_RETENTION_DAYS, &n, error))
    return NULL;
  self->retention_days = (guint) n;
  if (!read_int_member (obj, "match-threshold", 1, VEIL_PROFILE_MAX_MATCH_THRESHOLD, &n, error))
    return NULL;
  self->match_threshold = (guint) n;

  if (!json_object_has_member (obj, "trusted-adults") ||
      (array = json_object_get_array_member (obj, "trusted-adults")) == NULL)
    {
      invalid_data (error, "trusted-adults");
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      const char *name, *contact;

      if (!JSON_NODE_HOLDS_OBJECT (node) ||
          !read_string_member (json_node_get_object (node), "name", FALSE, &name, error) ||
          !read_string_member (json_node_get_object (node), "contact", FALSE, &contact, error))
        {
          g_clear_error (error);
          invalid_data (error, "trusted-adults");
          return NULL;
        }
      g_ptr_array_add (self->trusted_names, g_strdup (name));
      g_ptr_array_add (self->trusted_contacts, g_strdup (contact));
    }

  return g_steal_pointer (&self);
}

/* --- Private API ------------------------------------------------------------------------- */

VeilProfile *
_veil_profile_new_from_json (gint64                id,
                             guint                 version,
                             const char           *json,
                             VeilProfileIntegrity  integrity,
                             GError              **error)
{
  VeilProfile *self;

  g_return_val_if_fail (json != NULL, NULL);

  self = profile_from_json (json, error);
  if (self == NULL)
    return NULL;

  self->id = id;
  self->version = version;
  self->integrity = integrity;

  return self;
}

/* --- Public API ------------------------------------------------------------------------- */

/**
 * veil_profile_to_json:
 *
 * Returns: (transfer full): the settings as compact JSON, with members in a fixed order
 */
char *
veil_profile_to_json (VeilProfile *self)
{
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  node = profile_to_node (self);
  return json_to_string (node, FALSE);
}
