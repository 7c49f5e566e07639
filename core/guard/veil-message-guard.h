/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "veil-analyzer.h"
#include "veil-profile.h"
#include "veil-store.h"

G_BEGIN_DECLS

/* Message image warnings for one profile: watches the profile's attachment folders
 * (VeilWatcher), analyzes each new picture once (VeilAnalyzer, off the main thread), and turns
 * sensitive ones into message alerts in the store, announced with the "warned" signal. */

#define VEIL_MESSAGE_GUARD_ERROR (veil_message_guard_error_quark ())

typedef enum {
  VEIL_MESSAGE_GUARD_ERROR_NOT_HIDDEN = 1,   /* the alert's picture was never hidden */
  VEIL_MESSAGE_GUARD_ERROR_MOVE = 2,         /* hiding or restoring the picture failed */
  VEIL_MESSAGE_GUARD_ERROR_NO_FOLDER = 3,    /* none of the profile's folders can be watched */
} VeilMessageGuardError;

#define VEIL_TYPE_MESSAGE_GUARD (veil_message_guard_get_type ())
G_DECLARE_FINAL_TYPE (VeilMessageGuard, veil_message_guard, VEIL, MESSAGE_GUARD, GObject)

GQuark            veil_message_guard_error_quark      (void);

VeilMessageGuard *veil_message_guard_new              (VeilStore        *store,
                                                       VeilAnalyzer     *analyzer);
gboolean          veil_message_guard_set_profile      (VeilMessageGuard *self,
                                                       VeilProfile      *profile,
                                                       GError          **error);
VeilProfile      *veil_message_guard_get_profile      (VeilMessageGuard *self);
GPtrArray        *veil_message_guard_list_folders     (VeilMessageGuard *self);
void              veil_message_guard_set_settle_time  (VeilMessageGuard *self,
                                                       guint             milliseconds);
guint             veil_message_guard_get_n_busy       (VeilMessageGuard *self);

GPtrArray        *veil_message_guard_resolve_folders  (VeilProfile      *profile);
gboolean          veil_message_guard_restore          (VeilStore        *store,
                                                       gint64            alert_id,
                                                       char            **out_path,
                                                       GError          **error);

G_END_DECLS
