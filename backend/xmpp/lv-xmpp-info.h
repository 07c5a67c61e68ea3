/* lv-xmpp-info: software version (XEP-0092) and ping (XEP-0199): we answer both,
 * and the main context can ask an entity through an account's thread; the answer
 * is an LV_XMPP_EVENT_REPLY with the request id. */
#pragma once

#include <glib.h>
#include <strophe.h>

#include "lv-xmpp-account.h"

G_BEGIN_DECLS

/* Pings @jid ("" or NULL: our server); the REPLY data is (d): the round trip in
 * seconds. An error reply is an error, as in Libervia. */
void lv_xmpp_account_ping(LvXmppAccount *account, const char *request_id, const char *jid);

/* Asks @jid its software version; the REPLY data is ((sss)): name, version, os
 * ("" when not given). */
void lv_xmpp_account_software_version(LvXmppAccount *account, const char *request_id,
                                      const char *jid);

/* The (name, version, os) of a jabber:iq:version <query/>, "" for what is missing
 * (transfer full, floating). @query may be NULL. */
GVariant *lv_xmpp_info_parse_version(xmpp_stanza_t *query);

/* What we answer: the OS is told only when @os is not NULL (a configuration
 * option; off by default for privacy). Set before any account connects. */
void lv_xmpp_info_set_os(const char *os);

G_END_DECLS
