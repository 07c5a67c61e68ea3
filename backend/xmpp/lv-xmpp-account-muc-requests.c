/* lv-xmpp-account-muc-requests: the group chat requests from the main context
 * (join, leave, nick, subject, occupants, rooms), carried to the account's thread
 * and done there on the rooms of lv-xmpp-account-muc.c. */
#include "lv-error.h"
#include "lv-jid.h"
#include "lv-xmpp-account-muc-private.h"
#include "lv-xmpp-muc.h"

/* ---- requests from the main context ---- */

typedef enum {
    ASK_JOIN,
    ASK_LEAVE,
    ASK_NICK,
    ASK_SUBJECT,
    ASK_NICK_GET,
    ASK_OCCUPANTS,
    ASK_ROOMS,
} AskKind;

typedef struct {
    LvXmppAccount *account;
    AskKind kind;
    char *request_id; /* NULL: started in the thread, nobody waits */
    char *room;
    char *text; /* nick or subject */
    char *password;
    GVariant *options; /* a{ss} of a join */
} Ask;

static void
ask_free(gpointer data)
{
    Ask *ask = data;

    lv_xmpp_account_unref(ask->account);
    g_free(ask->request_id);
    g_free(ask->room);
    g_free(ask->text);
    g_free(ask->password);
    g_clear_pointer(&ask->options, g_variant_unref);
    g_free(ask);
}

static void
answer(Ask *ask, GVariant *value, GError *error)
{
    if (ask->request_id != NULL) {
        lv_xmpp_account_post(ask->account, LV_XMPP_EVENT_REPLY, ask->request_id, value, error);
        return;
    }
    /* A join from the thread (autojoin, rejoin): nobody waits for the answer. */
    if (value != NULL)
        g_variant_unref(g_variant_ref_sink(value));
    if (error != NULL) {
        g_message("%s: %s", ask->account->profile, error->message);
        g_error_free(error);
    }
}

static int
option_int(GVariant *options, const char *key)
{
    const char *text = NULL;
    gint64 value = -1;

    if (options == NULL || !g_variant_lookup(options, key, "&s", &text))
        return -1;
    if (!g_ascii_string_to_signed(text, 10, 0, G_MAXINT, &value, NULL))
        return -2;
    return (int)value;
}

static const char *
option_text(GVariant *options, const char *key)
{
    const char *text = NULL;

    if (options == NULL || !g_variant_lookup(options, key, "&s", &text))
        return NULL;
    return text;
}

static Room *
room_from_ask(Ask *ask, GError **error)
{
    GVariant *options = ask->options;
    const char *create = option_text(options, "create");
    const char *password = option_text(options, "password");
    Room *room = g_new0(Room, 1);

    room->maxstanzas = option_int(options, "maxstanzas");
    room->seconds = option_int(options, "seconds");
    room->since = g_strdup(option_text(options, "since"));
    room->nick_retry = g_strcmp0(option_text(options, "nick_retry"), "true") == 0;
    room->configure = g_strcmp0(create, "configure") == 0;
    room->occupants =
            g_hash_table_new_full(g_str_hash, g_str_equal, g_free, lv_xmpp_muc_occupant_free);
    room->jid = g_strdup(ask->room);
    room->nick = g_strdup(ask->text);
    room->base_nick = g_strdup(ask->text);
    room->password = g_strdup(password != NULL ? password : ask->password);
    if (room->maxstanzas < -1 || room->seconds < -1 ||
        (create != NULL && !g_str_equal(create, "instant") && !room->configure)) {
        g_set_error(error, LV_ERROR, LV_ERROR_DATA,
                    "bad join options for %s (history counts are whole numbers, create is "
                    "instant or configure)",
                    ask->room);
        lv_xmpp_muc_room_free(room);
        return NULL;
    }
    return room;
}

