/* lv-xmpp-bookmarks: bookmarks of rooms and pages, as stanzas and back. Pure
 * functions (the account thread calls them, the tests and fuzzers too).
 *
 * Two server storages: XEP-0402 (one PEP item per room in node
 * urn:xmpp:bookmarks:1, item id = room JID), used when our account announces
 * urn:xmpp:bookmarks:1#compat; and XEP-0048 in private XML storage (XEP-0049:
 * one <storage xmlns='storage:bookmarks'/> holding every <conference/> and
 * <url/>). What the network sends is checked item by item: an item without a
 * usable JID, or past LV_XMPP_BOOKMARKS_MAX, is skipped with a log line.
 *
 * The requests the main context sends to an account's thread (the bridge
 * methods, answered by an LV_XMPP_EVENT_REPLY with the request id) are declared
 * here too (lv-xmpp-account-bookmarks.c).
 */
#pragma once

#include <glib.h>
#include <strophe.h>

#include "lv-xmpp-account.h"

G_BEGIN_DECLS

#define LV_NS_BOOKMARKS2 "urn:xmpp:bookmarks:1"
#define LV_NS_BOOKMARKS2_COMPAT "urn:xmpp:bookmarks:1#compat"
#define LV_NS_BOOKMARKS "storage:bookmarks"
#define LV_NS_PRIVATE "jabber:iq:private"
#define LV_NS_PUBSUB "http://jabber.org/protocol/pubsub"
#define LV_NS_PUBSUB_EVENT "http://jabber.org/protocol/pubsub#event"

/* More bookmarks than this in one answer are hostile or broken: the rest are
 * skipped. */
#define LV_XMPP_BOOKMARKS_MAX 5000

typedef enum {
    LV_XMPP_BOOKMARK_MUC,
    LV_XMPP_BOOKMARK_URL,
} LvXmppBookmarkType;

/* One bookmark (plain data carrier). */
typedef struct {
    LvXmppBookmarkType type;
    char *location; /* the room's bare JID (normalised) or the URL */
    char *name;     /* NULL: none */
    char *nick;     /* NULL: none */
    char *password; /* NULL: none; never given to the bridge */
    gboolean autojoin;
    char *extensions; /* XEP-0402 <extensions/> as received, to publish it back; NULL: none */
} LvXmppBookmark;

void lv_xmpp_bookmark_free(LvXmppBookmark *bookmark);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LvXmppBookmark, lv_xmpp_bookmark_free)
LvXmppBookmark *lv_xmpp_bookmark_copy(const LvXmppBookmark *bookmark);

/* "muc" or "url" to its type; FALSE for anything else. */
gboolean lv_xmpp_bookmark_type_parse(const char *text, LvXmppBookmarkType *type);
const char *lv_xmpp_bookmark_type_name(LvXmppBookmarkType type);

/* A bookmark from the bridge's arguments: @type "muc" or "url", @location a room
 * JID (must be bare; normalised) or a URL, @data (a{ss}: name, nick, autojoin
 * "true"/"false", password; a floating reference is sunk). NULL and LV_ERROR_DATA
 * saying why (transfer full);
 * autojoin and nick with a URL are refused, as in Libervia. */
LvXmppBookmark *lv_xmpp_bookmark_new_from_data(const char *type, const char *location,
                                               GVariant *data, GError **error);

/* The room JID of @location normalised (transfer full), NULL and LV_ERROR_DATA if
 * it is not a bare JID with a local part. */
char *lv_xmpp_bookmark_dup_room(const char *location, GError **error);

/* A XEP-0402 <item id='room'><conference/></item>. NULL and LV_ERROR_DATA when it
 * cannot be used (transfer full); log lines name @profile. */
LvXmppBookmark *lv_xmpp_bookmarks_parse_pep_item(xmpp_stanza_t *item, const char *profile,
                                                 GError **error);

/* The bookmarks (LvXmppBookmark*) of the <item/> children of @items (a pubsub
 * <items/>; may be NULL); bad items are skipped with a log line naming
 * @profile (transfer full). */
GPtrArray *lv_xmpp_bookmarks_parse_pep_items(xmpp_stanza_t *items, const char *profile);

