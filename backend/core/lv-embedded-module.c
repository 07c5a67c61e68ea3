/* lv-embedded-module: the backend's side of libervia-embedded.so (see
 * bridge/lv-embedded-module.h). It takes the same single-instance lock as the
 * daemon, so one embedded frontend and no daemon can run for a user at a time. */
#include "lv-embedded-module.h"

#include <gmodule.h>

#include "lv-backend.h"
#include "lv-instance-lock.h"

typedef struct {
    LvBackend *backend;
    LvInstanceLock *lock;
    guint sink_id;
    LvEmbeddedSignalFunc on_signal;
    gpointer signal_data;
} LvEmbedded;

static void
embedded_stop(gpointer handle)
{
    LvEmbedded *self = handle;

    if (self->sink_id != 0)
        lv_backend_remove_signal_sink(self->backend, self->sink_id);
    g_clear_pointer(&self->backend, lv_backend_free);
    g_clear_pointer(&self->lock, lv_instance_lock_release);
    g_free(self);
}

static gpointer
embedded_start(LvConfig *config, GError **error)
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

    LvEmbedded *self = g_new0(LvEmbedded, 1);
    self->backend = g_steal_pointer(&backend);
    self->lock = g_steal_pointer(&lock);
    return self;
}

static void
relay_signal(const char *interface_name, const char *name, GVariant *params, gpointer user_data)
{
    LvEmbedded *self = user_data;

    self->on_signal(name, params, self->signal_data);
}

static void
embedded_watch_signals(gpointer handle, LvEmbeddedSignalFunc func, gpointer user_data)
{
    LvEmbedded *self = handle;

    self->on_signal = func;
    self->signal_data = user_data;
    self->sink_id = lv_backend_add_signal_sink(self->backend, relay_signal, self);
}

static void
embedded_call(gpointer handle, const char *method, GVariant *params, const GVariantType *reply_type,
              LvEmbeddedReplyFunc reply, gpointer user_data)
{
    LvEmbedded *self = handle;

    lv_backend_dispatch(self->backend,
                        lv_invocation_new(method, params, reply_type, reply, user_data));
}

static const LvEmbeddedApi api = {
    LV_EMBEDDED_ABI, embedded_start, embedded_watch_signals, embedded_call, embedded_stop,
};

G_MODULE_EXPORT const LvEmbeddedApi *lv_embedded_module_api(void);

const LvEmbeddedApi *
lv_embedded_module_api(void)
{
    return &api;
}
