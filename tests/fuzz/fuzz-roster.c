/* Fuzzes the roster query parser, the push source check (RFC 6121 §2.1.6) on the
 * "from" of a stanza, and the stream-features log reader. */
#include "fuzz-common.h"
#include "lv-xmpp-roster.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    xmpp_stanza_t *stanza = fuzz_stanza(data, size);
    gboolean versioning = FALSE;

    if (stanza == NULL) {
        g_autofree char *text = fuzz_dup_string(data, size);

        (void)lv_xmpp_roster_sender_ok(text, "alice@localhost");
        (void)lv_xmpp_roster_features_from_log(text, &versioning);
        return 0;
    }
    GVariant *contacts = lv_xmpp_roster_parse_query(stanza);
    if (contacts != NULL)
        g_variant_unref(g_variant_ref_sink(contacts));
    (void)lv_xmpp_roster_sender_ok(xmpp_stanza_get_from(stanza), "alice@localhost");
    (void)lv_xmpp_roster_sender_ok(xmpp_stanza_get_from(stanza), xmpp_stanza_get_to(stanza));
    xmpp_stanza_release(stanza);
    return 0;
}
