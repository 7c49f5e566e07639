/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "veil.h"

G_BEGIN_DECLS

#define VEIL_TYPE_ACKNOWLEDGMENT (veil_acknowledgment_get_type ())

G_DECLARE_FINAL_TYPE (VeilAcknowledgment, veil_acknowledgment, VEIL, ACKNOWLEDGMENT, AdwBin)

GtkWidget      *veil_acknowledgment_new            (VeilContext        *context);
void            veil_acknowledgment_set_profile    (VeilAcknowledgment *self,
                                                    VeilProfile        *profile);
VeilProfile    *veil_acknowledgment_get_profile    (VeilAcknowledgment *self);
gboolean        veil_acknowledgment_get_protection (VeilAcknowledgment *self,
                                                    VeilProtection     *out_protection);

G_END_DECLS
