/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-watcher"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "veil-watcher.h"

/* VeilWatcher: notices new images in attachment folders (Downloads and the like).
 *
 * Messengers and browsers write a download under a temporary name and rename it when it is
 * complete, or write it in place and close it. The watcher waits for either: a file is handed
 * on ("file-ready") only once its writer has closed it (or renamed it into place) and it has
 * then stayed the same for a short settle time. Partial downloads are never handed on, and
 * every file version (inode, size, modification time) is handed on once. The watcher only
 * reads metadata and the first bytes the content-type sniffer needs; it never writes, moves
 * or deletes anything. Event-driven: an idle watcher uses no CPU. */

G_DEFINE_QUARK (veil-watcher-error-quark, veil_watcher_error)

/* Writers that never close (or that the kernel does not report) are caught by this fallback:
 * a file with no events for this long is treated as complete. */
#define QUIET_FALLBACK_MS 2000

typedef struct {
  VeilWatcher *watcher;   /* unowned */
  GFile       *file;
  guint        timeout_id;
  gboolean     closed;    /* the writer closed it (or it was renamed/moved in) */
  guint64      size;      /* at the time the check was scheduled */
  guint64      mtime_usec;
} Pending;

struct _VeilWatcher
{
  GObject      parent_instance;

  GHashTable  *monitors;  /* GFile folder -> GFileMonitor, owned */
  GHashTable  *pending;   /* path -> Pending, owned */
  GHashTable  *handed_on; /* path -> "inode:size:mtime" of the version handed on, owned */
  guint        settle_ms;
};

G_DEFINE_FINAL_TYPE (VeilWatcher, veil_watcher, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SETTLE_TIME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_FILE_READY,
  SIGNAL_FOLDER_ADDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
pending_free (gpointer data)
{
  Pending *pending = data;

  g_clear_handle_id (&pending->timeout_id, g_source_remove);
  g_clear_object (&pending->file);
  g_free (pending);
}

/**
 * veil_watcher_is_checked_type:
 * @content_type: a type guessed from a file's first bytes (g_content_type_guess())
 *
 * Returns: whether Veil checks files of this type: every picture, and videos in the
 *   containers its analysis worker reads (MP4, MOV, M4V, 3GP; WebM, Matroska)
 */
gboolean
veil_watcher_is_checked_type (const char *content_type)
{
  static const char *const videos[] = {
    "video/mp4", "video/quicktime", "video/x-m4v", "video/3gpp", "video/3gpp2", "video/webm",
    "video/x-matroska",
  };

  g_return_val_if_fail (content_type != NULL, FALSE);

  if (g_content_type_is_mime_type (content_type, "image/*"))
    return TRUE;
  for (gsize i = 0; i < G_N_ELEMENTS (videos); i++)
    if (g_content_type_is_mime_type (content_type, videos[i]))
      return TRUE;
  return FALSE;
}

/* Names browsers, messengers and editors give files that are still being written. */
gboolean
veil_watcher_is_partial_name (const char *basename)
{
  static const char *partial_suffixes[] = {
    ".part", ".partial", ".crdownload", ".download", ".tmp", ".temp", ".opdownload", ".!qB",
    ".filepart", ".swp", "~",
  };

  g_return_val_if_fail (basename != NULL, TRUE);

  /* Hidden files are where writers stage their work (GIO's ".goutputstream-" files, say). */
  if (basename[0] == '.' || basename[0] == '\0')
    return TRUE;

  for (gsize i = 0; i < G_N_ELEMENTS (partial_suffixes); i++)
    {
      if (g_str_has_suffix (basename, partial_suffixes[i]))
        return TRUE;
    }

  /* Firefox reserves the final name with an empty file and writes "name.part" beside it;
   * an empty file is handled by the size check, not here. */
  return FALSE;
}

static gboolean
query_version (GFile       *file,
               GFileInfo  **info_out,
               char       **version_out)
{
  g_autoptr(GFileInfo) info = NULL;

  /* NOFOLLOW: a symlink dropped into Downloads could point anywhere; it is not a download. */
  info = g_file_query_info (file,
                            G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                            G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                            G_FILE_ATTRIBUTE_TIME_MODIFIED ","
                            G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC ","
                            G_FILE_ATTRIBUTE_UNIX_INODE,
                            G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  if (info == NULL || g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    return FALSE;

  if (version_out != NULL)
    *version_out = g_strdup_printf ("%" G_GUINT64_FORMAT ":%" G_GOFFSET_FORMAT ":%" G_GUINT64_FORMAT ".%u",
                                    g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_UNIX_INODE),
                                    g_file_info_get_size (info),
                                    g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED),
                                    g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC));
  if (info_out != NULL)
    *info_out = g_steal_pointer (&info);

  return TRUE;
}

