/* lv-xmpp-account-disco: service discovery (XEP-0030) and entity capabilities
 * (XEP-0115) in the account's thread.
 *
 * We answer disco#info (on no node and on our caps node#ver) and disco#items
 * (nothing to list), and put our caps in every available presence. For the
 * bridge: disco#info is answered from the caps cache when the entity announced a
 * ver whose result we verified, or when we already asked it in this session;
 * every result we get is hashed, and kept for that hash only (an entity that
 * announces a ver its result does not hash to poisons nothing). */
#include <string.h>

#include "lv-error.h"
#include "lv-jid.h"
#include "lv-xmpp-account-private.h"
#include "lv-xmpp-caps.h"
#include "lv-xmpp-disco.h"
#include "lv-xmpp-features.h"
#include "lv-xmpp-iq.h"

/* Per session: what entities told us. */
typedef struct {
    GHashTable *announced;  /* full JID → ver its last available presence announced */
    GHashTable *fetched;    /* "jid\nnode" → ver of the result it gave us */
    GVariant *server_items; /* a(sss): our server's items, once asked */
} DiscoState;

static void
disco_state_free(DiscoState *state)
{
    g_hash_table_unref(state->announced);
    g_hash_table_unref(state->fetched);
    g_clear_pointer(&state->server_items, g_variant_unref);
    g_free(state);
}

/* ---- what we answer ---- */

static gboolean
on_info_query(LvXmppAccount *account, xmpp_stanza_t *iq, xmpp_stanza_t *query)
{
    const char *node = xmpp_stanza_get_attribute(query, "node");
    g_autofree char *caps_node =
            g_strdup_printf("%s#%s", LV_XMPP_CAPS_NODE, lv_xmpp_caps_get_own_ver(account->xctx));

    if (node != NULL && node[0] != '\0' && strcmp(node, caps_node) != 0) {
        lv_xmpp_account_send_error(account, iq, "cancel", "item-not-found");
        return TRUE;
    }
    xmpp_stanza_t *reply = lv_xmpp_iq_new_result(account, iq);
    xmpp_stanza_t *answer = lv_xmpp_add_child(reply, "query", LV_NS_DISCO_INFO);
    if (node != NULL && node[0] != '\0')
        xmpp_stanza_set_attribute(answer, "node", node);
    lv_xmpp_features_add_to_query(answer);
    xmpp_send(account->conn, reply);
    xmpp_stanza_release(reply);
    return TRUE;
}

static gboolean
on_items_query(LvXmppAccount *account, xmpp_stanza_t *iq, xmpp_stanza_t *query)
{
    const char *node = xmpp_stanza_get_attribute(query, "node");

    if (node != NULL && node[0] != '\0') {
        lv_xmpp_account_send_error(account, iq, "cancel", "item-not-found");
        return TRUE;
    }
    xmpp_stanza_t *reply = lv_xmpp_iq_new_result(account, iq);
    lv_xmpp_add_child(reply, "query", LV_NS_DISCO_ITEMS);
    xmpp_send(account->conn, reply);
    xmpp_stanza_release(reply);
    return TRUE;
}

/* Remembers the caps each entity announces; forgets them when it leaves. */
static int
on_presence(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
    LvXmppAccount *account = userdata;
    DiscoState *state = account->disco;
    const char *type = xmpp_stanza_get_type(stanza);
    g_autoptr(LvJid) from = lv_jid_parse(xmpp_stanza_get_from(stanza), NULL);

    if (state == NULL || from == NULL || (type != NULL && strcmp(type, "unavailable") != 0))
        return 1;
    g_autofree char *entity = lv_jid_dup_string(from);
    const char *ver = lv_xmpp_caps_parse(stanza);
    if (type == NULL && ver != NULL)
        g_hash_table_replace(state->announced, g_steal_pointer(&entity), g_strdup(ver));
    else
        g_hash_table_remove(state->announced, entity);
    return 1;
}

