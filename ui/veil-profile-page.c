/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-profile-page"

#include "config.h"

#include <glib/gi18n.h>

#include "veil-profile-page.h"
#include "veil-profile-page-private.h"
#include "veil-ui-utils.h"

/* Every setting of one child's profile, behind the guardian PIN. Each protection says in one
 * line what it does, shows what the child will see, and whether the child has acknowledged
 * it yet. Each change applies at once, through the guardian (signed, and written on the
 * child's page) as a new version of the profile, with a toast to undo it; a number being
 * stepped applies once it rests, and a text once its apply button or Enter is pressed. */

/* How long a spin button rests before its value applies: one version, not one per step. */
#define SPIN_APPLY_DELAY_MS 800

struct _VeilProfilePage
{
  AdwPreferencesPage   parent_instance;

  /* Owned */
  VeilContext         *context;
  VeilProfile         *profile;
  GPtrArray           *folders;        /* char *, the library-scan folders being edited */
  GPtrArray           *message_folders; /* char *, attachment folders; empty: Veil's defaults */
  gboolean             choosing_message_folder;
  GPtrArray           *adult_names;    /* char * */
  GPtrArray           *adult_contacts; /* char * */
  GPtrArray           *dynamic_rows;   /* rows added to expanders/groups, to remove on refresh */
  GtkFileChooserNative *chooser;
  VeilHealth          *health;         /* nullable: whether the saved protections really run */
  GCancellable        *health_cancellable; /* the check running, nullable */
  VeilProfile         *undo_profile;   /* nullable: the settings before the last change */
  guint                loading;        /* >0 while the fields are filled, which applies nothing */
  guint                spin_source;    /* applies a stepped number once it rests */

  /* Template children */
  AdwPreferencesGroup *tampered_group;
  AdwEntryRow         *name_row;
  AdwComboRow         *age_row;
  AdwEntryRow         *birth_year_row;
  AdwEntryRow         *user_row;
  AdwExpanderRow      *warnings_row;
  AdwExpanderRow      *scan_row;
  AdwComboRow         *schedule_row;     /* in the order of VeilScanSchedule */
  AdwExpanderRow      *alerts_row;
  AdwComboRow         *sensitivity_row;
  GtkSwitch           *view_pin_switch;
  AdwActionRow        *hide_warned_row;
  GtkSwitch           *hide_warned_switch;
  AdwActionRow        *unchecked_row;
  GtkSwitch           *unchecked_switch;
  gboolean             unchecked_loaded;  /* the switch as loaded: unchanged keeps the age default */
  GtkSpinButton       *retention_spin;
  GtkSpinButton       *threshold_spin;
  AdwPreferencesGroup *adults_group;
  AdwEntryRow         *adult_name_row;
  AdwEntryRow         *adult_contact_row;
  GtkLabel            *error_label;
};

G_DEFINE_FINAL_TYPE (VeilProfilePage, veil_profile_page, ADW_TYPE_PREFERENCES_PAGE)

enum {
  PROP_0,
  PROP_CONTEXT,
  PROP_PROFILE,
  N_PROPS
};

enum {
  SAVED,
  DELETED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static AdwExpanderRow *
expander_for (VeilProfilePage *self,
              VeilProtection   protection)
{
  switch (protection)
    {
    case VEIL_PROTECTION_MESSAGE_WARNINGS:
      return self->warnings_row;
    case VEIL_PROTECTION_LIBRARY_SCAN:
      return self->scan_row;
    case VEIL_PROTECTION_GUARDIAN_ALERTS:
    case VEIL_N_PROTECTIONS:
    default:
      return self->alerts_row;
    }
}

static void
clear_dynamic_rows (VeilProfilePage *self)
{
  for (guint i = 0; i < self->dynamic_rows->len; i++)
    {
      GtkWidget *row = self->dynamic_rows->pdata[i];
      GtkWidget *expander = gtk_widget_get_ancestor (row, ADW_TYPE_EXPANDER_ROW);

      /* Rows go back out the way they came in: an expander's own rows, or a group's. */
      if (expander != NULL)
        adw_expander_row_remove (ADW_EXPANDER_ROW (expander), row);
      else
        adw_preferences_group_remove (ADW_PREFERENCES_GROUP (gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP)),
                                      row);
    }
  g_ptr_array_set_size (self->dynamic_rows, 0);
}

