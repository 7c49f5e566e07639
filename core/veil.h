/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Umbrella header of libveil, the GTK-free core, by subsystem (see docs/architecture.md). */

#include "veil-types.h"
#include "veil-paths.h"
#include "veil-help-resources.h"

/* image/: decoding, PDQ, heatmap */
#include "veil-image.h"
#include "veil-pdq.h"
#include "veil-heatmap.h"

/* hash/: hash lists and their index */
#include "veil-hash-list.h"
#include "veil-hash-index.h"
#include "veil-hash-json.h"

/* classify/: model, classifier, policy */
#include "veil-model.h"
#include "veil-classifier.h"
#include "veil-classifier-result.h"
#include "veil-classifier-policy.h"
#include "veil-nsfw-classifier.h"

/* worker/: analysis of untrusted files in isolated processes */
#include "veil-worker-result.h"
#include "veil-worker-pool.h"

/* policy/: profiles, consent, guardian, verdicts, analyzer, reports */
#include "veil-profile.h"
#include "veil-consent.h"
#include "veil-guardian.h"
#include "veil-verdict.h"
#include "veil-analyzer.h"
#include "veil-report.h"

/* store/: the store, models of its rows, pipelines that fill it */
#include "veil-store.h"
#include "veil-store-json.h"
#include "veil-record-model.h"
#include "veil-alert-model.h"
#include "veil-report-model.h"
#include "veil-hash-list-model.h"
#include "veil-protected-image-model.h"
#include "veil-hash-list-import.h"
#include "veil-protect-pictures.h"

/* guard/: watcher, library scanner, message guard */
#include "veil-watcher.h"
#include "veil-scanner.h"
#include "veil-message-guard.h"

/* service/: the Analyzer D-Bus API and the scheduled folder checks */
#include "veil-analyzer-service.h"
#include "veil-library-scheduler.h"
#include "veil-schedule-source.h"

/* health/: whether each protection really runs */
#include "veil-health.h"

#include "veil-context.h"

/* GEnum types of the enums above (generated) */
#include "veil-enums.h"
