/* gui-contacts: the sidebar: the roster (getContacts, kept current by newContact,
 * contactDeleted and presenceUpdate), avatars from the backend's cache, unread
 * counts, a search entry filtering by name or JID, rooms joined, adding and
 * removing contacts, and the subscription requests waiting for an answer. While
 * the backend or the profile's connection is down, presence shows as unknown. */
#include <json-glib/json-glib.h>

#include "gui-a11y.h"
#include "gui-views.h"

typedef struct {
    GuiContacts *contacts;
    char *jid;
    char *name;
    char *show; /* "unavailable" when no resource is online */
    guint unread;
    gboolean room;
    GtkWidget *row;
    GtkWidget *avatar;
    GtkWidget *presence;
    GtkWidget *badge;
} GuiContact;

struct _GuiContacts {
    GuiApp *app;
    GtkWidget *widget;
    GtkWidget *search;
    GtkWidget *list;
    GtkWidget *requests; /* subscription requests, one row each */
    GtkWidget *add_entry;
    GtkWidget *add_popover;
    GHashTable *by_jid;        /* bare JID → GuiContact */
    gboolean presence_unknown; /* the backend or our connection is down */
};

static void
contact_free(GuiContact *contact)
{
    g_free(contact->jid);
    g_free(contact->name);
    g_free(contact->show);
    g_free(contact);
}

static const char *
presence_text(const char *show)
{
    static const struct {
        const char *show;
        const char *text;
    } texts[] = {
        { "", "Online" },        { "chat", "Free to chat" },  { "away", "Away" },
        { "xa", "Away (long)" }, { "dnd", "Do not disturb" }, { "unavailable", "Offline" },
    };
    for (guint i = 0; i < G_N_ELEMENTS(texts); i++)
        if (g_strcmp0(show, texts[i].show) == 0)
            return texts[i].text;
    return "Online";
}

/* The row's accessible label says everything the row shows. */
static void
update_row(GuiContact *contact)
{
    g_autofree char *badge = g_strdup_printf("%u", contact->unread);
    gboolean unknown = contact->contacts->presence_unknown && !contact->room;
    const char *presence = contact->room ? "Room"
                           : unknown     ? "Presence unknown"
                                         : presence_text(contact->show);
    g_autofree char *label = g_strdup_printf("%s, %s%s%s", contact->name, presence,
                                             contact->unread > 0 ? ", unread " : "",
                                             contact->unread > 0 ? badge : "");

    gtk_label_set_text(GTK_LABEL(contact->presence), presence);
    gtk_label_set_text(GTK_LABEL(contact->badge), badge);
    gtk_widget_set_visible(contact->badge, contact->unread > 0);
    gui_a11y_label(contact->row, label);
    gtk_widget_set_opacity(
            contact->avatar,
            (unknown || g_strcmp0(contact->show, "unavailable") == 0) && !contact->room ? 0.5
                                                                                        : 1.0);
    gtk_list_box_invalidate_sort(GTK_LIST_BOX(contact->contacts->list));
    gtk_list_box_invalidate_filter(GTK_LIST_BOX(contact->contacts->list));
}

static void
on_avatar_bytes(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GtkWidget) avatar = user_data;
    g_autoptr(GBytes) bytes = g_file_load_bytes_finish(G_FILE(source), result, NULL, NULL);

    if (bytes == NULL)
        return;
    g_autoptr(GdkTexture) texture = gdk_texture_new_from_bytes(bytes, NULL);
    if (texture != NULL)
        adw_avatar_set_custom_image(ADW_AVATAR(avatar), GDK_PAINTABLE(texture));
}

