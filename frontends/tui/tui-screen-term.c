/* tui-screen-term: the terminal's set-up and restoration, key input and resizes
 * (see tui-screen.h). Keys are read when standard input is readable (a GLib fd
 * source, curses in no-delay mode); SIGWINCH, SIGTERM, SIGINT and SIGHUP come
 * through g_unix_signal_add, installed before initscr so that curses keeps its
 * own handlers out. A crash signal (SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL)
 * writes the precomputed restore sequence and the saved terminal modes with
 * async-signal-safe calls, then dies of the signal as it would have. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <curses.h>
#include <glib-unix.h>

#include "lv-error.h"
#include "tui-screen.h"

/* Key codes we give curses for sequences it may not know. */
enum {
    CODE_PASTE_START = KEY_MAX + 1,
    CODE_PASTE_END,
    CODE_CTRL_UP,
    CODE_CTRL_DOWN,
    CODE_CTRL_LEFT,
    CODE_CTRL_RIGHT,
};

static struct {
    TuiApp *app;
    gboolean started;
    gboolean bracketed_paste;
    struct termios saved;
    gboolean saved_ok;
    char restore[256]; /* written by the crash handler */
    size_t restore_len;
    guint sources[5];
    guint idle;
} screen;

static const int crash_signals[] = { SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL };

#define PASTE_ON "\033[?2004h"
#define PASTE_OFF "\033[?2004l"

/* A terminfo string without its $<delay> padding (the handler cannot use putp). */
static void
append_cap(const char *name)
{
    const char *cap = tigetstr(name);

    if (cap == NULL || cap == (char *)-1)
        return;
    for (const char *p = cap; *p != '\0'; p++) {
        if (p[0] == '$' && p[1] == '<') {
            const char *end = strchr(p, '>');
            if (end != NULL) {
                p = end;
                continue;
            }
        }
        if (screen.restore_len + 1 < sizeof(screen.restore))
            screen.restore[screen.restore_len++] = *p;
    }
}

static void
prepare_restore(void)
{
    screen.restore_len = 0;
    if (screen.bracketed_paste) {
        memcpy(screen.restore, PASTE_OFF, strlen(PASTE_OFF));
        screen.restore_len = strlen(PASTE_OFF);
    }
    append_cap("sgr0");
    append_cap("cnorm");
    append_cap("rmkx");
    append_cap("rmcup");
}

static void
on_crash(int sig)
{
    if (screen.restore_len > 0) {
        ssize_t ignored = write(STDOUT_FILENO, screen.restore, screen.restore_len);
        (void)ignored;
    }
    if (screen.saved_ok)
        tcsetattr(STDIN_FILENO, TCSANOW, &screen.saved);
    /* SA_RESETHAND put the default action back: die of the same signal. */
    raise(sig);
}

static void
install_crash_handlers(void)
{
    struct sigaction action;

    memset(&action, 0, sizeof(action));
    action.sa_handler = on_crash;
    action.sa_flags = SA_RESETHAND | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    for (guint i = 0; i < G_N_ELEMENTS(crash_signals); i++)
        sigaction(crash_signals[i], &action, NULL);
}

/* ---- drawing, coalesced: many signals in a row make one redraw ---- */

static gboolean
on_idle_draw(gpointer user_data)
{
    screen.idle = 0;
    tui_screen_draw(screen.app);
    return G_SOURCE_REMOVE;
}

static void
schedule_draw(TuiApp *app)
{
    if (screen.started && screen.idle == 0)
        screen.idle = g_idle_add(on_idle_draw, NULL);
}

static void
bell(TuiApp *app)
{
    beep();
}

static void
drawn(TuiApp *app)
{
    /* --exit-when-drawn: the benchmark measures start to the first contact list. */
    g_autofree char *status = NULL;
    const char *rss = NULL;

    if (!app->exit_when_drawn)
        return;
    tui_screen_draw(app);
    if (g_file_get_contents("/proc/self/status", &status, NULL, NULL))
        rss = strstr(status, "VmRSS:");
    g_autofree char *line = g_strdup_printf(
            "libervia-tui: drawn with %u contacts, %.*s", tui_roster_count_contacts(app->roster),
            rss != NULL ? (int)strcspn(rss, "\n") : 0, rss != NULL ? rss : "");
    tui_app_quit(app, 0, line);
}

