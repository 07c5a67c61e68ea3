/* li-cmd-profile: the `profile` command group: profiles of the backend. */
#include "li-cmd-profile.h"

#include <stdio.h>

#include "li-output.h"
#include "li-prompt.h"
#include "lv-error.h"

static const char *const bool_choices[] = { "true", "false", NULL };

/* Fails the run with an LV_ERROR of @code. */
static void G_GNUC_PRINTF(3, 4) fail(LiContext *ctx, LvErrorCode code, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    li_context_fail(ctx, g_error_new_valist(LV_ERROR, code, format, args));
    va_end(args);
}

static gboolean
list_contains(GVariant *reply, const char *name)
{
    g_autofree const char **names = NULL;
    g_autoptr(GVariant) list = g_variant_get_child_value(reply, 0);

    names = g_variant_get_strv(list, NULL);
    return g_strv_contains(names, name);
}

static void
done(LiContext *ctx, GVariant *reply)
{
    li_context_done(ctx, 0);
}

/* ---- list ---- */

static void
on_profiles(LiContext *ctx, GVariant *reply)
{
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
        fail(ctx, LV_ERROR_INVALID_ARGUMENT, "-c/--clients and -C/--components exclude each other");
        return;
    }
    if (!clients && !components)
        clients = components = TRUE;
    li_context_call(ctx, "profilesListGet", g_variant_new("(bb)", clients, components),
                    on_profiles);
}

/* ---- create ---- */

/* profile create: the calls after profileCreate run in order; if one fails the new
 * profile is deleted again, so that a profile is created whole or not at all. */
typedef struct {
    char *name;
    char *password;
    GPtrArray *calls; /* GVariant* (ssis…) arguments of setParam, in order */
    guint next;
    GError *error;
} Create;

static void
create_free(gpointer data)
{
    Create *create = data;

    g_free(create->name);
    li_prompt_free_secret(create->password);
    g_ptr_array_unref(create->calls);
    g_clear_error(&create->error);
    g_free(create);
}

static void
on_rolled_back(GObject *source, GAsyncResult *result, gpointer user_data)
{
    LiContext *ctx = user_data;
    Create *create = ctx->data;
    g_autoptr(GVariant) reply = lv_bridge_call_finish(ctx->bridge, result, NULL);

    li_context_fail(ctx, g_steal_pointer(&create->error));
}

static void create_step(LiContext *ctx);

static void
on_create_step(GObject *source, GAsyncResult *result, gpointer user_data)
{
    LiContext *ctx = user_data;
    Create *create = ctx->data;
    g_autoptr(GVariant) reply = lv_bridge_call_finish(ctx->bridge, result, &create->error);

    if (reply == NULL) {
        lv_bridge_call(ctx->bridge, "asyncDeleteProfile", g_variant_new("(s)", create->name), NULL,
                       on_rolled_back, ctx);
        return;
    }
    create_step(ctx);
}

static void
create_step(LiContext *ctx)
{
    Create *create = ctx->data;

    if (create->next < create->calls->len) {
        GVariant *args = g_ptr_array_index(create->calls, create->next++);
        const char *method = create->next == 1 ? "profileStartSession" : "setParam";
        lv_bridge_call(ctx->bridge, method, args, NULL, on_create_step, ctx);
        return;
    }
    if (create->password[0] == '\0')
        fprintf(stderr,
                "li: warning: profile %s has no password: its XMPP password is stored "
                "without protection at rest (set one with li profile modify -w)\n",
                create->name);
    if (li_parsed_get_count(ctx->parsed, "verbose") > 0)
        printf("profile %s created successfully\n", create->name);
    li_context_done(ctx, 0);
}

static void
on_created(LiContext *ctx, GVariant *reply)
{
    create_step(ctx);
}

static void
on_existing(LiContext *ctx, GVariant *reply)
{
    Create *create = ctx->data;

    if (list_contains(reply, create->name)) {
        fail(ctx, LV_ERROR_CONFLICT, "profile %s already exists", create->name);
        return;
    }
    const char *component = li_parsed_get_string(ctx->parsed, "component");
    li_context_call(ctx, "profileCreate",
                    g_variant_new("(sss)", create->name, create->password,
                                  component != NULL ? component : ""),
                    on_created);
}

static void
add_param(Create *create, const char *name, const char *value, const char *category)
{
    g_ptr_array_add(create->calls, g_variant_ref_sink(g_variant_new("(sssis)", name, value,
                                                                    category, -1, create->name)));
}

