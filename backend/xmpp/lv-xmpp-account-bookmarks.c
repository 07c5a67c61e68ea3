/* lv-xmpp-account-bookmarks: the account's bookmarks in its thread.
 *
 * At a new session we ask disco#info of our own bare JID: with
 * urn:xmpp:bookmarks:1#compat (Prosody 0.12's mod_bookmarks) the rooms live in
 * XEP-0402 PEP items, which we fetch and keep current from the PEP events (we
 * announce urn:xmpp:bookmarks:1+notify); else in XEP-0048 private XML storage.
 * Events are taken only from our own bare JID (reliability case S6: anyone can
 * send a message that looks like one). Once the server's bookmarks and the local
 * ones (handed over by the main context) are known, the autojoin list of the new
 * session is computed.
 */
#include <string.h>

#include "lv-error.h"
#include "lv-jid.h"
#include "lv-xmpp-account-private.h"
#include "lv-xmpp-bookmarks.h"
#include "lv-xmpp-features.h"
#include "lv-xmpp-iq.h"

typedef enum { PEP_UNKNOWN, PEP_ASKING, PEP_YES, PEP_NO } PepSupport;

typedef void (*ReadyFunc)(LvXmppAccount *account, gpointer data);

typedef struct {
    ReadyFunc func;
    gpointer data;
    GDestroyNotify destroy;
} Waiting;

typedef struct {
    PepSupport pep;
    GPtrArray *pep_items;      /* LvXmppBookmark*: the XEP-0402 node; NULL until fetched */
    GPtrArray *private_items;  /* the XEP-0048 storage at session start, for the autojoin */
    GPtrArray *local;          /* the local rooms, from the main context; NULL until then */
    gboolean autojoin_pending; /* a new session: its autojoin has not run */
    gboolean remote_known;     /* the server's bookmarks were fetched (or failed) */
    GPtrArray *waiting;        /* Waiting*: requests until the PEP support is known */
} Bookmarks;

static void
waiting_free(gpointer data)
{
    Waiting *waiting = data;

    if (waiting->destroy != NULL)
        waiting->destroy(waiting->data);
    g_free(waiting);
}

static void
bookmarks_free(Bookmarks *state)
{
    g_clear_pointer(&state->pep_items, g_ptr_array_unref);
    g_clear_pointer(&state->private_items, g_ptr_array_unref);
    g_clear_pointer(&state->local, g_ptr_array_unref);
    g_ptr_array_unref(state->waiting);
    g_free(state);
}

static Bookmarks *
state_of(LvXmppAccount *account)
{
    return account->bookmarks;
}

/* ---- autojoin ---- */

static void
maybe_autojoin(LvXmppAccount *account)
{
    Bookmarks *state = state_of(account);

    if (state == NULL || !state->autojoin_pending || !state->remote_known || state->local == NULL)
        return;
    state->autojoin_pending = FALSE;
    /* The server's storages first: what another client changed there wins. */
    GPtrArray *sets[] = { state->pep_items, state->private_items, state->local };
    g_autoptr(GPtrArray) joins =
            lv_xmpp_bookmarks_autojoin(sets, G_N_ELEMENTS(sets), account->own_bare);
    g_info("%s: %u rooms to join from the bookmarks", account->profile, joins->len);
    for (guint i = 0; i < joins->len; i++) {
        const LvXmppAutojoin *join = joins->pdata[i];
        /* A room already joined (rejoined after a new session) is left as it is. */
        g_debug("%s: autojoin %s as %s", account->profile, join->room, join->nick);
        lv_xmpp_muc_join_in_thread(account, join->room, join->nick, join->password);
    }
}

/* ---- the cache of the XEP-0402 node ---- */

static gint
find_room(GPtrArray *items, const char *room)
{
    for (guint i = 0; items != NULL && i < items->len; i++) {
        const LvXmppBookmark *bookmark = items->pdata[i];
        if (g_strcmp0(bookmark->location, room) == 0)
            return (gint)i;
    }
    return -1;
}

static const LvXmppBookmark *
cached(Bookmarks *state, const char *room)
{
    gint index = find_room(state->pep_items, room);

    return index >= 0 ? state->pep_items->pdata[index] : NULL;
}

