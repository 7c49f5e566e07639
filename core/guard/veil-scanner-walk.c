/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-scanner"

#include "config.h"

#include "veil-scanner-private.h"

/* The walker: one thread goes through the scanned folders, judges each unchanged picture
 * from the scan cache and queues the others for the workers. */

/* Pictures, and the videos the analysis worker reads; the worker goes by the content. */
static const char *image_extensions[] = {
  "jpg", "jpeg", "jpe", "jfif", "png", "webp", "gif", "tif", "tiff", "bmp", "heic", "heif", "avif",
  "mp4", "m4v", "mov", "3gp", "webm", "mkv",
};

static gboolean
is_image_name (const char *name)
{
  const char *dot = strrchr (name, '.');

  if (dot == NULL || dot[1] == '\0')
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (image_extensions); i++)
    if (g_ascii_strcasecmp (dot + 1, image_extensions[i]) == 0)
      return TRUE;
  return FALSE;
}

static char *
file_key (GFileInfo *info)
{
  return g_strdup_printf ("%u:%" G_GUINT64_FORMAT,
                          g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_UNIX_DEVICE),
                          g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_UNIX_INODE));
}

/* On the walker thread: an unchanged file is judged from the cache; others go to a worker. */
static void
handle_file (VeilScannerJob *job,
             GThreadPool    *pool,
             const char     *path,
             GFileInfo      *info)
{
  g_auto(VeilScanCacheEntry) entry = { 0, };
  VeilFileStamp stamp = { 0, };
  VeilScannerWorkItem *item;
  g_autofree char *key = file_key (info);

  /* Hard links and links to files: one picture is analysed once. */
  if (!g_hash_table_add (job->visited_files, g_steal_pointer (&key)))
    return;
  g_atomic_int_inc (&job->n_seen);

  if (g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_ACCESS_CAN_READ) &&
      !g_file_info_get_attribute_boolean (info, G_FILE_ATTRIBUTE_ACCESS_CAN_READ))
    {
      _veil_scanner_job_skip (job, VEIL_SCAN_SKIP_UNREADABLE_FILE, path);
      g_atomic_int_inc (&job->n_done);
      return;
    }

  stamp.device = g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_UNIX_DEVICE);
  stamp.inode = g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_UNIX_INODE);
  stamp.size = (guint64) g_file_info_get_size (info);
  stamp.mtime_ns = (gint64) g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED) * G_GINT64_CONSTANT (1000000000) +
                   (gint64) g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED_NSEC);

  if (veil_store_lookup_file (job->store, path, &stamp, veil_analyzer_get_classifier_id (job->analyzer), &entry))
    {
      g_autoptr(VeilVerdict) verdict = NULL;

      if (entry.error != NULL)
        {
          _veil_scanner_job_skip (job, _veil_scanner_skip_from_string (entry.error), path);
          g_atomic_int_inc (&job->n_done);
          return;
        }
      /* The policy, lists and exceptions may have changed since: judge the figures again. */
      verdict = veil_analyzer_evaluate (job->analyzer, job->profile, entry.has_hash ? &entry.hash : NULL,
                                        entry.quality, entry.scores);
      /* A newly sensitive picture needs its blurred thumbnail: that means decoding it. */
      if (!veil_verdict_get_sensitive (verdict) ||
          (entry.has_hash && veil_store_has_alert (job->store, veil_profile_get_id (job->profile), &entry.hash)))
        {
          _veil_scanner_job_count_verdict (job, verdict);
          g_atomic_int_inc (&job->n_cached);
          g_atomic_int_inc (&job->n_done);
          return;
        }
    }

  item = g_new0 (VeilScannerWorkItem, 1);
  item->path = g_strdup (path);
  item->stamp = stamp;
  /* Without a pool (one picture that just arrived) it is analysed on this thread. */
  if (pool != NULL)
    g_thread_pool_push (pool, item, NULL);
  else
    _veil_scanner_analyze_item (item, job);
}

#define WALK_ATTRIBUTES \
  G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE "," \
  G_FILE_ATTRIBUTE_STANDARD_IS_SYMLINK "," G_FILE_ATTRIBUTE_STANDARD_SIZE "," \
  G_FILE_ATTRIBUTE_UNIX_DEVICE "," G_FILE_ATTRIBUTE_UNIX_INODE "," \
  G_FILE_ATTRIBUTE_TIME_MODIFIED "," G_FILE_ATTRIBUTE_TIME_MODIFIED_NSEC "," \
  G_FILE_ATTRIBUTE_ACCESS_CAN_READ

