/* lv-storage-history: SQL for the message history (see lv-storage-history.h).
 *
 * Rows are read whole (history row, then its texts per language); historyGet's
 * filters are in lv-storage-history-query.c. */
#include "lv-storage-history.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "lv-error.h"
#include "lv-storage-history-private.h"

/* The order in which a state moves; "error" stands apart. */
static const char *const forward_states[] = { "pending", "sent", "delivered", "displayed" };

LvHistoryRow *
lv_history_row_new(void)
{
    return g_new0(LvHistoryRow, 1);
}

void
lv_history_row_free(LvHistoryRow *row)
{
    if (row == NULL)
        return;
    g_free(row->uid);
    g_free(row->stanza_id);
    g_free(row->archive_jid);
    g_free(row->origin_id);
    g_free(row->sender_bare);
    g_free(row->source);
    g_free(row->source_res);
    g_free(row->dest);
    g_free(row->dest_res);
    g_free(row->type);
    g_free(row->state);
    g_clear_pointer(&row->messages, g_variant_unref);
    g_clear_pointer(&row->subjects, g_variant_unref);
    g_free(row->extra);
    g_free(row);
}

/* NULL binds SQL NULL. */
static void
bind_text(sqlite3_stmt *stmt, int index, const char *text)
{
    sqlite3_bind_text(stmt, index, text, -1, SQLITE_TRANSIENT);
}

static char *
column_dup(sqlite3_stmt *stmt, int index)
{
    return g_strdup((const char *)sqlite3_column_text(stmt, index));
}

/* Strings reach D-Bus as GVariant strings, which must be valid UTF-8 even if another
 * program wrote the database; NULL gives "" (transfer full). */
static char *
dup_utf8(const char *text)
{
    if (text == NULL)
        return g_strdup("");
    return g_utf8_validate(text, -1, NULL) ? g_strdup(text) : g_utf8_make_valid(text, -1);
}

static char *
column_dup_utf8(sqlite3_stmt *stmt, int index)
{
    return dup_utf8((const char *)sqlite3_column_text(stmt, index));
}

static LvHistoryRow *
read_row(sqlite3_stmt *stmt, gint64 *id)
{
    LvHistoryRow *row = lv_history_row_new();

    *id = sqlite3_column_int64(stmt, 0);
    row->uid = column_dup(stmt, 1);
    row->stanza_id = column_dup(stmt, 2);
    row->archive_jid = column_dup(stmt, 3);
    row->origin_id = column_dup(stmt, 4);
    row->sender_bare = column_dup(stmt, 5);
    row->source = column_dup(stmt, 6);
    row->source_res = column_dup(stmt, 7);
    row->dest = column_dup(stmt, 8);
    row->dest_res = column_dup(stmt, 9);
    row->timestamp = sqlite3_column_double(stmt, 10);
    row->received_timestamp = sqlite3_column_double(stmt, 11); /* NULL reads 0 */
    row->type = column_dup(stmt, 12);
    row->state = column_dup(stmt, 13);
    row->extra = column_dup(stmt, 14);
    return row;
}

static const char messages_sql[] =
        "SELECT language, message FROM history_message WHERE history_id = ?1 ORDER BY id";
static const char subjects_sql[] =
        "SELECT language, subject FROM history_subject WHERE history_id = ?1 ORDER BY id";

/* The texts of history row @id as a{ss} (transfer full, not floating). */
static GVariant *
load_texts(LvStorage *storage, const char *sql, gint64 id, GError **error)
{
    sqlite3_stmt *stmt = lv_storage_prepare(storage, sql, error);
    GVariantBuilder builder;
    int rc = SQLITE_DONE;

    if (stmt == NULL)
        return NULL;
    sqlite3_bind_int64(stmt, 1, id);
    g_variant_builder_init(&builder, G_VARIANT_TYPE("a{ss}"));
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        g_autofree char *language = column_dup_utf8(stmt, 0);
        g_autofree char *text = column_dup_utf8(stmt, 1);
        g_variant_builder_add(&builder, "{ss}", language, text);
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) {
        g_variant_builder_clear(&builder);
        lv_storage_fail(storage, "cannot read the history", error);
        return NULL;
    }
    return g_variant_ref_sink(g_variant_builder_end(&builder));
}

