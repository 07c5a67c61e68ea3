/* gui-chat: the conversation views, one per JID in a stack: history from
 * historyGet (older pages fetched when scrolled to the top), live messages from
 * messageNew (a correction or retraction replaces the message it names), the
 * state of ours from messageState, the contact's chat state, and for rooms the
 * subject and occupants. */
#include "gui-a11y.h"
#include "gui-message.h"
#include "gui-views.h"

#define HISTORY_PAGE 30
#define COMPOSING_EVERY_US (10 * G_USEC_PER_SEC)

typedef struct {
    GuiChats *chats;
    char *jid;
    gboolean room;
    char *nick; /* ours, in a room */
    GuiMessageList *messages;
    GtkWidget *page;
    GtkWidget *list;
    GtkWidget *scrolled;
    GtkWidget *state;
    GtkWidget *subject;
    GtkWidget *occupants;
    gboolean loading;
    gboolean complete;   /* no older history */
    gboolean stick;      /* follow the newest message */
    double upper_before; /* to keep the view still when older messages come in */
    double value_before;
    gint64 composing_sent;
    char *displayed_uid; /* the last message we sent a displayed marker for */
    guint scroll_idle;   /* on_scroll_idle, to move the view once laid out */
    double scroll_to;    /* its value; -1: the bottom */
} GuiChat;

struct _GuiChats {
    GuiApp *app;
    GtkWidget *stack;
    GHashTable *by_jid; /* bare JID → GuiChat */
    char *current;
    gulong active_handler;
};

static void
chat_free(GuiChat *chat)
{
    g_clear_handle_id(&chat->scroll_idle, g_source_remove);
    gui_message_list_free(chat->messages);
    g_free(chat->jid);
    g_free(chat->nick);
    g_free(chat->displayed_uid);
    g_free(chat);
}

static const char *
own_jid(GuiChats *chats)
{
    return chats->app->own_jid != NULL ? chats->app->own_jid : "";
}

static char *
header_text(GuiChat *chat, GuiMessage *message)
{
    g_autofree char *sender = gui_message_dup_sender_label(message);
    g_autoptr(GDateTime) time = g_date_time_new_from_unix_local((gint64)message->timestamp);
    g_autofree char *when = time != NULL ? g_date_time_format(time, "%H:%M") : g_strdup("");
    const char *name =
            chat->room ? sender : gui_contacts_get_name(chat->chats->app->contacts, sender);

    if (gui_message_is_ours(message, own_jid(chat->chats), chat->nick))
        name = "You";
    return g_strdup_printf("%s · %s%s%s%s", name, when, message->edited ? " · edited" : "",
                           *message->state != '\0' ? " · " : "", message->state);
}

static const char *
body_text(GuiMessage *message)
{
    if (message->retracted)
        return "This message was retracted";
    if (*message->body == '\0' && message->oob_url != NULL)
        return message->oob_url;
    return message->body;
}

static GtkWidget *
build_message_row(GuiChat *chat, GuiMessage *message)
{
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 2);
    g_autofree char *header_str = header_text(chat, message);
    GtkWidget *header = gtk_label_new(header_str);
    GtkWidget *body = gtk_label_new(body_text(message));
    GtkWidget *row = gtk_list_box_row_new();
    g_autofree char *label = g_strdup_printf("%s: %s", header_str, body_text(message));

    gtk_label_set_xalign(GTK_LABEL(header), 0);
    gtk_widget_add_css_class(header, "dim-label");
    gtk_widget_add_css_class(header, "caption");
    gtk_label_set_xalign(GTK_LABEL(body), 0);
    gtk_label_set_wrap(GTK_LABEL(body), TRUE);
    gtk_label_set_wrap_mode(GTK_LABEL(body), PANGO_WRAP_WORD_CHAR);
    gtk_label_set_selectable(GTK_LABEL(body), TRUE);
    if (message->retracted)
        gtk_widget_add_css_class(body, "dim-label");
    gtk_box_append(GTK_BOX(box), header);
    gtk_box_append(GTK_BOX(box), body);
    gtk_widget_set_margin_start(box, 12);
    gtk_widget_set_margin_end(box, 12);
    gtk_widget_set_margin_top(box, 4);
    gtk_widget_set_margin_bottom(box, 4);
    gtk_list_box_row_set_child(GTK_LIST_BOX_ROW(row), box);
    gtk_list_box_row_set_activatable(GTK_LIST_BOX_ROW(row), FALSE);
    /* Tab goes past the history to the composer (the list takes no focus, see
     * build_conversation): a selectable text would still stop it. It stays
     * selectable with the pointer. */
    gtk_widget_set_focusable(body, FALSE);
    gui_a11y_label(row, label);
    return row;
}

