/* lv-xep-0363-upload: HTTP File Upload (XEP-0363) on the bridge: fileUpload,
 * fileHTTPUpload and fileHTTPUploadGetSlot.
 *
 * The service is found with our disco (discoFindByFeatures on our server's items,
 * then its disco#info for max-file-size, both cached), the slot asked through the
 * account's thread, and the file PUT with libsoup on the main loop, streamed from
 * disk (GIO reads it in its worker threads): a large upload never holds the loop.
 * Errors before the upload starts answer the call; after, they are progressError.
 */
#include <string.h>

#include <json-glib/json-glib.h>

#include "lv-connections.h"
#include "lv-http.h"
#include "lv-json.h"
#include "lv-plugins.h"
#include "lv-profiles.h"
#include "lv-progress.h"
#include "lv-xmpp-account.h"
#include "lv-xmpp-disco.h"
#include "lv-xmpp-upload.h"

typedef enum {
    MODE_UPLOAD,      /* fileUpload: answers {progress: id} */
    MODE_HTTP_UPLOAD, /* fileHTTPUpload: answers () */
    MODE_SLOT,        /* fileHTTPUploadGetSlot: answers the slot */
} Mode;

typedef struct {
    LvBackend *backend;
    LvInvocation *invocation; /* the bridge call, until answered */
    Mode mode;
    char *profile;
    GFile *file;
    char *filename;
    char *service; /* "" until found */
    char *content_type;
    guint64 size;
    gboolean ignore_tls_errors;
    GVariant *slot; /* LV_XMPP_UPLOAD_SLOT_TYPE */
    char *progress_id;
    guint64 sent;
    LvHttp *http;
} Upload;

static void
upload_free(Upload *upload)
{
    g_free(upload->profile);
    g_clear_object(&upload->file);
    g_free(upload->filename);
    g_free(upload->service);
    g_free(upload->content_type);
    g_clear_pointer(&upload->slot, g_variant_unref);
    g_free(upload->progress_id);
    lv_http_free(upload->http);
    g_free(upload);
}

/* Ends @upload before the transfer with @error (transfer full). */
static void
upload_fail(Upload *upload, GError *error)
{
    lv_invocation_return_error(upload->invocation, error);
    upload_free(upload);
}

/* ---- the PUT ---- */

static void
on_wrote_body_data(guint chunk_size, gpointer user_data)
{
    Upload *upload = user_data;

    upload->sent += chunk_size;
    lv_progress_update(upload->progress_id, upload->sent, upload->size);
}

static void
on_put_done(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Upload *upload = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) body = lv_http_send_and_read_finish(upload->http, result, &error);
    g_autofree char *refused = body != NULL ? lv_http_dup_failure(upload->http) : NULL;
    const char *get_url = NULL;

    g_variant_get_child(upload->slot, 1, "&s", &get_url);
    if (body == NULL) {
        lv_progress_fail(upload->progress_id, error->message);
    } else if (refused != NULL) {
        g_autofree char *text = g_strdup_printf("the upload service refused the file: %s", refused);
        lv_progress_fail(upload->progress_id, text);
    } else {
        g_auto(GVariantBuilder) metadata = G_VARIANT_BUILDER_INIT(G_VARIANT_TYPE("a{ss}"));
        g_variant_builder_add(&metadata, "{ss}", "url", get_url);
        g_variant_builder_add(&metadata, "{ss}", "name", upload->filename);
        lv_progress_finish(upload->progress_id, g_variant_builder_end(&metadata));
    }
    upload_free(upload);
}

static void
add_slot_headers(LvHttp *http, GVariant *slot)
{
    g_autoptr(GVariant) headers = g_variant_get_child_value(slot, 2);
    GVariantIter iter, pairs;
    GVariant *header = NULL;
    const char *name = NULL, *value = NULL;

    g_variant_iter_init(&iter, headers);
    while ((header = g_variant_iter_next_value(&iter)) != NULL) {
        g_variant_iter_init(&pairs, header);
        while (g_variant_iter_next(&pairs, "{&s&s}", &name, &value))
            lv_http_set_header(http, name, value);
        g_variant_unref(header);
    }
}

