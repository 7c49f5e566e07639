/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-review-queue"

#include "config.h"

#include <glib/gi18n.h>

#include "veil-alert-card.h"
#include "veil-alert-tile.h"
#include "veil-report-row.h"
#include "veil-review-queue.h"

/* The guardian's review queue for one profile, behind the PIN: the alerts the guardian has
 * been told about (library scans, and message warnings the profile's rule tells the guardian
 * about), as a grid of blurred thumbnails; each opens its explanation card. Held alerts
 * (below the match threshold) are only counted, never shown, and a child's private message
 * warnings not at all. Next to them, the reports and help requests the child made: each opens
 * the full report, to export (never with the picture) or delete. An open card or report is
 * left with the window's Back button, through veil_review_queue_go_back(). */

/* How much of the child's words a report's row shows. */
#define WORDS_PREVIEW_LENGTH 60

struct _VeilReviewQueue
{
  AdwBin           parent_instance;

  /* construct-only, owned */
  VeilContext     *context;
  VeilProfile     *profile;

  /* owned */
  GListModel      *alert_model;  /* nullable: the context's VeilAlertModel for the profile */
  GListModel      *report_model; /* nullable: the context's VeilReportModel for the profile */
  GtkFilterListModel *shown;     /* nullable: the alerts in the grid, while unlocked */
  gboolean         bound;        /* whether the grid and the list show the models */
  VeilReportEntry *open_report;  /* nullable: the report shown */
  GtkFileChooserNative *chooser; /* nullable: choosing where to export */
  GtkWidget       *report_status; /* nullable: a label in the open report */

  /* template children */
  GtkStack        *stack;
  AdwStatusPage   *empty_page;
  GtkLabel        *held_label;
  GtkFlowBox      *grid;
  AdwBin          *card_slot;
  AdwPreferencesGroup *reports_group;
  GtkListBox      *reports_list;
};

G_DEFINE_FINAL_TYPE (VeilReviewQueue, veil_review_queue, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_CONTEXT,
  PROP_PROFILE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GtkWidget *
make_tile (gpointer item,
           gpointer user_data)
{
  return veil_alert_tile_new (item);
}

static char *
format_time (gint64 unix_time)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (unix_time);

  /* Translators: when a report was made, see g_date_time_format() */
  char *text = g_date_time_format (when, _("%e %B %Y, %H:%M"));

  /* %e pads a one-digit day with a space. */
  return text != NULL ? g_strchug (text) : NULL;
}

static const char *
kind_label (VeilReport *report)
{
  return veil_report_get_kind (report) == VEIL_REPORT_KIND_HELP_REQUEST ? _("Help request") : _("Report");
}

static GtkWidget *
make_report_row (gpointer item,
                 gpointer user_data)
{
  const VeilReportEntry *entry = veil_report_item_get_entry (item);
  VeilReport *report = entry->report;
  g_autofree char *when = format_time (entry->time);
  /* Translators: a report's row: its kind ("Report", "Help request"), then when it was made */
  g_autofree char *title = g_strdup_printf (_("%s, %s"), kind_label (report), when);
  g_autoptr(GString) subtitle = g_string_new (veil_report_get_source_name (report));
  const char *words = veil_report_get_words (report);

  if (words != NULL)
    {
      g_autofree char *flat = g_strdelimit (g_strdup (words), "\r\n\t", ' ');

      if (g_utf8_strlen (flat, -1) > WORDS_PREVIEW_LENGTH)
        {
          g_autofree char *cut = g_utf8_substring (flat, 0, WORDS_PREVIEW_LENGTH);
          g_string_append_printf (subtitle, " · “%s…”", cut);
        }
      else
        g_string_append_printf (subtitle, " · “%s”", flat);
    }

  return veil_report_row_new (title, subtitle->str);
}

static void
add_detail (GtkWidget  *box,
            const char *heading,
            const char *text)
{
  GtkWidget *h = gtk_label_new (heading);
  GtkWidget *t = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (h), 0);
  gtk_widget_add_css_class (h, "heading");
  gtk_label_set_xalign (GTK_LABEL (t), 0);
  gtk_label_set_wrap (GTK_LABEL (t), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (t), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (t), TRUE);
  gtk_box_append (GTK_BOX (box), h);
  gtk_box_append (GTK_BOX (box), t);
}

