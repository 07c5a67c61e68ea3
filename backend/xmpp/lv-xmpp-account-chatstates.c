/* lv-xmpp-account-chatstates: our own chat states (XEP-0085), as Libervia's
 * plugin keeps them: a frontend calls chatStateComposing while the user types, and
 * the account's thread does the rest. It sends <composing/> at most once per
 * COMPOSING_EVERY (a frontend may call at every key), <paused/> after PAUSED_AFTER
 * without a call, <inactive/> INACTIVE_AFTER later; a message sent carries
 * <active/> itself (lv-xmpp-message.c) and ends the timers. XEP-0085 §5.1: only to
 * a contact known to support them, here one that sent us a chat state (our
 * messages carry <active/>, so a client that has them answers with its own); and
 * to a room only when it is small, where they are noise for nobody. Runs in the
 * account's thread. */
#include <string.h>

#include "lv-xmpp-account-private.h"
#include "lv-xmpp-account.h"
#include "lv-xmpp-message.h"

#define COMPOSING_EVERY (10 * G_USEC_PER_SEC)
#define PAUSED_AFTER_MS 5000
#define INACTIVE_AFTER_MS (120 * 1000)
#define ROOM_OCCUPANTS_MAX 20

typedef struct {
    LvXmppAccount *account; /* not a reference: peers go before the account */
    char *to;               /* bare JID */
    gboolean room;
    gboolean composing;  /* the last state sent is <composing/> */
    gint64 composing_at; /* g_get_monotonic_time() of that <composing/> */
    GSource *timer;      /* to the next state */
    const char *next;    /* "paused" or "inactive" */
} Peer;

typedef struct {
    GHashTable *capable; /* bare JIDs that sent us a chat state */
    GHashTable *peers;   /* bare JID → Peer* */
} ChatStates;

static void
peer_free(gpointer data)
{
    Peer *peer = data;

    if (peer->timer != NULL) {
        g_source_destroy(peer->timer);
        g_source_unref(peer->timer);
    }
    g_free(peer->to);
    g_free(peer);
}

static ChatStates *
states_of(LvXmppAccount *account)
{
    if (account->chat_states == NULL) {
        ChatStates *states = g_new0(ChatStates, 1);
        states->capable = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        states->peers = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, peer_free);
        account->chat_states = states;
    }
    return account->chat_states;
}

static void
send_state(Peer *peer, const char *name)
{
    LvXmppAccount *account = peer->account;

    if (!lv_xmpp_account_in_session(account))
        return;
    xmpp_stanza_t *notice =
            lv_xmpp_message_build_notice(account->xctx, peer->to, peer->room ? "groupchat" : "chat",
                                         LV_NS_CHATSTATES, name, NULL);
    xmpp_send(account->conn, notice);
    xmpp_stanza_release(notice);
    lv_xmpp_account_drain(account);
}

static gboolean on_timer(gpointer data);

static void
arm(Peer *peer, const char *next, guint delay_ms)
{
    if (peer->timer != NULL) {
        g_source_destroy(peer->timer);
        g_source_unref(peer->timer);
    }
    peer->next = next;
    peer->timer = g_timeout_source_new(delay_ms);
    g_source_set_callback(peer->timer, on_timer, peer, NULL);
    g_source_attach(peer->timer, peer->account->context);
}

static gboolean
on_timer(gpointer data)
{
    Peer *peer = data;
    const char *name = peer->next;

    send_state(peer, name);
    peer->composing = FALSE;
    if (g_str_equal(name, "paused")) {
        arm(peer, "inactive", INACTIVE_AFTER_MS);
        return G_SOURCE_REMOVE;
    }
    /* Inactive: nothing more to say until the user types again. */
    g_source_unref(peer->timer);
    peer->timer = NULL;
    g_hash_table_remove(states_of(peer->account)->peers, peer->to);
    return G_SOURCE_REMOVE;
}

/* Whether @to may get our chat states (see the top of the file). */
static gboolean
allowed(LvXmppAccount *account, const char *to, gboolean *room)
{
    *room = lv_xmpp_muc_is_joined(account, to);
    if (*room)
        return lv_xmpp_muc_count_occupants(account, to) <= ROOM_OCCUPANTS_MAX;
    return g_hash_table_contains(states_of(account)->capable, to);
}

typedef struct {
    LvXmppAccount *account;
    char *to;
} Request;

static void
request_free(gpointer data)
{
    Request *request = data;

    lv_xmpp_account_unref(request->account);
    g_free(request->to);
    g_free(request);
}

static gboolean
do_composing(gpointer data)
{
    Request *request = data;
    LvXmppAccount *account = request->account;
    ChatStates *states = states_of(account);
    gboolean room = FALSE;

    if (!lv_xmpp_account_in_session(account) || !allowed(account, request->to, &room))
        return G_SOURCE_REMOVE;
    Peer *peer = g_hash_table_lookup(states->peers, request->to);
    if (peer == NULL) {
        peer = g_new0(Peer, 1);
        peer->account = account;
        peer->to = g_strdup(request->to);
        g_hash_table_insert(states->peers, peer->to, peer);
    }
    peer->room = room;
    gint64 now = g_get_monotonic_time();
    if (!peer->composing &&
        (peer->composing_at == 0 || now - peer->composing_at >= COMPOSING_EVERY)) {
        send_state(peer, "composing");
        peer->composing = TRUE;
        peer->composing_at = now;
    }
    /* Each call is a key: the pause is counted from the last one. */
    if (peer->composing)
        arm(peer, "paused", PAUSED_AFTER_MS);
    return G_SOURCE_REMOVE;
}

void
lv_xmpp_account_chat_state_composing(LvXmppAccount *account, const char *to)
{
    Request *request = g_new0(Request, 1);

    request->account = lv_xmpp_account_ref(account);
    request->to = g_strdup(to);
    lv_xmpp_account_invoke(account, do_composing, request, request_free);
}

void
lv_xmpp_chat_states_heard(LvXmppAccount *account, const LvXmppMessage *message)
{
    if (message->chat_state == NULL || message->outgoing || message->via != LV_XMPP_VIA_LIVE ||
        message->from_bare == NULL || g_strcmp0(message->type, "groupchat") == 0)
        return;
    GHashTable *capable = states_of(account)->capable;
    /* A flood of senders does not grow it without end: forgotten, they answer our
     * next <active/> again. */
    if (g_hash_table_size(capable) >= 4096)
        g_hash_table_remove_all(capable);
    g_hash_table_add(capable, g_strdup(message->from_bare));
}

void
lv_xmpp_chat_states_message_sent(LvXmppAccount *account, const char *to)
{
    if (account->chat_states == NULL || to == NULL)
        return;
    /* The message said <active/>: no pause to send after it. */
    const char *slash = strchr(to, '/');
    g_autofree char *bare = slash != NULL ? g_strndup(to, (gsize)(slash - to)) : g_strdup(to);
    g_hash_table_remove(states_of(account)->peers, bare);
}

void
lv_xmpp_chat_states_session_ended(LvXmppAccount *account)
{
    if (account->chat_states != NULL)
        g_hash_table_remove_all(states_of(account)->peers);
}

void
lv_xmpp_chat_states_finalize(LvXmppAccount *account)
{
    ChatStates *states = account->chat_states;

    if (states == NULL)
        return;
    g_hash_table_unref(states->peers);
    g_hash_table_unref(states->capable);
    g_free(states);
    account->chat_states = NULL;
}
