"""One-to-one messages with a real Prosody: sent and received through li and the
bridge, stored exactly once whatever path they took (live, carbon, MAM), caught
up after the backend was down, hostile copies refused (reliability cases S1a
forged carbon, S2 roster push is in test_roster, S3a MAM result nobody asked for,
S9a a 1 MB body; the others are in test_hostile_input and test_hostile_scripted),
and the real Libervia CLI sending through our backend."""
import json
import os
import subprocess
import time

import lvharness as h

LIBERVIA_CLI = "/usr/bin/libervia-cli"
PLUGIN = "org.libervia.Libervia.plugin"


class Messages(h.LvTestCase):
    serial = 0

    @classmethod
    def setUpClass(cls):
        cls.prosody = h.Prosody()

    @classmethod
    def tearDownClass(cls):
        cls.prosody.stop()

    def setUp(self):
        super().setUp()
        # Fresh accounts for each test: the archives of earlier tests stay out.
        Messages.serial += 1
        n = Messages.serial
        self.alice = self.prosody.register(f"alice{n}", "alice-pw")
        self.bob = self.prosody.register(f"bob{n}", "bob-pw")
        self.carol = self.prosody.register(f"carol{n}", "carol-pw")
        self.home = h.Home()
        h.PrivateBus(self.home, activation=False)
        self.env = self.home.env
        self.env["SSL_CERT_FILE"] = self.prosody.ca_file
        self.backend = h.Foreground(self.env).wait_ready()
        h.xmpp_profile(self, self.env, self.prosody, "alice", self.alice, "alice-pw")

    def li(self, *args, code=0, timeout=60, input=None):
        r = subprocess.run([h.LI, *args], env=self.env, capture_output=True, text=True,
                           timeout=timeout, input=input)
        self.assertEqual(r.returncode, code, f"li {args}: {r.stdout} {r.stderr}")
        return r

    def history(self, with_jid, profile="alice", search=None):
        args = ["message", "history", with_jid, "-p", profile, "-m", "-1", "-O", "json"]
        if search is not None:
            args += ["--search", search]
        return json.loads(self.li(*args).stdout)

    def bodies(self, with_jid, profile="alice"):
        return [m["message"].get("", "") for m in self.history(with_jid, profile)]

    def wait_bodies(self, with_jid, expected, profile="alice", timeout=15):
        h.wait_for(lambda: self.bodies(with_jid, profile) == expected, timeout, 0.2,
                   f"history {expected}")

    def test_two_profiles_chat(self):
        h.xmpp_profile(self, self.env, self.prosody, "bob", self.bob, "bob-pw")
        self.li("message", "send", self.bob, "-p", "alice", input="hello bob\n")
        self.wait_bodies(self.alice, ["hello bob"], profile="bob")
        self.li("message", "send", self.alice, "-p", "bob", input="hi alice")
        self.wait_bodies(self.bob, ["hello bob", "hi alice"])
        # Ours: sent, then delivered (bob's backend answered the receipt request).
        h.wait_for(lambda: self.history(self.bob)[0]["extra"].get("state") == "delivered", 15,
                   0.2, "the receipt")
        found = self.history(self.bob, search="alice")
        self.assertEqual([m["message"][""] for m in found], ["hi alice"])
        # Each message once on each side.
        self.assertEqual(self.bodies(self.alice, "bob"), ["hello bob", "hi alice"])

    def test_separate_lines_and_subject(self):
        self.li("message", "send", self.carol, "-p", "alice", "-s", "-S", "topic",
                input="one\ntwo\n\nthree\n")
        history = self.history(self.carol)
        self.assertEqual([m["message"][""] for m in history], ["one", "two", "three"])
        self.assertEqual(history[0]["subject"], {"": "topic"})
        self.assertEqual(history[1]["subject"], {})

    def test_peer_chats_with_profile(self):
        r = h.slixmpp(self.prosody, self.bob, "bob-pw", f"""
got = asyncio.get_event_loop().create_future()
c.add_event_handler("message", lambda m: got.done() or not m["body"] or got.set_result(m["body"]))
c.send_presence()  # messages to the bare JID go to available resources only
await asyncio.sleep(0.3)
c.send_message(mto={self.alice!r}, mbody="from slixmpp", mtype="chat")
await asyncio.sleep(0.5)  # on the wire before li runs (it blocks this loop)
import subprocess
subprocess.run([{h.LI!r}, "message", "send", {self.bob!r}, "-p", "alice"],
               input="answer", text=True, env={self.env!r}, timeout=30)
print("GOT", await asyncio.wait_for(got, 20), flush=True)
""")
        self.assertIn("GOT answer", r.stdout)
        self.wait_bodies(self.bob, ["from slixmpp", "answer"])

    def test_caught_up_after_backend_down(self):
        self.li("message", "send", self.bob, "-p", "alice", input="before")
        h.slixmpp(self.prosody, self.bob, "bob-pw", f"""
c.send_message(mto={self.alice!r}, mbody="live", mtype="chat")
""")
        self.wait_bodies(self.bob, ["before", "live"])
        self.backend.stop()
        # The archive stamps whole seconds: keep "live" strictly before.
        time.sleep(1.1)
        h.slixmpp(self.prosody, self.bob, "bob-pw", f"""
for i in range(3):
    c.send_message(mto={self.alice!r}, mbody=f"while down {{i}}", mtype="chat")
""")
        self.backend = h.Foreground(self.env).wait_ready()
        self.li("profile", "connect", "-c", "-p", "alice")
        self.wait_bodies(self.bob, ["before", "live", "while down 0", "while down 1",
                                    "while down 2"])
        # Another reconnection brings nothing twice.
        self.li("profile", "disconnect", "-p", "alice")
        self.li("profile", "connect", "-c", "-p", "alice")
        time.sleep(2)
        self.assertEqual(len(self.history(self.bob)), 5)

    def test_carbons_and_dedup(self):
        # Another resource of alice chats with bob: we get carbons of both ways.
        h.slixmpp(self.prosody, self.alice + "/other", "alice-pw", f"""
c.send_message(mto={self.bob!r}, mbody="sent from other", mtype="chat")
""")
        h.slixmpp(self.prosody, self.bob, "bob-pw", f"""
c.send_message(mto={self.alice + "/other"!r}, mbody="to other", mtype="chat")
""")
        self.wait_bodies(self.bob, ["sent from other", "to other"])
        history = self.history(self.bob)
        self.assertTrue(history[0]["from"].startswith(self.alice))
        # Live + carbon + MAM after a reconnection: still once each.
        self.li("profile", "disconnect", "-p", "alice")
        self.li("profile", "connect", "-c", "-p", "alice")
        time.sleep(2)
        self.assertEqual(self.bodies(self.bob), ["sent from other", "to other"])

    def test_S1a_S3a_forged_copies_refused(self):
        monitor = subprocess.Popen([h.LI, "message", "monitor", "-p", "alice"], env=self.env,
                                   stdout=subprocess.PIPE, text=True, start_new_session=True)
        self.addCleanup(h.kill_group, monitor)
        time.sleep(0.5)
        h.slixmpp(self.prosody, self.bob, "bob-pw", f"""
from slixmpp import ET
# S1: a carbon "from" bob, claiming alice received something.
m = c.make_message(mto={self.alice!r}, mtype="chat")
m.append(ET.fromstring("<received xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>"
    "<message xmlns='jabber:client' from='{self.carol}/x' to='{self.alice}' type='chat'>"
    "<body>forged carbon</body></message></forwarded></received>"))
m.send()
# S3: a MAM result for a query alice never sent.
m = c.make_message(mto={self.alice!r})
m.append(ET.fromstring("<result xmlns='urn:xmpp:mam:2' queryid='nope' id='x1'>"
    "<forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' from='{self.carol}/x' "
    "to='{self.alice}' type='chat'><body>forged archive</body></message></forwarded></result>"))
m.send()
c.send_message(mto={self.alice!r}, mbody="genuine", mtype="chat")
""")
        self.wait_bodies(self.bob, ["genuine"])
        self.assertEqual(self.history(self.carol), [])
        time.sleep(0.5)
        h.kill_group(monitor)
        lines = [json.loads(line) for line in monitor.stdout.read().splitlines() if line]
        self.assertEqual([m["message"][""] for m in lines], ["genuine"])
        self.assertEqual(lines[0]["profile"], "alice")

    def test_bad_input(self):
        r = self.li("message", "send", "not a jid@@", "-p", "alice", input="x", code=17)
        self.assertIn("cannot send to not a jid@@", r.stderr)
        r = self.li("message", "send", self.bob, "-p", "alice", input="", code=17)
        self.assertIn("nothing to send", r.stderr)
        self.li("message", "history", self.bob, "-p", "alice", "-m", "many", code=2)
        # FTS syntax is not interpreted.
        self.assertEqual(self.history(self.bob, search='"AND(*'), [])

    def test_S9a_big_body(self):
        body = "x" * 1_000_000  # Prosody's limit is raised to 2 MiB in the harness
        h.slixmpp(self.prosody, self.bob, "bob-pw", f"""
c.send_message(mto={self.alice!r}, mbody="x" * 1_000_000, mtype="chat")
""")
        h.wait_for(lambda: len(self.history(self.bob)) == 1, 15, 0.2, "the big message")
        self.assertEqual(self.history(self.bob)[0]["message"][""], body)
        # The CLI prints it whole (it is asked for the history), quickly.
        start = time.monotonic()
        r = self.li("message", "history", self.bob, "-p", "alice")
        self.assertLess(time.monotonic() - start, 5)
        self.assertIn(body, r.stdout)

    def test_mam_get(self):
        h.slixmpp(self.prosody, self.bob, "bob-pw", f"""
for i in range(3):
    c.send_message(mto={self.alice!r}, mbody=f"archived {{i}}", mtype="chat")
""")
        h.slixmpp(self.prosody, self.carol, "carol-pw", f"""
c.send_message(mto={self.alice!r}, mbody="from carol", mtype="chat")
""")
        self.wait_bodies(self.bob, ["archived 0", "archived 1", "archived 2"])
        r = self.li("message", "mam", "-p", "alice", "-O", "json")
        self.assertEqual([m["message"][""] for m in json.loads(r.stdout)],
                         ["archived 0", "archived 1", "archived 2", "from carol"])
        r = self.li("message", "mam", "-p", "alice", "-W", self.carol, "-O", "json")
        self.assertEqual([m["message"][""] for m in json.loads(r.stdout)], ["from carol"])
        r = self.li("message", "mam", "-p", "alice", "-m", "2", "-b", "", "-O", "json")
        self.assertEqual([m["message"][""] for m in json.loads(r.stdout)],
                         ["archived 2", "from carol"])
        r = self.li("message", "mam", "-p", "alice", "-S", "2001-01-01", "-E", "2001-01-02",
                    "-O", "json")
        self.assertEqual(json.loads(r.stdout), [])
        self.li("message", "mam", "-p", "alice", "-S", "yesterday-ish", code=2)
        # The archive's copies are the stored messages: nothing twice.
        self.assertEqual(len(self.history(self.bob)), 3)
        if os.path.exists(LIBERVIA_CLI):
            r = subprocess.run([LIBERVIA_CLI, "message", "mam", "-p", "alice"], env=self.env,
                               capture_output=True, text=True, timeout=60)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("from carol", r.stdout)

    def test_correction_and_retraction(self):
        monitor = h.BusMonitor(self.env)
        h.slixmpp(self.prosody, self.bob, "bob-pw", f"""
from slixmpp import ET
c.send_message(mto={self.alice!r}, mbody="helo", mtype="chat")
first = c.make_message(mto={self.alice!r}, mbody="typo hier", mtype="chat")
first["id"] = "original-000000000001"
first.send()
await asyncio.sleep(0.2)
fix = c.make_message(mto={self.alice!r}, mbody="typo here", mtype="chat")
fix.append(ET.fromstring("<replace xmlns='urn:xmpp:message-correct:0' id='original-000000000001'/>"))
fix.send()
c.send_message(mto={self.alice!r}, mtype="chat", mbody="")
state = c.make_message(mto={self.alice!r}, mtype="chat")
state.append(ET.fromstring("<composing xmlns='http://jabber.org/protocol/chatstates'/>"))
state.send()
""")
        h.wait_for(lambda: "typo here" in self.bodies(self.bob), 15, 0.2, "the correction")
        history = self.history(self.bob)
        self.assertEqual([m["message"][""] for m in history], ["helo", "typo here"])
        self.assertEqual(history[1]["extra"]["edits"][0]["message"], {"": "typo hier"})
        self.assertEqual(self.history(self.bob, search="hier"), [])
        # Our own message, retracted: the text goes here, a retraction goes to bob.
        peer = h.Peer(self.prosody, self.bob, "bob-pw")
        self.li("message", "send", self.bob, "-p", "alice", input="oops")
        h.wait_for(lambda: "oops" in peer.received(), 15, 0.2, "our message at bob")
        uid = [m for m in self.history(self.bob) if m["message"].get("") == "oops"][0]["uid"]
        self.li("message", "retract", uid, "-p", "alice")
        h.wait_for(lambda: len(peer.received()) == 2, 15, 0.2, "the retraction at bob")
        self.assertIn("retract", peer.received()[1])
        retracted = [m for m in self.history(self.bob) if m["uid"] == uid][0]
        self.assertEqual(retracted["message"], {})
        self.assertIn("retracted", retracted["extra"])
        # Someone else's message cannot be retracted by us.
        other = history[0]["uid"]
        r = self.li("message", "retract", other, "-p", "alice", code=1)
        self.assertIn("only the sender", r.stderr)
        self.assertIn(f"chatStateReceived ('{self.bob}/", monitor.text())

    def test_displayed_marker(self):
        """messageMarkDisplayed (ours): the sender of a markable message gets the
        XEP-0333 marker; a plain message, someone else's or an unknown one is refused."""
        peer = h.RawPeer(self.prosody, self.bob, "bob-pw")
        peer.raw(f"<message to='{self.alice}' type='chat' id='mark-000000000001'>"
                 "<body>please look</body><markable xmlns='urn:xmpp:chat-markers:0'/></message>"
                 f"<message to='{self.alice}' type='chat' id='mark-000000000002'>"
                 "<body>no marker</body></message>")
        self.wait_bodies(self.bob, ["please look", "no marker"])
        marked, plain = [m["uid"] for m in self.history(self.bob)]
        call = lambda jid, uid: h.gdbus_call(self.env, "messageMarkDisplayed", jid, uid, "alice",
                                             interface=PLUGIN)
        r = call(self.bob, marked)
        self.assertEqual(r.returncode, 0, r.stderr)
        found = peer.wait_stanza(lambda x: "urn:xmpp:chat-markers:0" in x and "displayed" in x,
                                 15, what="the displayed marker at bob")
        self.assertIn("id=\"mark-000000000001\"", found.replace("'", '"'))
        r = call(self.bob, plain)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("DataError", r.stderr)
        r = call(self.carol, marked)
        self.assertIn("DataError", r.stderr)
        r = call(self.bob, "no-such-uid")
        self.assertIn("NotFound", r.stderr)
        self.assertEqual(sum("chat-markers" in x for x in peer.stanzas()), 1)

    def test_libervia_cli_sends(self):
        if not os.path.exists(LIBERVIA_CLI):
            self.skipTest("libervia-cli 0.9 is not installed")
        r = subprocess.run([LIBERVIA_CLI, "message", "send", "-p", "alice", self.bob],
                           input="from the python cli", env=self.env, capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.wait_bodies(self.bob, ["from the python cli"])
        self.li("roster", "add", self.bob, "-n", "Bob", "-p", "alice")
        r = subprocess.run([LIBERVIA_CLI, "roster", "get", "-p", "alice"], env=self.env,
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(self.bob, r.stdout)


if __name__ == "__main__":
    h.run_tap()
