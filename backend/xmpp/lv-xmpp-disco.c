/* lv-xmpp-disco: disco#info and disco#items results to bridge values (see the
 * header). Everything from the network is checked: missing attributes, text that
 * is not UTF-8, duplicates. */
#include "lv-xmpp-disco.h"

#include "lv-jid.h"

#define NS_DATA_FORMS "jabber:x:data"

/* @text if it can go into a GVariant string, else NULL. */
static const char *
valid(const char *text)
{
    return text != NULL && g_utf8_validate(text, -1, NULL) ? text : NULL;
}

/* The text of @stanza if valid, "" if empty, NULL if not UTF-8 (transfer full). */
static char *
dup_text(xmpp_stanza_t *stanza)
{
    char *text = xmpp_stanza_get_text(stanza);
    char *copy = text == NULL ? g_strdup("") : valid(text) != NULL ? g_strdup(text) : NULL;

    if (text != NULL)
        xmpp_free(xmpp_stanza_get_context(stanza), text);
    return copy;
}

static gboolean
is_named(xmpp_stanza_t *stanza, const char *name)
{
    return xmpp_stanza_is_tag(stanza) && g_strcmp0(xmpp_stanza_get_name(stanza), name) == 0;
}

/* A field's values; booleans as Libervia gives them ("true" / "false"). */
static void
add_values(GVariantBuilder *values, xmpp_stanza_t *field, gboolean boolean)
{
    for (xmpp_stanza_t *v = xmpp_stanza_get_children(field); v != NULL;
         v = xmpp_stanza_get_next(v)) {
        if (!is_named(v, "value"))
            continue;
        g_autofree char *text = dup_text(v);
        if (text == NULL)
            continue;
        if (boolean)
            g_variant_builder_add(values, "s",
                                  g_str_equal(text, "1") || g_str_equal(text, "true") ? "true"
                                                                                      : "false");
        else
            g_variant_builder_add(values, "s", text);
    }
}

/* One field: ({type, var?, label?, desc?}, values). */
static GVariant *
field_value(xmpp_stanza_t *field)
{
    const char *type = valid(xmpp_stanza_get_attribute(field, "type"));
    GVariantBuilder attributes, values;

    g_variant_builder_init(&attributes, G_VARIANT_TYPE("a{ss}"));
    g_variant_builder_init(&values, G_VARIANT_TYPE("as"));
    g_variant_builder_add(&attributes, "{ss}", "type", type != NULL ? type : "text-single");
    const char *const names[] = { "var", "label" };
    for (gsize i = 0; i < G_N_ELEMENTS(names); i++) {
        const char *value = valid(xmpp_stanza_get_attribute(field, names[i]));
        if (value != NULL)
            g_variant_builder_add(&attributes, "{ss}", names[i], value);
    }
    xmpp_stanza_t *desc = xmpp_stanza_get_child_by_name(field, "desc");
    g_autofree char *desc_text = desc != NULL ? dup_text(desc) : NULL;
    if (desc_text != NULL)
        g_variant_builder_add(&attributes, "{ss}", "desc", desc_text);
    add_values(&values, field, g_strcmp0(type, "boolean") == 0);
    return g_variant_new("(a{ss}as)", &attributes, &values);
}

/* Adds form @x under its FORM_TYPE, unless one came already with that type. */
static void
add_form(GVariantBuilder *extensions, GHashTable *seen, xmpp_stanza_t *x)
{
    g_autofree char *form_type = NULL;
    GVariantBuilder fields;

    g_variant_builder_init(&fields, G_VARIANT_TYPE("a(a{ss}as)"));
    for (xmpp_stanza_t *f = xmpp_stanza_get_children(x); f != NULL; f = xmpp_stanza_get_next(f)) {
        if (!is_named(f, "field"))
            continue;
        if (g_strcmp0(xmpp_stanza_get_attribute(f, "var"), "FORM_TYPE") == 0) {
            xmpp_stanza_t *value = xmpp_stanza_get_child_by_name(f, "value");
            if (form_type == NULL && value != NULL)
                form_type = dup_text(value);
            continue;
        }
        g_variant_builder_add_value(&fields, field_value(f));
    }
    const char *key = form_type != NULL ? form_type : "";
    if (g_hash_table_contains(seen, key)) {
        g_variant_builder_clear(&fields);
        return;
    }
    g_hash_table_add(seen, g_strdup(key));
    g_variant_builder_add(extensions, "{sa(a{ss}as)}", key, &fields);
}

