/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-child-setup"

#include "config.h"

#include <glib/gi18n.h>

#include "veil-child-setup.h"
#include "veil-ui-utils.h"

/* The part of a new child's profile that names people and places: the trusted adults shown
 * with every warning, where pictures from messages arrive, and which picture folders are
 * checked. Until the guardian chooses, the usual folders are proposed: Downloads for
 * messages, Pictures for folder checks. */

struct _VeilChildSetup
{
  AdwBin                parent_instance;

  /* owned */
  GPtrArray            *adults;          /* "Name:how to reach them" */
  GPtrArray            *adult_rows;      /* the rows listing them, in the same order */
  GPtrArray            *message_folders; /* chosen paths; empty: the usual folders */
  GPtrArray            *picture_folders; /* chosen paths; empty: the Pictures folder */
  GtkFileChooserNative *chooser;

  /* template children */
  AdwPreferencesGroup  *adults_group;
  AdwEntryRow          *adult_name_row;
  AdwEntryRow          *adult_contact_row;
  AdwActionRow         *message_folders_row;
  AdwActionRow         *picture_folders_row;
};

G_DEFINE_FINAL_TYPE (VeilChildSetup, veil_child_setup, ADW_TYPE_BIN)

static char *
describe_folders (GPtrArray  *paths,
                  const char *usual)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (paths->len == 0)
    return g_strdup (usual);
  for (guint i = 0; i < paths->len; i++)
    {
      g_autofree char *name = veil_ui_display_path (paths->pdata[i]);
      g_string_append_printf (text, "%s%s", i > 0 ? "\n" : "", name);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
update_folder_rows (VeilChildSetup *self)
{
  g_autofree char *messages = describe_folders (self->message_folders, _("The usual folders, such as Downloads"));
  g_autofree char *pictures = describe_folders (self->picture_folders, _("The Pictures folder"));

  adw_action_row_set_subtitle (self->message_folders_row, messages);
  adw_action_row_set_subtitle (self->picture_folders_row, pictures);
}

static void
remove_adult_cb (GtkButton      *button,
                 VeilChildSetup *self)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (button), ADW_TYPE_ACTION_ROW);
  guint index;

  if (row == NULL || !g_ptr_array_find (self->adult_rows, row, &index))
    return;
  adw_preferences_group_remove (self->adults_group, row);
  g_ptr_array_remove_index (self->adult_rows, index);
  g_ptr_array_remove_index (self->adults, index);
}

static void
add_adult_action (GtkWidget  *widget,
                  const char *action,
                  GVariant   *param)
{
  VeilChildSetup *self = VEIL_CHILD_SETUP (widget);
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->adult_name_row))));
  g_autofree char *contact = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->adult_contact_row))));
  /* Translators: accessible label of the button removing a trusted adult; %s is their name */
  g_autofree char *remove_label = NULL;
  GtkWidget *row, *button;

  /* The name ends at the first colon when the profile is read back. */
  g_strdelimit (name, ":", ' ');
  if (*name == '\0')
    {
      gtk_widget_grab_focus (GTK_WIDGET (self->adult_name_row));
      return;
    }

  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), contact);
  button = gtk_button_new_from_icon_name ("user-trash-symbolic");
  remove_label = g_strdup_printf (_("Remove %s"), name);
  gtk_widget_set_tooltip_text (button, remove_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label, -1);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  g_signal_connect (button, "clicked", G_CALLBACK (remove_adult_cb), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  adw_preferences_group_add (self->adults_group, row);

  g_ptr_array_add (self->adult_rows, row);
  g_ptr_array_add (self->adults, g_strdup_printf ("%s:%s", name, contact));
  gtk_editable_set_text (GTK_EDITABLE (self->adult_name_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->adult_contact_row), "");
  gtk_widget_grab_focus (GTK_WIDGET (self->adult_name_row));
}

static void
chooser_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     VeilChildSetup  *self)
{
  const char *kind = g_object_get_data (G_OBJECT (dialog), "veil-kind");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL && g_file_peek_path (file) != NULL)
        veil_child_setup_add_folder (self, kind, g_file_peek_path (file));
    }
  g_clear_object (&self->chooser);
}

static void
choose_folder_action (GtkWidget  *widget,
                      const char *action,
                      GVariant   *param)
{
  VeilChildSetup *self = VEIL_CHILD_SETUP (widget);
  const char *kind = g_variant_get_string (param, NULL);

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (g_str_equal (kind, "messages")
                                               ? _("Choose a folder where pictures from messages arrive")
                                               : _("Choose a picture folder to check"),
                                               veil_ui_get_window (widget), GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                               _("_Choose"), _("_Cancel"));
  g_object_set_data_full (G_OBJECT (self->chooser), "veil-kind", g_strdup (kind), g_free);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
veil_child_setup_dispose (GObject *object)
{
  VeilChildSetup *self = VEIL_CHILD_SETUP (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), VEIL_TYPE_CHILD_SETUP);

  G_OBJECT_CLASS (veil_child_setup_parent_class)->dispose (object);
}

static void
veil_child_setup_finalize (GObject *object)
{
  VeilChildSetup *self = VEIL_CHILD_SETUP (object);

  g_clear_pointer (&self->adults, g_ptr_array_unref);
  g_clear_pointer (&self->adult_rows, g_ptr_array_unref);
  g_clear_pointer (&self->message_folders, g_ptr_array_unref);
  g_clear_pointer (&self->picture_folders, g_ptr_array_unref);

  G_OBJECT_CLASS (veil_child_setup_parent_class)->finalize (object);
}

