/* lv-debug-methods: debugFakeSignal, as Libervia's debug plugin: any signal of the
 * interface file emitted with the given arguments, for testing frontends. Only
 * callers on the user's own bus reach it, as every method. */
#include <json-glib/json-glib.h>

#include "lv-backend.h"
#include "lv-bridge-interface.h"
#include "lv-profiles.h"

/* The signal's arguments from @json (a JSON list), with @profile appended unless
 * NULL, checked against @type (transfer floating). */
static GVariant *
signal_arguments(const char *json, const char *profile, const GVariantType *type, GError **error)
{
    g_autoptr(JsonParser) parser = json_parser_new();

    if (!json_parser_load_from_data(parser, json, -1, error))
        return NULL;
    JsonNode *root = json_parser_get_root(parser);
    if (root == NULL || !JSON_NODE_HOLDS_ARRAY(root)) {
        g_set_error_literal(error, LV_ERROR, LV_ERROR_DATA, "the arguments are not a JSON list");
        return NULL;
    }
    if (profile != NULL)
        json_array_add_string_element(json_node_get_array(root), profile);
    g_autofree char *signature = g_variant_type_dup_string(type);
    return json_gvariant_deserialize(root, signature, error);
}

static void
method_debug_fake_signal(LvBackend *backend, LvInvocation *invocation)
{
    const char *name = NULL, *arguments = NULL, *key = NULL;
    GError *error = NULL;
    g_autoptr(LvStoredProfile) profile = NULL;

    g_variant_get(lv_invocation_get_parameters(invocation), "(&s&s&s)", &name, &arguments, &key);
    GDBusSignalInfo *info = lv_bridge_interface_lookup_signal_info(name);
    if (info == NULL) {
        lv_invocation_return_new_error(invocation, LV_ERROR_NOT_FOUND,
                                       "the bridge has no signal %s", name);
        return;
    }
    if (g_strcmp0(key, "@NONE@") != 0) {
        profile = lv_profiles_resolve_for(lv_backend_get_profiles(backend), invocation, key);
        if (profile == NULL)
            return;
    }
    g_autoptr(GVariantType) type = lv_bridge_interface_dup_signal_type(info);
    GVariant *params =
            signal_arguments(arguments, profile != NULL ? profile->name : NULL, type, &error);
    if (params == NULL) {
        g_prefix_error(&error, "arguments of %s (%s): ", name, g_variant_type_peek_string(type));
        if (error->domain != LV_ERROR) {
            GError *data = g_error_new_literal(LV_ERROR, LV_ERROR_DATA, error->message);
            g_error_free(error);
            error = data;
        }
        lv_invocation_return_error(invocation, error);
        return;
    }
    lv_backend_emit_signal(backend, name, params);
    lv_invocation_return_value(invocation, NULL);
}

static const LvMethod methods[] = {
    { "debugFakeSignal", method_debug_fake_signal },
    { NULL, NULL },
};

const LvMethod *
lv_debug_methods(void)
{
    return methods;
}
