/* lv-xmpp-presence: parsing and building presence stanzas. */
#include "lv-xmpp-presence.h"

#include <stdlib.h>

#include "lv-jid.h"

static const char *const shows[] = { "away", "chat", "dnd", "xa", NULL };

/* The text of child @name, or NULL (transfer full, g_malloc). */
static char *
child_text(xmpp_stanza_t *stanza, const char *name)
{
    xmpp_stanza_t *child = xmpp_stanza_get_child_by_name(stanza, name);
    char *text = child != NULL ? xmpp_stanza_get_text(child) : NULL;
    char *copy = text != NULL && g_utf8_validate(text, -1, NULL) ? g_strdup(text) : NULL;

    if (text != NULL)
        xmpp_free(xmpp_stanza_get_context(stanza), text);
    return copy;
}

GVariant *
lv_xmpp_presence_parse(xmpp_stanza_t *presence)
{
    const char *type = xmpp_stanza_get_type(presence);
    g_autoptr(LvJid) from = lv_jid_parse(xmpp_stanza_get_from(presence), NULL);

    if (from == NULL || (type != NULL && g_strcmp0(type, "unavailable") != 0))
        return NULL;
    g_autofree char *show = type != NULL ? g_strdup("unavailable") : child_text(presence, "show");
    if (show == NULL || (type == NULL && !g_strv_contains(shows, show))) {
        g_free(show);
        show = g_strdup(""); /* plain available; an unknown <show/> reads as such */
    }
    g_autofree char *priority_text = child_text(presence, "priority");
    gint64 priority = priority_text != NULL ? g_ascii_strtoll(priority_text, NULL, 10) : 0;
    priority = CLAMP(priority, -128, 127);

    GVariantBuilder statuses;
    g_variant_builder_init(&statuses, G_VARIANT_TYPE("a{ss}"));
    for (xmpp_stanza_t *child = xmpp_stanza_get_children(presence); child != NULL;
         child = xmpp_stanza_get_next(child)) {
        if (g_strcmp0(xmpp_stanza_get_name(child), "status") != 0)
            continue;
        char *text = xmpp_stanza_get_text(child);
        /* libstrophe's parser keeps xml:lang as "lang". */
        const char *lang = xmpp_stanza_get_attribute(child, "lang");
        if (text != NULL && g_utf8_validate(text, -1, NULL))
            g_variant_builder_add(&statuses, "{ss}", lang != NULL ? lang : "default", text);
        xmpp_free(xmpp_stanza_get_context(presence), text);
    }
    g_autofree char *entity = lv_jid_dup_string(from);
    return g_variant_new("(ssia{ss})", entity, show, (gint32)priority, &statuses);
}

static const char *const subscription_types[] = { "subscribe", "subscribed", "unsubscribe",
                                                  "unsubscribed", NULL };

gboolean
lv_xmpp_presence_is_subscription_type(const char *type)
{
    return type != NULL && g_strv_contains(subscription_types, type);
}

GVariant *
lv_xmpp_presence_parse_subscription(xmpp_stanza_t *presence)
{
    const char *type = xmpp_stanza_get_type(presence);
    const char *from = xmpp_stanza_get_from(presence);

    if (!lv_xmpp_presence_is_subscription_type(type) || from == NULL)
        return NULL;
    g_autoptr(LvJid) jid = lv_jid_parse(from, NULL);
    if (jid == NULL)
        return NULL;
    /* The server stamps the bare JID (RFC 6121 §3.1.3); a resource would say nothing
     * more: subscriptions are between bare JIDs. */
    g_autofree char *bare = lv_jid_dup_bare(jid);
    return g_variant_new("(ss)", type, bare);
}

static void
add_text_child(xmpp_ctx_t *ctx, xmpp_stanza_t *parent, const char *name, const char *text,
               const char *lang)
{
    xmpp_stanza_t *child = xmpp_stanza_new(ctx);
    xmpp_stanza_t *body = xmpp_stanza_new(ctx);

    xmpp_stanza_set_name(child, name);
    if (lang != NULL)
        xmpp_stanza_set_attribute(child, "xml:lang", lang);
    xmpp_stanza_set_text(body, text);
    xmpp_stanza_add_child(child, body);
    xmpp_stanza_add_child(parent, child);
    xmpp_stanza_release(body);
    xmpp_stanza_release(child);
}

xmpp_stanza_t *
lv_xmpp_presence_build(xmpp_ctx_t *ctx, const char *to, const char *show, int priority,
                       GVariant *statuses)
{
    xmpp_stanza_t *presence = xmpp_presence_new(ctx);
    GVariantIter iter;
    const char *lang = NULL, *text = NULL;

    if (to != NULL && to[0] != '\0')
        xmpp_stanza_set_to(presence, to);
    if (g_strcmp0(show, "unavailable") == 0)
        xmpp_stanza_set_type(presence, "unavailable");
    else if (show != NULL && g_strv_contains(shows, show))
        add_text_child(ctx, presence, "show", show, NULL);
    if (priority != 0) {
        g_autofree char *number = g_strdup_printf("%d", CLAMP(priority, -128, 127));
        add_text_child(ctx, presence, "priority", number, NULL);
    }
    if (statuses != NULL) {
        g_variant_iter_init(&iter, statuses);
        while (g_variant_iter_next(&iter, "{&s&s}", &lang, &text))
            add_text_child(ctx, presence, "status", text,
                           g_str_equal(lang, "default") ? NULL : lang);
    }
    return presence;
}
