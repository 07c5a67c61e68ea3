/* lv-xep-0048-bookmarks: bookmarks on the bridge, with Libervia 0.9's methods
 * (its plugin XEP-0048): bookmarksList, bookmarksAdd, bookmarksRemove.
 *
 * Locations: "local" is libervia.db (backend/storage/lv-storage-bookmarks.c,
 * handled here on the main thread, usable without a connection); "private" is
 * XEP-0048 in private XML storage; "pubsub" is XEP-0402 native bookmarks in PEP.
 * Libervia 0.9 meant XEP-0048 over PEP (XEP-0223) by "pubsub" and never
 * implemented it; we give the name to XEP-0402 instead, the PEP storage that
 * servers (Prosody 0.12's mod_bookmarks) and other clients use today, so that
 * "pubsub" means what a user of a current server expects. The account's thread
 * does the server's part (backend/xmpp/lv-xmpp-account-bookmarks.c); at each
 * "connected" signal it is handed the local rooms for the autojoin. */
#include "lv-connections.h"
#include "lv-plugins.h"
#include "lv-profiles.h"
#include "lv-storage-bookmarks.h"
#include "lv-xmpp-bookmarks.h"

static guint signal_sink; /* main thread */

static const char *const list_locations[] = { "all", "local", "private", "pubsub", NULL };
static const char *const add_locations[] = { "auto", "local", "private", "pubsub", NULL };

static LvStorage *
storage_of(LvBackend *backend)
{
    return lv_profiles_get_storage(lv_backend_get_profiles(backend));
}

/* Gives the account of @profile, if connected, its local room bookmarks. */
static void
hand_local_over(LvBackend *backend, const char *profile_name)
{
    g_autoptr(LvStoredProfile) profile =
            lv_profiles_resolve(lv_backend_get_profiles(backend), profile_name, NULL);
    LvXmppAccount *account =
            profile != NULL ? lv_connections_get_account(lv_backend_get_connections(backend),
                                                         profile->name, NULL)
                            : NULL;
    g_autoptr(GError) error = NULL;

    if (account == NULL)
        return;
    GVariant *local = lv_storage_bookmark_list(storage_of(backend), profile->id, "muc", &error);
    if (local == NULL) {
        g_warning("%s: local bookmarks not read: %s", profile->name, error->message);
        local = g_variant_new_array(G_VARIANT_TYPE("{sa{ss}}"), NULL, 0);
    }
    lv_xmpp_account_bookmarks_set_local(account, local);
}

static void
on_signal(const char *interface_name, const char *name, GVariant *params, gpointer user_data)
{
    const char *profile = NULL;

    if (g_strcmp0(name, "connected") != 0 || !g_variant_is_of_type(params, G_VARIANT_TYPE("(ss)")))
        return;
    g_variant_get(params, "(&s&s)", NULL, &profile);
    hand_local_over(user_data, profile);
}

void
lv_xep_0048_start(LvBackend *backend)
{
    signal_sink = lv_backend_add_signal_sink(backend, on_signal, backend);
}

void
lv_xep_0048_stop(LvBackend *backend)
{
    if (signal_sink != 0)
        lv_backend_remove_signal_sink(backend, signal_sink);
    signal_sink = 0;
}

/* The type, checked; FALSE after answering @invocation. */
static gboolean
check_type(LvInvocation *invocation, const char *type, LvXmppBookmarkType *parsed)
{
    if (lv_xmpp_bookmark_type_parse(type, parsed))
        return TRUE;
    lv_invocation_return_new_error(invocation, LV_ERROR_DATA,
                                   "unknown bookmark type \"%s\" (muc or url)", type);
    return FALSE;
}

static gboolean
check_location(LvInvocation *invocation, const char *location, const char *const *allowed)
{
    if (g_strv_contains(allowed, location))
        return TRUE;
    g_autofree char *choices = g_strjoinv(", ", (char **)allowed);
    lv_invocation_return_new_error(invocation, LV_ERROR_DATA,
                                   "unknown bookmark location \"%s\" (%s)", location, choices);
    return FALSE;
}

static GVariant *
empty_dict(void)
{
    return g_variant_new_array(G_VARIANT_TYPE("{sa{ss}}"), NULL, 0);
}