void
lv_xmpp_disco_decorate_presence(LvXmppAccount *account, xmpp_stanza_t *presence)
{
    if (xmpp_stanza_get_type(presence) != NULL)
        return; /* unavailable: nothing to discover */
    lv_xmpp_caps_add(presence, LV_XMPP_CAPS_NODE, lv_xmpp_caps_get_own_ver(account->xctx));
}

/* Our own result, so that asking about ourselves or a device like us costs
 * nothing. */
static void
cache_own_info(LvXmppAccount *account)
{
    xmpp_stanza_t *query = xmpp_stanza_new(account->xctx);

    xmpp_stanza_set_name(query, "query");
    xmpp_stanza_set_ns(query, LV_NS_DISCO_INFO);
    lv_xmpp_features_add_to_query(query);
    lv_xmpp_caps_cache_load(lv_xmpp_caps_get_own_ver(account->xctx),
                            lv_xmpp_disco_parse_info(query));
    xmpp_stanza_release(query);
}

void
lv_xmpp_disco_session_started(LvXmppAccount *account)
{
    DiscoState *state = g_new0(DiscoState, 1);

    state->announced = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    state->fetched = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    account->disco = state;
    lv_xmpp_iq_handle(account, LV_NS_DISCO_INFO, "get", on_info_query);
    lv_xmpp_iq_handle(account, LV_NS_DISCO_ITEMS, "get", on_items_query);
    xmpp_handler_add(account->conn, on_presence, NULL, "presence", NULL, account);
    cache_own_info(account);
}

void
lv_xmpp_disco_session_ended(LvXmppAccount *account)
{
    g_clear_pointer(&account->disco, disco_state_free);
}

/* ---- asking others ---- */

/* The answer of one fetch: @value (transfer none) or @error; @jid the entity. */
typedef void (*FetchDone)(LvXmppAccount *account, const char *jid, GVariant *value,
                          const GError *error, gpointer data);

typedef struct {
    char *jid;
    char *node;
    char *announced; /* the ver the entity claims, or NULL */
    FetchDone done;
    gpointer data;
    GDestroyNotify data_free; /* called once, answered or not */
} Fetch;

static Fetch *
fetch_new(const char *jid, const char *node, FetchDone done, gpointer data,
          GDestroyNotify data_free)
{
    Fetch *fetch = g_new0(Fetch, 1);

    fetch->jid = g_strdup(jid);
    fetch->node = g_strdup(node);
    fetch->done = done;
    fetch->data = data;
    fetch->data_free = data_free;
    return fetch;
}

static void
fetch_free(gpointer data)
{
    Fetch *fetch = data;

    if (fetch->data_free != NULL)
        fetch->data_free(fetch->data);
    g_free(fetch->jid);
    g_free(fetch->node);
    g_free(fetch->announced);
    g_free(fetch);
}

/* Answers @fetch at once and frees it. */
static void
fetch_answer(LvXmppAccount *account, Fetch *fetch, GVariant *value)
{
    fetch->done(account, fetch->jid, value, NULL, fetch->data);
    fetch_free(fetch);
}

static char *
fetched_key(const char *jid, const char *node)
{
    return g_strconcat(jid, "\n", node, NULL);
}

/* Keeps @info under the hash of @query, the result it came from: whoever
 * announces that hash gets it (XEP-0115 §5.4). */
static void
remember_info(LvXmppAccount *account, Fetch *fetch, xmpp_stanza_t *query, GVariant *info)
{
    DiscoState *state = account->disco;
    g_autoptr(GError) error = NULL;
    g_autofree char *ver = query != NULL ? lv_xmpp_caps_compute_ver(query, &error) : NULL;

    if (ver == NULL) {
        g_message("%s: disco#info of %s not cached: %s", account->profile, fetch->jid,
                  error != NULL ? error->message : "the result has no query");
        return;
    }
    if (fetch->announced != NULL && strcmp(fetch->announced, ver) != 0)
        g_message("%s: %s announced capabilities %s but its disco#info hashes to %s: the "
                  "announced ver is not trusted",
                  account->profile, fetch->jid, fetch->announced, ver);
    lv_xmpp_caps_cache_insert(ver, info); /* it takes its own reference */
    if (state != NULL)
        g_hash_table_replace(state->fetched, fetched_key(fetch->jid, fetch->node),
                             g_steal_pointer(&ver));
}

