/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-report"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "veil-report.h"
#include "veil-enum-private.h"

G_DEFINE_QUARK (veil-report-error-quark, veil_report_error)

#define REPORT_FORMAT "veil-report"
#define REPORT_VERSION 1
/* The reporter's own words are a message, not an essay: keep bundles small and readable. */
#define MAX_WORDS_LENGTH 4000

struct _VeilReport
{
  gatomicrefcount   ref_count;

  GDateTime        *time;
  VeilReporter      reporter;
  VeilReportKind    kind;
  VeilReportSource  source;
  char             *source_name;
  char             *sender;       /* nullable: only when the calling app supplied it */
  char             *file_name;    /* nullable: the image's name, never its contents */
  VeilVerdict      *verdict;
  char             *words;        /* nullable */
  char             *sha256;       /* nullable only for help requests */
};

struct _VeilReportBuilder
{
  gatomicrefcount  ref_count;
  VeilReport      *report;        /* being filled in */
};

G_DEFINE_BOXED_TYPE (VeilReport, veil_report, veil_report_ref, veil_report_unref)
G_DEFINE_BOXED_TYPE (VeilReportBuilder, veil_report_builder, veil_report_builder_ref, veil_report_builder_unref)

static VeilReport *
report_new (void)
{
  VeilReport *self = g_new0 (VeilReport, 1);

  g_atomic_ref_count_init (&self->ref_count);
  return self;
}

static void
report_free (VeilReport *self)
{
  g_clear_pointer (&self->time, g_date_time_unref);
  g_free (self->source_name);
  g_free (self->sender);
  g_free (self->file_name);
  g_clear_pointer (&self->verdict, veil_verdict_unref);
  g_free (self->words);
  g_free (self->sha256);
  g_free (self);
}

