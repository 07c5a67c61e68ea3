/* lv-backend: the engine behind the bridge.
 *
 * An LvBackend owns the configuration, the registry of bridge methods (each with
 * its signature from bridge/org.libervia.Libervia.xml), the namespaces plugins
 * speak, and the sinks that carry its signals to frontends. The daemon serves it on
 * D-Bus; the embedded bridge calls it in-process. It lives on the main thread.
 */
#pragma once

#include <gio/gio.h>

#include "lv-config.h"
#include "lv-invocation.h"

G_BEGIN_DECLS

typedef struct _LvBackend LvBackend;

/* A bridge method handler: answers @invocation exactly once, now or later. */
typedef void (*LvMethodFunc)(LvBackend *backend, LvInvocation *invocation);

typedef struct {
    const char *name; /* as in the interface file, e.g. "getVersion" */
    LvMethodFunc func;
} LvMethod;

/* Receives every signal the backend emits: @params is a tuple of the signal's
 * signature (transfer none). */
typedef void (*LvSignalSinkFunc)(const char *interface_name, const char *name, GVariant *params,
                                 gpointer user_data);

/* Creates the backend for @config: resolves and creates local_dir (0700). Errors
 * name the path (LV_ERROR_CONFIG) (transfer full). */
LvBackend *lv_backend_new(LvConfig *config, GError **error);
void lv_backend_free(LvBackend *backend);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LvBackend, lv_backend_free)

/* Opens the database and initialises what must be in place before frontends are
 * served, then marks the backend ready: getReady calls waiting until then are
 * answered. */
gboolean lv_backend_start(LvBackend *backend, GError **error);
gboolean lv_backend_is_ready(LvBackend *backend);

LvConfig *lv_backend_get_config(LvBackend *backend);
/* The resolved local_dir (transfer none). */
const char *lv_backend_get_local_dir(LvBackend *backend);

/* Registers the handlers of @methods (terminated by a NULL name); each name must be
 * a method of the interface file. */
void lv_backend_register_methods(LvBackend *backend, const LvMethod *methods);

/* TRUE if a handler is registered for @method. */
gboolean lv_backend_has_method(LvBackend *backend, const char *method);

/* Runs the handler of @invocation's method. The caller has checked the signature
 * against the interface file (lv-bridge-interface.h); an unknown method or
 * one without handler is answered with an error. Takes @invocation. */
void lv_backend_dispatch(LvBackend *backend, LvInvocation *invocation);

/* Emits signal @name (a signal of the interface file) with @params (a floating ref
 * is sunk) to every sink. */
void lv_backend_emit_signal(LvBackend *backend, const char *name, GVariant *params);
/* Emits @name with the arguments of the tuple @params (transfer none; a floating ref
 * is sunk) followed by @profile. */
void lv_backend_emit_signal_for(LvBackend *backend, const char *name, GVariant *params,
                                const char *profile);
guint lv_backend_add_signal_sink(LvBackend *backend, LvSignalSinkFunc func, gpointer user_data);
void lv_backend_remove_signal_sink(LvBackend *backend, guint id);

/* The short name → namespace map that namespacesGet returns. */
void lv_backend_register_namespace(LvBackend *backend, const char *short_name,
                                   const char *namespace_uri);
GHashTable *lv_backend_get_namespaces(LvBackend *backend);

/* Answers a getReady call now if ready, else when lv_backend_start() finishes. */
void lv_backend_wait_ready(LvBackend *backend, LvInvocation *invocation);

/* The profiles and their sessions; NULL before lv_backend_start() (transfer none). */
typedef struct _LvProfiles LvProfiles;
LvProfiles *lv_backend_get_profiles(LvBackend *backend);

/* The XMPP connections of the profiles (transfer none). */
typedef struct _LvConnections LvConnections;
LvConnections *lv_backend_get_connections(LvBackend *backend);

/* The method tables of the core (lv-core-methods.c, lv-profile-methods.c,
 * lv-param-methods.c). */
const LvMethod *lv_core_methods(void);
const LvMethod *lv_profile_methods(void);
const LvMethod *lv_param_methods(void);
const LvMethod *lv_debug_methods(void);
const LvMethod *lv_session_methods(void); /* lv-session-methods.c */

G_END_DECLS
