/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-store"

#include "config.h"

#include "veil-store-private.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "veil-consent.h"
#include "veil-paths.h"
#include "veil-profile-private.h"

/* VeilStore: the SQLite database of profiles, consent records, alerts, reports, the audit log
 * and the scan cache. WAL mode, a versioned schema migrated forward at open, an integrity
 * check before anything is read, and every write in one transaction. */

static void veil_store_initable_iface_init (GInitableIface *iface);

G_DEFINE_QUARK (veil-store-error-quark, veil_store_error)
G_DEFINE_FINAL_TYPE_WITH_CODE (VeilStore, veil_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, veil_store_initable_iface_init))
G_DEFINE_BOXED_TYPE (VeilAuditEntry, veil_audit_entry, veil_audit_entry_copy, veil_audit_entry_free)
G_DEFINE_BOXED_TYPE (VeilReportEntry, veil_report_entry, veil_report_entry_copy, veil_report_entry_free)
G_DEFINE_BOXED_TYPE (VeilConsentRecord, veil_consent_record, veil_consent_record_copy, veil_consent_record_free)

enum {
  PROP_0,
  PROP_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* --- Schema --------------------------------------------------------------------------------
 * migrations[i] takes the schema from version i to i + 1. Never edit a released step: add one. */
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
};

/* --- SQLite helpers ------------------------------------------------------------------------ */

static gboolean
set_sqlite_error (sqlite3     *db,
                  int          rc,
                  GError     **error)
{
  const char *msg = db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  switch (rc & 0xff)
    {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_CORRUPT,
                   _("Veil’s database is damaged (%s). Restart Veil to check it and keep a copy."), msg);
      break;
    case SQLITE_FULL:
      g_set_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_FAILED,
                   _("The disk is full, so Veil could not save. Free some space and try again."));
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_FAILED,
                   _("Veil’s database is busy in another program. Close other Veil windows and try again."));
      break;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
      g_set_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_OPEN,
                   _("Veil cannot write its database (%s). Check that the data folder belongs to you and is writable."), msg);
      break;
    default:
      g_set_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_FAILED,
                   _("Veil’s database reported an error: %s"), msg);
    }

  return FALSE;
}

static gboolean
db_exec (sqlite3     *db,
         const char  *sql,
         GError     **error)
{
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return set_sqlite_error (db, rc, error);
  return TRUE;
}

static sqlite3_stmt *
db_prepare (sqlite3     *db,
            const char  *sql,
            GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      set_sqlite_error (db, rc, error);
      return NULL;
    }
  return stmt;
}

/* Runs a statement that returns no rows (or whose rows do not matter). */
static gboolean
stmt_done (sqlite3       *db,
           sqlite3_stmt  *stmt,
           GError       **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    ;
  if (rc != SQLITE_DONE)
    return set_sqlite_error (db, rc, error);
  return TRUE;
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
reach (VeilStore  *self,
       const char *point)
{
  if (self->write_hook != NULL)
    self->write_hook (self, point, self->write_hook_data);
}

/* Every write happens between begin() and commit(); any failure rolls the whole write back. */
static gboolean
begin (VeilStore  *self,
       GError    **error)
{
  g_rec_mutex_lock (&self->lock);
  if (!db_exec (self->db, "BEGIN IMMEDIATE", error))
    {
      g_rec_mutex_unlock (&self->lock);
      return FALSE;
    }
  return TRUE;
}

static gboolean
commit (VeilStore  *self,
        GError    **error)
{
  gboolean ok = db_exec (self->db, "COMMIT", error);

  if (!ok)
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  g_rec_mutex_unlock (&self->lock);
  return ok;
}

static void
rollback (VeilStore *self)
{
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  g_rec_mutex_unlock (&self->lock);
}

static guint
read_user_version (sqlite3  *db,
                   GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = db_prepare (db, "PRAGMA user_version", error);
  int rc;

  if (stmt == NULL)
    return G_MAXUINT;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      set_sqlite_error (db, rc, error);
      return G_MAXUINT;
    }
  return (guint) sqlite3_column_int (stmt, 0);
}

static gboolean
migrate (sqlite3     *db,
         const char  *path,
         guint        target,
         GError     **error)
{
  guint current = read_user_version (db, error);

  if (current == G_MAXUINT)
    return FALSE;

  for (guint v = current; v < target; v++)
    {
      g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %u", v + 1);

      /* One transaction per step: a crash mid-migration leaves the previous version intact. */
      if (!db_exec (db, "BEGIN IMMEDIATE", error))
        return FALSE;
      if (!db_exec (db, migrations[v], error) ||
          !db_exec (db, set_version, error) ||
          !db_exec (db, "COMMIT", error))
        {
          sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
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

/* Returns NULL when the file passes, or what SQLite found wrong. */
static char *
check_integrity (sqlite3 *db)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GString) problems = g_string_new (NULL);
  int rc;

  rc = sqlite3_prepare_v2 (db, "PRAGMA integrity_check(20)", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return g_strdup (sqlite3_errmsg (db));

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *line = (const char *) sqlite3_column_text (stmt, 0);

      if (line != NULL && !g_str_equal (line, "ok"))
        g_string_append_printf (problems, "%s%s", problems->len > 0 ? "; " : "", line);
    }
  if (rc != SQLITE_DONE)
    return g_strdup (sqlite3_errmsg (db));

  return problems->len > 0 ? g_string_free (g_steal_pointer (&problems), FALSE) : NULL;
}

static sqlite3 *
open_database (const char  *path,
               guint        target_version,
               GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *problem = NULL;
  sqlite3 *db = NULL;
  int rc;

  if (!veil_paths_ensure_private_dir (dir, error))
    return NULL;

  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_OPEN,
                   _("Could not open the Veil database “%s”: %s. Check that the data folder belongs to you and is writable."),
                   path, db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      sqlite3_close (db);
      return NULL;
    }
  sqlite3_busy_timeout (db, 5000);
  sqlite3_extended_result_codes (db, 1);

  problem = check_integrity (db);
  if (problem != NULL)
    {
      g_autoptr(GError) backup_error = NULL;
      g_autofree char *backup = NULL;

      sqlite3_close (db);
      backup = backup_damaged (path, &backup_error);
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
      return NULL;
    }

  /* Refuse a newer schema before anything is written, so the file stays exactly as it was. */
  {
    guint found = read_user_version (db, error);

    if (found == G_MAXUINT)
      {
        sqlite3_close (db);
        return NULL;
      }
    if (found > VEIL_STORE_SCHEMA_VERSION)
      {
        g_set_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_TOO_NEW,
                     _("The Veil database “%s” was written by a newer version of Veil. Update Veil to open it."),
                     path);
        sqlite3_close (db);
        return NULL;
      }
  }

  /* WAL: readers (the transparency page, the analyzer) never wait for a guardian's write.
   * synchronous=FULL: a saved setting survives a power cut. secure_delete: erased data does
   * not linger in free pages. */
  if (!db_exec (db, "PRAGMA journal_mode = WAL", error) ||
      !db_exec (db, "PRAGMA synchronous = FULL", error) ||
      !db_exec (db, "PRAGMA foreign_keys = ON", error) ||
      !db_exec (db, "PRAGMA secure_delete = ON", error) ||
      !migrate (db, path, target_version, error))
    {
      sqlite3_close (db);
      return NULL;
    }

  return db;
}

