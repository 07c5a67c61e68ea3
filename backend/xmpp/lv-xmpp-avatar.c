/* lv-xmpp-avatar: avatar parsing and building (see the header). */
#include "lv-xmpp-avatar.h"

#include <stdlib.h>
#include <string.h>

#include "lv-error.h"

const char *
lv_xmpp_avatar_sniff(const guint8 *data, gsize size)
{
    static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

    if (data == NULL)
        return NULL;
    if (size >= sizeof png && memcmp(data, png, sizeof png) == 0)
        return "image/png";
    if (size >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff)
        return "image/jpeg";
    if (size >= 6 && (memcmp(data, "GIF87a", 6) == 0 || memcmp(data, "GIF89a", 6) == 0))
        return "image/gif";
    if (size >= 12 && memcmp(data, "RIFF", 4) == 0 && memcmp(data + 8, "WEBP", 4) == 0)
        return "image/webp";
    return NULL;
}

void
lv_xmpp_avatar_dimensions(GBytes *bytes, guint *width, guint *height)
{
    gsize size = 0;
    const guint8 *d = g_bytes_get_data(bytes, &size);
    const char *type = lv_xmpp_avatar_sniff(d, size);

    *width = *height = 0;
    /* PNG: the IHDR chunk comes first, big-endian width and height at 16 and 20. */
    if (g_strcmp0(type, "image/png") == 0 && size >= 24 && memcmp(d + 12, "IHDR", 4) == 0) {
        *width = (guint)d[16] << 24 | (guint)d[17] << 16 | (guint)d[18] << 8 | d[19];
        *height = (guint)d[20] << 24 | (guint)d[21] << 16 | (guint)d[22] << 8 | d[23];
    } else if (g_strcmp0(type, "image/gif") == 0 && size >= 10) {
        *width = (guint)d[7] << 8 | d[6]; /* the logical screen, little-endian */
        *height = (guint)d[9] << 8 | d[8];
    }
    if (*width > G_MAXUINT16 || *height > G_MAXUINT16)
        *width = *height = 0;
}

static int
base64_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

static gboolean
is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The number of base64 characters of @text, or -1 if something else than the
 * alphabet, whitespace and final padding is in it. */
static gssize
count_base64(const char *text, gsize *padding)
{
    gssize count = 0;

    *padding = 0;
    for (const char *p = text; *p != '\0'; p++) {
        if (is_space(*p))
            continue;
        if (*p == '=') {
            (*padding)++;
            count++;
            continue;
        }
        if (base64_value(*p) < 0 || *padding > 0)
            return -1; /* a foreign character, or data after the padding */
        count++;
    }
    return *padding <= 2 ? count : -1;
}

GBytes *
lv_xmpp_avatar_decode(const char *text, gsize max_size, GError **error)
{
    gsize padding = 0;
    gssize count = text != NULL ? count_base64(text, &padding) : 0;

    if (count < 0 || count % 4 != 0) {
        g_set_error_literal(error, LV_ERROR, LV_ERROR_DATA, "the avatar is not valid base64");
        return NULL;
    }
    gsize size = (gsize)count / 4 * 3 - padding;
    if (size == 0) {
        g_set_error_literal(error, LV_ERROR, LV_ERROR_DATA, "the avatar is empty");
        return NULL;
    }
    if (size > max_size) {
        g_set_error(error, LV_ERROR, LV_ERROR_DATA,
                    "the avatar is too big: %" G_GSIZE_FORMAT " bytes, the limit is "
                    "%" G_GSIZE_FORMAT " (avatar_max_size)",
                    size, max_size);
        return NULL;
    }
    guint8 *out = g_malloc(size);
    gsize written = 0;
    guint32 group = 0;
    int filled = 0;
    for (const char *p = text; *p != '\0' && *p != '='; p++) {
        int value = base64_value(*p);
        if (value < 0)
            continue; /* whitespace: checked above */
        group = group << 6 | (guint32)value;
        if (++filled == 4) {
            out[written++] = (guint8)(group >> 16);
            out[written++] = (guint8)(group >> 8);
            out[written++] = (guint8)group;
            group = 0;
            filled = 0;
        }
    }
    if (filled == 3) {
        out[written++] = (guint8)(group >> 10);
        out[written++] = (guint8)(group >> 2);
    } else if (filled == 2) {
        out[written++] = (guint8)(group >> 4);
    }
    g_assert(written == size);
    return g_bytes_new_take(out, size);
}

