/* lv-xmpp-disco: service discovery (XEP-0030).
 *
 * The pure part: disco#info and disco#items results to the values Libervia's
 * bridge carries, for the account thread, the tests and the fuzzers. The requests
 * the main context sends to an account's thread, answered by an
 * LV_XMPP_EVENT_REPLY with the request id, are declared here too.
 */
#pragma once

#include <glib.h>
#include <strophe.h>

#include "lv-xmpp-account.h"

G_BEGIN_DECLS

/* The bridge type of a disco#info result (discoInfos): features, identities
 * (category, type, name), extensions by FORM_TYPE → fields ({type, var, label?,
 * desc?}, values). */
#define LV_XMPP_DISCO_INFO_TYPE "(asa(sss)a{sa(a{ss}as)})"

/* A disco#info <query/> as LV_XMPP_DISCO_INFO_TYPE (transfer full, floating), as
 * Libervia 0.9 gives it: features once each in the order received; one identity per
 * category and type (the first); extended forms (XEP-0128, jabber:x:data) keyed by
 * their FORM_TYPE ("" without one), the FORM_TYPE field left out, a field without
 * type being text-single, booleans as "true" / "false". Text that is not UTF-8 is
 * dropped. @query may be NULL (an empty result). */
GVariant *lv_xmpp_disco_parse_info(xmpp_stanza_t *query);

/* The items of a disco#items <query/>: a(sss) of (jid, node, name) (transfer full,
 * floating); items whose JID does not parse are skipped. @query may be NULL. */
GVariant *lv_xmpp_disco_parse_items(xmpp_stanza_t *query);

/* TRUE if @info (LV_XMPP_DISCO_INFO_TYPE) has every feature of @namespaces
 * (NULL-terminated, may be NULL) and every (category, type) of @identities (a(ss),
 * may be NULL). */
gboolean lv_xmpp_disco_info_matches(GVariant *info, const char *const *namespaces,
                                    GVariant *identities);

/* The identities of @info as discoFindByFeatures gives them: a(sss) (transfer
 * full). */
GVariant *lv_xmpp_disco_info_identities(GVariant *info);

/* ---- requests to an account's thread, from the main context ---- */

/* disco#info of @jid ("" or NULL: our server) at @node (""/NULL: none); with
 * @use_cache an entity whose capabilities or earlier result are known is answered
 * from the cache. The REPLY data is (LV_XMPP_DISCO_INFO_TYPE). */
void lv_xmpp_account_disco_info(LvXmppAccount *account, const char *request_id, const char *jid,
                                const char *node, gboolean use_cache);

/* disco#items of @jid at @node; the items of our server (without node) are kept for
 * the session, as Libervia does. The REPLY data is (a(sss)). */
void lv_xmpp_account_disco_items(LvXmppAccount *account, const char *request_id, const char *jid,
                                 const char *node, gboolean use_cache);

/* discoFindByFeatures: the entities having every feature of @namespaces and every
 * identity of @identities (a(ss)): with @service our server and its items, and the
 * JIDs of @own and of @roster (NULL-terminated lists the main context chose: our
 * other resources, the contacts' resources). Entities that fail to answer are left
 * out. The REPLY data is ((a{sa(sss)}a{sa(sss)}a{sa(sss)})): service, own, roster. */
void lv_xmpp_account_disco_find(LvXmppAccount *account, const char *request_id,
                                const char *const *namespaces, GVariant *identities,
                                gboolean service, const char *const *own,
                                const char *const *roster);

G_END_DECLS