static void
show_at(GuiChat *chat, guint position, gboolean is_new)
{
    GuiMessage *message = gui_message_list_get(chat->messages, position);

    if (!is_new) {
        GtkListBoxRow *old = gtk_list_box_get_row_at_index(GTK_LIST_BOX(chat->list), position);
        if (old != NULL)
            gtk_list_box_remove(GTK_LIST_BOX(chat->list), GTK_WIDGET(old));
    }
    gtk_list_box_insert(GTK_LIST_BOX(chat->list), build_message_row(chat, message), position);
}

static gboolean
at_bottom(GuiChat *chat)
{
    GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment(GTK_SCROLLED_WINDOW(chat->scrolled));

    return gtk_adjustment_get_value(adj) + gtk_adjustment_get_page_size(adj) >=
           gtk_adjustment_get_upper(adj) - 4;
}

static gboolean
on_scroll_idle(gpointer user_data)
{
    GuiChat *chat = user_data;
    GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment(GTK_SCROLLED_WINDOW(chat->scrolled));

    chat->scroll_idle = 0;
    gtk_adjustment_set_value(adj,
                             chat->scroll_to < 0 ? gtk_adjustment_get_upper(adj) : chat->scroll_to);
    return G_SOURCE_REMOVE;
}

/* The list grew: stay at the newest message if we were there, else keep what was
 * in view in place (older messages came in above it). Not at once: this comes
 * while the viewport is being allocated, and a value set then moves the scroll
 * bar but not the rows, which stayed drawn at the top. */
static void
on_adjustment_changed(GtkAdjustment *adj, gpointer user_data)
{
    GuiChat *chat = user_data;

    if (chat->stick) {
        chat->scroll_to = -1;
    } else if (chat->upper_before > 0) {
        chat->scroll_to = chat->value_before + gtk_adjustment_get_upper(adj) - chat->upper_before;
        chat->upper_before = 0;
    } else {
        return;
    }
    if (chat->scroll_idle == 0)
        chat->scroll_idle = g_idle_add(on_scroll_idle, chat);
}

static void load_history(GuiChat *chat);

/* Scrolled to the top of a list taller than the view: the page before it. (Not
 * GtkScrolledWindow::edge-reached, which did not come for wheel scrolling here.) */
static void
on_value_changed(GtkAdjustment *adj, gpointer user_data)
{
    GuiChat *chat = user_data;

    chat->stick = at_bottom(chat);
    if (gtk_adjustment_get_value(adj) <= gtk_adjustment_get_lower(adj) &&
        gtk_adjustment_get_upper(adj) > gtk_adjustment_get_page_size(adj))
        load_history(chat);
}

static void chat_count(GuiChat *chat, GuiMessage *message, gboolean is_new);
static void send_displayed(GuiChat *chat);

/* Adds @message (taken) to @chat; returns whether it is a new one. */
static gboolean
chat_add(GuiChat *chat, GuiMessage *message)
{
    gboolean is_new = FALSE;
    guint position = gui_message_list_add(chat->messages, message, &is_new);

    show_at(chat, position, is_new);
    return is_new;
}

/* @user_data is the conversation's JID: a room left meanwhile has no chat. */
static void
on_history(GuiApp *app, GVariant *reply, const GError *error, gpointer user_data)
{
    g_autofree char *jid = user_data;
    GuiChat *chat = app->chats != NULL ? g_hash_table_lookup(app->chats->by_jid, jid) : NULL;
    g_autoptr(GVariant) rows = NULL;
    GVariantIter iter;
    GVariant *row = NULL;

    if (chat == NULL)
        return;
    chat->loading = FALSE;
    if (reply == NULL)
        return;
    rows = g_variant_get_child_value(reply, 0);
    if (g_variant_n_children(rows) < HISTORY_PAGE)
        chat->complete = TRUE;
    GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment(GTK_SCROLLED_WINDOW(chat->scrolled));
    if (!chat->stick) {
        chat->upper_before = gtk_adjustment_get_upper(adj);
        chat->value_before = gtk_adjustment_get_value(adj);
    }
    g_variant_iter_init(&iter, rows);
    while ((row = g_variant_iter_next_value(&iter)) != NULL) {
        GuiMessage *message = gui_message_new_from_history(row);
        if (message != NULL)
            chat_add(chat, message);
        g_variant_unref(row);
    }
    send_displayed(chat);
}

