/* lv-identity: avatars, nicknames and descriptions on the bridge (plugin interface,
 * Libervia 0.9's plugin_misc_identity): avatarGet, avatarSet, identityGet,
 * identitiesGet, identitiesBaseGet, identitySet, and the core's getEntityData with
 * the entityDataUpdated signal.
 *
 * The account threads fetch, check and cache (backend/xmpp/lv-xmpp-account-
 * identity.c); what they learn about an entity comes here, on the main thread, and
 * is kept per profile in the private data of libervia.db (one JSON object per bare
 * JID: avatar, nicknames, description), so that use_cache answers without the
 * network, even after a restart. */
#include <string.h>

#include "lv-connections.h"
#include "lv-jid.h"
#include "lv-plugins.h"
#include "lv-profiles.h"
#include "lv-xmpp-account.h"
#include "lv-xmpp-identity.h"

#define PRIVATE_NAMESPACE "lv-identity"
#define DEFAULT_MAX_SIZE (4 << 20)

typedef struct {
    LvBackend *backend;
} IdentityPlugin;

static IdentityPlugin *plugin; /* main thread */

/* ---- the cache in libervia.db ---- */

static LvStorage *
storage_of(LvBackend *backend)
{
    return lv_profiles_get_storage(lv_backend_get_profiles(backend));
}

/* What is kept about @entity for @profile_id, NULL if nothing (transfer full). */
static JsonObject *
cache_load(LvBackend *backend, gint64 profile_id, const char *entity)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *text = lv_storage_private_get(storage_of(backend), profile_id,
                                                   PRIVATE_NAMESPACE, entity, &error);
    g_autoptr(JsonNode) root = text != NULL ? json_from_string(text, NULL) : NULL;

    if (error != NULL)
        g_warning("identity of %s not read: %s", entity, error->message);
    if (root == NULL || !JSON_NODE_HOLDS_OBJECT(root))
        return NULL;
    return json_object_ref(json_node_get_object(root));
}

static void
cache_save(LvBackend *backend, gint64 profile_id, const char *entity, JsonObject *object)
{
    g_autoptr(JsonNode) root = json_node_init_object(json_node_alloc(), object);
    g_autofree char *text = json_to_string(root, FALSE);
    g_autoptr(GError) error = NULL;

    if (!lv_storage_private_set(storage_of(backend), profile_id, PRIVATE_NAMESPACE, entity, text,
                                &error))
        g_warning("identity of %s not saved: %s", entity, error->message);
}

/* An avatar kept whose file is gone counts as unknown. */
static gboolean
avatar_usable(JsonNode *avatar)
{
    if (avatar == NULL)
        return FALSE;
    if (JSON_NODE_HOLDS_NULL(avatar))
        return TRUE;
    if (!JSON_NODE_HOLDS_OBJECT(avatar))
        return FALSE;
    const char *path =
            json_object_get_string_member_with_default(json_node_get_object(avatar), "path", NULL);
    return path != NULL && g_file_test(path, G_FILE_TEST_IS_REGULAR);
}

static void
on_change(const char *profile, const char *entity, const char *name, const char *json,
          gpointer user_data)
{
    IdentityPlugin *self = user_data;
    g_autoptr(LvStoredProfile) stored =
            lv_profiles_resolve(lv_backend_get_profiles(self->backend), profile, NULL);
    g_autoptr(JsonNode) value = json_from_string(json, NULL);

    if (stored == NULL || value == NULL)
        return;
    g_autoptr(JsonObject) object = cache_load(self->backend, stored->id, entity);
    if (object == NULL)
        object = json_object_new();
    JsonNode *old = json_object_get_member(object, name);
    gboolean changed = old == NULL || !json_node_equal(old, value);
    json_object_set_member(object, name, json_node_copy(value));
    cache_save(self->backend, stored->id, entity, object);
    if (changed && (g_str_equal(name, "avatar") || g_str_equal(name, "nicknames")))
        lv_backend_emit_signal(self->backend, "entityDataUpdated",
                               g_variant_new("(ssss)", entity, name, json, profile));
}

