/* tui-chat: one conversation, a contact or a room: its messages in time order
 * (each once, by uid), the scroll position, the unread count, and for rooms the
 * subject, our nick and the occupants, with Libervia's nick completion. It lays
 * the messages out into screen lines (sanitised, wrapped, continuation lines
 * indented). No curses here. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
    char *uid;
    double timestamp;
    char *from; /* the JID it came from (full for a room: room/nick) */
    char *nick; /* the name shown */
    char *body;
    char *state; /* delivery state of our own messages ("" when unknown) */
    gboolean own;
    gboolean info; /* a line of the TUI itself (help, search results) */
} TuiMessage;

typedef struct _TuiChat TuiChat;

TuiChat *tui_chat_new(const char *jid, gboolean is_room);
void tui_chat_free(TuiChat *chat);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TuiChat, tui_chat_free)

const char *tui_chat_get_jid(TuiChat *chat);
gboolean tui_chat_is_room(TuiChat *chat);

/* Adds a message (copied); FALSE when its uid is already there. Messages are kept
 * in timestamp order, so history loaded later lands before the live ones. */
gboolean tui_chat_add_message(TuiChat *chat, const TuiMessage *message);
/* Adds a line of the TUI's own (not a message: no uid). */
void tui_chat_add_info(TuiChat *chat, const char *text);
void tui_chat_clear(TuiChat *chat);
guint tui_chat_count_messages(TuiChat *chat);
/* The uid of the oldest message, NULL when none (transfer none). */
const char *tui_chat_get_oldest_uid(TuiChat *chat);
/* Sets the delivery state of our message @uid; FALSE if not here. */
gboolean tui_chat_set_state(TuiChat *chat, const char *uid, const char *state);

/* Scrolling, in screen lines from the bottom (0: the last message is visible). */
void tui_chat_scroll(TuiChat *chat, gint lines);
guint tui_chat_get_scroll(TuiChat *chat);
void tui_chat_scroll_to_bottom(TuiChat *chat);

guint tui_chat_get_unread(TuiChat *chat);
void tui_chat_set_unread(TuiChat *chat, guint unread);

/* The peer's chat state (XEP-0085), "" when none (transfer none). */
const char *tui_chat_get_chat_state(TuiChat *chat);
void tui_chat_set_chat_state(TuiChat *chat, const char *state);

/* History loading: TRUE while a page is being fetched; complete once the backend
 * gave less than asked. */
gboolean tui_chat_get_loading(TuiChat *chat);
void tui_chat_set_loading(TuiChat *chat, gboolean loading);
gboolean tui_chat_get_history_complete(TuiChat *chat);
void tui_chat_set_history_complete(TuiChat *chat, gboolean complete);

/* TRUE once history was asked for this chat (it may hold live messages before). */
gboolean tui_chat_get_history_asked(TuiChat *chat);
void tui_chat_set_history_asked(TuiChat *chat, gboolean asked);

/* Rooms. */
const char *tui_chat_get_subject(TuiChat *chat);
void tui_chat_set_subject(TuiChat *chat, const char *subject);
const char *tui_chat_get_nick(TuiChat *chat);
void tui_chat_set_nick(TuiChat *chat, const char *nick);
void tui_chat_set_occupant(TuiChat *chat, const char *nick, const char *role);
void tui_chat_remove_occupant(TuiChat *chat, const char *nick);
void tui_chat_rename_occupant(TuiChat *chat, const char *old_nick, const char *new_nick);
/* Nicks in collation order (transfer container). */
GPtrArray *tui_chat_dup_occupants(TuiChat *chat);

/* Nick completion (Shift-Tab): the occupant nick after @current among those that
 * start with @prefix (case-insensitively), in order, wrapping; NULL when none
 * matches (transfer none). Our own nick is never proposed. */
const char *tui_chat_complete_nick(TuiChat *chat, const char *prefix, const char *current);

/* The screen lines of the whole chat for @width columns: "HH:MM <nick> text"
 * (without the time when !@timestamps), continuation lines indented under the
 * text; every piece sanitised (transfer full: a reference on an array of char*,
 * kept by the chat until a message changes; do not modify it). */
GPtrArray *tui_chat_dup_lines(TuiChat *chat, guint width, gboolean timestamps);

G_END_DECLS
