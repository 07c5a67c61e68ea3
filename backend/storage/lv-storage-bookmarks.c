/* lv-storage-bookmarks: SQL for the local bookmarks (see the header). */
#include "lv-storage-bookmarks.h"

#include <json-glib/json-glib.h>

#include "lv-error.h"

/* @data (a{ss}) as a JSON object (transfer full). */
static char *
data_to_json(GVariant *data)
{
    g_autoptr(JsonBuilder) builder = json_builder_new();
    GVariantIter iter;
    const char *key = NULL, *value = NULL;

    json_builder_begin_object(builder);
    g_variant_iter_init(&iter, data);
    while (g_variant_iter_next(&iter, "{&s&s}", &key, &value)) {
        json_builder_set_member_name(builder, key);
        json_builder_add_string_value(builder, value);
    }
    json_builder_end_object(builder);
    g_autoptr(JsonNode) root = json_builder_get_root(builder);
    return json_to_string(root, FALSE);
}

/* The string members of the JSON object @text as a{ss} (transfer floating): a row
 * written by hand or damaged loses only what is not a string. */
static GVariant *
data_from_json(const char *text)
{
    g_autoptr(JsonNode) root = text != NULL ? json_from_string(text, NULL) : NULL;
    GVariantBuilder dict;

    g_variant_builder_init(&dict, G_VARIANT_TYPE("a{ss}"));
    if (root != NULL && JSON_NODE_HOLDS_OBJECT(root)) {
        JsonObject *object = json_node_get_object(root);
        g_autoptr(GList) members = json_object_get_members(object);
        for (GList *m = members; m != NULL; m = m->next) {
            JsonNode *node = json_object_get_member(object, m->data);
            if (JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == G_TYPE_STRING)
                g_variant_builder_add(&dict, "{ss}", (const char *)m->data,
                                      json_node_get_string(node));
        }
    }
    return g_variant_builder_end(&dict);
}

gboolean
lv_storage_bookmark_set(LvStorage *storage, gint64 profile_id, const char *type,
                        const char *location, GVariant *data, GError **error)
{
    g_autoptr(GVariant) held = g_variant_ref_sink(data);
    g_autofree char *json = data_to_json(held);
    sqlite3_stmt *stmt = lv_storage_prepare(
            storage,
            "INSERT INTO bookmarks_local (profile_id, type, location, data) VALUES (?1, ?2, ?3, "
            "?4) "
            "ON CONFLICT (profile_id, type, location) DO UPDATE SET data = excluded.data",
            error);

    if (stmt == NULL)
        return FALSE;
    sqlite3_bind_int64(stmt, 1, profile_id);
    sqlite3_bind_text(stmt, 2, type, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 3, location, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 4, json, -1, SQLITE_TRANSIENT);
    return lv_storage_step_done(storage, stmt, error);
}

gboolean
lv_storage_bookmark_delete(LvStorage *storage, gint64 profile_id, const char *type,
                           const char *location, gboolean *removed, GError **error)
{
    sqlite3_stmt *stmt = lv_storage_prepare(
            storage,
            "DELETE FROM bookmarks_local WHERE profile_id = ?1 AND type = ?2 AND location = ?3",
            error);

    if (stmt == NULL)
        return FALSE;
    sqlite3_bind_int64(stmt, 1, profile_id);
    sqlite3_bind_text(stmt, 2, type, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 3, location, -1, SQLITE_TRANSIENT);
    if (!lv_storage_step_done(storage, stmt, error))
        return FALSE;
    if (removed != NULL)
        *removed = sqlite3_changes(sqlite3_db_handle(stmt)) > 0;
    return TRUE;
}

GVariant *
lv_storage_bookmark_list(LvStorage *storage, gint64 profile_id, const char *type, GError **error)
{
    sqlite3_stmt *stmt = lv_storage_prepare(storage,
                                            "SELECT location, data FROM bookmarks_local WHERE "
                                            "profile_id = ?1 AND type = ?2 ORDER BY location",
                                            error);
    GVariantBuilder list;
    int rc = SQLITE_ROW;

    if (stmt == NULL)
        return NULL;
    sqlite3_bind_int64(stmt, 1, profile_id);
    sqlite3_bind_text(stmt, 2, type, -1, SQLITE_TRANSIENT);
    g_variant_builder_init(&list, G_VARIANT_TYPE("a{sa{ss}}"));
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *location = (const char *)sqlite3_column_text(stmt, 0);
        const char *data = (const char *)sqlite3_column_text(stmt, 1);
        g_variant_builder_add(&list, "{s@a{ss}}", location != NULL ? location : "",
                              data_from_json(data));
    }
    if (rc != SQLITE_DONE) {
        lv_storage_fail(storage, "cannot read the local bookmarks", error);
        sqlite3_reset(stmt);
        g_variant_builder_clear(&list);
        return NULL;
    }
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    return g_variant_builder_end(&list);
}
