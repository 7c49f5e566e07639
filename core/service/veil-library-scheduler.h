/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "veil-analyzer.h"
#include "veil-message-guard.h"
#include "veil-profile.h"
#include "veil-schedule-source.h"
#include "veil-scanner.h"
#include "veil-store.h"

G_BEGIN_DECLS

/* A schedule counts as missed once the last check is this much older than its interval. */
#define VEIL_LIBRARY_SCHEDULE_GRACE (24 * 60 * 60)

/* What a due check waited for, as the scheduler notes it for VeilHealth. */
#define VEIL_LIBRARY_WAIT_NONE  "none"
#define VEIL_LIBRARY_WAIT_IDLE  "idle"
#define VEIL_LIBRARY_WAIT_POWER "power"

#define VEIL_TYPE_LIBRARY_SCHEDULER (veil_library_scheduler_get_type ())
G_DECLARE_FINAL_TYPE (VeilLibraryScheduler, veil_library_scheduler, VEIL, LIBRARY_SCHEDULER, GObject)

VeilLibraryScheduler *veil_library_scheduler_new            (VeilAnalyzer         *analyzer,
                                                             VeilStore            *store,
                                                             VeilScheduleSource   *source);
void                  veil_library_scheduler_set_profile    (VeilLibraryScheduler *self,
                                                             VeilProfile          *profile);
void                  veil_library_scheduler_set_guard      (VeilLibraryScheduler *self,
                                                             VeilMessageGuard     *guard);
void                  veil_library_scheduler_set_settle_time (VeilLibraryScheduler *self,
                                                             guint                 milliseconds);
void                  veil_library_scheduler_set_n_workers  (VeilLibraryScheduler *self,
                                                             guint                 n_workers);
gboolean              veil_library_scheduler_get_sweeping   (VeilLibraryScheduler *self);
gint64                veil_library_scheduler_get_next_check (VeilLibraryScheduler *self);

gint64                veil_library_schedule_next_check      (VeilStore            *store,
                                                             VeilProfile          *profile);
char                 *veil_library_schedule_describe        (gint64                last_check,
                                                             gint64                next_check,
                                                             gint64                now);
char                 *veil_library_schedule_get_wait        (VeilStore            *store,
                                                             gint64                profile_id);

G_END_DECLS
