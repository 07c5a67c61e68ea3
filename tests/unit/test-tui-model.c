/* libervia-tui's model, headless: key names and the key map with [tui]
 * overrides, the contact list layout, chats (order, uids, nick completion, lines),
 * the : command table, and the app fed with backend signals and keys. */
#include <locale.h>
#include <string.h>

#include "lv-error.h"
#include "lv-test-util.h"
#include "tui-app.h"
#include "tui-commands.h"

static void
test_key_names(void)
{
    static const char *const names[] = { "ctrl a", "meta j", "shift tab", "esc",     "enter",
                                         "tab",    "f2",     "page up",   "ctrl up", "G",
                                         ":",      "é",      "space" };
    TuiKey key;

    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        g_assert_true(tui_key_parse(names[i], &key));
        g_autofree char *back = tui_key_dup_name(key);
        g_assert_cmpstr(back, ==, names[i]);
    }
    g_assert_true(tui_key_parse("ctrl x", &key));
    g_assert_cmpuint(key.code, ==, 0x18);
    g_assert_false(tui_key_parse("ctrl", &key));
    g_assert_false(tui_key_parse("hyper x", &key));
    g_assert_false(tui_key_parse("f13", &key));
    g_assert_false(tui_key_parse("", &key));
}

static LvConfig *
config_with(const char *tui_section, LvTestHome **home)
{
    g_autoptr(GError) error = NULL;

    *home = lv_test_home_new(NULL, tui_section);
    LvConfig *config = lv_config_new(&error);
    g_assert_no_error(error);
    return config;
}

static void
test_keymap_defaults_and_overrides(void)
{
    g_autoptr(LvTestHome) home = NULL;
    g_autoptr(LvConfig) config =
            config_with("[tui]\nKEY_APP_QUIT = ctrl q\nkey_mode_insertion = a\n", &home);
    g_autoptr(GError) error = NULL;
    g_autoptr(TuiKeymap) map = tui_keymap_new(config, &error);
    TuiKey quit_key = { 0x11, FALSE }, x_key = { 0x18, FALSE }, a_key = { 'a', FALSE };
    TuiKey up = { TUI_KEY_UP, FALSE }, meta_j = { 'j', TRUE };

    g_assert_no_error(error);
    g_assert_cmpint(tui_keymap_lookup(map, TUI_CONTEXT_NORMAL, quit_key), ==, TUI_ACTION_APP_QUIT);
    g_assert_cmpint(tui_keymap_lookup(map, TUI_CONTEXT_NORMAL, x_key), ==, TUI_ACTION_NONE);
    g_assert_cmpint(tui_keymap_lookup(map, TUI_CONTEXT_NORMAL, a_key), ==,
                    TUI_ACTION_MODE_INSERTION);
    /* The same key means different things in different contexts. */
    g_assert_cmpint(tui_keymap_lookup(map, TUI_CONTEXT_EDIT, up), ==, TUI_ACTION_HISTORY_PREV);
    g_assert_cmpint(tui_keymap_lookup(map, TUI_CONTEXT_LIST, up), ==, TUI_ACTION_LIST_UP);
    g_assert_cmpint(tui_keymap_lookup(map, TUI_CONTEXT_EDIT, a_key), ==, TUI_ACTION_NONE);
    g_assert_cmpint(tui_keymap_lookup(map, TUI_CONTEXT_EDIT, meta_j), ==, TUI_ACTION_ROOM_JOIN);
}

static void
test_keymap_bad_key(void)
{
    g_autoptr(LvTestHome) home = NULL;
    g_autoptr(LvConfig) config = config_with("[tui]\nkey_app_quit = ctrl\n", &home);
    g_autoptr(GError) error = NULL;
    g_autoptr(TuiKeymap) map = tui_keymap_new(config, &error);

    g_assert_null(map);
    g_assert_error(error, LV_ERROR, LV_ERROR_CONFIG);
    g_assert_nonnull(strstr(error->message, "KEY_APP_QUIT"));
}

