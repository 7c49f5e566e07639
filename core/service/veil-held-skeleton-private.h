/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "veil-analyzer1-dbus.h"

G_BEGIN_DECLS

/* The Analyzer1 skeleton, able to hold calls: while held, method calls and property reads
 * wait (up to a bound) instead of being answered, and are answered in order when released.
 * A just-activated Veil owns its name before it has read the linked profile; answering then
 * would say "disabled" about an account whose protection is on. */
#define VEIL_TYPE_HELD_SKELETON (veil_held_skeleton_get_type ())
G_DECLARE_FINAL_TYPE (VeilHeldSkeleton, veil_held_skeleton, VEIL, HELD_SKELETON, VeilDBusAnalyzer1Skeleton)

/* Calls beyond this many while held are refused at once as busy. */
#define VEIL_HELD_SKELETON_MAX_HELD 64

VeilDBusAnalyzer1 *veil_held_skeleton_new     (void);
void               veil_held_skeleton_hold    (VeilHeldSkeleton *self);
void               veil_held_skeleton_release (VeilHeldSkeleton *self);
gboolean           veil_held_skeleton_is_held (VeilHeldSkeleton *self);

G_END_DECLS
