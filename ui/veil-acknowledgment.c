/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-acknowledgment"

#include "config.h"

#include <glib/gi18n.h>

#include "veil-acknowledgment.h"

/* The child's screen: one protection at a time, what it does, what it never does and who is
 * told, then “I understand”. Only that makes a protection active. A child of 13 or more can
 * also ask the guardian to look at it again; that is logged and changes nothing by itself. */

struct _VeilAcknowledgment
{
  AdwBin          parent_instance;

  /* Owned */
  VeilContext    *context;
  VeilProfile    *profile;
  gboolean        has_protection;
  VeilProtection  protection;    /* the one explained now */
  guint           text_version;

  /* Template children */
  GtkStack       *stack;
  GtkLabel       *greeting_label;
  GtkLabel       *title_label;
  AdwActionRow   *does_row;
  AdwActionRow   *never_row;
  AdwActionRow   *told_row;
  GtkButton      *review_button;
  GtkLabel       *note_label;
  AdwStatusPage  *done_page;
};

G_DEFINE_FINAL_TYPE (VeilAcknowledgment, veil_acknowledgment, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

enum {
  DONE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Shows the next protection waiting for this child, or the closing page. */
static void
show_next (VeilAcknowledgment *self)
{
  VeilStore *store = self->context != NULL ? veil_context_get_store (self->context) : NULL;
  g_autofree char *greeting = NULL;

  self->has_protection = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self->note_label), FALSE);

  if (store != NULL && self->profile != NULL)
    {
      for (guint p = 0; p < VEIL_N_PROTECTIONS; p++)
        {
          VeilProtectionStatus status;

          if (veil_store_get_protection_status (store, self->profile, p, &status, NULL) &&
              status.enabled && status.needs_acknowledgment && !status.acknowledged)
            {
              self->protection = p;
              self->has_protection = TRUE;
              break;
            }
        }
    }

  if (!self->has_protection)
    {
      adw_status_page_set_description (self->done_page,
                                       _("You have read everything that is on. You can always see it again on the “What Veil Does Here” page."));
      gtk_stack_set_visible_child_name (self->stack, "done");
      return;
    }

  {
    VeilExplanation e;

    veil_protection_get_explanation_for_profile (self->protection, self->profile, &e);
    self->text_version = e.text_version;
    /* Translators: %s is the child's name */
    greeting = g_strdup_printf (_("Hi %s, your guardian turned this on:"), veil_profile_get_name (self->profile));
    gtk_label_set_text (self->greeting_label, greeting);
    gtk_label_set_text (self->title_label, e.title);
    adw_action_row_set_subtitle (self->does_row, e.what_it_does);
    adw_action_row_set_subtitle (self->never_row, e.what_it_never_does);
    adw_action_row_set_subtitle (self->told_row, e.who_is_told);
  }
  gtk_widget_set_visible (GTK_WIDGET (self->review_button),
                          veil_profile_get_effective_age_band (self->profile) != VEIL_AGE_BAND_UNDER_13);
  gtk_stack_set_visible_child_name (self->stack, "explain");
}

static void
accept_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VeilAcknowledgment *self = VEIL_ACKNOWLEDGMENT (widget);
  VeilStore *store = self->context != NULL ? veil_context_get_store (self->context) : NULL;
  g_autoptr(GError) error = NULL;

  if (store == NULL || !self->has_protection)
    return;

  if (!veil_store_acknowledge (store, self->profile, self->protection, self->text_version, &error))
    {
      gtk_label_set_text (self->note_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->note_label), TRUE);
      return;
    }
  veil_context_notify_profiles_changed (self->context);
  show_next (self);
}

static void
review_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VeilAcknowledgment *self = VEIL_ACKNOWLEDGMENT (widget);
  VeilStore *store = self->context != NULL ? veil_context_get_store (self->context) : NULL;
  g_autoptr(GError) error = NULL;

  if (store == NULL || !self->has_protection)
    return;

  if (!veil_store_request_review (store, self->profile, self->protection, &error))
    gtk_label_set_text (self->note_label, error->message);
  else
    gtk_label_set_text (self->note_label, _("Your guardian will see that you asked them to look at this again."));
  gtk_widget_set_visible (GTK_WIDGET (self->note_label), TRUE);
}

