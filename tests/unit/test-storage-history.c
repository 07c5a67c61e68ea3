/* Tests of lv-storage-history: each message stored once whatever path it came by,
 * historyGet's filters, states, corrections, retractions, the outbox, the MAM
 * catch-up point, migration 1 -> 2 and writes that fail whole. */
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "lv-error.h"
#include "lv-storage-history.h"
#include "lv-storage-profiles.h"
#include "lv-test-util.h"

#define ME "me@example.org"
#define ALICE "alice@example.org"
#define BOB "bob@example.org"

typedef struct {
    LvTestHome *home;
    LvStorage *storage;
    gint64 profile;
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
    g_assert_true(lv_storage_profile_create(fixture->storage, "p", "", "h", "k", NULL,
                                            &fixture->profile, &error));
    g_assert_no_error(error);
}

static void
fixture_tear_down(Fixture *fixture, gconstpointer data)
{
    g_clear_pointer(&fixture->storage, lv_storage_close);
    g_clear_pointer(&fixture->home, lv_test_home_free);
}

/* A chat message from @from to @to; "a/b" JIDs give a resource. */
static LvHistoryRow *
message(const char *from, const char *to, double timestamp, const char *text)
{
    LvHistoryRow *row = lv_history_row_new();
    g_auto(GStrv) source = g_strsplit(from, "/", 2);
    g_auto(GStrv) dest = g_strsplit(to, "/", 2);

    row->sender_bare = g_strdup(source[0]);
    row->source = g_strdup(source[0]);
    row->source_res = g_strdup(source[1]);
    row->dest = g_strdup(dest[0]);
    row->dest_res = g_strdup(dest[1]);
    row->timestamp = timestamp;
    row->type = g_strdup("chat");
    row->messages = g_variant_ref_sink(g_variant_new_parsed("{'': %s}", text));
    row->extra = g_strdup("{}");
    return row;
}

static void
set_ids(LvHistoryRow *row, const char *stanza_id, const char *origin_id)
{
    g_free(row->stanza_id);
    g_free(row->archive_jid);
    g_free(row->origin_id);
    row->stanza_id = g_strdup(stanza_id);
    row->archive_jid = g_strdup(stanza_id != NULL ? ME : NULL);
    row->origin_id = g_strdup(origin_id);
}

/* Adds @row (freed) and checks whether it was new; the stored uid. */
static char *
add(Fixture *fixture, LvHistoryRow *row, gboolean expect_new)
{
    g_autoptr(LvHistoryRow) owned = row;
    g_autoptr(GError) error = NULL;
    gboolean inserted = !expect_new;
    char *uid =
            lv_storage_history_add(fixture->storage, fixture->profile, owned, &inserted, &error);

    g_assert_no_error(error);
    g_assert_nonnull(uid);
    g_assert_cmpint(inserted, ==, expect_new);
    return uid;
}

static int
count(Fixture *fixture, const char *sql)
{
    sqlite3_stmt *stmt = lv_storage_prepare(fixture->storage, sql, NULL);

    g_assert_nonnull(stmt);
    g_assert_cmpint(sqlite3_step(stmt), ==, SQLITE_ROW);
    int n = sqlite3_column_int(stmt, 0);
    sqlite3_reset(stmt);
    return n;
}

static void
exec_sql(Fixture *fixture, const char *sql)
{
    sqlite3_stmt *stmt = lv_storage_prepare(fixture->storage, sql, NULL);

    g_assert_nonnull(stmt);
    g_assert_cmpint(sqlite3_step(stmt), ==, SQLITE_DONE);
    sqlite3_reset(stmt);
}

/* The body ("" language) of @row. */
static const char *
body(const LvHistoryRow *row)
{
    const char *text = NULL;

    if (!g_variant_lookup(row->messages, "", "&s", &text))
        return NULL;
    return text;
}

static void
test_dedup_stanza_id(Fixture *fixture, gconstpointer data)
{
    LvHistoryRow *first = message(ALICE, ME, 10, "hi");
    LvHistoryRow *again = message(ALICE, ME, 10, "hi");

    set_ids(first, "s1", "o1");
    set_ids(again, "s1", "o-other"); /* the archive's key alone is enough */
    g_autofree char *uid = add(fixture, first, TRUE);
    g_autofree char *same = add(fixture, again, FALSE);
    g_assert_cmpstr(uid, ==, same);
    g_assert_cmpint(count(fixture, "SELECT count(*) FROM history"), ==, 1);
    g_assert_cmpint(count(fixture, "SELECT count(*) FROM history_message"), ==, 1);
}

static void
test_dedup_origin_id(Fixture *fixture, gconstpointer data)
{
    LvHistoryRow *first = message(ALICE, ME, 10, "hi");
    LvHistoryRow *again = message(ALICE, ME, 10, "hi");

    set_ids(first, NULL, "o1");
    set_ids(again, NULL, "o1");
    g_autofree char *uid = add(fixture, first, TRUE);
    g_autofree char *same = add(fixture, again, FALSE);
    g_assert_cmpstr(uid, ==, same);
    g_assert_cmpint(count(fixture, "SELECT count(*) FROM history"), ==, 1);

    g_autofree char *found =
            lv_storage_history_find(fixture->storage, fixture->profile, ALICE, "o1", NULL);
    g_assert_cmpstr(found, ==, uid);
    g_autofree char *none =
            lv_storage_history_find(fixture->storage, fixture->profile, ALICE, "nope", NULL);
    g_assert_null(none);
}

