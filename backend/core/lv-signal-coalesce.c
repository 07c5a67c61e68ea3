/* lv-signal-coalesce: presence signals, at most one per entity per window (see
 * lv-signal-coalesce.h).
 *
 * One timer for all entities, armed only while some are in their window: a flood
 * of 1,000 occupants costs one wake-up per window, not one per occupant. */
#include "lv-signal-coalesce.h"

typedef struct {
    char *profile;
    GVariant *held; /* the last state not emitted yet, NULL: none */
} Entry;

struct _LvSignalCoalescer {
    LvSignalEmitFunc emit;
    gpointer user_data;
    GHashTable *entries; /* "profile\nentity" → Entry*: entities in their window */
    GSource *tick;
};

static void
entry_free(Entry *entry)
{
    g_free(entry->profile);
    if (entry->held != NULL)
        g_variant_unref(entry->held);
    g_free(entry);
}

LvSignalCoalescer *
lv_signal_coalescer_new(LvSignalEmitFunc emit, gpointer user_data)
{
    LvSignalCoalescer *coalescer = g_new0(LvSignalCoalescer, 1);

    coalescer->emit = emit;
    coalescer->user_data = user_data;
    coalescer->entries =
            g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)entry_free);
    return coalescer;
}

void
lv_signal_coalescer_free(LvSignalCoalescer *coalescer)
{
    if (coalescer == NULL)
        return;
    if (coalescer->tick != NULL) {
        g_source_destroy(coalescer->tick);
        g_source_unref(coalescer->tick);
    }
    g_hash_table_unref(coalescer->entries);
    g_free(coalescer);
}

/* Takes the held presences and emits them, after the walk: a sink may offer a new
 * presence from its callback. With @profile NULL (a tick) every entry is visited, the
 * quiet ones leave and the busy ones stay; with a @profile, its entries all leave. */
static void
emit_held(LvSignalCoalescer *coalescer, const char *profile)
{
    g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func((GDestroyNotify)g_variant_unref);
    GHashTableIter iter;
    gpointer value = NULL;

    g_hash_table_iter_init(&iter, coalescer->entries);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        Entry *entry = value;
        if (profile != NULL && g_strcmp0(entry->profile, profile) != 0)
            continue;
        gboolean quiet = entry->held == NULL;
        if (!quiet)
            g_ptr_array_add(held, g_steal_pointer(&entry->held));
        if (quiet || profile != NULL)
            g_hash_table_iter_remove(&iter);
    }
    for (guint i = 0; i < held->len; i++)
        coalescer->emit("presenceUpdate", held->pdata[i], coalescer->user_data);
}

/* End of a window: the held states go out and their entities get a new window
 * (they are still busy); the quiet ones leave. */
static gboolean
on_tick(gpointer data)
{
    LvSignalCoalescer *coalescer = data;

    emit_held(coalescer, NULL);
    if (g_hash_table_size(coalescer->entries) > 0)
        return G_SOURCE_CONTINUE;
    g_source_unref(coalescer->tick);
    coalescer->tick = NULL;
    return G_SOURCE_REMOVE;
}

static void
arm(LvSignalCoalescer *coalescer)
{
    if (coalescer->tick != NULL)
        return;
    coalescer->tick = g_timeout_source_new(LV_SIGNAL_COALESCE_WINDOW_MS);
    g_source_set_callback(coalescer->tick, on_tick, coalescer, NULL);
    g_source_attach(coalescer->tick, g_main_context_get_thread_default());
}

gboolean
lv_signal_coalescer_offer(LvSignalCoalescer *coalescer, const char *name, GVariant *params)
{
    const char *entity = NULL, *profile = NULL;

    /* presenceUpdate (entity, show, priority, statuses, profile) */
    if (!g_str_equal(name, "presenceUpdate") ||
        !g_variant_is_of_type(params, G_VARIANT_TYPE("(ssia{ss}s)")))
        return FALSE;
    g_variant_get(params, "(&s&sia{ss}&s)", &entity, NULL, NULL, NULL, &profile);
    g_autofree char *key = g_strconcat(profile, "\n", entity, NULL);
    Entry *entry = g_hash_table_lookup(coalescer->entries, key);
    if (entry != NULL) {
        if (entry->held != NULL)
            g_variant_unref(entry->held);
        entry->held = g_variant_ref(params);
        return TRUE;
    }
    entry = g_new0(Entry, 1);
    entry->profile = g_strdup(profile);
    g_hash_table_insert(coalescer->entries, g_steal_pointer(&key), entry);
    arm(coalescer);
    coalescer->emit(name, params, coalescer->user_data);
    return TRUE;
}

void
lv_signal_coalescer_flush_profile(LvSignalCoalescer *coalescer, const char *profile)
{
    emit_held(coalescer, profile);
}
