/* lv-roster: the main thread's side of the rosters (see the header). */
#include "lv-roster.h"

#include "lv-connections.h"
#include "lv-jid.h"
#include "lv-profiles.h"
#include "lv-roster-cache.h"

/* Subscription requests kept waiting per profile, at most: anyone may ask. */
#define WAITING_MAX 1000u

typedef struct {
    GHashTable *items; /* the connection's table, JID → (sa{ss}as) (a reference) */
    gint64 profile_id; /* where it is kept in libervia.db */
    char *account_jid; /* the bare JID of the account it is the roster of */
    char *ver;         /* its version, NULL: none */
} ProfileRoster;

struct _LvRoster {
    LvBackend *backend;
    GHashTable *profiles; /* profile name → ProfileRoster*, while connected */
    GHashTable *waiting;  /* profile name → (bare JID → "subscribe") */
};

static const char *const subscription_types[] = { "subscribe", "subscribed", "unsubscribe",
                                                  "unsubscribed", NULL };

static void
profile_roster_free(gpointer data)
{
    ProfileRoster *state = data;

    g_hash_table_unref(state->items);
    g_free(state->account_jid);
    g_free(state->ver);
    g_free(state);
}

LvRoster *
lv_roster_new(LvBackend *backend)
{
    LvRoster *roster = g_new0(LvRoster, 1);

    roster->backend = backend;
    roster->profiles = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, profile_roster_free);
    roster->waiting = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify)g_hash_table_unref);
    return roster;
}

void
lv_roster_free(LvRoster *roster)
{
    if (roster == NULL)
        return;
    g_hash_table_unref(roster->profiles);
    g_hash_table_unref(roster->waiting);
    g_free(roster);
}

static LvStorage *
storage_of(LvRoster *roster)
{
    return lv_profiles_get_storage(lv_backend_get_profiles(roster->backend));
}

static void
keep(LvRoster *roster, ProfileRoster *state)
{
    lv_roster_cache_save(storage_of(roster), state->profile_id, state->account_jid, state->ver,
                         state->items);
}

static void
set_ver(ProfileRoster *state, const char *ver)
{
    g_free(state->ver);
    state->ver = g_strdup(ver);
}

void
lv_roster_connecting(LvRoster *roster, const char *profile, gint64 profile_id, GHashTable *items,
                     LvXmppSettings *settings)
{
    ProfileRoster *state = g_hash_table_lookup(roster->profiles, profile);
    g_autoptr(LvJid) jid = lv_jid_parse(settings->jid, NULL);
    g_autofree char *bare = jid != NULL ? lv_jid_dup_bare(jid) : g_strdup(settings->jid);

    if (state == NULL || state->items != items) {
        state = g_new0(ProfileRoster, 1);
        state->items = g_hash_table_ref(items);
        g_hash_table_replace(roster->profiles, g_strdup(profile), state);
    }
    state->profile_id = profile_id;
    /* A reconnection of the same account goes on with what we have. */
    if (g_strcmp0(bare, state->account_jid) != 0) {
        g_free(state->account_jid);
        state->account_jid = g_steal_pointer(&bare);
        g_free(state->ver);
        state->ver = lv_roster_cache_load(storage_of(roster), profile_id, state->account_jid,
                                          state->items);
    }
    g_free(settings->roster_ver);
    settings->roster_ver = g_strdup(state->ver);
}

void
lv_roster_closed(LvRoster *roster, const char *profile)
{
    g_hash_table_remove(roster->profiles, profile);
}

static void
announce_contact(LvRoster *roster, GVariant *item, const char *profile)
{
    const char *jid = NULL;
    g_autoptr(GVariant) attributes = NULL;
    g_autoptr(GVariant) groups = NULL;

    g_variant_get(item, "(&s@a{ss}@as)", &jid, &attributes, &groups);
    lv_backend_emit_signal(roster->backend, "newContact",
                           g_variant_new("(s@a{ss}@ass)", jid, attributes, groups, profile));
}

