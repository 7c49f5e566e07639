/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-alert-view"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "veil-alert-view.h"
#include "veil-alert-report.h"
#include "veil-blurred-picture.h"
#include "veil-help-page.h"
#include "veil-pin-dialog.h"
#include "veil-report-dialog.h"
#include "veil-trusted-adults-dialog.h"
#include "veil-ui-utils.h"

/* What a child sees when Veil blurred a picture that arrived in a watched folder: the picture
 * under a strong blur, a kind explanation that puts no blame on the child, "you're not alone"
 * with help and a trusted adult right below, the choices, then the reason in words (a teen may
 * open "Why?" for the figures; a younger child sees no numbers), where it came from and who
 * (if anyone) can see this warning. Help is a page of its own within the view. The sharp
 * pixels exist only in a GdkMemoryTexture made for this view; nothing is written anywhere,
 * reports hold checksums only, and no link is opened except by the child's click. */

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
  gboolean              busy;           /* a report or the PIN question is under way */

  /* the dialog open now (it owns itself) */
  AdwMessageDialog     *dialog;

  /* template children */
  AdwLeaflet           *leaflet;
  VeilHelpPage         *help_page;
  GtkExpander          *why_expander;
  GtkLabel             *figures_label;
  VeilBlurredPicture   *picture;
  GtkImage             *placeholder;
  GtkLabel             *title_label;
  GtkLabel             *explanation_label;
  GtkLabel             *reason_label;
  GtkLabel             *source_label;
  GtkLabel             *told_label;
  GtkButton            *dont_view_button;
  GtkButton            *view_button;
  GtkButton            *report_button;
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

/* Under 13, or an age the guardian did not give: the simpler words and the stricter rule. */
static gboolean
is_young (VeilAlertView *self)
{
  VeilAgeBand band = self->profile != NULL ? veil_profile_get_effective_age_band (self->profile)
                                           : VEIL_AGE_BAND_UNKNOWN;

  return band == VEIL_AGE_BAND_UNDER_13 || band == VEIL_AGE_BAND_UNKNOWN;
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
    veil_ui_toast_until_dismissed (GTK_WIDGET (self), error->message);
}

static void
set_choices_enabled (VeilAlertView *self,
                     gboolean       enabled)
{
  /* Leaving and help are always possible, even while the picture loads. */
  for (guint i = 0; i < G_N_ELEMENTS (choice_actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), choice_actions[i],
                                   enabled || g_str_equal (choice_actions[i], "alert.dont-view") ||
                                   g_str_equal (choice_actions[i], "alert.get-help"));
  /* Viewing needs the picture itself; the stored thumbnail is blurred for good. A picture Veil
   * could not check opens in another app, if the child chooses. */
  if (enabled && self->picture_kind != VEIL_ALERT_VIEW_PICTURE_FILE &&
      self->picture_kind != VEIL_ALERT_VIEW_PICTURE_PLACEHOLDER)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), "alert.view", FALSE);
  /* A report tells a helpline what Veil found in a picture; in this one it found nothing. */
  if (self->picture_kind == VEIL_ALERT_VIEW_PICTURE_PLACEHOLDER)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), "alert.report", FALSE);
}

/* Whether the alert is about a picture Veil could not check (and found nothing in). */
static gboolean
is_unchecked (VeilAlertView *self)
{
  return self->alert != NULL && veil_verdict_get_unchecked (self->alert->verdict) &&
         !veil_verdict_get_sensitive (self->alert->verdict);
}

/* The reason in words, without numbers; %NULL when the explanation already says it all. */
static char *
describe_reason (VeilAlertView *self)
{
  VeilAlert *alert = self->alert;
  VeilReason *reason;

  if (veil_verdict_get_n_reasons (alert->verdict) == 0)
    return g_strdup (_("Veil noticed this picture."));

  reason = veil_verdict_get_reason (alert->verdict, 0);
  switch (veil_reason_get_signal (reason))
    {
    case VEIL_SIGNAL_CLASSIFIER:
      /* A younger child's explanation says what the checker saw, in their words. */
      return is_young (self) ? NULL : g_strdup (_("Veil’s picture checker thinks it may show nudity."));
    case VEIL_SIGNAL_HASH_LIST:
      /* Translators: %s is the name of a list of pictures the guardian added */
      return g_strdup_printf (_("It matches a picture on the list “%s”."), veil_reason_get_source_name (reason));
    case VEIL_SIGNAL_PROTECTED_IMAGE:
      return g_strdup (_("It looks like one of the pictures you asked Veil to protect."));
    default:
      return g_strdup (_("Veil noticed this picture."));
    }
}

