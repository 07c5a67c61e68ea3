/* tui-input: the input line's editor: UTF-8 text with a cursor, the edit actions
 * of Libervia (home, end, delete to end, delete last word), the history of lines
 * typed, and the visible window of the line. No curses here. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _TuiInput TuiInput;

TuiInput *tui_input_new(void);
void tui_input_free(TuiInput *input);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TuiInput, tui_input_free)

/* The text (transfer none). */
const char *tui_input_get_text(TuiInput *input);
/* Replaces the text; the cursor goes to its end. */
void tui_input_set_text(TuiInput *input, const char *text);
/* The text with the cursor at its end is wiped (a password) and emptied. */
void tui_input_clear(TuiInput *input);

void tui_input_insert_char(TuiInput *input, gunichar c);
/* Inserts @text (a paste: newlines kept, other controls dropped). */
void tui_input_insert_text(TuiInput *input, const char *text);
void tui_input_backspace(TuiInput *input);
void tui_input_delete(TuiInput *input);
void tui_input_left(TuiInput *input);
void tui_input_right(TuiInput *input);
void tui_input_home(TuiInput *input);
void tui_input_end(TuiInput *input);
void tui_input_delete_to_end(TuiInput *input);
void tui_input_delete_last_word(TuiInput *input);

/* The word before the cursor (transfer full), and its replacement by @word. */
char *tui_input_dup_word_before_cursor(TuiInput *input);
void tui_input_replace_word_before_cursor(TuiInput *input, const char *word);

/* Takes the text (transfer full), empties the line and, when not empty, adds it
 * to the history. */
char *tui_input_take(TuiInput *input);
void tui_input_history_prev(TuiInput *input);
void tui_input_history_next(TuiInput *input);

/* What to draw in @width columns: the part of the line around the cursor, with
 * newlines shown as "⏎" and controls made visible, masked with '*' when @secret
 * (transfer full); @cursor_col is the cursor's column in it. */
char *tui_input_dup_visible(TuiInput *input, guint width, gboolean secret, guint *cursor_col);

G_END_DECLS