/* Applies roster items: new or changed ones are announced, removed ones too. */
static void
apply_items(LvRoster *roster, ProfileRoster *state, const char *profile, GVariant *items)
{
    GVariantIter iter;
    GVariant *item = NULL;

    g_variant_iter_init(&iter, items);
    while ((item = g_variant_iter_next_value(&iter)) != NULL) {
        const char *jid = NULL, *subscription = NULL;
        g_autoptr(GVariant) attributes = NULL;
        g_variant_get_child(item, 0, "&s", &jid);
        attributes = g_variant_get_child_value(item, 1);
        if (g_variant_lookup(attributes, "subscription", "&s", &subscription) &&
            g_str_equal(subscription, "remove")) {
            if (g_hash_table_remove(state->items, jid))
                lv_backend_emit_signal(roster->backend, "contactDeleted",
                                       g_variant_new("(ss)", jid, profile));
        } else {
            g_hash_table_replace(state->items, g_strdup(jid), g_variant_ref(item));
            announce_contact(roster, item, profile);
        }
        g_variant_unref(item);
    }
}

/* Contacts we kept that a whole roster from the server no longer has are gone. */
static void
forget_missing(LvRoster *roster, ProfileRoster *state, const char *profile, GVariant *items)
{
    g_autoptr(GHashTable) present = g_hash_table_new(g_str_hash, g_str_equal);
    GHashTableIter iter;
    gpointer jid = NULL;

    for (gsize i = 0; i < g_variant_n_children(items); i++) {
        const char *item_jid = NULL;
        g_variant_get_child(items, i, "(&s@a{ss}@as)", &item_jid, NULL, NULL);
        g_hash_table_add(present, (gpointer)item_jid);
    }
    g_hash_table_iter_init(&iter, state->items);
    while (g_hash_table_iter_next(&iter, &jid, NULL)) {
        if (!g_hash_table_contains(present, jid))
            lv_backend_emit_signal(roster->backend, "contactDeleted",
                                   g_variant_new("(ss)", (const char *)jid, profile));
    }
}

static GHashTable *
waiting_of(LvRoster *roster, const char *profile, gboolean create)
{
    GHashTable *waiting = g_hash_table_lookup(roster->waiting, profile);

    if (waiting == NULL && create) {
        waiting = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        g_hash_table_insert(roster->waiting, g_strdup(profile), waiting);
    }
    return waiting;
}

/* TRUE if the roster item @bare has the attribute @key ("to", "from", "ask") true. */
static gboolean
contact_has(ProfileRoster *state, const char *bare, const char *key)
{
    GVariant *item = g_hash_table_lookup(state->items, bare);
    g_autoptr(GVariant) attributes = item != NULL ? g_variant_get_child_value(item, 1) : NULL;
    const char *value = NULL;

    return attributes != NULL && g_variant_lookup(attributes, key, "&s", &value) &&
           g_str_equal(value, "True");
}

/* Requests that the roster shows answered (the contact sees our presence now, e.g.
 * approved from another device) wait no more. */
static void
drop_answered(LvRoster *roster, ProfileRoster *state, const char *profile, GVariant *items)
{
    GHashTable *waiting = waiting_of(roster, profile, FALSE);

    for (gsize i = 0; waiting != NULL && i < g_variant_n_children(items); i++) {
        const char *jid = NULL;
        g_variant_get_child(items, i, "(&s@a{ss}@as)", &jid, NULL, NULL);
        if (contact_has(state, jid, "from"))
            g_hash_table_remove(waiting, jid);
    }
}

