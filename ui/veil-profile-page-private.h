/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "veil.h"

G_BEGIN_DECLS

char *_veil_profile_page_describe_health (VeilHealth     *health,
                                          VeilProtection  protection);

G_END_DECLS
