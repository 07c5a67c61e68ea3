/* fake-desktop: stands for the desktop session on a test's private bus, the
 * parts libervia-desktop talks to:
 *  - the notification servers, org.gtk.Notifications (what GApplication uses when
 *    it is owned) and org.freedesktop.Notifications (its fallback): every
 *    notification is recorded, one JSON object a line, on standard output;
 *  - the settings portal (org.freedesktop.portal.Desktop, Settings interface),
 *    the colour scheme libadwaita follows: its value starts as argv[1] (0 no
 *    preference, 1 dark, 2 light) and a test changes it with
 *    org.libervia.Test.FakeDesktop.SetColorScheme(u), which emits SettingChanged
 *    as a desktop does when the user switches.
 * It prints "ready" once it owns all three names. */
#include <stdio.h>
#include <stdlib.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#define PORTAL_PATH "/org/freedesktop/portal/desktop"

static const char introspection[] =
        "<node>"
        " <interface name='org.gtk.Notifications'>"
        "  <method name='AddNotification'>"
        "   <arg type='s' direction='in'/><arg type='s' direction='in'/>"
        "   <arg type='a{sv}' direction='in'/>"
        "  </method>"
        "  <method name='RemoveNotification'>"
        "   <arg type='s' direction='in'/><arg type='s' direction='in'/>"
        "  </method>"
        " </interface>"
        " <interface name='org.freedesktop.Notifications'>"
        "  <method name='Notify'>"
        "   <arg type='s' direction='in'/><arg type='u' direction='in'/>"
        "   <arg type='s' direction='in'/><arg type='s' direction='in'/>"
        "   <arg type='s' direction='in'/><arg type='as' direction='in'/>"
        "   <arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
        "   <arg type='u' direction='out'/>"
        "  </method>"
        "  <method name='GetCapabilities'><arg type='as' direction='out'/></method>"
        "  <method name='CloseNotification'><arg type='u' direction='in'/></method>"
        "  <method name='GetServerInformation'>"
        "   <arg type='s' direction='out'/><arg type='s' direction='out'/>"
        "   <arg type='s' direction='out'/><arg type='s' direction='out'/>"
        "  </method>"
        " </interface>"
        " <interface name='org.freedesktop.portal.Settings'>"
        "  <method name='Read'>"
        "   <arg type='s' direction='in'/><arg type='s' direction='in'/>"
        "   <arg type='v' direction='out'/>"
        "  </method>"
        "  <method name='ReadAll'>"
        "   <arg type='as' direction='in'/><arg type='a{sa{sv}}' direction='out'/>"
        "  </method>"
        "  <signal name='SettingChanged'>"
        "   <arg type='s'/><arg type='s'/><arg type='v'/>"
        "  </signal>"
        "  <property name='version' type='u' access='read'/>"
        " </interface>"
        " <interface name='org.libervia.Test.FakeDesktop'>"
        "  <method name='SetColorScheme'><arg type='u' direction='in'/></method>"
        " </interface>"
        "</node>";

static guint32 color_scheme;
static guint32 next_id = 1;
static int names_owned;

/* One line per notification: what a person would have seen. */
static void
record(const char *server, const char *id, const char *title, const char *body)
{
    g_autoptr(JsonBuilder) builder = json_builder_new();

    json_builder_begin_object(builder);
    json_builder_set_member_name(builder, "server");
    json_builder_add_string_value(builder, server);
    json_builder_set_member_name(builder, "id");
    json_builder_add_string_value(builder, id);
    json_builder_set_member_name(builder, "title");
    json_builder_add_string_value(builder, title);
    json_builder_set_member_name(builder, "body");
    json_builder_add_string_value(builder, body);
    json_builder_end_object(builder);
    g_autoptr(JsonNode) root = json_builder_get_root(builder);
    g_autofree char *line = json_to_string(root, FALSE);
    printf("%s\n", line);
    fflush(stdout);
}

static void
gtk_add(GVariant *params)
{
    const char *id = NULL;
    const char *title = "";
    const char *body = "";
    g_autoptr(GVariant) notification = NULL;

    g_variant_get(params, "(&s&s@a{sv})", NULL, &id, &notification);
    g_variant_lookup(notification, "title", "&s", &title);
    g_variant_lookup(notification, "body", "&s", &body);
    record("org.gtk.Notifications", id, title, body);
}

static GVariant *
color_scheme_value(void)
{
    return g_variant_new_uint32(color_scheme);
}

static void
portal_read(GDBusMethodInvocation *invocation, GVariant *params)
{
    const char *ns = NULL;
    const char *key = NULL;

    g_variant_get(params, "(&s&s)", &ns, &key);
    if (g_str_equal(ns, "org.freedesktop.appearance") && g_str_equal(key, "color-scheme")) {
        /* Read's answer is a variant holding the variant (the portal's old form,
         * which every client unwraps). */
        g_dbus_method_invocation_return_value(
                invocation, g_variant_new("(v)", g_variant_new_variant(color_scheme_value())));
        return;
    }
    g_dbus_method_invocation_return_dbus_error(invocation, "org.freedesktop.portal.Error.NotFound",
                                               "Requested setting not found");
}

