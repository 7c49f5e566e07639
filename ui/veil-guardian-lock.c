/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-guardian-lock"

#include "config.h"

#include <glib/gi18n.h>

#include "veil-guardian-lock.h"
#include "veil-ui-utils.h"

/* The door to guardian settings: the PIN, checked in a worker thread, with the back-off
 * explained when it applies. Without a keyring it says so and stays closed. */

struct _VeilGuardianLock
{
  AdwBin               parent_instance;

  /* Owned */
  VeilContext         *context;
  GCancellable        *cancellable;
  gboolean             busy;

  /* Template children */
  GtkStack            *stack;
  AdwPasswordEntryRow *pin_row;
  GtkLabel            *error_label;
  GtkSpinner          *spinner;
  AdwStatusPage       *unavailable_page;
};

G_DEFINE_FINAL_TYPE (VeilGuardianLock, veil_guardian_lock, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

enum {
  UNLOCKED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
set_busy (VeilGuardianLock *self,
          gboolean          busy)
{
  self->busy = busy;
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lock.unlock", !busy);
}

static void
unlock_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(VeilGuardianLock) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = veil_guardian_unlock_finish (VEIL_GUARDIAN (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->pin_row), "");
  if (!ok)
    {
      veil_ui_set_error_label (self->error_label, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->pin_row));
      return;
    }

  veil_ui_set_error_label (self->error_label, NULL);
  g_signal_emit (self, signals[UNLOCKED], 0);
}

static void
unlock_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VeilGuardianLock *self = VEIL_GUARDIAN_LOCK (widget);
  VeilGuardian *guardian = self->context != NULL ? veil_context_get_guardian (self->context) : NULL;
  const char *pin = gtk_editable_get_text (GTK_EDITABLE (self->pin_row));

  if (guardian == NULL)
    {
      veil_ui_set_error_label (self->error_label, _("Veil could not open its data. Close Veil and open it again."));
      return;
    }
  if (self->busy)
    return;
  if (*pin == '\0')
    {
      veil_ui_set_error_label (self->error_label, _("Enter the guardian PIN."));
      return;
    }

  set_busy (self, TRUE);
  veil_guardian_unlock_async (guardian, pin, self->cancellable, unlock_cb, g_object_ref (self));
}

static void
pin_activated_cb (VeilGuardianLock *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "lock.unlock", NULL);
}

static void
veil_guardian_lock_dispose (GObject *object)
{
  VeilGuardianLock *self = VEIL_GUARDIAN_LOCK (object);

  g_cancellable_cancel (self->cancellable);
  /* The bin unparents its child itself before the template children are cleared. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), VEIL_TYPE_GUARDIAN_LOCK);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (veil_guardian_lock_parent_class)->dispose (object);
}

static void
veil_guardian_lock_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  VeilGuardianLock *self = VEIL_GUARDIAN_LOCK (object);

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
veil_guardian_lock_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  VeilGuardianLock *self = VEIL_GUARDIAN_LOCK (object);

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
veil_guardian_lock_class_init (VeilGuardianLockClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = veil_guardian_lock_dispose;
  object_class->get_property = veil_guardian_lock_get_property;
  object_class->set_property = veil_guardian_lock_set_property;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, VEIL_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * VeilGuardianLock::unlocked:
   *
   * The right PIN was entered; the guardian is unlocked.
   */
  signals[UNLOCKED] =
    g_signal_new ("unlocked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/veil-guardian-lock.ui");
  gtk_widget_class_bind_template_child (widget_class, VeilGuardianLock, stack);
  gtk_widget_class_bind_template_child (widget_class, VeilGuardianLock, pin_row);
  gtk_widget_class_bind_template_child (widget_class, VeilGuardianLock, error_label);
  gtk_widget_class_bind_template_child (widget_class, VeilGuardianLock, spinner);
  gtk_widget_class_bind_template_child (widget_class, VeilGuardianLock, unavailable_page);
  gtk_widget_class_bind_template_callback (widget_class, pin_activated_cb);

  gtk_widget_class_install_action (widget_class, "lock.unlock", NULL, unlock_action);
}

static void
veil_guardian_lock_init (VeilGuardianLock *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  veil_ui_guard_password_row (self->pin_row);
  self->cancellable = g_cancellable_new ();
}

GtkWidget *
veil_guardian_lock_new (VeilContext *context)
{
  g_return_val_if_fail (VEIL_IS_CONTEXT (context), NULL);

  return g_object_new (VEIL_TYPE_GUARDIAN_LOCK, "context", context, NULL);
}

/**
 * veil_guardian_lock_refresh:
 *
 * Asks the keyring again. Without it the lock shows why guardian settings stay closed, and
 * offers no PIN entry at all (there is no fallback).
 *
 * Returns: whether a PIN can be entered
 */
gboolean
veil_guardian_lock_refresh (VeilGuardianLock *self)
{
  VeilGuardian *guardian;
  g_autoptr(GError) error = NULL;
  gboolean has_pin = FALSE;

  g_return_val_if_fail (VEIL_IS_GUARDIAN_LOCK (self), FALSE);

  guardian = self->context != NULL ? veil_context_get_guardian (self->context) : NULL;
  veil_ui_set_error_label (self->error_label, NULL);

  if (guardian == NULL)
    {
      const GError *store_error = self->context != NULL ? veil_context_get_store_error (self->context) : NULL;
      adw_status_page_set_description (self->unavailable_page,
                                       store_error != NULL ? store_error->message
                                                           : _("Veil could not open its data. Close Veil and open it again."));
      gtk_stack_set_visible_child_name (self->stack, "unavailable");
      return FALSE;
    }

  if (!veil_guardian_has_pin (guardian, &has_pin, NULL, &error))
    {
      adw_status_page_set_description (self->unavailable_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "unavailable");
      return FALSE;
    }
  if (!has_pin)
    {
      adw_status_page_set_description (self->unavailable_page,
                                       _("No guardian PIN is set yet. Use “Set Up Veil” on the main page first."));
      gtk_stack_set_visible_child_name (self->stack, "unavailable");
      return FALSE;
    }

  gtk_stack_set_visible_child_name (self->stack, "pin");
  return TRUE;
}
