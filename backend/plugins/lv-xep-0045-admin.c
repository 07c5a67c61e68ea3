/* lv-xep-0045-admin: the administration of group chat rooms on the bridge (plugin
 * interface): roles, affiliations and their lists, the owner's configuration form,
 * the destruction of a room. Libervia 0.9 offers these only as text commands
 * (/kick, /ban, /affiliate) and, for the form, mucConfigureRoom's XMLUI: the methods
 * here are our extensions, named in its style. The work is done in the account's
 * thread (backend/xmpp/lv-xmpp-account-muc-admin.c). */
#include "lv-plugins.h"
#include "lv-xmpp-account-muc-admin.h"

/* Parks @invocation and asks the account's thread for @op on @room. */
static void
ask(LvBackend *backend, LvInvocation *invocation, const char *profile_key, LvXmppMucAdminOp op,
    const char *room, const char *target, const char *value, const char *reason)
{
    g_autofree char *request_id = NULL;
    LvXmppAccount *account =
            lv_plugins_park_request(backend, invocation, profile_key, room, &request_id);

    if (account != NULL)
        lv_xmpp_account_muc_admin(account, request_id, op, room, target, value, reason);
}

static void
method_kick(LvBackend *backend, LvInvocation *invocation)
{
    const char *room = NULL, *nick = NULL, *reason = NULL, *key = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s&s&s)", &room, &nick, &reason,
                  &key);
    ask(backend, invocation, key, LV_XMPP_MUC_ADMIN_ROLE, room, nick, "none", reason);
}

static void
method_ban(LvBackend *backend, LvInvocation *invocation)
{
    const char *room = NULL, *jid = NULL, *reason = NULL, *key = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s&s&s)", &room, &jid, &reason,
                  &key);
    ask(backend, invocation, key, LV_XMPP_MUC_ADMIN_AFFILIATION, room, jid, "outcast", reason);
}

static void
method_affiliation_set(LvBackend *backend, LvInvocation *invocation)
{
    const char *room = NULL, *jid = NULL, *affiliation = NULL, *reason = NULL, *key = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s&s&s&s)", &room, &jid,
                  &affiliation, &reason, &key);
    ask(backend, invocation, key, LV_XMPP_MUC_ADMIN_AFFILIATION, room, jid, affiliation, reason);
}

static void
method_role_set(LvBackend *backend, LvInvocation *invocation)
{
    const char *room = NULL, *nick = NULL, *role = NULL, *reason = NULL, *key = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s&s&s&s)", &room, &nick, &role,
                  &reason, &key);
    ask(backend, invocation, key, LV_XMPP_MUC_ADMIN_ROLE, room, nick, role, reason);
}

static void
method_affiliations_get(LvBackend *backend, LvInvocation *invocation)
{
    const char *room = NULL, *affiliation = NULL, *key = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s&s)", &room, &affiliation, &key);
    ask(backend, invocation, key, LV_XMPP_MUC_ADMIN_LIST, room, NULL, affiliation, NULL);
}

static void
method_configuration_get(LvBackend *backend, LvInvocation *invocation)
{
    const char *room = NULL, *key = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s)", &room, &key);
    ask(backend, invocation, key, LV_XMPP_MUC_ADMIN_CONFIG_GET, room, NULL, NULL, NULL);
}

static void
method_configuration_set(LvBackend *backend, LvInvocation *invocation)
{
    const char *room = NULL, *fields = NULL, *key = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s&s)", &room, &fields, &key);
    ask(backend, invocation, key, LV_XMPP_MUC_ADMIN_CONFIG_SET, room, NULL, fields, NULL);
}

static void
method_configuration_cancel(LvBackend *backend, LvInvocation *invocation)
{
    const char *room = NULL, *key = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s)", &room, &key);
    ask(backend, invocation, key, LV_XMPP_MUC_ADMIN_CONFIG_CANCEL, room, NULL, NULL, NULL);
}

static void
method_destroy(LvBackend *backend, LvInvocation *invocation)
{
    const char *room = NULL, *reason = NULL, *alternate = NULL, *key = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s&s&s)", &room, &reason,
                  &alternate, &key);
    ask(backend, invocation, key, LV_XMPP_MUC_ADMIN_DESTROY, room, alternate, NULL, reason);
}

static const LvMethod methods[] = {
    { "mucKick", method_kick },
    { "mucBan", method_ban },
    { "mucAffiliationSet", method_affiliation_set },
    { "mucRoleSet", method_role_set },
    { "mucAffiliationsGet", method_affiliations_get },
    { "mucConfigurationGet", method_configuration_get },
    { "mucConfigurationSet", method_configuration_set },
    { "mucConfigurationCancel", method_configuration_cancel },
    { "mucDestroy", method_destroy },
    { NULL, NULL },
};

const LvMethod *
lv_xep_0045_admin_methods(void)
{
    return methods;
}