/**
 * veil_alert_view_describe_figures:
 * @figure: how sure the picture checker was, 0 to 1
 * @threshold: from where it warns, 0 to 1
 *
 * The figures behind a teen's "Why?". How sure is rounded down, so that a checker that was
 * 99.6% sure never reads as certain.
 *
 * Returns: (transfer full): the sentence
 */
char *
veil_alert_view_describe_figures (double figure,
                                  double threshold)
{
  /* The small margin keeps 0.7 * 100 from flooring to 69 in binary floating point. */
  int sure = (int) floor (CLAMP (figure, 0.0, 1.0) * 100.0 + 1e-6);
  int from = (int) (CLAMP (threshold, 0.0, 1.0) * 100.0 + 0.5);

  if (sure >= 100 && figure < 1.0)
    sure = 99;
  /* Translators: how sure the picture checker was, then from where it warns, in percent */
  return g_strdup_printf (_("Veil’s picture checker was %d%% sure; it warns from %d%%."), sure, from);
}

/* Only a teen sees the figures, and only after asking "Why?". */
static void
fill_why (VeilAlertView *self)
{
  VeilReason *reason;
  g_autofree char *figures = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->why_expander), FALSE);
  if (is_young (self) || veil_verdict_get_n_reasons (self->alert->verdict) == 0)
    return;
  reason = veil_verdict_get_reason (self->alert->verdict, 0);
  if (veil_reason_get_signal (reason) != VEIL_SIGNAL_CLASSIFIER)
    return;
  figures = veil_alert_view_describe_figures (veil_reason_get_figure (reason), veil_reason_get_threshold (reason));
  gtk_label_set_text (self->figures_label, figures);
  gtk_widget_set_visible (GTK_WIDGET (self->why_expander), TRUE);
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
  gtk_widget_set_visible (GTK_WIDGET (self->why_expander), FALSE);
  set_choices_enabled (self, FALSE);
}

static void
fill_labels (VeilAlertView *self)
{
  g_autofree char *reason = describe_reason (self);
  g_autofree char *source_name = veil_alert_report_get_source_name (self->alert);
  g_autofree char *source = NULL;
  const char *told;

  if (is_unchecked (self))
    {
      g_autofree char *sentence = veil_reason_describe (veil_verdict_get_reason (self->alert->verdict, 0));

      g_clear_pointer (&reason, g_free);
      reason = g_steal_pointer (&sentence);
      gtk_label_set_text (self->title_label, _("Veil Couldn’t Check This Picture"));
      /* Under the "allow" rule it was shown as usual; it is only listed so nothing is hidden. */
      if (veil_profile_get_effective_unchecked_rule (self->profile) == VEIL_UNCHECKED_RULE_ALLOW)
        gtk_label_set_text (self->explanation_label,
                            _("Veil couldn’t look at this picture, so it didn’t cover it. It is listed here so "
                              "you know, and you can still choose what to do."));
      else
        gtk_label_set_text (self->explanation_label,
                            is_young (self)
                            ? _("Veil couldn’t look at this picture, so it covered it to be safe. You did nothing "
                                "wrong. You can choose what to do.")
                            : _("Veil couldn’t look at this picture, so it may show anything. It’s not your fault: "
                                "Veil covered it so you can decide."));
    }
  else if (is_young (self))
    gtk_label_set_text (self->explanation_label,
                        _("This picture might show private parts of a body. You did nothing wrong. "
                          "Veil covered it so you can choose what to do."));
  else
    gtk_label_set_text (self->explanation_label,
                        _("This picture may show nudity. It’s not your fault: Veil blurred it so you can decide."));

  if (self->alert->hidden_path != NULL)
    /* Translators: %s is a folder such as Downloads, or the app a picture came from */
    source = g_strdup_printf (_("It arrived in %s. Veil moved it into its own folder, as your guardian chose; "
                                "your guardian can put it back."), source_name);
  else
    /* Translators: %s is a folder such as Downloads, or the app a picture came from */
    source = g_strdup_printf (_("It arrived in %s."), source_name);
  if (g_strcmp0 (self->alert->state, VEIL_ALERT_STATE_TOLD) == 0)
    told = _("Your guardian can see this warning, as you were told when this protection was turned on.");
  else if (g_strcmp0 (self->alert->state, VEIL_ALERT_STATE_DISMISSED) == 0 ||
           g_strcmp0 (self->alert->state, VEIL_ALERT_STATE_WRONG) == 0)
    /* Only the guardian dismisses or marks a warning: it reached them, so it is not private. */
    told = _("Your guardian saw this warning and has closed it. Your guardian never sees the picture.");
  else
    told = _("Nobody else sees this warning.");

  gtk_label_set_text (self->reason_label, reason != NULL ? reason : "");
  gtk_widget_set_visible (GTK_WIDGET (self->reason_label), reason != NULL);
  if (!is_unchecked (self))
    fill_why (self);
  gtk_label_set_text (self->source_label, source);
  gtk_label_set_text (self->told_label, told);
}

