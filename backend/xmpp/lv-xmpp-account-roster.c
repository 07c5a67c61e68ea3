/* lv-xmpp-account-roster: the account's roster (RFC 6121 §2: fetched at session
 * start, versioned when the server offers it (§2.6), then pushes from our own
 * account only), subscriptions (§3) and presence (§4), in its thread. The thread
 * keeps no roster: the main context does, and hands the version it keeps over with
 * the connection settings. */
#include <string.h>

#include "lv-error.h"
#include "lv-xmpp-account-private.h"
#include "lv-xmpp-iq.h"
#include "lv-xmpp-presence.h"
#include "lv-xmpp-roster.h"

/* The roster version a push or result carries (transfer none), NULL if none. */
static const char *
roster_version(xmpp_stanza_t *query)
{
    return query != NULL ? xmpp_stanza_get_attribute(query, "ver") : NULL;
}

static gboolean
on_roster_push(LvXmppAccount *account, xmpp_stanza_t *stanza, xmpp_stanza_t *query)
{
    const char *from = xmpp_stanza_get_from(stanza);

    if (!lv_xmpp_roster_sender_ok(from, account->own_bare)) {
        g_message("%s: roster push from %s ignored: only our own server may send one",
                  account->profile, from);
        return FALSE;
    }
    lv_xmpp_account_send_result(account, stanza);
    lv_xmpp_account_post(account, LV_XMPP_EVENT_ROSTER_PUSH, roster_version(query),
                         lv_xmpp_roster_parse_query(query), NULL);
    return TRUE;
}

/* One roster get in flight: the first of a session, or a resync asked by @request_id. */
typedef struct {
    char *request_id; /* NULL: the session's own fetch */
    char *sent_ver;   /* the ver we sent, NULL: none */
} RosterFetch;

static void
roster_fetch_free(gpointer data)
{
    RosterFetch *fetch = data;

    g_free(fetch->request_id);
    g_free(fetch->sent_ver);
    g_free(fetch);
}

static void
post_roster(LvXmppAccount *account, const RosterFetch *fetch, xmpp_stanza_t *reply)
{
    xmpp_stanza_t *query = xmpp_stanza_get_child_by_ns(reply, LV_NS_ROSTER);

    /* An empty result answers a versioned get: nothing changed since the version we
     * sent, what did change comes as pushes (RFC 6121 §2.6.3). */
    if (query == NULL && fetch->sent_ver != NULL) {
        g_info("%s: roster unchanged since version \"%s\"", account->profile, fetch->sent_ver);
        lv_xmpp_account_post(account, LV_XMPP_EVENT_ROSTER, fetch->sent_ver, NULL, NULL);
        return;
    }
    GVariant *items = lv_xmpp_roster_parse_query(query);
    const char *ver = roster_version(query);
    if (ver != NULL)
        g_info("%s: roster of %zu items, version \"%s\"", account->profile,
               g_variant_n_children(items), ver);
    else
        g_info("%s: roster of %zu items, without version", account->profile,
               g_variant_n_children(items));
    lv_xmpp_account_post(account, LV_XMPP_EVENT_ROSTER, ver, items, NULL);
}

static void
on_roster_result(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error,
                 gpointer user_data)
{
    RosterFetch *fetch = user_data;

    if (fetch->request_id == NULL && reply == NULL && lv_xmpp_iq_lost_with_stream(error)) {
        /* A resumed stream asks again: without an answer, no presence would go out
         * for the rest of the session. */
        g_info("%s: the roster get went with the stream", account->profile);
        return;
    }
    if (fetch->request_id == NULL)
        account->roster_unknown = FALSE;
    if (reply != NULL)
        post_roster(account, fetch, reply);
    else
        g_message("%s: no roster: %s", account->profile, error->message);
    if (fetch->request_id != NULL) {
        lv_xmpp_account_post(account, LV_XMPP_EVENT_REPLY, fetch->request_id, NULL,
                             error != NULL ? g_error_copy(error) : NULL);
        return;
    }
    if (!lv_xmpp_account_in_session(account))
        return;
    /* Available once the roster is known, as RFC 6121 §2.2 suggests. */
    xmpp_stanza_t *presence =
            lv_xmpp_presence_build(account->xctx, NULL, "", account->priority, NULL);
    lv_xmpp_disco_decorate_presence(account, presence);
    lv_xmpp_identity_decorate_presence(account, presence);
    xmpp_send(account->conn, presence);
    xmpp_stanza_release(presence);
}

