/* tui-app-signals: what the backend's signals do to the TUI: new messages (and
 * the unread counts and notifications they bring), presences, chat states,
 * contacts added or removed, rooms joined or left, subjects and nicks. Signals of
 * other profiles are ignored. */
#include <string.h>

#include <json-glib/json-glib.h>

#include "tui-app.h"

static char *
bare_of(const char *jid)
{
    const char *slash = strchr(jid, '/');

    return slash != NULL ? g_strndup(jid, (gsize)(slash - jid)) : g_strdup(jid);
}

static const char *
resource_of(const char *jid)
{
    const char *slash = strchr(jid, '/');

    return slash != NULL ? slash + 1 : "";
}

/* The text of a {lang: text} dict: the default language first, else any. */
static char *
dup_text(GVariant *texts)
{
    const char *text = NULL;
    GVariantIter iter;
    const char *lang = NULL;

    if (g_variant_lookup(texts, "", "&s", &text))
        return g_strdup(text);
    g_variant_iter_init(&iter, texts);
    if (g_variant_iter_next(&iter, "{&s&s}", &lang, &text))
        return g_strdup(text);
    return g_strdup("");
}

/* The "state" member of a message's extra (JSON), or "". */
static char *
dup_state(const char *extra)
{
    g_autoptr(JsonParser) parser = json_parser_new();

    if (extra == NULL || extra[0] != '{' || !json_parser_load_from_data(parser, extra, -1, NULL))
        return g_strdup("");
    JsonNode *root = json_parser_get_root(parser);
    if (!JSON_NODE_HOLDS_OBJECT(root))
        return g_strdup("");
    JsonNode *state = json_object_get_member(json_node_get_object(root), "state");
    if (state == NULL || !JSON_NODE_HOLDS_VALUE(state) ||
        json_node_get_value_type(state) != G_TYPE_STRING)
        return g_strdup("");
    return g_strdup(json_node_get_string(state));
}

static gboolean
is_own(TuiApp *app, TuiChat *chat, const char *from)
{
    g_autofree char *bare = bare_of(from);

    if (app->own_jid != NULL && g_str_equal(bare, app->own_jid))
        return TRUE;
    return tui_chat_is_room(chat) && g_str_equal(bare, tui_chat_get_jid(chat)) &&
           g_str_equal(resource_of(from), tui_chat_get_nick(chat));
}

void
tui_app_fill_message(TuiApp *app, TuiChat *chat, TuiMessage *m, const char *uid, double timestamp,
                     const char *from, GVariant *message, const char *extra)
{
    g_autofree char *bare = bare_of(from);

    m->uid = (char *)uid;
    m->timestamp = timestamp;
    m->from = (char *)from;
    m->own = is_own(app, chat, from);
    m->body = dup_text(message);
    m->state = dup_state(extra);
    if (tui_chat_is_room(chat) && m->own) {
        m->nick = g_strdup(tui_chat_get_nick(chat));
    } else if (tui_chat_is_room(chat)) {
        m->nick = g_strdup(resource_of(from));
    } else {
        /* A short name: the local part (the roster name would be longer). */
        const char *at = strchr(bare, '@');
        m->nick = at != NULL ? g_strndup(bare, (gsize)(at - bare)) : g_strdup(bare);
    }
}

/* The chat a message belongs to: the room, or the other party. */
static char *
dup_chat_jid(TuiApp *app, const char *from, const char *to, const char *type)
{
    g_autofree char *from_bare = bare_of(from);

    /* Ours (sent here, or a carbon, or to a room): the chat is the recipient's. */
    if (app->own_jid != NULL && g_str_equal(from_bare, app->own_jid))
        return bare_of(to);
    if (g_str_equal(type, "groupchat"))
        return g_steal_pointer(&from_bare);
    return g_steal_pointer(&from_bare);
}