static GPtrArray *fetch_rows(LvStorage *storage, sqlite3_stmt *stmt, GError **error);

/* The rows and their texts in one read transaction (unless the caller has one):
 * else each of the two text statements of every row takes and drops the read lock. */
GPtrArray *
lv_storage_history_fetch(LvStorage *storage, sqlite3_stmt *stmt, GError **error)
{
    sqlite3 *db = sqlite3_db_handle(stmt);
    gboolean own = sqlite3_get_autocommit(db) != 0;

    if (own && sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
        lv_storage_fail(storage, "cannot read the history", error);
        return NULL;
    }
    GPtrArray *rows = fetch_rows(storage, stmt, error);
    if (own && !sqlite3_get_autocommit(db))
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL); /* a read: nothing to lose */
    return rows;
}

static GPtrArray *
fetch_rows(LvStorage *storage, sqlite3_stmt *stmt, GError **error)
{
    g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)lv_history_row_free);
    g_autoptr(GArray) ids = g_array_new(FALSE, FALSE, sizeof(gint64));
    int rc = SQLITE_DONE;

    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        gint64 id = 0;
        g_ptr_array_add(rows, read_row(stmt, &id));
        g_array_append_val(ids, id);
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) {
        lv_storage_fail(storage, "cannot read the history", error);
        return NULL;
    }
    /* The texts after the rows: the row statement is done with before another runs. */
    for (guint i = 0; i < rows->len; i++) {
        LvHistoryRow *row = rows->pdata[i];
        gint64 id = g_array_index(ids, gint64, i);
        row->messages = load_texts(storage, messages_sql, id, error);
        if (row->messages == NULL)
            return NULL;
        row->subjects = load_texts(storage, subjects_sql, id, error);
        if (row->subjects == NULL)
            return NULL;
    }
    return g_steal_pointer(&rows);
}

/* "jid" or "jid/resource" (transfer full). */
static char *
full_jid(const char *bare, const char *resource)
{
    g_autofree char *text = resource != NULL && *resource != '\0'
                                    ? g_strconcat(bare != NULL ? bare : "", "/", resource, NULL)
                                    : g_strdup(bare);

    return dup_utf8(text);
}

/* @text as a JSON object (a new, empty one if it is none) (transfer full). */
static JsonObject *
parse_extra(const char *text)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    JsonNode *root = NULL;

    if (text != NULL && json_parser_load_from_data(parser, text, -1, NULL))
        root = json_parser_get_root(parser);
    if (root == NULL || !JSON_NODE_HOLDS_OBJECT(root))
        return json_object_new();
    return json_object_ref(json_node_get_object(root));
}

static char *
extra_to_string(JsonObject *object)
{
    g_autoptr(JsonNode) node = json_node_init_object(json_node_alloc(), object);

    return json_to_string(node, FALSE);
}

GVariant *
lv_history_row_to_variant(const LvHistoryRow *row)
{
    g_autofree char *uid = dup_utf8(row->uid);
    g_autofree char *from = full_jid(row->source, row->source_res);
    g_autofree char *to = full_jid(row->dest, row->dest_res);
    g_autofree char *type = dup_utf8(row->type);
    g_autofree char *extra = NULL;
    GVariant *empty = NULL;

    if (row->state != NULL) {
        g_autoptr(JsonObject) object = parse_extra(row->extra);
        g_autofree char *state = dup_utf8(row->state);
        json_object_set_string_member(object, "state", state);
        extra = extra_to_string(object);
    } else {
        extra = dup_utf8(row->extra != NULL ? row->extra : "{}");
    }
    empty = g_variant_ref_sink(g_variant_new_array(G_VARIANT_TYPE("{ss}"), NULL, 0));
    GVariant *variant = g_variant_new("(sdss@a{ss}@a{ss}ss)", uid, row->timestamp, from, to,
                                      row->messages != NULL ? row->messages : empty,
                                      row->subjects != NULL ? row->subjects : empty, type, extra);
    g_variant_unref(empty);
    return variant;
}