static void
on_info_reply(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error, gpointer user_data)
{
    Fetch *fetch = user_data;

    if (reply == NULL) {
        fetch->done(account, fetch->jid, NULL, error, fetch->data);
        return;
    }
    xmpp_stanza_t *query = xmpp_stanza_get_child_by_ns(reply, LV_NS_DISCO_INFO);
    g_autoptr(GVariant) info = g_variant_ref_sink(lv_xmpp_disco_parse_info(query));
    remember_info(account, fetch, query, info);
    fetch->done(account, fetch->jid, info, NULL, fetch->data);
}

/* The ver we know @jid at @node by: announced in its presence, else hashed from
 * what it answered earlier (transfer none). */
static const char *
known_ver(LvXmppAccount *account, const char *jid, const char *node, const char **announced)
{
    DiscoState *state = account->disco;
    g_autofree char *key = fetched_key(jid, node);

    *announced =
            state != NULL && node[0] == '\0' ? g_hash_table_lookup(state->announced, jid) : NULL;
    if (*announced != NULL)
        return *announced;
    return state != NULL ? g_hash_table_lookup(state->fetched, key) : NULL;
}

/* disco#info of @jid (a parsed, normalised JID) at @node (never NULL). */
static void
fetch_info(LvXmppAccount *account, const char *jid, const char *node, gboolean use_cache,
           Fetch *fetch)
{
    const char *announced = NULL;
    const char *ver = known_ver(account, jid, node, &announced);
    g_autoptr(GVariant) cached = use_cache && ver != NULL ? lv_xmpp_caps_cache_lookup(ver) : NULL;

    if (cached != NULL) {
        g_debug("%s: disco#info of %s answered from the caps cache (ver %s)", account->profile, jid,
                ver);
        fetch_answer(account, fetch, cached);
        return;
    }
    fetch->announced = g_strdup(announced);
    xmpp_stanza_t *iq = lv_xmpp_iq_new(account, "get", jid);
    xmpp_stanza_t *query = lv_xmpp_add_child(iq, "query", LV_NS_DISCO_INFO);
    if (node[0] != '\0')
        xmpp_stanza_set_attribute(query, "node", node);
    g_debug("%s: asking %s for its disco#info%s%s", account->profile, jid,
            node[0] != '\0' ? " at node " : "", node);
    lv_xmpp_iq_request(account, iq, on_info_reply, fetch, fetch_free);
    xmpp_stanza_release(iq);
}

/* Our server's domain (transfer full). */
static char *
dup_server(LvXmppAccount *account)
{
    const char *at = account->own_bare != NULL ? strchr(account->own_bare, '@') : NULL;

    return g_strdup(at != NULL ? at + 1 : account->own_bare);
}

static gboolean
is_server(LvXmppAccount *account, const char *jid)
{
    g_autofree char *server = dup_server(account);

    return g_strcmp0(server, jid) == 0;
}

static void
on_items_reply(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error,
               gpointer user_data)
{
    Fetch *fetch = user_data;
    DiscoState *state = account->disco;

    if (reply == NULL) {
        fetch->done(account, fetch->jid, NULL, error, fetch->data);
        return;
    }
    xmpp_stanza_t *query = xmpp_stanza_get_child_by_ns(reply, LV_NS_DISCO_ITEMS);
    g_autoptr(GVariant) items = g_variant_ref_sink(lv_xmpp_disco_parse_items(query));
    if (state != NULL && fetch->node[0] == '\0' && is_server(account, fetch->jid)) {
        g_clear_pointer(&state->server_items, g_variant_unref);
        state->server_items = g_variant_ref(items);
    }
    fetch->done(account, fetch->jid, items, NULL, fetch->data);
}

