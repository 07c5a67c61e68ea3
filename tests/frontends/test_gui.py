"""libervia-desktop (GTK 4) under Xvfb, with the real backend and a real Prosody:
log in with the profile password, add a contact, chat with a slixmpp peer both
ways (Enter sends, Shift+Enter is a new line), see a correction, a retraction and
a displayed marker, send a file through the file chooser and one dropped on the
chat from another application, go round the controls with Tab, see the unread
count and the desktop notification, send a displayed marker for the contact's
markable message once the chat is opened, filter the contact list, join a room
by address and one from a bookmark, leave it, follow the desktop to the dark
style and back, allow a subscription request, see the banner when the connection
goes and when the backend stops and their recovery (the backend started again by
D-Bus activation) with presence shown unknown meanwhile, the window size kept
across runs, one page of history loaded and older ones on PageUp / Ctrl+Home,
remove a contact; every control checked for an accessible label; screenshots of
the main views kept in the build directory.

Input is real X events (xdotool: clicks at the widgets' places, typed keys);
the application's test socket (LIBERVIA_DESKTOP_TEST_SOCKET) only reports its
widget tree and where each widget is."""
import json
import os
import re
import socket
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
import lvharness as h  # noqa: E402

DESKTOP = os.path.join(h.BUILD_ROOT, "frontends", "gui", "libervia-desktop")
FAKE_DESKTOP = os.path.join(h.BUILD_ROOT, "tests", "frontends", "fake-desktop")
DRAG_SOURCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "drag-source.py")
ARTIFACTS = os.environ.get("LV_ARTIFACTS_DIR",
                           os.path.join(h.BUILD_ROOT, "tests", "frontends", "artifacts"))
# Controls a person acts on: each must carry an accessible label of its own.
CONTROLS = {"GtkButton", "GtkMenuButton", "GtkEntry", "GtkPasswordEntry", "GtkSearchEntry",
            "GtkTextView", "GtkDropDown", "GtkListBox", "GtkListBoxRow"}
# Composite widgets whose inner parts GTK labels itself (the window's title bar,
# an entry's text, a drop-down's toggle).
COMPOSITES = {"GtkMenuButton", "GtkDropDown", "GtkPasswordEntry", "GtkSearchEntry", "GtkEntry",
              "AdwHeaderBar", "GtkHeaderBar", "GtkPopover", "GtkWindowControls"}


def walk(node, parents=()):
    yield node, parents
    for child in node.get("children", []):
        yield from walk(child, parents + (node["type"],))


# Our sources, as the sanitizer names them in a frame ("../frontends/gui/x.c:12").
OUR_SOURCES = ("frontends/", "common/", "bridge/", "backend/")


def leaks_of_ours(report):
    """From a LeakSanitizer @report: the leaks with a frame of our code other than
    the main loop's (main, gui_app_run), and the number of the others."""
    ours, theirs = [], 0
    for block in re.split(r"\n(?=[#\s]*(?:Direct|Indirect) leak of)", report):
        if not re.match(r"[#\s]*(Direct|Indirect) leak of", block):
            continue
        frames = re.findall(r"#\d+ 0x[0-9a-f]+ in (\S+) (\S+)", block)
        if any(source.startswith("../") and any(s in source for s in OUR_SOURCES)
               and function not in ("main", "gui_app_run") for function, source in frames):
            ours.append(block.strip()[:1500])
        else:
            theirs += 1
    return ours, theirs


