/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <sys/socket.h>

/* Never run: it only imports what test-no-network must catch, to prove its check would fail
 * if Veil's own code ever did the same. */

int
main (int    argc,
      char **argv)
{
  if (argc > 1000)
    {
      g_autoptr(GSocketClient) client = g_socket_client_new ();

      return connect (-1, NULL, 0) + (client != NULL);
    }
  return 0;
}