static GtkWidget *
add_info_row (VeilProfilePage *self,
              AdwExpanderRow  *expander,
              const char      *title,
              const char      *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle != NULL ? subtitle : "");
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  adw_expander_row_add_row (expander, row);
  g_ptr_array_add (self->dynamic_rows, row);
  return row;
}

static GtkWidget *
remove_button (const char *action,
               GVariant   *target,
               const char *label)
{
  GtkWidget *button = gtk_button_new_from_icon_name ("user-trash-symbolic");

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), target);
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  return button;
}

static void refresh_rows (VeilProfilePage *self);

static void
health_checked_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(VeilProfilePage) self = user_data;
  g_autoptr(VeilHealth) health = veil_health_check_finish (result, NULL);

  if (health == NULL || self->profile == NULL ||
      veil_profile_get_id (veil_health_get_profile (health)) != veil_profile_get_id (self->profile))
    return;
  g_clear_object (&self->health_cancellable);
  g_set_object (&self->health, health);
  refresh_rows (self);
}

/* Checks the saved profile in the background; the status lines follow when it is done. */
static void
check_health (VeilProfilePage *self)
{
  VeilStore *store = self->context != NULL ? veil_context_get_store (self->context) : NULL;

  g_cancellable_cancel (self->health_cancellable);
  g_clear_object (&self->health_cancellable);
  g_clear_object (&self->health);
  if (store == NULL || self->profile == NULL || veil_profile_get_id (self->profile) == 0)
    return;
  self->health_cancellable = g_cancellable_new ();
  veil_health_check_async (store, self->profile, self->health_cancellable, health_checked_cb, g_object_ref (self));
}

/* Rebuilds the rows that depend on the profile's state: status lines, folders, adults. */
static void
refresh_rows (VeilProfilePage *self)
{
  VeilStore *store = self->context != NULL ? veil_context_get_store (self->context) : NULL;
  VeilNotify notify = adw_expander_row_get_enable_expansion (self->alerts_row) ? VEIL_NOTIFY_GUARDIAN : VEIL_NOTIFY_NOBODY;

  clear_dynamic_rows (self);

  for (guint p = 0; p < VEIL_N_PROTECTIONS; p++)
    {
      AdwExpanderRow *expander = expander_for (self, p);
      VeilProtectionStatus status = { 0 };
      VeilExplanation e;
      const char *state;
      g_autofree char *not_working = NULL;

      if (self->profile != NULL)
        veil_protection_get_explanation_for_profile (p, self->profile, &e);
      else
        veil_protection_get_explanation (p, notify, &e);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander), e.title);
      adw_expander_row_set_subtitle (expander, e.summary);

      if (store != NULL && self->profile != NULL && veil_profile_get_id (self->profile) != 0)
        veil_store_get_protection_status (store, self->profile, p, &status, NULL);
      if (status.enabled && self->health != NULL)
        state = not_working = _veil_profile_page_describe_health (self->health, p);
      else if (status.active)
        state = _("Checking whether it works…");
      else if (status.enabled)
        state = _("On, but waiting: the child has not read and acknowledged it yet.");
      else
        state = _("Off.");

      add_info_row (self, expander, _("What the Child Will See"), e.child_preview);
      add_info_row (self, expander, _("Now"), state);
    }

  /* Attachment folders watched for message warnings; none chosen means Veil's defaults, found
   * in the child's own account when the protection runs. */
  if (self->message_folders->len == 0)
    {
      g_autoptr(GPtrArray) defaults = veil_watcher_default_folders ();
      g_autoptr(GString) list = g_string_new (NULL);
      g_autofree char *subtitle = NULL;

      for (guint i = 0; i < defaults->len; i++)
        {
          g_autofree char *name = g_path_get_basename (g_file_peek_path (defaults->pdata[i]));

          if (list->len > 0)
            g_string_append (list, ", ");
          g_string_append (list, name);
        }
      /* Translators: %s is a list of folder names such as "Downloads, Telegram Desktop" */
      subtitle = g_strdup_printf (_("Veil’s defaults in the child’s account: %s"), list->str);
      add_info_row (self, self->warnings_row, _("Watched Folders"), subtitle);
    }
  for (guint i = 0; i < self->message_folders->len; i++)
    {
      g_autofree char *shown = veil_ui_display_path (self->message_folders->pdata[i]);
      g_autofree char *label = g_strdup_printf (_("Stop watching “%s”"), shown);
      GtkWidget *row = add_info_row (self, self->warnings_row, _("Watched Folder"), shown);

      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 remove_button ("profile.remove-message-folder",
                                                g_variant_new_string (self->message_folders->pdata[i]), label));
    }
  {
    GtkWidget *row = add_info_row (self, self->warnings_row, _("Add a Folder Where Messages Save Pictures"), NULL);
    GtkWidget *button = gtk_button_new_with_mnemonic (_("_Choose…"));

    gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
    gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "profile.choose-message-folder");
    gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    _("Choose a folder where messages save pictures"), -1);
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  }
  /* Hiding warned pictures is offered only for children under 13. */
  gtk_widget_set_visible (GTK_WIDGET (self->hide_warned_row),
                          adw_combo_row_get_selected (self->age_row) == VEIL_AGE_BAND_UNDER_13);

  /* Folders checked by the library scan. */
  for (guint i = 0; i < self->folders->len; i++)
    {
      g_autofree char *shown = veil_ui_display_path (self->folders->pdata[i]);
      g_autofree char *label = g_strdup_printf (_("Stop checking “%s”"), shown);
      GtkWidget *row = add_info_row (self, self->scan_row, _("Folder"), shown);

      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 remove_button ("profile.remove-folder",
                                                g_variant_new_string (self->folders->pdata[i]), label));
    }
  {
    GtkWidget *row = add_info_row (self, self->scan_row, _("Add a Folder to Check"), NULL);
    GtkWidget *button = gtk_button_new_with_mnemonic (_("_Choose…"));

    gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
    gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "profile.choose-folder");
    gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    _("Choose a Folder to Check"), -1);
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  }

  for (guint i = 0; i < self->adult_names->len; i++)
    {
      g_autofree char *label = g_strdup_printf (_("Remove %s"), (char *) self->adult_names->pdata[i]);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), self->adult_names->pdata[i]);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), self->adult_contacts->pdata[i]);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 remove_button ("profile.remove-adult", g_variant_new_uint32 (i), label));
      adw_preferences_group_add (self->adults_group, row);
      g_ptr_array_add (self->dynamic_rows, row);
    }
}

