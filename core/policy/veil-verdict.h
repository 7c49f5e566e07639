/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "veil-types.h"
#include "veil-pdq.h"

G_BEGIN_DECLS

/* What the analyzer says about one picture, and why. Reasons and verdicts are immutable,
 * reference-counted values, safe to pass between threads; none of them holds pixel data. */

#define VEIL_VERDICT_ERROR (veil_verdict_error_quark ())

typedef enum {
  VEIL_VERDICT_ERROR_INVALID = 1,  /* stored reasons that cannot be read back */
} VeilVerdictError;

typedef enum {
  VEIL_SIGNAL_CLASSIFIER = 1,       /*< nick=classifier >*/ /* the on-device model's score */
  VEIL_SIGNAL_HASH_LIST = 2,        /*< nick=hash-list >*/ /* near an entry of a guardian's hash list */
  VEIL_SIGNAL_PROTECTED_IMAGE = 3,  /*< nick=protected-image >*/ /* near one of the child's own "protect my images" */
  VEIL_SIGNAL_UNCHECKED = 4,        /*< nick=unchecked >*/ /* Veil could not check the picture */
  VEIL_SIGNAL_SECOND_OPINION = 5,   /*< nick=second-opinion >*/ /* the second model on a borderline flag */
} VeilSignal;

/* Why a picture could not be checked: a verdict of its own, never a silent pass. */
typedef enum {
  VEIL_UNCHECKED_TOO_LARGE = 1,       /*< nick=too-large >*/ /* over the size, pixel or frame limits */
  VEIL_UNCHECKED_DAMAGED = 2,         /*< nick=damaged >*/ /* not a readable picture */
  VEIL_UNCHECKED_TOO_SLOW = 3,        /*< nick=too-slow >*/ /* past the deadline */
  VEIL_UNCHECKED_WORKER_CRASHED = 4,  /*< nick=worker-crashed >*/ /* the analysis process died */
  VEIL_UNCHECKED_MODEL_MISSING = 5,   /*< nick=model-missing >*/ /* the classifier could not be loaded */
  VEIL_UNCHECKED_UNREADABLE = 6,      /*< nick=unreadable >*/ /* not a regular file, or not readable */
} VeilUncheckedCause;

typedef struct _VeilReason VeilReason;
typedef struct _VeilVerdict VeilVerdict;
typedef struct _VeilVerdictBuilder VeilVerdictBuilder;

#define VEIL_TYPE_REASON (veil_reason_get_type ())
#define VEIL_TYPE_VERDICT (veil_verdict_get_type ())
#define VEIL_TYPE_VERDICT_BUILDER (veil_verdict_builder_get_type ())

GQuark              veil_verdict_error_quark          (void);
const char         *veil_signal_to_string             (VeilSignal           signal);
gboolean            veil_signal_from_string           (const char          *text,
                                                       VeilSignal          *signal);

GType               veil_reason_get_type              (void) G_GNUC_CONST;
VeilReason         *veil_reason_new_classifier        (const char          *class_name,
                                                       double               score,
                                                       double               threshold,
                                                       const char          *model_name,
                                                       const char          *model_version,
                                                       const char          *model_sha256,
                                                       const float         *heatmap,
                                                       guint                heatmap_width,
                                                       guint                heatmap_height);
VeilReason         *veil_reason_new_hash_match        (VeilSignal           signal,
                                                       guint                distance,
                                                       guint                max_distance,
                                                       const char          *list_name,
                                                       guint                list_version,
                                                       const char          *entry_label);
VeilReason         *veil_reason_new_second_opinion    (double               harmless,
                                                       double               bar,
                                                       const char          *model_name,
                                                       const char          *model_version,
                                                       const char          *model_sha256);
gboolean            veil_reason_get_overrules         (VeilReason          *self);
VeilReason         *veil_reason_new_unchecked         (VeilUncheckedCause   cause,
                                                       const char          *detail);
