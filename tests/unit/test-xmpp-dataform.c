/* Tests of lv-xmpp-dataform: XEP-0004 forms of every field type parsed, malformed
 * forms refused whole, submissions checked against the form, the stanza and JSON
 * built from them. */
#include <string.h>

#include <strophe.h>

#include "lv-error.h"
#include "lv-test-stanza.h"
#include "lv-xmpp-dataform.h"

static xmpp_ctx_t *ctx;

#define FORM_TYPE_FIELD "<field var='FORM_TYPE' type='hidden'><value>urn:test</value></field>"

static const char *const full_form =
        "<x xmlns='jabber:x:data' type='form'><title>Setup</title>"
        "<instructions>Fill</instructions><instructions>it in</instructions>" FORM_TYPE_FIELD
        "<field type='fixed'><value>Section</value></field>"
        "<field var='name' type='text-single' label='Name'><required/><value>Tea</value></field>"
        "<field var='untyped'><value>u</value></field>"
        "<field var='secret' type='text-private'/>"
        "<field var='notes' type='text-multi'><value>l1</value><value>l2</value></field>"
        "<field var='open' type='boolean'><desc>Open?</desc><value>1</value></field>"
        "<field var='who' type='list-single'><option label='Mods'><value>moderators</value>"
        "</option><option><value>anyone</value></option><value>moderators</value></field>"
        "<field var='roles' type='list-multi'><option><value>a</value></option>"
        "<option><value>b</value></option><option><value>c</value></option>"
        "<value>a</value><value>b</value></field>"
        "<field var='admin' type='jid-single'><value>x@y</value></field>"
        "<field var='admins' type='jid-multi'><value>a@y</value><value>b@y/r</value></field>"
        "</x>";

static xmpp_stanza_t *
parse_xml(const char *xml)
{
    xmpp_stanza_t *stanza = xmpp_stanza_new_from_string(ctx, xml);

    g_assert_nonnull(stanza);
    return stanza;
}

static LvXmppDataform *
parse_form(const char *xml, GError **error)
{
    xmpp_stanza_t *x = parse_xml(xml);
    LvXmppDataform *form = lv_xmpp_dataform_parse(x, error);

    xmpp_stanza_release(x);
    return form;
}

static char *
form_json(const LvXmppDataform *form)
{
    g_autoptr(JsonNode) node = lv_xmpp_dataform_to_json(form);

    return json_to_string(node, FALSE);
}

static void
test_parse_every_type(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(LvXmppDataform) form = parse_form(full_form, &error);

    g_assert_no_error(error);
    g_assert_cmpstr(form->type, ==, "form");
    g_assert_cmpstr(form->title, ==, "Setup");
    g_assert_cmpstr(form->instructions, ==, "Fill\nit in");
    g_assert_cmpuint(form->fields->len, ==, 11);
    g_assert_cmpstr(lv_xmpp_dataform_get_form_type(form), ==, "urn:test");
    LvXmppDataformField *untyped = lv_xmpp_dataform_get_field(form, "untyped");
    g_assert_cmpstr(untyped->type, ==, "text-single");
    LvXmppDataformField *name = lv_xmpp_dataform_get_field(form, "name");
    g_assert_true(name->required);
    g_assert_cmpstr(name->label, ==, "Name");
    LvXmppDataformField *who = lv_xmpp_dataform_get_field(form, "who");
    g_assert_cmpuint(who->options->len, ==, 2);
    g_assert_cmpstr(((LvXmppDataformOption *)who->options->pdata[0])->label, ==, "Mods");
    g_assert_null(((LvXmppDataformOption *)who->options->pdata[1])->label);
    g_assert_cmpuint(lv_xmpp_dataform_get_field(form, "admins")->values->len, ==, 2);
    g_assert_cmpstr(lv_xmpp_dataform_get_field(form, "open")->desc, ==, "Open?");
    g_assert_null(lv_xmpp_dataform_get_field(form, "absent"));

    g_autofree char *json = form_json(form);
    g_assert_nonnull(strstr(json, "{\"var\":\"who\",\"type\":\"list-single\",\"required\":false,"
                                  "\"values\":[\"moderators\"],\"options\":[{\"value\":"
                                  "\"moderators\",\"label\":\"Mods\"},{\"value\":\"anyone\"}]}"));
    g_assert_nonnull(strstr(json, "{\"type\":\"fixed\",\"required\":false,\"values\":"
                                  "[\"Section\"]}"));
}

