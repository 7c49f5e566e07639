/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-alert-view"

#include "config.h"

#include <glib/gi18n.h>

#include "veil-alert-view.h"
#include "veil-blurred-picture.h"

/* What a child sees when Veil blurred a picture that arrived in a watched folder: the picture
 * under a strong blur, a kind explanation that puts no blame on the child, the reason in one
 * line, where it came from and who (if anyone) can see this warning, and five choices. The
 * sharp pixels exist only in a GdkMemoryTexture made for this view; nothing is written
 * anywhere, reports hold checksums only, and no link is opened except by the child's click. */

struct _VeilAlertView
{
  AdwBin                parent_instance;

  /* construct-only, owned */
  VeilContext          *context;
  VeilProfile          *profile;
  gint64                alert_id;

  /* owned */
  VeilStore            *store;
  VeilAlert            *alert;
  GCancellable         *cancellable;
  VeilAlertViewPicture  picture_kind;
  gboolean              busy;           /* a report or a PIN check is running */

  /* the dialog open now (it owns itself) and the entries inside it */
  AdwMessageDialog     *dialog;
  GtkTextView          *words_view;
  GtkEditable          *pin_entry;

  /* template children */
  AdwToastOverlay      *toasts;
  VeilBlurredPicture   *picture;
  GtkLabel             *title_label;
  GtkLabel             *explanation_label;
  GtkLabel             *reason_label;
  GtkLabel             *source_label;
  GtkLabel             *told_label;
  GtkButton            *dont_view_button;
  GtkButton            *view_button;
};

G_DEFINE_FINAL_TYPE (VeilAlertView, veil_alert_view, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_CONTEXT,
  PROP_PROFILE,
  PROP_ALERT_ID,
  N_PROPS
};

enum {
  DONE,
  OPEN_LINK,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const char * const choice_actions[] = {
  "alert.dont-view", "alert.view", "alert.tell", "alert.report", "alert.get-help",
};

/* --- helpers -------------------------------------------------------------------------------- */

static void
toast (VeilAlertView *self,
       const char    *text)
{
  AdwToast *t = adw_toast_new (text);

  /* Messages for a child stay until they have been read. */
  adw_toast_set_timeout (t, 0);
  adw_toast_overlay_add_toast (self->toasts, t);
}

/* Under 13, or an age the guardian did not give: the simpler words and the stricter rule. */
static gboolean
is_young (VeilAlertView *self)
{
  VeilAgeBand band = self->profile != NULL ? veil_profile_get_effective_age_band (self->profile)
                                           : VEIL_AGE_BAND_UNKNOWN;

  return band == VEIL_AGE_BAND_UNDER_13 || band == VEIL_AGE_BAND_UNKNOWN;
}

static GtkWindow *
get_window (VeilAlertView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static VeilStore *
get_store (VeilAlertView *self)
{
  return self->context != NULL ? veil_context_get_store (self->context) : NULL;
}

static void
add_audit (VeilAlertView *self,
           const char    *kind,
           const char    *detail)
{
  g_autoptr(GError) error = NULL;

  if (get_store (self) == NULL || self->alert == NULL)
    return;
  if (!veil_store_add_audit (get_store (self), self->alert->profile_id, VEIL_ACTOR_CHILD, kind, detail, &error))
    toast (self, error->message);
}

static void
set_choices_enabled (VeilAlertView *self,
                     gboolean       enabled)
{
  /* Leaving is always possible, even while the picture loads. */
  for (guint i = 0; i < G_N_ELEMENTS (choice_actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), choice_actions[i],
                                   enabled || g_str_equal (choice_actions[i], "alert.dont-view"));
  /* Viewing needs the picture itself; the stored thumbnail is blurred for good. */
  if (enabled && self->picture_kind != VEIL_ALERT_VIEW_PICTURE_FILE)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), "alert.view", FALSE);
}

/* Where the picture came from, for people: the watched folder or app, else its folder. */
static char *
get_source_name (VeilAlert *alert)
{
  g_autofree char *dir = NULL;

  if (alert->folder != NULL && *alert->folder != '\0')
    return g_strdup (alert->folder);
  dir = g_path_get_dirname (alert->path);
  return g_path_get_basename (dir);
}

