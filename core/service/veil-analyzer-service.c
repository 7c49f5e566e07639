/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-analyzer-service"

#include "config.h"

#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <gio/gunixfdlist.h>

#include "veil-analyzer-service.h"
#include "veil-analyzer1-dbus.h"
#include "veil-held-skeleton-private.h"
#include "veil-classifier-result.h"
#include "veil-enum-private.h"
#include "veil-health.h"
#include "veil-store.h"
#include "veil-verdict.h"

/* VeilAnalyzerService: the io.github.veilapp.Veil.Analyzer1 D-Bus API. Messaging apps and
 * file managers hand Veil a picture they have open (an fd, never a path: the service must not
 * tell any caller about files only the service can read) and get back whether to blur it and
 * why. A picture Veil could not check is an answer of its own, never a harmless-looking
 * error. Each caller has a bounded share of the queue. It answers only while the message
 * warnings protection is active for the profile linked to this account (enabled by a guardian
 * and acknowledged by the child); otherwise it refuses with .Disabled, so nothing is ever
 * checked without consent. Each analysis runs in a worker thread; the main loop only parses
 * the call and sends the answer. Answers carry figures and names, never pixel data (no
 * thumbnail, no heatmap). */

struct _VeilAnalyzerService
{
  GObject             parent_instance;

  /* Owned */
  VeilAnalyzer       *analyzer;
  VeilStore          *store;       /* nullable until the application opened it */
  char               *user;        /* the Unix account whose linked profile applies */
  VeilDBusAnalyzer1  *skeleton;
  GCancellable       *cancellable; /* cancelled in dispose: running analyses stop early */

  /* State, main thread only */
  VeilProfile        *profile;     /* the linked profile, nullable */
  VeilAnalyzerPolicy  policy;
  VeilImageLimits     limits;
  guint               heartbeat_id; /* while a store is set */
  GHashTable         *per_caller;  /* unique name -> calls waiting or running (GUINT) */
};

