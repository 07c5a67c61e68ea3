/* Tests of lv-xmpp-message: what a message may claim is checked before anything is
 * stored (reliability cases S1 forged carbons, S3 MAM results nobody asked for, S5
 * invalid JIDs, S11 stanza-ids from anyone). */
#include <string.h>

#include <strophe.h>

#include "lv-error.h"
#include "lv-xmpp-expat-guard.h"
#include "lv-xmpp-message.h"

static xmpp_ctx_t *ctx;

static const LvXmppMamQuery queries[] = { { "q1", "me@example.org" }, { NULL, NULL } };
static const LvXmppMessageContext context = { "me@example.org", "me@example.org/home", TRUE,
                                              queries };

static LvXmppMessage *
parse(const char *xml, GError **error)
{
    xmpp_stanza_t *stanza = xmpp_stanza_new_from_string(ctx, xml);

    g_assert_nonnull(stanza);
    LvXmppMessage *message = lv_xmpp_message_parse(stanza, &context, error);
    xmpp_stanza_release(stanza);
    return message;
}

static char *
body(const LvXmppMessage *message, const char *lang)
{
    const char *text = NULL;

    return g_variant_lookup(message->bodies, lang, "&s", &text) ? g_strdup(text) : NULL;
}

static void
test_chat(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(LvXmppMessage) m =
            parse("<message from='Bob@Example.org/phone' to='me@example.org/home' type='chat' "
                  "id='m1'><body>hi</body><body xml:lang='fr'>salut</body>"
                  "<origin-id xmlns='urn:xmpp:sid:0' id='o1'/>"
                  "<stanza-id xmlns='urn:xmpp:sid:0' by='me@example.org' id='s1'/>"
                  "<stanza-id xmlns='urn:xmpp:sid:0' by='bob@example.org' id='forged'/>"
                  "<request xmlns='urn:xmpp:receipts'/><markable xmlns='urn:xmpp:chat-markers:0'/>"
                  "<active xmlns='http://jabber.org/protocol/chatstates'/></message>",
                  &error);

    g_assert_no_error(error);
    g_assert_cmpstr(m->from, ==, "bob@example.org/phone");
    g_assert_cmpstr(m->from_bare, ==, "bob@example.org");
    g_assert_cmpstr(m->type, ==, "chat");
    g_autofree char *plain = body(m, "");
    g_autofree char *french = body(m, "fr");
    g_assert_cmpstr(plain, ==, "hi");
    g_assert_cmpstr(french, ==, "salut");
    g_assert_cmpstr(m->origin_id, ==, "o1");
    g_assert_cmpstr(m->stanza_id, ==, "s1"); /* only our own archive's */
    g_assert_cmpstr(m->archive_jid, ==, "me@example.org");
    g_assert_true(m->want_receipt);
    g_assert_true(m->markable);
    g_assert_cmpstr(m->chat_state, ==, "active");
    g_assert_false(m->outgoing);
    g_assert_true(m->via == LV_XMPP_VIA_LIVE);
}

static void
test_forged_carbon(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(LvXmppMessage) m = parse(
            "<message from='mallory@example.org' to='me@example.org/home'>"
            "<received xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>"
            "<message from='bob@example.org/x' to='me@example.org' type='chat'><body>fake</body>"
            "</message></forwarded></received></message>",
            &error);

    g_assert_null(m);
    g_assert_error(error, LV_ERROR, LV_ERROR_PERMISSION);
}

