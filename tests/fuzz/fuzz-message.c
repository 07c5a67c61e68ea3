/* Fuzzes the message parser with its source checks (carbons, MAM results,
 * stanza-ids) as the account's on_message calls it, with one MAM query in flight
 * so that the MAM unwrapping is reachable. */
#include "fuzz-common.h"
#include "lv-xmpp-message.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const LvXmppMamQuery queries[] = {
        { .query_id = "q1", .archive_jid = "alice@localhost" },
        { .query_id = "q2", .archive_jid = "room@conference.localhost" },
        { .query_id = NULL },
    };
    const LvXmppMessageContext context = {
        .own_bare = "alice@localhost",
        .own_full = "alice@localhost/res",
        .trust_own_archive = TRUE,
        .mam_queries = queries,
    };
    xmpp_stanza_t *stanza = fuzz_stanza(data, size);
    LvXmppMessage *message;

    if (stanza == NULL)
        return 0;
    message = lv_xmpp_message_parse(stanza, &context, NULL);
    if (message != NULL) {
        (void)lv_xmpp_message_has_content(message);
        lv_xmpp_message_free(message);
    }
    g_free(lv_xmpp_message_stanza_id_by(stanza, "alice@localhost"));
    xmpp_stanza_release(stanza);
    return 0;
}
