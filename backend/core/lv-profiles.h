/* lv-profiles: profiles and their sessions.
 *
 * A profile is a named local account. Its session is started with the profile
 * password, which unwraps the profile key kept (sodium-protected) until the session
 * ends; secret parameters are sealed and opened with that key. The slow argon2id
 * work runs in worker threads; storage is touched on the main thread only.
 */
#pragma once

#include <gio/gio.h>

#include "lv-crypto.h"
#include "lv-invocation.h"
#include "lv-storage-profiles.h"

G_BEGIN_DECLS

typedef struct _LvProfiles LvProfiles;

/* @storage must outlive the result (transfer full). */
LvProfiles *lv_profiles_new(LvStorage *storage);
void lv_profiles_free(LvProfiles *profiles);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LvProfiles, lv_profiles_free)

LvStorage *lv_profiles_get_storage(LvProfiles *profiles);

/* Checks a new profile name: not empty, not a profile key (@…), no "/", no "..",
 * no control characters, at most 64 bytes. LV_ERROR_DATA says why. */
gboolean lv_profiles_check_name(const char *name, GError **error);

/* The stored profile named by @profile_key ("@DEFAULT@" or a name):
 * LV_ERROR_PROFILE_UNKNOWN / LV_ERROR_PROFILE_NOT_SET otherwise (transfer full). */
LvStoredProfile *lv_profiles_resolve(LvProfiles *profiles, const char *profile_key, GError **error);

/* As lv_profiles_resolve(), for a bridge method: on error @invocation is answered
 * with it and NULL returned (transfer full). */
LvStoredProfile *lv_profiles_resolve_for(LvProfiles *profiles, LvInvocation *invocation,
                                         const char *profile_key);

/* Creates a profile: hash, key and wrapping in a worker, then one transaction. */
void lv_profiles_create_async(LvProfiles *profiles, const char *name, const char *password,
                              const char *component, GAsyncReadyCallback callback,
                              gpointer user_data);
gboolean lv_profiles_create_finish(LvProfiles *profiles, GAsyncResult *result, GError **error);

/* Starts the session of @profile_key with @password. As in Libervia 0.9, a started
 * session answers TRUE whatever the password; a new one answers FALSE; a wrong
 * password is LV_ERROR_PASSWORD. Wrong passwords in a row earn a back-off
 * (lv_profiles_backoff_seconds()) during which attempts are refused unheard with
 * LV_ERROR_NOT_READY; an attempt made while another is checked waits for it. A right
 * password whose hash has older limits is re-hashed. */
void lv_profiles_start_session_async(LvProfiles *profiles, const char *profile_key,
                                     const char *password, GAsyncReadyCallback callback,
                                     gpointer user_data);
gboolean lv_profiles_start_session_finish(LvProfiles *profiles, GAsyncResult *result,
                                          gboolean *already_started, GError **error);

/* How long attempts wait after @failures wrong passwords in a row: 0, 0, 0, 1, 2, 4 …
 * up to 60 seconds. */
guint lv_profiles_backoff_seconds(guint failures);

gboolean lv_profiles_is_session_started(LvProfiles *profiles, const char *name);

/* The key of a started session, or NULL (transfer none). */
const LvSecretKey *lv_profiles_get_key(LvProfiles *profiles, const char *name);

/* Ends the session: the key is wiped. */
void lv_profiles_end_session(LvProfiles *profiles, const char *name);

/* Changes the profile password of a started session: new hash, key re-wrapped. */
void lv_profiles_change_password_async(LvProfiles *profiles, const char *name, const char *password,
                                       GAsyncReadyCallback callback, gpointer user_data);
gboolean lv_profiles_change_password_finish(LvProfiles *profiles, GAsyncResult *result,
                                            GError **error);

/* Deletes the profile (its session ends first). Only a started session, or a
 * profile whose password is empty, may be deleted: PermissionError otherwise. */
void lv_profiles_delete_async(LvProfiles *profiles, const char *name, GAsyncReadyCallback callback,
                              gpointer user_data);
gboolean lv_profiles_delete_finish(LvProfiles *profiles, GAsyncResult *result, GError **error);

G_END_DECLS