/* progressStarted, then the bridge call is answered. */
static void
start_progress(Upload *upload)
{
    g_auto(GVariantBuilder) metadata = G_VARIANT_BUILDER_INIT(G_VARIANT_TYPE("a{ss}"));
    g_autofree char *size = g_strdup_printf("%" G_GUINT64_FORMAT, upload->size);

    g_variant_builder_add(&metadata, "{ss}", "name", upload->filename);
    g_variant_builder_add(&metadata, "{ss}", "direction", "out");
    g_variant_builder_add(&metadata, "{ss}", "type", "upload");
    g_variant_builder_add(&metadata, "{ss}", "size", size);
    g_variant_builder_add(&metadata, "{ss}", "service", upload->service);
    upload->progress_id =
            lv_progress_start(upload->backend, upload->profile, g_variant_builder_end(&metadata));
    if (upload->mode == MODE_UPLOAD) {
        g_auto(GVariantBuilder) answer = G_VARIANT_BUILDER_INIT(G_VARIANT_TYPE("a{ss}"));
        g_variant_builder_add(&answer, "{ss}", "progress", upload->progress_id);
        lv_invocation_return_single(upload->invocation, g_variant_builder_end(&answer), NULL);
    } else {
        lv_invocation_return_value(upload->invocation, NULL);
    }
    upload->invocation = NULL;
}

static void
on_file_opened(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Upload *upload = user_data;
    GError *error = NULL;
    g_autoptr(GFileInputStream) stream = g_file_read_finish(G_FILE(source), result, &error);
    const char *put_url = NULL;

    if (stream == NULL) {
        upload_fail(upload, g_error_new(LV_ERROR, LV_ERROR_NOT_FOUND, "cannot read %s: %s",
                                        g_file_peek_path(upload->file), error->message));
        g_error_free(error);
        return;
    }
    g_variant_get_child(upload->slot, 0, "&s", &put_url);
    upload->http = lv_http_new(upload->backend, upload->profile, "PUT", put_url,
                               upload->ignore_tls_errors, &error);
    if (upload->http == NULL) {
        g_prefix_error(&error, "cannot upload: ");
        upload_fail(upload, error);
        return;
    }
    add_slot_headers(upload->http, upload->slot);
    lv_http_set_body(upload->http, upload->content_type, G_INPUT_STREAM(stream),
                     (gssize)upload->size, on_wrote_body_data, upload);
    start_progress(upload);
    lv_http_send_async(upload->http, TRUE, on_put_done, upload);
}

/* ---- the slot ---- */

static void
on_slot(GVariant *result, GError *error, gpointer user_data)
{
    Upload *upload = user_data;

    if (result == NULL) {
        upload_fail(upload, error);
        return;
    }
    upload->slot = g_variant_get_child_value(result, 0);
    g_variant_unref(result);
    if (upload->mode == MODE_SLOT) {
        lv_invocation_return_single(upload->invocation, upload->slot, NULL);
        upload_free(upload);
        return;
    }
    g_file_read_async(upload->file, G_PRIORITY_DEFAULT, NULL, on_file_opened, upload);
}

static void
ask_slot(Upload *upload)
{
    LvConnections *connections = lv_backend_get_connections(upload->backend);
    GError *error = NULL;
    LvXmppAccount *account = lv_connections_get_account(connections, upload->profile, &error);

    if (account == NULL) {
        upload_fail(upload, error);
        return;
    }
    LvInvocation *slot_call =
            lv_invocation_new("fileHTTPUploadGetSlot", g_variant_new("()"),
                              G_VARIANT_TYPE("(" LV_XMPP_UPLOAD_SLOT_TYPE ")"), on_slot, upload);
    g_autofree char *request_id =
            lv_connections_add_request(connections, upload->profile, slot_call);
    lv_xmpp_account_upload_slot(account, request_id, upload->service, upload->filename,
                                upload->size, upload->content_type);
}

/* ---- the service ---- */

static void
on_service_info(GVariant *result, GError *error, gpointer user_data)
{
    Upload *upload = user_data;
    const char *const features[] = { LV_NS_HTTP_UPLOAD, NULL };

    if (result == NULL) {
        g_prefix_error(&error, "cannot ask the upload service %s: ", upload->service);
        upload_fail(upload, error);
        return;
    }
    g_autoptr(GVariant) info = g_variant_get_child_value(result, 0);
    g_variant_unref(result);
    if (!lv_xmpp_disco_info_matches(info, features, NULL)) {
        upload_fail(upload, g_error_new(LV_ERROR, LV_ERROR_FEATURE_NOT_FOUND,
                                        "%s offers no HTTP upload (XEP-0363)", upload->service));
        return;
    }
    guint64 max = lv_xmpp_upload_max_size(info);
    if (max > 0 && upload->size > max) {
        upload_fail(upload, g_error_new(LV_ERROR, LV_ERROR_DATA,
                                        "%s is %" G_GUINT64_FORMAT " bytes: the upload service "
                                        "%s takes at most %" G_GUINT64_FORMAT,
                                        upload->filename, upload->size, upload->service, max));
        return;
    }
    ask_slot(upload);
}