static void
portal_read_all(GDBusMethodInvocation *invocation)
{
    GVariantBuilder all;
    GVariantBuilder appearance;

    g_variant_builder_init(&appearance, G_VARIANT_TYPE("a{sv}"));
    g_variant_builder_add(&appearance, "{sv}", "color-scheme", color_scheme_value());
    g_variant_builder_init(&all, G_VARIANT_TYPE("a{sa{sv}}"));
    g_variant_builder_add(&all, "{sa{sv}}", "org.freedesktop.appearance", &appearance);
    g_dbus_method_invocation_return_value(invocation, g_variant_new("(a{sa{sv}})", &all));
}

static void
set_color_scheme(GDBusConnection *connection, GVariant *params)
{
    g_variant_get(params, "(u)", &color_scheme);
    g_dbus_connection_emit_signal(connection, NULL, PORTAL_PATH, "org.freedesktop.portal.Settings",
                                  "SettingChanged",
                                  g_variant_new("(ssv)", "org.freedesktop.appearance",
                                                "color-scheme", color_scheme_value()),
                                  NULL);
}

static void
on_call(GDBusConnection *connection, const char *sender, const char *path, const char *interface,
        const char *method, GVariant *params, GDBusMethodInvocation *invocation, gpointer data)
{
    if (g_str_equal(method, "AddNotification")) {
        gtk_add(params);
    } else if (g_str_equal(method, "Notify")) {
        const char *summary = NULL;
        const char *body = NULL;
        g_variant_get(params, "(&su&s&s&sasa{sv}i)", NULL, NULL, NULL, &summary, &body, NULL, NULL,
                      NULL);
        g_autofree char *id = g_strdup_printf("%u", next_id);
        record("org.freedesktop.Notifications", id, summary, body);
        g_dbus_method_invocation_return_value(invocation, g_variant_new("(u)", next_id++));
        return;
    } else if (g_str_equal(method, "GetCapabilities")) {
        const char *caps[] = { "body", "actions", NULL };
        g_dbus_method_invocation_return_value(invocation, g_variant_new("(^as)", caps));
        return;
    } else if (g_str_equal(method, "GetServerInformation")) {
        g_dbus_method_invocation_return_value(
                invocation, g_variant_new("(ssss)", "fake-desktop", "libervia tests", "1", "1.2"));
        return;
    } else if (g_str_equal(method, "Read")) {
        portal_read(invocation, params);
        return;
    } else if (g_str_equal(method, "ReadAll")) {
        portal_read_all(invocation);
        return;
    } else if (g_str_equal(method, "SetColorScheme")) {
        set_color_scheme(connection, params);
    }
    g_dbus_method_invocation_return_value(invocation, NULL);
}

static GVariant *
on_get_property(GDBusConnection *connection, const char *sender, const char *path,
                const char *interface, const char *property, GError **error, gpointer data)
{
    return g_variant_new_uint32(1);
}

static const GDBusInterfaceVTable vtable = { on_call, on_get_property, NULL, { 0 } };

static void
on_bus(GDBusConnection *connection, const char *name, gpointer user_data)
{
    GDBusNodeInfo *node = user_data;
    static const struct {
        const char *path;
        int interface;
    } objects[] = {
        { "/org/gtk/Notifications", 0 },
        { "/org/freedesktop/Notifications", 1 },
        { PORTAL_PATH, 2 },
        { "/org/libervia/Test/FakeDesktop", 3 },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(objects); i++)
        g_dbus_connection_register_object(connection, objects[i].path,
                                          node->interfaces[objects[i].interface], &vtable, NULL,
                                          NULL, NULL);
}

static void
on_name(GDBusConnection *connection, const char *name, gpointer user_data)
{
    if (++names_owned == 3) {
        printf("ready\n");
        fflush(stdout);
    }
}

static void
on_name_lost(GDBusConnection *connection, const char *name, gpointer user_data)
{
    /* Losing a name once ready is the bus going away at the test's end. */
    if (names_owned < 3)
        g_printerr("fake-desktop: could not own %s\n", name);
    exit(names_owned < 3);
}

int
main(int argc, char **argv)
{
    g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
    GDBusNodeInfo *node = g_dbus_node_info_new_for_xml(introspection, NULL);

    color_scheme = argc > 1 ? (guint32)atoi(argv[1]) : 0;
    g_bus_own_name(G_BUS_TYPE_SESSION, "org.gtk.Notifications", G_BUS_NAME_OWNER_FLAGS_NONE, on_bus,
                   on_name, on_name_lost, node, NULL);
    g_bus_own_name(G_BUS_TYPE_SESSION, "org.freedesktop.Notifications", G_BUS_NAME_OWNER_FLAGS_NONE,
                   NULL, on_name, on_name_lost, NULL, NULL);
    g_bus_own_name(G_BUS_TYPE_SESSION, "org.freedesktop.portal.Desktop",
                   G_BUS_NAME_OWNER_FLAGS_NONE, NULL, on_name, on_name_lost, NULL, NULL);
    g_main_loop_run(loop);
    return 0;
}
