/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define VEIL_TYPE_TALKING_HELP (veil_talking_help_get_type ())

G_DECLARE_FINAL_TYPE (VeilTalkingHelp, veil_talking_help, VEIL, TALKING_HELP, AdwBin)

GtkWidget *veil_talking_help_new (void);

G_END_DECLS
