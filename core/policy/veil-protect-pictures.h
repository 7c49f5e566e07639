/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "veil-analyzer.h"
#include "veil-store.h"

G_BEGIN_DECLS

gboolean veil_protect_pictures        (VeilStore            *store,
                                       VeilAnalyzer         *analyzer,
                                       gint64                profile_id,
                                       const char * const   *paths,
                                       guint                *out_n_added,
                                       char                **out_problem,
                                       GCancellable         *cancellable,
                                       GError              **error);
void     veil_protect_pictures_async  (VeilStore            *store,
                                       VeilAnalyzer         *analyzer,
                                       gint64                profile_id,
                                       const char * const   *paths,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
gboolean veil_protect_pictures_finish (VeilStore            *store,
                                       GAsyncResult         *result,
                                       guint                *out_n_added,
                                       char                **out_problem,
                                       GError              **error);

G_END_DECLS
