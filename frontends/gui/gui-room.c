/* gui-room: joining a room (by address or from the bookmarks, bookmarksList) with
 * mucJoin, and the occupants list beside a room's conversation. */
#include "gui-a11y.h"
#include "gui-views.h"

typedef struct {
    GuiApp *app;
    GtkWidget *dialog;
    GtkWidget *address;
    GtkWidget *nick;
    GtkWidget *bookmarks;
    GtkWidget *join;
} GuiJoin;

static void
join_free(GuiJoin *join)
{
    g_object_unref(join->dialog);
    g_free(join);
}

static void
on_joined(GuiApp *app, GVariant *reply, const GError *error, gpointer user_data)
{
    GuiJoin *join = user_data;
    const char *room = NULL;
    g_autoptr(GVariant) occupants = NULL;
    const char *nick = NULL;
    const char *subject = NULL;

    if (reply != NULL && app->chats != NULL) {
        g_variant_get(reply, "((b&s@a{sa{ss}}&s&s@as&s))", NULL, &room, &occupants, &nick, &subject,
                      NULL, NULL);
        gui_chats_room_joined(app->chats, room, occupants, nick, subject);
        gui_chats_open(app->chats, room, TRUE);
        if (gtk_widget_get_visible(join->dialog))
            gtk_window_destroy(GTK_WINDOW(join->dialog));
    } else if (gtk_widget_get_visible(join->dialog)) {
        gtk_widget_set_sensitive(join->join, TRUE);
    }
    join_free(join);
}

static void
join_room(GuiJoin *join, const char *room, const char *nick)
{
    GuiApp *app = join->app;
    GuiJoin *pending = g_new0(GuiJoin, 1);

    if (strchr(room, '@') == NULL) {
        gui_app_show_error(app, "Join a room: give its address, like room@conference.example.org");
        return;
    }
    *pending = *join;
    g_object_ref(pending->dialog);
    gtk_widget_set_sensitive(join->join, FALSE);
    gui_app_call(app, "mucJoin",
                 g_variant_new("(ss@a{ss}s)", room, nick,
                               g_variant_new_array(G_VARIANT_TYPE("{ss}"), NULL, 0), app->profile),
                 on_joined, pending);
}

static void
on_join(GtkWidget *widget, gpointer user_data)
{
    GuiJoin *join = user_data;
    g_autofree char *room =
            g_strstrip(g_strdup(gtk_editable_get_text(GTK_EDITABLE(join->address))));
    g_autofree char *nick = g_strstrip(g_strdup(gtk_editable_get_text(GTK_EDITABLE(join->nick))));

    join_room(join, room, nick);
}

static void
on_bookmark(GtkListBox *list, GtkListBoxRow *row, gpointer user_data)
{
    GuiJoin *join = user_data;

    gtk_editable_set_text(GTK_EDITABLE(join->address), g_object_get_data(G_OBJECT(row), "room"));
    const char *nick = g_object_get_data(G_OBJECT(row), "nick");
    if (nick != NULL && *nick != '\0')
        gtk_editable_set_text(GTK_EDITABLE(join->nick), nick);
    on_join(NULL, join);
}

static void
add_bookmark(GuiJoin *join, const char *room, GVariant *data)
{
    const char *name = NULL;
    const char *nick = NULL;

    g_variant_lookup(data, "name", "&s", &name);
    g_variant_lookup(data, "nick", "&s", &nick);
    g_autofree char *text = g_strdup_printf("%s (%s)", name != NULL && *name ? name : room, room);
    GtkWidget *row = gtk_list_box_row_new();
    GtkWidget *label = gtk_label_new(text);
    g_autofree char *a11y = g_strdup_printf("Join bookmarked room %s", room);

    gtk_label_set_xalign(GTK_LABEL(label), 0);
    gtk_list_box_row_set_child(GTK_LIST_BOX_ROW(row), label);
    g_object_set_data_full(G_OBJECT(row), "room", g_strdup(room), g_free);
    g_object_set_data_full(G_OBJECT(row), "nick", g_strdup(nick), g_free);
    gui_a11y_label(row, a11y);
    gtk_list_box_append(GTK_LIST_BOX(join->bookmarks), row);
}

