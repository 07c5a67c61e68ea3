/* lv-xmpp-account-roster: the account's roster (RFC 6121 §2: fetched at session
 * start, then pushes from our own account only) and presence (§4), in its thread. */
#include <string.h>

#include "lv-error.h"
#include "lv-xmpp-account-private.h"
#include "lv-xmpp-iq.h"
#include "lv-xmpp-presence.h"
#include "lv-xmpp-roster.h"

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
    lv_xmpp_account_post(account, LV_XMPP_EVENT_ROSTER_PUSH, NULL,
                         lv_xmpp_roster_parse_query(query), NULL);
    return TRUE;
}

static void
on_roster_result(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error,
                 gpointer user_data)
{
    if (reply != NULL) {
        xmpp_stanza_t *query = xmpp_stanza_get_child_by_ns(reply, LV_NS_ROSTER);
        lv_xmpp_account_post(account, LV_XMPP_EVENT_ROSTER, NULL, lv_xmpp_roster_parse_query(query),
                             NULL);
    } else {
        g_message("%s: no roster: %s", account->profile, error->message);
    }
    if (!lv_xmpp_account_in_session(account))
        return;
    /* Available once the roster is known, as RFC 6121 §2.2 suggests. */
    xmpp_stanza_t *presence =
            lv_xmpp_presence_build(account->xctx, NULL, "", account->priority, NULL);
    lv_xmpp_disco_decorate_presence(account, presence);
    xmpp_send(account->conn, presence);
    xmpp_stanza_release(presence);
}

static int
on_presence(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
    LvXmppAccount *account = userdata;
    GVariant *update = lv_xmpp_presence_parse(stanza);

    if (update != NULL)
        lv_xmpp_account_post(account, LV_XMPP_EVENT_PRESENCE, NULL, update, NULL);
    return 1;
}

void
lv_xmpp_roster_add_handlers(LvXmppAccount *account)
{
    lv_xmpp_iq_handle(account, LV_NS_ROSTER, "set", on_roster_push);
    xmpp_handler_add(account->conn, on_presence, NULL, "presence", NULL, account);
}

void
lv_xmpp_roster_session_started(LvXmppAccount *account)
{
    xmpp_stanza_t *iq = lv_xmpp_iq_new(account, "get", NULL);

    lv_xmpp_add_child(iq, "query", LV_NS_ROSTER);
    lv_xmpp_roster_add_handlers(account);
    lv_xmpp_iq_request(account, iq, on_roster_result, NULL, NULL);
    xmpp_stanza_release(iq);
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
