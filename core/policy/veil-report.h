/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "veil-verdict.h"

G_BEGIN_DECLS

/* A report a child or guardian makes about an image: what arrived, from where, why Veil
 * flagged it, and the reporter's own words. Immutable and reference-counted. It never holds
 * the image: only its PDQ hash and SHA-256, which hotlines can match without seeing it. */

#define VEIL_REPORT_ERROR (veil_report_error_quark ())

typedef enum {
  VEIL_REPORT_ERROR_INCOMPLETE = 1,   /* a required field is missing */
  VEIL_REPORT_ERROR_UNREADABLE = 2,   /* the image could not be read for its checksum */
  VEIL_REPORT_ERROR_INVALID = 3,      /* a stored or imported report that cannot be read */
  VEIL_REPORT_ERROR_EXPORT = 4,       /* the bundle could not be written */
} VeilReportError;

typedef enum {
  VEIL_REPORTER_CHILD = 1,     /*< nick=child >*/
  VEIL_REPORTER_GUARDIAN = 2,  /*< nick=guardian >*/
} VeilReporter;

typedef enum {
  VEIL_REPORT_SOURCE_FOLDER = 1,      /*< nick=folder >*/ /* a watched attachment folder */
  VEIL_REPORT_SOURCE_APP = 2,         /*< nick=app >*/ /* an app that called the Analyzer D-Bus API */
  VEIL_REPORT_SOURCE_LIBRARY = 3,     /*< nick=library >*/ /* a library scan */
} VeilReportSource;

/* What the child asked for: a report about an image, or help from the guardian (a help
 * request carries the alert's reasons but needs no checksum: nothing is being reported). */
typedef enum {
  VEIL_REPORT_KIND_REPORT = 1,        /*< nick=report >*/
  VEIL_REPORT_KIND_HELP_REQUEST = 2,  /*< nick=help-request >*/
} VeilReportKind;

typedef enum {
  VEIL_REPORT_EXPORT_NONE = 0,
  /* Copy the image into the bundle. Only ever on a guardian's explicit request: forwarding
   * such an image can itself be illegal, and hotlines want the report, not the picture. */
  VEIL_REPORT_EXPORT_INCLUDE_IMAGE = 1 << 0,
} VeilReportExportFlags;

typedef struct _VeilReport VeilReport;
typedef struct _VeilReportBuilder VeilReportBuilder;

#define VEIL_TYPE_REPORT (veil_report_get_type ())
#define VEIL_TYPE_REPORT_BUILDER (veil_report_builder_get_type ())

GQuark              veil_report_error_quark           (void);
GType               veil_report_get_type              (void) G_GNUC_CONST;
GType               veil_report_builder_get_type      (void) G_GNUC_CONST;

VeilReportBuilder  *veil_report_builder_new           (void);
VeilReportBuilder  *veil_report_builder_ref           (VeilReportBuilder    *self);
void                veil_report_builder_unref         (VeilReportBuilder    *self);
void                veil_report_builder_set_time      (VeilReportBuilder    *self,
                                                       GDateTime            *time);
void                veil_report_builder_set_reporter  (VeilReportBuilder    *self,
                                                       VeilReporter          reporter);
void                veil_report_builder_set_kind      (VeilReportBuilder    *self,
                                                       VeilReportKind        kind);
void                veil_report_builder_set_source    (VeilReportBuilder    *self,
                                                       VeilReportSource      source,
                                                       const char           *name);
void                veil_report_builder_set_sender    (VeilReportBuilder    *self,
                                                       const char           *sender);
void                veil_report_builder_set_file_name (VeilReportBuilder    *self,
                                                       const char           *file_name);
void                veil_report_builder_set_verdict   (VeilReportBuilder    *self,
                                                       VeilVerdict          *verdict);
void                veil_report_builder_set_words     (VeilReportBuilder    *self,
                                                       const char           *words);
void                veil_report_builder_set_sha256    (VeilReportBuilder    *self,
                                                       const char           *sha256);
gboolean            veil_report_builder_checksum_file (VeilReportBuilder    *self,
                                                       GFile                *image,
                                                       GCancellable         *cancellable,
                                                       GError              **error);
gboolean            veil_report_builder_checksum_first_file        (VeilReportBuilder    *self,
                                                                    const char * const   *paths,
                                                                    guint                 n_paths,
                                                                    const char           *file_name,
                                                                    GCancellable         *cancellable,
                                                                    GError              **error);
void                veil_report_builder_checksum_first_file_async  (VeilReportBuilder    *self,
                                                                    const char * const   *paths,
                                                                    guint                 n_paths,
                                                                    const char           *file_name,
                                                                    GCancellable         *cancellable,
                                                                    GAsyncReadyCallback   callback,
                                                                    gpointer              user_data);
gboolean            veil_report_builder_checksum_first_file_finish (VeilReportBuilder    *self,
                                                                    GAsyncResult         *result,
                                                                    GError              **error);
VeilReport         *veil_report_builder_build         (VeilReportBuilder    *self,
                                                       GError              **error);

VeilReport         *veil_report_ref                   (VeilReport           *self);
void                veil_report_unref                 (VeilReport           *self);
GDateTime          *veil_report_get_time              (VeilReport           *self);
VeilReporter        veil_report_get_reporter          (VeilReport           *self);
VeilReportKind      veil_report_get_kind              (VeilReport           *self);
VeilReportSource    veil_report_get_source            (VeilReport           *self);
const char         *veil_report_get_source_name       (VeilReport           *self);
const char         *veil_report_get_sender            (VeilReport           *self);
const char         *veil_report_get_file_name         (VeilReport           *self);
VeilVerdict        *veil_report_get_verdict           (VeilReport           *self);
const char         *veil_report_get_words             (VeilReport           *self);
const char         *veil_report_get_sha256            (VeilReport           *self);
char               *veil_report_get_pdq               (VeilReport           *self);
char               *veil_report_to_json               (VeilReport           *self);
JsonNode           *veil_report_to_json_node          (VeilReport           *self);
VeilReport         *veil_report_new_from_json         (const char           *json,
                                                       GError              **error);
char               *veil_report_export                (VeilReport           *self,
                                                       const char           *folder,
                                                       VeilReportExportFlags flags,
                                                       GFile                *image,
                                                       GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilReport, veil_report_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilReportBuilder, veil_report_builder_unref)

G_END_DECLS
