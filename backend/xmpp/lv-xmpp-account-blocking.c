/* lv-xmpp-account-blocking: the account's blocklist (XEP-0191) in its thread.
 *
 * The blocklist is fetched at every new session and kept current from the
 * server's block and unblock pushes, accepted only from our account or our
 * server (anyone else could otherwise unblock a contact for us). The get itself
 * tells whether the server blocks at all: one without XEP-0191 answers it with
 * an error (service-unavailable or feature-not-implemented), and asking first
 * with disco would let offline and archived messages arrive before the list.
 * Besides the server's own filtering, the message pipeline drops what comes
 * from a blocked entity (a message archived before the block, one the server let
 * through). */
#include <stdlib.h>
#include <string.h>

#include "lv-error.h"
#include "lv-jid.h"
#include "lv-xmpp-account-private.h"
#include "lv-xmpp-blocking.h"
#include "lv-xmpp-iq.h"
#include "lv-xmpp-message.h"

typedef enum { SUPPORT_UNKNOWN, SUPPORT_YES, SUPPORT_NO } Support;

typedef struct {
    Support support;
    gboolean known;      /* the blocklist was fetched in this session */
    GHashTable *blocked; /* normalised JID → itself */
} Blocking;

static void
blocking_free(Blocking *state)
{
    g_hash_table_unref(state->blocked);
    g_free(state);
}

static Blocking *
state_of(LvXmppAccount *account)
{
    return account->blocking;
}

/* TRUE if @error says the server has no blocking command. */
static gboolean
means_unsupported(const GError *error)
{
    return g_error_matches(error, LV_ERROR, LV_ERROR_NOT_FOUND) ||
           (error != NULL && strstr(error->message, "feature-not-implemented") != NULL);
}

static GError *
unsupported_error(LvXmppAccount *account)
{
    return g_error_new(LV_ERROR, LV_ERROR_FEATURE_NOT_FOUND,
                       "the server of %s does not offer blocking (XEP-0191, %s)", account->profile,
                       LV_NS_BLOCKING);
}

static void
add_all(Blocking *state, GPtrArray *jids)
{
    for (guint i = 0; i < jids->len; i++) {
        if (g_hash_table_size(state->blocked) >= LV_XMPP_BLOCKING_MAX)
            break;
        g_hash_table_add(state->blocked, g_strdup(jids->pdata[i]));
    }
}

/* ---- the session's fetch and the pushes ---- */

typedef void (*FetchDone)(LvXmppAccount *account, const GError *error, gpointer data);

typedef struct {
    FetchDone done;
    gpointer data;
    GDestroyNotify destroy;
} Fetch;

static void
fetch_free(gpointer data)
{
    Fetch *fetch = data;

    if (fetch->destroy != NULL)
        fetch->destroy(fetch->data);
    g_free(fetch);
}

static void
on_blocklist(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error, gpointer user_data)
{
    Fetch *fetch = user_data;
    Blocking *state = state_of(account);

    if (state != NULL && reply != NULL) {
        xmpp_stanza_t *list =
                xmpp_stanza_get_child_by_name_and_ns(reply, "blocklist", LV_NS_BLOCKING);
        g_autoptr(GPtrArray) jids = lv_xmpp_blocking_parse_items(list, account->profile);
        g_hash_table_remove_all(state->blocked);
        add_all(state, jids);
        state->support = SUPPORT_YES;
        state->known = TRUE;
        g_info("%s: %u entities blocked", account->profile, g_hash_table_size(state->blocked));
    } else if (state != NULL && means_unsupported(error)) {
        state->support = SUPPORT_NO;
        g_info("%s: the server does not offer blocking (XEP-0191)", account->profile);
    } else if (error != NULL) {
        g_message("%s: no blocklist: %s", account->profile, error->message);
    }
    if (fetch != NULL && fetch->done != NULL)
        fetch->done(account, error, fetch->data);
}

static void
fetch_blocklist(LvXmppAccount *account, Fetch *fetch)
{
    xmpp_stanza_t *iq = lv_xmpp_iq_new(account, "get", NULL);

    lv_xmpp_add_child(iq, "blocklist", LV_NS_BLOCKING);
    lv_xmpp_iq_request(account, iq, on_blocklist, fetch, fetch_free);
    xmpp_stanza_release(iq);
}

