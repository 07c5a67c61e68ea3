/* Tests of lv-storage: opening, migrating, refusing what is not ours, and the rows
 * of profiles, parameters and private data. */
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "lv-error.h"
#include "lv-storage-profiles.h"
#include "lv-test-util.h"

static char *
local_dir(LvTestHome *home)
{
    return g_build_filename(home->root, "local", NULL);
}

/* Runs @sql on a separate connection to the file, as another program would. */
static void
raw_exec(const char *path, const char *sql)
{
    sqlite3 *db = NULL;

    g_assert_cmpint(sqlite3_open(path, &db), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_exec(db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close(db);
}

static char *
file_digest(const char *path)
{
    g_autofree char *data = NULL;
    gsize length = 0;

    g_assert_true(g_file_get_contents(path, &data, &length, NULL));
    return g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)data, length);
}

static void
test_create_empty(void)
{
    g_autoptr(LvTestHome) home = lv_test_home_new(NULL, NULL);
    g_autofree char *dir = local_dir(home);
    g_autoptr(GError) error = NULL;
    g_autoptr(LvStorage) storage = lv_storage_open(dir, &error);
    GStatBuf st;

    g_assert_no_error(error);
    g_assert_cmpint(lv_storage_get_schema_version(storage), ==, LV_STORAGE_SCHEMA_VERSION);
    g_assert_cmpint(g_stat(dir, &st), ==, 0);
    g_assert_cmpint(st.st_mode & 0777, ==, 0700);
    g_assert_cmpint(g_stat(lv_storage_get_path(storage), &st), ==, 0);
    g_assert_cmpint(st.st_mode & 0777, ==, 0600);

    sqlite3_stmt *stmt = lv_storage_prepare(storage, "PRAGMA journal_mode", NULL);
    g_assert_cmpint(sqlite3_step(stmt), ==, SQLITE_ROW);
    g_assert_cmpstr((const char *)sqlite3_column_text(stmt, 0), ==, "wal");
    sqlite3_reset(stmt);
    stmt = lv_storage_prepare(storage, "PRAGMA foreign_keys", NULL);
    g_assert_cmpint(sqlite3_step(stmt), ==, SQLITE_ROW);
    g_assert_cmpint(sqlite3_column_int(stmt, 0), ==, 1);
    sqlite3_reset(stmt);

    /* Opening again migrates nothing and keeps the data. */
    g_assert_true(lv_storage_param_set(storage, 0, "General", "x", "1", NULL));
    g_clear_pointer(&storage, lv_storage_close);
    storage = lv_storage_open(dir, &error);
    g_assert_no_error(error);
    g_autofree char *value = lv_storage_param_get(storage, 0, "General", "x", NULL);
    g_assert_cmpstr(value, ==, "1");
}

static void
assert_refused(const char *dir, const char *path, const char *needle)
{
    g_autofree char *before = file_digest(path);
    g_autoptr(GError) error = NULL;
    g_autoptr(LvStorage) storage = lv_storage_open(dir, &error);
    g_autofree char *after = file_digest(path);

    g_assert_null(storage);
    g_assert_error(error, LV_ERROR, LV_ERROR_DATABASE);
    if (strstr(error->message, needle) == NULL)
        g_test_fail_printf("'%s' lacks '%s'", error->message, needle);
    g_assert_cmpstr(before, ==, after);
}

static void
test_newer_schema_refused(void)
{
    g_autoptr(LvTestHome) home = lv_test_home_new(NULL, NULL);
    g_autofree char *dir = local_dir(home);
    g_autoptr(LvStorage) storage = lv_storage_open(dir, NULL);
    g_autofree char *path = g_strdup(lv_storage_get_path(storage));

    g_clear_pointer(&storage, lv_storage_close);
    raw_exec(path, "PRAGMA user_version = 999");
    assert_refused(dir, path, "schema version 999, newer");
}

static void
test_libervia_db_refused(void)
{
    g_autoptr(LvTestHome) home = lv_test_home_new(NULL, NULL);
    g_autofree char *dir = local_dir(home);
    g_autofree char *path = g_build_filename(dir, "libervia.db", NULL);

    g_assert_cmpint(g_mkdir_with_parents(dir, 0700), ==, 0);
    raw_exec(path, "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL);"
                   "INSERT INTO alembic_version VALUES ('129ac51807e4');"
                   "CREATE TABLE profiles (id INTEGER PRIMARY KEY, name TEXT UNIQUE);");
    assert_refused(dir, path, "created by Libervia 0.9");
}

static void
test_not_a_database_refused(void)
{
    g_autoptr(LvTestHome) home = lv_test_home_new(NULL, NULL);
    g_autofree char *dir = local_dir(home);
    g_autofree char *path = g_build_filename(dir, "libervia.db", NULL);
    g_autofree char *junk = g_strnfill(8192, 'x');

    g_assert_cmpint(g_mkdir_with_parents(dir, 0700), ==, 0);
    g_assert_true(g_file_set_contents(path, junk, -1, NULL));
    assert_refused(dir, path, "not a database");
}

