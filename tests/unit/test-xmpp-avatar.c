/* Tests of lv-xmpp-avatar: image sniffing, strict base64 under a limit, hash
 * checks, and the XEP-0084 / vCard-temp / XEP-0153 elements. */
#include <string.h>

#include <strophe.h>

#include "lv-error.h"
#include "lv-xmpp-avatar.h"

static xmpp_ctx_t *ctx;

/* The smallest PNG signature followed by junk: the sniffer reads only the start. */
static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13 };

static xmpp_stanza_t *
stanza(const char *xml)
{
    xmpp_stanza_t *parsed = xmpp_stanza_new_from_string(ctx, xml);

    g_assert_nonnull(parsed);
    return parsed;
}

static void
test_sniff(void)
{
    static const guint8 jpeg[] = { 0xff, 0xd8, 0xff, 0xe0 };
    static const guint8 webp[] = "RIFF\x10\0\0\0WEBPVP8 ";
    static const guint8 svg[] = "<svg xmlns='http://www.w3.org/2000/svg'/>";

    g_assert_cmpstr(lv_xmpp_avatar_sniff(png, sizeof png), ==, "image/png");
    g_assert_cmpstr(lv_xmpp_avatar_sniff(jpeg, sizeof jpeg), ==, "image/jpeg");
    g_assert_cmpstr(lv_xmpp_avatar_sniff((const guint8 *)"GIF89a..", 8), ==, "image/gif");
    g_assert_cmpstr(lv_xmpp_avatar_sniff(webp, sizeof webp - 1), ==, "image/webp");
    g_assert_null(lv_xmpp_avatar_sniff(svg, sizeof svg - 1));
    g_assert_null(lv_xmpp_avatar_sniff(png, 7)); /* a truncated signature */
    g_assert_null(lv_xmpp_avatar_sniff((const guint8 *)"RIFF\0\0\0\0WAVE", 12));
    g_assert_null(lv_xmpp_avatar_sniff(NULL, 0));
}

static void
test_dimensions(void)
{
    static const guint8 ihdr[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13,
                                   'I',  'H', 'D', 'R', 0,    0,    1,    0,    0, 0, 0, 32 };
    static const guint8 gif[] = { 'G', 'I', 'F', '8', '9', 'a', 10, 0, 20, 0 };
    g_autoptr(GBytes) png_bytes = g_bytes_new_static(ihdr, sizeof ihdr);
    g_autoptr(GBytes) gif_bytes = g_bytes_new_static(gif, sizeof gif);
    g_autoptr(GBytes) short_png = g_bytes_new_static(png, sizeof png);
    guint width = 1, height = 1;

    lv_xmpp_avatar_dimensions(png_bytes, &width, &height);
    g_assert_cmpuint(width, ==, 256);
    g_assert_cmpuint(height, ==, 32);
    lv_xmpp_avatar_dimensions(gif_bytes, &width, &height);
    g_assert_cmpuint(width, ==, 10);
    g_assert_cmpuint(height, ==, 20);
    lv_xmpp_avatar_dimensions(short_png, &width, &height); /* no IHDR: not known */
    g_assert_cmpuint(width, ==, 0);
    g_assert_cmpuint(height, ==, 0);
}

static void
test_decode(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) folded = lv_xmpp_avatar_decode("aGVs\r\n bG8=\n", 100, &error);

    g_assert_no_error(error);
    g_assert_cmpmem(g_bytes_get_data(folded, NULL), g_bytes_get_size(folded), "hello", 5);
    g_autoptr(GBytes) two = lv_xmpp_avatar_decode("aGk=", 2, &error);
    g_assert_no_error(error);
    g_assert_cmpmem(g_bytes_get_data(two, NULL), g_bytes_get_size(two), "hi", 2);

    const char *const bad[] = { "aGVsbG8", "aGV*bG8=", "aG=sbG8=", "aGVsbG8=x===", "====", NULL };
    for (guint i = 0; bad[i] != NULL; i++) {
        g_autoptr(GError) refused = NULL;
        g_autoptr(GBytes) none = lv_xmpp_avatar_decode(bad[i], 100, &refused);
        g_assert_null(none);
        g_assert_error(refused, LV_ERROR, LV_ERROR_DATA);
    }
    g_autoptr(GError) empty = NULL;
    g_assert_null(lv_xmpp_avatar_decode(" \n", 100, &empty));
    g_assert_error(empty, LV_ERROR, LV_ERROR_DATA);
    g_autoptr(GError) big = NULL;
    g_assert_null(lv_xmpp_avatar_decode("aGVsbG8=", 4, &big));
    g_assert_error(big, LV_ERROR, LV_ERROR_DATA);
    g_assert_nonnull(strstr(big->message, "too big"));
}

