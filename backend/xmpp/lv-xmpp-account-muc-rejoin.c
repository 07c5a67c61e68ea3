/* lv-xmpp-account-muc-rejoin: joining again the rooms the user did not leave: in a
 * new session; a little later when a room lost us by error (333) or its service
 * shuts down (332); and again, with a growing delay, when a join nobody waits for
 * (a rejoin, an autojoin) is refused for a passing reason (after a server restart
 * its MUC service can come up after the client port; a room can be full). In the
 * account's thread. */
#include "lv-xmpp-account-muc-private.h"
#include "lv-xmpp-muc.h"

#define REJOIN_FIRST_S 2
#define REJOIN_MAX_S 300
/* With the delays above, about three quarters of an hour of trying. */
#define REJOIN_TRIES 14

typedef struct {
    LvXmppAccount *account; /* not a reference: the timer goes with the room, the
                             * room with the account */
    char *room;
} Retry;

static void
retry_free(gpointer data)
{
    Retry *retry = data;

    g_free(retry->room);
    g_free(retry);
}

void
lv_xmpp_muc_rejoin_cancel(Room *room)
{
    if (room->rejoin_timer == NULL)
        return;
    g_source_destroy(room->rejoin_timer);
    g_clear_pointer(&room->rejoin_timer, g_source_unref);
}

/* Out of the room as we see it, until the join to come answers. */
static void
set_out(Room *room)
{
    room->state = ROOM_JOINING;
    g_hash_table_remove_all(room->occupants);
}

void
lv_xmpp_muc_rejoin(LvXmppAccount *account, Room *room)
{
    lv_xmpp_muc_rejoin_cancel(room);
    room->rejoin_due = FALSE;
    room->retries = 0;
    set_out(room);
    lv_xmpp_muc_send_join(account, room);
}

static gboolean
on_rejoin_timer(gpointer data)
{
    Retry *retry = data;
    Room *room = lv_xmpp_muc_find_room(retry->account, retry->room);

    if (room == NULL)
        return G_SOURCE_REMOVE;
    g_clear_pointer(&room->rejoin_timer, g_source_unref); /* destroyed as we return */
    /* Out of session: a new session joins it anyway, a resumed one at once. */
    if (!lv_xmpp_account_in_session(retry->account)) {
        room->rejoin_due = TRUE;
        return G_SOURCE_REMOVE;
    }
    g_info("%s: trying %s again (attempt %u)", retry->account->profile, room->jid,
           room->rejoin_tries + 1);
    lv_xmpp_muc_rejoin(retry->account, room);
    lv_xmpp_account_drain(retry->account); /* not from a handler: written now */
    return G_SOURCE_REMOVE;
}

static void
schedule(LvXmppAccount *account, Room *room, guint delay)
{
    Retry *retry = g_new0(Retry, 1);

    retry->account = account;
    retry->room = g_strdup(room->jid);
    room->rejoin_tries++;
    lv_xmpp_muc_rejoin_cancel(room);
    room->rejoin_timer = g_timeout_source_new_seconds(delay);
    g_source_set_callback(room->rejoin_timer, on_rejoin_timer, retry, retry_free);
    g_source_attach(room->rejoin_timer, account->context);
}

static guint
next_delay(Room *room)
{
    return MIN((guint)REJOIN_FIRST_S << MIN(room->rejoin_tries, 8), (guint)REJOIN_MAX_S);
}

gboolean
lv_xmpp_muc_rejoin_later(LvXmppAccount *account, Room *room, const char *condition)
{
    if (room->request_id != NULL || !lv_xmpp_muc_error_is_passing(condition) ||
        room->rejoin_tries >= REJOIN_TRIES)
        return FALSE;
    guint delay = next_delay(room);

    g_message("%s: %s refused us for now (%s): trying again in %u s", account->profile, room->jid,
              condition, delay);
    schedule(account, room, delay);
    return TRUE;
}

void
lv_xmpp_muc_rejoin_soon(LvXmppAccount *account, Room *room)
{
    guint delay = next_delay(room);

    set_out(room);
    g_message("%s: joining %s again in %u s", account->profile, room->jid, delay);
    schedule(account, room, delay);
}
