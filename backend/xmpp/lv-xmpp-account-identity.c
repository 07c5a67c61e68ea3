/* lv-xmpp-account-identity: avatars, nicknames and descriptions in the account's
 * thread (see lv-xmpp-identity.h).
 *
 * A contact's avatar reaches us three ways: a PEP event of its metadata node (we
 * announce +notify), a new XEP-0153 hash in its presence (then its vCard is asked,
 * unless a PEP avatar is known for it), or a request from a frontend. Whatever the
 * way, the bytes are checked before they are written to the cache, and a metadata
 * item whose size is over the limit is refused before its data is fetched. PEP
 * events count only from a bare JID: that is the PEP service of the entity, which
 * its server stamps; a full JID is a client and could claim anything. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "lv-error.h"
#include "lv-jid.h"
#include "lv-xmpp-account-private.h"
#include "lv-xmpp-avatar.h"
#include "lv-xmpp-identity.h"
#include "lv-xmpp-iq.h"
#include "lv-xmpp-presence.h"

#define NS_PUBSUB "http://jabber.org/protocol/pubsub"
#define NS_PUBSUB_EVENT "http://jabber.org/protocol/pubsub#event"
#define NS_NICK "http://jabber.org/protocol/nick"
#define NS_VCARD4 "urn:ietf:params:xml:ns:vcard-4.0"
#define NODE_VCARD4 "urn:xmpp:vcard4"
#define NS_DATA_FORMS "jabber:x:data"

/* ---- process-wide settings and the watcher ---- */

static GMutex lock;
static char *cache_dir;          /* under lock */
static gsize max_size = 4 << 20; /* under lock */
static GMainContext *watch_context;
static LvXmppIdentityFunc watch_func;
static gpointer watch_data;
static guint watch_generation;

void
lv_xmpp_identity_configure(const char *dir, gsize max)
{
    g_mutex_lock(&lock);
    g_free(cache_dir);
    cache_dir = g_strdup(dir);
    max_size = max;
    g_mutex_unlock(&lock);
    if (dir != NULL && g_mkdir_with_parents(dir, 0700) != 0)
        g_warning("cannot create the avatar cache %s: %s", dir, g_strerror(errno));
}

static gsize
get_max_size(void)
{
    g_mutex_lock(&lock);
    gsize max = max_size;
    g_mutex_unlock(&lock);
    return max;
}

char *
lv_xmpp_identity_dup_cache_path(const char *id)
{
    char *path = NULL;

    if (!lv_xmpp_avatar_id_valid(id))
        return NULL;
    g_autofree char *name = g_ascii_strdown(id, -1);
    g_mutex_lock(&lock);
    if (cache_dir != NULL)
        path = g_build_filename(cache_dir, name, NULL);
    g_mutex_unlock(&lock);
    return path;
}

void
lv_xmpp_identity_watch(GMainContext *context, LvXmppIdentityFunc func, gpointer user_data)
{
    g_mutex_lock(&lock);
    g_clear_pointer(&watch_context, g_main_context_unref);
    watch_context = func != NULL && context != NULL ? g_main_context_ref(context) : NULL;
    watch_func = func;
    watch_data = user_data;
    watch_generation++;
    g_mutex_unlock(&lock);
}

typedef struct {
    char *profile, *entity, *name, *json;
    guint generation;
} Change;

static void
change_free(gpointer data)
{
    Change *change = data;

    g_free(change->profile);
    g_free(change->entity);
    g_free(change->name);
    g_free(change->json);
    g_free(change);
}

static gboolean
deliver_change(gpointer data)
{
    Change *change = data;
    LvXmppIdentityFunc func = NULL;
    gpointer user_data = NULL;

    g_mutex_lock(&lock);
    if (change->generation == watch_generation) {
        func = watch_func;
        user_data = watch_data;
    }
    g_mutex_unlock(&lock);
    if (func != NULL)
        func(change->profile, change->entity, change->name, change->json, user_data);
    return G_SOURCE_REMOVE;
}

/* Tells the watcher that @name of @entity is now @json. */
static void
notify(LvXmppAccount *account, const char *entity, const char *name, const char *json)
{
    Change *change = g_new0(Change, 1);
    GMainContext *context = NULL;

    change->profile = g_strdup(account->profile);
    change->entity = g_strdup(entity);
    change->name = g_strdup(name);
    change->json = g_strdup(json);
    g_mutex_lock(&lock);
    change->generation = watch_generation;
    context = watch_context != NULL ? g_main_context_ref(watch_context) : NULL;
    g_mutex_unlock(&lock);
    if (context == NULL) {
        change_free(change);
        return;
    }
    GSource *idle = g_idle_source_new();
    g_source_set_callback(idle, deliver_change, change, change_free);
    g_source_attach(idle, context);
    g_source_unref(idle);
    g_main_context_unref(context);
}

/* ---- JSON ---- */

/* Libervia's avatar data for the cached file of @id (transfer full). */
static char *
avatar_json(const char *id, const char *media_type)
{
    g_autofree char *path = lv_xmpp_identity_dup_cache_path(id);
    g_autoptr(JsonBuilder) builder = json_builder_new();

    if (path == NULL)
        return g_strdup("null");
    json_builder_begin_object(builder);
    json_builder_set_member_name(builder, "path");
    json_builder_add_string_value(builder, path);
    json_builder_set_member_name(builder, "filename");
    json_builder_add_string_value(builder, id);
    json_builder_set_member_name(builder, "media_type");
    json_builder_add_string_value(builder, media_type);
    json_builder_set_member_name(builder, "cache_uid");
    json_builder_add_string_value(builder, id);
    json_builder_end_object(builder);
    g_autoptr(JsonNode) root = json_builder_get_root(builder);
    return json_to_string(root, FALSE);
}

