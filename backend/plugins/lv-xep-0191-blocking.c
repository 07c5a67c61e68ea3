/* lv-xep-0191-blocking: the blocking command on the bridge, with Libervia 0.9's
 * methods: blockingList, blockingBlock, blockingUnblock (an empty list unblocks
 * everything, as XEP-0191 §3.5 and Libervia's CLI "all" do). The account's thread
 * keeps the blocklist (backend/xmpp/lv-xmpp-account-blocking.c). */
#include "lv-jid.h"
#include "lv-plugins.h"
#include "lv-xmpp-blocking.h"

static void
method_blocking_list(LvBackend *backend, LvInvocation *invocation)
{
    const char *key = NULL;
    g_autofree char *request_id = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s)", &key);
    LvXmppAccount *account = lv_plugins_park_request(backend, invocation, key, NULL, &request_id);
    if (account != NULL)
        lv_xmpp_account_blocking_list(account, request_id);
}

/* The normalised JIDs of @entities, or NULL after answering the error (transfer
 * full). */
static char **
checked_jids(LvInvocation *invocation, const char *const *entities)
{
    g_autoptr(GPtrArray) jids = g_ptr_array_new_with_free_func(g_free);

    for (const char *const *e = entities; *e != NULL; e++) {
        GError *error = NULL;
        g_autoptr(LvJid) jid = lv_jid_parse(*e, &error);
        if (jid == NULL) {
            g_prefix_error(&error, "cannot block or unblock %s: ", *e);
            lv_invocation_return_error(invocation, error);
            return NULL;
        }
        g_ptr_array_add(jids, lv_jid_dup_string(jid));
    }
    g_ptr_array_add(jids, NULL);
    return (char **)g_ptr_array_free(g_steal_pointer(&jids), FALSE);
}

static void
change(LvBackend *backend, LvInvocation *invocation, gboolean block)
{
    g_autofree const char **entities = NULL;
    const char *key = NULL;
    g_autofree char *request_id = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(^a&s&s)", &entities, &key);
    if (block && entities[0] == NULL) {
        lv_invocation_return_new_error(invocation, LV_ERROR_DATA, "no entity to block");
        return;
    }
    g_auto(GStrv) jids = checked_jids(invocation, entities);
    if (jids == NULL)
        return;
    LvXmppAccount *account = lv_plugins_park_request(backend, invocation, key, NULL, &request_id);
    if (account != NULL)
        lv_xmpp_account_blocking_change(account, request_id, block, (const char *const *)jids);
}

static void
method_blocking_block(LvBackend *backend, LvInvocation *invocation)
{
    change(backend, invocation, TRUE);
}

static void
method_blocking_unblock(LvBackend *backend, LvInvocation *invocation)
{
    change(backend, invocation, FALSE);
}

static const LvMethod methods[] = {
    { "blockingList", method_blocking_list },
    { "blockingBlock", method_blocking_block },
    { "blockingUnblock", method_blocking_unblock },
    { NULL, NULL },
};

const LvMethod *
lv_xep_0191_methods(void)
{
    return methods;
}
