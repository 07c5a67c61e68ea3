/* lv-xmpp-account-muc: the rooms (XEP-0045) an account is in, in its thread.
 *
 * A room is tracked from the join presence we send: presences from it go here, not
 * to the roster's presence code (lv_xmpp_muc_take_presence), and its groupchat
 * messages are accepted only while we are in it. A join is done when our own
 * presence (status 110) comes back, and failed by a presence error; a new locked
 * room (201) is unlocked as an instant room unless the caller wants to configure
 * it. Rooms joined are joined again after a new session (not after a resumption:
 * the server kept us in them). Kicks, bans and destructions end the room for good.
 *
 * Self-ping (XEP-0410): a room can drop us without telling (a restart of the
 * service, a lost presence). One timer per account, armed only while we are in a
 * room, pings our own occupant JID in the rooms silent for a whole interval; an
 * error other than the two "I do not know ping" conditions means we are out, and
 * we join again.
 *
 * The requests from the main context are in lv-xmpp-account-muc-requests.c.
 */
#include <string.h>

#include "lv-error.h"
#include "lv-jid.h"
#include "lv-xmpp-account-muc-private.h"
#include "lv-xmpp-account-private.h"
#include "lv-xmpp-iq.h"
#include "lv-xmpp-message.h"
#include "lv-xmpp-muc.h"

#define NICK_RETRIES 4
#define DEFAULT_PING_INTERVAL_S 900

G_LOCK_DEFINE_STATIC(interval_lock);
static guint ping_interval_s = DEFAULT_PING_INTERVAL_S; /* under interval_lock */

void
lv_xmpp_muc_set_self_ping_interval(guint seconds)
{
    G_LOCK(interval_lock);
    ping_interval_s = seconds > 0 ? seconds : DEFAULT_PING_INTERVAL_S;
    G_UNLOCK(interval_lock);
}

static guint
self_ping_interval(void)
{
    G_LOCK(interval_lock);
    guint seconds = ping_interval_s;
    G_UNLOCK(interval_lock);
    return seconds;
}

void
lv_xmpp_muc_occupant_free(gpointer data)
{
    Occupant *occupant = data;

    g_free(occupant->role);
    g_free(occupant->affiliation);
    g_free(occupant->jid);
    g_free(occupant->show);
    g_free(occupant->status);
    g_free(occupant);
}

void
lv_xmpp_muc_room_free(gpointer data)
{
    Room *room = data;

    g_free(room->jid);
    g_free(room->nick);
    g_free(room->base_nick);
    if (room->password != NULL) /* kept for rejoins only: not left in freed memory */
        memset(room->password, 0, strlen(room->password));
    g_free(room->password);
    g_free(room->request_id);
    g_free(room->since);
    lv_xmpp_muc_rejoin_cancel(room);
    g_hash_table_unref(room->occupants);
    g_free(room->subject);
    g_free(room);
}

MucState *
lv_xmpp_muc_state(LvXmppAccount *account)
{
    if (account->muc == NULL) {
        MucState *state = g_new0(MucState, 1);
        state->rooms = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, lv_xmpp_muc_room_free);
        account->muc = state;
    }
    return account->muc;
}

Room *
lv_xmpp_muc_find_room(LvXmppAccount *account, const char *room_bare)
{
    return room_bare != NULL ? g_hash_table_lookup(lv_xmpp_muc_state(account)->rooms, room_bare)
                             : NULL;
}

const char *
lv_xmpp_muc_own_nick(LvXmppAccount *account, const char *room_bare)
{
    Room *room = lv_xmpp_muc_find_room(account, room_bare);

    return room != NULL && room->state == ROOM_JOINED ? room->nick : NULL;
}

gboolean
lv_xmpp_muc_is_joined(LvXmppAccount *account, const char *room_bare)
{
    return lv_xmpp_muc_own_nick(account, room_bare) != NULL;
}

void
lv_xmpp_muc_post_signal(LvXmppAccount *account, const char *name, GVariant *params)
{
    lv_xmpp_account_post(account, LV_XMPP_EVENT_SIGNAL, name, params, NULL);
}

