/* lv-profile-params: reading and storing a profile's parameter values (secrets
 * sealed under the session's key), for the bridge methods and the connections. */
#pragma once

#include "lv-params.h"
#include "lv-profiles.h"

G_BEGIN_DECLS

/* The parameter, or NULL with LV_ERROR_NOT_FOUND (transfer none). */
const LvParamDef *lv_profile_params_lookup(const char *category, const char *name, GError **error);

/* The value a caller may see: the stored one or the default; a password masked
 * unless @clear and the profile's session is started (then opened) (transfer full). */
char *lv_profile_params_get_value(LvProfiles *profiles, const LvStoredProfile *profile,
                                  const LvParamDef *def, gboolean clear, GError **error);

/* Stores @value (already validated) for @def; a secret needs the session's key. */
gboolean lv_profile_params_store(LvProfiles *profiles, const LvStoredProfile *profile,
                                 const LvParamDef *def, const char *value, GError **error);

G_END_DECLS
