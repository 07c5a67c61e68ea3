/* tui-notify: desktop notifications or the bell (see tui-notify.h). The
 * owner of the notification name is watched and the call is asynchronous: nothing
 * waits for the bus. Without a server (no session bus, nobody owns the name), or
 * when the call fails, the bell rings instead. */
#include "tui-notify.h"

#include <gio/gio.h>

#include "lv-error.h"
#include "tui-text.h"

#define NOTIFY_NAME "org.freedesktop.Notifications"
#define NOTIFY_PATH "/org/freedesktop/Notifications"

typedef enum {
    NOTIFY_AUTO,
    NOTIFY_DESKTOP,
    NOTIFY_BELL,
    NOTIFY_NONE,
} NotifyMode;

struct _TuiNotify {
    NotifyMode mode;
    TuiBellFunc bell;
    gpointer bell_data;
    guint watch;             /* of NOTIFY_NAME on the session bus */
    GDBusConnection *server; /* while a server owns the name, else NULL */
    guint32 last_id;         /* replaced by the next notification, not stacked */
    GCancellable *cancellable;
};

/* The name's owner is followed, not asked at each message: nothing waits for the
 * bus, and a notification server that starts or stops later is noticed. */
static void
on_server_appeared(GDBusConnection *connection, const char *name, const char *owner,
                   gpointer user_data)
{
    TuiNotify *notify = user_data;

    g_set_object(&notify->server, connection);
}

static void
on_server_vanished(GDBusConnection *connection, const char *name, gpointer user_data)
{
    TuiNotify *notify = user_data;

    g_clear_object(&notify->server);
}

TuiNotify *
tui_notify_new(LvConfig *config, TuiBellFunc bell, gpointer bell_data, GError **error)
{
    static const char *const names[] = { "auto", "desktop", "bell", "none" };
    g_autofree char *value = config != NULL ? lv_config_dup_string(config, "tui", "notify", error)
                                            : g_strdup("auto");
    TuiNotify *notify = NULL;

    if (value == NULL && error != NULL && *error != NULL)
        return NULL;
    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        if (g_strcmp0(value != NULL ? value : "auto", names[i]) == 0) {
            notify = g_new0(TuiNotify, 1);
            notify->mode = (NotifyMode)i;
        }
    }
    if (notify == NULL) {
        g_set_error(error, LV_ERROR, LV_ERROR_CONFIG,
                    "[tui] notify = %s: use auto, desktop, bell or none", value);
        return NULL;
    }
    notify->bell = bell;
    notify->bell_data = bell_data;
    notify->cancellable = g_cancellable_new();
    /* desktop: a server that D-Bus can start is started. */
    if (notify->mode == NOTIFY_AUTO || notify->mode == NOTIFY_DESKTOP)
        notify->watch = g_bus_watch_name(G_BUS_TYPE_SESSION, NOTIFY_NAME,
                                         notify->mode == NOTIFY_DESKTOP
                                                 ? G_BUS_NAME_WATCHER_FLAGS_AUTO_START
                                                 : G_BUS_NAME_WATCHER_FLAGS_NONE,
                                         on_server_appeared, on_server_vanished, notify, NULL);
    return notify;
}

void
tui_notify_free(TuiNotify *notify)
{
    if (notify == NULL)
        return;
    if (notify->watch != 0)
        g_bus_unwatch_name(notify->watch);
    g_clear_object(&notify->server);
    /* A reply still on its way finds the cancellable cancelled, not freed memory. */
    g_cancellable_cancel(notify->cancellable);
    g_object_unref(notify->cancellable);
    g_free(notify);
}

static void
ring(TuiNotify *notify)
{
    if (notify->bell != NULL)
        notify->bell(notify->bell_data);
}

static void
on_notified(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) reply =
            g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);

    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    TuiNotify *notify = user_data;
    if (reply == NULL) {
        ring(notify);
        return;
    }
    g_variant_get(reply, "(u)", &notify->last_id);
}

void
tui_notify_send(TuiNotify *notify, const char *title, const char *body)
{
    if (notify->mode == NOTIFY_NONE)
        return;
    if (notify->server == NULL) {
        ring(notify);
        return;
    }
    /* The body is markup for many servers: network text is escaped. */
    g_autofree char *clean = tui_text_sanitize(body, TUI_TEXT_KEEP_NEWLINES);
    g_autofree char *escaped = g_markup_escape_text(clean, -1);
    g_autofree char *clean_title = tui_text_sanitize(title, TUI_TEXT_FLAGS_NONE);
    GVariantBuilder actions, hints;
    g_variant_builder_init(&actions, G_VARIANT_TYPE("as"));
    g_variant_builder_init(&hints, G_VARIANT_TYPE("a{sv}"));
    g_dbus_connection_call(notify->server, NOTIFY_NAME, NOTIFY_PATH, NOTIFY_NAME, "Notify",
                           g_variant_new("(susssasa{sv}i)", "Libervia", notify->last_id, "",
                                         clean_title, escaped, &actions, &hints, (gint32)-1),
                           G_VARIANT_TYPE("(u)"), G_DBUS_CALL_FLAGS_NO_AUTO_START, 5000,
                           notify->cancellable, on_notified, notify);
}
