/* gui-window-state: the window's size and maximized state, kept in a small key
 * file (libervia/desktop-state.ini in the user's state directory) so that no
 * GSettings schema needs installing. Written when the window closes. */
#include <glib/gstdio.h>

#include "gui-views.h"

#define GROUP "window"
#define DEFAULT_WIDTH 960
#define DEFAULT_HEIGHT 640

static char *
state_path(void)
{
    return g_build_filename(g_get_user_state_dir(), "libervia", "desktop-state.ini", NULL);
}

void
gui_window_state_restore(GtkWindow *window)
{
    g_autofree char *path = state_path();
    g_autoptr(GKeyFile) file = g_key_file_new();
    int width = DEFAULT_WIDTH;
    int height = DEFAULT_HEIGHT;

    if (g_key_file_load_from_file(file, path, G_KEY_FILE_NONE, NULL)) {
        int w = g_key_file_get_integer(file, GROUP, "width", NULL);
        int h = g_key_file_get_integer(file, GROUP, "height", NULL);
        /* A damaged file gives the default size, not a window of no size. */
        if (w >= 360 && w <= 16384 && h >= 360 && h <= 16384) {
            width = w;
            height = h;
        }
        if (g_key_file_get_boolean(file, GROUP, "maximized", NULL))
            gtk_window_maximize(window);
    }
    gtk_window_set_default_size(window, width, height);
}

/* At close, the one moment the size is final: a tiny write, done synchronously
 * since the application is about to exit. */
void
gui_window_state_save(GtkWindow *window)
{
    g_autofree char *path = state_path();
    g_autofree char *dir = g_path_get_dirname(path);
    g_autoptr(GKeyFile) file = g_key_file_new();
    g_autoptr(GError) error = NULL;
    int width = 0;
    int height = 0;

    gtk_window_get_default_size(window, &width, &height);
    g_key_file_set_integer(file, GROUP, "width", width);
    g_key_file_set_integer(file, GROUP, "height", height);
    g_key_file_set_boolean(file, GROUP, "maximized", gtk_window_is_maximized(window));
    if (g_mkdir_with_parents(dir, 0700) != 0 || !g_key_file_save_to_file(file, path, &error))
        g_message("window state not saved in %s: %s", path,
                  error != NULL ? error->message : g_strerror(errno));
}