G_DEFINE_FINAL_TYPE (VeilAnalyzerService, veil_analyzer_service, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ANALYZER,
  PROP_STORE,
  PROP_USER,
  PROP_POLICY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const GDBusErrorEntry error_entries[] = {
  { VEIL_ANALYZER_SERVICE_ERROR_NOT_AN_IMAGE, "io.github.veilapp.Veil.Error.NotAnImage" },
  { VEIL_ANALYZER_SERVICE_ERROR_TOO_LARGE, "io.github.veilapp.Veil.Error.TooLarge" },
  { VEIL_ANALYZER_SERVICE_ERROR_UNREADABLE, "io.github.veilapp.Veil.Error.Unreadable" },
  { VEIL_ANALYZER_SERVICE_ERROR_DISABLED, "io.github.veilapp.Veil.Error.Disabled" },
  { VEIL_ANALYZER_SERVICE_ERROR_FAILED, "io.github.veilapp.Veil.Error.Failed" },
  { VEIL_ANALYZER_SERVICE_ERROR_BUSY, "io.github.veilapp.Veil.Error.Busy" },
};

/* Not G_DEFINE_QUARK: the domain is registered with its D-Bus names on first use, so errors
 * travel as io.github.veilapp.Veil.Error.* and come back as this domain in GDBus clients. */
GQuark
veil_analyzer_service_error_quark (void)
{
  static gsize quark = 0;

  g_dbus_error_register_error_domain ("veil-analyzer-service-error-quark", &quark,
                                      error_entries, G_N_ELEMENTS (error_entries));
  return (GQuark) quark;
}

/* --- One analysis, in a worker thread ------------------------------------------------------ */

typedef struct {
  char                  *path;     /* always NULL: the public API takes descriptors only */
  int                    fd;       /* AnalyzeFile (owned), or -1 */
  char                  *caller;   /* the caller's unique name, counted in per_caller */
  VeilProfile           *profile;  /* owned, nullable */
  VeilAnalyzerPolicy     policy;
  VeilImageLimits        limits;
  GDBusMethodInvocation *invocation;  /* owned until the answer is sent */
} Request;

static void
request_free (Request *request)
{
  g_free (request->path);
  g_free (request->caller);
  if (request->fd >= 0)
    close (request->fd);
  g_clear_pointer (&request->profile, veil_profile_unref);
  g_clear_object (&request->invocation);
  g_free (request);
}

/* Turns a decoding or analysis failure into one of the errors callers act on. A picture that
 * is too large, too slow or damaged keeps its own error: analyze_done_cb() answers it as a
 * picture Veil could not check. */
static GError *
translate_error (const GError *error)
{
  if (error->domain == VEIL_IMAGE_ERROR)
    {
      switch ((VeilImageError) error->code)
        {
        case VEIL_IMAGE_ERROR_FILE_TOO_LARGE:
        case VEIL_IMAGE_ERROR_TOO_MANY_PIXELS:
        case VEIL_IMAGE_ERROR_TIMEOUT:
        case VEIL_IMAGE_ERROR_CORRUPT:
        case VEIL_IMAGE_ERROR_UNSUPPORTED:
          return g_error_copy (error);
        case VEIL_IMAGE_ERROR_NOT_FOUND:
        case VEIL_IMAGE_ERROR_UNREADABLE:
        case VEIL_IMAGE_ERROR_NOT_A_FILE:
          /* Translators: %s says what went wrong when reading */
          return g_error_new (VEIL_ANALYZER_SERVICE_ERROR, VEIL_ANALYZER_SERVICE_ERROR_UNREADABLE,
                              _("Veil could not read this file: %s Pass a regular file that is open for "
                                "reading."), error->message);
        case VEIL_IMAGE_ERROR_NOT_AN_IMAGE:
        case VEIL_IMAGE_ERROR_TOO_SMALL:
        case VEIL_IMAGE_ERROR_EMPTY:
        default:
          /* Translators: %s says why the file could not be decoded */
          return g_error_new (VEIL_ANALYZER_SERVICE_ERROR, VEIL_ANALYZER_SERVICE_ERROR_NOT_AN_IMAGE,
                              _("This file is not a picture Veil can check: %s"), error->message);
        }
    }
  /* The worker's queue for API callers is full: the caller asks again later. */
  if (g_error_matches (error, VEIL_WORKER_ERROR, VEIL_WORKER_ERROR_BUSY))
    return g_error_new_literal (VEIL_ANALYZER_SERVICE_ERROR, VEIL_ANALYZER_SERVICE_ERROR_BUSY, error->message);
  /* The worker overran, died or has no model: answered as "not checked". */
  if (error->domain == VEIL_WORKER_ERROR)
    return g_error_copy (error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_new_literal (VEIL_ANALYZER_SERVICE_ERROR, VEIL_ANALYZER_SERVICE_ERROR_FAILED,
                                _("Veil stopped before it finished checking this picture. Try again."));
  /* Translators: %s is the reason the on-device analysis failed */
  return g_error_new (VEIL_ANALYZER_SERVICE_ERROR, VEIL_ANALYZER_SERVICE_ERROR_FAILED,
                      _("Veil could not check this picture: %s Try again; if it keeps failing, "
                        "reinstall Veil."), error->message);
}

static GVariant *
reason_to_variant (VeilReason *reason)
{
  g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (NULL);
  g_autofree char *description = veil_reason_describe (reason);
  const char *value;

  g_variant_dict_insert (&dict, "signal", "s", veil_signal_to_string (veil_reason_get_signal (reason)));
  g_variant_dict_insert (&dict, "figure", "d", veil_reason_get_figure (reason));
  g_variant_dict_insert (&dict, "threshold", "d", veil_reason_get_threshold (reason));
  if ((value = veil_reason_get_source_name (reason)) != NULL)
    g_variant_dict_insert (&dict, "source", "s", value);
  if ((value = veil_reason_get_source_version (reason)) != NULL)
    g_variant_dict_insert (&dict, "source-version", "s", value);
  if ((value = veil_reason_get_source_detail (reason)) != NULL)
    g_variant_dict_insert (&dict, "source-detail", "s", value);
  if ((value = veil_reason_get_class_name (reason)) != NULL)
    g_variant_dict_insert (&dict, "class", "s", value);
  g_variant_dict_insert (&dict, "description", "s", description);
  /* The heatmap is left out on purpose: it is a coarse picture of where the model looked. */
  return g_variant_dict_end (&dict);
}

static GVariant *
build_reply (Request              *request,
             VeilVerdict          *verdict,
             VeilClassifierResult *scores,
             const char           *sha256)
{
  g_auto(GVariantDict) details = G_VARIANT_DICT_INIT (NULL);
  g_auto(GVariantBuilder) reasons = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("aa{sv}"));
  const VeilPdqHash *hash = veil_verdict_get_hash (verdict);
  gboolean checked = !veil_verdict_get_unchecked (verdict);
  gboolean sensitive = veil_verdict_get_sensitive (verdict);

  /* Could not check: blurred under the profile's "blur" rule, and said so, never "harmless". */
  if (!checked)
    {
      g_variant_dict_insert (&details, "unchecked-cause", "s",
                             _veil_enum_get_nick (VEIL_TYPE_UNCHECKED_CAUSE, veil_verdict_get_unchecked_cause (verdict)));
      if (request->profile == NULL ||
          veil_profile_get_effective_unchecked_rule (request->profile) == VEIL_UNCHECKED_RULE_BLUR)
        sensitive = TRUE;
    }
  g_variant_dict_insert (&details, "checked", "b", checked);

  for (guint i = 0; i < veil_verdict_get_n_reasons (verdict); i++)
    g_variant_builder_add_value (&reasons, reason_to_variant (veil_verdict_get_reason (verdict, i)));
  g_variant_dict_insert_value (&details, "reasons", g_variant_builder_end (&reasons));
  g_variant_dict_insert (&details, "policy", "s", veil_analyzer_policy_to_string (request->policy));
  g_variant_dict_insert (&details, "suppressed", "b", veil_verdict_get_suppressed (verdict));
  /* Under the standard level when there is no profile, as the verdict was made. */
  g_variant_dict_insert (&details, "second-opinion", "b",
                         request->profile == NULL || veil_profile_get_second_opinion (request->profile));
  if (scores != NULL)
    {
      g_auto(GVariantDict) model = G_VARIANT_DICT_INIT (NULL);

      const char *name = veil_classifier_result_get_model_name (scores);
      const char *version = veil_classifier_result_get_model_version (scores);
      const char *model_sha256 = veil_classifier_result_get_model_sha256 (scores);

      g_variant_dict_insert (&model, "name", "s", name != NULL ? name : "");
      g_variant_dict_insert (&model, "version", "s", version != NULL ? version : "");
      g_variant_dict_insert (&model, "sha256", "s", model_sha256 != NULL ? model_sha256 : "");
      g_variant_dict_insert_value (&details, "model", g_variant_dict_end (&model));
    }
  if (hash != NULL)
    {
      char hex[VEIL_PDQ_HEX_LENGTH + 1];

      veil_pdq_hash_to_hex (hash, hex);
      g_variant_dict_insert (&details, "pdq", "s", hex);
      g_variant_dict_insert (&details, "pdq-quality", "u", veil_verdict_get_hash_quality (verdict));
    }
  /* The worker's checksum, read through the descriptor; none for a picture not checked. */
  if (checked && sha256 != NULL)
    g_variant_dict_insert (&details, "sha256", "s", sha256);

  return g_variant_new ("(b@a{sv})", sensitive, g_variant_dict_end (&details));
}

static void
analyze_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  VeilAnalyzerService *self = source_object;
  Request *request = task_data;
  g_autoptr(VeilVerdict) verdict = NULL;
  g_autoptr(VeilClassifierResult) scores = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *name = request->path != NULL ? g_filename_display_name (request->path)
                                                : g_strdup_printf (_("file descriptor %d"), request->fd);
  int fd = request->fd;

  /* The service never decodes: a worker reads the file through a descriptor, every frame of
   * an animation and the checksum too. A path is opened here as any file Veil reads. */
  if (request->path != NULL)
    fd = veil_analyzer_open_file (self->analyzer, request->path, &error);
  if (fd >= 0)
    verdict = veil_analyzer_analyze_fd (self->analyzer, fd, name, VEIL_WORKER_LANE_API, request->profile,
                                        &scores, NULL, &sha256, cancellable, &error);
  if (request->path != NULL && fd >= 0)
    close (fd);

  if (verdict == NULL)
    g_task_return_error (task, translate_error (error));
  else
    g_task_return_pointer (task, g_variant_ref_sink (build_reply (request, verdict, scores, sha256)),
                           (GDestroyNotify) g_variant_unref);
}

