/* lv-xmpp-account-muc-invite: invitations to rooms in the account's thread: sent
 * (direct or mediated) for the bridge's inviteMUC, and received ones, checked by
 * lv-xmpp-muc-invite.c, turned into the signals mucInvitation and
 * mucInvitationDeclined. The password of an invitation is the room's, which the
 * user needs to join: it goes to the signal, never to the log. */
#include <string.h>

#include <json-glib/json-glib.h>

#include "lv-error.h"
#include "lv-jid.h"
#include "lv-xmpp-account-muc-admin.h"
#include "lv-xmpp-account-private.h"
#include "lv-xmpp-muc-admin.h"
#include "lv-xmpp-muc-invite.h"

typedef struct {
    LvXmppAccount *account;
    char *request_id;
    char *guest;
    char *room;
    char *password;
    char *reason;
    gboolean mediated;
} InviteAsk;

static void
invite_ask_free(gpointer data)
{
    InviteAsk *ask = data;

    lv_xmpp_account_unref(ask->account);
    g_free(ask->request_id);
    g_free(ask->guest);
    g_free(ask->room);
    g_free(ask->password);
    g_free(ask->reason);
    g_free(ask);
}

/* @text parsed and written back as a JID (bare with @bare), or NULL (transfer full). */
static char *
jid_text(const char *text, gboolean bare)
{
    g_autoptr(LvJid) jid = lv_jid_parse(text, NULL);

    if (jid == NULL || (bare && lv_jid_get_resource(jid) != NULL))
        return NULL;
    return lv_jid_dup_string(jid);
}

static GError *
check_invite(InviteAsk *ask, char **guest, char **room)
{
    *guest = jid_text(ask->guest, FALSE);
    *room = jid_text(ask->room, TRUE);
    if (*guest == NULL)
        return g_error_new(LV_ERROR, LV_ERROR_DATA, "the guest '%s' is not a JID", ask->guest);
    if (*room == NULL || strchr(*room, '@') == NULL)
        return g_error_new(LV_ERROR, LV_ERROR_DATA, "'%s' is not a room's bare JID", ask->room);
    if (!lv_xmpp_account_in_session(ask->account))
        return g_error_new(LV_ERROR, LV_ERROR_PROFILE_NOT_CONNECTED, "%s is not connected",
                           ask->account->profile);
    return NULL;
}

static gboolean
do_invite(gpointer data)
{
    InviteAsk *ask = data;
    g_autofree char *guest = NULL, *room = NULL;
    GError *error = check_invite(ask, &guest, &room);

    if (error != NULL) {
        lv_xmpp_account_post(ask->account, LV_XMPP_EVENT_REPLY, ask->request_id, NULL, error);
        return G_SOURCE_REMOVE;
    }
    g_autofree char *id = g_uuid_string_random();
    xmpp_ctx_t *ctx = ask->account->xctx;
    xmpp_stanza_t *message =
            ask->mediated ? lv_xmpp_muc_invite_new_mediated(ctx, id, guest, room, ask->reason)
                          : lv_xmpp_muc_invite_new_direct(ctx, id, guest, room, ask->password,
                                                          ask->reason);
    xmpp_send(ask->account->conn, message);
    xmpp_stanza_release(message);
    lv_xmpp_account_drain(ask->account);
    g_info("%s: invited %s to %s (%s)", ask->account->profile, guest, room,
           ask->mediated ? "through the room" : "directly");
    lv_xmpp_account_post(ask->account, LV_XMPP_EVENT_REPLY, ask->request_id, g_variant_new("()"),
                         NULL);
    return G_SOURCE_REMOVE;
}

void
lv_xmpp_account_muc_invite(LvXmppAccount *account, const char *request_id, const char *guest,
                           const char *room, const char *password, const char *reason,
                           gboolean mediated)
{
    InviteAsk *ask = g_new0(InviteAsk, 1);

    ask->account = lv_xmpp_account_ref(account);
    ask->request_id = g_strdup(request_id);
    ask->guest = g_strdup(guest);
    ask->room = g_strdup(room);
    ask->password = g_strdup(password != NULL ? password : "");
    ask->reason = g_strdup(reason != NULL ? reason : "");
    ask->mediated = mediated;
    lv_xmpp_account_invoke(account, do_invite, ask, invite_ask_free);
}

/* ---- received ---- */

static char *
extra_of(const LvXmppMucInvitation *invitation)
{
    g_autoptr(JsonBuilder) builder = json_builder_new();

    json_builder_begin_object(builder);
    json_builder_set_member_name(builder, "mediated");
    json_builder_add_boolean_value(builder, invitation->kind != LV_XMPP_MUC_INVITE_DIRECT);
    if (invitation->thread[0] != '\0') {
        json_builder_set_member_name(builder, "thread");
        json_builder_add_string_value(builder, invitation->thread);
    }
    json_builder_end_object(builder);
    g_autoptr(JsonNode) root = json_builder_get_root(builder);
    return json_to_string(root, FALSE);
}

static void
post_invitation(LvXmppAccount *account, const LvXmppMucInvitation *invitation)
{
    if (invitation->kind == LV_XMPP_MUC_INVITE_DECLINE) {
        g_info("%s: %s declined the invitation to %s", account->profile, invitation->from,
               invitation->room);
        lv_xmpp_account_post(
                account, LV_XMPP_EVENT_SIGNAL, "mucInvitationDeclined",
                g_variant_new("(sss)", invitation->room, invitation->from, invitation->reason),
                NULL);
        return;
    }
    g_autofree char *extra = extra_of(invitation);
    g_info("%s: %s invites us to %s", account->profile, invitation->from, invitation->room);
    lv_xmpp_account_post(account, LV_XMPP_EVENT_SIGNAL, "mucInvitation",
                         g_variant_new("(sssss)", invitation->room, invitation->from,
                                       invitation->reason, invitation->password, extra),
                         NULL);
}

static int
on_message(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
    LvXmppAccount *account = userdata;
    g_autoptr(GError) error = NULL;
    g_autoptr(LvXmppMucInvitation) invitation = lv_xmpp_muc_invite_parse(stanza, &error);

    if (error != NULL) {
        const char *from = xmpp_stanza_get_from(stanza);
        g_message("%s: from %s: %s", account->profile, from != NULL ? from : "our server",
                  error->message);
    } else if (invitation != NULL) {
        post_invitation(account, invitation);
    }
    return 1; /* keep watching */
}

void
lv_xmpp_muc_admin_session_started(LvXmppAccount *account)
{
    /* One handler for both kinds: a message carrying both is one invitation. */
    xmpp_handler_add(account->conn, on_message, NULL, "message", NULL, account);
}
