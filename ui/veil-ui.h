/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Umbrella header of libveil-ui, the GTK 4 + libadwaita widgets. */

#include "veil-window.h"
#include "veil-preferences-window.h"
#include "veil-onboarding.h"
#include "veil-guardian-lock.h"
#include "veil-guardian-area.h"
#include "veil-profile-page.h"
#include "veil-acknowledgment.h"
#include "veil-transparency-page.h"
#include "veil-alert-card.h"
#include "veil-review-queue.h"
#include "veil-scan-page.h"
#include "veil-hash-list-row.h"
#include "veil-hash-lists.h"
#include "veil-protect-images.h"
#include "veil-protected-image-row.h"
#include "veil-alert-view.h"
#include "veil-blurred-picture.h"
#include "veil-pin-dialog.h"
#include "veil-report-dialog.h"
#include "veil-trusted-adults-dialog.h"
#include "veil-help-list.h"
#include "veil-hash-list-row.h"
#include "veil-proposal-row.h"
#include "veil-ui-utils.h"