/* Refuses what the schema would refuse less clearly, or would store wrongly. */
static gboolean
check_row(const LvHistoryRow *row, GError **error)
{
    const char *missing = row->sender_bare == NULL ? "sender_bare"
                          : row->source == NULL    ? "source"
                          : row->dest == NULL      ? "dest"
                          : row->type == NULL      ? "type"
                                                   : NULL;

    if (missing == NULL && row->stanza_id != NULL && row->archive_jid == NULL)
        missing = "archive_jid (with stanza_id)";
    if (missing != NULL) {
        g_set_error(error, LV_ERROR, LV_ERROR_INVALID_ARGUMENT, "history row without %s", missing);
        return FALSE;
    }
    if ((row->messages != NULL && !g_variant_is_of_type(row->messages, G_VARIANT_TYPE("a{ss}"))) ||
        (row->subjects != NULL && !g_variant_is_of_type(row->subjects, G_VARIANT_TYPE("a{ss}")))) {
        g_set_error_literal(error, LV_ERROR, LV_ERROR_INVALID_ARGUMENT,
                            "history texts must be a{ss}");
        return FALSE;
    }
    if (row->extra != NULL && strcmp(row->extra, "{}") != 0) {
        g_autoptr(JsonParser) parser = json_parser_new_immutable();
        if (!json_parser_load_from_data(parser, row->extra, -1, NULL) ||
            !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser))) {
            g_set_error_literal(error, LV_ERROR, LV_ERROR_INVALID_ARGUMENT,
                                "history extra must be a JSON object");
            return FALSE;
        }
    }
    return TRUE;
}

static gboolean
insert_texts(LvStorage *storage, const char *sql, gint64 id, GVariant *texts, GError **error)
{
    GVariantIter iter;
    const char *language = NULL;
    const char *text = NULL;

    if (texts == NULL)
        return TRUE;
    g_variant_iter_init(&iter, texts);
    while (g_variant_iter_next(&iter, "{&s&s}", &language, &text)) {
        sqlite3_stmt *stmt = lv_storage_prepare(storage, sql, error);
        if (stmt == NULL)
            return FALSE;
        sqlite3_bind_int64(stmt, 1, id);
        bind_text(stmt, 2, language);
        bind_text(stmt, 3, text);
        if (!lv_storage_step_done(storage, stmt, error))
            return FALSE;
    }
    return TRUE;
}

static const char insert_message_sql[] =
        "INSERT INTO history_message (history_id, language, message) VALUES (?1, ?2, ?3)";
static const char insert_subject_sql[] =
        "INSERT INTO history_subject (history_id, language, subject) VALUES (?1, ?2, ?3)";

static gboolean
insert_all_texts(LvStorage *storage, gint64 id, const LvHistoryRow *row, GError **error)
{
    return insert_texts(storage, insert_message_sql, id, row->messages, error) &&
           insert_texts(storage, insert_subject_sql, id, row->subjects, error);
}

/* The stored row that @row is a copy of, by the archive's key first, else by the
 * sender's, else by uid. FALSE with @error unset if none. */
static gboolean
find_existing(LvStorage *storage, gint64 profile_id, const LvHistoryRow *row, gint64 *id,
              char **uid, GError **error)
{
    sqlite3_stmt *stmt = lv_storage_prepare(
            storage,
            "SELECT 1, id, uid FROM history WHERE profile_id = ?1 AND archive_jid = ?2 AND "
            "stanza_id = ?3 UNION ALL SELECT 2, id, uid FROM history WHERE profile_id = ?1 AND "
            "sender_bare = ?4 AND origin_id = ?5 UNION ALL SELECT 3, id, uid FROM history "
            "WHERE profile_id = ?1 AND uid = ?6 ORDER BY 1 LIMIT 1",
            error);

    if (stmt == NULL)
        return FALSE;
    sqlite3_bind_int64(stmt, 1, profile_id);
    bind_text(stmt, 2, row->archive_jid);
    bind_text(stmt, 3, row->stanza_id);
    bind_text(stmt, 4, row->sender_bare);
    bind_text(stmt, 5, row->origin_id);
    bind_text(stmt, 6, row->uid);
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(stmt, 1);
        *uid = column_dup(stmt, 2);
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        lv_storage_fail(storage, "cannot read the history", error);
    return rc == SQLITE_ROW;
}

