/* Tests of lv-xmpp-caps: the XEP-0115 verification string from the XEP's own
 * vectors, what §5.4 calls ill-formed, the <c/> element, the shared cache. */
#include <string.h>

#include <strophe.h>

#include "lv-error.h"
#include "lv-xmpp-caps.h"
#include "lv-xmpp-disco.h"
#include "lv-xmpp-features.h"

static xmpp_ctx_t *ctx;

static char *
ver_of(const char *xml, GError **error)
{
    xmpp_stanza_t *query = xmpp_stanza_new_from_string(ctx, xml);
    char *ver = NULL;

    g_assert_nonnull(query);
    ver = lv_xmpp_caps_compute_ver(query, error);
    xmpp_stanza_release(query);
    return ver;
}

/* XEP-0115 §5.2. */
static void
test_simple_example(void)
{
    g_autofree char *ver =
            ver_of("<query xmlns='http://jabber.org/protocol/disco#info' "
                   "node='http://code.google.com/p/exodus#QgayPKawpkPSDYmwT/WM94uAlu0='>"
                   "<identity category='client' name='Exodus 0.9.1' type='pc'/>"
                   "<feature var='http://jabber.org/protocol/caps'/>"
                   "<feature var='http://jabber.org/protocol/disco#info'/>"
                   "<feature var='http://jabber.org/protocol/disco#items'/>"
                   "<feature var='http://jabber.org/protocol/muc'/>"
                   "</query>",
                   NULL);

    g_assert_cmpstr(ver, ==, "QgayPKawpkPSDYmwT/WM94uAlu0=");
}

/* XEP-0115 §5.3: languages, non-ASCII, an extended form; pretty-printed, in an
 * order that is not the sorted one. */
static const char complex_example[] =
        "<query xmlns='http://jabber.org/protocol/disco#info'\n"
        "       node='http://psi-im.org#q07IKJEyjvHSyhy//CH0CxmKi8w='>\n"
        "  <identity xml:lang='en' category='client' name='Psi 0.11' type='pc'/>\n"
        "  <identity xml:lang='el' category='client' name='\xce\xa8 0.11' type='pc'/>\n"
        "  <feature var='http://jabber.org/protocol/disco#items'/>\n"
        "  <feature var='http://jabber.org/protocol/caps'/>\n"
        "  <feature var='http://jabber.org/protocol/muc'/>\n"
        "  <feature var='http://jabber.org/protocol/disco#info'/>\n"
        "  <x xmlns='jabber:x:data' type='result'>\n"
        "    <field var='FORM_TYPE' type='hidden'>\n"
        "      <value>urn:xmpp:dataforms:softwareinfo</value>\n"
        "    </field>\n"
        "    <field var='software_version'><value>0.11</value></field>\n"
        "    <field var='ip_version' type='text-multi'>\n"
        "      <value>ipv6</value>\n"
        "      <value>ipv4</value>\n"
        "    </field>\n"
        "    <field var='os'><value>Mac</value></field>\n"
        "    <field var='os_version'><value>10.5.1</value></field>\n"
        "    <field var='software'><value>Psi</value></field>\n"
        "  </x>\n"
        "</query>";

static void
test_complex_example(void)
{
    g_autofree char *ver = ver_of(complex_example, NULL);

    g_assert_cmpstr(ver, ==, "q07IKJEyjvHSyhy//CH0CxmKi8w=");
}

/* §5.4: forms without a hidden FORM_TYPE do not count; neither does other XML. */
static void
test_ignored_forms(void)
{
    g_autofree char *plain =
            ver_of("<query xmlns='http://jabber.org/protocol/disco#info'>"
                   "<identity category='client' name='Exodus 0.9.1' type='pc'/>"
                   "<feature var='http://jabber.org/protocol/caps'/>"
                   "<feature var='http://jabber.org/protocol/disco#info'/>"
                   "<feature var='http://jabber.org/protocol/disco#items'/>"
                   "<feature var='http://jabber.org/protocol/muc'/>"
                   "<x xmlns='jabber:x:data' type='result'><field var='a'><value>b</value>"
                   "</field></x>"
                   "<x xmlns='jabber:x:data' type='result'><field var='FORM_TYPE'>"
                   "<value>urn:x</value></field><field var='a'><value>b</value></field></x>"
                   "<other xmlns='urn:example'/>"
                   "</query>",
                   NULL);

    g_assert_cmpstr(plain, ==, "QgayPKawpkPSDYmwT/WM94uAlu0=");
}

static void
test_ill_formed(void)
{
    const char *const cases[] = {
        "<query><identity category='client' type='pc' name='A'/>"
        "<identity category='client' type='pc' name='A'/></query>",
        "<query><feature var='urn:a'/><feature var='urn:a'/></query>",
        "<query><x xmlns='jabber:x:data' type='result'><field var='FORM_TYPE' type='hidden'>"
        "<value>urn:f</value></field></x><x xmlns='jabber:x:data' type='result'>"
        "<field var='FORM_TYPE' type='hidden'><value>urn:f</value></field></x></query>",
        "<query><x xmlns='jabber:x:data' type='result'><field var='FORM_TYPE' type='hidden'>"
        "<value>urn:f</value><value>urn:g</value></field></x></query>",
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;
        g_autofree char *ver = ver_of(cases[i], &error);
        g_assert_null(ver);
        g_assert_error(error, LV_ERROR, LV_ERROR_DATA);
    }
    /* Same identity in two languages is fine. */
    g_autofree char *ok = ver_of("<query><identity category='client' type='pc' name='A'/>"
                                 "<identity xml:lang='fr' category='client' type='pc' name='A'/>"
                                 "</query>",
                                 NULL);
    g_assert_nonnull(ok);
}