/* Walks @root without recursion; links are followed, but a folder already visited (a link
 * back to a parent, a loop of links) is never entered twice. */
void
_veil_scanner_walk (VeilScannerJob *job,
                    GThreadPool    *pool,
                    const char     *root)
{
  g_autoptr(GQueue) pending = g_queue_new ();
  g_autoptr(GFile) root_file = g_file_new_for_path (root);
  g_autoptr(GFileInfo) root_info = NULL;
  g_autoptr(GError) error = NULL;
  GFile *dir;

  root_info = g_file_query_info (root_file, WALK_ATTRIBUTES, G_FILE_QUERY_INFO_NONE, job->cancellable, &error);
  if (root_info == NULL || g_file_info_get_file_type (root_info) != G_FILE_TYPE_DIRECTORY)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _veil_scanner_job_skip (job, VEIL_SCAN_SKIP_UNREADABLE_FOLDER, root);
      return;
    }
  if (!g_hash_table_add (job->visited_dirs, file_key (root_info)))
    return;
  g_queue_push_tail (pending, g_steal_pointer (&root_file));

  while ((dir = g_queue_pop_head (pending)) != NULL)
    {
      g_autoptr(GFile) current = dir;
      g_autoptr(GFileEnumerator) children = NULL;
      g_autofree char *dir_path = g_file_get_path (current);
      GFileInfo *info;

      if (g_cancellable_is_cancelled (job->cancellable))
        break;
      _veil_scanner_job_wait_while_paused (job);

      children = g_file_enumerate_children (current, WALK_ATTRIBUTES, G_FILE_QUERY_INFO_NONE,
                                            job->cancellable, &error);
      if (children == NULL)
        {
          if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            _veil_scanner_job_skip (job, VEIL_SCAN_SKIP_UNREADABLE_FOLDER, dir_path);
          g_clear_error (&error);
          continue;
        }

      while (g_file_enumerator_iterate (children, &info, NULL, job->cancellable, &error) && info != NULL)
        {
          g_autofree char *path = g_build_filename (dir_path, g_file_info_get_name (info), NULL);

          switch (g_file_info_get_file_type (info))
            {
            case G_FILE_TYPE_DIRECTORY:
              if (!g_hash_table_add (job->visited_dirs, file_key (info)))
                {
                  if (g_file_info_get_is_symlink (info))
                    _veil_scanner_job_skip (job, VEIL_SCAN_SKIP_SYMLINK_LOOP, path);
                }
              else
                g_queue_push_tail (pending, g_file_new_for_path (path));
              break;
            case G_FILE_TYPE_REGULAR:
              if (is_image_name (path))
                handle_file (job, pool, path, info);
              break;
            case G_FILE_TYPE_SYMBOLIC_LINK:
              /* Followed but still a link: it points nowhere (or loops onto itself). */
              if (is_image_name (path))
                _veil_scanner_job_skip (job, VEIL_SCAN_SKIP_UNREADABLE_FILE, path);
              break;
            default:
              break;
            }
        }
      if (error != NULL)
        {
          if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            _veil_scanner_job_skip (job, VEIL_SCAN_SKIP_UNREADABLE_FOLDER, dir_path);
          g_clear_error (&error);
        }
    }
  g_queue_free_full (g_steal_pointer (&pending), g_object_unref);
}

/* One picture, as a scan would judge it: from the cache when unchanged, else analysed here. */
void
_veil_scanner_check_one (VeilScannerJob *job,
                         const char     *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  if (!is_image_name (path))
    return;
  info = g_file_query_info (file, WALK_ATTRIBUTES, G_FILE_QUERY_INFO_NONE, job->cancellable, &error);
  if (info == NULL)
    {
      /* Gone again before it could be checked: nothing to say about it. */
      g_debug ("Not checking %s: %s", path, error->message);
      return;
    }
  if (g_file_info_get_file_type (info) == G_FILE_TYPE_REGULAR)
    handle_file (job, NULL, path, info);
}
