/* lv-bridge-embedded: the backend inside the frontend process.
 *
 * The backend is loaded from libervia-embedded.so only now (see
 * lv-embedded-module.h); calls go straight to its dispatcher on this thread's
 * main context, signals come back through a sink.
 */
#include "config.h"

#include <gmodule.h>

#include "lv-bridge-private.h"
#include "lv-embedded-module.h"
#include "lv-error.h"

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

/* A program run from the build tree loads the module built beside it, so that
 * tests and `tools/run` never pick up an older installed one. */
static char *
module_path(void)
{
    g_autofree char *exe = g_file_read_link("/proc/self/exe", NULL);
    g_autofree char *root = g_canonicalize_filename(LV_BUILD_ROOT, "/");
    g_autofree char *root_slash = g_strconcat(root, "/", NULL);

    if (exe != NULL && g_str_has_prefix(exe, root_slash))
        return g_build_filename(root, "backend", LV_EMBEDDED_MODULE_NAME ".so", NULL);
    return g_build_filename(LV_MODULE_DIR, LV_EMBEDDED_MODULE_NAME ".so", NULL);
}

static const LvEmbeddedApi *
load_module(GError **error)
{
    g_autofree char *path = module_path();
    /* Local binding: the backend's copies of our common code stay its own. */
    GModule *module = g_module_open(path, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
    gpointer entry = NULL;

    if (module == NULL) {
        g_set_error(error, LV_ERROR, LV_ERROR_INTERNAL, "cannot load %s: %s", path,
                    g_module_error());
        return NULL;
    }
    if (!g_module_symbol(module, LV_EMBEDDED_ENTRY, &entry) || entry == NULL) {
        g_set_error(error, LV_ERROR, LV_ERROR_INTERNAL, "%s has no %s", path, LV_EMBEDDED_ENTRY);
        g_module_close(module);
        return NULL;
    }
    const LvEmbeddedApi *api = ((LvEmbeddedEntryFunc)entry)();
    if (api == NULL || api->abi != LV_EMBEDDED_ABI) {
        g_set_error(error, LV_ERROR, LV_ERROR_INTERNAL,
                    "%s is of another version (interface %u, expected %u)", path,
                    api != NULL ? api->abi : 0, LV_EMBEDDED_ABI);
        g_module_close(module);
        return NULL;
    }
    /* Never unloaded: the libraries it brought (OpenSSL) leave exit handlers. */
    g_module_make_resident(module);
    return api;
}

void
lv_bridge_embedded_new_async(LvConfig *config, GTask *task)
{
    g_autoptr(GTask) owned = task;
    g_autoptr(GError) error = NULL;
    const LvEmbeddedApi *api = load_module(&error);
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
