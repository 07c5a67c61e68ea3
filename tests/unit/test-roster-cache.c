/* Tests of lv-roster-cache: the roster and its version kept in libervia.db between
 * sessions (RFC 6121 §2.6). */
#include "lv-roster-cache.h"
#include "lv-storage-profiles.h"
#include "lv-test-util.h"

typedef struct {
    LvTestHome *home;
    LvStorage *storage;
    gint64 profile;
    GHashTable *roster;
} Fixture;

static void
fixture_set_up(Fixture *fixture, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = NULL;

    fixture->home = lv_test_home_new(NULL, NULL);
    dir = g_build_filename(fixture->home->root, "local", NULL);
    fixture->storage = lv_storage_open(dir, &error);
    g_assert_no_error(error);
    g_assert_true(lv_storage_profile_create(fixture->storage, "alice", "", "h", "k", NULL,
                                            &fixture->profile, &error));
    fixture->roster =
            g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_variant_unref);
}

static void
fixture_tear_down(Fixture *fixture, gconstpointer data)
{
    g_hash_table_unref(fixture->roster);
    lv_storage_close(fixture->storage);
    lv_test_home_free(fixture->home);
}

static void
add_item(GHashTable *roster, const char *text)
{
    GVariant *item = g_variant_ref_sink(g_variant_new_parsed(text));
    const char *jid = NULL;

    g_variant_get_child(item, 0, "&s", &jid);
    g_hash_table_replace(roster, g_strdup(jid), item);
}

static void
test_round_trip(Fixture *fixture, gconstpointer data)
{
    g_autoptr(GHashTable) loaded =
            g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_variant_unref);

    add_item(fixture->roster, "('bob@example.org', {'to': 'True', 'from': 'True', 'ask': 'False', "
                              "'subscription': 'both', 'name': 'Bob'}, ['friends', 'work'])");
    add_item(fixture->roster, "('carol@example.org', {'to': 'False', 'from': 'False', 'ask': "
                              "'True', 'subscription': 'none'}, @as [])");
    lv_roster_cache_save(fixture->storage, fixture->profile, "alice@example.org", "v7",
                         fixture->roster);
    g_hash_table_insert(loaded, g_strdup("stale@example.org"),
                        g_variant_ref_sink(g_variant_new_parsed("('stale@example.org', @a{ss} "
                                                                "{}, @as [])")));
    g_autofree char *ver =
            lv_roster_cache_load(fixture->storage, fixture->profile, "alice@example.org", loaded);
    g_assert_cmpstr(ver, ==, "v7");
    g_assert_cmpuint(g_hash_table_size(loaded), ==, 2); /* emptied first */
    GVariant *bob = g_hash_table_lookup(loaded, "bob@example.org");
    g_assert_nonnull(bob);
    g_assert_true(g_variant_equal(bob, g_hash_table_lookup(fixture->roster, "bob@example.org")));
    g_assert_true(g_variant_equal(g_hash_table_lookup(loaded, "carol@example.org"),
                                  g_hash_table_lookup(fixture->roster, "carol@example.org")));
    /* Readable for what it is: one JSON object in the profile's private data. */
    g_autofree char *text =
            lv_storage_private_get(fixture->storage, fixture->profile, LV_ROSTER_CACHE_NAMESPACE,
                                   LV_ROSTER_CACHE_KEY, NULL);
    g_assert_nonnull(g_strstr_len(text, -1, "\"ver\":\"v7\""));
    g_assert_nonnull(g_strstr_len(text, -1, "\"jid\":\"alice@example.org\""));
}

static void
test_another_account(Fixture *fixture, gconstpointer data)
{
    add_item(fixture->roster, "('bob@example.org', @a{ss} {'to': 'True'}, @as [])");
    lv_roster_cache_save(fixture->storage, fixture->profile, "alice@example.org", "v1",
                         fixture->roster);
    /* The profile's JabberID changed: that roster is not this account's. */
    g_autofree char *ver = lv_roster_cache_load(fixture->storage, fixture->profile,
                                                "alice@other.example", fixture->roster);
    g_assert_null(ver);
    g_assert_cmpuint(g_hash_table_size(fixture->roster), ==, 0);
}

static void
test_forget_and_bad_data(Fixture *fixture, gconstpointer data)
{
    char *ver = NULL;

    g_assert_null(lv_roster_cache_load(fixture->storage, fixture->profile, "alice@example.org",
                                       fixture->roster)); /* nothing kept yet */
    add_item(fixture->roster, "('bob@example.org', @a{ss} {'to': 'True'}, @as [])");
    lv_roster_cache_save(fixture->storage, fixture->profile, "alice@example.org", "v1",
                         fixture->roster);
    lv_roster_cache_save(fixture->storage, fixture->profile, "alice@example.org", NULL,
                         fixture->roster); /* no version: forgotten */
    g_assert_null(lv_roster_cache_load(fixture->storage, fixture->profile, "alice@example.org",
                                       fixture->roster));
    const char *bad[] = { "not json", "[1, 2]", "{\"jid\": \"alice@example.org\"}",
                          "{\"jid\": \"alice@example.org\", \"ver\": \"v2\", \"items\": 3}",
                          "{\"jid\": \"alice@example.org\", \"ver\": \"v2\", \"items\": [[1]]}" };
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        add_item(fixture->roster, "('bob@example.org', @a{ss} {}, @as [])");
        g_assert_true(lv_storage_private_set(fixture->storage, fixture->profile,
                                             LV_ROSTER_CACHE_NAMESPACE, LV_ROSTER_CACHE_KEY, bad[i],
                                             NULL));
        ver = lv_roster_cache_load(fixture->storage, fixture->profile, "alice@example.org",
                                   fixture->roster);
        g_assert_null(ver);
        g_assert_cmpuint(g_hash_table_size(fixture->roster), ==, 0);
    }
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add("/lv/roster-cache/round-trip", Fixture, NULL, fixture_set_up, test_round_trip,
               fixture_tear_down);
    g_test_add("/lv/roster-cache/another-account", Fixture, NULL, fixture_set_up,
               test_another_account, fixture_tear_down);
    g_test_add("/lv/roster-cache/forget-and-bad-data", Fixture, NULL, fixture_set_up,
               test_forget_and_bad_data, fixture_tear_down);
    return g_test_run();
}
