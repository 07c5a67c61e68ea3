/* Tests of the bridge, both transports, against the real backend core: D-Bus on
 * a private bus (GTestDBus runs a real dbus-daemon) and the embedded bridge. */
#include "config.h"

#include "lv-backend.h"
#include "lv-bridge-names.h"
#include "lv-bridge.h"
#include "lv-dbus-server.h"
#include "lv-test-util.h"

typedef struct {
    LvTestHome *home;
    GTestDBus *bus;
    GDBusConnection *server_connection;
    LvBackend *backend;
    LvDBusServer *server;
    guint owner_id;
    LvBridge *bridge;
    GMainLoop *loop;
    GAsyncResult *result;
} Fixture;

static void
on_async(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Fixture *fixture = user_data;

    fixture->result = g_object_ref(result);
    g_main_loop_quit(fixture->loop);
}

/* Runs the loop until the pending async call answers; returns its result. */
static GAsyncResult *
wait_result(Fixture *fixture)
{
    g_main_loop_run(fixture->loop);
    GAsyncResult *result = fixture->result;
    fixture->result = NULL;
    return result;
}

static LvBridge *
open_bridge(Fixture *fixture, GError **error)
{
    g_autoptr(LvConfig) config = lv_config_new(error);

    g_assert_nonnull(config);
    lv_bridge_new_async(config, NULL, on_async, fixture);
    g_autoptr(GAsyncResult) result = wait_result(fixture);
    return lv_bridge_new_finish(result, error);
}

static GVariant *
bridge_call(Fixture *fixture, const char *method, GVariant *params, GError **error)
{
    lv_bridge_call(fixture->bridge, method, params, NULL, on_async, fixture);
    g_autoptr(GAsyncResult) result = wait_result(fixture);
    return lv_bridge_call_finish(fixture->bridge, result, error);
}

/* A plain GDBus connection to the test bus: for the server, and for a client that
 * sees exactly what goes over the wire. */
static GDBusConnection *
bus_connection(Fixture *fixture)
{
    g_autoptr(GError) error = NULL;
    GDBusConnection *connection = g_dbus_connection_new_for_address_sync(
            g_test_dbus_get_bus_address(fixture->bus),
            G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                    G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
            NULL, NULL, &error);

    g_assert_no_error(error);
    return connection;
}

static void
on_name_acquired(GDBusConnection *connection, const char *name, gpointer user_data)
{
    g_main_loop_quit(((Fixture *)user_data)->loop);
}

static void
fixture_set_up_dbus(Fixture *fixture, gconstpointer data)
{
    g_autoptr(GError) error = NULL;

    fixture->home = lv_test_home_new("email_password = hunter2\n", NULL);
    fixture->loop = g_main_loop_new(NULL, FALSE);
    fixture->bus = g_test_dbus_new(G_TEST_DBUS_NONE);
    g_test_dbus_up(fixture->bus);

    g_autoptr(LvConfig) config = lv_config_new(&error);
    g_assert_no_error(error);
    fixture->backend = lv_backend_new(config, &error);
    g_assert_no_error(error);
    g_assert_true(lv_backend_start(fixture->backend, &error));
    fixture->server_connection = bus_connection(fixture);
    fixture->server = lv_dbus_server_new(fixture->backend, fixture->server_connection, &error);
    g_assert_no_error(error);
    fixture->owner_id = g_bus_own_name_on_connection(fixture->server_connection, LV_BRIDGE_BUS_NAME,
                                                     G_BUS_NAME_OWNER_FLAGS_NONE, on_name_acquired,
                                                     NULL, fixture, NULL);
    g_main_loop_run(fixture->loop);

    fixture->bridge = open_bridge(fixture, &error);
    g_assert_no_error(error);
    g_assert_cmpint(lv_bridge_get_mode(fixture->bridge), ==, LV_BRIDGE_MODE_DBUS);
}