/* ---- helpers ---- */

/* The bare JID meant by @entity ("" : ours, which needs a connection), or NULL after
 * answering @invocation (transfer full). */
static char *
entity_for(LvBackend *backend, LvInvocation *invocation, const char *profile, const char *entity)
{
    GError *error = NULL;

    if (entity == NULL || entity[0] == '\0') {
        LvXmppAccount *account =
                lv_connections_get_account(lv_backend_get_connections(backend), profile, &error);
        entity = account != NULL ? lv_xmpp_account_get_jid(account) : NULL;
        if (entity == NULL) {
            lv_invocation_return_error(invocation, error);
            return NULL;
        }
    }
    g_autoptr(LvJid) jid = lv_jid_parse(entity, &error);
    if (jid == NULL) {
        lv_invocation_return_error(invocation, error);
        return NULL;
    }
    return lv_jid_dup_bare(jid);
}

static char *
node_to_string(JsonNode *node)
{
    return node != NULL ? json_to_string(node, FALSE) : g_strdup("null");
}

/* The roster name of @bare, if any (transfer full). */
static char *
roster_name(LvBackend *backend, const char *profile, const char *bare)
{
    GVariant *item =
            lv_connections_get_contact(lv_backend_get_connections(backend), profile, bare, NULL);
    g_autoptr(GVariant) attributes = item != NULL ? g_variant_get_child_value(item, 1) : NULL;
    const char *name = NULL;

    if (attributes != NULL && g_variant_lookup(attributes, "name", "&s", &name) && name[0])
        return g_strdup(name);
    return NULL;
}

/* ---- avatarGet, avatarSet ---- */

static void
method_avatar_get(LvBackend *backend, LvInvocation *invocation)
{
    const char *entity = NULL, *key = NULL;
    gboolean use_cache = TRUE;
    g_autofree char *request_id = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&sb&s)", &entity, &use_cache, &key);
    g_autoptr(LvStoredProfile) profile =
            lv_profiles_resolve_for(lv_backend_get_profiles(backend), invocation, key);
    if (profile == NULL)
        return;
    g_autofree char *bare = entity_for(backend, invocation, profile->name, entity);
    if (bare == NULL)
        return;
    g_autoptr(JsonObject) kept = use_cache ? cache_load(backend, profile->id, bare) : NULL;
    JsonNode *avatar = kept != NULL ? json_object_get_member(kept, "avatar") : NULL;
    if (avatar_usable(avatar)) {
        g_autofree char *json = node_to_string(avatar);
        lv_invocation_return_value(invocation, g_variant_new("(s)", json));
        return;
    }
    LvXmppAccount *account =
            lv_plugins_park_request(backend, invocation, profile->name, bare, &request_id);
    if (account != NULL)
        lv_xmpp_account_avatar_get(account, request_id, bare);
}

static void
method_avatar_set(LvBackend *backend, LvInvocation *invocation)
{
    const char *path = NULL, *entity = NULL, *key = NULL;
    g_autofree char *request_id = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s&s)", &path, &entity, &key);
    if (!g_path_is_absolute(path)) {
        lv_invocation_return_new_error(invocation, LV_ERROR_DATA,
                                       "the avatar path must be absolute: %s", path);
        return;
    }
    g_autoptr(LvStoredProfile) profile =
            lv_profiles_resolve_for(lv_backend_get_profiles(backend), invocation, key);
    if (profile == NULL)
        return;
    if (entity[0] != '\0') {
        g_autofree char *own = entity_for(backend, invocation, profile->name, "");
        g_autoptr(LvJid) wanted = own != NULL ? lv_jid_parse(entity, NULL) : NULL;
        g_autofree char *wanted_bare = wanted != NULL ? lv_jid_dup_bare(wanted) : NULL;
        if (own == NULL)
            return;
        if (g_strcmp0(own, wanted_bare) != 0) {
            lv_invocation_return_new_error(invocation, LV_ERROR_PERMISSION,
                                           "only our own avatar can be set, not %s's", entity);
            return;
        }
    }
    LvXmppAccount *account =
            lv_plugins_park_request(backend, invocation, profile->name, NULL, &request_id);
    if (account != NULL)
        lv_xmpp_account_avatar_set(account, request_id, path);
}

