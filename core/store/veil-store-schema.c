/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-store"

#include "config.h"

#include "veil-store-private.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "veil-paths.h"

/* VeilStore's file: the schema and its migrations, the integrity check at open, and the copy
 * kept of a damaged file. See veil-store.c for the class. */

/* migrations[i] takes the schema from version i to i + 1. Never edit a released step: add one. */
static const char * const migrations[VEIL_STORE_SCHEMA_VERSION] = {
  /* 0 -> 1: profiles, consent, audit */
  "CREATE TABLE profiles ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL UNIQUE,"
  "  version INTEGER NOT NULL,"
  "  data TEXT NOT NULL,"
  "  created INTEGER NOT NULL,"
  "  updated INTEGER NOT NULL);"
  "CREATE TABLE consent ("
  "  id INTEGER PRIMARY KEY,"
  "  profile_id INTEGER NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,"
  "  protection TEXT NOT NULL,"
  "  action TEXT NOT NULL,"
  "  actor TEXT NOT NULL,"
  "  text_version INTEGER NOT NULL,"
  "  time INTEGER NOT NULL);"
  "CREATE INDEX consent_by_profile ON consent (profile_id, protection, id);"
  "CREATE TABLE audit ("
  "  id INTEGER PRIMARY KEY,"
  "  profile_id INTEGER REFERENCES profiles (id) ON DELETE CASCADE,"
  "  time INTEGER NOT NULL,"
  "  actor TEXT NOT NULL,"
  "  kind TEXT NOT NULL,"
  "  detail TEXT NOT NULL DEFAULT '');"
  "CREATE INDEX audit_by_profile ON audit (profile_id, id);"
  "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);",

  /* 1 -> 2: what scans and alerts leave behind (filled by the analyzer and scanner) */
  "CREATE TABLE alerts ("
  "  id INTEGER PRIMARY KEY,"
  "  profile_id INTEGER NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,"
  "  time INTEGER NOT NULL,"
  "  source TEXT NOT NULL,"
  "  reasons TEXT NOT NULL,"
  "  pdq BLOB,"
  "  thumbnail BLOB,"
  "  state TEXT NOT NULL DEFAULT 'new');"
  "CREATE INDEX alerts_by_profile ON alerts (profile_id, time);"
  "CREATE TABLE reports ("
  "  id INTEGER PRIMARY KEY,"
  "  profile_id INTEGER NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,"
  "  alert_id INTEGER REFERENCES alerts (id) ON DELETE SET NULL,"
  "  time INTEGER NOT NULL,"
  "  note TEXT NOT NULL DEFAULT '',"
  "  state TEXT NOT NULL DEFAULT 'new');"
  "CREATE TABLE scans ("
  "  id INTEGER PRIMARY KEY,"
  "  profile_id INTEGER NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,"
  "  time INTEGER NOT NULL,"
  "  folder TEXT NOT NULL,"
  "  files INTEGER NOT NULL,"
  "  matches INTEGER NOT NULL);"
  "CREATE TABLE scan_cache ("
  "  path TEXT PRIMARY KEY,"
  "  size INTEGER NOT NULL,"
  "  mtime INTEGER NOT NULL,"
  "  pdq BLOB,"
  "  scores TEXT,"
  "  scanned INTEGER NOT NULL);",

  /* 2 -> 3: saved versions of each profile, and a signature on the current one */
  "ALTER TABLE profiles ADD COLUMN signature TEXT;"
  "CREATE TABLE profile_versions ("
  "  profile_id INTEGER NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,"
  "  version INTEGER NOT NULL,"
  "  data TEXT NOT NULL,"
  "  saved INTEGER NOT NULL,"
  "  PRIMARY KEY (profile_id, version));"
  "INSERT INTO profile_versions (profile_id, version, data, saved)"
  "  SELECT id, version, data, updated FROM profiles;",

  /* 3 -> 4: what library scans keep: per-file results (replacing the never-used scan_cache,
   * which lacked the inode and the classifier's identity), where alerted pictures are, the
   * guardian's "this was wrong" list, scan runs, per-profile hash lists and the child's
   * "protect my images" hashes */
  "DROP TABLE scan_cache;"
  "CREATE TABLE IF NOT EXISTS scan_files ("
  "  path TEXT PRIMARY KEY,"
  "  device INTEGER NOT NULL,"
  "  inode INTEGER NOT NULL,"
  "  size INTEGER NOT NULL,"
  "  mtime INTEGER NOT NULL,"
  "  classifier TEXT NOT NULL,"
  "  pdq BLOB,"
  "  quality INTEGER NOT NULL DEFAULT 0,"
  "  scores TEXT,"
  "  failure TEXT,"
  "  scanned INTEGER NOT NULL);"
  "CREATE TABLE IF NOT EXISTS alert_files ("
  "  alert_id INTEGER PRIMARY KEY REFERENCES alerts (id) ON DELETE CASCADE,"
  "  path TEXT NOT NULL);"
  "CREATE INDEX IF NOT EXISTS alerts_by_pdq ON alerts (profile_id, pdq);"
  "CREATE TABLE IF NOT EXISTS alert_exceptions ("
  "  profile_id INTEGER NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,"
  "  pdq BLOB NOT NULL,"
  "  time INTEGER NOT NULL,"
  "  PRIMARY KEY (profile_id, pdq));"
  "CREATE TABLE IF NOT EXISTS scan_runs ("
  "  id INTEGER PRIMARY KEY,"
  "  profile_id INTEGER NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,"
  "  started INTEGER NOT NULL,"
  "  finished INTEGER,"
  "  summary TEXT);"
  "CREATE TABLE IF NOT EXISTS profile_hash_lists ("
  "  id INTEGER PRIMARY KEY,"
  "  profile_id INTEGER REFERENCES profiles (id) ON DELETE CASCADE,"
  "  name TEXT NOT NULL,"
  "  source TEXT NOT NULL,"
  "  version INTEGER NOT NULL,"
  "  imported INTEGER NOT NULL,"
  "  entries INTEGER NOT NULL,"
  "  hashes BLOB NOT NULL,"
  "  labels BLOB NOT NULL);"
  "CREATE TABLE IF NOT EXISTS protected_images ("
  "  profile_id INTEGER NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,"
  "  md5 TEXT NOT NULL,"
  "  pdq BLOB NOT NULL,"
  "  added INTEGER NOT NULL,"
  "  PRIMARY KEY (profile_id, md5));",

  /* 4 -> 5: reports keep the whole VeilReport as JSON (no pixels: checksums and reasons) */
  "ALTER TABLE reports ADD COLUMN data TEXT;"
  "CREATE INDEX IF NOT EXISTS reports_by_profile ON reports (profile_id, time);",

  /* 5 -> 6: message alerts name the folder (or calling app) they came from and where Veil
   * keeps the picture while it is hidden; the message guard remembers which version of each
   * file it analyzed and since when it watches, so a restart neither misses nor repeats one */
  "ALTER TABLE alerts ADD COLUMN folder TEXT;"
  "ALTER TABLE alerts ADD COLUMN hidden_path TEXT;"
  "CREATE TABLE IF NOT EXISTS message_files ("
  "  profile_id INTEGER NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,"
  "  path TEXT NOT NULL,"
  "  device INTEGER NOT NULL,"
  "  inode INTEGER NOT NULL,"
  "  size INTEGER NOT NULL,"
  "  mtime INTEGER NOT NULL,"
  "  analyzed INTEGER NOT NULL,"
  "  PRIMARY KEY (profile_id, path));"
  "CREATE TABLE IF NOT EXISTS message_watch ("
  "  profile_id INTEGER PRIMARY KEY REFERENCES profiles (id) ON DELETE CASCADE,"
  "  since INTEGER NOT NULL);",

  /* 6 -> 7: the scans table was written but never read: a scan's trace is its audit entry
   * and its scan_runs row */
  "DROP TABLE IF EXISTS scans;",

  /* 7 -> 8: each imported list carries a digest of its content, which names the binary file
   * kept next to the store for it (veil-store-list-cache.c); older rows get theirs when
   * next loaded */
  "ALTER TABLE profile_hash_lists ADD COLUMN digest TEXT;",
};

