"""Bookmarks with a real Prosody: added in each location (local, private, pubsub =
XEP-0402) and listed back, removed; a bookmark another client of the account
publishes seen through the PEP event, its <extensions/> kept when we publish it
again; forged events (reliability case S6) and malformed items ignored; the
fallback to XEP-0048 on a server without mod_bookmarks; the autojoin list of a
new session; and the real Libervia CLI against our backend."""
import os
import subprocess
import time

import lvharness as h

LIBERVIA_CLI = "/usr/bin/libervia-cli"
ROOM = "conference.localhost"
OPTIONS = ("<publish-options><x xmlns='jabber:x:data' type='submit'>"
           "<field var='FORM_TYPE' type='hidden'>"
           "<value>http://jabber.org/protocol/pubsub#publish-options</value></field>"
           "<field var='pubsub#persist_items'><value>true</value></field>"
           "<field var='pubsub#max_items'><value>max</value></field>"
           "<field var='pubsub#send_last_published_item'><value>never</value></field>"
           "<field var='pubsub#access_model'><value>whitelist</value></field></x>"
           "</publish-options>")


def publish(item):
    """slixmpp lines publishing @item (XML) to our XEP-0402 node."""
    return f"""
from slixmpp import ET
r = await c.make_iq_set(ET.fromstring("<pubsub xmlns='http://jabber.org/protocol/pubsub'>"
    "<publish node='urn:xmpp:bookmarks:1'>" + {item!r} + "</publish>" + {OPTIONS!r} +
    "</pubsub>")).send()
"""


