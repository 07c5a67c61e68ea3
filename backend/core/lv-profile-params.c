/* lv-profile-params: the values of a profile's parameters: defaults, masks, and
 * secrets sealed with the session key and bound to their place. */
#include "lv-profile-params.h"

#include "lv-error.h"

/* Where a sealed value belongs: opening it anywhere else fails. */
static char *
seal_context(const LvStoredProfile *profile, const LvParamDef *def)
{
    return g_strdup_printf("%" G_GINT64_FORMAT "/%s/%s", profile->id, def->category, def->name);
}

const LvParamDef *
lv_profile_params_lookup(const char *category, const char *name, GError **error)
{
    const LvParamDef *def = lv_params_lookup(category, name);

    if (def == NULL)
        g_set_error(error, LV_ERROR, LV_ERROR_NOT_FOUND, "unknown parameter %s/%s", category, name);
    return def;
}

/* The stored or default value; passwords as stored (sealed, or a hash). */
static char *
stored_value(LvProfiles *profiles, const LvStoredProfile *profile, const LvParamDef *def,
             GError **error)
{
    GError *local = NULL;
    char *value = lv_storage_param_get(lv_profiles_get_storage(profiles), profile->id,
                                       def->category, def->name, &local);

    if (local != NULL) {
        g_propagate_error(error, local);
        return NULL;
    }
    return value != NULL ? value : g_strdup(def->default_value);
}

/* The "value" a caller may see: @clear allows opening a password. */
char *
lv_profile_params_get_value(LvProfiles *profiles, const LvStoredProfile *profile,
                            const LvParamDef *def, gboolean clear, GError **error)
{
    if (g_str_equal(def->category, "General") && g_str_equal(def->name, "Password"))
        return g_strdup(lv_params_mask(profile->password_hash)); /* only ever a hash */
    g_autofree char *value = stored_value(profiles, profile, def, error);
    if (value == NULL || def->type != LV_PARAM_PASSWORD)
        return g_steal_pointer(&value);
    const LvSecretKey *key = lv_profiles_get_key(profiles, profile->name);
    if (!clear || key == NULL || value[0] == '\0')
        return g_strdup(lv_params_mask(value));
    g_autofree char *context = seal_context(profile, def);
    return lv_crypto_open(key, value, context, error);
}

/* Stores @value (already valid) for @def: sealed when it is a secret. */
gboolean
lv_profile_params_store(LvProfiles *profiles, const LvStoredProfile *profile, const LvParamDef *def,
                        const char *value, GError **error)
{
    g_autofree char *sealed = NULL;

    if (def->type == LV_PARAM_PASSWORD && value[0] != '\0') {
        const LvSecretKey *key = lv_profiles_get_key(profiles, profile->name);
        if (key == NULL) {
            g_set_error(error, LV_ERROR, LV_ERROR_PERMISSION,
                        "start the session of %s before setting %s/%s", profile->name,
                        def->category, def->name);
            return FALSE;
        }
        g_autofree char *context = seal_context(profile, def);
        sealed = lv_crypto_seal(key, value, context);
    }
    return lv_storage_param_set(lv_profiles_get_storage(profiles), profile->id, def->category,
                                def->name, sealed != NULL ? sealed : value, error);
}
