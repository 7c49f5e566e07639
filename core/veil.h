/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Umbrella header of libveil, the GTK-free core. */

#include "veil-types.h"
#include "veil-paths.h"
#include "veil-image.h"
#include "veil-pdq.h"
#include "veil-hash-list.h"
#include "veil-hash-index.h"
/* issue 4 */
#include "veil-model.h"
#include "veil-classifier.h"
#include "veil-classifier-result.h"
#include "veil-classifier-policy.h"
#include "veil-nsfw-classifier.h"
#include "veil-heatmap.h"
/* issue 5 */
#include "veil-profile.h"
#include "veil-consent.h"
#include "veil-store.h"
#include "veil-guardian.h"
#include "veil-context.h"
/* issue 7 */
#include "veil-help-resources.h"
#include "veil-report.h"
#include "veil-watcher.h"
#include "veil-analyzer-service.h"
#include "veil-message-guard.h"
#include "veil-autostart.h"
/* issue 6 */
#include "veil-verdict.h"
#include "veil-analyzer.h"
#include "veil-scan-store.h"
#include "veil-scanner.h"
