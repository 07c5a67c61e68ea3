/* lv-roster: the rosters of the connected profiles on the main thread, beyond the
 * items themselves (lv-connections keeps one table per connection and answers
 * getContacts from it): applying the whole roster and the pushes with their
 * signals; the version (RFC 6121 §2.6) and what is kept of it in libervia.db
 * (lv-roster-cache), handed to the account thread with the connection settings;
 * the subscription requests waiting for an answer (§3), handled as Libervia does;
 * groups. One LvRoster per backend, owned by its LvConnections.
 */
#pragma once

#include "lv-backend.h"
#include "lv-xmpp-account.h"

G_BEGIN_DECLS

typedef struct _LvRoster LvRoster;

LvRoster *lv_roster_new(LvBackend *backend);
void lv_roster_free(LvRoster *roster);

/* A connection of @profile (stored as @profile_id) is about to be made with
 * @settings; @items is its roster (JID → GVariant (sa{ss}as)), owned by the caller
 * and kept by reference until lv_roster_closed(). For a new connection, or when
 * the account's JID changed, @items is filled with what libervia.db keeps; the
 * version of @items goes into @settings->roster_ver. */
void lv_roster_connecting(LvRoster *roster, const char *profile, gint64 profile_id,
                          GHashTable *items, LvXmppSettings *settings);

/* The connection of @profile is gone (the waiting requests stay). */
void lv_roster_closed(LvRoster *roster, const char *profile);

/* The events of @profile's account (lv-xmpp-account.h): the whole roster at @ver,
 * or (@items NULL) word that the one kept at @ver is current; a push; a
 * subscription presence (ss). */
void lv_roster_received(LvRoster *roster, const char *profile, const char *ver, GVariant *items);
void lv_roster_pushed(LvRoster *roster, const char *profile, const char *ver, GVariant *items);
void lv_roster_subscription_received(LvRoster *roster, const char *profile, GVariant *subscription);

/* The JIDs in the roster group @group, sorted (as) (transfer floating);
 * LV_ERROR_UNKNOWN_GROUP if no contact is in it (getContactsFromGroup). */
GVariant *lv_roster_get_group(LvRoster *roster, const char *profile, const char *group,
                              GError **error);

/* Sends a subscription presence of @type ("subscribe", "subscribed", "unsubscribe",
 * "unsubscribed") to the bare JID of @jid (the subscription method); an approval
 * or refusal answers a waiting request, and approving asks for the contact's
 * presence too unless we have it (as Libervia). LV_ERROR_DATA for another type or a
 * bad JID. */
gboolean lv_roster_subscription(LvRoster *roster, const char *profile, const char *type,
                                const char *jid, GError **error);

/* The subscription requests received and not answered yet, a{ss} bare JID →
 * "subscribe" (getWaitingSub): kept in memory while the backend runs, as Libervia
 * does, connected or not (servers send the pending ones again at each login)
 * (transfer floating). */
GVariant *lv_roster_get_waiting(LvRoster *roster, const char *profile);

/* Drops the version kept and asks for the whole roster (rosterResync);
 * @invocation is answered once it came. */
void lv_roster_resync(LvRoster *roster, const char *profile, LvInvocation *invocation);

G_END_DECLS