static LvStorage *
open_fresh(LvTestHome **home)
{
    *home = lv_test_home_new(NULL, NULL);
    g_autofree char *dir = local_dir(*home);
    g_autoptr(GError) error = NULL;
    LvStorage *storage = lv_storage_open(dir, &error);

    g_assert_no_error(error);
    return storage;
}

static void
test_profiles(void)
{
    g_autoptr(LvTestHome) home = NULL;
    g_autoptr(LvStorage) storage = open_fresh(&home);
    g_autoptr(GError) error = NULL;
    gint64 alice = 0, bob = 0, comp = 0, dup = 0;

    g_assert_true(lv_storage_profile_create(storage, "alice", "", "h1", "k1", NULL, &alice, NULL));
    g_assert_true(lv_storage_profile_create(storage, "bob", "", "h2", "k2", NULL, &bob, NULL));
    g_assert_true(
            lv_storage_profile_create(storage, "gw", "ap-gateway", "h3", "k3", NULL, &comp, NULL));
    g_assert_false(lv_storage_profile_create(storage, "bob", "", "h", "k", NULL, &dup, &error));
    g_assert_error(error, LV_ERROR, LV_ERROR_CONFLICT);

    g_autofree char *first_default = lv_storage_profile_dup_default(storage, NULL);
    g_assert_cmpstr(first_default, ==, "alice"); /* the first one created */
    g_autoptr(GPtrArray) clients = lv_storage_profile_list(storage, TRUE, FALSE, NULL);
    g_autoptr(GPtrArray) components = lv_storage_profile_list(storage, FALSE, TRUE, NULL);
    g_autoptr(GPtrArray) all = lv_storage_profile_list(storage, TRUE, TRUE, NULL);
    g_assert_cmpuint(clients->len, ==, 2);
    g_assert_cmpuint(components->len, ==, 1);
    g_assert_cmpstr(components->pdata[0], ==, "gw");
    g_assert_cmpuint(all->len, ==, 3);

    g_autoptr(LvStoredProfile) got = lv_storage_profile_get(storage, "bob", NULL);
    g_assert_cmpint(got->id, ==, bob);
    g_assert_cmpstr(got->password_hash, ==, "h2");
    g_assert_cmpstr(got->wrapped_key, ==, "k2");
    g_assert_false(got->is_default);
    g_assert_null(lv_storage_profile_get(storage, "nobody", NULL));

    g_assert_true(lv_storage_profile_set_default(storage, bob, NULL));
    g_autofree char *second_default = lv_storage_profile_dup_default(storage, NULL);
    g_assert_cmpstr(second_default, ==, "bob");

    /* Deleting the default hands it to the oldest profile left; rows go with it. */
    g_assert_true(lv_storage_param_set(storage, bob, "Connection", "JabberID", "b@x", NULL));
    g_assert_true(lv_storage_profile_delete(storage, bob, NULL));
    g_autofree char *third_default = lv_storage_profile_dup_default(storage, NULL);
    g_assert_cmpstr(third_default, ==, "alice");
    g_autofree char *orphan = lv_storage_param_get(storage, bob, "Connection", "JabberID", NULL);
    g_assert_null(orphan);
}

static void
test_params_and_private_data(void)
{
    g_autoptr(LvTestHome) home = NULL;
    g_autoptr(LvStorage) storage = open_fresh(&home);
    gint64 id = 0;

    g_assert_true(lv_storage_profile_create(storage, "p", "", "h", "k", NULL, &id, NULL));
    g_assert_true(lv_storage_param_set(storage, id, "Connection", "Priority", "5", NULL));
    g_assert_true(lv_storage_param_set(storage, id, "Connection", "Priority", "7", NULL));
    g_assert_true(lv_storage_param_set(storage, 0, "Connection", "Priority", "9", NULL));
    g_autofree char *ind = lv_storage_param_get(storage, id, "Connection", "Priority", NULL);
    g_autofree char *gen = lv_storage_param_get(storage, 0, "Connection", "Priority", NULL);
    g_assert_cmpstr(ind, ==, "7");
    g_assert_cmpstr(gen, ==, "9");

    g_assert_true(lv_storage_private_set(storage, id, "tui", "layout", "{\"a\":1}", NULL));
    g_assert_true(lv_storage_private_set(storage, 0, "tui", "layout", "general", NULL));
    g_autofree char *mine = lv_storage_private_get(storage, id, "tui", "layout", NULL);
    g_autofree char *general = lv_storage_private_get(storage, 0, "tui", "layout", NULL);
    g_assert_cmpstr(mine, ==, "{\"a\":1}");
    g_assert_cmpstr(general, ==, "general");
    g_assert_true(lv_storage_private_delete(storage, id, "tui", "layout", NULL));
    g_autofree char *gone = lv_storage_private_get(storage, id, "tui", "layout", NULL);
    g_assert_null(gone);
}

