/* gui-app: application, window, bridge calls and signal routing (see header). */
#include "config.h"

#include <stdio.h>

#include "gui-a11y.h"
#include "gui-app.h"
#include "gui-test-hook.h"
#include "gui-views.h"
#include "lv-error.h"

#define APP_ID "org.libervia.Desktop"

typedef struct {
    GuiApp *app;
    char *method;
    GuiReplyFunc func;
    gpointer user_data;
    gboolean quiet;
} GuiCall;

static GuiApp the_app;

void
gui_app_show_error(GuiApp *app, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    g_autofree char *text = g_strdup_vprintf(format, args);
    va_end(args);
    g_message("%s", text);
    if (app->window == NULL) /* closing: the label went with the window */
        return;
    gtk_label_set_text(GTK_LABEL(app->error_label), text);
    gtk_widget_set_visible(app->error_label, TRUE);
}

static void
on_call_reply(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GuiCall *call = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) reply = lv_bridge_call_finish(call->app->bridge, result, &error);

    /* Shutting down: the views the reply was for may be gone. */
    if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        if (reply == NULL && !call->quiet)
            gui_app_show_error(call->app, "%s: %s", call->method, error->message);
        if (call->func != NULL)
            call->func(call->app, reply, error, call->user_data);
    }
    g_free(call->method);
    g_free(call);
}

static void
call(GuiApp *app, const char *method, GVariant *params, GuiReplyFunc func, gpointer user_data,
     gboolean quiet)
{
    GuiCall *c = g_new0(GuiCall, 1);

    c->app = app;
    c->method = g_strdup(method);
    c->func = func;
    c->user_data = user_data;
    c->quiet = quiet;
    lv_bridge_call(app->bridge, method, params, app->cancel, on_call_reply, c);
}

void
gui_app_call(GuiApp *app, const char *method, GVariant *params, GuiReplyFunc func,
             gpointer user_data)
{
    call(app, method, params, func, user_data, FALSE);
}

void
gui_app_call_quiet(GuiApp *app, const char *method, GVariant *params, GuiReplyFunc func,
                   gpointer user_data)
{
    call(app, method, params, func, user_data, TRUE);
}

/* Signals of other profiles are not ours to show: the profile is the last argument
 * of every per-profile signal. */
static gboolean
is_for_us(GuiApp *app, GVariant *params)
{
    gsize n = g_variant_n_children(params);

    if (n == 0 || app->profile == NULL)
        return FALSE;
    g_autoptr(GVariant) last = g_variant_get_child_value(params, n - 1);
    return g_variant_is_of_type(last, G_VARIANT_TYPE_STRING) &&
           g_strcmp0(g_variant_get_string(last, NULL), app->profile) == 0;
}

static void
on_signal(LvBridge *bridge, const char *name, GVariant *params, gpointer user_data)
{
    GuiApp *app = user_data;

    if (!is_for_us(app, params) || app->contacts == NULL)
        return;
    gui_status_on_signal(app->status, name, params);
    gui_contacts_on_signal(app->contacts, name, params);
    gui_chats_on_signal(app->chats, name, params);
    gui_files_on_signal(app->files, name, params);
}

static void
on_bridge(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GuiApp *app = user_data;
    g_autoptr(GError) error = NULL;

    app->bridge = lv_bridge_new_finish(result, &error);
    if (app->bridge == NULL) {
        gui_app_show_error(app, "Cannot reach the Libervia backend: %s", error->message);
        return;
    }
    lv_bridge_signal_subscribe(app->bridge, on_signal, app, NULL);
    gui_login_refresh(gtk_stack_get_child_by_name(app->pages, "login"), app);
}

static void
on_open_chat(GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
    GuiApp *app = user_data;

    if (app->window == NULL)
        return;
    gtk_window_present(app->window);
    if (app->chats != NULL)
        gui_chats_open(app->chats, g_variant_get_string(parameter, NULL), FALSE);
}