/* Sends a roster get: with versioning (offered, or features we could not read: a
 * server without it ignores the attribute, RFC 6121 §2.6.2) it carries @ver, ""
 * for none. */
static void
request_roster(LvXmppAccount *account, const char *ver, const char *request_id)
{
    xmpp_stanza_t *iq = lv_xmpp_iq_new(account, "get", NULL);
    xmpp_stanza_t *query = lv_xmpp_add_child(iq, "query", LV_NS_ROSTER);
    RosterFetch *fetch = g_new0(RosterFetch, 1);

    fetch->request_id = g_strdup(request_id);
    if (request_id == NULL)
        account->roster_unknown = TRUE;
    if (account->roster_versioning || !account->features_seen) {
        fetch->sent_ver = g_strdup(ver != NULL ? ver : "");
        xmpp_stanza_set_attribute(query, "ver", fetch->sent_ver);
        if (fetch->sent_ver[0] != '\0')
            g_info("%s: asking for the roster changes since version \"%s\"", account->profile,
                   fetch->sent_ver);
        else
            g_info("%s: asking for the whole roster, with versioning", account->profile);
    } else {
        g_info("%s: asking for the roster (the server offers no versioning)", account->profile);
    }
    lv_xmpp_iq_request(account, iq, on_roster_result, fetch, roster_fetch_free);
    xmpp_stanza_release(iq);
}

static int
on_presence(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
    LvXmppAccount *account = userdata;

    if (lv_xmpp_muc_take_presence(account, stanza))
        return 1; /* a room's occupant, not a contact */
    GVariant *update = lv_xmpp_presence_parse(stanza);
    GVariant *subscription = update == NULL ? lv_xmpp_presence_parse_subscription(stanza) : NULL;

    if (update != NULL)
        lv_xmpp_account_post(account, LV_XMPP_EVENT_PRESENCE, NULL, update, NULL);
    else if (subscription != NULL)
        lv_xmpp_account_post(account, LV_XMPP_EVENT_SUBSCRIPTION, NULL, subscription, NULL);
    return 1;
}

static void
add_handlers(LvXmppAccount *account)
{
    lv_xmpp_iq_handle(account, LV_NS_ROSTER, "set", on_roster_push);
    xmpp_handler_add(account->conn, on_presence, NULL, "presence", NULL, account);
}

void
lv_xmpp_roster_session_started(LvXmppAccount *account)
{
    add_handlers(account);
    request_roster(account, account->roster_ver, NULL);
}

void
lv_xmpp_roster_session_resumed(LvXmppAccount *account)
{
    add_handlers(account);
    if (account->roster_unknown)
        request_roster(account, account->roster_ver, NULL);
}

void
lv_xmpp_roster_connecting(LvXmppAccount *account, const LvXmppSettings *settings)
{
    g_free(account->roster_ver);
    account->roster_ver = g_strdup(settings->roster_ver);
    account->features_seen = account->roster_versioning = FALSE;
}

void
lv_xmpp_roster_log_line(LvXmppAccount *account, const char *area, const char *msg)
{
    gboolean versioning = FALSE;

    if (g_strcmp0(area, "xmpp") == 0 && lv_xmpp_roster_features_from_log(msg, &versioning)) {
        account->features_seen = TRUE;
        account->roster_versioning = versioning;
    }
}

/* ---- requests from the main context ---- */

typedef struct {
    LvXmppAccount *account;
    char *to;
    char *show;
    GVariant *statuses;
} PresenceRequest;

