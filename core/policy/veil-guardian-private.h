/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsecret/secret.h>

#include "veil-guardian.h"

G_BEGIN_DECLS

/* The back-off tests move time forward without sleeping. */
typedef gint64 (*VeilGuardianClock) (gpointer user_data);

void _veil_guardian_set_clock (VeilGuardian      *self,
                               VeilGuardianClock  clock,
                               gpointer           user_data);

/* veil-guardian.c, for the other files of VeilGuardian */
const SecretSchema *_veil_guardian_get_schema      (void);
const char         *_veil_guardian_get_data_dir    (VeilGuardian  *self);
GBytes             *_veil_guardian_get_key         (VeilGuardian  *self);
gboolean            _veil_guardian_lookup_secret   (VeilGuardian  *self,
                                                    const char    *kind,
                                                    char         **out_secret,
                                                    GCancellable  *cancellable,
                                                    GError       **error);
gboolean            _veil_guardian_store_secret    (VeilGuardian  *self,
                                                    const char    *kind,
                                                    const char    *label,
                                                    const char    *secret,
                                                    GCancellable  *cancellable,
                                                    GError       **error);
gboolean            _veil_guardian_require_unlocked (VeilGuardian *self,
                                                    GError       **error);

/* veil-guardian-records.c: the last verified settings, kept signed beside the store and in
 * the keyring. Sealing never fails a save: a failure is logged and the next save tries again. */
void                _veil_guardian_seal_settings   (VeilGuardian  *self,
                                                    GCancellable  *cancellable);
void                _veil_guardian_load_verified   (VeilGuardian  *self,
                                                    GCancellable  *cancellable);
void                _veil_guardian_forget_settings (VeilGuardian  *self);

G_END_DECLS