/* avatarGet's JSON: {"path": …} or null. The file is read asynchronously. */
static void
show_avatar(GtkWidget *avatar, const char *json)
{
    g_autoptr(JsonParser) parser = json_parser_new();

    if (!json_parser_load_from_data(parser, json, -1, NULL))
        return;
    JsonNode *root = json_parser_get_root(parser);
    if (root == NULL || !JSON_NODE_HOLDS_OBJECT(root))
        return;
    const char *path =
            json_object_get_string_member_with_default(json_node_get_object(root), "path", NULL);
    if (path == NULL)
        return;
    g_autoptr(GFile) file = g_file_new_for_path(path);
    g_file_load_bytes_async(file, NULL, on_avatar_bytes, g_object_ref(avatar));
}

static void
on_avatar(GuiApp *app, GVariant *reply, const GError *error, gpointer user_data)
{
    g_autoptr(GtkWidget) avatar = user_data;
    const char *json = NULL;

    if (reply == NULL)
        return;
    g_variant_get(reply, "(&s)", &json);
    show_avatar(avatar, json);
}

static void
ask_avatar(GuiContacts *contacts, GuiContact *contact)
{
    /* From the cache only: the list does not wait for the network. */
    gui_app_call_quiet(contacts->app, "avatarGet",
                       g_variant_new("(sbs)", contact->jid, TRUE, contacts->app->profile),
                       on_avatar, g_object_ref(contact->avatar));
}

static void
on_remove_confirmed(AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
    GuiContacts *contacts = g_object_get_data(G_OBJECT(dialog), "contacts");
    const char *jid = g_object_get_data(G_OBJECT(dialog), "jid");

    if (g_strcmp0(response, "remove") == 0)
        gui_app_call(contacts->app, "delContact",
                     g_variant_new("(ss)", jid, contacts->app->profile), NULL, NULL);
}

static void
on_remove(GtkButton *button, gpointer user_data)
{
    GuiContact *contact = user_data;
    GuiContacts *contacts = contact->contacts;
    GtkWidget *dialog = adw_message_dialog_new(contacts->app->window, "Remove the contact?", NULL);

    adw_message_dialog_format_body(ADW_MESSAGE_DIALOG(dialog),
                                   "%s leaves your contact list and stops seeing your presence.",
                                   contact->jid);
    adw_message_dialog_add_responses(ADW_MESSAGE_DIALOG(dialog), "cancel", "_Cancel", "remove",
                                     "_Remove", NULL);
    adw_message_dialog_set_response_appearance(ADW_MESSAGE_DIALOG(dialog), "remove",
                                               ADW_RESPONSE_DESTRUCTIVE);
    g_object_set_data(G_OBJECT(dialog), "contacts", contacts);
    g_object_set_data_full(G_OBJECT(dialog), "jid", g_strdup(contact->jid), g_free);
    g_signal_connect(dialog, "response", G_CALLBACK(on_remove_confirmed), NULL);
    gui_a11y_label(dialog, "Remove the contact?");
    gtk_window_present(GTK_WINDOW(dialog));
}

static GtkWidget *
build_row(GuiContact *contact)
{
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 8);
    GtkWidget *texts = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
    GtkWidget *name = gtk_label_new(contact->name);

    contact->avatar = adw_avatar_new(32, contact->name, TRUE);
    contact->presence = gtk_label_new(NULL);
    contact->badge = gtk_label_new(NULL);
    gtk_label_set_xalign(GTK_LABEL(name), 0);
    gtk_label_set_ellipsize(GTK_LABEL(name), PANGO_ELLIPSIZE_END);
    gtk_label_set_xalign(GTK_LABEL(contact->presence), 0);
    gtk_widget_add_css_class(contact->presence, "dim-label");
    gtk_widget_add_css_class(contact->presence, "caption");
    gtk_widget_add_css_class(contact->badge, "accent");
    gtk_widget_add_css_class(contact->badge, "heading");
    gtk_widget_set_hexpand(texts, TRUE);
    gtk_box_append(GTK_BOX(texts), name);
    gtk_box_append(GTK_BOX(texts), contact->presence);
    gtk_box_append(GTK_BOX(box), contact->avatar);
    gtk_box_append(GTK_BOX(box), texts);
    gtk_box_append(GTK_BOX(box), contact->badge);
    if (!contact->room) {
        GtkWidget *remove = gtk_button_new_from_icon_name("user-trash-symbolic");
        g_autofree char *label = g_strdup_printf("Remove contact %s", contact->jid);
        gtk_widget_add_css_class(remove, "flat");
        gui_a11y_label(remove, label);
        g_signal_connect(remove, "clicked", G_CALLBACK(on_remove), contact);
        gtk_box_append(GTK_BOX(box), remove);
    }
    contact->row = gtk_list_box_row_new();
    gtk_list_box_row_set_child(GTK_LIST_BOX_ROW(contact->row), box);
    g_object_set_data(G_OBJECT(contact->row), "gui-contact", contact);
    return contact->row;
}