/* Fills the fields from @p (the profile, or the settings an undo goes back to). */
static void
load_fields (VeilProfilePage *self,
             VeilProfile     *p)
{
  const char * const *folders;
  const char *user;

  self->loading++;
  g_ptr_array_set_size (self->folders, 0);
  g_ptr_array_set_size (self->message_folders, 0);
  g_ptr_array_set_size (self->adult_names, 0);
  g_ptr_array_set_size (self->adult_contacts, 0);

  if (p == NULL)
    {
      refresh_rows (self);
      self->loading--;
      return;
    }

  adw_preferences_page_set_title (ADW_PREFERENCES_PAGE (self), veil_profile_get_name (p));
  gtk_widget_set_visible (GTK_WIDGET (self->tampered_group),
                          veil_profile_get_integrity (p) == VEIL_PROFILE_INTEGRITY_TAMPERED);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), veil_profile_get_name (p));
  adw_combo_row_set_selected (self->age_row, veil_profile_get_age_band (p));
  if (veil_profile_get_birth_year (p) != 0)
    {
      g_autofree char *year = g_strdup_printf ("%d", veil_profile_get_birth_year (p));
      gtk_editable_set_text (GTK_EDITABLE (self->birth_year_row), year);
    }
  else
    gtk_editable_set_text (GTK_EDITABLE (self->birth_year_row), "");
  user = veil_profile_get_unix_user (p);
  gtk_editable_set_text (GTK_EDITABLE (self->user_row), user != NULL ? user : "");
  for (guint i = 0; i < VEIL_N_PROTECTIONS; i++)
    adw_expander_row_set_enable_expansion (expander_for (self, i), veil_profile_get_protection_enabled (p, i));
  adw_combo_row_set_selected (self->sensitivity_row, veil_profile_get_sensitivity (p));
  adw_combo_row_set_selected (self->schedule_row, veil_profile_get_scan_schedule (p));
  gtk_switch_set_active (self->view_pin_switch, veil_profile_get_view_needs_pin (p));
  gtk_spin_button_set_value (self->retention_spin, veil_profile_get_retention_days (p));
  gtk_spin_button_set_value (self->threshold_spin, veil_profile_get_match_threshold (p));

  gtk_switch_set_active (self->hide_warned_switch, veil_profile_get_hide_warned (p));
  self->unchecked_loaded = veil_profile_get_effective_unchecked_rule (p) == VEIL_UNCHECKED_RULE_BLUR;
  gtk_switch_set_active (self->unchecked_switch, self->unchecked_loaded);
  folders = veil_profile_get_folders (p);
  for (guint i = 0; folders[i] != NULL; i++)
    g_ptr_array_add (self->folders, g_strdup (folders[i]));
  folders = veil_profile_get_message_folders (p);
  for (guint i = 0; folders != NULL && folders[i] != NULL; i++)
    g_ptr_array_add (self->message_folders, g_strdup (folders[i]));
  for (guint i = 0; i < veil_profile_get_n_trusted_adults (p); i++)
    {
      const char *name, *contact;
      veil_profile_get_trusted_adult (p, i, &name, &contact);
      g_ptr_array_add (self->adult_names, g_strdup (name));
      g_ptr_array_add (self->adult_contacts, g_strdup (contact));
    }

  refresh_rows (self);
  self->loading--;
}