/* --- Signatures ---------------------------------------------------------------------------- */

static char *
sign_profile (VeilStore  *self,
              gint64      id,
              guint       version,
              const char *name,
              const char *data)
{
  g_autoptr(GHmac) hmac = NULL;
  g_autofree char *header = NULL;

  if (self->integrity_key == NULL)
    return NULL;

  hmac = g_hmac_new (G_CHECKSUM_SHA256,
                     g_bytes_get_data (self->integrity_key, NULL),
                     g_bytes_get_size (self->integrity_key));
  /* The id, version and name are signed too, so rows cannot be swapped or renamed. */
  header = g_strdup_printf ("veil-profile\n%" G_GINT64_FORMAT "\n%u\n%s\n", id, version, name);
  g_hmac_update (hmac, (const guchar *) header, -1);
  g_hmac_update (hmac, (const guchar *) data, -1);

  return g_strdup (g_hmac_get_string (hmac));
}

static VeilProfileIntegrity
check_signature (VeilStore  *self,
                 gint64      id,
                 guint       version,
                 const char *name,
                 const char *data,
                 const char *signature)
{
  g_autofree char *expected = NULL;
  gsize len;
  guint diff = 0;

  if (self->integrity_key == NULL)
    return VEIL_PROFILE_INTEGRITY_UNCHECKED;
  if (signature == NULL)
    return VEIL_PROFILE_INTEGRITY_TAMPERED;

  expected = sign_profile (self, id, version, name, data);
  len = strlen (expected);
  if (strlen (signature) != len)
    return VEIL_PROFILE_INTEGRITY_TAMPERED;
  /* Constant time, out of habit for secrets. */
  for (gsize i = 0; i < len; i++)
    diff |= (guint) (expected[i] ^ signature[i]);

  return diff == 0 ? VEIL_PROFILE_INTEGRITY_OK : VEIL_PROFILE_INTEGRITY_TAMPERED;
}

/* --- Rows ---------------------------------------------------------------------------------- */

static VeilProfile *
profile_from_row (VeilStore     *self,
                  sqlite3_stmt  *stmt,
                  GError       **error)
{
  /* columns: id, version, name, data, signature */
  gint64 id = sqlite3_column_int64 (stmt, 0);
  guint version = (guint) sqlite3_column_int (stmt, 1);
  const char *name = (const char *) sqlite3_column_text (stmt, 2);
  const char *data = (const char *) sqlite3_column_text (stmt, 3);
  const char *signature = (const char *) sqlite3_column_text (stmt, 4);
  VeilProfileIntegrity integrity;
  g_autoptr(VeilProfile) profile = NULL;

  integrity = check_signature (self, id, version, name != NULL ? name : "", data != NULL ? data : "", signature);
  profile = _veil_profile_new_from_json (id, version, data != NULL ? data : "", integrity, error);
  if (profile == NULL)
    return NULL;

  /* The name column is what lookups use; a data blob that disagrees was edited by hand. */
  if (integrity != VEIL_PROFILE_INTEGRITY_UNCHECKED &&
      (name == NULL || !g_str_equal (name, veil_profile_get_name (profile))))
    return _veil_profile_copy_with_id (profile, id, version, VEIL_PROFILE_INTEGRITY_TAMPERED);

  return g_steal_pointer (&profile);
}

static gboolean
insert_audit (VeilStore   *self,
              gint64       profile_id,
              gint64       time,
              const char  *actor,
              const char  *kind,
              const char  *detail,
              GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt =
    db_prepare (self->db, "INSERT INTO audit (profile_id, time, actor, kind, detail) VALUES (?, ?, ?, ?, ?)", error);

  if (stmt == NULL)
    return FALSE;
  if (profile_id > 0)
    sqlite3_bind_int64 (stmt, 1, profile_id);
  else
    sqlite3_bind_null (stmt, 1);
  sqlite3_bind_int64 (stmt, 2, time);
  sqlite3_bind_text (stmt, 3, actor, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, kind, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, detail != NULL ? detail : "", -1, SQLITE_TRANSIENT);

  return stmt_done (self->db, stmt, error);
}

static gboolean
insert_consent (VeilStore      *self,
                gint64          profile_id,
                VeilProtection  protection,
                const char     *action,
                const char     *actor,
                guint           text_version,
                gint64          time,
                GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt =
    db_prepare (self->db,
                "INSERT INTO consent (profile_id, protection, action, actor, text_version, time) "
                "VALUES (?, ?, ?, ?, ?, ?)", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, profile_id);
  sqlite3_bind_text (stmt, 2, veil_protection_to_string (protection), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, action, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, actor, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 5, (int) text_version);
  sqlite3_bind_int64 (stmt, 6, time);

  return stmt_done (self->db, stmt, error);
}

static VeilProfile *
load_profile (VeilStore   *self,
              const char  *where,
              gint64       id,
              const char  *name,
              GError     **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT id, version, name, data, signature FROM profiles WHERE %s", where);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = db_prepare (self->db, sql, error);
  if (stmt == NULL)
    return NULL;
  if (name != NULL)
    sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_int64 (stmt, 1, id);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return profile_from_row (self, stmt, error);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self->db, rc, error);
      return NULL;
    }

  if (name != NULL)
    g_set_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_NOT_FOUND,
                 _("There is no profile called “%s”. Run “veilctl profile list” to see the profiles."), name);
  else
    g_set_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_NOT_FOUND,
                 _("This profile no longer exists. It may have been deleted in another window."));
  return NULL;
}

/* --- GObject ------------------------------------------------------------------------------- */

static gboolean
veil_store_initable_init (GInitable     *initable,
                          GCancellable  *cancellable,
                          GError       **error)
{
  VeilStore *self = VEIL_STORE (initable);

  if (self->db != NULL)
    return TRUE;

  if (self->path == NULL)
    self->path = veil_paths_get_database_path ();

  self->db = open_database (self->path, VEIL_STORE_SCHEMA_VERSION, error);
  return self->db != NULL && _veil_store_open_scan_db (self, error);
}

static void
veil_store_initable_iface_init (GInitableIface *iface)
{
  iface->init = veil_store_initable_init;
}

static void
veil_store_finalize (GObject *object)
{
  VeilStore *self = VEIL_STORE (object);

  g_clear_pointer (&self->scan_db, sqlite3_close);
  if (self->db != NULL)
    sqlite3_close (self->db);
  g_clear_pointer (&self->integrity_key, g_bytes_unref);
  g_free (self->path);
  g_rec_mutex_clear (&self->lock);
  g_mutex_clear (&self->scan_lock);

  G_OBJECT_CLASS (veil_store_parent_class)->finalize (object);
}

