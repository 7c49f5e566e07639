/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Starting Veil's background service when the child logs in, and only while a protection is
 * active: an XDG autostart entry outside a sandbox, the Background portal inside Flatpak. */

#define VEIL_AUTOSTART_ERROR (veil_autostart_error_quark ())

typedef enum {
  VEIL_AUTOSTART_ERROR_WRITE = 1,     /* the autostart entry could not be written or removed */
  VEIL_AUTOSTART_ERROR_PORTAL = 2,    /* the Background portal refused or is missing */
  VEIL_AUTOSTART_ERROR_NOT_OURS = 3,  /* an entry of that name exists that Veil did not write */
} VeilAutostartError;

GQuark    veil_autostart_error_quark       (void);

gboolean  veil_autostart_is_sandboxed      (void);
char     *veil_autostart_get_entry_path    (const char           *app_id);
gboolean  veil_autostart_is_enabled        (const char           *app_id);
gboolean  veil_autostart_set_enabled       (const char           *app_id,
                                            const char * const   *argv,
                                            const char           *reason,
                                            gboolean              enabled,
                                            GError              **error);
void      veil_autostart_request_background_async  (GDBusConnection      *connection,
                                                    const char * const   *argv,
                                                    const char           *reason,
                                                    gboolean              autostart,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
gboolean  veil_autostart_request_background_finish (GAsyncResult         *result,
                                                    GError              **error);

G_END_DECLS
