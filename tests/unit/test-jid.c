/* Tests of lv-jid: RFC 7622 addresses. */
#include "lv-error.h"
#include "lv-jid.h"

static void
test_valid(void)
{
    const char *cases[][3] = {
        { "juliet@example.com", "juliet@example.com", "juliet@example.com" },
        { "Juliet@EXAMPLE.com/Balcony", "juliet@example.com/Balcony", "juliet@example.com" },
        { "example.com", "example.com", "example.com" },
        { "example.com/res/with/slash", "example.com/res/with/slash", "example.com" },
        { "juliet@example.com/foo@bar", "juliet@example.com/foo@bar", "juliet@example.com" },
        { "élise@exämple.org", "élise@exämple.org", "élise@exämple.org" },
        { "a@example.com.", "a@example.com", "a@example.com" },
        { "a@[::1]", "a@[::1]", "a@[::1]" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(LvJid) jid = lv_jid_parse(cases[i][0], &error);
        g_assert_no_error(error);
        g_autofree char *full = lv_jid_dup_string(jid);
        g_autofree char *bare = lv_jid_dup_bare(jid);
        g_assert_cmpstr(full, ==, cases[i][1]);
        g_assert_cmpstr(bare, ==, cases[i][2]);
    }
}

static void
test_invalid(void)
{
    g_autofree char *long_local = g_strnfill(1024, 'a');
    g_autofree char *too_long = g_strconcat(long_local, "@example.com", NULL);
    const char *cases[] = { "",
                            "@example.com",
                            "juliet@",
                            "juliet@example.com/",
                            "/res",
                            "a b@example.com",
                            "a\"b@example.com",
                            "a<b@example.com",
                            "a@exa mple.com",
                            "a@exa\x01mple.com",
                            "a@example.com/\x1b[31m",
                            "a@b@example.com",
                            "a@.example.com",
                            "a@example..com",
                            "a@example.com..",
                            "\xff@example.com",
                            too_long };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(LvJid) jid = lv_jid_parse(cases[i], &error);
        if (jid != NULL)
            g_test_fail_printf("'%s' was accepted", cases[i]);
        g_assert_error(error, LV_ERROR, LV_ERROR_DATA);
    }
}

/* Reliability case S11: what an RFC 7622 checker refuses beyond the basic syntax. */
static void
test_invalid_precis(void)
{
    static const char *const cases[] = {
        "example.com/",
        "a@[::1",
        "a@[::1]x",
        "a@[1.2.3.4]",
        "a\u0378@example.com", /* unassigned */
        /* a C1 control; the split ends the hex escape (parenthesised for clang's
         * -Wstring-concatenation) */
        ("a@example.com/x\xc2\x9b"
         "1"),
        "a\u202e@example.com", /* a bidi override */
        "a@exa\u2066mple.com",
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(LvJid) jid = lv_jid_parse(cases[i], &error);
        if (jid != NULL)
            g_test_fail_printf("'%s' was accepted", cases[i]);
        g_assert_error(error, LV_ERROR, LV_ERROR_DATA);
    }
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/lv/jid/parse/accepts-valid", test_valid);
    g_test_add_func("/lv/jid/parse/rejects-invalid", test_invalid);
    g_test_add_func("/lv/jid/parse/rejects-invalid-precis", test_invalid_precis);
    return g_test_run();
}
