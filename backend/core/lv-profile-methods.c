/* lv-profile-methods: the bridge methods about profiles and their sessions. */
#include "lv-backend.h"
#include "lv-profiles.h"

/* A call waiting for a worker: the backend and the invocation to answer. */
typedef struct {
    LvBackend *backend;
    LvInvocation *invocation;
} Pending;

static Pending *
pending_new(LvBackend *backend, LvInvocation *invocation)
{
    Pending *pending = g_new0(Pending, 1);

    pending->backend = backend;
    pending->invocation = invocation;
    return pending;
}

static void
on_created(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autofree Pending *pending = user_data;
    GError *error = NULL;

    if (!lv_profiles_create_finish(lv_backend_get_profiles(pending->backend), result, &error))
        lv_invocation_return_error(pending->invocation, error);
    else
        lv_invocation_return_value(pending->invocation, NULL);
}

static void
method_profile_create(LvBackend *backend, LvInvocation *invocation)
{
    const char *name = NULL, *password = NULL, *component = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s&s)", &name, &password,
                  &component);
    lv_profiles_create_async(lv_backend_get_profiles(backend), name, password, component,
                             on_created, pending_new(backend, invocation));
}

static void
on_deleted(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autofree Pending *pending = user_data;
    GError *error = NULL;

    if (!lv_profiles_delete_finish(lv_backend_get_profiles(pending->backend), result, &error))
        lv_invocation_return_error(pending->invocation, error);
    else
        lv_invocation_return_value(pending->invocation, NULL);
}

static void
method_delete_profile(LvBackend *backend, LvInvocation *invocation)
{
    const char *name = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s)", &name);
    if (name[0] == '@') {
        lv_invocation_return_new_error(invocation, LV_ERROR_PROFILE_KEY_UNKNOWN,
                                       "name the profile to delete, not %s", name);
        return;
    }
    lv_profiles_delete_async(lv_backend_get_profiles(backend), name, on_deleted,
                             pending_new(backend, invocation));
}

static void
method_profiles_list_get(LvBackend *backend, LvInvocation *invocation)
{
    gboolean clients = FALSE, components = FALSE;
    GError *error = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(bb)", &clients, &components);
    g_autoptr(GPtrArray) names = lv_storage_profile_list(
            lv_profiles_get_storage(lv_backend_get_profiles(backend)), clients, components, &error);
    if (names == NULL) {
        lv_invocation_return_error(invocation, error);
        return;
    }
    GVariant *list = g_variant_new_strv((const char *const *)names->pdata, names->len);
    lv_invocation_return_value(invocation, g_variant_new_tuple(&list, 1));
}

static void
method_profile_set_default(LvBackend *backend, LvInvocation *invocation)
{
    const char *name = NULL;
    GError *error = NULL;
    LvProfiles *profiles = lv_backend_get_profiles(backend);

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s)", &name);
    g_autoptr(LvStoredProfile) profile = lv_profiles_resolve(profiles, name, &error);
    if (profile == NULL ||
        !lv_storage_profile_set_default(lv_profiles_get_storage(profiles), profile->id, &error))
        lv_invocation_return_error(invocation, error);
    else
        lv_invocation_return_value(invocation, NULL);
}

static void
method_profile_name_get(LvBackend *backend, LvInvocation *invocation)
{
    const char *key = NULL;
    GError *error = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s)", &key);
    if (g_strcmp0(key, "@NONE@") == 0) {
        lv_invocation_return_value(invocation, g_variant_new("(s)", ""));
        return;
    }
    g_autoptr(LvStoredProfile) profile =
            lv_profiles_resolve(lv_backend_get_profiles(backend), key, &error);
    if (profile == NULL)
        lv_invocation_return_error(invocation, error);
    else
        lv_invocation_return_value(invocation, g_variant_new("(s)", profile->name));
}

static void
on_session(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autofree Pending *pending = user_data;
    GError *error = NULL;
    gboolean already = FALSE;

    if (!lv_profiles_start_session_finish(lv_backend_get_profiles(pending->backend), result,
                                          &already, &error))
        lv_invocation_return_error(pending->invocation, error);
    else
        lv_invocation_return_value(pending->invocation, g_variant_new("(b)", already));
}

static void
method_profile_start_session(LvBackend *backend, LvInvocation *invocation)
{
    const char *password = NULL, *key = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s)", &password, &key);
    lv_profiles_start_session_async(lv_backend_get_profiles(backend), key, password, on_session,
                                    pending_new(backend, invocation));
}

static void
method_profile_is_session_started(LvBackend *backend, LvInvocation *invocation)
{
    const char *key = NULL;
    GError *error = NULL;
    LvProfiles *profiles = lv_backend_get_profiles(backend);

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s)", &key);
    g_autoptr(LvStoredProfile) profile = lv_profiles_resolve(profiles, key, &error);
    if (profile == NULL) {
        lv_invocation_return_error(invocation, error);
        return;
    }
    gboolean started = lv_profiles_is_session_started(profiles, profile->name);
    lv_invocation_return_value(invocation, g_variant_new("(b)", started));
}

static const LvMethod profile_methods[] = {
    { "profileCreate", method_profile_create },
    { "asyncDeleteProfile", method_delete_profile },
    { "profilesListGet", method_profiles_list_get },
    { "profileSetDefault", method_profile_set_default },
    { "profileNameGet", method_profile_name_get },
    { "profileStartSession", method_profile_start_session },
    { "profileIsSessionStarted", method_profile_is_session_started },
    { NULL, NULL },
};

const LvMethod *
lv_profile_methods(void)
{
    return profile_methods;
}
