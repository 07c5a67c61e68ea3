/* lv-xmpp-account-mam: archive queries (XEP-0313) of an account, in its thread: the
 * catch-up of every session start (its results go to the history, page after page
 * from the last point stored) and the queries frontends make through MAMGet (their
 * results are returned, and stored only when they come from our own archive), and
 * the catch-up of a room's archive when we join it (lv-xmpp-account-muc.c). The
 * parser accepts a result only for a query registered here, from the archive it
 * was sent to. */
#include <string.h>

#include <json-glib/json-glib.h>

#include "lv-error.h"
#include "lv-jid.h"
#include "lv-xmpp-account-private.h"
#include "lv-xmpp-iq.h"
#include "lv-xmpp-message.h"

#define MAM_PAGE "100"
#define MAM_SEED "50" /* the first session of a profile starts with the last page */
/* How far before our oldest pending message the catch-up reads our archive: the
 * server stamps its archive with its own clock, which may differ from ours. */
#define PENDING_MARGIN_S 120

typedef struct {
    LvXmppMamQuery query; /* owned strings */
    gboolean store;       /* results go to the history */
    GPtrArray *collected; /* GVariant* messageNew-like tuples for a frontend, or NULL */
} Pending;

static void
pending_free(gpointer data)
{
    Pending *pending = data;

    g_free((char *)pending->query.query_id);
    g_free((char *)pending->query.archive_jid);
    g_clear_pointer(&pending->collected, g_ptr_array_unref);
    g_free(pending);
}

static Pending *
register_query(LvXmppAccount *account, const char *archive_jid, gboolean store, gboolean collect)
{
    Pending *pending = g_new0(Pending, 1);

    /* As unguessable as an IQ id (lv_xmpp_iq_new): results are matched on it. */
    pending->query.query_id = g_strdup_printf("lv-mam-%08x%08x%08x%08x", g_random_int(),
                                              g_random_int(), g_random_int(), g_random_int());
    pending->query.archive_jid = g_strdup(archive_jid);
    pending->store = store;
    if (collect)
        pending->collected = g_ptr_array_new_with_free_func((GDestroyNotify)g_variant_unref);
    if (account->mam_queries == NULL)
        account->mam_queries = g_ptr_array_new_with_free_func(pending_free);
    g_ptr_array_add(account->mam_queries, pending);
    return pending;
}

static Pending *
find_query(LvXmppAccount *account, const char *query_id)
{
    for (guint i = 0; account->mam_queries != NULL && i < account->mam_queries->len; i++) {
        Pending *pending = account->mam_queries->pdata[i];
        if (g_strcmp0(pending->query.query_id, query_id) == 0)
            return pending;
    }
    return NULL;
}

static void
forget_query(LvXmppAccount *account, const char *query_id)
{
    Pending *pending = find_query(account, query_id);

    if (pending != NULL)
        g_ptr_array_remove(account->mam_queries, pending);
}

LvXmppMamQuery *
lv_xmpp_mam_queries_for_parser(LvXmppAccount *account)
{
    guint n = account->mam_queries != NULL ? account->mam_queries->len : 0;
    LvXmppMamQuery *queries = g_new0(LvXmppMamQuery, n + 1);

    for (guint i = 0; i < n; i++)
        queries[i] = ((Pending *)account->mam_queries->pdata[i])->query;
    return queries;
}

gboolean
lv_xmpp_mam_take(LvXmppAccount *account, const LvXmppMessage *message)
{
    Pending *pending = find_query(account, message->mam_query_id);

    if (pending == NULL)
        return FALSE;
    if (pending->collected != NULL)
        g_ptr_array_add(pending->collected,
                        g_variant_ref_sink(lv_xmpp_message_to_variant(message)));
    return pending->store;
}

void
lv_xmpp_mam_session_ended(LvXmppAccount *account)
{
    g_clear_pointer(&account->mam_queries, g_ptr_array_unref);
}

/* ---- the query ---- */

