/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <vips/vips.h>

G_BEGIN_DECLS

/* Helpers shared by the benchmarks. */

void    veil_bench_rm_rf           (const char *path);
guint64 veil_bench_rss_bytes       (void);
guint64 veil_bench_process_rss     (GPid        pid);
guint64 veil_bench_process_cpu_ticks (GPid      pid);
void    veil_bench_process_rss_parts (GPid      pid,
                                      guint64  *anon,
                                      guint64  *file);
VipsImage *veil_bench_make_photo (int         width,
                                  int         height,
                                  guint32     seed);
void    veil_bench_summarize       (double     *values,
                                    guint       n,
                                    double     *median,
                                    double     *p95);

G_END_DECLS
