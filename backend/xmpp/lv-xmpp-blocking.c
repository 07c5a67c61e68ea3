/* lv-xmpp-blocking: blocklist stanzas and matching (see the header). */
#include "lv-xmpp-blocking.h"

#include "lv-jid.h"

GPtrArray *
lv_xmpp_blocking_parse_items(xmpp_stanza_t *parent, const char *profile)
{
    GPtrArray *jids = g_ptr_array_new_with_free_func(g_free);

    for (xmpp_stanza_t *c = parent != NULL ? xmpp_stanza_get_children(parent) : NULL; c != NULL;
         c = xmpp_stanza_get_next(c)) {
        g_autoptr(GError) error = NULL;
        if (!xmpp_stanza_is_tag(c) || g_strcmp0(xmpp_stanza_get_name(c), "item") != 0)
            continue;
        if (jids->len >= LV_XMPP_BLOCKING_MAX) {
            g_message("%s: more than %d blocked entities: the rest are skipped", profile,
                      LV_XMPP_BLOCKING_MAX);
            break;
        }
        const char *text = xmpp_stanza_get_attribute(c, "jid");
        g_autoptr(LvJid) jid = text != NULL ? lv_jid_parse(text, &error) : NULL;
        if (jid == NULL) {
            g_message("%s: blocklist item skipped: %s", profile,
                      error != NULL ? error->message : "no jid");
            continue;
        }
        g_ptr_array_add(jids, lv_jid_dup_string(jid));
    }
    return jids;
}

xmpp_stanza_t *
lv_xmpp_blocking_build(xmpp_ctx_t *ctx, const char *name, const char *const *jids)
{
    xmpp_stanza_t *element = xmpp_stanza_new(ctx);

    xmpp_stanza_set_name(element, name);
    xmpp_stanza_set_ns(element, LV_NS_BLOCKING);
    for (const char *const *j = jids; j != NULL && *j != NULL; j++) {
        xmpp_stanza_t *item = xmpp_stanza_new(ctx);
        xmpp_stanza_set_name(item, "item");
        xmpp_stanza_set_attribute(item, "jid", *j);
        xmpp_stanza_add_child(element, item);
        xmpp_stanza_release(item);
    }
    return element;
}

gboolean
lv_xmpp_blocking_matches(GHashTable *blocked, const char *jid)
{
    g_autoptr(LvJid) parsed = jid != NULL ? lv_jid_parse(jid, NULL) : NULL;

    if (parsed == NULL || blocked == NULL || g_hash_table_size(blocked) == 0)
        return FALSE;
    const char *local = lv_jid_get_local(parsed);
    const char *domain = lv_jid_get_domain(parsed);
    const char *resource = lv_jid_get_resource(parsed);
    g_autofree char *full = lv_jid_dup_string(parsed);
    g_autofree char *bare = lv_jid_dup_bare(parsed);
    /* domain/resource matches only a JID without local part (XEP-0016 §2.1). */
    g_autofree char *domain_resource =
            local == NULL && resource != NULL ? g_strconcat(domain, "/", resource, NULL) : NULL;

    return g_hash_table_contains(blocked, full) || g_hash_table_contains(blocked, bare) ||
           (domain_resource != NULL && g_hash_table_contains(blocked, domain_resource)) ||
           g_hash_table_contains(blocked, domain);
}
