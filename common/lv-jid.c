/* lv-jid: the RFC 7622 parser (see lv-jid.h). PRECIS profiles are approximated by
 * NFC normalisation and lower-casing; forbidden characters are refused. */
#include "lv-jid.h"

#include <string.h>

#include "lv-error.h"

#define MAX_PART 1023

struct _LvJid {
    char *local;
    char *domain;
    char *resource;
};

void
lv_jid_free(LvJid *jid)
{
    if (jid == NULL)
        return;
    g_free(jid->local);
    g_free(jid->domain);
    g_free(jid->resource);
    g_free(jid);
}

/* Characters no part may hold (RFC 7622 via PRECIS, RFC 8264 §9): controls,
 * unassigned code points, and the bidi overrides that would make an address read
 * as another one on screen. */
static gboolean
has_control(const char *text)
{
    for (const char *p = text; *p != '\0'; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (g_unichar_iscntrl(c) || c == 0x2028 || c == 0x2029 ||
            g_unichar_type(c) == G_UNICODE_UNASSIGNED || (c >= 0x202a && c <= 0x202e) ||
            (c >= 0x2066 && c <= 0x2069))
            return TRUE;
    }
    return FALSE;
}

/* Normalises one part and checks what every part must respect. */
static char *
clean_part(const char *raw, gssize length, const char *what, gboolean lower, GError **error)
{
    g_autofree char *nfc = g_utf8_normalize(raw, length, G_NORMALIZE_NFC);

    if (nfc == NULL || nfc[0] == '\0' || strlen(nfc) > MAX_PART || has_control(nfc)) {
        g_set_error(error, LV_ERROR, LV_ERROR_DATA, "invalid XMPP address: bad %s", what);
        return NULL;
    }
    return lower ? g_utf8_strdown(nfc, -1) : g_steal_pointer(&nfc);
}

static gboolean
local_ok(const char *local)
{
    for (const char *p = local; *p != '\0'; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (strchr("\"&'/:<>@", (int)c) != NULL && c < 0x80)
            return FALSE;
        if (g_unichar_isspace(c))
            return FALSE;
    }
    return TRUE;
}

/* An IP-literal domain ("[::1]", RFC 7622 §3.2) must hold an IPv6 address. */
static gboolean
ip_literal_ok(const char *domain)
{
    gsize length = strlen(domain);

    if (domain[0] != '[')
        return strchr(domain, '[') == NULL && strchr(domain, ']') == NULL;
    if (length < 3 || domain[length - 1] != ']')
        return FALSE;
    g_autofree char *inner = g_strndup(domain + 1, length - 2);
    return strchr(inner, ':') != NULL && g_hostname_is_ip_address(inner);
}

static gboolean
domain_ok(const char *domain)
{
    if (!ip_literal_ok(domain))
        return FALSE;
    for (const char *p = domain; *p != '\0'; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (g_unichar_isspace(c) || c == '@' || c == '/' || c == '"' || c == '<' || c == '>' ||
            c == '\'' || c == '&')
            return FALSE;
    }
    /* Empty labels ("a..b", "h." left by "h.." once its final dot is cut) are not
     * DNS names, and would give two spellings of one domain. */
    return domain[0] != '.' && !g_str_has_suffix(domain, ".") && strstr(domain, "..") == NULL;
}

LvJid *
lv_jid_parse(const char *text, GError **error)
{
    if (text == NULL || !g_utf8_validate(text, -1, NULL)) {
        g_set_error_literal(error, LV_ERROR, LV_ERROR_DATA, "invalid XMPP address: not UTF-8");
        return NULL;
    }
    const char *slash = strchr(text, '/');
    gsize bare_length = slash != NULL ? (gsize)(slash - text) : strlen(text);
    const char *at = memchr(text, '@', bare_length);
    g_autoptr(LvJid) jid = g_new0(LvJid, 1);

    if (at != NULL) {
        jid->local = clean_part(text, at - text, "local part", TRUE, error);
        if (jid->local == NULL || !local_ok(jid->local)) {
            g_clear_error(error);
            g_set_error(error, LV_ERROR, LV_ERROR_DATA, "invalid XMPP address '%s': bad local part",
                        text);
            return NULL;
        }
    }
    const char *domain_start = at != NULL ? at + 1 : text;
    gsize domain_length = (gsize)(text + bare_length - domain_start);
    if (domain_length > 1 && domain_start[domain_length - 1] == '.')
        domain_length--; /* a fully qualified name's final dot */
    jid->domain = clean_part(domain_start, (gssize)domain_length, "domain", TRUE, error);
    if (jid->domain == NULL || !domain_ok(jid->domain)) {
        g_clear_error(error);
        g_set_error(error, LV_ERROR, LV_ERROR_DATA, "invalid XMPP address '%s': bad domain", text);
        return NULL;
    }
    if (slash != NULL) {
        jid->resource = clean_part(slash + 1, -1, "resource", FALSE, error);
        if (jid->resource == NULL)
            return NULL;
    }
    return g_steal_pointer(&jid);
}

const char *
lv_jid_get_local(const LvJid *jid)
{
    return jid->local;
}

const char *
lv_jid_get_domain(const LvJid *jid)
{
    return jid->domain;
}

const char *
lv_jid_get_resource(const LvJid *jid)
{
    return jid->resource;
}

char *
lv_jid_dup_bare(const LvJid *jid)
{
    return jid->local != NULL ? g_strconcat(jid->local, "@", jid->domain, NULL)
                              : g_strdup(jid->domain);
}

char *
lv_jid_dup_string(const LvJid *jid)
{
    g_autofree char *bare = lv_jid_dup_bare(jid);

    return jid->resource != NULL ? g_strconcat(bare, "/", jid->resource, NULL)
                                 : g_steal_pointer(&bare);
}
