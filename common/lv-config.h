/* lv-config: libervia.conf, read as Libervia 0.9 reads it.
 *
 * The files of the search path are read in ascending priority (later files win),
 * INI syntax as Python's ConfigParser understands it ([DEFAULT] values inherited by
 * every section, %(name)s interpolation, case-insensitive option names), values typed
 * by the suffix of their name (_path/_dir expand ~, _list, _dict, _json), and the
 * LIBERVIA_* environment overrides. Every option the code reads is declared in the
 * option table (lv-config-options.c), which also drives libervia.conf.sample.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _LvConfig LvConfig;

typedef enum {
    LV_CONFIG_TYPE_STRING,
    LV_CONFIG_TYPE_BOOL,
    LV_CONFIG_TYPE_INT,
    LV_CONFIG_TYPE_PATH, /* _path and _dir options: ~ expanded */
    LV_CONFIG_TYPE_LIST, /* _list: comma separated (CSV, quotes allowed) */
    LV_CONFIG_TYPE_DICT, /* _dict: a JSON object */
    LV_CONFIG_TYPE_JSON, /* _json: any JSON value */
} LvConfigType;

/* One option the code reads. @default_value is the text form before interpolation
 * (NULL: no default); @env is the environment variable that overrides it, or NULL. */
typedef struct {
    const char *section; /* "DEFAULT", "cli", "tui", … */
    const char *name;
    LvConfigType type;
    const char *default_value;
    const char *env;
    const char *doc; /* one line, for libervia.conf.sample */
} LvConfigOption;

/* The table of every option the code reads, terminated by an entry whose section is
 * NULL (transfer none). */
const LvConfigOption *lv_config_options(void);

/* The candidate files in ascending priority (transfer full). If LIBERVIA_CONFIG is
 * set in the environment it is a colon-separated list that replaces the search path
 * (our extension, for tests and unusual set-ups). */
char **lv_config_dup_search_path(void);

/* Reads the files of the search path that exist. A file that exists but cannot be
 * read, or that is malformed, is an LV_ERROR_CONFIG error naming the file and line. */
LvConfig *lv_config_new(GError **error);

/* Reads exactly @files (missing ones skipped), in ascending priority. */
LvConfig *lv_config_new_from_files(const char *const *files, GError **error);

LvConfig *lv_config_ref(LvConfig *config);
void lv_config_unref(LvConfig *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LvConfig, lv_config_unref)

/* The files actually read, in the order read (transfer none). */
const char *const *lv_config_get_files(LvConfig *config);

/* TRUE if @name is set in @section (or in [DEFAULT], or by its environment
 * variable, or has a default). */
gboolean lv_config_has(LvConfig *config, const char *section, const char *name);

/* The value as text after interpolation and environment override; for _path/_dir
 * names ~ is expanded. NULL without error when the option is unset and has no
 * default; NULL with LV_ERROR_CONFIG (file:line in the message) when interpolation
 * fails (transfer full). */
char *lv_config_dup_string(LvConfig *config, const char *section, const char *name, GError **error);

/* Typed reads; a value of the wrong type is LV_ERROR_CONFIG naming file, line,
 * section and option. Unset options give @fallback / NULL without error. */
gboolean lv_config_get_bool(LvConfig *config, const char *section, const char *name,
                            gboolean fallback, GError **error);
gint64 lv_config_get_int(LvConfig *config, const char *section, const char *name, gint64 fallback,
                         GError **error);
char **lv_config_dup_list(LvConfig *config, const char *section, const char *name, GError **error);
/* For _dict (an object) and _json (anything) options (transfer full). */
JsonNode *lv_config_dup_json(LvConfig *config, const char *section, const char *name,
                             GError **error);

G_END_DECLS