static void
test_parse_other_types(void)
{
    const char *const types[] = { "submit", "result", "cancel", NULL };

    for (gsize i = 0; types[i] != NULL; i++) {
        g_autofree char *xml = g_strdup_printf("<x xmlns='jabber:x:data' type='%s'/>", types[i]);
        g_autoptr(GError) error = NULL;
        g_autoptr(LvXmppDataform) form = parse_form(xml, &error);
        g_assert_no_error(error);
        g_assert_cmpstr(form->type, ==, types[i]);
        g_assert_cmpuint(form->fields->len, ==, 0);
    }
}

static void
test_refuses_malformed(void)
{
    const char *const bad[] = {
        "<x xmlns='jabber:x:data'/>",               /* no type */
        "<x xmlns='jabber:x:data' type='wizard'/>", /* unknown type */
        "<x xmlns='urn:other' type='form'/>",       /* not a data form */
        "<y xmlns='jabber:x:data' type='form'/>",   /* not <x/> */
        "<x xmlns='jabber:x:data' type='form'><field type='text-single'/></x>", /* no var */
        "<x xmlns='jabber:x:data' type='form'><field var='a' type='colour'/></x>",
        "<x xmlns='jabber:x:data' type='form'><field var='a'/><field var='a'/></x>",
        "<x xmlns='jabber:x:data' type='form'><field var='a'><value>1</value><value>2</value>"
        "</field></x>",
        "<x xmlns='jabber:x:data' type='form'><field var='a' type='boolean'><value>yes</value>"
        "</field></x>",
        "<x xmlns='jabber:x:data' type='form'><field var='a' type='jid-multi'><value>@@</value>"
        "</field></x>",
        "<x xmlns='jabber:x:data' type='form'><field var='a' type='list-single'><option/>"
        "</field></x>",
        NULL,
    };

    for (gsize i = 0; bad[i] != NULL; i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(LvXmppDataform) form = parse_form(bad[i], &error);
        g_assert_null(form);
        g_assert_error(error, LV_ERROR, LV_ERROR_PARSING);
    }
    g_autoptr(GError) error = NULL;
    g_assert_null(lv_xmpp_dataform_parse(NULL, &error));
    g_assert_error(error, LV_ERROR, LV_ERROR_PARSING);
}

static void
test_refuses_oversized(void)
{
    GString *xml = g_string_new("<x xmlns='jabber:x:data' type='form'>");

    for (int i = 0; i <= LV_XMPP_DATAFORM_MAX_FIELDS; i++)
        g_string_append_printf(xml, "<field var='f%d'/>", i);
    g_string_append(xml, "</x>");
    g_autoptr(GError) error = NULL;
    g_autoptr(LvXmppDataform) form = parse_form(xml->str, &error);
    g_assert_null(form);
    g_assert_error(error, LV_ERROR, LV_ERROR_PARSING);
    g_string_free(xml, TRUE);

    GString *values = g_string_new("<x xmlns='jabber:x:data' type='form'>"
                                   "<field var='m' type='text-multi'>");
    for (int i = 0; i <= LV_XMPP_DATAFORM_MAX_VALUES; i++)
        g_string_append(values, "<value>v</value>");
    g_string_append(values, "</field></x>");
    g_autoptr(GError) values_error = NULL;
    g_autoptr(LvXmppDataform) many = parse_form(values->str, &values_error);
    g_assert_null(many);
    g_assert_error(values_error, LV_ERROR, LV_ERROR_PARSING);
    g_string_free(values, TRUE);
}

static GHashTable *
changes_new(void)
{
    return g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_strfreev);
}

static void
change(GHashTable *changes, const char *var, const char *value, const char *second)
{
    const char *values[] = { value, second, NULL };

    g_hash_table_insert(changes, g_strdup(var), g_strdupv((char **)values));
}

