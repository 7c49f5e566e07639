/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-worker"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vips/vips.h>

#include "veil-image-private.h"
#include "veil-model.h"
#include "veil-nsfw-classifier.h"
#include "veil-worker-pool.h"
#include "veil-worker-private.h"
#include "veil-worker-sandbox.h"
#include "veil-worker-video.h"

/* veil-analysis-worker: decodes and analyses the files its parent (a VeilWorkerPool) sends,
 * one at a time, over the socket pair it was started with. It starts GStreamer, loads the
 * model, starts libvips and the translations, then confines itself; from then on it reads
 * only the descriptors it is handed. The parent limits its memory, time and CPU. */

#define FAULT_MAGIC "VEIL-TEST-FAULT "

static const char catalogue_header[] = "";

typedef struct {
  int             sock;
  VeilClassifier *classifier;   /* nullable: the model could not be loaded */
  char           *model_error;  /* why, when it could not */
  gboolean        test_faults;
} Worker;

/* Test-only misbehaviour, switched on by the parent's test flag: a file whose first line is
 * "VEIL-TEST-FAULT <what>" makes the worker crash, hang, exit, or report what its sandbox
 * and limits allow (socket, open, alloc). Returns the answer to send instead of an analysis, if any. */
static GVariant *
run_fault (int fd)
{
  char head[64] = { 0 };
  g_autoptr(GError) report = NULL;
  const char *what;
  int probe;

  if (pread (fd, head, sizeof head - 1, 0) < (ssize_t) strlen (FAULT_MAGIC) ||
      !g_str_has_prefix (head, FAULT_MAGIC))
    return NULL;
  what = head + strlen (FAULT_MAGIC);
  if (g_str_has_prefix (what, "crash"))
    raise (SIGSEGV);
  if (g_str_has_prefix (what, "exit"))
    _exit (3);
  if (g_str_has_prefix (what, "hang"))
    for (;;)
      pause ();
  if (g_str_has_prefix (what, "socket"))
    {
      probe = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      report = g_error_new (VEIL_WORKER_ERROR, VEIL_WORKER_ERROR_FAILED, "socket: %s",
                            probe >= 0 ? "allowed" : g_strerror (errno));
    }
  else if (g_str_has_prefix (what, "alloc"))
    {
      /* More than the parent's RLIMIT_AS allows. */
      void *block = malloc ((size_t) 3 * 1024 * 1024 * 1024);

      report = g_error_new (VEIL_WORKER_ERROR, VEIL_WORKER_ERROR_FAILED, "alloc: %s",
                            block != NULL ? "allowed" : "refused");
      free (block);
      probe = -1;
    }
  else if (g_str_has_prefix (what, "open"))
    {
      probe = open ("/etc/passwd", O_RDONLY | O_CLOEXEC);
      report = g_error_new (VEIL_WORKER_ERROR, VEIL_WORKER_ERROR_FAILED, "open: %s",
                            probe >= 0 ? "allowed" : g_strerror (errno));
    }
  else
    return NULL;
  if (probe >= 0)
    close (probe);
  return _veil_worker_reply_new (NULL, report);
}

static GVariant *
analyze (Worker                  *worker,
         int                      fd,
         const char              *name,
         const VeilWorkerRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilWorkerResult) result = NULL;
  GVariant *fault = worker->test_faults ? run_fault (fd) : NULL;

  if (fault != NULL)
    return fault;
  if (worker->classifier == NULL && (request->needs & VEIL_IMAGE_NEED_CLASSIFIER) != 0)
    {
      error = g_error_new (VEIL_WORKER_ERROR, VEIL_WORKER_ERROR_MODEL_MISSING,
                           _("Veil’s on-device model could not be loaded (%s), so pictures cannot be checked. Reinstall Veil."),
                           worker->model_error);
      return _veil_worker_reply_new (NULL, error);
    }
  result = veil_worker_analyze_fd (worker->classifier, fd, name, request, NULL, &error);
  return _veil_worker_reply_new (result, error);
}

/* Serves one request. Returns FALSE when the parent closed the socket. */
static gboolean
serve (Worker *worker)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GVariant) raw = NULL;
  g_autoptr(GVariant) message = NULL;
  g_autofree char *name = NULL;
  VeilWorkerRequest request;
  int fd = -1;
  gboolean sent;

  bytes = _veil_worker_receive (worker->sock, &fd, &error);
  if (bytes == NULL)
    g_error ("%s", error->message);
  if (g_bytes_get_size (bytes) == 0)
    return FALSE;
  raw = g_variant_new_from_bytes (G_VARIANT_TYPE (VEIL_WORKER_REQUEST_TYPE), bytes, FALSE);
  message = g_variant_ref_sink (g_variant_get_normal_form (raw));
  if (fd < 0 || !_veil_worker_request_from_variant (message, &name, &request))
    g_error ("The parent sent a request without a file.");

  sent = _veil_worker_send (worker->sock, analyze (worker, fd, name, &request), -1, &error);
  close (fd);
  if (!sent)
    g_error ("%s", error->message);
  return TRUE;
}

