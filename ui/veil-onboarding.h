/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "veil.h"

G_BEGIN_DECLS

#define VEIL_TYPE_ONBOARDING (veil_onboarding_get_type ())

G_DECLARE_FINAL_TYPE (VeilOnboarding, veil_onboarding, VEIL, ONBOARDING, AdwBin)

GtkWidget  *veil_onboarding_new      (VeilContext    *context);
const char *veil_onboarding_get_step (VeilOnboarding *self);
void        veil_onboarding_restart  (VeilOnboarding *self);

G_END_DECLS
