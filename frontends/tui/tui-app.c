/* tui-app: the TUI's state, its bridge calls and what keys do (see tui-app.h).
 * The loading of contacts and the signals are in tui-app-load.c and
 * tui-app-signals.c, the profile steps in tui-profile.c, the :commands in
 * tui-commands.c. */
#include "tui-app.h"

#include <string.h>

#include <sodium.h>

#include "lv-error.h"
#include "tui-commands.h"

#define HISTORY_PAGE 50

static void
bell(gpointer user_data)
{
    TuiApp *app = user_data;

    if (app->screen != NULL && app->screen->bell != NULL)
        app->screen->bell(app);
}

TuiApp *
tui_app_new(LvConfig *config, TuiKeymap *keymap, GMainLoop *loop)
{
    TuiApp *app = g_new0(TuiApp, 1);

    /* For the password kept in guarded memory; fails only without randomness. */
    if (sodium_init() < 0)
        g_warning("libsodium could not start: the profile password is not kept");
    app->config = config != NULL ? lv_config_ref(config) : NULL;
    app->keymap = keymap;
    app->loop = g_main_loop_ref(loop);
    app->roster = tui_roster_new();
    app->chats =
            g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)tui_chat_free);
    app->help = tui_chat_new("", FALSE);
    app->input = tui_input_new();
    app->starting_text = g_strdup("connecting to the Libervia backend…");
    app->focus = TUI_FOCUS_CONTACTS;
    app->chat_height = 20;
    app->chat_width = 60;
    return app;
}

static void
wipe_free(char *secret)
{
    if (secret == NULL)
        return;
    sodium_memzero(secret, strlen(secret));
    g_free(secret);
}

void
tui_app_free(TuiApp *app)
{
    if (app == NULL)
        return;
    if (app->name_watch != 0)
        g_bus_unwatch_name(app->name_watch);
    if (app->composing_later != 0)
        g_source_remove(app->composing_later);
    g_clear_pointer(&app->bridge, lv_bridge_free);
    g_clear_pointer(&app->notify, tui_notify_free);
    if (app->password != NULL)
        sodium_free(app->password);
    wipe_free(app->new_xmpp_password);
    g_free(app->new_name);
    g_free(app->new_jid);
    g_strfreev(app->profiles);
    g_free(app->prompt_error);
    g_hash_table_unref(app->chats);
    tui_chat_free(app->help);
    tui_roster_free(app->roster);
    tui_input_free(app->input);
    tui_keymap_free(app->keymap);
    g_free(app->starting_text);
    g_free(app->profile);
    g_free(app->own_jid);
    g_free(app->status);
    g_free(app->complete_prefix);
    g_free(app->complete_last);
    g_free(app->exit_message);
    if (app->config != NULL)
        lv_config_unref(app->config);
    g_main_loop_unref(app->loop);
    g_free(app);
}

void
tui_app_quit(TuiApp *app, int exit_code, const char *message)
{
    app->exit_code = exit_code;
    app->quitting = TRUE;
    g_free(app->exit_message);
    app->exit_message = g_strdup(message);
    g_main_loop_quit(app->loop);
}

void
tui_app_redraw(TuiApp *app)
{
    if (app->screen != NULL && app->screen->draw != NULL)
        app->screen->draw(app);
}

void
tui_app_set_status(TuiApp *app, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    g_free(app->status);
    app->status = g_strdup_vprintf(format, args);
    va_end(args);
    tui_app_redraw(app);
}

const char *
tui_app_mode_name(TuiMode mode)
{
    switch (mode) {
    case TUI_MODE_INSERT:
        return "INSERT";
    case TUI_MODE_COMMAND:
        return "COMMAND";
    default:
        return "NORMAL";
    }
}

/* ---- bridge calls ---- */

typedef struct {
    TuiApp *app;
    TuiReplyFunc next;
    gpointer data;
    GDestroyNotify data_free;
} Call;

static void
on_reply(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Call *call = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) reply = NULL;

    /* The app outlives every call: the main loop ends before it is freed and
     * replies after that are never dispatched. */
    if (call->app->bridge != NULL)
        reply = lv_bridge_call_finish(call->app->bridge, result, &error);
    else
        g_set_error(&error, LV_ERROR, LV_ERROR_BRIDGE, "the bridge is gone");
    if (call->next != NULL)
        call->next(call->app, reply, error, call->data);
    else if (reply == NULL)
        tui_app_set_status(call->app, "error: %s", error->message);
    if (call->data_free != NULL)
        call->data_free(call->data);
    g_free(call);
}

