/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "veil-types.h"
#include "veil-profile.h"

G_BEGIN_DECLS

/* The background service writes its heartbeat this often; it counts as running while the
 * last one is younger than VEIL_HEALTH_HEARTBEAT_MISSED of these intervals. */
#define VEIL_HEALTH_HEARTBEAT_INTERVAL 60
#define VEIL_HEALTH_HEARTBEAT_MISSED   3

/* Where a protection stands. Active means protecting: turned on, acknowledged and running. */
typedef enum {
  VEIL_HEALTH_STATE_OFF = 0,          /*< nick=off >*/
  VEIL_HEALTH_STATE_WAITING = 1,      /*< nick=waiting >*/
  VEIL_HEALTH_STATE_ACTIVE = 2,       /*< nick=active >*/
  VEIL_HEALTH_STATE_NOT_WORKING = 3,  /*< nick=not-working >*/
} VeilHealthState;

/* Why a protection that is on does not run. */
typedef enum {
  VEIL_HEALTH_PROBLEM_NOT_LINKED = 1,         /*< nick=not-linked >*/
  VEIL_HEALTH_PROBLEM_UNKNOWN_ACCOUNT = 2,    /*< nick=unknown-account >*/
  VEIL_HEALTH_PROBLEM_OTHER_ACCOUNT = 3,      /*< nick=other-account >*/
  VEIL_HEALTH_PROBLEM_NO_FOLDERS = 4,         /*< nick=no-folders >*/
  VEIL_HEALTH_PROBLEM_FOLDER_MISSING = 5,     /*< nick=folder-missing >*/
  VEIL_HEALTH_PROBLEM_FOLDER_UNREADABLE = 6,  /*< nick=folder-unreadable >*/
  VEIL_HEALTH_PROBLEM_MODEL = 7,              /*< nick=model >*/
  VEIL_HEALTH_PROBLEM_SERVICE_STOPPED = 8,    /*< nick=service-stopped >*/
  VEIL_HEALTH_PROBLEM_STORE = 9,              /*< nick=store >*/
  VEIL_HEALTH_PROBLEM_ACCOUNT_TAKEN = 10,     /*< nick=account-taken >*/
  VEIL_HEALTH_PROBLEM_NOTHING_CHECKED = 11,   /*< nick=nothing-checked >*/
  VEIL_HEALTH_PROBLEM_SCHEDULE_MISSED = 12,   /*< nick=schedule-missed >*/
} VeilHealthProblemKind;

/* One problem: what is wrong and what fixes it, both translated sentences. */
typedef struct {
  VeilHealthProblemKind  kind;
  char                  *reason;
  char                  *action;
} VeilHealthProblem;

#define VEIL_TYPE_HEALTH_PROBLEM (veil_health_problem_get_type ())
#define VEIL_TYPE_HEALTH (veil_health_get_type ())
G_DECLARE_FINAL_TYPE (VeilHealth, veil_health, VEIL, HEALTH, GObject)

GType              veil_health_problem_get_type     (void) G_GNUC_CONST;
VeilHealthProblem *veil_health_problem_copy         (const VeilHealthProblem *problem);
void               veil_health_problem_free         (VeilHealthProblem       *problem);

VeilHealth        *veil_health_check                (VeilStore            *store,
                                                     VeilProfile          *profile,
                                                     GCancellable         *cancellable);
void               veil_health_check_async          (VeilStore            *store,
                                                     VeilProfile          *profile,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
VeilHealth        *veil_health_check_finish         (GAsyncResult         *result,
                                                     GError              **error);
void               veil_health_check_all_async      (VeilStore            *store,
                                                     GPtrArray            *profiles,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
GPtrArray         *veil_health_check_all_finish     (GAsyncResult         *result,
                                                     GError              **error);

VeilProfile       *veil_health_get_profile          (VeilHealth           *self);
VeilHealthState    veil_health_get_state            (VeilHealth           *self,
                                                     VeilProtection        protection);
GPtrArray         *veil_health_get_problems         (VeilHealth           *self,
                                                     VeilProtection        protection);
gint64             veil_health_get_last_check       (VeilHealth           *self,
                                                     VeilProtection        protection);
gint64             veil_health_get_next_check       (VeilHealth           *self);
gboolean           veil_health_is_working           (VeilHealth           *self);
gint64             veil_health_get_heartbeat        (VeilHealth           *self);
gboolean           veil_health_service_is_running   (VeilHealth           *self);
const char        *veil_health_get_service_user     (VeilHealth           *self);
char              *veil_health_describe             (VeilHealth           *self,
                                                     VeilProtection        protection);
const char        *veil_health_state_to_string      (VeilHealthState       state);
const char        *veil_health_problem_kind_to_string (VeilHealthProblemKind kind);

gboolean           veil_health_record_heartbeat     (VeilStore            *store,
                                                     const char           *user,
                                                     gint64                profile_id,
                                                     gint64                time,
                                                     GError              **error);
gboolean           veil_health_clear_heartbeat      (VeilStore            *store,
                                                     GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilHealthProblem, veil_health_problem_free)

G_END_DECLS
