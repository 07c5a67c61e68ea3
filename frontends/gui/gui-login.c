/* gui-login: the profile chooser and its password. The session is started with
 * profileStartSession (a wrong password is asked again, here), then the profile
 * connected; the password lives only in the entry and the two calls. */
#include "gui-a11y.h"
#include "gui-views.h"
#include "lv-error.h"

typedef struct {
    GuiApp *app;
    GtkStringList *profiles;
    GtkWidget *chooser;
    GtkWidget *password;
    GtkWidget *button;
    GtkWidget *message;
    GtkWidget *spinner;
    char *profile; /* being logged in */
} GuiLogin;

static void
login_free(gpointer data)
{
    GuiLogin *login = data;

    g_free(login->profile);
    g_free(login);
}

static void
set_busy(GuiLogin *login, gboolean busy, const char *message)
{
    gtk_widget_set_sensitive(login->button, !busy);
    gtk_widget_set_sensitive(login->password, !busy);
    gtk_spinner_set_spinning(GTK_SPINNER(login->spinner), busy);
    gtk_label_set_text(GTK_LABEL(login->message), message != NULL ? message : "");
}

static void
on_session_infos(GuiApp *app, GVariant *reply, const GError *error, gpointer user_data)
{
    GuiLogin *login = user_data;
    const char *jid = NULL;

    set_busy(login, FALSE, NULL);
    if (reply == NULL)
        return;
    g_autoptr(GVariant) infos = g_variant_get_child_value(reply, 0);
    if (g_variant_lookup(infos, "jid", "&s", &jid)) {
        g_free(app->own_jid);
        const char *slash = strchr(jid, '/');
        app->own_jid = slash != NULL ? g_strndup(jid, slash - jid) : g_strdup(jid);
    }
    gtk_editable_set_text(GTK_EDITABLE(login->password), "");
    gui_app_session_ready(app);
}

static void
on_connected(GuiApp *app, GVariant *reply, const GError *error, gpointer user_data)
{
    GuiLogin *login = user_data;

    if (reply == NULL) {
        set_busy(login, FALSE, error->message);
        return;
    }
    gui_app_call(app, "sessionInfosGet", g_variant_new("(s)", app->profile), on_session_infos,
                 login);
}

static void
on_session_started(GuiApp *app, GVariant *reply, const GError *error, gpointer user_data)
{
    GuiLogin *login = user_data;

    if (reply == NULL) {
        gboolean wrong = g_error_matches(error, LV_ERROR, LV_ERROR_PASSWORD);
        set_busy(login, FALSE, wrong ? "Wrong password for this profile" : error->message);
        gtk_widget_grab_focus(login->password);
        return;
    }
    g_free(app->profile);
    app->profile = g_strdup(login->profile);
    set_busy(login, TRUE, "Connecting…");
    /* connect needs the password only to start a session, which is started now. */
    gui_app_call_quiet(app, "connect",
                       g_variant_new("(ss@a{ss})", login->profile, "",
                                     g_variant_new_array(G_VARIANT_TYPE("{ss}"), NULL, 0)),
                       on_connected, login);
}

static void
on_log_in(GtkWidget *widget, gpointer user_data)
{
    GuiLogin *login = user_data;
    guint selected = gtk_drop_down_get_selected(GTK_DROP_DOWN(login->chooser));
    const char *profile = gtk_string_list_get_string(login->profiles, selected);

    if (profile == NULL || login->app->bridge == NULL) {
        set_busy(login, FALSE, "No profile to log in with: create one with `li profile create`");
        return;
    }
    g_free(login->profile);
    login->profile = g_strdup(profile);
    set_busy(login, TRUE, "Starting the session…");
    gui_app_call_quiet(
            login->app, "profileStartSession",
            g_variant_new("(ss)", gtk_editable_get_text(GTK_EDITABLE(login->password)), profile),
            on_session_started, login);
}

static void
on_profiles(GuiApp *app, GVariant *reply, const GError *error, gpointer user_data)
{
    GuiLogin *login = user_data;
    g_autofree const char **names = NULL;

    if (reply == NULL)
        return;
    g_variant_get(reply, "(^a&s)", &names);
    gtk_string_list_splice(login->profiles, 0,
                           g_list_model_get_n_items(G_LIST_MODEL(login->profiles)), names);
    if (names[0] == NULL)
        set_busy(login, FALSE, "No profile yet: create one with `li profile create`");
    gtk_widget_grab_focus(login->password);
}

void
gui_login_refresh(GtkWidget *page, GuiApp *app)
{
    GuiLogin *login = g_object_get_data(G_OBJECT(page), "gui-login");

    /* profilesListGet(clients, components): the accounts a person logs in with. */
    gui_app_call(app, "profilesListGet", g_variant_new("(bb)", TRUE, FALSE), on_profiles, login);
}

static GtkWidget *
labelled(const char *text, GtkWidget *widget)
{
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 4);
    GtkWidget *label = gtk_label_new_with_mnemonic(text);

    gtk_label_set_xalign(GTK_LABEL(label), 0);
    gtk_label_set_mnemonic_widget(GTK_LABEL(label), widget);
    gtk_box_append(GTK_BOX(box), label);
    gtk_box_append(GTK_BOX(box), widget);
    return box;
}

GtkWidget *
gui_login_new(GuiApp *app)
{
    GuiLogin *login = g_new0(GuiLogin, 1);
    GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 12);
    GtkWidget *title = gtk_label_new("Log in to Libervia");

    login->app = app;
    login->profiles = gtk_string_list_new(NULL);
    login->chooser = gtk_drop_down_new(G_LIST_MODEL(login->profiles), NULL);
    gui_a11y_label(login->chooser, "Profile");
    login->password = gtk_password_entry_new();
    gtk_password_entry_set_show_peek_icon(GTK_PASSWORD_ENTRY(login->password), TRUE);
    gui_a11y_label(login->password, "Profile password");
    g_signal_connect(login->password, "activate", G_CALLBACK(on_log_in), login);
    login->button = gtk_button_new_with_mnemonic("_Log in");
    gtk_widget_add_css_class(login->button, "suggested-action");
    gui_a11y_label(login->button, "Log in");
    g_signal_connect(login->button, "clicked", G_CALLBACK(on_log_in), login);
    login->spinner = gtk_spinner_new();
    login->message = gtk_label_new(NULL);
    gtk_label_set_wrap(GTK_LABEL(login->message), TRUE);
    gui_a11y_label(login->message, "Login status");

    gtk_widget_add_css_class(title, "title-1");
    gtk_widget_set_size_request(box, 320, -1);
    gtk_widget_set_halign(box, GTK_ALIGN_CENTER);
    gtk_widget_set_valign(box, GTK_ALIGN_CENTER);
    gtk_box_append(GTK_BOX(box), title);
    gtk_box_append(GTK_BOX(box), labelled("_Profile", login->chooser));
    gtk_box_append(GTK_BOX(box), labelled("Pass_word", login->password));
    gtk_box_append(GTK_BOX(box), login->button);
    gtk_box_append(GTK_BOX(box), login->spinner);
    gtk_box_append(GTK_BOX(box), login->message);
    g_object_set_data_full(G_OBJECT(box), "gui-login", login, login_free);
    return box;
}
