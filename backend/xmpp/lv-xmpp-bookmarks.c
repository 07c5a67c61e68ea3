/* lv-xmpp-bookmarks: bookmark stanzas, parsed and built (see the header). */
#include "lv-xmpp-bookmarks.h"

#include <string.h>

#include "lv-error.h"
#include "lv-jid.h"

#define NS_DATA "jabber:x:data"
/* Kept <extensions/> are bounded: what we publish back stays sane. */
#define EXTENSIONS_MAX_BYTES (64 * 1024)
#define EXTENSIONS_MAX_DEPTH 32

void
lv_xmpp_bookmark_free(LvXmppBookmark *bookmark)
{
    if (bookmark == NULL)
        return;
    g_free(bookmark->location);
    g_free(bookmark->name);
    g_free(bookmark->nick);
    g_free(bookmark->password);
    g_free(bookmark->extensions);
    g_free(bookmark);
}

LvXmppBookmark *
lv_xmpp_bookmark_copy(const LvXmppBookmark *bookmark)
{
    LvXmppBookmark *copy = g_new0(LvXmppBookmark, 1);

    copy->type = bookmark->type;
    copy->location = g_strdup(bookmark->location);
    copy->name = g_strdup(bookmark->name);
    copy->nick = g_strdup(bookmark->nick);
    copy->password = g_strdup(bookmark->password);
    copy->autojoin = bookmark->autojoin;
    copy->extensions = g_strdup(bookmark->extensions);
    return copy;
}

gboolean
lv_xmpp_bookmark_type_parse(const char *text, LvXmppBookmarkType *type)
{
    if (g_strcmp0(text, "muc") == 0)
        *type = LV_XMPP_BOOKMARK_MUC;
    else if (g_strcmp0(text, "url") == 0)
        *type = LV_XMPP_BOOKMARK_URL;
    else
        return FALSE;
    return TRUE;
}

const char *
lv_xmpp_bookmark_type_name(LvXmppBookmarkType type)
{
    return type == LV_XMPP_BOOKMARK_MUC ? "muc" : "url";
}

/* XML Schema booleans (XEP-0402 §3, XEP-0048 §3.2). */
static gboolean
parse_bool(const char *text)
{
    return g_strcmp0(text, "true") == 0 || g_strcmp0(text, "1") == 0;
}

char *
lv_xmpp_bookmark_dup_room(const char *location, GError **error)
{
    g_autoptr(LvJid) jid = lv_jid_parse(location, error);

    if (jid == NULL)
        return NULL;
    if (lv_jid_get_local(jid) == NULL || lv_jid_get_resource(jid) != NULL) {
        g_set_error(error, LV_ERROR, LV_ERROR_DATA, "%s is not a room's bare JID (room@service)",
                    location);
        return NULL;
    }
    return lv_jid_dup_bare(jid);
}

static char *
lookup_dup(GVariant *data, const char *key)
{
    const char *value = NULL;

    return g_variant_lookup(data, key, "&s", &value) && value[0] != '\0' ? g_strdup(value) : NULL;
}

LvXmppBookmark *
lv_xmpp_bookmark_new_from_data(const char *type, const char *location, GVariant *data,
                               GError **error)
{
    g_autoptr(GVariant) held = data != NULL ? g_variant_ref_sink(data) : NULL;
    g_autoptr(LvXmppBookmark) bookmark = g_new0(LvXmppBookmark, 1);

    if (!lv_xmpp_bookmark_type_parse(type, &bookmark->type)) {
        g_set_error(error, LV_ERROR, LV_ERROR_DATA, "unknown bookmark type \"%s\" (muc or url)",
                    type);
        return NULL;
    }
    if (bookmark->type == LV_XMPP_BOOKMARK_URL) {
        if (location == NULL || location[0] == '\0' || !g_utf8_validate(location, -1, NULL)) {
            g_set_error_literal(error, LV_ERROR, LV_ERROR_DATA, "a URL bookmark needs a URL");
            return NULL;
        }
        if (data != NULL && (g_variant_lookup(data, "autojoin", "&s", NULL) ||
                             g_variant_lookup(data, "nick", "&s", NULL))) {
            g_set_error_literal(error, LV_ERROR, LV_ERROR_DATA,
                                "autojoin or nick can't be used with URLs");
            return NULL;
        }
        bookmark->location = g_strdup(location);
    } else {
        bookmark->location = lv_xmpp_bookmark_dup_room(location, error);
        if (bookmark->location == NULL)
            return NULL;
    }
    if (data != NULL) {
        const char *autojoin = NULL;
        bookmark->name = lookup_dup(data, "name");
        bookmark->nick = lookup_dup(data, "nick");
        bookmark->password = lookup_dup(data, "password");
        bookmark->autojoin =
                g_variant_lookup(data, "autojoin", "&s", &autojoin) && parse_bool(autojoin);
    }
    return g_steal_pointer(&bookmark);
}

