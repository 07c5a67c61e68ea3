/* lv-xmpp-account-private: what the account's modules (roster, presence, IQ
 * requests, messages, disco…) share inside the I/O thread. Not for backend/core:
 * it sees only lv-xmpp-account.h.
 *
 * Fields marked "thread" are touched only by the account's thread; "main" only by
 * the main context that created the account.
 */
#pragma once

#include <strophe.h>

#include "lv-xmpp-account.h"

G_BEGIN_DECLS

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
    char *own_full;     /* thread: bound full JID of the session */
    int priority;       /* thread: of our presence */
    GSource *fd_source; /* thread */
    gpointer fd_tag;    /* thread */
    GSource *ticker;    /* thread */
    gboolean session;   /* thread: got XMPP_CONN_CONNECT */
    gboolean auth_failed;
    int socket_error;            /* thread: errno of a failed TCP connection */
    gboolean leaving;            /* thread: a disconnection was asked */
    char *cert_error;            /* thread */
    char *cert_fingerprint;      /* thread: SHA-256 of the refused certificate (hex) */
    char *trusted_fingerprint;   /* thread: the profile's pin (hex, no colons), or NULL */
    xmpp_sm_state_t *sm_state;   /* thread: of the lost stream, to resume it (XEP-0198) */
    gboolean resumed;            /* thread: this session is a resumed stream */
    gboolean parse_error;        /* thread: the server sent invalid XML */
    gboolean closing_bad_stream; /* thread: we are closing it for that */
    GHashTable *iqs;             /* thread: request id → pending IQ request (lv-xmpp-iq.c) */
    int fd;                      /* thread: the stream's socket, -1: none */
    gboolean allow_plaintext;    /* thread: of this connection's settings */
    gboolean plain_refused;      /* thread: only PLAIN offered in clear: cut before auth */

    const LvXmppStoreFuncs *store_funcs; /* thread (set before the first connection) */
    gpointer store;                      /* thread */
    GPtrArray *batch;         /* thread: LvXmppMessage* parsed in this turn, not yet stored */
    GSource *retry;           /* thread: a failed store is tried again */
    GPtrArray *mam_queries;   /* thread: LvXmppMamQuery* in flight (owned strings) */
    gboolean trust_archive;   /* thread: our server archives (its stanza-ids count) */
    gboolean catching_up;     /* thread: MAM catch-up of this session not finished */
    gboolean caught_up;       /* thread: the catch-up of this session finished */
    gboolean archive_unknown; /* thread: our disco#info went unanswered with the stream */
    gboolean carbons_unknown; /* thread: our carbons enable went unanswered with the stream */
    GHashTable *sent;         /* thread: uids sent in this session */
    GPtrArray *unconfirmed;   /* thread: uids sent, not yet confirmed by a ping */
    gboolean confirming;      /* thread: a confirmation ping is in flight */

    /* Requests to us, discovery, the session as the main context sees it. */
    GHashTable *iq_handlers; /* thread: "type namespace" → route of requests (lv-xmpp-iq.c) */
    gpointer disco;          /* thread: disco and caps state (lv-xmpp-account-disco.c) */
    char *bound_jid;         /* main: the full JID of the session, from CONNECTED */
    gint64 connected_at;     /* main: when it came (g_get_real_time()) */

    /* Roster versioning, RFC 6121 §2.6 (lv-xmpp-account-roster.c). */
    char *roster_ver;           /* thread: the version the main context keeps, NULL: none */
    gboolean features_seen;     /* thread: the features of the authenticated stream were read */
    gboolean roster_versioning; /* thread: and they offer roster versioning */
    gboolean roster_unknown;    /* thread: the session's roster get went with the stream */

    gpointer bookmarks; /* thread: bookmarks of the session (lv-xmpp-account-bookmarks.c) */
    gpointer blocking;  /* thread: the blocklist of the session (lv-xmpp-account-blocking.c) */
    gpointer identity;  /* thread: avatars and nicknames (lv-xmpp-account-identity.c) */
    gpointer muc;       /* thread: the rooms we are in (lv-xmpp-account-muc.c) */

    /* Dead-stream detection (lv-xmpp-account-keepalive.c). */
    gpointer keepalive;   /* thread: the silence watch of the socket */
    gboolean dead_stream; /* thread: the keep-alive gave the stream up */
    guint store_failures; /* thread: failed attempts to store the batch, in a row */

    gpointer chat_states; /* thread: our XEP-0085 states (lv-xmpp-account-chatstates.c) */
    /* Stream management after a refused resumption (lv-xmpp-account.c). */
    gboolean tried_resume; /* thread: this connection was given a saved stream to resume */
    gboolean stale_sm;     /* thread: this session's counters are the refused stream's */
};

LvXmppAccount *lv_xmpp_account_ref(LvXmppAccount *account);
void lv_xmpp_account_unref(LvXmppAccount *account);

/* Posts an event to the main context; takes @error, refs @data (a floating ref is
 * sunk). */
void lv_xmpp_account_post(LvXmppAccount *account, LvXmppEvent event, const char *jid,
                          GVariant *data, GError *error);

