/* Tests of the backend core: method registry and the core methods, called the
 * way both transports call them. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "lv-backend.h"
#include "lv-bridge-interface.h"
#include "lv-dbus-generated.h"
#include "lv-test-util.h"

typedef struct {
    GVariant *result;
    GError *error;
    gboolean answered;
} Answer;

static void
on_answer(GVariant *result, GError *error, gpointer user_data)
{
    Answer *answer = user_data;

    g_assert_false(answer->answered);
    answer->answered = TRUE;
    answer->result = result;
    answer->error = error;
}

static void
answer_clear(Answer *answer)
{
    g_clear_pointer(&answer->result, g_variant_unref);
    g_clear_error(&answer->error);
    answer->answered = FALSE;
}

/* Calls @method as a transport would, with the interface file's reply type. */
static void
call(LvBackend *backend, const char *method, GVariant *params, Answer *answer)
{
    GDBusMethodInfo *info = lv_bridge_interface_lookup_method(method, NULL);
    g_autoptr(GVariantType) reply_type = NULL;

    g_assert_nonnull(info);
    reply_type = lv_bridge_interface_dup_out_type(info);
    lv_backend_dispatch(backend, lv_invocation_new(method, params, reply_type, on_answer, answer));
    g_assert_true(answer->answered);
}

static LvBackend *
new_backend(const char *default_lines, const char *sections, LvTestHome **home)
{
    g_autoptr(GError) error = NULL;

    *home = lv_test_home_new(default_lines, sections);
    g_autoptr(LvConfig) config = lv_config_new(&error);
    g_assert_no_error(error);
    LvBackend *backend = lv_backend_new(config, &error);
    g_assert_no_error(error);
    return backend;
}

static LvBackend *
new_started_backend(const char *default_lines, const char *sections, LvTestHome **home)
{
    LvBackend *backend = new_backend(default_lines, sections, home);

    g_assert_true(lv_backend_start(backend, NULL));
    return backend;
}

static void
test_every_interface_method_has_a_handler(void)
{
    g_autoptr(LvTestHome) home = NULL;
    g_autoptr(LvBackend) backend = new_backend(NULL, NULL, &home);
    GDBusInterfaceInfo *interfaces[] = { lv_dbus_core_interface_info(),
                                         lv_dbus_plugin_interface_info() };

    for (gsize i = 0; i < G_N_ELEMENTS(interfaces); i++) {
        for (guint m = 0; interfaces[i]->methods != NULL && interfaces[i]->methods[m]; m++)
            g_assert_true(lv_backend_has_method(backend, interfaces[i]->methods[m]->name));
    }
}

static void
test_local_dir_created_private(void)
{
    g_autoptr(LvTestHome) home = NULL;
    g_autoptr(LvBackend) backend = new_backend(NULL, NULL, &home);
    GStatBuf st;

    g_assert_cmpint(g_stat(lv_backend_get_local_dir(backend), &st), ==, 0);
    g_assert_cmpint(st.st_mode & 0777, ==, 0700);
}

static void
test_local_dir_uncreatable(void)
{
    g_autoptr(LvTestHome) home = lv_test_home_new(NULL, NULL);
    g_autofree char *blocker = g_build_filename(home->root, "file", NULL);
    g_autofree char *text = g_strdup_printf("[DEFAULT]\nlocal_dir = %s/sub\n", blocker);
    g_autoptr(GError) error = NULL;

    g_assert_true(g_file_set_contents(blocker, "x", -1, NULL));
    g_assert_true(g_file_set_contents(home->config_path, text, -1, NULL));
    g_autoptr(LvConfig) config = lv_config_new(&error);
    g_assert_no_error(error);
    g_autoptr(LvBackend) backend = lv_backend_new(config, &error);
    g_assert_null(backend);
    g_assert_error(error, LV_ERROR, LV_ERROR_CONFIG);
    g_assert_nonnull(strstr(error->message, blocker));
}

static void
test_get_ready_waits_for_start(void)
{
    g_autoptr(LvTestHome) home = NULL;
    g_autoptr(LvBackend) backend = new_backend(NULL, NULL, &home);
    Answer answer = { 0 };
    GDBusMethodInfo *info = lv_bridge_interface_lookup_method("getReady", NULL);
    g_autoptr(GVariantType) reply_type = lv_bridge_interface_dup_out_type(info);

    lv_backend_dispatch(backend,
                        lv_invocation_new("getReady", NULL, reply_type, on_answer, &answer));
    g_assert_false(answer.answered);
    g_assert_true(lv_backend_start(backend, NULL));
    g_assert_true(answer.answered);
    g_assert_no_error(answer.error);
    g_assert_cmpstr(g_variant_get_type_string(answer.result), ==, "()");
    answer_clear(&answer);
    call(backend, "getReady", NULL, &answer);
    g_assert_no_error(answer.error);
    answer_clear(&answer);
}

static void
test_not_ready_refuses_calls(void)
{
    g_autoptr(LvTestHome) home = NULL;
    g_autoptr(LvBackend) backend = new_backend(NULL, NULL, &home);
    Answer answer = { 0 };

    call(backend, "profilesListGet", g_variant_new("(bb)", TRUE, TRUE), &answer);
    g_assert_error(answer.error, LV_ERROR, LV_ERROR_NOT_READY);
    answer_clear(&answer);
}

