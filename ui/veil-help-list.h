/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "veil.h"

G_BEGIN_DECLS

#define VEIL_TYPE_HELP_LIST (veil_help_list_get_type ())

G_DECLARE_FINAL_TYPE (VeilHelpList, veil_help_list, VEIL, HELP_LIST, AdwBin)

void       veil_help_list_load_async  (VeilHelpAudience     audience,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
GPtrArray *veil_help_list_load_finish (GAsyncResult        *result,
                                       GError             **error);
GtkWidget *veil_help_list_new         (GPtrArray           *resources);

G_END_DECLS
