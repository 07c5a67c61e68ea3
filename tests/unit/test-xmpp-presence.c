/* Tests of lv-xmpp-presence: presence stanzas from and to the wire. */
#include <string.h>

#include <strophe.h>

#include "lv-xmpp-presence.h"

static xmpp_ctx_t *ctx;

static GVariant *
parse(const char *xml)
{
    xmpp_stanza_t *stanza = xmpp_stanza_new_from_string(ctx, xml);
    GVariant *update = NULL;

    g_assert_nonnull(stanza);
    update = lv_xmpp_presence_parse(stanza);
    xmpp_stanza_release(stanza);
    return update != NULL ? g_variant_ref_sink(update) : NULL;
}

static void
test_parse(void)
{
    g_autoptr(GVariant) plain = parse("<presence xml:lang='en' from='Alice@Example.org/Res'>"
                                      "<priority>50</priority>"
                                      "<x xmlns='vcard-temp:x:update'><photo/></x></presence>");
    g_autoptr(GVariant) away = parse("<presence from='a@b/c'><show>away</show>"
                                     "<priority>999</priority><status>out</status>"
                                     "<status xml:lang='fr'>dehors</status></presence>");
    g_autoptr(GVariant) gone = parse("<presence type='unavailable' from='a@b/c'/>");
    g_autoptr(GVariant) odd = parse("<presence from='a@b/c'><show>sleeping</show></presence>");

    g_assert_nonnull(plain);
    g_autofree char *plain_text = g_variant_print(plain, FALSE);
    g_assert_cmpstr(plain_text, ==, "('alice@example.org/Res', '', 50, {})");
    g_autofree char *away_text = g_variant_print(away, FALSE);
    g_assert_cmpstr(away_text, ==, "('a@b/c', 'away', 127, {'default': 'out', 'fr': 'dehors'})");
    g_autofree char *gone_text = g_variant_print(gone, FALSE);
    g_assert_cmpstr(gone_text, ==, "('a@b/c', 'unavailable', 0, {})");
    g_autofree char *odd_text = g_variant_print(odd, FALSE);
    g_assert_cmpstr(odd_text, ==, "('a@b/c', '', 0, {})");
}

static void
test_ignored(void)
{
    const char *cases[] = { "<presence type='subscribe' from='a@b'/>",
                            "<presence type='error' from='a@b'/>", "<presence/>",
                            "<presence from='bad jid'/>" };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GVariant) update = parse(cases[i]);
        g_assert_null(update);
    }
}

static void
test_build(void)
{
    g_autoptr(GVariant) statuses = g_variant_ref_sink(g_variant_new_parsed("{'default': 'hi'}"));
    xmpp_stanza_t *presence = lv_xmpp_presence_build(ctx, "a@b", "dnd", 5, statuses);
    char *xml = NULL;
    size_t length = 0;

    xmpp_stanza_to_text(presence, &xml, &length);
    g_assert_nonnull(strstr(xml, "to=\"a@b\""));
    g_assert_nonnull(strstr(xml, "<show>dnd</show>"));
    g_assert_nonnull(strstr(xml, "<priority>5</priority>"));
    g_assert_nonnull(strstr(xml, "<status>hi</status>"));
    xmpp_free(ctx, xml);
    xmpp_stanza_release(presence);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    xmpp_initialize();
    ctx = xmpp_ctx_new(NULL, NULL);
    g_test_add_func("/lv/xmpp/presence/parse", test_parse);
    g_test_add_func("/lv/xmpp/presence/ignored", test_ignored);
    g_test_add_func("/lv/xmpp/presence/build", test_build);
    int result = g_test_run();
    xmpp_ctx_free(ctx);
    xmpp_shutdown();
    return result;
}
