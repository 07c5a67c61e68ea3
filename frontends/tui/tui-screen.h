/* tui-screen: the curses side of the TUI, the only code that draws or reads the
 * terminal: tui-screen-term.c sets the terminal up and restores it (also on
 * SIGTERM, SIGINT, SIGHUP and on crash signals), reads keys from standard input
 * as a GLib source and follows SIGWINCH; tui-screen-draw.c draws the app's state. */
#pragma once

#include "tui-app.h"

G_BEGIN_DECLS

/* Takes the terminal (curses, bracketed paste when @bracketed_paste) and plugs
 * the screen into @app. FALSE when standard input/output is not a terminal. */
gboolean tui_screen_start(TuiApp *app, gboolean bracketed_paste, GError **error);
/* Gives the terminal back as it was. Safe to call twice. */
void tui_screen_stop(void);

/* The drawing operations (tui-screen-draw.c). */
void tui_screen_draw(TuiApp *app);
void tui_screen_redraw_all(TuiApp *app);
/* Starts colours when the terminal has them (after initscr). */
void tui_screen_init_colors(void);

G_END_DECLS
