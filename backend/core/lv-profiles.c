/* lv-profiles: profile life cycle and sessions (see lv-profiles.h). */
#include "lv-profiles.h"

#include <string.h>

#include "lv-error.h"

#define MAX_NAME_BYTES 64
/* Each argon2id derivation takes 64 MiB for ~50 ms: two at a time bound both the
 * memory a burst of logins costs and how fast passwords can be tried. */
#define MAX_DERIVATIONS 2

struct _LvProfiles {
    LvStorage *storage;
    GHashTable *sessions; /* profile name → LvSecretKey* */
    GHashTable *attempts; /* profile name → Attempts*: wrong passwords so far */
};

/* The wrong profile passwords given for one profile since the last right one. */
typedef struct {
    guint failures;
    gint64 retry_at; /* monotonic µs: attempts before this are refused unheard */
    gboolean in_flight;
    GQueue waiting; /* Waiter*: attempts that came while one was being checked */
} Attempts;

/* An attempt that waits for the one in flight: one frontend may start a session
 * from two calls at once, and a second guess must not run beside the first. */
typedef struct {
    char *password;
    GTask *outer;
} Waiter;

static void
waiter_free(Waiter *waiter)
{
    lv_crypto_free_secret(waiter->password);
    g_clear_object(&waiter->outer);
    g_free(waiter);
}

static void
attempts_free(Attempts *attempts)
{
    for (GList *l = attempts->waiting.head; l != NULL; l = l->next) {
        Waiter *waiter = l->data;
        g_task_return_new_error(waiter->outer, LV_ERROR, LV_ERROR_CANCELLED,
                                "the backend is stopping");
    }
    g_queue_clear_full(&attempts->waiting, (GDestroyNotify)waiter_free);
    g_free(attempts);
}

/* What a worker needs and gives back; secrets wiped on free. */
typedef struct {
    char *name;
    char *password;
    char *component;
    char *password_hash; /* in: stored hash; out: new hash */
    char *wrapped_key;   /* in: stored wrapped key; out: new wrapped key */
    LvSecretKey *key;
    gboolean already_started;
    char *new_hash; /* out: the right password re-hashed with today's limits */
    GTaskThreadFunc func;
} CryptoJob;

static void
crypto_job_free(CryptoJob *job)
{
    g_free(job->name);
    lv_crypto_free_secret(job->password);
    g_free(job->component);
    g_free(job->password_hash);
    g_free(job->wrapped_key);
    lv_secret_key_free(job->key);
    g_free(job->new_hash);
    g_free(job);
}

LvProfiles *
lv_profiles_new(LvStorage *storage)
{
    LvProfiles *profiles = g_new0(LvProfiles, 1);

    profiles->storage = storage;
    profiles->sessions = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                               (GDestroyNotify)lv_secret_key_free);
    profiles->attempts =
            g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)attempts_free);
    return profiles;
}

void
lv_profiles_free(LvProfiles *profiles)
{
    if (profiles == NULL)
        return;
    g_hash_table_unref(profiles->sessions); /* wipes every key */
    g_hash_table_unref(profiles->attempts);
    g_free(profiles);
}

LvStorage *
lv_profiles_get_storage(LvProfiles *profiles)
{
    return profiles->storage;
}

gboolean
lv_profiles_check_name(const char *name, GError **error)
{
    const char *why = NULL;

    if (name == NULL || name[0] == '\0')
        why = "it is empty";
    else if (!g_utf8_validate(name, -1, NULL))
        why = "it is not valid UTF-8";
    else if (strlen(name) > MAX_NAME_BYTES)
        why = "it is longer than 64 bytes";
    else if (name[0] == '@')
        why = "names starting with @ are profile keys";
    else if (strchr(name, '/') != NULL || strstr(name, "..") != NULL)
        why = "it contains '/' or '..'";
    for (const char *p = name; why == NULL && *p != '\0'; p = g_utf8_next_char(p)) {
        if (g_unichar_iscntrl(g_utf8_get_char(p)))
            why = "it contains control characters";
    }
    if (why == NULL)
        return TRUE;
    g_set_error(error, LV_ERROR, LV_ERROR_DATA, "invalid profile name: %s", why);
    return FALSE;
}