/* The bookmarks of a XEP-0048 <storage/> (may be NULL), rooms and URLs (transfer
 * full). */
GPtrArray *lv_xmpp_bookmarks_parse_storage(xmpp_stanza_t *storage, const char *profile);

/* <item id='room'><conference xmlns='urn:xmpp:bookmarks:1' …/></item> for a room
 * bookmark, its <extensions/> put back as received (transfer full). */
xmpp_stanza_t *lv_xmpp_bookmarks_build_pep_item(xmpp_ctx_t *ctx, const LvXmppBookmark *bookmark);

/* The XEP-0402 §3 publish options: whitelist access, persistent items, max items
 * (transfer full). */
xmpp_stanza_t *lv_xmpp_bookmarks_build_publish_options(xmpp_ctx_t *ctx);

/* A copy of @storage (NULL: an empty one) where the element of @type at
 * @location is replaced by @bookmark, or removed when @bookmark is NULL; every
 * other element and attribute is kept as it was. *@found tells whether one was
 * there (transfer full). */
xmpp_stanza_t *lv_xmpp_bookmarks_storage_edit(xmpp_ctx_t *ctx, xmpp_stanza_t *storage,
                                              LvXmppBookmarkType type, const char *location,
                                              const LvXmppBookmark *bookmark, gboolean *found);

/* The bookmarks of @type in @bookmarks as bookmarksList gives them: a{sa{ss}}
 * location → {name, nick, autojoin "true"/"false"} (transfer floating). Passwords
 * are left out. */
GVariant *lv_xmpp_bookmarks_to_variant(GPtrArray *bookmarks, LvXmppBookmarkType type);

/* The rooms of a{sa{ss}} @dict (local bookmarks) as bookmarks; entries that do
 * not parse are skipped with a log line (transfer full). */
GPtrArray *lv_xmpp_bookmarks_from_variant(GVariant *dict, LvXmppBookmarkType type);

/* A room to join at connection (plain data carrier). */
typedef struct {
    char *room;
    char *nick;
    char *password; /* NULL: none */
} LvXmppAutojoin;

void lv_xmpp_autojoin_free(LvXmppAutojoin *join);

/* The rooms to join, from @n_sets lists of bookmarks (LvXmppBookmark*, NULL lists
 * allowed) in order of preference: every room bookmark with autojoin, once (the
 * first list that has it wins), with its nick or, without one, the local part of
 * @own_bare, as Libervia does (transfer full: LvXmppAutojoin*). */
GPtrArray *lv_xmpp_bookmarks_autojoin(GPtrArray *const *sets, guint n_sets, const char *own_bare);

/* ---- requests to an account's thread, from the main context ---- */

/* bookmarksList for @location "private", "pubsub" or "all" (the local ones are
 * @local, a{sa{ss}}, given by the caller and put in as they are): REPLY data
 * (a{sa{sa{ss}}}) with the three locations, empty where not asked or not
 * available. Floating refs are sunk. */
void lv_xmpp_account_bookmarks_list(LvXmppAccount *account, const char *request_id,
                                    LvXmppBookmarkType type, const char *location, GVariant *local);

/* bookmarksAdd of @bookmark (taken) to @location "pubsub", "private" or "auto"
 * (XEP-0402 for rooms if the account has it, else private storage). A REPLY with
 * no data, or an error: LV_ERROR_FEATURE_NOT_FOUND when the storage is not
 * offered (for "auto": neither is, the caller keeps it locally). */
void lv_xmpp_account_bookmarks_add(LvXmppAccount *account, const char *request_id,
                                   LvXmppBookmark *bookmark, const char *location);

/* bookmarksRemove of @location of @type from "private", "pubsub" or "all" (both);
 * a bookmark that is not there is no error, as in Libervia. */
void lv_xmpp_account_bookmarks_remove(LvXmppAccount *account, const char *request_id,
                                      LvXmppBookmarkType type, const char *location,
                                      const char *storage);

/* The local room bookmarks (a{sa{ss}}; floating refs are sunk), for the autojoin
 * of a new session. */
void lv_xmpp_account_bookmarks_set_local(LvXmppAccount *account, GVariant *local);

G_END_DECLS
