/* lv-xmpp-presence: presence stanzas (RFC 6121 §4) to bridge values and back. Pure
 * functions of stanzas, for the account thread and the tests. */
#pragma once

#include <glib.h>
#include <strophe.h>

G_BEGIN_DECLS

/* An available or unavailable presence as Libervia's presenceUpdate carries it:
 * (s entity, s show, i priority, a{ss} statuses); show is "" for plain available,
 * "away", "chat", "dnd", "xa", or "unavailable"; statuses are keyed by language,
 * "default" without one. NULL for other types (subscriptions, errors, probes) and
 * for a sender that is not a valid JID (transfer full, floating). */
GVariant *lv_xmpp_presence_parse(xmpp_stanza_t *presence);

/* A subscription presence (RFC 6121 §3) as Libervia's subscribe signal carries it:
 * (s type, s entity) with type "subscribe", "subscribed", "unsubscribe" or
 * "unsubscribed" and entity the sender's bare JID (normalised). NULL for other
 * types and for a missing or invalid sender (transfer full, floating). */
GVariant *lv_xmpp_presence_parse_subscription(xmpp_stanza_t *presence);

/* TRUE if @type is one of the four subscription types above. */
gboolean lv_xmpp_presence_is_subscription_type(const char *type);

/* A presence to send: @to NULL for broadcast; @show as above ("" available);
 * @statuses a{ss} by language ("default": no xml:lang) (transfer full). */
xmpp_stanza_t *lv_xmpp_presence_build(xmpp_ctx_t *ctx, const char *to, const char *show,
                                      int priority, GVariant *statuses);

G_END_DECLS