/* A secret from its option, else asked on a terminal (twice), else @fallback. */
static char *
secret_option(LiContext *ctx, const char *option, const char *what, const char *fallback)
{
    const char *given = li_parsed_get_string(ctx->parsed, option);
    g_autofree char *first_prompt = g_strdup_printf("%s: ", what);
    g_autofree char *again_prompt = g_strdup_printf("%s (again): ", what);

    if (given != NULL || !li_prompt_is_interactive())
        return g_strdup(given != NULL ? given : fallback);
    for (;;) {
        char *first = li_prompt_secret(first_prompt);
        char *again = first != NULL ? li_prompt_secret(again_prompt) : NULL;
        if (first == NULL || g_strcmp0(first, again) == 0) {
            li_prompt_free_secret(again);
            return first != NULL ? first : g_strdup(fallback);
        }
        fprintf(stderr, "li: the two entries differ, again please\n");
        li_prompt_free_secret(first);
        li_prompt_free_secret(again);
    }
}

static void
profile_create(LiContext *ctx)
{
    Create *create = g_new0(Create, 1);
    const char *jid = li_parsed_get_string(ctx->parsed, "jid");
    const char *autoconnect = li_parsed_get_string(ctx->parsed, "autoconnect");

    ctx->data = create;
    ctx->data_free = create_free;
    create->name = g_strdup(li_parsed_get_positionals(ctx->parsed)[0]);
    create->calls = g_ptr_array_new_with_free_func((GDestroyNotify)g_variant_unref);
    create->password = secret_option(ctx, "password", "profile password (empty for none)", "");
    g_autofree char *xmpp = secret_option(ctx, "xmpp-password", "XMPP password", NULL);

    g_ptr_array_add(create->calls,
                    g_variant_ref_sink(g_variant_new("(ss)", create->password, create->name)));
    if (jid != NULL)
        add_param(create, "JabberID", jid, "Connection");
    if (xmpp != NULL && xmpp[0] != '\0')
        add_param(create, "Password", xmpp, "Connection");
    if (autoconnect != NULL)
        add_param(create, "autoconnect_backend", autoconnect, "Connection");
    li_prompt_free_secret(g_steal_pointer(&xmpp));
    li_context_call(ctx, "profilesListGet", g_variant_new("(bb)", TRUE, TRUE), on_existing);
}

/* ---- default ---- */

static void
on_default(LiContext *ctx, GVariant *reply)
{
    const char *name = NULL;

    g_variant_get(reply, "(&s)", &name);
    printf("%s\n", name);
    li_context_done(ctx, 0);
}

static void
profile_default(LiContext *ctx)
{
    li_context_call(ctx, "profileNameGet", g_variant_new("(s)", "@DEFAULT@"), on_default);
}

/* ---- delete ---- */

static void
delete_with_session(LiContext *ctx, GVariant *reply)
{
    li_context_call(ctx, "asyncDeleteProfile", g_variant_new("(s)", ctx->profile), done);
}

static void
on_delete_target(LiContext *ctx, GVariant *reply)
{
    const char *name = li_parsed_get_positionals(ctx->parsed)[0];

    if (!list_contains(reply, name)) {
        fail(ctx, LV_ERROR_PROFILE_UNKNOWN, "profile %s does not exist", name);
        return;
    }
    if (li_parsed_get_count(ctx->parsed, "force") == 0) {
        if (!li_prompt_is_interactive()) {
            fail(ctx, LV_ERROR_INVALID_ARGUMENT,
                 "deleting %s needs a confirmation: give -f/--force when there is no terminal",
                 name);
            return;
        }
        g_autofree char *question = g_strdup_printf("Are you sure to delete profile [%s]?", name);
        if (!li_prompt_confirm(question)) {
            fail(ctx, LV_ERROR_CANCELLED, "profile deletion cancelled");
            return;
        }
    }
    li_context_start_session_of(ctx, name, delete_with_session);
}

static void
profile_delete(LiContext *ctx)
{
    li_context_call(ctx, "profilesListGet", g_variant_new("(bb)", TRUE, TRUE), on_delete_target);
}

/* ---- info ---- */

typedef struct {
    GPtrArray *labels; /* const char* */
    GPtrArray *values; /* char* */
    GPtrArray *params; /* const char* category/name pairs still to read */
} Info;

static void
info_free(gpointer data)
{
    Info *info = data;

    g_ptr_array_unref(info->labels);
    g_ptr_array_unref(info->values);
    g_ptr_array_unref(info->params);
    g_free(info);
}

static void info_next(LiContext *ctx);

static void
on_info_value(LiContext *ctx, GVariant *reply)
{
    Info *info = ctx->data;
    char *value = NULL;

    g_variant_get(reply, "(s)", &value);
    g_ptr_array_add(info->values, value);
    info_next(ctx);
}

