/* lv-param-methods: the bridge methods about parameters and private data. Secret
 * parameters are sealed with the session's key and leave only masked, except to
 * asyncGetParamA with no security limit in a started session. */
#include <json-glib/json-glib.h>

#include "lv-backend.h"
#include "lv-params.h"
#include "lv-profile-params.h"
#include "lv-profiles.h"

static char *
attribute_of(LvProfiles *profiles, const LvStoredProfile *profile, const LvParamDef *def,
             const char *attribute, gboolean clear, GError **error)
{
    if (attribute[0] == '\0' || g_str_equal(attribute, "value"))
        return lv_profile_params_get_value(profiles, profile, def, clear, error);
    if (g_str_equal(attribute, "type"))
        return g_strdup(lv_params_type_name(def));
    if (g_str_equal(attribute, "label"))
        return g_strdup(def->label);
    if (g_str_equal(attribute, "security"))
        return def->security == LV_PARAM_NO_SECURITY ? g_strdup("")
                                                     : g_strdup_printf("%d", def->security);
    g_set_error(error, LV_ERROR, LV_ERROR_NOT_FOUND, "parameters have no attribute %s", attribute);
    return NULL;
}

/* getParamA and asyncGetParamA: @limit is -1 for getParamA's "no limit". */
static void
get_param(LvBackend *backend, LvInvocation *invocation, const char *name, const char *category,
          const char *attribute, int limit, gboolean clear, const char *key)
{
    LvProfiles *profiles = lv_backend_get_profiles(backend);
    GError *error = NULL;
    const LvParamDef *def = lv_profile_params_lookup(category, name, &error);
    g_autoptr(LvStoredProfile) profile = NULL;
    g_autofree char *value = NULL;

    if (def != NULL && !lv_params_visible(def, limit))
        g_set_error(&error, LV_ERROR, LV_ERROR_PERMISSION, "%s/%s is above security limit %d",
                    category, name, limit);
    if (error == NULL && (profile = lv_profiles_resolve(profiles, key, &error)) != NULL)
        value = attribute_of(profiles, profile, def, attribute, clear, &error);
    if (error != NULL) {
        lv_invocation_return_error(invocation, error);
        return;
    }
    lv_invocation_return_value(invocation, g_variant_new("(s)", value));
    if (clear)
        lv_crypto_wipe(value);
}

static void
method_get_param_a(LvBackend *backend, LvInvocation *invocation)
{
    const char *name = NULL, *category = NULL, *attribute = NULL, *key = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s&s&s)", &name, &category,
                  &attribute, &key);
    get_param(backend, invocation, name, category, attribute, -1, FALSE, key);
}

static void
method_async_get_param_a(LvBackend *backend, LvInvocation *invocation)
{
    const char *name = NULL, *category = NULL, *attribute = NULL, *key = NULL;
    gint32 limit = -1;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s&si&s)", &name, &category,
                  &attribute, &limit, &key);
    get_param(backend, invocation, name, category, attribute, limit, limit < 0, key);
}

typedef struct {
    LvBackend *backend;
    LvInvocation *invocation;
    char *profile;
} PasswordChange;

static void
on_password_changed(GObject *source, GAsyncResult *result, gpointer user_data)
{
    PasswordChange *change = user_data;
    GError *error = NULL;

    if (!lv_profiles_change_password_finish(lv_backend_get_profiles(change->backend), result,
                                            &error)) {
        lv_invocation_return_error(change->invocation, error);
    } else {
        lv_invocation_return_value(change->invocation, NULL);
        lv_backend_emit_signal(
                change->backend, "paramUpdate",
                g_variant_new("(ssss)", "Password", "********", "General", change->profile));
    }
    g_free(change->profile);
    g_free(change);
}

static void
method_set_param(LvBackend *backend, LvInvocation *invocation)
{
    const char *name = NULL, *value = NULL, *category = NULL, *key = NULL;
    gint32 limit = -1;
    LvProfiles *profiles = lv_backend_get_profiles(backend);
    GError *error = NULL;
    g_autoptr(LvStoredProfile) profile = NULL;
    g_autofree char *normalized = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s&si&s)", &name, &value, &category,
                  &limit, &key);
    const LvParamDef *def = lv_profile_params_lookup(category, name, &error);
    if (def != NULL && !lv_params_visible(def, limit))
        g_set_error(&error, LV_ERROR, LV_ERROR_PERMISSION, "%s/%s is above security limit %d",
                    category, name, limit);
    if (error == NULL)
        profile = lv_profiles_resolve(profiles, key, &error);
    if (error == NULL && g_str_equal(category, "General") && g_str_equal(name, "Password")) {
        PasswordChange *change = g_new0(PasswordChange, 1);
        *change = (PasswordChange){ backend, invocation, g_strdup(profile->name) };
        lv_profiles_change_password_async(profiles, profile->name, value, on_password_changed,
                                          change);
        return;
    }
    if (error == NULL && lv_params_validate(def, value, &normalized, &error))
        lv_profile_params_store(profiles, profile, def, normalized, &error);
    if (error != NULL) {
        lv_invocation_return_error(invocation, error);
        return;
    }
    lv_invocation_return_value(invocation, NULL);
    const char *shown = def->type == LV_PARAM_PASSWORD ? lv_params_mask(normalized) : normalized;
    lv_backend_emit_signal(backend, "paramUpdate",
                           g_variant_new("(ssss)", name, shown, category, profile->name));
    if (def->type == LV_PARAM_PASSWORD)
        lv_crypto_wipe(normalized);
}

