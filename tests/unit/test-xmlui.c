/* Tests of lv-xmlui: the note dialogs of actionNew. */
#include <string.h>

#include "lv-error.h"
#include "lv-xmlui.h"

static void
test_round_trip(void)
{
    /* Markup in the text must stay text: a path or a server message may hold any. */
    g_autofree char *xml = lv_xmlui_note_new("Disk <full>", "a & b < c \"d\"", "error");
    g_autofree char *title = NULL, *message = NULL, *level = NULL;
    g_autoptr(GError) error = NULL;

    g_assert_true(g_str_has_prefix(xml, "<?xml version=\"1.0\" ?>\n<sat_xmlui type=\"dialog\""));
    g_assert_true(lv_xmlui_note_parse(xml, &title, &message, &level, &error));
    g_assert_no_error(error);
    g_assert_cmpstr(title, ==, "Disk <full>");
    g_assert_cmpstr(message, ==, "a & b < c \"d\"");
    g_assert_cmpstr(level, ==, "error");
}

static void
test_no_title(void)
{
    g_autofree char *xml = lv_xmlui_note_new(NULL, "hello", LV_XMLUI_LEVEL_INFO);
    g_autofree char *title = NULL, *message = NULL, *level = NULL;

    g_assert_null(strstr(xml, "title="));
    g_assert_true(lv_xmlui_note_parse(xml, &title, &message, &level, NULL));
    g_assert_cmpstr(title, ==, "");
    g_assert_cmpstr(message, ==, "hello");
    g_assert_cmpstr(level, ==, "info");
}

static void
test_rejects(void)
{
    const char *cases[] = {
        "",
        "<sat_xmlui type=\"window\"><dialog type=\"note\"><message>x</message></dialog>"
        "</sat_xmlui>",
        "<sat_xmlui type=\"dialog\"><dialog type=\"confirm\"><message>x</message></dialog>"
        "</sat_xmlui>",
        "<sat_xmlui type=\"dialog\"><dialog type=\"note\"><message>x</message>",
        "not xml at all",
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *title = NULL, *message = NULL, *level = NULL;
        g_autoptr(GError) error = NULL;
        g_assert_false(lv_xmlui_note_parse(cases[i], &title, &message, &level, &error));
        g_assert_error(error, LV_ERROR, LV_ERROR_DATA);
        g_assert_null(message);
    }
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/lv/xmlui/note/round-trip-escapes-markup", test_round_trip);
    g_test_add_func("/lv/xmlui/note/without-title", test_no_title);
    g_test_add_func("/lv/xmlui/note/rejects-what-is-not-a-note", test_rejects);
    return g_test_run();
}