guint
_veil_store_read_user_version (sqlite3  *db,
                               GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = veil_db_prepare (db, "PRAGMA user_version", error);
  VeilDbStep step;

  if (stmt == NULL)
    return G_MAXUINT;
  step = veil_db_step (stmt, error);
  if (step == VEIL_DB_STEP_ROW)
    return (guint) sqlite3_column_int (stmt, 0);
  if (step == VEIL_DB_STEP_DONE)
    veil_db_set_error (db, SQLITE_ERROR, error);
  return G_MAXUINT;
}

static gboolean
migrate (sqlite3     *db,
         const char  *path,
         guint        target,
         GError     **error)
{
  guint current = _veil_store_read_user_version (db, error);

  if (current == G_MAXUINT)
    return FALSE;

  for (guint v = current; v < target; v++)
    {
      g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %u", v + 1);

      /* One transaction per step: a crash mid-migration leaves the previous version intact. */
      if (!veil_db_begin (db, error))
        return FALSE;
      if (!veil_db_exec (db, migrations[v], error) ||
          !veil_db_exec (db, set_version, error) ||
          !veil_db_exec (db, "COMMIT", error))
        {
          veil_db_rollback (db);
          g_prefix_error (error, _("Could not update the Veil database to version %u: "), v + 1);
          return FALSE;
        }
      g_debug ("Migrated %s to schema version %u", path, v + 1);
    }

  return TRUE;
}