static void
method_bookmarks_list(LvBackend *backend, LvInvocation *invocation)
{
    const char *type = NULL, *location = NULL, *key = NULL;
    LvXmppBookmarkType parsed = LV_XMPP_BOOKMARK_MUC;
    GError *error = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s&s)", &type, &location, &key);
    if (!check_type(invocation, type, &parsed) ||
        !check_location(invocation, location, list_locations))
        return;
    g_autoptr(LvStoredProfile) profile =
            lv_profiles_resolve_for(lv_backend_get_profiles(backend), invocation, key);
    if (profile == NULL)
        return;
    LvXmppAccount *account =
            g_str_equal(location, "local")
                    ? NULL
                    : lv_connections_get_account(lv_backend_get_connections(backend), profile->name,
                                                 &error);
    GVariant *local =
            error == NULL && (g_str_equal(location, "all") || g_str_equal(location, "local"))
                    ? lv_storage_bookmark_list(storage_of(backend), profile->id, type, &error)
                    : NULL;
    if (error != NULL) {
        if (local != NULL)
            g_variant_unref(g_variant_ref_sink(local));
        lv_invocation_return_error(invocation, error);
        return;
    }
    if (account == NULL) { /* "local": libervia.db only, connected or not */
        lv_invocation_return_value(
                invocation, g_variant_new_parsed("({'local': %@a{sa{ss}}, 'private': %@a{sa{ss}}, "
                                                 "'pubsub': %@a{sa{ss}}},)",
                                                 local, empty_dict(), empty_dict()));
        return;
    }
    g_autofree char *request_id = lv_connections_add_request(lv_backend_get_connections(backend),
                                                             profile->name, invocation);
    lv_xmpp_account_bookmarks_list(account, request_id, parsed, location, local);
}

/* Writes @bookmark's data to libervia.db and tells the account. */
static gboolean
add_local(LvBackend *backend, const LvStoredProfile *profile, const char *type,
          const LvXmppBookmark *bookmark, GVariant *data, GError **error)
{
    if (!lv_storage_bookmark_set(storage_of(backend), profile->id, type, bookmark->location, data,
                                 error))
        return FALSE;
    g_info("%s: bookmark %s kept locally", profile->name, bookmark->location);
    hand_local_over(backend, profile->name);
    return TRUE;
}

/* "auto": the account stores it on the server if it can; else it stays local. */
typedef struct {
    LvBackend *backend;
    LvInvocation *invocation; /* the caller's */
    LvStoredProfile *profile;
    char *type;
    LvXmppBookmark *bookmark;
    GVariant *data;
} AutoAdd;

static void
on_auto_added(GVariant *result, GError *error, gpointer user_data)
{
    AutoAdd *add = user_data;

    if (g_error_matches(error, LV_ERROR, LV_ERROR_FEATURE_NOT_FOUND)) {
        g_message("%s: %s: the bookmark will be local only", add->profile->name, error->message);
        g_clear_error(&error);
        if (!add_local(add->backend, add->profile, add->type, add->bookmark, add->data, &error))
            lv_invocation_return_error(add->invocation, error);
        else
            lv_invocation_return_value(add->invocation, NULL);
    } else if (error != NULL) {
        lv_invocation_return_error(add->invocation, error);
    } else {
        lv_invocation_return_value(add->invocation, NULL);
    }
    if (result != NULL)
        g_variant_unref(result);
    lv_stored_profile_free(add->profile);
    g_free(add->type);
    lv_xmpp_bookmark_free(add->bookmark);
    g_variant_unref(add->data);
    g_free(add);
}

static void
add_auto(LvBackend *backend, LvInvocation *invocation, LvXmppAccount *account,
         LvStoredProfile *profile, const char *type, LvXmppBookmark *bookmark, GVariant *data)
{
    AutoAdd *add = g_new0(AutoAdd, 1);

    add->backend = backend;
    add->invocation = invocation;
    add->profile = profile;
    add->type = g_strdup(type);
    add->bookmark = lv_xmpp_bookmark_copy(bookmark);
    add->data = g_variant_ref(data);
    LvInvocation *inner =
            lv_invocation_new("bookmarksAdd", NULL, G_VARIANT_TYPE_UNIT, on_auto_added, add);
    g_autofree char *request_id =
            lv_connections_add_request(lv_backend_get_connections(backend), profile->name, inner);
    lv_xmpp_account_bookmarks_add(account, request_id, bookmark, "auto");
}

