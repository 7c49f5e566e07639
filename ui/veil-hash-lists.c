/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-hash-lists"

#include "config.h"

#include <glib/gi18n.h>

#include "veil-hash-list-row.h"
#include "veil-hash-lists.h"
#include "veil-ui-utils.h"

/* The guardian's hash lists for one profile, inside the PIN-protected scan page: import a
 * list file for this profile or for every profile, see each list's name, source, version,
 * import time and size, and remove one. The child's own "protect my images" hashes are the
 * child's business and are not shown here. */

struct _VeilHashLists
{
  AdwPreferencesGroup  parent_instance;

  /* construct-only, owned */
  VeilContext         *context;
  VeilProfile         *profile;

  /* owned */
  GListModel          *model;         /* the context's VeilHashListModel; NULL without a store */
  GCancellable        *cancellable;   /* cancelled in dispose */
  GtkNativeDialog     *chooser;
  gboolean             chooser_all_profiles;
  guint                n_importing;

  /* template children */
  GtkMenuButton       *import_button;
  GtkListBox          *list_box;
};

G_DEFINE_FINAL_TYPE (VeilHashLists, veil_hash_lists, ADW_TYPE_PREFERENCES_GROUP)

enum {
  PROP_0,
  PROP_CONTEXT,
  PROP_PROFILE,
  N_PROPS
};

enum {
  IMPORT_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Shown, never only logged: a toast on the page around us; a failure gets a dialog when
 * the group stands alone. */
static void
tell (VeilHashLists *self,
      const char    *text,
      gboolean       failure)
{
  GtkRoot *root;
  GtkWidget *dialog;

  /* An error names a file and line: let it be read. */
  if (failure ? veil_ui_toast_until_dismissed (GTK_WIDGET (self), text) : veil_ui_toast (GTK_WIDGET (self), text))
    return;
  root = gtk_widget_get_root (GTK_WIDGET (self));
  if (!failure || !GTK_IS_WINDOW (root))
    return;
  dialog = adw_message_dialog_new (GTK_WINDOW (root), _("Hash Lists"), text);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  veil_ui_present_guardian_dialog (dialog);
}

static GtkWidget *
create_row_cb (gpointer item,
               gpointer user_data)
{
  return veil_hash_list_row_new (VEIL_HASH_LIST_ITEM (item));
}

static gboolean
guardian_unlocked (VeilHashLists *self)
{
  VeilGuardian *guardian = self->context != NULL ? veil_context_get_guardian (self->context) : NULL;

  if (guardian != NULL && veil_guardian_get_unlocked (guardian))
    return TRUE;
  tell (self, _("Unlock the guardian area with the PIN first."), TRUE);
  return FALSE;
}

static void
update_actions (VeilHashLists *self)
{
  gboolean ready = self->context != NULL && self->profile != NULL && veil_context_get_store (self->context) != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "hashes.import", ready && self->n_importing == 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "hashes.remove", ready);
}

static void
finish_import (VeilHashLists *self,
               const GError  *error)
{
  self->n_importing--;
  update_actions (self);
  if (error == NULL)
    tell (self, _("The list was imported. The next check uses it."), FALSE);
  else
    tell (self, error->message, TRUE);
  g_signal_emit (self, signals[IMPORT_FINISHED], 0, error == NULL, error != NULL ? error->message : NULL);
}

static void
reloaded_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(VeilHashLists) self = user_data;
  g_autoptr(GError) error = NULL;

  /* The list is kept either way; a failed read shows at the next reload. */
  if (!veil_record_model_reload_finish (VEIL_RECORD_MODEL (source), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  finish_import (self, NULL);
}

static void
import_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(VeilHashLists) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilHashList) list = veil_hash_list_import_file_finish (VEIL_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (list == NULL)
    {
      finish_import (self, error);
      return;
    }
  /* Told once the new list is shown. */
  veil_record_model_reload_async (VEIL_RECORD_MODEL (self->model), self->cancellable, reloaded_cb,
                                  g_object_ref (self));
}

static void
chooser_response_cb (VeilHashLists   *self,
                     int              response,
                     GtkNativeDialog *dialog)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  g_clear_object (&self->chooser);
  if (file != NULL)
    veil_hash_lists_import_file (self, file, self->chooser_all_profiles);
}

static void
import_action (GtkWidget  *widget,
               const char *action,
               GVariant   *param)
{
  VeilHashLists *self = VEIL_HASH_LISTS (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (!guardian_unlocked (self) || self->chooser != NULL)
    return;
  self->chooser_all_profiles = g_variant_get_boolean (param);
  self->chooser = GTK_NATIVE_DIALOG (gtk_file_chooser_native_new (self->chooser_all_profiles
                                                                    ? _("Import a Hash List for Every Profile")
                                                                    : _("Import a Hash List for This Profile"),
                                                                  GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                                  GTK_FILE_CHOOSER_ACTION_OPEN,
                                                                  _("_Import"), NULL));
  gtk_file_filter_set_name (filter, _("Hash lists"));
  gtk_file_filter_add_mime_type (filter, "text/plain");
  gtk_file_filter_add_mime_type (filter, "text/csv");
  gtk_file_filter_add_suffix (filter, "txt");
  gtk_file_filter_add_suffix (filter, "csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (chooser_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (self->chooser);
}

static void
remove_action (GtkWidget  *widget,
               const char *action,
               GVariant   *param)
{
  VeilHashLists *self = VEIL_HASH_LISTS (widget);

  if (veil_hash_lists_remove (self, g_variant_get_int64 (param)))
    tell (self, _("The list was removed. Alerts it raised before stay."), FALSE);
}

static void
veil_hash_lists_constructed (GObject *object)
{
  VeilHashLists *self = VEIL_HASH_LISTS (object);

  G_OBJECT_CLASS (veil_hash_lists_parent_class)->constructed (object);

  update_actions (self);
  if (self->context != NULL && self->profile != NULL)
    self->model = veil_context_get_hash_list_model (self->context, veil_profile_get_id (self->profile));
  if (self->model != NULL)
    {
      g_object_ref (self->model);
      gtk_list_box_bind_model (self->list_box, self->model, create_row_cb, NULL, NULL);
    }
}

static void
veil_hash_lists_dispose (GObject *object)
{
  VeilHashLists *self = VEIL_HASH_LISTS (object);

  g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), VEIL_TYPE_HASH_LISTS);
  g_clear_object (&self->model);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (veil_hash_lists_parent_class)->dispose (object);
}

