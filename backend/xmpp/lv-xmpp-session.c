/* lv-xmpp-session: what each module of an account does when a session starts and
 * ends, in one place and in order. Runs in the account's thread. */
#include "lv-xmpp-account-private.h"

void
lv_xmpp_session_started(LvXmppAccount *account)
{
    lv_xmpp_roster_session_started(account);
    lv_xmpp_messages_session_started(account);
}

void
lv_xmpp_session_resumed(LvXmppAccount *account)
{
    lv_xmpp_roster_add_handlers(account);
    lv_xmpp_messages_session_resumed(account);
}

void
lv_xmpp_session_ended(LvXmppAccount *account, gboolean resumable)
{
    lv_xmpp_messages_session_ended(account, resumable);
}
