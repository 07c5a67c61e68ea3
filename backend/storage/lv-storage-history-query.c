/* lv-storage-history-query: historyGet, Libervia 0.9's history query and filters.
 *
 * Filters combine, so the statement is assembled from the fixed fragments below and
 * never from values: every value is a named parameter, bound afterwards. There are
 * only as many texts as combinations of fragments; each is interned and its
 * statement stays prepared. Every shape of query has an index that reads it in
 * time order from the newest (migration 2), so "the last 100" reads about 100
 * entries whatever the size of the history; a search reads the FTS matches first.
 */
#include <string.h>

#include "lv-error.h"
#include "lv-jid.h"
#include "lv-storage-history-private.h"

/* The types the schema allows (its CHECK): a type filter needs no more slots. */
static const char *const known_types[] = { "chat",     "error",  "groupchat",
                                           "headline", "normal", "info" };
#define N_TYPES G_N_ELEMENTS(known_types)
static const char *const type_params[N_TYPES] = { ":type0", ":type1", ":type2",
                                                  ":type3", ":type4", ":type5" };
static const char *const not_type_params[N_TYPES] = { ":not_type0", ":not_type1", ":not_type2",
                                                      ":not_type3", ":not_type4", ":not_type5" };

/* The fragments. Between two bare JIDs: the pair index (history_pair) holds both
 * directions under one key; the exact directions (with resources) are checked on
 * the rows it yields ("+" keeps SQLite from choosing another index for them). */
static const char q_select[] = LV_HISTORY_SELECT " WHERE h.profile_id = :profile";
/* With a search, the FTS matches drive: "+" keeps SQLite from walking the profile's
 * whole history in time order and probing each row against the matches. */
static const char q_select_search[] = LV_HISTORY_SELECT " WHERE +h.profile_id = :profile";
static const char q_pair[] = " AND min(h.source, h.dest) = min(:from, :to)"
                             " AND max(h.source, h.dest) = max(:from, :to)";
static const char q_pair_res[] = " AND ((+h.source = :from AND +h.dest = :to"
                                 " AND (:from_res IS NULL OR h.source_res = :from_res)"
                                 " AND (:to_res IS NULL OR h.dest_res = :to_res))"
                                 " OR (+h.source = :to AND +h.dest = :from"
                                 " AND (:to_res IS NULL OR h.source_res = :to_res)"
                                 " AND (:from_res IS NULL OR h.dest_res = :from_res)))";
/* Between one JID and anyone: no index holds both sides, and an OR of two would
 * make SQLite walk the whole history in time order (as slow as the JID is rare) or
 * read every message of the JID (all of them for our own). So each side is read
 * from its index (history_source, history_dest), newest first up to the limit with
 * the other filters applied, and the two are merged: at most twice the limit. */
static const char q_either_head[] = LV_HISTORY_SELECT " WHERE h.id IN (SELECT id FROM (";
static const char q_either_union[] = ") UNION ALL SELECT id FROM (";
static const char q_either_tail[] = "))";
static const char q_branch[] = "SELECT h.id FROM history h WHERE h.profile_id = :profile";
static const char q_branch_search[] = "SELECT h.id FROM history h WHERE +h.profile_id = :profile";
static const char q_side_source[] = " AND h.source = :from"
                                    " AND (:from_res IS NULL OR h.source_res = :from_res)";
static const char q_side_dest[] = " AND h.dest = :from"
                                  " AND (:from_res IS NULL OR h.dest_res = :from_res)";
static const char q_from[] = " AND h.source = :from";
static const char q_from_res[] = " AND h.source_res = :from_res";
static const char q_to[] = " AND h.dest = :to";
static const char q_to_res[] = " AND h.dest_res = :to_res";
static const char q_search[] = " AND h.id IN (SELECT m.history_id FROM history_message_fts"
                               " JOIN history_message m ON m.id = history_message_fts.rowid"
                               " WHERE history_message_fts MATCH :search)";
static const char q_types[] = " AND h.type IN (:type0, :type1, :type2, :type3, :type4, :type5)";
static const char q_not_types[] = " AND h.type NOT IN (:not_type0, :not_type1, :not_type2,"
                                  " :not_type3, :not_type4, :not_type5)";
static const char q_before[] = " AND h.timestamp < :before";
static const char q_after[] = " AND h.timestamp > :after";
/* Older/newer in the order of the results: time, then insertion for equal times. */
static const char q_before_uid[] = " AND h.timestamp <= :before_ts"
                                   " AND (h.timestamp < :before_ts OR h.id < :before_id)";
static const char q_after_uid[] = " AND h.timestamp >= :after_ts"
                                  " AND (h.timestamp > :after_ts OR h.id > :after_id)";
