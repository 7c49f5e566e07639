/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-system-service"

#include "config.h"

#include <pwd.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <polkit/polkit.h>

#include "veil-consent.h"
#include "veil-profile.h"
#include "veil-system-service.h"
#include "veil-system1-dbus.h"

/* VeilSystemService: the io.github.veilapp.VeilSystem1 D-Bus API of veil-system, the
 * service that keeps children's settings out of their own accounts' reach. Every call goes
 * the same way: the bus tells us the caller's uid (never the caller itself), the method's
 * access rule decides whether that uid is the child's own account or whether polkit must
 * authorise a guardian, and only then does the method touch the store. Errors from any layer
 * become D-Bus errors in one place, return_error(). */

struct _VeilSystemService
{
  GObject             parent_instance;

  VeilStore          *store;
  VeilDBusVeilSystem1 *skeleton;
  PolkitAuthority    *authority;   /* nullable until the first guardian call */
  GCancellable       *cancellable; /* cancelled in dispose: pending checks answer nobody */
};

G_DEFINE_FINAL_TYPE (VeilSystemService, veil_system_service, G_TYPE_OBJECT)

static const GDBusErrorEntry error_entries[] = {
  { VEIL_SYSTEM_SERVICE_ERROR_NOT_AUTHORIZED, "io.github.veilapp.VeilSystem1.Error.NotAuthorized" },
  { VEIL_SYSTEM_SERVICE_ERROR_UNKNOWN_ACCOUNT, "io.github.veilapp.VeilSystem1.Error.UnknownAccount" },
  { VEIL_SYSTEM_SERVICE_ERROR_NO_PROFILE, "io.github.veilapp.VeilSystem1.Error.NoProfile" },
  { VEIL_SYSTEM_SERVICE_ERROR_INVALID_SETTINGS, "io.github.veilapp.VeilSystem1.Error.InvalidSettings" },
  { VEIL_SYSTEM_SERVICE_ERROR_NOT_ENABLED, "io.github.veilapp.VeilSystem1.Error.NotEnabled" },
  { VEIL_SYSTEM_SERVICE_ERROR_FAILED, "io.github.veilapp.VeilSystem1.Error.Failed" },
};

/* Registered with its D-Bus names on first use, like the Analyzer's error domain. */
GQuark
veil_system_service_error_quark (void)
{
  static gsize quark = 0;

  g_dbus_error_register_error_domain ("veil-system-service-error-quark", &quark,
                                      error_entries, G_N_ELEMENTS (error_entries));
  return (GQuark) quark;
}

/* --- Who may call what --------------------------------------------------------------------- */

typedef enum {
  ACCESS_GUARDIAN,         /* polkit must authorise the method's action */
  ACCESS_GUARDIAN_OR_OWN,  /* the account named by the first argument, or as ACCESS_GUARDIAN */
  ACCESS_OWN,              /* only the account named by the first argument */
} Access;

typedef struct _Call Call;

typedef GVariant *(*MethodRun) (Call    *call,
                                GError **error);

typedef struct {
  const char *name;
  Access      access;
  const char *action;  /* for ACCESS_GUARDIAN and ACCESS_GUARDIAN_OR_OWN */
  MethodRun   run;
} Method;

struct _Call
{
  VeilSystemService     *self;        /* owned */
  GDBusMethodInvocation *invocation;  /* owned until answered */
  const Method          *method;
  uid_t                  caller_uid;
};

static void
call_free (Call *call)
{
  g_clear_object (&call->self);
  g_clear_object (&call->invocation);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Call, call_free)

/* The one place where errors become what a D-Bus caller receives: our own domain and D-Bus's
 * travel as they are, a bad setting is the caller's to fix, anything else is the store's. */
