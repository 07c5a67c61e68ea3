/* lv-http-module: libervia-http.so, libsoup behind the table of lv-http-module.h. */
#include "lv-http-module.h"

#include <gmodule.h>
#include <libsoup/soup.h>

static GObject *
session_new(GTlsDatabase *database)
{
    SoupSession *session = soup_session_new_with_options("user-agent", "libervia-c", "timeout", 60,
                                                         "idle-timeout", 60, NULL);

    if (database != NULL)
        soup_session_set_tls_database(session, database);
    return G_OBJECT(session);
}

static GObject *
message_new(const char *method, const char *url)
{
    return G_OBJECT(soup_message_new(method, url));
}

static gboolean
on_accept_certificate(SoupMessage *message, GTlsCertificate *certificate,
                      GTlsCertificateFlags errors, gpointer user_data)
{
    g_warning("accepting the unverified certificate of %s (flags 0x%x): ignore_tls_errors "
              "was asked",
              g_uri_get_host(soup_message_get_uri(message)), (unsigned)errors);
    return TRUE;
}

static void
ignore_tls_errors(GObject *message)
{
    g_warning("TLS errors will be ignored for %s, as asked: the transfer is not protected",
              g_uri_get_host(soup_message_get_uri(SOUP_MESSAGE(message))));
    g_signal_connect(message, "accept-certificate", G_CALLBACK(on_accept_certificate), NULL);
}

static void
set_header(GObject *message, const char *name, const char *value)
{
    soup_message_headers_replace(soup_message_get_request_headers(SOUP_MESSAGE(message)), name,
                                 value);
}

typedef struct {
    LvHttpWroteFunc func;
    gpointer user_data;
} Wrote;

static void
on_wrote_body_data(SoupMessage *message, guint chunk_size, gpointer data)
{
    Wrote *wrote = data;

    wrote->func(chunk_size, wrote->user_data);
}

static void
wrote_free(gpointer data, GClosure *closure)
{
    g_free(data);
}

static void
set_body(GObject *message, const char *content_type, GInputStream *body, gssize length,
         LvHttpWroteFunc func, gpointer user_data)
{
    soup_message_set_request_body(SOUP_MESSAGE(message), content_type, body, length);
    if (func == NULL)
        return;
    Wrote *wrote = g_new0(Wrote, 1);
    wrote->func = func;
    wrote->user_data = user_data;
    g_signal_connect_data(message, "wrote-body-data", G_CALLBACK(on_wrote_body_data), wrote,
                          wrote_free, 0);
}

static void
send_async(GObject *session, GObject *message, gboolean read_all, GAsyncReadyCallback callback,
           gpointer user_data)
{
    if (read_all)
        soup_session_send_and_read_async(SOUP_SESSION(session), SOUP_MESSAGE(message),
                                         G_PRIORITY_DEFAULT, NULL, callback, user_data);
    else
        soup_session_send_async(SOUP_SESSION(session), SOUP_MESSAGE(message), G_PRIORITY_DEFAULT,
                                NULL, callback, user_data);
}

static GInputStream *
send_finish(GObject *session, GAsyncResult *result, GError **error)
{
    return soup_session_send_finish(SOUP_SESSION(session), result, error);
}

static GBytes *
send_and_read_finish(GObject *session, GAsyncResult *result, GError **error)
{
    return soup_session_send_and_read_finish(SOUP_SESSION(session), result, error);
}

static char *
dup_failure(GObject *object)
{
    SoupMessage *message = SOUP_MESSAGE(object);
    const char *reason = soup_message_get_reason_phrase(message);

    if (SOUP_STATUS_IS_SUCCESSFUL(soup_message_get_status(message)))
        return NULL;
    return g_strdup_printf("HTTP %u %s", soup_message_get_status(message),
                           reason != NULL ? reason : "");
}

static goffset
content_length(GObject *message)
{
    return soup_message_headers_get_content_length(
            soup_message_get_response_headers(SOUP_MESSAGE(message)));
}

static char *
dup_disposition_filename(GObject *message)
{
    SoupMessageHeaders *headers = soup_message_get_response_headers(SOUP_MESSAGE(message));
    g_autoptr(GHashTable) params = NULL;

    if (!soup_message_headers_get_content_disposition(headers, NULL, &params))
        return NULL;
    return g_strdup(g_hash_table_lookup(params, "filename"));
}

static const LvHttpModuleApi api = {
    LV_HTTP_ABI,          session_new, message_new,    ignore_tls_errors,
    set_header,           set_body,    send_async,     send_finish,
    send_and_read_finish, dup_failure, content_length, dup_disposition_filename,
};

G_MODULE_EXPORT const LvHttpModuleApi *lv_http_module_api(void);

const LvHttpModuleApi *
lv_http_module_api(void)
{
    return &api;
}