static GuiContact *
ensure_contact(GuiContacts *contacts, const char *jid, const char *name, gboolean room)
{
    GuiContact *contact = g_hash_table_lookup(contacts->by_jid, jid);

    if (contact != NULL) {
        if (name != NULL && *name != '\0' && g_strcmp0(name, contact->name) != 0) {
            g_free(contact->name);
            contact->name = g_strdup(name);
            adw_avatar_set_text(ADW_AVATAR(contact->avatar), name);
            GtkWidget *label = gtk_widget_get_next_sibling(contact->avatar);
            gtk_label_set_text(GTK_LABEL(gtk_widget_get_first_child(label)), name);
        }
        update_row(contact);
        return contact;
    }
    contact = g_new0(GuiContact, 1);
    contact->contacts = contacts;
    contact->jid = g_strdup(jid);
    contact->name = g_strdup(name != NULL && *name != '\0' ? name : jid);
    contact->show = g_strdup("unavailable");
    contact->room = room;
    g_hash_table_insert(contacts->by_jid, contact->jid, contact);
    gtk_list_box_append(GTK_LIST_BOX(contacts->list), build_row(contact));
    update_row(contact);
    if (!room)
        ask_avatar(contacts, contact);
    return contact;
}

static void
remove_contact(GuiContacts *contacts, const char *jid)
{
    GuiContact *contact = g_hash_table_lookup(contacts->by_jid, jid);

    if (contact == NULL)
        return;
    gtk_list_box_remove(GTK_LIST_BOX(contacts->list), contact->row);
    g_hash_table_remove(contacts->by_jid, jid);
}

static void
add_roster_item(GuiContacts *contacts, GVariant *item)
{
    const char *jid = NULL;
    g_autoptr(GVariant) attributes = NULL;
    g_autoptr(GVariant) groups = NULL;
    const char *name = NULL;

    g_variant_get(item, "(&s@a{ss}@as)", &jid, &attributes, &groups);
    g_variant_lookup(attributes, "name", "&s", &name);
    ensure_contact(contacts, jid, name, FALSE);
}

static void
on_contacts(GuiApp *app, GVariant *reply, const GError *error, gpointer user_data)
{
    GuiContacts *contacts = user_data;
    g_autoptr(GVariant) items = NULL;
    GVariantIter iter;
    GVariant *item = NULL;

    if (reply == NULL)
        return;
    items = g_variant_get_child_value(reply, 0);
    g_variant_iter_init(&iter, items);
    while ((item = g_variant_iter_next_value(&iter)) != NULL) {
        add_roster_item(contacts, item);
        g_variant_unref(item);
    }
}

static void
on_presences(GuiApp *app, GVariant *reply, const GError *error, gpointer user_data)
{
    GuiContacts *contacts = user_data;
    g_autoptr(GVariant) by_jid = NULL;
    GVariantIter iter;
    const char *jid = NULL;
    GVariant *resources = NULL;

    if (reply == NULL)
        return;
    by_jid = g_variant_get_child_value(reply, 0);
    g_variant_iter_init(&iter, by_jid);
    while (g_variant_iter_next(&iter, "{&s@a{s(sia{ss})}}", &jid, &resources)) {
        GuiContact *contact = g_hash_table_lookup(contacts->by_jid, jid);
        const char *show = NULL;
        GVariantIter res_iter;
        g_variant_iter_init(&res_iter, resources);
        if (contact != NULL &&
            g_variant_iter_next(&res_iter, "{&s(&sia{ss})}", NULL, &show, NULL, NULL)) {
            g_free(contact->show);
            contact->show = g_strdup(show);
            update_row(contact);
        }
        g_variant_unref(resources);
    }
}