/* ---- parsing ---- */

/* The text of @parent's child @name (in @parent's namespace) (transfer full). */
static char *
child_text(xmpp_stanza_t *parent, const char *name)
{
    xmpp_stanza_t *child = xmpp_stanza_get_child_by_name(parent, name);
    char *raw = child != NULL ? xmpp_stanza_get_text(child) : NULL;

    if (raw == NULL)
        return NULL;
    char *text = raw[0] != '\0' ? g_strdup(raw) : NULL;
    xmpp_free(xmpp_stanza_get_context(parent), raw);
    return text;
}

static gboolean
depth_within(xmpp_stanza_t *stanza, int left)
{
    if (left <= 0)
        return FALSE;
    for (xmpp_stanza_t *c = xmpp_stanza_get_children(stanza); c != NULL;
         c = xmpp_stanza_get_next(c)) {
        if (xmpp_stanza_is_tag(c) && !depth_within(c, left - 1))
            return FALSE;
    }
    return TRUE;
}

/* <extensions/> serialised, to publish it back unchanged; NULL if absent or out
 * of bounds (then logged). */
static char *
keep_extensions(xmpp_stanza_t *conference, const char *room, const char *profile)
{
    xmpp_stanza_t *extensions = xmpp_stanza_get_child_by_name(conference, "extensions");
    char *buffer = NULL;
    size_t length = 0;

    if (extensions == NULL)
        return NULL;
    if (!depth_within(extensions, EXTENSIONS_MAX_DEPTH) ||
        xmpp_stanza_to_text(extensions, &buffer, &length) != XMPP_EOK) {
        g_message("%s: the extensions of bookmark %s are nested too deep: not kept", profile, room);
        return NULL;
    }
    char *kept = length <= EXTENSIONS_MAX_BYTES ? g_strndup(buffer, length) : NULL;
    if (kept == NULL)
        g_message("%s: the extensions of bookmark %s are too big (%zu bytes): not kept", profile,
                  room, length);
    xmpp_free(xmpp_stanza_get_context(conference), buffer);
    return kept;
}

static LvXmppBookmark *
parse_pep_item(xmpp_stanza_t *item, const char *profile, GError **error)
{
    xmpp_stanza_t *conference =
            xmpp_stanza_get_child_by_name_and_ns(item, "conference", LV_NS_BOOKMARKS2);
    const char *id = xmpp_stanza_get_id(item);

    if (id == NULL) {
        g_set_error_literal(error, LV_ERROR, LV_ERROR_DATA, "an item without id (the room JID)");
        return NULL;
    }
    if (conference == NULL) {
        g_set_error(error, LV_ERROR, LV_ERROR_DATA, "item %s has no <conference/>", id);
        return NULL;
    }
    g_autofree char *room = lv_xmpp_bookmark_dup_room(id, error);
    if (room == NULL)
        return NULL;
    LvXmppBookmark *bookmark = g_new0(LvXmppBookmark, 1);
    bookmark->type = LV_XMPP_BOOKMARK_MUC;
    bookmark->location = g_steal_pointer(&room);
    bookmark->name = g_strdup(xmpp_stanza_get_attribute(conference, "name"));
    bookmark->autojoin = parse_bool(xmpp_stanza_get_attribute(conference, "autojoin"));
    bookmark->nick = child_text(conference, "nick");
    bookmark->password = child_text(conference, "password");
    bookmark->extensions = keep_extensions(conference, bookmark->location, profile);
    return bookmark;
}

LvXmppBookmark *
lv_xmpp_bookmarks_parse_pep_item(xmpp_stanza_t *item, const char *profile, GError **error)
{
    return parse_pep_item(item, profile, error);
}

