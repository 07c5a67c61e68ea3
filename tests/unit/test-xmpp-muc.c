/* Tests of lv-xmpp-muc: room presences (XEP-0045) from and to the wire. */
#include <string.h>

#include <strophe.h>

#include "lv-error.h"
#include "lv-xmpp-muc.h"

static xmpp_ctx_t *ctx;

static LvXmppMucPresence *
parse(const char *xml, GError **error)
{
    xmpp_stanza_t *stanza = xmpp_stanza_new_from_string(ctx, xml);

    g_assert_nonnull(stanza);
    LvXmppMucPresence *presence = lv_xmpp_muc_presence_parse(stanza, error);
    xmpp_stanza_release(stanza);
    return presence;
}

static void
test_self(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(LvXmppMucPresence) self = parse(
            "<presence from='Room@Conference.Example/Me'><show>away</show><status>busy</status>"
            "<x xmlns='http://jabber.org/protocol/muc#user'>"
            "<item affiliation='owner' role='moderator' jid='Me@Example/res'/>"
            "<status code='110'/><status code='201'/><status code='210'/><status code='x'/>"
            "</x></presence>",
            &error);

    g_assert_no_error(error);
    g_assert_cmpstr(self->room, ==, "room@conference.example");
    g_assert_cmpstr(self->nick, ==, "Me");
    g_assert_true(self->available);
    g_assert_cmpstr(self->show, ==, "away");
    g_assert_cmpstr(self->status, ==, "busy");
    g_assert_cmpstr(self->role, ==, "moderator");
    g_assert_cmpstr(self->affiliation, ==, "owner");
    g_assert_cmpstr(self->jid, ==, "me@example/res");
    g_assert_cmpuint(self->status_codes, ==,
                     LV_MUC_STATUS_SELF | LV_MUC_STATUS_NEW_ROOM | LV_MUC_STATUS_NICK_ASSIGNED);
    g_assert_null(self->new_nick);
}

static void
test_nick_change_and_removals(void)
{
    g_autoptr(LvXmppMucPresence) change =
            parse("<presence type='unavailable' from='r@s/old'>"
                  "<x xmlns='http://jabber.org/protocol/muc#user'>"
                  "<item affiliation='member' role='participant' nick='new'/><status code='303'/>"
                  "</x></presence>",
                  NULL);
    g_autoptr(LvXmppMucPresence) kicked =
            parse("<presence type='unavailable' from='r@s/bad'>"
                  "<x xmlns='http://jabber.org/protocol/muc#user'>"
                  "<item affiliation='none' role='none'><reason>spam</reason></item>"
                  "<status code='307'/></x></presence>",
                  NULL);
    g_autoptr(LvXmppMucPresence) banned =
            parse("<presence type='unavailable' from='r@s/b'><x xmlns='http://jabber.org/protocol/"
                  "muc#user'><item affiliation='outcast' role='none'/><status code='301'/>"
                  "<status code='110'/></x></presence>",
                  NULL);
    g_autoptr(LvXmppMucPresence) destroyed =
            parse("<presence type='unavailable' from='r@s/me'><x xmlns='http://jabber.org/protocol/"
                  "muc#user'><item affiliation='none' role='none'/><destroy jid='o@s'>"
                  "<reason>moved</reason></destroy><status code='110'/></x></presence>",
                  NULL);
    g_autoptr(LvXmppMucPresence) lost =
            parse("<presence type='unavailable' from='r@s/me'><x xmlns='http://jabber.org/protocol/"
                  "muc#user'><status code='333'/><status code='110'/></x></presence>",
                  NULL);
    g_autoptr(LvXmppMucPresence) nick_without_303 =
            parse("<presence type='unavailable' from='r@s/a'><x xmlns='http://jabber.org/protocol/"
                  "muc#user'><item role='none' nick='b'/></x></presence>",
                  NULL);

    g_assert_cmpstr(change->new_nick, ==, "new");
    g_assert_false(change->available);
    g_assert_cmpstr(change->show, ==, "unavailable");
    g_assert_cmpuint(change->status_codes, ==, LV_MUC_STATUS_NICK_CHANGED);
    g_assert_cmpuint(kicked->status_codes & LV_MUC_STATUS_REMOVED, ==, LV_MUC_STATUS_KICKED);
    g_assert_cmpstr(kicked->reason, ==, "spam");
    g_assert_cmpuint(banned->status_codes, ==, LV_MUC_STATUS_BANNED | LV_MUC_STATUS_SELF);
    g_assert_cmpstr(banned->affiliation, ==, "outcast");
    g_assert_true(destroyed->destroyed);
    g_assert_cmpstr(destroyed->reason, ==, "moved");
    g_assert_cmpuint(lost->status_codes, ==, LV_MUC_STATUS_REMOVED_ERROR | LV_MUC_STATUS_SELF);
    g_assert_cmpstr(lost->role, ==, "none");
    g_assert_null(nick_without_303->new_nick);
}

