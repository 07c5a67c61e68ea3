"""libervia-tui in tmux (80x24) against the real backend and Prosody: log in, chat
with a slixmpp peer both ways, a bracketed paste of two lines, hostile text from
the network shown harmlessly (reliability case S15), a room joined, resizes, a
1,000-message history scrolled back with PageUp, the golden main screen, TERM=vt100
without colours, a backend restart survived, and the terminal given back on exit,
SIGTERM and SIGSEGV. One Prosody, bus and backend for the whole file."""
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import unicodedata
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tuiharness as t  # noqa: E402

h = t.h
GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden", "main-80x24.txt")
ROOM = "tea@conference.localhost"


def columns(text):
    """The terminal columns of @text: wide characters take 2, combining marks 0."""
    return sum(0 if unicodedata.combining(c) else
               2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


class Tui(h.LvTestCase):
    @classmethod
    def setUpClass(cls):
        cls.prosody = h.Prosody()
        cls.alice = cls.prosody.register("alice", "alice-pw")
        cls.bob = cls.prosody.register("bob", "bob-pw")
        cls.carol = cls.prosody.register("carol", "carol-pw")
        cls.home = h.Home()
        h.PrivateBus(cls.home, activation=False)
        cls.env = cls.home.env
        cls.env["SSL_CERT_FILE"] = cls.prosody.ca_file
        # The peers log in while the profile is made (each takes a second or two).
        peers = {}
        threads = [threading.Thread(target=lambda n=n, j=j: peers.__setitem__(
            n, h.Peer(cls.prosody, j, n + "-pw"))) for n, j in (("bob", cls.bob),
                                                                ("carol", cls.carol))]
        for thread in threads:
            thread.start()
        cls.backend = h.Foreground(cls.env).wait_ready()
        h.xmpp_profile(unittest.TestCase(), cls.env, cls.prosody, "alice", cls.alice, "alice-pw")
        for jid, name, group in ((cls.bob, "Bob", "friends"), (cls.carol, "Carol", "work")):
            r = h.li(cls.env, "roster", "add", jid, "-n", name, "-g", group, "-p", "alice")
            assert r.returncode == 0, r.stderr
        for thread in threads:
            thread.join()
        cls.bob_peer, cls.carol_peer = peers["bob"], peers["carol"]
        # A long history with carol, stored before the TUI starts.
        cls.dora = cls.prosody.register("dora", "dora-pw")
        cls.carol_peer.send(cls.alice, 1000, "old")
        h.wait_for(lambda: cls.history_count(cls.carol) >= 1000, 30, 0.2, "1,000 messages stored")
        cls.tui = t.Tmux(cls.env, [t.TUI, "-p", "alice"])
        cls.tui.wait(lambda s: "+ Bob" in s and "+ Carol" in s, 20, "the contact list")

    @classmethod
    def tearDownClass(cls):
        h._cleanup_all()

    @classmethod
    def history_count(cls, jid):
        r = h.li(cls.env, "message", "history", jid, "-p", "alice", "-m", "-1", "-O", "json")
        return r.stdout.count('"uid"') if r.returncode == 0 else 0

    def setUp(self):
        # The cleanups of setUpClass stay until the end of the file.
        pass

    def tearDown(self):
        pass

    def escape_to_normal(self):
        # Escape only when needed, and wait until it is drawn: an ESC that the TUI
        # reads together with the next key is meta+key, as in any curses program
        # (ESCDELAY), and a loaded machine can deliver both in one read.
        if "[NORMAL]" in self.tui.screen():
            return
        self.tui.keys("Escape")
        self.tui.wait_text("[NORMAL]")

    def open_chat(self, jid):
        """Opens the chat with @jid by :open (the arrows are tested once, in test_2)."""
        self.escape_to_normal()
        self.tui.text(":open " + jid)
        self.tui.keys("Enter")
        # Generous: the chat's history page comes from the backend, slow on a loaded machine.
        self.tui.wait(lambda s: s.splitlines()[0].startswith(" " + jid) and "[INSERT]" in s, 30,
                      f"the chat with {jid}")

    def test_0_no_backend(self):
        # A bus where nothing runs the backend and nothing can start it: one clear line.
        home = h.Home()
        h.PrivateBus(home, activation=False)
        lonely = t.Tmux(home.env, [t.TUI, "-p", "alice"])
        self.assertEqual(lonely.exit_status(15), 5)
        self.assertIn("the Libervia backend is not running and could not be started by D-Bus "
                      "activation: start it with `libervia-backend`", lonely.log())
        lonely.stop()

    def test_1_golden_main_screen(self):
        screen = self.tui.screen()
        masked = re.sub(r"\d\d:\d\d", "HH:MM", screen)
        if os.environ.get("LV_UPDATE_GOLDEN") or not os.path.exists(GOLDEN):
            with open(GOLDEN, "w", encoding="utf-8") as f:
                f.write(masked)
        with open(GOLDEN, encoding="utf-8") as f:
            self.assertEqual(masked, f.read())
        self.assertEqual(len(screen.splitlines()), 24)

    def test_2_chat_both_ways(self):
        # With the arrows: the first contact (Bob, under "friends").
        self.tui.keys("Down")
        self.tui.keys("Enter")
        self.tui.wait(lambda s: s.splitlines()[0].startswith(" " + self.bob) and "[INSERT]" in s,
                      10, "bob's chat")
        self.tui.text("hello bob, ça va? 👋 漢字")
        self.tui.keys("Enter")
        # Wide characters and emoji drawn in their two columns: no line overflows.
        screen = self.tui.wait_text("<alice> hello bob, ça va? 👋 漢字")
        self.assertTrue(all(columns(line) <= 80 for line in screen.splitlines()), screen)
        h.wait_for(lambda: "hello bob, ça va? 👋 漢字" in self.bob_peer.received(), 15, 0.05,
                   "bob to get it")
        self.bob_peer.send(self.alice, 1, "from-bob")
        self.tui.wait_text("<bob> from-bob 0")
        # A message in another chat: unread count, then ctrl-n opens it.
        bells = self.tui.bells()
        self.carol_peer.send(self.alice, 1, "ping-carol")
        self.tui.wait_text("Carol (1)")
        # No notification server on this bus: the terminal bell rang.
        h.wait_for(lambda: self.tui.bells() > bells, 10, 0.05, "the bell")
        self.tui.keys("C-n")
        self.tui.wait_text("ping-carol 0")
        self.assertNotIn("Carol (1)", self.tui.screen())

    def test_2_notification(self):
        # A notification server (standing for the desktop) appears on the bus: a
        # message in a chat without focus goes to it, and the bell stays quiet.
        desktop = subprocess.Popen([os.path.join(h.BUILD_ROOT, "tests", "frontends",
                                                 "fake-desktop")], env=self.env,
                                   stdout=subprocess.PIPE, text=True, start_new_session=True)
        self.addCleanup(lambda: h.kill_group(desktop))
        self.assertEqual(desktop.stdout.readline().strip(), "ready")
        # The bus told the TUI of the name's new owner before the desktop's "ready";
        # the keys of open_chat come after it.
        self.open_chat(self.carol)
        bells = self.tui.bells()
        self.bob_peer.send(self.alice, 1, "notify-me")
        shown = json.loads(desktop.stdout.readline())
        self.assertEqual((shown["server"], shown["title"], shown["body"]),
                         ("org.freedesktop.Notifications", "bob", "notify-me 0"))
        self.tui.wait_text("Bob (1)")
        self.assertEqual(self.tui.bells(), bells)
        h.kill_group(desktop)

    def test_3_bracketed_paste(self):
        self.open_chat(self.bob)
        self.tui.paste("line one\nline two")
        self.tui.wait_text("line one⏎line two")
        self.tui.keys("Enter")
        h.wait_for(lambda: "line one line two" in self.bob_peer.received(), 15, 0.05,
                   "one message of two lines")

    def test_3_chat_states(self):
        # XEP-0085: bob's client says it has chat states (and the TUI shows his).
        self.bob_peer.send_chat_state(self.alice, "composing")
        self.open_chat(self.bob)
        self.tui.wait_text("(composing)")
        self.bob_peer.send_chat_state(self.alice, "active")
        before = len(self.bob_peer.chat_states())
        self.tui.text("typing")
        h.wait_for(lambda: self.bob_peer.chat_states()[before:] == ["composing"], 10, 0.05,
                   "<composing/> at bob")
        # A few seconds without a key: paused.
        h.wait_for(lambda: self.bob_peer.chat_states()[before:] == ["composing", "paused"], 12,
                   0.05, "<paused/> at bob")
        # Typing again within 10 s of the first: no second <composing/> (no flood);
        # the message carries <active/>, and no pause follows it.
        self.tui.text(" more")
        self.tui.keys("Enter")
        h.wait_for(lambda: "typing more" in self.bob_peer.received(), 15, 0.05, "the message")
        # The peer prints the message's state after its body.
        h.wait_for(lambda: len(self.bob_peer.chat_states()) >= before + 3, 5, 0.05,
                   "the message's chat state")
        self.assertEqual(self.bob_peer.chat_states()[before:], ["composing", "paused", "active"])

    def test_4_hostile_text(self):
        # Through XMPP: C1 controls, bidi override, carriage return, a fake line,
        # a pile of combining marks, a very long line.
        body = ("w" * 2000 + "\nx\u009b31mRED \u202egnp.exe\u202c\rOVER\n12:00 <admin> fake"
                + " e" + "\u0301" * 500 + " end")
        h.slixmpp(self.prosody, self.bob, "bob-pw", f"""
c.send_message(mto={self.alice!r}, mbody={body!r}, mtype="chat")
""")
        self.open_chat(self.bob)
        self.tui.wait_text("<U+009B>31mRED")
        screen = self.tui.screen()
        self.assertIn("<U+202E>", screen)
        # A carriage return (XML makes it a newline) starts an indented line.
        self.assertRegex(screen, r"│ +OVER")
        # The fake line is indented under the text, never at the start of a line.
        fake = [line for line in screen.splitlines() if "<admin> fake" in line][0]
        self.assertFalse(re.search(r"│\d\d:\d\d <admin>", fake), fake)
        # Straight from the bridge (ESC cannot travel in XML): a fake messageNew.
        r = h.li(self.env, "debug", "bridge", "signal", "messageNew", "evil-1",
                 str(time.time()), self.bob + "/x", self.alice,
                 '{"": "A\\u001b[2J\\u001b]0;pwned\\u0007B\\u007fC"}', "{}", "chat", "{}",
                 "-p", "alice")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.tui.wait_text("A^[[2J^[]0;pwned^GB^?C")
        raw = self.tui.screen(escapes=True)
        # Only the TUI's own escapes (tmux re-encodes attributes as SGR): no other
        # sequence, no C0 but newline, no C1.
        self.assertEqual(re.findall(r"\x1b(?!\[[0-9;]*m)", raw), [])
        self.assertFalse(re.search(r"[\x00-\x09\x0b-\x1a\x1c-\x1f\x7f\u0080-\u009f]", raw))

    def test_5_room(self):
        self.escape_to_normal()
        self.tui.text(":join " + ROOM)
        self.tui.keys("Enter")
        self.tui.wait_text("in " + ROOM + " as alice")
        screen = self.tui.screen()
        self.assertIn("Rooms", screen)
        self.assertIn("│alice", screen)  # the occupants pane
        self.tui.text("hello room")
        self.tui.keys("Enter")
        self.tui.wait_text("<alice> hello room")
        # Nick completion (Shift-Tab, as in Libervia): carol joins as "carolyn".
        self.carol_peer.join_room(ROOM, "carolyn")
        self.tui.wait_text("│carolyn")
        self.tui.text("car")
        self.tui.keys("BTab")
        self.tui.wait_text("> carolyn:")
        self.tui.text(" welcome")
        self.tui.keys("Enter")
        self.tui.wait_text("<alice> carolyn: welcome")
        # Tab and ctrl-arrows move the focus: contacts, chat, occupants.
        self.escape_to_normal()
        self.tui.keys("Tab")
        self.tui.wait_text("[NORMAL] occupants")
        self.tui.keys("Tab")
        self.tui.wait_text("[NORMAL] contacts")
        self.tui.keys("C-Right")
        self.tui.wait_text("[NORMAL] chat")
        self.tui.keys("C-Left")
        self.tui.wait_text("[NORMAL] contacts")
        self.tui.keys("C-Right")
        self.tui.wait_text("[NORMAL] chat")
        self.escape_to_normal()
        self.tui.text(":topic Tea time")
        self.tui.keys("Enter")
        self.tui.wait(lambda s: s.splitlines()[0].startswith(" " + ROOM + " · Tea time"), 15,
                      "the subject in the title")

    def test_6_resize(self):
        for width, height in ((120, 40), (60, 20), (80, 24)):
            self.tui.resize(width, height)
            screen = self.tui.wait(
                lambda s, n=height: len(s.splitlines()) == n and
                "[" in s.splitlines()[n - 2], 10, f"the {width}x{height} screen")
            lines = screen.splitlines()
            self.assertRegex(lines[height - 2], r"^ \[(NORMAL|INSERT)\]")
            self.assertTrue(all(len(line) <= width for line in lines))

    def test_6_commands_offline_wide(self):
        self.escape_to_normal()
        self.tui.text(":add dave@localhost")
        self.tui.keys("Enter")
        self.tui.wait_text("asked dave@localhost to share presences")
        h.wait_for(lambda: "dave@localhost" in h.li(self.env, "roster", "get", "-p",
                                                   "alice").stdout, 15, 0.1, "dave in the roster")
        # An offline contact with a wide, emoji and combining name: hidden, then
        # shown by meta d, its row exactly as wide as the list.
        name = "山田😀e\u0301"
        r = h.li(self.env, "roster", "add", "erin@localhost", "-n", name, "-g", "friends",
                 "-p", "alice")
        self.assertEqual(r.returncode, 0, r.stderr)
        h.wait_for(lambda: "erin@localhost" in h.li(self.env, "roster", "get", "-p",
                                                   "alice").stdout, 15, 0.1, "erin in the roster")
        self.assertNotIn("山田", self.tui.screen())
        self.tui.keys("M-d")
        screen = self.tui.wait_text("山田😀")
        row = [line for line in screen.splitlines() if "山田😀" in line][0]
        self.assertEqual(columns(row.split("│")[0]), 20, row)
        self.assertIn("dave@localhost", screen)
        self.tui.keys("M-d")
        self.tui.wait(lambda s: "山田" not in s, 10, "the offline contacts hidden again")
        # :status, :help.
        self.tui.text(":status away out for lunch")
        self.tui.keys("Enter")
        self.tui.wait_text("status: away")
        self.tui.text(":help")
        self.tui.keys("Enter")
        self.tui.wait(lambda s: re.search(r"ctrl x +quit \(APP_QUIT\)", s) or
                      re.search(r"\([A-Z_]+\)\s*│?$", s, re.M), 10, "the help")

    def test_7_history_page_up(self):
        self.open_chat(self.carol)
        self.tui.wait_text("old 999")
        self.escape_to_normal()
        # Each PageUp at the top of what is loaded asks the page before it (50).
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            self.tui.keys("PageUp", "PageUp", "PageUp")
            if re.search(r"<carol> old 0$", self.tui.screen(), re.M):
                break
            time.sleep(0.05)
        self.tui.wait(lambda s: re.search(r"<carol> old 0$", s, re.M), 10, "the oldest message")
        self.tui.keys("G")
        self.tui.wait_text("ping-carol 0")
        # :history N shows the last N messages; :search finds by words.
        self.tui.text(":history 5")
        self.tui.keys("Enter")
        self.tui.wait(lambda s: len(re.findall(r"\d\d:\d\d <", s)) == 5 and
                      "ping-carol 0" in s, 15, "the last 5 messages")
        self.escape_to_normal()
        self.tui.text(":search 997")
        self.tui.keys("Enter")
        screen = self.tui.wait_text("1 messages found")
        self.assertIn("old 997", screen)

    def test_8_vt100_chooser_create_keys(self):
        # Without -p: the profile chooser, on vt100, with a libervia.conf whose
        # [tui] changes the quit key (KEY_APP_QUIT).
        config = os.path.join(self.home.root, "tui-keys.conf")
        with open(self.home.config_path) as f:
            text = f.read()
        with open(config, "w") as f:
            f.write(text + "\n[tui]\nKEY_APP_QUIT = ctrl q\n")
        other = t.Tmux(dict(self.env, LIBERVIA_CONFIG=config), [t.TUI], term="vt100")
        other.wait(lambda s: "choose a profile" in s and "> alice" in s, 20, "the chooser")
        self.assertIn("[ create a new profile ]", other.screen())
        # Create dora (with a profile password), which connects at once.
        other.keys("Down", "Enter")
        for label, answer in (("New profile name:", "dora"),
                              ("XMPP address", self.dora),
                              ("XMPP password:", "dora-pw"),
                              ("Profile password (empty for none):", "dora-secret")):
            other.wait_text(label)
            other.text(answer)
            other.keys("Enter")
        # Our Prosody listens on a port of its own: the new profile cannot connect
        # until told, and is listed in the chooser again with the error.
        other.wait(lambda s: "cannot reach the server" in s and "> alice" in s and "dora" in s,
                   30, "the connection error")
        for param, value in (("Force server", "127.0.0.1"),
                             ("Force port", str(self.prosody.c2s_port))):
            r = h.li(self.env, "param", "set", "Connection", param, value, "-p", "dora", "--pwd",
                     "dora-secret")
            self.assertEqual(r.returncode, 0, r.stderr)
        other.keys("Down", "Enter")
        other.wait(lambda s: self.dora in s.splitlines()[0] and "[NORMAL]" in s, 30,
                   "dora's main screen")
        raw = other.screen(escapes=True)
        self.assertFalse(re.search(r"\x1b\[[0-9;]*(3[0-7]|38;)", raw), "a colour on vt100")
        other.keys("C-x")  # not the quit key any more
        other.keys("C-q")
        self.assertEqual(other.exit_status(), 0)
        other.stop()

    def test_9_backend_restart(self):
        type(self).backend.stop()
        self.tui.wait_text("the backend stopped")
        type(self).backend = h.Foreground(self.env).wait_ready()
        self.tui.wait_text("reconnected", 30)
        # The TUI reconnects alice too; on a loaded machine that outlasts "reconnected".
        h.wait_for(lambda: "true" in h.gdbus_call(self.env, "isConnected", "alice").stdout, 30,
                   0.1, "alice connected again")
        self.open_chat(self.bob)
        self.tui.text("after restart")
        self.tui.keys("Enter")
        h.wait_for(lambda: "after restart" in self.bob_peer.received(), 20, 0.05,
                   "a message after the restart")
        # dora's session did not survive the restart: her profile password is asked,
        # a wrong one is said so, the right one goes in.
        again = t.Tmux(self.env, [t.TUI, "-p", "dora"])
        again.wait_text("Profile password:", 20)
        again.text("not-it")
        again.keys("Enter")
        again.wait_text("wrong password", 20)
        again.text("dora-secret")
        again.keys("Enter")
        again.wait(lambda s: self.dora in s.splitlines()[0] and "[NORMAL]" in s, 30,
                   "dora's main screen")
        self.assertNotIn("dora-secret", again.screen())
        again.keys("C-x")
        self.assertEqual(again.exit_status(), 0)
        again.stop()

    def alternate_screen(self, tmux):
        return tmux.tmux("display-message", "-p", "-t", "t", "#{alternate_on}").strip()

    def test_z_terminal_restored(self):
        ways = (("quit", 0), ("ctrl-c", 0), (signal.SIGTERM, 128 + 15),
                (signal.SIGSEGV, 128 + 11))
        tuis = [t.Tmux(self.env, [t.TUI, "-p", "alice"]) for _ in ways]
        for (how, status), other in zip(ways, tuis):
            other.wait_text("[NORMAL]", 20)
            self.assertEqual(self.alternate_screen(other), "1")
            if how == "quit":
                other.keys("C-x")
            elif how == "ctrl-c":
                # The first one only clears the line and says how to quit.
                other.keys("i")
                other.text("half typed")
                other.wait_text("> half typed")
                other.keys("C-c")
                screen = other.wait_text("ctrl c again quits")
                self.assertNotIn("half typed", screen)
                self.assertFalse(os.path.exists(other.status_file) and
                                 open(other.status_file).read().strip())
                other.keys("C-c")
            else:
                pid = int(subprocess.run(["pgrep", "-P", str(other.pane_pid()), "-f",
                                          "libervia-tui"], capture_output=True,
                                         text=True).stdout.split()[0])
                os.kill(pid, how)
        for (how, status), other in zip(ways, tuis):
            self.assertEqual(other.exit_status(), status, other.log())
            if how != signal.SIGSEGV:  # a clean exit: nothing leaked (in build-asan)
                self.assertNotIn("Sanitizer", other.log())
            self.assertEqual(self.alternate_screen(other), "0", f"after {how}")
            cursor = other.tmux("display-message", "-p", "-t", "t", "#{cursor_flag}").strip()
            self.assertEqual(cursor, "1", f"cursor hidden after {how}")
            other.stop()

if __name__ == "__main__":
    h.run_tap()