static void
fixture_tear_down(Fixture *fixture, gconstpointer data)
{
    g_clear_pointer(&fixture->bridge, lv_bridge_free);
    if (fixture->owner_id != 0)
        g_bus_unown_name(fixture->owner_id);
    g_clear_pointer(&fixture->server, lv_dbus_server_free);
    g_clear_object(&fixture->server_connection);
    g_clear_pointer(&fixture->backend, lv_backend_free);
    if (fixture->bus != NULL) {
        g_test_dbus_down(fixture->bus);
        g_clear_object(&fixture->bus);
    }
    g_clear_pointer(&fixture->loop, g_main_loop_unref);
    g_clear_pointer(&fixture->home, lv_test_home_free);
}

static void
test_dbus_get_version(Fixture *fixture, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) reply = bridge_call(fixture, "getVersion", NULL, &error);
    const char *version = NULL;

    g_assert_no_error(error);
    g_variant_get(reply, "(&s)", &version);
    g_assert_cmpstr(version, ==, PACKAGE_VERSION);
}

static void
test_dbus_error_unpacked(Fixture *fixture, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) reply =
            bridge_call(fixture, "getConfig", g_variant_new("(ss)", "", "email_password"), &error);

    g_assert_null(reply);
    g_assert_error(error, LV_ERROR, LV_ERROR_PERMISSION);
    g_assert_true(g_str_has_prefix(error->message, "option email_password"));
}

static void
test_dbus_error_wire_form(Fixture *fixture, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GDBusConnection) client = bus_connection(fixture);

    g_dbus_connection_call(client, LV_BRIDGE_BUS_NAME, LV_BRIDGE_OBJECT_PATH,
                           LV_BRIDGE_CORE_INTERFACE, "getConfig",
                           g_variant_new("(ss)", "", "smtp_passwd"), NULL, G_DBUS_CALL_FLAGS_NONE,
                           -1, NULL, on_async, fixture);
    g_autoptr(GAsyncResult) result = wait_result(fixture);
    g_autoptr(GVariant) reply = g_dbus_connection_call_finish(client, result, &error);
    g_assert_null(reply);
    g_autofree char *name = g_dbus_error_get_remote_error(error);
    g_assert_cmpstr(name, ==, "org.libervia.Libervia.error.sat.core.exceptions.PermissionError");
    g_dbus_error_strip_remote_error(error);
    g_assert_cmpstr(error->message, ==,
                    "('option smtp_passwd is a secret and is not shared over the bridge', '')");
}

static void
test_dbus_wrong_signature(Fixture *fixture, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GDBusConnection) client = bus_connection(fixture);

    g_dbus_connection_call(client, LV_BRIDGE_BUS_NAME, LV_BRIDGE_OBJECT_PATH,
                           LV_BRIDGE_CORE_INTERFACE, "getConfig", g_variant_new("(i)", 3), NULL,
                           G_DBUS_CALL_FLAGS_NONE, -1, NULL, on_async, fixture);
    g_autoptr(GAsyncResult) result = wait_result(fixture);
    g_autoptr(GVariant) reply = g_dbus_connection_call_finish(client, result, &error);
    g_assert_null(reply);
    g_assert_error(error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS);

    /* The backend is still there. */
    g_clear_error(&error);
    g_autoptr(GVariant) again = bridge_call(fixture, "getReady", NULL, &error);
    g_assert_no_error(error);
}

static void
test_client_checks_signature(Fixture *fixture, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) reply =
            bridge_call(fixture, "profilesListGet", g_variant_new("(s)", "x"), &error);

    g_assert_error(error, LV_ERROR, LV_ERROR_INVALID_ARGUMENT);
    g_clear_error(&error);
    g_autoptr(GVariant) unknown = bridge_call(fixture, "noSuchMethod", NULL, &error);
    g_assert_error(error, LV_ERROR, LV_ERROR_INVALID_ARGUMENT);
}