static void
ask_service_info(Upload *upload)
{
    LvInvocation *call = lv_invocation_new(
            "discoInfos", g_variant_new("(ssbs)", upload->service, "", TRUE, upload->profile),
            G_VARIANT_TYPE("(" LV_XMPP_DISCO_INFO_TYPE ")"), on_service_info, upload);

    lv_backend_dispatch(upload->backend, call);
}

static void
on_services(GVariant *result, GError *error, gpointer user_data)
{
    Upload *upload = user_data;
    g_autoptr(GVariant) services = NULL;
    GVariantIter iter;
    const char *jid = NULL;

    if (result == NULL) {
        upload_fail(upload, error);
        return;
    }
    g_variant_get(result, "((@a{sa(sss)}@a{sa(sss)}@a{sa(sss)}))", &services, NULL, NULL);
    g_variant_unref(result);
    /* The first in JID order, so that the choice is the same each time. */
    g_variant_iter_init(&iter, services);
    while (g_variant_iter_next(&iter, "{&s@a(sss)}", &jid, NULL)) {
        if (upload->service[0] == '\0' || g_strcmp0(jid, upload->service) < 0) {
            g_free(upload->service);
            upload->service = g_strdup(jid);
        }
    }
    if (upload->service[0] == '\0') {
        upload_fail(upload,
                    g_error_new(LV_ERROR, LV_ERROR_FEATURE_NOT_FOUND,
                                "the server of %s offers no HTTP upload service", upload->profile));
        return;
    }
    ask_service_info(upload);
}

static void
find_service(Upload *upload)
{
    const char *const features[] = { LV_NS_HTTP_UPLOAD, NULL };
    LvInvocation *call = lv_invocation_new(
            "discoFindByFeatures",
            g_variant_new("(^as@a(ss)bbbbbs)", features,
                          g_variant_new_array(G_VARIANT_TYPE("(ss)"), NULL, 0), FALSE, TRUE, FALSE,
                          FALSE, FALSE, upload->profile),
            G_VARIANT_TYPE("((a{sa(sss)}a{sa(sss)}a{sa(sss)}))"), on_services, upload);

    lv_backend_dispatch(upload->backend, call);
}

/* The given service's info, or first the service. */
static void
ask_service_info_or_find(Upload *upload)
{
    if (upload->service[0] == '\0')
        find_service(upload);
    else
        ask_service_info(upload);
}

/* ---- the calls ---- */

static void
on_file_info(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Upload *upload = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GFileInfo) info = g_file_query_info_finish(G_FILE(source), result, &error);

    if (info == NULL || g_file_info_get_file_type(info) != G_FILE_TYPE_REGULAR) {
        upload_fail(upload, g_error_new(LV_ERROR, LV_ERROR_NOT_FOUND, "cannot upload %s: %s",
                                        g_file_peek_path(upload->file),
                                        info == NULL ? error->message : "not a regular file"));
        return;
    }
    upload->size = (guint64)g_file_info_get_size(info);
    const char *type = g_file_info_get_content_type(info);
    g_autofree char *mime = type != NULL ? g_content_type_get_mime_type(type) : NULL;
    upload->content_type = g_strdup(mime != NULL ? mime : "application/octet-stream");
    ask_service_info_or_find(upload);
}

