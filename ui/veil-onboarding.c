/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-onboarding"

#include "config.h"

#include <glib/gi18n.h>
#include <pwd.h>
#include <sys/types.h>

#include "veil-child-setup.h"
#include "veil-onboarding.h"
#include "veil-proposal-row.h"
#include "veil-ui-utils.h"

/* First run: what Veil is, the guardian PIN, the first profile, and the age-band defaults as
 * switches, the suggested ones pre-selected. Nothing is active at the end: the child still
 * reads and acknowledges each protection. */

struct _VeilOnboarding
{
  AdwBin               parent_instance;

  /* Owned */
  VeilContext         *context;
  GCancellable        *cancellable;
  VeilProfileBuilder  *draft;         /* the profile being made, before it is saved */
  VeilProfile         *saved;         /* the last profile saved */
  GPtrArray           *proposal_rows; /* VeilProposalRow */
  gboolean             busy;

  /* Template children */
  GtkStack            *stack;
  AdwPasswordEntryRow *pin_row;
  AdwPasswordEntryRow *confirm_row;
  GtkLabel            *pin_error;
  GtkSpinner          *pin_spinner;
  AdwEntryRow         *name_row;
  AdwComboRow         *age_row;
  AdwComboRow         *account_row;
  GtkStringList       *account_names;
  GtkLabel            *profile_error;
  AdwPreferencesGroup *proposals_group;
  VeilChildSetup      *child_setup;
  GtkLabel            *save_error;
  AdwStatusPage       *done_page;
  GtkButton           *show_child_button;
  GtkButton           *add_another_button;
  GtkButton           *done_button;
};

G_DEFINE_FINAL_TYPE (VeilOnboarding, veil_onboarding, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_CONTEXT,
  PROP_STEP,
  N_PROPS
};

enum {
  FINISHED,
  ACKNOWLEDGE_REQUESTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void select_default_account (VeilOnboarding *self);

static void
go_to (VeilOnboarding *self,
       const char     *step)
{
  if (g_str_equal (step, "profile"))
    select_default_account (self);
  gtk_stack_set_visible_child_name (self->stack, step);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STEP]);
}

static VeilGuardian *
get_guardian (VeilOnboarding  *self,
              GtkLabel        *error_label)
{
  VeilGuardian *guardian = self->context != NULL ? veil_context_get_guardian (self->context) : NULL;

  if (guardian == NULL)
    veil_ui_set_error_label (error_label, _("Veil could not open its data. Close Veil and open it again."));
  return guardian;
}

static void
set_busy (VeilOnboarding *self,
          gboolean        busy)
{
  self->busy = busy;
  gtk_widget_set_visible (GTK_WIDGET (self->pin_spinner), busy);
  gtk_spinner_set_spinning (self->pin_spinner, busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "onboarding.set-pin", !busy);
}

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  VeilOnboarding *self = VEIL_ONBOARDING (widget);
  VeilGuardian *guardian = get_guardian (self, self->pin_error);
  g_autoptr(GError) error = NULL;
  gboolean has_pin = FALSE;

  if (guardian == NULL)
    {
      go_to (self, "pin");
      return;
    }

  /* A guardian who already chose a PIN and unlocked goes straight to the profile. */
  if (!veil_guardian_has_pin (guardian, &has_pin, NULL, &error))
    {
      veil_ui_set_error_label (self->pin_error, error->message);
      go_to (self, "pin");
      return;
    }

  go_to (self, has_pin && veil_guardian_get_unlocked (guardian) ? "profile" : "pin");
}

