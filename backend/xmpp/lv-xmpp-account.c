/* lv-xmpp-account: libstrophe on a GLib main context in an I/O thread (see the
 * header). Fields marked "thread" are touched only by the account's thread. */
#include "lv-xmpp-account.h"

#include <stdlib.h>
#include <string.h>

#include <strophe.h>

#include "lv-error.h"
#include "lv-jid.h"
#include "lv-xmpp-presence.h"
#include "lv-xmpp-roster.h"

/* While connecting, libstrophe's own timers (connect timeout, handshake) need
 * turns; once connected only the socket wakes us. */
#define CONNECTING_TICK_MS 10
#define DISCONNECT_TICK_MS 50
#define DRAIN_TURNS 4

struct _LvXmppAccount {
    char *profile;
    LvXmppEventFunc func;
    gpointer user_data;
    GMainContext *main_context;
    GThread *thread;
    GMainContext *context;
    GMainLoop *loop;
    gboolean closed;    /* main: freed, events are dropped */
    gboolean connected; /* main: the view of lv_xmpp_account_is_connected() */

    xmpp_log_t logger;  /* thread */
    xmpp_ctx_t *xctx;   /* thread */
    xmpp_conn_t *conn;  /* thread */
    char *jid;          /* thread */
    char *own_bare;     /* thread: bare JID of the session */
    int priority;       /* thread: of our presence */
    GSource *fd_source; /* thread */
    gpointer fd_tag;    /* thread */
    GSource *ticker;    /* thread */
    gboolean session;   /* thread: got XMPP_CONN_CONNECT */
    gboolean auth_failed;
    int socket_error; /* thread: errno of a failed TCP connection */
    gboolean leaving; /* thread: a disconnection was asked */
    char *cert_error; /* thread */
};

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
    g_free(settings);
}

static LvXmppAccount *
account_ref(LvXmppAccount *account)
{
    return g_atomic_rc_box_acquire(account);
}

static void
account_clear(gpointer data)
{
    LvXmppAccount *account = data;

    g_free(account->profile);
    g_main_context_unref(account->main_context);
    g_main_context_unref(account->context);
    g_main_loop_unref(account->loop);
}

static void
account_unref(LvXmppAccount *account)
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

    account_unref(message->account);
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
    account->func(account, message->event, message->jid, message->data, message->error,
                  account->user_data);
    return G_SOURCE_REMOVE;
}

static void
post_event_data(LvXmppAccount *account, LvXmppEvent event, const char *jid, GVariant *data,
                GError *error)
{
    EventMessage *message = g_new0(EventMessage, 1);

    message->account = account_ref(account);
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
    post_event_data(account, event, jid, NULL, error);
}

/* ---- the thread: socket watch, timers, libstrophe turns ---- */

static void drain(LvXmppAccount *account);

