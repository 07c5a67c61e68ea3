/* fuzz-account: see fuzz-account.h. Mirrors what lv-xmpp-account.c does in the
 * account's thread (do_connect, on_conn_event, thread_main) minus the network: keep
 * it in step when those change (a finalizer missing here shows up as a leak). */
#include "fuzz-account.h"

#include "lv-jid.h"
#include "lv-xmpp-iq.h"

/* libstrophe 0.12 internals, exported by its static library (see meson.build): the
 * public API has no way to authenticate a connection without a server.
 * auth_handle_open_raw() is what a raw connection runs once its stream is open: it
 * marks the connection authenticated and calls the connection handler;
 * conn_disconnect() closes the socket and leaves the connection disconnected, still
 * marked authenticated. */
void auth_handle_open_raw(xmpp_conn_t *conn);
void conn_disconnect(xmpp_conn_t *conn);

/* The handler of the throw-away raw connection: the account's session is started
 * by fuzz_account_new itself. */
static void
on_raw_event(xmpp_conn_t *conn, xmpp_conn_event_t event, int error,
             xmpp_stream_error_t *stream_error, void *userdata)
{
}

/* A raw connection attempt to a closed loopback port gives the connection its
 * handler and a socket (the attempt is never run: no libstrophe turn reads it), then
 * it is authenticated and disconnected. */
static gboolean
authenticate_offline(xmpp_conn_t *conn)
{
    if (xmpp_connect_raw(conn, "127.0.0.1", 1, on_raw_event, NULL) != XMPP_EOK)
        return FALSE;
    auth_handle_open_raw(conn);
    conn_disconnect(conn);
    return TRUE;
}

LvXmppAccount *
fuzz_account_new(const char *full_jid, GMainContext *main_context, LvXmppEventFunc func,
                 const LvXmppStoreFuncs *funcs, gpointer store)
{
    g_autoptr(LvJid) jid = lv_jid_parse(full_jid, NULL);
    LvXmppSettings settings = { 0 };
    LvXmppAccount *account;

    g_return_val_if_fail(jid != NULL, NULL);
    account = g_atomic_rc_box_new0(LvXmppAccount);
    account->profile = g_strdup("fuzz");
    account->func = func;
    account->main_context = g_main_context_ref(main_context);
    account->context = g_main_context_new();
    account->loop = g_main_loop_new(account->context, FALSE);
    g_main_context_push_thread_default(account->context);
    account->store_funcs = funcs;
    account->store = store;

    /* do_connect */
    account->jid = lv_jid_dup_bare(jid);
    settings.jid = account->jid;
    lv_xmpp_roster_connecting(account, &settings);
    account->xctx = xmpp_ctx_new(NULL, NULL);
    account->conn = xmpp_conn_new(account->xctx);
    xmpp_conn_set_jid(account->conn, full_jid);
    if (!authenticate_offline(account->conn))
        g_error("fuzz: cannot set up an offline libstrophe connection");

    /* on_conn_event(XMPP_CONN_CONNECT) */
    account->session = TRUE;
    account->own_bare = lv_jid_dup_bare(jid);
    account->own_full = g_strdup(full_jid);
    lv_xmpp_account_post(account, LV_XMPP_EVENT_CONNECTED, account->own_full,
                         g_variant_new_boolean(FALSE), NULL);
    lv_xmpp_session_started(account);
    return account;
}

void
fuzz_account_free(LvXmppAccount *account)
{
    /* on_conn_event(XMPP_CONN_DISCONNECT) of a stream that will not come back */
    account->leaving = TRUE;
    account->session = FALSE;
    lv_xmpp_session_ended(account, FALSE);
    lv_xmpp_iq_fail_all(account);
    lv_xmpp_account_post(account, LV_XMPP_EVENT_DISCONNECTED, NULL, NULL, NULL);

    /* release_connection */
    xmpp_conn_release(account->conn);
    account->conn = NULL;
    xmpp_ctx_free(account->xctx);
    account->xctx = NULL;

    /* thread_main, after its loop */
    g_free(account->jid);
    g_free(account->own_bare);
    g_free(account->own_full);
    g_free(account->cert_error);
    g_free(account->roster_ver);
    g_clear_pointer(&account->iqs, g_hash_table_unref);
    lv_xmpp_messages_finalize(account);
    lv_xmpp_bookmarks_finalize(account);
    lv_xmpp_blocking_finalize(account);
    lv_xmpp_muc_finalize(account);
    /* What is still attached to the account's context is destroyed with it, as when
     * the thread's loop quits. */
    g_main_context_pop_thread_default(account->context);
    lv_xmpp_account_unref(account);
}