static void
test_dedup_two_senders(Fixture *fixture, gconstpointer data)
{
    LvHistoryRow *from_alice = message(ALICE, ME, 10, "hi");
    LvHistoryRow *from_bob = message(BOB, ME, 10, "hi");

    set_ids(from_alice, NULL, "same-id");
    set_ids(from_bob, NULL, "same-id");
    g_autofree char *a = add(fixture, from_alice, TRUE);
    g_autofree char *b = add(fixture, from_bob, TRUE);
    g_assert_cmpstr(a, !=, b);
    g_autofree char *found_a =
            lv_storage_history_find(fixture->storage, fixture->profile, ALICE, "same-id", NULL);
    g_autofree char *found_b =
            lv_storage_history_find(fixture->storage, fixture->profile, BOB, "same-id", NULL);
    g_assert_cmpstr(found_a, ==, a);
    g_assert_cmpstr(found_b, ==, b);
}

static void
test_dedup_fills_missing_ids(Fixture *fixture, gconstpointer data)
{
    LvHistoryRow *live = message(ALICE, ME, 10, "hi");
    LvHistoryRow *mam = message(ALICE, ME, 10, "hi");
    LvHistoryRow *mam_without_origin = message(ALICE, ME, 10, "hi");

    set_ids(live, NULL, "o1");
    set_ids(mam, "s1", "o1");
    set_ids(mam_without_origin, "s1", NULL);
    g_autofree char *uid = add(fixture, live, TRUE);
    g_autofree char *same = add(fixture, mam, FALSE);
    g_autofree char *still = add(fixture, mam_without_origin, FALSE);
    g_assert_cmpstr(uid, ==, same);
    g_assert_cmpstr(uid, ==, still);
    g_assert_cmpint(count(fixture, "SELECT count(*) FROM history"), ==, 1);

    g_autoptr(LvHistoryRow) row =
            lv_storage_history_get(fixture->storage, fixture->profile, uid, NULL);
    g_assert_cmpstr(row->stanza_id, ==, "s1");
    g_assert_cmpstr(row->archive_jid, ==, ME);
    g_assert_cmpstr(row->origin_id, ==, "o1");
    g_assert_cmpstr(body(row), ==, "hi");
}

/* Messages between me and Alice (both ways) at t = 1..10 and to Bob at 1.5..10.5;
 * their uids in @alice (by time). */
static void
fill_conversations(Fixture *fixture, GPtrArray *alice)
{
    for (int i = 1; i <= 10; i++) {
        g_autofree char *text = g_strdup_printf("alice message %d%s", i, i == 4 ? " brave" : "");
        LvHistoryRow *row = i % 2 ? message(ALICE "/phone", ME "/pc", i, text)
                                  : message(ME "/pc", ALICE, i, text);
        g_ptr_array_add(alice, add(fixture, row, TRUE));
        g_autofree char *to_bob = g_strdup_printf("bob message %d", i);
        g_free(add(fixture, message(ME, BOB, i + 0.5, to_bob), TRUE));
    }
}

static GPtrArray *
query(Fixture *fixture, const LvHistoryQuery *q)
{
    g_autoptr(GError) error = NULL;
    GPtrArray *rows = lv_storage_history_query(fixture->storage, fixture->profile, q, &error);

    g_assert_no_error(error);
    g_assert_nonnull(rows);
    return rows;
}

static void
assert_uids(GPtrArray *rows, GPtrArray *uids, guint first, guint n)
{
    g_assert_cmpuint(rows->len, ==, n);
    for (guint i = 0; i < n; i++)
        g_assert_cmpstr(((LvHistoryRow *)rows->pdata[i])->uid, ==, uids->pdata[first + i]);
}

static void
test_query_last_n(Fixture *fixture, gconstpointer data)
{
    g_autoptr(GPtrArray) alice = g_ptr_array_new_with_free_func(g_free);
    LvHistoryQuery q = { .from_jid = ME, .to_jid = ALICE, .between = TRUE, .limit = 3 };

    fill_conversations(fixture, alice);
    g_autoptr(GPtrArray) last = query(fixture, &q);
    assert_uids(last, alice, 7, 3); /* the newest 3, oldest first */
    g_assert_cmpstr(body(last->pdata[2]), ==, "alice message 10");

    q.limit = 0;
    g_autoptr(GPtrArray) all = query(fixture, &q);
    assert_uids(all, alice, 0, 10);
    LvHistoryQuery everything = { 0 };
    g_autoptr(GPtrArray) both = query(fixture, &everything);
    g_assert_cmpuint(both->len, ==, 20);
}