static char *
strings_json(const char *const *values)
{
    g_autoptr(JsonBuilder) builder = json_builder_new();

    json_builder_begin_array(builder);
    for (guint i = 0; values != NULL && values[i] != NULL; i++)
        json_builder_add_string_value(builder, values[i]);
    json_builder_end_array(builder);
    g_autoptr(JsonNode) root = json_builder_get_root(builder);
    return json_to_string(root, FALSE);
}

static char *
string_json(const char *value)
{
    g_autoptr(JsonNode) node = json_node_init_string(json_node_alloc(), value);

    return json_to_string(node, FALSE);
}

/* ---- the cache ---- */

/* Writes checked bytes under their id: a temporary file renamed over, so that a
 * reader sees the whole file or none. */
static gboolean
cache_write(GBytes *bytes, const char *id, GError **error)
{
    g_autofree char *path = lv_xmpp_identity_dup_cache_path(id);
    gsize size = 0;
    const char *data = g_bytes_get_data(bytes, &size);

    if (path == NULL) {
        g_set_error_literal(error, LV_ERROR, LV_ERROR_INTERNAL, "no avatar cache directory");
        return FALSE;
    }
    if (g_file_test(path, G_FILE_TEST_IS_REGULAR))
        return TRUE; /* named by its hash: the same bytes */
    return g_file_set_contents_full(path, data, (gssize)size, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                    error);
}

/* The media type of the cached file of @id, by its first bytes (transfer none). */
static const char *
cached_type(const char *id)
{
    g_autofree char *path = lv_xmpp_identity_dup_cache_path(id);
    guint8 head[16] = { 0 };
    FILE *file = path != NULL ? fopen(path, "rb") : NULL;
    gsize got = 0;

    if (file == NULL)
        return NULL;
    got = fread(head, 1, sizeof head, file);
    fclose(file);
    return lv_xmpp_avatar_sniff(head, got);
}

/* ---- per-session state ---- */

typedef struct {
    GHashTable *pep;    /* bare JID → avatar id from its PEP metadata ("" : none) */
    GHashTable *hashes; /* bare JID → last XEP-0153 hash seen */
    char *own_hash;     /* our avatar, for our presence; NULL: not known */
} IdentityState;

static void
identity_state_free(gpointer data)
{
    IdentityState *state = data;

    g_hash_table_unref(state->pep);
    g_hash_table_unref(state->hashes);
    g_free(state->own_hash);
    g_free(state);
}

static IdentityState *
state_of(LvXmppAccount *account)
{
    return account->identity;
}

/* ---- fetching an avatar ---- */

typedef struct _Fetch Fetch;
/* @json: the avatar JSON, or NULL with @error. */
typedef void (*FetchDone)(LvXmppAccount *account, Fetch *fetch, const char *json,
                          const GError *error);

struct _Fetch {
    char *entity;
    char *expected;         /* the XEP-0153 hash that made us ask the vCard, or NULL */
    LvXmppAvatarInfo *info; /* from a PEP event, or NULL: ask the metadata node */
    gboolean vcard_only;
    FetchDone done;
    char *request_id;  /* who asked, if anyone */
    char *roster_name; /* identity requests */
    char **nicknames;
    char *description;
};

static void
fetch_free(gpointer data)
{
    Fetch *fetch = data;

    g_free(fetch->entity);
    g_free(fetch->expected);
    lv_xmpp_avatar_info_free(fetch->info);
    g_free(fetch->request_id);
    g_free(fetch->roster_name);
    g_strfreev(fetch->nicknames);
    g_free(fetch->description);
    g_free(fetch);
}

/* Ends @fetch: the avatar is known (@json) or could not be had (@error). */
static void
fetch_end(LvXmppAccount *account, Fetch *fetch, const char *json, const GError *error)
{
    if (json != NULL)
        notify(account, fetch->entity, "avatar", json);
    else
        g_message("%s: no avatar for %s: %s", account->profile, fetch->entity, error->message);
    fetch->done(account, fetch, json, error);
    fetch_free(fetch);
}

/* Checks and caches @bytes (NULL: @error says why) as the avatar @id of @fetch. */
static void
fetch_take_bytes(LvXmppAccount *account, Fetch *fetch, GBytes *bytes, const char *id, GError *error)
{
    const char *type = NULL;
    g_autofree char *computed = bytes != NULL && id == NULL ? lv_xmpp_avatar_sha1(bytes) : NULL;

    if (bytes != NULL && lv_xmpp_avatar_check(bytes, id, &type, &error) &&
        cache_write(bytes, id != NULL ? id : computed, &error)) {
        g_autofree char *json = avatar_json(id != NULL ? id : computed, type);
        g_info("%s: avatar of %s cached (%" G_GSIZE_FORMAT " bytes)", account->profile,
               fetch->entity, g_bytes_get_size(bytes));
        fetch_end(account, fetch, json, NULL);
        return;
    }
    g_warning("%s: avatar of %s refused: %s", account->profile, fetch->entity, error->message);
    fetch_end(account, fetch, NULL, error);
    g_error_free(error);
}

/* An IQ request whose @data is freed by @free if the answer never comes (the
 * thread stops first); @func takes @data over when it is called. */
