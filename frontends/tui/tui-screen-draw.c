/* tui-screen-draw: draws the app's state on stdscr: the title bar, the contact
 * list, the chat, the occupants of a room, the status line and the input line;
 * or the profile chooser, a prompt, or what the start waits for. Every text from
 * elsewhere is sanitised and cut to its columns here (tui-text), so nothing it
 * draws wraps or moves the cursor on its own. Works without colours. */
#include <string.h>

#include <curses.h>

#include "tui-screen.h"
#include "tui-text.h"

enum {
    PAIR_ONLINE = 1,
    PAIR_AWAY,
    PAIR_DND,
    PAIR_OWN,
    PAIR_INFO,
};

static gboolean colors;

void
tui_screen_init_colors(void)
{
    if (!has_colors())
        return;
    start_color();
    use_default_colors();
    init_pair(PAIR_ONLINE, COLOR_GREEN, -1);
    init_pair(PAIR_AWAY, COLOR_YELLOW, -1);
    init_pair(PAIR_DND, COLOR_RED, -1);
    init_pair(PAIR_OWN, COLOR_CYAN, -1);
    init_pair(PAIR_INFO, COLOR_MAGENTA, -1);
    colors = TRUE;
}

static attr_t
color(int pair)
{
    return colors ? COLOR_PAIR(pair) : A_NORMAL;
}

/* Draws sanitised @text at @y,@x in exactly @width columns. */
static void
put(int y, int x, guint width, const char *text, attr_t attr)
{
    g_autofree char *fitted = tui_text_fit(text, width);

    if (width == 0)
        return;
    attrset(attr);
    mvaddstr(y, x, fitted);
    attrset(A_NORMAL);
}

/* Draws network @text (sanitised here). */
static void
put_raw(int y, int x, guint width, const char *text, attr_t attr)
{
    g_autofree char *clean = tui_text_sanitize(text, TUI_TEXT_FLAGS_NONE);

    put(y, x, width, clean, attr);
}

static void
draw_centered(int y, const char *text, attr_t attr)
{
    guint width = tui_text_width(text);
    int x = width < (guint)COLS ? (COLS - (int)width) / 2 : 0;

    put(y, x, MIN(width, (guint)COLS), text, attr);
}

static void
draw_starting(TuiApp *app)
{
    draw_centered(LINES / 2 - 1, "Libervia", A_BOLD);
    draw_centered(LINES / 2 + 1, app->starting_text, A_NORMAL);
    draw_centered(LINES - 1, "ctrl x quits", A_DIM);
}

static void
draw_chooser(TuiApp *app)
{
    guint count = app->profiles != NULL ? g_strv_length(app->profiles) : 0;
    int y = 3;

    put(0, 0, (guint)COLS, " Libervia: choose a profile", A_REVERSE);
    for (guint i = 0; i <= count && y < LINES - 3; i++, y++) {
        g_autofree char *label = i < count ? tui_text_sanitize(app->profiles[i], 0)
                                           : g_strdup("[ create a new profile ]");
        g_autofree char *line = g_strconcat(i == app->chooser_selected ? "> " : "  ", label, NULL);
        put(y, 2, (guint)MAX(COLS - 4, 1), line, i == app->chooser_selected ? A_REVERSE : A_NORMAL);
    }
    if (app->prompt_error != NULL)
        put_raw(LINES - 3, 2, (guint)MAX(COLS - 4, 1), app->prompt_error, A_BOLD);
    put(LINES - 1, 0, (guint)COLS, " up/down: choose  Enter: use  ctrl x: quit", A_REVERSE);
}

static void
draw_prompt(TuiApp *app)
{
    guint cursor = 0;
    guint width = (guint)MAX(COLS - 6, 2);
    g_autofree char *visible =
            tui_input_dup_visible(app->input, width, tui_profile_prompt_secret(app), &cursor);
    g_autofree char *title = g_strdup_printf(
            " Libervia: %s", app->profile != NULL && app->prompt == TUI_PROMPT_PASSWORD
                                     ? app->profile
                                     : "new profile");
    int y = LINES / 2;

    put_raw(0, 0, (guint)COLS, title, A_REVERSE);
    put(y - 2, 3, width, tui_profile_prompt_label(app), A_BOLD);
    put(y, 3, width, visible, A_UNDERLINE);
    if (app->prompt_error != NULL)
        put_raw(y + 2, 3, width, app->prompt_error, A_BOLD);
    put(LINES - 1, 0, (guint)COLS, " Enter: confirm  Esc: back  ctrl x: quit", A_REVERSE);
    move(y, 3 + (int)cursor);
}

/* ---- main screen ---- */