static void
analyze_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  VeilAnalyzerService *self = VEIL_ANALYZER_SERVICE (source);
  Request *request = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_task_propagate_pointer (G_TASK (result), &error);
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (self->per_caller, request->caller));

  if (n > 1)
    g_hash_table_insert (self->per_caller, g_strdup (request->caller), GUINT_TO_POINTER (n - 1));
  else
    g_hash_table_remove (self->per_caller, request->caller);

  /* Too large, too slow or damaged, or the analysis worker stopped or has no model: the
   * answer is "not checked", with its cause. */
  if (reply == NULL && (error->domain == VEIL_IMAGE_ERROR || error->domain == VEIL_WORKER_ERROR))
    {
      g_autoptr(VeilVerdict) unchecked = veil_verdict_new_unchecked_for_error (error);

      if (unchecked != NULL)
        reply = g_variant_ref_sink (build_reply (request, unchecked, NULL, NULL));
      else
        {
          GError *translated = translate_error (error);

          g_clear_error (&error);
          error = translated;
        }
    }

  /* Each return_* call takes over the invocation's reference. */
  if (reply == NULL)
    g_dbus_method_invocation_return_gerror (g_steal_pointer (&request->invocation), error);
  else
    g_dbus_method_invocation_return_value (g_steal_pointer (&request->invocation), reply);
}

