/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-worker"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "veil-paths.h"
#include "veil-worker-pool.h"
#include "veil-worker-private.h"

/* VeilWorkerPool: the parent's side of the analysis workers. Each lane has a fixed number of
 * workers, each driven by one thread of the pool that takes the lane's jobs in turn: it
 * starts its worker when first needed, hands it the file's descriptor, waits for the reply
 * until the deadline, and stops the worker when it dies, overruns, is cancelled or has
 * analysed enough files. Whatever happens to a worker, the caller gets an answer. */

/* CPU seconds over a worker's whole life, past which the kernel stops it: far more than its
 * files need before it is recycled, so only a runaway worker meets it. */
#define WORKER_CPU_SECONDS 900
#define WORKER_MAX_FDS 64
#define DEFAULT_MAX_FILES 200
/* Beyond the decode time budget of a request, for the classifier and the reply. */
#define DEADLINE_GRACE_MS 10000

typedef struct _Lane Lane;
typedef struct _PoolState PoolState;

typedef struct {
  GSubprocess *process;
  int          sock;       /* our end of the socket pair, -1 when not running */
  guint        n_files;
  guint        decode_threads;
} Worker;

struct _Lane
{
  PoolState      *state;      /* borrowed: the lane is part of it */
  VeilWorkerLane  id;
  guint           n_workers;
  guint           max_queued;
  GAsyncQueue    *queue;      /* of GTask, or the state itself to stop a thread */
  gint            queued;     /* atomic: jobs not yet taken by a thread */
  GPtrArray      *threads;    /* of GThread, NULL until started */
};

/* What the pool's threads share with it. A thread may drop the last reference to the pool
 * (through the task it finished), so they hold this instead of the pool. */
struct _PoolState
{
  gatomicrefcount      ref_count;
  VeilWorkerPoolFlags  flags;
  GMutex               lock;             /* guards starting the lanes */
  Lane                 lanes[VEIL_WORKER_N_LANES];
  guint                deadline_ms;      /* 0: the request's decode budget plus a grace */
  guint                max_files;
  char                *model_path;       /* nullable: the default model */
  gint                 n_started;        /* atomic */
};

struct _VeilWorkerPool
{
  GObject    parent_instance;
  PoolState *state;
};

typedef struct {
  int                fd;
  char              *name;
  VeilWorkerRequest  request;
} Job;

G_DEFINE_FINAL_TYPE (VeilWorkerPool, veil_worker_pool, G_TYPE_OBJECT)
G_DEFINE_QUARK (veil-worker-error-quark, veil_worker_error)

static void
job_free (Job *job)
{
  if (job->fd >= 0)
    close (job->fd);
  g_free (job->name);
  g_free (job);
}

