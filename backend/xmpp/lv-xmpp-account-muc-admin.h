/* lv-xmpp-account-muc-admin: room administration and invitations in the account's
 * thread (lv-xmpp-account-muc-admin.c): what the plugins XEP-0045 (administration)
 * and XEP-0249 ask from the main context, and the invitations we receive, which
 * become the bridge signals mucInvitation and mucInvitationDeclined. */
#pragma once

#include "lv-xmpp-account.h"

G_BEGIN_DECLS

typedef enum {
    LV_XMPP_MUC_ADMIN_ROLE,          /* target: nick, value: role */
    LV_XMPP_MUC_ADMIN_AFFILIATION,   /* target: JID, value: affiliation */
    LV_XMPP_MUC_ADMIN_LIST,          /* value: affiliation; answers (a{ss}) */
    LV_XMPP_MUC_ADMIN_CONFIG_GET,    /* answers (s): the form in JSON */
    LV_XMPP_MUC_ADMIN_CONFIG_SET,    /* value: the changes in JSON; gets, checks, submits */
    LV_XMPP_MUC_ADMIN_CONFIG_CANCEL, /* e.g. to give up a new room */
    LV_XMPP_MUC_ADMIN_DESTROY,       /* target: alternate room or "" */
} LvXmppMucAdminOp;

/* Runs @op on @room; the answer is an LV_XMPP_EVENT_REPLY for @request_id: () unless
 * said otherwise, or the error: the room's refusal as PermissionError (forbidden,
 * not-allowed, not-authorized), ConflictError (conflict), DataError (bad-request,
 * not-acceptable, jid-malformed), NotFound (item-not-found…), else
 * ExternalRequestError; the message names the condition. Strings are copied. */
void lv_xmpp_account_muc_admin(LvXmppAccount *account, const char *request_id, LvXmppMucAdminOp op,
                               const char *room, const char *target, const char *value,
                               const char *reason);

/* Invites @guest to @room: directly (XEP-0249, with @password if any) or, @mediated,
 * through the room (XEP-0045). Answers () once sent. */
void lv_xmpp_account_muc_invite(LvXmppAccount *account, const char *request_id, const char *guest,
                                const char *room, const char *password, const char *reason,
                                gboolean mediated);

/* In the thread, from lv-xmpp-session.c: received invitations are watched. */
void lv_xmpp_muc_admin_session_started(LvXmppAccount *account);

G_END_DECLS
