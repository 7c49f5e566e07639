/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "veil.h"

G_BEGIN_DECLS

typedef enum {
  VEIL_CONTACT_OTHER,
  VEIL_CONTACT_PHONE,
  VEIL_CONTACT_EMAIL,
} VeilContactKind;

#define VEIL_TYPE_TRUSTED_ADULTS_DIALOG (veil_trusted_adults_dialog_get_type ())

G_DECLARE_FINAL_TYPE (VeilTrustedAdultsDialog, veil_trusted_adults_dialog, VEIL, TRUSTED_ADULTS_DIALOG, AdwMessageDialog)

GtkWidget       *veil_trusted_adults_dialog_new   (GtkWindow   *parent,
                                                   VeilProfile *profile);
VeilContactKind  veil_trusted_adults_contact_kind (const char  *contact);
char            *veil_trusted_adults_contact_uri  (const char  *contact,
                                                   const char  *scheme);

G_END_DECLS
