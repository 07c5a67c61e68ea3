/* lv-xmpp-features: the table of what we announce (see the header). */
#include "lv-xmpp-features.h"

/* One line per feature, kept in byte order (a unit test checks it): the
 * namespace and the module that implements it. */
static const struct {
    const char *feature;
    const char *module;
} features[] = {
    { "http://jabber.org/protocol/caps", "lv-xmpp-caps.c (XEP-0115)" },
    { "http://jabber.org/protocol/chatstates", "messages (XEP-0085)" },
    { "http://jabber.org/protocol/disco#info", "lv-xmpp-account-disco.c (XEP-0030)" },
    { "http://jabber.org/protocol/disco#items", "lv-xmpp-account-disco.c (XEP-0030)" },
    { "http://jabber.org/protocol/nick", "lv-xmpp-account-identity.c (XEP-0172)" },
    { "http://jabber.org/protocol/nick+notify", "lv-xmpp-account-identity.c (XEP-0172)" },
    { "jabber:iq:version", "lv-xmpp-account-info.c (XEP-0092)" },
    { "jabber:x:conference", "lv-xmpp-account-muc-invite.c (XEP-0249)" },
    { "urn:xmpp:avatar:data", "lv-xmpp-account-identity.c (XEP-0084)" },
    { "urn:xmpp:avatar:metadata", "lv-xmpp-account-identity.c (XEP-0084)" },
    { "urn:xmpp:avatar:metadata+notify", "lv-xmpp-account-identity.c (XEP-0084)" },
    { "urn:xmpp:blocking", "lv-xmpp-account-blocking.c (XEP-0191)" },
    { "urn:xmpp:bookmarks:1+notify", "lv-xmpp-account-bookmarks.c (XEP-0402)" },
    { "urn:xmpp:carbons:2", "messages (XEP-0280)" },
    { "urn:xmpp:chat-markers:0", "messages (XEP-0333)" },
    { "urn:xmpp:mam:2", "messages (XEP-0313)" },
    { "urn:xmpp:message-correct:0", "messages (XEP-0308)" },
    { "urn:xmpp:message-retract:0", "messages (XEP-0424)" },
    { "urn:xmpp:ping", "lv-xmpp-account-info.c (XEP-0199)" },
    { "urn:xmpp:receipts", "messages (XEP-0184)" },
    { "urn:xmpp:sid:0", "messages (XEP-0359)" },
    { "vcard-temp", "lv-xmpp-account-identity.c (XEP-0054)" },
};

const char *const *
lv_xmpp_features_get(void)
{
    static const char *list[G_N_ELEMENTS(features) + 1];
    static gsize done = 0;

    if (g_once_init_enter(&done)) {
        for (gsize i = 0; i < G_N_ELEMENTS(features); i++)
            list[i] = features[i].feature;
        list[G_N_ELEMENTS(features)] = NULL;
        g_once_init_leave(&done, 1);
    }
    return list;
}

static xmpp_stanza_t *
add_element(xmpp_stanza_t *parent, const char *name)
{
    xmpp_stanza_t *child = xmpp_stanza_new(xmpp_stanza_get_context(parent));

    xmpp_stanza_set_name(child, name);
    xmpp_stanza_add_child(parent, child);
    xmpp_stanza_release(child);
    return child;
}

void
lv_xmpp_features_add_to_query(xmpp_stanza_t *query)
{
    xmpp_stanza_t *identity = add_element(query, "identity");

    xmpp_stanza_set_attribute(identity, "category", LV_XMPP_IDENTITY_CATEGORY);
    xmpp_stanza_set_attribute(identity, "type", LV_XMPP_IDENTITY_TYPE);
    xmpp_stanza_set_attribute(identity, "name", LV_XMPP_IDENTITY_NAME);
    for (const char *const *f = lv_xmpp_features_get(); *f != NULL; f++)
        xmpp_stanza_set_attribute(add_element(query, "feature"), "var", *f);
}
