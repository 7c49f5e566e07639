/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The analysis worker's own confinement, applied once it has loaded what it needs. */

typedef enum {
  VEIL_SANDBOX_NO_NEW_PRIVS = 1 << 0,
  VEIL_SANDBOX_NET_NAMESPACE = 1 << 1,  /* a network namespace with no interfaces but lo */
  VEIL_SANDBOX_SECCOMP = 1 << 2,        /* no sockets but AF_UNIX, no exec, no connect */
  VEIL_SANDBOX_LANDLOCK = 1 << 3,       /* no filesystem access at all */
} VeilSandboxLayers;

VeilSandboxLayers veil_worker_sandbox_apply (gboolean   use_landlock,
                                             GError   **error);

G_END_DECLS
