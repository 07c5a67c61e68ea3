/* lv-error: one table maps our codes to Libervia 0.9's exception classes (the
 * D-Bus error names its frontends understand) and to its CLI exit codes. */
#include "lv-error.h"

#include <string.h>

typedef struct {
    LvErrorCode code;
    const char *class_name;
    int exit_code;
} LvErrorEntry;

/* Libervia's CLI exit codes (sat_frontends/jp/constants.py). */
enum {
    EXIT_ERROR = 1,
    EXIT_BAD_ARG = 2,
    EXIT_BRIDGE_ERROR = 3,
    EXIT_BRIDGE_ERRBACK = 4,
    EXIT_BACKEND_NOT_FOUND = 5,
    EXIT_NOT_FOUND = 16,
    EXIT_DATA_ERROR = 17,
    EXIT_MISSING_FEATURE = 18,
    EXIT_CONFLICT = 19,
    EXIT_USER_CANCELLED = 20,
    EXIT_INTERNAL_ERROR = 111,
};

static const LvErrorEntry error_table[] = {
    { LV_ERROR_INTERNAL, "InternalError", EXIT_INTERNAL_ERROR },
    { LV_ERROR_PROFILE_UNKNOWN, "ProfileUnknownError", EXIT_NOT_FOUND },
    { LV_ERROR_PROFILE_NOT_SET, "ProfileNotSetError", EXIT_NOT_FOUND },
    { LV_ERROR_PROFILE_CONNECTED, "ProfileConnected", EXIT_CONFLICT },
    { LV_ERROR_PROFILE_NOT_CONNECTED, "ProfileNotConnected", EXIT_BRIDGE_ERRBACK },
    { LV_ERROR_PROFILE_KEY_UNKNOWN, "ProfileKeyUnknown", EXIT_NOT_FOUND },
    { LV_ERROR_UNKNOWN_ENTITY, "UnknownEntityError", EXIT_NOT_FOUND },
    { LV_ERROR_UNKNOWN_GROUP, "UnknownGroupError", EXIT_NOT_FOUND },
    { LV_ERROR_MISSING_PLUGIN, "MissingPlugin", EXIT_MISSING_FEATURE },
    { LV_ERROR_NOT_FOUND, "NotFound", EXIT_NOT_FOUND },
    { LV_ERROR_CONFIG, "ConfigError", EXIT_ERROR },
    { LV_ERROR_DATA, "DataError", EXIT_DATA_ERROR },
    { LV_ERROR_EXTERNAL_REQUEST, "ExternalRequestError", EXIT_BRIDGE_ERRBACK },
    { LV_ERROR_CONFLICT, "ConflictError", EXIT_CONFLICT },
    { LV_ERROR_TIMEOUT, "TimeOutError", EXIT_BRIDGE_ERRBACK },
    { LV_ERROR_CANCELLED, "CancelError", EXIT_USER_CANCELLED },
    { LV_ERROR_FEATURE_NOT_FOUND, "FeatureNotFound", EXIT_MISSING_FEATURE },
    { LV_ERROR_DATABASE, "DatabaseError", EXIT_BRIDGE_ERRBACK },
    { LV_ERROR_PASSWORD, "PasswordError", EXIT_ERROR },
    { LV_ERROR_PERMISSION, "PermissionError", EXIT_ERROR },
    { LV_ERROR_PARSING, "ParsingError", EXIT_DATA_ERROR },
    { LV_ERROR_ENCRYPTION, "EncryptionError", EXIT_BRIDGE_ERRBACK },
    { LV_ERROR_NOT_READY, "NotReady", EXIT_BRIDGE_ERRBACK },
    { LV_ERROR_NETWORK, "NetworkError", EXIT_BRIDGE_ERRBACK },
    { LV_ERROR_INVALID_CERTIFICATE, "InvalidCertificate", EXIT_BRIDGE_ERRBACK },
    { LV_ERROR_BRIDGE, "BridgeError", EXIT_BRIDGE_ERROR },
    { LV_ERROR_BACKEND_NOT_FOUND, "BackendNotFound", EXIT_BACKEND_NOT_FOUND },
    { LV_ERROR_INVALID_ARGUMENT, "InvalidArgument", EXIT_BAD_ARG },
};

