/* tui-chat: one conversation (see tui-chat.h). */
#include "tui-chat.h"

#include <string.h>

#include "tui-text.h"

/* The keys (or values) of @table in an array (transfer container; GLib 2.74 has no
 * g_hash_table_get_keys_as_ptr_array). */
static GPtrArray *
table_items(GHashTable *table, gboolean values)
{
    GPtrArray *items = g_ptr_array_sized_new(g_hash_table_size(table));
    GHashTableIter iter;
    gpointer key = NULL, value = NULL;

    g_hash_table_iter_init(&iter, table);
    while (g_hash_table_iter_next(&iter, &key, &value))
        g_ptr_array_add(items, values ? value : key);
    return items;
}

struct _TuiChat {
    char *jid;
    gboolean is_room;
    GPtrArray *messages; /* TuiMessage*, timestamp order */
    GHashTable *uids;    /* uid set (borrowed from messages) */
    guint scroll;
    guint unread;
    char *chat_state;
    gboolean loading;
    gboolean history_complete;
    gboolean history_asked;
    char *subject;
    char *nick;
    GHashTable *occupants; /* nick → role */
    GPtrArray *lines;      /* the last layout, until a message changes */
    guint lines_width;
    gboolean lines_timestamps;
};

static void
message_free(TuiMessage *m)
{
    g_free(m->uid);
    g_free(m->from);
    g_free(m->nick);
    g_free(m->body);
    g_free(m->state);
    g_free(m);
}

static TuiMessage *
message_copy(const TuiMessage *m)
{
    TuiMessage *copy = g_new0(TuiMessage, 1);

    copy->uid = g_strdup(m->uid);
    copy->timestamp = m->timestamp;
    copy->from = g_strdup(m->from != NULL ? m->from : "");
    copy->nick = g_strdup(m->nick != NULL ? m->nick : "");
    copy->body = g_strdup(m->body != NULL ? m->body : "");
    copy->state = g_strdup(m->state != NULL ? m->state : "");
    copy->own = m->own;
    copy->info = m->info;
    return copy;
}

TuiChat *
tui_chat_new(const char *jid, gboolean is_room)
{
    TuiChat *chat = g_new0(TuiChat, 1);

    chat->jid = g_strdup(jid);
    chat->is_room = is_room;
    chat->messages = g_ptr_array_new_with_free_func((GDestroyNotify)message_free);
    chat->uids = g_hash_table_new(g_str_hash, g_str_equal);
    chat->chat_state = g_strdup("");
    chat->subject = g_strdup("");
    chat->nick = g_strdup("");
    chat->occupants = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    return chat;
}

void
tui_chat_free(TuiChat *chat)
{
    if (chat == NULL)
        return;
    g_hash_table_unref(chat->uids);
    g_ptr_array_unref(chat->messages);
    g_hash_table_unref(chat->occupants);
    g_clear_pointer(&chat->lines, g_ptr_array_unref);
    g_free(chat->jid);
    g_free(chat->chat_state);
    g_free(chat->subject);
    g_free(chat->nick);
    g_free(chat);
}

const char *
tui_chat_get_jid(TuiChat *chat)
{
    return chat->jid;
}

gboolean
tui_chat_is_room(TuiChat *chat)
{
    return chat->is_room;
}

gboolean
tui_chat_add_message(TuiChat *chat, const TuiMessage *message)
{
    if (message->uid != NULL && g_hash_table_contains(chat->uids, message->uid))
        return FALSE;
    TuiMessage *copy = message_copy(message);
    guint at = chat->messages->len;
    /* Usually the newest: walk back from the end. */
    while (at > 0 && ((TuiMessage *)chat->messages->pdata[at - 1])->timestamp > copy->timestamp)
        at--;
    g_ptr_array_insert(chat->messages, (gint)at, copy);
    g_clear_pointer(&chat->lines, g_ptr_array_unref);
    if (copy->uid != NULL)
        g_hash_table_add(chat->uids, copy->uid);
    return TRUE;
}

void
tui_chat_add_info(TuiChat *chat, const char *text)
{
    TuiMessage info = { .timestamp = g_get_real_time() / 1e6, .body = (char *)text, .info = TRUE };

    tui_chat_add_message(chat, &info);
}