/* Checks the common arguments and starts @upload (taken), or answers the error. */
static void
upload_begin(Upload *upload, const char *profile_key, const char *upload_jid)
{
    LvConnections *connections = lv_backend_get_connections(upload->backend);
    GError *error = NULL;
    g_autoptr(LvStoredProfile) profile =
            lv_profiles_resolve(lv_backend_get_profiles(upload->backend), profile_key, &error);

    if (profile == NULL || lv_connections_get_account(connections, profile->name, &error) == NULL) {
        upload_fail(upload, error);
        return;
    }
    upload->profile = g_strdup(profile->name);
    upload->service = g_strdup(upload_jid);
    if (upload->filename == NULL || upload->filename[0] == '\0' ||
        strpbrk(upload->filename, "/\r\n") != NULL) {
        upload_fail(upload, g_error_new(LV_ERROR, LV_ERROR_DATA, "bad file name to upload as"));
        return;
    }
    if (upload->file == NULL) {
        ask_service_info_or_find(upload);
        return;
    }
    g_file_query_info_async(upload->file,
                            G_FILE_ATTRIBUTE_STANDARD_TYPE
                            "," G_FILE_ATTRIBUTE_STANDARD_SIZE
                            "," G_FILE_ATTRIBUTE_STANDARD_CONTENT_TYPE,
                            G_FILE_QUERY_INFO_NONE, G_PRIORITY_DEFAULT, NULL, on_file_info, upload);
}

static Upload *
upload_new(LvBackend *backend, LvInvocation *invocation, Mode mode, const char *filepath,
           const char *filename)
{
    Upload *upload = g_new0(Upload, 1);

    upload->backend = backend;
    upload->invocation = invocation;
    upload->mode = mode;
    if (filepath != NULL) {
        upload->file = g_file_new_for_path(filepath);
        g_autofree char *base = g_file_get_basename(upload->file);
        upload->filename = g_strdup(filename[0] != '\0' ? filename : base);
    } else {
        upload->filename = g_strdup(filename);
    }
    return upload;
}

/* Libervia's ignore_tls_errors option of fileUpload's options JSON: only an
 * explicit true counts. */
static gboolean
options_of(const char *text, gboolean *ignore_tls_errors, GError **error)
{
    g_autoptr(JsonObject) object = lv_json_object_parse(text, "options", error);

    *ignore_tls_errors = object != NULL && lv_json_object_flag(object, "ignore_tls_errors");
    return object != NULL;
}

static void
method_file_upload(LvBackend *backend, LvInvocation *invocation)
{
    const char *filepath = NULL, *filename = NULL, *upload_jid = NULL, *options = NULL;
    const char *key = NULL;
    gboolean ignore_tls_errors = FALSE;
    GError *error = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s&s&s&s)", &filepath, &filename,
                  &upload_jid, &options, &key);
    if (!options_of(options, &ignore_tls_errors, &error)) {
        lv_invocation_return_error(invocation, error);
        return;
    }
    if (filepath[0] == '\0') {
        lv_invocation_return_new_error(invocation, LV_ERROR_DATA, "no file to upload");
        return;
    }
    Upload *upload = upload_new(backend, invocation, MODE_UPLOAD, filepath, filename);
    upload->ignore_tls_errors = ignore_tls_errors;
    upload_begin(upload, key, upload_jid);
}

static void
method_file_http_upload(LvBackend *backend, LvInvocation *invocation)
{
    const char *filepath = NULL, *filename = NULL, *upload_jid = NULL, *key = NULL;
    gboolean ignore_tls_errors = FALSE;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s&sb&s)", &filepath, &filename,
                  &upload_jid, &ignore_tls_errors, &key);
    if (filepath[0] == '\0') {
        lv_invocation_return_new_error(invocation, LV_ERROR_DATA, "no file to upload");
        return;
    }
    Upload *upload = upload_new(backend, invocation, MODE_HTTP_UPLOAD, filepath, filename);
    upload->ignore_tls_errors = ignore_tls_errors;
    upload_begin(upload, key, upload_jid);
}

static void
method_file_http_upload_get_slot(LvBackend *backend, LvInvocation *invocation)
{
    const char *filename = NULL, *content_type = NULL, *upload_jid = NULL, *key = NULL;
    gint32 size = 0;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&si&s&s&s)", &filename, &size,
                  &content_type, &upload_jid, &key);
    if (size < 0) {
        lv_invocation_return_new_error(invocation, LV_ERROR_DATA, "negative size %d", size);
        return;
    }
    Upload *upload = upload_new(backend, invocation, MODE_SLOT, NULL, filename);
    upload->size = (guint64)size;
    upload->content_type = g_strdup(content_type);
    upload_begin(upload, key, upload_jid);
}

static const LvMethod methods[] = {
    { "fileUpload", method_file_upload },
    { "fileHTTPUpload", method_file_http_upload },
    { "fileHTTPUploadGetSlot", method_file_http_upload_get_slot },
    { NULL, NULL },
};

const LvMethod *
lv_xep_0363_methods(void)
{
    return methods;
}
