/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-hash-list-import"

#include "config.h"

#include "veil-hash-list-import.h"

/* Importing a hash list file: read it (its format is recognised) and keep it in the store for
 * one profile or for every profile. The guardian area and veilctl share this. */

typedef struct {
  gint64  profile_id;
  char   *path;
  char   *name;
  char   *source;
} ImportData;

static void
import_data_free (ImportData *data)
{
  g_free (data->path);
  g_free (data->name);
  g_free (data->source);
  g_free (data);
}

/**
 * veil_hash_list_import_file:
 * @profile_id: the profile the list is for, 0 for every profile
 * @path: the list file
 * @name: (nullable): the list's name, %NULL for the one in the file
 * @source: (nullable): where it comes from, %NULL for the file's name
 *
 * Reads and keeps a hash list. Blocks: call it from a worker thread, or use
 * veil_hash_list_import_file_async().
 *
 * Returns: (transfer full): the list as kept, or %NULL with a #VeilHashListError naming the
 *   file and line when it is malformed, or a #VeilStoreError
 */
VeilHashList *
veil_hash_list_import_file (VeilStore     *store,
                            gint64         profile_id,
                            const char    *path,
                            const char    *name,
                            const char    *source,
                            GCancellable  *cancellable,
                            GError       **error)
{
  g_autoptr(VeilHashList) list = NULL;
  g_autofree char *basename = NULL;

  g_return_val_if_fail (VEIL_IS_STORE (store), NULL);
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  list = veil_hash_list_load_file (path, VEIL_HASH_LIST_FORMAT_AUTO, cancellable, error);
  if (list == NULL)
    return NULL;
  if (name != NULL)
    veil_hash_list_set_name (list, name);
  if (source == NULL)
    source = basename = g_path_get_basename (path);
  if (!veil_store_import_hash_list (store, profile_id, list, source, error))
    return NULL;
  return g_steal_pointer (&list);
}

static void
import_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ImportData *data = task_data;
  GError *error = NULL;
  VeilHashList *list = veil_hash_list_import_file (VEIL_STORE (source_object), data->profile_id, data->path,
                                                   data->name, data->source, cancellable, &error);

  if (list == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, list, g_object_unref);
}

/**
 * veil_hash_list_import_file_async:
 *
 * veil_hash_list_import_file() in a worker thread.
 */
void
veil_hash_list_import_file_async (VeilStore           *store,
                                  gint64               profile_id,
                                  const char          *path,
                                  const char          *name,
                                  const char          *source,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ImportData *data;

  g_return_if_fail (VEIL_IS_STORE (store));
  g_return_if_fail (path != NULL);

  data = g_new0 (ImportData, 1);
  data->profile_id = profile_id;
  data->path = g_strdup (path);
  data->name = g_strdup (name);
  data->source = g_strdup (source);

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, veil_hash_list_import_file_async);
  g_task_set_task_data (task, data, (GDestroyNotify) import_data_free);
  g_task_run_in_thread (task, import_thread);
}

/* Returns: (transfer full): the list as kept, or %NULL */
VeilHashList *
veil_hash_list_import_file_finish (VeilStore     *store,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == veil_hash_list_import_file_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
