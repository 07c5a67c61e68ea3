"""Avatars and identity with a real Prosody: two profiles of ours (alice, bob,
subscribed to each other) and slixmpp clients that only speak vCard-temp. A PEP
avatar (XEP-0084) set by alice reaches bob's cache with entityDataUpdated; a
vCard-temp one (XEP-0054 with the XEP-0153 hash in presence) too; use_cache
answers after a restart without the connection; non-images and avatars over
avatar_max_size are refused on set and on receipt; nickname and description set
by alice are read by bob; the real Libervia CLI reads them from our backend."""
import json
import os
import struct
import subprocess
import zlib

import lvharness as h

PLUGIN = "org.libervia.Libervia.plugin"
LIBERVIA_CLI = "/usr/bin/libervia-cli"
MAX_SIZE = 100000


def png(width, height, seed=0):
    """A real PNG of solid colour @seed."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    raw = b"".join(b"\0" + bytes([seed, 255 - seed, 7]) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                              0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def vcard_script(bob, photo_path, nick="Carl"):
    """slixmpp: publish a vCard-temp with the PHOTO in @photo_path, then tell bob its
    hash (XEP-0153)."""
    return f"""
import base64, hashlib
import xml.etree.ElementTree as ET
photo = open({photo_path!r}, "rb").read()
iq = c.make_iq_set()
iq.append(ET.fromstring("<vCard xmlns='vcard-temp'><NICKNAME>{nick}</NICKNAME><PHOTO>"
                        "<TYPE>image/png</TYPE><BINVAL>" + base64.b64encode(photo).decode() +
                        "</BINVAL></PHOTO></vCard>"))
await iq.send()
p = c.make_presence(pto={bob!r})
p.append(ET.fromstring("<x xmlns='vcard-temp:x:update'><photo>" +
                       hashlib.sha1(photo).hexdigest() + "</photo></x>"))
