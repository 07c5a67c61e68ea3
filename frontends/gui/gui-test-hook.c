/* gui-test-hook: the tests' command socket (see header). */
#include "gui-test-hook.h"

#include <gio/gunixsocketaddress.h>

#include "gui-a11y.h"

static GSocketService *service;

typedef struct {
    GuiApp *app;
    GSocketConnection *connection;
    GDataInputStream *input;
} HookClient;

static void read_next(HookClient *client);

static void
client_free(HookClient *client)
{
    g_object_unref(client->input);
    g_object_unref(client->connection);
    g_free(client);
}

/* Every window of ours (dialogs too), as a JSON array of trees. */
static char *
dump_windows(void)
{
    GListModel *windows = gtk_window_get_toplevels();
    GString *json = g_string_new("[");

    for (guint i = 0; i < g_list_model_get_n_items(windows); i++) {
        g_autoptr(GtkWidget) window = g_list_model_get_item(windows, i);
        g_autofree char *tree = gui_a11y_dump(window);
        if (i > 0)
            g_string_append_c(json, ',');
        g_string_append(json, tree);
    }
    g_string_append_c(json, ']');
    return g_string_free(json, FALSE);
}

static GtkWidget *
find_anywhere(const char *label)
{
    GListModel *windows = gtk_window_get_toplevels();

    for (guint i = 0; i < g_list_model_get_n_items(windows); i++) {
        g_autoptr(GtkWidget) window = g_list_model_get_item(windows, i);
        GtkWidget *found = gui_a11y_find(window, label);
        if (found != NULL)
            return found;
    }
    return NULL;
}

static char *
focused_label(GuiApp *app)
{
    GtkWidget *widget = app->window != NULL ? gtk_root_get_focus(GTK_ROOT(app->window)) : NULL;

    for (; widget != NULL; widget = gtk_widget_get_parent(widget)) {
        const char *label = gui_a11y_get_label(widget);
        if (label != NULL)
            return g_strdup(label);
    }
    return g_strdup("");
}

static char *
run_command(GuiApp *app, const char *line)
{
    if (g_str_equal(line, "dump"))
        return dump_windows();
    /* The label of the focused widget or of its nearest labelled ancestor (an
     * entry's focus is on its inner GtkText). */
    if (g_str_equal(line, "focused"))
        return focused_label(app);
    /* Which colour scheme libadwaita chose (what the desktop asked for). */
    if (g_str_equal(line, "style"))
        return g_strdup(adw_style_manager_get_dark(adw_style_manager_get_default()) ? "dark"
                                                                                    : "light");
    if (g_str_has_prefix(line, "activate ") || g_str_has_prefix(line, "focus ")) {
        const char *label = strchr(line, ' ') + 1;
        GtkWidget *widget = find_anywhere(label);
        if (widget == NULL)
            return g_strdup_printf("error no widget labelled %s", label);
        if (line[0] == 'a')
            gtk_widget_activate(widget);
        else
            gtk_widget_grab_focus(widget);
        return g_strdup("ok");
    }
    return g_strdup_printf("error unknown command %s", line);
}

static void
on_line(GObject *source, GAsyncResult *result, gpointer user_data)
{
    HookClient *client = user_data;
    g_autofree char *line =
            g_data_input_stream_read_line_finish_utf8(client->input, result, NULL, NULL);

    if (line == NULL) {
        client_free(client);
        return;
    }
    g_autofree char *answer = run_command(client->app, g_strstrip(line));
    g_autofree char *reply = g_strconcat(answer, "\n", NULL);
    GOutputStream *out = g_io_stream_get_output_stream(G_IO_STREAM(client->connection));
    /* A test reads every answer before its next command: a blocking write of one
     * line to it never waits long, and only ever in a test run. */
    if (!g_output_stream_write_all(out, reply, strlen(reply), NULL, NULL, NULL)) {
        client_free(client);
        return;
    }
    read_next(client);
}

static void
read_next(HookClient *client)
{
    g_data_input_stream_read_line_async(client->input, G_PRIORITY_DEFAULT, NULL, on_line, client);
}

static gboolean
on_incoming(GSocketService *socket_service, GSocketConnection *connection, GObject *source,
            gpointer user_data)
{
    HookClient *client = g_new0(HookClient, 1);

    client->app = user_data;
    client->connection = g_object_ref(connection);
    client->input = g_data_input_stream_new(g_io_stream_get_input_stream(G_IO_STREAM(connection)));
    g_data_input_stream_set_newline_type(client->input, G_DATA_STREAM_NEWLINE_TYPE_LF);
    read_next(client);
    return TRUE;
}

gboolean
gui_test_hook_start(GuiApp *app)
{
    const char *path = g_getenv("LIBERVIA_DESKTOP_TEST_SOCKET");
    g_autoptr(GError) error = NULL;

    if (path == NULL || *path == '\0')
        return TRUE;
    g_autoptr(GSocketAddress) address = g_unix_socket_address_new(path);
    service = g_socket_service_new();
    if (!g_socket_listener_add_address(G_SOCKET_LISTENER(service), address, G_SOCKET_TYPE_STREAM,
                                       G_SOCKET_PROTOCOL_DEFAULT, NULL, NULL, &error)) {
        g_warning("test socket %s: %s", path, error->message);
        g_clear_object(&service);
        return FALSE;
    }
    g_signal_connect(service, "incoming", G_CALLBACK(on_incoming), app);
    g_socket_service_start(service);
    return TRUE;
}

void
gui_test_hook_stop(void)
{
    if (service == NULL)
        return;
    g_socket_service_stop(service);
    g_socket_listener_close(G_SOCKET_LISTENER(service));
    g_clear_object(&service);
}
