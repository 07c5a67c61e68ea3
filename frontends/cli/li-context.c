/* li-context: runs one command on a main loop, from bridge to exit code. */
#include "li-context.h"

#include <stdio.h>

#include "li-prompt.h"
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
    if (ctx->data_free != NULL)
        ctx->data_free(ctx->data);
    g_clear_pointer(&ctx->bridge, lv_bridge_free);
    g_free(ctx->profile);
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

typedef struct {
    LiContext *ctx;
    LiReplyFunc next;
} LiStep;

static void
on_step_reply(GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autofree LiStep *step = user_data;
    GError *error = NULL;
    g_autoptr(GVariant) reply = lv_bridge_call_finish(step->ctx->bridge, result, &error);

    if (reply == NULL)
        li_context_fail(step->ctx, error);
    else
        step->next(step->ctx, reply);
}

void
li_context_call(LiContext *ctx, const char *method, GVariant *params, LiReplyFunc next)
{
    LiStep *step = g_new0(LiStep, 1);

    step->ctx = ctx;
    step->next = next;
    lv_bridge_call(ctx->bridge, method, params, NULL, on_step_reply, step);
}

#define MAX_PASSWORD_TRIES 3

typedef struct {
    LiContext *ctx;
    LiReplyFunc next;
    guint tries;
    gboolean guessed; /* the last try was the empty password, not the user's */
    gboolean connect; /* -c: connect, which starts the session too */
} LiSession;

static void start_session(LiSession *session, const char *password);

static void
on_session_started(GObject *source, GAsyncResult *result, gpointer user_data)
{
    LiSession *session = user_data;
    LiContext *ctx = session->ctx;
    GError *error = NULL;
    g_autoptr(GVariant) reply = lv_bridge_call_finish(ctx->bridge, result, &error);

    if (reply != NULL) {
        LiReplyFunc next = session->next;
        g_free(session);
        next(ctx, NULL);
        return;
    }
    /* As Libervia's CLI: a wrong password is asked again, on a terminal. */
    if (g_error_matches(error, LV_ERROR, LV_ERROR_PASSWORD) && li_prompt_is_interactive() &&
        (session->guessed || ++session->tries < MAX_PASSWORD_TRIES)) {
        g_error_free(error);
        g_autofree char *prompt = g_strdup_printf(
                "%sprofile password for %s: ", session->guessed ? "" : "wrong password; ",
                ctx->profile);
        session->guessed = FALSE;
        char *password = li_prompt_secret(prompt);
        start_session(session, password != NULL ? password : "");
        li_prompt_free_secret(password);
        return;
    }
    if (g_error_matches(error, LV_ERROR, LV_ERROR_PASSWORD) && session->guessed)
        g_prefix_error(&error, "profile %s has a password (give it with --pwd): ", ctx->profile);
    g_free(session);
    li_context_fail(ctx, error);
}

static void
start_session(LiSession *session, const char *password)
{
    LiContext *ctx = session->ctx;

    /* connect starts the session too, with the same password. */
    GVariant *args = session->connect
                             ? g_variant_new("(ss@a{ss})", ctx->profile, password,
                                             g_variant_new_array(G_VARIANT_TYPE("{ss}"), NULL, 0))
                             : g_variant_new("(ss)", password, ctx->profile);

    lv_bridge_call(ctx->bridge, session->connect ? "connect" : "profileStartSession", args, NULL,
                   on_session_started, session);
}

static void
on_session_known(LiContext *ctx, GVariant *reply)
{
    gboolean started = FALSE;
    gboolean connect = li_parsed_get_count(ctx->parsed, "connect") > 0;

    g_variant_get(reply, "(b)", &started);
    if (started && !connect) {
        ctx->after_profile(ctx, NULL);
        return;
    }
    LiSession *session = g_new0(LiSession, 1);
    session->ctx = ctx;
    session->next = ctx->after_profile;
    session->connect = connect;
    const char *pwd = li_parsed_get_string(ctx->parsed, "pwd");
    if (pwd != NULL) {
        start_session(session, pwd);
        return;
    }
    /* An empty password first: profiles without one need no question. */
    session->guessed = TRUE;
    start_session(session, "");
}

static void
on_profile_name(LiContext *ctx, GVariant *reply)
{
    g_variant_get(reply, "(s)", &ctx->profile);
    li_context_call(ctx, "profileIsSessionStarted", g_variant_new("(s)", ctx->profile),
                    on_session_known);
}

void
li_context_start_session_of(LiContext *ctx, const char *name, LiReplyFunc next)
{
    ctx->after_profile = next;
    g_free(ctx->profile);
    ctx->profile = g_strdup(name);
    li_context_call(ctx, "profileIsSessionStarted", g_variant_new("(s)", name), on_session_known);
}

void
li_context_use_profile(LiContext *ctx, LiReplyFunc next)
{
    ctx->after_profile = next;
    li_context_call(ctx, "profileNameGet",
                    g_variant_new("(s)", li_parsed_get_string(ctx->parsed, "profile")),
                    on_profile_name);
}