/* ---- identityGet, identitiesGet, identitiesBaseGet, identitySet ---- */

static const char *const metadata_names[] = { "avatar", "nicknames", "description", NULL };

/* The identity of @bare from the cache, only @filter's names (empty: all); NULL if a
 * wanted name is not kept (transfer full). */
static JsonObject *
cached_identity(LvBackend *backend, const LvStoredProfile *profile, const char *bare,
                const char *const *filter, gboolean partial)
{
    g_autoptr(JsonObject) kept = cache_load(backend, profile->id, bare);
    g_autoptr(JsonObject) out = json_object_new();
    const char *const *names = filter != NULL && filter[0] != NULL ? filter : metadata_names;

    for (guint i = 0; names[i] != NULL; i++) {
        if (!g_strv_contains(metadata_names, names[i]))
            continue; /* not ours to know */
        JsonNode *value = kept != NULL ? json_object_get_member(kept, names[i]) : NULL;
        if (g_str_equal(names[i], "avatar") && value != NULL && !avatar_usable(value))
            value = NULL;
        if (value != NULL) {
            json_object_set_member(out, names[i], json_node_copy(value));
            continue;
        }
        if (!partial)
            return NULL;
        if (g_str_equal(names[i], "nicknames")) {
            JsonArray *nicks = json_array_new();
            g_autofree char *name = roster_name(backend, profile->name, bare);
            const char *at = strchr(bare, '@');
            g_autofree char *user = at != NULL ? g_strndup(bare, at - bare) : g_strdup(bare);
            if (at != NULL && user[0] != '\0')
                user[0] = g_ascii_toupper(user[0]);
            json_array_add_string_element(nicks, name != NULL ? name : user);
            json_object_set_array_member(out, names[i], nicks);
        } else if (g_str_equal(names[i], "description")) {
            json_object_set_string_member(out, names[i], "");
        } else {
            json_object_set_null_member(out, names[i]);
        }
    }
    return g_steal_pointer(&out);
}

static char *
object_to_string(JsonObject *object)
{
    g_autoptr(JsonNode) root = json_node_init_object(json_node_alloc(), object);

    return json_to_string(root, FALSE);
}

static void
method_identity_get(LvBackend *backend, LvInvocation *invocation)
{
    const char *entity = NULL, *key = NULL;
    g_autofree const char **filter = NULL;
    gboolean use_cache = TRUE;
    g_autofree char *request_id = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s^a&sb&s)", &entity, &filter,
                  &use_cache, &key);
    g_autoptr(LvStoredProfile) profile =
            lv_profiles_resolve_for(lv_backend_get_profiles(backend), invocation, key);
    if (profile == NULL)
        return;
    g_autofree char *bare = entity_for(backend, invocation, profile->name, entity);
    if (bare == NULL)
        return;
    g_autoptr(JsonObject) cached =
            use_cache ? cached_identity(backend, profile, bare, filter, FALSE) : NULL;
    if (cached == NULL && use_cache &&
        !lv_connections_is_connected(lv_backend_get_connections(backend), profile->name))
        cached = cached_identity(backend, profile, bare, filter, TRUE); /* what we have */
    if (cached != NULL) {
        g_autofree char *json = object_to_string(cached);
        lv_invocation_return_value(invocation, g_variant_new("(s)", json));
        return;
    }
    g_autofree char *name = roster_name(backend, profile->name, bare);
    LvXmppAccount *account =
            lv_plugins_park_request(backend, invocation, profile->name, bare, &request_id);
    if (account != NULL)
        lv_xmpp_account_identity_get(account, request_id, bare, name, filter);
}

/* identitiesGet and identitiesBaseGet: from the cache only, as Libervia's frontends
 * call them for whole rosters. */