/* Occupants as Libervia's a{sa{ss}}: nick → nick, entity, affiliation, role (and
 * show, status) (transfer floating). */
GVariant *
lv_xmpp_muc_occupants_variant(Room *room)
{
    GVariantBuilder builder;
    GHashTableIter iter;
    gpointer key = NULL, value = NULL;

    g_variant_builder_init(&builder, G_VARIANT_TYPE("a{sa{ss}}"));
    g_hash_table_iter_init(&iter, room->occupants);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        Occupant *o = value;
        GVariantBuilder item;
        g_variant_builder_init(&item, G_VARIANT_TYPE("a{ss}"));
        g_variant_builder_add(&item, "{ss}", "nick", (const char *)key);
        g_variant_builder_add(&item, "{ss}", "entity", o->jid != NULL ? o->jid : "");
        g_variant_builder_add(&item, "{ss}", "affiliation", o->affiliation);
        g_variant_builder_add(&item, "{ss}", "role", o->role);
        g_variant_builder_add(&item, "{ss}", "show", o->show != NULL ? o->show : "");
        g_variant_builder_add(&item, "{ss}", "status", o->status != NULL ? o->status : "");
        g_variant_builder_add(&builder, "{s@a{ss}}", (const char *)key,
                              g_variant_builder_end(&item));
    }
    return g_variant_builder_end(&builder);
}

/* (room, occupants, nick, subject, statuses) as mucRoomJoined and mucJoin carry
 * them, without the profile (transfer floating). */
GVariant *
lv_xmpp_muc_joined_args(Room *room)
{
    const char *statuses[] = { NULL };

    return g_variant_new("(s@a{sa{ss}}ss^as)", room->jid, lv_xmpp_muc_occupants_variant(room),
                         room->nick, room->subject != NULL ? room->subject : "", statuses);
}

/* mucJoin's answer (bsa{sa{ss}}ssass): @already joined, then @args and the profile
 * (transfer floating). */
GVariant *
lv_xmpp_muc_join_answer(LvXmppAccount *account, gboolean already, GVariant *args)
{
    GVariant *children[7] = { g_variant_new_boolean(already) };

    for (int i = 0; i < 5; i++)
        children[i + 1] = g_variant_get_child_value(args, i);
    children[6] = g_variant_new_string(account->profile);
    GVariant *answer = g_variant_new_tuple(children, 7);
    /* The tuple took its own references of the children we got (found by valgrind). */
    for (int i = 1; i < 6; i++)
        g_variant_unref(children[i]);
    return answer;
}

void
lv_xmpp_muc_send_join(LvXmppAccount *account, Room *room)
{
    LvXmppMucHistory history = { room->maxstanzas, room->seconds, room->since };
    g_autofree char *point = NULL;

    /* Asked nothing and we keep a point in its archive: the catch-up brings what we
     * missed, the room's history would only repeat it. */
    if (room->maxstanzas < 0 && room->seconds < 0 && room->since == NULL &&
        (point = lv_xmpp_mam_dup_point(account, room->jid)) != NULL)
        history.maxstanzas = 0;
    xmpp_stanza_t *presence =
            lv_xmpp_muc_build_join(account->xctx, room->jid, room->nick, room->password, &history);

    lv_xmpp_disco_decorate_presence(account, presence);
    xmpp_send(account->conn, presence);
    xmpp_stanza_release(presence);
}

static void
forget_room(LvXmppAccount *account, Room *room)
{
    g_hash_table_remove(lv_xmpp_muc_state(account)->rooms, room->jid);
}

void
lv_xmpp_muc_fail_join(LvXmppAccount *account, Room *room, GError *error)
{
    g_message("%s: cannot join %s: %s", account->profile, room->jid, error->message);
    if (room->request_id != NULL)
        lv_xmpp_account_post(account, LV_XMPP_EVENT_REPLY, room->request_id, NULL, error);
    else
        g_error_free(error);
    /* A room we were in was still shown as joined: it is not any more. */
    g_autofree char *left = room->was_in ? g_strdup(room->jid) : NULL;
    forget_room(account, room);
    if (left != NULL)
        lv_xmpp_muc_post_signal(account, "mucRoomLeft", g_variant_new("(s)", left));
}

