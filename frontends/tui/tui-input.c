/* tui-input: the input line (see tui-input.h). The cursor is a byte offset that
 * always sits on a character boundary. */
#include "tui-input.h"

#include <string.h>

#include "tui-text.h"

#define HISTORY_MAX 100

struct _TuiInput {
    GString *text;
    gsize cursor;
    GPtrArray *history; /* char*, oldest first */
    guint history_pos;  /* history->len while editing a new line */
};

TuiInput *
tui_input_new(void)
{
    TuiInput *input = g_new0(TuiInput, 1);

    input->text = g_string_new(NULL);
    input->history = g_ptr_array_new_with_free_func(g_free);
    return input;
}

void
tui_input_free(TuiInput *input)
{
    if (input == NULL)
        return;
    tui_input_clear(input);
    g_string_free(input->text, TRUE);
    g_ptr_array_unref(input->history);
    g_free(input);
}

const char *
tui_input_get_text(TuiInput *input)
{
    return input->text->str;
}

void
tui_input_set_text(TuiInput *input, const char *text)
{
    g_string_assign(input->text, text);
    input->cursor = input->text->len;
}

void
tui_input_clear(TuiInput *input)
{
    /* The line may have held a password. */
    memset(input->text->str, 0, input->text->allocated_len);
    g_string_truncate(input->text, 0);
    input->cursor = 0;
}

void
tui_input_insert_char(TuiInput *input, gunichar c)
{
    char utf8[8] = { 0 };
    gint n = g_unichar_to_utf8(c, utf8);

    g_string_insert_len(input->text, (gssize)input->cursor, utf8, n);
    input->cursor += (gsize)n;
}

void
tui_input_insert_text(TuiInput *input, const char *text)
{
    for (const char *p = text; *p != '\0'; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char_validated(p, -1);
        if (c == (gunichar)-1 || c == (gunichar)-2)
            return;
        if (c == '\r')
            c = '\n';
        if (c == '\n' || c == '\t' || c >= 0x20)
            tui_input_insert_char(input, c);
    }
}

static gsize
prev_boundary(TuiInput *input, gsize at)
{
    if (at == 0)
        return 0;
    return (gsize)(g_utf8_find_prev_char(input->text->str, input->text->str + at) -
                   input->text->str);
}

static gsize
next_boundary(TuiInput *input, gsize at)
{
    if (at >= input->text->len)
        return input->text->len;
    return (gsize)(g_utf8_next_char(input->text->str + at) - input->text->str);
}

void
tui_input_backspace(TuiInput *input)
{
    gsize start = prev_boundary(input, input->cursor);

    g_string_erase(input->text, (gssize)start, (gssize)(input->cursor - start));
    input->cursor = start;
}

void
tui_input_delete(TuiInput *input)
{
    gsize end = next_boundary(input, input->cursor);

    g_string_erase(input->text, (gssize)input->cursor, (gssize)(end - input->cursor));
}

void
tui_input_left(TuiInput *input)
{
    input->cursor = prev_boundary(input, input->cursor);
}

void
tui_input_right(TuiInput *input)
{
    input->cursor = next_boundary(input, input->cursor);
}

void
tui_input_home(TuiInput *input)
{
    input->cursor = 0;
}

void
tui_input_end(TuiInput *input)
{
    input->cursor = input->text->len;
}

void
tui_input_delete_to_end(TuiInput *input)
{
    g_string_truncate(input->text, input->cursor);
}

/* Start of the word before the cursor (spaces before the cursor included). */
static gsize
word_start(TuiInput *input)
{
    gsize at = input->cursor;

    while (at > 0 && input->text->str[at - 1] == ' ')
        at--;
    while (at > 0 && input->text->str[at - 1] != ' ' && input->text->str[at - 1] != '\n')
        at--;
    return at;
}

void
tui_input_delete_last_word(TuiInput *input)
{
    gsize start = word_start(input);

    g_string_erase(input->text, (gssize)start, (gssize)(input->cursor - start));
    input->cursor = start;
}

char *
tui_input_dup_word_before_cursor(TuiInput *input)
{
    gsize at = input->cursor;

    while (at > 0 && input->text->str[at - 1] != ' ' && input->text->str[at - 1] != '\n')
        at--;
    return g_strndup(input->text->str + at, input->cursor - at);
}

void
tui_input_replace_word_before_cursor(TuiInput *input, const char *word)
{
    g_autofree char *old = tui_input_dup_word_before_cursor(input);
    gsize start = input->cursor - strlen(old);

    g_string_erase(input->text, (gssize)start, (gssize)strlen(old));
    g_string_insert(input->text, (gssize)start, word);
    input->cursor = start + strlen(word);
}

char *
tui_input_take(TuiInput *input)
{
    char *text = g_strdup(input->text->str);

    if (text[0] != '\0') {
        g_ptr_array_add(input->history, g_strdup(text));
        if (input->history->len > HISTORY_MAX)
            g_ptr_array_remove_index(input->history, 0);
    }
    input->history_pos = input->history->len;
    g_string_truncate(input->text, 0);
    input->cursor = 0;
    return text;
}

void
tui_input_history_prev(TuiInput *input)
{
    if (input->history_pos == 0)
        return;
    input->history_pos--;
    tui_input_set_text(input, input->history->pdata[input->history_pos]);
}

void
tui_input_history_next(TuiInput *input)
{
    if (input->history_pos >= input->history->len)
        return;
    input->history_pos++;
    tui_input_set_text(input, input->history_pos < input->history->len
                                      ? input->history->pdata[input->history_pos]
                                      : "");
}

/* The displayed form of @text: one cell string per character. */
static GPtrArray *
display_cells(const char *text, gboolean secret)
{
    GPtrArray *cells = g_ptr_array_new_with_free_func(g_free);

    for (const char *p = text; *p != '\0'; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (secret) {
            g_ptr_array_add(cells, g_strdup("*"));
        } else if (c == '\n') {
            g_ptr_array_add(cells, g_strdup("⏎"));
        } else {
            char utf8[8] = { 0 };
            g_unichar_to_utf8(c, utf8);
            g_ptr_array_add(cells, tui_text_sanitize(utf8, TUI_TEXT_FLAGS_NONE));
        }
    }
    return cells;
}

char *
tui_input_dup_visible(TuiInput *input, guint width, gboolean secret, guint *cursor_col)
{
    g_autoptr(GPtrArray) cells = display_cells(input->text->str, secret);
    guint cursor_cell = (guint)g_utf8_strlen(input->text->str, (gssize)input->cursor);
    guint first = 0;
    guint before = 0;

    if (width < 2)
        width = 2;
    /* Scroll so that the cursor (and one free cell after it) is visible. */
    for (guint i = 0; i < cursor_cell; i++)
        before += tui_text_width(cells->pdata[i]);
    while (before + 1 > width && first < cursor_cell)
        before -= tui_text_width(cells->pdata[first++]);
    GString *out = g_string_new(NULL);
    guint used = 0;
    for (guint i = first; i < cells->len; i++) {
        guint w = tui_text_width(cells->pdata[i]);
        if (used + w > width)
            break;
        g_string_append(out, cells->pdata[i]);
        used += w;
    }
    *cursor_col = before;
    return g_string_free(out, FALSE);
}