/* Our ver is the hash of what we answer, and our table is sorted, once each. */
static void
test_own(void)
{
    xmpp_stanza_t *query = xmpp_stanza_new(ctx);
    const char *const *features = lv_xmpp_features_get();

    xmpp_stanza_set_name(query, "query");
    xmpp_stanza_set_ns(query, LV_NS_DISCO_INFO);
    lv_xmpp_features_add_to_query(query);
    g_autofree char *ver = lv_xmpp_caps_compute_ver(query, NULL);
    g_assert_cmpstr(ver, ==, lv_xmpp_caps_get_own_ver(ctx));
    xmpp_stanza_release(query);
    for (gsize i = 1; features[i] != NULL; i++)
        g_assert_cmpint(strcmp(features[i - 1], features[i]), <, 0);
    const char *const required[] = { LV_NS_DISCO_INFO, LV_NS_DISCO_ITEMS, LV_NS_CAPS, LV_NS_VERSION,
                                     LV_NS_PING };
    for (gsize i = 0; i < G_N_ELEMENTS(required); i++)
        g_assert_true(g_strv_contains(features, required[i]));
}

static void
test_element(void)
{
    xmpp_stanza_t *presence = xmpp_presence_new(ctx);
    xmpp_stanza_t *legacy = xmpp_stanza_new_from_string(
            ctx, "<presence><c xmlns='http://jabber.org/protocol/caps' node='n' ver='1.0' "
                 "ext='a b'/></presence>");
    xmpp_stanza_t *other = xmpp_stanza_new_from_string(
            ctx, "<presence><c xmlns='http://jabber.org/protocol/caps' hash='md5' node='n' "
                 "ver='x='/></presence>");

    lv_xmpp_caps_add(presence, "https://libervia.org", "abc=");
    g_assert_cmpstr(lv_xmpp_caps_parse(presence), ==, "abc=");
    g_assert_null(lv_xmpp_caps_parse(legacy));
    g_assert_null(lv_xmpp_caps_parse(other));
    xmpp_stanza_release(presence);
    xmpp_stanza_release(legacy);
    xmpp_stanza_release(other);
}

typedef struct {
    GMainLoop *loop;
    char *ver;
} Watched;

static void
on_added(const char *ver, GVariant *info, gpointer user_data)
{
    Watched *watched = user_data;

    watched->ver = g_strdup(ver);
    g_main_loop_quit(watched->loop);
}

static void
test_cache(void)
{
    xmpp_stanza_t *query = xmpp_stanza_new_from_string(ctx, complex_example);
    g_autoptr(GVariant) info = g_variant_ref_sink(lv_xmpp_disco_parse_info(query));
    Watched watched = { g_main_loop_new(NULL, FALSE), NULL };

    lv_xmpp_caps_cache_clear();
    g_assert_null(lv_xmpp_caps_cache_lookup("q07IKJEyjvHSyhy//CH0CxmKi8w="));
    lv_xmpp_caps_cache_load("loaded=", info); /* not told */
    lv_xmpp_caps_cache_watch(NULL, on_added, &watched);
    lv_xmpp_caps_cache_insert("q07IKJEyjvHSyhy//CH0CxmKi8w=", info);
    g_main_loop_run(watched.loop);
    g_assert_cmpstr(watched.ver, ==, "q07IKJEyjvHSyhy//CH0CxmKi8w=");
    g_autoptr(GVariant) found = lv_xmpp_caps_cache_lookup("q07IKJEyjvHSyhy//CH0CxmKi8w=");
    g_autoptr(GVariant) loaded = lv_xmpp_caps_cache_lookup("loaded=");
    g_assert_nonnull(found);
    g_assert_true(g_variant_equal(found, loaded));
    lv_xmpp_caps_cache_watch(NULL, NULL, NULL);
    lv_xmpp_caps_cache_clear();
    g_free(watched.ver);
    g_main_loop_unref(watched.loop);
    xmpp_stanza_release(query);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    xmpp_initialize();
    ctx = xmpp_ctx_new(NULL, NULL);
    g_test_add_func("/lv/xmpp/caps/ver/xep-0115-simple-example", test_simple_example);
    g_test_add_func("/lv/xmpp/caps/ver/xep-0115-complex-example", test_complex_example);
    g_test_add_func("/lv/xmpp/caps/ver/ignores-forms-without-hidden-form-type", test_ignored_forms);
    g_test_add_func("/lv/xmpp/caps/ver/refuses-ill-formed", test_ill_formed);
    g_test_add_func("/lv/xmpp/caps/own-ver-hashes-our-answer", test_own);
    g_test_add_func("/lv/xmpp/caps/element", test_element);
    g_test_add_func("/lv/xmpp/caps/cache", test_cache);
    int result = g_test_run();
    xmpp_ctx_free(ctx);
    xmpp_shutdown();
    return result;
}
