/* lv-params: the parameters of a profile, as Libervia 0.9 defines them
 * (reference 4.3): category, name, type, default, range and security level.
 * Values cross the bridge as text ("true"/"false" for booleans). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
    LV_PARAM_STRING,
    LV_PARAM_PASSWORD, /* stored sealed; never in a signal or a log */
    LV_PARAM_INT,
    LV_PARAM_BOOL,
    LV_PARAM_JID,
} LvParamType;

/* No security level: visible only without a security limit (-1). */
#define LV_PARAM_NO_SECURITY G_MAXINT

typedef struct {
    const char *category;
    const char *name;
    const char *label;
    LvParamType type;
    const char *default_value;
    int security;
    gint64 min, max; /* for integers */
} LvParamDef;

/* The parameter @category/@name, or NULL (transfer none). */
const LvParamDef *lv_params_lookup(const char *category, const char *name);

/* Every parameter, terminated by an entry whose category is NULL (transfer none). */
const LvParamDef *lv_params_all(void);

/* The categories, in display order, NULL-terminated (transfer none). */
const char *const *lv_params_categories(void);

/* Libervia's rule: with @security_limit -1 everything is visible, else the
 * parameters whose level is at most the limit. */
gboolean lv_params_visible(const LvParamDef *def, int security_limit);

/* Checks @value for @def; the normal form to store (e.g. "true" for "1") in
 * @normalized (transfer full). LV_ERROR_DATA names the parameter and the rule. */
gboolean lv_params_validate(const LvParamDef *def, const char *value, char **normalized,
                            GError **error);

/* The "type" attribute Libervia reports for @def ("string", "password", "int",
 * "bool") (transfer none). */
const char *lv_params_type_name(const LvParamDef *def);

/* The value shown instead of a password: "" when unset, else a fixed mask. */
const char *lv_params_mask(const char *stored);

G_END_DECLS
