/* lv-bridge-embedded: the backend inside the frontend process.
 *
 * The backend is loaded from libervia-embedded.so only now (see
 * lv-embedded-module.h); calls go straight to its dispatcher on this thread's
 * main context, signals come back through a sink.
 */
#include "config.h"

#include "lv-bridge-private.h"
#include "lv-embedded-module.h"
#include "lv-error.h"
#include "lv-module.h"

typedef struct {
    const LvEmbeddedApi *api;
    gpointer backend;
    LvBridge *bridge;
} LvBridgeEmbedded;

static void
bridge_embedded_free(gpointer impl)
{
    LvBridgeEmbedded *self = impl;

    g_clear_pointer(&self->backend, self->api->stop);
    g_free(self);
}

static void
on_reply(GVariant *result, GError *error, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;

    if (error != NULL)
        g_task_return_error(task, error);
    else
        g_task_return_pointer(task, result, (GDestroyNotify)g_variant_unref);
}

static void
bridge_embedded_call(LvBridge *bridge, const char *method, const char *interface_name,
                     GVariant *params, const GVariantType *reply_type, GTask *task)
{
    LvBridgeEmbedded *self = lv_bridge_get_impl(bridge);

    /* The reply type lives in the task's data, which outlives the invocation. */
    self->api->call(self->backend, method, params, reply_type, on_reply, task);
}

static void
relay_signal(const char *name, GVariant *params, gpointer user_data)
{
    LvBridgeEmbedded *self = user_data;

    lv_bridge_deliver_signal(self->bridge, name, params);
}

static void
bridge_embedded_watch_signals(LvBridge *bridge)
{
    LvBridgeEmbedded *self = lv_bridge_get_impl(bridge);

    self->api->watch_signals(self->backend, relay_signal, self);
}

static const LvBridgeTransport embedded_transport = {
    bridge_embedded_call,
    bridge_embedded_watch_signals,
    bridge_embedded_free,
};

void
lv_bridge_embedded_new_async(LvConfig *config, GTask *task)
{
    g_autoptr(GTask) owned = task;
    g_autoptr(GError) error = NULL;
    const LvEmbeddedApi *api =
            lv_module_load(LV_EMBEDDED_MODULE_NAME, LV_EMBEDDED_ENTRY, LV_EMBEDDED_ABI, &error);
    gpointer backend = api != NULL ? api->start(config, &error) : NULL;

    if (backend == NULL) {
        g_prefix_error(&error, "cannot start the embedded backend: ");
        g_task_return_error(task, g_steal_pointer(&error));
        return;
    }
    LvBridgeEmbedded *self = g_new0(LvBridgeEmbedded, 1);
    self->api = api;
    self->backend = backend;
    self->bridge = lv_bridge_new_internal(LV_BRIDGE_MODE_EMBEDDED, &embedded_transport, self);
    g_task_return_pointer(task, self->bridge, (GDestroyNotify)lv_bridge_free);
}
