/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-window"

#include "config.h"

#include <glib/gi18n.h>

#include "veil-window.h"
#include "veil-acknowledgment.h"
#include "veil-alert-view.h"
#include "veil-guardian-area.h"
#include "veil-guardian-lock.h"
#include "veil-onboarding.h"
#include "veil-profile-page.h"
#include "veil-records-notice.h"
#include "veil-transparency-page.h"
#include "veil-ui-utils.h"

/* The main window: a welcome page until Veil is set up, then a home page with the
 * transparency page (for everyone) and the guardian area (behind the PIN). The guardian is
 * locked whenever the window leaves the guardian's pages, so handing the computer to a
 * child never hands over the settings. */

struct _VeilWindow
{
  AdwApplicationWindow  parent_instance;

  /* Owned */
  GSettings            *settings;
  VeilContext          *context;

  /* Pages made in code: they need the context */
  GtkWidget            *onboarding;
  GtkWidget            *lock;
  GtkWidget            *guardian_area;
  GtkWidget            *transparency;
  GtkWidget            *acknowledgment;
  GtkWidget            *alert_view;     /* nullable: made for each warning shown */
  char                 *alert_return;   /* the page to go back to from the warning */
  GCancellable         *health_cancellable; /* checking the profiles for the home page */

  /* Template children */
  AdwStatusPage        *welcome_page;
  AdwStatusPage        *error_page;
  VeilRecordsNotice    *home_notice;
  GtkMenuButton        *primary_menu_button;
  GtkButton            *back_button;
  AdwWindowTitle       *window_title;
  GtkStack             *stack;
  GtkLabel             *health_label;
  GtkListBox           *status_list;
  AdwStatusPage        *home_page;
};

G_DEFINE_FINAL_TYPE (VeilWindow, veil_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static VeilGuardian *
get_guardian (VeilWindow *self)
{
  return self->context != NULL ? veil_context_get_guardian (self->context) : NULL;
}

static void
lock_guardian (VeilWindow *self)
{
  if (get_guardian (self) != NULL)
    veil_guardian_lock (get_guardian (self));
}

static void remove_alert_view (VeilWindow *self);

/* The guardian area lends the header its view switcher while a profile is open. */
static void
update_title_widget (VeilWindow *self)
{
  GtkWidget *header = gtk_widget_get_ancestor (GTK_WIDGET (self->back_button), ADW_TYPE_HEADER_BAR);
  GtkWidget *title = NULL;

  if (self->guardian_area != NULL && g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "guardian") == 0)
    title = veil_guardian_area_get_title_widget (VEIL_GUARDIAN_AREA (self->guardian_area));
  if (header != NULL)
    adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), title != NULL ? title : GTK_WIDGET (self->window_title));
}

static void
show_page (VeilWindow *self,
           const char *name)
{
  static const struct { const char *page; const char *subtitle; } subtitles[] = {
    { "onboarding", N_("Set Up") },
    { "lock", N_("Guardian Area") },
    { "guardian", N_("Guardian Area") },
    { "transparency", N_("What Veil Does Here") },
    { "acknowledgment", N_("What Is On") },
    { "alert", N_("Blurred Picture") },
  };
  const char *subtitle = "";
  gboolean top = g_str_equal (name, "welcome") || g_str_equal (name, "home") || g_str_equal (name, "error");

  for (gsize i = 0; i < G_N_ELEMENTS (subtitles); i++)
    if (g_str_equal (subtitles[i].page, name))
      subtitle = _(subtitles[i].subtitle);

  adw_window_title_set_subtitle (self->window_title, subtitle);
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), !top);
  gtk_stack_set_visible_child_name (self->stack, name);
  update_title_widget (self);

  /* Leaving the guardian's pages locks guardian settings. */
  if (!g_str_equal (name, "guardian") && !g_str_equal (name, "onboarding"))
    lock_guardian (self);
  if (!g_str_equal (name, "alert"))
    remove_alert_view (self);
}

static void
show_error (VeilWindow *self,
            const char *title,
            const char *message)
{
  adw_status_page_set_title (self->error_page, title);
  adw_status_page_set_description (self->error_page, message);
  show_page (self, "error");
}