static void
test_check(void)
{
    g_autoptr(GBytes) image = g_bytes_new_static(png, sizeof png);
    g_autoptr(GBytes) text = g_bytes_new_static("hello", 5);
    g_autofree char *sha1 = lv_xmpp_avatar_sha1(image);
    g_autofree char *upper = g_ascii_strup(sha1, -1);
    const char *type = NULL;
    g_autoptr(GError) mismatch = NULL;
    g_autoptr(GError) not_image = NULL;

    g_assert_true(lv_xmpp_avatar_id_valid(sha1));
    g_assert_false(lv_xmpp_avatar_id_valid("../../etc/passwd"));
    g_assert_false(lv_xmpp_avatar_id_valid(NULL));
    g_assert_true(lv_xmpp_avatar_check(image, sha1, &type, NULL));
    g_assert_cmpstr(type, ==, "image/png");
    g_assert_true(lv_xmpp_avatar_check(image, upper, NULL, NULL));
    g_assert_false(lv_xmpp_avatar_check(image, "0000000000000000000000000000000000000000", NULL,
                                        &mismatch));
    g_assert_error(mismatch, LV_ERROR, LV_ERROR_DATA);
    g_assert_false(lv_xmpp_avatar_check(text, NULL, NULL, &not_image));
    g_assert_error(not_image, LV_ERROR, LV_ERROR_DATA);
}

static void
test_metadata(void)
{
    const char *id = "111f4b3c50d7b0df729d299bc6f8e9ef9066971f";
    g_autofree char *xml = g_strdup_printf(
            "<metadata xmlns='urn:xmpp:avatar:metadata'>"
            "<info id='%s' type='image/gif' bytes='10'/>"
            "<info id='%s' type='image/png' bytes='12345' width='64' height='64'/>"
            "<info id='%s' type='image/png' bytes='1' url='https://example.org/a.png'/>"
            "</metadata>",
            id, id, id);
    xmpp_stanza_t *metadata = stanza(xml);
    gboolean disabled = TRUE;
    g_autoptr(LvXmppAvatarInfo) info = lv_xmpp_avatar_parse_metadata(metadata, &disabled, NULL);

    g_assert_nonnull(info);
    g_assert_false(disabled);
    g_assert_cmpstr(info->type, ==, "image/png");
    g_assert_cmpuint(info->bytes, ==, 12345);
    g_assert_cmpuint(info->width, ==, 64);
    xmpp_stanza_release(metadata);

    xmpp_stanza_t *built = lv_xmpp_avatar_build_metadata(ctx, info);
    g_autoptr(LvXmppAvatarInfo) again = lv_xmpp_avatar_parse_metadata(built, &disabled, NULL);
    g_assert_cmpstr(again->id, ==, id);
    g_assert_cmpuint(again->height, ==, 64);
    xmpp_stanza_release(built);

    xmpp_stanza_t *off = stanza("<metadata xmlns='urn:xmpp:avatar:metadata'/>");
    g_assert_null(lv_xmpp_avatar_parse_metadata(off, &disabled, NULL));
    g_assert_true(disabled);
    xmpp_stanza_release(off);

    const char *const bad[] = {
        "<metadata><info id='../x' type='image/png' bytes='1'/></metadata>",
        "<metadata><info id='111f4b3c50d7b0df729d299bc6f8e9ef9066971f' bytes='-1' "
        "type='image/png'/></metadata>",
        "<metadata><info id='111f4b3c50d7b0df729d299bc6f8e9ef9066971f' bytes='1' "
        "type='image/png' url='http://x'/></metadata>",
    };
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) error = NULL;
        xmpp_stanza_t *element = stanza(bad[i]);
        g_assert_null(lv_xmpp_avatar_parse_metadata(element, &disabled, &error));
        g_assert_error(error, LV_ERROR, LV_ERROR_DATA);
        xmpp_stanza_release(element);
    }
}