LvStoredProfile *
lv_profiles_resolve(LvProfiles *profiles, const char *profile_key, GError **error)
{
    g_autoptr(GError) local = NULL;
    g_autofree char *name = NULL;

    if (g_strcmp0(profile_key, "@DEFAULT@") == 0 || profile_key == NULL || !profile_key[0]) {
        name = lv_storage_profile_dup_default(profiles->storage, &local);
        if (name == NULL && local == NULL)
            g_set_error_literal(&local, LV_ERROR, LV_ERROR_PROFILE_NOT_SET,
                                "no profile exists yet: create one (li profile create)");
    } else if (profile_key[0] == '@') {
        g_set_error(&local, LV_ERROR, LV_ERROR_PROFILE_KEY_UNKNOWN, "%s does not name one profile",
                    profile_key);
    } else {
        name = g_strdup(profile_key);
    }
    LvStoredProfile *profile =
            local == NULL ? lv_storage_profile_get(profiles->storage, name, &local) : NULL;
    if (profile == NULL && local == NULL)
        g_set_error(&local, LV_ERROR, LV_ERROR_PROFILE_UNKNOWN, "no profile named %s", name);
    if (local != NULL)
        g_propagate_error(error, g_steal_pointer(&local));
    return profile;
}

static LvProfiles *
profiles_of(GTask *outer)
{
    return g_object_get_data(G_OBJECT(outer), "lv-profiles");
}

/* A new hash of the password and the key wrapped under it: for a new profile and
 * for a password change alike. */
static void
hash_and_wrap_in_worker(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    CryptoJob *job = data;
    g_autoptr(GError) error = NULL;

    job->password_hash = lv_crypto_hash_password(job->password, &error);
    if (job->password_hash != NULL)
        job->wrapped_key = lv_crypto_wrap_key(job->key, job->password, &error);
    if (error != NULL)
        g_task_return_error(task, g_steal_pointer(&error));
    else
        g_task_return_boolean(task, TRUE);
}

static void
on_created(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) outer = user_data;
    LvProfiles *profiles = profiles_of(outer);
    CryptoJob *job = g_task_get_task_data(G_TASK(result));
    g_autoptr(GError) error = NULL;
    gint64 id = 0;

    if (!g_task_propagate_boolean(G_TASK(result), &error) ||
        !lv_storage_profile_create(profiles->storage, job->name, job->component, job->password_hash,
                                   job->wrapped_key, NULL, &id, &error)) {
        g_task_return_error(outer, g_steal_pointer(&error));
        return;
    }
    g_info("profile %s created", job->name);
    g_task_return_boolean(outer, TRUE);
}

static void
run_in_pool(gpointer data, gpointer user_data)
{
    GTask *task = data;
    CryptoJob *job = g_task_get_task_data(task);

    job->func(task, NULL, job, NULL);
    g_object_unref(task);
}

/* The workers of every derivation, shared by all profiles: jobs beyond
 * MAX_DERIVATIONS wait their turn. Never freed, like GTask's own pool. */
static GThreadPool *
crypto_pool(void)
{
    static GThreadPool *pool;

    if (g_once_init_enter(&pool)) {
        GThreadPool *created = g_thread_pool_new(run_in_pool, NULL, MAX_DERIVATIONS, FALSE, NULL);
        g_once_init_leave(&pool, created);
    }
    return pool;
}

/* Runs @func on @job in a worker, then @done on the main thread with @outer. */
static void
run_job(LvProfiles *profiles, CryptoJob *job, GTaskThreadFunc func, GAsyncReadyCallback done,
        GTask *outer)
{
    GTask *task = g_task_new(NULL, NULL, done, outer);

    job->func = func;
    g_task_set_task_data(task, job, (GDestroyNotify)crypto_job_free);
    g_thread_pool_push(crypto_pool(), task, NULL);
}

guint
lv_profiles_backoff_seconds(guint failures)
{
    /* Two misses are free: the CLI tries the empty password before it asks, and a
     * typo is asked again at once. Then 1 s, doubling up to 60 s. */
    if (failures < 3)
        return 0;
    return failures - 3 >= 6 ? 60 : MIN(60u, 1u << (failures - 3));
}

/* FALSE and why if @name may not try a password now: none during the back-off that
 * wrong passwords earned. */
