/* lv-xmpp-muc: parsing and building MUC presences (see the header). */
#include "lv-xmpp-muc.h"

#include "lv-error.h"
#include "lv-jid.h"

#define NS_STANZAS "urn:ietf:params:xml:ns:xmpp-stanzas"

static const char *const roles[] = { "moderator", "participant", "visitor", "none", NULL };
static const char *const affiliations[] = { "owner", "admin", "member", "outcast", "none", NULL };
static const char *const shows[] = { "away", "chat", "dnd", "xa", NULL };

static const struct {
    const char *code;
    LvMucStatus flag;
} status_table[] = {
    { "110", LV_MUC_STATUS_SELF },
    { "201", LV_MUC_STATUS_NEW_ROOM },
    { "210", LV_MUC_STATUS_NICK_ASSIGNED },
    { "303", LV_MUC_STATUS_NICK_CHANGED },
    { "307", LV_MUC_STATUS_KICKED },
    { "301", LV_MUC_STATUS_BANNED },
    { "321", LV_MUC_STATUS_REMOVED_AFFILIATION },
    { "322", LV_MUC_STATUS_REMOVED_MEMBERS_ONLY },
    { "332", LV_MUC_STATUS_SHUTDOWN },
    { "333", LV_MUC_STATUS_REMOVED_ERROR },
};

void
lv_xmpp_muc_presence_free(LvXmppMucPresence *presence)
{
    if (presence == NULL)
        return;
    g_free(presence->room);
    g_free(presence->nick);
    g_free(presence->show);
    g_free(presence->status);
    g_free(presence->role);
    g_free(presence->affiliation);
    g_free(presence->jid);
    g_free(presence->new_nick);
    g_free(presence->reason);
    g_free(presence->error_condition);
    g_free(presence->error_text);
    g_free(presence);
}

gboolean
lv_xmpp_muc_is_room_presence(xmpp_stanza_t *presence)
{
    return xmpp_stanza_get_child_by_name_and_ns(presence, "x", LV_NS_MUC_USER) != NULL;
}

/* The text of @stanza, NULL if empty or not UTF-8 (transfer full, g_malloc). */
static char *
text_of(xmpp_stanza_t *stanza)
{
    char *text = stanza != NULL ? xmpp_stanza_get_text(stanza) : NULL;
    char *copy = text != NULL && text[0] != '\0' && g_utf8_validate(text, -1, NULL) ? g_strdup(text)
                                                                                    : NULL;

    if (text != NULL)
        xmpp_free(xmpp_stanza_get_context(stanza), text);
    return copy;
}

static char *
child_text(xmpp_stanza_t *stanza, const char *name)
{
    return stanza != NULL ? text_of(xmpp_stanza_get_child_by_name(stanza, name)) : NULL;
}

/* A normalised JID, or NULL if @text is not one (transfer full). */
static char *
normal_jid(const char *text)
{
    g_autoptr(LvJid) jid = text != NULL ? lv_jid_parse(text, NULL) : NULL;

    return jid != NULL ? lv_jid_dup_string(jid) : NULL;
}

static gboolean
parse_item(LvXmppMucPresence *out, xmpp_stanza_t *item, GError **error)
{
    const char *role = xmpp_stanza_get_attribute(item, "role");
    const char *affiliation = xmpp_stanza_get_attribute(item, "affiliation");
    const char *nick = xmpp_stanza_get_attribute(item, "nick");

    if ((role != NULL && !g_strv_contains(roles, role)) ||
        (affiliation != NULL && !g_strv_contains(affiliations, affiliation))) {
        g_set_error(error, LV_ERROR, LV_ERROR_DATA,
                    "an occupant item with an unknown role or affiliation from %s/%s", out->room,
                    out->nick);
        return FALSE;
    }
    out->role = g_strdup(role != NULL ? role : "none");
    out->affiliation = g_strdup(affiliation != NULL ? affiliation : "none");
    out->jid = normal_jid(xmpp_stanza_get_attribute(item, "jid"));
    if (nick != NULL && lv_xmpp_muc_nick_ok(nick))
        out->new_nick = g_strdup(nick);
    out->reason = child_text(item, "reason");
    return TRUE;
}

