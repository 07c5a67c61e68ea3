/* lv-bridge-embedded: the backend inside the frontend process.
 *
 * The one place where frontend and backend code meet: calls go straight to the
 * backend's dispatcher on this thread's main context, signals come back through a
 * sink. It takes the same single-instance lock as the daemon, so one embedded
 * frontend and no daemon can run for a user at a time.
 */
#include "lv-backend.h"
#include "lv-bridge-private.h"
#include "lv-instance-lock.h"

typedef struct {
    LvBackend *backend;
    LvInstanceLock *lock;
    guint sink_id;
    LvBridge *bridge;
} LvBridgeEmbedded;

static void
bridge_embedded_free(gpointer impl)
{
    LvBridgeEmbedded *self = impl;

    if (self->sink_id != 0)
        lv_backend_remove_signal_sink(self->backend, self->sink_id);
    g_clear_pointer(&self->backend, lv_backend_free);
    g_clear_pointer(&self->lock, lv_instance_lock_release);
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
    lv_backend_dispatch(self->backend,
                        lv_invocation_new(method, params, reply_type, on_reply, task));
}

static void
relay_signal(const char *interface_name, const char *name, GVariant *params, gpointer user_data)
{
    LvBridgeEmbedded *self = user_data;

    lv_bridge_deliver_signal(self->bridge, name, params);
}

static void
bridge_embedded_watch_signals(LvBridge *bridge)
{
    LvBridgeEmbedded *self = lv_bridge_get_impl(bridge);

    self->sink_id = lv_backend_add_signal_sink(self->backend, relay_signal, self);
}

static const LvBridgeTransport embedded_transport = {
    bridge_embedded_call,
    bridge_embedded_watch_signals,
    bridge_embedded_free,
};

static LvBridgeEmbedded *
start_backend(LvConfig *config, GError **error)
{
    g_autofree char *pid_dir = lv_config_dup_string(config, "DEFAULT", "pid_dir", error);
    if (pid_dir == NULL)
        return NULL;
    g_autofree char *pid_file = lv_instance_lock_dup_path(pid_dir);
    g_autoptr(LvBackend) backend = lv_backend_new(config, error);
    if (backend == NULL)
        return NULL;
    g_autoptr(LvInstanceLock) lock = lv_instance_lock_acquire(pid_file, error);
    if (lock == NULL || !lv_backend_start(backend, error))
        return NULL;

    LvBridgeEmbedded *self = g_new0(LvBridgeEmbedded, 1);
    self->backend = g_steal_pointer(&backend);
    self->lock = g_steal_pointer(&lock);
    return self;
}

void
lv_bridge_embedded_new_async(LvConfig *config, GTask *task)
{
    g_autoptr(GTask) owned = task;
    g_autoptr(GError) error = NULL;
    LvBridgeEmbedded *self = start_backend(config, &error);

    if (self == NULL) {
        g_prefix_error(&error, "cannot start the embedded backend: ");
        g_task_return_error(task, g_steal_pointer(&error));
        return;
    }
    self->bridge = lv_bridge_new_internal(LV_BRIDGE_MODE_EMBEDDED, &embedded_transport, self);
    g_task_return_pointer(task, self->bridge, (GDestroyNotify)lv_bridge_free);
}
