/* lv-xmpp-expat-guard: entities of a DTD are never expanded (see the header). */
#include "lv-xmpp-expat-guard.h"

#include <dlfcn.h>
#include <expat.h>

typedef XML_Parser (*CreateFunc)(const XML_Char *, const XML_Memory_Handling_Suite *,
                                 const XML_Char *);
typedef XML_Bool (*ResetFunc)(XML_Parser, const XML_Char *);
typedef void (*SetDefaultFunc)(XML_Parser, XML_DefaultHandler);

/* All found at run time: expat is libstrophe's dependency, not a link one of ours. */
static CreateFunc real_create;
static ResetFunc real_reset;
static SetDefaultFunc set_default;

static void
resolve(void)
{
    static gsize done = 0;

    if (g_once_init_enter(&done)) {
        real_create = (CreateFunc)dlsym(RTLD_NEXT, "XML_ParserCreate_MM");
        real_reset = (ResetFunc)dlsym(RTLD_NEXT, "XML_ParserReset");
        set_default = (SetDefaultFunc)dlsym(RTLD_DEFAULT, "XML_SetDefaultHandler");
        g_once_init_leave(&done, 1);
    }
}

/* What no other handler takes: markup we do not need, and entity references. */
static void
drop(void *user_data, const XML_Char *text, int length)
{
}

XML_Parser
XML_ParserCreate_MM(const XML_Char *encoding, const XML_Memory_Handling_Suite *memsuite,
                    const XML_Char *namespace_separator)
{
    resolve();
    XML_Parser parser =
            real_create != NULL ? real_create(encoding, memsuite, namespace_separator) : NULL;
    if (parser != NULL && set_default != NULL)
        set_default(parser, drop);
    return parser;
}

XML_Bool
XML_ParserReset(XML_Parser parser, const XML_Char *encoding)
{
    resolve();
    if (real_reset == NULL || !real_reset(parser, encoding))
        return XML_FALSE;
    if (set_default != NULL)
        set_default(parser, drop); /* a reset clears every handler */
    return XML_TRUE;
}

gboolean
lv_xmpp_expat_guard_active(void)
{
    resolve();
    return real_create != NULL && real_reset != NULL && set_default != NULL;
}
