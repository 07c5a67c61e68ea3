/* Tests of lv-message-store, the storage stages of the incoming pipeline, on a real
 * libervia.db in a temporary directory: a message that arrives live, as a carbon
 * and from MAM is stored once; receipts move our message's state only when its
 * recipient sends them; corrections and retractions apply only from the sender. */
#include <string.h>

#include <strophe.h>

#include "lv-error.h"
#include "lv-message-store.h"
#include "lv-storage-history.h"
#include "lv-storage-profiles.h"
#include "lv-test-util.h"
#include "lv-xmpp-message.h"

#define OWN "me@example.org"

typedef struct {
    LvTestHome *home;
    char *dir;
    LvStorage *storage; /* the main thread's view, to read back */
    gint64 profile_id;
    gpointer store;
    const LvXmppStoreFuncs *funcs;
    xmpp_ctx_t *ctx;
} Fixture;

static const LvXmppMamQuery queries[] = { { "q1", OWN }, { NULL, NULL } };
static const LvXmppMessageContext context = { OWN, OWN "/home", TRUE, queries };

static void
setup(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;

    f->home = lv_test_home_new(NULL, NULL);
    f->dir = g_build_filename(f->home->root, "local", NULL);
    f->storage = lv_storage_open(f->dir, &error);
    g_assert_no_error(error);
    g_assert_true(lv_storage_profile_create(f->storage, "me", "", "h", "k", NULL, &f->profile_id,
                                            &error));
    f->store = lv_message_store_new(f->dir, f->profile_id, "me");
    f->funcs = lv_message_store_funcs();
    f->ctx = xmpp_ctx_new(NULL, NULL);
}

static void
teardown(Fixture *f, gconstpointer data)
{
    f->funcs->free(f->store);
    lv_storage_close(f->storage);
    xmpp_ctx_free(f->ctx);
    g_free(f->dir);
    lv_test_home_free(f->home);
}

/* Parses and stores @xml as one batch; returns the names of the signals. */
static char *
store(Fixture *f, const char *xml)
{
    g_autoptr(GPtrArray) batch =
            g_ptr_array_new_with_free_func((GDestroyNotify)lv_xmpp_message_free);
    g_autoptr(GPtrArray) signals =
            g_ptr_array_new_with_free_func((GDestroyNotify)lv_xmpp_signal_free);
    g_autoptr(GError) error = NULL;
    xmpp_stanza_t *stanza = xmpp_stanza_new_from_string(f->ctx, xml);

    g_assert_nonnull(stanza);
    LvXmppMessage *message = lv_xmpp_message_parse(stanza, &context, &error);
    xmpp_stanza_release(stanza);
    g_assert_no_error(error);
    g_ptr_array_add(batch, message);
    g_assert_true(f->funcs->store(f->store, OWN, batch, signals, &error));
    g_assert_no_error(error);
    GString *names = g_string_new(NULL);
    for (guint i = 0; i < signals->len; i++)
        g_string_append_printf(names, "%s%s", i > 0 ? " " : "",
                               ((LvXmppSignal *)signals->pdata[i])->name);
    return g_string_free(names, FALSE);
}

static GPtrArray *
history(Fixture *f)
{
    LvHistoryQuery query = { NULL, NULL, FALSE, -1 };
    g_autoptr(GError) error = NULL;
    GPtrArray *rows = lv_storage_history_query(f->storage, f->profile_id, &query, &error);

    g_assert_no_error(error);
    return rows;
}

static void
test_once_whatever_the_path(Fixture *f, gconstpointer data)
{
    const char *inner = "<message xmlns='jabber:client' from='bob@example.org/x' to='" OWN
                        "/home' type='chat' id='m-1234567890'><body>hi</body>"
                        "<stanza-id xmlns='urn:xmpp:sid:0' by='" OWN "' id='arch-1'/></message>";
    g_autofree char *live = g_strdup(inner);
    g_autofree char *carbon = g_strdup_printf(
            "<message from='" OWN "' to='" OWN "/home'><received xmlns='urn:xmpp:carbons:2'>"
            "<forwarded xmlns='urn:xmpp:forward:0'>%s</forwarded></received></message>",
            inner);
    g_autofree char *mam = g_strdup_printf(
            "<message to='" OWN "/home'><result xmlns='urn:xmpp:mam:2' queryid='q1' "
            "id='arch-1'><forwarded xmlns='urn:xmpp:forward:0'>%s</forwarded></result>"
            "</message>",
            inner);

    g_autofree char *first = store(f, live);
    g_autofree char *second = store(f, carbon);
    g_autofree char *third = store(f, mam);
    g_assert_cmpstr(first, ==, "messageNew");
    g_assert_cmpstr(second, ==, "");
    g_assert_cmpstr(third, ==, "");
    g_autoptr(GPtrArray) rows = history(f);
    g_assert_cmpuint(rows->len, ==, 1);
}