GPtrArray *
lv_xmpp_bookmarks_parse_pep_items(xmpp_stanza_t *items, const char *profile)
{
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)lv_xmpp_bookmark_free);
    gboolean capped = FALSE;

    for (xmpp_stanza_t *c = items != NULL ? xmpp_stanza_get_children(items) : NULL; c != NULL;
         c = xmpp_stanza_get_next(c)) {
        g_autoptr(GError) error = NULL;
        if (!xmpp_stanza_is_tag(c) || g_strcmp0(xmpp_stanza_get_name(c), "item") != 0)
            continue;
        if (out->len >= LV_XMPP_BOOKMARKS_MAX) {
            capped = TRUE;
            break;
        }
        LvXmppBookmark *bookmark = parse_pep_item(c, profile, &error);
        if (bookmark == NULL)
            g_message("%s: bookmark skipped: %s", profile, error->message);
        else
            g_ptr_array_add(out, bookmark);
    }
    if (capped)
        g_message("%s: more than %d bookmarks: the rest are skipped", profile,
                  LV_XMPP_BOOKMARKS_MAX);
    return out;
}

static LvXmppBookmark *
parse_storage_element(xmpp_stanza_t *element, GError **error)
{
    const char *name = xmpp_stanza_get_name(element);
    g_autoptr(LvXmppBookmark) bookmark = g_new0(LvXmppBookmark, 1);

    if (g_strcmp0(name, "conference") == 0) {
        const char *jid = xmpp_stanza_get_attribute(element, "jid");
        if (jid == NULL) {
            g_set_error_literal(error, LV_ERROR, LV_ERROR_DATA, "a <conference/> without jid");
            return NULL;
        }
        bookmark->location = lv_xmpp_bookmark_dup_room(jid, error);
        if (bookmark->location == NULL)
            return NULL;
        bookmark->type = LV_XMPP_BOOKMARK_MUC;
        bookmark->autojoin = parse_bool(xmpp_stanza_get_attribute(element, "autojoin"));
        bookmark->nick = child_text(element, "nick");
        bookmark->password = child_text(element, "password");
    } else {
        const char *url = xmpp_stanza_get_attribute(element, "url");
        if (url == NULL || url[0] == '\0') {
            g_set_error_literal(error, LV_ERROR, LV_ERROR_DATA, "a <url/> without url");
            return NULL;
        }
        bookmark->type = LV_XMPP_BOOKMARK_URL;
        bookmark->location = g_strdup(url);
    }
    bookmark->name = g_strdup(xmpp_stanza_get_attribute(element, "name"));
    return g_steal_pointer(&bookmark);
}

GPtrArray *
lv_xmpp_bookmarks_parse_storage(xmpp_stanza_t *storage, const char *profile)
{
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)lv_xmpp_bookmark_free);

    for (xmpp_stanza_t *c = storage != NULL ? xmpp_stanza_get_children(storage) : NULL; c != NULL;
         c = xmpp_stanza_get_next(c)) {
        g_autoptr(GError) error = NULL;
        const char *name = xmpp_stanza_is_tag(c) ? xmpp_stanza_get_name(c) : NULL;
        if (g_strcmp0(name, "conference") != 0 && g_strcmp0(name, "url") != 0)
            continue;
        if (out->len >= LV_XMPP_BOOKMARKS_MAX) {
            g_message("%s: more than %d bookmarks: the rest are skipped", profile,
                      LV_XMPP_BOOKMARKS_MAX);
            break;
        }
        LvXmppBookmark *bookmark = parse_storage_element(c, &error);
        if (bookmark == NULL)
            g_message("%s: bookmark skipped: %s", profile, error->message);
        else
            g_ptr_array_add(out, bookmark);
    }
    return out;
}

/* ---- building ---- */

static xmpp_stanza_t *
add_child(xmpp_stanza_t *parent, const char *name, const char *ns)
{
    xmpp_stanza_t *child = xmpp_stanza_new(xmpp_stanza_get_context(parent));

    xmpp_stanza_set_name(child, name);
    if (ns != NULL)
        xmpp_stanza_set_ns(child, ns);
    xmpp_stanza_add_child(parent, child);
    xmpp_stanza_release(child);
    return child;
}

static void
add_text_child(xmpp_stanza_t *parent, const char *name, const char *text)
{
    xmpp_stanza_t *child = add_child(parent, name, NULL);
    xmpp_stanza_t *node = xmpp_stanza_new(xmpp_stanza_get_context(parent));

    xmpp_stanza_set_text(node, text);
    xmpp_stanza_add_child(child, node);
    xmpp_stanza_release(node);
}

