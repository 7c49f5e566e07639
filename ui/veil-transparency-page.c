/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-transparency-page"

#include "config.h"

#include <glib/gi18n.h>

#include "veil-protect-images.h"
#include "veil-records-notice.h"
#include "veil-transparency-page.h"
#include "veil-warned-row.h"

/* What Veil does on this computer, for everyone and without the PIN: the protections of a
 * profile and whether they are active, the folders checked, recent checks and alerts (words
 * only, never a picture) and what the guardian did. */

#define MAX_ENTRIES 20

struct _VeilTransparencyPage
{
  AdwBin               parent_instance;

  /* Owned */
  VeilContext         *context;
  GPtrArray           *profiles;      /* VeilProfile, in the order of profile_names */
  GPtrArray           *rows;          /* dynamic rows, each with its "veil-parent" group */
  gboolean             reloading;
  GListModel          *warned_source; /* nullable: the shown profile's VeilAlertModel */
  GListModel          *warned;        /* nullable: its newest message warnings, as listed */
  GtkWidget           *warned_empty;  /* nullable: the row saying there are none, in rows */
  VeilHealth          *health;        /* nullable: the last profile checked */
  GCancellable        *health_cancellable; /* the check running, nullable */
  gint64               health_profile_id;  /* the profile it checks */

  /* Template children */
  VeilRecordsNotice   *records_notice;
  AdwPreferencesGroup *profile_group;
  AdwComboRow         *profile_row;
  GtkStringList       *profile_names;
  AdwPreferencesGroup *protections_group;
  AdwPreferencesGroup *folders_group;
  AdwPreferencesGroup *warned_group;
  GtkListBox          *warned_list;
  AdwPreferencesGroup *activity_group;
  AdwPreferencesGroup *protect_group;
  AdwPreferencesGroup *guardian_group;
};

G_DEFINE_FINAL_TYPE (VeilTransparencyPage, veil_transparency_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

enum {
  ACKNOWLEDGE_REQUESTED,
  SHOW_ALERT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static GtkWidget *
add_row (VeilTransparencyPage *self,
         AdwPreferencesGroup  *group,
         const char           *title,
         const char           *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->rows, row);
  return row;
}

/* Lets go of the warned pictures' model; the list empties. */
static void
unbind_warned (VeilTransparencyPage *self)
{
  if (self->warned_list != NULL)
    gtk_list_box_bind_model (self->warned_list, NULL, NULL, NULL, NULL);
  if (self->warned_source != NULL)
    g_signal_handlers_disconnect_by_data (self->warned_source, self);
  g_clear_object (&self->warned);
  g_clear_object (&self->warned_source);
}

static void
clear_rows (VeilTransparencyPage *self)
{
  unbind_warned (self);
  self->warned_empty = NULL;
  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = self->rows->pdata[i];
      GtkWidget *group = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP);

      adw_preferences_group_remove (ADW_PREFERENCES_GROUP (group), row);
    }
  g_ptr_array_set_size (self->rows, 0);
}

static char *
format_time (gint64 unix_time)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (unix_time);

  /* Translators: date and time of an entry on the transparency page, see g_date_time_format() */
  char *text = g_date_time_format (when, _("%e %B, %H:%M"));

  /* %e pads a one-digit day with a space: a line must not start with one. */
  return text != NULL ? g_strchug (text) : NULL;
}

/* Library-scan alerts held back from the guardian (below the profile's threshold) are shown
 * to the child as a count, never as pictures, names or places. */
static void
add_held_count (VeilTransparencyPage *self,
                VeilStore            *store,
                VeilProfile          *profile)
{
  g_autofree char *title = NULL;
  guint held;

  held = veil_store_count_alerts_in_state (store, veil_profile_get_id (profile), VEIL_ALERT_STATE_HELD);
  if (held == 0)
    return;

  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                        "%u picture found by a folder check is held",
                                        "%u pictures found by folder checks are held",
                                        held),
                           held);
  add_row (self, self->activity_group, title,
           _("Nobody is told about them unless more are found. Only this number is shown here."));
}