void
tui_app_call(TuiApp *app, const char *method, GVariant *params, TuiReplyFunc next, gpointer data,
             GDestroyNotify data_free)
{
    Call *call = g_new0(Call, 1);

    call->app = app;
    call->next = next;
    call->data = data;
    call->data_free = data_free;
    if (app->bridge == NULL) {
        /* Headless (the unit tests) or before the bridge: the call fails at once. */
        g_autoptr(GError) error =
                g_error_new(LV_ERROR, LV_ERROR_BRIDGE, "no bridge for %s", method);
        g_variant_unref(g_variant_ref_sink(params));
        if (next != NULL)
            next(app, NULL, error, data);
        if (data_free != NULL)
            data_free(data);
        g_free(call);
        return;
    }
    lv_bridge_call(app->bridge, method, params, NULL, on_reply, call);
}

/* ---- start ---- */

static void
on_bridge(GObject *source, GAsyncResult *result, gpointer user_data)
{
    TuiApp *app = user_data;
    g_autoptr(GError) error = NULL;

    app->bridge = lv_bridge_new_finish(result, &error);
    if (app->bridge == NULL) {
        g_autofree char *message = g_strdup_printf("libervia-tui: %s", error->message);
        tui_app_quit(app, lv_error_exit_code(error), message);
        return;
    }
    lv_bridge_signal_subscribe(app->bridge, tui_app_on_signal, app, NULL);
    tui_app_watch_backend(app);
    if (app->profile != NULL)
        tui_profile_use(app, app->profile);
    else
        tui_profile_choose(app);
}

void
tui_app_start(TuiApp *app, const char *profile)
{
    g_autoptr(GError) error = NULL;

    app->notify = tui_notify_new(app->config, bell, app, &error);
    if (app->notify == NULL) {
        g_autofree char *message = g_strdup_printf("libervia-tui: %s", error->message);
        tui_app_quit(app, 1, message);
        return;
    }
    app->profile = g_strdup(profile);
    app->given_profile = profile != NULL;
    tui_app_redraw(app);
    lv_bridge_new_async(app->config, NULL, on_bridge, app);
}

/* ---- chats ---- */

TuiChat *
tui_app_ensure_chat(TuiApp *app, const char *jid, gboolean is_room)
{
    TuiChat *chat = g_hash_table_lookup(app->chats, jid);

    if (chat == NULL) {
        chat = tui_chat_new(jid, is_room);
        g_hash_table_insert(app->chats, g_strdup(jid), chat);
    }
    return chat;
}

typedef struct {
    char *jid;
    gint limit;
    gboolean older; /* a page before what is shown */
} HistoryRequest;

static void
history_request_free(HistoryRequest *request)
{
    g_free(request->jid);
    g_free(request);
}

static void
on_history(TuiApp *app, GVariant *reply, const GError *error, gpointer data)
{
    HistoryRequest *request = data;
    TuiChat *chat = g_hash_table_lookup(app->chats, request->jid);
    g_autoptr(GVariantIter) iter = NULL;
    const char *uid = NULL, *from = NULL, *to = NULL, *type = NULL, *extra = NULL;
    double timestamp = 0;
    GVariant *message = NULL, *subject = NULL;
    guint count = 0;

    if (chat == NULL)
        return;
    tui_chat_set_loading(chat, FALSE);
    if (reply == NULL) {
        tui_app_set_status(app, "history of %s: %s", request->jid, error->message);
        return;
    }
    g_variant_get(reply, "(a(sdssa{ss}a{ss}ss))", &iter);
    while (g_variant_iter_next(iter, "(&sd&s&s@a{ss}@a{ss}&s&s)", &uid, &timestamp, &from, &to,
                               &message, &subject, &type, &extra)) {
        TuiMessage m = { 0 };
        tui_app_fill_message(app, chat, &m, uid, timestamp, from, message, extra);
        tui_chat_add_message(chat, &m);
        g_free(m.nick);
        g_free(m.body);
        g_variant_unref(message);
        g_variant_unref(subject);
        count++;
    }
    if (request->limit > 0 && count < (guint)request->limit)
        tui_chat_set_history_complete(chat, TRUE);
    tui_app_redraw(app);
}

