/* lv-connections: profiles' connections on the main thread's side. */
#include "lv-connections.h"

#include <stdlib.h>
#include <string.h>

#include "lv-crypto.h"
#include "lv-jid.h"
#include "lv-message-store.h"
#include "lv-network-watch.h"
#include "lv-params.h"
#include "lv-profile-params.h"
#include "lv-profiles.h"
#include "lv-roster.h"
#include "lv-xmpp-account.h"

/* Reconnection after a lost connection: exponential backoff with jitter. */
#define BACKOFF_FIRST_MS 1000
#define BACKOFF_MAX_MS 60000

typedef struct {
    LvConnections *connections;
    char *profile;
    LvXmppAccount *account;
    char *jid;                     /* the bound full JID once connected, else the bare one */
    GHashTable *roster;            /* JID → GVariant (sa{ss}as) */
    GHashTable *presences;         /* bare JID → (resource → GVariant (sia{ss})) */
    GHashTable *requests;          /* request id → LvInvocation* waiting for the reply */
    guint retry_source;            /* a reconnection is scheduled */
    guint attempts;                /* failed reconnections since the loss */
    GPtrArray *waiting_connect;    /* LvInvocation* */
    GPtrArray *waiting_disconnect; /* LvInvocation* */
} Connection;

struct _LvConnections {
    LvBackend *backend;
    GHashTable *by_profile;  /* profile name → Connection* */
    LvRoster *roster;        /* versions, subscriptions, groups (lv-roster.c) */
    LvNetworkWatch *network; /* the machine's network changes (lv-network-watch.c) */
};

static void
answer_all(GPtrArray *waiting, GVariant *value, const GError *error)
{
    for (guint i = 0; i < waiting->len; i++) {
        LvInvocation *invocation = waiting->pdata[i];
        if (error != NULL)
            lv_invocation_return_error(invocation, g_error_copy(error));
        else
            lv_invocation_return_value(invocation, value != NULL ? g_variant_ref(value) : NULL);
    }
    g_ptr_array_set_size(waiting, 0);
}

/* Answers every request still waiting for a reply: the stream that would have
 * carried it is gone. */
static void
fail_requests(Connection *connection, const GError *error)
{
    GHashTableIter iter;
    gpointer invocation = NULL;

    g_hash_table_iter_init(&iter, connection->requests);
    while (g_hash_table_iter_next(&iter, NULL, &invocation)) {
        lv_invocation_return_error(invocation, g_error_copy(error));
        g_hash_table_iter_remove(&iter);
    }
}

static void
connection_free(gpointer data)
{
    Connection *connection = data;
    g_autoptr(GError) error =
            g_error_new_literal(LV_ERROR, LV_ERROR_CANCELLED, "the backend is shutting down");

    if (connection->retry_source != 0)
        g_source_remove(connection->retry_source);
    lv_xmpp_account_free(connection->account);
    lv_roster_closed(connection->connections->roster, connection->profile);
    g_free(connection->profile);
    g_free(connection->jid);
    answer_all(connection->waiting_connect, NULL, error);
    answer_all(connection->waiting_disconnect, NULL, NULL);
    g_ptr_array_unref(connection->waiting_connect);
    g_ptr_array_unref(connection->waiting_disconnect);
    g_hash_table_unref(connection->roster);
    g_hash_table_unref(connection->presences);
    fail_requests(connection, error);
    g_hash_table_unref(connection->requests);
    g_free(connection);
}

/* One of the keep-alive delays of libervia.conf, in seconds (0: the default). */
static guint
keepalive_option(LvConfig *config, const char *name, gint64 fallback)
{
    g_autoptr(GError) error = NULL;
    gint64 seconds = lv_config_get_int(config, "DEFAULT", name, fallback, &error);

    if (error != NULL || seconds <= 0 || seconds > 86400) {
        g_warning("%s: %s", name,
                  error != NULL ? error->message : "must be 1 to 86400 seconds: default used");
        return 0;
    }
    return (guint)seconds;
}

