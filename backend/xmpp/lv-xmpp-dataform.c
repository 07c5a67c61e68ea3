/* lv-xmpp-dataform: XEP-0004 data forms, parsed with every rule checked before
 * anything is kept, and submissions checked against the form they answer. */
#include "lv-xmpp-dataform.h"

#include <stdarg.h>
#include <string.h>

#include "lv-error.h"
#include "lv-jid.h"
#include "lv-xmpp-account-private.h"

static const char *const field_types[] = {
    "boolean",     "fixed",      "hidden",       "jid-multi",   "jid-single", "list-multi",
    "list-single", "text-multi", "text-private", "text-single", NULL,
};
static const char *const form_types[] = { "form", "submit", "result", "cancel", NULL };

static void
option_free(gpointer data)
{
    LvXmppDataformOption *option = data;

    g_free(option->label);
    g_free(option->value);
    g_free(option);
}

static void
field_free(gpointer data)
{
    LvXmppDataformField *field = data;

    g_free(field->var);
    g_free(field->type);
    g_free(field->label);
    g_free(field->desc);
    g_ptr_array_unref(field->values);
    g_ptr_array_unref(field->options);
    g_free(field);
}

static LvXmppDataformField *
field_new(const char *var, const char *type)
{
    LvXmppDataformField *field = g_new0(LvXmppDataformField, 1);

    field->var = g_strdup(var);
    field->type = g_strdup(type);
    field->values = g_ptr_array_new_with_free_func(g_free);
    field->options = g_ptr_array_new_with_free_func(option_free);
    return field;
}

void
lv_xmpp_dataform_free(LvXmppDataform *form)
{
    if (form == NULL)
        return;
    g_free(form->type);
    g_free(form->title);
    g_free(form->instructions);
    g_ptr_array_unref(form->fields);
    g_free(form);
}

static LvXmppDataform *
form_new(const char *type)
{
    LvXmppDataform *form = g_new0(LvXmppDataform, 1);

    form->type = g_strdup(type);
    form->fields = g_ptr_array_new_with_free_func(field_free);
    return form;
}

static gboolean
is_multi(const char *type)
{
    return g_str_equal(type, "list-multi") || g_str_equal(type, "jid-multi") ||
           g_str_equal(type, "text-multi");
}

static gboolean
is_boolean_text(const char *value)
{
    return g_str_equal(value, "0") || g_str_equal(value, "1") || g_str_equal(value, "true") ||
           g_str_equal(value, "false");
}

/* The text of @element, "" if it has none (transfer full). */
static char *
text_of(xmpp_stanza_t *element)
{
    char *text = xmpp_stanza_get_text(element);
    char *copy = g_strdup(text != NULL ? text : "");

    if (text != NULL)
        xmpp_free(xmpp_stanza_get_context(element), text);
    return copy;
}

/* Child elements named @name of @parent (none in another namespace count). */
#define FOR_CHILDREN(c, parent)                                                                    \
    for (xmpp_stanza_t *c = xmpp_stanza_get_children(parent); c != NULL;                           \
         c = xmpp_stanza_get_next(c))                                                              \
        if (xmpp_stanza_is_tag(c) &&                                                               \
            (xmpp_stanza_get_ns(c) == NULL || g_str_equal(xmpp_stanza_get_ns(c), LV_NS_DATA)))

/* A field's name for a message: fixed fields have none. */
static const char *
name_of(const LvXmppDataformField *field)
{
    return field->var != NULL ? field->var : "(fixed)";
}

static gboolean
is_jid(const char *value)
{
    g_autoptr(LvJid) jid = lv_jid_parse(value, NULL);

    return jid != NULL;
}

static gboolean set_error(GError **error, int code, const char *format, va_list args)
        G_GNUC_PRINTF(3, 0);

static gboolean
set_error(GError **error, int code, const char *format, va_list args)
{
    g_autofree char *message = g_strdup_vprintf(format, args);

    g_set_error_literal(error, LV_ERROR, code, message);
    return FALSE;
}

/* A form from the network breaks a rule. */
static gboolean fail(GError **error, const char *format, ...) G_GNUC_PRINTF(2, 3);