p.send()
"""


class Avatars(h.LvTestCase):
    @classmethod
    def setUpClass(cls):
        cls.prosody = h.Prosody()
        cls.alice = cls.prosody.register("alice", "alice-pw")
        cls.bob = cls.prosody.register("bob", "bob-pw")
        cls.home = h.Home(sections=f"[plugin identity]\navatar_max_size = {MAX_SIZE}\n")
        h.PrivateBus(cls.home, activation=False)
        cls.env = cls.home.env
        cls.env["SSL_CERT_FILE"] = cls.prosody.ca_file
        cls.backend = h.Foreground(cls.env).wait_ready()
        h.xmpp_profile(cls, cls.env, cls.prosody, "alice", cls.alice, "alice-pw")
        h.xmpp_profile(cls, cls.env, cls.prosody, "bob", cls.bob, "bob-pw")
        cls.subscribe("alice", cls.bob, "bob", cls.alice)
        cls.subscribe("bob", cls.alice, "alice", cls.bob)
        cls.dir = cls.home.root

    @classmethod
    def tearDownClass(cls):
        cls.prosody.stop()

    # unittest's assertEqual on the class for set-up helpers
    @classmethod
    def assertEqual(cls, a, b, msg=None):
        if a != b:
            raise AssertionError(msg or f"{a!r} != {b!r}")

    @classmethod
    def call(cls, method, *args, interface=PLUGIN, ok=True):
        r = h.gdbus_call(cls.env, method, *args, interface=interface)
        if ok and r.returncode != 0:
            raise AssertionError(f"{method}{args}: {r.stderr}")
        return r

    @classmethod
    def subscribe(cls, profile, contact, contact_profile, own):
        def item():
            return cls.call("contactGet", contact, profile, interface=h.CORE, ok=False).stdout

        def waiting():
            return own in cls.call("getWaitingSub", contact_profile, interface=h.CORE).stdout

        cls.call("addContact", contact, profile, interface=h.CORE)
        h.wait_for(lambda: waiting() or "'both'" in item(), 15, 0.1, "the request")
        if waiting():
            cls.call("subscription", "subscribed", own, contact_profile, interface=h.CORE)
        h.wait_for(lambda: "'both'" in item() or "'to'" in item(), 15, 0.1, "the subscription")

    @staticmethod
    def string_result(r):
        """The one string of a gdbus reply "('…',)"."""
        out = r.stdout.strip()
        assert out.startswith("('") and out.endswith("',)"), out
        return out[2:-3].encode().decode("unicode_escape")

    def avatar(self, entity, profile, use_cache=True):
        r = self.call("avatarGet", entity, "true" if use_cache else "false", profile)
        return json.loads(self.string_result(r))

    def write(self, name, data):
        path = os.path.join(self.dir, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def test_1_pep_avatar_reaches_contact(self):
        image = png(8, 8, 10)
        path = self.write("alice.png", image)
        monitor = h.BusMonitor(self.env)
        self.call("avatarSet", path, "", "alice")
        h.wait_for(lambda: self.avatar(self.alice, "bob") is not None, 15, 0.2, "bob's copy")
        data = self.avatar(self.alice, "bob")
        with open(data["path"], "rb") as f:
            self.assertEqual(f.read(), image)
        self.assertEqual(data["media_type"], "image/png")
        self.assertTrue(data["path"].startswith(self.home.local_dir + "/cache/avatars/"))
        signals = monitor.text()
        self.assertIn("entityDataUpdated", signals)
        self.assertIn(f"('{self.alice}', 'avatar'", signals)
        self.assertIn(data["cache_uid"], signals)
        self.assertTrue(signals.count("'bob'") >= 1)
        # Our own avatar, from the cache.
        own = self.avatar(self.alice, "alice")
        self.assertEqual(own["cache_uid"], data["cache_uid"])

    def test_2_vcard_avatar_from_presence_hash(self):
        carol = self.prosody.register("carol", "carol-pw")
        image = png(4, 4, 99)
        import hashlib
        digest = hashlib.sha1(image).hexdigest()
        monitor = h.BusMonitor(self.env)
        h.slixmpp(self.prosody, carol, "carol-pw",
                  vcard_script(self.bob, self.write("carol.png", image)))
        h.wait_for(lambda: self.call("getEntityData", carol, "['avatar']", "bob",
                                     interface=h.CORE, ok=False).returncode == 0, 15, 0.2,
                   "carol's vCard avatar")
        data = self.avatar(carol, "bob")
        self.assertEqual(data["cache_uid"], digest)
        with open(data["path"], "rb") as f:
            self.assertEqual(f.read(), image)
        self.assertIn(f"('{carol}', 'avatar'", monitor.text())

    def test_3_refused_on_set(self):
        text = self.write("not-image.png", b"this is no image at all" * 10)
        r = self.call("avatarSet", text, "", "alice", ok=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("not an image", r.stderr)
        big = self.write("big.png", png(1, 1) + os.urandom(MAX_SIZE + 1))
        r = self.call("avatarSet", big, "", "alice", ok=False)
        self.assertIn("avatar_max_size", r.stderr)
        r = self.call("avatarSet", "relative.png", "", "alice", ok=False)
        self.assertIn("absolute", r.stderr)

    def test_4_refused_on_receipt(self):
        # Over our limit, below Prosody's stanza limit (2 MiB in the harness).
        dave = self.prosody.register("dave", "dave-pw")
        big = png(1, 1) + os.urandom(3 * MAX_SIZE)
        h.slixmpp(self.prosody, dave, "dave-pw", vcard_script(self.bob, self.write("dave", big)))
        r = self.call("avatarGet", dave, "false", "bob", ok=False)
        self.assertIn("too big", r.stderr)
        # Not an image, whatever the type says.
        erin = self.prosody.register("erin", "erin-pw")
        fake = b"GIF? no: plain text " * 20
        h.slixmpp(self.prosody, erin, "erin-pw", vcard_script(self.bob, self.write("erin", fake)))
        r = self.call("avatarGet", erin, "false", "bob", ok=False)
        self.assertIn("not an image", r.stderr)
        # Metadata pointing to a data item that does not exist.
        frank = self.prosody.register("frank", "frank-pw")
        missing = "a" * 40
        h.slixmpp(self.prosody, frank, "frank-pw", f"""
