"""Faults of the network under the backend (reliability cases of
/work/shared/reference/reliability-cases.md §3): R14 a network change (the proxy's
path gone, a new one on another port, the change told by netlink as on a real
machine) and R15 the soak (both ways at 10 msg/s, a TCP cut every 5 minutes, one
Prosody restart; RSS and descriptors of the backend measured). tools/test runs R14;
R15 runs in suite soak (tools/test --full) for LV_SOAK_SECONDS (900 there, 3600
for the catalogue's hour; 120 by hand)."""
import collections
import os
import random
import subprocess
import threading
import time

import lvbot
import lvfaults
import lvharness as h
from lvfaults import load_tests  # noqa: F401 (LV_FAULT_ONLY)

SMALL = 150
SOAK_SECONDS = int(os.environ.get("LV_SOAK_SECONDS", "120"))
RATE = 10  # R15: messages per second each way


def network_change_hint():
    """A route added on lo and removed: netlink tells GNetworkMonitor, as for a real
    interface change (no other traffic is affected). False: not permitted here."""
    route = f"127.77.{random.randrange(256)}.{random.randrange(1, 255)}/32"
    added = subprocess.run(["ip", "route", "add", route, "dev", "lo"], capture_output=True)
    if added.returncode != 0:
        return False
    subprocess.run(["ip", "route", "del", route, "dev", "lo"], capture_output=True)
    return True


class NetworkChange(lvfaults.FaultCase):
    prosody_options = {"hibernation": 30}

    def test_R14_network_change_probed_and_resumed(self):
        """R14: the path of the stream gone (black-holed) and a new one on another
        port; on the netlink change the stream is pinged at once (not after the
        60 s keep-alive), found dead within 5 s, and resumed on the new path with
        every message of the meantime, once."""
        self.warm_up()
        old = self.proxy.port
        new = self.proxy.relisten()
        self.li("param", "set", "Connection", "Force port", str(new), "-p", "alice")
        burst = self.burst(SMALL)
        start = time.monotonic()
        if not network_change_hint():
            self.skipTest("changing a route needs CAP_NET_ADMIN")
        h.wait_for(lambda: not self.bridge.connected(), 10, 0.02, "the dead path noticed")
        noticed = time.monotonic() - start
        h.wait_for(lambda: self.proxy.live_connections() >= 1 and self.bridge.connected(), 15,
                   0.02, "the stream back on the new path")
        back = time.monotonic() - start
        # The probe's 5 s, the first reconnection's back-off (≤ 1 s), the handshake.
        self.assertLessEqual(back, (5 + 1 + 1.5) * lvfaults.SLOWER)
        burst.wait()
        self.assert_exactly_once(burst.tag, SMALL)
        log = self.log()
        self.assertIn("the network changed: checking the stream", log)
        self.assertIn("stream resumed (XEP-0198)", log)
        self.report(f"port {old} → {new}: the dead path noticed {noticed:.1f} s after the "
                    f"change, resumed on the new one after {back:.1f} s, all {SMALL} once")