/* --- the picture ---------------------------------------------------------------------------- */

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
  g_autoptr(VeilAlertView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = veil_ui_load_preview_finish (result, &error);

  /* The view went away meanwhile. */
  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  if (texture == NULL)
    {
      g_autofree char *source_name = veil_alert_report_get_source_name (self->alert);
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
  veil_blurred_picture_set_paintable (self->picture, GDK_PAINTABLE (texture));
  self->picture_kind = VEIL_ALERT_VIEW_PICTURE_FILE;
  set_choices_enabled (self, TRUE);
}

static void
load_picture (VeilAlertView *self)
{
  const char *paths[] = { self->alert->hidden_path, self->alert->path };

  /* Where Veil hides it, then where it arrived. */
  veil_ui_load_preview_async (self->context, paths, G_N_ELEMENTS (paths), self->cancellable, decoded_cb,
                              g_object_ref (self));
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
  if (is_unchecked (self))
    {
      /* Nothing is decoded: what Veil could not check, it does not show either. */
      self->picture_kind = VEIL_ALERT_VIEW_PICTURE_PLACEHOLDER;
      gtk_widget_set_visible (GTK_WIDGET (self->picture), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->placeholder), TRUE);
      gtk_widget_set_visible (GTK_WIDGET (self->report_button), FALSE);
      set_choices_enabled (self, TRUE);
      return;
    }
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
  if (self->picture_kind == VEIL_ALERT_VIEW_PICTURE_PLACEHOLDER)
    {
      g_autoptr(GFile) file = g_file_new_for_path (self->alert->hidden_path != NULL ? self->alert->hidden_path
                                                                                   : self->alert->path);
      g_autofree char *uri = g_file_get_uri (file);

      /* Veil never decodes it: the child's usual viewer opens it. */
      g_signal_emit (self, signals[OPEN_LINK], 0, uri);
      return;
    }
  set_revealed (self, TRUE);
}

static void
dialog_destroyed_cb (VeilAlertView *self,
                     GtkWidget     *dialog)
{
  if ((GtkWidget *) self->dialog == dialog)
    self->dialog = NULL;
}

