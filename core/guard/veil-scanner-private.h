/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "veil-scanner.h"

G_BEGIN_DECLS

/* Called on a worker thread after each file's results are saved. The crash tests kill the
 * process there to prove that a killed scan loses no finished result and resumes. */
typedef void (*VeilScannerFileHook) (const char *path,
                                     gpointer    user_data);

void _veil_scanner_set_file_hook (VeilScanner         *self,
                                  VeilScannerFileHook  hook,
                                  gpointer             user_data);

/* The system-bus power profile monitor cannot be driven in CI: the tests hand the scanner a
 * monitor of their own to check that power-saver mode pauses a scan and that leaving it
 * resumes. Call before the scan starts. */
void _veil_scanner_set_power_monitor (VeilScanner          *self,
                                      GPowerProfileMonitor *monitor);

G_END_DECLS