void
tui_app_load_history(TuiApp *app, TuiChat *chat, gint limit)
{
    GVariantBuilder filters;
    const char *oldest = tui_chat_get_oldest_uid(chat);
    HistoryRequest *request = g_new0(HistoryRequest, 1);

    if (tui_chat_get_loading(chat)) {
        history_request_free(request);
        return;
    }
    g_variant_builder_init(&filters, G_VARIANT_TYPE("a{ss}"));
    if (oldest != NULL)
        g_variant_builder_add(&filters, "{ss}", "before_uid", oldest);
    request->jid = g_strdup(tui_chat_get_jid(chat));
    request->limit = limit > 0 ? limit : HISTORY_PAGE;
    request->older = oldest != NULL;
    tui_chat_set_loading(chat, TRUE);
    tui_chat_set_history_asked(chat, TRUE);
    tui_app_call(app, "historyGet",
                 g_variant_new("(ssiba{ss}s)", tui_chat_get_jid(chat), "", request->limit, TRUE,
                               &filters, app->profile),
                 on_history, request, (GDestroyNotify)history_request_free);
}

void
tui_app_open_chat(TuiApp *app, TuiChat *chat)
{
    gboolean first = !tui_chat_get_history_asked(chat);

    app->current = chat;
    tui_chat_set_unread(chat, 0);
    tui_roster_set_unread(app->roster, tui_chat_get_jid(chat), 0);
    app->focus = TUI_FOCUS_CHAT;
    if (first && chat != app->help)
        tui_app_load_history(app, chat, HISTORY_PAGE);
    tui_app_redraw(app);
}

GPtrArray *
tui_app_dup_rows(TuiApp *app)
{
    return tui_roster_dup_rows(app->roster);
}

void
tui_app_set_chat_height(TuiApp *app, guint chat_height)
{
    app->chat_height = MAX(chat_height, 1);
}

/* ---- keys ---- */

static void
open_selected(TuiApp *app)
{
    g_autoptr(GPtrArray) rows = tui_app_dup_rows(app);

    if (app->list_selected >= rows->len)
        return;
    TuiRosterRow *row = rows->pdata[app->list_selected];
    if (row->kind == TUI_ROW_GROUP)
        return;
    tui_app_open_chat(app, tui_app_ensure_chat(app, row->jid, row->kind == TUI_ROW_ROOM));
    app->mode = TUI_MODE_INSERT;
}

static void
move_selection(TuiApp *app, gint delta)
{
    g_autoptr(GPtrArray) rows = tui_app_dup_rows(app);
    gint at = (gint)app->list_selected;

    if (rows->len == 0)
        return;
    /* Group headers are skipped. */
    do {
        at += delta;
    } while (at >= 0 && at < (gint)rows->len &&
             ((TuiRosterRow *)rows->pdata[at])->kind == TUI_ROW_GROUP);
    if (at >= 0 && at < (gint)rows->len)
        app->list_selected = (guint)at;
}

static void
scroll_chat(TuiApp *app, gint lines)
{
    TuiChat *chat = app->current;

    if (chat == NULL)
        return;
    tui_chat_scroll(chat, lines);
    /* At the top of what is loaded: the page before it. The screen clamps the
     * scroll to what there is, so this is seen by it on the next draw. */
    if (lines > 0 && !tui_chat_get_history_complete(chat) && chat != app->help) {
        g_autoptr(GPtrArray) all =
                tui_chat_dup_lines(chat, app->chat_width, !app->timestamps_hidden);
        if (tui_chat_get_scroll(chat) + app->chat_height >= all->len)
            tui_app_load_history(app, chat, HISTORY_PAGE);
    }
}

static void
next_unread(TuiApp *app)
{
    GHashTableIter iter;
    TuiChat *chat = NULL;
    TuiChat *best = NULL;

    g_hash_table_iter_init(&iter, app->chats);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&chat)) {
        if (tui_chat_get_unread(chat) > 0 && chat != app->current &&
            (best == NULL || strcmp(tui_chat_get_jid(chat), tui_chat_get_jid(best)) < 0))
            best = chat;
    }
    if (best != NULL)
        tui_app_open_chat(app, best);
    else
        tui_app_set_status(app, "no unread messages");
}

static void
switch_focus(TuiApp *app, gint direction)
{
    gboolean occupants =
            app->current != NULL && tui_chat_is_room(app->current) && !app->occupants_hidden;
    gint n = occupants ? 3 : 2;
    gint focus = ((gint)app->focus + direction + n) % n;

    if (app->contacts_hidden && focus == TUI_FOCUS_CONTACTS)
        focus = ((gint)focus + direction + n) % n;
    app->focus = (TuiFocus)focus;
}