static void
test_carbons(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(LvXmppMessage) received = parse(
            "<message from='me@example.org' to='me@example.org/home'>"
            "<received xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>"
            "<message xmlns='jabber:client' from='bob@example.org/x' to='me@example.org/work' "
            "type='chat' id='a'><body>to work</body>"
            "<stanza-id xmlns='urn:xmpp:sid:0' by='me@example.org' id='s9'/></message>"
            "</forwarded></received></message>",
            &error);
    g_assert_no_error(error);
    g_assert_true(received->via == LV_XMPP_VIA_CARBON);
    g_assert_false(received->outgoing);
    g_assert_cmpstr(received->stanza_id, ==, "s9");

    g_autoptr(LvXmppMessage) sent =
            parse("<message from='me@example.org' to='me@example.org/home'>"
                  "<sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>"
                  "<message from='me@example.org/work' to='bob@example.org' type='chat' id='b'>"
                  "<body>from work</body></message></forwarded></sent></message>",
                  &error);
    g_assert_no_error(error);
    g_assert_true(sent->outgoing);
    g_assert_cmpstr(sent->to_bare, ==, "bob@example.org");
}

/* An archive result: %s extra attributes of the wrapper, %s the query id. */
#define RESULT                                                                                     \
    "<message to='me@example.org/home'%s><result xmlns='urn:xmpp:mam:2' queryid='%s' "             \
    "id='arch1'><forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' "              \
    "stamp='2026-11-30T10:00:00Z'/><message from='bob@example.org/x' to='me@example.org' "         \
    "type='chat'><body>old</body></message></forwarded></result></message>"

static void
test_mam(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *ours = g_strdup_printf(RESULT, "", "q1");
    g_autofree char *unknown = g_strdup_printf(RESULT, "", "q2");
    g_autofree char *wrong_archive = g_strdup_printf(RESULT, " from='bob@example.org'", "q1");

    g_autoptr(LvXmppMessage) m = parse(ours, &error);
    g_assert_no_error(error);
    g_assert_true(m->via == LV_XMPP_VIA_MAM);
    g_assert_cmpstr(m->stanza_id, ==, "arch1");
    g_assert_cmpfloat(m->delay, ==, 1796032800.0);

    g_assert_null(parse(unknown, &error));
    g_assert_error(error, LV_ERROR, LV_ERROR_PERMISSION);
    g_clear_error(&error);
    g_assert_null(parse(wrong_archive, &error));
    g_assert_error(error, LV_ERROR, LV_ERROR_PERMISSION);
}

static void
test_invalid_jid(void)
{
    g_autoptr(GError) error = NULL;

    g_assert_null(parse("<message from='a@b@c' type='chat'><body>x</body></message>", &error));
    g_assert_error(error, LV_ERROR, LV_ERROR_DATA);
}

static void
test_extensions(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(LvXmppMessage) receipt =
            parse("<message from='bob@example.org/x'><received xmlns='urn:xmpp:receipts' "
                  "id='u1'/></message>",
                  &error);
    g_autoptr(LvXmppMessage) marker =
            parse("<message from='bob@example.org/x'><displayed xmlns='urn:xmpp:chat-markers:0' "
                  "id='u2'/></message>",
                  &error);
    g_autoptr(LvXmppMessage) correction =
            parse("<message from='bob@example.org/x' type='chat'><body>fixed</body>"
                  "<replace xmlns='urn:xmpp:message-correct:0' id='u3'/></message>",
                  &error);
    g_autoptr(LvXmppMessage) retraction = parse(
            "<message from='bob@example.org/x' type='chat'><apply-to xmlns='urn:xmpp:fasten:0' "
            "id='u4'><retract xmlns='urn:xmpp:message-retract:0'/></apply-to></message>",
            &error);

    g_assert_no_error(error);
    g_assert_cmpstr(receipt->receipt_for, ==, "u1");
    g_assert_false(lv_xmpp_message_has_content(receipt));
    g_assert_cmpstr(marker->marker, ==, "displayed");
    g_assert_cmpstr(marker->marker_for, ==, "u2");
    g_assert_cmpstr(correction->replace_id, ==, "u3");
    g_assert_cmpstr(retraction->retract_id, ==, "u4");
}