static guint64
info_mtime_usec (GFileInfo *info)
{
  return g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED) * G_USEC_PER_SEC +
         g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC);
}

/* Judges by the first bytes, never by the name: a name can claim anything. */
static gboolean
looks_checked (GFile *file)
{
  g_autoptr(GFileInputStream) in = NULL;
  g_autofree char *content_type = NULL;
  guint8 head[4096];
  gsize n_read = 0;

  in = g_file_read (file, NULL, NULL);
  if (in == NULL ||
      !g_input_stream_read_all (G_INPUT_STREAM (in), head, sizeof head, &n_read, NULL, NULL) ||
      n_read == 0)
    return FALSE;

  content_type = g_content_type_guess (NULL, head, n_read, NULL);
  return veil_watcher_is_checked_type (content_type);
}

static void schedule_check (VeilWatcher *self, GFile *file, gboolean closed);

static gboolean
check_cb (gpointer user_data)
{
  Pending *pending = user_data;
  VeilWatcher *self = pending->watcher;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GFile) file = g_object_ref (pending->file);
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *version = NULL;
  gboolean closed = pending->closed;

  pending->timeout_id = 0;

  if (!query_version (file, &info, &version))
    {
      /* Gone (renamed, deleted) or not a regular file: nothing to hand on. */
      g_hash_table_remove (self->pending, path);
      return G_SOURCE_REMOVE;
    }

  /* An empty file is a placeholder (Firefox reserves the final name this way): wait for the
   * events of the real write instead of polling it. */
  if (g_file_info_get_size (info) == 0)
    {
      g_hash_table_remove (self->pending, path);
      return G_SOURCE_REMOVE;
    }

  /* Still changing since the check was scheduled: wait for it to settle again. */
  if ((guint64) g_file_info_get_size (info) != pending->size ||
      info_mtime_usec (info) != pending->mtime_usec)
    {
      schedule_check (self, file, closed);
      return G_SOURCE_REMOVE;
    }

  g_hash_table_remove (self->pending, path);

  if (g_strcmp0 (g_hash_table_lookup (self->handed_on, path), version) == 0)
    return G_SOURCE_REMOVE;

  if (!looks_checked (file))
    {
      g_debug ("Neither a picture nor a video, ignored: %s", path);
      return G_SOURCE_REMOVE;
    }

  g_hash_table_replace (self->handed_on, g_strdup (path), g_steal_pointer (&version));
  g_signal_emit (self, signals[SIGNAL_FILE_READY], 0, file);

  return G_SOURCE_REMOVE;
}

