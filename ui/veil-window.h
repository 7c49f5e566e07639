/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "veil.h"

G_BEGIN_DECLS

#define VEIL_TYPE_WINDOW (veil_window_get_type ())

G_DECLARE_FINAL_TYPE (VeilWindow, veil_window, VEIL, WINDOW, AdwApplicationWindow)

VeilWindow *veil_window_new              (GtkApplication *application,
                                          VeilContext    *context);
void        veil_window_show_toast       (VeilWindow     *self,
                                          const char     *message);
const char *veil_window_get_visible_page (VeilWindow     *self);
GtkWidget  *veil_window_get_page         (VeilWindow     *self,
                                          const char     *name);
void        veil_window_show_alert       (VeilWindow     *self,
                                          gint64          alert_id);

G_END_DECLS
