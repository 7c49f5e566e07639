/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-health"

#include "config.h"

#include <string.h>
#include <pwd.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "veil-enum-private.h"
#include "veil-enums.h"
#include "veil-health.h"
#include "veil-library-scheduler.h"
#include "veil-model.h"
#include "veil-store.h"
#include "veil-watcher.h"

/* VeilHealth: whether each protection of one profile really runs, not only whether it is on.
 * "Active" means protecting: turned on by the guardian, acknowledged by the child, and every
 * part it needs is there: the account the background service serves, the folders, the
 * picture checker's model, a recent heartbeat of the service and a store that reads. Each
 * problem carries the sentence that names it and the one that says how to fix it. A check
 * is a snapshot: a few stat() calls, three indexed queries and one model load. */

#define HEARTBEAT_KEY "service-heartbeat"

typedef struct {
  VeilHealthState  state;
  GPtrArray       *problems;    /* VeilHealthProblem, owned */
  gint64           last_check;  /* Unix time, 0 for never */
} ProtectionHealth;

struct _VeilHealth
{
  GObject           parent_instance;

  /* Owned */
  VeilProfile      *profile;
  char             *service_user;  /* from the heartbeat, nullable */

  gint64            heartbeat;     /* Unix time of the service's last heartbeat, 0 for none */
  gint64            next_check;    /* Unix time of the next scheduled folder check, 0 for none */
  ProtectionHealth  protections[VEIL_N_PROTECTIONS];
};

G_DEFINE_FINAL_TYPE (VeilHealth, veil_health, G_TYPE_OBJECT)
G_DEFINE_BOXED_TYPE (VeilHealthProblem, veil_health_problem, veil_health_problem_copy, veil_health_problem_free)

/* What the checks found that several protections share, computed at most once. */
typedef struct {
  gboolean  model_checked;
  gboolean  model_ok;
} Shared;

/* --- Problems ------------------------------------------------------------------------------ */

static void
add_problem (VeilHealth            *self,
             VeilProtection         protection,
             VeilHealthProblemKind  kind,
             char                  *reason,
             const char            *action)
{
  VeilHealthProblem *problem = g_new0 (VeilHealthProblem, 1);

  problem->kind = kind;
  problem->reason = reason;
  problem->action = g_strdup (action);
  g_ptr_array_add (self->protections[protection].problems, problem);
}

/* Message warnings run in the background service, which serves only the profile linked to
 * the account it runs in. */
/* The service serves the first profile linked to its account (as listed by the store). */
static void
check_account_taken (VeilHealth *self,
                     VeilStore  *store,
                     const char *user)
{
  g_autoptr(GPtrArray) profiles = veil_store_list_profiles (store, NULL);

  for (guint i = 0; profiles != NULL && i < profiles->len; i++)
    {
      VeilProfile *other = profiles->pdata[i];

      if (g_strcmp0 (veil_profile_get_unix_user (other), user) != 0)
        continue;
      if (veil_profile_get_id (other) != veil_profile_get_id (self->profile))
        add_problem (self, VEIL_PROTECTION_MESSAGE_WARNINGS, VEIL_HEALTH_PROBLEM_ACCOUNT_TAKEN,
                     /* Translators: %s is another child's name */
                     g_strdup_printf (_("The profile “%s” is linked to the same account, and Veil checks messages for one profile per account."),
                                      veil_profile_get_name (other)),
                     _("Link each profile to the child’s own account in the profile’s settings."));
      return;
    }
}

static void
check_account (VeilHealth *self,
               VeilStore  *store)
{
  const char *user = veil_profile_get_unix_user (self->profile);
  const char *serving = self->service_user != NULL ? self->service_user : g_get_user_name ();
  struct passwd pw, *found = NULL;
  char buffer[4096];

  if (user == NULL || *user == '\0')
    {
      add_problem (self, VEIL_PROTECTION_MESSAGE_WARNINGS, VEIL_HEALTH_PROBLEM_NOT_LINKED,
                   g_strdup (_("This profile is not linked to an account, so Veil does not know whose messages to check.")),
                   _("Link it to the child’s account in the profile’s settings."));
      return;
    }
  if (getpwnam_r (user, &pw, buffer, sizeof buffer, &found) != 0 || found == NULL)
    {
      add_problem (self, VEIL_PROTECTION_MESSAGE_WARNINGS, VEIL_HEALTH_PROBLEM_UNKNOWN_ACCOUNT,
                   /* Translators: %s is a computer account name */
                   g_strdup_printf (_("This profile is linked to the account “%s”, which does not exist on this computer."), user),
                   _("Link it to the child’s account in the profile’s settings."));
      return;
    }
  if (g_strcmp0 (user, serving) != 0)
    {
      add_problem (self, VEIL_PROTECTION_MESSAGE_WARNINGS, VEIL_HEALTH_PROBLEM_OTHER_ACCOUNT,
                   /* Translators: the first %s is the account Veil runs in, the second the profile's */
                   g_strdup_printf (_("Veil checks messages only in the account “%s”, and this profile is linked to “%s”."),
                                    serving, user),
                   _("Link it to this account in the profile’s settings, or set Veil up in the child’s own account."));
      return;
    }
  check_account_taken (self, store, user);
}

