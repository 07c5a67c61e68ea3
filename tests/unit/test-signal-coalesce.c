/* Tests of lv-signal-coalesce: presence floods reach frontends coalesced, the last
 * state of every entity always. */
#include "lv-signal-coalesce.h"

typedef struct {
    GPtrArray *emitted; /* "name entity show" */
} Recorder;

static void
record(const char *name, GVariant *params, gpointer user_data)
{
    Recorder *recorder = user_data;
    const char *entity = "", *show = "";

    if (g_variant_is_of_type(params, G_VARIANT_TYPE("(ssia{ss}s)")))
        g_variant_get(params, "(&s&sia{ss}&s)", &entity, &show, NULL, NULL, NULL);
    g_ptr_array_add(recorder->emitted, g_strdup_printf("%s %s %s", name, entity, show));
}

static GVariant *
presence(const char *entity, const char *show, const char *profile)
{
    GVariantBuilder statuses;

    g_variant_builder_init(&statuses, G_VARIANT_TYPE("a{ss}"));
    return g_variant_ref_sink(g_variant_new("(ssia{ss}s)", entity, show, 0, &statuses, profile));
}

static void
offer(LvSignalCoalescer *coalescer, const char *entity, const char *show, const char *profile)
{
    g_autoptr(GVariant) params = presence(entity, show, profile);
    g_assert_true(lv_signal_coalescer_offer(coalescer, "presenceUpdate", params));
}

static gboolean
quit(gpointer loop)
{
    g_main_loop_quit(loop);
    return G_SOURCE_REMOVE;
}

/* Long enough for the held states to go out and the entities to leave. */
static void
wait_quiet(GMainLoop *loop)
{
    g_timeout_add(3 * LV_SIGNAL_COALESCE_WINDOW_MS, quit, loop);
    g_main_loop_run(loop);
}

static void
test_last_state_wins(void)
{
    Recorder recorder = { g_ptr_array_new_with_free_func(g_free) };
    g_autoptr(LvSignalCoalescer) coalescer = lv_signal_coalescer_new(record, &recorder);
    g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
    const char *shows[] = { "away", "xa", "dnd", "chat", "" };

    for (guint i = 0; i < 100; i++)
        offer(coalescer, "a@x/r", shows[i % G_N_ELEMENTS(shows)], "p");
    offer(coalescer, "b@x/r", "away", "p");
    offer(coalescer, "b@x/r", "unavailable", "p");
    /* The first of each at once, nothing else yet. */
    g_assert_cmpuint(recorder.emitted->len, ==, 2);
    g_assert_cmpstr(recorder.emitted->pdata[0], ==, "presenceUpdate a@x/r away");
    g_assert_cmpstr(recorder.emitted->pdata[1], ==, "presenceUpdate b@x/r away");
    wait_quiet(loop);
    g_assert_cmpuint(recorder.emitted->len, ==, 4);
    /* 100 % 5 = 0: the last one offered was shows[4]. */
    g_assert_true(g_ptr_array_find_with_equal_func(recorder.emitted, "presenceUpdate a@x/r ",
                                                   g_str_equal, NULL));
    g_assert_true(g_ptr_array_find_with_equal_func(
            recorder.emitted, "presenceUpdate b@x/r unavailable", g_str_equal, NULL));
    g_ptr_array_unref(recorder.emitted);
}

static void
test_other_signals_pass(void)
{
    Recorder recorder = { g_ptr_array_new_with_free_func(g_free) };
    g_autoptr(LvSignalCoalescer) coalescer = lv_signal_coalescer_new(record, &recorder);
    g_autoptr(GVariant) connected = g_variant_ref_sink(g_variant_new("(ss)", "a@x/r", "p"));
    g_autoptr(GVariant) odd = g_variant_ref_sink(g_variant_new("(s)", "p"));

    g_assert_false(lv_signal_coalescer_offer(coalescer, "connected", connected));
    /* A presenceUpdate of another shape is not ours to hold. */
    g_assert_false(lv_signal_coalescer_offer(coalescer, "presenceUpdate", odd));
    g_assert_cmpuint(recorder.emitted->len, ==, 0);
    g_ptr_array_unref(recorder.emitted);
}

static void
test_flush_profile(void)
{
    Recorder recorder = { g_ptr_array_new_with_free_func(g_free) };
    g_autoptr(LvSignalCoalescer) coalescer = lv_signal_coalescer_new(record, &recorder);
    g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);

    offer(coalescer, "a@x/r", "away", "p");
    offer(coalescer, "a@x/r", "unavailable", "p");
    offer(coalescer, "a@x/r", "away", "q");
    offer(coalescer, "a@x/r", "dnd", "q");
    lv_signal_coalescer_flush_profile(coalescer, "p");
    g_assert_cmpuint(recorder.emitted->len, ==, 3);
    g_assert_cmpstr(recorder.emitted->pdata[2], ==, "presenceUpdate a@x/r unavailable");
    /* p has a fresh start: its next change goes out at once. */
    offer(coalescer, "a@x/r", "chat", "p");
    g_assert_cmpuint(recorder.emitted->len, ==, 4);
    wait_quiet(loop);
    g_assert_cmpuint(recorder.emitted->len, ==, 5);
    g_assert_cmpstr(recorder.emitted->pdata[4], ==, "presenceUpdate a@x/r dnd");
    g_ptr_array_unref(recorder.emitted);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/lv/signal-coalesce/last-state-wins", test_last_state_wins);
    g_test_add_func("/lv/signal-coalesce/other-signals-pass", test_other_signals_pass);
    g_test_add_func("/lv/signal-coalesce/flush-profile-before-disconnected", test_flush_profile);
    return g_test_run();
}
