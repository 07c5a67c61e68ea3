/* lv-xep-0045-muc: multi-user chat on the bridge (plugin interface, Libervia 0.9's
 * names and signatures). The rooms live in the account's thread
 * (backend/xmpp/lv-xmpp-account-muc.c); here the main thread checks the call and
 * parks it for the thread's answer. */
#include "lv-config.h"
#include "lv-error.h"
#include "lv-jid.h"
#include "lv-plugins.h"
#include "lv-xmpp-muc.h"

#define CONFIG_SECTION "plugin muc"

/* A room JID must be bare, with a local part. */
static gboolean
check_room(LvInvocation *invocation, const char *room)
{
    g_autoptr(LvJid) jid = lv_jid_parse(room, NULL);

    if (jid == NULL || lv_jid_get_local(jid) == NULL || lv_jid_get_resource(jid) != NULL) {
        lv_invocation_return_new_error(invocation, LV_ERROR_DATA,
                                       "\"%s\" is not a room JID (room@service)", room);
        return FALSE;
    }
    return TRUE;
}

static void
method_join(LvBackend *backend, LvInvocation *invocation)
{
    const char *room = NULL, *nick = NULL, *key = NULL;
    g_autoptr(GVariant) options = NULL;
    g_autofree char *request_id = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s@a{ss}&s)", &room, &nick,
                  &options, &key);
    if (!check_room(invocation, room))
        return;
    if (!lv_xmpp_muc_nick_ok(nick)) {
        lv_invocation_return_new_error(invocation, LV_ERROR_DATA, "\"%s\" is not a valid nick",
                                       nick);
        return;
    }
    LvXmppAccount *account = lv_plugins_park_request(backend, invocation, key, room, &request_id);
    if (account != NULL)
        lv_xmpp_account_muc_join(account, request_id, room, nick, options);
}

/* The methods (room, [text,] profile_key). */
static void
room_method(LvBackend *backend, LvInvocation *invocation, gboolean with_text,
            void (*ask)(LvXmppAccount *, const char *, const char *),
            void (*ask_text)(LvXmppAccount *, const char *, const char *, const char *))
{
    const char *room = NULL, *text = NULL, *key = NULL;
    g_autofree char *request_id = NULL;

    if (with_text)
        g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s&s)", &room, &text, &key);
    else
        g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s)", &room, &key);
    if (!check_room(invocation, room))
        return;
    LvXmppAccount *account = lv_plugins_park_request(backend, invocation, key, room, &request_id);
    if (account == NULL)
        return;
    if (with_text)
        ask_text(account, request_id, room, text);
    else
        ask(account, request_id, room);
}

static void
method_nick(LvBackend *backend, LvInvocation *invocation)
{
    room_method(backend, invocation, TRUE, NULL, lv_xmpp_account_muc_nick);
}

static void
method_subject(LvBackend *backend, LvInvocation *invocation)
{
    room_method(backend, invocation, TRUE, NULL, lv_xmpp_account_muc_subject);
}

static void
method_leave(LvBackend *backend, LvInvocation *invocation)
{
    room_method(backend, invocation, FALSE, lv_xmpp_account_muc_leave, NULL);
}

static void
method_nick_get(LvBackend *backend, LvInvocation *invocation)
{
    room_method(backend, invocation, FALSE, lv_xmpp_account_muc_nick_get, NULL);
}

static void
method_occupants(LvBackend *backend, LvInvocation *invocation)
{
    room_method(backend, invocation, FALSE, lv_xmpp_account_muc_occupants, NULL);
}

static void
method_rooms_joined(LvBackend *backend, LvInvocation *invocation)
{
    const char *key = NULL;
    g_autofree char *request_id = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s)", &key);
    LvXmppAccount *account = lv_plugins_park_request(backend, invocation, key, NULL, &request_id);
    if (account != NULL)
        lv_xmpp_account_muc_rooms(account, request_id);
}

static char *
default_muc(LvBackend *backend)
{
    g_autoptr(GError) error = NULL;
    char *room = lv_config_dup_string(lv_backend_get_config(backend), CONFIG_SECTION, "default_muc",
                                      &error);

    if (room == NULL)
        g_message("[%s] default_muc: %s", CONFIG_SECTION, error->message);
    return room != NULL ? room : g_strdup("");
}

static void
method_default_service(LvBackend *backend, LvInvocation *invocation)
{
    g_autofree char *room = default_muc(backend);

    lv_invocation_return_value(invocation, g_variant_new("(s)", room));
}

/* A fresh room name on @service ("": the service of the default room). */
static void
method_unique_room_name(LvBackend *backend, LvInvocation *invocation)
{
    const char *service = NULL, *key = NULL;
    g_autofree char *fallback = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s)", &service, &key);
    if (service[0] == '\0') {
        fallback = default_muc(backend);
        const char *at = strchr(fallback, '@');
        service = at != NULL ? at + 1 : fallback;
    }
    g_autoptr(LvJid) jid = lv_jid_parse(service, NULL);
    if (jid == NULL || lv_jid_get_local(jid) != NULL || lv_jid_get_resource(jid) != NULL) {
        lv_invocation_return_new_error(invocation, LV_ERROR_DATA, "\"%s\" is not a MUC service JID",
                                       service);
        return;
    }
    g_autofree char *uuid = g_uuid_string_random();
    g_autofree char *room = g_strconcat(uuid, "@", lv_jid_get_domain(jid), NULL);
    lv_invocation_return_value(invocation, g_variant_new("(s)", room));
}

static void
method_get_service(LvBackend *backend, LvInvocation *invocation)
{
    const char *server = NULL, *key = NULL;
    g_autofree char *request_id = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s)", &server, &key);
    LvXmppAccount *account = lv_plugins_park_request(backend, invocation, key, server, &request_id);
    if (account != NULL)
        lv_xmpp_account_muc_service(account, request_id, server);
}

void
lv_xep_0045_start(LvBackend *backend)
{
    g_autoptr(GError) error = NULL;
    gint64 seconds = lv_config_get_int(lv_backend_get_config(backend), CONFIG_SECTION,
                                       "self_ping_interval", 900, &error);

    if (error != NULL || seconds <= 0 || seconds > G_MAXUINT) {
        g_warning("[%s] self_ping_interval: %s", CONFIG_SECTION,
                  error != NULL ? error->message : "must be a positive number of seconds");
        seconds = 900;
    }
    lv_xmpp_muc_set_self_ping_interval((guint)seconds);
}

static const LvMethod methods[] = {
    { "mucJoin", method_join },
    { "mucNick", method_nick },
    { "mucNickGet", method_nick_get },
    { "mucLeave", method_leave },
    { "mucOccupantsGet", method_occupants },
    { "mucSubject", method_subject },
    { "mucGetRoomsJoined", method_rooms_joined },
    { "mucGetUniqueRoomName", method_unique_room_name },
    { "mucGetDefaultService", method_default_service },
    { "mucGetService", method_get_service },
    { NULL, NULL },
};

const LvMethod *
lv_xep_0045_methods(void)
{
    return methods;
}
