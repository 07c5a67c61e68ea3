/* li-cmd-param: the `param` command group: read and change profile parameters. */
#include "li-cmd-param.h"

#include <stdlib.h>

#include "li-output.h"
#include "lv-error.h"

/* --security-limit, -1 (no limit) by default; FALSE on a bad number. */
static gboolean
security_limit(LiContext *ctx, gint *limit)
{
    const char *text = li_parsed_get_string(ctx->parsed, "security-limit");
    gint64 value = -1;

    if (text != NULL && !g_ascii_string_to_signed(text, 10, -1, G_MAXINT32, &value, NULL)) {
        li_context_fail(ctx, g_error_new(LV_ERROR, LV_ERROR_INVALID_ARGUMENT,
                                         "--security-limit: not a number from -1 up: %s", text));
        return FALSE;
    }
    *limit = (gint)value;
    return TRUE;
}

static void
on_value(LiContext *ctx, GVariant *reply)
{
    const char *value = NULL;

    g_variant_get(reply, "(&s)", &value);
    li_output_text(ctx, value);
    li_context_done(ctx, 0);
}

/* A password shows in clear only with --show-password: getParamA always masks. */
static void
on_type(LiContext *ctx, GVariant *reply)
{
    const char *const *args = li_parsed_get_positionals(ctx->parsed);
    const char *attribute = li_parsed_get_string(ctx->parsed, "attribute");
    const char *type = NULL;
    gint limit = -1;

    g_variant_get(reply, "(&s)", &type);
    if (!security_limit(ctx, &limit))
        return;
    if (g_str_equal(type, "password") && g_str_equal(attribute, "value") &&
        li_parsed_get_count(ctx->parsed, "show-password") == 0) {
        li_context_call(ctx, "getParamA",
                        g_variant_new("(ssss)", args[1], args[0], attribute, ctx->profile),
                        on_value);
        return;
    }
    li_context_call(ctx, "asyncGetParamA",
                    g_variant_new("(sssis)", args[1], args[0], attribute, limit, ctx->profile),
                    on_value);
}

static void
on_get_profile(LiContext *ctx, GVariant *reply)
{
    const char *const *args = li_parsed_get_positionals(ctx->parsed);

    li_context_call(ctx, "getParamA",
                    g_variant_new("(ssss)", args[1], args[0], "type", ctx->profile), on_type);
}

static void
param_get(LiContext *ctx)
{
    li_context_use_profile(ctx, on_get_profile);
}

static void
on_set(LiContext *ctx, GVariant *reply)
{
    li_context_done(ctx, 0);
}

static void
on_set_profile(LiContext *ctx, GVariant *reply)
{
    const char *const *args = li_parsed_get_positionals(ctx->parsed);
    gint limit = -1;

    if (!security_limit(ctx, &limit))
        return;
    li_context_call(ctx, "setParam",
                    g_variant_new("(sssis)", args[1], args[2], args[0], limit, ctx->profile),
                    on_set);
}

static void
param_set(LiContext *ctx)
{
    li_context_use_profile(ctx, on_set_profile);
}

static const LiOption get_options[] = {
    { 'a', "attribute", NULL, "ATTRIBUTE", "the attribute to get", NULL, "value" },
    { 0, "show-password", NULL, NULL, "show a password parameter IN CLEAR TEXT" },
    { 0, "security-limit", NULL, "SECURITY_LIMIT", "the security limit (-1: none)", NULL, "-1" },
    { 0 },
};
static const LiPositional get_positionals[] = {
    { "category", "the category of the parameter" },
    { "name", "the name of the parameter" },
    { 0 },
};
static const LiOption set_options[] = {
    { 0, "security-limit", NULL, "SECURITY_LIMIT", "the security limit (-1: none)", NULL, "-1" },
    { 0 },
};
static const LiPositional set_positionals[] = {
    { "category", "the category of the parameter" },
    { "name", "the name of the parameter" },
    { "value", "the new value" },
    { 0 },
};
static const char *const text_formats[] = { "simple", "json", "json-raw", NULL };

static const LiCommand get_command = {
    "get",
    "get a parameter value",
    LI_SHARED_PROFILE | LI_SHARED_CONNECT | LI_SHARED_SESSION,
    text_formats,
    get_options,
    get_positionals,
    param_get,
};
static const LiCommand set_command = {
    "set",
    "set a parameter value",
    LI_SHARED_PROFILE | LI_SHARED_CONNECT | LI_SHARED_SESSION,
    NULL,
    set_options,
    set_positionals,
    param_set,
};

static const LiCommand *const param_commands[] = { &get_command, &set_command, NULL };

const LiGroup li_cmd_param = {
    "param",
    "parameters of a profile",
    NULL,
    param_commands,
};