static void
method_bookmarks_add(LvBackend *backend, LvInvocation *invocation)
{
    const char *type = NULL, *location = NULL, *where = NULL, *key = NULL;
    g_autoptr(GVariant) data = NULL;
    GError *error = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s@a{ss}&s&s)", &type, &location,
                  &data, &where, &key);
    if (!check_location(invocation, where, add_locations))
        return;
    g_autoptr(LvXmppBookmark) bookmark =
            lv_xmpp_bookmark_new_from_data(type, location, data, &error);
    if (bookmark == NULL) {
        lv_invocation_return_error(invocation, error);
        return;
    }
    g_autoptr(LvStoredProfile) profile =
            lv_profiles_resolve_for(lv_backend_get_profiles(backend), invocation, key);
    if (profile == NULL)
        return;
    if (g_str_equal(where, "local")) {
        if (!add_local(backend, profile, type, bookmark, data, &error))
            lv_invocation_return_error(invocation, error);
        else
            lv_invocation_return_value(invocation, NULL);
        return;
    }
    LvXmppAccount *account =
            lv_connections_get_account(lv_backend_get_connections(backend), profile->name, &error);
    if (account == NULL) {
        lv_invocation_return_error(invocation, error);
        return;
    }
    if (g_str_equal(where, "auto")) {
        add_auto(backend, invocation, account, g_steal_pointer(&profile), type,
                 g_steal_pointer(&bookmark), data);
        return;
    }
    g_autofree char *request_id = lv_connections_add_request(lv_backend_get_connections(backend),
                                                             profile->name, invocation);
    lv_xmpp_account_bookmarks_add(account, request_id, g_steal_pointer(&bookmark), where);
}

static void
method_bookmarks_remove(LvBackend *backend, LvInvocation *invocation)
{
    const char *type = NULL, *location = NULL, *where = NULL, *key = NULL;
    LvXmppBookmarkType parsed = LV_XMPP_BOOKMARK_MUC;
    GError *error = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s&s&s)", &type, &location, &where,
                  &key);
    if (!check_type(invocation, type, &parsed) ||
        !check_location(invocation, where, list_locations))
        return;
    g_autofree char *target = parsed == LV_XMPP_BOOKMARK_MUC
                                      ? lv_xmpp_bookmark_dup_room(location, &error)
                                      : g_strdup(location);
    g_autoptr(LvStoredProfile) profile =
            target != NULL
                    ? lv_profiles_resolve_for(lv_backend_get_profiles(backend), invocation, key)
                    : NULL;
    if (target == NULL)
        lv_invocation_return_error(invocation, error);
    if (profile == NULL)
        return;
    /* The server's part needs the connection: checked before anything is removed. */
    LvXmppAccount *account =
            g_str_equal(where, "local")
                    ? NULL
                    : lv_connections_get_account(lv_backend_get_connections(backend), profile->name,
                                                 &error);
    gboolean removed = FALSE;
    if (error == NULL && (g_str_equal(where, "all") || g_str_equal(where, "local")) &&
        lv_storage_bookmark_delete(storage_of(backend), profile->id, type, target, &removed,
                                   &error) &&
        removed)
        hand_local_over(backend, profile->name);
    if (error != NULL) {
        lv_invocation_return_error(invocation, error);
        return;
    }
    if (account == NULL) {
        lv_invocation_return_value(invocation, NULL);
        return;
    }
    g_autofree char *request_id = lv_connections_add_request(lv_backend_get_connections(backend),
                                                             profile->name, invocation);
    lv_xmpp_account_bookmarks_remove(account, request_id, parsed, target, where);
}

static const LvMethod methods[] = {
    { "bookmarksList", method_bookmarks_list },
    { "bookmarksAdd", method_bookmarks_add },
    { "bookmarksRemove", method_bookmarks_remove },
    { NULL, NULL },
};

const LvMethod *
lv_xep_0048_methods(void)
{
    return methods;
}
