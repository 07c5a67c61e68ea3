/* lv-bridge: the transport-independent half of the frontend API: choosing the
 * transport, checking calls against the interface file, signal subscribers. */
#include "lv-bridge.h"

#include "lv-bridge-interface.h"
#include "lv-bridge-private.h"
#include "lv-error.h"

typedef struct {
    guint id;
    LvBridgeSignalFunc func;
    gpointer user_data;
    GDestroyNotify destroy;
} LvSubscriber;

struct _LvBridge {
    LvBridgeMode mode;
    const LvBridgeTransport *transport;
    gpointer impl;
    GArray *subscribers; /* LvSubscriber */
    guint next_id;
    gboolean watching;
};

LvBridge *
lv_bridge_new_internal(LvBridgeMode mode, const LvBridgeTransport *transport, gpointer impl)
{
    LvBridge *bridge = g_new0(LvBridge, 1);

    bridge->mode = mode;
    bridge->transport = transport;
    bridge->impl = impl;
    bridge->subscribers = g_array_new(FALSE, FALSE, sizeof(LvSubscriber));
    return bridge;
}

gpointer
lv_bridge_get_impl(LvBridge *bridge)
{
    return bridge->impl;
}

void
lv_bridge_new_async(LvConfig *config, GCancellable *cancellable, GAsyncReadyCallback callback,
                    gpointer user_data)
{
    GTask *task = g_task_new(NULL, cancellable, callback, user_data);
    g_autoptr(GError) error = NULL;
    g_autofree char *name = lv_config_dup_string(config, "DEFAULT", "bridge", &error);

    g_task_set_source_tag(task, lv_bridge_new_async);
    if (error != NULL) {
        g_task_return_error(task, g_steal_pointer(&error));
        g_object_unref(task);
    } else if (name == NULL || g_str_equal(name, "dbus")) {
        lv_bridge_dbus_new_async(task);
    } else if (g_str_equal(name, "embedded")) {
        lv_bridge_embedded_new_async(config, task);
    } else {
        g_task_return_new_error(task, LV_ERROR, LV_ERROR_CONFIG,
                                "bridge = %s is not supported: use dbus or embedded", name);
        g_object_unref(task);
    }
}

LvBridge *
lv_bridge_new_finish(GAsyncResult *result, GError **error)
{
    return g_task_propagate_pointer(G_TASK(result), error);
}

void
lv_bridge_free(LvBridge *bridge)
{
    if (bridge == NULL)
        return;
    for (guint i = 0; i < bridge->subscribers->len; i++) {
        LvSubscriber *s = &g_array_index(bridge->subscribers, LvSubscriber, i);
        if (s->destroy != NULL)
            s->destroy(s->user_data);
    }
    g_array_unref(bridge->subscribers);
    bridge->transport->free(bridge->impl);
    g_free(bridge);
}

LvBridgeMode
lv_bridge_get_mode(LvBridge *bridge)
{
    return bridge->mode;
}

void
lv_bridge_call(LvBridge *bridge, const char *method, GVariant *params, GCancellable *cancellable,
               GAsyncReadyCallback callback, gpointer user_data)
{
    GTask *task = g_task_new(NULL, cancellable, callback, user_data);
    g_autoptr(GVariant) args = g_variant_ref_sink(params != NULL ? params : g_variant_new("()"));
    const char *interface_name = NULL;
    GDBusMethodInfo *info = lv_bridge_interface_lookup_method(method, &interface_name);

    g_task_set_source_tag(task, lv_bridge_call);
    if (info == NULL) {
        g_task_return_new_error(task, LV_ERROR, LV_ERROR_INVALID_ARGUMENT,
                                "unknown bridge method %s", method);
        g_object_unref(task);
        return;
    }
    g_autoptr(GVariantType) in_type = lv_bridge_interface_dup_in_type(info);
    if (!g_variant_is_of_type(args, in_type)) {
        g_task_return_new_error(
                task, LV_ERROR, LV_ERROR_INVALID_ARGUMENT, "bridge method %s takes %.*s, not %s",
                method, (int)g_variant_type_get_string_length(in_type),
                g_variant_type_peek_string(in_type), g_variant_get_type_string(args));
        g_object_unref(task);
        return;
    }
    GVariantType *reply_type = lv_bridge_interface_dup_out_type(info);
    g_task_set_task_data(task, reply_type, (GDestroyNotify)g_variant_type_free);
    bridge->transport->call(bridge, method, interface_name, args, reply_type, task);
}

GVariant *
lv_bridge_call_finish(LvBridge *bridge, GAsyncResult *result, GError **error)
{
    return g_task_propagate_pointer(G_TASK(result), error);
}

guint
lv_bridge_signal_subscribe(LvBridge *bridge, LvBridgeSignalFunc func, gpointer user_data,
                           GDestroyNotify destroy)
{
    LvSubscriber subscriber = { ++bridge->next_id, func, user_data, destroy };

    g_array_append_val(bridge->subscribers, subscriber);
    if (!bridge->watching) {
        bridge->watching = TRUE;
        bridge->transport->watch_signals(bridge);
    }
    return subscriber.id;
}

void
lv_bridge_signal_unsubscribe(LvBridge *bridge, guint id)
{
    for (guint i = 0; i < bridge->subscribers->len; i++) {
        LvSubscriber subscriber = g_array_index(bridge->subscribers, LvSubscriber, i);
        if (subscriber.id == id) {
            g_array_remove_index(bridge->subscribers, i);
            if (subscriber.destroy != NULL)
                subscriber.destroy(subscriber.user_data);
            return;
        }
    }
}

void
lv_bridge_deliver_signal(LvBridge *bridge, const char *name, GVariant *params)
{
    /* A subscriber may unsubscribe from its callback: iterate over a copy. */
    g_autoptr(GArray) subscribers = g_array_copy(bridge->subscribers);

    for (guint i = 0; i < subscribers->len; i++) {
        LvSubscriber *s = &g_array_index(subscribers, LvSubscriber, i);
        s->func(bridge, name, params, s->user_data);
    }
}