static void
test_query_between(Fixture *fixture, gconstpointer data)
{
    g_autoptr(GPtrArray) alice = g_ptr_array_new_with_free_func(g_free);

    fill_conversations(fixture, alice);
    /* Both directions whichever JID is given first, resources ignored for bare JIDs. */
    LvHistoryQuery q = { .from_jid = ALICE, .to_jid = ME, .between = TRUE };
    g_autoptr(GPtrArray) rows = query(fixture, &q);
    assert_uids(rows, alice, 0, 10);

    /* One direction only. */
    q.between = FALSE;
    g_autoptr(GPtrArray) one_way = query(fixture, &q);
    g_assert_cmpuint(one_way->len, ==, 5);
    for (guint i = 0; i < one_way->len; i++)
        g_assert_cmpstr(((LvHistoryRow *)one_way->pdata[i])->source, ==, ALICE);

    /* A full JID matches that resource only: my messages sent from "pc", both ways
     * with Alice's phone; to Alice's bare JID it means any of her resources. */
    LvHistoryQuery res = { .from_jid = ME "/pc", .to_jid = ALICE "/phone", .between = TRUE };
    g_autoptr(GPtrArray) with_res = query(fixture, &res);
    g_assert_cmpuint(with_res->len, ==, 5); /* ME/pc -> ALICE has no resource */
    res.to_jid = ALICE;
    g_autoptr(GPtrArray) with_bare = query(fixture, &res);
    g_assert_cmpuint(with_bare->len, ==, 10);
}

static void
test_query_from_only(Fixture *fixture, gconstpointer data)
{
    g_autoptr(GPtrArray) alice = g_ptr_array_new_with_free_func(g_free);

    fill_conversations(fixture, alice);
    LvHistoryQuery from_me = { .from_jid = ME };
    g_autoptr(GPtrArray) mine = query(fixture, &from_me);
    g_assert_cmpuint(mine->len, ==, 15); /* 5 to Alice, 10 to Bob */

    LvHistoryQuery to_bob = { .to_jid = BOB, .limit = 2 };
    g_autoptr(GPtrArray) bob = query(fixture, &to_bob);
    g_assert_cmpuint(bob->len, ==, 2);
    g_assert_cmpstr(body(bob->pdata[1]), ==, "bob message 10");

    /* Between with one JID: all with it, both ways. */
    LvHistoryQuery with_alice = { .to_jid = ALICE, .between = TRUE };
    g_autoptr(GPtrArray) rows = query(fixture, &with_alice);
    assert_uids(rows, alice, 0, 10);
    with_alice.limit = 3; /* each side is read up to the limit, then merged */
    g_autoptr(GPtrArray) last = query(fixture, &with_alice);
    assert_uids(last, alice, 7, 3);
    LvHistoryQuery with_me = { .from_jid = ME, .between = TRUE, .before = 10, .limit = 4 };
    g_autoptr(GPtrArray) mine_both = query(fixture, &with_me);
    g_assert_cmpuint(mine_both->len, ==, 4);
    g_assert_cmpstr(body(mine_both->pdata[0]), ==, "alice message 8");
    g_assert_cmpstr(body(mine_both->pdata[3]), ==, "bob message 9");
    LvHistoryQuery phone = { .from_jid = ALICE "/phone" };
    g_autoptr(GPtrArray) from_phone = query(fixture, &phone);
    g_assert_cmpuint(from_phone->len, ==, 5);
    LvHistoryQuery bad = { .from_jid = "@bad" };
    g_autoptr(GError) error = NULL;
    g_assert_null(lv_storage_history_query(fixture->storage, fixture->profile, &bad, &error));
    g_assert_error(error, LV_ERROR, LV_ERROR_DATA);
}

static guint
search_count(Fixture *fixture, const char *text)
{
    LvHistoryQuery q = { .search = text };
    g_autoptr(GPtrArray) rows = query(fixture, &q);

    return rows->len;
}

static void
test_query_search(Fixture *fixture, gconstpointer data)
{
    g_autoptr(GPtrArray) alice = g_ptr_array_new_with_free_func(g_free);
    const char *hostile[] = { "\"",     "\"\"",   "AND(",       "NEAR(a b",        "*",
                              "a OR b", "body:x", "-alice",     "'; DROP TABLE x", "^alice",
                              "(",      ")",      "alice AND",  "\"alice",         "{x}",
                              "a + b",  "NOT",    "message 4\"" };

    fill_conversations(fixture, alice);
    g_assert_cmpuint(search_count(fixture, "brave"), ==, 1);
    g_assert_cmpuint(search_count(fixture, "BRAVE alice"), ==, 1); /* all words, any case */
    g_assert_cmpuint(search_count(fixture, "brave bob"), ==, 0);
    g_assert_cmpuint(search_count(fixture, "message"), ==, 20);
    g_assert_cmpuint(search_count(fixture, "  "), ==, 20); /* no word: no filter */

    /* FTS5 syntax is only text: no error, and no operator takes effect. */
    for (gsize i = 0; i < G_N_ELEMENTS(hostile); i++)
        (void)search_count(fixture, hostile[i]);
    g_assert_cmpuint(search_count(fixture, "\""), ==, 0);
    g_assert_cmpuint(search_count(fixture, "alice OR bob"), ==, 0); /* no "or" in any text */
    g_assert_cmpuint(search_count(fixture, "AND(alice"), ==, 0);    /* a word "and" too */
    g_assert_cmpuint(search_count(fixture, "*"), ==, 0);

    LvHistoryQuery q = { .from_jid = ME, .to_jid = ALICE, .between = TRUE, .search = "brave" };
    g_autoptr(GPtrArray) rows = query(fixture, &q);
    assert_uids(rows, alice, 3, 1);
}