/* Whether @profile is the one of the person using this account (as the window decides). */
static gboolean
is_linked_profile (VeilTransparencyPage *self,
                   VeilProfile          *profile)
{
  const char *user = g_get_user_name ();

  for (guint i = 0; i < self->profiles->len; i++)
    if (g_strcmp0 (veil_profile_get_unix_user (self->profiles->pdata[i]), user) == 0)
      return self->profiles->pdata[i] == profile;
  return self->profiles->len == 1;
}

static gboolean
is_message_alert (gpointer item,
                  gpointer user_data)
{
  return g_strcmp0 (veil_alert_item_get_alert (item)->source, VEIL_ALERT_SOURCE_MESSAGE) == 0;
}

static GtkWidget *
create_warned_row (gpointer item,
                   gpointer user_data)
{
  const VeilAlert *alert = veil_alert_item_get_alert (item);
  g_autofree char *when = format_time (alert->time);
  g_autofree char *dir = g_path_get_dirname (alert->path);
  g_autofree char *folder = alert->folder != NULL ? g_strdup (alert->folder) : g_path_get_basename (dir);
  g_autofree char *where = NULL;

  if (veil_verdict_get_unchecked (alert->verdict) && !veil_verdict_get_sensitive (alert->verdict))
    /* Translators: where a picture Veil could not check arrived, e.g. "Not checked, in Downloads" */
    where = g_strdup_printf (_("Not checked, in %s"), folder);
  else
    /* Translators: where a blurred picture arrived, e.g. "In Downloads" */
    where = g_strdup_printf (_("In %s"), folder);

  return veil_warned_row_new (alert->id, when, where);
}

/* Follows the model: the group shows once the alerts are read, with a row saying so when
 * there are none. */
static void
update_warned (VeilTransparencyPage *self)
{
  gboolean loaded, empty;

  if (self->warned == NULL)
    return;
  loaded = veil_record_model_get_loaded (VEIL_RECORD_MODEL (self->warned_source));
  empty = g_list_model_get_n_items (self->warned) == 0;
  gtk_widget_set_visible (GTK_WIDGET (self->warned_list), !empty);
  gtk_widget_set_visible (GTK_WIDGET (self->warned_group), loaded);
  if (loaded && empty && self->warned_empty == NULL)
    {
      self->warned_empty = add_row (self, self->warned_group, _("No pictures were blurred"), NULL);
    }
  else if (!empty && self->warned_empty != NULL)
    {
      adw_preferences_group_remove (self->warned_group, self->warned_empty);
      g_ptr_array_remove (self->rows, self->warned_empty);
      self->warned_empty = NULL;
    }
}

/* The child's own message warnings: time and folder only, each reopening its alert view.
 * Shown only on the child's own account, since a warning may be for nobody else's eyes. The
 * rows follow the context's alert model, read in the background. */