static void
on_instant(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error, gpointer user_data)
{
    g_autofree char *room = user_data;

    if (reply == NULL)
        g_message("%s: the new room %s stays locked: %s", account->profile, room, error->message);
    else
        g_info("%s: new room %s unlocked as an instant room", account->profile, room);
}

static void
unlock_instant(LvXmppAccount *account, Room *room)
{
    xmpp_stanza_t *iq = lv_xmpp_iq_new(account, "set", room->jid);
    xmpp_stanza_t *query = lv_xmpp_add_child(iq, "query", LV_NS_MUC_OWNER);

    xmpp_stanza_set_attribute(lv_xmpp_add_child(query, "x", LV_NS_DATA), "type", "submit");
    lv_xmpp_iq_request(account, iq, on_instant, g_strdup(room->jid), NULL);
    xmpp_stanza_release(iq);
}

static void
on_self_pong(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error, gpointer user_data)
{
    const char *jid = user_data;
    Room *room = lv_xmpp_muc_find_room(account, jid);

    if (room == NULL)
        return;
    room->pinging = FALSE;
    /* No answer says nothing about the room; these two say it is there and serves us. */
    if (reply != NULL || !g_error_matches(error, LV_ERROR, LV_ERROR_EXTERNAL_REQUEST) ||
        strstr(error->message, "feature-not-implemented") != NULL)
        return;
    if (g_error_matches(error, LV_ERROR, LV_ERROR_NOT_FOUND) &&
        strstr(error->message, "service-unavailable") != NULL)
        return;
    g_message("%s: self-ping in %s failed (%s): joining again", account->profile, room->jid,
              error->message);
    if (room->state == ROOM_JOINED)
        lv_xmpp_muc_rejoin(account, room);
}

static void
self_ping(LvXmppAccount *account, Room *room)
{
    g_autofree char *to = g_strconcat(room->jid, "/", room->nick, NULL);
    xmpp_stanza_t *iq = lv_xmpp_iq_new(account, "get", to);

    lv_xmpp_add_child(iq, "ping", "urn:xmpp:ping");
    room->pinging = TRUE;
    g_debug("%s: self-ping in %s", account->profile, room->jid);
    lv_xmpp_iq_request(account, iq, on_self_pong, g_strdup(room->jid), g_free);
    xmpp_stanza_release(iq);
}

static gboolean
on_ping_timer(gpointer data)
{
    LvXmppAccount *account = data;
    MucState *state = lv_xmpp_muc_state(account);
    gint64 silence = (gint64)self_ping_interval() * G_USEC_PER_SEC;
    gint64 now = g_get_monotonic_time();
    GHashTableIter iter;
    gpointer value = NULL;
    gboolean any = FALSE;

    g_hash_table_iter_init(&iter, state->rooms);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        Room *room = value;
        if (room->state != ROOM_JOINED)
            continue;
        any = TRUE;
        if (!room->pinging && now - room->last_seen >= silence)
            self_ping(account, room);
    }
    if (any && lv_xmpp_account_in_session(account)) {
        lv_xmpp_account_drain(account);
        return G_SOURCE_CONTINUE;
    }
    g_clear_pointer(&state->ping_timer, g_source_unref);
    return G_SOURCE_REMOVE;
}

static void
disarm_self_ping(LvXmppAccount *account)
{
    MucState *state = account->muc;

    if (state != NULL && state->ping_timer != NULL) {
        g_source_destroy(state->ping_timer);
        g_clear_pointer(&state->ping_timer, g_source_unref);
    }
}

/* Checks every interval: a room is pinged after one to two intervals of silence. */
static void
arm_self_ping(LvXmppAccount *account)
{
    MucState *state = lv_xmpp_muc_state(account);

    if (state->ping_timer != NULL)
        return;
    state->ping_timer = g_timeout_source_new_seconds(self_ping_interval());
    g_source_set_callback(state->ping_timer, on_ping_timer, account, NULL);
    g_source_attach(state->ping_timer, account->context);
}