/* Runs libstrophe a few turns now: what handlers queued is written, what arrived is
 * read. Call it after sending from a request. */
void lv_xmpp_account_drain(LvXmppAccount *account);

/* Runs @func(@data) in the account's thread; @destroy frees @data afterwards (and
 * if the thread is gone). */
void lv_xmpp_account_invoke(LvXmppAccount *account, GSourceFunc func, gpointer data,
                            GDestroyNotify destroy);

/* TRUE if the thread has a session to send on. */
gboolean lv_xmpp_account_in_session(LvXmppAccount *account);

/* Answers the IQ @request with an empty result. */
void lv_xmpp_account_send_result(LvXmppAccount *account, xmpp_stanza_t *request);

/* Answers the IQ @request with an error of @type ("cancel", "modify"…) and RFC 6120
 * @condition ("service-unavailable", "bad-request"…). */
void lv_xmpp_account_send_error(LvXmppAccount *account, xmpp_stanza_t *request, const char *type,
                                const char *condition);

/* A new child element @name in @ns (NULL: inherited) appended to @parent; returns it
 * (transfer none: @parent owns it). */
xmpp_stanza_t *lv_xmpp_add_child(xmpp_stanza_t *parent, const char *name, const char *ns);

/* Appends a text node @text to @parent. */
void lv_xmpp_add_text(xmpp_stanza_t *parent, const char *text);

/* The session's modules, called in the thread (lv-xmpp-session.c): a new session,
 * a resumed stream (XEP-0198: the server kept our state, handlers are set again on
 * the new connection, nothing is fetched again), and the end of a stream
 * (@resumable: it was lost, not closed, and may come back resumed). */
void lv_xmpp_session_started(LvXmppAccount *account);
void lv_xmpp_session_resumed(LvXmppAccount *account);
void lv_xmpp_session_ended(LvXmppAccount *account, gboolean resumable);

/* Roster and presence (lv-xmpp-account-roster.c). */
void lv_xmpp_roster_session_started(LvXmppAccount *account);
/* A resumed stream: the handlers, and the roster get again if it went with the lost
 * stream (the available presence waits for its answer). */
void lv_xmpp_roster_session_resumed(LvXmppAccount *account);
/* A new connection with @settings: what it knows of the roster version. */
void lv_xmpp_roster_connecting(LvXmppAccount *account, const LvXmppSettings *settings);
/* Reads libstrophe's log line @msg of @area for the stream features. */
void lv_xmpp_roster_log_line(LvXmppAccount *account, const char *area, const char *msg);

/* lv-xmpp-account-plaintext.c: with allow_plaintext, sees the stream features in
 * libstrophe's log line (@msg) before libstrophe acts on them, and cuts a stream
 * without TLS whose only mechanism is PLAIN before the password goes out. */
void lv_xmpp_plaintext_log_line(LvXmppAccount *account, const char *msg);

/* Messages, carbons, MAM catch-up and the outbox (lv-xmpp-account-messages.c). */
void lv_xmpp_messages_session_started(LvXmppAccount *account);
void lv_xmpp_messages_session_resumed(LvXmppAccount *account);
void lv_xmpp_messages_session_ended(LvXmppAccount *account, gboolean resumable);
/* Stores what the last libstrophe turn parsed: called after every xmpp_run_once,
 * before the next one writes the acks. */
void lv_xmpp_messages_flush(LvXmppAccount *account);
/* Frees the thread's message state and the store (thread exit). */
void lv_xmpp_messages_finalize(LvXmppAccount *account);
/* The archive catch-up ended (@account may be out of session): the outbox goes. */
void lv_xmpp_messages_caught_up(LvXmppAccount *account);

/* Archive queries (lv-xmpp-account-mam.c). */
typedef struct _LvXmppMamQuery LvXmppMamQuery;
/* The queries in flight for the parser, terminated by a NULL query_id (transfer
 * container: the strings stay ours). */
LvXmppMamQuery *lv_xmpp_mam_queries_for_parser(LvXmppAccount *account);
/* A result of one of our queries: collected for a frontend if asked; TRUE if it goes
 * to the history as well. */
gboolean lv_xmpp_mam_take(LvXmppAccount *account, const LvXmppMessage *message);
/* Asks our archive for what came since the last point stored (then calls
 * lv_xmpp_messages_caught_up()). */
void lv_xmpp_mam_start_catch_up(LvXmppAccount *account);
void lv_xmpp_mam_session_ended(LvXmppAccount *account);
/* The catch-up point kept for @archive (transfer full), NULL if none. */
char *lv_xmpp_mam_dup_point(LvXmppAccount *account, const char *archive);
/* Asks the archive of @room for what came since the point kept for it (the last
 * page if none); a room without an archive only logs the error. */
void lv_xmpp_mam_catch_up_room(LvXmppAccount *account, const char *room);

/* Service discovery and entity capabilities (lv-xmpp-account-disco.c). */
void lv_xmpp_disco_session_started(LvXmppAccount *account);
void lv_xmpp_disco_session_ended(LvXmppAccount *account);
/* Adds our capabilities (XEP-0115) to @presence if it says we are available. */
void lv_xmpp_disco_decorate_presence(LvXmppAccount *account, xmpp_stanza_t *presence);

