/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "veil-types.h"

G_BEGIN_DECLS

#define VEIL_PROFILE_ERROR (veil_profile_error_quark ())

typedef enum {
  VEIL_PROFILE_ERROR_INVALID_NAME = 1,
  VEIL_PROFILE_ERROR_UNKNOWN_KEY = 2,
  VEIL_PROFILE_ERROR_INVALID_VALUE = 3,
  VEIL_PROFILE_ERROR_INVALID_DATA = 4,
} VeilProfileError;

typedef enum {
  VEIL_AGE_BAND_UNKNOWN = 0,      /*< nick=unknown >*/
  VEIL_AGE_BAND_UNDER_13 = 1,     /*< nick=under-13 >*/
  VEIL_AGE_BAND_13_15 = 2,        /*< nick=13-15 >*/
  VEIL_AGE_BAND_16_17 = 3,        /*< nick=16-17 >*/
} VeilAgeBand;

typedef enum {
  VEIL_SENSITIVITY_RELAXED = 0,   /*< nick=relaxed >*/
  VEIL_SENSITIVITY_STANDARD = 1,  /*< nick=standard >*/
  VEIL_SENSITIVITY_STRICT = 2,    /*< nick=strict >*/
} VeilSensitivity;

/* What the child sees of a picture Veil could not check. "default" follows the age: blur
 * under 13, allow (shown, and listed for review) from 13. */
typedef enum {
  VEIL_UNCHECKED_RULE_DEFAULT = 0,  /*< nick=default >*/
  VEIL_UNCHECKED_RULE_BLUR = 1,     /*< nick=blur >*/
  VEIL_UNCHECKED_RULE_ALLOW = 2,    /*< nick=allow >*/
} VeilUncheckedRule;

/* Whether a second model may overrule the first model's borderline flags
 * (data/models/README.md). "default" follows the sensitivity: on for relaxed and standard,
 * off for strict, where a guardian asked for every doubtful picture to be blurred. */
typedef enum {
  VEIL_SECOND_OPINION_RULE_DEFAULT = 0,  /*< nick=default >*/
  VEIL_SECOND_OPINION_RULE_ON = 1,       /*< nick=on >*/
  VEIL_SECOND_OPINION_RULE_OFF = 2,      /*< nick=off >*/
} VeilSecondOpinionRule;

/* How often the background service checks the picture folders by itself. "daily" is what
 * turning folder checks on means; "off" leaves only the checks a guardian starts. */
typedef enum {
  VEIL_SCAN_SCHEDULE_DAILY = 0,   /*< nick=daily >*/
  VEIL_SCAN_SCHEDULE_WEEKLY = 1,  /*< nick=weekly >*/
  VEIL_SCAN_SCHEDULE_OFF = 2,     /*< nick=off >*/
} VeilScanSchedule;

typedef enum {
  VEIL_NOTIFY_NOBODY = 0,         /*< nick=nobody >*/
  VEIL_NOTIFY_GUARDIAN = 1,       /*< nick=guardian >*/
} VeilNotify;

/* The things a guardian turns on and a child acknowledges, one explanation screen each. */
typedef enum {
  VEIL_PROTECTION_MESSAGE_WARNINGS = 0,  /*< nick=message-warnings >*/
  VEIL_PROTECTION_LIBRARY_SCAN = 1,      /*< nick=library-scan >*/
  VEIL_PROTECTION_GUARDIAN_ALERTS = 2,   /*< nick=guardian-alerts >*/
  VEIL_N_PROTECTIONS                     /*< skip >*/
} VeilProtection;

typedef enum {
  VEIL_PROFILE_INTEGRITY_UNCHECKED = 0,
  VEIL_PROFILE_INTEGRITY_OK = 1,
  VEIL_PROFILE_INTEGRITY_TAMPERED = 2,
} VeilProfileIntegrity;

