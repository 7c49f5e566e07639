/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <stdio.h>

#include "veil.h"
#include "veilctl.h"

G_BEGIN_DECLS

/* What every command file shares: the command tables, opening the store, the guardian and the
 * analyzer, the PIN on standard input, errors as exit codes and JSON output. */

/* One command or subcommand. @summary is marked with N_() and may be %NULL when the group
 * prints its own usage text. */
typedef struct {
  const char     *name;
  VeilctlCommand  handler;
  const char     *summary;
} VeilctlCommandEntry;

/* A command with subcommands. */
typedef struct {
  const VeilctlCommandEntry *commands;
  gsize                      n_commands;
  /* Prints the group's usage to @stream; %NULL prints it from the table */
  void                     (*print_usage)         (FILE *stream);
  /* printf format for an unknown subcommand (%s is its name), or %NULL to say nothing */
  const char                *unknown_format;
  /* whether the usage follows the unknown-subcommand message */
  gboolean                   usage_after_unknown;
  /* whether --help and -h print the usage and succeed */
  gboolean                   has_help;
} VeilctlCommandGroup;

void          veilctl_print_commands    (FILE                       *stream,
                                         const VeilctlCommandEntry  *commands,
                                         gsize                       n_commands);
int           veilctl_dispatch          (const VeilctlCommandGroup  *group,
                                         int                         argc,
                                         char                      **argv);
int           veilctl_usage             (const char                 *text);
gboolean      veilctl_parse_options     (int                        *argc,
                                         char                     ***argv,
                                         const char                 *parameter,
                                         const GOptionEntry         *entries,
                                         const char                 *description);
int           veilctl_exit_for          (guint                       n_ok,
                                         guint                       n_failed);

/* Errors, the store, the guardian and the PIN */
int           veilctl_report_error      (const GError               *error);
VeilProfile  *veilctl_open_profile      (const char                 *name,
                                         VeilStore                 **out_store,
                                         GError                    **error);
VeilGuardian *veilctl_open_guardian     (gboolean                    need_keyring,
                                         GError                    **error);
char         *veilctl_read_stdin_line   (void);
void          veilctl_free_secret       (char                       *secret);
int           veilctl_unlock_from_stdin (VeilGuardian               *guardian);
int           veilctl_unlock_if_pin_set (VeilGuardian               *guardian);
int           veilctl_open_unlocked     (VeilGuardian              **out_guardian);

/* Output */
void          veilctl_print_json        (JsonNode                   *node,
                                         gboolean                    pretty);
void          veilctl_json_object_append (JsonObject                *object,
                                          JsonNode                  *members);
char         *veilctl_format_time       (gint64                      unix_time);

G_END_DECLS