static void
configure_keepalive(LvConfig *config)
{
    lv_xmpp_account_set_keepalive(keepalive_option(config, "keepalive_interval", 60),
                                  keepalive_option(config, "keepalive_timeout", 15));
}

static gboolean on_reconnect(gpointer data);

/* A new path may be there, or the old one gone: streams in session are checked at
 * once (lv_xmpp_account_network_changed), and a reconnection waiting out its
 * back-off is tried now, the network it failed on being another. */
static gboolean
on_network_changed(gpointer data)
{
    LvConnections *connections = data;
    GHashTableIter iter;
    gpointer value = NULL;

    g_hash_table_iter_init(&iter, connections->by_profile);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        Connection *connection = value;
        if (connection->retry_source == 0) {
            lv_xmpp_account_network_changed(connection->account);
            continue;
        }
        g_info("%s: the network changed: reconnecting now", connection->profile);
        g_source_remove(connection->retry_source);
        connection->retry_source = g_idle_add(on_reconnect, connection);
    }
    return G_SOURCE_REMOVE;
}

LvConnections *
lv_connections_new(LvBackend *backend)
{
    LvConnections *connections = g_new0(LvConnections, 1);

    connections->backend = backend;
    connections->by_profile =
            g_hash_table_new_full(g_str_hash, g_str_equal, g_free, connection_free);
    connections->roster = lv_roster_new(backend);
    configure_keepalive(lv_backend_get_config(backend));
    connections->network = lv_network_watch_new(on_network_changed, connections);
    return connections;
}

void
lv_connections_free(LvConnections *connections)
{
    if (connections == NULL)
        return;
    lv_network_watch_free(connections->network);
    g_hash_table_unref(connections->by_profile);
    lv_roster_free(connections->roster);
    g_free(connections);
}

gboolean
lv_connections_is_connected(LvConnections *connections, const char *profile)
{
    Connection *connection = g_hash_table_lookup(connections->by_profile, profile);

    return connection != NULL && lv_xmpp_account_is_connected(connection->account);
}

static gboolean
retryable(const GError *error)
{
    /* A wrong password or an untrusted certificate will not get better by itself. */
    return !g_error_matches(error, LV_ERROR, LV_ERROR_PERMISSION) &&
           !g_error_matches(error, LV_ERROR, LV_ERROR_INVALID_CERTIFICATE);
}

static LvXmppSettings *settings_for(LvConnections *connections, const LvStoredProfile *profile,
                                    GError **error);

static gboolean
on_reconnect(gpointer data)
{
    Connection *connection = data;
    LvConnections *connections = connection->connections;
    LvProfiles *profiles = lv_backend_get_profiles(connections->backend);
    g_autoptr(GError) error = NULL;
    g_autoptr(LvStoredProfile) profile = NULL;
    LvXmppSettings *settings = NULL;

    connection->retry_source = 0;
    profile = lv_profiles_resolve(profiles, connection->profile, &error);
    if (profile != NULL)
        settings = settings_for(connections, profile, &error);
    if (settings == NULL) {
        g_message("%s: not reconnecting: %s", connection->profile, error->message);
        g_hash_table_remove(connections->by_profile, connection->profile);
        return G_SOURCE_REMOVE;
    }
    g_info("%s: reconnecting (attempt %u)", connection->profile, connection->attempts);
    lv_roster_connecting(connections->roster, connection->profile, profile->id, connection->roster,
                         settings);
    lv_xmpp_account_connect(connection->account, settings);
    return G_SOURCE_REMOVE;
}

/* The next attempt after a loss: 1 s, 2 s, 4 s… up to a minute, with jitter so
 * that many clients of one server do not come back at the same instant. */
static void
schedule_reconnect(Connection *connection)
{
    guint shift = MIN(connection->attempts, 6);
    guint delay = MIN((guint)BACKOFF_FIRST_MS << shift, (guint)BACKOFF_MAX_MS);

    delay = delay / 2 + g_random_int_range(0, (gint32)delay / 2 + 1);
    connection->attempts++;
    g_info("%s: reconnecting in %u ms", connection->profile, delay);
    connection->retry_source = g_timeout_add(delay, on_reconnect, connection);
}

