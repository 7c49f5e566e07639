/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-context"

#include "config.h"

#include "veil-context.h"

#include "veil-alert-model.h"
#include "veil-hash-list-model.h"
#include "veil-protected-image-model.h"
#include "veil-report-model.h"

/* VeilContext: what the application owns and hands to every widget as a construct-only
 * property (no singletons): the settings, the store and the guardian, and list models of the
 * store's rows for views to render. The store is opened off the main thread, since opening
 * runs SQLite's integrity check, and through veil_guardian_open(), which fails closed when the
 * store was removed, damaged or edited outside Veil. */

struct _VeilContext
{
  GObject       parent_instance;

  GSettings    *settings;       /* owned, nullable */
  VeilStore    *store;          /* owned, NULL until loaded or when it failed */
  VeilGuardian *guardian;       /* owned, NULL until loaded */
  GError       *store_error;    /* why the store could not be opened */
  GError       *keyring_error;  /* why the keyring could not be reached */
  VeilAnalyzer *analyzer;       /* owned, nullable: the one the whole application shares */
  gboolean      ready;

  /* Changes other processes (veilctl) make to profiles and consent */
  GFileMonitor *store_monitor;  /* owned: the database's write-ahead log */
  guint         store_check_id; /* pending debounced check */
  char         *settings_stamp; /* what profiles and consent looked like last time */

  /* "<kind>/<profile id>" → VeilRecordModel, owned; each reloads when the store changes */
  GHashTable   *models;
};

/* Writes come in bursts (one transaction per checked picture): look once they have settled. */
#define STORE_CHECK_DELAY_MS 300

G_DEFINE_FINAL_TYPE (VeilContext, veil_context, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_READY,
  N_PROPS
};