static char *
describe_reason (VeilAlert *alert)
{
  VeilReason *reason;

  if (veil_verdict_get_n_reasons (alert->verdict) == 0)
    return g_strdup (_("Veil noticed this picture."));

  reason = veil_verdict_get_reason (alert->verdict, 0);
  switch (veil_reason_get_signal (reason))
    {
    case VEIL_SIGNAL_CLASSIFIER:
      /* Translators: how sure the picture checker was, then from where it warns, in percent */
      return g_strdup_printf (_("Veil’s picture checker was %d%% sure; it warns from %d%%."),
                              (int) (veil_reason_get_figure (reason) * 100.0 + 0.5),
                              (int) (veil_reason_get_threshold (reason) * 100.0 + 0.5));
    case VEIL_SIGNAL_HASH_LIST:
      /* Translators: %s is the name of a list of pictures the guardian added */
      return g_strdup_printf (_("It matches a picture on the list “%s”."), veil_reason_get_source_name (reason));
    case VEIL_SIGNAL_PROTECTED_IMAGE:
      return g_strdup (_("It looks like one of the pictures you asked Veil to protect."));
    default:
      return g_strdup (_("Veil noticed this picture."));
    }
}

static void
show_problem (VeilAlertView *self,
              const char    *title,
              const char    *message)
{
  gtk_label_set_text (self->title_label, title);
  gtk_label_set_text (self->explanation_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->reason_label), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->source_label), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->told_label), FALSE);
  set_choices_enabled (self, FALSE);
}

static void
fill_labels (VeilAlertView *self)
{
  g_autofree char *reason = describe_reason (self->alert);
  g_autofree char *source_name = get_source_name (self->alert);
  g_autofree char *source = NULL;
  const char *told;

  if (is_young (self))
    gtk_label_set_text (self->explanation_label,
                        _("This picture might show private parts of a body. You did nothing wrong. "
                          "Veil covered it so you can choose what to do."));
  else
    gtk_label_set_text (self->explanation_label,
                        _("This picture may show nudity. It’s not your fault: Veil blurred it so you can decide."));

  /* Translators: %s is a folder such as Downloads, or the app a picture came from */
  source = g_strdup_printf (_("It arrived in %s."), source_name);
  if (g_strcmp0 (self->alert->state, VEIL_ALERT_STATE_TOLD) == 0)
    told = _("Your guardian can see this warning, as you were told when this protection was turned on.");
  else
    told = _("Nobody else sees this warning.");

  gtk_label_set_text (self->reason_label, reason);
  gtk_label_set_text (self->source_label, source);
  gtk_label_set_text (self->told_label, told);
}

/* --- the picture ---------------------------------------------------------------------------- */

typedef struct {
  char   *paths[2];     /* where Veil hides it, then where it arrived; either may be NULL */
  GBytes *rgb;          /* result: display-size RGB, EXIF orientation applied */
  guint   width;
  guint   height;
} DecodeData;

static void
decode_data_free (DecodeData *data)
{
  g_free (data->paths[0]);
  g_free (data->paths[1]);
  g_clear_pointer (&data->rgb, g_bytes_unref);
  g_free (data);
}

static void
decode_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  DecodeData *data = task_data;
  g_autoptr(GError) error = NULL;
  VeilImageLimits limits;

  veil_image_limits_init_default (&limits);
  for (guint i = 0; i < G_N_ELEMENTS (data->paths); i++)
    {
      g_autoptr(VeilImage) image = NULL;
      const guint8 *rgb;

      if (data->paths[i] == NULL)
        continue;
      g_clear_error (&error);
      image = veil_image_load_file (data->paths[i], VEIL_IMAGE_NEED_THUMBNAIL, &limits, cancellable, &error);
      if (image == NULL)
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            break;
          continue;
        }
      rgb = veil_image_get_thumbnail (image, &data->width, &data->height);
      data->rgb = g_bytes_new (rgb, (gsize) data->width * data->height * 3);
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (error == NULL)
    g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("The picture is no longer on this computer."));
  g_task_return_error (task, g_steal_pointer (&error));
}

static void
show_stored_thumbnail (VeilAlertView *self)
{
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  if (self->store != NULL)
    png = veil_store_get_thumbnail (self->store, self->alert->id, NULL);
  if (png != NULL)
    texture = gdk_texture_new_from_bytes (png, NULL);

  veil_blurred_picture_set_paintable (self->picture, GDK_PAINTABLE (texture));
  self->picture_kind = texture != NULL ? VEIL_ALERT_VIEW_PICTURE_THUMBNAIL : VEIL_ALERT_VIEW_PICTURE_NONE;
}