typedef struct {
    LvXmppIqFunc func;
    gpointer data;
    GDestroyNotify free;
} Hold;

static void
hold_call(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error, gpointer user_data)
{
    Hold *hold = user_data;

    hold->func(account, reply, error, g_steal_pointer(&hold->data));
}

static void
hold_free(gpointer user_data)
{
    Hold *hold = user_data;

    if (hold->data != NULL && hold->free != NULL)
        hold->free(hold->data);
    g_free(hold);
}

static void
send_request(LvXmppAccount *account, xmpp_stanza_t *iq, LvXmppIqFunc func, gpointer data,
             GDestroyNotify free_data)
{
    Hold *hold = g_new0(Hold, 1);

    hold->func = func;
    hold->data = data;
    hold->free = free_data;
    lv_xmpp_iq_request(account, iq, hold_call, hold, hold_free);
    xmpp_stanza_release(iq);
}

static xmpp_stanza_t *
items_request(LvXmppAccount *account, const char *to, const char *node, const char *item_id)
{
    xmpp_stanza_t *iq = lv_xmpp_iq_new(account, "get", to);
    xmpp_stanza_t *pubsub = lv_xmpp_add_child(iq, "pubsub", NS_PUBSUB);
    xmpp_stanza_t *items = lv_xmpp_add_child(pubsub, "items", NULL);

    xmpp_stanza_set_attribute(items, "node", node);
    if (item_id != NULL)
        xmpp_stanza_set_attribute(lv_xmpp_add_child(items, "item", NULL), "id", item_id);
    else
        xmpp_stanza_set_attribute(items, "max_items", "1");
    return iq;
}

/* The payload (first element) of the first item of a pubsub items result or
 * event, or NULL (transfer none). */
static xmpp_stanza_t *
first_payload(xmpp_stanza_t *items, const char **item_id)
{
    xmpp_stanza_t *item = items != NULL ? xmpp_stanza_get_child_by_name(items, "item") : NULL;
    xmpp_stanza_t *payload = item != NULL ? xmpp_stanza_get_children(item) : NULL;

    while (payload != NULL && !xmpp_stanza_is_tag(payload))
        payload = xmpp_stanza_get_next(payload);
    if (item_id != NULL)
        *item_id = item != NULL ? xmpp_stanza_get_attribute(item, "id") : NULL;
    return payload;
}

static xmpp_stanza_t *
result_items(xmpp_stanza_t *reply)
{
    xmpp_stanza_t *pubsub = reply != NULL ? xmpp_stanza_get_child_by_ns(reply, NS_PUBSUB) : NULL;

    return pubsub != NULL ? xmpp_stanza_get_child_by_name(pubsub, "items") : NULL;
}

static void fetch_vcard(LvXmppAccount *account, Fetch *fetch);

static void
on_data(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error, gpointer user_data)
{
    Fetch *fetch = user_data;
    xmpp_stanza_t *data = first_payload(result_items(reply), NULL);
    GError *bad = NULL;
    g_autoptr(GBytes) bytes = NULL;

    if (data == NULL || g_strcmp0(xmpp_stanza_get_ns(data), LV_NS_AVATAR_DATA) != 0) {
        bad = error != NULL ? g_error_copy(error)
                            : g_error_new(LV_ERROR, LV_ERROR_NOT_FOUND,
                                          "the avatar metadata of %s points to no data item",
                                          fetch->entity);
    } else {
        bytes = lv_xmpp_avatar_parse_data(data, get_max_size(), &bad);
    }
    g_autofree char *id = g_strdup(fetch->info->id);
    fetch_take_bytes(account, fetch, bytes, id, bad);
}

/* Fetches the data item of the metadata @fetch->info, unless it is cached. */
static void
fetch_data(LvXmppAccount *account, Fetch *fetch)
{
    const LvXmppAvatarInfo *info = fetch->info;

    if (info->bytes > get_max_size()) {
        g_autoptr(GError) error =
                g_error_new(LV_ERROR, LV_ERROR_DATA,
                            "the avatar of %s is too big: %" G_GUINT64_FORMAT " bytes, the limit "
                            "is %" G_GSIZE_FORMAT " (avatar_max_size)",
                            fetch->entity, info->bytes, get_max_size());
        g_warning("%s: %s", account->profile, error->message);
        fetch_end(account, fetch, NULL, error);
        return;
    }
    const char *type = cached_type(info->id);
    if (type != NULL) {
        g_autofree char *json = avatar_json(info->id, type);
        fetch_end(account, fetch, json, NULL);
        return;
    }
    xmpp_stanza_t *iq = items_request(account, fetch->entity, LV_NS_AVATAR_DATA, info->id);
    send_request(account, iq, on_data, fetch, fetch_free);
}

/* A metadata item (or event payload) of @fetch's entity. */
static void
fetch_metadata_payload(LvXmppAccount *account, Fetch *fetch, xmpp_stanza_t *metadata)
{
    g_autoptr(GError) error = NULL;
    gboolean disabled = FALSE;
    IdentityState *state = state_of(account);

    fetch->info =
            metadata != NULL ? lv_xmpp_avatar_parse_metadata(metadata, &disabled, &error) : NULL;
    if (state != NULL && (fetch->info != NULL || disabled))
        g_hash_table_replace(state->pep, g_strdup(fetch->entity),
                             g_strdup(fetch->info != NULL ? fetch->info->id : ""));
    if (disabled) {
        fetch_end(account, fetch, "null", NULL);
        return;
    }
    if (fetch->info == NULL) {
        if (error != NULL)
            g_message("%s: avatar metadata of %s: %s", account->profile, fetch->entity,
                      error->message);
        fetch_vcard(account, fetch);
        return;
    }
    fetch_data(account, fetch);
}