/* Fills the ids that stored row @id lacks from @row, unless another row holds them
 * (two copies stored before one arrival carried both ids: they stay two rows). */
static gboolean
fill_missing_ids(LvStorage *storage, gint64 id, const LvHistoryRow *row, GError **error)
{
    sqlite3_stmt *stanza = lv_storage_prepare(
            storage,
            "UPDATE OR IGNORE history SET archive_jid = ?2, stanza_id = ?3 WHERE id = ?1 AND "
            "stanza_id IS NULL AND ?3 IS NOT NULL",
            error);

    if (stanza == NULL)
        return FALSE;
    sqlite3_bind_int64(stanza, 1, id);
    bind_text(stanza, 2, row->archive_jid);
    bind_text(stanza, 3, row->stanza_id);
    if (!lv_storage_step_done(storage, stanza, error))
        return FALSE;
    /* The origin-id is the sender's: only under the same sender. */
    sqlite3_stmt *origin = lv_storage_prepare(
            storage,
            "UPDATE OR IGNORE history SET origin_id = ?2 WHERE id = ?1 AND origin_id IS NULL AND "
            "?2 IS NOT NULL AND sender_bare = ?3",
            error);
    if (origin == NULL)
        return FALSE;
    sqlite3_bind_int64(origin, 1, id);
    bind_text(origin, 2, row->origin_id);
    bind_text(origin, 3, row->sender_bare);
    return lv_storage_step_done(storage, origin, error);
}

static char *
merge_existing(LvStorage *storage, gint64 profile_id, const LvHistoryRow *row, GError **error)
{
    g_autofree char *uid = NULL;
    g_autoptr(GError) local_error = NULL;
    gint64 id = 0;

    if (!find_existing(storage, profile_id, row, &id, &uid, &local_error)) {
        if (local_error != NULL) {
            g_propagate_error(error, g_steal_pointer(&local_error));
            return NULL;
        }
        /* Only the uid can have conflicted, and with another profile's message. */
        g_set_error(error, LV_ERROR, LV_ERROR_CONFLICT, "history uid %s is already used", row->uid);
        return NULL;
    }
    if (!fill_missing_ids(storage, id, row, error))
        return NULL;
    return g_steal_pointer(&uid);
}

static void
bind_row(sqlite3_stmt *stmt, const char *uid, gint64 profile_id, const LvHistoryRow *row)
{
    bind_text(stmt, 1, uid);
    sqlite3_bind_int64(stmt, 2, profile_id);
    bind_text(stmt, 3, row->stanza_id != NULL ? row->archive_jid : NULL);
    bind_text(stmt, 4, row->stanza_id);
    bind_text(stmt, 5, row->origin_id);
    bind_text(stmt, 6, row->sender_bare);
    bind_text(stmt, 7, row->source);
    bind_text(stmt, 8, row->source_res);
    bind_text(stmt, 9, row->dest);
    bind_text(stmt, 10, row->dest_res);
    sqlite3_bind_double(stmt, 11, row->timestamp);
    if (row->received_timestamp != 0)
        sqlite3_bind_double(stmt, 12, row->received_timestamp);
    bind_text(stmt, 13, row->type);
    bind_text(stmt, 14, row->state);
    bind_text(stmt, 15, row->extra != NULL ? row->extra : "{}");
}

/* A new uid: an RFC 9562 version 7 UUID, whose first 48 bits are the time in ms.
 * New rows then land at the end of the uid index, not on a random page of it: at a
 * million rows, random uids made every message dirty a page of its own. */
char *
lv_storage_history_new_uid(void)
{
    guint64 ms = (guint64)(g_get_real_time() / 1000);
    guint32 r[3] = { g_random_int(), g_random_int(), g_random_int() };

    return g_strdup_printf("%08x-%04x-%04x-%04x-%04x%08x", (guint32)(ms >> 16),
                           (guint32)(ms & 0xffff), 0x7000 | (r[0] & 0x0fff),
                           0x8000 | (r[1] & 0x3fff), r[2] & 0xffff, r[0] ^ r[1] ^ r[2] >> 16);
}

