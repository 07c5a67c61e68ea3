/* lv-misc-download: fileDownload and fileDownloadComplete (Libervia 0.9's
 * plugin_misc_download), for https URLs.
 *
 * A name chosen by the server (URL, Content-Disposition) is sanitised
 * (lv-file-name.c) and joined to the resolved downloads_dir, so the result never
 * lands outside it. The body goes to a new hidden file created exclusively in the
 * same directory, moved in place only when complete: link() when the existing file
 * must not be overwritten (it fails if one appeared meanwhile), rename() with
 * force; a failed download leaves nothing. File system calls that may block
 * (creating directories, resolving, linking) run in a worker; the body is read and
 * written with asynchronous GIO on the main loop.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "lv-file-name.h"
#include "lv-http.h"
#include "lv-json.h"
#include "lv-paths.h"
#include "lv-plugins.h"
#include "lv-profiles.h"
#include "lv-progress.h"

#define CHUNK_SIZE (64 * 1024)

typedef struct {
    LvBackend *backend;
    LvInvocation *complete; /* fileDownloadComplete: answered at the end */
    char *profile;
    char *url;
    char *dest_path; /* NULL: downloads_dir */
    char *downloads_dir;
    gboolean force;
    gboolean ignore_tls_errors;
    char *name; /* sanitised, from the server */
    char *final_path;
    char *tmp_path;
    char *progress_id;
    guint64 received;
    guint64 size;
    LvHttp *http;
    GInputStream *body;
    GOutputStream *out;
    GBytes *chunk; /* being written */
} Download;

static void
download_free(Download *download)
{
    g_free(download->profile);
    g_free(download->url);
    g_free(download->dest_path);
    g_free(download->downloads_dir);
    g_free(download->name);
    g_free(download->final_path);
    g_free(download->tmp_path);
    g_free(download->progress_id);
    lv_http_free(download->http);
    g_clear_object(&download->body);
    g_clear_object(&download->out);
    g_clear_pointer(&download->chunk, g_bytes_unref);
    g_free(download);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Download, download_free)

/* Removes the partial file in a worker; nothing to wait for. */
static void
remove_partial(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    g_unlink(data);
}

static void
download_fail(Download *download, const char *message)
{
    if (download->tmp_path != NULL) {
        g_autoptr(GTask) task = g_task_new(NULL, NULL, NULL, NULL);
        g_task_set_task_data(task, g_steal_pointer(&download->tmp_path), g_free);
        g_task_run_in_thread(task, remove_partial);
    }
    if (download->complete != NULL)
        lv_invocation_return_new_error(download->complete, LV_ERROR_EXTERNAL_REQUEST, "%s",
                                       message);
    lv_progress_fail(download->progress_id, message);
    download_free(download);
}

static void
download_fail_error(Download *download, const char *what, const GError *error)
{
    g_autofree char *message = g_strdup_printf("%s: %s", what, error->message);

    download_fail(download, message);
}

/* ---- the last step: the file in place (worker) ---- */

static void
install_file(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    Download *download = data;
    int saved = 0;

    if (download->force) {
        if (g_rename(download->tmp_path, download->final_path) == 0) {
            g_task_return_boolean(task, TRUE);
            return;
        }
        saved = errno;
    } else {
        if (link(download->tmp_path, download->final_path) == 0) {
            g_unlink(download->tmp_path);
            g_task_return_boolean(task, TRUE);
            return;
        }
        saved = errno;
    }
    g_unlink(download->tmp_path);
    g_task_return_new_error(task, LV_ERROR, saved == EEXIST ? LV_ERROR_CONFLICT : LV_ERROR_INTERNAL,
                            saved == EEXIST ? "%s already exists (use --force to overwrite it)"
                                            : "cannot write %s: %s",
                            download->final_path, g_strerror(saved));
}

