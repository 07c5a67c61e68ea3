/* lv-xmpp-features: who we say we are in service discovery (XEP-0030): our one
 * identity and the one table of the features we announce. Every module that speaks
 * a protocol adds its namespace to the table in lv-xmpp-features.c; disco#info
 * answers and our entity capabilities (XEP-0115) are both made from it, so they
 * always agree. */
#pragma once

#include <glib.h>
#include <strophe.h>

G_BEGIN_DECLS

#define LV_NS_DISCO_INFO "http://jabber.org/protocol/disco#info"
#define LV_NS_DISCO_ITEMS "http://jabber.org/protocol/disco#items"
#define LV_NS_CAPS "http://jabber.org/protocol/caps"
#define LV_NS_VERSION "jabber:iq:version"
#define LV_NS_PING "urn:xmpp:ping"
#define LV_NS_STANZAS "urn:ietf:params:xml:ns:xmpp-stanzas"

/* Our identity (XEP-0030 §3.1, registry category "client", type "pc"). */
#define LV_XMPP_IDENTITY_CATEGORY "client"
#define LV_XMPP_IDENTITY_TYPE "pc"
#define LV_XMPP_IDENTITY_NAME "Libervia"

/* The node of our entity capabilities (XEP-0115 §4). */
#define LV_XMPP_CAPS_NODE "https://libervia.org"

/* Every feature we announce, sorted, NULL-terminated (transfer none). */
const char *const *lv_xmpp_features_get(void);

/* Appends our identity and features to a disco#info <query/> (@query keeps them). */
void lv_xmpp_features_add_to_query(xmpp_stanza_t *query);

G_END_DECLS