/* The option table (libervia.conf.sample) documents the same defaults. */
static void
test_keymap_matches_option_table(void)
{
    for (guint a = TUI_ACTION_MODE_INSERTION; a < TUI_ACTION_COUNT; a++) {
        const TuiActionInfo *info = tui_action_info((TuiAction)a);
        g_autofree char *lower = g_ascii_strdown(info->name, -1);
        g_autofree char *name = g_strconcat("key_", lower, NULL);
        const LvConfigOption *found = NULL;
        for (const LvConfigOption *o = lv_config_options(); o->section != NULL; o++) {
            if (g_str_equal(o->section, "tui") && g_str_equal(o->name, name))
                found = o;
        }
        g_assert_nonnull(found);
        g_assert_cmpstr(found->default_value, ==, info->default_key);
        g_assert_cmpint(tui_action_from_name(info->name), ==, a);
    }
}

static void
test_roster_rows(void)
{
    g_autoptr(TuiRoster) roster = tui_roster_new();
    const char *friends[] = { "friends", NULL };
    const char *both[] = { "work", "friends", NULL };

    tui_roster_set_contact(roster, "bob@x", "Bob", friends);
    tui_roster_set_contact(roster, "ann@x", "Ann", both);
    tui_roster_set_contact(roster, "zed@x", NULL, NULL);
    tui_roster_set_contact(roster, "off@x", "Offline", friends);
    tui_roster_set_presence(roster, "bob@x/phone", "away", 0);
    tui_roster_set_presence(roster, "bob@x/pc", "", 5);
    tui_roster_set_presence(roster, "ann@x/a", "dnd", 0);
    tui_roster_set_presence(roster, "zed@x/z", "", 0);
    tui_roster_add_room(roster, "room@muc.x");
    g_assert_cmpstr(tui_roster_get_show(roster, "bob@x"), ==, "");
    tui_roster_set_presence(roster, "bob@x/pc", "unavailable", 0);
    g_assert_cmpstr(tui_roster_get_show(roster, "bob@x"), ==, "away");

    g_autoptr(GPtrArray) rows = tui_roster_dup_rows(roster);
    static const char *const expected[] = { "Rooms", "room@muc.x", "friends",    "Ann",  "Bob",
                                            "work",  "Ann",        "(no group)", "zed@x" };
    g_assert_cmpuint(rows->len, ==, G_N_ELEMENTS(expected));
    for (guint i = 0; i < rows->len; i++)
        g_assert_cmpstr(((TuiRosterRow *)rows->pdata[i])->label, ==, expected[i]);

    /* Offline contacts: shown when asked, or when they wrote. */
    tui_roster_set_unread(roster, "off@x", 2);
    g_autoptr(GPtrArray) with_unread = tui_roster_dup_rows(roster);
    g_assert_cmpuint(with_unread->len, ==, rows->len + 1);
    tui_roster_set_unread(roster, "off@x", 0);
    tui_roster_set_show_offline(roster, TRUE);
    g_autoptr(GPtrArray) all = tui_roster_dup_rows(roster);
    g_assert_cmpuint(all->len, ==, rows->len + 1);
    g_assert_cmpstr(tui_roster_show_mark(NULL), ==, " ");
    g_assert_cmpstr(tui_roster_show_mark("dnd"), ==, "!");
}

static void
add(TuiChat *chat, const char *uid, double when, const char *nick, const char *body)
{
    TuiMessage m = {
        .uid = (char *)uid, .timestamp = when, .nick = (char *)nick, .body = (char *)body
    };

    tui_chat_add_message(chat, &m);
}

static void
test_chat_order_and_uids(void)
{
    g_autoptr(TuiChat) chat = tui_chat_new("bob@x", FALSE);

    add(chat, "b", 20, "bob", "live");
    add(chat, "a", 10, "bob", "older");
    add(chat, "b", 20, "bob", "live again");
    g_assert_cmpuint(tui_chat_count_messages(chat), ==, 2);
    g_assert_cmpstr(tui_chat_get_oldest_uid(chat), ==, "a");
    g_autoptr(GPtrArray) lines = tui_chat_dup_lines(chat, 40, FALSE);
    g_assert_cmpuint(lines->len, ==, 2);
    g_assert_cmpstr(lines->pdata[0], ==, "<bob> older");
    g_assert_cmpstr(lines->pdata[1], ==, "<bob> live");
}