static void
veil_store_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  VeilStore *self = VEIL_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_store_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  VeilStore *self = VEIL_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_store_class_init (VeilStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = veil_store_finalize;
  object_class->get_property = veil_store_get_property;
  object_class->set_property = veil_store_set_property;

  /**
   * VeilStore:path:
   *
   * The database file; %NULL means veil_paths_get_database_path().
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
veil_store_init (VeilStore *self)
{
  g_rec_mutex_init (&self->lock);
  g_mutex_init (&self->scan_lock);
}

/* --- Private API --------------------------------------------------------------------------- */

void
_veil_store_set_write_hook (VeilStore          *self,
                            VeilStoreWriteHook  hook,
                            gpointer            user_data)
{
  self->write_hook = hook;
  self->write_hook_data = user_data;
}

gboolean
_veil_store_create_at_version (const char  *path,
                               guint        version,
                               GError     **error)
{
  sqlite3 *db;

  g_return_val_if_fail (version <= VEIL_STORE_SCHEMA_VERSION, FALSE);

  db = open_database (path, version, error);
  if (db == NULL)
    return FALSE;
  sqlite3_close (db);
  return TRUE;
}

sqlite3 *
_veil_store_get_db (VeilStore *self)
{
  return self->db;
}

/* --- Public API: entries ------------------------------------------------------------------- */

VeilAuditEntry *
veil_audit_entry_copy (const VeilAuditEntry *entry)
{
  VeilAuditEntry *copy = g_new0 (VeilAuditEntry, 1);

  *copy = *entry;
  copy->actor = g_strdup (entry->actor);
  copy->kind = g_strdup (entry->kind);
  copy->detail = g_strdup (entry->detail);
  return copy;
}

void
veil_audit_entry_free (VeilAuditEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->actor);
  g_free (entry->kind);
  g_free (entry->detail);
  g_free (entry);
}

/**
 * veil_audit_entry_describe:
 *
 * Returns: (transfer full): the entry as one plain sentence for the transparency page and
 *   the guardian area
 */
char *
veil_audit_entry_describe (const VeilAuditEntry *entry)
{
  const char *k;
  const char *d;
  VeilProtection protection;
  const char *what;

  g_return_val_if_fail (entry != NULL, NULL);

  k = entry->kind;
  d = entry->detail != NULL ? entry->detail : "";
  what = veil_protection_from_string (d, &protection) ? veil_protection_get_title (protection) : d;

  if (g_str_equal (k, "profile-created"))
    return g_strdup_printf (_("The guardian created the profile “%s”."), d);
  if (g_str_equal (k, "profile-changed"))
    return g_strdup_printf (_("The guardian changed the settings of “%s”."), d);
  if (g_str_equal (k, "profile-deleted"))
    return g_strdup_printf (_("The guardian deleted the profile “%s”."), d);
  if (g_str_equal (k, "protection-enabled"))
    return g_strdup_printf (_("The guardian turned on: %s."), what);
  if (g_str_equal (k, "protection-disabled"))
    return g_strdup_printf (_("The guardian turned off: %s."), what);
  if (g_str_equal (k, "acknowledged"))
    return g_strdup_printf (_("The child read and acknowledged: %s."), what);
  if (g_str_equal (k, "review-requested"))
    return g_strdup_printf (_("The child asked the guardian to review: %s."), what);
  if (g_str_equal (k, "scan"))
    return g_strdup_printf (_("A picture folder check ran: %s."), d);
  if (g_str_equal (k, "alert"))
    return g_strdup_printf (_("A picture was blurred (%s)."), d);
  if (g_str_equal (k, "pin-set"))
    return g_strdup (_("The guardian set a PIN."));
  if (g_str_equal (k, "pin-changed"))
    return g_strdup (_("The guardian changed the PIN."));
  if (g_str_equal (k, "pin-failed"))
    return g_strdup (_("Someone entered a wrong guardian PIN."));
  if (g_str_equal (k, "export"))
    return g_strdup (_("The guardian exported Veil’s data."));
  if (g_str_equal (k, "report-made"))
    return g_strdup_printf (_("A report was made (%s)."), d);
  if (g_str_equal (k, "report-deleted"))
    return g_strdup_printf (_("The guardian deleted a report (%s)."), d);
  if (g_str_equal (k, "report-exported"))
    return g_strdup_printf (_("The guardian exported a report (%s)."), d);
  if (g_str_equal (k, "alert-dismissed"))
    return g_strdup (_("The guardian dismissed an alert."));
  if (g_str_equal (k, "alert-deleted"))
    return g_strdup (_("The guardian deleted an alert."));
  if (g_str_equal (k, "alert-marked-wrong"))
    return g_strdup (_("The guardian marked an alert as wrong: pictures like it raise no more alerts."));
  if (g_str_equal (k, "alert-revealed"))
    return g_strdup (_("The guardian looked at a blurred picture without the blur."));
  if (g_str_equal (k, "alerts-told"))
    return g_strdup_printf (_("Alerts reached the guardian: %s."), d);
  if (g_str_equal (k, "message-warning"))
    return g_strdup_printf (_("Veil blurred a picture that arrived in %s."), d);
  if (g_str_equal (k, "picture-restored"))
    return g_strdup_printf (_("A hidden picture was put back in %s."), d);
  if (g_str_equal (k, "warning-viewed"))
    return g_str_equal (d, "guardian-pin") ? g_strdup (_("A blurred picture was shown after the guardian entered the PIN."))
                                           : g_strdup (_("The child chose to view a blurred picture."));
  if (g_str_equal (k, "warning-not-viewed"))
    return g_strdup (_("The child chose not to view a blurred picture."));
  if (g_str_equal (k, "tampered"))
    return g_strdup_printf (_("Veil found that the settings of “%s” were changed outside Veil."), d);

  return g_strdup_printf ("%s: %s", k, d);
}

VeilConsentRecord *
veil_consent_record_copy (const VeilConsentRecord *record)
{
  VeilConsentRecord *copy = g_new0 (VeilConsentRecord, 1);

  *copy = *record;
  copy->protection = g_strdup (record->protection);
  copy->action = g_strdup (record->action);
  copy->actor = g_strdup (record->actor);
  return copy;
}

void
veil_consent_record_free (VeilConsentRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->protection);
  g_free (record->action);
  g_free (record->actor);
  g_free (record);
}

VeilReportEntry *
veil_report_entry_copy (const VeilReportEntry *entry)
{
  VeilReportEntry *copy = g_new0 (VeilReportEntry, 1);

  *copy = *entry;
  copy->state = g_strdup (entry->state);
  copy->report = entry->report != NULL ? veil_report_ref (entry->report) : NULL;
  return copy;
}

void
veil_report_entry_free (VeilReportEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->state);
  g_clear_pointer (&entry->report, veil_report_unref);
  g_free (entry);
}

/* --- Public API: the store ----------------------------------------------------------------- */

/**
 * veil_store_new:
 * @path: (nullable): the database file, or %NULL for `veil.db` in Veil's data folder
 *
 * Opens the store, checking its integrity and migrating an older schema. A damaged file gives
 * %VEIL_STORE_ERROR_CORRUPT and a copy of it next to the original; the original is never
 * changed. This runs the integrity check, so the UI uses veil_store_new_async().
 *
 * Returns: (transfer full): the store, or %NULL with @error set
 */
VeilStore *
veil_store_new (const char    *path,
                GCancellable  *cancellable,
                GError       **error)
{
  return g_initable_new (VEIL_TYPE_STORE, cancellable, error, "path", path, NULL);
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  VeilStore *store = veil_store_new (task_data, cancellable, &error);

  if (store == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, store, g_object_unref);
}

void
veil_store_new_async (const char          *path,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, veil_store_new_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, open_thread);
}