/* Only a room that says it keeps an archive is asked for it; the others gave what
 * they keep as the history of the join. */
static void
on_archive_known(LvXmppAccount *account, const char *jid, gboolean has, gpointer data)
{
    Room *room = lv_xmpp_muc_find_room(account, data);

    if (room == NULL || room->state != ROOM_JOINED)
        return;
    if (has)
        lv_xmpp_mam_catch_up_room(account, room->jid);
    else
        g_info("%s: %s keeps no archive (no %s): its join history is all we get", account->profile,
               room->jid, LV_NS_MAM);
}

static void
joined(LvXmppAccount *account, Room *room, const LvXmppMucPresence *presence)
{
    room->state = ROOM_JOINED;
    room->was_in = TRUE;
    room->rejoin_tries = 0;
    if (g_strcmp0(room->nick, presence->nick) != 0) { /* 210: the room chose */
        g_free(room->nick);
        room->nick = g_strdup(presence->nick);
    }
    g_info("%s: joined %s as %s", account->profile, room->jid, room->nick);
    room->last_seen = g_get_monotonic_time();
    arm_self_ping(account);
    if ((presence->status_codes & LV_MUC_STATUS_NEW_ROOM) && !room->configure)
        unlock_instant(account, room);
    else if (!(presence->status_codes & LV_MUC_STATUS_NEW_ROOM))
        lv_xmpp_disco_check_feature(account, room->jid, LV_NS_MAM, on_archive_known,
                                    g_strdup(room->jid), g_free);
    GVariant *args = g_variant_ref_sink(lv_xmpp_muc_joined_args(room));
    lv_xmpp_muc_post_signal(account, "mucRoomJoined", args);
    if (room->request_id != NULL) {
        GVariant *answer = lv_xmpp_muc_join_answer(account, FALSE, args);
        lv_xmpp_account_post(account, LV_XMPP_EVENT_REPLY, room->request_id,
                             g_variant_new_tuple(&answer, 1), NULL);
        g_clear_pointer(&room->request_id, g_free);
    }
    g_variant_unref(args);
}

static void
on_join_error(LvXmppAccount *account, Room *room, const LvXmppMucPresence *presence)
{
    const char *condition = presence->error_condition;

    if (room->state == ROOM_JOINED) { /* a refused nick change, say */
        g_message("%s: %s refused a change: %s", account->profile, room->jid, condition);
        return;
    }
    /* No join of ours is on its way: not its answer. (A room that lost us, then
     * gone, answers the unavailable presence the server sends for us as the stream
     * ends with item-not-found: that said nothing of the rejoin to come.) */
    if (room->rejoin_timer != NULL || room->rejoin_due) {
        g_info("%s: %s refused something (%s) while we wait to join it again", account->profile,
               room->jid, condition);
        return;
    }
    if (g_str_equal(condition, "conflict") && room->nick_retry && room->retries < NICK_RETRIES) {
        room->retries++;
        g_free(room->nick);
        room->nick = g_strconcat(room->base_nick, "", NULL);
        for (int i = 0; i < room->retries; i++) {
            char *longer = g_strconcat(room->nick, "_", NULL);
            g_free(room->nick);
            room->nick = longer;
        }
        g_info("%s: nick taken in %s, trying %s", account->profile, room->jid, room->nick);
        lv_xmpp_muc_send_join(account, room);
        return;
    }
    if (lv_xmpp_muc_rejoin_later(account, room, condition))
        return;
    int code = g_str_equal(condition, "conflict")         ? LV_ERROR_CONFLICT
               : g_str_equal(condition, "not-authorized") ? LV_ERROR_PERMISSION
               : g_str_equal(condition, "forbidden")      ? LV_ERROR_PERMISSION
               : g_str_equal(condition, "item-not-found") ? LV_ERROR_NOT_FOUND
                                                          : LV_ERROR_EXTERNAL_REQUEST;
    const char *text = presence->error_text != NULL ? presence->error_text : "";
    const char *colon = text[0] != '\0' ? ": " : "";
    if (code == LV_ERROR_CONFLICT)
        lv_xmpp_muc_fail_join(account, room,
                              g_error_new(LV_ERROR, code, "nickname already in use in %s (%s)%s%s",
                                          room->jid, room->nick, colon, text));
    else
        lv_xmpp_muc_fail_join(account, room,
                              g_error_new(LV_ERROR, code, "cannot join %s: %s (%s)%s%s", room->jid,
                                          lv_xmpp_muc_error_describe(condition), condition, colon,
                                          text));
}

