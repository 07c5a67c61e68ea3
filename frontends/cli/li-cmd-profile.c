/* li-cmd-profile: the `profile` command group. */
#include "li-cmd-profile.h"

#include "li-output.h"
#include "lv-error.h"

static void
on_profiles(GObject *source, GAsyncResult *result, gpointer user_data)
{
    LiContext *ctx = user_data;
    GError *error = NULL;
    g_autoptr(GVariant) reply = lv_bridge_call_finish(ctx->bridge, result, &error);

    if (reply == NULL) {
        li_context_fail(ctx, error);
        return;
    }
    g_autofree const char **profiles = NULL;
    g_autoptr(GVariant) list = g_variant_get_child_value(reply, 0);
    profiles = g_variant_get_strv(list, NULL);
    li_output_list(ctx, profiles);
    li_context_done(ctx, 0);
}

/* As Libervia: both kinds by default, -c clients only, -C components only. */
static void
profile_list(LiContext *ctx)
{
    gboolean clients = li_parsed_get_count(ctx->parsed, "clients") > 0;
    gboolean components = li_parsed_get_count(ctx->parsed, "components") > 0;

    if (clients && components) {
        li_context_fail(ctx, g_error_new_literal(LV_ERROR, LV_ERROR_INVALID_ARGUMENT,
                                                 "-c/--clients and -C/--components exclude "
                                                 "each other"));
        return;
    }
    if (!clients && !components)
        clients = components = TRUE;
    lv_bridge_call(ctx->bridge, "profilesListGet", g_variant_new("(bb)", clients, components), NULL,
                   on_profiles, ctx);
}

static const LiOption profile_list_options[] = {
    { 'c', "clients", NULL, NULL, "get clients profiles only" },
    { 'C', "components", NULL, NULL, "get components profiles only" },
    { 0 },
};

static const LiCommand profile_list_command = {
    "list", "list profiles", 0, li_output_list_formats, profile_list_options, NULL, profile_list,
};

static const LiCommand *const profile_commands[] = { &profile_list_command, NULL };

const LiGroup li_cmd_profile = {
    "profile",
    "profile commands",
    NULL,
    profile_commands,
};