static gboolean
fd_dispatch(GSource *source, GSourceFunc callback, gpointer user_data)
{
    drain(thread_account);
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs fd_source_funcs = { NULL, NULL, fd_dispatch, NULL, NULL, NULL };

static void
unwatch_socket(LvXmppAccount *account)
{
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
    drain(data);
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

    unwatch_socket(account);
    account->fd_source = g_source_new(&fd_source_funcs, sizeof(GSource));
    account->fd_tag = g_source_add_unix_fd(account->fd_source, fd, G_IO_IN | G_IO_ERR | G_IO_HUP);
    g_source_attach(account->fd_source, account->context);
    return xmpp_sockopt_cb_keepalive(conn, sock);
}

static int
on_certfail(const xmpp_tlscert_t *cert, const char *const errormsg)
{
    LvXmppAccount *account = thread_account;

    g_free(account->cert_error);
    account->cert_error = g_strdup(errormsg != NULL ? errormsg : "verification failed");
    return 0; /* never accept: check_certificate = false uses TRUST_TLS instead */
}

static void
on_strophe_log(void *userdata, xmpp_log_level_t level, const char *area, const char *msg)
{
    LvXmppAccount *account = userdata;

    /* libstrophe 0.12 tells these only in its log: the connection just closes. */
    if (strstr(msg, "auth failed") != NULL || strstr(msg, "Cannot authenticate") != NULL)
        account->auth_failed = TRUE;
    if (g_str_has_prefix(msg, "connection failed, error "))
        account->socket_error = atoi(msg + strlen("connection failed, error "));
    if (level >= XMPP_LEVEL_ERROR)
        g_message("%s: [%s] %s", account->profile, area, msg);
    else
        g_debug("%s: [%s] %s", account->profile, area, msg); /* the writer redacts SASL */
}

static void
release_connection(LvXmppAccount *account)
{
    unwatch_socket(account);
    stop_ticker(account);
    if (account->conn != NULL)
        xmpp_conn_release(account->conn);
    account->conn = NULL;
    if (account->xctx != NULL)
        xmpp_ctx_free(account->xctx);
    account->xctx = NULL;
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
    if (account->cert_error != NULL)
        return g_error_new(LV_ERROR, LV_ERROR_INVALID_CERTIFICATE,
                           "the server certificate for %s is not trusted: %s", account->jid,
                           account->cert_error);
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

/* ---- roster (RFC 6121): fetched at session start, then pushes ---- */

static void
send_reply(xmpp_conn_t *conn, xmpp_stanza_t *request)
{
    xmpp_stanza_t *reply =
            xmpp_iq_new(xmpp_conn_get_context(conn), "result", xmpp_stanza_get_id(request));

    xmpp_send(conn, reply);
    xmpp_stanza_release(reply);
}

static int
on_roster_push(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
    LvXmppAccount *account = userdata;
    const char *from = xmpp_stanza_get_from(stanza);

    if (!lv_xmpp_roster_sender_ok(from, account->own_bare)) {
        g_message("%s: roster push from %s ignored: only our own server may send one",
                  account->profile, from);
        return 1;
    }
    send_reply(conn, stanza);
    xmpp_stanza_t *query = xmpp_stanza_get_child_by_ns(stanza, LV_NS_ROSTER);
    post_event_data(account, LV_XMPP_EVENT_ROSTER_PUSH, NULL, lv_xmpp_roster_parse_query(query),
                    NULL);
    return 1;
}

static int
on_roster_result(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
    LvXmppAccount *account = userdata;
    const char *from = xmpp_stanza_get_from(stanza);
    const char *type = xmpp_stanza_get_type(stanza);

    /* libstrophe matches replies on id only: check the sender and type too. */
    if (!lv_xmpp_roster_sender_ok(from, account->own_bare) ||
        (g_strcmp0(type, "result") != 0 && g_strcmp0(type, "error") != 0)) {
        g_message("%s: stanza with our roster request's id from %s ignored", account->profile,
                  from);
        return 1;
    }
    if (g_str_equal(type, "result")) {
        xmpp_stanza_t *query = xmpp_stanza_get_child_by_ns(stanza, LV_NS_ROSTER);
        post_event_data(account, LV_XMPP_EVENT_ROSTER, NULL, lv_xmpp_roster_parse_query(query),
                        NULL);
    } else {
        g_message("%s: the server refused our roster request", account->profile);
    }
    /* Available once the roster is known, as RFC 6121 §2.2 suggests. */
    xmpp_stanza_t *presence =
            lv_xmpp_presence_build(xmpp_conn_get_context(conn), NULL, "", account->priority, NULL);
    xmpp_send(conn, presence);
    xmpp_stanza_release(presence);
    return 0;
}

static int
on_presence(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
    LvXmppAccount *account = userdata;
    GVariant *update = lv_xmpp_presence_parse(stanza);

    if (update != NULL)
        post_event_data(account, LV_XMPP_EVENT_PRESENCE, NULL, update, NULL);
    return 1;
}

static void
request_roster(LvXmppAccount *account)
{
    xmpp_ctx_t *ctx = account->xctx;
    g_autofree char *id = g_strdup_printf("lv-roster-%u", g_random_int());
    xmpp_stanza_t *iq = xmpp_iq_new(ctx, "get", id);
    xmpp_stanza_t *query = xmpp_stanza_new(ctx);

    xmpp_stanza_set_name(query, "query");
    xmpp_stanza_set_ns(query, LV_NS_ROSTER);
    xmpp_stanza_add_child(iq, query);
    xmpp_stanza_release(query);
    xmpp_id_handler_add(account->conn, on_roster_result, id, account);
    xmpp_handler_add(account->conn, on_roster_push, LV_NS_ROSTER, "iq", "set", account);
    xmpp_handler_add(account->conn, on_presence, NULL, "presence", NULL, account);
    xmpp_send(account->conn, iq);
    xmpp_stanza_release(iq);
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
        post_event(account, LV_XMPP_EVENT_CONNECTED, xmpp_conn_get_bound_jid(conn), NULL);
        request_roster(account);
        return;
    }
    if (event != XMPP_CONN_DISCONNECT && event != XMPP_CONN_FAIL)
        return;
    /* The socket is closed by now: stop watching it before it is reused. */
    unwatch_socket(account);
    if (!account->session)
        post_event(account, LV_XMPP_EVENT_FAILED, NULL,
                   failure_reason(account, error, stream_error));
    else
        post_event(account, LV_XMPP_EVENT_DISCONNECTED, NULL,
                   account->leaving ? NULL : failure_reason(account, error, stream_error));
    account->session = FALSE;
    /* Not from inside libstrophe's own call. */
    GSource *idle = g_idle_source_new();
    g_source_set_callback(idle, release_later, account, NULL);
    g_source_attach(idle, account->context);
    g_source_unref(idle);
}

/* A few turns: one read is at most 4 KiB, OpenSSL may hold a record, and what our
 * handlers queued is written on the next turn. */
static void
drain(LvXmppAccount *account)
{
    /* libstrophe 0.12's SCRAM is not safe to run in two threads at once (seen here:
     * concurrent logins send wrong proofs), so accounts take turns until their
     * session is up; connected accounts run freely. */
    static GMutex login_lock;
    gboolean logging_in = !account->session;

    if (logging_in)
        g_mutex_lock(&login_lock);
    for (int i = 0; i < DRAIN_TURNS && account->xctx != NULL; i++)
        xmpp_run_once(account->xctx, 0);
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
    account_unref(request->account);
    g_free(request);
}

static gboolean
do_connect(gpointer data)
{
    ConnectRequest *request = data;
    LvXmppAccount *account = request->account;
    LvXmppSettings *settings = request->settings;
    long flags = XMPP_CONN_FLAG_MANDATORY_TLS; /* else 0.12 falls back to plaintext */

    release_connection(account);
    g_clear_pointer(&account->cert_error, g_free);
    g_free(account->jid);
    account->jid = g_strdup(settings->jid);
    account->priority = settings->priority;
    account->auth_failed = account->leaving = account->session = FALSE;
    account->socket_error = 0;
    account->logger = (xmpp_log_t){ on_strophe_log, account };
    account->xctx = xmpp_ctx_new(NULL, &account->logger);
    account->conn = xmpp_conn_new(account->xctx);
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
    drain(account);
    return G_SOURCE_REMOVE;
}

static gboolean
do_stop(gpointer data)
{
    LvXmppAccount *account = data;

    if (account->conn != NULL && xmpp_conn_is_connected(account->conn)) {
        account->leaving = TRUE;
        xmpp_disconnect(account->conn);
        drain(account); /* the closing </stream> goes out; we do not wait for the reply */
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
    g_free(account->cert_error);
    g_main_context_pop_thread_default(account->context);
    return NULL;
}

LvXmppAccount *
lv_xmpp_account_new(const char *profile, LvXmppEventFunc func, gpointer user_data)
{
    static gsize initialised = 0;
    if (g_once_init_enter(&initialised)) {
        xmpp_initialize();
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
    account_unref(account);
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

    request->account = account_ref(account);
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

    account_unref(request->account);
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

    if (account->conn == NULL || !account->session)
        return G_SOURCE_REMOVE;
    xmpp_stanza_t *presence = lv_xmpp_presence_build(account->xctx, request->to, request->show,
                                                     account->priority, request->statuses);
    xmpp_send(account->conn, presence);
    xmpp_stanza_release(presence);
    drain(account); /* written now, not at the next wake-up */
    return G_SOURCE_REMOVE;
}

void
lv_xmpp_account_send_presence(LvXmppAccount *account, const char *to, const char *show,
                              GVariant *statuses)
{
    PresenceRequest *request = g_new0(PresenceRequest, 1);

    request->account = account_ref(account);
    request->to = g_strdup(to);
    request->show = g_strdup(show);
    request->statuses = statuses != NULL ? g_variant_ref(statuses) : NULL;
    g_main_context_invoke_full(account->context, G_PRIORITY_DEFAULT, do_send_presence, request,
                               presence_request_free);
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

    account_unref(request->account);
    g_free(request->request_id);
    g_free(request->jid);
    g_free(request->name);
    g_strfreev(request->groups);
    g_free(request);
}

static int
on_roster_set_reply(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
    RosterRequest *request = userdata;
    LvXmppAccount *account = request->account;
    const char *type = xmpp_stanza_get_type(stanza);

    /* Matched on id by libstrophe: the sender and type must fit too. */
    if (!lv_xmpp_roster_sender_ok(xmpp_stanza_get_from(stanza), account->own_bare) ||
        (g_strcmp0(type, "result") != 0 && g_strcmp0(type, "error") != 0))
        return 1;
    GError *error = NULL;
    if (g_str_equal(type, "error"))
        error = g_error_new(LV_ERROR, LV_ERROR_EXTERNAL_REQUEST,
                            "the server refused to change the roster item %s", request->jid);
    else if (request->subscribe) {
        xmpp_stanza_t *presence = xmpp_presence_new(xmpp_conn_get_context(conn));
        xmpp_stanza_set_type(presence, "subscribe");
        xmpp_stanza_set_to(presence, request->jid);
        xmpp_send(conn, presence);
        xmpp_stanza_release(presence);
    }
    post_event(account, LV_XMPP_EVENT_REPLY, request->request_id, error);
    roster_request_free(request);
    return 0;
}

static xmpp_stanza_t *
roster_set_stanza(xmpp_ctx_t *ctx, const RosterRequest *request)
{
    xmpp_stanza_t *iq = xmpp_iq_new(ctx, "set", request->request_id);
    xmpp_stanza_t *query = xmpp_stanza_new(ctx);
    xmpp_stanza_t *item = xmpp_stanza_new(ctx);

    xmpp_stanza_set_name(query, "query");
    xmpp_stanza_set_ns(query, LV_NS_ROSTER);
    xmpp_stanza_set_name(item, "item");
    xmpp_stanza_set_attribute(item, "jid", request->jid);
    if (request->remove)
        xmpp_stanza_set_attribute(item, "subscription", "remove");
    else if (request->name != NULL && request->name[0] != '\0')
        xmpp_stanza_set_attribute(item, "name", request->name);
    for (guint i = 0; !request->remove && request->groups != NULL && request->groups[i]; i++) {
        xmpp_stanza_t *group = xmpp_stanza_new(ctx);
        xmpp_stanza_t *text = xmpp_stanza_new(ctx);
        xmpp_stanza_set_name(group, "group");
        xmpp_stanza_set_text(text, request->groups[i]);
        xmpp_stanza_add_child(group, text);
        xmpp_stanza_add_child(item, group);
        xmpp_stanza_release(text);
        xmpp_stanza_release(group);
    }
    xmpp_stanza_add_child(query, item);
    xmpp_stanza_add_child(iq, query);
    xmpp_stanza_release(item);
    xmpp_stanza_release(query);
    return iq;
}

static gboolean
do_roster_set(gpointer data)
{
    RosterRequest *request = data;
    LvXmppAccount *account = request->account;

    if (account->conn == NULL || !account->session) {
        post_event(account, LV_XMPP_EVENT_REPLY, request->request_id,
                   g_error_new(LV_ERROR, LV_ERROR_PROFILE_NOT_CONNECTED, "%s is not connected",
                               account->profile));
        roster_request_free(request);
        return G_SOURCE_REMOVE;
    }
    xmpp_stanza_t *iq = roster_set_stanza(account->xctx, request);
    xmpp_id_handler_add(account->conn, on_roster_set_reply, request->request_id, request);
    xmpp_send(account->conn, iq);
    xmpp_stanza_release(iq);
    drain(account);
    return G_SOURCE_REMOVE;
}

void
lv_xmpp_account_roster_set(LvXmppAccount *account, const char *request_id, const char *jid,
                           const char *name, const char *const *groups, gboolean remove,
                           gboolean subscribe)
{
    RosterRequest *request = g_new0(RosterRequest, 1);

    request->account = account_ref(account);
    request->request_id = g_strdup(request_id);
    request->jid = g_strdup(jid);
    request->name = g_strdup(name);
    request->groups = g_strdupv((char **)groups);
    request->remove = remove;
    request->subscribe = subscribe;
    /* Owned by the reply handler once sent: no destroy notify here. */
    g_main_context_invoke(account->context, do_roster_set, request);
}