static gboolean
fail(GError **error, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    set_error(error, LV_ERROR_PARSING, format, args);
    va_end(args);
    return FALSE;
}

static gboolean
parse_option(LvXmppDataformField *field, xmpp_stanza_t *element, GError **error)
{
    xmpp_stanza_t *value = xmpp_stanza_get_child_by_name(element, "value");

    if (value == NULL)
        return fail(error, "an option of field '%s' has no value", name_of(field));
    LvXmppDataformOption *option = g_new0(LvXmppDataformOption, 1);
    option->value = text_of(value);
    option->label = g_strdup(xmpp_stanza_get_attribute(element, "label"));
    g_ptr_array_add(field->options, option);
    return TRUE;
}

/* The values of @field agree with its type. */
static gboolean
check_values(const LvXmppDataformField *field, GError **error)
{
    if (field->values->len > 1 && !is_multi(field->type) && !g_str_equal(field->type, "fixed"))
        return fail(error, "field '%s' is single-valued but has several values", name_of(field));
    for (guint i = 0; i < field->values->len; i++) {
        const char *value = field->values->pdata[i];
        if (g_str_equal(field->type, "boolean") && !is_boolean_text(value))
            return fail(error, "field '%s' is boolean but has another value", name_of(field));
        if (g_str_has_prefix(field->type, "jid-") && value[0] != '\0' && !is_jid(value))
            return fail(error, "field '%s' has a value that is not a JID", name_of(field));
    }
    return TRUE;
}

static gboolean
parse_field_children(LvXmppDataformField *field, xmpp_stanza_t *element, GError **error)
{
    FOR_CHILDREN(c, element)
    {
        const char *name = xmpp_stanza_get_name(c);
        if (field->values->len + field->options->len >= LV_XMPP_DATAFORM_MAX_VALUES)
            return fail(error, "field '%s' has too many values or options", name_of(field));
        if (g_str_equal(name, "value")) {
            g_ptr_array_add(field->values, text_of(c));
        } else if (g_str_equal(name, "option")) {
            if (!parse_option(field, c, error))
                return FALSE;
        } else if (g_str_equal(name, "required")) {
            field->required = TRUE;
        } else if (g_str_equal(name, "desc") && field->desc == NULL) {
            field->desc = text_of(c);
        }
    }
    return check_values(field, error);
}

static LvXmppDataformField *
parse_field(const LvXmppDataform *form, xmpp_stanza_t *element, GError **error)
{
    const char *var = xmpp_stanza_get_attribute(element, "var");
    const char *type = xmpp_stanza_get_attribute(element, "type");

    if (type == NULL)
        type = "text-single";
    if (!g_strv_contains(field_types, type)) {
        fail(error, "a field has the unknown type '%s'", type);
        return NULL;
    }
    if (var == NULL && !g_str_equal(type, "fixed")) {
        fail(error, "a field of type '%s' has no var", type);
        return NULL;
    }
    if (var != NULL && lv_xmpp_dataform_get_field(form, var) != NULL) {
        fail(error, "field '%s' appears twice", var);
        return NULL;
    }
    LvXmppDataformField *field = field_new(var, type);
    field->label = g_strdup(xmpp_stanza_get_attribute(element, "label"));
    if (!parse_field_children(field, element, error)) {
        field_free(field);
        return NULL;
    }
    return field;
}

static void
append_line(char **text, char *line)
{
    char *joined = *text == NULL ? line : g_strconcat(*text, "\n", line, NULL);

    if (joined != line) {
        g_free(*text);
        g_free(line);
    }
    *text = joined;
}