static void
presence_request_free(gpointer data)
{
    PresenceRequest *request = data;

    lv_xmpp_account_unref(request->account);
    g_free(request->to);
    g_free(request->show);
    g_clear_pointer(&request->statuses, g_variant_unref);
    g_free(request);
}

static gboolean
do_send_presence(gpointer data)
{
    PresenceRequest *request = data;
    LvXmppAccount *account = request->account;

    if (!lv_xmpp_account_in_session(account))
        return G_SOURCE_REMOVE;
    xmpp_stanza_t *presence = lv_xmpp_presence_build(account->xctx, request->to, request->show,
                                                     account->priority, request->statuses);
    lv_xmpp_disco_decorate_presence(account, presence);
    lv_xmpp_identity_decorate_presence(account, presence);
    xmpp_send(account->conn, presence);
    xmpp_stanza_release(presence);
    lv_xmpp_account_drain(account); /* written now, not at the next wake-up */
    return G_SOURCE_REMOVE;
}

void
lv_xmpp_account_send_presence(LvXmppAccount *account, const char *to, const char *show,
                              GVariant *statuses)
{
    PresenceRequest *request = g_new0(PresenceRequest, 1);

    request->account = lv_xmpp_account_ref(account);
    request->to = g_strdup(to);
    request->show = g_strdup(show);
    request->statuses = statuses != NULL ? g_variant_ref(statuses) : NULL;
    lv_xmpp_account_invoke(account, do_send_presence, request, presence_request_free);
}

typedef struct {
    LvXmppAccount *account;
    char *request_id;
    char *jid;
    char *name;
    char **groups;
    gboolean remove;
    gboolean subscribe;
} RosterRequest;

static void
roster_request_free(gpointer data)
{
    RosterRequest *request = data;

    lv_xmpp_account_unref(request->account);
    g_free(request->request_id);
    g_free(request->jid);
    g_free(request->name);
    g_strfreev(request->groups);
    g_free(request);
}

static void
on_roster_set_reply(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error,
                    gpointer user_data)
{
    RosterRequest *request = user_data;
    GError *answer = NULL;

    if (reply == NULL && g_error_matches(error, LV_ERROR, LV_ERROR_EXTERNAL_REQUEST))
        answer = g_error_new(LV_ERROR, LV_ERROR_EXTERNAL_REQUEST,
                             "the server refused to change the roster item %s", request->jid);
    else if (reply == NULL)
        answer = g_error_copy(error);
    else if (request->subscribe) {
        xmpp_stanza_t *presence = xmpp_presence_new(account->xctx);
        xmpp_stanza_set_type(presence, "subscribe");
        xmpp_stanza_set_to(presence, request->jid);
        xmpp_send(account->conn, presence);
        xmpp_stanza_release(presence);
    }
    lv_xmpp_account_post(account, LV_XMPP_EVENT_REPLY, request->request_id, NULL, answer);
}

static xmpp_stanza_t *
roster_set_stanza(LvXmppAccount *account, const RosterRequest *request)
{
    xmpp_stanza_t *iq = lv_xmpp_iq_new(account, "set", NULL);
    xmpp_stanza_t *query = lv_xmpp_add_child(iq, "query", LV_NS_ROSTER);
    xmpp_stanza_t *item = lv_xmpp_add_child(query, "item", NULL);

    xmpp_stanza_set_attribute(item, "jid", request->jid);
    if (request->remove)
        xmpp_stanza_set_attribute(item, "subscription", "remove");
    else if (request->name != NULL && request->name[0] != '\0')
        xmpp_stanza_set_attribute(item, "name", request->name);
    for (guint i = 0; !request->remove && request->groups != NULL && request->groups[i]; i++)
        lv_xmpp_add_text(lv_xmpp_add_child(item, "group", NULL), request->groups[i]);
    return iq;
}

