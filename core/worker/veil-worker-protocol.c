/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-worker"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "veil-worker-pool.h"
#include "veil-worker-private.h"

/* Messages between a worker and its parent over their socket pair: a 4-byte length in host
 * order (both ends are the same machine), then that many bytes of serialised GVariant. The
 * file's descriptor, when there is one, travels with the length (SCM_RIGHTS). */

/* The pair between a parent and its worker: Unix-domain, never a network socket. This file is
 * the only place in libveil that calls the socket API (tests/core/test-no-network.c). */
gboolean
_veil_worker_socketpair (int pair[2])
{
  return socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) == 0;
}

static gboolean
io_error (GError    **error,
          const char *what,
          int         saved_errno)
{
  g_set_error (error, VEIL_WORKER_ERROR, VEIL_WORKER_ERROR_CRASHED,
               _("The analysis process stopped answering (%s: %s)."), what, g_strerror (saved_errno));
  return FALSE;
}

static gboolean
write_all (int          sock,
           const void  *data,
           gsize        size,
           GError     **error)
{
  const char *p = data;

  while (size > 0)
    {
      ssize_t n = send (sock, p, size, MSG_NOSIGNAL);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return io_error (error, "send", n < 0 ? errno : EPIPE);
      p += n;
      size -= (gsize) n;
    }
  return TRUE;
}

gboolean
_veil_worker_send (int        sock,
                   GVariant  *message,
                   int        fd,
                   GError   **error)
{
  g_autoptr(GVariant) owned = g_variant_ref_sink (message);
  guint32 size = (guint32) g_variant_get_size (owned);
  g_autofree guint8 *data = g_malloc (size + 1);
  union {
    char           buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } control;
  struct iovec iov = { &size, sizeof size };
  struct msghdr msg = { 0 };
  ssize_t n;

  if (size > VEIL_WORKER_MAX_MESSAGE)
    return io_error (error, "send", EMSGSIZE);
  g_variant_store (owned, data);

  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (fd >= 0)
    {
      struct cmsghdr *cmsg;

      memset (&control, 0, sizeof control);
      msg.msg_control = control.buf;
      msg.msg_controllen = sizeof control.buf;
      cmsg = CMSG_FIRSTHDR (&msg);
      cmsg->cmsg_level = SOL_SOCKET;
      cmsg->cmsg_type = SCM_RIGHTS;
      cmsg->cmsg_len = CMSG_LEN (sizeof (int));
      memcpy (CMSG_DATA (cmsg), &fd, sizeof (int));
    }
  do
    n = sendmsg (sock, &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n != (ssize_t) sizeof size)
    return io_error (error, "sendmsg", n < 0 ? errno : EPIPE);
  return write_all (sock, data, size, error);
}

static void
close_received (struct msghdr *msg,
                int           *out_fd)
{
  for (struct cmsghdr *c = CMSG_FIRSTHDR (msg); c != NULL; c = CMSG_NXTHDR (msg, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
      {
        gsize n = (c->cmsg_len - CMSG_LEN (0)) / sizeof (int);

        for (gsize i = 0; i < n; i++)
          {
            int fd;

            memcpy (&fd, CMSG_DATA (c) + i * sizeof (int), sizeof (int));
            /* One descriptor is expected, only where asked for; any other is closed. */
            if (out_fd != NULL && *out_fd < 0)
              *out_fd = fd;
            else
              close (fd);
          }
      }
}

/* Returns: (transfer full) (nullable): the message's bytes, or %NULL with @error set; an
 *   empty #GBytes when the other end closed the socket between messages */
GBytes *
_veil_worker_receive (int      sock,
                      int     *out_fd,
                      GError **error)
{
  union {
    char           buf[CMSG_SPACE (4 * sizeof (int))];
    struct cmsghdr align;
  } control;
  guint32 size = 0;
  struct iovec iov = { &size, sizeof size };
  struct msghdr msg = { 0 };
  g_autofree guint8 *data = NULL;
  gsize got = 0;
  ssize_t n;

  if (out_fd != NULL)
    *out_fd = -1;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.buf;
  msg.msg_controllen = sizeof control.buf;
  do
    n = recvmsg (sock, &msg, MSG_CMSG_CLOEXEC | MSG_WAITALL);
  while (n < 0 && errno == EINTR);
  close_received (&msg, out_fd);
  if (n == 0)
    return g_bytes_new (NULL, 0);
  if (n != (ssize_t) sizeof size || size == 0 || size > VEIL_WORKER_MAX_MESSAGE)
    {
      io_error (error, "recvmsg", n < 0 ? errno : EPROTO);
      goto fail;
    }
  data = g_malloc (size);
  while (got < size)
    {
      n = recv (sock, data + got, size - got, 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          io_error (error, "recv", n < 0 ? errno : EPIPE);
          goto fail;
        }
      got += (gsize) n;
    }
  return g_bytes_new_take (g_steal_pointer (&data), size);

fail:
  if (out_fd != NULL && *out_fd >= 0)
    {
      close (*out_fd);
      *out_fd = -1;
    }
  return NULL;
}
