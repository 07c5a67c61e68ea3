/* Tests of lv-xmpp-disco and friends: disco#info and disco#items results to the
 * bridge values Libervia gives, software version answers, and who may answer
 * our IQ requests. */
#include <strophe.h>

#include "lv-error.h"
#include "lv-xmpp-disco.h"
#include "lv-xmpp-info.h"
#include "lv-xmpp-iq.h"

static xmpp_ctx_t *ctx;

static xmpp_stanza_t *
parse(const char *xml)
{
    xmpp_stanza_t *stanza = xmpp_stanza_new_from_string(ctx, xml);

    g_assert_nonnull(stanza);
    return stanza;
}

static void
test_info(void)
{
    xmpp_stanza_t *query =
            parse("<query xmlns='http://jabber.org/protocol/disco#info'>"
                  "<identity category='conference' type='text' name='Lounge'/>"
                  "<identity xml:lang='fr' category='conference' type='text' name='Salon'/>"
                  "<identity category='client'/>"
                  "<identity category='pubsub' type='pep'/>"
                  "<feature var='urn:b'/><feature var='urn:a'/><feature var='urn:b'/><feature/>"
                  "<x xmlns='jabber:x:data' type='result'>"
                  "<field var='FORM_TYPE' type='hidden'><value>urn:form</value></field>"
                  "<field var='open' type='boolean' label='Open?'><value>1</value></field>"
                  "<field var='names' type='list-multi'><value>a</value><value>b</value>"
                  "<desc>Who</desc></field>"
                  "<field var='plain'/></x>"
                  "<x xmlns='jabber:x:data' type='result'><field var='k'><value>v</value>"
                  "</field></x>"
                  "<x xmlns='jabber:x:data' type='result'><field var='FORM_TYPE' type='hidden'>"
                  "<value>urn:form</value></field><field var='second'/></x>"
                  "</query>");
    g_autoptr(GVariant) info = g_variant_ref_sink(lv_xmpp_disco_parse_info(query));
    g_autofree char *text = g_variant_print(info, FALSE);

    g_assert_cmpstr(
            text, ==,
            "(['urn:b', 'urn:a'], "
            "[('conference', 'text', 'Lounge'), ('pubsub', 'pep', '')], "
            "{'urn:form': [({'type': 'boolean', 'var': 'open', 'label': 'Open?'}, ['true']), "
            "({'type': 'list-multi', 'var': 'names', 'desc': 'Who'}, ['a', 'b']), "
            "({'type': 'text-single', 'var': 'plain'}, [])], "
            "'': [({'type': 'text-single', 'var': 'k'}, ['v'])]})");
    g_assert_true(g_variant_is_of_type(info, G_VARIANT_TYPE(LV_XMPP_DISCO_INFO_TYPE)));
    xmpp_stanza_release(query);

    g_autoptr(GVariant) empty = g_variant_ref_sink(lv_xmpp_disco_parse_info(NULL));
    g_autofree char *empty_text = g_variant_print(empty, TRUE);
    g_assert_cmpstr(empty_text, ==, "(@as [], @a(sss) [], @a{sa(a{ss}as)} {})");
}

static void
test_items(void)
{
    xmpp_stanza_t *query = parse("<query xmlns='http://jabber.org/protocol/disco#items'>"
                                 "<item jid='Conference.Example.org' name='Rooms'/>"
                                 "<item jid='pubsub.example.org' node='news'/>"
                                 "<item jid='not a jid'/><item/><other jid='x.org'/></query>");
    g_autoptr(GVariant) items = g_variant_ref_sink(lv_xmpp_disco_parse_items(query));
    g_autofree char *text = g_variant_print(items, FALSE);

    g_assert_cmpstr(
            text, ==,
            "[('conference.example.org', '', 'Rooms'), ('pubsub.example.org', 'news', '')]");
    xmpp_stanza_release(query);
}

static void
test_matches(void)
{
    g_autoptr(GVariant) info = g_variant_ref_sink(g_variant_new_parsed(
            "(['urn:a', 'urn:b'], [('client', 'pc', 'X'), ('pubsub', 'pep', '')], "
            "@a{sa(a{ss}as)} {})"));
    const char *const both[] = { "urn:a", "urn:b", NULL };
    const char *const missing[] = { "urn:a", "urn:c", NULL };
    g_autoptr(GVariant) client = g_variant_ref_sink(g_variant_new_parsed("[('client', 'pc')]"));
    g_autoptr(GVariant) server = g_variant_ref_sink(g_variant_new_parsed("[('server', 'im')]"));

    g_assert_true(lv_xmpp_disco_info_matches(info, both, NULL));
    g_assert_false(lv_xmpp_disco_info_matches(info, missing, NULL));
    g_assert_true(lv_xmpp_disco_info_matches(info, NULL, client));
    g_assert_false(lv_xmpp_disco_info_matches(info, both, server));
    g_autoptr(GVariant) identities = lv_xmpp_disco_info_identities(info);
    g_assert_cmpuint(g_variant_n_children(identities), ==, 2);
}

