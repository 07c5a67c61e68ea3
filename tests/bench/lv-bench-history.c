/* lv-bench-history: the history budgets of DESIGN.md on a large database: "last 100
 * of 1,000,000 rows < 5 ms" and "full-text search over 1,000,000 rows < 50 ms".
 *
 * Fills a temporary database through lv_storage_history_add() (batches of 1000 per
 * transaction, as the account threads write) with messages between us and 100
 * contacts, both ways, a marker word in 0.1% of them; then times historyGet's
 * queries. Prints the insert rate, then median and min–max in ms of each query.
 *
 *   lv-bench-history [ROWS [RUNS [DIR]]]   defaults 1000000 and 20; with DIR the
 *                                          database is made there and kept */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "lv-storage-history.h"
#include "lv-storage-profiles.h"

#define BATCH 1000
#define CONTACTS 100
#define MARKER "zanzibar" /* no generated word has a z */
#define ME "me@example.org"

static const char *const syllables[] = {
    "ba", "ko", "ri", "te", "lu", "ma", "no", "pe", "si", "da",
    "fo", "gu", "hi", "je", "ka", "lo", "mu", "ne", "po", "ra"
};

/* Word @n of a vocabulary of 8000 (three syllables). */
static void
append_word(GString *text, guint n)
{
    for (int i = 0; i < 3; i++) {
        g_string_append(text, syllables[n % G_N_ELEMENTS(syllables)]);
        n /= G_N_ELEMENTS(syllables);
    }
}

static char *
contact(guint n)
{
    return g_strdup_printf("contact%u@example.net", n);
}

static LvHistoryRow *
make_row(GRand *rand, guint i)
{
    LvHistoryRow *row = lv_history_row_new();
    g_autoptr(GString) text = g_string_new(NULL);
    g_autofree char *other = contact(i % CONTACTS);
    gboolean incoming = (i / CONTACTS) % 2 == 0;
    guint words = (guint)g_rand_int_range(rand, 4, 13);

    for (guint w = 0; w < words; w++) {
        if (w > 0)
            g_string_append_c(text, ' ');
        append_word(text, (guint)g_rand_int_range(rand, 0, 8000));
    }
    if (g_rand_int_range(rand, 0, 1000) == 0)
        g_string_append(text, " " MARKER);
    row->stanza_id = g_strdup_printf("s%u", i);
    row->archive_jid = g_strdup(ME);
    row->origin_id = g_strdup_printf("o%u", i);
    row->source = g_strdup(incoming ? other : ME);
    row->source_res = g_strdup(incoming ? "phone" : "pc");
    row->sender_bare = g_strdup(row->source);
    row->dest = g_strdup(incoming ? ME : other);
    row->timestamp = 1.7e9 + i * 0.5;
    row->type = g_strdup("chat");
    GVariantBuilder texts;
    g_variant_builder_init(&texts, G_VARIANT_TYPE("a{ss}"));
    g_variant_builder_add(&texts, "{ss}", "", text->str);
    row->messages = g_variant_ref_sink(g_variant_builder_end(&texts));
    row->extra = g_strdup("{}");
    return row;
}

static void
die(const char *what, GError *error)
{
    g_printerr("lv-bench-history: %s: %s\n", what, error != NULL ? error->message : "failed");
    exit(1);
}

static double
fill(LvStorage *storage, gint64 profile, guint rows)
{
    g_autoptr(GRand) rand = g_rand_new_with_seed(42);
    g_autoptr(GError) error = NULL;
    gint64 start = g_get_monotonic_time();

    for (guint i = 0; i < rows; i += BATCH) {
        if (!lv_storage_begin_batch(storage, &error))
            die("begin", error);
        for (guint j = i; j < i + BATCH && j < rows; j++) {
            g_autoptr(LvHistoryRow) row = make_row(rand, j);
            gboolean inserted = FALSE;
            g_autofree char *uid = lv_storage_history_add(storage, profile, row, &inserted, &error);
            if (uid == NULL || !inserted)
                die("add", error);
        }
        if (!lv_storage_commit(storage, &error))
            die("commit", error);
    }
    return (double)(g_get_monotonic_time() - start) / 1e6;
}

