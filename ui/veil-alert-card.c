/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-alert-card"

#include "config.h"

#include <glib/gi18n.h>

#include "veil-alert-card.h"
#include "veil-ui-utils.h"

/* One alert explained to the guardian: the blurred thumbnail with the classifier's heatmap
 * over it, a plain sentence first, where the file is, what can be done, and the exact figures
 * folded away for those who want them. The
 * unblurred picture is shown only to an unlocked guardian, decoded afresh (never stored), and
 * each time is written to the audit log. */

struct _VeilAlertCard
{
  AdwBin           parent_instance;

  /* construct-only, owned */
  VeilContext     *context;
  VeilProfile     *profile;
  VeilAlert       *alert;
  GBytes          *thumbnail;  /* nullable: the blurred preview, read with the alert */

  /* owned */
  VeilStore       *store;
  GCancellable    *cancellable;
  gboolean         revealed;
  char            *dismissed_from;  /* the state before a dismissal the guardian may undo */

  /* template children */
  GtkPicture      *picture;
  GtkLabel        *sentence_label;
  GtkLabel        *figures_label;
  GtkLabel        *location_label;
  GtkLabel        *state_label;
  GtkWidget       *restore_button;
  GtkWidget       *reveal_button;
};

G_DEFINE_FINAL_TYPE (VeilAlertCard, veil_alert_card, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_CONTEXT,
  PROP_PROFILE,
  PROP_ALERT,
  PROP_THUMBNAIL,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static VeilStore *
ensure_store (VeilAlertCard *self)
{
  VeilStore *store;

  if (self->store != NULL)
    return self->store;
  store = self->context != NULL ? veil_context_get_store (self->context) : NULL;
  if (store == NULL)
    return NULL;
  self->store = g_object_ref (store);
  return self->store;
}

/* Guardian-only actions need the guardian area unlocked (the PIN). */
static gboolean
check_unlocked (VeilAlertCard *self)
{
  VeilGuardian *guardian = self->context != NULL ? veil_context_get_guardian (self->context) : NULL;

  if (guardian != NULL && veil_guardian_get_unlocked (guardian))
    return TRUE;
  veil_ui_toast (GTK_WIDGET (self), _("Unlock the guardian area with the PIN first."));
  return FALSE;
}

/* Where the picture is now: in Veil's own folder while it is hidden. */
static const char *
current_path (VeilAlert *alert)
{
  return alert->hidden_path != NULL ? alert->hidden_path : alert->path;
}

static gboolean
is_message_alert (VeilAlert *alert)
{
  return g_strcmp0 (alert->source, VEIL_ALERT_SOURCE_MESSAGE) == 0;
}

/* What happened, in words a parent needs no manual for; the figures are in the details. */
static char *
plain_sentence (VeilReason *reason)
{
  switch (veil_reason_get_signal (reason))
    {
    case VEIL_SIGNAL_CLASSIFIER:
      return g_strdup (_("Veil’s picture checker found this picture may show nudity."));
    case VEIL_SIGNAL_HASH_LIST:
      return g_strdup (_("This picture matched a known-image list you imported."));
    case VEIL_SIGNAL_PROTECTED_IMAGE:
    case VEIL_SIGNAL_UNCHECKED:
    default:
      return veil_reason_describe (reason);
    }
}

static const char *
state_sentence (VeilAlert *alert)
{
  const char *state = alert->state;

  if (is_message_alert (alert) && g_strcmp0 (state, VEIL_ALERT_STATE_TOLD) == 0)
    return _("Shown to the guardian: the child’s profile says the guardian is told about warnings, and the child knows.");
  if (g_strcmp0 (state, VEIL_ALERT_STATE_HELD) == 0)
    return _("Held: not shown to the guardian until the profile’s match threshold is reached.");
  if (g_strcmp0 (state, VEIL_ALERT_STATE_TOLD) == 0)
    return _("Shown to the guardian: the profile’s match threshold was reached.");
  if (g_strcmp0 (state, VEIL_ALERT_STATE_DISMISSED) == 0)
    return _("Dismissed by the guardian.");
  if (g_strcmp0 (state, VEIL_ALERT_STATE_WRONG) == 0)
    return _("Marked as wrong: pictures like this one raise no more alerts.");
  return "";
}

/* The blurred thumbnail as RGB, with the heatmap of the first classifier reason laid over. */
static GdkTexture *
render_preview (VeilAlertCard *self,
                GBytes        *png)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = gdk_texture_new_from_bytes (png, &error);
  g_autofree guint8 *bgra = NULL;
  g_autofree guint8 *rgb = NULL;
  g_autofree guint8 *overlay = NULL;
  g_autoptr(GBytes) bytes = NULL;
  const float *map = NULL;
  guint map_w = 0, map_h = 0;
  int w, h;

  if (texture == NULL)
    return NULL;
  for (guint i = 0; i < veil_verdict_get_n_reasons (self->alert->verdict) && map == NULL; i++)
    map = veil_reason_get_heatmap (veil_verdict_get_reason (self->alert->verdict, i), &map_w, &map_h);
  if (map == NULL)
    return g_steal_pointer (&texture);

  w = gdk_texture_get_width (texture);
  h = gdk_texture_get_height (texture);
  bgra = g_malloc ((gsize) w * h * 4);
  gdk_texture_download (texture, bgra, (gsize) w * 4);
  rgb = g_malloc ((gsize) w * h * 3);
  /* GDK hands out premultiplied B, G, R, A bytes; the thumbnail is opaque. */
  for (gsize p = 0; p < (gsize) w * h; p++)
    {
      rgb[p * 3 + 0] = bgra[p * 4 + 2];
      rgb[p * 3 + 1] = bgra[p * 4 + 1];
      rgb[p * 3 + 2] = bgra[p * 4 + 0];
    }
  overlay = veil_heatmap_render (map, map_w, map_h, rgb, (guint) w, (guint) h, &error);
  if (overlay == NULL)
    {
      g_debug ("No heatmap: %s", error->message);
      return g_steal_pointer (&texture);
    }
  bytes = g_bytes_new_take (g_steal_pointer (&overlay), (gsize) w * h * 3);
  return gdk_memory_texture_new (w, h, GDK_MEMORY_R8G8B8, bytes, (gsize) w * 3);
}

