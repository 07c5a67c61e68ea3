"""A loopback TCP proxy for fault injection: sits between our backend and Prosody
and can cut every connection at once, black-hole them (bytes stop flowing, the
sockets stay open, as on a dead network), or delay them."""
import re
import select
import socket
import threading
import time

import lvharness as h

STANZAS = (b"<iq ", b"<message ", b"<presence ")


def strip_starttls(data):
    """A tamper rewrite (Proxy.rewrite): the server's STARTTLS offer taken out."""
    return re.sub(rb"<starttls[^>]*?(/>|>.*?</starttls>)", b"", data, flags=re.S)


class Proxy:
    def __init__(self, target_port, target_host="127.0.0.1"):
        self.target = (target_host, target_port)
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.lock = threading.Lock()
        self.pairs = []          # (client, server) sockets
        self.blackhole = False   # drop what flows, keep the sockets open
        self.refuse = False      # close new connections at once (the path is down)
        self.delay = 0.0         # seconds added to each chunk
        # A tamper mode: a function (bytes → bytes) applied to what the server sends
        # (the stream before STARTTLS is clear text, e.g. to strip <starttls/>).
        self.rewrite = None
        # Bytes: the next stanza of the server that holds them is not delivered, and
        # the connection is reset just before it (one shot; the stream is then plain).
        self.cut_before = None
        self.from_client = bytearray()  # every byte the client sent, for assertions
        self.accepted = 0
        self.stale = set()       # client sockets of a path that is gone (relisten)
        self.retired = []        # listeners of those paths
        self.stopping = False
        self.thread = threading.Thread(target=self._accept_loop, daemon=True)
        self.thread.start()
        h._cleanups.append(self.stop)

    def _accept_loop(self):
        while not self.stopping:
            listener = self.listener  # relisten() may replace it meanwhile
            ready, _, _ = select.select([listener], [], [], 0.2)
            if not ready:
                continue
            try:
                client, _ = listener.accept()
            except OSError:
                continue
            if self.refuse:
                client.close()
                continue
            try:
                server = socket.create_connection(self.target, 5)
            except OSError:
                # The server is down: so is the path, at once (not a silent socket).
                client.close()
                continue
            with self.lock:
                self.pairs.append((client, server))
                self.accepted += 1
            threading.Thread(target=self._pump, args=(client, server), daemon=True).start()

    def _pump(self, client, server):
        peers = {client: server, server: client}
        try:
            while not self.stopping:
                ready, _, _ = select.select(list(peers), [], [], 0.2)
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        return
                    if self.blackhole or client in self.stale:
                        continue
                    if self.delay:
                        time.sleep(self.delay)
                    if sock is client:
                        with self.lock:
                            self.from_client += data
                    elif self.cut_before is not None and self.cut_before in data:
                        at = data.find(self.cut_before)
                        self.cut_before = None
                        start = max(data.rfind(tag, 0, at) for tag in STANZAS)
                        client.sendall(data[:max(start, 0)])
                        # The reset a moment later: a close with unread bytes is a
                        # TCP RST, after which the client's kernel may drop what it
                        # had not read yet (<enabled/> just before, say).
                        time.sleep(0.5)
                        return  # finally: both sides closed, as a reset would
                    elif self.rewrite is not None:
                        data = self.rewrite(data)
                    peers[sock].sendall(data)
        except (OSError, ValueError):  # ValueError: cut() closed a socket under select
            pass
        finally:
            self._close(client, server)

    def _close(self, client, server):
        for sock in (client, server):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
        with self.lock:
            if (client, server) in self.pairs:
                self.pairs.remove((client, server))

    def cut(self):
        """Closes every connection through the proxy, as a network reset would."""
        with self.lock:
            pairs = list(self.pairs)
        for client, server in pairs:
            self._close(client, server)

    def relisten(self):
        """A network change: the connections of now stop carrying bytes (their path
        is gone, the sockets stay open) and new ones come on a new port (self.port);
        the old port keeps its listener, which accepts no more."""
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        with self.lock:
            self.stale.update(client for client, _ in self.pairs)
            self.retired.append(self.listener)
            self.listener = listener
            self.port = listener.getsockname()[1]
        return self.port

    def live_connections(self):
        """The connections on the current path."""
        with self.lock:
            return len([p for p in self.pairs if p[0] not in self.stale])

    def connections(self):
        with self.lock:
            return len(self.pairs)

    def stop(self):
        self.stopping = True
        self.cut()
        self.listener.close()
        for listener in self.retired:
            listener.close()
