/* lv-config: the search path, merging files in priority order, and typed lookups
 * with interpolation, defaults and environment overrides (see lv-config.h). */
#include "lv-config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lv-config-private.h"
#include "lv-error.h"
#include "lv-paths.h"

#define MAX_INTERPOLATION_DEPTH 10

struct _LvConfig {
    gint ref_count;
    GHashTable *sections; /* merged: later files win */
    GPtrArray *files;     /* paths read, NULL-terminated */
};

/* The search path prefixes of Libervia 0.9, in ascending priority. Its last entry,
 * the parent directory of its Python package, has no equivalent here. */
static GPtrArray *
search_prefixes(void)
{
    GPtrArray *prefixes = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *home = lv_paths_expand_user("~");
    const char *config_home = g_getenv("XDG_CONFIG_HOME");
    const char *config_dirs = g_getenv("XDG_CONFIG_DIRS");
    g_autoptr(GPtrArray) xdg = g_ptr_array_new_with_free_func(g_free);

    g_ptr_array_add(prefixes, g_strdup("/etc/_"));
    g_ptr_array_add(prefixes, g_strdup("/etc/"));
    g_ptr_array_add(prefixes, g_strconcat(home, "/", NULL));
    g_ptr_array_add(prefixes, g_strconcat(home, "/.", NULL));
    if (config_home != NULL && g_path_is_absolute(config_home))
        g_ptr_array_add(xdg, g_strdup(config_home));
    else
        g_ptr_array_add(xdg, g_build_filename(home, ".config", NULL));
    g_auto(GStrv) dirs = g_strsplit(
            config_dirs != NULL && config_dirs[0] != '\0' ? config_dirs : "/etc/xdg", ":", -1);
    for (guint i = 0; dirs[i] != NULL; i++) {
        if (g_path_is_absolute(dirs[i]))
            g_ptr_array_add(xdg, g_strdup(dirs[i]));
    }
    for (guint i = 0; i < xdg->len; i++)
        g_ptr_array_add(prefixes, g_strconcat(xdg->pdata[i], "/libervia/", NULL));
    for (guint i = 0; i < xdg->len; i++)
        g_ptr_array_add(prefixes, g_strconcat(xdg->pdata[i], "/sat/", NULL));
    return prefixes;
}

char **
lv_config_dup_search_path(void)
{
    const char *override = g_getenv("LIBERVIA_CONFIG");

    if (override != NULL)
        return g_strsplit(override, ":", -1);

    g_autoptr(GPtrArray) prefixes = search_prefixes();
    GPtrArray *files = g_ptr_array_new();
    /* Every prefix with the current name, then every prefix with the legacy one. */
    static const char *const names[] = { "libervia.conf", "sat.conf" };
    for (gsize n = 0; n < G_N_ELEMENTS(names); n++) {
        for (guint i = 0; i < prefixes->len; i++)
            g_ptr_array_add(files, g_strconcat(prefixes->pdata[i], names[n], NULL));
    }
    g_ptr_array_add(files, NULL);
    return (char **)g_ptr_array_free(files, FALSE);
}

static void
merge_sections(GHashTable *into, GHashTable *from)
{
    GHashTableIter sections;
    gpointer name = NULL;
    gpointer options = NULL;

    g_hash_table_iter_init(&sections, from);
    while (g_hash_table_iter_next(&sections, &name, &options)) {
        GHashTable *target = g_hash_table_lookup(into, name);
        if (target == NULL) {
            g_hash_table_insert(into, g_strdup(name), g_hash_table_ref(options));
            continue;
        }
        GHashTableIter iter;
        gpointer key = NULL;
        gpointer value = NULL;
        g_hash_table_iter_init(&iter, options);
        while (g_hash_table_iter_next(&iter, &key, &value)) {
            const LvConfigValue *v = value;
            g_hash_table_replace(target, g_strdup(key), lv_config_value_new(v->value, v->origin));
        }
    }
}

LvConfig *
lv_config_new_from_files(const char *const *files, GError **error)
{
    g_autoptr(LvConfig) config = g_new0(LvConfig, 1);

    config->ref_count = 1;
    config->sections = lv_config_sections_new();
    config->files = g_ptr_array_new_with_free_func(g_free);
    for (gsize i = 0; files != NULL && files[i] != NULL; i++) {
        if (files[i][0] == '\0' || !g_file_test(files[i], G_FILE_TEST_EXISTS))
            continue;
        /* Each file is parsed whole before it is merged: a bad one changes nothing. */
        g_autoptr(GHashTable) parsed = lv_config_parse_file(files[i], error);
        if (parsed == NULL)
            return NULL;
        merge_sections(config->sections, parsed);
        g_ptr_array_add(config->files, g_strdup(files[i]));
    }
    g_ptr_array_add(config->files, NULL);
    return g_steal_pointer(&config);
}

LvConfig *
lv_config_new(GError **error)
{
    g_auto(GStrv) files = lv_config_dup_search_path();

    return lv_config_new_from_files((const char *const *)files, error);
}

LvConfig *
lv_config_ref(LvConfig *config)
{
    g_atomic_int_inc(&config->ref_count);
    return config;
}

