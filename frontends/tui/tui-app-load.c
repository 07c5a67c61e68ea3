/* tui-app-load: filling the main screen from the backend (our JID, contacts,
 * presences, rooms joined), again after a reconnection or a backend restart; and
 * the watch on the backend's bus name that notices a restart. */
#include <string.h>

#include "lv-bridge-names.h"
#include "tui-app.h"

static void
on_own_jid(TuiApp *app, GVariant *reply, const GError *error, gpointer data)
{
    const char *jid = NULL;

    if (reply == NULL)
        return;
    g_variant_get(reply, "(&s)", &jid);
    g_free(app->own_jid);
    /* The parameter is what the user typed: keep its bare part. */
    const char *slash = strchr(jid, '/');
    app->own_jid = slash != NULL ? g_strndup(jid, (gsize)(slash - jid)) : g_strdup(jid);
    tui_app_redraw(app);
}

/* The "name" of a contact's attributes (a{ss}), or NULL. Read child by child:
 * the reply is a tree of values already, and g_variant_lookup would scan it
 * with a format string for each of the 1,000 contacts. */
static const char *
attribute_name(GVariant *attributes)
{
    gsize n = g_variant_n_children(attributes);

    for (gsize i = 0; i < n; i++) {
        g_autoptr(GVariant) entry = g_variant_get_child_value(attributes, i);
        g_autoptr(GVariant) key = g_variant_get_child_value(entry, 0);
        if (g_str_equal(g_variant_get_string(key, NULL), "name")) {
            g_autoptr(GVariant) value = g_variant_get_child_value(entry, 1);
            /* Borrowed from @attributes, which holds @value. */
            return g_variant_get_string(value, NULL);
        }
    }
    return NULL;
}

static void
add_contact(TuiApp *app, GVariant *item)
{
    g_autoptr(GVariant) jid = g_variant_get_child_value(item, 0);
    g_autoptr(GVariant) attributes = g_variant_get_child_value(item, 1);
    g_autoptr(GVariant) groups = g_variant_get_child_value(item, 2);
    g_autofree const char **names = g_variant_get_strv(groups, NULL);

    tui_roster_set_contact(app->roster, g_variant_get_string(jid, NULL), attribute_name(attributes),
                           names);
}

static void
on_contacts(TuiApp *app, GVariant *reply, const GError *error, gpointer data)
{
    if (reply == NULL) {
        tui_app_set_status(app, "contacts: %s", error->message);
        return;
    }
    g_autoptr(GVariant) list = g_variant_get_child_value(reply, 0);
    gsize n = g_variant_n_children(list);
    for (gsize i = 0; i < n; i++) {
        g_autoptr(GVariant) item = g_variant_get_child_value(list, i);
        add_contact(app, item);
    }
    tui_app_redraw(app);
    if (!app->main_drawn) {
        app->main_drawn = TRUE;
        if (app->screen != NULL && app->screen->drawn != NULL)
            app->screen->drawn(app);
    }
}

static void
on_presences(TuiApp *app, GVariant *reply, const GError *error, gpointer data)
{
    g_autoptr(GVariantIter) entities = NULL;
    const char *bare = NULL;
    GVariantIter *resources = NULL;

    if (reply == NULL)
        return;
    g_variant_get(reply, "(a{sa{s(sia{ss})}})", &entities);
    while (g_variant_iter_next(entities, "{&sa{s(sia{ss})}}", &bare, &resources)) {
        const char *resource = NULL, *show = NULL;
        gint32 priority = 0;
        while (g_variant_iter_next(resources, "{&s(&si@a{ss})}", &resource, &show, &priority,
                                   NULL)) {
            g_autofree char *full =
                    resource[0] != '\0' ? g_strconcat(bare, "/", resource, NULL) : g_strdup(bare);
            tui_roster_set_presence(app->roster, full, show, priority);
        }
        g_variant_iter_free(resources);
    }
    tui_app_redraw(app);
}

static void
on_rooms(TuiApp *app, GVariant *reply, const GError *error, gpointer data)
{
    g_autoptr(GVariantIter) iter = NULL;
    const char *room = NULL, *nick = NULL, *subject = NULL;
    GVariant *occupants = NULL;

    if (reply == NULL)
        return;
    g_variant_get(reply, "(a(sa{sa{ss}}ssas))", &iter);
    while (g_variant_iter_next(iter, "(&s@a{sa{ss}}&s&s@as)", &room, &occupants, &nick, &subject,
                               NULL)) {
        tui_app_set_room(app, room, occupants, nick, subject);
        g_variant_unref(occupants);
    }
    tui_app_redraw(app);
}

void
tui_app_reload(TuiApp *app)
{
    GHashTableIter iter;
    TuiChat *chat = NULL;

    tui_roster_clear(app->roster);
    tui_app_call(app, "asyncGetParamA",
                 g_variant_new("(sssis)", "JabberID", "Connection", "value", -1, app->profile),
                 on_own_jid, NULL, NULL);
    tui_app_call(app, "getContacts", g_variant_new("(s)", app->profile), on_contacts, NULL, NULL);
    tui_app_call(app, "getPresenceStatuses", g_variant_new("(s)", app->profile), on_presences, NULL,
                 NULL);
    tui_app_call(app, "mucGetRoomsJoined", g_variant_new("(s)", app->profile), on_rooms, NULL,
                 NULL);
    /* What was said while we were away comes with the history (kept by uid once). */
    g_hash_table_iter_init(&iter, app->chats);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&chat)) {
        if (tui_chat_count_messages(chat) > 0) {
            tui_chat_set_loading(chat, FALSE);
            tui_chat_clear(chat);
            tui_app_load_history(app, chat, 50);
        }
    }
}

void
tui_app_enter_main(TuiApp *app)
{
    app->phase = TUI_PHASE_MAIN;
    app->mode = TUI_MODE_NORMAL;
    app->focus = TUI_FOCUS_CONTACTS;
    tui_app_set_status(app, "connected as profile %s; :help for commands", app->profile);
    tui_app_reload(app);
}

static void
on_backend_appeared(GDBusConnection *connection, const char *name, const char *owner,
                    gpointer user_data)
{
    TuiApp *app = user_data;

    if (!app->backend_gone)
        return;
    app->backend_gone = FALSE;
    if (app->phase == TUI_PHASE_MAIN) {
        tui_app_set_status(app, "the backend is back: reconnecting…");
        tui_profile_reconnect(app);
    }
}

static void
on_backend_vanished(GDBusConnection *connection, const char *name, gpointer user_data)
{
    TuiApp *app = user_data;

    if (connection == NULL || app->backend_gone)
        return;
    app->backend_gone = TRUE;
    if (app->phase == TUI_PHASE_MAIN)
        tui_app_set_status(app, "the backend stopped: waiting for it to run again "
                                "(libervia-backend, or any action here starts it)");
}

void
tui_app_watch_backend(TuiApp *app)
{
    /* Only the D-Bus bridge has a backend that can go away on its own. The first
     * "vanished" comes at once when the backend is not running yet: it is started
     * by the first call, and its appearance then is no restart. */
    if (lv_bridge_get_mode(app->bridge) != LV_BRIDGE_MODE_DBUS)
        return;
    app->name_watch =
            g_bus_watch_name(G_BUS_TYPE_SESSION, LV_BRIDGE_BUS_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
                             on_backend_appeared, on_backend_vanished, app, NULL);
}