static const char q_order[] = " ORDER BY h.timestamp DESC, h.id DESC LIMIT :limit";

/* The query's values, checked and in the form the fragments bind. */
typedef struct {
    char *from; /* bare JIDs, NULL for anyone; between with one JID: it is @from */
    char *from_res;
    char *to;
    char *to_res;
    char *search; /* the FTS5 query, NULL for none */
    const char *types[N_TYPES];
    const char *not_types[N_TYPES];
    gsize n_not_types;
    gint64 before_id;
    double before_ts;
    gint64 after_id;
    double after_ts;
} Filter;

static void
filter_clear(Filter *filter)
{
    g_free(filter->from);
    g_free(filter->from_res);
    g_free(filter->to);
    g_free(filter->to_res);
    g_free(filter->search);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Filter, filter_clear)

/* Each word of @text as an FTS5 string, inner double quotes doubled, so that the
 * text is only words: FTS5 syntax in it (AND, NEAR(, *, ", column:) means nothing
 * and cannot make the query fail. NULL if there is no word (transfer full). */
static char *
fts_query(const char *text)
{
    g_auto(GStrv) words = g_strsplit_set(text, " \t\n\r\f\v", -1);
    g_autoptr(GString) query = g_string_new(NULL);

    for (char **word = words; *word != NULL; word++) {
        if (**word == '\0')
            continue;
        if (query->len > 0)
            g_string_append_c(query, ' ');
        g_string_append_c(query, '"');
        for (const char *c = *word; *c != '\0'; c++) {
            if (*c == '"')
                g_string_append_c(query, '"');
            g_string_append_c(query, *c);
        }
        g_string_append_c(query, '"');
    }
    return query->len > 0 ? g_string_free(g_steal_pointer(&query), FALSE) : NULL;
}

/* The known types among @types, each once, into @out; how many. An unknown type
 * can match no row, so leaving it out changes nothing. */
static gsize
known_types_of(const char *const *types, const char **out)
{
    gsize n = 0;

    for (gsize i = 0; i < N_TYPES; i++) {
        out[i] = NULL;
        if (g_strv_contains(types, known_types[i]))
            out[n++] = known_types[i];
    }
    return n;
}

static gboolean
split_jid(const char *text, const char *what, char **bare, char **resource, GError **error)
{
    if (text == NULL || *text == '\0')
        return TRUE;
    g_autoptr(LvJid) jid = lv_jid_parse(text, error);
    if (jid == NULL) {
        g_prefix_error(error, "%s: ", what);
        return FALSE;
    }
    *bare = lv_jid_dup_bare(jid);
    *resource = g_strdup(lv_jid_get_resource(jid));
    return TRUE;
}

static gboolean
filter_init(LvStorage *storage, gint64 profile_id, const LvHistoryQuery *query, Filter *filter,
            GError **error)
{
    if (!split_jid(query->from_jid, "from_jid", &filter->from, &filter->from_res, error) ||
        !split_jid(query->to_jid, "to_jid", &filter->to, &filter->to_res, error))
        return FALSE;
    if (query->between && filter->from == NULL) {
        filter->from = g_steal_pointer(&filter->to);
        filter->from_res = g_steal_pointer(&filter->to_res);
    }
    if (query->search != NULL)
        filter->search = fts_query(query->search);
    if (query->types != NULL)
        known_types_of(query->types, filter->types);
    if (query->not_types != NULL)
        filter->n_not_types = known_types_of(query->not_types, filter->not_types);
    if (query->before_uid != NULL &&
        !lv_storage_history_locate(storage, profile_id, query->before_uid, &filter->before_id,
                                   &filter->before_ts, NULL, error))
        return FALSE;
    if (query->after_uid != NULL &&
        !lv_storage_history_locate(storage, profile_id, query->after_uid, &filter->after_id,
                                   &filter->after_ts, NULL, error))
        return FALSE;
    return TRUE;
}

static void
append_jid_fragments(GString *sql, const LvHistoryQuery *query, const Filter *filter)
{
    if (filter->from == NULL && filter->to == NULL)
        return;
    if (query->between) {
        g_string_append(sql, q_pair);
        if (filter->from_res != NULL || filter->to_res != NULL)
            g_string_append(sql, q_pair_res);
    } else {
        if (filter->from != NULL)
            g_string_append(sql, q_from);
        if (filter->from_res != NULL)
            g_string_append(sql, q_from_res);
        if (filter->to != NULL)
            g_string_append(sql, q_to);
        if (filter->to_res != NULL)
            g_string_append(sql, q_to_res);
    }
}