class Bookmarks(h.SharedBackend):
    @classmethod
    def setUpClass(cls):
        cls.prosody = h.Prosody()
        cls.legacy = h.Prosody(without={"bookmarks"})
        cls.alice = cls.prosody.register("alice", "alice-pw")
        cls.bob = cls.prosody.register("bob", "bob-pw")
        cls.carol = cls.legacy.register("carol", "carol-pw")
        cls.set_up_shared()

    @classmethod
    def prosodies(cls):
        return [cls.prosody, cls.legacy]

    def listed(self, location="all", kind="muc", profile="alice"):
        return self.li("bookmarks", "list", "-l", location, "-t", kind, "-p", profile).stdout

    def test_locations(self):
        self.li("bookmarks", "add", f"Loc@{ROOM}", "-l", "local", "-n", "Local room", "-p",
                "alice")
        self.li("bookmarks", "add", f"priv@{ROOM}", "-l", "private", "-N", "al", "-p", "alice")
        self.li("bookmarks", "add", f"pep@{ROOM}", "-l", "pubsub", "-a", "-p", "alice")
        self.li("bookmarks", "add", f"auto@{ROOM}", "-p", "alice")
        # Prosody's mod_bookmarks keeps private storage as XEP-0402, which has no URLs:
        # auto keeps them locally, private is refused rather than lost.
        self.li("bookmarks", "add", "https://example.org/b", "-t", "url", "-p", "alice")
        r = self.li("bookmarks", "add", "https://example.org/a", "-t", "url", "-l", "private",
                    "-p", "alice", code=17)
        self.assertIn("no URLs", r.stderr)
        self.assertIn(f"\tLocal room [loc@{ROOM}]", self.listed("local"))
        self.assertIn(f"[priv@{ROOM} (al)]", self.listed("private"))
        pubsub = self.listed("pubsub")
        self.assertIn(f"[pep@{ROOM}] (*)", pubsub)
        self.assertIn(f"[auto@{ROOM}]", pubsub)  # auto: XEP-0402 when the server has it
        self.assertNotIn(f"loc@{ROOM}", pubsub)
        self.assertIn("local:\n\t[https://example.org/b]", self.listed("all", "url"))
        # Prosody's mod_bookmarks mirrors XEP-0048 private storage and the node.
        self.assertIn(f"pep@{ROOM}", self.listed("private"))
        r = self.li("bookmarks", "add", "https://example.org/c", "-t", "url", "-l", "pubsub",
                    "-p", "alice", code=17)
        self.assertIn("rooms only", r.stderr)
        for room, location in ((f"loc@{ROOM}", "local"), (f"priv@{ROOM}", "private"),
                               (f"pep@{ROOM}", "pubsub"), (f"auto@{ROOM}", "all")):
            self.li("bookmarks", "remove", room, "-l", location, "-f", "-p", "alice")
        self.li("bookmarks", "remove", "https://example.org/b", "-t", "url", "-l", "local",
                "-f", "-p", "alice")
        self.assertEqual(self.listed("all").strip(), "")
        self.assertEqual(self.listed("all", "url").strip(), "")

    def test_bad_arguments(self):
        r = self.li("bookmarks", "remove", f"x@{ROOM}", "-p", "alice", code=2)
        self.assertIn("-f/--force", r.stderr)
        r = self.li("bookmarks", "add", "not a jid@@", "-p", "alice", code=17)
        self.assertIn("not a jid@@", r.stderr)
        self.li("bookmarks", "add", f"room@{ROOM}/nick", "-p", "alice", code=17)
        r = self.li("bookmarks", "add", "https://x.org", "-t", "url", "-a", "-p", "alice", code=2)
        self.assertIn("--autojoin or --nick", r.stderr)
        self.li("bookmarks", "list", "-l", "nowhere", "-p", "alice", code=2)

    def test_S6_pep_events_and_extensions(self):
        item = (f"<item id='ext@{ROOM}'><conference xmlns='urn:xmpp:bookmarks:1' name='Ext' "
                "autojoin='true'><nick>other</nick><extensions><state xmlns='urn:example:x' "
                "v='7'><deep/></state></extensions></conference></item>")
        h.slixmpp(self.prosody, self.alice + "/other", "alice-pw", publish(item))
        h.wait_for(lambda: f"Ext [ext@{ROOM} (other)] (*)" in self.listed("pubsub"), 10, 0.1,
                   "the published bookmark")
        # Published again by us: the other client's extensions stay.
        self.li("bookmarks", "add", f"ext@{ROOM}", "-l", "pubsub", "-n", "Renamed", "-p",
                "alice")
        r = h.slixmpp(self.prosody, self.alice + "/other", "alice-pw", """
from slixmpp import ET
iq = c.make_iq_get()
iq.append(ET.fromstring("<pubsub xmlns='http://jabber.org/protocol/pubsub'>"
    "<items node='urn:xmpp:bookmarks:1'/></pubsub>"))
r = await iq.send()
print("ITEMS", str(r).replace("\\n", " "), flush=True)
""")
        self.assertIn("urn:example:x", r.stdout)
        self.assertIn("Renamed", r.stdout)
        # S6: the same event from someone else changes nothing.
        h.slixmpp(self.prosody, self.bob, "bob-pw", f"""
from slixmpp import ET
m = c.make_message(mto={self.alice!r}, mtype="headline")
m.append(ET.fromstring("<event xmlns='http://jabber.org/protocol/pubsub#event'>"
    "<items node='urn:xmpp:bookmarks:1'><item id='evil@{ROOM}'><conference "
    "xmlns='urn:xmpp:bookmarks:1' autojoin='true'/></item><retract id='ext@{ROOM}'/></items>"
    "</event>"))
m.send()
""")
        time.sleep(0.5)
        pubsub = self.listed("pubsub")
        self.assertNotIn("evil@", pubsub)
        self.assertIn(f"ext@{ROOM}", pubsub)
        self.assertIn("bookmark event from " + self.bob, self.backend_log())
        # A retraction by the other client is seen too.
        h.slixmpp(self.prosody, self.alice + "/other", "alice-pw", f"""
from slixmpp import ET
await c.make_iq_set(ET.fromstring("<pubsub xmlns='http://jabber.org/protocol/pubsub'>"
    "<retract node='urn:xmpp:bookmarks:1' notify='true'><item id='ext@{ROOM}'/></retract>"
    "</pubsub>")).send()
""")
        h.wait_for(lambda: f"ext@{ROOM}" not in self.listed("pubsub"), 10, 0.1,
                   "the retraction")

    def test_S10_S11_malformed_items_skipped(self):
        junk = ("<item id='not a jid@@'><conference xmlns='urn:xmpp:bookmarks:1'/></item>")
        h.slixmpp(self.prosody, self.alice + "/other", "alice-pw",
                  publish(junk) + publish(f"<item id='nojunk@{ROOM}/res'><conference "
                                          "xmlns='urn:xmpp:bookmarks:1'/></item>")
                  + publish(f"<item id='noconf@{ROOM}'><other xmlns='urn:x'/></item>")
                  + publish(f"<item id='good@{ROOM}'><conference xmlns='urn:xmpp:bookmarks:1' "
                            "name='Good'><extensions>" + "<a xmlns='urn:x'>" * 60
                            + "</a>" * 60 + "</extensions></conference></item>"))
        h.wait_for(lambda: f"good@{ROOM}" in self.listed("pubsub"), 10, 0.1, "the good item")
        # Fetched again (a new session): still only the good one, the backend alive.
        self.li("profile", "disconnect", "-p", "alice")
        self.li("profile", "connect", "-c", "-p", "alice")
        pubsub = self.listed("pubsub")
        self.assertIn(f"Good [good@{ROOM}]", pubsub)
        self.assertNotIn("noconf", pubsub)
        self.assertNotIn("nojunk", pubsub)
        log = self.backend_log()
        self.assertIn("bookmark skipped", log)
        self.assertIn("nested too deep", log)
        for room in ("good", "noconf"):
            h.slixmpp(self.prosody, self.alice + "/other", "alice-pw", f"""
from slixmpp import ET
await c.make_iq_set(ET.fromstring("<pubsub xmlns='http://jabber.org/protocol/pubsub'>"
    "<retract node='urn:xmpp:bookmarks:1'><item id='{room}@{ROOM}'/></retract></pubsub>")).send()
""")

    def test_autojoin_after_reconnect(self):
        self.li("bookmarks", "add", f"auto1@{ROOM}", "-l", "pubsub", "-a", "-N", "ally", "-p",
                "alice")
        self.li("bookmarks", "add", f"auto2@{ROOM}", "-l", "local", "-a", "-p", "alice")
        self.li("bookmarks", "add", f"manual@{ROOM}", "-l", "pubsub", "-p", "alice")
        mark = len(self.backend_log())
        self.li("profile", "disconnect", "-p", "alice")
        self.li("profile", "connect", "-c", "-p", "alice")
        # The count comes first, then a line per room: wait for the last of them.
        h.wait_for(lambda: f"autojoin auto2@{ROOM}" in self.backend_log()[mark:], 10, 0.1,
                   "the autojoin list")
        log = self.backend_log()[mark:]
        self.assertIn("2 rooms to join from the bookmarks", log)
        self.assertIn(f"autojoin auto1@{ROOM} as ally", log)
        self.assertIn(f"autojoin auto2@{ROOM} as alice", log)  # Libervia's default nick
        self.assertNotIn(f"autojoin manual@{ROOM}", log)
        # And the MUC module joined them, with the bookmark's nick.
        h.wait_for(lambda: all(f"{r}@{ROOM}" in self.li("muc", "list", "-p", "alice").stdout
                               for r in ("auto1", "auto2")), 10, 0.2, "the rooms joined")
        self.assertNotIn(f"manual@{ROOM}", self.li("muc", "list", "-p", "alice").stdout)
        self.assertIn("ally", self.li("muc", "occupants", f"auto1@{ROOM}", "-p", "alice").stdout)
        for room in ("auto1", "auto2"):
            self.li("muc", "leave", f"{room}@{ROOM}", "-p", "alice")
        for room, location in (("auto1", "pubsub"), ("auto2", "local"), ("manual", "pubsub")):
            self.li("bookmarks", "remove", f"{room}@{ROOM}", "-l", location, "-f", "-p", "alice")

    def test_fallback_without_xep_0402(self):
        h.xmpp_profile(self, self.env, self.legacy, "carol", self.carol, "carol-pw",
                       connect=False)
        self.li("param", "set", "Connection", "CA file", self.legacy.ca_file, "-p", "carol")
        self.li("profile", "connect", "-c", "-p", "carol")
        self.li("bookmarks", "add", f"old@{ROOM}", "-N", "caz", "-a", "-p", "carol")
        self.li("bookmarks", "add", "https://example.org/a", "-t", "url", "-n", "A page", "-p",
                "carol")
        self.assertIn(f"private:\n\t[old@{ROOM} (caz)] (*)", self.listed("all", profile="carol"))
        self.assertIn("private:\n\tA page [https://example.org/a]",
                      self.listed("all", "url", profile="carol"))
        self.assertNotIn("pubsub:", self.listed("all", profile="carol"))
        r = self.li("bookmarks", "add", f"new@{ROOM}", "-l", "pubsub", "-p", "carol", code=18)
        self.assertIn("XEP-0402", r.stderr)
        self.li("bookmarks", "remove", f"old@{ROOM}", "-f", "-p", "carol")
        self.li("bookmarks", "remove", "https://example.org/a", "-t", "url", "-f", "-p", "carol")
        self.assertEqual(self.listed("all", profile="carol").strip(), "")
        self.assertEqual(self.listed("all", "url", profile="carol").strip(), "")

    def test_libervia_cli(self):
        if not os.path.exists(LIBERVIA_CLI):
            self.skipTest("libervia-cli 0.9 is not installed")

        def cli(*args):
            r = subprocess.run([LIBERVIA_CLI, "bookmarks", *args, "-p", "alice"], env=self.env,
                               capture_output=True, text=True, timeout=60)
            self.assertEqual(r.returncode, 0, f"{args}: {r.stdout} {r.stderr}")
            return r.stdout
        self.assertIn("successfully added", cli("add", f"py@{ROOM}", "-n", "Py", "-a"))
        self.assertIn("successfully added", cli("add", f"pyl@{ROOM}", "-l", "local"))
        out = cli("list")
        self.assertIn(f"Py [py@{ROOM}] (*)", out)
        self.assertIn(f"[pyl@{ROOM}]", out)
        self.assertIn(f"py@{ROOM}", cli("list", "-l", "pubsub"))
        self.assertIn("deleted", cli("remove", f"py@{ROOM}", "-f"))
        self.assertIn("deleted", cli("remove", f"pyl@{ROOM}", "-l", "local", "-f"))
        self.assertNotIn(f"py@{ROOM}", cli("list"))


if __name__ == "__main__":
    h.run_tap()
