/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "veil-application.h"
#include "veil-ui.h"

G_BEGIN_DECLS

/* Helpers for UI tests that drive the real VeilApplication and its window under Xvfb. A
 * GApplication registers once per process, so all cases of a test share one application;
 * each case gets its own data folder (the context is reloaded on it) and a fresh window. */

typedef struct {
  VeilApplication *app;
  VeilWindow      *window;
  char            *data_dir;
} VeilAppFixture;

typedef gboolean (*VeilTestPredicate) (gpointer data);

gboolean         veil_test_app_init             (void);
void             veil_test_app_shutdown         (void);
gboolean         veil_test_app_start            (gboolean        screen_reader_labels);
int              veil_test_app_run              (void);
void             veil_test_use_built_translations (gboolean      german);
void             veil_test_load_default_context (VeilContext    *context);
void             veil_test_app_fixture_setup    (VeilAppFixture *fixture,
                                                 gconstpointer   data);
void             veil_test_app_fixture_teardown (VeilAppFixture *fixture,
                                                 gconstpointer   data);
VeilContext     *veil_test_app_get_context      (VeilAppFixture *fixture);
VeilProfile     *veil_test_app_lookup           (VeilAppFixture *fixture,
                                                 const char     *name);
void             veil_test_screenshot_window    (GtkWidget      *window,
                                                 const char     *name);
void             veil_test_app_screenshot       (VeilAppFixture *fixture,
                                                 const char     *name);
void             veil_test_screenshot_of        (GtkWidget      *widget,
                                                 const char     *name);

void             veil_test_wait_until           (VeilTestPredicate pred,
                                                 gpointer          data);
void             veil_test_sync_model           (GListModel       *model);
GtkWidget       *veil_test_find_descendant      (GtkWidget      *root,
                                                 GType           type,
                                                 const char     *name);
void             veil_test_collect_labels       (GtkWidget      *root,
                                                 GString        *out);
gboolean         veil_test_label_visible        (GtkWidget      *label);
void             veil_test_assert_finalized     (gpointer        object);
void             veil_test_destroy_window       (gpointer        window);
gpointer         veil_test_own_widget           (gpointer        widget);
void             veil_test_replace_child        (gpointer        window,
                                                 GtkWidget      *child);

#define VEIL_TEST_APP_ADD(path, func) \
  g_test_add (path, VeilAppFixture, NULL, veil_test_app_fixture_setup, func, veil_test_app_fixture_teardown)

G_END_DECLS