VeilStore *
veil_store_new_finish (GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == veil_store_new_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
veil_store_get_path (VeilStore *self)
{
  g_return_val_if_fail (VEIL_IS_STORE (self), NULL);
  return self->path;
}

guint
veil_store_get_schema_version (VeilStore *self)
{
  guint v;

  g_return_val_if_fail (VEIL_IS_STORE (self), 0);

  g_rec_mutex_lock (&self->lock);
  v = read_user_version (self->db, NULL);
  g_rec_mutex_unlock (&self->lock);
  return v == G_MAXUINT ? 0 : v;
}

/**
 * veil_store_set_integrity_key:
 * @key: (nullable): the secret that signs profile rows (VeilGuardian keeps it in the keyring)
 *
 * With a key, saved profiles are signed and loaded ones checked: a row edited outside Veil
 * comes back marked %VEIL_PROFILE_INTEGRITY_TAMPERED.
 */
void
veil_store_set_integrity_key (VeilStore *self,
                              GBytes    *key)
{
  g_return_if_fail (VEIL_IS_STORE (self));

  g_rec_mutex_lock (&self->lock);
  g_clear_pointer (&self->integrity_key, g_bytes_unref);
  if (key != NULL)
    self->integrity_key = g_bytes_ref (key);
  g_rec_mutex_unlock (&self->lock);
}

gboolean
veil_store_has_integrity_key (VeilStore *self)
{
  g_return_val_if_fail (VEIL_IS_STORE (self), FALSE);
  return self->integrity_key != NULL;
}

/**
 * veil_store_save_profile:
 * @profile: the settings to save; a profile with id 0 is created
 * @actor: who saves (normally %VEIL_ACTOR_GUARDIAN)
 *
 * Saves a new version of @profile in one transaction, with a consent record for each
 * protection turned on or off and an audit entry for each change. A profile whose version is
 * older than the stored one (edited in two places at once) gives %VEIL_STORE_ERROR_CONFLICT.
 *
 * Returns: (transfer full): the profile as stored, with its id and new version
 */
VeilProfile *
veil_store_save_profile (VeilStore    *self,
                         VeilProfile  *profile,
                         const char   *actor,
                         GError      **error)
{
  g_autoptr(VeilProfile) previous = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *data = NULL;
  g_autofree char *signature = NULL;
  gint64 id = veil_profile_get_id (profile);
  gint64 now = now_seconds ();
  const char *name = veil_profile_get_name (profile);
  guint version;

  g_return_val_if_fail (VEIL_IS_STORE (self), NULL);
  g_return_val_if_fail (profile != NULL, NULL);
  g_return_val_if_fail (actor != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = veil_profile_to_json (profile);

  if (!begin (self, error))
    return NULL;

  if (id != 0)
    {
      previous = load_profile (self, "id = ?", id, NULL, error);
      if (previous == NULL)
        goto fail;
      if (veil_profile_get_version (previous) != veil_profile_get_version (profile))
        {
          g_set_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_CONFLICT,
                       _("The profile “%s” was changed somewhere else in the meantime. Open it again to see the latest settings."),
                       veil_profile_get_name (previous));
          goto fail;
        }
      version = veil_profile_get_version (previous) + 1;
    }
  else
    {
      g_autoptr(sqlite3_stmt) check = db_prepare (self->db, "SELECT 1 FROM profiles WHERE name = ?", error);

      if (check == NULL)
        goto fail;
      sqlite3_bind_text (check, 1, name, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (check) == SQLITE_ROW)
        {
          g_set_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_EXISTS,
                       _("There is already a profile called “%s”. Choose another name."), name);
          goto fail;
        }
      version = 1;

      stmt = db_prepare (self->db,
                         "INSERT INTO profiles (name, version, data, created, updated) VALUES (?, 0, '{}', ?, ?)",
                         error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 2, now);
      sqlite3_bind_int64 (stmt, 3, now);
      if (!stmt_done (self->db, stmt, error))
        goto fail;
      id = sqlite3_last_insert_rowid (self->db);
      g_clear_pointer (&stmt, sqlite3_finalize);
    }

  reach (self, "profile-row");

  signature = sign_profile (self, id, version, name, data);
  stmt = db_prepare (self->db,
                     "UPDATE profiles SET name = ?, version = ?, data = ?, signature = ?, updated = ? WHERE id = ?",
                     error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 2, (int) version);
  sqlite3_bind_text (stmt, 3, data, -1, SQLITE_TRANSIENT);
  if (signature != NULL)
    sqlite3_bind_text (stmt, 4, signature, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 4);
  sqlite3_bind_int64 (stmt, 5, now);
  sqlite3_bind_int64 (stmt, 6, id);
  if (!stmt_done (self->db, stmt, error))
    {
      if (error != NULL && *error != NULL &&
          sqlite3_extended_errcode (self->db) == SQLITE_CONSTRAINT_UNIQUE)
        {
          g_clear_error (error);
          g_set_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_EXISTS,
                       _("There is already a profile called “%s”. Choose another name."), name);
        }
      goto fail;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  reach (self, "profile-data");

  stmt = db_prepare (self->db,
                     "INSERT INTO profile_versions (profile_id, version, data, saved) VALUES (?, ?, ?, ?)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int (stmt, 2, (int) version);
  sqlite3_bind_text (stmt, 3, data, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, now);
  if (!stmt_done (self->db, stmt, error))
    goto fail;
  g_clear_pointer (&stmt, sqlite3_finalize);

  reach (self, "profile-version");

  if (!insert_audit (self, id, now, actor, previous == NULL ? "profile-created" : "profile-changed", name, error))
    goto fail;

  for (guint p = 0; p < VEIL_N_PROTECTIONS; p++)
    {
      gboolean was = previous != NULL && veil_profile_get_protection_enabled (previous, p);
      gboolean is = veil_profile_get_protection_enabled (profile, p);

      if (was == is)
        continue;
      if (!insert_consent (self, id, p, is ? "granted" : "withdrawn", actor,
                           veil_protection_get_text_version (p), now, error) ||
          !insert_audit (self, id, now, actor, is ? "protection-enabled" : "protection-disabled",
                         veil_protection_to_string (p), error))
        goto fail;
      reach (self, "consent");
    }

  if (!commit (self, error))
    return NULL;

  return _veil_profile_copy_with_id (profile, id, version,
                                     signature != NULL ? VEIL_PROFILE_INTEGRITY_OK : VEIL_PROFILE_INTEGRITY_UNCHECKED);

fail:
  rollback (self);
  return NULL;
}

/**
 * veil_store_list_profiles:
 *
 * Returns: (transfer full) (element-type VeilProfile): the profiles by name. A row that cannot
 *   be read at all is an error rather than left out, so nothing vanishes silently.
 */
GPtrArray *
veil_store_list_profiles (VeilStore  *self,
                          GError    **error)
{
  g_autoptr(GPtrArray) profiles = g_ptr_array_new_with_free_func ((GDestroyNotify) veil_profile_unref);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (VEIL_IS_STORE (self), NULL);

  g_rec_mutex_lock (&self->lock);
  stmt = db_prepare (self->db, "SELECT id, version, name, data, signature FROM profiles ORDER BY name", error);
  if (stmt == NULL)
    goto fail;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      VeilProfile *profile = profile_from_row (self, stmt, error);
      if (profile == NULL)
        goto fail;
      g_ptr_array_add (profiles, profile);
    }
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self->db, rc, error);
      goto fail;
    }

  g_rec_mutex_unlock (&self->lock);
  return g_steal_pointer (&profiles);

