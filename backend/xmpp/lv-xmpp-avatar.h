/* lv-xmpp-avatar: avatars on the wire, as pure functions for the account threads
 * and the tests: what an image is (by its first bytes, never by what the sender
 * declares), base64 read strictly under a size limit, the SHA-1 that names an
 * avatar, User Avatar (XEP-0084) metadata and data items, the PHOTO of a vCard-temp
 * (XEP-0054) and the photo hash of a presence (XEP-0153). */
#pragma once

#include <glib.h>
#include <strophe.h>

G_BEGIN_DECLS

#define LV_NS_AVATAR_METADATA "urn:xmpp:avatar:metadata"
#define LV_NS_AVATAR_DATA "urn:xmpp:avatar:data"
#define LV_NS_VCARD "vcard-temp"
#define LV_NS_VCARD_UPDATE "vcard-temp:x:update"

/* The media type of @data by its magic bytes: "image/png", "image/jpeg",
 * "image/gif" or "image/webp"; NULL for anything else (transfer none). */
const char *lv_xmpp_avatar_sniff(const guint8 *data, gsize size);

/* The width and height of a PNG or GIF from its header; 0 when not known (other
 * kinds, or a header too short). */
void lv_xmpp_avatar_dimensions(GBytes *bytes, guint *width, guint *height);

/* Decodes the base64 @text (whitespace between groups allowed, as vCards fold it)
 * into at most @max_size bytes. The length is checked before anything is decoded,
 * so an oversized blob is refused without a second copy. LV_ERROR_DATA names the
 * fault: not base64, too big, empty (transfer full). */
GBytes *lv_xmpp_avatar_decode(const char *text, gsize max_size, GError **error);

/* The lowercase hex SHA-1 of @bytes: the id of an avatar (transfer full). */
char *lv_xmpp_avatar_sha1(GBytes *bytes);

/* TRUE if @id looks like a SHA-1 in hex (40 hex digits): the only ids we use as
 * cache file names. */
gboolean lv_xmpp_avatar_id_valid(const char *id);

/* Checks received bytes: an image of a known kind (the sniffed type is put in
 * *@media_type, transfer none) whose SHA-1 is @expected_id (NULL: not checked).
 * LV_ERROR_DATA otherwise. */
gboolean lv_xmpp_avatar_check(GBytes *bytes, const char *expected_id, const char **media_type,
                              GError **error);

/* What a metadata item announces (plain data carrier). */
typedef struct {
    char *id;   /* SHA-1 hex */
    char *type; /* declared media type */
    guint64 bytes;
    guint width, height; /* 0: not told */
} LvXmppAvatarInfo;

void lv_xmpp_avatar_info_free(LvXmppAvatarInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LvXmppAvatarInfo, lv_xmpp_avatar_info_free)

/* Reads a <metadata/> of the metadata node: the <info/> we can fetch from the data
 * node (no url), image/png first as XEP-0084 §4.2 makes it mandatory. Returns NULL
 * with @disabled TRUE for an empty <metadata/> (avatar switched off, §4.5), NULL
 * and LV_ERROR_DATA for a malformed one (transfer full). */
LvXmppAvatarInfo *lv_xmpp_avatar_parse_metadata(xmpp_stanza_t *metadata, gboolean *disabled,
                                                GError **error);

/* <metadata xmlns=…><info id bytes type [width height]/></metadata> (transfer full). */
xmpp_stanza_t *lv_xmpp_avatar_build_metadata(xmpp_ctx_t *ctx, const LvXmppAvatarInfo *info);

/* <data xmlns='urn:xmpp:avatar:data'>base64</data> (transfer full). */
xmpp_stanza_t *lv_xmpp_avatar_build_data(xmpp_ctx_t *ctx, GBytes *bytes);

/* The image of a <data/> element, decoded under @max_size (transfer full). */
GBytes *lv_xmpp_avatar_parse_data(xmpp_stanza_t *data, gsize max_size, GError **error);

/* The PHOTO of a <vCard xmlns='vcard-temp'/>: its bytes under @max_size, NULL
 * without error when the vCard has no photo (transfer full). */
GBytes *lv_xmpp_avatar_parse_vcard_photo(xmpp_stanza_t *vcard, gsize max_size, GError **error);

/* The text of a vCard-temp field (NICKNAME, DESC…), NULL if absent or not UTF-8
 * (transfer full). */
char *lv_xmpp_avatar_vcard_text(xmpp_stanza_t *vcard, const char *field);

/* A <vCard xmlns='vcard-temp'/>: the fields of @current (may be NULL) with PHOTO
 * (TYPE, BINVAL) replaced when @photo is set, NICKNAME and DESC when not NULL
 * (transfer full). */
xmpp_stanza_t *lv_xmpp_avatar_build_vcard(xmpp_ctx_t *ctx, xmpp_stanza_t *current, GBytes *photo,
                                          const char *media_type, const char *nickname,
                                          const char *description);

/* The XEP-0153 photo hash of @presence (transfer none, into @presence): NULL when
 * it says nothing (no <x/>, or <x/> without <photo/>: not ready), "" when it says
 * there is no avatar, else the hash as given (check it with
 * lv_xmpp_avatar_id_valid). */
const char *lv_xmpp_avatar_presence_hash(xmpp_stanza_t *presence);

/* Appends <x xmlns='vcard-temp:x:update'><photo>@hash</photo></x> ("" : no
 * avatar) to @presence. */
void lv_xmpp_avatar_add_presence_hash(xmpp_stanza_t *presence, const char *hash);

G_END_DECLS