static void
answer_identities(LvBackend *backend, LvInvocation *invocation, const LvStoredProfile *profile,
                  const char *const *entities, const char *const *filter)
{
    g_autoptr(JsonObject) all = json_object_new();

    for (guint i = 0; entities[i] != NULL; i++) {
        g_autoptr(LvJid) jid = lv_jid_parse(entities[i], NULL);
        g_autofree char *bare = jid != NULL ? lv_jid_dup_bare(jid) : NULL;
        if (bare == NULL)
            continue; /* as Libervia: an entity that fails is left out */
        json_object_set_object_member(all, entities[i],
                                      cached_identity(backend, profile, bare, filter, TRUE));
    }
    g_autofree char *json = object_to_string(all);
    lv_invocation_return_value(invocation, g_variant_new("(s)", json));
}

static void
method_identities_get(LvBackend *backend, LvInvocation *invocation)
{
    g_autofree const char **entities = NULL, **filter = NULL;
    const char *key = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(^a&s^a&s&s)", &entities, &filter,
                  &key);
    g_autoptr(LvStoredProfile) profile =
            lv_profiles_resolve_for(lv_backend_get_profiles(backend), invocation, key);
    if (profile != NULL)
        answer_identities(backend, invocation, profile, entities, filter);
}

static void
method_identities_base_get(LvBackend *backend, LvInvocation *invocation)
{
    const char *key = NULL;
    const char *const filter[] = { "avatar", "nicknames", NULL };
    GError *error = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s)", &key);
    g_autoptr(LvStoredProfile) profile =
            lv_profiles_resolve_for(lv_backend_get_profiles(backend), invocation, key);
    if (profile == NULL)
        return;
    LvConnections *connections = lv_backend_get_connections(backend);
    LvXmppAccount *account = lv_connections_get_account(connections, profile->name, &error);
    if (account == NULL) {
        lv_invocation_return_error(invocation, error);
        return;
    }
    g_autoptr(GVariant) contacts =
            g_variant_ref_sink(lv_connections_get_contacts(connections, profile->name, NULL));
    g_autoptr(GPtrArray) entities = g_ptr_array_new_with_free_func(g_free);
    GVariantIter iter;
    const char *jid = NULL;
    g_variant_iter_init(&iter, contacts);
    while (g_variant_iter_next(&iter, "(&s@a{ss}@as)", &jid, NULL, NULL))
        g_ptr_array_add(entities, g_strdup(jid));
    g_autoptr(LvJid) own = lv_jid_parse(lv_xmpp_account_get_jid(account), NULL);
    if (own != NULL)
        g_ptr_array_add(entities, lv_jid_dup_bare(own));
    g_ptr_array_add(entities, NULL);
    answer_identities(backend, invocation, profile, (const char *const *)entities->pdata, filter);
}

/* Reads identitySet's JSON: "nicknames" (a list: its first one is published) and
 * "description" (a string); anything else is refused, as in Libervia. */
static gboolean
read_id_data(const char *text, char **nickname, char **description, GError **error)
{
    g_autoptr(JsonNode) root = json_from_string(text, NULL);
    JsonObject *object =
            root != NULL && JSON_NODE_HOLDS_OBJECT(root) ? json_node_get_object(root) : NULL;

    if (object == NULL || json_object_get_size(object) == 0) {
        g_set_error_literal(error, LV_ERROR, LV_ERROR_DATA,
                            "identity data must be a JSON object with nicknames or description");
        return FALSE;
    }
    g_autoptr(GList) names = json_object_get_members(object);
    for (GList *n = names; n != NULL; n = n->next) {
        JsonNode *value = json_object_get_member(object, n->data);
        if (g_str_equal(n->data, "nicknames") && JSON_NODE_HOLDS_ARRAY(value)) {
            JsonArray *list = json_node_get_array(value);
            JsonNode *first =
                    json_array_get_length(list) > 0 ? json_array_get_element(list, 0) : NULL;
            if (first != NULL && json_node_get_value_type(first) == G_TYPE_STRING) {
                *nickname = g_strstrip(g_strdup(json_node_get_string(first)));
                continue;
            }
        } else if (g_str_equal(n->data, "description") &&
                   json_node_get_value_type(value) == G_TYPE_STRING) {
            *description = g_strdup(json_node_get_string(value));
            continue;
        }
        g_set_error(error, LV_ERROR, LV_ERROR_DATA, "invalid identity metadata: %s",
                    (const char *)n->data);
        return FALSE;
    }
    return TRUE;
}

