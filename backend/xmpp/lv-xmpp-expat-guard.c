/* lv-xmpp-expat-guard: entities of a DTD are never expanded (see the header). */
#include "lv-xmpp-expat-guard.h"

#include <dlfcn.h>
#include <expat.h>

typedef XML_Parser (*CreateFunc)(const XML_Char *, const XML_Memory_Handling_Suite *,
                                 const XML_Char *);
typedef XML_Bool (*ResetFunc)(XML_Parser, const XML_Char *);
typedef void (*SetDefaultFunc)(XML_Parser, XML_DefaultHandler);

typedef void (*SetUserDataFunc)(XML_Parser, void *);
typedef void (*SetElementFunc)(XML_Parser, XML_StartElementHandler, XML_EndElementHandler);
typedef void (*SetCharactersFunc)(XML_Parser, XML_CharacterDataHandler);
typedef void (*FreeFunc)(XML_Parser);

/* All found at run time: expat is libstrophe's dependency, not a link one of ours. */
static CreateFunc real_create;
static ResetFunc real_reset;
static SetDefaultFunc set_default;
static SetUserDataFunc real_set_user_data;
static SetElementFunc real_set_element;
static SetCharactersFunc real_set_characters;
static FreeFunc real_free;

/* libstrophe's handlers (the same functions for every parser it makes). */
static XML_StartElementHandler inner_start;
static XML_EndElementHandler inner_end;
static XML_CharacterDataHandler inner_characters;

/* The depth of each parser, by the user data its handlers receive (libstrophe's
 * parser): parsers live in several account threads. */
typedef struct {
    XML_Parser parser;
    int depth;
} Depth;

static GMutex depths_lock;
static GHashTable *depths;

static void
resolve(void)
{
    static gsize done = 0;

    if (g_once_init_enter(&done)) {
        real_create = (CreateFunc)dlsym(RTLD_NEXT, "XML_ParserCreate_MM");
        real_reset = (ResetFunc)dlsym(RTLD_NEXT, "XML_ParserReset");
        set_default = (SetDefaultFunc)dlsym(RTLD_DEFAULT, "XML_SetDefaultHandler");
        real_set_user_data = (SetUserDataFunc)dlsym(RTLD_NEXT, "XML_SetUserData");
        real_set_element = (SetElementFunc)dlsym(RTLD_NEXT, "XML_SetElementHandler");
        real_set_characters = (SetCharactersFunc)dlsym(RTLD_NEXT, "XML_SetCharacterDataHandler");
        real_free = (FreeFunc)dlsym(RTLD_NEXT, "XML_ParserFree");
        depths = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
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
    g_mutex_lock(&depths_lock);
    GHashTableIter iter;
    gpointer value = NULL;
    g_hash_table_iter_init(&iter, depths);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        if (((Depth *)value)->parser == parser)
            ((Depth *)value)->depth = 0; /* a new document */
    }
    g_mutex_unlock(&depths_lock);
    if (set_default != NULL)
        set_default(parser, drop); /* a reset clears every handler */
    return XML_TRUE;
}

/* ---- the depth limit ---- */

/* The depth after @delta for @user_data's parser (-1: unknown parser). */
static int
move(void *user_data, int delta)
{
    g_mutex_lock(&depths_lock);
    Depth *depth = g_hash_table_lookup(depths, user_data);
    int now = depth != NULL ? (depth->depth += delta) : -1;
    g_mutex_unlock(&depths_lock);
    return now;
}

static void
guarded_start(void *user_data, const XML_Char *name, const XML_Char **attributes)
{
    if (move(user_data, 1) <= LV_XMPP_MAX_DEPTH)
        inner_start(user_data, name, attributes);
}

static void
guarded_end(void *user_data, const XML_Char *name)
{
    if (move(user_data, -1) < LV_XMPP_MAX_DEPTH)
        inner_end(user_data, name);
}

static void
guarded_characters(void *user_data, const XML_Char *text, int length)
{
    if (move(user_data, 0) <= LV_XMPP_MAX_DEPTH)
        inner_characters(user_data, text, length);
}

/* libstrophe sets its user data after every create and reset: a new stream. */
void
XML_SetUserData(XML_Parser parser, void *user_data)
{
    resolve();
    g_mutex_lock(&depths_lock);
    Depth *depth = g_new0(Depth, 1);
    depth->parser = parser;
    g_hash_table_replace(depths, user_data, depth);
    g_mutex_unlock(&depths_lock);
    if (real_set_user_data != NULL)
        real_set_user_data(parser, user_data);
}

void
XML_SetElementHandler(XML_Parser parser, XML_StartElementHandler start, XML_EndElementHandler end)
{
    resolve();
    if (real_set_element == NULL)
        return;
    if (start == NULL || end == NULL || (inner_start != NULL && inner_start != start)) {
        real_set_element(parser, start, end); /* not libstrophe's: left alone */
        return;
    }
    inner_start = start;
    inner_end = end;
    real_set_element(parser, guarded_start, guarded_end);
}

void
XML_SetCharacterDataHandler(XML_Parser parser, XML_CharacterDataHandler characters)
{
    resolve();
    if (real_set_characters == NULL)
        return;
    if (characters == NULL || (inner_characters != NULL && inner_characters != characters)) {
        real_set_characters(parser, characters);
        return;
    }
    inner_characters = characters;
    real_set_characters(parser, guarded_characters);
}

static gboolean
of_parser(gpointer key, gpointer value, gpointer parser)
{
    return ((Depth *)value)->parser == parser;
}

void
XML_ParserFree(XML_Parser parser)
{
    resolve();
    g_mutex_lock(&depths_lock);
    g_hash_table_foreach_remove(depths, of_parser, parser);
    g_mutex_unlock(&depths_lock);
    if (real_free != NULL)
        real_free(parser);
}

gboolean
lv_xmpp_expat_guard_active(void)
{
    resolve();
    return real_create != NULL && real_reset != NULL && set_default != NULL &&
           real_set_user_data != NULL && real_set_element != NULL && real_set_characters != NULL &&
           real_free != NULL;
}
