/* lv-xmpp-account-muc-service: which entity is a server's multi-user chat service
 * (mucGetService): the server's disco#items, each asked for its disco#info in turn
 * until one has the identity conference/text (XEP-0045 §6.1). In the account's
 * thread; the answer is the service's JID, "" if the server has none. */
#include <string.h>

#include "lv-error.h"
#include "lv-jid.h"
#include "lv-xmpp-account-private.h"
#include "lv-xmpp-iq.h"
#include "lv-xmpp-muc.h"

#define NS_DISCO_INFO "http://jabber.org/protocol/disco#info"
#define NS_DISCO_ITEMS "http://jabber.org/protocol/disco#items"

typedef struct {
    LvXmppAccount *account;
    char *request_id;
    char *server;     /* "": ours */
    GPtrArray *items; /* JIDs still to ask */
} Search;

static void
search_free(gpointer data)
{
    Search *search = data;

    lv_xmpp_account_unref(search->account);
    g_free(search->request_id);
    g_free(search->server);
    g_clear_pointer(&search->items, g_ptr_array_unref);
    g_free(search);
}

static void
answer(Search *search, const char *service, GError *error)
{
    lv_xmpp_account_post(search->account, LV_XMPP_EVENT_REPLY, search->request_id,
                         error == NULL ? g_variant_new("(s)", service) : NULL, error);
    search_free(search);
}

static gboolean
is_conference(xmpp_stanza_t *reply)
{
    xmpp_stanza_t *query = xmpp_stanza_get_child_by_name_and_ns(reply, "query", NS_DISCO_INFO);

    for (xmpp_stanza_t *c = query != NULL ? xmpp_stanza_get_children(query) : NULL; c != NULL;
         c = xmpp_stanza_get_next(c)) {
        if (g_strcmp0(xmpp_stanza_get_name(c), "identity") == 0 &&
            g_strcmp0(xmpp_stanza_get_attribute(c, "category"), "conference") == 0 &&
            g_strcmp0(xmpp_stanza_get_attribute(c, "type"), "text") == 0)
            return TRUE;
    }
    return FALSE;
}

static void ask_next(Search *search);

static void
on_info(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error, gpointer user_data)
{
    Search *search = user_data;
    g_autofree char *jid = g_ptr_array_steal_index(search->items, 0);

    if (reply != NULL && is_conference(reply)) {
        answer(search, jid, NULL);
        return;
    }
    ask_next(search);
}

/* Asks the first item left; none left: no service. Takes @search. */
static void
ask_next(Search *search)
{
    LvXmppAccount *account = search->account;

    if (search->items->len == 0 || !lv_xmpp_account_in_session(account)) {
        answer(search, "", NULL);
        return;
    }
    xmpp_stanza_t *iq = lv_xmpp_iq_new(account, "get", search->items->pdata[0]);
    lv_xmpp_add_child(iq, "query", NS_DISCO_INFO);
    lv_xmpp_iq_request(account, iq, on_info, search, NULL);
    xmpp_stanza_release(iq);
}

static void
on_items(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error, gpointer user_data)
{
    Search *search = user_data;

    if (reply == NULL) {
        GError *failure = g_error_copy(error);
        g_prefix_error(&failure, "no items from %s: ", search->server);
        answer(search, NULL, failure);
        return;
    }
    xmpp_stanza_t *query = xmpp_stanza_get_child_by_name_and_ns(reply, "query", NS_DISCO_ITEMS);
    for (xmpp_stanza_t *c = query != NULL ? xmpp_stanza_get_children(query) : NULL; c != NULL;
         c = xmpp_stanza_get_next(c)) {
        g_autoptr(LvJid) jid = g_strcmp0(xmpp_stanza_get_name(c), "item") == 0
                                       ? lv_jid_parse(xmpp_stanza_get_attribute(c, "jid"), NULL)
                                       : NULL;
        if (jid != NULL && search->items->len < 100) /* a hostile server lists no end */
            g_ptr_array_add(search->items, lv_jid_dup_string(jid));
    }
    ask_next(search);
}

static gboolean
do_search(gpointer data)
{
    Search *search = data;
    LvXmppAccount *account = search->account;

    if (!lv_xmpp_account_in_session(account)) {
        answer(search, NULL,
               g_error_new(LV_ERROR, LV_ERROR_PROFILE_NOT_CONNECTED, "%s is not connected",
                           account->profile));
        return G_SOURCE_REMOVE;
    }
    if (search->server[0] == '\0') {
        const char *at = strchr(account->own_bare, '@');
        g_free(search->server);
        search->server = g_strdup(at != NULL ? at + 1 : account->own_bare);
    }
    xmpp_stanza_t *iq = lv_xmpp_iq_new(account, "get", search->server);
    lv_xmpp_add_child(iq, "query", NS_DISCO_ITEMS);
    lv_xmpp_iq_request(account, iq, on_items, search, NULL);
    xmpp_stanza_release(iq);
    lv_xmpp_account_drain(account);
    return G_SOURCE_REMOVE;
}

void
lv_xmpp_account_muc_service(LvXmppAccount *account, const char *request_id, const char *server)
{
    Search *search = g_new0(Search, 1);

    search->account = lv_xmpp_account_ref(account);
    search->request_id = g_strdup(request_id);
    search->server = g_strdup(server != NULL ? server : "");
    search->items = g_ptr_array_new_with_free_func(g_free);
    /* Owned by the requests once sent: no destroy notify here. */
    lv_xmpp_account_invoke(account, do_search, search, NULL);
}
