/* Helpers shared by the unit tests: a temporary home and configuration. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
    char *root;        /* temporary directory, removed by lv_test_home_free() */
    char *config_path; /* root/libervia.conf, named by LIBERVIA_CONFIG */
} LvTestHome;

/* Points HOME, the XDG directories and LIBERVIA_CONFIG into a new temporary
 * directory and writes the only config file: [DEFAULT] with local_dir =
 * root/local (GLib caches the XDG directories, so tests name it) and
 * @default_lines, then @sections (both may be NULL). */
LvTestHome *lv_test_home_new(const char *default_lines, const char *sections);
void lv_test_home_free(LvTestHome *home);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LvTestHome, lv_test_home_free)

G_END_DECLS
