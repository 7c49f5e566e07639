/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* What a scheduled folder check waits for: the session idle, no power-saver mode, no low
 * battery. VeilSessionSource reads them from the desktop; the tests hand the scheduler a
 * source of their own. Implementations emit "changed" whenever one of them may have changed. */
#define VEIL_TYPE_SCHEDULE_SOURCE (veil_schedule_source_get_type ())
G_DECLARE_INTERFACE (VeilScheduleSource, veil_schedule_source, VEIL, SCHEDULE_SOURCE, GObject)

struct _VeilScheduleSourceInterface
{
  GTypeInterface parent_iface;

  gboolean (*get_idle)        (VeilScheduleSource *self);
  gboolean (*get_power_saver) (VeilScheduleSource *self);
  gboolean (*get_low_battery) (VeilScheduleSource *self);
};

gboolean            veil_schedule_source_get_idle        (VeilScheduleSource *self);
gboolean            veil_schedule_source_get_power_saver (VeilScheduleSource *self);
gboolean            veil_schedule_source_get_low_battery (VeilScheduleSource *self);
void                veil_schedule_source_changed         (VeilScheduleSource *self);

/* Idle this long (GNOME's idle monitor) before a scheduled check starts. */
#define VEIL_SESSION_SOURCE_IDLE_MS (3 * 60 * 1000)

#define VEIL_TYPE_SESSION_SOURCE (veil_session_source_get_type ())
G_DECLARE_FINAL_TYPE (VeilSessionSource, veil_session_source, VEIL, SESSION_SOURCE, GObject)

VeilScheduleSource *veil_session_source_new              (void);

G_END_DECLS