static void
test_receipt_only_from_recipient(Fixture *f, gconstpointer data)
{
    g_autofree char *ours = store(f, "<message from='" OWN "/work' to='bob@example.org' "
                                     "type='chat' id='our-00000000001'><body>to bob</body>"
                                     "<origin-id xmlns='urn:xmpp:sid:0' id='our-00000000001'/>"
                                     "</message>");
    g_autofree char *forged = store(f, "<message from='carol@example.org/x' type='chat'>"
                                       "<received xmlns='urn:xmpp:receipts' "
                                       "id='our-00000000001'/></message>");
    g_autofree char *real = store(f, "<message from='bob@example.org/x' type='chat'>"
                                     "<received xmlns='urn:xmpp:receipts' "
                                     "id='our-00000000001'/></message>");

    g_assert_cmpstr(forged, ==, "");
    g_assert_cmpstr(real, ==, "messageState");
    g_autoptr(GPtrArray) rows = history(f);
    g_assert_cmpuint(rows->len, ==, 1);
    g_assert_cmpstr(((LvHistoryRow *)rows->pdata[0])->state, ==, "delivered");
}

static void
test_bounce_is_a_state(Fixture *f, gconstpointer data)
{
    g_autofree char *ours = store(f, "<message from='" OWN "/work' to='nobody@example.org' "
                                     "type='chat' id='our-00000000002'><body>hello?</body>"
                                     "<origin-id xmlns='urn:xmpp:sid:0' id='our-00000000002'/>"
                                     "</message>");
    g_autofree char *bounce = store(f, "<message from='nobody@example.org' type='error' "
                                       "id='our-00000000002'><error type='cancel'>"
                                       "<item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-"
                                       "stanzas'/></error></message>");
    g_autoptr(GPtrArray) rows = history(f);

    g_assert_cmpstr(bounce, ==, "messageState");
    g_assert_cmpuint(rows->len, ==, 1);
    g_assert_cmpstr(((LvHistoryRow *)rows->pdata[0])->state, ==, "error");
}

static void
test_edits_only_from_sender(Fixture *f, gconstpointer data)
{
    g_autofree char *original = store(f, "<message from='bob@example.org/x' type='chat' "
                                         "id='orig-000000000001'><body>helo</body></message>");
    g_autofree char *forged = store(
            f, "<message from='carol@example.org/x' type='chat'><body>pwned</body>"
               "<replace xmlns='urn:xmpp:message-correct:0' id='orig-000000000001'/></message>");
    g_autofree char *fix = store(
            f, "<message from='bob@example.org/y' type='chat'><body>hello</body>"
               "<replace xmlns='urn:xmpp:message-correct:0' id='orig-000000000001'/></message>");
    g_autoptr(GPtrArray) rows = history(f);

    /* carol's "correction" is a message of hers, not a change of bob's. */
    g_assert_cmpuint(rows->len, ==, 2);
    const LvHistoryRow *bob = rows->pdata[0];
    const char *text = NULL;
    g_assert_true(g_variant_lookup(bob->messages, "", "&s", &text));
    g_assert_cmpstr(text, ==, "hello");
    g_autofree char *retract =
            store(f, "<message from='carol@example.org/x' type='chat'><retract "
                     "xmlns='urn:xmpp:message-retract:1' id='orig-000000000001'/></message>");
    g_autoptr(GPtrArray) after = history(f);
    g_assert_true(g_variant_lookup(((LvHistoryRow *)after->pdata[0])->messages, "", "&s", &text));
}