static void
set_pin_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(VeilOnboarding) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = veil_guardian_set_pin_finish (VEIL_GUARDIAN (source), result, &error);

  /* Cancelled: the widget is gone. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, FALSE);
  if (!ok)
    {
      veil_ui_set_error_label (self->pin_error, error->message);
      return;
    }

  gtk_editable_set_text (GTK_EDITABLE (self->pin_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->confirm_row), "");
  veil_ui_set_error_label (self->pin_error, NULL);
  go_to (self, "profile");
}

static void
set_pin_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  VeilOnboarding *self = VEIL_ONBOARDING (widget);
  const char *pin = gtk_editable_get_text (GTK_EDITABLE (self->pin_row));
  const char *confirm = gtk_editable_get_text (GTK_EDITABLE (self->confirm_row));
  VeilGuardian *guardian = get_guardian (self, self->pin_error);
  g_autoptr(GError) error = NULL;

  if (guardian == NULL || self->busy)
    return;

  if (!veil_guardian_check_pin_strength (pin, &error))
    {
      veil_ui_set_error_label (self->pin_error, error->message);
      return;
    }
  if (!g_str_equal (pin, confirm))
    {
      veil_ui_set_error_label (self->pin_error, _("The two PINs are not the same. Type them again."));
      return;
    }

  /* Hashing the PIN takes a moment: it runs in a worker thread. */
  veil_ui_set_error_label (self->pin_error, NULL);
  set_busy (self, TRUE);
  veil_guardian_set_pin_async (guardian, NULL, pin, self->cancellable, set_pin_cb, g_object_ref (self));
}

/* Whether @shell lets someone log in: system accounts have none, or one that refuses. */
static gboolean
is_login_shell (const char *shell)
{
  return shell != NULL && *shell != '\0' &&
         !g_str_has_suffix (shell, "/nologin") && !g_str_has_suffix (shell, "/false");
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The accounts a child may use on this computer: this one first (the default), then the
 * people's accounts (uid 1000 and up, with a login shell). */
static void
fill_accounts (VeilOnboarding *self)
{
  const char *me = g_get_user_name ();
  g_autoptr(GPtrArray) others = g_ptr_array_new_with_free_func (g_free);
  struct passwd *pw;

  gtk_string_list_append (self->account_names, me);
  setpwent ();
  while ((pw = getpwent ()) != NULL)
    {
      if (pw->pw_uid >= 1000 && pw->pw_uid != 65534 && is_login_shell (pw->pw_shell) &&
          !g_str_equal (pw->pw_name, me) &&
          !g_ptr_array_find_with_equal_func (others, pw->pw_name, g_str_equal, NULL))
        g_ptr_array_add (others, g_strdup (pw->pw_name));
    }
  endpwent ();
  g_ptr_array_sort (others, compare_names);
  for (guint i = 0; i < others->len; i++)
    gtk_string_list_append (self->account_names, others->pdata[i]);
  adw_combo_row_set_selected (self->account_row, 0);
}

static gboolean
is_linked (GPtrArray  *profiles,
           const char *account)
{
  for (guint i = 0; profiles != NULL && i < profiles->len; i++)
    if (g_strcmp0 (veil_profile_get_unix_user (profiles->pdata[i]), account) == 0)
      return TRUE;
  return FALSE;
}

/* This account, unless another child's profile is linked to it already: Veil checks
 * messages for one profile per account. */
static void
select_default_account (VeilOnboarding *self)
{
  VeilStore *store = self->context != NULL ? veil_context_get_store (self->context) : NULL;
  g_autoptr(GPtrArray) profiles = store != NULL ? veil_store_list_profiles (store, NULL) : NULL;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->account_names));

  for (guint i = 0; i < n; i++)
    {
      if (!is_linked (profiles, gtk_string_list_get_string (self->account_names, i)))
        {
          adw_combo_row_set_selected (self->account_row, i);
          return;
        }
    }
  adw_combo_row_set_selected (self->account_row, 0);
}

static void
clear_proposals (VeilOnboarding *self)
{
  for (guint i = 0; i < self->proposal_rows->len; i++)
    adw_preferences_group_remove (self->proposals_group, self->proposal_rows->pdata[i]);
  g_ptr_array_set_size (self->proposal_rows, 0);
}

static void
fill_proposals (VeilOnboarding *self,
                VeilAgeBand     band)
{
  const VeilProposal *proposals;
  guint n;

  clear_proposals (self);
  proposals = veil_age_band_get_proposals (band, &n);
  for (guint i = 0; i < n; i++)
    {
      GtkWidget *row = veil_proposal_row_new (&proposals[i]);

      adw_preferences_group_add (self->proposals_group, row);
      g_ptr_array_add (self->proposal_rows, row);
    }
}

