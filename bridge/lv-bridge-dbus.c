/* lv-bridge-dbus: the D-Bus transport, through the proxies generated from the
 * interface file. Calls go to the well-known name, so the bus starts the backend
 * by activation when it is not running. */

#include "lv-bridge-names.h"
#include "lv-bridge-private.h"
#include "lv-dbus-generated.h"
#include "lv-error.h"

/* Long enough for a backend started by activation and for slow server requests;
 * finite so that a wedged backend does not hang a script forever. */
#define CALL_TIMEOUT_MS (120 * 1000)

typedef struct {
    GDBusConnection *connection;
    GDBusProxy *core;
    GDBusProxy *plugin;
    guint signal_id;
    LvBridge *bridge;
} LvBridgeDBus;

static void
bridge_dbus_free(gpointer impl)
{
    LvBridgeDBus *self = impl;

    if (self->signal_id != 0)
        g_dbus_connection_signal_unsubscribe(self->connection, self->signal_id);
    g_clear_object(&self->core);
    g_clear_object(&self->plugin);
    g_clear_object(&self->connection);
    g_free(self);
}

static void
on_reply(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    g_autoptr(GError) error = NULL;
    GVariant *reply = g_dbus_proxy_call_finish(G_DBUS_PROXY(source), result, &error);

    if (reply == NULL) {
        g_task_return_error(task, lv_error_new_from_dbus(error));
        return;
    }
    const GVariantType *expected = g_task_get_task_data(task);
    if (!g_variant_is_of_type(reply, expected)) {
        /* Possible when talking to another backend than ours. */
        g_task_return_new_error(
                task, LV_ERROR, LV_ERROR_BRIDGE, "the backend answered %s where %.*s was expected",
                g_variant_get_type_string(reply), (int)g_variant_type_get_string_length(expected),
                g_variant_type_peek_string(expected));
        g_variant_unref(reply);
        return;
    }
    g_task_return_pointer(task, reply, (GDestroyNotify)g_variant_unref);
}

static void
bridge_dbus_call(LvBridge *bridge, const char *method, const char *interface_name, GVariant *params,
                 const GVariantType *reply_type, GTask *task)
{
    LvBridgeDBus *self = lv_bridge_get_impl(bridge);
    GDBusProxy *proxy =
            g_str_equal(interface_name, LV_BRIDGE_CORE_INTERFACE) ? self->core : self->plugin;

    g_dbus_proxy_call(proxy, method, params, G_DBUS_CALL_FLAGS_NONE, CALL_TIMEOUT_MS,
                      g_task_get_cancellable(task), on_reply, task);
}

static void
on_signal(GDBusConnection *connection, const char *sender, const char *object_path,
          const char *interface_name, const char *signal_name, GVariant *params, gpointer user_data)
{
    LvBridgeDBus *self = user_data;

    lv_bridge_deliver_signal(self->bridge, signal_name, params);
}

static void
bridge_dbus_watch_signals(LvBridge *bridge)
{
    LvBridgeDBus *self = lv_bridge_get_impl(bridge);

    /* Both interfaces: any member, from whoever owns the bus name now or later. */
    self->signal_id = g_dbus_connection_signal_subscribe(
            self->connection, LV_BRIDGE_BUS_NAME, NULL, NULL, LV_BRIDGE_OBJECT_PATH, NULL,
            G_DBUS_SIGNAL_FLAGS_NONE, on_signal, self, NULL);
}

static const LvBridgeTransport dbus_transport = {
    bridge_dbus_call,
    bridge_dbus_watch_signals,
    bridge_dbus_free,
};

/* Neither properties nor proxy-level signals are used; starting the backend is
 * left to the first call, so that creating the bridge stays cheap. */
#define PROXY_FLAGS                                                                                \
    (G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES | G_DBUS_PROXY_FLAGS_DO_NOT_CONNECT_SIGNALS |       \
     G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START_AT_CONSTRUCTION)

static void
on_plugin_proxy(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    LvBridgeDBus *self = g_task_get_task_data(task);
    g_autoptr(GError) error = NULL;

    self->plugin = G_DBUS_PROXY(lv_dbus_plugin_proxy_new_finish(result, &error));
    if (self->plugin == NULL) {
        bridge_dbus_free(self);
        g_task_return_error(task, lv_error_new_from_dbus(error));
        return;
    }
    LvBridge *bridge = lv_bridge_new_internal(LV_BRIDGE_MODE_DBUS, &dbus_transport, self);
    self->bridge = bridge;
    g_task_return_pointer(task, bridge, (GDestroyNotify)lv_bridge_free);
}

static void
on_core_proxy(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    LvBridgeDBus *self = g_task_get_task_data(task);
    g_autoptr(GError) error = NULL;

    self->core = G_DBUS_PROXY(lv_dbus_core_proxy_new_finish(result, &error));
    if (self->core == NULL) {
        bridge_dbus_free(self);
        g_task_return_error(task, lv_error_new_from_dbus(error));
        g_object_unref(task);
        return;
    }
    lv_dbus_plugin_proxy_new(self->connection, PROXY_FLAGS, LV_BRIDGE_BUS_NAME,
                             LV_BRIDGE_OBJECT_PATH, g_task_get_cancellable(task), on_plugin_proxy,
                             task);
}

static void
on_bus(GObject *source, GAsyncResult *result, gpointer user_data)
{
    GTask *task = user_data;
    g_autoptr(GError) error = NULL;
    GDBusConnection *connection = g_bus_get_finish(result, &error);

    if (connection == NULL) {
        g_task_return_new_error(task, LV_ERROR, LV_ERROR_BACKEND_NOT_FOUND,
                                "no D-Bus session bus: %s", error->message);
        g_object_unref(task);
        return;
    }
    LvBridgeDBus *self = g_new0(LvBridgeDBus, 1);
    self->connection = connection;
    /* Owned by the task's callbacks until it becomes the bridge's. */
    g_task_set_task_data(task, self, NULL);
    lv_dbus_core_proxy_new(connection, PROXY_FLAGS, LV_BRIDGE_BUS_NAME, LV_BRIDGE_OBJECT_PATH,
                           g_task_get_cancellable(task), on_core_proxy, task);
}

void
lv_bridge_dbus_new_async(GTask *task)
{
    g_bus_get(G_BUS_TYPE_SESSION, g_task_get_cancellable(task), on_bus, task);
}
