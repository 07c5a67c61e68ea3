/* Fuzzes the data form (XEP-0004) parser and the build back to a stanza. */
#include "fuzz-common.h"
#include "lv-xmpp-dataform.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    xmpp_stanza_t *stanza = fuzz_stanza(data, size);
    xmpp_stanza_t *x;

    if (stanza == NULL)
        return 0;
    /* Either the form itself or a stanza carrying one, as the handlers find it (the
     * children of a form inherit its namespace: look for one only under others). */
    x = g_strcmp0(xmpp_stanza_get_name(stanza), "x") == 0 ? stanza : lv_xmpp_dataform_find(stanza);
    if (x == NULL)
        x = stanza;
    LvXmppDataform *form = lv_xmpp_dataform_parse(x, NULL);
    if (form != NULL) {
        xmpp_stanza_t *built;

        (void)lv_xmpp_dataform_get_form_type(form);
        built = lv_xmpp_dataform_to_stanza(fuzz_ctx(), form);
        if (built != NULL)
            xmpp_stanza_release(built);
        lv_xmpp_dataform_free(form);
    }
    xmpp_stanza_release(stanza);
    return 0;
}
