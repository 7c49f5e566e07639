/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#define G_LOG_DOMAIN "veil-worker"

#include "config.h"

#include <errno.h>
#include <linux/landlock.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <gio/gio.h>

#include "veil-worker-sandbox.h"

/* Layers, each on its own, so that one the kernel lacks leaves the others in place:
 * no new privileges; a network namespace of its own when the kernel lets us make one (as
 * root, or through a user namespace); a seccomp filter that refuses every socket family but
 * AF_UNIX and the calls a decoder never needs; and Landlock with every filesystem right
 * handled and none granted, so that no path can be opened at all. Only the seccomp filter and
 * no-new-privileges are required: without them the worker does not run. */

/* System calls a picture decoder has no use for, refused with EPERM. */
static const int refused_calls[] = {
  SCMP_SYS (connect), SCMP_SYS (bind), SCMP_SYS (listen), SCMP_SYS (accept), SCMP_SYS (accept4),
  SCMP_SYS (execve), SCMP_SYS (execveat), SCMP_SYS (ptrace), SCMP_SYS (process_vm_readv),
  SCMP_SYS (process_vm_writev), SCMP_SYS (mount), SCMP_SYS (umount2), SCMP_SYS (pivot_root),
  SCMP_SYS (chroot), SCMP_SYS (setns), SCMP_SYS (unshare), SCMP_SYS (kexec_load),
  SCMP_SYS (init_module), SCMP_SYS (finit_module), SCMP_SYS (bpf), SCMP_SYS (perf_event_open),
  SCMP_SYS (keyctl), SCMP_SYS (add_key), SCMP_SYS (request_key), SCMP_SYS (userfaultfd),
  SCMP_SYS (io_uring_setup), SCMP_SYS (personality),
};

static gboolean
apply_seccomp (GError **error)
{
  scmp_filter_ctx ctx = seccomp_init (SCMP_ACT_ALLOW);
  int rc = ctx != NULL ? 0 : -ENOMEM;

  /* Every family but AF_UNIX fails as if the kernel had no such family. */
  if (rc == 0)
    rc = seccomp_rule_add (ctx, SCMP_ACT_ERRNO (EAFNOSUPPORT), SCMP_SYS (socket), 1,
                           SCMP_A0 (SCMP_CMP_NE, AF_UNIX));
  if (rc == 0)
    rc = seccomp_rule_add (ctx, SCMP_ACT_ERRNO (EAFNOSUPPORT), SCMP_SYS (socketpair), 1,
                           SCMP_A0 (SCMP_CMP_NE, AF_UNIX));
  /* With connect() refused, a new AF_UNIX socket could still send a datagram to an address:
   * refused too (the worker only answers on the socket it was given). */
  if (rc == 0)
    rc = seccomp_rule_add (ctx, SCMP_ACT_ERRNO (EPERM), SCMP_SYS (sendto), 1, SCMP_A4 (SCMP_CMP_NE, 0));
  for (gsize i = 0; rc == 0 && i < G_N_ELEMENTS (refused_calls); i++)
    rc = seccomp_rule_add (ctx, SCMP_ACT_ERRNO (EPERM), refused_calls[i], 0);
  if (rc == 0)
    rc = seccomp_load (ctx);
  if (ctx != NULL)
    seccomp_release (ctx);
  if (rc != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (-rc),
                   "seccomp filter: %s", g_strerror (-rc));
      return FALSE;
    }
  return TRUE;
}

static gboolean
apply_net_namespace (void)
{
  /* As root a network namespace needs nothing more; elsewhere a user namespace first. */
  return unshare (CLONE_NEWNET) == 0 || unshare (CLONE_NEWUSER | CLONE_NEWNET) == 0;
}

static gboolean
apply_landlock (void)
{
  struct landlock_ruleset_attr attr = { 0 };
  int abi = (int) syscall (SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
  int ruleset;
  gboolean ok;

  if (abi < 1)
    return FALSE;
  attr.handled_access_fs = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |
                           LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR |
                           LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |
                           LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR |
                           LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK |
                           LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |
                           LANDLOCK_ACCESS_FS_MAKE_SYM;
#ifdef LANDLOCK_ACCESS_FS_REFER
  if (abi >= 2)
    attr.handled_access_fs |= LANDLOCK_ACCESS_FS_REFER;
#endif
#ifdef LANDLOCK_ACCESS_FS_TRUNCATE
  if (abi >= 3)
    attr.handled_access_fs |= LANDLOCK_ACCESS_FS_TRUNCATE;
#endif
  /* No rules: descriptors already open (the socket, each file received) keep working, and
   * no path can be opened. */
  ruleset = (int) syscall (SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
  if (ruleset < 0)
    return FALSE;
  ok = syscall (SYS_landlock_restrict_self, ruleset, 0) == 0;
  close (ruleset);
  return ok;
}

/**
 * veil_worker_sandbox_apply:
 * @use_landlock: %FALSE to leave the filesystem layer out (tests of the other layers)
 *
 * Returns: the layers in place, or 0 with @error set when a required one failed
 */
VeilSandboxLayers
veil_worker_sandbox_apply (gboolean   use_landlock,
                           GError   **error)
{
  VeilSandboxLayers layers = 0;

  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "no_new_privs: %s", g_strerror (saved_errno));
      return 0;
    }
  layers |= VEIL_SANDBOX_NO_NEW_PRIVS;
  /* Before the filter, which refuses unshare(). */
  if (apply_net_namespace ())
    layers |= VEIL_SANDBOX_NET_NAMESPACE;
  if (use_landlock && apply_landlock ())
    layers |= VEIL_SANDBOX_LANDLOCK;
  if (!apply_seccomp (error))
    return 0;
  return layers | VEIL_SANDBOX_SECCOMP;
}
