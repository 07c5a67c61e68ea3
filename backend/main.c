/* libervia-backend: the command line of the backend daemon. */
#include "config.h"

#include <locale.h>
#include <stdio.h>

#include "lv-config.h"
#include "lv-daemon.h"

typedef enum {
    CMD_BACKGROUND,
    CMD_FOREGROUND,
    CMD_DEBUG,
    CMD_STATUS,
    CMD_STOP,
} Command;

static const struct {
    const char *name;
    const char *alias;
    Command command;
} commands[] = {
    { "background", "bg", CMD_BACKGROUND },
    { "foreground", "fg", CMD_FOREGROUND },
    { "debug", "dbg", CMD_DEBUG },
    { "status", NULL, CMD_STATUS },
    { "stop", NULL, CMD_STOP },
};

static const char usage_text[] =
        "usage: libervia-backend [-h] [--version] [COMMAND]\n"
        "\n"
        "The Libervia XMPP backend: keeps your accounts connected and serves the\n"
        "frontends (li, libervia-tui, …) over D-Bus as org.libervia.Libervia.\n"
        "\n"
        "commands:\n"
        "  background, bg   run as a daemon (the default): log in <log_dir>/libervia.log\n"
        "  foreground, fg   run in the foreground, logging to the terminal\n"
        "  debug, dbg       as foreground, with debug logging\n"
        "  status           tell whether the backend runs (exit 0 running, 1 not running,\n"
        "                   2 stale pid file, 17 unreadable pid file)\n"
        "  stop             stop it: SIGTERM, then SIGKILL after 10 s (exit 0 stopped or\n"
        "                   not running, 1 killed, 2 stale pid file, 18 not ours)\n"
        "\n"
        "options:\n"
        "  -h, --help       show this help and exit\n"
        "  --version        show the version and exit\n"
        "\n"
        "The pid file is <pid_dir>/libervia.pid (pid_dir defaults to local_dir,\n"
        "$XDG_DATA_HOME/libervia). Configuration: libervia.conf (see\n"
        "libervia.conf.sample). Exit codes when starting: 0 clean stop, 1 configuration\n"
        "or set-up error, 2 bad argument, 3 another backend is already running.\n";

static int
bad_argument(const char *what, const char *argument)
{
    fprintf(stderr, "usage: libervia-backend [-h] [--version] [COMMAND]\n");
    fprintf(stderr, "libervia-backend: error: %s %s (try --help)\n", what, argument);
    return LV_EXIT_BAD_ARG;
}

/* Fills @command from argv; returns -1 to go on, else an exit code. */
static int
parse_arguments(int argc, char **argv, Command *command)
{
    gboolean have_command = FALSE;

    *command = CMD_BACKGROUND;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (g_str_equal(arg, "-h") || g_str_equal(arg, "--help")) {
            fputs(usage_text, stdout);
            return LV_EXIT_OK;
        }
        if (g_str_equal(arg, "--version")) {
            printf("libervia-backend (libervia-c) %s\n", PACKAGE_VERSION);
            return LV_EXIT_OK;
        }
        if (arg[0] == '-')
            return bad_argument("unknown option", arg);
        if (have_command)
            return bad_argument("unexpected argument", arg);
        gboolean found = FALSE;
        for (gsize c = 0; c < G_N_ELEMENTS(commands) && !found; c++) {
            if (g_str_equal(arg, commands[c].name) || g_strcmp0(arg, commands[c].alias) == 0) {
                *command = commands[c].command;
                found = TRUE;
            }
        }
        if (!found)
            return bad_argument("unknown command", arg);
        have_command = TRUE;
    }
    return -1;
}

int
main(int argc, char **argv)
{
    Command command = CMD_BACKGROUND;
    g_autoptr(GError) error = NULL;

    setlocale(LC_ALL, "");
    int code = parse_arguments(argc, argv, &command);
    if (code >= 0)
        return code;

    g_autoptr(LvConfig) config = lv_config_new(&error);
    if (config == NULL) {
        fprintf(stderr, "libervia-backend: %s\n", error->message);
        return LV_EXIT_ERROR;
    }
    switch (command) {
    case CMD_STATUS:
        return lv_daemon_status(config);
    case CMD_STOP:
        return lv_daemon_stop(config);
    case CMD_FOREGROUND:
        return lv_daemon_run(config, LV_DAEMON_FOREGROUND, FALSE);
    case CMD_DEBUG:
        return lv_daemon_run(config, LV_DAEMON_FOREGROUND, TRUE);
    default:
        return lv_daemon_run(config, LV_DAEMON_BACKGROUND, FALSE);
    }
}
