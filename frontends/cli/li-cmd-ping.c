/* li-cmd-ping: `li ping JID`: the round trip to an entity, printed as Libervia's
 * CLI does: "PONG (0.0123 s)", or the delay alone with -d. */
#include "li-cmd-ping.h"

#include <stdio.h>
#include <stdlib.h>

#include "li-context.h"

/* The shortest text that reads back as @value, as Python's repr() writes floats. */
static char *
shortest(double value)
{
    for (int precision = 1; precision < 17; precision++) {
        char *text = g_strdup_printf("%.*g", precision, value);
        if (g_ascii_strtod(text, NULL) == value)
            return text;
        g_free(text);
    }
    return g_strdup_printf("%.17g", value);
}

static void
on_pong(LiContext *ctx, GVariant *reply)
{
    double delay = 0;

    g_variant_get(reply, "(d)", &delay);
    g_autofree char *text = shortest(delay);
    if (li_parsed_get_count(ctx->parsed, "delay-only") > 0)
        printf("%s\n", text);
    else
        printf("PONG (%s s)\n", text);
    li_context_done(ctx, 0);
}

static void
on_profile(LiContext *ctx, GVariant *reply)
{
    li_context_call(ctx, "ping",
                    g_variant_new("(ss)", li_parsed_get_positionals(ctx->parsed)[0], ctx->profile),
                    on_pong);
}

static void
ping(LiContext *ctx)
{
    li_context_use_profile(ctx, on_profile);
}

static const LiOption options[] = {
    { 'd', "delay-only", NULL, NULL, "output delay only (in s)" },
    { 0 },
};
static const LiPositional positionals[] = { { "jid", "jid to ping" }, { 0 } };

const LiCommand li_cmd_ping = {
    "ping", "ping XMPP entity", LI_SHARED_PROFILE | LI_SHARED_CONNECT, NULL, options, positionals,
    ping,
};
