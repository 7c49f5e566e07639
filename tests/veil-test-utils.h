/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "veil-profile.h"
#include "veil-store.h"
#include "veil-context.h"

G_BEGIN_DECLS

/* Shared test helpers. Each test binary calls veil_test_init() instead of g_test_init(). */

/* Sets @rgb, the red, green and blue of the pixel at @x, @y of a @width x @height picture. */
typedef void (*VeilTestPixelFunc) (guint    x,
                                   guint    y,
                                   guint    width,
                                   guint    height,
                                   guint8  *rgb,
                                   gpointer data);

void         veil_test_init              (int          *argc,
                                          char       ***argv);
void         veil_test_init_vips         (int          *argc,
                                          char       ***argv);
void         veil_test_init_ui           (int          *argc,
                                          char       ***argv);
const char  *veil_test_get_testdata_dir  (void);
char        *veil_test_build_testdata    (const char   *first_element,
                                          ...) G_GNUC_NULL_TERMINATED;
gboolean     veil_test_require_testdata  (const char   *relative_path);
char        *veil_test_make_tmpdir       (void);
void         veil_test_tolerate_vips_warnings (const char *argv0);
void         veil_test_rm_rf             (const char   *path);
void         veil_test_wait_for          (gboolean     *flag,
                                          guint         timeout_seconds);
void         veil_test_spin_for          (guint         ms);
char        *veil_test_write_animation   (const char   *dir,
                                          const char   *name,
                                          guint         side,
                                          guint         n_frames);
char        *veil_test_write_webp_bomb   (const char   *dir,
                                          guint         side,
                                          guint         n_frames);
char        *veil_test_write_picture     (const char   *dir,
                                          const char   *name,
                                          guint         width,
                                          guint         height,
                                          guint32       seed);
char        *veil_test_write_pixels      (const char   *dir,
                                          const char   *name,
                                          guint         width,
                                          guint         height,
                                          VeilTestPixelFunc pixel,
                                          gpointer      data);
char        *veil_test_write_red_picture (const char   *dir,
                                          const char   *name,
                                          guint         size,
                                          guint32       seed);

int          veil_test_run_veilctl       (const char          *veilctl,
                                          const char          *data_dir,
                                          const char          *bus_address,
                                          gboolean             quiet_libvips,
                                          const char          *input,
                                          char               **out_stdout,
                                          char               **out_stderr,
                                          const char * const  *args);

VeilContext *veil_test_load_context      (const char         *db_path);
VeilProfile *veil_test_save_profile      (VeilStore          *store,
                                          VeilProfileBuilder *builder,
                                          gboolean            acknowledge);

/* The built veilctl with a private data folder, for tests that run it as scripts would. */
typedef struct {
  char     *dir;            /* VEIL_DATA_DIR of every run */
  char     *veilctl;
  char     *bus_address;    /* nullable: another session bus for the runs */
  gboolean  quiet_libvips;  /* libvips warns from its own threads about damaged pictures */
} VeilTestVeilctl;

void         veil_test_veilctl_init      (VeilTestVeilctl *ctl);
void         veil_test_veilctl_clear     (VeilTestVeilctl *ctl);
char        *veil_test_veilctl_make_folder (VeilTestVeilctl *ctl,
                                            const char      *name);
int          veil_test_veilctl_run       (VeilTestVeilctl *ctl,
                                          const char      *input,
                                          char           **out_stdout,
                                          char           **out_stderr,
                                          ...) G_GNUC_NULL_TERMINATED;

G_END_DECLS