import xml.etree.ElementTree as ET
iq = c.make_iq_set()
iq.append(ET.fromstring(
    "<pubsub xmlns='http://jabber.org/protocol/pubsub'>"
    "<publish node='urn:xmpp:avatar:metadata'><item id='{missing}'>"
    "<metadata xmlns='urn:xmpp:avatar:metadata'>"
    "<info id='{missing}' bytes='100' type='image/png'/></metadata></item></publish>"
    "<publish-options><x xmlns='jabber:x:data' type='submit'>"
    "<field var='FORM_TYPE' type='hidden'>"
    "<value>http://jabber.org/protocol/pubsub#publish-options</value></field>"
    "<field var='pubsub#access_model'><value>open</value></field></x></publish-options>"
    "</pubsub>"))
await iq.send()
""")
        r = self.call("avatarGet", frank, "false", "bob", ok=False)
        self.assertNotEqual(r.returncode, 0, r.stdout)
        # Prosody answers forbidden for a node that does not exist (it hides which ones do).
        self.assertRegex(r.stderr, "NotFound|item-not-found|forbidden")
        for entity in (dave, erin, frank):
            r = self.call("getEntityData", entity, "['avatar']", "bob", interface=h.CORE,
                          ok=False)
            self.assertNotIn("cache_uid", r.stdout)

    def test_5_nickname_and_description(self):
        self.call("identitySet", json.dumps({"nicknames": ["Ally"], "description": "Hello, Bob"}),
                  "alice")
        data = json.loads(self.string_result(
            self.call("identityGet", self.alice, "[]", "false", "bob")))
        self.assertIn("Ally", data["nicknames"])
        self.assertEqual(data["description"], "Hello, Bob")
        self.assertIsNotNone(data["avatar"])
        only = json.loads(self.string_result(
            self.call("identityGet", self.alice, "['description']", "false", "bob")))
        self.assertEqual(only, {"description": "Hello, Bob"})
        r = self.call("identitySet", json.dumps({"colour": "red"}), "alice", ok=False)
        self.assertIn("invalid identity metadata", r.stderr)

    def test_6_li(self):
        li = lambda *args: h.li(self.env, *args)  # noqa: E731
        r = li("avatar", "get", "-s", "-p", "bob", self.alice)  # no display: printed only
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("/cache/avatars/", r.stdout)
        r = li("avatar", "get", "--no-cache", "-p", "bob", "nobody@localhost")
        self.assertEqual(r.returncode, 16, r.stdout + r.stderr)
        r = li("avatar", "set", "-p", "alice", "/nonexistent.png")
        self.assertEqual(r.returncode, 2, r.stderr)
        r = li("identity", "set", "-p", "alice")
        self.assertEqual(r.returncode, 2, r.stderr)
        r = li("identity", "set", "-p", "alice", "-n", "Al", "-d", "via li")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = li("identity", "get", "--no-cache", "-p", "bob", self.alice, "-O", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        data = json.loads(r.stdout)
        self.assertIn("Al", data["nicknames"])
        self.assertEqual(data["description"], "via li")
        r = li("identity", "get", "-p", "bob", self.alice)
        self.assertIn("description: via li", r.stdout)

    def test_6_real_cli(self):
        if not os.path.exists(LIBERVIA_CLI):
            self.skipTest("libervia-cli 0.9 is not installed")
        r = subprocess.run([LIBERVIA_CLI, "avatar", "get", "-p", "bob", self.alice],
                           env=self.env, capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("/cache/avatars/", r.stdout)
        r = subprocess.run([LIBERVIA_CLI, "identity", "set", "-p", "alice", "-n", "Alicia",
                            "-d", "from the real CLI"],
                           env=self.env, capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        h.wait_for(lambda: "Alicia" in subprocess.run(
            [LIBERVIA_CLI, "identity", "get", "--no-cache", "-p", "bob", self.alice, "-O",
             "json"], env=self.env, capture_output=True, text=True, timeout=30).stdout,
            15, 0.3, "the nickname through the real CLI")

    def test_7_cache_after_restart(self):
        type(self).backend.stop()
        type(self).backend = h.Foreground(self.env).wait_ready()
        # bob is not connected: the answers come from libervia.db and the cache.
        data = self.avatar(self.alice, "bob")
        self.assertTrue(os.path.isfile(data["path"]))
        ident = json.loads(self.string_result(
            self.call("identityGet", self.alice, "[]", "true", "bob")))
        self.assertIn("Alicia", ident["nicknames"])  # set by test_6
        self.assertEqual(ident["avatar"]["cache_uid"], data["cache_uid"])


class VcardTempServer(h.LvTestCase):
    """A server that keeps vCard-temp apart from PEP (mod_vcard, no vcard_legacy:
    it does not announce XEP-0398 conversion): avatarSet writes the PHOTO into our
    vCard-temp too, keeping what another client wrote there."""

    @classmethod
    def setUpClass(cls):
        cls.prosody = h.Prosody(without={"vcard_legacy"}, modules=["vcard"], upload=False)
        cls.alice = cls.prosody.register("alice", "alice-pw")
        cls.bob = cls.prosody.register("bob", "bob-pw")
        cls.home = h.Home()
        h.PrivateBus(cls.home, activation=False)
        cls.env = cls.home.env
        cls.env["SSL_CERT_FILE"] = cls.prosody.ca_file
        cls.backend = h.Foreground(cls.env).wait_ready()

    @classmethod
    def tearDownClass(cls):
        cls.prosody.stop()

    def read_vcard(self):
        r = h.slixmpp(self.prosody, self.bob, "bob-pw", f"""