static void
update (VeilAlertCard *self)
{
  g_autoptr(GString) figures = g_string_new (NULL);
  g_autofree char *sentence = NULL;
  g_autofree char *location = NULL;
  gboolean has_alert = self->alert != NULL;
  const char *actions[] = { "dismiss", "wrong", "open-folder", "reveal", "delete", "restore" };

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      g_autofree char *name = g_strconcat ("card.", actions[i], NULL);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), name, has_alert && self->context != NULL);
    }
  if (!has_alert)
    return;

  if (veil_verdict_get_n_reasons (self->alert->verdict) > 0)
    sentence = plain_sentence (veil_verdict_get_reason (self->alert->verdict, 0));
  for (guint i = 0; i < veil_verdict_get_n_reasons (self->alert->verdict); i++)
    {
      g_autofree char *line = veil_reason_describe_figures (veil_verdict_get_reason (self->alert->verdict, i));
      g_string_append_printf (figures, "%s%s", i > 0 ? "\n" : "", line);
    }
  if (self->alert->hidden_path != NULL)
    /* Translators: %s is where the picture was before Veil moved it into its own folder */
    location = g_strdup_printf (_("Hidden by Veil: it was in %s. Put it back to return it there."), self->alert->path);
  else if (is_message_alert (self->alert) && self->alert->folder != NULL)
    /* Translators: the first %s is a folder name such as "Downloads", the second where the picture is */
    location = g_strdup_printf (_("Arrived in %s. Location: %s"), self->alert->folder, self->alert->path);
  else
    /* Translators: where the picture is */
    location = g_strdup_printf (_("Location: %s"), self->alert->path);

  gtk_label_set_text (self->sentence_label, sentence != NULL ? sentence : "");
  gtk_label_set_text (self->figures_label, figures->str);
  gtk_label_set_text (self->location_label, location);
  gtk_label_set_text (self->state_label, state_sentence (self->alert));
  /* Veil could not check it: it has no hash to mark as wrong, and decoding it here for a
   * preview would do in the app what failed in the analysis. */
  if (veil_verdict_get_unchecked (self->alert->verdict) && !veil_verdict_get_sensitive (self->alert->verdict))
    {
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "card.reveal", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "card.wrong", FALSE);
      gtk_picture_set_alternative_text (self->picture, _("No picture is shown: Veil couldn’t check it"));
    }
  gtk_widget_set_visible (self->restore_button, self->alert->hidden_path != NULL);
  /* The child was told the guardian never sees a message warning's picture: only pictures
   * found by a library scan, which the child was told about, can be revealed. */
  gtk_widget_set_visible (self->reveal_button, !is_message_alert (self->alert));
  if (is_message_alert (self->alert))
    gtk_widget_action_set_enabled (GTK_WIDGET (self), "card.reveal", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "card.restore",
                                 self->context != NULL && self->alert->hidden_path != NULL);

  /* The preview came with the alert's list item: no store read on the main thread. */
  if (!self->revealed)
    {
      g_autoptr(GdkTexture) preview = self->thumbnail != NULL ? render_preview (self, self->thumbnail) : NULL;

      gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (preview));
    }
}