static void
load_history(GuiChat *chat)
{
    GuiApp *app = chat->chats->app;
    GVariantBuilder filters;
    const char *oldest = gui_message_list_get_oldest_uid(chat->messages);

    if (chat->loading || chat->complete)
        return;
    chat->loading = TRUE;
    g_variant_builder_init(&filters, G_VARIANT_TYPE("a{ss}"));
    if (oldest != NULL)
        g_variant_builder_add(&filters, "{ss}", "before_uid", oldest);
    gui_app_call(app, "historyGet",
                 g_variant_new("(ssiba{ss}s)", chat->jid, "", (gint32)HISTORY_PAGE, TRUE, &filters,
                               app->profile),
                 on_history, g_strdup(chat->jid));
}

/* PageUp / PageDown scroll the messages by most of a view, Ctrl+Home / Ctrl+End to
 * either end, from wherever the focus is in the conversation (the composer): the
 * list itself takes no focus. At the top, the page before is fetched, as when
 * scrolled there with the pointer, also when the list is shorter than the view. */
static gboolean
on_scroll_key(GtkEventControllerKey *controller, guint keyval, guint keycode, GdkModifierType state,
              gpointer user_data)
{
    GuiChat *chat = user_data;
    GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment(GTK_SCROLLED_WINDOW(chat->scrolled));
    double page = gtk_adjustment_get_page_size(adj) * 0.9;
    double value = gtk_adjustment_get_value(adj);
    gboolean ctrl = (state & GDK_CONTROL_MASK) != 0;

    if (keyval == GDK_KEY_Page_Up || keyval == GDK_KEY_KP_Page_Up)
        value -= page;
    else if (keyval == GDK_KEY_Page_Down || keyval == GDK_KEY_KP_Page_Down)
        value += page;
    else if (ctrl && (keyval == GDK_KEY_Home || keyval == GDK_KEY_KP_Home))
        value = gtk_adjustment_get_lower(adj);
    else if (ctrl && (keyval == GDK_KEY_End || keyval == GDK_KEY_KP_End))
        value = gtk_adjustment_get_upper(adj);
    else
        return FALSE;
    gtk_adjustment_set_value(adj, value); /* clamped to the list */
    /* The key wins over a correction still to come for rows just added: that one
     * was worked out from where the view was before it (the key can come first,
     * events go before idles), and it would put the view back there. */
    g_clear_handle_id(&chat->scroll_idle, g_source_remove);
    if (chat->upper_before > 0)
        chat->value_before = gtk_adjustment_get_value(adj);
    chat->stick = at_bottom(chat);
    if (gtk_adjustment_get_value(adj) <= gtk_adjustment_get_lower(adj))
        load_history(chat);
    return TRUE;
}

static void
on_send(const char *text, gpointer user_data)
{
    GuiChat *chat = user_data;
    GuiApp *app = chat->chats->app;
    GVariantBuilder body;

    g_variant_builder_init(&body, G_VARIANT_TYPE("a{ss}"));
    g_variant_builder_add(&body, "{ss}", "", text);
    chat->stick = TRUE;
    /* The message comes back through messageNew once stored, shown then. */
    gui_app_call(app, "messageSend",
                 g_variant_new("(sa{ss}@a{ss}sss)", chat->jid, &body,
                               g_variant_new_array(G_VARIANT_TYPE("{ss}"), NULL, 0),
                               chat->room ? "groupchat" : "chat", "{}", app->profile),
                 NULL, NULL);
}

/* XEP-0085 composing, said again at most every 10 s while typing. */
static void
on_typing(gpointer user_data)
{
    GuiChat *chat = user_data;
    gint64 now = g_get_monotonic_time();

    if (chat->room || now - chat->composing_sent < COMPOSING_EVERY_US)
        return;
    chat->composing_sent = now;
    gui_app_call_quiet(chat->chats->app, "chatStateComposing",
                       g_variant_new("(ss)", chat->jid, chat->chats->app->profile), NULL, NULL);
}

