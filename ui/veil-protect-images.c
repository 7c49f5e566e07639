/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-protect-images"

#include "config.h"

#include <glib/gi18n.h>

#include "veil-protect-images.h"
#include "veil-protected-image-row.h"
#include "veil-ui-utils.h"

/* "Protect my pictures", for teens and without the PIN: the teen picks their own pictures,
 * Veil keeps only each one's PDQ hash and MD5 (the pair Take It Down and StopNCII take), lists
 * them as text (never a thumbnail), lets the teen copy them and remove entries, and points to
 * the two services. Links open only when the teen clicks them. */

struct _VeilProtectImages
{
  AdwWindow            parent_instance;

  /* construct-only, owned */
  VeilContext         *context;
  VeilProfile         *profile;

  /* owned */
  GListModel          *model;         /* the context's VeilProtectedImageModel; NULL without a store */
  GCancellable        *cancellable;   /* cancelled in dispose */
  GtkNativeDialog     *chooser;
  guint                n_adding;

  /* template children */
  AdwPreferencesGroup *images_group;
  GtkListBox          *images_list;
  AdwPreferencesGroup *links_group;
};

G_DEFINE_FINAL_TYPE (VeilProtectImages, veil_protect_images, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_CONTEXT,
  PROP_PROFILE,
  N_PROPS
};

enum {
  ADD_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* The two services that take hashes instead of pictures, in the help resources file. */
static const char * const link_ids[] = { "take-it-down", "stopncii" };

static GtkWidget *
icon_button (const char *icon,
             const char *tooltip,
             const char *label,
             const char *action,
             const char *target)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_string (target));
  return button;
}

static GtkWidget *
create_row_cb (gpointer item,
               gpointer user_data)
{
  return veil_protected_image_row_new (VEIL_PROTECTED_IMAGE_ITEM (item));
}

/* --- help links ---------------------------------------------------------------------------- */

static void
links_loaded_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(VeilProtectImages) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) resources = veil_help_resources_load_default_finish (result, &error);
  guint n_links = 0;

  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  /* Without the file there is nothing to point to; the codes can still be copied. */
  if (resources == NULL)
    g_debug ("No services to point to: %s", error->message);

  for (guint k = 0; k < G_N_ELEMENTS (link_ids); k++)
    for (guint i = 0; resources != NULL && i < resources->len; i++)
      {
        const VeilHelpResource *r = g_ptr_array_index (resources, i);
        g_autofree char *label = NULL;
        GtkWidget *row;

        if (!g_str_equal (r->id, link_ids[k]) || r->url == NULL)
          continue;
        row = adw_action_row_new ();
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), r->name);
        adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), r->description);
        adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
        /* Translators: accessible label of the button opening the website of %s */
        label = g_strdup_printf (_("Open the website of %s"), r->name);
        adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                   icon_button ("web-browser-symbolic", _("Open Website"), label,
                                                "protect.open-link", r->url));
        adw_preferences_group_add (self->links_group, row);
        n_links++;
      }

  gtk_widget_set_visible (GTK_WIDGET (self->links_group), n_links > 0);
}

/* --- adding pictures ----------------------------------------------------------------------- */

static void
finish_adding (VeilProtectImages *self,
               guint              n_added,
               const char        *problem)
{
  self->n_adding--;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "protect.add", self->n_adding == 0);
  if (problem != NULL)
    {
      veil_ui_toast (GTK_WIDGET (self), problem);
    }
  else
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "%u picture is protected. Only its codes were kept.",
                                                            "%u pictures are protected. Only their codes were kept.",
                                                            n_added),
                                               n_added);
      veil_ui_toast (GTK_WIDGET (self), text);
    }
  g_signal_emit (self, signals[ADD_FINISHED], 0, n_added, problem);
}

/* What adding found, until the pictures are listed. */
typedef struct {
  VeilProtectImages *self;     /* owned */
  guint              n_added;
  char              *problem;
} Added;

static void
added_free (Added *added)
{
  g_object_unref (added->self);
  g_free (added->problem);
  g_free (added);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Added, added_free)

static void
reloaded_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(Added) added = user_data;
  g_autoptr(GError) error = NULL;

  /* The hashes are kept either way; a failed read shows at the next reload. */
  if (!veil_record_model_reload_finish (VEIL_RECORD_MODEL (source), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  finish_adding (added->self, added->n_added, added->problem);
}

static void
add_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  VeilProtectImages *self = user_data;
  g_autoptr(Added) added = g_new0 (Added, 1);
  g_autoptr(GError) error = NULL;

  added->self = self;
  if (!veil_protect_pictures_finish (VEIL_STORE (source), result, &added->n_added, &added->problem, &error))
    return;  /* only cancellation fails: the window is going away */

  /* Told once the pictures are listed. */
  veil_record_model_reload_async (VEIL_RECORD_MODEL (self->model), self->cancellable, reloaded_cb,
                                  g_steal_pointer (&added));
}

/* The pictures waiting for the analyzer that hashes them (in its workers). */
typedef struct {
  VeilProtectImages *self;
  GStrv              paths;
} AddRequest;

