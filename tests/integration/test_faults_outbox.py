"""The outbox after a confirmation lost with its stream (issue 7, found by the R15
soak): our messages the server archived and delivered stay pending when the answer
to the ping that confirms them goes with the stream, while the live messages from
the peer, archived after ours, move the catch-up point past them. The next session
(not resumed) must find them in our archive by their origin-id and mark them sent:
sending them again gives the peer each twice.

The state is made exactly: the messages sent and confirmed, the peer's messages
stored after them, the backend stopped, our rows set back to pending (the lost
confirmation), then a new backend and session."""
import sqlite3

import lvfaults
import lvharness as h
from lvfaults import load_tests  # noqa: F401 (LV_FAULT_ONLY)

COUNT = 20


class Outbox(lvfaults.FaultCase):
    # Archives in files, as in the soak.
    prosody_options = {"memory_archive": False}

    def send(self, body):
        self.bridge.call("messageSend", self.bridge.GLib.Variant(
            "(sa{ss}a{ss}sss)", (self.bob, {"": body}, {}, "chat", "", "alice")))

    def ours(self, tag):
        return self.query("SELECT h.state FROM history h JOIN history_message m "
                          "ON m.history_id = h.id WHERE h.sender_bare = ? AND m.message LIKE ?",
                          self.alice, f"{tag} %")

    def at_bob(self, peer, tag):
        return [b for b in peer.received() if b.startswith(f"{tag} ")]

    def send_confirmed(self, prefix, timeout, what):
        """COUNT messages of a new tag sent to bob's peer, received there and marked
        sent here within @timeout s; returns (peer, tag)."""
        self.warm_up()
        peer = h.Peer(self.prosody, self.bob, "bob-pw")
        tag = f"{prefix}{self.rng.randrange(1 << 30):x}"
        for i in range(COUNT):
            self.send(f"{tag} {i}")
        h.wait_for(lambda: len(self.at_bob(peer, tag)) >= COUNT, 60, 0.05,
                   f"{COUNT} messages at bob")
        h.wait_for(lambda: self.ours(tag).count(("sent",)) == COUNT, timeout, 0.05, what)
        return peer, tag

    def test_R15_lost_confirmation_not_sent_again(self):
        """R15 (focused): pending messages that the server has, behind the catch-up
        point, are marked sent by the next session's catch-up and never sent again."""
        peer, tag = self.send_confirmed("out", 60, "our messages confirmed")
        # The peer's messages, archived after ours: they move the catch-up point.
        point = self.catch_up_point()
        burst = self.burst(5)
        burst.wait()
        self.assert_exactly_once(burst.tag, 5)
        h.wait_for(lambda: self.catch_up_point() != point, 30, 0.05, "the point moved")
        # The confirmation lost: our rows pending again, the backend gone.
        self.log()
        db = sqlite3.connect(self.db_path, timeout=5)
        with db:
            db.execute("UPDATE history SET state = 'pending' WHERE sender_bare = ? AND id IN "
                       "(SELECT history_id FROM history_message WHERE message LIKE ?)",
                       (self.alice, f"{tag} %"))
        db.close()
        self.assertEqual(self.ours(tag).count(("pending",)), COUNT)
        self.restart()
        h.wait_for(lambda: self.ours(tag).count(("sent",)) == COUNT, 60, 0.05,
                   "our messages found in the archive and marked sent")
        # A last message: anything sent again went before it on the same stream.
        self.send(f"{tag} last")
        h.wait_for(lambda: f"{tag} last" in peer.received(), 60, 0.05, "the last message")
        got = self.at_bob(peer, tag)
        self.assertEqual(sorted(got), sorted([f"{tag} {i}" for i in range(COUNT)]
                                             + [f"{tag} last"]), "each message once at bob")
        log = self.log()
        self.assertIn("(our pending messages)", log)
        self.assertNotIn("messages of the outbox sent", log)
        self.report(f"{COUNT} pending messages behind the catch-up point: found in the "
                    "archive, marked sent, none sent again")


class NoPing(Outbox):
    # A server without XEP-0199: every ping is answered with service-unavailable.
    prosody_options = {"memory_archive": False, "without": {"ping"}}

    test_R15_lost_confirmation_not_sent_again = None

    def test_R15_ping_unavailable_still_confirms(self):
        """The error answer to the confirmation ping still comes after our messages:
        they are marked sent, not put back and pinged for again at once (a loop)."""
        self.send_confirmed("np", 30, "our messages confirmed by the service-unavailable answer")
        self.report(f"{COUNT} messages confirmed by a server without ping")


if __name__ == "__main__":
    h.run_tap()
