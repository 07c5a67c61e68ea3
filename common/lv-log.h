/* lv-log: the one log writer of the suite.
 *
 * Every g_debug/g_info/g_message/g_warning goes through lv_log_writer(), which
 * filters by level, formats one line per record (time, domain, level, message) to
 * the terminal or the log file, and redacts what must never reach a log: SASL
 * payloads (PLAIN carries the password in base64) and anything marked secret.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
    LV_LOG_LEVEL_DEBUG,
    LV_LOG_LEVEL_INFO,
    LV_LOG_LEVEL_WARNING,
    LV_LOG_LEVEL_ERROR,
} LvLogLevel;

/* Parses a log_level option value ("debug", "info", "warning", "error",
 * case-insensitive; "critical" is read as error). FALSE if unknown. */
gboolean lv_log_level_parse(const char *text, LvLogLevel *level);

/* Installs the writer. @path: the log file (opened for appending, 0600), or NULL
 * for standard error. @colors: "true" (colours on a terminal), "force" or "false".
 * Safe to call again (the previous file is closed). */
gboolean lv_log_init(LvLogLevel level, const char *path, const char *colors, GError **error);

/* Closes the log file, if any; later records go to standard error. */
void lv_log_shutdown(void);

/* A copy of @text with secrets replaced by "[redacted]" (transfer full). */
char *lv_log_redact(const char *text);

G_END_DECLS
