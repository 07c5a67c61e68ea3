/* lv-network-watch: tells when the machine's network changed (an interface, an
 * address or a route came or went: GNetworkMonitor, netlink on Linux), for the
 * connections to check their streams at once rather than at the next keep-alive. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _LvNetworkWatch LvNetworkWatch;

/* @changed runs in the main context of the calling thread, once per burst of
 * changes. */
LvNetworkWatch *lv_network_watch_new(GSourceFunc changed, gpointer user_data);
void lv_network_watch_free(LvNetworkWatch *watch);

G_END_DECLS