static void
info_next(LiContext *ctx)
{
    Info *info = ctx->data;
    guint index = info->values->len;

    if (index * 2 < info->params->len) {
        const char *category = info->params->pdata[index * 2];
        const char *name = info->params->pdata[index * 2 + 1];
        li_context_call(ctx, "asyncGetParamA",
                        g_variant_new("(sssis)", name, category, "value", -1, ctx->profile),
                        on_info_value);
        return;
    }
    g_ptr_array_add(info->labels, NULL);
    g_ptr_array_add(info->values, NULL);
    li_output_dict(ctx, (const char *const *)info->labels->pdata,
                   (const char *const *)info->values->pdata);
    li_context_done(ctx, 0);
}

static void
add_info(Info *info, const char *label, const char *category, const char *name)
{
    g_ptr_array_add(info->labels, (gpointer)label);
    g_ptr_array_add(info->params, (gpointer)category);
    g_ptr_array_add(info->params, (gpointer)name);
}

static void
on_info_profile(LiContext *ctx, GVariant *reply)
{
    Info *info = g_new0(Info, 1);

    ctx->data = info;
    ctx->data_free = info_free;
    info->labels = g_ptr_array_new();
    info->values = g_ptr_array_new_with_free_func(g_free);
    info->params = g_ptr_array_new();
    add_info(info, "jid", "Connection", "JabberID");
    if (li_parsed_get_count(ctx->parsed, "show-password") > 0)
        add_info(info, "XMPP password", "Connection", "Password");
    add_info(info, "autoconnect (backend)", "Connection", "autoconnect_backend");
    info_next(ctx);
}

static void
profile_info(LiContext *ctx)
{
    li_context_use_profile(ctx, on_info_profile);
}

/* ---- modify ---- */

typedef struct {
    GPtrArray *methods; /* const char*, static */
    GPtrArray *args;    /* GVariant* */
    guint next;
} Modify;

static void
modify_free(gpointer data)
{
    Modify *modify = data;

    g_ptr_array_unref(modify->methods);
    g_ptr_array_unref(modify->args);
    g_free(modify);
}

static void
modify_next(LiContext *ctx, GVariant *reply)
{
    Modify *modify = ctx->data;

    if (modify->next >= modify->args->len) {
        li_context_done(ctx, 0);
        return;
    }
    const char *method = modify->methods->pdata[modify->next];
    GVariant *args = modify->args->pdata[modify->next++];
    li_context_call(ctx, method, args, modify_next);
}

static void
add_call(Modify *modify, const char *method, GVariant *args)
{
    g_ptr_array_add(modify->methods, (gpointer)method);
    g_ptr_array_add(modify->args, g_variant_ref_sink(args));
}

static void
on_modify_profile(LiContext *ctx, GVariant *reply)
{
    Modify *modify = g_new0(Modify, 1);
    const char *jid = li_parsed_get_string(ctx->parsed, "jid");
    const char *xmpp = li_parsed_get_string(ctx->parsed, "xmpp-password");
    const char *password = li_parsed_get_string(ctx->parsed, "password");
    const char *autoconnect = li_parsed_get_string(ctx->parsed, "autoconnect");
    const char *p = ctx->profile;

    ctx->data = modify;
    ctx->data_free = modify_free;
    modify->methods = g_ptr_array_new();
    modify->args = g_ptr_array_new_with_free_func((GDestroyNotify)g_variant_unref);
    if (li_parsed_get_count(ctx->parsed, "disable-password") > 0)
        password = "";
    if (password != NULL)
        add_call(modify, "setParam",
                 g_variant_new("(sssis)", "Password", password, "General", -1, p));
    if (jid != NULL)
        add_call(modify, "setParam",
                 g_variant_new("(sssis)", "JabberID", jid, "Connection", -1, p));
    if (xmpp != NULL)
        add_call(modify, "setParam",
                 g_variant_new("(sssis)", "Password", xmpp, "Connection", -1, p));
    if (autoconnect != NULL)
        add_call(modify, "setParam",
                 g_variant_new("(sssis)", "autoconnect_backend", autoconnect, "Connection", -1, p));
    if (li_parsed_get_count(ctx->parsed, "default") > 0)
        add_call(modify, "profileSetDefault", g_variant_new("(s)", p));
    modify_next(ctx, NULL);
}

static void
profile_modify(LiContext *ctx)
{
    if (li_parsed_get_count(ctx->parsed, "disable-password") > 0 &&
        li_parsed_get_string(ctx->parsed, "password") != NULL) {
        fail(ctx, LV_ERROR_INVALID_ARGUMENT,
             "-w/--password and --disable-password exclude each "
             "other");
        return;
    }
    li_context_use_profile(ctx, on_modify_profile);
}

/* ---- connect, disconnect ---- */

