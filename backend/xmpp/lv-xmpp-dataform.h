/* lv-xmpp-dataform: data forms (XEP-0004), parsed from and built to stanzas, with
 * no account and no I/O: what the room configuration (muc#owner) and any later
 * form user (ad-hoc commands, registration, search) share.
 *
 * A form from the network is checked as it is parsed: a known form type, known
 * field types, a var on every field but fixed ones, no duplicate var, one value at
 * most in single-valued fields, booleans and JIDs that parse, sizes bounded. What
 * breaks a rule refuses the whole form (LV_ERROR_PARSING): nothing half-read
 * reaches a user. Values given by a user are checked against the form they answer
 * before anything is sent (lv_xmpp_dataform_new_submit).
 */
#pragma once

#include <json-glib/json-glib.h>
#include <strophe.h>

G_BEGIN_DECLS

#define LV_NS_DATA "jabber:x:data"

/* Bounds for a form from the network: larger ones are refused, not cut. */
#define LV_XMPP_DATAFORM_MAX_FIELDS 256
#define LV_XMPP_DATAFORM_MAX_VALUES 1024 /* per field: values, and options */

typedef struct {
    char *label; /* NULL: none */
    char *value;
} LvXmppDataformOption;

typedef struct {
    char *var;   /* NULL only for fixed fields */
    char *type;  /* one of XEP-0004's, "text-single" when not given */
    char *label; /* NULL: none */
    char *desc;  /* NULL: none */
    gboolean required;
    GPtrArray *values;  /* char* */
    GPtrArray *options; /* LvXmppDataformOption* */
} LvXmppDataformField;

typedef struct {
    char *type;         /* form, submit, result, cancel */
    char *title;        /* NULL: none */
    char *instructions; /* NULL: none; several are joined with newlines */
    GPtrArray *fields;  /* LvXmppDataformField*, in document order */
} LvXmppDataform;

void lv_xmpp_dataform_free(LvXmppDataform *form);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(LvXmppDataform, lv_xmpp_dataform_free)

/* Parses the <x xmlns='jabber:x:data'/> element @x (transfer none). Returns the
 * form (transfer full) or NULL with LV_ERROR_PARSING naming what is wrong. */
LvXmppDataform *lv_xmpp_dataform_parse(xmpp_stanza_t *x, GError **error);

/* The first <x xmlns='jabber:x:data'/> child of @parent (transfer none), NULL if none. */
xmpp_stanza_t *lv_xmpp_dataform_find(xmpp_stanza_t *parent);

/* The field named @var of @form (transfer none), NULL if none. */
LvXmppDataformField *lv_xmpp_dataform_get_field(const LvXmppDataform *form, const char *var);

/* The value of the hidden FORM_TYPE field (transfer none), NULL if none. */
const char *lv_xmpp_dataform_get_form_type(const LvXmppDataform *form);

/* The answer to @form (of type "form") with the user's @changes (var → NULL-terminated
 * char** of values, transfer none): every field of @form keeps its value unless
 * changed, fixed fields are left out. Refuses with LV_ERROR_DATA, naming the field,
 * a var the form lacks, a fixed or hidden field, several values for a single-valued
 * field, a boolean other than 0/1/true/false, a JID that does not parse, a value not
 * among a list's options, a required field left empty. Returns a form of type
 * "submit" (transfer full) or NULL. */
LvXmppDataform *lv_xmpp_dataform_new_submit(const LvXmppDataform *form, GHashTable *changes,
                                            GError **error);

/* @form as an <x xmlns='jabber:x:data'/> element (transfer full). */
xmpp_stanza_t *lv_xmpp_dataform_to_stanza(xmpp_ctx_t *ctx, const LvXmppDataform *form);

/* An empty form of type "cancel" (transfer full). */
xmpp_stanza_t *lv_xmpp_dataform_new_cancel(xmpp_ctx_t *ctx);

/* @form in JSON for frontends and scripts (transfer full):
 * {"type", "title"?, "instructions"?, "fields": [{"var"?, "type", "label"?, "desc"?,
 *  "required", "values": [..], "options"?: [{"value", "label"?}]}]}. */
JsonNode *lv_xmpp_dataform_to_json(const LvXmppDataform *form);

/* Reads the changes of a submission from JSON @text: an object of var → string, or
 * var → array of strings (multi-valued fields), or var → boolean. Returns a table
 * var → char** (transfer full) or NULL with LV_ERROR_DATA. */
GHashTable *lv_xmpp_dataform_changes_from_json(const char *text, GError **error);

G_END_DECLS
