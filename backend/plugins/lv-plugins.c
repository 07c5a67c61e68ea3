/* lv-plugins: the table of built-in plugins (see the header). */
#include "lv-plugins.h"

#include "lv-connections.h"
#include "lv-jid.h"
#include "lv-profiles.h"
#include "lv-progress.h"

static const LvPlugin plugins[] = {
    { "XEP-0030", lv_xep_0030_methods, NULL, NULL },              /* service discovery */
    { "XEP-0092", lv_xep_0092_methods, lv_xep_0092_start, NULL }, /* software version */
    { "XEP-0115", NULL, lv_xep_0115_start, lv_xep_0115_stop },    /* entity capabilities */
    { "XEP-0199", lv_xep_0199_methods, NULL, NULL },              /* ping */
    { "XEP-0048", lv_xep_0048_methods, lv_xep_0048_start, lv_xep_0048_stop }, /* bookmarks */
    { "XEP-0191", lv_xep_0191_methods, NULL, NULL },                          /* blocking command */
    { "XEP-0045 admin", lv_xep_0045_admin_methods, NULL, NULL }, /* room administration */
    { "XEP-0249", lv_xep_0249_methods, NULL, NULL },             /* room invitations */
    { "PROGRESS", lv_progress_methods, NULL, lv_progress_stop }, /* transfers in progress */
    { "XEP-0363", lv_xep_0363_methods, NULL, NULL },             /* HTTP file upload */
    { "DOWNLOAD", lv_misc_download_methods, NULL, NULL },        /* file download */
    { "IDENTITY", lv_identity_methods, lv_identity_start, lv_identity_stop }, /* avatars, nicks */
    { "XEP-0045", lv_xep_0045_methods, lv_xep_0045_start, NULL },             /* multi-user chat */
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