static void
decoded_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  VeilAlertView *self = VEIL_ALERT_VIEW (source);
  DecodeData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_autofree char *source_name = get_source_name (self->alert);
      g_autofree char *gone = NULL;

      g_debug ("Showing the stored thumbnail: %s", error->message);
      show_stored_thumbnail (self);
      /* Translators: %s is a folder such as Downloads, or the app a picture came from */
      gone = g_strdup_printf (_("It arrived in %s, but it is no longer there. Only a blurred preview is left."),
                              source_name);
      gtk_label_set_text (self->source_label, gone);
      set_choices_enabled (self, TRUE);
      return;
    }

  /* Only in memory: a texture is never written to a cache or a file. */
  texture = gdk_memory_texture_new ((int) data->width, (int) data->height, GDK_MEMORY_R8G8B8,
                                    data->rgb, (gsize) data->width * 3);
  veil_blurred_picture_set_paintable (self->picture, GDK_PAINTABLE (texture));
  self->picture_kind = VEIL_ALERT_VIEW_PICTURE_FILE;
  set_choices_enabled (self, TRUE);
}

static void
load_picture (VeilAlertView *self)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, decoded_cb, NULL);
  DecodeData *data = g_new0 (DecodeData, 1);

  data->paths[0] = g_strdup (self->alert->hidden_path);
  data->paths[1] = g_strdup (self->alert->path);
  g_task_set_source_tag (task, load_picture);
  g_task_set_task_data (task, data, (GDestroyNotify) decode_data_free);
  g_task_run_in_thread (task, decode_thread);
}

static void
load_alert (VeilAlertView *self)
{
  g_autoptr(GError) error = NULL;
  VeilStore *store = get_store (self);

  set_choices_enabled (self, FALSE);
  if (store == NULL || self->alert_id <= 0)
    {
      show_problem (self, _("No Warning to Show"), _("Veil has no warning to show here."));
      return;
    }

  g_set_object (&self->store, store);
  self->alert = veil_store_get_alert (self->store, self->alert_id, &error);
  if (self->alert == NULL)
    {
      show_problem (self, _("This Warning Is Gone"), error->message);
      return;
    }

  /* A warning is for the child it was made for, nobody else. */
  if (self->profile == NULL || veil_profile_get_id (self->profile) != self->alert->profile_id)
    {
      g_clear_pointer (&self->alert, veil_alert_free);
      show_problem (self, _("This Warning Is for Someone Else"),
                    _("Only the person it was made for can open this warning."));
      return;
    }

  fill_labels (self);
  load_picture (self);
}

/* --- viewing -------------------------------------------------------------------------------- */

static void
set_revealed (VeilAlertView *self,
              gboolean       revealed)
{
  veil_blurred_picture_set_revealed (self->picture, revealed);
  gtk_button_set_label (self->view_button, revealed ? _("_Blur Again") : _("_View Anyway"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->view_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  revealed ? _("Blur the picture again") : _("View the picture anyway"), -1);
}

static void
reveal (VeilAlertView *self,
        const char    *how)
{
  /* Logged before anything is shown. */
  add_audit (self, "warning-viewed", how);
  set_revealed (self, TRUE);
}

static void
dialog_destroyed_cb (VeilAlertView *self,
                     GtkWidget     *dialog)
{
  if ((GtkWidget *) self->dialog == dialog)
    {
      self->dialog = NULL;
      self->words_view = NULL;
      self->pin_entry = NULL;
    }
}

static GtkWidget *
new_boxed_list (void)
{
  GtkWidget *list = gtk_list_box_new ();

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  return list;
}

static AdwMessageDialog *
new_dialog (VeilAlertView *self,
            const char    *heading,
            const char    *body)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (get_window (self), heading, body));

  if (self->dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->dialog));
  self->dialog = dialog;
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  g_signal_connect_object (dialog, "destroy", G_CALLBACK (dialog_destroyed_cb), self, G_CONNECT_SWAPPED);
  return dialog;
}

static void
confirm_response_cb (VeilAlertView *self,
                     const char    *response)
{
  if (g_str_equal (response, "view"))
    reveal (self, "confirmed");
}