/* Puts @bookmark (taken) in the cache in place of the one of its room. */
static void
cache_put(LvXmppAccount *account, Bookmarks *state, LvXmppBookmark *bookmark)
{
    gint index = find_room(state->pep_items, bookmark->location);

    if (state->pep_items == NULL)
        state->pep_items = g_ptr_array_new_with_free_func((GDestroyNotify)lv_xmpp_bookmark_free);
    if (index >= 0) {
        lv_xmpp_bookmark_free(state->pep_items->pdata[index]);
        state->pep_items->pdata[index] = bookmark;
    } else if (state->pep_items->len < LV_XMPP_BOOKMARKS_MAX) {
        g_ptr_array_add(state->pep_items, bookmark);
    } else {
        g_message("%s: more than %d bookmarks: %s not kept", account->profile,
                  LV_XMPP_BOOKMARKS_MAX, bookmark->location);
        lv_xmpp_bookmark_free(bookmark);
    }
}

static void
cache_remove(Bookmarks *state, const char *room)
{
    gint index = find_room(state->pep_items, room);

    if (index >= 0)
        g_ptr_array_remove_index(state->pep_items, (guint)index);
}

static void
apply_event_items(LvXmppAccount *account, Bookmarks *state, xmpp_stanza_t *items)
{
    for (xmpp_stanza_t *c = xmpp_stanza_get_children(items); c != NULL;
         c = xmpp_stanza_get_next(c)) {
        const char *name = xmpp_stanza_is_tag(c) ? xmpp_stanza_get_name(c) : NULL;
        g_autoptr(GError) error = NULL;
        if (g_strcmp0(name, "item") == 0) {
            LvXmppBookmark *bookmark =
                    lv_xmpp_bookmarks_parse_pep_item(c, account->profile, &error);
            if (bookmark == NULL) {
                g_message("%s: bookmark event skipped: %s", account->profile, error->message);
                continue;
            }
            g_info("%s: bookmark %s published", account->profile, bookmark->location);
            cache_put(account, state, bookmark);
        } else if (g_strcmp0(name, "retract") == 0) {
            g_autofree char *room = lv_xmpp_bookmark_dup_room(xmpp_stanza_get_id(c), &error);
            if (room == NULL) {
                g_message("%s: bookmark retraction skipped: %s", account->profile, error->message);
                continue;
            }
            g_info("%s: bookmark %s retracted", account->profile, room);
            cache_remove(state, room);
        }
    }
}

/* TRUE if @from is exactly our bare JID: PEP events of our own nodes come from there. */
static gboolean
from_own_account(LvXmppAccount *account, const char *from)
{
    g_autoptr(LvJid) jid = from != NULL ? lv_jid_parse(from, NULL) : NULL;
    g_autofree char *text = jid != NULL ? lv_jid_dup_string(jid) : NULL;

    return g_strcmp0(text, account->own_bare) == 0;
}

static int
on_event(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
    LvXmppAccount *account = userdata;
    Bookmarks *state = state_of(account);
    xmpp_stanza_t *event =
            xmpp_stanza_get_child_by_name_and_ns(stanza, "event", LV_NS_PUBSUB_EVENT);

    for (xmpp_stanza_t *c = event != NULL ? xmpp_stanza_get_children(event) : NULL;
         c != NULL && state != NULL; c = xmpp_stanza_get_next(c)) {
        if (!xmpp_stanza_is_tag(c) ||
            g_strcmp0(xmpp_stanza_get_attribute(c, "node"), LV_NS_BOOKMARKS2) != 0)
            continue;
        if (!from_own_account(account, xmpp_stanza_get_from(stanza))) {
            g_message("%s: a bookmark event from %s ignored: only our own account may send one",
                      account->profile, xmpp_stanza_get_from(stanza));
            return 1;
        }
        const char *name = xmpp_stanza_get_name(c);
        if (g_strcmp0(name, "items") == 0) {
            apply_event_items(account, state, c);
        } else if (g_strcmp0(name, "purge") == 0 || g_strcmp0(name, "delete") == 0) {
            g_info("%s: every bookmark removed (%s)", account->profile, name);
            if (state->pep_items != NULL)
                g_ptr_array_set_size(state->pep_items, 0);
        }
    }
    return 1;
}

/* ---- fetching ---- */

typedef void (*ListDone)(LvXmppAccount *account, GPtrArray *bookmarks, xmpp_stanza_t *storage,
                         const GError *error, gpointer data);

typedef struct {
    ListDone done;
    gpointer data;
    GDestroyNotify destroy;
} Fetch;

static Fetch *
fetch_new(ListDone done, gpointer data, GDestroyNotify destroy)
{
    Fetch *fetch = g_new0(Fetch, 1);

    fetch->done = done;
    fetch->data = data;
    fetch->destroy = destroy;
    return fetch;
}

