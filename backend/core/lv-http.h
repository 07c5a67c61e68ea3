/* lv-http: the HTTPS sessions of file transfers (libsoup 3, on the main loop).
 *
 * Certificates are verified. The trust is the one the XMPP connection of the
 * profile has: its "CA file" parameter, else SSL_CERT_FILE as OpenSSL (and so
 * libstrophe) honours it, else the system store. glib-networking's GnuTLS does not
 * read SSL_CERT_FILE, hence a GTlsFileDatabase here.
 */
#pragma once

#include <libsoup/soup.h>

#include "lv-backend.h"

G_BEGIN_DECLS

/* A session trusting what @profile's XMPP connection trusts (transfer full), or
 * NULL with an error (a CA file that does not load). */
SoupSession *lv_http_session_new(LvBackend *backend, const char *profile, GError **error);

/* Lets @message accept a certificate that does not verify: only for a caller that
 * asked for it explicitly (Libervia's ignore_tls_errors); logs a warning. */
void lv_http_ignore_tls_errors(SoupMessage *message);

/* "HTTP 403 Forbidden" for @message's status (transfer full). */
char *lv_http_dup_status(SoupMessage *message);

G_END_DECLS