/* Keeps the last presence of each resource and announces the change. */
static void
apply_presence(LvConnections *connections, Connection *connection, const char *profile,
               GVariant *update)
{
    const char *entity = NULL, *show = NULL;
    gint32 priority = 0;
    g_autoptr(GVariant) statuses = NULL;

    g_variant_get(update, "(&s&si@a{ss})", &entity, &show, &priority, &statuses);
    const char *slash = strchr(entity, '/');
    g_autofree char *bare =
            g_strndup(entity, slash != NULL ? (gsize)(slash - entity) : strlen(entity));
    const char *resource = slash != NULL ? slash + 1 : "";
    GHashTable *resources = g_hash_table_lookup(connection->presences, bare);
    if (g_str_equal(show, "unavailable")) {
        if (resources != NULL)
            g_hash_table_remove(resources, resource);
    } else {
        if (resources == NULL) {
            resources = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify)g_variant_unref);
            g_hash_table_insert(connection->presences, g_strdup(bare), resources);
        }
        g_hash_table_replace(
                resources, g_strdup(resource),
                g_variant_ref_sink(g_variant_new("(si@a{ss})", show, priority, statuses)));
    }
    lv_backend_emit_signal(
            connections->backend, "presenceUpdate",
            g_variant_new("(ssi@a{ss}s)", entity, show, priority, statuses, profile));
}

static void
on_account_event(LvXmppAccount *account, LvXmppEvent event, const char *jid, GVariant *data,
                 const GError *error, gpointer user_data)
{
    LvConnections *connections = user_data;
    const char *profile = lv_xmpp_account_get_profile(account);
    Connection *connection = g_hash_table_lookup(connections->by_profile, profile);
    g_autoptr(GVariant) not_before = g_variant_ref_sink(g_variant_new("(b)", FALSE));

    if (connection == NULL || connection->account != account)
        return;
    switch (event) {
    case LV_XMPP_EVENT_ROSTER:
        lv_roster_received(connections->roster, profile, jid, data);
        return;
    case LV_XMPP_EVENT_ROSTER_PUSH:
        lv_roster_pushed(connections->roster, profile, jid, data);
        return;
    case LV_XMPP_EVENT_SUBSCRIPTION:
        lv_roster_subscription_received(connections->roster, profile, data);
        return;
    case LV_XMPP_EVENT_PRESENCE:
        apply_presence(connections, connection, profile, data);
        return;
    case LV_XMPP_EVENT_SIGNAL:
        lv_backend_emit_signal_for(connections->backend, jid, data, profile);
        return;
    case LV_XMPP_EVENT_REPLY: {
        LvInvocation *invocation = g_hash_table_lookup(connection->requests, jid);
        if (invocation == NULL)
            return;
        g_hash_table_remove(connection->requests, jid); /* frees the key, not the call */
        if (error != NULL)
            lv_invocation_return_error(invocation, g_error_copy(error));
        else
            lv_invocation_return_value(invocation, data != NULL ? g_variant_ref(data) : NULL);
        return;
    }
    case LV_XMPP_EVENT_CONNECTED:
        connection->attempts = 0;
        g_free(connection->jid);
        connection->jid = g_strdup(jid);
        /* A resumed stream keeps what the server told us; a new session hears it again. */
        if (data == NULL || !g_variant_get_boolean(data))
            g_hash_table_remove_all(connection->presences);
        g_info("%s: connected as %s", profile, jid);
        lv_backend_emit_signal(connections->backend, "connected",
                               g_variant_new("(ss)", jid != NULL ? jid : "", profile));
        answer_all(connection->waiting_connect, not_before, NULL);
        return;
    case LV_XMPP_EVENT_FAILED:
        g_message("%s: connection failed: %s", profile, error->message);
        answer_all(connection->waiting_connect, NULL, error);
        answer_all(connection->waiting_disconnect, NULL, NULL);
        /* Retrying only helps while we are trying to come back after a loss. */
        if (connection->attempts > 0 && retryable(error)) {
            schedule_reconnect(connection);
            return;
        }
        break;
    case LV_XMPP_EVENT_DISCONNECTED:
        if (error != NULL)
            g_message("%s: disconnected: %s", profile, error->message);
        else
            g_info("%s: disconnected", profile);
        {
            g_autoptr(GError) lost = g_error_new(LV_ERROR, LV_ERROR_NETWORK,
                                                 "%s was disconnected before the answer", profile);
            fail_requests(connection, lost);
        }
        lv_backend_emit_signal(connections->backend, "disconnected", g_variant_new("(s)", profile));
        answer_all(connection->waiting_disconnect, NULL, NULL);
        if (error != NULL && retryable(error)) {
            schedule_reconnect(connection);
            return;
        }
        break;
    }
    g_hash_table_remove(connections->by_profile, profile);
}