VeilReport *
veil_report_ref (VeilReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
veil_report_unref (VeilReport *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    report_free (self);
}

/* --- Builder ------------------------------------------------------------------------- */

VeilReportBuilder *
veil_report_builder_new (void)
{
  VeilReportBuilder *self = g_new0 (VeilReportBuilder, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->report = report_new ();
  self->report->reporter = VEIL_REPORTER_CHILD;
  self->report->kind = VEIL_REPORT_KIND_REPORT;
  return self;
}

VeilReportBuilder *
veil_report_builder_ref (VeilReportBuilder *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
veil_report_builder_unref (VeilReportBuilder *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_clear_pointer (&self->report, veil_report_unref);
      g_free (self);
    }
}

void
veil_report_builder_set_time (VeilReportBuilder *self,
                              GDateTime         *time)
{
  g_return_if_fail (self != NULL && self->report != NULL);
  g_return_if_fail (time != NULL);

  g_clear_pointer (&self->report->time, g_date_time_unref);
  self->report->time = g_date_time_to_utc (time);
}

void
veil_report_builder_set_reporter (VeilReportBuilder *self,
                                  VeilReporter       reporter)
{
  g_return_if_fail (self != NULL && self->report != NULL);
  g_return_if_fail (reporter == VEIL_REPORTER_CHILD || reporter == VEIL_REPORTER_GUARDIAN);

  self->report->reporter = reporter;
}

/**
 * veil_report_builder_set_kind:
 * @self: a #VeilReportBuilder
 * @kind: a report (the default) or a help request
 *
 * A help request asks the guardian for help with an alert; it needs no image checksum.
 */
void
veil_report_builder_set_kind (VeilReportBuilder *self,
                              VeilReportKind     kind)
{
  g_return_if_fail (self != NULL && self->report != NULL);
  g_return_if_fail (kind == VEIL_REPORT_KIND_REPORT || kind == VEIL_REPORT_KIND_HELP_REQUEST);

  self->report->kind = kind;
}

void
veil_report_builder_set_source (VeilReportBuilder *self,
                                VeilReportSource   source,
                                const char        *name)
{
  g_return_if_fail (self != NULL && self->report != NULL);
  g_return_if_fail (source >= VEIL_REPORT_SOURCE_FOLDER && source <= VEIL_REPORT_SOURCE_LIBRARY);
  g_return_if_fail (name != NULL);

  self->report->source = source;
  g_free (self->report->source_name);
  self->report->source_name = g_strdup (name);
}

static void
set_optional (char       **field,
              const char  *value)
{
  g_free (*field);
  *field = (value != NULL && *value != '\0') ? g_strdup (value) : NULL;
}

void
veil_report_builder_set_sender (VeilReportBuilder *self,
                                const char        *sender)
{
  g_return_if_fail (self != NULL && self->report != NULL);

  set_optional (&self->report->sender, sender);
}

void
veil_report_builder_set_file_name (VeilReportBuilder *self,
                                   const char        *file_name)
{
  g_return_if_fail (self != NULL && self->report != NULL);

  /* Only the name: a full path would say more about the child's files than the report needs. */
  if (file_name != NULL)
    {
      g_autofree char *base = g_path_get_basename (file_name);
      set_optional (&self->report->file_name, base);
    }
  else
    set_optional (&self->report->file_name, NULL);
}

void
veil_report_builder_set_verdict (VeilReportBuilder *self,
                                 VeilVerdict       *verdict)
{
  g_return_if_fail (self != NULL && self->report != NULL);
  g_return_if_fail (verdict != NULL);

  g_clear_pointer (&self->report->verdict, veil_verdict_unref);
  self->report->verdict = veil_verdict_ref (verdict);
}

void
veil_report_builder_set_words (VeilReportBuilder *self,
                               const char        *words)
{
  g_return_if_fail (self != NULL && self->report != NULL);

  if (words != NULL)
    {
      g_autofree char *stripped = g_strstrip (g_strdup (words));
      set_optional (&self->report->words, stripped);
    }
  else
    set_optional (&self->report->words, NULL);
}

static gboolean
is_sha256_hex (const char *text)
{
  if (text == NULL || strlen (text) != 64)
    return FALSE;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (!g_ascii_isxdigit (*p) || g_ascii_isupper (*p))
        return FALSE;
    }

  return TRUE;
}

void
veil_report_builder_set_sha256 (VeilReportBuilder *self,
                                const char        *sha256)
{
  g_return_if_fail (self != NULL && self->report != NULL);
  g_return_if_fail (is_sha256_hex (sha256));

  g_free (self->report->sha256);
  self->report->sha256 = g_strdup (sha256);
}

/**
 * veil_report_builder_checksum_file:
 * @self: a #VeilReportBuilder
 * @image: the reported image
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #VeilReportError
 *
 * Computes the image's SHA-256, reading it once in small pieces (nothing is kept), and
 * takes its name for the report.
 *
 * Returns: %TRUE on success
 */
gboolean
veil_report_builder_checksum_file (VeilReportBuilder  *self,
                                   GFile              *image,
                                   GCancellable       *cancellable,
                                   GError            **error)
{
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *basename = NULL;
  guint8 buffer[64 * 1024];
  gssize n;

  g_return_val_if_fail (self != NULL && self->report != NULL, FALSE);
  g_return_val_if_fail (G_IS_FILE (image), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  name = g_file_get_parse_name (image);
  in = g_file_read (image, cancellable, &local_error);
  while (in != NULL &&
         (n = g_input_stream_read (G_INPUT_STREAM (in), buffer, sizeof buffer, cancellable, &local_error)) > 0)
    g_checksum_update (checksum, buffer, n);

  if (local_error != NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, VEIL_REPORT_ERROR, VEIL_REPORT_ERROR_UNREADABLE,
                     _("Veil could not read “%s” to make the report: %s"), name, local_error->message);
      return FALSE;
    }

  g_free (self->report->sha256);
  self->report->sha256 = g_strdup (g_checksum_get_string (checksum));
  basename = g_file_get_basename (image);
  veil_report_builder_set_file_name (self, basename);

  return TRUE;
}

/**
 * veil_report_builder_checksum_first_file:
 * @paths: (array length=n_paths): where the image may be, in order; entries may be %NULL
 * @file_name: (nullable): the name for the report, %NULL for the name of the file read
 *
 * Like veil_report_builder_checksum_file() with the first of @paths that can be read: an
 * alert's picture is read where Veil hides it, else where it arrived. Read in place, never
 * copied. Blocks: use veil_report_builder_checksum_first_file_async() from the UI.
 *
 * Returns: %TRUE on success
 */
gboolean
veil_report_builder_checksum_first_file (VeilReportBuilder   *self,
                                         const char * const  *paths,
                                         guint                n_paths,
                                         const char          *file_name,
                                         GCancellable        *cancellable,
                                         GError             **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (self != NULL && self->report != NULL, FALSE);
  g_return_val_if_fail (paths != NULL || n_paths == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (guint i = 0; i < n_paths; i++)
    {
      g_autoptr(GFile) file = NULL;

      if (paths[i] == NULL)
        continue;
      g_clear_error (&local_error);
      file = g_file_new_for_path (paths[i]);
      if (veil_report_builder_checksum_file (self, file, cancellable, &local_error))
        {
          if (file_name != NULL)
            veil_report_builder_set_file_name (self, file_name);
          return TRUE;
        }
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        break;
    }

  if (local_error == NULL)
    g_set_error_literal (&local_error, VEIL_REPORT_ERROR, VEIL_REPORT_ERROR_UNREADABLE,
                         _("The picture is no longer on this computer."));
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

typedef struct {
  VeilReportBuilder *builder;
  GPtrArray         *paths;      /* char *, entries may be NULL */
  char              *file_name;
} ChecksumData;

static void
checksum_data_free (ChecksumData *data)
{
  veil_report_builder_unref (data->builder);
  g_ptr_array_unref (data->paths);
  g_free (data->file_name);
  g_free (data);
}

static void
checksum_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  ChecksumData *data = task_data;
  GError *error = NULL;

  if (veil_report_builder_checksum_first_file (data->builder, (const char * const *) data->paths->pdata,
                                               data->paths->len, data->file_name, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * veil_report_builder_checksum_first_file_async:
 *
 * veil_report_builder_checksum_first_file() in a worker thread. Leave the builder alone
 * until the callback runs.
 */
void
veil_report_builder_checksum_first_file_async (VeilReportBuilder   *self,
                                               const char * const  *paths,
                                               guint                n_paths,
                                               const char          *file_name,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ChecksumData *data;

  g_return_if_fail (self != NULL && self->report != NULL);
  g_return_if_fail (paths != NULL || n_paths == 0);

  data = g_new0 (ChecksumData, 1);
  data->builder = veil_report_builder_ref (self);
  data->paths = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < n_paths; i++)
    g_ptr_array_add (data->paths, g_strdup (paths[i]));
  data->file_name = g_strdup (file_name);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, veil_report_builder_checksum_first_file_async);
  g_task_set_task_data (task, data, (GDestroyNotify) checksum_data_free);
  g_task_run_in_thread (task, checksum_thread);
}

gboolean
veil_report_builder_checksum_first_file_finish (VeilReportBuilder  *self,
                                                GAsyncResult       *result,
                                                GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == veil_report_builder_checksum_first_file_async,
                        FALSE);
  g_return_val_if_fail (((ChecksumData *) g_task_get_task_data (G_TASK (result)))->builder == self, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * veil_report_builder_build:
 * @self: a #VeilReportBuilder
 * @error: return location for a #VeilReportError
 *
 * Finishes the report. The builder cannot be used afterwards.
 *
 * Returns: (transfer full): the report, or %NULL if something required is missing
 */
VeilReport *
veil_report_builder_build (VeilReportBuilder  *self,
                           GError            **error)
{
  VeilReport *report;

  g_return_val_if_fail (self != NULL && self->report != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  report = self->report;
  if (report->source == 0 || report->source_name == NULL || report->verdict == NULL ||
      (report->sha256 == NULL && report->kind == VEIL_REPORT_KIND_REPORT))
    {
      g_set_error_literal (error, VEIL_REPORT_ERROR, VEIL_REPORT_ERROR_INCOMPLETE,
                           _("The report is incomplete: it needs where the image came from, why Veil flagged it and the image’s checksum."));
      return NULL;
    }

  if (report->words != NULL && g_utf8_strlen (report->words, -1) > MAX_WORDS_LENGTH)
    {
      g_set_error (error, VEIL_REPORT_ERROR, VEIL_REPORT_ERROR_INCOMPLETE,
                   _("What you wrote is too long for a report. Please keep it under %d characters."),
                   MAX_WORDS_LENGTH);
      return NULL;
    }

  if (report->time == NULL)
    report->time = g_date_time_new_now_utc ();

  self->report = NULL;
  return report;
}

/* --- Accessors ----------------------------------------------------------------------- */

GDateTime *
veil_report_get_time (VeilReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->time;
}

VeilReporter
veil_report_get_reporter (VeilReport *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->reporter;
}

VeilReportSource
veil_report_get_source (VeilReport *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->source;
}

const char *
veil_report_get_source_name (VeilReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->source_name;
}

const char *
veil_report_get_sender (VeilReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->sender;
}

const char *
veil_report_get_file_name (VeilReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->file_name;
}

VeilVerdict *
veil_report_get_verdict (VeilReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->verdict;
}

VeilReportKind
veil_report_get_kind (VeilReport *self)
{
  g_return_val_if_fail (self != NULL, VEIL_REPORT_KIND_REPORT);
  return self->kind;
}

const char *
veil_report_get_words (VeilReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->words;
}

const char *
veil_report_get_sha256 (VeilReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->sha256;
}

/**
 * veil_report_get_pdq:
 * @self: a #VeilReport
 *
 * Returns: (transfer full) (nullable): the image's PDQ hash in hex, when the analysis had one
 */
char *
veil_report_get_pdq (VeilReport *self)
{
  const VeilPdqHash *hash;

  g_return_val_if_fail (self != NULL, NULL);

  hash = veil_verdict_get_hash (self->verdict);
  return hash != NULL ? veil_pdq_hash_to_string (hash) : NULL;
}

/* --- JSON ---------------------------------------------------------------------------- */

static const char *
export_notice (void)
{
  return _("This report does not contain the image. Please do not forward the image itself to "
           "anyone: sharing sexual images of someone under 18 can be a crime, even to show "
           "what happened. Report it to a hotline instead (for example NCMEC’s CyberTipline, the "
           "IWF, or your country’s INHOPE member): they can match the image by the fingerprints "
           "below without anyone sending it.");
}

static void
add_optional_string (JsonBuilder *b,
                     const char  *member,
                     const char  *value)
{
  if (value == NULL)
    return;

  json_builder_set_member_name (b, member);
  json_builder_add_string_value (b, value);
}

static JsonNode *
report_to_node (VeilReport *self,
                gboolean    image_included)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *time = g_date_time_format_iso8601 (self->time);
  g_autofree char *verdict_json = veil_verdict_to_json (self->verdict);
  g_autofree char *pdq = veil_report_get_pdq (self);
  JsonNode *verdict_node;

  verdict_node = json_from_string (verdict_json, NULL);
  g_assert (verdict_node != NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, REPORT_FORMAT);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, REPORT_VERSION);
  json_builder_set_member_name (b, "time");
  json_builder_add_string_value (b, time);
  json_builder_set_member_name (b, "reporter");
  json_builder_add_string_value (b, _veil_enum_get_nick (VEIL_TYPE_REPORTER, self->reporter));
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, _veil_enum_get_nick (VEIL_TYPE_REPORT_KIND, self->kind));

  json_builder_set_member_name (b, "source");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, _veil_enum_get_nick (VEIL_TYPE_REPORT_SOURCE, self->source));
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, self->source_name);
  json_builder_end_object (b);
  add_optional_string (b, "sender", self->sender);

  json_builder_set_member_name (b, "image");
  json_builder_begin_object (b);
  add_optional_string (b, "file", self->file_name);
  add_optional_string (b, "sha256", self->sha256);
  add_optional_string (b, "pdq", pdq);
  json_builder_set_member_name (b, "included");
  json_builder_add_boolean_value (b, image_included);
  json_builder_end_object (b);

  /* The reasons in words, as the child and guardian saw them, next to the exact figures. */
  json_builder_set_member_name (b, "explanation");
  json_builder_begin_array (b);
  for (guint i = 0; i < veil_verdict_get_n_reasons (self->verdict); i++)
    {
      g_autofree char *sentence = veil_reason_describe (veil_verdict_get_reason (self->verdict, i));
      json_builder_add_string_value (b, sentence);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "verdict");
  json_builder_add_value (b, verdict_node);

  add_optional_string (b, "words", self->words);
  if (!image_included)
    {
      json_builder_set_member_name (b, "notice");
      json_builder_add_string_value (b, export_notice ());
    }
  json_builder_end_object (b);

  return json_builder_get_root (b);
}