static void
add_field(xmpp_stanza_t *form, const char *var, const char *type, const char *value)
{
    xmpp_stanza_t *field = lv_xmpp_add_child(form, "field", NULL);

    xmpp_stanza_set_attribute(field, "var", var);
    if (type != NULL)
        xmpp_stanza_set_attribute(field, "type", type);
    lv_xmpp_add_text(lv_xmpp_add_child(field, "value", NULL), value);
}

/* A query to @to (NULL: our archive) with the form @fields (a{ss}, may be NULL) and
 * the RSM elements @rsm (a{ss}: max, after, before, index) (transfer full). */
static xmpp_stanza_t *
query_stanza(LvXmppAccount *account, const char *to, const char *query_id, GVariant *fields,
             GVariant *rsm)
{
    xmpp_stanza_t *iq = lv_xmpp_iq_new(account, "set", to);
    xmpp_stanza_t *query = lv_xmpp_add_child(iq, "query", LV_NS_MAM);
    xmpp_stanza_t *form = lv_xmpp_add_child(query, "x", "jabber:x:data");
    xmpp_stanza_t *set = lv_xmpp_add_child(query, "set", LV_NS_RSM);
    GVariantIter iter;
    const char *key = NULL, *value = NULL;

    xmpp_stanza_set_attribute(query, "queryid", query_id);
    xmpp_stanza_set_attribute(form, "type", "submit");
    add_field(form, "FORM_TYPE", "hidden", LV_NS_MAM);
    if (fields != NULL) {
        g_variant_iter_init(&iter, fields);
        while (g_variant_iter_next(&iter, "{&s&s}", &key, &value))
            add_field(form, key, NULL, value);
    }
    g_variant_iter_init(&iter, rsm);
    while (g_variant_iter_next(&iter, "{&s&s}", &key, &value)) {
        xmpp_stanza_t *element = lv_xmpp_add_child(set, key, NULL);
        if (value[0] != '\0')
            lv_xmpp_add_text(element, value);
    }
    return iq;
}

/* The text of <fin><set><@name/></set></fin> (transfer full), or NULL. */
static char *
fin_value(xmpp_stanza_t *reply, const char *name)
{
    xmpp_stanza_t *fin = xmpp_stanza_get_child_by_name_and_ns(reply, "fin", LV_NS_MAM);
    xmpp_stanza_t *set =
            fin != NULL ? xmpp_stanza_get_child_by_name_and_ns(fin, "set", LV_NS_RSM) : NULL;
    xmpp_stanza_t *element = set != NULL ? xmpp_stanza_get_child_by_name(set, name) : NULL;
    char *text = element != NULL ? xmpp_stanza_get_text(element) : NULL;
    char *copy = text != NULL && g_utf8_validate(text, -1, NULL) ? g_strdup(text) : NULL;

    if (text != NULL)
        xmpp_free(xmpp_stanza_get_context(reply), text);
    return copy;
}

static gboolean
fin_flag(xmpp_stanza_t *reply, const char *name)
{
    xmpp_stanza_t *fin = xmpp_stanza_get_child_by_name_and_ns(reply, "fin", LV_NS_MAM);
    const char *value = fin != NULL ? xmpp_stanza_get_attribute(fin, name) : NULL;

    return g_strcmp0(value, "true") == 0 || g_strcmp0(value, "1") == 0;
}

/* ---- the catch-up ---- */

static void request_page(LvXmppAccount *account, const char *room, const char *after,
                         const char *start, double point_time);

typedef struct {
    char *query_id;
    char *room;        /* the room whose archive this is, NULL: ours */
    gboolean seed;     /* no point yet: the last page, looking back */
    char *after;       /* our point, when the page follows it (the first page) */
    double point_time; /* when that point was set */
} Page;

static void
page_free(gpointer data)
{
    Page *page = data;

    g_free(page->query_id);
    g_free(page->room);
    g_free(page->after);
    g_free(page);
}

static void
caught_up(LvXmppAccount *account, gboolean complete)
{
    account->catching_up = FALSE;
    account->caught_up = complete;
    lv_xmpp_messages_caught_up(account);
}

