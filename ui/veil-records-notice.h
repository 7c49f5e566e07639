/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "veil.h"

G_BEGIN_DECLS

#define VEIL_TYPE_RECORDS_NOTICE (veil_records_notice_get_type ())

G_DECLARE_FINAL_TYPE (VeilRecordsNotice, veil_records_notice, VEIL, RECORDS_NOTICE, AdwBin)

GtkWidget *veil_records_notice_new         (VeilContext       *context);
void       veil_records_notice_set_context (VeilRecordsNotice *self,
                                            VeilContext       *context);
void       veil_records_notice_refresh     (VeilRecordsNotice *self);

G_END_DECLS