/* The address to connect to: Force server/port, else hosts_dict, else the JID. */
static void
resolve_host(LvConnections *connections, LvXmppSettings *settings, const char *force_server,
             const char *force_port)
{
    if (force_server != NULL && force_server[0] != '\0')
        settings->host = g_strdup(force_server);
    if (force_port != NULL && force_port[0] != '\0')
        settings->port = (guint16)g_ascii_strtoull(force_port, NULL, 10);
    if (settings->host != NULL)
        return;
    g_autoptr(JsonNode) hosts = lv_config_dup_json(lv_backend_get_config(connections->backend),
                                                   "DEFAULT", "hosts_dict", NULL);
    const char *domain = strchr(settings->jid, '@');
    domain = domain != NULL ? domain + 1 : settings->jid;
    g_autofree char *bare_domain = g_strndup(domain, strcspn(domain, "/"));
    if (hosts == NULL || !JSON_NODE_HOLDS_OBJECT(hosts))
        return;
    /* json-glib complains (a critical) about a missing member: ask first. */
    JsonNode *node = json_object_get_member(json_node_get_object(hosts), bare_domain);
    if (node == NULL || !JSON_NODE_HOLDS_OBJECT(node))
        return;
    JsonObject *entry = json_node_get_object(node);
    if (json_object_has_member(entry, "host"))
        settings->host = g_strdup(json_object_get_string_member(entry, "host"));
    if (json_object_has_member(entry, "port"))
        settings->port = (guint16)json_object_get_int_member(entry, "port");
}

/* The settings of @profile from its parameters; NULL and an error if incomplete. */
static LvXmppSettings *
settings_for(LvConnections *connections, const LvStoredProfile *profile, GError **error)
{
    LvProfiles *profiles = lv_backend_get_profiles(connections->backend);
    const char *names[] = {
        "JabberID",          "Password", "Force server",        "Force port",     "CA file",
        "check_certificate", "Priority", "Trusted certificate", "allow_plaintext"
    };
    char *values[G_N_ELEMENTS(names)] = { NULL };
    g_autoptr(LvXmppSettings) settings = g_new0(LvXmppSettings, 1);
    gboolean ok = TRUE;

    for (gsize i = 0; i < G_N_ELEMENTS(names) && ok; i++) {
        const LvParamDef *def = lv_params_lookup("Connection", names[i]);
        values[i] = lv_profile_params_get_value(profiles, profile, def, TRUE, error);
        ok = values[i] != NULL;
    }
    if (ok && (values[0][0] == '\0' || g_str_equal(values[0], "name@example.org"))) {
        g_set_error(error, LV_ERROR, LV_ERROR_DATA,
                    "profile %s has no XMPP address: set Connection/JabberID", profile->name);
        ok = FALSE;
    }
    if (ok) {
        settings->jid = g_strdup(values[0]);
        settings->password = g_strdup(values[1]);
        settings->ca_file = values[4][0] != '\0' ? g_strdup(values[4]) : NULL;
        settings->check_certificate = g_strcmp0(values[5], "false") != 0;
        settings->priority = (int)g_ascii_strtoll(values[6], NULL, 10);
        settings->trusted_fingerprint = values[7][0] != '\0' ? g_strdup(values[7]) : NULL;
        settings->allow_plaintext = g_strcmp0(values[8], "true") == 0;
        resolve_host(connections, settings, values[2], values[3]);
    }
    lv_crypto_wipe(values[1]);
    for (gsize i = 0; i < G_N_ELEMENTS(names); i++)
        g_free(values[i]);
    return ok ? g_steal_pointer(&settings) : NULL;
}

