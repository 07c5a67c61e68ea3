/* lv-config-private: the parsed form of libervia.conf files, shared by the parser
 * (lv-config-parse.c), the lookups (lv-config.c) and the tests. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One option's value and where it came from, for error messages. */
typedef struct {
    char *value;
    char *origin; /* "PATH:LINE", "environment NAME" or "default" */
} LvConfigValue;

LvConfigValue *lv_config_value_new(const char *value, const char *origin);
void lv_config_value_free(LvConfigValue *value);

/* A new section table: section name → (lower-case option name → LvConfigValue*). */
GHashTable *lv_config_sections_new(void);

/* Parses @text, the content of @path, as Python's ConfigParser does in strict
 * mode. Fails with LV_ERROR_CONFIG "PATH:LINE: what" on the first malformed line
 * (transfer full). */
GHashTable *lv_config_parse_text(const char *path, const char *text, gsize length, GError **error);

/* Reads and parses @path; a file that cannot be read is an LV_ERROR_CONFIG error
 * naming it (transfer full). */
GHashTable *lv_config_parse_file(const char *path, GError **error);

G_END_DECLS
