/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "veil-types.h"
#include "veil-analyzer.h"
#include "veil-image.h"
#include "veil-store.h"

G_BEGIN_DECLS

/* Errors the Analyzer1 D-Bus API returns; each is registered under the D-Bus name
 * io.github.veilapp.Veil.Error.<Name> so that callers in any language can tell them apart. */
#define VEIL_ANALYZER_SERVICE_ERROR (veil_analyzer_service_error_quark ())

typedef enum {
  VEIL_ANALYZER_SERVICE_ERROR_NOT_AN_IMAGE = 1,  /* .NotAnImage: not a picture Veil can decode */
  VEIL_ANALYZER_SERVICE_ERROR_TOO_LARGE = 2,     /* .TooLarge: no longer returned (a could-not-check answer instead); kept for old clients */
  VEIL_ANALYZER_SERVICE_ERROR_UNREADABLE = 3,    /* .Unreadable: missing, unreadable or a bad fd */
  VEIL_ANALYZER_SERVICE_ERROR_DISABLED = 4,      /* .Disabled: no active protection, nothing checked */
  VEIL_ANALYZER_SERVICE_ERROR_FAILED = 5,        /* .Failed: the analysis itself failed */
  VEIL_ANALYZER_SERVICE_ERROR_BUSY = 6,          /* .Busy: this caller has too many calls waiting */
} VeilAnalyzerServiceError;

/* How many calls one caller (one D-Bus unique name) may have waiting or running at once;
 * beyond it, calls are refused with .Busy at once, so a flooding caller cannot delay others. */
#define VEIL_ANALYZER_SERVICE_MAX_PER_CALLER 4

/* What callers should do with sensitive pictures, from the linked profile's consent state. */
typedef enum {
  VEIL_ANALYZER_POLICY_DISABLED = 0,     /*< nick=disabled >*/ /* "disabled": no active message warnings */
  VEIL_ANALYZER_POLICY_SIMPLE = 1,       /*< nick=simple >*/ /* "simple": under 13, blur and a short warning */
  VEIL_ANALYZER_POLICY_DESCRIPTIVE = 2,  /*< nick=descriptive >*/ /* "descriptive": 13 and over, blur and explanation */
} VeilAnalyzerPolicy;

/* The object path the service is exported at, on the application's own bus name. */
#define VEIL_ANALYZER_SERVICE_OBJECT_PATH "/io/github/veilapp/Veil"

#define VEIL_TYPE_ANALYZER_SERVICE (veil_analyzer_service_get_type ())
G_DECLARE_FINAL_TYPE (VeilAnalyzerService, veil_analyzer_service, VEIL, ANALYZER_SERVICE, GObject)

GQuark               veil_analyzer_service_error_quark   (void);
const char          *veil_analyzer_policy_to_string      (VeilAnalyzerPolicy     policy);
VeilAnalyzerPolicy   veil_analyzer_policy_for_status     (VeilProfile           *profile,
                                                          const VeilProtectionStatus *status);

VeilAnalyzerService *veil_analyzer_service_new           (VeilAnalyzer          *analyzer,
                                                          VeilStore             *store);
VeilAnalyzer        *veil_analyzer_service_get_analyzer  (VeilAnalyzerService   *self);
VeilStore           *veil_analyzer_service_get_store     (VeilAnalyzerService   *self);
void                 veil_analyzer_service_hold_calls    (VeilAnalyzerService   *self);
void                 veil_analyzer_service_set_store     (VeilAnalyzerService   *self,
                                                          VeilStore             *store);
const char          *veil_analyzer_service_get_user      (VeilAnalyzerService   *self);
void                 veil_analyzer_service_set_user      (VeilAnalyzerService   *self,
                                                          const char            *user);
void                 veil_analyzer_service_set_limits    (VeilAnalyzerService   *self,
                                                          const VeilImageLimits *limits);
VeilAnalyzerPolicy   veil_analyzer_service_get_policy    (VeilAnalyzerService   *self);
VeilProfile         *veil_analyzer_service_get_profile   (VeilAnalyzerService   *self);
gboolean             veil_analyzer_service_reload_policy (VeilAnalyzerService   *self,
                                                          GError               **error);

gboolean             veil_analyzer_service_export        (VeilAnalyzerService   *self,
                                                          GDBusConnection       *connection,
                                                          const char            *object_path,
                                                          GError               **error);
void                 veil_analyzer_service_unexport      (VeilAnalyzerService   *self);

G_END_DECLS
