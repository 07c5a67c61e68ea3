/* Tests of lv-xmpp-roster: roster items from real stanzas, hostile ones included. */
#include <strophe.h>

#include "lv-xmpp-roster.h"

static xmpp_ctx_t *ctx;

static xmpp_stanza_t *
parse(const char *xml)
{
    xmpp_stanza_t *stanza = xmpp_stanza_new_from_string(ctx, xml);

    g_assert_nonnull(stanza);
    return stanza;
}

static void
test_items(void)
{
    xmpp_stanza_t *query = parse("<query xmlns='jabber:iq:roster'>"
                                 "<item jid='Bob@Example.org' name='Bob' subscription='both'>"
                                 "<group>friends</group><group>work</group></item>"
                                 "<item jid='carol@example.org' ask='subscribe'/>"
                                 "<item jid='not a jid'/>"
                                 "<item jid='dave@example.org' subscription='remove'/>"
                                 "<other/></query>");
    g_autoptr(GVariant) items = g_variant_ref_sink(lv_xmpp_roster_parse_query(query));
    const char *jid = NULL, *value = NULL;
    g_autoptr(GVariant) attributes = NULL;
    g_autoptr(GVariant) groups = NULL;

    g_assert_cmpuint(g_variant_n_children(items), ==, 3); /* the invalid JID is dropped */
    g_variant_get_child(items, 0, "(&s@a{ss}@as)", &jid, &attributes, &groups);
    g_assert_cmpstr(jid, ==, "bob@example.org");
    g_assert_true(g_variant_lookup(attributes, "to", "&s", &value));
    g_assert_cmpstr(value, ==, "True");
    g_assert_true(g_variant_lookup(attributes, "name", "&s", &value));
    g_assert_cmpstr(value, ==, "Bob");
    g_assert_cmpuint(g_variant_n_children(groups), ==, 2);
    g_clear_pointer(&attributes, g_variant_unref);
    g_clear_pointer(&groups, g_variant_unref);
    g_variant_get_child(items, 1, "(&s@a{ss}@as)", &jid, &attributes, &groups);
    g_assert_true(g_variant_lookup(attributes, "ask", "&s", &value));
    g_assert_cmpstr(value, ==, "True");
    g_assert_true(g_variant_lookup(attributes, "subscription", "&s", &value));
    g_assert_cmpstr(value, ==, "none");
    g_assert_false(g_variant_lookup(attributes, "name", "&s", &value));
    xmpp_stanza_release(query);
}

static void
test_empty_and_missing(void)
{
    g_autoptr(GVariant) none = g_variant_ref_sink(lv_xmpp_roster_parse_query(NULL));
    xmpp_stanza_t *query = parse("<query xmlns='jabber:iq:roster'/>");
    g_autoptr(GVariant) empty = g_variant_ref_sink(lv_xmpp_roster_parse_query(query));

    g_assert_cmpuint(g_variant_n_children(none), ==, 0);
    g_assert_cmpuint(g_variant_n_children(empty), ==, 0);
    xmpp_stanza_release(query);
}

static void
test_sender_check(void)
{
    g_assert_true(lv_xmpp_roster_sender_ok(NULL, "alice@example.org"));
    g_assert_true(lv_xmpp_roster_sender_ok("alice@example.org", "alice@example.org"));
    g_assert_true(lv_xmpp_roster_sender_ok("Alice@Example.org", "alice@example.org"));
    g_assert_false(lv_xmpp_roster_sender_ok("alice@example.org/phone", "alice@example.org"));
    g_assert_false(lv_xmpp_roster_sender_ok("bob@example.org", "alice@example.org"));
    g_assert_false(lv_xmpp_roster_sender_ok("example.org", "alice@example.org"));
    g_assert_false(lv_xmpp_roster_sender_ok("", "alice@example.org"));
}

static void
test_version_attribute(void)
{
    xmpp_stanza_t *query = parse("<query xmlns='jabber:iq:roster' ver='ver14'>"
                                 "<item jid='bob@example.org' subscription='both'/></query>");
    g_autoptr(GVariant) items = g_variant_ref_sink(lv_xmpp_roster_parse_query(query));

    /* The version does not get into the items: the account thread reads it apart. */
    g_assert_cmpuint(g_variant_n_children(items), ==, 1);
    g_assert_cmpstr(xmpp_stanza_get_attribute(query, "ver"), ==, "ver14");
    xmpp_stanza_release(query);
}

static void
test_features_from_log(void)
{
    gboolean versioning = FALSE;

    /* What libstrophe 0.12 logs for Prosody's features after authentication. */
    g_assert_true(lv_xmpp_roster_features_from_log(
            "RECV: <features xmlns=\"http://etherx.jabber.org/streams\"><sm "
            "xmlns=\"urn:xmpp:sm:3\">"
            "<optional/></sm><ver xmlns=\"urn:xmpp:features:rosterver\"/><bind "
            "xmlns=\"urn:ietf:params:xml:ns:xmpp-bind\"><required/></bind></features>",
            &versioning));
    g_assert_true(versioning);
    g_assert_true(lv_xmpp_roster_features_from_log(
            "RECV: <features xmlns=\"http://etherx.jabber.org/streams\"><bind "
            "xmlns=\"urn:ietf:params:xml:ns:xmpp-bind\"/></features>",
            &versioning));
    g_assert_false(versioning);
    /* Not the features of an authenticated stream, or not features at all. */
    versioning = TRUE;
    g_assert_false(lv_xmpp_roster_features_from_log(
            "RECV: <features xmlns=\"http://etherx.jabber.org/streams\"><mechanisms "
            "xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\"/></features>",
            &versioning));
    g_assert_false(lv_xmpp_roster_features_from_log(
            "RECV: <message from=\"bob@example.org\"><body>RECV: <features xmlns=\"http://"
            "etherx.jabber.org/streams\"> urn:ietf:params:xml:ns:xmpp-bind "
            "urn:xmpp:features:rosterver</body></message>",
            &versioning));
    g_assert_false(lv_xmpp_roster_features_from_log(
            "SENT: <features xmlns=\"http://etherx.jabber.org/streams\"><bind "
            "xmlns=\"urn:ietf:params:xml:ns:xmpp-bind\"/></features>",
            &versioning));
    g_assert_false(lv_xmpp_roster_features_from_log(NULL, &versioning));
    g_assert_true(versioning); /* untouched when FALSE */
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    xmpp_initialize();
    ctx = xmpp_ctx_new(NULL, NULL);
    g_test_add_func("/lv/xmpp/roster/items", test_items);
    g_test_add_func("/lv/xmpp/roster/empty-and-missing", test_empty_and_missing);
    g_test_add_func("/lv/xmpp/roster/sender-check", test_sender_check);
    g_test_add_func("/lv/xmpp/roster/version-attribute", test_version_attribute);
    g_test_add_func("/lv/xmpp/roster/features-from-log", test_features_from_log);
    int result = g_test_run();
    xmpp_ctx_free(ctx);
    xmpp_shutdown();
    return result;
}