/* Starts @request, or answers .Disabled at once when no protection is active. */
static void
start_request (VeilAnalyzerService *self,
               Request             *request)
{
  g_autoptr(GTask) task = NULL;
  guint n_waiting;

  if (self->policy == VEIL_ANALYZER_POLICY_DISABLED)
    {
      g_dbus_method_invocation_return_error_literal (g_steal_pointer (&request->invocation),
                                                     VEIL_ANALYZER_SERVICE_ERROR,
                                                     VEIL_ANALYZER_SERVICE_ERROR_DISABLED,
                                                     _("No protection is active for this account, so Veil "
                                                       "checks nothing. A guardian can turn on message "
                                                       "warnings in Veil, and the child is asked first."));
      request_free (request);
      return;
    }

  /* One caller at a time gets only so many places in the queue; the others keep theirs. */
  request->caller = g_strdup (g_dbus_method_invocation_get_sender (request->invocation));
  if (request->caller == NULL)
    request->caller = g_strdup ("");
  n_waiting = GPOINTER_TO_UINT (g_hash_table_lookup (self->per_caller, request->caller));
  if (n_waiting >= VEIL_ANALYZER_SERVICE_MAX_PER_CALLER)
    {
      g_dbus_method_invocation_return_error (g_steal_pointer (&request->invocation),
                                             VEIL_ANALYZER_SERVICE_ERROR, VEIL_ANALYZER_SERVICE_ERROR_BUSY,
                                             ngettext ("Veil is still checking %u picture for this app. Wait "
                                                       "for its answer, then ask again.",
                                                       "Veil is still checking %u pictures for this app. Wait "
                                                       "for their answers, then ask again.", n_waiting),
                                             n_waiting);
      request_free (request);
      return;
    }
  g_hash_table_insert (self->per_caller, g_strdup (request->caller), GUINT_TO_POINTER (n_waiting + 1));

  request->profile = self->profile != NULL ? veil_profile_ref (self->profile) : NULL;
  request->policy = self->policy;
  request->limits = self->limits;

  task = g_task_new (self, self->cancellable, analyze_done_cb, NULL);
  g_task_set_source_tag (task, start_request);
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);
  g_task_run_in_thread (task, analyze_thread);
}

