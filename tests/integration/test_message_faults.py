"""Messages across faults of the connection, with a real Prosody behind a loopback
proxy that cuts or black-holes the TCP stream (reliability case R3: cut during a
burst, resumed; R6: resumption refused, unacked messages of ours re-sent once from
the outbox after the archive showed what the server had)."""
import json
import subprocess
import time

import lvharness as h
import lvproxy


class MessageFaults(h.LvTestCase):
    serial = 0

    @classmethod
    def setUpClass(cls):
        # A short hibernation, so that a test can outlast it and see resumption refused.
        cls.prosody = h.Prosody(hibernation=4)

    @classmethod
    def tearDownClass(cls):
        cls.prosody.stop()

    def setUp(self):
        super().setUp()
        MessageFaults.serial += 1
        n = MessageFaults.serial
        self.alice = self.prosody.register(f"alice{n}", "alice-pw")
        self.bob = self.prosody.register(f"bob{n}", "bob-pw")
        self.proxy = lvproxy.Proxy(self.prosody.c2s_port)
        self.home = h.Home()
        h.PrivateBus(self.home, activation=False)
        self.env = self.home.env
        self.env["SSL_CERT_FILE"] = self.prosody.ca_file
        self.env["G_MESSAGES_DEBUG"] = "lv-xmpp"
        self.backend = h.Foreground(self.env).wait_ready()
        h.xmpp_profile(self, self.env, self.prosody, "alice", self.alice, "alice-pw",
                       connect=False)
        self.li("param", "set", "Connection", "Force port", str(self.proxy.port), "-p", "alice")
        self.li("profile", "connect", "-c", "-p", "alice")
        self.peer = h.Peer(self.prosody, self.bob, "bob-pw")

    def li(self, *args, code=0, input=None):
        r = subprocess.run([h.LI, *args], env=self.env, capture_output=True, text=True,
                           timeout=60, input=input)
        self.assertEqual(r.returncode, code, f"li {args}: {r.stdout} {r.stderr}")
        return r

    def history(self):
        r = self.li("message", "history", self.bob, "-p", "alice", "-m", "-1", "-O", "json")
        return json.loads(r.stdout)

    def incoming(self):
        return [m["message"][""] for m in self.history() if m["from"].startswith(self.bob)]

    def wait_incoming(self, count, timeout=30):
        h.wait_for(lambda: len(self.incoming()) >= count, timeout, 0.2,
                   f"{count} messages from bob")
        time.sleep(1)  # anything twice would show now

    def backend_log(self):
        self.backend.stop()
        return self.backend.output()

    def test_cut_during_burst_resumed(self):
        expected = []
        for cut in range(3):
            self.peer.send(self.alice, 40, f"burst{cut}")
            self.proxy.cut()
            self.li("message", "send", self.bob, "-p", "alice", input=f"ours {cut}")
            expected += [f"burst{cut} {i}" for i in range(40)]
            self.wait_incoming(len(expected))
            # Back in session before the next cut: a new TCP connection is not enough
            # (a cut during the resumption itself leaves the server and us with other
            # counters, and the resumption is refused), our message out is.
            h.wait_for(lambda: f"ours {cut}" in self.peer.received(), 20, 0.1,
                       f"ours {cut} at bob")
        # Each once. (The order of messages the server re-sent after the resumption
        # follows its whole-second delay stamps: not asserted.)
        self.assertEqual(sorted(self.incoming()), sorted(expected))
        h.wait_for(lambda: len(self.peer.received()) >= 3, 20, 0.2, "our messages at bob")
        time.sleep(1)
        self.assertEqual(self.peer.received(), ["ours 0", "ours 1", "ours 2"])
        log = self.backend_log()
        self.assertIn("stream resumed (XEP-0198)", log)

    def test_resumption_refused_outbox_resent(self):
        self.peer.send(self.alice, 5, "before")
        self.wait_incoming(5)
        # Our messages vanish on the dead path: the server never gets them.
        self.proxy.blackhole = True
        for i in range(3):
            self.li("message", "send", self.bob, "-p", "alice", input=f"lost {i}")
        # The path comes back only after the server dropped the hibernating session.
        self.proxy.refuse = True
        self.proxy.cut()
        self.proxy.blackhole = False
        self.peer.send(self.alice, 5, "away")
        time.sleep(self.prosody.hibernation + 2)
        self.proxy.refuse = False
        h.wait_for(lambda: len(self.peer.received()) >= 3, 60, 0.2, "the outbox at bob")
        self.wait_incoming(10)
        self.assertEqual(self.peer.received(), ["lost 0", "lost 1", "lost 2"])
        self.assertEqual(sorted(self.incoming()),
                         sorted([f"before {i}" for i in range(5)] + [f"away {i}" for i in range(5)]))
        states = [m["extra"].get("state") for m in self.history() if m["from"].startswith(self.alice)]
        self.assertEqual(len(states), 3)
        h.wait_for(lambda: all(m["extra"].get("state") in ("sent", "delivered")
                               for m in self.history() if m["from"].startswith(self.alice)),
                   20, 0.2, "our messages confirmed")


if __name__ == "__main__":
    h.run_tap()