static char *
insert_or_merge(LvStorage *storage, gint64 profile_id, const LvHistoryRow *row, gboolean *inserted,
                GError **error)
{
    g_autofree char *uid = row->uid != NULL ? g_strdup(row->uid) : lv_storage_history_new_uid();
    /* DO NOTHING without a target covers both dedup keys (and the uid). */
    sqlite3_stmt *stmt = lv_storage_prepare(
            storage,
            "INSERT INTO history (uid, profile_id, archive_jid, stanza_id, origin_id, "
            "sender_bare, source, source_res, dest, dest_res, timestamp, received_timestamp, "
            "type, state, extra) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
            "?13, ?14, ?15) ON CONFLICT DO NOTHING",
            error);

    if (stmt == NULL)
        return NULL;
    bind_row(stmt, uid, profile_id, row);
    if (!lv_storage_step_done(storage, stmt, error))
        return NULL;
    sqlite3 *db = sqlite3_db_handle(stmt);
    if (sqlite3_changes(db) == 0) {
        *inserted = FALSE;
        return merge_existing(storage, profile_id, row, error);
    }
    if (!insert_all_texts(storage, sqlite3_last_insert_rowid(db), row, error))
        return NULL;
    *inserted = TRUE;
    return g_steal_pointer(&uid);
}

char *
lv_storage_history_add(LvStorage *storage, gint64 profile_id, const LvHistoryRow *row,
                       gboolean *inserted, GError **error)
{
    gboolean own = FALSE;
    gboolean stored = FALSE;

    if (!check_row(row, error))
        return NULL;
    if (!lv_storage_write_begin(storage, &own, error))
        return NULL;
    g_autofree char *uid = insert_or_merge(storage, profile_id, row, &stored, error);
    if (uid == NULL) {
        lv_storage_write_abort(storage, own);
        return NULL;
    }
    if (!lv_storage_write_end(storage, own, error))
        return NULL;
    if (inserted != NULL)
        *inserted = stored;
    return g_steal_pointer(&uid);
}

/* The first row of @stmt, or NULL if none (@error unset then). */
static LvHistoryRow *
fetch_one(LvStorage *storage, sqlite3_stmt *stmt, GError **error)
{
    g_autoptr(GPtrArray) rows = lv_storage_history_fetch(storage, stmt, error);

    if (rows == NULL || rows->len == 0)
        return NULL;
    return g_ptr_array_steal_index(rows, 0);
}

LvHistoryRow *
lv_storage_history_get(LvStorage *storage, gint64 profile_id, const char *uid, GError **error)
{
    sqlite3_stmt *stmt = lv_storage_prepare(
            storage, LV_HISTORY_SELECT " WHERE h.profile_id = ?1 AND h.uid = ?2", error);

    if (stmt == NULL)
        return NULL;
    sqlite3_bind_int64(stmt, 1, profile_id);
    bind_text(stmt, 2, uid);
    return fetch_one(storage, stmt, error);
}

char *
lv_storage_history_find(LvStorage *storage, gint64 profile_id, const char *sender_bare,
                        const char *id, GError **error)
{
    sqlite3_stmt *stmt = lv_storage_prepare(storage,
                                            "SELECT uid FROM history WHERE profile_id = ?1 AND "
                                            "sender_bare = ?2 AND origin_id = ?3",
                                            error);

    if (stmt == NULL)
        return NULL;
    sqlite3_bind_int64(stmt, 1, profile_id);
    bind_text(stmt, 2, sender_bare);
    bind_text(stmt, 3, id);
    int rc = sqlite3_step(stmt);
    char *uid = rc == SQLITE_ROW ? column_dup(stmt, 0) : NULL;
    sqlite3_reset(stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        lv_storage_fail(storage, "cannot read the history", error);
    return uid;
}

gboolean
lv_storage_history_locate(LvStorage *storage, gint64 profile_id, const char *uid, gint64 *id,
                          double *timestamp, char **extra, GError **error)
{
    sqlite3_stmt *stmt = lv_storage_prepare(
            storage, "SELECT id, timestamp, extra FROM history WHERE profile_id = ?1 AND uid = ?2",
            error);

    if (stmt == NULL)
        return FALSE;
    sqlite3_bind_int64(stmt, 1, profile_id);
    bind_text(stmt, 2, uid);
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(stmt, 0);
        if (timestamp != NULL)
            *timestamp = sqlite3_column_double(stmt, 1);
        if (extra != NULL)
            *extra = column_dup(stmt, 2);
    }
    sqlite3_reset(stmt);
    if (rc == SQLITE_DONE)
        g_set_error(error, LV_ERROR, LV_ERROR_NOT_FOUND, "no message %s in the history", uid);
    else if (rc != SQLITE_ROW)
        lv_storage_fail(storage, "cannot read the history", error);
    return rc == SQLITE_ROW;
}