/* Keeps the damaged file (and its write-ahead log) untouched next to a copy: the copy is what
 * a guardian or a helper can work on, and nothing the family had is lost. */
static char *
backup_damaged (const char  *path,
                GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *backup = NULL;
  g_autoptr(GFile) src = g_file_new_for_path (path);
  g_autoptr(GFile) dest = NULL;
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);

  for (guint n = 0; ; n++)
    {
      g_free (backup);
      backup = n == 0 ? g_strdup_printf ("%s.damaged-%s", path, stamp)
                      : g_strdup_printf ("%s.damaged-%s-%u", path, stamp, n);
      if (!g_file_test (backup, G_FILE_TEST_EXISTS))
        break;
    }

  dest = g_file_new_for_path (backup);
  if (!g_file_copy (src, dest, G_FILE_COPY_NONE, NULL, NULL, NULL, error))
    return NULL;

  if (g_file_test (wal, G_FILE_TEST_EXISTS))
    {
      g_autoptr(GFile) wal_src = g_file_new_for_path (wal);
      g_autofree char *wal_backup = g_strconcat (backup, "-wal", NULL);
      g_autoptr(GFile) wal_dest = g_file_new_for_path (wal_backup);

      if (!g_file_copy (wal_src, wal_dest, G_FILE_COPY_NONE, NULL, NULL, NULL, error))
        return NULL;
    }

  return g_steal_pointer (&backup);
}

static void
set_damaged_error (const char  *path,
                   const char  *problem,
                   GError     **error)
{
  g_autoptr(GError) backup_error = NULL;
  g_autofree char *backup = backup_damaged (path, &backup_error);

  if (backup != NULL)
    g_set_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_CORRUPT,
                 _("The Veil database “%s” is damaged (%s). A copy was kept as “%s”. "
                   "Restore the database from a backup, or erase Veil’s data and set Veil up again."),
                 path, problem, backup);
  else
    g_set_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_CORRUPT,
                 _("The Veil database “%s” is damaged (%s), and no copy could be kept (%s). "
                   "Copy the file somewhere safe before you erase Veil’s data."),
                 path, problem, backup_error->message);
}

/* Refuses a newer schema before anything is written, so the file stays exactly as it was. */
static gboolean
check_not_too_new (sqlite3     *db,
                   const char  *path,
                   GError     **error)
{
  guint found = _veil_store_read_user_version (db, error);

  if (found == G_MAXUINT)
    return FALSE;
  if (found > VEIL_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_TOO_NEW,
                   _("The Veil database “%s” was written by a newer version of Veil. Update Veil to open it."),
                   path);
      return FALSE;
    }
  return TRUE;
}

/* Opens the main connection: integrity check, schema check, pragmas, then migrations. */
sqlite3 *
_veil_store_open_database (const char  *path,
                           guint        target_version,
                           GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *problem = NULL;
  sqlite3 *db;

  if (!veil_paths_ensure_private_dir (dir, error))
    return NULL;

  db = veil_db_open (path, VEIL_DB_MAIN, error);
  if (db == NULL)
    return NULL;

  if (!veil_db_check_integrity (db, &problem, error))
    {
      veil_db_close (db);
      return NULL;
    }
  if (problem != NULL)
    {
      veil_db_close (db);
      set_damaged_error (path, problem, error);
      return NULL;
    }

  if (!check_not_too_new (db, path, error) ||
      !veil_db_configure (db, VEIL_DB_MAIN, error) ||
      !migrate (db, path, target_version, error))
    {
      veil_db_close (db);
      return NULL;
    }

  return db;
}
