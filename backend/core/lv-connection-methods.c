/* lv-connection-methods: connect, disconnect and isConnected on the bridge, and
 * what needs a connection: roster, subscriptions, presence. */
#include "lv-connections.h"
#include "lv-profiles.h"
#include "lv-roster.h"

typedef struct {
    LvBackend *backend;
    LvInvocation *invocation;
} PendingConnect;

static void
on_session(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autofree PendingConnect *pending = user_data;
    LvProfiles *profiles = lv_backend_get_profiles(pending->backend);
    GError *error = NULL;
    gboolean already = FALSE;
    const char *key = NULL;

    if (!lv_profiles_start_session_finish(profiles, result, &already, &error)) {
        lv_invocation_return_error(pending->invocation, error);
        return;
    }
    g_variant_get(lv_invocation_get_parameters(pending->invocation), "(&s&s@a{ss})", &key, NULL,
                  NULL);
    g_autoptr(LvStoredProfile) profile = lv_profiles_resolve(profiles, key, &error);
    if (profile == NULL) {
        lv_invocation_return_error(pending->invocation, error);
        return;
    }
    lv_connections_connect(lv_backend_get_connections(pending->backend), profile->name,
                           pending->invocation);
}

/* As Libervia: connecting starts the profile's session with @password first. */
static void
method_connect(LvBackend *backend, LvInvocation *invocation)
{
    const char *key = NULL, *password = NULL;
    PendingConnect *pending = g_new0(PendingConnect, 1);

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s@a{ss})", &key, &password, NULL);
    pending->backend = backend;
    pending->invocation = invocation;
    lv_profiles_start_session_async(lv_backend_get_profiles(backend), key, password, on_session,
                                    pending);
}

static void
method_disconnect(LvBackend *backend, LvInvocation *invocation)
{
    const char *key = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s)", &key);
    g_autoptr(LvStoredProfile) profile =
            lv_profiles_resolve_for(lv_backend_get_profiles(backend), invocation, key);
    if (profile != NULL)
        lv_connections_disconnect(lv_backend_get_connections(backend), profile->name, invocation);
}

static void
method_is_connected(LvBackend *backend, LvInvocation *invocation)
{
    const char *key = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s)", &key);
    g_autoptr(LvStoredProfile) profile =
            lv_profiles_resolve_for(lv_backend_get_profiles(backend), invocation, key);
    if (profile == NULL)
        return;
    gboolean connected =
            lv_connections_is_connected(lv_backend_get_connections(backend), profile->name);
    lv_invocation_return_value(invocation, g_variant_new("(b)", connected));
}

static void
method_get_contacts(LvBackend *backend, LvInvocation *invocation)
{
    const char *key = NULL;
    GError *error = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s)", &key);
    g_autoptr(LvStoredProfile) profile =
            lv_profiles_resolve_for(lv_backend_get_profiles(backend), invocation, key);
    if (profile == NULL)
        return;
    GVariant *contacts =
            lv_connections_get_contacts(lv_backend_get_connections(backend), profile->name, &error);
    lv_invocation_return_single(invocation, contacts, error);
}

static void
method_contact_get(LvBackend *backend, LvInvocation *invocation)
{
    const char *jid = NULL, *key = NULL;
    GError *error = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s)", &jid, &key);
    g_autoptr(LvStoredProfile) profile =
            lv_profiles_resolve_for(lv_backend_get_profiles(backend), invocation, key);
    if (profile == NULL)
        return;
    GVariant *item = lv_connections_get_contact(lv_backend_get_connections(backend), profile->name,
                                                jid, &error);
    if (item == NULL) {
        lv_invocation_return_error(invocation, error);
        return;
    }
    g_autoptr(GVariant) attributes = g_variant_get_child_value(item, 1);
    g_autoptr(GVariant) groups = g_variant_get_child_value(item, 2);
    lv_invocation_return_value(invocation, g_variant_new("((@a{ss}@as))", attributes, groups));
}

static void
method_set_presence(LvBackend *backend, LvInvocation *invocation)
{
    const char *to = NULL, *show = NULL, *key = NULL;
    g_autoptr(GVariant) statuses = NULL;
    GError *error = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s@a{ss}&s)", &to, &show, &statuses,
                  &key);
    g_autoptr(LvStoredProfile) profile =
            lv_profiles_resolve_for(lv_backend_get_profiles(backend), invocation, key);
    if (profile == NULL)
        return;
    if (!lv_connections_send_presence(lv_backend_get_connections(backend), profile->name, to, show,
                                      statuses, &error))
        lv_invocation_return_error(invocation, error);
    else
        lv_invocation_return_value(invocation, NULL);
}

static void
method_presence_statuses(LvBackend *backend, LvInvocation *invocation)
{
    const char *key = NULL;
    GError *error = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s)", &key);
    g_autoptr(LvStoredProfile) profile =
            lv_profiles_resolve_for(lv_backend_get_profiles(backend), invocation, key);
    if (profile == NULL)
        return;
    GVariant *all = lv_connections_get_presences(lv_backend_get_connections(backend), profile->name,
                                                 &error);
    lv_invocation_return_single(invocation, all, error);
}