/**
 * veil_report_to_json:
 * @self: a #VeilReport
 *
 * Returns: (transfer full): the report as indented JSON, the format of exported bundles
 */
char *
veil_report_to_json (VeilReport *self)
{
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  root = report_to_node (self, FALSE);
  return json_to_string (root, TRUE);
}

/**
 * veil_report_to_json_node:
 * @self: a #VeilReport
 *
 * Returns: (transfer full): the report as veil_report_to_json() writes it, as a node to
 *   put inside other JSON
 */
JsonNode *
veil_report_to_json_node (VeilReport *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return report_to_node (self, FALSE);
}

/* Returns: the value of @enum_type whose nick (its stored text) is @nick; 0, which none of
 *   the report enums uses, when there is none */
static int
value_of (GType       enum_type,
          const char *nick)
{
  int value;

  return _veil_enum_from_nick (enum_type, nick, &value) ? value : 0;
}

static const char *
get_string (JsonObject *object,
            const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static JsonObject *
get_object (JsonObject *object,
            const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return (node != NULL && JSON_NODE_HOLDS_OBJECT (node)) ? json_node_get_object (node) : NULL;
}

/**
 * veil_report_new_from_json:
 * @json: a report as veil_report_to_json() writes it
 * @error: return location for a #VeilReportError
 *
 * Reads a report back, checking every field.
 *
 * Returns: (transfer full): the report, or %NULL
 */
VeilReport *
veil_report_new_from_json (const char  *json,
                           GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(VeilReportBuilder) builder = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDateTime) time = NULL;
  g_autoptr(VeilVerdict) verdict = NULL;
  g_autofree char *verdict_json = NULL;
  JsonObject *root, *source, *image;
  JsonNode *verdict_node, *version;
  int reporter, source_kind, kind;
  const char *sha256;

  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!json_parser_load_from_data (parser, json, -1, &local_error))
    goto invalid;

  /* An empty document parses, to no root at all. */
  if (json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    goto invalid;
  root = json_node_get_object (json_parser_get_root (parser));
  version = json_object_get_member (root, "version");
  source = get_object (root, "source");
  image = get_object (root, "image");
  verdict_node = json_object_get_member (root, "verdict");

  if (g_strcmp0 (get_string (root, "format"), REPORT_FORMAT) != 0 ||
      version == NULL || !JSON_NODE_HOLDS_VALUE (version) ||
      json_node_get_value_type (version) != G_TYPE_INT64 || json_node_get_int (version) != REPORT_VERSION ||
      source == NULL || image == NULL || verdict_node == NULL || !JSON_NODE_HOLDS_OBJECT (verdict_node))
    goto invalid;

  reporter = value_of (VEIL_TYPE_REPORTER, get_string (root, "reporter"));
  source_kind = value_of (VEIL_TYPE_REPORT_SOURCE, get_string (source, "kind"));
  /* Reports written before help requests existed have no "kind": they are reports. */
  kind = json_object_has_member (root, "kind")
         ? value_of (VEIL_TYPE_REPORT_KIND, get_string (root, "kind"))
         : VEIL_REPORT_KIND_REPORT;
  sha256 = get_string (image, "sha256");
  time = get_string (root, "time") != NULL ? g_date_time_new_from_iso8601 (get_string (root, "time"), NULL) : NULL;
  if (reporter == 0 || kind == 0 || source_kind == 0 || get_string (source, "name") == NULL ||
      (sha256 != NULL && !is_sha256_hex (sha256)) ||
      (sha256 == NULL && kind == VEIL_REPORT_KIND_REPORT) || time == NULL)
    goto invalid;

  verdict_json = json_to_string (verdict_node, FALSE);
  verdict = veil_verdict_new_from_json (verdict_json, &local_error);
  if (verdict == NULL)
    goto invalid;

  builder = veil_report_builder_new ();
  veil_report_builder_set_time (builder, time);
  veil_report_builder_set_reporter (builder, reporter);
  veil_report_builder_set_kind (builder, kind);
  veil_report_builder_set_source (builder, source_kind, get_string (source, "name"));
  veil_report_builder_set_sender (builder, get_string (root, "sender"));
  veil_report_builder_set_file_name (builder, get_string (image, "file"));
  if (sha256 != NULL)
    veil_report_builder_set_sha256 (builder, sha256);
  veil_report_builder_set_verdict (builder, verdict);
  veil_report_builder_set_words (builder, get_string (root, "words"));

  return veil_report_builder_build (builder, error);

invalid:
  g_set_error (error, VEIL_REPORT_ERROR, VEIL_REPORT_ERROR_INVALID,
               _("This is not a report Veil can read%s%s"),
               local_error != NULL ? ": " : ".",
               local_error != NULL ? local_error->message : "");
  return NULL;
}

