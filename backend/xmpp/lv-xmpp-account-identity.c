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
#include "lv-xmpp-identity-private.h"
#include "lv-xmpp-identity.h"
#include "lv-xmpp-iq.h"
#include "lv-xmpp-presence.h"

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

gsize
lv_xmpp_identity_max_size(void)
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
void
lv_xmpp_identity_notify(LvXmppAccount *account, const char *entity, const char *name,
                        const char *json)
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
char *
lv_xmpp_identity_avatar_json(const char *id, const char *media_type)
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

char *
lv_xmpp_identity_strings_json(const char *const *values)
{
    g_autoptr(JsonBuilder) builder = json_builder_new();

    json_builder_begin_array(builder);
    for (guint i = 0; values != NULL && values[i] != NULL; i++)
        json_builder_add_string_value(builder, values[i]);
    json_builder_end_array(builder);
    g_autoptr(JsonNode) root = json_builder_get_root(builder);
    return json_to_string(root, FALSE);
}

char *
lv_xmpp_identity_string_json(const char *value)
{
    g_autoptr(JsonNode) node = json_node_init_string(json_node_alloc(), value);

    return json_to_string(node, FALSE);
}

/* ---- the cache ---- */

/* Writes checked bytes under their id: a temporary file renamed over, so that a
 * reader sees the whole file or none. */
gboolean
lv_xmpp_identity_cache_write(GBytes *bytes, const char *id, GError **error)
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

static void
identity_state_free(gpointer data)
{
    IdentityState *state = data;

    g_hash_table_unref(state->pep);
    g_hash_table_unref(state->hashes);
    g_free(state->own_hash);
    g_free(state);
}

IdentityState *
lv_xmpp_identity_state(LvXmppAccount *account)
{
    return account->identity;
}

/* ---- fetching an avatar ---- */

void
lv_xmpp_identity_fetch_free(gpointer data)
{
    Fetch *fetch = data;

    g_free(fetch->entity);
    g_free(fetch->expected);
    lv_xmpp_avatar_info_free(fetch->info);
    g_free(fetch->request_id);
    g_free(fetch->roster_name);
    g_strfreev(fetch->filter);
    g_strfreev(fetch->nicknames);
    g_free(fetch->description);
    g_free(fetch);
}

/* Ends @fetch: the avatar is known (@json) or could not be had (@error). */
static void
fetch_end(LvXmppAccount *account, Fetch *fetch, const char *json, const GError *error)
{
    if (json != NULL)
        lv_xmpp_identity_notify(account, fetch->entity, "avatar", json);
    else
        g_message("%s: no avatar for %s: %s", account->profile, fetch->entity, error->message);
    fetch->done(account, fetch, json, error);
    lv_xmpp_identity_fetch_free(fetch);
}

