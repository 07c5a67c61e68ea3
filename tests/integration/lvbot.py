"""A paced bot for the fault cases (R1 variant b, R10, R15): a slixmpp client that
sends numbered chat messages `TAG i: …` (the oracle's format, lvfaults.py) at a
steady rate until told to stop, and records every error the server sends back
(a bounce such as recipient-unavailable would show there)."""
import subprocess

import lvharness as h

SCRIPT = r"""
import asyncio, ssl, sys, time, slixmpp
jid, password, ca, port, to, tag, rate = sys.argv[1:8]
rate = float(rate)
class C(slixmpp.ClientXMPP):
    def __init__(s):
        super().__init__(jid, password)
        s.sent = 0
        s.stopping = False
        s.add_event_handler("session_start", s.started)
        s.add_event_handler("message_error", s.bounced)
    def bounced(s, m):
        print(f"ERR {m['id']} {m['error']['condition']}", flush=True)
    async def started(s, e):
        s.send_presence()
        print("READY", flush=True)
        start = time.monotonic()
        while not s.stopping:
            s.send_message(mto=to, mbody=f"{tag} {s.sent}: paced bot message", mtype="chat")
            s.sent += 1
            await asyncio.sleep(max(0, start + s.sent / rate - time.monotonic()))
        # The ping's answer comes once the server has handled every message before it.
        await s.plugin["xep_0199"].ping(jid.split("@")[1], timeout=30)
        print(f"SENT {s.sent}", flush=True)
        # Bounces for the last messages would come within this grace.
        await asyncio.sleep(float(sys.argv[8]))
        s.disconnect()
c = C()
c.register_plugin("xep_0199")
c.ssl_context = ssl.create_default_context(cafile=ca)
loop = asyncio.get_event_loop()
def commands():
    for line in sys.stdin:
        loop.call_soon_threadsafe(lambda: setattr(c, "stopping", True))
        return
import threading
threading.Thread(target=commands, daemon=True).start()
c.connect(("127.0.0.1", int(port)))
loop.run_until_complete(c.disconnected)
print("DONE", flush=True)
"""


class PacedBot(h.ProcessLines):
    """@jid sending `TAG i: …` to @to at @rate messages per second from start."""

    def __init__(self, prosody, jid, password, to, tag, rate, grace=0.5):
        self.tag = tag
        self.proc = subprocess.Popen(
            ["/usr/bin/python3", "-c", SCRIPT, jid, password, prosody.ca_file,
             str(prosody.c2s_port), to, tag, str(rate), str(grace)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            start_new_session=True)
        h.at_teardown(lambda: h.kill_group(self.proc))
        self.start_reading()
        h.wait_for(lambda: "READY" in self.copy() or self.proc.poll() is not None, 30, 0.05,
                   f"{jid} to log in")
        if "READY" not in self.copy():
            raise AssertionError(f"the bot did not log in: {self.proc.stderr.read()[-2000:]}")

    def stop(self, timeout=60):
        """Stops sending; the number sent, once the server handled them all."""
        self.proc.stdin.write("stop\n")
        self.proc.stdin.flush()
        h.wait_for(lambda: "DONE" in self.copy() or self.proc.poll() is not None, timeout, 0.05,
                   "the bot to stop")
        sent = [line for line in self.copy() if line.startswith("SENT ")]
        if not sent:
            raise AssertionError(f"the bot failed: {self.copy()} {self.proc.stderr.read()[-2000:]}")
        return int(sent[0].split()[1])

    def errors(self):
        return [line[4:] for line in self.copy() if line.startswith("ERR ")]
