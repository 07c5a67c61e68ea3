/* Tests of lv-config: libervia.conf read as Libervia 0.9 reads it. */
#include <string.h>

#include <glib/gstdio.h>

#include "lv-config.h"
#include "lv-error.h"
#include "lv-test-util.h"

/* Writes @text to @name under the test home; returns the path. */
static char *
write_file(LvTestHome *home, const char *name, const char *text)
{
    g_autofree char *path = g_build_filename(home->root, name, NULL);
    g_autofree char *dir = g_path_get_dirname(path);

    g_assert_cmpint(g_mkdir_with_parents(dir, 0700), ==, 0);
    g_assert_true(g_file_set_contents(path, text, -1, NULL));
    return g_steal_pointer(&path);
}

static LvConfig *
load(const char *path, GError **error)
{
    const char *files[] = { path, NULL };

    return lv_config_new_from_files(files, error);
}

/* Loads @text as the only file and expects an error mentioning @needle. */
static void
assert_malformed(const char *text, const char *needle)
{
    g_autoptr(LvTestHome) home = lv_test_home_new(NULL, NULL);
    g_autofree char *path = write_file(home, "bad.conf", text);
    g_autoptr(GError) error = NULL;
    g_autoptr(LvConfig) config = load(path, &error);
    g_autofree char *expected = g_strdup_printf("%s%s", path, needle);

    g_assert_null(config);
    g_assert_error(error, LV_ERROR, LV_ERROR_CONFIG);
    if (strstr(error->message, expected) == NULL)
        g_test_fail_printf("'%s' does not contain '%s'", error->message, expected);
}

static void
test_search_path_order(void)
{
    g_autoptr(LvTestHome) home = lv_test_home_new(NULL, NULL);
    g_autofree char *xdg = g_build_filename(home->root, "config", NULL);
    g_autofree char *dirs = g_build_filename(home->root, "xdg1", NULL);

    g_unsetenv("LIBERVIA_CONFIG");
    g_setenv("XDG_CONFIG_DIRS", dirs, TRUE);
    g_auto(GStrv) path = lv_config_dup_search_path();
    g_autoptr(GPtrArray) expected = g_ptr_array_new_with_free_func(g_free);
    const char *names[] = { "libervia.conf", "sat.conf" };
    for (gsize n = 0; n < 2; n++) {
        g_ptr_array_add(expected, g_strconcat("/etc/_", names[n], NULL));
        g_ptr_array_add(expected, g_strconcat("/etc/", names[n], NULL));
        g_ptr_array_add(expected, g_strconcat(home->root, "/", names[n], NULL));
        g_ptr_array_add(expected, g_strconcat(home->root, "/.", names[n], NULL));
        g_ptr_array_add(expected, g_strconcat(xdg, "/libervia/", names[n], NULL));
        g_ptr_array_add(expected, g_strconcat(dirs, "/libervia/", names[n], NULL));
        g_ptr_array_add(expected, g_strconcat(xdg, "/sat/", names[n], NULL));
        g_ptr_array_add(expected, g_strconcat(dirs, "/sat/", names[n], NULL));
    }
    g_assert_cmpuint(g_strv_length(path), ==, expected->len);
    for (guint i = 0; i < expected->len; i++)
        g_assert_cmpstr(path[i], ==, expected->pdata[i]);
    g_unsetenv("XDG_CONFIG_DIRS");
}

static void
test_later_files_win(void)
{
    g_autoptr(LvTestHome) home = lv_test_home_new(NULL, NULL);
    g_autofree char *a = write_file(home, ".libervia.conf", "[cli]\na = 1\nb = 1\n");
    g_autofree char *b = write_file(home, "config/libervia/libervia.conf", "[cli]\nb = 2\n");
    g_autoptr(GError) error = NULL;

    g_unsetenv("LIBERVIA_CONFIG");
    g_setenv("XDG_CONFIG_DIRS", "/nonexistent", TRUE);
    g_autoptr(LvConfig) config = lv_config_new(&error);
    g_assert_no_error(error);
    g_autofree char *va = lv_config_dup_string(config, "cli", "a", NULL);
    g_autofree char *vb = lv_config_dup_string(config, "cli", "b", NULL);
    g_assert_cmpstr(va, ==, "1");
    g_assert_cmpstr(vb, ==, "2");
    /* ~/libervia.conf (written by the test home), ~/.libervia.conf, then XDG. */
    const char *const *files = lv_config_get_files(config);
    g_assert_cmpstr(files[0], ==, home->config_path);
    g_assert_cmpstr(files[1], ==, a);
    g_assert_cmpstr(files[2], ==, b);
    g_assert_null(files[3]);
    g_unsetenv("XDG_CONFIG_DIRS");
}

