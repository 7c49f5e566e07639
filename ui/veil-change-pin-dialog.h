/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "veil.h"

G_BEGIN_DECLS

#define VEIL_TYPE_CHANGE_PIN_DIALOG (veil_change_pin_dialog_get_type ())

G_DECLARE_FINAL_TYPE (VeilChangePinDialog, veil_change_pin_dialog, VEIL, CHANGE_PIN_DIALOG, AdwWindow)

GtkWidget *veil_change_pin_dialog_new (GtkWindow    *parent,
                                       VeilGuardian *guardian);

G_END_DECLS
