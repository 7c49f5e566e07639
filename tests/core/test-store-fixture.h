/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "veil.h"
#include "veil-store-private.h"

G_BEGIN_DECLS

/* Real SQLite files in a private temporary folder per case. */
typedef struct {
  char *dir;
  char *path;
} StoreFixture;

void         fixture_setup    (StoreFixture  *fixture,
                               gconstpointer  data);
void         fixture_teardown (StoreFixture  *fixture,
                               gconstpointer  data);
VeilStore   *open_store       (StoreFixture  *fixture);
VeilProfile *make_profile     (const char    *name,
                               ...) G_GNUC_NULL_TERMINATED;
VeilProfile *save             (VeilStore     *store,
                               VeilProfile   *profile);
void         record_alert     (VeilStore     *store,
                               VeilProfile   *profile,
                               GBytes        *thumbnail);
gint64       count_rows       (const char    *path,
                               const char    *sql);
void         exec_sql         (const char    *path,
                               const char    *sql);
char        *file_checksum    (const char    *path);
char        *find_backup      (const char    *dir);
void         kill_at_point    (VeilStore     *store,
                               const char    *point,
                               gpointer       user_data);

#define ADD_STORE_TEST(path, func) \
  g_test_add (path, StoreFixture, NULL, fixture_setup, func, fixture_teardown)

G_END_DECLS
