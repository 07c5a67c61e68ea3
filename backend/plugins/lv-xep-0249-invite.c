/* lv-xep-0249-invite: invitations to rooms on the bridge (plugin interface):
 * inviteMUC as in Libervia 0.9 (options: reason, password, and ours: mediated =
 * "true" sends the XEP-0045 invitation through the room instead of the direct
 * one). Received invitations come as the signals mucInvitation and
 * mucInvitationDeclined (ours: Libervia 0.9 asks the user through a dialog), from
 * backend/xmpp/lv-xmpp-account-muc-invite.c. */
#include "lv-plugins.h"
#include "lv-xmpp-account-muc-admin.h"

static gboolean
option_true(GVariant *options, const char *key)
{
    const char *value = NULL;

    return g_variant_lookup(options, key, "&s", &value) &&
           (g_ascii_strcasecmp(value, "true") == 0 || g_str_equal(value, "1"));
}

static const char *
option(GVariant *options, const char *key)
{
    const char *value = NULL;

    return g_variant_lookup(options, key, "&s", &value) ? value : "";
}

static void
method_invite(LvBackend *backend, LvInvocation *invocation)
{
    const char *guest = NULL, *room = NULL, *key = NULL;
    g_autoptr(GVariant) options = NULL;
    g_autofree char *request_id = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s@a{ss}&s)", &guest, &room,
                  &options, &key);
    LvXmppAccount *account = lv_plugins_park_request(backend, invocation, key, guest, &request_id);
    if (account != NULL)
        lv_xmpp_account_muc_invite(account, request_id, guest, room, option(options, "password"),
                                   option(options, "reason"), option_true(options, "mediated"));
}

static const LvMethod methods[] = {
    { "inviteMUC", method_invite },
    { NULL, NULL },
};

const LvMethod *
lv_xep_0249_methods(void)
{
    return methods;
}