static void
ask_confirmation (VeilAlertView *self)
{
  AdwMessageDialog *dialog;

  dialog = new_dialog (self, _("View the Picture?"),
                       is_young (self)
                       ? _("It might be upsetting. You can blur it again at any time.")
                       : _("It may show something you don’t want to see. You can blur it again at any time, "
                           "and whatever it shows, it is not your fault."));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Don’t View"),
                                    "view", _("_View"),
                                    NULL);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (confirm_response_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void ask_pin (VeilAlertView *self,
                     const char    *problem);

static void
pin_checked_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(VeilAlertView) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!veil_guardian_unlock_finish (VEIL_GUARDIAN (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      self->busy = FALSE;
      ask_pin (self, error->message);
      return;
    }

  self->busy = FALSE;
  /* The PIN was for this picture only: guardian settings stay closed. */
  veil_guardian_lock (VEIL_GUARDIAN (source));
  reveal (self, "guardian-pin");
}

static void
pin_response_cb (VeilAlertView *self,
                 const char    *response)
{
  VeilGuardian *guardian = veil_context_get_guardian (self->context);
  g_autofree char *pin = NULL;

  if (!g_str_equal (response, "unlock") || self->pin_entry == NULL || guardian == NULL)
    return;

  pin = g_strdup (gtk_editable_get_text (self->pin_entry));
  gtk_editable_set_text (self->pin_entry, "");
  if (*pin == '\0')
    {
      ask_pin (self, _("Enter the guardian PIN."));
      return;
    }
  self->busy = TRUE;
  veil_guardian_unlock_async (guardian, pin, self->cancellable, pin_checked_cb, g_object_ref (self));
}

static void
pin_activated_cb (VeilAlertView *self)
{
  if (self->dialog != NULL)
    adw_message_dialog_response (self->dialog, "unlock");
}

static void
ask_pin (VeilAlertView *self,
         const char    *problem)
{
  AdwMessageDialog *dialog;
  GtkWidget *list = new_boxed_list ();
  GtkWidget *row = adw_password_entry_row_new ();
  g_autofree char *body = NULL;
  const char *ask = _("A guardian needs to type the PIN before this picture is shown. You can also choose "
                      "not to view it.");

  body = problem != NULL ? g_strdup_printf ("%s\n\n%s", problem, ask) : g_strdup (ask);
  dialog = new_dialog (self, _("Ask Your Guardian"), body);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Guardian PIN"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Guardian PIN"), -1);
  g_signal_connect_object (row, "entry-activated", G_CALLBACK (pin_activated_cb), self, G_CONNECT_SWAPPED);
  gtk_list_box_append (GTK_LIST_BOX (list), row);
  adw_message_dialog_set_extra_child (dialog, list);
  self->pin_entry = GTK_EDITABLE (row);

  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Don’t View"),
                                    "unlock", _("_Show Picture"),
                                    NULL);
  adw_message_dialog_set_default_response (dialog, "unlock");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (pin_response_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (row);
}

/* --- reports and help requests -------------------------------------------------------------- */

static VeilReportBuilder *
new_report_builder (VeilAlertView  *self,
                    VeilReportKind  kind)
{
  VeilReportBuilder *builder = veil_report_builder_new ();
  g_autofree char *source_name = get_source_name (self->alert);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  veil_report_builder_set_kind (builder, kind);
  veil_report_builder_set_time (builder, now);
  veil_report_builder_set_reporter (builder, VEIL_REPORTER_CHILD);
  veil_report_builder_set_source (builder, VEIL_REPORT_SOURCE_FOLDER, source_name);
  veil_report_builder_set_verdict (builder, self->alert->verdict);
  veil_report_builder_set_file_name (builder, self->alert->path);
  return builder;
}

static gboolean
store_report (VeilAlertView     *self,
              VeilReportBuilder *builder)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilReport) report = veil_report_builder_build (builder, &error);

  if (report == NULL || veil_store_add_report (get_store (self), self->profile, report, VEIL_ACTOR_CHILD, &error) == 0)
    {
      toast (self, error->message);
      return FALSE;
    }
  return TRUE;
}