static void
test_dbus_no_backend(void)
{
    g_autoptr(LvTestHome) home = lv_test_home_new(NULL, NULL);
    g_autoptr(GTestDBus) bus = g_test_dbus_new(G_TEST_DBUS_NONE);
    Fixture fixture = { .loop = g_main_loop_new(NULL, FALSE) };
    g_autoptr(GError) error = NULL;

    g_test_dbus_up(bus);
    fixture.bridge = open_bridge(&fixture, &error);
    g_assert_no_error(error);
    g_autoptr(GVariant) reply = bridge_call(&fixture, "getReady", NULL, &error);
    g_assert_error(error, LV_ERROR, LV_ERROR_BACKEND_NOT_FOUND);
    lv_bridge_free(fixture.bridge);
    g_main_loop_unref(fixture.loop);
    g_test_dbus_down(bus);
}

static void
test_embedded(void)
{
    Fixture fixture = { .loop = g_main_loop_new(NULL, FALSE) };
    g_autoptr(GError) error = NULL;

    fixture.home = lv_test_home_new("bridge = embedded\n", "[cli]\nbackground = light\n");
    /* No bus at all: the embedded bridge must not need one. */
    g_setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus", TRUE);
    fixture.bridge = open_bridge(&fixture, &error);
    g_assert_no_error(error);
    g_assert_cmpint(lv_bridge_get_mode(fixture.bridge), ==, LV_BRIDGE_MODE_EMBEDDED);

    g_autoptr(GVariant) ready = bridge_call(&fixture, "getReady", NULL, &error);
    g_assert_no_error(error);
    g_autoptr(GVariant) value =
            bridge_call(&fixture, "getConfig", g_variant_new("(ss)", "cli", "background"), &error);
    g_assert_no_error(error);
    g_assert_cmpstr(g_variant_get_type_string(value), ==, "(s)");
    g_autofree char *pid_file = g_build_filename(fixture.home->root, "local", "libervia.pid", NULL);
    g_assert_true(g_file_test(pid_file, G_FILE_TEST_EXISTS));

    lv_bridge_free(fixture.bridge);
    /* Releasing the bridge releases the single-instance lock. */
    g_assert_false(g_file_test(pid_file, G_FILE_TEST_EXISTS));
    g_main_loop_unref(fixture.loop);
    lv_test_home_free(fixture.home);
    g_unsetenv("DBUS_SESSION_BUS_ADDRESS");
}

static void
test_unknown_bridge_name(void)
{
    Fixture fixture = { .loop = g_main_loop_new(NULL, FALSE) };
    g_autoptr(GError) error = NULL;
    g_autoptr(LvTestHome) home = lv_test_home_new("bridge = pb\n", NULL);

    fixture.bridge = open_bridge(&fixture, &error);
    g_assert_null(fixture.bridge);
    g_assert_error(error, LV_ERROR, LV_ERROR_CONFIG);
    g_main_loop_unref(fixture.loop);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add("/lv/bridge/dbus/get-version", Fixture, NULL, fixture_set_up_dbus,
               test_dbus_get_version, fixture_tear_down);
    g_test_add("/lv/bridge/dbus/error-unpacked", Fixture, NULL, fixture_set_up_dbus,
               test_dbus_error_unpacked, fixture_tear_down);
    g_test_add("/lv/bridge/dbus/error-wire-form", Fixture, NULL, fixture_set_up_dbus,
               test_dbus_error_wire_form, fixture_tear_down);
    g_test_add("/lv/bridge/dbus/wrong-signature-answered", Fixture, NULL, fixture_set_up_dbus,
               test_dbus_wrong_signature, fixture_tear_down);
    g_test_add("/lv/bridge/client/checks-signature", Fixture, NULL, fixture_set_up_dbus,
               test_client_checks_signature, fixture_tear_down);
    g_test_add_func("/lv/bridge/dbus/no-backend", test_dbus_no_backend);
    g_test_add_func("/lv/bridge/embedded/serves-without-bus", test_embedded);
    g_test_add_func("/lv/bridge/config/unknown-bridge", test_unknown_bridge_name);
    return g_test_run();
}
