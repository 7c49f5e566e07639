/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "veil-ui-utils.h"

/**
 * veil_ui_get_window:
 * @widget: a widget
 *
 * Returns: (transfer none) (nullable): the window @widget is in, if any
 */
GtkWindow *
veil_ui_get_window (GtkWidget *widget)
{
  GtkRoot *root;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);

  root = gtk_widget_get_root (widget);
  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

/* A widget's own overlay is inside it (the template's child), so look there first, closest
 * levels before deeper ones, then in the widgets around it. */
static AdwToastOverlay *
find_toast_overlay (GtkWidget *widget)
{
  g_autoptr(GQueue) queue = g_queue_new ();

  g_queue_push_tail (queue, widget);
  while (!g_queue_is_empty (queue))
    {
      GtkWidget *w = g_queue_pop_head (queue);

      if (ADW_IS_TOAST_OVERLAY (w))
        return ADW_TOAST_OVERLAY (w);
      for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
        g_queue_push_tail (queue, c);
    }
  for (GtkWidget *w = gtk_widget_get_parent (widget); w != NULL; w = gtk_widget_get_parent (w))
    if (ADW_IS_TOAST_OVERLAY (w))
      return ADW_TOAST_OVERLAY (w);
  return NULL;
}

static gboolean
add_toast (GtkWidget  *widget,
           const char *message,
           gboolean    sticky)
{
  AdwToastOverlay *overlay;
  AdwToast *toast;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), FALSE);
  g_return_val_if_fail (message != NULL, FALSE);

  overlay = find_toast_overlay (widget);
  if (overlay == NULL)
    return FALSE;
  toast = adw_toast_new (message);
  if (sticky)
    adw_toast_set_timeout (toast, 0);
  adw_toast_overlay_add_toast (overlay, toast);
  return TRUE;
}

/**
 * veil_ui_toast:
 * @widget: the widget the message is about
 * @message: what to say
 *
 * Shows @message in the toast overlay nearest to @widget, for the usual few seconds.
 *
 * Returns: %FALSE if there is no toast overlay in or around @widget
 */
gboolean
veil_ui_toast (GtkWidget  *widget,
               const char *message)
{
  return add_toast (widget, message, FALSE);
}

/**
 * veil_ui_toast_until_dismissed:
 * @widget: the widget the message is about
 * @message: what to say
 *
 * Like veil_ui_toast(), but the toast stays until it is dismissed: messages for a child
 * stay until they have been read, and so do errors that name a file and a line.
 *
 * Returns: %FALSE if there is no toast overlay in or around @widget
 */
gboolean
veil_ui_toast_until_dismissed (GtkWidget  *widget,
                               const char *message)
{
  return add_toast (widget, message, TRUE);
}

/* Marks the windows that belong to the unlocked guardian, so locking can close them. */
#define GUARDIAN_DIALOG_KEY "veil-guardian-dialog"

/**
 * veil_ui_present_guardian_dialog:
 * @dialog: a dialog that only an unlocked guardian may answer
 *
 * Presents @dialog and remembers that locking the guardian must close it: a confirmation
 * left open must not outlive the lock, or anyone could answer it later.
 */
void
veil_ui_present_guardian_dialog (GtkWidget *dialog)
{
  g_return_if_fail (GTK_IS_WINDOW (dialog));

  g_object_set_data (G_OBJECT (dialog), GUARDIAN_DIALOG_KEY, GINT_TO_POINTER (TRUE));
  gtk_window_present (GTK_WINDOW (dialog));
}

/**
 * veil_ui_close_guardian_dialogs:
 *
 * Closes every dialog shown with veil_ui_present_guardian_dialog() that is still open, as
 * Escape would: each gets its close response (its "Cancel").
 */
