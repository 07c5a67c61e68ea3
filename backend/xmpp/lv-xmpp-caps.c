/* lv-xmpp-caps: the XEP-0115 verification string, the <c/> element, and the
 * process's cache of verified results (see the header). */
#include "lv-xmpp-caps.h"

#include <string.h>

#include "lv-error.h"
#include "lv-xmpp-features.h"

#define NS_DATA_FORMS "jabber:x:data"
/* Enough for every client and service an account meets; beyond, results are not
 * kept (they are still answered). */
#define CACHE_MAX 4096

/* The text of @stanza (a "" if empty) (transfer full, g_malloc). */
static char *
text_of(xmpp_stanza_t *stanza)
{
    char *text = xmpp_stanza_get_text(stanza);
    char *copy = g_strdup(text != NULL ? text : "");

    if (text != NULL)
        xmpp_free(xmpp_stanza_get_context(stanza), text);
    return copy;
}

static const char *
attribute(xmpp_stanza_t *stanza, const char *name)
{
    const char *value = xmpp_stanza_get_attribute(stanza, name);

    return value != NULL ? value : "";
}

/* libstrophe's parser keeps xml:lang as "lang"; stanzas we build say "xml:lang". */
static const char *
lang_of(xmpp_stanza_t *stanza)
{
    const char *lang = xmpp_stanza_get_attribute(stanza, "xml:lang");

    return lang != NULL ? lang : attribute(stanza, "lang");
}

static gint
compare_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Identities sort on category, then type, then xml:lang, then name (§5.1 step 2):
 * each kept as its four parts. */
static gint
compare_identities(gconstpointer a, gconstpointer b)
{
    const char *const *x = *(const char *const *const *)a;
    const char *const *y = *(const char *const *const *)b;

    for (int i = 0; i < 4; i++) {
        int order = strcmp(x[i], y[i]);
        if (order != 0)
            return order;
    }
    return 0;
}

static gboolean
has_duplicate(GPtrArray *sorted, GCompareFunc compare)
{
    for (guint i = 1; i < sorted->len; i++) {
        if (compare(&sorted->pdata[i - 1], &sorted->pdata[i]) == 0)
            return TRUE;
    }
    return FALSE;
}

static gboolean
ill_formed(GError **error, const char *what)
{
    g_set_error(error, LV_ERROR, LV_ERROR_DATA, "ill-formed disco#info for capabilities: %s", what);
    return FALSE;
}

/* A (key, text) pair sorted on its key: a field (var, its part) or a form
 * (FORM_TYPE, its part). */
typedef struct {
    char *key;
    char *text;
} Part;

static void
part_free(gpointer data)
{
    Part *part = data;

    g_free(part->key);
    g_free(part->text);
    g_free(part);
}

static gint
compare_parts(gconstpointer a, gconstpointer b)
{
    return strcmp((*(Part *const *)a)->key, (*(Part *const *)b)->key);
}

static Part *
part_new(char *key, char *text)
{
    Part *part = g_new0(Part, 1);

    part->key = key;
    part->text = text;
    return part;
}

/* The texts of a field's <value/> children (transfer full). */
static GPtrArray *
values_of(xmpp_stanza_t *field)
{
    GPtrArray *values = g_ptr_array_new_with_free_func(g_free);

    for (xmpp_stanza_t *v = xmpp_stanza_get_children(field); v != NULL;
         v = xmpp_stanza_get_next(v)) {
        if (g_strcmp0(xmpp_stanza_get_name(v), "value") == 0)
            g_ptr_array_add(values, text_of(v));
    }
    return values;
}

/* One field: "var<value<value<…", its values sorted (§5.1 step 7.3). */
static Part *
field_part(xmpp_stanza_t *field, const char *var)
{
    g_autoptr(GPtrArray) values = values_of(field);
    GString *text = g_string_new(var);

    g_ptr_array_sort(values, compare_strings);
    g_string_append_c(text, '<');
    for (guint i = 0; i < values->len; i++)
        g_string_append_printf(text, "%s<", (const char *)values->pdata[i]);
    return part_new(g_strdup(var), g_string_free(text, FALSE));
}

/* One extended form: "FORM_TYPE<" then its fields sorted by var (§5.1 step 7).
 * NULL without error for a form to leave out (no hidden FORM_TYPE, §5.4 3.6);
 * NULL with @error if ill-formed. */
