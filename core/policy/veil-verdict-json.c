/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-verdict"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "veil-verdict.h"
#include "veil-verdict-private.h"
#include "veil-enum-private.h"

/* Reasons and verdicts as JSON: what the store keeps (read back as untrusted input: a row
 * edited outside Veil is refused, not believed) and what veilctl and the export show. */

static void
add_frame_times (VeilReason  *self,
                 JsonBuilder *b)
{
  if (self->n_frame_times == 0)
    return;
  json_builder_set_member_name (b, "frame-times-ms");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->n_frame_times; i++)
    json_builder_add_int_value (b, self->frame_times[i]);
  json_builder_end_array (b);
}

JsonNode *
veil_reason_to_json (VeilReason *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "signal");
  json_builder_add_string_value (b, veil_signal_to_string (self->signal));
  json_builder_set_member_name (b, "figure");
  json_builder_add_double_value (b, self->figure);
  json_builder_set_member_name (b, "threshold");
  json_builder_add_double_value (b, self->threshold);
  if (self->class_name != NULL)
    {
      json_builder_set_member_name (b, "class");
      json_builder_add_string_value (b, self->class_name);
    }
  json_builder_set_member_name (b, "source");
  json_builder_add_string_value (b, self->source_name);
  json_builder_set_member_name (b, "version");
  json_builder_add_string_value (b, self->source_version);
  json_builder_set_member_name (b, MODEL_SIGNAL (self->signal) ? "sha256" : "label");
  json_builder_add_string_value (b, self->source_detail);
  if (self->heatmap != NULL)
    {
      json_builder_set_member_name (b, "heatmap-width");
      json_builder_add_int_value (b, self->heatmap_width);
      json_builder_set_member_name (b, "heatmap-height");
      json_builder_add_int_value (b, self->heatmap_height);
      json_builder_set_member_name (b, "heatmap");
      json_builder_begin_array (b);
      for (guint i = 0; i < self->heatmap_width * self->heatmap_height; i++)
        json_builder_add_double_value (b, self->heatmap[i]);
      json_builder_end_array (b);
    }
  add_frame_times (self, b);
  json_builder_end_object (b);

  return json_builder_get_root (b);
}

static gboolean
invalid (GError **error)
{
  g_set_error_literal (error, VEIL_VERDICT_ERROR, VEIL_VERDICT_ERROR_INVALID,
                       _("Stored alert reasons could not be read. Delete the alert and scan again."));
  return FALSE;
}

VeilReason *
veil_reason_new_from_json (JsonNode  *node,
                           GError   **error)
{
  g_autoptr(VeilReason) self = NULL;
  JsonObject *o;
  VeilSignal signal;
  const char *detail_key;

  g_return_val_if_fail (node != NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error), NULL;
  o = json_node_get_object (node);
  if (!veil_signal_from_string (json_object_get_string_member_with_default (o, "signal", NULL), &signal) ||
      !json_object_has_member (o, "figure") || !json_object_has_member (o, "threshold"))
    return invalid (error), NULL;

  self = _veil_reason_alloc (signal);
  self->figure = json_object_get_double_member (o, "figure");
  self->threshold = json_object_get_double_member (o, "threshold");
  self->class_name = g_strdup (json_object_get_string_member_with_default (o, "class", NULL));
  self->source_name = g_strdup (json_object_get_string_member_with_default (o, "source", ""));
  self->source_version = g_strdup (json_object_get_string_member_with_default (o, "version", ""));
  detail_key = MODEL_SIGNAL (signal) ? "sha256" : "label";
  self->source_detail = g_strdup (json_object_get_string_member_with_default (o, detail_key, ""));
  if (MODEL_SIGNAL (signal) && self->class_name == NULL)
    return invalid (error), NULL;
  if (signal == VEIL_SIGNAL_UNCHECKED && veil_reason_get_unchecked_cause (self) == 0)
    return invalid (error), NULL;

  if (json_object_has_member (o, "heatmap"))
    {
      JsonArray *a = json_object_get_array_member (o, "heatmap");
      gint64 w = json_object_get_int_member_with_default (o, "heatmap-width", 0);
      gint64 h = json_object_get_int_member_with_default (o, "heatmap-height", 0);

      if (a == NULL || w <= 0 || h <= 0 || w > MAX_HEATMAP_SIDE || h > MAX_HEATMAP_SIDE ||
          json_array_get_length (a) != (guint) (w * h))
        return invalid (error), NULL;
      self->heatmap = g_new (float, w * h);
      self->heatmap_width = (guint) w;
      self->heatmap_height = (guint) h;
      for (guint i = 0; i < (guint) (w * h); i++)
        self->heatmap[i] = (float) json_array_get_double_element (a, i);
    }
  if (json_object_has_member (o, "frame-times-ms"))
    {
      JsonArray *a = json_object_get_array_member (o, "frame-times-ms");
      guint n = a != NULL ? json_array_get_length (a) : 0;

      if (a == NULL || n > MAX_FRAME_TIMES)
        return invalid (error), NULL;
      self->frame_times = g_new0 (gint64, MAX (n, 1));
      self->n_frame_times = n;
      for (guint i = 0; i < n; i++)
        if ((self->frame_times[i] = json_array_get_int_element (a, i)) < 0)
          return invalid (error), NULL;
    }

  return g_steal_pointer (&self);
}

