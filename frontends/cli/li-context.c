/* li-context: runs one command on a main loop, from bridge to exit code. */
#include "li-context.h"

#include <stdio.h>

#include "lv-error.h"

LiContext *
li_context_new(LiParsed *parsed, LvConfig *config)
{
    LiContext *ctx = g_new0(LiContext, 1);

    ctx->parsed = parsed;
    ctx->config = lv_config_ref(config);
    ctx->loop = g_main_loop_new(NULL, FALSE);
    ctx->output = li_parsed_get_command(parsed)->outputs != NULL
                          ? li_parsed_get_string(parsed, "output")
                          : NULL;
    return ctx;
}

void
li_context_free(LiContext *ctx)
{
    if (ctx == NULL)
        return;
    g_clear_pointer(&ctx->bridge, lv_bridge_free);
    g_main_loop_unref(ctx->loop);
    lv_config_unref(ctx->config);
    li_parsed_free(ctx->parsed);
    g_free(ctx);
}

void
li_context_done(LiContext *ctx, int exit_code)
{
    ctx->exit_code = exit_code;
    ctx->done = TRUE;
    g_main_loop_quit(ctx->loop);
}

void
li_context_fail(LiContext *ctx, GError *error)
{
    if (g_error_matches(error, LV_ERROR, LV_ERROR_BACKEND_NOT_FOUND))
        fprintf(stderr, "li: the Libervia backend is not running and could not be started by "
                        "D-Bus activation: start it with `libervia-backend` (or "
                        "`libervia-backend fg` to watch its log)\n");
    else
        fprintf(stderr, "li: error: %s\n", error->message);
    li_context_done(ctx, lv_error_exit_code(error));
    g_error_free(error);
}

static void
on_bridge(GObject *source, GAsyncResult *result, gpointer user_data)
{
    LiContext *ctx = user_data;
    GError *error = NULL;

    ctx->bridge = lv_bridge_new_finish(result, &error);
    if (ctx->bridge == NULL) {
        li_context_fail(ctx, error);
        return;
    }
    li_parsed_get_command(ctx->parsed)->exec(ctx);
}

int
li_context_run(LiContext *ctx)
{
    lv_bridge_new_async(ctx->config, NULL, on_bridge, ctx);
    if (!ctx->done)
        g_main_loop_run(ctx->loop);
    return ctx->exit_code;
}
