"""Hostile input in a server's position, played by a SCRIPTED XMPP SERVER
(lvscripted.py: just enough of RFC 6120 to reach a session, then what each test
gives it): MAM results and <fin/> that our server would relay from another account
or a room (reliability cases S3b-e, S7d: Prosody routes them with `from` stamped,
but only a server knows our query ids); invalid JIDs that Prosody would refuse to
route (S11); a DTD with entities, which Prosody never relays (S16). Each test has
its own backend and scripted server; nothing from the hostile stanzas may reach
the history (read from the database itself), the backend stays up."""
import json
import re
import sqlite3
import time

import lvharness as h
import lvscripted

GOOD = (b"<message from='bob@localhost/x' to='alice@localhost/scripted' type='chat' "
        b"id='good-0000000001'><body>good</body></message>")


def rss_kib(pid):
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


class HostileScripted(h.LvTestCase):
    @classmethod
    def setUpClass(cls):
        # Only for its test CA and certificate; the scripted server uses them.
        cls.prosody = h.Prosody()
        cls.prosody.stop()

    def history(self):
        r = h.li(self.env, "message", "history", "bob@localhost", "-p", "alice", "-m", "-1",
                 "-O", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        return [m["message"][""] for m in json.loads(r.stdout)]


    def stored_bodies(self):
        """Every body in the history, read from the database itself (read-only)."""
        db = sqlite3.connect(f"file:{self.home.local_dir}/libervia.db?mode=ro", uri=True)
        try:
            return [r[0] for r in db.execute("SELECT message FROM history_message")]
        finally:
            db.close()

    def log_of_stopped_backend(self):
        self.backend.proc.terminate()
        self.backend.proc.wait(10)
        return self.backend.output()

    @staticmethod
    def iq_id(iq):
        return re.search(rb"id=['\"]([^'\"]+)['\"]", iq).group(1).decode()

    # ---- S3 MAM spoofing, S7d forged room messages in our archive ----

    def test_S3_S7d_mam_spoofing(self):
        sent = []

        def result(query_id, arch_id, inner, frm=None):
            attr = f" from='{frm}'" if frm else ""
            return (f"<message to='alice@localhost/scripted'{attr}><result xmlns="
                    f"'urn:xmpp:mam:2' queryid='{query_id}' id='{arch_id}'><forwarded xmlns="
                    f"'urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp="
                    f"'2026-01-01T10:00:00Z'/>{inner}</forwarded></result></message>")

        def chat(body, frm="bob@localhost/x", kind="chat", extra=""):
            return (f"<message xmlns='jabber:client' from='{frm}' to='alice@localhost' "
                    f"type='{kind}' id='{body}'><body>{body}</body>{extra}</message>")

        def responder(iq):
            ident = self.iq_id(iq)
            if b"disco#info" in iq and re.search(rb"to=['\"]alice@localhost['\"]",
                                                 iq.split(b">")[0]):
                return (f"<iq type='result' id='{ident}' from='alice@localhost'><query xmlns="
                        "'http://jabber.org/protocol/disco#info'><feature var="
                        "'urn:xmpp:mam:2'/></query></iq>").encode()
            m = re.search(rb"queryid=['\"]([^'\"]+)['\"]", iq)
            if b"urn:xmpp:mam:2" not in iq or m is None:
                return None
            q = m.group(1).decode()
            sent.append(q)
            out = [
                result("unknown-query", "a1", chat("S3a unsolicited")),
                result(q, "a2", chat("S3b from bob"), frm="bob@localhost/x"),
                result(q, "a3", chat("S3c by bob", extra="<stanza-id xmlns='urn:xmpp:sid:0' "
                                     "by='bob@localhost' id='a3'/>"), frm="bob@localhost"),
                result(q, "a4", chat("S3d room archive", frm="room@conference.localhost/m",
                                     kind="groupchat"), frm="room@conference.localhost"),
                # S3e: a <fin/> for our query from bob, as an IQ and as a message.
                f"<iq type='result' id='{ident}' from='bob@localhost'><fin xmlns="
                "'urn:xmpp:mam:2' complete='true'/></iq>",
                f"<message from='bob@localhost'><fin xmlns='urn:xmpp:mam:2' queryid='{q}' "
                "complete='true'/></message>",
                # S7d: in our own archive, a "room" message of a room we are not in.
                result(q, "a5", chat("S7d forged room", frm="room@conference.localhost/admin",
                                     kind="groupchat", extra="<x xmlns='http://jabber.org/"
                                     "protocol/muc#user'><item jid='boss@localhost'/></x>")),
                # The query is still open: this one counts.
                result(q, "a6", chat("genuine archive")),
                f"<iq type='result' id='{ident}'><fin xmlns='urn:xmpp:mam:2' complete='true'>"
                "<set xmlns='http://jabber.org/protocol/rsm'><first>a6</first><last>a6</last>"
                "</set></fin></iq>"]
            return "".join(out).encode()

        self.start_with(responder=responder)
        h.wait_for(lambda: "genuine archive" in self.stored_bodies(), 20, 0.1,
                   "the genuine archive result")
        time.sleep(0.3)
        self.assertEqual(self.stored_bodies(), ["genuine archive"])
        self.assertTrue(sent)
        log = self.log_of_stopped_backend()
        self.assertIn("an archive result for a query we did not send", log)
        self.assertIn("an archive result from bob@localhost/x, not from the archive we asked",
                      log)
        self.assertIn("an archive result from room@conference.localhost", log)
        self.assertIn("a stanza with the id of our request to our account came from "
                      "bob@localhost", log)
        self.assertIn("groupchat message from room@conference.localhost/admin in the archive "
                      "of alice@localhost dropped", log)

    # ---- S11 invalid JIDs ----

    def test_S11_invalid_jids_ignored(self):
        bad = ["a@b@c", "@localhost", "localhost/", "a" * 1024 + "@localhost", "a@[::1",
               "bob\u0378@localhost", "bob\u202e@localhost"]

        def responder(iq):
            if b"jabber:iq:roster" not in iq:
                return None
            items = "".join(f"<item jid='{j}' subscription='both'/>" for j in bad)
            return (f"<iq type='result' id='{self.iq_id(iq)}'><query xmlns='jabber:iq:roster'>"
                    f"{items}<item jid='good@localhost' name='Good' subscription='both'/>"
                    "</query></iq>").encode()

        script = []
        for n, jid in enumerate(bad):
            script.append(f"<message from='{jid}' to='alice@localhost/scripted' type='chat' "
                          f"id='S11-{n}'><body>S11 bad {n}</body></message>")
            script.append(f"<presence from='{jid}' to='alice@localhost/scripted'/>")
            script.append(f"<message from='bob@localhost/x' to='{jid}' type='chat' "
                          f"id='S11-to-{n}'><body>S11 bad to {n}</body></message>")
        # A push from our server with an invalid item, then one with a good one.
        script.append("<iq type='set' id='S11-push'><query xmlns='jabber:iq:roster'><item "
                      "jid='x@y@z' name='Bad push'/></query></iq>")
        # Mixed case: the same account as bob@localhost.
        script.append("<message from='BOB@LocalHost/x' to='alice@localhost/scripted' "
                      "type='chat' id='S11-good'><body>S11 mixed case</body></message>")
        self.start_with(responder=responder,
                        script=[line.encode() for line in script])
        h.wait_for(lambda: "S11 mixed case" in self.stored_bodies(), 20, 0.1, "the good one")
        self.assertEqual(self.history(), ["S11 mixed case"])
        self.assertEqual(self.stored_bodies(), ["S11 mixed case"])
        r = h.li(self.env, "roster", "get", "-p", "alice")
        self.assertIn("good@localhost", r.stdout)
        self.assertEqual(r.stdout.splitlines(), ["good@localhost (Good)"])
        r = h.gdbus_call(self.env, "getPresenceStatuses", "alice")
        self.assertEqual(r.stdout.strip(), "(@a{sa{s(sia{ss})}} {},)", r.stderr)
        self.assertIsNone(self.backend.proc.poll())
        log = self.log_of_stopped_backend()
        self.assertIn("message ignored: a message with an invalid sender", log)
        self.assertIn("message ignored: a message with an invalid recipient", log)
        self.assertNotIn("AddressSanitizer", log)

    # ---- S16 DTD and entities ----

    def test_S16_dtd_and_entities(self):
        laughs = "".join(f"<!ENTITY lol{i} '" + f"&lol{i - 1};" * 10 + "'>" for i in range(1, 10))
        dtd = ("<!DOCTYPE stream:stream [<!ENTITY lol0 'lol'><!ENTITY secret 'EXPANDED'>"
               f"{laughs}]>").encode()
        self.start_with(header_prefix=dtd, script=[
            b"<message from='bob@localhost/x' to='alice@localhost/scripted' type='chat' "
            b"id='S16-1'><body>S16 a &secret;</body></message>",
            b"<message from='bob@localhost/x' to='alice@localhost/scripted' type='chat' "
            b"id='S16-2'><body>S16 b &lol9;</body></message>", GOOD])
        pid = self.backend.proc.pid
        before = rss_kib(pid)
        # Entities unexpanded (the expat guard), the stream kept: all three arrive.
        h.wait_for(lambda: "good" in self.stored_bodies(), 20, 0.1, "the good message")
        self.assertEqual(sorted(self.stored_bodies()), ["S16 a ", "S16 b ", "good"])
        self.assertLess(rss_kib(pid) - before, 10 * 1024)
        self.assertEqual(self.server.sessions, 1)
        log = self.log_of_stopped_backend()
        self.assertNotIn("AddressSanitizer", log)

    def start_with(self, responder=None, script=(), header_prefix=b""):
        self.server = lvscripted.ScriptedServer(self.prosody.cert_file, self.prosody.key_file)
        self.server.responder = responder
        self.server.script = list(script)
        self.server.header_prefix = header_prefix
        self.home = h.Home()
        h.PrivateBus(self.home, activation=False)
        self.env = self.home.env
        self.env["SSL_CERT_FILE"] = self.prosody.ca_file
        self.backend = h.Foreground(self.env).wait_ready()
        for args in (["profile", "create", "alice", "-p", "", "-j", "alice@localhost", "-x",
                      "pw"],
                     ["param", "set", "Connection", "Force server", "127.0.0.1", "-p", "alice"],
                     ["param", "set", "Connection", "Force port", str(self.server.port), "-p",
                      "alice"],
                     ["profile", "connect", "-c", "-p", "alice"]):
            r = h.li(self.env, *args)
            self.assertEqual(r.returncode, 0, f"{args}: {r.stderr}")


if __name__ == "__main__":
    h.run_tap()
