/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "veil.h"
#include "veil-test-classifier.h"

/* VeilMessageGuard end to end, shared by its test programs: a real store file, real files
 * written into a temporary "Downloads" watched with GFileMonitor, real libvips decoding and
 * the test classifier (it flags pictures that are mostly red). */

typedef struct {
  char             *dir;
  char             *downloads;
  char             *staging;      /* same file system, not watched */
  char             *data_dir;
  VeilStore        *store;
  VeilTestClassifier *classifier;
  VeilAnalyzer     *analyzer;
  VeilMessageGuard *guard;

  /* What the guard said */
  GHashTable       *analyzed;     /* path -> count */
  GHashTable       *failed;       /* path -> message */
  GArray           *warned;       /* gint64 alert ids */
  GPtrArray        *warned_folders;
  GHashTable       *warned_paths;
  guint             n_analyzed;
  guint             n_sensitive;
} GuardFixture;

void         new_guard        (GuardFixture  *fixture);
void         fixture_setup    (GuardFixture  *fixture,
                               gconstpointer  data);
void         fixture_teardown (GuardFixture  *fixture,
                               gconstpointer  data);
void         dispose_guard    (GuardFixture  *fixture);
void         wait_idle        (GuardFixture  *fixture,
                               guint          quiet_ms);
void         wait_for_results (GuardFixture  *fixture,
                               guint          n);
VeilProfile *save_profile     (GuardFixture  *fixture,
                               const char    *name,
                               VeilAgeBand    band,
                               gboolean       hide,
                               gboolean       guardian_alerts,
                               gboolean       acknowledged);
void         guard            (GuardFixture  *fixture,
                               VeilProfile   *profile);
guint        analyzed_count   (GuardFixture  *fixture,
                               const char    *path);
GBytes      *read_bytes       (const char    *path);
