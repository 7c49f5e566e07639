/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-analyzer-service"

#include "config.h"

#include "veil-held-skeleton-private.h"
#include "veil-analyzer-service.h"

#include <glib/gi18n-lib.h>

/* The generated skeleton answers property reads synchronously from its cached values. This
 * subclass hands GDBus a vtable without a get_property, which makes GDBus route
 * org.freedesktop.DBus.Properties calls to method_call as invocations: those, and the
 * interface's own calls, can then wait. Once released, each is answered by the generated
 * skeleton's own handlers, in the order they came. */

struct _VeilHeldSkeleton
{
  VeilDBusAnalyzer1Skeleton  parent_instance;

  gboolean                   held;
  GQueue                     waiting; /* owned GDBusMethodInvocation */
};

G_DEFINE_FINAL_TYPE (VeilHeldSkeleton, veil_held_skeleton, VEIL_DBUS_TYPE_ANALYZER1_SKELETON)

#define PROPERTIES_INTERFACE "org.freedesktop.DBus.Properties"

static GDBusInterfaceVTable *
parent_vtable (VeilHeldSkeleton *self)
{
  GDBusInterfaceSkeletonClass *parent = G_DBUS_INTERFACE_SKELETON_CLASS (veil_held_skeleton_parent_class);

  return parent->get_vtable (G_DBUS_INTERFACE_SKELETON (self));
}

static GVariant *
get_property (VeilHeldSkeleton       *self,
              GDBusMethodInvocation  *invocation,
              const char             *name,
              GError                **error)
{
  GDBusInterfaceVTable *vtable = parent_vtable (self);

  return vtable->get_property (g_dbus_method_invocation_get_connection (invocation),
                               g_dbus_method_invocation_get_sender (invocation),
                               g_dbus_method_invocation_get_object_path (invocation),
                               g_dbus_interface_skeleton_get_info (G_DBUS_INTERFACE_SKELETON (self))->name,
                               name, error, self);
}

/* Get and GetAll for this interface (GDBus checked the interface and property names). */
static void
answer_properties (VeilHeldSkeleton      *self,
                   GDBusMethodInvocation *invocation)
{
  const char *method = g_dbus_method_invocation_get_method_name (invocation);
  GVariant *parameters = g_dbus_method_invocation_get_parameters (invocation);
  GError *error = NULL;

  if (g_str_equal (method, "Get"))
    {
      const char *name = NULL;
      GVariant *value;

      g_variant_get (parameters, "(&s&s)", NULL, &name);
      value = get_property (self, invocation, name, &error);
      if (value == NULL)
        g_dbus_method_invocation_take_error (invocation, error);
      else
        g_dbus_method_invocation_return_value (invocation, g_variant_new ("(v)", value));
    }
  else if (g_str_equal (method, "GetAll"))
    {
      GDBusInterfaceInfo *info = g_dbus_interface_skeleton_get_info (G_DBUS_INTERFACE_SKELETON (self));
      GVariantBuilder all;

      g_variant_builder_init (&all, G_VARIANT_TYPE ("a{sv}"));
      for (guint i = 0; info->properties != NULL && info->properties[i] != NULL; i++)
        {
          GVariant *value;

          if ((info->properties[i]->flags & G_DBUS_PROPERTY_INFO_FLAGS_READABLE) == 0)
            continue;
          value = get_property (self, invocation, info->properties[i]->name, NULL);
          if (value != NULL)
            g_variant_builder_add (&all, "{sv}", info->properties[i]->name, value);
        }
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(a{sv})", &all));
    }
  else
    {
      /* Analyzer1 has no writable property. */
      g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_PROPERTY_READ_ONLY,
                                             _("Veil’s properties can only be read."));
    }
}

