/* lv-dbus-server: the generated skeletons, with one generic dispatcher.
 *
 * gdbus-codegen would have us write one "handle-<method>" callback per method;
 * instead each skeleton class is subclassed to hand every call to the backend's
 * method registry, so that D-Bus and the embedded bridge share one dispatch path.
 */
#include "lv-dbus-server.h"

#include <unistd.h>

#include "lv-bridge-interface.h"
#include "lv-bridge-names.h"
#include "lv-dbus-generated.h"

struct _LvDBusServer {
    LvBackend *backend;
    GDBusConnection *connection;
    GPtrArray *skeletons;    /* GDBusInterfaceSkeleton* */
    GHashTable *reply_types; /* method name → GVariantType* */
    guint sink_id;
    GHashTable *sender_uids;   /* unique bus name → its uid + 1 (names are never reused) */
    GCancellable *cancellable; /* of the uid look-ups still running */
};

/* Senders remembered at most: a client that reconnects gets a new unique name. */
#define MAX_KNOWN_SENDERS 256

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
dispatch(LvDBusServer *server, GVariant *params, GDBusMethodInvocation *invocation)
{
    /* GDBus has already checked the method exists in the interface file and that
     * @params match its in-signature. */
    LvInvocation *call =
            lv_invocation_new(g_dbus_method_invocation_get_method_name(invocation), params,
                              reply_type_of(server, invocation), reply_to_bus, invocation);
    lv_backend_dispatch(server->backend, call);
}

/* Only our own user may call us. A session bus admits no one else by default, but a
 * bus configured more widely (or reached over TCP) would hand out secrets and let
 * others delete profiles: the sender's uid is checked on every call. */
static void
dispatch_if_own_user(LvDBusServer *server, guint32 uid, GVariant *params,
                     GDBusMethodInvocation *invocation)
{
    if (uid == (guint32)getuid()) {
        dispatch(server, params, invocation);
        return;
    }
    g_message("refused %s from uid %u (sender %s): this backend serves uid %u only",
              g_dbus_method_invocation_get_method_name(invocation), uid,
              g_dbus_method_invocation_get_sender(invocation), (unsigned)getuid());
    g_dbus_method_invocation_return_dbus_error(
            invocation, "org.freedesktop.DBus.Error.AccessDenied",
            "this Libervia backend answers only the user that runs it");
}

typedef struct {
    LvDBusServer *server;
    GVariant *params;
    GDBusMethodInvocation *invocation;
} UidLookup;

static void
on_sender_uid(GObject *source, GAsyncResult *result, gpointer user_data)
{
    UidLookup *lookup = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) reply =
            g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);

    if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        /* The server is gone: only the invocation is left to answer. */
        g_dbus_method_invocation_return_dbus_error(lookup->invocation,
                                                   "org.freedesktop.DBus.Error.NoServer",
                                                   "the backend is stopping");
    } else if (reply == NULL) {
        g_message("cannot tell the uid of %s: %s",
                  g_dbus_method_invocation_get_sender(lookup->invocation), error->message);
        g_dbus_method_invocation_return_dbus_error(lookup->invocation,
                                                   "org.freedesktop.DBus.Error.AccessDenied",
                                                   "the caller's user cannot be checked");
    } else {
        guint32 uid = 0;
        g_variant_get(reply, "(u)", &uid);
        LvDBusServer *server = lookup->server;
        if (g_hash_table_size(server->sender_uids) >= MAX_KNOWN_SENDERS)
            g_hash_table_remove_all(server->sender_uids);
        g_hash_table_insert(server->sender_uids,
                            g_strdup(g_dbus_method_invocation_get_sender(lookup->invocation)),
                            GUINT_TO_POINTER(uid + 1));
        dispatch_if_own_user(server, uid, lookup->params, lookup->invocation);
    }
    g_variant_unref(lookup->params);
    g_free(lookup);
}

static void
server_method_call(LvDBusServer *server, GVariant *params, GDBusMethodInvocation *invocation)
{
    const char *sender = g_dbus_method_invocation_get_sender(invocation);

    if (sender == NULL) { /* a peer-to-peer connection: the socket tells */
        GCredentials *credentials = g_dbus_connection_get_peer_credentials(server->connection);
        guint32 uid = G_MAXUINT32; /* nobody's: refused */
        if (credentials != NULL)
            uid = (guint32)g_credentials_get_unix_user(credentials, NULL);
        dispatch_if_own_user(server, uid, params, invocation);
        return;
    }
    gpointer known = g_hash_table_lookup(server->sender_uids, sender);
    if (known != NULL) {
        dispatch_if_own_user(server, GPOINTER_TO_UINT(known) - 1, params, invocation);
        return;
    }
    /* Asked of the bus once per sender, without blocking the main loop. */
    UidLookup *lookup = g_new0(UidLookup, 1);
    lookup->server = server;
    lookup->params = g_variant_ref(params);
    lookup->invocation = invocation;
    g_dbus_connection_call(server->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                           "org.freedesktop.DBus", "GetConnectionUnixUser",
                           g_variant_new("(s)", sender), G_VARIANT_TYPE("(u)"),
                           G_DBUS_CALL_FLAGS_NONE, -1, server->cancellable, on_sender_uid, lookup);
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
    server->sender_uids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    server->cancellable = g_cancellable_new();

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
    g_cancellable_cancel(server->cancellable);
    g_object_unref(server->cancellable);
    g_hash_table_unref(server->sender_uids);
    g_object_unref(server->connection);
    g_free(server);
}
