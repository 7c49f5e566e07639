/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "veil.h"

G_BEGIN_DECLS

/* The background service as a child meets it, for the benches that measure it from outside:
 * `veil --gapplication-service` in its own process on a private session bus, with the bench
 * standing in for the notification server. Failures end the bench (g_error). */

typedef struct _VeilBenchService VeilBenchService;

void              veil_bench_use_private_dirs        (const char       *dir);
void              veil_bench_write_file              (const char       *path,
                                                      GBytes           *bytes);
void              veil_bench_wait_seconds            (guint             seconds);
VeilProfile      *veil_bench_save_warnings_profile   (const char       *downloads,
                                                      VeilAgeBand       age_band,
                                                      VeilHashList     *list,
                                                      VeilStore       **out_store);

VeilBenchService *veil_bench_service_start           (void);
GDBusConnection  *veil_bench_service_get_connection  (VeilBenchService *self);
const char       *veil_bench_service_get_address     (VeilBenchService *self);
GPid              veil_bench_service_get_pid         (VeilBenchService *self);
guint             veil_bench_service_get_n_notifications (VeilBenchService *self);
gboolean          veil_bench_service_wait_notifications  (VeilBenchService *self,
                                                          guint             n,
                                                          guint             timeout_s);
guint64           veil_bench_service_get_peak_rss    (VeilBenchService *self);
void              veil_bench_service_stop            (VeilBenchService *self);

G_END_DECLS