void
tui_chat_clear(TuiChat *chat)
{
    g_hash_table_remove_all(chat->uids);
    g_ptr_array_set_size(chat->messages, 0);
    g_clear_pointer(&chat->lines, g_ptr_array_unref);
    chat->scroll = 0;
    chat->history_complete = FALSE;
}

guint
tui_chat_count_messages(TuiChat *chat)
{
    return chat->messages->len;
}

const char *
tui_chat_get_oldest_uid(TuiChat *chat)
{
    for (guint i = 0; i < chat->messages->len; i++) {
        TuiMessage *m = chat->messages->pdata[i];
        if (m->uid != NULL)
            return m->uid;
    }
    return NULL;
}

gboolean
tui_chat_set_state(TuiChat *chat, const char *uid, const char *state)
{
    for (guint i = chat->messages->len; i > 0; i--) {
        TuiMessage *m = chat->messages->pdata[i - 1];
        if (g_strcmp0(m->uid, uid) == 0) {
            g_free(m->state);
            m->state = g_strdup(state);
            g_clear_pointer(&chat->lines, g_ptr_array_unref);
            return TRUE;
        }
    }
    return FALSE;
}

void
tui_chat_scroll(TuiChat *chat, gint lines)
{
    gint64 scroll = (gint64)chat->scroll + lines;

    chat->scroll = (guint)CLAMP(scroll, 0, G_MAXINT);
}

guint
tui_chat_get_scroll(TuiChat *chat)
{
    return chat->scroll;
}

void
tui_chat_scroll_to_bottom(TuiChat *chat)
{
    chat->scroll = 0;
}

guint
tui_chat_get_unread(TuiChat *chat)
{
    return chat->unread;
}

void
tui_chat_set_unread(TuiChat *chat, guint unread)
{
    chat->unread = unread;
}

const char *
tui_chat_get_chat_state(TuiChat *chat)
{
    return chat->chat_state;
}

void
tui_chat_set_chat_state(TuiChat *chat, const char *state)
{
    g_free(chat->chat_state);
    chat->chat_state = g_strdup(state != NULL ? state : "");
}

gboolean
tui_chat_get_loading(TuiChat *chat)
{
    return chat->loading;
}

void
tui_chat_set_loading(TuiChat *chat, gboolean loading)
{
    chat->loading = loading;
}

gboolean
tui_chat_get_history_complete(TuiChat *chat)
{
    return chat->history_complete;
}

void
tui_chat_set_history_complete(TuiChat *chat, gboolean complete)
{
    chat->history_complete = complete;
}

gboolean
tui_chat_get_history_asked(TuiChat *chat)
{
    return chat->history_asked;
}

void
tui_chat_set_history_asked(TuiChat *chat, gboolean asked)
{
    chat->history_asked = asked;
}

const char *
tui_chat_get_subject(TuiChat *chat)
{
    return chat->subject;
}

void
tui_chat_set_subject(TuiChat *chat, const char *subject)
{
    g_free(chat->subject);
    chat->subject = g_strdup(subject != NULL ? subject : "");
}

const char *
tui_chat_get_nick(TuiChat *chat)
{
    return chat->nick;
}

void
tui_chat_set_nick(TuiChat *chat, const char *nick)
{
    g_free(chat->nick);
    chat->nick = g_strdup(nick != NULL ? nick : "");
}

void
tui_chat_set_occupant(TuiChat *chat, const char *nick, const char *role)
{
    g_hash_table_replace(chat->occupants, g_strdup(nick), g_strdup(role != NULL ? role : ""));
}

void
tui_chat_remove_occupant(TuiChat *chat, const char *nick)
{
    g_hash_table_remove(chat->occupants, nick);
}

void
tui_chat_rename_occupant(TuiChat *chat, const char *old_nick, const char *new_nick)
{
    g_autofree char *role = g_strdup(g_hash_table_lookup(chat->occupants, old_nick));

    g_hash_table_remove(chat->occupants, old_nick);
    tui_chat_set_occupant(chat, new_nick, role);
    if (g_str_equal(chat->nick, old_nick))
        tui_chat_set_nick(chat, new_nick);
}