static void
update_occupant(Room *room, const LvXmppMucPresence *presence)
{
    Occupant *occupant = g_new0(Occupant, 1);

    occupant->role = g_strdup(presence->role);
    occupant->affiliation = g_strdup(presence->affiliation);
    occupant->jid = g_strdup(presence->jid);
    occupant->show = g_strdup(presence->show);
    occupant->status = g_strdup(presence->status);
    g_hash_table_replace(room->occupants, g_strdup(presence->nick), occupant);
}

/* presenceUpdate for the occupant's full JID, as Libervia 0.9 signals occupants. */
static void
signal_presence(LvXmppAccount *account, const LvXmppMucPresence *presence)
{
    g_autofree char *full = g_strconcat(presence->room, "/", presence->nick, NULL);
    GVariantBuilder statuses;

    g_variant_builder_init(&statuses, G_VARIANT_TYPE("a{ss}"));
    if (presence->status != NULL)
        g_variant_builder_add(&statuses, "{ss}", "default", presence->status);
    lv_xmpp_muc_post_signal(
            account, "presenceUpdate",
            g_variant_new("(ssia{ss})", full, presence->show, presence->priority, &statuses));
}

static void
self_left(LvXmppAccount *account, Room *room, const LvXmppMucPresence *presence)
{
    guint codes = presence->status_codes;
    const char *why = presence->destroyed                     ? "the room was destroyed"
                      : (codes & LV_MUC_STATUS_BANNED)        ? "we were banned"
                      : (codes & LV_MUC_STATUS_KICKED)        ? "we were kicked"
                      : (codes & LV_MUC_STATUS_REMOVED)       ? "we were removed"
                      : (codes & LV_MUC_STATUS_SHUTDOWN)      ? "the service is shutting down"
                      : (codes & LV_MUC_STATUS_REMOVED_ERROR) ? "the room lost us"
                                                              : "we left";

    g_message("%s: out of %s: %s%s%s", account->profile, room->jid, why,
              presence->reason != NULL ? ": " : "",
              presence->reason != NULL ? presence->reason : "");
    if (room->state == ROOM_JOINING) {
        lv_xmpp_muc_fail_join(account, room,
                              g_error_new(LV_ERROR, LV_ERROR_EXTERNAL_REQUEST, "cannot join %s: %s",
                                          room->jid, why));
        return;
    }
    /* A room that lost us by error, or whose service shuts down, may take us back:
     * joined again a little later (what caused it may last a moment, and the
     * stream may be ending too: then the next session joins it). Removals are final. */
    if ((codes & LV_MUC_STATUS_TAKES_BACK) && !(codes & LV_MUC_STATUS_REMOVED) &&
        !presence->destroyed) {
        lv_xmpp_muc_rejoin_soon(account, room);
        return;
    }
    g_autofree char *jid = g_strdup(room->jid);
    forget_room(account, room);
    lv_xmpp_muc_post_signal(account, "mucRoomLeft", g_variant_new("(s)", jid));
}

static void
nick_changed(LvXmppAccount *account, Room *room, const LvXmppMucPresence *presence)
{
    g_hash_table_remove(room->occupants, presence->nick);
    if ((presence->status_codes & LV_MUC_STATUS_SELF) && room->state == ROOM_JOINED) {
        g_free(room->nick);
        room->nick = g_strdup(presence->new_nick);
    }
    lv_xmpp_muc_post_signal(account, "mucRoomUserChangedNick",
                            g_variant_new("(sss)", room->jid, presence->nick, presence->new_nick));
}

