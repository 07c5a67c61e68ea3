"""Reliability case S17 (/work/shared/reference/reliability-cases.md): a room whose
occupants change status fast must not flood the frontends. Occupants (resources of
one account, each with its own nick, from one slixmpp script through Prosody) make
100 status changes per second together for LV_FLOOD_SECONDS (10 here, 60 in suite
heavy) while alice's backend is in the room: the presenceUpdate signals per second
stay bounded (coalesced per JID, lv-signal-coalesce.c), every occupant's final state
reaches the bus, and getReady answers with p99 < 50 ms throughout."""
import os
import re
import subprocess
import sys
import threading
import time

import lvfaults
import lvharness as h

SECONDS = int(os.environ.get("LV_FLOOD_SECONDS", "10"))
RATE = 100
OCCUPANTS = 5
WINDOW_S = 0.2  # LV_SIGNAL_COALESCE_WINDOW_MS

FLOOD = r"""
import asyncio, ssl, sys, xml.etree.ElementTree as ET, slixmpp
jid, password, ca, port, room, count, rate, seconds = sys.argv[1:9]
count, rate, seconds = int(count), int(rate), int(seconds)
loop = asyncio.get_event_loop()
clients, started = [], []
for k in range(count):
    c = slixmpp.ClientXMPP(f"{jid}/r{k}", password)
    c.ssl_context = ssl.create_default_context(cafile=ca)
    ready = loop.create_future()
    c.add_event_handler("session_start", lambda e, f=ready: f.done() or f.set_result(True))
    c.connect(("127.0.0.1", int(port)))
    clients.append(c)
    started.append(ready)
def presence(k, show, status, join=False):
    p = clients[k].make_presence(pto=f"{room}/n{k}", pshow=show, pstatus=status)
    if join:
        p.append(ET.Element("{http://jabber.org/protocol/muc}x"))
    p.send()
async def main():
    await asyncio.gather(*started)
    for k in range(count):
        presence(k, "", "joined", join=True)
    print("JOINED", flush=True)
    await loop.run_in_executor(None, sys.stdin.readline)
    shows = ["away", "xa", "dnd", "chat"]
    begin = loop.time()
    for t in range(rate * seconds):
        delay = begin + t / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        presence(t % count, shows[t % len(shows)], f"s{t}")
    for k in range(count):
        presence(k, "xa", f"final-{k}")
    print("FLOODED", flush=True)
    await loop.run_in_executor(None, sys.stdin.readline)
    for c in clients:
        c.disconnect()
loop.run_until_complete(main())
"""

SIGNAL = re.compile(r"presenceUpdate \('([^']*)', '([^']*)', -?\d+, \{(?:'default': '([^']*)')?")


class PresenceFlood(lvfaults.FaultCase):
    prosody_options = {}

    def start_flood(self, room):
        flooder = self.prosody.register("flooder", "flood-pw")
        proc = subprocess.Popen(
            ["/usr/bin/python3", "-c", FLOOD, flooder, "flood-pw", self.prosody.ca_file,
             str(self.prosody.c2s_port), room, str(OCCUPANTS), str(RATE), str(SECONDS)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=sys.stderr, text=True,
            start_new_session=True)
        h.at_teardown(lambda: h.kill_group(proc))
        return proc

    @staticmethod
    def expect(proc, word, timeout):
        lines = []
        reader = threading.Thread(target=lambda: lines.append(proc.stdout.readline()))
        reader.start()
        reader.join(timeout)
        if not lines or lines[0].strip() != word:
            raise AssertionError(f"the flood script did not say {word}: {lines}")

    def last_states(self, lines, room):
        states = {}
        for line in lines:
            m = SIGNAL.search(line)
            if m and m.group(1).startswith(room + "/"):
                states[m.group(1)] = (m.group(2), m.group(3))
        return states

    def test_S17_presence_flood_coalesced(self):
        """S17: 100 status changes/s in a room: signals per second bounded by the
        coalescing window, the final state of every occupant on the bus, getReady
        p99 < 50 ms."""
        room = f"flood{self.serial}@conference.localhost"
        self.li("muc", "join", room, "-p", "alice")
        bus = h.BusMonitor(self.env)
        flood = self.start_flood(room)
        self.expect(flood, "JOINED", 60)
        nicks = [f"{room}/n{k}" for k in range(OCCUPANTS)]
        h.wait_for(lambda: all(n in self.last_states(bus.copy(), room) for n in nicks), 20,
                   0.05, "the occupants seen")
        before = sum("presenceUpdate" in line for line in bus.copy())
        flood.stdin.write("go\n")
        flood.stdin.flush()
        latencies, per_second = [], []
        start = time.monotonic()
        last_count, last_tick = before, start
        while time.monotonic() - start < SECONDS + 1:
            latencies.append(self.bridge.latency())
            now = time.monotonic()
            if now - last_tick >= 1.0:
                count = sum("presenceUpdate" in line for line in bus.copy())
                per_second.append((count - last_count) / (now - last_tick))
                last_count, last_tick = count, now
            time.sleep(0.02)
        self.expect(flood, "FLOODED", 30)
        want = {n: ("xa", f"final-{k}") for k, n in enumerate(nicks)}
        h.wait_for(lambda: all(self.last_states(bus.copy(), room).get(n) == s
                               for n, s in want.items()), 10, 0.05, "the final states")
        signals = sum("presenceUpdate" in line for line in bus.text().splitlines()) - before
        flood.stdin.write("quit\n")
        flood.stdin.flush()
        changes = RATE * SECONDS + OCCUPANTS
        # One at the start of each window and one at its end, per occupant.
        bound = OCCUPANTS * (1 / WINDOW_S + 1) * 1.2
        self.assertLessEqual(max(per_second), bound, per_second)
        self.assertLess(signals, changes * 0.5, "coalesced")
        latencies.sort()
        p99 = latencies[int(len(latencies) * 0.99)]
        self.assertLess(p99, 0.05 * lvfaults.SLOWER)
        self.report(f"{changes} changes of {OCCUPANTS} occupants in {SECONDS} s → {signals} "
                    f"presenceUpdate signals (max {max(per_second):.0f}/s, bound {bound:.0f}/s), "
                    f"final states all right; getReady p50 "
                    f"{latencies[len(latencies) // 2] * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms "
                    f"over {len(latencies)} calls")


if __name__ == "__main__":
    h.run_tap()