fail:
  g_rec_mutex_unlock (&self->lock);
  return NULL;
}

VeilProfile *
veil_store_get_profile (VeilStore  *self,
                        gint64      id,
                        GError    **error)
{
  VeilProfile *profile;

  g_return_val_if_fail (VEIL_IS_STORE (self), NULL);

  g_rec_mutex_lock (&self->lock);
  profile = load_profile (self, "id = ?", id, NULL, error);
  g_rec_mutex_unlock (&self->lock);
  return profile;
}

VeilProfile *
veil_store_lookup_profile (VeilStore   *self,
                           const char  *name,
                           GError     **error)
{
  VeilProfile *profile;

  g_return_val_if_fail (VEIL_IS_STORE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  g_rec_mutex_lock (&self->lock);
  profile = load_profile (self, "name = ?", 0, name, error);
  g_rec_mutex_unlock (&self->lock);
  return profile;
}

/**
 * veil_store_get_profile_version:
 *
 * Returns: (transfer full): an earlier saved version of a profile, as it was saved
 */
VeilProfile *
veil_store_get_profile_version (VeilStore  *self,
                                gint64      id,
                                guint       version,
                                GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  VeilProfile *profile = NULL;
  int rc;

  g_return_val_if_fail (VEIL_IS_STORE (self), NULL);

  g_rec_mutex_lock (&self->lock);
  stmt = db_prepare (self->db, "SELECT data FROM profile_versions WHERE profile_id = ? AND version = ?", error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, id);
      sqlite3_bind_int (stmt, 2, (int) version);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        profile = _veil_profile_new_from_json (id, version, (const char *) sqlite3_column_text (stmt, 0),
                                               VEIL_PROFILE_INTEGRITY_UNCHECKED, error);
      else if (rc == SQLITE_DONE)
        g_set_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_NOT_FOUND,
                     _("Version %u of this profile was not kept."), version);
      else
        set_sqlite_error (self->db, rc, error);
    }
  g_rec_mutex_unlock (&self->lock);

  return profile;
}

/**
 * veil_store_delete_profile:
 *
 * Deletes a profile with everything about it (consent, alerts, reports, scan results, its audit
 * entries); one audit entry without the profile records that it was deleted.
 */
gboolean
veil_store_delete_profile (VeilStore   *self,
                           gint64       id,
                           const char  *actor,
                           GError     **error)
{
  g_autoptr(VeilProfile) profile = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (VEIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);

  if (!begin (self, error))
    return FALSE;

  profile = load_profile (self, "id = ?", id, NULL, error);
  if (profile == NULL)
    goto fail;

  stmt = db_prepare (self->db, "DELETE FROM profiles WHERE id = ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, id);
  if (!stmt_done (self->db, stmt, error))
    goto fail;
  if (!insert_audit (self, 0, now_seconds (), actor, "profile-deleted", veil_profile_get_name (profile), error))
    goto fail;

  return commit (self, error);

fail:
  rollback (self);
  return FALSE;
}

static gboolean
check_profile_exists (VeilStore    *self,
                      VeilProfile  *profile,
                      GError      **error)
{
  g_autoptr(VeilProfile) stored = load_profile (self, "id = ?", veil_profile_get_id (profile), NULL, error);

  return stored != NULL;
}

/**
 * veil_store_acknowledge:
 * @text_version: the version of the explanation the child was shown
 *
 * Records that the child read the explanation of @protection and said “I understand”. Needs
 * no PIN: it is the child's own step.
 */
gboolean
veil_store_acknowledge (VeilStore       *self,
                        VeilProfile     *profile,
                        VeilProtection   protection,
                        guint            text_version,
                        GError         **error)
{
  gint64 now = now_seconds ();

  g_return_val_if_fail (VEIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (profile != NULL, FALSE);
  g_return_val_if_fail (protection < VEIL_N_PROTECTIONS, FALSE);

  if (!begin (self, error))
    return FALSE;
  if (!check_profile_exists (self, profile, error) ||
      !insert_consent (self, veil_profile_get_id (profile), protection, "acknowledged",
                       VEIL_ACTOR_CHILD, text_version, now, error) ||
      !insert_audit (self, veil_profile_get_id (profile), now, VEIL_ACTOR_CHILD, "acknowledged",
                     veil_protection_to_string (protection), error))
    {
      rollback (self);
      return FALSE;
    }
  return commit (self, error);
}

/**
 * veil_store_request_review:
 *
 * A child (13 or over) asks the guardian to look at a protection again. Logged, and shown
 * to the guardian; it changes nothing by itself.
 */
gboolean
veil_store_request_review (VeilStore       *self,
                           VeilProfile     *profile,
                           VeilProtection   protection,
                           GError         **error)
{
  gint64 now = now_seconds ();

  g_return_val_if_fail (VEIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (profile != NULL, FALSE);
  g_return_val_if_fail (protection < VEIL_N_PROTECTIONS, FALSE);

  if (!begin (self, error))
    return FALSE;
  if (!check_profile_exists (self, profile, error) ||
      !insert_consent (self, veil_profile_get_id (profile), protection, "review-requested",
                       VEIL_ACTOR_CHILD, veil_protection_get_text_version (protection), now, error) ||
      !insert_audit (self, veil_profile_get_id (profile), now, VEIL_ACTOR_CHILD, "review-requested",
                     veil_protection_to_string (protection), error))
    {
      rollback (self);
      return FALSE;
    }
  return commit (self, error);
}

/**
 * veil_store_get_protection_status:
 *
 * A protection is active only when the guardian turned it on and the child acknowledged the
 * current explanation *after* it was last turned on: turning it off and on again asks the
 * child again, and so does a new version of the explanation.
 */
gboolean
veil_store_get_protection_status (VeilStore            *self,
                                  VeilProfile          *profile,
                                  VeilProtection        protection,
                                  VeilProtectionStatus *out_status,
                                  GError              **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 last_grant = -1;
  gint64 ack_id = -1;
  gint64 ack_time = 0;
  guint current_text = veil_protection_get_text_version (protection);
  int rc;

  g_return_val_if_fail (VEIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (profile != NULL, FALSE);
  g_return_val_if_fail (protection < VEIL_N_PROTECTIONS, FALSE);
  g_return_val_if_fail (out_status != NULL, FALSE);

  memset (out_status, 0, sizeof *out_status);
  out_status->enabled = veil_profile_get_protection_enabled (profile, protection);
  out_status->needs_acknowledgment = veil_profile_protection_needs_acknowledgment (profile, protection);

  g_rec_mutex_lock (&self->lock);
  stmt = db_prepare (self->db,
                     "SELECT id, action, text_version, time FROM consent "
                     "WHERE profile_id = ? AND protection = ? AND action IN ('granted', 'acknowledged') ORDER BY id",
                     error);
  if (stmt == NULL)
    {
      g_rec_mutex_unlock (&self->lock);
      return FALSE;
    }
  sqlite3_bind_int64 (stmt, 1, veil_profile_get_id (profile));
  sqlite3_bind_text (stmt, 2, veil_protection_to_string (protection), -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *action = (const char *) sqlite3_column_text (stmt, 1);

      if (g_strcmp0 (action, "granted") == 0)
        last_grant = sqlite3_column_int64 (stmt, 0);
      else if ((guint) sqlite3_column_int (stmt, 2) == current_text)
        {
          ack_id = sqlite3_column_int64 (stmt, 0);
          ack_time = sqlite3_column_int64 (stmt, 3);
        }
    }
  g_rec_mutex_unlock (&self->lock);
  if (rc != SQLITE_DONE)
    return set_sqlite_error (self->db, rc, error);

  out_status->acknowledged = ack_id > last_grant && ack_id >= 0;
  out_status->acknowledged_at = out_status->acknowledged ? ack_time : 0;
  out_status->active = out_status->enabled &&
                       (out_status->acknowledged || !out_status->needs_acknowledgment);
  return TRUE;
}

/**
 * veil_store_list_consent:
 * @profile_id: the profile
 *
 * Returns: (transfer full) (element-type VeilConsentRecord): every grant, withdrawal,
 *   acknowledgment and review request, oldest first
 */
GPtrArray *
veil_store_list_consent (VeilStore  *self,
                         gint64      profile_id,
                         GError    **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) veil_consent_record_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (VEIL_IS_STORE (self), NULL);

  g_rec_mutex_lock (&self->lock);
  stmt = db_prepare (self->db,
                     "SELECT id, profile_id, time, protection, action, actor, text_version FROM consent "
                     "WHERE profile_id = ? ORDER BY id", error);
  if (stmt == NULL)
    {
      g_rec_mutex_unlock (&self->lock);
      return NULL;
    }
  sqlite3_bind_int64 (stmt, 1, profile_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      VeilConsentRecord *r = g_new0 (VeilConsentRecord, 1);

      r->id = sqlite3_column_int64 (stmt, 0);
      r->profile_id = sqlite3_column_int64 (stmt, 1);
      r->time = sqlite3_column_int64 (stmt, 2);
      r->protection = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      r->action = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      r->actor = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
      r->text_version = (guint) sqlite3_column_int (stmt, 6);
      g_ptr_array_add (records, r);
    }
  g_rec_mutex_unlock (&self->lock);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self->db, rc, error);
      return NULL;
    }

  return g_steal_pointer (&records);
}

/**
 * veil_store_add_audit:
 * @profile_id: the profile it is about, or 0
 * @detail: (nullable): plain text; never pixel data or file contents
 */
gboolean
veil_store_add_audit (VeilStore   *self,
                      gint64       profile_id,
                      const char  *actor,
                      const char  *kind,
                      const char  *detail,
                      GError     **error)
{
  g_return_val_if_fail (VEIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (actor != NULL && kind != NULL, FALSE);

  if (!begin (self, error))
    return FALSE;
  if (!insert_audit (self, profile_id, now_seconds (), actor, kind, detail, error))
    {
      rollback (self);
      return FALSE;
    }
  return commit (self, error);
}

/**
 * veil_store_list_audit:
 * @profile_id: a profile, 0 for entries about no profile, or -1 for all
 * @limit: at most this many, newest first; 0 for all
 *
 * Returns: (transfer full) (element-type VeilAuditEntry): the entries, newest first
 */
GPtrArray *
veil_store_list_audit (VeilStore  *self,
                       gint64      profile_id,
                       guint       limit,
                       GError    **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) veil_audit_entry_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  const char *sql;
  int rc;

  g_return_val_if_fail (VEIL_IS_STORE (self), NULL);

  if (profile_id < 0)
    sql = "SELECT id, profile_id, time, actor, kind, detail FROM audit WHERE ?1 < 0 ORDER BY id DESC LIMIT ?2";
  else if (profile_id == 0)
    sql = "SELECT id, profile_id, time, actor, kind, detail FROM audit WHERE profile_id IS NULL AND ?1 = 0 ORDER BY id DESC LIMIT ?2";
  else
    sql = "SELECT id, profile_id, time, actor, kind, detail FROM audit WHERE profile_id = ?1 ORDER BY id DESC LIMIT ?2";

  g_rec_mutex_lock (&self->lock);
  stmt = db_prepare (self->db, sql, error);
  if (stmt == NULL)
    {
      g_rec_mutex_unlock (&self->lock);
      return NULL;
    }
  sqlite3_bind_int64 (stmt, 1, profile_id);
  sqlite3_bind_int64 (stmt, 2, limit == 0 ? -1 : (gint64) limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      VeilAuditEntry *e = g_new0 (VeilAuditEntry, 1);

      e->id = sqlite3_column_int64 (stmt, 0);
      e->profile_id = sqlite3_column_int64 (stmt, 1);
      e->time = sqlite3_column_int64 (stmt, 2);
      e->actor = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      e->kind = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      e->detail = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
      g_ptr_array_add (entries, e);
    }
  g_rec_mutex_unlock (&self->lock);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self->db, rc, error);
      return NULL;
    }

  return g_steal_pointer (&entries);
}

