/* lv-xep-0092-version: software version. getSoftwareVersion on the bridge asks an
 * entity; what we answer ourselves (backend/xmpp/lv-xmpp-account-info.c) tells the
 * operating system only if libervia.conf says so (software_version_os). */
#include <sys/utsname.h>

#include "lv-plugins.h"
#include "lv-xmpp-info.h"

static void
method_get_software_version(LvBackend *backend, LvInvocation *invocation)
{
    const char *jid = NULL, *key = NULL;
    g_autofree char *request_id = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s)", &jid, &key);
    LvXmppAccount *account = lv_plugins_park_request(backend, invocation, key, jid, &request_id);
    if (account != NULL)
        lv_xmpp_account_software_version(account, request_id, jid);
}

static const LvMethod methods[] = {
    { "getSoftwareVersion", method_get_software_version },
    { NULL, NULL },
};

const LvMethod *
lv_xep_0092_methods(void)
{
    return methods;
}

void
lv_xep_0092_start(LvBackend *backend)
{
    g_autoptr(GError) error = NULL;
    gboolean share = lv_config_get_bool(lv_backend_get_config(backend), "DEFAULT",
                                        "software_version_os", FALSE, &error);
    struct utsname names;

    if (error != NULL)
        g_warning("%s", error->message);
    if (!share) {
        lv_xmpp_info_set_os(NULL);
        return;
    }
    g_autofree char *pretty = g_get_os_info(G_OS_INFO_KEY_PRETTY_NAME);
    if (pretty == NULL && uname(&names) == 0)
        pretty = g_strdup(names.sysname);
    lv_xmpp_info_set_os(pretty);
}