static void
return_error (Call         *call,
              const GError *error)
{
  GDBusMethodInvocation *invocation = g_steal_pointer (&call->invocation);

  if (error->domain == VEIL_SYSTEM_SERVICE_ERROR || error->domain == G_DBUS_ERROR)
    g_dbus_method_invocation_return_gerror (invocation, error);
  else if (error->domain == VEIL_PROFILE_ERROR)
    g_dbus_method_invocation_return_error_literal (invocation, VEIL_SYSTEM_SERVICE_ERROR,
                                                   VEIL_SYSTEM_SERVICE_ERROR_INVALID_SETTINGS,
                                                   error->message);
  else
    /* Translators: %s says what went wrong with the store */
    g_dbus_method_invocation_return_error (invocation, VEIL_SYSTEM_SERVICE_ERROR,
                                           VEIL_SYSTEM_SERVICE_ERROR_FAILED,
                                           _("Veil’s system service could not use its records: %s"),
                                           error->message);
}

static void
call_run (Call *call)
{
  g_autoptr(GError) error = NULL;
  GVariant *reply;

  reply = call->method->run (call, &error);
  if (reply == NULL)
    return_error (call, error);
  else
    g_dbus_method_invocation_return_value (g_steal_pointer (&call->invocation), reply);
}

/* Looks up a child's account. Root is never a child: its processes are the guardian's. */
static gboolean
lookup_account (const char  *user,
                uid_t       *out_uid,
                GError     **error)
{
  struct passwd pwd, *found = NULL;
  char buffer[4096];

  if (user[0] == '\0' || getpwnam_r (user, &pwd, buffer, sizeof buffer, &found) != 0 || found == NULL)
    {
      g_set_error (error, VEIL_SYSTEM_SERVICE_ERROR, VEIL_SYSTEM_SERVICE_ERROR_UNKNOWN_ACCOUNT,
                   /* Translators: %s is a Unix account name */
                   _("There is no account “%s” on this computer. Give the login name of the child’s account."),
                   user);
      return FALSE;
    }
  if (found->pw_uid == 0)
    {
      g_set_error_literal (error, VEIL_SYSTEM_SERVICE_ERROR, VEIL_SYSTEM_SERVICE_ERROR_UNKNOWN_ACCOUNT,
                           _("The administrator account cannot have a child’s profile. Give the login "
                             "name of the child’s account."));
      return FALSE;
    }
  *out_uid = found->pw_uid;
  return TRUE;
}

static const char *
call_get_user (Call *call)
{
  const char *user = NULL;

  g_variant_get_child (g_dbus_method_invocation_get_parameters (call->invocation), 0, "&s", &user);
  return user;
}

static gboolean
allows_interaction (Call *call)
{
  GDBusMessage *message = g_dbus_method_invocation_get_message (call->invocation);

  return (g_dbus_message_get_flags (message) & G_DBUS_MESSAGE_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION) != 0;
}

static void
return_not_authorized (Call *call)
{
  g_autoptr(GError) error = NULL;

  if (call->method->access == ACCESS_OWN)
    /* Translators: %s is the child's account name */
    error = g_error_new (VEIL_SYSTEM_SERVICE_ERROR, VEIL_SYSTEM_SERVICE_ERROR_NOT_AUTHORIZED,
                         _("Only the account “%s” can do this for its own profile. Log in as that account."),
                         call_get_user (call));
  else if (allows_interaction (call))
    error = g_error_new_literal (VEIL_SYSTEM_SERVICE_ERROR, VEIL_SYSTEM_SERVICE_ERROR_NOT_AUTHORIZED,
                                 _("Changing or viewing a child’s Veil settings needs an administrator of this "
                                   "computer, and no administrator’s password was given. Ask an administrator "
                                   "to enter theirs."));
  else
    error = g_error_new_literal (VEIL_SYSTEM_SERVICE_ERROR, VEIL_SYSTEM_SERVICE_ERROR_NOT_AUTHORIZED,
                                 _("Changing or viewing a child’s Veil settings needs an administrator of this "
                                   "computer. Ask an administrator to enter their password, or call again "
                                   "allowing interactive authorization."));
  return_error (call, error);
}

