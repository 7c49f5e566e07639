/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-scan-page"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>

#include "veil-hash-lists.h"
#include "veil-scan-page.h"
#include "veil-ui-utils.h"

/* A profile's picture-folder checks: the folders (chosen through the file chooser portal),
 * "Scan now", progress with counts, rate and time left, pause and cancel, and the last
 * check's summary in counts only. */

struct _VeilScanPage
{
  AdwBin               parent_instance;

  /* construct-only, owned */
  VeilContext         *context;
  VeilProfile         *profile;        /* replaced when the guardian adds a folder */
  VeilAnalyzer        *analyzer;       /* nullable: loaded with the model on first scan */

  /* owned */
  VeilStore           *store;
  VeilScanner         *scanner;        /* while a scan runs */
  GCancellable        *cancellable;    /* the page's; cancelled in dispose */
  GCancellable        *scan_cancellable;
  GPtrArray           *folder_rows;
  GtkNativeDialog     *chooser;

  /* template children */
  AdwPreferencesPage  *preferences_page;
  AdwPreferencesGroup *folders_group;
  GtkWidget           *add_button;
  GtkProgressBar      *progress_bar;
  GtkLabel            *status_label;
  GtkButton           *pause_button;
  GtkLabel            *summary_label;
  GtkLabel            *schedule_label;
};

G_DEFINE_FINAL_TYPE (VeilScanPage, veil_scan_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_CONTEXT,
  PROP_PROFILE,
  PROP_ANALYZER,
  PROP_RUNNING,
  N_PROPS
};

enum {
  FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
update_actions (VeilScanPage *self)
{
  gboolean ready = self->context != NULL && self->profile != NULL && veil_context_get_store (self->context) != NULL;
  gboolean running = self->scanner != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scan.start", ready && !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scan.add-folder", ready && !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scan.remove-folder", ready && !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scan.pause", running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scan.cancel", running);
}

static void
fill_folders (VeilScanPage *self)
{
  const char * const *folders;

  for (guint i = 0; i < self->folder_rows->len; i++)
    adw_preferences_group_remove (self->folders_group, g_ptr_array_index (self->folder_rows, i));
  g_ptr_array_set_size (self->folder_rows, 0);
  if (self->profile == NULL)
    return;

  folders = veil_profile_get_folders (self->profile);
  for (guint i = 0; folders != NULL && folders[i] != NULL; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
      g_autofree char *shown = veil_ui_display_path (folders[i]);
      /* Translators: %s is a folder such as ~/Pictures */
      g_autofree char *label = g_strdup_printf (_("Stop checking “%s”"), shown);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), shown);
      gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (remove, "flat");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (remove), "scan.remove-folder");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (remove), "s", folders[i]);
      gtk_widget_set_tooltip_text (remove, label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
      adw_preferences_group_add (self->folders_group, row);
      g_ptr_array_add (self->folder_rows, row);
    }
  if (self->folder_rows->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No folders yet. Add one to check it."));
      adw_preferences_group_add (self->folders_group, row);
      g_ptr_array_add (self->folder_rows, row);
    }
}