static void
schedule_check (VeilWatcher *self,
                GFile       *file,
                gboolean     closed)
{
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *basename = g_file_get_basename (file);
  g_autoptr(GFileInfo) info = NULL;
  Pending *pending;

  if (path == NULL || veil_watcher_is_partial_name (basename))
    return;

  pending = g_hash_table_lookup (self->pending, path);
  if (pending == NULL)
    {
      pending = g_new0 (Pending, 1);
      pending->watcher = self;
      pending->file = g_object_ref (file);
      g_hash_table_insert (self->pending, g_strdup (path), pending);
    }

  pending->closed = pending->closed || closed;
  g_clear_handle_id (&pending->timeout_id, g_source_remove);

  if (query_version (file, &info, NULL))
    {
      pending->size = g_file_info_get_size (info);
      pending->mtime_usec = info_mtime_usec (info);
    }

  pending->timeout_id = g_timeout_add (pending->closed ? self->settle_ms : QUIET_FALLBACK_MS,
                                       check_cb, pending);
}

static void
forget (VeilWatcher *self,
        GFile       *file)
{
  g_autofree char *path = g_file_get_path (file);

  if (path != NULL)
    g_hash_table_remove (self->pending, path);
}

/* A folder made or moved into a watched one (a camera import's dated folder): the owner
 * decides whether to watch it too, and a monitor does not report what it already holds. */
static gboolean
announce_folder (VeilWatcher *self,
                 GFile       *file)
{
  if (g_file_query_file_type (file, G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL) != G_FILE_TYPE_DIRECTORY)
    return FALSE;
  g_signal_emit (self, signals[SIGNAL_FOLDER_ADDED], 0, file);
  return TRUE;
}

static void
monitor_changed_cb (GFileMonitor      *monitor,
                    GFile             *file,
                    GFile             *other_file,
                    GFileMonitorEvent  event,
                    gpointer           user_data)
{
  VeilWatcher *self = VEIL_WATCHER (user_data);

  switch (event)
    {
    case G_FILE_MONITOR_EVENT_CREATED:
      if (announce_folder (self, file))
        break;
      schedule_check (self, file, FALSE);
      break;

    case G_FILE_MONITOR_EVENT_CHANGED:
      schedule_check (self, file, FALSE);
      break;

    case G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT:
      schedule_check (self, file, TRUE);
      break;

    case G_FILE_MONITOR_EVENT_RENAMED:
      /* "name.jpg.part" -> "name.jpg": the download is complete under its final name. */
      forget (self, file);
      if (other_file != NULL)
        schedule_check (self, other_file, TRUE);
      break;

    case G_FILE_MONITOR_EVENT_MOVED_IN:
      if (announce_folder (self, file))
        break;
      schedule_check (self, file, TRUE);
      break;

    case G_FILE_MONITOR_EVENT_DELETED:
    case G_FILE_MONITOR_EVENT_MOVED_OUT:
      forget (self, file);
      break;

    case G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED:
    case G_FILE_MONITOR_EVENT_PRE_UNMOUNT:
    case G_FILE_MONITOR_EVENT_UNMOUNTED:
    case G_FILE_MONITOR_EVENT_MOVED:
    default:
      break;
    }
}

static void
veil_watcher_dispose (GObject *object)
{
  VeilWatcher *self = VEIL_WATCHER (object);
  GHashTableIter iter;
  gpointer monitor;

  if (self->monitors != NULL)
    {
      g_hash_table_iter_init (&iter, self->monitors);
      while (g_hash_table_iter_next (&iter, NULL, &monitor))
        {
          g_signal_handlers_disconnect_by_data (monitor, self);
          g_file_monitor_cancel (monitor);
        }
    }
  g_clear_pointer (&self->monitors, g_hash_table_unref);
  g_clear_pointer (&self->pending, g_hash_table_unref);

  G_OBJECT_CLASS (veil_watcher_parent_class)->dispose (object);
}

static void
veil_watcher_finalize (GObject *object)
{
  VeilWatcher *self = VEIL_WATCHER (object);

  g_clear_pointer (&self->handed_on, g_hash_table_unref);

  G_OBJECT_CLASS (veil_watcher_parent_class)->finalize (object);
}