/* XEP-0066: a received URL is kept in the extra; our pending message with one is sent
 * again with it. */
static void
test_oob_url_kept(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *got = store(f, "<message from='bob@example.org/x' type='chat' "
                                    "id='oob-000000000001'><body>https://u/f</body>"
                                    "<x xmlns='jabber:x:oob'><url>https://u/f</url></x></message>");
    g_autoptr(GPtrArray) rows = history(f);
    g_assert_cmpuint(rows->len, ==, 1);
    g_assert_nonnull(
            strstr(((LvHistoryRow *)rows->pdata[0])->extra, "\"oob_url\":\"https://u/f\""));

    g_autoptr(LvHistoryRow) row = lv_history_row_new();
    gboolean inserted = FALSE;
    row->uid = lv_storage_history_new_uid();
    row->origin_id = g_strdup(row->uid);
    row->sender_bare = g_strdup(OWN);
    row->source = g_strdup(OWN);
    row->dest = g_strdup("bob@example.org");
    row->timestamp = 1;
    row->type = g_strdup("chat");
    row->state = g_strdup("pending");
    row->messages = g_variant_ref_sink(g_variant_new_parsed("{'': 'https://u/mine'}"));
    row->subjects = g_variant_ref_sink(g_variant_new_parsed("@a{ss} {}"));
    row->extra = g_strdup("{\"oob_url\":\"https://u/mine\"}");
    g_autofree char *uid =
            lv_storage_history_add(f->storage, f->profile_id, row, &inserted, &error);
    g_assert_no_error(error);
    g_autoptr(GPtrArray) outbox = f->funcs->outbox(f->store, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(outbox->len, ==, 1);
    g_assert_cmpstr(((LvXmppOutgoing *)outbox->pdata[0])->oob_url, ==, "https://u/mine");
}

/* XEP-0333: a markable message keeps the id its displayed marker names; a plain one,
 * and our own markable one, have none (messageMarkDisplayed answers DataError). */
static void
test_marker_id_kept(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *marked = store(f, "<message from='bob@example.org/x' type='chat' "
                                       "id='mark-00000000001'><body>look</body>"
                                       "<markable xmlns='urn:xmpp:chat-markers:0'/></message>");
    g_autofree char *plain = store(f, "<message from='bob@example.org/x' type='chat' "
                                      "id='mark-00000000002'><body>plain</body></message>");
    g_autofree char *ours = store(f, "<message from='" OWN "/work' to='bob@example.org' "
                                     "type='chat' id='mark-00000000003'><body>mine</body>"
                                     "<markable xmlns='urn:xmpp:chat-markers:0'/></message>");
    g_autoptr(GPtrArray) rows = history(f);

    g_assert_cmpuint(rows->len, ==, 3);
    g_autofree char *id = lv_message_store_dup_marker_id(rows->pdata[0], &error);
    g_assert_no_error(error);
    g_assert_cmpstr(id, ==, "mark-00000000001");
    for (guint i = 1; i < 3; i++) {
        g_autofree char *none = lv_message_store_dup_marker_id(rows->pdata[i], &error);
        g_assert_null(none);
        g_assert_error(error, LV_ERROR, LV_ERROR_DATA);
        g_clear_error(&error);
    }
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    xmpp_initialize();
    g_test_add("/lv/message-store/once-whatever-the-path", Fixture, NULL, setup,
               test_once_whatever_the_path, teardown);
    g_test_add("/lv/message-store/receipt-only-from-recipient", Fixture, NULL, setup,
               test_receipt_only_from_recipient, teardown);
    g_test_add("/lv/message-store/bounce-is-a-state", Fixture, NULL, setup, test_bounce_is_a_state,
               teardown);
    g_test_add("/lv/message-store/edits-only-from-sender", Fixture, NULL, setup,
               test_edits_only_from_sender, teardown);
    g_test_add("/lv/message-store/oob-url-kept", Fixture, NULL, setup, test_oob_url_kept, teardown);
    g_test_add("/lv/message-store/marker-id-kept", Fixture, NULL, setup, test_marker_id_kept,
               teardown);
    int status = g_test_run();
    xmpp_shutdown();
    return status;
}