static void
on_bookmarks(GuiApp *app, GVariant *reply, const GError *error, gpointer user_data)
{
    GuiJoin *join = user_data;
    g_autoptr(GVariant) locations = NULL;
    GVariantIter iter;
    GVariant *rooms = NULL;
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

    if (reply != NULL && gtk_widget_get_visible(join->dialog)) {
        locations = g_variant_get_child_value(reply, 0);
        g_variant_iter_init(&iter, locations);
        while (g_variant_iter_next(&iter, "{&s@a{sa{ss}}}", NULL, &rooms)) {
            GVariantIter room_iter;
            const char *room = NULL;
            GVariant *data = NULL;
            g_variant_iter_init(&room_iter, rooms);
            /* The same room may be kept in several places: listed once. */
            while (g_variant_iter_next(&room_iter, "{&s@a{ss}}", &room, &data)) {
                if (g_hash_table_add(seen, g_strdup(room)))
                    add_bookmark(join, room, data);
                g_variant_unref(data);
            }
            g_variant_unref(rooms);
        }
    }
    if (gtk_widget_get_visible(join->dialog))
        gtk_widget_set_visible(join->bookmarks, g_hash_table_size(seen) > 0);
    join_free(join);
}

static GtkWidget *
entry_with_label(GtkWidget *box, const char *mnemonic, const char *a11y)
{
    GtkWidget *label = gtk_label_new_with_mnemonic(mnemonic);
    GtkWidget *entry = gtk_entry_new();

    gtk_label_set_xalign(GTK_LABEL(label), 0);
    gtk_label_set_mnemonic_widget(GTK_LABEL(label), entry);
    gui_a11y_label(entry, a11y);
    gtk_box_append(GTK_BOX(box), label);
    gtk_box_append(GTK_BOX(box), entry);
    return entry;
}

static char *
default_nick(GuiApp *app)
{
    const char *jid = app->own_jid != NULL ? app->own_jid : "";
    const char *at = strchr(jid, '@');

    return at != NULL ? g_strndup(jid, at - jid) : g_strdup(app->profile);
}

void
gui_room_join_dialog(GuiApp *app)
{
    if (app->profile == NULL || app->chats == NULL)
        return;
    GuiJoin *join = g_new0(GuiJoin, 1);
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 6);
    g_autofree char *nick = default_nick(app);

    join->app = app;
    join->dialog = gtk_window_new();
    gtk_window_set_title(GTK_WINDOW(join->dialog), "Join a room");
    gui_a11y_label(join->dialog, "Join a room");
    gtk_window_set_transient_for(GTK_WINDOW(join->dialog), app->window);
    gtk_window_set_modal(GTK_WINDOW(join->dialog), TRUE);
    gtk_window_set_default_size(GTK_WINDOW(join->dialog), 420, -1);
    join->address = entry_with_label(box, "Room _address", "Room address");
    gtk_entry_set_placeholder_text(GTK_ENTRY(join->address), "room@conference.example.org");
    join->nick = entry_with_label(box, "_Nickname", "Nickname in the room");
    gtk_editable_set_text(GTK_EDITABLE(join->nick), nick);
    join->join = gtk_button_new_with_mnemonic("_Join");
    gtk_widget_add_css_class(join->join, "suggested-action");
    gui_a11y_label(join->join, "Join");
    join->bookmarks = gtk_list_box_new();
    gui_a11y_label(join->bookmarks, "Bookmarked rooms");
    gtk_widget_set_visible(join->bookmarks, FALSE);
    gtk_box_append(GTK_BOX(box), join->join);
    gtk_box_append(GTK_BOX(box), join->bookmarks);
    gtk_widget_set_margin_start(box, 12);
    gtk_widget_set_margin_end(box, 12);
    gtk_widget_set_margin_top(box, 12);
    gtk_widget_set_margin_bottom(box, 12);
    gtk_window_set_child(GTK_WINDOW(join->dialog), box);
    /* The dialog's GuiJoin lives as long as the dialog; calls hold it through refs. */
    g_object_set_data_full(G_OBJECT(join->dialog), "gui-join", join, g_free);
    g_signal_connect(join->address, "activate", G_CALLBACK(on_join), join);
    g_signal_connect(join->nick, "activate", G_CALLBACK(on_join), join);
    g_signal_connect(join->join, "clicked", G_CALLBACK(on_join), join);
    g_signal_connect(join->bookmarks, "row-activated", G_CALLBACK(on_bookmark), join);
    GuiJoin *listing = g_new0(GuiJoin, 1);
    *listing = *join;
    g_object_ref(listing->dialog);
    gui_app_call_quiet(app, "bookmarksList", g_variant_new("(sss)", "muc", "all", app->profile),
                       on_bookmarks, listing);
    gtk_window_present(GTK_WINDOW(join->dialog));
}

