/* lv-bridge-private: what the two transports of lv-bridge.h implement. */
#pragma once

#include "lv-bridge.h"

G_BEGIN_DECLS

typedef struct {
    /* Sends @method; completes @task with a GVariant* (the reply tuple) or an error. */
    void (*call)(LvBridge *bridge, const char *method, const char *interface_name, GVariant *params,
                 const GVariantType *reply_type, GTask *task);
    /* Starts relaying signals to lv_bridge_deliver_signal() (called once). */
    void (*watch_signals)(LvBridge *bridge);
    void (*free)(gpointer impl);
} LvBridgeTransport;

/* Creates the bridge shell; the transport fills @impl. */
LvBridge *lv_bridge_new_internal(LvBridgeMode mode, const LvBridgeTransport *transport,
                                 gpointer impl);
gpointer lv_bridge_get_impl(LvBridge *bridge);

/* Hands a backend signal to the subscribers. */
void lv_bridge_deliver_signal(LvBridge *bridge, const char *name, GVariant *params);

/* The transports: complete @task with the LvBridge* or an error. */
void lv_bridge_dbus_new_async(GTask *task);
void lv_bridge_embedded_new_async(LvConfig *config, GTask *task);

G_END_DECLS