static void
add_warned_pictures (VeilTransparencyPage *self,
                     VeilProfile          *profile)
{
  GListModel *alerts;
  GtkFilterListModel *messages;

  gtk_widget_set_visible (GTK_WIDGET (self->warned_group), FALSE);
  if (!is_linked_profile (self, profile) ||
      !veil_profile_get_protection_enabled (profile, VEIL_PROTECTION_MESSAGE_WARNINGS))
    return;
  alerts = veil_context_get_alert_model (self->context, veil_profile_get_id (profile));
  if (alerts == NULL)
    return;

  self->warned_source = g_object_ref (alerts);
  messages = gtk_filter_list_model_new (g_object_ref (alerts),
                                        GTK_FILTER (gtk_custom_filter_new (is_message_alert, NULL, NULL)));
  self->warned = G_LIST_MODEL (gtk_slice_list_model_new (G_LIST_MODEL (messages), 0, MAX_ENTRIES));
  gtk_list_box_bind_model (self->warned_list, self->warned, create_warned_row, NULL, NULL);
  /* After the filter's own handler, so that the count is up to date. */
  g_signal_connect_object (alerts, "items-changed", G_CALLBACK (update_warned), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (alerts, "notify::loaded", G_CALLBACK (update_warned), self, G_CONNECT_SWAPPED);
  update_warned (self);
}

/* An active protection: its summary, and "Not working: …" when it does not run. */
static void
add_health_row (VeilTransparencyPage  *self,
                VeilHealth            *health,
                VeilProtection         protection,
                const VeilExplanation *e)
{
  g_autofree char *subtitle = NULL;
  gint64 last_check;
  GtkWidget *row;

  if (health == NULL)
    {
      subtitle = g_strdup_printf ("%s\n%s", e->summary, _("Checking whether it works…"));
      add_row (self, self->protections_group, e->title, subtitle);
      return;
    }
  if (veil_health_get_state (health, protection) == VEIL_HEALTH_STATE_ACTIVE)
    {
      last_check = veil_health_get_last_check (health, protection);
      if (protection == VEIL_PROTECTION_LIBRARY_SCAN)
        {
          /* Folder checks run by a schedule: when the last one ran and the next will. */
          g_autofree char *line = veil_library_schedule_describe (last_check, veil_health_get_next_check (health),
                                                                   g_get_real_time () / G_USEC_PER_SEC);

          subtitle = g_strdup_printf ("%s\n%s", e->summary, line);
        }
      else if (last_check > 0)
        {
          g_autofree char *when = format_time (last_check);
          /* Translators: %s is a date and time */
          g_autofree char *line = g_strdup_printf (_("Last checked a picture on %s"), when);

          subtitle = g_strdup_printf ("%s\n%s", e->summary, line);
        }
      add_row (self, self->protections_group, e->title, subtitle != NULL ? subtitle : e->summary);
      return;
    }

  {
    g_autofree char *state = veil_health_describe (health, protection);
    GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

    subtitle = g_strdup_printf ("%s\n%s", e->summary, state);
    row = add_row (self, self->protections_group, e->title, subtitle);
    gtk_widget_add_css_class (icon, "warning");
    gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Not working"), -1);
    adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  }
}

static void show_profile (VeilTransparencyPage *self);

static void
health_checked_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(VeilTransparencyPage) self = user_data;
  g_autoptr(VeilHealth) health = veil_health_check_finish (result, NULL);
  VeilProfile *shown;

  if (health == NULL || self->context == NULL)
    return;
  g_clear_object (&self->health_cancellable);
  g_set_object (&self->health, health);
  shown = veil_transparency_page_get_profile (self);
  if (shown != NULL && veil_profile_get_id (shown) == veil_profile_get_id (veil_health_get_profile (health)))
    show_profile (self);
}

/* Returns: (transfer none) (nullable): @profile's health once checked; until then %NULL,
 * and the check is started */
static VeilHealth *
get_health (VeilTransparencyPage *self,
            VeilStore            *store,
            VeilProfile          *profile)
{
  if (self->health != NULL &&
      veil_profile_get_id (veil_health_get_profile (self->health)) == veil_profile_get_id (profile))
    return self->health;
  if (self->health_cancellable != NULL && self->health_profile_id == veil_profile_get_id (profile))
    return NULL;
  g_cancellable_cancel (self->health_cancellable);
  g_clear_object (&self->health_cancellable);
  self->health_cancellable = g_cancellable_new ();
  self->health_profile_id = veil_profile_get_id (profile);
  veil_health_check_async (store, profile, self->health_cancellable, health_checked_cb, g_object_ref (self));
  return NULL;
}

/* The protections that are on: active ones plainly, with their last check; those that do
 * not work with why and what fixes it; those not read yet with a button to read them. */
static void
add_protection_rows (VeilTransparencyPage *self,
                     VeilStore            *store,
                     VeilProfile          *profile)
{
  VeilHealth *health = get_health (self, store, profile);

  for (guint p = 0; p < VEIL_N_PROTECTIONS; p++)
    {
      VeilProtectionStatus status;
      VeilExplanation e;

      if (!veil_store_get_protection_status (store, profile, p, &status, NULL) || !status.enabled)
        continue;

      veil_protection_get_explanation_for_profile (p, profile, &e);
      if (status.active)
        {
          add_health_row (self, health, p, &e);
        }
      else
        {
          GtkWidget *row;
          GtkWidget *button = gtk_button_new_with_mnemonic (_("_Read"));
          g_autofree char *subtitle = g_strdup_printf ("%s %s", e.summary,
                                                       _("Not active yet: it starts once you have read it."));

          row = add_row (self, self->protections_group, e.title, subtitle);
          gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
          gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "transparency.acknowledge");
          gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          _("Read what this protection does"), -1);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
        }
    }
}

