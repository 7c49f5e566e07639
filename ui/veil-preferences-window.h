/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define VEIL_TYPE_PREFERENCES_WINDOW (veil_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (VeilPreferencesWindow, veil_preferences_window, VEIL, PREFERENCES_WINDOW, AdwPreferencesWindow)

VeilPreferencesWindow *veil_preferences_window_new (GtkWindow *parent,
                                                    GSettings *settings);

G_END_DECLS
