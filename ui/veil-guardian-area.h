/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "veil.h"

G_BEGIN_DECLS

#define VEIL_TYPE_GUARDIAN_AREA (veil_guardian_area_get_type ())

G_DECLARE_FINAL_TYPE (VeilGuardianArea, veil_guardian_area, VEIL, GUARDIAN_AREA, AdwBin)

GtkWidget *veil_guardian_area_new               (VeilContext      *context);
void       veil_guardian_area_reload            (VeilGuardianArea *self);
void       veil_guardian_area_set_lock_timeout  (VeilGuardianArea *self,
                                                 guint             seconds);
GtkWidget *veil_guardian_area_get_profile_page  (VeilGuardianArea *self);
GtkWidget *veil_guardian_area_get_title_widget  (VeilGuardianArea *self);
gboolean   veil_guardian_area_go_back           (VeilGuardianArea *self);

G_END_DECLS