static const TuiScreenOps ops = {
    schedule_draw,
    tui_screen_redraw_all,
    bell,
    drawn,
};

/* ---- keys ---- */

static guint32
special_key(wint_t code)
{
    switch (code) {
    case KEY_UP:
        return TUI_KEY_UP;
    case KEY_DOWN:
        return TUI_KEY_DOWN;
    case KEY_LEFT:
        return TUI_KEY_LEFT;
    case KEY_RIGHT:
        return TUI_KEY_RIGHT;
    case CODE_CTRL_UP:
        return TUI_KEY_CTRL_UP;
    case CODE_CTRL_DOWN:
        return TUI_KEY_CTRL_DOWN;
    case CODE_CTRL_LEFT:
        return TUI_KEY_CTRL_LEFT;
    case CODE_CTRL_RIGHT:
        return TUI_KEY_CTRL_RIGHT;
    case KEY_HOME:
        return TUI_KEY_HOME;
    case KEY_END:
        return TUI_KEY_END;
    case KEY_PPAGE:
        return TUI_KEY_PAGE_UP;
    case KEY_NPAGE:
        return TUI_KEY_PAGE_DOWN;
    case KEY_BTAB:
        return TUI_KEY_SHIFT_TAB;
    case KEY_BACKSPACE:
        return TUI_KEY_BACKSPACE;
    case KEY_DC:
        return TUI_KEY_DELETE;
    case KEY_IC:
        return TUI_KEY_INSERT;
    case KEY_ENTER:
        return TUI_KEY_ENTER;
    case CODE_PASTE_START:
        return TUI_KEY_PASTE_START;
    case CODE_PASTE_END:
        return TUI_KEY_PASTE_END;
    default:
        if (code >= (wint_t)KEY_F(1) && code <= (wint_t)KEY_F(12))
            return TUI_KEY_F1 + (guint32)(code - KEY_F(1));
        return 0;
    }
}

/* One key from curses into a TuiKey; FALSE when none is waiting. */
static gboolean
read_key(TuiKey *key)
{
    wint_t ch = 0;
    int r = wget_wch(stdscr, &ch);

    if (r == ERR)
        return FALSE;
    key->meta = FALSE;
    if (r == KEY_CODE_YES) {
        key->code = special_key(ch);
        return TRUE;
    }
    if (ch == '\n')
        ch = '\r';
    if (ch == 0x1b) {
        /* ESC and a character at once: meta and that character (curses has
         * already waited ESCDELAY for the rest of an escape sequence). */
        wint_t next = 0;
        int r2 = wget_wch(stdscr, &next);
        if (r2 == OK && next != 0x1b) {
            key->meta = TRUE;
            key->code = next == '\n' ? '\r' : (guint32)next;
            return TRUE;
        }
        if (r2 == KEY_CODE_YES) {
            key->meta = TRUE;
            key->code = special_key(next);
            return TRUE;
        }
        if (r2 == OK)
            unget_wch(next);
    }
    key->code = (guint32)ch;
    return TRUE;
}

static gboolean
on_stdin(gint fd, GIOCondition condition, gpointer user_data)
{
    TuiKey key;

    if (condition & (G_IO_HUP | G_IO_ERR)) {
        tui_app_quit(screen.app, 1, "libervia-tui: the terminal went away");
        screen.sources[0] = 0;
        return G_SOURCE_REMOVE;
    }
    while (read_key(&key)) {
        if (key.code != 0)
            tui_app_handle_key(screen.app, key);
    }
    return G_SOURCE_CONTINUE;
}

/* ---- signals ---- */

