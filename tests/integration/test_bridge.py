"""The bridge on a private bus: Libervia 0.9's names and signatures, its error
form, D-Bus activation, the real Libervia CLI against our backend, and the
embedded bridge."""
import ast
import os
import subprocess
import xml.etree.ElementTree as ET

import lvharness as h

REFERENCE = os.path.join(h.SOURCE_ROOT, "..", "shared", "reference",
                         "libervia-0.9-bridge-core.xml")
LIBERVIA_CLI = "/usr/bin/libervia-cli"


def signatures(xml_text, interface):
    """{method: (in signature, out signature)} of @interface in introspection XML."""
    root = ET.fromstring(xml_text)
    found = {}
    for iface in root.iter("interface"):
        if iface.get("name") != interface:
            continue
        for method in iface.iter("method"):
            args = method.findall("arg")
            ins = "".join(a.get("type") for a in args if a.get("direction", "in") == "in")
            outs = "".join(a.get("type") for a in args if a.get("direction") == "out")
            found[method.get("name")] = (ins, outs)
    return found


class Bridge(h.LvTestCase):
    def setUp(self):
        super().setUp()
        self.home = h.Home("email_password = hunter2\n", "[cli]\nbackground = dark\n")
        self.bus = h.PrivateBus(self.home)
        self.env = self.home.env
        h.Foreground(self.env).wait_ready()

    def call(self, method, *args):
        r = h.gdbus_call(self.env, method, *args)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout.strip()

    def test_core_methods(self):
        self.assertEqual(self.call("getReady"), "()")
        self.assertRegex(self.call("getVersion"), r"^\('\d+\.\d+\.\d+[^']*',\)$")
        self.assertEqual(self.call("getConfig", "", "local_dir"), f"('{self.home.local_dir}',)")
        self.assertEqual(self.call("getConfig", "DEFAULT", "local_dir"),
                         f"('{self.home.local_dir}',)")
        self.assertEqual(self.call("getConfig", "cli", "background"), "('dark',)")
        self.assertEqual(self.call("getConfig", "cli", "unset_option"), "('',)")
        self.assertEqual(self.call("profilesListGet", "true", "false"), "(@as [],)")
        self.assertRegex(self.call("namespacesGet"), r"^\(@?a?\{.*\},\)$")

    def test_secret_option_refused_in_libervia_form(self):
        r = h.gdbus_call(self.env, "getConfig", "", "email_password")
        self.assertNotEqual(r.returncode, 0)
        self.assertNotIn("hunter2", r.stdout + r.stderr)
        prefix = "GDBus.Error:org.libervia.Libervia.error.sat.core.exceptions.PermissionError: "
        self.assertIn(prefix, r.stderr)
        literal = r.stderr.split(prefix, 1)[1].strip()
        # What Libervia's frontends do with the message.
        message, condition = ast.literal_eval(literal)
        self.assertIsInstance(message, str)
        self.assertIsInstance(condition, str)
        self.assertIn("email_password", message)

    def test_wrong_signature_answered_backend_alive(self):
        r = h.gdbus_call(self.env, "getConfig", "only-one-argument")
        self.assertNotEqual(r.returncode, 0)
        r = h.gdbus_call(self.env, "noSuchMethod")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("UnknownMethod", r.stderr)
        self.assertEqual(self.call("getReady"), "()")

    def test_introspection_matches_libervia(self):
        r = h.run(["gdbus", "introspect", "--session", "--dest", h.BUS_NAME, "--object-path",
                   h.OBJECT_PATH, "--xml"], self.env)
        self.assertEqual(r.returncode, 0, r.stderr)
        ours = signatures(r.stdout, h.CORE)
        self.assertLessEqual({"getReady", "getVersion", "getConfig", "profilesListGet",
                              "namespacesGet"}, set(ours))
        self.assertIn('interface name="org.libervia.Libervia.plugin"', r.stdout)
        if not os.path.exists(REFERENCE):
            self.skipTest(f"{REFERENCE} is not beside the checkout")
        with open(REFERENCE, encoding="utf-8") as f:
            theirs = signatures(f.read(), h.CORE)
        for method, signature in ours.items():
            self.assertIn(method, theirs)
            self.assertEqual(signature, theirs[method], method)

    def test_real_libervia_cli(self):
        if not os.path.exists(LIBERVIA_CLI):
            self.skipTest("libervia-cli 0.9 is not installed")
        r = h.run([LIBERVIA_CLI, "profile", "list"], self.env, timeout=60)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(r.stdout.strip(), "")
        r = h.run([LIBERVIA_CLI, "profile", "list", "-O", "json"], self.env, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.strip(), "[]")


class Activation(h.LvTestCase):
    def test_li_starts_stopped_backend(self):
        home = h.Home()
        h.PrivateBus(home, activation=True)
        self.assertEqual(h.backend(home.env, "status").returncode, 1)
        r = h.li(home.env, "profile", "list")
        self.assertEqual(r.returncode, 0, r.stderr)
        status = h.backend(home.env, "status")
        self.assertEqual(status.returncode, 0, status.stdout)
        self.assertIn("running", status.stdout)

    def test_no_backend_no_activation(self):
        home = h.Home()
        h.PrivateBus(home, activation=False)
        r = h.li(home.env, "profile", "list")
        self.assertEqual(r.returncode, 5)
        lines = r.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertIn("libervia-backend", lines[0])

    def test_no_bus_at_all(self):
        home = h.Home()
        env = dict(home.env, DBUS_SESSION_BUS_ADDRESS=f"unix:path={home.root}/none")
        r = h.li(env, "profile", "list")
        self.assertEqual(r.returncode, 5)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)


class Embedded(h.LvTestCase):
    def test_li_without_bus(self):
        home = h.Home("bridge = embedded\n")
        env = dict(home.env)
        env.pop("DBUS_SESSION_BUS_ADDRESS", None)
        env["DBUS_SESSION_BUS_ADDRESS"] = f"unix:path={home.root}/no-bus"
        r = h.li(env, "profile", "list", "-O", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.strip(), "[]")
        self.assertFalse(os.path.exists(home.pid_file))  # the lock went with li

    def test_embedded_refused_while_daemon_runs(self):
        home = h.Home()
        h.PrivateBus(home, activation=False)
        h.Foreground(home.env).wait_ready()
        home.write_config("bridge = embedded\n")
        r = h.li(home.env, "profile", "list")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("already running", r.stderr)


if __name__ == "__main__":
    h.run_tap()