static void
test_build(void)
{
    LvXmppOutgoing outgoing = { "uid-1", "bob@example.org",
                                "chat",  g_variant_new_parsed("{'': 'hello', 'fr': 'bonjour'}"),
                                NULL,    NULL,
                                NULL,    NULL };
    g_variant_ref_sink(outgoing.bodies);
    xmpp_stanza_t *stanza = lv_xmpp_message_build(ctx, &outgoing);
    char *text = NULL;
    size_t length = 0;

    g_assert_cmpint(xmpp_stanza_to_text(stanza, &text, &length), ==, XMPP_EOK);
    g_assert_nonnull(strstr(text, "id=\"uid-1\""));
    g_assert_nonnull(strstr(text, "xml:lang=\"fr\""));
    /* Read back as a peer would. */
    xmpp_stanza_set_from(stanza, "me@example.org/home");
    g_autoptr(GError) error = NULL;
    g_autoptr(LvXmppMessage) back = lv_xmpp_message_parse(stanza, &context, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(back->origin_id, ==, "uid-1");
    g_assert_true(back->want_receipt && back->markable);
    g_assert_cmpstr(back->chat_state, ==, "active");
    g_autofree char *french = body(back, "fr");
    g_assert_cmpstr(french, ==, "bonjour");
    xmpp_free(ctx, text);
    xmpp_stanza_release(stanza);
    g_variant_unref(outgoing.bodies);
}

/* XEP-0066: the URL we attach reads back; a received one is kept only when it is a
 * plain web URL. */
static void
test_oob(void)
{
    LvXmppOutgoing outgoing = { 0 };
    g_autoptr(GError) error = NULL;

    outgoing.uid = "uid-2";
    outgoing.to = "bob@example.org";
    outgoing.type = "chat";
    outgoing.bodies = g_variant_ref_sink(g_variant_new_parsed("{'': 'https://u.example/f'}"));
    outgoing.oob_url = "https://u.example/f";
    xmpp_stanza_t *stanza = lv_xmpp_message_build(ctx, &outgoing);
    xmpp_stanza_set_from(stanza, "me@example.org/home");
    g_autoptr(LvXmppMessage) back = lv_xmpp_message_parse(stanza, &context, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(back->oob_url, ==, "https://u.example/f");
    g_autoptr(GVariant) variant = g_variant_ref_sink(lv_xmpp_message_to_variant(back));
    const char *extra = NULL;
    g_variant_get_child(variant, 7, "&s", &extra);
    g_assert_nonnull(strstr(extra, "\"oob_url\":\"https://u.example/f\""));
    xmpp_stanza_release(stanza);
    g_variant_unref(outgoing.bodies);

    const char *refused[] = { "javascript:alert(1)", "https://a b/c", "file:///etc/passwd",
                              "https://x/a\tb" };
    for (gsize i = 0; i < G_N_ELEMENTS(refused); i++) {
        g_autofree char *xml = g_markup_printf_escaped(
                "<message from='bob@example.org/x' type='chat'><body>b</body>"
                "<x xmlns='jabber:x:oob'><url>%s</url></x></message>",
                refused[i]);
        g_autoptr(LvXmppMessage) message = parse(xml, &error);
        g_assert_no_error(error);
        g_assert_null(message->oob_url);
    }
}

/* Reliability case S4: a sender's stanza-id "by" our archive that the server left
 * next to its own (Prosody 0.12 does) makes the archive id unknown, not the forged one. */
static void
test_stanza_id_claimed_twice(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(LvXmppMessage) m =
            parse("<message from='bob@example.org/x' to='me@example.org/home' type='chat'>"
                  "<body>new</body>"
                  "<stanza-id xmlns='urn:xmpp:sid:0' by='me@example.org' id='old-archive-id'/>"
                  "<stanza-id xmlns='urn:xmpp:sid:0' by='me@example.org' id='real'/></message>",
                  &error);

    g_assert_no_error(error);
    g_assert_null(m->stanza_id);
    g_assert_null(m->archive_jid);
}

/* Reliability case S16: entities a DTD declares are not expanded (the backend's
 * expat guard, linked in here as in the backend), billion laughs included. */
static void
test_dtd_entities_unexpanded(void)
{
    GString *xml = g_string_new("<!DOCTYPE message [<!ENTITY secret 'EXPANDED'>"
                                "<!ENTITY lol0 'lol'>");
    for (int i = 1; i < 10; i++) {
        g_string_append_printf(xml, "<!ENTITY lol%d '", i);
        for (int j = 0; j < 10; j++)
            g_string_append_printf(xml, "&lol%d;", i - 1);
        g_string_append(xml, "'>");
    }
    g_string_append(xml, "]><message from='bob@example.org/x' type='chat'>"
                         "<body>a &secret; b &lol9; c</body></message>");
    g_assert_true(lv_xmpp_expat_guard_active());
    xmpp_stanza_t *stanza = xmpp_stanza_new_from_string(ctx, xml->str);
    g_string_free(xml, TRUE);
    if (stanza == NULL)
        return; /* refused outright: as good */
    g_autoptr(GError) error = NULL;
    g_autoptr(LvXmppMessage) m = lv_xmpp_message_parse(stanza, &context, &error);
    xmpp_stanza_release(stanza);
    g_assert_no_error(error);
    g_autofree char *text = body(m, "");
    g_assert_cmpstr(text, ==, "a  b  c");
}

static int
depth_of(xmpp_stanza_t *stanza)
{
    int deepest = 0;

    for (xmpp_stanza_t *c = xmpp_stanza_get_children(stanza); c != NULL;
         c = xmpp_stanza_get_next(c)) {
        int depth = depth_of(c); /* once: MAX() evaluates its arguments twice */
        deepest = MAX(deepest, depth);
    }
    return deepest + 1;
}

/* Reliability case S10: what is nested too deep never reaches libstrophe; the rest
 * of the stanza does. */
static void
test_deep_nesting_cut(void)
{
    GString *xml = g_string_new("<message from='bob@example.org/x' type='chat'><body>kept</body>");
    for (int i = 0; i < 5000; i++)
        g_string_append(xml, "<a>");
    g_string_append(xml, "deep text");
    for (int i = 0; i < 5000; i++)
        g_string_append(xml, "</a>");
    g_string_append(xml, "<thread>after</thread></message>");
    xmpp_stanza_t *stanza = xmpp_stanza_new_from_string(ctx, xml->str);
    g_string_free(xml, TRUE);
    g_assert_nonnull(stanza);
    g_assert_cmpint(depth_of(stanza), <=, LV_XMPP_MAX_DEPTH + 1);
    g_autoptr(GError) error = NULL;
    g_autoptr(LvXmppMessage) m = lv_xmpp_message_parse(stanza, &context, &error);
    xmpp_stanza_release(stanza);
    g_assert_no_error(error);
    g_autofree char *text = body(m, "");
    g_assert_cmpstr(text, ==, "kept");
    g_assert_cmpstr(m->thread, ==, "after");
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    xmpp_initialize();
    ctx = xmpp_ctx_new(NULL, NULL);
    g_test_add_func("/lv/xmpp/message/chat", test_chat);
    g_test_add_func("/lv/xmpp/message/deep-nesting-cut", test_deep_nesting_cut);
    g_test_add_func("/lv/xmpp/message/dtd-entities-unexpanded", test_dtd_entities_unexpanded);
    g_test_add_func("/lv/xmpp/message/stanza-id-claimed-twice", test_stanza_id_claimed_twice);
    g_test_add_func("/lv/xmpp/message/forged-carbon-refused", test_forged_carbon);
    g_test_add_func("/lv/xmpp/message/carbons", test_carbons);
    g_test_add_func("/lv/xmpp/message/mam-only-for-our-queries", test_mam);
    g_test_add_func("/lv/xmpp/message/invalid-jid-refused", test_invalid_jid);
    g_test_add_func("/lv/xmpp/message/extensions", test_extensions);
    g_test_add_func("/lv/xmpp/message/build", test_build);
    g_test_add_func("/lv/xmpp/message/oob-url", test_oob);
    int status = g_test_run();
    xmpp_ctx_free(ctx);
    xmpp_shutdown();
    return status;
}