/* li_context_use_profile() did the work: -c connects, --start-session unlocks. */
static void
profile_connect(LiContext *ctx)
{
    if (li_parsed_get_count(ctx->parsed, "connect") == 0 &&
        li_parsed_get_count(ctx->parsed, "start-session") == 0) {
        fail(ctx, LV_ERROR_INVALID_ARGUMENT,
             "use -c/--connect to connect, or --start-session to only unlock the profile");
        return;
    }
    li_context_use_profile(ctx, done);
}

static void
on_disconnect_profile(LiContext *ctx, GVariant *reply)
{
    li_context_call(ctx, "disconnect", g_variant_new("(s)", ctx->profile), done);
}

static void
profile_disconnect(LiContext *ctx)
{
    li_context_use_profile(ctx, on_disconnect_profile);
}

/* ---- the table ---- */

static const LiOption list_options[] = {
    { 'c', "clients", NULL, NULL, "get clients profiles only" },
    { 'C', "components", NULL, NULL, "get components profiles only" },
    { 0 },
};

static const LiOption create_options[] = {
    { 'p', "password", NULL, "PASSWORD",
      "the profile password (asked without echo on a terminal when omitted; arguments are "
      "visible to other local users)" },
    { 'j', "jid", NULL, "JID", "the XMPP address of the profile" },
    { 'x', "xmpp-password", NULL, "PASSWORD",
      "the XMPP account's password (asked without echo on a terminal when omitted)" },
    { 'A', "autoconnect", NULL, "BOOL", "connect this profile when the backend starts",
      bool_choices },
    { 'C', "component", NULL, "COMPONENT", "the entry point, if this profile is a component" },
    { 0 },
};
static const LiPositional create_positionals[] = { { "profile", "the name of the profile" },
                                                   { 0 } };

static const LiOption delete_options[] = {
    { 'f', "force", NULL, NULL, "delete the profile without confirmation" },
    { 0, "pwd", NULL, "PASSWORD",
      "its profile password, if its session is not started (asked without echo on a terminal "
      "when omitted): the backend deletes only a profile whose password is known" },
    { 0 },
};
static const LiPositional delete_positionals[] = { { "profile", "the profile to delete" }, { 0 } };

static const LiOption info_options[] = {
    { 0, "show-password", NULL, NULL, "show the XMPP password IN CLEAR TEXT" },
    { 0 },
};

static const LiOption modify_options[] = {
    { 'w', "password", NULL, "PASSWORD", "change the profile password" },
    { 0, "disable-password", NULL, NULL, "remove the profile password (no protection at rest)" },
    { 'j', "jid", NULL, "JID", "the XMPP address of the profile" },
    { 'x', "xmpp-password", NULL, "PASSWORD", "the XMPP account's password" },
    { 'D', "default", NULL, NULL, "make this profile the default one" },
    { 'A', "autoconnect", NULL, "BOOL", "connect this profile when the backend starts",
      bool_choices },
    { 0 },
};

static const char *const dict_formats[] = { "simple", "json", "json-raw", NULL };

static const LiCommand list_command = {
    "list", "list profiles", 0, li_output_list_formats, list_options, NULL, profile_list,
};
static const LiCommand create_command = {
    "create",       "create a new profile", LI_SHARED_VERBOSE, NULL,
    create_options, create_positionals,     profile_create,
};
static const LiCommand default_command = {
    "default", "print default profile", 0, NULL, NULL, NULL, profile_default,
};
static const LiCommand delete_command = {
    "delete", "delete a profile", 0, NULL, delete_options, delete_positionals, profile_delete,
};
static const LiCommand info_command = {
    "info",
    "get information about a profile",
    LI_SHARED_PROFILE | LI_SHARED_CONNECT | LI_SHARED_SESSION,
    dict_formats,
    info_options,
    NULL,
    profile_info,
};
static const LiCommand modify_command = {
    "modify",
    "modify an existing profile",
    LI_SHARED_PROFILE | LI_SHARED_CONNECT | LI_SHARED_SESSION,
    NULL,
    modify_options,
    NULL,
    profile_modify,
};

static const LiCommand connect_command = {
    "connect",
    "connect a profile",
    LI_SHARED_PROFILE | LI_SHARED_CONNECT | LI_SHARED_SESSION,
    NULL,
    NULL,
    NULL,
    profile_connect,
};
static const LiCommand disconnect_command = {
    "disconnect",
    "disconnect a profile",
    LI_SHARED_PROFILE | LI_SHARED_CONNECT | LI_SHARED_SESSION,
    NULL,
    NULL,
    NULL,
    profile_disconnect,
};

static const LiCommand *const profile_commands[] = {
    &connect_command, &create_command,     &default_command,
    &delete_command,  &disconnect_command, &info_command,
    &list_command,    &modify_command,     NULL,
};

const LiGroup li_cmd_profile = {
    "profile",
    "profile commands",
    NULL,
    profile_commands,
};
