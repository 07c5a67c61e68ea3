"""Hostile input from other accounts, through a real Prosody (reliability cases of
section 4, named by their ids): each stanza is sent raw by a slixmpp peer
(lvharness.RawPeer), Prosody stamps its `from`. Expected each time: nothing stored
or signalled for the spoofed party, a log line where the backend writes one, the
connection up. Cases the server would not relay are in test_hostile_server.py
(the scripted endpoint)."""
import json
import os
import re
import subprocess
import time

import lvharness as h

ROOM_SERVICE = "conference.localhost"
NS_CARBONS = "urn:xmpp:carbons:2"
NS_FORWARD = "urn:xmpp:forward:0"
NS_MUC_USER = "http://jabber.org/protocol/muc#user"


class HostileInput(h.SharedBackend):
    @classmethod
    def setUpClass(cls):
        cls.prosody = h.Prosody()
        cls.alice = cls.prosody.register("alice", "alice-pw")
        cls.bob = cls.prosody.register("bob", "bob-pw")
        cls.carol = cls.prosody.register("carol", "carol-pw")
        cls.dave = cls.prosody.register("dave", "dave-pw")
        cls.set_up_shared()
        cls.bot = h.RawPeer(cls.prosody, cls.bob, "bob-pw")
        cls.other = h.RawPeer(cls.prosody, cls.alice + "/other", "alice-pw")
        # Our full JID: the presence of our backend, seen by the other resource.
        h.wait_for(lambda: cls.own_full_jid() is not None, 15, 0.05, "our presence")
        cls.own_full = cls.own_full_jid()

    @classmethod
    def own_full_jid(cls):
        for stanza in cls.other.stanzas():
            m = re.search(r"<presence[^>]*from=[\"'](" + re.escape(cls.alice) + r"/[^\"']+)",
                          stanza)
            if m and not m.group(1).endswith("/other"):
                return m.group(1)
        return None

    @classmethod
    def read_log(cls):
        return cls.backend.text()

    def wait_log(self, text, timeout=10):
        h.wait_for(lambda: text in self.read_log(), timeout, 0.05, f"log line {text!r}")

    def history(self, with_jid):
        r = self.li("message", "history", with_jid, "-p", "alice", "-m", "-1", "-O", "json")
        return json.loads(r.stdout)

    def bodies(self, with_jid):
        return [m["message"].get("", "") for m in self.history(with_jid)]

    def marker(self, text, timeout=10):
        """A genuine message from bob, after the hostile ones: once it is stored,
        everything bob sent before it was handled."""
        self.bot.raw(f"<message to='{self.own_full}' type='chat' id='{text}'>"
                     f"<body>{text}</body></message>")
        h.wait_for(lambda: text in self.bodies(self.bob), timeout, 0.05, f"marker {text}")

    def assertAlive(self):
        self.assertIsNone(self.backend.proc.poll(), "the backend died")
        r = h.gdbus_call(self.env, "isConnected", "alice")
        self.assertIn("true", r.stdout, r.stderr)

    def carbon(self, kind, inner_from, inner_to, body):
        return (f"<message to='{self.own_full}'><{kind} xmlns='{NS_CARBONS}'>"
                f"<forwarded xmlns='{NS_FORWARD}'><message xmlns='jabber:client' "
                f"from='{inner_from}' to='{inner_to}' type='chat' id='{body}'>"
                f"<body>{body}</body></message></forwarded></{kind}></message>")

    # ---- S1 forged carbons (S1a, received from bot, is test_messages' test) ----

    def test_S1b_forged_sent_carbon_from_bot(self):
        # "alice sent this to carol", claimed by bob.
        self.bot.raw(self.carbon("sent", self.own_full, self.carol + "/x", "S1b forged"))
        self.marker("S1b marker")
        self.assertEqual(self.history(self.carol), [])
        self.assertNotIn("S1b forged", self.bodies(self.bob))
        self.wait_log(f"a carbon copy from {self.bob}/")

    def test_S1c_carbons_from_own_other_resource(self):
        # XEP-0280 §11: only our bare JID wraps carbons, not another of our resources.
        self.other.raw(self.carbon("received", self.carol + "/x", self.own_full, "S1c received"))
        self.other.raw(self.carbon("sent", self.own_full, self.carol + "/x", "S1c sent"))
        self.wait_log(f"a carbon copy from {self.alice}/other, not from our own account")
        time.sleep(0.3)  # both handled (the second log line has the same text)
        self.assertEqual(self.history(self.carol), [])

    # ---- S2 roster push (from bob: test_roster's test_S2_forged_push_ignored) ----

    def test_S2b_roster_push_from_own_other_resource(self):
        # RFC 6121 §2.1.6: no `from`, or our bare JID; not one of our full JIDs.
        self.other.raw(f"<iq type='set' id='S2b-push' to='{self.own_full}'>"
                       "<query xmlns='jabber:iq:roster'><item jid='mallory@evil.example' "
                       "name='Bank' subscription='both'/></query></iq>")
        reply = self.other.wait_stanza(lambda s: "S2b-push" in s, what="the error reply")
        self.assertIn('type="error"', reply)
        self.assertIn("service-unavailable", reply)
        self.wait_log(f"roster push from {self.alice}/other ignored")
        r = self.li("roster", "get", "-p", "alice")
        self.assertNotIn("mallory", r.stdout)

    # ---- S4 stanza-id poisoning ----

    def stanza_ids(self, prefix):
        """(body, stanza_id, archive_jid) of the stored rows whose body starts with
        @prefix, read from the database itself (read-only)."""
        import sqlite3
        db = sqlite3.connect(f"file:{self.home.local_dir}/libervia.db?mode=ro", uri=True)
        try:
            rows = db.execute("SELECT message, stanza_id, archive_jid FROM history h JOIN "
                              "history_message m ON m.history_id = h.id").fetchall()
        except sqlite3.OperationalError:
            rows = None
        db.close()
        if rows is None:
            raise AssertionError("the history schema changed: update this test")
        return [r for r in rows if r[0].startswith(prefix)]

    def test_S4_stanza_id_poisoning(self):
        self.bot.raw(f"<message to='{self.own_full}' type='chat' id='S4-1'>"
                     "<body>S4 first</body></message>")
        h.wait_for(lambda: "S4 first" in self.bodies(self.bob), 10, 0.05, "the first")
        (_, archive_id, archive_jid), = self.stanza_ids("S4 first")
        self.assertEqual(archive_jid, self.alice)  # given by our server's archive
        self.assertTrue(archive_id)
        # The same id claimed by bob, and by our own archive (Prosody strips and
        # replaces a stanza-id with by=our JID): neither is taken as a duplicate.
        for n, by in ((2, self.bob), (3, self.alice)):
            self.bot.raw(f"<message to='{self.own_full}' type='chat' id='S4-{n}'>"
                         f"<body>S4 copy {n}</body><stanza-id xmlns='urn:xmpp:sid:0' "
                         f"by='{by}' id='{archive_id}'/></message>")
        h.wait_for(lambda: {"S4 copy 2", "S4 copy 3"} <= set(self.bodies(self.bob)), 10, 0.05,
                   "both copies stored")
        rows = self.stanza_ids("S4")
        self.assertEqual(len(rows), 3)
        self.assertEqual([r[1] for r in rows].count(archive_id), 1)

    # ---- S5 IQ reply spoofing ----

    def test_S5_iq_reply_spoofing(self):
        # A disco#info to dave, who takes his time: bob answers in his place.
        dave = h.RawPeer(self.prosody, self.dave, "dave-pw")
        query = subprocess.Popen([h.LI, "info", "disco", dave.jid + "/" + self.resource_of(dave),
                                  "-t", "infos", "-p", "alice", "-O", "json"], env=self.env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(query.kill)
        request = dave.wait_stanza(lambda s: "disco#info" in s and 'type="get"' in s,
                                   what="the disco request")
        ident = re.search(r'id="([^"]+)"', request).group(1)
        # S5: at least 122 random bits: 32 hex digits after our prefix.
        self.assertRegex(ident, r"^lv-[0-9a-f]{32}$")
        forged = ("<query xmlns='http://jabber.org/protocol/disco#info'><identity "
                  "category='client' type='pc' name='FORGED'/></query>")
        self.bot.raw(f"<iq type='result' id='{ident}' to='{self.own_full}'>{forged}</iq>")
        self.bot.raw(f"<message id='{ident}' to='{self.own_full}'>{forged}</message>")
        self.bot.raw(f"<iq type='error' id='{ident}' to='{self.own_full}'><error "
                     "type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:"
                     "xmpp-stanzas'/></error></iq>")
        self.wait_log(f"a stanza with the id of our request to {dave.jid}")
        self.assertIsNone(query.poll(), "a forged reply was taken")
        dave.raw(f"<iq type='result' id='{ident}' to='{self.own_full}'><query xmlns="
                 "'http://jabber.org/protocol/disco#info'><identity category='client' "
                 "type='pc' name='GENUINE'/></query></iq>")
        out, err = query.communicate(timeout=20)
        self.assertEqual(query.returncode, 0, err)
        self.assertIn("GENUINE", out)
        self.assertNotIn("FORGED", out)

    def resource_of(self, peer):
        # RawPeer's presence to itself is in its own stream: its full JID.
        for stanza in peer.stanzas():
            m = re.search(r'to="' + re.escape(peer.jid) + r'/([^"]+)"', stanza)
            if m:
                return m.group(1)
        raise AssertionError(f"no full JID for {peer.jid}")

    # ---- S6 PEP / bookmark spoofing ----

    def test_S6_bookmark_events_from_bot(self):
        room = f"s6trap@{ROOM_SERVICE}"
        for node, item in (
                ("urn:xmpp:bookmarks:1",
                 f"<item id='{room}'><conference xmlns='urn:xmpp:bookmarks:1' "
                 "autojoin='true' name='Trap'><nick>alice</nick></conference></item>"),
                ("storage:bookmarks",
                 "<item id='current'><storage xmlns='storage:bookmarks'><conference "
                 f"jid='{room}' autojoin='true' name='Trap'/></storage></item>")):
            self.bot.raw(f"<message to='{self.own_full}'><event xmlns='http://jabber.org/"
                         f"protocol/pubsub#event'><items node='{node}'>{item}</items></event>"
                         "</message>")
        self.marker("S6 marker")
        self.wait_log(f"a bookmark event from {self.bob}/")
        self.assertNotIn(room, self.li("bookmarks", "list", "-p", "alice").stdout)
        self.assertNotIn(room, self.li("muc", "list", "-p", "alice").stdout)

    # ---- S7 MUC spoofing (groupchat from a plain account: test_muc) ----

    def test_S7b_self_presence_from_non_room(self):
        monitor = h.BusMonitor(self.env)
        self.bot.raw(f"<presence to='{self.own_full}'><x xmlns='{NS_MUC_USER}'><item "
                     "affiliation='owner' role='moderator'/><status code='110'/>"
                     "<status code='201'/></x></presence>")
        self.wait_log(f"room presence from {self.bob} dropped")
        self.marker("S7b marker")
        signals = monitor.text()
        self.assertNotIn("mucRoomJoined", signals)
        self.assertNotIn(self.bob, self.li("muc", "list", "-p", "alice").stdout)

    def test_S7c_subject_from_non_occupant(self):
        # A room alice is in; bob is not an occupant and claims a subject change.
        room = f"s7c@{ROOM_SERVICE}"
        self.li("muc", "join", room, "-n", "alice", "-p", "alice")
        monitor = h.BusMonitor(self.env)
        self.bot.raw(f"<message to='{self.own_full}' type='groupchat'><subject>pwned"
                     "</subject></message>")
        self.bot.raw(f"<message to='{self.own_full}' type='groupchat'><subject>pwned too"
                     "</subject><body>S7c body</body></message>")
        self.wait_log(f"groupchat message from {self.bob}/")
        self.marker("S7c marker")
        signals = monitor.text()
        self.assertNotIn("pwned", signals)
        self.assertNotIn("S7c body", self.bodies(self.bob))
        self.assertNotIn("pwned", self.li("muc", "subject", room, "-p", "alice").stdout)

    # ---- S8 remote control ----

    def test_S8_adhoc_commands_not_served(self):
        for n, node in enumerate(("http://jabber.org/protocol/rc#set-status",
                                  "http://jabber.org/protocol/rc#forward")):
            self.bot.raw(f"<iq type='set' id='S8-{n}' to='{self.own_full}'><command "
                         f"xmlns='http://jabber.org/protocol/commands' node='{node}' "
                         "action='execute'/></iq>")
            reply = self.bot.wait_stanza(lambda s, n=n: f'id="S8-{n}"' in s, what="the reply")
            self.assertIn('type="error"', reply)
            self.assertIn("service-unavailable", reply)
        # And none announced.
        self.bot.raw(f"<iq type='get' id='S8-items' to='{self.own_full}'><query xmlns="
                     "'http://jabber.org/protocol/disco#items' node="
                     "'http://jabber.org/protocol/commands'/></iq>")
        reply = self.bot.wait_stanza(lambda s: 'id="S8-items"' in s, what="the items")
        self.assertNotIn("<item ", reply)
        self.assertAlive()

    # ---- S10 deep nesting through Prosody ----

    def test_S10a_deep_nesting(self):
        depth = 36_000
        self.bot.raw(f"<message to='{self.own_full}' type='chat' id='S10a'><body>S10a deep"
                     "</body>" + "<a xmlns='urn:x'>" * depth + "</a>" * depth + "</message>")
        self.marker("S10a marker", timeout=40)  # Prosody takes its time with it
        self.assertAlive()

    # ---- S13 HTML / XHTML-IM injection ----

    def test_S13_xhtml_im_is_not_rendered_or_fetched(self):
        import socket
        tracker = socket.socket()
        tracker.bind(("127.0.0.1", 0))
        tracker.listen(8)
        tracker.setblocking(False)
        url = f"http://127.0.0.1:{tracker.getsockname()[1]}/t.png"
        body = f"S13 <script>alert(1)</script><img src='{url}' onload='x()'>"
        escaped = body.replace("&", "&amp;").replace("<", "&lt;").replace("'", "&apos;")
        self.bot.raw(
            f"<message to='{self.own_full}' type='chat' id='S13'><body>{escaped}</body>"
            "<html xmlns='http://jabber.org/protocol/xhtml-im'>"
            "<body xmlns='http://www.w3.org/1999/xhtml'><p style='background:url("
            f"{url})'>S13 rich<img src='{url}'/><script>alert(2)</script>"
            "<a href='javascript:alert(3)'>link</a></p></body></html></message>")
        self.marker("S13 marker")
        # The plain body, exactly: no markup of the XHTML part kept or signalled.
        rows = [m for m in self.history(self.bob) if m["message"].get("", "").startswith("S13 <")]
        self.assertEqual([m["message"][""] for m in rows], [body])
        self.assertNotIn("alert(2)", json.dumps(rows))
        self.assertNotIn("javascript:", json.dumps(rows))
        # Nothing fetched the tracker (no frontend or backend renders remote images).
        try:
            tracker.accept()
            self.fail("something fetched the tracker image")
        except BlockingIOError:
            pass
        finally:
            tracker.close()

    # ---- S15 terminal escapes shown by li ----

    def test_S15_cli_shows_no_controls(self):
        bodies = ["S15 csi \u009b31mred", "S15 nel \u0085 x", "S15 cr\roverwrite",
                  "S15 line\n[2026-01-01 12:00:00] admin@localhost: fake",
                  "S15 rlo \u202etxt.exe", "S15 " + "e\u0301" * 10_000, "S15 " + "w" * 2_000]
        for n, body in enumerate(bodies):
            escaped = body.replace("&", "&amp;").replace("<", "&lt;").replace("\r", "&#13;")
            self.bot.raw(f"<message to='{self.own_full}' type='chat' id='S15-{n}'><body>"
                         f"{escaped}</body></message>")
        h.wait_for(lambda: sum(b.startswith("S15") for b in self.bodies(self.bob)) == 7, 10,
                   0.05, "the S15 messages")
        # -O json keeps the exact text (but \r: Prosody writes it raw again, and XML
        # reads a raw \r as a line end).
        stored = [b for b in self.bodies(self.bob) if b.startswith("S15")]
        expected = [b.replace("\r", "\n") for b in bodies]
        if stored != expected:
            raise AssertionError(f"{[b[:60] for b in stored]} != {[b[:60] for b in expected]}")
        # On a terminal: no C0 but \n (\r\n from the pty) and tab, no DEL/C1, no bidi
        # override; a continuation line never starts like a message line.
        pty = h.Pty([h.LI, "message", "history", self.bob, "-p", "alice", "-m", "-1"],
                    self.env)
        self.assertEqual(pty.wait(), 0)
        shown = pty.buffer.decode()
        self.assert_no_controls(shown)
        self.assertIn("\n\t[2026-01-01 12:00:00] admin", shown.replace("\r\n", "\n"))
        # The monitor's JSON lines too.
        pty = h.Pty([h.LI, "message", "monitor", "-p", "alice"], self.env)
        found = None
        for attempt in range(20):  # until the monitor is subscribed (slow under ASan)
            self.bot.raw(f"<message to='{self.own_full}' type='chat' id='S15-m{attempt}'>"
                         "<body>S15 monitor \u009b31m \u202e end</body></message>")
            try:
                found = pty.expect("end", timeout=1)
                break
            except AssertionError:
                continue
        self.assertIsNotNone(found, "the monitor showed nothing")
        os.kill(pty.pid, 15)
        pty.wait()
        self.assert_no_controls(found)
        line = [ln for ln in found.splitlines() if "S15 monitor" in ln][0]
        self.assertEqual(json.loads(line)["message"][""], "S15 monitor \u009b31m \u202e end")

    def assert_no_controls(self, shown):
        for c in shown:
            o = ord(c)
            if (o < 0x20 and c not in "\n\r\t") or 0x7f <= o <= 0x9f or 0x202a <= o <= 0x202e \
                    or 0x2066 <= o <= 0x2069:
                raise AssertionError(f"U+{o:04X} on the terminal: {shown[:500]!r}")
        # \r only as the pty's end of line.
        self.assertNotIn("\r", shown.replace("\r\n", ""))

    def test_zz_connection_stayed_up(self):
        self.assertAlive()


if __name__ == "__main__":
    h.run_tap()