static void
test_query_types(Fixture *fixture, gconstpointer data)
{
    const char *groupchat[] = { "groupchat", NULL };
    const char *chat_and_unknown[] = { "chat", "nonsense", NULL };
    const char *unknown[] = { "nonsense", NULL };
    LvHistoryRow *room = message("room@muc.example.org", ME, 5, "in the room");

    g_free(room->type);
    room->type = g_strdup("groupchat");
    g_free(add(fixture, room, TRUE));
    g_free(add(fixture, message(ALICE, ME, 6, "private"), TRUE));

    LvHistoryQuery q = { .types = groupchat };
    g_autoptr(GPtrArray) only = query(fixture, &q);
    g_assert_cmpuint(only->len, ==, 1);
    g_assert_cmpstr(((LvHistoryRow *)only->pdata[0])->type, ==, "groupchat");
    LvHistoryQuery not_q = { .not_types = chat_and_unknown };
    g_autoptr(GPtrArray) not_chat = query(fixture, &not_q);
    g_assert_cmpuint(not_chat->len, ==, 1);
    LvHistoryQuery none_q = { .types = unknown };
    g_autoptr(GPtrArray) none = query(fixture, &none_q);
    g_assert_cmpuint(none->len, ==, 0);
    LvHistoryQuery all_q = { .not_types = unknown };
    g_autoptr(GPtrArray) all = query(fixture, &all_q);
    g_assert_cmpuint(all->len, ==, 2);
}

static void
test_query_before_after(Fixture *fixture, gconstpointer data)
{
    g_autoptr(GPtrArray) alice = g_ptr_array_new_with_free_func(g_free);

    fill_conversations(fixture, alice);
    LvHistoryQuery q = {
        .from_jid = ME, .to_jid = ALICE, .between = TRUE, .after = 3, .before = 7
    };
    g_autoptr(GPtrArray) rows = query(fixture, &q);
    assert_uids(rows, alice, 3, 3); /* t = 4, 5, 6 */
    q.before = 0;
    q.limit = 2;
    g_autoptr(GPtrArray) newest = query(fixture, &q);
    assert_uids(newest, alice, 8, 2);
}

static void
test_query_before_uid(Fixture *fixture, gconstpointer data)
{
    g_autoptr(GPtrArray) alice = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) error = NULL;

    fill_conversations(fixture, alice);
    /* Same timestamp as message 5: insertion order decides. */
    g_ptr_array_insert(alice, 5, add(fixture, message(ALICE, ME, 5, "same time"), TRUE));
    LvHistoryQuery q = {
        .from_jid = ME, .to_jid = ALICE, .between = TRUE, .limit = 3, .before_uid = alice->pdata[6]
    };
    g_autoptr(GPtrArray) page = query(fixture, &q); /* the page before, as a UI scrolls up */
    assert_uids(page, alice, 3, 3);
    q.before_uid = ((LvHistoryRow *)page->pdata[0])->uid;
    g_autoptr(GPtrArray) earlier = query(fixture, &q);
    assert_uids(earlier, alice, 0, 3);

    LvHistoryQuery after = {
        .from_jid = ME, .to_jid = ALICE, .between = TRUE, .after_uid = alice->pdata[5]
    };
    g_autoptr(GPtrArray) later = query(fixture, &after);
    assert_uids(later, alice, 6, 5);

    q.before_uid = "no-such-uid";
    g_assert_null(lv_storage_history_query(fixture->storage, fixture->profile, &q, &error));
    g_assert_error(error, LV_ERROR, LV_ERROR_NOT_FOUND);
}

static void
assert_state(Fixture *fixture, const char *uid, const char *state, gboolean expect_changed,
             const char *stored)
{
    g_autoptr(GError) error = NULL;
    gboolean changed = !expect_changed;

    g_assert_true(lv_storage_history_set_state(fixture->storage, fixture->profile, uid, state,
                                               &changed, &error));
    g_assert_no_error(error);
    g_assert_cmpint(changed, ==, expect_changed);
    g_autoptr(LvHistoryRow) row =
            lv_storage_history_get(fixture->storage, fixture->profile, uid, NULL);
    g_assert_cmpstr(row->state, ==, stored);
}

static char *
add_outgoing(Fixture *fixture, double timestamp, const char *state)
{
    LvHistoryRow *row = message(ME, ALICE, timestamp, "out");

    row->state = g_strdup(state);
    return add(fixture, row, TRUE);
}

