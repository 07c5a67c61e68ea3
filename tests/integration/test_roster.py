"""The roster of a connected profile: fetched at session start, kept current by
pushes from our own server only, on the bridge and in `li roster get`."""
import json
import subprocess
import time

import lvharness as h


class Roster(h.LvTestCase):
    @classmethod
    def setUpClass(cls):
        cls.prosody = h.Prosody()
        cls.alice = cls.prosody.register("alice", "alice-pw")
        cls.bob = cls.prosody.register("bob", "bob-pw")
        cls.carol = cls.prosody.register("carol", "carol-pw")
        h.slixmpp(cls.prosody, cls.alice, "alice-pw",
                  f'c.update_roster({cls.bob!r}, name="Bob", groups=["friends", "work"])')

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
        self.monitor = subprocess.Popen(["gdbus", "monitor", "--session", "--dest", h.BUS_NAME],
                                        env=self.env, stdout=subprocess.PIPE, text=True,
                                        start_new_session=True)
        self.addCleanup(h.kill_group, self.monitor)
        time.sleep(0.2)
        r = h.li(self.env, "profile", "connect", "-c", "-p", "alice")
        self.assertEqual(r.returncode, 0, r.stderr)

    def contacts(self):
        r = h.li(self.env, "roster", "get", "-p", "alice", "-O", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        return {c["jid"]: c for c in json.loads(r.stdout)}

    def signals(self):
        h.kill_group(self.monitor)
        return self.monitor.stdout.read()

    def test_roster_fetched_at_connect(self):
        h.wait_for(lambda: self.bob in self.contacts(), 10, 0.1, "the roster")
        bob = self.contacts()[self.bob]
        self.assertEqual(bob["name"], "Bob")
        self.assertEqual(sorted(bob["groups"]), ["friends", "work"])
        self.assertEqual(bob["to"], "False")
        simple = h.li(self.env, "roster", "get", "-p", "alice").stdout
        self.assertIn(f"{self.bob} (Bob) [", simple)
        r = h.gdbus_call(self.env, "contactGet", self.bob, "alice")
        self.assertIn("'name': 'Bob'", r.stdout)
        self.assertIn(f"newContact ('{self.bob}'", self.signals())

    def test_pushes_from_our_server(self):
        h.wait_for(lambda: self.bob in self.contacts(), 10, 0.1, "the roster")
        # Another resource of alice changes the roster: the server pushes it to us.
        h.slixmpp(self.prosody, self.alice + "/other", "alice-pw",
                  f"c.update_roster({self.carol!r}, name='Carol')")
        h.wait_for(lambda: self.carol in self.contacts(), 10, 0.1, "the push")
        h.slixmpp(self.prosody, self.alice + "/other", "alice-pw", f"c.del_roster_item({self.carol!r})")
        h.wait_for(lambda: self.carol not in self.contacts(), 10, 0.1, "the removal")
        signals = self.signals()
        self.assertIn(f"newContact ('{self.carol}'", signals)
        self.assertIn(f"contactDeleted ('{self.carol}', 'alice')", signals)

    def test_forged_push_ignored(self):
        h.wait_for(lambda: self.bob in self.contacts(), 10, 0.1, "the roster")
        # Find our full JID in the connected signal, then let bob forge a push to it.
        signals_so_far = self.signals()
        start = signals_so_far.index(f"connected ('{self.alice}/") + len("connected ('")
        own_full = signals_so_far[start:signals_so_far.index("'", start)]
        h.slixmpp(self.prosody, self.bob, "bob-pw", f"""
iq = c.Iq(stype="set", sto={own_full!r})
iq["roster"]["items"] = {{"mallory@evil.example": {{"name": "Mallory", "subscription": "both"}}}}
try:
    await iq.send(timeout=5)
except Exception:
    pass
""")
        time.sleep(0.5)
        self.assertNotIn("mallory@evil.example", self.contacts())
        self.backend.proc.terminate()
        self.backend.proc.wait(10)
        log = self.backend.output()
        self.assertIn(f"roster push from {self.bob}", log)  # it did arrive, and was refused
        self.assertIn("ignored", log)

    def test_add_set_delete(self):
        h.wait_for(lambda: self.bob in self.contacts(), 10, 0.1, "the roster")
        r = h.li(self.env, "roster", "add", self.carol, "-n", "Carol", "-g", "club", "-p", "alice")
        self.assertEqual(r.returncode, 0, r.stderr)
        h.wait_for(lambda: self.carol in self.contacts(), 10, 0.1, "carol added")
        carol = self.contacts()[self.carol]
        self.assertEqual((carol["name"], carol["groups"]), ("Carol", ["club"]))
        self.assertEqual(carol["ask"], "True")  # a subscription request went out
        r = h.li(self.env, "roster", "set", self.carol, "-g", "chess", "-p", "alice")
        self.assertEqual(r.returncode, 0, r.stderr)
        h.wait_for(lambda: sorted(self.contacts()[self.carol]["groups"]) == ["chess", "club"],
                   10, 0.1, "groups added")
        r = h.li(self.env, "roster", "set", self.carol, "-R", "-g", "only", "-n", "C.", "-p",
                 "alice")
        h.wait_for(lambda: self.contacts()[self.carol]["groups"] == ["only"], 10, 0.1,
                   "groups replaced")
        self.assertEqual(h.li(self.env, "roster", "delete", self.carol, "-p", "alice").returncode,
                         2)  # no terminal, no -f
        r = h.li(self.env, "roster", "delete", self.carol, "-f", "-p", "alice")
        self.assertEqual(r.returncode, 0, r.stderr)
        h.wait_for(lambda: self.carol not in self.contacts(), 10, 0.1, "carol removed")
        r = h.li(self.env, "roster", "add", "not a jid", "-p", "alice")
        self.assertEqual(r.returncode, 17, r.stderr)

    def test_not_connected(self):
        r = h.li(self.env, "profile", "disconnect", "-p", "alice")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = h.li(self.env, "roster", "get", "-p", "alice")
        self.assertEqual(r.returncode, 4)
        self.assertIn("not connected", r.stderr)


if __name__ == "__main__":
    h.run_tap()