static void
veil_child_setup_class_init (VeilChildSetupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = veil_child_setup_dispose;
  object_class->finalize = veil_child_setup_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/veil-child-setup.ui");
  gtk_widget_class_bind_template_child (widget_class, VeilChildSetup, adults_group);
  gtk_widget_class_bind_template_child (widget_class, VeilChildSetup, adult_name_row);
  gtk_widget_class_bind_template_child (widget_class, VeilChildSetup, adult_contact_row);
  gtk_widget_class_bind_template_child (widget_class, VeilChildSetup, message_folders_row);
  gtk_widget_class_bind_template_child (widget_class, VeilChildSetup, picture_folders_row);

  gtk_widget_class_install_action (widget_class, "child-setup.add-adult", NULL, add_adult_action);
  gtk_widget_class_install_action (widget_class, "child-setup.choose-folder", "s", choose_folder_action);
}

static void
contact_activated_cb (VeilChildSetup *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "child-setup.add-adult", NULL);
}

static void
veil_child_setup_init (VeilChildSetup *self)
{
  self->adults = g_ptr_array_new_with_free_func (g_free);
  self->adult_rows = g_ptr_array_new ();
  self->message_folders = g_ptr_array_new_with_free_func (g_free);
  self->picture_folders = g_ptr_array_new_with_free_func (g_free);
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Enter in either field adds the adult, as the button does. */
  g_signal_connect_swapped (self->adult_name_row, "entry-activated", G_CALLBACK (contact_activated_cb), self);
  g_signal_connect_swapped (self->adult_contact_row, "entry-activated", G_CALLBACK (contact_activated_cb), self);
  update_folder_rows (self);
}

/* Returns: (transfer floating): the trusted adults and folders of a new profile */
GtkWidget *
veil_child_setup_new (void)
{
  return g_object_new (VEIL_TYPE_CHILD_SETUP, NULL);
}

/* Forgets what was entered, for the next child. */
void
veil_child_setup_reset (VeilChildSetup *self)
{
  g_return_if_fail (VEIL_IS_CHILD_SETUP (self));

  for (guint i = 0; i < self->adult_rows->len; i++)
    adw_preferences_group_remove (self->adults_group, self->adult_rows->pdata[i]);
  g_ptr_array_set_size (self->adult_rows, 0);
  g_ptr_array_set_size (self->adults, 0);
  g_ptr_array_set_size (self->message_folders, 0);
  g_ptr_array_set_size (self->picture_folders, 0);
  gtk_editable_set_text (GTK_EDITABLE (self->adult_name_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->adult_contact_row), "");
  update_folder_rows (self);
}

/**
 * veil_child_setup_add_folder:
 * @kind: "messages" or "pictures"
 * @path: a folder the guardian chose
 *
 * What the folder chooser does once the guardian has chosen.
 */
void
veil_child_setup_add_folder (VeilChildSetup *self,
                             const char     *kind,
                             const char     *path)
{
  GPtrArray *folders;

  g_return_if_fail (VEIL_IS_CHILD_SETUP (self));
  g_return_if_fail (path != NULL);

  folders = g_strcmp0 (kind, "messages") == 0 ? self->message_folders : self->picture_folders;
  if (!g_ptr_array_find_with_equal_func (folders, path, g_str_equal, NULL))
    g_ptr_array_add (folders, g_strdup (path));
  update_folder_rows (self);
}

guint
veil_child_setup_get_n_adults (VeilChildSetup *self)
{
  g_return_val_if_fail (VEIL_IS_CHILD_SETUP (self), 0);
  return self->adults->len;
}

/**
 * veil_child_setup_apply:
 * @draft: the profile being made
 *
 * Puts the trusted adults and folders into @draft. An adult typed but not added yet is
 * added, as the guardian would expect. Without a chosen picture folder, the Pictures folder
 * is checked.
 *
 * Returns: %FALSE with @error set when a value is not accepted
 */
gboolean
veil_child_setup_apply (VeilChildSetup      *self,
                        VeilProfileBuilder  *draft,
                        GError             **error)
{
  g_autoptr(GPtrArray) pictures = g_ptr_array_new ();
  const char *usual = g_get_user_special_dir (G_USER_DIRECTORY_PICTURES);

  g_return_val_if_fail (VEIL_IS_CHILD_SETUP (self), FALSE);

  if (*gtk_editable_get_text (GTK_EDITABLE (self->adult_name_row)) != '\0')
    add_adult_action (GTK_WIDGET (self), NULL, NULL);
  veil_profile_builder_clear_trusted_adults (draft);
  for (guint i = 0; i < self->adults->len; i++)
    if (!veil_profile_builder_set_from_string (draft, "trusted-adult", self->adults->pdata[i], error))
      return FALSE;

  if (self->message_folders->len > 0)
    {
      g_ptr_array_add (self->message_folders, NULL);
      veil_profile_builder_set_message_folders (draft, (const char * const *) self->message_folders->pdata);
      g_ptr_array_remove_index (self->message_folders, self->message_folders->len - 1);
    }
  for (guint i = 0; i < self->picture_folders->len; i++)
    g_ptr_array_add (pictures, self->picture_folders->pdata[i]);
  if (pictures->len == 0 && usual != NULL && g_file_test (usual, G_FILE_TEST_IS_DIR))
    g_ptr_array_add (pictures, (gpointer) usual);
  g_ptr_array_add (pictures, NULL);
  if (pictures->len > 1)
    veil_profile_builder_set_folders (draft, (const char * const *) pictures->pdata);
  return TRUE;
}
