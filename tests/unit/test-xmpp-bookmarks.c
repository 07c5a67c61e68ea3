/* Tests of lv-xmpp-bookmarks and lv-xmpp-blocking: bookmarks from real stanzas
 * (hostile ones included) and back, the autojoin list, blocklist items and the
 * XEP-0191 matching. */
#include <string.h>

#include <strophe.h>

#include "lv-error.h"
#include "lv-xmpp-blocking.h"
#include "lv-xmpp-bookmarks.h"

static xmpp_ctx_t *ctx;

static xmpp_stanza_t *
parse(const char *xml)
{
    xmpp_stanza_t *stanza = xmpp_stanza_new_from_string(ctx, xml);

    g_assert_nonnull(stanza);
    return stanza;
}

static char *
render(xmpp_stanza_t *stanza)
{
    char *buffer = NULL;
    size_t length = 0;

    g_assert_cmpint(xmpp_stanza_to_text(stanza, &buffer, &length), ==, XMPP_EOK);
    char *copy = g_strndup(buffer, length);
    xmpp_free(ctx, buffer);
    return copy;
}

static void
test_pep_items(void)
{
    xmpp_stanza_t *items = parse(
            "<items node='urn:xmpp:bookmarks:1'>"
            "<item id='Room@Conference.Example.org'><conference xmlns='urn:xmpp:bookmarks:1' "
            "name='The room' autojoin='1'><nick>al</nick><password>secret</password>"
            "<extensions><state xmlns='urn:example' v='1'/></extensions></conference></item>"
            "<item id='plain@conference.example.org'><conference xmlns='urn:xmpp:bookmarks:1'/>"
            "</item>"
            "<item><conference xmlns='urn:xmpp:bookmarks:1'/></item>"
            "<item id='not a jid@@'><conference xmlns='urn:xmpp:bookmarks:1'/></item>"
            "<item id='room@conference.example.org/res'><conference "
            "xmlns='urn:xmpp:bookmarks:1'/></item>"
            "<item id='conference.example.org'><conference xmlns='urn:xmpp:bookmarks:1'/></item>"
            "<item id='wrong@conference.example.org'><conference xmlns='urn:other'/></item>"
            "<junk><item id='nested@x.org'/></junk></items>");
    g_autoptr(GPtrArray) bookmarks = lv_xmpp_bookmarks_parse_pep_items(items, "test");

    g_assert_cmpuint(bookmarks->len, ==, 2);
    LvXmppBookmark *first = bookmarks->pdata[0];
    g_assert_cmpstr(first->location, ==, "room@conference.example.org");
    g_assert_cmpstr(first->name, ==, "The room");
    g_assert_cmpstr(first->nick, ==, "al");
    g_assert_cmpstr(first->password, ==, "secret");
    g_assert_true(first->autojoin);
    g_assert_nonnull(strstr(first->extensions, "urn:example"));
    LvXmppBookmark *second = bookmarks->pdata[1];
    g_assert_false(second->autojoin);
    g_assert_null(second->name);
    g_assert_null(second->nick);
    g_assert_null(second->extensions);

    /* Back as an item: the extensions as they came, the password kept. */
    xmpp_stanza_t *item = lv_xmpp_bookmarks_build_pep_item(ctx, first);
    g_autofree char *text = render(item);
    g_assert_nonnull(strstr(text, "id=\"room@conference.example.org\""));
    g_assert_nonnull(strstr(text, "<extensions><state xmlns=\"urn:example\" v=\"1\"/>"));
    g_assert_nonnull(strstr(text, "<nick>al</nick>"));
    g_assert_nonnull(strstr(text, "autojoin=\"true\""));
    xmpp_stanza_t *again = parse(text);
    g_autoptr(GError) error = NULL;
    g_autoptr(LvXmppBookmark) round = lv_xmpp_bookmarks_parse_pep_item(again, "test", &error);
    g_assert_no_error(error);
    g_assert_cmpstr(round->extensions, ==, first->extensions);
    xmpp_stanza_release(again);
    xmpp_stanza_release(item);
    xmpp_stanza_release(items);
}

static void
test_hostile_items(void)
{
    GString *xml = g_string_new("<items node='urn:xmpp:bookmarks:1'>");
    GString *deep = g_string_new("<item id='deep@c.org'><conference "
                                 "xmlns='urn:xmpp:bookmarks:1'><extensions>");

    for (int i = 0; i < LV_XMPP_BOOKMARKS_MAX + 50; i++)
        g_string_append_printf(xml,
                               "<item id='r%d@c.org'><conference "
                               "xmlns='urn:xmpp:bookmarks:1'/></item>",
                               i);
    g_string_append(xml, "</items>");
    xmpp_stanza_t *items = parse(xml->str);
    g_autoptr(GPtrArray) bookmarks = lv_xmpp_bookmarks_parse_pep_items(items, "test");
    g_assert_cmpuint(bookmarks->len, ==, LV_XMPP_BOOKMARKS_MAX);
    xmpp_stanza_release(items);

    /* Junk nested deep in the extensions: the bookmark stays, the junk does not. */
    for (int i = 0; i < 100; i++)
        g_string_append(deep, "<a xmlns='urn:x'>");
    for (int i = 0; i < 100; i++)
        g_string_append(deep, "</a>");
    g_string_append(deep, "</extensions></conference></item>");
    xmpp_stanza_t *item = parse(deep->str);
    g_autoptr(GError) error = NULL;
    g_autoptr(LvXmppBookmark) bookmark = lv_xmpp_bookmarks_parse_pep_item(item, "test", &error);
    g_assert_no_error(error);
    g_assert_cmpstr(bookmark->location, ==, "deep@c.org");
    g_assert_null(bookmark->extensions);
    xmpp_stanza_release(item);
    g_string_free(xml, TRUE);
    g_string_free(deep, TRUE);
}

