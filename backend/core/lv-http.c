/* lv-http: HTTPS sessions with the profile's trust (see the header). */
#include "lv-http.h"

#include "lv-params.h"
#include "lv-profile-params.h"
#include "lv-profiles.h"

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

SoupSession *
lv_http_session_new(LvBackend *backend, const char *profile, GError **error)
{
    g_autofree char *ca_file = dup_ca_file(backend, profile);
    g_autoptr(SoupSession) session = soup_session_new_with_options(
            "user-agent", "libervia-c", "timeout", 60, "idle-timeout", 60, NULL);

    if (ca_file != NULL) {
        g_autoptr(GTlsDatabase) database = g_tls_file_database_new(ca_file, error);
        if (database == NULL) {
            g_prefix_error(error, "cannot load the certificate authorities of %s: ", ca_file);
            return NULL;
        }
        soup_session_set_tls_database(session, database);
    }
    return g_steal_pointer(&session);
}

static gboolean
on_accept_certificate(SoupMessage *message, GTlsCertificate *certificate,
                      GTlsCertificateFlags errors, gpointer user_data)
{
    g_warning("accepting the unverified certificate of %s (flags 0x%x): ignore_tls_errors "
              "was asked",
              g_uri_get_host(soup_message_get_uri(message)), (unsigned)errors);
    return TRUE;
}

void
lv_http_ignore_tls_errors(SoupMessage *message)
{
    g_warning("TLS errors will be ignored for %s, as asked: the transfer is not protected",
              g_uri_get_host(soup_message_get_uri(message)));
    g_signal_connect(message, "accept-certificate", G_CALLBACK(on_accept_certificate), NULL);
}

char *
lv_http_dup_status(SoupMessage *message)
{
    const char *reason = soup_message_get_reason_phrase(message);

    return g_strdup_printf("HTTP %u %s", soup_message_get_status(message),
                           reason != NULL ? reason : "");
}