static void
create_profile_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  VeilOnboarding *self = VEIL_ONBOARDING (widget);
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  g_autoptr(VeilProfileBuilder) builder = veil_profile_builder_new (name);
  g_autoptr(VeilProfile) check = NULL;
  g_autoptr(GError) error = NULL;
  VeilAgeBand band = VEIL_AGE_BAND_UNDER_13 + adw_combo_row_get_selected (self->age_row);

  veil_profile_builder_set_age_band (builder, band);
  check = veil_profile_builder_build (builder, &error);
  if (check == NULL)
    {
      veil_ui_set_error_label (self->profile_error, error->message);
      return;
    }
  if (self->context != NULL && veil_context_get_store (self->context) != NULL)
    {
      g_autoptr(VeilProfile) existing = veil_store_lookup_profile (veil_context_get_store (self->context), name, NULL);
      if (existing != NULL)
        {
          veil_ui_set_error_label (self->profile_error, _("There is already a profile with this name. Choose another name."));
          return;
        }
    }

  veil_ui_set_error_label (self->profile_error, NULL);
  g_clear_pointer (&self->draft, veil_profile_builder_unref);
  self->draft = g_steal_pointer (&builder);
  fill_proposals (self, band);
  go_to (self, "defaults");
}

static gboolean
row_has_key (VeilOnboarding *self,
             const char     *key)
{
  for (guint i = 0; i < self->proposal_rows->len; i++)
    if (g_str_equal (veil_proposal_row_get_proposal (self->proposal_rows->pdata[i])->key, key))
      return TRUE;
  return FALSE;
}

/* What each switch says, on or off; and off for what this age is not offered at all, since
 * the page says everything else stays off. */
static gboolean
apply_proposals (VeilOnboarding  *self,
                 GError         **error)
{
  const VeilProposal *all;
  guint n;

  all = veil_age_band_get_proposals (VEIL_AGE_BAND_UNDER_13, &n);
  for (guint i = 0; i < n; i++)
    if (!row_has_key (self, all[i].key) &&
        !veil_profile_builder_set_from_string (self->draft, all[i].key, all[i].off_value, error))
      return FALSE;

  for (guint i = 0; i < self->proposal_rows->len; i++)
    {
      VeilProposalRow *row = self->proposal_rows->pdata[i];
      const VeilProposal *p = veil_proposal_row_get_proposal (row);
      const char *value = veil_proposal_row_get_active (row) ? p->value : p->off_value;

      if (!veil_profile_builder_set_from_string (self->draft, p->key, value, error))
        return FALSE;
    }
  return TRUE;
}