/* Runs in the worker between fork and exec: only async-signal-safe calls. */
static void
limit_child (gpointer data)
{
  struct rlimit as = { VEIL_WORKER_ADDRESS_SPACE, VEIL_WORKER_ADDRESS_SPACE };
  struct rlimit cpu = { WORKER_CPU_SECONDS, WORKER_CPU_SECONDS };
  struct rlimit none = { 0, 0 };
  struct rlimit files = { WORKER_MAX_FDS, WORKER_MAX_FDS };

#ifndef __SANITIZE_ADDRESS__
  setrlimit (RLIMIT_AS, &as);
#else
  /* AddressSanitizer reserves terabytes of address space for its shadow memory: the worker
   * is limited through its allocator instead (worker_start). */
  (void) as;
#endif
  setrlimit (RLIMIT_CPU, &cpu);
  setrlimit (RLIMIT_FSIZE, &none);
  setrlimit (RLIMIT_CORE, &none);
  setrlimit (RLIMIT_NOFILE, &files);
  /* A worker never outlives the thread that drives it. */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
worker_stop (Worker *w)
{
  if (w->sock >= 0)
    close (w->sock);
  w->sock = -1;
  if (w->process != NULL)
    {
      g_subprocess_force_exit (w->process);
      g_subprocess_wait (w->process, NULL, NULL);
    }
  g_clear_object (&w->process);
  w->n_files = 0;
}

/* What became of a worker that closed its socket: its exit, as the reason of a crash. */
static GError *
worker_reap (Worker *w)
{
  GSubprocess *process = w->process != NULL ? g_object_ref (w->process) : NULL;
  GError *error;

  if (w->sock >= 0)
    close (w->sock);
  w->sock = -1;
  if (process != NULL)
    g_subprocess_wait (process, NULL, NULL);
  if (process != NULL && g_subprocess_get_if_signaled (process))
    error = g_error_new (VEIL_WORKER_ERROR, VEIL_WORKER_ERROR_CRASHED,
                         _("The analysis process stopped unexpectedly (signal %d). Veil starts a new one for the next picture."),
                         g_subprocess_get_term_sig (process));
  else
    error = g_error_new (VEIL_WORKER_ERROR, VEIL_WORKER_ERROR_CRASHED,
                         _("The analysis process ended unexpectedly (exit status %d). Veil starts a new one for the next picture."),
                         process != NULL ? g_subprocess_get_exit_status (process) : -1);
  g_clear_object (&process);
  worker_stop (w);
  return error;
}

/* Waits for a new worker's first message: a slow start is not blamed on the file it is then
 * handed. A worker that does not say it is ready in time is stopped. */
static gboolean
worker_await_ready (Worker  *w,
                    GError **error)
{
  struct pollfd fds = { w->sock, POLLIN, 0 };
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GVariant) message = NULL;
  int n;

  do
    n = poll (&fds, 1, VEIL_WORKER_START_MS);
  while (n < 0 && errno == EINTR);
  if (n > 0)
    bytes = _veil_worker_receive (w->sock, NULL, NULL);
  if (bytes != NULL && g_bytes_get_size (bytes) > 0)
    message = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE_STRING, bytes, FALSE));
  if (message != NULL && g_str_equal (g_variant_get_string (message, NULL), VEIL_WORKER_READY))
    return TRUE;
  if (n > 0)
    {
      g_propagate_error (error, worker_reap (w));
      return FALSE;
    }
  worker_stop (w);
  g_set_error (error, VEIL_WORKER_ERROR, VEIL_WORKER_ERROR_START,
               _("The analysis process could not be started (%s). Reinstall Veil."), g_strerror (ETIMEDOUT));
  return FALSE;
}

static gboolean
worker_start (PoolState       *self,
              Worker          *w,
              GError         **error)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) local_error = NULL;
  int pair[2];

  if (!_veil_worker_socketpair (pair))
    {
      int saved_errno = errno;
      g_set_error (error, VEIL_WORKER_ERROR, VEIL_WORKER_ERROR_START,
                   _("The analysis process could not be started: %s. Close some programs and try again."),
                   g_strerror (saved_errno));
      return FALSE;
    }
  g_ptr_array_add (argv, veil_paths_get_analysis_worker ());
  g_ptr_array_add (argv, g_strdup ("--socket=3"));
  g_ptr_array_add (argv, g_strdup_printf ("--decode-threads=%u", MAX (w->decode_threads, 1)));
  if (self->flags & VEIL_WORKER_POOL_NO_LANDLOCK)
    g_ptr_array_add (argv, g_strdup ("--no-landlock"));
  if (g_strcmp0 (g_getenv ("VEIL_TEST_WORKER_FAULTS"), "1") == 0)
    g_ptr_array_add (argv, g_strdup ("--test-faults"));
  if (self->model_path != NULL)
    g_ptr_array_add (argv, g_strdup_printf ("--model=%s", self->model_path));
  g_ptr_array_add (argv, NULL);