LvXmppDataform *
lv_xmpp_dataform_parse(xmpp_stanza_t *x, GError **error)
{
    const char *type = x != NULL ? xmpp_stanza_get_type(x) : NULL;

    if (x == NULL || g_strcmp0(xmpp_stanza_get_name(x), "x") != 0 ||
        g_strcmp0(xmpp_stanza_get_ns(x), LV_NS_DATA) != 0) {
        fail(error, "no data form");
        return NULL;
    }
    if (type == NULL || !g_strv_contains(form_types, type)) {
        fail(error, "a data form has no known type ('%s')", type != NULL ? type : "");
        return NULL;
    }
    g_autoptr(LvXmppDataform) form = form_new(type);
    FOR_CHILDREN(c, x)
    {
        const char *name = xmpp_stanza_get_name(c);
        if (g_str_equal(name, "title") && form->title == NULL) {
            form->title = text_of(c);
        } else if (g_str_equal(name, "instructions")) {
            append_line(&form->instructions, text_of(c));
        } else if (g_str_equal(name, "field")) {
            if (form->fields->len >= LV_XMPP_DATAFORM_MAX_FIELDS) {
                fail(error, "a data form has too many fields");
                return NULL;
            }
            LvXmppDataformField *field = parse_field(form, c, error);
            if (field == NULL)
                return NULL;
            g_ptr_array_add(form->fields, field);
        }
        /* <reported/> and <item/> (multi-item results) are not used here: skipped. */
    }
    return g_steal_pointer(&form);
}

xmpp_stanza_t *
lv_xmpp_dataform_find(xmpp_stanza_t *parent)
{
    return parent != NULL ? xmpp_stanza_get_child_by_ns(parent, LV_NS_DATA) : NULL;
}

LvXmppDataformField *
lv_xmpp_dataform_get_field(const LvXmppDataform *form, const char *var)
{
    for (guint i = 0; i < form->fields->len; i++) {
        LvXmppDataformField *field = form->fields->pdata[i];
        if (g_strcmp0(field->var, var) == 0)
            return field;
    }
    return NULL;
}

const char *
lv_xmpp_dataform_get_form_type(const LvXmppDataform *form)
{
    LvXmppDataformField *field = lv_xmpp_dataform_get_field(form, "FORM_TYPE");

    return field != NULL && field->values->len > 0 ? field->values->pdata[0] : NULL;
}

/* ---- submissions ---- */

/* A user's value does not fit the form. */
static gboolean refuse(GError **error, const char *format, ...) G_GNUC_PRINTF(2, 3);

static gboolean
refuse(GError **error, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    set_error(error, LV_ERROR_DATA, format, args);
    va_end(args);
    return FALSE;
}

static gboolean
among_options(const LvXmppDataformField *field, const char *value)
{
    if (field->options->len == 0)
        return TRUE; /* a list the form does not restrict */
    for (guint i = 0; i < field->options->len; i++) {
        const LvXmppDataformOption *option = field->options->pdata[i];
        if (g_str_equal(option->value, value))
            return TRUE;
    }
    return FALSE;
}

static gboolean
check_value(const LvXmppDataformField *field, const char *value, GError **error)
{
    if (g_str_equal(field->type, "boolean") && !is_boolean_text(value))
        return refuse(error, "field '%s' takes a boolean (0, 1, true or false)", name_of(field));
    if (g_str_has_prefix(field->type, "jid-") && !is_jid(value))
        return refuse(error, "field '%s' takes JIDs", name_of(field));
    if (g_str_has_prefix(field->type, "list-") && !among_options(field, value))
        return refuse(error, "field '%s' takes one of its options (see the form)", name_of(field));
    return TRUE;
}

static gboolean
check_change(const LvXmppDataformField *field, const char *var, char **values, GError **error)
{
    if (field == NULL)
        return refuse(error, "the form has no field '%s'", var);
    if (g_str_equal(field->type, "fixed") || g_str_equal(field->type, "hidden"))
        return refuse(error, "field '%s' cannot be changed", var);
    if (!is_multi(field->type) && g_strv_length(values) > 1)
        return refuse(error, "field '%s' takes one value", var);
    for (char **v = values; *v != NULL; v++) {
        if (!check_value(field, *v, error))
            return FALSE;
    }
    return TRUE;
}

static LvXmppDataformField *
answer_field(const LvXmppDataformField *field, char **changed)
{
    LvXmppDataformField *answer = field_new(field->var, field->type);

    if (changed != NULL) {
        for (char **v = changed; *v != NULL; v++)
            g_ptr_array_add(answer->values, g_strdup(*v));
    } else {
        for (guint i = 0; i < field->values->len; i++)
            g_ptr_array_add(answer->values, g_strdup(field->values->pdata[i]));
    }
    return answer;
}