/* One dialog at a time: a new one replaces the one open. */
static void
present_dialog (VeilAlertView *self,
                GtkWidget     *dialog,
                GCallback      response_cb)
{
  if (self->dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->dialog));
  self->dialog = ADW_MESSAGE_DIALOG (dialog);
  g_signal_connect_object (dialog, "destroy", G_CALLBACK (dialog_destroyed_cb), self, G_CONNECT_SWAPPED);
  if (response_cb != NULL)
    g_signal_connect_object (dialog, "response", response_cb, self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void show_trusted_adults (VeilAlertView *self);

static void
trust_response_cb (VeilAlertView *self,
                   const char    *response)
{
  if (g_str_equal (response, "view"))
    reveal (self, "confirmed");
  else if (g_str_equal (response, "message"))
    show_trusted_adults (self);
}

/* The second step, as Apple's: before the picture, a way to reach someone. */
static void
offer_someone_to_message (VeilAlertView *self)
{
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (veil_ui_get_window (GTK_WIDGET (self)), _("Message Someone You Trust?"),
                                   _("Before you look, you could message someone you trust. You don’t have to "
                                     "deal with this alone, and it’s not your fault."));
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Don’t View"),
                                    "message", _("_Message Someone"),
                                    "view", _("_View"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "message", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "message");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  present_dialog (self, dialog, G_CALLBACK (trust_response_cb));
}

static void
confirm_response_cb (VeilAlertView *self,
                     const char    *response)
{
  if (g_str_equal (response, "next"))
    offer_someone_to_message (self);
}

/* The first step says what viewing means; nothing is shown before the second. */
static void
ask_confirmation (VeilAlertView *self)
{
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (veil_ui_get_window (GTK_WIDGET (self)), _("View the Picture?"),
                                   is_unchecked (self)
                                   ? _("Veil couldn’t check it, so it may show anything. It opens in another app, "
                                       "and whatever it shows, it is not your fault.")
                                   : is_young (self)
                                   ? _("It might be upsetting. You can blur it again at any time.")
                                   : _("It may show something you don’t want to see. You can blur it again at any "
                                       "time, and whatever it shows, it is not your fault."));
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Don’t View"),
                                    "next", _("_I’m Sure"),
                                    NULL);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  present_dialog (self, dialog, G_CALLBACK (confirm_response_cb));
}

static void
pin_asked_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gboolean right = veil_pin_dialog_ask_finish (result, &error);
  VeilAlertView *self;

  /* Cancelled in dispose: the view may be gone. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = VEIL_ALERT_VIEW (user_data);
  self->busy = FALSE;
  if (!right)
    return;
  /* The PIN was for this picture only: guardian settings stay closed. */
  veil_guardian_lock (veil_context_get_guardian (self->context));
  reveal (self, "guardian-pin");
}

static void
ask_pin (VeilAlertView *self)
{
  VeilGuardian *guardian = veil_context_get_guardian (self->context);

  if (guardian == NULL)
    return;
  if (self->dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->dialog));
  self->busy = TRUE;
  veil_pin_dialog_ask_async (GTK_WIDGET (self), guardian, _("Ask Your Guardian"),
                             _("A guardian needs to type the PIN before this picture is shown. You can also "
                               "choose not to view it."),
                             _("_Don’t View"), _("_Show Picture"),
                             self->cancellable, pin_asked_cb, self);
}

/* --- reports and help requests -------------------------------------------------------------- */

static gboolean
store_report (VeilAlertView     *self,
              VeilReportBuilder *builder)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilReport) report = veil_report_builder_build (builder, &error);

  if (report == NULL || veil_store_add_report (get_store (self), self->profile, report, VEIL_ACTOR_CHILD, &error) == 0)
    {
      veil_ui_toast_until_dismissed (GTK_WIDGET (self), error->message);
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

  builder = veil_alert_report_new_builder (self->alert, VEIL_REPORT_KIND_HELP_REQUEST);
  if (store_report (self, builder))
    veil_ui_toast_until_dismissed (GTK_WIDGET (self), _("Your guardian will see that you asked for help. They will not see the picture unless you show them."));
}

static void
contact_link_cb (VeilAlertView *self,
                 const char    *uri)
{
  g_signal_emit (self, signals[OPEN_LINK], 0, uri);
}

static void
show_trusted_adults (VeilAlertView *self)
{
  GtkWidget *dialog = veil_trusted_adults_dialog_new (veil_ui_get_window (GTK_WIDGET (self)), self->profile);

  g_signal_connect_object (dialog, "open-link", G_CALLBACK (contact_link_cb), self, G_CONNECT_SWAPPED);
  present_dialog (self, dialog, G_CALLBACK (tell_response_cb));
}

static void
checksummed_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(VeilAlertView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilReportBuilder) builder = veil_alert_report_checksum_finish (result, &error);

  if (builder == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      self->busy = FALSE;
      veil_ui_toast_until_dismissed (GTK_WIDGET (self), error->message);
      return;
    }

  self->busy = FALSE;
  if (store_report (self, builder))
    veil_ui_toast_until_dismissed (GTK_WIDGET (self), _("Your report is saved in Veil. Nothing was sent anywhere."));
}

