/* lv-xmpp-account-messages: the account's messages in its thread: incoming ones
 * parsed and stored before they are acked, carbons enabled, MAM caught up at every
 * session start, and the outbox (our messages not yet confirmed) reconciled and
 * re-sent.
 *
 * Order at session start: carbons on; disco#info on our account (does our server
 * archive? only then do its stanza-ids count); MAM from the last point stored, page
 * after page; then the pending messages that MAM did not show are sent again with
 * the same id (a receiver that saw the first copy recognises it).
 */
#include <string.h>

#include "lv-error.h"
#include "lv-xmlui.h"
#include "lv-xmpp-account-private.h"
#include "lv-xmpp-iq.h"
#include "lv-xmpp-message.h"

#define NS_DISCO_INFO "http://jabber.org/protocol/disco#info"
#define NS_PING "urn:xmpp:ping"
/* Short enough that a backlog is committed within about half a second of the lock
 * or the disk being free again (case R8); each try waits at most the busy timeout. */
#define RETRY_MS 500

LvXmppSignal *
lv_xmpp_signal_new(const char *name, GVariant *params)
{
    LvXmppSignal *signal = g_new0(LvXmppSignal, 1);

    signal->name = g_strdup(name);
    signal->params = g_variant_ref_sink(params);
    return signal;
}

void
lv_xmpp_signal_free(LvXmppSignal *signal)
{
    if (signal == NULL)
        return;
    g_free(signal->name);
    g_variant_unref(signal->params);
    g_free(signal);
}

static void
post_signals(LvXmppAccount *account, GPtrArray *signals)
{
    for (guint i = 0; i < signals->len; i++) {
        LvXmppSignal *signal = signals->pdata[i];
        lv_xmpp_account_post(account, LV_XMPP_EVENT_SIGNAL, signal->name, signal->params, NULL);
    }
}

static gboolean on_retry(gpointer data);

/* Tells the frontends as Libervia 0.9 tells them of a backend-side problem: an
 * actionNew signal whose XMLUI is a note (no security limit: anyone may see it). */
static void
announce_storage(LvXmppAccount *account, const char *level, const char *text)
{
    g_autofree char *xmlui = lv_xmlui_note_new("Message storage", text, level);
    g_autofree char *id = g_uuid_string_random();
    GVariantBuilder data;

    g_variant_builder_init(&data, G_VARIANT_TYPE("a{ss}"));
    g_variant_builder_add(&data, "{ss}", "xmlui", xmlui);
    lv_xmpp_account_post(account, LV_XMPP_EVENT_SIGNAL, "actionNew",
                         g_variant_new("(a{ss}si)", &data, id, -1), NULL);
}

/* Once caught up, the live stream is contiguous with the archive: its newest id
 * from our archive is where the next catch-up starts. */
static void
advance_point(LvXmppAccount *account)
{
    g_autoptr(GError) error = NULL;
    const char *last = NULL;

    if (!account->trust_archive || account->catching_up)
        return;
    for (guint i = 0; i < account->batch->len; i++) {
        const LvXmppMessage *message = account->batch->pdata[i];
        if (message->via != LV_XMPP_VIA_MAM && message->stanza_id != NULL &&
            g_strcmp0(message->archive_jid, account->own_bare) == 0)
            last = message->stanza_id;
    }
    if (last != NULL &&
        !account->store_funcs->mam_set_last(account->store, account->own_bare, last, &error))
        g_warning("%s: cannot keep the archive point: %s", account->profile, error->message);
}