/* Defaults of a new profile; see the property documentation in veil-profile.c. */
#define VEIL_PROFILE_DEFAULT_RETENTION_DAYS 30
#define VEIL_PROFILE_DEFAULT_MATCH_THRESHOLD 3

#define VEIL_TYPE_PROFILE (veil_profile_get_type ())
#define VEIL_TYPE_PROFILE_BUILDER (veil_profile_builder_get_type ())

GQuark                veil_profile_error_quark               (void);
GType                 veil_profile_get_type                  (void) G_GNUC_CONST;
GType                 veil_profile_builder_get_type          (void) G_GNUC_CONST;

VeilProfile          *veil_profile_ref                       (VeilProfile      *self);
void                  veil_profile_unref                     (VeilProfile      *self);

gint64                veil_profile_get_id                    (VeilProfile      *self);
guint                 veil_profile_get_version               (VeilProfile      *self);
const char           *veil_profile_get_name                  (VeilProfile      *self);
VeilAgeBand           veil_profile_get_age_band              (VeilProfile      *self);
int                   veil_profile_get_birth_year            (VeilProfile      *self);
VeilAgeBand           veil_profile_get_effective_age_band    (VeilProfile      *self);
const char           *veil_profile_get_unix_user             (VeilProfile      *self);
gboolean              veil_profile_get_protection_enabled    (VeilProfile      *self,
                                                              VeilProtection    protection);
const char * const   *veil_profile_get_folders               (VeilProfile      *self);
const char * const   *veil_profile_get_message_folders       (VeilProfile      *self);
gboolean              veil_profile_get_hide_warned           (VeilProfile      *self);
VeilSensitivity       veil_profile_get_sensitivity           (VeilProfile      *self);
VeilNotify            veil_profile_get_notify                (VeilProfile      *self);
gboolean              veil_profile_get_view_needs_pin        (VeilProfile      *self);
VeilUncheckedRule     veil_profile_get_unchecked_rule        (VeilProfile      *self);
VeilUncheckedRule     veil_profile_get_effective_unchecked_rule (VeilProfile   *self);
VeilSecondOpinionRule veil_profile_get_second_opinion_rule  (VeilProfile      *self);
gboolean              veil_profile_get_second_opinion        (VeilProfile      *self);
VeilScanSchedule      veil_profile_get_scan_schedule         (VeilProfile      *self);
guint                 veil_profile_get_retention_days        (VeilProfile      *self);
guint                 veil_profile_get_match_threshold       (VeilProfile      *self);
guint                 veil_profile_get_n_trusted_adults      (VeilProfile      *self);
void                  veil_profile_get_trusted_adult         (VeilProfile      *self,
                                                              guint             index,
                                                              const char      **name,
                                                              const char      **contact);
VeilProfileIntegrity  veil_profile_get_integrity             (VeilProfile      *self);
gboolean              veil_profile_protection_needs_acknowledgment (VeilProfile *self,
                                                                    VeilProtection protection);
char                 *veil_profile_to_json                   (VeilProfile      *self);
gboolean              veil_profile_equal_settings            (VeilProfile      *a,
                                                              VeilProfile      *b);

VeilProfileBuilder   *veil_profile_builder_new               (const char       *name);
VeilProfileBuilder   *veil_profile_builder_new_from_profile  (VeilProfile      *profile);
VeilProfileBuilder   *veil_profile_builder_ref               (VeilProfileBuilder *self);
void                  veil_profile_builder_unref             (VeilProfileBuilder *self);
void                  veil_profile_builder_set_name          (VeilProfileBuilder *self,
                                                              const char       *name);
void                  veil_profile_builder_set_age_band      (VeilProfileBuilder *self,
                                                              VeilAgeBand       band);
void                  veil_profile_builder_set_birth_year    (VeilProfileBuilder *self,
                                                              int               year);
void                  veil_profile_builder_set_unix_user     (VeilProfileBuilder *self,
                                                              const char       *user);
