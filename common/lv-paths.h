/* lv-paths: the directories of the suite (XDG base directories, ~ expansion) and
 * creating them safely. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* "~" and "~/x" expanded with $HOME (transfer full). Other text is returned as is. */
char *lv_paths_expand_user(const char *path);

/* $XDG_DATA_HOME/libervia, the default local_dir (transfer full). */
char *lv_paths_dup_default_local_dir(void);

/* Creates @path and its parents if missing, the last one with @mode; fails with
 * LV_ERROR_CONFIG naming the path and the reason if it cannot be created or is not a
 * directory. An existing directory keeps its mode. */
gboolean lv_paths_ensure_dir(const char *path, int mode, GError **error);

/* Takes from @path (if it exists) every permission bit @mode does not have, with a
 * warning naming the path and both modes: files holding secrets found readable by
 * others (an old umask, a copy) are closed again at start. Symbolic links are not
 * followed. FALSE and LV_ERROR_CONFIG if it cannot be changed. */
gboolean lv_paths_make_private(const char *path, int mode, GError **error);

G_END_DECLS
