/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "veil.h"

G_BEGIN_DECLS

/* Helpers for the benches that scan a photo library with Veil's own analysis (kept apart
 * from veil-bench-utils, which benches without libveil use too). */

VeilNsfwClassifier *veil_bench_load_classifier (VeilModel  **model);
VeilProfile        *veil_bench_save_profile    (VeilStore   *store,
                                                const char  *folder);

G_END_DECLS
