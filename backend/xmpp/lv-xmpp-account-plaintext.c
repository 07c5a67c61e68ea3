/* lv-xmpp-account-plaintext: a stream without TLS (allow_plaintext) never carries
 * the password (case T5).
 *
 * libstrophe 0.12 cannot be told which SASL mechanisms to use, and its handlers
 * for the stream features run before any of ours can (user handlers only fire once
 * authenticated). What it does offer: when the server lists a SCRAM mechanism it
 * drops PLAIN from its choices (so no fallback to PLAIN after a failed SCRAM), it
 * tries legacy auth only with XMPP_CONN_FLAG_LEGACY_AUTH (never set), and it logs
 * every stanza it receives ("RECV: …") before firing the handlers for it. So the
 * features of an unencrypted stream are read here, from that log line, and when
 * they offer no STARTTLS and no mechanism but PLAIN the socket is shut down at
 * once: the <auth> libstrophe then queues can never be written.
 */
#include <string.h>
#include <sys/socket.h>

#include "lv-xmpp-account-private.h"

/* TRUE if @features (the text of <stream:features>) lists a SCRAM mechanism that
 * works without TLS (the -PLUS ones bind to a TLS channel). */
static gboolean
offers_scram(const char *features)
{
    static const char *const usable[] = { "SCRAM-SHA-1", "SCRAM-SHA-256", "SCRAM-SHA-512" };

    for (const char *p = strstr(features, "<mechanism>"); p != NULL;
         p = strstr(p + 1, "<mechanism>")) {
        const char *name = p + strlen("<mechanism>");
        gsize len = strcspn(name, "<");
        for (gsize i = 0; i < G_N_ELEMENTS(usable); i++)
            if (len == strlen(usable[i]) && g_ascii_strncasecmp(name, usable[i], len) == 0)
                return TRUE;
    }
    return FALSE;
}

void
lv_xmpp_plaintext_log_line(LvXmppAccount *account, const char *msg)
{
    if (!account->allow_plaintext || account->plain_refused || account->conn == NULL ||
        account->fd < 0)
        return;
    /* libstrophe prints the features without their stream: prefix. */
    if (!g_str_has_prefix(msg, "RECV: <features ") &&
        !g_str_has_prefix(msg, "RECV: <stream:features"))
        return;
    /* Encrypted already, or about to be (libstrophe prefers STARTTLS when offered). */
    if (xmpp_conn_is_secured(account->conn) || strstr(msg, "<starttls") != NULL)
        return;
    /* No mechanisms: after authentication (or nothing libstrophe would send). */
    if (strstr(msg, "<mechanisms") == NULL || offers_scram(msg))
        return;
    account->plain_refused = TRUE;
    g_message("%s: the server offers neither TLS nor SCRAM: closing before authentication "
              "(PLAIN would send the password in clear)",
              account->profile);
    shutdown(account->fd, SHUT_RDWR);
}
