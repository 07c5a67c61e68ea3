/* lv-xmpp-account: libstrophe on a GLib main context in an I/O thread (see the
 * header). Fields marked "thread" are touched only by the account's thread. */
#include <stdlib.h>
#include <string.h>

#include "lv-error.h"
#include "lv-jid.h"
#include "lv-xmpp-account-private.h"
#include "lv-xmpp-expat-guard.h"
#include "lv-xmpp-iq.h"

/* While connecting, libstrophe's own timers (connect timeout, handshake) need
 * turns; once connected only the socket wakes us. */
#define CONNECTING_TICK_MS 10
#define DISCONNECT_TICK_MS 50
#define DRAIN_TURNS 4

/* The account of the current I/O thread: libstrophe's socket and certificate
 * callbacks carry no user data. */
static __thread LvXmppAccount *thread_account;

void
lv_xmpp_settings_free(LvXmppSettings *settings)
{
    if (settings == NULL)
        return;
    g_free(settings->jid);
    if (settings->password != NULL) {
        memset(settings->password, 0, strlen(settings->password));
        g_free(settings->password);
    }
    g_free(settings->host);
    g_free(settings->ca_file);
    g_free(settings->trusted_fingerprint);
    g_free(settings->roster_ver);
    g_free(settings);
}

LvXmppAccount *
lv_xmpp_account_ref(LvXmppAccount *account)
{
    return g_atomic_rc_box_acquire(account);
}

static void
account_clear(gpointer data)
{
    LvXmppAccount *account = data;

    g_free(account->profile);
    g_free(account->bound_jid);
    g_main_context_unref(account->main_context);
    g_main_context_unref(account->context);
    g_main_loop_unref(account->loop);
}

void
lv_xmpp_account_unref(LvXmppAccount *account)
{
    g_atomic_rc_box_release_full(account, account_clear);
}

/* ---- events, from the thread to the main context ---- */

typedef struct {
    LvXmppAccount *account;
    LvXmppEvent event;
    char *jid;
    GVariant *data;
    GError *error;
} EventMessage;

static void
event_message_free(gpointer data)
{
    EventMessage *message = data;

    lv_xmpp_account_unref(message->account);
    g_free(message->jid);
    g_clear_pointer(&message->data, g_variant_unref);
    g_clear_error(&message->error);
    g_free(message);
}

static gboolean
deliver_event(gpointer data)
{
    EventMessage *message = data;
    LvXmppAccount *account = message->account;

    if (account->closed)
        return G_SOURCE_REMOVE;
    if (message->event <= LV_XMPP_EVENT_FAILED)
        account->connected = message->event == LV_XMPP_EVENT_CONNECTED;
    if (message->event == LV_XMPP_EVENT_CONNECTED) {
        g_free(account->bound_jid);
        account->bound_jid = g_strdup(message->jid);
        account->connected_at = g_get_real_time();
    }
    account->func(account, message->event, message->jid, message->data, message->error,
                  account->user_data);
    return G_SOURCE_REMOVE;
}

void
lv_xmpp_account_post(LvXmppAccount *account, LvXmppEvent event, const char *jid, GVariant *data,
                     GError *error)
{
    EventMessage *message = g_new0(EventMessage, 1);

    message->account = lv_xmpp_account_ref(account);
    message->event = event;
    message->jid = g_strdup(jid);
    message->data = data != NULL ? g_variant_ref_sink(data) : NULL;
    message->error = error;
    g_main_context_invoke_full(account->main_context, G_PRIORITY_DEFAULT, deliver_event, message,
                               event_message_free);
}

static void
post_event(LvXmppAccount *account, LvXmppEvent event, const char *jid, GError *error)
{
    lv_xmpp_account_post(account, event, jid, NULL, error);
}

/* ---- the thread: socket watch, timers, libstrophe turns ---- */