/* The home page names each protection that is on but does not work, with its fix. */
static void
health_checked_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(VeilWindow) self = user_data;
  g_autoptr(GPtrArray) healths = veil_health_check_all_finish (result, NULL);
  g_autoptr(GString) text = g_string_new (NULL);

  if (healths == NULL || self->health_label == NULL)
    return;
  g_clear_object (&self->health_cancellable);
  for (guint i = 0; i < healths->len; i++)
    {
      VeilHealth *health = healths->pdata[i];
      VeilProfile *profile = veil_health_get_profile (health);

      for (guint p = 0; p < VEIL_N_PROTECTIONS; p++)
        {
          g_autofree char *state = NULL;
          VeilExplanation e;

          if (veil_health_get_state (health, p) != VEIL_HEALTH_STATE_NOT_WORKING)
            continue;
          veil_protection_get_explanation_for_profile (p, profile, &e);
          state = veil_health_describe (health, p);
          if (text->len > 0)
            g_string_append_c (text, '\n');
          /* Translators: a child's name, a protection's title and "Not working: …" */
          g_string_append_printf (text, _("%s, %s: %s"), veil_profile_get_name (profile), e.title, state);
        }
    }
  gtk_label_set_text (self->health_label, text->str);
  gtk_widget_set_visible (GTK_WIDGET (self->health_label), text->len > 0);
}

static void
check_health (VeilWindow *self,
              VeilStore  *store,
              GPtrArray  *profiles)
{
  g_cancellable_cancel (self->health_cancellable);
  g_clear_object (&self->health_cancellable);
  self->health_cancellable = g_cancellable_new ();
  veil_health_check_all_async (store, profiles, self->health_cancellable, health_checked_cb, g_object_ref (self));
}

/* A line of home's status list with the button that deals with it. */
static void
add_status_row (VeilWindow *self,
                const char *line,
                const char *button_label,
                const char *accessible,
                const char *action,
                GVariant   *target)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_with_mnemonic (button_label);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), line);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  if (target != NULL)
    gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), target);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  gtk_list_box_append (self->status_list, row);
}

/* Alerts that reached the guardian and wait for a look. */
static guint
count_to_review (VeilStore   *store,
                 VeilProfile *profile)
{
  GPtrArray *lists[] = {
    veil_store_list_alerts (store, veil_profile_get_id (profile), NULL),
    veil_store_list_message_alerts (store, veil_profile_get_id (profile), NULL),
  };
  guint n = 0;

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    {
      for (guint i = 0; lists[l] != NULL && i < lists[l]->len; i++)
        if (g_strcmp0 (((VeilAlert *) lists[l]->pdata[i])->state, VEIL_ALERT_STATE_TOLD) == 0)
          n++;
      g_clear_pointer (&lists[l], g_ptr_array_unref);
    }
  return n;
}

static void
add_child_status (VeilWindow  *self,
                  VeilStore   *store,
                  VeilProfile *profile,
                  guint        waiting)
{
  const char *name = veil_profile_get_name (profile);
  guint to_review = count_to_review (store, profile);

  if (waiting > 0)
    {
      g_autofree char *line = veil_ui_describe_waiting (profile, waiting);
      /* Translators: accessible label of the button on home; %s is the child's name */
      g_autofree char *accessible = g_strdup_printf (_("Show %s what is on"), name);

      add_status_row (self, line, _("_Read Now"), accessible, "win.acknowledge",
                      g_variant_new_int64 (veil_profile_get_id (profile)));
    }
  if (to_review > 0)
    {
      /* Translators: %u is a number of alerts, %s the child's name */
      g_autofree char *line = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u alert about %s to review",
                                                            "%u alerts about %s to review", to_review),
                                               to_review, name);
      /* Translators: accessible label of the button on home; %s is the child's name */
      g_autofree char *accessible = g_strdup_printf (_("Review the alerts about %s in the guardian area"), name);

      add_status_row (self, line, _("_Review"), accessible, "win.show-guardian", NULL);
    }
}

/* Home says Veil is set up only once a protection works, and says for each child what is
 * waiting (protections to read, alerts to review) with the button that deals with it. */
