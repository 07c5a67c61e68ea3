/* gui-status: the banner under the header bar saying what is down: the backend
 * (its bus name has no owner: watched with NameOwnerChanged through
 * g_bus_watch_name) or the profile's connection to its server (disconnected and
 * connected signals). Its button acts: start the backend (any call activates
 * it), or reconnect. */
#include "gui-a11y.h"
#include "gui-views.h"

#define BACKEND_NAME "org.libervia.Libervia"

struct _GuiStatus {
    GuiApp *app;
    GtkWidget *revealer;
    GtkWidget *label;
    GtkWidget *button;
    guint watch;
    gboolean backend_up;
    gboolean backend_seen;
    gboolean connected;
};

static void
update(GuiStatus *status)
{
    const char *text = NULL;
    const char *action = NULL;

    if (status->backend_seen && !status->backend_up) {
        text = "The Libervia backend is not running.";
        action = "Start the backend";
    } else if (status->app->profile != NULL && !status->connected) {
        text = "Not connected to your XMPP server: messages wait until the connection is back.";
        action = "Reconnect";
    }
    if (status->app->contacts != NULL && status->app->profile != NULL)
        gui_contacts_set_presence_known(status->app->contacts, text == NULL);
    gtk_revealer_set_reveal_child(GTK_REVEALER(status->revealer), text != NULL);
    if (text == NULL)
        return;
    gtk_label_set_text(GTK_LABEL(status->label), text);
    gtk_button_set_label(GTK_BUTTON(status->button), action);
    gui_a11y_label(status->label, text);
    gui_a11y_label(status->button, action);
}

static void
on_ready(GuiApp *app, GVariant *reply, const GError *error, gpointer user_data)
{
    GuiStatus *status = app->status;

    if (reply == NULL || status == NULL)
        return;
    /* A backend started anew has no session: log in again. */
    if (app->profile != NULL) {
        g_clear_pointer(&app->profile, g_free);
        gtk_stack_set_visible_child_name(app->pages, "login");
        gui_login_refresh(gtk_stack_get_child_by_name(app->pages, "login"), app);
    }
    update(status);
}

static void
on_button(GtkButton *button, gpointer user_data)
{
    GuiStatus *status = user_data;
    GuiApp *app = status->app;

    if (app->bridge == NULL)
        return;
    if (status->backend_seen && !status->backend_up) {
        gui_app_call(app, "getReady", NULL, on_ready, NULL);
        return;
    }
    gui_app_call(app, "connect",
                 g_variant_new("(ss@a{ss})", app->profile, "",
                               g_variant_new_array(G_VARIANT_TYPE("{ss}"), NULL, 0)),
                 NULL, NULL);
}

static void
on_name_appeared(GDBusConnection *connection, const char *name, const char *owner,
                 gpointer user_data)
{
    GuiStatus *status = user_data;

    status->backend_up = TRUE;
    update(status);
}

static void
on_name_vanished(GDBusConnection *connection, const char *name, gpointer user_data)
{
    GuiStatus *status = user_data;

    /* Not running yet at start is normal: activation starts it on the first call. */
    if (connection == NULL)
        return;
    status->backend_seen = status->backend_seen || status->backend_up;
    status->backend_up = FALSE;
    status->connected = FALSE;
    update(status);
}

void
gui_status_on_signal(GuiStatus *status, const char *name, GVariant *params)
{
    if (g_str_equal(name, "connected"))
        gui_status_set_connected(status, TRUE);
    else if (g_str_equal(name, "disconnected"))
        gui_status_set_connected(status, FALSE);
}

void
gui_status_set_connected(GuiStatus *status, gboolean connected)
{
    status->connected = connected;
    status->backend_up = status->backend_up || connected;
    update(status);
}

GuiStatus *
gui_status_new(GuiApp *app)
{
    GuiStatus *status = g_new0(GuiStatus, 1);
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);

    status->app = app;
    status->label = gtk_label_new(NULL);
    gtk_label_set_wrap(GTK_LABEL(status->label), TRUE);
    gtk_label_set_xalign(GTK_LABEL(status->label), 0);
    gtk_widget_set_hexpand(status->label, TRUE);
    status->button = gtk_button_new_with_label("Reconnect");
    g_signal_connect(status->button, "clicked", G_CALLBACK(on_button), status);
    gtk_box_append(GTK_BOX(box), status->label);
    gtk_box_append(GTK_BOX(box), status->button);
    gtk_widget_add_css_class(box, "toolbar");
    gtk_widget_add_css_class(box, "warning");
    status->revealer = gtk_revealer_new();
    gtk_revealer_set_child(GTK_REVEALER(status->revealer), box);
    gui_a11y_label(status->revealer, "Connection status");
    gui_a11y_label(status->label, "Connection status");
    gui_a11y_label(status->button, "Reconnect");
    status->watch =
            g_bus_watch_name(G_BUS_TYPE_SESSION, BACKEND_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
                             on_name_appeared, on_name_vanished, status, NULL);
    return status;
}

GtkWidget *
gui_status_get_widget(GuiStatus *status)
{
    return status->revealer;
}

void
gui_status_free(GuiStatus *status)
{
    if (status == NULL)
        return;
    g_bus_unwatch_name(status->watch);
    g_free(status);
}
