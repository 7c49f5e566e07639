/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>
#include <locale.h>

#include "veil-test-app.h"
#include "veil-test-keyring.h"
#include "veil-test-utils.h"

static VeilApplication *shared_app;

/* Spins the main context until @pred holds; a lost callback fails the test, not hangs it. */
void
veil_test_wait_until (VeilTestPredicate pred,
                      gpointer          data)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!pred (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out waiting for the UI");
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

static void
model_synced_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  veil_record_model_reload_finish (VEIL_RECORD_MODEL (source), result, &error);
  g_assert_no_error (error);
  *done = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

/* Waits until @model (a #VeilRecordModel) shows the store as it is now: a read started now
 * comes after every write the test made, and the model applies reads in order. Views bound to
 * the model have followed by the time this returns. */
void
veil_test_sync_model (GListModel *model)
{
  gboolean done = FALSE;

  g_assert_true (VEIL_IS_RECORD_MODEL (model));
  veil_record_model_reload_async (VEIL_RECORD_MODEL (model), NULL, model_synced_cb, &done);
  veil_test_wait_until (is_true, &done);
}

static gboolean
only_our_ref (gpointer data)
{
  return g_atomic_int_get (&G_OBJECT (data)->ref_count) == 1;
}

/* Drops the test's reference to @object, a widget GTK has let go of, and checks that it is
 * finalised: work still running for it (a worker thread, an idle) may finish first, but a
 * leak fails the test after a few seconds instead of hiding. */
void
veil_test_assert_finalized (gpointer object)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!only_our_ref (object) && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  g_assert_finalize_object (object);
}

/* Destroys @window, as closing it does, and checks that it is finalised. */
void
veil_test_destroy_window (gpointer window)
{
  g_assert_true (GTK_IS_WINDOW (window));

  g_object_ref (window);
  gtk_window_destroy (GTK_WINDOW (window));
  veil_test_assert_finalized (window);
}

/* Puts @child in @window in place of what it showed, and checks that the widget shown
 * before (if any) is finalised. */
void
veil_test_replace_child (gpointer   window,
                         GtkWidget *child)
{
  GtkWidget *old = gtk_window_get_child (GTK_WINDOW (window));

  if (old != NULL)
    g_object_ref (old);
  gtk_window_set_child (GTK_WINDOW (window), child);
  if (old != NULL)
    veil_test_assert_finalized (old);
}

/* Sinks a widget made outside any window, so that the test owns it. */
gpointer
veil_test_own_widget (gpointer widget)
{
  g_assert_true (GTK_IS_WIDGET (widget));
  return g_object_ref_sink (widget);
}

static gboolean
context_ready (gpointer data)
{
  return veil_context_get_ready (data);
}

static void
load_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  veil_context_load_finish (VEIL_CONTEXT (source), result, NULL);
}

static void
load_checked_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (veil_context_load_finish (VEIL_CONTEXT (source), result, &error));
  g_assert_no_error (error);
}

/* Loads @context on the store Veil opens when it starts, and waits until it is ready. */
void
veil_test_load_default_context (VeilContext *context)
{
  veil_context_load_async (context, NULL, NULL, load_checked_cb, NULL);
  veil_test_wait_until (context_ready, context);
}

static void
activate_cb (GApplication *app,
             gpointer      user_data)
{
  VeilAppFixture *fixture = user_data;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (VEIL_IS_WINDOW (l->data))
      fixture->window = l->data;
  g_application_hold (app);
}

/* Each case gets its own data folder: the context is reloaded on it before the window opens. */
void
veil_test_app_fixture_setup (VeilAppFixture *fixture,
                             gconstpointer   data)
{
  g_autofree char *tmp = veil_test_make_tmpdir ();
  g_autofree char *db = NULL;
  VeilContext *context;
  gulong id;

  fixture->app = shared_app;
  fixture->data_dir = g_build_filename (tmp, "veil", NULL);
  db = g_build_filename (fixture->data_dir, "veil.db", NULL);
  context = veil_application_get_context (fixture->app);

  /* Let the start-up load finish first, then load this case's store. */
  veil_test_wait_until (context_ready, context);
  veil_context_load_async (context, db, NULL, load_cb, NULL);
  while (veil_context_get_store (context) == NULL ||
         g_strcmp0 (veil_store_get_path (veil_context_get_store (context)), db) != 0)
    {
      if (veil_context_get_store (context) == NULL && veil_context_get_store_error (context) != NULL)
        g_error ("%s", veil_context_get_store_error (context)->message);
      g_main_context_iteration (NULL, TRUE);
    }

  id = g_signal_connect_after (fixture->app, "activate", G_CALLBACK (activate_cb), fixture);
  g_application_activate (G_APPLICATION (fixture->app));
  g_signal_handler_disconnect (fixture->app, id);
  g_assert_nonnull (fixture->window);
}

void
veil_test_app_fixture_teardown (VeilAppFixture *fixture,
                                gconstpointer   data)
{
  GList *windows;
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_path_get_dirname (fixture->data_dir);

  while ((windows = gtk_application_get_windows (GTK_APPLICATION (fixture->app))) != NULL)
    veil_test_destroy_window (windows->data);
  fixture->window = NULL;
  g_application_release (G_APPLICATION (fixture->app));
  while (g_main_context_iteration (NULL, FALSE))
    ;

  /* The keyring-missing child has no keyring to clean. */
  if (!g_test_subprocess ())
    {
      secret_password_clear_sync (veil_test_keyring_item_schema (), NULL, &error, "data-dir", fixture->data_dir, NULL);
      g_assert_no_error (error);
    }
  veil_test_rm_rf (tmp);
  g_free (fixture->data_dir);
}