G_STATIC_ASSERT(G_N_ELEMENTS(error_table) == LV_ERROR_INVALID_ARGUMENT + 1);

static const LvErrorEntry *
entry_for_code(gint code)
{
    if (code < 0 || code >= (gint)G_N_ELEMENTS(error_table))
        return &error_table[LV_ERROR_INTERNAL];
    return &error_table[code];
}

static const LvErrorEntry *
entry_for_class(const char *class_name)
{
    for (gsize i = 0; i < G_N_ELEMENTS(error_table); i++) {
        if (g_strcmp0(error_table[i].class_name, class_name) == 0)
            return &error_table[i];
    }
    return NULL;
}

GQuark
lv_error_quark(void)
{
    static gsize quark = 0;

    if (g_once_init_enter(&quark)) {
        GQuark q = g_quark_from_static_string("lv-error-quark");
        /* Registered so that GDBus turns these names back into our codes in the
         * frontends; the server side builds its replies from the same table. */
        for (gsize i = 0; i < G_N_ELEMENTS(error_table); i++) {
            g_autofree char *name =
                    g_strconcat(LV_ERROR_DBUS_PREFIX, error_table[i].class_name, NULL);
            g_dbus_error_register_error(q, error_table[i].code, name);
        }
        g_once_init_leave(&quark, q);
    }
    return (GQuark)quark;
}

const char *
lv_error_class_name(LvErrorCode code)
{
    return entry_for_code(code)->class_name;
}

int
lv_error_exit_code(const GError *error)
{
    if (error == NULL)
        return 0;
    if (error->domain != LV_ERROR)
        return EXIT_BRIDGE_ERRBACK;
    return entry_for_code(error->code)->exit_code;
}

char *
lv_error_dup_dbus_name(const GError *error)
{
    gint code = error->domain == LV_ERROR ? error->code : LV_ERROR_INTERNAL;

    return g_strconcat(LV_ERROR_DBUS_PREFIX, entry_for_code(code)->class_name, NULL);
}

/* Appends @text as a Python single-quoted string literal. */
static void
append_python_literal(GString *out, const char *text)
{
    g_autofree char *valid = g_utf8_make_valid(text != NULL ? text : "", -1);

    g_string_append_c(out, '\'');
    for (const char *p = valid; *p != '\0'; p++) {
        guchar c = (guchar)*p;
        switch (c) {
        case '\\':
            g_string_append(out, "\\\\");
            break;
        case '\'':
            g_string_append(out, "\\'");
            break;
        case '\n':
            g_string_append(out, "\\n");
            break;
        case '\r':
            g_string_append(out, "\\r");
            break;
        case '\t':
            g_string_append(out, "\\t");
            break;
        default:
            if (c < 0x20 || c == 0x7f)
                g_string_append_printf(out, "\\x%02x", c);
            else
                g_string_append_c(out, (char)c);
        }
    }
    g_string_append_c(out, '\'');
}

char *
lv_error_dup_dbus_message(const GError *error, const char *condition)
{
    GString *out = g_string_new("(");

    append_python_literal(out, error->message);
    g_string_append(out, ", ");
    append_python_literal(out, condition);
    g_string_append_c(out, ')');
    return g_string_free(out, FALSE);
}

static void
skip_spaces(const char **p)
{
    while (g_ascii_isspace(**p))
        (*p)++;
}

static gboolean
parse_escape(const char **p, GString *out)
{
    char c = **p;
    const char *simple = strchr("\\'\"nrt0abfv", c);

    if (c != '\0' && simple != NULL) {
        static const char map[] = "\\'\"\n\r\t\0\a\b\f\v";
        g_string_append_c(out, map[simple - "\\'\"nrt0abfv"]);
        (*p)++;
        return TRUE;
    }
    int digits = c == 'x' ? 2 : c == 'u' ? 4 : c == 'U' ? 8 : 0;
    if (digits == 0)
        return FALSE;
    gunichar value = 0;
    for (int i = 1; i <= digits; i++) {
        int v = g_ascii_xdigit_value((*p)[i]);
        if (v < 0)
            return FALSE;
        value = value * 16 + (gunichar)v;
    }
    if (!g_unichar_validate(value))
        return FALSE;
    g_string_append_unichar(out, value);
    *p += digits + 1;
    return TRUE;
}