/* 1 for pending … 4 for displayed, 0 for "error", -1 for anything else. */
static int
state_rank(const char *state)
{
    for (gsize i = 0; i < G_N_ELEMENTS(forward_states); i++)
        if (g_strcmp0(state, forward_states[i]) == 0)
            return (int)i + 1;
    return g_strcmp0(state, "error") == 0 ? 0 : -1;
}

gboolean
lv_storage_history_set_state(LvStorage *storage, gint64 profile_id, const char *uid,
                             const char *state, gboolean *changed, GError **error)
{
    int rank = state_rank(state);
    sqlite3_stmt *stmt = NULL;
    gint64 id = 0;

    if (changed != NULL)
        *changed = FALSE;
    if (rank < 0) {
        g_set_error(error, LV_ERROR, LV_ERROR_INVALID_ARGUMENT, "unknown message state %s",
                    state != NULL ? state : "(null)");
        return FALSE;
    }
    /* One statement compares and sets: the rule holds whatever is stored. */
    stmt = lv_storage_prepare(
            storage,
            rank == 0 ? "UPDATE history SET state = 'error' WHERE profile_id = ?1 AND uid = ?2 "
                        "AND state IN ('pending', 'sent')"
                      : "UPDATE history SET state = ?4 WHERE profile_id = ?1 AND uid = ?2 AND "
                        "CASE state WHEN 'pending' THEN 1 WHEN 'sent' THEN 2 WHEN 'delivered' "
                        "THEN 3 WHEN 'displayed' THEN 4 WHEN 'error' THEN 5 ELSE 0 END < ?3",
            error);
    if (stmt == NULL)
        return FALSE;
    sqlite3_bind_int64(stmt, 1, profile_id);
    bind_text(stmt, 2, uid);
    if (rank > 0) {
        sqlite3_bind_int(stmt, 3, rank);
        bind_text(stmt, 4, state);
    }
    if (!lv_storage_step_done(storage, stmt, error))
        return FALSE;
    if (sqlite3_changes(sqlite3_db_handle(stmt)) > 0) {
        if (changed != NULL)
            *changed = TRUE;
        return TRUE;
    }
    /* Unchanged: a state that would go back, or no such message. */
    return lv_storage_history_locate(storage, profile_id, uid, &id, NULL, NULL, error);
}

/* Whether the a{ss} @a and @b hold the same texts, in any order. */
static gboolean
same_texts(GVariant *a, GVariant *b)
{
    GVariantIter iter;
    const char *language = NULL;
    const char *text = NULL;

    if (g_variant_n_children(a) != g_variant_n_children(b))
        return FALSE;
    g_variant_iter_init(&iter, a);
    while (g_variant_iter_next(&iter, "{&s&s}", &language, &text)) {
        const char *other = NULL;
        if (!g_variant_lookup(b, language, "&s", &other) || strcmp(other, text) != 0)
            return FALSE;
    }
    return TRUE;
}

/* A number member of @object; FALSE if absent or not a number. */
static gboolean
number_member(JsonObject *object, const char *name, double *value)
{
    JsonNode *node = json_object_get_member(object, name);

    if (node == NULL || !JSON_NODE_HOLDS_VALUE(node))
        return FALSE;
    if (json_node_get_value_type(node) != G_TYPE_DOUBLE &&
        json_node_get_value_type(node) != G_TYPE_INT64)
        return FALSE;
    *value = json_node_get_double(node);
    return TRUE;
}

