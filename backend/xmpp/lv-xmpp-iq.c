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

/* The human text of an error reply, if any, fit for a log or a terminal: no
 * controls, at most 200 characters (transfer full). */
static char *
error_text(xmpp_stanza_t *reply)
{
    xmpp_stanza_t *error = xmpp_stanza_get_child_by_name(reply, "error");
    xmpp_stanza_t *text = error != NULL ? xmpp_stanza_get_child_by_name(error, "text") : NULL;
    char *raw = text != NULL ? xmpp_stanza_get_text(text) : NULL;

    if (raw == NULL)
        return NULL;
    g_autofree char *valid = g_utf8_make_valid(raw, -1);
    xmpp_free(xmpp_stanza_get_context(reply), raw);
    GString *clean = g_string_new(NULL);
    for (const char *p = valid; *p != '\0' && g_utf8_strlen(clean->str, -1) < 200;
         p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        g_string_append_unichar(
                clean, g_unichar_iscntrl(c) || g_unichar_type(c) == G_UNICODE_FORMAT ? ' ' : c);
    }
    return g_string_free(clean, clean->len == 0);
}

int
lv_xmpp_iq_error_code(const char *condition)
{
    static const char *const absent[] = { "item-not-found", "service-unavailable",
                                          "remote-server-not-found", "recipient-unavailable",
                                          NULL };

    return g_strv_contains(absent, condition) ? LV_ERROR_NOT_FOUND : LV_ERROR_EXTERNAL_REQUEST;
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
        const char *condition = lv_xmpp_iq_error_condition(stanza);
        g_autofree char *text = error_text(stanza);
        g_autoptr(GError) error = g_error_new(
                LV_ERROR, lv_xmpp_iq_error_code(condition), "%s answered with an error: %s%s%s%s",
                request->to != NULL ? request->to : "the server", condition,
                text != NULL ? " (" : "", text != NULL ? text : "", text != NULL ? ")" : "");
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
    /* 128 random bits: a reply can only be forged by someone who saw the request
     * (reliability case S5 asks for at least 122). */
    g_autofree char *id = g_strdup_printf("lv-%08x%08x%08x%08x", g_random_int(), g_random_int(),
                                          g_random_int(), g_random_int());
    xmpp_stanza_t *iq = xmpp_iq_new(account->xctx, type, id);

    if (to != NULL)
        xmpp_stanza_set_to(iq, to);
    return iq;
}

xmpp_stanza_t *
lv_xmpp_iq_new_result(LvXmppAccount *account, xmpp_stanza_t *iq)
{
    xmpp_stanza_t *reply = xmpp_iq_new(account->xctx, "result", xmpp_stanza_get_id(iq));

    if (xmpp_stanza_get_from(iq) != NULL)
        xmpp_stanza_set_to(reply, xmpp_stanza_get_from(iq));
    return reply;
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

gboolean
lv_xmpp_iq_lost_with_stream(const GError *error)
{
    return g_error_matches(error, LV_ERROR, LV_ERROR_NETWORK) ||
           g_error_matches(error, LV_ERROR, LV_ERROR_PROFILE_NOT_CONNECTED);
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

/* ---- incoming requests ---- */

typedef struct {
    LvXmppIqHandler func;
} Route;

/* "get urn:xmpp:ping": one route per type and namespace. */
static char *
route_key(const char *type, const char *ns)
{
    return g_strconcat(type, " ", ns != NULL ? ns : "", NULL);
}

void
lv_xmpp_iq_handle(LvXmppAccount *account, const char *ns, const char *type, LvXmppIqHandler func)
{
    const char *const both[] = { "get", "set", NULL };
    const char *const one[] = { type, NULL };

    if (account->iq_handlers == NULL)
        account->iq_handlers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    for (const char *const *t = type != NULL ? one : both; *t != NULL; t++) {
        Route *route = g_new0(Route, 1);
        route->func = func;
        g_hash_table_replace(account->iq_handlers, route_key(*t, ns), route);
    }
}

/* The one element child of a request, or NULL if it has none or several
 * (RFC 6120 §8.2.3: exactly one). */
static xmpp_stanza_t *
request_payload(xmpp_stanza_t *iq)
{
    xmpp_stanza_t *payload = NULL;

    for (xmpp_stanza_t *c = xmpp_stanza_get_children(iq); c != NULL; c = xmpp_stanza_get_next(c)) {
        if (!xmpp_stanza_is_tag(c))
            continue;
        if (payload != NULL)
            return NULL;
        payload = c;
    }
    return payload;
}

static int
on_request(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
    LvXmppAccount *account = userdata;
    const char *type = xmpp_stanza_get_type(stanza);
    const char *from = xmpp_stanza_get_from(stanza);

    if (g_strcmp0(type, "get") != 0 && g_strcmp0(type, "set") != 0)
        return 1; /* replies are matched on their id (lv_xmpp_iq_request) */
    xmpp_stanza_t *payload = request_payload(stanza);
    if (payload == NULL) {
        lv_xmpp_account_send_error(account, stanza, "modify", "bad-request");
        return 1;
    }
    g_autofree char *key = route_key(type, xmpp_stanza_get_ns(payload));
    Route *route =
            account->iq_handlers != NULL ? g_hash_table_lookup(account->iq_handlers, key) : NULL;
    if (route != NULL && route->func(account, stanza, payload))
        return 1;
    g_debug("%s: %s from %s: nobody serves it, service-unavailable", account->profile, key,
            from != NULL ? from : "our server");
    lv_xmpp_account_send_error(account, stanza, "cancel", "service-unavailable");
    return 1;
}

void
lv_xmpp_iq_session_started(LvXmppAccount *account)
{
    xmpp_handler_add(account->conn, on_request, NULL, "iq", NULL, account);
}

void
lv_xmpp_iq_session_ended(LvXmppAccount *account)
{
    g_clear_pointer(&account->iq_handlers, g_hash_table_unref);
}
