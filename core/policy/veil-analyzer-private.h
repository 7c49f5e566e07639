/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "veil-analyzer.h"

G_BEGIN_DECLS

/* VeilAnalyzer is one class over two files: veil-analyzer.c (lists, policy, one decoded
 * picture) and veil-analyzer-file.c (files, through the workers or in this process). */

void _veil_analyzer_get_limits (VeilAnalyzer    *self,
                                VeilImageLimits *limits);

G_END_DECLS
