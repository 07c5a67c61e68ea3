"""Presence subscriptions (RFC 6121 §3) as Libervia handles them: a request from a
contact waits (getWaitingSub) and is told by the subscribe signal until it is
answered with the subscription method; approving asks for the contact's presence
too; a request from a contact whose presence we see is approved at once."""
import subprocess

import lvharness as h

PEER = r"""
import asyncio, ssl, sys, threading, slixmpp
jid, password, ca, port, auto = sys.argv[1:6]
c = slixmpp.ClientXMPP(jid, password)
# None: this peer answers nothing by itself; True: it approves and asks back.
c.auto_authorize = None if auto == "none" else True
c.auto_subscribe = auto != "none"
async def started(e):
    await c.get_roster()
    c.send_presence()
    print("READY", flush=True)
c.add_event_handler("session_start", started)
for kind in ("subscribe", "subscribed", "unsubscribe", "unsubscribed"):
    c.add_event_handler("presence_" + kind,
                        lambda p, k=kind: print(f"PRES {k} {p['from'].bare}", flush=True))
c.ssl_context = ssl.create_default_context(cafile=ca)
loop = asyncio.get_event_loop()
def commands():
    for line in sys.stdin:
        words = line.split()
        if words[0] == "presence":
            loop.call_soon_threadsafe(lambda w=words: c.send_presence(pto=w[1], ptype=w[2]))
        elif words[0] == "quit":
            loop.call_soon_threadsafe(c.disconnect)
            return
threading.Thread(target=commands, daemon=True).start()
c.connect(("127.0.0.1", int(port)))
loop.run_until_complete(c.disconnected)
"""


