/* lv-xmpp-account-muc-private: the rooms of an account as the MUC modules of its
 * thread share them (lv-xmpp-account-muc.c keeps them, lv-xmpp-account-muc-requests.c
 * serves the requests from the main context). Not for other modules. */
#pragma once

#include "lv-xmpp-account-private.h"

G_BEGIN_DECLS

typedef enum {
    ROOM_JOINING,
    ROOM_JOINED,
} RoomState;

typedef struct {
    char *role, *affiliation, *jid, *show, *status;
} Occupant;

typedef struct {
    char *jid;
    char *nick;      /* asked, then the one the room gave */
    char *base_nick; /* as asked, for the retries */
    char *password;
    RoomState state;
    char *request_id; /* the bridge call waiting for the join, NULL: none */
    gboolean nick_retry;
    int retries;
    gboolean configure; /* leave a new room locked */
    int maxstanzas;     /* history asked: -1 the room's default */
    int seconds;
    char *since;
    GHashTable *occupants; /* nick → Occupant* */
    char *subject;
    gint64 last_seen; /* g_get_monotonic_time() of its last stanza to us */
    gboolean pinging;
    gboolean was_in;       /* joined once: shown as joined to the frontends */
    guint rejoin_tries;    /* rejoins refused in a row for a passing reason */
    GSource *rejoin_timer; /* the next of them (lv-xmpp-account-muc-rejoin.c) */
    gboolean rejoin_due;   /* its time came out of session: at the resumption */
} Room;

typedef struct {
    GHashTable *rooms; /* bare JID → Room* */
    GSource *ping_timer;
} MucState;

void lv_xmpp_muc_occupant_free(gpointer data);
void lv_xmpp_muc_room_free(gpointer data);
/* The account's rooms, made on first use. */
MucState *lv_xmpp_muc_state(LvXmppAccount *account);
/* The room of @room_bare (a normalised bare JID, may be NULL), joined or joining. */
Room *lv_xmpp_muc_find_room(LvXmppAccount *account, const char *room_bare);
void lv_xmpp_muc_post_signal(LvXmppAccount *account, const char *name, GVariant *params);
/* Occupants as Libervia's a{sa{ss}} (transfer floating). */
GVariant *lv_xmpp_muc_occupants_variant(Room *room);
/* (room, occupants, nick, subject, statuses) of mucRoomJoined (transfer floating). */
GVariant *lv_xmpp_muc_joined_args(Room *room);
/* mucJoin's answer: @already joined, @args, the profile (transfer floating). */
GVariant *lv_xmpp_muc_join_answer(LvXmppAccount *account, gboolean already, GVariant *args);
/* Sends our join presence to @room. */
void lv_xmpp_muc_send_join(LvXmppAccount *account, Room *room);
/* Answers the join's caller with @error (taken) and forgets @room. */
void lv_xmpp_muc_fail_join(LvXmppAccount *account, Room *room, GError *error);
/* Joins @room again now, from scratch (a new session, a room that lost us). */
void lv_xmpp_muc_rejoin(LvXmppAccount *account, Room *room);
/* For a join nobody waits for (a rejoin, an autojoin) refused with @condition, a
 * passing one: tries again later, with a growing delay, and TRUE; FALSE: it is a
 * refusal to act on (or we tried long enough). */
gboolean lv_xmpp_muc_rejoin_later(LvXmppAccount *account, Room *room, const char *condition);
/* @room took us out but may take us back: joined again after a short delay. */
void lv_xmpp_muc_rejoin_soon(LvXmppAccount *account, Room *room);
/* Stops a later rejoin of @room, if one is set. */
void lv_xmpp_muc_rejoin_cancel(Room *room);

G_END_DECLS
