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

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/li/output/safe-for-a-terminal", test_safe);
    return g_test_run();
}
