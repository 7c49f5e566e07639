/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "veil.h"

G_BEGIN_DECLS

#define VEIL_TYPE_APPLICATION (veil_application_get_type ())

G_DECLARE_FINAL_TYPE (VeilApplication, veil_application, VEIL, APPLICATION, AdwApplication)

VeilApplication *veil_application_new          (void);
GSettings       *veil_application_get_settings (VeilApplication *self);
VeilContext     *veil_application_get_context  (VeilApplication *self);
char            *veil_application_describe_warning (const char  *folder_name,
                                                    const char **out_body);

G_END_DECLS
