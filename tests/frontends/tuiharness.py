"""Drives libervia-tui in a detached tmux session on a private tmux socket:
send-keys in, capture-pane out."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
import lvharness as h  # noqa: E402

TUI = os.path.join(h.BUILD_ROOT, "frontends", "tui", "libervia-tui")


class Tmux:
    """One tmux server (-L private socket) running @args in an 80x24 window."""

    def __init__(self, env, args, width=80, height=24, term=None):
        self.env = dict(env)
        self.socket = "lv-tui-" + os.path.basename(tempfile.mkdtemp(prefix=""))
        self.status_file = tempfile.mktemp(prefix="lv-tui-status-")
        self.log_file = tempfile.mktemp(prefix="lv-tui-log-")
        self.bell_file = tempfile.mktemp(prefix="lv-tui-bell-")
        command = " ".join(_quote(a) for a in args) + f" 2>>{self.log_file}"
        if term is not None:
            command = f"TERM={term} {command}"
        # The exit status is kept: a TUI that crashed says so.
        # then the pane stays, in the state the TUI left the terminal in.
        command = f"{command}; echo $? > {self.status_file}; exec sleep 600"
        self.tmux("-f", "/dev/null", "new-session", "-d", "-x", str(width), "-y", str(height),
                  "-s", "t", command)
        self.tmux("set-option", "-g", "remain-on-exit", "on")
        self.tmux("set-option", "-g", "window-size", "manual")
        # Each bell of the TUI (BEL on its terminal) adds a line to bell_file.
        self.tmux("set-option", "-g", "monitor-bell", "on")
        self.tmux("set-option", "-g", "bell-action", "any")
        self.tmux("set-hook", "-g", "alert-bell", f"run-shell 'echo bell >> {self.bell_file}'")
        h.at_teardown(self.stop)

    def tmux(self, *args, check=True):
        r = subprocess.run(["tmux", "-L", self.socket, *args], env=self.env, capture_output=True,
                           text=True, timeout=10)
        if check and r.returncode != 0:
            raise AssertionError(f"tmux {args}: {r.stderr}")
        return r.stdout

    def keys(self, *keys):
        self.tmux("send-keys", "-t", "t", *keys)

    def text(self, text):
        """Types @text literally."""
        self.tmux("send-keys", "-t", "t", "-l", text)

    def paste(self, text):
        """A bracketed paste, as a terminal does it."""
        self.tmux("set-buffer", "-b", "p", text)
        self.tmux("paste-buffer", "-p", "-b", "p", "-t", "t")

    def screen(self, escapes=False):
        args = ["capture-pane", "-p", "-t", "t"]
        if escapes:
            args.append("-e")
        return self.tmux(*args)

    def wait(self, predicate, timeout=15, what="the screen"):
        last = [""]

        def check():
            last[0] = self.screen()
            return predicate(last[0])
        try:
            h.wait_for(check, timeout, 0.05, what)
        except AssertionError:
            raise AssertionError(f"waiting for {what}; the screen:\n{last[0]}\n"
                                 f"its standard error:\n{self.log()[-3000:]}")
        return last[0]

    def wait_text(self, text, timeout=15):
        return self.wait(lambda s: text in s, timeout, repr(text))

    def resize(self, width, height):
        self.tmux("resize-window", "-t", "t", "-x", str(width), "-y", str(height))

    def exit_status(self, timeout=10):
        h.wait_for(lambda: os.path.exists(self.status_file) and
                   open(self.status_file).read().strip() != "", timeout, 0.05, "the TUI to exit")
        with open(self.status_file) as f:
            return int(f.read().strip())

    def bells(self):
        """How many times the TUI rang the terminal bell."""
        if not os.path.exists(self.bell_file):
            return 0
        with open(self.bell_file) as f:
            return len(f.readlines())

    def pane_pid(self):
        return int(self.tmux("display-message", "-p", "-t", "t", "#{pane_pid}").strip())

    def log(self):
        """What the TUI wrote on its standard error."""
        if not os.path.exists(self.log_file):
            return ""
        with open(self.log_file, errors="replace") as f:
            return f.read()

    def stop(self):
        self.tmux("kill-server", check=False)
        for path in (self.status_file, self.log_file, self.bell_file):
            if os.path.exists(path):
                os.unlink(path)


def _quote(arg):
    return "'" + arg.replace("'", "'\\''") + "'"