static void
show_profile (VeilTransparencyPage *self)
{
  VeilStore *store = veil_context_get_store (self->context);
  VeilProfile *profile = veil_transparency_page_get_profile (self);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) general = NULL;
  const char * const *folders;
  guint n_activity = 0, n_guardian = 0;

  clear_rows (self);
  gtk_widget_set_visible (GTK_WIDGET (self->protect_group), profile != NULL && veil_protect_images_is_offered (profile));

  gtk_widget_set_visible (GTK_WIDGET (self->warned_group), FALSE);
  if (profile == NULL)
    {
      add_row (self, self->protections_group, _("Veil is not set up here yet"),
               _("Nothing is checked and nothing is blurred on this computer."));
      return;
    }

  add_protection_rows (self, store, profile);
  if (self->rows->len == 0)
    add_row (self, self->protections_group, _("Nothing is on"),
             _("Your guardian has not turned any protection on for this profile."));

  folders = veil_profile_get_folders (profile);
  if (veil_profile_get_protection_enabled (profile, VEIL_PROTECTION_LIBRARY_SCAN) && folders[0] != NULL)
    for (guint i = 0; folders[i] != NULL; i++)
      add_row (self, self->folders_group, folders[i], NULL);
  else
    add_row (self, self->folders_group, _("No folders are checked"), NULL);

  entries = veil_store_list_audit (store, veil_profile_get_id (profile), 0, NULL);
  general = veil_store_list_audit (store, 0, MAX_ENTRIES, NULL);
  for (guint i = 0; entries != NULL && i < entries->len; i++)
    {
      VeilAuditEntry *e = entries->pdata[i];
      g_autofree char *sentence = veil_audit_entry_describe (e);
      g_autofree char *when = format_time (e->time);

      if ((g_str_equal (e->kind, "scan") || g_str_equal (e->kind, "alert")) && n_activity < MAX_ENTRIES)
        {
          add_row (self, self->activity_group, sentence, when);
          n_activity++;
        }
      else if (g_str_equal (e->actor, VEIL_ACTOR_GUARDIAN) && n_guardian < MAX_ENTRIES)
        {
          add_row (self, self->guardian_group, sentence, when);
          n_guardian++;
        }
    }
  for (guint i = 0; general != NULL && i < general->len && n_guardian < MAX_ENTRIES; i++)
    {
      VeilAuditEntry *e = general->pdata[i];
      g_autofree char *sentence = NULL;
      g_autofree char *when = NULL;

      /* Wrong PINs are for the guardian's eyes in the guardian area, not a public record. */
      if (!g_str_equal (e->actor, VEIL_ACTOR_GUARDIAN) || g_str_equal (e->kind, "pin-failed"))
        continue;
      sentence = veil_audit_entry_describe (e);
      when = format_time (e->time);
      add_row (self, self->guardian_group, sentence, when);
      n_guardian++;
    }
  add_held_count (self, store, profile);
  add_warned_pictures (self, profile);
  if (n_activity == 0)
    add_row (self, self->activity_group, _("No checks or alerts yet"), NULL);
  if (n_guardian == 0)
    add_row (self, self->guardian_group, _("Nothing yet"), NULL);
}

static void
selected_cb (VeilTransparencyPage *self)
{
  if (!self->reloading && self->context != NULL && veil_context_get_store (self->context) != NULL)
    show_profile (self);
}

static void
acknowledge_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  VeilTransparencyPage *self = VEIL_TRANSPARENCY_PAGE (widget);
  VeilProfile *profile = veil_transparency_page_get_profile (self);

  if (profile != NULL)
    g_signal_emit (self, signals[ACKNOWLEDGE_REQUESTED], 0, profile);
}

static void
show_alert_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  g_signal_emit (widget, signals[SHOW_ALERT], 0, g_variant_get_int64 (parameter));
}

