/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define VEIL_HELP_RESOURCES_ERROR (veil_help_resources_error_quark ())

typedef enum {
  VEIL_HELP_RESOURCES_ERROR_UNREADABLE = 1,
  VEIL_HELP_RESOURCES_ERROR_MALFORMED = 2,
} VeilHelpResourcesError;

typedef enum {
  VEIL_HELP_PURPOSE_REPORT = 1,   /*< nick=report >*/ /* report to a hotline or the police */
  VEIL_HELP_PURPOSE_REMOVE = 2,   /*< nick=remove >*/ /* get an image taken down */
  VEIL_HELP_PURPOSE_SUPPORT = 3,  /*< nick=support >*/ /* someone to talk to */
  VEIL_HELP_PURPOSE_GUIDANCE = 4, /*< nick=guidance >*/ /* advice for guardians */
} VeilHelpPurpose;

typedef enum {
  VEIL_HELP_AUDIENCE_ANY = 0,       /*< nick=any >*/
  VEIL_HELP_AUDIENCE_CHILD = 1,     /*< nick=child >*/ /* under 18, any age */
  VEIL_HELP_AUDIENCE_TEEN = 2,      /*< nick=teen >*/ /* 13 to 17 */
  VEIL_HELP_AUDIENCE_ADULT = 3,     /*< nick=adult >*/ /* 18 and over */
  VEIL_HELP_AUDIENCE_GUARDIAN = 4,  /*< nick=guardian >*/
} VeilHelpAudience;

/* One helpline, hotline or guidance page. Plain data: every string is owned. */
typedef struct {
  char             *id;
  char            **countries;      /* ISO 3166 codes; "*" = everywhere */
  VeilHelpPurpose   purpose;
  VeilHelpAudience  audience;
  char             *name;
  char             *description;    /* in the best language available */
  char             *url;            /* nullable */
  char             *phone;          /* nullable */
  char             *sms;            /* nullable */
  char             *last_verified;  /* YYYY-MM-DD */
} VeilHelpResource;

#define VEIL_TYPE_HELP_RESOURCE (veil_help_resource_get_type ())

GType             veil_help_resource_get_type    (void) G_GNUC_CONST;
GQuark            veil_help_resources_error_quark (void);
VeilHelpResource *veil_help_resource_copy        (const VeilHelpResource  *resource);
void              veil_help_resource_free        (VeilHelpResource        *resource);
gboolean          veil_help_resource_is_global   (const VeilHelpResource  *resource);

char             *veil_help_resources_find_file  (void);
GPtrArray        *veil_help_resources_load       (const char              *path,
                                                  const char * const      *languages,
                                                  GError                 **error);
GPtrArray        *veil_help_resources_load_default        (GError                 **error);
void              veil_help_resources_load_default_async  (GCancellable            *cancellable,
                                                           GAsyncReadyCallback      callback,
                                                           gpointer                 user_data);
GPtrArray        *veil_help_resources_load_default_finish (GAsyncResult            *result,
                                                           GError                 **error);
GPtrArray        *veil_help_resources_load_selected        (VeilHelpAudience         audience,
                                                            GError                 **error);
void              veil_help_resources_load_selected_async  (VeilHelpAudience         audience,
                                                            GCancellable            *cancellable,
                                                            GAsyncReadyCallback      callback,
                                                            gpointer                 user_data);
GPtrArray        *veil_help_resources_load_selected_finish (GAsyncResult            *result,
                                                            GError                 **error);
GPtrArray        *veil_help_resources_select     (GPtrArray               *resources,
                                                  const char              *country,
                                                  VeilHelpAudience         audience);
char             *veil_help_resources_get_country (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VeilHelpResource, veil_help_resource_free)

G_END_DECLS
