/* lv-xmpp-account-info: software version (XEP-0092) and ping (XEP-0199) in the
 * account's thread: what we answer, and what the bridge asks others. Our answer
 * names the software and its version, never the machine unless configured. */
#include "config.h"

#include <string.h>

#include "lv-error.h"
#include "lv-jid.h"
#include "lv-xmpp-account-private.h"
#include "lv-xmpp-features.h"
#include "lv-xmpp-info.h"
#include "lv-xmpp-iq.h"

G_LOCK_DEFINE_STATIC(os_lock);
static char *os_name; /* under os_lock; NULL: not told */

void
lv_xmpp_info_set_os(const char *os)
{
    G_LOCK(os_lock);
    g_free(os_name);
    os_name = g_strdup(os);
    G_UNLOCK(os_lock);
}

static void
add_text_child(xmpp_stanza_t *parent, const char *name, const char *text)
{
    lv_xmpp_add_text(lv_xmpp_add_child(parent, name, NULL), text);
}

static gboolean
on_version_query(LvXmppAccount *account, xmpp_stanza_t *iq, xmpp_stanza_t *query)
{
    xmpp_stanza_t *reply = lv_xmpp_iq_new_result(account, iq);
    xmpp_stanza_t *answer = lv_xmpp_add_child(reply, "query", LV_NS_VERSION);

    add_text_child(answer, "name", LV_XMPP_IDENTITY_NAME);
    add_text_child(answer, "version", PACKAGE_VERSION);
    G_LOCK(os_lock);
    if (os_name != NULL)
        add_text_child(answer, "os", os_name);
    G_UNLOCK(os_lock);
    xmpp_send(account->conn, reply);
    xmpp_stanza_release(reply);
    return TRUE;
}

static gboolean
on_ping(LvXmppAccount *account, xmpp_stanza_t *iq, xmpp_stanza_t *ping)
{
    lv_xmpp_account_send_result(account, iq);
    return TRUE;
}

void
lv_xmpp_info_session_started(LvXmppAccount *account)
{
    lv_xmpp_iq_handle(account, LV_NS_VERSION, "get", on_version_query);
    lv_xmpp_iq_handle(account, LV_NS_PING, "get", on_ping);
}

/* The text of child @name of @query, "" if absent or not UTF-8 (transfer full). */
static char *
child_text(xmpp_stanza_t *query, const char *name)
{
    xmpp_stanza_t *child = query != NULL ? xmpp_stanza_get_child_by_name(query, name) : NULL;
    char *text = child != NULL ? xmpp_stanza_get_text(child) : NULL;
    char *copy = g_strdup(text != NULL && g_utf8_validate(text, -1, NULL) ? text : "");

    if (text != NULL)
        xmpp_free(xmpp_stanza_get_context(child), text);
    return copy;
}

GVariant *
lv_xmpp_info_parse_version(xmpp_stanza_t *query)
{
    g_autofree char *name = child_text(query, "name");
    g_autofree char *version = child_text(query, "version");
    g_autofree char *os = child_text(query, "os");

    return g_variant_new("(sss)", name, version, os);
}

/* ---- requests from the main context ---- */

typedef struct {
    LvXmppAccount *account;
    char *request_id;
    char *jid;
    gint64 sent; /* g_get_monotonic_time() */
} Ask;

static void
ask_free(gpointer data)
{
    Ask *ask = data;

    lv_xmpp_account_unref(ask->account);
    g_free(ask->request_id);
    g_free(ask->jid);
    g_free(ask);
}

static Ask *
ask_new(LvXmppAccount *account, const char *request_id, const char *jid)
{
    Ask *ask = g_new0(Ask, 1);

    ask->account = lv_xmpp_account_ref(account);
    ask->request_id = g_strdup(request_id);
    ask->jid = g_strdup(jid != NULL ? jid : "");
    return ask;
}

/* Sends a get with an empty @name in @ns to @ask's JID ("" our server); the reply
 * goes to @func. Takes @ask. */
static void
send_get(Ask *ask, const char *name, const char *ns, LvXmppIqFunc func)
{
    LvXmppAccount *account = ask->account;
    GError *error = NULL;
    g_autoptr(LvJid) jid = ask->jid[0] != '\0' ? lv_jid_parse(ask->jid, &error) : NULL;

    if (!lv_xmpp_account_in_session(account) || (ask->jid[0] != '\0' && jid == NULL)) {
        if (error == NULL)
            error = g_error_new(LV_ERROR, LV_ERROR_PROFILE_NOT_CONNECTED, "%s is not connected",
                                account->profile);
        lv_xmpp_account_post(account, LV_XMPP_EVENT_REPLY, ask->request_id, NULL, error);
        ask_free(ask);
        return;
    }
    const char *at = strchr(account->own_bare, '@');
    g_autofree char *to = jid != NULL ? lv_jid_dup_string(jid)
                                      : g_strdup(at != NULL ? at + 1 : account->own_bare);
    xmpp_stanza_t *iq = lv_xmpp_iq_new(account, "get", to);
    lv_xmpp_add_child(iq, name, ns);
    ask->sent = g_get_monotonic_time();
    lv_xmpp_iq_request(account, iq, func, ask, ask_free);
    xmpp_stanza_release(iq);
    lv_xmpp_account_drain(account);
}

static void
on_pong(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error, gpointer user_data)
{
    Ask *ask = user_data;
    double delay = (double)(g_get_monotonic_time() - ask->sent) / G_USEC_PER_SEC;

    if (reply == NULL) {
        GError *answer = g_error_copy(error);
        g_prefix_error(&answer, "cannot ping %s: ", ask->jid[0] != '\0' ? ask->jid : "the server");
        lv_xmpp_account_post(account, LV_XMPP_EVENT_REPLY, ask->request_id, NULL, answer);
        return;
    }
    lv_xmpp_account_post(account, LV_XMPP_EVENT_REPLY, ask->request_id, g_variant_new("(d)", delay),
                         NULL);
}

static gboolean
do_ping(gpointer data)
{
    send_get(data, "ping", LV_NS_PING, on_pong);
    return G_SOURCE_REMOVE;
}

void
lv_xmpp_account_ping(LvXmppAccount *account, const char *request_id, const char *jid)
{
    /* Owned by the IQ request once sent: no destroy notify here. */
    lv_xmpp_account_invoke(account, do_ping, ask_new(account, request_id, jid), NULL);
}

static void
on_version(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error, gpointer user_data)
{
    Ask *ask = user_data;

    if (reply == NULL) {
        GError *answer = g_error_copy(error);
        g_prefix_error(&answer, "no software version from %s: ",
                       ask->jid[0] != '\0' ? ask->jid : "the server");
        lv_xmpp_account_post(account, LV_XMPP_EVENT_REPLY, ask->request_id, NULL, answer);
        return;
    }
    GVariant *version =
            lv_xmpp_info_parse_version(xmpp_stanza_get_child_by_ns(reply, LV_NS_VERSION));
    lv_xmpp_account_post(account, LV_XMPP_EVENT_REPLY, ask->request_id,
                         g_variant_new_tuple(&version, 1), NULL);
}

static gboolean
do_software_version(gpointer data)
{
    send_get(data, "query", LV_NS_VERSION, on_version);
    return G_SOURCE_REMOVE;
}

void
lv_xmpp_account_software_version(LvXmppAccount *account, const char *request_id, const char *jid)
{
    lv_xmpp_account_invoke(account, do_software_version, ask_new(account, request_id, jid), NULL);
}
