/* Tests of lv-file-name: names from the network never leave their directory,
 * hide, carry controls or exceed the length limit. */
#include <string.h>

#include "lv-file-name.h"

static void
check(const char *name, const char *expected)
{
    g_autofree char *clean = lv_file_name_sanitise(name, "download");

    g_assert_cmpstr(clean, ==, expected);
}

static void
test_traversal(void)
{
    check("../../etc/passwd", "passwd");
    check("/etc/passwd", "passwd");
    check("..\\..\\boot.ini", "boot.ini");
    check("..", "download");
    check("../", "download");
    check("a/..", "download");
    check("", "download");
    check(NULL, "download");
}

static void
test_controls_and_dots(void)
{
    check("evil\x01na\x1bme\x7f.txt", "evilname.txt");
    check("c1\xc2\x9b"
          "31m.txt",
          "c131m.txt");                              /* U+009B CSI */
    check("bidi\xe2\x80\xaetxt.exe", "biditxt.exe"); /* U+202E RLO */
    check(".hidden", "hidden");
    check(" . .profile", "profile");
    check("trailing. . ", "trailing");
    check("bad\xff utf8", "bad\xef\xbf\xbd utf8");
    check("normal name (1).tar.gz", "normal name (1).tar.gz");
}

static void
test_length(void)
{
    g_autoptr(GString) name = g_string_new(NULL);

    for (int i = 0; i < 300; i++)
        g_string_append(name, "\xc3\xa9"); /* é, two bytes: a cut must not split one */
    g_string_append(name, ".jpeg");
    g_autofree char *clean = lv_file_name_sanitise(name->str, "download");
    g_assert_cmpuint(strlen(clean), <=, LV_FILE_NAME_MAX);
    g_assert_true(g_str_has_suffix(clean, "\xc3\xa9.jpeg"));
    g_assert_true(g_utf8_validate(clean, -1, NULL));
}

static void
test_from_url(void)
{
    g_autofree char *a = lv_file_name_from_url("https://h/s/a%20b.txt?x=1#f", "download");
    g_autofree char *b = lv_file_name_from_url("https://h/..%2F..%2Fescape", "download");
    g_autofree char *c = lv_file_name_from_url("https://h/", "download");
    g_autofree char *d = lv_file_name_from_url("not a url", "download");
    g_autofree char *e = lv_file_name_from_url("https://h/nul%00byte", "download");

    g_assert_cmpstr(a, ==, "a b.txt");
    g_assert_cmpstr(b, ==, "escape");
    g_assert_cmpstr(c, ==, "download");
    g_assert_cmpstr(d, ==, "download");
    g_assert_cmpstr(e, ==, "download");
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/lv/file-name/traversal", test_traversal);
    g_test_add_func("/lv/file-name/controls-and-dots", test_controls_and_dots);
    g_test_add_func("/lv/file-name/length", test_length);
    g_test_add_func("/lv/file-name/from-url", test_from_url);
    return g_test_run();
}