/* disco#items of @jid at @node; our server's (no node) kept for the session. */
static void
fetch_items(LvXmppAccount *account, const char *jid, const char *node, gboolean use_cache,
            Fetch *fetch)
{
    DiscoState *state = account->disco;

    if (use_cache && state != NULL && state->server_items != NULL && node[0] == '\0' &&
        is_server(account, jid)) {
        g_debug("%s: disco#items of %s from the session's cache", account->profile, jid);
        fetch_answer(account, fetch, state->server_items);
        return;
    }
    xmpp_stanza_t *iq = lv_xmpp_iq_new(account, "get", jid);
    xmpp_stanza_t *query = lv_xmpp_add_child(iq, "query", LV_NS_DISCO_ITEMS);
    if (node[0] != '\0')
        xmpp_stanza_set_attribute(query, "node", node);
    lv_xmpp_iq_request(account, iq, on_items_reply, fetch, fetch_free);
    xmpp_stanza_release(iq);
}

/* ---- requests from the main context ---- */

typedef void (*FetchFunc)(LvXmppAccount *account, const char *jid, const char *node,
                          gboolean use_cache, Fetch *fetch);

typedef struct {
    LvXmppAccount *account;
    char *request_id;
    char *jid;
    char *node;
    gboolean use_cache;
    FetchFunc fetch; /* fetch_info or fetch_items */
} Ask;

static void
ask_free(gpointer data)
{
    Ask *ask = data;

    lv_xmpp_account_unref(ask->account);
    g_free(ask->request_id);
    g_free(ask->jid);
    g_free(ask->node);
    g_free(ask);
}

static Ask *
ask_new(LvXmppAccount *account, const char *request_id, const char *jid, const char *node,
        gboolean use_cache, FetchFunc fetch)
{
    Ask *ask = g_new0(Ask, 1);

    ask->fetch = fetch;
    ask->account = lv_xmpp_account_ref(account);
    ask->request_id = g_strdup(request_id);
    ask->jid = g_strdup(jid != NULL ? jid : "");
    ask->node = g_strdup(node != NULL ? node : "");
    ask->use_cache = use_cache;
    return ask;
}

/* The normalised target of @ask ("" is our server), or NULL after posting the
 * error (transfer full). */
static char *
target_of(LvXmppAccount *account, const Ask *ask)
{
    GError *error = NULL;

    if (!lv_xmpp_account_in_session(account)) {
        lv_xmpp_account_post(account, LV_XMPP_EVENT_REPLY, ask->request_id, NULL,
                             g_error_new(LV_ERROR, LV_ERROR_PROFILE_NOT_CONNECTED,
                                         "%s is not connected", account->profile));
        return NULL;
    }
    if (ask->jid[0] == '\0')
        return dup_server(account);
    g_autoptr(LvJid) jid = lv_jid_parse(ask->jid, &error);
    if (jid == NULL) {
        lv_xmpp_account_post(account, LV_XMPP_EVENT_REPLY, ask->request_id, NULL, error);
        return NULL;
    }
    return lv_jid_dup_string(jid);
}

/* Posts the answer of a single request: @value in a tuple, or @error. */
static void
on_asked(LvXmppAccount *account, const char *jid, GVariant *value, const GError *error,
         gpointer data)
{
    const char *request_id = data;

    lv_xmpp_account_post(account, LV_XMPP_EVENT_REPLY, request_id,
                         value != NULL ? g_variant_new_tuple(&value, 1) : NULL,
                         error != NULL ? g_error_copy(error) : NULL);
}

static gboolean
do_disco(gpointer data)
{
    Ask *ask = data;
    LvXmppAccount *account = ask->account;
    g_autofree char *target = target_of(account, ask);

    if (target != NULL) {
        Fetch *fetch = fetch_new(target, ask->node, on_asked, g_strdup(ask->request_id), g_free);
        ask->fetch(account, target, ask->node, ask->use_cache, fetch);
        lv_xmpp_account_drain(account);
    }
    return G_SOURCE_REMOVE;
}

void
lv_xmpp_account_disco_info(LvXmppAccount *account, const char *request_id, const char *jid,
                           const char *node, gboolean use_cache)
{
    lv_xmpp_account_invoke(account, do_disco,
                           ask_new(account, request_id, jid, node, use_cache, fetch_info),
                           ask_free);
}