static void
update_home_status (VeilWindow *self,
                    VeilStore  *store,
                    GPtrArray  *profiles)
{
  GtkWidget *row;
  guint total_active = 0;

  while ((row = gtk_widget_get_first_child (GTK_WIDGET (self->status_list))) != NULL)
    gtk_list_box_remove (self->status_list, row);
  for (guint i = 0; i < profiles->len; i++)
    {
      guint active = 0;
      guint waiting = veil_ui_count_waiting (store, profiles->pdata[i], &active);

      total_active += active;
      add_child_status (self, store, profiles->pdata[i], waiting);
    }
  adw_status_page_set_title (self->home_page, total_active > 0 ? _("Veil Is Set Up") : _("No Protection Is On Yet"));
  gtk_widget_set_visible (GTK_WIDGET (self->status_list),
                          gtk_widget_get_first_child (GTK_WIDGET (self->status_list)) != NULL);
}

/* Home is the welcome page until a profile exists. */
static void
go_home (VeilWindow *self)
{
  VeilStore *store;
  g_autoptr(GPtrArray) profiles = NULL;

  if (self->context == NULL || !veil_context_get_ready (self->context))
    {
      show_page (self, "welcome");
      return;
    }

  store = veil_context_get_store (self->context);
  if (store == NULL)
    {
      const GError *error = veil_context_get_store_error (self->context);
      const char *title = _("Veil Cannot Open Its Data");

      /* Neither is damage: the title must not suggest the data is lost. */
      if (g_error_matches (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_READ_ONLY))
        title = _("Veil Cannot Write Its Data");
      else if (g_error_matches (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_DISK_FULL))
        title = _("The Disk Is Full");
      show_error (self, title, error != NULL ? error->message : NULL);
      return;
    }

  profiles = veil_store_list_profiles (store, NULL);
  if (profiles != NULL && profiles->len > 0)
    {
      update_home_status (self, store, profiles);
      check_health (self, store, profiles);
    }
  show_page (self, profiles != NULL && profiles->len > 0 ? "home" : "welcome");
}

static gboolean
check_ready (VeilWindow *self)
{
  if (self->context != NULL && veil_context_get_ready (self->context))
    return TRUE;

  veil_window_show_toast (self, _("Veil is still starting. Try again in a moment."));
  return FALSE;
}

static void
setup_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  VeilWindow *self = VEIL_WINDOW (widget);
  VeilGuardian *guardian;
  g_autoptr(GError) error = NULL;
  gboolean has_pin = FALSE;

  if (!check_ready (self))
    return;

  guardian = get_guardian (self);
  if (guardian == NULL)
    {
      go_home (self);
      return;
    }

  /* No keyring, no set-up: the PIN would have nowhere safe to go. */
  if (!veil_guardian_has_pin (guardian, &has_pin, NULL, &error))
    {
      show_error (self, _("Guardian Settings Are Closed"), error->message);
      return;
    }

  if (has_pin)
    {
      /* Set up before: adding a child happens in the guardian area. */
      gtk_widget_activate_action (widget, "win.show-guardian", NULL);
      return;
    }

  veil_onboarding_restart (VEIL_ONBOARDING (self->onboarding));
  show_page (self, "onboarding");
}

static void
go_home_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  VeilWindow *self = VEIL_WINDOW (widget);

  /* In the guardian area, Back goes up one level at a time. */
  if (g_str_equal (gtk_stack_get_visible_child_name (self->stack), "guardian") &&
      veil_guardian_area_go_back (VEIL_GUARDIAN_AREA (self->guardian_area)))
    return;
  go_home (self);
}

static void
show_guardian_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  VeilWindow *self = VEIL_WINDOW (widget);
  VeilGuardian *guardian;

  if (!check_ready (self))
    return;

  guardian = get_guardian (self);
  if (guardian != NULL && veil_guardian_get_unlocked (guardian))
    {
      veil_guardian_area_reload (VEIL_GUARDIAN_AREA (self->guardian_area));
      show_page (self, "guardian");
      return;
    }

  veil_guardian_lock_refresh (VEIL_GUARDIAN_LOCK (self->lock));
  show_page (self, "lock");
}

