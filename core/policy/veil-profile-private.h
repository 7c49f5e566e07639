/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "veil-profile.h"

G_BEGIN_DECLS

/* VeilProfile is one value over three files sharing this header: veil-profile.c (the value
 * and its builder), veil-profile-json.c (the signed JSON text) and veil-profile-settings.c
 * (the `key=value` settings of veilctl and the age-band proposals). */

#define VEIL_PROFILE_MAX_NAME_LENGTH 64
#define VEIL_PROFILE_MAX_RETENTION_DAYS 3650
#define VEIL_PROFILE_MAX_MATCH_THRESHOLD 100

/* A child's profile: an immutable, refcounted value. Changes go through a builder, and the
 * store keeps every saved version, so what a guardian chose is never edited in place. */
struct _VeilProfile
{
  gatomicrefcount       ref_count;

  /* Set by the store */
  gint64                id;
  guint                 version;
  VeilProfileIntegrity  integrity;

  /* Who */
  char                 *name;
  VeilAgeBand           age_band;
  int                   birth_year;      /* 0 when not given */
  char                 *unix_user;       /* nullable */

  /* What is on */
  gboolean              protections[VEIL_N_PROTECTIONS];
  GStrv                 folders;         /* library-scan folders, never NULL */
  GStrv                 message_folders; /* attachment folders, never NULL; empty: the defaults */
  gboolean              hide_warned;     /* under 13 only: move warned pictures into Veil's folder */
  VeilSensitivity       sensitivity;
  gboolean              view_needs_pin;  /* under 13: viewing a warned image needs the PIN */
  VeilUncheckedRule     unchecked_rule;  /* DEFAULT: by the effective age band */
  VeilSecondOpinionRule second_opinion;  /* DEFAULT: by the sensitivity */
  VeilScanSchedule      scan_schedule;   /* when the service checks the folders by itself */

  /* Data */
  guint                 retention_days;
  guint                 match_threshold;

  /* Trusted adults, parallel arrays */
  GPtrArray            *trusted_names;
  GPtrArray            *trusted_contacts;
};

VeilProfile *_veil_profile_new_empty     (void);
VeilProfile *_veil_profile_copy          (VeilProfile          *src);
gboolean     _veil_profile_validate_name (const char           *name,
                                          GError              **error);

/* Used by VeilStore: a stored profile gets its row id, version and integrity verdict. */
VeilProfile *_veil_profile_new_from_json (gint64                id,
                                          guint                 version,
                                          const char           *json,
                                          VeilProfileIntegrity  integrity,
                                          GError              **error);
VeilProfile *_veil_profile_copy_with_id  (VeilProfile          *self,
                                          gint64                id,
                                          guint                 version,
                                          VeilProfileIntegrity  integrity);

G_END_DECLS