void
lv_xmpp_account_disco_items(LvXmppAccount *account, const char *request_id, const char *jid,
                            const char *node, gboolean use_cache)
{
    lv_xmpp_account_invoke(account, do_disco,
                           ask_new(account, request_id, jid, node, use_cache, fetch_items),
                           ask_free);
}

/* ---- discoFindByFeatures: many fetches, one answer ---- */

enum { FOUND_SERVICE, FOUND_OWN, FOUND_ROSTER, FOUND_KINDS };

typedef struct {
    LvXmppAccount *account;
    char *request_id;
    char **namespaces;
    GVariant *identities; /* a(ss) */
    gboolean service;
    char **candidates[FOUND_KINDS]; /* own and roster JIDs to ask (service: from items) */
    GHashTable *found[FOUND_KINDS]; /* jid → GVariant a(sss) */
    guint pending;                  /* fetches not finished, +1 while starting them */
} Find;

/* One fetch of a find: which list its entity goes to. */
typedef struct {
    Find *find;
    int kind;
} FindPart;

static void
find_free(Find *find)
{
    lv_xmpp_account_unref(find->account);
    g_free(find->request_id);
    g_strfreev(find->namespaces);
    g_clear_pointer(&find->identities, g_variant_unref);
    for (int i = 0; i < FOUND_KINDS; i++) {
        g_strfreev(find->candidates[i]);
        g_hash_table_unref(find->found[i]);
    }
    g_free(find);
}

static GVariant *
found_dict(GHashTable *found)
{
    GVariantBuilder dict;
    GHashTableIter iter;
    gpointer jid = NULL, identities = NULL;

    g_variant_builder_init(&dict, G_VARIANT_TYPE("a{sa(sss)}"));
    g_hash_table_iter_init(&iter, found);
    while (g_hash_table_iter_next(&iter, &jid, &identities))
        g_variant_builder_add(&dict, "{s@a(sss)}", jid, identities);
    return g_variant_builder_end(&dict);
}

/* One fetch (or the start) is over; the last posts the answer. */
static void
find_release(Find *find)
{
    if (--find->pending > 0)
        return;
    GVariant *answer = g_variant_new(
            "((@a{sa(sss)}@a{sa(sss)}@a{sa(sss)}))", found_dict(find->found[FOUND_SERVICE]),
            found_dict(find->found[FOUND_OWN]), found_dict(find->found[FOUND_ROSTER]));
    lv_xmpp_account_post(find->account, LV_XMPP_EVENT_REPLY, find->request_id, answer, NULL);
    find_free(find);
}

static void
find_part_free(gpointer data)
{
    FindPart *part = data;

    find_release(part->find);
    g_free(part);
}

static void
on_find_info(LvXmppAccount *account, const char *jid, GVariant *info, const GError *error,
             gpointer data)
{
    FindPart *part = data;
    Find *find = part->find;

    if (info == NULL) {
        g_message("%s: %s left out of the feature search: %s", account->profile, jid,
                  error->message);
        return;
    }
    if (lv_xmpp_disco_info_matches(info, (const char *const *)find->namespaces, find->identities))
        g_hash_table_replace(find->found[part->kind], g_strdup(jid),
                             lv_xmpp_disco_info_identities(info));
}

static void
find_ask(LvXmppAccount *account, Find *find, int kind, const char *jid)
{
    FindPart *part = g_new0(FindPart, 1);

    part->find = find;
    part->kind = kind;
    find->pending++;
    fetch_info(account, jid, "", TRUE, fetch_new(jid, "", on_find_info, part, find_part_free));
}

/* Our server's items are known: ask the server and each of them. */
static void
on_find_items(LvXmppAccount *account, const char *jid, GVariant *items, const GError *error,
              gpointer data)
{
    FindPart *part = data;
    g_autoptr(GHashTable) asked = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    GVariantIter iter;
    char *item = NULL;

    find_ask(account, part->find, FOUND_SERVICE, jid);
    g_hash_table_add(asked, g_strdup(jid));
    if (items == NULL) {
        g_message("%s: no items from %s for the feature search: %s", account->profile, jid,
                  error->message);
        return;
    }
    g_variant_iter_init(&iter, items);
    while (g_variant_iter_next(&iter, "(s&s&s)", &item, NULL, NULL)) {
        if (g_hash_table_add(asked, item)) /* takes @item */
            find_ask(account, part->find, FOUND_SERVICE, item);
    }
}

