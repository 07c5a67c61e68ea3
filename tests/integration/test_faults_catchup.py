"""Fault cases of the archive catch-up (reliability cases of
/work/shared/reference/reliability-cases.md §3), with the real Prosody behind the
loopback proxy: R9 kill -9 in the middle of a catch-up, R10 live messages racing a
catch-up, R11 carbons and a second client of our own account, R1 variant b a
restart after the server dropped our hibernating session. The oracle is
lvfaults.py's: each numbered message stored exactly once, the database sound.
By hand each archive holds LV_FAULT_BURST (1,000) messages; suite heavy
(tools/test --full) runs all four with 5,000 (tests/integration/meson.build)."""
import re
import time

import lvbot
import lvfaults
import lvharness as h
from lvfaults import load_tests  # noqa: F401 (LV_FAULT_ONLY)

LIVE_RATE = 50  # R10: messages per second while the catch-up runs


class CatchUpFaults(lvfaults.FaultCase):
    # Without offline storage (Prosody loads mod_offline unless told not to): what
    # came while we were away then comes only through the catch-up, as from a server
    # whose archive replaces it, and a kill lands in the middle of the pages rather
    # than after a flood of offline messages (deduplicated with the pages that follow).
    prosody_options = {"hibernation": 30,
                       "extra_config": 'modules_disabled = { "s2s", "offline" }\n'}

    def go_offline(self):
        """A clean stop: the session closed, what comes meanwhile goes to the archive."""
        self.backend.stop()
        self.logs.append(self.backend.output())

    def offline_burst(self, count):
        """@count messages sent while the backend is down, all in the archive."""
        self.go_offline()
        burst = self.burst(count)
        burst.wait()
        return burst

    def seqs_in_order(self, tag):
        """The numbers of @tag's messages in the history's order (time, then arrival)."""
        rows = self.query("SELECT m.message FROM history h JOIN history_message m ON "
                          "m.history_id = h.id WHERE h.sender_bare = ? AND m.message LIKE ? "
                          "ORDER BY h.timestamp, h.id", self.bob, f"{tag} %")
        return [int(re.match(rf"{re.escape(tag)} (\d+):", r[0]).group(1)) for r in rows]

    def seq_of_point(self, tag):
        """The number of @tag's message the catch-up point names (None: another one)."""
        point = self.catch_up_point()
        rows = self.query("SELECT m.message FROM history h JOIN history_message m ON "
                          "m.history_id = h.id WHERE h.archive_jid = ? AND h.stanza_id = ?",
                          self.alice, point)
        match = re.match(rf"{re.escape(tag)} (\d+):", rows[0][0]) if rows else None
        return int(match.group(1)) if match else None

    def test_R9_kill9_during_catch_up(self):
        """R9: BURST messages archived while the backend is down; restarted, killed
        -9 once ~40 % are fetched (live messages coming meanwhile), restarted: the
        point named the end of the contiguous range fetched, not the newest live
        message, and the second catch-up went on from there: 0 gap, 0 dup."""
        count = lvfaults.BURST
        self.warm_up()
        burst = self.offline_burst(count)
        self.restart()
        live = self.burst(5)
        self.wait_stored(burst.tag, count * 4 // 10, timeout=60)
        self.kill9()
        fetched = self.stored(burst.tag)
        point = self.seq_of_point(burst.tag)
        self.assertIsNotNone(point, f"the point {self.catch_up_point()} names a message of the "
                             "catch-up")
        present = set(self.seqs_in_order(burst.tag))
        self.assertEqual(set(range(point + 1)) - present, set(), "the range before the point")
        live.wait()
        start = time.monotonic()
        self.restart()
        self.assert_exactly_once(burst.tag, count)
        self.assert_exactly_once(live.tag, 5)
        self.report(f"killed at {fetched}/{count} fetched, point at #{point}; all {count} "
                    f"once {time.monotonic() - start:.1f} s after the restart")

    def test_R10_live_during_catch_up(self):
        """R10: a bot keeps sending LIVE_RATE msg/s while a BURST-message catch-up
        runs: no duplicate, every message once, and the history in archive order
        (the archived messages before the live ones, each series in its order)."""
        count = lvfaults.BURST
        self.warm_up()
        burst = self.offline_burst(count)
        tag = f"live{self.rng.randrange(1 << 30):x}"
        bot = lvbot.PacedBot(self.prosody, self.bob, "bob-pw", self.alice, tag, LIVE_RATE)
        start = time.monotonic()
        self.restart()
        self.wait_stored(burst.tag, count, timeout=60)
        caught = time.monotonic() - start
        during = self.stored(tag)
        sent = bot.stop()
        self.assert_exactly_once(burst.tag, count)
        self.assert_exactly_once(tag, sent)
        self.assertEqual(self.seqs_in_order(burst.tag), list(range(count)))
        self.assertEqual(self.seqs_in_order(tag), list(range(sent)))
        self.assertEqual(bot.errors(), [])
        self.report(f"{count} caught up in {caught:.1f} s with {during} live messages stored "
                    f"meanwhile; {sent} live, all once, in order")

    def test_R9b_point_unknown_to_the_server(self):
        """R9 b: our point names an id the server's archive no longer holds (expired,
        or the archive was reset): Prosody answers item-not-found, and the catch-up
        reads from the time the point was set instead of giving up (which lost
        everything archived while we were away)."""
        import sqlite3
        count = 50
        self.warm_up()
        self.go_offline()
        db = sqlite3.connect(self.db_path)
        with db:
            db.execute("UPDATE mam_catchup SET last_id = 'expired-id' WHERE archive_jid = ?",
                       (self.alice,))
        db.close()
        burst = self.burst(count)
        burst.wait()
        self.restart()
        self.assert_exactly_once(burst.tag, count)
        self.assertEqual(self.stored("warm"), 1, "the warm-up message read again is not stored twice")
        self.assertIn("does not know our point expired-id", self.log())
        self.report(f"{count} archived while away, all once after an unknown point")

    # ---- R11 ----

    def outgoing(self, prefix):
        rows = self.query("SELECT m.message FROM history h JOIN history_message m ON "
                          "m.history_id = h.id WHERE h.sender_bare = ? AND h.dest = ? AND "
                          "m.message LIKE ?", self.alice, self.bob, f"{prefix} %")
        return sorted(r[0] for r in rows)

    def incoming(self, prefix):
        rows = self.query("SELECT m.message FROM history h JOIN history_message m ON "
                          "m.history_id = h.id WHERE h.sender_bare = ? AND m.message LIKE ?",
                          self.bob, f"{prefix} %")
        return sorted(r[0] for r in rows)

    def exchange(self, other, bob, prefix, count):
        """The other alice client sends @count to bob, bob @count to alice (bare: the
        server gives them to the resource of highest priority, or to every one)."""
        other.send(self.bob, count, f"{prefix}-sent")
        bob.send(self.alice, count, f"{prefix}-recv")
        h.wait_for(lambda: len([b for b in bob.received() if b.startswith(prefix)]) >= count,
                   20, 0.05, "bob to get the other client's messages")

    def assert_once_each(self, prefix, count):
        sent = sorted(f"{prefix}-sent {i}" for i in range(count))
        received = sorted(f"{prefix}-recv {i}" for i in range(count))
        h.wait_for(lambda: self.outgoing(f"{prefix}-sent") == sent
                   and self.incoming(f"{prefix}-recv") == received, 20, 0.05,
                   f"{prefix}: {count} sent and {count} received stored")
        time.sleep(0.5)  # a late duplicate would show now
        self.assertEqual(self.outgoing(f"{prefix}-sent"), sent, "sent carbons, as outgoing")
        self.assertEqual(self.incoming(f"{prefix}-recv"), received, "received")
        # Nothing of the other client's stored as coming from bob, nor twice elsewhere.
        self.assertEqual(self.incoming(f"{prefix}-sent"), [])
        self.assertEqual(self.outgoing(f"{prefix}-recv"), [])

    def test_R11_carbons_and_a_second_own_client(self):
        """R11: a second alice resource (slixmpp) talks with bob while our backend is
        up (sent carbons stored once as outgoing, received once), then while it is
        down (the other client's messages come back by MAM and are stored; the
        Profanity PR #2196 loss)."""
        count = 20
        self.warm_up()
        other = h.Peer(self.prosody, f"{self.alice}/other", "alice-pw")
        bob = h.Peer(self.prosody, self.bob, "bob-pw")
        self.exchange(other, bob, "up", count)
        self.assert_once_each("up", count)
        self.go_offline()
        self.exchange(other, bob, "down", count)
        start = time.monotonic()
        self.restart()
        self.assert_once_each("down", count)
        self.assert_sound()
        self.report(f"{count} each way live (carbons) and offline (MAM, stored "
                    f"{time.monotonic() - start:.1f} s after the restart), each once")


class HibernationOver(lvfaults.FaultCase):
    """R1 variant b: a server whose hibernation is short (3 s, for the catalogue's
    restart after 70 s)."""

    prosody_options = {"hibernation": 3, "admin_shell": True}

    def alice_sessions(self):
        out = self.prosody.shell(
            f'> local b = prosody.bare_sessions["{self.alice}"]; local n = 0; '
            'if b then for _ in pairs(b.sessions) do n = n + 1 end end; return "sessions=" .. n')
        return int(re.search(r"sessions=(\d+)", out).group(1))

    def test_R1_variant_b_restart_after_hibernation(self):
        """R1 b: kill -9 mid-burst, restarted only once the server gave the
        hibernating session up: every message once, and no recipient-unavailable
        bounce to the bot for messages the server had archived."""
        count = max(lvfaults.BURST // 5, 100)
        self.warm_up()
        bot = lvbot.PacedBot(self.prosody, self.bob, "bob-pw", self.alice,
                             f"hib{self.rng.randrange(1 << 30):x}", 200, grace=1.0)
        self.wait_stored(bot.tag, self.fault_point(count))
        self.kill9()
        killed = self.stored(bot.tag)
        h.wait_for(lambda: self.alice_sessions() == 0, 15, 0.2, "the hibernation to end")
        sent = bot.stop()
        start = time.monotonic()
        self.restart()
        self.assert_exactly_once(bot.tag, sent)
        self.assertEqual(bot.errors(), [], "bounces to the bot")
        self.report(f"killed at {killed}, restarted after the session ended; {sent} sent, "
                    f"all once {time.monotonic() - start:.1f} s after, no bounce")


if __name__ == "__main__":
    h.run_tap()
