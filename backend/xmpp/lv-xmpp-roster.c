/* lv-xmpp-roster: parsing roster items and checking who sent them. */
#include "lv-xmpp-roster.h"

#include <string.h>

#include "lv-jid.h"

static const char *
bool_text(gboolean value)
{
    return value ? "True" : "False"; /* Libervia sends Python's str(bool) */
}

static void
add_item(GVariantBuilder *items, xmpp_stanza_t *item)
{
    const char *jid_text = xmpp_stanza_get_attribute(item, "jid");
    g_autoptr(GError) error = NULL;
    g_autoptr(LvJid) jid = lv_jid_parse(jid_text, &error);

    if (jid == NULL) {
        g_message("roster item ignored: %s", error->message);
        return;
    }
    const char *subscription = xmpp_stanza_get_attribute(item, "subscription");
    const char *name = xmpp_stanza_get_attribute(item, "name");
    const char *ask = xmpp_stanza_get_attribute(item, "ask");
    if (subscription == NULL)
        subscription = "none";
    gboolean to = g_str_equal(subscription, "to") || g_str_equal(subscription, "both");
    gboolean from = g_str_equal(subscription, "from") || g_str_equal(subscription, "both");
    GVariantBuilder attributes;
    g_variant_builder_init(&attributes, G_VARIANT_TYPE("a{ss}"));
    g_variant_builder_add(&attributes, "{ss}", "to", bool_text(to));
    g_variant_builder_add(&attributes, "{ss}", "from", bool_text(from));
    g_variant_builder_add(&attributes, "{ss}", "ask", bool_text(g_strcmp0(ask, "subscribe") == 0));
    g_variant_builder_add(&attributes, "{ss}", "subscription", subscription);
    if (name != NULL && g_utf8_validate(name, -1, NULL) && name[0] != '\0')
        g_variant_builder_add(&attributes, "{ss}", "name", name);
    GVariantBuilder groups;
    g_variant_builder_init(&groups, G_VARIANT_TYPE("as"));
    for (xmpp_stanza_t *g = xmpp_stanza_get_child_by_name(item, "group"); g != NULL;
         g = xmpp_stanza_get_next(g)) {
        if (g_strcmp0(xmpp_stanza_get_name(g), "group") != 0)
            continue;
        char *text = xmpp_stanza_get_text(g);
        if (text != NULL && text[0] != '\0' && g_utf8_validate(text, -1, NULL))
            g_variant_builder_add(&groups, "s", text);
        xmpp_free(xmpp_stanza_get_context(g), text);
    }
    g_autofree char *full = lv_jid_dup_string(jid);
    g_variant_builder_add(items, "(s@a{ss}@as)", full, g_variant_builder_end(&attributes),
                          g_variant_builder_end(&groups));
}

GVariant *
lv_xmpp_roster_parse_query(xmpp_stanza_t *query)
{
    GVariantBuilder items;

    g_variant_builder_init(&items, G_VARIANT_TYPE("a(sa{ss}as)"));
    for (xmpp_stanza_t *item = query != NULL ? xmpp_stanza_get_children(query) : NULL; item != NULL;
         item = xmpp_stanza_get_next(item)) {
        if (g_strcmp0(xmpp_stanza_get_name(item), "item") == 0)
            add_item(&items, item);
    }
    return g_variant_builder_end(&items);
}

gboolean
lv_xmpp_roster_sender_ok(const char *from, const char *own_bare)
{
    if (from == NULL)
        return TRUE;
    g_autoptr(LvJid) jid = lv_jid_parse(from, NULL);
    if (jid == NULL || lv_jid_get_resource(jid) != NULL)
        return FALSE;
    g_autofree char *bare = lv_jid_dup_bare(jid);
    return g_strcmp0(bare, own_bare) == 0;
}

gboolean
lv_xmpp_roster_features_from_log(const char *msg, gboolean *versioning)
{
    /* libstrophe writes each stanza it reads as "RECV: <serialised stanza>". */
    static const char prefix[] = "RECV: <features xmlns=\"http://etherx.jabber.org/streams\"";

    if (msg == NULL || !g_str_has_prefix(msg, prefix) ||
        strstr(msg, "urn:ietf:params:xml:ns:xmpp-bind") == NULL)
        return FALSE;
    *versioning = strstr(msg, "\"" LV_NS_ROSTER_VER "\"") != NULL;
    return TRUE;
}