void
lv_xmpp_messages_flush(LvXmppAccount *account)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) signals =
            g_ptr_array_new_with_free_func((GDestroyNotify)lv_xmpp_signal_free);

    if (account->batch == NULL || account->batch->len == 0 || account->retry != NULL)
        return;
    if (account->store_funcs == NULL) {
        g_ptr_array_set_size(account->batch, 0);
        return;
    }
    if (!account->store_funcs->store(account->store, account->own_bare, account->batch, signals,
                                     &error)) {
        /* libstrophe acks them anyway: keep them and try again; MAM is the backstop
         * if we die first (the catch-up point did not move). Said once per outage:
         * a full disk would otherwise fill the log every second. */
        if (account->store_failures++ == 0) {
            g_autofree char *text = g_strdup_printf(
                    "Incoming messages cannot be stored: %s. They are kept in memory and "
                    "retried; the server's archive gives them back if the backend stops first.",
                    error->message);
            g_warning("%s: %u messages not stored yet (kept in memory, retried every %d ms; "
                      "the archive catch-up point stays where it was): %s",
                      account->profile, account->batch->len, RETRY_MS, error->message);
            announce_storage(account, LV_XMLUI_LEVEL_ERROR, text);
        }
        account->retry = g_timeout_source_new(RETRY_MS);
        g_source_set_callback(account->retry, on_retry, account, NULL);
        g_source_attach(account->retry, account->context);
        return;
    }
    if (account->store_failures > 0) {
        g_autofree char *text = g_strdup_printf(
                "Incoming messages are stored again (%u that waited in memory are saved).",
                account->batch->len);
        g_message("%s: messages stored again, %u of them, after %u failed attempts",
                  account->profile, account->batch->len, account->store_failures);
        announce_storage(account, LV_XMLUI_LEVEL_INFO, text);
    }
    account->store_failures = 0;
    advance_point(account);
    g_ptr_array_set_size(account->batch, 0);
    post_signals(account, signals);
}

static gboolean
on_retry(gpointer data)
{
    LvXmppAccount *account = data;

    g_source_unref(account->retry);
    account->retry = NULL;
    lv_xmpp_messages_flush(account);
    return G_SOURCE_REMOVE;
}

static void
send_receipt(LvXmppAccount *account, const LvXmppMessage *message)
{
    xmpp_stanza_t *receipt = lv_xmpp_message_build_notice(
            account->xctx, message->from, message->type, LV_NS_RECEIPTS, "received", message->id);
    xmpp_send(account->conn, receipt);
    xmpp_stanza_release(receipt);
}

static int
on_message(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
    LvXmppAccount *account = userdata;
    g_autofree LvXmppMamQuery *queries = lv_xmpp_mam_queries_for_parser(account);
    LvXmppMessageContext context = { account->own_bare, account->own_full, account->trust_archive,
                                     queries };
    g_autoptr(GError) error = NULL;
    LvXmppMessage *message = lv_xmpp_message_parse(stanza, &context, &error);

    if (message == NULL) {
        g_message("%s: message ignored: %s", account->profile, error->message);
        return 1;
    }
    if (lv_xmpp_blocking_drops(account, message)) { /* XEP-0191: live, carbon or MAM alike */
        lv_xmpp_message_free(message);
        return 1;
    }
    lv_xmpp_chat_states_heard(account, message);
    /* Receipts for what reached this resource directly, not for copies. */
    if (message->via == LV_XMPP_VIA_LIVE && message->want_receipt && message->id != NULL &&
        !message->outgoing && g_strcmp0(message->type, "groupchat") != 0 &&
        g_strcmp0(message->type, "error") != 0)
        send_receipt(account, message);
    if (lv_xmpp_muc_take_message(account, stanza, message)) {
        lv_xmpp_message_free(message);
        return 1;
    }
    if (message->via == LV_XMPP_VIA_MAM && !lv_xmpp_mam_take(account, message)) {
        lv_xmpp_message_free(message); /* asked for a frontend, not for the history */
        return 1;
    }
    if (account->batch == NULL)
        account->batch = g_ptr_array_new_with_free_func((GDestroyNotify)lv_xmpp_message_free);
    g_ptr_array_add(account->batch, message);
    return 1;
}

/* ---- the outbox ---- */