static void
fetch_free(gpointer data)
{
    Fetch *fetch = data;

    if (fetch->destroy != NULL)
        fetch->destroy(fetch->data);
    g_free(fetch);
}

static void
on_pep_items(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error, gpointer user_data)
{
    Fetch *fetch = user_data;
    Bookmarks *state = state_of(account);
    /* An empty node may not exist yet: that is no bookmark, not an error. */
    gboolean empty = error != NULL && g_error_matches(error, LV_ERROR, LV_ERROR_NOT_FOUND);

    if (reply == NULL && !empty) {
        fetch->done(account, NULL, NULL, error, fetch->data);
        return;
    }
    xmpp_stanza_t *pubsub =
            reply != NULL ? xmpp_stanza_get_child_by_name_and_ns(reply, "pubsub", LV_NS_PUBSUB)
                          : NULL;
    xmpp_stanza_t *items = pubsub != NULL ? xmpp_stanza_get_child_by_name(pubsub, "items") : NULL;
    g_autoptr(GPtrArray) bookmarks = lv_xmpp_bookmarks_parse_pep_items(items, account->profile);
    if (state != NULL) {
        g_clear_pointer(&state->pep_items, g_ptr_array_unref);
        state->pep_items = g_ptr_array_ref(bookmarks);
    }
    fetch->done(account, bookmarks, NULL, NULL, fetch->data);
}

static void
fetch_pep(LvXmppAccount *account, Fetch *fetch)
{
    xmpp_stanza_t *iq = lv_xmpp_iq_new(account, "get", NULL);
    xmpp_stanza_t *pubsub = lv_xmpp_add_child(iq, "pubsub", LV_NS_PUBSUB);

    xmpp_stanza_set_attribute(lv_xmpp_add_child(pubsub, "items", NULL), "node", LV_NS_BOOKMARKS2);
    lv_xmpp_iq_request(account, iq, on_pep_items, fetch, fetch_free);
    xmpp_stanza_release(iq);
}

static void
on_private(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error, gpointer user_data)
{
    Fetch *fetch = user_data;

    if (reply == NULL) {
        fetch->done(account, NULL, NULL, error, fetch->data);
        return;
    }
    xmpp_stanza_t *query = xmpp_stanza_get_child_by_name_and_ns(reply, "query", LV_NS_PRIVATE);
    xmpp_stanza_t *storage =
            query != NULL ? xmpp_stanza_get_child_by_name_and_ns(query, "storage", LV_NS_BOOKMARKS)
                          : NULL;
    g_autoptr(GPtrArray) bookmarks = lv_xmpp_bookmarks_parse_storage(storage, account->profile);
    fetch->done(account, bookmarks, storage, NULL, fetch->data);
}

static void
fetch_private(LvXmppAccount *account, Fetch *fetch)
{
    xmpp_stanza_t *iq = lv_xmpp_iq_new(account, "get", NULL);
    xmpp_stanza_t *query = lv_xmpp_add_child(iq, "query", LV_NS_PRIVATE);

    lv_xmpp_add_child(query, "storage", LV_NS_BOOKMARKS);
    lv_xmpp_iq_request(account, iq, on_private, fetch, fetch_free);
    xmpp_stanza_release(iq);
}

/* ---- the PEP support, asked once per session ---- */

static gboolean
has_feature(xmpp_stanza_t *reply, const char *feature)
{
    xmpp_stanza_t *query =
            reply != NULL ? xmpp_stanza_get_child_by_ns(reply, LV_NS_DISCO_INFO) : NULL;

    for (xmpp_stanza_t *c = query != NULL ? xmpp_stanza_get_children(query) : NULL; c != NULL;
         c = xmpp_stanza_get_next(c)) {
        if (g_strcmp0(xmpp_stanza_get_name(c), "feature") == 0 &&
            g_strcmp0(xmpp_stanza_get_attribute(c, "var"), feature) == 0)
            return TRUE;
    }
    return FALSE;
}

static void
on_own_disco(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error, gpointer user_data)
{
    Bookmarks *state = state_of(account);

    if (state == NULL)
        return;
    if (reply == NULL && lv_xmpp_iq_lost_with_stream(error)) {
        /* The stream went first: unknown still (not "no PEP", which would send
         * this session's changes to the wrong storage); a resumed stream asks again. */
        state->pep = PEP_UNKNOWN;
        return;
    }
    state->pep = has_feature(reply, LV_NS_BOOKMARKS2_COMPAT) ? PEP_YES : PEP_NO;
    g_info("%s: bookmarks kept in %s", account->profile,
           state->pep == PEP_YES ? "PEP (XEP-0402)" : "private XML storage (XEP-0048)");
    g_autoptr(GPtrArray) waiting = g_steal_pointer(&state->waiting);
    state->waiting = g_ptr_array_new_with_free_func(waiting_free);
    for (guint i = 0; i < waiting->len; i++) {
        Waiting *w = waiting->pdata[i];
        w->func(account, w->data);
    }
}

