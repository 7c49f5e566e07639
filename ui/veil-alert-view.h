/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "veil.h"

G_BEGIN_DECLS

/* Where the picture on screen came from. */
typedef enum {
  VEIL_ALERT_VIEW_PICTURE_NONE = 0,       /* still loading, or nothing to show */
  VEIL_ALERT_VIEW_PICTURE_FILE = 1,       /* decoded from the file, shown blurred */
  VEIL_ALERT_VIEW_PICTURE_THUMBNAIL = 2,  /* the file is gone: the stored blurred thumbnail */
  VEIL_ALERT_VIEW_PICTURE_PLACEHOLDER = 3,  /* Veil could not check it: a neutral placeholder, never the picture */
} VeilAlertViewPicture;

#define VEIL_TYPE_ALERT_VIEW (veil_alert_view_get_type ())

G_DECLARE_FINAL_TYPE (VeilAlertView, veil_alert_view, VEIL, ALERT_VIEW, AdwBin)

GtkWidget            *veil_alert_view_new              (VeilContext   *context,
                                                        VeilProfile   *profile,
                                                        gint64         alert_id);
gint64                veil_alert_view_get_alert_id     (VeilAlertView *self);
VeilAlert            *veil_alert_view_get_alert        (VeilAlertView *self);
VeilAlertViewPicture  veil_alert_view_get_picture      (VeilAlertView *self);
gboolean              veil_alert_view_get_revealed     (VeilAlertView *self);
const char           *veil_alert_view_get_page         (VeilAlertView *self);
char                 *veil_alert_view_describe_figures (double         figure,
                                                        double         threshold);

G_END_DECLS
