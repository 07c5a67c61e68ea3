"""Faults of the path and of the machine around the backend (reliability cases of
/work/shared/reference/reliability-cases.md §3): R4 a black-holed connection found
dead by the keep-alive, R5 + R12 Prosody restarted with a profile connected and a
room joined, R7 the disk full while messages arrive. Prosody keeps its archives in
files here, so that they survive its restart (it is slower: bursts stay small)."""
import os
import time

import lvfaults
import lvharness as h
from lvfaults import load_tests  # noqa: F401 (LV_FAULT_ONLY)

SMALL = int(os.environ.get("LV_FAULT_SMALL_BURST", "150"))


# Under valgrind (tools/test --full) a ping's answer takes longer than 2 s to be read:
# the keep-alive's deadline is stretched as the tests' waits are.
KEEPALIVE_TIMEOUT = round(2 * (h.TIMEOUT_SCALE if h.WRAPPER else 1))


class ServerFaults(lvfaults.FaultCase):
    prosody_options = {"hibernation": 30, "memory_archive": False}
    # The keep-alive in seconds rather than minutes (libervia.conf, [DEFAULT]).
    config_lines = f"keepalive_interval = 1\nkeepalive_timeout = {KEEPALIVE_TIMEOUT}\n"

    def prepare_home(self):
        if self._testMethodName.startswith("test_R7"):
            if h.tmpfs(self.home.local_dir, "16m") is None:
                self.skipTest("mounting a tmpfs needs root")

    def test_R4_black_hole_detected_and_resumed(self):
        """R4: the path stops carrying bytes, sockets open: the silence is noticed
        (ping after keepalive_interval, dead after keepalive_timeout), the
        `disconnected` signal goes out, and once the path is back the profile is
        connected again with every message of the meantime, once."""
        self.warm_up()
        monitor = h.BusMonitor(self.env)
        self.proxy.blackhole = True
        start = time.monotonic()
        burst = self.burst(SMALL)
        h.wait_for(lambda: not self.bridge.connected(), 15, 0.05, "the dead stream noticed")
        detected = time.monotonic() - start
        # keepalive_interval + keepalive_timeout, with a second of slack for the turn.
        self.assertLessEqual(detected, (1 + KEEPALIVE_TIMEOUT + 1.5) * h.TIMEOUT_SCALE)
        # Back before the first new attempt: libstrophe 0.12 forgets the stream's
        # resumption id when an attempt fails, and only a new session would follow.
        self.proxy.blackhole = False
        back = time.monotonic()
        self.wait_reconnected()
        reconnected = time.monotonic() - back
        burst.wait()
        self.assert_exactly_once(burst.tag, SMALL)
        signals = monitor.text()
        self.assertIn("disconnected", signals)
        log = self.log()
        self.assertIn("no data from the server for", log)
        self.assertIn("stream resumed (XEP-0198)", log)
        self.report(f"dead stream noticed {detected:.1f} s after the black hole (1 s + 2 s "
                    f"configured), resumed {reconnected:.1f} s after the path came back")

    def test_R5_R12_prosody_restart_connected_and_in_room(self):
        """R5 + R12 (partly): Prosody restarted with alice connected and in a room:
        reconnected ≤ 5 s after Prosody is back, the room joined again, the archive
        caught up: every message once."""
        room = f"faults{self.serial}@conference.localhost"
        self.warm_up()
        self.li("muc", "join", room, "-p", "alice")
        first = self.burst(SMALL)
        first.wait()  # all in Prosody's archive
        self.prosody.stop()
        self.prosody.start()
        back = time.monotonic()
        self.wait_reconnected()
        reconnected = time.monotonic() - back
        self.assertLessEqual(reconnected, 5.0)
        h.wait_for(lambda: self.in_room(room), 10, 0.1, "the room joined again")
        rejoined = time.monotonic() - back
        second = self.burst(SMALL)
        second.wait()
        self.assert_exactly_once(first.tag, SMALL)
        self.assert_exactly_once(second.tag, SMALL)
        self.report(f"connected {reconnected:.2f} s after Prosody was back, in the room "
                    f"after {rejoined:.2f} s")

    def in_room(self, room):
        r = self.li("muc", "list", "-p", "alice", "-O", "json", code=None)
        return r.returncode == 0 and room in r.stdout

    def test_R7_disk_full(self):
        """R7: local_dir on a full tmpfs while messages arrive: a clear error in the
        log (once), no crash, the catch-up point unchanged, the database sound.
        Space back while running: what waited in memory is stored. Full again and
        killed (what was in memory is gone), restarted with space: the archive
        gives it back from the point that did not move. Each message once."""
        self.warm_up()
        filler = os.path.join(self.home.local_dir, "filler")
        kept = self.while_full(filler)
        os.unlink(filler)
        self.assert_exactly_once(kept.tag, SMALL, timeout=20)
        lost = self.while_full(filler)
        self.kill9()
        log = self.logs[-1]
        self.assertIn("the disk is full", log)
        self.assertEqual(log.count("messages not stored yet"), 2, "said once per outage")
        self.assertIn("messages stored again", log)
        os.unlink(filler)
        start = time.monotonic()
        self.restart()
        self.assert_exactly_once(lost.tag, SMALL)
        self.assert_exactly_once(kept.tag, SMALL)
        self.report(f"all, once, {time.monotonic() - start:.1f} s after the restart with "
                    "space")

    def while_full(self, filler):
        """A burst into a full local_dir: nothing more stored, point unchanged."""
        point = self.catch_up_point()
        self.fill(filler)
        burst = self.burst(SMALL)
        burst.wait()
        h.wait_for(lambda: self.stalled(burst.tag), 20, 0.1, "the writes refused")
        self.assertLess(self.stored(burst.tag), SMALL, "the disk was not full")
        self.assertEqual(self.catch_up_point(), point)
        self.assertTrue(self.bridge.connected())
        self.assert_sound()
        return burst

    def fill(self, path):
        """Fills the file system of @path to the last block."""
        with open(path, "wb", buffering=0) as f:
            try:
                while True:
                    f.write(b"\0" * 65536)
            except OSError:
                pass
            try:
                while True:
                    f.write(b"\0" * 512)
            except OSError:
                pass

    def stalled(self, tag):
        before = self.stored(tag)
        time.sleep(1.5)
        return self.stored(tag) == before


if __name__ == "__main__":
    h.run_tap()