static char *
xep0082_time(double when)
{
    g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc((gint64)when);

    return time != NULL ? g_date_time_format(time, "%Y-%m-%dT%H:%M:%SZ") : NULL;
}

/* The server no longer knows the id our point names (its archive expired it, or it
 * was reset): read from when the point was set instead. What was stored already
 * is matched by its stanza-id and not stored twice. */
static void
resume_from_point_time(LvXmppAccount *account, const Page *page, const char *archive)
{
    g_autofree char *start = xep0082_time(page->point_time - PENDING_MARGIN_S);

    g_message("%s: the archive of %s does not know our point %s: catch-up from %s",
              account->profile, archive, page->after, start != NULL ? start : "its last page");
    request_page(account, page->room, NULL, start, 0);
}

static void
on_page(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error, gpointer user_data)
{
    Page *page = user_data;
    g_autoptr(GError) failure = NULL;

    /* The results came before this answer: store them before moving the point. */
    lv_xmpp_messages_flush(account);
    forget_query(account, page->query_id);
    const char *archive = page->room != NULL ? page->room : account->own_bare;
    if (reply == NULL && page->after != NULL && page->point_time > 0 &&
        g_error_matches(error, LV_ERROR, LV_ERROR_NOT_FOUND) &&
        lv_xmpp_account_in_session(account)) {
        resume_from_point_time(account, page, archive);
        return;
    }
    if (reply == NULL) {
        g_message("%s: archive catch-up of %s stopped: %s", account->profile, archive,
                  error->message);
        if (page->room == NULL)
            caught_up(account, FALSE);
        return;
    }
    g_autofree char *last = fin_value(reply, "last");
    gboolean stored = account->batch == NULL || account->batch->len == 0;
    if (last != NULL && stored && account->store_funcs != NULL &&
        !account->store_funcs->mam_set_last(account->store, archive, last, &failure))
        g_warning("%s: cannot keep the archive point of %s: %s", account->profile, archive,
                  failure->message);
    /* The seed page looks back, and is the only page asked. */
    if (last != NULL && !fin_flag(reply, "complete") && !page->seed) {
        request_page(account, page->room, last, NULL, 0);
        return;
    }
    g_info("%s: archive of %s caught up", account->profile, archive);
    if (page->room == NULL)
        caught_up(account, TRUE);
}

/* Asks for the page after @after, or the first page from the time @start
 * (XEP-0082), or (both NULL) the last page of the archive of @room (NULL: ours).
 * @point_time > 0: @after is our stored point, set at that time (not an id of the
 * server's last page). */
static void
request_page(LvXmppAccount *account, const char *room, const char *after, const char *start,
             double point_time)
{
    Pending *pending =
            register_query(account, room != NULL ? room : account->own_bare, TRUE, FALSE);
    g_autoptr(GVariant) rsm = g_variant_ref_sink(
            after != NULL   ? g_variant_new_parsed("{'max': %s, 'after': %s}", MAM_PAGE, after)
            : start != NULL ? g_variant_new_parsed("{'max': %s}", MAM_PAGE)
                            : g_variant_new_parsed("{'max': %s, 'before': ''}", MAM_SEED));
    g_autoptr(GVariant) fields =
            start != NULL ? g_variant_ref_sink(g_variant_new_parsed("{'start': %s}", start)) : NULL;
    xmpp_stanza_t *iq = query_stanza(account, room, pending->query.query_id, fields, rsm);
    Page *page = g_new0(Page, 1);

    page->query_id = g_strdup(pending->query.query_id);
    page->room = g_strdup(room);
    page->seed = after == NULL && start == NULL;
    if (point_time > 0 && after != NULL) {
        page->after = g_strdup(after);
        page->point_time = point_time;
    }
    lv_xmpp_iq_request(account, iq, on_page, page, page_free);
    xmpp_stanza_release(iq);
}

