/* tui-commands: the `:` commands (see tui-commands.h). Names and meaning follow
 * Libervia 0.9's TUI (:quit, :history, :search, :topic) and add what it did
 * through menus (:join, :status, :add). */
#include "tui-commands.h"

#include <string.h>

#include "lv-error.h"

#define SEARCH_LIMIT 100

static void
cmd_quit(TuiApp *app, char **args)
{
    tui_app_quit(app, 0, NULL);
}

static TuiChat *
current_chat(TuiApp *app, const char *what)
{
    if (app->current == NULL || app->current == app->help) {
        tui_app_set_status(app, "%s: open a chat first", what);
        return NULL;
    }
    return app->current;
}

static void
cmd_history(TuiApp *app, char **args)
{
    TuiChat *chat = current_chat(app, "history");
    gint64 limit = 50;
    char *end = NULL;

    if (chat == NULL)
        return;
    if (args[0] != NULL) {
        limit = g_ascii_strtoll(args[0], &end, 10);
        if (end == args[0] || *end != '\0' || limit < 1 || limit > 100000) {
            tui_app_set_status(app, "history: a number of messages (1 to 100000), not %s", args[0]);
            return;
        }
    }
    tui_chat_set_loading(chat, FALSE);
    tui_chat_clear(chat);
    tui_app_load_history(app, chat, (gint)limit);
}

typedef struct {
    char *jid;
    char *pattern;
} Search;

static void
search_free(Search *search)
{
    g_free(search->jid);
    g_free(search->pattern);
    g_free(search);
}

static void
on_search(TuiApp *app, GVariant *reply, const GError *error, gpointer data)
{
    Search *search = data;
    g_autoptr(GVariantIter) iter = NULL;
    const char *uid = NULL, *from = NULL, *to = NULL, *type = NULL, *extra = NULL;
    double timestamp = 0;
    GVariant *message = NULL;
    guint count = 0;

    if (reply == NULL) {
        tui_app_set_status(app, "search: %s", error->message);
        return;
    }
    tui_chat_clear(app->help);
    g_autofree char *title =
            g_strdup_printf("search for “%s” in %s:", search->pattern, search->jid);
    tui_chat_add_info(app->help, title);
    g_variant_get(reply, "(a(sdssa{ss}a{ss}ss))", &iter);
    while (g_variant_iter_next(iter, "(&sd&s&s@a{ss}@a{ss}&s&s)", &uid, &timestamp, &from, &to,
                               &message, NULL, &type, &extra)) {
        TuiMessage m = { 0 };
        tui_app_fill_message(app, app->help, &m, uid, timestamp, from, message, extra);
        tui_chat_add_message(app->help, &m);
        g_free(m.nick);
        g_free(m.body);
        g_free(m.state);
        g_variant_unref(message);
        count++;
    }
    tui_app_open_chat(app, app->help);
    tui_app_set_status(app, "%u messages found (Esc, then Tab and Enter on a contact to go back)",
                       count);
}

static void
cmd_search(TuiApp *app, char **args)
{
    TuiChat *chat = current_chat(app, "search");
    GVariantBuilder filters;

    if (chat == NULL)
        return;
    Search *search = g_new0(Search, 1);
    search->jid = g_strdup(tui_chat_get_jid(chat));
    search->pattern = g_strdup(args[0]);
    g_variant_builder_init(&filters, G_VARIANT_TYPE("a{ss}"));
    g_variant_builder_add(&filters, "{ss}", "search", args[0]);
    tui_app_call(app, "historyGet",
                 g_variant_new("(ssiba{ss}s)", search->jid, "", SEARCH_LIMIT, TRUE, &filters,
                               app->profile),
                 on_search, search, (GDestroyNotify)search_free);
}

static void
on_joined(TuiApp *app, GVariant *reply, const GError *error, gpointer data)
{
    const char *room = data;

    if (reply == NULL) {
        tui_app_set_status(app, "join %s: %s", room, error->message);
        return;
    }
    gboolean joined = FALSE;
    const char *room_jid = NULL, *nick = NULL, *subject = NULL;
    g_autoptr(GVariant) occupants = NULL;
    g_variant_get(reply, "((b&s@a{sa{ss}}&s&s@as&s))", &joined, &room_jid, &occupants, &nick,
                  &subject, NULL, NULL);
    tui_app_set_room(app, room_jid, occupants, nick, subject);
    tui_app_open_chat(app, tui_app_ensure_chat(app, room_jid, TRUE));
    app->mode = TUI_MODE_INSERT;
    tui_app_set_status(app, "in %s as %s", room_jid, nick);
}