static void
complete_nick(TuiApp *app)
{
    if (app->current == NULL || !tui_chat_is_room(app->current))
        return;
    g_autofree char *word = tui_input_dup_word_before_cursor(app->input);
    /* Pressed again right after a completion: the next nick for the same prefix. */
    gboolean again = app->complete_last != NULL &&
                     (g_strcmp0(word, app->complete_last) == 0 ||
                      (g_str_has_suffix(word, ":") &&
                       strncmp(word, app->complete_last, strlen(app->complete_last)) == 0));
    if (!again) {
        g_free(app->complete_prefix);
        app->complete_prefix = g_strdup(word);
        g_clear_pointer(&app->complete_last, g_free);
    }
    const char *nick =
            tui_chat_complete_nick(app->current, app->complete_prefix, app->complete_last);
    if (nick == NULL)
        return;
    /* At the start of the line the nick addresses its owner, as Libervia writes it. */
    gboolean first_word = strlen(tui_input_get_text(app->input)) == strlen(word);
    g_autofree char *replacement = g_strconcat(nick, first_word ? ":" : "", NULL);
    tui_input_replace_word_before_cursor(app->input, replacement);
    g_free(app->complete_last);
    app->complete_last = g_strdup(nick);
}

static void
ignore_reply(TuiApp *app, GVariant *reply, const GError *error, gpointer data)
{
    /* A chat state that did not go is no news for the status line. */
}

static void
call_composing(TuiApp *app)
{
    app->composing_told_at = g_get_monotonic_time();
    app->composing_told = app->current;
    tui_app_call(app, "chatStateComposing",
                 g_variant_new("(ss)", tui_chat_get_jid(app->current), app->profile), ignore_reply,
                 NULL, NULL);
}

static gboolean
on_composing_later(gpointer user_data)
{
    TuiApp *app = user_data;

    app->composing_later = 0;
    /* Still typing there: the keys of the last second count. */
    if (app->mode == TUI_MODE_INSERT && app->current != NULL && app->current != app->help &&
        tui_input_get_text(app->input)[0] != '\0')
        call_composing(app);
    return G_SOURCE_REMOVE;
}

/* A key typed in a chat's input line: the backend sends <composing/> and later
 * <paused/> (XEP-0085, as Libervia's frontends call it). Once a second is enough
 * (it counts the pause from the last call); keys within that second make one call
 * at its end. */
static void
tell_composing(TuiApp *app)
{
    gint64 since = g_get_monotonic_time() - app->composing_told_at;

    if (app->mode != TUI_MODE_INSERT || app->current == NULL || app->current == app->help)
        return;
    if (app->composing_told_at == 0 || since >= G_USEC_PER_SEC ||
        app->composing_told != app->current) {
        call_composing(app);
        return;
    }
    if (app->composing_later == 0)
        app->composing_later = g_timeout_add((guint)((G_USEC_PER_SEC - since) / 1000) + 1,
                                             on_composing_later, app);
}

static void
send_text(TuiApp *app, const char *text)
{
    if (app->current == NULL || app->current == app->help) {
        tui_app_set_status(app, "no chat open: choose a contact (Tab, arrows, Enter)");
        return;
    }
    GVariantBuilder message, subject;
    g_variant_builder_init(&message, G_VARIANT_TYPE("a{ss}"));
    g_variant_builder_init(&subject, G_VARIANT_TYPE("a{ss}"));
    g_variant_builder_add(&message, "{ss}", "", text);
    tui_app_call(app, "messageSend",
                 g_variant_new("(sa{ss}a{ss}sss)", tui_chat_get_jid(app->current), &message,
                               &subject, tui_chat_is_room(app->current) ? "groupchat" : "chat", "",
                               app->profile),
                 NULL, NULL, NULL);
    tui_chat_scroll_to_bottom(app->current);
}

static void
enter(TuiApp *app)
{
    g_autofree char *text = tui_input_take(app->input);

    if (app->mode == TUI_MODE_COMMAND) {
        app->mode = TUI_MODE_NORMAL;
        tui_commands_run(app, text);
        return;
    }
    if (text[0] != '\0')
        send_text(app, text);
}