static void
tell_response_cb (VeilAlertView *self,
                  const char    *response)
{
  g_autoptr(VeilReportBuilder) builder = NULL;

  if (!g_str_equal (response, "ask"))
    return;

  builder = new_report_builder (self, VEIL_REPORT_KIND_HELP_REQUEST);
  if (store_report (self, builder))
    toast (self, _("Your guardian will see that you asked for help. They will not see the picture unless you show them."));
}

static void
show_trusted_adults (VeilAlertView *self)
{
  guint n = veil_profile_get_n_trusted_adults (self->profile);
  g_autofree char *intro = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *list;

  dialog = new_dialog (self, _("Tell a Trusted Adult"),
                       n > 0
                       ? _("Talking to someone you trust can help. It’s not your fault. You could tell:")
                       : _("Talking to someone you trust can help, like a parent, a teacher or another adult you "
                           "know well. It’s not your fault."));
  if (n > 0)
    {
      list = new_boxed_list ();
      for (guint i = 0; i < n; i++)
        {
          const char *name = NULL, *contact = NULL;
          GtkWidget *row = adw_action_row_new ();

          veil_profile_get_trusted_adult (self->profile, i, &name, &contact);
          adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
          if (contact != NULL && *contact != '\0')
            adw_action_row_set_subtitle (ADW_ACTION_ROW (row), contact);
          adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
          gtk_list_box_append (GTK_LIST_BOX (list), row);
        }
      adw_message_dialog_set_extra_child (dialog, list);
    }

  /* Asking through Veil tells the guardian: say so before the child agrees. */
  intro = g_strdup (adw_message_dialog_get_body (dialog));
  adw_message_dialog_format_body (dialog, "%s\n\n%s", intro,
                                  _("If you ask for help in Veil, your guardian sees that you asked and why Veil "
                                    "blurred the picture. They don’t see the picture."));
  adw_message_dialog_add_responses (dialog,
                                    "close", _("_Not Now"),
                                    "ask", _("_Ask for Help in Veil"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "ask", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "close");
  adw_message_dialog_set_close_response (dialog, "close");
  g_signal_connect_object (dialog, "response", G_CALLBACK (tell_response_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
checksum_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  VeilReportBuilder *builder = task_data;
  VeilAlert *alert = g_object_get_data (G_OBJECT (task), "veil-alert");
  g_autoptr(GError) error = NULL;
  const char *paths[] = { alert->hidden_path, alert->path };

  /* Read in place, never copied: the report keeps only the fingerprint. */
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(GFile) file = NULL;

      if (paths[i] == NULL)
        continue;
      g_clear_error (&error);
      file = g_file_new_for_path (paths[i]);
      if (veil_report_builder_checksum_file (builder, file, cancellable, &error))
        {
          /* The name it arrived with, not the one Veil hides it under. */
          veil_report_builder_set_file_name (builder, alert->path);
          g_task_return_boolean (task, TRUE);
          return;
        }
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        break;
    }
  g_task_return_error (task, g_steal_pointer (&error));
}

static void
checksummed_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  VeilAlertView *self = VEIL_ALERT_VIEW (source);
  VeilReportBuilder *builder = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      self->busy = FALSE;
      toast (self, error->message);
      return;
    }

  self->busy = FALSE;
  if (store_report (self, builder))
    toast (self, _("Your report is saved in Veil. Nothing was sent anywhere."));
}

static void
report_response_cb (VeilAlertView *self,
                    const char    *response)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *words = NULL;
  VeilReportBuilder *builder;
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  if (!g_str_equal (response, "report") || self->words_view == NULL || self->busy)
    return;

  buffer = gtk_text_view_get_buffer (self->words_view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  words = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);

  builder = new_report_builder (self, VEIL_REPORT_KIND_REPORT);
  veil_report_builder_set_words (builder, words);
  self->busy = TRUE;
  task = g_task_new (self, self->cancellable, checksummed_cb, NULL);
  g_task_set_source_tag (task, report_response_cb);
  g_task_set_task_data (task, builder, (GDestroyNotify) veil_report_builder_unref);
  g_object_set_data_full (G_OBJECT (task), "veil-alert", veil_alert_copy (self->alert), (GDestroyNotify) veil_alert_free);
  g_task_run_in_thread (task, checksum_thread);
}

