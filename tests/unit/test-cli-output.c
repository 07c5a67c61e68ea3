/* Tests of li-output: network text made safe for a terminal. */
#include "li-output.h"

static void
test_safe(void)
{
    const struct {
        const char *in, *out;
    } cases[] = {
        /* Octal escapes: they end after three digits. */
        { "plain text", "plain text" },
        { "tab\tkept", "tab\tkept" },
        { "esc\033[2Jclear", "esc\357\277\275[2Jclear" },
        { "csi\302\23331m", "csi\357\277\27531m" },       /* U+009B, a C1 control */
        { "rlo\342\200\256evil", "rlo\357\277\275evil" }, /* U+202E */
        { "bad\377", "bad\357\277\275" },                 /* not UTF-8 */
        { "\316\250 0.11", "\316\250 0.11" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *safe = li_output_dup_safe(cases[i].in);
        g_assert_cmpstr(safe, ==, cases[i].out);
    }
    g_autofree char *none = li_output_dup_safe(NULL);
    g_assert_cmpstr(none, ==, "");
}

/* Reliability case S15: -O json keeps the exact text, but no byte of it that a
 * terminal would obey. */
static void
test_json_escape(void)
{
    const struct {
        const char *in, *out;
    } cases[] = {
        { "{\"a\":\"plain \\u001b[31m\"}", "{\"a\":\"plain \\u001b[31m\"}" },
        { "[\"csi\302\23331m\"]", "[\"csi\\u009b31m\"]" },
        { "[\"nel\302\205 del\177\"]", "[\"nel\\u0085 del\\u007f\"]" },
        { "[\"rlo\342\200\256x\342\200\250\"]", "[\"rlo\\u202ex\\u2028\"]" },
        { "[\"\316\250 caf\303\251\"]", "[\"\316\250 caf\303\251\"]" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *escaped = li_output_json_escape(cases[i].in);
        g_assert_cmpstr(escaped, ==, cases[i].out);
        g_autoptr(JsonParser) parser = json_parser_new();
        g_autoptr(JsonParser) original = json_parser_new();
        g_assert_true(json_parser_load_from_data(parser, escaped, -1, NULL));
        g_assert_true(json_parser_load_from_data(original, cases[i].in, -1, NULL));
        g_assert_true(
                json_node_equal(json_parser_get_root(parser), json_parser_get_root(original)));
    }
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/li/output/safe-for-a-terminal", test_safe);
    g_test_add_func("/li/output/json-escaped-for-a-terminal", test_json_escape);
    return g_test_run();
}