static void
test_storage(void)
{
    xmpp_stanza_t *storage =
            parse("<storage xmlns='storage:bookmarks'>"
                  "<conference jid='one@c.org' name='One' autojoin='true'><nick>me</nick>"
                  "<password>pw</password></conference>"
                  "<conference name='no jid'/><conference jid='bad jid@@'/>"
                  "<url name='Page' url='https://example.org/'/><url name='no url'/>"
                  "<unknown xmlns='urn:x'>kept</unknown></storage>");
    g_autoptr(GPtrArray) bookmarks = lv_xmpp_bookmarks_parse_storage(storage, "test");
    gboolean found = FALSE;

    g_assert_cmpuint(bookmarks->len, ==, 2);
    g_autoptr(GVariant) rooms =
            g_variant_ref_sink(lv_xmpp_bookmarks_to_variant(bookmarks, LV_XMPP_BOOKMARK_MUC));
    g_autofree char *printed = g_variant_print(rooms, FALSE);
    g_assert_cmpstr(printed, ==,
                    "{'one@c.org': {'name': 'One', 'autojoin': 'true', 'nick': 'me'}}");
    g_autoptr(GVariant) urls =
            g_variant_ref_sink(lv_xmpp_bookmarks_to_variant(bookmarks, LV_XMPP_BOOKMARK_URL));
    g_autofree char *printed_urls = g_variant_print(urls, FALSE);
    g_assert_cmpstr(printed_urls, ==, "{'https://example.org/': {'name': 'Page'}}");

    /* Replaced and removed in place: what we do not know stays. */
    g_autoptr(LvXmppBookmark) two = lv_xmpp_bookmark_new_from_data(
            "muc", "Two@C.org", g_variant_new_parsed("{'autojoin': 'true'}"), NULL);
    xmpp_stanza_t *added = lv_xmpp_bookmarks_storage_edit(ctx, storage, LV_XMPP_BOOKMARK_MUC,
                                                          two->location, two, &found);
    g_assert_false(found);
    xmpp_stanza_t *removed = lv_xmpp_bookmarks_storage_edit(ctx, added, LV_XMPP_BOOKMARK_MUC,
                                                            "one@c.org", NULL, &found);
    g_assert_true(found);
    g_autofree char *text = render(removed);
    g_assert_null(strstr(text, "one@c.org"));
    g_assert_nonnull(strstr(text, "<conference jid=\"two@c.org\" autojoin=\"true\"/>"));
    g_assert_nonnull(strstr(text, "<unknown xmlns=\"urn:x\">kept</unknown>"));
    g_assert_nonnull(strstr(text, "https://example.org/"));
    xmpp_stanza_release(removed);
    xmpp_stanza_release(added);
    xmpp_stanza_release(storage);
}

static void
test_from_data(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(LvXmppBookmark) room = lv_xmpp_bookmark_new_from_data(
            "muc", "Room@Example.ORG",
            g_variant_new_parsed("{'name': 'R', 'nick': 'n', 'autojoin': 'true'}"), &error);

    g_assert_no_error(error);
    g_assert_cmpstr(room->location, ==, "room@example.org");
    g_assert_true(room->autojoin);
    const char *const bad[][2] = { { "muc", "not a jid@@" },
                                   { "muc", "room@example.org/nick" },
                                   { "muc", "example.org" },
                                   { "url", "" },
                                   { "link", "x@y" } };
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) e = NULL;
        g_assert_null(lv_xmpp_bookmark_new_from_data(bad[i][0], bad[i][1], NULL, &e));
        g_assert_error(e, LV_ERROR, LV_ERROR_DATA);
    }
    g_autoptr(GError) url_error = NULL;
    g_assert_null(lv_xmpp_bookmark_new_from_data(
            "url", "https://x.org", g_variant_new_parsed("{'autojoin': 'true'}"), &url_error));
    g_assert_error(url_error, LV_ERROR, LV_ERROR_DATA);
}