static gboolean
handle_analyze_file_cb (VeilDBusAnalyzer1     *skeleton,
                        GDBusMethodInvocation *invocation,
                        GVariant              *handle,
                        gpointer               user_data)
{
  VeilAnalyzerService *self = user_data;
  GUnixFDList *fd_list = g_dbus_message_get_unix_fd_list (g_dbus_method_invocation_get_message (invocation));
  gint32 index = g_variant_get_handle (handle);
  g_autoptr(GError) error = NULL;
  Request *request;
  int fd = -1;

  if (fd_list != NULL && index >= 0 && index < g_unix_fd_list_get_length (fd_list))
    fd = g_unix_fd_list_get (fd_list, index, &error);
  if (fd < 0)
    {
      g_dbus_method_invocation_return_error (invocation, VEIL_ANALYZER_SERVICE_ERROR,
                                             VEIL_ANALYZER_SERVICE_ERROR_UNREADABLE,
                                             _("No file descriptor came with the call (%s). Pass the "
                                               "picture’s descriptor in the message’s fd list."),
                                             error != NULL ? error->message : _("the handle points past the list"));
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  request = g_new0 (Request, 1);
  request->fd = fd;
  request->invocation = invocation;  /* the handler's reference */
  start_request (self, request);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* --- Policy ------------------------------------------------------------------------------ */

static void
set_policy (VeilAnalyzerService *self,
            VeilAnalyzerPolicy   policy)
{
  const char *text = veil_analyzer_policy_to_string (policy);

  if (self->policy == policy)
    return;
  self->policy = policy;
  /* The property change goes out as PropertiesChanged; the signal is for simple callers. */
  veil_dbus_analyzer1_set_policy (self->skeleton, text);
  g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (self->skeleton));
  veil_dbus_analyzer1_emit_policy_changed (self->skeleton, text);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POLICY]);
}

/* --- Heartbeat ------------------------------------------------------------------------------ */

/* Tells VeilHealth, in the store, that the service runs, in which account and for which
 * profile; a heartbeat older than a few intervals means it stopped. */
static gboolean
heartbeat_cb (gpointer user_data)
{
  VeilAnalyzerService *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!veil_health_record_heartbeat (self->store, self->user,
                                     self->profile != NULL ? veil_profile_get_id (self->profile) : 0,
                                     g_get_real_time () / G_USEC_PER_SEC, &error))
    g_debug ("Could not record the heartbeat: %s", error->message);
  return G_SOURCE_CONTINUE;
}

/* Beats now and every interval while a store is set; stopping clears the heartbeat. */
static void
update_heartbeat (VeilAnalyzerService *self,
                  VeilStore           *old_store)
{
  if (old_store != NULL && self->heartbeat_id != 0 && old_store != self->store)
    veil_health_clear_heartbeat (old_store, NULL);
  if (self->store == NULL)
    {
      g_clear_handle_id (&self->heartbeat_id, g_source_remove);
      return;
    }
  heartbeat_cb (self);
  if (self->heartbeat_id == 0)
    self->heartbeat_id = g_timeout_add_seconds (VEIL_HEALTH_HEARTBEAT_INTERVAL, heartbeat_cb, self);
}

/* --- GObject ----------------------------------------------------------------------------- */

static void
veil_analyzer_service_dispose (GObject *object)
{
  VeilAnalyzerService *self = VEIL_ANALYZER_SERVICE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->heartbeat_id != 0 && self->store != NULL)
    veil_health_clear_heartbeat (self->store, NULL);
  g_clear_handle_id (&self->heartbeat_id, g_source_remove);
  veil_analyzer_service_unexport (self);
  g_clear_object (&self->skeleton);
  g_clear_object (&self->analyzer);
  g_clear_object (&self->store);
  g_clear_pointer (&self->profile, veil_profile_unref);

  G_OBJECT_CLASS (veil_analyzer_service_parent_class)->dispose (object);
}

static void
veil_analyzer_service_finalize (GObject *object)
{
  VeilAnalyzerService *self = VEIL_ANALYZER_SERVICE (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->per_caller, g_hash_table_unref);
  g_free (self->user);

  G_OBJECT_CLASS (veil_analyzer_service_parent_class)->finalize (object);
}