class Desktop(h.LvTestCase):
    @classmethod
    def setUpClass(cls):
        cls.prosody = h.Prosody()
        cls.alice = cls.prosody.register("alice", "alice-pw")
        cls.bob = cls.prosody.register("bob", "bob-pw")
        cls.carol = cls.prosody.register("carol", "carol-pw")
        cls.home = h.Home()
        # Before the bus: a backend it activates inherits its environment.
        cls.home.env["SSL_CERT_FILE"] = cls.prosody.ca_file
        h.PrivateBus(cls.home, activation=True)
        cls.env = cls.home.env
        cls.start_fake_desktop()
        cls.backend = h.Foreground(cls.env).wait_ready()
        h.xmpp_profile(unittest.TestCase(), cls.env, cls.prosody, "alice", cls.alice, "alice-pw",
                       profile_password="alice-pp", connect=False)
        # Setting the profile up started its session: a new backend has none, so the
        # password typed in the window is the one that counts.
        cls.backend.stop()
        h.wait_for(lambda: not h.name_has_owner(cls.env), 10, 0.05, "the backend to stop")
        cls.backend = h.Foreground(cls.env).wait_ready()
        cls.peer = h.Peer(cls.prosody, cls.bob, "bob-pw")
        cls.start_x()
        cls.start_desktop()
        os.makedirs(ARTIFACTS, exist_ok=True)

    @classmethod
    def start_x(cls):
        # -displayfd: Xvfb picks a free display itself and writes its number, so
        # runs side by side never race for one.
        read_fd, write_fd = os.pipe()
        cls.xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0",
                                     "1280x800x24", "-nolisten", "tcp"], pass_fds=(write_fd,),
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                    start_new_session=True)
        os.close(write_fd)
        h.at_teardown(lambda: h.kill_group(cls.xvfb))
        with os.fdopen(read_fd) as r:
            number = r.readline().strip()
        if not number:
            raise RuntimeError("Xvfb did not start")
        cls.env["DISPLAY"] = f":{number}"

    @classmethod
    def start_fake_desktop(cls):
        """The desktop session's notification servers and settings portal
        (tests/frontends/fake-desktop.c): notifications are recorded in a file."""
        cls.notifications = os.path.join(cls.home.root, "notifications.jsonl")
        out = open(cls.notifications, "w")
        cls.fake_desktop = subprocess.Popen([FAKE_DESKTOP, "0"], env=cls.env, stdout=out,
                                            start_new_session=True)
        out.close()
        h.at_teardown(lambda: h.kill_group(cls.fake_desktop))
        h.wait_for(lambda: "ready" in open(cls.notifications).read(), 10, 0.05,
                   "the fake desktop session")

    def notified(self):
        with open(self.notifications) as f:
            return [json.loads(line) for line in f if line.startswith("{")]

    def set_color_scheme(self, value):
        r = h.run(["gdbus", "call", "--session", "--dest", "org.freedesktop.portal.Desktop",
                   "--object-path", "/org/libervia/Test/FakeDesktop", "--method",
                   "org.libervia.Test.FakeDesktop.SetColorScheme", str(value)], self.env)
        self.assertEqual(r.returncode, 0, r.stderr)

    @classmethod
    def start_desktop(cls):
        cls.socket_path = os.path.join(cls.home.runtime, "desktop-test.sock")
        if os.path.exists(cls.socket_path):  # the last run's (the test restarts it)
            os.unlink(cls.socket_path)
        env = dict(cls.env, GDK_BACKEND="x11", GSK_RENDERER="cairo", GTK_A11Y="test",
                   NO_AT_BRIDGE="1", XDG_STATE_HOME=os.path.join(cls.home.root, "state"),
                   LIBERVIA_DESKTOP_TEST_SOCKET=cls.socket_path)
        # LeakSanitizer on the window (in the sanitizer build), judged by test_8:
        # GTK, GLib and fontconfig keep memory until exit by design, so a leak
        # counts only if a frame of our code allocated it. GLib and GTK have no
        # frame pointers: only the slow unwinder reaches our frames under theirs;
        # 10 frames of it keep the window quick enough (30 made test_7's login
        # pass its 60 s). tests/lsan-desktop.supp silences the known library
        # holders, to keep the report short.
        env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "") + ":detect_leaks=1:abort_on_error=0"
                               ":fast_unwind_on_malloc=0:malloc_context_size=10")
        env["LSAN_OPTIONS"] = "exitcode=0:suppressions=" + os.path.join(
            h.SOURCE_ROOT, "tests", "lsan-desktop.supp")
        cls.log = open(os.path.join(cls.home.root, "desktop.log"), "a")
        cls.desktop = subprocess.Popen([DESKTOP], env=env, stdout=cls.log,
                                       stderr=subprocess.STDOUT, start_new_session=True)
        if not getattr(cls, "desktop_cleanup", False):
            # Once, at the class's set-up, for whichever run is the last (a cleanup
            # registered in a test would end with it).
            h.at_teardown(lambda: h.kill_group(cls.desktop))
            cls.desktop_cleanup = True
        h.wait_for(lambda: os.path.exists(cls.socket_path) or cls.desktop.poll() is not None,
                   20, 0.05, "the test socket")
        cls.hook = socket.socket(socket.AF_UNIX)
        cls.hook.connect(cls.socket_path)
        cls.hook_file = cls.hook.makefile("rw")

    @classmethod
    def tearDownClass(cls):
        h._cleanup_all()

    def tearDown(self):
        # What the application said, for the test that failed.
        outcome = getattr(self, "_outcome", None)
        if outcome is not None and not outcome.success:
            print(self.log_text(), file=sys.stderr)
        super().tearDown()

    # Observation ---------------------------------------------------------
    def command(self, line):
        self.assertIsNone(self.desktop.poll(), f"libervia-desktop exited: {self.log_text()}")
        self.hook_file.write(line + "\n")
        self.hook_file.flush()
        return self.hook_file.readline().strip()

    def log_text(self):
        """The application's output: its end, or the whole sanitizer report."""
        with open(os.path.join(self.home.root, "desktop.log")) as f:
            text = f.read()
        start = text.find("ERROR: LeakSanitizer")
        return text[start:][:40000] if start >= 0 else text[-4000:]

    def windows(self):
        return json.loads(self.command("dump"))

    def find(self, label=None, prefix=None, window=None):
        for tree in self.windows():
            if window is not None and tree.get("title") != window:
                continue
            for node, parents in walk(tree):
                name = node.get("label") or ""
                if node["mapped"] and (name == label or (prefix and name.startswith(prefix))):
                    node["parents"] = parents
                    return tree, node
        return None, None

    def wait_widget(self, label=None, prefix=None, timeout=20, window=None):
        found = []

        def present():
            found[:] = self.find(label, prefix, window)
            return found[1] is not None
        h.wait_for(present, timeout, 0.1, f"a widget labelled {label or prefix!r}")
        return found

    def labels(self):
        return [node.get("label") or "" for tree in self.windows() for node, _ in walk(tree)
                if node["mapped"]]

    def texts(self):
        return [node.get("text", "") for tree in self.windows() for node, _ in walk(tree)
                if node["mapped"]]

    def wait_text(self, text, timeout=20):
        h.wait_for(lambda: any(text in t for t in self.texts()), timeout, 0.1, f"text {text!r}")

    # Input ---------------------------------------------------------------
    def xdotool(self, *args):
        r = subprocess.run(["xdotool", *args], env=self.env, capture_output=True, text=True,
                           timeout=20)
        self.assertEqual(r.returncode, 0, f"xdotool {args}: {r.stderr}")
        return r.stdout.strip()

    def x_window(self, title):
        # Only a mapped window: a new dialog has its name before it is viewable,
        # and focusing it then is an X BadMatch.
        return self.xdotool("search", "--sync", "--onlyvisible", "--name",
                            f"^{title}$").split()[0]

    def click(self, label=None, prefix=None, window="Libervia"):
        tree, node = self.wait_widget(label, prefix, window=window)
        if "GtkPopover" in node["parents"]:
            # A popover is a surface of its own that xdotool cannot name: the
            # application moves the focus there, keys still come from X.
            verb = "focus" if node["type"] in ("GtkEntry", "GtkText") else "activate"
            self.assertEqual(self.command(f"{verb} {node['label']}"), "ok")
            return
        wid = self.x_window(tree["title"])
        self.xdotool("windowfocus", "--sync", wid)
        x = node["x"] + node["width"] // 2
        y = node["y"] + node["height"] // 2
        self.xdotool("mousemove", "--window", wid, str(x), str(y), "click", "1")

    def click_until(self, label, shown, tries=3, window="Libervia"):
        """Clicks @label until the widget labelled @shown is on screen: a click that
        lands while the window is still being laid out does nothing."""
        for _ in range(tries):
            self.click(label, window=window)
            try:
                self.wait_widget(shown, timeout=3)
                return
            except AssertionError:
                pass
        self.wait_widget(shown, timeout=1)

    def type(self, text):
        self.xdotool("type", "--delay", "5", text)

    def key(self, *keys):
        self.xdotool("key", *keys)

    def screenshot(self, name):
        path = os.path.join(ARTIFACTS, name)
        r = subprocess.run(["import", "-window", "root", path], env=self.env, capture_output=True,
                           timeout=20)
        self.assertEqual(r.returncode, 0, r.stderr)

    def brightness(self, node, name):
        """The screenshot @name's brightness (0 black, 1 white) in the middle of
        @node (the window is at the screen's top left corner: no window manager)."""
        self.screenshot(name)
        r = subprocess.run(["convert", os.path.join(ARTIFACTS, name), "-crop",
                            f"1x1+{node['x'] + node['width'] // 2}+{node['y'] + node['height'] // 2}",
                            "-colorspace", "Gray", "-format", "%[fx:u]", "info:"],
                           capture_output=True, text=True, timeout=20)
        self.assertEqual(r.returncode, 0, r.stderr)
        return float(r.stdout)

    def check_labels(self):
        """Every control on screen has an accessible label, as GTK holds it."""
        missing = []
        for tree in self.windows():
            for node, parents in walk(tree):
                if (node["type"] in CONTROLS and node["mapped"] and not node.get("label")
                        and not COMPOSITES.intersection(parents)):
                    missing.append(f"{node['type']} in {'/'.join(parents[-3:])}")
        self.assertEqual(missing, [], "controls without an accessible label")

    # The scenario: one session, in order ------------------------------------
    def test_1_login(self):
        self.wait_widget("Profile password")
        self.wait_text("alice")  # the profiles are listed
        self.check_labels()
        self.screenshot("01-login.png")
        self.click("Profile password")
        self.type("wrong")
        self.key("Return")
        self.wait_text("Wrong password for this profile")
        self.click("Profile password")
        self.key("ctrl+a", "BackSpace")
        self.type("alice-pp")
        self.key("Return")
        self.wait_widget("Search contacts", timeout=30)

    def test_2_add_contact_and_chat(self):
        self.click_until("Add a contact", "Address of the contact to add")
        self.click("Address of the contact to add")
        self.type(self.bob)
        self.key("Return")
        self.click(prefix=self.bob + ",")
        self.wait_widget(f"Messages with {self.bob}")
        self.click("Message text")
        self.type("hello bob from the desktop")
        self.key("Return")
        h.wait_for(lambda: "hello bob from the desktop" in self.peer.received(), 20, 0.1,
                   "bob to receive our message")
        # Shift+Enter: a new line in the same message.
        self.type("line one")
        self.key("shift+Return")
        self.type("line two")
        self.key("Return")
        h.wait_for(lambda: "line one line two" in self.peer.received(), 20, 0.1,
                   "the two-line message")
        self.wait_text("hello bob from the desktop")
        self.peer.send(self.alice, 1, "hi-from-bob")
        self.wait_text("hi-from-bob 0")
        self.check_labels()
        self.screenshot("02-chat.png")

    def test_2a_corrections_retractions_markers(self):
        # Bob (a second client of his) corrects one message, retracts another, and
        # marks ours displayed: each shows in the open chat.
        import threading
        done = []
        script = f"""
from slixmpp import ET
got = asyncio.Event()
def on_message(m):
    if m["body"] == "mark me":
        marker = c.make_message(mto={self.alice!r}, mtype="chat")
        marker.append(ET.fromstring(
            "<displayed xmlns='urn:xmpp:chat-markers:0' id='%s'/>" % m["id"]))
        marker.send()
        got.set()
c.add_event_handler("message", on_message)
c.send_presence()
first = c.make_message(mto={self.alice!r}, mbody="typo hier", mtype="chat")
first["id"] = "gui-original-1"
first.send()
gone = c.make_message(mto={self.alice!r}, mbody="regrettable words", mtype="chat")
gone["id"] = "gui-original-2"
gone.send()
await asyncio.sleep(0.3)
fix = c.make_message(mto={self.alice!r}, mbody="typo here", mtype="chat")
fix.append(ET.fromstring("<replace xmlns='urn:xmpp:message-correct:0' id='gui-original-1'/>"))
fix.send()
retract = c.make_message(mto={self.alice!r}, mtype="chat")
retract.append(ET.fromstring("<retract xmlns='urn:xmpp:message-retract:1' id='gui-original-2'/>"))
retract.send()
await asyncio.wait_for(got.wait(), 20)
"""
        thread = threading.Thread(target=lambda: done.append(
            h.slixmpp(self.prosody, self.bob, "bob-pw", script)))
        thread.start()
        self.wait_text("typo here")
        h.wait_for(lambda: any(label.endswith("edited: typo here") for label in self.labels()),
                   10, 0.1, "the correction marked edited")
        self.wait_text("This message was retracted")
        self.assertFalse(any("typo hier" in t or "regrettable" in t for t in self.texts()))
        self.click("Message text")
        self.type("mark me")
        self.key("Return")
        thread.join(30)
        self.assertTrue(done, "bob's client did not finish")
        h.wait_for(lambda: any(label.endswith("· displayed: mark me") for label in self.labels()),
                   10, 0.1, "our message shown displayed")

    def test_2b_send_file(self):
        # The attach button, GTK's file chooser (no portal here: the dialog itself),
        # the path typed in its location entry; the backend uploads it (HTTP
        # upload to upload.localhost) and the link goes to bob as a message.
        path = os.path.join(self.home.root, "notes-for-bob.txt")
        with open(path, "w") as f:
            f.write("the file's content\n" * 2000)
        self.click("Send a file")
        wid = self.x_window("Send a file")
        self.xdotool("windowfocus", "--sync", wid)
        self.key("ctrl+l")
        self.type(path)
        self.key("Return")
        h.wait_for(lambda: any("notes-for-bob.txt" in m and "https://" in m
                               for m in self.peer.received()), 20, 0.1, "bob to get the link")
        self.wait_text("notes-for-bob.txt")
        self.assertIsNone(self.find(prefix="Sending notes-for-bob.txt")[1],
                          "the progress bar stays after the upload")

    def test_2bb_drop_file(self):
        # A file dragged from another application (a GTK 4 drag source offering a
        # file list, tests/frontends/drag-source.py) and dropped on the chat: sent
        # like one chosen. The pointer is driven with xdotool: press on the source,
        # move onto the chat in steps, release.
        path = os.path.join(self.home.root, "dropped-for-bob.txt")
        with open(path, "w") as f:
            f.write("dropped content\n" * 2000)
        source = subprocess.Popen(["/usr/bin/python3", DRAG_SOURCE, path],
                                  env=dict(self.env, GDK_BACKEND="x11", GSK_RENDERER="cairo",
                                           NO_AT_BRIDGE="1"),
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                  start_new_session=True)
        h.at_teardown(lambda: h.kill_group(source))
        wid = self.x_window("Drag source")
        # No window manager: both windows are at the top left corner; move it out.
        self.xdotool("windowmove", "--sync", wid, "1040", "80")
        _, chat = self.wait_widget(f"Messages with {self.bob}")
        target_x = chat["x"] + chat["width"] // 2
        target_y = chat["y"] + 100
        self.xdotool("mousemove", "1120", "140")
        time.sleep(0.3)
        self.xdotool("mousedown", "1")
        for step in range(1, 21):
            x = 1120 + (target_x - 1120) * step // 20
            y = 140 + (target_y - 140) * step // 20
            self.xdotool("mousemove", str(x), str(y))
            time.sleep(0.05)
        time.sleep(0.3)
        self.screenshot("02b-dropping.png")
        self.xdotool("mouseup", "1")
        h.wait_for(lambda: any("dropped-for-bob.txt" in m and "https://" in m
                               for m in self.peer.received()), 20, 0.1, "bob to get the link")
        self.wait_text("dropped-for-bob.txt")
        source.terminate()

    def test_2c_keyboard_navigation(self):
        # Tab alone goes round the main view's controls: each reached has a label.
        self.click("Message text")
        seen = []
        for _ in range(14):
            self.key("Tab")
            seen.append(self.command("focused"))
        for label in ("Search contacts", "Add a contact", f"Remove contact {self.bob}",
                      "Send a file", "Message text", "Send message"):
            self.assertIn(label, seen, f"not reached by Tab: {seen}")
        self.assertNotIn("", seen, f"a control without a label got the focus: {seen}")

    def test_3_search_filters(self):
        self.key("ctrl+f")
        self.type("nobody-matches")
        h.wait_for(lambda: self.find(prefix=self.bob + ",")[1] is None, 10, 0.1,
                   "bob's row filtered out")
        self.key("ctrl+a", "BackSpace")
        self.wait_widget(prefix=self.bob + ",")

    def test_4_room(self):
        room = "lounge@conference.localhost"
        self.key("ctrl+j")
        self.wait_widget("Room address", window="Join a room")
        self.check_labels()
        self.click("Room address", window="Join a room")
        self.type(room)
        self.key("Return")
        self.wait_widget(f"Messages with {room}", timeout=30)
        self.wait_widget("alice, moderator")  # ourselves, in the occupants list
        self.click("Message text")
        self.type("hello room")
        self.key("Return")
        self.wait_text("hello room")
        # Bob writes while the room is in view: his chat counts it unread.
        self.peer.send(self.alice, 1, "unseen")
        h.wait_for(lambda: any(label.startswith(self.bob + ",") and label.endswith("unread 1")
                               for label in self.labels()), 20, 0.1, "bob's unread count")
        # ... and the desktop was told, once, under the chat's id.
        # (the peer numbers what it sends: "unseen 0")
        h.wait_for(lambda: any(n["body"] == "unseen 0" for n in self.notified()), 10, 0.1,
                   "a desktop notification")
        shown = [n for n in self.notified() if n["body"] == "unseen 0"]
        self.assertEqual(len(shown), 1, shown)
        self.assertEqual(shown[0]["server"], "org.gtk.Notifications")
        self.assertEqual(shown[0]["id"], f"chat-{self.bob}")
        self.assertEqual(shown[0]["title"], self.bob)
        self.check_labels()
        self.screenshot("03-room.png")

    def test_4a_displayed_marker(self):
        # Bob (a second client of his) sends a markable message while the room is
        # in view: no displayed marker until his chat is opened, then one (XEP-0333,
        # messageMarkDisplayed).
        import threading
        done = []
        script = f"""
import time
from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher.base import MatcherBase
class Any(MatcherBase):
    def match(self, xml):
        return True
got = asyncio.get_event_loop().create_future()
def on_stanza(st):
    marker = st.xml.find("{{urn:xmpp:chat-markers:0}}displayed")
    if marker is not None and not got.done():
        got.set_result(marker.get("id"))
# (slixmpp's "message" event does not come for a message without a body)
c.register_handler(Callback("markers", Any(None), on_stanza))
c.send_presence()
await asyncio.sleep(0.3)
look = c.make_message(mto={self.alice!r}, mbody="please look", mtype="chat")
look["id"] = "gui-markable-1"
look.append(ET.fromstring("<markable xmlns='urn:xmpp:chat-markers:0'/>"))
look.send()
marker_id = await asyncio.wait_for(got, 40)
print("MARKER", marker_id, time.time(), flush=True)
"""
        thread = threading.Thread(target=lambda: done.append(
            h.slixmpp(self.prosody, self.bob, "bob-pw", "from slixmpp import ET\n" + script,
                      timeout=60)))
        thread.start()
        h.wait_for(lambda: any(label.startswith(self.bob + ",") and label.endswith("unread 2")
                               for label in self.labels()), 20, 0.1, "bob's message unread")
        time.sleep(1.5)  # a marker sent now, with the room in view, would be wrong
        opened = time.time()
        self.click(prefix=self.bob + ",")
        self.wait_text("please look")
        thread.join(60)
        self.assertTrue(done, "bob's client got no displayed marker")
        line = [l for l in done[0].stdout.splitlines() if l.startswith("MARKER")][0].split()
        self.assertEqual(line[1], "gui-markable-1")
        self.assertGreater(float(line[2]), opened, "the marker came before the chat was opened")
        self.screenshot("03a-marked-displayed.png")
        self.click(prefix="lounge@conference.localhost,")
        self.wait_widget("Messages with lounge@conference.localhost")

    def test_4b_dark_theme(self):
        # The desktop switches to dark (the settings portal's color-scheme): the
        # window follows at once, and back.
        self.assertEqual(self.command("style"), "light")
        self.set_color_scheme(1)
        h.wait_for(lambda: self.command("style") == "dark", 10, 0.05, "the dark style")
        # The style is chosen before the next frame is drawn: what counts is the
        # screen, the messages' background gone dark.
        _, messages = self.wait_widget("Messages with lounge@conference.localhost")
        h.wait_for(lambda: self.brightness(messages, "05-room-dark.png") < 0.3, 10, 0.1,
                   "the messages drawn dark")
        self.set_color_scheme(0)
        h.wait_for(lambda: self.command("style") == "light", 10, 0.05, "the light style")
        h.wait_for(lambda: self.brightness(messages, "05-room-light-again.png") > 0.7, 10, 0.1,
                   "the messages drawn light again")

    def test_4c_bookmark_join_and_leave(self):
        room = "den@conference.localhost"
        r = h.run([h.LI, "bookmarks", "add", room, "-l", "local", "-n", "The den", "-p",
                   "alice"], self.env)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.key("ctrl+j")
        # The list shows once bookmarksList answered, and the dialog grows.
        self.click_until(f"Join bookmarked room {room}", f"Messages with {room}",
                         window="Join a room")
        self.wait_widget(prefix=room + ",")
        # (Clicked again if the first click came during a layout: the button goes
        # insensitive once clicked, so mucLeave is sent once.)
        for _ in range(3):
            self.click("Leave the room")
            try:
                h.wait_for(lambda: self.find(f"Messages with {room}")[1] is None, 10, 0.1,
                           "the room's view to close")
                break
            except AssertionError:
                pass
        self.assertIsNone(self.find(f"Messages with {room}")[1], "the room's view stays")
        self.assertIsNone(self.find(prefix=room + ",")[1], "the room stays in the list")
        self.wait_widget(prefix="lounge@conference.localhost,")

    def test_5_subscription_request(self):
        h.slixmpp(self.prosody, self.carol, "carol-pw",
                  f"c.send_presence(pto={self.alice!r}, ptype='subscribe')")
        self.wait_text(f"{self.carol} wants to see your presence")
        self.click(f"Allow {self.carol}")
        h.wait_for(lambda: self.find(f"Allow {self.carol}")[1] is None, 10, 0.1,
                   "the request answered")
        h.wait_for(lambda: self.carol not in h.gdbus_call(self.env, "getWaitingSub",
                                                          "alice").stdout, 10, 0.1,
                   "the backend to have nothing waiting")

    def login(self):
        # 60 s: a backend just activated, under the sanitizers on a loaded machine.
        self.wait_widget("Profile password", timeout=60)
        for attempt in range(2):
            self.click("Profile password")
            self.key("ctrl+a", "BackSpace")
            self.type("alice-pp")
            self.key("Return")
            try:
                self.wait_widget("Search contacts", timeout=40)
                return
            except AssertionError:
                # Typed while the page was still being rebuilt (the profile list
                # coming from a backend just started): the keys went to the old one.
                if attempt == 1 or self.find("Profile password")[1] is None:
                    raise

    def test_6_network_down_banner(self):
        # The profile's connection goes (as when the network does): the banner says
        # so, its button reconnects, and the banner goes.
        r = h.gdbus_call(self.env, "disconnect", "alice")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.wait_text("Not connected to your XMPP server")
        # Bob's last presence is no longer known: not shown as if it were.
        self.wait_widget(f"{self.bob}, Presence unknown")
        self.screenshot("04-network-down.png")
        self.click("Reconnect")
        h.wait_for(lambda: self.find("Reconnect")[1] is None, 30, 0.1, "the banner to go")
        self.wait_widget(f"{self.bob}, Online")

    def test_7_backend_down_banner(self):
        self.backend.stop()
        self.wait_text("The Libervia backend is not running.")
        self.wait_widget(f"{self.bob}, Presence unknown")
        self.screenshot("06-backend-down.png")
        # Its button makes a call: D-Bus activation starts the backend, which has
        # no session yet, so the login page comes back.
        self.click("Start the backend")
        self.login()
        self.assertTrue(h.name_has_owner(self.env))
        self.assertIsNone(self.find("Start the backend")[1])
        # The new backend's session knows bob's presence again.
        self.wait_widget(f"{self.bob}, Online", timeout=30)

    def test_8_quit(self):
        # Ctrl+Q: the window's size is kept and the application ends cleanly
        # (under the sanitizers, a use after free at shutdown would show here).
        wid = self.x_window("Libervia")
        self.xdotool("windowsize", "--sync", wid, "1100", "720")
        self.xdotool("windowfocus", "--sync", wid)
        self.key("ctrl+q")
        self.assertEqual(self.desktop.wait(20), 0, self.log_text())
        ours, theirs = leaks_of_ours(self.log_text())
        self.assertEqual(ours, [], "leaks of ours at exit")
        if theirs:
            print(f"# test_8_quit: {theirs} leak reports with no frame of ours "
                  "(libraries' memory kept until exit)", flush=True)
        state = os.path.join(self.home.root, "state", "libervia", "desktop-state.ini")
        with open(state) as f:
            text = f.read()
        self.assertIn("width=1100", text)
        self.assertIn("height=720", text)

    def test_9_size_remembered(self):
        # While no window is open, bob writes a burst: kept by the backend, more
        # than the one page a chat opened loads (see test_9a).
        self.peer.send(self.alice, 40, "burst")
        h.wait_for(lambda: "burst 39" in h.gdbus_call(self.env, "historyGet", self.bob, "", "1",
                                                      "true", "{}", "alice").stdout,
                   20, 0.1, "the burst stored")
        type(self).start_desktop()
        self.wait_widget("Profile password")
        geometry = self.xdotool("getwindowgeometry", self.x_window("Libervia"))
        self.assertIn("Geometry: 1100x720", geometry)
        self.screenshot("07-restarted.png")


    def visible_texts(self, list_label):
        """The texts inside the list labelled @list_label that are in its scrolled
        view (the list itself is as tall as all its rows)."""
        def find(node, parent):
            if node.get("label") == list_label and node["mapped"]:
                return node, parent
            for child in node.get("children", []):
                found = find(child, node)
                if found:
                    return found
            return None
        for tree in self.windows():
            found = find(tree, None)
            if found is None:
                continue
            listed, view = found  # the list's parent: the viewport, the visible part
            top, bottom = view["y"], view["y"] + view["height"]
            return [node["text"] for node, _ in walk(listed)
                    if node.get("text") and "y" in node
                    and node["y"] + node["height"] > top and node["y"] < bottom]
        return []

    def test_9a_history_page(self):
        # Bob's chat opened after his burst: the newest page is loaded from the
        # backend, not all the history.
        self.login()
        for _ in range(3):  # a click while the list is still being laid out is lost
            self.click(prefix=self.bob + ",")
            try:
                self.wait_widget(f"Messages with {self.bob}", timeout=3)
                break
            except AssertionError:
                pass
        self.wait_text("burst 39")
        self.wait_text("burst 10")
        shown = [t for t in self.texts() if t.startswith("burst ")]
        self.assertNotIn("burst 9", shown)
        # ... and shown at its newest message (a value set while the list was laid
        # out once moved the scroll bar, not the rows).
        h.wait_for(lambda: "burst 39" in self.visible_texts(f"Messages with {self.bob}"), 10,
                   0.1, "the newest message in view")
        self.assertFalse(any("hello bob from the desktop" in t for t in self.texts()),
                         "the first page holds more than a page")
        self.screenshot("08-history-page.png")

    def test_9aa_history_scrolled_back(self):
        # PageUp from the composer scrolls the messages; at the top the page before
        # comes from the backend (historyGet before the oldest shown), and the view
        # stays where it was. (Wheel events from xdotool do not move the list under
        # Xvfb: the keys are what a test can drive.)
        listed = f"Messages with {self.bob}"
        self.click("Message text")
        self.assertIn("burst 39", self.visible_texts(listed))
        for _ in range(30):
            if "burst 0" in self.texts():
                break
            self.key("Page_Up")
            time.sleep(0.2)
        self.wait_text("burst 0")
        self.wait_text("hello bob from the desktop")  # all of the rest: one more page
        self.assertNotIn("burst 39", self.visible_texts(listed))
        # Ctrl+End back to the newest, Ctrl+Home to the oldest.
        self.key("ctrl+End")
        h.wait_for(lambda: "burst 39" in self.visible_texts(listed), 10, 0.1,
                   "the newest message in view")
        self.key("ctrl+Home")
        h.wait_for(lambda: "hello bob from the desktop" in self.visible_texts(listed), 10, 0.1,
                   "the oldest message in view")
        self.assertNotIn("burst 39", self.visible_texts(listed))
        self.screenshot("08a-history-scrolled-back.png")
        # The keys scrolled the list and left the composer alone.
        self.assertEqual(self.command("focused"), "Message text")

    def test_9b_remove_contact(self):
        self.click(f"Remove contact {self.bob}")
        self.xdotool("windowfocus", "--sync", self.x_window(r"Remove the contact\?"))
        self.key("alt+r")
        h.wait_for(lambda: self.find(prefix=self.bob + ",")[1] is None, 20, 0.1,
                   "bob's row to go")
        self.assertNotIn(self.bob, h.gdbus_call(self.env, "getContacts", "alice").stdout)

if __name__ == "__main__":
    h.run_tap()
