/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Helpers shared by bench/pdq and bench/match. */

void    veil_bench_rm_rf      (const char *path);
guint64 veil_bench_rss_bytes  (void);

G_END_DECLS
