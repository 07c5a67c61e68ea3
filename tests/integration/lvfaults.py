"""Shared parts of the fault-injection tests (reliability cases R*): a backend whose
profile `alice` reaches a real Prosody through the loopback proxy, bursts of
numbered messages from lv-bench-sender, a bridge client for latency probes, and the
oracle that reads libervia.db read-only and counts what was lost and duplicated.

Sizes can be raised from the environment (suites heavy and soak):
LV_FAULT_BURST (messages per burst), LV_FAULT_CUTS (TCP cuts in R3),
LV_FAULT_SEED (the seed of the random fault instants; printed); LV_FAULT_ONLY
(comma-separated case ids, e.g. R1: only those tests of the file)."""
import os
import random
import re
import signal
import sqlite3
import subprocess
import time

import lvharness as h
import lvproxy

SENDER = os.path.join(h.BUILD_ROOT, "tests", "bench", "lv-bench-sender")
BURST = int(os.environ.get("LV_FAULT_BURST", "1000"))
CUTS = int(os.environ.get("LV_FAULT_CUTS", "3"))
SEED = int(os.environ.get("LV_FAULT_SEED", str(random.randrange(1 << 30))))

def _sanitized():
    r = subprocess.run(["ldd", h.BACKEND], capture_output=True, text=True)
    return "libasan" in r.stdout


# AddressSanitizer slows everything and scans the whole heap for leaks at exit.
SLOWER = 3 if _sanitized() else 1
ONLY = [c for c in os.environ.get("LV_FAULT_ONLY", "").split(",") if c]
print(f"# fault seed {SEED} (LV_FAULT_SEED), burst {BURST}", flush=True)


def load_tests(loader, tests, pattern):
    """unittest's hook: with LV_FAULT_ONLY, the tests named after those cases."""
    if not ONLY:
        return tests
    import unittest
    chosen = unittest.TestSuite()

    def walk(suite):
        for test in suite:
            if isinstance(test, unittest.TestSuite):
                walk(test)
            elif any(f"_{case}_" in test.id() for case in ONLY):
                chosen.addTest(test)
    walk(tests)
    return chosen


class Burst:
    """lv-bench-sender pushing @count messages `TAG i: …` from @jid to @to, at once."""

    def __init__(self, prosody, jid, password, to, count, tag):
        self.tag = tag
        self.count = count
        self.proc = subprocess.Popen(
            [SENDER, jid, password, "127.0.0.1", str(prosody.c2s_port), to, str(count), tag,
             prosody.ca_file], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            start_new_session=True)
        h.at_teardown(lambda: h.kill_group(self.proc, signal.SIGKILL))

    def wait(self, timeout=120):
        """Waits until the server answered the ping after the last message."""
        out, err = self.proc.communicate(timeout=timeout)
        if self.proc.returncode != 0 or not out.startswith("SENT"):
            raise AssertionError(f"lv-bench-sender failed: {out} {err}")
        return out


class Backend(h.Foreground):
    """`libervia-backend fg` whose output is read as it comes: a burst's log lines
    would otherwise fill the pipe and stall the backend on a write."""

    def __init__(self, env):
        super().__init__(env)
        import threading
        self.chunks = {"out": [], "err": []}
        self.readers = [threading.Thread(target=self._read, args=(stream, self.chunks[key]),
                                         daemon=True)
                        for key, stream in (("out", self.proc.stdout), ("err", self.proc.stderr))]
        for reader in self.readers:
            reader.start()

    @staticmethod
    def _read(stream, chunks):
        for line in stream:
            chunks.append(line)

    def output(self):
        if self.proc.poll() is None:
            return ""
        for reader in self.readers:
            reader.join(10)
        return "".join(self.chunks["out"]) + "".join(self.chunks["err"])


class Bridge:
    """A D-Bus connection of our own to the private bus, for calls whose latency is
    measured (a gdbus process per call would measure its own start)."""

    def __init__(self, env):
        import gi
        gi.require_version("Gio", "2.0")
        from gi.repository import Gio, GLib
        self.GLib = GLib
        flags = (Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT
                 | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION)
        self.bus = Gio.DBusConnection.new_for_address_sync(env["DBUS_SESSION_BUS_ADDRESS"],
                                                           flags, None, None)
        h.at_teardown(lambda: self.bus.close_sync(None))

    def call(self, method, args=None, timeout_ms=5000):
        reply = self.bus.call_sync(h.BUS_NAME, h.OBJECT_PATH, h.CORE, method, args, None, 0,
                                   timeout_ms, None)
        return reply.unpack()

    def latency(self, method="getReady", args=None):
        start = time.monotonic()
        self.call(method, args)
        return time.monotonic() - start

    def connected(self, profile="alice"):
        try:
            return self.call("isConnected", self.GLib.Variant("(s)", (profile,)))[0]
        except Exception:  # the backend is gone or starting
            return False


