/* The desktop frontend's message model: records from historyGet rows and
 * messageNew signals, conversation ordering, corrections, states, unread counts. */
#include "gui-message.h"

static GVariant *
history_row(const char *uid, double ts, const char *from, const char *to, const char *body,
            const char *type, const char *extra)
{
    GVariantBuilder bodies;

    g_variant_builder_init(&bodies, G_VARIANT_TYPE("a{ss}"));
    if (body != NULL)
        g_variant_builder_add(&bodies, "{ss}", "", body);
    return g_variant_ref_sink(g_variant_new("(sdssa{ss}@a{ss}ss)", uid, ts, from, to, &bodies,
                                            g_variant_new_array(G_VARIANT_TYPE("{ss}"), NULL, 0),
                                            type, extra));
}

static GuiMessage *
message(const char *uid, double ts, const char *body, const char *extra)
{
    g_autoptr(GVariant) row =
            history_row(uid, ts, "bob@example.org/phone", "alice@example.org", body, "chat", extra);
    return gui_message_new_from_history(row);
}

static void
test_from_history(void)
{
    g_autoptr(GuiMessage) m = message("u1", 10.5, "hello",
                                      "{\"state\": \"delivered\", \"oob_url\": \"https://x/f\"}");

    g_assert_nonnull(m);
    g_assert_cmpstr(m->uid, ==, "u1");
    g_assert_cmpfloat(m->timestamp, ==, 10.5);
    g_assert_cmpstr(m->body, ==, "hello");
    g_assert_cmpstr(m->subject, ==, "");
    g_assert_cmpstr(m->state, ==, "delivered");
    g_assert_cmpstr(m->oob_url, ==, "https://x/f");
    g_assert_false(m->edited);
    g_autofree char *conversation = gui_message_dup_conversation(m, "alice@example.org");
    g_assert_cmpstr(conversation, ==, "bob@example.org");
    g_assert_false(gui_message_is_ours(m, "alice@example.org", NULL));
}

static void
test_wrong_type_and_bad_extra(void)
{
    g_autoptr(GVariant) wrong = g_variant_ref_sink(g_variant_new("(ss)", "a", "b"));
    g_assert_null(gui_message_new_from_history(wrong));
    g_assert_null(gui_message_new_from_signal(wrong, NULL));

    /* Extra that is not JSON, or JSON of the wrong shape: shown, without state. */
    g_autoptr(GuiMessage) a = message("u1", 1, "x", "{not json");
    g_autoptr(GuiMessage) b = message("u2", 1, "x", "[1, 2]");
    g_autoptr(GuiMessage) c = message("u3", 1, "x", "{\"state\": 3}");
    g_assert_cmpstr(a->state, ==, "");
    g_assert_cmpstr(b->state, ==, "");
    g_assert_cmpstr(c->state, ==, "");
}

static void
test_language_choice(void)
{
    GVariantBuilder bodies;

    g_variant_builder_init(&bodies, G_VARIANT_TYPE("a{ss}"));
    g_variant_builder_add(&bodies, "{ss}", "fr", "bonjour");
    g_variant_builder_add(&bodies, "{ss}", "de", "hallo");
    g_autoptr(GVariant) params = g_variant_ref_sink(g_variant_new(
            "(sdssa{ss}@a{ss}sss)", "u", 1.0, "alice@example.org/pc", "bob@example.org", &bodies,
            g_variant_new_array(G_VARIANT_TYPE("{ss}"), NULL, 0), "chat", "{}", "alice"));
    const char *profile = NULL;
    g_autoptr(GuiMessage) m = gui_message_new_from_signal(params, &profile);

    g_assert_cmpstr(profile, ==, "alice");
    g_assert_cmpstr(m->body, ==, "hallo"); /* the smallest tag, whatever the order */
    g_assert_true(gui_message_is_ours(m, "alice@example.org", NULL));
    g_autofree char *conversation = gui_message_dup_conversation(m, "alice@example.org");
    g_assert_cmpstr(conversation, ==, "bob@example.org");
}

static void
test_groupchat(void)
{
    g_autoptr(GVariant) row = history_row("g1", 5, "room@conf.example.org/Bob",
                                          "alice@example.org/pc", "hi all", "groupchat", "{}");
    g_autoptr(GuiMessage) m = gui_message_new_from_history(row);
    g_autofree char *conversation = gui_message_dup_conversation(m, "alice@example.org");
    g_autofree char *sender = gui_message_dup_sender_label(m);

    g_assert_cmpstr(conversation, ==, "room@conf.example.org");
    g_assert_cmpstr(sender, ==, "Bob");
    g_assert_true(gui_message_is_ours(m, "alice@example.org", "Bob"));
    g_assert_false(gui_message_is_ours(m, "alice@example.org", "Alice"));
    g_assert_false(gui_message_is_ours(m, "alice@example.org", NULL));

    /* Ours as stored when sent: from our JID to the room. */
    g_autoptr(GVariant) sent = history_row("g2", 6, "alice@example.org/pc", "room@conf.example.org",
                                           "hello", "groupchat", "{}");
    g_autoptr(GuiMessage) ours = gui_message_new_from_history(sent);
    g_autofree char *sent_to = gui_message_dup_conversation(ours, "alice@example.org");
    g_assert_cmpstr(sent_to, ==, "room@conf.example.org");
    g_assert_true(gui_message_is_ours(ours, "alice@example.org", NULL));
}

