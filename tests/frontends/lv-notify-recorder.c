/* lv-notify-recorder: stands for the desktop in test_tui. It owns
 * org.freedesktop.Notifications on the session bus (the test's private bus) and
 * prints one line per Notify call: "NOTIFY summary<TAB>body", after "READY" once
 * the name is its own. It answers GetCapabilities and GetServerInformation too. */
#include <stdio.h>
#include <stdlib.h>

#include <gio/gio.h>

static const char introspection[] =
        "<node><interface name='org.freedesktop.Notifications'>"
        "<method name='Notify'><arg type='s' direction='in'/><arg type='u' direction='in'/>"
        "<arg type='s' direction='in'/><arg type='s' direction='in'/>"
        "<arg type='s' direction='in'/><arg type='as' direction='in'/>"
        "<arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
        "<arg type='u' direction='out'/></method>"
        "<method name='GetCapabilities'><arg type='as' direction='out'/></method>"
        "<method name='GetServerInformation'><arg type='s' direction='out'/>"
        "<arg type='s' direction='out'/><arg type='s' direction='out'/>"
        "<arg type='s' direction='out'/></method>"
        "</interface></node>";

static guint32 last_id;

static void
on_call(GDBusConnection *connection, const char *sender, const char *path, const char *interface,
        const char *method, GVariant *params, GDBusMethodInvocation *invocation, gpointer user_data)
{
    if (g_str_equal(method, "Notify")) {
        const char *summary = NULL, *body = NULL;
        g_variant_get(params, "(&su&s&s&s@as@a{sv}i)", NULL, NULL, NULL, &summary, &body, NULL,
                      NULL, NULL);
        printf("NOTIFY %s\t%s\n", summary, body);
        fflush(stdout);
        g_dbus_method_invocation_return_value(invocation, g_variant_new("(u)", ++last_id));
    } else if (g_str_equal(method, "GetCapabilities")) {
        const char *caps[] = { "body", NULL };
        g_dbus_method_invocation_return_value(invocation, g_variant_new("(^as)", caps));
    } else {
        g_dbus_method_invocation_return_value(
                invocation, g_variant_new("(ssss)", "lv-notify-recorder", "libervia", "0", "1.2"));
    }
}

static const GDBusInterfaceVTable vtable = { on_call, NULL, NULL, { 0 } };

static void
on_bus(GDBusConnection *connection, const char *name, gpointer user_data)
{
    GDBusNodeInfo *info = user_data;
    g_autoptr(GError) error = NULL;

    if (g_dbus_connection_register_object(connection, "/org/freedesktop/Notifications",
                                          info->interfaces[0], &vtable, NULL, NULL, &error) == 0) {
        fprintf(stderr, "lv-notify-recorder: %s\n", error->message);
        exit(1);
    }
}

static void
on_name(GDBusConnection *connection, const char *name, gpointer user_data)
{
    printf("READY\n");
    fflush(stdout);
}

static void
on_lost(GDBusConnection *connection, const char *name, gpointer user_data)
{
    fprintf(stderr, "lv-notify-recorder: could not own %s\n", name);
    exit(1);
}

int
main(void)
{
    g_autoptr(GError) error = NULL;
    GDBusNodeInfo *info = g_dbus_node_info_new_for_xml(introspection, &error);
    g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);

    if (info == NULL) {
        fprintf(stderr, "lv-notify-recorder: %s\n", error->message);
        return 1;
    }
    g_bus_own_name(G_BUS_TYPE_SESSION, "org.freedesktop.Notifications", G_BUS_NAME_OWNER_FLAGS_NONE,
                   on_bus, on_name, on_lost, info, NULL);
    g_main_loop_run(loop);
    return 0;
}
