"""Service discovery (XEP-0030), entity capabilities (XEP-0115), software version
(XEP-0092) and ping (XEP-0199) against a real Prosody, with slixmpp peers: what
we answer, what `li info disco|version|session` and `li ping` show, the caps
cache (kept across a restart, never poisoned), and replies forged by a third
party ignored."""
import json
import os
import re
import select
import subprocess
import time

import lvharness as h

PEER = r'''
import asyncio, json, ssl, sys, traceback, slixmpp
from slixmpp.xmlstream import ET
from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import MatchXPath

CA, PORT, ACCOUNTS = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
clients = []

async def start(jid, password, plugins):
    c = slixmpp.ClientXMPP(jid, password)
    for plugin in plugins:
        c.register_plugin(plugin)
    c.ssl_context = ssl.create_default_context(cafile=CA)
    started = asyncio.Event()
    c.add_event_handler("session_start", lambda e: started.set())
    c.connect(("127.0.0.1", PORT))
    await asyncio.wait_for(started.wait(), 20)
    if "xep_0115" in plugins:  # our caps known before the first presence
        await c["xep_0115"].update_caps(broadcast=False)
    c.send_presence()  # available: directed presences reach us only then
    return c

async def main():
    loop = asyncio.get_event_loop()
    for jid, password, plugins in ACCOUNTS:
        clients.append(await start(jid, password, plugins))
    print("READY", flush=True)
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            break
        code = json.loads(line)
        scope = dict(globals(), c=clients[0], clients=clients)
        body = "\n".join("    " + l for l in code.splitlines())
        try:
            exec("async def command():\n" + body + "\n    return None\n", scope)
            print("OK " + json.dumps(await scope["command"]()), flush=True)
        except Exception:
            print("ERR " + json.dumps(traceback.format_exc()), flush=True)
    for c in clients:
        c.disconnect()
    await asyncio.sleep(0.3)

asyncio.get_event_loop().run_until_complete(main())
'''