static void
append_filters(GString *sql, const LvHistoryQuery *query, const Filter *filter)
{
    if (filter->search != NULL)
        g_string_append(sql, q_search);
    if (query->types != NULL)
        g_string_append(sql, q_types);
    if (filter->n_not_types > 0)
        g_string_append(sql, q_not_types);
    if (query->before != 0)
        g_string_append(sql, q_before);
    if (query->after != 0)
        g_string_append(sql, q_after);
    if (query->before_uid != NULL)
        g_string_append(sql, q_before_uid);
    if (query->after_uid != NULL)
        g_string_append(sql, q_after_uid);
}

/* The statement text: constant fragments only (transfer none, interned). */
static const char *
build_sql(const LvHistoryQuery *query, const Filter *filter)
{
    gboolean search = filter->search != NULL;
    g_autoptr(GString) sql = g_string_new(NULL);

    if (query->between && filter->from != NULL && filter->to == NULL) {
        g_string_append(sql, q_either_head);
        g_string_append(sql, search ? q_branch_search : q_branch);
        g_string_append(sql, q_side_source);
        append_filters(sql, query, filter);
        g_string_append(sql, q_order);
        g_string_append(sql, q_either_union);
        g_string_append(sql, search ? q_branch_search : q_branch);
        g_string_append(sql, q_side_dest);
        append_filters(sql, query, filter);
        g_string_append(sql, q_order);
        g_string_append(sql, q_either_tail);
    } else {
        g_string_append(sql, search ? q_select_search : q_select);
        append_jid_fragments(sql, query, filter);
        append_filters(sql, query, filter);
    }
    g_string_append(sql, q_order);
    /* The statement cache keeps the text as its key: it must outlive this call. */
    return g_intern_string(sql->str);
}

/* Parameters the statement lacks are skipped: each fragment uses its own. */
static void
bind_named_text(sqlite3_stmt *stmt, const char *name, const char *text)
{
    int index = sqlite3_bind_parameter_index(stmt, name);

    if (index > 0)
        sqlite3_bind_text(stmt, index, text, -1, SQLITE_TRANSIENT);
}

static void
bind_named_double(sqlite3_stmt *stmt, const char *name, double value)
{
    int index = sqlite3_bind_parameter_index(stmt, name);

    if (index > 0)
        sqlite3_bind_double(stmt, index, value);
}

static void
bind_named_int64(sqlite3_stmt *stmt, const char *name, gint64 value)
{
    int index = sqlite3_bind_parameter_index(stmt, name);

    if (index > 0)
        sqlite3_bind_int64(stmt, index, value);
}

static void
bind_filter(sqlite3_stmt *stmt, gint64 profile_id, const LvHistoryQuery *query,
            const Filter *filter)
{
    bind_named_int64(stmt, ":profile", profile_id);
    bind_named_text(stmt, ":from", filter->from);
    bind_named_text(stmt, ":from_res", filter->from_res);
    bind_named_text(stmt, ":to", filter->to);
    bind_named_text(stmt, ":to_res", filter->to_res);
    bind_named_text(stmt, ":search", filter->search);
    for (gsize i = 0; i < N_TYPES; i++) {
        /* Unused slots: NULL matches nothing in IN; a repeat excludes nothing more. */
        bind_named_text(stmt, type_params[i], filter->types[i]);
        bind_named_text(stmt, not_type_params[i],
                        filter->not_types[i] != NULL ? filter->not_types[i] : filter->not_types[0]);
    }
    bind_named_double(stmt, ":before", query->before);
    bind_named_double(stmt, ":after", query->after);
    bind_named_double(stmt, ":before_ts", filter->before_ts);
    bind_named_int64(stmt, ":before_id", filter->before_id);
    bind_named_double(stmt, ":after_ts", filter->after_ts);
    bind_named_int64(stmt, ":after_id", filter->after_id);
    bind_named_int64(stmt, ":limit", query->limit > 0 ? query->limit : -1);
}

GPtrArray *
lv_storage_history_query(LvStorage *storage, gint64 profile_id, const LvHistoryQuery *query,
                         GError **error)
{
    g_auto(Filter) filter = { 0 };

    if (!filter_init(storage, profile_id, query, &filter, error))
        return NULL;
    sqlite3_stmt *stmt = lv_storage_prepare(storage, build_sql(query, &filter), error);
    if (stmt == NULL)
        return NULL;
    bind_filter(stmt, profile_id, query, &filter);
    GPtrArray *rows = lv_storage_history_fetch(storage, stmt, error);
    if (rows == NULL)
        return NULL;
    /* Read newest first so that the limit keeps the newest; returned oldest first. */
    for (guint i = 0, j = rows->len; i + 1 < j; i++, j--) {
        gpointer row = rows->pdata[i];
        rows->pdata[i] = rows->pdata[j - 1];
        rows->pdata[j - 1] = row;
    }
    return rows;
}
