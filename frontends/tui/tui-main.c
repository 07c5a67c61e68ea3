/* libervia-tui: the terminal frontend. Parses the command line, reads
 * libervia.conf, takes the terminal and runs the main loop; the terminal is given
 * back before any final message is printed. */
#include "config.h"

#include <locale.h>
#include <stdio.h>

#include "lv-error.h"
#include "tui-app.h"
#include "tui-screen.h"

static const char summary[] =
        "The Libervia terminal frontend: contacts, chats and rooms of one profile.\n"
        "\n"
        "Without -p a profile chooser is shown (choose, or create one). Modes as in\n"
        "Libervia: Esc is normal mode (keys are commands), i types a message, : types a\n"
        "command (:quit, :history [N], :search TEXT, :join ROOM [NICK], :topic [TEXT],\n"
        ":status SHOW [TEXT], :add JID, :open JID, :help). Tab or ctrl-arrows move the focus,\n"
        "Enter opens the contact selected, PageUp/PageDown scroll (older history is\n"
        "loaded at the top), ctrl-n opens the next unread chat, Shift-Tab completes a\n"
        "nick in a room, ctrl-x (or ctrl-c twice) quits. Every key can be changed with\n"
        "KEY_<ACTION> = key in the [tui] section of libervia.conf (see\n"
        "libervia.conf.sample; :help lists them). The backend is started by D-Bus\n"
        "activation when it does not run.\n"
        "\n"
        "Exit codes: 0 ok, 1 error, 2 bad argument, 5 no backend, 16 unknown profile,\n"
        "20 cancelled, 128+N on signal N.";

int
main(int argc, char **argv)
{
    g_autofree char *profile = NULL;
    gboolean version = FALSE;
    gboolean exit_when_drawn = FALSE;
    GOptionEntry entries[] = {
        { "profile", 'p', 0, G_OPTION_ARG_STRING, &profile,
          "use PROFILE (@DEFAULT@: the default one); without it, choose", "PROFILE" },
        { "version", 0, 0, G_OPTION_ARG_NONE, &version, "print the version and exit", NULL },
        { "exit-when-drawn", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &exit_when_drawn,
          "quit once the contact list is drawn (benchmarks)", NULL },
        { NULL },
    };
    g_autoptr(GOptionContext) options = g_option_context_new(NULL);
    g_autoptr(GError) error = NULL;

    setlocale(LC_ALL, "");
    g_option_context_add_main_entries(options, entries, NULL);
    g_option_context_set_summary(options, summary);
    if (!g_option_context_parse(options, &argc, &argv, &error)) {
        fprintf(stderr, "libervia-tui: %s (--help for the options)\n", error->message);
        return 2;
    }
    if (version) {
        printf("libervia-tui %s\n", PACKAGE_VERSION);
        return 0;
    }
    if (argc > 1) {
        fprintf(stderr, "libervia-tui: unexpected argument %s (--help for the options)\n", argv[1]);
        return 2;
    }
    g_autoptr(LvConfig) config = lv_config_new(&error);
    TuiKeymap *keymap = config != NULL ? tui_keymap_new(config, &error) : NULL;
    gboolean paste = config != NULL && keymap != NULL
                             ? lv_config_get_bool(config, "tui", "bracketed_paste", TRUE, &error)
                             : FALSE;
    if (error != NULL) {
        fprintf(stderr, "libervia-tui: %s\n", error->message);
        tui_keymap_free(keymap);
        return 1;
    }
    g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
    g_autoptr(TuiApp) app = tui_app_new(config, keymap, loop);
    app->exit_when_drawn = exit_when_drawn;
    /* The bus connection is made in GDBus's threads: asked first, it goes on while
     * curses reads the terminfo and draws the first screen. */
    tui_app_start(app, profile);
    if (app->quitting) {
        fprintf(stderr, "%s\n", app->exit_message);
        return app->exit_code;
    }
    if (!tui_screen_start(app, paste, &error)) {
        fprintf(stderr, "libervia-tui: %s\n", error->message);
        return 1;
    }
    g_main_loop_run(loop);
    tui_screen_stop();
    if (app->exit_message != NULL)
        fprintf(stderr, "%s\n", app->exit_message);
    return app->exit_code;
}