static AddRequest *
add_request_new (VeilProtectImages *self,
                 GPtrArray         *paths)
{
  AddRequest *request = g_new0 (AddRequest, 1);

  request->self = g_object_ref (self);
  request->paths = g_strdupv ((char **) paths->pdata);
  return request;
}

static void
add_request_free (AddRequest *request)
{
  g_object_unref (request->self);
  g_strfreev (request->paths);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AddRequest, add_request_free)

static void
analyzer_loaded_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(AddRequest) request = user_data;
  VeilProtectImages *self = request->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilAnalyzer) analyzer = veil_context_load_analyzer_finish (VEIL_CONTEXT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->model == NULL)
    return;  /* the window is going away */
  if (analyzer == NULL)
    {
      finish_adding (self, 0, error->message);
      return;
    }
  veil_protect_pictures_async (veil_record_model_get_store (VEIL_RECORD_MODEL (self->model)), analyzer,
                               veil_profile_get_id (self->profile), (const char * const *) request->paths,
                               self->cancellable, add_done_cb, g_object_ref (self));
}

static void
chooser_response_cb (VeilProtectImages *self,
                     int                response,
                     GtkNativeDialog   *dialog)
{
  g_autoptr(GListModel) files = NULL;
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_object_unref);

  if (response == GTK_RESPONSE_ACCEPT)
    files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));
  g_clear_object (&self->chooser);
  for (guint i = 0; files != NULL && i < g_list_model_get_n_items (files); i++)
    g_ptr_array_add (list, g_list_model_get_item (files, i));
  if (list->len > 0)
    veil_protect_images_add_files (self, list);
}

static void
add_action (GtkWidget  *widget,
            const char *action,
            GVariant   *param)
{
  VeilProtectImages *self = VEIL_PROTECT_IMAGES (widget);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;
  self->chooser = GTK_NATIVE_DIALOG (gtk_file_chooser_native_new (_("Choose Your Pictures"), GTK_WINDOW (self),
                                                                  GTK_FILE_CHOOSER_ACTION_OPEN,
                                                                  _("_Protect"), NULL));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (self->chooser), TRUE);
  gtk_file_filter_set_name (filter, _("Pictures"));
  gtk_file_filter_add_pixbuf_formats (filter);
  gtk_file_filter_add_mime_type (filter, "image/*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (chooser_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (self->chooser);
}

static void
copy_action (GtkWidget  *widget,
             const char *action,
             GVariant   *param)
{
  VeilProtectImages *self = VEIL_PROTECT_IMAGES (widget);
  const VeilProtectedImage *image = NULL;
  g_autofree char *text = NULL;

  if (self->model != NULL)
    image = veil_protected_image_model_find (VEIL_PROTECTED_IMAGE_MODEL (self->model),
                                             g_variant_get_string (param, NULL));
  if (image == NULL)
    return;
  text = veil_protected_image_row_format_hashes (image);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
  veil_ui_toast (GTK_WIDGET (self), _("Copied. Paste the codes where the service asks for them."));
}

static void
remove_action (GtkWidget  *widget,
               const char *action,
               GVariant   *param)
{
  VeilProtectImages *self = VEIL_PROTECT_IMAGES (widget);

  if (veil_protect_images_remove (self, g_variant_get_string (param, NULL)))
    veil_ui_toast (GTK_WIDGET (self), _("That picture is no longer protected, and its codes are gone."));
}

static void
open_link_action (GtkWidget  *widget,
                  const char *action,
                  GVariant   *param)
{
  /* Only ever on the teen's own click: nothing here opens a page by itself. */
  gtk_show_uri (GTK_WINDOW (widget), g_variant_get_string (param, NULL), GDK_CURRENT_TIME);
}

/* --- GObject ------------------------------------------------------------------------------- */

static void
veil_protect_images_constructed (GObject *object)
{
  VeilProtectImages *self = VEIL_PROTECT_IMAGES (object);

  G_OBJECT_CLASS (veil_protect_images_parent_class)->constructed (object);

  if (self->context != NULL && self->profile != NULL)
    self->model = veil_context_get_protected_image_model (self->context, veil_profile_get_id (self->profile));
  if (self->model != NULL)
    {
      g_object_ref (self->model);
      gtk_list_box_bind_model (self->images_list, self->model, create_row_cb, NULL, NULL);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "protect.add", self->model != NULL);

  gtk_widget_set_visible (GTK_WIDGET (self->links_group), FALSE);
  veil_help_resources_load_default_async (self->cancellable, links_loaded_cb, g_object_ref (self));
}

static void
veil_protect_images_dispose (GObject *object)
{
  VeilProtectImages *self = VEIL_PROTECT_IMAGES (object);

  g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), VEIL_TYPE_PROTECT_IMAGES);
  g_clear_object (&self->model);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (veil_protect_images_parent_class)->dispose (object);
}

static void
veil_protect_images_finalize (GObject *object)
{
  VeilProtectImages *self = VEIL_PROTECT_IMAGES (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->profile, veil_profile_unref);

  G_OBJECT_CLASS (veil_protect_images_parent_class)->finalize (object);
}

