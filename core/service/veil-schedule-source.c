/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-schedule-source"

#include "config.h"

#include "veil-schedule-source.h"

/* VeilScheduleSource: the conditions a scheduled folder check waits for, behind an
 * interface so that the tests can drive them. VeilSessionSource reads them from the desktop,
 * all by signals, never by polling: GNOME's idle monitor (or, without it, the screen saver
 * being active), GPowerProfileMonitor and UPower's battery warning level. A part the desktop
 * lacks is left out: without any idle monitor the session counts as idle once that is known,
 * so that checks still happen, at low CPU and I/O priority. */

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint source_signals[N_SIGNALS];

G_DEFINE_INTERFACE (VeilScheduleSource, veil_schedule_source, G_TYPE_OBJECT)

static void
veil_schedule_source_default_init (VeilScheduleSourceInterface *iface)
{
  /**
   * VeilScheduleSource::changed:
   *
   * The session's idle state, power-saver mode or battery level may have changed.
   */
  source_signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

gboolean
veil_schedule_source_get_idle (VeilScheduleSource *self)
{
  g_return_val_if_fail (VEIL_IS_SCHEDULE_SOURCE (self), FALSE);
  return VEIL_SCHEDULE_SOURCE_GET_IFACE (self)->get_idle (self);
}

gboolean
veil_schedule_source_get_power_saver (VeilScheduleSource *self)
{
  g_return_val_if_fail (VEIL_IS_SCHEDULE_SOURCE (self), FALSE);
  return VEIL_SCHEDULE_SOURCE_GET_IFACE (self)->get_power_saver (self);
}

gboolean
veil_schedule_source_get_low_battery (VeilScheduleSource *self)
{
  g_return_val_if_fail (VEIL_IS_SCHEDULE_SOURCE (self), FALSE);
  return VEIL_SCHEDULE_SOURCE_GET_IFACE (self)->get_low_battery (self);
}

/* For implementations: tells the scheduler to look again. */
void
veil_schedule_source_changed (VeilScheduleSource *self)
{
  g_return_if_fail (VEIL_IS_SCHEDULE_SOURCE (self));
  g_signal_emit (self, source_signals[SIGNAL_CHANGED], 0);
}

/* --- The desktop session ------------------------------------------------------------------- */

/* UPower's WarningLevel from which the battery counts as low (3 = low, 4 = critical). */
#define UPOWER_WARNING_LOW 3

struct _VeilSessionSource
{
  GObject               parent_instance;

  GCancellable         *cancellable;
  GPowerProfileMonitor *power;         /* nullable */
  GDBusProxy           *idle_monitor;  /* org.gnome.Mutter.IdleMonitor, nullable */
  GDBusProxy           *screensaver;   /* org.gnome.ScreenSaver, nullable */
  GDBusProxy           *battery;       /* UPower's display device, nullable */
  guint                 idle_watch;
  gboolean              idle;
};

static void veil_session_source_iface_init (VeilScheduleSourceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VeilSessionSource, veil_session_source, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (VEIL_TYPE_SCHEDULE_SOURCE, veil_session_source_iface_init))

static void
set_idle (VeilSessionSource *self,
          gboolean           idle)
{
  if (self->idle == idle)
    return;
  self->idle = idle;
  veil_schedule_source_changed (VEIL_SCHEDULE_SOURCE (self));
}

static void
watch_added_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GVariant) reply = g_dbus_proxy_call_finish (G_DBUS_PROXY (source), result, NULL);
  guint *watch = user_data;

  if (reply != NULL && watch != NULL)
    g_variant_get (reply, "(u)", watch);
}

static void
add_active_watch (VeilSessionSource *self)
{
  /* One-shot: it fires at the next input, then the idle watch takes over again. */
  g_dbus_proxy_call (self->idle_monitor, "AddUserActiveWatch", NULL, G_DBUS_CALL_FLAGS_NONE, -1,
                     self->cancellable, watch_added_cb, NULL);
}

/* Idle now: the next input ends it. */
static void
became_idle (VeilSessionSource *self)
{
  add_active_watch (self);
  set_idle (self, TRUE);
}

