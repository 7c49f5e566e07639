/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "veil-enums.h"

G_BEGIN_DECLS

/* The text Veil stores for an enum value is its GEnum nick (see veil-enums.h); these look
 * nicks up both ways, so the to/from-string functions of each enum are one line each. */
const char *_veil_enum_get_nick  (GType       enum_type,
                                  int         value);
gboolean    _veil_enum_from_nick (GType       enum_type,
                                  const char *nick,
                                  int        *out_value);

G_END_DECLS
