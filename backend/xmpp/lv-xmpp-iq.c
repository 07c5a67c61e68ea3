/* lv-xmpp-iq: IQ requests with checked replies (see the header). */
#include "lv-xmpp-iq.h"

#include "lv-error.h"
#include "lv-jid.h"

#define NS_STANZAS "urn:ietf:params:xml:ns:xmpp-stanzas"

typedef struct {
    LvXmppAccount *account;
    char *id;
    char *to;
    LvXmppIqFunc func;
    gpointer user_data;
    GDestroyNotify destroy;
    GSource *timeout;
} Request;

static void
request_free(gpointer data)
{
    Request *request = data;

    if (request->timeout != NULL) {
        g_source_destroy(request->timeout);
        g_source_unref(request->timeout);
    }
    if (request->destroy != NULL)
        request->destroy(request->user_data);
    g_free(request->id);
    g_free(request->to);
    g_free(request);
}

static GHashTable *
pending(LvXmppAccount *account)
{
    if (account->iqs == NULL)
        account->iqs = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, request_free);
    return account->iqs;
}

static int on_reply(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata);

/* Calls the request's function once and forgets it; @from_handler: libstrophe
 * removes the id handler itself (it returned 0). */
static void
finish(Request *request, xmpp_stanza_t *reply, const GError *error, gboolean from_handler)
{
    LvXmppAccount *account = request->account;

    g_hash_table_steal(account->iqs, request->id);
    if (!from_handler && account->conn != NULL)
        xmpp_id_handler_delete(account->conn, on_reply, request->id);
    request->func(account, reply, error, request->user_data);
    request_free(request);
}

gboolean
lv_xmpp_iq_reply_sender_ok(const char *from, const char *to, const char *own_bare)
{
    g_autoptr(LvJid) to_jid = to != NULL ? lv_jid_parse(to, NULL) : NULL;
    g_autofree char *to_text = to_jid != NULL ? lv_jid_dup_string(to_jid) : NULL;

    if (from == NULL)
        return to == NULL || g_strcmp0(to_text, own_bare) == 0;
    g_autoptr(LvJid) from_jid = lv_jid_parse(from, NULL);
    g_autofree char *from_text = from_jid != NULL ? lv_jid_dup_string(from_jid) : NULL;
    if (from_text == NULL)
        return FALSE;
    if (to == NULL)
        return g_strcmp0(from_text, own_bare) == 0;
    return g_strcmp0(from_text, to_text) == 0;
}

const char *
lv_xmpp_iq_error_condition(xmpp_stanza_t *reply)
{
    xmpp_stanza_t *error = xmpp_stanza_get_child_by_name(reply, "error");

    for (xmpp_stanza_t *c = error != NULL ? xmpp_stanza_get_children(error) : NULL; c != NULL;
         c = xmpp_stanza_get_next(c)) {
        if (xmpp_stanza_is_tag(c) && g_strcmp0(xmpp_stanza_get_ns(c), NS_STANZAS) == 0 &&
            g_strcmp0(xmpp_stanza_get_name(c), "text") != 0)
            return xmpp_stanza_get_name(c);
    }
    return "undefined-condition";
}

static int
on_reply(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
    Request *request = userdata;
    LvXmppAccount *account = request->account;
    const char *type = xmpp_stanza_get_type(stanza);
    const char *from = xmpp_stanza_get_from(stanza);

    if (g_strcmp0(xmpp_stanza_get_name(stanza), "iq") != 0 ||
        (g_strcmp0(type, "result") != 0 && g_strcmp0(type, "error") != 0) ||
        !lv_xmpp_iq_reply_sender_ok(from, request->to, account->own_bare)) {
        g_message("%s: a stanza with the id of our request to %s came from %s: ignored",
                  account->profile, request->to != NULL ? request->to : "our account",
                  from != NULL ? from : "our server");
        return 1; /* keep waiting for the real reply */
    }
    if (g_str_equal(type, "result")) {
        finish(request, stanza, NULL, TRUE);
    } else {
        g_autoptr(GError) error =
                g_error_new(LV_ERROR, LV_ERROR_EXTERNAL_REQUEST, "%s answered with an error: %s",
                            request->to != NULL ? request->to : "the server",
                            lv_xmpp_iq_error_condition(stanza));
        finish(request, NULL, error, TRUE);
    }
    return 0; /* answered: libstrophe drops the handler */
}

static gboolean
on_timeout(gpointer data)
{
    Request *request = data;
    g_autoptr(GError) error =
            g_error_new(LV_ERROR, LV_ERROR_TIMEOUT, "no answer from %s within %d s",
                        request->to != NULL ? request->to : "the server", LV_XMPP_IQ_TIMEOUT_S);

    g_source_unref(request->timeout);
    request->timeout = NULL;
    finish(request, NULL, error, FALSE);
    return G_SOURCE_REMOVE;
}

xmpp_stanza_t *
lv_xmpp_iq_new(LvXmppAccount *account, const char *type, const char *to)
{
    g_autofree char *id = g_strdup_printf("lv-%08x%08x", g_random_int(), g_random_int());
    xmpp_stanza_t *iq = xmpp_iq_new(account->xctx, type, id);

    if (to != NULL)
        xmpp_stanza_set_to(iq, to);
    return iq;
}

void
lv_xmpp_iq_request(LvXmppAccount *account, xmpp_stanza_t *iq, LvXmppIqFunc func, gpointer user_data,
                   GDestroyNotify destroy)
{
    Request *request = g_new0(Request, 1);

    request->account = account;
    request->id = g_strdup(xmpp_stanza_get_id(iq));
    request->to = g_strdup(xmpp_stanza_get_to(iq));
    request->func = func;
    request->user_data = user_data;
    request->destroy = destroy;
    if (!lv_xmpp_account_in_session(account) || request->id == NULL ||
        g_hash_table_contains(pending(account), request->id)) {
        g_autoptr(GError) error = g_error_new(LV_ERROR, LV_ERROR_PROFILE_NOT_CONNECTED,
                                              "%s is not connected", account->profile);
        func(account, NULL, error, user_data);
        request_free(request);
        return;
    }
    g_hash_table_insert(pending(account), request->id, request);
    request->timeout = g_timeout_source_new_seconds(LV_XMPP_IQ_TIMEOUT_S);
    g_source_set_callback(request->timeout, on_timeout, request, NULL);
    g_source_attach(request->timeout, account->context);
    xmpp_id_handler_add(account->conn, on_reply, request->id, request);
    xmpp_send(account->conn, iq);
}

void
lv_xmpp_iq_fail_all(LvXmppAccount *account)
{
    g_autoptr(GError) error = g_error_new(
            LV_ERROR, LV_ERROR_NETWORK, "%s was disconnected before the answer", account->profile);
    GHashTableIter iter;
    gpointer request = NULL;

    if (account->iqs == NULL)
        return;
    while (g_hash_table_size(account->iqs) > 0) {
        g_hash_table_iter_init(&iter, account->iqs);
        g_hash_table_iter_next(&iter, NULL, &request);
        finish(request, NULL, error, FALSE);
    }
}
