"""Group chat (XEP-0045) with a real Prosody: two profiles of ours and a slixmpp
peer in rooms; messages stored once on each side (our own reflection too),
subject, nick changes, occupants, private messages, nick conflicts, a refused
join, a forged groupchat message, room archive catch-up, rejoin after the server
restarts. One Prosody and one backend for the whole file."""
import json
import os
import subprocess
import time
import unittest

import lvharness as h

SERVICE = "conference.localhost"
PLUGIN = "org.libervia.Libervia.plugin"

PEER = r"""
import asyncio, ssl, sys, threading, slixmpp
class C(slixmpp.ClientXMPP):
    def __init__(s, jid, password):
        super().__init__(jid, password)
        s.add_event_handler("session_start", s.started)
        s.add_event_handler("message", s.got)
    async def started(s, e):
        await s.get_roster()
        s.send_presence()
        print("READY", flush=True)
    def got(s, m):
        if m["body"]:
            print(f"GOT {m['type']} {m['from']} {m['body']}", flush=True)
jid, password, ca, port = sys.argv[1:5]
c = C(jid, password)
c.register_plugin("xep_0045")
c.ssl_context = ssl.create_default_context(cafile=ca)
loop = asyncio.get_event_loop()
muc = c.plugin["xep_0045"]
async def run(words):
    try:
        await act(words)
    except Exception as e:
        print(f"ERR {words[0]} {e!r}", flush=True)
    print("DONE " + words[0], flush=True)
async def act(words):
    if words[0] == "join":
        await muc.join_muc_wait(slixmpp.JID(words[1]), words[2], maxstanzas=0)
    elif words[0] == "say":
        c.send_message(mto=words[1], mbody=" ".join(words[2:]), mtype="groupchat")
    elif words[0] == "send":
        c.send_message(mto=words[1], mbody=" ".join(words[3:]), mtype=words[2])
    elif words[0] == "ban":
        await muc.set_affiliation(slixmpp.JID(words[1]), "outcast", jid=slixmpp.JID(words[2]))
    elif words[0] == "protect":
        form = await muc.get_room_config(slixmpp.JID(words[1]))
        new = c.plugin["xep_0004"].make_form(ftype="submit")
        new.add_field(var="FORM_TYPE", value="http://jabber.org/protocol/muc#roomconfig")
        new.add_field(var="muc#roomconfig_passwordprotectedroom", value="1")
        new.add_field(var="muc#roomconfig_roomsecret", value=words[2])
        await muc.set_room_config(slixmpp.JID(words[1]), new)
    elif words[0] == "destroy":
        await muc.destroy(slixmpp.JID(words[1]), reason="closing time")
    elif words[0] == "kick":
        await muc.set_role(slixmpp.JID(words[1]), words[2], "none")
def commands():
    for line in sys.stdin:
        words = line.split()
        if words[0] == "quit":
            loop.call_soon_threadsafe(c.disconnect)
            return
        loop.call_soon_threadsafe(lambda w=words: asyncio.ensure_future(run(w)))
threading.Thread(target=commands, daemon=True).start()
c.connect(("127.0.0.1", int(port)))
loop.run_until_complete(c.disconnected)
"""