static void
check_authorization_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(PolkitAuthorizationResult) answer = NULL;
  g_autoptr(GError) error = NULL;

  answer = polkit_authority_check_authorization_finish (POLKIT_AUTHORITY (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (answer == NULL)
    {
      g_warning ("polkit could not check %s: %s", call->method->action, error->message);
      return_not_authorized (call);
      return;
    }
  if (!polkit_authorization_result_get_is_authorized (answer))
    {
      return_not_authorized (call);
      return;
    }
  call_run (call);
}

/* Asks polkit about the caller's bus name, so that polkit reads the caller's credentials
 * from the bus itself; user interaction only when the caller's message allows it. */
static void
check_with_authority (Call *call)
{
  const char *sender = g_dbus_method_invocation_get_sender (call->invocation);
  g_autoptr(PolkitSubject) subject = polkit_system_bus_name_new (sender);
  PolkitCheckAuthorizationFlags flags = POLKIT_CHECK_AUTHORIZATION_FLAGS_NONE;
  VeilSystemService *self = call->self;

  if (allows_interaction (call))
    flags |= POLKIT_CHECK_AUTHORIZATION_FLAGS_ALLOW_USER_INTERACTION;

  polkit_authority_check_authorization (self->authority, subject, call->method->action, NULL, flags,
                                        self->cancellable, check_authorization_cb, call);
}

static void
get_authority_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(GError) error = NULL;
  PolkitAuthority *authority;

  authority = polkit_authority_get_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (authority == NULL)
    {
      g_warning ("polkit is not available: %s", error->message);
      return_not_authorized (call);
      return;
    }
  if (call->self->authority == NULL)
    call->self->authority = authority;
  else
    g_object_unref (authority);
  check_with_authority (g_steal_pointer (&call));
}

static void
authorize_guardian (Call *call)
{
  VeilSystemService *self = call->self;

  if (self->authority != NULL)
    check_with_authority (call);
  else
    polkit_authority_get_async (self->cancellable, get_authority_cb, call);
}

static void
caller_uid_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(Call) call = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  uid_t account_uid = 0;
  guint32 uid;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (reply == NULL)
    {
      /* Without credentials nobody is anybody: refuse rather than guess. */
      g_warning ("The bus did not say who called %s: %s", call->method->name, error->message);
      return_not_authorized (call);
      return;
    }
  g_variant_get (reply, "(u)", &uid);
  call->caller_uid = (uid_t) uid;

  if (call->method->access != ACCESS_GUARDIAN)
    {
      if (!lookup_account (call_get_user (call), &account_uid, &error))
        {
          return_error (call, error);
          return;
        }
      if (account_uid == call->caller_uid)
        {
          call_run (call);
          return;
        }
      if (call->method->access == ACCESS_OWN)
        {
          return_not_authorized (call);
          return;
        }
    }
  authorize_guardian (g_steal_pointer (&call));
}

static void
call_start (VeilSystemService     *self,
            GDBusMethodInvocation *invocation,
            const Method          *method)
{
  Call *call = g_new0 (Call, 1);

  call->self = g_object_ref (self);
  call->invocation = g_object_ref (invocation);
  call->method = method;

  g_dbus_connection_call (g_dbus_method_invocation_get_connection (invocation),
                          "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                          "GetConnectionUnixUser",
                          g_variant_new ("(s)", g_dbus_method_invocation_get_sender (invocation)),
                          G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1,
                          self->cancellable, caller_uid_cb, call);
}

/* --- The methods, once the caller may call them ------------------------------------------- */

