/* lv-xmpp-roster: roster stanzas (RFC 6121 §2) to bridge values. Pure functions
 * of a stanza: the account thread calls them, the tests and fuzzers too. */
#pragma once

#include <glib.h>
#include <strophe.h>

G_BEGIN_DECLS

#define LV_NS_ROSTER "jabber:iq:roster"
#define LV_NS_ROSTER_VER "urn:xmpp:features:rosterver"

/* The items of a roster <query/> as Libervia's getContacts returns them:
 * a(sa{ss}as) of (jid, {to, from, ask, name?, subscription}, groups). Items whose JID
 * does not parse are skipped with a log line (transfer full, floating). */
GVariant *lv_xmpp_roster_parse_query(xmpp_stanza_t *query);

/* TRUE if a roster result or push may come from @from for an account whose bare
 * JID is @own_bare: only the account itself (or the server on its behalf, which
 * leaves @from out) may change the roster. */
gboolean lv_xmpp_roster_sender_ok(const char *from, const char *own_bare);

/* Reads libstrophe's debug line @msg (area "xmpp"): TRUE if it shows the stream
 * features of an authenticated stream (the ones that offer resource binding), with
 * *@versioning set to whether they offer roster versioning (RFC 6121 §2.6.1).
 * libstrophe 0.12 gives no other access to the stream features. */
gboolean lv_xmpp_roster_features_from_log(const char *msg, gboolean *versioning);

G_END_DECLS