static void add_request(GuiContacts *contacts, const char *jid);

static void
on_waiting(GuiApp *app, GVariant *reply, const GError *error, gpointer user_data)
{
    GuiContacts *contacts = user_data;
    g_autoptr(GVariant) waiting = NULL;
    GVariantIter iter;
    const char *jid = NULL;

    if (reply == NULL)
        return;
    waiting = g_variant_get_child_value(reply, 0);
    g_variant_iter_init(&iter, waiting);
    while (g_variant_iter_next(&iter, "{&s&s}", &jid, NULL))
        add_request(contacts, jid);
}

void
gui_contacts_load(GuiContacts *contacts)
{
    GuiApp *app = contacts->app;

    gui_app_call(app, "getContacts", g_variant_new("(s)", app->profile), on_contacts, contacts);
    gui_app_call_quiet(app, "getPresenceStatuses", g_variant_new("(s)", app->profile), on_presences,
                       contacts);
    gui_app_call_quiet(app, "getWaitingSub", g_variant_new("(s)", app->profile), on_waiting,
                       contacts);
}

void
gui_contacts_set_presence_known(GuiContacts *contacts, gboolean known)
{
    GHashTableIter iter;
    GuiContact *contact = NULL;

    if (contacts->presence_unknown == !known)
        return;
    contacts->presence_unknown = !known;
    g_hash_table_iter_init(&iter, contacts->by_jid);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&contact)) {
        /* What we knew is stale: offline until told again. */
        if (!known && !contact->room) {
            g_free(contact->show);
            contact->show = g_strdup("unavailable");
        }
        update_row(contact);
    }
    if (known && contacts->app->profile != NULL)
        gui_app_call_quiet(contacts->app, "getPresenceStatuses",
                           g_variant_new("(s)", contacts->app->profile), on_presences, contacts);
}

/* presenceUpdate is per resource; the list shows the contact as online while one
 * of its resources is. A room occupant's (full JID of a room) is the room view's. */
static void
on_presence(GuiContacts *contacts, GVariant *params)
{
    const char *jid = NULL;
    const char *show = NULL;

    g_variant_get(params, "(&s&si@a{ss}&s)", &jid, &show, NULL, NULL, NULL);
    g_autofree char *bare = g_strdup(jid);
    char *slash = strchr(bare, '/');
    if (slash != NULL)
        *slash = '\0';
    GuiContact *contact = g_hash_table_lookup(contacts->by_jid, bare);
    if (contact == NULL || contact->room)
        return;
    if (g_strcmp0(show, "unavailable") == 0 && g_strcmp0(contact->show, "unavailable") != 0) {
        /* Another resource may still be online: ask the whole picture. */
        gui_app_call_quiet(contacts->app, "getPresenceStatuses",
                           g_variant_new("(s)", contacts->app->profile), on_presences, contacts);
    }
    g_free(contact->show);
    contact->show = g_strdup(show);
    update_row(contact);
}

static void
on_answer(GtkButton *button, gpointer user_data)
{
    GuiContacts *contacts = user_data;
    GtkWidget *row = g_object_get_data(G_OBJECT(button), "request-row");
    const char *jid = g_object_get_data(G_OBJECT(row), "jid");
    const char *answer = g_object_get_data(G_OBJECT(button), "answer");

    gui_app_call(contacts->app, "subscription",
                 g_variant_new("(sss)", answer, jid, contacts->app->profile), NULL, NULL);
    gtk_box_remove(GTK_BOX(contacts->requests), row);
}