void
lv_config_unref(LvConfig *config)
{
    if (config == NULL || !g_atomic_int_dec_and_test(&config->ref_count))
        return;
    g_hash_table_unref(config->sections);
    g_ptr_array_unref(config->files);
    g_free(config);
}

const char *const *
lv_config_get_files(LvConfig *config)
{
    return (const char *const *)config->files->pdata;
}

static const LvConfigOption *
find_option(const char *section, const char *name)
{
    for (const LvConfigOption *o = lv_config_options(); o->section != NULL; o++) {
        if (g_str_equal(o->name, name) &&
            (g_str_equal(o->section, section) || g_str_equal(o->section, "DEFAULT")))
            return o;
    }
    return NULL;
}

/* The raw value of @name as seen from @section, with its origin, in priority
 * order: environment, the section, [DEFAULT], the built-in default. Sets
 * @interpolate to FALSE for values that are taken literally (environment). */
static LvConfigValue *
lookup_raw(LvConfig *config, const char *section, const char *name, gboolean *interpolate)
{
    const LvConfigOption *option = find_option(section, name);
    GHashTable *options = NULL;
    LvConfigValue *value = NULL;

    *interpolate = TRUE;
    if (option != NULL && option->env != NULL && g_getenv(option->env) != NULL) {
        g_autofree char *origin = g_strconcat("environment ", option->env, NULL);
        *interpolate = FALSE;
        return lv_config_value_new(g_getenv(option->env), origin);
    }
    if ((options = g_hash_table_lookup(config->sections, section)) != NULL &&
        (value = g_hash_table_lookup(options, name)) != NULL)
        return lv_config_value_new(value->value, value->origin);
    if ((options = g_hash_table_lookup(config->sections, "DEFAULT")) != NULL &&
        (value = g_hash_table_lookup(options, name)) != NULL)
        return lv_config_value_new(value->value, value->origin);
    if (g_str_equal(name, "local_dir")) {
        g_autofree char *local_dir = lv_paths_dup_default_local_dir();
        *interpolate = FALSE;
        return lv_config_value_new(local_dir, "default");
    }
    if (option != NULL && option->default_value != NULL)
        return lv_config_value_new(option->default_value, "default");
    return NULL;
}

static gboolean G_GNUC_PRINTF(5, 6)
        value_error(GError **error, const LvConfigValue *value, const char *section,
                    const char *name, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    g_autofree char *what = g_strdup_vprintf(format, args);
    va_end(args);
    g_set_error(error, LV_ERROR, LV_ERROR_CONFIG, "%s: [%s] %s: %s", value->origin, section, name,
                what);
    return FALSE;
}

static char *interpolated_value(LvConfig *config, const char *section, const char *name,
                                guint depth, GError **error);

/* Expands %(name)s and %% in @value (ConfigParser's BasicInterpolation). */
static char *
interpolate(LvConfig *config, const char *section, const char *name, const LvConfigValue *value,
            guint depth, GError **error)
{
    g_autoptr(GString) out = g_string_new(NULL);

    if (depth > MAX_INTERPOLATION_DEPTH) {
        value_error(error, value, section, name, "interpolation nested too deeply (a loop?)");
        return NULL;
    }
    for (const char *p = value->value; *p != '\0'; p++) {
        if (*p != '%') {
            g_string_append_c(out, *p);
            continue;
        }
        if (p[1] == '%') {
            g_string_append_c(out, '%');
            p++;
            continue;
        }
        const char *close = p[1] == '(' ? strstr(p, ")s") : NULL;
        if (close == NULL) {
            value_error(error, value, section, name,
                        "'%%' must be followed by '%%' or '(name)s' (write %%%% for a percent)");
            return NULL;
        }
        g_autofree char *ref_raw = g_strndup(p + 2, (gsize)(close - p - 2));
        g_autofree char *ref = g_utf8_strdown(ref_raw, -1);
        g_autoptr(GError) inner = NULL;
        g_autofree char *expanded = interpolated_value(config, section, ref, depth + 1, &inner);
        if (expanded == NULL) {
            if (inner != NULL)
                g_propagate_error(error, g_steal_pointer(&inner));
            else
                value_error(error, value, section, name, "%%(%s)s refers to an unset option", ref);
            return NULL;
        }
        g_string_append(out, expanded);
        p = close + 1;
    }
    return g_string_free(g_steal_pointer(&out), FALSE);
}

static char *
interpolated_value(LvConfig *config, const char *section, const char *name, guint depth,
                   GError **error)
{
    gboolean expand = TRUE;
    LvConfigValue *value = lookup_raw(config, section, name, &expand);

    if (value == NULL)
        return NULL;
    char *text = expand ? interpolate(config, section, name, value, depth, error)
                        : g_strdup(value->value);
    lv_config_value_free(value);
    return text;
}

static gboolean
is_path_option(const char *name)
{
    return g_str_has_suffix(name, "_path") || g_str_has_suffix(name, "_dir");
}

