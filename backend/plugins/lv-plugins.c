/* lv-plugins: the table of built-in plugins (see the header). */
#include "lv-plugins.h"

#include "lv-connections.h"
#include "lv-jid.h"
#include "lv-profiles.h"

static const LvPlugin plugins[] = {
    { "XEP-0030", lv_xep_0030_methods, NULL, NULL },              /* service discovery */
    { "XEP-0092", lv_xep_0092_methods, lv_xep_0092_start, NULL }, /* software version */
    { "XEP-0115", NULL, lv_xep_0115_start, lv_xep_0115_stop },    /* entity capabilities */
    { "XEP-0199", lv_xep_0199_methods, NULL, NULL },              /* ping */
    { "XEP-0045", lv_xep_0045_methods, lv_xep_0045_start, NULL }, /* multi-user chat */
};

void
lv_plugins_register(LvBackend *backend)
{
    for (gsize i = 0; i < G_N_ELEMENTS(plugins); i++) {
        if (plugins[i].methods != NULL)
            lv_backend_register_methods(backend, plugins[i].methods());
    }
}

void
lv_plugins_start(LvBackend *backend)
{
    for (gsize i = 0; i < G_N_ELEMENTS(plugins); i++) {
        if (plugins[i].start != NULL)
            plugins[i].start(backend);
    }
}

void
lv_plugins_stop(LvBackend *backend)
{
    for (gsize i = G_N_ELEMENTS(plugins); i > 0; i--) {
        if (plugins[i - 1].stop != NULL)
            plugins[i - 1].stop(backend);
    }
}

LvXmppAccount *
lv_plugins_park_request(LvBackend *backend, LvInvocation *invocation, const char *profile_key,
                        const char *jid, char **request_id)
{
    LvConnections *connections = lv_backend_get_connections(backend);
    GError *error = NULL;
    g_autoptr(LvStoredProfile) profile =
            lv_profiles_resolve(lv_backend_get_profiles(backend), profile_key, &error);
    g_autoptr(LvJid) parsed =
            profile != NULL && jid != NULL && jid[0] != '\0' ? lv_jid_parse(jid, &error) : NULL;
    LvXmppAccount *account =
            error == NULL ? lv_connections_get_account(connections, profile->name, &error) : NULL;

    if (account == NULL) {
        lv_invocation_return_error(invocation, error);
        return NULL;
    }
    *request_id = lv_connections_add_request(connections, profile->name, invocation);
    return account;
}