import base64, hashlib
import xml.etree.ElementTree as ET
iq = c.make_iq_get(ito={self.alice!r})
iq.append(ET.fromstring("<vCard xmlns='vcard-temp'/>"))
reply = await iq.send()
v = "{{vcard-temp}}"
card = reply.xml.find(v + "vCard")
binval = card.findtext(v + "PHOTO/" + v + "BINVAL") or ""
print("FN", card.findtext(v + "FN"))
print("TYPE", card.findtext(v + "PHOTO/" + v + "TYPE"))
print("SHA1", hashlib.sha1(base64.b64decode(binval)).hexdigest() if binval else "none")
print("PHOTOS", len(card.findall(v + "PHOTO")))
""")
        return dict(line.split(" ", 1) for line in r.stdout.splitlines() if " " in line)

    def test_avatar_in_vcard_temp(self):
        # Another client of alice's wrote her vCard first.
        h.slixmpp(self.prosody, self.alice, "alice-pw", """
import xml.etree.ElementTree as ET
iq = c.make_iq_set()
iq.append(ET.fromstring("<vCard xmlns='vcard-temp'><FN>Alice Liddell</FN><PHOTO>"
                        "<TYPE>image/png</TYPE><BINVAL>AAAA</BINVAL></PHOTO></vCard>"))
await iq.send()
""")
        h.xmpp_profile(self, self.env, self.prosody, "alice", self.alice, "alice-pw")
        image = png(6, 6, 42)
        path = os.path.join(self.home.root, "alice.png")
        with open(path, "wb") as f:
            f.write(image)
        r = h.gdbus_call(self.env, "avatarSet", path, "", "alice", interface=PLUGIN)
        self.assertEqual(r.returncode, 0, r.stderr)
        card = self.read_vcard()
        import hashlib
        self.assertEqual(card["SHA1"], hashlib.sha1(image).hexdigest(), card)
        self.assertEqual(card["TYPE"], "image/png")
        self.assertEqual(card["PHOTOS"], "1")
        self.assertEqual(card["FN"], "Alice Liddell")


if __name__ == "__main__":
    h.run_tap()