void
lv_connections_connect(LvConnections *connections, const char *profile_name,
                       LvInvocation *invocation)
{
    LvProfiles *profiles = lv_backend_get_profiles(connections->backend);
    Connection *connection = g_hash_table_lookup(connections->by_profile, profile_name);
    GError *error = NULL;

    if (connection != NULL && lv_xmpp_account_is_connected(connection->account)) {
        lv_invocation_return_value(invocation, g_variant_new("(b)", TRUE));
        return;
    }
    if (connection != NULL) { /* already on its way */
        g_ptr_array_add(connection->waiting_connect, invocation);
        return;
    }
    g_autoptr(LvStoredProfile) profile = lv_profiles_resolve(profiles, profile_name, &error);
    LvXmppSettings *settings = profile != NULL ? settings_for(connections, profile, &error) : NULL;
    if (settings == NULL) {
        lv_invocation_return_error(invocation, error);
        return;
    }
    connection = g_new0(Connection, 1);
    connection->connections = connections;
    connection->profile = g_strdup(profile_name);
    connection->waiting_connect = g_ptr_array_new();
    connection->waiting_disconnect = g_ptr_array_new();
    connection->roster =
            g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_variant_unref);
    connection->presences = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                                  (GDestroyNotify)g_hash_table_unref);
    connection->requests = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    connection->jid = g_strdup(settings->jid);
    lv_roster_connecting(connections->roster, profile_name, profile->id, connection->roster,
                         settings);
    connection->account = lv_xmpp_account_new(profile_name, on_account_event, connections);
    lv_xmpp_account_set_store(connection->account, lv_message_store_funcs(),
                              lv_message_store_new(lv_backend_get_local_dir(connections->backend),
                                                   profile->id, profile_name));
    g_ptr_array_add(connection->waiting_connect, invocation);
    g_hash_table_insert(connections->by_profile, g_strdup(profile_name), connection);
    lv_xmpp_account_connect(connection->account, settings);
}

void
lv_connections_disconnect(LvConnections *connections, const char *profile, LvInvocation *invocation)
{
    Connection *connection = g_hash_table_lookup(connections->by_profile, profile);

    if (connection == NULL) {
        lv_invocation_return_value(invocation, NULL); /* already disconnected */
        return;
    }
    if (connection->retry_source != 0) { /* waiting to reconnect: just stop */
        g_hash_table_remove(connections->by_profile, profile);
        lv_invocation_return_value(invocation, NULL);
        return;
    }
    g_ptr_array_add(connection->waiting_disconnect, invocation);
    lv_xmpp_account_disconnect(connection->account);
}

static void
on_autoconnected(GVariant *result, GError *error, gpointer user_data)
{
    g_autofree char *profile = user_data;

    if (error != NULL) {
        g_message("%s: automatic connection failed: %s", profile, error->message);
        g_error_free(error);
        return;
    }
    g_variant_unref(result);
}

typedef struct {
    LvConnections *connections;
    char *profile;
} Autoconnect;

