/* lv-progress: transfers in progress and their signals (see the header). */
#include "lv-progress.h"

#include "lv-profiles.h"

typedef struct {
    LvBackend *backend;
    char *profile;
    GVariant *metadata; /* a{ss} */
    guint64 position;
    guint64 size;
} Transfer;

/* id → Transfer: one table for the process, as ids are unique in it. */
static GHashTable *transfers;
static guint64 serial;

static void
transfer_free(gpointer data)
{
    Transfer *transfer = data;

    g_free(transfer->profile);
    g_variant_unref(transfer->metadata);
    g_free(transfer);
}

static GHashTable *
table(void)
{
    if (transfers == NULL)
        transfers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, transfer_free);
    return transfers;
}

char *
lv_progress_start(LvBackend *backend, const char *profile, GVariant *metadata)
{
    Transfer *transfer = g_new0(Transfer, 1);
    /* The counter makes it unique here, the random part across restarts. */
    g_autofree char *random = g_uuid_string_random();
    char *id = g_strdup_printf("%" G_GUINT64_FORMAT "-%.8s", ++serial, random);

    transfer->backend = backend;
    transfer->profile = g_strdup(profile);
    transfer->metadata = g_variant_ref_sink(metadata);
    g_hash_table_insert(table(), g_strdup(id), transfer);
    lv_backend_emit_signal_for(backend, "progressStarted",
                               g_variant_new("(s@a{ss})", id, transfer->metadata), profile);
    return id;
}

void
lv_progress_update(const char *id, guint64 position, guint64 size)
{
    Transfer *transfer = g_hash_table_lookup(table(), id);

    if (transfer == NULL)
        return;
    transfer->position = position;
    transfer->size = size;
}

gboolean
lv_progress_is_running(const char *id)
{
    return id != NULL && g_hash_table_contains(table(), id);
}

static Transfer *
take(const char *id, char **key)
{
    Transfer *transfer = NULL;

    if (!g_hash_table_steal_extended(table(), id, (gpointer *)key, (gpointer *)&transfer))
        return NULL;
    return transfer;
}

void
lv_progress_finish(const char *id, GVariant *metadata)
{
    g_autofree char *key = NULL;
    Transfer *transfer = take(id, &key);
    g_autoptr(GVariant) sunk = metadata != NULL ? g_variant_ref_sink(metadata) : NULL;

    if (transfer == NULL)
        return;
    GVariant *sent = sunk != NULL ? sunk : g_variant_new_array(G_VARIANT_TYPE("{ss}"), NULL, 0);
    lv_backend_emit_signal_for(transfer->backend, "progressFinished",
                               g_variant_new("(s@a{ss})", key, sent), transfer->profile);
    transfer_free(transfer);
}

void
lv_progress_fail(const char *id, const char *message)
{
    g_autofree char *key = NULL;
    Transfer *transfer = take(id, &key);

    if (transfer == NULL)
        return;
    g_message("transfer %s failed: %s", key, message);
    lv_backend_emit_signal_for(transfer->backend, "progressError",
                               g_variant_new("(ss)", key, message), transfer->profile);
    transfer_free(transfer);
}

static gboolean
is_of_backend(gpointer key, gpointer value, gpointer backend)
{
    return ((Transfer *)value)->backend == backend;
}

void
lv_progress_stop(LvBackend *backend)
{
    if (transfers != NULL)
        g_hash_table_foreach_remove(transfers, is_of_backend, backend);
}

/* {position, size} of @transfer (transfer floating). */
static GVariant *
position_of(const Transfer *transfer)
{
    g_auto(GVariantBuilder) dict = G_VARIANT_BUILDER_INIT(G_VARIANT_TYPE("a{ss}"));
    g_autofree char *position = g_strdup_printf("%" G_GUINT64_FORMAT, transfer->position);
    g_autofree char *size = g_strdup_printf("%" G_GUINT64_FORMAT, transfer->size);

    g_variant_builder_add(&dict, "{ss}", "position", position);
    if (transfer->size > 0)
        g_variant_builder_add(&dict, "{ss}", "size", size);
    return g_variant_builder_end(&dict);
}

