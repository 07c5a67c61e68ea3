/* lv-xmpp-muc-invite: direct and mediated invitations, built and checked. */
#include "lv-xmpp-muc-invite.h"

#include <string.h>

#include "lv-error.h"
#include "lv-jid.h"
#include "lv-xmpp-account-private.h"
#include "lv-xmpp-muc-admin.h"

void
lv_xmpp_muc_invitation_free(LvXmppMucInvitation *invitation)
{
    if (invitation == NULL)
        return;
    g_free(invitation->room);
    g_free(invitation->from);
    g_free(invitation->reason);
    if (invitation->password != NULL)
        memset(invitation->password, 0, strlen(invitation->password));
    g_free(invitation->password);
    g_free(invitation->thread);
    g_free(invitation);
}

/* @text as a room's bare JID (local part, no resource), or NULL (transfer full). */
static char *
room_jid(const char *text)
{
    g_autoptr(LvJid) jid = text != NULL ? lv_jid_parse(text, NULL) : NULL;

    if (jid == NULL || lv_jid_get_local(jid) == NULL || lv_jid_get_resource(jid) != NULL)
        return NULL;
    return lv_jid_dup_string(jid);
}

static char *
child_text(xmpp_stanza_t *parent, const char *name)
{
    xmpp_stanza_t *child = parent != NULL ? xmpp_stanza_get_child_by_name(parent, name) : NULL;
    char *text = child != NULL ? xmpp_stanza_get_text(child) : NULL;
    char *copy = g_strdup(text != NULL ? text : "");

    if (text != NULL)
        xmpp_free(xmpp_stanza_get_context(child), text);
    return copy;
}

static char *
attribute(xmpp_stanza_t *element, const char *name)
{
    const char *value = xmpp_stanza_get_attribute(element, name);

    return g_strdup(value != NULL ? value : "");
}

static gboolean
is_jid(const char *text)
{
    g_autoptr(LvJid) jid = text != NULL ? lv_jid_parse(text, NULL) : NULL;

    return jid != NULL;
}

static LvXmppMucInvitation *
refuse(GError **error, const char *what)
{
    g_set_error(error, LV_ERROR, LV_ERROR_PARSING, "an invitation was refused: %s", what);
    return NULL;
}

static LvXmppMucInvitation *
parse_direct(xmpp_stanza_t *message, xmpp_stanza_t *x, GError **error)
{
    g_autofree char *room = room_jid(xmpp_stanza_get_attribute(x, "jid"));
    const char *from = xmpp_stanza_get_from(message);

    if (room == NULL)
        return refuse(error, "its room is not a room's JID");
    if (!is_jid(from))
        return refuse(error, "its sender is not a JID");
    LvXmppMucInvitation *invitation = g_new0(LvXmppMucInvitation, 1);
    invitation->kind = LV_XMPP_MUC_INVITE_DIRECT;
    invitation->room = g_steal_pointer(&room);
    invitation->from = g_strdup(from); /* XEP-0249: the inviter is the sender */
    invitation->reason = attribute(x, "reason");
    invitation->password = attribute(x, "password");
    invitation->thread = attribute(x, "thread");
    return invitation;
}

static LvXmppMucInvitation *
parse_mediated(xmpp_stanza_t *message, xmpp_stanza_t *x, GError **error)
{
    xmpp_stanza_t *invite = xmpp_stanza_get_child_by_name(x, "invite");
    xmpp_stanza_t *decline = xmpp_stanza_get_child_by_name(x, "decline");
    xmpp_stanza_t *element = invite != NULL ? invite : decline;

    g_autofree char *room = room_jid(xmpp_stanza_get_from(message));
    if (room == NULL)
        return refuse(error, "a mediated invitation must come from the room's bare JID");
    const char *from = xmpp_stanza_get_attribute(element, "from");
    if (!is_jid(from))
        return refuse(error, "it does not name its sender by a JID");
    LvXmppMucInvitation *invitation = g_new0(LvXmppMucInvitation, 1);
    invitation->kind = invite != NULL ? LV_XMPP_MUC_INVITE_MEDIATED : LV_XMPP_MUC_INVITE_DECLINE;
    invitation->room = g_steal_pointer(&room);
    invitation->from = g_strdup(from);
    invitation->reason = child_text(element, "reason");
    invitation->password = child_text(x, "password");
    invitation->thread = g_strdup("");
    return invitation;
}

/* The <invite/> or <decline/> of a muc#user payload of @message, NULL if none. */
static xmpp_stanza_t *
mediated_payload(xmpp_stanza_t *message)
{
    xmpp_stanza_t *user = xmpp_stanza_get_child_by_ns(message, LV_NS_MUC_USER);

    if (user == NULL || g_strcmp0(xmpp_stanza_get_name(user), "x") != 0)
        return NULL;
    xmpp_stanza_t *invite = xmpp_stanza_get_child_by_name(user, "invite");
    return invite != NULL ? invite : xmpp_stanza_get_child_by_name(user, "decline");
}

LvXmppMucInvitation *
lv_xmpp_muc_invite_parse(xmpp_stanza_t *message, GError **error)
{
    if (g_strcmp0(xmpp_stanza_get_type(message), "error") == 0)
        return NULL; /* a bounce of ours, not an invitation */
    /* First the mediated form: rooms (Prosody among them) add a jabber:x:conference
     * element to it for older clients, which must not make the room the inviter. */
    if (mediated_payload(message) != NULL)
        return parse_mediated(message, xmpp_stanza_get_child_by_ns(message, LV_NS_MUC_USER), error);
    xmpp_stanza_t *direct = xmpp_stanza_get_child_by_ns(message, LV_NS_CONFERENCE);
    if (direct != NULL && g_strcmp0(xmpp_stanza_get_name(direct), "x") == 0)
        return parse_direct(message, direct, error);
    return NULL;
}

xmpp_stanza_t *
lv_xmpp_muc_invite_new_direct(xmpp_ctx_t *ctx, const char *id, const char *guest, const char *room,
                              const char *password, const char *reason)
{
    xmpp_stanza_t *message = xmpp_message_new(ctx, NULL, guest, id);
    xmpp_stanza_t *x = lv_xmpp_add_child(message, "x", LV_NS_CONFERENCE);

    xmpp_stanza_set_attribute(x, "jid", room);
    if (password != NULL && password[0] != '\0')
        xmpp_stanza_set_attribute(x, "password", password);
    if (reason != NULL && reason[0] != '\0')
        xmpp_stanza_set_attribute(x, "reason", reason);
    return message;
}

xmpp_stanza_t *
lv_xmpp_muc_invite_new_mediated(xmpp_ctx_t *ctx, const char *id, const char *guest,
                                const char *room, const char *reason)
{
    xmpp_stanza_t *message = xmpp_message_new(ctx, NULL, room, id);
    xmpp_stanza_t *x = lv_xmpp_add_child(message, "x", LV_NS_MUC_USER);
    xmpp_stanza_t *invite = lv_xmpp_add_child(x, "invite", NULL);

    xmpp_stanza_set_attribute(invite, "to", guest);
    if (reason != NULL && reason[0] != '\0')
        lv_xmpp_add_text(lv_xmpp_add_child(invite, "reason", NULL), reason);
    return message;
}
