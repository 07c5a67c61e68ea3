/* lv-core-methods: the bridge methods of the core interface that belong to no
 * plugin: readiness, version, configuration, namespaces. */
#include "config.h"

#include <string.h>

#include "lv-backend.h"

static void
method_get_ready(LvBackend *backend, LvInvocation *invocation)
{
    lv_backend_wait_ready(backend, invocation);
}

static void
method_get_version(LvBackend *backend, LvInvocation *invocation)
{
    lv_invocation_return_value(invocation, g_variant_new("(s)", PACKAGE_VERSION));
}

/* Libervia 0.9 hands any option to any caller; secrets in libervia.conf (e-mail
 * passwords, tokens) stay in the backend. */
static gboolean
option_is_secret(const char *name)
{
    g_autofree char *lower = g_ascii_strdown(name, -1);
    static const char *const markers[] = { "password", "passwd", "secret", "passphrase", "token" };

    for (gsize i = 0; i < G_N_ELEMENTS(markers); i++) {
        if (strstr(lower, markers[i]) != NULL)
            return TRUE;
    }
    return FALSE;
}

static void
method_get_config(LvBackend *backend, LvInvocation *invocation)
{
    const char *section = NULL;
    const char *name = NULL;
    g_autoptr(GError) error = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s)", &section, &name);
    if (option_is_secret(name)) {
        lv_invocation_return_new_error(invocation, LV_ERROR_PERMISSION,
                                       "option %s is a secret and is not shared over the bridge",
                                       name);
        return;
    }
    if (section[0] == '\0')
        section = "DEFAULT";
    g_autofree char *value =
            lv_config_dup_string(lv_backend_get_config(backend), section, name, &error);
    if (error != NULL) {
        lv_invocation_return_error(invocation, g_steal_pointer(&error));
        return;
    }
    lv_invocation_return_value(invocation, g_variant_new("(s)", value != NULL ? value : ""));
}

static void
method_namespaces_get(LvBackend *backend, LvInvocation *invocation)
{
    GVariantBuilder map;
    GHashTableIter iter;
    gpointer key = NULL;
    gpointer value = NULL;

    g_variant_builder_init(&map, G_VARIANT_TYPE("a{ss}"));
    g_hash_table_iter_init(&iter, lv_backend_get_namespaces(backend));
    while (g_hash_table_iter_next(&iter, &key, &value))
        g_variant_builder_add(&map, "{ss}", key, value);
    lv_invocation_return_value(invocation, g_variant_new("(a{ss})", &map));
}

static const LvMethod core_methods[] = {
    { "getReady", method_get_ready },
    { "getVersion", method_get_version },
    { "getConfig", method_get_config },
    { "namespacesGet", method_namespaces_get },
    { NULL, NULL },
};

const LvMethod *
lv_core_methods(void)
{
    return core_methods;
}