static void
done_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  g_signal_emit (widget, signals[DONE], 0);
}

static void
veil_acknowledgment_dispose (GObject *object)
{
  VeilAcknowledgment *self = VEIL_ACKNOWLEDGMENT (object);

  /* The bin unparents its child itself before the template children are cleared. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), VEIL_TYPE_ACKNOWLEDGMENT);
  g_clear_object (&self->context);
  g_clear_pointer (&self->profile, veil_profile_unref);

  G_OBJECT_CLASS (veil_acknowledgment_parent_class)->dispose (object);
}

static void
veil_acknowledgment_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  VeilAcknowledgment *self = VEIL_ACKNOWLEDGMENT (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_acknowledgment_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  VeilAcknowledgment *self = VEIL_ACKNOWLEDGMENT (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_acknowledgment_class_init (VeilAcknowledgmentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = veil_acknowledgment_dispose;
  object_class->get_property = veil_acknowledgment_get_property;
  object_class->set_property = veil_acknowledgment_set_property;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, VEIL_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[DONE] =
    g_signal_new ("done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/veil-acknowledgment.ui");
  gtk_widget_class_bind_template_child (widget_class, VeilAcknowledgment, stack);
  gtk_widget_class_bind_template_child (widget_class, VeilAcknowledgment, greeting_label);
  gtk_widget_class_bind_template_child (widget_class, VeilAcknowledgment, title_label);
  gtk_widget_class_bind_template_child (widget_class, VeilAcknowledgment, does_row);
  gtk_widget_class_bind_template_child (widget_class, VeilAcknowledgment, never_row);
  gtk_widget_class_bind_template_child (widget_class, VeilAcknowledgment, told_row);
  gtk_widget_class_bind_template_child (widget_class, VeilAcknowledgment, review_button);
  gtk_widget_class_bind_template_child (widget_class, VeilAcknowledgment, note_label);
  gtk_widget_class_bind_template_child (widget_class, VeilAcknowledgment, done_page);

  gtk_widget_class_install_action (widget_class, "ack.accept", NULL, accept_action);
  gtk_widget_class_install_action (widget_class, "ack.review", NULL, review_action);
  gtk_widget_class_install_action (widget_class, "ack.done", NULL, done_action);
}

static void
veil_acknowledgment_init (VeilAcknowledgment *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
veil_acknowledgment_new (VeilContext *context)
{
  g_return_val_if_fail (VEIL_IS_CONTEXT (context), NULL);

  return g_object_new (VEIL_TYPE_ACKNOWLEDGMENT, "context", context, NULL);
}

/**
 * veil_acknowledgment_set_profile:
 * @profile: the child who reads
 *
 * Starts with the first protection turned on for @profile that the child has not
 * acknowledged yet.
 */
void
veil_acknowledgment_set_profile (VeilAcknowledgment *self,
                                 VeilProfile        *profile)
{
  g_return_if_fail (VEIL_IS_ACKNOWLEDGMENT (self));
  g_return_if_fail (profile != NULL);

  g_clear_pointer (&self->profile, veil_profile_unref);
  self->profile = veil_profile_ref (profile);
  show_next (self);
}

/**
 * veil_acknowledgment_get_profile:
 *
 * Returns: (transfer none) (nullable): the child who reads
 */
VeilProfile *
veil_acknowledgment_get_profile (VeilAcknowledgment *self)
{
  g_return_val_if_fail (VEIL_IS_ACKNOWLEDGMENT (self), NULL);

  return self->profile;
}

/**
 * veil_acknowledgment_get_protection:
 * @out_protection: (out): the protection explained now
 *
 * Returns: %FALSE when nothing is left to acknowledge
 */
gboolean
veil_acknowledgment_get_protection (VeilAcknowledgment *self,
                                    VeilProtection     *out_protection)
{
  g_return_val_if_fail (VEIL_IS_ACKNOWLEDGMENT (self), FALSE);

  if (self->has_protection && out_protection != NULL)
    *out_protection = self->protection;
  return self->has_protection;
}