static void
test_version(void)
{
    xmpp_stanza_t *full = parse("<query xmlns='jabber:iq:version'><name>Prosody</name>"
                                "<version>0.12.3</version><os>Linux</os></query>");
    xmpp_stanza_t *partial = parse("<query xmlns='jabber:iq:version'><name>Bot</name></query>");
    g_autoptr(GVariant) a = g_variant_ref_sink(lv_xmpp_info_parse_version(full));
    g_autoptr(GVariant) b = g_variant_ref_sink(lv_xmpp_info_parse_version(partial));
    g_autoptr(GVariant) c = g_variant_ref_sink(lv_xmpp_info_parse_version(NULL));
    g_autofree char *a_text = g_variant_print(a, FALSE);
    g_autofree char *b_text = g_variant_print(b, FALSE);
    g_autofree char *c_text = g_variant_print(c, FALSE);

    g_assert_cmpstr(a_text, ==, "('Prosody', '0.12.3', 'Linux')");
    g_assert_cmpstr(b_text, ==, "('Bot', '', '')");
    g_assert_cmpstr(c_text, ==, "('', '', '')");
    xmpp_stanza_release(full);
    xmpp_stanza_release(partial);
}

/* A reply counts only from the entity asked: a disco reply forged by a third
 * party with the id of our request is not one. */
static void
test_reply_sender(void)
{
    const char *own = "alice@example.org";

    /* Asked an entity: only that entity, compared as JIDs. */
    g_assert_true(
            lv_xmpp_iq_reply_sender_ok("bob@example.org/phone", "bob@example.org/phone", own));
    g_assert_true(
            lv_xmpp_iq_reply_sender_ok("Bob@Example.org/phone", "bob@example.org/phone", own));
    g_assert_false(
            lv_xmpp_iq_reply_sender_ok("mallory@example.org/x", "bob@example.org/phone", own));
    g_assert_false(
            lv_xmpp_iq_reply_sender_ok("bob@example.org/other", "bob@example.org/phone", own));
    g_assert_false(lv_xmpp_iq_reply_sender_ok("bob@example.org", "bob@example.org/phone", own));
    g_assert_false(lv_xmpp_iq_reply_sender_ok(NULL, "bob@example.org/phone", own));
    g_assert_false(lv_xmpp_iq_reply_sender_ok("not a jid", "bob@example.org/phone", own));
    g_assert_true(lv_xmpp_iq_reply_sender_ok("example.org", "example.org", own));
    g_assert_false(lv_xmpp_iq_reply_sender_ok("evil.example", "example.org", own));
    /* Asked our own account: no from, or our bare JID. */
    g_assert_true(lv_xmpp_iq_reply_sender_ok(NULL, NULL, own));
    g_assert_true(lv_xmpp_iq_reply_sender_ok(own, NULL, own));
    g_assert_true(lv_xmpp_iq_reply_sender_ok(NULL, own, own));
    g_assert_false(lv_xmpp_iq_reply_sender_ok("alice@example.org/other", NULL, own));
    g_assert_false(lv_xmpp_iq_reply_sender_ok("example.org", NULL, own));
}

static void
test_error_code(void)
{
    const char *const absent[] = { "item-not-found", "service-unavailable",
                                   "remote-server-not-found", "recipient-unavailable" };
    const char *const other[] = { "forbidden", "not-allowed", "bad-request",
                                  "undefined-condition" };

    for (gsize i = 0; i < G_N_ELEMENTS(absent); i++)
        g_assert_cmpint(lv_xmpp_iq_error_code(absent[i]), ==, LV_ERROR_NOT_FOUND);
    for (gsize i = 0; i < G_N_ELEMENTS(other); i++)
        g_assert_cmpint(lv_xmpp_iq_error_code(other[i]), ==, LV_ERROR_EXTERNAL_REQUEST);
    xmpp_stanza_t *reply =
            parse("<iq type='error'><error type='cancel'><text "
                  "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>why</text><item-not-found "
                  "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>");
    g_assert_cmpstr(lv_xmpp_iq_error_condition(reply), ==, "item-not-found");
    xmpp_stanza_release(reply);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    xmpp_initialize();
    ctx = xmpp_ctx_new(NULL, NULL);
    g_test_add_func("/lv/xmpp/disco/info/to-bridge-tuple", test_info);
    g_test_add_func("/lv/xmpp/disco/items/skips-invalid-jids", test_items);
    g_test_add_func("/lv/xmpp/disco/info/matches-features-and-identities", test_matches);
    g_test_add_func("/lv/xmpp/info/version/parse", test_version);
    g_test_add_func("/lv/xmpp/iq/reply/only-from-the-entity-asked", test_reply_sender);
    g_test_add_func("/lv/xmpp/iq/reply/error-codes", test_error_code);
    int result = g_test_run();
    xmpp_ctx_free(ctx);
    xmpp_shutdown();
    return result;
}
