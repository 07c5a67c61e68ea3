"""Blocking (XEP-0191) with a real Prosody: block, list and unblock through li
and the real Libervia CLI; the server's pushes for another resource's changes
seen, forged pushes refused; a message from a blocked contact that the server
did not filter (archived before the block, delivered by MAM at the next
connection) neither stored nor signalled; a clear error from a server without
the feature."""
import json
import os
import subprocess

import lvharness as h

LIBERVIA_CLI = "/usr/bin/libervia-cli"


class Blocking(h.SharedBackend):
    @classmethod
    def setUpClass(cls):
        cls.prosody = h.Prosody()
        cls.alice = cls.prosody.register("alice", "alice-pw")
        cls.bob = cls.prosody.register("bob", "bob-pw")
        cls.set_up_shared()

    def blocked(self):
        return json.loads(self.li("blocking", "list", "-O", "json", "-p", "alice").stdout)

    def test_block_list_unblock(self):
        self.li("blocking", "block", "spam@example.org", "Example.NET", "x@y/res", "-p", "alice")
        self.assertEqual(self.blocked(), ["example.net", "spam@example.org", "x@y/res"])
        self.assertIn("spam@example.org\n",
                      self.li("blocking", "list", "-p", "alice").stdout)
        self.li("blocking", "unblock", "spam@example.org", "-p", "alice")
        self.assertEqual(self.blocked(), ["example.net", "x@y/res"])
        # "all" needs a confirmation, or -f; -f alone is refused.
        r = self.li("blocking", "unblock", "all", "-p", "alice", code=2)
        self.assertIn("-f/--force", r.stderr)
        r = self.li("blocking", "unblock", "x@y/res", "-f", "-p", "alice", code=2)
        self.assertIn("only allowed", r.stderr)
        self.li("blocking", "unblock", "all", "-f", "-p", "alice")
        self.assertEqual(self.blocked(), [])
        r = self.li("blocking", "block", "not a jid@@", "-p", "alice", code=17)
        self.assertIn("not a jid@@", r.stderr)
        self.li("blocking", "block", "-p", "alice", code=2)

    def test_pushes(self):
        # Another resource of the account blocks: the server pushes it to us.
        h.slixmpp(self.prosody, self.alice + "/other", "alice-pw", """
from slixmpp import ET
await c.make_iq_set(ET.fromstring("<block xmlns='urn:xmpp:blocking'>"
    "<item jid='pushed@example.org'/></block>")).send()
""")
        h.wait_for(lambda: "pushed@example.org" in self.blocked(), 10, 0.1, "the push")
        self.assertIn("pushed@example.org blocked (pushed by the server)", self.backend_log())
        # A push from anyone else is refused and changes nothing.
        r = h.slixmpp(self.prosody, self.bob, "bob-pw", f"""
from slixmpp import ET
c.send_presence()
await asyncio.sleep(0.2)
iq = c.make_iq_set(ET.fromstring("<unblock xmlns='urn:xmpp:blocking'/>"), ito={self.alice!r})
try:
    await iq.send(timeout=5)
    print("ACCEPTED", flush=True)
except Exception as e:
    print("REFUSED", e, flush=True)
""")
        self.assertNotIn("ACCEPTED", r.stdout)
        self.assertIn("pushed@example.org", self.blocked())
        h.slixmpp(self.prosody, self.alice + "/other", "alice-pw", """
from slixmpp import ET
await c.make_iq_set(ET.fromstring("<unblock xmlns='urn:xmpp:blocking'>"
    "<item jid='pushed@example.org'/></unblock>")).send()
""")
        h.wait_for(lambda: "pushed@example.org" not in self.blocked(), 10, 0.1, "the unblock")

    def test_blocked_sender_dropped(self):
        monitor = h.BusMonitor(self.env)
        self.li("profile", "disconnect", "-p", "alice")
        # Archived while we are away, then blocked by another client: the server
        # hands it over in the MAM catch-up all the same.
        h.slixmpp(self.prosody, self.bob, "bob-pw", f"""
c.send_message(mto={self.alice!r}, mbody="from a blocked contact", mtype="chat")
""")
        h.slixmpp(self.prosody, self.alice + "/other", "alice-pw", f"""
from slixmpp import ET
await c.make_iq_set(ET.fromstring("<block xmlns='urn:xmpp:blocking'>"
    "<item jid='{self.bob}'/></block>")).send()
""")
        self.li("profile", "connect", "-c", "-p", "alice")
        h.wait_for(lambda: f"message from {self.bob}" in self.backend_log(), 10, 0.1,
                   "the archived message to be dropped")
        self.assertIn("dropped: the sender is blocked", self.backend_log())
        history = json.loads(self.li("message", "history", self.bob, "-p", "alice", "-O",
                                     "json").stdout)
        self.assertEqual(history, [])
        self.assertNotIn("from a blocked contact", monitor.text())
        self.li("blocking", "unblock", self.bob, "-p", "alice")

    def test_libervia_cli(self):
        if not os.path.exists(LIBERVIA_CLI):
            self.skipTest("libervia-cli 0.9 is not installed")

        def cli(*args):
            r = subprocess.run([LIBERVIA_CLI, "blocking", *args, "-p", "alice"], env=self.env,
                               capture_output=True, text=True, timeout=60)
            self.assertEqual(r.returncode, 0, f"{args}: {r.stdout} {r.stderr}")
            return r.stdout
        cli("block", "py@example.org", "py2@example.org")
        self.assertIn("py2@example.org", cli("list"))
        cli("unblock", "py@example.org")
        self.assertNotIn("py@example.org\n", cli("list"))
        cli("unblock", "all", "-f")
        self.assertEqual(cli("list").strip(), "")

    def test_server_without_blocking(self):
        bare = h.Prosody(without={"blocklist"})
        dave = bare.register("dave", "dave-pw")
        h.xmpp_profile(self, self.env, bare, "dave", dave, "dave-pw", connect=False)
        self.li("param", "set", "Connection", "CA file", bare.ca_file, "-p", "dave")
        self.li("profile", "connect", "-c", "-p", "dave")
        r = self.li("blocking", "list", "-p", "dave", code=18)
        self.assertIn("does not offer blocking", r.stderr)
        r = self.li("blocking", "block", "a@b", "-p", "dave", code=18)
        self.assertIn("XEP-0191", r.stderr)
        self.li("profile", "disconnect", "-p", "dave")


if __name__ == "__main__":
    h.run_tap()