/* Returns: %TRUE when @path is a folder this account can list */
static gboolean
check_folder (VeilHealth     *self,
              VeilProtection  protection,
              const char     *path)
{
  g_autofree char *name = g_filename_display_name (path);
  GStatBuf st;

  if (g_stat (path, &st) != 0 || !S_ISDIR (st.st_mode))
    {
      add_problem (self, protection, VEIL_HEALTH_PROBLEM_FOLDER_MISSING,
                   /* Translators: %s is a folder's path */
                   g_strdup_printf (_("The folder “%s” is missing."), name),
                   _("Put it back, or choose another folder in the profile’s settings."));
      return FALSE;
    }
  if (g_access (path, R_OK | X_OK) != 0)
    {
      add_problem (self, protection, VEIL_HEALTH_PROBLEM_FOLDER_UNREADABLE,
                   /* Translators: %s is a folder's path */
                   g_strdup_printf (_("Veil cannot read the folder “%s”."), name),
                   _("Let this account read it, or choose another folder in the profile’s settings."));
      return FALSE;
    }
  return TRUE;
}

static void
check_message_folders (VeilHealth *self)
{
  const char * const *paths = veil_profile_get_message_folders (self->profile);
  g_autoptr(GPtrArray) defaults = NULL;

  if (paths != NULL && paths[0] != NULL)
    {
      for (guint i = 0; paths[i] != NULL; i++)
        check_folder (self, VEIL_PROTECTION_MESSAGE_WARNINGS, paths[i]);
      return;
    }
  /* None chosen: Veil watches its defaults, those of them that exist. */
  defaults = veil_watcher_default_folders ();
  if (defaults->len == 0)
    add_problem (self, VEIL_PROTECTION_MESSAGE_WARNINGS, VEIL_HEALTH_PROBLEM_NO_FOLDERS,
                 g_strdup (_("There is no folder where messages save pictures to watch.")),
                 _("Add a folder where messages save pictures in the profile’s settings."));
}

static void
check_scan_folders (VeilHealth *self)
{
  const char * const *paths = veil_profile_get_folders (self->profile);

  if (paths == NULL || paths[0] == NULL)
    {
      add_problem (self, VEIL_PROTECTION_LIBRARY_SCAN, VEIL_HEALTH_PROBLEM_NO_FOLDERS,
                   g_strdup (_("No folders are chosen for folder checks.")),
                   _("Choose the child’s picture folders in the profile’s settings."));
      return;
    }
  for (guint i = 0; paths[i] != NULL; i++)
    check_folder (self, VEIL_PROTECTION_LIBRARY_SCAN, paths[i]);
}

/* A schedule that keeps being missed: the folders were not checked for much longer than the
 * schedule says, because the computer was never idle on power or the service did not run. */
static void
check_schedule (VeilHealth            *self,
                VeilStore             *store,
                VeilProtectionStatus  *status)
{
  gint64 interval = veil_scan_schedule_get_interval (veil_profile_get_scan_schedule (self->profile));
  gint64 id = veil_profile_get_id (self->profile);
  gint64 now = veil_store_get_time (store);
  gint64 since = veil_store_get_last_check (store, id, VEIL_PROTECTION_LIBRARY_SCAN);
  g_autofree char *wait = NULL;
  guint days;

  self->next_check = veil_library_schedule_next_check (store, self->profile);
  if (since == 0)
    since = status->acknowledged_at;
  if (interval == 0 || !status->active || since == 0 || now - since <= interval + VEIL_LIBRARY_SCHEDULE_GRACE)
    return;
  days = (guint) ((now - since) / (24 * 60 * 60));
  wait = veil_library_schedule_get_wait (store, id);
  if (g_str_equal (wait, VEIL_LIBRARY_WAIT_NONE))
    add_problem (self, VEIL_PROTECTION_LIBRARY_SCAN, VEIL_HEALTH_PROBLEM_SCHEDULE_MISSED,
                 /* Translators: %u is a number of days */
                 g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Not checked for %u day: Veil’s background checks did not run.",
                                               "Not checked for %u days: Veil’s background checks did not run.", days), days),
                 _("Log out and back in, or open Veil."));
  else
    add_problem (self, VEIL_PROTECTION_LIBRARY_SCAN, VEIL_HEALTH_PROBLEM_SCHEDULE_MISSED,
                 /* Translators: %u is a number of days */
                 g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Not checked for %u day: the computer was never idle on power.",
                                               "Not checked for %u days: the computer was never idle on power.", days), days),
                 _("Leave the computer idle and plugged in for a while, or check the folders now."));
}