/* The whole report, as the guardian would hand it to a hotline, with what can be done. */
static GtkWidget *
make_report_view (VeilReviewQueue *self,
                  VeilReportEntry *entry)
{
  VeilReport *report = entry->report;
  VeilVerdict *verdict = veil_report_get_verdict (report);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *title = gtk_label_new (kind_label (report));
  GtkWidget *notice = gtk_label_new (_("The report holds the picture’s fingerprints, never the picture. Please don’t "
                                       "forward the picture itself to anyone: sharing sexual images of someone under 18 "
                                       "can be a crime, even to show what happened. Give the exported report to a hotline "
                                       "or the police instead."));
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *export_button = gtk_button_new_with_mnemonic (_("_Export…"));
  GtkWidget *delete_button = gtk_button_new_with_mnemonic (_("_Delete"));
  GtkWidget *status = gtk_label_new (NULL);
  g_autoptr(GString) reasons = g_string_new (NULL);
  g_autofree char *when = format_time (entry->time);
  g_autofree char *pdq = veil_report_get_pdq (report);
  const char *who = veil_report_get_reporter (report) == VEIL_REPORTER_CHILD ? _("The child") : _("The guardian");

  for (guint i = 0; i < veil_verdict_get_n_reasons (verdict); i++)
    {
      g_autofree char *sentence = veil_reason_describe (veil_verdict_get_reason (verdict, i));
      g_autofree char *figures = veil_reason_describe_figures (veil_verdict_get_reason (verdict, i));
      g_string_append_printf (reasons, "%s%s (%s)", i > 0 ? "\n" : "", sentence, figures);
    }

  gtk_widget_add_css_class (title, "title-2");
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_box_append (GTK_BOX (box), title);
  add_detail (box, _("Made"), when);
  add_detail (box, _("By"), who);
  add_detail (box, _("Where the picture came from"), veil_report_get_source_name (report));
  if (veil_report_get_sender (report) != NULL)
    add_detail (box, _("Sender"), veil_report_get_sender (report));
  if (veil_report_get_file_name (report) != NULL)
    add_detail (box, _("File name"), veil_report_get_file_name (report));
  add_detail (box, _("Why Veil blurred it"), reasons->str);
  add_detail (box, _("The child’s words"), veil_report_get_words (report) != NULL ? veil_report_get_words (report)
                                                                                 : _("None"));
  if (veil_report_get_sha256 (report) != NULL)
    add_detail (box, _("SHA-256"), veil_report_get_sha256 (report));
  if (pdq != NULL)
    add_detail (box, _("PDQ"), pdq);

  gtk_label_set_wrap (GTK_LABEL (notice), TRUE);
  gtk_label_set_xalign (GTK_LABEL (notice), 0);
  gtk_widget_set_margin_top (notice, 12);
  gtk_widget_add_css_class (notice, "warning");
  gtk_box_append (GTK_BOX (box), notice);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (export_button), "queue.export-report");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (delete_button), "queue.delete-report");
  gtk_accessible_update_property (GTK_ACCESSIBLE (export_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Export the report to a folder"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (delete_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Delete the report"), -1);
  gtk_widget_add_css_class (export_button, "pill");
  gtk_widget_add_css_class (delete_button, "pill");
  gtk_widget_add_css_class (delete_button, "destructive-action");
  gtk_widget_set_halign (buttons, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_top (buttons, 12);
  gtk_box_append (GTK_BOX (buttons), export_button);
  gtk_box_append (GTK_BOX (buttons), delete_button);
  gtk_box_append (GTK_BOX (box), buttons);

  gtk_label_set_wrap (GTK_LABEL (status), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (status), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (status), TRUE);
  gtk_widget_set_visible (status, FALSE);
  gtk_box_append (GTK_BOX (box), status);
  self->report_status = status;

  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  adw_clamp_set_child (ADW_CLAMP (clamp), box);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  return scrolled;
}

static void
show_report_status (VeilReviewQueue *self,
                    const char      *text)
{
  if (self->report_status == NULL)
    return;
  gtk_label_set_text (GTK_LABEL (self->report_status), text);
  gtk_widget_set_visible (self->report_status, TRUE);
}