typedef struct {
    int list_width; /* 0 when hidden */
    int chat_x;
    int chat_width;
    int occupants_x; /* 0 when none */
    int occupants_width;
    int top;    /* first line of the panes */
    int height; /* lines of the panes */
} Layout;

static Layout
layout_of(TuiApp *app)
{
    Layout l = { 0 };
    gboolean occupants = app->current != NULL && tui_chat_is_room(app->current) &&
                         !app->occupants_hidden && COLS >= 60;

    l.top = 1;
    l.height = MAX(LINES - 3, 1);
    l.list_width = app->contacts_hidden ? 0 : CLAMP(COLS / 4, 12, 30);
    l.chat_x = l.list_width > 0 ? l.list_width + 1 : 0;
    l.occupants_width = occupants ? 16 : 0;
    l.chat_width = COLS - l.chat_x - (occupants ? l.occupants_width + 1 : 0);
    l.occupants_x = occupants ? COLS - l.occupants_width : 0;
    return l;
}

static attr_t
show_attr(const char *show)
{
    if (show == NULL)
        return A_DIM;
    if (g_str_equal(show, "away") || g_str_equal(show, "xa"))
        return color(PAIR_AWAY);
    if (g_str_equal(show, "dnd"))
        return color(PAIR_DND);
    return color(PAIR_ONLINE);
}

static void
draw_contacts(TuiApp *app, const Layout *l)
{
    g_autoptr(GPtrArray) rows = tui_app_dup_rows(app);
    guint first = 0;

    if (app->list_selected >= rows->len)
        app->list_selected = rows->len > 1 ? 1 : 0;
    /* Keep the selected row visible. */
    if (app->list_selected >= (guint)l->height)
        first = app->list_selected - (guint)l->height + 1;
    for (int y = 0; y < l->height; y++) {
        guint i = first + (guint)y;
        if (i >= rows->len)
            break;
        TuiRosterRow *row = rows->pdata[i];
        g_autofree char *label = tui_text_sanitize(row->label, TUI_TEXT_FLAGS_NONE);
        g_autofree char *text = NULL;
        attr_t attr = A_NORMAL;
        if (row->kind == TUI_ROW_GROUP) {
            text = g_strdup(label);
            attr = A_BOLD;
        } else {
            g_autofree char *unread =
                    row->unread > 0 ? g_strdup_printf(" (%u)", row->unread) : g_strdup("");
            g_autofree char *name = tui_text_truncate(
                    label, (guint)MAX(l->list_width - 2 - (int)tui_text_width(unread), 1));
            text = g_strconcat(tui_roster_show_mark(row->show), " ", name, unread, NULL);
            attr = show_attr(row->kind == TUI_ROW_ROOM ? "" : row->show);
            if (row->unread > 0)
                attr |= A_BOLD;
        }
        if (i == app->list_selected && row->kind != TUI_ROW_GROUP)
            attr = app->focus == TUI_FOCUS_CONTACTS ? A_REVERSE : A_UNDERLINE;
        put(l->top + y, 0, (guint)l->list_width, text, attr);
    }
    attrset(A_NORMAL);
    mvvline(l->top, l->list_width, ACS_VLINE, l->height);
}

static void
draw_chat(TuiApp *app, const Layout *l)
{
    TuiChat *chat = app->current;

    if (chat == NULL) {
        put(l->top + 1, l->chat_x + 1, (guint)MAX(l->chat_width - 2, 1),
            "Choose a contact (up/down, Enter), or :help", A_DIM);
        return;
    }
    g_autoptr(GPtrArray) lines =
            tui_chat_dup_lines(chat, (guint)MAX(l->chat_width, 12), !app->timestamps_hidden);
    guint max_scroll = lines->len > (guint)l->height ? lines->len - (guint)l->height : 0;
    if (tui_chat_get_scroll(chat) > max_scroll)
        tui_chat_scroll(chat, (gint)max_scroll - (gint)tui_chat_get_scroll(chat));
    guint end = lines->len - tui_chat_get_scroll(chat);
    guint start = end > (guint)l->height ? end - (guint)l->height : 0;
    int y = l->top;
    if (start == 0 && tui_chat_get_loading(chat) && y < l->top + l->height)
        put(y++, l->chat_x, (guint)l->chat_width, "  … loading older messages", A_DIM);
    for (guint i = start; i < end && y < l->top + l->height; i++, y++)
        put(y, l->chat_x, (guint)l->chat_width, lines->pdata[i], A_NORMAL);
}