static void
save_profile_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  VeilOnboarding *self = VEIL_ONBOARDING (widget);
  VeilGuardian *guardian = get_guardian (self, self->save_error);
  g_autoptr(VeilProfile) profile = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  g_autofree char *description = NULL;
  guint waiting;

  if (guardian == NULL || self->draft == NULL)
    return;

  if (!apply_proposals (self, &error) || !veil_child_setup_apply (self->child_setup, self->draft, &error))
    {
      veil_ui_set_error_label (self->save_error, error->message);
      return;
    }

  profile = veil_profile_builder_build (self->draft, &error);
  /* Message warnings run only in the account the profile is linked to. */
  if (profile != NULL && veil_profile_get_protection_enabled (profile, VEIL_PROTECTION_MESSAGE_WARNINGS) &&
      veil_profile_get_unix_user (profile) == NULL)
    {
      const char *account = gtk_string_list_get_string (self->account_names,
                                                        adw_combo_row_get_selected (self->account_row));

      veil_profile_builder_set_unix_user (self->draft, account);
      g_clear_pointer (&profile, veil_profile_unref);
      profile = veil_profile_builder_build (self->draft, &error);
    }
  if (profile != NULL)
    {
      g_clear_pointer (&self->saved, veil_profile_unref);
      self->saved = veil_guardian_save_profile (guardian, profile, &error);
    }
  if (profile == NULL || self->saved == NULL)
    {
      veil_ui_set_error_label (self->save_error, error->message);
      return;
    }

  veil_ui_set_error_label (self->save_error, NULL);
  veil_context_notify_profiles_changed (self->context);

  /* Not "ready" while the child still has protections to read: say what is waiting. */
  waiting = veil_ui_count_waiting (veil_context_get_store (self->context), self->saved, NULL);
  /* Translators: %s is the child's name */
  title = g_strdup_printf (_("%s’s Profile Is Saved"), veil_profile_get_name (self->saved));
  if (waiting > 0)
    {
      g_autofree char *line = veil_ui_describe_waiting (self->saved, waiting);

      /* Translators: %s is "Waiting for Mia to read 2 protections", then the child's name */
      description = g_strdup_printf (_("%s. Nothing starts before %s has read what is on and said “I understand”. "
                                       "Show it now, or later from the main window."),
                                     line, veil_profile_get_name (self->saved));
    }
  else
    /* Translators: %s is the child's name */
    description = g_strdup_printf (_("Nothing is turned on for %s. You can turn protections on later in the guardian area."),
                                   veil_profile_get_name (self->saved));
  adw_status_page_set_title (self->done_page, title);
  adw_status_page_set_description (self->done_page, description);
  go_to (self, "done");
}

static void
add_another_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  VeilOnboarding *self = VEIL_ONBOARDING (widget);

  gtk_editable_set_text (GTK_EDITABLE (self->name_row), "");
  adw_combo_row_set_selected (self->age_row, 0);
  g_clear_pointer (&self->draft, veil_profile_builder_unref);
  clear_proposals (self);
  veil_child_setup_reset (self->child_setup);
  go_to (self, "profile");
}

static void
show_child_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  VeilOnboarding *self = VEIL_ONBOARDING (widget);

  if (self->saved != NULL)
    g_signal_emit (self, signals[ACKNOWLEDGE_REQUESTED], 0, self->saved);
}

static void
finish_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  g_signal_emit (widget, signals[FINISHED], 0);
}

/* Enter in the last field does what the page's button does. */
static void
confirm_activated_cb (VeilOnboarding *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "onboarding.set-pin", NULL);
}

static void
name_activated_cb (VeilOnboarding *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "onboarding.create-profile", NULL);
}

