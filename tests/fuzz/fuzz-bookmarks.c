/* Fuzzes the bookmark parsers: XEP-0402 PEP items and legacy XEP-0048 storage. */
#include "fuzz-common.h"
#include "lv-xmpp-bookmarks.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    xmpp_stanza_t *stanza = fuzz_stanza(data, size);
    GPtrArray *bookmarks;

    if (stanza == NULL)
        return 0;
    bookmarks = lv_xmpp_bookmarks_parse_pep_items(stanza, "alice");
    if (bookmarks != NULL)
        g_ptr_array_unref(bookmarks);
    bookmarks = lv_xmpp_bookmarks_parse_storage(stanza, "alice");
    if (bookmarks != NULL)
        g_ptr_array_unref(bookmarks);
    LvXmppBookmark *one = lv_xmpp_bookmarks_parse_pep_item(stanza, "alice", NULL);
    if (one != NULL)
        lv_xmpp_bookmark_free(one);
    xmpp_stanza_release(stanza);
    return 0;
}