static void
show_report_dialog (VeilAlertView *self)
{
  AdwMessageDialog *dialog;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *label = gtk_label_new_with_mnemonic (_("_Your words (you can leave this empty)"));
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *words = gtk_text_view_new ();

  dialog = new_dialog (self, _("Report This Picture"),
                       _("Veil keeps the report on this computer, with where the picture came from and its "
                         "fingerprint, never the picture itself. Nothing is sent anywhere.\n\n"
                         "Please don’t forward the picture to anyone, not even to show what happened: that "
                         "can be against the law. A guardian can give the report to a hotline, which can "
                         "recognise the picture by its fingerprint."));

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), words);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (words), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (words), FALSE);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (words), 6);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (words), 6);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (words), 6);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (words), 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (words), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Your words about the picture"), -1);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), words);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_size_request (scrolled, -1, 96);
  gtk_widget_add_css_class (scrolled, "card");
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), scrolled);
  adw_message_dialog_set_extra_child (dialog, box);
  self->words_view = GTK_TEXT_VIEW (words);

  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "report", _("_Save Report"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "report", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "report");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (report_response_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* --- help ----------------------------------------------------------------------------------- */

static void
load_help_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  g_autofree char *path = veil_help_resources_find_file ();
  g_autoptr(GError) error = NULL;
  GPtrArray *resources;

  if (path == NULL)
    {
      g_task_return_new_error (task, VEIL_HELP_RESOURCES_ERROR, VEIL_HELP_RESOURCES_ERROR_UNREADABLE,
                               _("Veil’s list of helplines is missing. Reinstalling Veil brings it back."));
      return;
    }
  resources = veil_help_resources_load (path, g_get_language_names (), &error);
  if (resources == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, resources, (GDestroyNotify) g_ptr_array_unref);
}

static void
link_clicked_cb (GtkButton     *button,
                 VeilAlertView *self)
{
  g_signal_emit (self, signals[OPEN_LINK], 0, g_object_get_data (G_OBJECT (button), "veil-url"));
}

static GtkWidget *
new_help_row (VeilAlertView          *self,
              const VeilHelpResource *r)
{
  GtkWidget *row = adw_action_row_new ();
  g_autoptr(GString) subtitle = g_string_new (r->description);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), r->name);
  if (r->phone != NULL)
    /* Translators: a helpline's phone number */
    g_string_append_printf (subtitle, "%s%s", subtitle->len > 0 ? "\n" : "", r->phone);
  if (r->sms != NULL)
    /* Translators: how to reach a helpline by text message */
    g_string_append_printf (subtitle, _("%sText: %s"), subtitle->len > 0 ? "\n" : "", r->sms);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);

  if (r->url != NULL)
    {
      GtkWidget *button = gtk_button_new_with_mnemonic (_("_Open"));
      /* Translators: accessible label of the button opening the website of %s */
      g_autofree char *label = g_strdup_printf (_("Open the website of %s"), r->name);

      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      g_object_set_data_full (G_OBJECT (button), "veil-url", g_strdup (r->url), g_free);
      g_signal_connect_object (button, "clicked", G_CALLBACK (link_clicked_cb), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }
  return row;
}

