/* lv-xmpp-blocking: XEP-0191 blocking command: blocklist items parsed, block and
 * unblock requests built, and the matching of a sender against the blocklist.
 * Pure functions (the account thread calls them, the tests too).
 *
 * The requests the main context sends to an account's thread (the bridge
 * methods, answered by an LV_XMPP_EVENT_REPLY with the request id) are declared
 * here too (lv-xmpp-account-blocking.c).
 */
#pragma once

#include <glib.h>
#include <strophe.h>

#include "lv-xmpp-account.h"

G_BEGIN_DECLS

#define LV_NS_BLOCKING "urn:xmpp:blocking"

/* More blocked entities than this in one answer or push are hostile or broken:
 * the rest are skipped. */
#define LV_XMPP_BLOCKING_MAX 10000

/* The normalised JIDs of the <item jid/> children of @parent (a <blocklist/>,
 * <block/> or <unblock/>; may be NULL) (transfer full: char*). Items without a
 * JID that parses are skipped with a log line naming @profile. */
GPtrArray *lv_xmpp_blocking_parse_items(xmpp_stanza_t *parent, const char *profile);

/* A <@name xmlns='urn:xmpp:blocking'> ("block", "unblock") with one item per JID
 * of @jids (NULL-terminated, may be empty) (transfer full). */
xmpp_stanza_t *lv_xmpp_blocking_build(xmpp_ctx_t *ctx, const char *name, const char *const *jids);

/* TRUE if @jid (full or bare) is blocked by the set @blocked (normalised JID →
 * anything), as XEP-0191 §3.2 matches (the XEP-0016 order): the full JID, the
 * bare JID, the domain with the resource, or the domain itself. */
gboolean lv_xmpp_blocking_matches(GHashTable *blocked, const char *jid);

/* ---- requests to an account's thread, from the main context ---- */

/* blockingList: REPLY data (as), sorted. LV_ERROR_FEATURE_NOT_FOUND when the
 * server does not offer XEP-0191. */
void lv_xmpp_account_blocking_list(LvXmppAccount *account, const char *request_id);

/* blockingBlock (@block) or blockingUnblock of @jids (NULL-terminated, already
 * checked; an empty unblock unblocks everything, XEP-0191 §3.5): REPLY without
 * data once the server has answered. */
void lv_xmpp_account_blocking_change(LvXmppAccount *account, const char *request_id, gboolean block,
                                     const char *const *jids);

G_END_DECLS