static void
on_attach(gpointer user_data)
{
    GuiChat *chat = user_data;

    gui_files_choose(chat->chats->app->files, chat->jid, chat->room);
}

/* The room's view goes when the backend says we left (mucRoomLeft), whoever
 * asked: this button, another frontend, or a kick. */
static void
on_leave(GtkButton *button, gpointer user_data)
{
    GuiChat *chat = user_data;
    GuiApp *app = chat->chats->app;

    gtk_widget_set_sensitive(GTK_WIDGET(button), FALSE);
    gui_app_call(app, "mucLeave", g_variant_new("(ss)", chat->jid, app->profile), NULL, NULL);
}

static GtkWidget *
build_leave_button(GuiChat *chat)
{
    GtkWidget *leave = gtk_button_new_with_mnemonic("_Leave");

    gtk_widget_set_valign(leave, GTK_ALIGN_CENTER);
    gtk_widget_set_margin_end(leave, 12);
    gtk_widget_set_tooltip_text(leave, "Leave the room");
    gui_a11y_label(leave, "Leave the room");
    g_signal_connect(leave, "clicked", G_CALLBACK(on_leave), chat);
    return leave;
}

static GtkWidget *
build_header(GuiChat *chat)
{
    GtkWidget *row = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 2);
    const char *name = gui_contacts_get_name(chat->chats->app->contacts, chat->jid);
    GtkWidget *title = gtk_label_new(name);

    gtk_widget_add_css_class(title, "title-3");
    gtk_label_set_xalign(GTK_LABEL(title), 0);
    gui_a11y_label(title, chat->room ? "Room name" : "Contact name");
    chat->subject = gtk_label_new(NULL);
    gtk_label_set_xalign(GTK_LABEL(chat->subject), 0);
    gtk_label_set_wrap(GTK_LABEL(chat->subject), TRUE);
    gtk_widget_add_css_class(chat->subject, "dim-label");
    gtk_widget_set_visible(chat->subject, FALSE);
    gui_a11y_label(chat->subject, "Room subject");
    gtk_box_append(GTK_BOX(box), title);
    gtk_box_append(GTK_BOX(box), chat->subject);
    gtk_widget_set_margin_start(box, 12);
    gtk_widget_set_margin_top(box, 6);
    gtk_widget_set_margin_bottom(box, 6);
    gtk_widget_set_hexpand(box, TRUE);
    gtk_box_append(GTK_BOX(row), box);
    if (chat->room)
        gtk_box_append(GTK_BOX(row), build_leave_button(chat));
    return row;
}

static GtkWidget *
build_conversation(GuiChat *chat)
{
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
    g_autofree char *list_label = g_strdup_printf("Messages with %s", chat->jid);
    g_autofree char *composer_label = g_strdup_printf("Message to %s", chat->jid);

    chat->list = gtk_list_box_new();
    gtk_list_box_set_selection_mode(GTK_LIST_BOX(chat->list), GTK_SELECTION_NONE);
    /* Stopping Tab at every message (twice: the row, then its text) made the
     * composer unreachable by keyboard in a long chat; the messages are read
     * through the accessibility tree, and scrolled with the scroll bar or by
     * PageUp / PageDown from the composer (on_scroll_key). */
    gtk_widget_set_can_focus(chat->list, FALSE);
    gui_a11y_label(chat->list, list_label);
    chat->scrolled = gtk_scrolled_window_new();
    gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(chat->scrolled), chat->list);
    gtk_scrolled_window_set_policy(GTK_SCROLLED_WINDOW(chat->scrolled), GTK_POLICY_NEVER,
                                   GTK_POLICY_AUTOMATIC);
    gtk_widget_set_vexpand(chat->scrolled, TRUE);
    GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment(GTK_SCROLLED_WINDOW(chat->scrolled));
    g_signal_connect(adj, "changed", G_CALLBACK(on_adjustment_changed), chat);
    g_signal_connect(adj, "value-changed", G_CALLBACK(on_value_changed), chat);
    chat->state = gtk_label_new(NULL);
    gtk_label_set_xalign(GTK_LABEL(chat->state), 0);
    gtk_widget_add_css_class(chat->state, "dim-label");
    gtk_widget_set_margin_start(chat->state, 12);
    gui_a11y_label(chat->state, "Chat state");
    gtk_box_append(GTK_BOX(box), build_header(chat));
    gtk_box_append(GTK_BOX(box), chat->scrolled);
    gtk_box_append(GTK_BOX(box), chat->state);
    gtk_box_append(GTK_BOX(box),
                   gui_composer_new(composer_label, on_send, on_typing, on_attach, chat));
    gtk_widget_set_hexpand(box, TRUE);
    GtkEventController *keys = gtk_event_controller_key_new();
    /* Before the composer's text view, which would move its cursor instead. */
    gtk_event_controller_set_propagation_phase(keys, GTK_PHASE_CAPTURE);
    g_signal_connect(keys, "key-pressed", G_CALLBACK(on_scroll_key), chat);
    gtk_widget_add_controller(box, keys);
    gui_files_add_drop_target(chat->chats->app->files, box, chat->jid, chat->room);
    return box;
}

