/* lv-http: the HTTPS transfers of files (XEP-0363 uploads, downloads), on the main
 * loop.
 *
 * Certificates are verified. The trust is the one the XMPP connection of the
 * profile has: its "CA file" parameter, else SSL_CERT_FILE as OpenSSL (and so
 * libstrophe) honours it, else the system store. glib-networking's GnuTLS does not
 * read SSL_CERT_FILE, hence a GTlsFileDatabase here.
 *
 * libsoup is in the module libervia-http.so (lv-http-module.h), loaded at the first
 * transfer: a backend that never transfers a file never maps libsoup and the
 * thirteen libraries it brings (Kerberos, nghttp2, brotli, psl, idn2…), which cost
 * start-up time and idle memory in every backend and embedded frontend.
 */
#pragma once

#include <gio/gio.h>

#include "lv-backend.h"
#include "lv-http-module.h"

G_BEGIN_DECLS

typedef struct _LvHttp LvHttp;

/* A request @method @url for @profile (its trust, above), accepting certificates
 * that do not verify only if @ignore_tls_errors (Libervia's ignore_tls_errors, for
 * a caller that asked explicitly; logged). NULL with an error: the module does not
 * load, the CA file does not, or @url is not a URL (LV_ERROR_DATA). */
LvHttp *lv_http_new(LvBackend *backend, const char *profile, const char *method, const char *url,
                    gboolean ignore_tls_errors, GError **error);
void lv_http_free(LvHttp *http);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LvHttp, lv_http_free)

void lv_http_set_header(LvHttp *http, const char *name, const char *value);

/* The request body, read from @body as it is sent; @wrote (may be NULL) follows. */
void lv_http_set_body(LvHttp *http, const char *content_type, GInputStream *body, gssize length,
                      LvHttpWroteFunc wrote, gpointer user_data);

/* Sends the request; the answer's body as a stream (lv_http_send_finish) or, with
 * @read_all, read whole (lv_http_send_and_read_finish). */
void lv_http_send_async(LvHttp *http, gboolean read_all, GAsyncReadyCallback callback,
                        gpointer user_data);
GInputStream *lv_http_send_finish(LvHttp *http, GAsyncResult *result, GError **error);
GBytes *lv_http_send_and_read_finish(LvHttp *http, GAsyncResult *result, GError **error);

/* Once answered: NULL for a 2xx status, else e.g. "HTTP 403 Forbidden" (transfer
 * full). */
char *lv_http_dup_failure(LvHttp *http);

/* The answer's Content-Length, 0 if none. */
goffset lv_http_get_content_length(LvHttp *http);

/* The answer's Content-Disposition filename, as sent (transfer full), or NULL. */
char *lv_http_dup_disposition_filename(LvHttp *http);

G_END_DECLS
