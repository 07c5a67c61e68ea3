/* lv-error: the one error domain of the suite.
 *
 * Every error that can reach a user, inside the backend, over the bridge or in a
 * frontend, is an LV_ERROR. Each code maps to the exception class Libervia 0.9 sends
 * over D-Bus (its frontends look at the last component of the error name and read
 * the message as a Python literal tuple), and to the exit code its CLI uses.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define LV_ERROR (lv_error_quark())

/* Keep in the order of the table in lv-error.c. */
typedef enum {
    LV_ERROR_INTERNAL,              /* InternalError */
    LV_ERROR_PROFILE_UNKNOWN,       /* ProfileUnknownError */
    LV_ERROR_PROFILE_NOT_SET,       /* ProfileNotSetError */
    LV_ERROR_PROFILE_CONNECTED,     /* ProfileConnected */
    LV_ERROR_PROFILE_NOT_CONNECTED, /* ProfileNotConnected */
    LV_ERROR_PROFILE_KEY_UNKNOWN,   /* ProfileKeyUnknown */
    LV_ERROR_UNKNOWN_ENTITY,        /* UnknownEntityError */
    LV_ERROR_UNKNOWN_GROUP,         /* UnknownGroupError */
    LV_ERROR_MISSING_PLUGIN,        /* MissingPlugin */
    LV_ERROR_NOT_FOUND,             /* NotFound */
    LV_ERROR_CONFIG,                /* ConfigError */
    LV_ERROR_DATA,                  /* DataError */
    LV_ERROR_EXTERNAL_REQUEST,      /* ExternalRequestError */
    LV_ERROR_CONFLICT,              /* ConflictError */
    LV_ERROR_TIMEOUT,               /* TimeOutError */
    LV_ERROR_CANCELLED,             /* CancelError */
    LV_ERROR_FEATURE_NOT_FOUND,     /* FeatureNotFound */
    LV_ERROR_DATABASE,              /* DatabaseError */
    LV_ERROR_PASSWORD,              /* PasswordError */
    LV_ERROR_PERMISSION,            /* PermissionError */
    LV_ERROR_PARSING,               /* ParsingError */
    LV_ERROR_ENCRYPTION,            /* EncryptionError */
    LV_ERROR_NOT_READY,             /* NotReady */
    LV_ERROR_NETWORK,               /* NetworkError */
    LV_ERROR_INVALID_CERTIFICATE,   /* InvalidCertificate */
    LV_ERROR_BRIDGE,                /* not a Libervia class: the bridge itself failed */
    LV_ERROR_BACKEND_NOT_FOUND,     /* not a Libervia class: no backend, no activation */
    LV_ERROR_INVALID_ARGUMENT,      /* not a Libervia class: bad call or CLI argument */
} LvErrorCode;

/* Prefix of every D-Bus error name we send: the Python module of Libervia's classes. */
#define LV_ERROR_DBUS_PREFIX "org.libervia.Libervia.error.sat.core.exceptions."

GQuark lv_error_quark(void);

/* Libervia's class name of @code, e.g. "ProfileUnknownError" (transfer none). */
const char *lv_error_class_name(LvErrorCode code);

/* The CLI exit code for @error, as Libervia's CLI uses them (C.EXIT_*). Errors that
 * are not LV_ERROR map to 4 (bridge errback). */
int lv_error_exit_code(const GError *error);

/* The D-Bus error name for @error (transfer full). */
char *lv_error_dup_dbus_name(const GError *error);

/* The D-Bus error message for @error: the Python literal tuple
 * ('message', 'condition') that Libervia's frontends read with ast.literal_eval.
 * @condition may be NULL for "" (transfer full). */
char *lv_error_dup_dbus_message(const GError *error, const char *condition);

/* Parses a Python literal string tuple as written by lv_error_dup_dbus_message()
 * or by Libervia 0.9 itself. Returns FALSE if @text is not such a tuple. */
gboolean lv_error_parse_dbus_message(const char *text, char **message, char **condition);

/* Turns an error received from the bus into an LV_ERROR with the human message
 * (the tuple unpacked). D-Bus transport errors (no service, no bus) become
 * LV_ERROR_BACKEND_NOT_FOUND or LV_ERROR_BRIDGE. Returns a new error (transfer full). */
GError *lv_error_new_from_dbus(const GError *remote);

G_END_DECLS