static void
on_installed(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Download *download = user_data;
    g_autoptr(GError) error = NULL;

    if (!g_task_propagate_boolean(G_TASK(result), &error)) {
        g_clear_pointer(&download->tmp_path, g_free); /* already removed */
        download_fail(download, error->message);
        return;
    }
    g_clear_pointer(&download->tmp_path, g_free);
    g_auto(GVariantBuilder) metadata = G_VARIANT_BUILDER_INIT(G_VARIANT_TYPE("a{ss}"));
    g_variant_builder_add(&metadata, "{ss}", "path", download->final_path);
    g_variant_builder_add(&metadata, "{ss}", "url", download->url);
    lv_progress_finish(download->progress_id, g_variant_builder_end(&metadata));
    if (download->complete != NULL)
        lv_invocation_return_single(download->complete, g_variant_new_string(download->final_path),
                                    NULL);
    download_free(download);
}

static void
on_closed(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Download *download = user_data;
    g_autoptr(GError) error = NULL;

    if (!g_output_stream_close_finish(G_OUTPUT_STREAM(source), result, &error)) {
        download_fail_error(download, "cannot write the download", error);
        return;
    }
    if (download->size > 0 && download->received != download->size) {
        g_autofree char *message = g_strdup_printf("the download stopped at %" G_GUINT64_FORMAT
                                                   " of %" G_GUINT64_FORMAT " bytes",
                                                   download->received, download->size);
        download_fail(download, message);
        return;
    }
    g_autoptr(GTask) task = g_task_new(NULL, NULL, on_installed, download);
    g_task_set_task_data(task, download, NULL);
    g_task_run_in_thread(task, install_file);
}

/* ---- the body ---- */

static void read_next(Download *download);

static void
on_written(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Download *download = user_data;
    g_autoptr(GError) error = NULL;

    if (!g_output_stream_write_all_finish(G_OUTPUT_STREAM(source), result, NULL, &error)) {
        download_fail_error(download, "cannot write the download", error);
        return;
    }
    download->received += g_bytes_get_size(download->chunk);
    g_clear_pointer(&download->chunk, g_bytes_unref);
    lv_progress_update(download->progress_id, download->received, download->size);
    read_next(download);
}

static void
on_read(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Download *download = user_data;
    g_autoptr(GError) error = NULL;
    GBytes *chunk = g_input_stream_read_bytes_finish(G_INPUT_STREAM(source), result, &error);

    if (chunk == NULL) {
        download_fail_error(download, "the download failed", error);
        return;
    }
    if (g_bytes_get_size(chunk) == 0) {
        g_bytes_unref(chunk);
        g_output_stream_close_async(download->out, G_PRIORITY_DEFAULT, NULL, on_closed, download);
        return;
    }
    download->chunk = chunk;
    gsize length = 0;
    const void *data = g_bytes_get_data(chunk, &length);
    g_output_stream_write_all_async(download->out, data, length, G_PRIORITY_DEFAULT, NULL,
                                    on_written, download);
}

static void
read_next(Download *download)
{
    g_input_stream_read_bytes_async(download->body, CHUNK_SIZE, G_PRIORITY_DEFAULT, NULL, on_read,
                                    download);
}

/* ---- where it goes (worker) ---- */

/* Sets final_path in the resolved directory and creates tmp_path exclusively;
 * returns the output stream. */