/* Adds {timestamp, message: {language: text}} to the list extra "edits". */
static void
append_edit(JsonObject *extra, double timestamp, GVariant *texts)
{
    JsonNode *node = json_object_get_member(extra, "edits");
    JsonObject *edit = json_object_new();
    JsonObject *message = json_object_new();
    JsonArray *edits = NULL;
    GVariantIter iter;
    const char *language = NULL;
    const char *text = NULL;

    if (node != NULL && JSON_NODE_HOLDS_ARRAY(node)) {
        edits = json_node_get_array(node);
    } else {
        edits = json_array_new();
        json_object_set_array_member(extra, "edits", edits); /* extra owns it */
    }
    g_variant_iter_init(&iter, texts);
    while (g_variant_iter_next(&iter, "{&s&s}", &language, &text))
        json_object_set_string_member(message, language, text);
    json_object_set_double_member(edit, "timestamp", timestamp);
    json_object_set_object_member(edit, "message", message);
    json_array_add_object_element(edits, edit);
}

static gboolean
set_extra(LvStorage *storage, gint64 id, JsonObject *extra, GError **error)
{
    g_autofree char *text = extra_to_string(extra);
    sqlite3_stmt *stmt =
            lv_storage_prepare(storage, "UPDATE history SET extra = ?2 WHERE id = ?1", error);

    if (stmt == NULL)
        return FALSE;
    sqlite3_bind_int64(stmt, 1, id);
    bind_text(stmt, 2, text);
    return lv_storage_step_done(storage, stmt, error);
}

/* Deleting the rows (not emptying them) is what takes them out of the FTS index:
 * its triggers follow history_message. */
static gboolean
delete_texts(LvStorage *storage, const char *sql, gint64 id, GError **error)
{
    sqlite3_stmt *stmt = lv_storage_prepare(storage, sql, error);

    if (stmt == NULL)
        return FALSE;
    sqlite3_bind_int64(stmt, 1, id);
    return lv_storage_step_done(storage, stmt, error);
}

static const char delete_messages_sql[] = "DELETE FROM history_message WHERE history_id = ?1";
static const char delete_subjects_sql[] = "DELETE FROM history_subject WHERE history_id = ?1";

static gboolean
apply_correction(LvStorage *storage, gint64 profile_id, const char *uid, GVariant *messages,
                 double timestamp, GError **error)
{
    g_autofree char *extra_text = NULL;
    double sent = 0;
    double previous = 0;
    gint64 id = 0;

    if (!lv_storage_history_locate(storage, profile_id, uid, &id, &sent, &extra_text, error))
        return FALSE;
    g_autoptr(JsonObject) extra = parse_extra(extra_text);
    gboolean edited = number_member(extra, "edited", &previous);
    /* A retracted text never comes back; an older correction (replayed by MAM after a
     * newer one) must not undo the newer one. */
    if (json_object_has_member(extra, "retracted") || (edited && timestamp <= previous))
        return TRUE;
    g_autoptr(GVariant) old = load_texts(storage, messages_sql, id, error);
    if (old == NULL)
        return FALSE;
    if (same_texts(old, messages))
        return TRUE;
    append_edit(extra, edited ? previous : sent, old);
    json_object_set_double_member(extra, "edited", timestamp);
    return set_extra(storage, id, extra, error) &&
           delete_texts(storage, delete_messages_sql, id, error) &&
           insert_texts(storage, insert_message_sql, id, messages, error);
}

gboolean
lv_storage_history_correct(LvStorage *storage, gint64 profile_id, const char *uid,
                           GVariant *messages, double timestamp, GError **error)
{
    gboolean own = FALSE;

    if (messages == NULL || !g_variant_is_of_type(messages, G_VARIANT_TYPE("a{ss}"))) {
        g_set_error_literal(error, LV_ERROR, LV_ERROR_INVALID_ARGUMENT,
                            "a correction needs texts as a{ss}");
        return FALSE;
    }
    if (!lv_storage_write_begin(storage, &own, error))
        return FALSE;
    if (!apply_correction(storage, profile_id, uid, messages, timestamp, error)) {
        lv_storage_write_abort(storage, own);
        return FALSE;
    }
    return lv_storage_write_end(storage, own, error);
}