static void
method_main_resource(LvBackend *backend, LvInvocation *invocation)
{
    const char *jid = NULL, *key = NULL;
    GError *error = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s)", &jid, &key);
    g_autoptr(LvStoredProfile) profile =
            lv_profiles_resolve_for(lv_backend_get_profiles(backend), invocation, key);
    if (profile == NULL)
        return;
    g_autofree char *resource = lv_connections_dup_main_resource(
            lv_backend_get_connections(backend), profile->name, jid, &error);
    if (resource == NULL)
        lv_invocation_return_error(invocation, error);
    else
        lv_invocation_return_value(invocation, g_variant_new("(s)", resource));
}

static void
method_add_contact(LvBackend *backend, LvInvocation *invocation)
{
    const char *jid = NULL, *key = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s)", &jid, &key);
    g_autoptr(LvStoredProfile) profile =
            lv_profiles_resolve_for(lv_backend_get_profiles(backend), invocation, key);
    if (profile != NULL)
        lv_connections_roster_set(lv_backend_get_connections(backend), profile->name, jid, NULL,
                                  NULL, FALSE, TRUE, invocation);
}

static void
method_update_contact(LvBackend *backend, LvInvocation *invocation)
{
    const char *jid = NULL, *name = NULL, *key = NULL;
    g_autofree const char **groups = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s^a&s&s)", &jid, &name, &groups,
                  &key);
    g_autoptr(LvStoredProfile) profile =
            lv_profiles_resolve_for(lv_backend_get_profiles(backend), invocation, key);
    if (profile != NULL)
        lv_connections_roster_set(lv_backend_get_connections(backend), profile->name, jid, name,
                                  groups, FALSE, FALSE, invocation);
}

static void
method_del_contact(LvBackend *backend, LvInvocation *invocation)
{
    const char *jid = NULL, *key = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s)", &jid, &key);
    g_autoptr(LvStoredProfile) profile =
            lv_profiles_resolve_for(lv_backend_get_profiles(backend), invocation, key);
    if (profile != NULL)
        lv_connections_roster_set(lv_backend_get_connections(backend), profile->name, jid, NULL,
                                  NULL, TRUE, FALSE, invocation);
}

static LvRoster *
roster_of(LvBackend *backend)
{
    return lv_connections_get_roster(lv_backend_get_connections(backend));
}

static void
method_contacts_from_group(LvBackend *backend, LvInvocation *invocation)
{
    const char *group = NULL, *key = NULL;
    GError *error = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s)", &group, &key);
    g_autoptr(LvStoredProfile) profile =
            lv_profiles_resolve_for(lv_backend_get_profiles(backend), invocation, key);
    if (profile == NULL)
        return;
    GVariant *jids = lv_roster_get_group(roster_of(backend), profile->name, group, &error);
    lv_invocation_return_single(invocation, jids, error);
}

static void
method_subscription(LvBackend *backend, LvInvocation *invocation)
{
    const char *type = NULL, *jid = NULL, *key = NULL;
    GError *error = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s&s)", &type, &jid, &key);
    g_autoptr(LvStoredProfile) profile =
            lv_profiles_resolve_for(lv_backend_get_profiles(backend), invocation, key);
    if (profile == NULL)
        return;
    if (!lv_roster_subscription(roster_of(backend), profile->name, type, jid, &error))
        lv_invocation_return_error(invocation, error);
    else
        lv_invocation_return_value(invocation, NULL);
}

static void
method_waiting_sub(LvBackend *backend, LvInvocation *invocation)
{
    const char *key = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s)", &key);
    g_autoptr(LvStoredProfile) profile =
            lv_profiles_resolve_for(lv_backend_get_profiles(backend), invocation, key);
    if (profile == NULL)
        return;
    GVariant *waiting = lv_roster_get_waiting(roster_of(backend), profile->name);
    lv_invocation_return_value(invocation, g_variant_new_tuple(&waiting, 1));
}

static void
method_roster_resync(LvBackend *backend, LvInvocation *invocation)
{
    const char *key = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s)", &key);
    g_autoptr(LvStoredProfile) profile =
            lv_profiles_resolve_for(lv_backend_get_profiles(backend), invocation, key);
    if (profile != NULL)
        lv_roster_resync(roster_of(backend), profile->name, invocation);
}

static const LvMethod connection_methods[] = {
    { "addContact", method_add_contact },
    { "updateContact", method_update_contact },
    { "delContact", method_del_contact },
    { "setPresence", method_set_presence },
    { "getPresenceStatuses", method_presence_statuses },
    { "getMainResource", method_main_resource },
    { "getContacts", method_get_contacts },
    { "contactGet", method_contact_get },
    { "getContactsFromGroup", method_contacts_from_group },
    { "subscription", method_subscription },
    { "getWaitingSub", method_waiting_sub },
    { "rosterResync", method_roster_resync },
    { "connect", method_connect },
    { "disconnect", method_disconnect },
    { "isConnected", method_is_connected },
    { NULL, NULL },
};

const LvMethod *
lv_connection_methods(void)
{
    return connection_methods;
}