static void
report_response_cb (VeilAlertView    *self,
                    const char       *response,
                    VeilReportDialog *dialog)
{
  g_autoptr(VeilReportBuilder) builder = NULL;
  g_autofree char *words = NULL;

  if (!g_str_equal (response, "report") || self->busy)
    return;

  words = veil_report_dialog_get_words (dialog);
  builder = veil_alert_report_new_builder (self->alert, VEIL_REPORT_KIND_REPORT);
  veil_report_builder_set_words (builder, words);
  self->busy = TRUE;
  veil_alert_report_checksum_async (builder, self->alert, self->cancellable, checksummed_cb, g_object_ref (self));
}

static void
show_report_dialog (VeilAlertView *self)
{
  present_dialog (self, veil_report_dialog_new (veil_ui_get_window (GTK_WIDGET (self))),
                  G_CALLBACK (report_response_cb));
}

/* --- help ----------------------------------------------------------------------------------- */

static void
help_link_cb (VeilAlertView *self,
              const char    *url)
{
  g_signal_emit (self, signals[OPEN_LINK], 0, url);
}

static void
help_back_cb (VeilAlertView *self)
{
  adw_leaflet_set_visible_child_name (self->leaflet, "warning");
  gtk_widget_grab_focus (GTK_WIDGET (self->dont_view_button));
}

static void
open_link_default (VeilAlertView *self,
                   const char    *url)
{
  /* Only ever on the child's own click. */
  gtk_show_uri (veil_ui_get_window (GTK_WIDGET (self)), url, GDK_CURRENT_TIME);
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
    ask_pin (self);
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

  /* The worldwide line is on the page already; the country's lines follow when read. */
  veil_help_page_load (self->help_page, is_young (self) ? VEIL_HELP_AUDIENCE_CHILD : VEIL_HELP_AUDIENCE_TEEN);
  adw_leaflet_set_visible_child_name (self->leaflet, "help");
  gtk_widget_child_focus (GTK_WIDGET (self->help_page), GTK_DIR_TAB_FORWARD);
}

/* --- GObject -------------------------------------------------------------------------------- */

static void
map_cb (VeilAlertView *self)
{
  GtkWindow *window = veil_ui_get_window (GTK_WIDGET (self));

  /* "Don't view" is what Enter does. */
  if (window != NULL)
    gtk_window_set_default_widget (window, GTK_WIDGET (self->dont_view_button));
  gtk_widget_grab_focus (GTK_WIDGET (self->dont_view_button));
}

static void
unmap_cb (VeilAlertView *self)
{
  GtkWindow *window = veil_ui_get_window (GTK_WIDGET (self));

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
   * @url: the help resource's address, or the file URI of a picture Veil could not check
   *
   * The child clicked a help resource's button, or chose to view a picture Veil could not
   * check (Veil never decodes it; the usual viewer does). The default handler opens @url.
   */
  signals[OPEN_LINK] = g_signal_new_class_handler ("open-link", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                   G_CALLBACK (open_link_default), NULL, NULL, NULL,
                                                   G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (VEIL_TYPE_BLURRED_PICTURE);
  g_type_ensure (VEIL_TYPE_HELP_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/veil-alert-view.ui");
  gtk_widget_class_bind_template_child (widget_class, VeilAlertView, leaflet);
  gtk_widget_class_bind_template_child (widget_class, VeilAlertView, help_page);
  gtk_widget_class_bind_template_child (widget_class, VeilAlertView, why_expander);
  gtk_widget_class_bind_template_child (widget_class, VeilAlertView, figures_label);
  gtk_widget_class_bind_template_child (widget_class, VeilAlertView, picture);
  gtk_widget_class_bind_template_child (widget_class, VeilAlertView, placeholder);
  gtk_widget_class_bind_template_child (widget_class, VeilAlertView, report_button);
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
  g_signal_connect_object (self->help_page, "open-link", G_CALLBACK (help_link_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->help_page, "back", G_CALLBACK (help_back_cb), self, G_CONNECT_SWAPPED);
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

/* Returns: "warning", or "help" while the help page is shown */
const char *
veil_alert_view_get_page (VeilAlertView *self)
{
  g_return_val_if_fail (VEIL_IS_ALERT_VIEW (self), NULL);
  return adw_leaflet_get_visible_child_name (self->leaflet);
}