static void
veil_onboarding_dispose (GObject *object)
{
  VeilOnboarding *self = VEIL_ONBOARDING (object);

  g_cancellable_cancel (self->cancellable);
  /* The bin unparents its child itself before the template children are cleared. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), VEIL_TYPE_ONBOARDING);
  g_clear_object (&self->context);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->draft, veil_profile_builder_unref);
  g_clear_pointer (&self->saved, veil_profile_unref);
  g_clear_pointer (&self->proposal_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (veil_onboarding_parent_class)->dispose (object);
}

static void
veil_onboarding_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  VeilOnboarding *self = VEIL_ONBOARDING (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;
    case PROP_STEP:
      g_value_set_string (value, veil_onboarding_get_step (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_onboarding_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  VeilOnboarding *self = VEIL_ONBOARDING (object);

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
veil_onboarding_class_init (VeilOnboardingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = veil_onboarding_dispose;
  object_class->get_property = veil_onboarding_get_property;
  object_class->set_property = veil_onboarding_set_property;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, VEIL_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * VeilOnboarding:step:
   *
   * The step shown: "intro", "pin", "profile", "defaults" or "done".
   */
  properties[PROP_STEP] =
    g_param_spec_string ("step", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[ACKNOWLEDGE_REQUESTED] =
    g_signal_new ("acknowledge-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, VEIL_TYPE_PROFILE);

  g_type_ensure (VEIL_TYPE_CHILD_SETUP);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/veil-onboarding.ui");
  gtk_widget_class_bind_template_child (widget_class, VeilOnboarding, stack);
  gtk_widget_class_bind_template_child (widget_class, VeilOnboarding, pin_row);
  gtk_widget_class_bind_template_child (widget_class, VeilOnboarding, confirm_row);
  gtk_widget_class_bind_template_child (widget_class, VeilOnboarding, pin_error);
  gtk_widget_class_bind_template_child (widget_class, VeilOnboarding, pin_spinner);
  gtk_widget_class_bind_template_child (widget_class, VeilOnboarding, name_row);
  gtk_widget_class_bind_template_child (widget_class, VeilOnboarding, age_row);
  gtk_widget_class_bind_template_child (widget_class, VeilOnboarding, account_row);
  gtk_widget_class_bind_template_child (widget_class, VeilOnboarding, account_names);
  gtk_widget_class_bind_template_child (widget_class, VeilOnboarding, profile_error);
  gtk_widget_class_bind_template_child (widget_class, VeilOnboarding, proposals_group);
  gtk_widget_class_bind_template_child (widget_class, VeilOnboarding, child_setup);
  gtk_widget_class_bind_template_child (widget_class, VeilOnboarding, show_child_button);
  gtk_widget_class_bind_template_child (widget_class, VeilOnboarding, add_another_button);
  gtk_widget_class_bind_template_child (widget_class, VeilOnboarding, done_button);
  gtk_widget_class_bind_template_child (widget_class, VeilOnboarding, save_error);
  gtk_widget_class_bind_template_child (widget_class, VeilOnboarding, done_page);
  gtk_widget_class_bind_template_callback (widget_class, confirm_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, name_activated_cb);

  gtk_widget_class_install_action (widget_class, "onboarding.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "onboarding.set-pin", NULL, set_pin_action);
  gtk_widget_class_install_action (widget_class, "onboarding.create-profile", NULL, create_profile_action);
  gtk_widget_class_install_action (widget_class, "onboarding.save-profile", NULL, save_profile_action);
  gtk_widget_class_install_action (widget_class, "onboarding.add-another", NULL, add_another_action);
  gtk_widget_class_install_action (widget_class, "onboarding.show-child", NULL, show_child_action);
  gtk_widget_class_install_action (widget_class, "onboarding.finish", NULL, finish_action);
}

static void
veil_onboarding_init (VeilOnboarding *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  veil_ui_guard_password_row (self->pin_row);
  veil_ui_guard_password_row (self->confirm_row);
  self->cancellable = g_cancellable_new ();
  self->proposal_rows = g_ptr_array_new ();
  fill_accounts (self);

  /* Long labels (in German) wrap inside the pill buttons instead of widening a narrow window. */
  {
    GtkButton *buttons[] = { self->show_child_button, self->add_another_button, self->done_button };

    for (gsize i = 0; i < G_N_ELEMENTS (buttons); i++)
      {
        GtkWidget *label = gtk_button_get_child (buttons[i]);

        if (GTK_IS_LABEL (label))
          {
            gtk_label_set_wrap (GTK_LABEL (label), TRUE);
            gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
          }
      }
  }
}

/**
 * veil_onboarding_new:
 * @context: the application's context
 *
 * Returns: (transfer floating): the first-run set-up
 */
GtkWidget *
veil_onboarding_new (VeilContext *context)
{
  g_return_val_if_fail (VEIL_IS_CONTEXT (context), NULL);

  return g_object_new (VEIL_TYPE_ONBOARDING, "context", context, NULL);
}

/**
 * veil_onboarding_get_step:
 *
 * Returns: the name of the step shown
 */
const char *
veil_onboarding_get_step (VeilOnboarding *self)
{
  g_return_val_if_fail (VEIL_IS_ONBOARDING (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

/**
 * veil_onboarding_restart:
 *
 * Goes back to the first step, forgetting anything typed.
 */
void
veil_onboarding_restart (VeilOnboarding *self)
{
  g_return_if_fail (VEIL_IS_ONBOARDING (self));

  gtk_editable_set_text (GTK_EDITABLE (self->pin_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->confirm_row), "");
  veil_ui_set_error_label (self->pin_error, NULL);
  add_another_action (GTK_WIDGET (self), NULL, NULL);
  go_to (self, "intro");
}