/* Case does not order nicks: "bert" before "Bob" in every locale. */
static gint
compare_nicks(gconstpointer a, gconstpointer b)
{
    g_autofree char *x = g_utf8_casefold(*(const char *const *)a, -1);
    g_autofree char *y = g_utf8_casefold(*(const char *const *)b, -1);
    int c = g_utf8_collate(x, y);

    return c != 0 ? c : strcmp(*(const char *const *)a, *(const char *const *)b);
}

GPtrArray *
tui_chat_dup_occupants(TuiChat *chat)
{
    GPtrArray *nicks = table_items(chat->occupants, FALSE);

    g_ptr_array_sort(nicks, compare_nicks);
    return nicks;
}

static gboolean
has_prefix_nocase(const char *nick, const char *prefix)
{
    g_autofree char *n = g_utf8_casefold(nick, -1);
    g_autofree char *p = g_utf8_casefold(prefix, -1);

    return g_str_has_prefix(n, p);
}

const char *
tui_chat_complete_nick(TuiChat *chat, const char *prefix, const char *current)
{
    g_autoptr(GPtrArray) nicks = tui_chat_dup_occupants(chat);
    const char *first = NULL;
    gboolean after_current = current == NULL;

    for (guint i = 0; i < nicks->len; i++) {
        const char *nick = nicks->pdata[i];
        if (g_str_equal(nick, chat->nick) || !has_prefix_nocase(nick, prefix))
            continue;
        if (first == NULL)
            first = nick;
        if (after_current)
            return nick;
        if (g_strcmp0(nick, current) == 0)
            after_current = TRUE;
    }
    /* The keys of the table: valid while the occupant is there. */
    return first;
}

/* "HH:MM <nick> " or "* " for the TUI's own lines. */
static char *
message_prefix(const TuiMessage *m, gboolean timestamps)
{
    g_autofree char *time = NULL;

    if (timestamps) {
        g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local((gint64)m->timestamp);
        time = dt != NULL ? g_date_time_format(dt, "%H:%M ") : g_strdup("--:-- ");
    }
    if (m->info)
        return g_strconcat(time != NULL ? time : "", "* ", NULL);
    g_autofree char *nick = tui_text_sanitize(m->nick, TUI_TEXT_FLAGS_NONE);
    g_autofree char *short_nick = tui_text_truncate(nick, 16);
    return g_strdup_printf("%s<%s> ", time != NULL ? time : "", short_nick);
}

static void
add_message_lines(GPtrArray *lines, const TuiMessage *m, guint width, gboolean timestamps)
{
    g_autofree char *prefix = message_prefix(m, timestamps);
    g_autofree char *body = tui_text_sanitize(m->body, TUI_TEXT_KEEP_NEWLINES);
    const char *mark = m->own && g_str_equal(m->state, "pending") ? " …" : "";
    g_autofree char *text = g_strconcat(body, mark, NULL);
    guint indent = tui_text_width(prefix);
    gboolean narrow = indent + 10 > width;

    if (narrow) { /* a narrow pane: the prefix on a line of its own */
        g_ptr_array_add(lines, tui_text_truncate(prefix, width));
        indent = 2;
    }
    g_autoptr(GPtrArray) wrapped = tui_text_wrap(text, width - indent);
    g_autofree char *pad = g_strnfill(indent, ' ');
    for (guint i = 0; i < wrapped->len; i++) {
        /* Continuation lines are indented: a newline in a body cannot pass for
         * another message ("12:00 <admin> ..."). */
        g_ptr_array_add(lines,
                        g_strconcat(i == 0 && !narrow ? prefix : pad, wrapped->pdata[i], NULL));
    }
}

GPtrArray *
tui_chat_dup_lines(TuiChat *chat, guint width, gboolean timestamps)
{
    if (width < 12)
        width = 12;
    /* Every draw and scroll asks: the layout of a long history is made once. */
    if (chat->lines != NULL && chat->lines_width == width && chat->lines_timestamps == timestamps)
        return g_ptr_array_ref(chat->lines);
    g_clear_pointer(&chat->lines, g_ptr_array_unref);
    GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < chat->messages->len; i++)
        add_message_lines(lines, chat->messages->pdata[i], width, timestamps);
    chat->lines = lines;
    chat->lines_width = width;
    chat->lines_timestamps = timestamps;
    return g_ptr_array_ref(lines);
}
