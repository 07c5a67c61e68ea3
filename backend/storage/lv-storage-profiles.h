/* lv-storage-profiles: the rows of profiles, their parameters and private data.
 * Only storage: the rules (names, defaults, secrets) live in backend/core. */
#pragma once

#include "lv-storage.h"

G_BEGIN_DECLS

/* A stored profile (plain data carrier). */
typedef struct {
    gint64 id;
    char *name;
    char *component; /* "" for a client */
    gboolean is_default;
    char *password_hash;
    char *wrapped_key;
} LvStoredProfile;

void lv_stored_profile_free(LvStoredProfile *profile);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LvStoredProfile, lv_stored_profile_free)

/* Inserts a profile with its secrets and @params (name → value pairs under
 * "category\nname" keys, may be NULL) in one transaction: all of it or nothing.
 * The first profile becomes the default. LV_ERROR_CONFLICT if the name exists. */
gboolean lv_storage_profile_create(LvStorage *storage, const char *name, const char *component,
                                   const char *password_hash, const char *wrapped_key,
                                   GHashTable *params, gint64 *id, GError **error);

/* The profile @name, or NULL without error if there is none (transfer full). */
LvStoredProfile *lv_storage_profile_get(LvStorage *storage, const char *name, GError **error);

/* Names in creation order; clients and/or components (transfer full). */
GPtrArray *lv_storage_profile_list(LvStorage *storage, gboolean clients, gboolean components,
                                   GError **error);

/* The default profile's name, or NULL without error when there are no profiles. */
char *lv_storage_profile_dup_default(LvStorage *storage, GError **error);
gboolean lv_storage_profile_set_default(LvStorage *storage, gint64 id, GError **error);

/* Deletes the profile and everything that hangs on it; if it was the default, the
 * oldest remaining profile becomes the default. */
gboolean lv_storage_profile_delete(LvStorage *storage, gint64 id, GError **error);

/* Replaces the password hash and wrapped key (a password change). */
gboolean lv_storage_profile_set_secrets(LvStorage *storage, gint64 id, const char *password_hash,
                                        const char *wrapped_key, GError **error);

/* Parameters: @profile_id 0 for the general ones. Unset: NULL without error. */
char *lv_storage_param_get(LvStorage *storage, gint64 profile_id, const char *category,
                           const char *name, GError **error);
gboolean lv_storage_param_set(LvStorage *storage, gint64 profile_id, const char *category,
                              const char *name, const char *value, GError **error);

/* Private data of frontends and plugins: @profile_id 0 for the general ones. */
char *lv_storage_private_get(LvStorage *storage, gint64 profile_id, const char *namespace_,
                             const char *key, GError **error);
gboolean lv_storage_private_set(LvStorage *storage, gint64 profile_id, const char *namespace_,
                                const char *key, const char *value, GError **error);
gboolean lv_storage_private_delete(LvStorage *storage, gint64 profile_id, const char *namespace_,
                                   const char *key, GError **error);

G_END_DECLS
