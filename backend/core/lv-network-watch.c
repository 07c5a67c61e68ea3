/* lv-network-watch: GNetworkMonitor's "network-changed", coalesced.
 *
 * One change of the network (a Wi-Fi roam, a VPN coming up) is seen as several
 * netlink events (addresses, then routes) within a few milliseconds: the callback
 * runs once, a moment after the last of them, so that a stream is probed once on
 * the path that is left. */
#include "lv-network-watch.h"

#include <gio/gio.h>

#define SETTLE_MS 100

struct _LvNetworkWatch {
    GNetworkMonitor *monitor;
    gulong handler;
    guint settle;
    GSourceFunc changed;
    gpointer user_data;
};

static gboolean
on_settled(gpointer data)
{
    LvNetworkWatch *watch = data;

    watch->settle = 0;
    watch->changed(watch->user_data);
    return G_SOURCE_REMOVE;
}

static void
on_network_changed(GNetworkMonitor *monitor, gboolean available, gpointer data)
{
    LvNetworkWatch *watch = data;

    if (watch->settle != 0)
        g_source_remove(watch->settle);
    watch->settle = g_timeout_add(SETTLE_MS, on_settled, watch);
}

LvNetworkWatch *
lv_network_watch_new(GSourceFunc changed, gpointer user_data)
{
    LvNetworkWatch *watch = g_new0(LvNetworkWatch, 1);

    watch->changed = changed;
    watch->user_data = user_data;
    watch->monitor = g_object_ref(g_network_monitor_get_default());
    watch->handler = g_signal_connect(watch->monitor, "network-changed",
                                      G_CALLBACK(on_network_changed), watch);
    return watch;
}

void
lv_network_watch_free(LvNetworkWatch *watch)
{
    if (watch == NULL)
        return;
    g_signal_handler_disconnect(watch->monitor, watch->handler);
    if (watch->settle != 0)
        g_source_remove(watch->settle);
    g_object_unref(watch->monitor);
    g_free(watch);
}
