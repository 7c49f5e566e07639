/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-trusted-adults-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "veil-trusted-adults-dialog.h"

/* Encourages a child to talk to someone they trust, listing the trusted adults of their
 * profile and how to reach them: each contact can be copied, and one that is a phone number
 * or an email address can be called, texted or written to from the child's own apps, opened
 * only by the child's click (::open-link). It also offers to ask for help through Veil,
 * saying first that the guardian then sees the request. It answers "ask" or "close";
 * whoever opened it places the request. */

struct _VeilTrustedAdultsDialog
{
  AdwMessageDialog  parent_instance;

  /* template children */
  GtkListBox       *adults_list;
};

G_DEFINE_FINAL_TYPE (VeilTrustedAdultsDialog, veil_trusted_adults_dialog, ADW_TYPE_MESSAGE_DIALOG)

enum {
  OPEN_LINK,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/**
 * veil_trusted_adults_contact_kind:
 * @contact: (nullable): how to reach a trusted adult, as the guardian typed it
 *
 * Returns: what @contact is: a phone number (digits, spaces, "+", "-", ".", brackets, at
 *   least three digits), an email address, or something else (a room, a nickname)
 */
VeilContactKind
veil_trusted_adults_contact_kind (const char *contact)
{
  guint digits = 0;
  const char *at;

  if (contact == NULL || *contact == '\0')
    return VEIL_CONTACT_OTHER;

  at = strchr (contact, '@');
  if (at != NULL && at != contact && strchr (at + 1, '@') == NULL && strchr (at + 1, '.') != NULL &&
      strpbrk (contact, " \t\n<>\"") == NULL)
    return VEIL_CONTACT_EMAIL;

  for (const char *c = contact; *c != '\0'; c++)
    {
      if (g_ascii_isdigit (*c))
        digits++;
      else if (strchr (" +-.()", *c) == NULL)
        return VEIL_CONTACT_OTHER;
    }
  return digits >= 3 ? VEIL_CONTACT_PHONE : VEIL_CONTACT_OTHER;
}

/**
 * veil_trusted_adults_contact_uri:
 * @contact: a contact veil_trusted_adults_contact_kind() calls a phone number or an email
 * @scheme: "tel", "sms" or "mailto"
 *
 * Returns: (transfer full): the URI, e.g. "tel:+4930123456" for "+49 30 123456"
 */
char *
veil_trusted_adults_contact_uri (const char *contact,
                                 const char *scheme)
{
  g_autoptr(GString) uri = g_string_new (scheme);

  g_return_val_if_fail (contact != NULL && scheme != NULL, NULL);

  g_string_append_c (uri, ':');
  if (g_str_equal (scheme, "mailto"))
    {
      g_autofree char *escaped = g_uri_escape_string (contact, "@", FALSE);
      g_string_append (uri, escaped);
    }
  else
    /* A dialler wants the digits and a leading "+" only. */
    for (const char *c = contact; *c != '\0'; c++)
      if (g_ascii_isdigit (*c) || (*c == '+' && uri->len == strlen (scheme) + 1))
        g_string_append_c (uri, *c);
  return g_string_free (g_steal_pointer (&uri), FALSE);
}

static void
copy_action (GtkWidget  *widget,
             const char *action,
             GVariant   *param)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), g_variant_get_string (param, NULL));
}

static void
open_action (GtkWidget  *widget,
             const char *action,
             GVariant   *param)
{
  g_signal_emit (widget, signals[OPEN_LINK], 0, g_variant_get_string (param, NULL));
}

static void
veil_trusted_adults_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), VEIL_TYPE_TRUSTED_ADULTS_DIALOG);

  G_OBJECT_CLASS (veil_trusted_adults_dialog_parent_class)->dispose (object);
}

static void
veil_trusted_adults_dialog_class_init (VeilTrustedAdultsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = veil_trusted_adults_dialog_dispose;

  /**
   * VeilTrustedAdultsDialog::open-link:
   * @uri: a tel:, sms: or mailto: URI of a trusted adult
   *
   * The child clicked Call, Text or Email next to a trusted adult.
   */
  signals[OPEN_LINK] = g_signal_new ("open-link", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/veil-trusted-adults-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, VeilTrustedAdultsDialog, adults_list);

  gtk_widget_class_install_action (widget_class, "adults.copy", "s", copy_action);
  gtk_widget_class_install_action (widget_class, "adults.open", "s", open_action);
}