static void
cmd_join(TuiApp *app, char **args)
{
    const char *room = args[0];
    g_autofree char *nick = NULL;

    if (strchr(room, '@') == NULL || strchr(room, '/') != NULL) {
        tui_app_set_status(app, "join: a room address (room@service), not %s", room);
        return;
    }
    if (args[1] != NULL) {
        nick = g_strdup(args[1]);
    } else {
        /* As the backend's default: the local part of our JID. */
        const char *own = app->own_jid != NULL ? app->own_jid : app->profile;
        const char *at = strchr(own, '@');
        nick = at != NULL ? g_strndup(own, (gsize)(at - own)) : g_strdup(own);
    }
    tui_app_set_status(app, "joining %s…", room);
    tui_app_call(app, "mucJoin",
                 g_variant_new("(ss@a{ss}s)", room, nick,
                               g_variant_new_array(G_VARIANT_TYPE("{ss}"), NULL, 0), app->profile),
                 on_joined, g_strdup(room), g_free);
}

static void
cmd_topic(TuiApp *app, char **args)
{
    TuiChat *chat = current_chat(app, "topic");

    if (chat == NULL)
        return;
    if (!tui_chat_is_room(chat)) {
        tui_app_set_status(app, "topic: only rooms have a subject");
        return;
    }
    if (args[0] == NULL) {
        tui_app_set_status(app, "subject: %s", tui_chat_get_subject(chat));
        return;
    }
    tui_app_call(app, "mucSubject",
                 g_variant_new("(sss)", tui_chat_get_jid(chat), args[0], app->profile), NULL, NULL,
                 NULL);
}

static void
cmd_status(TuiApp *app, char **args)
{
    static const char *const shows[] = { "online", "away", "xa", "dnd", "chat" };
    GVariantBuilder statuses;
    gboolean known = FALSE;

    for (guint i = 0; i < G_N_ELEMENTS(shows); i++)
        known = known || g_str_equal(args[0], shows[i]);
    if (!known) {
        tui_app_set_status(app, "status: online, away, xa, dnd or chat, not %s", args[0]);
        return;
    }
    g_variant_builder_init(&statuses, G_VARIANT_TYPE("a{ss}"));
    if (args[1] != NULL)
        g_variant_builder_add(&statuses, "{ss}", "", args[1]);
    tui_app_call(app, "setPresence",
                 g_variant_new("(ssa{ss}s)", "", g_str_equal(args[0], "online") ? "" : args[0],
                               &statuses, app->profile),
                 NULL, NULL, NULL);
    tui_app_set_status(app, "status: %s", args[0]);
}

static void
cmd_add(TuiApp *app, char **args)
{
    if (strchr(args[0], '@') == NULL && strchr(args[0], '.') == NULL) {
        tui_app_set_status(app, "add: an XMPP address, not %s", args[0]);
        return;
    }
    tui_app_call(app, "addContact", g_variant_new("(ss)", args[0], app->profile), NULL, NULL, NULL);
    tui_app_set_status(app, "asked %s to share presences", args[0]);
}

static void
cmd_open(TuiApp *app, char **args)
{
    const char *jid = args[0];

    if (strchr(jid, '/') != NULL || strchr(jid, ' ') != NULL || jid[0] == '@') {
        tui_app_set_status(app, "open: a bare JID (name@server), not %s", jid);
        return;
    }
    gboolean room = tui_roster_has_room(app->roster, jid);
    tui_app_open_chat(app, tui_app_ensure_chat(app, jid, room));
    app->mode = TUI_MODE_INSERT;
}