static GOutputStream *
prepare_target(Download *download, GError **error)
{
    g_autofree char *dir = NULL;
    const char *name = download->name;
    g_autofree char *dest_base = NULL;
    GStatBuf st;

    if (download->dest_path != NULL && g_file_test(download->dest_path, G_FILE_TEST_IS_DIR)) {
        dir = g_strdup(download->dest_path);
    } else if (download->dest_path != NULL) {
        /* The user named the file: its directory must exist, its name is theirs. */
        dir = g_path_get_dirname(download->dest_path);
        dest_base = g_path_get_basename(download->dest_path);
        name = dest_base;
    } else {
        dir = g_strdup(download->downloads_dir);
        if (!lv_paths_ensure_dir(dir, 0700, error))
            return NULL;
    }
    g_autofree char *real_dir = realpath(dir, NULL);
    if (real_dir == NULL) {
        g_set_error(error, LV_ERROR, LV_ERROR_NOT_FOUND, "cannot save into %s: %s", dir,
                    g_strerror(errno));
        return NULL;
    }
    download->final_path = g_build_filename(real_dir, name, NULL);
    if (g_lstat(download->final_path, &st) == 0) {
        if (!download->force || !S_ISREG(st.st_mode)) {
            g_set_error(error, LV_ERROR, LV_ERROR_CONFLICT,
                        S_ISREG(st.st_mode) ? "%s already exists (use --force to overwrite it)"
                                            : "%s already exists and is not a regular file",
                        download->final_path);
            return NULL;
        }
    }
    g_autofree char *random = g_uuid_string_random();
    g_autofree char *tmp_name = g_strdup_printf(".%.8s.%s.part", random, name);
    if (strlen(tmp_name) > 240)
        tmp_name[240] = '\0';
    g_autofree char *tmp_path = g_build_filename(real_dir, tmp_name, NULL);
    g_autoptr(GFile) tmp = g_file_new_for_path(tmp_path);
    /* Exclusive and private: fails rather than follow anything already there. */
    GFileOutputStream *out = g_file_create(tmp, G_FILE_CREATE_PRIVATE, NULL, error);
    if (out == NULL)
        return NULL;
    download->tmp_path = g_steal_pointer(&tmp_path);
    return G_OUTPUT_STREAM(out);
}

static void
run_prepare(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    GError *error = NULL;
    GOutputStream *out = prepare_target(data, &error);

    if (out == NULL)
        g_task_return_error(task, error);
    else
        g_task_return_pointer(task, out, g_object_unref);
}

static void
on_prepared(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Download *download = user_data;
    g_autoptr(GError) error = NULL;

    download->out = g_task_propagate_pointer(G_TASK(result), &error);
    if (download->out == NULL) {
        download_fail(download, error->message);
        return;
    }
    read_next(download);
}

/* ---- the response ---- */

/* The name the server gives: Content-Disposition's filename, else the URL's last
 * segment (transfer full). */
static char *
server_name(Download *download)
{
    g_autofree char *name = lv_http_dup_disposition_filename(download->http);

    if (name != NULL)
        return lv_file_name_sanitise(name, "download");
    return lv_file_name_from_url(download->url, "download");
}

static void
on_response(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Download *download = user_data;
    g_autoptr(GError) error = NULL;

    download->body = lv_http_send_finish(download->http, result, &error);
    if (download->body == NULL) {
        download_fail_error(download, "the download failed", error);
        return;
    }
    g_autofree char *refused = lv_http_dup_failure(download->http);
    if (refused != NULL) {
        g_autofree char *message = g_strdup_printf("the download failed: %s", refused);
        download_fail(download, message);
        return;
    }
    goffset length = lv_http_get_content_length(download->http);
    download->size = length > 0 ? (guint64)length : 0;
    download->name = server_name(download);
    g_autoptr(GTask) task = g_task_new(NULL, NULL, on_prepared, download);
    g_task_set_task_data(task, download, NULL);
    g_task_run_in_thread(task, run_prepare);
}

/* ---- the calls ---- */

/* The https URL of an attachment JSON ({"url": …} or {"uri": …}) (transfer full). */
static char *
url_of(const char *attachment, GError **error)
{
    g_autoptr(JsonObject) object = lv_json_object_parse(attachment, "the attachment", error);

    if (object == NULL)
        return NULL;
    const char *url = json_object_get_string_member_with_default(object, "url", NULL);
    if (url == NULL)
        url = json_object_get_string_member_with_default(object, "uri", NULL);
    g_autoptr(GUri) uri = url != NULL ? g_uri_parse(url, G_URI_FLAGS_NONE, NULL) : NULL;
    if (url != NULL && uri == NULL) { /* e.g. %00 in the path (reliability case S14) */
        g_set_error(error, LV_ERROR, LV_ERROR_DATA, "cannot download %s: not a valid URL", url);
        return NULL;
    }
    if (uri == NULL || g_ascii_strcasecmp(g_uri_get_scheme(uri), "https") != 0) {
        g_set_error(error, LV_ERROR, LV_ERROR_DATA, "cannot download %s: only https URLs are",
                    url != NULL ? url : "an attachment without URL");
        return NULL;
    }
    return g_strdup(url);
}

