/* lv-xmpp-caps: entity capabilities (XEP-0115).
 *
 * An entity announces in its presence a hash ("ver") of its disco#info; who
 * already knows the disco#info behind a ver needs not ask again. The hash is only
 * a claim: a result is trusted for a ver only once it hashes to that ver
 * (§5.4), otherwise one entity could make us believe anything about all those that
 * announce the same ver (cache poisoning). Only SHA-1 (the mandatory hash) is
 * understood.
 *
 * The pure functions are for the account threads and the tests; the cache of
 * verified results is shared by every account of the process, behind a lock.
 */
#pragma once

#include <glib.h>
#include <strophe.h>

G_BEGIN_DECLS

/* The §5.1 verification string of a disco#info <query/> (identities, features and
 * extended information forms, XEP-0128): base64 of its SHA-1 (transfer full).
 * NULL and LV_ERROR_DATA if §5.4 calls it ill-formed: two identical identities or
 * features, two forms of one FORM_TYPE, a FORM_TYPE with two different values.
 * Forms without a hidden FORM_TYPE are left out, as §5.4 says. */
char *lv_xmpp_caps_compute_ver(xmpp_stanza_t *query, GError **error);

/* Our own ver, from the feature table (lv-xmpp-features.h); @ctx is any libstrophe
 * context, used once (transfer none: the process keeps it). */
const char *lv_xmpp_caps_get_own_ver(xmpp_ctx_t *ctx);

/* Appends <c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node=@node
 * ver=@ver/> to @presence. */
void lv_xmpp_caps_add(xmpp_stanza_t *presence, const char *node, const char *ver);

/* The ver announced by @presence (transfer none: it points into @presence), or NULL
 * if it has no <c/> with hash sha-1 (legacy caps without a hash are ignored). */
const char *lv_xmpp_caps_parse(xmpp_stanza_t *presence);

/* ---- the process's cache: ver → disco#info ---- */

/* The disco#info known for @ver, as discoInfos returns it:
 * (asa(sss)a{sa(a{ss}as)}) (transfer full), or NULL. */
GVariant *lv_xmpp_caps_cache_lookup(const char *ver);

/* Keeps @info (a floating ref is sunk) for @ver, which the caller has checked is the
 * hash of the result @info comes from; the watcher is told on its context. */
void lv_xmpp_caps_cache_insert(const char *ver, GVariant *info);

/* Keeps @info for @ver without telling the watcher: for what the watcher itself
 * stored earlier. */
void lv_xmpp_caps_cache_load(const char *ver, GVariant *info);

/* Called on the watcher's context for each new entry (transfer none). */
typedef void (*LvXmppCapsCacheFunc)(const char *ver, GVariant *info, gpointer user_data);

/* Sets the one watcher (persistence): @func is called on @context for every
 * insertion from now on; @func NULL removes it (entries posted before and not yet
 * delivered are dropped). */
void lv_xmpp_caps_cache_watch(GMainContext *context, LvXmppCapsCacheFunc func, gpointer user_data);

/* Empties the cache (tests). */
void lv_xmpp_caps_cache_clear(void);

G_END_DECLS