static void
on_autoconnect_session(GObject *source, GAsyncResult *result, gpointer user_data)
{
    Autoconnect *job = user_data;
    g_autoptr(GError) error = NULL;
    gboolean already = FALSE;

    if (!lv_profiles_start_session_finish(lv_backend_get_profiles(job->connections->backend),
                                          result, &already, &error)) {
        g_message("%s: not connected at start: %s (only profiles without a password can be "
                  "unlocked unattended)",
                  job->profile, error->message);
    } else {
        const GVariantType *reply_type = G_VARIANT_TYPE("(b)");
        LvInvocation *invocation = lv_invocation_new("connect", NULL, reply_type, on_autoconnected,
                                                     g_strdup(job->profile));
        lv_connections_connect(job->connections, job->profile, invocation);
    }
    g_free(job->profile);
    g_free(job);
}

void
lv_connections_autoconnect(LvConnections *connections)
{
    LvProfiles *profiles = lv_backend_get_profiles(connections->backend);
    const LvParamDef *def = lv_params_lookup("Connection", "autoconnect_backend");
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) names =
            lv_storage_profile_list(lv_profiles_get_storage(profiles), TRUE, FALSE, &error);

    for (guint i = 0; names != NULL && i < names->len; i++) {
        g_autoptr(LvStoredProfile) profile = lv_profiles_resolve(profiles, names->pdata[i], NULL);
        g_autofree char *value =
                profile != NULL ? lv_profile_params_get_value(profiles, profile, def, FALSE, NULL)
                                : NULL;
        if (g_strcmp0(value, "true") != 0)
            continue;
        Autoconnect *job = g_new0(Autoconnect, 1);
        job->connections = connections;
        job->profile = g_strdup(profile->name);
        lv_profiles_start_session_async(profiles, profile->name, "", on_autoconnect_session, job);
    }
}

/* The connection of @profile, or NULL and LV_ERROR_PROFILE_NOT_CONNECTED. */
static Connection *
connected(LvConnections *connections, const char *profile, GError **error)
{
    Connection *connection = g_hash_table_lookup(connections->by_profile, profile);

    if (connection == NULL || !lv_xmpp_account_is_connected(connection->account)) {
        g_set_error(error, LV_ERROR, LV_ERROR_PROFILE_NOT_CONNECTED,
                    "profile %s is not connected (connect it first, e.g. with -c)", profile);
        return NULL;
    }
    return connection;
}