class MucPeer(h.ProcessLines):
    """A slixmpp occupant driven by lines on its stdin (see PEER)."""

    def __init__(self, prosody, jid, password):
        self.proc = subprocess.Popen(
            ["/usr/bin/python3", "-c", PEER, jid, password, prosody.ca_file,
             str(prosody.c2s_port)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, text=True, start_new_session=True)
        h.at_teardown(lambda: h.kill_group(self.proc))
        self.start_reading()
        h.wait_for(lambda: "READY" in self.copy(), 30, 0.05, f"{jid} to log in")

    def do(self, *words):
        done = self.copy().count("DONE " + words[0])
        self.proc.stdin.write(" ".join(words) + "\n")
        self.proc.stdin.flush()
        h.wait_for(lambda: self.copy().count("DONE " + words[0]) > done, 20, 0.05,
                   f"peer {words}")

    def got(self, text):
        return any(line.startswith("GOT ") and text in line for line in self.copy())


class Muc(h.LvTestCase):
    @classmethod
    def setUpClass(cls):
        cls.prosody = h.Prosody(admin_shell=True)
        cls.alice = cls.prosody.register("alice", "alice-pw")
        cls.bob = cls.prosody.register("bob", "bob-pw")
        cls.carol = cls.prosody.register("carol", "carol-pw")
        cls.home = h.Home(sections="[plugin muc]\nself_ping_interval = 1\n")
        h.PrivateBus(cls.home, activation=False)
        cls.env = cls.home.env
        cls.env["SSL_CERT_FILE"] = cls.prosody.ca_file
        cls.backend = h.Foreground(cls.env).wait_ready()
        h.xmpp_profile(unittest.TestCase(), cls.env, cls.prosody, "alice", cls.alice, "alice-pw")
        h.xmpp_profile(unittest.TestCase(), cls.env, cls.prosody, "bob", cls.bob, "bob-pw")
        cls.peer = MucPeer(cls.prosody, cls.carol, "carol-pw")

    @classmethod
    def tearDownClass(cls):
        cls.prosody.stop()

    def li(self, *args, code=0, input=None):
        r = subprocess.run([h.LI, *args], env=self.env, capture_output=True, text=True,
                           timeout=60, input=input)
        if code is not None and r.returncode != code:
            raise AssertionError(f"li {args}: exit {r.returncode}: {r.stdout} {r.stderr}")
        return r

    def history(self, with_jid, profile):
        return json.loads(self.li("message", "history", with_jid, "-p", profile, "-m", "-1",
                                  "-O", "json").stdout)

    def bodies(self, room, profile):
        return [m["message"].get("", "") for m in self.history(room, profile)
                if m["type"] == "groupchat"]

    def rooms(self, profile, code=0):
        r = self.li("muc", "list", "-p", profile, "-O", "json", code=None)
        if code is None and r.returncode != 0:
            return []  # not connected again yet
        if code is not None:
            self.assertEqual(r.returncode, code, r.stderr)
        return json.loads(r.stdout)

    def occupants(self, room, profile):
        return {o["nick"]: o for o in json.loads(
            self.li("muc", "occupants", room, "-p", profile, "-O", "json").stdout)}

    def test_conversation(self):
        room = f"lounge@{SERVICE}"
        monitor = h.BusMonitor(self.env)
        self.assertIn("joined", self.li("muc", "join", room, "-p", "alice").stdout)
        self.li("muc", "join", room, "-p", "bob", "-n", "bobby")
        self.peer.do("join", room, "carol")
        h.wait_for(lambda: "carol" in self.occupants(room, "alice"), 10, 0.1, "carol seen")
        occupants = self.occupants(room, "alice")
        self.assertEqual(occupants["alice"]["affiliation"], "owner")
        self.assertEqual(occupants["alice"]["role"], "moderator")
        self.assertEqual(occupants["bobby"]["role"], "participant")
        # Joining again answers at once, already joined.
        self.assertIn("already in", self.li("muc", "join", room.upper(), "-p", "alice").stdout)

        self.li("message", "send", "-t", "groupchat", room, "-p", "alice", input="hello room")
        h.wait_for(lambda: self.peer.got("hello room"), 10, 0.1, "the peer to get it")
        self.peer.do("say", room, "hello from carol")
        for profile in ("alice", "bob"):
            h.wait_for(lambda: self.bodies(room, profile) == ["hello room", "hello from carol"],
                       10, 0.1, f"{profile}'s history")
        # Ours once, and sent: the reflection matched the outbox row.
        ours = [m for m in self.history(room, "alice") if m["message"].get("") == "hello room"]
        self.assertEqual(len(ours), 1)
        h.wait_for(lambda: [m for m in self.history(room, "alice")
                            if m["message"].get("") == "hello room"][0]["extra"].get("state")
                   == "sent", 10, 0.1, "our message marked sent")

        self.li("muc", "subject", room, "new topic", "-p", "alice")
        h.wait_for(lambda: self.li("muc", "subject", room, "-p", "bob").stdout.strip()
                   == "new topic", 10, 0.1, "the subject seen by bob")
        self.assertEqual(self.bodies(room, "bob"), ["hello room", "hello from carol"])

        self.li("muc", "nick", room, "bobby2", "-p", "bob")
        h.wait_for(lambda: "bobby2" in self.occupants(room, "alice"), 10, 0.1, "the new nick")
        h.wait_for(lambda: self.rooms("bob")[0]["nick"] == "bobby2", 10, 0.1, "bob's own nick")
        self.assertNotIn("bobby", self.occupants(room, "alice"))
        time.sleep(0.3)
        seen = monitor.text()
        for signal in ("mucRoomPrepareJoin", "mucRoomJoined", "mucRoomNewSubject",
                       "mucRoomUserChangedNick", "presenceUpdate"):
            self.assertIn(signal, seen)
        self.assertIn(f"'{room}/carol'", seen)

        # Private messages with an occupant, both ways.
        self.li("message", "send", "-t", "chat", f"{room}/carol", "-p", "alice",
                input="psst carol")
        h.wait_for(lambda: self.peer.got("psst carol"), 10, 0.1, "the PM to carol")
        self.peer.do("send", f"{room}/alice", "chat", "psst back")
        h.wait_for(lambda: any(m["message"].get("") == "psst back" and m["type"] == "chat"
                               and m["from"] == f"{room}/carol"
                               for m in self.history(room, "alice")), 10, 0.1, "the PM back")

        self.li("muc", "leave", room, "-p", "bob")
        h.wait_for(lambda: room not in [r["room"] for r in self.rooms("bob")], 10, 0.1, "bob out")
        self.peer.do("say", room, "after bob left")
        h.wait_for(lambda: "after bob left" in self.bodies(room, "alice"), 10, 0.1, "alice")
        self.assertNotIn("after bob left", self.bodies(room, "bob"))

    def test_nick_conflict(self):
        room = f"busy@{SERVICE}"
        self.li("muc", "join", room, "-p", "alice", "-n", "same")
        r = self.li("muc", "join", room, "-p", "bob", "-n", "same", code=19)
        self.assertIn(f"nickname already in use in {room}", r.stderr)
        self.assertNotIn(room, [r["room"] for r in self.rooms("bob")])  # nothing half-joined
        r = self.li("muc", "join", room, "-p", "bob", "-n", "same", "--nick-retry")
        self.assertIn("as same_", r.stdout)
        self.li("muc", "leave", room, "-p", "bob")

    def test_refused_join(self):
        room = f"closed@{SERVICE}"
        self.peer.do("join", room, "carol")
        self.peer.do("ban", room, self.bob)
        r = self.li("muc", "join", room, "-p", "bob", code=1)
        self.assertIn(f"cannot join {room}: we are banned from the room (forbidden)", r.stderr)
        self.assertIn(room, r.stderr)
        self.assertNotIn(room, [r["room"] for r in self.rooms("bob")])

    def test_password(self):
        room = f"secret@{SERVICE}"
        self.peer.do("join", room, "carol")
        self.peer.do("protect", room, "s3cret")
        self.assertFalse(any(line.startswith("ERR protect") for line in self.peer.copy()),
                         self.peer.copy())
        r = self.li("muc", "join", room, "-p", "bob", "--password", "wrong", code=1)
        self.assertIn(f"cannot join {room}: a password is required", r.stderr)
        self.assertNotIn("wrong", r.stderr.replace("is wrong", ""))  # never echoed
        self.assertNotIn(room, [r["room"] for r in self.rooms("bob")])
        self.li("muc", "join", room, "-p", "bob", "--password", "s3cret")
        self.assertIn(room, [r["room"] for r in self.rooms("bob")])
        self.li("muc", "leave", room, "-p", "bob")

    def test_service_and_names(self):
        r = h.gdbus_call(self.env, "mucGetService", "", "alice", interface=PLUGIN)
        self.assertIn(f"'{SERVICE}'", r.stdout, r.stderr)
        r = h.gdbus_call(self.env, "mucGetUniqueRoomName", SERVICE, "alice", interface=PLUGIN)
        self.assertRegex(r.stdout, r"'[0-9a-f-]{36}@conference\.localhost'")
        r = h.gdbus_call(self.env, "mucGetDefaultService", interface=PLUGIN)
        self.assertIn("'sat@chat.jabberfr.org'", r.stdout)
        r = h.gdbus_call(self.env, "mucJoin", "not a room", "n", "{}", "alice",
                         interface=PLUGIN)
        self.assertIn("DataError", r.stderr)

    def test_S7a_forged_groupchat(self):
        # A groupchat message from a plain account, and from a room we are not in.
        self.peer.do("send", self.alice, "groupchat", "forged plain")
        self.peer.do("join", f"other@{SERVICE}", "carol")
        self.peer.do("say", f"other@{SERVICE}", "not for alice")
        self.li("message", "send", "-t", "chat", self.carol, "-p", "alice", input="marker")
        time.sleep(0.5)
        self.assertEqual(self.bodies(self.carol, "alice"), [])
        self.assertEqual(self.bodies(f"other@{SERVICE}", "alice"), [])

    def test_kicked_no_rejoin(self):
        room = f"strict@{SERVICE}"
        self.peer.do("join", room, "carol")
        self.li("muc", "join", room, "-p", "bob", "-n", "victim")
        monitor = h.BusMonitor(self.env)
        self.peer.do("kick", room, "victim")
        h.wait_for(lambda: all(r["room"] != room for r in self.rooms("bob")), 10, 0.1,
                   "bob out")
        time.sleep(1.1)  # a self-ping interval: still out
        self.assertTrue(all(r["room"] != room for r in self.rooms("bob")))
        self.assertIn("mucRoomLeft", monitor.text())

    def test_destroyed_and_self_ping(self):
        room = f"doomed@{SERVICE}"
        self.peer.do("join", room, "carol")
        self.li("muc", "join", room, "-p", "bob")
        # Silent for several self-ping intervals (1 s here): the room answers, we stay.
        monitor = h.BusMonitor(self.env)
        time.sleep(2.2)
        self.assertIn(room, [r["room"] for r in self.rooms("bob")])
        self.peer.do("destroy", room)
        h.wait_for(lambda: room not in [r["room"] for r in self.rooms("bob")], 10, 0.1,
                   "bob out of the destroyed room")
        time.sleep(1.1)
        self.assertNotIn(room, [r["room"] for r in self.rooms("bob")])
        seen = monitor.text()
        self.assertIn("mucRoomLeft", seen)
        self.assertNotIn("mucRoomJoined", seen)  # neither the pings nor the end rejoined

    def test_lost_membership_found_by_self_ping(self):
        room = f"forgetful@{SERVICE}"
        self.peer.do("join", room, "carol")
        self.li("muc", "join", room, "-p", "bob")
        monitor = h.BusMonitor(self.env)
        # Prosody drops bob's occupant without a word to him (as a restarted or buggy
        # service would): only a self-ping can tell.
        self.prosody.muc_forget(room, "bob")
        h.wait_for(lambda: self.prosody.muc_knows(room, "bob"), 10, 0.1, "bob joined again")
        # Prosody knows him before his self-presence reaches us: the signal follows.
        monitor.wait("mucRoomJoined", room)
        monitor.stop()
        self.peer.do("say", room, "are you there")
        h.wait_for(lambda: "are you there" in self.bodies(room, "bob"), 10, 0.1,
                   "the room's messages after the rejoin")

    def test_lost_membership_rejoin_refused_for_a_while(self):
        """R12: the rejoin of a room we were in is refused for a passing reason (here
        service-unavailable, as for a full room or a MUC service still starting after
        a restart): tried again with a growing delay (2 s, 4 s…), not given up."""
        room = f"crowded@{SERVICE}"
        self.peer.do("join", room, "carol")
        self.li("muc", "join", room, "-p", "bob")
        monitor = h.BusMonitor(self.env)
        # The room refuses the next two joins, as Prosody refuses any (an error reply
        # from the room's own join path, priority above its checks).
        out = self.prosody.shell(
            '>local st = require "util.stanza" prosody.lv_refused = 0 '
            f'hosts["{SERVICE}"].events.add_handler("muc-occupant-pre-join", function(e) '
            f'if e.room.jid == "{room}" and prosody.lv_refused < 2 then '
            'prosody.lv_refused = prosody.lv_refused + 1 '
            'e.origin.send(st.error_reply(e.stanza, "wait", "service-unavailable", nil, '
            'e.room.jid)) return true end end, 100) return "armed"')
        self.assertIn("armed", out)
        self.prosody.muc_forget(room, "bob")
        h.wait_for(lambda: self.prosody.muc_knows(room, "bob"), 30, 0.2, "bob joined again")
        self.assertIn("refused=2", self.prosody.shell(
            '>return "refused=" .. prosody.lv_refused'))
        monitor.wait("mucRoomJoined", room)
        monitor.stop()
        self.assertNotIn("mucRoomLeft", monitor.text())  # not given up meanwhile
        self.peer.do("say", room, "welcome back")
        h.wait_for(lambda: "welcome back" in self.bodies(room, "bob"), 10, 0.1,
                   "the room's messages after the rejoin")

    def test_lost_by_error_joined_again(self):
        """R12: the room put us out for an error reply (333, Prosody's kickable
        errors), then refused a presence of ours that was not a join: joined again a
        little later (at a server shutdown the stream may be going too: then the next
        session does it), not forgotten."""
        room = f"bouncy@{SERVICE}"
        self.peer.do("join", room, "carol")
        self.li("muc", "join", room, "-p", "bob")
        monitor = h.BusMonitor(self.env)
        out = self.prosody.shell(
            f'>local st = require "util.stanza" '
            f'local r = hosts["{SERVICE}"].modules.muc.get_room_from_jid("{room}") '
            f'local o = r:get_occupant_by_nick("{room}/bob") local j = o.jid '
            f'local e = st.message({{from = j, to = "{room}/bob", type = "error"}})'
            ':tag("error", {type = "cancel"}):tag("recipient-unavailable", '
            '{xmlns = "urn:ietf:params:xml:ns:xmpp-stanzas"}):up():up() '
            'r:handle_kickable(nil, e) '
            # Then what a room gone meanwhile answers to the unavailable presence the
            # server sends for us as the stream ends: not the answer to a rejoin.
            f'r:route_stanza(st.presence({{from = "{room}/bob", to = j, '
            'type = "error"}):tag("error", {type = "cancel"}):tag("item-not-found", '
            '{xmlns = "urn:ietf:params:xml:ns:xmpp-stanzas"}):up():up()) return "kicked"')
        self.assertIn("kicked", out)
        h.wait_for(lambda: not self.prosody.muc_knows(room, "bob"), 10, 0.05, "bob out")
        h.wait_for(lambda: self.prosody.muc_knows(room, "bob"), 15, 0.1, "bob joined again")
        monitor.wait("mucRoomJoined", room)
        monitor.stop()
        self.assertNotIn("mucRoomLeft", monitor.text())
        self.peer.do("say", room, "still here")
        h.wait_for(lambda: "still here" in self.bodies(room, "bob"), 10, 0.1,
                   "the room's messages after the rejoin")

    def test_y_archive_catch_up(self):
        room = f"archived@{SERVICE}"
        self.peer.do("join", room, "carol")
        self.peer.do("say", room, "one")
        self.li("muc", "join", room, "-p", "alice")
        h.wait_for(lambda: self.bodies(room, "alice") == ["one"], 10, 0.1, "the history")
        self.peer.do("say", room, "two")
        h.wait_for(lambda: self.bodies(room, "alice") == ["one", "two"], 10, 0.1, "live")
        Muc.backend.stop()
        time.sleep(1.1)  # the archive stamps whole seconds: keep "two" strictly before
        self.peer.do("say", room, "three")
        self.peer.do("say", room, "four")
        Muc.backend = h.Foreground(self.env).wait_ready()
        self._mark = len(h._cleanups)  # the new backend serves the rest of the file
        for profile in ("alice", "bob"):
            self.li("profile", "connect", "-c", "-p", profile)
        self.li("muc", "join", room, "-p", "alice")
        h.wait_for(lambda: self.bodies(room, "alice") == ["one", "two", "three", "four"], 10,
                   0.1, "the catch-up")
        # Joining again brings nothing twice (no room history, the archive from the point).
        self.li("muc", "leave", room, "-p", "alice")
        h.wait_for(lambda: room not in [r["room"] for r in self.rooms("alice")], 10, 0.1, "out")
        self.li("muc", "join", room, "-p", "alice")
        self.peer.do("say", room, "five")
        h.wait_for(lambda: "five" in self.bodies(room, "alice"), 10, 0.1, "live again")
        self.assertEqual(self.bodies(room, "alice"), ["one", "two", "three", "four", "five"])

    def test_zz_rejoin_after_server_restart(self):
        room = f"durable@{SERVICE}"
        self.li("muc", "join", room, "-p", "alice")
        self.prosody.restart()
        # A new session (Prosody keeps no stream state across a restart): joined again.
        # Up to a minute: the reconnection backoff (1, 2, 4… s) can pass 25 s when the
        # restart is slow (it did once in a clean run); R5's bound is test_faults_server's.
        h.wait_for(lambda: any(r["room"] == room and "alice" in [o["nick"] for o in r["occupants"]]
                               for r in self.rooms("alice", code=None)), 60, 0.2,
                   "the room joined again")
        self.li("message", "send", "-t", "groupchat", room, "-p", "alice", input="back")
        h.wait_for(lambda: self.bodies(room, "alice") == ["back"], 10, 0.1, "after rejoin")


if __name__ == "__main__":
    h.run_tap()
