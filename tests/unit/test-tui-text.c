/* libervia-tui's text handling (reliability case S15 and fuzz target F6 as a
 * property test): nothing from the network reaches the terminal as a control
 * character, widths follow wcwidth, wrapping never splits a character. */
#include <locale.h>
#include <string.h>

#include "tui-input.h"
#include "tui-text.h"

static void
assert_printable(const char *text)
{
    g_assert_true(g_utf8_validate(text, -1, NULL));
    for (const char *p = text; *p != '\0'; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        g_assert_false(c < 0x20 && c != '\n');
        g_assert_false(c >= 0x7f && c <= 0x9f);
        g_assert_false((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069));
    }
}

static void
test_controls_visible(void)
{
    g_autofree char *a = tui_text_sanitize("a\x1b[31mred\x07\x7f", TUI_TEXT_FLAGS_NONE);
    g_autofree char *b = tui_text_sanitize("x\xc2\x9b"
                                           "31m\xc2\x85y",
                                           TUI_TEXT_FLAGS_NONE);
    g_autofree char *c = tui_text_sanitize("over\rwrite\nline", TUI_TEXT_FLAGS_NONE);
    g_autofree char *d = tui_text_sanitize("over\rwrite\nline", TUI_TEXT_KEEP_NEWLINES);

    g_assert_cmpstr(a, ==, "a^[[31mred^G^?");
    g_assert_cmpstr(b, ==, "x<U+009B>31m<U+0085>y");
    g_assert_cmpstr(c, ==, "over^Mwrite^Jline");
    g_assert_cmpstr(d, ==, "over^Mwrite\nline");
}

static void
test_bidi_neutralised(void)
{
    g_autofree char *text = tui_text_sanitize("abc\xe2\x80\xaetxt.exe\xe2\x81\xa6x\xe2\x81\xa9",
                                              TUI_TEXT_FLAGS_NONE);

    g_assert_cmpstr(text, ==, "abc<U+202E>txt.exe<U+2066>x<U+2069>");
}

static void
test_invalid_utf8(void)
{
    g_autofree char *text = tui_text_sanitize("a\xff\xfe"
                                              "b\xc3",
                                              TUI_TEXT_FLAGS_NONE);

    g_assert_cmpstr(text, ==,
                    "a\xef\xbf\xbd\xef\xbf\xbd"
                    "b\xef\xbf\xbd");
}

static void
test_combining_capped(void)
{
    GString *zalgo = g_string_new("e");

    for (int i = 0; i < 10000; i++)
        g_string_append(zalgo, "\xcc\x81"); /* U+0301 */
    g_autofree char *text = tui_text_sanitize(zalgo->str, TUI_TEXT_FLAGS_NONE);
    g_assert_cmpuint(g_utf8_strlen(text, -1), ==, 1 + TUI_TEXT_MAX_COMBINING);
    g_assert_cmpuint(tui_text_width(text), ==, 1);
    /* A mark without a base gets one. */
    g_autofree char *lone = tui_text_sanitize("\xcc\x81", TUI_TEXT_FLAGS_NONE);
    g_assert_cmpstr(lone, ==, " \xcc\x81");
    g_string_free(zalgo, TRUE);
}

static void
test_widths(void)
{
    g_assert_cmpuint(tui_text_width("abc"), ==, 3);
    g_assert_cmpuint(tui_text_width("日本"), ==, 4);
    g_assert_cmpuint(tui_text_width("👋"), ==, 2);
    g_assert_cmpuint(tui_text_width("e\xcc\x81"), ==, 1);
    g_autofree char *cut = tui_text_truncate("日本語テキスト", 7);
    g_assert_cmpstr(cut, ==, "日本語…");
    g_autofree char *fit = tui_text_fit("日本", 5);
    g_assert_cmpstr(fit, ==, "日本 ");
    g_autofree char *odd = tui_text_fit("日本", 3);
    g_assert_cmpuint(tui_text_width(odd), ==, 3);
}

static void
test_wrap(void)
{
    g_autoptr(GPtrArray) words = tui_text_wrap("one two three four", 9);
    g_autoptr(GPtrArray) wide = tui_text_wrap("日本語日本語", 5);
    g_autoptr(GPtrArray) paragraphs = tui_text_wrap("a\n\nb", 10);

    g_assert_cmpuint(words->len, ==, 3);
    g_assert_cmpstr(words->pdata[0], ==, "one two");
    g_assert_cmpstr(words->pdata[1], ==, "three");
    g_assert_cmpstr(words->pdata[2], ==, "four");
    for (guint i = 0; i < wide->len; i++)
        g_assert_cmpuint(tui_text_width(wide->pdata[i]), <=, 5);
    g_assert_cmpuint(wide->len, ==, 3);
    g_assert_cmpuint(paragraphs->len, ==, 3);
    g_assert_cmpstr(paragraphs->pdata[1], ==, "");
}

