/* li-context: one run of li: the parsed command line, the configuration, the
 * bridge, the output format, and how the run ends (exit code). */
#pragma once

#include "li-args.h"
#include "lv-bridge.h"
#include "lv-config.h"

G_BEGIN_DECLS

struct _LiContext {
    LiParsed *parsed;
    LvConfig *config;
    LvBridge *bridge;
    GMainLoop *loop;
    const char *output; /* -O value, or NULL when the command has none */
    char *profile;      /* the profile name, once li_context_use_profile() resolved it */
    void (*after_profile)(LiContext *ctx, GVariant *reply); /* li_context_use_profile */
    gpointer data; /* the running command's own state, freed with data_free */
    GDestroyNotify data_free;
    int exit_code;
    gboolean done;
};

/* Takes @parsed and a reference on @config (transfer full). */
LiContext *li_context_new(LiParsed *parsed, LvConfig *config);
void li_context_free(LiContext *ctx);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LiContext, li_context_free)

/* Connects the bridge, runs the command and its main loop; returns the exit code. */
int li_context_run(LiContext *ctx);

/* Ends the run with @exit_code. */
void li_context_done(LiContext *ctx, int exit_code);

/* Ends the run on @error: prints it and exits with Libervia's code for it; a
 * missing backend is one line saying how to start it (exit 5). Takes @error. */
void li_context_fail(LiContext *ctx, GError *error);

/* Continues a command with the reply of a bridge call (transfer none). */
typedef void (*LiReplyFunc)(LiContext *ctx, GVariant *reply);

/* Calls @method; an error ends the run (li_context_fail), a reply goes to @next. */
void li_context_call(LiContext *ctx, const char *method, GVariant *params, LiReplyFunc next);

/* For commands with the profile options: resolves -p, then (unless the session is
 * started) starts the session with --pwd, or with the password asked on the
 * terminal (asked again after a wrong one), then goes on with @next(ctx, NULL).
 * With -c/--connect the profile is connected (which starts the session) first. */
void li_context_use_profile(LiContext *ctx, LiReplyFunc next);

/* The same session start (--pwd, else the empty password, else a prompt on a
 * terminal) for a profile the command names itself, as profile delete does. */
void li_context_start_session_of(LiContext *ctx, const char *name, LiReplyFunc next);

G_END_DECLS
