/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit codes scripts can rely on. */
typedef enum {
  VEILCTL_EXIT_OK = 0,          /* everything done */
  VEILCTL_EXIT_FAILURE = 1,     /* the command could not do its job at all */
  VEILCTL_EXIT_USAGE = 2,       /* bad command line */
  VEILCTL_EXIT_PARTIAL = 3,     /* some inputs failed; the others were handled */
  VEILCTL_EXIT_DENIED = 4,      /* wrong guardian PIN or locked out */
} VeilctlExit;

/* Each command gets argv with argv[0] = the command's name. */
typedef int (*VeilctlCommand) (int argc, char **argv);

int veilctl_version (int argc, char **argv);
/* Hashing and hash lists */
int veilctl_hash (int argc, char **argv);
int veilctl_match (int argc, char **argv);
int veilctl_list (int argc, char **argv);
/* The classifier */
int veilctl_classify (int argc, char **argv);
/* Guardian, profiles, consent, audit, export */
int veilctl_guardian (int argc, char **argv);
int veilctl_profile  (int argc, char **argv);
int veilctl_consent  (int argc, char **argv);
int veilctl_audit    (int argc, char **argv);
int veilctl_export   (int argc, char **argv);
int veilctl_erase    (int argc, char **argv);
int veilctl_status   (int argc, char **argv);
/* Library scanning */
int veilctl_scan      (int argc, char **argv);
int veilctl_alerts    (int argc, char **argv);
int veilctl_scan_list (int argc, char **argv);
/* Reports */
int veilctl_report    (int argc, char **argv);
/* Message warnings */
int veilctl_watch     (int argc, char **argv);
int veilctl_restore   (int argc, char **argv);

G_END_DECLS