static Part *
form_part(xmpp_stanza_t *x, GError **error)
{
    g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func(part_free);
    g_autoptr(GPtrArray) type_values = NULL;
    gboolean hidden = FALSE;

    for (xmpp_stanza_t *f = xmpp_stanza_get_children(x); f != NULL; f = xmpp_stanza_get_next(f)) {
        const char *var = xmpp_stanza_get_attribute(f, "var");
        if (g_strcmp0(xmpp_stanza_get_name(f), "field") != 0 || var == NULL)
            continue;
        if (!g_str_equal(var, "FORM_TYPE")) {
            g_ptr_array_add(fields, field_part(f, var));
            continue;
        }
        if (type_values != NULL) {
            ill_formed(error, "a form with two FORM_TYPE fields");
            return NULL;
        }
        type_values = values_of(f);
        hidden = g_strcmp0(xmpp_stanza_get_attribute(f, "type"), "hidden") == 0;
    }
    for (guint i = 1; type_values != NULL && i < type_values->len; i++) {
        if (strcmp(type_values->pdata[0], type_values->pdata[i]) != 0) {
            ill_formed(error, "a FORM_TYPE with different values");
            return NULL;
        }
    }
    if (type_values == NULL || type_values->len == 0 || !hidden)
        return NULL;
    g_ptr_array_sort(fields, compare_parts);
    GString *text = g_string_new(type_values->pdata[0]);
    g_string_append_c(text, '<');
    for (guint i = 0; i < fields->len; i++)
        g_string_append(text, ((Part *)fields->pdata[i])->text);
    return part_new(g_strdup(type_values->pdata[0]), g_string_free(text, FALSE));
}

/* Appends the forms sorted by FORM_TYPE; FALSE with @error if ill-formed. */
static gboolean
append_forms(GString *s, xmpp_stanza_t *query, GError **error)
{
    g_autoptr(GPtrArray) forms = g_ptr_array_new_with_free_func(part_free);

    for (xmpp_stanza_t *x = xmpp_stanza_get_children(query); x != NULL;
         x = xmpp_stanza_get_next(x)) {
        if (g_strcmp0(xmpp_stanza_get_name(x), "x") != 0 ||
            g_strcmp0(xmpp_stanza_get_ns(x), NS_DATA_FORMS) != 0)
            continue;
        GError *form_error = NULL;
        Part *form = form_part(x, &form_error);
        if (form_error != NULL) {
            g_propagate_error(error, form_error);
            return FALSE;
        }
        if (form != NULL)
            g_ptr_array_add(forms, form);
    }
    g_ptr_array_sort(forms, compare_parts);
    if (has_duplicate(forms, compare_parts))
        return ill_formed(error, "two forms with the same FORM_TYPE");
    for (guint i = 0; i < forms->len; i++)
        g_string_append(s, ((Part *)forms->pdata[i])->text);
    return TRUE;
}

/* Appends identities then features, sorted (§5.1 steps 2-6). */
static gboolean
append_identities_features(GString *s, xmpp_stanza_t *query, GError **error)
{
    g_autoptr(GPtrArray) identities = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) features = g_ptr_array_new();

    for (xmpp_stanza_t *c = xmpp_stanza_get_children(query); c != NULL;
         c = xmpp_stanza_get_next(c)) {
        const char *name = xmpp_stanza_get_name(c);
        if (g_strcmp0(name, "identity") == 0) {
            const char **parts = g_new0(const char *, 4);
            parts[0] = attribute(c, "category");
            parts[1] = attribute(c, "type");
            parts[2] = lang_of(c);
            parts[3] = attribute(c, "name");
            g_ptr_array_add(identities, parts);
        } else if (g_strcmp0(name, "feature") == 0) {
            g_ptr_array_add(features, (gpointer)attribute(c, "var"));
        }
    }
    g_ptr_array_sort(identities, compare_identities);
    g_ptr_array_sort(features, compare_strings);
    if (has_duplicate(identities, compare_identities))
        return ill_formed(error, "two identical identities");
    if (has_duplicate(features, compare_strings))
        return ill_formed(error, "a feature given twice");
    for (guint i = 0; i < identities->len; i++) {
        const char *const *parts = identities->pdata[i];
        g_string_append_printf(s, "%s/%s/%s/%s<", parts[0], parts[1], parts[2], parts[3]);
    }
    for (guint i = 0; i < features->len; i++)
        g_string_append_printf(s, "%s<", (const char *)features->pdata[i]);
    return TRUE;
}

char *
lv_xmpp_caps_compute_ver(xmpp_stanza_t *query, GError **error)
{
    g_autoptr(GString) s = g_string_new(NULL);
    guint8 digest[20];
    gsize length = sizeof digest;

    if (!append_identities_features(s, query, error) || !append_forms(s, query, error))
        return NULL;
    g_autoptr(GChecksum) sha1 = g_checksum_new(G_CHECKSUM_SHA1);
    g_checksum_update(sha1, (const guchar *)s->str, s->len);
    g_checksum_get_digest(sha1, digest, &length);
    return g_base64_encode(digest, length);
}

const char *
lv_xmpp_caps_get_own_ver(xmpp_ctx_t *ctx)
{
    static char *ver;
    static gsize done = 0;

    if (g_once_init_enter(&done)) {
        xmpp_stanza_t *query = xmpp_stanza_new(ctx);
        xmpp_stanza_set_name(query, "query");
        xmpp_stanza_set_ns(query, LV_NS_DISCO_INFO);
        lv_xmpp_features_add_to_query(query);
        ver = lv_xmpp_caps_compute_ver(query, NULL);
        xmpp_stanza_release(query);
        g_once_init_leave(&done, 1);
    }
    return ver;
}

