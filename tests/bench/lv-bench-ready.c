/* lv-bench-ready: how long from spawning `libervia-backend fg` to the bridge
 * answering getReady, on the session bus of the environment. Event-driven (it
 * watches the bus name appear), so no polling interval pads the figure.
 *
 *   lv-bench-ready BACKEND [RUNS]   prints each run and median, min–max in ms */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <gio/gio.h>

#include "lv-bridge-names.h"

typedef struct {
    GMainLoop *loop;
    GDBusConnection *bus;
    gint64 start;
    double elapsed_ms;
} Run;

static void
on_ready(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Run *run = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) reply = g_dbus_connection_call_finish(run->bus, result, &error);

    if (reply == NULL)
        g_printerr("getReady failed: %s\n", error->message);
    run->elapsed_ms = (double)(g_get_monotonic_time() - run->start) / 1000.0;
    g_main_loop_quit(run->loop);
}

static void
on_appeared(GDBusConnection *bus, const char *name, const char *owner, gpointer user_data)
{
    g_dbus_connection_call(bus, owner, LV_BRIDGE_OBJECT_PATH, LV_BRIDGE_CORE_INTERFACE, "getReady",
                           NULL, NULL, G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, NULL, on_ready,
                           user_data);
}

static double
one_run(GDBusConnection *bus, const char *backend)
{
    Run run = { g_main_loop_new(NULL, FALSE), bus, 0, -1 };
    guint watch = g_bus_watch_name_on_connection(
            bus, LV_BRIDGE_BUS_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE, on_appeared, NULL, &run, NULL);
    char *argv[] = { (char *)backend, "fg", NULL };
    GPid pid = 0;
    g_autoptr(GError) error = NULL;

    run.start = g_get_monotonic_time();
    if (!g_spawn_async(NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDERR_TO_DEV_NULL,
                       NULL, NULL, &pid, &error)) {
        g_printerr("cannot start %s: %s\n", backend, error->message);
        exit(1);
    }
    g_main_loop_run(run.loop);
    g_bus_unwatch_name(watch);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    g_main_loop_unref(run.loop);
    return run.elapsed_ms;
}

static int
compare(const void *a, const void *b)
{
    double x = *(const double *)a;
    double y = *(const double *)b;

    return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;

    if (argc < 2) {
        g_printerr("usage: lv-bench-ready BACKEND [RUNS]\n");
        return 2;
    }
    int runs = argc > 2 ? atoi(argv[2]) : 20;
    if (runs < 1)
        runs = 1;
    g_autoptr(GDBusConnection) bus = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, &error);
    if (bus == NULL) {
        g_printerr("no session bus: %s\n", error->message);
        return 1;
    }
    g_autofree double *times = g_new0(double, runs);
    for (int i = 0; i < runs; i++)
        times[i] = one_run(bus, argv[1]);
    qsort(times, (size_t)runs, sizeof *times, compare);
    double median = runs % 2 ? times[runs / 2] : (times[runs / 2 - 1] + times[runs / 2]) / 2;
    printf("backend start to getReady answered: median %.2f ms, min-max %.2f-%.2f ms "
           "(%d runs)\n",
           median, times[0], times[runs - 1], runs);
    return 0;
}