/* The summary as a sentence with counts: never file names or pictures. */
static void
show_summary (VeilScanPage *self,
              const char   *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *text = NULL;
  JsonObject *o;
  guint n_seen, n_unchecked;

  if (json == NULL || !json_parser_load_from_data (parser, json, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return;
  o = json_node_get_object (json_parser_get_root (parser));
  n_seen = (guint) json_object_get_int_member_with_default (o, "seen", 0);
  /* Translators: summary of a folder check; the plural follows the first number */
  text = g_strdup_printf (ngettext ("%u picture checked (%u new or changed), %u left out, %u matched a list, "
                                    "%u flagged by the model. Alerts held: %u; shown to the guardian: %u. Took %.0f s.",
                                    "%u pictures checked (%u new or changed), %u left out, %u matched a list, "
                                    "%u flagged by the model. Alerts held: %u; shown to the guardian: %u. Took %.0f s.",
                                    n_seen),
                          n_seen,
                          (guint) json_object_get_int_member_with_default (o, "analyzed", 0),
                          (guint) json_object_get_int_member_with_default (o, "skipped", 0),
                          (guint) json_object_get_int_member_with_default (o, "matched", 0),
                          (guint) json_object_get_int_member_with_default (o, "flagged", 0),
                          (guint) json_object_get_int_member_with_default (o, "held", 0),
                          (guint) json_object_get_int_member_with_default (o, "told", 0),
                          json_object_get_double_member_with_default (o, "elapsed", 0));
  n_unchecked = (guint) json_object_get_int_member_with_default (o, "unchecked", 0);
  if (n_unchecked > 0)
    {
      /* Translators: added to the summary of a folder check */
      g_autofree char *unchecked = g_strdup_printf (ngettext ("%u picture could not be checked: it is listed for review.",
                                                              "%u pictures could not be checked: they are listed for review.",
                                                              n_unchecked), n_unchecked);
      g_autofree char *both = g_strconcat (text, " ", unchecked, NULL);

      g_free (text);
      text = g_steal_pointer (&both);
    }
  gtk_label_set_text (self->summary_label, text);
}

/* When the last check ran and when the background service runs the next one. */
static void
show_schedule (VeilScanPage *self)
{
  gint64 id = veil_profile_get_id (self->profile);
  g_autofree char *text = NULL;

  text = veil_library_schedule_describe (veil_store_get_last_check (self->store, id, VEIL_PROTECTION_LIBRARY_SCAN),
                                         veil_library_schedule_next_check (self->store, self->profile),
                                         veil_store_get_time (self->store));
  gtk_label_set_text (self->schedule_label, text);
}

static gboolean
ensure_store (VeilScanPage *self)
{
  if (self->store != NULL)
    return TRUE;
  if (self->context == NULL || veil_context_get_store (self->context) == NULL)
    return FALSE;
  self->store = g_object_ref (veil_context_get_store (self->context));
  return TRUE;
}

static void
progress_cb (VeilScanner  *scanner,
             VeilScanPage *self)
{
  guint seen = veil_scanner_get_n_seen (scanner);
  guint done = veil_scanner_get_n_done (scanner);
  double eta = veil_scanner_get_eta (scanner);
  g_autofree char *text = NULL;

  gtk_progress_bar_set_fraction (self->progress_bar, seen > 0 ? (double) done / seen : 0.0);
  if (eta >= 0)
    /* Translators: done, found, pictures per second, minutes left */
    text = g_strdup_printf (_("%u of %u pictures, %.1f per second, about %.0f min left"),
                            done, seen, veil_scanner_get_rate (scanner), ceil (eta / 60.0));
  else
    text = g_strdup_printf (_("%u of %u pictures"), done, seen);
  gtk_label_set_text (self->status_label, text);
}

static void
scan_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(VeilScanPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilScanSummary) summary = veil_scanner_scan_finish (VEIL_SCANNER (source), result, &error);

  g_clear_object (&self->scanner);
  g_clear_object (&self->scan_cancellable);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  gtk_button_set_label (self->pause_button, _("_Pause"));

  if (summary == NULL)
    {
      gtk_label_set_text (self->status_label, g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                                              ? _("Stopped. The next check continues where this one stopped.")
                                              : error->message);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        veil_ui_show_error (GTK_WIDGET (self), error);
    }
  else
    {
      g_autofree char *json = veil_scan_summary_to_json (summary);

      gtk_progress_bar_set_fraction (self->progress_bar, 1.0);
      gtk_label_set_text (self->status_label, _("Done."));
      show_summary (self, json);
    }
  if (self->store != NULL && self->profile != NULL)
    show_schedule (self);
  g_signal_emit (self, signals[FINISHED], 0);
}

static void
start_scan (VeilScanPage *self)
{
  g_assert (self->analyzer != NULL);

  if (!ensure_store (self))
    return;
  self->scanner = veil_scanner_new (self->analyzer, self->store, self->profile);
  self->scan_cancellable = g_cancellable_new ();
  g_signal_connect_object (self->scanner, "progress", G_CALLBACK (progress_cb), self, 0);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  gtk_label_set_text (self->status_label, _("Looking for pictures…"));
  veil_scanner_scan_async (self->scanner, NULL, self->scan_cancellable, scan_done_cb, g_object_ref (self));
}

static void
model_loaded_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(VeilScanPage) self = user_data;
  g_autoptr(GError) error = NULL;
  VeilAnalyzer *analyzer = veil_context_load_analyzer_finish (VEIL_CONTEXT (source), result, &error);

  if (g_cancellable_is_cancelled (self->cancellable))
    {
      g_clear_object (&analyzer);
      return;
    }
  if (analyzer == NULL)
    {
      veil_ui_show_error (GTK_WIDGET (self), error);
      return;
    }
  self->analyzer = analyzer;
  start_scan (self);
}

static void
start_action (GtkWidget  *widget,
              const char *action,
              GVariant   *param)
{
  VeilScanPage *self = VEIL_SCAN_PAGE (widget);

  if (self->scanner != NULL || self->context == NULL)
    return;
  /* The application's analyzer, when it has one: one model in memory for everything. */
  if (self->analyzer == NULL && self->context != NULL && veil_context_get_analyzer (self->context) != NULL)
    self->analyzer = g_object_ref (veil_context_get_analyzer (self->context));
  if (self->analyzer != NULL)
    {
      start_scan (self);
      return;
    }
  /* Loaded once for the whole application, which then shares it. */
  gtk_label_set_text (self->status_label, _("Loading the on-device model…"));
  veil_context_load_analyzer_async (self->context, self->cancellable, model_loaded_cb, g_object_ref (self));
}

