/* li-cmd-blocking: the `blocking` command group: list, block and unblock
 * entities (XEP-0191), as Libervia's CLI: `unblock all` unblocks every entity
 * after a confirmation (or -f). */
#include "li-cmd-blocking.h"

#include "li-output.h"
#include "li-prompt.h"
#include "lv-error.h"

static void
on_list(LiContext *ctx, GVariant *reply)
{
    g_autofree const char **jids = NULL;

    g_variant_get(reply, "(^a&s)", &jids);
    g_autofree char **safe = g_new0(char *, g_strv_length((char **)jids) + 1);
    for (gsize i = 0; jids[i] != NULL; i++)
        safe[i] = li_output_dup_safe(jids[i]);
    li_output_list(ctx, (const char *const *)safe);
    for (gsize i = 0; safe[i] != NULL; i++)
        g_free(safe[i]);
    li_context_done(ctx, 0);
}

static void
on_list_profile(LiContext *ctx, GVariant *reply)
{
    li_context_call(ctx, "blockingList", g_variant_new("(s)", ctx->profile), on_list);
}

static void
blocking_list(LiContext *ctx)
{
    li_context_use_profile(ctx, on_list_profile);
}

static void
done(LiContext *ctx, GVariant *reply)
{
    li_context_done(ctx, 0);
}

static void
on_block_profile(LiContext *ctx, GVariant *reply)
{
    li_context_call(ctx, "blockingBlock",
                    g_variant_new("(^ass)", li_parsed_get_positionals(ctx->parsed), ctx->profile),
                    done);
}

static void
blocking_block(LiContext *ctx)
{
    li_context_use_profile(ctx, on_block_profile);
}

static gboolean
is_all(LiContext *ctx)
{
    const char *const *entities = li_parsed_get_positionals(ctx->parsed);

    return g_strcmp0(entities[0], "all") == 0 && entities[1] == NULL;
}

static void
on_unblock_profile(LiContext *ctx, GVariant *reply)
{
    const char *const none[] = { NULL };
    gboolean all = is_all(ctx);

    if (all && li_parsed_get_count(ctx->parsed, "force") == 0) {
        if (!li_prompt_is_interactive()) {
            li_context_fail(ctx, g_error_new_literal(LV_ERROR, LV_ERROR_INVALID_ARGUMENT,
                                                     "unblocking all entities needs a "
                                                     "confirmation: give -f/--force when there "
                                                     "is no terminal"));
            return;
        }
        if (!li_prompt_confirm("All entities will be unblocked, are you sure")) {
            li_context_fail(ctx,
                            g_error_new_literal(LV_ERROR, LV_ERROR_CANCELLED, "unblock cancelled"));
            return;
        }
    }
    li_context_call(ctx, "blockingUnblock",
                    g_variant_new("(^ass)", all ? none : li_parsed_get_positionals(ctx->parsed),
                                  ctx->profile),
                    done);
}

static void
blocking_unblock(LiContext *ctx)
{
    if (!is_all(ctx) && li_parsed_get_count(ctx->parsed, "force") > 0) {
        li_context_fail(ctx, g_error_new_literal(LV_ERROR, LV_ERROR_INVALID_ARGUMENT,
                                                 "--force is only allowed when \"all\" is used "
                                                 "as target"));
        return;
    }
    li_context_use_profile(ctx, on_unblock_profile);
}

static const LiOption unblock_options[] = {
    { 'f', "force", NULL, NULL, "when \"all\" is used, unblock all entities without confirmation" },
    { 0 },
};
static const LiPositional block_positional[] = {
    { "entities", "JIDs of entities to block", FALSE, TRUE },
    { 0 },
};
static const LiPositional unblock_positional[] = {
    { "entities", "JIDs of entities to unblock (\"all\": every entity)", FALSE, TRUE },
    { 0 },
};

static const LiCommand list_command = {
    "list",
    "list blocked entities",
    LI_SHARED_PROFILE | LI_SHARED_CONNECT,
    li_output_list_formats,
    NULL,
    NULL,
    blocking_list,
};
static const LiCommand block_command = {
    "block",
    "block one or more entities",
    LI_SHARED_PROFILE | LI_SHARED_CONNECT,
    NULL,
    NULL,
    block_positional,
    blocking_block,
};
static const LiCommand unblock_command = {
    "unblock",
    "unblock one or more entities",
    LI_SHARED_PROFILE | LI_SHARED_CONNECT,
    NULL,
    unblock_options,
    unblock_positional,
    blocking_unblock,
};

static const LiCommand *const blocking_commands[] = { &list_command, &block_command,
                                                      &unblock_command, NULL };

const LiGroup li_cmd_blocking = {
    "blocking",
    "entities blocking",
    NULL,
    blocking_commands,
};
