/* lv-xmpp-muc-admin: muc#admin and muc#owner queries built from checked values,
 * and their answers parsed with nothing taken on trust. */
#include "lv-xmpp-muc-admin.h"

#include "lv-error.h"
#include "lv-jid.h"
#include "lv-xmpp-account-private.h"

static const char *const roles[] = { "none", "visitor", "participant", "moderator", NULL };
static const char *const affiliations[] = { "none", "outcast", "member", "admin", "owner", NULL };

gboolean
lv_xmpp_muc_admin_is_role(const char *role)
{
    return role != NULL && g_strv_contains(roles, role);
}

gboolean
lv_xmpp_muc_admin_is_affiliation(const char *affiliation)
{
    return affiliation != NULL && g_strv_contains(affiliations, affiliation);
}

static xmpp_stanza_t *
new_query(xmpp_ctx_t *ctx, const char *ns)
{
    xmpp_stanza_t *query = xmpp_stanza_new(ctx);

    xmpp_stanza_set_name(query, "query");
    xmpp_stanza_set_ns(query, ns);
    return query;
}

static void
add_reason(xmpp_stanza_t *parent, const char *reason)
{
    if (reason != NULL && reason[0] != '\0')
        lv_xmpp_add_text(lv_xmpp_add_child(parent, "reason", NULL), reason);
}

xmpp_stanza_t *
lv_xmpp_muc_admin_new_role(xmpp_ctx_t *ctx, const char *nick, const char *role, const char *reason,
                           GError **error)
{
    if (nick == NULL || nick[0] == '\0') {
        g_set_error(error, LV_ERROR, LV_ERROR_DATA, "a role is given to a nick: none given");
        return NULL;
    }
    if (!lv_xmpp_muc_admin_is_role(role)) {
        g_set_error(error, LV_ERROR, LV_ERROR_DATA,
                    "unknown role '%s' (none, visitor, participant or moderator)", role);
        return NULL;
    }
    xmpp_stanza_t *query = new_query(ctx, LV_NS_MUC_ADMIN);
    xmpp_stanza_t *item = lv_xmpp_add_child(query, "item", NULL);
    xmpp_stanza_set_attribute(item, "nick", nick);
    xmpp_stanza_set_attribute(item, "role", role);
    add_reason(item, reason);
    return query;
}

static gboolean
check_affiliation(const char *affiliation, GError **error)
{
    if (lv_xmpp_muc_admin_is_affiliation(affiliation))
        return TRUE;
    g_set_error(error, LV_ERROR, LV_ERROR_DATA,
                "unknown affiliation '%s' (none, outcast, member, admin or owner)", affiliation);
    return FALSE;
}

xmpp_stanza_t *
lv_xmpp_muc_admin_new_affiliation(xmpp_ctx_t *ctx, const char *jid, const char *affiliation,
                                  const char *reason, GError **error)
{
    g_autoptr(LvJid) parsed = lv_jid_parse(jid != NULL ? jid : "", error);

    if (parsed == NULL) {
        g_prefix_error(error, "an affiliation is given to a JID: ");
        return NULL;
    }
    if (!check_affiliation(affiliation, error))
        return NULL;
    g_autofree char *bare = lv_jid_dup_bare(parsed);
    xmpp_stanza_t *query = new_query(ctx, LV_NS_MUC_ADMIN);
    xmpp_stanza_t *item = lv_xmpp_add_child(query, "item", NULL);
    xmpp_stanza_set_attribute(item, "jid", bare);
    xmpp_stanza_set_attribute(item, "affiliation", affiliation);
    add_reason(item, reason);
    return query;
}

xmpp_stanza_t *
lv_xmpp_muc_admin_new_affiliation_list(xmpp_ctx_t *ctx, const char *affiliation, GError **error)
{
    if (!check_affiliation(affiliation, error))
        return NULL;
    if (g_str_equal(affiliation, "none")) {
        g_set_error(error, LV_ERROR, LV_ERROR_DATA,
                    "rooms keep no list of 'none' (outcast, member, admin or owner)");
        return NULL;
    }
    xmpp_stanza_t *query = new_query(ctx, LV_NS_MUC_ADMIN);
    xmpp_stanza_set_attribute(lv_xmpp_add_child(query, "item", NULL), "affiliation", affiliation);
    return query;
}

static gboolean
is_query(xmpp_stanza_t *query, const char *ns)
{
    return query != NULL && g_strcmp0(xmpp_stanza_get_name(query), "query") == 0 &&
           g_strcmp0(xmpp_stanza_get_ns(query), ns) == 0;
}