static gboolean
on_winch(gpointer user_data)
{
    struct winsize size;

    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_row > 0 && size.ws_col > 0)
        resizeterm(size.ws_row, size.ws_col);
    tui_screen_redraw_all(screen.app);
    return G_SOURCE_CONTINUE;
}

static gboolean
on_quit_signal(gpointer user_data)
{
    int sig = GPOINTER_TO_INT(user_data);

    tui_app_quit(screen.app, 128 + sig, NULL);
    return G_SOURCE_CONTINUE;
}

static void
define_keys(void)
{
    static const struct {
        const char *sequence;
        int code;
    } keys[] = {
        { "\033[200~", CODE_PASTE_START },
        { "\033[201~", CODE_PASTE_END },
        { "\033[1;5A", CODE_CTRL_UP },
        { "\033[1;5B", CODE_CTRL_DOWN },
        { "\033[1;5D", CODE_CTRL_LEFT },
        { "\033[1;5C", CODE_CTRL_RIGHT },
        { "\033Oa", CODE_CTRL_UP },
        { "\033Ob", CODE_CTRL_DOWN },
        { "\033Od", CODE_CTRL_LEFT },
        { "\033Oc", CODE_CTRL_RIGHT },
        { "\033[Z", KEY_BTAB },
    };

    for (guint i = 0; i < G_N_ELEMENTS(keys); i++)
        define_key(keys[i].sequence, keys[i].code);
}

gboolean
tui_screen_start(TuiApp *app, gboolean bracketed_paste, GError **error)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        g_set_error_literal(error, LV_ERROR, LV_ERROR_INVALID_ARGUMENT,
                            "libervia-tui needs a terminal (standard input and output)");
        return FALSE;
    }
    screen.app = app;
    screen.bracketed_paste = bracketed_paste;
    screen.saved_ok = tcgetattr(STDIN_FILENO, &screen.saved) == 0;
    screen.sources[1] = g_unix_signal_add(SIGWINCH, on_winch, NULL);
    screen.sources[2] = g_unix_signal_add(SIGTERM, on_quit_signal, GINT_TO_POINTER(SIGTERM));
    screen.sources[3] = g_unix_signal_add(SIGINT, on_quit_signal, GINT_TO_POINTER(SIGINT));
    screen.sources[4] = g_unix_signal_add(SIGHUP, on_quit_signal, GINT_TO_POINTER(SIGHUP));
    if (initscr() == NULL) {
        g_set_error_literal(error, LV_ERROR, LV_ERROR_INVALID_ARGUMENT,
                            "the terminal could not be set up (is TERM right?)");
        return FALSE;
    }
    screen.started = TRUE;
    raw();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25);
    define_keys();
    tui_screen_init_colors();
    prepare_restore();
    install_crash_handlers();
    if (bracketed_paste) {
        fputs(PASTE_ON, stdout);
        fflush(stdout);
    }
    screen.sources[0] = g_unix_fd_add(STDIN_FILENO, G_IO_IN | G_IO_HUP | G_IO_ERR, on_stdin, NULL);
    app->screen = &ops;
    tui_screen_draw(app);
    return TRUE;
}

void
tui_screen_stop(void)
{
    for (guint i = 0; i < G_N_ELEMENTS(screen.sources); i++) {
        if (screen.sources[i] != 0)
            g_source_remove(screen.sources[i]);
        screen.sources[i] = 0;
    }
    if (screen.idle != 0)
        g_source_remove(screen.idle);
    screen.idle = 0;
    if (!screen.started)
        return;
    screen.started = FALSE;
    if (screen.app != NULL)
        screen.app->screen = NULL;
    curs_set(1);
    endwin();
    if (screen.bracketed_paste) {
        fputs(PASTE_OFF, stdout);
        fflush(stdout);
    }
    if (screen.saved_ok)
        tcsetattr(STDIN_FILENO, TCSANOW, &screen.saved);
    for (guint i = 0; i < G_N_ELEMENTS(crash_signals); i++)
        signal(crash_signals[i], SIG_DFL);
}
