/* gui-file: sending files: chosen in a file chooser or dropped on a conversation,
 * uploaded by the backend (fileUpload, HTTP File Upload), shown with a progress
 * bar, and the URL sent as a message once progressFinished gives it.
 * The end of a transfer comes by signal (progressFinished, progressError); its
 * position does not: Libervia's bridge has no progress-update signal, frontends
 * ask progressGet. So the bar's transfer is polled, and only while its row is
 * shown (the timer goes with the row). progressStarted is not needed: it comes
 * before fileUpload's reply, which gives the id this frontend follows. */
#include <json-glib/json-glib.h>

#include "gui-a11y.h"
#include "gui-views.h"

#define POLL_MS 250

typedef struct {
    GuiFiles *files;
    char *id; /* NULL until fileUpload answered */
    char *to_jid;
    gboolean room;
    GtkWidget *row;
    GtkWidget *bar;
    guint timer;
} GuiTransfer;

struct _GuiFiles {
    GuiApp *app;
    GtkWidget *box;
    GHashTable *by_id; /* progress id → GuiTransfer */
};

static void
transfer_free(GuiTransfer *transfer)
{
    g_clear_handle_id(&transfer->timer, g_source_remove);
    g_free(transfer->id);
    g_free(transfer->to_jid);
    g_free(transfer);
}

static void
end_transfer(GuiFiles *files, GuiTransfer *transfer)
{
    gtk_box_remove(GTK_BOX(files->box), transfer->row);
    g_hash_table_remove(files->by_id, transfer->id);
}

static void
on_progress(GuiApp *app, GVariant *reply, const GError *error, gpointer user_data)
{
    GuiFiles *files = app->files;
    g_autofree char *id = user_data;
    GuiTransfer *transfer = files != NULL ? g_hash_table_lookup(files->by_id, id) : NULL;
    const char *position = NULL;
    const char *size = NULL;

    if (reply == NULL || transfer == NULL)
        return;
    g_autoptr(GVariant) progress = g_variant_get_child_value(reply, 0);
    if (g_variant_lookup(progress, "position", "&s", &position) &&
        g_variant_lookup(progress, "size", "&s", &size) && g_ascii_strtod(size, NULL) > 0)
        gtk_progress_bar_set_fraction(GTK_PROGRESS_BAR(transfer->bar),
                                      g_ascii_strtod(position, NULL) / g_ascii_strtod(size, NULL));
}

static gboolean
poll_progress(gpointer user_data)
{
    GuiTransfer *transfer = user_data;
    GuiApp *app = transfer->files->app;

    gui_app_call_quiet(app, "progressGet", g_variant_new("(ss)", transfer->id, app->profile),
                       on_progress, g_strdup(transfer->id));
    return G_SOURCE_CONTINUE;
}

static void
send_url(GuiFiles *files, GuiTransfer *transfer, const char *url)
{
    GuiApp *app = files->app;
    GVariantBuilder body;
    g_autoptr(JsonBuilder) builder = json_builder_new();

    json_builder_begin_object(builder);
    json_builder_set_member_name(builder, "oob_url");
    json_builder_add_string_value(builder, url);
    json_builder_end_object(builder);
    g_autoptr(JsonNode) root = json_builder_get_root(builder);
    g_autofree char *extra = json_to_string(root, FALSE);
    g_variant_builder_init(&body, G_VARIANT_TYPE("a{ss}"));
    g_variant_builder_add(&body, "{ss}", "", url);
    gui_app_call(app, "messageSend",
                 g_variant_new("(sa{ss}@a{ss}sss)", transfer->to_jid, &body,
                               g_variant_new_array(G_VARIANT_TYPE("{ss}"), NULL, 0),
                               transfer->room ? "groupchat" : "chat", extra, app->profile),
                 NULL, NULL);
}

void
gui_files_on_signal(GuiFiles *files, const char *name, GVariant *params)
{
    const char *id = NULL;

    if (!g_str_has_prefix(name, "progress"))
        return;
    g_variant_get_child(params, 0, "&s", &id);
    GuiTransfer *transfer = g_hash_table_lookup(files->by_id, id);
    if (transfer == NULL)
        return;
    if (g_str_equal(name, "progressFinished")) {
        g_autoptr(GVariant) metadata = g_variant_get_child_value(params, 1);
        const char *url = NULL;
        if (g_variant_lookup(metadata, "url", "&s", &url))
            send_url(files, transfer, url);
        end_transfer(files, transfer);
    } else if (g_str_equal(name, "progressError")) {
        const char *message = NULL;
        g_variant_get_child(params, 1, "&s", &message);
        gui_app_show_error(files->app, "The file was not sent: %s", message);
        end_transfer(files, transfer);
    }
}