void
veil_ui_close_guardian_dialogs (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* owned by GTK */
  g_autoptr(GPtrArray) open = g_ptr_array_new_with_free_func (g_object_unref);

  /* Collected first: closing one changes the list. */
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (g_object_get_data (window, GUARDIAN_DIALOG_KEY) != NULL)
        g_ptr_array_add (open, g_object_ref (window));
    }
  for (guint i = 0; i < open->len; i++)
    gtk_window_close (GTK_WINDOW (open->pdata[i]));
}

/**
 * veil_ui_toast_with_undo:
 * @widget: the widget the message is about
 * @message: what was done
 *
 * Shows @message with an Undo button; connect to the toast's #AdwToast::button-clicked.
 *
 * Returns: (transfer none) (nullable): the toast, %NULL if there is no toast overlay
 */
AdwToast *
veil_ui_toast_with_undo (GtkWidget  *widget,
                         const char *message)
{
  AdwToastOverlay *overlay;
  AdwToast *toast;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);
  g_return_val_if_fail (message != NULL, NULL);

  overlay = find_toast_overlay (widget);
  if (overlay == NULL)
    return NULL;
  toast = adw_toast_new (message);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_overlay_add_toast (overlay, toast);
  return toast;
}

/**
 * veil_ui_show_error:
 * @widget: the widget whose action failed
 * @error: why; its message says what to do
 *
 * Shows @error's message as a toast near @widget.
 */
void
veil_ui_show_error (GtkWidget    *widget,
                    const GError *error)
{
  g_return_if_fail (error != NULL);

  veil_ui_toast (widget, error->message);
}

/**
 * veil_ui_set_error_label:
 * @label: a label kept for problems, hidden while there is none
 * @message: (nullable): the problem, or %NULL to hide the label
 */
void
veil_ui_set_error_label (GtkLabel   *label,
                         const char *message)
{
  g_return_if_fail (GTK_IS_LABEL (label));

  gtk_label_set_text (label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);
}

typedef struct {
  GWeakRef text;
  GWeakRef keyboard;
} RowGuard;

static void
password_row_gone_cb (gpointer  data,
                      GObject  *row)
{
  RowGuard *guard = data;
  g_autoptr(GObject) text = g_weak_ref_get (&guard->text);
  g_autoptr(GObject) keyboard = g_weak_ref_get (&guard->keyboard);

  /* The row is disposed but its address is still valid: drop every handler that would call
   * it. libadwaita 1.2's row leaves some on its text, which GTK's event handling can keep a
   * little longer (a click right after Escape closed a dialog then reached a freed row). */
  if (text != NULL)
    g_signal_handlers_disconnect_matched (text, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, row);
  if (keyboard != NULL)
    g_signal_handlers_disconnect_matched (keyboard, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, row);
  g_weak_ref_clear (&guard->text);
  g_weak_ref_clear (&guard->keyboard);
  g_free (guard);
}

/**
 * veil_ui_guard_password_row:
 * @row: a password row
 *
 * Makes @row safe to destroy: once it is gone, neither its text nor the keyboard call it.
 */
void
veil_ui_guard_password_row (AdwPasswordEntryRow *row)
{
  GdkDisplay *display = gdk_display_get_default ();
  GdkSeat *seat = display != NULL ? gdk_display_get_default_seat (display) : NULL;
  RowGuard *guard;

  g_return_if_fail (ADW_IS_PASSWORD_ENTRY_ROW (row));

  guard = g_new0 (RowGuard, 1);
  g_weak_ref_init (&guard->text, gtk_editable_get_delegate (GTK_EDITABLE (row)));
  g_weak_ref_init (&guard->keyboard, seat != NULL ? gdk_seat_get_keyboard (seat) : NULL);
  g_object_weak_ref (G_OBJECT (row), password_row_gone_cb, guard);
}

/**
 * veil_ui_count_waiting:
 * @store: the store
 * @profile: a child's profile
 * @out_active: (out) (optional): the number of protections that work now
 *
 * Returns: how many protections the guardian turned on that the child has still to read
 */
