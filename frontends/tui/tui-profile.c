/* tui-profile: from start to the main screen: the profile chooser (choose,
 * create), the password prompt, starting the session and connecting, as `li
 * profile` does (an empty password is tried first: profiles without one need no
 * question). The password that worked is kept in sodium memory for reconnecting
 * after a backend restart. */
#include <string.h>

#include <sodium.h>

#include "lv-error.h"
#include "tui-app.h"

static void G_GNUC_PRINTF(2, 3) set_starting(TuiApp *app, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    app->phase = TUI_PHASE_STARTING;
    g_free(app->starting_text);
    app->starting_text = g_strdup_vprintf(format, args);
    va_end(args);
    tui_app_redraw(app);
}

static void
keep_password(TuiApp *app, const char *password)
{
    gsize len = strlen(password);

    if (app->password != NULL)
        sodium_free(app->password);
    app->password = sodium_malloc(len + 1);
    if (app->password != NULL)
        memcpy(app->password, password, len + 1);
}

static void
prompt(TuiApp *app, TuiPromptKind kind, const char *error)
{
    app->phase = TUI_PHASE_PROMPT;
    app->prompt = kind;
    g_free(app->prompt_error);
    app->prompt_error = g_strdup(error);
    tui_input_clear(app->input);
    tui_app_redraw(app);
}

/* An error before the main screen: with -p it ends the TUI, else back to the
 * chooser with the error shown. */
static void
start_failed(TuiApp *app, const GError *error)
{
    if (g_error_matches(error, LV_ERROR, LV_ERROR_BACKEND_NOT_FOUND)) {
        tui_app_quit(app, lv_error_exit_code(error),
                     "libervia-tui: the Libervia backend is not running and could not be started "
                     "by D-Bus activation: start it with `libervia-backend` (or `libervia-backend "
                     "fg` to watch its log)");
        return;
    }
    if (app->given_profile || app->profiles == NULL) {
        g_autofree char *message = g_strdup_printf("libervia-tui: %s", error->message);
        tui_app_quit(app, lv_error_exit_code(error), message);
        return;
    }
    g_free(app->prompt_error);
    app->prompt_error = g_strdup(error->message);
    /* Listed again: a profile just created is there even when it could not connect. */
    tui_profile_choose(app);
}

typedef struct {
    char *password; /* wiped */
    gboolean guessed;
} Attempt;

static void
attempt_free(Attempt *attempt)
{
    sodium_memzero(attempt->password, strlen(attempt->password));
    g_free(attempt->password);
    g_free(attempt);
}

static void
on_connected(TuiApp *app, GVariant *reply, const GError *error, gpointer data)
{
    Attempt *attempt = data;

    if (reply != NULL) {
        keep_password(app, attempt->password);
        tui_app_enter_main(app);
        return;
    }
    if (g_error_matches(error, LV_ERROR, LV_ERROR_PASSWORD)) {
        prompt(app, TUI_PROMPT_PASSWORD, attempt->guessed ? NULL : "wrong password");
        return;
    }
    start_failed(app, error);
}

static void
connect_with(TuiApp *app, const char *password, gboolean guessed)
{
    Attempt *attempt = g_new0(Attempt, 1);

    attempt->password = g_strdup(password);
    attempt->guessed = guessed;
    set_starting(app, "connecting profile %s…", app->profile);
    /* connect starts the session too, with the same password. */
    tui_app_call(app, "connect",
                 g_variant_new("(ss@a{ss})", app->profile, password,
                               g_variant_new_array(G_VARIANT_TYPE("{ss}"), NULL, 0)),
                 on_connected, attempt, (GDestroyNotify)attempt_free);
}

static void
on_is_connected(TuiApp *app, GVariant *reply, const GError *error, gpointer data)
{
    gboolean connected = FALSE;

    if (reply != NULL)
        g_variant_get(reply, "(b)", &connected);
    if (connected)
        tui_app_enter_main(app);
    else
        connect_with(app, "", TRUE);
}

static void
on_session_known(TuiApp *app, GVariant *reply, const GError *error, gpointer data)
{
    gboolean started = FALSE;

    if (reply != NULL)
        g_variant_get(reply, "(b)", &started);
    /* A started and connected session needs nothing more (no password check, which
     * costs an argon2 hash). */
    if (started)
        tui_app_call(app, "isConnected", g_variant_new("(s)", app->profile), on_is_connected, NULL,
                     NULL);
    else
        connect_with(app, "", TRUE);
}

static void
on_profile_name(TuiApp *app, GVariant *reply, const GError *error, gpointer data)
{
    if (reply == NULL) {
        start_failed(app, error);
        return;
    }
    g_free(app->profile);
    g_variant_get(reply, "(s)", &app->profile);
    tui_app_call(app, "profileIsSessionStarted", g_variant_new("(s)", app->profile),
                 on_session_known, NULL, NULL);
}