static void
pause_action (GtkWidget  *widget,
              const char *action,
              GVariant   *param)
{
  VeilScanPage *self = VEIL_SCAN_PAGE (widget);

  if (self->scanner == NULL)
    return;
  if (veil_scanner_get_state (self->scanner) == VEIL_SCANNER_STATE_PAUSED)
    {
      veil_scanner_resume (self->scanner);
      gtk_button_set_label (self->pause_button, _("_Pause"));
    }
  else
    {
      veil_scanner_pause (self->scanner);
      gtk_button_set_label (self->pause_button, _("_Resume"));
    }
}

static void
cancel_action (GtkWidget  *widget,
               const char *action,
               GVariant   *param)
{
  VeilScanPage *self = VEIL_SCAN_PAGE (widget);

  g_cancellable_cancel (self->scan_cancellable);
}

/* Saves the profile with @path added or, with @remove, taken out of its folders. */
static void
change_folders (VeilScanPage *self,
                const char   *path,
                gboolean      remove)
{
  g_autoptr(GPtrArray) folders = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(VeilProfileBuilder) builder = NULL;
  g_autoptr(VeilProfile) changed = NULL;
  g_autoptr(VeilProfile) saved = NULL;
  g_autoptr(GError) error = NULL;
  const char * const *old = veil_profile_get_folders (self->profile);
  gboolean found = FALSE;

  for (guint i = 0; old != NULL && old[i] != NULL; i++)
    {
      if (g_str_equal (old[i], path))
        found = TRUE;
      else
        g_ptr_array_add (folders, g_strdup (old[i]));
    }
  if (found != remove)
    return;
  if (!remove)
    g_ptr_array_add (folders, g_strdup (path));
  g_ptr_array_add (folders, NULL);

  builder = veil_profile_builder_new_from_profile (self->profile);
  veil_profile_builder_set_folders (builder, (const char * const *) folders->pdata);
  changed = veil_profile_builder_build (builder, &error);
  if (changed != NULL)
    saved = veil_store_save_profile (veil_context_get_store (self->context), changed, VEIL_ACTOR_GUARDIAN, &error);
  if (saved == NULL)
    {
      veil_ui_show_error (GTK_WIDGET (self), error);
      return;
    }
  g_clear_pointer (&self->profile, veil_profile_unref);
  self->profile = g_steal_pointer (&saved);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROFILE]);
  fill_folders (self);
  veil_context_notify_profiles_changed (self->context);
}

static void
chooser_response_cb (VeilScanPage    *self,
                     int              response,
                     GtkNativeDialog *dialog)
{
  g_autoptr(GFile) folder = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  g_clear_object (&self->chooser);
  path = folder != NULL ? g_file_get_path (folder) : NULL;
  if (path != NULL)
    change_folders (self, path, FALSE);
}

static gboolean
check_unlocked (VeilScanPage *self)
{
  VeilGuardian *guardian = veil_context_get_guardian (self->context);

  /* Changing what is checked is a guardian's setting: it needs the PIN. */
  if (guardian == NULL || !veil_guardian_get_unlocked (guardian))
    {
      veil_ui_toast (GTK_WIDGET (self), _("Unlock the guardian area with the PIN first."));
      return FALSE;
    }
  return TRUE;
}

static void
remove_folder_action (GtkWidget  *widget,
                      const char *action,
                      GVariant   *param)
{
  VeilScanPage *self = VEIL_SCAN_PAGE (widget);

  if (self->profile != NULL && check_unlocked (self))
    change_folders (self, g_variant_get_string (param, NULL), TRUE);
}

static void
add_folder_action (GtkWidget  *widget,
                   const char *action,
                   GVariant   *param)
{
  VeilScanPage *self = VEIL_SCAN_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);

  if (!check_unlocked (self))
    return;
  if (self->chooser != NULL)
    return;
  /* A native chooser: inside Flatpak it is the portal's, which grants access to the folder. */
  self->chooser = GTK_NATIVE_DIALOG (gtk_file_chooser_native_new (_("Choose a Picture Folder"),
                                                                  GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                                  GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                                                  _("_Add"), NULL));
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (chooser_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (self->chooser);
}