guint
veil_ui_count_waiting (VeilStore   *store,
                       VeilProfile *profile,
                       guint       *out_active)
{
  guint waiting = 0, active = 0;

  g_return_val_if_fail (VEIL_IS_STORE (store), 0);
  g_return_val_if_fail (profile != NULL, 0);

  for (guint p = 0; p < VEIL_N_PROTECTIONS; p++)
    {
      VeilProtectionStatus status;

      if (!veil_store_get_protection_status (store, profile, p, &status, NULL))
        continue;
      if (status.active)
        active++;
      else if (status.enabled && status.needs_acknowledgment && !status.acknowledged)
        waiting++;
    }
  if (out_active != NULL)
    *out_active = active;
  return waiting;
}

/**
 * veil_ui_describe_waiting:
 * @profile: a child's profile
 * @n_waiting: what veil_ui_count_waiting() returned, more than 0
 *
 * Returns: (transfer full): "Waiting for Mia to read 2 protections"
 */
char *
veil_ui_describe_waiting (VeilProfile *profile,
                          guint        n_waiting)
{
  g_return_val_if_fail (profile != NULL, NULL);

  /* Translators: %s is the child's name, %u how many protections the child has to read */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Waiting for %s to read %u protection",
                                       "Waiting for %s to read %u protections", n_waiting),
                          veil_profile_get_name (profile), n_waiting);
}

/**
 * veil_ui_display_path:
 * @path: an absolute path
 *
 * Returns: (transfer full): @path as people read it: "~/Downloads" for a folder in the home
 *   folder, the path itself otherwise
 */
char *
veil_ui_display_path (const char *path)
{
  const char *home = g_get_home_dir ();
  gsize len = strlen (home);

  g_return_val_if_fail (path != NULL, NULL);

  if (len > 1 && g_str_has_prefix (path, home) && (path[len] == '/' || path[len] == '\0'))
    return g_strconcat ("~", path + len, NULL);
  return g_strdup (path);
}

/* --- A picture shown unblurred ---------------------------------------------------------------
 * Decoded in an analysis worker (veil_analyzer_load_preview_async()), never in the app: the
 * app gets the display thumbnail's pixels, which stay in memory. */

static void
preview_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilWorkerResult) preview = veil_analyzer_load_preview_finish (VEIL_ANALYZER (source), result, &error);
  g_autoptr(GBytes) bytes = NULL;
  const guint8 *rgb;
  guint width = 0, height = 0;

  if (preview == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  rgb = veil_worker_result_get_preview (preview, 0, &width, &height);
  bytes = g_bytes_new (rgb, (gsize) width * height * 3);
  g_task_return_pointer (task, gdk_memory_texture_new ((int) width, (int) height, GDK_MEMORY_R8G8B8, bytes,
                                                       (gsize) width * 3),
                         g_object_unref);
}

static void
preview_analyzer_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilAnalyzer) analyzer = veil_context_load_analyzer_finish (VEIL_CONTEXT (source), result, &error);
  GPtrArray *paths = g_task_get_task_data (task);

  if (analyzer == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  veil_analyzer_load_preview_async (analyzer, (const char * const *) paths->pdata, paths->len,
                                    g_task_get_cancellable (task), preview_loaded_cb, g_object_ref (task));
}

/**
 * veil_ui_load_preview_async:
 * @paths: (array length=n_paths): where the picture may be, in order; entries may be %NULL
 *
 * Loads the unblurred display thumbnail of the first of @paths still there, through the
 * context's analyzer.
 */
void
veil_ui_load_preview_async (VeilContext         *context,
                            const char * const  *paths,
                            guint                n_paths,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  GPtrArray *copy = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < n_paths; i++)
    g_ptr_array_add (copy, g_strdup (paths[i]));
  g_task_set_source_tag (task, veil_ui_load_preview_async);
  g_task_set_task_data (task, copy, (GDestroyNotify) g_ptr_array_unref);
  veil_context_load_analyzer_async (context, cancellable, preview_analyzer_cb, task);
}

/* Returns: (transfer full): the texture, or %NULL with @error set */
GdkTexture *
veil_ui_load_preview_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
