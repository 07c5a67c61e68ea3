/* Tests of lv-paths. */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "lv-error.h"
#include "lv-paths.h"
#include "lv-test-util.h"

static void
test_expand_user(void)
{
    g_autoptr(LvTestHome) home = lv_test_home_new(NULL, NULL);
    g_autofree char *tilde = lv_paths_expand_user("~");
    g_autofree char *sub = lv_paths_expand_user("~/a/b");
    g_autofree char *other = lv_paths_expand_user("/x/~/y");
    g_autofree char *expected = g_build_filename(home->root, "a", "b", NULL);

    g_assert_cmpstr(tilde, ==, home->root);
    g_assert_cmpstr(sub, ==, expected);
    g_assert_cmpstr(other, ==, "/x/~/y");
}

static void
test_default_local_dir(void)
{
    g_autoptr(LvTestHome) home = lv_test_home_new(NULL, NULL);
    g_autofree char *xdg = lv_paths_dup_default_local_dir();
    g_autofree char *expected_xdg = g_build_filename(home->root, "data", "libervia", NULL);

    g_assert_cmpstr(xdg, ==, expected_xdg);
    g_setenv("XDG_DATA_HOME", "relative/ignored", TRUE);
    g_autofree char *fallback = lv_paths_dup_default_local_dir();
    g_autofree char *expected = g_build_filename(home->root, ".local", "share", "libervia", NULL);
    g_assert_cmpstr(fallback, ==, expected);
}

static void
test_ensure_dir_creates_private(void)
{
    g_autoptr(LvTestHome) home = lv_test_home_new(NULL, NULL);
    g_autofree char *path = g_build_filename(home->root, "a", "b", "c", NULL);
    GStatBuf st;

    g_assert_true(lv_paths_ensure_dir(path, 0700, NULL));
    g_assert_cmpint(g_stat(path, &st), ==, 0);
    g_assert_true(S_ISDIR(st.st_mode));
    g_assert_cmpint(st.st_mode & 0777, ==, 0700);
    /* Again: nothing to do, no error. */
    g_assert_true(lv_paths_ensure_dir(path, 0700, NULL));
}

static void
test_ensure_dir_keeps_existing_mode(void)
{
    g_autoptr(LvTestHome) home = lv_test_home_new(NULL, NULL);
    g_autofree char *path = g_build_filename(home->root, "shared", NULL);
    GStatBuf st;

    g_assert_cmpint(g_mkdir(path, 0755), ==, 0);
    g_assert_cmpint(g_chmod(path, 0755), ==, 0);
    g_assert_true(lv_paths_ensure_dir(path, 0700, NULL));
    g_assert_cmpint(g_stat(path, &st), ==, 0);
    g_assert_cmpint(st.st_mode & 0777, ==, 0755);
}

static void
test_ensure_dir_refuses_file(void)
{
    g_autoptr(LvTestHome) home = lv_test_home_new(NULL, NULL);
    g_autofree char *file = g_build_filename(home->root, "file", NULL);
    g_autofree char *under = g_build_filename(file, "sub", NULL);
    g_autoptr(GError) error = NULL;

    g_assert_true(g_file_set_contents(file, "x", -1, NULL));
    g_assert_false(lv_paths_ensure_dir(file, 0700, &error));
    g_assert_error(error, LV_ERROR, LV_ERROR_CONFIG);
    g_assert_nonnull(strstr(error->message, file));
    g_clear_error(&error);
    g_assert_false(lv_paths_ensure_dir(under, 0700, &error));
    g_assert_error(error, LV_ERROR, LV_ERROR_CONFIG);
    g_assert_nonnull(strstr(error->message, under));
}

/* K5: wider modes are narrowed with a warning; private ones and links are left alone. */
static void
test_make_private(void)
{
    g_autoptr(LvTestHome) home = lv_test_home_new(NULL, NULL);
    g_autofree char *file = g_build_filename(home->root, "db", NULL);
    g_autofree char *link = g_build_filename(home->root, "link", NULL);
    g_autoptr(GError) error = NULL;
    GStatBuf st;

    g_assert_true(g_file_set_contents(file, "x", 1, NULL));
    g_assert_cmpint(g_chmod(file, 0664), ==, 0);
    g_test_expect_message("lv-common", G_LOG_LEVEL_WARNING, "*readable or writable by others*");
    g_assert_true(lv_paths_make_private(file, 0600, &error));
    g_test_assert_expected_messages();
    g_assert_no_error(error);
    g_assert_cmpint(g_stat(file, &st), ==, 0);
    g_assert_cmpint(st.st_mode & 0777, ==, 0600);
    g_assert_true(lv_paths_make_private(file, 0600, &error)); /* no second warning */
    g_assert_cmpint(g_chmod(file, 0400), ==, 0);
    g_assert_true(lv_paths_make_private(file, 0600, &error)); /* not widened */
    g_assert_cmpint(g_stat(file, &st), ==, 0);
    g_assert_cmpint(st.st_mode & 0777, ==, 0400);
    g_assert_cmpint(symlink("/etc/passwd", link), ==, 0);
    g_assert_true(lv_paths_make_private(link, 0600, &error));
    g_assert_true(lv_paths_make_private("/nonexistent/lv", 0600, &error));
    g_assert_no_error(error);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/lv/paths/expand-user", test_expand_user);
    g_test_add_func("/lv/paths/default-local-dir", test_default_local_dir);
    g_test_add_func("/lv/paths/ensure-dir/creates-private", test_ensure_dir_creates_private);
    g_test_add_func("/lv/paths/ensure-dir/keeps-existing-mode",
                    test_ensure_dir_keeps_existing_mode);
    g_test_add_func("/lv/paths/ensure-dir/refuses-file", test_ensure_dir_refuses_file);
    g_test_add_func("/lv/paths/K5-make-private", test_make_private);
    return g_test_run();
}