/* Occupants: one row per nick, kept by nick in the list's data. */
GtkWidget *
gui_room_occupants_new(void)
{
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 6);
    GtkWidget *title = gtk_label_new("Occupants");
    GtkWidget *scrolled = gtk_scrolled_window_new();
    GtkWidget *list = gtk_list_box_new();

    gtk_list_box_set_selection_mode(GTK_LIST_BOX(list), GTK_SELECTION_NONE);
    gui_a11y_label(list, "Occupants");
    gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(scrolled), list);
    gtk_widget_set_vexpand(scrolled, TRUE);
    gtk_widget_add_css_class(title, "heading");
    gtk_widget_set_margin_top(title, 8);
    gtk_box_append(GTK_BOX(box), title);
    gtk_box_append(GTK_BOX(box), scrolled);
    gtk_widget_set_size_request(box, 180, -1);
    gtk_widget_add_css_class(box, "view");
    g_object_set_data_full(G_OBJECT(box), "rows",
                           g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
                           (GDestroyNotify)g_hash_table_destroy);
    g_object_set_data(G_OBJECT(box), "list", list);
    return box;
}

static void
set_occupant(GtkWidget *occupants, const char *nick, const char *role, const char *show)
{
    GHashTable *rows = g_object_get_data(G_OBJECT(occupants), "rows");
    GtkWidget *list = g_object_get_data(G_OBJECT(occupants), "list");
    GtkWidget *row = g_hash_table_lookup(rows, nick);

    if (g_strcmp0(show, "unavailable") == 0) {
        if (row != NULL) {
            gtk_list_box_remove(GTK_LIST_BOX(list), row);
            g_hash_table_remove(rows, nick);
        }
        return;
    }
    if (row == NULL) {
        row = gtk_list_box_row_new();
        GtkWidget *name = gtk_label_new(nick);
        gtk_widget_set_margin_start(name, 8);
        gtk_widget_set_margin_top(name, 4);
        gtk_widget_set_margin_bottom(name, 4);
        gtk_list_box_row_set_child(GTK_LIST_BOX_ROW(row), name);
        gtk_list_box_append(GTK_LIST_BOX(list), row);
        g_hash_table_insert(rows, g_strdup(nick), row);
    }
    g_autofree char *label = g_strdup_printf("%s%s%s", nick, role != NULL && *role ? ", " : "",
                                             role != NULL ? role : "");
    gtk_label_set_xalign(GTK_LABEL(gtk_list_box_row_get_child(GTK_LIST_BOX_ROW(row))), 0);
    gui_a11y_label(row, label);
}

void
gui_room_occupants_set(GtkWidget *occupants, GVariant *by_nick)
{
    GVariantIter iter;
    const char *nick = NULL;
    GVariant *data = NULL;

    g_variant_iter_init(&iter, by_nick);
    while (g_variant_iter_next(&iter, "{&s@a{ss}}", &nick, &data)) {
        const char *role = NULL;
        const char *show = NULL;
        g_variant_lookup(data, "role", "&s", &role);
        g_variant_lookup(data, "show", "&s", &show);
        set_occupant(occupants, nick, role, show != NULL ? show : "");
        g_variant_unref(data);
    }
}

void
gui_room_occupant_presence(GtkWidget *occupants, const char *nick, const char *show)
{
    set_occupant(occupants, nick, NULL, show);
}
