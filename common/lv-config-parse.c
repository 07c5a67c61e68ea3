/* lv-config-parse: libervia.conf syntax, as Python's ConfigParser (strict mode)
 * reads it, since the files are shared with Libervia 0.9: [section] headers,
 * `name = value` or `name: value`, whole-line # and ; comments, indented
 * continuation lines, case-insensitive option names, no duplicates in one file.
 * A malformed file is an error naming its line; nothing is guessed. */
#include <string.h>

#include "lv-config-private.h"
#include "lv-error.h"

typedef struct {
    const char *path;
    GHashTable *sections;
    GHashTable *section;       /* current section's options, NULL before the first header */
    GHashTable *seen_sections; /* section names seen in this file */
    GHashTable *seen_options;  /* option names seen in the current section */
    LvConfigValue *option;     /* the option a continuation line extends */
    gsize option_indent;
    guint pending_blanks; /* blank lines inside a possible multi-line value */
    guint line;
} LvParser;

LvConfigValue *
lv_config_value_new(const char *value, const char *origin)
{
    LvConfigValue *self = g_new0(LvConfigValue, 1);

    self->value = g_strdup(value);
    self->origin = g_strdup(origin);
    return self;
}

void
lv_config_value_free(LvConfigValue *value)
{
    if (value == NULL)
        return;
    g_free(value->value);
    g_free(value->origin);
    g_free(value);
}

GHashTable *
lv_config_sections_new(void)
{
    return g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                 (GDestroyNotify)g_hash_table_unref);
}

static GHashTable *
options_new(void)
{
    return g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                 (GDestroyNotify)lv_config_value_free);
}

static gboolean G_GNUC_PRINTF(3, 4)
        parse_error(LvParser *parser, GError **error, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    g_autofree char *what = g_strdup_vprintf(format, args);
    va_end(args);
    g_set_error(error, LV_ERROR, LV_ERROR_CONFIG, "%s:%u: %s", parser->path, parser->line, what);
    return FALSE;
}

static gsize
indent_of(const char *line)
{
    gsize n = 0;

    while (line[n] == ' ' || line[n] == '\t')
        n++;
    return n;
}

static gboolean
parse_header(LvParser *parser, const char *stripped, GError **error)
{
    gsize length = strlen(stripped);

    if (length < 2 || stripped[length - 1] != ']')
        return parse_error(parser, error, "section header without closing ']': %s", stripped);
    g_autofree char *name = g_strndup(stripped + 1, length - 2);
    if (name[0] == '\0')
        return parse_error(parser, error, "empty section name");
    if (g_hash_table_contains(parser->seen_sections, name))
        return parse_error(parser, error, "section [%s] appears twice in this file", name);
    g_hash_table_add(parser->seen_sections, g_strdup(name));
    g_hash_table_remove_all(parser->seen_options);
    parser->section = g_hash_table_lookup(parser->sections, name);
    if (parser->section == NULL) {
        parser->section = options_new();
        g_hash_table_insert(parser->sections, g_steal_pointer(&name), parser->section);
    }
    parser->option = NULL;
    return TRUE;
}

static gboolean
parse_option(LvParser *parser, const char *stripped, gsize indent, GError **error)
{
    const char *delimiter = strpbrk(stripped, "=:");

    if (parser->section == NULL)
        return parse_error(parser, error, "option outside any section (add a [DEFAULT] line)");
    if (delimiter == NULL)
        return parse_error(parser, error, "expected 'name = value', got: %s", stripped);
    g_autofree char *raw_name = g_strstrip(g_strndup(stripped, (gsize)(delimiter - stripped)));
    if (raw_name[0] == '\0')
        return parse_error(parser, error, "option without a name");
    g_autofree char *name = g_utf8_strdown(raw_name, -1);
    if (g_hash_table_contains(parser->seen_options, name))
        return parse_error(parser, error, "option %s appears twice in this section", name);

    g_autofree char *value = g_strstrip(g_strdup(delimiter + 1));
    g_autofree char *origin = g_strdup_printf("%s:%u", parser->path, parser->line);
    parser->option = lv_config_value_new(value, origin);
    parser->option_indent = indent;
    g_hash_table_add(parser->seen_options, g_strdup(name));
    g_hash_table_replace(parser->section, g_steal_pointer(&name), parser->option);
    return TRUE;
}

static void
append_continuation(LvParser *parser, const char *stripped)
{
    GString *value = g_string_new(parser->option->value);

    for (; parser->pending_blanks > 0; parser->pending_blanks--)
        g_string_append_c(value, '\n');
    g_string_append_c(value, '\n');
    g_string_append(value, stripped);
    g_free(parser->option->value);
    parser->option->value = g_string_free(value, FALSE);
}

static gboolean
parse_line(LvParser *parser, char *line, GError **error)
{
    gsize indent = indent_of(line);
    char *stripped = g_strstrip(line);

    if (stripped[0] == '\0') {
        parser->pending_blanks++;
        return TRUE;
    }
    if (stripped[0] == '#' || stripped[0] == ';')
        return TRUE;
    if (parser->option != NULL && indent > parser->option_indent) {
        append_continuation(parser, stripped);
        return TRUE;
    }
    parser->pending_blanks = 0;
    if (stripped[0] == '[')
        return parse_header(parser, stripped, error);
    return parse_option(parser, stripped, indent, error);
}

static GHashTable *
string_set_new(void)
{
    return g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
}

GHashTable *
lv_config_parse_text(const char *path, const char *text, gsize length, GError **error)
{
    g_autoptr(GHashTable) sections = lv_config_sections_new();
    g_autoptr(GHashTable) seen_sections = string_set_new();
    g_autoptr(GHashTable) seen_options = string_set_new();
    LvParser parser = { .path = path,
                        .sections = sections,
                        .seen_sections = seen_sections,
                        .seen_options = seen_options };
    const char *end = text + length;

    for (const char *p = text; p < end;) {
        const char *eol = memchr(p, '\n', (gsize)(end - p));
        gsize line_length = eol != NULL ? (gsize)(eol - p) : (gsize)(end - p);
        gboolean valid =
                memchr(p, '\0', line_length) == NULL && g_utf8_validate_len(p, line_length, NULL);
        g_autofree char *line = g_strndup(p, line_length);

        p += line_length + (eol != NULL ? 1 : 0);
        parser.line++;
        if (!valid) {
            parse_error(&parser, error, "not valid UTF-8 text");
            return NULL;
        }
        if (line_length > 0 && line[line_length - 1] == '\r')
            line[line_length - 1] = '\0';
        if (!parse_line(&parser, line, error))
            return NULL;
    }
    return g_steal_pointer(&sections);
}

GHashTable *
lv_config_parse_file(const char *path, GError **error)
{
    g_autofree char *text = NULL;
    gsize length = 0;
    g_autoptr(GError) read_error = NULL;

    if (!g_file_get_contents(path, &text, &length, &read_error)) {
        g_set_error(error, LV_ERROR, LV_ERROR_CONFIG, "cannot read configuration file %s: %s", path,
                    read_error->message);
        return NULL;
    }
    return lv_config_parse_text(path, text, length, error);
}