static void
ask_pep_support(LvXmppAccount *account)
{
    xmpp_stanza_t *iq = lv_xmpp_iq_new(account, "get", account->own_bare);

    state_of(account)->pep = PEP_ASKING;
    lv_xmpp_add_child(iq, "query", LV_NS_DISCO_INFO);
    lv_xmpp_iq_request(account, iq, on_own_disco, NULL, NULL);
    xmpp_stanza_release(iq);
}

/* Runs @func once the PEP support is known (now if it is). */
static void
when_ready(LvXmppAccount *account, ReadyFunc func, gpointer data, GDestroyNotify destroy)
{
    Bookmarks *state = state_of(account);
    Waiting *waiting = g_new0(Waiting, 1);

    waiting->func = func;
    waiting->data = data;
    waiting->destroy = destroy;
    if (state->pep == PEP_YES || state->pep == PEP_NO) {
        func(account, data);
        waiting_free(waiting);
        return;
    }
    g_ptr_array_add(state->waiting, waiting);
    if (state->pep != PEP_ASKING)
        ask_pep_support(account);
}

/* ---- session ---- */

static void
on_session_bookmarks(LvXmppAccount *account, GPtrArray *bookmarks, xmpp_stanza_t *storage,
                     const GError *error, gpointer data)
{
    Bookmarks *state = state_of(account);

    if (state == NULL)
        return;
    if (lv_xmpp_iq_lost_with_stream(error))
        return; /* lost with the stream: a resumed one fetches again */
    if (error != NULL)
        g_message("%s: no bookmarks from the server: %s", account->profile, error->message);
    else if (state->pep != PEP_YES)
        state->private_items = g_ptr_array_ref(bookmarks);
    state->remote_known = TRUE;
    maybe_autojoin(account);
}

static void
fetch_session_bookmarks(LvXmppAccount *account, gpointer data)
{
    Fetch *fetch = fetch_new(on_session_bookmarks, NULL, NULL);

    /* With #compat the server mirrors the private storage into the node: one fetch. */
    if (state_of(account)->pep == PEP_YES)
        fetch_pep(account, fetch);
    else
        fetch_private(account, fetch);
}

static void
add_handlers(LvXmppAccount *account)
{
    xmpp_handler_add(account->conn, on_event, LV_NS_PUBSUB_EVENT, "message", NULL, account);
}

void
lv_xmpp_bookmarks_session_started(LvXmppAccount *account)
{
    Bookmarks *state = g_new0(Bookmarks, 1);

    g_clear_pointer(&account->bookmarks, bookmarks_free);
    state->waiting = g_ptr_array_new_with_free_func(waiting_free);
    state->autojoin_pending = TRUE;
    account->bookmarks = state;
    add_handlers(account);
    when_ready(account, fetch_session_bookmarks, NULL, NULL);
}

void
lv_xmpp_bookmarks_session_resumed(LvXmppAccount *account)
{
    Bookmarks *state = state_of(account);

    if (state == NULL)
        return;
    add_handlers(account);
    /* What the session's start asked and lost with the stream is asked again (the
     * requests failed at the loss, whatever the server still answers). */
    if (state->pep == PEP_UNKNOWN && state->waiting->len > 0)
        ask_pep_support(account);
    else if (state->autojoin_pending && !state->remote_known && state->pep != PEP_ASKING)
        fetch_session_bookmarks(account, NULL);
}

void
lv_xmpp_bookmarks_session_ended(LvXmppAccount *account, gboolean resumable)
{
    Bookmarks *state = state_of(account);

    if (state == NULL || resumable)
        return; /* a resumed stream keeps the node's events: the cache holds */
    g_clear_pointer(&account->bookmarks, bookmarks_free);
}

void
lv_xmpp_bookmarks_finalize(LvXmppAccount *account)
{
    g_clear_pointer(&account->bookmarks, bookmarks_free);
}

/* ---- requests from the main context ---- */