char *
lv_xmpp_avatar_sha1(GBytes *bytes)
{
    gsize size = 0;
    const guint8 *data = g_bytes_get_data(bytes, &size);

    return g_compute_checksum_for_data(G_CHECKSUM_SHA1, data, size);
}

gboolean
lv_xmpp_avatar_id_valid(const char *id)
{
    if (id == NULL || strlen(id) != 40)
        return FALSE;
    for (const char *p = id; *p != '\0'; p++) {
        if (!g_ascii_isxdigit(*p))
            return FALSE;
    }
    return TRUE;
}

gboolean
lv_xmpp_avatar_check(GBytes *bytes, const char *expected_id, const char **media_type,
                     GError **error)
{
    gsize size = 0;
    const guint8 *data = g_bytes_get_data(bytes, &size);
    const char *type = lv_xmpp_avatar_sniff(data, size);

    if (type == NULL) {
        g_set_error_literal(error, LV_ERROR, LV_ERROR_DATA,
                            "the avatar is not an image (PNG, JPEG, GIF or WebP)");
        return FALSE;
    }
    if (expected_id != NULL) {
        g_autofree char *sha1 = lv_xmpp_avatar_sha1(bytes);
        if (g_ascii_strcasecmp(sha1, expected_id) != 0) {
            g_set_error(error, LV_ERROR, LV_ERROR_DATA,
                        "the avatar does not match its announced hash %s (it hashes to %s)",
                        expected_id, sha1);
            return FALSE;
        }
    }
    if (media_type != NULL)
        *media_type = type;
    return TRUE;
}

void
lv_xmpp_avatar_info_free(LvXmppAvatarInfo *info)
{
    if (info == NULL)
        return;
    g_free(info->id);
    g_free(info->type);
    g_free(info);
}

/* A non-negative decimal attribute, or FALSE. */
static gboolean
parse_number(const char *text, guint64 max, guint64 *value)
{
    char *end = NULL;

    if (text == NULL || !g_ascii_isdigit(text[0]))
        return FALSE;
    *value = g_ascii_strtoull(text, &end, 10);
    return *end == '\0' && *value <= max;
}

static LvXmppAvatarInfo *
info_from(xmpp_stanza_t *element, GError **error)
{
    g_autoptr(LvXmppAvatarInfo) info = g_new0(LvXmppAvatarInfo, 1);
    const char *id = xmpp_stanza_get_attribute(element, "id");
    const char *type = xmpp_stanza_get_attribute(element, "type");
    guint64 width = 0, height = 0;

    if (!lv_xmpp_avatar_id_valid(id) || type == NULL ||
        !parse_number(xmpp_stanza_get_attribute(element, "bytes"), G_MAXUINT64, &info->bytes)) {
        g_set_error_literal(error, LV_ERROR, LV_ERROR_DATA,
                            "avatar metadata without a valid id, type or size");
        return NULL;
    }
    if (parse_number(xmpp_stanza_get_attribute(element, "width"), G_MAXUINT16, &width) &&
        parse_number(xmpp_stanza_get_attribute(element, "height"), G_MAXUINT16, &height)) {
        info->width = (guint)width;
        info->height = (guint)height;
    }
    info->id = g_ascii_strdown(id, -1);
    info->type = g_strdup(type);
    return g_steal_pointer(&info);
}