static void
test_state_order(Fixture *fixture, gconstpointer data)
{
    g_autofree char *uid = add_outgoing(fixture, 1, "pending");
    g_autofree char *other = add_outgoing(fixture, 2, "sent");
    g_autoptr(GError) error = NULL;
    gboolean changed = FALSE;

    assert_state(fixture, uid, "sent", TRUE, "sent");
    assert_state(fixture, uid, "displayed", TRUE, "displayed"); /* skipping is forward */
    assert_state(fixture, uid, "delivered", FALSE, "displayed");
    assert_state(fixture, uid, "pending", FALSE, "displayed");
    assert_state(fixture, uid, "error", FALSE, "displayed");
    assert_state(fixture, uid, "displayed", FALSE, "displayed");

    assert_state(fixture, other, "error", TRUE, "error");
    assert_state(fixture, other, "delivered", FALSE, "error"); /* error is final */

    g_assert_false(lv_storage_history_set_state(fixture->storage, fixture->profile, "nope", "sent",
                                                &changed, &error));
    g_assert_error(error, LV_ERROR, LV_ERROR_NOT_FOUND);
    g_clear_error(&error);
    g_assert_false(lv_storage_history_set_state(fixture->storage, fixture->profile, uid, "read",
                                                &changed, &error));
    g_assert_error(error, LV_ERROR, LV_ERROR_INVALID_ARGUMENT);
}

static JsonObject *
extra_of(Fixture *fixture, const char *uid, LvHistoryRow **out)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    LvHistoryRow *row = lv_storage_history_get(fixture->storage, fixture->profile, uid, NULL);

    g_assert_nonnull(row);
    g_assert_true(json_parser_load_from_data(parser, row->extra, -1, NULL));
    *out = row;
    return json_object_ref(json_node_get_object(json_parser_get_root(parser)));
}

static void
correct(Fixture *fixture, const char *uid, const char *text, double timestamp)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) texts = g_variant_ref_sink(g_variant_new_parsed("{'': %s}", text));

    g_assert_true(lv_storage_history_correct(fixture->storage, fixture->profile, uid, texts,
                                             timestamp, &error));
    g_assert_no_error(error);
}

static void
test_correction(Fixture *fixture, gconstpointer data)
{
    g_autofree char *uid = add(fixture, message(ALICE, ME, 10, "hello old world"), TRUE);
    g_autoptr(LvHistoryRow) row = NULL;

    correct(fixture, uid, "hello new world", 20);
    correct(fixture, uid, "hello newest world", 30);
    correct(fixture, uid, "hello stale world", 25);  /* older than the last: replayed */
    correct(fixture, uid, "hello newest world", 40); /* the same text: nothing to keep */
    g_autoptr(JsonObject) extra = extra_of(fixture, uid, &row);
    g_assert_cmpstr(body(row), ==, "hello newest world");
    g_assert_cmpfloat(json_object_get_double_member(extra, "edited"), ==, 30);
    JsonArray *edits = json_object_get_array_member(extra, "edits");
    g_assert_cmpuint(json_array_get_length(edits), ==, 2);
    JsonObject *first = json_array_get_object_element(edits, 0);
    JsonObject *second = json_array_get_object_element(edits, 1);
    g_assert_cmpfloat(json_object_get_double_member(first, "timestamp"), ==, 10);
    g_assert_cmpstr(
            json_object_get_string_member(json_object_get_object_member(first, "message"), ""), ==,
            "hello old world");
    g_assert_cmpfloat(json_object_get_double_member(second, "timestamp"), ==, 20);

    /* The index follows: old words gone, new ones there. */
    g_assert_cmpuint(search_count(fixture, "old"), ==, 0);
    g_assert_cmpuint(search_count(fixture, "new"), ==, 0);
    g_assert_cmpuint(search_count(fixture, "newest"), ==, 1);
    g_assert_cmpuint(search_count(fixture, "hello"), ==, 1);

    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) texts = g_variant_ref_sink(g_variant_new_parsed("{'': 'x'}"));
    g_assert_false(lv_storage_history_correct(fixture->storage, fixture->profile, "nope", texts, 50,
                                              &error));
    g_assert_error(error, LV_ERROR, LV_ERROR_NOT_FOUND);
}

static void
test_retraction(Fixture *fixture, gconstpointer data)
{
    LvHistoryRow *row = message(ALICE, ME, 10, "regrettable words");
    LvHistoryRow *again = message(ALICE, ME, 10, "regrettable words");
    g_autoptr(LvHistoryRow) stored = NULL;
    g_autoptr(GError) error = NULL;

    set_ids(row, "s1", "o1");
    set_ids(again, "s1", "o1");
    g_free(row->extra);
    row->extra = g_strdup("{\"kept\":true}");
    g_autofree char *uid = add(fixture, row, TRUE);
    correct(fixture, uid, "regrettable words indeed", 20);
    g_assert_true(lv_storage_history_retract(fixture->storage, fixture->profile, uid, 30, &error));
    g_assert_no_error(error);

    g_autoptr(JsonObject) extra = extra_of(fixture, uid, &stored);
    g_assert_cmpuint(g_variant_n_children(stored->messages), ==, 0);
    g_assert_cmpfloat(json_object_get_double_member(extra, "retracted"), ==, 30);
    g_assert_false(json_object_has_member(extra, "edits")); /* old texts go too */
    g_assert_true(json_object_get_boolean_member(extra, "kept"));
    g_assert_cmpuint(search_count(fixture, "regrettable"), ==, 0);

    /* MAM brings it again: still one row, still without text; no correction revives it. */
    g_autofree char *same = add(fixture, again, FALSE);
    g_assert_cmpstr(same, ==, uid);
    correct(fixture, uid, "back again", 40);
    g_assert_cmpint(count(fixture, "SELECT count(*) FROM history"), ==, 1);
    g_assert_cmpint(count(fixture, "SELECT count(*) FROM history_message"), ==, 0);
    g_assert_false(
            lv_storage_history_retract(fixture->storage, fixture->profile, "nope", 1, &error));
    g_assert_error(error, LV_ERROR, LV_ERROR_NOT_FOUND);
}