static void
on_uploading(GuiApp *app, GVariant *reply, const GError *error, gpointer user_data)
{
    GuiTransfer *transfer = user_data;
    GuiFiles *files = app->files;
    const char *id = NULL;

    if (files == NULL) {
        transfer_free(transfer);
        return;
    }
    if (reply == NULL) {
        gtk_box_remove(GTK_BOX(files->box), transfer->row);
        transfer_free(transfer);
        return;
    }
    g_autoptr(GVariant) data = g_variant_get_child_value(reply, 0);
    if (!g_variant_lookup(data, "progress", "&s", &id)) {
        gui_app_show_error(app, "fileUpload: the backend gave no progress id");
        gtk_box_remove(GTK_BOX(files->box), transfer->row);
        transfer_free(transfer);
        return;
    }
    transfer->id = g_strdup(id);
    g_hash_table_insert(files->by_id, transfer->id, transfer);
    transfer->timer = g_timeout_add(POLL_MS, poll_progress, transfer);
}

static void
send_file(GuiFiles *files, GFile *file, const char *to_jid, gboolean room)
{
    GuiApp *app = files->app;
    g_autofree char *path = g_file_get_path(file);
    g_autofree char *name = g_file_get_basename(file);

    if (path == NULL) {
        gui_app_show_error(app, "Only local files can be sent");
        return;
    }
    GuiTransfer *transfer = g_new0(GuiTransfer, 1);
    g_autofree char *text = g_strdup_printf("Sending %s to %s", name, to_jid);
    transfer->files = files;
    transfer->to_jid = g_strdup(to_jid);
    transfer->room = room;
    transfer->row = gtk_box_new(GTK_ORIENTATION_VERTICAL, 2);
    transfer->bar = gtk_progress_bar_new();
    gtk_progress_bar_set_text(GTK_PROGRESS_BAR(transfer->bar), text);
    gtk_progress_bar_set_show_text(GTK_PROGRESS_BAR(transfer->bar), TRUE);
    gui_a11y_label(transfer->bar, text);
    gtk_box_append(GTK_BOX(transfer->row), transfer->bar);
    gtk_box_append(GTK_BOX(files->box), transfer->row);
    gui_app_call(app, "fileUpload", g_variant_new("(sssss)", path, "", "", "{}", app->profile),
                 on_uploading, transfer);
}

typedef struct {
    GuiFiles *files;
    char *to_jid;
    gboolean room;
} GuiFileTarget;

static void
target_free(gpointer data, GClosure *closure)
{
    GuiFileTarget *target = data;

    g_free(target->to_jid);
    g_free(target);
}

static void
on_chosen(GtkNativeDialog *dialog, int response, gpointer user_data)
{
    GuiFileTarget *target = user_data;

    if (response == GTK_RESPONSE_ACCEPT) {
        g_autoptr(GFile) file = gtk_file_chooser_get_file(GTK_FILE_CHOOSER(dialog));
        if (file != NULL)
            send_file(target->files, file, target->to_jid, target->room);
    }
    g_object_unref(dialog);
}

void
gui_files_choose(GuiFiles *files, const char *to_jid, gboolean room)
{
    GtkFileChooserNative *chooser = gtk_file_chooser_native_new(
            "Send a file", files->app->window, GTK_FILE_CHOOSER_ACTION_OPEN, "_Send", "_Cancel");
    GuiFileTarget *target = g_new0(GuiFileTarget, 1);

    target->files = files;
    target->to_jid = g_strdup(to_jid);
    target->room = room;
    gtk_native_dialog_set_modal(GTK_NATIVE_DIALOG(chooser), TRUE);
    g_signal_connect_data(chooser, "response", G_CALLBACK(on_chosen), target, target_free, 0);
    gtk_native_dialog_show(GTK_NATIVE_DIALOG(chooser));
}

static gboolean
on_drop(GtkDropTarget *drop, const GValue *value, double x, double y, gpointer user_data)
{
    GuiFileTarget *target = user_data;

    if (!G_VALUE_HOLDS(value, GDK_TYPE_FILE_LIST))
        return FALSE;
    /* The list is ours (transfer container), its files the GdkFileList's. */
    GSList *list = gdk_file_list_get_files(g_value_get_boxed(value));
    for (GSList *l = list; l != NULL; l = l->next)
        send_file(target->files, l->data, target->to_jid, target->room);
    g_slist_free(list);
    return TRUE;
}

void
gui_files_add_drop_target(GuiFiles *files, GtkWidget *widget, const char *to_jid, gboolean room)
{
    GtkDropTarget *drop = gtk_drop_target_new(GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
    GuiFileTarget *target = g_new0(GuiFileTarget, 1);

    target->files = files;
    target->to_jid = g_strdup(to_jid);
    target->room = room;
    g_signal_connect_data(drop, "drop", G_CALLBACK(on_drop), target, target_free, 0);
    gtk_widget_add_controller(widget, GTK_EVENT_CONTROLLER(drop));
}

GuiFiles *
gui_files_new(GuiApp *app)
{
    GuiFiles *files = g_new0(GuiFiles, 1);

    files->app = app;
    files->box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 4);
    gtk_widget_set_margin_start(files->box, 6);
    gtk_widget_set_margin_end(files->box, 6);
    files->by_id =
            g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)transfer_free);
    return files;
}

GtkWidget *
gui_files_get_widget(GuiFiles *files)
{
    return files->box;
}

void
gui_files_free(GuiFiles *files)
{
    if (files == NULL)
        return;
    g_hash_table_destroy(files->by_id);
    g_free(files);
}
