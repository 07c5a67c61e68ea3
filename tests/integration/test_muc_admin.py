"""Group chat administration (XEP-0045 muc#admin, muc#owner), room configuration
with data forms (XEP-0004) and invitations (XEP-0249 direct, XEP-0045 mediated)
against a real Prosody whose new rooms stay locked until configured.

The rooms are created by a slixmpp client of alice's (another resource of the
profile's account): Prosody makes the creating bare JID the owner, and answers
muc#owner and affiliation queries from any of its resources. Role changes
(kick, moderator, visitor) are different: Prosody wants the actor in the room as a
moderator (muc.lib.lua may_set_role), so for those our resource joins with a
directed presence first."""
import json
import subprocess
import threading
import unittest

import lvharness as h
from test_disco import Peer

SERVICE = "conference.localhost"
PLUGIN = "org.libervia.Libervia.plugin"
ALICE, BOB, CAROL = 0, 1, 2

# Every client of the peer keeps what it sees (presences, messages) as XML text.
WATCH = """
for cl in clients:
    cl.seen = []
    cl.add_event_handler("presence", lambda p, cl=cl: cl.seen.append(str(p)))
    # Raw: slixmpp's "message" event skips messages without a body (invitations).
    cl.register_handler(Callback("seen", MatchXPath("{jabber:client}message"),
                                 lambda m, cl=cl: cl.seen.append(str(m))))
"""

JOIN = """
p = clients[{index}].make_presence(pto={to!r})
x = ET.Element("{{http://jabber.org/protocol/muc}}x")
if {password!r}:
    ET.SubElement(x, "{{http://jabber.org/protocol/muc}}password").text = {password!r}
p.append(x)
p.send()
"""

# Waits (bounded) for a stanza seen by client {index} holding every needle.
SEEN = """
for _ in range(200):
    hits = [s for s in clients[{index}].seen[{start}:] if all(n in s for n in {needles!r})]
    if hits:
        return hits[0]
    await asyncio.sleep(0.05)
return None
"""

SEND = """
clients[{index}].send_raw({xml!r})
"""