static void
test_autojoin(void)
{
    g_autoptr(GPtrArray) pep =
            g_ptr_array_new_with_free_func((GDestroyNotify)lv_xmpp_bookmark_free);
    g_autoptr(GVariant) local_dict = g_variant_ref_sink(g_variant_new_parsed(
            "{'one@c.org': {'autojoin': 'true', 'nick': 'local nick'},"
            " 'two@c.org': {'autojoin': 'true'}, 'three@c.org': {'autojoin': 'false'},"
            " 'bad jid@@': {'autojoin': 'true'}, 'four@c.org': {'autojoin': 'true', "
            "'password': 'pw'}}"));
    g_autoptr(GPtrArray) local = lv_xmpp_bookmarks_from_variant(local_dict, LV_XMPP_BOOKMARK_MUC);

    g_ptr_array_add(pep,
                    lv_xmpp_bookmark_new_from_data(
                            "muc", "one@c.org",
                            g_variant_new_parsed("{'autojoin': 'true', 'nick': 'pep'}"), NULL));
    g_ptr_array_add(pep, lv_xmpp_bookmark_new_from_data("muc", "five@c.org", NULL, NULL));
    GPtrArray *sets[] = { pep, NULL, local };
    g_autoptr(GPtrArray) joins = lv_xmpp_bookmarks_autojoin(sets, 3, "alice@example.org");

    g_assert_cmpuint(joins->len, ==, 3);
    const LvXmppAutojoin *one = joins->pdata[0], *two = joins->pdata[1], *four = joins->pdata[2];
    g_assert_cmpstr(one->room, ==, "one@c.org");
    g_assert_cmpstr(one->nick, ==, "pep"); /* the server's bookmark wins */
    g_assert_cmpstr(two->room, ==, "two@c.org");
    g_assert_cmpstr(two->nick, ==, "alice"); /* Libervia's default: our local part */
    g_assert_null(two->password);
    g_assert_cmpstr(four->password, ==, "pw");
    g_autoptr(GPtrArray) none = lv_xmpp_bookmarks_autojoin(sets, 0, "alice@example.org");
    g_assert_cmpuint(none->len, ==, 0);
}

static void
test_blocklist(void)
{
    xmpp_stanza_t *list = parse("<blocklist xmlns='urn:xmpp:blocking'>"
                                "<item jid='Spam@Example.org'/><item jid='evil.org'/>"
                                "<item jid='x@y.org/Res'/><item jid='host.org/res'/>"
                                "<item jid='bad jid@@'/><item/><other jid='a@b'/></blocklist>");
    g_autoptr(GPtrArray) jids = lv_xmpp_blocking_parse_items(list, "test");
    g_autoptr(GHashTable) blocked = g_hash_table_new(g_str_hash, g_str_equal);

    g_assert_cmpuint(jids->len, ==, 4);
    g_assert_cmpstr(jids->pdata[0], ==, "spam@example.org");
    for (guint i = 0; i < jids->len; i++)
        g_hash_table_add(blocked, jids->pdata[i]);
    /* XEP-0191 §3.2 (the XEP-0016 order). */
    g_assert_true(lv_xmpp_blocking_matches(blocked, "spam@example.org"));
    g_assert_true(lv_xmpp_blocking_matches(blocked, "SPAM@example.org/phone"));
    g_assert_true(lv_xmpp_blocking_matches(blocked, "anyone@evil.org/r"));
    g_assert_true(lv_xmpp_blocking_matches(blocked, "evil.org"));
    g_assert_true(lv_xmpp_blocking_matches(blocked, "x@y.org/Res"));
    g_assert_false(lv_xmpp_blocking_matches(blocked, "x@y.org/other"));
    g_assert_false(lv_xmpp_blocking_matches(blocked, "x@y.org"));
    g_assert_true(lv_xmpp_blocking_matches(blocked, "host.org/res"));
    g_assert_false(lv_xmpp_blocking_matches(blocked, "user@host.org/res"));
    g_assert_false(lv_xmpp_blocking_matches(blocked, "friend@example.org"));
    g_assert_false(lv_xmpp_blocking_matches(blocked, "not a jid@@"));
    g_assert_false(lv_xmpp_blocking_matches(blocked, NULL));

    const char *const two[] = { "a@b.org", "c.org", NULL };
    xmpp_stanza_t *block = lv_xmpp_blocking_build(ctx, "block", two);
    g_autofree char *text = render(block);
    g_assert_cmpstr(text, ==,
                    "<block xmlns=\"urn:xmpp:blocking\"><item jid=\"a@b.org\"/><item "
                    "jid=\"c.org\"/></block>");
    xmpp_stanza_release(block);
    xmpp_stanza_release(list);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    xmpp_initialize();
    ctx = xmpp_ctx_new(NULL, NULL);
    g_test_add_func("/lv/xmpp/bookmarks/pep-items", test_pep_items);
    g_test_add_func("/lv/xmpp/bookmarks/hostile-items", test_hostile_items);
    g_test_add_func("/lv/xmpp/bookmarks/private-storage", test_storage);
    g_test_add_func("/lv/xmpp/bookmarks/from-bridge-data", test_from_data);
    g_test_add_func("/lv/xmpp/bookmarks/autojoin", test_autojoin);
    g_test_add_func("/lv/xmpp/blocking/items-and-matching", test_blocklist);
    int result = g_test_run();
    xmpp_ctx_free(ctx);
    xmpp_shutdown();
    return result;
}
