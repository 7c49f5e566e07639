/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "veil.h"

G_BEGIN_DECLS

#define VEIL_TYPE_ALERT_TILE (veil_alert_tile_get_type ())

G_DECLARE_FINAL_TYPE (VeilAlertTile, veil_alert_tile, VEIL, ALERT_TILE, GtkBox)

GtkWidget *veil_alert_tile_new (VeilAlertItem *item);

G_END_DECLS
