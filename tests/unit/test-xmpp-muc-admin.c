/* Tests of lv-xmpp-muc-admin and lv-xmpp-muc-invite: the muc#admin and muc#owner
 * queries built from checked values, their answers parsed with nothing believed
 * unchecked, and invitations built and received (forged ones refused). */
#include <string.h>

#include <strophe.h>

#include "lv-error.h"
#include "lv-test-stanza.h"
#include "lv-xmpp-muc-admin.h"
#include "lv-xmpp-muc-invite.h"

static xmpp_ctx_t *ctx;

static xmpp_stanza_t *
parse(const char *xml)
{
    xmpp_stanza_t *stanza = xmpp_stanza_new_from_string(ctx, xml);

    g_assert_nonnull(stanza);
    return stanza;
}

/* The text of @stanza, which is released, with sorted attributes (transfer full). */
static char *
text_of(xmpp_stanza_t *stanza)
{
    return lv_test_stanza_take_canon(stanza);
}

static void
test_role(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *kick = text_of(lv_xmpp_muc_admin_new_role(ctx, "bob", "none", "bye", &error));

    g_assert_cmpstr(kick, ==,
                    "<query xmlns=\"http://jabber.org/protocol/muc#admin\"><item nick=\"bob\" "
                    "role=\"none\"><reason>bye</reason></item></query>");
    g_autofree char *voice =
            text_of(lv_xmpp_muc_admin_new_role(ctx, "b<o>b", "participant", "", &error));
    g_assert_cmpstr(voice, ==,
                    "<query xmlns=\"http://jabber.org/protocol/muc#admin\"><item "
                    "nick=\"b&lt;o&gt;b\" role=\"participant\"/></query>");
    g_assert_null(lv_xmpp_muc_admin_new_role(ctx, "bob", "king", NULL, &error));
    g_assert_error(error, LV_ERROR, LV_ERROR_DATA);
    g_clear_error(&error);
    g_assert_null(lv_xmpp_muc_admin_new_role(ctx, "", "none", NULL, &error));
    g_assert_error(error, LV_ERROR, LV_ERROR_DATA);
}

static void
test_affiliation(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *ban = text_of(lv_xmpp_muc_admin_new_affiliation(ctx, "Bob@Example.org/phone",
                                                                     "outcast", "spam", &error));

    g_assert_no_error(error);
    g_assert_cmpstr(ban, ==,
                    "<query xmlns=\"http://jabber.org/protocol/muc#admin\"><item "
                    "affiliation=\"outcast\" jid=\"bob@example.org\"><reason>spam</reason></item>"
                    "</query>");
    g_assert_null(lv_xmpp_muc_admin_new_affiliation(ctx, "@@", "member", NULL, &error));
    g_assert_error(error, LV_ERROR, LV_ERROR_DATA);
    g_clear_error(&error);
    g_assert_null(lv_xmpp_muc_admin_new_affiliation(ctx, "a@b", "moderator", NULL, &error));
    g_assert_error(error, LV_ERROR, LV_ERROR_DATA);
    g_clear_error(&error);

    g_autofree char *list = text_of(lv_xmpp_muc_admin_new_affiliation_list(ctx, "member", &error));
    g_assert_cmpstr(list, ==,
                    "<query xmlns=\"http://jabber.org/protocol/muc#admin\"><item "
                    "affiliation=\"member\"/></query>");
    g_assert_null(lv_xmpp_muc_admin_new_affiliation_list(ctx, "none", &error));
    g_assert_error(error, LV_ERROR, LV_ERROR_DATA);
}

static void
test_parse_affiliations(void)
{
    xmpp_stanza_t *query = parse("<query xmlns='http://jabber.org/protocol/muc#admin'>"
                                 "<item affiliation='member' jid='a@x' nick='A' role='none'/>"
                                 "<item affiliation='member' jid='B@X/res'/><other/></query>");
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) items =
            g_variant_ref_sink(lv_xmpp_muc_admin_parse_affiliations(query, &error));
    g_autofree char *text = g_variant_print(items, FALSE);

    g_assert_no_error(error);
    g_assert_cmpstr(text, ==, "{'a@x': 'member', 'b@x': 'member'}");
    xmpp_stanza_release(query);

    const char *const bad[] = {
        "<query xmlns='http://jabber.org/protocol/muc#admin'><item affiliation='member'/>"
        "</query>",
        "<query xmlns='http://jabber.org/protocol/muc#admin'><item affiliation='member' "
        "jid='@@'/></query>",
        "<query xmlns='http://jabber.org/protocol/muc#admin'><item affiliation='emperor' "
        "jid='a@x'/></query>",
        "<query xmlns='http://jabber.org/protocol/muc#owner'/>",
        NULL,
    };
    for (gsize i = 0; bad[i] != NULL; i++) {
        g_autoptr(GError) bad_error = NULL;
        xmpp_stanza_t *answer = parse(bad[i]);
        g_assert_null(lv_xmpp_muc_admin_parse_affiliations(answer, &bad_error));
        g_assert_error(bad_error, LV_ERROR, LV_ERROR_PARSING);
        xmpp_stanza_release(answer);
    }
}