static void
test_history_dedup_keys(void)
{
    g_autoptr(LvTestHome) home = NULL;
    g_autoptr(LvStorage) storage = open_fresh(&home);
    gint64 id = 0;
    const char *insert = "INSERT OR IGNORE INTO history (uid, profile_id, archive_jid, "
                         "stanza_id, origin_id, sender_bare, source, dest, timestamp, type) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, 'me@x', 1.0, 'chat')";
    const struct {
        const char *uid, *archive, *stanza_id, *origin_id, *sender;
        int stored;
    } rows[] = {
        { "u1", "me@x", "s1", "o1", "a@x", 1 },
        { "u2", "me@x", "s1", "o2", "a@x", 0 },   /* same archive stanza-id */
        { "u3", "me@x", "s3", "o1", "a@x", 0 },   /* same sender origin-id */
        { "u4", "me@x", "s4", "o1", "b@x", 1 },   /* another sender may reuse an origin-id */
        { "u5", "room@x", "s1", NULL, "c@x", 1 }, /* another archive may reuse a stanza-id */
        { "u6", NULL, NULL, NULL, "c@x", 1 },     /* id-less legacy stanzas are all kept */
        { "u7", NULL, NULL, NULL, "c@x", 1 },
    };

    g_assert_true(lv_storage_profile_create(storage, "p", "", "h", "k", NULL, &id, NULL));
    for (gsize i = 0; i < G_N_ELEMENTS(rows); i++) {
        sqlite3_stmt *stmt = lv_storage_prepare(storage, insert, NULL);
        sqlite3_bind_text(stmt, 1, rows[i].uid, -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 2, id);
        sqlite3_bind_text(stmt, 3, rows[i].archive, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 4, rows[i].stanza_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 5, rows[i].origin_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 6, rows[i].sender, -1, SQLITE_STATIC);
        g_assert_cmpint(sqlite3_step(stmt), ==, SQLITE_DONE);
        g_assert_cmpint(sqlite3_changes(sqlite3_db_handle(stmt)), ==, rows[i].stored);
        sqlite3_reset(stmt);
    }
    /* The full-text index follows the messages. */
    sqlite3_stmt *msg = lv_storage_prepare(
            storage,
            "INSERT INTO history_message (history_id, message) SELECT id, 'hello brave world' "
            "FROM history WHERE uid = 'u1'",
            NULL);
    g_assert_cmpint(sqlite3_step(msg), ==, SQLITE_DONE);
    sqlite3_reset(msg);
    sqlite3_stmt *search = lv_storage_prepare(
            storage,
            "SELECT count(*) FROM history_message_fts WHERE history_message_fts MATCH 'brave'",
            NULL);
    g_assert_cmpint(sqlite3_step(search), ==, SQLITE_ROW);
    g_assert_cmpint(sqlite3_column_int(search, 0), ==, 1);
    sqlite3_reset(search);
}

static void
test_full_disk_creates_nothing(void)
{
    g_autoptr(LvTestHome) home = NULL;
    g_autoptr(LvStorage) storage = open_fresh(&home);
    g_autoptr(GHashTable) params = g_hash_table_new(g_str_hash, g_str_equal);
    g_autofree char *big = g_strnfill(256 * 1024, 'x');
    g_autoptr(GError) error = NULL;
    gint64 id = 0;

    /* The database may not grow: what the profile needs does not fit. */
    sqlite3_stmt *stmt = lv_storage_prepare(storage, "PRAGMA page_count", NULL);
    g_assert_cmpint(sqlite3_step(stmt), ==, SQLITE_ROW);
    g_autofree char *limit =
            g_strdup_printf("PRAGMA max_page_count = %d", sqlite3_column_int(stmt, 0) + 2);
    sqlite3_reset(stmt);
    stmt = lv_storage_prepare(storage, limit, NULL);
    sqlite3_step(stmt);
    sqlite3_reset(stmt);

    g_hash_table_insert(params, "Connection\nJabberID", "a@x");
    g_hash_table_insert(params, "General\nBig", big);
    g_assert_false(lv_storage_profile_create(storage, "p", "", "h", "k", params, &id, &error));
    g_assert_error(error, LV_ERROR, LV_ERROR_DATABASE);
    g_assert_nonnull(strstr(error->message, "full"));
    g_autoptr(LvStoredProfile) profile = lv_storage_profile_get(storage, "p", NULL);
    g_assert_null(profile);
    g_autoptr(GPtrArray) names = lv_storage_profile_list(storage, TRUE, TRUE, NULL);
    g_assert_cmpuint(names->len, ==, 0);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/lv/storage/migrations/from-empty", test_create_empty);
    g_test_add_func("/lv/storage/refuses/newer-schema", test_newer_schema_refused);
    g_test_add_func("/lv/storage/refuses/libervia-0.9-database", test_libervia_db_refused);
    g_test_add_func("/lv/storage/refuses/not-a-database", test_not_a_database_refused);
    g_test_add_func("/lv/storage/profiles", test_profiles);
    g_test_add_func("/lv/storage/params-and-private-data", test_params_and_private_data);
    g_test_add_func("/lv/storage/history/dedup-keys", test_history_dedup_keys);
    g_test_add_func("/lv/storage/full-disk-creates-nothing", test_full_disk_creates_nothing);
    return g_test_run();
}