class Peer:
    """Long-running slixmpp clients (one process) that run the Python snippets the
    test sends them, with `c` the first client and `clients` all of them."""

    def __init__(self, prosody, accounts):
        self.proc = subprocess.Popen(
            ["/usr/bin/python3", "-c", PEER, prosody.ca_file, str(prosody.c2s_port),
             json.dumps(accounts)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            start_new_session=True)
        h._cleanups.append(self.stop)
        line = self._readline(40)
        if line != "READY":
            raise AssertionError(f"peer did not start: {line!r} {self._stderr()}")

    def _stderr(self):
        if self.proc.poll() is None:
            return ""
        return self.proc.stderr.read()[-3000:]

    def _readline(self, timeout):
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            raise AssertionError("no answer from the peer")
        return self.proc.stdout.readline().strip()

    def run(self, code, timeout=30):
        self.proc.stdin.write(json.dumps(code) + "\n")
        self.proc.stdin.flush()
        line = self._readline(timeout)
        if line.startswith("OK "):
            return json.loads(line[3:])
        if line.startswith("ERR "):
            raise AssertionError("peer command failed: " + json.loads(line[4:]))
        raise AssertionError(f"peer: {line!r} {self._stderr()}")

    def stop(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
                self.proc.wait(5)
            except (subprocess.TimeoutExpired, BrokenPipeError):
                pass
        h.kill_group(self.proc)


def announce(peer, index, to):
    """Client @index of @peer sends its available presence (with the caps slixmpp
    computes, if it has xep_0115) to our full JID @to."""
    peer.run(f"clients[{index}].send_presence(pto={to!r})\nawait asyncio.sleep(0.3)")


class Disco(h.LvTestCase):
    @classmethod
    def setUpClass(cls):
        cls.prosody = h.Prosody()
        cls.alice = cls.prosody.register("alice", "alice-pw")
        cls.bob = cls.prosody.register("bob", "bob-pw")
        cls.carol = cls.prosody.register("carol", "carol-pw")

    @classmethod
    def tearDownClass(cls):
        cls.prosody.stop()

    def setUp(self):
        super().setUp()
        self.home = h.Home("log_level = debug")
        h.PrivateBus(self.home, activation=False)
        self.env = self.home.env
        self.env["SSL_CERT_FILE"] = self.prosody.ca_file
        self.backend = h.Foreground(self.env).wait_ready()
        self.logs = []
        h.xmpp_profile(self, self.env, self.prosody, "alice", self.alice, "alice-pw")

    def tearDown(self):
        # The sanitizer build reports leaks and misuse in the backend's output.
        if self.backend.proc.poll() is None:
            self.backend_log()
        super().tearDown()
        for log in self.logs:
            if h.sanitizer_report(log) is not None:
                self.fail("the backend says: " + h.sanitizer_report(log))

    def li(self, *args, timeout=60):
        return h.li(self.env, *args, "-p", "alice", timeout=timeout)

    def li_ok(self, *args):
        r = self.li(*args)
        self.assertEqual(r.returncode, 0, f"li {args}: {r.stderr}")
        return r.stdout

    def own_jid(self):
        return json.loads(self.li_ok("info", "session", "-O", "json"))["jid"]

    def disco_json(self, jid, *args):
        return json.loads(self.li_ok("info", "disco", jid, "-O", "json", *args))

    def backend_log(self):
        """Stops the backend and returns what it logged."""
        self.backend.proc.terminate()
        self.backend.proc.wait(20)
        self.logs.append(self.backend.output())
        return self.logs[-1]

    def test_server_and_components(self):
        server = self.disco_json("localhost")
        self.assertIn("urn:xmpp:carbons:2", server["features"])
        self.assertIn(["server", "im", "Prosody"], server["identities"])
        self.assertIn(["conference.localhost", "", ""], server["items"])
        # MAM is our account's, on our bare JID.
        self.assertIn("urn:xmpp:mam:2", self.disco_json(self.alice, "-t", "infos")["features"])
        default = self.li_ok("info", "disco", "localhost")
        for section in ("Features\n\n", "\nIdentities\n\n", "\nItems\n\n"):
            self.assertIn(section, default)
        self.assertRegex(default, r"│ server +│ im +│ Prosody +│")
        simple = self.li_ok("info", "disco", "localhost", "-O", "simple", "-t", "infos")
        self.assertIn("feature\turn:xmpp:carbons:2\n", simple)
        self.assertIn("identity\tserver\tim\tProsody\n", simple)
        # The conference component and its rooms.
        peer = Peer(self.prosody, [[self.bob, "bob-pw", ["xep_0045"]]])
        peer.run("""
room = 'lounge@conference.localhost'
await c['xep_0045'].join_muc_wait(room, 'bob')
form = await c['xep_0045'].get_room_config(room)
form.field['muc#roomconfig_publicroom']['value'] = True
await c['xep_0045'].set_room_config(room, form)
""")
        conference = self.disco_json("conference.localhost")
        self.assertIn("http://jabber.org/protocol/muc", conference["features"])
        self.assertEqual(conference["identities"][0][:2], ["conference", "text"])
        items = self.disco_json("conference.localhost", "-t", "items")
        self.assertEqual(list(items), ["items"])
        self.assertIn("lounge@conference.localhost", [item[0] for item in items["items"]])
        room = self.disco_json("lounge@conference.localhost", "-t", "infos")
        # The room's form, under its FORM_TYPE, booleans as Libervia gives them.
        form = room["extensions"]["http://jabber.org/protocol/muc#roominfo"]
        fields = {field["var"]: values for field, values in form}
        self.assertEqual(fields["muc#roomconfig_allowinvites"], ["true"])
        self.assertNotIn("FORM_TYPE", fields)
        shown = self.li_ok("info", "disco", "lounge@conference.localhost", "-t", "infos")
        self.assertIn("\nExtensions\n\nhttp://jabber.org/protocol/muc#roominfo\n", shown)
        self.assertIn("\tvar: muc#roominfo_lang\n\tvalue: en\n", shown)

    def test_find_by_features(self):
        # Another resource of ours with ping: found among our own devices.
        peer = Peer(self.prosody, [[self.alice + "/other", "alice-pw", ["xep_0199"]]])
        peer.run("await asyncio.sleep(0.5)")
        r = h.gdbus_call(self.env, "discoFindByFeatures", "['urn:xmpp:mam:2']", "[]", "false",
                         "true", "false", "false", "false", "alice")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("'conference.localhost': [('conference', 'text'", r.stdout)
        # A contact's device with ping, and one without.
        self.li_ok("roster", "add", self.carol)
        contacts = Peer(self.prosody, [[self.carol + "/pinger", "carol-pw", ["xep_0199"]],
                                       [self.carol + "/mute", "carol-pw", []]])
        announce(contacts, 0, self.own_jid())
        announce(contacts, 1, self.own_jid())
        r = h.gdbus_call(self.env, "discoFindByFeatures", "['urn:xmpp:ping']", "[]", "false",
                         "false", "true", "true", "false", "alice")
        self.assertEqual(r.returncode, 0, r.stderr)
        service, own, roster = r.stdout.split("}, ")
        self.assertIn(f"'{self.alice}/other'", own)
        self.assertNotIn(self.own_jid(), r.stdout)  # this very session: only with local_device
        self.assertIn(f"'{self.carol}/pinger'", roster)
        self.assertNotIn(f"{self.carol}/mute", roster)
        self.assertTrue(r.stdout.startswith("((@a{sa(sss)} {},"), r.stdout)  # no services
        r = h.gdbus_call(self.env, "discoFindByFeatures", "['urn:xmpp:ping']", "[]", "false",
                         "false", "false", "true", "true", "alice")
        self.assertIn(self.own_jid(), r.stdout)  # with local_device
        r = h.gdbus_call(self.env, "discoFindByFeatures", "@as []", "@a(ss) []", "false", "true",
                         "true", "true", "false", "alice")
        self.assertIn("DataError", r.stderr)

    def test_what_we_answer(self):
        own = self.own_jid()
        self.assertRegex(own, "^" + re.escape(self.alice) + "/.+")
        peer = Peer(self.prosody, [[self.bob, "bob-pw", ["xep_0030", "xep_0115"]]])
        # Our presence to bob carries our caps; slixmpp checks them its own way.
        r = h.gdbus_call(self.env, "setPresence", self.bob, "", "{}", "alice")
        self.assertEqual(r.returncode, 0, r.stderr)
        answers = peer.run(f"""
await asyncio.sleep(1)
out = {{}}
out['caps'] = str(await c['xep_0115'].get_verstring({own!r}) or '')
iq = c.Iq(stype='get', sto={own!r})
iq.append(ET.fromstring("<query xmlns='jabber:iq:version'/>"))
out['version'] = str(await iq.send(timeout=10))
info = await c['xep_0030'].get_info({own!r}, timeout=10)
out['info'] = str(info)
out['ver'] = c['xep_0115'].generate_verstring(info['disco_info'], 'sha-1')
out['items'] = str(await c['xep_0030'].get_items({own!r}, timeout=10))
for name, xml in (('unknown', "<query xmlns='urn:example:nothing'/>"),
                  ('badnode', "<query xmlns='http://jabber.org/protocol/disco#info' node='x'/>"),
                  ('ping', "<ping xmlns='urn:xmpp:ping'/>")):
    iq = c.Iq(stype='get', sto={own!r})
    iq.append(ET.fromstring(xml))
    try:
        out[name] = str(await iq.send(timeout=10))
    except slixmpp.exceptions.IqError as e:
        out[name] = 'error ' + e.iq['error']['condition']
return out
""")
        self.assertIn("<name>Libervia</name>", answers["version"])
        self.assertRegex(answers["version"], r"<version>\d+\.\d+[^<]*</version>")
        self.assertNotIn("<os>", answers["version"])  # privacy: not unless configured
        self.assertIn('category="client"', answers["info"])
        self.assertIn('name="Libervia"', answers["info"])
        for feature in ("urn:xmpp:ping", "jabber:iq:version", "http://jabber.org/protocol/caps",
                        "urn:xmpp:mam:2", "urn:xmpp:carbons:2"):
            self.assertIn(f'var="{feature}"', answers["info"])
        self.assertEqual(answers["caps"], answers["ver"])  # slixmpp verified our caps
        self.assertIn("disco#items", answers["items"])
        self.assertEqual(answers["unknown"], "error service-unavailable")
        self.assertEqual(answers["badnode"], "error item-not-found")
        self.assertIn('type="result"', answers["ping"])
        # And li sees us the same way.
        ours = self.disco_json(own, "-t", "infos")
        self.assertIn(["client", "pc", "Libervia"], ours["identities"])
        self.assertIn("Software name: Libervia\nSoftware version: ",
                      self.li_ok("info", "version", own))

    def test_version(self):
        out = self.li_ok("info", "version", "localhost")
        self.assertIn("Software name: Prosody\n", out)
        self.assertRegex(out, r"Software version: \d")

    def test_session(self):
        info = json.loads(self.li_ok("info", "session", "-O", "json"))
        self.assertTrue(info["jid"].startswith(self.alice + "/"))
        self.assertLess(abs(int(info["started"]) - time.time()), 120)
        self.assertRegex(self.li_ok("info", "session"),
                         r"jid: .+\nstarted: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(UTC, \d+ \w+ ago\)")
        self.assertEqual(self.li("profile", "disconnect").returncode, 0)
        r = self.li("info", "session")
        self.assertEqual(r.returncode, 4)
        self.assertIn("not connected", r.stderr)

    def test_ping(self):
        self.assertRegex(self.li_ok("ping", "localhost"), r"^PONG \(\d+(\.\d+)?(e-\d+)? s\)\n$")
        self.assertRegex(self.li_ok("ping", "-d", "localhost"), r"^\d+(\.\d+)?(e-\d+)?\n$")
        peer = Peer(self.prosody, [[self.bob + "/phone", "bob-pw", ["xep_0199"]]])
        self.assertRegex(self.li_ok("ping", self.bob + "/phone"), r"^PONG ")
        peer.stop()
        # Nobody there: a clear error, NotFound's exit code.
        r = self.li("ping", self.bob + "/gone")
        self.assertEqual(r.returncode, 16, r.stderr)
        self.assertIn(f"cannot ping {self.bob}/gone", r.stderr)
        self.assertIn("service-unavailable", r.stderr)
        r = self.li("ping", "nowhere.invalid")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("cannot ping nowhere.invalid", r.stderr)
        r = self.li("ping", "not a jid")
        self.assertEqual(r.returncode, 17, r.stderr)
        self.assertIn("invalid XMPP address", r.stderr)
        self.assertEqual(self.li("profile", "disconnect").returncode, 0)
        r = self.li("ping", "localhost")
        self.assertEqual(r.returncode, 4)
        self.assertIn("not connected", r.stderr)

    def test_invalid_jid(self):
        for jid in ("not a jid", "a@b@c", "@localhost"):
            r = self.li("info", "disco", jid)
            self.assertIn(r.returncode, (2, 17), r.stderr)
            self.assertIn("invalid XMPP address", r.stderr)
        r = self.li("info", "version", "bad jid")
        self.assertEqual(r.returncode, 17, r.stderr)

    def test_caps_cache(self):
        own = self.own_jid()
        # Two devices of carol with the same software: the same caps.
        peer = Peer(self.prosody, [[self.carol + "/one", "carol-pw", ["xep_0030", "xep_0115"]],
                                   [self.carol + "/two", "carol-pw", ["xep_0030", "xep_0115"]]])
        announce(peer, 0, own)
        announce(peer, 1, own)
        first = self.disco_json(self.carol + "/one", "-t", "infos")
        self.assertIn("http://jabber.org/protocol/caps", first["features"])
        self.assertEqual(self.disco_json(self.carol + "/one", "-t", "infos"), first)
        self.assertEqual(self.disco_json(self.carol + "/two", "-t", "infos"), first)
        # -C asks again.
        self.assertEqual(self.disco_json(self.carol + "/two", "-t", "infos", "-C"), first)
        # The server too: asked once.
        self.disco_json("localhost", "-t", "infos")
        self.disco_json("localhost", "-t", "infos")
        log = self.backend_log()
        self.assertEqual(log.count(f"asking {self.carol}/one for its disco#info"), 1, log[-3000:])
        self.assertEqual(log.count(f"asking {self.carol}/two for its disco#info"), 1)  # the -C
        self.assertIn(f"disco#info of {self.carol}/two answered from the caps cache", log)
        self.assertEqual(log.count("asking localhost for its disco#info"), 1)
        self.assertIn("disco#info of localhost answered from the caps cache", log)
        # Kept across a restart: carol comes back with the same caps, nobody asks.
        self.backend = h.Foreground(self.env).wait_ready()
        r = self.li("profile", "connect", "-c")
        self.assertEqual(r.returncode, 0, r.stderr)
        own = self.own_jid()
        announce(peer, 0, own)
        self.assertEqual(self.disco_json(self.carol + "/one", "-t", "infos"), first)
        log = self.backend_log()
        self.assertIn("saved entity capabilities loaded", log)
        self.assertNotIn(f"asking {self.carol}/one for its disco#info", log)

    def test_caps_poisoning(self):
        own = self.own_jid()
        peer = Peer(self.prosody, [[self.carol + "/liar", "carol-pw", ["xep_0030"]],
                                   [self.carol + "/victim", "carol-pw", ["xep_0030"]]])
        fake = "AAAAAAAAAAAAAAAAAAAAAAAAAAA="
        # The liar claims a ver its disco#info does not hash to; then another
        # entity claims the same ver: it must be asked, not given the liar's result.
        peer.run(f"""
c['xep_0030'].add_feature('urn:example:liar')
for i in (0, 1):
    clients[i].send_raw("<presence to='{own}'><c xmlns='http://jabber.org/protocol/caps' "
                        "hash='sha-1' node='https://example.org' ver='{fake}'/></presence>")
await asyncio.sleep(0.5)
""")
        liar = self.disco_json(self.carol + "/liar", "-t", "infos")
        self.assertIn("urn:example:liar", liar["features"])
        victim = self.disco_json(self.carol + "/victim", "-t", "infos")
        self.assertNotIn("urn:example:liar", victim["features"])
        log = self.backend_log()
        self.assertIn(f"{self.carol}/liar announced capabilities {fake} but its disco#info "
                      "hashes to", log)
        self.assertEqual(log.count(f"asking {self.carol}/victim for its disco#info"), 1)

    def test_forged_reply_ignored(self):
        own = self.own_jid()
        # carol/a answers our disco#info, but first lets bob (who could only guess
        # the id) send a result with the same id: ours must wait for carol's.
        peer = Peer(self.prosody, [[self.carol + "/a", "carol-pw", []], [self.bob, "bob-pw", []]])
        peer.run("""
def answer(iq):
    reply = "<query xmlns='http://jabber.org/protocol/disco#info'>" \\
            "<identity category='client' type='bot' name='%s'/><feature var='%s'/></query>"
    clients[1].send_raw("<iq type='result' id='%s' to='%s'>%s</iq>" %
                        (iq['id'], iq['from'], reply % ('forged', 'urn:example:forged')))
    async def later():
        await asyncio.sleep(0.5)
        c.send_raw("<iq type='result' id='%s' to='%s'>%s</iq>" %
                   (iq['id'], iq['from'], reply % ('genuine', 'urn:example:genuine')))
    asyncio.ensure_future(later())
c.register_handler(Callback('disco', MatchXPath(
    "{jabber:client}iq/{http://jabber.org/protocol/disco#info}query"), answer))
""")
        infos = self.disco_json(self.carol + "/a", "-t", "infos")
        self.assertEqual(infos["features"], ["urn:example:genuine"])
        self.assertEqual(infos["identities"], [["client", "bot", "genuine"]])
        log = self.backend_log()
        self.assertIn(f"a stanza with the id of our request to {self.carol}/a came from "
                      f"{self.bob}", log)


if __name__ == "__main__":
    h.run_tap()