static void
send_outgoing(LvXmppAccount *account, const LvXmppOutgoing *outgoing)
{
    xmpp_stanza_t *stanza = lv_xmpp_message_build(account->xctx, outgoing);

    lv_xmpp_muc_decorate_message(account, stanza, outgoing->to, outgoing->type);

    xmpp_send(account->conn, stanza);
    xmpp_stanza_release(stanza);
    lv_xmpp_chat_states_message_sent(account, outgoing->to);
    if (account->sent == NULL)
        account->sent = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_hash_table_add(account->sent, g_strdup(outgoing->uid));
    if (account->unconfirmed == NULL)
        account->unconfirmed = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(account->unconfirmed, g_strdup(outgoing->uid));
}

static void confirm_sent(LvXmppAccount *account);

/* The server answers IQs in stream order: once it answers a ping sent after our
 * messages, it has them. */
static void
on_confirm_ping(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error,
                gpointer user_data)
{
    GPtrArray *uids = user_data;
    g_autoptr(GError) failure = NULL;
    g_autoptr(GPtrArray) signals =
            g_ptr_array_new_with_free_func((GDestroyNotify)lv_xmpp_signal_free);

    account->confirming = FALSE;
    /* An error reply still comes after our messages were processed, whatever its
     * condition: a server without XEP-0199 answers service-unavailable (mapped to
     * NOT_FOUND). Taking that for a lost stream put the messages back and pinged
     * again at once, in a loop that never marked them sent. */
    if (reply != NULL || g_error_matches(error, LV_ERROR, LV_ERROR_EXTERNAL_REQUEST) ||
        g_error_matches(error, LV_ERROR, LV_ERROR_NOT_FOUND)) {
        if (account->store_funcs != NULL &&
            !account->store_funcs->mark_sent(account->store, uids, signals, &failure))
            g_warning("%s: cannot mark messages sent: %s", account->profile, failure->message);
        post_signals(account, signals);
    } else {
        /* The stream went before the answer: ask again on the next one. */
        if (account->unconfirmed == NULL)
            account->unconfirmed = g_ptr_array_new_with_free_func(g_free);
        for (guint i = 0; i < uids->len; i++)
            g_ptr_array_add(account->unconfirmed, g_strdup(uids->pdata[i]));
    }
    if (lv_xmpp_account_in_session(account))
        confirm_sent(account);
}

static void
confirm_sent(LvXmppAccount *account)
{
    if (account->confirming || account->unconfirmed == NULL || account->unconfirmed->len == 0)
        return;
    const char *domain = strchr(account->own_bare, '@');
    xmpp_stanza_t *iq = lv_xmpp_iq_new(account, "get", domain != NULL ? domain + 1 : NULL);
    lv_xmpp_add_child(iq, "ping", NS_PING);
    account->confirming = TRUE;
    GPtrArray *uids = g_steal_pointer(&account->unconfirmed);
    lv_xmpp_iq_request(account, iq, on_confirm_ping, uids, (GDestroyNotify)g_ptr_array_unref);
    xmpp_stanza_release(iq);
}

/* After the catch-up: what is still pending and was not sent in this session goes
 * out again, with its id. */
static void
flush_outbox(LvXmppAccount *account)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) pending = account->store_funcs != NULL
                                           ? account->store_funcs->outbox(account->store, &error)
                                           : NULL;
    guint resent = 0;

    if (pending == NULL) {
        if (error != NULL)
            g_warning("%s: cannot read the outbox: %s", account->profile, error->message);
        return;
    }
    for (guint i = 0; i < pending->len; i++) {
        LvXmppOutgoing *outgoing = pending->pdata[i];
        if (account->sent != NULL && g_hash_table_contains(account->sent, outgoing->uid))
            continue;
        send_outgoing(account, outgoing);
        resent++;
    }
    if (resent > 0)
        g_info("%s: %u messages of the outbox sent", account->profile, resent);
    confirm_sent(account);
}

void
lv_xmpp_messages_caught_up(LvXmppAccount *account)
{
    if (lv_xmpp_account_in_session(account))
        flush_outbox(account);
}

/* ---- session ---- */