/* Returns: (transfer full): the profile linked to @user, or %NULL with .NoProfile */
static VeilProfile *
find_profile (VeilStore   *store,
              const char  *user,
              GError     **error)
{
  g_autoptr(GPtrArray) profiles = veil_store_list_profiles (store, error);

  if (profiles == NULL)
    return NULL;
  for (guint i = 0; i < profiles->len; i++)
    {
      VeilProfile *profile = g_ptr_array_index (profiles, i);

      if (g_strcmp0 (veil_profile_get_unix_user (profile), user) == 0)
        return veil_profile_ref (profile);
    }

  g_set_error (error, VEIL_SYSTEM_SERVICE_ERROR, VEIL_SYSTEM_SERVICE_ERROR_NO_PROFILE,
               /* Translators: %s is a Unix account name */
               _("No Veil profile is linked to the account “%s”. An administrator sets one up first."),
               user);
  return NULL;
}

static char *
describe_caller (Call *call)
{
  struct passwd pwd, *found = NULL;
  char buffer[4096];

  if (getpwuid_r (call->caller_uid, &pwd, buffer, sizeof buffer, &found) == 0 && found != NULL)
    return g_strdup_printf ("%s (uid %u)", found->pw_name, (guint) call->caller_uid);
  return g_strdup_printf ("uid %u", (guint) call->caller_uid);
}

static GVariant *
list_profiles (Call    *call,
               GError **error)
{
  g_autoptr(GPtrArray) profiles = veil_store_list_profiles (call->self->store, error);
  GVariantBuilder builder;

  if (profiles == NULL)
    return NULL;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(ssu)"));
  for (guint i = 0; i < profiles->len; i++)
    {
      VeilProfile *profile = g_ptr_array_index (profiles, i);
      const char *user = veil_profile_get_unix_user (profile);

      g_variant_builder_add (&builder, "(ssu)", user != NULL ? user : "",
                             veil_profile_get_name (profile), veil_profile_get_version (profile));
    }
  return g_variant_new ("(a(ssu))", &builder);
}

static GVariant *
get_profile (Call    *call,
             GError **error)
{
  g_autoptr(VeilProfile) profile = find_profile (call->self->store, call_get_user (call), error);
  g_autofree char *json = NULL;

  if (profile == NULL)
    return NULL;
  json = veil_profile_to_json (profile);
  return g_variant_new ("(s)", json);
}

