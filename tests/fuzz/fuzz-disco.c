/* Fuzzes the disco#info / #items parsers and the XEP-0115 verification string
 * computed over a remote disco#info, plus the caps element of a presence. */
#include "fuzz-common.h"
#include "lv-xmpp-caps.h"
#include "lv-xmpp-disco.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    xmpp_stanza_t *stanza = fuzz_stanza(data, size);
    GVariant *variant;

    if (stanza == NULL)
        return 0;
    variant = lv_xmpp_disco_parse_info(stanza);
    if (variant != NULL)
        g_variant_unref(g_variant_ref_sink(variant));
    variant = lv_xmpp_disco_parse_items(stanza);
    if (variant != NULL)
        g_variant_unref(g_variant_ref_sink(variant));
    g_free(lv_xmpp_caps_compute_ver(stanza, NULL));
    (void)lv_xmpp_caps_parse(stanza);
    xmpp_stanza_release(stanza);
    return 0;
}