/* --- Export -------------------------------------------------------------------------- */

static char *
make_bundle_folder (VeilReport  *self,
                    const char  *folder,
                    GError     **error)
{
  g_autofree char *stamp = g_date_time_format (self->time, "%Y%m%d-%H%M%S");

  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, VEIL_REPORT_ERROR, VEIL_REPORT_ERROR_EXPORT,
                   _("Could not create the folder “%s”: %s"), folder, g_strerror (saved_errno));
      return NULL;
    }

  /* Never overwrite an earlier export: number the folder instead. */
  for (guint i = 1; i < 1000; i++)
    {
      g_autofree char *name = i == 1 ? g_strdup_printf ("veil-report-%s", stamp)
                                     : g_strdup_printf ("veil-report-%s-%u", stamp, i);
      g_autofree char *path = g_build_filename (folder, name, NULL);

      if (g_mkdir (path, 0700) == 0)
        return g_steal_pointer (&path);
      if (errno != EEXIST)
        {
          int saved_errno = errno;
          g_set_error (error, VEIL_REPORT_ERROR, VEIL_REPORT_ERROR_EXPORT,
                       _("Could not create the folder “%s”: %s"), path, g_strerror (saved_errno));
          return NULL;
        }
    }

  g_set_error (error, VEIL_REPORT_ERROR, VEIL_REPORT_ERROR_EXPORT,
               _("Could not find a free name for the report in “%s”."), folder);
  return NULL;
}

