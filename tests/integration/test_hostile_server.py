"""Hostile-server cases that Prosody refuses to relay or that need a server's
position, played by a SCRIPTED XMPP SERVER (lvscripted.py: just enough of RFC
6120 to reach a session, then raw bytes): invalid UTF-8 and NUL bytes in a message
(reliability case S12: the stream is dropped, nothing is stored, the backend stays
up and comes back); MAM results and <fin/> that our server would have relayed from
another account or a room (S3b-e, S7d); invalid JIDs where Prosody would have
refused them (S11); a DTD with entities (S16)."""
import json
import re
import sqlite3
import subprocess
import time

import lvharness as h
import lvscripted

GOOD = (b"<message from='bob@localhost/x' to='alice@localhost/scripted' type='chat' "
        b"id='good-0000000001'><body>good</body></message>")


class HostileServer(h.LvTestCase):
    @classmethod
    def setUpClass(cls):
        # Only for its test CA and certificate; the scripted server uses them.
        cls.prosody = h.Prosody()
        cls.prosody.stop()

    def start(self, script):
        self.server = lvscripted.ScriptedServer(self.prosody.cert_file, self.prosody.key_file)
        self.server.script = script
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

    def history(self):
        r = h.li(self.env, "message", "history", "bob@localhost", "-p", "alice", "-m", "-1",
                 "-O", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        return [m["message"][""] for m in json.loads(r.stdout)]

    def check_refused(self, bad):
        self.start([bad])
        # The stream breaks on the bad bytes; the backend reconnects (the same script
        # again), so the good message of the next session never comes: switch it.
        h.wait_for(lambda: self.server.sessions >= 2, 20, 0.1, "a reconnection")
        self.server.script = [GOOD]
        h.wait_for(lambda: self.history() == ["good"], 30, 0.2, "the good message")
        self.assertIsNone(self.backend.proc.poll())
        log = self.backend.output() if self.backend.proc.poll() is not None else ""
        self.assertNotIn("AddressSanitizer", log)

    def test_S12a_invalid_utf8_refused(self):
        self.check_refused(b"<message from='bob@localhost/x' to='alice@localhost/scripted' "
                           b"type='chat'><body>bad \xff\xfe bytes</body></message>")

    def test_S12b_nul_byte_refused(self):
        self.check_refused(b"<message from='bob@localhost/x' to='alice@localhost/scripted' "
                           b"type='chat'><body>nul \x00 byte</body></message>")

    def test_S12c_escaped_control_character_refused(self):
        # &#x1B; is not a legal XML 1.0 character either.
        self.check_refused(b"<message from='bob@localhost/x' to='alice@localhost/scripted' "
                           b"type='chat'><body>esc &#x1B;[31m</body></message>")


    # ---- helpers of the S3, S7d, S11 and S16 cases ----

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