static void
load_profile (VeilProfilePage *self)
{
  check_health (self);
  load_fields (self, self->profile);
}

/* The profile as the page's fields have it now; %NULL with a message saying what to fix. */
static VeilProfile *
build_edited (VeilProfilePage  *self,
              GError          **error)
{
  g_autoptr(VeilProfileBuilder) b = veil_profile_builder_new_from_profile (self->profile);
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  g_autofree char *year = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->birth_year_row))));

  veil_profile_builder_set_name (b, name);
  veil_profile_builder_set_age_band (b, adw_combo_row_get_selected (self->age_row));
  veil_profile_builder_set_unix_user (b, gtk_editable_get_text (GTK_EDITABLE (self->user_row)));
  if (*year == '\0')
    veil_profile_builder_set_birth_year (b, 0);
  else if (!veil_profile_builder_set_from_string (b, "birth-year", year, error))
    return NULL;
  for (guint i = 0; i < VEIL_N_PROTECTIONS; i++)
    veil_profile_builder_set_protection_enabled (b, i, adw_expander_row_get_enable_expansion (expander_for (self, i)));
  veil_profile_builder_set_sensitivity (b, adw_combo_row_get_selected (self->sensitivity_row));
  veil_profile_builder_set_scan_schedule (b, adw_combo_row_get_selected (self->schedule_row));
  veil_profile_builder_set_view_needs_pin (b, gtk_switch_get_active (self->view_pin_switch));
  veil_profile_builder_set_retention_days (b, (guint) gtk_spin_button_get_value_as_int (self->retention_spin));
  veil_profile_builder_set_match_threshold (b, (guint) gtk_spin_button_get_value_as_int (self->threshold_spin));
  veil_profile_builder_set_hide_warned (b, gtk_switch_get_active (self->hide_warned_switch));
  /* Left as it was, a rule the age chose keeps following the age. */
  if (gtk_switch_get_active (self->unchecked_switch) != self->unchecked_loaded ||
      veil_profile_get_unchecked_rule (self->profile) != VEIL_UNCHECKED_RULE_DEFAULT)
    veil_profile_builder_set_unchecked_rule (b, gtk_switch_get_active (self->unchecked_switch) ? VEIL_UNCHECKED_RULE_BLUR
                                                                                                 : VEIL_UNCHECKED_RULE_ALLOW);
  g_ptr_array_add (self->folders, NULL);
  veil_profile_builder_set_folders (b, (const char * const *) self->folders->pdata);
  g_ptr_array_set_size (self->folders, self->folders->len - 1);
  g_ptr_array_add (self->message_folders, NULL);
  veil_profile_builder_set_message_folders (b, (const char * const *) self->message_folders->pdata);
  g_ptr_array_set_size (self->message_folders, self->message_folders->len - 1);
  veil_profile_builder_clear_trusted_adults (b);
  for (guint i = 0; i < self->adult_names->len; i++)
    veil_profile_builder_add_trusted_adult (b, self->adult_names->pdata[i], self->adult_contacts->pdata[i]);

  return veil_profile_builder_build (b, error);
}

static void
undo_clicked_cb (VeilProfilePage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "profile.undo", NULL);
}

/* Writes the fields as a new version of the profile. With @offer_undo, a toast offers to go
 * back to the settings before. Returns: whether the profile is as the fields say. */