class Soak(lvfaults.FaultCase):
    # Archives in files: they survive the Prosody restart.
    prosody_options = {"hibernation": 30, "memory_archive": False}
    # LV_SOAK_LOG=PATH: the backend's whole debug log is written there at the end.
    config_lines = "log_level = debug" if os.environ.get("LV_SOAK_LOG") else ""

    def backend_pid(self):
        """The backend itself (the process group may hold a wrapper first)."""
        group = self.backend.proc.pid
        for pid in [int(p) for p in os.listdir("/proc") if p.isdigit()]:
            try:
                if os.getpgid(pid) != group:
                    continue
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    if b"libervia-backend" in f.read().split(b"\0")[0]:
                        return pid
            except OSError:
                continue
        return group

    def sample(self, pid):
        with open(f"/proc/{pid}/status") as f:
            rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
        return rss, len(os.listdir(f"/proc/{pid}/fd"))

    def send_out(self, tag, stop, accepted, paused):
        """Alice → bob at RATE msg/s through messageSend until @stop is set (none
        while @paused is)."""
        start = time.monotonic()
        while not stop.is_set():
            if paused.is_set():
                time.sleep(0.05)
                continue
            body = f"{tag} {len(accepted)}"
            self.bridge.call("messageSend", self.bridge.GLib.Variant(
                "(sa{ss}a{ss}sss)", (self.bob, {"": body}, {}, "chat", "", "alice")))
            accepted.append(body)
            time.sleep(max(0, start + len(accepted) / RATE - time.monotonic()))

    def inbound(self):
        return lvbot.PacedBot(self.prosody, self.bob, "bob-pw", self.alice,
                              f"soak{self.rng.randrange(1 << 30):x}", RATE)

    def test_R15_soak(self):
        """R15: SOAK_SECONDS of 10 msg/s each way, a proxy cut every 5 minutes (a
        third of the run if shorter), Prosody restarted once at half time: every
        message once each way, the descriptors of the backend as many at the end as
        after the warm-up, its RSS growth reported and bounded."""
        self.warm_up()
        pid = self.backend_pid()
        cut_every = min(300, SOAK_SECONDS / 3)
        peers = [h.Peer(self.prosody, self.bob, "bob-pw")]
        out_tag = f"out{self.rng.randrange(1 << 30):x}"
        stop, paused, accepted = threading.Event(), threading.Event(), []
        sender = threading.Thread(target=self.send_out, args=(out_tag, stop, accepted, paused),
                                  daemon=True)
        bots, segments = [self.inbound()], []
        sender.start()
        start = time.monotonic()
        first = None
        next_cut, restarted, cuts = cut_every, False, 0
        while time.monotonic() - start < SOAK_SECONDS:
            time.sleep(1)
            elapsed = time.monotonic() - start
            if first is None and elapsed >= min(60, SOAK_SECONDS / 10):
                first = (elapsed, *self.sample(pid))  # caches and pools warm by now
            if elapsed >= next_cut:
                next_cut += cut_every
                self.proxy.cut()
                cuts += 1
                self.wait_reconnected(60)
            if not restarted and elapsed >= SOAK_SECONDS / 2:
                restarted = True
                segments.append((bots[-1].tag, bots[-1].stop()))
                # Bob's first client leaves in a pause of alice's: a message the
                # server hands it as it closes its stream (it has no stream
                # management) would count as delivered and never be seen.
                paused.set()
                time.sleep(1)
                peers[-1].stop()
                paused.clear()
                self.prosody.stop()
                self.prosody.start()
                self.wait_reconnected(60)
                peers.append(h.Peer(self.prosody, self.bob, "bob-pw"))
                bots.append(self.inbound())
        stop.set()
        sender.join(30)
        segments.append((bots[-1].tag, bots[-1].stop()))
        self.wait_reconnected(60)
        for tag, sent in segments:
            self.assert_exactly_once(tag, sent, timeout=120)
        try:
            h.wait_for(lambda: len(self.received_out(peers, out_tag)) >= len(accepted), 120,
                       0.2, f"{len(accepted)} messages at bob")
        except AssertionError:
            self.diagnose(peers, out_tag, accepted)
            raise
        time.sleep(1)  # a late duplicate would show now
        got = self.received_out(peers, out_tag)
        if sorted(got) != sorted(accepted):
            self.diagnose(peers, out_tag, accepted)
        self.assertEqual(sorted(got), sorted(accepted), "each outgoing message once at bob")
        # The same state as at the first sample (connected, idle): the same descriptors.
        h.wait_for(lambda: self.sample(pid)[1] == first[2], 30, 0.5,
                   f"{first[2]} descriptors again")
        end = (time.monotonic() - start, *self.sample(pid))
        growth_kb = end[1] - first[1]
        per_hour_mb = growth_kb / 1024 / ((end[0] - first[0]) / 3600)
        inbound = sum(sent for _, sent in segments)
        self.report(f"{SOAK_SECONDS} s: {inbound} in, {len(accepted)} out, each once; "
                    f"{cuts} cuts, 1 Prosody restart; fds {first[2]} → {end[2]}; RSS "
                    f"{first[1]} → {end[1]} kB ({growth_kb:+d} kB, {per_hour_mb:+.2f} MB/h "
                    "extrapolated)")
        if end[0] - first[0] >= 1800:
            self.assertLess(per_hour_mb, 1.0, "RSS growth per hour")
        else:
            # Too short to extrapolate from: the heap still settles (SQLite's page
            # cache, malloc's arenas) and would dominate the figure.
            self.assertLess(growth_kb, 4096, "RSS growth after the warm-up")
        if os.environ.get("LV_SOAK_LOG"):  # last: it stops the backend
            with open(os.environ["LV_SOAK_LOG"], "w", encoding="utf-8") as f:
                f.write(self.log())

    def diagnose(self, peers, tag, accepted):
        """What bob's peers got of the outgoing messages, which are missing and in what
        state our rows are, and the backend's log (it stops the backend)."""
        counts = collections.Counter()
        for i, peer in enumerate(peers):
            mine = [int(b.split()[1]) for b in peer.received() if b.startswith(tag + " ")]
            counts.update(mine)
            print(f"# diagnosis: peer {i}: {len(mine)} got, first {mine[:3]}, last {mine[-3:]}",
                  flush=True)
        missing = [n for n in range(len(accepted)) if counts[n] == 0]
        dups = sorted(n for n, c in counts.items() if c > 1)
        print(f"# diagnosis: {len(missing)} missing {missing[:20]}, {len(dups)} twice {dups[:20]}",
              flush=True)
        for n in missing[:5]:
            print(f"# diagnosis: row of {tag} {n}:", self.query(
                "SELECT h.uid, h.state, h.stanza_id, h.origin_id, h.timestamp FROM history h "
                "JOIN history_message m ON m.history_id = h.id WHERE m.message = ?",
                f"{tag} {n}"), flush=True)
        print("# diagnosis: our rows by state", self.query(
            "SELECT state, count(*) FROM history WHERE sender_bare = ? GROUP BY state",
            self.alice), flush=True)
        log = self.log()
        if os.environ.get("LV_SOAK_LOG"):
            with open(os.environ["LV_SOAK_LOG"], "w", encoding="utf-8") as f:
                f.write(log)
        print("\n".join("# " + line for line in log.splitlines()
                        if "INFO" in line or "MESSAGE" in line or "WARN" in line), flush=True)

    def received_out(self, peers, tag):
        return [b for peer in peers for b in peer.received() if b.startswith(f"{tag} ")]


if __name__ == "__main__":
    h.run_tap()