static void
report_activated_cb (VeilReviewQueue *self,
                     GtkListBoxRow   *row)
{
  veil_review_queue_open_report (self, (guint) gtk_list_box_row_get_index (row));
}

static void
chooser_response_cb (VeilReviewQueue      *self,
                     int                   response,
                     GtkFileChooserNative *chooser)
{
  g_autoptr(GFile) folder = NULL;
  g_autofree char *path = NULL;
  g_autofree char *bundle = NULL;
  g_autoptr(GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_clear_object (&self->chooser);
  if (folder == NULL)
    return;

  path = g_file_get_path (folder);
  if (path == NULL)
    {
      show_report_status (self, _("Choose a folder on this computer."));
      return;
    }
  bundle = veil_review_queue_export_report (self, path, &error);
  if (bundle == NULL)
    show_report_status (self, error->message);
}

static void
export_report_action (GtkWidget  *widget,
                      const char *action,
                      GVariant   *param)
{
  VeilReviewQueue *self = VEIL_REVIEW_QUEUE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);

  if (self->open_report == NULL || self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Export the Report To"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                               _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (chooser_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
delete_report_action (GtkWidget  *widget,
                      const char *action,
                      GVariant   *param)
{
  VeilReviewQueue *self = VEIL_REVIEW_QUEUE (widget);
  g_autoptr(GError) error = NULL;
  VeilGuardian *guardian = self->context != NULL ? veil_context_get_guardian (self->context) : NULL;

  if (self->open_report == NULL || guardian == NULL || !veil_guardian_get_unlocked (guardian))
    return;
  if (self->report_model == NULL ||
      !veil_report_model_remove (VEIL_REPORT_MODEL (self->report_model), self->open_report->id,
                                 VEIL_ACTOR_GUARDIAN, &error))
    {
      show_report_status (self, error->message);
      return;
    }
  adw_bin_set_child (self->card_slot, NULL);
  veil_review_queue_reload (self);
}

static void
card_changed_cb (VeilReviewQueue *self)
{
  /* The card wrote to the store: the grid follows once the alerts are read again. */
  if (self->alert_model != NULL)
    veil_record_model_reload (VEIL_RECORD_MODEL (self->alert_model));
}

static void
child_activated_cb (VeilReviewQueue *self,
                    GtkFlowBoxChild *child)
{
  veil_review_queue_open_alert (self, (guint) gtk_flow_box_child_get_index (child));
}

static void
back_action (GtkWidget  *widget,
             const char *action,
             GVariant   *param)
{
  VeilReviewQueue *self = VEIL_REVIEW_QUEUE (widget);

  adw_bin_set_child (self->card_slot, NULL);
  self->report_status = NULL;
  veil_review_queue_reload (self);
}

static void
unlocked_cb (VeilReviewQueue *self)
{
  veil_review_queue_reload (self);
}

static void
veil_review_queue_constructed (GObject *object)
{
  VeilReviewQueue *self = VEIL_REVIEW_QUEUE (object);

  G_OBJECT_CLASS (veil_review_queue_parent_class)->constructed (object);

  if (self->context != NULL)
    g_signal_connect_object (veil_context_get_guardian (self->context), "notify::unlocked",
                             G_CALLBACK (unlocked_cb), self, G_CONNECT_SWAPPED);
  veil_review_queue_reload (self);
}

static void
veil_review_queue_dispose (GObject *object)
{
  VeilReviewQueue *self = VEIL_REVIEW_QUEUE (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  self->report_status = NULL;
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), VEIL_TYPE_REVIEW_QUEUE);
  g_clear_object (&self->shown);
  g_clear_object (&self->alert_model);
  g_clear_object (&self->report_model);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (veil_review_queue_parent_class)->dispose (object);
}

static void
veil_review_queue_finalize (GObject *object)
{
  VeilReviewQueue *self = VEIL_REVIEW_QUEUE (object);

  g_clear_pointer (&self->profile, veil_profile_unref);
  g_clear_pointer (&self->open_report, veil_report_entry_free);

  G_OBJECT_CLASS (veil_review_queue_parent_class)->finalize (object);
}

static void
veil_review_queue_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  VeilReviewQueue *self = VEIL_REVIEW_QUEUE (object);

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
veil_review_queue_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  VeilReviewQueue *self = VEIL_REVIEW_QUEUE (object);

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
veil_review_queue_class_init (VeilReviewQueueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = veil_review_queue_constructed;
  object_class->dispose = veil_review_queue_dispose;
  object_class->finalize = veil_review_queue_finalize;
  object_class->get_property = veil_review_queue_get_property;
  object_class->set_property = veil_review_queue_set_property;

  properties[PROP_CONTEXT] = g_param_spec_object ("context", NULL, NULL, VEIL_TYPE_CONTEXT, flags);
  properties[PROP_PROFILE] = g_param_spec_boxed ("profile", NULL, NULL, VEIL_TYPE_PROFILE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/veil-review-queue.ui");
  gtk_widget_class_bind_template_child (widget_class, VeilReviewQueue, stack);
  gtk_widget_class_bind_template_child (widget_class, VeilReviewQueue, empty_page);
  gtk_widget_class_bind_template_child (widget_class, VeilReviewQueue, held_label);
  gtk_widget_class_bind_template_child (widget_class, VeilReviewQueue, grid);
  gtk_widget_class_bind_template_child (widget_class, VeilReviewQueue, card_slot);
  gtk_widget_class_bind_template_child (widget_class, VeilReviewQueue, reports_group);
  gtk_widget_class_bind_template_child (widget_class, VeilReviewQueue, reports_list);

  gtk_widget_class_install_action (widget_class, "queue.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "queue.export-report", NULL, export_report_action);
  gtk_widget_class_install_action (widget_class, "queue.delete-report", NULL, delete_report_action);
}

static void
veil_review_queue_init (VeilReviewQueue *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_object (self->grid, "child-activated", G_CALLBACK (child_activated_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->reports_list, "row-activated", G_CALLBACK (report_activated_cb), self, G_CONNECT_SWAPPED);
}

/* --- Public API ----------------------------------------------------------------------------- */

GtkWidget *
veil_review_queue_new (VeilContext *context,
                       VeilProfile *profile)
{
  g_return_val_if_fail (VEIL_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (profile != NULL, NULL);

  return g_object_new (VEIL_TYPE_REVIEW_QUEUE, "context", context, "profile", profile, NULL);
}

/* Held alerts stay out of sight until the threshold; wrong ones are done with. Message
 * warnings reach the guardian only when the profile's rule told the guardian: private ones
 * belong to the child alone. */
static gboolean
is_shown (gpointer item,
          gpointer user_data)
{
  const VeilAlert *alert = veil_alert_item_get_alert (item);

  return g_strcmp0 (alert->state, VEIL_ALERT_STATE_TOLD) == 0 ||
         g_strcmp0 (alert->state, VEIL_ALERT_STATE_DISMISSED) == 0;
}

/* Counted from the loaded items, as the store counts them: held folder-check alerts only. */
static guint
count_held (VeilReviewQueue *self)
{
  return veil_alert_model_count_in_state (VEIL_ALERT_MODEL (self->alert_model), VEIL_ALERT_STATE_HELD);
}

static void
show_page (VeilReviewQueue *self,
           const char      *name)
{
  /* An open card or report stays until the guardian goes back. */
  if (adw_bin_get_child (self->card_slot) == NULL)
    gtk_stack_set_visible_child_name (self->stack, name);
}

/* Follows the models: the held count, the reports group and which page shows. */
static void
update_status (VeilReviewQueue *self)
{
  const GError *error;
  guint held, n_shown, n_reports;

  if (!self->bound || !veil_record_model_get_loaded (VEIL_RECORD_MODEL (self->alert_model)) ||
      !veil_record_model_get_loaded (VEIL_RECORD_MODEL (self->report_model)))
    return;

  error = veil_record_model_get_error (VEIL_RECORD_MODEL (self->alert_model));
  if (error != NULL)
    {
      adw_status_page_set_description (self->empty_page, error->message);
      show_page (self, "empty");
      return;
    }

  n_shown = g_list_model_get_n_items (G_LIST_MODEL (self->shown));
  n_reports = g_list_model_get_n_items (self->report_model);
  gtk_widget_set_visible (GTK_WIDGET (self->reports_group), n_reports > 0);

  held = count_held (self);
  if (held > 0)
    {
      /* Translators: %u alerts are held; %u is the profile's match threshold */
      g_autofree char *text = g_strdup_printf (ngettext ("%u alert is held until %u distinct matches are found.",
                                                         "%u alerts are held until %u distinct matches are found.", held),
                                               held, veil_profile_get_match_threshold (self->profile));
      gtk_label_set_text (self->held_label, text);
      adw_status_page_set_description (self->empty_page, text);
    }
  else
    {
      gtk_label_set_text (self->held_label, "");
      adw_status_page_set_description (self->empty_page, _("Folder checks found nothing to show you."));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->held_label), held > 0);
  show_page (self, n_shown > 0 || n_reports > 0 ? "grid" : "empty");
}

/* Takes the context's models of the profile's alerts and reports, once. */
static gboolean
ensure_models (VeilReviewQueue *self)
{
  gint64 profile_id = veil_profile_get_id (self->profile);
  GListModel *alerts;
  GListModel *reports;

  if (self->alert_model != NULL)
    return TRUE;
  alerts = veil_context_get_alert_model (self->context, profile_id);
  reports = veil_context_get_report_model (self->context, profile_id);
  if (alerts == NULL || reports == NULL)
    return FALSE;

  self->alert_model = g_object_ref (alerts);
  self->report_model = g_object_ref (reports);
  self->shown = gtk_filter_list_model_new (g_object_ref (alerts),
                                           GTK_FILTER (gtk_custom_filter_new (is_shown, NULL, NULL)));
  /* After the filter model's own handler, so that the grid's count is up to date. */
  g_signal_connect_object (alerts, "items-changed", G_CALLBACK (update_status), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (alerts, "notify::loaded", G_CALLBACK (update_status), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (reports, "items-changed", G_CALLBACK (update_status), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (reports, "notify::loaded", G_CALLBACK (update_status), self, G_CONNECT_SWAPPED);
  return TRUE;
}

static void
bind_models (VeilReviewQueue *self,
             gboolean         bind)
{
  if (self->bound == bind)
    return;
  gtk_flow_box_bind_model (self->grid, bind ? G_LIST_MODEL (self->shown) : NULL,
                           bind ? make_tile : NULL, NULL, NULL);
  gtk_list_box_bind_model (self->reports_list, bind ? self->report_model : NULL,
                           bind ? make_report_row : NULL, NULL, NULL);
  self->bound = bind;
}

/**
 * veil_review_queue_reload:
 *
 * Reads the alerts again (after a scan, or when the guardian area is unlocked or locked).
 * The reading happens in the background: the grid and the list follow the context's models.
 */
void
veil_review_queue_reload (VeilReviewQueue *self)
{
  VeilGuardian *guardian;

  g_return_if_fail (VEIL_IS_REVIEW_QUEUE (self));

  g_clear_pointer (&self->open_report, veil_report_entry_free);

  guardian = self->context != NULL ? veil_context_get_guardian (self->context) : NULL;
  if (guardian == NULL || self->profile == NULL || !veil_guardian_get_unlocked (guardian))
    {
      bind_models (self, FALSE);
      gtk_stack_set_visible_child_name (self->stack, "locked");
      return;
    }
  if (!ensure_models (self))
    {
      bind_models (self, FALSE);
      adw_status_page_set_description (self->empty_page, _("Folder checks found nothing to show you."));
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  bind_models (self, TRUE);
  veil_record_model_reload (VEIL_RECORD_MODEL (self->alert_model));
  veil_record_model_reload (VEIL_RECORD_MODEL (self->report_model));
  update_status (self);
}

/* Returns: how many alerts the grid shows */
guint
veil_review_queue_get_n_shown (VeilReviewQueue *self)
{
  g_return_val_if_fail (VEIL_IS_REVIEW_QUEUE (self), 0);
  return self->bound ? g_list_model_get_n_items (G_LIST_MODEL (self->shown)) : 0;
}

/**
 * veil_review_queue_open_alert:
 * @index: a tile of the grid
 *
 * Opens the explanation card of an alert (what clicking its tile does).
 *
 * Returns: %TRUE if there is such an alert
 */
gboolean
veil_review_queue_open_alert (VeilReviewQueue *self,
                              guint            index)
{
  g_autoptr(VeilAlertItem) item = NULL;
  GtkWidget *card;

  g_return_val_if_fail (VEIL_IS_REVIEW_QUEUE (self), FALSE);

  if (self->bound)
    item = g_list_model_get_item (G_LIST_MODEL (self->shown), index);
  if (item == NULL)
    return FALSE;
  card = veil_alert_card_new (self->context, self->profile, veil_alert_item_get_alert (item),
                              veil_alert_item_get_thumbnail (item));
  g_signal_connect_object (card, "changed", G_CALLBACK (card_changed_cb), self, G_CONNECT_SWAPPED);
  adw_bin_set_child (self->card_slot, card);
  gtk_stack_set_visible_child_name (self->stack, "card");
  return TRUE;
}

/* Returns: how many reports and help requests the list shows */
guint
veil_review_queue_get_n_reports (VeilReviewQueue *self)
{
  g_return_val_if_fail (VEIL_IS_REVIEW_QUEUE (self), 0);
  return self->bound ? g_list_model_get_n_items (self->report_model) : 0;
}

/**
 * veil_review_queue_open_report:
 * @index: a row of the reports list
 *
 * Shows the whole report with "Export…" and "Delete" (what clicking its row does).
 *
 * Returns: %TRUE if there is such a report
 */
gboolean
veil_review_queue_open_report (VeilReviewQueue *self,
                               guint            index)
{
  g_autoptr(VeilReportItem) item = NULL;

  g_return_val_if_fail (VEIL_IS_REVIEW_QUEUE (self), FALSE);

  if (self->bound)
    item = g_list_model_get_item (self->report_model, index);
  if (item == NULL)
    return FALSE;
  g_clear_pointer (&self->open_report, veil_report_entry_free);
  self->open_report = veil_report_entry_copy (veil_report_item_get_entry (item));
  adw_bin_set_child (self->card_slot, make_report_view (self, self->open_report));
  gtk_stack_set_visible_child_name (self->stack, "card");
  return TRUE;
}

/**
 * veil_review_queue_export_report:
 * @folder: where to put the bundle
 * @error: return location for a #VeilReportError
 *
 * Exports the open report into @folder, without the picture, and notes it in the audit log
 * (what "Export…" does once a folder is chosen).
 *
 * Returns: (transfer full): the bundle's path, or %NULL
 */
char *
veil_review_queue_export_report (VeilReviewQueue  *self,
                                 const char       *folder,
                                 GError          **error)
{
  g_autofree char *bundle = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *done = NULL;
  VeilGuardian *guardian;

  g_return_val_if_fail (VEIL_IS_REVIEW_QUEUE (self), NULL);
  g_return_val_if_fail (folder != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  guardian = self->context != NULL ? veil_context_get_guardian (self->context) : NULL;
  if (self->open_report == NULL || guardian == NULL || !veil_guardian_get_unlocked (guardian))
    {
      g_set_error_literal (error, VEIL_REPORT_ERROR, VEIL_REPORT_ERROR_EXPORT,
                           _("Unlock the guardian area with the PIN and open a report first."));
      return NULL;
    }

  /* The picture is never part of a bundle made here. */
  bundle = veil_report_export (self->open_report->report, folder, VEIL_REPORT_EXPORT_NONE, NULL, error);
  if (bundle == NULL)
    return NULL;

  detail = g_strdup_printf ("#%" G_GINT64_FORMAT, self->open_report->id);
  if (!veil_store_add_audit (veil_context_get_store (self->context), self->open_report->profile_id,
                             VEIL_ACTOR_GUARDIAN, "report-exported", detail, error))
    return NULL;

  /* Translators: %s is the folder the report was written to */
  done = g_strdup_printf (_("The report was saved in %s. It does not contain the picture."), bundle);
  show_report_status (self, done);
  return g_steal_pointer (&bundle);
}

/**
 * veil_review_queue_go_back:
 *
 * Closes the open alert card or report and shows the grid again (what the window's Back
 * button does here).
 *
 * Returns: %TRUE if a card or report was open
 */
gboolean
veil_review_queue_go_back (VeilReviewQueue *self)
{
  g_return_val_if_fail (VEIL_IS_REVIEW_QUEUE (self), FALSE);

  if (adw_bin_get_child (self->card_slot) == NULL)
    return FALSE;
  gtk_widget_activate_action (GTK_WIDGET (self), "queue.back", NULL);
  return TRUE;
}