guint
veil_store_count_alerts (VeilStore  *self,
                         gint64      profile_id,
                         GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  guint n = 0;
  int rc;

  g_return_val_if_fail (VEIL_IS_STORE (self), 0);

  g_rec_mutex_lock (&self->lock);
  stmt = db_prepare (self->db, "SELECT count(*) FROM alerts WHERE profile_id = ?", error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, profile_id);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        n = (guint) sqlite3_column_int (stmt, 0);
      else
        set_sqlite_error (self->db, rc, error);
    }
  g_rec_mutex_unlock (&self->lock);
  return n;
}

/* --- Reports -------------------------------------------------------------------------------- */

/* The detail of a report's audit entry: its number and where the image came from, never the
 * reporter's words, the file name or anything of the image. */
static char *
report_audit_detail (gint64      id,
                     VeilReport *report)
{
  const char *source = "folder";

  switch (veil_report_get_source (report))
    {
    case VEIL_REPORT_SOURCE_APP:
      source = "app";
      break;
    case VEIL_REPORT_SOURCE_LIBRARY:
      source = "library";
      break;
    case VEIL_REPORT_SOURCE_FOLDER:
    default:
      break;
    }
  return g_strdup_printf ("#%" G_GINT64_FORMAT ", %s", id, source);
}

static void
set_no_report_error (GError **error,
                     gint64   id)
{
  g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, id);

  /* Translators: %s is a report number */
  g_set_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_NOT_FOUND,
               _("There is no report %s. List a profile’s reports to see their numbers."), number);
}

static VeilReportEntry *
report_entry_from_row (sqlite3_stmt  *stmt,
                       GError       **error)
{
  g_autoptr(VeilReportEntry) entry = g_new0 (VeilReportEntry, 1);
  const char *data = (const char *) sqlite3_column_text (stmt, 4);
  g_autoptr(GError) local_error = NULL;

  entry->id = sqlite3_column_int64 (stmt, 0);
  entry->profile_id = sqlite3_column_int64 (stmt, 1);
  entry->time = sqlite3_column_int64 (stmt, 2);
  entry->state = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  entry->report = veil_report_new_from_json (data != NULL ? data : "", &local_error);
  if (entry->report == NULL)
    {
      g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, entry->id);

      /* Translators: %s is a report number, then why it cannot be read */
      g_set_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_CORRUPT,
                   _("Report %s cannot be read (%s). Delete it and make it again if the image is still there."),
                   number, local_error->message);
      return NULL;
    }
  return g_steal_pointer (&entry);
}

