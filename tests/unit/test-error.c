/* Tests of lv-error: the error form Libervia 0.9's frontends parse. */
#include "lv-error.h"

static void
test_dbus_name(void)
{
    g_autoptr(GError) error = g_error_new_literal(LV_ERROR, LV_ERROR_PROFILE_UNKNOWN, "x");
    g_autoptr(GError) foreign = g_error_new_literal(G_IO_ERROR, G_IO_ERROR_FAILED, "x");
    g_autofree char *name = lv_error_dup_dbus_name(error);
    g_autofree char *foreign_name = lv_error_dup_dbus_name(foreign);

    g_assert_cmpstr(name, ==,
                    "org.libervia.Libervia.error.sat.core.exceptions.ProfileUnknownError");
    g_assert_cmpstr(foreign_name, ==,
                    "org.libervia.Libervia.error.sat.core.exceptions.InternalError");
}

static void
test_message_is_python_tuple(void)
{
    g_autoptr(GError) error =
            g_error_new_literal(LV_ERROR, LV_ERROR_DATA, "it's a \\ test\nwith \x01 «ü»");
    g_autofree char *text = lv_error_dup_dbus_message(error, "bad-request");

    g_assert_cmpstr(text, ==, "('it\\'s a \\\\ test\\nwith \\x01 «ü»', 'bad-request')");
}

static void
test_message_round_trip(void)
{
    const char *samples[] = {
        "", "plain", "quote ' and \" both", "back\\slash", "tab\tnl\n", "ctrl \x1b[31m", "ünïcödé ✓"
    };

    for (gsize i = 0; i < G_N_ELEMENTS(samples); i++) {
        g_autoptr(GError) error = g_error_new_literal(LV_ERROR, LV_ERROR_DATA, samples[i]);
        g_autofree char *text = lv_error_dup_dbus_message(error, NULL);
        g_autofree char *message = NULL;
        g_autofree char *condition = NULL;

        g_assert_true(lv_error_parse_dbus_message(text, &message, &condition));
        g_assert_cmpstr(message, ==, samples[i]);
        g_assert_cmpstr(condition, ==, "");
    }
}

static void
test_parse_python_forms(void)
{
    g_autofree char *message = NULL;
    g_autofree char *condition = NULL;

    /* What Python's repr() writes for a tuple holding a single quote. */
    g_assert_true(lv_error_parse_dbus_message("(\"it's\", 'c')", &message, &condition));
    g_assert_cmpstr(message, ==, "it's");
    g_assert_cmpstr(condition, ==, "c");
    g_clear_pointer(&message, g_free);
    g_clear_pointer(&condition, g_free);
    g_assert_true(lv_error_parse_dbus_message("('\\u00e9\\x41', '')", &message, &condition));
    g_assert_cmpstr(message, ==, "éA");
}

static void
test_parse_rejects_garbage(void)
{
    const char *bad[] = {
        "",      "(",        "plain text",   "('a')",          "('a', 'b'", "('a', 'b') x",
        "('a\\", "('a', b)", "('\\x4', '')", "('\\ud800', '')"
    };

    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        char *message = NULL;
        char *condition = NULL;
        g_assert_false(lv_error_parse_dbus_message(bad[i], &message, &condition));
        g_assert_null(message);
        g_assert_null(condition);
    }
}

static void
test_exit_codes(void)
{
    static const struct {
        LvErrorCode code;
        int exit_code;
    } cases[] = {
        { LV_ERROR_PROFILE_UNKNOWN, 16 },
        { LV_ERROR_NOT_FOUND, 16 },
        { LV_ERROR_DATA, 17 },
        { LV_ERROR_FEATURE_NOT_FOUND, 18 },
        { LV_ERROR_CONFLICT, 19 },
        { LV_ERROR_CANCELLED, 20 },
        { LV_ERROR_INTERNAL, 111 },
        { LV_ERROR_BACKEND_NOT_FOUND, 5 },
        { LV_ERROR_INVALID_ARGUMENT, 2 },
        { LV_ERROR_BRIDGE, 3 },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = g_error_new_literal(LV_ERROR, cases[i].code, "x");
        g_assert_cmpint(lv_error_exit_code(error), ==, cases[i].exit_code);
    }
    g_assert_cmpint(lv_error_exit_code(NULL), ==, 0);
}

static void
test_from_dbus_unpacks_tuple(void)
{
    g_autoptr(GError) sent = g_error_new_literal(LV_ERROR, LV_ERROR_CONFLICT, "it's taken");
    g_autofree char *name = lv_error_dup_dbus_name(sent);
    g_autofree char *text = lv_error_dup_dbus_message(sent, NULL);
    g_autoptr(GError) remote = g_dbus_error_new_for_dbus_error(name, text);
    g_autoptr(GError) local = lv_error_new_from_dbus(remote);

    g_assert_error(local, LV_ERROR, LV_ERROR_CONFLICT);
    g_assert_cmpstr(local->message, ==, "it's taken");
}

static void
test_from_dbus_libervia_module(void)
{
    /* Libervia 0.9 raises some errors from other modules than ours. */
    g_autoptr(GError) remote = g_dbus_error_new_for_dbus_error(
            "org.libervia.Libervia.error.sat.tools.common.NotFound", "('gone', 'item-not-found')");
    g_autoptr(GError) local = lv_error_new_from_dbus(remote);

    g_assert_error(local, LV_ERROR, LV_ERROR_NOT_FOUND);
    g_assert_cmpstr(local->message, ==, "gone (item-not-found)");
}

static void
test_from_dbus_no_service(void)
{
    g_autoptr(GError) remote = g_dbus_error_new_for_dbus_error(
            "org.freedesktop.DBus.Error.ServiceUnknown", "The name is not activatable");
    g_autoptr(GError) local = lv_error_new_from_dbus(remote);

    g_assert_error(local, LV_ERROR, LV_ERROR_BACKEND_NOT_FOUND);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/lv/error/dbus-name", test_dbus_name);
    g_test_add_func("/lv/error/message/is-python-tuple", test_message_is_python_tuple);
    g_test_add_func("/lv/error/message/round-trip", test_message_round_trip);
    g_test_add_func("/lv/error/message/parses-python-forms", test_parse_python_forms);
    g_test_add_func("/lv/error/message/rejects-garbage", test_parse_rejects_garbage);
    g_test_add_func("/lv/error/exit-codes", test_exit_codes);
    g_test_add_func("/lv/error/from-dbus/unpacks-tuple", test_from_dbus_unpacks_tuple);
    g_test_add_func("/lv/error/from-dbus/libervia-module", test_from_dbus_libervia_module);
    g_test_add_func("/lv/error/from-dbus/no-service", test_from_dbus_no_service);
    return g_test_run();
}