static gboolean
do_roster_set(gpointer data)
{
    RosterRequest *request = data;
    LvXmppAccount *account = request->account;

    if (!lv_xmpp_account_in_session(account)) {
        lv_xmpp_account_post(account, LV_XMPP_EVENT_REPLY, request->request_id, NULL,
                             g_error_new(LV_ERROR, LV_ERROR_PROFILE_NOT_CONNECTED,
                                         "%s is not connected", account->profile));
        roster_request_free(request);
        return G_SOURCE_REMOVE;
    }
    xmpp_stanza_t *iq = roster_set_stanza(account, request);
    lv_xmpp_iq_request(account, iq, on_roster_set_reply, request, roster_request_free);
    xmpp_stanza_release(iq);
    lv_xmpp_account_drain(account);
    return G_SOURCE_REMOVE;
}

void
lv_xmpp_account_roster_set(LvXmppAccount *account, const char *request_id, const char *jid,
                           const char *name, const char *const *groups, gboolean remove,
                           gboolean subscribe)
{
    RosterRequest *request = g_new0(RosterRequest, 1);

    request->account = lv_xmpp_account_ref(account);
    request->request_id = g_strdup(request_id);
    request->jid = g_strdup(jid);
    request->name = g_strdup(name);
    request->groups = g_strdupv((char **)groups);
    request->remove = remove;
    request->subscribe = subscribe;
    /* Owned by the IQ request once sent: no destroy notify here. */
    lv_xmpp_account_invoke(account, do_roster_set, request, NULL);
}

/* ---- roster resync and subscriptions, from the main context ---- */

typedef struct {
    LvXmppAccount *account;
    char *request_id; /* resync */
    char *type;       /* subscription */
    char *to;
} SimpleRequest;

static void
simple_request_free(gpointer data)
{
    SimpleRequest *request = data;

    lv_xmpp_account_unref(request->account);
    g_free(request->request_id);
    g_free(request->type);
    g_free(request->to);
    g_free(request);
}

static gboolean
do_roster_fetch(gpointer data)
{
    SimpleRequest *request = data;
    LvXmppAccount *account = request->account;

    if (!lv_xmpp_account_in_session(account)) {
        lv_xmpp_account_post(account, LV_XMPP_EVENT_REPLY, request->request_id, NULL,
                             g_error_new(LV_ERROR, LV_ERROR_PROFILE_NOT_CONNECTED,
                                         "%s is not connected", account->profile));
        return G_SOURCE_REMOVE;
    }
    g_clear_pointer(&account->roster_ver, g_free);
    request_roster(account, NULL, request->request_id);
    lv_xmpp_account_drain(account);
    return G_SOURCE_REMOVE;
}

void
lv_xmpp_account_roster_fetch(LvXmppAccount *account, const char *request_id)
{
    SimpleRequest *request = g_new0(SimpleRequest, 1);

    request->account = lv_xmpp_account_ref(account);
    request->request_id = g_strdup(request_id);
    lv_xmpp_account_invoke(account, do_roster_fetch, request, simple_request_free);
}

static gboolean
do_send_subscription(gpointer data)
{
    SimpleRequest *request = data;
    LvXmppAccount *account = request->account;

    if (!lv_xmpp_account_in_session(account))
        return G_SOURCE_REMOVE;
    xmpp_stanza_t *presence = xmpp_presence_new(account->xctx);
    xmpp_stanza_set_type(presence, request->type);
    xmpp_stanza_set_to(presence, request->to);
    xmpp_send(account->conn, presence);
    xmpp_stanza_release(presence);
    lv_xmpp_account_drain(account);
    return G_SOURCE_REMOVE;
}

void
lv_xmpp_account_send_subscription(LvXmppAccount *account, const char *type, const char *to)
{
    SimpleRequest *request = g_new0(SimpleRequest, 1);

    g_return_if_fail(lv_xmpp_presence_is_subscription_type(type));
    request->account = lv_xmpp_account_ref(account);
    request->type = g_strdup(type);
    request->to = g_strdup(to);
    lv_xmpp_account_invoke(account, do_send_subscription, request, simple_request_free);
}