static gboolean
attempt_allowed(LvProfiles *profiles, const char *name, GError **error)
{
    Attempts *attempts = g_hash_table_lookup(profiles->attempts, name);
    gint64 now = g_get_monotonic_time();

    if (attempts == NULL) {
        g_hash_table_insert(profiles->attempts, g_strdup(name), g_new0(Attempts, 1));
        attempts = g_hash_table_lookup(profiles->attempts, name);
    }
    if (now < attempts->retry_at) {
        gint64 wait = (attempts->retry_at - now + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC;
        g_set_error(error, LV_ERROR, LV_ERROR_NOT_READY,
                    "too many wrong passwords for profile %s: try again in %" G_GINT64_FORMAT " s",
                    name, wait);
        return FALSE;
    }
    attempts->in_flight = TRUE;
    return TRUE;
}

static void try_start(LvProfiles *profiles, const char *name, const char *password, GTask *outer);

/* The attempts that waited meanwhile go on, in order: after a right password they
 * find the session started; after a wrong one the back-off applies to them. */
static void
resume_waiters(LvProfiles *profiles, const char *name, GQueue *waiting)
{
    Waiter *waiter;

    while ((waiter = g_queue_pop_head(waiting)) != NULL) {
        try_start(profiles, name, waiter->password, g_steal_pointer(&waiter->outer));
        waiter_free(waiter);
    }
}

static void
attempt_done(LvProfiles *profiles, const char *name, gboolean right)
{
    Attempts *attempts = g_hash_table_lookup(profiles->attempts, name);
    GQueue waiting = G_QUEUE_INIT;

    if (attempts == NULL)
        return;
    waiting = attempts->waiting;
    g_queue_init(&attempts->waiting);
    attempts->in_flight = FALSE;
    if (right) {
        g_hash_table_remove(profiles->attempts, name);
        resume_waiters(profiles, name, &waiting);
        return;
    }
    attempts->failures++;
    guint delay = lv_profiles_backoff_seconds(attempts->failures);
    attempts->retry_at = g_get_monotonic_time() + (gint64)delay * G_USEC_PER_SEC;
    g_message("wrong password for profile %s (%u in a row): next attempt in %u s", name,
              attempts->failures, delay);
    resume_waiters(profiles, name, &waiting);
}

static GTask *
new_outer(LvProfiles *profiles, GAsyncReadyCallback callback, gpointer user_data, gpointer tag)
{
    /* The source object must be a GObject for GTask: carry the profiles as data. */
    GTask *task = g_task_new(NULL, NULL, callback, user_data);

    g_task_set_source_tag(task, tag);
    g_object_set_data(G_OBJECT(task), "lv-profiles", profiles);
    return task;
}

void
lv_profiles_create_async(LvProfiles *profiles, const char *name, const char *password,
                         const char *component, GAsyncReadyCallback callback, gpointer user_data)
{
    GTask *outer = new_outer(profiles, callback, user_data, lv_profiles_create_async);
    g_autoptr(GError) error = NULL;
    g_autoptr(LvStoredProfile) existing = NULL;

    if (!lv_profiles_check_name(name, &error) ||
        (existing = lv_storage_profile_get(profiles->storage, name, &error)) != NULL ||
        error != NULL) {
        if (error == NULL)
            g_set_error(&error, LV_ERROR, LV_ERROR_CONFLICT, "a profile named %s already exists",
                        name);
        g_task_return_error(outer, g_steal_pointer(&error));
        g_object_unref(outer);
        return;
    }
    CryptoJob *job = g_new0(CryptoJob, 1);
    job->name = g_strdup(name);
    job->password = g_strdup(password != NULL ? password : "");
    job->component = g_strdup(component != NULL ? component : "");
    job->key = lv_secret_key_new_random();
    run_job(profiles, job, hash_and_wrap_in_worker, on_created, outer);
}

gboolean
lv_profiles_create_finish(LvProfiles *profiles, GAsyncResult *result, GError **error)
{
    return g_task_propagate_boolean(G_TASK(result), error);
}

static void
unlock_in_worker(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    CryptoJob *job = data;
    g_autoptr(GError) error = NULL;

    /* One argon2id derivation, not two: the key unwraps only with the right password
     * (its AEAD tag fails otherwise), so it is the check, and verifying the stored
     * hash first would only double the unlock time (400 ms here, over the 150 ms
     * budget). The hash stays stored, and re-hashed when today's limits differ. */
    job->key = lv_crypto_unwrap_key(job->wrapped_key, job->password, &error);
    if (job->key == NULL) { /* LV_ERROR_PASSWORD "wrong profile password" */
        g_task_return_error(task, g_steal_pointer(&error));
        return;
    }
    if (lv_crypto_password_needs_rehash(job->password_hash))
        job->new_hash = lv_crypto_hash_password(job->password, NULL);
    g_task_return_boolean(task, TRUE);
}

/* Stores the hash made with today's limits; the old one still works if this fails. */
static void
store_new_hash(LvProfiles *profiles, CryptoJob *job)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(LvStoredProfile) profile = lv_profiles_resolve(profiles, job->name, &error);

    if (profile == NULL || !lv_storage_profile_set_secrets(profiles->storage, profile->id,
                                                           job->new_hash, job->wrapped_key, &error))
        g_warning("cannot re-hash the password of profile %s: %s", job->name, error->message);
    else
        g_info("password hash of profile %s upgraded to today's limits", job->name);
}