/* Home's "Read Now": the child reads what is on, from their own stored profile. */
static void
acknowledge_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  VeilWindow *self = VEIL_WINDOW (widget);
  VeilStore *store;
  g_autoptr(VeilProfile) profile = NULL;

  if (!check_ready (self) || (store = veil_context_get_store (self->context)) == NULL)
    return;
  profile = veil_store_get_profile (store, g_variant_get_int64 (parameter), NULL);
  if (profile == NULL)
    return;
  lock_guardian (self);
  veil_acknowledgment_set_profile (VEIL_ACKNOWLEDGMENT (self->acknowledgment), profile);
  show_page (self, "acknowledgment");
}

static void
show_transparency_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  VeilWindow *self = VEIL_WINDOW (widget);

  if (!check_ready (self))
    return;

  veil_transparency_page_reload (VEIL_TRANSPARENCY_PAGE (self->transparency));
  show_page (self, "transparency");
}

/* The profile of the child using this account: the one linked to this Unix user, else the
 * only profile there is. */
static VeilProfile *
find_linked_profile (VeilWindow *self)
{
  g_autoptr(GPtrArray) profiles = veil_store_list_profiles (veil_context_get_store (self->context), NULL);
  const char *user = g_get_user_name ();

  for (guint i = 0; profiles != NULL && i < profiles->len; i++)
    {
      VeilProfile *profile = g_ptr_array_index (profiles, i);

      if (g_strcmp0 (veil_profile_get_unix_user (profile), user) == 0)
        return veil_profile_ref (profile);
    }
  if (profiles != NULL && profiles->len == 1)
    return veil_profile_ref (g_ptr_array_index (profiles, 0));
  return NULL;
}

static void
remove_alert_view (VeilWindow *self)
{
  /* The view holds the only copy of the picture's pixels: drop it as soon as it is left. */
  if (self->alert_view != NULL)
    {
      gtk_stack_remove (self->stack, self->alert_view);
      self->alert_view = NULL;
    }
}

static void
alert_done_cb (VeilWindow *self)
{
  g_autofree char *back = g_steal_pointer (&self->alert_return);

  if (g_strcmp0 (back, "transparency") == 0)
    {
      veil_transparency_page_reload (VEIL_TRANSPARENCY_PAGE (self->transparency));
      show_page (self, "transparency");
    }
  else
    go_home (self);
  remove_alert_view (self);
}

static void
show_alert_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  veil_window_show_alert (VEIL_WINDOW (widget), g_variant_get_int64 (parameter));
}

static void
transparency_show_alert_cb (VeilWindow *self,
                            gint64      alert_id)
{
  veil_window_show_alert (self, alert_id);
}

static void
acknowledge_requested_cb (VeilWindow  *self,
                          VeilProfile *profile)
{
  VeilStore *store = veil_context_get_store (self->context);
  g_autoptr(VeilProfile) fresh = NULL;

  /* The child takes over: use the stored profile, and lock guardian settings first. */
  fresh = veil_store_get_profile (store, veil_profile_get_id (profile), NULL);
  veil_acknowledgment_set_profile (VEIL_ACKNOWLEDGMENT (self->acknowledgment), fresh != NULL ? fresh : profile);
  show_page (self, "acknowledgment");
}

static void
acknowledgment_done_cb (VeilWindow *self)
{
  VeilProfile *child = veil_acknowledgment_get_profile (VEIL_ACKNOWLEDGMENT (self->acknowledgment));

  veil_transparency_page_reload (VEIL_TRANSPARENCY_PAGE (self->transparency));
  /* The child who just said "I understand" sees their own page, not the first profile. */
  if (child != NULL)
    veil_transparency_page_select (VEIL_TRANSPARENCY_PAGE (self->transparency), veil_profile_get_id (child));
  show_page (self, "transparency");
}

static void
onboarding_finished_cb (VeilWindow *self)
{
  go_home (self);
}

static void
unlocked_cb (VeilWindow *self)
{
  veil_guardian_area_reload (VEIL_GUARDIAN_AREA (self->guardian_area));
  show_page (self, "guardian");
}

static void
guardian_locked_cb (VeilWindow *self)
{
  if (g_str_equal (gtk_stack_get_visible_child_name (self->stack), "guardian"))
    {
      go_home (self);
      veil_window_show_toast (self, _("Guardian settings are locked"));
    }
}

