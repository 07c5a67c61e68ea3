/* gui-views: the entry points of the desktop frontend's view modules, one file
 * each (gui-login.c, gui-contacts.c, gui-chat.c, gui-room.c, gui-composer.c,
 * gui-file.c, gui-notify.c, gui-status.c, gui-window-state.c). */
#pragma once

#include "gui-app.h"

G_BEGIN_DECLS

/* gui-login.c: the profile chooser and password page. */
GtkWidget *gui_login_new(GuiApp *app);
/* Lists the backend's profiles (again: after the backend came back). */
void gui_login_refresh(GtkWidget *page, GuiApp *app);

/* gui-contacts.c: the roster with presence, avatars, unread counts and search;
 * adding and removing contacts; subscription requests. */
GuiContacts *gui_contacts_new(GuiApp *app);
void gui_contacts_free(GuiContacts *contacts);
GtkWidget *gui_contacts_get_widget(GuiContacts *contacts);
void gui_contacts_load(GuiContacts *contacts);
void gui_contacts_on_signal(GuiContacts *contacts, const char *name, GVariant *params);
void gui_contacts_set_unread(GuiContacts *contacts, const char *jid, guint count);
/* Presence is unknown while the backend or the connection is down (greyed, "Presence
 * unknown"); known again, it is asked anew. */
void gui_contacts_set_presence_known(GuiContacts *contacts, gboolean known);
/* The name the roster gives @jid, else @jid (transfer none). */
const char *gui_contacts_get_name(GuiContacts *contacts, const char *jid);
/* A room joined shows in the list too. */
void gui_contacts_add_room(GuiContacts *contacts, const char *room_jid, const char *name);
/* ... and goes once left (mucRoomLeft). */
void gui_contacts_remove_room(GuiContacts *contacts, const char *room_jid);

/* gui-chat.c: one view per conversation in a stack. */
GuiChats *gui_chats_new(GuiApp *app);
void gui_chats_free(GuiChats *chats);
GtkWidget *gui_chats_get_widget(GuiChats *chats);
void gui_chats_open(GuiChats *chats, const char *jid, gboolean room);
void gui_chats_on_signal(GuiChats *chats, const char *name, GVariant *params);
/* The conversation shown, or NULL (transfer none). */
const char *gui_chats_get_current(GuiChats *chats);

/* gui-room.c: joining rooms; the occupants list and subject of a room view. */
void gui_room_join_dialog(GuiApp *app);
GtkWidget *gui_room_occupants_new(void);
void gui_room_occupants_set(GtkWidget *occupants, GVariant *by_nick);
void gui_room_occupant_presence(GtkWidget *occupants, const char *nick, const char *show);

/* gui-composer.c: the message entry. Enter sends, Shift+Enter starts a new line. */
typedef void (*GuiComposerFunc)(const char *text, gpointer user_data);
typedef void (*GuiComposerHook)(gpointer user_data);
/* @typing is called as the text changes, @attach for the attach button. */
GtkWidget *gui_composer_new(const char *label, GuiComposerFunc send, GuiComposerHook typing,
                            GuiComposerHook attach, gpointer user_data);

/* gui-file.c: files sent through fileUpload, with progress. */
GuiFiles *gui_files_new(GuiApp *app);
void gui_files_free(GuiFiles *files);
GtkWidget *gui_files_get_widget(GuiFiles *files);
void gui_files_choose(GuiFiles *files, const char *to_jid, gboolean room);
void gui_files_add_drop_target(GuiFiles *files, GtkWidget *widget, const char *to_jid,
                               gboolean room);
void gui_files_on_signal(GuiFiles *files, const char *name, GVariant *params);

/* gui-notify.c: a desktop notification for a message in a chat not in view. */
void gui_notify_message(GuiApp *app, const char *conversation, const char *title, const char *body);

/* gui-status.c: the banner saying the backend or the network is down. */
GuiStatus *gui_status_new(GuiApp *app);
void gui_status_free(GuiStatus *status);
GtkWidget *gui_status_get_widget(GuiStatus *status);
void gui_status_on_signal(GuiStatus *status, const char *name, GVariant *params);
void gui_status_set_connected(GuiStatus *status, gboolean connected);

/* gui-window-state.c: the window size, kept in the user's state directory. */
void gui_window_state_restore(GtkWindow *window);
void gui_window_state_save(GtkWindow *window);

G_END_DECLS

G_BEGIN_DECLS
/* gui-chat.c: a room joined (mucJoin's reply or mucRoomJoined): its view shows
 * @occupants (a{sa{ss}}), @subject, and our @nick. */
void gui_chats_room_joined(GuiChats *chats, const char *room_jid, GVariant *occupants,
                           const char *nick, const char *subject);
G_END_DECLS