static void
add_identity(GVariantBuilder *identities, GHashTable *seen, xmpp_stanza_t *identity)
{
    const char *category = valid(xmpp_stanza_get_attribute(identity, "category"));
    const char *type = valid(xmpp_stanza_get_attribute(identity, "type"));
    const char *name = valid(xmpp_stanza_get_attribute(identity, "name"));

    if (category == NULL || type == NULL)
        return;
    char *key = g_strconcat(category, "/", type, NULL);
    if (!g_hash_table_add(seen, key))
        return;
    g_variant_builder_add(identities, "(sss)", category, type, name != NULL ? name : "");
}

GVariant *
lv_xmpp_disco_parse_info(xmpp_stanza_t *query)
{
    GVariantBuilder features, identities, extensions;
    g_autoptr(GHashTable) seen_features = g_hash_table_new(g_str_hash, g_str_equal);
    g_autoptr(GHashTable) seen_identities =
            g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GHashTable) seen_forms = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

    g_variant_builder_init(&features, G_VARIANT_TYPE("as"));
    g_variant_builder_init(&identities, G_VARIANT_TYPE("a(sss)"));
    g_variant_builder_init(&extensions, G_VARIANT_TYPE("a{sa(a{ss}as)}"));
    for (xmpp_stanza_t *c = query != NULL ? xmpp_stanza_get_children(query) : NULL; c != NULL;
         c = xmpp_stanza_get_next(c)) {
        if (is_named(c, "feature")) {
            const char *var = valid(xmpp_stanza_get_attribute(c, "var"));
            if (var != NULL && g_hash_table_add(seen_features, (gpointer)var))
                g_variant_builder_add(&features, "s", var);
        } else if (is_named(c, "identity")) {
            add_identity(&identities, seen_identities, c);
        } else if (is_named(c, "x") && g_strcmp0(xmpp_stanza_get_ns(c), NS_DATA_FORMS) == 0) {
            add_form(&extensions, seen_forms, c);
        }
    }
    return g_variant_new("(asa(sss)a{sa(a{ss}as)})", &features, &identities, &extensions);
}

GVariant *
lv_xmpp_disco_parse_items(xmpp_stanza_t *query)
{
    GVariantBuilder items;

    g_variant_builder_init(&items, G_VARIANT_TYPE("a(sss)"));
    for (xmpp_stanza_t *c = query != NULL ? xmpp_stanza_get_children(query) : NULL; c != NULL;
         c = xmpp_stanza_get_next(c)) {
        if (!is_named(c, "item"))
            continue;
        g_autoptr(LvJid) jid = lv_jid_parse(xmpp_stanza_get_attribute(c, "jid"), NULL);
        const char *node = valid(xmpp_stanza_get_attribute(c, "node"));
        const char *name = valid(xmpp_stanza_get_attribute(c, "name"));
        if (jid == NULL) {
            g_debug("disco#items: an item without a valid JID skipped");
            continue;
        }
        g_autofree char *text = lv_jid_dup_string(jid);
        g_variant_builder_add(&items, "(sss)", text, node != NULL ? node : "",
                              name != NULL ? name : "");
    }
    return g_variant_builder_end(&items);
}

gboolean
lv_xmpp_disco_info_matches(GVariant *info, const char *const *namespaces, GVariant *identities)
{
    g_autoptr(GVariant) features = g_variant_get_child_value(info, 0);
    g_autoptr(GVariant) have = g_variant_get_child_value(info, 1);
    g_autofree const char **list = g_variant_get_strv(features, NULL);
    GVariantIter iter;
    const char *category = NULL, *type = NULL;

    for (gsize i = 0; namespaces != NULL && namespaces[i] != NULL; i++) {
        if (!g_strv_contains(list, namespaces[i]))
            return FALSE;
    }
    if (identities == NULL)
        return TRUE;
    g_variant_iter_init(&iter, identities);
    while (g_variant_iter_next(&iter, "(&s&s)", &category, &type)) {
        GVariantIter own;
        const char *c = NULL, *t = NULL;
        gboolean found = FALSE;
        g_variant_iter_init(&own, have);
        while (!found && g_variant_iter_next(&own, "(&s&s&s)", &c, &t, NULL))
            found = g_str_equal(c, category) && g_str_equal(t, type);
        if (!found)
            return FALSE;
    }
    return TRUE;
}

GVariant *
lv_xmpp_disco_info_identities(GVariant *info)
{
    return g_variant_get_child_value(info, 1);
}