void                  veil_profile_builder_set_protection_enabled (VeilProfileBuilder *self,
                                                                   VeilProtection  protection,
                                                                   gboolean        enabled);
void                  veil_profile_builder_set_folders       (VeilProfileBuilder *self,
                                                              const char * const *folders);
void                  veil_profile_builder_set_message_folders (VeilProfileBuilder *self,
                                                                const char * const *folders);
void                  veil_profile_builder_set_hide_warned   (VeilProfileBuilder *self,
                                                              gboolean          hide_warned);
void                  veil_profile_builder_set_sensitivity   (VeilProfileBuilder *self,
                                                              VeilSensitivity   sensitivity);
void                  veil_profile_builder_set_view_needs_pin (VeilProfileBuilder *self,
                                                               gboolean          needs_pin);
void                  veil_profile_builder_set_unchecked_rule (VeilProfileBuilder *self,
                                                               VeilUncheckedRule rule);
void                  veil_profile_builder_set_second_opinion_rule (VeilProfileBuilder *self,
                                                               VeilSecondOpinionRule rule);
void                  veil_profile_builder_set_scan_schedule (VeilProfileBuilder *self,
                                                              VeilScanSchedule  schedule);
void                  veil_profile_builder_set_retention_days (VeilProfileBuilder *self,
                                                               guint             days);
void                  veil_profile_builder_set_match_threshold (VeilProfileBuilder *self,
                                                                guint             matches);
void                  veil_profile_builder_add_trusted_adult (VeilProfileBuilder *self,
                                                              const char       *name,
                                                              const char       *contact);
void                  veil_profile_builder_clear_trusted_adults (VeilProfileBuilder *self);
gboolean              veil_profile_builder_set_from_string   (VeilProfileBuilder *self,
                                                              const char       *key,
                                                              const char       *value,
                                                              GError          **error);
VeilProfile          *veil_profile_builder_build             (VeilProfileBuilder *self,
                                                              GError          **error);
char                 *veil_profile_settings_describe         (void);

const char           *veil_age_band_to_string                (VeilAgeBand       band);
gboolean              veil_age_band_from_string              (const char       *str,
                                                              VeilAgeBand      *out_band);
const char           *veil_age_band_get_label                (VeilAgeBand       band);
const char           *veil_sensitivity_to_string             (VeilSensitivity   sensitivity);
gboolean              veil_sensitivity_from_string           (const char       *str,
                                                              VeilSensitivity  *out_sensitivity);
const char           *veil_sensitivity_get_label             (VeilSensitivity   sensitivity);
double                veil_sensitivity_get_threshold         (VeilSensitivity   sensitivity);
const char           *veil_unchecked_rule_to_string          (VeilUncheckedRule rule);
const char           *veil_second_opinion_rule_to_string     (VeilSecondOpinionRule rule);
const char           *veil_scan_schedule_to_string           (VeilScanSchedule  schedule);
gint64                veil_scan_schedule_get_interval        (VeilScanSchedule  schedule);
const char           *veil_notify_to_string                  (VeilNotify        notify);
const char           *veil_protection_to_string              (VeilProtection    protection);
gboolean              veil_protection_from_string            (const char       *str,
                                                              VeilProtection   *out_protection);

/* One age-band default the guardian is asked to confirm (never applied silently). A switch
 * left off means @off_value, so that off turns the thing off. */
typedef struct {
  const char *key;          /* as for veil_profile_builder_set_from_string() */
  const char *value;
  const char *description;  /* one line, untranslated (N_): show it with _() */
  const char *off_value;    /* what the key is set to when the guardian leaves it off */
  gboolean    suggested;    /* pre-selected for the age band */
} VeilProposal;

const VeilProposal   *veil_age_band_get_proposals            (VeilAgeBand       band,
                                                              guint            *n_proposals);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilProfile, veil_profile_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilProfileBuilder, veil_profile_builder_unref)

G_END_DECLS