static void
test_get_version(void)
{
    g_autoptr(LvTestHome) home = NULL;
    g_autoptr(LvBackend) backend = new_started_backend(NULL, NULL, &home);
    Answer answer = { 0 };
    const char *version = NULL;

    call(backend, "getVersion", NULL, &answer);
    g_assert_no_error(answer.error);
    g_variant_get(answer.result, "(&s)", &version);
    g_assert_cmpstr(version, ==, PACKAGE_VERSION);
    answer_clear(&answer);
}

static void
test_get_config(void)
{
    g_autoptr(LvTestHome) home = NULL;
    g_autoptr(LvBackend) backend =
            new_started_backend("email_password = hunter2\n", "[cli]\nbackground = dark\n", &home);
    Answer answer = { 0 };
    const char *value = NULL;
    g_autofree char *local = g_build_filename(home->root, "local", NULL);

    call(backend, "getConfig", g_variant_new("(ss)", "cli", "background"), &answer);
    g_variant_get(answer.result, "(&s)", &value);
    g_assert_cmpstr(value, ==, "dark");
    answer_clear(&answer);

    call(backend, "getConfig", g_variant_new("(ss)", "", "local_dir"), &answer);
    g_variant_get(answer.result, "(&s)", &value);
    g_assert_cmpstr(value, ==, local);
    answer_clear(&answer);

    call(backend, "getConfig", g_variant_new("(ss)", "cli", "no_such_option"), &answer);
    g_variant_get(answer.result, "(&s)", &value);
    g_assert_cmpstr(value, ==, "");
    answer_clear(&answer);

    call(backend, "getConfig", g_variant_new("(ss)", "DEFAULT", "email_password"), &answer);
    g_assert_error(answer.error, LV_ERROR, LV_ERROR_PERMISSION);
    g_assert_null(strstr(answer.error->message, "hunter2"));
    answer_clear(&answer);
}

static void
test_profiles_list_empty(void)
{
    g_autoptr(LvTestHome) home = NULL;
    g_autoptr(LvBackend) backend = new_started_backend(NULL, NULL, &home);
    Answer answer = { 0 };

    call(backend, "profilesListGet", g_variant_new("(bb)", TRUE, FALSE), &answer);
    g_assert_no_error(answer.error);
    g_assert_cmpstr(g_variant_get_type_string(answer.result), ==, "(as)");
    g_autoptr(GVariant) list = g_variant_get_child_value(answer.result, 0);
    g_assert_cmpuint(g_variant_n_children(list), ==, 0);
    answer_clear(&answer);
}

static void
test_namespaces_registry(void)
{
    g_autoptr(LvTestHome) home = NULL;
    g_autoptr(LvBackend) backend = new_started_backend(NULL, NULL, &home);
    Answer answer = { 0 };
    const char *ns = NULL;

    lv_backend_register_namespace(backend, "mam", "urn:xmpp:mam:2");
    call(backend, "namespacesGet", NULL, &answer);
    g_autoptr(GVariant) map = g_variant_get_child_value(answer.result, 0);
    g_assert_true(g_variant_lookup(map, "mam", "&s", &ns));
    g_assert_cmpstr(ns, ==, "urn:xmpp:mam:2");
    answer_clear(&answer);
}

typedef struct {
    char *interface_name;
    char *name;
    GVariant *params;
} Emitted;

static void
on_signal(const char *interface_name, const char *name, GVariant *params, gpointer user_data)
{
    Emitted *emitted = user_data;

    emitted->interface_name = g_strdup(interface_name);
    emitted->name = g_strdup(name);
    emitted->params = g_variant_ref(params);
}

static void
test_unknown_signal_not_emitted(void)
{
    g_autoptr(LvTestHome) home = NULL;
    g_autoptr(LvBackend) backend = new_backend(NULL, NULL, &home);
    Emitted emitted = { 0 };
    guint id = lv_backend_add_signal_sink(backend, on_signal, &emitted);

    g_test_expect_message("lv-backend", G_LOG_LEVEL_WARNING, "*noSuchSignal*");
    lv_backend_emit_signal(backend, "noSuchSignal", g_variant_new("(s)", "x"));
    g_test_assert_expected_messages();
    g_assert_null(emitted.name);
    lv_backend_remove_signal_sink(backend, id);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/lv/backend/methods/every-interface-method-has-a-handler",
                    test_every_interface_method_has_a_handler);
    g_test_add_func("/lv/backend/local-dir/created-private", test_local_dir_created_private);
    g_test_add_func("/lv/backend/local-dir/uncreatable", test_local_dir_uncreatable);
    g_test_add_func("/lv/backend/get-ready/waits-for-start", test_get_ready_waits_for_start);
    g_test_add_func("/lv/backend/not-ready-refuses-calls", test_not_ready_refuses_calls);
    g_test_add_func("/lv/backend/get-version", test_get_version);
    g_test_add_func("/lv/backend/get-config", test_get_config);
    g_test_add_func("/lv/backend/profiles-list/empty", test_profiles_list_empty);
    g_test_add_func("/lv/backend/namespaces/registry", test_namespaces_registry);
    g_test_add_func("/lv/backend/signals/unknown-not-emitted", test_unknown_signal_not_emitted);
    return g_test_run();
}