static void
test_pending(Fixture *fixture, gconstpointer data)
{
    g_autofree char *later = add_outgoing(fixture, 3, "pending");
    g_autofree char *sent = add_outgoing(fixture, 1, "sent");
    g_autofree char *earlier = add_outgoing(fixture, 2, "pending");
    g_free(add(fixture, message(ALICE, ME, 0.5, "received"), TRUE));

    g_autoptr(GPtrArray) outbox =
            lv_storage_history_pending(fixture->storage, fixture->profile, NULL);
    g_assert_cmpuint(outbox->len, ==, 2);
    g_assert_cmpstr(((LvHistoryRow *)outbox->pdata[0])->uid, ==, earlier);
    g_assert_cmpstr(((LvHistoryRow *)outbox->pdata[1])->uid, ==, later);
    g_assert_cmpstr(body(outbox->pdata[0]), ==, "out");
    assert_state(fixture, earlier, "sent", TRUE, "sent");
    g_autoptr(GPtrArray) left =
            lv_storage_history_pending(fixture->storage, fixture->profile, NULL);
    g_assert_cmpuint(left->len, ==, 1);
}

static void
test_mam_last(Fixture *fixture, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    double timestamp = -1;

    g_autofree char *none =
            lv_storage_mam_get_last(fixture->storage, fixture->profile, ME, &timestamp, &error);
    g_assert_no_error(error);
    g_assert_null(none);
    g_assert_true(
            lv_storage_mam_set_last(fixture->storage, fixture->profile, ME, "id1", 100, NULL));
    g_assert_true(
            lv_storage_mam_set_last(fixture->storage, fixture->profile, ME, "id2", 200, NULL));
    g_assert_true(lv_storage_mam_set_last(fixture->storage, fixture->profile, "room@muc.x", "r1",
                                          50, NULL));
    g_autofree char *last =
            lv_storage_mam_get_last(fixture->storage, fixture->profile, ME, &timestamp, &error);
    g_assert_cmpstr(last, ==, "id2");
    g_assert_cmpfloat(timestamp, ==, 200);
    g_autofree char *room = lv_storage_mam_get_last(fixture->storage, fixture->profile,
                                                    "room@muc.x", &timestamp, &error);
    g_assert_cmpstr(room, ==, "r1");

    /* The point goes with the profile. */
    g_assert_true(lv_storage_profile_delete(fixture->storage, fixture->profile, NULL));
    g_assert_cmpint(count(fixture, "SELECT count(*) FROM mam_catchup"), ==, 0);
}