static void
on_room_presence(LvXmppAccount *account, Room *room, const LvXmppMucPresence *presence)
{
    gboolean self = (presence->status_codes & LV_MUC_STATUS_SELF) ||
                    g_strcmp0(presence->nick, room->nick) == 0;

    if (presence->error_condition != NULL) {
        on_join_error(account, room, presence);
        return;
    }
    if (!presence->available && presence->new_nick != NULL) {
        nick_changed(account, room, presence);
        return;
    }
    if (!presence->available) {
        if (self) {
            self_left(account, room, presence);
            return;
        }
        g_hash_table_remove(room->occupants, presence->nick);
        if (room->state == ROOM_JOINED)
            signal_presence(account, presence);
        return;
    }
    update_occupant(room, presence);
    if (presence->status_codes & LV_MUC_STATUS_SELF) {
        if (room->state == ROOM_JOINING)
            joined(account, room, presence);
        return;
    }
    if (room->state == ROOM_JOINED)
        signal_presence(account, presence);
}

gboolean
lv_xmpp_muc_take_presence(LvXmppAccount *account, xmpp_stanza_t *stanza)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(LvJid) from = lv_jid_parse(xmpp_stanza_get_from(stanza), NULL);
    g_autofree char *bare = from != NULL ? lv_jid_dup_bare(from) : NULL;
    Room *room = lv_xmpp_muc_find_room(account, bare);

    if (room == NULL) { /* an occupant payload from a room we are not in: not a contact either */
        if (!lv_xmpp_muc_is_room_presence(stanza))
            return FALSE;
        /* Debug only: a flood of them must not flood the log too. */
        g_debug("%s: room presence from %s dropped: not a room we are in", account->profile,
                bare != NULL ? bare : "an invalid address");
        return TRUE;
    }
    room->last_seen = g_get_monotonic_time();
    g_autoptr(LvXmppMucPresence) presence = lv_xmpp_muc_presence_parse(stanza, &error);
    if (presence == NULL) {
        g_message("%s: room presence ignored: %s", account->profile, error->message);
        return TRUE;
    }
    on_room_presence(account, room, presence);
    return TRUE;
}

/* ---- messages from rooms ---- */

static gboolean
take_subject(LvXmppAccount *account, Room *room, const LvXmppMessage *message)
{
    const char *subject = ""; /* an empty <subject/>: the room has none (§8.1) */

    if (g_variant_n_children(message->bodies) > 0 || message->subjects == NULL)
        return FALSE;
    if (!g_variant_lookup(message->subjects, "", "&s", &subject) &&
        g_variant_n_children(message->subjects) > 0)
        g_variant_get_child(message->subjects, 0, "{&s&s}", NULL, &subject);
    g_free(room->subject);
    room->subject = g_strdup(subject);
    lv_xmpp_muc_post_signal(account, "mucRoomNewSubject",
                            g_variant_new("(ss)", room->jid, subject));
    return TRUE;
}

gboolean
lv_xmpp_muc_take_message(LvXmppAccount *account, xmpp_stanza_t *stanza, LvXmppMessage *message)
{
    Room *room = lv_xmpp_muc_find_room(account, message->from_bare);

    if (g_strcmp0(message->type, "groupchat") != 0 || message->via == LV_XMPP_VIA_CARBON)
        return FALSE;
    if (message->via == LV_XMPP_VIA_LIVE && room == NULL) {
        g_message("%s: groupchat message from %s dropped: not a room we are in", account->profile,
                  message->from != NULL ? message->from : "nobody");
        return TRUE;
    }
    if (message->via == LV_XMPP_VIA_MAM &&
        g_strcmp0(message->archive_jid, message->from_bare) != 0) {
        /* XEP-0313 §MUC message spoofing: anyone can put a "room" message in our own
         * archive; only the room's archive vouches for its messages. */
        g_message("%s: groupchat message from %s in the archive of %s dropped: not the "
                  "room's archive",
                  account->profile, message->from, message->archive_jid);
        return TRUE;
    }
    if (message->via == LV_XMPP_VIA_LIVE) {
        room->last_seen = g_get_monotonic_time();
        /* Only the room stamps its messages (XEP-0359 §4, XEP-0313 §6.1). */
        g_free(message->stanza_id);
        g_free(message->archive_jid);
        message->stanza_id = lv_xmpp_message_stanza_id_by(stanza, room->jid);
        message->archive_jid = message->stanza_id != NULL ? g_strdup(room->jid) : NULL;
        if (xmpp_stanza_get_child_by_name(stanza, "subject") != NULL &&
            take_subject(account, room, message))
            return TRUE;
    }
    const char *resource = message->from != NULL ? strchr(message->from, '/') : NULL;
    const char *nick = room != NULL ? room->nick : NULL;
    if (resource != NULL && nick != NULL && g_str_equal(resource + 1, nick) &&
        message->origin_id != NULL) {
        /* Our own message reflected: the row we stored when sending, keyed by our JID. */
        message->outgoing = TRUE;
        g_free(message->from_bare);
        message->from_bare = g_strdup(account->own_bare);
        g_free(message->to);
        g_free(message->to_bare);
        message->to = g_strdup(message->from);
        message->to_bare = g_strndup(message->from, resource - message->from);
    }
    return FALSE;
}

