/* lv-log: level filter, line format, destination and redaction for every record. */
#include "lv-log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "lv-error.h"

typedef struct {
    GMutex lock;
    LvLogLevel level;
    FILE *file; /* NULL: stderr */
    gboolean colors;
} LvLogState;

static LvLogState log_state = { .level = LV_LOG_LEVEL_INFO };

gboolean
lv_log_level_parse(const char *text, LvLogLevel *level)
{
    static const struct {
        const char *name;
        LvLogLevel level;
    } names[] = {
        { "debug", LV_LOG_LEVEL_DEBUG },     { "info", LV_LOG_LEVEL_INFO },
        { "warning", LV_LOG_LEVEL_WARNING }, { "error", LV_LOG_LEVEL_ERROR },
        { "critical", LV_LOG_LEVEL_ERROR },
    };

    for (gsize i = 0; text != NULL && i < G_N_ELEMENTS(names); i++) {
        if (g_ascii_strcasecmp(text, names[i].name) == 0) {
            *level = names[i].level;
            return TRUE;
        }
    }
    return FALSE;
}

static LvLogLevel
level_of(GLogLevelFlags flags)
{
    if (flags & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
        return LV_LOG_LEVEL_ERROR;
    if (flags & G_LOG_LEVEL_WARNING)
        return LV_LOG_LEVEL_WARNING;
    if (flags & (G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO))
        return LV_LOG_LEVEL_INFO;
    return LV_LOG_LEVEL_DEBUG;
}

static const char *
level_name(GLogLevelFlags flags)
{
    if (flags & G_LOG_LEVEL_ERROR)
        return "ERROR";
    if (flags & G_LOG_LEVEL_CRITICAL)
        return "CRITICAL";
    if (flags & G_LOG_LEVEL_WARNING)
        return "WARNING";
    if (flags & G_LOG_LEVEL_MESSAGE)
        return "MESSAGE";
    if (flags & G_LOG_LEVEL_INFO)
        return "INFO";
    return "DEBUG";
}

static const char *
level_color(GLogLevelFlags flags)
{
    switch (level_of(flags)) {
    case LV_LOG_LEVEL_ERROR:
        return "\033[1;31m";
    case LV_LOG_LEVEL_WARNING:
        return "\033[1;33m";
    case LV_LOG_LEVEL_INFO:
        return "\033[1;32m";
    default:
        return "\033[2m";
    }
}

/* SASL elements whose text content is a credential or derived from one, and the
 * <password/> of a room join (XEP-0045 §7.2.5). */
static const char *const sasl_elements[] = { "auth", "response", "challenge", "success",
                                             "password" };

/* Redacts the content of <NAME ...>content</NAME> for each SASL element. */
static void
redact_element(GString *text, const char *name)
{
    g_autofree char *open = g_strconcat("<", name, NULL);
    g_autofree char *close = g_strconcat("</", name, ">", NULL);
    gsize from = 0;

    for (;;) {
        char *start = strstr(text->str + from, open);
        if (start == NULL)
            return;
        char after = start[strlen(open)];
        char *gt = strchr(start, '>');
        if ((after != ' ' && after != '>') || gt == NULL)
            return;
        if (gt[-1] == '/') { /* empty element: nothing to hide */
            from = (gsize)(gt - text->str) + 1;
            continue;
        }
        gsize content = (gsize)(gt - text->str) + 1;
        char *end = strstr(text->str + content, close);
        gsize length = end != NULL ? (gsize)(end - text->str) - content : text->len - content;
        g_string_erase(text, (gssize)content, (gssize)length);
        g_string_insert(text, (gssize)content, "[redacted]");
        from = content + strlen("[redacted]");
    }
}

char *
lv_log_redact(const char *text)
{
    GString *out = g_string_new(text != NULL ? text : "");

    for (gsize i = 0; i < G_N_ELEMENTS(sasl_elements); i++)
        redact_element(out, sasl_elements[i]);
    return g_string_free(out, FALSE);
}

static const char *
field_value(const GLogField *fields, gsize n_fields, const char *key)
{
    for (gsize i = 0; i < n_fields; i++) {
        if (g_strcmp0(fields[i].key, key) == 0)
            return fields[i].length < 0 ? fields[i].value : NULL;
    }
    return NULL;
}

static GLogWriterOutput
lv_log_writer(GLogLevelFlags flags, const GLogField *fields, gsize n_fields, gpointer data)
{
    if (level_of(flags) < log_state.level)
        return G_LOG_WRITER_HANDLED;

    const char *domain = field_value(fields, n_fields, "GLIB_DOMAIN");
    g_autofree char *message = lv_log_redact(field_value(fields, n_fields, "MESSAGE"));
    g_autoptr(GDateTime) now = g_date_time_new_now_local();
    g_autofree char *stamp = g_date_time_format(now, "%Y-%m-%d %H:%M:%S.%f");

    g_mutex_lock(&log_state.lock);
    FILE *out = log_state.file != NULL ? log_state.file : stderr;
    stamp[strlen(stamp) - 3] = '\0'; /* milliseconds are enough */
    if (log_state.colors && log_state.file == NULL)
        fprintf(out, "%s %s%s\033[0m [%s] %s\n", stamp, level_color(flags), level_name(flags),
                domain != NULL ? domain : "-", message);
    else
        fprintf(out, "%s %s [%s] %s\n", stamp, level_name(flags), domain != NULL ? domain : "-",
                message);
    fflush(out);
    g_mutex_unlock(&log_state.lock);
    return G_LOG_WRITER_HANDLED;
}

static FILE *
open_log_file(const char *path, GError **error)
{
    int fd = g_open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

    if (fd < 0) {
        int saved = errno;
        g_set_error(error, LV_ERROR, LV_ERROR_CONFIG, "cannot open log file %s: %s", path,
                    g_strerror(saved));
        return NULL;
    }
    FILE *file = fdopen(fd, "a");
    if (file == NULL) {
        close(fd);
        g_set_error(error, LV_ERROR, LV_ERROR_CONFIG, "cannot open log file %s", path);
    }
    return file;
}

gboolean
lv_log_init(LvLogLevel level, const char *path, const char *colors, GError **error)
{
    FILE *file = NULL;

    if (path != NULL && (file = open_log_file(path, error)) == NULL)
        return FALSE;

    g_mutex_lock(&log_state.lock);
    if (log_state.file != NULL)
        fclose(log_state.file);
    log_state.file = file;
    log_state.level = level;
    if (g_strcmp0(colors, "force") == 0)
        log_state.colors = TRUE;
    else if (g_strcmp0(colors, "false") == 0)
        log_state.colors = FALSE;
    else
        log_state.colors = isatty(STDERR_FILENO);
    g_mutex_unlock(&log_state.lock);

    /* GLib accepts a writer only once per process. */
    static gsize installed = 0;
    if (g_once_init_enter(&installed)) {
        g_log_set_writer_func(lv_log_writer, NULL, NULL);
        g_once_init_leave(&installed, 1);
    }
    return TRUE;
}

void
lv_log_shutdown(void)
{
    g_mutex_lock(&log_state.lock);
    if (log_state.file != NULL)
        fclose(log_state.file);
    log_state.file = NULL;
    g_mutex_unlock(&log_state.lock);
}
