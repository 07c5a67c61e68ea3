/* lv-session-methods: sessionInfosGet, what Libervia 0.9 tells about a running
 * session: the full JID it is bound to and when it started (Unix time, whole
 * seconds, as text). */
#include "lv-connections.h"
#include "lv-profiles.h"
#include "lv-xmpp-account.h"

static void
method_session_infos_get(LvBackend *backend, LvInvocation *invocation)
{
    const char *key = NULL;
    GError *error = NULL;
    GVariantBuilder infos;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s)", &key);
    g_autoptr(LvStoredProfile) profile =
            lv_profiles_resolve(lv_backend_get_profiles(backend), key, &error);
    LvXmppAccount *account =
            profile != NULL ? lv_connections_get_account(lv_backend_get_connections(backend),
                                                         profile->name, &error)
                            : NULL;
    if (account == NULL) {
        lv_invocation_return_error(invocation, error);
        return;
    }
    g_autofree char *started = g_strdup_printf(
            "%" G_GINT64_FORMAT, lv_xmpp_account_get_connected_time(account) / G_USEC_PER_SEC);
    g_variant_builder_init(&infos, G_VARIANT_TYPE("a{ss}"));
    g_variant_builder_add(&infos, "{ss}", "jid", lv_xmpp_account_get_jid(account));
    g_variant_builder_add(&infos, "{ss}", "started", started);
    lv_invocation_return_value(invocation, g_variant_new("(a{ss})", &infos));
}

static const LvMethod session_methods[] = {
    { "sessionInfosGet", method_session_infos_get },
    { NULL, NULL },
};

const LvMethod *
lv_session_methods(void)
{
    return session_methods;
}