enum {
  PROFILES_CHANGED,
  STORE_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

typedef struct {
  char         *path;
  VeilStore    *store;
  VeilGuardian *guardian;
  GError       *store_error;
  GError       *keyring_error;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_free (data->path);
  g_clear_object (&data->store);
  g_clear_object (&data->guardian);
  g_clear_error (&data->store_error);
  g_clear_error (&data->keyring_error);
  g_free (data);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *data = task_data;

  /* Fails closed: a removed, damaged or edited store is met here, before anyone reads it. */
  data->guardian = veil_guardian_open (data->path, cancellable, &data->keyring_error, &data->store_error);
  if (data->guardian != NULL)
    {
      g_autoptr(GError) expire_error = NULL;

      data->store = g_object_ref (veil_guardian_get_store (data->guardian));
      /* Alerts and notes older than each profile's retention period go at every start. */
      if (!veil_store_expire (data->store, g_get_real_time () / G_USEC_PER_SEC, &expire_error))
        g_debug ("Could not delete old alerts: %s", expire_error->message);
    }
  g_task_return_boolean (task, TRUE);
}

/* A short summary of every profile's version and each protection's consent state: when it
 * differs, something that decides what Veil does has changed. */
static char *
compute_settings_stamp (VeilStore *store)
{
  g_autoptr(GPtrArray) profiles = veil_store_list_profiles (store, NULL);
  GString *stamp = g_string_new (NULL);

  for (guint i = 0; profiles != NULL && i < profiles->len; i++)
    {
      VeilProfile *profile = g_ptr_array_index (profiles, i);

      g_string_append_printf (stamp, "%" G_GINT64_FORMAT ".%u:", veil_profile_get_id (profile),
                              veil_profile_get_version (profile));
      for (guint p = 0; p < VEIL_N_PROTECTIONS; p++)
        {
          VeilProtectionStatus status = { 0 };

          if (veil_store_get_protection_status (store, profile, p, &status, NULL))
            g_string_append_printf (stamp, "%d%d%" G_GINT64_FORMAT ",", status.enabled, status.active,
                                    status.acknowledged_at);
        }
    }
  return g_string_free (stamp, FALSE);
}

static gboolean
check_store_cb (gpointer user_data)
{
  VeilContext *self = VEIL_CONTEXT (user_data);
  g_autofree char *stamp = NULL;

  GHashTableIter iter;
  gpointer model;

  self->store_check_id = 0;
  if (self->store == NULL)
    return G_SOURCE_REMOVE;
  /* A row edited by another program leaves its notice as soon as it is written. */
  if (self->guardian != NULL)
    veil_guardian_check_records (self->guardian, NULL);
  stamp = compute_settings_stamp (self->store);
  if (g_strcmp0 (stamp, self->settings_stamp) != 0)
    {
      g_free (self->settings_stamp);
      self->settings_stamp = g_steal_pointer (&stamp);
      g_signal_emit (self, signals[PROFILES_CHANGED], 0);
    }

  /* Any write, here or elsewhere: the models read their rows again and splice what changed. */
  g_hash_table_iter_init (&iter, self->models);
  while (g_hash_table_iter_next (&iter, NULL, &model))
    veil_record_model_reload (model);
  g_signal_emit (self, signals[STORE_CHANGED], 0);
  return G_SOURCE_REMOVE;
}

static void
store_changed_cb (GFileMonitor      *monitor,
                  GFile             *file,
                  GFile             *other_file,
                  GFileMonitorEvent  event,
                  VeilContext       *self)
{
  if (self->store_check_id == 0)
    self->store_check_id = g_timeout_add (STORE_CHECK_DELAY_MS, check_store_cb, self);
}

/* SQLite in WAL mode appends every commit to "<database>-wal": watching that file sees other
 * processes' writes without polling. */
static void
watch_store (VeilContext *self)
{
  g_autofree char *wal_path = g_strconcat (veil_store_get_path (self->store), "-wal", NULL);
  g_autoptr(GFile) wal = g_file_new_for_path (wal_path);
  g_autoptr(GError) error = NULL;

  self->settings_stamp = compute_settings_stamp (self->store);
  self->store_monitor = g_file_monitor_file (wal, G_FILE_MONITOR_NONE, NULL, &error);
  if (self->store_monitor == NULL)
    {
      g_debug ("Changes made by veilctl show after a restart: %s", error->message);
      return;
    }
  g_signal_connect (self->store_monitor, "changed", G_CALLBACK (store_changed_cb), self);
}

/* A reload opens another store: the old one's log is no longer of interest. */
static void
unwatch_store (VeilContext *self)
{
  g_clear_handle_id (&self->store_check_id, g_source_remove);
  if (self->store_monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->store_monitor, self);
  g_clear_object (&self->store_monitor);
  g_clear_pointer (&self->settings_stamp, g_free);
}

static void
veil_context_dispose (GObject *object)
{
  VeilContext *self = VEIL_CONTEXT (object);

  unwatch_store (self);

  g_hash_table_remove_all (self->models);
  g_clear_object (&self->guardian);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_object (&self->analyzer);

  G_OBJECT_CLASS (veil_context_parent_class)->dispose (object);
}

static void
veil_context_finalize (GObject *object)
{
  VeilContext *self = VEIL_CONTEXT (object);

  g_clear_error (&self->store_error);
  g_clear_error (&self->keyring_error);
  g_clear_pointer (&self->models, g_hash_table_unref);

  G_OBJECT_CLASS (veil_context_parent_class)->finalize (object);
}

static void
veil_context_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  VeilContext *self = VEIL_CONTEXT (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    case PROP_READY:
      g_value_set_boolean (value, self->ready);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_context_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  VeilContext *self = VEIL_CONTEXT (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_context_class_init (VeilContextClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = veil_context_dispose;
  object_class->finalize = veil_context_finalize;
  object_class->get_property = veil_context_get_property;
  object_class->set_property = veil_context_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * VeilContext:ready:
   *
   * Whether loading finished, successfully or not (see veil_context_get_store_error()).
   */
  properties[PROP_READY] =
    g_param_spec_boolean ("ready", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * VeilContext::profiles-changed:
   *
   * A profile was created, changed, deleted or acknowledged, here or by another process
   * (veilctl); views showing profiles reload.
   */
  signals[PROFILES_CHANGED] =
    g_signal_new ("profiles-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * VeilContext::store-changed:
   *
   * Something was written to the store, here or by another process (veilctl); emitted once
   * a burst of writes has settled. The context's models reload by themselves.
   */
  signals[STORE_CHANGED] =
    g_signal_new ("store-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
veil_context_init (VeilContext *self)
{
  self->models = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

/**
 * veil_context_new:
 * @settings: (nullable): the application's settings
 *
 * Returns: (transfer full): a context; call veil_context_load_async() to open the store
 */
VeilContext *
veil_context_new (GSettings *settings)
{
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  return g_object_new (VEIL_TYPE_CONTEXT, "settings", settings, NULL);
}

/**
 * veil_context_load_async:
 * @db_path: (nullable): the database, %NULL for the usual place
 *
 * Opens the store and reaches for the keyring in a worker thread. The context becomes
 * #VeilContext:ready either way; failures are kept for the UI to explain.
 */
void
veil_context_load_async (VeilContext         *self,
                         const char          *db_path,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LoadData *data;

  g_return_if_fail (VEIL_IS_CONTEXT (self));

  data = g_new0 (LoadData, 1);
  data->path = g_strdup (db_path);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, veil_context_load_async);
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  g_task_run_in_thread (task, load_thread);
}

/**
 * veil_context_load_finish:
 *
 * Takes over what the worker opened. Returns %FALSE when the store could not be opened.
 */
gboolean
veil_context_load_finish (VeilContext   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  LoadData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == veil_context_load_async, FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  data = g_task_get_task_data (G_TASK (result));
  g_clear_object (&self->store);
  g_clear_object (&self->guardian);
  g_clear_error (&self->store_error);
  g_clear_error (&self->keyring_error);
  self->store = g_steal_pointer (&data->store);
  self->guardian = g_steal_pointer (&data->guardian);
  self->store_error = g_steal_pointer (&data->store_error);
  self->keyring_error = g_steal_pointer (&data->keyring_error);
  unwatch_store (self);
  /* Models of the old store show the old store: the next ask makes new ones. */
  g_hash_table_remove_all (self->models);
  if (self->store != NULL)
    watch_store (self);
  self->ready = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);

  if (self->store_error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->store_error));
      return FALSE;
    }
  return TRUE;
}

gboolean
veil_context_get_ready (VeilContext *self)
{
  g_return_val_if_fail (VEIL_IS_CONTEXT (self), FALSE);
  return self->ready;
}

GSettings *
veil_context_get_settings (VeilContext *self)
{
  g_return_val_if_fail (VEIL_IS_CONTEXT (self), NULL);
  return self->settings;
}

/**
 * veil_context_get_store:
 *
 * Returns: (transfer none) (nullable): the store, once loaded
 */
VeilStore *
veil_context_get_store (VeilContext *self)
{
  g_return_val_if_fail (VEIL_IS_CONTEXT (self), NULL);
  return self->store;
}

/**
 * veil_context_get_guardian:
 *
 * Returns: (transfer none) (nullable): the guardian, once the store is loaded
 */
VeilGuardian *
veil_context_get_guardian (VeilContext *self)
{
  g_return_val_if_fail (VEIL_IS_CONTEXT (self), NULL);
  return self->guardian;
}

const GError *
veil_context_get_store_error (VeilContext *self)
{
  g_return_val_if_fail (VEIL_IS_CONTEXT (self), NULL);
  return self->store_error;
}

/**
 * veil_context_get_keyring_error:
 *
 * Returns: (nullable): why the keyring could not be reached at load time, if it could not
 */
const GError *
veil_context_get_keyring_error (VeilContext *self)
{
  g_return_val_if_fail (VEIL_IS_CONTEXT (self), NULL);
  return self->keyring_error;
}

void
veil_context_notify_profiles_changed (VeilContext *self)
{
  g_return_if_fail (VEIL_IS_CONTEXT (self));

  /* Told by the writer itself: the log watch need not tell again. */
  if (self->store != NULL && self->store_monitor != NULL)
    {
      g_free (self->settings_stamp);
      self->settings_stamp = compute_settings_stamp (self->store);
    }
  g_signal_emit (self, signals[PROFILES_CHANGED], 0);
}

/**
 * veil_context_get_analyzer:
 *
 * Returns: (transfer none) (nullable): the analyzer the application shares between its
 *   Analyzer D-Bus API, the message guard and folder checks (one model in memory), if set
 */
VeilAnalyzer *
veil_context_get_analyzer (VeilContext *self)
{
  g_return_val_if_fail (VEIL_IS_CONTEXT (self), NULL);
  return self->analyzer;
}

void
veil_context_set_analyzer (VeilContext  *self,
                           VeilAnalyzer *analyzer)
{
  g_return_if_fail (VEIL_IS_CONTEXT (self));
  g_return_if_fail (analyzer == NULL || VEIL_IS_ANALYZER (analyzer));

  g_set_object (&self->analyzer, analyzer);
}

typedef VeilRecordModel *(*NewModelFunc) (VeilStore *store,
                                          gint64     profile_id);

static GListModel *
get_model (VeilContext  *self,
           const char   *kind,
           gint64        profile_id,
           NewModelFunc  new_model)
{
  g_autofree char *key = g_strdup_printf ("%s/%" G_GINT64_FORMAT, kind, profile_id);
  VeilRecordModel *model;

  if (self->store == NULL)
    return NULL;
  model = g_hash_table_lookup (self->models, key);
  if (model == NULL)
    {
      model = new_model (self->store, profile_id);
      veil_record_model_reload (model);
      g_hash_table_insert (self->models, g_steal_pointer (&key), model);
    }
  return G_LIST_MODEL (model);
}

/**
 * veil_context_get_alert_model:
 *
 * Returns: (transfer none) (nullable): the profile's alerts (#VeilAlertItem), kept up to date;
 *   %NULL until the store is loaded
 */
GListModel *
veil_context_get_alert_model (VeilContext *self,
                              gint64       profile_id)
{
  g_return_val_if_fail (VEIL_IS_CONTEXT (self), NULL);
  return get_model (self, "alerts", profile_id, (NewModelFunc) veil_alert_model_new);
}

/**
 * veil_context_get_report_model:
 *
 * Returns: (transfer none) (nullable): the profile's reports (#VeilReportItem), kept up to date
 */
GListModel *
veil_context_get_report_model (VeilContext *self,
                               gint64       profile_id)
{
  g_return_val_if_fail (VEIL_IS_CONTEXT (self), NULL);
  return get_model (self, "reports", profile_id, (NewModelFunc) veil_report_model_new);
}

/**
 * veil_context_get_hash_list_model:
 *
 * Returns: (transfer none) (nullable): the guardian's hash lists that apply to the profile
 *   (#VeilHashListItem), kept up to date
 */
GListModel *
veil_context_get_hash_list_model (VeilContext *self,
                                  gint64       profile_id)
{
  g_return_val_if_fail (VEIL_IS_CONTEXT (self), NULL);
  return get_model (self, "hash-lists", profile_id, (NewModelFunc) veil_hash_list_model_new);
}

/**
 * veil_context_get_protected_image_model:
 *
 * Returns: (transfer none) (nullable): the pictures the profile's child protects
 *   (#VeilProtectedImageItem), kept up to date
 */
GListModel *
veil_context_get_protected_image_model (VeilContext *self,
                                        gint64       profile_id)
{
  g_return_val_if_fail (VEIL_IS_CONTEXT (self), NULL);
  return get_model (self, "protected-images", profile_id, (NewModelFunc) veil_protected_image_model_new);
}

static void
load_analyzer_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  g_task_return_pointer (task, veil_analyzer_new_with_default_model (), g_object_unref);
}

/**
 * veil_context_load_analyzer_async:
 *
 * Gets the analyzer the application shares: the one set, or else the default model loaded
 * in a worker thread, which the context then keeps for everyone.
 */
void
veil_context_load_analyzer_async (VeilContext         *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VEIL_IS_CONTEXT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, veil_context_load_analyzer_async);
  if (self->analyzer != NULL)
    g_task_return_pointer (task, g_object_ref (self->analyzer), g_object_unref);
  else
    g_task_run_in_thread (task, load_analyzer_thread);
}

/**
 * veil_context_load_analyzer_finish:
 *
 * Returns: (transfer full): the analyzer, or %NULL when the model could not be loaded
 */
VeilAnalyzer *
veil_context_load_analyzer_finish (VeilContext   *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  VeilAnalyzer *analyzer;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == veil_context_load_analyzer_async, NULL);

  analyzer = g_task_propagate_pointer (G_TASK (result), error);
  /* Loaded while another load ran: the first one kept stays the shared one. */
  if (analyzer != NULL && self->analyzer == NULL)
    self->analyzer = g_object_ref (analyzer);
  else if (analyzer != NULL && analyzer != self->analyzer)
    g_set_object (&analyzer, self->analyzer);
  return analyzer;
}