LvXmppAvatarInfo *
lv_xmpp_avatar_parse_metadata(xmpp_stanza_t *metadata, gboolean *disabled, GError **error)
{
    xmpp_stanza_t *chosen = NULL;
    gboolean any = FALSE;

    *disabled = FALSE;
    for (xmpp_stanza_t *c = xmpp_stanza_get_children(metadata); c != NULL;
         c = xmpp_stanza_get_next(c)) {
        if (!xmpp_stanza_is_tag(c) || g_strcmp0(xmpp_stanza_get_name(c), "info") != 0)
            continue;
        any = TRUE;
        if (xmpp_stanza_get_attribute(c, "url") != NULL)
            continue; /* hosted elsewhere: we only fetch from the data node */
        if (chosen == NULL || g_strcmp0(xmpp_stanza_get_attribute(c, "type"), "image/png") == 0)
            chosen = c;
    }
    if (!any) {
        *disabled = TRUE;
        return NULL;
    }
    if (chosen == NULL) {
        g_set_error_literal(error, LV_ERROR, LV_ERROR_DATA,
                            "the avatar is only available from a URL");
        return NULL;
    }
    return info_from(chosen, error);
}

static xmpp_stanza_t *
new_element(xmpp_ctx_t *ctx, const char *name, const char *ns)
{
    xmpp_stanza_t *element = xmpp_stanza_new(ctx);

    xmpp_stanza_set_name(element, name);
    if (ns != NULL)
        xmpp_stanza_set_ns(element, ns);
    return element;
}

/* Appends @child to @parent and returns it (transfer none). */
static xmpp_stanza_t *
append(xmpp_stanza_t *parent, xmpp_stanza_t *child)
{
    xmpp_stanza_add_child(parent, child);
    xmpp_stanza_release(child);
    return child;
}

static void
append_text(xmpp_stanza_t *parent, const char *text)
{
    xmpp_stanza_t *node = xmpp_stanza_new(xmpp_stanza_get_context(parent));

    xmpp_stanza_set_text(node, text);
    append(parent, node);
}

xmpp_stanza_t *
lv_xmpp_avatar_build_metadata(xmpp_ctx_t *ctx, const LvXmppAvatarInfo *info)
{
    xmpp_stanza_t *metadata = new_element(ctx, "metadata", LV_NS_AVATAR_METADATA);
    xmpp_stanza_t *element = append(metadata, new_element(ctx, "info", NULL));
    g_autofree char *bytes = g_strdup_printf("%" G_GUINT64_FORMAT, info->bytes);

    xmpp_stanza_set_attribute(element, "id", info->id);
    xmpp_stanza_set_attribute(element, "type", info->type);
    xmpp_stanza_set_attribute(element, "bytes", bytes);
    if (info->width > 0 && info->height > 0) {
        g_autofree char *width = g_strdup_printf("%u", info->width);
        g_autofree char *height = g_strdup_printf("%u", info->height);
        xmpp_stanza_set_attribute(element, "width", width);
        xmpp_stanza_set_attribute(element, "height", height);
    }
    return metadata;
}

xmpp_stanza_t *
lv_xmpp_avatar_build_data(xmpp_ctx_t *ctx, GBytes *bytes)
{
    xmpp_stanza_t *data = new_element(ctx, "data", LV_NS_AVATAR_DATA);
    gsize size = 0;
    const guint8 *raw = g_bytes_get_data(bytes, &size);
    g_autofree char *text = g_base64_encode(raw, size);

    append_text(data, text);
    return data;
}

/* The text of @element through libstrophe, NULL if none (transfer full, g_malloc). */
static char *
element_text(xmpp_stanza_t *element)
{
    char *text = element != NULL ? xmpp_stanza_get_text(element) : NULL;
    char *copy = g_strdup(text);

    if (text != NULL)
        xmpp_free(xmpp_stanza_get_context(element), text);
    return copy;
}

GBytes *
lv_xmpp_avatar_parse_data(xmpp_stanza_t *data, gsize max_size, GError **error)
{
    g_autofree char *text = element_text(data);

    return lv_xmpp_avatar_decode(text != NULL ? text : "", max_size, error);
}

static xmpp_stanza_t *
vcard_child(xmpp_stanza_t *vcard, const char *name)
{
    return vcard != NULL ? xmpp_stanza_get_child_by_name(vcard, name) : NULL;
}