char *
lv_config_dup_string(LvConfig *config, const char *section, const char *name, GError **error)
{
    g_autofree char *key = g_utf8_strdown(name, -1);
    g_autofree char *text = interpolated_value(config, section, key, 0, error);

    if (text == NULL || !is_path_option(key))
        return g_steal_pointer(&text);
    return lv_paths_expand_user(text);
}

gboolean
lv_config_has(LvConfig *config, const char *section, const char *name)
{
    g_autofree char *key = g_utf8_strdown(name, -1);
    gboolean expand = TRUE;
    LvConfigValue *value = lookup_raw(config, section, key, &expand);

    lv_config_value_free(value);
    return value != NULL;
}

/* The text of an option and its origin for typed reads; NULL without error when
 * unset. */
static char *
typed_text(LvConfig *config, const char *section, const char *name, LvConfigValue **origin,
           GError **error)
{
    g_autofree char *key = g_utf8_strdown(name, -1);
    gboolean expand = TRUE;

    *origin = lookup_raw(config, section, key, &expand);
    if (*origin == NULL)
        return NULL;
    return lv_config_dup_string(config, section, key, error);
}

gboolean
lv_config_get_bool(LvConfig *config, const char *section, const char *name, gboolean fallback,
                   GError **error)
{
    static const char *const truths[] = { "1", "yes", "true", "on" };
    static const char *const lies[] = { "0", "no", "false", "off" };
    LvConfigValue *origin = NULL;
    g_autofree char *text = typed_text(config, section, name, &origin, error);
    gboolean result = fallback;

    if (text != NULL) {
        gboolean known = FALSE;
        for (gsize i = 0; i < G_N_ELEMENTS(truths) && !known; i++) {
            if (g_ascii_strcasecmp(text, truths[i]) == 0) {
                known = TRUE;
                result = TRUE;
            } else if (g_ascii_strcasecmp(text, lies[i]) == 0) {
                known = TRUE;
                result = FALSE;
            }
        }
        if (!known) {
            value_error(error, origin, section, name, "expected a boolean (yes/no), got '%s'",
                        text);
            result = fallback;
        }
    }
    lv_config_value_free(origin);
    return result;
}

gint64
lv_config_get_int(LvConfig *config, const char *section, const char *name, gint64 fallback,
                  GError **error)
{
    LvConfigValue *origin = NULL;
    g_autofree char *text = typed_text(config, section, name, &origin, error);
    gint64 result = fallback;

    if (text != NULL &&
        !g_ascii_string_to_signed(text, 10, G_MININT64, G_MAXINT64, &result, NULL)) {
        value_error(error, origin, section, name, "expected an integer, got '%s'", text);
        result = fallback;
    }
    lv_config_value_free(origin);
    return result;
}

static gboolean
is_blank(const char *text)
{
    while (g_ascii_isspace(*text))
        text++;
    return *text == '\0';
}

/* Splits a CSV line: commas separate, spaces around items are dropped, double
 * quotes protect commas ("" is a literal quote inside quotes). */
static char **
split_csv(const char *text)
{
    GPtrArray *items = g_ptr_array_new();
    g_autoptr(GString) item = g_string_new(NULL);
    gboolean quoted = FALSE;

    for (const char *p = text;; p++) {
        if (quoted && *p == '"' && p[1] == '"') {
            g_string_append_c(item, '"');
            p++;
        } else if (*p == '"' && (quoted || is_blank(item->str))) {
            if (!quoted)
                g_string_truncate(item, 0);
            quoted = !quoted;
        } else if (*p == '\0' || (*p == ',' && !quoted)) {
            g_ptr_array_add(items, g_strstrip(g_strdup(item->str)));
            g_string_truncate(item, 0);
            if (*p == '\0')
                break;
        } else {
            g_string_append_c(item, *p);
        }
    }
    g_ptr_array_add(items, NULL);
    return (char **)g_ptr_array_free(items, FALSE);
}

char **
lv_config_dup_list(LvConfig *config, const char *section, const char *name, GError **error)
{
    LvConfigValue *origin = NULL;
    g_autofree char *text = typed_text(config, section, name, &origin, error);

    lv_config_value_free(origin);
    if (text == NULL)
        return NULL;
    if (g_strstrip(text)[0] == '\0')
        return g_new0(char *, 1);
    return split_csv(text);
}

JsonNode *
lv_config_dup_json(LvConfig *config, const char *section, const char *name, GError **error)
{
    LvConfigValue *origin = NULL;
    g_autofree char *text = typed_text(config, section, name, &origin, error);
    g_autoptr(JsonParser) parser = NULL;
    g_autoptr(GError) json_error = NULL;
    JsonNode *node = NULL;

    if (text != NULL) {
        parser = json_parser_new();
        if (!json_parser_load_from_data(parser, text, -1, &json_error) ||
            json_parser_get_root(parser) == NULL)
            value_error(error, origin, section, name, "invalid JSON: %s",
                        json_error != NULL ? json_error->message : "empty");
        else if (g_str_has_suffix(name, "_dict") &&
                 !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser)))
            value_error(error, origin, section, name, "expected a JSON object");
        else
            node = json_node_copy(json_parser_get_root(parser));
    }
    lv_config_value_free(origin);
    return node;
}
