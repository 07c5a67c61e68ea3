/* tui-text: text from the network made safe and measurable for a terminal.
 *
 * Everything the TUI draws that it did not write itself goes through
 * tui_text_sanitize() first: control characters become visible (`^[`, `^?`,
 * `<U+009B>` for C1), bidirectional overrides and isolates are shown as their code
 * instead of acting, runs of combining marks are capped, invalid UTF-8 becomes
 * U+FFFD. What comes out is printable UTF-8 whose width tui_text_width() knows
 * (wcwidth, so the locale must be a UTF-8 one). No curses here.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
    TUI_TEXT_FLAGS_NONE = 0,
    TUI_TEXT_KEEP_NEWLINES = 1 << 0, /* "\n" kept (a message body); else shown as ^J */
} TuiTextFlags;

/* At most this many combining marks are kept on one base character. */
#define TUI_TEXT_MAX_COMBINING 4

/* @text (any bytes, NUL-terminated) as printable UTF-8 (transfer full). */
char *tui_text_sanitize(const char *text, TuiTextFlags flags);

/* Columns taken by sanitised @text (no newlines). */
guint tui_text_width(const char *text);

/* The longest prefix of sanitised @text that fits in @width columns, with "…"
 * at the end when something was cut (transfer full). */
char *tui_text_truncate(const char *text, guint width);

/* @text padded with spaces, or truncated, to exactly @width columns (transfer full). */
char *tui_text_fit(const char *text, guint width);

/* Sanitised @text (newlines allowed) cut into lines of at most @width columns,
 * at spaces where possible; never splits a character (transfer full, an array
 * of char*). */
GPtrArray *tui_text_wrap(const char *text, guint width);

G_END_DECLS
