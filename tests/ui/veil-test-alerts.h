/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "veil-test-app.h"

G_BEGIN_DECLS

#define VEIL_TEST_ALERTS_PIN "482916"

typedef struct {
  char   *dir;           /* where the pictures arrive */
  char   *picture;       /* the warned picture */
  gint64  alert_id;
} VeilTestAlerted;

void              veil_test_alerted_clear          (VeilTestAlerted  *a);
VeilProfile      *veil_test_alerts_save_profile    (VeilAppFixture   *fixture,
                                                    const char       *name,
                                                    ...) G_GNUC_NULL_TERMINATED;
VeilProfile      *veil_test_alerts_save_unlocked   (VeilAppFixture   *fixture,
                                                    const char       *name,
                                                    ...) G_GNUC_NULL_TERMINATED;
VeilVerdict      *veil_test_make_verdict           (void);
void              veil_test_alerts_record          (VeilAppFixture   *fixture,
                                                    VeilProfile      *profile,
                                                    gboolean         tell_guardian,
                                                    guint32          seed,
                                                    VeilTestAlerted  *out);
VeilAlertView    *veil_test_alerts_get_view        (VeilAppFixture   *fixture);
gboolean          veil_test_alerts_picture_loaded  (gpointer         view);
VeilAlertView    *veil_test_alerts_open            (VeilAppFixture   *fixture,
                                                    gint64           alert_id);
gboolean          veil_test_alerts_has_audit       (VeilAppFixture   *fixture,
                                                    gint64           profile_id,
                                                    const char       *kind);
GtkWidget        *veil_test_find_action_button     (GtkWidget        *root,
                                                    const char       *action);
GtkWidget        *veil_test_find_action_widget     (GtkWidget        *root,
                                                    const char       *action,
                                                    gboolean         visible);
AdwMessageDialog *veil_test_find_dialog            (void);
AdwMessageDialog *veil_test_find_choice_dialog     (void);
AdwMessageDialog *veil_test_wait_for_dialog        (void);
void              veil_test_respond                (AdwMessageDialog *dialog,
                                                    const char       *response);
char             *veil_test_dialog_text            (AdwMessageDialog *dialog);
void              veil_test_alerts_open_link_cb    (VeilAlertView    *view,
                                                    const char       *url,
                                                    GPtrArray        *opened);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (VeilTestAlerted, veil_test_alerted_clear)

G_END_DECLS
