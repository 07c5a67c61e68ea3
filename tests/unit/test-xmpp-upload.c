/* Tests of lv-xmpp-upload: the XEP-0363 request we build and the slot replies we
 * accept (https only, only the allowed headers, no header injection). */
#include <strophe.h>

#include "lv-error.h"
#include "lv-xmpp-disco.h"
#include "lv-xmpp-upload.h"

static xmpp_ctx_t *ctx;

static xmpp_stanza_t *
parse(const char *xml)
{
    xmpp_stanza_t *stanza = xmpp_stanza_new_from_string(ctx, xml);

    g_assert_nonnull(stanza);
    return stanza;
}

static GVariant *
slot_of(const char *slot_xml, GError **error)
{
    g_autofree char *xml =
            g_strdup_printf("<iq type='result' id='1' from='upload.example'>%s</iq>", slot_xml);
    xmpp_stanza_t *reply = parse(xml);
    GVariant *slot = lv_xmpp_upload_parse_slot(reply, error);

    xmpp_stanza_release(reply);
    return slot != NULL ? g_variant_ref_sink(slot) : NULL;
}

static void
test_request(void)
{
    xmpp_stanza_t *iq = xmpp_iq_new(ctx, "get", "id1");

    lv_xmpp_upload_add_request(iq, "a b.txt", 1234, "text/plain");
    xmpp_stanza_t *request = xmpp_stanza_get_child_by_name_and_ns(iq, "request", LV_NS_HTTP_UPLOAD);
    g_assert_nonnull(request);
    g_assert_cmpstr(xmpp_stanza_get_attribute(request, "filename"), ==, "a b.txt");
    g_assert_cmpstr(xmpp_stanza_get_attribute(request, "size"), ==, "1234");
    g_assert_cmpstr(xmpp_stanza_get_attribute(request, "content-type"), ==, "text/plain");
    xmpp_stanza_release(iq);

    iq = xmpp_iq_new(ctx, "get", "id2");
    lv_xmpp_upload_add_request(iq, "x", 0, "");
    request = xmpp_stanza_get_child_by_name_and_ns(iq, "request", LV_NS_HTTP_UPLOAD);
    g_assert_null(xmpp_stanza_get_attribute(request, "content-type"));
    xmpp_stanza_release(iq);
}

static void
test_slot(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) slot =
            slot_of("<slot xmlns='urn:xmpp:http:upload:0'><put url='https://u.example/p/1'>"
                    "<header name='Authorization'>Bearer t0k</header>"
                    "<header name='cookie'>c=1</header>"
                    "<header name='X-Evil'>no</header>"
                    "<header name='Host'>elsewhere</header></put>"
                    "<get url='https://u.example/g/1'/></slot>",
                    &error);

    g_assert_no_error(error);
    g_autofree char *text = g_variant_print(slot, FALSE);
    g_assert_cmpstr(text, ==,
                    "('https://u.example/p/1', 'https://u.example/g/1', "
                    "[{'Authorization': 'Bearer t0k'}, {'Cookie': 'c=1'}])");
    g_assert_true(g_variant_is_of_type(slot, G_VARIANT_TYPE(LV_XMPP_UPLOAD_SLOT_TYPE)));
}

static void
test_bad_slots(void)
{
    const char *bad[] = {
        "",
        "<slot xmlns='urn:xmpp:http:upload:0'><put url='https://u/p'/></slot>",
        "<slot xmlns='urn:xmpp:http:upload:0'><put url='http://u/p'/><get url='https://u/g'/>"
        "</slot>",
        "<slot xmlns='urn:xmpp:http:upload:0'><put url='https://u/p'/><get url='ftp://u/g'/>"
        "</slot>",
        "<slot xmlns='urn:xmpp:http:upload:0'><put url='https:///p'/><get url='https://u/g'/>"
        "</slot>",
        "<slot xmlns='urn:xmpp:http:upload:0'><put url='https://u/p'><header name='Cookie'>"
        "a&#13;&#10;X-Injected: 1</header></put><get url='https://u/g'/></slot>",
        "<slot xmlns='urn:xmpp:http:upload:1'><put url='https://u/p'/><get url='https://u/g'/>"
        "</slot>",
    };

    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) slot = slot_of(bad[i], &error);
        g_assert_null(slot);
        g_assert_error(error, LV_ERROR, LV_ERROR_DATA);
    }
}

static void
test_max_size(void)
{
    xmpp_stanza_t *query = parse(
            "<query xmlns='http://jabber.org/protocol/disco#info'>"
            "<feature var='urn:xmpp:http:upload:0'/>"
            "<x xmlns='jabber:x:data' type='result'>"
            "<field var='FORM_TYPE' type='hidden'><value>urn:xmpp:http:upload:0</value></field>"
            "<field var='max-file-size'><value>5242880</value></field></x></query>");
    g_autoptr(GVariant) info = g_variant_ref_sink(lv_xmpp_disco_parse_info(query));
    g_autoptr(GVariant) none = g_variant_ref_sink(lv_xmpp_disco_parse_info(NULL));

    g_assert_cmpuint(lv_xmpp_upload_max_size(info), ==, 5242880);
    g_assert_cmpuint(lv_xmpp_upload_max_size(none), ==, 0);
    xmpp_stanza_release(query);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    xmpp_initialize();
    ctx = xmpp_ctx_new(NULL, NULL);
    g_test_add_func("/lv/xmpp/upload/request", test_request);
    g_test_add_func("/lv/xmpp/upload/slot", test_slot);
    g_test_add_func("/lv/xmpp/upload/bad-slots-refused", test_bad_slots);
    g_test_add_func("/lv/xmpp/upload/max-file-size", test_max_size);
    int result = g_test_run();
    xmpp_ctx_free(ctx);
    xmpp_shutdown();
    return result;
}
