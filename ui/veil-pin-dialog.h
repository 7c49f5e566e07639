/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "veil.h"

G_BEGIN_DECLS

#define VEIL_TYPE_PIN_DIALOG (veil_pin_dialog_get_type ())

G_DECLARE_FINAL_TYPE (VeilPinDialog, veil_pin_dialog, VEIL, PIN_DIALOG, AdwMessageDialog)

void      veil_pin_dialog_ask_async  (GtkWidget           *parent,
                                      VeilGuardian        *guardian,
                                      const char          *heading,
                                      const char          *body,
                                      const char          *cancel_label,
                                      const char          *unlock_label,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
gboolean  veil_pin_dialog_ask_finish (GAsyncResult        *result,
                                      GError             **error);

G_END_DECLS