static GtkWidget *
answer_button(GuiContacts *contacts, GtkWidget *row, const char *text, const char *answer,
              const char *jid)
{
    GtkWidget *button = gtk_button_new_with_label(text);
    g_autofree char *label = g_strdup_printf("%s %s", text, jid);

    gui_a11y_label(button, label);
    g_object_set_data(G_OBJECT(button), "request-row", row);
    g_object_set_data(G_OBJECT(button), "answer", (gpointer)answer);
    g_signal_connect(button, "clicked", G_CALLBACK(on_answer), contacts);
    return button;
}

static void
add_request(GuiContacts *contacts, const char *jid)
{
    for (GtkWidget *row = gtk_widget_get_first_child(contacts->requests); row != NULL;
         row = gtk_widget_get_next_sibling(row))
        if (g_strcmp0(g_object_get_data(G_OBJECT(row), "jid"), jid) == 0)
            return;
    GtkWidget *row = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
    g_autofree char *text = g_strdup_printf("%s wants to see your presence", jid);
    GtkWidget *label = gtk_label_new(text);

    g_object_set_data_full(G_OBJECT(row), "jid", g_strdup(jid), g_free);
    gtk_label_set_wrap(GTK_LABEL(label), TRUE);
    gtk_label_set_xalign(GTK_LABEL(label), 0);
    gtk_widget_set_hexpand(label, TRUE);
    gui_a11y_label(label, text);
    gtk_box_append(GTK_BOX(row), label);
    gtk_box_append(GTK_BOX(row), answer_button(contacts, row, "Allow", "subscribed", jid));
    gtk_box_append(GTK_BOX(row), answer_button(contacts, row, "Deny", "unsubscribed", jid));
    gtk_box_append(GTK_BOX(contacts->requests), row);
}

void
gui_contacts_on_signal(GuiContacts *contacts, const char *name, GVariant *params)
{
    if (g_str_equal(name, "presenceUpdate")) {
        on_presence(contacts, params);
    } else if (g_str_equal(name, "newContact")) {
        const char *jid = NULL;
        g_autoptr(GVariant) attributes = NULL;
        const char *contact_name = NULL;
        g_variant_get(params, "(&s@a{ss}@as&s)", &jid, &attributes, NULL, NULL);
        g_variant_lookup(attributes, "name", "&s", &contact_name);
        ensure_contact(contacts, jid, contact_name, FALSE);
    } else if (g_str_equal(name, "contactDeleted")) {
        const char *jid = NULL;
        g_variant_get(params, "(&s&s)", &jid, NULL);
        remove_contact(contacts, jid);
    } else if (g_str_equal(name, "subscribe")) {
        const char *type = NULL;
        const char *jid = NULL;
        g_variant_get(params, "(&s&s&s)", &type, &jid, NULL);
        if (g_str_equal(type, "subscribe"))
            add_request(contacts, jid);
    } else if (g_str_equal(name, "entityDataUpdated")) {
        const char *jid = NULL;
        const char *key = NULL;
        const char *value = NULL;
        g_variant_get(params, "(&s&s&s&s)", &jid, &key, &value, NULL);
        GuiContact *contact = g_hash_table_lookup(contacts->by_jid, jid);
        if (contact != NULL && g_str_equal(key, "avatar"))
            show_avatar(contact->avatar, value);
    }
}

void
gui_contacts_set_unread(GuiContacts *contacts, const char *jid, guint count)
{
    GuiContact *contact = g_hash_table_lookup(contacts->by_jid, jid);

    if (contact == NULL && count > 0)
        contact = ensure_contact(contacts, jid, NULL, FALSE); /* a stranger wrote */
    if (contact == NULL)
        return;
    contact->unread = count;
    update_row(contact);
}

const char *
gui_contacts_get_name(GuiContacts *contacts, const char *jid)
{
    GuiContact *contact = g_hash_table_lookup(contacts->by_jid, jid);

    return contact != NULL ? contact->name : jid;
}

void
gui_contacts_add_room(GuiContacts *contacts, const char *room_jid, const char *name)
{
    ensure_contact(contacts, room_jid, name, TRUE);
}