/* The picture's PDQ hash and its quality, when the verdict has one: stored and shown alike. */
static void
add_hash (VeilVerdict *self,
          JsonBuilder *b)
{
  char hex[VEIL_PDQ_HEX_LENGTH + 1];

  if (!self->has_hash)
    return;
  veil_pdq_hash_to_hex (&self->hash, hex);
  json_builder_set_member_name (b, "pdq");
  json_builder_add_string_value (b, hex);
  json_builder_set_member_name (b, "quality");
  json_builder_add_int_value (b, self->quality);
}

/**
 * veil_verdict_to_json:
 *
 * Returns: (transfer full): the verdict as JSON text, as the store keeps it
 */
char *
veil_verdict_to_json (VeilVerdict *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "sensitive");
  json_builder_add_boolean_value (b, veil_verdict_get_sensitive (self));
  json_builder_set_member_name (b, "suppressed");
  json_builder_add_boolean_value (b, self->suppressed);
  add_hash (self, b);
  json_builder_set_member_name (b, "reasons");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->reasons->len; i++)
    json_builder_add_value (b, veil_reason_to_json (g_ptr_array_index (self->reasons, i)));
  json_builder_end_array (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/**
 * veil_reason_to_display_json_node:
 * @self: a #VeilReason
 *
 * The reason as veilctl shows it to people and scripts: its figures, its source and the
 * sentence that explains it. veil_reason_to_json() is the stored form, read back by
 * veil_reason_new_from_json().
 *
 * Returns: (transfer full): `{signal, class?, figure, threshold, source: {name, version,
 *   sha256 | entry}, explanation}`
 */
JsonNode *
veil_reason_to_display_json_node (VeilReason *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *explanation = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  explanation = veil_reason_describe (self);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "signal");
  json_builder_add_string_value (b, veil_signal_to_string (self->signal));
  if (self->class_name != NULL)
    {
      json_builder_set_member_name (b, "class");
      json_builder_add_string_value (b, self->class_name);
    }
  json_builder_set_member_name (b, "figure");
  json_builder_add_double_value (b, self->figure);
  json_builder_set_member_name (b, "threshold");
  json_builder_add_double_value (b, self->threshold);
  json_builder_set_member_name (b, "source");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, self->source_name);
  json_builder_set_member_name (b, "version");
  json_builder_add_string_value (b, self->source_version);
  json_builder_set_member_name (b, MODEL_SIGNAL (self->signal) ? "sha256" : "entry");
  json_builder_add_string_value (b, self->source_detail);
  json_builder_end_object (b);
  add_frame_times (self, b);
  json_builder_set_member_name (b, "explanation");
  json_builder_add_string_value (b, explanation);
  json_builder_end_object (b);

  return json_builder_get_root (b);
}

/**
 * veil_verdict_to_display_json_node:
 * @self: a #VeilVerdict
 *
 * The verdict as veilctl shows it: the picture's PDQ hash and its quality when it was
 * hashed, and each reason as veil_reason_to_display_json_node() writes it.
 * veil_verdict_to_json() is the stored form.
 *
 * Returns: (transfer full): `{pdq?, quality?, reasons}`
 */
JsonNode *
veil_verdict_to_display_json_node (VeilVerdict *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (b);
  add_hash (self, b);
  json_builder_set_member_name (b, "reasons");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->reasons->len; i++)
    json_builder_add_value (b, veil_reason_to_display_json_node (g_ptr_array_index (self->reasons, i)));
  json_builder_end_array (b);
  json_builder_end_object (b);

  return json_builder_get_root (b);
}

VeilVerdict *
veil_verdict_new_from_json (const char  *json,
                            GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(VeilVerdictBuilder) builder = veil_verdict_builder_new ();
  JsonObject *o;
  JsonArray *reasons;
  const char *hex;

  g_return_val_if_fail (json != NULL, NULL);

  if (!json_parser_load_from_data (parser, json, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return invalid (error), NULL;
  o = json_node_get_object (json_parser_get_root (parser));
  reasons = json_object_has_member (o, "reasons") ? json_object_get_array_member (o, "reasons") : NULL;
  if (reasons == NULL)
    return invalid (error), NULL;

  for (guint i = 0; i < json_array_get_length (reasons); i++)
    {
      g_autoptr(VeilReason) reason = veil_reason_new_from_json (json_array_get_element (reasons, i), error);

      if (reason == NULL)
        return NULL;
      veil_verdict_builder_add_reason (builder, reason);
    }
  hex = json_object_get_string_member_with_default (o, "pdq", NULL);
  if (hex != NULL)
    {
      VeilPdqHash hash;

      if (!veil_pdq_hash_parse (hex, -1, &hash))
        return invalid (error), NULL;
      veil_verdict_builder_set_hash (builder, &hash,
                                     (guint) json_object_get_int_member_with_default (o, "quality", 0));
    }
  veil_verdict_builder_set_suppressed (builder, json_object_get_boolean_member_with_default (o, "suppressed", FALSE));

  return veil_verdict_builder_build (builder);
}
