/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "veil-record-model.h"

G_BEGIN_DECLS

/* For the subclasses: they drop an item at once after a write they made themselves, so that
 * the view follows without waiting for the next reload. */
gboolean  _veil_record_model_find  (VeilRecordModel *self,
                                    GEqualFunc       match,
                                    gconstpointer    data,
                                    guint           *out_position);
void      _veil_record_model_drop  (VeilRecordModel *self,
                                    guint            position);

G_END_DECLS
