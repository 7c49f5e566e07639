/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define VEIL_TYPE_WINDOW (veil_window_get_type ())

G_DECLARE_FINAL_TYPE (VeilWindow, veil_window, VEIL, WINDOW, AdwApplicationWindow)

VeilWindow *veil_window_new        (GtkApplication *application,
                                    GSettings      *settings);
void        veil_window_show_toast (VeilWindow     *self,
                                    const char     *message);

G_END_DECLS
