/* lv-dbus-server: the generated skeletons, with one generic dispatcher.
 *
 * gdbus-codegen would have us write one "handle-<method>" callback per method;
 * instead each skeleton class is subclassed to hand every call to the backend's
 * method registry, so that D-Bus and the embedded bridge share one dispatch path.
 */
#include "lv-dbus-server.h"

#include "lv-bridge-interface.h"
#include "lv-bridge-names.h"
#include "lv-dbus-generated.h"

struct _LvDBusServer {
    LvBackend *backend;
    GDBusConnection *connection;
    GPtrArray *skeletons;    /* GDBusInterfaceSkeleton* */
    GHashTable *reply_types; /* method name → GVariantType* */
    guint sink_id;
};

typedef struct {
    LvDBusCoreSkeleton parent;
    LvDBusServer *server;
} LvCoreServerSkeleton;
typedef LvDBusCoreSkeletonClass LvCoreServerSkeletonClass;

typedef struct {
    LvDBusPluginSkeleton parent;
    LvDBusServer *server;
} LvPluginServerSkeleton;
typedef LvDBusPluginSkeletonClass LvPluginServerSkeletonClass;

static GType lv_core_server_skeleton_get_type(void);
static GType lv_plugin_server_skeleton_get_type(void);
G_DEFINE_TYPE(LvCoreServerSkeleton, lv_core_server_skeleton, LV_DBUS_TYPE_CORE_SKELETON)
G_DEFINE_TYPE(LvPluginServerSkeleton, lv_plugin_server_skeleton, LV_DBUS_TYPE_PLUGIN_SKELETON)

static void
reply_to_bus(GVariant *result, GError *error, gpointer user_data)
{
    GDBusMethodInvocation *invocation = user_data;

    if (error != NULL) {
        g_autofree char *name = lv_error_dup_dbus_name(error);
        g_autofree char *message = lv_error_dup_dbus_message(error, NULL);
        g_debug("bridge call %s failed: %s", g_dbus_method_invocation_get_method_name(invocation),
                error->message);
        g_dbus_method_invocation_return_dbus_error(invocation, name, message);
        g_error_free(error);
        return;
    }
    g_dbus_method_invocation_return_value(invocation, result);
    g_variant_unref(result);
}

static const GVariantType *
reply_type_of(LvDBusServer *server, GDBusMethodInvocation *invocation)
{
    const char *method = g_dbus_method_invocation_get_method_name(invocation);
    GVariantType *type = g_hash_table_lookup(server->reply_types, method);

    if (type == NULL) {
        type = lv_bridge_interface_dup_out_type(
                g_dbus_method_invocation_get_method_info(invocation));
        g_hash_table_insert(server->reply_types, g_strdup(method), type);
    }
    return type;
}

static void
server_method_call(LvDBusServer *server, GVariant *params, GDBusMethodInvocation *invocation)
{
    /* GDBus has already checked the method exists in the interface file and that
     * @params match its in-signature. */
    LvInvocation *call =
            lv_invocation_new(g_dbus_method_invocation_get_method_name(invocation), params,
                              reply_type_of(server, invocation), reply_to_bus, invocation);
    lv_backend_dispatch(server->backend, call);
}

static void
core_method_call(GDBusConnection *connection, const char *sender, const char *object_path,
                 const char *interface_name, const char *method_name, GVariant *params,
                 GDBusMethodInvocation *invocation, gpointer user_data)
{
    server_method_call(((LvCoreServerSkeleton *)user_data)->server, params, invocation);
}

static void
plugin_method_call(GDBusConnection *connection, const char *sender, const char *object_path,
                   const char *interface_name, const char *method_name, GVariant *params,
                   GDBusMethodInvocation *invocation, gpointer user_data)
{
    server_method_call(((LvPluginServerSkeleton *)user_data)->server, params, invocation);
}

static GDBusInterfaceVTable *
core_get_vtable(GDBusInterfaceSkeleton *skeleton)
{
    static GDBusInterfaceVTable vtable = { core_method_call, NULL, NULL, { 0 } };
    return &vtable;
}

static GDBusInterfaceVTable *
plugin_get_vtable(GDBusInterfaceSkeleton *skeleton)
{
    static GDBusInterfaceVTable vtable = { plugin_method_call, NULL, NULL, { 0 } };
    return &vtable;
}

static void
lv_core_server_skeleton_class_init(LvCoreServerSkeletonClass *klass)
{
    G_DBUS_INTERFACE_SKELETON_CLASS(klass)->get_vtable = core_get_vtable;
}

static void
lv_core_server_skeleton_init(LvCoreServerSkeleton *self)
{
}

static void
lv_plugin_server_skeleton_class_init(LvPluginServerSkeletonClass *klass)
{
    G_DBUS_INTERFACE_SKELETON_CLASS(klass)->get_vtable = plugin_get_vtable;
}

static void
lv_plugin_server_skeleton_init(LvPluginServerSkeleton *self)
{
}

static void
relay_signal(const char *interface_name, const char *name, GVariant *params, gpointer user_data)
{
    LvDBusServer *server = user_data;
    g_autoptr(GError) error = NULL;

    if (!g_dbus_connection_emit_signal(server->connection, NULL, LV_BRIDGE_OBJECT_PATH,
                                       interface_name, name, params, &error))
        g_warning("cannot emit signal %s: %s", name, error->message);
}

static gboolean
export_skeleton(LvDBusServer *server, GDBusInterfaceSkeleton *skeleton, GError **error)
{
    g_ptr_array_add(server->skeletons, skeleton);
    if (!g_dbus_interface_skeleton_export(skeleton, server->connection, LV_BRIDGE_OBJECT_PATH,
                                          error)) {
        g_prefix_error(error, "cannot export the bridge on D-Bus: ");
        return FALSE;
    }
    return TRUE;
}

LvDBusServer *
lv_dbus_server_new(LvBackend *backend, GDBusConnection *connection, GError **error)
{
    g_autoptr(LvDBusServer) server = g_new0(LvDBusServer, 1);

    server->backend = backend;
    server->connection = g_object_ref(connection);
    server->skeletons = g_ptr_array_new();
    server->reply_types = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify)g_variant_type_free);

    LvCoreServerSkeleton *core = g_object_new(lv_core_server_skeleton_get_type(), NULL);
    core->server = server;
    if (!export_skeleton(server, G_DBUS_INTERFACE_SKELETON(core), error))
        return NULL;
    LvPluginServerSkeleton *plugin = g_object_new(lv_plugin_server_skeleton_get_type(), NULL);
    plugin->server = server;
    if (!export_skeleton(server, G_DBUS_INTERFACE_SKELETON(plugin), error))
        return NULL;

    server->sink_id = lv_backend_add_signal_sink(backend, relay_signal, server);
    return g_steal_pointer(&server);
}

void
lv_dbus_server_free(LvDBusServer *server)
{
    if (server == NULL)
        return;
    if (server->sink_id != 0)
        lv_backend_remove_signal_sink(server->backend, server->sink_id);
    for (guint i = 0; i < server->skeletons->len; i++) {
        GDBusInterfaceSkeleton *skeleton = g_ptr_array_index(server->skeletons, i);
        if (g_dbus_interface_skeleton_has_connection(skeleton, server->connection))
            g_dbus_interface_skeleton_unexport(skeleton);
        g_object_unref(skeleton);
    }
    g_ptr_array_unref(server->skeletons);
    g_hash_table_unref(server->reply_types);
    g_object_unref(server->connection);
    g_free(server);
}