static void
on_metadata(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error, gpointer user_data)
{
    Fetch *fetch = user_data;
    xmpp_stanza_t *metadata = first_payload(result_items(reply), NULL);

    if (metadata != NULL && g_strcmp0(xmpp_stanza_get_ns(metadata), LV_NS_AVATAR_METADATA) != 0)
        metadata = NULL;
    fetch_metadata_payload(account, fetch, metadata);
}

static void
on_vcard(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error, gpointer user_data)
{
    Fetch *fetch = user_data;
    xmpp_stanza_t *vcard =
            reply != NULL ? xmpp_stanza_get_child_by_name_and_ns(reply, "vCard", LV_NS_VCARD)
                          : NULL;
    GError *bad = NULL;
    g_autoptr(GBytes) bytes =
            vcard != NULL ? lv_xmpp_avatar_parse_vcard_photo(vcard, get_max_size(), &bad) : NULL;

    if (bytes == NULL && bad == NULL) {
        fetch_end(account, fetch, "null", NULL); /* no photo: no avatar */
        return;
    }
    g_autofree char *expected = g_strdup(fetch->expected);
    fetch_take_bytes(account, fetch, bytes, expected, bad);
}

static void
fetch_vcard(LvXmppAccount *account, Fetch *fetch)
{
    xmpp_stanza_t *iq = lv_xmpp_iq_new(account, "get", fetch->entity);

    lv_xmpp_add_child(iq, "vCard", LV_NS_VCARD);
    send_request(account, iq, on_vcard, fetch, fetch_free);
}

static void
fetch_start(LvXmppAccount *account, Fetch *fetch)
{
    if (fetch->vcard_only) {
        fetch_vcard(account, fetch);
        return;
    }
    if (fetch->info != NULL) {
        fetch_data(account, fetch);
        return;
    }
    xmpp_stanza_t *iq = items_request(account, fetch->entity, LV_NS_AVATAR_METADATA, NULL);
    send_request(account, iq, on_metadata, fetch, fetch_free);
}

static Fetch *
fetch_new(const char *entity, FetchDone done, const char *request_id)
{
    Fetch *fetch = g_new0(Fetch, 1);

    fetch->entity = g_strdup(entity);
    fetch->done = done;
    fetch->request_id = g_strdup(request_id);
    return fetch;
}

static void
done_nothing(LvXmppAccount *account, Fetch *fetch, const char *json, const GError *error)
{
}

static void
done_reply(LvXmppAccount *account, Fetch *fetch, const char *json, const GError *error)
{
    lv_xmpp_account_post(account, LV_XMPP_EVENT_REPLY, fetch->request_id,
                         json != NULL ? g_variant_new("(s)", json) : NULL,
                         json != NULL ? NULL : g_error_copy(error));
}

/* ---- events and presences ---- */

/* The bare JID of a PEP service that sent @stanza, or NULL for anything else
 * (transfer full). */
static char *
pep_sender(LvXmppAccount *account, xmpp_stanza_t *stanza)
{
    g_autoptr(LvJid) from = lv_jid_parse(xmpp_stanza_get_from(stanza), NULL);

    if (from == NULL)
        return g_strdup(account->own_bare); /* our own PEP service */
    if (lv_jid_get_resource(from) != NULL)
        return NULL;
    return lv_jid_dup_bare(from);
}

static void
on_nick_event(LvXmppAccount *account, const char *entity, xmpp_stanza_t *items)
{
    xmpp_stanza_t *nick = first_payload(items, NULL);
    char *text = nick != NULL && g_strcmp0(xmpp_stanza_get_ns(nick), NS_NICK) == 0
                         ? xmpp_stanza_get_text(nick)
                         : NULL;

    if (text != NULL && g_utf8_validate(text, -1, NULL) && text[0] != '\0') {
        const char *const list[] = { text, NULL };
        g_autofree char *json = strings_json(list);
        notify(account, entity, "nicknames", json);
    }
    if (text != NULL)
        xmpp_free(account->xctx, text);
}

static int
on_event(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
    LvXmppAccount *account = userdata;
    xmpp_stanza_t *event = xmpp_stanza_get_child_by_name_and_ns(stanza, "event", NS_PUBSUB_EVENT);
    xmpp_stanza_t *items = event != NULL ? xmpp_stanza_get_child_by_name(event, "items") : NULL;
    const char *node = items != NULL ? xmpp_stanza_get_attribute(items, "node") : NULL;
    g_autofree char *entity = node != NULL ? pep_sender(account, stanza) : NULL;

    if (entity == NULL || state_of(account) == NULL)
        return 1;
    if (g_str_equal(node, LV_NS_AVATAR_METADATA)) {
        xmpp_stanza_t *metadata = first_payload(items, NULL);
        if (metadata == NULL || g_strcmp0(xmpp_stanza_get_ns(metadata), LV_NS_AVATAR_METADATA))
            return 1; /* a retraction, or no payload: nothing to read */
        Fetch *fetch = fetch_new(entity, done_nothing, NULL);
        fetch_metadata_payload(account, fetch, metadata);
        lv_xmpp_account_drain(account);
    } else if (g_str_equal(node, NS_NICK)) {
        on_nick_event(account, entity, items);
    }
    return 1;
}