void
tui_profile_use(TuiApp *app, const char *profile)
{
    g_autofree char *key = g_strdup(profile);

    set_starting(app, "looking for profile %s…", key);
    tui_app_call(app, "profileNameGet", g_variant_new("(s)", key), on_profile_name, NULL, NULL);
}

static void
on_profiles(TuiApp *app, GVariant *reply, const GError *error, gpointer data)
{
    if (reply == NULL) {
        start_failed(app, error);
        return;
    }
    g_strfreev(app->profiles);
    g_variant_get(reply, "(^as)", &app->profiles);
    app->chooser_selected = 0;
    app->phase = TUI_PHASE_CHOOSER;
    tui_app_redraw(app);
}

void
tui_profile_choose(TuiApp *app)
{
    set_starting(app, "%s", "asking the backend for the profiles…");
    tui_app_call(app, "profilesListGet", g_variant_new("(bb)", TRUE, FALSE), on_profiles, NULL,
                 NULL);
}

/* ---- creating a profile ---- */

typedef struct {
    GPtrArray *calls; /* (method, args) pairs still to make */
    char *password;
    gboolean made; /* profileCreate succeeded: a failure after it rolls back */
} Create;

static void
create_free(Create *create)
{
    /* Pairs of method name and arguments not made (after a failure). */
    for (guint i = 0; i + 1 < create->calls->len; i += 2) {
        g_free(create->calls->pdata[i]);
        g_variant_unref(create->calls->pdata[i + 1]);
    }
    g_ptr_array_unref(create->calls);
    sodium_memzero(create->password, strlen(create->password));
    g_free(create->password);
    g_free(create);
}

static void create_next(TuiApp *app, Create *create);

static void
on_create_step(TuiApp *app, GVariant *reply, const GError *error, gpointer data)
{
    Create *create = data;

    if (reply == NULL) {
        /* A half-made profile is removed, as li profile create does; a profile
         * that was there before (a refused create) is not ours to remove. */
        if (create->made)
            tui_app_call(app, "asyncDeleteProfile", g_variant_new("(s)", app->new_name), NULL, NULL,
                         NULL);
        create_free(create);
        start_failed(app, error);
        return;
    }
    create->made = TRUE;
    create_next(app, create);
}

static void
create_next(TuiApp *app, Create *create)
{
    if (create->calls->len == 0) {
        g_free(app->profile);
        app->profile = g_strdup(app->new_name);
        g_autofree char *password = g_strdup(create->password);
        create_free(create);
        connect_with(app, password, FALSE);
        sodium_memzero(password, strlen(password));
        return;
    }
    g_autofree char *method = g_ptr_array_steal_index(create->calls, 0);
    GVariant *args = g_ptr_array_steal_index(create->calls, 0);
    tui_app_call(app, method, args, on_create_step, create, NULL);
    g_variant_unref(args);
}

static void
create_profile(TuiApp *app, const char *password)
{
    Create *create = g_new0(Create, 1);
    const char *name = app->new_name;

    create->password = g_strdup(password);
    create->calls = g_ptr_array_new();
    g_ptr_array_add(create->calls, g_strdup("profileCreate"));
    g_ptr_array_add(create->calls, g_variant_ref_sink(g_variant_new("(sss)", name, password, "")));
    g_ptr_array_add(create->calls, g_strdup("profileStartSession"));
    g_ptr_array_add(create->calls, g_variant_ref_sink(g_variant_new("(ss)", password, name)));
    g_ptr_array_add(create->calls, g_strdup("setParam"));
    g_ptr_array_add(create->calls,
                    g_variant_ref_sink(g_variant_new("(sssis)", "JabberID", app->new_jid,
                                                     "Connection", -1, name)));
    g_ptr_array_add(create->calls, g_strdup("setParam"));
    g_ptr_array_add(create->calls,
                    g_variant_ref_sink(g_variant_new("(sssis)", "Password", app->new_xmpp_password,
                                                     "Connection", -1, name)));
    sodium_memzero(app->new_xmpp_password, strlen(app->new_xmpp_password));
    g_clear_pointer(&app->new_xmpp_password, g_free);
    set_starting(app, "creating profile %s…", name);
    create_next(app, create);
}

/* ---- keys ---- */