/* The teen's own business: no PIN, and nothing about it is logged for the guardian. */
static void
protect_images_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  VeilTransparencyPage *self = VEIL_TRANSPARENCY_PAGE (widget);
  VeilProfile *profile = veil_transparency_page_get_profile (self);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *window;

  if (profile == NULL || self->context == NULL || !veil_protect_images_is_offered (profile))
    return;
  window = veil_protect_images_new (self->context, profile);
  if (GTK_IS_WINDOW (root))
    {
      gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (root));
      gtk_window_set_modal (GTK_WINDOW (window), TRUE);
    }
  gtk_window_present (GTK_WINDOW (window));
}

static void
veil_transparency_page_constructed (GObject *object)
{
  VeilTransparencyPage *self = VEIL_TRANSPARENCY_PAGE (object);

  G_OBJECT_CLASS (veil_transparency_page_parent_class)->constructed (object);

  veil_records_notice_set_context (self->records_notice, self->context);
  if (self->context != NULL)
    g_signal_connect_object (self->context, "profiles-changed",
                             G_CALLBACK (veil_transparency_page_reload), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->profile_row, "notify::selected",
                           G_CALLBACK (selected_cb), self, G_CONNECT_SWAPPED);
  veil_transparency_page_reload (self);
}

static void
veil_transparency_page_dispose (GObject *object)
{
  VeilTransparencyPage *self = VEIL_TRANSPARENCY_PAGE (object);

  /* The bin unparents its child itself before the template children are cleared. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), VEIL_TYPE_TRANSPARENCY_PAGE);
  unbind_warned (self);
  g_cancellable_cancel (self->health_cancellable);
  g_clear_object (&self->health_cancellable);
  g_clear_object (&self->health);
  g_clear_object (&self->context);
  g_clear_pointer (&self->profiles, g_ptr_array_unref);
  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (veil_transparency_page_parent_class)->dispose (object);
}

static void
veil_transparency_page_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  VeilTransparencyPage *self = VEIL_TRANSPARENCY_PAGE (object);

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
veil_transparency_page_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  VeilTransparencyPage *self = VEIL_TRANSPARENCY_PAGE (object);

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
veil_transparency_page_class_init (VeilTransparencyPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = veil_transparency_page_constructed;
  object_class->dispose = veil_transparency_page_dispose;
  object_class->get_property = veil_transparency_page_get_property;
  object_class->set_property = veil_transparency_page_set_property;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, VEIL_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[ACKNOWLEDGE_REQUESTED] =
    g_signal_new ("acknowledge-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, VEIL_TYPE_PROFILE);
  /**
   * VeilTransparencyPage::show-alert:
   * @alert_id: a message alert of the child using this account
   *
   * The child wants to see a warned picture's choices again.
   */
  signals[SHOW_ALERT] =
    g_signal_new ("show-alert", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  g_type_ensure (VEIL_TYPE_RECORDS_NOTICE);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/veil-transparency-page.ui");
  gtk_widget_class_bind_template_child (widget_class, VeilTransparencyPage, records_notice);
  gtk_widget_class_bind_template_child (widget_class, VeilTransparencyPage, profile_group);
  gtk_widget_class_bind_template_child (widget_class, VeilTransparencyPage, profile_row);
  gtk_widget_class_bind_template_child (widget_class, VeilTransparencyPage, profile_names);
  gtk_widget_class_bind_template_child (widget_class, VeilTransparencyPage, protections_group);
  gtk_widget_class_bind_template_child (widget_class, VeilTransparencyPage, folders_group);
  gtk_widget_class_bind_template_child (widget_class, VeilTransparencyPage, warned_group);
  gtk_widget_class_bind_template_child (widget_class, VeilTransparencyPage, warned_list);
  gtk_widget_class_bind_template_child (widget_class, VeilTransparencyPage, activity_group);
  gtk_widget_class_bind_template_child (widget_class, VeilTransparencyPage, protect_group);
  gtk_widget_class_bind_template_child (widget_class, VeilTransparencyPage, guardian_group);

  gtk_widget_class_install_action (widget_class, "transparency.acknowledge", NULL, acknowledge_action);
  gtk_widget_class_install_action (widget_class, "transparency.protect-images", NULL, protect_images_action);
  gtk_widget_class_install_action (widget_class, "transparency.show-alert", "x", show_alert_action);
}

static void
veil_transparency_page_init (VeilTransparencyPage *self)
{
  self->profiles = g_ptr_array_new_with_free_func ((GDestroyNotify) veil_profile_unref);
  self->rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
veil_transparency_page_new (VeilContext *context)
{
  g_return_val_if_fail (VEIL_IS_CONTEXT (context), NULL);

  return g_object_new (VEIL_TYPE_TRANSPARENCY_PAGE, "context", context, NULL);
}

/**
 * veil_transparency_page_reload:
 *
 * Reads the profiles again. The profile linked to this computer account is shown first.
 */
void
veil_transparency_page_reload (VeilTransparencyPage *self)
{
  VeilStore *store;
  g_autoptr(GPtrArray) profiles = NULL;
  g_autofree char *previous = NULL;
  guint selected = 0;

  g_return_if_fail (VEIL_IS_TRANSPARENCY_PAGE (self));

  store = self->context != NULL ? veil_context_get_store (self->context) : NULL;
  if (store == NULL)
    {
      clear_rows (self);
      gtk_widget_set_visible (GTK_WIDGET (self->profile_row), FALSE);
      return;
    }

  /* What runs may have changed too: check again. */
  g_clear_object (&self->health);
  g_cancellable_cancel (self->health_cancellable);
  g_clear_object (&self->health_cancellable);
  if (veil_transparency_page_get_profile (self) != NULL)
    previous = g_strdup (veil_profile_get_name (veil_transparency_page_get_profile (self)));

  profiles = veil_store_list_profiles (store, NULL);
  self->reloading = TRUE;
  g_ptr_array_set_size (self->profiles, 0);
  gtk_string_list_splice (self->profile_names, 0, g_list_model_get_n_items (G_LIST_MODEL (self->profile_names)), NULL);
  for (guint i = 0; profiles != NULL && i < profiles->len; i++)
    {
      VeilProfile *p = profiles->pdata[i];

      g_ptr_array_add (self->profiles, veil_profile_ref (p));
      gtk_string_list_append (self->profile_names, veil_profile_get_name (p));
      if (previous != NULL ? g_str_equal (previous, veil_profile_get_name (p))
                           : g_strcmp0 (veil_profile_get_unix_user (p), g_get_user_name ()) == 0)
        selected = i;
    }
  if (self->profiles->len > 0)
    adw_combo_row_set_selected (self->profile_row, selected);
  self->reloading = FALSE;

  gtk_widget_set_visible (GTK_WIDGET (self->profile_row), self->profiles->len > 1);
  show_profile (self);
}

/**
 * veil_transparency_page_get_profile:
 *
 * Returns: (transfer none) (nullable): the profile shown
 */
VeilProfile *
veil_transparency_page_get_profile (VeilTransparencyPage *self)
{
  guint selected;

  g_return_val_if_fail (VEIL_IS_TRANSPARENCY_PAGE (self), NULL);

  selected = adw_combo_row_get_selected (self->profile_row);
  if (selected == GTK_INVALID_LIST_POSITION || selected >= self->profiles->len)
    return NULL;
  return self->profiles->pdata[selected];
}

/**
 * veil_transparency_page_select:
 * @profile_id: a profile's id
 *
 * Shows @profile_id's page, e.g. the child who has just read what is on.
 *
 * Returns: %TRUE if the profile was found
 */
gboolean
veil_transparency_page_select (VeilTransparencyPage *self,
                               gint64                profile_id)
{
  g_return_val_if_fail (VEIL_IS_TRANSPARENCY_PAGE (self), FALSE);

  for (guint i = 0; i < self->profiles->len; i++)
    {
      if (veil_profile_get_id (self->profiles->pdata[i]) == profile_id)
        {
          /* Changing the selection shows that profile (selected_cb). */
          adw_combo_row_set_selected (self->profile_row, i);
          return TRUE;
        }
    }
  return FALSE;
}
