/* lv-embedded-module: the entry point of libervia-embedded.so, the backend that a
 * frontend loads into its own process when bridge = embedded.
 *
 * The backend is a module rather than part of every frontend so that a frontend
 * on D-Bus never maps libstrophe, SQLite, libsoup, OpenSSL and the rest: on a VM
 * where each page fault is dear, those libraries were most of `li`'s start.
 * The module exports one function; everything else goes through its table.
 */
#pragma once

#include <gio/gio.h>

#include "lv-config.h"

G_BEGIN_DECLS

/* Bumped whenever LvEmbeddedApi changes: a frontend refuses a module of another. */
#define LV_EMBEDDED_ABI 1
#define LV_EMBEDDED_ENTRY "lv_embedded_module_api"
#define LV_EMBEDDED_MODULE_NAME "libervia-embedded"

/* A backend signal; @params is transfer none. */
typedef void (*LvEmbeddedSignalFunc)(const char *name, GVariant *params, gpointer user_data);
/* A method's answer: exactly one of @result and @error is set, transfer full. */
typedef void (*LvEmbeddedReplyFunc)(GVariant *result, GError *error, gpointer user_data);

typedef struct {
    guint abi;
    /* Takes the single-instance lock and starts a backend on this thread's main
     * context; NULL and @error when either fails. */
    gpointer (*start)(LvConfig *config, GError **error);
    /* Sends every backend signal to @func from now on (called once). */
    void (*watch_signals)(gpointer backend, LvEmbeddedSignalFunc func, gpointer user_data);
    /* Dispatches @method; @params is a tuple (a floating ref is sunk); @reply_type
     * must outlive the call. */
    void (*call)(gpointer backend, const char *method, GVariant *params,
                 const GVariantType *reply_type, LvEmbeddedReplyFunc reply, gpointer user_data);
    /* Stops the backend and releases the lock. */
    void (*stop)(gpointer backend);
} LvEmbeddedApi;

typedef const LvEmbeddedApi *(*LvEmbeddedEntryFunc)(void);

G_END_DECLS