static void
do_join(Ask *ask)
{
    LvXmppAccount *account = ask->account;
    Room *room = lv_xmpp_muc_find_room(account, ask->room);
    GError *error = NULL;

    if (room != NULL && room->state == ROOM_JOINED) {
        GVariant *args = g_variant_ref_sink(lv_xmpp_muc_joined_args(room));
        GVariant *tuple = lv_xmpp_muc_join_answer(account, TRUE, args);
        answer(ask, g_variant_new_tuple(&tuple, 1), NULL);
        g_variant_unref(args);
        return;
    }
    if (room != NULL && room->rejoin_timer != NULL && room->request_id == NULL) {
        /* Waiting to try a rejoin again: the user's join is that try, now. */
        room->request_id = g_steal_pointer(&ask->request_id);
        lv_xmpp_muc_rejoin(account, room);
        return;
    }
    if (room != NULL) {
        answer(ask, NULL,
               g_error_new(LV_ERROR, LV_ERROR_CONFLICT, "a join of %s is already in progress",
                           ask->room));
        return;
    }
    if ((room = room_from_ask(ask, &error)) == NULL) {
        answer(ask, NULL, error);
        return;
    }
    room->request_id = g_steal_pointer(&ask->request_id);
    g_hash_table_replace(lv_xmpp_muc_state(account)->rooms, room->jid, room);
    lv_xmpp_muc_post_signal(account, "mucRoomPrepareJoin", g_variant_new("(s)", room->jid));
    lv_xmpp_muc_send_join(account, room);
}

static void
send_presence_to(LvXmppAccount *account, const char *room, const char *nick, const char *type)
{
    xmpp_stanza_t *presence = xmpp_presence_new(account->xctx);
    g_autofree char *to = g_strconcat(room, "/", nick, NULL);

    xmpp_stanza_set_to(presence, to);
    if (type != NULL)
        xmpp_stanza_set_type(presence, type);
    else
        lv_xmpp_disco_decorate_presence(account, presence);
    xmpp_send(account->conn, presence);
    xmpp_stanza_release(presence);
    lv_xmpp_account_drain(account);
}

static void
do_subject(LvXmppAccount *account, Room *room, const char *subject)
{
    char *id = xmpp_uuid_gen(account->xctx);
    xmpp_stanza_t *message = xmpp_message_new(account->xctx, "groupchat", room->jid, id);

    xmpp_free(account->xctx, id);
    lv_xmpp_add_text(lv_xmpp_add_child(message, "subject", NULL), subject);
    xmpp_send(account->conn, message);
    xmpp_stanza_release(message);
    lv_xmpp_account_drain(account);
}

static GVariant *
rooms_joined(LvXmppAccount *account)
{
    GVariantBuilder builder;
    GHashTableIter iter;
    gpointer value = NULL;

    g_variant_builder_init(&builder, G_VARIANT_TYPE("a(sa{sa{ss}}ssas)"));
    g_hash_table_iter_init(&iter, lv_xmpp_muc_state(account)->rooms);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        if (((Room *)value)->state == ROOM_JOINED)
            g_variant_builder_add_value(&builder, lv_xmpp_muc_joined_args(value));
    }
    return g_variant_new("(@a(sa{sa{ss}}ssas))", g_variant_builder_end(&builder));
}

/* The requests that need a room we are in. */
static void
do_in_room(Ask *ask, Room *room)
{
    LvXmppAccount *account = ask->account;

    switch (ask->kind) {
    case ASK_LEAVE:
        send_presence_to(account, room->jid, room->nick, "unavailable");
        answer(ask, NULL, NULL);
        return;
    case ASK_NICK:
        if (!lv_xmpp_muc_nick_ok(ask->text)) {
            answer(ask, NULL,
                   g_error_new(LV_ERROR, LV_ERROR_DATA, "\"%s\" is not a valid nick", ask->text));
            return;
        }
        send_presence_to(account, room->jid, ask->text, NULL);
        answer(ask, NULL, NULL);
        return;
    case ASK_SUBJECT:
        do_subject(account, room, ask->text);
        answer(ask, NULL, NULL);
        return;
    case ASK_NICK_GET:
        answer(ask, g_variant_new("(s)", room->nick), NULL);
        return;
    case ASK_OCCUPANTS:
        answer(ask, g_variant_new("(@a{sa{ss}})", lv_xmpp_muc_occupants_variant(room)), NULL);
        return;
    default:
        g_assert_not_reached();
    }
}

