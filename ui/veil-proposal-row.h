/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "veil.h"

G_BEGIN_DECLS

#define VEIL_TYPE_PROPOSAL_ROW (veil_proposal_row_get_type ())

G_DECLARE_FINAL_TYPE (VeilProposalRow, veil_proposal_row, VEIL, PROPOSAL_ROW, AdwActionRow)

GtkWidget          *veil_proposal_row_new          (const VeilProposal *proposal);
const VeilProposal *veil_proposal_row_get_proposal (VeilProposalRow    *self);
gboolean            veil_proposal_row_get_active   (VeilProposalRow    *self);
void                veil_proposal_row_set_active   (VeilProposalRow    *self,
                                                    gboolean            active);

G_END_DECLS
