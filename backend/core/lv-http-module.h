/* lv-http-module: the interface between the backend and libervia-http.so, the module
 * that holds libsoup (see lv-http.h for why it is a module). Its objects are a
 * SoupSession and SoupMessages, seen from here only as GObjects.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define LV_HTTP_MODULE_NAME "libervia-http"
#define LV_HTTP_ENTRY "lv_http_module_api"
/* Bumped whenever LvHttpModuleApi changes: the backend refuses a module of another. */
#define LV_HTTP_ABI 1

/* @chunk_size more bytes of the request body were written. */
typedef void (*LvHttpWroteFunc)(guint chunk_size, gpointer user_data);

typedef struct {
    guint abi;
    /* A session (60 s timeouts) trusting @database, or the system store if NULL. */
    GObject *(*session_new)(GTlsDatabase *database);
    /* A request, NULL if @url is not one. */
    GObject *(*message_new)(const char *method, const char *url);
    /* Lets @message accept a certificate that does not verify; logs a warning. */
    void (*ignore_tls_errors)(GObject *message);
    void (*set_header)(GObject *message, const char *name, const char *value);
    /* @body is read as the request is sent; @wrote follows its progress. */
    void (*set_body)(GObject *message, const char *content_type, GInputStream *body, gssize length,
                     LvHttpWroteFunc wrote, gpointer user_data);
    /* Sends @message; @read_all: the answer is read whole (send_and_read_finish),
     * else given as a stream (send_finish). */
    void (*send_async)(GObject *session, GObject *message, gboolean read_all,
                       GAsyncReadyCallback callback, gpointer user_data);
    GInputStream *(*send_finish)(GObject *session, GAsyncResult *result, GError **error);
    GBytes *(*send_and_read_finish)(GObject *session, GAsyncResult *result, GError **error);
    /* NULL for a 2xx status, else "HTTP 403 Forbidden" (transfer full). */
    char *(*dup_failure)(GObject *message);
    /* The response's Content-Length, 0 if none. */
    goffset (*content_length)(GObject *message);
    /* The response's Content-Disposition filename, NULL if none (transfer full). */
    char *(*dup_disposition_filename)(GObject *message);
} LvHttpModuleApi;

G_END_DECLS