static gboolean
apply_fields (VeilProfilePage *self,
              gboolean         offer_undo)
{
  VeilGuardian *guardian = self->context != NULL ? veil_context_get_guardian (self->context) : NULL;
  g_autoptr(VeilProfile) changed = NULL;
  g_autoptr(VeilProfile) saved = NULL;
  g_autoptr(GError) error = NULL;
  AdwToast *toast;

  g_clear_handle_id (&self->spin_source, g_source_remove);
  if (guardian == NULL || self->profile == NULL)
    return FALSE;

  changed = build_edited (self, &error);
  /* A profile changed outside Veil is signed again even when nothing else changes. */
  if (changed != NULL && veil_profile_equal_settings (changed, self->profile) &&
      veil_profile_get_integrity (self->profile) != VEIL_PROFILE_INTEGRITY_TAMPERED)
    {
      veil_ui_set_error_label (self->error_label, NULL);
      return TRUE;
    }
  if (changed != NULL)
    saved = veil_guardian_save_profile (guardian, changed, &error);
  if (saved == NULL)
    {
      veil_ui_set_error_label (self->error_label, error->message);
      return FALSE;
    }

  veil_ui_set_error_label (self->error_label, NULL);
  g_clear_pointer (&self->undo_profile, veil_profile_unref);
  if (offer_undo)
    self->undo_profile = g_steal_pointer (&self->profile);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "profile.undo", self->undo_profile != NULL);
  g_clear_pointer (&self->profile, veil_profile_unref);
  self->profile = veil_profile_ref (saved);
  load_profile (self);
  veil_context_notify_profiles_changed (self->context);
  g_signal_emit (self, signals[SAVED], 0, saved);
  if (offer_undo && (toast = veil_ui_toast_with_undo (GTK_WIDGET (self), _("Saved"))) != NULL)
    g_signal_connect_object (toast, "button-clicked", G_CALLBACK (undo_clicked_cb), self, G_CONNECT_SWAPPED);
  return TRUE;
}

/* The toast's Undo: the settings before the last change, applied as a new version. */
static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  VeilProfilePage *self = VEIL_PROFILE_PAGE (widget);
  g_autoptr(VeilProfile) before = g_steal_pointer (&self->undo_profile);

  gtk_widget_action_set_enabled (widget, "profile.undo", FALSE);
  if (before == NULL || self->profile == NULL)
    return;
  load_fields (self, before);
  apply_fields (self, FALSE);
}

/* Any field changed: applied at once, unless the page is being filled. */
static void
field_changed_cb (VeilProfilePage *self)
{
  if (self->loading == 0)
    apply_fields (self, TRUE);
}

static gboolean
spin_rested_cb (gpointer user_data)
{
  VeilProfilePage *self = user_data;

  self->spin_source = 0;
  apply_fields (self, TRUE);
  return G_SOURCE_REMOVE;
}

static void
spin_changed_cb (VeilProfilePage *self)
{
  if (self->loading > 0)
    return;
  g_clear_handle_id (&self->spin_source, g_source_remove);
  self->spin_source = g_timeout_add (SPIN_APPLY_DELAY_MS, spin_rested_cb, self);
}

static void
entry_applied_cb (VeilProfilePage *self)
{
  apply_fields (self, TRUE);
}

/* Applies what is pending now: a text not applied yet, a number still resting; for a
 * profile changed outside Veil, confirms it as it is. */
static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  apply_fields (VEIL_PROFILE_PAGE (widget), TRUE);
}

static void
delete_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    gpointer          user_data)
{
  VeilProfilePage *self = VEIL_PROFILE_PAGE (user_data);
  VeilGuardian *guardian = self->context != NULL ? veil_context_get_guardian (self->context) : NULL;
  g_autoptr(GError) error = NULL;

  if (!g_str_equal (response, "delete") || guardian == NULL || self->profile == NULL)
    return;

  if (!veil_guardian_delete_profile (guardian, self->profile, &error))
    {
      veil_ui_set_error_label (self->error_label, error->message);
      return;
    }
  veil_context_notify_profiles_changed (self->context);
  g_signal_emit (self, signals[DELETED], 0);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VeilProfilePage *self = VEIL_PROFILE_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *dialog;

  if (self->profile == NULL)
    return;

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Delete This Profile?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("Everything Veil kept about %s is deleted: settings, acknowledgments, alerts and notes. This cannot be undone."),
                                  veil_profile_get_name (self->profile));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_response_cb), self, 0);
  veil_ui_present_guardian_dialog (dialog);
}

