/* lv-xmpp-account: one XMPP account's connection, in its own I/O thread.
 *
 * libstrophe 0.12 runs the TLS handshake and SCRAM synchronously inside
 * xmpp_run_once, so each account gets a thread with its own GMainContext: a slow
 * or stalling server never freezes the bridge or another account. The thread
 * watches the account's socket with a GSource (no polling); a timer runs only
 * while connecting. Every libstrophe call for the account stays in its thread;
 * events come back to the main context as owned messages.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _LvXmppAccount LvXmppAccount;

/* How to reach and log in to the account (plain data carrier; secrets wiped when
 * freed). */
typedef struct {
    char *jid;
    char *password;
    char *host;    /* NULL: from the JID's domain (SRV, then A/AAAA) */
    guint16 port;  /* 0: default */
    char *ca_file; /* NULL: the system store (SSL_CERT_FILE is honoured) */
    gboolean check_certificate;
    int priority;     /* of our presence */
    char *roster_ver; /* the last roster version kept (RFC 6121 §2.6), NULL: none */
    /* SHA-256 of a certificate accepted though it does not verify (hex, colons
     * allowed), NULL: none */
    char *trusted_fingerprint;
    /* A stream without TLS is accepted (but never PLAIN on it) */
    gboolean allow_plaintext;
} LvXmppSettings;

void lv_xmpp_settings_free(LvXmppSettings *settings);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LvXmppSettings, lv_xmpp_settings_free)

typedef enum {
    LV_XMPP_EVENT_CONNECTED,    /* session established; @jid is the bound full JID */
    LV_XMPP_EVENT_DISCONNECTED, /* after a session, or on request; @error may say why */
    LV_XMPP_EVENT_FAILED,       /* never got a session: @error says why */
    LV_XMPP_EVENT_ROSTER,       /* the whole roster: @data is a(sa{ss}as), @jid its version
                                 * (NULL: none); @data NULL: unchanged since version @jid */
    LV_XMPP_EVENT_ROSTER_PUSH,  /* changed items: @data is a(sa{ss}as), @jid the new version
                                 * (NULL: none) */
    LV_XMPP_EVENT_PRESENCE,     /* @data is (ssia{ss}): entity, show, priority, statuses */
    LV_XMPP_EVENT_SIGNAL, /* a bridge signal: @jid is its name, @data its arguments without the
                           * final profile */
    LV_XMPP_EVENT_REPLY,  /* @jid is the request id; @data the answer (a tuple) or NULL; @error
                           * set if it failed */
    LV_XMPP_EVENT_SUBSCRIPTION, /* @data is (ss): subscription type, bare JID of the sender */
} LvXmppEvent;

typedef struct _LvXmppMessage LvXmppMessage;
typedef struct _LvXmppOutgoing LvXmppOutgoing;

/* Where an account keeps its messages: implemented by the backend core (the xmpp
 * layer knows no SQLite). Every function runs in the account's thread, on @store. */
typedef struct {
    /* Stores @batch (LvXmppMessage*, in arrival order) durably, in one transaction,
     * before libstrophe acks them; appends the signals to emit (LvXmppSignal*) to
     * @signals. FALSE: nothing was stored (the batch is kept and retried). */
    gboolean (*store)(gpointer store, const char *own_bare, GPtrArray *batch, GPtrArray *signals,
                      GError **error);
    /* The MAM catch-up point of @archive (transfer full), NULL if none; @set_at
     * (may be NULL) gets when (Unix seconds, our clock) it was set. */
    char *(*mam_get_last)(gpointer store, const char *archive, double *set_at, GError **error);
    gboolean (*mam_set_last)(gpointer store, const char *archive, const char *last_id,
                             GError **error);
    /* The outbox: our messages not yet confirmed (LvXmppOutgoing*) (transfer full). */
    GPtrArray *(*outbox)(gpointer store, GError **error);
    /* Our messages @uids (char*) reached the server: the signals go to @signals. */
    gboolean (*mark_sent)(gpointer store, GPtrArray *uids, GPtrArray *signals, GError **error);
    void (*free)(gpointer store);
} LvXmppStoreFuncs;

/* A bridge signal to emit (plain data carrier). */
typedef struct {
    char *name;
    GVariant *params; /* without the final profile argument */
} LvXmppSignal;

LvXmppSignal *lv_xmpp_signal_new(const char *name, GVariant *params);
void lv_xmpp_signal_free(LvXmppSignal *signal);

/* Called on the main context that created the account; @data may be NULL
 * (transfer none). */
typedef void (*LvXmppEventFunc)(LvXmppAccount *account, LvXmppEvent event, const char *jid,
                                GVariant *data, const GError *error, gpointer user_data);