GtkWidget *
veil_test_find_descendant (GtkWidget  *root,
                           GType       type,
                           const char *name)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) &&
      (name == NULL || g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (root)), name) == 0))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = veil_test_find_descendant (child, type, name);
      if (found != NULL)
        return found;
    }
  return NULL;
}

void
veil_test_collect_labels (GtkWidget *root,
                          GString   *out)
{
  if (GTK_IS_LABEL (root) && gtk_widget_get_mapped (root))
    g_string_append_printf (out, "%s\n", gtk_label_get_text (GTK_LABEL (root)));

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    veil_test_collect_labels (child, out);
}

gboolean
veil_test_label_visible (GtkWidget *label)
{
  return gtk_widget_get_visible (label) && *gtk_label_get_text (GTK_LABEL (label)) != '\0';
}

/**
 * veil_test_app_init:
 *
 * After veil_test_init_ui() (and whatever bus set-up the test needs): opens the display and
 * registers the shared application, without a well-known name so that the tests never meet
 * a running Veil.
 *
 * Returns: %FALSE when there is no display (the caller fails the test binary)
 */
gboolean
veil_test_app_init (void)
{
  g_autoptr(GError) error = NULL;

  if (!gtk_init_check ())
    {
      g_printerr ("No display: run the ui suite under Xvfb (tools/run-tests.sh does this)\n");
      return FALSE;
    }
  adw_init ();

  shared_app = veil_application_new ();
  g_application_set_flags (G_APPLICATION (shared_app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (shared_app), NULL, &error));
  g_assert_no_error (error);
  return TRUE;
}

void
veil_test_app_shutdown (void)
{
  g_clear_object (&shared_app);
}

/**
 * veil_test_app_start:
 * @screen_reader_labels: keep what screen readers would be told (GTK's test accessibility
 *   backend), so that the labels can be checked; no accessibility bus is needed
 *
 * After veil_test_init_ui(): starts the test's keyring and the shared application.
 *
 * Returns: %FALSE when there is no display (the caller fails the test binary)
 */
gboolean
veil_test_app_start (gboolean screen_reader_labels)
{
  if (screen_reader_labels)
    g_setenv ("GTK_A11Y", "test", TRUE);
  veil_test_keyring_start ();
  return veil_test_app_init ();
}

/* Runs the cases added, then ends what veil_test_app_start() started. */
int
veil_test_app_run (void)
{
  int ret = g_test_run ();

  veil_test_app_shutdown ();
  veil_test_keyring_stop ();
  return ret;
}

/* Translates with the built catalogues, into German when @german. GLib decides once per
 * process whether to translate, so a German case runs in a subprocess German throughout. */
void
veil_test_use_built_translations (gboolean german)
{
  if (german)
    g_setenv ("LANGUAGE", "de", TRUE);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, VEIL_TEST_BUILDDIR "/../po");
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

VeilContext *
veil_test_app_get_context (VeilAppFixture *fixture)
{
  return veil_application_get_context (fixture->app);
}

VeilProfile *
veil_test_app_lookup (VeilAppFixture *fixture,
                      const char     *name)
{
  g_autoptr(GError) error = NULL;
  VeilProfile *p = veil_store_lookup_profile (veil_context_get_store (veil_test_app_get_context (fixture)),
                                              name, &error);

  g_assert_no_error (error);
  return p;
}

/**
 * veil_test_screenshot_window:
 * @window: a window (the main one, or a dialog)
 * @name: a file name without extension
 *
 * When `VEIL_TEST_SCREENSHOTS` names a folder, saves @window as it is drawn now to
 * NAME.png there, so that a person can look at each step of a UI test (light or dark, wide
 * or narrow, as the environment sets up). Does nothing otherwise.
 */
void
veil_test_screenshot_window (GtkWidget  *window,
                             const char *name)
{
  const char *dir = g_getenv ("VEIL_TEST_SCREENSHOTS");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;
  int width, height;

  if (dir == NULL || *dir == '\0')
    return;

  /* Let layout, drawing and page transitions finish what the test just started. */
  {
    gint64 until = g_get_monotonic_time () + 600 * G_TIME_SPAN_MILLISECOND;
    while (g_get_monotonic_time () < until)
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (5000);
  }

  width = gtk_widget_get_width (window);
  height = gtk_widget_get_height (window);
  paintable = gtk_widget_paintable_new (window);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    return;
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  file = g_strconcat (name, ".png", NULL);
  path = g_build_filename (dir, file, NULL);
  g_mkdir_with_parents (dir, 0700);
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

/* The application's main window, as veil_test_screenshot_window(). */
void
veil_test_app_screenshot (VeilAppFixture *fixture,
                          const char     *name)
{
  veil_test_screenshot_window (GTK_WIDGET (fixture->window), name);
}

/**
 * veil_test_screenshot_of:
 * @widget: a widget shown in some window
 * @name: the file's name, without ".png"
 *
 * Like veil_test_screenshot_window() for the window @widget is in, which it checks is shown:
 * a widget in a window of its own is not in the application's window.
 */
void
veil_test_screenshot_of (GtkWidget  *widget,
                         const char *name)
{
  GtkRoot *root = gtk_widget_get_root (widget);

  g_assert_true (GTK_IS_WINDOW (root));
  g_assert_true (gtk_widget_get_mapped (widget));
  veil_test_screenshot_window (GTK_WIDGET (root), name);
}