static void
idle_signal_cb (GDBusProxy        *proxy,
                const char        *sender,
                const char        *signal_name,
                GVariant          *parameters,
                VeilSessionSource *self)
{
  guint id;

  if (!g_str_equal (signal_name, "WatchFired") || !g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(u)")))
    return;
  g_variant_get (parameters, "(u)", &id);
  if (id == self->idle_watch)
    became_idle (self);
  else
    set_idle (self, FALSE);
}

static void
idle_time_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GVariant) reply = g_dbus_proxy_call_finish (G_DBUS_PROXY (source), result, NULL);
  VeilSessionSource *self = user_data;
  guint64 idle_ms = 0;

  if (reply == NULL)
    return;
  g_variant_get (reply, "(t)", &idle_ms);
  if (idle_ms >= VEIL_SESSION_SOURCE_IDLE_MS)
    became_idle (self);
}

static void
screensaver_signal_cb (GDBusProxy        *proxy,
                       const char        *sender,
                       const char        *signal_name,
                       GVariant          *parameters,
                       VeilSessionSource *self)
{
  gboolean active;

  if (!g_str_equal (signal_name, "ActiveChanged") || !g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(b)")))
    return;
  g_variant_get (parameters, "(b)", &active);
  set_idle (self, active);
}

/* The proxy @result made, and whether its service runs (@has_owner). FALSE when the
 * source was disposed meanwhile (the call was cancelled) and @user_data is gone. */
static gboolean
finish_proxy (GAsyncResult  *result,
              GDBusProxy   **proxy_out,
              gboolean      *has_owner)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *owner = NULL;

  *proxy_out = g_dbus_proxy_new_for_bus_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;
  owner = *proxy_out != NULL ? g_dbus_proxy_get_name_owner (*proxy_out) : NULL;
  *has_owner = owner != NULL;
  return TRUE;
}

static void
screensaver_ready_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GDBusProxy) proxy = NULL;
  VeilSessionSource *self = user_data;
  gboolean has_owner;

  if (!finish_proxy (result, &proxy, &has_owner))
    return;
  if (!has_owner)
    {
      /* Nothing tells idle from busy: checks run at low priority whenever they are due. */
      set_idle (self, TRUE);
      return;
    }
  self->screensaver = g_steal_pointer (&proxy);
  g_signal_connect_object (self->screensaver, "g-signal", G_CALLBACK (screensaver_signal_cb), self, 0);
}

static void
idle_monitor_ready_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GDBusProxy) proxy = NULL;
  VeilSessionSource *self = user_data;
  gboolean has_owner;

  if (!finish_proxy (result, &proxy, &has_owner))
    return;
  if (proxy == NULL)
    {
      set_idle (self, TRUE);  /* no session bus: nothing tells idle from busy */
      return;
    }
  if (!has_owner)
    {
      g_dbus_proxy_new_for_bus (G_BUS_TYPE_SESSION, G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES | G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START,
                                  NULL, "org.gnome.ScreenSaver", "/org/gnome/ScreenSaver", "org.gnome.ScreenSaver",
                                  self->cancellable, screensaver_ready_cb, self);
      return;
    }
  self->idle_monitor = g_steal_pointer (&proxy);
  g_signal_connect_object (self->idle_monitor, "g-signal", G_CALLBACK (idle_signal_cb), self, 0);
  g_dbus_proxy_call (self->idle_monitor, "AddIdleWatch", g_variant_new ("(t)", (guint64) VEIL_SESSION_SOURCE_IDLE_MS),
                     G_DBUS_CALL_FLAGS_NONE, -1, self->cancellable, watch_added_cb, &self->idle_watch);
  g_dbus_proxy_call (self->idle_monitor, "GetIdletime", NULL, G_DBUS_CALL_FLAGS_NONE, -1,
                     self->cancellable, idle_time_cb, self);
}

static void
battery_changed_cb (VeilSessionSource *self)
{
  veil_schedule_source_changed (VEIL_SCHEDULE_SOURCE (self));
}

