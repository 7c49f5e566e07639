/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-record-model"

#include "config.h"

#include "veil-record-model-private.h"

/* VeilRecordModel: one profile's rows of the store as a GListModel of small item objects, for
 * list views to render. Reading happens in a worker thread (the store locks itself); the
 * items change on the main thread, by the smallest splice that turns the old list into the
 * new one. Subclasses say how to read their rows and what their items are. */

typedef struct
{
  /* construct-only, owned */
  VeilStore    *store;
  gint64        profile_id;

  /* owned */
  GPtrArray    *items;        /* item objects, as last read */
  GCancellable *cancellable;  /* reloads started by veil_record_model_reload(); cancelled in dispose */
  GError       *error;        /* why the last read failed, if it did */

  /* Reloads may overlap; only a newer read may replace what an older one showed. */
  guint64       n_started;
  guint64       n_applied;
  gboolean      loaded;
} VeilRecordModelPrivate;

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_ABSTRACT_TYPE_WITH_CODE (VeilRecordModel, veil_record_model, G_TYPE_OBJECT,
                                  G_ADD_PRIVATE (VeilRecordModel)
                                  G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_STORE,
  PROP_PROFILE_ID,
  PROP_LOADED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Owned by the reading thread until the task returns. */
typedef struct {
  VeilStore *store;
  gint64     profile_id;
  guint64    serial;
} ReadData;

static void
read_data_free (ReadData *data)
{
  g_clear_object (&data->store);
  g_free (data);
}

/* --- GListModel ----------------------------------------------------------------------------- */

static GType
get_item_type (GListModel *model)
{
  return VEIL_RECORD_MODEL_GET_CLASS (model)->item_type;
}

static guint
get_n_items (GListModel *model)
{
  VeilRecordModelPrivate *priv = veil_record_model_get_instance_private (VEIL_RECORD_MODEL (model));

  return priv->items->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  VeilRecordModelPrivate *priv = veil_record_model_get_instance_private (VEIL_RECORD_MODEL (model));

  if (position >= priv->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (priv->items, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

/* --- reading -------------------------------------------------------------------------------- */

static gboolean
same_item (VeilRecordModel *self,
           gpointer         a,
           gpointer         b)
{
  VeilRecordModelClass *klass = VEIL_RECORD_MODEL_GET_CLASS (self);

  return klass->same_item != NULL && klass->same_item (a, b);
}

/* Keeps the unchanged head and tail, so that rows which did not change are not rebuilt. */
static void
apply (VeilRecordModel *self,
       GPtrArray       *items)
{
  VeilRecordModelPrivate *priv = veil_record_model_get_instance_private (self);
  guint old_len = priv->items->len;
  guint new_len = items->len;
  guint head = 0, tail = 0;

  while (head < old_len && head < new_len &&
         same_item (self, g_ptr_array_index (priv->items, head), g_ptr_array_index (items, head)))
    head++;
  while (tail < old_len - head && tail < new_len - head &&
         same_item (self, g_ptr_array_index (priv->items, old_len - 1 - tail),
                    g_ptr_array_index (items, new_len - 1 - tail)))
    tail++;

  if (head + tail == old_len && old_len == new_len)
    return;
  g_ptr_array_remove_range (priv->items, head, old_len - head - tail);
  for (guint i = head; i < new_len - tail; i++)
    g_ptr_array_insert (priv->items, (int) i, g_object_ref (g_ptr_array_index (items, i)));
  g_list_model_items_changed (G_LIST_MODEL (self), head, old_len - head - tail, new_len - head - tail);
}

static void
read_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  VeilRecordModel *self = VEIL_RECORD_MODEL (source_object);
  ReadData *data = task_data;
  GError *error = NULL;
  GPtrArray *items;

  items = VEIL_RECORD_MODEL_GET_CLASS (self)->load (self, data->store, data->profile_id, cancellable, &error);
  if (items == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, items, (GDestroyNotify) g_ptr_array_unref);
}

static void
read_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  VeilRecordModel *self = VEIL_RECORD_MODEL (source);
  VeilRecordModelPrivate *priv = veil_record_model_get_instance_private (self);
  g_autoptr(GTask) outer = user_data;
  ReadData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (outer, g_steal_pointer (&error));
      return;
    }

  if (data->serial > priv->n_applied)
    {
      gboolean was_loaded = priv->loaded;

      priv->n_applied = data->serial;
      g_clear_error (&priv->error);
      if (items != NULL)
        apply (self, items);
      else
        priv->error = g_error_copy (error);
      priv->loaded = TRUE;
      if (!was_loaded)
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
    }

  if (error != NULL)
    g_task_return_error (outer, g_steal_pointer (&error));
  else
    g_task_return_boolean (outer, TRUE);
}

static void
reload_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!veil_record_model_reload_finish (VEIL_RECORD_MODEL (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Could not read the list again: %s", error->message);
}

/* --- GObject -------------------------------------------------------------------------------- */

static void
veil_record_model_dispose (GObject *object)
{
  VeilRecordModelPrivate *priv = veil_record_model_get_instance_private (VEIL_RECORD_MODEL (object));

  g_cancellable_cancel (priv->cancellable);
  g_clear_object (&priv->store);

  G_OBJECT_CLASS (veil_record_model_parent_class)->dispose (object);
}

static void
veil_record_model_finalize (GObject *object)
{
  VeilRecordModelPrivate *priv = veil_record_model_get_instance_private (VEIL_RECORD_MODEL (object));

  g_clear_pointer (&priv->items, g_ptr_array_unref);
  g_clear_object (&priv->cancellable);
  g_clear_error (&priv->error);

  G_OBJECT_CLASS (veil_record_model_parent_class)->finalize (object);
}

static void
veil_record_model_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  VeilRecordModelPrivate *priv = veil_record_model_get_instance_private (VEIL_RECORD_MODEL (object));

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, priv->store);
      break;
    case PROP_PROFILE_ID:
      g_value_set_int64 (value, priv->profile_id);
      break;
    case PROP_LOADED:
      g_value_set_boolean (value, priv->loaded);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_record_model_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  VeilRecordModelPrivate *priv = veil_record_model_get_instance_private (VEIL_RECORD_MODEL (object));

  switch (prop_id)
    {
    case PROP_STORE:
      priv->store = g_value_dup_object (value);
      break;
    case PROP_PROFILE_ID:
      priv->profile_id = g_value_get_int64 (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_record_model_class_init (VeilRecordModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = veil_record_model_dispose;
  object_class->finalize = veil_record_model_finalize;
  object_class->get_property = veil_record_model_get_property;
  object_class->set_property = veil_record_model_set_property;

  klass->item_type = G_TYPE_OBJECT;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, VEIL_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROFILE_ID] =
    g_param_spec_int64 ("profile-id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * VeilRecordModel:loaded:
   *
   * Whether the rows were read once (successfully or not): until then an empty model says
   * nothing yet.
   */
  properties[PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
veil_record_model_init (VeilRecordModel *self)
{
  VeilRecordModelPrivate *priv = veil_record_model_get_instance_private (self);

  priv->items = g_ptr_array_new_with_free_func (g_object_unref);
  priv->cancellable = g_cancellable_new ();
}

/* --- for subclasses ------------------------------------------------------------------------- */

gboolean
_veil_record_model_find (VeilRecordModel *self,
                         GEqualFunc       match,
                         gconstpointer    data,
                         guint           *out_position)
{
  VeilRecordModelPrivate *priv = veil_record_model_get_instance_private (self);

  return g_ptr_array_find_with_equal_func (priv->items, data, match, out_position);
}

void
_veil_record_model_drop (VeilRecordModel *self,
                         guint            position)
{
  VeilRecordModelPrivate *priv = veil_record_model_get_instance_private (self);

  g_assert (position < priv->items->len);
  g_ptr_array_remove_index (priv->items, position);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
}

/* --- public --------------------------------------------------------------------------------- */

/* Returns: (transfer none) (nullable): the store the rows are read from */
VeilStore *
veil_record_model_get_store (VeilRecordModel *self)
{
  VeilRecordModelPrivate *priv = veil_record_model_get_instance_private (self);

  g_return_val_if_fail (VEIL_IS_RECORD_MODEL (self), NULL);
  return priv->store;
}

gint64
veil_record_model_get_profile_id (VeilRecordModel *self)
{
  VeilRecordModelPrivate *priv = veil_record_model_get_instance_private (self);

  g_return_val_if_fail (VEIL_IS_RECORD_MODEL (self), 0);
  return priv->profile_id;
}

gboolean
veil_record_model_get_loaded (VeilRecordModel *self)
{
  VeilRecordModelPrivate *priv = veil_record_model_get_instance_private (self);

  g_return_val_if_fail (VEIL_IS_RECORD_MODEL (self), FALSE);
  return priv->loaded;
}

/**
 * veil_record_model_get_error:
 *
 * Returns: (nullable): why the last read failed; the items are then those read before
 */
const GError *
veil_record_model_get_error (VeilRecordModel *self)
{
  VeilRecordModelPrivate *priv = veil_record_model_get_instance_private (self);

  g_return_val_if_fail (VEIL_IS_RECORD_MODEL (self), NULL);
  return priv->error;
}

/**
 * veil_record_model_reload:
 *
 * Reads the rows again in a worker thread; #GListModel::items-changed follows on the main
 * thread if they changed.
 */
void
veil_record_model_reload (VeilRecordModel *self)
{
  VeilRecordModelPrivate *priv = veil_record_model_get_instance_private (self);

  g_return_if_fail (VEIL_IS_RECORD_MODEL (self));

  veil_record_model_reload_async (self, priv->cancellable, reload_done_cb, NULL);
}

/**
 * veil_record_model_reload_async:
 *
 * Like veil_record_model_reload(), and tells when the items are in place.
 */
void
veil_record_model_reload_async (VeilRecordModel     *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  VeilRecordModelPrivate *priv = veil_record_model_get_instance_private (self);
  g_autoptr(GTask) outer = NULL;
  g_autoptr(GTask) task = NULL;
  ReadData *data;

  g_return_if_fail (VEIL_IS_RECORD_MODEL (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  g_return_if_fail (priv->store != NULL);

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, veil_record_model_reload_async);
  data = g_new0 (ReadData, 1);
  data->store = g_object_ref (priv->store);
  data->profile_id = priv->profile_id;
  data->serial = ++priv->n_started;
  task = g_task_new (self, cancellable, read_done_cb, g_steal_pointer (&outer));
  g_task_set_source_tag (task, veil_record_model_reload_async);
  g_task_set_task_data (task, data, (GDestroyNotify) read_data_free);
  g_task_run_in_thread (task, read_thread);
}

gboolean
veil_record_model_reload_finish (VeilRecordModel  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == veil_record_model_reload_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
