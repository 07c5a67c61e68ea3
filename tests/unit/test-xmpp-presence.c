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

static GVariant *
parse_subscription(const char *xml)
{
    xmpp_stanza_t *stanza = xmpp_stanza_new_from_string(ctx, xml);
    GVariant *subscription = NULL;

    g_assert_nonnull(stanza);
    subscription = lv_xmpp_presence_parse_subscription(stanza);
    xmpp_stanza_release(stanza);
    return subscription != NULL ? g_variant_ref_sink(subscription) : NULL;
}

static void
test_subscription(void)
{
    const char *cases[][2] = {
        { "<presence type='subscribe' from='Bob@Example.org'/>",
          "('subscribe', 'bob@example.org')" },
        /* A resource says nothing more: subscriptions are between bare JIDs. */
        { "<presence type='subscribed' from='bob@example.org/phone'/>",
          "('subscribed', 'bob@example.org')" },
        { "<presence type='unsubscribe' from='bob@example.org'><status>bye</status></presence>",
          "('unsubscribe', 'bob@example.org')" },
        { "<presence type='unsubscribed' from='example.org'/>", "('unsubscribed', 'example.org')" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GVariant) subscription = parse_subscription(cases[i][0]);
        g_assert_nonnull(subscription);
        g_autofree char *text = g_variant_print(subscription, FALSE);
        g_assert_cmpstr(text, ==, cases[i][1]);
    }
    /* The other parser leaves them alone, as before. */
    xmpp_stanza_t *stanza =
            xmpp_stanza_new_from_string(ctx, "<presence type='subscribe' from='a@b'/>");
    g_assert_null(lv_xmpp_presence_parse(stanza));
    xmpp_stanza_release(stanza);
}

static void
test_subscription_ignored(void)
{
    const char *cases[] = {
        "<presence from='a@b/c'/>", /* available */
        "<presence type='unavailable' from='a@b/c'/>",
        "<presence type='error' from='a@b'/>",
        "<presence type='probe' from='a@b'/>",
        "<presence type='Subscribe' from='a@b'/>", /* types are case-sensitive */
        "<presence type='subscribe'/>",            /* no sender */
        "<presence type='subscribe' from=''/>",
        "<presence type='subscribe' from='bad jid'/>",
        "<presence type='subscribe' from='a@b@c'/>",
        "<presence type='subscribed' from='@example.org'/>",
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GVariant) subscription = parse_subscription(cases[i]);
        if (subscription != NULL)
            g_error("%s parsed as %s", cases[i], g_variant_print(subscription, FALSE));
    }
    g_assert_true(lv_xmpp_presence_is_subscription_type("unsubscribed"));
    g_assert_false(lv_xmpp_presence_is_subscription_type("available"));
    g_assert_false(lv_xmpp_presence_is_subscription_type(NULL));
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
    g_test_add_func("/lv/xmpp/presence/subscription", test_subscription);
    g_test_add_func("/lv/xmpp/presence/subscription-ignored", test_subscription_ignored);
    int result = g_test_run();
    xmpp_ctx_free(ctx);
    xmpp_shutdown();
    return result;
}