static void
add_to_list (VeilProfilePage *self,
             GPtrArray       *list,
             const char      *path)
{
  if (!g_path_is_absolute (path))
    return;
  for (guint i = 0; i < list->len; i++)
    if (g_str_equal (list->pdata[i], path))
      return;
  g_ptr_array_add (list, g_strdup (path));
  refresh_rows (self);
  field_changed_cb (self);
}

static void
remove_from_list (VeilProfilePage *self,
                  GPtrArray       *list,
                  const char      *path)
{
  for (guint i = 0; i < list->len; i++)
    if (g_str_equal (list->pdata[i], path))
      {
        g_ptr_array_remove_index (list, i);
        break;
      }
  refresh_rows (self);
  field_changed_cb (self);
}

static void
add_folder_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  VeilProfilePage *self = VEIL_PROFILE_PAGE (widget);

  add_to_list (self, g_str_equal (action_name, "profile.add-folder") ? self->folders : self->message_folders,
               g_variant_get_string (parameter, NULL));
}

static void
remove_folder_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  VeilProfilePage *self = VEIL_PROFILE_PAGE (widget);

  remove_from_list (self, g_str_equal (action_name, "profile.remove-folder") ? self->folders : self->message_folders,
                    g_variant_get_string (parameter, NULL));
}

static void
chooser_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     gpointer         user_data)
{
  VeilProfilePage *self = VEIL_PROFILE_PAGE (user_data);

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        gtk_widget_activate_action (GTK_WIDGET (self),
                                    self->choosing_message_folder ? "profile.add-message-folder" : "profile.add-folder",
                                    "s", path);
    }
  g_clear_object (&self->chooser);
}

static void
choose_folder_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  VeilProfilePage *self = VEIL_PROFILE_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);

  self->choosing_message_folder = g_str_equal (action_name, "profile.choose-message-folder");
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (self->choosing_message_folder
                                                 ? _("Choose a Folder Where Messages Save Pictures")
                                                 : _("Choose a Folder to Check"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                               _("_Choose"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
add_adult_cb (VeilProfilePage *self)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->adult_name_row))));
  g_autofree char *contact = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->adult_contact_row))));

  if (*name == '\0')
    {
      veil_ui_set_error_label (self->error_label, _("Give the trusted adult’s name first."));
      return;
    }
  veil_ui_set_error_label (self->error_label, NULL);
  g_ptr_array_add (self->adult_names, g_steal_pointer (&name));
  g_ptr_array_add (self->adult_contacts, g_steal_pointer (&contact));
  gtk_editable_set_text (GTK_EDITABLE (self->adult_name_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->adult_contact_row), "");
  refresh_rows (self);
  field_changed_cb (self);
}

static void
remove_adult_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  VeilProfilePage *self = VEIL_PROFILE_PAGE (widget);
  guint index = g_variant_get_uint32 (parameter);

  if (index < self->adult_names->len)
    {
      g_ptr_array_remove_index (self->adult_names, index);
      g_ptr_array_remove_index (self->adult_contacts, index);
    }
  refresh_rows (self);
  field_changed_cb (self);
}

static void
alerts_toggled_cb (VeilProfilePage *self)
{
  /* The child's "who is told" line follows the switch. */
  if (self->loading == 0)
    refresh_rows (self);
}