static void
battery_ready_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GDBusProxy) proxy = g_dbus_proxy_new_for_bus_finish (result, NULL);
  g_autofree char *owner = proxy != NULL ? g_dbus_proxy_get_name_owner (proxy) : NULL;
  VeilSessionSource *self;

  if (owner == NULL)
    return;  /* no UPower (or no system bus): no battery to spare */
  self = user_data;
  self->battery = g_steal_pointer (&proxy);
  g_signal_connect_object (self->battery, "g-properties-changed", G_CALLBACK (battery_changed_cb), self, G_CONNECT_SWAPPED);
  veil_schedule_source_changed (VEIL_SCHEDULE_SOURCE (self));
}

static gboolean
veil_session_source_get_idle (VeilScheduleSource *source)
{
  return VEIL_SESSION_SOURCE (source)->idle;
}

static gboolean
veil_session_source_get_power_saver (VeilScheduleSource *source)
{
  VeilSessionSource *self = VEIL_SESSION_SOURCE (source);

  return self->power != NULL && g_power_profile_monitor_get_power_saver_enabled (self->power);
}

static gboolean
veil_session_source_get_low_battery (VeilScheduleSource *source)
{
  VeilSessionSource *self = VEIL_SESSION_SOURCE (source);
  g_autoptr(GVariant) level = NULL;

  if (self->battery == NULL)
    return FALSE;
  level = g_dbus_proxy_get_cached_property (self->battery, "WarningLevel");
  return level != NULL && g_variant_is_of_type (level, G_VARIANT_TYPE_UINT32) &&
         g_variant_get_uint32 (level) >= UPOWER_WARNING_LOW;
}

static void
veil_session_source_iface_init (VeilScheduleSourceInterface *iface)
{
  iface->get_idle = veil_session_source_get_idle;
  iface->get_power_saver = veil_session_source_get_power_saver;
  iface->get_low_battery = veil_session_source_get_low_battery;
}

static void
veil_session_source_dispose (GObject *object)
{
  VeilSessionSource *self = VEIL_SESSION_SOURCE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->idle_monitor != NULL && self->idle_watch != 0)
    g_dbus_proxy_call (self->idle_monitor, "RemoveWatch", g_variant_new ("(u)", self->idle_watch),
                       G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, NULL, NULL, NULL);
  g_clear_object (&self->idle_monitor);
  g_clear_object (&self->screensaver);
  g_clear_object (&self->battery);
  g_clear_object (&self->power);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (veil_session_source_parent_class)->dispose (object);
}

static void
veil_session_source_class_init (VeilSessionSourceClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = veil_session_source_dispose;
}

static void
veil_session_source_init (VeilSessionSource *self)
{
  const GDBusProxyFlags flags = G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES | G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START;

  self->cancellable = g_cancellable_new ();
  /* Busy until the desktop says otherwise, so that no check starts at login only to stop. */
  self->idle = FALSE;
  self->power = g_power_profile_monitor_dup_default ();
  if (self->power != NULL)
    g_signal_connect_object (self->power, "notify::power-saver-enabled",
                             G_CALLBACK (veil_schedule_source_changed), self, G_CONNECT_SWAPPED);
  g_dbus_proxy_new_for_bus (G_BUS_TYPE_SESSION, flags, NULL, "org.gnome.Mutter.IdleMonitor",
                            "/org/gnome/Mutter/IdleMonitor/Core", "org.gnome.Mutter.IdleMonitor",
                            self->cancellable, idle_monitor_ready_cb, self);
  g_dbus_proxy_new_for_bus (G_BUS_TYPE_SYSTEM, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START, NULL,
                            "org.freedesktop.UPower", "/org/freedesktop/UPower/devices/DisplayDevice",
                            "org.freedesktop.UPower.Device", self->cancellable, battery_ready_cb, self);
}

/**
 * veil_session_source_new:
 *
 * Returns: (transfer full): the conditions of this desktop session
 */
VeilScheduleSource *
veil_session_source_new (void)
{
  return g_object_new (VEIL_TYPE_SESSION_SOURCE, NULL);
}
