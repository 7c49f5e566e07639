/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "veil-profile.h"

G_BEGIN_DECLS

/* Used by VeilStore: a stored profile gets its row id, version and integrity verdict. */
VeilProfile *_veil_profile_new_from_json (gint64                id,
                                          guint                 version,
                                          const char           *json,
                                          VeilProfileIntegrity  integrity,
                                          GError              **error);
VeilProfile *_veil_profile_copy_with_id  (VeilProfile          *self,
                                          gint64                id,
                                          guint                 version,
                                          VeilProfileIntegrity  integrity);

G_END_DECLS