/* The edit keys of insertion and command modes; FALSE if @action is not one. */
static gboolean
edit_action(TuiApp *app, TuiAction action)
{
    switch (action) {
    case TUI_ACTION_HISTORY_PREV:
        tui_input_history_prev(app->input);
        return TRUE;
    case TUI_ACTION_HISTORY_NEXT:
        tui_input_history_next(app->input);
        return TRUE;
    case TUI_ACTION_EDIT_HOME:
        tui_input_home(app->input);
        return TRUE;
    case TUI_ACTION_EDIT_END:
        tui_input_end(app->input);
        return TRUE;
    case TUI_ACTION_EDIT_DELETE_TO_END:
        tui_input_delete_to_end(app->input);
        return TRUE;
    case TUI_ACTION_EDIT_DELETE_LAST_WORD:
        tui_input_delete_last_word(app->input);
        return TRUE;
    case TUI_ACTION_EDIT_ENTER:
        enter(app);
        return TRUE;
    case TUI_ACTION_EDIT_COMPLETE:
        complete_nick(app);
        return TRUE;
    default:
        return FALSE;
    }
}

static void
toggle(gboolean *flag)
{
    *flag = !*flag;
}

static void
global_action(TuiApp *app, TuiAction action)
{
    switch (action) {
    case TUI_ACTION_MODE_INSERTION:
        app->mode = TUI_MODE_INSERT;
        break;
    case TUI_ACTION_MODE_COMMAND:
        app->mode = TUI_MODE_COMMAND;
        tui_input_clear(app->input);
        break;
    case TUI_ACTION_MODAL_ESCAPE:
        if (app->mode == TUI_MODE_COMMAND)
            tui_input_clear(app->input);
        app->mode = TUI_MODE_NORMAL;
        break;
    case TUI_ACTION_NOTIFICATION_NEXT:
        next_unread(app);
        break;
    case TUI_ACTION_APP_QUIT:
        tui_app_quit(app, 0, NULL);
        break;
    case TUI_ACTION_ROOM_JOIN:
        app->mode = TUI_MODE_COMMAND;
        tui_input_set_text(app->input, "join ");
        break;
    case TUI_ACTION_CONTACTS_HIDE:
        toggle(&app->contacts_hidden);
        if (app->contacts_hidden && app->focus == TUI_FOCUS_CONTACTS)
            app->focus = TUI_FOCUS_CHAT;
        break;
    case TUI_ACTION_REFRESH_SCREEN:
        if (app->screen != NULL && app->screen->redraw_all != NULL)
            app->screen->redraw_all(app);
        break;
    case TUI_ACTION_DISCONNECTED_HIDE:
        tui_roster_set_show_offline(app->roster, !tui_roster_get_show_offline(app->roster));
        break;
    case TUI_ACTION_OCCUPANTS_HIDE:
        toggle(&app->occupants_hidden);
        break;
    case TUI_ACTION_TIMESTAMP_HIDE:
        toggle(&app->timestamps_hidden);
        break;
    case TUI_ACTION_GOTO_BOTTOM:
        if (app->current != NULL)
            tui_chat_scroll_to_bottom(app->current);
        break;
    case TUI_ACTION_FOCUS_SWITCH:
    case TUI_ACTION_FOCUS_RIGHT:
        switch_focus(app, 1);
        break;
    case TUI_ACTION_FOCUS_LEFT:
        switch_focus(app, -1);
        break;
    case TUI_ACTION_FOCUS_UP:
    case TUI_ACTION_FOCUS_DOWN:
        if (app->current != NULL)
            app->focus = TUI_FOCUS_CHAT;
        break;
    case TUI_ACTION_SCROLL_UP:
        scroll_chat(app, (gint)MAX(app->chat_height - 1, 1));
        break;
    case TUI_ACTION_SCROLL_DOWN:
        scroll_chat(app, -(gint)MAX(app->chat_height - 1, 1));
        break;
    case TUI_ACTION_LIST_UP:
        if (app->focus == TUI_FOCUS_CONTACTS)
            move_selection(app, -1);
        else
            scroll_chat(app, 1);
        break;
    case TUI_ACTION_LIST_DOWN:
        if (app->focus == TUI_FOCUS_CONTACTS)
            move_selection(app, 1);
        else
            scroll_chat(app, -1);
        break;
    case TUI_ACTION_LIST_SELECT:
        if (app->focus == TUI_FOCUS_CONTACTS)
            open_selected(app);
        else
            app->mode = TUI_MODE_INSERT;
        break;
    default:
        break;
    }
}

