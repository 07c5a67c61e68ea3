/* lv-file-name: safe names for files from the network (see the header). */
#include "lv-file-name.h"

#include <string.h>

static gboolean
is_unwanted(gunichar c)
{
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f))
        return TRUE; /* C0, DEL, C1 */
    /* Bidi embeddings, overrides and isolates reorder what a terminal shows. */
    return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0x200e ||
           c == 0x200f || c == 0x061c || c == 0xfeff;
}

/* The last component of @name, as valid UTF-8 (transfer full). */
static char *
last_component(const char *name)
{
    g_autofree char *valid = g_utf8_make_valid(name, -1);
    const char *start = valid;

    for (const char *p = valid; *p != '\0'; p++) {
        if (*p == '/' || *p == '\\')
            start = p + 1;
    }
    return g_strdup(start);
}

static char *
drop_unwanted(const char *name)
{
    GString *out = g_string_new(NULL);

    for (const char *p = name; *p != '\0'; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (!is_unwanted(c))
            g_string_append_unichar(out, c);
    }
    return g_string_free(out, FALSE);
}

/* Removes leading dots and spaces, trailing dots and spaces, in place. */
static void
trim(char *name)
{
    gsize start = strspn(name, ". ");
    gsize len = strlen(name);

    while (len > start && (name[len - 1] == '.' || name[len - 1] == ' '))
        len--;
    memmove(name, name + start, len - start);
    name[len - start] = '\0';
}

/* The first @max bytes of @text cut on a character boundary (transfer full). */
static char *
utf8_prefix(const char *text, gsize max)
{
    const char *end = text;

    while (*end != '\0') {
        const char *next = g_utf8_next_char(end);
        if ((gsize)(next - text) > max)
            break;
        end = next;
    }
    return g_strndup(text, end - text);
}

/* Cuts @name (owned) to LV_FILE_NAME_MAX bytes, keeping an extension of at most 16
 * bytes (transfer full). */
static char *
limit_length(char *name)
{
    if (strlen(name) <= LV_FILE_NAME_MAX)
        return name;
    const char *dot = strrchr(name, '.');
    const char *extension = dot != NULL && dot != name && strlen(dot) <= 16 ? dot : "";
    g_autofree char *stem = utf8_prefix(name, LV_FILE_NAME_MAX - strlen(extension));
    char *cut = g_strconcat(stem, extension, NULL);
    g_free(name);
    return cut;
}

char *
lv_file_name_sanitise(const char *name, const char *fallback)
{
    if (name == NULL)
        return g_strdup(fallback);
    g_autofree char *component = last_component(name);
    char *clean = drop_unwanted(component);
    trim(clean);
    clean = limit_length(clean);
    trim(clean); /* a cut may leave a trailing space or dot */
    if (clean[0] == '\0') {
        g_free(clean);
        return g_strdup(fallback);
    }
    return clean;
}

char *
lv_file_name_from_url(const char *url, const char *fallback)
{
    g_autoptr(GUri) uri = url != NULL ? g_uri_parse(url, G_URI_FLAGS_ENCODED, NULL) : NULL;
    const char *path = uri != NULL ? g_uri_get_path(uri) : NULL;
    const char *slash = path != NULL ? strrchr(path, '/') : NULL;
    const char *segment = slash != NULL ? slash + 1 : path;
    /* Decoded after the split: an encoded "%2F" is data, then dropped as a separator. */
    g_autofree char *decoded = segment != NULL ? g_uri_unescape_string(segment, NULL) : NULL;

    return lv_file_name_sanitise(decoded, fallback);
}