static void
load_model (Worker     *worker,
            const char *path)
{
  g_autofree char *default_path = path == NULL ? veil_model_get_default_path () : NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilModel) model = veil_model_new_from_file (path != NULL ? path : default_path, &error);
  VeilNsfwClassifier *classifier = model != NULL ? veil_nsfw_classifier_new (model, &error) : NULL;

  if (classifier == NULL)
    {
      worker->model_error = g_strdup (error->message);
      return;
    }
  /* One picture at a time, one thread: the pool runs workers side by side instead. */
  veil_nsfw_classifier_set_threads (classifier, 1);
  worker->classifier = VEIL_CLASSIFIER (classifier);
}

/* The second opinion (MobileNetV2Mid, at veil_model_get_path_for_kind()). Without it the
 * first model's verdicts stand, and borderline ones say that no second opinion was given. */
static void
load_second_model (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilNsfwClassifier) second = veil_nsfw_classifier_new_for_kind (VEIL_MODEL_KIND_MOBILENET_V2_MID, &error);

  if (second == NULL)
    {
      g_debug ("No second opinion: %s", error->message);
      return;
    }
  veil_nsfw_classifier_set_threads (second, 1);
  veil_worker_set_second_classifier (VEIL_CLASSIFIER (second));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *model_path = NULL;
  const char *localedir = g_getenv ("VEIL_LOCALEDIR");
  gboolean no_landlock = FALSE;
  int decode_threads = 1;
  Worker worker = { -1, NULL, NULL, FALSE };
  VeilSandboxLayers layers;
  const GOptionEntry entries[] = {
    { "socket", 0, 0, G_OPTION_ARG_INT, &worker.sock, "The socket to the parent", "FD" },
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &model_path, "The model to load", "PATH" },
    { "no-landlock", 0, 0, G_OPTION_ARG_NONE, &no_landlock, "Leave out the filesystem sandbox", NULL },
    { "decode-threads", 0, 0, G_OPTION_ARG_INT, &decode_threads, "libvips threads per picture", "N" },
    { "test-faults", 0, 0, G_OPTION_ARG_NONE, &worker.test_faults, "Obey test fault files", NULL },
    { NULL }
  };

  /* libvips warns about every damaged file, and damaged files are what a worker is for: a
   * warning never stops it, even where G_DEBUG=fatal-warnings is inherited (the tests). */
  g_log_set_always_fatal (G_LOG_FATAL_MASK);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || worker.sock < 0)
    {
      g_printerr ("veil-analysis-worker: %s\n", error != NULL ? error->message : "--socket is required");
      return 2;
    }

  /* Everything that opens files happens now, before the sandbox closes the filesystem:
   * GStreamer and its few plugins (first: it reads the environment it is given, before any
   * thread runs), the model, libvips and its loaders, the translations. */
  veil_worker_video_init (CLAMP (decode_threads, 1, 8));
  load_model (&worker, model_path);
  load_second_model ();
  /* Before libvips, which sets its own environment while it starts. */
  if (!veil_worker_video_init_finish (&error))
    {
      g_debug ("Videos cannot be read here: %s", error->message);
      g_clear_error (&error);
    }
  _veil_image_ensure_vips ();
  vips_concurrency_set (CLAMP (decode_threads, 1, 8));
  /* Asking for the catalogue's header loads the catalogue (not a message to translate). */
  (void) dgettext (GETTEXT_PACKAGE, catalogue_header);

  layers = veil_worker_sandbox_apply (!no_landlock, &error);
  if (layers == 0)
    {
      g_printerr ("veil-analysis-worker: the sandbox could not be set up: %s\n", error->message);
      return 1;
    }
  g_debug ("Sandbox: no-new-privs %d, network namespace %d, seccomp %d, landlock %d",
           !!(layers & VEIL_SANDBOX_NO_NEW_PRIVS), !!(layers & VEIL_SANDBOX_NET_NAMESPACE),
           !!(layers & VEIL_SANDBOX_SECCOMP), !!(layers & VEIL_SANDBOX_LANDLOCK));

  /* Ready: the parent's deadline for a file starts from here, not from the start-up. */
  if (!_veil_worker_send (worker.sock, g_variant_new_string (VEIL_WORKER_READY), -1, &error))
    {
      g_printerr ("veil-analysis-worker: %s\n", error->message);
      return 1;
    }
  while (serve (&worker))
    ;
  g_clear_object (&worker.classifier);
  veil_worker_set_second_classifier (NULL);
  g_free (worker.model_error);
  return 0;
}