/* Loading validates the whole file (header, layout, checksum): what the service would do. */
static void
check_model (VeilHealth     *self,
             VeilProtection  protection,
             Shared         *shared)
{
  if (!shared->model_checked)
    {
      g_autoptr(VeilModel) model = NULL;
      g_autoptr(GError) error = NULL;

      model = veil_model_load_default (&error);
      if (model == NULL)
        g_debug ("The model cannot be loaded: %s", error->message);
      shared->model_ok = model != NULL;
      shared->model_checked = TRUE;
    }
  if (!shared->model_ok)
    add_problem (self, protection, VEIL_HEALTH_PROBLEM_MODEL,
                 g_strdup (_("Veil’s picture checker is missing or damaged.")),
                 _("Reinstall Veil to repair it."));
}

static void
check_service (VeilHealth *self)
{
  if (veil_health_service_is_running (self))
    return;
  add_problem (self, VEIL_PROTECTION_MESSAGE_WARNINGS, VEIL_HEALTH_PROBLEM_SERVICE_STOPPED,
               g_strdup (_("Background checks are not running.")),
               _("Log out and back in, or open Veil."));
}

/* Reads "TIME PROFILE-ID USER", as veil_health_record_heartbeat() writes it. */
static void
read_heartbeat (VeilHealth *self,
                VeilStore  *store)
{
  g_autofree char *value = veil_store_get_meta (store, HEARTBEAT_KEY);
  g_auto(GStrv) parts = NULL;

  if (value == NULL)
    return;
  parts = g_strsplit (value, " ", 3);
  if (g_strv_length (parts) != 3)
    return;
  self->heartbeat = g_ascii_strtoll (parts[0], NULL, 10);
  self->service_user = g_strdup (parts[2]);
}

static void
check_protection (VeilHealth     *self,
                  VeilStore      *store,
                  VeilProtection  p,
                  Shared         *shared)
{
  ProtectionHealth *health = &self->protections[p];
  VeilProtectionStatus status = { 0 };
  g_autoptr(GError) error = NULL;

  if (!veil_store_get_protection_status (store, self->profile, p, &status, &error))
    {
      health->state = VEIL_HEALTH_STATE_NOT_WORKING;
      add_problem (self, p, VEIL_HEALTH_PROBLEM_STORE,
                   /* Translators: %s says what went wrong */
                   g_strdup_printf (_("Veil cannot read its records: %s"), error->message),
                   _("Open Veil to see what is wrong."));
      return;
    }
  if (!status.enabled)
    {
      health->state = VEIL_HEALTH_STATE_OFF;
      return;
    }

  switch (p)
    {
    case VEIL_PROTECTION_MESSAGE_WARNINGS:
      check_account (self, store);
      check_message_folders (self);
      check_model (self, p, shared);
      check_service (self);
      break;
    case VEIL_PROTECTION_LIBRARY_SCAN:
      check_scan_folders (self);
      check_model (self, p, shared);
      check_schedule (self, store, &status);
      break;
    case VEIL_PROTECTION_GUARDIAN_ALERTS:
    case VEIL_N_PROTECTIONS:
    default:
      break;
    }
  health->last_check = veil_store_get_last_check (store, veil_profile_get_id (self->profile), p);

  if (!status.active)
    health->state = VEIL_HEALTH_STATE_WAITING;
  else if (health->problems->len > 0)
    health->state = VEIL_HEALTH_STATE_NOT_WORKING;
  else
    health->state = VEIL_HEALTH_STATE_ACTIVE;
}

/* Guardian alerts tell about what the other protections find: they work while one does, or
 * will once the child has read it (they need no acknowledgment of their own). */