/* A new account for @profile; its thread starts now, idle (transfer full). */
LvXmppAccount *lv_xmpp_account_new(const char *profile, LvXmppEventFunc func, gpointer user_data);

/* Stops the thread (closing any connection at once) and frees the account. */
void lv_xmpp_account_free(LvXmppAccount *account);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LvXmppAccount, lv_xmpp_account_free)

const char *lv_xmpp_account_get_profile(LvXmppAccount *account);

/* Gives the account its message store (taken: freed in the account's thread). Call
 * before the first connection. */
void lv_xmpp_account_set_store(LvXmppAccount *account, const LvXmppStoreFuncs *funcs,
                               gpointer store);

/* Sends our message @outgoing (taken), already stored as pending; once the server has
 * it (a ping answered after it) the store marks it sent. Without a session it stays in
 * the outbox, sent at the next connection. */
void lv_xmpp_account_send_message(LvXmppAccount *account, LvXmppOutgoing *outgoing);

/* Queries the archive of @service (NULL or "": ours) with the data-form @fields
 * (a{ss}: start, end, with…; may be NULL) and the RSM @rsm (a{ss}: max, after,
 * before, index); a REPLY event with @request_id answers with MAMGet's
 * ((a(sdssa{ss}a{ss}ss)ss)): the messages, metadata JSON and the profile. Results
 * from our own archive are stored in the history too. Floating refs are sunk. */
void lv_xmpp_account_mam_get(LvXmppAccount *account, const char *request_id, const char *service,
                             GVariant *fields, GVariant *rsm);

/* Sends a chat state, receipt or marker notice (see lv_xmpp_message_build_notice). */
void lv_xmpp_account_send_notice(LvXmppAccount *account, const char *to, const char *type,
                                 const char *ns, const char *name, const char *id);

/* The user is typing to @to (a bare JID, a contact or a room): XEP-0085
 * <composing/>, then <paused/> and <inactive/> when the calls stop, as
 * lv-xmpp-account-chatstates.c says when and to whom. */
void lv_xmpp_account_chat_state_composing(LvXmppAccount *account, const char *to);

/* Connects with @settings (taken). The answer is a CONNECTED or FAILED event. */
void lv_xmpp_account_connect(LvXmppAccount *account, LvXmppSettings *settings);

/* Closes the stream politely; a DISCONNECTED event follows. */
void lv_xmpp_account_disconnect(LvXmppAccount *account);

/* Sends our presence (@to NULL: to everyone); @statuses a{ss} or NULL (not taken). */
void lv_xmpp_account_send_presence(LvXmppAccount *account, const char *to, const char *show,
                                   GVariant *statuses);

/* Changes the roster item @jid (RFC 6121 §2.3–2.5): @remove deletes it, else sets
 * @name (may be NULL) and @groups (NULL-terminated, may be NULL); with @subscribe a
 * subscription request follows. A REPLY event with @request_id answers. */
void lv_xmpp_account_roster_set(LvXmppAccount *account, const char *request_id, const char *jid,
                                const char *name, const char *const *groups, gboolean remove,
                                gboolean subscribe);

/* Fetches the whole roster again, as a client that keeps no version (RFC 6121
 * §2.6.3: ver="" when the server offers versioning): a ROSTER event, then a REPLY
 * event with @request_id. */
void lv_xmpp_account_roster_fetch(LvXmppAccount *account, const char *request_id);

/* Sends a subscription presence of @type ("subscribe", "subscribed", "unsubscribe"
 * or "unsubscribed", RFC 6121 §3) to the bare JID @to. */
void lv_xmpp_account_send_subscription(LvXmppAccount *account, const char *type, const char *to);

/* The main context's view: TRUE between CONNECTED and DISCONNECTED. */
gboolean lv_xmpp_account_is_connected(LvXmppAccount *account);

/* The main context's view of the session: the bound full JID (transfer none) and
 * when the session started (g_get_real_time()); NULL and 0 when not connected. */
const char *lv_xmpp_account_get_jid(LvXmppAccount *account);
gint64 lv_xmpp_account_get_connected_time(LvXmppAccount *account);

/* Keep-alive of every account (backend-wide, any thread): after @interval seconds
 * without data from the server it is pinged, and the stream is given up as lost
 * after @timeout more (also the longest silence while logging in); 0: the default
 * (60 and 15). */
void lv_xmpp_account_set_keepalive(guint interval, guint timeout);

/* The machine's network changed (any thread): a stream in session is checked at
 * once (a ping, given a few seconds), rather than at the next keep-alive. */
void lv_xmpp_account_network_changed(LvXmppAccount *account);

G_END_DECLS
