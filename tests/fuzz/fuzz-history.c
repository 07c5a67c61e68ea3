/* Fuzzes historyGet's query as the storage runs it (FTS5 search words, JID and
 * uid filters, type lists) against a small real database. The input is the
 * method's arguments and filters, one per line: from, to, search, types,
 * not_types, before_uid, after_uid, limit, between, before, after; the type lists
 * are split at spaces and commas as lv-message-methods.c does. */
#include <stdlib.h>

#include <glib/gstdio.h>

#include "fuzz-common.h"
#include "lv-storage-history.h"
#include "lv-storage-profiles.h"
#include "lv-storage.h"

static LvStorage *storage;
static gint64 profile;
static char *dir;

static void
remove_dir(void)
{
    static const char *const names[] = { "libervia.db", "libervia.db-wal", "libervia.db-shm" };

    g_clear_pointer(&storage, lv_storage_close);
    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *path = g_build_filename(dir, names[i], NULL);
        g_unlink(path);
    }
    g_rmdir(dir);
}

static void
add_row(const char *from, const char *to, double timestamp, const char *text)
{
    g_autoptr(LvHistoryRow) row = lv_history_row_new();

    row->sender_bare = g_strdup(from);
    row->source = g_strdup(from);
    row->dest = g_strdup(to);
    row->timestamp = timestamp;
    row->type = g_strdup(timestamp > 2 ? "groupchat" : "chat");
    row->messages = g_variant_ref_sink(g_variant_new_parsed("{'': %s}", text));
    row->extra = g_strdup("{}");
    g_free(lv_storage_history_add(storage, profile, row, NULL, NULL));
}

static void
open_storage(void)
{
    if (storage != NULL)
        return;
    fuzz_quiet_logs();
    dir = g_dir_make_tmp("lv-fuzz-history-XXXXXX", NULL);
    storage = lv_storage_open(dir, NULL);
    if (storage == NULL ||
        !lv_storage_profile_create(storage, "p", "", "h", "k", NULL, &profile, NULL))
        abort();
    atexit(remove_dir);
    add_row("alice@localhost", "bob@localhost", 1, "hello world");
    add_row("bob@localhost", "alice@localhost", 2, "Hello \"quoted\" AND NOT*");
    add_row("room@conference.localhost", "alice@localhost", 3, "ünïcödé words");
}

static char **
split_types(const char *text)
{
    return text != NULL && text[0] != '\0' ? g_strsplit_set(text, " ,", -1) : NULL;
}

static const char *
line(char **lines, guint index)
{
    return index < g_strv_length(lines) ? lines[index] : "";
}

static const char *
nonempty(const char *text)
{
    return text[0] != '\0' ? text : NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    g_auto(GStrv) types = NULL;
    g_auto(GStrv) not_types = NULL;

    open_storage();
    text = fuzz_dup_string(data, size);
    lines = g_strsplit(text, "\n", 12);
    types = split_types(line(lines, 3));
    not_types = split_types(line(lines, 4));
    int limit = (int)g_ascii_strtoll(line(lines, 7), NULL, 10);
    LvHistoryQuery query = {
        line(lines, 0),
        line(lines, 1),
        line(lines, 8)[0] == '1',
        limit < 0 ? -1 : limit,
        nonempty(line(lines, 2)),
        (const char *const *)types,
        (const char *const *)not_types,
        g_ascii_strtod(line(lines, 9), NULL),
        g_ascii_strtod(line(lines, 10), NULL),
        nonempty(line(lines, 5)),
        nonempty(line(lines, 6)),
    };
    GPtrArray *rows = lv_storage_history_query(storage, profile, &query, NULL);
    if (rows != NULL) {
        for (guint i = 0; i < rows->len; i++)
            g_variant_unref(g_variant_ref_sink(lv_history_row_to_variant(rows->pdata[i])));
        g_ptr_array_unref(rows);
    }
    return 0;
}