static void
check_alerts_follow (VeilHealth *self)
{
  ProtectionHealth *alerts = &self->protections[VEIL_PROTECTION_GUARDIAN_ALERTS];

  if (alerts->state != VEIL_HEALTH_STATE_ACTIVE)
    return;
  for (guint p = 0; p < VEIL_N_PROTECTIONS; p++)
    if (p != VEIL_PROTECTION_GUARDIAN_ALERTS &&
        (self->protections[p].state == VEIL_HEALTH_STATE_ACTIVE || self->protections[p].state == VEIL_HEALTH_STATE_WAITING))
      return;
  alerts->state = VEIL_HEALTH_STATE_NOT_WORKING;
  add_problem (self, VEIL_PROTECTION_GUARDIAN_ALERTS, VEIL_HEALTH_PROBLEM_NOTHING_CHECKED,
               g_strdup (_("Neither message warnings nor folder checks are active, so there is nothing to tell you about.")),
               _("Turn one of them on, or make it work again, in the profile’s settings."));
}

static VeilHealth *
health_new (VeilStore   *store,
            VeilProfile *profile)
{
  VeilHealth *self = g_object_new (VEIL_TYPE_HEALTH, NULL);
  Shared shared = { 0 };

  self->profile = veil_profile_ref (profile);
  read_heartbeat (self, store);
  for (guint p = 0; p < VEIL_N_PROTECTIONS; p++)
    check_protection (self, store, p, &shared);
  check_alerts_follow (self);
  return self;
}

static void
check_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  VeilStore *store = task_data;
  VeilProfile *profile = g_object_get_data (G_OBJECT (task), "veil-profile");

  if (g_task_return_error_if_cancelled (task))
    return;
  g_task_return_pointer (task, health_new (store, profile), g_object_unref);
}

static void
check_all_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  VeilStore *store = task_data;
  GPtrArray *profiles = g_object_get_data (G_OBJECT (task), "veil-profiles");
  g_autoptr(GPtrArray) healths = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < profiles->len; i++)
    {
      if (g_task_return_error_if_cancelled (task))
        return;
      g_ptr_array_add (healths, health_new (store, profiles->pdata[i]));
    }
  g_task_return_pointer (task, g_steal_pointer (&healths), (GDestroyNotify) g_ptr_array_unref);
}

/* --- GObject ------------------------------------------------------------------------------- */

static void
veil_health_finalize (GObject *object)
{
  VeilHealth *self = VEIL_HEALTH (object);

  for (guint p = 0; p < VEIL_N_PROTECTIONS; p++)
    g_clear_pointer (&self->protections[p].problems, g_ptr_array_unref);
  g_clear_pointer (&self->profile, veil_profile_unref);
  g_free (self->service_user);

  G_OBJECT_CLASS (veil_health_parent_class)->finalize (object);
}

static void
veil_health_class_init (VeilHealthClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = veil_health_finalize;
}

static void
veil_health_init (VeilHealth *self)
{
  for (guint p = 0; p < VEIL_N_PROTECTIONS; p++)
    self->protections[p].problems = g_ptr_array_new_with_free_func ((GDestroyNotify) veil_health_problem_free);
}

/* --- Public API ---------------------------------------------------------------------------- */

VeilHealthProblem *
veil_health_problem_copy (const VeilHealthProblem *problem)
{
  VeilHealthProblem *copy;

  g_return_val_if_fail (problem != NULL, NULL);

  copy = g_new0 (VeilHealthProblem, 1);
  copy->kind = problem->kind;
  copy->reason = g_strdup (problem->reason);
  copy->action = g_strdup (problem->action);
  return copy;
}

void
veil_health_problem_free (VeilHealthProblem *problem)
{
  if (problem == NULL)
    return;
  g_free (problem->reason);
  g_free (problem->action);
  g_free (problem);
}

/**
 * veil_health_check:
 * @store: where the profile, its consent and the service's heartbeat are kept
 * @profile: the profile to check
 * @cancellable: (nullable): unused; for symmetry with the async variant
 *
 * Checks every protection of @profile now. This touches the filesystem, the store and the
 * model file: use veil_health_check_async() from the main thread.
 *
 * Returns: (transfer full): the health of @profile's protections
 */
VeilHealth *
veil_health_check (VeilStore    *store,
                   VeilProfile  *profile,
                   GCancellable *cancellable)
{
  g_return_val_if_fail (VEIL_IS_STORE (store), NULL);
  g_return_val_if_fail (profile != NULL, NULL);

  return health_new (store, profile);
}