/* Adds the item @item to @items (bare JID → affiliation); FALSE if it is wrong. */
static gboolean
add_item(GVariantBuilder *items, xmpp_stanza_t *item, GError **error)
{
    const char *jid = xmpp_stanza_get_attribute(item, "jid");
    const char *affiliation = xmpp_stanza_get_attribute(item, "affiliation");
    g_autoptr(LvJid) parsed = jid != NULL ? lv_jid_parse(jid, NULL) : NULL;

    if (parsed == NULL || !lv_xmpp_muc_admin_is_affiliation(affiliation)) {
        g_set_error(error, LV_ERROR, LV_ERROR_PARSING,
                    "the room sent an affiliation item without a valid JID or affiliation");
        return FALSE;
    }
    g_autofree char *bare = lv_jid_dup_bare(parsed);
    g_variant_builder_add(items, "{ss}", bare, affiliation);
    return TRUE;
}

GVariant *
lv_xmpp_muc_admin_parse_affiliations(xmpp_stanza_t *query, GError **error)
{
    g_auto(GVariantBuilder) items = G_VARIANT_BUILDER_INIT(G_VARIANT_TYPE("a{ss}"));
    guint count = 0;

    if (!is_query(query, LV_NS_MUC_ADMIN)) {
        g_set_error(error, LV_ERROR, LV_ERROR_PARSING, "the room's answer has no muc#admin query");
        return NULL;
    }
    for (xmpp_stanza_t *c = xmpp_stanza_get_children(query); c != NULL;
         c = xmpp_stanza_get_next(c)) {
        if (!xmpp_stanza_is_tag(c) || g_strcmp0(xmpp_stanza_get_name(c), "item") != 0)
            continue;
        if (++count > LV_XMPP_MUC_ADMIN_MAX_ITEMS) {
            g_set_error(error, LV_ERROR, LV_ERROR_PARSING, "the room sent too many items");
            return NULL;
        }
        if (!add_item(&items, c, error))
            return NULL;
    }
    return g_variant_builder_end(&items);
}

xmpp_stanza_t *
lv_xmpp_muc_admin_new_config_get(xmpp_ctx_t *ctx)
{
    return new_query(ctx, LV_NS_MUC_OWNER);
}

xmpp_stanza_t *
lv_xmpp_muc_admin_new_config_set(xmpp_ctx_t *ctx, const LvXmppDataform *form)
{
    xmpp_stanza_t *query = new_query(ctx, LV_NS_MUC_OWNER);
    xmpp_stanza_t *x =
            form != NULL ? lv_xmpp_dataform_to_stanza(ctx, form) : lv_xmpp_dataform_new_cancel(ctx);

    xmpp_stanza_add_child(query, x);
    xmpp_stanza_release(x);
    return query;
}

LvXmppDataform *
lv_xmpp_muc_admin_parse_config(xmpp_stanza_t *query, GError **error)
{
    if (!is_query(query, LV_NS_MUC_OWNER)) {
        g_set_error(error, LV_ERROR, LV_ERROR_PARSING, "the room's answer has no muc#owner query");
        return NULL;
    }
    g_autoptr(LvXmppDataform) form = lv_xmpp_dataform_parse(lv_xmpp_dataform_find(query), error);
    if (form == NULL) {
        g_prefix_error(error, "the room's configuration: ");
        return NULL;
    }
    if (!g_str_equal(form->type, "form")) {
        g_set_error(error, LV_ERROR, LV_ERROR_PARSING,
                    "the room's configuration is a data form of type '%s', not 'form'", form->type);
        return NULL;
    }
    return g_steal_pointer(&form);
}

xmpp_stanza_t *
lv_xmpp_muc_admin_new_destroy(xmpp_ctx_t *ctx, const char *reason, const char *alternate,
                              GError **error)
{
    gboolean has_alternate = alternate != NULL && alternate[0] != '\0';
    g_autoptr(LvJid) parsed = has_alternate ? lv_jid_parse(alternate, error) : NULL;

    if (has_alternate && parsed == NULL) {
        g_prefix_error(error, "the alternate room: ");
        return NULL;
    }
    xmpp_stanza_t *query = new_query(ctx, LV_NS_MUC_OWNER);
    xmpp_stanza_t *destroy = lv_xmpp_add_child(query, "destroy", NULL);
    if (parsed != NULL) {
        g_autofree char *text = lv_jid_dup_string(parsed);
        xmpp_stanza_set_attribute(destroy, "jid", text);
    }
    add_reason(destroy, reason);
    return query;
}
