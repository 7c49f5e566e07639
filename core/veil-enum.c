/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-enum"

#include "config.h"

#include "veil-enum-private.h"

/* Returns: (nullable): the nick of @value, %NULL when @value is not one of @enum_type's */
const char *
_veil_enum_get_nick (GType enum_type,
                     int   value)
{
  GEnumClass *klass = g_type_class_ref (enum_type);
  GEnumValue *enum_value = g_enum_get_value (klass, value);

  g_type_class_unref (klass);
  /* The nicks are static strings of the registered type: they outlive the class reference. */
  return enum_value != NULL ? enum_value->value_nick : NULL;
}

/* @nick: (nullable): the text to look up; %NULL never matches */
gboolean
_veil_enum_from_nick (GType       enum_type,
                      const char *nick,
                      int        *out_value)
{
  GEnumClass *klass;
  GEnumValue *enum_value;

  if (nick == NULL)
    return FALSE;

  klass = g_type_class_ref (enum_type);
  enum_value = g_enum_get_value_by_nick (klass, nick);
  g_type_class_unref (klass);
  if (enum_value == NULL)
    return FALSE;

  *out_value = enum_value->value;
  return TRUE;
}
