/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Umbrella header of libveil-ui, the GTK 4 + libadwaita widgets. */

#include "veil-window.h"
#include "veil-preferences-window.h"