static void
test_libervia_config_env_replaces_path(void)
{
    g_autoptr(LvTestHome) home = lv_test_home_new(NULL, NULL);
    g_autofree char *one = write_file(home, "one.conf", "[x]\nk = one\n");
    g_autofree char *two = write_file(home, "two.conf", "[x]\nk = two\n");
    g_autofree char *both = g_strconcat(one, ":", two, NULL);

    g_setenv("LIBERVIA_CONFIG", both, TRUE);
    g_autoptr(LvConfig) config = lv_config_new(NULL);
    g_autofree char *value = lv_config_dup_string(config, "x", "k", NULL);
    g_assert_cmpstr(value, ==, "two");
}

static void
test_default_section_and_case(void)
{
    g_autoptr(LvTestHome) home = lv_test_home_new(NULL, NULL);
    g_autofree char *path =
            write_file(home, "c.conf", "[DEFAULT]\nShared = yes\n[tui]\nKEY_Quit: ctrl x\n");
    g_autoptr(LvConfig) config = load(path, NULL);
    g_autofree char *shared = lv_config_dup_string(config, "tui", "shared", NULL);
    g_autofree char *key = lv_config_dup_string(config, "tui", "key_quit", NULL);
    g_autofree char *upper = lv_config_dup_string(config, "tui", "KEY_QUIT", NULL);
    g_autofree char *missing = lv_config_dup_string(config, "tui", "nothing", NULL);

    g_assert_cmpstr(shared, ==, "yes");
    g_assert_cmpstr(key, ==, "ctrl x");
    g_assert_cmpstr(upper, ==, "ctrl x");
    g_assert_null(missing);
    g_assert_true(lv_config_has(config, "tui", "shared"));
    g_assert_false(lv_config_has(config, "tui", "nothing"));
}

static void
test_defaults_and_interpolation(void)
{
    g_autoptr(LvTestHome) home = lv_test_home_new(NULL, NULL);
    g_autofree char *path = write_file(home, "c.conf",
                                       "[DEFAULT]\nlocal_dir = ~/data\nx = %(local_dir)s/x\n"
                                       "pct = 100%%\n[s]\ny = %(X)s/y\n");
    g_autoptr(LvConfig) config = load(path, NULL);
    g_autofree char *local = g_build_filename(home->root, "data", NULL);
    g_autofree char *pid_dir = lv_config_dup_string(config, "DEFAULT", "pid_dir", NULL);
    g_autofree char *y = lv_config_dup_string(config, "s", "y", NULL);
    g_autofree char *pct = lv_config_dup_string(config, "s", "pct", NULL);
    g_autofree char *downloads = lv_config_dup_string(config, "DEFAULT", "downloads_dir", NULL);
    g_autofree char *expected_downloads =
            g_build_filename(home->root, "Downloads", "libervia", NULL);
    g_autofree char *bridge = lv_config_dup_string(config, "DEFAULT", "bridge", NULL);

    g_assert_cmpstr(pid_dir, ==, local); /* %(local_dir)s, then ~ expanded */
    g_assert_true(g_str_has_suffix(y, "data/x/y"));
    g_assert_cmpstr(pct, ==, "100%");
    g_assert_cmpstr(downloads, ==, expected_downloads);
    g_assert_cmpstr(bridge, ==, "dbus");
}

static void
test_default_local_dir_is_xdg(void)
{
    g_autoptr(LvTestHome) home = lv_test_home_new(NULL, NULL);
    g_autoptr(LvConfig) config = load("/nonexistent/libervia.conf", NULL);
    g_autofree char *local = lv_config_dup_string(config, "DEFAULT", "local_dir", NULL);
    g_autofree char *expected = g_build_filename(home->root, "data", "libervia", NULL);

    g_assert_cmpstr(local, ==, expected);
}