static void
help_loaded_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  VeilAlertView *self = VEIL_ALERT_VIEW (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = g_task_propagate_pointer (G_TASK (result), &error);
  g_autoptr(GPtrArray) chosen = NULL;
  g_autofree char *country = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *list, *scrolled;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->busy = FALSE;
  if (all == NULL)
    {
      toast (self, error->message);
      return;
    }

  country = veil_help_resources_get_country ();
  chosen = veil_help_resources_select (all, country,
                                       is_young (self) ? VEIL_HELP_AUDIENCE_CHILD : VEIL_HELP_AUDIENCE_TEEN);
  dialog = new_dialog (self, _("Get Help"),
                       _("You’re not alone. These people help young people with things like this. Nothing "
                         "opens until you choose it."));
  list = new_boxed_list ();
  for (guint i = 0; i < chosen->len; i++)
    gtk_list_box_append (GTK_LIST_BOX (list), new_help_row (self, g_ptr_array_index (chosen, i)));
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 320);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), list);
  adw_message_dialog_set_extra_child (dialog, scrolled);
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  adw_message_dialog_set_default_response (dialog, "close");
  adw_message_dialog_set_close_response (dialog, "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
open_link_default (VeilAlertView *self,
                   const char    *url)
{
  /* Only ever on the child's own click. */
  gtk_show_uri (get_window (self), url, GDK_CURRENT_TIME);
}

/* --- actions -------------------------------------------------------------------------------- */

static void
dont_view_action (GtkWidget  *widget,
                  const char *action,
                  GVariant   *param)
{
  VeilAlertView *self = VEIL_ALERT_VIEW (widget);

  if (veil_blurred_picture_get_revealed (self->picture))
    set_revealed (self, FALSE);
  else
    add_audit (self, "warning-not-viewed", "");
  g_signal_emit (self, signals[DONE], 0);
}

static void
view_action (GtkWidget  *widget,
             const char *action,
             GVariant   *param)
{
  VeilAlertView *self = VEIL_ALERT_VIEW (widget);

  if (self->busy)
    return;
  if (veil_blurred_picture_get_revealed (self->picture))
    {
      set_revealed (self, FALSE);
      return;
    }

  if (is_young (self) && veil_profile_get_view_needs_pin (self->profile))
    ask_pin (self, NULL);
  else
    ask_confirmation (self);
}

static void
tell_action (GtkWidget  *widget,
             const char *action,
             GVariant   *param)
{
  show_trusted_adults (VEIL_ALERT_VIEW (widget));
}

static void
report_action (GtkWidget  *widget,
               const char *action,
               GVariant   *param)
{
  VeilAlertView *self = VEIL_ALERT_VIEW (widget);

  if (!self->busy)
    show_report_dialog (self);
}

static void
get_help_action (GtkWidget  *widget,
                 const char *action,
                 GVariant   *param)
{
  VeilAlertView *self = VEIL_ALERT_VIEW (widget);
  g_autoptr(GTask) task = NULL;

  if (self->busy)
    return;
  self->busy = TRUE;
  task = g_task_new (self, self->cancellable, help_loaded_cb, NULL);
  g_task_set_source_tag (task, get_help_action);
  g_task_run_in_thread (task, load_help_thread);
}

/* --- GObject -------------------------------------------------------------------------------- */

static void
map_cb (VeilAlertView *self)
{
  GtkWindow *window = get_window (self);

  /* "Don't view" is what Enter does. */
  if (window != NULL)
    gtk_window_set_default_widget (window, GTK_WIDGET (self->dont_view_button));
  gtk_widget_grab_focus (GTK_WIDGET (self->dont_view_button));
}

static void
unmap_cb (VeilAlertView *self)
{
  GtkWindow *window = get_window (self);

  if (window != NULL && gtk_window_get_default_widget (window) == GTK_WIDGET (self->dont_view_button))
    gtk_window_set_default_widget (window, NULL);
}

static void
veil_alert_view_constructed (GObject *object)
{
  VeilAlertView *self = VEIL_ALERT_VIEW (object);

  G_OBJECT_CLASS (veil_alert_view_parent_class)->constructed (object);
  load_alert (self);
}

static void
veil_alert_view_dispose (GObject *object)
{
  VeilAlertView *self = VEIL_ALERT_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->dialog));
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), VEIL_TYPE_ALERT_VIEW);
  g_clear_object (&self->store);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (veil_alert_view_parent_class)->dispose (object);
}

static void
veil_alert_view_finalize (GObject *object)
{
  VeilAlertView *self = VEIL_ALERT_VIEW (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->profile, veil_profile_unref);
  g_clear_pointer (&self->alert, veil_alert_free);

  G_OBJECT_CLASS (veil_alert_view_parent_class)->finalize (object);
}