/* Software version (XEP-0092) and ping (XEP-0199) (lv-xmpp-account-info.c). */
void lv_xmpp_info_session_started(LvXmppAccount *account);

/* Bookmarks, XEP-0402 or XEP-0048, and the autojoin (lv-xmpp-account-bookmarks.c). */
void lv_xmpp_bookmarks_session_started(LvXmppAccount *account);
void lv_xmpp_bookmarks_session_resumed(LvXmppAccount *account);
void lv_xmpp_bookmarks_session_ended(LvXmppAccount *account, gboolean resumable);
void lv_xmpp_bookmarks_finalize(LvXmppAccount *account); /* thread exit */

/* Blocking, XEP-0191 (lv-xmpp-account-blocking.c). */
void lv_xmpp_blocking_session_started(LvXmppAccount *account);
void lv_xmpp_blocking_session_ended(LvXmppAccount *account, gboolean resumable);
void lv_xmpp_blocking_finalize(LvXmppAccount *account); /* thread exit */
/* TRUE if @message comes from an entity we block: the pipeline drops it. */
gboolean lv_xmpp_blocking_drops(LvXmppAccount *account, const LvXmppMessage *message);
/* Avatars, nicknames, descriptions (lv-xmpp-account-identity.c). */
void lv_xmpp_identity_session_started(LvXmppAccount *account);
void lv_xmpp_identity_session_ended(LvXmppAccount *account);
/* Adds our XEP-0153 avatar hash to @presence if it says we are available. */
void lv_xmpp_identity_decorate_presence(LvXmppAccount *account, xmpp_stanza_t *presence);
/* Multi-user chat (lv-xmpp-account-muc.c). */
void lv_xmpp_muc_session_started(LvXmppAccount *account);
void lv_xmpp_muc_session_ended(LvXmppAccount *account, gboolean resumable);
/* The rooms stayed joined: their self-pings start again, with the rejoins due. */
void lv_xmpp_muc_session_resumed(LvXmppAccount *account);
void lv_xmpp_muc_finalize(LvXmppAccount *account);
/* TRUE if the presence @stanza is a room's (then it was handled here and is not a
 * contact's). */
gboolean lv_xmpp_muc_take_presence(LvXmppAccount *account, xmpp_stanza_t *stanza);
/* Checks and completes the parsed @message of @stanza if it is a room's: TRUE if it
 * was taken (a subject) or dropped (a room we are not in); FALSE: store it. */
gboolean lv_xmpp_muc_take_message(LvXmppAccount *account, xmpp_stanza_t *stanza,
                                  LvXmppMessage *message);
/* Marks the message @stanza to @to of @type as a private message if @to is a room
 * occupant. */
void lv_xmpp_muc_decorate_message(LvXmppAccount *account, xmpp_stanza_t *stanza, const char *to,
                                  const char *type);
/* Our nick in the room @room_bare (transfer none), NULL if we are not in it. */
const char *lv_xmpp_muc_own_nick(LvXmppAccount *account, const char *room_bare);
gboolean lv_xmpp_muc_is_joined(LvXmppAccount *account, const char *room_bare);
/* Joins @room as @nick from the thread (bookmark autojoin): the same signals as a
 * join from the bridge, nobody to answer. */
void lv_xmpp_muc_join_in_thread(LvXmppAccount *account, const char *room, const char *nick,
                                const char *password);

/* Dead-stream detection (lv-xmpp-account-keepalive.c): a new socket @fd to watch, a
 * sign of life read from it, and the socket gone. */
void lv_xmpp_keepalive_watch(LvXmppAccount *account, int fd);
void lv_xmpp_keepalive_heard(LvXmppAccount *account);
void lv_xmpp_keepalive_stop(LvXmppAccount *account);

/* Whether @jid's disco#info (from the caps cache when known) lists @feature: @done
 * gets FALSE too when @jid does not answer (lv-xmpp-account-disco.c). */
typedef void (*LvXmppDiscoFeatureDone)(LvXmppAccount *account, const char *jid, gboolean has,
                                       gpointer data);
void lv_xmpp_disco_check_feature(LvXmppAccount *account, const char *jid, const char *feature,
                                 LvXmppDiscoFeatureDone done, gpointer data,
                                 GDestroyNotify data_free);

/* Our chat states (lv-xmpp-account-chatstates.c): @message may say its sender has
 * them; a message to @to ends the pause timers; session end and thread exit. */
void lv_xmpp_chat_states_heard(LvXmppAccount *account, const LvXmppMessage *message);
void lv_xmpp_chat_states_message_sent(LvXmppAccount *account, const char *to);
void lv_xmpp_chat_states_session_ended(LvXmppAccount *account);
void lv_xmpp_chat_states_finalize(LvXmppAccount *account);
/* The occupants of the joined room @room_bare (0: not joined). */
guint lv_xmpp_muc_count_occupants(LvXmppAccount *account, const char *room_bare);

G_END_DECLS