static void
parse_codes(LvXmppMucPresence *out, xmpp_stanza_t *x)
{
    for (xmpp_stanza_t *c = xmpp_stanza_get_children(x); c != NULL; c = xmpp_stanza_get_next(c)) {
        if (g_strcmp0(xmpp_stanza_get_name(c), "status") != 0)
            continue;
        const char *code = xmpp_stanza_get_attribute(c, "code");
        for (gsize i = 0; code != NULL && i < G_N_ELEMENTS(status_table); i++) {
            if (g_str_equal(code, status_table[i].code))
                out->status_codes |= status_table[i].flag;
        }
    }
}

static gboolean
parse_user_x(LvXmppMucPresence *out, xmpp_stanza_t *x, GError **error)
{
    xmpp_stanza_t *item = xmpp_stanza_get_child_by_name(x, "item");
    xmpp_stanza_t *destroy = xmpp_stanza_get_child_by_name(x, "destroy");

    parse_codes(out, x);
    if (item != NULL && !parse_item(out, item, error))
        return FALSE;
    if (item == NULL) {
        out->role = g_strdup("none");
        out->affiliation = g_strdup("none");
    }
    if (!(out->status_codes & LV_MUC_STATUS_NICK_CHANGED))
        g_clear_pointer(&out->new_nick, g_free);
    if (destroy != NULL) {
        out->destroyed = TRUE;
        g_free(out->reason);
        out->reason = child_text(destroy, "reason");
    }
    return TRUE;
}

static void
parse_error(LvXmppMucPresence *out, xmpp_stanza_t *presence)
{
    xmpp_stanza_t *error = xmpp_stanza_get_child_by_name(presence, "error");

    for (xmpp_stanza_t *c = error != NULL ? xmpp_stanza_get_children(error) : NULL; c != NULL;
         c = xmpp_stanza_get_next(c)) {
        if (g_strcmp0(xmpp_stanza_get_ns(c), NS_STANZAS) != 0 || xmpp_stanza_is_text(c))
            continue;
        if (g_strcmp0(xmpp_stanza_get_name(c), "text") == 0)
            out->error_text = text_of(c);
        else if (out->error_condition == NULL)
            out->error_condition = g_strdup(xmpp_stanza_get_name(c));
    }
    if (out->error_condition == NULL)
        out->error_condition = g_strdup("undefined-condition");
}

static void
parse_show(LvXmppMucPresence *out, xmpp_stanza_t *presence)
{
    g_autofree char *show = child_text(presence, "show");
    g_autofree char *priority = child_text(presence, "priority");

    if (!out->available)
        out->show = g_strdup("unavailable");
    else
        out->show = g_strdup(show != NULL && g_strv_contains(shows, show) ? show : "");
    out->status = child_text(presence, "status");
    out->priority =
            priority != NULL ? (int)CLAMP(g_ascii_strtoll(priority, NULL, 10), -128, 127) : 0;
}

LvXmppMucPresence *
lv_xmpp_muc_presence_parse(xmpp_stanza_t *presence, GError **error)
{
    const char *type = xmpp_stanza_get_type(presence);
    g_autoptr(LvJid) from = lv_jid_parse(xmpp_stanza_get_from(presence), NULL);
    xmpp_stanza_t *x = xmpp_stanza_get_child_by_name_and_ns(presence, "x", LV_NS_MUC_USER);

    if (from == NULL || lv_jid_get_local(from) == NULL) {
        g_set_error(error, LV_ERROR, LV_ERROR_DATA, "a room presence from %s: not a room JID",
                    xmpp_stanza_get_from(presence) != NULL ? xmpp_stanza_get_from(presence)
                                                           : "nobody");
        return NULL;
    }
    if (type != NULL && g_strcmp0(type, "unavailable") != 0 && g_strcmp0(type, "error") != 0) {
        g_set_error(error, LV_ERROR, LV_ERROR_DATA, "a room presence of type %s", type);
        return NULL;
    }
    g_autoptr(LvXmppMucPresence) out = g_new0(LvXmppMucPresence, 1);
    out->room = lv_jid_dup_bare(from);
    out->nick = g_strdup(lv_jid_get_resource(from));
    if (g_strcmp0(type, "error") == 0) {
        parse_error(out, presence);
        return g_steal_pointer(&out);
    }
    if (out->nick == NULL) {
        g_set_error(error, LV_ERROR, LV_ERROR_DATA, "a room presence from %s without a nick",
                    out->room);
        return NULL;
    }
    out->available = type == NULL;
    parse_show(out, presence);
    if (x != NULL && !parse_user_x(out, x, error))
        return NULL;
    if (x == NULL) {
        out->role = g_strdup("none");
        out->affiliation = g_strdup("none");
    }
    return g_steal_pointer(&out);
}