typedef struct {
    gint refs;
    LvXmppAccount *account;
    char *request_id;
    LvXmppBookmarkType type;
    char *where;              /* list/add: the location asked; remove: the storage */
    char *target;             /* remove: the bookmark's location */
    LvXmppBookmark *bookmark; /* add */
    gboolean automatic;       /* add: "auto" */
    GVariant *local, *private_found, *pubsub_found; /* list: a{sa{ss}} each */
    guint pending;                                  /* list: fetches not finished */
    gboolean answered;
} Job;

static Job *
job_new(LvXmppAccount *account, const char *request_id, LvXmppBookmarkType type, const char *where)
{
    Job *job = g_new0(Job, 1);

    job->refs = 1;
    job->account = lv_xmpp_account_ref(account);
    job->request_id = g_strdup(request_id);
    job->type = type;
    job->where = g_strdup(where);
    return job;
}

static gpointer
job_ref(Job *job)
{
    job->refs++;
    return job;
}

/* Posts the answer once: @data (a tuple, may be NULL) or @error (taken). */
static void
job_answer(Job *job, GVariant *data, GError *error)
{
    if (job->answered) {
        g_clear_error(&error);
        return;
    }
    job->answered = TRUE;
    lv_xmpp_account_post(job->account, LV_XMPP_EVENT_REPLY, job->request_id, data, error);
}

static void
job_unref(gpointer data)
{
    Job *job = data;

    if (--job->refs > 0)
        return;
    /* A request dropped with the session is still answered. */
    job_answer(job, NULL,
               g_error_new(LV_ERROR, LV_ERROR_NETWORK, "%s was disconnected before the answer",
                           job->account->profile));
    lv_xmpp_account_unref(job->account);
    g_free(job->request_id);
    g_free(job->where);
    g_free(job->target);
    lv_xmpp_bookmark_free(job->bookmark);
    g_clear_pointer(&job->local, g_variant_unref);
    g_clear_pointer(&job->private_found, g_variant_unref);
    g_clear_pointer(&job->pubsub_found, g_variant_unref);
    g_free(job);
}

/* TRUE if the account is in session; else answers @job with the error. */
static gboolean
job_in_session(Job *job)
{
    if (lv_xmpp_account_in_session(job->account) && job->account->bookmarks != NULL)
        return TRUE;
    job_answer(job, NULL,
               g_error_new(LV_ERROR, LV_ERROR_PROFILE_NOT_CONNECTED, "%s is not connected",
                           job->account->profile));
    return FALSE;
}

static GError *
no_pep_error(LvXmppAccount *account)
{
    return g_error_new(LV_ERROR, LV_ERROR_FEATURE_NOT_FOUND,
                       "the server of %s offers no XEP-0402 bookmarks (%s)", account->profile,
                       LV_NS_BOOKMARKS2_COMPAT);
}

/* ---- bookmarksList ---- */

static GVariant *
empty_dict(void)
{
    return g_variant_new_array(G_VARIANT_TYPE("{sa{ss}}"), NULL,
                               0); /* floating: the builder sinks it */
}

static void
list_release(Job *job)
{
    if (--job->pending > 0)
        return;
    /* All three locations, even those not asked: Libervia 0.9's CLI reads each. */
    GVariantBuilder all;
    g_variant_builder_init(&all, G_VARIANT_TYPE("a{sa{sa{ss}}}"));
    g_variant_builder_add(&all, "{s@a{sa{ss}}}", "local",
                          job->local != NULL ? job->local : empty_dict());
    g_variant_builder_add(&all, "{s@a{sa{ss}}}", "private",
                          job->private_found != NULL ? job->private_found : empty_dict());
    g_variant_builder_add(&all, "{s@a{sa{ss}}}", "pubsub",
                          job->pubsub_found != NULL ? job->pubsub_found : empty_dict());
    job_answer(job, g_variant_new("(@a{sa{sa{ss}}})", g_variant_builder_end(&all)), NULL);
}

static void
on_list_fetched(LvXmppAccount *account, GPtrArray *bookmarks, xmpp_stanza_t *storage,
                const GError *error, gpointer data)
{
    Job *job = data;

    if (error != NULL)
        g_message("%s: bookmarks not listed: %s", account->profile, error->message);
    list_release(job);
}

static void
on_list_private(LvXmppAccount *account, GPtrArray *bookmarks, xmpp_stanza_t *storage,
                const GError *error, gpointer data)
{
    Job *job = data;

    if (bookmarks != NULL)
        job->private_found = g_variant_ref_sink(lv_xmpp_bookmarks_to_variant(bookmarks, job->type));
    on_list_fetched(account, bookmarks, storage, error, data);
}

