"""The rehearsal relay: delay and loss without sch_netem (Toxiproxy's model made
transparent through an iptables REDIRECT).
"""
import os
import socket
import struct
import threading
import time
from .protocol import _close, _unmap
from .rehearsal_rules import RELAY_MARK


# The relay: delay and loss without netem.  Each address of the dependency
# gets a loopback port (TCP: one per family is enough, SO_ORIGINAL_DST says
# where the service meant to go; UDP has no SO_ORIGINAL_DST, so one port per
# address).  What the service sends is held `delay` ms, as netem holds a
# packet on the way out, and then forwarded; what the dependency answers is
# passed back at once (netem on egress does not delay it either).  The
# relay's own connect is held like the service's SYN would be, so the first
# answer comes about 2 x delay late, as under netem.  What differs, said in
# the README: the service's connect() returns at once (only its reads wait),
# and connections opened before the fault keep their direct path (nat rules
# apply to new flows only).  Loss: a UDP datagram is dropped; a TCP segment
# cannot be (the relay holds a byte stream), so each loss costs what the
# sender's retransmission would: an RTO (1 s for a SYN, 200 ms for data)
# that doubles while the retry is lost again.

SO_ORIGINAL_DST = 80  # linux/netfilter_ipv4.h; IP6T_SO_ORIGINAL_DST is 80 at SOL_IPV6 too
SO_MARK = getattr(socket, "SO_MARK", 36)
RELAY_MAX_FLOWS = 256
RELAY_CONNECT_TIMEOUT_S = 60.0
SYN_RTO_S, DATA_RTO_S = 1.0, 0.2  # Linux's initial SYN and minimum data retransmission timeouts


def _chance(pct):
    """True with probability pct / 100 (os.urandom: no seeded generator to reproduce)."""
    return pct > 0 and struct.unpack("!I", os.urandom(4))[0] < pct / 100.0 * 4294967296.0


def _retransmissions(pct, rto):
    """What losses cost one TCP segment's sender: an RTO per lost try, doubling (at most ~1 min)."""
    wait = 0.0
    while _chance(pct) and wait < 60:
        wait += rto
        rto *= 2
    return wait


def _original_dst(conn):
    """Where the service meant to connect before the REDIRECT: (ip, port)."""
    if conn.family == socket.AF_INET6:
        raw = conn.getsockopt(socket.IPPROTO_IPV6, SO_ORIGINAL_DST, 28)
        return socket.inet_ntop(socket.AF_INET6, raw[8:24]), struct.unpack("!H", raw[2:4])[0]
    raw = conn.getsockopt(socket.SOL_IP, SO_ORIGINAL_DST, 16)
    return socket.inet_ntoa(raw[4:8]), struct.unpack("!H", raw[2:4])[0]