/* Pushes come from our account (no from, or our bare JID) or our server. */
static gboolean
push_sender_ok(LvXmppAccount *account, const char *from)
{
    if (from == NULL)
        return TRUE;
    g_autoptr(LvJid) jid = lv_jid_parse(from, NULL);
    if (jid == NULL || lv_jid_get_resource(jid) != NULL)
        return FALSE;
    g_autofree char *text = lv_jid_dup_string(jid);
    const char *at = strchr(account->own_bare, '@');
    return g_strcmp0(text, account->own_bare) == 0 || (at != NULL && g_strcmp0(text, at + 1) == 0);
}

static gboolean
on_push(LvXmppAccount *account, xmpp_stanza_t *iq, xmpp_stanza_t *payload)
{
    Blocking *state = state_of(account);
    const char *name = xmpp_stanza_get_name(payload);
    const char *from = xmpp_stanza_get_from(iq);

    if (!push_sender_ok(account, from)) {
        g_message("%s: blocking push from %s refused: only our server may send one",
                  account->profile, from);
        return FALSE;
    }
    if (state == NULL || (g_strcmp0(name, "block") != 0 && g_strcmp0(name, "unblock") != 0)) {
        lv_xmpp_account_send_error(account, iq, "modify", "bad-request");
        return TRUE;
    }
    g_autoptr(GPtrArray) jids = lv_xmpp_blocking_parse_items(payload, account->profile);
    if (g_str_equal(name, "block")) {
        add_all(state, jids);
    } else if (xmpp_stanza_get_child_by_name(payload, "item") == NULL) {
        g_hash_table_remove_all(state->blocked); /* XEP-0191 §3.5: everything */
    } else {
        for (guint i = 0; i < jids->len; i++)
            g_hash_table_remove(state->blocked, jids->pdata[i]);
    }
    state->support = SUPPORT_YES;
    for (guint i = 0; i < jids->len; i++)
        g_info("%s: %s %s (pushed by the server)", account->profile, (char *)jids->pdata[i],
               g_str_equal(name, "block") ? "blocked" : "unblocked");
    if (jids->len == 0)
        g_info("%s: every entity %s (pushed by the server)", account->profile,
               g_str_equal(name, "block") ? "blocked" : "unblocked");
    lv_xmpp_account_send_result(account, iq);
    return TRUE;
}

void
lv_xmpp_blocking_session_started(LvXmppAccount *account)
{
    lv_xmpp_iq_handle(account, LV_NS_BLOCKING, "set", on_push);
    /* The server kept our session: the pushes kept the list current, unless its
     * fetch went with the stream. */
    if (account->resumed && account->blocking != NULL &&
        state_of(account)->support != SUPPORT_UNKNOWN)
        return;
    g_clear_pointer(&account->blocking, blocking_free);
    Blocking *state = g_new0(Blocking, 1);
    state->blocked = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    account->blocking = state;
    fetch_blocklist(account, g_new0(Fetch, 1));
}

void
lv_xmpp_blocking_session_ended(LvXmppAccount *account, gboolean resumable)
{
    if (!resumable)
        g_clear_pointer(&account->blocking, blocking_free);
}

void
lv_xmpp_blocking_finalize(LvXmppAccount *account)
{
    g_clear_pointer(&account->blocking, blocking_free);
}

gboolean
lv_xmpp_blocking_drops(LvXmppAccount *account, const LvXmppMessage *message)
{
    Blocking *state = state_of(account);

    if (state == NULL || message->outgoing ||
        !lv_xmpp_blocking_matches(state->blocked, message->from))
        return FALSE;
    g_debug("%s: message from %s dropped: the sender is blocked", account->profile, message->from);
    return TRUE;
}

/* ---- requests from the main context ---- */

typedef struct {
    LvXmppAccount *account;
    char *request_id;
    gboolean block;
    char **jids;
} Request;

static void
request_free(gpointer data)
{
    Request *request = data;

    lv_xmpp_account_unref(request->account);
    g_free(request->request_id);
    g_strfreev(request->jids);
    g_free(request);
}

static Request *
request_new(LvXmppAccount *account, const char *request_id)
{
    Request *request = g_new0(Request, 1);

    request->account = lv_xmpp_account_ref(account);
    request->request_id = g_strdup(request_id);
    return request;
}

static void
reply(Request *request, GVariant *data, GError *error)
{
    lv_xmpp_account_post(request->account, LV_XMPP_EVENT_REPLY, request->request_id, data, error);
}

