/* lv-xep-0199-ping: XMPP ping on the bridge (plugin interface): the round trip to
 * an entity in seconds. We answer pings in backend/xmpp/lv-xmpp-account-info.c. */
#include "lv-plugins.h"
#include "lv-xmpp-info.h"

static void
method_ping(LvBackend *backend, LvInvocation *invocation)
{
    const char *jid = NULL, *key = NULL;
    g_autofree char *request_id = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s)", &jid, &key);
    LvXmppAccount *account = lv_plugins_park_request(backend, invocation, key, jid, &request_id);
    if (account != NULL)
        lv_xmpp_account_ping(account, request_id, jid);
}

static const LvMethod methods[] = {
    { "ping", method_ping },
    { NULL, NULL },
};

const LvMethod *
lv_xep_0199_methods(void)
{
    return methods;
}