void
gui_contacts_remove_room(GuiContacts *contacts, const char *room_jid)
{
    GuiContact *contact = g_hash_table_lookup(contacts->by_jid, room_jid);

    if (contact != NULL && contact->room)
        remove_contact(contacts, room_jid);
}

static gboolean
filter_row(GtkListBoxRow *row, gpointer user_data)
{
    GuiContacts *contacts = user_data;
    GuiContact *contact = g_object_get_data(G_OBJECT(row), "gui-contact");
    const char *text = gtk_editable_get_text(GTK_EDITABLE(contacts->search));

    if (contact == NULL || *text == '\0')
        return TRUE;
    g_autofree char *needle = g_utf8_casefold(text, -1);
    g_autofree char *name = g_utf8_casefold(contact->name, -1);
    g_autofree char *jid = g_utf8_casefold(contact->jid, -1);
    return strstr(name, needle) != NULL || strstr(jid, needle) != NULL;
}

/* Unread first, then online, then by name. */
static int
sort_rows(GtkListBoxRow *a, GtkListBoxRow *b, gpointer user_data)
{
    GuiContact *x = g_object_get_data(G_OBJECT(a), "gui-contact");
    GuiContact *y = g_object_get_data(G_OBJECT(b), "gui-contact");

    if ((x->unread > 0) != (y->unread > 0))
        return x->unread > 0 ? -1 : 1;
    gboolean x_on = x->room || g_strcmp0(x->show, "unavailable") != 0;
    gboolean y_on = y->room || g_strcmp0(y->show, "unavailable") != 0;
    if (x_on != y_on)
        return x_on ? -1 : 1;
    return g_utf8_collate(x->name, y->name);
}

static void
on_row_activated(GtkListBox *list, GtkListBoxRow *row, gpointer user_data)
{
    GuiContacts *contacts = user_data;
    GuiContact *contact = g_object_get_data(G_OBJECT(row), "gui-contact");

    gui_chats_open(contacts->app->chats, contact->jid, contact->room);
}

static void
on_search_changed(GtkSearchEntry *entry, gpointer user_data)
{
    GuiContacts *contacts = user_data;

    gtk_list_box_invalidate_filter(GTK_LIST_BOX(contacts->list));
}

static void
on_add(GtkWidget *widget, gpointer user_data)
{
    GuiContacts *contacts = user_data;
    g_autofree char *jid =
            g_strstrip(g_strdup(gtk_editable_get_text(GTK_EDITABLE(contacts->add_entry))));

    if (*jid == '\0' || strchr(jid, '@') == NULL) {
        gui_app_show_error(contacts->app, "Add a contact: give its address, like name@example.org");
        return;
    }
    gui_app_call(contacts->app, "addContact", g_variant_new("(ss)", jid, contacts->app->profile),
                 NULL, NULL);
    gtk_editable_set_text(GTK_EDITABLE(contacts->add_entry), "");
    gtk_popover_popdown(GTK_POPOVER(contacts->add_popover));
}

static GtkWidget *
build_add_button(GuiContacts *contacts)
{
    GtkWidget *button = gtk_menu_button_new();
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
    GtkWidget *add = gtk_button_new_with_label("Add");

    gtk_menu_button_set_icon_name(GTK_MENU_BUTTON(button), "contact-new-symbolic");
    gui_a11y_label(button, "Add a contact");
    contacts->add_entry = gtk_entry_new();
    gtk_entry_set_placeholder_text(GTK_ENTRY(contacts->add_entry), "name@example.org");
    gui_a11y_label(contacts->add_entry, "Address of the contact to add");
    g_signal_connect(contacts->add_entry, "activate", G_CALLBACK(on_add), contacts);
    gui_a11y_label(add, "Add this contact");
    g_signal_connect(add, "clicked", G_CALLBACK(on_add), contacts);
    gtk_box_append(GTK_BOX(box), contacts->add_entry);
    gtk_box_append(GTK_BOX(box), add);
    contacts->add_popover = gtk_popover_new();
    gtk_popover_set_child(GTK_POPOVER(contacts->add_popover), box);
    gtk_menu_button_set_popover(GTK_MENU_BUTTON(button), contacts->add_popover);
    return button;
}

