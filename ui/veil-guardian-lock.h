/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "veil.h"

G_BEGIN_DECLS

#define VEIL_TYPE_GUARDIAN_LOCK (veil_guardian_lock_get_type ())

G_DECLARE_FINAL_TYPE (VeilGuardianLock, veil_guardian_lock, VEIL, GUARDIAN_LOCK, AdwBin)

GtkWidget *veil_guardian_lock_new     (VeilContext      *context);
gboolean   veil_guardian_lock_refresh (VeilGuardianLock *self);

G_END_DECLS