/* The profile name @key stands for, or NULL for @ALL@; FALSE after answering
 * @invocation with the error. */
static gboolean
resolve(LvBackend *backend, LvInvocation *invocation, const char *key, char **profile)
{
    if (g_str_equal(key, "@ALL@")) {
        *profile = NULL;
        return TRUE;
    }
    g_autoptr(LvStoredProfile) stored =
            lv_profiles_resolve_for(lv_backend_get_profiles(backend), invocation, key);
    if (stored == NULL)
        return FALSE;
    *profile = g_strdup(stored->name);
    return TRUE;
}

static void
method_progress_get(LvBackend *backend, LvInvocation *invocation)
{
    const char *id = NULL, *key = NULL;
    g_autofree char *profile = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s)", &id, &key);
    if (!resolve(backend, invocation, key, &profile))
        return;
    Transfer *transfer = g_hash_table_lookup(table(), id);
    /* Libervia answers {} for a transfer that is over or unknown. */
    if (transfer == NULL || (profile != NULL && g_strcmp0(transfer->profile, profile) != 0)) {
        lv_invocation_return_single(invocation,
                                    g_variant_new_array(G_VARIANT_TYPE("{ss}"), NULL, 0), NULL);
        return;
    }
    lv_invocation_return_single(invocation, position_of(transfer), NULL);
}

/* profile → id → (position or metadata), for @profile (NULL: all). */
static GVariant *
all_of(const char *profile, gboolean metadata)
{
    g_autoptr(GHashTable) by_profile = g_hash_table_new_full(
            g_str_hash, g_str_equal, NULL, (GDestroyNotify)g_variant_builder_unref);
    g_auto(GVariantBuilder) out = G_VARIANT_BUILDER_INIT(G_VARIANT_TYPE("a{sa{sa{ss}}}"));
    GHashTableIter iter;
    gpointer id = NULL, value = NULL;

    g_hash_table_iter_init(&iter, table());
    while (g_hash_table_iter_next(&iter, &id, &value)) {
        Transfer *transfer = value;
        if (profile != NULL && g_strcmp0(profile, transfer->profile) != 0)
            continue;
        GVariantBuilder *builder = g_hash_table_lookup(by_profile, transfer->profile);
        if (builder == NULL) {
            builder = g_variant_builder_new(G_VARIANT_TYPE("a{sa{ss}}"));
            g_hash_table_insert(by_profile, transfer->profile, builder);
        }
        g_variant_builder_add(builder, "{s@a{ss}}", id,
                              metadata ? transfer->metadata : position_of(transfer));
    }
    g_hash_table_iter_init(&iter, by_profile);
    while (g_hash_table_iter_next(&iter, &id, &value))
        g_variant_builder_add(&out, "{s@a{sa{ss}}}", id, g_variant_builder_end(value));
    return g_variant_builder_end(&out);
}

static void
answer_all(LvBackend *backend, LvInvocation *invocation, gboolean metadata)
{
    const char *key = NULL;
    g_autofree char *profile = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s)", &key);
    if (resolve(backend, invocation, key, &profile))
        lv_invocation_return_single(invocation, all_of(profile, metadata), NULL);
}

static void
method_progress_get_all(LvBackend *backend, LvInvocation *invocation)
{
    answer_all(backend, invocation, FALSE);
}

static void
method_progress_get_all_metadata(LvBackend *backend, LvInvocation *invocation)
{
    answer_all(backend, invocation, TRUE);
}

static const LvMethod methods[] = {
    { "progressGet", method_progress_get },
    { "progressGetAll", method_progress_get_all },
    { "progressGetAllMetadata", method_progress_get_all_metadata },
    { NULL, NULL },
};

const LvMethod *
lv_progress_methods(void)
{
    return methods;
}