class MucAdmin(h.LvTestCase):
    @classmethod
    def setUpClass(cls):
        cls.prosody = h.Prosody(muc_room_locking=True, muc_without_archive=True)
        cls.alice = cls.prosody.register("alice", "alice-pw")
        cls.bob = cls.prosody.register("bob", "bob-pw")
        cls.carol = cls.prosody.register("carol", "carol-pw")
        cls.home = h.Home("log_level = debug")  # the raw stanzas too: no password in them
        h.PrivateBus(cls.home, activation=False)
        cls.env = cls.home.env
        cls.env["SSL_CERT_FILE"] = cls.prosody.ca_file
        cls.backend = h.Foreground(cls.env).wait_ready()
        # Its debug log is read as it comes: a full pipe would block the backend.
        cls.log = []
        cls.readers = [threading.Thread(target=lambda s=stream: cls.log.extend(s), daemon=True)
                       for stream in (cls.backend.proc.stdout, cls.backend.proc.stderr)]
        for reader in cls.readers:
            reader.start()
        h.xmpp_profile(unittest.TestCase(), cls.env, cls.prosody, "alice", cls.alice, "alice-pw")
        cls.peer = Peer(cls.prosody, [[cls.alice + "/slix", "alice-pw", []],
                                      [cls.bob, "bob-pw", []], [cls.carol, "carol-pw", []]])
        cls.peer.run(WATCH)
        r = h.li(cls.env, "info", "session", "-O", "json", "-p", "alice")
        cls.own_jid = json.loads(r.stdout)["jid"]
        cls.rooms = 0

    @classmethod
    def tearDownClass(cls):
        cls.peer.stop()
        cls.backend.stop()
        cls.backend.proc.wait(20)
        for reader in cls.readers:
            reader.join(5)
        out = "".join(cls.log)
        cls.prosody.stop()
        if h.sanitizer_report(out) is not None:
            raise AssertionError("the backend says: " + h.sanitizer_report(out))
        if "s3cret" in out or "hunter2" in out:
            raise AssertionError("a room password reached the backend's log")

    # ---- helpers ----

    def li(self, *args):
        return h.li(self.env, "muc", *args, "-p", "alice", timeout=30)

    def li_ok(self, *args):
        r = self.li(*args)
        self.assertEqual(r.returncode, 0, f"li muc {args}: {r.stdout} {r.stderr}")
        return r.stdout

    def mark(self, index):
        return self.peer.run(f"return len(clients[{index}].seen)")

    def join(self, index, room, nick, password=""):
        """Client @index joins @room as @nick; returns its self-presence or error."""
        start = self.mark(index)
        self.peer.run(JOIN.format(index=index, to=f"{room}/{nick}", password=password))
        return self.peer.run(SEEN.format(index=index, start=start,
                                         needles=[f'from="{room}/{nick}"']))

    def seen(self, index, start, *needles):
        return self.peer.run(SEEN.format(index=index, start=start, needles=list(needles)))

    def new_room(self, unlock=True):
        """A room created by alice's slixmpp resource (the owner), unlocked by our
        backend's configuration submission unless @unlock is False."""
        MucAdmin.rooms += 1
        room = f"room{MucAdmin.rooms}@{SERVICE}"
        created = self.join(ALICE, room, "alice-slix")
        self.assertIn('code="201"', created)  # a new room
        if unlock:
            self.li_ok("configure", room, "-f", "muc#roomconfig_roomname", "Room")
        return room

    def join_ourselves(self, room):
        """Our resource joins @room through mucJoin (the group chat core, another
        module): Prosody 0.12 changes roles only for a moderator in the room, and
        refuses a join without the muc payload (no groupchat 1.0)."""
        r = h.run(["gdbus", "introspect", "--session", "--dest", h.BUS_NAME, "--object-path",
                   h.OBJECT_PATH], self.env)
        if "mucJoin(" not in r.stdout:
            self.skipTest("needs mucJoin (group chat core) for our resource to be in the room")
        start = self.mark(ALICE)
        r = h.gdbus_call(self.env, "mucJoin", room, "alice-lv", "{}", "alice", interface=PLUGIN)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIsNotNone(self.seen(ALICE, start, f'from="{room}/alice-lv"'))

    # ---- the tests ----

    def test_locked_room_unlocked_by_configuration(self):
        room = self.new_room(unlock=False)
        refused = self.join(BOB, room, "bob")
        self.assertIn('type="error"', refused)
        self.assertIn("item-not-found", refused)
        self.li_ok("configure", room, "-f", "muc#roomconfig_roomname", "Opened")
        joined = self.join(BOB, room, "bob")
        self.assertNotIn('type="error"', joined)
        self.assertIn('code="110"', joined)

    def test_configuration_cancelled(self):
        room = self.new_room(unlock=False)
        self.li_ok("configure", room, "--cancel")
        self.assertIn("item-not-found", self.join(BOB, room, "bob"))  # Prosody: still locked
        r = self.li("configure", room, "--cancel", "-f", "a", "b")
        self.assertEqual(r.returncode, 2, r.stderr)

    def test_configuration_shown_submitted_and_enforced(self):
        room = self.new_room()
        form = json.loads(self.li_ok("configure", room, "-O", "json"))
        self.assertEqual(form["type"], "form")
        fields = {f.get("var"): f for f in form["fields"]}
        self.assertEqual(fields["FORM_TYPE"]["values"],
                         ["http://jabber.org/protocol/muc#roomconfig"])
        self.assertEqual(fields["muc#roomconfig_roomname"]["values"], ["Room"])
        self.assertEqual(fields["muc#roomconfig_roomsecret"]["type"], "text-private")
        self.assertEqual(fields["muc#roomconfig_persistentroom"]["type"], "boolean")
        self.assertIn("options", fields["muc#roomconfig_whois"])
        simple = self.li_ok("configure", room)
        self.assertIn("muc#roomconfig_roomname [text-single]", simple)
        self.assertIn("value: Room", simple)
        self.assertIn("options:", simple)

        self.li_ok("configure", room, "-f", "muc#roomconfig_roomname", "Tea room",
                   "-f", "muc#roomconfig_roomsecret", "s3cret")
        form = json.loads(self.li_ok("configure", room, "-O", "json"))
        fields = {f.get("var"): f for f in form["fields"]}
        self.assertEqual(fields["muc#roomconfig_roomname"]["values"], ["Tea room"])
        self.assertEqual(fields["muc#roomconfig_roomsecret"]["values"], ["s3cret"])
        # The effect: no entry without the password.
        refused = self.join(BOB, room, "bob")
        self.assertIn("not-authorized", refused)
        joined = self.join(BOB, room, "bob", password="s3cret")
        self.assertIn('code="110"', joined)

    def test_configuration_checked_against_the_form(self):
        room = self.new_room()
        r = self.li("configure", room, "-f", "no-such-field", "x")
        self.assertEqual(r.returncode, 17, r.stderr)
        self.assertIn("no-such-field", r.stderr)
        r = self.li("configure", room, "-f", "muc#roomconfig_persistentroom", "maybe")
        self.assertEqual(r.returncode, 17, r.stderr)
        self.assertIn("boolean", r.stderr)
        r = self.li("configure", room, "-f", "muc#roomconfig_whois", "everybody")
        self.assertEqual(r.returncode, 17, r.stderr)
        r = self.li("configure", room, "-f", "muc#roomconfig_roomname", "a", "-f",
                    "muc#roomconfig_roomname", "b")
        self.assertEqual(r.returncode, 17, r.stderr)
        r = self.li("configure", room, "-f", "muc#roomconfig_roomname")
        self.assertEqual(r.returncode, 2, r.stderr)
        form = json.loads(self.li_ok("configure", room, "-O", "json"))
        fields = {f.get("var"): f for f in form["fields"]}
        self.assertEqual(fields["muc#roomconfig_roomname"]["values"], ["Room"])  # untouched

    def test_not_owner_gets_a_clear_error(self):
        room = f"carols@{SERVICE}"
        self.assertIn('code="201"', self.join(CAROL, room, "carol"))
        r = self.li("configure", room)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("forbidden", r.stderr)
        r = h.gdbus_call(self.env, "mucConfigurationGet", room, "alice",
                         interface=PLUGIN)
        self.assertIn("PermissionError", r.stderr)
        r = h.gdbus_call(self.env, "mucAffiliationsGet", f"nosuch@{SERVICE}", "member", "alice",
                         interface=PLUGIN)
        self.assertIn("NotFound", r.stderr)
        r = h.gdbus_call(self.env, "mucRoleSet", room, "carol", "chief", "", "alice",
                         interface=PLUGIN)
        self.assertIn("DataError", r.stderr)

    def test_roles_need_our_resource_in_the_room(self):
        room = self.new_room()
        self.join(BOB, room, "bob")
        r = self.li("kick", room, "bob")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("not-allowed", r.stderr)
        r = h.gdbus_call(self.env, "mucRoleSet", room, "bob", "visitor", "", "alice",
                         interface=PLUGIN)
        self.assertIn("PermissionError", r.stderr)

    def test_kick(self):
        room = self.new_room()
        self.join_ourselves(room)
        self.join(BOB, room, "bob")
        start = self.mark(BOB)
        self.li_ok("kick", room, "bob", "-r", "enough")
        kicked = self.seen(BOB, start, 'type="unavailable"', 'code="307"')
        self.assertIsNotNone(kicked)
        self.assertIn("enough", kicked)

    def test_ban(self):
        room = self.new_room()
        self.join(CAROL, room, "carol")
        start = self.mark(CAROL)
        self.li_ok("ban", room, self.carol, "-r", "spam")
        self.assertIsNotNone(self.seen(CAROL, start, 'type="unavailable"', 'code="301"'))
        refused = self.join(CAROL, room, "carol")
        self.assertIn("forbidden", refused)
        listed = json.loads(self.li_ok("affiliations", room, "-a", "outcast", "-O", "json"))
        self.assertEqual(listed, {self.carol: "outcast"})

    def test_affiliations(self):
        room = self.new_room()
        self.li_ok("affiliate", room, self.bob, "member")
        self.li_ok("affiliate", room, self.carol + "/any", "admin")  # made bare
        listed = json.loads(self.li_ok("affiliations", room, "-O", "json"))
        self.assertEqual(listed, {self.alice: "owner", self.carol: "admin", self.bob: "member"})
        self.assertIn(f"{self.bob}: member", self.li_ok("affiliations", room))
        self.li_ok("affiliate", room, self.bob, "none")
        listed = json.loads(self.li_ok("affiliations", room, "-a", "member", "-O", "json"))
        self.assertEqual(listed, {})
        r = self.li("affiliate", room, self.bob, "king")
        self.assertEqual(r.returncode, 17, r.stderr)

    def test_roles(self):
        room = self.new_room()
        self.join_ourselves(room)
        self.join(BOB, room, "bob")
        start = self.mark(BOB)
        self.li_ok("role", room, "bob", "moderator")
        self.assertIsNotNone(self.seen(BOB, start, f'from="{room}/bob"', 'role="moderator"'))
        start = self.mark(BOB)
        self.li_ok("role", room, "bob", "visitor")
        self.assertIsNotNone(self.seen(BOB, start, f'from="{room}/bob"', 'role="visitor"'))
        r = self.li("role", room, "nobody", "visitor")
        self.assertEqual(r.returncode, 16, r.stderr)

    def test_invitations_sent(self):
        room = self.new_room()
        start = self.mark(BOB)
        self.li_ok("invite", room, self.bob, "-r", "tea?", "--password", "hunter2")
        direct = self.seen(BOB, start, "jabber:x:conference")
        self.assertIn(f'jid="{room}"', direct)
        self.assertIn('password="hunter2"', direct)
        self.assertIn('reason="tea?"', direct)
        start = self.mark(CAROL)
        self.li_ok("invite", room, self.carol, "-m", "-r", "join us")
        mediated = self.seen(CAROL, start, "muc#user", "<invite")
        self.assertIn(f'from="{room}"', mediated)
        self.assertIn("join us", mediated)
        r = self.li("invite", room, "not a jid")
        self.assertEqual(r.returncode, 17, r.stderr)

    def test_invitations_received(self):
        room = self.new_room()
        self.join(BOB, room, "bob")
        monitor = h.BusMonitor(self.env)
        # Direct, from bob to our resource.
        self.peer.run(SEND.format(index=BOB, xml=(
            f"<message to='{self.own_jid}'><x xmlns='jabber:x:conference' jid='{room}' "
            "password='hunter2' reason='tea'/></message>")))
        try:
            line = monitor.wait("mucInvitation", room, timeout=20)
        except AssertionError:
            # Seen three times in CI runs, never here: say what the backend and the
            # peer saw.
            r = h.li(self.env, "info", "session", "-O", "json", "-p", "alice")
            log = "".join(self.log)
            bob = self.peer.run(f"return clients[{BOB}].is_connected()")
            raise AssertionError(
                f"no mucInvitation; our session now: {r.stdout.strip()} (was {self.own_jid}); "
                f"bob's peer connected: {bob}; "
                f"the backend's log about it: "
                f"{[x for x in log.splitlines() if 'invit' in x or 'conference' in x][-10:]}; "
                f"the monitor saw: {monitor.copy()[-10:]}")
        self.assertIn(f"'{self.bob}/", line)
        self.assertIn("'hunter2'", line)
        self.assertIn('"mediated":false', line)
        # Hostile: a "mediated" invitation that does not come from the room, and a
        # direct one naming no room.
        self.peer.run(SEND.format(index=BOB, xml=(
            f"<message to='{self.own_jid}'><x xmlns='http://jabber.org/protocol/muc#user'>"
            f"<invite from='{self.carol}'/></x></message>")))
        self.peer.run(SEND.format(index=BOB, xml=(
            f"<message to='{self.own_jid}'><x xmlns='jabber:x:conference' jid='@@'/>"
            "</message>")))
        # Mediated, through the room, then a decline.
        self.peer.run(SEND.format(index=BOB, xml=(
            f"<message to='{room}'><x xmlns='http://jabber.org/protocol/muc#user'>"
            f"<invite to='{self.alice}'><reason>come</reason></invite></x></message>")))
        line = monitor.wait("mucInvitation", '"mediated":true')
        self.assertIn(f"'{room}'", line)
        self.assertIn(f"'{self.bob}", line)
        self.assertIn("'come'", line)
        self.peer.run(SEND.format(index=BOB, xml=(
            f"<message to='{room}'><x xmlns='http://jabber.org/protocol/muc#user'>"
            f"<decline to='{self.alice}'><reason>busy</reason></decline></x></message>")))
        line = monitor.wait("mucInvitationDeclined", room)
        self.assertIn("'busy'", line)
        monitor.stop()
        invitations = [line for line in monitor.copy() if "mucInvitation (" in line]
        self.assertEqual(len(invitations), 2, invitations)  # the hostile ones made none

    def logged(self, needle):
        h.wait_for(lambda: needle in "".join(self.log), 10, what=f"the log to say {needle!r}")

    def next_room(self):
        MucAdmin.rooms += 1
        return f"room{MucAdmin.rooms}@{SERVICE}"

    def test_our_join_makes_an_instant_room(self):
        room = self.next_room()
        self.li_ok("join", room, "-n", "alice-lv")  # create=instant is the default
        # The instant-room submission follows status 201: the room opens then.
        self.logged(f"new room {room} unlocked as an instant room")
        joined = self.join(BOB, room, "bob")
        self.assertNotIn('type="error"', joined)
        self.assertIn('code="110"', joined)

    def test_our_join_can_leave_the_room_to_configure(self):
        room = self.next_room()
        self.li_ok("join", room, "-n", "alice-lv", "--configure")
        refused = self.join(BOB, room, "bob")
        self.assertIn('type="error"', refused)
        self.assertIn("item-not-found", refused)  # still locked
        self.assertNotIn(f"new room {room} unlocked", "".join(self.log))
        self.li_ok("configure", room, "-f", "muc#roomconfig_roomname", "Configured")
        joined = self.join(BOB, room, "bob")
        self.assertNotIn('type="error"', joined)
        self.assertIn('code="110"', joined)

    def test_archive_asked_only_of_rooms_that_keep_one(self):
        room = self.new_room()  # conference.localhost has muc_mam
        self.li_ok("join", room, "-n", "alice-lv")
        self.logged(f"archive catch-up of {room}")
        plain = "plain@nomam.localhost"
        self.join(BOB, plain, "bob")  # it exists before we join: no status 201
        self.li_ok("join", plain, "-n", "alice-lv")
        self.logged(f"{plain} keeps no archive")
        self.assertNotIn(f"archive catch-up of {plain}", "".join(self.log))

    def test_destroy(self):
        room = self.new_room()
        self.join(BOB, room, "bob")
        start = self.mark(BOB)
        r = self.li("destroy", room)
        self.assertEqual(r.returncode, 2, r.stderr)  # no terminal: -f needed
        self.li_ok("destroy", room, "-f", "-r", "closing")
        self.assertIsNotNone(self.seen(BOB, start, 'type="unavailable"', "<destroy"))


if __name__ == "__main__":
    h.run_tap()