void
lv_xmpp_caps_add(xmpp_stanza_t *presence, const char *node, const char *ver)
{
    xmpp_stanza_t *c = xmpp_stanza_new(xmpp_stanza_get_context(presence));

    xmpp_stanza_set_name(c, "c");
    xmpp_stanza_set_ns(c, LV_NS_CAPS);
    xmpp_stanza_set_attribute(c, "hash", "sha-1");
    xmpp_stanza_set_attribute(c, "node", node);
    xmpp_stanza_set_attribute(c, "ver", ver);
    xmpp_stanza_add_child(presence, c);
    xmpp_stanza_release(c);
}

const char *
lv_xmpp_caps_parse(xmpp_stanza_t *presence)
{
    xmpp_stanza_t *c = xmpp_stanza_get_child_by_ns(presence, LV_NS_CAPS);
    const char *ver = c != NULL ? xmpp_stanza_get_attribute(c, "ver") : NULL;

    if (c == NULL || g_strcmp0(xmpp_stanza_get_name(c), "c") != 0 ||
        g_strcmp0(xmpp_stanza_get_attribute(c, "hash"), "sha-1") != 0 || ver == NULL ||
        ver[0] == '\0' || !g_utf8_validate(ver, -1, NULL))
        return NULL;
    return ver;
}

/* ---- the cache ---- */

static GMutex cache_lock;
static GHashTable *cache;           /* ver → GVariant, under cache_lock */
static GMainContext *watch_context; /* under cache_lock */
static LvXmppCapsCacheFunc watch_func;
static gpointer watch_data;
static guint watch_generation; /* changes with each watch: stale posts are dropped */

typedef struct {
    char *ver;
    GVariant *info;
    guint generation;
} Added;

static void
added_free(gpointer data)
{
    Added *added = data;

    g_free(added->ver);
    g_variant_unref(added->info);
    g_free(added);
}

static gboolean
deliver_added(gpointer data)
{
    Added *added = data;
    LvXmppCapsCacheFunc func = NULL;
    gpointer user_data = NULL;

    g_mutex_lock(&cache_lock);
    if (added->generation == watch_generation) {
        func = watch_func;
        user_data = watch_data;
    }
    g_mutex_unlock(&cache_lock);
    if (func != NULL)
        func(added->ver, added->info, user_data);
    return G_SOURCE_REMOVE;
}

GVariant *
lv_xmpp_caps_cache_lookup(const char *ver)
{
    GVariant *info = NULL;

    g_mutex_lock(&cache_lock);
    if (cache != NULL && ver != NULL)
        info = g_hash_table_lookup(cache, ver);
    if (info != NULL)
        g_variant_ref(info);
    g_mutex_unlock(&cache_lock);
    return info;
}

/* Keeps @info; TRUE if it is new. Called with cache_lock held. */
static gboolean
keep(const char *ver, GVariant *info)
{
    if (cache == NULL)
        cache = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify)g_variant_unref);
    if (g_hash_table_contains(cache, ver) || g_hash_table_size(cache) >= CACHE_MAX)
        return FALSE;
    g_hash_table_insert(cache, g_strdup(ver), g_variant_ref(info));
    return TRUE;
}

void
lv_xmpp_caps_cache_insert(const char *ver, GVariant *info)
{
    g_autoptr(GVariant) owned = g_variant_ref_sink(info);
    g_autoptr(GMainContext) context = NULL;
    Added *added = NULL;

    g_mutex_lock(&cache_lock);
    if (keep(ver, owned) && watch_func != NULL) {
        added = g_new0(Added, 1);
        added->ver = g_strdup(ver);
        added->info = g_variant_ref(owned);
        added->generation = watch_generation;
        context = watch_context != NULL ? g_main_context_ref(watch_context) : NULL;
    }
    g_mutex_unlock(&cache_lock);
    if (added == NULL)
        return;
    /* Always later, on the watcher's context, never from inside this call. */
    GSource *idle = g_idle_source_new();
    g_source_set_callback(idle, deliver_added, added, added_free);
    g_source_attach(idle, context);
    g_source_unref(idle);
}

void
lv_xmpp_caps_cache_load(const char *ver, GVariant *info)
{
    g_autoptr(GVariant) owned = g_variant_ref_sink(info);

    g_mutex_lock(&cache_lock);
    keep(ver, owned);
    g_mutex_unlock(&cache_lock);
}

void
lv_xmpp_caps_cache_watch(GMainContext *context, LvXmppCapsCacheFunc func, gpointer user_data)
{
    g_mutex_lock(&cache_lock);
    g_clear_pointer(&watch_context, g_main_context_unref);
    watch_context = func != NULL && context != NULL ? g_main_context_ref(context) : NULL;
    watch_func = func;
    watch_data = user_data;
    watch_generation++;
    g_mutex_unlock(&cache_lock);
}

void
lv_xmpp_caps_cache_clear(void)
{
    g_mutex_lock(&cache_lock);
    g_clear_pointer(&cache, g_hash_table_unref);
    g_mutex_unlock(&cache_lock);
}