static gboolean
parse_extra(Download *download, const char *text, GError **error)
{
    g_autoptr(JsonObject) extra = lv_json_object_parse(text, "extra", error);

    if (extra == NULL)
        return FALSE;
    download->force = lv_json_object_flag(extra, "force");
    download->ignore_tls_errors = lv_json_object_flag(extra, "ignore_tls_errors");
    return TRUE;
}

/* Checks the call; a Download ready to start, or NULL after answering the error. */
static Download *
download_new(LvBackend *backend, LvInvocation *invocation)
{
    const char *attachment = NULL, *dest_path = NULL, *extra = NULL, *key = NULL;
    g_autoptr(Download) download = g_new0(Download, 1);
    GError *error = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s&s&s)", &attachment, &dest_path,
                  &extra, &key);
    g_autoptr(LvStoredProfile) profile =
            lv_profiles_resolve_for(lv_backend_get_profiles(backend), invocation, key);
    if (profile == NULL)
        return NULL;
    download->backend = backend;
    download->profile = g_strdup(profile->name);
    download->dest_path = dest_path[0] != '\0' ? lv_paths_expand_user(dest_path) : NULL;
    if ((download->url = url_of(attachment, &error)) == NULL ||
        !parse_extra(download, extra, &error) ||
        (download->downloads_dir = lv_config_dup_string(lv_backend_get_config(backend), "DEFAULT",
                                                        "downloads_dir", &error)) == NULL ||
        (download->http = lv_http_new(backend, profile->name, "GET", download->url,
                                      download->ignore_tls_errors, &error)) == NULL) {
        lv_invocation_return_error(invocation, error != NULL
                                                       ? error
                                                       : g_error_new(LV_ERROR, LV_ERROR_CONFIG,
                                                                     "downloads_dir is not set"));
        return NULL;
    }
    return g_steal_pointer(&download);
}

static void
download_start(Download *download)
{
    g_auto(GVariantBuilder) metadata = G_VARIANT_BUILDER_INIT(G_VARIANT_TYPE("a{ss}"));
    g_autofree char *name = lv_file_name_from_url(download->url, "download");

    g_variant_builder_add(&metadata, "{ss}", "name", name);
    g_variant_builder_add(&metadata, "{ss}", "direction", "in");
    g_variant_builder_add(&metadata, "{ss}", "type", "download");
    g_variant_builder_add(&metadata, "{ss}", "url", download->url);
    download->progress_id = lv_progress_start(download->backend, download->profile,
                                              g_variant_builder_end(&metadata));
    lv_http_send_async(download->http, FALSE, on_response, download);
}

static void
method_file_download(LvBackend *backend, LvInvocation *invocation)
{
    Download *download = download_new(backend, invocation);

    if (download == NULL)
        return;
    download_start(download);
    lv_invocation_return_single(invocation, g_variant_new_string(download->progress_id), NULL);
}

static void
method_file_download_complete(LvBackend *backend, LvInvocation *invocation)
{
    Download *download = download_new(backend, invocation);

    if (download == NULL)
        return;
    download->complete = invocation;
    download_start(download);
}

static const LvMethod methods[] = {
    { "fileDownload", method_file_download },
    { "fileDownloadComplete", method_file_download_complete },
    { NULL, NULL },
};

const LvMethod *
lv_misc_download_methods(void)
{
    return methods;
}
