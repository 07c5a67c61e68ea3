/* lv-xmpp-muc-invite: invitations to group chat rooms as stanzas, with no account
 * and no I/O: direct ones (XEP-0249, <x xmlns='jabber:x:conference'/> sent to the
 * guest) and mediated ones (XEP-0045 §7.8.2, <invite/> sent through the room, which
 * may answer with a <decline/>), built and parsed.
 *
 * A received invitation is believed only when it holds together: the room is a
 * bare JID with a local part; a direct invitation's inviter is its sender; a
 * mediated invitation or decline comes from the room's bare JID itself and names
 * the inviter (or decliner) by a JID that parses.
 */
#pragma once

#include <glib.h>
#include <strophe.h>

G_BEGIN_DECLS

#define LV_NS_CONFERENCE "jabber:x:conference"

typedef enum {
    LV_XMPP_MUC_INVITE_DIRECT,
    LV_XMPP_MUC_INVITE_MEDIATED,
    LV_XMPP_MUC_INVITE_DECLINE, /* a guest declined our mediated invitation */
} LvXmppMucInviteKind;

typedef struct {
    LvXmppMucInviteKind kind;
    char *room;     /* bare JID */
    char *from;     /* the inviter (the decliner for a decline), as sent */
    char *reason;   /* "" when none */
    char *password; /* "" when none: room data the user needs; never logged */
    char *thread;   /* "" when none (XEP-0249 continuation) */
} LvXmppMucInvitation;

void lv_xmpp_muc_invitation_free(LvXmppMucInvitation *invitation);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LvXmppMucInvitation, lv_xmpp_muc_invitation_free)

/* The invitation in @message (transfer none), or NULL: with @error unset when the
 * message carries none, set (LV_ERROR_PARSING) when it carries one that does not hold
 * together (transfer full). */
LvXmppMucInvitation *lv_xmpp_muc_invite_parse(xmpp_stanza_t *message, GError **error);

/* A message to @guest inviting it to @room (XEP-0249); @password and @reason NULL or
 * "": none (transfer full). @id is the message's id. */
xmpp_stanza_t *lv_xmpp_muc_invite_new_direct(xmpp_ctx_t *ctx, const char *id, const char *guest,
                                             const char *room, const char *password,
                                             const char *reason);

/* A message to @room asking it to invite @guest (XEP-0045 §7.8.2) (transfer full). */
xmpp_stanza_t *lv_xmpp_muc_invite_new_mediated(xmpp_ctx_t *ctx, const char *id, const char *guest,
                                               const char *room, const char *reason);

G_END_DECLS