static gboolean
apply_retraction(LvStorage *storage, gint64 profile_id, const char *uid, double timestamp,
                 GError **error)
{
    g_autofree char *extra_text = NULL;
    gint64 id = 0;

    if (!lv_storage_history_locate(storage, profile_id, uid, &id, NULL, &extra_text, error))
        return FALSE;
    g_autoptr(JsonObject) extra = parse_extra(extra_text);
    /* The earlier texts go too: a retraction leaves nothing of what was said. */
    if (json_object_has_member(extra, "edits"))
        json_object_remove_member(extra, "edits");
    if (!json_object_has_member(extra, "retracted"))
        json_object_set_double_member(extra, "retracted", timestamp);
    return set_extra(storage, id, extra, error) &&
           delete_texts(storage, delete_messages_sql, id, error) &&
           delete_texts(storage, delete_subjects_sql, id, error);
}

gboolean
lv_storage_history_retract(LvStorage *storage, gint64 profile_id, const char *uid, double timestamp,
                           GError **error)
{
    gboolean own = FALSE;

    if (!lv_storage_write_begin(storage, &own, error))
        return FALSE;
    if (!apply_retraction(storage, profile_id, uid, timestamp, error)) {
        lv_storage_write_abort(storage, own);
        return FALSE;
    }
    return lv_storage_write_end(storage, own, error);
}

GPtrArray *
lv_storage_history_pending(LvStorage *storage, gint64 profile_id, GError **error)
{
    /* The literal 'pending' lets SQLite use the partial index history_pending. */
    sqlite3_stmt *stmt =
            lv_storage_prepare(storage,
                               LV_HISTORY_SELECT " WHERE h.profile_id = ?1 AND h.state = 'pending' "
                                                 "ORDER BY h.timestamp, h.id",
                               error);

    if (stmt == NULL)
        return NULL;
    sqlite3_bind_int64(stmt, 1, profile_id);
    return lv_storage_history_fetch(storage, stmt, error);
}

char *
lv_storage_mam_get_last(LvStorage *storage, gint64 profile_id, const char *archive_jid,
                        double *timestamp, GError **error)
{
    sqlite3_stmt *stmt = lv_storage_prepare(storage,
                                            "SELECT last_id, timestamp FROM mam_catchup WHERE "
                                            "profile_id = ?1 AND archive_jid = ?2",
                                            error);

    if (timestamp != NULL)
        *timestamp = 0;
    if (stmt == NULL)
        return NULL;
    sqlite3_bind_int64(stmt, 1, profile_id);
    bind_text(stmt, 2, archive_jid);
    int rc = sqlite3_step(stmt);
    char *last_id = rc == SQLITE_ROW ? column_dup(stmt, 0) : NULL;
    if (rc == SQLITE_ROW && timestamp != NULL)
        *timestamp = sqlite3_column_double(stmt, 1);
    sqlite3_reset(stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        lv_storage_fail(storage, "cannot read the MAM catch-up point", error);
    return last_id;
}

gboolean
lv_storage_mam_set_last(LvStorage *storage, gint64 profile_id, const char *archive_jid,
                        const char *last_id, double timestamp, GError **error)
{
    sqlite3_stmt *stmt = lv_storage_prepare(
            storage,
            "INSERT INTO mam_catchup (profile_id, archive_jid, last_id, timestamp) VALUES "
            "(?1, ?2, ?3, ?4) ON CONFLICT (profile_id, archive_jid) DO UPDATE SET "
            "last_id = excluded.last_id, timestamp = excluded.timestamp",
            error);

    if (stmt == NULL)
        return FALSE;
    sqlite3_bind_int64(stmt, 1, profile_id);
    bind_text(stmt, 2, archive_jid);
    bind_text(stmt, 3, last_id);
    sqlite3_bind_double(stmt, 4, timestamp);
    return lv_storage_step_done(storage, stmt, error);
}