static void
set_state (VeilAlertCard *self,
           const char    *state)
{
  g_free (self->alert->state);
  self->alert->state = g_strdup (state);
  update (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
undo_clicked_cb (VeilAlertCard *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "card.undo-dismiss", NULL);
}

static void
dismiss_action (GtkWidget  *widget,
                const char *action,
                GVariant   *param)
{
  VeilAlertCard *self = VEIL_ALERT_CARD (widget);
  g_autoptr(GError) error = NULL;
  AdwToast *toast;

  if (!check_unlocked (self) || ensure_store (self) == NULL)
    return;
  if (!veil_store_dismiss_alert (self->store, self->alert->id, &error))
    {
      veil_ui_show_error (GTK_WIDGET (self), error);
      return;
    }
  g_free (self->dismissed_from);
  self->dismissed_from = g_strdup (self->alert->state);
  set_state (self, VEIL_ALERT_STATE_DISMISSED);
  gtk_widget_action_set_enabled (widget, "card.undo-dismiss", TRUE);
  toast = veil_ui_toast_with_undo (widget, _("Alert dismissed"));
  if (toast != NULL)
    g_signal_connect_object (toast, "button-clicked", G_CALLBACK (undo_clicked_cb), self, G_CONNECT_SWAPPED);
}

/* The toast's Undo: the alert goes back to the state it had. */
static void
undo_dismiss_action (GtkWidget  *widget,
                     const char *action,
                     GVariant   *param)
{
  VeilAlertCard *self = VEIL_ALERT_CARD (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *state = g_steal_pointer (&self->dismissed_from);

  gtk_widget_action_set_enabled (widget, "card.undo-dismiss", FALSE);
  if (state == NULL || g_strcmp0 (self->alert->state, VEIL_ALERT_STATE_DISMISSED) != 0 ||
      !check_unlocked (self) || ensure_store (self) == NULL)
    return;
  if (!veil_store_undo_dismiss_alert (self->store, self->alert->id, state, &error))
    veil_ui_show_error (GTK_WIDGET (self), error);
  else
    set_state (self, state);
}

static void
wrong_action (GtkWidget  *widget,
              const char *action,
              GVariant   *param)
{
  VeilAlertCard *self = VEIL_ALERT_CARD (widget);
  g_autoptr(GError) error = NULL;

  if (!check_unlocked (self) || ensure_store (self) == NULL)
    return;
  /* Scans load the exception list from the store, so no analyzer needs telling here. */
  if (!veil_store_mark_wrong (self->store, self->alert->id, &error))
    veil_ui_show_error (GTK_WIDGET (self), error);
  else
    set_state (self, VEIL_ALERT_STATE_WRONG);
}

/* Moves a hidden picture back where it came from; never overwrites what is there now. */
static gboolean
restore_picture (VeilAlertCard *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *message = NULL;

  if (!veil_message_guard_restore (self->store, self->alert->id, &path, &error))
    {
      veil_ui_show_error (GTK_WIDGET (self), error);
      return FALSE;
    }
  /* Translators: %s is the path the picture is back at */
  message = g_strdup_printf (_("Put back as %s"), path);
  veil_ui_toast (GTK_WIDGET (self), message);
  g_clear_pointer (&self->alert->hidden_path, g_free);
  g_free (self->alert->path);
  self->alert->path = g_steal_pointer (&path);
  return TRUE;
}

static void
restore_action (GtkWidget  *widget,
                const char *action,
                GVariant   *param)
{
  VeilAlertCard *self = VEIL_ALERT_CARD (widget);

  if (!check_unlocked (self) || ensure_store (self) == NULL || self->alert->hidden_path == NULL)
    return;
  if (restore_picture (self))
    {
      update (self);
      g_signal_emit (self, signals[CHANGED], 0);
    }
}

static void
delete_action (GtkWidget  *widget,
               const char *action,
               GVariant   *param)
{
  VeilAlertCard *self = VEIL_ALERT_CARD (widget);
  g_autoptr(GError) error = NULL;

  if (!check_unlocked (self) || ensure_store (self) == NULL)
    return;
  /* The alert goes, the child's picture never does: a hidden one is put back first. */
  if (self->alert->hidden_path != NULL && !restore_picture (self))
    return;
  if (!veil_store_delete_alert (self->store, self->alert->id, &error))
    veil_ui_show_error (GTK_WIDGET (self), error);
  else
    {
      gtk_picture_set_paintable (self->picture, NULL);
      gtk_label_set_text (self->state_label, _("This alert was deleted."));
      gtk_widget_action_set_enabled (widget, "card.dismiss", FALSE);
      gtk_widget_action_set_enabled (widget, "card.wrong", FALSE);
      gtk_widget_action_set_enabled (widget, "card.reveal", FALSE);
      gtk_widget_action_set_enabled (widget, "card.delete", FALSE);
      gtk_widget_action_set_enabled (widget, "card.restore", FALSE);
      g_signal_emit (self, signals[CHANGED], 0);
    }
}

static void
open_folder_action (GtkWidget  *widget,
                    const char *action,
                    GVariant   *param)
{
  VeilAlertCard *self = VEIL_ALERT_CARD (widget);
  g_autoptr(GFile) file = g_file_new_for_path (current_path (self->alert));
  g_autoptr(GFile) parent = g_file_get_parent (file);
  g_autofree char *uri = parent != NULL ? g_file_get_uri (parent) : NULL;
  GtkRoot *root = gtk_widget_get_root (widget);

  if (uri == NULL || !check_unlocked (self))
    return;
  gtk_show_uri (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, uri, GDK_CURRENT_TIME);
}

static void
reveal_loaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(VeilAlertCard) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = veil_ui_load_preview_finish (result, &error);

  if (texture == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        veil_ui_show_error (GTK_WIDGET (self), error);
      return;
    }
  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (texture));
  self->revealed = TRUE;
}

