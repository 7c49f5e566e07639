/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "veil-test-app.h"

G_BEGIN_DECLS

/* What the guardian-area tests share: a store with two children behind a PIN, and the way a
 * guardian unlocks and finds things in the real window. */

#define VEIL_TEST_PIN "482916"

GtkWidget *veil_test_find_row             (GtkWidget      *root,
                                           const char     *title);
void       veil_test_guardian_fill_store  (VeilAppFixture *fixture);
void       veil_test_wait_for_page        (VeilAppFixture *fixture,
                                           const char     *name);
void       veil_test_unlock_through_ui    (VeilAppFixture *fixture);
gboolean   veil_test_dialog_shown         (gpointer        data);
gboolean   veil_test_label_shown          (gpointer        label);
GtkWidget *veil_test_find_change_pin_dialog (void);

G_END_DECLS