VeilReason         *veil_reason_new_with_frame_times  (VeilReason          *reason,
                                                       const gint64        *times_ms,
                                                       guint                n_times);
VeilReason         *veil_reason_ref                   (VeilReason          *self);
void                veil_reason_unref                 (VeilReason          *self);

VeilSignal          veil_reason_get_signal            (VeilReason          *self);
double              veil_reason_get_figure            (VeilReason          *self);
double              veil_reason_get_threshold         (VeilReason          *self);
const char         *veil_reason_get_class_name        (VeilReason          *self);
const char         *veil_reason_get_source_name       (VeilReason          *self);
const char         *veil_reason_get_source_version    (VeilReason          *self);
const char         *veil_reason_get_source_detail     (VeilReason          *self);
VeilUncheckedCause  veil_reason_get_unchecked_cause   (VeilReason          *self);
const float        *veil_reason_get_heatmap           (VeilReason          *self,
                                                       guint               *width,
                                                       guint               *height);
const gint64       *veil_reason_get_frame_times       (VeilReason          *self,
                                                       guint               *n_times);
char               *veil_reason_describe              (VeilReason          *self);
char               *veil_reason_describe_figures      (VeilReason          *self);
JsonNode           *veil_reason_to_json               (VeilReason          *self);
JsonNode           *veil_reason_to_display_json_node  (VeilReason          *self);
VeilReason         *veil_reason_new_from_json         (JsonNode            *node,
                                                       GError             **error);

GType               veil_verdict_get_type             (void) G_GNUC_CONST;
VeilVerdict        *veil_verdict_ref                  (VeilVerdict         *self);
void                veil_verdict_unref                (VeilVerdict         *self);
gboolean            veil_verdict_get_sensitive        (VeilVerdict         *self);
gboolean            veil_verdict_get_unchecked        (VeilVerdict         *self);
VeilUncheckedCause  veil_verdict_get_unchecked_cause  (VeilVerdict         *self);
gboolean            veil_verdict_get_suppressed       (VeilVerdict         *self);
guint               veil_verdict_get_n_reasons        (VeilVerdict         *self);
VeilReason         *veil_verdict_get_reason           (VeilVerdict         *self,
                                                       guint                index);
gboolean            veil_verdict_has_signal           (VeilVerdict         *self,
                                                       VeilSignal           signal);
const VeilPdqHash  *veil_verdict_get_hash             (VeilVerdict         *self);
guint               veil_verdict_get_hash_quality     (VeilVerdict         *self);
char               *veil_verdict_to_json              (VeilVerdict         *self);
JsonNode           *veil_verdict_to_display_json_node (VeilVerdict         *self);
VeilVerdict        *veil_verdict_new_from_json        (const char          *json,
                                                       GError             **error);

GType               veil_verdict_builder_get_type     (void) G_GNUC_CONST;
VeilVerdict        *veil_verdict_new_unchecked        (VeilUncheckedCause   cause,
                                                       const char          *detail);
VeilVerdict        *veil_verdict_new_unchecked_for_error (const GError     *error);

VeilVerdictBuilder *veil_verdict_builder_new          (void);
VeilVerdictBuilder *veil_verdict_builder_ref          (VeilVerdictBuilder  *self);
void                veil_verdict_builder_unref        (VeilVerdictBuilder  *self);
void                veil_verdict_builder_add_reason   (VeilVerdictBuilder  *self,
                                                       VeilReason          *reason);
void                veil_verdict_builder_set_hash     (VeilVerdictBuilder  *self,
                                                       const VeilPdqHash   *hash,
                                                       guint                quality);
void                veil_verdict_builder_set_suppressed (VeilVerdictBuilder *self,
                                                       gboolean             suppressed);
VeilVerdict        *veil_verdict_builder_build        (VeilVerdictBuilder  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilReason, veil_reason_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilVerdict, veil_verdict_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilVerdictBuilder, veil_verdict_builder_unref)

G_END_DECLS
