/* lv-bench-bridge-history: historyGet as a frontend calls it, through lv-bridge.h
 * (D-Bus to the running backend chosen by libervia.conf), on a database filled by
 * lv-bench-history. For each query: one first call (reported apart: the backend's
 * worker opens its read connection then), then RUNS timed calls, each from the call
 * to its reply unpacked.
 *
 *   lv-bench-bridge-history PROFILE ME OTHER WORD [RUNS]
 *
 * Prints one line per query:
 *   RESULT <name> <rows> <median ms> <min ms> <max ms> <first call ms> <runs> */
#include <stdio.h>
#include <stdlib.h>

#include "lv-bridge.h"

typedef struct {
    GMainLoop *loop;
    LvBridge *bridge;
    GVariant *reply;
    GError *error;
} Wait;

static void
on_bridge(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Wait *wait = user_data;

    wait->bridge = lv_bridge_new_finish(result, &wait->error);
    g_main_loop_quit(wait->loop);
}

static void
on_reply(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Wait *wait = user_data;

    wait->reply = lv_bridge_call_finish(wait->bridge, result, &wait->error);
    g_main_loop_quit(wait->loop);
}

/* One historyGet; its time in ms, the number of messages in @rows. */
static double
call_once(Wait *wait, const char *profile, const char *from, const char *to, int limit,
          const char *search, guint *rows)
{
    GVariantBuilder filters;

    g_variant_builder_init(&filters, G_VARIANT_TYPE("a{ss}"));
    if (search != NULL)
        g_variant_builder_add(&filters, "{ss}", "search", search);
    GVariant *params = g_variant_new("(ssiba{ss}s)", from, to, limit, TRUE, &filters, profile);
    gint64 start = g_get_monotonic_time();
    lv_bridge_call(wait->bridge, "historyGet", params, NULL, on_reply, wait);
    g_main_loop_run(wait->loop);
    if (wait->reply == NULL) {
        g_printerr("lv-bench-bridge-history: historyGet: %s\n", wait->error->message);
        exit(1);
    }
    g_autoptr(GVariant) messages = g_variant_get_child_value(wait->reply, 0);
    *rows = (guint)g_variant_n_children(messages);
    double ms = (double)(g_get_monotonic_time() - start) / 1000.0;
    g_clear_pointer(&wait->reply, g_variant_unref);
    return ms;
}

static int
compare(const void *a, const void *b)
{
    double x = *(const double *)a;
    double y = *(const double *)b;

    return (x > y) - (x < y);
}

static void
time_query(Wait *wait, const char *name, const char *profile, const char *from, const char *to,
           int limit, const char *search, int runs)
{
    g_autofree double *times = g_new0(double, runs);
    guint rows = 0;
    double first = call_once(wait, profile, from, to, limit, search, &rows);

    for (int i = 0; i < runs; i++)
        times[i] = call_once(wait, profile, from, to, limit, search, &rows);
    qsort(times, (size_t)runs, sizeof *times, compare);
    double median = runs % 2 ? times[runs / 2] : (times[runs / 2 - 1] + times[runs / 2]) / 2;
    printf("RESULT %s %u %.3f %.3f %.3f %.3f %d\n", name, rows, median, times[0], times[runs - 1],
           first, runs);
    fflush(stdout);
}

int
main(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;

    if (argc < 5) {
        g_printerr("usage: lv-bench-bridge-history PROFILE ME OTHER WORD [RUNS]\n");
        return 2;
    }
    const char *profile = argv[1], *me = argv[2], *other = argv[3], *word = argv[4];
    int runs = argc > 5 ? atoi(argv[5]) : 20;
    if (runs < 1)
        runs = 1;
    g_autoptr(LvConfig) config = lv_config_new(&error);
    if (config == NULL) {
        g_printerr("lv-bench-bridge-history: %s\n", error->message);
        return 1;
    }
    Wait wait = { g_main_loop_new(NULL, FALSE), NULL, NULL, NULL };
    lv_bridge_new_async(config, NULL, on_bridge, &wait);
    g_main_loop_run(wait.loop);
    if (wait.bridge == NULL) {
        g_printerr("lv-bench-bridge-history: %s\n", wait.error->message);
        return 1;
    }
    time_query(&wait, "last_100_between_two_jids", profile, me, other, 100, NULL, runs);
    time_query(&wait, "fts_last_100_matches", profile, "", "", 100, word, runs);
    time_query(&wait, "fts_every_match", profile, "", "", -1, word, runs);
    lv_bridge_free(wait.bridge);
    g_main_loop_unref(wait.loop);
    return 0;
}
