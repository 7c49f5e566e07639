/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "veil.h"

G_BEGIN_DECLS

/* Small helpers every widget of libveil-ui shares: toasts, error labels, the window a
 * widget is in, and password rows that are safe to destroy. */

GtkWindow *veil_ui_get_window             (GtkWidget       *widget);
gboolean   veil_ui_toast                  (GtkWidget       *widget,
                                           const char      *message);
gboolean   veil_ui_toast_until_dismissed  (GtkWidget       *widget,
                                           const char      *message);
AdwToast  *veil_ui_toast_with_undo        (GtkWidget       *widget,
                                           const char      *message);
void       veil_ui_present_guardian_dialog (GtkWidget     *dialog);
void       veil_ui_close_guardian_dialogs (void);
void       veil_ui_show_error             (GtkWidget       *widget,
                                           const GError    *error);
void       veil_ui_set_error_label        (GtkLabel        *label,
                                           const char      *message);
void       veil_ui_guard_password_row     (AdwPasswordEntryRow *row);
guint      veil_ui_count_waiting          (VeilStore       *store,
                                           VeilProfile     *profile,
                                           guint           *out_active);
char      *veil_ui_describe_waiting       (VeilProfile     *profile,
                                           guint            n_waiting);
char      *veil_ui_display_path           (const char      *path);
void       veil_ui_load_preview_async     (VeilContext     *context,
                                           const char * const *paths,
                                           guint            n_paths,
                                           GCancellable    *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer         user_data);
GdkTexture *veil_ui_load_preview_finish   (GAsyncResult    *result,
                                           GError         **error);

G_END_DECLS
