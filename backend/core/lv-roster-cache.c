/* lv-roster-cache: the roster kept between sessions, as JSON in private data. */
#include "lv-roster-cache.h"

#include <stdlib.h>

#include <json-glib/json-glib.h>

#include "lv-error.h"
#include "lv-storage-profiles.h"

#define ITEMS_TYPE "a(sa{ss}as)"

static gboolean
load_items(JsonObject *object, GHashTable *roster, GError **error)
{
    JsonNode *node = json_object_get_member(object, "items");
    g_autoptr(GVariant) items =
            node != NULL ? json_gvariant_deserialize(node, ITEMS_TYPE, error) : NULL;
    GVariantIter iter;
    GVariant *item = NULL;

    if (items == NULL) {
        if (*error == NULL)
            g_set_error_literal(error, LV_ERROR, LV_ERROR_DATA, "no items");
        return FALSE;
    }
    g_variant_take_ref(items); /* json-glib returns it floating */
    g_variant_iter_init(&iter, items);
    while ((item = g_variant_iter_next_value(&iter)) != NULL) {
        const char *jid = NULL;
        g_variant_get_child(item, 0, "&s", &jid);
        g_hash_table_replace(roster, g_strdup(jid), item); /* takes the reference */
    }
    return TRUE;
}

char *
lv_roster_cache_load(LvStorage *storage, gint64 profile_id, const char *bare_jid,
                     GHashTable *roster)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *text = lv_storage_private_get(storage, profile_id, LV_ROSTER_CACHE_NAMESPACE,
                                                   LV_ROSTER_CACHE_KEY, &error);
    g_autoptr(JsonNode) root = text != NULL ? json_from_string(text, &error) : NULL;

    g_hash_table_remove_all(roster);
    if (root == NULL || !JSON_NODE_HOLDS_OBJECT(root)) {
        if (error != NULL || text != NULL)
            g_message("kept roster not loaded (the whole roster will be fetched): %s",
                      error != NULL ? error->message : "not a JSON object");
        return NULL;
    }
    JsonObject *object = json_node_get_object(root);
    const char *jid = json_object_get_string_member_with_default(object, "jid", NULL);
    const char *ver = json_object_get_string_member_with_default(object, "ver", NULL);
    if (g_strcmp0(jid, bare_jid) != 0 || ver == NULL) {
        g_info("kept roster not used: %s",
               ver == NULL ? "it has no version" : "it was kept for another account");
        return NULL;
    }
    if (!load_items(object, roster, &error)) {
        g_message("kept roster not loaded (the whole roster will be fetched): %s", error->message);
        g_hash_table_remove_all(roster);
        return NULL;
    }
    g_info("kept roster of %s loaded: %u items at version \"%s\"", bare_jid,
           g_hash_table_size(roster), ver);
    return g_strdup(ver);
}

static gint
compare_jids(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

/* The JSON text of what is kept, items sorted by JID (transfer full). */
static char *
serialise(const char *bare_jid, const char *ver, GHashTable *roster)
{
    g_autoptr(JsonBuilder) builder = json_builder_new();
    GVariantBuilder items;
    guint count = 0;
    g_autofree gpointer *jids = g_hash_table_get_keys_as_array(roster, &count);
    g_autoptr(GVariant) all = NULL;

    qsort(jids, count, sizeof *jids, compare_jids);
    g_variant_builder_init(&items, G_VARIANT_TYPE(ITEMS_TYPE));
    for (guint i = 0; i < count; i++)
        g_variant_builder_add_value(&items, g_hash_table_lookup(roster, jids[i]));
    json_builder_begin_object(builder);
    json_builder_set_member_name(builder, "jid");
    json_builder_add_string_value(builder, bare_jid);
    json_builder_set_member_name(builder, "ver");
    json_builder_add_string_value(builder, ver);
    json_builder_set_member_name(builder, "items");
    all = g_variant_ref_sink(g_variant_builder_end(&items));
    json_builder_add_value(builder, json_gvariant_serialize(all));
    json_builder_end_object(builder);
    g_autoptr(JsonNode) root = json_builder_get_root(builder);
    return json_to_string(root, FALSE);
}

void
lv_roster_cache_save(LvStorage *storage, gint64 profile_id, const char *bare_jid, const char *ver,
                     GHashTable *roster)
{
    g_autoptr(GError) error = NULL;
    gboolean ok = FALSE;

    if (ver == NULL) {
        ok = lv_storage_private_delete(storage, profile_id, LV_ROSTER_CACHE_NAMESPACE,
                                       LV_ROSTER_CACHE_KEY, &error);
    } else {
        g_autofree char *text = serialise(bare_jid, ver, roster);
        ok = lv_storage_private_set(storage, profile_id, LV_ROSTER_CACHE_NAMESPACE,
                                    LV_ROSTER_CACHE_KEY, text, &error);
    }
    if (!ok)
        g_warning("roster of %s not kept: %s", bare_jid, error->message);
    else
        g_debug("roster of %s kept at version %s", bare_jid, ver != NULL ? ver : "(none)");
}