/* When our oldest pending message was written, 0 if none. */
static double
oldest_pending(LvXmppAccount *account)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) pending = account->store_funcs->outbox(account->store, &error);
    double oldest = 0;

    if (error != NULL)
        g_warning("%s: cannot read the outbox: %s", account->profile, error->message);
    for (guint i = 0; pending != NULL && i < pending->len; i++) {
        const LvXmppOutgoing *outgoing = pending->pdata[i];
        if (outgoing->timestamp > 0 && (oldest == 0 || outgoing->timestamp < oldest))
            oldest = outgoing->timestamp;
    }
    return oldest;
}

/* Where the catch-up of our archive starts reading, as an XEP-0082 time (transfer
 * full), or NULL: after the point. The point follows the live messages archived for
 * us, and a message of ours the server archived before one of those (sent, its
 * confirmation lost with the stream) lies behind it: read from the oldest pending
 * message on instead, so that each one the server has is found there (by its
 * origin-id) and marked sent, never sent twice. */
static char *
pending_start(LvXmppAccount *account, const char *last, double point)
{
    double oldest = oldest_pending(account);

    if (oldest <= 0 || (last != NULL && point > 0 && point < oldest - PENDING_MARGIN_S))
        return NULL;
    return xep0082_time(oldest - PENDING_MARGIN_S);
}

/* The catch-up point of @archive and when it was set (@set_at may be NULL)
 * (transfer full), NULL if none. */
static char *
read_point(LvXmppAccount *account, const char *archive, double *set_at)
{
    g_autoptr(GError) error = NULL;
    char *last =
            account->store_funcs != NULL
                    ? account->store_funcs->mam_get_last(account->store, archive, set_at, &error)
                    : NULL;

    if (error != NULL)
        g_warning("%s: cannot read the archive point of %s: %s", account->profile, archive,
                  error->message);
    return last;
}

void
lv_xmpp_mam_start_catch_up(LvXmppAccount *account)
{
    double point = 0;
    g_autofree char *last = read_point(account, account->own_bare, &point);
    g_autofree char *start =
            account->store_funcs != NULL ? pending_start(account, last, point) : NULL;

    account->catching_up = TRUE;
    if (start != NULL)
        g_info("%s: archive catch-up from %s (our pending messages)", account->profile, start);
    else
        g_info("%s: archive catch-up %s%s", account->profile,
               last != NULL ? "after " : "from the end", last != NULL ? last : "");
    request_page(account, NULL, start != NULL ? NULL : last, start, start != NULL ? 0 : point);
}

char *
lv_xmpp_mam_dup_point(LvXmppAccount *account, const char *archive)
{
    return read_point(account, archive, NULL);
}

void
lv_xmpp_mam_catch_up_room(LvXmppAccount *account, const char *room)
{
    double point = 0;
    g_autofree char *last = read_point(account, room, &point);

    g_info("%s: archive catch-up of %s %s%s", account->profile, room,
           last != NULL ? "after " : "from the end", last != NULL ? last : "");
    request_page(account, room, last, NULL, point);
}

/* ---- MAMGet: a query for a frontend ---- */

typedef struct {
    LvXmppAccount *account;
    char *request_id;
    char *service; /* NULL: our archive */
    GVariant *fields;
    GVariant *rsm;
    char *query_id;
} MamGet;

static void
mam_get_free(gpointer data)
{
    MamGet *request = data;

    lv_xmpp_account_unref(request->account);
    g_free(request->request_id);
    g_free(request->service);
    g_clear_pointer(&request->fields, g_variant_unref);
    g_clear_pointer(&request->rsm, g_variant_unref);
    g_free(request->query_id);
    g_free(request);
}