static void
test_to_variant(Fixture *fixture, gconstpointer data)
{
    LvHistoryRow *row = message(ALICE "/phone", ME, 10.5, "hi");
    const char *uid = NULL, *from = NULL, *to = NULL, *type = NULL, *extra = NULL;
    g_autoptr(GVariant) message_texts = NULL;
    g_autoptr(GVariant) subjects = NULL;
    double timestamp = 0;

    row->state = g_strdup("delivered");
    g_free(row->extra);
    row->extra = g_strdup("{\"thread\":\"t1\"}");
    row->subjects = g_variant_ref_sink(g_variant_new_parsed("{'en': 'topic'}"));
    g_autofree char *stored_uid = add(fixture, row, TRUE);
    g_autoptr(LvHistoryRow) stored =
            lv_storage_history_get(fixture->storage, fixture->profile, stored_uid, NULL);
    g_autoptr(GVariant) variant = g_variant_ref_sink(lv_history_row_to_variant(stored));

    g_assert_cmpstr(g_variant_get_type_string(variant), ==, "(sdssa{ss}a{ss}ss)");
    g_variant_get(variant, "(&sd&s&s@a{ss}@a{ss}&s&s)", &uid, &timestamp, &from, &to,
                  &message_texts, &subjects, &type, &extra);
    g_assert_cmpstr(uid, ==, stored_uid);
    g_assert_cmpfloat(timestamp, ==, 10.5);
    g_assert_cmpstr(from, ==, ALICE "/phone");
    g_assert_cmpstr(to, ==, ME);
    g_assert_cmpstr(type, ==, "chat");
    g_assert_cmpuint(g_variant_n_children(subjects), ==, 1);
    g_autoptr(JsonParser) parser = json_parser_new();
    g_assert_true(json_parser_load_from_data(parser, extra, -1, NULL));
    JsonObject *object = json_node_get_object(json_parser_get_root(parser));
    g_assert_cmpstr(json_object_get_string_member(object, "state"), ==, "delivered");
    g_assert_cmpstr(json_object_get_string_member(object, "thread"), ==, "t1");
    g_autoptr(LvHistoryRow) empty = lv_history_row_new();
    g_autoptr(GVariant) blank = g_variant_ref_sink(lv_history_row_to_variant(empty));
    g_assert_cmpstr(g_variant_get_type_string(blank), ==, "(sdssa{ss}a{ss}ss)");
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

static void
test_migration_1_to_2(void)
{
    g_autoptr(LvTestHome) home = lv_test_home_new(NULL, NULL);
    g_autofree char *dir = g_build_filename(home->root, "local", NULL);
    g_autofree char *path = g_build_filename(dir, "libervia.db", NULL);
    g_autoptr(GError) error = NULL;

    /* A database as a version-1 backend left it. */
    g_assert_cmpint(g_mkdir_with_parents(dir, 0700), ==, 0);
    raw_exec(path, lv_storage_migration_sql(1));
    raw_exec(path, "PRAGMA user_version = 1;"
                   "INSERT INTO profiles (id, name, created) VALUES (7, 'old', 0);"
                   "INSERT INTO history (id, uid, profile_id, origin_id, sender_bare, source, "
                   "dest, timestamp, type, state) VALUES (1, 'u-old', 7, 'o1', 'a@x', 'a@x', "
                   "'me@x', 5.0, 'chat', 'pending');"
                   "INSERT INTO history_message (history_id, message) VALUES (1, 'kept text');");

    g_autoptr(LvStorage) storage = lv_storage_open(dir, &error);
    g_assert_no_error(error);
    g_assert_cmpint(lv_storage_get_schema_version(storage), ==, LV_STORAGE_SCHEMA_VERSION);
    g_autoptr(LvHistoryRow) row = lv_storage_history_get(storage, 7, "u-old", &error);
    g_assert_no_error(error);
    g_assert_nonnull(row);
    const char *text = NULL;
    g_assert_true(g_variant_lookup(row->messages, "", "&s", &text));
    g_assert_cmpstr(text, ==, "kept text");
    g_autofree char *found = lv_storage_history_find(storage, 7, "a@x", "o1", NULL);
    g_assert_cmpstr(found, ==, "u-old");
    g_autoptr(GPtrArray) outbox = lv_storage_history_pending(storage, 7, NULL);
    g_assert_cmpuint(outbox->len, ==, 1);
    g_assert_true(lv_storage_mam_set_last(storage, 7, "a@x", "m1", 5, &error));
    g_assert_no_error(error);
    g_autofree char *last = lv_storage_mam_get_last(storage, 7, "a@x", NULL, NULL);
    g_assert_cmpstr(last, ==, "m1");
    LvHistoryQuery q = { .search = "kept" };
    g_autoptr(GPtrArray) rows = lv_storage_history_query(storage, 7, &q, NULL);
    g_assert_cmpuint(rows->len, ==, 1);
}

static void
test_full_disk_no_partial_row(Fixture *fixture, gconstpointer data)
{
    g_autofree char *big = g_strnfill(256 * 1024, 'x');
    g_autoptr(GError) error = NULL;
    LvHistoryRow *row = message(ALICE, ME, 10, big);
    g_autoptr(LvHistoryRow) owned = row;

    /* The history row fits, its text does not: neither may stay. */
    int pages = count(fixture, "PRAGMA page_count");
    g_autofree char *limit = g_strdup_printf("PRAGMA max_page_count = %d", pages + 2);
    count(fixture, limit);
    g_assert_null(lv_storage_history_add(fixture->storage, fixture->profile, row, NULL, &error));
    g_assert_error(error, LV_ERROR, LV_ERROR_DATABASE);
    g_assert_nonnull(strstr(error->message, "full"));
    g_assert_cmpint(count(fixture, "SELECT count(*) FROM history"), ==, 0);
    g_assert_cmpint(count(fixture, "SELECT count(*) FROM history_message"), ==, 0);

    /* In a batch, only that message is lost: the others are committed. */
    g_clear_error(&error);
    g_assert_true(lv_storage_begin(fixture->storage, NULL));
    g_free(add(fixture, message(ALICE, ME, 1, "before"), TRUE));
    g_assert_null(lv_storage_history_add(fixture->storage, fixture->profile, row, NULL, &error));
    g_assert_error(error, LV_ERROR, LV_ERROR_DATABASE);
    g_free(add(fixture, message(ALICE, ME, 3, "after"), TRUE));
    g_assert_true(lv_storage_commit(fixture->storage, NULL));
    g_assert_cmpint(count(fixture, "SELECT count(*) FROM history"), ==, 2);
    g_assert_cmpint(count(fixture, "SELECT count(*) FROM history_message"), ==, 2);

    /* Once there is room again, the database works as before. */
    count(fixture, "PRAGMA max_page_count = 1000000");
    g_autofree char *uid = add(fixture, message(ALICE, ME, 11, "small"), TRUE);
    g_assert_cmpuint(search_count(fixture, "small"), ==, 1);
}

/* Inside the caller's transaction: "before" written, then a row that fails after its
 * history row is written (as a full disk would make it), the failure checked. */
static void
write_then_fail(Fixture *fixture)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(LvHistoryRow) bad = message(ALICE, ME, 2, "boom");

    g_free(add(fixture, message(ALICE, ME, 1, "before"), TRUE));
    g_assert_null(lv_storage_history_add(fixture->storage, fixture->profile, bad, NULL, &error));
    g_assert_error(error, LV_ERROR, LV_ERROR_DATABASE);
}