static void
veil_scan_page_constructed (GObject *object)
{
  VeilScanPage *self = VEIL_SCAN_PAGE (object);

  G_OBJECT_CLASS (veil_scan_page_parent_class)->constructed (object);

  fill_folders (self);
  update_actions (self);
  /* The lists a check compares against belong with the check, behind the same PIN. */
  if (self->context != NULL && self->profile != NULL)
    adw_preferences_page_add (self->preferences_page,
                              ADW_PREFERENCES_GROUP (veil_hash_lists_new (self->context, self->profile)));
  if (self->profile != NULL && ensure_store (self))
    {
      g_autofree char *last = veil_store_get_last_summary (self->store, veil_profile_get_id (self->profile));
      show_summary (self, last);
      show_schedule (self);
    }
}

static void
veil_scan_page_dispose (GObject *object)
{
  VeilScanPage *self = VEIL_SCAN_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->scan_cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), VEIL_TYPE_SCAN_PAGE);
  g_clear_object (&self->scanner);
  g_clear_object (&self->store);
  g_clear_object (&self->analyzer);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (veil_scan_page_parent_class)->dispose (object);
}

static void
veil_scan_page_finalize (GObject *object)
{
  VeilScanPage *self = VEIL_SCAN_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->scan_cancellable);
  g_clear_pointer (&self->profile, veil_profile_unref);
  g_clear_pointer (&self->folder_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (veil_scan_page_parent_class)->finalize (object);
}

static void
veil_scan_page_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  VeilScanPage *self = VEIL_SCAN_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;
    case PROP_PROFILE:
      g_value_set_boxed (value, self->profile);
      break;
    case PROP_ANALYZER:
      g_value_set_object (value, self->analyzer);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->scanner != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_scan_page_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  VeilScanPage *self = VEIL_SCAN_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;
    case PROP_PROFILE:
      self->profile = g_value_dup_boxed (value);
      break;
    case PROP_ANALYZER:
      self->analyzer = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_scan_page_class_init (VeilScanPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = veil_scan_page_constructed;
  object_class->dispose = veil_scan_page_dispose;
  object_class->finalize = veil_scan_page_finalize;
  object_class->get_property = veil_scan_page_get_property;
  object_class->set_property = veil_scan_page_set_property;

  properties[PROP_CONTEXT] = g_param_spec_object ("context", NULL, NULL, VEIL_TYPE_CONTEXT, flags);
  properties[PROP_PROFILE] = g_param_spec_boxed ("profile", NULL, NULL, VEIL_TYPE_PROFILE,
                                                 flags | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * VeilScanPage:analyzer: (nullable)
   *
   * The analyzer to scan with; by default the context's (the application's), or, without
   * one, the page loads the model on the first scan.
   */
  properties[PROP_ANALYZER] = g_param_spec_object ("analyzer", NULL, NULL, VEIL_TYPE_ANALYZER, flags);
  properties[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE,
                                                   G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * VeilScanPage::finished:
   *
   * A check ended (done, cancelled or failed); alerts may have changed.
   */
  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/veil-scan-page.ui");
  gtk_widget_class_bind_template_child (widget_class, VeilScanPage, preferences_page);
  gtk_widget_class_bind_template_child (widget_class, VeilScanPage, folders_group);
  gtk_widget_class_bind_template_child (widget_class, VeilScanPage, add_button);
  gtk_widget_class_bind_template_child (widget_class, VeilScanPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, VeilScanPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, VeilScanPage, pause_button);
  gtk_widget_class_bind_template_child (widget_class, VeilScanPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, VeilScanPage, schedule_label);

  gtk_widget_class_install_action (widget_class, "scan.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "scan.pause", NULL, pause_action);
  gtk_widget_class_install_action (widget_class, "scan.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "scan.add-folder", NULL, add_folder_action);
  gtk_widget_class_install_action (widget_class, "scan.remove-folder", "s", remove_folder_action);
}

static void
veil_scan_page_init (VeilScanPage *self)
{
  self->cancellable = g_cancellable_new ();
  self->folder_rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  /* An icon-only button: screen readers need its name. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->add_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Add a Folder"), -1);
}

GtkWidget *
veil_scan_page_new (VeilContext *context,
                    VeilProfile *profile)
{
  g_return_val_if_fail (VEIL_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (profile != NULL, NULL);

  return g_object_new (VEIL_TYPE_SCAN_PAGE, "context", context, "profile", profile, NULL);
}

/* Returns: (transfer none) (nullable): the profile, with the folders as last saved */
VeilProfile *
veil_scan_page_get_profile (VeilScanPage *self)
{
  g_return_val_if_fail (VEIL_IS_SCAN_PAGE (self), NULL);
  return self->profile;
}

gboolean
veil_scan_page_get_running (VeilScanPage *self)
{
  g_return_val_if_fail (VEIL_IS_SCAN_PAGE (self), FALSE);
  return self->scanner != NULL;
}