static void
on_list_pep(LvXmppAccount *account, GPtrArray *bookmarks, xmpp_stanza_t *storage,
            const GError *error, gpointer data)
{
    Job *job = data;

    if (bookmarks != NULL)
        job->pubsub_found = g_variant_ref_sink(lv_xmpp_bookmarks_to_variant(bookmarks, job->type));
    on_list_fetched(account, bookmarks, storage, error, data);
}

static void
list_ready(LvXmppAccount *account, gpointer data)
{
    Job *job = data;
    Bookmarks *state = state_of(account);
    gboolean all = g_str_equal(job->where, "all");

    job->pending = 1; /* until the fetches below are started */
    /* The private storage is read each time, as Libervia does: another client may
     * have changed it, and it sends no event. */
    if (all || g_str_equal(job->where, "private")) {
        job->pending++;
        fetch_private(account, fetch_new(on_list_private, job_ref(job), job_unref));
    }
    if ((all || g_str_equal(job->where, "pubsub")) && state->pep == PEP_YES &&
        job->type == LV_XMPP_BOOKMARK_MUC) {
        if (state->pep_items != NULL) {
            job->pubsub_found =
                    g_variant_ref_sink(lv_xmpp_bookmarks_to_variant(state->pep_items, job->type));
        } else {
            job->pending++;
            fetch_pep(account, fetch_new(on_list_pep, job_ref(job), job_unref));
        }
    }
    list_release(job);
}

static gboolean
do_list(gpointer data)
{
    Job *job = data;

    if (job_in_session(job))
        when_ready(job->account, list_ready, job_ref(job), job_unref);
    lv_xmpp_account_drain(job->account);
    return G_SOURCE_REMOVE;
}

void
lv_xmpp_account_bookmarks_list(LvXmppAccount *account, const char *request_id,
                               LvXmppBookmarkType type, const char *location, GVariant *local)
{
    Job *job = job_new(account, request_id, type, location);

    job->local = local != NULL ? g_variant_ref_sink(local) : NULL;
    lv_xmpp_account_invoke(account, do_list, job, job_unref);
}

/* ---- bookmarksAdd ---- */

static void
on_answered(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error, gpointer user_data)
{
    job_answer(user_data, NULL, error != NULL ? g_error_copy(error) : NULL);
}

static void
on_published(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error, gpointer user_data)
{
    Job *job = user_data;
    Bookmarks *state = state_of(account);

    /* The event confirms it too, but a request answered must be seen at once. */
    if (reply != NULL && state != NULL)
        cache_put(account, state, lv_xmpp_bookmark_copy(job->bookmark));
    on_answered(account, reply, error, user_data);
}

static void
publish(LvXmppAccount *account, Job *job)
{
    Bookmarks *state = state_of(account);
    const LvXmppBookmark *old = cached(state, job->bookmark->location);

    if (job->bookmark->type != LV_XMPP_BOOKMARK_MUC) {
        job_answer(job, NULL,
                   g_error_new_literal(LV_ERROR, LV_ERROR_DATA,
                                       "XEP-0402 keeps rooms only: store URLs in private or "
                                       "local storage"));
        return;
    }
    if (state->pep != PEP_YES) {
        job_answer(job, NULL, no_pep_error(account));
        return;
    }
    /* What other clients put in <extensions/> stays (XEP-0402 §3.3). */
    if (old != NULL && job->bookmark->extensions == NULL)
        job->bookmark->extensions = g_strdup(old->extensions);
    if (old != NULL && job->bookmark->password == NULL)
        job->bookmark->password = g_strdup(old->password);
    xmpp_stanza_t *iq = lv_xmpp_iq_new(account, "set", NULL);
    xmpp_stanza_t *pubsub = lv_xmpp_add_child(iq, "pubsub", LV_NS_PUBSUB);
    xmpp_stanza_t *node = lv_xmpp_add_child(pubsub, "publish", NULL);
    xmpp_stanza_set_attribute(node, "node", LV_NS_BOOKMARKS2);
    xmpp_stanza_t *item = lv_xmpp_bookmarks_build_pep_item(account->xctx, job->bookmark);
    xmpp_stanza_add_child(node, item);
    xmpp_stanza_release(item);
    xmpp_stanza_t *options = lv_xmpp_bookmarks_build_publish_options(account->xctx);
    xmpp_stanza_add_child(pubsub, options);
    xmpp_stanza_release(options);
    lv_xmpp_iq_request(account, iq, on_published, job_ref(job), job_unref);
    xmpp_stanza_release(iq);
}