static gint
compare_strings(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

static void
answer_list(LvXmppAccount *account, Request *request)
{
    guint count = 0;
    g_autofree gpointer *jids = g_hash_table_get_keys_as_array(state_of(account)->blocked, &count);

    qsort(jids, count, sizeof *jids, compare_strings);
    reply(request, g_variant_new("(^as)", (char **)jids), NULL);
}

static void
on_list_fetched(LvXmppAccount *account, const GError *error, gpointer data)
{
    Request *request = data;
    Blocking *state = state_of(account);

    if (state != NULL && state->known)
        answer_list(account, request);
    else if (state != NULL && state->support == SUPPORT_NO)
        reply(request, NULL, unsupported_error(account));
    else
        reply(request, NULL,
              error != NULL ? g_error_copy(error)
                            : g_error_new(LV_ERROR, LV_ERROR_NETWORK, "%s was disconnected",
                                          account->profile));
}

/* In session with a blocking state; else answers @request with the error. */
static gboolean
usable(Request *request)
{
    LvXmppAccount *account = request->account;

    if (!lv_xmpp_account_in_session(account) || state_of(account) == NULL) {
        reply(request, NULL,
              g_error_new(LV_ERROR, LV_ERROR_PROFILE_NOT_CONNECTED, "%s is not connected",
                          account->profile));
        return FALSE;
    }
    if (state_of(account)->support == SUPPORT_NO) {
        reply(request, NULL, unsupported_error(account));
        return FALSE;
    }
    return TRUE;
}

static gboolean
do_list(gpointer data)
{
    Request *request = data;
    LvXmppAccount *account = request->account;

    if (!usable(request))
        return G_SOURCE_REMOVE;
    /* The pushes keep the list current once it was fetched in this session. */
    if (state_of(account)->known) {
        answer_list(account, request);
        return G_SOURCE_REMOVE;
    }
    Fetch *fetch = g_new0(Fetch, 1);
    fetch->done = on_list_fetched;
    fetch->data = request_new(account, request->request_id);
    fetch->destroy = request_free;
    fetch_blocklist(account, fetch);
    lv_xmpp_account_drain(account);
    return G_SOURCE_REMOVE;
}

void
lv_xmpp_account_blocking_list(LvXmppAccount *account, const char *request_id)
{
    lv_xmpp_account_invoke(account, do_list, request_new(account, request_id), request_free);
}

static void
on_changed(LvXmppAccount *account, xmpp_stanza_t *answer, const GError *error, gpointer user_data)
{
    Request *request = user_data;
    Blocking *state = state_of(account);

    if (answer == NULL) {
        if (state != NULL && means_unsupported(error))
            state->support = SUPPORT_NO;
        reply(request, NULL,
              means_unsupported(error) ? unsupported_error(account) : g_error_copy(error));
        return;
    }
    /* The push says the same; applying it now makes the answer true at once. */
    for (char **j = request->jids; state != NULL && *j != NULL; j++) {
        if (request->block)
            g_hash_table_add(state->blocked, g_strdup(*j));
        else
            g_hash_table_remove(state->blocked, *j);
    }
    if (state != NULL && !request->block && request->jids[0] == NULL)
        g_hash_table_remove_all(state->blocked);
    reply(request, NULL, NULL);
}

static gboolean
do_change(gpointer data)
{
    Request *request = data;
    LvXmppAccount *account = request->account;

    if (!usable(request))
        return G_SOURCE_REMOVE;
    xmpp_stanza_t *iq = lv_xmpp_iq_new(account, "set", NULL);
    xmpp_stanza_t *payload =
            lv_xmpp_blocking_build(account->xctx, request->block ? "block" : "unblock",
                                   (const char *const *)request->jids);
    xmpp_stanza_add_child(iq, payload);
    xmpp_stanza_release(payload);
    Request *copy = request_new(account, request->request_id);
    copy->block = request->block;
    copy->jids = g_strdupv(request->jids);
    lv_xmpp_iq_request(account, iq, on_changed, copy, request_free);
    xmpp_stanza_release(iq);
    lv_xmpp_account_drain(account);
    return G_SOURCE_REMOVE;
}

void
lv_xmpp_account_blocking_change(LvXmppAccount *account, const char *request_id, gboolean block,
                                const char *const *jids)
{
    Request *request = request_new(account, request_id);

    request->block = block;
    request->jids = g_strdupv((char **)jids);
    lv_xmpp_account_invoke(account, do_change, request, request_free);
}