static void
on_carbons(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error, gpointer user_data)
{
    /* Lost with the stream: a resumed one asks again (enabling twice is harmless). */
    account->carbons_unknown = reply == NULL && lv_xmpp_iq_lost_with_stream(error);
    if (reply == NULL && !account->carbons_unknown)
        g_message("%s: carbons not enabled: %s", account->profile, error->message);
}

static void
enable_carbons(LvXmppAccount *account)
{
    xmpp_stanza_t *carbons = lv_xmpp_iq_new(account, "set", NULL);

    lv_xmpp_add_child(carbons, "enable", LV_NS_CARBONS);
    lv_xmpp_iq_request(account, carbons, on_carbons, NULL, NULL);
    xmpp_stanza_release(carbons);
}

static gboolean
has_feature(xmpp_stanza_t *reply, const char *feature)
{
    xmpp_stanza_t *query = xmpp_stanza_get_child_by_name_and_ns(reply, "query", NS_DISCO_INFO);

    for (xmpp_stanza_t *c = query != NULL ? xmpp_stanza_get_children(query) : NULL; c != NULL;
         c = xmpp_stanza_get_next(c)) {
        if (g_strcmp0(xmpp_stanza_get_name(c), "feature") == 0 &&
            g_strcmp0(xmpp_stanza_get_attribute(c, "var"), feature) == 0)
            return TRUE;
    }
    return FALSE;
}

static void
on_own_disco(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error, gpointer user_data)
{
    if (reply == NULL && lv_xmpp_iq_lost_with_stream(error)) {
        /* The stream went first: we do not know yet. A resumed stream asks again
         * (taking "no archive" would skip this session's catch-up for good). */
        account->archive_unknown = TRUE;
        return;
    }
    account->archive_unknown = FALSE;
    account->trust_archive = reply != NULL && has_feature(reply, LV_NS_MAM);
    if (account->trust_archive) {
        lv_xmpp_mam_start_catch_up(account);
        return;
    }
    g_message("%s: our server keeps no archive (MAM): no catch-up", account->profile);
    flush_outbox(account);
}

/* Whether our server archives: its answer starts the catch-up or flushes the outbox. */
static void
ask_own_disco(LvXmppAccount *account)
{
    xmpp_stanza_t *disco = lv_xmpp_iq_new(account, "get", account->own_bare);

    account->archive_unknown = TRUE;
    lv_xmpp_add_child(disco, "query", NS_DISCO_INFO);
    lv_xmpp_iq_request(account, disco, on_own_disco, NULL, NULL);
    xmpp_stanza_release(disco);
}

void
lv_xmpp_messages_session_started(LvXmppAccount *account)
{
    /* A new session: nothing of a lost stream's state holds. */
    account->trust_archive = account->caught_up = FALSE;
    g_clear_pointer(&account->sent, g_hash_table_unref);
    g_clear_pointer(&account->unconfirmed, g_ptr_array_unref);
    xmpp_handler_add(account->conn, on_message, NULL, "message", NULL, account);
    enable_carbons(account);
    ask_own_disco(account);
}

void
lv_xmpp_messages_session_resumed(LvXmppAccount *account)
{
    xmpp_handler_add(account->conn, on_message, NULL, "message", NULL, account);
    if (account->carbons_unknown)
        enable_carbons(account);
    /* libstrophe sent again what the server had not acked; the outbox adds what was
     * written while the stream was away (never given to libstrophe). */
    if (account->archive_unknown)
        ask_own_disco(account); /* its answer starts the catch-up, or the outbox */
    else if (account->trust_archive && !account->caught_up)
        lv_xmpp_mam_start_catch_up(
                account); /* the lost stream cut it short: the outbox follows it */
    else
        flush_outbox(account);
}

