/* li-cmd-identity: `li identity get [--no-cache] JID [-O simple|json|json-raw]`
 * and `li identity set [-n NICKNAME…] [-d DESCRIPTION]`, as Libervia's CLI. */
#include "li-cmd-identity.h"

#include <stdio.h>

#include <json-glib/json-glib.h>

#include "li-context.h"
#include "li-output.h"
#include "lv-error.h"

static const char *const identity_outputs[] = { "simple", "json", "json-raw", NULL };

/* One value of the simple output: lists joined, an avatar by its path. */
static char *
simple_value(JsonNode *node)
{
    if (JSON_NODE_HOLDS_ARRAY(node)) {
        JsonArray *list = json_node_get_array(node);
        g_autoptr(GString) out = g_string_new(NULL);
        for (guint i = 0; i < json_array_get_length(list); i++) {
            const char *text = json_array_get_string_element(list, i);
            g_string_append_printf(out, "%s%s", i > 0 ? ", " : "", text != NULL ? text : "");
        }
        return g_strdup(out->str);
    }
    if (JSON_NODE_HOLDS_OBJECT(node))
        return g_strdup(
                json_object_get_string_member_with_default(json_node_get_object(node), "path", ""));
    if (json_node_get_value_type(node) == G_TYPE_STRING)
        return g_strdup(json_node_get_string(node));
    return g_strdup("");
}

static void
on_identity(LiContext *ctx, GVariant *reply)
{
    const char *text = NULL;

    g_variant_get(reply, "(&s)", &text);
    g_autoptr(JsonNode) root = json_from_string(text, NULL);
    if (root == NULL || !JSON_NODE_HOLDS_OBJECT(root)) {
        li_context_fail(
                ctx, g_error_new_literal(LV_ERROR, LV_ERROR_DATA, "the backend sent no identity"));
        return;
    }
    if (g_strcmp0(ctx->output, "simple") != 0) {
        li_output_json(ctx, root);
        li_context_done(ctx, 0);
        return;
    }
    JsonObject *object = json_node_get_object(root);
    g_autoptr(GList) names = json_object_get_members(object);
    g_autoptr(GPtrArray) keys = g_ptr_array_new();
    g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func(g_free);
    for (GList *n = names; n != NULL; n = n->next) {
        g_ptr_array_add(keys, n->data);
        g_ptr_array_add(values, simple_value(json_object_get_member(object, n->data)));
    }
    g_ptr_array_add(keys, NULL);
    g_ptr_array_add(values, NULL);
    li_output_dict(ctx, (const char *const *)keys->pdata, (const char *const *)values->pdata);
    li_context_done(ctx, 0);
}

static void
get_with_profile(LiContext *ctx, GVariant *reply)
{
    const char *jid = li_parsed_get_positionals(ctx->parsed)[0];
    gboolean use_cache = li_parsed_get_count(ctx->parsed, "no-cache") == 0;
    const char *const none[] = { NULL };

    li_context_call(ctx, "identityGet",
                    g_variant_new("(s^asbs)", jid, none, use_cache, ctx->profile), on_identity);
}

static void
identity_get(LiContext *ctx)
{
    li_context_use_profile(ctx, get_with_profile);
}

static void
on_set(LiContext *ctx, GVariant *reply)
{
    li_context_done(ctx, 0);
}

static void
set_with_profile(LiContext *ctx, GVariant *reply)
{
    const char *const *nicknames = li_parsed_get_strings(ctx->parsed, "nickname");
    const char *description = li_parsed_get_string(ctx->parsed, "description");
    g_autoptr(JsonBuilder) builder = json_builder_new();

    json_builder_begin_object(builder);
    if (nicknames != NULL && nicknames[0] != NULL) {
        json_builder_set_member_name(builder, "nicknames");
        json_builder_begin_array(builder);
        for (guint i = 0; nicknames[i] != NULL; i++)
            json_builder_add_string_value(builder, nicknames[i]);
        json_builder_end_array(builder);
    }
    if (description != NULL) {
        json_builder_set_member_name(builder, "description");
        json_builder_add_string_value(builder, description);
    }
    json_builder_end_object(builder);
    g_autoptr(JsonNode) root = json_builder_get_root(builder);
    g_autofree char *data = json_to_string(root, FALSE);
    li_context_call(ctx, "identitySet", g_variant_new("(ss)", data, ctx->profile), on_set);
}

static void
identity_set(LiContext *ctx)
{
    const char *const *nicknames = li_parsed_get_strings(ctx->parsed, "nickname");

    if ((nicknames == NULL || nicknames[0] == NULL) &&
        li_parsed_get_string(ctx->parsed, "description") == NULL) {
        li_context_fail(ctx, g_error_new_literal(LV_ERROR, LV_ERROR_INVALID_ARGUMENT,
                                                 "At least one metadata must be set"));
        return;
    }
    li_context_use_profile(ctx, set_with_profile);
}

static const LiOption get_options[] = {
    { 0, "no-cache", NULL, NULL, "do no use cached values" },
    { 0 },
};
static const LiPositional get_positionals[] = { { "jid", "entity to check" }, { 0 } };

static const LiCommand get_command = {
    "get",
    "get identity data",
    LI_SHARED_PROFILE | LI_SHARED_CONNECT | LI_SHARED_VERBOSE,
    identity_outputs,
    get_options,
    get_positionals,
    identity_get,
};

static const LiOption set_options[] = {
    { 'n', "nickname", NULL, "NICKNAME", "nicknames of the entity", NULL, NULL, LI_OPT_REPEAT },
    { 'd', "description", NULL, "DESCRIPTION", "description of the entity" },
    { 0 },
};

static const LiCommand set_command = {
    "set", "update identity data", LI_SHARED_PROFILE | LI_SHARED_CONNECT, NULL, set_options,
    NULL,  identity_set,
};

static const LiCommand *const identity_commands[] = { &get_command, &set_command, NULL };

const LiGroup li_cmd_identity = {
    "identity",
    "identity management",
    NULL,
    identity_commands,
};