/* A new XEP-0153 hash: its vCard is asked, unless PEP already tells its avatar. */
static int
on_presence(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
    LvXmppAccount *account = userdata;
    IdentityState *state = state_of(account);
    const char *hash = lv_xmpp_avatar_presence_hash(stanza);
    g_autoptr(LvJid) from = lv_jid_parse(xmpp_stanza_get_from(stanza), NULL);

    if (state == NULL || hash == NULL || from == NULL || xmpp_stanza_get_type(stanza) != NULL)
        return 1;
    g_autofree char *entity = lv_jid_dup_bare(from);
    if (g_strcmp0(g_hash_table_lookup(state->hashes, entity), hash) == 0)
        return 1;
    g_hash_table_replace(state->hashes, g_strdup(entity), g_strdup(hash));
    if (g_hash_table_contains(state->pep, entity) || g_strcmp0(entity, account->own_bare) == 0)
        return 1;
    if (hash[0] == '\0') {
        notify(account, entity, "avatar", "null");
        return 1;
    }
    if (!lv_xmpp_avatar_id_valid(hash)) {
        g_message("%s: %s announces an avatar hash that is no SHA-1: ignored", account->profile,
                  entity);
        return 1;
    }
    Fetch *fetch = fetch_new(entity, done_nothing, NULL);
    fetch->expected = g_ascii_strdown(hash, -1);
    const char *type = cached_type(fetch->expected);
    if (type != NULL) {
        g_autofree char *json = avatar_json(fetch->expected, type);
        fetch_end(account, fetch, json, NULL);
        return 1;
    }
    fetch->vcard_only = TRUE;
    fetch_start(account, fetch);
    return 1;
}

void
lv_xmpp_identity_session_started(LvXmppAccount *account)
{
    IdentityState *state = g_new0(IdentityState, 1);

    state->pep = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    state->hashes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    if (account->identity != NULL) /* a resumed stream: what we knew still holds */
        identity_state_free(account->identity);
    account->identity = state;
    xmpp_handler_add(account->conn, on_event, NS_PUBSUB_EVENT, "message", NULL, account);
    xmpp_handler_add(account->conn, on_presence, NULL, "presence", NULL, account);
}

void
lv_xmpp_identity_session_ended(LvXmppAccount *account)
{
    g_clear_pointer(&account->identity, identity_state_free);
}

void
lv_xmpp_identity_decorate_presence(LvXmppAccount *account, xmpp_stanza_t *presence)
{
    IdentityState *state = state_of(account);

    if (state == NULL || state->own_hash == NULL || xmpp_stanza_get_type(presence) != NULL)
        return;
    lv_xmpp_avatar_add_presence_hash(presence, state->own_hash);
}

/* ---- publishing ---- */

static void job_free(gpointer data);

/* A PEP publication of @payload (taken) as item @item_id of @node; our nodes are
 * open to anyone, as Libervia 0.9 makes them (XEP-0084 §6.1, XEP-0292). */
static void
publish(LvXmppAccount *account, const char *node, const char *item_id, xmpp_stanza_t *payload,
        LvXmppIqFunc func, gpointer data)
{
    xmpp_stanza_t *iq = lv_xmpp_iq_new(account, "set", NULL);
    xmpp_stanza_t *pubsub = lv_xmpp_add_child(iq, "pubsub", NS_PUBSUB);
    xmpp_stanza_t *element = lv_xmpp_add_child(pubsub, "publish", NULL);
    xmpp_stanza_t *item = lv_xmpp_add_child(element, "item", NULL);
    xmpp_stanza_t *form = lv_xmpp_add_child(lv_xmpp_add_child(pubsub, "publish-options", NULL), "x",
                                            NS_DATA_FORMS);
    const char *const fields[][2] = {
        { "FORM_TYPE", "http://jabber.org/protocol/pubsub#publish-options" },
        { "pubsub#access_model", "open" },
    };

    xmpp_stanza_set_attribute(element, "node", node);
    xmpp_stanza_set_attribute(item, "id", item_id);
    xmpp_stanza_add_child(item, payload);
    xmpp_stanza_release(payload);
    xmpp_stanza_set_attribute(form, "type", "submit");
    for (gsize i = 0; i < G_N_ELEMENTS(fields); i++) {
        xmpp_stanza_t *field = lv_xmpp_add_child(form, "field", NULL);
        xmpp_stanza_set_attribute(field, "var", fields[i][0]);
        if (i == 0)
            xmpp_stanza_set_attribute(field, "type", "hidden");
        lv_xmpp_add_text(lv_xmpp_add_child(field, "value", NULL), fields[i][1]);
    }
    send_request(account, iq, func, data, job_free);
}

typedef struct {
    LvXmppAccount *account;
    char *request_id;
    char *path;    /* avatarSet */
    GBytes *bytes; /* avatarSet: the image read */
    LvXmppAvatarInfo info;
    char *entity;      /* identity requests */
    char *roster_name; /* identityGet */
    char *nickname;    /* identitySet: NULL unchanged */
    char *description;
    char **nicknames; /* identityGet: found so far */
} Job;

static void
job_free(gpointer data)
{
    Job *job = data;

    lv_xmpp_account_unref(job->account);
    g_free(job->request_id);
    g_free(job->path);
    g_clear_pointer(&job->bytes, g_bytes_unref);
    g_free(job->info.id);
    g_free(job->info.type);
    g_free(job->entity);
    g_free(job->roster_name);
    g_free(job->nickname);
    g_free(job->description);
    g_strfreev(job->nicknames);
    g_free(job);
}