static void
cmd_help(TuiApp *app, char **args)
{
    tui_chat_clear(app->help);
    tui_chat_add_info(app->help, "Commands (type : in normal mode, then Enter):");
    for (const TuiCommand *c = tui_commands(); c->name != NULL; c++) {
        g_autofree char *line = g_strdup_printf(":%s %s  %s", c->name, c->args, c->help);
        tui_chat_add_info(app->help, line);
    }
    tui_chat_add_info(app->help, "Keys (change them with KEY_<ACTION> in [tui] of libervia.conf):");
    for (guint a = TUI_ACTION_MODE_INSERTION; a < TUI_ACTION_COUNT; a++) {
        const TuiActionInfo *info = tui_action_info((TuiAction)a);
        g_autofree char *key = tui_key_dup_name(tui_keymap_get_key(app->keymap, (TuiAction)a));
        g_autofree char *line = g_strdup_printf("%-10s %s (%s)", key, info->doc, info->name);
        tui_chat_add_info(app->help, line);
    }
    tui_app_open_chat(app, app->help);
}

static const TuiCommand commands[] = {
    { "quit", "", 0, FALSE, 0, "leave libervia-tui", cmd_quit },
    { "history", "[N]", 0, FALSE, 1, "show the last N messages of this chat (50)", cmd_history },
    { "search", "TEXT", 1, TRUE, 1, "search this chat's history for words", cmd_search },
    { "join", "ROOM [NICK]", 1, FALSE, 2, "join a room (the nick: our JID's local part)",
      cmd_join },
    { "topic", "[TEXT]", 0, TRUE, 1, "show or set this room's subject", cmd_topic },
    { "status", "SHOW [TEXT]", 1, TRUE, 2, "our presence: online, away, xa, dnd or chat",
      cmd_status },
    { "open", "JID", 1, FALSE, 1, "open the chat with JID (a contact, a room or anyone)",
      cmd_open },
    { "add", "JID", 1, FALSE, 1, "add a contact and ask for its presence", cmd_add },
    { "help", "", 0, FALSE, 0, "commands and keys", cmd_help },
    { NULL },
};

const TuiCommand *
tui_commands(void)
{
    return commands;
}

static const TuiCommand *
find_command(const char *name)
{
    for (const TuiCommand *c = commands; c->name != NULL; c++) {
        if (g_str_equal(c->name, name))
            return c;
    }
    /* Libervia's other names of :topic. */
    if (g_str_equal(name, "title") || g_str_equal(name, "subject") || g_str_equal(name, "suject"))
        return find_command("topic");
    return NULL;
}

/* The words of @text: up to @max, the last one taking the rest when @rest. */
static char **
split_words(const char *text, guint max, gboolean rest)
{
    GPtrArray *words = g_ptr_array_new();
    const char *p = text;

    for (;;) {
        while (*p == ' ')
            p++;
        if (*p == '\0')
            break;
        if (rest && words->len + 1 == max) {
            g_ptr_array_add(words, g_strchomp(g_strdup(p)));
            break;
        }
        const char *end = strchr(p, ' ');
        gsize len = end != NULL ? (gsize)(end - p) : strlen(p);
        g_ptr_array_add(words, g_strndup(p, len));
        p += len;
    }
    g_ptr_array_add(words, NULL);
    return (char **)g_ptr_array_free(words, FALSE);
}

const TuiCommand *
tui_commands_parse(const char *line, char ***args, GError **error)
{
    const char *p = line;

    *args = NULL;
    while (*p == ' ' || *p == ':')
        p++;
    gsize name_len = strcspn(p, " ");
    g_autofree char *name = g_strndup(p, name_len);
    const TuiCommand *command = find_command(name);
    if (command == NULL) {
        if (name[0] != '\0')
            g_set_error(error, LV_ERROR, LV_ERROR_INVALID_ARGUMENT,
                        "unknown command :%s (:help lists them)", name);
        else
            g_set_error_literal(error, LV_ERROR, LV_ERROR_INVALID_ARGUMENT,
                                "a command, please (:help lists them)");
        return NULL;
    }
    char **words = split_words(p + name_len, MAX(command->max_args, 1), command->rest);
    guint n = g_strv_length(words);
    if (n < command->min_args || n > command->max_args) {
        g_set_error(error, LV_ERROR, LV_ERROR_INVALID_ARGUMENT, "usage: :%s %s", command->name,
                    command->args);
        g_strfreev(words);
        return NULL;
    }
    *args = words;
    return command;
}

void
tui_commands_run(TuiApp *app, const char *line)
{
    g_auto(GStrv) args = NULL;
    g_autoptr(GError) error = NULL;
    const TuiCommand *command = tui_commands_parse(line, &args, &error);

    if (command == NULL) {
        tui_app_set_status(app, "%s", error->message);
        return;
    }
    command->exec(app, args);
}
