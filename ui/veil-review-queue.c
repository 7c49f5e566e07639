/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-review-queue"

#include "config.h"

#include <glib/gi18n.h>

#include "veil-alert-card.h"
#include "veil-review-queue.h"

/* The guardian's review queue for one profile, behind the PIN: the alerts the guardian has
 * been told about, as a grid of blurred thumbnails; each opens its explanation card. Held
 * alerts (below the match threshold) are only counted, never shown. */

struct _VeilReviewQueue
{
  AdwBin           parent_instance;

  /* construct-only, owned */
  VeilContext     *context;
  VeilProfile     *profile;

  /* owned */
  VeilScanStore   *scan_store;
  GPtrArray       *alerts;       /* of VeilAlert, those in the grid */

  /* template children */
  GtkStack        *stack;
  AdwStatusPage   *empty_page;
  GtkLabel        *held_label;
  GtkFlowBox      *grid;
  AdwBin          *card_slot;
};

G_DEFINE_FINAL_TYPE (VeilReviewQueue, veil_review_queue, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_CONTEXT,
  PROP_PROFILE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GtkWidget *
make_tile (VeilReviewQueue *self,
           VeilAlert       *alert)
{
  g_autoptr(GBytes) png = veil_scan_store_get_thumbnail (self->scan_store, alert->id, NULL);
  g_autoptr(GdkTexture) texture = png != NULL ? gdk_texture_new_from_bytes (png, NULL) : NULL;
  g_autofree char *name = g_path_get_basename (alert->path);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));
  GtkWidget *label = gtk_label_new (name);

  gtk_widget_set_size_request (picture, 128, 128);
  gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_COVER);
  gtk_picture_set_alternative_text (GTK_PICTURE (picture), _("Blurred preview"));
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_box_append (GTK_BOX (box), picture);
  gtk_box_append (GTK_BOX (box), label);
  if (g_strcmp0 (alert->state, VEIL_ALERT_STATE_DISMISSED) == 0)
    gtk_widget_add_css_class (box, "dim-label");
  return box;
}

static void
card_changed_cb (VeilReviewQueue *self)
{
  /* The grid is rebuilt when the guardian goes back to it. */
  g_clear_pointer (&self->alerts, g_ptr_array_unref);
}

static void
child_activated_cb (VeilReviewQueue *self,
                    GtkFlowBoxChild *child)
{
  veil_review_queue_open_alert (self, (guint) gtk_flow_box_child_get_index (child));
}

static void
back_action (GtkWidget  *widget,
             const char *action,
             GVariant   *param)
{
  VeilReviewQueue *self = VEIL_REVIEW_QUEUE (widget);

  adw_bin_set_child (self->card_slot, NULL);
  veil_review_queue_reload (self);
}

static void
unlocked_cb (VeilReviewQueue *self)
{
  veil_review_queue_reload (self);
}

static void
veil_review_queue_constructed (GObject *object)
{
  VeilReviewQueue *self = VEIL_REVIEW_QUEUE (object);

  G_OBJECT_CLASS (veil_review_queue_parent_class)->constructed (object);

  if (self->context != NULL)
    g_signal_connect_object (veil_context_get_guardian (self->context), "notify::unlocked",
                             G_CALLBACK (unlocked_cb), self, G_CONNECT_SWAPPED);
  veil_review_queue_reload (self);
}

static void
veil_review_queue_dispose (GObject *object)
{
  VeilReviewQueue *self = VEIL_REVIEW_QUEUE (object);

  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), VEIL_TYPE_REVIEW_QUEUE);
  g_clear_object (&self->scan_store);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (veil_review_queue_parent_class)->dispose (object);
}

static void
veil_review_queue_finalize (GObject *object)
{
  VeilReviewQueue *self = VEIL_REVIEW_QUEUE (object);

  g_clear_pointer (&self->profile, veil_profile_unref);
  g_clear_pointer (&self->alerts, g_ptr_array_unref);

  G_OBJECT_CLASS (veil_review_queue_parent_class)->finalize (object);
}