static void
test_config(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *get = text_of(lv_xmpp_muc_admin_new_config_get(ctx));
    g_autofree char *cancel = text_of(lv_xmpp_muc_admin_new_config_set(ctx, NULL));

    g_assert_cmpstr(get, ==, "<query xmlns=\"http://jabber.org/protocol/muc#owner\"/>");
    g_assert_cmpstr(cancel, ==,
                    "<query xmlns=\"http://jabber.org/protocol/muc#owner\"><x "
                    "type=\"cancel\" xmlns=\"jabber:x:data\"/></query>");

    xmpp_stanza_t *answer =
            parse("<query xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' "
                  "type='form'><field var='FORM_TYPE' type='hidden'><value>"
                  "http://jabber.org/protocol/muc#roomconfig</value></field>"
                  "<field var='muc#roomconfig_roomname' type='text-single'/></x></query>");
    g_autoptr(LvXmppDataform) form = lv_xmpp_muc_admin_parse_config(answer, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(lv_xmpp_dataform_get_form_type(form), ==, LV_NS_MUC_ROOMCONFIG);
    xmpp_stanza_release(answer);

    const char *const bad[] = {
        "<query xmlns='http://jabber.org/protocol/muc#owner'/>",
        "<query xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' "
        "type='result'/></query>",
        "<query xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' "
        "type='form'><field/></x></query>",
        "<query xmlns='http://jabber.org/protocol/muc#admin'><x xmlns='jabber:x:data' "
        "type='form'/></query>",
        NULL,
    };
    for (gsize i = 0; bad[i] != NULL; i++) {
        g_autoptr(GError) bad_error = NULL;
        xmpp_stanza_t *query = parse(bad[i]);
        g_assert_null(lv_xmpp_muc_admin_parse_config(query, &bad_error));
        g_assert_error(bad_error, LV_ERROR, LV_ERROR_PARSING);
        xmpp_stanza_release(query);
    }
    g_assert_null(lv_xmpp_muc_admin_parse_config(NULL, &error));
    g_assert_error(error, LV_ERROR, LV_ERROR_PARSING);
}

static void
test_destroy(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *plain = text_of(lv_xmpp_muc_admin_new_destroy(ctx, "", NULL, &error));
    g_autofree char *moved =
            text_of(lv_xmpp_muc_admin_new_destroy(ctx, "moved", "new@muc.x", &error));

    g_assert_cmpstr(plain, ==,
                    "<query xmlns=\"http://jabber.org/protocol/muc#owner\"><destroy/></query>");
    g_assert_cmpstr(moved, ==,
                    "<query xmlns=\"http://jabber.org/protocol/muc#owner\"><destroy "
                    "jid=\"new@muc.x\"><reason>moved</reason></destroy></query>");
    g_assert_null(lv_xmpp_muc_admin_new_destroy(ctx, "", "@bad", &error));
    g_assert_error(error, LV_ERROR, LV_ERROR_DATA);
}

static void
test_invite_build(void)
{
    g_autofree char *direct =
            text_of(lv_xmpp_muc_invite_new_direct(ctx, "i1", "bob@x", "room@muc.x", "pw", "tea"));
    g_autofree char *mediated =
            text_of(lv_xmpp_muc_invite_new_mediated(ctx, "i2", "bob@x", "room@muc.x", ""));

    g_assert_nonnull(strstr(direct, "to=\"bob@x\""));
    g_assert_nonnull(strstr(direct, "<x jid=\"room@muc.x\" password=\"pw\" reason=\"tea\" "
                                    "xmlns=\"jabber:x:conference\"/>"));
    g_assert_nonnull(strstr(mediated, "to=\"room@muc.x\""));
    g_assert_nonnull(strstr(mediated, "<x xmlns=\"http://jabber.org/protocol/muc#user\">"
                                      "<invite to=\"bob@x\"/></x>"));
}

static LvXmppMucInvitation *
received(const char *xml, GError **error)
{
    xmpp_stanza_t *message = parse(xml);
    LvXmppMucInvitation *invitation = lv_xmpp_muc_invite_parse(message, error);

    xmpp_stanza_release(message);
    return invitation;
}

static void
test_invite_received(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(LvXmppMucInvitation) direct =
            received("<message from='bob@x/phone' to='us@x'><x xmlns='jabber:x:conference' "
                     "jid='room@muc.x' password='pw' reason='tea' thread='t1'/></message>",
                     &error);

    g_assert_no_error(error);
    g_assert_cmpint(direct->kind, ==, LV_XMPP_MUC_INVITE_DIRECT);
    g_assert_cmpstr(direct->room, ==, "room@muc.x");
    g_assert_cmpstr(direct->from, ==, "bob@x/phone"); /* the inviter is the sender */
    g_assert_cmpstr(direct->password, ==, "pw");
    g_assert_cmpstr(direct->thread, ==, "t1");

    /* Prosody adds the direct form to what it relays: the room is not the inviter. */
    g_autoptr(LvXmppMucInvitation) mediated =
            received("<message from='room@muc.x' to='us@x'>"
                     "<x xmlns='http://jabber.org/protocol/muc#user'><invite from='bob@x/phone'>"
                     "<reason>come</reason></invite><password>pw</password></x>"
                     "<x xmlns='jabber:x:conference' jid='room@muc.x'>come</x></message>",
                     &error);
    g_assert_no_error(error);
    g_assert_cmpint(mediated->kind, ==, LV_XMPP_MUC_INVITE_MEDIATED);
    g_assert_cmpstr(mediated->room, ==, "room@muc.x");
    g_assert_cmpstr(mediated->from, ==, "bob@x/phone");
    g_assert_cmpstr(mediated->reason, ==, "come");
    g_assert_cmpstr(mediated->password, ==, "pw");

    g_autoptr(LvXmppMucInvitation) decline =
            received("<message from='room@muc.x'><x xmlns='http://jabber.org/protocol/muc#user'>"
                     "<decline from='carol@x'><reason>busy</reason></decline></x></message>",
                     &error);
    g_assert_no_error(error);
    g_assert_cmpint(decline->kind, ==, LV_XMPP_MUC_INVITE_DECLINE);
    g_assert_cmpstr(decline->from, ==, "carol@x");
    g_assert_cmpstr(decline->reason, ==, "busy");
}

static void
test_invite_not_ours(void)
{
    const char *const none[] = {
        "<message from='bob@x/r'><body>hi</body></message>",
        "<message from='room@muc.x'><x xmlns='http://jabber.org/protocol/muc#user'>"
        "<status code='104'/></x></message>",
        "<message type='error' from='bob@x/r'><x xmlns='jabber:x:conference' jid='r@m'/>"
        "</message>",
        NULL,
    };

    for (gsize i = 0; none[i] != NULL; i++) {
        g_autoptr(GError) error = NULL;
        g_assert_null(received(none[i], &error));
        g_assert_no_error(error);
    }
}

static void
test_invite_forged(void)
{
    const char *const forged[] = {
        /* A mediated invitation from a contact's resource, not from a room. */
        "<message from='bob@x/r'><x xmlns='http://jabber.org/protocol/muc#user'>"
        "<invite from='carol@x'/></x></message>",
        /* From the room, but naming no inviter, or a bad one. */
        "<message from='room@muc.x'><x xmlns='http://jabber.org/protocol/muc#user'><invite/>"
        "</x></message>",
        "<message from='room@muc.x'><x xmlns='http://jabber.org/protocol/muc#user'>"
        "<invite from='@@'/></x></message>",
        /* From a domain, not a room. */
        "<message from='muc.x'><x xmlns='http://jabber.org/protocol/muc#user'>"
        "<invite from='bob@x'/></x></message>",
        /* Direct ones naming no room, a bad room, a room's occupant, a server. */
        "<message from='bob@x/r'><x xmlns='jabber:x:conference'/></message>",
        "<message from='bob@x/r'><x xmlns='jabber:x:conference' jid='@@'/></message>",
        "<message from='bob@x/r'><x xmlns='jabber:x:conference' jid='room@muc.x/nick'/>"
        "</message>",
        "<message from='bob@x/r'><x xmlns='jabber:x:conference' jid='muc.x'/></message>",
        /* No sender at all. */
        "<message><x xmlns='jabber:x:conference' jid='room@muc.x'/></message>",
        NULL,
    };

    for (gsize i = 0; forged[i] != NULL; i++) {
        g_autoptr(GError) error = NULL;
        g_assert_null(received(forged[i], &error));
        g_assert_error(error, LV_ERROR, LV_ERROR_PARSING);
    }
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    xmpp_initialize();
    ctx = xmpp_ctx_new(NULL, NULL);
    g_test_add_func("/lv/xmpp/muc-admin/role", test_role);
    g_test_add_func("/lv/xmpp/muc-admin/affiliation", test_affiliation);
    g_test_add_func("/lv/xmpp/muc-admin/parse-affiliations", test_parse_affiliations);
    g_test_add_func("/lv/xmpp/muc-admin/config", test_config);
    g_test_add_func("/lv/xmpp/muc-admin/destroy", test_destroy);
    g_test_add_func("/lv/xmpp/muc-invite/build", test_invite_build);
    g_test_add_func("/lv/xmpp/muc-invite/received", test_invite_received);
    g_test_add_func("/lv/xmpp/muc-invite/not-an-invitation", test_invite_not_ours);
    g_test_add_func("/lv/xmpp/muc-invite/forged-refused", test_invite_forged);
    int status = g_test_run();
    xmpp_ctx_free(ctx);
    xmpp_shutdown();
    return status;
}