static GuiChat *
ensure_chat(GuiChats *chats, const char *jid, gboolean room)
{
    GuiChat *chat = g_hash_table_lookup(chats->by_jid, jid);

    if (chat != NULL)
        return chat;
    chat = g_new0(GuiChat, 1);
    chat->chats = chats;
    chat->jid = g_strdup(jid);
    chat->room = room;
    chat->stick = TRUE;
    chat->messages = gui_message_list_new();
    chat->page = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 0);
    gtk_box_append(GTK_BOX(chat->page), build_conversation(chat));
    if (room) {
        chat->occupants = gui_room_occupants_new();
        gtk_box_append(GTK_BOX(chat->page), chat->occupants);
    }
    g_hash_table_insert(chats->by_jid, chat->jid, chat);
    gtk_stack_add_named(GTK_STACK(chats->stack), chat->page, jid);
    load_history(chat);
    return chat;
}

static gboolean
in_view(GuiChats *chats, GuiChat *chat)
{
    return g_strcmp0(chats->current, chat->jid) == 0 && chats->app->window != NULL &&
           gtk_window_is_active(chats->app->window);
}

/* A marker not sent is no news for the user (the contact sees the message as not
 * yet read): only logged. */
static void
on_marked_displayed(GuiApp *app, GVariant *reply, const GError *error, gpointer user_data)
{
    if (error != NULL)
        g_message("displayed marker not sent: %s", error->message);
}

/* XEP-0333: the contact learns that we saw their newest markable message, once
 * the chat is in view in the active window; once per message. Not in rooms, where
 * a marker goes to every occupant. */
static void
send_displayed(GuiChat *chat)
{
    GuiApp *app = chat->chats->app;

    if (chat->room || !in_view(chat->chats, chat))
        return;
    GuiMessage *newest =
            gui_message_list_get_newest_markable(chat->messages, own_jid(chat->chats), NULL);
    if (newest == NULL || g_strcmp0(newest->uid, chat->displayed_uid) == 0)
        return;
    g_free(chat->displayed_uid);
    chat->displayed_uid = g_strdup(newest->uid);
    gui_app_call_quiet(app, "messageMarkDisplayed",
                       g_variant_new("(sss)", chat->jid, newest->uid, app->profile),
                       on_marked_displayed, NULL);
}

static void
mark_read(GuiChat *chat)
{
    gui_message_list_mark_read(chat->messages);
    gui_contacts_set_unread(chat->chats->app->contacts, chat->jid, 0);
    send_displayed(chat);
}

void
gui_chats_open(GuiChats *chats, const char *jid, gboolean room)
{
    GuiChat *chat = ensure_chat(chats, jid, room);

    g_free(chats->current);
    chats->current = g_strdup(jid);
    gtk_stack_set_visible_child(GTK_STACK(chats->stack), chat->page);
    mark_read(chat);
    GtkWidget *composer = gui_a11y_find(chat->page, "Message text");
    if (composer != NULL)
        gtk_widget_grab_focus(composer);
}

const char *
gui_chats_get_current(GuiChats *chats)
{
    return chats->current;
}

