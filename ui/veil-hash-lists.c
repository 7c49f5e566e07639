/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-hash-lists"

#include "config.h"

#include <glib/gi18n.h>

#include "veil-hash-lists.h"
#include "veil-hash-list-row.h"
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
  VeilStore           *store;
  GCancellable        *cancellable;   /* cancelled in dispose */
  GPtrArray           *rows;
  GtkNativeDialog     *chooser;
  gboolean             chooser_all_profiles;
  guint                n_importing;

  /* template children */
  GtkMenuButton       *import_button;
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

/* What the import thread needs; it owns all of it. */
typedef struct {
  VeilStore     *store;
  char          *path;
  char          *source;
  gint64         profile_id;
} ImportData;

static void
import_data_free (ImportData *data)
{
  g_clear_object (&data->store);
  g_free (data->path);
  g_free (data->source);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ImportData, import_data_free)

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
  gtk_window_present (GTK_WINDOW (dialog));
}

static gboolean
ensure_store (VeilHashLists *self)
{
  VeilStore *store = self->context != NULL ? veil_context_get_store (self->context) : NULL;

  if (self->store != NULL)
    return TRUE;
  if (store == NULL || self->profile == NULL)
    return FALSE;
  self->store = g_object_ref (store);
  return TRUE;
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
fill (VeilHashLists *self)
{
  g_autoptr(GPtrArray) lists = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self), g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);

  if (!ensure_store (self))
    return;
  lists = veil_store_list_hash_lists (self->store, veil_profile_get_id (self->profile), &error);
  if (lists == NULL)
    {
      tell (self, error->message, TRUE);
      return;
    }

  for (guint i = 0; i < lists->len; i++)
    {
      const VeilStoredHashList *list = g_ptr_array_index (lists, i);
      GtkWidget *row;

      if (g_strcmp0 (list->kind, "list") != 0)
        continue;
      row = veil_hash_list_row_new (list);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
      g_ptr_array_add (self->rows, row);
    }

  if (self->rows->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No lists yet"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   _("Import one from an organisation you trust, for example a hotline."));
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
      g_ptr_array_add (self->rows, row);
    }
}

static void
update_actions (VeilHashLists *self)
{
  gboolean ready = self->context != NULL && self->profile != NULL && veil_context_get_store (self->context) != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "hashes.import", ready && self->n_importing == 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "hashes.remove", ready);
}

static void
import_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ImportData *data = task_data;
  g_autoptr(VeilHashList) list = NULL;
  g_autoptr(GError) error = NULL;

  list = veil_hash_list_load_file (data->path, VEIL_HASH_LIST_FORMAT_AUTO, cancellable, &error);
  if (list == NULL ||
      !veil_store_import_hash_list (data->store, data->profile_id, list, data->source, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
import_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  VeilHashLists *self = VEIL_HASH_LISTS (source);
  g_autoptr(GError) error = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);

  self->n_importing--;
  update_actions (self);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (ok)
    {
      fill (self);
      tell (self, _("The list was imported. The next check uses it."), FALSE);
    }
  else
    {
      tell (self, error->message, TRUE);
    }
  g_signal_emit (self, signals[IMPORT_FINISHED], 0, ok, ok ? NULL : error->message);
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
    fill (self);
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
  g_clear_object (&self->store);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (veil_hash_lists_parent_class)->dispose (object);
}

static void
veil_hash_lists_finalize (GObject *object)
{
  VeilHashLists *self = VEIL_HASH_LISTS (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->profile, veil_profile_unref);
  g_clear_pointer (&self->rows, g_ptr_array_unref);

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

  gtk_widget_class_install_action (widget_class, "hashes.import", "b", import_action);
  gtk_widget_class_install_action (widget_class, "hashes.remove", "x", remove_action);
}

static void
veil_hash_lists_init (VeilHashLists *self)
{
  self->cancellable = g_cancellable_new ();
  self->rows = g_ptr_array_new ();
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
  g_autoptr(GTask) task = NULL;
  g_autoptr(ImportData) data = NULL;

  g_return_if_fail (VEIL_IS_HASH_LISTS (self));
  g_return_if_fail (G_IS_FILE (file));

  if (!guardian_unlocked (self) || !ensure_store (self))
    return;

  data = g_new0 (ImportData, 1);
  data->store = g_object_ref (self->store);
  data->path = g_file_get_path (file);
  data->source = g_file_get_basename (file);
  data->profile_id = all_profiles ? 0 : veil_profile_get_id (self->profile);
  if (data->path == NULL)
    {
      tell (self, _("Only lists stored on this computer can be imported."), TRUE);
      return;
    }

  task = g_task_new (self, self->cancellable, import_done_cb, NULL);
  g_task_set_source_tag (task, veil_hash_lists_import_file);
  g_task_set_task_data (task, g_steal_pointer (&data), (GDestroyNotify) import_data_free);
  self->n_importing++;
  update_actions (self);
  g_task_run_in_thread (task, import_thread);
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

  if (!guardian_unlocked (self) || !ensure_store (self))
    return FALSE;
  if (!veil_store_remove_hash_list (self->store, list_id, &error))
    {
      tell (self, error->message, TRUE);
      fill (self);
      return FALSE;
    }
  fill (self);
  return TRUE;
}

/* Returns: how many lists are shown (the "no lists yet" row is not one) */
guint
veil_hash_lists_get_n_shown (VeilHashLists *self)
{
  guint n = 0;

  g_return_val_if_fail (VEIL_IS_HASH_LISTS (self), 0);

  for (guint i = 0; i < self->rows->len; i++)
    if (VEIL_IS_HASH_LIST_ROW (g_ptr_array_index (self->rows, i)))
      n++;
  return n;
}

/* Reads the lists again, for instance after veilctl changed them. */
void
veil_hash_lists_reload (VeilHashLists *self)
{
  g_return_if_fail (VEIL_IS_HASH_LISTS (self));

  if (self->context != NULL && self->profile != NULL)
    fill (self);
}
