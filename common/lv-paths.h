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

G_END_DECLS
