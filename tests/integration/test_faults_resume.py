"""What a session start asks, lost with the stream (reliability case R3, variant d):
the stream is reset just before the server's answer to the roster get, after
stream management was enabled, so that the answer and every one after it (carbons,
the archive's disco, the blocklist) go with the stream. The stream is resumed
(XEP-0198) and those questions are asked again on it: the roster comes, and with it
the available presence, without which the server would deliver nothing live for
the rest of the session.

The proxy has to see the answers: alice's path is in clear (the proxy takes out
the STARTTLS offer, alice's profile has allow_plaintext, SCRAM on the wire); the
sender of the live message reaches Prosody directly, over TLS.

R3 variant e: the rooms of a resumed stream stay joined and keep their self-pings
(XEP-0410): a room that then loses us is found out and joined again."""
import lvfaults
import lvharness as h
import lvproxy
from lvfaults import load_tests  # noqa: F401 (LV_FAULT_ONLY)


class ResumeAsksAgain(lvfaults.FaultCase):
    prosody_options = {"hibernation": 30, "require_encryption": False}

    def connect(self):
        """The first connection of the profile: its roster get carries no version,
        so the answer holds the roster (a versioned one may come empty)."""
        self.proxy.rewrite = lvproxy.strip_starttls
        self.proxy.cut_before = b"jabber:iq:roster"
        self.li("param", "set", "Connection", "allow_plaintext", "true", "-p", "alice")
        # The connection may be reset before or after it reports: either is fine here.
        self.li("profile", "connect", "-c", "-p", "alice", code=None)

    def test_R3d_session_start_answers_lost_then_resumed(self):
        """R3 variant d: the roster answer and those after it lost with the stream:
        resumed, asked again, available again (a live message arrives), carbons
        and the blocklist known, the catch-up done."""
        h.wait_for(lambda: self.proxy.cut_before is None, 10, 0.02, "the roster answer cut")
        h.wait_for(lambda: self.proxy.accepted >= 2 and self.bridge.connected(), 15, 0.02,
                   "the stream back")
        # Delivered live only to an available resource: the presence went out.
        self.warm_up()
        log = self.log()
        resumed = log.rfind("stream resumed (XEP-0198)")
        self.assertGreaterEqual(resumed, 0, "no resumption; the backend said:\n" + log[-4000:])
        self.assertIn("the roster get went with the stream", log)
        after = log[resumed:]
        self.assertRegex(after, r"roster of \d+ items")
        self.assertRegex(after, r"\d+ entities blocked")
        self.assertNotIn("carbons not enabled", log)
        self.assertNotIn("no blocklist", after)
        self.report("the roster answer and those after it lost with the stream: resumed, "
                    "asked again, a live message stored")


class RoomsAfterResume(lvfaults.FaultCase):
    prosody_options = {"hibernation": 30, "admin_shell": True}
    config_lines = "\n[plugin muc]\nself_ping_interval = 1\n"

    def test_R3e_rooms_keep_their_self_pings_when_resumed(self):
        room = "resumed@conference.localhost"
        self.li("muc", "join", room, "-n", "alice", "-p", "alice")
        self.proxy.cut()
        h.wait_for(lambda: self.proxy.accepted >= 2 and self.bridge.connected(), 15, 0.02,
                   "the stream back")
        self.prosody.muc_forget(room, "alice")  # only a self-ping can tell
        h.wait_for(lambda: self.prosody.muc_knows(room, "alice"), 15, 0.1,
                   "alice joined again")
        log = self.log()
        self.assertIn("stream resumed (XEP-0198)", log)  # not a new session's rejoin
        self.assertNotRegex(log, r"joining \S+ again \(new session\)")
        self.report("the stream resumed, the room lost us: self-pinged and joined again")


if __name__ == "__main__":
    h.run_tap()