static void
add_text_child(xmpp_stanza_t *parent, const char *name, const char *text)
{
    xmpp_ctx_t *ctx = xmpp_stanza_get_context(parent);
    xmpp_stanza_t *child = xmpp_stanza_new(ctx);
    xmpp_stanza_t *node = xmpp_stanza_new(ctx);

    xmpp_stanza_set_name(child, name);
    xmpp_stanza_set_text(node, text);
    xmpp_stanza_add_child_ex(child, node, 0);
    xmpp_stanza_add_child_ex(parent, child, 0);
}

static xmpp_stanza_t *
add_child(xmpp_stanza_t *parent, const char *name, const char *ns)
{
    xmpp_stanza_t *child = xmpp_stanza_new(xmpp_stanza_get_context(parent));

    xmpp_stanza_set_name(child, name);
    if (ns != NULL)
        xmpp_stanza_set_ns(child, ns);
    xmpp_stanza_add_child_ex(parent, child, 0);
    return child;
}

static void
add_history(xmpp_stanza_t *x, const LvXmppMucHistory *history)
{
    xmpp_stanza_t *element = NULL;

    if (history == NULL ||
        (history->maxstanzas < 0 && history->seconds < 0 && history->since == NULL))
        return;
    element = add_child(x, "history", NULL);
    if (history->maxstanzas >= 0) {
        g_autofree char *value = g_strdup_printf("%d", history->maxstanzas);
        xmpp_stanza_set_attribute(element, "maxstanzas", value);
    }
    if (history->seconds >= 0) {
        g_autofree char *value = g_strdup_printf("%d", history->seconds);
        xmpp_stanza_set_attribute(element, "seconds", value);
    }
    if (history->since != NULL)
        xmpp_stanza_set_attribute(element, "since", history->since);
}

xmpp_stanza_t *
lv_xmpp_muc_build_join(xmpp_ctx_t *ctx, const char *room, const char *nick, const char *password,
                       const LvXmppMucHistory *history)
{
    xmpp_stanza_t *presence = xmpp_presence_new(ctx);
    g_autofree char *to = g_strconcat(room, "/", nick, NULL);

    xmpp_stanza_set_to(presence, to);
    xmpp_stanza_t *x = add_child(presence, "x", LV_NS_MUC);
    if (password != NULL && password[0] != '\0')
        add_text_child(x, "password", password);
    add_history(x, history);
    return presence;
}

gboolean
lv_xmpp_muc_nick_ok(const char *nick)
{
    g_autofree char *full = NULL;
    g_autoptr(LvJid) jid = NULL;

    if (nick == NULL || nick[0] == '\0')
        return FALSE;
    full = g_strconcat("r@s/", nick, NULL);
    jid = lv_jid_parse(full, NULL);
    return jid != NULL && g_strcmp0(lv_jid_get_resource(jid), nick) == 0;
}

const char *
lv_xmpp_muc_error_describe(const char *condition)
{
    static const struct {
        const char *condition, *text;
    } table[] = {
        { "conflict", "nickname already in use" },
        { "not-authorized", "a password is required (or the one given is wrong)" },
        { "forbidden", "we are banned from the room" },
        { "registration-required", "the room is for members only" },
        { "item-not-found", "the room does not exist or is locked" },
        { "service-unavailable", "the room is full" },
        { "not-acceptable", "the nick is refused by the room" },
        { "not-allowed", "the room cannot be created" },
        { "jid-malformed", "the nick is not valid" },
    };

    for (gsize i = 0; condition != NULL && i < G_N_ELEMENTS(table); i++) {
        if (g_str_equal(condition, table[i].condition))
            return table[i].text;
    }
    return "the room refused us";
}

gboolean
lv_xmpp_muc_error_is_passing(const char *condition)
{
    /* The room or its service is not there or not able for now (restarting, full,
     * overloaded); the refusals of us or our nick are not in this list. */
    static const char *const passing[] = {
        "remote-server-not-found",
        "remote-server-timeout",
        "service-unavailable",
        "internal-server-error",
        "resource-constraint",
        "recipient-unavailable",
        NULL,
    };

    return condition != NULL && g_strv_contains(passing, condition);
}