#ifdef __SANITIZE_ADDRESS__
  {
    const char *options = g_getenv ("ASAN_OPTIONS");
    /* Leaks are not looked for in a worker, so neither is the slow unwinding on every
     * allocation that the suppressions of leaks need (GStreamer's libav plugin registers
     * hundreds of codecs at each start). */
    g_autofree char *limited = g_strdup_printf ("%s%sallocator_may_return_null=1:max_allocation_size_mb=%"
                                                G_GUINT64_FORMAT ":detect_leaks=0:fast_unwind_on_malloc=1",
                                                options != NULL ? options : "", options != NULL ? ":" : "",
                                                VEIL_WORKER_ADDRESS_SPACE / (1024 * 1024));

    g_subprocess_launcher_setenv (launcher, "ASAN_OPTIONS", limited, TRUE);
  }
#endif
  g_subprocess_launcher_take_fd (launcher, pair[1], 3);
  g_subprocess_launcher_set_child_setup (launcher, limit_child, NULL, NULL);
  w->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &local_error);
  if (w->process == NULL)
    {
      close (pair[0]);
      g_set_error (error, VEIL_WORKER_ERROR, VEIL_WORKER_ERROR_START,
                   _("The analysis process could not be started (%s). Reinstall Veil."), local_error->message);
      return FALSE;
    }
  w->sock = pair[0];
  w->n_files = 0;
  g_atomic_int_inc (&self->n_started);
  return worker_await_ready (w, error);
}

static guint
job_deadline_ms (PoolState      *self,
                 Job            *job)
{
  if (self->deadline_ms != 0)
    return self->deadline_ms;
  if (job->request.limits.timeout_ms == 0)
    return 3 * DEADLINE_GRACE_MS;
  return job->request.limits.timeout_ms + DEADLINE_GRACE_MS;
}

/* Waits for the worker's reply until @deadline (monotonic µs). */
static GBytes *
await_reply (PoolState       *self,
             Worker          *w,
             Job             *job,
             gint64           deadline,
             GCancellable    *cancellable,
             GError         **error)
{
  for (;;)
    {
      struct pollfd fds[2] = { { w->sock, POLLIN, 0 }, { -1, POLLIN, 0 } };
      GPollFD cancel_fd = { -1, 0, 0 };
      gint64 left = deadline - g_get_monotonic_time ();
      gboolean have_cancel = g_cancellable_make_pollfd (cancellable, &cancel_fd);
      int n;

      fds[1].fd = have_cancel ? cancel_fd.fd : -1;
      n = left > 0 ? poll (fds, 2, (int) MIN (left / 1000 + 1, G_MAXINT)) : 0;
      if (have_cancel)
        g_cancellable_release_fd (cancellable);
      if (n < 0 && errno == EINTR)
        continue;
      if (g_cancellable_is_cancelled (cancellable))
        {
          worker_stop (w);
          g_cancellable_set_error_if_cancelled (cancellable, error);
          return NULL;
        }
      if (n == 0)
        {
          worker_stop (w);
          g_set_error (error, VEIL_WORKER_ERROR, VEIL_WORKER_ERROR_TIMEOUT,
                       _("Checking “%s” took longer than %u seconds, so it was stopped. The file may be "
                         "built to stall Veil."), job->name, (job_deadline_ms (self, job) + 999) / 1000);
          return NULL;
        }
      if (fds[0].revents != 0)
        {
          g_autoptr(GBytes) bytes = _veil_worker_receive (w->sock, NULL, NULL);

          if (bytes == NULL || g_bytes_get_size (bytes) == 0)
            {
              g_propagate_error (error, worker_reap (w));
              return NULL;
            }
          return g_steal_pointer (&bytes);
        }
    }
}

