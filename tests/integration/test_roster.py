"""The roster of a connected profile: fetched at session start, kept current by
pushes from our own server only, on the bridge and in `li roster get`; versioned
(RFC 6121 §2.6) and kept in libervia.db between sessions; groups, stats, purge and
resync as in Libervia."""
import ast
import json
import os
import subprocess
import time

import lvharness as h
from test_subscriptions import SubPeer

LIBERVIA_CLI = "/usr/bin/libervia-cli"


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
        self.monitor = h.BusMonitor(self.env)
        r = h.li(self.env, "profile", "connect", "-c", "-p", "alice")
        self.assertEqual(r.returncode, 0, r.stderr)

    def contacts(self):
        r = h.li(self.env, "roster", "get", "-p", "alice", "-O", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        return {c["jid"]: c for c in json.loads(r.stdout)}

    def signals(self):
        return self.monitor.text()

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

    def test_S2a_forged_push_ignored(self):
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

    def test_contacts_from_group(self):
        h.wait_for(lambda: self.bob in self.contacts(), 10, 0.1, "the roster")
        r = h.gdbus_call(self.env, "getContactsFromGroup", "work", "alice")
        self.assertEqual(r.stdout.strip(), f"(['{self.bob}'],)")
        r = h.li(self.env, "debug", "bridge", "method", "getContactsFromGroup", "friends", "alice")
        self.assertEqual(r.stdout.strip(), f"['{self.bob}']")
        r = h.gdbus_call(self.env, "getContactsFromGroup", "nobody's group", "alice")
        self.assertIn("UnknownGroupError", r.stderr)

    def test_not_connected(self):
        r = h.li(self.env, "profile", "disconnect", "-p", "alice")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = h.li(self.env, "roster", "get", "-p", "alice")
        self.assertEqual(r.returncode, 4)
        self.assertIn("not connected", r.stderr)


def stored_roster(env, profile="alice"):
    """What the backend keeps of @profile's roster in libervia.db, or None."""
    r = h.gdbus_call(env, "privateDataGet", "lv-roster", "roster", profile)
    assert r.returncode == 0, r.stderr
    return json.loads(ast.literal_eval(r.stdout.strip())[0])


class Versioning(h.LvTestCase):
    """Connect, disconnect, change nothing, reconnect (and restart the backend): the
    roster get carries our version, the server answers "unchanged", and the roster
    kept is still complete; pushes keep what is kept current."""

    @classmethod
    def setUpClass(cls):
        cls.prosody = h.Prosody()
        cls.alice = cls.prosody.register("alice", "alice-pw")
        cls.bob = cls.prosody.register("bob", "bob-pw")
        cls.carol = cls.prosody.register("carol", "carol-pw")
        h.slixmpp(cls.prosody, cls.alice, "alice-pw",
                  f'c.update_roster({cls.bob!r}, name="Bob", groups=["friends"])')

    @classmethod
    def tearDownClass(cls):
        cls.prosody.stop()

    def setUp(self):
        super().setUp()
        self.home = h.Home("log_level = debug")
        h.PrivateBus(self.home, activation=False)
        self.env = self.home.env
        self.env["SSL_CERT_FILE"] = self.prosody.ca_file
        self.start()
        h.xmpp_profile(self, self.env, self.prosody, "alice", self.alice, "alice-pw",
                       connect=False)

    def start(self):
        self.backend = h.Foreground(self.env).wait_ready()

    def restart(self):
        """Stops the backend; returns its log; starts a new one on the same data."""
        self.backend.proc.terminate()
        self.backend.proc.wait(10)
        log = self.backend.output()
        self.start()
        return log

    def connect(self):
        r = h.li(self.env, "profile", "connect", "-c", "-p", "alice")
        self.assertEqual(r.returncode, 0, r.stderr)

    def contacts(self):
        r = h.li(self.env, "roster", "get", "-p", "alice", "-O", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        return {c["jid"]: c for c in json.loads(r.stdout)}

    def test_unchanged_roster_restored(self):
        self.assertIsNone(stored_roster(self.env))
        self.connect()
        h.wait_for(lambda: stored_roster(self.env) is not None, 10, 0.1, "the roster kept")
        kept = stored_roster(self.env)
        ver = kept["ver"]
        self.assertTrue(ver)
        self.assertEqual(kept["jid"], self.alice)
        self.assertEqual([item[0] for item in kept["items"]], [self.bob])
        # Disconnect, nothing changes, connect again: only the version travels.
        self.assertEqual(h.li(self.env, "profile", "disconnect", "-p", "alice").returncode, 0)
        self.connect()
        h.wait_for(lambda: self.bob in self.contacts(), 10, 0.1, "the roster")
        # And across a restart of the backend, from libervia.db.
        log = self.restart()
        self.connect()
        h.wait_for(lambda: self.bob in self.contacts(), 10, 0.1, "the roster after a restart")
        bob = self.contacts()[self.bob]
        self.assertEqual((bob["name"], bob["groups"]), ("Bob", ["friends"]))
        log += self.restart()
        # The first session asked with ver="" (nothing kept), the next two with ours.
        self.assertIn('<query xmlns="jabber:iq:roster" ver=""/>', log)
        self.assertEqual(log.count(f'<query xmlns="jabber:iq:roster" ver="{ver}"/>'), 2, log)
        self.assertEqual(log.count(f'roster unchanged since version "{ver}"'), 2)
        self.assertEqual(log.count("the roster kept (1 items) is current"), 2)
        self.assertIn(f'kept roster of {self.alice} loaded: 1 items at version "{ver}"', log)

    def test_pushes_keep_the_version(self):
        self.connect()
        h.wait_for(lambda: stored_roster(self.env) is not None, 10, 0.1, "the roster kept")
        first = stored_roster(self.env)["ver"]
        self.assertEqual(h.li(self.env, "profile", "disconnect", "-p", "alice").returncode, 0)
        self.connect()
        # A push after the reconnection: another device of alice adds carol.
        h.slixmpp(self.prosody, self.alice + "/other", "alice-pw",
                  f"c.update_roster({self.carol!r}, name='Carol')")
        h.wait_for(lambda: self.carol in self.contacts(), 10, 0.1, "the push")
        h.wait_for(lambda: stored_roster(self.env)["ver"] != first, 10, 0.1, "a new version")
        kept = stored_roster(self.env)
        self.assertEqual(sorted(item[0] for item in kept["items"]), [self.bob, self.carol])
        pushed = kept["ver"]
        # What was pushed is there after a restart, the server saying "unchanged".
        log = self.restart()
        self.connect()
        h.wait_for(lambda: self.carol in self.contacts(), 10, 0.1, "the roster after a restart")
        self.assertEqual(self.contacts()[self.carol]["name"], "Carol")
        # A change while we are away: the server sends it on the next connection.
        self.assertEqual(h.li(self.env, "profile", "disconnect", "-p", "alice").returncode, 0)
        h.slixmpp(self.prosody, self.alice + "/other", "alice-pw",
                  f"c.del_roster_item({self.carol!r})")
        self.connect()
        h.wait_for(lambda: self.carol not in self.contacts(), 10, 0.1, "the removal")
        h.wait_for(lambda: [i[0] for i in stored_roster(self.env)["items"]] == [self.bob], 10,
                   0.1, "the removal kept")
        log += self.restart()
        self.assertIn(f'<query xmlns="jabber:iq:roster" ver="{pushed}"/>', log)
        self.assertIn(f'roster unchanged since version "{pushed}"', log)

    def test_resync(self):
        self.connect()
        h.wait_for(lambda: stored_roster(self.env) is not None, 10, 0.1, "the roster kept")
        r = h.li(self.env, "roster", "resync", "-p", "alice")
        self.assertEqual((r.returncode, r.stdout), (0, "Roster resynchronized\n"), r.stderr)
        self.assertIn(self.bob, self.contacts())
        self.assertIsNotNone(stored_roster(self.env))
        r = h.gdbus_call(self.env, "rosterResync", "alice")
        self.assertEqual(r.stdout.strip(), "()")
        log = self.restart()
        # At connection, then twice more without a version: the whole roster each time.
        self.assertEqual(log.count('<query xmlns="jabber:iq:roster" ver=""/>'), 3, log)
        self.assertEqual(log.count("roster of 1 items, version"), 3)
        self.assertEqual(h.li(self.env, "roster", "resync", "-p", "alice").returncode, 4)


class Maintenance(h.LvTestCase):
    """roster stats and roster purge over a roster with each kind of subscription."""

    @classmethod
    def setUpClass(cls):
        cls.prosody = h.Prosody()
        cls.alice = cls.prosody.register("alice", "alice-pw")
        cls.bob = cls.prosody.register("bob", "bob-pw")
        cls.carol = cls.prosody.register("carol", "carol-pw")
        cls.dave = cls.prosody.register("dave", "dave-pw")
        cls.erin = "erin@example.org"

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
        h.xmpp_profile(self, self.env, self.prosody, "alice", self.alice, "alice-pw")

    def contact(self, jid):
        r = h.gdbus_call(self.env, "contactGet", jid, "alice")
        return r.stdout if r.returncode == 0 else ""

    def li_pty(self, *args):
        return h.Pty([h.LI, *args], self.env)

    def test_stats_and_purge(self):
        # bob: both; carol: from (we approved, she does not answer); dave: to (he
        # approves, does not ask back); erin: none, on another host, in two groups.
        bob = SubPeer(self.prosody, self.bob, "bob-pw", auto=True)
        self.assertEqual(h.li(self.env, "roster", "add", self.bob, "-g", "friends", "-p",
                              "alice").returncode, 0)
        carol = SubPeer(self.prosody, self.carol, "carol-pw", auto=False)
        carol.presence(self.alice, "subscribe")
        h.wait_for(lambda: self.carol in h.gdbus_call(self.env, "getWaitingSub", "alice").stdout,
                   10, 0.1, "carol's request")
        self.assertEqual(h.gdbus_call(self.env, "subscription", "subscribed", self.carol,
                                      "alice").returncode, 0)
        dave = SubPeer(self.prosody, self.dave, "dave-pw", auto=False)
        self.assertEqual(h.li(self.env, "roster", "add", self.dave, "-p", "alice").returncode, 0)
        h.wait_for(lambda: f"subscribe {self.alice}" in dave.received(), 10, 0.1, "the request")
        dave.presence(self.alice, "subscribed")
        self.assertEqual(h.gdbus_call(self.env, "updateContact", self.erin, "Erin",
                                      "['friends', 'work']", "alice").returncode, 0)
        for jid, subscription in ((self.bob, "both"), (self.carol, "from"), (self.dave, "to"),
                                  (self.erin, "none")):
            h.wait_for(lambda: f"'subscription': '{subscription}'" in self.contact(jid), 10,
                       0.1, f"{jid} to be {subscription}")
        r = h.li(self.env, "roster", "stats", "-p", "alice")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, f"""
Total number of contacts: 4
Number of different hosts: 2

Contacts on localhost: 3 (75.0%)
Contacts on example.org: 1 (25.0%)

Contacts with no 'from' subscription: 1
Contacts with no 'to' subscription: 1
Contacts with no subscription at all: 1

Total number of groups: 2
Average contacts per group: 1.5
Average groups' subscriptions per contact: 0.8
Contacts not assigned to any group: 2
""")
        if os.path.exists(LIBERVIA_CLI):  # Libervia's own CLI says the same of our roster
            theirs = h.run([LIBERVIA_CLI, "roster", "stats", "-p", "alice"], self.env, timeout=60)
            self.assertEqual(theirs.stdout, r.stdout, theirs.stderr)
            theirs = h.run([LIBERVIA_CLI, "roster", "purge", "--no-from", "-p", "alice"],
                           self.env, timeout=60, input="n\n")
            ours = self.li_pty("roster", "purge", "--no-from", "-p", "alice")
            shown = ours.expect("REMOVE them")
            ours.send("n")
            self.assertEqual(ours.wait(), 0)
            # Libervia 0.9 shows its profile as dbus.String('alice'): we mean what it meant.
            expected = theirs.stdout.split("REMOVE")[0].replace("dbus.String('alice')", "'alice'")
            self.assertIn(expected.replace("\n", "\r\n"), shown)
        # Without a terminal nobody can confirm: nothing is removed.
        r = h.li(self.env, "roster", "purge", "-p", "alice")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn(f"There's no subscription between profile 'alice' and the following "
                      f"contacts:\n    {self.erin}\n", r.stdout)
        self.assertIn("needs a confirmation", r.stderr)
        self.assertIn("Erin", self.contact(self.erin))
        # Saying no removes nothing either.
        pty = self.li_pty("roster", "purge", "-p", "alice")
        pty.expect("REMOVE them from profile alice's roster")
        pty.send("n")
        self.assertEqual(pty.wait(), 0)
        self.assertIn("Erin", self.contact(self.erin))
        # With --no-from and --no-to, carol and dave go too.
        pty = self.li_pty("roster", "purge", "--no-from", "--no-to", "-p", "alice")
        shown = pty.expect("REMOVE them from profile alice's roster")
        self.assertIn(f"There's no 'from' subscription between profile 'alice' and the "
                      f"following contacts:\r\n    {self.dave}", shown)
        self.assertIn(f"There's no 'to' subscription between profile 'alice' and the "
                      f"following contacts:\r\n    {self.carol}", shown)
        pty.send("y")
        pty.expect(f"contact '{self.erin}' has been removed")
        pty.expect(f"contact '{self.dave}' has been removed")
        pty.expect(f"contact '{self.carol}' has been removed")
        self.assertEqual(pty.wait(), 0)
        for jid in (self.carol, self.dave, self.erin):
            h.wait_for(lambda: self.contact(jid) == "", 10, 0.1, f"{jid} removed")
        self.assertIn("'subscription': 'both'", self.contact(self.bob))
        r = h.li(self.env, "roster", "purge", "--no-from", "--no-to", "-p", "alice")
        self.assertEqual((r.returncode, r.stdout), (0, "Nothing to do - there's a from and/or to "
                         "subscription(s) between profile 'alice' and each of its contacts\n"))
        r = h.li(self.env, "roster", "stats", "-p", "alice")
        self.assertIn("Total number of contacts: 1\n", r.stdout)
        self.assertIn("Average contacts per group: 1.0\n", r.stdout)
        del bob, carol


if __name__ == "__main__":
    h.run_tap()