static gboolean
do_ask(gpointer data)
{
    Ask *ask = data;
    LvXmppAccount *account = ask->account;
    Room *room = NULL;

    if (!lv_xmpp_account_in_session(account)) {
        answer(ask, NULL,
               g_error_new(LV_ERROR, LV_ERROR_PROFILE_NOT_CONNECTED, "%s is not connected",
                           account->profile));
        return G_SOURCE_REMOVE;
    }
    if (ask->kind == ASK_JOIN) {
        do_join(ask);
        lv_xmpp_account_drain(account); /* not from a handler: written now */
        return G_SOURCE_REMOVE;
    }
    if (ask->kind == ASK_ROOMS) {
        answer(ask, rooms_joined(account), NULL);
        return G_SOURCE_REMOVE;
    }
    room = lv_xmpp_muc_find_room(account, ask->room);
    if (room != NULL && room->state == ROOM_JOINING && ask->kind == ASK_LEAVE) {
        /* Given up before the room answered: no half-joined room stays. */
        send_presence_to(account, room->jid, room->nick, "unavailable");
        lv_xmpp_muc_fail_join(account, room,
                              g_error_new(LV_ERROR, LV_ERROR_CANCELLED,
                                          "the join of %s was given up", ask->room));
        answer(ask, NULL, NULL);
        return G_SOURCE_REMOVE;
    }
    if (room == NULL || room->state != ROOM_JOINED) {
        answer(ask, NULL,
               g_error_new(LV_ERROR, LV_ERROR_NOT_FOUND, "not in the room %s", ask->room));
        return G_SOURCE_REMOVE;
    }
    do_in_room(ask, room);
    return G_SOURCE_REMOVE;
}

/* @room as the rooms are keyed: a normalised bare JID (transfer full). */
static char *
normal_room(const char *room)
{
    g_autoptr(LvJid) jid = room != NULL ? lv_jid_parse(room, NULL) : NULL;

    return jid != NULL ? lv_jid_dup_bare(jid) : g_strdup(room);
}

static void
ask_thread(LvXmppAccount *account, AskKind kind, const char *request_id, const char *room,
           const char *text, GVariant *options)
{
    Ask *ask = g_new0(Ask, 1);

    ask->account = lv_xmpp_account_ref(account);
    ask->kind = kind;
    ask->request_id = g_strdup(request_id);
    ask->room = normal_room(room);
    ask->text = g_strdup(text);
    ask->options = options != NULL ? g_variant_ref_sink(options) : NULL;
    lv_xmpp_account_invoke(account, do_ask, ask, ask_free);
}

void
lv_xmpp_account_muc_join(LvXmppAccount *account, const char *request_id, const char *room,
                         const char *nick, GVariant *options)
{
    ask_thread(account, ASK_JOIN, request_id, room, nick, options);
}

void
lv_xmpp_muc_join_in_thread(LvXmppAccount *account, const char *room, const char *nick,
                           const char *password)
{
    g_autofree char *bare = normal_room(room);
    Ask ask = { account, ASK_JOIN, NULL, bare, (char *)nick, (char *)password, NULL };

    if (lv_xmpp_account_in_session(account) && bare != NULL && lv_xmpp_muc_nick_ok(nick))
        do_join(&ask);
}

void
lv_xmpp_account_muc_leave(LvXmppAccount *account, const char *request_id, const char *room)
{
    ask_thread(account, ASK_LEAVE, request_id, room, NULL, NULL);
}

void
lv_xmpp_account_muc_nick(LvXmppAccount *account, const char *request_id, const char *room,
                         const char *nick)
{
    ask_thread(account, ASK_NICK, request_id, room, nick, NULL);
}

void
lv_xmpp_account_muc_subject(LvXmppAccount *account, const char *request_id, const char *room,
                            const char *subject)
{
    ask_thread(account, ASK_SUBJECT, request_id, room, subject, NULL);
}

void
lv_xmpp_account_muc_nick_get(LvXmppAccount *account, const char *request_id, const char *room)
{
    ask_thread(account, ASK_NICK_GET, request_id, room, NULL, NULL);
}

void
lv_xmpp_account_muc_occupants(LvXmppAccount *account, const char *request_id, const char *room)
{
    ask_thread(account, ASK_OCCUPANTS, request_id, room, NULL, NULL);
}

void
lv_xmpp_account_muc_rooms(LvXmppAccount *account, const char *request_id)
{
    ask_thread(account, ASK_ROOMS, request_id, NULL, NULL, NULL);
}
