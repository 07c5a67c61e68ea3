/* lv-xmpp-iq: IQ requests whose replies are checked before anyone sees them.
 *
 * libstrophe 0.12 matches an IQ reply on its id alone, from any sender and of any
 * kind (CVE-2013-6483 is this bug class). Here a reply counts only if it is an
 * <iq/> of type result or error from the entity we asked; for a request to our own
 * account (no "to", or our bare JID), from no "from" or our bare JID (RFC 6120
 * §10.3.3). Anything else with the id is logged and dropped, and the request keeps
 * waiting. A request is answered exactly once: the reply, a timeout, or the end of
 * the session.
 *
 * Incoming requests (get and set) go through one router: each module registers
 * the namespace of the payloads it answers with lv_xmpp_iq_handle(); a request
 * nobody takes gets a service-unavailable error, as RFC 6120 §8.4 asks
 * (libstrophe 0.12 would leave it unanswered). Modules must not add libstrophe
 * handlers for <iq/> of type get or set: the router would answer those too.
 *
 * Everything here runs in the account's thread.
 */
#pragma once

#include "lv-xmpp-account-private.h"

G_BEGIN_DECLS

/* How long a request waits for its reply. */
#define LV_XMPP_IQ_TIMEOUT_S 30

/* Answers the request @iq, whose payload is @payload (transfer none): TRUE once it
 * has answered (result or error), FALSE to let the router answer
 * service-unavailable (e.g. a sender we do not serve). */
typedef gboolean (*LvXmppIqHandler)(LvXmppAccount *account, xmpp_stanza_t *iq,
                                    xmpp_stanza_t *payload);

/* Routes requests of @type ("get", "set", or NULL for both) whose payload is in
 * @ns to @func, for the current session. */
void lv_xmpp_iq_handle(LvXmppAccount *account, const char *ns, const char *type,
                       LvXmppIqHandler func);

/* The router, installed at session start (before the modules register) and
 * cleared at its end. */
void lv_xmpp_iq_session_started(LvXmppAccount *account);
void lv_xmpp_iq_session_ended(LvXmppAccount *account);

/* The answer to a request: @reply is the validated result (transfer none), or NULL
 * with @error set (transfer none): for an error reply LV_ERROR_NOT_FOUND when its
 * condition says the entity or service is not there (item-not-found,
 * service-unavailable, remote-server-not-found, recipient-unavailable), else
 * LV_ERROR_EXTERNAL_REQUEST, the message naming the condition; LV_ERROR_TIMEOUT;
 * LV_ERROR_NETWORK when the session ended. */
typedef void (*LvXmppIqFunc)(LvXmppAccount *account, xmpp_stanza_t *reply, const GError *error,
                             gpointer user_data);

/* Sends @iq (its type get or set, id set, "to" set or not: the reply must come from
 * there) and calls @func once with the answer; @destroy frees @user_data after that.
 * @iq is not taken. Without a session, @func is called at once with an error. */
void lv_xmpp_iq_request(LvXmppAccount *account, xmpp_stanza_t *iq, LvXmppIqFunc func,
                        gpointer user_data, GDestroyNotify destroy);

/* A new IQ of @type with a fresh random id, addressed to @to (NULL: our account)
 * (transfer full). */
xmpp_stanza_t *lv_xmpp_iq_new(LvXmppAccount *account, const char *type, const char *to);

/* An empty result answering the request @iq, addressed to its sender, for the
 * caller to fill and send (transfer full). */
xmpp_stanza_t *lv_xmpp_iq_new_result(LvXmppAccount *account, xmpp_stanza_t *iq);

/* The first child of an error reply's <error/> in the stanzas namespace, e.g.
 * "item-not-found"; "undefined-condition" if none (transfer none). */
const char *lv_xmpp_iq_error_condition(xmpp_stanza_t *reply);

/* TRUE if @from may answer a request sent to @to by the account @own_bare: @to NULL or
 * our bare JID → @from NULL or our bare JID; else @from equal to @to (compared as
 * parsed JIDs). */
gboolean lv_xmpp_iq_reply_sender_ok(const char *from, const char *to, const char *own_bare);

/* The error code for an error reply's RFC 6120 @condition (see LvXmppIqFunc). */
int lv_xmpp_iq_error_code(const char *condition);

/* TRUE if @error means the request went with the stream, unanswered (the session
 * ended first, or we were not connected): a resumed stream may ask again. */
gboolean lv_xmpp_iq_lost_with_stream(const GError *error);

/* Fails every request still waiting (the session ended). */
void lv_xmpp_iq_fail_all(LvXmppAccount *account);

G_END_DECLS
