"""A user-space stand-in for source NAT, for `migready demo` on loopback only.

It is a SIMULATION, stated plainly: it listens where the devices are
expected and forwards every flow to the real device from a fresh source
address and port, the way Calico natOutgoing or a NAT gateway rewrites
them.  A device that checks the source port (incident 1's scale) sees the
rewrite; the reflector reports the translated endpoint.  The lab tests use
real iptables MASQUERADE instead; this exists so that the demo runs with no
root and nothing to set up.
"""
from __future__ import annotations

import selectors
import socket
import threading
from dataclasses import dataclass, field

IDLE_TIMEOUT = 5.0


@dataclass
class Forward:
    protocol: str  # "udp" | "tcp"
    listen: tuple[str, int]
    upstream: tuple[str, int]


@dataclass
class Relay:
    """Forwards each flow from `nat_address`:<fresh port>; `stop()` closes everything."""

    forwards: list[Forward]
    nat_address: str
    flows: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)
    _sockets: list[socket.socket] = field(default_factory=list)

    def start(self) -> "Relay":
        for fwd in self.forwards:
            kind = socket.SOCK_DGRAM if fwd.protocol == "udp" else socket.SOCK_STREAM
            sock = socket.socket(socket.AF_INET, kind)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(fwd.listen)
            if kind == socket.SOCK_STREAM:
                sock.listen(16)
            sock.settimeout(0.2)
            self._sockets.append(sock)
            target = self._serve_udp if fwd.protocol == "udp" else self._serve_tcp
            thread = threading.Thread(target=target, args=(sock, fwd), daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(2.0)
        for sock in self._sockets:
            sock.close()

    def _fresh_socket(self, kind: int) -> socket.socket:
        sock = socket.socket(socket.AF_INET, kind)
        sock.bind((self.nat_address, 0))  # a new ephemeral port per flow: the rewrite
        return sock

    def _serve_udp(self, listener: socket.socket, fwd: Forward) -> None:
        """One upstream socket per client endpoint, like a conntrack entry."""
        flows: dict[tuple, socket.socket] = {}
        selector = selectors.DefaultSelector()
        selector.register(listener, selectors.EVENT_READ, None)
        try:
            while not self._stop.is_set():
                for key, _ in selector.select(0.2):
                    if key.data is None:
                        data, client = listener.recvfrom(65535)
                        upstream = flows.get(client)
                        if upstream is None:
                            upstream = self._fresh_socket(socket.SOCK_DGRAM)
                            upstream.connect(fwd.upstream)
                            flows[client] = upstream
                            selector.register(upstream, selectors.EVENT_READ, client)
                            self.flows += 1
                        upstream.send(data)
                    else:
                        try:
                            reply = key.fileobj.recv(65535)
                        except OSError:  # ICMP port unreachable from the device
                            continue
                        listener.sendto(reply, key.data)
        finally:
            for upstream in flows.values():
                upstream.close()
            selector.close()

    def _serve_tcp(self, listener: socket.socket, fwd: Forward) -> None:
        while not self._stop.is_set():
            try:
                client, _ = listener.accept()
            except (socket.timeout, OSError):
                continue
            upstream = self._fresh_socket(socket.SOCK_STREAM)
            try:
                upstream.settimeout(IDLE_TIMEOUT)
                upstream.connect(fwd.upstream)
            except OSError:
                upstream.close()
                client.close()  # the device refused: so does the "NAT"
                continue
            self.flows += 1
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()

    def _pipe(self, a: socket.socket, b: socket.socket) -> None:
        selector = selectors.DefaultSelector()
        selector.register(a, selectors.EVENT_READ, b)
        selector.register(b, selectors.EVENT_READ, a)
        try:
            while not self._stop.is_set():
                events = selector.select(IDLE_TIMEOUT)
                if not events:
                    return
                for key, _ in events:
                    data = key.fileobj.recv(65536)
                    if not data:
                        return
                    key.data.sendall(data)
        except OSError:
            return
        finally:
            selector.close()
            a.close()
            b.close()
