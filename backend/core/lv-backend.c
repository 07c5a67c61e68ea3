/* lv-backend: method registry, dispatch, readiness and signal fan-out. */
#include "lv-backend.h"

#include "lv-bridge-interface.h"
#include "lv-connections.h"
#include "lv-crypto.h"
#include "lv-paths.h"
#include "lv-plugins.h"
#include "lv-profiles.h"
#include "lv-signal-coalesce.h"
#include "lv-storage.h"

typedef struct {
    guint id;
    LvSignalSinkFunc func;
    gpointer user_data;
} LvSignalSink;

struct _LvBackend {
    LvConfig *config;
    char *local_dir;
    gboolean ready;
    GHashTable *methods;    /* name → LvMethodFunc */
    GHashTable *namespaces; /* short name → namespace */
    LvStorage *storage;
    LvProfiles *profiles;
    LvConnections *connections;
    GPtrArray *ready_waiters; /* LvInvocation* of getReady calls made too early */
    GArray *sinks;            /* LvSignalSink */
    guint next_sink_id;
    LvSignalCoalescer *coalescer; /* presence floods (S17) */
};

static void fan_out(const char *name, GVariant *args, gpointer user_data);

LvBackend *
lv_backend_new(LvConfig *config, GError **error)
{
    g_autofree char *local_dir = lv_config_dup_string(config, "DEFAULT", "local_dir", error);

    if (local_dir == NULL) {
        if (error != NULL && *error == NULL)
            g_set_error_literal(error, LV_ERROR, LV_ERROR_CONFIG, "local_dir is not set");
        return NULL;
    }
    if (!lv_paths_ensure_dir(local_dir, 0700, error))
        return NULL;

    LvBackend *backend = g_new0(LvBackend, 1);
    backend->config = lv_config_ref(config);
    backend->local_dir = g_steal_pointer(&local_dir);
    backend->methods = g_hash_table_new(g_str_hash, g_str_equal);
    backend->namespaces = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    backend->ready_waiters = g_ptr_array_new();
    backend->sinks = g_array_new(FALSE, FALSE, sizeof(LvSignalSink));
    backend->coalescer = lv_signal_coalescer_new(fan_out, backend);
    lv_backend_register_methods(backend, lv_core_methods());
    lv_backend_register_methods(backend, lv_profile_methods());
    lv_backend_register_methods(backend, lv_param_methods());
    lv_backend_register_methods(backend, lv_connection_methods());
    lv_backend_register_methods(backend, lv_message_methods());
    lv_backend_register_methods(backend, lv_debug_methods());
    lv_backend_register_methods(backend, lv_session_methods());
    lv_plugins_register(backend);
    return backend;
}

void
lv_backend_free(LvBackend *backend)
{
    if (backend == NULL)
        return;
    for (guint i = 0; i < backend->ready_waiters->len; i++) {
        lv_invocation_return_new_error(g_ptr_array_index(backend->ready_waiters, i),
                                       LV_ERROR_CANCELLED, "the backend is shutting down");
    }
    g_ptr_array_unref(backend->ready_waiters);
    if (backend->ready)
        lv_plugins_stop(backend);              /* they remove their signal sinks */
    lv_connections_free(backend->connections); /* closes the streams */
    lv_profiles_free(backend->profiles);       /* wipes the session keys */
    lv_storage_close(backend->storage);
    lv_signal_coalescer_free(backend->coalescer);
    g_array_unref(backend->sinks); /* last: closing the streams may still signal */
    g_hash_table_unref(backend->namespaces);
    g_hash_table_unref(backend->methods);
    g_free(backend->local_dir);
    lv_config_unref(backend->config);
    g_free(backend);
}

gboolean
lv_backend_start(LvBackend *backend, GError **error)
{
    if (!lv_crypto_init(error))
        return FALSE;
    backend->storage = lv_storage_open(backend->local_dir, error);
    if (backend->storage == NULL)
        return FALSE;
    backend->profiles = lv_profiles_new(backend->storage);
    backend->connections = lv_connections_new(backend);
    lv_plugins_start(backend);
    backend->ready = TRUE;
    for (guint i = 0; i < backend->ready_waiters->len; i++)
        lv_invocation_return_value(g_ptr_array_index(backend->ready_waiters, i), NULL);
    g_ptr_array_set_size(backend->ready_waiters, 0);
    g_info("backend ready (local_dir %s)", backend->local_dir);
    return TRUE;
}

gboolean
lv_backend_is_ready(LvBackend *backend)
{
    return backend->ready;
}

void
lv_backend_wait_ready(LvBackend *backend, LvInvocation *invocation)
{
    if (backend->ready)
        lv_invocation_return_value(invocation, NULL);
    else
        g_ptr_array_add(backend->ready_waiters, invocation);
}