static void
method_values_from_category(LvBackend *backend, LvInvocation *invocation)
{
    const char *category = NULL, *app = NULL, *extra = NULL, *key = NULL;
    gint32 limit = -1;
    LvProfiles *profiles = lv_backend_get_profiles(backend);
    GError *error = NULL;
    GVariantBuilder values;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&si&s&s&s)", &category, &limit, &app,
                  &extra, &key);
    g_autoptr(LvStoredProfile) profile = lv_profiles_resolve(profiles, key, &error);
    if (profile == NULL) {
        lv_invocation_return_error(invocation, error);
        return;
    }
    g_variant_builder_init(&values, G_VARIANT_TYPE("a{ss}"));
    for (const LvParamDef *def = lv_params_all(); def->category != NULL; def++) {
        if (!g_str_equal(def->category, category) || !lv_params_visible(def, limit))
            continue;
        g_autofree char *value = lv_profile_params_get_value(profiles, profile, def, FALSE, &error);
        if (value == NULL) {
            g_variant_builder_clear(&values);
            lv_invocation_return_error(invocation, error);
            return;
        }
        g_variant_builder_add(&values, "{ss}", def->name, value);
    }
    lv_invocation_return_value(invocation, g_variant_new("(a{ss})", &values));
}

static void
method_params_categories(LvBackend *backend, LvInvocation *invocation)
{
    GVariant *list = g_variant_new_strv(lv_params_categories(), -1);

    lv_invocation_return_value(invocation, g_variant_new_tuple(&list, 1));
}

static void
method_private_get(LvBackend *backend, LvInvocation *invocation)
{
    const char *ns = NULL, *item = NULL, *key = NULL;
    LvProfiles *profiles = lv_backend_get_profiles(backend);
    GError *error = NULL;
    g_autofree char *data = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s&s)", &ns, &item, &key);
    g_autoptr(LvStoredProfile) profile = lv_profiles_resolve(profiles, key, &error);
    if (profile != NULL)
        data = lv_storage_private_get(lv_profiles_get_storage(profiles), profile->id, ns, item,
                                      &error);
    if (error != NULL) {
        lv_invocation_return_error(invocation, error);
        return;
    }
    /* Libervia serialises a missing value as JSON null. */
    lv_invocation_return_value(invocation, g_variant_new("(s)", data != NULL ? data : "null"));
}

static void
method_private_set(LvBackend *backend, LvInvocation *invocation)
{
    const char *ns = NULL, *item = NULL, *data = NULL, *key = NULL;
    LvProfiles *profiles = lv_backend_get_profiles(backend);
    GError *error = NULL;
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GError) json_error = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s&s&s)", &ns, &item, &data, &key);
    if (!json_parser_load_from_data(parser, data, -1, &json_error)) {
        lv_invocation_return_new_error(invocation, LV_ERROR_DATA, "private data must be JSON: %s",
                                       json_error->message);
        return;
    }
    g_autoptr(LvStoredProfile) profile = lv_profiles_resolve(profiles, key, &error);
    if (profile == NULL || !lv_storage_private_set(lv_profiles_get_storage(profiles), profile->id,
                                                   ns, item, data, &error))
        lv_invocation_return_error(invocation, error);
    else
        lv_invocation_return_value(invocation, NULL);
}

static void
method_private_delete(LvBackend *backend, LvInvocation *invocation)
{
    const char *ns = NULL, *item = NULL, *key = NULL;
    LvProfiles *profiles = lv_backend_get_profiles(backend);
    GError *error = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s&s)", &ns, &item, &key);
    g_autoptr(LvStoredProfile) profile = lv_profiles_resolve(profiles, key, &error);
    if (profile == NULL || !lv_storage_private_delete(lv_profiles_get_storage(profiles),
                                                      profile->id, ns, item, &error))
        lv_invocation_return_error(invocation, error);
    else
        lv_invocation_return_value(invocation, NULL);
}

static const LvMethod param_methods[] = {
    { "getParamA", method_get_param_a },
    { "asyncGetParamA", method_async_get_param_a },
    { "setParam", method_set_param },
    { "asyncGetParamsValuesFromCategory", method_values_from_category },
    { "getParamsCategories", method_params_categories },
    { "privateDataGet", method_private_get },
    { "privateDataSet", method_private_set },
    { "privateDataDelete", method_private_delete },
    { NULL, NULL },
};

const LvMethod *
lv_param_methods(void)
{
    return param_methods;
}
