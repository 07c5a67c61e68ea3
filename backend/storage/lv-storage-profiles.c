/* lv-storage-profiles: SQL for profiles, parameters and private data. */
#include "lv-storage-profiles.h"

#include <string.h>

#include "lv-error.h"

void
lv_stored_profile_free(LvStoredProfile *profile)
{
    if (profile == NULL)
        return;
    g_free(profile->name);
    g_free(profile->component);
    g_free(profile->password_hash);
    g_free(profile->wrapped_key);
    g_free(profile);
}

static void
bind_text(sqlite3_stmt *stmt, int index, const char *text)
{
    sqlite3_bind_text(stmt, index, text, -1, SQLITE_TRANSIENT);
}

static char *
column_dup(sqlite3_stmt *stmt, int index)
{
    const unsigned char *text = sqlite3_column_text(stmt, index);

    return g_strdup(text != NULL ? (const char *)text : "");
}

static gboolean
insert_params(LvStorage *storage, gint64 id, GHashTable *params, GError **error)
{
    GHashTableIter iter;
    gpointer key = NULL;
    gpointer value = NULL;

    if (params == NULL)
        return TRUE;
    g_hash_table_iter_init(&iter, params);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        g_auto(GStrv) parts = g_strsplit(key, "\n", 2);
        if (!lv_storage_param_set(storage, id, parts[0], parts[1], value, error))
            return FALSE;
    }
    return TRUE;
}

static gboolean
insert_profile(LvStorage *storage, const char *name, const char *component, gint64 *id,
               GError **error)
{
    sqlite3_stmt *stmt =
            lv_storage_prepare(storage,
                               "INSERT INTO profiles (name, component, is_default, created) VALUES "
                               "(?1, ?2, NOT EXISTS (SELECT 1 FROM profiles), (julianday('now') - "
                               "2440587.5) * 86400.0)",
                               error);

    if (stmt == NULL)
        return FALSE;
    bind_text(stmt, 1, name);
    bind_text(stmt, 2, component);
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if ((rc & 0xff) == SQLITE_CONSTRAINT) {
        g_set_error(error, LV_ERROR, LV_ERROR_CONFLICT, "a profile named %s already exists", name);
        return FALSE;
    }
    if (rc != SQLITE_DONE)
        return lv_storage_fail(storage, "cannot create the profile", error);
    *id = sqlite3_last_insert_rowid(sqlite3_db_handle(stmt));
    return TRUE;
}

gboolean
lv_storage_profile_create(LvStorage *storage, const char *name, const char *component,
                          const char *password_hash, const char *wrapped_key, GHashTable *params,
                          gint64 *id, GError **error)
{
    if (!lv_storage_begin(storage, error))
        return FALSE;
    if (!insert_profile(storage, name, component, id, error) ||
        !lv_storage_profile_set_secrets(storage, *id, password_hash, wrapped_key, error) ||
        !insert_params(storage, *id, params, error) || !lv_storage_commit(storage, error)) {
        lv_storage_rollback(storage);
        return FALSE;
    }
    return TRUE;
}

LvStoredProfile *
lv_storage_profile_get(LvStorage *storage, const char *name, GError **error)
{
    sqlite3_stmt *stmt = lv_storage_prepare(
            storage,
            "SELECT p.id, p.name, p.component, p.is_default, s.password_hash, s.wrapped_key "
            "FROM profiles p JOIN profile_secrets s ON s.profile_id = p.id WHERE p.name = ?1",
            error);

    if (stmt == NULL)
        return NULL;
    bind_text(stmt, 1, name);
    int rc = sqlite3_step(stmt);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(stmt);
        if (rc != SQLITE_DONE)
            lv_storage_fail(storage, "cannot read profiles", error);
        return NULL;
    }
    LvStoredProfile *profile = g_new0(LvStoredProfile, 1);
    profile->id = sqlite3_column_int64(stmt, 0);
    profile->name = column_dup(stmt, 1);
    profile->component = column_dup(stmt, 2);
    profile->is_default = sqlite3_column_int(stmt, 3) != 0;
    profile->password_hash = column_dup(stmt, 4);
    profile->wrapped_key = column_dup(stmt, 5);
    sqlite3_reset(stmt);
    return profile;
}

