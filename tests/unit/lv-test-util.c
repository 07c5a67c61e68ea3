/* Helpers shared by the unit tests. */
#include "lv-test-util.h"

#include <sys/stat.h>

#include <glib/gstdio.h>

static void
remove_tree(const char *path)
{
    g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
    const char *name = NULL;

    while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
        g_autofree char *child = g_build_filename(path, name, NULL);
        if (g_file_test(child, G_FILE_TEST_IS_DIR) && !g_file_test(child, G_FILE_TEST_IS_SYMLINK))
            remove_tree(child);
        else
            g_unlink(child);
    }
    g_rmdir(path);
}

LvTestHome *
lv_test_home_new(const char *default_lines, const char *sections)
{
    LvTestHome *home = g_new0(LvTestHome, 1);
    g_autoptr(GError) error = NULL;

    /* As the backend (lv-hardening): what a test writes itself is private too, else
     * opening it is the "too open" warning, fatal in a test. */
    umask(077);
    home->root = g_dir_make_tmp("lv-test-XXXXXX", &error);
    g_assert_no_error(error);
    home->config_path = g_build_filename(home->root, "libervia.conf", NULL);
    g_autofree char *data = g_build_filename(home->root, "data", NULL);
    g_autofree char *config = g_build_filename(home->root, "config", NULL);
    g_setenv("HOME", home->root, TRUE);
    g_setenv("XDG_DATA_HOME", data, TRUE);
    g_setenv("XDG_CONFIG_HOME", config, TRUE);
    g_setenv("LIBERVIA_CONFIG", home->config_path, TRUE);
    g_autofree char *text = g_strdup_printf("[DEFAULT]\nlocal_dir = %s/local\n%s\n%s\n", home->root,
                                            default_lines != NULL ? default_lines : "",
                                            sections != NULL ? sections : "");
    g_file_set_contents(home->config_path, text, -1, &error);
    g_assert_no_error(error);
    return home;
}

void
lv_test_home_free(LvTestHome *home)
{
    remove_tree(home->root);
    g_free(home->config_path);
    g_free(home->root);
    g_free(home);
}
