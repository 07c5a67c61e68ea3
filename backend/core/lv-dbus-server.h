/* lv-dbus-server: serves an LvBackend on a D-Bus connection.
 *
 * Exports the skeletons generated from the interface file at the bridge object
 * path, routes every method call to the backend's registry, sends errors in
 * Libervia 0.9's form, and relays the backend's signals to the bus.
 */
#pragma once

#include <gio/gio.h>

#include "lv-backend.h"

G_BEGIN_DECLS

typedef struct _LvDBusServer LvDBusServer;

/* Exports @backend on @connection (transfer full). Owning the bus name is the
 * daemon's business. */
LvDBusServer *lv_dbus_server_new(LvBackend *backend, GDBusConnection *connection, GError **error);
void lv_dbus_server_free(LvDBusServer *server);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LvDBusServer, lv_dbus_server_free)

G_END_DECLS