LvXmppDataform *
lv_xmpp_dataform_new_submit(const LvXmppDataform *form, GHashTable *changes, GError **error)
{
    GHashTableIter iter;
    gpointer key = NULL, value = NULL;

    g_hash_table_iter_init(&iter, changes);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        if (!check_change(lv_xmpp_dataform_get_field(form, key), key, value, error))
            return NULL;
    }
    g_autoptr(LvXmppDataform) submit = form_new("submit");
    for (guint i = 0; i < form->fields->len; i++) {
        const LvXmppDataformField *field = form->fields->pdata[i];
        if (field->var == NULL || g_str_equal(field->type, "fixed"))
            continue;
        LvXmppDataformField *answer = answer_field(field, g_hash_table_lookup(changes, field->var));
        g_ptr_array_add(submit->fields, answer);
        if (field->required &&
            (answer->values->len == 0 || ((char *)answer->values->pdata[0])[0] == '\0')) {
            refuse(error, "field '%s' is required", name_of(field));
            return NULL;
        }
    }
    return g_steal_pointer(&submit);
}

/* ---- building ---- */

static void
add_text_child(xmpp_stanza_t *parent, const char *name, const char *text)
{
    lv_xmpp_add_text(lv_xmpp_add_child(parent, name, NULL), text);
}

static void
add_field(xmpp_stanza_t *x, const LvXmppDataformField *field, gboolean full)
{
    xmpp_stanza_t *element = lv_xmpp_add_child(x, "field", NULL);

    if (field->var != NULL)
        xmpp_stanza_set_attribute(element, "var", field->var);
    xmpp_stanza_set_attribute(element, "type", field->type);
    if (full && field->label != NULL)
        xmpp_stanza_set_attribute(element, "label", field->label);
    if (full && field->desc != NULL)
        add_text_child(element, "desc", field->desc);
    if (full && field->required)
        lv_xmpp_add_child(element, "required", NULL);
    for (guint i = 0; i < field->values->len; i++)
        add_text_child(element, "value", field->values->pdata[i]);
    for (guint i = 0; full && i < field->options->len; i++) {
        const LvXmppDataformOption *option = field->options->pdata[i];
        xmpp_stanza_t *o = lv_xmpp_add_child(element, "option", NULL);
        if (option->label != NULL)
            xmpp_stanza_set_attribute(o, "label", option->label);
        add_text_child(o, "value", option->value);
    }
}

xmpp_stanza_t *
lv_xmpp_dataform_to_stanza(xmpp_ctx_t *ctx, const LvXmppDataform *form)
{
    xmpp_stanza_t *x = xmpp_stanza_new(ctx);
    /* A submission carries values only (XEP-0004 §3.2); other forms say it all. */
    gboolean full = !g_str_equal(form->type, "submit");

    xmpp_stanza_set_name(x, "x");
    xmpp_stanza_set_ns(x, LV_NS_DATA);
    xmpp_stanza_set_type(x, form->type);
    if (full && form->title != NULL)
        add_text_child(x, "title", form->title);
    if (full && form->instructions != NULL)
        add_text_child(x, "instructions", form->instructions);
    for (guint i = 0; i < form->fields->len; i++)
        add_field(x, form->fields->pdata[i], full);
    return x;
}

xmpp_stanza_t *
lv_xmpp_dataform_new_cancel(xmpp_ctx_t *ctx)
{
    g_autoptr(LvXmppDataform) cancel = form_new("cancel");

    return lv_xmpp_dataform_to_stanza(ctx, cancel);
}

/* ---- JSON ---- */

static void
add_member(JsonBuilder *builder, const char *name, const char *value)
{
    if (value == NULL)
        return;
    json_builder_set_member_name(builder, name);
    json_builder_add_string_value(builder, value);
}

