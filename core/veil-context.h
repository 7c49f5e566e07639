/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "veil-analyzer.h"
#include "veil-guardian.h"
#include "veil-store.h"

G_BEGIN_DECLS

#define VEIL_TYPE_CONTEXT (veil_context_get_type ())

G_DECLARE_FINAL_TYPE (VeilContext, veil_context, VEIL, CONTEXT, GObject)

VeilContext  *veil_context_new                  (GSettings            *settings);
void          veil_context_load_async           (VeilContext          *self,
                                                 const char           *db_path,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean      veil_context_load_finish          (VeilContext          *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);
gboolean      veil_context_get_ready            (VeilContext          *self);
GSettings    *veil_context_get_settings         (VeilContext          *self);
VeilStore    *veil_context_get_store            (VeilContext          *self);
VeilGuardian *veil_context_get_guardian         (VeilContext          *self);
const GError *veil_context_get_store_error      (VeilContext          *self);
const GError *veil_context_get_keyring_error    (VeilContext          *self);
void          veil_context_notify_profiles_changed (VeilContext       *self);
VeilAnalyzer *veil_context_get_analyzer         (VeilContext          *self);
void          veil_context_set_analyzer         (VeilContext          *self,
                                                 VeilAnalyzer         *analyzer);
void          veil_context_load_analyzer_async  (VeilContext          *self,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
VeilAnalyzer *veil_context_load_analyzer_finish (VeilContext          *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);
GListModel   *veil_context_get_alert_model      (VeilContext          *self,
                                                 gint64                profile_id);
GListModel   *veil_context_get_report_model     (VeilContext          *self,
                                                 gint64                profile_id);
GListModel   *veil_context_get_hash_list_model  (VeilContext          *self,
                                                 gint64                profile_id);
GListModel   *veil_context_get_protected_image_model (VeilContext     *self,
                                                 gint64                profile_id);

G_END_DECLS