/* Takes over @invocation. */
static void
answer (VeilHeldSkeleton      *self,
        GDBusMethodInvocation *invocation)
{
  GDBusInterfaceVTable *vtable;

  if (g_strcmp0 (g_dbus_method_invocation_get_interface_name (invocation), PROPERTIES_INTERFACE) == 0)
    {
      answer_properties (self, invocation);
      return;
    }
  vtable = parent_vtable (self);
  vtable->method_call (g_dbus_method_invocation_get_connection (invocation),
                       g_dbus_method_invocation_get_sender (invocation),
                       g_dbus_method_invocation_get_object_path (invocation),
                       g_dbus_method_invocation_get_interface_name (invocation),
                       g_dbus_method_invocation_get_method_name (invocation),
                       g_dbus_method_invocation_get_parameters (invocation),
                       invocation, self);
}

static void
method_call (GDBusConnection       *connection,
             const char            *sender,
             const char            *object_path,
             const char            *interface_name,
             const char            *method_name,
             GVariant              *parameters,
             GDBusMethodInvocation *invocation,
             gpointer               user_data)
{
  VeilHeldSkeleton *self = VEIL_HELD_SKELETON (user_data);

  if (!self->held)
    {
      answer (self, invocation);
      return;
    }
  if (self->waiting.length >= VEIL_HELD_SKELETON_MAX_HELD)
    {
      g_dbus_method_invocation_return_error_literal (invocation, VEIL_ANALYZER_SERVICE_ERROR,
                                                     VEIL_ANALYZER_SERVICE_ERROR_BUSY,
                                                     _("Veil is starting and has many calls waiting. "
                                                       "Ask again in a moment."));
      return;
    }
  g_queue_push_tail (&self->waiting, invocation);
}

static GDBusInterfaceVTable *
veil_held_skeleton_get_vtable (GDBusInterfaceSkeleton *skeleton)
{
  static GDBusInterfaceVTable vtable = { method_call, NULL, NULL, { NULL } };

  return &vtable;
}

static void
veil_held_skeleton_dispose (GObject *object)
{
  VeilHeldSkeleton *self = VEIL_HELD_SKELETON (object);
  GDBusMethodInvocation *invocation;

  /* Never leave a caller waiting for an answer that cannot come. */
  while ((invocation = g_queue_pop_head (&self->waiting)) != NULL)
    g_dbus_method_invocation_return_error_literal (invocation, G_DBUS_ERROR, G_DBUS_ERROR_NO_SERVER,
                                                   _("Veil stopped before it could answer. Ask again."));

  G_OBJECT_CLASS (veil_held_skeleton_parent_class)->dispose (object);
}

static void
veil_held_skeleton_class_init (VeilHeldSkeletonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GDBusInterfaceSkeletonClass *skeleton_class = G_DBUS_INTERFACE_SKELETON_CLASS (klass);

  object_class->dispose = veil_held_skeleton_dispose;
  skeleton_class->get_vtable = veil_held_skeleton_get_vtable;
}

static void
veil_held_skeleton_init (VeilHeldSkeleton *self)
{
  g_queue_init (&self->waiting);
}

VeilDBusAnalyzer1 *
veil_held_skeleton_new (void)
{
  return g_object_new (VEIL_TYPE_HELD_SKELETON, NULL);
}

void
veil_held_skeleton_hold (VeilHeldSkeleton *self)
{
  g_return_if_fail (VEIL_IS_HELD_SKELETON (self));
  self->held = TRUE;
}

/* Answers what waited, in order, with the values of now. */
void
veil_held_skeleton_release (VeilHeldSkeleton *self)
{
  GDBusMethodInvocation *invocation;

  g_return_if_fail (VEIL_IS_HELD_SKELETON (self));

  self->held = FALSE;
  while ((invocation = g_queue_pop_head (&self->waiting)) != NULL)
    answer (self, invocation);
}

gboolean
veil_held_skeleton_is_held (VeilHeldSkeleton *self)
{
  g_return_val_if_fail (VEIL_IS_HELD_SKELETON (self), FALSE);
  return self->held;
}