xmpp_stanza_t *
lv_xmpp_bookmarks_build_pep_item(xmpp_ctx_t *ctx, const LvXmppBookmark *bookmark)
{
    xmpp_stanza_t *item = xmpp_stanza_new(ctx);

    xmpp_stanza_set_name(item, "item");
    xmpp_stanza_set_id(item, bookmark->location);
    xmpp_stanza_t *conference = add_child(item, "conference", LV_NS_BOOKMARKS2);
    if (bookmark->name != NULL)
        xmpp_stanza_set_attribute(conference, "name", bookmark->name);
    xmpp_stanza_set_attribute(conference, "autojoin", bookmark->autojoin ? "true" : "false");
    if (bookmark->nick != NULL)
        add_text_child(conference, "nick", bookmark->nick);
    if (bookmark->password != NULL)
        add_text_child(conference, "password", bookmark->password);
    xmpp_stanza_t *extensions = bookmark->extensions != NULL
                                        ? xmpp_stanza_new_from_string(ctx, bookmark->extensions)
                                        : NULL;
    if (extensions != NULL) {
        xmpp_stanza_add_child(conference, extensions);
        xmpp_stanza_release(extensions);
    }
    return item;
}

static void
add_field(xmpp_stanza_t *form, const char *var, const char *type, const char *value)
{
    xmpp_stanza_t *field = add_child(form, "field", NULL);

    xmpp_stanza_set_attribute(field, "var", var);
    if (type != NULL)
        xmpp_stanza_set_attribute(field, "type", type);
    add_text_child(field, "value", value);
}

xmpp_stanza_t *
lv_xmpp_bookmarks_build_publish_options(xmpp_ctx_t *ctx)
{
    xmpp_stanza_t *options = xmpp_stanza_new(ctx);

    xmpp_stanza_set_name(options, "publish-options");
    xmpp_stanza_t *form = add_child(options, "x", NS_DATA);
    xmpp_stanza_set_type(form, "submit");
    add_field(form, "FORM_TYPE", "hidden", "http://jabber.org/protocol/pubsub#publish-options");
    add_field(form, "pubsub#persist_items", NULL, "true");
    add_field(form, "pubsub#max_items", NULL, "max");
    add_field(form, "pubsub#send_last_published_item", NULL, "never");
    add_field(form, "pubsub#access_model", NULL, "whitelist");
    return options;
}

/* TRUE if @element of a <storage/> is the bookmark of @type at @location. */
static gboolean
storage_element_is(xmpp_stanza_t *element, LvXmppBookmarkType type, const char *location)
{
    const char *name = xmpp_stanza_is_tag(element) ? xmpp_stanza_get_name(element) : NULL;

    if (type == LV_XMPP_BOOKMARK_URL)
        return g_strcmp0(name, "url") == 0 &&
               g_strcmp0(xmpp_stanza_get_attribute(element, "url"), location) == 0;
    if (g_strcmp0(name, "conference") != 0)
        return FALSE;
    g_autofree char *room =
            lv_xmpp_bookmark_dup_room(xmpp_stanza_get_attribute(element, "jid"), NULL);
    return g_strcmp0(room, location) == 0;
}

static void
add_storage_element(xmpp_stanza_t *storage, const LvXmppBookmark *bookmark)
{
    gboolean muc = bookmark->type == LV_XMPP_BOOKMARK_MUC;
    xmpp_stanza_t *element = add_child(storage, muc ? "conference" : "url", NULL);

    xmpp_stanza_set_attribute(element, muc ? "jid" : "url", bookmark->location);
    if (bookmark->name != NULL)
        xmpp_stanza_set_attribute(element, "name", bookmark->name);
    if (!muc)
        return;
    xmpp_stanza_set_attribute(element, "autojoin", bookmark->autojoin ? "true" : "false");
    if (bookmark->nick != NULL)
        add_text_child(element, "nick", bookmark->nick);
    if (bookmark->password != NULL)
        add_text_child(element, "password", bookmark->password);
}