void
lv_xmpp_messages_session_ended(LvXmppAccount *account, gboolean resumable)
{
    lv_xmpp_messages_flush(account);
    account->catching_up = account->confirming = FALSE;
    lv_xmpp_mam_session_ended(account);
    if (resumable)
        return; /* what this session sent and learnt holds if the stream is resumed */
    account->trust_archive = account->caught_up = FALSE;
    g_clear_pointer(&account->sent, g_hash_table_unref);
    g_clear_pointer(&account->unconfirmed, g_ptr_array_unref);
}

void
lv_xmpp_messages_finalize(LvXmppAccount *account)
{
    lv_xmpp_messages_session_ended(account, FALSE);
    if (account->retry != NULL) {
        g_source_destroy(account->retry);
        g_source_unref(account->retry);
        account->retry = NULL;
        lv_xmpp_messages_flush(account); /* a last try */
    }
    g_clear_pointer(&account->batch, g_ptr_array_unref);
    if (account->store_funcs != NULL && account->store != NULL)
        account->store_funcs->free(account->store);
    account->store = NULL;
}

/* ---- requests from the main context ---- */

typedef struct {
    LvXmppAccount *account;
    const LvXmppStoreFuncs *funcs;
    gpointer store;
    LvXmppOutgoing *outgoing;
    char *to, *type, *ns, *name, *id;
} MessageRequest;

static void
message_request_free(gpointer data)
{
    MessageRequest *request = data;

    lv_xmpp_account_unref(request->account);
    lv_xmpp_outgoing_free(request->outgoing);
    g_free(request->to);
    g_free(request->type);
    g_free(request->ns);
    g_free(request->name);
    g_free(request->id);
    g_free(request);
}

static MessageRequest *
message_request_new(LvXmppAccount *account)
{
    MessageRequest *request = g_new0(MessageRequest, 1);

    request->account = lv_xmpp_account_ref(account);
    return request;
}

static gboolean
do_set_store(gpointer data)
{
    MessageRequest *request = data;

    request->account->store_funcs = request->funcs;
    request->account->store = request->store;
    return G_SOURCE_REMOVE;
}

void
lv_xmpp_account_set_store(LvXmppAccount *account, const LvXmppStoreFuncs *funcs, gpointer store)
{
    MessageRequest *request = message_request_new(account);

    request->funcs = funcs;
    request->store = store;
    lv_xmpp_account_invoke(account, do_set_store, request, message_request_free);
}

static gboolean
do_send_message(gpointer data)
{
    MessageRequest *request = data;
    LvXmppAccount *account = request->account;

    /* Not in session, or still catching up: the outbox sends it after the catch-up. */
    if (!lv_xmpp_account_in_session(account) || account->catching_up)
        return G_SOURCE_REMOVE;
    send_outgoing(account, request->outgoing);
    confirm_sent(account);
    lv_xmpp_account_drain(account);
    return G_SOURCE_REMOVE;
}

void
lv_xmpp_account_send_message(LvXmppAccount *account, LvXmppOutgoing *outgoing)
{
    MessageRequest *request = message_request_new(account);

    request->outgoing = outgoing;
    lv_xmpp_account_invoke(account, do_send_message, request, message_request_free);
}

static gboolean
do_send_notice(gpointer data)
{
    MessageRequest *request = data;
    LvXmppAccount *account = request->account;

    if (!lv_xmpp_account_in_session(account))
        return G_SOURCE_REMOVE;
    xmpp_stanza_t *notice = lv_xmpp_message_build_notice(account->xctx, request->to, request->type,
                                                         request->ns, request->name, request->id);
    xmpp_send(account->conn, notice);
    xmpp_stanza_release(notice);
    lv_xmpp_account_drain(account);
    return G_SOURCE_REMOVE;
}

void
lv_xmpp_account_send_notice(LvXmppAccount *account, const char *to, const char *type,
                            const char *ns, const char *name, const char *id)
{
    MessageRequest *request = message_request_new(account);

    request->to = g_strdup(to);
    request->type = g_strdup(type);
    request->ns = g_strdup(ns);
    request->name = g_strdup(name);
    request->id = g_strdup(id);
    lv_xmpp_account_invoke(account, do_send_notice, request, message_request_free);
}
