/* li-cmd-debug: `debug bridge method NAME ARG…`: any bridge method from the shell.
 * Arguments are read against the method's signature in the interface file, in
 * GVariant text form ('x', true, 3, ['a'], {'k': 'v'}); a plain word is taken as
 * is for a string argument. As in Libervia, the profile is added when the method's
 * last argument is a profile key and it was left out. */
#include "li-cmd-debug.h"

#include <stdio.h>

#include <json-glib/json-glib.h>

#include "li-context.h"
#include "lv-bridge-interface.h"
#include "lv-error.h"

/* The value of @text for @arg (transfer full: g_variant_parse gives no floating
 * reference, so none of these is), or NULL. */
static GVariant *
parse_argument(const GDBusArgInfo *arg, const char *text, GError **error)
{
    g_autoptr(GVariantType) type = g_variant_type_new(arg->signature);
    g_autoptr(GError) parse_error = NULL;
    GVariant *value = g_variant_parse(type, text, NULL, NULL, &parse_error);

    if (value != NULL)
        return value;
    if (g_variant_type_equal(type, G_VARIANT_TYPE_STRING))
        return g_variant_ref_sink(g_variant_new_string(text));
    g_set_error(error, LV_ERROR, LV_ERROR_INVALID_ARGUMENT, "argument %s (%s): %s",
                arg->name != NULL ? arg->name : "?", arg->signature, parse_error->message);
    return NULL;
}

static gboolean
is_profile_arg(const GDBusArgInfo *arg)
{
    return g_strcmp0(arg->name, "profile_key") == 0 || g_strcmp0(arg->name, "profile") == 0;
}

static GVariant *
build_arguments(LiContext *ctx, const GDBusMethodInfo *info, GError **error)
{
    const char *const *given = li_parsed_get_positionals(ctx->parsed) + 1;
    guint wanted = 0;
    guint count = g_strv_length((char **)given);
    while (info->in_args != NULL && info->in_args[wanted] != NULL)
        wanted++;
    gboolean add_profile =
            wanted > 0 && count + 1 == wanted && is_profile_arg(info->in_args[wanted - 1]);
    GVariantBuilder args;

    if (count != wanted && !add_profile) {
        g_set_error(error, LV_ERROR, LV_ERROR_INVALID_ARGUMENT, "%s takes %u arguments, %u given",
                    info->name, wanted, count);
        return NULL;
    }
    g_variant_builder_init(&args, G_VARIANT_TYPE_TUPLE);
    for (guint i = 0; i < wanted; i++) {
        g_autoptr(GVariant) value =
                i < count ? parse_argument(info->in_args[i], given[i], error)
                          : g_variant_ref_sink(g_variant_new_string(
                                    li_parsed_get_string(ctx->parsed, "profile")));
        if (value == NULL) {
            g_variant_builder_clear(&args);
            return NULL;
        }
        g_variant_builder_add_value(&args, value);
    }
    return g_variant_builder_end(&args);
}

static void
on_reply(LiContext *ctx, GVariant *reply)
{
    for (gsize i = 0; i < g_variant_n_children(reply); i++) {
        g_autoptr(GVariant) value = g_variant_get_child_value(reply, i);
        if (g_variant_is_of_type(value, G_VARIANT_TYPE_STRING)) {
            printf("%s\n", g_variant_get_string(value, NULL));
        } else {
            g_autofree char *text = g_variant_print(value, FALSE);
            printf("%s\n", text);
        }
    }
    li_context_done(ctx, 0);
}

static void
bridge_method(LiContext *ctx)
{
    const char *name = li_parsed_get_positionals(ctx->parsed)[0];
    GDBusMethodInfo *info = lv_bridge_interface_lookup_method(name, NULL);
    GError *error = NULL;

    if (info == NULL) {
        li_context_fail(ctx, g_error_new(LV_ERROR, LV_ERROR_NOT_FOUND,
                                         "the bridge has no method %s", name));
        return;
    }
    GVariant *args = build_arguments(ctx, info, &error);
    if (args == NULL) {
        li_context_fail(ctx, error);
        return;
    }
    li_context_call(ctx, name, args, on_reply);
}

/* debug bridge signal: the arguments are read against the signal's signature and
 * sent as a JSON list; the backend adds the profile unless it is @NONE@. */
static void
bridge_signal(LiContext *ctx)
{
    const char *const *given = li_parsed_get_positionals(ctx->parsed);
    const char *name = given[0];
    const char *profile = li_parsed_get_string(ctx->parsed, "profile");
    GDBusSignalInfo *info = lv_bridge_interface_lookup_signal_info(name);
    GError *error = NULL;

    if (info == NULL) {
        li_context_fail(ctx, g_error_new(LV_ERROR, LV_ERROR_NOT_FOUND,
                                         "the bridge has no signal %s", name));
        return;
    }
    guint wanted = 0, count = g_strv_length((char **)given + 1);
    while (info->args != NULL && info->args[wanted] != NULL)
        wanted++;
    if (g_strcmp0(profile, "@NONE@") != 0 && wanted > 0)
        wanted--; /* the profile, added by the backend */
    if (count != wanted) {
        li_context_fail(ctx, g_error_new(LV_ERROR, LV_ERROR_INVALID_ARGUMENT,
                                         "%s takes %u arguments, %u given", name, wanted, count));
        return;
    }
    g_autoptr(JsonArray) array = json_array_new();
    for (guint i = 0; i < count; i++) {
        g_autoptr(GVariant) value = parse_argument(info->args[i], given[i + 1], &error);
        if (value == NULL) {
            li_context_fail(ctx, error);
            return;
        }
        json_array_add_element(array, json_gvariant_serialize(g_variant_take_ref(value)));
    }
    g_autoptr(JsonNode) root = json_node_init_array(json_node_alloc(), array);
    g_autofree char *json = json_to_string(root, FALSE);
    li_context_call(ctx, "debugFakeSignal", g_variant_new("(sss)", name, json, profile), on_reply);
}

static const LiOption method_options[] = {
    { 'p', "profile", NULL, "PROFILE",
      "the profile added when the method's last argument is a profile key", NULL, "@DEFAULT@" },
    { 0 },
};
static const LiPositional method_positionals[] = {
    { "method", "name of the method to execute" },
    { "arg", "argument of the method", TRUE, TRUE },
    { 0 },
};
static const LiCommand method_command = {
    "method", "call a bridge method", 0, NULL, method_options, method_positionals, bridge_method,
};
static const LiPositional signal_positionals[] = {
    { "signal", "name of the signal to send" },
    { "arg", "argument of the signal", TRUE, TRUE },
    { 0 },
};
static const LiOption signal_options[] = {
    { 'p', "profile", NULL, "PROFILE", "the profile added as the last argument (@NONE@: none)",
      NULL, "@DEFAULT@" },
    { 0 },
};
static const LiCommand signal_command = {
    "signal",      "send a fake signal from backend", 0, NULL, signal_options, signal_positionals,
    bridge_signal,
};
static const LiCommand *const bridge_commands[] = { &method_command, &signal_command, NULL };
static const LiGroup bridge_group = { "bridge", "call the bridge directly", NULL, bridge_commands };
static const LiGroup *const debug_groups[] = { &bridge_group, NULL };

const LiGroup li_cmd_debug = {
    "debug",
    "debugging tools",
    debug_groups,
    NULL,
};