/* F6 as a property: random bytes always come out printable, and printable text
 * comes out unchanged. */
static void
test_property(void)
{
    GRand *rand = g_rand_new_with_seed(6);

    for (int round = 0; round < 2000; round++) {
        guint8 bytes[64];
        gsize len = (gsize)g_rand_int_range(rand, 0, (gint32)sizeof(bytes));
        for (gsize i = 0; i < len; i++)
            bytes[i] = (guint8)g_rand_int_range(rand, 1, 256);
        g_autofree char *input = g_strndup((const char *)bytes, len);
        g_autofree char *out = tui_text_sanitize(input, TUI_TEXT_KEEP_NEWLINES);
        assert_printable(out);
        g_autoptr(GPtrArray) lines = tui_text_wrap(out, 7);
        for (guint i = 0; i < lines->len; i++)
            g_assert_cmpuint(tui_text_width(lines->pdata[i]), <=, 7);
    }
    const char *plain = "Hello, wörld: 日本 👋 e\xcc\x81 — ok";
    g_autofree char *same = tui_text_sanitize(plain, TUI_TEXT_FLAGS_NONE);
    g_assert_cmpstr(same, ==, plain);
    g_rand_free(rand);
}

static void
test_input_editing(void)
{
    g_autoptr(TuiInput) input = tui_input_new();

    tui_input_insert_text(input, "héllo wörld");
    tui_input_left(input);
    tui_input_backspace(input);
    g_assert_cmpstr(tui_input_get_text(input), ==, "héllo wörd");
    tui_input_delete_last_word(input);
    g_assert_cmpstr(tui_input_get_text(input), ==, "héllo d");
    tui_input_home(input);
    tui_input_insert_char(input, 0x65e5); /* 日 */
    tui_input_delete_to_end(input);
    g_assert_cmpstr(tui_input_get_text(input), ==, "日");
    tui_input_end(input);
    tui_input_insert_text(input, "a\r\nb\x1b");
    g_assert_cmpstr(tui_input_get_text(input), ==, "日a\n\nb");
    guint cursor = 0;
    g_autofree char *visible = tui_input_dup_visible(input, 20, FALSE, &cursor);
    g_assert_cmpstr(visible, ==, "日a⏎⏎b");
    g_assert_cmpuint(cursor, ==, 6);
    g_autofree char *secret = tui_input_dup_visible(input, 20, TRUE, &cursor);
    g_assert_cmpstr(secret, ==, "*****");
    g_autofree char *taken = tui_input_take(input);
    g_assert_cmpstr(taken, ==, "日a\n\nb");
    g_assert_cmpstr(tui_input_get_text(input), ==, "");
    tui_input_history_prev(input);
    g_assert_cmpstr(tui_input_get_text(input), ==, "日a\n\nb");
    tui_input_history_next(input);
    g_assert_cmpstr(tui_input_get_text(input), ==, "");
}

static void
test_input_scrolls_to_cursor(void)
{
    g_autoptr(TuiInput) input = tui_input_new();
    guint cursor = 0;

    tui_input_insert_text(input, "0123456789abcdefghij");
    g_autofree char *end = tui_input_dup_visible(input, 10, FALSE, &cursor);
    g_assert_cmpuint(cursor, <, 10);
    g_assert_true(g_str_has_suffix(end, "j"));
    tui_input_home(input);
    g_autofree char *start = tui_input_dup_visible(input, 10, FALSE, &cursor);
    g_assert_cmpstr(start, ==, "0123456789");
    g_assert_cmpuint(cursor, ==, 0);
}

int
main(int argc, char **argv)
{
    /* wcwidth needs a UTF-8 locale; C.UTF-8 is always there on Debian. */
    setlocale(LC_ALL, "C.UTF-8");
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/tui/text/controls-visible", test_controls_visible);
    g_test_add_func("/tui/text/bidi-neutralised", test_bidi_neutralised);
    g_test_add_func("/tui/text/invalid-utf8", test_invalid_utf8);
    g_test_add_func("/tui/text/combining-capped", test_combining_capped);
    g_test_add_func("/tui/text/widths", test_widths);
    g_test_add_func("/tui/text/wrap", test_wrap);
    g_test_add_func("/tui/text/property-always-printable", test_property);
    g_test_add_func("/tui/input/editing", test_input_editing);
    g_test_add_func("/tui/input/scrolls-to-cursor", test_input_scrolls_to_cursor);
    return g_test_run();
}