static void
on_unlocked(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) outer = user_data;
    LvProfiles *profiles = profiles_of(outer);
    CryptoJob *job = g_task_get_task_data(G_TASK(result));
    g_autoptr(GError) error = NULL;

    if (!g_task_propagate_boolean(G_TASK(result), &error)) {
        g_task_return_error(outer, g_steal_pointer(&error));
        attempt_done(profiles, job->name, FALSE);
        return;
    }
    if (job->new_hash != NULL)
        store_new_hash(profiles, job);
    /* Another start may have won the race while we derived: keep the first key. */
    if (!g_hash_table_contains(profiles->sessions, job->name)) {
        g_hash_table_insert(profiles->sessions, g_strdup(job->name), g_steal_pointer(&job->key));
        g_info("session of profile %s started", job->name);
    }
    g_object_set_data(G_OBJECT(outer), "lv-already", GINT_TO_POINTER(FALSE));
    g_task_return_boolean(outer, TRUE);
    attempt_done(profiles, job->name, TRUE); /* the waiters find the session started */
}

/* Starts the session of profile @name with @password, answering @outer (taken). */
static void
try_start(LvProfiles *profiles, const char *name, const char *password, GTask *outer)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(LvStoredProfile) profile = lv_profiles_resolve(profiles, name, &error);

    if (profile == NULL) {
        g_task_return_error(outer, g_steal_pointer(&error));
        g_object_unref(outer);
        return;
    }
    if (g_hash_table_contains(profiles->sessions, profile->name)) {
        g_object_set_data(G_OBJECT(outer), "lv-already", GINT_TO_POINTER(TRUE));
        g_task_return_boolean(outer, TRUE);
        g_object_unref(outer);
        return;
    }
    Attempts *attempts = g_hash_table_lookup(profiles->attempts, profile->name);
    if (attempts != NULL && attempts->in_flight) {
        Waiter *waiter = g_new0(Waiter, 1);
        waiter->password = g_strdup(password != NULL ? password : "");
        waiter->outer = outer;
        g_queue_push_tail(&attempts->waiting, waiter);
        return;
    }
    if (!attempt_allowed(profiles, profile->name, &error)) {
        g_task_return_error(outer, g_steal_pointer(&error));
        g_object_unref(outer);
        return;
    }
    CryptoJob *job = g_new0(CryptoJob, 1);
    job->name = g_strdup(profile->name);
    job->password = g_strdup(password != NULL ? password : "");
    job->password_hash = g_strdup(profile->password_hash);
    job->wrapped_key = g_strdup(profile->wrapped_key);
    run_job(profiles, job, unlock_in_worker, on_unlocked, outer);
}

void
lv_profiles_start_session_async(LvProfiles *profiles, const char *profile_key, const char *password,
                                GAsyncReadyCallback callback, gpointer user_data)
{
    GTask *outer = new_outer(profiles, callback, user_data, lv_profiles_start_session_async);
    g_autoptr(GError) error = NULL;
    g_autoptr(LvStoredProfile) profile = lv_profiles_resolve(profiles, profile_key, &error);

    if (profile == NULL) {
        g_task_return_error(outer, g_steal_pointer(&error));
        g_object_unref(outer);
        return;
    }
    try_start(profiles, profile->name, password, outer);
}

gboolean
lv_profiles_start_session_finish(LvProfiles *profiles, GAsyncResult *result,
                                 gboolean *already_started, GError **error)
{
    if (!g_task_propagate_boolean(G_TASK(result), error))
        return FALSE;
    *already_started = GPOINTER_TO_INT(g_object_get_data(G_OBJECT(result), "lv-already"));
    return TRUE;
}

gboolean
lv_profiles_is_session_started(LvProfiles *profiles, const char *name)
{
    return g_hash_table_contains(profiles->sessions, name);
}

const LvSecretKey *
lv_profiles_get_key(LvProfiles *profiles, const char *name)
{
    return g_hash_table_lookup(profiles->sessions, name);
}

void
lv_profiles_end_session(LvProfiles *profiles, const char *name)
{
    if (g_hash_table_remove(profiles->sessions, name))
        g_info("session of profile %s ended", name);
}

