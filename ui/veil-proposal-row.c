/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-proposal-row"

#include "config.h"

#include <glib/gi18n.h>

#include "veil-proposal-row.h"

/* One setting proposed for a new profile's age, with a switch. The ones Veil suggests for
 * the age start on and say so; a switch left off sets the proposal's off value. */

struct _VeilProposalRow
{
  AdwActionRow        parent_instance;

  const VeilProposal *proposal;   /* static, from veil_age_band_get_proposals() */

  /* template children */
  GtkSwitch          *proposal_switch;
};

G_DEFINE_FINAL_TYPE (VeilProposalRow, veil_proposal_row, ADW_TYPE_ACTION_ROW)

static void
veil_proposal_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), VEIL_TYPE_PROPOSAL_ROW);

  G_OBJECT_CLASS (veil_proposal_row_parent_class)->dispose (object);
}

static void
veil_proposal_row_class_init (VeilProposalRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = veil_proposal_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/veil-proposal-row.ui");
  gtk_widget_class_bind_template_child (widget_class, VeilProposalRow, proposal_switch);
}

static void
veil_proposal_row_init (VeilProposalRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * veil_proposal_row_new:
 * @proposal: (transfer none): a proposal of veil_age_band_get_proposals()
 *
 * Returns: (transfer floating): the row offering @proposal, switched on if it is suggested
 */
GtkWidget *
veil_proposal_row_new (const VeilProposal *proposal)
{
  VeilProposalRow *self;

  g_return_val_if_fail (proposal != NULL, NULL);

  self = g_object_new (VEIL_TYPE_PROPOSAL_ROW, "title", _(proposal->description), NULL);
  self->proposal = proposal;
  if (proposal->suggested)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self), _("Suggested for this age"));
      gtk_switch_set_active (self->proposal_switch, TRUE);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->proposal_switch), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _(proposal->description), -1);
  return GTK_WIDGET (self);
}

/* Returns: (transfer none): the proposal offered */
const VeilProposal *
veil_proposal_row_get_proposal (VeilProposalRow *self)
{
  g_return_val_if_fail (VEIL_IS_PROPOSAL_ROW (self), NULL);
  return self->proposal;
}

/* Returns: whether the guardian turned the proposal on */
gboolean
veil_proposal_row_get_active (VeilProposalRow *self)
{
  g_return_val_if_fail (VEIL_IS_PROPOSAL_ROW (self), FALSE);
  return gtk_switch_get_active (self->proposal_switch);
}

/* What the switch does when the guardian flips it. */
void
veil_proposal_row_set_active (VeilProposalRow *self,
                              gboolean         active)
{
  g_return_if_fail (VEIL_IS_PROPOSAL_ROW (self));
  gtk_switch_set_active (self->proposal_switch, active);
}