/* Sends @storage (not taken) to the private XML storage; @func answers. */
static void
store_private(LvXmppAccount *account, xmpp_stanza_t *storage, LvXmppIqFunc func, Job *job)
{
    xmpp_stanza_t *iq = lv_xmpp_iq_new(account, "set", NULL);
    xmpp_stanza_t *query = lv_xmpp_add_child(iq, "query", LV_NS_PRIVATE);
    xmpp_stanza_t *copy = xmpp_stanza_copy(storage);

    xmpp_stanza_add_child(query, copy);
    xmpp_stanza_release(copy);
    lv_xmpp_iq_request(account, iq, func, job_ref(job), job_unref);
    xmpp_stanza_release(iq);
}

static void
on_add_private(LvXmppAccount *account, GPtrArray *bookmarks, xmpp_stanza_t *storage,
               const GError *error, gpointer data)
{
    Job *job = data;
    gboolean found = FALSE;

    if (error != NULL) {
        job_answer(job, NULL,
                   job->automatic
                           ? g_error_new(LV_ERROR, LV_ERROR_FEATURE_NOT_FOUND,
                                         "no server storage for bookmarks: %s", error->message)
                           : g_error_copy(error));
        return;
    }
    for (guint i = 0; job->bookmark->password == NULL && i < bookmarks->len; i++) {
        const LvXmppBookmark *old = bookmarks->pdata[i];
        if (old->type == job->bookmark->type &&
            g_strcmp0(old->location, job->bookmark->location) == 0)
            job->bookmark->password = g_strdup(old->password);
    }
    xmpp_stanza_t *edited =
            lv_xmpp_bookmarks_storage_edit(account->xctx, storage, job->bookmark->type,
                                           job->bookmark->location, job->bookmark, &found);
    store_private(account, edited, on_answered, job);
    xmpp_stanza_release(edited);
}

static void
add_ready(LvXmppAccount *account, gpointer data)
{
    Job *job = data;
    Bookmarks *state = state_of(account);

    /* With #compat the server keeps private storage as XEP-0402 items, which hold no
     * URLs: one stored there would be lost. */
    if (state->pep == PEP_YES && job->bookmark->type == LV_XMPP_BOOKMARK_URL &&
        (job->automatic || g_str_equal(job->where, "private"))) {
        job_answer(job, NULL,
                   g_error_new(LV_ERROR,
                               job->automatic ? LV_ERROR_FEATURE_NOT_FOUND : LV_ERROR_DATA,
                               "the server of %s keeps private bookmarks as XEP-0402 items, "
                               "which have no URLs: keep it local",
                               account->profile));
        return;
    }
    if (job->automatic)
        job->where = g_strdup(state->pep == PEP_YES ? "pubsub" : "private");
    g_info("%s: bookmark %s stored in %s", account->profile, job->bookmark->location, job->where);
    if (g_str_equal(job->where, "pubsub"))
        publish(account, job);
    else
        fetch_private(account, fetch_new(on_add_private, job_ref(job), job_unref));
}

static gboolean
do_add(gpointer data)
{
    Job *job = data;

    if (job_in_session(job))
        when_ready(job->account, add_ready, job_ref(job), job_unref);
    lv_xmpp_account_drain(job->account);
    return G_SOURCE_REMOVE;
}

void
lv_xmpp_account_bookmarks_add(LvXmppAccount *account, const char *request_id,
                              LvXmppBookmark *bookmark, const char *location)
{
    gboolean automatic = g_strcmp0(location, "auto") == 0;
    Job *job = job_new(account, request_id, bookmark->type, automatic ? NULL : location);

    job->automatic = automatic;
    job->bookmark = bookmark;
    lv_xmpp_account_invoke(account, do_add, job, job_unref);
}

/* ---- bookmarksRemove ---- */

static void
on_retracted(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error, gpointer user_data)
{
    Job *job = user_data;
    Bookmarks *state = state_of(account);

    if (state != NULL && (reply != NULL || g_error_matches(error, LV_ERROR, LV_ERROR_NOT_FOUND)))
        cache_remove(state, job->target);
    /* Not there is no error, as in Libervia. */
    if (g_error_matches(error, LV_ERROR, LV_ERROR_NOT_FOUND))
        error = NULL;
    job_answer(job, NULL, error != NULL ? g_error_copy(error) : NULL);
}

