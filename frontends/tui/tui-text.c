/* tui-text: the sanitiser and the width arithmetic of the TUI (see tui-text.h).
 * Reliability case S15: nothing received may move the cursor, change colours,
 * reorder the line (bidi) or overwrite it (carriage return). */
#include "tui-text.h"

#include <string.h>
#include <wchar.h>

/* Characters that change the direction of what follows: neutralised by showing
 * their code (Unicode 15, bidi_class LRE RLE PDF LRO RLO LRI RLI FSI PDI, and
 * the marks LRM RLM ALM). */
static gboolean
is_bidi_control(gunichar c)
{
    return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0x200e ||
           c == 0x200f || c == 0x061c;
}

/* Characters shown as <U+XXXX>: C1 controls, bidi controls, line and paragraph
 * separators (they would start a line the layout does not know), and what the C
 * library cannot print (unassigned, surrogates). */
static gboolean
shown_as_code(gunichar c)
{
    if ((c >= 0x80 && c <= 0x9f) || is_bidi_control(c) || c == 0x2028 || c == 0x2029)
        return TRUE;
    return wcwidth((wchar_t)c) < 0;
}

static void
append_c0(GString *out, gunichar c)
{
    g_string_append_c(out, '^');
    g_string_append_c(out, c == 0x7f ? '?' : (char)(c + '@'));
}

char *
tui_text_sanitize(const char *text, TuiTextFlags flags)
{
    GString *out = g_string_sized_new(text != NULL ? strlen(text) : 0);
    const char *p = text != NULL ? text : "";
    guint combining = 0;
    gboolean have_base = FALSE;

    while (*p != '\0') {
        gunichar c = g_utf8_get_char_validated(p, -1);
        if (c == (gunichar)-1 || c == (gunichar)-2) {
            /* One invalid byte at a time, so that what follows is still read. */
            g_string_append(out, "\xef\xbf\xbd");
            p++;
            have_base = TRUE;
            combining = 0;
            continue;
        }
        p = g_utf8_next_char(p);
        if (c == '\n' && (flags & TUI_TEXT_KEEP_NEWLINES)) {
            g_string_append_c(out, '\n');
            have_base = FALSE;
            combining = 0;
        } else if (c == '\t') {
            g_string_append(out, "    ");
            have_base = TRUE;
            combining = 0;
        } else if (c < 0x20 || c == 0x7f) {
            append_c0(out, c);
            have_base = TRUE;
            combining = 0;
        } else if (shown_as_code(c)) {
            g_string_append_printf(out, "<U+%04X>", c);
            have_base = TRUE;
            combining = 0;
        } else if (wcwidth((wchar_t)c) == 0) {
            /* A combining mark needs a base, and a pile of them (Zalgo text) would
             * draw over the lines around it in some terminals. */
            if (!have_base) {
                g_string_append_c(out, ' ');
                have_base = TRUE;
            }
            if (++combining <= TUI_TEXT_MAX_COMBINING)
                g_string_append_unichar(out, c);
        } else {
            g_string_append_unichar(out, c);
            have_base = TRUE;
            combining = 0;
        }
    }
    return g_string_free(out, FALSE);
}

static guint
char_width(gunichar c)
{
    int w = wcwidth((wchar_t)c);

    return w < 0 ? 1 : (guint)w;
}

guint
tui_text_width(const char *text)
{
    guint width = 0;

    for (const char *p = text; *p != '\0'; p = g_utf8_next_char(p))
        width += char_width(g_utf8_get_char(p));
    return width;
}

/* Bytes of @text that fit in @width columns (combining marks stay with their base). */
static gsize
fitting_bytes(const char *text, guint width, guint *used)
{
    const char *p = text;
    guint w = 0;

    while (*p != '\0' && *p != '\n') {
        guint cw = char_width(g_utf8_get_char(p));
        if (w + cw > width)
            break;
        w += cw;
        p = g_utf8_next_char(p);
    }
    if (used != NULL)
        *used = w;
    return (gsize)(p - text);
}

char *
tui_text_truncate(const char *text, guint width)
{
    if (tui_text_width(text) <= width)
        return g_strdup(text);
    if (width == 0)
        return g_strdup("");
    g_autofree char *head = g_strndup(text, fitting_bytes(text, width - 1, NULL));
    return g_strconcat(head, "…", NULL);
}

char *
tui_text_fit(const char *text, guint width)
{
    g_autofree char *cut = tui_text_truncate(text, width);
    guint w = tui_text_width(cut);
    GString *out = g_string_new(cut);

    for (; w < width; w++)
        g_string_append_c(out, ' ');
    return g_string_free(out, FALSE);
}

/* Appends the lines of one paragraph (no newline) of @text to @lines. */
static void
wrap_paragraph(GPtrArray *lines, const char *text, gsize len, guint width)
{
    const char *p = text;
    const char *end = text + len;

    if (len == 0) {
        g_ptr_array_add(lines, g_strdup(""));
        return;
    }
    while (p < end) {
        g_autofree char *rest = g_strndup(p, (gsize)(end - p));
        gsize n = fitting_bytes(rest, width, NULL);
        if (n == 0) /* a character wider than the line: take it alone */
            n = (gsize)(g_utf8_next_char(rest) - rest);
        if (rest[n] != '\0') {
            /* Break after the last space of the piece when there is one. */
            const char *space = g_strrstr_len(rest, (gssize)n, " ");
            if (space != NULL && space > rest)
                n = (gsize)(space - rest) + 1;
        }
        g_ptr_array_add(lines, g_strchomp(g_strndup(rest, n)));
        p += n;
    }
}

GPtrArray *
tui_text_wrap(const char *text, guint width)
{
    GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
    const char *p = text;

    if (width == 0)
        width = 1;
    for (;;) {
        const char *nl = strchr(p, '\n');
        gsize len = nl != NULL ? (gsize)(nl - p) : strlen(p);
        wrap_paragraph(lines, p, len, width);
        if (nl == NULL)
            break;
        p = nl + 1;
    }
    return lines;
}