static void
veil_review_queue_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  VeilReviewQueue *self = VEIL_REVIEW_QUEUE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;
    case PROP_PROFILE:
      g_value_set_boxed (value, self->profile);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_review_queue_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  VeilReviewQueue *self = VEIL_REVIEW_QUEUE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;
    case PROP_PROFILE:
      self->profile = g_value_dup_boxed (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_review_queue_class_init (VeilReviewQueueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = veil_review_queue_constructed;
  object_class->dispose = veil_review_queue_dispose;
  object_class->finalize = veil_review_queue_finalize;
  object_class->get_property = veil_review_queue_get_property;
  object_class->set_property = veil_review_queue_set_property;

  properties[PROP_CONTEXT] = g_param_spec_object ("context", NULL, NULL, VEIL_TYPE_CONTEXT, flags);
  properties[PROP_PROFILE] = g_param_spec_boxed ("profile", NULL, NULL, VEIL_TYPE_PROFILE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/veil-review-queue.ui");
  gtk_widget_class_bind_template_child (widget_class, VeilReviewQueue, stack);
  gtk_widget_class_bind_template_child (widget_class, VeilReviewQueue, empty_page);
  gtk_widget_class_bind_template_child (widget_class, VeilReviewQueue, held_label);
  gtk_widget_class_bind_template_child (widget_class, VeilReviewQueue, grid);
  gtk_widget_class_bind_template_child (widget_class, VeilReviewQueue, card_slot);

  gtk_widget_class_install_action (widget_class, "queue.back", NULL, back_action);
}

static void
veil_review_queue_init (VeilReviewQueue *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_object (self->grid, "child-activated", G_CALLBACK (child_activated_cb), self, G_CONNECT_SWAPPED);
}

/* --- Public API ----------------------------------------------------------------------------- */

GtkWidget *
veil_review_queue_new (VeilContext *context,
                       VeilProfile *profile)
{
  g_return_val_if_fail (VEIL_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (profile != NULL, NULL);

  return g_object_new (VEIL_TYPE_REVIEW_QUEUE, "context", context, "profile", profile, NULL);
}

/**
 * veil_review_queue_reload:
 *
 * Reads the alerts again (after a scan, or when the guardian area is unlocked or locked).
 */
void
veil_review_queue_reload (VeilReviewQueue *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = NULL;
  VeilGuardian *guardian;
  GtkWidget *child;
  guint held;

  g_return_if_fail (VEIL_IS_REVIEW_QUEUE (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->grid))) != NULL)
    gtk_flow_box_remove (self->grid, child);
  g_clear_pointer (&self->alerts, g_ptr_array_unref);

  guardian = self->context != NULL ? veil_context_get_guardian (self->context) : NULL;
  if (guardian == NULL || self->profile == NULL || !veil_guardian_get_unlocked (guardian))
    {
      gtk_stack_set_visible_child_name (self->stack, "locked");
      return;
    }

  if (self->scan_store == NULL)
    self->scan_store = veil_scan_store_new (veil_context_get_store (self->context), &error);
  all = self->scan_store != NULL ? veil_scan_store_list_alerts (self->scan_store, veil_profile_get_id (self->profile), &error) : NULL;
  if (all == NULL)
    {
      adw_status_page_set_description (self->empty_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  self->alerts = g_ptr_array_new_with_free_func ((GDestroyNotify) veil_alert_free);
  for (guint i = 0; i < all->len; i++)
    {
      VeilAlert *alert = g_ptr_array_index (all, i);

      /* Held alerts stay out of sight until the threshold; wrong ones are done with. */
      if (g_str_equal (alert->state, VEIL_ALERT_STATE_TOLD) || g_str_equal (alert->state, VEIL_ALERT_STATE_DISMISSED))
        {
          gtk_flow_box_append (self->grid, make_tile (self, alert));
          g_ptr_array_add (self->alerts, veil_alert_copy (alert));
        }
    }

  held = veil_scan_store_count_alerts (self->scan_store, veil_profile_get_id (self->profile), VEIL_ALERT_STATE_HELD);
  if (held > 0)
    {
      /* Translators: %u alerts are held; %u is the profile's match threshold */
      g_autofree char *text = g_strdup_printf (ngettext ("%u alert is held until %u distinct matches are found.",
                                                         "%u alerts are held until %u distinct matches are found.", held),
                                               held, veil_profile_get_match_threshold (self->profile));
      gtk_label_set_text (self->held_label, text);
      adw_status_page_set_description (self->empty_page, text);
    }
  else
    {
      gtk_label_set_text (self->held_label, "");
      adw_status_page_set_description (self->empty_page, _("Folder checks found nothing to show you."));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->held_label), held > 0);
  gtk_stack_set_visible_child_name (self->stack, self->alerts->len > 0 ? "grid" : "empty");
}

/* Returns: how many alerts the grid shows */
guint
veil_review_queue_get_n_shown (VeilReviewQueue *self)
{
  g_return_val_if_fail (VEIL_IS_REVIEW_QUEUE (self), 0);
  return self->alerts != NULL ? self->alerts->len : 0;
}

/**
 * veil_review_queue_open_alert:
 * @index: a tile of the grid
 *
 * Opens the explanation card of an alert (what clicking its tile does).
 *
 * Returns: %TRUE if there is such an alert
 */
gboolean
veil_review_queue_open_alert (VeilReviewQueue *self,
                              guint            index)
{
  GtkWidget *card;

  g_return_val_if_fail (VEIL_IS_REVIEW_QUEUE (self), FALSE);

  if (self->alerts == NULL || index >= self->alerts->len)
    return FALSE;
  card = veil_alert_card_new (self->context, self->profile, g_ptr_array_index (self->alerts, index));
  g_signal_connect_object (card, "changed", G_CALLBACK (card_changed_cb), self, G_CONNECT_SWAPPED);
  adw_bin_set_child (self->card_slot, card);
  gtk_stack_set_visible_child_name (self->stack, "card");
  return TRUE;
}
