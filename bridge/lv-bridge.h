/* lv-bridge: how a frontend talks to the backend.
 *
 * One API over two transports: D-Bus (the default; the backend is a separate
 * daemon, started by D-Bus activation when missing) and the embedded bridge
 * (`[DEFAULT] bridge = embedded`: the backend runs inside the frontend process).
 * Methods and signals are named as in bridge/org.libervia.Libervia.xml and carry
 * GVariant tuples of exactly the signatures written there. Errors are LV_ERROR.
 */
#pragma once

#include <gio/gio.h>

#include "lv-config.h"

G_BEGIN_DECLS

typedef struct _LvBridge LvBridge;

typedef enum {
    LV_BRIDGE_MODE_DBUS,
    LV_BRIDGE_MODE_EMBEDDED,
} LvBridgeMode;

/* Called for every signal of the backend: @name is the signal's name
 * ("paramUpdate"), @params a tuple of its signature (transfer none). */
typedef void (*LvBridgeSignalFunc)(LvBridge *bridge, const char *name, GVariant *params,
                                   gpointer user_data);

/* Connects to the backend chosen by @config ([DEFAULT] bridge). For D-Bus this
 * connects to the session bus only (the backend is started by activation on the
 * first call); for embedded it starts the backend in this process, taking the
 * single-instance lock. Errors: LV_ERROR_BACKEND_NOT_FOUND when there is no session
 * bus, LV_ERROR_CONFIG for an unknown bridge name, the backend's errors when the
 * embedded one cannot start (transfer full). */
void lv_bridge_new_async(LvConfig *config, GCancellable *cancellable, GAsyncReadyCallback callback,
                         gpointer user_data);
LvBridge *lv_bridge_new_finish(GAsyncResult *result, GError **error);

void lv_bridge_free(LvBridge *bridge);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LvBridge, lv_bridge_free)

LvBridgeMode lv_bridge_get_mode(LvBridge *bridge);

/* Calls @method with @params (a tuple of its in-signature, may be NULL for "()";
 * a floating reference is sunk). The backend is started by activation if needed.
 * A call to an unknown method or with the wrong signature fails with
 * LV_ERROR_INVALID_ARGUMENT; no backend and no activation with
 * LV_ERROR_BACKEND_NOT_FOUND. */
void lv_bridge_call(LvBridge *bridge, const char *method, GVariant *params,
                    GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
/* The reply tuple of the out-signature (transfer full), or NULL and @error. */
GVariant *lv_bridge_call_finish(LvBridge *bridge, GAsyncResult *result, GError **error);

/* Subscribes @func to every backend signal; returns an id for
 * lv_bridge_signal_unsubscribe(). Signals are delivered on the thread-default
 * main context of the caller of lv_bridge_new_async(). */
guint lv_bridge_signal_subscribe(LvBridge *bridge, LvBridgeSignalFunc func, gpointer user_data,
                                 GDestroyNotify destroy);
void lv_bridge_signal_unsubscribe(LvBridge *bridge, guint id);

G_END_DECLS