/* Checks and caches @bytes (NULL: @error says why) as the avatar @id of @fetch. */
static void
fetch_take_bytes(LvXmppAccount *account, Fetch *fetch, GBytes *bytes, const char *id, GError *error)
{
    const char *type = NULL;
    g_autofree char *computed = bytes != NULL && id == NULL ? lv_xmpp_avatar_sha1(bytes) : NULL;

    if (bytes != NULL && lv_xmpp_avatar_check(bytes, id, &type, &error) &&
        lv_xmpp_identity_cache_write(bytes, id != NULL ? id : computed, &error)) {
        g_autofree char *json = lv_xmpp_identity_avatar_json(id != NULL ? id : computed, type);
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

void
lv_xmpp_identity_request(LvXmppAccount *account, xmpp_stanza_t *iq, LvXmppIqFunc func,
                         gpointer data, GDestroyNotify free_data)
{
    Hold *hold = g_new0(Hold, 1);

    hold->func = func;
    hold->data = data;
    hold->free = free_data;
    lv_xmpp_iq_request(account, iq, hold_call, hold, hold_free);
    xmpp_stanza_release(iq);
}

xmpp_stanza_t *
lv_xmpp_identity_items_request(LvXmppAccount *account, const char *to, const char *node,
                               const char *item_id)
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
xmpp_stanza_t *
lv_xmpp_identity_first_payload(xmpp_stanza_t *items, const char **item_id)
{
    xmpp_stanza_t *item = items != NULL ? xmpp_stanza_get_child_by_name(items, "item") : NULL;
    xmpp_stanza_t *payload = item != NULL ? xmpp_stanza_get_children(item) : NULL;

    while (payload != NULL && !xmpp_stanza_is_tag(payload))
        payload = xmpp_stanza_get_next(payload);
    if (item_id != NULL)
        *item_id = item != NULL ? xmpp_stanza_get_attribute(item, "id") : NULL;
    return payload;
}

xmpp_stanza_t *
lv_xmpp_identity_result_items(xmpp_stanza_t *reply)
{
    xmpp_stanza_t *pubsub = reply != NULL ? xmpp_stanza_get_child_by_ns(reply, NS_PUBSUB) : NULL;

    return pubsub != NULL ? xmpp_stanza_get_child_by_name(pubsub, "items") : NULL;
}

static void fetch_vcard(LvXmppAccount *account, Fetch *fetch);

static void
on_data(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error, gpointer user_data)
{
    Fetch *fetch = user_data;
    xmpp_stanza_t *data =
            lv_xmpp_identity_first_payload(lv_xmpp_identity_result_items(reply), NULL);
    GError *bad = NULL;
    g_autoptr(GBytes) bytes = NULL;

    if (data == NULL || g_strcmp0(xmpp_stanza_get_ns(data), LV_NS_AVATAR_DATA) != 0) {
        bad = error != NULL ? g_error_copy(error)
                            : g_error_new(LV_ERROR, LV_ERROR_NOT_FOUND,
                                          "the avatar metadata of %s points to no data item",
                                          fetch->entity);
    } else {
        bytes = lv_xmpp_avatar_parse_data(data, lv_xmpp_identity_max_size(), &bad);
    }
    g_autofree char *id = g_strdup(fetch->info->id);
    fetch_take_bytes(account, fetch, bytes, id, bad);
}

/* Fetches the data item of the metadata @fetch->info, unless it is cached. */
static void
fetch_data(LvXmppAccount *account, Fetch *fetch)
{
    const LvXmppAvatarInfo *info = fetch->info;

    if (info->bytes > lv_xmpp_identity_max_size()) {
        g_autoptr(GError) error =
                g_error_new(LV_ERROR, LV_ERROR_DATA,
                            "the avatar of %s is too big: %" G_GUINT64_FORMAT " bytes, the limit "
                            "is %" G_GSIZE_FORMAT " (avatar_max_size)",
                            fetch->entity, info->bytes, lv_xmpp_identity_max_size());
        g_warning("%s: %s", account->profile, error->message);
        fetch_end(account, fetch, NULL, error);
        return;
    }
    const char *type = cached_type(info->id);
    if (type != NULL) {
        g_autofree char *json = lv_xmpp_identity_avatar_json(info->id, type);
        fetch_end(account, fetch, json, NULL);
        return;
    }
    xmpp_stanza_t *iq =
            lv_xmpp_identity_items_request(account, fetch->entity, LV_NS_AVATAR_DATA, info->id);
    lv_xmpp_identity_request(account, iq, on_data, fetch, lv_xmpp_identity_fetch_free);
}

/* A metadata item (or event payload) of @fetch's entity. */
static void
fetch_metadata_payload(LvXmppAccount *account, Fetch *fetch, xmpp_stanza_t *metadata)
{
    g_autoptr(GError) error = NULL;
    gboolean disabled = FALSE;
    IdentityState *state = lv_xmpp_identity_state(account);

    fetch->info =
            metadata != NULL ? lv_xmpp_avatar_parse_metadata(metadata, &disabled, &error) : NULL;
    if (state != NULL && (fetch->info != NULL || disabled)) {
        const char *id = fetch->info != NULL ? fetch->info->id : "";
        g_hash_table_replace(state->pep, g_strdup(fetch->entity), g_strdup(id));
        /* Our own, published from here or another device: for our next presence. */
        if (g_strcmp0(fetch->entity, account->own_bare) == 0) {
            g_free(state->own_hash);
            state->own_hash = g_strdup(id);
        }
    }
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
    xmpp_stanza_t *metadata =
            lv_xmpp_identity_first_payload(lv_xmpp_identity_result_items(reply), NULL);

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
            vcard != NULL
                    ? lv_xmpp_avatar_parse_vcard_photo(vcard, lv_xmpp_identity_max_size(), &bad)
                    : NULL;

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
    lv_xmpp_identity_request(account, iq, on_vcard, fetch, lv_xmpp_identity_fetch_free);
}

void
lv_xmpp_identity_fetch_start(LvXmppAccount *account, Fetch *fetch)
{
    if (fetch->vcard_only) {
        fetch_vcard(account, fetch);
        return;
    }
    if (fetch->info != NULL) {
        fetch_data(account, fetch);
        return;
    }
    xmpp_stanza_t *iq =
            lv_xmpp_identity_items_request(account, fetch->entity, LV_NS_AVATAR_METADATA, NULL);
    lv_xmpp_identity_request(account, iq, on_metadata, fetch, lv_xmpp_identity_fetch_free);
}

Fetch *
lv_xmpp_identity_fetch_new(const char *entity, FetchDone done, const char *request_id)
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

void
lv_xmpp_identity_done_reply(LvXmppAccount *account, Fetch *fetch, const char *json,
                            const GError *error)
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
    xmpp_stanza_t *nick = lv_xmpp_identity_first_payload(items, NULL);
    char *text = nick != NULL && g_strcmp0(xmpp_stanza_get_ns(nick), NS_NICK) == 0
                         ? xmpp_stanza_get_text(nick)
                         : NULL;

    if (text != NULL && g_utf8_validate(text, -1, NULL) && text[0] != '\0') {
        const char *const list[] = { text, NULL };
        g_autofree char *json = lv_xmpp_identity_strings_json(list);
        lv_xmpp_identity_notify(account, entity, "nicknames", json);
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

    if (entity == NULL || lv_xmpp_identity_state(account) == NULL)
        return 1;
    if (g_str_equal(node, LV_NS_AVATAR_METADATA)) {
        xmpp_stanza_t *metadata = lv_xmpp_identity_first_payload(items, NULL);
        if (metadata == NULL || g_strcmp0(xmpp_stanza_get_ns(metadata), LV_NS_AVATAR_METADATA))
            return 1; /* a retraction, or no payload: nothing to read */
        Fetch *fetch = lv_xmpp_identity_fetch_new(entity, done_nothing, NULL);
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
    IdentityState *state = lv_xmpp_identity_state(account);
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
        lv_xmpp_identity_notify(account, entity, "avatar", "null");
        return 1;
    }
    if (!lv_xmpp_avatar_id_valid(hash)) {
        g_message("%s: %s announces an avatar hash that is no SHA-1: ignored", account->profile,
                  entity);
        return 1;
    }
    Fetch *fetch = lv_xmpp_identity_fetch_new(entity, done_nothing, NULL);
    fetch->expected = g_ascii_strdown(hash, -1);
    const char *type = cached_type(fetch->expected);
    if (type != NULL) {
        g_autofree char *json = lv_xmpp_identity_avatar_json(fetch->expected, type);
        fetch_end(account, fetch, json, NULL);
        return 1;
    }
    fetch->vcard_only = TRUE;
    lv_xmpp_identity_fetch_start(account, fetch);
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
    IdentityState *state = lv_xmpp_identity_state(account);

    if (state == NULL || state->own_hash == NULL || xmpp_stanza_get_type(presence) != NULL)
        return;
    lv_xmpp_avatar_add_presence_hash(presence, state->own_hash);
}