static void
veil_protect_images_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  VeilProtectImages *self = VEIL_PROTECT_IMAGES (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;
    case PROP_PROFILE:
      g_value_set_boxed (value, self->profile);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_protect_images_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  VeilProtectImages *self = VEIL_PROTECT_IMAGES (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;
    case PROP_PROFILE:
      self->profile = g_value_dup_boxed (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_protect_images_class_init (VeilProtectImagesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = veil_protect_images_constructed;
  object_class->dispose = veil_protect_images_dispose;
  object_class->finalize = veil_protect_images_finalize;
  object_class->get_property = veil_protect_images_get_property;
  object_class->set_property = veil_protect_images_set_property;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, VEIL_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROFILE] =
    g_param_spec_boxed ("profile", NULL, NULL, VEIL_TYPE_PROFILE,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * VeilProtectImages::add-finished:
   * @n_added: how many pictures are now protected
   * @problem: (nullable): the first failure, naming the file
   */
  signals[ADD_FINISHED] =
    g_signal_new ("add-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/veil-protect-images.ui");
  gtk_widget_class_bind_template_child (widget_class, VeilProtectImages, images_group);
  gtk_widget_class_bind_template_child (widget_class, VeilProtectImages, images_list);
  gtk_widget_class_bind_template_child (widget_class, VeilProtectImages, links_group);

  gtk_widget_class_install_action (widget_class, "protect.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "protect.copy", "s", copy_action);
  gtk_widget_class_install_action (widget_class, "protect.remove", "s", remove_action);
  gtk_widget_class_install_action (widget_class, "protect.open-link", "s", open_link_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
veil_protect_images_init (VeilProtectImages *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * veil_protect_images_is_offered:
 *
 * Taking pictures down through hashes is offered from 13 on, as Take It Down does.
 */
gboolean
veil_protect_images_is_offered (VeilProfile *profile)
{
  VeilAgeBand band;

  g_return_val_if_fail (profile != NULL, FALSE);

  band = veil_profile_get_effective_age_band (profile);
  return band == VEIL_AGE_BAND_13_15 || band == VEIL_AGE_BAND_16_17;
}

GtkWidget *
veil_protect_images_new (VeilContext *context,
                         VeilProfile *profile)
{
  g_return_val_if_fail (VEIL_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (profile != NULL, NULL);

  return g_object_new (VEIL_TYPE_PROTECT_IMAGES, "context", context, "profile", profile, NULL);
}

/**
 * veil_protect_images_add_files:
 * @files: (element-type GFile): the pictures the teen picked
 *
 * Hashes the pictures in a worker thread and keeps only the hashes.
 * #VeilProtectImages::add-finished tells how it went; problems are shown as a toast.
 */
void
veil_protect_images_add_files (VeilProtectImages *self,
                               GPtrArray         *files)
{
  g_autoptr(GPtrArray) paths = NULL;

  g_return_if_fail (VEIL_IS_PROTECT_IMAGES (self));
  g_return_if_fail (files != NULL);

  if (self->model == NULL)
    return;

  paths = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < files->len; i++)
    {
      char *path = g_file_get_path (g_ptr_array_index (files, i));

      if (path != NULL)
        g_ptr_array_add (paths, path);
    }
  g_ptr_array_add (paths, NULL);

  self->n_adding++;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "protect.add", FALSE);
  veil_context_load_analyzer_async (self->context, self->cancellable, analyzer_loaded_cb,
                                    add_request_new (self, paths));
}

/**
 * veil_protect_images_remove:
 * @md5: a shown picture's MD5
 *
 * Returns: whether the picture's hashes were forgotten; failures are shown as a toast
 */
gboolean
veil_protect_images_remove (VeilProtectImages *self,
                            const char        *md5)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (VEIL_IS_PROTECT_IMAGES (self), FALSE);
  g_return_val_if_fail (md5 != NULL, FALSE);

  if (self->model == NULL)
    return FALSE;
  if (!veil_protected_image_model_remove (VEIL_PROTECTED_IMAGE_MODEL (self->model), md5, &error))
    {
      veil_ui_show_error (GTK_WIDGET (self), error);
      return FALSE;
    }
  return TRUE;
}

/* Returns: how many protected pictures are listed */
guint
veil_protect_images_get_n_shown (VeilProtectImages *self)
{
  g_return_val_if_fail (VEIL_IS_PROTECT_IMAGES (self), 0);

  return self->model != NULL ? g_list_model_get_n_items (self->model) : 0;
}

/**
 * veil_protect_images_get_hashes_text:
 *
 * Returns: (transfer full) (nullable): what "copy" puts on the clipboard for the picture
 *   listed at @index: its MD5 and PDQ hash, one a line
 */
char *
veil_protect_images_get_hashes_text (VeilProtectImages *self,
                                     guint              index)
{
  g_autoptr(VeilProtectedImageItem) item = NULL;

  g_return_val_if_fail (VEIL_IS_PROTECT_IMAGES (self), NULL);

  if (self->model != NULL)
    item = g_list_model_get_item (self->model, index);
  if (item == NULL)
    return NULL;
  return veil_protected_image_row_format_hashes (veil_protected_image_item_get_image (item));
}