static int
compare_keys (gconstpointer a,
              gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static gboolean
apply_settings (VeilProfileBuilder  *builder,
                GVariant            *settings,
                GError             **error)
{
  gsize n = g_variant_n_children (settings);
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (gsize i = 0; i < n; i++)
    {
      char *key, *value;

      g_variant_get_child (settings, i, "{ss}", &key, &value);
      g_ptr_array_add (keys, g_strdup (key));
      g_hash_table_replace (values, key, value);
    }
  /* Key order, so that the same dictionary always gives the same profile. */
  g_ptr_array_sort (keys, compare_keys);

  for (guint i = 0; i < keys->len; i++)
    {
      const char *key = g_ptr_array_index (keys, i);

      if (g_str_equal (key, "unix-user"))
        {
          g_set_error_literal (error, VEIL_SYSTEM_SERVICE_ERROR, VEIL_SYSTEM_SERVICE_ERROR_INVALID_SETTINGS,
                               _("A profile’s account is the account it was set up for. Leave out “unix-user”."));
          return FALSE;
        }
      if (!veil_profile_builder_set_from_string (builder, key, g_hash_table_lookup (values, key), error))
        return FALSE;
    }
  return TRUE;
}

static GVariant *
set_profile (Call    *call,
             GError **error)
{
  VeilStore *store = call->self->store;
  const char *user = call_get_user (call);
  GVariant *parameters = g_dbus_method_invocation_get_parameters (call->invocation);
  g_autoptr(GVariant) settings = g_variant_get_child_value (parameters, 1);
  g_autoptr(VeilProfile) current = NULL;
  g_autoptr(VeilProfileBuilder) builder = NULL;
  g_autoptr(VeilProfile) draft = NULL;
  g_autoptr(VeilProfile) saved = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *who = NULL;
  uid_t uid;

  if (!lookup_account (user, &uid, error))
    return NULL;

  current = find_profile (store, user, &local_error);
  if (current != NULL)
    builder = veil_profile_builder_new_from_profile (current);
  else if (g_error_matches (local_error, VEIL_SYSTEM_SERVICE_ERROR, VEIL_SYSTEM_SERVICE_ERROR_NO_PROFILE))
    builder = veil_profile_builder_new (user);
  else
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  veil_profile_builder_set_unix_user (builder, user);

  if (!apply_settings (builder, settings, error))
    return NULL;
  draft = veil_profile_builder_build (builder, error);
  if (draft == NULL)
    return NULL;
  saved = veil_store_save_profile (store, draft, VEIL_ACTOR_GUARDIAN, error);
  if (saved == NULL)
    return NULL;

  /* The guardian is a person with an account here: the audit names who changed what. */
  who = describe_caller (call);
  if (!veil_store_add_audit (store, veil_profile_get_id (saved), VEIL_ACTOR_GUARDIAN, "changed-by", who, error))
    return NULL;

  return g_variant_new ("(u)", veil_profile_get_version (saved));
}

static GVariant *
acknowledge_protection (Call    *call,
                        GError **error)
{
  const char *user, *name;
  guint32 text_version;
  VeilProtection protection;
  g_autoptr(VeilProfile) profile = NULL;

  g_variant_get (g_dbus_method_invocation_get_parameters (call->invocation), "(&s&su)", &user, &name, &text_version);
  if (!veil_protection_from_string (name, &protection))
    {
      g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                   /* Translators: %s is what the caller passed as a protection's name */
                   _("“%s” is not a protection. Use message-warnings, library-scan or guardian-alerts."), name);
      return NULL;
    }
  profile = find_profile (call->self->store, user, error);
  if (profile == NULL)
    return NULL;
  if (!veil_profile_get_protection_enabled (profile, protection))
    {
      g_set_error (error, VEIL_SYSTEM_SERVICE_ERROR, VEIL_SYSTEM_SERVICE_ERROR_NOT_ENABLED,
                   /* Translators: %s is a protection's title */
                   _("“%s” is not turned on, so there is nothing to acknowledge. Ask your guardian about it."),
                   veil_protection_get_title (protection));
      return NULL;
    }
  if (text_version != veil_protection_get_text_version (protection))
    {
      g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                   /* Translators: both are version numbers of an explanation */
                   _("The explanation read was version %u but the current one is version %u. Show the "
                     "current explanation and ask again."),
                   (guint) text_version, veil_protection_get_text_version (protection));
      return NULL;
    }
  if (!veil_store_acknowledge (call->self->store, profile, protection, text_version, error))
    return NULL;
  return g_variant_new ("()");
}

/* Who may call each method, and what it does once they may. */
static const Method list_profiles_method =
  { "ListProfiles", ACCESS_GUARDIAN, VEIL_SYSTEM_ACTION_MANAGE_PROFILES, list_profiles };
static const Method get_profile_method =
  { "GetProfile", ACCESS_GUARDIAN_OR_OWN, VEIL_SYSTEM_ACTION_MANAGE_PROFILES, get_profile };
static const Method set_profile_method =
  { "SetProfile", ACCESS_GUARDIAN, VEIL_SYSTEM_ACTION_MANAGE_PROFILES, set_profile };
static const Method acknowledge_protection_method =
  { "AcknowledgeProtection", ACCESS_OWN, NULL, acknowledge_protection };

/* The generated handlers differ only in their arguments, which the skeleton has already
 * type-checked and the methods read from the invocation; each one just starts its call. */
