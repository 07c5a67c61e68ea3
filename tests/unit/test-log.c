/* Tests of lv-log: levels and the redaction of secrets. */
#include <string.h>

#include <glib/gstdio.h>

#include "lv-log.h"

static void
test_level_parse(void)
{
    LvLogLevel level = LV_LOG_LEVEL_ERROR;

    g_assert_true(lv_log_level_parse("DEBUG", &level));
    g_assert_cmpint(level, ==, LV_LOG_LEVEL_DEBUG);
    g_assert_true(lv_log_level_parse("warning", &level));
    g_assert_cmpint(level, ==, LV_LOG_LEVEL_WARNING);
    g_assert_true(lv_log_level_parse("critical", &level));
    g_assert_cmpint(level, ==, LV_LOG_LEVEL_ERROR);
    g_assert_false(lv_log_level_parse("loud", &level));
    g_assert_false(lv_log_level_parse(NULL, &level));
}

static void
test_redacts_sasl(void)
{
    const char *sent = "SENT: <auth xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\" "
                       "mechanism=\"PLAIN\">AHVzZXIAaHVudGVyMg==</auth>";
    const char *response = "<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>Yz1iaXdz</response>"
                           "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>dj1w</success>";
    g_autofree char *a = lv_log_redact(sent);
    g_autofree char *b = lv_log_redact(response);

    g_assert_null(strstr(a, "AHVzZXIAaHVudGVyMg=="));
    g_assert_nonnull(strstr(a, ">[redacted]</auth>"));
    g_assert_null(strstr(b, "Yz1iaXdz"));
    g_assert_null(strstr(b, "dj1w"));
}

static void
test_redacts_room_password(void)
{
    g_autofree char *out = lv_log_redact("SENT: <presence to=\"r@s/me\"><x xmlns=\"http://"
                                         "jabber.org/protocol/muc\"><password>hunter2</password>"
                                         "</x></presence>");

    g_assert_null(strstr(out, "hunter2"));
    g_assert_nonnull(strstr(out, "<password>[redacted]</password>"));
}

static void
test_redacts_unterminated(void)
{
    /* A record cut in the middle of the element hides the rest. */
    g_autofree char *out = lv_log_redact("<auth mechanism='PLAIN'>AHVzZXIAaHVu");

    g_assert_cmpstr(out, ==, "<auth mechanism='PLAIN'>[redacted]");
}

static void
test_leaves_other_text(void)
{
    const char *text = "<authority>x</authority> <auth/> author: me";
    g_autofree char *out = lv_log_redact(text);

    g_assert_cmpstr(out, ==, text);
}

static void
test_writes_file_without_secret(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("lv-log-XXXXXX", &error);
    g_autofree char *path = g_build_filename(dir, "libervia.log", NULL);
    g_autofree char *text = NULL;
    GStatBuf st;

    g_assert_true(lv_log_init(LV_LOG_LEVEL_INFO, path, "false", &error));
    g_info("visible %s", "<auth mechanism='PLAIN'>c2VjcmV0</auth>");
    g_debug("hidden at info level");
    lv_log_shutdown();
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    g_assert_nonnull(strstr(text, "INFO"));
    g_assert_nonnull(strstr(text, "visible"));
    g_assert_null(strstr(text, "c2VjcmV0"));
    g_assert_null(strstr(text, "hidden"));
    g_assert_cmpint(g_stat(path, &st), ==, 0);
    g_assert_cmpint(st.st_mode & 0777, ==, 0600);
    g_unlink(path);
    g_rmdir(dir);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/lv/log/level-parse", test_level_parse);
    g_test_add_func("/lv/log/redact/sasl", test_redacts_sasl);
    g_test_add_func("/lv/log/redact/room-password", test_redacts_room_password);
    g_test_add_func("/lv/log/redact/unterminated", test_redacts_unterminated);
    g_test_add_func("/lv/log/redact/leaves-other-text", test_leaves_other_text);
    g_test_add_func("/lv/log/file/without-secret", test_writes_file_without_secret);
    return g_test_run();
}