static int
compare(const void *a, const void *b)
{
    double x = *(const double *)a;
    double y = *(const double *)b;

    return (x > y) - (x < y);
}

/* Runs @query @runs times and prints its figures. */
static void
time_query(LvStorage *storage, gint64 profile, const char *name, const LvHistoryQuery *query,
           int runs)
{
    g_autofree double *times = g_new0(double, runs);
    guint found = 0;

    for (int i = 0; i < runs; i++) {
        g_autoptr(GError) error = NULL;
        gint64 start = g_get_monotonic_time();
        g_autoptr(GPtrArray) rows = lv_storage_history_query(storage, profile, query, &error);
        times[i] = (double)(g_get_monotonic_time() - start) / 1000.0;
        if (rows == NULL)
            die(name, error);
        found = rows->len;
    }
    qsort(times, (size_t)runs, sizeof *times, compare);
    double median = runs % 2 ? times[runs / 2] : (times[runs / 2 - 1] + times[runs / 2]) / 2;
    printf("%-44s %5u rows: median %.2f ms, min-max %.2f-%.2f ms (%d runs)\n", name, found, median,
           times[0], times[runs - 1], runs);
}

static void
run_queries(LvStorage *storage, gint64 profile, int runs)
{
    g_autofree char *other = contact(7);
    LvHistoryQuery last = { .from_jid = ME, .to_jid = other, .between = TRUE, .limit = 100 };
    LvHistoryQuery either = { .from_jid = other, .between = TRUE, .limit = 100 };
    LvHistoryQuery everyone = { .limit = 100 };
    LvHistoryQuery search = { .search = MARKER };
    LvHistoryQuery search_last = { .search = MARKER, .limit = 100 };
    LvHistoryQuery search_between = {
        .from_jid = ME, .to_jid = other, .between = TRUE, .search = MARKER
    };

    time_query(storage, profile, "last 100 between two JIDs", &last, runs);
    time_query(storage, profile, "last 100 with one JID, both ways", &either, runs);
    time_query(storage, profile, "last 100 of all", &everyone, runs);
    time_query(storage, profile, "FTS search, every match", &search, runs);
    time_query(storage, profile, "FTS search, last 100 matches", &search_last, runs);
    time_query(storage, profile, "FTS search between two JIDs", &search_between, runs);
}

static void
remove_database(const char *dir)
{
    const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

    for (gsize i = 0; i < G_N_ELEMENTS(suffixes); i++) {
        g_autofree char *path = g_strdup_printf("%s/libervia.db%s", dir, suffixes[i]);
        g_unlink(path);
    }
    g_rmdir(dir);
}

int
main(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;
    guint rows = argc > 1 ? (guint)strtoul(argv[1], NULL, 10) : 1000000;
    int runs = argc > 2 ? atoi(argv[2]) : 20;
    g_autofree char *dir = argc > 3 ? g_strdup(argv[3]) : g_dir_make_tmp("lv-bench-XXXXXX", &error);
    gint64 profile = 0;

    if (dir == NULL)
        die("temporary directory", error);
    if (runs < 1)
        runs = 1;
    LvStorage *storage = lv_storage_open(dir, &error);
    if (storage == NULL ||
        !lv_storage_profile_create(storage, "bench", "", "h", "k", NULL, &profile, &error))
        die("database", error);
    double seconds = fill(storage, profile, rows);
    printf("inserted %u messages in %.1f s: %.0f messages/s (%.1f us each)\n", rows, seconds,
           rows / seconds, seconds * 1e6 / rows);
    run_queries(storage, profile, runs);
    g_autofree char *path = g_strdup(lv_storage_get_path(storage));
    lv_storage_close(storage); /* checkpoints the WAL into the file */
    GStatBuf st;
    if (g_stat(path, &st) == 0)
        printf("database %.0f MB\n", (double)st.st_size / 1e6);
    if (argc <= 3)
        remove_database(dir);
    return 0;
}
