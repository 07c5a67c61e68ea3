/* gui-message: the desktop frontend's message records and conversation model,
 * without GTK, so that it is unit tested. A record is made from a historyGet row or
 * a messageNew signal; a GuiMessageList keeps one conversation ordered by time,
 * knows each message by uid (a correction comes back as messageNew with the same
 * uid) and counts the unread ones. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
    char *uid;
    double timestamp;
    char *from; /* full JID as the backend gave it */
    char *to;
    char *body;    /* the text without language, else the first one; "" for none */
    char *subject; /* "" for none */
    char *type;    /* chat, groupchat, normal, headline, error */
    char *state;   /* pending, sent, delivered, displayed, error; "" if not ours */
    char *oob_url; /* an attachment's URL, or NULL */
    gboolean edited;
    gboolean retracted;
    gboolean markable; /* received asking for chat markers (XEP-0333) */
} GuiMessage;

void gui_message_free(GuiMessage *message);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GuiMessage, gui_message_free)

/* From one row of historyGet's reply, "(sdssa{ss}a{ss}ss)" (transfer full). */
GuiMessage *gui_message_new_from_history(GVariant *row);
/* From messageNew's parameters, "(sdssa{ss}a{ss}sss)"; @profile (optional) gets
 * the profile it is for (transfer none, valid while @params is). NULL if @params
 * is not of that type. */
GuiMessage *gui_message_new_from_signal(GVariant *params, const char **profile);

/* The bare JID of the other side of @message for @own_bare: the room for
 * groupchat, the sender or the recipient otherwise (transfer full). */
char *gui_message_dup_conversation(const GuiMessage *message, const char *own_bare);
/* TRUE if @message was sent by @own_bare (in a room: with nick @own_nick). */
gboolean gui_message_is_ours(const GuiMessage *message, const char *own_bare, const char *own_nick);
/* What the message view shows as its sender: a room nick or a bare JID
 * (transfer full). */
char *gui_message_dup_sender_label(const GuiMessage *message);

typedef struct _GuiMessageList GuiMessageList;

GuiMessageList *gui_message_list_new(void);
void gui_message_list_free(GuiMessageList *list);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GuiMessageList, gui_message_list_free)

/* Adds @message (taken) in time order; one with a known uid replaces the stored
 * record in place (a correction, a retraction). Returns its position and sets
 * @is_new to whether the uid was unknown. */
guint gui_message_list_add(GuiMessageList *list, GuiMessage *message, gboolean *is_new);
guint gui_message_list_get_length(GuiMessageList *list);
/* (transfer none) */
GuiMessage *gui_message_list_get(GuiMessageList *list, guint position);
/* Position of @uid, or -1. */
int gui_message_list_find(GuiMessageList *list, const char *uid);
/* The uid of the oldest message, to ask historyGet for older ones; NULL if empty. */
const char *gui_message_list_get_oldest_uid(GuiMessageList *list);
/* The newest message not sent by @own_bare (@own_nick in a room) that asked for
 * chat markers, or NULL: the one a displayed marker names (transfer none). */
GuiMessage *gui_message_list_get_newest_markable(GuiMessageList *list, const char *own_bare,
                                                 const char *own_nick);
/* Sets the state of message @uid; FALSE if unknown or unchanged. */
gboolean gui_message_list_set_state(GuiMessageList *list, const char *uid, const char *state,
                                    guint *position);

/* Unread messages: counted while the conversation is not shown. */
void gui_message_list_count_unread(GuiMessageList *list);
void gui_message_list_mark_read(GuiMessageList *list);
guint gui_message_list_get_unread(GuiMessageList *list);

G_END_DECLS
