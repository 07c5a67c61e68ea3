"""Presence with a real Prosody: what others announce is known and signalled, and
what we set reaches them."""
import subprocess
import time

import lvharness as h


class Presence(h.LvTestCase):
    @classmethod
    def setUpClass(cls):
        cls.prosody = h.Prosody()
        cls.alice = cls.prosody.register("alice", "alice-pw")

    @classmethod
    def tearDownClass(cls):
        cls.prosody.stop()

    def setUp(self):
        super().setUp()
        self.home = h.Home()
        h.PrivateBus(self.home, activation=False)
        self.env = self.home.env
        self.env["SSL_CERT_FILE"] = self.prosody.ca_file
        h.Foreground(self.env).wait_ready()
        self.monitor = h.BusMonitor(self.env)

    def profile(self, name):
        h.xmpp_profile(self, self.env, self.prosody, name, self.alice, "alice-pw")

    def statuses(self, profile):
        return h.gdbus_call(self.env, "getPresenceStatuses", profile).stdout

    def test_presence_of_others(self):
        self.profile("a1")
        h.slixmpp(self.prosody, self.alice + "/other", "alice-pw", """
c.send_presence(pshow="away", pstatus="gone fishing", ppriority=5)
await asyncio.sleep(1.5)
""")
        signals = ""
        signals = self.monitor.text()
        self.assertIn(f"presenceUpdate ('{self.alice}/other', 'away', 5, "
                      "{'default': 'gone fishing'}, 'a1')", signals)
        self.assertIn(f"presenceUpdate ('{self.alice}/other', 'unavailable'", signals)
        # Gone again: only our own resource is left, and it is the main one (priority 50).
        statuses = self.statuses("a1")
        self.assertNotIn("'other'", statuses)
        own = h.gdbus_call(self.env, "getMainResource", self.alice, "a1").stdout
        self.assertNotEqual(own.strip(), "('',)")
        self.assertIn(own.strip()[2:-3], statuses)

    def test_set_presence_reaches_others(self):
        self.profile("a1")
        self.profile("a2")
        r = h.gdbus_call(self.env, "setPresence", "", "dnd", "{'default': 'in a meeting'}", "a1")
        self.assertEqual(r.returncode, 0, r.stderr)
        h.wait_for(lambda: "'dnd'" in self.statuses("a2"), 10, 0.1, "our presence at a2")
        self.assertIn("in a meeting", self.statuses("a2"))

    def test_not_connected(self):
        r = h.li(self.env, "profile", "create", "idle", "-p", "")
        self.assertEqual(r.returncode, 0)
        r = h.gdbus_call(self.env, "setPresence", "", "away", "{}", "idle")
        self.assertIn("ProfileNotConnected", r.stderr)


if __name__ == "__main__":
    h.run_tap()