static VeilWorkerResult *
run_job (PoolState       *self,
         Worker          *w,
         Job             *job,
         GCancellable    *cancellable,
         GError         **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) job_deadline_ms (self, job) * 1000;
  g_autoptr(GBytes) reply = NULL;
  VeilWorkerResult *result;
  gboolean sent = FALSE;

  /* A worker that died while idle is started again, once, before anything is blamed on
   * this file. */
  for (guint attempt = 0; attempt < 2 && !sent; attempt++)
    {
      g_autoptr(GError) send_error = NULL;

      if (w->sock < 0 && !worker_start (self, w, error))
        return NULL;
      sent = _veil_worker_send (w->sock, _veil_worker_request_to_variant (job->name, &job->request),
                                job->fd, &send_error);
      if (!sent)
        {
          worker_stop (w);
          if (attempt == 1)
            {
              g_propagate_error (error, g_steal_pointer (&send_error));
              return NULL;
            }
        }
    }

  reply = await_reply (self, w, job, deadline, cancellable, error);
  if (reply == NULL)
    return NULL;
  result = _veil_worker_reply_parse (reply, error);
  if (result == NULL && g_error_matches (*error, VEIL_WORKER_ERROR, VEIL_WORKER_ERROR_CRASHED))
    worker_stop (w);
  else if (++w->n_files >= self->max_files)
    worker_stop (w);
  return result;
}

static void pool_state_unref (PoolState *state);

static gpointer
lane_thread (gpointer data)
{
  Lane *lane = data;
  PoolState *self = lane->state;
  /* Scans run one worker per core, each decoding on one thread; the guard and the API decode
   * one picture at a time, with every core, as the service did in process. */
  Worker w = { NULL, -1, 0, lane->id == VEIL_WORKER_LANE_SCAN ? 1 : MIN (g_get_num_processors (), 4) };

  for (;;)
    {
      gpointer item = g_async_queue_pop (lane->queue);
      GTask *task;
      GError *error = NULL;
      VeilWorkerResult *result;

      if (item == (gpointer) self)
        break;
      task = item;
      g_atomic_int_dec_and_test (&lane->queued);
      if (!g_task_return_error_if_cancelled (task))
        {
          result = run_job (self, &w, g_task_get_task_data (task), g_task_get_cancellable (task), &error);
          if (result != NULL)
            g_task_return_pointer (task, result, (GDestroyNotify) veil_worker_result_unref);
          else
            g_task_return_error (task, error);
        }
      g_object_unref (task);
    }
  worker_stop (&w);
  pool_state_unref (self);
  return NULL;
}

static void
lane_start (Lane *lane)
{
  lane->threads = g_ptr_array_new ();
  for (guint i = 0; i < lane->n_workers; i++)
    {
      g_autofree char *name = g_strdup_printf ("veil-worker-%u.%u", lane->id, i);

      g_atomic_ref_count_inc (&lane->state->ref_count);
      g_ptr_array_add (lane->threads, g_thread_new (name, lane_thread, lane));
    }
}

static void
pool_state_unref (PoolState *state)
{
  if (!g_atomic_ref_count_dec (&state->ref_count))
    return;
  for (guint l = 0; l < VEIL_WORKER_N_LANES; l++)
    {
      g_clear_pointer (&state->lanes[l].threads, g_ptr_array_unref);
      g_async_queue_unref (state->lanes[l].queue);
    }
  g_free (state->model_path);
  g_mutex_clear (&state->lock);
  g_free (state);
}

static PoolState *
pool_state_new (void)
{
  /* The guard's lane never waits for the others; scans use up to one worker per core, at
   * most four, as the scanner runs one thread per core. */
  const guint n_workers[VEIL_WORKER_N_LANES] = { 1, 1, CLAMP (g_get_num_processors (), 1, 4) };
  static const guint max_queued[VEIL_WORKER_N_LANES] = { 64, 8, 64 };
  PoolState *state = g_new0 (PoolState, 1);

  g_atomic_ref_count_init (&state->ref_count);
  g_mutex_init (&state->lock);
  state->max_files = DEFAULT_MAX_FILES;
  for (guint l = 0; l < VEIL_WORKER_N_LANES; l++)
    {
      state->lanes[l].state = state;
      state->lanes[l].id = l;
      state->lanes[l].n_workers = n_workers[l];
      state->lanes[l].max_queued = max_queued[l];
      state->lanes[l].queue = g_async_queue_new ();
    }
  return state;
}

