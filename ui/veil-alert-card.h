/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "veil.h"

G_BEGIN_DECLS

#define VEIL_TYPE_ALERT_CARD (veil_alert_card_get_type ())

G_DECLARE_FINAL_TYPE (VeilAlertCard, veil_alert_card, VEIL, ALERT_CARD, AdwBin)

GtkWidget *veil_alert_card_new           (VeilContext     *context,
                                          VeilProfile     *profile,
                                          const VeilAlert *alert,
                                          GBytes          *thumbnail);
VeilAlert *veil_alert_card_get_alert     (VeilAlertCard *self);
gboolean   veil_alert_card_get_revealed  (VeilAlertCard *self);

G_END_DECLS
