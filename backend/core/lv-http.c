/* lv-http: HTTPS transfers with the profile's trust, through libervia-http.so (see
 * the header). */
#include "lv-http.h"

#include "lv-error.h"
#include "lv-module.h"
#include "lv-params.h"
#include "lv-profile-params.h"
#include "lv-profiles.h"

struct _LvHttp {
    const LvHttpModuleApi *api;
    GObject *session;
    GObject *message;
};

/* Loaded once, by the main thread (every transfer runs on the main loop). */
static const LvHttpModuleApi *
module_api(GError **error)
{
    static const LvHttpModuleApi *api;

    if (api == NULL)
        api = lv_module_load(LV_HTTP_MODULE_NAME, LV_HTTP_ENTRY, LV_HTTP_ABI, error);
    return api;
}

/* The CA file @profile's connection uses, NULL for the system store (transfer
 * full). */
static char *
dup_ca_file(LvBackend *backend, const char *profile)
{
    LvProfiles *profiles = lv_backend_get_profiles(backend);
    g_autoptr(LvStoredProfile) stored = lv_profiles_resolve(profiles, profile, NULL);
    const LvParamDef *def = lv_params_lookup("Connection", "CA file");
    g_autofree char *param =
            stored != NULL && def != NULL
                    ? lv_profile_params_get_value(profiles, stored, def, TRUE, NULL)
                    : NULL;
    const char *env = g_getenv("SSL_CERT_FILE");

    if (param != NULL && param[0] != '\0')
        return g_steal_pointer(&param);
    return env != NULL && env[0] != '\0' ? g_strdup(env) : NULL;
}

LvHttp *
lv_http_new(LvBackend *backend, const char *profile, const char *method, const char *url,
            gboolean ignore_tls_errors, GError **error)
{
    const LvHttpModuleApi *api = module_api(error);
    g_autofree char *ca_file = api != NULL ? dup_ca_file(backend, profile) : NULL;
    g_autoptr(GTlsDatabase) database = NULL;

    if (api == NULL)
        return NULL;
    if (ca_file != NULL && (database = g_tls_file_database_new(ca_file, error)) == NULL) {
        g_prefix_error(error, "cannot load the certificate authorities of %s: ", ca_file);
        return NULL;
    }
    g_autoptr(GObject) message = api->message_new(method, url);
    if (message == NULL) {
        g_set_error(error, LV_ERROR, LV_ERROR_DATA, "bad URL %s", url);
        return NULL;
    }
    if (ignore_tls_errors)
        api->ignore_tls_errors(message);
    LvHttp *http = g_new0(LvHttp, 1);
    http->api = api;
    http->session = api->session_new(database);
    http->message = g_steal_pointer(&message);
    return http;
}

void
lv_http_free(LvHttp *http)
{
    if (http == NULL)
        return;
    g_clear_object(&http->message);
    g_clear_object(&http->session);
    g_free(http);
}

void
lv_http_set_header(LvHttp *http, const char *name, const char *value)
{
    http->api->set_header(http->message, name, value);
}

void
lv_http_set_body(LvHttp *http, const char *content_type, GInputStream *body, gssize length,
                 LvHttpWroteFunc wrote, gpointer user_data)
{
    http->api->set_body(http->message, content_type, body, length, wrote, user_data);
}

void
lv_http_send_async(LvHttp *http, gboolean read_all, GAsyncReadyCallback callback,
                   gpointer user_data)
{
    http->api->send_async(http->session, http->message, read_all, callback, user_data);
}

GInputStream *
lv_http_send_finish(LvHttp *http, GAsyncResult *result, GError **error)
{
    return http->api->send_finish(http->session, result, error);
}

GBytes *
lv_http_send_and_read_finish(LvHttp *http, GAsyncResult *result, GError **error)
{
    return http->api->send_and_read_finish(http->session, result, error);
}

char *
lv_http_dup_failure(LvHttp *http)
{
    return http->api->dup_failure(http->message);
}

goffset
lv_http_get_content_length(LvHttp *http)
{
    return http->api->content_length(http->message);
}

char *
lv_http_dup_disposition_filename(LvHttp *http)
{
    return http->api->dup_disposition_filename(http->message);
}