static void
veil_worker_pool_finalize (GObject *object)
{
  VeilWorkerPool *self = VEIL_WORKER_POOL (object);
  PoolState *state = self->state;

  /* No task holds the pool any more, so the queues are empty: stop each thread, and wait for
   * it unless it is this one (which dropped the last reference and stops right after). */
  for (guint l = 0; l < VEIL_WORKER_N_LANES; l++)
    {
      Lane *lane = &state->lanes[l];

      for (guint i = 0; lane->threads != NULL && i < lane->threads->len; i++)
        g_async_queue_push (lane->queue, state);
      for (guint i = 0; lane->threads != NULL && i < lane->threads->len; i++)
        {
          GThread *thread = g_ptr_array_index (lane->threads, i);

          if (thread == g_thread_self ())
            g_thread_unref (thread);
          else
            g_thread_join (thread);
        }
    }
  pool_state_unref (state);

  G_OBJECT_CLASS (veil_worker_pool_parent_class)->finalize (object);
}

static void
veil_worker_pool_class_init (VeilWorkerPoolClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = veil_worker_pool_finalize;
}

static void
veil_worker_pool_init (VeilWorkerPool *self)
{
  self->state = pool_state_new ();
}

/* --- Public API ----------------------------------------------------------------------------- */

/**
 * veil_worker_pool_new:
 *
 * A pool whose workers start when first needed. The defaults: one worker for the message
 * guard, one for API callers, one per core (at most four) for scans; each recycled after
 * 200 files.
 */
VeilWorkerPool *
veil_worker_pool_new (VeilWorkerPoolFlags flags)
{
  VeilWorkerPool *self = g_object_new (VEIL_TYPE_WORKER_POOL, NULL);

  self->state->flags = flags;
  return self;
}

/**
 * veil_worker_pool_set_lane:
 * @n_workers: workers (and so files analysed at once) for the lane, at least 1
 * @max_queued: files that may wait for the lane; one more fails with %VEIL_WORKER_ERROR_BUSY
 *
 * Only before the lane's first analysis.
 */
void
veil_worker_pool_set_lane (VeilWorkerPool *self,
                           VeilWorkerLane  lane,
                           guint           n_workers,
                           guint           max_queued)
{
  g_return_if_fail (VEIL_IS_WORKER_POOL (self));
  g_return_if_fail (lane < VEIL_WORKER_N_LANES && n_workers > 0);

  g_mutex_lock (&self->state->lock);
  if (self->state->lanes[lane].threads == NULL)
    {
      self->state->lanes[lane].n_workers = n_workers;
      self->state->lanes[lane].max_queued = max_queued;
    }
  else
    g_critical ("A lane of the worker pool cannot change once it has started.");
  g_mutex_unlock (&self->state->lock);
}

/* @deadline_ms: the time one file may take before its worker is stopped; 0 for the
 * request's decode budget plus ten seconds. Set before the first analysis. */
void
veil_worker_pool_set_deadline (VeilWorkerPool *self,
                               guint           deadline_ms)
{
  g_return_if_fail (VEIL_IS_WORKER_POOL (self));
  self->state->deadline_ms = deadline_ms;
}

/* @max_files: files a worker analyses before it is replaced by a fresh one. Set before the
 * first analysis. */
void
veil_worker_pool_set_max_files (VeilWorkerPool *self,
                                guint           max_files)
{
  g_return_if_fail (VEIL_IS_WORKER_POOL (self));
  g_return_if_fail (max_files > 0);
  self->state->max_files = max_files;
}

/* @path: (nullable): the model the workers load instead of the default one. Set before the
 * first analysis. */
void
veil_worker_pool_set_model_path (VeilWorkerPool *self,
                                 const char     *path)
{
  g_return_if_fail (VEIL_IS_WORKER_POOL (self));
  g_free (self->state->model_path);
  self->state->model_path = g_strdup (path);
}