static void
veil_watcher_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  VeilWatcher *self = VEIL_WATCHER (object);

  switch (prop_id)
    {
    case PROP_SETTLE_TIME:
      g_value_set_uint (value, self->settle_ms);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_watcher_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  VeilWatcher *self = VEIL_WATCHER (object);

  switch (prop_id)
    {
    case PROP_SETTLE_TIME:
      veil_watcher_set_settle_time (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_watcher_class_init (VeilWatcherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = veil_watcher_dispose;
  object_class->finalize = veil_watcher_finalize;
  object_class->get_property = veil_watcher_get_property;
  object_class->set_property = veil_watcher_set_property;

  /**
   * VeilWatcher:settle-time:
   *
   * Milliseconds a closed file must stay unchanged before it is handed on.
   */
  properties[PROP_SETTLE_TIME] =
    g_param_spec_uint ("settle-time", NULL, NULL,
                       0, 60000, VEIL_WATCHER_DEFAULT_SETTLE_MS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * VeilWatcher::file-ready:
   * @self: the watcher
   * @file: a complete new image in a watched folder
   *
   * Emitted once for each new version of an image file, when it is complete.
   */
  signals[SIGNAL_FILE_READY] =
    g_signal_new ("file-ready",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_FILE);

  /**
   * VeilWatcher::folder-added:
   * @self: the watcher
   * @folder: a folder made in, or moved into, a watched folder
   *
   * The folder is not watched by itself: add it with veil_watcher_add_folder(), and hand
   * what it already holds to veil_watcher_notice_file().
   */
  signals[SIGNAL_FOLDER_ADDED] =
    g_signal_new ("folder-added",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_FILE);
}

static void
veil_watcher_init (VeilWatcher *self)
{
  self->monitors = g_hash_table_new_full (g_file_hash, (GEqualFunc) g_file_equal,
                                          g_object_unref, g_object_unref);
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, pending_free);
  self->handed_on = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->settle_ms = VEIL_WATCHER_DEFAULT_SETTLE_MS;
}

/**
 * veil_watcher_new:
 *
 * Returns: (transfer full): a watcher with no folders
 */
VeilWatcher *
veil_watcher_new (void)
{
  return g_object_new (VEIL_TYPE_WATCHER, NULL);
}

/**
 * veil_watcher_add_folder:
 * @self: a #VeilWatcher
 * @folder: a folder to watch (not recursively)
 * @error: return location for a #VeilWatcherError
 *
 * Starts watching @folder for new images. Files already there are not handed on: the
 * watcher is about what arrives, library scans are about what is there.
 *
 * Returns: %TRUE when @folder is watched
 */
gboolean
veil_watcher_add_folder (VeilWatcher  *self,
                         GFile        *folder,
                         GError      **error)
{
  g_autoptr(GFileMonitor) monitor = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (VEIL_IS_WATCHER (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (folder), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_hash_table_contains (self->monitors, folder))
    return TRUE;

  name = g_file_get_parse_name (folder);
  if (g_file_query_file_type (folder, G_FILE_QUERY_INFO_NONE, NULL) != G_FILE_TYPE_DIRECTORY)
    {
      g_set_error (error, VEIL_WATCHER_ERROR, VEIL_WATCHER_ERROR_NOT_A_FOLDER,
                   _("“%s” is not a folder, so it cannot be watched. Choose an existing folder."),
                   name);
      return FALSE;
    }

  monitor = g_file_monitor_directory (folder, G_FILE_MONITOR_WATCH_MOVES, NULL, &local_error);
  if (monitor == NULL)
    {
      g_set_error (error, VEIL_WATCHER_ERROR, VEIL_WATCHER_ERROR_MONITOR,
                   _("Veil cannot watch “%s”: %s"), name, local_error->message);
      return FALSE;
    }

  g_signal_connect_object (monitor, "changed", G_CALLBACK (monitor_changed_cb), self, 0);
  g_hash_table_insert (self->monitors, g_object_ref (folder), g_steal_pointer (&monitor));

  return TRUE;
}

/**
 * veil_watcher_notice_file:
 * @file: a file in a watched folder that no event announced (one that was already in a
 *   folder announced by #VeilWatcher::folder-added)
 *
 * Treats @file as if it had just appeared: once it has stayed unchanged for a moment, and if
 * it is an image, #VeilWatcher::file-ready is emitted for it.
 */
void
veil_watcher_notice_file (VeilWatcher *self,
                          GFile       *file)
{
  g_return_if_fail (VEIL_IS_WATCHER (self));
  g_return_if_fail (G_IS_FILE (file));

  schedule_check (self, file, FALSE);
}

/**
 * veil_watcher_remove_folder:
 * @self: a #VeilWatcher
 * @folder: a watched folder
 *
 * Stops watching @folder.
 *
 * Returns: %TRUE if @folder was watched
 */
gboolean
veil_watcher_remove_folder (VeilWatcher *self,
                            GFile       *folder)
{
  GFileMonitor *monitor;

  g_return_val_if_fail (VEIL_IS_WATCHER (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (folder), FALSE);

  monitor = g_hash_table_lookup (self->monitors, folder);
  if (monitor == NULL)
    return FALSE;

  g_signal_handlers_disconnect_by_data (monitor, self);
  g_file_monitor_cancel (monitor);
  return g_hash_table_remove (self->monitors, folder);
}

/**
 * veil_watcher_list_folders:
 * @self: a #VeilWatcher
 *
 * Returns: (transfer container) (element-type GFile): the watched folders
 */
GPtrArray *
veil_watcher_list_folders (VeilWatcher *self)
{
  GPtrArray *folders;
  GHashTableIter iter;
  gpointer folder;

  g_return_val_if_fail (VEIL_IS_WATCHER (self), NULL);

  folders = g_ptr_array_new_with_free_func (g_object_unref);
  g_hash_table_iter_init (&iter, self->monitors);
  while (g_hash_table_iter_next (&iter, &folder, NULL))
    g_ptr_array_add (folders, g_object_ref (folder));

  return folders;
}

guint
veil_watcher_get_settle_time (VeilWatcher *self)
{
  g_return_val_if_fail (VEIL_IS_WATCHER (self), 0);

  return self->settle_ms;
}

void
veil_watcher_set_settle_time (VeilWatcher *self,
                              guint        milliseconds)
{
  g_return_if_fail (VEIL_IS_WATCHER (self));

  if (self->settle_ms == milliseconds)
    return;

  self->settle_ms = milliseconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SETTLE_TIME]);
}

/**
 * veil_watcher_get_n_pending:
 * @self: a #VeilWatcher
 *
 * Returns: how many files are being written or settling
 */
guint
veil_watcher_get_n_pending (VeilWatcher *self)
{
  g_return_val_if_fail (VEIL_IS_WATCHER (self), 0);

  return g_hash_table_size (self->pending);
}

/**
 * veil_watcher_default_folders:
 *
 * The attachment folders proposed to a guardian: the Downloads folder and Telegram
 * Desktop's folder inside it. Only those that exist are returned.
 *
 * Returns: (transfer container) (element-type GFile): existing default folders
 */
GPtrArray *
veil_watcher_default_folders (void)
{
  GPtrArray *folders = g_ptr_array_new_with_free_func (g_object_unref);
  const char *downloads = g_get_user_special_dir (G_USER_DIRECTORY_DOWNLOAD);
  g_autofree char *fallback = NULL;
  const char *subfolders[] = { NULL, "Telegram Desktop" };

  if (downloads == NULL)
    downloads = fallback = g_build_filename (g_get_home_dir (), "Downloads", NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (subfolders); i++)
    {
      g_autofree char *path = g_build_filename (downloads, subfolders[i], NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        g_ptr_array_add (folders, g_file_new_for_path (path));
    }

  return folders;
}