static void
test_errors(void)
{
    g_autoptr(LvXmppMucPresence) conflict = parse(
            "<presence type='error' from='r@s/me'><x xmlns='http://jabber.org/protocol/muc'/>"
            "<error type='cancel'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
            "<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>taken</text></error></presence>",
            NULL);
    g_autoptr(LvXmppMucPresence) bare = parse(
            "<presence type='error' from='r@s'><error type='auth'>"
            "<not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></presence>",
            NULL);
    g_autoptr(LvXmppMucPresence) empty =
            parse("<presence type='error' from='r@s/me'><error/></presence>", NULL);

    g_assert_cmpstr(conflict->error_condition, ==, "conflict");
    g_assert_cmpstr(conflict->error_text, ==, "taken");
    g_assert_cmpstr(bare->error_condition, ==, "not-authorized");
    g_assert_null(bare->nick);
    g_assert_cmpstr(empty->error_condition, ==, "undefined-condition");
    g_assert_nonnull(strstr(lv_xmpp_muc_error_describe("conflict"), "already in use"));
}

/* A rejoin is tried again only when the room may take us later as we are. */
static void
test_passing_errors(void)
{
    static const char *const passing[] = { "remote-server-not-found", "service-unavailable",
                                           "internal-server-error", "resource-constraint" };
    static const char *const final[] = { "conflict",       "forbidden",
                                         "not-authorized", "registration-required",
                                         "item-not-found", "not-allowed",
                                         "jid-malformed",  "undefined-condition" };

    for (gsize i = 0; i < G_N_ELEMENTS(passing); i++)
        g_assert_true(lv_xmpp_muc_error_is_passing(passing[i]));
    for (gsize i = 0; i < G_N_ELEMENTS(final); i++)
        g_assert_false(lv_xmpp_muc_error_is_passing(final[i]));
    g_assert_false(lv_xmpp_muc_error_is_passing(NULL));
}

static void
test_malformed(void)
{
    static const char *const bad[] = {
        "<presence from='conference.example/nick'><x xmlns='http://jabber.org/protocol/"
        "muc#user'/></presence>",
        "<presence><x xmlns='http://jabber.org/protocol/muc#user'/></presence>",
        "<presence from='r@s/n'><x xmlns='http://jabber.org/protocol/muc#user'>"
        "<item role='god' affiliation='owner'/></x></presence>",
        "<presence from='r@s/n'><x xmlns='http://jabber.org/protocol/muc#user'>"
        "<item role='participant' affiliation='emperor'/></x></presence>",
        "<presence type='subscribe' from='r@s/n'/>",
        "<presence from='r@s'><x xmlns='http://jabber.org/protocol/muc#user'/></presence>",
        "<presence from='a@@b/n'/>",
    };

    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(LvXmppMucPresence) presence = parse(bad[i], &error);
        g_assert_null(presence);
        g_assert_error(error, LV_ERROR, LV_ERROR_DATA);
    }
    /* A bad real JID is left out, the occupant is still seen. */
    g_autoptr(LvXmppMucPresence) odd_jid =
            parse("<presence from='r@s/n'><x xmlns='http://jabber.org/protocol/muc#user'>"
                  "<item role='visitor' affiliation='none' jid='@@'/></x></presence>",
                  NULL);
    g_assert_nonnull(odd_jid);
    g_assert_null(odd_jid->jid);
    g_assert_cmpstr(odd_jid->role, ==, "visitor");
}

static void
test_build_join(void)
{
    LvXmppMucHistory history = { 0, -1, NULL };
    LvXmppMucHistory since = { -1, 60, "2026-01-01T00:00:00Z" };
    xmpp_stanza_t *join = lv_xmpp_muc_build_join(ctx, "r@s", "me", "secret", &history);
    xmpp_stanza_t *plain = lv_xmpp_muc_build_join(ctx, "r@s", "me", NULL, &since);
    char *text = NULL, *plain_text = NULL;
    size_t length = 0;

    xmpp_stanza_to_text(join, &text, &length);
    xmpp_stanza_to_text(plain, &plain_text, &length);
    g_assert_cmpstr(text, ==,
                    "<presence to=\"r@s/me\"><x xmlns=\"http://jabber.org/protocol/muc\">"
                    "<password>secret</password><history maxstanzas=\"0\"/></x></presence>");
    g_assert_nonnull(strstr(plain_text, "seconds=\"60\""));
    g_assert_nonnull(strstr(plain_text, "since=\"2026-01-01T00:00:00Z\""));
    g_assert_null(strstr(plain_text, "password"));
    xmpp_free(ctx, text);
    xmpp_free(ctx, plain_text);
    xmpp_stanza_release(join);
    xmpp_stanza_release(plain);
    g_assert_true(lv_xmpp_muc_nick_ok("Nick name"));
    g_assert_false(lv_xmpp_muc_nick_ok(""));
    g_assert_false(lv_xmpp_muc_nick_ok(NULL));
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    xmpp_initialize();
    ctx = xmpp_ctx_new(NULL, NULL);
    g_test_add_func("/lv/xmpp/muc/self-presence", test_self);
    g_test_add_func("/lv/xmpp/muc/nick-change-and-removals", test_nick_change_and_removals);
    g_test_add_func("/lv/xmpp/muc/errors", test_errors);
    g_test_add_func("/lv/xmpp/muc/passing-errors", test_passing_errors);
    g_test_add_func("/lv/xmpp/muc/malformed", test_malformed);
    g_test_add_func("/lv/xmpp/muc/build-join", test_build_join);
    int status = g_test_run();
    xmpp_ctx_free(ctx);
    xmpp_shutdown();
    return status;
}