/* Returns: the most memory the pool's workers may map together, in bytes */
guint64
veil_worker_pool_get_memory_budget (VeilWorkerPool *self)
{
  guint n = 0;

  g_return_val_if_fail (VEIL_IS_WORKER_POOL (self), 0);
  for (guint l = 0; l < VEIL_WORKER_N_LANES; l++)
    n += self->state->lanes[l].n_workers;
  return n * VEIL_WORKER_ADDRESS_SPACE;
}

/* Returns: how many worker processes the pool has started so far */
guint
veil_worker_pool_get_n_started (VeilWorkerPool *self)
{
  g_return_val_if_fail (VEIL_IS_WORKER_POOL (self), 0);
  return (guint) g_atomic_int_get (&self->state->n_started);
}

/**
 * veil_worker_pool_analyze_async:
 * @lane: whose workers analyse the file
 * @fd: an open regular file; the pool keeps its own duplicate
 * @name: how messages name the file
 * @request: what to compute
 *
 * Analyses the file in a worker. Cancelling stops the worker if it is on this file.
 */
void
veil_worker_pool_analyze_async (VeilWorkerPool          *self,
                                VeilWorkerLane           lane,
                                int                      fd,
                                const char              *name,
                                const VeilWorkerRequest *request,
                                GCancellable            *cancellable,
                                GAsyncReadyCallback      callback,
                                gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;
  Lane *l;
  Job *job;

  g_return_if_fail (VEIL_IS_WORKER_POOL (self));
  g_return_if_fail (lane < VEIL_WORKER_N_LANES);
  g_return_if_fail (fd >= 0 && name != NULL && request != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, veil_worker_pool_analyze_async);
  l = &self->state->lanes[lane];

  if ((guint) g_atomic_int_add (&l->queued, 1) >= l->max_queued)
    {
      g_atomic_int_dec_and_test (&l->queued);
      g_task_return_new_error (task, VEIL_WORKER_ERROR, VEIL_WORKER_ERROR_BUSY,
                               _("Veil is busy checking other pictures (%u are waiting). Try again in a moment."),
                               l->max_queued);
      return;
    }
  job = g_new0 (Job, 1);
  job->fd = fcntl (fd, F_DUPFD_CLOEXEC, 3);
  job->name = g_strdup (name);
  job->request = *request;
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  if (job->fd < 0)
    {
      int saved_errno = errno;
      g_atomic_int_dec_and_test (&l->queued);
      g_task_return_new_error (task, VEIL_IMAGE_ERROR, VEIL_IMAGE_ERROR_UNREADABLE,
                               _("“%s” cannot be read: %s"), name, g_strerror (saved_errno));
      return;
    }

  g_mutex_lock (&self->state->lock);
  if (l->threads == NULL)
    lane_start (l);
  g_mutex_unlock (&self->state->lock);
  g_async_queue_push (l->queue, g_steal_pointer (&task));
}

VeilWorkerResult *
veil_worker_pool_analyze_finish (VeilWorkerPool  *self,
                                 GAsyncResult    *result,
                                 GError         **error)
{
  g_return_val_if_fail (VEIL_IS_WORKER_POOL (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
analyze_sync_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/**
 * veil_worker_pool_analyze:
 *
 * veil_worker_pool_analyze_async() for threads that can wait: blocks until the worker
 * answers, the deadline passes or @cancellable is cancelled.
 *
 * Returns: (transfer full): the figures, or %NULL with @error set
 */
VeilWorkerResult *
veil_worker_pool_analyze (VeilWorkerPool          *self,
                          VeilWorkerLane           lane,
                          int                      fd,
                          const char              *name,
                          const VeilWorkerRequest *request,
                          GCancellable            *cancellable,
                          GError                 **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GAsyncResult) result = NULL;

  g_return_val_if_fail (VEIL_IS_WORKER_POOL (self), NULL);

  g_main_context_push_thread_default (context);
  veil_worker_pool_analyze_async (self, lane, fd, name, request, cancellable, analyze_sync_cb, &result);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);
  return veil_worker_pool_analyze_finish (self, result, error);
}