static void
reveal_response_cb (VeilAlertCard *self,
                    const char    *response)
{
  g_autoptr(GError) error = NULL;
  const char *paths[1];

  if (!g_str_equal (response, "reveal") || self->alert == NULL || is_message_alert (self->alert) ||
      !check_unlocked (self))
    return;
  /* Logged before anything is shown, so the child's page can say that it happened. */
  if (!veil_store_add_audit (veil_context_get_store (self->context), self->alert->profile_id,
                             VEIL_ACTOR_GUARDIAN, "alert-revealed", "", &error))
    {
      veil_ui_show_error (GTK_WIDGET (self), error);
      return;
    }
  paths[0] = current_path (self->alert);
  veil_ui_load_preview_async (self->context, paths, 1, self->cancellable, reveal_loaded_cb, g_object_ref (self));
}

static void
reveal_action (GtkWidget  *widget,
               const char *action,
               GVariant   *param)
{
  VeilAlertCard *self = VEIL_ALERT_CARD (widget);
  GtkWidget *dialog;

  if (!check_unlocked (self) || is_message_alert (self->alert))
    return;
  dialog = adw_message_dialog_new (veil_ui_get_window (widget), _("Show the Picture Unblurred?"),
                                   _("The child’s Veil page will say that you looked at a blurred picture "
                                     "without the blur."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "reveal", _("_Reveal Unblurred"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "reveal", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (reveal_response_cb), self, G_CONNECT_SWAPPED);
  veil_ui_present_guardian_dialog (dialog);
}

static void
veil_alert_card_constructed (GObject *object)
{
  G_OBJECT_CLASS (veil_alert_card_parent_class)->constructed (object);
  /* Only a dismissal just made can be undone. */
  gtk_widget_action_set_enabled (GTK_WIDGET (object), "card.undo-dismiss", FALSE);
  update (VEIL_ALERT_CARD (object));
}

static void
veil_alert_card_dispose (GObject *object)
{
  VeilAlertCard *self = VEIL_ALERT_CARD (object);

  g_cancellable_cancel (self->cancellable);
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), VEIL_TYPE_ALERT_CARD);
  g_clear_object (&self->store);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (veil_alert_card_parent_class)->dispose (object);
}

static void
veil_alert_card_finalize (GObject *object)
{
  VeilAlertCard *self = VEIL_ALERT_CARD (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->dismissed_from, g_free);
  g_clear_pointer (&self->profile, veil_profile_unref);
  g_clear_pointer (&self->alert, veil_alert_free);
  g_clear_pointer (&self->thumbnail, g_bytes_unref);

  G_OBJECT_CLASS (veil_alert_card_parent_class)->finalize (object);
}

