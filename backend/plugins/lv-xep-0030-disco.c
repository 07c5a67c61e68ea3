/* lv-xep-0030-disco: service discovery on the bridge (core interface, as in
 * Libervia 0.9): discoInfos, discoItems and discoFindByFeatures. The requests and
 * the caps cache live in the account's thread (backend/xmpp/lv-xmpp-account-disco.c);
 * here the main thread checks the call, chooses the candidates of a feature search
 * from the roster and presences it keeps, and parks the call for the answer. */
#include <string.h>

#include "lv-connections.h"
#include "lv-plugins.h"
#include "lv-profiles.h"
#include "lv-xmpp-account.h"
#include "lv-xmpp-disco.h"

static void
method_disco_infos(LvBackend *backend, LvInvocation *invocation)
{
    const char *jid = NULL, *node = NULL, *key = NULL;
    gboolean use_cache = TRUE;
    g_autofree char *request_id = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&sb&s)", &jid, &node, &use_cache,
                  &key);
    LvXmppAccount *account = lv_plugins_park_request(backend, invocation, key, jid, &request_id);
    if (account != NULL)
        lv_xmpp_account_disco_info(account, request_id, jid, node, use_cache);
}

static void
method_disco_items(LvBackend *backend, LvInvocation *invocation)
{
    const char *jid = NULL, *node = NULL, *key = NULL;
    gboolean use_cache = TRUE;
    g_autofree char *request_id = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&sb&s)", &jid, &node, &use_cache,
                  &key);
    LvXmppAccount *account = lv_plugins_park_request(backend, invocation, key, jid, &request_id);
    if (account != NULL)
        lv_xmpp_account_disco_items(account, request_id, jid, node, use_cache);
}

/* Adds to @out the JIDs to ask for @bare: itself with @bare_jids, else each of its
 * available resources (as Libervia 0.9's findByFeatures). */
static void
add_candidates(GPtrArray *out, GVariant *presences, const char *bare, gboolean bare_jids)
{
    g_autoptr(GVariant) resources = NULL;
    GVariantIter iter;
    const char *resource = NULL;

    if (bare_jids) {
        g_ptr_array_add(out, g_strdup(bare));
        return;
    }
    resources = g_variant_lookup_value(presences, bare, G_VARIANT_TYPE("a{s(sia{ss})}"));
    if (resources == NULL)
        return;
    g_variant_iter_init(&iter, resources);
    while (g_variant_iter_next(&iter, "{&s@(sia{ss})}", &resource, NULL))
        g_ptr_array_add(out, resource[0] != '\0' ? g_strconcat(bare, "/", resource, NULL)
                                                 : g_strdup(bare));
}

/* Drops @own_full (this very session) from @list unless @local_device. */
static void
drop_local(GPtrArray *list, const char *own_full, gboolean local_device)
{
    guint index = 0;

    if (!local_device && g_ptr_array_find_with_equal_func(list, own_full, g_str_equal, &index))
        g_ptr_array_remove_index(list, index);
}

typedef struct {
    gboolean bare_jids, service, roster, own_jid, local_device;
} FindScope;

static void
find_with(LvBackend *backend, LvInvocation *invocation, const char *profile,
          const char *const *namespaces, GVariant *identities, const FindScope *scope)
{
    LvConnections *connections = lv_backend_get_connections(backend);
    GError *error = NULL;
    LvXmppAccount *account = lv_connections_get_account(connections, profile, &error);
    g_autoptr(GPtrArray) own = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) roster = g_ptr_array_new_with_free_func(g_free);

    if (account == NULL) {
        lv_invocation_return_error(invocation, error);
        return;
    }
    const char *own_full = lv_xmpp_account_get_jid(account);
    g_autoptr(GVariant) presences =
            g_variant_ref_sink(lv_connections_get_presences(connections, profile, NULL));
    g_autoptr(GVariant) contacts =
            g_variant_ref_sink(lv_connections_get_contacts(connections, profile, NULL));
    if (scope->own_jid) {
        g_autofree char *own_bare = g_strndup(own_full, strcspn(own_full, "/"));
        add_candidates(own, presences, own_bare, scope->bare_jids);
        /* Our own presence may not be back yet at the start of a session. */
        if (own->len == 0 && !scope->bare_jids)
            g_ptr_array_add(own, g_strdup(own_full));
        drop_local(own, own_full, scope->local_device);
    }
    if (scope->roster) {
        GVariantIter iter;
        const char *jid = NULL;
        g_variant_iter_init(&iter, contacts);
        while (g_variant_iter_next(&iter, "(&s@a{ss}@as)", &jid, NULL, NULL))
            add_candidates(roster, presences, jid, scope->bare_jids);
        drop_local(roster, own_full, scope->local_device);
    }
    g_ptr_array_add(own, NULL);
    g_ptr_array_add(roster, NULL);
    g_autofree char *request_id = lv_connections_add_request(connections, profile, invocation);
    lv_xmpp_account_disco_find(account, request_id, namespaces, identities, scope->service,
                               (const char *const *)own->pdata, (const char *const *)roster->pdata);
}

static void
method_disco_find_by_features(LvBackend *backend, LvInvocation *invocation)
{
    g_autofree const char **namespaces = NULL;
    g_autoptr(GVariant) identities = NULL;
    const char *key = NULL;
    FindScope scope = { 0 };
    GError *error = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(^a&s@a(ss)bbbbb&s)", &namespaces,
                  &identities, &scope.bare_jids, &scope.service, &scope.roster, &scope.own_jid,
                  &scope.local_device, &key);
    if (namespaces[0] == NULL && g_variant_n_children(identities) == 0) {
        lv_invocation_return_new_error(invocation, LV_ERROR_DATA,
                                       "at least one namespace or one identity must be set");
        return;
    }
    g_autoptr(LvStoredProfile) profile =
            lv_profiles_resolve(lv_backend_get_profiles(backend), key, &error);
    if (profile == NULL) {
        lv_invocation_return_error(invocation, error);
        return;
    }
    find_with(backend, invocation, profile->name, namespaces,
              g_variant_n_children(identities) > 0 ? identities : NULL, &scope);
}

static const LvMethod methods[] = {
    { "discoInfos", method_disco_infos },
    { "discoItems", method_disco_items },
    { "discoFindByFeatures", method_disco_find_by_features },
    { NULL, NULL },
};

const LvMethod *
lv_xep_0030_methods(void)
{
    return methods;
}
