"""Reliability case R7 seen from the frontends (/work/shared/reference/reliability-cases.md
§3): when local_dir fills up while messages arrive, the backend says so on the bridge
as Libervia 0.9 says a backend-side problem, an actionNew signal carrying an XMLUI
note, once per outage and once when it is over; `li message monitor` prints both on
standard error. The storage side of R7 (catch-up from MAM, the database sound after a
kill) is in test_faults_server."""
import os
import subprocess
import threading
import time

import lvfaults
import lvharness as h

SMALL = 100


class DiskFullSignal(lvfaults.FaultCase):
    prosody_options = {"hibernation": 30}

    def prepare_home(self):
        if h.tmpfs(self.home.local_dir, "16m") is None:
            self.skipTest("mounting a tmpfs needs root")

    def start_monitor(self):
        """`li message monitor` for alice; its standard error as it comes."""
        proc = subprocess.Popen([h.LI, "message", "monitor", "-p", "alice"], env=self.env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)
        h.at_teardown(lambda: h.kill_group(proc))
        lines = []
        threading.Thread(target=lambda: lines.extend(proc.stderr), daemon=True).start()
        return proc, lines

    def test_R7_disk_full_signalled_once_per_outage(self):
        """R7: actionNew(error note) ≤ 1 s after the first refused write, one only
        however long the outage lasts; actionNew(info note) once space is back; every
        message then stored once; `li message monitor` shows both notes."""
        self.warm_up()
        bus = h.BusMonitor(self.env)
        cli, cli_lines = self.start_monitor()
        time.sleep(0.3)  # nothing to wait on: li subscribes without saying so
        filler = os.path.join(self.home.local_dir, "filler")
        fill(filler)
        start = time.monotonic()
        burst = self.burst(SMALL)
        error = bus.wait("actionNew", "the disk is full", "error", timeout=20)
        noticed = time.monotonic() - start
        burst.wait()
        self.assertLess(self.stored(burst.tag), SMALL, "the disk was not full")
        self.assertIn("'alice'", error)
        self.assertIn("-1", error)
        # The backend retries every 500 ms: a few seconds of outage, still one signal.
        second = self.burst(SMALL)
        second.wait()
        time.sleep(2)
        self.assertEqual(sum("actionNew" in line for line in bus.copy()), 1,
                         "one signal per outage")
        os.unlink(filler)
        bus.wait("actionNew", "stored again", "info", timeout=20)
        self.assert_exactly_once(burst.tag, SMALL, timeout=20)
        self.assert_exactly_once(second.tag, SMALL, timeout=20)
        h.wait_for(lambda: len(cli_lines) >= 2, 10, 0.05, "li message monitor's notes")
        h.kill_group(cli)
        self.assertTrue(cli_lines[0].startswith("error: Message storage: "), cli_lines)
        self.assertIn("the disk is full", cli_lines[0])
        self.assertTrue(cli_lines[1].startswith("info: Message storage: "), cli_lines)
        signals = [line for line in bus.text().splitlines() if "actionNew" in line]
        self.assertEqual(len(signals), 2, signals)
        # The test's own first burst takes time to send: the figure is an upper bound.
        self.assertLessEqual(noticed, 1.0 * lvfaults.SLOWER + 1.0)
        self.report(f"error note {noticed:.2f} s after the burst began, 2 actionNew "
                    f"for {SMALL * 2} messages over one outage, all stored once after")


def fill(path):
    """Fills the file system of @path to the last block."""
    with open(path, "wb", buffering=0) as f:
        for size in (65536, 512):
            try:
                while True:
                    f.write(b"\0" * size)
            except OSError:
                pass


if __name__ == "__main__":
    h.run_tap()
