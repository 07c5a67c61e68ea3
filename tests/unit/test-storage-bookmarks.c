/* Tests of lv-storage-bookmarks and of migration 3 (the bookmarks_local table). */
#include <sqlite3.h>

#include "lv-storage-bookmarks.h"
#include "lv-storage-profiles.h"
#include "lv-test-util.h"

static void
raw_exec(const char *path, const char *sql)
{
    sqlite3 *db = NULL;

    g_assert_cmpint(sqlite3_open(path, &db), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_exec(db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close(db);
}

static void
test_migration_2_to_3(void)
{
    g_autoptr(LvTestHome) home = lv_test_home_new(NULL, NULL);
    g_autofree char *dir = g_build_filename(home->root, "local", NULL);
    g_autofree char *path = g_build_filename(dir, "libervia.db", NULL);
    g_autoptr(GError) error = NULL;

    /* A database as a version-2 backend left it. */
    g_assert_cmpint(g_mkdir_with_parents(dir, 0700), ==, 0);
    raw_exec(path, lv_storage_migration_sql(1));
    raw_exec(path, lv_storage_migration_sql(2));
    raw_exec(path, "PRAGMA user_version = 2;"
                   "INSERT INTO profiles (id, name, created) VALUES (7, 'old', 0);"
                   "INSERT INTO profile_secrets VALUES (7, 'h', 'k');");
    g_autoptr(LvStorage) storage = lv_storage_open(dir, &error);
    g_assert_no_error(error);
    g_assert_cmpint(lv_storage_get_schema_version(storage), ==, 3);
    g_autoptr(LvStoredProfile) profile = lv_storage_profile_get(storage, "old", NULL);
    g_assert_nonnull(profile);
    g_assert_true(lv_storage_bookmark_set(storage, 7, "muc", "r@c.org",
                                          g_variant_new_parsed("@a{ss} {}"), &error));
    g_assert_no_error(error);
}

static void
test_rows(void)
{
    g_autoptr(LvTestHome) home = lv_test_home_new(NULL, NULL);
    g_autofree char *dir = g_build_filename(home->root, "local", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(LvStorage) storage = lv_storage_open(dir, &error);
    gint64 id = 0, other = 0;
    gboolean removed = FALSE;

    g_assert_true(lv_storage_profile_create(storage, "p", "", "h", "k", NULL, &id, NULL));
    g_assert_true(lv_storage_profile_create(storage, "q", "", "h", "k", NULL, &other, NULL));
    g_assert_true(lv_storage_bookmark_set(storage, id, "muc", "b@c.org",
                                          g_variant_new_parsed("{'name': 'B', 'autojoin': 'true'}"),
                                          NULL));
    g_assert_true(lv_storage_bookmark_set(storage, id, "muc", "a@c.org",
                                          g_variant_new_parsed("{'nick': 'n'}"), NULL));
    g_assert_true(lv_storage_bookmark_set(storage, id, "muc", "a@c.org",
                                          g_variant_new_parsed("{'nick': 'm'}"), NULL));
    g_assert_true(lv_storage_bookmark_set(storage, id, "url", "https://x.org",
                                          g_variant_new_parsed("@a{ss} {}"), NULL));
    g_assert_true(lv_storage_bookmark_set(storage, other, "muc", "z@c.org",
                                          g_variant_new_parsed("@a{ss} {}"), NULL));
    g_autoptr(GVariant) rooms =
            g_variant_ref_sink(lv_storage_bookmark_list(storage, id, "muc", &error));
    g_assert_no_error(error);
    g_autofree char *printed = g_variant_print(rooms, FALSE);
    g_assert_cmpstr(printed, ==,
                    "{'a@c.org': {'nick': 'm'}, 'b@c.org': {'name': 'B', 'autojoin': 'true'}}");
    /* A damaged row gives what can be read, not an error. */
    sqlite3_stmt *stmt = lv_storage_prepare(
            storage, "UPDATE bookmarks_local SET data = '[1' WHERE location = 'a@c.org'", NULL);
    g_assert_true(lv_storage_step_done(storage, stmt, NULL));
    g_autoptr(GVariant) damaged =
            g_variant_ref_sink(lv_storage_bookmark_list(storage, id, "muc", &error));
    g_assert_no_error(error);
    g_assert_cmpuint(g_variant_n_children(damaged), ==, 2);
    g_assert_true(lv_storage_bookmark_delete(storage, id, "muc", "a@c.org", &removed, NULL));
    g_assert_true(removed);
    g_assert_true(lv_storage_bookmark_delete(storage, id, "muc", "a@c.org", &removed, NULL));
    g_assert_false(removed);
    /* The type is checked by the schema; the rows go with their profile. */
    g_assert_false(lv_storage_bookmark_set(storage, id, "link", "x",
                                           g_variant_new_parsed("@a{ss} {}"), &error));
    g_clear_error(&error);
    g_assert_true(lv_storage_profile_delete(storage, id, NULL));
    g_autoptr(GVariant) gone =
            g_variant_ref_sink(lv_storage_bookmark_list(storage, id, "url", NULL));
    g_assert_cmpuint(g_variant_n_children(gone), ==, 0);
    g_autoptr(GVariant) kept =
            g_variant_ref_sink(lv_storage_bookmark_list(storage, other, "muc", NULL));
    g_assert_cmpuint(g_variant_n_children(kept), ==, 1);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/lv/storage/migrations/2-to-3-bookmarks", test_migration_2_to_3);
    g_test_add_func("/lv/storage/bookmarks/rows", test_rows);
    return g_test_run();
}