/* A key typed into the input line: text, or the keys every editor has. */
static void
edit_key(TuiApp *app, TuiKey key)
{
    switch (key.code) {
    case TUI_KEY_BACKSPACE:
    case 0x7f:
    case 0x08:
        if (app->mode == TUI_MODE_COMMAND && tui_input_get_text(app->input)[0] == '\0')
            app->mode = TUI_MODE_NORMAL; /* as vi: backspace on an empty : line leaves it */
        else
            tui_input_backspace(app->input);
        return;
    case TUI_KEY_DELETE:
        tui_input_delete(app->input);
        return;
    case TUI_KEY_LEFT:
        tui_input_left(app->input);
        return;
    case TUI_KEY_RIGHT:
        tui_input_right(app->input);
        return;
    case TUI_KEY_HOME:
        tui_input_home(app->input);
        return;
    case TUI_KEY_END:
        tui_input_end(app->input);
        return;
    default:
        if (!key.meta && key.code >= 0x20 && key.code < 0x110000 && key.code != 0x7f) {
            tui_input_insert_char(app->input, key.code);
            tell_composing(app);
        }
    }
}

/* During a bracketed paste everything is text, Enter included. */
static gboolean
paste_key(TuiApp *app, TuiKey key)
{
    if (key.code == TUI_KEY_PASTE_START) {
        app->pasting = TRUE;
        if (app->mode == TUI_MODE_NORMAL)
            app->mode = TUI_MODE_INSERT;
        return TRUE;
    }
    if (key.code == TUI_KEY_PASTE_END) {
        app->pasting = FALSE;
        return TRUE;
    }
    if (!app->pasting)
        return FALSE;
    tell_composing(app);
    if (key.code == '\r' || key.code == '\n')
        tui_input_insert_char(app->input, '\n');
    else if (key.code == '\t' || (key.code >= 0x20 && key.code < 0x110000 && key.code != 0x7f))
        tui_input_insert_char(app->input, key.code);
    return TRUE;
}

/* Ctrl-c, when no binding takes it. A chat client open for hours should not go
 * on a stray ctrl-c (Profanity and irssi ignore it), but a terminal user who
 * means it expects it to work (Libervia's TUI quits): the first one clears the
 * line typed, if any, and says how to quit; a second one within 3 s quits. */
static void
interrupt(TuiApp *app)
{
    gint64 now = g_get_monotonic_time();

    if (app->interrupted_at != 0 && now - app->interrupted_at < 3 * G_USEC_PER_SEC) {
        tui_app_quit(app, 0, NULL);
        return;
    }
    app->interrupted_at = now;
    if (app->mode != TUI_MODE_NORMAL && tui_input_get_text(app->input)[0] != '\0')
        tui_input_clear(app->input);
    tui_app_set_status(app, "ctrl c again quits (or ctrl x, :quit)");
}

static void
main_key(TuiApp *app, TuiKey key)
{
    gboolean editing = app->mode != TUI_MODE_NORMAL;
    TuiAction action = tui_keymap_lookup(
            app->keymap,
            editing ? TUI_CONTEXT_EDIT
                    : (app->focus == TUI_FOCUS_CONTACTS ? TUI_CONTEXT_LIST : TUI_CONTEXT_NORMAL),
            key);

    if (action != TUI_ACTION_EDIT_COMPLETE)
        g_clear_pointer(&app->complete_last, g_free);
    if (action == TUI_ACTION_NONE && key.code == ('c' & 0x1f) && !key.meta) {
        interrupt(app);
        return;
    }
    app->interrupted_at = 0;
    if (editing && edit_action(app, action))
        return;
    if (action != TUI_ACTION_NONE) {
        global_action(app, action);
        return;
    }
    if (editing)
        edit_key(app, key);
}

void
tui_app_handle_key(TuiApp *app, TuiKey key)
{
    if (app->phase == TUI_PHASE_CHOOSER || app->phase == TUI_PHASE_PROMPT) {
        tui_profile_handle_key(app, key);
    } else if (app->phase == TUI_PHASE_MAIN) {
        if (!paste_key(app, key))
            main_key(app, key);
    } else if (key.code == ('x' & 0x1f) || key.code == ('c' & 0x1f)) {
        tui_app_quit(app, 0, NULL); /* waiting: ctrl x or ctrl c still quits */
    }
    tui_app_redraw(app);
}