/* Libervia's metadata: {"rsm": {first, last, index}, "mam": {complete, stable}}. */
static char *
metadata_of(xmpp_stanza_t *reply)
{
    g_autoptr(JsonBuilder) builder = json_builder_new();
    const char *const keys[] = { "first", "last", "index" };

    json_builder_begin_object(builder);
    json_builder_set_member_name(builder, "rsm");
    json_builder_begin_object(builder);
    for (gsize i = 0; i < G_N_ELEMENTS(keys); i++) {
        g_autofree char *value = fin_value(reply, keys[i]);
        if (value == NULL)
            continue;
        json_builder_set_member_name(builder, keys[i]);
        json_builder_add_string_value(builder, value);
    }
    json_builder_end_object(builder);
    json_builder_set_member_name(builder, "mam");
    json_builder_begin_object(builder);
    json_builder_set_member_name(builder, "complete");
    json_builder_add_boolean_value(builder, fin_flag(reply, "complete"));
    json_builder_set_member_name(builder, "stable");
    xmpp_stanza_t *fin = xmpp_stanza_get_child_by_name_and_ns(reply, "fin", LV_NS_MAM);
    json_builder_add_boolean_value(
            builder, fin == NULL || g_strcmp0(xmpp_stanza_get_attribute(fin, "stable"), "false"));
    json_builder_end_object(builder);
    json_builder_end_object(builder);
    g_autoptr(JsonNode) root = json_builder_get_root(builder);
    return json_to_string(root, FALSE);
}

static void
on_mam_get(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error, gpointer user_data)
{
    MamGet *request = user_data;

    lv_xmpp_messages_flush(account); /* results from our archive: in the history too */
    Pending *pending = find_query(account, request->query_id);
    if (reply == NULL || pending == NULL) {
        lv_xmpp_account_post(account, LV_XMPP_EVENT_REPLY, request->request_id, NULL,
                             error != NULL ? g_error_copy(error)
                                           : g_error_new_literal(LV_ERROR, LV_ERROR_INTERNAL,
                                                                 "the archive query was lost"));
        forget_query(account, request->query_id);
        return;
    }
    GVariantBuilder messages;
    g_variant_builder_init(&messages, G_VARIANT_TYPE("a(sdssa{ss}a{ss}ss)"));
    for (guint i = 0; i < pending->collected->len; i++)
        g_variant_builder_add_value(&messages, pending->collected->pdata[i]);
    g_autofree char *metadata = metadata_of(reply);
    lv_xmpp_account_post(
            account, LV_XMPP_EVENT_REPLY, request->request_id,
            g_variant_new("((a(sdssa{ss}a{ss}ss)ss))", &messages, metadata, account->profile),
            NULL);
    forget_query(account, request->query_id);
}

static gboolean
do_mam_get(gpointer data)
{
    MamGet *request = data;
    LvXmppAccount *account = request->account;

    if (!lv_xmpp_account_in_session(account)) {
        lv_xmpp_account_post(account, LV_XMPP_EVENT_REPLY, request->request_id, NULL,
                             g_error_new(LV_ERROR, LV_ERROR_PROFILE_NOT_CONNECTED,
                                         "%s is not connected", account->profile));
        mam_get_free(request);
        return G_SOURCE_REMOVE;
    }
    const char *archive = request->service != NULL ? request->service : account->own_bare;
    gboolean ours = g_strcmp0(archive, account->own_bare) == 0;
    Pending *pending = register_query(account, archive, ours, TRUE);
    request->query_id = g_strdup(pending->query.query_id);
    xmpp_stanza_t *iq = query_stanza(account, ours ? NULL : archive, request->query_id,
                                     request->fields, request->rsm);
    lv_xmpp_iq_request(account, iq, on_mam_get, request, mam_get_free);
    xmpp_stanza_release(iq);
    lv_xmpp_account_drain(account);
    return G_SOURCE_REMOVE;
}

void
lv_xmpp_account_mam_get(LvXmppAccount *account, const char *request_id, const char *service,
                        GVariant *fields, GVariant *rsm)
{
    MamGet *request = g_new0(MamGet, 1);

    request->account = lv_xmpp_account_ref(account);
    request->request_id = g_strdup(request_id);
    request->service = service != NULL && service[0] != '\0' ? g_strdup(service) : NULL;
    request->fields = fields != NULL ? g_variant_ref_sink(fields) : NULL;
    request->rsm = g_variant_ref_sink(rsm);
    /* Owned by the IQ request once sent: no destroy notify here. */
    lv_xmpp_account_invoke(account, do_mam_get, request, NULL);
}
