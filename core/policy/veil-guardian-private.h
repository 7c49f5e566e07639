/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "veil-guardian.h"

G_BEGIN_DECLS

/* The back-off tests move time forward without sleeping. */
typedef gint64 (*VeilGuardianClock) (gpointer user_data);

void _veil_guardian_set_clock (VeilGuardian      *self,
                               VeilGuardianClock  clock,
                               gpointer           user_data);

G_END_DECLS