class SubPeer(h.ProcessLines):
    """A slixmpp client that stays connected, sends subscription presences on
    demand and lists the ones it receives ("subscribed alice@localhost"…)."""

    def __init__(self, prosody, jid, password, auto):
        self.jid = jid
        self.proc = subprocess.Popen(
            ["/usr/bin/python3", "-c", PEER, jid, password, prosody.ca_file,
             str(prosody.c2s_port), "auto" if auto else "none"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            start_new_session=True)
        h.at_teardown(self.stop)
        self.start_reading()
        h.wait_for(lambda: "READY" in self.copy(), 30, 0.05, f"{jid} to log in")

    def received(self):
        return [line[5:] for line in self.copy() if line.startswith("PRES ")]

    def presence(self, to, kind):
        self.proc.stdin.write(f"presence {to} {kind}\n")
        self.proc.stdin.flush()

    def stop(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write("quit\n")
                self.proc.stdin.flush()
                self.proc.wait(5)
            except (OSError, subprocess.TimeoutExpired):
                pass
        h.kill_group(self.proc)


class Subscriptions(h.LvTestCase):
    @classmethod
    def setUpClass(cls):
        cls.prosody = h.Prosody()
        cls.alice = cls.prosody.register("alice", "alice-pw")
        cls.bob = cls.prosody.register("bob", "bob-pw")
        cls.carol = cls.prosody.register("carol", "carol-pw")
        cls.dave = cls.prosody.register("dave", "dave-pw")

    @classmethod
    def tearDownClass(cls):
        cls.prosody.stop()

    def setUp(self):
        super().setUp()
        self.home = h.Home()
        h.PrivateBus(self.home, activation=False)
        self.env = self.home.env
        self.env["SSL_CERT_FILE"] = self.prosody.ca_file
        self.backend = h.Foreground(self.env).wait_ready()
        h.xmpp_profile(self, self.env, self.prosody, "alice", self.alice, "alice-pw",
                       connect=False)
        self.monitor = h.BusMonitor(self.env)
        r = h.li(self.env, "profile", "connect", "-c", "-p", "alice")
        self.assertEqual(r.returncode, 0, r.stderr)

    def signals(self):
        return self.monitor.text()

    def waiting(self):
        r = h.li(self.env, "debug", "bridge", "method", "getWaitingSub", "-p", "alice")
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout.strip()

    def contact(self, jid):
        r = h.gdbus_call(self.env, "contactGet", jid, "alice")
        return r.stdout if r.returncode == 0 else ""

    def subscription(self, kind, jid):
        r = h.li(self.env, "debug", "bridge", "method", "subscription", kind, jid, "alice")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_request_waits_then_approved(self):
        bob = SubPeer(self.prosody, self.bob, "bob-pw", auto=False)
        self.assertEqual(self.waiting(), "{}")
        bob.presence(self.alice, "subscribe")
        h.wait_for(lambda: self.waiting() == f"{{'{self.bob}': 'subscribe'}}", 10, 0.1,
                   "the waiting request")
        r = h.gdbus_call(self.env, "getWaitingSub", "@DEFAULT@")
        self.assertEqual(r.stdout.strip(), f"({{'{self.bob}': 'subscribe'}},)")
        self.subscription("subscribed", self.bob + "/any-resource")  # answered to the bare JID
        h.wait_for(lambda: f"subscribed {self.alice}" in bob.received(), 10, 0.1,
                   "bob to see the approval")
        # As Libervia: approving asks for the contact's presence too.
        h.wait_for(lambda: f"subscribe {self.alice}" in bob.received(), 10, 0.1,
                   "bob to be asked back")
        self.assertEqual(self.waiting(), "{}")
        h.wait_for(lambda: "'from': 'True'" in self.contact(self.bob), 10, 0.1,
                   "the roster push")
        self.monitor.wait(f"subscribe ('subscribe', '{self.bob}', 'alice')")

    def test_request_refused(self):
        carol = SubPeer(self.prosody, self.carol, "carol-pw", auto=False)
        carol.presence(self.alice, "subscribe")
        h.wait_for(lambda: self.carol in self.waiting(), 10, 0.1, "the waiting request")
        r = h.gdbus_call(self.env, "subscription", "unsubscribed", self.carol, "alice")
        self.assertEqual(r.returncode, 0, r.stderr)
        h.wait_for(lambda: f"unsubscribed {self.alice}" in carol.received(), 10, 0.1,
                   "carol to see the refusal")
        self.assertEqual(self.waiting(), "{}")
        self.assertNotIn(f"subscribe {self.alice}", carol.received())
        # A request withdrawn waits no more either.
        carol.presence(self.alice, "subscribe")
        h.wait_for(lambda: self.carol in self.waiting(), 10, 0.1, "the second request")
        carol.presence(self.alice, "unsubscribe")
        h.wait_for(lambda: self.waiting() == "{}", 10, 0.1, "the withdrawal")
        # The signal may reach the monitor after li has the answer: waited for.
        self.monitor.wait(f"subscribe ('unsubscribe', '{self.carol}', 'alice')")

    def test_contact_we_see_is_approved_at_once(self):
        dave = SubPeer(self.prosody, self.dave, "dave-pw", auto=True)
        # We ask; dave approves and asks back; we see dave's presence, so its request is
        # approved without waiting.
        r = h.li(self.env, "roster", "add", self.dave, "-p", "alice")
        self.assertEqual(r.returncode, 0, r.stderr)
        h.wait_for(lambda: f"subscribed {self.alice}" in dave.received(), 10, 0.1,
                   "dave to be approved")
        h.wait_for(lambda: "'subscription': 'both'" in self.contact(self.dave), 10, 0.1,
                   "a mutual subscription")
        self.assertEqual(self.waiting(), "{}")
        dave.presence(self.alice, "unsubscribed")
        h.wait_for(lambda: "'to': 'False'" in self.contact(self.dave), 10, 0.1,
                   "the subscription cancelled")
        self.monitor.wait(f"subscribe ('subscribed', '{self.dave}', 'alice')")
        self.monitor.wait(f"subscribe ('unsubscribed', '{self.dave}', 'alice')")
        signals = self.signals()
        self.assertNotIn(f"subscribe ('subscribe', '{self.dave}'", signals)

    def test_bad_calls(self):
        r = h.gdbus_call(self.env, "subscription", "allow", self.bob, "alice")
        self.assertIn("DataError", r.stderr)
        r = h.gdbus_call(self.env, "subscription", "subscribe", "not a jid", "alice")
        self.assertIn("DataError", r.stderr)
        r = h.li(self.env, "profile", "disconnect", "-p", "alice")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = h.gdbus_call(self.env, "subscription", "subscribe", self.bob, "alice")
        self.assertIn("ProfileNotConnected", r.stderr)
        self.assertEqual(self.waiting(), "{}")  # answers without a connection, as Libervia
        r = h.gdbus_call(self.env, "getWaitingSub", "nobody")
        self.assertIn("ProfileUnknownError", r.stderr)


if __name__ == "__main__":
    h.run_tap()