/* Parses one Python string literal ('…' or "…") at *p. */
static char *
parse_python_string(const char **p)
{
    char quote = **p;

    if (quote != '\'' && quote != '"')
        return NULL;
    (*p)++;
    g_autoptr(GString) out = g_string_new(NULL);
    while (**p != quote) {
        if (**p == '\0')
            return NULL;
        if (**p == '\\') {
            (*p)++;
            if (!parse_escape(p, out))
                return NULL;
            continue;
        }
        g_string_append_c(out, **p);
        (*p)++;
    }
    (*p)++;
    return g_string_free(g_steal_pointer(&out), FALSE);
}

gboolean
lv_error_parse_dbus_message(const char *text, char **message, char **condition)
{
    const char *p = text;

    skip_spaces(&p);
    if (*p++ != '(')
        return FALSE;
    skip_spaces(&p);
    g_autofree char *msg = parse_python_string(&p);
    if (msg == NULL)
        return FALSE;
    skip_spaces(&p);
    if (*p++ != ',')
        return FALSE;
    skip_spaces(&p);
    g_autofree char *cond = parse_python_string(&p);
    if (cond == NULL)
        return FALSE;
    skip_spaces(&p);
    if (*p == ',')
        p++;
    skip_spaces(&p);
    if (*p++ != ')')
        return FALSE;
    skip_spaces(&p);
    if (*p != '\0')
        return FALSE;
    *message = g_steal_pointer(&msg);
    *condition = g_steal_pointer(&cond);
    return TRUE;
}

static gboolean
is_transport_error(const GError *remote)
{
    return g_error_matches(remote, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
           g_error_matches(remote, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER) ||
           g_error_matches(remote, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_EXEC_FAILED) ||
           g_error_matches(remote, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_CHILD_EXITED) ||
           g_error_matches(remote, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_FAILED) ||
           g_error_matches(remote, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND) ||
           g_error_matches(remote, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_SERVICE_INVALID);
}

GError *
lv_error_new_from_dbus(const GError *remote)
{
    (void)lv_error_quark(); /* make sure the names are registered */
    g_autoptr(GError) copy = g_error_copy(remote);
    g_autofree char *name = g_dbus_error_get_remote_error(copy);
    g_dbus_error_strip_remote_error(copy);

    if (is_transport_error(remote))
        return g_error_new(LV_ERROR, LV_ERROR_BACKEND_NOT_FOUND, "%s", copy->message);

    gint code = LV_ERROR_BRIDGE;
    if (copy->domain == LV_ERROR) {
        code = copy->code;
    } else if (name != NULL && g_str_has_prefix(name, "org.libervia.Libervia.error.")) {
        /* Another module than ours (a Libervia 0.9 backend): match the class. */
        const LvErrorEntry *entry = entry_for_class(strrchr(name, '.') + 1);
        code = entry != NULL ? (gint)entry->code : LV_ERROR_INTERNAL;
    } else if (copy->domain == G_IO_ERROR && copy->code == G_IO_ERROR_CANCELLED) {
        code = LV_ERROR_CANCELLED;
    } else if (copy->domain == G_IO_ERROR && copy->code == G_IO_ERROR_TIMED_OUT) {
        code = LV_ERROR_TIMEOUT;
    } else if (g_error_matches(copy, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS) ||
               g_error_matches(copy, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD)) {
        code = LV_ERROR_INVALID_ARGUMENT;
    }

    g_autofree char *message = NULL;
    g_autofree char *condition = NULL;
    if (!lv_error_parse_dbus_message(copy->message, &message, &condition))
        return g_error_new_literal(LV_ERROR, code, copy->message);
    if (condition[0] != '\0' && message[0] != '\0')
        return g_error_new(LV_ERROR, code, "%s (%s)", message, condition);
    return g_error_new_literal(LV_ERROR, code, message[0] != '\0' ? message : condition);
}
