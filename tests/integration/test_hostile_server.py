"""Hostile-server cases that Prosody refuses to relay, played by a SCRIPTED XMPP
SERVER (lvscripted.py: just enough of RFC 6120 to reach a session, then raw
bytes): invalid UTF-8 and NUL bytes in a message (reliability case S12). The
stream is dropped, nothing is stored, the backend stays up and comes back. More
scripted-server cases (S3, S7d, S11, S16) are in test_hostile_scripted.py."""
import json
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


if __name__ == "__main__":
    h.run_tap()