static gboolean
handle_list_profiles_cb (VeilDBusVeilSystem1   *skeleton,
                         GDBusMethodInvocation *invocation,
                         VeilSystemService     *self)
{
  call_start (self, invocation, &list_profiles_method);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_get_profile_cb (VeilDBusVeilSystem1   *skeleton,
                       GDBusMethodInvocation *invocation,
                       const char            *user,
                       VeilSystemService     *self)
{
  call_start (self, invocation, &get_profile_method);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_set_profile_cb (VeilDBusVeilSystem1   *skeleton,
                       GDBusMethodInvocation *invocation,
                       const char            *user,
                       GVariant              *settings,
                       VeilSystemService     *self)
{
  call_start (self, invocation, &set_profile_method);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_acknowledge_protection_cb (VeilDBusVeilSystem1   *skeleton,
                                  GDBusMethodInvocation *invocation,
                                  const char            *user,
                                  const char            *protection,
                                  guint                  text_version,
                                  VeilSystemService     *self)
{
  call_start (self, invocation, &acknowledge_protection_method);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* --- Object -------------------------------------------------------------------------------- */

static void
veil_system_service_dispose (GObject *object)
{
  VeilSystemService *self = VEIL_SYSTEM_SERVICE (object);

  g_cancellable_cancel (self->cancellable);
  veil_system_service_unexport (self);
  g_clear_object (&self->skeleton);
  g_clear_object (&self->authority);

  G_OBJECT_CLASS (veil_system_service_parent_class)->dispose (object);
}

static void
veil_system_service_finalize (GObject *object)
{
  VeilSystemService *self = VEIL_SYSTEM_SERVICE (object);

  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (veil_system_service_parent_class)->finalize (object);
}

static void
veil_system_service_class_init (VeilSystemServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = veil_system_service_dispose;
  object_class->finalize = veil_system_service_finalize;

  /* Registers the D-Bus error names before the first call can fail. */
  veil_system_service_error_quark ();
}

static void
veil_system_service_init (VeilSystemService *self)
{
  self->cancellable = g_cancellable_new ();
  self->skeleton = veil_dbus_veil_system1_skeleton_new ();
  g_signal_connect (self->skeleton, "handle-list-profiles", G_CALLBACK (handle_list_profiles_cb), self);
  g_signal_connect (self->skeleton, "handle-get-profile", G_CALLBACK (handle_get_profile_cb), self);
  g_signal_connect (self->skeleton, "handle-set-profile", G_CALLBACK (handle_set_profile_cb), self);
  g_signal_connect (self->skeleton, "handle-acknowledge-protection",
                    G_CALLBACK (handle_acknowledge_protection_cb), self);
}

/**
 * veil_system_service_new:
 * @store: the root-owned store (see veil_system_open_store())
 *
 * Returns: (transfer full): the service, not yet on any bus
 */
VeilSystemService *
veil_system_service_new (VeilStore *store)
{
  VeilSystemService *self;

  g_return_val_if_fail (VEIL_IS_STORE (store), NULL);

  self = g_object_new (VEIL_TYPE_SYSTEM_SERVICE, NULL);
  self->store = g_object_ref (store);
  return self;
}

VeilStore *
veil_system_service_get_store (VeilSystemService *self)
{
  g_return_val_if_fail (VEIL_IS_SYSTEM_SERVICE (self), NULL);
  return self->store;
}

gboolean
veil_system_service_export (VeilSystemService  *self,
                            GDBusConnection    *connection,
                            GError            **error)
{
  g_return_val_if_fail (VEIL_IS_SYSTEM_SERVICE (self), FALSE);
  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), FALSE);

  return g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (self->skeleton), connection,
                                           VEIL_SYSTEM_OBJECT_PATH, error);
}

void
veil_system_service_unexport (VeilSystemService *self)
{
  g_return_if_fail (VEIL_IS_SYSTEM_SERVICE (self));

  if (self->skeleton != NULL &&
      g_dbus_interface_skeleton_get_connection (G_DBUS_INTERFACE_SKELETON (self->skeleton)) != NULL)
    g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (self->skeleton));
}
