/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "veil-test-utils.h"

/* Veil has no network code: the built `veil` and `veilctl` and every object of libveil are
 * listed with nm, and none may import a network API. Talking to the local session bus goes
 * through GDBus (g_dbus_*, g_bus_*), whose sockets are GIO's business, not ours. A canary
 * program that does import network calls proves the check would catch them. */

/* Exact names from libc. */
static const char * const forbidden_names[] = {
  "socket", "socketpair", "connect", "bind", "listen", "accept", "accept4",
  "getaddrinfo", "getnameinfo", "gethostbyname", "gethostbyname2", "gethostbyname_r",
  "gethostbyaddr", "send", "sendto", "sendmsg", "sendmmsg", "recv", "recvfrom", "recvmsg",
  "recvmmsg", "inet_pton", "inet_aton", "res_query", "res_search",
};

/* The Unix-domain socket pair to the analysis worker (a descriptor passed with SCM_RIGHTS) is
 * no network: these calls are allowed in its one file, core/worker/veil-worker-protocol.c,
 * and so in the programs linking it, and nowhere else in libveil. */
static const char * const worker_ipc_names[] = {
  "socketpair", "send", "recv", "sendmsg", "recvmsg",
};
#define WORKER_IPC_OBJECT "worker_veil-worker-protocol.c.o"

/* Whole families: GIO's network classes, libsoup, libcurl and TLS. */
static const char * const forbidden_prefixes[] = {
  "g_socket_", "g_network_", "g_resolver_", "g_inet_", "g_proxy_", "g_tls_", "g_dtls_",
  "soup_", "curl_",
};

static gboolean
is_worker_ipc (const char *symbol)
{
  for (gsize i = 0; i < G_N_ELEMENTS (worker_ipc_names); i++)
    if (g_str_equal (symbol, worker_ipc_names[i]))
      return TRUE;
  return FALSE;
}

static gboolean
is_forbidden (const char *symbol)
{
  for (gsize i = 0; i < G_N_ELEMENTS (forbidden_names); i++)
    if (g_str_equal (symbol, forbidden_names[i]))
      return TRUE;
  for (gsize i = 0; i < G_N_ELEMENTS (forbidden_prefixes); i++)
    if (g_str_has_prefix (symbol, forbidden_prefixes[i]))
      return TRUE;
  return FALSE;
}

/* Returns: (transfer full): the undefined symbols @path imports, versions stripped; for an
 *   archive with @member set, only those of that member, or with @others also set, only
 *   those of every other member */
static GHashTable *
imported_symbols (const char *path,
                  gboolean    dynamic,
                  const char *member,
                  gboolean    others)
{
  g_autofree char *header = member != NULL ? g_strconcat (member, ":", NULL) : NULL;
  gboolean in_member = member == NULL || others;
  g_autoptr(GHashTable) symbols = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *argv_dynamic[] = { "nm", "-D", "--undefined-only", path, NULL };
  const char *argv_objects[] = { "nm", "--undefined-only", path, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_spawn_sync (NULL, (char **) (dynamic ? argv_dynamic : argv_objects), NULL, G_SPAWN_SEARCH_PATH,
                NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("nm %s: %s: %s", path, error->message, err);

  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit_set (g_strstrip (lines[i]), " \t", -1);
      guint n = g_strv_length (fields);
      char *at;

      /* "U name" or "w name"; archive member headers ("x.o:") and blank lines have one field. */
      if (n == 1 && member != NULL && g_str_has_suffix (fields[0], ":"))
        {
          /* A thin archive names its members by path. */
          g_autofree char *in_dir = g_strconcat ("/", header, NULL);

          in_member = (g_str_equal (fields[0], header) || g_str_has_suffix (fields[0], in_dir)) != others;
        }
      if (n < 2 || strlen (fields[n - 2]) != 1 || !in_member)
        continue;
      at = strchr (fields[n - 1], '@');
      if (at != NULL)
        *at = '\0';
      g_hash_table_add (symbols, g_strdup (fields[n - 1]));
    }
  return g_steal_pointer (&symbols);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* Returns: (transfer full): the forbidden ones among @symbols, sorted, space-separated */
static char *
forbidden_in (GHashTable *symbols,
              gboolean    worker_ipc_allowed)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer symbol;

  g_hash_table_iter_init (&iter, symbols);
  while (g_hash_table_iter_next (&iter, &symbol, NULL))
    if (is_forbidden (symbol) && !(worker_ipc_allowed && is_worker_ipc (symbol)))
      g_ptr_array_add (found, symbol);
  g_ptr_array_sort (found, compare_names);
  g_ptr_array_add (found, NULL);
  return g_strjoinv (" ", (char **) found->pdata);
}

static void
test_binaries (void)
{
  g_auto(GStrv) binaries = g_strsplit (VEIL_NO_NETWORK_BINARIES, ":", -1);

  g_assert_cmpuint (g_strv_length (binaries), ==, 2);
  for (guint i = 0; binaries[i] != NULL; i++)
    {
      g_autoptr(GHashTable) symbols = imported_symbols (binaries[i], TRUE, NULL, FALSE);
      g_autofree char *found = forbidden_in (symbols, TRUE);

      /* The listing is real: every program here uses GObject. */
      g_assert_true (g_hash_table_contains (symbols, "g_object_unref"));
      if (*found != '\0')
        g_error ("%s imports network functions: %s", binaries[i], found);
    }
}

static void
test_library (void)
{
  /* Every object of libveil but the worker's socket pair: nothing at all from the socket API. */
  g_autoptr(GHashTable) symbols = imported_symbols (VEIL_NO_NETWORK_LIBRARY, FALSE, WORKER_IPC_OBJECT, TRUE);
  g_autoptr(GHashTable) worker_ipc = imported_symbols (VEIL_NO_NETWORK_LIBRARY, FALSE, WORKER_IPC_OBJECT, FALSE);
  g_autofree char *found = forbidden_in (symbols, FALSE);
  g_autofree char *found_in_worker_ipc = forbidden_in (worker_ipc, TRUE);

  /* The worker's file is really there, and only its Unix-domain calls are let through. */
  g_assert_true (g_hash_table_contains (worker_ipc, "sendmsg"));
  g_assert_cmpstr (found_in_worker_ipc, ==, "");

  g_assert_true (g_hash_table_contains (symbols, "sqlite3_open_v2"));
  g_assert_true (g_hash_table_contains (symbols, "vips_image_new_from_source"));
  /* The D-Bus service is there, through GDBus: allowed. */
  g_assert_true (g_hash_table_contains (symbols, "g_dbus_interface_skeleton_export"));
  if (*found != '\0')
    g_error ("libveil imports network functions: %s", found);
}

static void
test_canary (void)
{
  g_autoptr(GHashTable) symbols = imported_symbols (VEIL_NO_NETWORK_CANARY, TRUE, NULL, FALSE);
  g_autofree char *found = forbidden_in (symbols, FALSE);

  /* Were Veil's code to make these calls, the tests above would fail like this. */
  g_assert_cmpstr (found, ==, "connect g_socket_client_new");
}

int
main (int    argc,
      char **argv)
{
  veil_test_init (&argc, &argv);

  g_test_add_func ("/veil/no-network/binaries", test_binaries);
  g_test_add_func ("/veil/no-network/library", test_library);
  g_test_add_func ("/veil/no-network/canary", test_canary);

  return g_test_run ();
}