static void
veil_alert_card_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  VeilAlertCard *self = VEIL_ALERT_CARD (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;
    case PROP_PROFILE:
      g_value_set_boxed (value, self->profile);
      break;
    case PROP_ALERT:
      g_value_set_boxed (value, self->alert);
      break;
    case PROP_THUMBNAIL:
      g_value_set_boxed (value, self->thumbnail);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_alert_card_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  VeilAlertCard *self = VEIL_ALERT_CARD (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;
    case PROP_PROFILE:
      self->profile = g_value_dup_boxed (value);
      break;
    case PROP_ALERT:
      self->alert = g_value_dup_boxed (value);
      break;
    case PROP_THUMBNAIL:
      self->thumbnail = g_value_dup_boxed (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_alert_card_class_init (VeilAlertCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = veil_alert_card_constructed;
  object_class->dispose = veil_alert_card_dispose;
  object_class->finalize = veil_alert_card_finalize;
  object_class->get_property = veil_alert_card_get_property;
  object_class->set_property = veil_alert_card_set_property;

  properties[PROP_CONTEXT] = g_param_spec_object ("context", NULL, NULL, VEIL_TYPE_CONTEXT, flags);
  properties[PROP_PROFILE] = g_param_spec_boxed ("profile", NULL, NULL, VEIL_TYPE_PROFILE, flags);
  properties[PROP_ALERT] = g_param_spec_boxed ("alert", NULL, NULL, VEIL_TYPE_ALERT, flags);
  properties[PROP_THUMBNAIL] = g_param_spec_boxed ("thumbnail", NULL, NULL, G_TYPE_BYTES, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * VeilAlertCard::changed:
   *
   * The guardian dismissed, corrected or deleted the alert.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/veil-alert-card.ui");
  gtk_widget_class_bind_template_child (widget_class, VeilAlertCard, picture);
  gtk_widget_class_bind_template_child (widget_class, VeilAlertCard, sentence_label);
  gtk_widget_class_bind_template_child (widget_class, VeilAlertCard, figures_label);
  gtk_widget_class_bind_template_child (widget_class, VeilAlertCard, location_label);
  gtk_widget_class_bind_template_child (widget_class, VeilAlertCard, state_label);
  gtk_widget_class_bind_template_child (widget_class, VeilAlertCard, restore_button);
  gtk_widget_class_bind_template_child (widget_class, VeilAlertCard, reveal_button);

  gtk_widget_class_install_action (widget_class, "card.dismiss", NULL, dismiss_action);
  gtk_widget_class_install_action (widget_class, "card.wrong", NULL, wrong_action);
  gtk_widget_class_install_action (widget_class, "card.open-folder", NULL, open_folder_action);
  gtk_widget_class_install_action (widget_class, "card.reveal", NULL, reveal_action);
  gtk_widget_class_install_action (widget_class, "card.undo-dismiss", NULL, undo_dismiss_action);
  gtk_widget_class_install_action (widget_class, "card.restore", NULL, restore_action);
  gtk_widget_class_install_action (widget_class, "card.delete", NULL, delete_action);
}

static void
veil_alert_card_init (VeilAlertCard *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * veil_alert_card_new:
 * @alert: the alert to explain
 * @thumbnail: (nullable): its blurred preview (PNG), as its #VeilAlertItem holds it
 */
GtkWidget *
veil_alert_card_new (VeilContext     *context,
                     VeilProfile     *profile,
                     const VeilAlert *alert,
                     GBytes          *thumbnail)
{
  g_return_val_if_fail (VEIL_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (alert != NULL, NULL);

  return g_object_new (VEIL_TYPE_ALERT_CARD, "context", context, "profile", profile, "alert", alert,
                       "thumbnail", thumbnail, NULL);
}

/* Returns: (transfer none) (nullable): the alert shown */
VeilAlert *
veil_alert_card_get_alert (VeilAlertCard *self)
{
  g_return_val_if_fail (VEIL_IS_ALERT_CARD (self), NULL);
  return self->alert;
}

/* Returns: whether the unblurred picture is on screen */
gboolean
veil_alert_card_get_revealed (VeilAlertCard *self)
{
  g_return_val_if_fail (VEIL_IS_ALERT_CARD (self), FALSE);
  return self->revealed;
}
