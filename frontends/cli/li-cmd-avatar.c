/* li-cmd-avatar: `li avatar get [--no-cache] [-s] [JID]` prints the path of the
 * cached avatar (and opens it with -s: [cli] image_cmd, else xdg-open, only when a
 * display is there); `li avatar set [-j JID] IMAGE_PATH` publishes an image. */
#include "li-cmd-avatar.h"

#include <stdio.h>

#include <json-glib/json-glib.h>

#include "li-context.h"
#include "li-output.h"
#include "lv-error.h"

/* Opens @path in a viewer without waiting for it; TRUE if one started. */
static gboolean
show(LiContext *ctx, const char *path)
{
    g_autofree char *configured = lv_config_dup_string(ctx->config, "cli", "image_cmd", NULL);
    const char *viewers[] = { configured, "xdg-open", NULL };

    if (g_getenv("DISPLAY") == NULL && g_getenv("WAYLAND_DISPLAY") == NULL)
        return FALSE; /* nothing to show it on: the path is printed */
    for (guint i = configured != NULL && configured[0] != '\0' ? 0 : 1; viewers[i]; i++) {
        const char *argv[] = { viewers[i], path, NULL };
        if (g_spawn_async(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL))
            return TRUE;
    }
    return FALSE;
}

static void
on_avatar(LiContext *ctx, GVariant *reply)
{
    const char *text = NULL;

    g_variant_get(reply, "(&s)", &text);
    g_autoptr(JsonNode) root = json_from_string(text, NULL);
    JsonObject *avatar =
            root != NULL && JSON_NODE_HOLDS_OBJECT(root) ? json_node_get_object(root) : NULL;
    const char *path = avatar != NULL
                               ? json_object_get_string_member_with_default(avatar, "path", NULL)
                               : NULL;
    if (path == NULL) {
        li_context_fail(ctx, g_error_new_literal(LV_ERROR, LV_ERROR_NOT_FOUND, "No avatar found."));
        return;
    }
    g_autofree char *safe = li_output_dup_safe(path);
    printf("%s\n", safe);
    if (li_parsed_get_count(ctx->parsed, "show") > 0 && !show(ctx, path))
        fprintf(stderr, "no image viewer could be started (set image_cmd in [cli])\n");
    li_context_done(ctx, 0);
}

static void
get_with_profile(LiContext *ctx, GVariant *reply)
{
    const char *const *jids = li_parsed_get_positionals(ctx->parsed);
    gboolean use_cache = li_parsed_get_count(ctx->parsed, "no-cache") == 0;

    li_context_call(ctx, "avatarGet",
                    g_variant_new("(sbs)", jids[0] != NULL ? jids[0] : "", use_cache, ctx->profile),
                    on_avatar);
}

static void
avatar_get(LiContext *ctx)
{
    li_context_use_profile(ctx, get_with_profile);
}

static void
on_set(LiContext *ctx, GVariant *reply)
{
    if (li_parsed_get_count(ctx->parsed, "verbose") > 0)
        printf("avatar has been set\n");
    li_context_done(ctx, 0);
}

static void
set_with_profile(LiContext *ctx, GVariant *reply)
{
    const char *path = li_parsed_get_positionals(ctx->parsed)[0];
    const char *jid = li_parsed_get_string(ctx->parsed, "jid");
    g_autofree char *absolute = g_canonicalize_filename(path, NULL);

    li_context_call(ctx, "avatarSet",
                    g_variant_new("(sss)", absolute, jid != NULL ? jid : "", ctx->profile), on_set);
}

static void
avatar_set(LiContext *ctx)
{
    const char *path = li_parsed_get_positionals(ctx->parsed)[0];

    if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
        li_context_fail(ctx, g_error_new(LV_ERROR, LV_ERROR_INVALID_ARGUMENT,
                                         "file '%s' doesn't exist!", path));
        return;
    }
    li_context_use_profile(ctx, set_with_profile);
}

static const LiOption get_options[] = {
    { 0, "no-cache", NULL, NULL, "do no use cached values" },
    { 's', "show", NULL, NULL,
      "show avatar ([cli] image_cmd, else xdg-open; with a display only)" },
    { 0 },
};
static const LiPositional get_positionals[] = { { "jid", "entity", TRUE }, { 0 } };

static const LiCommand get_command = {
    "get",
    "retrieve avatar of an entity",
    LI_SHARED_PROFILE | LI_SHARED_CONNECT | LI_SHARED_VERBOSE,
    NULL,
    get_options,
    get_positionals,
    avatar_get,
};

static const LiOption set_options[] = {
    { 'j', "jid", NULL, "JID", "entity whose avatar must be changed" },
    { 0 },
};
static const LiPositional set_positionals[] = {
    { "image_path", "path to the image to upload" },
    { 0 },
};

static const LiCommand set_command = {
    "set",
    "set avatar of the profile or an entity",
    LI_SHARED_PROFILE | LI_SHARED_CONNECT | LI_SHARED_VERBOSE,
    NULL,
    set_options,
    set_positionals,
    avatar_set,
};

static const LiCommand *const avatar_commands[] = { &get_command, &set_command, NULL };

const LiGroup li_cmd_avatar = {
    "avatar",
    "avatar uploading/retrieving",
    NULL,
    avatar_commands,
};