/**
 * veil_health_check_async:
 *
 * Runs veil_health_check() in a worker thread.
 */
void
veil_health_check_async (VeilStore           *store,
                         VeilProfile         *profile,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VEIL_IS_STORE (store));
  g_return_if_fail (profile != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, veil_health_check_async);
  g_task_set_task_data (task, g_object_ref (store), g_object_unref);
  g_object_set_data_full (G_OBJECT (task), "veil-profile", veil_profile_ref (profile),
                          (GDestroyNotify) veil_profile_unref);
  g_task_run_in_thread (task, check_thread);
}

/**
 * veil_health_check_finish:
 *
 * Returns: (transfer full) (nullable): the health, or %NULL when cancelled
 */
VeilHealth *
veil_health_check_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == veil_health_check_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * veil_health_check_all_async:
 * @profiles: (element-type VeilProfile): the profiles to check
 *
 * Runs veil_health_check() for each of @profiles, in one worker thread.
 */
void
veil_health_check_all_async (VeilStore           *store,
                             GPtrArray           *profiles,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GPtrArray *copy;

  g_return_if_fail (VEIL_IS_STORE (store));
  g_return_if_fail (profiles != NULL);

  copy = g_ptr_array_new_full (profiles->len, (GDestroyNotify) veil_profile_unref);
  for (guint i = 0; i < profiles->len; i++)
    g_ptr_array_add (copy, veil_profile_ref (profiles->pdata[i]));
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, veil_health_check_all_async);
  g_task_set_task_data (task, g_object_ref (store), g_object_unref);
  g_object_set_data_full (G_OBJECT (task), "veil-profiles", copy, (GDestroyNotify) g_ptr_array_unref);
  g_task_run_in_thread (task, check_all_thread);
}

/**
 * veil_health_check_all_finish:
 *
 * Returns: (transfer container) (element-type VeilHealth): one health per profile, in the
 *   order given, or %NULL when cancelled
 */
GPtrArray *
veil_health_check_all_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == veil_health_check_all_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * veil_health_get_profile:
 *
 * Returns: (transfer none): the profile checked
 */
VeilProfile *
veil_health_get_profile (VeilHealth *self)
{
  g_return_val_if_fail (VEIL_IS_HEALTH (self), NULL);
  return self->profile;
}

VeilHealthState
veil_health_get_state (VeilHealth     *self,
                       VeilProtection  protection)
{
  g_return_val_if_fail (VEIL_IS_HEALTH (self), VEIL_HEALTH_STATE_OFF);
  g_return_val_if_fail (protection < VEIL_N_PROTECTIONS, VEIL_HEALTH_STATE_OFF);
  return self->protections[protection].state;
}

/**
 * veil_health_get_problems:
 *
 * Problems are listed for protections that are on, acknowledged by the child or not: a
 * guardian can fix them before the child reads the explanation.
 *
 * Returns: (transfer none) (element-type VeilHealthProblem): what stops @protection from
 *   running, empty when nothing does
 */
GPtrArray *
veil_health_get_problems (VeilHealth     *self,
                          VeilProtection  protection)
{
  g_return_val_if_fail (VEIL_IS_HEALTH (self), NULL);
  g_return_val_if_fail (protection < VEIL_N_PROTECTIONS, NULL);
  return self->protections[protection].problems;
}

/**
 * veil_health_get_last_check:
 *
 * Returns: when @protection last checked a picture, in Unix time; 0 for never
 */
gint64
veil_health_get_last_check (VeilHealth     *self,
                            VeilProtection  protection)
{
  g_return_val_if_fail (VEIL_IS_HEALTH (self), 0);
  g_return_val_if_fail (protection < VEIL_N_PROTECTIONS, 0);
  return self->protections[protection].last_check;
}

/**
 * veil_health_get_next_check:
 *
 * Returns: when the background service checks the picture folders next (Unix time; a time
 *   already past means as soon as the computer is idle), or 0 when none is scheduled
 */
gint64
veil_health_get_next_check (VeilHealth *self)
{
  g_return_val_if_fail (VEIL_IS_HEALTH (self), 0);
  return self->next_check;
}

/**
 * veil_health_is_working:
 *
 * Returns: %FALSE when a protection is on, acknowledged and not working
 */
