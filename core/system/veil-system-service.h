/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "veil-types.h"
#include "veil-store.h"

G_BEGIN_DECLS

/* Errors the VeilSystem1 D-Bus API returns, registered under the D-Bus names
 * io.github.veilapp.VeilSystem1.Error.<Name>. */
#define VEIL_SYSTEM_SERVICE_ERROR (veil_system_service_error_quark ())

typedef enum {
  VEIL_SYSTEM_SERVICE_ERROR_NOT_AUTHORIZED = 1,    /* .NotAuthorized: polkit said no, or not the child's own account */
  VEIL_SYSTEM_SERVICE_ERROR_UNKNOWN_ACCOUNT = 2,   /* .UnknownAccount: no such Unix account, or root */
  VEIL_SYSTEM_SERVICE_ERROR_NO_PROFILE = 3,        /* .NoProfile: no profile is linked to the account */
  VEIL_SYSTEM_SERVICE_ERROR_INVALID_SETTINGS = 4,  /* .InvalidSettings: a setting's key or value */
  VEIL_SYSTEM_SERVICE_ERROR_NOT_ENABLED = 5,       /* .NotEnabled: the guardian has not turned the protection on */
  VEIL_SYSTEM_SERVICE_ERROR_FAILED = 6,            /* .Failed: the store could not be read or written */
} VeilSystemServiceError;

#define VEIL_SYSTEM_BUS_NAME    "io.github.veilapp.VeilSystem1"
#define VEIL_SYSTEM_OBJECT_PATH "/io/github/veilapp/VeilSystem1"

/* Where the service keeps its store unless told otherwise (the unit's StateDirectory=). */
#define VEIL_SYSTEM_STATE_DIR   "/var/lib/veil"

/* The polkit actions of data/polkit-1/actions/io.github.veilapp.VeilSystem1.policy. */
#define VEIL_SYSTEM_ACTION_MANAGE_PROFILES "io.github.veilapp.VeilSystem1.manage-profiles"
#define VEIL_SYSTEM_ACTION_VIEW_ALERTS     "io.github.veilapp.VeilSystem1.view-alerts"
#define VEIL_SYSTEM_ACTION_IMPORT_LISTS    "io.github.veilapp.VeilSystem1.import-lists"
#define VEIL_SYSTEM_ACTION_ERASE           "io.github.veilapp.VeilSystem1.erase"

#define VEIL_TYPE_SYSTEM_SERVICE (veil_system_service_get_type ())
G_DECLARE_FINAL_TYPE (VeilSystemService, veil_system_service, VEIL, SYSTEM_SERVICE, GObject)

GQuark             veil_system_service_error_quark (void);

VeilStore         *veil_system_open_store          (const char          *state_dir,
                                                    GError             **error);

VeilSystemService *veil_system_service_new         (VeilStore           *store);
VeilStore         *veil_system_service_get_store   (VeilSystemService   *self);
gboolean           veil_system_service_export      (VeilSystemService   *self,
                                                    GDBusConnection     *connection,
                                                    GError             **error);
void               veil_system_service_unexport    (VeilSystemService   *self);

G_END_DECLS