static void
remove_pep(LvXmppAccount *account, Job *job)
{
    gboolean all = g_str_equal(job->where, "all");

    if (job->type != LV_XMPP_BOOKMARK_MUC || (all && state_of(account)->pep != PEP_YES)) {
        job_answer(job, NULL, NULL);
        return;
    }
    if (state_of(account)->pep != PEP_YES) {
        job_answer(job, NULL, no_pep_error(account));
        return;
    }
    xmpp_stanza_t *iq = lv_xmpp_iq_new(account, "set", NULL);
    xmpp_stanza_t *pubsub = lv_xmpp_add_child(iq, "pubsub", LV_NS_PUBSUB);
    xmpp_stanza_t *retract = lv_xmpp_add_child(pubsub, "retract", NULL);
    xmpp_stanza_set_attribute(retract, "node", LV_NS_BOOKMARKS2);
    xmpp_stanza_set_attribute(retract, "notify", "true");
    xmpp_stanza_set_id(lv_xmpp_add_child(retract, "item", NULL), job->target);
    lv_xmpp_iq_request(account, iq, on_retracted, job_ref(job), job_unref);
    xmpp_stanza_release(iq);
}

static void
on_private_removed(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error,
                   gpointer user_data)
{
    Job *job = user_data;

    if (error != NULL || !g_str_equal(job->where, "all")) {
        job_answer(job, NULL, error != NULL ? g_error_copy(error) : NULL);
        return;
    }
    if (lv_xmpp_account_in_session(account) && state_of(account) != NULL)
        remove_pep(account, job);
}

static void
on_remove_private(LvXmppAccount *account, GPtrArray *bookmarks, xmpp_stanza_t *storage,
                  const GError *error, gpointer data)
{
    Job *job = data;
    gboolean all = g_str_equal(job->where, "all");
    gboolean found = FALSE;

    if (error != NULL && !all) {
        job_answer(job, NULL, g_error_copy(error));
        return;
    }
    if (error != NULL)
        g_message("%s: private storage not read: %s", account->profile, error->message);
    xmpp_stanza_t *edited =
            error == NULL ? lv_xmpp_bookmarks_storage_edit(account->xctx, storage, job->type,
                                                           job->target, NULL, &found)
                          : NULL;
    if (found)
        store_private(account, edited, on_private_removed, job);
    else if (all)
        remove_pep(account, job);
    else
        job_answer(job, NULL, NULL);
    if (edited != NULL)
        xmpp_stanza_release(edited);
}

static void
remove_ready(LvXmppAccount *account, gpointer data)
{
    Job *job = data;

    if (g_str_equal(job->where, "pubsub"))
        remove_pep(account, job);
    else
        fetch_private(account, fetch_new(on_remove_private, job_ref(job), job_unref));
}

static gboolean
do_remove(gpointer data)
{
    Job *job = data;

    if (job_in_session(job))
        when_ready(job->account, remove_ready, job_ref(job), job_unref);
    lv_xmpp_account_drain(job->account);
    return G_SOURCE_REMOVE;
}

void
lv_xmpp_account_bookmarks_remove(LvXmppAccount *account, const char *request_id,
                                 LvXmppBookmarkType type, const char *location, const char *storage)
{
    Job *job = job_new(account, request_id, type, storage);

    job->target = g_strdup(location);
    lv_xmpp_account_invoke(account, do_remove, job, job_unref);
}

/* ---- the local bookmarks ---- */

typedef struct {
    LvXmppAccount *account;
    GVariant *local;
} LocalUpdate;

static void
local_update_free(gpointer data)
{
    LocalUpdate *update = data;

    lv_xmpp_account_unref(update->account);
    g_variant_unref(update->local);
    g_free(update);
}

static gboolean
do_set_local(gpointer data)
{
    LocalUpdate *update = data;
    Bookmarks *state = state_of(update->account);

    if (state == NULL)
        return G_SOURCE_REMOVE; /* out of session: the next one gets them again */
    g_clear_pointer(&state->local, g_ptr_array_unref);
    state->local = lv_xmpp_bookmarks_from_variant(update->local, LV_XMPP_BOOKMARK_MUC);
    maybe_autojoin(update->account);
    lv_xmpp_account_drain(update->account);
    return G_SOURCE_REMOVE;
}

void
lv_xmpp_account_bookmarks_set_local(LvXmppAccount *account, GVariant *local)
{
    LocalUpdate *update = g_new0(LocalUpdate, 1);

    update->account = lv_xmpp_account_ref(account);
    update->local = g_variant_ref_sink(local);
    lv_xmpp_account_invoke(account, do_set_local, update, local_update_free);
}