static void
on_join_room(GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
    gui_room_join_dialog(user_data);
}

static void
on_quit(GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
    GuiApp *app = user_data;

    if (app->window != NULL)
        gtk_window_close(app->window);
}

static const GActionEntry app_actions[] = {
    { "open-chat", on_open_chat, "s", NULL, NULL, { 0 } },
    { "join-room", on_join_room, NULL, NULL, NULL, { 0 } },
    { "quit", on_quit, NULL, NULL, NULL, { 0 } },
};

static gboolean
on_close_request(GtkWindow *window, gpointer user_data)
{
    gui_window_state_save(window);
    return FALSE;
}

static GtkWidget *
build_error_line(GuiApp *app)
{
    app->error_label = gtk_label_new(NULL);
    gtk_label_set_wrap(GTK_LABEL(app->error_label), TRUE);
    gtk_label_set_xalign(GTK_LABEL(app->error_label), 0);
    gtk_widget_add_css_class(app->error_label, "error");
    gtk_widget_set_margin_start(app->error_label, 12);
    gtk_widget_set_margin_end(app->error_label, 12);
    gtk_widget_set_visible(app->error_label, FALSE);
    gui_a11y_label(app->error_label, "Error");
    return app->error_label;
}

static void
build_window(GuiApp *app)
{
    GtkWidget *window = adw_application_window_new(GTK_APPLICATION(app->application));
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
    GtkWidget *header = adw_header_bar_new();

    app->window = GTK_WINDOW(window);
    /* The window goes before shutdown: views that watch it check it is still there. */
    g_object_add_weak_pointer(G_OBJECT(window), (gpointer *)&app->window);
    gtk_window_set_title(app->window, "Libervia");
    gui_a11y_label(window, "Libervia");
    gui_window_state_restore(app->window);
    g_signal_connect(window, "close-request", G_CALLBACK(on_close_request), app);
    gtk_box_append(GTK_BOX(box), header);
    app->status = gui_status_new(app);
    gtk_box_append(GTK_BOX(box), gui_status_get_widget(app->status));
    gtk_box_append(GTK_BOX(box), build_error_line(app));
    app->pages = GTK_STACK(gtk_stack_new());
    gtk_widget_set_vexpand(GTK_WIDGET(app->pages), TRUE);
    gtk_stack_add_named(app->pages, gui_login_new(app), "login");
    gtk_box_append(GTK_BOX(box), GTK_WIDGET(app->pages));
    adw_application_window_set_content(ADW_APPLICATION_WINDOW(window), box);
}

void
gui_app_session_ready(GuiApp *app)
{
    GtkWidget *main_page = gtk_stack_get_child_by_name(app->pages, "main");

    if (main_page == NULL) {
        GtkWidget *paned = gtk_paned_new(GTK_ORIENTATION_HORIZONTAL);
        GtkWidget *right = gtk_box_new(GTK_ORIENTATION_VERTICAL, 0);
        app->contacts = gui_contacts_new(app);
        app->chats = gui_chats_new(app);
        app->files = gui_files_new(app);
        gtk_paned_set_start_child(GTK_PANED(paned), gui_contacts_get_widget(app->contacts));
        gtk_paned_set_shrink_start_child(GTK_PANED(paned), FALSE);
        gtk_paned_set_position(GTK_PANED(paned), 300);
        gtk_box_append(GTK_BOX(right), gui_chats_get_widget(app->chats));
        gtk_box_append(GTK_BOX(right), gui_files_get_widget(app->files));
        gtk_paned_set_end_child(GTK_PANED(paned), right);
        gtk_stack_add_named(app->pages, paned, "main");
    }
    gtk_stack_set_visible_child_name(app->pages, "main");
    gui_status_set_connected(app->status, TRUE);
    gui_contacts_load(app->contacts);
}