static void
test_data_and_vcard(void)
{
    g_autoptr(GBytes) image = g_bytes_new_static(png, sizeof png);
    xmpp_stanza_t *data = lv_xmpp_avatar_build_data(ctx, image);
    g_autoptr(GBytes) back = lv_xmpp_avatar_parse_data(data, 1000, NULL);

    g_assert_true(g_bytes_equal(back, image));
    xmpp_stanza_release(data);

    xmpp_stanza_t *vcard =
            lv_xmpp_avatar_build_vcard(ctx, NULL, image, "image/png", "Al", "Hi <there>");
    g_autoptr(GBytes) photo = lv_xmpp_avatar_parse_vcard_photo(vcard, 1000, NULL);
    g_autofree char *nick = lv_xmpp_avatar_vcard_text(vcard, "NICKNAME");
    g_autofree char *desc = lv_xmpp_avatar_vcard_text(vcard, "DESC");
    g_assert_true(g_bytes_equal(photo, image));
    g_assert_cmpstr(nick, ==, "Al");
    g_assert_cmpstr(desc, ==, "Hi <there>");
    g_autoptr(GError) big = NULL;
    g_assert_null(lv_xmpp_avatar_parse_vcard_photo(vcard, 4, &big));
    g_assert_error(big, LV_ERROR, LV_ERROR_DATA);
    xmpp_stanza_release(vcard);

    xmpp_stanza_t *plain = stanza("<vCard xmlns='vcard-temp'><FN>A</FN>"
                                  "<PHOTO><EXTVAL>http://x</EXTVAL></PHOTO></vCard>");
    g_autoptr(GError) none = NULL;
    g_assert_null(lv_xmpp_avatar_parse_vcard_photo(plain, 1000, &none));
    g_assert_no_error(none);
    g_assert_null(lv_xmpp_avatar_vcard_text(plain, "NICKNAME"));

    /* A new photo in a vCard of another client: its other fields stay, the old
     * PHOTO goes. */
    xmpp_stanza_t *updated = lv_xmpp_avatar_build_vcard(ctx, plain, image, "image/png", NULL, NULL);
    g_autofree char *fn = lv_xmpp_avatar_vcard_text(updated, "FN");
    g_autoptr(GBytes) new_photo = lv_xmpp_avatar_parse_vcard_photo(updated, 1000, NULL);
    int photos = 0;
    for (xmpp_stanza_t *c = xmpp_stanza_get_children(updated); c; c = xmpp_stanza_get_next(c))
        photos += g_strcmp0(xmpp_stanza_get_name(c), "PHOTO") == 0;
    g_assert_cmpstr(fn, ==, "A");
    g_assert_true(g_bytes_equal(new_photo, image));
    g_assert_cmpint(photos, ==, 1);
    xmpp_stanza_release(updated);
    xmpp_stanza_release(plain);
}

static void
test_presence_hash(void)
{
    xmpp_stanza_t *with = stanza("<presence><x xmlns='vcard-temp:x:update'>"
                                 "<photo>abc</photo></x></presence>");
    xmpp_stanza_t *empty = stanza("<presence><x xmlns='vcard-temp:x:update'><photo/></x>"
                                  "</presence>");
    xmpp_stanza_t *not_ready = stanza("<presence><x xmlns='vcard-temp:x:update'/></presence>");
    xmpp_stanza_t *other = stanza("<presence><x xmlns='other'><photo>abc</photo></x></presence>");

    g_assert_cmpstr(lv_xmpp_avatar_presence_hash(with), ==, "abc");
    g_assert_cmpstr(lv_xmpp_avatar_presence_hash(empty), ==, "");
    g_assert_null(lv_xmpp_avatar_presence_hash(not_ready));
    g_assert_null(lv_xmpp_avatar_presence_hash(other));
    lv_xmpp_avatar_add_presence_hash(other, "def");
    g_assert_cmpstr(lv_xmpp_avatar_presence_hash(other), ==, "def");
    xmpp_stanza_release(with);
    xmpp_stanza_release(empty);
    xmpp_stanza_release(not_ready);
    xmpp_stanza_release(other);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    xmpp_initialize();
    ctx = xmpp_ctx_new(NULL, NULL);
    g_test_add_func("/lv/xmpp/avatar/sniff", test_sniff);
    g_test_add_func("/lv/xmpp/avatar/dimensions", test_dimensions);
    g_test_add_func("/lv/xmpp/avatar/decode/strict-and-limited", test_decode);
    g_test_add_func("/lv/xmpp/avatar/check/type-and-hash", test_check);
    g_test_add_func("/lv/xmpp/avatar/metadata/parse-build", test_metadata);
    g_test_add_func("/lv/xmpp/avatar/data-and-vcard/parse-build", test_data_and_vcard);
    g_test_add_func("/lv/xmpp/avatar/presence-hash", test_presence_hash);
    int status = g_test_run();
    xmpp_ctx_free(ctx);
    xmpp_shutdown();
    return status;
}
