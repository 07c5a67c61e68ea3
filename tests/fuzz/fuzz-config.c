/* Fuzzes the libervia.conf parser on in-memory text (no file I/O). */
#include "fuzz-common.h"
#include "lv-config-private.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GHashTable *sections;

    fuzz_quiet_logs();
    /* The parser takes a length: the bytes are passed as they are, NULs included. */
    sections = lv_config_parse_text("fuzz.conf", (const char *)data, size, NULL);
    if (sections != NULL)
        g_hash_table_unref(sections);
    return 0;
}