static void
method_identity_set(LvBackend *backend, LvInvocation *invocation)
{
    const char *data = NULL, *key = NULL;
    g_autofree char *request_id = NULL, *nickname = NULL, *description = NULL;
    GError *error = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s)", &data, &key);
    if (!read_id_data(data, &nickname, &description, &error)) {
        lv_invocation_return_error(invocation, error);
        return;
    }
    LvXmppAccount *account = lv_plugins_park_request(backend, invocation, key, NULL, &request_id);
    if (account != NULL)
        lv_xmpp_account_identity_set(account, request_id, nickname, description);
}

/* ---- getEntityData ---- */

static void
method_get_entity_data(LvBackend *backend, LvInvocation *invocation)
{
    const char *entity = NULL, *key = NULL;
    g_autofree const char **keys = NULL;
    GVariantBuilder out;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s^a&s&s)", &entity, &keys, &key);
    g_autoptr(LvStoredProfile) profile =
            lv_profiles_resolve_for(lv_backend_get_profiles(backend), invocation, key);
    if (profile == NULL)
        return;
    g_autofree char *bare = entity_for(backend, invocation, profile->name, entity);
    if (bare == NULL)
        return;
    g_autoptr(JsonObject) kept = cache_load(backend, profile->id, bare);
    if (kept == NULL) {
        lv_invocation_return_new_error(invocation, LV_ERROR_UNKNOWN_ENTITY,
                                       "%s is not in the cache of %s", bare, profile->name);
        return;
    }
    g_variant_builder_init(&out, G_VARIANT_TYPE("a{ss}"));
    g_autoptr(GList) names = json_object_get_members(kept);
    for (GList *n = names; n != NULL; n = n->next) {
        if (keys[0] != NULL && !g_strv_contains(keys, n->data))
            continue;
        g_autofree char *json = node_to_string(json_object_get_member(kept, n->data));
        g_variant_builder_add(&out, "{ss}", n->data, json);
    }
    lv_invocation_return_value(invocation, g_variant_new("(a{ss})", &out));
}

static const LvMethod methods[] = {
    { "avatarGet", method_avatar_get },
    { "avatarSet", method_avatar_set },
    { "identityGet", method_identity_get },
    { "identitiesGet", method_identities_get },
    { "identitiesBaseGet", method_identities_base_get },
    { "identitySet", method_identity_set },
    { "getEntityData", method_get_entity_data },
    { NULL, NULL },
};

const LvMethod *
lv_identity_methods(void)
{
    return methods;
}

void
lv_identity_start(LvBackend *backend)
{
    g_autoptr(GMainContext) context = g_main_context_ref_thread_default();
    g_autoptr(GError) error = NULL;
    gint64 max = lv_config_get_int(lv_backend_get_config(backend), "plugin identity",
                                   "avatar_max_size", DEFAULT_MAX_SIZE, &error);
    g_autofree char *dir =
            g_build_filename(lv_backend_get_local_dir(backend), "cache", "avatars", NULL);

    if (error != NULL || max <= 0) {
        g_warning("avatar_max_size: %s; using %d", error != NULL ? error->message : "not positive",
                  DEFAULT_MAX_SIZE);
        max = DEFAULT_MAX_SIZE;
    }
    if (plugin != NULL) { /* the settings are the process's: one backend keeps them */
        g_debug("identity already kept by another backend");
        return;
    }
    plugin = g_new0(IdentityPlugin, 1);
    plugin->backend = backend;
    lv_xmpp_identity_configure(dir, (gsize)max);
    lv_xmpp_identity_watch(context, on_change, plugin);
}

void
lv_identity_stop(LvBackend *backend)
{
    if (plugin == NULL || plugin->backend != backend)
        return;
    lv_xmpp_identity_watch(NULL, NULL, NULL);
    g_clear_pointer(&plugin, g_free);
}