static GtkWidget *
build_toolbar(GuiContacts *contacts)
{
    GtkWidget *bar = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
    GtkWidget *join = gtk_button_new_from_icon_name("system-users-symbolic");

    contacts->search = gtk_search_entry_new();
    gtk_widget_set_hexpand(contacts->search, TRUE);
    gui_a11y_label(contacts->search, "Search contacts");
    g_signal_connect(contacts->search, "search-changed", G_CALLBACK(on_search_changed), contacts);
    gtk_actionable_set_action_name(GTK_ACTIONABLE(join), "app.join-room");
    gui_a11y_label(join, "Join a room");
    gtk_box_append(GTK_BOX(bar), contacts->search);
    gtk_box_append(GTK_BOX(bar), build_add_button(contacts));
    gtk_box_append(GTK_BOX(bar), join);
    gtk_widget_set_margin_start(bar, 6);
    gtk_widget_set_margin_end(bar, 6);
    gtk_widget_set_margin_top(bar, 6);
    return bar;
}

static gboolean
focus_search(GtkWidget *widget, GVariant *args, gpointer user_data)
{
    GuiContacts *contacts = user_data;

    return gtk_widget_grab_focus(contacts->search);
}

GuiContacts *
gui_contacts_new(GuiApp *app)
{
    GuiContacts *contacts = g_new0(GuiContacts, 1);
    GtkWidget *scrolled = gtk_scrolled_window_new();
    GtkEventController *shortcuts = gtk_shortcut_controller_new();

    contacts->app = app;
    contacts->by_jid =
            g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)contact_free);
    contacts->widget = gtk_box_new(GTK_ORIENTATION_VERTICAL, 6);
    contacts->list = gtk_list_box_new();
    gui_a11y_label(contacts->list, "Contacts");
    gtk_list_box_set_filter_func(GTK_LIST_BOX(contacts->list), filter_row, contacts, NULL);
    gtk_list_box_set_sort_func(GTK_LIST_BOX(contacts->list), sort_rows, contacts, NULL);
    g_signal_connect(contacts->list, "row-activated", G_CALLBACK(on_row_activated), contacts);
    contacts->requests = gtk_box_new(GTK_ORIENTATION_VERTICAL, 4);
    gtk_widget_set_margin_start(contacts->requests, 6);
    gtk_widget_set_margin_end(contacts->requests, 6);
    gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(scrolled), contacts->list);
    gtk_widget_set_vexpand(scrolled, TRUE);
    gtk_box_append(GTK_BOX(contacts->widget), build_toolbar(contacts));
    gtk_box_append(GTK_BOX(contacts->widget), contacts->requests);
    gtk_box_append(GTK_BOX(contacts->widget), scrolled);
    gtk_widget_set_size_request(contacts->widget, 240, -1);
    /* Ctrl+F from anywhere in the window. */
    gtk_shortcut_controller_set_scope(GTK_SHORTCUT_CONTROLLER(shortcuts),
                                      GTK_SHORTCUT_SCOPE_GLOBAL);
    gtk_shortcut_controller_add_shortcut(
            GTK_SHORTCUT_CONTROLLER(shortcuts),
            gtk_shortcut_new(gtk_shortcut_trigger_parse_string("<Control>f"),
                             gtk_callback_action_new(focus_search, contacts, NULL)));
    gtk_widget_add_controller(contacts->widget, shortcuts);
    return contacts;
}

GtkWidget *
gui_contacts_get_widget(GuiContacts *contacts)
{
    return contacts->widget;
}

void
gui_contacts_free(GuiContacts *contacts)
{
    if (contacts == NULL)
        return;
    g_hash_table_destroy(contacts->by_jid);
    g_free(contacts);
}
