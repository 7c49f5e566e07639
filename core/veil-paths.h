/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define VEIL_PATHS_ERROR (veil_paths_error_quark ())

typedef enum {
  VEIL_PATHS_ERROR_CREATE = 1,
  VEIL_PATHS_ERROR_NOT_PRIVATE = 2,
  VEIL_PATHS_ERROR_NOT_A_DIRECTORY = 3,
} VeilPathsError;

GQuark  veil_paths_error_quark        (void);

char   *veil_paths_get_data_dir       (void);
char   *veil_paths_get_database_path  (void);
char   *veil_paths_get_analysis_worker (void);
gboolean veil_paths_ensure_private_dir (const char  *path,
                                        GError     **error);

G_END_DECLS