/* Every field applies when it changes; numbers once they rest. */
static void
watch_fields (VeilProfilePage *self)
{
  GObject *switches[] = { G_OBJECT (self->view_pin_switch), G_OBJECT (self->unchecked_switch),
                          G_OBJECT (self->hide_warned_switch) };
  GObject *expanders[] = { G_OBJECT (self->warnings_row), G_OBJECT (self->scan_row), G_OBJECT (self->alerts_row) };

  for (guint i = 0; i < G_N_ELEMENTS (switches); i++)
    g_signal_connect_object (switches[i], "notify::active", G_CALLBACK (field_changed_cb), self, G_CONNECT_SWAPPED);
  for (guint i = 0; i < G_N_ELEMENTS (expanders); i++)
    g_signal_connect_object (expanders[i], "notify::enable-expansion", G_CALLBACK (field_changed_cb), self,
                             G_CONNECT_SWAPPED);
  g_signal_connect_object (self->age_row, "notify::selected", G_CALLBACK (field_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sensitivity_row, "notify::selected", G_CALLBACK (field_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->retention_spin, "value-changed", G_CALLBACK (spin_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->threshold_spin, "value-changed", G_CALLBACK (spin_changed_cb), self, G_CONNECT_SWAPPED);
}

static void
veil_profile_page_constructed (GObject *object)
{
  VeilProfilePage *self = VEIL_PROFILE_PAGE (object);

  G_OBJECT_CLASS (veil_profile_page_parent_class)->constructed (object);

  load_profile (self);
  g_signal_connect_object (self->alerts_row, "notify::enable-expansion",
                           G_CALLBACK (alerts_toggled_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->age_row, "notify::selected",
                           G_CALLBACK (alerts_toggled_cb), self, G_CONNECT_SWAPPED);
  watch_fields (self);
  /* Only the change just made can be undone. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "profile.undo", FALSE);
}

static void
veil_profile_page_dispose (GObject *object)
{
  VeilProfilePage *self = VEIL_PROFILE_PAGE (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_clear_handle_id (&self->spin_source, g_source_remove);
  g_clear_pointer (&self->undo_profile, veil_profile_unref);
  g_cancellable_cancel (self->health_cancellable);
  g_clear_object (&self->health_cancellable);
  g_clear_object (&self->health);
  gtk_widget_dispose_template (GTK_WIDGET (self), VEIL_TYPE_PROFILE_PAGE);
  g_clear_object (&self->context);
  g_clear_pointer (&self->profile, veil_profile_unref);

  G_OBJECT_CLASS (veil_profile_page_parent_class)->dispose (object);
}

static void
veil_profile_page_finalize (GObject *object)
{
  VeilProfilePage *self = VEIL_PROFILE_PAGE (object);

  g_ptr_array_unref (self->folders);
  g_ptr_array_unref (self->message_folders);
  g_ptr_array_unref (self->adult_names);
  g_ptr_array_unref (self->adult_contacts);
  g_ptr_array_unref (self->dynamic_rows);

  G_OBJECT_CLASS (veil_profile_page_parent_class)->finalize (object);
}

static void
veil_profile_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  VeilProfilePage *self = VEIL_PROFILE_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;
    case PROP_PROFILE:
      g_value_set_boxed (value, self->profile);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_profile_page_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  VeilProfilePage *self = VEIL_PROFILE_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;
    case PROP_PROFILE:
      self->profile = g_value_dup_boxed (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_profile_page_class_init (VeilProfilePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = veil_profile_page_constructed;
  object_class->dispose = veil_profile_page_dispose;
  object_class->finalize = veil_profile_page_finalize;
  object_class->get_property = veil_profile_page_get_property;
  object_class->set_property = veil_profile_page_set_property;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, VEIL_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROFILE] =
    g_param_spec_boxed ("profile", NULL, NULL, VEIL_TYPE_PROFILE,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, VEIL_TYPE_PROFILE);
  signals[DELETED] =
    g_signal_new ("deleted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/veil-profile-page.ui");
  gtk_widget_class_bind_template_child (widget_class, VeilProfilePage, tampered_group);
  gtk_widget_class_bind_template_child (widget_class, VeilProfilePage, name_row);
  gtk_widget_class_bind_template_child (widget_class, VeilProfilePage, age_row);
  gtk_widget_class_bind_template_child (widget_class, VeilProfilePage, birth_year_row);
  gtk_widget_class_bind_template_child (widget_class, VeilProfilePage, user_row);
  gtk_widget_class_bind_template_child (widget_class, VeilProfilePage, warnings_row);
  gtk_widget_class_bind_template_child (widget_class, VeilProfilePage, scan_row);
  gtk_widget_class_bind_template_child (widget_class, VeilProfilePage, schedule_row);
  gtk_widget_class_bind_template_child (widget_class, VeilProfilePage, alerts_row);
  gtk_widget_class_bind_template_child (widget_class, VeilProfilePage, sensitivity_row);
  gtk_widget_class_bind_template_child (widget_class, VeilProfilePage, view_pin_switch);
  gtk_widget_class_bind_template_child (widget_class, VeilProfilePage, hide_warned_row);
  gtk_widget_class_bind_template_child (widget_class, VeilProfilePage, hide_warned_switch);
  gtk_widget_class_bind_template_child (widget_class, VeilProfilePage, unchecked_row);
  gtk_widget_class_bind_template_child (widget_class, VeilProfilePage, unchecked_switch);
  gtk_widget_class_bind_template_child (widget_class, VeilProfilePage, retention_spin);
  gtk_widget_class_bind_template_child (widget_class, VeilProfilePage, threshold_spin);
  gtk_widget_class_bind_template_child (widget_class, VeilProfilePage, adults_group);
  gtk_widget_class_bind_template_child (widget_class, VeilProfilePage, adult_name_row);
  gtk_widget_class_bind_template_child (widget_class, VeilProfilePage, adult_contact_row);
  gtk_widget_class_bind_template_child (widget_class, VeilProfilePage, error_label);
  gtk_widget_class_bind_template_callback (widget_class, add_adult_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_applied_cb);

  gtk_widget_class_install_action (widget_class, "profile.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "profile.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "profile.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "profile.add-folder", "s", add_folder_action);
  gtk_widget_class_install_action (widget_class, "profile.remove-folder", "s", remove_folder_action);
  gtk_widget_class_install_action (widget_class, "profile.choose-folder", NULL, choose_folder_action);
  gtk_widget_class_install_action (widget_class, "profile.add-message-folder", "s", add_folder_action);
  gtk_widget_class_install_action (widget_class, "profile.remove-message-folder", "s", remove_folder_action);
  gtk_widget_class_install_action (widget_class, "profile.choose-message-folder", NULL, choose_folder_action);
  gtk_widget_class_install_action (widget_class, "profile.remove-adult", "u", remove_adult_action);
}

/* Says what the rule does, in the words the child's alert view keeps. */
static void
unchecked_toggled_cb (VeilProfilePage *self)
{
  adw_action_row_set_subtitle (self->unchecked_row,
                               gtk_switch_get_active (self->unchecked_switch)
                               ? _("Pictures too large, damaged or too slow to check are blurred like sensitive ones (the default under 13)")
                               : _("Pictures Veil couldn’t check are shown normally and listed for review (the default from 13)"));
}

static void
veil_profile_page_init (VeilProfilePage *self)
{
  self->folders = g_ptr_array_new_with_free_func (g_free);
  self->message_folders = g_ptr_array_new_with_free_func (g_free);
  self->adult_names = g_ptr_array_new_with_free_func (g_free);
  self->adult_contacts = g_ptr_array_new_with_free_func (g_free);
  self->dynamic_rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self->unchecked_switch, "notify::active", G_CALLBACK (unchecked_toggled_cb), self);
  unchecked_toggled_cb (self);
}

/**
 * veil_profile_page_new:
 * @profile: a stored profile
 *
 * Returns: (transfer floating): the settings page of @profile
 */
GtkWidget *
veil_profile_page_new (VeilContext *context,
                       VeilProfile *profile)
{
  g_return_val_if_fail (VEIL_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (profile != NULL, NULL);

  return g_object_new (VEIL_TYPE_PROFILE_PAGE, "context", context, "profile", profile, NULL);
}

/**
 * veil_profile_page_get_profile:
 *
 * Returns: (transfer none) (nullable): the profile as last loaded or saved
 */
VeilProfile *
veil_profile_page_get_profile (VeilProfilePage *self)
{
  g_return_val_if_fail (VEIL_IS_PROFILE_PAGE (self), NULL);
  return self->profile;
}

/**
 * veil_profile_page_has_changes:
 *
 * Returns: whether the page holds edits that are not applied yet: a text whose apply button
 *   was not pressed, a number still resting, or an edit that cannot be saved as it is (such
 *   as a mistyped year)
 */
gboolean
veil_profile_page_has_changes (VeilProfilePage *self)
{
  g_autoptr(VeilProfile) edited = NULL;

  g_return_val_if_fail (VEIL_IS_PROFILE_PAGE (self), FALSE);

  if (self->profile == NULL)
    return FALSE;
  edited = build_edited (self, NULL);
  return edited == NULL || !veil_profile_equal_settings (edited, self->profile);
}

/**
 * veil_profile_page_apply:
 *
 * Applies the edits still pending (see veil_profile_page_has_changes()), as leaving the page
 * does.
 *
 * Returns: %TRUE if nothing is left pending; %FALSE with the reason shown on the page
 */
gboolean
veil_profile_page_apply (VeilProfilePage *self)
{
  g_return_val_if_fail (VEIL_IS_PROFILE_PAGE (self), FALSE);

  if (!veil_profile_page_has_changes (self))
    return TRUE;
  return apply_fields (self, TRUE) && !veil_profile_page_has_changes (self);
}