/**
 * veil_store_add_report:
 * @profile: the profile the report is about
 * @report: the report; it holds checksums and reasons, never pixels
 * @actor: who made it (%VEIL_ACTOR_CHILD or %VEIL_ACTOR_GUARDIAN)
 *
 * Keeps @report for @profile, with an audit entry "report-made" naming only its number and
 * source. Needs no PIN: a child may always report.
 *
 * Returns: the new report's id, or 0 with @error set
 */
gint64
veil_store_add_report (VeilStore    *self,
                       VeilProfile  *profile,
                       VeilReport   *report,
                       const char   *actor,
                       GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *json = NULL;
  g_autofree char *detail = NULL;
  gint64 time;
  gint64 id;

  g_return_val_if_fail (VEIL_IS_STORE (self), 0);
  g_return_val_if_fail (profile != NULL && report != NULL && actor != NULL, 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  json = veil_report_to_json (report);
  time = g_date_time_to_unix (veil_report_get_time (report));

  if (!begin (self, error))
    return 0;
  if (!check_profile_exists (self, profile, error))
    goto fail;
  stmt = db_prepare (self->db, "INSERT INTO reports (profile_id, time, data) VALUES (?, ?, ?)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, veil_profile_get_id (profile));
  sqlite3_bind_int64 (stmt, 2, time);
  sqlite3_bind_text (stmt, 3, json, -1, SQLITE_TRANSIENT);
  if (!stmt_done (self->db, stmt, error))
    goto fail;
  id = sqlite3_last_insert_rowid (self->db);
  reach (self, "report-row");

  detail = report_audit_detail (id, report);
  if (!insert_audit (self, veil_profile_get_id (profile), now_seconds (), actor, "report-made", detail, error))
    goto fail;
  if (!commit (self, error))
    return 0;
  return id;

fail:
  rollback (self);
  return 0;
}

/**
 * veil_store_list_reports:
 *
 * Returns: (transfer full) (element-type VeilReportEntry): @profile_id's reports, newest
 *   first, or %NULL with @error set
 */
GPtrArray *
veil_store_list_reports (VeilStore  *self,
                         gint64      profile_id,
                         GError    **error)
{
  g_autoptr(GPtrArray) reports = g_ptr_array_new_with_free_func ((GDestroyNotify) veil_report_entry_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (VEIL_IS_STORE (self), NULL);

  g_rec_mutex_lock (&self->lock);
  /* Rows from before schema 5 never held a report: nothing wrote the table then. */
  stmt = db_prepare (self->db,
                     "SELECT id, profile_id, time, state, data FROM reports "
                     "WHERE profile_id = ? AND data IS NOT NULL ORDER BY time DESC, id DESC", error);
  if (stmt == NULL)
    goto out;
  sqlite3_bind_int64 (stmt, 1, profile_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      VeilReportEntry *entry = report_entry_from_row (stmt, error);

      if (entry == NULL)
        goto out;
      g_ptr_array_add (reports, entry);
    }
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self->db, rc, error);
      goto out;
    }
  g_rec_mutex_unlock (&self->lock);
  return g_steal_pointer (&reports);

out:
  g_rec_mutex_unlock (&self->lock);
  return NULL;
}

/**
 * veil_store_get_report:
 *
 * Returns: (transfer full): the report with @id, or %NULL with @error set
 *   (%VEIL_STORE_ERROR_NOT_FOUND when there is none)
 */
VeilReportEntry *
veil_store_get_report (VeilStore  *self,
                       gint64      id,
                       GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  VeilReportEntry *entry = NULL;
  int rc;

  g_return_val_if_fail (VEIL_IS_STORE (self), NULL);

  g_rec_mutex_lock (&self->lock);
  stmt = db_prepare (self->db,
                     "SELECT id, profile_id, time, state, data FROM reports WHERE id = ? AND data IS NOT NULL",
                     error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, id);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        entry = report_entry_from_row (stmt, error);
      else if (rc == SQLITE_DONE)
        set_no_report_error (error, id);
      else
        set_sqlite_error (self->db, rc, error);
    }
  g_rec_mutex_unlock (&self->lock);
  return entry;
}

/**
 * veil_store_delete_report:
 * @actor: who deleted it
 *
 * Deletes the report with @id; an audit entry "report-deleted" keeps only its number.
 */
gboolean
veil_store_delete_report (VeilStore   *self,
                          gint64       id,
                          const char  *actor,
                          GError     **error)
{
  g_autoptr(sqlite3_stmt) find = NULL;
  g_autoptr(sqlite3_stmt) del = NULL;
  g_autofree char *detail = NULL;
  gint64 profile_id;
  int rc;

  g_return_val_if_fail (VEIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);

  if (!begin (self, error))
    return FALSE;
  find = db_prepare (self->db, "SELECT profile_id FROM reports WHERE id = ?", error);
  if (find == NULL)
    goto fail;
  sqlite3_bind_int64 (find, 1, id);
  rc = sqlite3_step (find);
  if (rc == SQLITE_DONE)
    {
      set_no_report_error (error, id);
      goto fail;
    }
  if (rc != SQLITE_ROW)
    {
      set_sqlite_error (self->db, rc, error);
      goto fail;
    }
  profile_id = sqlite3_column_int64 (find, 0);

  del = db_prepare (self->db, "DELETE FROM reports WHERE id = ?", error);
  if (del == NULL)
    goto fail;
  sqlite3_bind_int64 (del, 1, id);
  detail = g_strdup_printf ("#%" G_GINT64_FORMAT, id);
  if (!stmt_done (self->db, del, error) ||
      !insert_audit (self, profile_id, now_seconds (), actor, "report-deleted", detail, error))
    goto fail;
  return commit (self, error);

fail:
  rollback (self);
  return FALSE;
}

/**
 * veil_store_get_meta:
 *
 * Returns: (transfer full) (nullable): a small value Veil keeps for itself, or %NULL
 */
char *
veil_store_get_meta (VeilStore  *self,
                     const char *key)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  char *value = NULL;

  g_return_val_if_fail (VEIL_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  g_rec_mutex_lock (&self->lock);
  stmt = db_prepare (self->db, "SELECT value FROM meta WHERE key = ?", NULL);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
    }
  g_rec_mutex_unlock (&self->lock);
  return value;
}

/**
 * veil_store_set_meta:
 * @value: (nullable): the value, or %NULL to remove it
 */