static void
test_list_order_and_correction(void)
{
    g_autoptr(GuiMessageList) list = gui_message_list_new();
    gboolean is_new = FALSE;

    g_assert_null(gui_message_list_get_oldest_uid(list));
    g_assert_cmpuint(gui_message_list_add(list, message("b", 20, "second", "{}"), &is_new), ==, 0);
    g_assert_true(is_new);
    g_assert_cmpuint(gui_message_list_add(list, message("c", 30, "third", "{}"), &is_new), ==, 1);
    /* An older page from historyGet goes before. */
    g_assert_cmpuint(gui_message_list_add(list, message("a", 10, "first", "{}"), &is_new), ==, 0);
    /* Same time: after the one already there. */
    g_assert_cmpuint(gui_message_list_add(list, message("c2", 30, "also", "{}"), &is_new), ==, 3);
    g_assert_cmpstr(gui_message_list_get_oldest_uid(list), ==, "a");
    g_assert_cmpuint(gui_message_list_get_length(list), ==, 4);

    /* A correction: same uid, new text, same place even with a later time. */
    guint at = gui_message_list_add(list, message("b", 99, "second!", "{\"edited\": 99}"), &is_new);
    g_assert_false(is_new);
    g_assert_cmpuint(at, ==, 1);
    GuiMessage *b = gui_message_list_get(list, 1);
    g_assert_cmpstr(b->body, ==, "second!");
    g_assert_true(b->edited);
    g_assert_cmpfloat(b->timestamp, ==, 20);
    g_assert_cmpuint(gui_message_list_get_length(list), ==, 4);

    /* A retraction. */
    gui_message_list_add(list, message("c", 30, "", "{\"retracted\": 40}"), &is_new);
    g_assert_true(gui_message_list_get(list, 2)->retracted);
    g_assert_cmpint(gui_message_list_find(list, "c2"), ==, 3);
    g_assert_cmpint(gui_message_list_find(list, "nope"), ==, -1);
}

static void
test_state_and_unread(void)
{
    g_autoptr(GuiMessageList) list = gui_message_list_new();
    gboolean is_new = FALSE;
    guint position = 99;

    gui_message_list_add(list, message("a", 1, "x", "{\"state\": \"pending\"}"), &is_new);
    gui_message_list_add(list, message("b", 2, "y", "{\"state\": \"pending\"}"), &is_new);
    g_assert_true(gui_message_list_set_state(list, "b", "delivered", &position));
    g_assert_cmpuint(position, ==, 1);
    g_assert_cmpstr(gui_message_list_get(list, 1)->state, ==, "delivered");
    g_assert_false(gui_message_list_set_state(list, "b", "delivered", NULL)); /* unchanged */
    g_assert_false(gui_message_list_set_state(list, "zz", "sent", NULL));     /* unknown */

    g_assert_cmpuint(gui_message_list_get_unread(list), ==, 0);
    gui_message_list_count_unread(list);
    gui_message_list_count_unread(list);
    g_assert_cmpuint(gui_message_list_get_unread(list), ==, 2);
    gui_message_list_mark_read(list);
    g_assert_cmpuint(gui_message_list_get_unread(list), ==, 0);
}

/* The displayed marker names the newest markable message of the other side. */
static void
test_newest_markable(void)
{
    g_autoptr(GuiMessageList) list = gui_message_list_new();
    g_autoptr(GVariant) ours = history_row("d", 40, "alice@example.org/pc", "bob@example.org",
                                           "mine", "chat", "{\"marker_id\": \"x\"}");
    gboolean is_new = FALSE;

    gui_message_list_add(list, message("a", 10, "old", "{\"marker_id\": \"id-a\"}"), &is_new);
    g_assert_cmpstr(gui_message_list_get_newest_markable(list, "alice@example.org", NULL)->uid, ==,
                    "a");
    gui_message_list_add(list, message("b", 20, "new", "{\"marker_id\": \"id-b\"}"), &is_new);
    gui_message_list_add(list, message("c", 30, "plain", "{}"), &is_new);
    gui_message_list_add(list, gui_message_new_from_history(ours), &is_new);
    GuiMessage *newest = gui_message_list_get_newest_markable(list, "alice@example.org", NULL);
    g_assert_cmpstr(newest->uid, ==, "b");
    g_assert_true(newest->markable);
    g_assert_false(gui_message_list_get(list, 2)->markable);

    g_autoptr(GuiMessageList) none = gui_message_list_new();
    gui_message_list_add(none, message("e", 1, "plain", "{}"), &is_new);
    g_assert_null(gui_message_list_get_newest_markable(none, "alice@example.org", NULL));
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/gui/message/from-history", test_from_history);
    g_test_add_func("/gui/message/rejects-wrong-type-and-bad-extra", test_wrong_type_and_bad_extra);
    g_test_add_func("/gui/message/language-choice", test_language_choice);
    g_test_add_func("/gui/message/groupchat", test_groupchat);
    g_test_add_func("/gui/message-list/order-and-correction", test_list_order_and_correction);
    g_test_add_func("/gui/message-list/state-and-unread", test_state_and_unread);
    g_test_add_func("/gui/message-list/newest-markable", test_newest_markable);
    return g_test_run();
}