GPtrArray *
lv_storage_profile_list(LvStorage *storage, gboolean clients, gboolean components, GError **error)
{
    sqlite3_stmt *stmt = lv_storage_prepare(
            storage,
            "SELECT name FROM profiles WHERE (?1 AND component = '') OR (?2 AND component != '') "
            "ORDER BY id",
            error);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    int rc = SQLITE_DONE;

    if (stmt == NULL)
        return NULL;
    sqlite3_bind_int(stmt, 1, clients);
    sqlite3_bind_int(stmt, 2, components);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
        g_ptr_array_add(names, column_dup(stmt, 0));
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) {
        lv_storage_fail(storage, "cannot list profiles", error);
        return NULL;
    }
    return g_steal_pointer(&names);
}

/* One text value from a statement whose parameters are bound; NULL if no row. */
static char *
single_text(LvStorage *storage, sqlite3_stmt *stmt, GError **error)
{
    int rc = sqlite3_step(stmt);
    char *text = rc == SQLITE_ROW ? column_dup(stmt, 0) : NULL;

    sqlite3_reset(stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        lv_storage_fail(storage, "cannot read the database", error);
    return text;
}

char *
lv_storage_profile_dup_default(LvStorage *storage, GError **error)
{
    sqlite3_stmt *stmt =
            lv_storage_prepare(storage, "SELECT name FROM profiles WHERE is_default = 1", error);

    return stmt != NULL ? single_text(storage, stmt, error) : NULL;
}

gboolean
lv_storage_profile_set_default(LvStorage *storage, gint64 id, GError **error)
{
    sqlite3_stmt *stmt = lv_storage_prepare(
            storage, "UPDATE profiles SET is_default = (id = ?1) WHERE is_default = 1 OR id = ?1",
            error);

    if (stmt == NULL)
        return FALSE;
    sqlite3_bind_int64(stmt, 1, id);
    return lv_storage_step_done(storage, stmt, error);
}

/* Deletes the row, then hands the default to the oldest profile left if needed. */
static gboolean
delete_and_promote(LvStorage *storage, gint64 id, GError **error)
{
    sqlite3_stmt *del = lv_storage_prepare(storage, "DELETE FROM profiles WHERE id = ?1", error);

    if (del == NULL)
        return FALSE;
    sqlite3_bind_int64(del, 1, id);
    if (!lv_storage_step_done(storage, del, error))
        return FALSE;
    sqlite3_stmt *promote = lv_storage_prepare(
            storage,
            "UPDATE profiles SET is_default = 1 WHERE id = (SELECT min(id) FROM profiles) "
            "AND NOT EXISTS (SELECT 1 FROM profiles WHERE is_default = 1)",
            error);
    return promote != NULL && lv_storage_step_done(storage, promote, error);
}

gboolean
lv_storage_profile_delete(LvStorage *storage, gint64 id, GError **error)
{
    if (!lv_storage_begin(storage, error))
        return FALSE;
    if (!delete_and_promote(storage, id, error) || !lv_storage_commit(storage, error)) {
        lv_storage_rollback(storage);
        return FALSE;
    }
    return TRUE;
}

gboolean
lv_storage_profile_set_secrets(LvStorage *storage, gint64 id, const char *password_hash,
                               const char *wrapped_key, GError **error)
{
    sqlite3_stmt *stmt = lv_storage_prepare(
            storage,
            "INSERT INTO profile_secrets (profile_id, password_hash, wrapped_key) "
            "VALUES (?1, ?2, ?3) ON CONFLICT (profile_id) DO UPDATE SET "
            "password_hash = excluded.password_hash, wrapped_key = excluded.wrapped_key",
            error);

    if (stmt == NULL)
        return FALSE;
    sqlite3_bind_int64(stmt, 1, id);
    bind_text(stmt, 2, password_hash);
    bind_text(stmt, 3, wrapped_key);
    return lv_storage_step_done(storage, stmt, error);
}

/* A statement on a table pair: the general one when @profile_id is 0, the
 * profile's otherwise. Both take ?1 profile id, ?2 ?3 the key, ?4 the value. */
static sqlite3_stmt *
prepare_scoped(LvStorage *storage, gint64 profile_id, const char *general_sql,
               const char *individual_sql, const char *a, const char *b, const char *value,
               GError **error)
{
    sqlite3_stmt *stmt =
            lv_storage_prepare(storage, profile_id == 0 ? general_sql : individual_sql, error);

    if (stmt == NULL)
        return NULL;
    sqlite3_bind_int64(stmt, 1, profile_id);
    bind_text(stmt, 2, a);
    bind_text(stmt, 3, b);
    if (value != NULL)
        bind_text(stmt, 4, value);
    return stmt;
}

char *
lv_storage_param_get(LvStorage *storage, gint64 profile_id, const char *category, const char *name,
                     GError **error)
{
    sqlite3_stmt *stmt = prepare_scoped(
            storage, profile_id,
            "SELECT value FROM param_gen WHERE category = ?2 AND name = ?3 AND ?1 = 0",
            "SELECT value FROM param_ind WHERE profile_id = ?1 AND category = ?2 AND name = ?3",
            category, name, NULL, error);

    return stmt != NULL ? single_text(storage, stmt, error) : NULL;
}

gboolean
lv_storage_param_set(LvStorage *storage, gint64 profile_id, const char *category, const char *name,
                     const char *value, GError **error)
{
    sqlite3_stmt *stmt = prepare_scoped(
            storage, profile_id,
            "INSERT OR REPLACE INTO param_gen (category, name, value) SELECT ?2, ?3, ?4 "
            "WHERE ?1 = 0",
            "INSERT OR REPLACE INTO param_ind (profile_id, category, name, value) "
            "VALUES (?1, ?2, ?3, ?4)",
            category, name, value, error);

    return stmt != NULL && lv_storage_step_done(storage, stmt, error);
}

char *
lv_storage_private_get(LvStorage *storage, gint64 profile_id, const char *namespace_,
                       const char *key, GError **error)
{
    sqlite3_stmt *stmt = prepare_scoped(
            storage, profile_id,
            "SELECT value FROM private_gen WHERE namespace = ?2 AND key = ?3 AND ?1 = 0",
            "SELECT value FROM private_ind WHERE profile_id = ?1 AND namespace = ?2 AND key = ?3",
            namespace_, key, NULL, error);

    return stmt != NULL ? single_text(storage, stmt, error) : NULL;
}

gboolean
lv_storage_private_set(LvStorage *storage, gint64 profile_id, const char *namespace_,
                       const char *key, const char *value, GError **error)
{
    sqlite3_stmt *stmt = prepare_scoped(
            storage, profile_id,
            "INSERT OR REPLACE INTO private_gen (namespace, key, value) SELECT ?2, ?3, ?4 "
            "WHERE ?1 = 0",
            "INSERT OR REPLACE INTO private_ind (profile_id, namespace, key, value) "
            "VALUES (?1, ?2, ?3, ?4)",
            namespace_, key, value, error);

    return stmt != NULL && lv_storage_step_done(storage, stmt, error);
}

gboolean
lv_storage_private_delete(LvStorage *storage, gint64 profile_id, const char *namespace_,
                          const char *key, GError **error)
{
    sqlite3_stmt *stmt = prepare_scoped(
            storage, profile_id,
            "DELETE FROM private_gen WHERE namespace = ?2 AND key = ?3 AND ?1 = 0",
            "DELETE FROM private_ind WHERE profile_id = ?1 AND namespace = ?2 AND key = ?3",
            namespace_, key, NULL, error);

    return stmt != NULL && lv_storage_step_done(storage, stmt, error);
}