static void
arm_failure(Fixture *fixture)
{
    exec_sql(fixture, "CREATE TEMP TRIGGER fail_boom BEFORE INSERT ON history_message "
                      "WHEN new.message = 'boom' BEGIN SELECT RAISE(ABORT, 'injected'); END");
}

static void
test_failure_in_caller_transaction(Fixture *fixture, gconstpointer data)
{
    arm_failure(fixture);
    g_assert_true(lv_storage_begin(fixture->storage, NULL));
    write_then_fail(fixture);
    g_free(add(fixture, message(ALICE, ME, 3, "after"), TRUE));
    g_assert_true(lv_storage_commit(fixture->storage, NULL));

    LvHistoryQuery q = { 0 };
    g_autoptr(GPtrArray) rows = query(fixture, &q);
    g_assert_cmpuint(rows->len, ==, 2);
    g_assert_cmpstr(body(rows->pdata[0]), ==, "before");
    g_assert_cmpstr(body(rows->pdata[1]), ==, "after");
}

/* A batch takes no savepoint per write: one failure and the caller rolls the whole
 * batch back (what lv-message-store does), so nothing of it stays. */
static void
test_failure_in_batch(Fixture *fixture, gconstpointer data)
{
    g_autoptr(LvHistoryRow) bad = message(ALICE, ME, 2, "boom");

    arm_failure(fixture);
    g_assert_true(lv_storage_begin_batch(fixture->storage, NULL));
    write_then_fail(fixture);
    lv_storage_rollback(fixture->storage);
    g_assert_cmpint(count(fixture, "SELECT count(*) FROM history"), ==, 0);
    g_assert_cmpint(count(fixture, "SELECT count(*) FROM history_message"), ==, 0);
    g_assert_cmpuint(search_count(fixture, "before"), ==, 0);

    /* The next batch, and the full-text index, work as before. */
    g_assert_true(lv_storage_begin_batch(fixture->storage, NULL));
    g_free(add(fixture, message(ALICE, ME, 1, "before"), TRUE));
    g_free(add(fixture, message(ALICE, ME, 3, "after"), TRUE));
    g_assert_true(lv_storage_commit(fixture->storage, NULL));
    g_assert_cmpint(count(fixture, "SELECT count(*) FROM history"), ==, 2);
    g_assert_cmpuint(search_count(fixture, "before"), ==, 1);
    g_assert_cmpuint(search_count(fixture, "after"), ==, 1);
    /* Outside a batch, a write in a transaction has its savepoint again. */
    g_assert_true(lv_storage_begin(fixture->storage, NULL));
    g_assert_null(lv_storage_history_add(fixture->storage, fixture->profile, bad, NULL, NULL));
    g_free(add(fixture, message(ALICE, ME, 4, "later"), TRUE));
    g_assert_true(lv_storage_commit(fixture->storage, NULL));
    g_assert_cmpint(count(fixture, "SELECT count(*) FROM history"), ==, 3);
}

#define ADD(path, func)                                                                            \
    g_test_add("/lv/storage/history/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    ADD("dedup/stanza-id", test_dedup_stanza_id);
    ADD("write/failure-in-batch", test_failure_in_batch);
    ADD("dedup/origin-id", test_dedup_origin_id);
    ADD("dedup/same-origin-id-two-senders", test_dedup_two_senders);
    ADD("dedup/fills-missing-ids", test_dedup_fills_missing_ids);
    ADD("query/last-n-oldest-first", test_query_last_n);
    ADD("query/between", test_query_between);
    ADD("query/from-only", test_query_from_only);
    ADD("query/search", test_query_search);
    ADD("query/types", test_query_types);
    ADD("query/before-after", test_query_before_after);
    ADD("query/before-uid", test_query_before_uid);
    ADD("state/only-forward", test_state_order);
    ADD("correction/keeps-edits-and-fts", test_correction);
    ADD("retraction/keeps-row-drops-texts", test_retraction);
    ADD("pending/outbox", test_pending);
    ADD("mam/last-point", test_mam_last);
    ADD("row-to-variant", test_to_variant);
    ADD("full-disk-no-partial-row", test_full_disk_no_partial_row);
    ADD("failure-keeps-caller-transaction", test_failure_in_caller_transaction);
    g_test_add_func("/lv/storage/history/migration/1-to-2", test_migration_1_to_2);
    return g_test_run();
}
