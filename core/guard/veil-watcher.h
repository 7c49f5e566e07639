/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define VEIL_WATCHER_ERROR (veil_watcher_error_quark ())

typedef enum {
  VEIL_WATCHER_ERROR_NOT_A_FOLDER = 1,
  VEIL_WATCHER_ERROR_MONITOR = 2,
} VeilWatcherError;

/* How long a new file must stay unchanged after its writer closed it before it is handed on. */
#define VEIL_WATCHER_DEFAULT_SETTLE_MS 60

#define VEIL_TYPE_WATCHER (veil_watcher_get_type ())
G_DECLARE_FINAL_TYPE (VeilWatcher, veil_watcher, VEIL, WATCHER, GObject)

GQuark       veil_watcher_error_quark       (void);

VeilWatcher *veil_watcher_new               (void);
gboolean     veil_watcher_add_folder        (VeilWatcher  *self,
                                             GFile        *folder,
                                             GError      **error);
void         veil_watcher_notice_file       (VeilWatcher  *self,
                                             GFile        *file);
gboolean     veil_watcher_remove_folder     (VeilWatcher  *self,
                                             GFile        *folder);
GPtrArray   *veil_watcher_list_folders      (VeilWatcher  *self);
guint        veil_watcher_get_settle_time   (VeilWatcher  *self);
void         veil_watcher_set_settle_time   (VeilWatcher  *self,
                                             guint         milliseconds);
guint        veil_watcher_get_n_pending     (VeilWatcher  *self);

gboolean     veil_watcher_is_partial_name   (const char   *basename);
gboolean     veil_watcher_is_checked_type   (const char   *content_type);
GPtrArray   *veil_watcher_default_folders   (void);

G_END_DECLS
