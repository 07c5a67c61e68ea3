/* lv-params: the parameter table and its validation. */
#include "lv-params.h"

#include <string.h>

#include "lv-error.h"
#include "lv-jid.h"

#define NO_RANGE 0, 0

static const LvParamDef params[] = {
    { "General", "Password", "Profile password", LV_PARAM_PASSWORD, "", LV_PARAM_NO_SECURITY,
      NO_RANGE },
    { "General", "History", "Chat history limit", LV_PARAM_INT, "20", 0, 0, 100 },
    { "General", "Offline contacts", "Show offline contacts", LV_PARAM_BOOL, "false", 0, NO_RANGE },
    { "General", "Empty groups", "Show empty groups", LV_PARAM_BOOL, "true", 0, NO_RANGE },
    { "Connection", "JabberID", "XMPP address", LV_PARAM_JID, "name@example.org", 10, NO_RANGE },
    { "Connection", "Password", "XMPP password", LV_PARAM_PASSWORD, "", 10, NO_RANGE },
    { "Connection", "Priority", "Priority", LV_PARAM_INT, "50", 10, -128, 127 },
    { "Connection", "Force server", "Force server", LV_PARAM_STRING, "", 50, NO_RANGE },
    { "Connection", "Force port", "Force port", LV_PARAM_INT, "", 50, 1, 65535 },
    { "Connection", "autoconnect_backend", "Connect on backend startup", LV_PARAM_BOOL, "false", 50,
      NO_RANGE },
    { "Connection", "autoconnect", "Connect on frontend startup", LV_PARAM_BOOL, "true", 50,
      NO_RANGE },
    { "Connection", "autodisconnect", "Disconnect on frontend closure", LV_PARAM_BOOL, "false", 50,
      NO_RANGE },
    { "Connection", "CA file", "Certificate authorities to trust (a PEM file; empty: the system's)",
      LV_PARAM_STRING, "", 50, NO_RANGE },
    { "Connection", "check_certificate", "Check certificate (don't uncheck if unsure)",
      LV_PARAM_BOOL, "true", 4, NO_RANGE },
    { "Connection", "Trusted certificate",
      "SHA-256 fingerprint of a server certificate to accept though it does not verify "
      "(self-signed); empty: none",
      LV_PARAM_STRING, "", 50, NO_RANGE },
    { "Connection", "allow_plaintext",
      "Allow a server without TLS (everything but the password in clear; only with "
      "SCRAM: PLAIN is never sent in clear)",
      LV_PARAM_BOOL, "false", 4, NO_RANGE },
    { NULL },
};

static const char *const categories[] = { "General", "Connection", NULL };

const LvParamDef *
lv_params_all(void)
{
    return params;
}

const char *const *
lv_params_categories(void)
{
    return categories;
}

const LvParamDef *
lv_params_lookup(const char *category, const char *name)
{
    for (const LvParamDef *p = params; p->category != NULL; p++) {
        if (g_str_equal(p->category, category) && g_str_equal(p->name, name))
            return p;
    }
    return NULL;
}

gboolean
lv_params_visible(const LvParamDef *def, int security_limit)
{
    return security_limit < 0 || def->security <= security_limit;
}

const char *
lv_params_type_name(const LvParamDef *def)
{
    switch (def->type) {
    case LV_PARAM_PASSWORD:
        return "password";
    case LV_PARAM_INT:
        return "int";
    case LV_PARAM_BOOL:
        return "bool";
    default:
        return "string";
    }
}

const char *
lv_params_mask(const char *stored)
{
    return stored != NULL && stored[0] != '\0' ? "********" : "";
}

static gboolean
validate_int(const LvParamDef *def, const char *value, char **normalized, GError **error)
{
    gint64 number = 0;
    g_autofree char *text = g_strstrip(g_strdup(value));

    if (text[0] == '\0' && def->default_value[0] == '\0') {
        *normalized = g_strdup(""); /* an optional number, e.g. Force port */
        return TRUE;
    }
    if (!g_ascii_string_to_signed(text, 10, def->min, def->max, &number, NULL)) {
        g_set_error(error, LV_ERROR, LV_ERROR_DATA,
                    "%s/%s must be a whole number from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT
                    ", not '%s'",
                    def->category, def->name, def->min, def->max, value);
        return FALSE;
    }
    *normalized = g_strdup_printf("%" G_GINT64_FORMAT, number);
    return TRUE;
}

static gboolean
validate_bool(const LvParamDef *def, const char *value, char **normalized, GError **error)
{
    static const char *const truths[] = { "true", "1", "yes", "on", NULL };
    static const char *const lies[] = { "false", "0", "no", "off", NULL };
    g_autofree char *lower = g_ascii_strdown(value, -1);

    if (g_strv_contains(truths, lower) || g_strv_contains(lies, lower)) {
        *normalized = g_strdup(g_strv_contains(truths, lower) ? "true" : "false");
        return TRUE;
    }
    g_set_error(error, LV_ERROR, LV_ERROR_DATA, "%s/%s must be true or false, not '%s'",
                def->category, def->name, value);
    return FALSE;
}

gboolean
lv_params_validate(const LvParamDef *def, const char *value, char **normalized, GError **error)
{
    if (!g_utf8_validate(value, -1, NULL)) {
        g_set_error(error, LV_ERROR, LV_ERROR_DATA, "%s/%s: not valid UTF-8", def->category,
                    def->name);
        return FALSE;
    }
    switch (def->type) {
    case LV_PARAM_INT:
        return validate_int(def, value, normalized, error);
    case LV_PARAM_BOOL:
        return validate_bool(def, value, normalized, error);
    case LV_PARAM_JID: {
        g_autoptr(LvJid) jid = lv_jid_parse(value, error);
        if (jid == NULL) {
            g_prefix_error(error, "%s/%s: ", def->category, def->name);
            return FALSE;
        }
        *normalized = lv_jid_dup_string(jid);
        return TRUE;
    }
    default:
        *normalized = g_strdup(value);
        return TRUE;
    }
}