/**
 * veil_report_export:
 * @self: a #VeilReport
 * @folder: where to create the bundle (created if needed)
 * @flags: what to include
 * @image: (nullable): the image, needed only with %VEIL_REPORT_EXPORT_INCLUDE_IMAGE
 * @error: return location for a #VeilReportError
 *
 * Writes the report bundle: a new folder `veil-report-<time>` holding `report.json` and a
 * `README.txt` that says what the bundle is and how to use it safely. The image is left
 * out unless a guardian explicitly asked for it with %VEIL_REPORT_EXPORT_INCLUDE_IMAGE, and
 * then only a copy is made: the original is never moved or changed.
 *
 * Returns: (transfer full): the bundle folder's path, or %NULL
 */
char *
veil_report_export (VeilReport             *self,
                    const char             *folder,
                    VeilReportExportFlags   flags,
                    GFile                  *image,
                    GError                **error)
{
  gboolean include_image = (flags & VEIL_REPORT_EXPORT_INCLUDE_IMAGE) != 0;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *bundle = NULL;
  g_autofree char *json = NULL;
  g_autofree char *json_path = NULL;
  g_autofree char *readme_path = NULL;
  g_autofree char *readme = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (folder != NULL, NULL);
  g_return_val_if_fail (!include_image || G_IS_FILE (image), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  bundle = make_bundle_folder (self, folder, error);
  if (bundle == NULL)
    return NULL;

  root = report_to_node (self, include_image);
  json = json_to_string (root, TRUE);
  json_path = g_build_filename (bundle, "report.json", NULL);
  readme_path = g_build_filename (bundle, "README.txt", NULL);
  readme = g_strdup_printf ("%s\n\n%s\n", _("This folder is a report made with Veil. report.json says when and where the image arrived, why Veil flagged it, and the image’s fingerprints (SHA-256 and PDQ)."),
                            include_image ? _("A guardian chose to include a copy of the image. Keep this folder private and give it only to the police or a hotline that asks for it.")
                                          : export_notice ());

  if (!g_file_set_contents_full (json_path, json, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &local_error) ||
      !g_file_set_contents_full (readme_path, readme, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &local_error))
    {
      g_set_error (error, VEIL_REPORT_ERROR, VEIL_REPORT_ERROR_EXPORT,
                   _("Could not write the report: %s"), local_error->message);
      return NULL;
    }

  if (include_image)
    {
      g_autofree char *name = g_file_get_basename (image);
      g_autofree char *copy_path = g_build_filename (bundle, name, NULL);
      g_autoptr(GFile) copy = g_file_new_for_path (copy_path);

      if (!g_file_copy (image, copy, G_FILE_COPY_NOFOLLOW_SYMLINKS, NULL, NULL, NULL, &local_error))
        {
          g_set_error (error, VEIL_REPORT_ERROR, VEIL_REPORT_ERROR_EXPORT,
                       _("Could not copy the image into the report: %s"), local_error->message);
          return NULL;
        }
    }

  return g_steal_pointer (&bundle);
}