void
lv_roster_received(LvRoster *roster, const char *profile, const char *ver, GVariant *items)
{
    ProfileRoster *state = g_hash_table_lookup(roster->profiles, profile);
    GHashTableIter iter;
    gpointer item = NULL;

    if (state == NULL)
        return;
    if (items == NULL) {
        /* Nothing changed since the version kept: what we have is the roster. */
        g_info("%s: the roster kept (%u items) is current", profile,
               g_hash_table_size(state->items));
        g_hash_table_iter_init(&iter, state->items);
        while (g_hash_table_iter_next(&iter, NULL, &item))
            announce_contact(roster, item, profile);
        set_ver(state, ver);
        return;
    }
    forget_missing(roster, state, profile, items);
    g_hash_table_remove_all(state->items);
    apply_items(roster, state, profile, items);
    drop_answered(roster, state, profile, items);
    set_ver(state, ver);
    keep(roster, state);
}

void
lv_roster_pushed(LvRoster *roster, const char *profile, const char *ver, GVariant *items)
{
    ProfileRoster *state = g_hash_table_lookup(roster->profiles, profile);

    if (state == NULL)
        return;
    apply_items(roster, state, profile, items);
    drop_answered(roster, state, profile, items);
    /* Each push carries the new version when the server keeps versions. */
    if (ver != NULL)
        set_ver(state, ver);
    if (state->ver != NULL)
        keep(roster, state);
}

/* Sends a subscription presence; an approval or refusal answers the request. */
static void
send_subscription(LvRoster *roster, ProfileRoster *state, LvXmppAccount *account,
                  const char *profile, const char *type, const char *bare)
{
    GHashTable *waiting = waiting_of(roster, profile, FALSE);

    lv_xmpp_account_send_subscription(account, type, bare);
    if (waiting != NULL && (g_str_equal(type, "subscribed") || g_str_equal(type, "unsubscribed")))
        g_hash_table_remove(waiting, bare);
    /* As Libervia: letting a contact see our presence asks to see theirs, unless we do. */
    if (g_str_equal(type, "subscribed") && !contact_has(state, bare, "to"))
        lv_xmpp_account_send_subscription(account, "subscribe", bare);
}

static void
keep_waiting(LvRoster *roster, const char *profile, const char *bare)
{
    GHashTable *waiting = waiting_of(roster, profile, TRUE);

    if (g_hash_table_size(waiting) < WAITING_MAX || g_hash_table_contains(waiting, bare))
        g_hash_table_replace(waiting, g_strdup(bare), g_strdup("subscribe"));
    else
        g_message("%s: subscription request of %s not kept: %u are waiting already", profile, bare,
                  WAITING_MAX);
}

/* As Libervia: a request from a contact whose presence we see is approved at once,
 * others wait for an answer (getWaitingSub); each is told by the subscribe signal. */
void
lv_roster_subscription_received(LvRoster *roster, const char *profile, GVariant *subscription)
{
    ProfileRoster *state = g_hash_table_lookup(roster->profiles, profile);
    LvXmppAccount *account =
            lv_connections_get_account(lv_backend_get_connections(roster->backend), profile, NULL);
    const char *type = NULL, *bare = NULL;
    GHashTable *waiting = NULL;

    if (state == NULL || account == NULL)
        return;
    g_variant_get(subscription, "(&s&s)", &type, &bare);
    if (g_str_equal(type, "subscribe") && contact_has(state, bare, "to")) {
        g_info("%s: %s asks to see our presence: approved, we see theirs", profile, bare);
        send_subscription(roster, state, account, profile, "subscribed", bare);
        return;
    }
    if (g_str_equal(type, "subscribe"))
        keep_waiting(roster, profile, bare);
    else if (g_str_equal(type, "unsubscribe") &&
             (waiting = waiting_of(roster, profile, FALSE)) != NULL)
        g_hash_table_remove(waiting, bare); /* a request withdrawn waits no more */
    g_info("%s: subscription presence \"%s\" from %s", profile, type, bare);
    lv_backend_emit_signal(roster->backend, "subscribe",
                           g_variant_new("(sss)", type, bare, profile));
}