static void
on_rewrapped(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) outer = user_data;
    LvProfiles *profiles = profiles_of(outer);
    CryptoJob *job = g_task_get_task_data(G_TASK(result));
    g_autoptr(GError) error = NULL;
    g_autoptr(LvStoredProfile) profile = NULL;

    if (!g_task_propagate_boolean(G_TASK(result), &error) ||
        (profile = lv_profiles_resolve(profiles, job->name, &error)) == NULL ||
        !lv_storage_profile_set_secrets(profiles->storage, profile->id, job->password_hash,
                                        job->wrapped_key, &error)) {
        g_task_return_error(outer, g_steal_pointer(&error));
        return;
    }
    g_info("profile password of %s changed", job->name);
    g_task_return_boolean(outer, TRUE);
}

void
lv_profiles_change_password_async(LvProfiles *profiles, const char *name, const char *password,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
    GTask *outer = new_outer(profiles, callback, user_data, lv_profiles_change_password_async);
    const LvSecretKey *key = lv_profiles_get_key(profiles, name);

    if (key == NULL) {
        g_task_return_new_error(outer, LV_ERROR, LV_ERROR_PERMISSION,
                                "start the session of %s with its current password first", name);
        g_object_unref(outer);
        return;
    }
    CryptoJob *job = g_new0(CryptoJob, 1);
    job->name = g_strdup(name);
    job->password = g_strdup(password != NULL ? password : "");
    job->key = lv_secret_key_copy(key);
    run_job(profiles, job, hash_and_wrap_in_worker, on_rewrapped, outer);
}

gboolean
lv_profiles_change_password_finish(LvProfiles *profiles, GAsyncResult *result, GError **error)
{
    return g_task_propagate_boolean(G_TASK(result), error);
}

static gboolean
delete_now(LvProfiles *profiles, const char *name, GError **error)
{
    g_autoptr(LvStoredProfile) profile = lv_profiles_resolve(profiles, name, error);

    if (profile == NULL)
        return FALSE;
    lv_profiles_end_session(profiles, profile->name);
    g_hash_table_remove(profiles->attempts, profile->name);
    if (!lv_storage_profile_delete(profiles->storage, profile->id, error))
        return FALSE;
    g_info("profile %s deleted", profile->name);
    return TRUE;
}

/* Checks the empty password only: it is not a login, so a miss neither counts
 * towards the back-off of the profile's logins nor starts a session. */
static void
check_empty_in_worker(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    CryptoJob *job = data;
    g_autoptr(GError) error = NULL;

    job->key = lv_crypto_unwrap_key(job->wrapped_key, "", &error);
    g_task_return_boolean(task, job->key != NULL);
}

static void
on_empty_checked(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) outer = user_data;
    LvProfiles *profiles = profiles_of(outer);
    CryptoJob *job = g_task_get_task_data(G_TASK(result));
    GError *error = NULL;

    if (!g_task_propagate_boolean(G_TASK(result), NULL) &&
        !lv_profiles_is_session_started(profiles, job->name)) {
        g_task_return_new_error(outer, LV_ERROR, LV_ERROR_PERMISSION,
                                "profile %s has a profile password: start its session with it "
                                "before deleting it",
                                job->name);
        return;
    }
    if (!delete_now(profiles, job->name, &error))
        g_task_return_error(outer, error);
    else
        g_task_return_boolean(outer, TRUE);
}

void
lv_profiles_delete_async(LvProfiles *profiles, const char *name, GAsyncReadyCallback callback,
                         gpointer user_data)
{
    GTask *outer = new_outer(profiles, callback, user_data, lv_profiles_delete_async);
    GError *error = NULL;
    g_autoptr(LvStoredProfile) profile = lv_profiles_resolve(profiles, name, &error);

    if (profile == NULL || lv_profiles_is_session_started(profiles, profile->name)) {
        if (profile != NULL && delete_now(profiles, profile->name, &error))
            g_task_return_boolean(outer, TRUE);
        else
            g_task_return_error(outer, error);
        g_object_unref(outer);
        return;
    }
    /* I3: whoever deletes must know the profile password, as whoever logs in. */
    CryptoJob *job = g_new0(CryptoJob, 1);
    job->name = g_strdup(profile->name);
    job->wrapped_key = g_strdup(profile->wrapped_key);
    run_job(profiles, job, check_empty_in_worker, on_empty_checked, outer);
}

gboolean
lv_profiles_delete_finish(LvProfiles *profiles, GAsyncResult *result, GError **error)
{
    return g_task_propagate_boolean(G_TASK(result), error);
}

LvStoredProfile *
lv_profiles_resolve_for(LvProfiles *profiles, LvInvocation *invocation, const char *profile_key)
{
    GError *error = NULL;
    LvStoredProfile *profile = lv_profiles_resolve(profiles, profile_key, &error);

    if (profile == NULL)
        lv_invocation_return_error(invocation, error);
    return profile;
}