void
lv_xmpp_muc_decorate_message(LvXmppAccount *account, xmpp_stanza_t *stanza, const char *to,
                             const char *type)
{
    g_autoptr(LvJid) jid = lv_jid_parse(to, NULL);
    g_autofree char *bare = jid != NULL ? lv_jid_dup_bare(jid) : NULL;

    if (g_strcmp0(type, "groupchat") != 0 && lv_jid_get_resource(jid) != NULL &&
        lv_xmpp_muc_find_room(account, bare) != NULL)
        lv_xmpp_add_child(stanza, "x", LV_NS_MUC_USER); /* a private message (§7.5) */
}

/* ---- sessions ---- */

void
lv_xmpp_muc_session_started(LvXmppAccount *account)
{
    GHashTableIter iter;
    gpointer value = NULL;

    g_hash_table_iter_init(&iter, lv_xmpp_muc_state(account)->rooms);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        Room *room = value;
        g_info("%s: joining %s again (new session)", account->profile, room->jid);
        lv_xmpp_muc_rejoin(account, room);
    }
}

void
lv_xmpp_muc_session_resumed(LvXmppAccount *account)
{
    GHashTableIter iter;
    gpointer value = NULL;

    if (account->muc == NULL)
        return;
    g_hash_table_iter_init(&iter, lv_xmpp_muc_state(account)->rooms);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        Room *room = value;
        if (room->state == ROOM_JOINED)
            arm_self_ping(account);
        else if (room->rejoin_due) /* its time came while the stream was away */
            lv_xmpp_muc_rejoin(account, room);
    }
}

void
lv_xmpp_muc_session_ended(LvXmppAccount *account, gboolean resumable)
{
    GHashTableIter iter;
    gpointer value = NULL;

    if (account->muc == NULL)
        return;
    disarm_self_ping(account);
    g_hash_table_iter_init(&iter, lv_xmpp_muc_state(account)->rooms);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        Room *room = value;
        if (room->request_id != NULL) {
            lv_xmpp_account_post(account, LV_XMPP_EVENT_REPLY, room->request_id, NULL,
                                 g_error_new(LV_ERROR, LV_ERROR_NETWORK,
                                             "the connection ended before %s was joined",
                                             room->jid));
            g_clear_pointer(&room->request_id, g_free);
            g_hash_table_iter_remove(&iter);
            continue;
        }
        room->pinging = FALSE;
        if (account->leaving)
            g_hash_table_iter_remove(&iter);
    }
    (void)resumable;
}

void
lv_xmpp_muc_finalize(LvXmppAccount *account)
{
    MucState *state = account->muc;

    if (state == NULL)
        return;
    disarm_self_ping(account);
    g_hash_table_unref(state->rooms);
    g_free(state);
    account->muc = NULL;
}

guint
lv_xmpp_muc_count_occupants(LvXmppAccount *account, const char *room_bare)
{
    MucState *state = account->muc;
    Room *room = state != NULL ? g_hash_table_lookup(state->rooms, room_bare) : NULL;

    return room != NULL && room->state == ROOM_JOINED && room->occupants != NULL
                   ? g_hash_table_size(room->occupants)
                   : 0;
}