static gboolean
fd_dispatch(GSource *source, GSourceFunc callback, gpointer user_data)
{
    LvXmppAccount *account = thread_account;

    if (account->fd_tag != NULL && (g_source_query_unix_fd(source, account->fd_tag) & G_IO_IN))
        lv_xmpp_keepalive_heard(account);
    lv_xmpp_account_drain(account);
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs fd_source_funcs = { NULL, NULL, fd_dispatch, NULL, NULL, NULL };

static void
unwatch_socket(LvXmppAccount *account)
{
    lv_xmpp_keepalive_stop(account);
    if (account->fd_source == NULL)
        return;
    g_source_destroy(account->fd_source);
    g_source_unref(account->fd_source);
    account->fd_source = NULL;
    account->fd_tag = NULL;
}

static void
stop_ticker(LvXmppAccount *account)
{
    if (account->ticker == NULL)
        return;
    g_source_destroy(account->ticker);
    g_source_unref(account->ticker);
    account->ticker = NULL;
}

static gboolean
on_tick(gpointer data)
{
    lv_xmpp_account_drain(data);
    return G_SOURCE_CONTINUE;
}

static void
start_ticker(LvXmppAccount *account, guint interval_ms)
{
    stop_ticker(account);
    account->ticker = g_timeout_source_new(interval_ms);
    g_source_set_callback(account->ticker, on_tick, account, NULL);
    g_source_attach(account->ticker, account->context);
}

/* libstrophe hands over each socket it creates: watch it, keep it alive. */
static int
on_sockopt(xmpp_conn_t *conn, void *sock)
{
    LvXmppAccount *account = thread_account;
    int fd = *(int *)sock;

    account->fd = fd;
    unwatch_socket(account);
    account->fd_source = g_source_new(&fd_source_funcs, sizeof(GSource));
    account->fd_tag = g_source_add_unix_fd(account->fd_source, fd, G_IO_IN | G_IO_ERR | G_IO_HUP);
    g_source_attach(account->fd_source, account->context);
    lv_xmpp_keepalive_watch(account, fd);
    return xmpp_sockopt_cb_keepalive(conn, sock);
}

/* @fingerprint in lower-case hex without separators (transfer full). */
static char *
normalize_fingerprint(const char *fingerprint)
{
    GString *out = g_string_new(NULL);

    for (const char *p = fingerprint; p != NULL && *p != '\0'; p++) {
        if (g_ascii_isxdigit(*p))
            g_string_append_c(out, g_ascii_tolower(*p));
    }
    return g_string_free(out, FALSE);
}

/* A certificate that does not verify is refused, unless it is the very one the
 * profile pinned (Connection/Trusted certificate): a self-signed server the user
 * checked. The fingerprint goes into the error so the user can do that. */
static int
on_certfail(const xmpp_tlscert_t *cert, const char *const errormsg)
{
    LvXmppAccount *account = thread_account;
    const char *sha256 = xmpp_tlscert_get_string(cert, XMPP_CERT_FINGERPRINT_SHA256);
    g_autofree char *fingerprint = normalize_fingerprint(sha256);

    if (account->trusted_fingerprint != NULL && fingerprint[0] != '\0' &&
        g_str_equal(fingerprint, account->trusted_fingerprint)) {
        g_info("%s: accepting the pinned certificate %s (%s)", account->profile, fingerprint,
               errormsg != NULL ? errormsg : "does not verify");
        return 1;
    }
    if (account->cert_error == NULL) { /* the first reason is the one to tell */
        account->cert_error = g_strdup(errormsg != NULL ? errormsg : "verification failed");
        account->cert_fingerprint = g_steal_pointer(&fingerprint);
    }
    return 0; /* check_certificate = false uses TRUST_TLS instead */
}

static void
on_strophe_log(void *userdata, xmpp_log_level_t level, const char *area, const char *msg)
{
    LvXmppAccount *account = userdata;

    /* libstrophe 0.12 answers invalid XML with a stream error but keeps the stream
     * open: a server that never closes it would hold us forever (case S12). Its line
     * quotes the bytes read with a "%s" of a buffer it never NUL-terminates, so
     * nothing past the prefix is read: stale stack bytes (valgrind: uninitialised),
     * and hostile input besides. */
    if (g_str_has_prefix(msg, "parse error")) {
        account->parse_error = TRUE;
        g_message("%s: [%s] parse error in the server's stream", account->profile, area);
        return;
    }
    /* libstrophe 0.12 tells these only in its log: the connection just closes. */
    if (strstr(msg, "auth failed") != NULL || strstr(msg, "Cannot authenticate") != NULL)
        account->auth_failed = TRUE;
    if (g_str_has_prefix(msg, "connection failed, error "))
        account->socket_error = atoi(msg + strlen("connection failed, error "));
    if (strstr(msg, "Session resumed successfully") != NULL)
        account->resumed = TRUE;
    lv_xmpp_plaintext_log_line(account, msg);
    lv_xmpp_roster_log_line(account, area, msg);
    if (level >= XMPP_LEVEL_ERROR)
        g_message("%s: [%s] %s", account->profile, area, msg);
    else
        g_debug("%s: [%s] %s", account->profile, area, msg); /* the writer redacts SASL */
}

/* Lets the connection go. Unless we are leaving, its stream-management state is kept
 * (with the context it belongs to) so that the next connection can resume the
 * stream (XEP-0198) instead of starting a new session. */
static void
release_connection(LvXmppAccount *account)
{
    unwatch_socket(account);
    stop_ticker(account);
    if (account->conn != NULL) {
        xmpp_sm_state_t *sm = account->leaving || account->stale_sm
                                      ? NULL
                                      : xmpp_conn_get_sm_state(account->conn);
        if (sm != NULL) {
            if (account->sm_state != NULL)
                xmpp_free_sm_state(account->sm_state);
            account->sm_state = sm;
        }
        xmpp_conn_release(account->conn);
    }
    account->conn = NULL;
    account->fd = -1;
    if ((account->leaving || account->stale_sm) && account->sm_state != NULL) {
        xmpp_free_sm_state(account->sm_state);
        account->sm_state = NULL;
    }
    if (account->xctx != NULL && account->sm_state == NULL) {
        xmpp_ctx_free(account->xctx);
        account->xctx = NULL;
    }
}

static gboolean
release_later(gpointer data)
{
    release_connection(data);
    return G_SOURCE_REMOVE;
}

static GError *
failure_reason(LvXmppAccount *account, int error, xmpp_stream_error_t *stream_error)
{
    if (account->cert_error != NULL && account->cert_fingerprint != NULL &&
        account->cert_fingerprint[0] != '\0')
        return g_error_new(LV_ERROR, LV_ERROR_INVALID_CERTIFICATE,
                           "the server certificate for %s is not trusted: %s; its SHA-256 "
                           "fingerprint is %s. If the server's administrator confirms it, "
                           "trust it for this profile with: li param set Connection "
                           "'Trusted certificate' %s -p %s (or give its CA in 'CA file')",
                           account->jid, account->cert_error, account->cert_fingerprint,
                           account->cert_fingerprint, account->profile);
    if (account->cert_error != NULL)
        return g_error_new(LV_ERROR, LV_ERROR_INVALID_CERTIFICATE,
                           "the server certificate for %s is not trusted: %s", account->jid,
                           account->cert_error);
    if (account->plain_refused)
        return g_error_new(LV_ERROR, LV_ERROR_PERMISSION,
                           "the server of %s offers no TLS and no authentication but PLAIN: "
                           "the password would travel in clear, refused (allow_plaintext "
                           "accepts a stream without TLS only with SCRAM)",
                           account->jid);
    if (account->parse_error)
        return g_error_new(LV_ERROR, LV_ERROR_NETWORK,
                           "the server of %s sent invalid XML: the stream was closed",
                           account->jid);
    if (account->dead_stream)
        return g_error_new(LV_ERROR, LV_ERROR_NETWORK,
                           "the server of %s stopped answering (keep-alive): connection lost",
                           account->jid);
    if (account->auth_failed)
        return g_error_new(LV_ERROR, LV_ERROR_PERMISSION,
                           "authentication failed for %s: check the XMPP address and password",
                           account->jid);
    if (stream_error != NULL && stream_error->text != NULL)
        return g_error_new(LV_ERROR, LV_ERROR_NETWORK, "the server closed the stream: %s",
                           stream_error->text);
    if (error != 0 || account->socket_error != 0)
        return g_error_new(LV_ERROR, LV_ERROR_NETWORK, "cannot reach the server of %s: %s",
                           account->jid, g_strerror(error != 0 ? error : account->socket_error));
    return g_error_new(LV_ERROR, LV_ERROR_NETWORK,
                       "the connection for %s closed before a session started (is TLS offered?)",
                       account->jid);
}

static void
on_conn_event(xmpp_conn_t *conn, xmpp_conn_event_t event, int error,
              xmpp_stream_error_t *stream_error, void *userdata)
{
    LvXmppAccount *account = userdata;

    if (event == XMPP_CONN_CONNECT) {
        g_autoptr(LvJid) bound = lv_jid_parse(xmpp_conn_get_bound_jid(conn), NULL);
        account->session = TRUE;
        g_free(account->own_bare);
        account->own_bare = bound != NULL ? lv_jid_dup_bare(bound) : g_strdup(account->jid);
        stop_ticker(account);
        g_free(account->own_full);
        account->own_full = g_strdup(xmpp_conn_get_bound_jid(conn));
        if (account->resumed)
            g_info("%s: stream resumed (XEP-0198)", account->profile);
        /* libstrophe 0.12.2 carries the refused stream's counters and queue into the
         * new session: resuming it later would send again what the server already
         * has (each message twice at the receiver). When it is lost, a new session,
         * the catch-up and the outbox take over instead. */
        account->stale_sm = account->tried_resume && !account->resumed;
        if (account->stale_sm)
            g_info("%s: resumption refused: a new session, not resumable itself", account->profile);
        lv_xmpp_account_post(account, LV_XMPP_EVENT_CONNECTED, account->own_full,
                             g_variant_new_boolean(account->resumed), NULL);
        if (account->resumed)
            lv_xmpp_session_resumed(account);
        else
            lv_xmpp_session_started(account);
        return;
    }
    if (event != XMPP_CONN_DISCONNECT && event != XMPP_CONN_FAIL)
        return;
    /* The socket is closed by now: stop watching it before it is reused. */
    unwatch_socket(account);
    /* Out of session first: what the modules and failed requests do now must not send. */
    gboolean had_session = account->session;
    account->session = FALSE;
    if (had_session)
        lv_xmpp_session_ended(account, !account->leaving && !account->stale_sm);
    lv_xmpp_iq_fail_all(account);
    if (!had_session)
        post_event(account, LV_XMPP_EVENT_FAILED, NULL,
                   failure_reason(account, error, stream_error));
    else
        post_event(account, LV_XMPP_EVENT_DISCONNECTED, NULL,
                   account->leaving ? NULL : failure_reason(account, error, stream_error));
    /* Not from inside libstrophe's own call. */
    GSource *idle = g_idle_source_new();
    g_source_set_callback(idle, release_later, account, NULL);
    g_source_attach(idle, account->context);
    g_source_unref(idle);
}

/* A few turns: one read is at most 4 KiB, OpenSSL may hold a record, and what our
 * handlers queued is written on the next turn. */
void
lv_xmpp_account_drain(LvXmppAccount *account)
{
    /* libstrophe 0.12's SCRAM is not safe to run in two threads at once (seen here:
     * concurrent logins send wrong proofs), so accounts take turns until their
     * session is up; connected accounts run freely. */
    static GMutex login_lock;
    gboolean logging_in = !account->session;

    if (logging_in)
        g_mutex_lock(&login_lock);
    for (int i = 0; i < DRAIN_TURNS && account->xctx != NULL; i++) {
        xmpp_run_once(account->xctx, 0);
        /* A turn writes what the one before queued (a stream management ack, a
         * receipt) before it reads: store first. With nothing queued, the next turn
         * writes nothing, and its messages join the same transaction (one read is
         * about ten messages: a commit each cost more than the inserts). */
        if (account->conn != NULL && xmpp_conn_send_queue_len(account->conn) > 0)
            lv_xmpp_messages_flush(account);
        if (account->parse_error && account->conn != NULL && !account->closing_bad_stream) {
            g_message("%s: the server sent invalid XML: closing the stream", account->profile);
            account->closing_bad_stream = TRUE;
            xmpp_disconnect(account->conn);
            start_ticker(account, DISCONNECT_TICK_MS); /* libstrophe's close timer */
        }
    }
    lv_xmpp_messages_flush(account); /* before this thread polls and anything else runs */
    if (logging_in)
        g_mutex_unlock(&login_lock);
    if (account->fd_source != NULL && account->conn != NULL) {
        GIOCondition wanted = G_IO_IN | G_IO_ERR | G_IO_HUP;
        if (xmpp_conn_send_queue_len(account->conn) > 0)
            wanted |= G_IO_OUT;
        g_source_modify_unix_fd(account->fd_source, account->fd_tag, wanted);
    }
}

/* ---- requests, from the main context to the thread ---- */

typedef struct {
    LvXmppAccount *account;
    LvXmppSettings *settings;
} ConnectRequest;

static void
connect_request_free(gpointer data)
{
    ConnectRequest *request = data;

    lv_xmpp_settings_free(request->settings);
    lv_xmpp_account_unref(request->account);
    g_free(request);
}

static gboolean
do_connect(gpointer data)
{
    ConnectRequest *request = data;
    LvXmppAccount *account = request->account;
    LvXmppSettings *settings = request->settings;
    /* Without MANDATORY_TLS, 0.12 falls back to plaintext: only when allowed. STARTTLS
     * is still used whenever the server offers it. */
    long flags = settings->allow_plaintext ? 0 : XMPP_CONN_FLAG_MANDATORY_TLS;

    /* A stream of another account cannot be resumed. */
    account->leaving = account->leaving || g_strcmp0(account->jid, settings->jid) != 0;
    release_connection(account);
    g_clear_pointer(&account->cert_error, g_free);
    g_clear_pointer(&account->cert_fingerprint, g_free);
    g_free(account->trusted_fingerprint);
    account->trusted_fingerprint = settings->trusted_fingerprint != NULL
                                           ? normalize_fingerprint(settings->trusted_fingerprint)
                                           : NULL;
    g_free(account->jid);
    account->jid = g_strdup(settings->jid);
    account->priority = settings->priority;
    account->auth_failed = account->leaving = account->session = account->resumed = FALSE;
    account->parse_error = account->closing_bad_stream = account->dead_stream = FALSE;
    account->socket_error = 0;
    account->fd = -1;
    account->allow_plaintext = settings->allow_plaintext;
    account->plain_refused = FALSE;
    lv_xmpp_roster_connecting(account, settings);
    if (account->xctx == NULL) {
        account->logger = (xmpp_log_t){ on_strophe_log, account };
        account->xctx = xmpp_ctx_new(NULL, &account->logger);
    }
    account->conn = xmpp_conn_new(account->xctx);
    account->tried_resume = account->stale_sm = FALSE;
    if (account->sm_state != NULL) {
        /* Tried first: a <resume/>, and a new session if the server refuses it. */
        if (xmpp_conn_set_sm_state(account->conn, account->sm_state) != XMPP_EOK)
            xmpp_free_sm_state(account->sm_state);
        else
            account->tried_resume = TRUE;
        account->sm_state = NULL;
    }
    if (!settings->check_certificate)
        flags |= XMPP_CONN_FLAG_TRUST_TLS;
    xmpp_conn_set_flags(account->conn, flags);
    xmpp_conn_set_jid(account->conn, settings->jid);
    xmpp_conn_set_pass(account->conn, settings->password);
    if (settings->ca_file != NULL)
        xmpp_conn_set_cafile(account->conn, settings->ca_file);
    xmpp_conn_set_certfail_handler(account->conn, on_certfail);
    xmpp_conn_set_sockopt_callback(account->conn, on_sockopt);
    if (xmpp_connect_client(account->conn, settings->host, settings->port, on_conn_event,
                            account) != XMPP_EOK) {
        post_event(account, LV_XMPP_EVENT_FAILED, NULL,
                   g_error_new(LV_ERROR, LV_ERROR_NETWORK, "cannot start connecting %s",
                               settings->jid));
        release_connection(account);
        return G_SOURCE_REMOVE;
    }
    g_info("%s: connecting as %s", account->profile, settings->jid);
    start_ticker(account, CONNECTING_TICK_MS);
    return G_SOURCE_REMOVE;
}

static gboolean
do_disconnect(gpointer data)
{
    LvXmppAccount *account = data;

    if (account->conn == NULL || account->leaving)
        return G_SOURCE_REMOVE;
    account->leaving = TRUE;
    xmpp_disconnect(account->conn);
    /* libstrophe waits for the server's </stream> with a timer of its own. */
    start_ticker(account, DISCONNECT_TICK_MS);
    lv_xmpp_account_drain(account);
    return G_SOURCE_REMOVE;
}

static gboolean
do_stop(gpointer data)
{
    LvXmppAccount *account = data;

    /* Nothing will resume: the stream-management state kept after a failed attempt
     * (libstrophe allocates it in xmpp_connect_client) and its context go too. */
    account->leaving = TRUE;
    if (account->conn != NULL && xmpp_conn_is_connected(account->conn)) {
        xmpp_disconnect(account->conn);
        lv_xmpp_account_drain(
                account); /* the closing </stream> goes out; we do not wait for the reply */
    }
    release_connection(account);
    g_main_loop_quit(account->loop);
    return G_SOURCE_REMOVE;
}

static gpointer
thread_main(gpointer data)
{
    LvXmppAccount *account = data;

    g_main_context_push_thread_default(account->context);
    thread_account = account;
    g_main_loop_run(account->loop);
    g_free(account->jid);
    g_free(account->own_bare);
    g_free(account->own_full);
    g_free(account->cert_error);
    g_free(account->cert_fingerprint);
    g_free(account->trusted_fingerprint);
    g_free(account->roster_ver);
    g_clear_pointer(&account->iqs, g_hash_table_unref);
    lv_xmpp_messages_finalize(account);
    lv_xmpp_bookmarks_finalize(account);
    lv_xmpp_blocking_finalize(account);
    lv_xmpp_muc_finalize(account);
    lv_xmpp_chat_states_finalize(account);
    g_main_context_pop_thread_default(account->context);
    return NULL;
}

LvXmppAccount *
lv_xmpp_account_new(const char *profile, LvXmppEventFunc func, gpointer user_data)
{
    static gsize initialised = 0;
    if (g_once_init_enter(&initialised)) {
        xmpp_initialize();
        if (!lv_xmpp_expat_guard_active())
            g_warning("expat not found: entities of a DTD a server sends would be expanded");
        g_once_init_leave(&initialised, 1);
    }
    LvXmppAccount *account = g_atomic_rc_box_new0(LvXmppAccount);
    account->profile = g_strdup(profile);
    account->func = func;
    account->user_data = user_data;
    account->main_context = g_main_context_ref_thread_default();
    account->context = g_main_context_new();
    account->loop = g_main_loop_new(account->context, FALSE);
    g_autofree char *name = g_strdup_printf("xmpp-%s", profile);
    account->thread = g_thread_new(name, thread_main, account);
    return account;
}

void
lv_xmpp_account_free(LvXmppAccount *account)
{
    if (account == NULL)
        return;
    account->closed = TRUE;
    g_main_context_invoke(account->context, do_stop, account);
    g_thread_join(account->thread);
    lv_xmpp_account_unref(account);
}

const char *
lv_xmpp_account_get_profile(LvXmppAccount *account)
{
    return account->profile;
}

void
lv_xmpp_account_connect(LvXmppAccount *account, LvXmppSettings *settings)
{
    ConnectRequest *request = g_new0(ConnectRequest, 1);

    request->account = lv_xmpp_account_ref(account);
    request->settings = settings;
    g_main_context_invoke_full(account->context, G_PRIORITY_DEFAULT, do_connect, request,
                               connect_request_free);
}

void
lv_xmpp_account_disconnect(LvXmppAccount *account)
{
    g_main_context_invoke(account->context, do_disconnect, account);
}

gboolean
lv_xmpp_account_is_connected(LvXmppAccount *account)
{
    return account->connected;
}

const char *
lv_xmpp_account_get_jid(LvXmppAccount *account)
{
    return account->connected ? account->bound_jid : NULL;
}

gint64
lv_xmpp_account_get_connected_time(LvXmppAccount *account)
{
    return account->connected ? account->connected_at : 0;
}

void
lv_xmpp_account_invoke(LvXmppAccount *account, GSourceFunc func, gpointer data,
                       GDestroyNotify destroy)
{
    g_main_context_invoke_full(account->context, G_PRIORITY_DEFAULT, func, data, destroy);
}

gboolean
lv_xmpp_account_in_session(LvXmppAccount *account)
{
    return account->conn != NULL && account->session;
}

xmpp_stanza_t *
lv_xmpp_add_child(xmpp_stanza_t *parent, const char *name, const char *ns)
{
    xmpp_stanza_t *child = xmpp_stanza_new(xmpp_stanza_get_context(parent));

    xmpp_stanza_set_name(child, name);
    if (ns != NULL)
        xmpp_stanza_set_ns(child, ns);
    xmpp_stanza_add_child(parent, child);
    xmpp_stanza_release(child); /* @parent holds it now */
    return child;
}

void
lv_xmpp_add_text(xmpp_stanza_t *parent, const char *text)
{
    xmpp_stanza_t *node = xmpp_stanza_new(xmpp_stanza_get_context(parent));

    xmpp_stanza_set_text(node, text);
    xmpp_stanza_add_child(parent, node);
    xmpp_stanza_release(node);
}

void
lv_xmpp_account_send_result(LvXmppAccount *account, xmpp_stanza_t *request)
{
    xmpp_stanza_t *reply = xmpp_iq_new(account->xctx, "result", xmpp_stanza_get_id(request));

    if (xmpp_stanza_get_from(request) != NULL)
        xmpp_stanza_set_to(reply, xmpp_stanza_get_from(request));
    xmpp_send(account->conn, reply);
    xmpp_stanza_release(reply);
}

void
lv_xmpp_account_send_error(LvXmppAccount *account, xmpp_stanza_t *request, const char *type,
                           const char *condition)
{
    xmpp_stanza_t *reply = xmpp_iq_new(account->xctx, "error", xmpp_stanza_get_id(request));

    if (xmpp_stanza_get_from(request) != NULL)
        xmpp_stanza_set_to(reply, xmpp_stanza_get_from(request));
    xmpp_stanza_t *error = lv_xmpp_add_child(reply, "error", NULL);
    xmpp_stanza_set_attribute(error, "type", type);
    lv_xmpp_add_child(error, condition, "urn:ietf:params:xml:ns:xmpp-stanzas");
    xmpp_send(account->conn, reply);
    xmpp_stanza_release(reply);
}