/* Answers @job's request (@error taken, may be NULL) and frees it. */
static void
job_answer(Job *job, GVariant *data, GError *error)
{
    lv_xmpp_account_post(job->account, LV_XMPP_EVENT_REPLY, job->request_id, data, error);
    job_free(job);
}

static gboolean
job_in_session(Job *job)
{
    if (lv_xmpp_account_in_session(job->account))
        return TRUE;
    job_answer(job, NULL,
               g_error_new(LV_ERROR, LV_ERROR_PROFILE_NOT_CONNECTED, "%s is not connected",
                           job->account->profile));
    return FALSE;
}

static Job *
job_new(LvXmppAccount *account, const char *request_id)
{
    Job *job = g_new0(Job, 1);

    job->account = lv_xmpp_account_ref(account);
    job->request_id = g_strdup(request_id);
    return job;
}

static void
send_own_presence(LvXmppAccount *account)
{
    xmpp_stanza_t *presence =
            lv_xmpp_presence_build(account->xctx, NULL, "", account->priority, NULL);

    lv_xmpp_disco_decorate_presence(account, presence);
    lv_xmpp_identity_decorate_presence(account, presence);
    xmpp_send(account->conn, presence);
    xmpp_stanza_release(presence);
}

static void
on_metadata_published(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error,
                      gpointer user_data)
{
    Job *job = user_data;
    IdentityState *state = state_of(account);

    if (reply == NULL) {
        job_answer(job, NULL, g_error_copy(error));
        return;
    }
    if (state != NULL) {
        g_free(state->own_hash);
        state->own_hash = g_strdup(job->info.id);
        g_hash_table_replace(state->pep, g_strdup(account->own_bare), g_strdup(job->info.id));
        send_own_presence(account); /* the XEP-0153 hash, for vCard-only clients */
    }
    g_autofree char *json = avatar_json(job->info.id, job->info.type);
    notify(account, account->own_bare, "avatar", json);
    g_info("%s: avatar %s published", account->profile, job->info.id);
    job_answer(job, NULL, NULL);
}

static void
on_data_published(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error,
                  gpointer user_data)
{
    Job *job = user_data;

    if (reply == NULL) {
        job_answer(job, NULL, g_error_copy(error));
        return;
    }
    publish(account, LV_NS_AVATAR_METADATA, job->info.id,
            lv_xmpp_avatar_build_metadata(account->xctx, &job->info), on_metadata_published, job);
}

/* Reads and checks the image at @job->path: not bigger than the limit (asked before
 * reading), an image by its bytes; fills @job's bytes and info. */
static gboolean
read_image(Job *job, GError **error)
{
    g_autoptr(GFile) file = g_file_new_for_path(job->path);
    g_autoptr(GFileInfo) info = g_file_query_info(
            file, G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
            G_FILE_QUERY_INFO_NONE, NULL, error);
    const char *type = NULL;
    char *contents = NULL;
    gsize size = 0;

    if (info == NULL)
        return FALSE;
    if (g_file_info_get_file_type(info) != G_FILE_TYPE_REGULAR ||
        (guint64)g_file_info_get_size(info) > get_max_size()) {
        g_set_error(error, LV_ERROR, LV_ERROR_DATA,
                    "%s is not a file of at most %" G_GSIZE_FORMAT " bytes (avatar_max_size)",
                    job->path, get_max_size());
        return FALSE;
    }
    if (!g_file_get_contents(job->path, &contents, &size, error))
        return FALSE;
    job->bytes = g_bytes_new_take(contents, size);
    if (size > get_max_size() || !lv_xmpp_avatar_check(job->bytes, NULL, &type, error)) {
        if (error != NULL && *error == NULL)
            g_set_error(error, LV_ERROR, LV_ERROR_DATA, "%s grew over the limit", job->path);
        g_prefix_error(error, "%s: ", job->path);
        return FALSE;
    }
    job->info.id = lv_xmpp_avatar_sha1(job->bytes);
    job->info.type = g_strdup(type);
    job->info.bytes = size;
    lv_xmpp_avatar_dimensions(job->bytes, &job->info.width, &job->info.height);
    return TRUE;
}

static gboolean
do_avatar_set(gpointer data)
{
    Job *job = data;
    GError *error = NULL;

    if (!job_in_session(job))
        return G_SOURCE_REMOVE;
    if (!read_image(job, &error) || !cache_write(job->bytes, job->info.id, &error)) {
        job_answer(job, NULL, error);
        return G_SOURCE_REMOVE;
    }
    publish(job->account, LV_NS_AVATAR_DATA, job->info.id,
            lv_xmpp_avatar_build_data(job->account->xctx, job->bytes), on_data_published, job);
    lv_xmpp_account_drain(job->account);
    return G_SOURCE_REMOVE;
}

void
lv_xmpp_account_avatar_set(LvXmppAccount *account, const char *request_id, const char *path)
{
    Job *job = job_new(account, request_id);

    job->path = g_strdup(path);
    lv_xmpp_account_invoke(account, do_avatar_set, job, NULL);
}

static gboolean
do_avatar_get(gpointer data)
{
    Job *job = data;

    if (!job_in_session(job))
        return G_SOURCE_REMOVE;
    fetch_start(job->account, fetch_new(job->entity, done_reply, job->request_id));
    lv_xmpp_account_drain(job->account);
    job_free(job);
    return G_SOURCE_REMOVE;
}