static void
veil_alert_view_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  VeilAlertView *self = VEIL_ALERT_VIEW (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;
    case PROP_PROFILE:
      g_value_set_boxed (value, self->profile);
      break;
    case PROP_ALERT_ID:
      g_value_set_int64 (value, self->alert_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_alert_view_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  VeilAlertView *self = VEIL_ALERT_VIEW (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;
    case PROP_PROFILE:
      self->profile = g_value_dup_boxed (value);
      break;
    case PROP_ALERT_ID:
      self->alert_id = g_value_get_int64 (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_alert_view_class_init (VeilAlertViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = veil_alert_view_constructed;
  object_class->dispose = veil_alert_view_dispose;
  object_class->finalize = veil_alert_view_finalize;
  object_class->get_property = veil_alert_view_get_property;
  object_class->set_property = veil_alert_view_set_property;

  /**
   * VeilAlertView:context:
   *
   * The application's context: the store and the guardian.
   */
  properties[PROP_CONTEXT] = g_param_spec_object ("context", NULL, NULL, VEIL_TYPE_CONTEXT, flags);
  /**
   * VeilAlertView:profile:
   *
   * The child using this computer; only their own warnings are shown.
   */
  properties[PROP_PROFILE] = g_param_spec_boxed ("profile", NULL, NULL, VEIL_TYPE_PROFILE, flags);
  /**
   * VeilAlertView:alert-id:
   *
   * The message alert to show.
   */
  properties[PROP_ALERT_ID] = g_param_spec_int64 ("alert-id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * VeilAlertView::done:
   *
   * The child is finished with the warning; the window goes back.
   */
  signals[DONE] = g_signal_new ("done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * VeilAlertView::open-link:
   * @url: the help resource's address
   *
   * The child clicked a help resource's button. The default handler opens @url.
   */
  signals[OPEN_LINK] = g_signal_new_class_handler ("open-link", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                   G_CALLBACK (open_link_default), NULL, NULL, NULL,
                                                   G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (VEIL_TYPE_BLURRED_PICTURE);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/veil-alert-view.ui");
  gtk_widget_class_bind_template_child (widget_class, VeilAlertView, toasts);
  gtk_widget_class_bind_template_child (widget_class, VeilAlertView, picture);
  gtk_widget_class_bind_template_child (widget_class, VeilAlertView, title_label);
  gtk_widget_class_bind_template_child (widget_class, VeilAlertView, explanation_label);
  gtk_widget_class_bind_template_child (widget_class, VeilAlertView, reason_label);
  gtk_widget_class_bind_template_child (widget_class, VeilAlertView, source_label);
  gtk_widget_class_bind_template_child (widget_class, VeilAlertView, told_label);
  gtk_widget_class_bind_template_child (widget_class, VeilAlertView, dont_view_button);
  gtk_widget_class_bind_template_child (widget_class, VeilAlertView, view_button);

  gtk_widget_class_install_action (widget_class, "alert.dont-view", NULL, dont_view_action);
  gtk_widget_class_install_action (widget_class, "alert.view", NULL, view_action);
  gtk_widget_class_install_action (widget_class, "alert.tell", NULL, tell_action);
  gtk_widget_class_install_action (widget_class, "alert.report", NULL, report_action);
  gtk_widget_class_install_action (widget_class, "alert.get-help", NULL, get_help_action);
}

static void
veil_alert_view_init (VeilAlertView *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self, "map", G_CALLBACK (map_cb), NULL);
  g_signal_connect (self, "unmap", G_CALLBACK (unmap_cb), NULL);
}

/* --- Public API ----------------------------------------------------------------------------- */

/**
 * veil_alert_view_new:
 * @context: the application's context
 * @profile: the child using this computer
 * @alert_id: a message alert of @profile
 *
 * Returns: (transfer floating): the child's view of the alert
 */
GtkWidget *
veil_alert_view_new (VeilContext *context,
                     VeilProfile *profile,
                     gint64       alert_id)
{
  g_return_val_if_fail (VEIL_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (profile != NULL, NULL);

  return g_object_new (VEIL_TYPE_ALERT_VIEW, "context", context, "profile", profile, "alert-id", alert_id, NULL);
}

gint64
veil_alert_view_get_alert_id (VeilAlertView *self)
{
  g_return_val_if_fail (VEIL_IS_ALERT_VIEW (self), 0);
  return self->alert_id;
}

/* Returns: (transfer none) (nullable): the alert shown, once loaded */
VeilAlert *
veil_alert_view_get_alert (VeilAlertView *self)
{
  g_return_val_if_fail (VEIL_IS_ALERT_VIEW (self), NULL);
  return self->alert;
}

/* Returns: what the picture on screen was made from (NONE while it loads) */
VeilAlertViewPicture
veil_alert_view_get_picture (VeilAlertView *self)
{
  g_return_val_if_fail (VEIL_IS_ALERT_VIEW (self), VEIL_ALERT_VIEW_PICTURE_NONE);
  return self->picture_kind;
}

/* Returns: whether the picture is shown without the blur */
gboolean
veil_alert_view_get_revealed (VeilAlertView *self)
{
  g_return_val_if_fail (VEIL_IS_ALERT_VIEW (self), FALSE);
  return veil_blurred_picture_get_revealed (self->picture);
}
