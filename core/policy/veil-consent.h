/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "veil-profile.h"

G_BEGIN_DECLS

/* The plain-language explanation a child sees before a protection becomes active. The same
 * words are used by the acknowledgment screen and by `veilctl consent ack`, and their version
 * is recorded with each acknowledgment: when the words change, the child is asked again. */
typedef struct {
  guint       text_version;
  const char *title;        /* translated */
  const char *summary;      /* one line for the guardian, translated */
  const char *what_it_does; /* for the child, translated */
  const char *what_it_never_does;
  const char *who_is_told;
  const char *child_preview; /* “What the child will see” */
} VeilExplanation;

/* Actors of consent records and audit entries. */
#define VEIL_ACTOR_GUARDIAN "guardian"
#define VEIL_ACTOR_CHILD    "child"
#define VEIL_ACTOR_VEIL     "veil"

void        veil_protection_get_explanation (VeilProtection   protection,
                                             VeilNotify       notify,
                                             VeilExplanation *out);
void        veil_protection_get_explanation_for_profile (VeilProtection   protection,
                                                         VeilProfile     *profile,
                                                         VeilExplanation *out);
guint       veil_protection_get_text_version (VeilProtection  protection);
const char *veil_protection_get_title        (VeilProtection  protection);

G_END_DECLS