static gint
compare_jids(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

GVariant *
lv_connections_get_contacts(LvConnections *connections, const char *profile, GError **error)
{
    Connection *connection = connected(connections, profile, error);
    GVariantBuilder items;

    if (connection == NULL)
        return NULL;
    guint count = 0;
    g_autofree gpointer *jids = g_hash_table_get_keys_as_array(connection->roster, &count);
    qsort(jids, count, sizeof *jids, compare_jids);
    g_variant_builder_init(&items, G_VARIANT_TYPE("a(sa{ss}as)"));
    for (guint i = 0; i < count; i++)
        g_variant_builder_add_value(&items, g_hash_table_lookup(connection->roster, jids[i]));
    return g_variant_builder_end(&items);
}

GVariant *
lv_connections_get_contact(LvConnections *connections, const char *profile, const char *jid,
                           GError **error)
{
    Connection *connection = connected(connections, profile, error);
    GVariant *item = connection != NULL ? g_hash_table_lookup(connection->roster, jid) : NULL;

    if (connection != NULL && item == NULL)
        g_set_error(error, LV_ERROR, LV_ERROR_UNKNOWN_ENTITY, "%s is not in the roster of %s", jid,
                    profile);
    return item;
}

GVariant *
lv_connections_get_presences(LvConnections *connections, const char *profile, GError **error)
{
    Connection *connection = connected(connections, profile, error);
    GVariantBuilder all;
    GHashTableIter bares;
    gpointer bare = NULL, resources = NULL;

    if (connection == NULL)
        return NULL;
    g_variant_builder_init(&all, G_VARIANT_TYPE("a{sa{s(sia{ss})}}"));
    g_hash_table_iter_init(&bares, connection->presences);
    while (g_hash_table_iter_next(&bares, &bare, &resources)) {
        GVariantBuilder by_resource;
        GHashTableIter iter;
        gpointer resource = NULL, presence = NULL;
        g_variant_builder_init(&by_resource, G_VARIANT_TYPE("a{s(sia{ss})}"));
        g_hash_table_iter_init(&iter, resources);
        while (g_hash_table_iter_next(&iter, &resource, &presence))
            g_variant_builder_add(&by_resource, "{s@(sia{ss})}", resource, presence);
        g_variant_builder_add(&all, "{sa{s(sia{ss})}}", bare, &by_resource);
    }
    return g_variant_builder_end(&all);
}

char *
lv_connections_dup_main_resource(LvConnections *connections, const char *profile, const char *bare,
                                 GError **error)
{
    Connection *connection = connected(connections, profile, error);
    GHashTable *resources =
            connection != NULL ? g_hash_table_lookup(connection->presences, bare) : NULL;
    GHashTableIter iter;
    gpointer resource = NULL, presence = NULL;
    const char *best = NULL;
    gint32 best_priority = G_MININT32;

    if (connection == NULL)
        return NULL;
    if (resources != NULL) {
        g_hash_table_iter_init(&iter, resources);
        while (g_hash_table_iter_next(&iter, &resource, &presence)) {
            gint32 priority = 0;
            g_variant_get_child(presence, 1, "i", &priority);
            if (priority > best_priority ||
                (priority == best_priority && g_strcmp0(resource, best) < 0)) {
                best = resource;
                best_priority = priority;
            }
        }
    }
    return g_strdup(best != NULL ? best : "");
}

gboolean
lv_connections_send_presence(LvConnections *connections, const char *profile, const char *to,
                             const char *show, GVariant *statuses, GError **error)
{
    Connection *connection = connected(connections, profile, error);

    if (connection == NULL)
        return FALSE;
    lv_xmpp_account_send_presence(connection->account, to, show, statuses);
    return TRUE;
}

void
lv_connections_roster_set(LvConnections *connections, const char *profile, const char *jid,
                          const char *name, const char *const *groups, gboolean remove,
                          gboolean subscribe, LvInvocation *invocation)
{
    GError *error = NULL;
    Connection *connection = connected(connections, profile, &error);
    g_autoptr(LvJid) parsed = lv_jid_parse(jid, connection != NULL ? &error : NULL);

    if (connection == NULL || parsed == NULL) {
        lv_invocation_return_error(invocation, error);
        return;
    }
    g_autofree char *bare = lv_jid_dup_bare(parsed);
    g_autofree char *id = lv_connections_add_request(connections, profile, invocation);
    lv_xmpp_account_roster_set(connection->account, id, bare, name, groups, remove, subscribe);
}

LvXmppAccount *
lv_connections_get_account(LvConnections *connections, const char *profile, GError **error)
{
    Connection *connection = connected(connections, profile, error);

    return connection != NULL ? connection->account : NULL;
}

char *
lv_connections_add_request(LvConnections *connections, const char *profile,
                           LvInvocation *invocation)
{
    Connection *connection = g_hash_table_lookup(connections->by_profile, profile);
    g_autofree char *id = g_strdup_printf("lv-req-%08x%08x", g_random_int(), g_random_int());

    g_return_val_if_fail(connection != NULL, NULL);
    g_hash_table_insert(connection->requests, g_strdup(id), invocation);
    return g_steal_pointer(&id);
}

LvXmppAccount *
lv_connections_get_sending_account(LvConnections *connections, const char *profile, char **jid,
                                   GError **error)
{
    Connection *connection = g_hash_table_lookup(connections->by_profile, profile);

    if (connection == NULL) {
        g_set_error(error, LV_ERROR, LV_ERROR_PROFILE_NOT_CONNECTED,
                    "profile %s is not connected (connect it first, e.g. with -c)", profile);
        return NULL;
    }
    *jid = g_strdup(connection->jid);
    return connection->account;
}

LvRoster *
lv_connections_get_roster(LvConnections *connections)
{
    return connections->roster;
}