static void
test_interpolation_errors(void)
{
    g_autoptr(LvTestHome) home = lv_test_home_new(NULL, NULL);
    g_autofree char *path =
            write_file(home, "c.conf", "[s]\nunknown = %(nope)s\nloop = %(loop)s\nbad = 5%\n");
    g_autoptr(LvConfig) config = load(path, NULL);
    const char *cases[][2] = { { "unknown", ":2: [s] unknown" },
                               { "loop", "nested too deeply" },
                               { "bad", ":4: [s] bad" } };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;
        g_autofree char *value = lv_config_dup_string(config, "s", cases[i][0], &error);
        g_assert_null(value);
        g_assert_error(error, LV_ERROR, LV_ERROR_CONFIG);
        if (strstr(error->message, cases[i][1]) == NULL)
            g_test_fail_printf("'%s' lacks '%s'", error->message, cases[i][1]);
    }
}

static void
test_continuation_lines(void)
{
    g_autoptr(LvTestHome) home = lv_test_home_new(NULL, NULL);
    g_autofree char *path =
            write_file(home, "c.conf", "[s]\nmulti = first\n  second\n\n  third\nnext = n\r\n");
    g_autoptr(LvConfig) config = load(path, NULL);
    g_autofree char *multi = lv_config_dup_string(config, "s", "multi", NULL);
    g_autofree char *next = lv_config_dup_string(config, "s", "next", NULL);

    g_assert_cmpstr(multi, ==, "first\nsecond\n\nthird");
    g_assert_cmpstr(next, ==, "n");
}

static void
test_malformed_files(void)
{
    assert_malformed("key = value\n", ":1: option outside any section");
    assert_malformed("[DEFAULT]\nok = 1\ngarbage\n", ":3: expected 'name = value'");
    assert_malformed("[DEFAULT\n", ":1: section header without closing");
    assert_malformed("[a]\n[b]\n[a]\n", ":3: section [a] appears twice");
    assert_malformed("[a]\nk = 1\nK = 2\n", ":3: option k appears twice");
    assert_malformed("[a]\n = 1\n", ":2: option without a name");
    assert_malformed("[a]\nk = \xff\n", ":2: not valid UTF-8");
    assert_malformed("[]\n", ":1: empty section name");
}

static void
test_malformed_file_changes_nothing(void)
{
    g_autoptr(LvTestHome) home = lv_test_home_new(NULL, NULL);
    g_autofree char *good = write_file(home, "good.conf", "[s]\nk = good\n");
    g_autofree char *bad = write_file(home, "bad.conf", "[s]\nk = bad\noops\n");
    const char *files[] = { good, bad, NULL };
    g_autoptr(GError) error = NULL;
    g_autoptr(LvConfig) config = lv_config_new_from_files(files, &error);

    g_assert_null(config);
    g_assert_error(error, LV_ERROR, LV_ERROR_CONFIG);
    g_assert_nonnull(strstr(error->message, bad));
}

static void
test_unreadable_file(void)
{
    g_autoptr(LvTestHome) home = lv_test_home_new(NULL, NULL);
    g_autofree char *dir = g_build_filename(home->root, "dir.conf", NULL);
    g_autoptr(GError) error = NULL;

    /* A directory in place of the file: unreadable even for root. */
    g_assert_cmpint(g_mkdir(dir, 0700), ==, 0);
    g_autoptr(LvConfig) config = load(dir, &error);
    g_assert_null(config);
    g_assert_error(error, LV_ERROR, LV_ERROR_CONFIG);
    g_assert_nonnull(strstr(error->message, dir));
}