static void
veil_hash_lists_finalize (GObject *object)
{
  VeilHashLists *self = VEIL_HASH_LISTS (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->profile, veil_profile_unref);

  G_OBJECT_CLASS (veil_hash_lists_parent_class)->finalize (object);
}

static void
veil_hash_lists_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  VeilHashLists *self = VEIL_HASH_LISTS (object);

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
veil_hash_lists_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  VeilHashLists *self = VEIL_HASH_LISTS (object);

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
veil_hash_lists_class_init (VeilHashListsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = veil_hash_lists_constructed;
  object_class->dispose = veil_hash_lists_dispose;
  object_class->finalize = veil_hash_lists_finalize;
  object_class->get_property = veil_hash_lists_get_property;
  object_class->set_property = veil_hash_lists_set_property;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, VEIL_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROFILE] =
    g_param_spec_boxed ("profile", NULL, NULL, VEIL_TYPE_PROFILE,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * VeilHashLists::import-finished:
   * @ok: whether the list was imported
   * @message: (nullable): why not, naming the file and line when the list is malformed
   */
  signals[IMPORT_FINISHED] =
    g_signal_new ("import-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_BOOLEAN, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/veil-hash-lists.ui");
  gtk_widget_class_bind_template_child (widget_class, VeilHashLists, import_button);
  gtk_widget_class_bind_template_child (widget_class, VeilHashLists, list_box);

  gtk_widget_class_install_action (widget_class, "hashes.import", "b", import_action);
  gtk_widget_class_install_action (widget_class, "hashes.remove", "x", remove_action);
}

static void
veil_hash_lists_init (VeilHashLists *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
veil_hash_lists_new (VeilContext *context,
                     VeilProfile *profile)
{
  g_return_val_if_fail (VEIL_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (profile != NULL, NULL);

  return g_object_new (VEIL_TYPE_HASH_LISTS, "context", context, "profile", profile, NULL);
}

/**
 * veil_hash_lists_import_file:
 * @all_profiles: whether the list applies to every profile or to this one only
 *
 * Reads @file in a worker thread (the format is recognised) and keeps it in the store.
 * #VeilHashLists::import-finished tells how it went; failures are also shown to the
 * guardian. Needs the guardian area unlocked.
 */
void
veil_hash_lists_import_file (VeilHashLists *self,
                             GFile         *file,
                             gboolean       all_profiles)
{
  g_autofree char *path = NULL;
  g_autofree char *source = NULL;

  g_return_if_fail (VEIL_IS_HASH_LISTS (self));
  g_return_if_fail (G_IS_FILE (file));

  if (!guardian_unlocked (self) || self->model == NULL)
    return;

  path = g_file_get_path (file);
  if (path == NULL)
    {
      tell (self, _("Only lists stored on this computer can be imported."), TRUE);
      return;
    }
  source = g_file_get_basename (file);

  self->n_importing++;
  update_actions (self);
  veil_hash_list_import_file_async (veil_record_model_get_store (VEIL_RECORD_MODEL (self->model)),
                                    all_profiles ? 0 : veil_profile_get_id (self->profile),
                                    path, NULL, source, self->cancellable, import_done_cb, g_object_ref (self));
}

/**
 * veil_hash_lists_remove:
 * @list_id: the id of a list shown
 *
 * Removes a list (for every profile, if it was imported for every profile). Needs the
 * guardian area unlocked; failures are shown to the guardian.
 *
 * Returns: whether it was removed
 */
gboolean
veil_hash_lists_remove (VeilHashLists *self,
                        gint64         list_id)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (VEIL_IS_HASH_LISTS (self), FALSE);

  if (!guardian_unlocked (self) || self->model == NULL)
    return FALSE;
  if (!veil_hash_list_model_remove (VEIL_HASH_LIST_MODEL (self->model), list_id, &error))
    {
      tell (self, error->message, TRUE);
      return FALSE;
    }
  return TRUE;
}

/* Returns: how many lists are shown (the "no lists yet" placeholder is not one) */
guint
veil_hash_lists_get_n_shown (VeilHashLists *self)
{
  g_return_val_if_fail (VEIL_IS_HASH_LISTS (self), 0);

  return self->model != NULL ? g_list_model_get_n_items (self->model) : 0;
}

/* Reads the lists again; the context also does whenever the store changes. */
void
veil_hash_lists_reload (VeilHashLists *self)
{
  g_return_if_fail (VEIL_IS_HASH_LISTS (self));

  if (self->model != NULL)
    veil_record_model_reload (VEIL_RECORD_MODEL (self->model));
}