void
lv_xmpp_account_avatar_get(LvXmppAccount *account, const char *request_id, const char *entity)
{
    Job *job = job_new(account, request_id);

    job->entity = g_strdup(entity);
    lv_xmpp_account_invoke(account, do_avatar_get, job, NULL);
}

/* ---- nicknames and description ---- */

/* The text of <@name><text>…</text></@name> children of a vCard4 (transfer full). */
static char **
vcard4_texts(xmpp_stanza_t *vcard, const char *name)
{
    g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(g_free);

    for (xmpp_stanza_t *c = vcard != NULL ? xmpp_stanza_get_children(vcard) : NULL; c != NULL;
         c = xmpp_stanza_get_next(c)) {
        xmpp_stanza_t *text = xmpp_stanza_is_tag(c) && g_strcmp0(xmpp_stanza_get_name(c), name) == 0
                                      ? xmpp_stanza_get_child_by_name(c, "text")
                                      : NULL;
        char *value = text != NULL ? xmpp_stanza_get_text(text) : NULL;
        if (value != NULL && g_utf8_validate(value, -1, NULL) && value[0] != '\0')
            g_ptr_array_add(out, g_strdup(value));
        if (value != NULL)
            xmpp_free(xmpp_stanza_get_context(c), value);
    }
    g_ptr_array_add(out, NULL);
    return (char **)g_ptr_array_free(g_steal_pointer(&out), FALSE);
}

static xmpp_stanza_t *
vcard4_of(xmpp_stanza_t *reply)
{
    xmpp_stanza_t *vcard = first_payload(result_items(reply), NULL);

    return vcard != NULL && g_strcmp0(xmpp_stanza_get_ns(vcard), NS_VCARD4) == 0 ? vcard : NULL;
}

static void
add_unique(GPtrArray *list, const char *value)
{
    if (value != NULL && value[0] != '\0' &&
        !g_ptr_array_find_with_equal_func(list, value, g_str_equal, NULL))
        g_ptr_array_add(list, g_strdup(value));
}

static void
done_identity(LvXmppAccount *account, Fetch *fetch, const char *json, const GError *error)
{
    g_autoptr(JsonBuilder) builder = json_builder_new();
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GPtrArray) nicknames = g_ptr_array_new_with_free_func(g_free);

    add_unique(nicknames, fetch->roster_name);
    for (guint i = 0; fetch->nicknames != NULL && fetch->nicknames[i] != NULL; i++)
        add_unique(nicknames, fetch->nicknames[i]);
    if (nicknames->len == 0) { /* as Libervia: the local part, capitalised */
        const char *at = strchr(fetch->entity, '@');
        g_autofree char *user =
                at != NULL ? g_strndup(fetch->entity, at - fetch->entity) : g_strdup(fetch->entity);
        if (at != NULL && user[0] != '\0')
            user[0] = g_ascii_toupper(user[0]);
        g_ptr_array_add(nicknames, g_steal_pointer(&user));
    }
    g_ptr_array_add(nicknames, NULL);
    g_autofree char *nick_json = strings_json((const char *const *)nicknames->pdata);
    g_autofree char *desc_json = string_json(fetch->description != NULL ? fetch->description : "");
    notify(account, fetch->entity, "nicknames", nick_json);
    notify(account, fetch->entity, "description", desc_json);
    json_builder_begin_object(builder);
    json_builder_set_member_name(builder, "nicknames");
    json_builder_begin_array(builder);
    for (guint i = 0; i + 1 < nicknames->len; i++)
        json_builder_add_string_value(builder, nicknames->pdata[i]);
    json_builder_end_array(builder);
    json_builder_set_member_name(builder, "description");
    json_builder_add_string_value(builder, fetch->description != NULL ? fetch->description : "");
    json_builder_set_member_name(builder, "avatar");
    if (json != NULL && json_parser_load_from_data(parser, json, -1, NULL))
        json_builder_add_value(builder, json_node_copy(json_parser_get_root(parser)));
    else
        json_builder_add_null_value(builder);
    json_builder_end_object(builder);
    g_autoptr(JsonNode) root = json_builder_get_root(builder);
    g_autofree char *text = json_to_string(root, FALSE);
    lv_xmpp_account_post(account, LV_XMPP_EVENT_REPLY, fetch->request_id,
                         g_variant_new("(s)", text), NULL);
}

static void
on_identity_vcard4(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error,
                   gpointer user_data)
{
    Fetch *fetch = user_data;
    xmpp_stanza_t *vcard = vcard4_of(reply);
    g_auto(GStrv) nicks = vcard4_texts(vcard, "nickname");
    g_auto(GStrv) notes = vcard4_texts(vcard, "note");
    g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func(g_free);

    for (guint i = 0; fetch->nicknames != NULL && fetch->nicknames[i] != NULL; i++)
        add_unique(all, fetch->nicknames[i]);
    for (guint i = 0; nicks[i] != NULL; i++)
        add_unique(all, nicks[i]);
    g_ptr_array_add(all, NULL);
    g_strfreev(fetch->nicknames);
    fetch->nicknames = (char **)g_ptr_array_free(g_steal_pointer(&all), FALSE);
    fetch->description = g_strjoinv("\n", notes);
    fetch_start(account, fetch);
}

