/* Fuzzes the RFC 7622 JID parser and the accessors every caller uses after it. */
#include "fuzz-common.h"
#include "lv-jid.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *text = NULL;
    LvJid *jid;

    fuzz_quiet_logs();
    text = fuzz_dup_string(data, size);
    jid = lv_jid_parse(text, NULL);
    if (jid != NULL) {
        g_autofree char *full = lv_jid_dup_string(jid);
        g_autofree char *bare = lv_jid_dup_bare(jid);
        LvJid *again = lv_jid_parse(full, NULL);

        /* A parsed JID's normal form must parse again, to the same bare JID. */
        if (again == NULL)
            __builtin_trap();
        g_autofree char *bare_again = lv_jid_dup_bare(again);
        if (g_strcmp0(bare, bare_again) != 0)
            __builtin_trap();
        (void)lv_jid_get_local(jid);
        (void)lv_jid_get_domain(jid);
        (void)lv_jid_get_resource(jid);
        lv_jid_free(again);
        lv_jid_free(jid);
    }
    return 0;
}
