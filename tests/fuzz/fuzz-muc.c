/* Fuzzes the MUC presence parser (XEP-0045 muc#user items and status codes). */
#include "fuzz-common.h"
#include "lv-xmpp-muc.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    xmpp_stanza_t *stanza = fuzz_stanza(data, size);

    if (stanza == NULL)
        return 0;
    if (lv_xmpp_muc_is_room_presence(stanza)) {
        LvXmppMucPresence *presence = lv_xmpp_muc_presence_parse(stanza, NULL);

        if (presence != NULL)
            lv_xmpp_muc_presence_free(presence);
    }
    xmpp_stanza_release(stanza);
    return 0;
}