static void
test_submit(void)
{
    g_autoptr(LvXmppDataform) form = parse_form(full_form, NULL);
    g_autoptr(GHashTable) changes = changes_new();
    g_autoptr(GError) error = NULL;

    change(changes, "name", "Coffee", NULL);
    change(changes, "roles", "c", "a");
    change(changes, "open", "false", NULL);
    change(changes, "admins", "z@y", NULL);
    g_autoptr(LvXmppDataform) submit = lv_xmpp_dataform_new_submit(form, changes, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(submit->type, ==, "submit");
    g_assert_cmpuint(submit->fields->len, ==, 10); /* every field but the fixed one */
    g_assert_cmpstr(lv_xmpp_dataform_get_field(submit, "name")->values->pdata[0], ==, "Coffee");
    g_assert_cmpstr(lv_xmpp_dataform_get_field(submit, "who")->values->pdata[0], ==,
                    "moderators"); /* unchanged */
    g_assert_cmpuint(lv_xmpp_dataform_get_field(submit, "roles")->values->len, ==, 2);

    g_autofree char *text = lv_test_stanza_take_canon(lv_xmpp_dataform_to_stanza(ctx, submit));
    g_assert_true(g_str_has_prefix(text, "<x type=\"submit\" xmlns=\"jabber:x:data\">"));
    g_assert_nonnull(strstr(text, "<field type=\"text-single\" var=\"name\"><value>Coffee"
                                  "</value></field>"));
    g_assert_nonnull(strstr(text, "<field type=\"list-multi\" var=\"roles\"><value>c</value>"
                                  "<value>a</value></field>"));
    g_assert_null(strstr(text, "label=")); /* a submission carries values only */
    g_assert_null(strstr(text, "<option"));
    g_assert_null(strstr(text, "Section"));

    /* The submission reads back as a form of its own. */
    xmpp_stanza_t *x = lv_xmpp_dataform_to_stanza(ctx, submit);
    g_autoptr(LvXmppDataform) again = lv_xmpp_dataform_parse(x, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(again->fields->len, ==, 10);
    xmpp_stanza_release(x);
}

static void
test_submit_refused(void)
{
    g_autoptr(LvXmppDataform) form = parse_form(full_form, NULL);
    const struct {
        const char *var, *value, *second;
    } bad[] = {
        { "absent", "x", NULL },        { "FORM_TYPE", "urn:other", NULL },
        { "name", "a", "b" },           { "open", "yes", NULL },
        { "who", "everybody", NULL },   { "roles", "a", "z" },
        { "admin", "not a jid", NULL }, { "name", "", NULL }, /* required */
    };

    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GHashTable) changes = changes_new();
        g_autoptr(GError) error = NULL;
        change(changes, bad[i].var, bad[i].value, bad[i].second);
        g_autoptr(LvXmppDataform) submit = lv_xmpp_dataform_new_submit(form, changes, &error);
        g_assert_null(submit);
        g_assert_error(error, LV_ERROR, LV_ERROR_DATA);
        g_assert_nonnull(strstr(error->message, bad[i].var));
    }
}

static void
test_changes_from_json(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GHashTable) changes = lv_xmpp_dataform_changes_from_json(
            "{\"name\": \"Tea\", \"roles\": [\"a\", \"b\"], \"open\": true, \"none\": []}", &error);

    g_assert_no_error(error);
    g_assert_cmpstr(((char **)g_hash_table_lookup(changes, "name"))[0], ==, "Tea");
    g_assert_cmpuint(g_strv_length(g_hash_table_lookup(changes, "roles")), ==, 2);
    g_assert_cmpstr(((char **)g_hash_table_lookup(changes, "open"))[0], ==, "1");
    g_assert_cmpuint(g_strv_length(g_hash_table_lookup(changes, "none")), ==, 0);

    const char *const bad[] = {
        "", "[]", "{\"a\": 1}", "{\"a\": [1]}", "{\"a\": {}}", "{\"a\": null}", "not json", NULL
    };
    for (gsize i = 0; bad[i] != NULL; i++) {
        g_autoptr(GError) bad_error = NULL;
        g_assert_null(lv_xmpp_dataform_changes_from_json(bad[i], &bad_error));
        g_assert_error(bad_error, LV_ERROR, LV_ERROR_DATA);
    }
}

static void
test_cancel(void)
{
    g_autofree char *text = lv_test_stanza_take_canon(lv_xmpp_dataform_new_cancel(ctx));

    g_assert_cmpstr(text, ==, "<x type=\"cancel\" xmlns=\"jabber:x:data\"/>");
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    xmpp_initialize();
    ctx = xmpp_ctx_new(NULL, NULL);
    g_test_add_func("/lv/xmpp/dataform/parse/every-type", test_parse_every_type);
    g_test_add_func("/lv/xmpp/dataform/parse/other-form-types", test_parse_other_types);
    g_test_add_func("/lv/xmpp/dataform/parse/refuses-malformed", test_refuses_malformed);
    g_test_add_func("/lv/xmpp/dataform/parse/refuses-oversized", test_refuses_oversized);
    g_test_add_func("/lv/xmpp/dataform/submit/merges-changes", test_submit);
    g_test_add_func("/lv/xmpp/dataform/submit/refuses-what-the-form-does-not-take",
                    test_submit_refused);
    g_test_add_func("/lv/xmpp/dataform/submit/changes-from-json", test_changes_from_json);
    g_test_add_func("/lv/xmpp/dataform/cancel", test_cancel);
    int status = g_test_run();
    xmpp_ctx_free(ctx);
    xmpp_shutdown();
    return status;
}
