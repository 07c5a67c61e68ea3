/* lv-paths: XDG base directories read from the environment at each call (GLib
 * caches its own answers for the life of the process, which tests and
 * long-running frontends cannot rely on), and directory creation with errors a
 * user can act on. */
#include "lv-paths.h"

#include <errno.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "lv-error.h"

static const char *
home_dir(void)
{
    const char *home = g_getenv("HOME");

    return home != NULL && home[0] != '\0' ? home : g_get_home_dir();
}

char *
lv_paths_expand_user(const char *path)
{
    if (path == NULL)
        return NULL;
    if (g_str_equal(path, "~"))
        return g_strdup(home_dir());
    if (g_str_has_prefix(path, "~/"))
        return g_build_filename(home_dir(), path + 2, NULL);
    return g_strdup(path);
}

char *
lv_paths_dup_default_local_dir(void)
{
    const char *data_home = g_getenv("XDG_DATA_HOME");

    /* The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored. */
    if (data_home != NULL && g_path_is_absolute(data_home))
        return g_build_filename(data_home, "libervia", NULL);
    return g_build_filename(home_dir(), ".local", "share", "libervia", NULL);
}

gboolean
lv_paths_ensure_dir(const char *path, int mode, GError **error)
{
    GStatBuf st;

    if (g_stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return TRUE;
        g_set_error(error, LV_ERROR, LV_ERROR_CONFIG,
                    "cannot use directory %s: it exists and is not a directory", path);
        return FALSE;
    }
    if (g_mkdir_with_parents(path, mode) < 0) {
        int saved = errno;
        g_set_error(error, LV_ERROR, LV_ERROR_CONFIG, "cannot create directory %s: %s", path,
                    g_strerror(saved));
        return FALSE;
    }
    return TRUE;
}

gboolean
lv_paths_make_private(const char *path, int mode, GError **error)
{
    GStatBuf st;

    if (g_lstat(path, &st) != 0 || S_ISLNK(st.st_mode))
        return TRUE;
    int current = (int)(st.st_mode & 07777);
    if ((current & ~mode) == 0)
        return TRUE;
    int wanted = current & mode;
    g_warning("%s was readable or writable by others (mode %04o): setting it to %04o", path,
              (unsigned)current, (unsigned)wanted);
    if (g_chmod(path, wanted) != 0) {
        int saved = errno;
        g_set_error(error, LV_ERROR, LV_ERROR_CONFIG, "cannot make %s private: %s", path,
                    g_strerror(saved));
        return FALSE;
    }
    return TRUE;
}