/* A new message from someone else, not in view: counted, and notified. */
static void
chat_count(GuiChat *chat, GuiMessage *message, gboolean is_new)
{
    GuiChats *chats = chat->chats;

    if (!is_new || gui_message_is_ours(message, own_jid(chats), chat->nick) ||
        in_view(chats, chat) || message->retracted)
        return;
    gui_message_list_count_unread(chat->messages);
    gui_contacts_set_unread(chats->app->contacts, chat->jid,
                            gui_message_list_get_unread(chat->messages));
    g_autofree char *sender = gui_message_dup_sender_label(message);
    const char *title =
            chat->room ? chat->jid : gui_contacts_get_name(chats->app->contacts, sender);
    gui_notify_message(chats->app, chat->jid, title, body_text(message));
}

static void
on_message_new(GuiChats *chats, GVariant *params)
{
    GuiMessage *message = gui_message_new_from_signal(params, NULL);

    if (message == NULL)
        return;
    g_autofree char *conversation = gui_message_dup_conversation(message, own_jid(chats));
    gboolean room = g_strcmp0(message->type, "groupchat") == 0;
    GuiChat *chat = ensure_chat(chats, conversation, room);
    gboolean is_new = FALSE;
    guint position = gui_message_list_add(chat->messages, message, &is_new);
    show_at(chat, position, is_new);
    chat_count(chat, message, is_new);
    send_displayed(chat);
    if (!chat->room && !gui_message_is_ours(message, own_jid(chats), NULL))
        gtk_label_set_text(GTK_LABEL(chat->state), "");
}

static void
on_message_state(GuiChats *chats, GVariant *params)
{
    const char *uid = NULL;
    const char *state = NULL;
    GHashTableIter iter;
    GuiChat *chat = NULL;
    guint position = 0;

    g_variant_get(params, "(&s&s&s)", &uid, &state, NULL);
    g_hash_table_iter_init(&iter, chats->by_jid);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&chat))
        if (gui_message_list_set_state(chat->messages, uid, state, &position)) {
            show_at(chat, position, FALSE);
            return;
        }
}

static void
on_chat_state(GuiChats *chats, GVariant *params)
{
    const char *from = NULL;
    const char *state = NULL;

    g_variant_get(params, "(&s&s&s)", &from, &state, NULL);
    g_autofree char *bare = g_strdup(from);
    char *slash = strchr(bare, '/');
    if (slash != NULL)
        *slash = '\0';
    GuiChat *chat = g_hash_table_lookup(chats->by_jid, bare);
    if (chat == NULL || chat->room)
        return;
    g_autofree char *text =
            g_str_equal(state, "composing")
                    ? g_strdup_printf("%s is typing…",
                                      gui_contacts_get_name(chats->app->contacts, bare))
            : g_str_equal(state, "paused")
                    ? g_strdup_printf("%s stopped typing",
                                      gui_contacts_get_name(chats->app->contacts, bare))
                    : g_strdup("");
    gtk_label_set_text(GTK_LABEL(chat->state), text);
}

static void
set_subject(GuiChat *chat, const char *subject)
{
    gtk_label_set_text(GTK_LABEL(chat->subject), subject);
    gtk_widget_set_visible(chat->subject, *subject != '\0');
}

void
gui_chats_room_joined(GuiChats *chats, const char *room_jid, GVariant *occupants, const char *nick,
                      const char *subject)
{
    GuiChat *chat = ensure_chat(chats, room_jid, TRUE);

    g_free(chat->nick);
    chat->nick = g_strdup(nick);
    set_subject(chat, subject);
    gui_room_occupants_set(chat->occupants, occupants);
    gui_contacts_add_room(chats->app->contacts, room_jid, NULL);
}

static void
close_room(GuiChats *chats, const char *room)
{
    GuiChat *chat = g_hash_table_lookup(chats->by_jid, room);

    if (chat == NULL || !chat->room)
        return;
    if (g_strcmp0(chats->current, room) == 0) {
        g_clear_pointer(&chats->current, g_free);
        gtk_stack_set_visible_child_name(GTK_STACK(chats->stack), "");
    }
    gtk_stack_remove(GTK_STACK(chats->stack), chat->page);
    gui_contacts_remove_room(chats->app->contacts, room);
    g_hash_table_remove(chats->by_jid, room);
}