static void
draw_occupants(TuiApp *app, const Layout *l)
{
    g_autoptr(GPtrArray) nicks = tui_chat_dup_occupants(app->current);

    mvvline(l->top, l->occupants_x - 1, ACS_VLINE, l->height);
    for (int y = 0; y < l->height && (guint)y < nicks->len; y++) {
        const char *nick = nicks->pdata[y];
        attr_t attr =
                g_str_equal(nick, tui_chat_get_nick(app->current)) ? color(PAIR_OWN) : A_NORMAL;
        if (app->focus == TUI_FOCUS_OCCUPANTS && y == 0)
            attr |= A_UNDERLINE;
        put_raw(l->top + y, l->occupants_x, (guint)l->occupants_width, nick, attr);
    }
}

static void
draw_title(TuiApp *app)
{
    g_autofree char *title = NULL;
    TuiChat *chat = app->current;

    if (chat == NULL || chat == app->help)
        title = g_strdup_printf(" Libervia · %s", app->own_jid != NULL ? app->own_jid : "");
    else if (tui_chat_is_room(chat))
        title = g_strdup_printf(" %s · %s", tui_chat_get_jid(chat), tui_chat_get_subject(chat));
    else if (tui_chat_get_chat_state(chat)[0] != '\0' &&
             !g_str_equal(tui_chat_get_chat_state(chat), "active"))
        title = g_strdup_printf(" %s (%s)", tui_chat_get_jid(chat), tui_chat_get_chat_state(chat));
    else
        title = g_strdup_printf(" %s", tui_chat_get_jid(chat));
    put_raw(0, 0, (guint)COLS, title, A_REVERSE);
}

static guint
total_unread(TuiApp *app)
{
    GHashTableIter iter;
    TuiChat *chat = NULL;
    guint total = 0;

    g_hash_table_iter_init(&iter, app->chats);
    while (g_hash_table_iter_next(&iter, NULL, (gpointer *)&chat))
        total += tui_chat_get_unread(chat);
    return total;
}

static void
draw_status(TuiApp *app)
{
    static const char *const focus_names[] = { "contacts", "chat", "occupants" };
    guint unread = total_unread(app);
    g_autofree char *unread_text =
            unread > 0 ? g_strdup_printf(" · %u unread (ctrl n)", unread) : g_strdup("");
    g_autofree char *left = g_strdup_printf(" [%s] %s%s · ", tui_app_mode_name(app->mode),
                                            focus_names[app->focus], unread_text);
    guint width = tui_text_width(left);

    put(LINES - 2, 0, (guint)COLS, left, A_REVERSE);
    if (width < (guint)COLS)
        put_raw(LINES - 2, (int)width, (guint)COLS - width, app->status != NULL ? app->status : "",
                A_REVERSE);
}

static void
draw_input(TuiApp *app)
{
    const char *prefix = app->mode == TUI_MODE_COMMAND  ? ":"
                         : app->mode == TUI_MODE_INSERT ? "> "
                                                        : "  ";
    guint prefix_width = (guint)strlen(prefix);
    guint cursor = 0;
    /* The last column stays free: writing there would scroll some terminals. */
    guint width = (guint)MAX(COLS - 1 - (int)prefix_width, 2);
    g_autofree char *visible = tui_input_dup_visible(app->input, width, FALSE, &cursor);

    put(LINES - 1, 0, prefix_width, prefix, A_BOLD);
    put(LINES - 1, (int)prefix_width, width, visible, A_NORMAL);
    move(LINES - 1, (int)(prefix_width + cursor));
}

static void
draw_main(TuiApp *app)
{
    Layout l = layout_of(app);

    tui_app_set_chat_height(app, (guint)l.height);
    app->chat_width = (guint)MAX(l.chat_width, 12);
    draw_title(app);
    if (l.list_width > 0)
        draw_contacts(app, &l);
    draw_chat(app, &l);
    if (l.occupants_x > 0)
        draw_occupants(app, &l);
    draw_status(app);
    draw_input(app);
}

void
tui_screen_draw(TuiApp *app)
{
    if (isendwin())
        return;
    erase();
    curs_set(app->phase == TUI_PHASE_MAIN || app->phase == TUI_PHASE_PROMPT ? 1 : 0);
    if (LINES < 5 || COLS < 20) {
        put(0, 0, (guint)COLS, "Libervia: the terminal is too small", A_NORMAL);
    } else {
        switch (app->phase) {
        case TUI_PHASE_STARTING:
            draw_starting(app);
            break;
        case TUI_PHASE_CHOOSER:
            draw_chooser(app);
            break;
        case TUI_PHASE_PROMPT:
            draw_prompt(app);
            break;
        case TUI_PHASE_MAIN:
            draw_main(app);
            break;
        }
    }
    refresh();
}

void
tui_screen_redraw_all(TuiApp *app)
{
    if (isendwin())
        return;
    clearok(curscr, TRUE);
    tui_screen_draw(app);
}
