/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "veil-types.h"
#include "veil-profile.h"
#include "veil-store.h"

G_BEGIN_DECLS

#define VEIL_GUARDIAN_ERROR (veil_guardian_error_quark ())

typedef enum {
  VEIL_GUARDIAN_ERROR_KEYRING_UNAVAILABLE = 1,
  VEIL_GUARDIAN_ERROR_NO_PIN = 2,
  VEIL_GUARDIAN_ERROR_WRONG_PIN = 3,
  VEIL_GUARDIAN_ERROR_LOCKED_OUT = 4,
  VEIL_GUARDIAN_ERROR_WEAK_PIN = 5,
  VEIL_GUARDIAN_ERROR_LOCKED = 6,
  VEIL_GUARDIAN_ERROR_FAILED = 7,
} VeilGuardianError;

/* What Veil found about its own records when it opened them. Anything but VERIFIED is a
 * notice the child and the guardian see until the guardian confirms or restores. */
typedef enum {
  VEIL_RECORDS_VERIFIED = 0,
  VEIL_RECORDS_REMOVED = 1,   /* the store was missing or empty while the keyring held Veil's items */
  VEIL_RECORDS_DAMAGED = 2,   /* the store could not be read and was set aside */
  VEIL_RECORDS_CHANGED = 3,   /* a profile row no longer carries Veil's signature */
} VeilRecordsState;

/* Wrong PINs allowed before Veil starts making the guardian wait. */
#define VEIL_GUARDIAN_FREE_ATTEMPTS 3

#define VEIL_TYPE_GUARDIAN (veil_guardian_get_type ())

G_DECLARE_FINAL_TYPE (VeilGuardian, veil_guardian, VEIL, GUARDIAN, GObject)

GQuark        veil_guardian_error_quark          (void);

VeilGuardian *veil_guardian_new                  (VeilStore            *store);
VeilStore    *veil_guardian_get_store            (VeilGuardian         *self);
gboolean      veil_guardian_get_unlocked         (VeilGuardian         *self);
void          veil_guardian_lock                 (VeilGuardian         *self);

gboolean      veil_guardian_check_pin_strength   (const char           *pin,
                                                  GError              **error);
gboolean      veil_guardian_check_keyring        (VeilGuardian         *self,
                                                  GCancellable         *cancellable,
                                                  GError              **error);
gboolean      veil_guardian_has_pin              (VeilGuardian         *self,
                                                  gboolean             *out_has_pin,
                                                  GCancellable         *cancellable,
                                                  GError              **error);
gboolean      veil_guardian_set_pin              (VeilGuardian         *self,
                                                  const char           *old_pin,
                                                  const char           *new_pin,
                                                  GCancellable         *cancellable,
                                                  GError              **error);
void          veil_guardian_set_pin_async        (VeilGuardian         *self,
                                                  const char           *old_pin,
                                                  const char           *new_pin,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean      veil_guardian_set_pin_finish       (VeilGuardian         *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
gboolean      veil_guardian_unlock               (VeilGuardian         *self,
                                                  const char           *pin,
                                                  GCancellable         *cancellable,
                                                  GError              **error);
void          veil_guardian_unlock_async         (VeilGuardian         *self,
                                                  const char           *pin,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean      veil_guardian_unlock_finish        (VeilGuardian         *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
guint         veil_guardian_get_wait_seconds     (VeilGuardian         *self);

VeilProfile  *veil_guardian_save_profile         (VeilGuardian         *self,
                                                  VeilProfile          *profile,
                                                  GError              **error);
gboolean      veil_guardian_delete_profile       (VeilGuardian         *self,
                                                  VeilProfile          *profile,
                                                  GError              **error);
gboolean      veil_guardian_export               (VeilGuardian         *self,
                                                  const char           *dir,
                                                  GError              **error);
gboolean      veil_guardian_erase_all            (VeilGuardian         *self,
                                                  GCancellable         *cancellable,
                                                  GError              **error);

VeilGuardian *veil_guardian_open                 (const char           *db_path,
                                                  GCancellable         *cancellable,
                                                  GError              **keyring_error,
                                                  GError              **error);
VeilRecordsState veil_guardian_check_records     (VeilGuardian         *self,
                                                  gint64               *out_time);
VeilRecordsState veil_guardian_get_records_state (VeilGuardian         *self,
                                                  gint64               *out_time);
gboolean      veil_guardian_confirm_records      (VeilGuardian         *self,
                                                  GError              **error);
gboolean      veil_guardian_restore_records      (VeilGuardian         *self,
                                                  GError              **error);
char         *veil_records_state_describe        (VeilRecordsState      state,
                                                  gint64                time);
const char   *veil_records_state_to_string       (VeilRecordsState      state);

G_END_DECLS