/* The roster of a connected @profile, or NULL and LV_ERROR_PROFILE_NOT_CONNECTED. */
static ProfileRoster *
connected(LvRoster *roster, const char *profile, LvXmppAccount **account, GError **error)
{
    LvXmppAccount *found =
            lv_connections_get_account(lv_backend_get_connections(roster->backend), profile, error);
    ProfileRoster *state = found != NULL ? g_hash_table_lookup(roster->profiles, profile) : NULL;

    if (found != NULL && state == NULL)
        g_set_error(error, LV_ERROR, LV_ERROR_PROFILE_NOT_CONNECTED, "%s is not connected",
                    profile);
    if (account != NULL)
        *account = found;
    return state;
}

static gboolean
in_group(GVariant *item, const char *group)
{
    g_autoptr(GVariant) groups = g_variant_get_child_value(item, 2);
    g_autofree const char **names = g_variant_get_strv(groups, NULL);

    return g_strv_contains(names, group);
}

static gint
compare_strings(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

GVariant *
lv_roster_get_group(LvRoster *roster, const char *profile, const char *group, GError **error)
{
    ProfileRoster *state = connected(roster, profile, NULL, error);
    g_autoptr(GPtrArray) members = g_ptr_array_new();
    GHashTableIter iter;
    gpointer jid = NULL, item = NULL;

    if (state == NULL)
        return NULL;
    g_hash_table_iter_init(&iter, state->items);
    while (g_hash_table_iter_next(&iter, &jid, &item)) {
        if (in_group(item, group))
            g_ptr_array_add(members, jid);
    }
    if (members->len == 0) {
        /* As Libervia: a group exists while a contact is in it. */
        g_set_error(error, LV_ERROR, LV_ERROR_UNKNOWN_GROUP,
                    "there is no group \"%s\" in the roster of %s", group, profile);
        return NULL;
    }
    g_ptr_array_sort(members, compare_strings);
    return g_variant_new_strv((const char *const *)members->pdata, members->len);
}

gboolean
lv_roster_subscription(LvRoster *roster, const char *profile, const char *type, const char *jid,
                       GError **error)
{
    LvXmppAccount *account = NULL;
    ProfileRoster *state = connected(roster, profile, &account, error);

    if (state == NULL)
        return FALSE;
    if (!g_strv_contains(subscription_types, type)) {
        g_set_error(error, LV_ERROR, LV_ERROR_DATA,
                    "unknown subscription type \"%s\": subscribe, subscribed, unsubscribe or "
                    "unsubscribed",
                    type);
        return FALSE;
    }
    g_autoptr(LvJid) parsed = lv_jid_parse(jid, error);
    if (parsed == NULL)
        return FALSE;
    g_autofree char *bare = lv_jid_dup_bare(parsed);
    send_subscription(roster, state, account, profile, type, bare);
    return TRUE;
}

GVariant *
lv_roster_get_waiting(LvRoster *roster, const char *profile)
{
    GHashTable *waiting = waiting_of(roster, profile, FALSE);
    GVariantBuilder all;
    GHashTableIter iter;
    gpointer jid = NULL, type = NULL;

    g_variant_builder_init(&all, G_VARIANT_TYPE("a{ss}"));
    if (waiting != NULL) {
        g_hash_table_iter_init(&iter, waiting);
        while (g_hash_table_iter_next(&iter, &jid, &type))
            g_variant_builder_add(&all, "{ss}", jid, type);
    }
    return g_variant_builder_end(&all);
}

void
lv_roster_resync(LvRoster *roster, const char *profile, LvInvocation *invocation)
{
    GError *error = NULL;
    LvXmppAccount *account = NULL;
    ProfileRoster *state = connected(roster, profile, &account, &error);

    if (state == NULL) {
        lv_invocation_return_error(invocation, error);
        return;
    }
    /* As Libervia: the version kept is dropped and the whole roster asked for. */
    g_info("%s: roster resynchronisation", profile);
    set_ver(state, NULL);
    keep(roster, state);
    g_autofree char *id = lv_connections_add_request(lv_backend_get_connections(roster->backend),
                                                     profile, invocation);
    lv_xmpp_account_roster_fetch(account, id);
}