static void
on_startup(GApplication *application, gpointer user_data)
{
    GuiApp *app = user_data;
    g_autoptr(GError) error = NULL;
    const char *quit_accels[] = { "<Control>q", NULL };
    const char *join_accels[] = { "<Control>j", NULL };

    g_action_map_add_action_entries(G_ACTION_MAP(application), app_actions,
                                    G_N_ELEMENTS(app_actions), app);
    gtk_application_set_accels_for_action(GTK_APPLICATION(application), "app.quit", quit_accels);
    gtk_application_set_accels_for_action(GTK_APPLICATION(application), "app.join-room",
                                          join_accels);
    app->cancel = g_cancellable_new();
    /* Light or dark as the desktop prefers (light when it says nothing). */
    adw_style_manager_set_color_scheme(adw_style_manager_get_default(),
                                       ADW_COLOR_SCHEME_PREFER_LIGHT);
    build_window(app);
    gui_test_hook_start(app);
    app->config = lv_config_new(&error);
    if (app->config == NULL) {
        gui_app_show_error(app, "Configuration: %s", error->message);
        return;
    }
    lv_bridge_new_async(app->config, app->cancel, on_bridge, app);
}

static void
on_activate(GApplication *application, gpointer user_data)
{
    GuiApp *app = user_data;

    if (app->window != NULL)
        gtk_window_present(app->window);
}

static void
on_shutdown(GApplication *application, gpointer user_data)
{
    GuiApp *app = user_data;

    g_cancellable_cancel(app->cancel);
    gui_test_hook_stop();
    g_clear_pointer(&app->chats, gui_chats_free);
    g_clear_pointer(&app->contacts, gui_contacts_free);
    g_clear_pointer(&app->files, gui_files_free);
    g_clear_pointer(&app->status, gui_status_free);
    g_clear_pointer(&app->bridge, lv_bridge_free);
    g_clear_pointer(&app->config, lv_config_unref);
    g_clear_object(&app->cancel);
    g_clear_pointer(&app->profile, g_free);
    g_clear_pointer(&app->own_jid, g_free);
}

static gint
on_local_options(GApplication *application, GVariantDict *options, gpointer user_data)
{
    if (g_variant_dict_contains(options, "version")) {
        printf("libervia-desktop (libervia-c) %s\nThe desktop frontend of the Libervia XMPP "
               "suite (GTK 4).\n",
               PACKAGE_VERSION);
        return 0;
    }
    return -1;
}

static const GOptionEntry options[] = {
    { "version", 'v', 0, G_OPTION_ARG_NONE, NULL, "Show the version and exit", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
};

int
gui_app_run(int argc, char **argv)
{
    GuiApp *app = &the_app;

    /* One window per run: a second instance would share the first one's
     * session through D-Bus, which the backend already gives every frontend. */
    app->application = adw_application_new(APP_ID, G_APPLICATION_NON_UNIQUE);
    g_application_add_main_option_entries(G_APPLICATION(app->application), options);
    g_application_set_option_context_summary(
            G_APPLICATION(app->application),
            "The desktop frontend of the Libervia XMPP suite. It talks to the Libervia\n"
            "backend over D-Bus (started by D-Bus activation when missing), or runs it\n"
            "inside itself with `bridge = embedded` in libervia.conf.\n"
            "Keys: Enter sends, Shift+Enter starts a new line, Ctrl+F searches the\n"
            "contacts, Ctrl+J joins a room, Ctrl+Q quits.");
    g_signal_connect(app->application, "handle-local-options", G_CALLBACK(on_local_options), app);
    g_signal_connect(app->application, "startup", G_CALLBACK(on_startup), app);
    g_signal_connect(app->application, "activate", G_CALLBACK(on_activate), app);
    g_signal_connect(app->application, "shutdown", G_CALLBACK(on_shutdown), app);
    int status = g_application_run(G_APPLICATION(app->application), argc, argv);
    g_clear_object(&app->application);
    return status;
}