static void
veil_trusted_adults_dialog_init (VeilTrustedAdultsDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* The copy button says it worked: the contact is on the clipboard, nothing else happened. */
static void
copied_cb (GtkButton *button)
{
  gtk_button_set_icon_name (button, "object-select-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (button), _("Copied"));
}

static GtkWidget *
add_button (GtkWidget  *row,
            const char *icon,
            const char *tooltip,
            const char *accessible,
            const char *action,
            const char *target)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  gtk_widget_add_css_class (button, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", target);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  return button;
}

static void
add_contact_buttons (GtkWidget  *row,
                     const char *name,
                     const char *contact)
{
  VeilContactKind kind = veil_trusted_adults_contact_kind (contact);
  /* Translators: accessible labels of the buttons next to a trusted adult; %s is their name */
  g_autofree char *copy = g_strdup_printf (_("Copy how to reach %s"), name);
  g_autofree char *call = g_strdup_printf (_("Call %s"), name);
  g_autofree char *text = g_strdup_printf (_("Send a text message to %s"), name);
  g_autofree char *mail = g_strdup_printf (_("Write an email to %s"), name);

  if (kind == VEIL_CONTACT_PHONE)
    {
      g_autofree char *tel = veil_trusted_adults_contact_uri (contact, "tel");
      g_autofree char *sms = veil_trusted_adults_contact_uri (contact, "sms");

      add_button (row, "call-start-symbolic", _("Call"), call, "adults.open", tel);
      add_button (row, "chat-message-new-symbolic", _("Text"), text, "adults.open", sms);
    }
  else if (kind == VEIL_CONTACT_EMAIL)
    {
      g_autofree char *mailto = veil_trusted_adults_contact_uri (contact, "mailto");

      add_button (row, "mail-send-symbolic", _("Email"), mail, "adults.open", mailto);
    }
  g_signal_connect (add_button (row, "edit-copy-symbolic", _("Copy"), copy, "adults.copy", contact),
                    "clicked", G_CALLBACK (copied_cb), NULL);
}

static void
fill (VeilTrustedAdultsDialog *self,
      VeilProfile             *profile)
{
  guint n = veil_profile_get_n_trusted_adults (profile);
  const char *intro = n > 0
                      ? _("Talking to someone you trust can help. It’s not your fault. You could tell:")
                      : _("Talking to someone you trust can help, like a parent, a teacher or another adult you "
                          "know well. It’s not your fault.");

  for (guint i = 0; i < n; i++)
    {
      const char *name = NULL, *contact = NULL;
      GtkWidget *row = adw_action_row_new ();

      veil_profile_get_trusted_adult (profile, i, &name, &contact);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      if (contact != NULL && *contact != '\0')
        {
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), contact);
          add_contact_buttons (row, name, contact);
        }
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      gtk_list_box_append (self->adults_list, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->adults_list), n > 0);

  /* Asking through Veil tells the guardian: say so before the child agrees. */
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (self), "%s\n\n%s", intro,
                                  _("If you ask for help in Veil, your guardian sees that you asked and why Veil "
                                    "blurred the picture. They don’t see the picture."));
}

/**
 * veil_trusted_adults_dialog_new:
 * @parent: (nullable): the window it is modal over
 * @profile: the child's profile, with their trusted adults
 *
 * Returns: (transfer none): the dialog, owned by GTK like every window
 */
GtkWidget *
veil_trusted_adults_dialog_new (GtkWindow   *parent,
                                VeilProfile *profile)
{
  VeilTrustedAdultsDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (profile != NULL, NULL);

  self = g_object_new (VEIL_TYPE_TRUSTED_ADULTS_DIALOG, "transient-for", parent, NULL);
  fill (self, profile);
  return GTK_WIDGET (self);
}
