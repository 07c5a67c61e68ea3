/* Fuzzes the avatar parsers: XEP-0084 metadata and data, vCard photos, the
 * presence hash, and the image sniffing done on the decoded bytes. */
#include "fuzz-common.h"
#include "lv-xmpp-avatar.h"

#define MAX_AVATAR (64 * 1024)

static void
check_bytes(GBytes *bytes)
{
    guint width = 0, height = 0;
    gsize size;
    const guint8 *raw = g_bytes_get_data(bytes, &size);

    (void)lv_xmpp_avatar_sniff(raw, size);
    lv_xmpp_avatar_dimensions(bytes, &width, &height);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The raw input is also an image as a server could send it. */
    g_autoptr(GBytes) raw = g_bytes_new(data, size);
    xmpp_stanza_t *stanza;
    gboolean disabled = FALSE;

    fuzz_quiet_logs();
    check_bytes(raw);
    stanza = fuzz_stanza(data, size);
    if (stanza == NULL)
        return 0;
    LvXmppAvatarInfo *info = lv_xmpp_avatar_parse_metadata(stanza, &disabled, NULL);
    if (info != NULL)
        lv_xmpp_avatar_info_free(info);
    GBytes *bytes = lv_xmpp_avatar_parse_data(stanza, MAX_AVATAR, NULL);
    if (bytes != NULL) {
        check_bytes(bytes);
        g_bytes_unref(bytes);
    }
    bytes = lv_xmpp_avatar_parse_vcard_photo(stanza, MAX_AVATAR, NULL);
    if (bytes != NULL) {
        check_bytes(bytes);
        g_bytes_unref(bytes);
    }
    g_free(lv_xmpp_avatar_vcard_text(stanza, "FN"));
    (void)lv_xmpp_avatar_id_valid(lv_xmpp_avatar_presence_hash(stanza));
    xmpp_stanza_release(stanza);
    return 0;
}
