/* fuzz-common: see fuzz-common.h. */
#include "fuzz-common.h"

static GLogWriterOutput
drop_log(GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
    return G_LOG_WRITER_HANDLED;
}

void
fuzz_quiet_logs(void)
{
    static gboolean done;

    if (done)
        return;
    done = TRUE;
    g_log_set_writer_func(drop_log, NULL, NULL);
}

char *
fuzz_dup_string(const uint8_t *data, size_t size)
{
    return g_strndup((const char *)data, size);
}

xmpp_ctx_t *
fuzz_ctx(void)
{
    static xmpp_ctx_t *ctx;

    if (ctx == NULL) {
        fuzz_quiet_logs();
        xmpp_initialize();
        /* NULL logger: libstrophe stays silent about malformed XML. */
        ctx = xmpp_ctx_new(NULL, NULL);
    }
    return ctx;
}

xmpp_stanza_t *
fuzz_stanza(const uint8_t *data, size_t size)
{
    g_autofree char *text = fuzz_dup_string(data, size);

    return xmpp_stanza_new_from_string(fuzz_ctx(), text);
}