static void
on_message_new(TuiApp *app, GVariant *params)
{
    const char *uid = NULL, *from = NULL, *to = NULL, *type = NULL, *extra = NULL;
    double timestamp = 0;
    g_autoptr(GVariant) message = NULL;
    g_autoptr(GVariant) subject = NULL;

    g_variant_get(params, "(&sd&s&s@a{ss}@a{ss}&s&s&s)", &uid, &timestamp, &from, &to, &message,
                  &subject, &type, &extra, NULL);
    if (g_str_equal(type, "headline") || g_str_equal(type, "info"))
        return;
    g_autofree char *jid = dup_chat_jid(app, from, to, type);
    TuiChat *chat = tui_app_ensure_chat(app, jid, g_str_equal(type, "groupchat"));
    TuiMessage m = { 0 };
    tui_app_fill_message(app, chat, &m, uid, timestamp, from, message, extra);
    gboolean added = m.body[0] != '\0' && tui_chat_add_message(chat, &m);
    if (added && !m.own && chat != app->current) {
        tui_chat_set_unread(chat, tui_chat_get_unread(chat) + 1);
        tui_roster_set_unread(app->roster, jid, tui_chat_get_unread(chat));
        tui_notify_send(app->notify, m.nick, m.body);
    }
    if (added && !m.own)
        tui_chat_set_chat_state(chat, "");
    g_free(m.nick);
    g_free(m.body);
    g_free(m.state);
    tui_app_redraw(app);
}

static void
on_message_state(TuiApp *app, GVariant *params)
{
    const char *uid = NULL, *state = NULL;
    GHashTableIter iter;
    TuiChat *chat = NULL;

    g_variant_get(params, "(&s&s&s)", &uid, &state, NULL);
    g_hash_table_iter_init(&iter, app->chats);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&chat)) {
        if (tui_chat_set_state(chat, uid, state)) {
            tui_app_redraw(app);
            return;
        }
    }
}

static void
on_presence(TuiApp *app, GVariant *params)
{
    const char *entity = NULL, *show = NULL;
    gint32 priority = 0;

    g_variant_get(params, "(&s&si@a{ss}&s)", &entity, &show, &priority, NULL, NULL);
    g_autofree char *bare = bare_of(entity);
    TuiChat *room = g_hash_table_lookup(app->chats, bare);
    if (room != NULL && tui_chat_is_room(room)) {
        /* An occupant, never a contact's presence. */
        if (g_str_equal(show, "unavailable"))
            tui_chat_remove_occupant(room, resource_of(entity));
        else if (resource_of(entity)[0] != '\0')
            tui_chat_set_occupant(room, resource_of(entity), "");
    } else {
        tui_roster_set_presence(app->roster, entity, show, priority);
    }
    tui_app_redraw(app);
}

static void
on_chat_state(TuiApp *app, GVariant *params)
{
    const char *from = NULL, *state = NULL;

    g_variant_get(params, "(&s&s&s)", &from, &state, NULL);
    g_autofree char *bare = bare_of(from);
    TuiChat *chat = g_hash_table_lookup(app->chats, bare);
    if (chat == NULL || tui_chat_is_room(chat))
        return;
    tui_chat_set_chat_state(chat, state);
    tui_app_redraw(app);
}

static void
on_new_contact(TuiApp *app, GVariant *params)
{
    const char *jid = NULL, *name = NULL;
    g_autoptr(GVariant) attributes = NULL;
    g_autofree const char **groups = NULL;

    g_variant_get(params, "(&s@a{ss}^a&s&s)", &jid, &attributes, &groups, NULL);
    if (!g_variant_lookup(attributes, "name", "&s", &name))
        name = NULL;
    tui_roster_set_contact(app->roster, jid, name, groups);
    tui_app_redraw(app);
}

static void
on_contact_deleted(TuiApp *app, GVariant *params)
{
    const char *jid = NULL;

    g_variant_get(params, "(&s&s)", &jid, NULL);
    tui_roster_remove_contact(app->roster, jid);
    tui_app_redraw(app);
}