gboolean
veil_health_is_working (VeilHealth *self)
{
  g_return_val_if_fail (VEIL_IS_HEALTH (self), FALSE);

  for (guint p = 0; p < VEIL_N_PROTECTIONS; p++)
    if (self->protections[p].state == VEIL_HEALTH_STATE_NOT_WORKING)
      return FALSE;
  return TRUE;
}

/**
 * veil_health_get_heartbeat:
 *
 * Returns: when the background service last said it runs, in Unix time; 0 for never
 */
gint64
veil_health_get_heartbeat (VeilHealth *self)
{
  g_return_val_if_fail (VEIL_IS_HEALTH (self), 0);
  return self->heartbeat;
}

/**
 * veil_health_service_is_running:
 *
 * Returns: whether the background service's last heartbeat is recent enough
 */
gboolean
veil_health_service_is_running (VeilHealth *self)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_return_val_if_fail (VEIL_IS_HEALTH (self), FALSE);
  return self->heartbeat > 0 &&
         now - self->heartbeat < VEIL_HEALTH_HEARTBEAT_INTERVAL * VEIL_HEALTH_HEARTBEAT_MISSED;
}

/**
 * veil_health_get_service_user:
 *
 * Returns: (nullable): the account the background service last ran in
 */
const char *
veil_health_get_service_user (VeilHealth *self)
{
  g_return_val_if_fail (VEIL_IS_HEALTH (self), NULL);
  return self->service_user;
}

/**
 * veil_health_describe:
 *
 * Returns: (transfer full): one translated line for @protection: "Active", "Off", waiting for
 *   the child, or "Not working: " with the first problem's reason and action
 */
char *
veil_health_describe (VeilHealth     *self,
                      VeilProtection  protection)
{
  VeilHealthProblem *problem;

  g_return_val_if_fail (VEIL_IS_HEALTH (self), NULL);
  g_return_val_if_fail (protection < VEIL_N_PROTECTIONS, NULL);

  switch (self->protections[protection].state)
    {
    case VEIL_HEALTH_STATE_ACTIVE:
      return g_strdup (_("Active"));
    case VEIL_HEALTH_STATE_WAITING:
      return g_strdup (_("On, waiting for the child to read and acknowledge it"));
    case VEIL_HEALTH_STATE_NOT_WORKING:
      problem = self->protections[protection].problems->pdata[0];
      /* Translators: the first %s says what is wrong, the second what fixes it */
      return g_strdup_printf (_("Not working: %s %s"), problem->reason, problem->action);
    case VEIL_HEALTH_STATE_OFF:
    default:
      return g_strdup (_("Off"));
    }
}

/**
 * veil_health_state_to_string:
 *
 * Returns: "off", "waiting", "active" or "not-working", as in `veilctl status --json`
 */
const char *
veil_health_state_to_string (VeilHealthState state)
{
  const char *nick = _veil_enum_get_nick (VEIL_TYPE_HEALTH_STATE, state);

  return nick != NULL ? nick : "off";
}

/**
 * veil_health_problem_kind_to_string:
 *
 * Returns: the problem's name in `veilctl status --json`, such as "not-linked"
 */
const char *
veil_health_problem_kind_to_string (VeilHealthProblemKind kind)
{
  const char *nick = _veil_enum_get_nick (VEIL_TYPE_HEALTH_PROBLEM_KIND, kind);

  return nick != NULL ? nick : "unknown";
}

/**
 * veil_health_record_heartbeat:
 * @user: the account the service runs in
 * @profile_id: the profile it serves, 0 for none
 * @time: Unix time
 *
 * What the background service writes every %VEIL_HEALTH_HEARTBEAT_INTERVAL seconds.
 */
gboolean
veil_health_record_heartbeat (VeilStore   *store,
                              const char  *user,
                              gint64       profile_id,
                              gint64       time,
                              GError     **error)
{
  g_autofree char *value = NULL;

  g_return_val_if_fail (VEIL_IS_STORE (store), FALSE);
  g_return_val_if_fail (user != NULL && strchr (user, ' ') == NULL, FALSE);

  value = g_strdup_printf ("%" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %s", time, profile_id, user);
  return veil_store_set_meta (store, HEARTBEAT_KEY, value, error);
}

/**
 * veil_health_clear_heartbeat:
 *
 * What the service does when it stops: from then on it is reported as not running.
 */
gboolean
veil_health_clear_heartbeat (VeilStore  *store,
                             GError    **error)
{
  g_return_val_if_fail (VEIL_IS_STORE (store), FALSE);
  return veil_store_set_meta (store, HEARTBEAT_KEY, NULL, error);
}