static void
on_room_signal(GuiChats *chats, const char *name, GVariant *params)
{
    const char *room = NULL;

    if (g_str_equal(name, "mucRoomLeft")) {
        g_variant_get(params, "(&s&s)", &room, NULL);
        close_room(chats, room);
        return;
    }

    if (g_str_equal(name, "mucRoomJoined")) {
        g_autoptr(GVariant) occupants = NULL;
        const char *nick = NULL;
        const char *subject = NULL;
        g_variant_get(params, "(&s@a{sa{ss}}&s&s@as&s)", &room, &occupants, &nick, &subject, NULL,
                      NULL);
        gui_chats_room_joined(chats, room, occupants, nick, subject);
    } else if (g_str_equal(name, "mucRoomNewSubject")) {
        const char *subject = NULL;
        g_variant_get(params, "(&s&s&s)", &room, &subject, NULL);
        GuiChat *chat = g_hash_table_lookup(chats->by_jid, room);
        if (chat != NULL && chat->room)
            set_subject(chat, subject);
    }
}

/* An occupant's presence: presenceUpdate for room@service/nick. */
static void
on_presence(GuiChats *chats, GVariant *params)
{
    const char *jid = NULL;
    const char *show = NULL;

    g_variant_get(params, "(&s&si@a{ss}&s)", &jid, &show, NULL, NULL, NULL);
    const char *slash = strchr(jid, '/');
    if (slash == NULL)
        return;
    g_autofree char *bare = g_strndup(jid, slash - jid);
    GuiChat *chat = g_hash_table_lookup(chats->by_jid, bare);
    if (chat != NULL && chat->room)
        gui_room_occupant_presence(chat->occupants, slash + 1, show);
}

void
gui_chats_on_signal(GuiChats *chats, const char *name, GVariant *params)
{
    if (g_str_equal(name, "messageNew"))
        on_message_new(chats, params);
    else if (g_str_equal(name, "messageState"))
        on_message_state(chats, params);
    else if (g_str_equal(name, "chatStateReceived"))
        on_chat_state(chats, params);
    else if (g_str_equal(name, "presenceUpdate"))
        on_presence(chats, params);
    else if (g_str_has_prefix(name, "mucRoom"))
        on_room_signal(chats, name, params);
}

static void
on_window_active(GObject *window, GParamSpec *pspec, gpointer user_data)
{
    GuiChats *chats = user_data;
    GuiChat *chat =
            chats->current != NULL ? g_hash_table_lookup(chats->by_jid, chats->current) : NULL;

    if (chat != NULL && gtk_window_is_active(GTK_WINDOW(window)))
        mark_read(chat);
}

GuiChats *
gui_chats_new(GuiApp *app)
{
    GuiChats *chats = g_new0(GuiChats, 1);
    GtkWidget *empty = adw_status_page_new();

    chats->app = app;
    chats->by_jid = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)chat_free);
    chats->stack = gtk_stack_new();
    gtk_widget_set_vexpand(chats->stack, TRUE);
    gtk_widget_set_hexpand(chats->stack, TRUE);
    /* Our icon once installed; run from the build directory there is none, and a
     * missing icon would show as a broken image. */
    GtkIconTheme *icons = gtk_icon_theme_get_for_display(gtk_widget_get_display(empty));
    adw_status_page_set_icon_name(ADW_STATUS_PAGE(empty),
                                  gtk_icon_theme_has_icon(icons, "org.libervia.Desktop")
                                          ? "org.libervia.Desktop"
                                          : "chat-message-new-symbolic");
    adw_status_page_set_title(ADW_STATUS_PAGE(empty), "No chat open");
    adw_status_page_set_description(ADW_STATUS_PAGE(empty),
                                    "Pick a contact, or join a room with Ctrl+J.");
    gtk_stack_add_named(GTK_STACK(chats->stack), empty, "");
    chats->active_handler =
            g_signal_connect(app->window, "notify::is-active", G_CALLBACK(on_window_active), chats);
    return chats;
}

GtkWidget *
gui_chats_get_widget(GuiChats *chats)
{
    return chats->stack;
}

void
gui_chats_free(GuiChats *chats)
{
    if (chats == NULL)
        return;
    if (chats->app->window != NULL)
        g_clear_signal_handler(&chats->active_handler, chats->app->window);
    g_hash_table_destroy(chats->by_jid);
    g_free(chats->current);
    g_free(chats);
}