class _Relay(object):
    """A transparent delay/loss relay on loopback for one dependency (addresses, port, protocol)."""

    def __init__(self, protocol, addresses, port, delay_ms=0, loss_pct=0):
        self.protocol, self.port, self.addresses = protocol, port, list(addresses)
        self.delay = max(0, delay_ms or 0) / 1000.0
        self.loss = float(loss_pct or 0)
        self.stopped = threading.Event()
        self.lock = threading.Lock()
        self.listeners = {}  # "v4"/"v6" (tcp) or the address (udp) -> listening socket
        self.flows = set()  # every socket of a relayed flow, closed at stop
        self.stats = {"flows": 0, "forwarded": 0, "dropped": 0, "held_ms": 0.0, "refused": 0, "failed": 0}

    def _count(self, name, n=1):
        with self.lock:
            self.stats[name] += n

    def _thread(self, target, *args):
        thread = threading.Thread(target=target, args=args, name="relay")
        thread.daemon = True
        thread.start()
        return thread

    def start(self):
        """Bind one loopback listener per family (tcp) or per address (udp), serve; -> {address: port}."""
        ports = {}
        for ip in self.addresses:
            six = ":" in ip
            key = ip if self.protocol == "udp" else ("v6" if six else "v4")
            if key not in self.listeners:
                sock = socket.socket(socket.AF_INET6 if six else socket.AF_INET,
                                     socket.SOCK_DGRAM if self.protocol == "udp" else socket.SOCK_STREAM)
                sock.bind(("::1" if six else "127.0.0.1", 0))  # where REDIRECT sends local flows
                sock.settimeout(0.2)
                if self.protocol == "udp":
                    self._thread(self._serve_udp, sock, ip)
                else:
                    sock.listen(64)
                    self._thread(self._serve_tcp, sock)
                self.listeners[key] = sock
            ports[ip] = self.listeners[key].getsockname()[1]
        return ports

    def stop(self):
        """Close the listeners and every relayed flow (the rules are already gone)."""
        self.stopped.set()
        with self.lock:
            socks = list(self.listeners.values()) + list(self.flows)
            self.flows.clear()
        for sock in socks:
            _close(sock, abortive=sock.type == socket.SOCK_STREAM)

    def _upstream(self, family, kind):
        sock = socket.socket(family, kind)
        sock.setsockopt(socket.SOL_SOCKET, SO_MARK, RELAY_MARK)
        with self.lock:
            if self.stopped.is_set():
                sock.close()
                raise OSError("relay stopped")
            self.flows.add(sock)
        return sock

    def _hold_until(self, due):
        """Sleep until `due`; False when the relay stopped meanwhile."""
        return not self.stopped.wait(max(0.0, due - time.monotonic()))

    # -- tcp

    def _serve_tcp(self, listener):
        while not self.stopped.is_set():
            try:
                conn, _ = listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            try:
                ip, port = _original_dst(conn)
                ip = _unmap(ip)
            except OSError:
                ip, port = None, None
            with self.lock:
                full = len(self.flows) >= 2 * RELAY_MAX_FLOWS
                if not full and not self.stopped.is_set():
                    self.flows.add(conn)
            if full or ip not in self.addresses or port != self.port:  # only the dependency, ever
                self._count("refused")
                self._drop_tcp(conn, None)
                continue
            self._count("flows")
            self._thread(self._relay_tcp, conn, (ip, port))

    def _relay_tcp(self, conn, dst):
        accepted = time.monotonic()
        conn.settimeout(None)
        chunks = []
        ready = threading.Condition()

        def read_service():  # each chunk stamped with its arrival; None: reset, b"": end
            while True:
                try:
                    data = conn.recv(65536)
                except OSError:
                    data = None
                with ready:
                    chunks.append((time.monotonic(), data))
                    ready.notify()
                if not data:
                    return
        self._thread(read_service)
        up = None
        try:
            if not self._hold_until(accepted + self.delay + _retransmissions(self.loss, SYN_RTO_S)):
                return self._drop_tcp(conn, up)
            up = self._upstream(conn.family, socket.SOCK_STREAM)
            up.settimeout(RELAY_CONNECT_TIMEOUT_S)
            up.connect(dst)
            up.settimeout(None)
        except OSError:
            self._count("failed")
            return self._drop_tcp(conn, up)  # the service sees a reset, as after a refused connect
        connected, last_due = time.monotonic(), 0.0
        halves = [2]  # both directions ended cleanly: close both

        def half_done():
            with self.lock:
                halves[0] -= 1
                last = halves[0] == 0
            if last:
                self._forget(conn, up)
                conn.close()
                up.close()
        self._thread(self._pass_back, up, conn, half_done)
        while True:
            with ready:
                while not chunks:
                    ready.wait(0.2)
                    if self.stopped.is_set():
                        return self._drop_tcp(conn, up)
                arrived, data = chunks.pop(0)
            if data is None:
                return self._drop_tcp(conn, up)
            due = max(arrived, connected) + self.delay + _retransmissions(self.loss, DATA_RTO_S)
            last_due = max(last_due, due)  # in order, as TCP delivers
            if not self._hold_until(last_due):
                return self._drop_tcp(conn, up)
            try:
                if not data:
                    up.shutdown(socket.SHUT_WR)
                    return half_done()
                up.sendall(data)
            except OSError:
                return self._drop_tcp(conn, up)
            self._count("forwarded")
            self._count("held_ms", (time.monotonic() - arrived) * 1000.0)

    def _pass_back(self, up, conn, half_done):
        """The dependency's answers, at once; its end or reset is passed on."""
        while True:
            try:
                data = up.recv(65536)
            except OSError:
                return self._drop_tcp(conn, up)
            try:
                if not data:
                    conn.shutdown(socket.SHUT_WR)
                    return half_done()
                conn.sendall(data)
            except OSError:
                return self._drop_tcp(conn, up)

    def _forget(self, *socks):
        with self.lock:
            for sock in socks:
                self.flows.discard(sock)

    def _drop_tcp(self, conn, up):
        for sock in (conn, up):
            if sock is not None:
                _close(sock, abortive=True)
        self._forget(conn, up)

    # -- udp

    def _serve_udp(self, listener, ip):
        """Datagrams to `ip`: per source a marked upstream socket; answers go back from the listener
        (conntrack turns its address back into the dependency's)."""
        upstreams = {}
        queue_ = []  # (due, socket, datagram): one delay for all, so arrival order is due order
        wake = threading.Condition()

        def send_due():
            while not self.stopped.is_set():
                with wake:
                    while not queue_ and not self.stopped.is_set():
                        wake.wait(0.2)
                    if self.stopped.is_set():
                        return
                    due, sock, data = queue_[0]
                if not self._hold_until(due):
                    return
                with wake:
                    queue_.pop(0)
                try:
                    sock.send(data)
                    self._count("forwarded")
                    self._count("held_ms", self.delay * 1000.0)
                except OSError:
                    self._count("failed")
        self._thread(send_due)
        while not self.stopped.is_set():
            try:
                data, source = listener.recvfrom(65535)
            except socket.timeout:
                continue
            except OSError:
                return
            if _chance(self.loss):
                self._count("dropped")
                continue
            up = upstreams.get(source)
            if up is None:
                if len(upstreams) >= RELAY_MAX_FLOWS:
                    self._count("refused")
                    continue
                try:
                    up = self._upstream(listener.family, socket.SOCK_DGRAM)
                    up.connect((ip, self.port))
                except OSError:
                    self._count("failed")
                    continue
                upstreams[source] = up
                self._count("flows")
                self._thread(self._udp_answers, up, listener, source)
            with wake:
                queue_.append((time.monotonic() + self.delay, up, data))
                wake.notify()

    def _udp_answers(self, up, listener, source):
        up.settimeout(0.2)
        while not self.stopped.is_set():
            try:
                data = up.recv(65535)
            except socket.timeout:
                continue
            except OSError:
                return
            try:
                listener.sendto(data, source)
            except OSError:
                return