static void
veil_analyzer_service_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  VeilAnalyzerService *self = VEIL_ANALYZER_SERVICE (object);

  switch (prop_id)
    {
    case PROP_ANALYZER:
      g_value_set_object (value, self->analyzer);
      break;
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_USER:
      g_value_set_string (value, self->user);
      break;
    case PROP_POLICY:
      g_value_set_int (value, (int) self->policy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_analyzer_service_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  VeilAnalyzerService *self = VEIL_ANALYZER_SERVICE (object);

  switch (prop_id)
    {
    case PROP_ANALYZER:
      self->analyzer = g_value_dup_object (value);
      break;
    case PROP_STORE:
      veil_analyzer_service_set_store (self, g_value_get_object (value));
      break;
    case PROP_USER:
      veil_analyzer_service_set_user (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_analyzer_service_class_init (VeilAnalyzerServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = veil_analyzer_service_dispose;
  object_class->finalize = veil_analyzer_service_finalize;
  object_class->get_property = veil_analyzer_service_get_property;
  object_class->set_property = veil_analyzer_service_set_property;

  /**
   * VeilAnalyzerService:analyzer:
   *
   * The analyzer that judges the pictures (classifier, hash lists, exceptions).
   */
  properties[PROP_ANALYZER] =
    g_param_spec_object ("analyzer", NULL, NULL, VEIL_TYPE_ANALYZER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * VeilAnalyzerService:store:
   *
   * Where profiles and consent live; %NULL (policy "disabled") until it is opened.
   */
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, VEIL_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * VeilAnalyzerService:user:
   *
   * The Unix account the service runs for; the profile whose "unix-user" names it applies.
   */
  properties[PROP_USER] =
    g_param_spec_string ("user", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * VeilAnalyzerService:policy:
   *
   * The #VeilAnalyzerPolicy in force, as an int.
   */
  properties[PROP_POLICY] =
    g_param_spec_int ("policy", NULL, NULL,
                      VEIL_ANALYZER_POLICY_DISABLED, VEIL_ANALYZER_POLICY_DESCRIPTIVE,
                      VEIL_ANALYZER_POLICY_DISABLED,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
veil_analyzer_service_init (VeilAnalyzerService *self)
{
  self->cancellable = g_cancellable_new ();
  self->per_caller = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->user = g_strdup (g_get_user_name ());
  self->policy = VEIL_ANALYZER_POLICY_DISABLED;
  veil_image_limits_init_default (&self->limits);

  self->skeleton = veil_held_skeleton_new ();
  veil_dbus_analyzer1_set_policy (self->skeleton, veil_analyzer_policy_to_string (self->policy));
  g_signal_connect_object (self->skeleton, "handle-analyze-file", G_CALLBACK (handle_analyze_file_cb), self, 0);
}

/* --- Public API -------------------------------------------------------------------------- */

/**
 * veil_analyzer_policy_to_string:
 *
 * Returns: the value of the D-Bus Policy property: "disabled", "simple" or "descriptive"
 */
const char *
veil_analyzer_policy_to_string (VeilAnalyzerPolicy policy)
{
  const char *nick = _veil_enum_get_nick (VEIL_TYPE_ANALYZER_POLICY, policy);

  return nick != NULL ? nick : "disabled";
}

/**
 * veil_analyzer_policy_for_status:
 * @profile: (nullable): the linked profile
 * @status: (nullable): its message warnings status
 *
 * The mapping documented in docs/dbus-api.md: "disabled" unless message warnings are active
 * (enabled by the guardian and acknowledged by the child); then "simple" for under-13s and
 * for an unknown age (the gentler, more protective choice), "descriptive" for 13 and over.
 */
VeilAnalyzerPolicy
veil_analyzer_policy_for_status (VeilProfile                *profile,
                                 const VeilProtectionStatus *status)
{
  if (profile == NULL || status == NULL || !status->active)
    return VEIL_ANALYZER_POLICY_DISABLED;

  switch (veil_profile_get_effective_age_band (profile))
    {
    case VEIL_AGE_BAND_13_15:
    case VEIL_AGE_BAND_16_17:
      return VEIL_ANALYZER_POLICY_DESCRIPTIVE;
    case VEIL_AGE_BAND_UNDER_13:
    case VEIL_AGE_BAND_UNKNOWN:
    default:
      return VEIL_ANALYZER_POLICY_SIMPLE;
    }
}

/**
 * veil_analyzer_service_new:
 * @analyzer: what judges the pictures
 * @store: (nullable): profiles and consent; can be set later
 *
 * The policy is read from @store at once (see veil_analyzer_service_reload_policy()).
 *
 * Returns: (transfer full): a new service, not exported yet
 */
VeilAnalyzerService *
veil_analyzer_service_new (VeilAnalyzer *analyzer,
                           VeilStore    *store)
{
  g_return_val_if_fail (VEIL_IS_ANALYZER (analyzer), NULL);
  g_return_val_if_fail (store == NULL || VEIL_IS_STORE (store), NULL);

  return g_object_new (VEIL_TYPE_ANALYZER_SERVICE, "analyzer", analyzer, "store", store, NULL);
}

VeilAnalyzer *
veil_analyzer_service_get_analyzer (VeilAnalyzerService *self)
{
  g_return_val_if_fail (VEIL_IS_ANALYZER_SERVICE (self), NULL);
  return self->analyzer;
}

VeilStore *
veil_analyzer_service_get_store (VeilAnalyzerService *self)
{
  g_return_val_if_fail (VEIL_IS_ANALYZER_SERVICE (self), NULL);
  return self->store;
}

/**
 * veil_analyzer_service_set_store:
 * @store: (nullable): the store, once the application has opened it
 *
 * Also reloads the policy. A store that cannot be read leaves the policy "disabled".
 */
void
veil_analyzer_service_set_store (VeilAnalyzerService *self,
                                 VeilStore           *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilStore) old_store = NULL;

  g_return_if_fail (VEIL_IS_ANALYZER_SERVICE (self));
  g_return_if_fail (store == NULL || VEIL_IS_STORE (store));

  if (self->store != store)
    {
      old_store = g_steal_pointer (&self->store);
      self->store = store != NULL ? g_object_ref (store) : NULL;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
      if (!veil_analyzer_service_reload_policy (self, &error))
        g_debug ("Could not read the linked profile: %s", error->message);
      update_heartbeat (self, old_store);
    }
  /* The policy is read now (or cannot be): what waited gets its answer. */
  veil_held_skeleton_release (VEIL_HELD_SKELETON (self->skeleton));
}

/**
 * veil_analyzer_service_hold_calls:
 *
 * Until veil_analyzer_service_set_store() is next called, calls and reads of the Policy
 * property wait instead of being answered: a service exported before its store is open
 * would otherwise say "disabled" for an account whose protection is on. Callers wait up to
 * their D-Bus timeout; beyond %VEIL_HELD_SKELETON_MAX_HELD calls, they are told to ask again.
 */
void
veil_analyzer_service_hold_calls (VeilAnalyzerService *self)
{
  g_return_if_fail (VEIL_IS_ANALYZER_SERVICE (self));
  veil_held_skeleton_hold (VEIL_HELD_SKELETON (self->skeleton));
}

const char *
veil_analyzer_service_get_user (VeilAnalyzerService *self)
{
  g_return_val_if_fail (VEIL_IS_ANALYZER_SERVICE (self), NULL);
  return self->user;
}

/**
 * veil_analyzer_service_set_user:
 * @user: (nullable): a Unix account name; %NULL for the account Veil runs as
 *
 * Reloads the policy when the store is set.
 */
void
veil_analyzer_service_set_user (VeilAnalyzerService *self,
                                const char          *user)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (VEIL_IS_ANALYZER_SERVICE (self));

  if (user == NULL)
    user = g_get_user_name ();
  if (g_strcmp0 (self->user, user) == 0)
    return;
  g_free (self->user);
  self->user = g_strdup (user);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USER]);
  if (!veil_analyzer_service_reload_policy (self, &error))
    g_debug ("Could not read the linked profile: %s", error->message);
  if (self->store != NULL)
    update_heartbeat (self, self->store);
}

/**
 * veil_analyzer_service_set_limits:
 *
 * Decoding limits (file size, pixels, time) for AnalyzeFile; a picture over them is answered
 * as not checked, with the cause "too-large" or "too-slow".
 */
void
veil_analyzer_service_set_limits (VeilAnalyzerService   *self,
                                  const VeilImageLimits *limits)
{
  g_return_if_fail (VEIL_IS_ANALYZER_SERVICE (self));
  g_return_if_fail (limits != NULL);

  self->limits = *limits;
  /* The analyzer's own file path has its own copy. */
  veil_analyzer_set_limits (self->analyzer, limits);
}

VeilAnalyzerPolicy
veil_analyzer_service_get_policy (VeilAnalyzerService *self)
{
  g_return_val_if_fail (VEIL_IS_ANALYZER_SERVICE (self), VEIL_ANALYZER_POLICY_DISABLED);
  return self->policy;
}

/**
 * veil_analyzer_service_get_profile:
 *
 * Returns: (transfer none) (nullable): the profile linked to the service's account
 */
VeilProfile *
veil_analyzer_service_get_profile (VeilAnalyzerService *self)
{
  g_return_val_if_fail (VEIL_IS_ANALYZER_SERVICE (self), NULL);
  return self->profile;
}

/**
 * veil_analyzer_service_reload_policy:
 *
 * Reads the linked profile (the one whose "unix-user" is the service's user) and its
 * message warnings status again, emits PolicyChanged when the policy changes, and gives the
 * analyzer that profile's hash lists, protected pictures and exceptions from the store. The
 * application calls this when profiles, consent or lists change. A few indexed queries:
 * cheap enough for the main thread.
 *
 * Returns: %FALSE with @error set when the store could not be read; when the profile could
 *   not be read the policy is "disabled", so nothing is checked on a guess
 */
gboolean
veil_analyzer_service_reload_policy (VeilAnalyzerService  *self,
                                     GError              **error)
{
  g_autoptr(GPtrArray) profiles = NULL;
  VeilProfile *linked = NULL;
  VeilProtectionStatus status = { 0 };
  gboolean have_status = FALSE;

  g_return_val_if_fail (VEIL_IS_ANALYZER_SERVICE (self), FALSE);

  g_clear_pointer (&self->profile, veil_profile_unref);
  if (self->store == NULL)
    {
      set_policy (self, VEIL_ANALYZER_POLICY_DISABLED);
      return TRUE;
    }

  profiles = veil_store_list_profiles (self->store, error);
  if (profiles == NULL)
    {
      set_policy (self, VEIL_ANALYZER_POLICY_DISABLED);
      return FALSE;
    }
  for (guint i = 0; i < profiles->len && linked == NULL; i++)
    {
      VeilProfile *profile = g_ptr_array_index (profiles, i);

      if (g_strcmp0 (veil_profile_get_unix_user (profile), self->user) == 0)
        linked = profile;
    }
  if (linked != NULL)
    {
      if (!veil_store_get_protection_status (self->store, linked, VEIL_PROTECTION_MESSAGE_WARNINGS,
                                             &status, error))
        {
          set_policy (self, VEIL_ANALYZER_POLICY_DISABLED);
          return FALSE;
        }
      have_status = TRUE;
      self->profile = veil_profile_ref (linked);
    }
  set_policy (self, veil_analyzer_policy_for_status (self->profile, have_status ? &status : NULL));

  /* The policy stands (the classifier still answers); the caller learns lists are missing. */
  if (self->policy != VEIL_ANALYZER_POLICY_DISABLED &&
      !veil_analyzer_load_lists (self->analyzer, self->store, veil_profile_get_id (self->profile), error))
    return FALSE;
  return TRUE;
}

/**
 * veil_analyzer_service_export:
 * @connection: where to answer; the application's own, so its ID is the bus name
 * @object_path: (nullable): %NULL for %VEIL_ANALYZER_SERVICE_OBJECT_PATH
 *
 * Returns: %TRUE when exported
 */
gboolean
veil_analyzer_service_export (VeilAnalyzerService  *self,
                              GDBusConnection      *connection,
                              const char           *object_path,
                              GError              **error)
{
  g_return_val_if_fail (VEIL_IS_ANALYZER_SERVICE (self), FALSE);
  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), FALSE);

  /* Register the D-Bus error names before the first reply can need them. */
  (void) VEIL_ANALYZER_SERVICE_ERROR;
  return g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (self->skeleton), connection,
                                          object_path != NULL ? object_path : VEIL_ANALYZER_SERVICE_OBJECT_PATH,
                                          error);
}

/**
 * veil_analyzer_service_unexport:
 *
 * Stops answering on every connection. Analyses already running still answer.
 */
void
veil_analyzer_service_unexport (VeilAnalyzerService *self)
{
  g_return_if_fail (VEIL_IS_ANALYZER_SERVICE (self));

  if (self->skeleton != NULL && g_dbus_interface_skeleton_get_connection (G_DBUS_INTERFACE_SKELETON (self->skeleton)) != NULL)
    g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (self->skeleton));
}