xmpp_stanza_t *
lv_xmpp_bookmarks_storage_edit(xmpp_ctx_t *ctx, xmpp_stanza_t *storage, LvXmppBookmarkType type,
                               const char *location, const LvXmppBookmark *bookmark,
                               gboolean *found)
{
    xmpp_stanza_t *edited = xmpp_stanza_new(ctx);

    *found = FALSE;
    xmpp_stanza_set_name(edited, "storage");
    xmpp_stanza_set_ns(edited, LV_NS_BOOKMARKS);
    /* libstrophe 0.12 cannot remove a child: copy all the others. */
    for (xmpp_stanza_t *c = storage != NULL ? xmpp_stanza_get_children(storage) : NULL; c != NULL;
         c = xmpp_stanza_get_next(c)) {
        if (storage_element_is(c, type, location)) {
            *found = TRUE;
            continue;
        }
        xmpp_stanza_t *copy = xmpp_stanza_copy(c);
        xmpp_stanza_add_child(edited, copy);
        xmpp_stanza_release(copy);
    }
    if (bookmark != NULL)
        add_storage_element(edited, bookmark);
    return edited;
}

/* ---- to and from the bridge ---- */

GVariant *
lv_xmpp_bookmarks_to_variant(GPtrArray *bookmarks, LvXmppBookmarkType type)
{
    GVariantBuilder dict;

    g_variant_builder_init(&dict, G_VARIANT_TYPE("a{sa{ss}}"));
    for (guint i = 0; bookmarks != NULL && i < bookmarks->len; i++) {
        const LvXmppBookmark *bookmark = bookmarks->pdata[i];
        GVariantBuilder data;
        if (bookmark->type != type)
            continue;
        g_variant_builder_init(&data, G_VARIANT_TYPE("a{ss}"));
        if (bookmark->name != NULL)
            g_variant_builder_add(&data, "{ss}", "name", bookmark->name);
        if (type == LV_XMPP_BOOKMARK_MUC) {
            g_variant_builder_add(&data, "{ss}", "autojoin", bookmark->autojoin ? "true" : "false");
            if (bookmark->nick != NULL)
                g_variant_builder_add(&data, "{ss}", "nick", bookmark->nick);
        }
        g_variant_builder_add(&dict, "{sa{ss}}", bookmark->location, &data);
    }
    return g_variant_builder_end(&dict);
}

GPtrArray *
lv_xmpp_bookmarks_from_variant(GVariant *dict, LvXmppBookmarkType type)
{
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)lv_xmpp_bookmark_free);
    GVariantIter iter;
    const char *location = NULL;
    GVariant *data = NULL;

    if (dict == NULL)
        return out;
    g_variant_iter_init(&iter, dict);
    while (g_variant_iter_next(&iter, "{&s@a{ss}}", &location, &data)) {
        g_autoptr(GError) error = NULL;
        LvXmppBookmark *bookmark = lv_xmpp_bookmark_new_from_data(lv_xmpp_bookmark_type_name(type),
                                                                  location, data, &error);
        if (bookmark != NULL)
            g_ptr_array_add(out, bookmark);
        else
            g_message("local bookmark skipped: %s", error->message);
        g_variant_unref(data);
    }
    return out;
}

/* ---- autojoin ---- */

void
lv_xmpp_autojoin_free(LvXmppAutojoin *join)
{
    if (join == NULL)
        return;
    g_free(join->room);
    g_free(join->nick);
    g_free(join->password);
    g_free(join);
}

/* Libervia's default nick: the local part of our JID (the domain for an account
 * without one). */
static char *
default_nick(const char *own_bare)
{
    g_autoptr(LvJid) jid = lv_jid_parse(own_bare, NULL);

    if (jid == NULL)
        return g_strdup(own_bare);
    return g_strdup(lv_jid_get_local(jid) != NULL ? lv_jid_get_local(jid) : lv_jid_get_domain(jid));
}

GPtrArray *
lv_xmpp_bookmarks_autojoin(GPtrArray *const *sets, guint n_sets, const char *own_bare)
{
    GPtrArray *joins = g_ptr_array_new_with_free_func((GDestroyNotify)lv_xmpp_autojoin_free);
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    g_autofree char *fallback = default_nick(own_bare);

    for (guint s = 0; s < n_sets; s++) {
        for (guint i = 0; sets[s] != NULL && i < sets[s]->len; i++) {
            const LvXmppBookmark *bookmark = sets[s]->pdata[i];
            if (bookmark->type != LV_XMPP_BOOKMARK_MUC || !bookmark->autojoin ||
                !g_hash_table_add(seen, bookmark->location))
                continue;
            LvXmppAutojoin *join = g_new0(LvXmppAutojoin, 1);
            join->room = g_strdup(bookmark->location);
            join->nick = g_strdup(bookmark->nick != NULL ? bookmark->nick : fallback);
            join->password = g_strdup(bookmark->password);
            g_ptr_array_add(joins, join);
        }
    }
    return joins;
}