static void
test_chat_lines_indented(void)
{
    g_autoptr(TuiChat) chat = tui_chat_new("bob@x", FALSE);

    add(chat, "a", 10, "ev\x1b[1mil", "first\n12:00 <admin> fake\x1b[2J");
    g_autoptr(GPtrArray) lines = tui_chat_dup_lines(chat, 60, FALSE);
    g_assert_cmpuint(lines->len, ==, 2);
    g_assert_cmpstr(lines->pdata[0], ==, "<ev^[[1mil> first");
    g_assert_cmpstr(lines->pdata[1], ==, "            12:00 <admin> fake^[[2J");
}

static void
test_nick_completion(void)
{
    g_autoptr(TuiChat) room = tui_chat_new("room@muc.x", TRUE);

    tui_chat_set_nick(room, "alice");
    tui_chat_set_occupant(room, "alice", "participant");
    tui_chat_set_occupant(room, "Bob", "moderator");
    tui_chat_set_occupant(room, "bert", "participant");
    tui_chat_set_occupant(room, "carol", "participant");
    const char *first = tui_chat_complete_nick(room, "b", NULL);
    const char *second = tui_chat_complete_nick(room, "b", first);
    const char *third = tui_chat_complete_nick(room, "b", second);
    g_assert_cmpstr(first, ==, "bert");
    g_assert_cmpstr(second, ==, "Bob");
    g_assert_cmpstr(third, ==, "bert");
    g_assert_null(tui_chat_complete_nick(room, "al", NULL)); /* never ourselves */
    g_assert_null(tui_chat_complete_nick(room, "z", NULL));
    tui_chat_rename_occupant(room, "alice", "alice2");
    g_assert_cmpstr(tui_chat_get_nick(room), ==, "alice2");
}