static void
prompt_submit(TuiApp *app)
{
    g_autofree char *text = g_strdup(tui_input_get_text(app->input));

    tui_input_clear(app->input);
    switch (app->prompt) {
    case TUI_PROMPT_PASSWORD:
        connect_with(app, text, FALSE);
        break;
    case TUI_PROMPT_NEW_NAME:
        if (text[0] == '\0' || strchr(text, '/') != NULL || text[0] == '@') {
            prompt(app, TUI_PROMPT_NEW_NAME, "a profile name, without / and not starting with @");
            break;
        }
        g_free(app->new_name);
        app->new_name = g_strdup(text);
        prompt(app, TUI_PROMPT_NEW_JID, NULL);
        break;
    case TUI_PROMPT_NEW_JID:
        if (strchr(text, '@') == NULL) {
            prompt(app, TUI_PROMPT_NEW_JID, "an XMPP address: name@server");
            break;
        }
        g_free(app->new_jid);
        app->new_jid = g_strdup(text);
        prompt(app, TUI_PROMPT_NEW_XMPP_PASSWORD, NULL);
        break;
    case TUI_PROMPT_NEW_XMPP_PASSWORD:
        app->new_xmpp_password = g_strdup(text);
        prompt(app, TUI_PROMPT_NEW_PASSWORD, NULL);
        break;
    case TUI_PROMPT_NEW_PASSWORD:
        create_profile(app, text);
        break;
    }
    sodium_memzero(text, strlen(text));
}

static void
prompt_key(TuiApp *app, TuiKey key)
{
    if (key.code == TUI_KEY_ESC && !key.meta) {
        if (app->given_profile) {
            tui_app_quit(app, 20, "libervia-tui: cancelled");
            return;
        }
        tui_input_clear(app->input);
        tui_profile_choose(app);
        return;
    }
    if (key.code == TUI_KEY_ENTER || key.code == '\n') {
        prompt_submit(app);
        return;
    }
    if (key.code == TUI_KEY_BACKSPACE || key.code == 0x7f || key.code == 0x08)
        tui_input_backspace(app->input);
    else if (key.code == TUI_KEY_LEFT)
        tui_input_left(app->input);
    else if (key.code == TUI_KEY_RIGHT)
        tui_input_right(app->input);
    else if (!key.meta && key.code >= 0x20 && key.code < 0x110000 && key.code != 0x7f)
        tui_input_insert_char(app->input, key.code);
}

static void
chooser_key(TuiApp *app, TuiKey key)
{
    guint count = app->profiles != NULL ? g_strv_length(app->profiles) : 0;

    /* The last entry is "create a new profile". */
    if (key.code == TUI_KEY_UP && app->chooser_selected > 0)
        app->chooser_selected--;
    else if (key.code == TUI_KEY_DOWN && app->chooser_selected < count)
        app->chooser_selected++;
    else if (key.code == TUI_KEY_ENTER || key.code == '\n') {
        g_clear_pointer(&app->prompt_error, g_free);
        if (app->chooser_selected < count)
            tui_profile_use(app, app->profiles[app->chooser_selected]);
        else
            prompt(app, TUI_PROMPT_NEW_NAME, NULL);
    } else if (key.code == 'q' || key.code == ('x' & 0x1f))
        tui_app_quit(app, 0, NULL);
}

void
tui_profile_handle_key(TuiApp *app, TuiKey key)
{
    if (key.code == ('x' & 0x1f) && !key.meta) {
        tui_app_quit(app, 0, NULL);
        return;
    }
    if (app->phase == TUI_PHASE_CHOOSER)
        chooser_key(app, key);
    else
        prompt_key(app, key);
}

const char *
tui_profile_prompt_label(TuiApp *app)
{
    switch (app->prompt) {
    case TUI_PROMPT_PASSWORD:
        return "Profile password:";
    case TUI_PROMPT_NEW_NAME:
        return "New profile name:";
    case TUI_PROMPT_NEW_JID:
        return "XMPP address (name@server):";
    case TUI_PROMPT_NEW_XMPP_PASSWORD:
        return "XMPP password:";
    case TUI_PROMPT_NEW_PASSWORD:
        return "Profile password (empty for none):";
    }
    return "";
}

gboolean
tui_profile_prompt_secret(TuiApp *app)
{
    return app->prompt == TUI_PROMPT_PASSWORD || app->prompt == TUI_PROMPT_NEW_XMPP_PASSWORD ||
           app->prompt == TUI_PROMPT_NEW_PASSWORD;
}

/* ---- after a backend restart ---- */

static void
on_reconnected(TuiApp *app, GVariant *reply, const GError *error, gpointer data)
{
    if (g_error_matches(error, LV_ERROR, LV_ERROR_PASSWORD)) {
        /* The session was started before this TUI ran: it never had the password. */
        app->given_profile = TRUE;
        prompt(app, TUI_PROMPT_PASSWORD, "the backend restarted: the profile password, please");
        return;
    }
    if (reply == NULL) {
        tui_app_set_status(app, "reconnecting: %s", error->message);
        return;
    }
    tui_app_set_status(app, "the backend restarted: reconnected");
    tui_app_reload(app);
}

void
tui_profile_reconnect(TuiApp *app)
{
    tui_app_call(app, "connect",
                 g_variant_new("(ss@a{ss})", app->profile,
                               app->password != NULL ? app->password : "",
                               g_variant_new_array(G_VARIANT_TYPE("{ss}"), NULL, 0)),
                 on_reconnected, NULL, NULL);
}