LvConfig *
lv_backend_get_config(LvBackend *backend)
{
    return backend->config;
}

LvProfiles *
lv_backend_get_profiles(LvBackend *backend)
{
    return backend->profiles;
}

LvConnections *
lv_backend_get_connections(LvBackend *backend)
{
    return backend->connections;
}

const char *
lv_backend_get_local_dir(LvBackend *backend)
{
    return backend->local_dir;
}

void
lv_backend_register_methods(LvBackend *backend, const LvMethod *methods)
{
    for (const LvMethod *m = methods; m->name != NULL; m++) {
        if (lv_bridge_interface_lookup_method(m->name, NULL) == NULL) {
            g_warning("method %s is not in the interface file: not registered", m->name);
            continue;
        }
        g_hash_table_insert(backend->methods, (gpointer)m->name, (gpointer)m->func);
    }
}

gboolean
lv_backend_has_method(LvBackend *backend, const char *method)
{
    return g_hash_table_contains(backend->methods, method);
}

void
lv_backend_dispatch(LvBackend *backend, LvInvocation *invocation)
{
    const char *method = lv_invocation_get_method(invocation);
    LvMethodFunc func = g_hash_table_lookup(backend->methods, method);

    if (func == NULL) {
        lv_invocation_return_new_error(invocation, LV_ERROR_INVALID_ARGUMENT,
                                       "unknown bridge method %s", method);
        return;
    }
    /* Only getReady may wait: everything else needs the database open. */
    if (!backend->ready && !g_str_equal(method, "getReady")) {
        lv_invocation_return_new_error(invocation, LV_ERROR_NOT_READY,
                                       "the backend is still starting");
        return;
    }
    g_debug("bridge call %s", method);
    func(backend, invocation);
}

static void
fan_out(const char *name, GVariant *args, gpointer user_data)
{
    LvBackend *backend = user_data;
    const char *interface_name = lv_bridge_interface_lookup_signal(name);

    if (interface_name == NULL) {
        g_warning("signal %s is not in the interface file: not emitted", name);
        return;
    }
    for (guint i = 0; i < backend->sinks->len; i++) {
        LvSignalSink *sink = &g_array_index(backend->sinks, LvSignalSink, i);
        sink->func(interface_name, name, args, sink->user_data);
    }
}

void
lv_backend_emit_signal(LvBackend *backend, const char *name, GVariant *params)
{
    g_autoptr(GVariant) args = g_variant_ref_sink(params != NULL ? params : g_variant_new("()"));

    /* A profile's last presences come before its disconnection, not after. */
    if (g_str_equal(name, "disconnected") && g_variant_is_of_type(args, G_VARIANT_TYPE("(s)"))) {
        const char *profile = NULL;
        g_variant_get(args, "(&s)", &profile);
        lv_signal_coalescer_flush_profile(backend->coalescer, profile);
    }
    if (!lv_signal_coalescer_offer(backend->coalescer, name, args))
        fan_out(name, args, backend);
}

guint
lv_backend_add_signal_sink(LvBackend *backend, LvSignalSinkFunc func, gpointer user_data)
{
    LvSignalSink sink = { ++backend->next_sink_id, func, user_data };

    g_array_append_val(backend->sinks, sink);
    return sink.id;
}

void
lv_backend_remove_signal_sink(LvBackend *backend, guint id)
{
    for (guint i = 0; i < backend->sinks->len; i++) {
        if (g_array_index(backend->sinks, LvSignalSink, i).id == id) {
            g_array_remove_index(backend->sinks, i);
            return;
        }
    }
}

void
lv_backend_register_namespace(LvBackend *backend, const char *short_name, const char *namespace_uri)
{
    g_hash_table_replace(backend->namespaces, g_strdup(short_name), g_strdup(namespace_uri));
}

GHashTable *
lv_backend_get_namespaces(LvBackend *backend)
{
    return backend->namespaces;
}

void
lv_backend_emit_signal_for(LvBackend *backend, const char *name, GVariant *params,
                           const char *profile)
{
    g_autoptr(GVariant) owned = g_variant_ref_sink(params);
    gsize n = g_variant_n_children(owned);
    g_autofree GVariant **args = g_new0(GVariant *, n + 1);

    for (gsize i = 0; i < n; i++)
        args[i] = g_variant_get_child_value(owned, i);
    args[n] = g_variant_new_string(profile);
    lv_backend_emit_signal(backend, name, g_variant_new_tuple(args, n + 1));
    for (gsize i = 0; i < n; i++)
        g_variant_unref(args[i]);
}