gboolean
veil_store_set_meta (VeilStore   *self,
                     const char  *key,
                     const char  *value,
                     GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (VEIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  if (!begin (self, error))
    return FALSE;
  stmt = db_prepare (self->db,
                     value != NULL ? "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)"
                                   : "DELETE FROM meta WHERE key = ?",
                     error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  if (value != NULL)
    sqlite3_bind_text (stmt, 2, value, -1, SQLITE_TRANSIENT);
  if (!stmt_done (self->db, stmt, error))
    goto fail;
  return commit (self, error);

fail:
  rollback (self);
  return FALSE;
}

/**
 * veil_store_expire:
 * @now: the current Unix time
 *
 * Deletes alerts, reports and audit entries older than each profile's retention period.
 */
gboolean
veil_store_expire (VeilStore  *self,
                   gint64      now,
                   GError    **error)
{
  g_autoptr(GPtrArray) profiles = NULL;
  static const char * const tables[] = { "alerts", "reports", "audit" };

  g_return_val_if_fail (VEIL_IS_STORE (self), FALSE);

  if (!begin (self, error))
    return FALSE;
  profiles = veil_store_list_profiles (self, error);
  if (profiles == NULL)
    goto fail;

  for (guint i = 0; i < profiles->len; i++)
    {
      VeilProfile *p = profiles->pdata[i];
      gint64 cutoff = now - (gint64) veil_profile_get_retention_days (p) * 24 * 60 * 60;

      for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
        {
          g_autofree char *sql = g_strdup_printf ("DELETE FROM %s WHERE profile_id = ? AND time < ?", tables[t]);
          g_autoptr(sqlite3_stmt) stmt = db_prepare (self->db, sql, error);

          if (stmt == NULL)
            goto fail;
          sqlite3_bind_int64 (stmt, 1, veil_profile_get_id (p));
          sqlite3_bind_int64 (stmt, 2, cutoff);
          if (!stmt_done (self->db, stmt, error))
            goto fail;
        }
    }
  return commit (self, error);

fail:
  rollback (self);
  return FALSE;
}

static JsonNode *
export_node (VeilStore  *self,
             GError    **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GPtrArray) profiles = veil_store_list_profiles (self, error);
  g_autoptr(GPtrArray) general = NULL;

  if (profiles == NULL)
    return NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, "veil-export-1");
  json_builder_set_member_name (b, "profiles");
  json_builder_begin_array (b);
  for (guint i = 0; i < profiles->len; i++)
    {
      VeilProfile *p = profiles->pdata[i];
      g_autofree char *json = veil_profile_to_json (p);
      g_autoptr(JsonNode) settings = json_from_string (json, NULL);
      g_autoptr(GPtrArray) consent = veil_store_list_consent (self, veil_profile_get_id (p), error);
      g_autoptr(GPtrArray) audit = veil_store_list_audit (self, veil_profile_get_id (p), 0, error);

      if (consent == NULL || audit == NULL)
        return NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "version");
      json_builder_add_int_value (b, veil_profile_get_version (p));
      json_builder_set_member_name (b, "settings");
      json_builder_add_value (b, g_steal_pointer (&settings));
      json_builder_set_member_name (b, "consent");
      json_builder_begin_array (b);
      for (guint j = 0; j < consent->len; j++)
        {
          VeilConsentRecord *r = consent->pdata[j];
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "time");
          json_builder_add_int_value (b, r->time);
          json_builder_set_member_name (b, "protection");
          json_builder_add_string_value (b, r->protection);
          json_builder_set_member_name (b, "action");
          json_builder_add_string_value (b, r->action);
          json_builder_set_member_name (b, "actor");
          json_builder_add_string_value (b, r->actor);
          json_builder_set_member_name (b, "text-version");
          json_builder_add_int_value (b, r->text_version);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_set_member_name (b, "audit");
      json_builder_begin_array (b);
      for (guint j = audit->len; j > 0; j--)
        {
          VeilAuditEntry *e = audit->pdata[j - 1];
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "time");
          json_builder_add_int_value (b, e->time);
          json_builder_set_member_name (b, "actor");
          json_builder_add_string_value (b, e->actor);
          json_builder_set_member_name (b, "kind");
          json_builder_add_string_value (b, e->kind);
          json_builder_set_member_name (b, "detail");
          json_builder_add_string_value (b, e->detail);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_set_member_name (b, "alerts");
      json_builder_add_int_value (b, veil_store_count_alerts (self, veil_profile_get_id (p), NULL));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  general = veil_store_list_audit (self, 0, 0, error);
  if (general == NULL)
    return NULL;
  json_builder_set_member_name (b, "guardian-actions");
  json_builder_begin_array (b);
  for (guint j = general->len; j > 0; j--)
    {
      VeilAuditEntry *e = general->pdata[j - 1];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "time");
      json_builder_add_int_value (b, e->time);
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, e->kind);
      json_builder_set_member_name (b, "detail");
      json_builder_add_string_value (b, e->detail);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  return json_builder_get_root (b);
}

/**
 * veil_store_export:
 * @dir: an existing folder chosen by the guardian
 *
 * Writes `veil-export.json` into @dir: every profile's settings, consent history and audit
 * log. Alerts are counted, not copied; no pixel data leaves the store this way.
 */
gboolean
veil_store_export (VeilStore   *self,
                   const char  *dir,
                   GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonGenerator) gen = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (VEIL_IS_STORE (self), FALSE);
  g_return_val_if_fail (dir != NULL, FALSE);

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_NOT_FOUND,
                   _("The folder “%s” does not exist. Create it first, or choose another folder."), dir);
      return FALSE;
    }

  g_rec_mutex_lock (&self->lock);
  root = export_node (self, error);
  g_rec_mutex_unlock (&self->lock);
  if (root == NULL)
    return FALSE;

  gen = json_generator_new ();
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_root (gen, root);
  path = g_build_filename (dir, "veil-export.json", NULL);

  /* Refuse to overwrite: an earlier export is the guardian's file. */
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, VEIL_STORE_ERROR, VEIL_STORE_ERROR_EXISTS,
                   _("“%s” already exists. Move it away or choose another folder."), path);
      return FALSE;
    }
  if (!json_generator_to_file (gen, path, error))
    return FALSE;
  g_chmod (path, 0600);

  return veil_store_add_audit (self, 0, VEIL_ACTOR_GUARDIAN, "export", dir, error);
}

/**
 * veil_store_erase_all:
 *
 * Deletes everything Veil stored: profiles, consent, alerts, reports, scan runs, the scan cache,
 * the audit log and Veil's own notes. The file stays, empty, at the current schema.
 */
gboolean
veil_store_erase_all (VeilStore  *self,
                      GError    **error)
{
  g_return_val_if_fail (VEIL_IS_STORE (self), FALSE);

  if (!begin (self, error))
    return FALSE;
  if (!db_exec (self->db,
                "DELETE FROM reports; DELETE FROM alert_files; DELETE FROM alerts;"
                "DELETE FROM scan_files; DELETE FROM scan_runs; DELETE FROM alert_exceptions;"
                "DELETE FROM profile_hash_lists; DELETE FROM protected_images;"
                "DELETE FROM message_files; DELETE FROM message_watch;"
                "DELETE FROM consent; DELETE FROM audit; DELETE FROM profile_versions;"
                "DELETE FROM profiles; DELETE FROM meta;", error))
    {
      rollback (self);
      return FALSE;
    }
  if (!commit (self, error))
    return FALSE;

  /* Shrink the file and fold the log back in, so erased rows are gone from disk too. */
  g_rec_mutex_lock (&self->lock);
  sqlite3_exec (self->db, "VACUUM; PRAGMA wal_checkpoint(TRUNCATE);", NULL, NULL, NULL);
  g_rec_mutex_unlock (&self->lock);
  return TRUE;
}

/**
 * veil_store_release_memory:
 *
 * Gives back the memory SQLite caches for both connections (pages read earlier); for a
 * long-running service going idle. Nothing is lost: pages are read again when needed.
 */
void
veil_store_release_memory (VeilStore *self)
{
  g_return_if_fail (VEIL_IS_STORE (self));

  g_rec_mutex_lock (&self->lock);
  sqlite3_db_release_memory (self->db);
  g_rec_mutex_unlock (&self->lock);

  g_mutex_lock (&self->scan_lock);
  sqlite3_db_release_memory (self->scan_db);
  g_mutex_unlock (&self->scan_lock);
}