static void
on_identity_nick(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error,
                 gpointer user_data)
{
    Fetch *fetch = user_data;
    xmpp_stanza_t *nick = first_payload(result_items(reply), NULL);
    char *text = nick != NULL && g_strcmp0(xmpp_stanza_get_ns(nick), NS_NICK) == 0
                         ? xmpp_stanza_get_text(nick)
                         : NULL;

    if (text != NULL && g_utf8_validate(text, -1, NULL) && text[0] != '\0') {
        fetch->nicknames = g_new0(char *, 2);
        fetch->nicknames[0] = g_strdup(text);
    }
    if (text != NULL)
        xmpp_free(account->xctx, text);
    xmpp_stanza_t *iq = items_request(account, fetch->entity, NODE_VCARD4, NULL);
    send_request(account, iq, on_identity_vcard4, fetch, fetch_free);
}

static gboolean
do_identity_get(gpointer data)
{
    Job *job = data;

    if (!job_in_session(job))
        return G_SOURCE_REMOVE;
    Fetch *fetch = fetch_new(job->entity, done_identity, job->request_id);
    fetch->roster_name = g_strdup(job->roster_name);
    xmpp_stanza_t *iq = items_request(job->account, job->entity, NS_NICK, NULL);
    send_request(job->account, iq, on_identity_nick, fetch, fetch_free);
    lv_xmpp_account_drain(job->account);
    job_free(job);
    return G_SOURCE_REMOVE;
}

void
lv_xmpp_account_identity_get(LvXmppAccount *account, const char *request_id, const char *entity,
                             const char *roster_name)
{
    Job *job = job_new(account, request_id);

    job->entity = g_strdup(entity);
    job->roster_name = g_strdup(roster_name);
    lv_xmpp_account_invoke(account, do_identity_get, job, NULL);
}

static void
on_nick_published(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error,
                  gpointer user_data)
{
    Job *job = user_data;

    if (reply == NULL) {
        job_answer(job, NULL, g_error_copy(error));
        return;
    }
    if (job->nickname != NULL) {
        const char *const list[] = { job->nickname, NULL };
        g_autofree char *json = strings_json(list);
        notify(account, account->own_bare, "nicknames", json);
    }
    if (job->description != NULL) {
        g_autofree char *json = string_json(job->description);
        notify(account, account->own_bare, "description", json);
    }
    job_answer(job, NULL, NULL);
}

static void
on_vcard4_published(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error,
                    gpointer user_data)
{
    Job *job = user_data;

    if (reply == NULL || job->nickname == NULL) {
        on_nick_published(account, reply, error, job);
        return;
    }
    xmpp_stanza_t *nick = xmpp_stanza_new(account->xctx);
    xmpp_stanza_set_name(nick, "nick");
    xmpp_stanza_set_ns(nick, NS_NICK);
    lv_xmpp_add_text(nick, job->nickname);
    publish(account, NS_NICK, "current", nick, on_nick_published, job);
}

/* Our vCard4: what @current had, with the nickname and note replaced where @job
 * sets them (transfer full). */
static xmpp_stanza_t *
updated_vcard4(LvXmppAccount *account, xmpp_stanza_t *current, const Job *job)
{
    xmpp_stanza_t *vcard = xmpp_stanza_new(account->xctx);
    const char *const fields[][2] = { { "nickname", job->nickname }, { "note", job->description } };

    xmpp_stanza_set_name(vcard, "vcard");
    xmpp_stanza_set_ns(vcard, NS_VCARD4);
    for (xmpp_stanza_t *c = current != NULL ? xmpp_stanza_get_children(current) : NULL; c != NULL;
         c = xmpp_stanza_get_next(c)) {
        const char *name = xmpp_stanza_get_name(c);
        if (!xmpp_stanza_is_tag(c) || (g_strcmp0(name, "nickname") == 0 && job->nickname) ||
            (g_strcmp0(name, "note") == 0 && job->description))
            continue;
        xmpp_stanza_t *copy = xmpp_stanza_copy(c);
        xmpp_stanza_add_child(vcard, copy);
        xmpp_stanza_release(copy);
    }
    for (gsize i = 0; i < G_N_ELEMENTS(fields); i++) {
        if (fields[i][1] != NULL && fields[i][1][0] != '\0')
            lv_xmpp_add_text(
                    lv_xmpp_add_child(lv_xmpp_add_child(vcard, fields[i][0], NULL), "text", NULL),
                    fields[i][1]);
    }
    return vcard;
}

static void
on_own_vcard4(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error, gpointer user_data)
{
    Job *job = user_data;

    if (reply == NULL && !g_error_matches(error, LV_ERROR, LV_ERROR_NOT_FOUND)) {
        job_answer(job, NULL, g_error_copy(error));
        return;
    }
    publish(account, NODE_VCARD4, "current", updated_vcard4(account, vcard4_of(reply), job),
            on_vcard4_published, job);
}

static gboolean
do_identity_set(gpointer data)
{
    Job *job = data;

    if (!job_in_session(job))
        return G_SOURCE_REMOVE;
    xmpp_stanza_t *iq = items_request(job->account, NULL, NODE_VCARD4, NULL);
    send_request(job->account, iq, on_own_vcard4, job, job_free);
    lv_xmpp_account_drain(job->account);
    return G_SOURCE_REMOVE;
}

void
lv_xmpp_account_identity_set(LvXmppAccount *account, const char *request_id, const char *nickname,
                             const char *description)
{
    Job *job = job_new(account, request_id);

    job->nickname = g_strdup(nickname);
    job->description = g_strdup(description);
    lv_xmpp_account_invoke(account, do_identity_set, job, NULL);
}