class FaultCase(h.LvTestCase):
    """One Prosody per file; per test a fresh pair of accounts and a backend whose
    profile `alice` goes through a proxy (self.proxy)."""

    prosody_options = {}
    config_lines = ""
    serial = 0

    @classmethod
    def setUpClass(cls):
        cls.prosody = h.Prosody(**cls.prosody_options)
        cls.rng = random.Random(SEED)

    @classmethod
    def tearDownClass(cls):
        cls.prosody.stop()

    def setUp(self):
        super().setUp()
        FaultCase.serial += 1
        n = FaultCase.serial
        self.alice = self.prosody.register(f"alice{n}", "alice-pw")
        self.bob = self.prosody.register(f"bob{n}", "bob-pw")
        self.proxy = lvproxy.Proxy(self.prosody.c2s_port)
        self.home = h.Home(self.config_lines)
        h.PrivateBus(self.home, activation=False)
        self.env = self.home.env
        self.env["SSL_CERT_FILE"] = self.prosody.ca_file
        self.db_path = os.path.join(self.home.local_dir, "libervia.db")
        self.logs = []
        self.prepare_home()
        self.start_backend()
        h.xmpp_profile(self, self.env, self.prosody, "alice", self.alice, "alice-pw",
                       connect=False)
        self.li("param", "set", "Connection", "Force port", str(self.proxy.port), "-p", "alice")
        self.connect()
        self.bridge = Bridge(self.env)

    # ---- the backend ----

    def prepare_home(self):
        """Called before the backend first starts (e.g. to mount local_dir)."""

    def start_backend(self):
        self.backend = Backend(self.env).wait_ready()

    def connect(self):
        self.li("profile", "connect", "-c", "-p", "alice")

    def restart(self):
        self.start_backend()
        self.bridge = Bridge(self.env)
        self.connect()

    def kill9(self):
        h.kill_group(self.backend.proc, signal.SIGKILL)
        self.logs.append(self.backend.output())

    def log(self):
        """Everything the backends of this test printed (the running one is stopped)."""
        self.backend.stop()
        self.logs.append(self.backend.output())
        return "".join(self.logs)

    def li(self, *args, code=0, input=None, env=None):
        r = subprocess.run([h.LI, *args], env=env or self.env, capture_output=True, text=True,
                           timeout=60, input=input)
        if code is not None:
            self.assertEqual(r.returncode, code, f"li {args}: {r.stdout} {r.stderr}")
        return r

    # ---- bursts and the oracle ----

    def burst(self, count, tag=None):
        tag = tag or f"run{self.rng.randrange(1 << 30):x}"
        return Burst(self.prosody, self.bob, "bob-pw", self.alice, count, tag)

    def query(self, sql, *params):
        db = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=5)
        try:
            return db.execute(sql, params).fetchall()
        finally:
            db.close()

    def bodies(self, tag):
        rows = self.query("SELECT m.message FROM history h JOIN history_message m "
                          "ON m.history_id = h.id WHERE h.sender_bare = ? AND m.message LIKE ?",
                          self.bob, f"{tag} %")
        return [r[0] for r in rows]

    def stored(self, tag):
        return len(self.bodies(tag))

    def wait_stored(self, tag, count, timeout=60):
        try:
            h.wait_for(lambda: self.stored(tag) >= count, timeout, 0.05,
                       f"{count} messages {tag} stored")
        except AssertionError as e:
            raise AssertionError(f"{e}; {self.stored(tag)} stored; {self.context()}") from None

    def context(self):
        """What the running backend and Prosody said last, for a failure's message."""
        chunks = getattr(self.backend, "chunks", {})
        lines = [line.rstrip() for key in ("out", "err") for line in chunks.get(key, [])
                 if "DEBUG" not in line]
        return ("the backend's last lines:\n" + "\n".join(lines[-40:])
                + "\nProsody's:\n" + self.prosody.log_tail(30))

    def lost_dup(self, tag, count):
        seqs = [int(re.match(rf"{re.escape(tag)} (\d+):", b).group(1)) for b in self.bodies(tag)]
        distinct = set(seqs)
        lost = len(set(range(count)) - distinct)
        return lost, len(seqs) - len(distinct)

    def assert_exactly_once(self, tag, count, timeout=60):
        """All @count messages of @tag stored, each once; the database sound."""
        self.wait_stored(tag, count, timeout)
        time.sleep(0.5)  # a late duplicate would show now
        self.assertEqual(self.lost_dup(tag, count), (0, 0), "(lost, dup)")
        self.assert_sound()

    def assert_sound(self):
        self.assertEqual(self.query("PRAGMA integrity_check"), [("ok",)])
        self.assertEqual(self.query("PRAGMA foreign_key_check"), [])

    def catch_up_point(self):
        rows = self.query("SELECT last_id FROM mam_catchup WHERE archive_jid = ?", self.alice)
        return rows[0][0] if rows else None

    def warm_up(self):
        """One message live once the first catch-up is over: the catch-up point is set
        (a first session only reads the archive's last page)."""
        self.burst(1, "warm").wait()
        self.wait_stored("warm", 1)
        h.wait_for(lambda: self.catch_up_point() is not None, 10, 0.05, "the catch-up point")

    def fault_point(self, count):
        """A random instant of a burst of @count: how many stored before the fault."""
        return self.rng.randint(count // 10, count * 6 // 10)

    def wait_reconnected(self, timeout=30):
        h.wait_for(lambda: self.proxy.connections() >= 1 and self.bridge.connected(), timeout,
                   0.02, "the reconnection")

    def report(self, text):
        print(f"# {self.id().rsplit('.', 1)[1]}: {text}", flush=True)