static void
add_options_json(JsonBuilder *builder, const LvXmppDataformField *field)
{
    json_builder_set_member_name(builder, "options");
    json_builder_begin_array(builder);
    for (guint i = 0; i < field->options->len; i++) {
        const LvXmppDataformOption *option = field->options->pdata[i];
        json_builder_begin_object(builder);
        add_member(builder, "value", option->value);
        add_member(builder, "label", option->label);
        json_builder_end_object(builder);
    }
    json_builder_end_array(builder);
}

static void
add_field_json(JsonBuilder *builder, const LvXmppDataformField *field)
{
    json_builder_begin_object(builder);
    add_member(builder, "var", field->var);
    add_member(builder, "type", field->type);
    add_member(builder, "label", field->label);
    add_member(builder, "desc", field->desc);
    json_builder_set_member_name(builder, "required");
    json_builder_add_boolean_value(builder, field->required);
    json_builder_set_member_name(builder, "values");
    json_builder_begin_array(builder);
    for (guint i = 0; i < field->values->len; i++)
        json_builder_add_string_value(builder, field->values->pdata[i]);
    json_builder_end_array(builder);
    if (field->options->len > 0)
        add_options_json(builder, field);
    json_builder_end_object(builder);
}

JsonNode *
lv_xmpp_dataform_to_json(const LvXmppDataform *form)
{
    g_autoptr(JsonBuilder) builder = json_builder_new();

    json_builder_begin_object(builder);
    add_member(builder, "type", form->type);
    add_member(builder, "title", form->title);
    add_member(builder, "instructions", form->instructions);
    json_builder_set_member_name(builder, "fields");
    json_builder_begin_array(builder);
    for (guint i = 0; i < form->fields->len; i++)
        add_field_json(builder, form->fields->pdata[i]);
    json_builder_end_array(builder);
    json_builder_end_object(builder);
    return json_builder_get_root(builder);
}

static char **
one_value(const char *value)
{
    char **values = g_new0(char *, 2);

    values[0] = g_strdup(value);
    return values;
}

/* The values of one JSON member: a string, a boolean, or an array of strings. */
static char **
values_from_json(JsonNode *node)
{
    if (JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == G_TYPE_STRING)
        return one_value(json_node_get_string(node));
    if (JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == G_TYPE_BOOLEAN)
        return one_value(json_node_get_boolean(node) ? "1" : "0");
    if (!JSON_NODE_HOLDS_ARRAY(node))
        return NULL;
    JsonArray *array = json_node_get_array(node);
    GStrvBuilder *builder = g_strv_builder_new();
    for (guint i = 0; i < json_array_get_length(array); i++) {
        JsonNode *item = json_array_get_element(array, i);
        if (!JSON_NODE_HOLDS_VALUE(item) || json_node_get_value_type(item) != G_TYPE_STRING) {
            g_strv_builder_unref(builder);
            return NULL;
        }
        g_strv_builder_add(builder, json_node_get_string(item));
    }
    char **values = g_strv_builder_end(builder);
    g_strv_builder_unref(builder);
    return values;
}

GHashTable *
lv_xmpp_dataform_changes_from_json(const char *text, GError **error)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GError) parse_error = NULL;

    /* An empty text parses, to no root at all. */
    if (!json_parser_load_from_data(parser, text, -1, &parse_error) ||
        json_parser_get_root(parser) == NULL ||
        !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser))) {
        g_set_error(error, LV_ERROR, LV_ERROR_DATA,
                    "the fields must be a JSON object of field name to value(s)");
        return NULL;
    }
    JsonObject *object = json_node_get_object(json_parser_get_root(parser));
    g_autoptr(GHashTable) changes =
            g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_strfreev);
    g_autoptr(GList) members = json_object_get_members(object);
    for (GList *m = members; m != NULL; m = m->next) {
        char **values = values_from_json(json_object_get_member(object, m->data));
        if (values == NULL) {
            g_set_error(error, LV_ERROR, LV_ERROR_DATA,
                        "field '%s' must be a string, a boolean or an array of strings",
                        (const char *)m->data);
            return NULL;
        }
        g_hash_table_insert(changes, g_strdup(m->data), values);
    }
    return g_steal_pointer(&changes);
}
