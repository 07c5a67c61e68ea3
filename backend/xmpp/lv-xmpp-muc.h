/* lv-xmpp-muc: multi-user chat (XEP-0045) presences to plain data and back. Pure
 * functions of stanzas, for the account thread (lv-xmpp-account-muc.c), the tests
 * and fuzzers. Nothing here knows which rooms we are in: the caller decides
 * whether a presence comes from one. */
#pragma once

#include <glib.h>
#include <strophe.h>

G_BEGIN_DECLS

#define LV_NS_MUC "http://jabber.org/protocol/muc"
#define LV_NS_MUC_USER "http://jabber.org/protocol/muc#user"
#define LV_NS_MUC_OWNER "http://jabber.org/protocol/muc#owner"
#define LV_NS_DATA "jabber:x:data"

/* The status codes (XEP-0045 §15.6) we act on, as flags. */
typedef enum {
    LV_MUC_STATUS_SELF = 1 << 0,                 /* 110: this presence is about us */
    LV_MUC_STATUS_NEW_ROOM = 1 << 1,             /* 201: we created the room (locked) */
    LV_MUC_STATUS_NICK_ASSIGNED = 1 << 2,        /* 210: the service changed our nick */
    LV_MUC_STATUS_NICK_CHANGED = 1 << 3,         /* 303: a nick change (with item nick) */
    LV_MUC_STATUS_KICKED = 1 << 4,               /* 307 */
    LV_MUC_STATUS_BANNED = 1 << 5,               /* 301 */
    LV_MUC_STATUS_REMOVED_AFFILIATION = 1 << 6,  /* 321 */
    LV_MUC_STATUS_REMOVED_MEMBERS_ONLY = 1 << 7, /* 322 */
    LV_MUC_STATUS_SHUTDOWN = 1 << 8,             /* 332 */
    LV_MUC_STATUS_REMOVED_ERROR = 1 << 9,        /* 333 */
} LvMucStatus;

/* Any of these: the occupant no longer is in the room, and may not simply rejoin. */
#define LV_MUC_STATUS_REMOVED                                                                      \
    (LV_MUC_STATUS_KICKED | LV_MUC_STATUS_BANNED | LV_MUC_STATUS_REMOVED_AFFILIATION |             \
     LV_MUC_STATUS_REMOVED_MEMBERS_ONLY)
/* Any of these (and none of the above): out, but the room may take us back later. */
#define LV_MUC_STATUS_TAKES_BACK (LV_MUC_STATUS_SHUTDOWN | LV_MUC_STATUS_REMOVED_ERROR)

/* A presence from a room occupant (plain data carrier). Strings are NULL when
 * absent; JIDs normalised. */
typedef struct {
    char *room; /* bare JID of the room */
    char *nick; /* the occupant's nick (the resource of the sender) */
    gboolean available;
    char *show;   /* "", away, chat, dnd, xa; "unavailable" */
    char *status; /* the first <status/> text */
    int priority;
    char *role;            /* moderator, participant, visitor, none */
    char *affiliation;     /* owner, admin, member, outcast, none */
    char *jid;             /* the occupant's real JID, if the room tells */
    char *new_nick;        /* with LV_MUC_STATUS_NICK_CHANGED */
    char *reason;          /* of a kick, ban or destruction */
    gboolean destroyed;    /* the room was destroyed (<destroy/>) */
    guint status_codes;    /* LvMucStatus */
    char *error_condition; /* for type error: the RFC 6120 condition */
    char *error_text;
} LvXmppMucPresence;

void lv_xmpp_muc_presence_free(LvXmppMucPresence *presence);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LvXmppMucPresence, lv_xmpp_muc_presence_free)

/* TRUE if @presence carries the room occupant payload (<x/> in muc#user). */
gboolean lv_xmpp_muc_is_room_presence(xmpp_stanza_t *presence);

/* Parses a presence from an occupant, available, unavailable or error. A sender
 * that is not a full JID of a room (room@service/nick), an unknown type or an item
 * with an unknown role or affiliation gives NULL with LV_ERROR_DATA saying why; an
 * item's bad "jid" is only ignored (transfer full). */
LvXmppMucPresence *lv_xmpp_muc_presence_parse(xmpp_stanza_t *presence, GError **error);

/* How much history a join asks for (XEP-0045 §7.2.13); negative or NULL: not
 * asked. */
typedef struct {
    int maxstanzas;
    int seconds;
    const char *since; /* XEP-0082 date-time */
} LvXmppMucHistory;

/* The presence that joins @room as @nick, with @password (NULL: none) and
 * @history (NULL: the room's default) (transfer full). */
xmpp_stanza_t *lv_xmpp_muc_build_join(xmpp_ctx_t *ctx, const char *room, const char *nick,
                                      const char *password, const LvXmppMucHistory *history);

/* TRUE if @nick is usable as an occupant nick (a valid resourcepart). */
gboolean lv_xmpp_muc_nick_ok(const char *nick);

/* A human name of a join error @condition ("conflict" → "nickname already in use"). */
const char *lv_xmpp_muc_error_describe(const char *condition);
/* TRUE if a join refused with @condition may work later with nothing changed on
 * our side (the service restarting, the room full): worth trying again. */
gboolean lv_xmpp_muc_error_is_passing(const char *condition);

/* ---- requests from the main context (lv-xmpp-account-muc.c) ----
 * Each answers with a REPLY event carrying @request_id. */
typedef struct _LvXmppAccount LvXmppAccount;

/* Joins @room as @nick; @options a{ss} as mucJoin's (password, maxstanzas, seconds,
 * since, create: instant or configure, nick_retry: true); the reply is mucJoin's
 * (bsa{sa{ss}}ssas) without the profile, once our presence comes back. */
void lv_xmpp_account_muc_join(LvXmppAccount *account, const char *request_id, const char *room,
                              const char *nick, GVariant *options);
void lv_xmpp_account_muc_leave(LvXmppAccount *account, const char *request_id, const char *room);
void lv_xmpp_account_muc_nick(LvXmppAccount *account, const char *request_id, const char *room,
                              const char *nick);
void lv_xmpp_account_muc_subject(LvXmppAccount *account, const char *request_id, const char *room,
                                 const char *subject);
/* Replies (s): our nick in @room. */
void lv_xmpp_account_muc_nick_get(LvXmppAccount *account, const char *request_id, const char *room);
/* Replies (a{sa{ss}}): the occupants of @room. */
void lv_xmpp_account_muc_occupants(LvXmppAccount *account, const char *request_id,
                                   const char *room);
/* Replies (s): the multi-user chat service of @server ("" or NULL: ours), found by
 * disco (lv-xmpp-account-muc-service.c); "" if it has none. */
void lv_xmpp_account_muc_service(LvXmppAccount *account, const char *request_id,
                                 const char *server);

/* How long a room may be silent before we ping our occupant JID in it
 * (XEP-0410); any thread may call it. */
void lv_xmpp_muc_set_self_ping_interval(guint seconds);

/* Replies (a(sa{sa{ss}}ssas)): the rooms we are in. */
void lv_xmpp_account_muc_rooms(LvXmppAccount *account, const char *request_id);

G_END_DECLS
