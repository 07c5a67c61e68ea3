/* lv-xmpp-session: what each module of an account does when a session starts and
 * ends, in one place and in order. Runs in the account's thread. */
#include "lv-xmpp-account-muc-admin.h"
#include "lv-xmpp-account-private.h"
#include "lv-xmpp-iq.h"

void
lv_xmpp_session_started(LvXmppAccount *account)
{
    lv_xmpp_iq_session_started(account); /* first: the modules register their requests */
    lv_xmpp_disco_session_started(account);
    lv_xmpp_info_session_started(account);
    lv_xmpp_roster_session_started(account);
    lv_xmpp_messages_session_started(account);
    lv_xmpp_bookmarks_session_started(account);
    /* Its blocklist get goes out before the presence and the MAM query (both wait for an
     * answer sent above), so the server answers it before any offline or archived
     * message arrives. */
    lv_xmpp_blocking_session_started(account);
    lv_xmpp_muc_admin_session_started(account);
    lv_xmpp_identity_session_started(account);
    lv_xmpp_muc_session_started(account);
}

/* The server kept our session: what lives on the connection is set again, and what
 * the session start asked and the lost stream left unanswered is asked again (the
 * answers the server sends again carry ids nobody waits for any more). */
void
lv_xmpp_session_resumed(LvXmppAccount *account)
{
    lv_xmpp_iq_session_started(account);
    lv_xmpp_disco_session_started(account);
    lv_xmpp_info_session_started(account);
    lv_xmpp_roster_session_resumed(account);
    lv_xmpp_messages_session_resumed(account);
    lv_xmpp_bookmarks_session_resumed(account);
    lv_xmpp_blocking_session_started(account); /* its push route lives on the connection */
    lv_xmpp_muc_admin_session_started(account);
    lv_xmpp_identity_session_started(account);
    lv_xmpp_muc_session_resumed(account);
}

void
lv_xmpp_session_ended(LvXmppAccount *account, gboolean resumable)
{
    lv_xmpp_messages_session_ended(account, resumable);
    lv_xmpp_bookmarks_session_ended(account, resumable);
    lv_xmpp_blocking_session_ended(account, resumable);
    lv_xmpp_muc_session_ended(account, resumable);
    lv_xmpp_disco_session_ended(account);
    lv_xmpp_identity_session_ended(account);
    lv_xmpp_iq_session_ended(account);
    lv_xmpp_chat_states_session_ended(account);
}