static void
add_child_cb (VeilWindow *self)
{
  veil_onboarding_restart (VEIL_ONBOARDING (self->onboarding));
  gtk_widget_activate_action (self->onboarding, "onboarding.start", NULL);
  show_page (self, "onboarding");
}

static void
erased_cb (VeilWindow *self)
{
  show_page (self, "welcome");
  veil_window_show_toast (self, _("Everything was erased"));
}

static void
show_message_cb (VeilWindow *self,
                 const char *message)
{
  veil_window_show_toast (self, message);
}

static void
context_ready_cb (VeilWindow *self)
{
  if (veil_context_get_ready (self->context))
    go_home (self);
}

static void
add_pages (VeilWindow *self)
{
  self->onboarding = veil_onboarding_new (self->context);
  self->lock = veil_guardian_lock_new (self->context);
  self->guardian_area = veil_guardian_area_new (self->context);
  self->transparency = veil_transparency_page_new (self->context);
  self->acknowledgment = veil_acknowledgment_new (self->context);

  gtk_stack_add_named (self->stack, self->onboarding, "onboarding");
  gtk_stack_add_named (self->stack, self->lock, "lock");
  gtk_stack_add_named (self->stack, self->guardian_area, "guardian");
  gtk_stack_add_named (self->stack, self->transparency, "transparency");
  gtk_stack_add_named (self->stack, self->acknowledgment, "acknowledgment");

  g_signal_connect_object (self->onboarding, "finished", G_CALLBACK (onboarding_finished_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->onboarding, "acknowledge-requested", G_CALLBACK (acknowledge_requested_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->lock, "unlocked", G_CALLBACK (unlocked_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->guardian_area, "locked", G_CALLBACK (guardian_locked_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->guardian_area, "add-child", G_CALLBACK (add_child_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->guardian_area, "erased", G_CALLBACK (erased_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->guardian_area, "show-message", G_CALLBACK (show_message_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->guardian_area, "notify::title-widget", G_CALLBACK (update_title_widget), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->transparency, "acknowledge-requested", G_CALLBACK (acknowledge_requested_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->transparency, "show-alert", G_CALLBACK (transparency_show_alert_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->acknowledgment, "done", G_CALLBACK (acknowledgment_done_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->context, "notify::ready", G_CALLBACK (context_ready_cb), self, G_CONNECT_SWAPPED);
}

static void
bind_window_state (VeilWindow *self)
{
  if (self->settings == NULL)
    return;

  g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
}

static void
veil_window_constructed (GObject *object)
{
  VeilWindow *self = VEIL_WINDOW (object);

  G_OBJECT_CLASS (veil_window_parent_class)->constructed (object);

  if (self->settings == NULL && self->context != NULL && veil_context_get_settings (self->context) != NULL)
    self->settings = g_object_ref (veil_context_get_settings (self->context));
  bind_window_state (self);

  /* Without a context (e.g. the .ui validator) the window shows the welcome page only. */
  if (self->context != NULL)
    {
      veil_records_notice_set_context (self->home_notice, self->context);
      add_pages (self);
      go_home (self);
    }
}

static void
veil_window_dispose (GObject *object)
{
  VeilWindow *self = VEIL_WINDOW (object);

  /* Closing the window closes guardian settings too. */
  lock_guardian (self);
  g_cancellable_cancel (self->health_cancellable);
  g_clear_object (&self->health_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), VEIL_TYPE_WINDOW);
  g_clear_object (&self->settings);
  g_clear_object (&self->context);
  g_clear_pointer (&self->alert_return, g_free);
  self->alert_view = NULL;

  G_OBJECT_CLASS (veil_window_parent_class)->dispose (object);
}

static void
veil_window_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  VeilWindow *self = VEIL_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_window_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  VeilWindow *self = VEIL_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;

    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_window_class_init (VeilWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = veil_window_constructed;
  object_class->dispose = veil_window_dispose;
  object_class->get_property = veil_window_get_property;
  object_class->set_property = veil_window_set_property;

  /**
   * VeilWindow:settings:
   *
   * The application's settings; the window keeps its size and state there. May be %NULL
   * (then the context's settings are used, or nothing is remembered).
   */
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL,
                         G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * VeilWindow:context:
   *
   * The application's #VeilContext: the store and the guardian.
   */
  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL,
                         VEIL_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (VEIL_TYPE_RECORDS_NOTICE);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/veil-window.ui");
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, welcome_page);
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, health_label);
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, status_list);
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, home_page);
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, home_notice);
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, VeilWindow, stack);

  gtk_widget_class_install_action (widget_class, "win.setup", NULL, setup_action);
  gtk_widget_class_install_action (widget_class, "win.go-home", NULL, go_home_action);
  gtk_widget_class_install_action (widget_class, "win.show-guardian", NULL, show_guardian_action);
  gtk_widget_class_install_action (widget_class, "win.show-transparency", NULL, show_transparency_action);
  gtk_widget_class_install_action (widget_class, "win.show-alert", "x", show_alert_action);
  gtk_widget_class_install_action (widget_class, "win.acknowledge", "x", acknowledge_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "win.go-home", NULL);
}

static void
veil_window_init (VeilWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * veil_window_new:
 * @application: the #GtkApplication
 * @context: (nullable): the application's context; its settings keep the window's size
 *
 * Returns: (transfer full): a new main window
 */
VeilWindow *
veil_window_new (GtkApplication *application,
                 VeilContext    *context)
{
  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (context == NULL || VEIL_IS_CONTEXT (context), NULL);

  return g_object_new (VEIL_TYPE_WINDOW,
                       "application", application,
                       "context", context,
                       NULL);
}

/**
 * veil_window_show_toast:
 * @self: a #VeilWindow
 * @message: a translated message
 *
 * Shows a short, transient message at the bottom of the window.
 */
void
veil_window_show_toast (VeilWindow *self,
                        const char *message)
{
  g_return_if_fail (VEIL_IS_WINDOW (self));
  g_return_if_fail (message != NULL);

  veil_ui_toast (GTK_WIDGET (self), message);
}

/**
 * veil_window_get_visible_page:
 *
 * Returns: the name of the page shown: "welcome", "home", "onboarding", "lock", "guardian",
 *   "transparency", "acknowledgment", "alert" or "error"
 */
const char *
veil_window_get_visible_page (VeilWindow *self)
{
  g_return_val_if_fail (VEIL_IS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

/**
 * veil_window_get_page:
 * @name: a page name, as for veil_window_get_visible_page()
 *
 * Returns: (transfer none) (nullable): the page's widget
 */
GtkWidget *
veil_window_get_page (VeilWindow *self,
                      const char *name)
{
  g_return_val_if_fail (VEIL_IS_WINDOW (self), NULL);
  return gtk_stack_get_child_by_name (self->stack, name);
}

/**
 * veil_window_show_alert:
 * @self: a #VeilWindow
 * @alert_id: a message alert
 *
 * Shows the warning @alert_id to the child using this account (the profile linked to this
 * Unix user, else the only profile), as a page they can leave. Guardian settings are locked
 * first, as on every page that is not the guardian's.
 */
void
veil_window_show_alert (VeilWindow *self,
                        gint64      alert_id)
{
  g_autoptr(VeilProfile) profile = NULL;
  const char *current;

  g_return_if_fail (VEIL_IS_WINDOW (self));

  if (!check_ready (self))
    return;
  if (veil_context_get_store (self->context) == NULL)
    {
      go_home (self);
      return;
    }

  profile = find_linked_profile (self);
  if (profile == NULL)
    {
      veil_window_show_toast (self, _("This warning belongs to a child’s account. Open it from that account."));
      return;
    }

  current = gtk_stack_get_visible_child_name (self->stack);
  if (g_strcmp0 (current, "alert") != 0)
    {
      g_free (self->alert_return);
      self->alert_return = g_strdup (current);
    }
  remove_alert_view (self);
  self->alert_view = veil_alert_view_new (self->context, profile, alert_id);
  gtk_stack_add_named (self->stack, self->alert_view, "alert");
  g_signal_connect_object (self->alert_view, "done", G_CALLBACK (alert_done_cb), self, G_CONNECT_SWAPPED);
  show_page (self, "alert");
  gtk_window_present (GTK_WINDOW (self));
}