GBytes *
lv_xmpp_avatar_parse_vcard_photo(xmpp_stanza_t *vcard, gsize max_size, GError **error)
{
    xmpp_stanza_t *photo = vcard_child(vcard, "PHOTO");
    xmpp_stanza_t *binval = vcard_child(photo, "BINVAL");
    g_autofree char *text = element_text(binval);

    if (text == NULL || text[strspn(text, " \t\r\n")] == '\0')
        return NULL; /* no photo, or one given only as a URL (EXTVAL) */
    return lv_xmpp_avatar_decode(text, max_size, error);
}

char *
lv_xmpp_avatar_vcard_text(xmpp_stanza_t *vcard, const char *field)
{
    g_autofree char *text = element_text(vcard_child(vcard, field));

    if (text == NULL || !g_utf8_validate(text, -1, NULL))
        return NULL;
    return g_steal_pointer(&text);
}

static void
add_field(xmpp_stanza_t *parent, const char *name, const char *text)
{
    xmpp_stanza_t *field = append(parent, new_element(xmpp_stanza_get_context(parent), name, NULL));

    append_text(field, text);
}

/* Whether @child of the vCard being rebuilt gives way to a new value. */
static gboolean
replaced(xmpp_stanza_t *child, GBytes *photo, const char *nickname, const char *description)
{
    const char *name = xmpp_stanza_get_name(child);

    return (photo != NULL && g_strcmp0(name, "PHOTO") == 0) ||
           (nickname != NULL && g_strcmp0(name, "NICKNAME") == 0) ||
           (description != NULL && g_strcmp0(name, "DESC") == 0);
}

xmpp_stanza_t *
lv_xmpp_avatar_build_vcard(xmpp_ctx_t *ctx, xmpp_stanza_t *current, GBytes *photo,
                           const char *media_type, const char *nickname, const char *description)
{
    xmpp_stanza_t *vcard = new_element(ctx, "vCard", LV_NS_VCARD);

    /* A vCard is set whole: what other clients wrote in it (name, address…) stays. */
    for (xmpp_stanza_t *c = current != NULL ? xmpp_stanza_get_children(current) : NULL; c != NULL;
         c = xmpp_stanza_get_next(c)) {
        if (xmpp_stanza_is_tag(c) && !replaced(c, photo, nickname, description))
            append(vcard, xmpp_stanza_copy(c));
    }
    if (nickname != NULL)
        add_field(vcard, "NICKNAME", nickname);
    if (description != NULL)
        add_field(vcard, "DESC", description);
    if (photo != NULL) {
        xmpp_stanza_t *element = append(vcard, new_element(ctx, "PHOTO", NULL));
        gsize size = 0;
        const guint8 *raw = g_bytes_get_data(photo, &size);
        g_autofree char *text = g_base64_encode(raw, size);
        add_field(element, "TYPE", media_type);
        add_field(element, "BINVAL", text);
    }
    return vcard;
}

const char *
lv_xmpp_avatar_presence_hash(xmpp_stanza_t *presence)
{
    xmpp_stanza_t *x = xmpp_stanza_get_child_by_name_and_ns(presence, "x", LV_NS_VCARD_UPDATE);
    xmpp_stanza_t *photo = x != NULL ? xmpp_stanza_get_child_by_name(x, "photo") : NULL;
    xmpp_stanza_t *text = photo != NULL ? xmpp_stanza_get_children(photo) : NULL;

    if (photo == NULL)
        return NULL;
    if (text == NULL || !xmpp_stanza_is_text(text))
        return "";
    return xmpp_stanza_get_text_ptr(text);
}

void
lv_xmpp_avatar_add_presence_hash(xmpp_stanza_t *presence, const char *hash)
{
    xmpp_ctx_t *ctx = xmpp_stanza_get_context(presence);
    xmpp_stanza_t *x = append(presence, new_element(ctx, "x", LV_NS_VCARD_UPDATE));
    xmpp_stanza_t *photo = append(x, new_element(ctx, "photo", NULL));

    if (hash != NULL && hash[0] != '\0')
        append_text(photo, hash);
}
