/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-protect-pictures"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "veil-protect-pictures.h"

/* "Protect my pictures": hash each picture a child picks (in an analysis worker, like every
 * untrusted picture) and keep only its hashes. One picture that cannot be read does not stop
 * the others. */

/* Owned by the thread; read back once the task returns. */
typedef struct {
  VeilAnalyzer *analyzer;
  gint64   profile_id;
  GStrv    paths;
  guint    n_added;
  char    *problem;
} ProtectData;

static void
protect_data_free (ProtectData *data)
{
  g_clear_object (&data->analyzer);
  g_strfreev (data->paths);
  g_free (data->problem);
  g_free (data);
}

/**
 * veil_protect_pictures:
 * @paths: the pictures, %NULL-terminated
 * @out_n_added: (out) (optional): how many are now protected
 * @out_problem: (out) (optional) (transfer full): the first failure, naming the file, or %NULL
 *
 * Blocks: call it from a worker thread, or use veil_protect_pictures_async().
 *
 * Returns: %FALSE only when cancelled
 */
gboolean
veil_protect_pictures (VeilStore           *store,
                       VeilAnalyzer        *analyzer,
                       gint64               profile_id,
                       const char * const  *paths,
                       guint               *out_n_added,
                       char               **out_problem,
                       GCancellable        *cancellable,
                       GError             **error)
{
  g_autofree char *problem = NULL;
  guint n_added = 0;

  g_return_val_if_fail (VEIL_IS_STORE (store), FALSE);
  g_return_val_if_fail (VEIL_IS_ANALYZER (analyzer), FALSE);
  g_return_val_if_fail (paths != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autofree char *md5 = NULL;
      VeilPdqHash hash;

      if (veil_analyzer_hash_file (analyzer, paths[i], &hash, &md5, cancellable, &local_error) &&
          veil_store_add_protected_image (store, profile_id, &hash, md5, &local_error))
        {
          n_added++;
        }
      else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      else if (problem == NULL)
        {
          g_autofree char *name = g_path_get_basename (paths[i]);

          /* Translators: %s is a file name, then why it could not be used */
          problem = g_strdup_printf (_("%s could not be added: %s"), name, local_error->message);
        }
    }

  if (out_n_added != NULL)
    *out_n_added = n_added;
  if (out_problem != NULL)
    *out_problem = g_steal_pointer (&problem);
  return TRUE;
}

static void
protect_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  ProtectData *data = task_data;
  GError *error = NULL;

  if (veil_protect_pictures (VEIL_STORE (source_object), data->analyzer, data->profile_id, (const char * const *) data->paths,
                             &data->n_added, &data->problem, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * veil_protect_pictures_async:
 *
 * veil_protect_pictures() in a worker thread.
 */
void
veil_protect_pictures_async (VeilStore           *store,
                             VeilAnalyzer        *analyzer,
                             gint64               profile_id,
                             const char * const  *paths,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ProtectData *data;

  g_return_if_fail (VEIL_IS_STORE (store));
  g_return_if_fail (VEIL_IS_ANALYZER (analyzer));
  g_return_if_fail (paths != NULL);

  data = g_new0 (ProtectData, 1);
  data->analyzer = g_object_ref (analyzer);
  data->profile_id = profile_id;
  data->paths = g_strdupv ((char **) paths);

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, veil_protect_pictures_async);
  g_task_set_task_data (task, data, (GDestroyNotify) protect_data_free);
  g_task_run_in_thread (task, protect_thread);
}

gboolean
veil_protect_pictures_finish (VeilStore     *store,
                              GAsyncResult  *result,
                              guint         *out_n_added,
                              char         **out_problem,
                              GError       **error)
{
  ProtectData *data;

  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == veil_protect_pictures_async, FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  data = g_task_get_task_data (G_TASK (result));
  if (out_n_added != NULL)
    *out_n_added = data->n_added;
  if (out_problem != NULL)
    *out_problem = g_steal_pointer (&data->problem);
  return TRUE;
}