static void
test_command_parse(void)
{
    g_auto(GStrv) args = NULL;
    g_autoptr(GError) error = NULL;
    const TuiCommand *c = tui_commands_parse(":join room@muc.x my nick", &args, &error);

    g_assert_null(c);
    g_assert_error(error, LV_ERROR, LV_ERROR_INVALID_ARGUMENT);
    g_assert_nonnull(strstr(error->message, "usage: :join ROOM [NICK]"));
    g_clear_error(&error);
    c = tui_commands_parse("join room@muc.x nick", &args, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(c->name, ==, "join");
    g_assert_cmpstr(args[0], ==, "room@muc.x");
    g_assert_cmpstr(args[1], ==, "nick");
    g_clear_pointer(&args, g_strfreev);
    c = tui_commands_parse("search  two  words ", &args, &error);
    g_assert_cmpstr(args[0], ==, "two  words");
    g_clear_pointer(&args, g_strfreev);
    c = tui_commands_parse("status away gone for tea", &args, &error);
    g_assert_cmpstr(args[0], ==, "away");
    g_assert_cmpstr(args[1], ==, "gone for tea");
    g_clear_pointer(&args, g_strfreev);
    c = tui_commands_parse("title new subject", &args, &error);
    g_assert_cmpstr(c->name, ==, "topic");
    g_clear_pointer(&args, g_strfreev);
    g_assert_null(tui_commands_parse("frobnicate", &args, &error));
    g_assert_nonnull(strstr(error->message, "unknown command :frobnicate"));
    g_clear_error(&error);
    g_assert_null(tui_commands_parse("search", &args, &error));
    g_clear_error(&error);
    g_assert_null(tui_commands_parse("quit now", &args, &error));
}

/* ---- the app, headless ---- */

typedef struct {
    LvTestHome *home;
    LvConfig *config;
    GMainLoop *loop;
    TuiApp *app;
} Fixture;

static void
fixture_set_up(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;

    f->config = config_with("[tui]\nnotify = none\n", &f->home);
    f->loop = g_main_loop_new(NULL, FALSE);
    f->app = tui_app_new(f->config, tui_keymap_new(f->config, NULL), f->loop);
    f->app->notify = tui_notify_new(f->config, NULL, NULL, &error);
    g_assert_no_error(error);
    f->app->profile = g_strdup("alice");
    f->app->own_jid = g_strdup("alice@x");
    f->app->phase = TUI_PHASE_MAIN;
    const char *groups[] = { "friends", NULL };
    tui_roster_set_contact(f->app->roster, "bob@x", "Bob", groups);
    tui_roster_set_presence(f->app->roster, "bob@x/pc", "", 0);
}

static void
fixture_tear_down(Fixture *f, gconstpointer data)
{
    tui_app_free(f->app);
    g_main_loop_unref(f->loop);
    lv_config_unref(f->config);
    lv_test_home_free(f->home);
}

static void
message_signal(TuiApp *app, const char *uid, const char *from, const char *to, const char *body,
               const char *type, const char *profile)
{
    GVariantBuilder message, subject;

    g_variant_builder_init(&message, G_VARIANT_TYPE("a{ss}"));
    g_variant_builder_init(&subject, G_VARIANT_TYPE("a{ss}"));
    g_variant_builder_add(&message, "{ss}", "", body);
    g_autoptr(GVariant) params = g_variant_ref_sink(g_variant_new(
            "(sdssa{ss}a{ss}sss)", uid, 100.0, from, to, &message, &subject, type, "{}", profile));
    tui_app_on_signal(NULL, "messageNew", params, app);
}

static void
key(TuiApp *app, guint32 code, gboolean meta)
{
    TuiKey k = { code, meta };

    tui_app_handle_key(app, k);
}

static void
test_app_unread_and_next(Fixture *f, gconstpointer data)
{
    TuiApp *app = f->app;

    message_signal(app, "u1", "bob@x/pc", "alice@x", "hi", "chat", "alice");
    message_signal(app, "u1", "bob@x/pc", "alice@x", "hi", "chat", "alice"); /* twice */
    message_signal(app, "u2", "bob@x/pc", "alice@x", "other profile", "chat", "carol");
    message_signal(app, "u3", "alice@x/tui", "bob@x", "ours", "chat", "alice");
    TuiChat *chat = g_hash_table_lookup(app->chats, "bob@x");
    g_assert_nonnull(chat);
    g_assert_cmpuint(tui_chat_count_messages(chat), ==, 2);
    g_assert_cmpuint(tui_chat_get_unread(chat), ==, 1); /* ours does not count */
    g_autoptr(GPtrArray) rows = tui_app_dup_rows(app);
    g_assert_cmpuint(((TuiRosterRow *)rows->pdata[1])->unread, ==, 1);
    /* ctrl n: to the unread chat. The history request needs a bridge: none here,
     * so it is only marked as asked. */
    app->current = app->help;
    key(app, 'n' & 0x1f, FALSE);
    g_assert_true(app->current == chat);
    g_assert_cmpuint(tui_chat_get_unread(chat), ==, 0);
}

static void
test_app_modes(Fixture *f, gconstpointer data)
{
    TuiApp *app = f->app;

    g_assert_cmpint(app->mode, ==, TUI_MODE_NORMAL);
    key(app, 'i', FALSE);
    g_assert_cmpint(app->mode, ==, TUI_MODE_INSERT);
    key(app, 'x', FALSE);
    key(app, ':', FALSE); /* text in insertion mode */
    g_assert_cmpstr(tui_input_get_text(app->input), ==, "x:");
    key(app, TUI_KEY_ESC, FALSE);
    g_assert_cmpint(app->mode, ==, TUI_MODE_NORMAL);
    key(app, ':', FALSE);
    g_assert_cmpint(app->mode, ==, TUI_MODE_COMMAND);
    for (const char *p = "help"; *p != '\0'; p++)
        key(app, (guint32)*p, FALSE);
    key(app, TUI_KEY_ENTER, FALSE);
    g_assert_cmpint(app->mode, ==, TUI_MODE_NORMAL);
    g_assert_true(app->current == app->help);
    g_assert_cmpuint(tui_chat_count_messages(app->help), >, 10);
    /* Tab moves the focus; meta d shows offline contacts. */
    app->focus = TUI_FOCUS_CONTACTS;
    key(app, '\t', FALSE);
    g_assert_cmpint(app->focus, ==, TUI_FOCUS_CHAT);
    key(app, TUI_KEY_CTRL_LEFT, FALSE);
    g_assert_cmpint(app->focus, ==, TUI_FOCUS_CONTACTS);
    key(app, 'd', TRUE);
    g_assert_true(tui_roster_get_show_offline(app->roster));
}

static void
test_app_paste(Fixture *f, gconstpointer data)
{
    TuiApp *app = f->app;

    key(app, TUI_KEY_PASTE_START, FALSE);
    g_assert_cmpint(app->mode, ==, TUI_MODE_INSERT);
    for (const char *p = "one\rtwo"; *p != '\0'; p++)
        key(app, (guint32)*p, FALSE);
    key(app, TUI_KEY_PASTE_END, FALSE);
    /* Enter inside the paste was text, not a send. */
    g_assert_cmpstr(tui_input_get_text(app->input), ==, "one\ntwo");
}

static void
test_app_room_signals(Fixture *f, gconstpointer data)
{
    TuiApp *app = f->app;
    GVariantBuilder occupants, statuses;

    g_variant_builder_init(&occupants, G_VARIANT_TYPE("a{sa{ss}}"));
    g_variant_builder_add_parsed(&occupants, "{'alice', {'role': 'moderator'}}");
    g_variant_builder_add_parsed(&occupants, "{'bob', {'role': 'participant'}}");
    g_variant_builder_init(&statuses, G_VARIANT_TYPE("as"));
    g_autoptr(GVariant) joined = g_variant_ref_sink(g_variant_new(
            "(sa{sa{ss}}ssass)", "tea@muc.x", &occupants, "alice", "Tea", &statuses, "alice"));
    tui_app_on_signal(NULL, "mucRoomJoined", joined, app);
    TuiChat *room = g_hash_table_lookup(app->chats, "tea@muc.x");
    g_assert_nonnull(room);
    g_assert_true(tui_chat_is_room(room));
    g_assert_cmpstr(tui_chat_get_subject(room), ==, "Tea");
    /* An occupant's presence never becomes a contact's. */
    g_autoptr(GVariant) presence = g_variant_ref_sink(
            g_variant_new_parsed("('tea@muc.x/carol', '', 0, @a{ss} {}, 'alice')"));
    tui_app_on_signal(NULL, "presenceUpdate", presence, app);
    g_autoptr(GPtrArray) nicks = tui_chat_dup_occupants(room);
    g_assert_cmpuint(nicks->len, ==, 3);
    g_assert_null(tui_roster_get_show(app->roster, "tea@muc.x"));
    message_signal(app, "r1", "tea@muc.x/bob", "alice@x/tui", "hello", "groupchat", "alice");
    message_signal(app, "r2", "alice@x/tui", "tea@muc.x", "mine", "groupchat", "alice");
    g_autoptr(GPtrArray) lines = tui_chat_dup_lines(room, 60, FALSE);
    g_assert_cmpuint(lines->len, ==, 2);
    g_assert_cmpstr(lines->pdata[0], ==, "<bob> hello");
    g_assert_cmpstr(lines->pdata[1], ==, "<alice> mine");
    /* Shift-Tab completes at the line start with ": ". */
    app->current = room;
    app->mode = TUI_MODE_INSERT;
    key(app, 'b', FALSE);
    key(app, TUI_KEY_SHIFT_TAB, FALSE);
    g_assert_cmpstr(tui_input_get_text(app->input), ==, "bob:");
}

int
main(int argc, char **argv)
{
    setlocale(LC_ALL, "C.UTF-8");
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/tui/keys/names", test_key_names);
    g_test_add_func("/tui/keys/defaults-and-overrides", test_keymap_defaults_and_overrides);
    g_test_add_func("/tui/keys/bad-key-names-option", test_keymap_bad_key);
    g_test_add_func("/tui/keys/match-option-table", test_keymap_matches_option_table);
    g_test_add_func("/tui/roster/rows", test_roster_rows);
    g_test_add_func("/tui/chat/order-and-uids", test_chat_order_and_uids);
    g_test_add_func("/tui/chat/continuation-indented", test_chat_lines_indented);
    g_test_add_func("/tui/chat/nick-completion", test_nick_completion);
    g_test_add_func("/tui/commands/parse", test_command_parse);
    g_test_add("/tui/app/unread-and-next", Fixture, NULL, fixture_set_up, test_app_unread_and_next,
               fixture_tear_down);
    g_test_add("/tui/app/modes", Fixture, NULL, fixture_set_up, test_app_modes, fixture_tear_down);
    g_test_add("/tui/app/paste", Fixture, NULL, fixture_set_up, test_app_paste, fixture_tear_down);
    g_test_add("/tui/app/room-signals", Fixture, NULL, fixture_set_up, test_app_room_signals,
               fixture_tear_down);
    return g_test_run();
}