static void
test_typed_values(void)
{
    g_autoptr(LvTestHome) home = lv_test_home_new(NULL, NULL);
    g_autofree char *path = write_file(home, "c.conf",
                                       "[s]\nyes = On\nno = 0\nmaybe = perhaps\nn = -42\n"
                                       "big = 99999999999999999999\nnames_list = a, \"b, c\" ,d\n"
                                       "empty_list =\nhosts_dict = {\"a\": {\"port\": 5}}\n"
                                       "notdict_dict = [1]\nany_json = [1, 2]\nbad_json = {\n");
    g_autoptr(LvConfig) config = load(path, NULL);
    g_autoptr(GError) error = NULL;

    g_assert_true(lv_config_get_bool(config, "s", "yes", FALSE, NULL));
    g_assert_false(lv_config_get_bool(config, "s", "no", TRUE, NULL));
    g_assert_true(lv_config_get_bool(config, "s", "unset", TRUE, NULL));
    g_assert_false(lv_config_get_bool(config, "s", "maybe", FALSE, &error));
    g_assert_error(error, LV_ERROR, LV_ERROR_CONFIG);
    g_assert_nonnull(strstr(error->message, ":4: [s] maybe"));
    g_clear_error(&error);

    g_assert_cmpint(lv_config_get_int(config, "s", "n", 0, NULL), ==, -42);
    g_assert_cmpint(lv_config_get_int(config, "s", "big", 7, &error), ==, 7);
    g_assert_error(error, LV_ERROR, LV_ERROR_CONFIG);
    g_clear_error(&error);

    g_auto(GStrv) names = lv_config_dup_list(config, "s", "names_list", NULL);
    g_assert_cmpuint(g_strv_length(names), ==, 3);
    g_assert_cmpstr(names[0], ==, "a");
    g_assert_cmpstr(names[1], ==, "b, c");
    g_assert_cmpstr(names[2], ==, "d");
    g_auto(GStrv) empty = lv_config_dup_list(config, "s", "empty_list", NULL);
    g_assert_cmpuint(g_strv_length(empty), ==, 0);

    g_autoptr(JsonNode) hosts = lv_config_dup_json(config, "s", "hosts_dict", NULL);
    g_assert_true(JSON_NODE_HOLDS_OBJECT(hosts));
    g_autoptr(JsonNode) any = lv_config_dup_json(config, "s", "any_json", NULL);
    g_assert_true(JSON_NODE_HOLDS_ARRAY(any));
    g_autoptr(JsonNode) notdict = lv_config_dup_json(config, "s", "notdict_dict", &error);
    g_assert_null(notdict);
    g_assert_error(error, LV_ERROR, LV_ERROR_CONFIG);
    g_clear_error(&error);
    g_autoptr(JsonNode) bad = lv_config_dup_json(config, "s", "bad_json", &error);
    g_assert_null(bad);
    g_assert_nonnull(strstr(error->message, ":12: [s] bad_json"));
}

static void
test_env_override(void)
{
    g_autoptr(LvTestHome) home = lv_test_home_new(NULL, NULL);
    g_autofree char *path = write_file(home, "c.conf", "[DEFAULT]\nlocal_dir = /from/file\n");
    g_autoptr(LvConfig) config = load(path, NULL);

    g_setenv("LIBERVIA_LOCAL_DIR", "/from/env", TRUE);
    g_autofree char *local = lv_config_dup_string(config, "DEFAULT", "local_dir", NULL);
    g_autofree char *pid_dir = lv_config_dup_string(config, "DEFAULT", "pid_dir", NULL);
    g_unsetenv("LIBERVIA_LOCAL_DIR");
    g_assert_cmpstr(local, ==, "/from/env");
    g_assert_cmpstr(pid_dir, ==, "/from/env");
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/lv/config/search-path/order", test_search_path_order);
    g_test_add_func("/lv/config/search-path/later-files-win", test_later_files_win);
    g_test_add_func("/lv/config/search-path/env-replaces", test_libervia_config_env_replaces_path);
    g_test_add_func("/lv/config/parse/default-section-and-case", test_default_section_and_case);
    g_test_add_func("/lv/config/parse/continuation-lines", test_continuation_lines);
    g_test_add_func("/lv/config/parse/rejects-malformed", test_malformed_files);
    g_test_add_func("/lv/config/parse/malformed-file-changes-nothing",
                    test_malformed_file_changes_nothing);
    g_test_add_func("/lv/config/parse/unreadable-file", test_unreadable_file);
    g_test_add_func("/lv/config/values/defaults-and-interpolation",
                    test_defaults_and_interpolation);
    g_test_add_func("/lv/config/values/default-local-dir-is-xdg", test_default_local_dir_is_xdg);
    g_test_add_func("/lv/config/values/interpolation-errors", test_interpolation_errors);
    g_test_add_func("/lv/config/values/typed", test_typed_values);
    g_test_add_func("/lv/config/values/env-override", test_env_override);
    return g_test_run();
}
