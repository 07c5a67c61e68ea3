"""Shared parts of the benchmark runners (tests/bench/run, tests/bench/run-messages):
process figures from /proc, the benchmark Prosody, in-band registration of many
accounts, the libstrophe sender and bare client, statistics and the Markdown table.

Import after setting LV_BUILD_ROOT / LV_SOURCE_ROOT: it loads lvharness from
tests/integration."""
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(SOURCE, "tests", "integration"))
sys.dont_write_bytecode = True
import lvharness as h  # noqa: E402

PASSWORD = "bench-pw"
T0 = time.monotonic()


def bench_path(name):
    return os.path.join(h.BUILD_ROOT, "tests", "bench", name)


def log(text):
    print(f"[{time.monotonic() - T0:6.1f} s] {text}", flush=True)


def cpu_seconds(pid):
    """utime + stime of @pid (every thread), from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def busy_seconds():
    """CPU seconds the whole machine spent busy (every core), from /proc/stat."""
    with open("/proc/stat", encoding="ascii") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def memory_mb(pid):
    """(RSS, USS = Private_Clean + Private_Dirty, Private_Dirty) of @pid in MB."""
    values = {}
    with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3 and parts[1].isdigit():
                values[parts[0].rstrip(":")] = int(parts[1])
    return (values["Rss"] / 1024, (values["Private_Clean"] + values["Private_Dirty"]) / 1024,
            values["Private_Dirty"] / 1024)


def memory_samples(pid, count=5, interval=0.4):
    """@count memory_mb() samples of @pid: lists (RSS, USS, Private_Dirty)."""
    samples = []
    for i in range(count):
        if i:
            time.sleep(interval)
        samples.append(memory_mb(pid))
    return [list(x) for x in zip(*samples)]


def settle(pid, quiet=0.5, timeout=30):
    """Waits until @pid used no CPU for @quiet seconds (its queues drained)."""
    deadline = time.monotonic() + timeout
    last = cpu_seconds(pid)
    while time.monotonic() < deadline:
        time.sleep(quiet)
        now = cpu_seconds(pid)
        if now - last < 0.011:
            return
        last = now


def spread(values, fmt="{:.2f}"):
    """(median, "min–max") of @values formatted with @fmt; dashes when empty."""
    if not values:
        return "-", "-"
    med = statistics.median(values)
    return fmt.format(med), (fmt.format(min(values)) + "–" + fmt.format(max(values)))


class Check:
    """What lvharness.xmpp_profile() wants of a test case."""

    def assertEqual(self, a, b, message=""):
        if a != b:
            raise SystemExit(f"bench: {message}")


class BenchProsody(h.Prosody):
    """lvharness's Prosody (memory archives, storage_archive_item_limit 2,000,000, no
    mod_limits), with a garbage collector that does not rescan the growing memory
    archive after every 5% of allocation (Prosody's default threshold is 105);
    defaults=True keeps Prosody's own collector setting."""

    GC = 'gc = { mode = "incremental", threshold = 400 }'

    def __init__(self, defaults=False):
        self.defaults = defaults
        super().__init__(memory_archive=True)
        with open(self.config, encoding="utf-8") as f:
            config = f.read()
        assert "limits" not in config and 'archive = "memory"' in config

    def _write_config(self, *a):
        super()._write_config(*a)
        if not self.defaults:
            with open(self.config, encoding="utf-8") as f:
                text = f.read()
            with open(self.config, "w", encoding="utf-8") as f:
                f.write(self.GC + "\n" + text)

    def describe(self):
        return ("Prosody 0.12 on loopback: memory archives, storage_archive_item_limit "
                "2000000, mod_limits not loaded, "
                + ("its default GC" if self.defaults else f"`{self.GC}`"))


REGISTER = r"""
import asyncio, ssl, sys, slixmpp
password, ca, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
names = sys.argv[4].split(",")
context = ssl.create_default_context(cafile=ca)
async def one(name, limit):
    async with limit:
        c = slixmpp.ClientXMPP(f"{name}@localhost", password)
        c.register_plugin("xep_0077")
        c["xep_0077"].force_registration = True
        c.ssl_context = context
        c._always_send_everything = True  # slixmpp holds IQs back before the session
        done = asyncio.get_event_loop().create_future()
        async def register(iq):
            r = c.Iq()
            r["type"] = "set"
            r["register"]["username"] = name
            r["register"]["password"] = password
            try:
                await r.send()
                done.done() or done.set_result(None)
            except Exception as e:
                done.done() or done.set_result(f"{name}: {e}")
            c.disconnect()
        c.add_event_handler("register", register)
        c.connect(("127.0.0.1", port))
        error = await asyncio.wait_for(done, 60)
        await asyncio.wait_for(c.disconnected, 10)
        return error
async def main():
    limit = asyncio.Semaphore(16)
    return await asyncio.gather(*(one(n, limit) for n in names))
errors = [e for e in asyncio.get_event_loop().run_until_complete(main()) if e]
print("FAILED " + "; ".join(errors) if errors else "REGISTERED", flush=True)
"""


def register(prosody, names):
    """In-band registration (XEP-0077) of @names, 16 at a time, from one process."""
    r = subprocess.run(["/usr/bin/python3", "-c", REGISTER, PASSWORD, prosody.ca_file,
                        str(prosody.c2s_port), ",".join(names)],
                       capture_output=True, text=True, timeout=300)
    if "REGISTERED" not in r.stdout:
        raise SystemExit(f"registration failed: {r.stdout} {r.stderr[-2000:]}")


def send_burst(prosody, to, count, tag, notes=None):
    """lv-bench-sender's figures: (count, s to write, s to the ping's answer, CPU s).
    Its warnings go to @notes."""
    r = subprocess.run([bench_path("lv-bench-sender"), "sender@localhost", PASSWORD,
                        "127.0.0.1", str(prosody.c2s_port), to, str(count), tag,
                        prosody.ca_file], capture_output=True, text=True, timeout=900)
    line = [x for x in r.stdout.splitlines() if x.startswith("SENT ")]
    if r.returncode != 0 or not line:
        raise SystemExit(f"sender failed: {r.stdout} {r.stderr}")
    if r.stderr.strip() and notes is not None and r.stderr.strip() not in notes:
        notes.append("sender: " + r.stderr.strip())
    f = line[0].split()
    return int(f[1]), float(f[2]), float(f[3]), float(f[4])


def bare_burst(prosody, count, tag, jid="bare@localhost", notes=None):
    """A burst of @count to the bare libstrophe client (the limit): dict with count,
    seconds (first to last), rate, cpu_ms (its CPU per message), prosody_ms,
    sender (send_burst's tuple), others (cores other processes used meanwhile)."""
    proc = subprocess.Popen([bench_path("lv-bench-bare-client"), jid, PASSWORD, "127.0.0.1",
                             str(prosody.c2s_port), str(count), prosody.ca_file],
                            stdout=subprocess.PIPE, text=True)
    if proc.stdout.readline().strip() != "READY":
        raise SystemExit("the bare client did not log in")
    time.sleep(0.3)  # its presence reached the server
    pcpu = cpu_seconds(prosody.proc.pid)
    busy0, wall0 = busy_seconds(), time.monotonic()
    sent = send_burst(prosody, jid, count, tag, notes)
    out = proc.stdout.read()
    proc.wait(60)
    busy1, wall1 = busy_seconds(), time.monotonic()
    line = [x for x in out.splitlines() if x.startswith("RESULT ")]
    if not line:
        raise SystemExit(f"the bare client failed: {out}")
    f = line[0].split()
    prosody_s = cpu_seconds(prosody.proc.pid) - pcpu
    ours_s = prosody_s + float(f[4]) + sent[3]
    return {"count": int(f[1]), "seconds": float(f[2]), "rate": float(f[3]),
            "cpu_ms": float(f[4]) * 1000 / count, "sender": sent,
            "prosody_ms": prosody_s * 1000 / count,
            "others": max(0.0, (busy1 - busy0 - ours_s) / (wall1 - wall0))}


def parallel(argvs, env, width, timeout=300):
    """Runs the commands of @argvs, @width at a time; fails on an error."""
    running = []
    pending = list(argvs)
    while pending or running:
        while pending and len(running) < width:
            a = pending.pop(0)
            running.append((a, subprocess.Popen(a, env=env, stdout=subprocess.DEVNULL,
                                                stderr=subprocess.PIPE, text=True)))
        a, p = running.pop(0)
        _, err = p.communicate(timeout=timeout)
        if p.returncode != 0:
            raise SystemExit(f"{' '.join(a)}: {err}")


def markdown_table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(x) for x in r) + " |" for r in rows]
    return lines


def write_result(prefix, text):
    """Writes @text to tests/bench/results/PREFIX-DATE.md (git-ignored); its path."""
    out_dir = os.path.join(HERE, "results")
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, time.strftime(f"{prefix}-%Y%m%d-%H%M%S.md"))
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path
