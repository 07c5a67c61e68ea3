/* lv-xmpp-muc-admin: the administration of group chat rooms (XEP-0045 §8-10) as
 * stanzas, with no account and no I/O: the muc#admin queries (a role by nick, an
 * affiliation by JID, the list of one affiliation) and the muc#owner ones (the
 * configuration form: get, submit, cancel; destroy), and the parsing of their
 * answers. Every value a user gives is checked here before a query is built
 * (LV_ERROR_DATA names it); every answer is checked before it is believed
 * (LV_ERROR_PARSING). The account's side is lv-xmpp-account-muc-admin.c.
 */
#pragma once

#include "lv-xmpp-dataform.h"

G_BEGIN_DECLS

#define LV_NS_MUC_ADMIN "http://jabber.org/protocol/muc#admin"
#define LV_NS_MUC_OWNER "http://jabber.org/protocol/muc#owner"
#define LV_NS_MUC_USER "http://jabber.org/protocol/muc#user"
#define LV_NS_MUC_ROOMCONFIG "http://jabber.org/protocol/muc#roomconfig"

/* At most this many items are read from an affiliation list. */
#define LV_XMPP_MUC_ADMIN_MAX_ITEMS 10000

/* TRUE for none, visitor, participant, moderator. */
gboolean lv_xmpp_muc_admin_is_role(const char *role);
/* TRUE for none, outcast, member, admin, owner. */
gboolean lv_xmpp_muc_admin_is_affiliation(const char *affiliation);

/* <query xmlns=muc#admin><item nick=@nick role=@role><reason/>?</item></query>
 * (transfer full), or NULL with LV_ERROR_DATA for an empty nick or an unknown role.
 * @reason NULL or "": none. A kick is @role "none". */
xmpp_stanza_t *lv_xmpp_muc_admin_new_role(xmpp_ctx_t *ctx, const char *nick, const char *role,
                                          const char *reason, GError **error);

/* The same with <item jid=@jid affiliation=@affiliation/>: @jid is made bare (an
 * affiliation belongs to a bare JID); NULL with LV_ERROR_DATA for a JID that does not
 * parse or an unknown affiliation. A ban is @affiliation "outcast". */
xmpp_stanza_t *lv_xmpp_muc_admin_new_affiliation(xmpp_ctx_t *ctx, const char *jid,
                                                 const char *affiliation, const char *reason,
                                                 GError **error);

/* The request for the list of @affiliation (not "none": XEP-0045 has no such list). */
xmpp_stanza_t *lv_xmpp_muc_admin_new_affiliation_list(xmpp_ctx_t *ctx, const char *affiliation,
                                                      GError **error);

/* Parses the answer to an affiliation list: a{ss} of bare JID to affiliation (a
 * floating reference); an item without a JID that parses, or with an unknown
 * affiliation, refuses the whole list: NULL with LV_ERROR_PARSING. */
GVariant *lv_xmpp_muc_admin_parse_affiliations(xmpp_stanza_t *query, GError **error);

/* <query xmlns=muc#owner/>: asks for the configuration form (transfer full). */
xmpp_stanza_t *lv_xmpp_muc_admin_new_config_get(xmpp_ctx_t *ctx);

/* The owner's query holding @form (a submission) or, @form NULL, a cancel. */
xmpp_stanza_t *lv_xmpp_muc_admin_new_config_set(xmpp_ctx_t *ctx, const LvXmppDataform *form);

/* Parses the answer to a configuration get: a data form of type "form" (transfer
 * full), or NULL with LV_ERROR_PARSING. */
LvXmppDataform *lv_xmpp_muc_admin_parse_config(xmpp_stanza_t *query, GError **error);

/* <query xmlns=muc#owner><destroy jid=@alternate?><reason/>?</destroy></query>;
 * @alternate NULL or "": none, else it must parse as a JID (LV_ERROR_DATA). */
xmpp_stanza_t *lv_xmpp_muc_admin_new_destroy(xmpp_ctx_t *ctx, const char *reason,
                                             const char *alternate, GError **error);

G_END_DECLS