void
tui_app_set_room(TuiApp *app, const char *room_jid, GVariant *occupants, const char *nick,
                 const char *subject)
{
    TuiChat *chat = tui_app_ensure_chat(app, room_jid, TRUE);
    GVariantIter iter;
    const char *occupant = NULL;
    GVariant *data = NULL;

    tui_chat_set_nick(chat, nick);
    tui_chat_set_subject(chat, subject);
    g_variant_iter_init(&iter, occupants);
    while (g_variant_iter_next(&iter, "{&s@a{ss}}", &occupant, &data)) {
        const char *role = NULL;
        if (!g_variant_lookup(data, "role", "&s", &role))
            role = "";
        tui_chat_set_occupant(chat, occupant, role);
        g_variant_unref(data);
    }
    tui_roster_add_room(app->roster, room_jid);
}

static void
on_room_joined(TuiApp *app, GVariant *params)
{
    const char *room = NULL, *nick = NULL, *subject = NULL;
    g_autoptr(GVariant) occupants = NULL;

    g_variant_get(params, "(&s@a{sa{ss}}&s&s@as&s)", &room, &occupants, &nick, &subject, NULL,
                  NULL);
    tui_app_set_room(app, room, occupants, nick, subject);
    tui_app_set_status(app, "joined %s as %s", room, nick);
}

static void
on_room_left(TuiApp *app, GVariant *params)
{
    const char *room = NULL;

    g_variant_get(params, "(&s&s)", &room, NULL);
    tui_roster_remove_room(app->roster, room);
    tui_app_set_status(app, "left %s", room);
}

static void
on_room_subject(TuiApp *app, GVariant *params)
{
    const char *room = NULL, *subject = NULL;

    g_variant_get(params, "(&s&s&s)", &room, &subject, NULL);
    tui_chat_set_subject(tui_app_ensure_chat(app, room, TRUE), subject);
    tui_app_redraw(app);
}

static void
on_room_nick(TuiApp *app, GVariant *params)
{
    const char *room = NULL, *old_nick = NULL, *new_nick = NULL;

    g_variant_get(params, "(&s&s&s&s)", &room, &old_nick, &new_nick, NULL);
    tui_chat_rename_occupant(tui_app_ensure_chat(app, room, TRUE), old_nick, new_nick);
    tui_app_redraw(app);
}

static void
on_disconnected(TuiApp *app, GVariant *params)
{
    tui_roster_clear(app->roster);
    tui_app_set_status(app, "disconnected from the XMPP server (:connect or wait)");
}

static void
on_connected(TuiApp *app, GVariant *params)
{
    tui_app_reload(app);
}

typedef struct {
    const char *name;
    void (*handle)(TuiApp *app, GVariant *params);
    guint profile_arg; /* the position of the profile argument */
} SignalHandler;

static const SignalHandler handlers[] = {
    { "messageNew", on_message_new, 8 },         { "messageState", on_message_state, 2 },
    { "presenceUpdate", on_presence, 4 },        { "chatStateReceived", on_chat_state, 2 },
    { "newContact", on_new_contact, 3 },         { "contactDeleted", on_contact_deleted, 1 },
    { "mucRoomJoined", on_room_joined, 5 },      { "mucRoomLeft", on_room_left, 1 },
    { "mucRoomNewSubject", on_room_subject, 2 }, { "mucRoomUserChangedNick", on_room_nick, 3 },
    { "disconnected", on_disconnected, 0 },      { "connected", on_connected, 1 },
};

void
tui_app_on_signal(LvBridge *bridge, const char *name, GVariant *params, gpointer user_data)
{
    TuiApp *app = user_data;

    if (app->phase != TUI_PHASE_MAIN || app->profile == NULL)
        return;
    for (guint i = 0; i < G_N_ELEMENTS(handlers); i++) {
        if (!g_str_equal(handlers[i].name, name))
            continue;
        g_autoptr(GVariant) profile = g_variant_get_child_value(params, handlers[i].profile_arg);
        if (g_variant_is_of_type(profile, G_VARIANT_TYPE_STRING) &&
            g_str_equal(g_variant_get_string(profile, NULL), app->profile))
            handlers[i].handle(app, params);
        return;
    }
}