static gboolean
do_disco_find(gpointer data)
{
    Find *find = data;
    LvXmppAccount *account = find->account;

    if (!lv_xmpp_account_in_session(account)) {
        lv_xmpp_account_post(account, LV_XMPP_EVENT_REPLY, find->request_id, NULL,
                             g_error_new(LV_ERROR, LV_ERROR_PROFILE_NOT_CONNECTED,
                                         "%s is not connected", account->profile));
        find_free(find);
        return G_SOURCE_REMOVE;
    }
    find->pending = 1; /* until every fetch below is started */
    if (find->service) {
        g_autofree char *server = dup_server(account);
        FindPart *part = g_new0(FindPart, 1);
        part->find = find;
        part->kind = FOUND_SERVICE;
        find->pending++;
        fetch_items(account, server, "", TRUE,
                    fetch_new(server, "", on_find_items, part, find_part_free));
    }
    for (int kind = FOUND_OWN; kind <= FOUND_ROSTER; kind++) {
        for (char **jid = find->candidates[kind]; jid != NULL && *jid != NULL; jid++) {
            g_autoptr(LvJid) parsed = lv_jid_parse(*jid, NULL);
            g_autofree char *text = parsed != NULL ? lv_jid_dup_string(parsed) : NULL;
            if (text != NULL)
                find_ask(account, find, kind, text);
        }
    }
    find_release(find);
    lv_xmpp_account_drain(account);
    return G_SOURCE_REMOVE;
}

void
lv_xmpp_account_disco_find(LvXmppAccount *account, const char *request_id,
                           const char *const *namespaces, GVariant *identities, gboolean service,
                           const char *const *own, const char *const *roster)
{
    Find *find = g_new0(Find, 1);

    find->account = lv_xmpp_account_ref(account);
    find->request_id = g_strdup(request_id);
    find->namespaces = g_strdupv((char **)namespaces);
    find->identities = identities != NULL ? g_variant_ref_sink(identities) : NULL;
    find->service = service;
    find->candidates[FOUND_OWN] = g_strdupv((char **)own);
    find->candidates[FOUND_ROSTER] = g_strdupv((char **)roster);
    for (int i = 0; i < FOUND_KINDS; i++)
        find->found[i] = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                               (GDestroyNotify)g_variant_unref);
    /* Freed by the find itself once answered. */
    lv_xmpp_account_invoke(account, do_disco_find, find, NULL);
}

/* ---- a feature check for the other modules of the thread ---- */

typedef struct {
    char *feature;
    LvXmppDiscoFeatureDone done;
    gpointer data;
    GDestroyNotify data_free;
} FeatureCheck;

static void
feature_check_free(gpointer data)
{
    FeatureCheck *check = data;

    if (check->data_free != NULL)
        check->data_free(check->data);
    g_free(check->feature);
    g_free(check);
}

static void
on_feature_info(LvXmppAccount *account, const char *jid, GVariant *info, const GError *error,
                gpointer data)
{
    FeatureCheck *check = data;
    const char *const features[] = { check->feature, NULL };
    gboolean has = info != NULL && lv_xmpp_disco_info_matches(info, features, NULL);

    if (info == NULL)
        g_debug("%s: no disco#info from %s (%s): taken as without %s", account->profile, jid,
                error != NULL ? error->message : "no answer", check->feature);
    check->done(account, jid, has, check->data);
}

void
lv_xmpp_disco_check_feature(LvXmppAccount *account, const char *jid, const char *feature,
                            LvXmppDiscoFeatureDone done, gpointer data, GDestroyNotify data_free)
{
    FeatureCheck *check = g_new0(FeatureCheck, 1);

    check->feature = g_strdup(feature);
    check->done = done;
    check->data = data;
    check->data_free = data_free;
    fetch_info(account, jid, "", TRUE,
               fetch_new(jid, "", on_feature_info, check, feature_check_free));
}
