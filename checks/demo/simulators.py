"""Store-device simulators: a TopScale-like scale and a raw label-printer port.

Why: incident 1 (see DESIGN.md) was a scale that rejects any price push whose
UDP *source port* differs from the port its vendor SDK declared (error 266).
NAT on the new site rewrote that port; HTTP checks, ping and plain UDP
reachability all passed.  These simulators let the lab (tests/lab) and
``migready demo`` show that failure for real, without a store.

* Scale (UDP, default port 5002).  Request: ASCII ``TSCALE/1 SDKPORT=<n> <anything>``.
  If the datagram's source port is ``<n>`` the reply is ``OK <anything, shortened>``;
  otherwise ``ERR 266 source port <seen> != SDK port <n>``; anything malformed
  gets ``ERR 400 bad request``.  One log line per datagram on stderr.
* Printer (TCP, default port 9100): accepts connections, reads and discards
  what is sent (like a raw JetDirect port), counts connections.

In-process use: ``run_scale`` / ``run_printer`` block until a ``threading.Event``
is set and signal a ``ready`` event once bound; ``start_scale`` /
``start_printer`` run them in a thread and return a ``Running`` handle (also a
context manager).  Command line (``--port 0`` picks a free port and prints it)::

    python3 -m migready.checks.demo.simulators scale   --bind 127.0.0.1 --port 5002
    python3 -m migready.checks.demo.simulators printer --bind 127.0.0.1 --port 9100
    python3 checks/demo/simulators.py scale ...        # standalone, stdlib only

Once bound it prints ``listening udp ADDR:PORT`` (or ``listening tcp ...``) on
stderr and exits cleanly on SIGTERM / SIGINT.
"""
from __future__ import annotations

import argparse
import re
import selectors
import signal
import socket
import sys
import threading
from typing import IO, Callable, List, Optional, Tuple

SCALE_PORT = 5002
PRINTER_PORT = 9100
ECHO_MAX = 32  # how much of the request's free text the scale echoes back
_POLL = 0.1  # seconds between looks at the stop event

_REQUEST = re.compile(r"TSCALE/1 SDKPORT=([0-9]{1,5})(?: (.*))?\Z", re.DOTALL)


class Stats:
    """Counters shared between a simulator thread and whoever watches it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.address: Optional[Tuple[str, int]] = None  # set once bound
        self.accepted = 0
        self.rejected = 0
        self.malformed = 0
        self.connections = 0
        self.bytes_received = 0

    def add(self, name: str, amount: int = 1) -> None:
        with self._lock:
            setattr(self, name, getattr(self, name) + amount)

    def as_dict(self) -> dict:
        with self._lock:
            return {
                "address": self.address,
                "accepted": self.accepted,
                "rejected": self.rejected,
                "malformed": self.malformed,
                "connections": self.connections,
                "bytes_received": self.bytes_received,
            }


def parse_scale_request(data: bytes) -> Optional[Tuple[int, str]]:
    """(sdk_port, free_text) of a scale request, or None when it is malformed."""
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:
        return None
    text = text.rstrip("\r\n")
    match = _REQUEST.match(text)
    if not match:
        return None
    port = int(match.group(1))
    if not 1 <= port <= 65535:
        return None
    return port, match.group(2) or ""


def scale_reply(data: bytes, source_port: int) -> Tuple[str, bytes]:
    """The scale's verdict ("accepted" / "rejected" / "malformed") and reply."""
    parsed = parse_scale_request(data)
    if parsed is None:
        return "malformed", b"ERR 400 bad request"
    sdk_port, text = parsed
    if source_port != sdk_port:
        return "rejected", (
            "ERR 266 source port %d != SDK port %d" % (source_port, sdk_port)
        ).encode("ascii")
    return "accepted", ("OK " + text[:ECHO_MAX]).rstrip(" ").encode("ascii")


def _log(log: Optional[IO[str]], line: str) -> None:
    if log is None:
        return
    try:
        log.write(line + "\n")
        log.flush()
    except (OSError, ValueError):  # closed stderr must not kill the simulator
        pass


def _bind(kind: int, bind: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in bind else socket.AF_INET
    sock = socket.socket(family, kind)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((bind, port))
    return sock


def run_scale(
    bind: str = "127.0.0.1",
    port: int = SCALE_PORT,
    stop: Optional[threading.Event] = None,
    ready: Optional[threading.Event] = None,
    stats: Optional[Stats] = None,
    log: Optional[IO[str]] = sys.stderr,
    on_bound: Optional[Callable[[Tuple[str, int]], None]] = None,
) -> Stats:
    """Serve the scale protocol until ``stop`` is set; return the counters."""
    stop = stop or threading.Event()
    stats = stats or Stats()
    sock = _bind(socket.SOCK_DGRAM, bind, port)
    try:
        stats.address = sock.getsockname()[:2]
        if on_bound:
            on_bound(stats.address)
        if ready:
            ready.set()
        sel = selectors.DefaultSelector()
        sel.register(sock, selectors.EVENT_READ)
        while not stop.is_set():
            if not sel.select(_POLL):
                continue
            try:
                data, peer = sock.recvfrom(65535)
            except OSError:
                continue
            verdict, reply = scale_reply(data, peer[1])
            stats.add(verdict)
            _log(log, "scale %s:%d -> %s:%d %s: %s" % (
                peer[0], peer[1], stats.address[0], stats.address[1],
                verdict, reply.decode("ascii")))
            try:
                sock.sendto(reply, peer)
            except OSError as exc:
                _log(log, "scale reply to %s:%d failed: %s" % (peer[0], peer[1], exc))
        sel.close()
    finally:
        sock.close()
    return stats


def _drain(conn: socket.socket, peer: Tuple[str, int], stop: threading.Event,
           stats: Stats, log: Optional[IO[str]]) -> None:
    total = 0
    conn.settimeout(_POLL)
    try:
        while not stop.is_set():
            try:
                chunk = conn.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                break
            if not chunk:
                break
            total += len(chunk)
            stats.add("bytes_received", len(chunk))
    finally:
        conn.close()
    _log(log, "printer %s:%d closed after %d bytes" % (peer[0], peer[1], total))


def run_printer(
    bind: str = "127.0.0.1",
    port: int = PRINTER_PORT,
    stop: Optional[threading.Event] = None,
    ready: Optional[threading.Event] = None,
    stats: Optional[Stats] = None,
    log: Optional[IO[str]] = sys.stderr,
    on_bound: Optional[Callable[[Tuple[str, int]], None]] = None,
) -> Stats:
    """Accept and drain raw print connections until ``stop`` is set."""
    stop = stop or threading.Event()
    stats = stats or Stats()
    sock = _bind(socket.SOCK_STREAM, bind, port)
    workers: List[threading.Thread] = []
    try:
        sock.listen(1024)
        stats.address = sock.getsockname()[:2]
        if on_bound:
            on_bound(stats.address)
        if ready:
            ready.set()
        sel = selectors.DefaultSelector()
        sel.register(sock, selectors.EVENT_READ)
        while not stop.is_set():
            if not sel.select(_POLL):
                continue
            try:
                conn, peer = sock.accept()
            except OSError:
                continue
            stats.add("connections")
            _log(log, "printer %s:%d connected to %s:%d (connection %d)" % (
                peer[0], peer[1], stats.address[0], stats.address[1], stats.connections))
            worker = threading.Thread(target=_drain, args=(conn, peer[:2], stop, stats, log),
                                      daemon=True)
            worker.start()
            workers = [w for w in workers if w.is_alive()] + [worker]
        sel.close()
    finally:
        sock.close()
        for worker in workers:
            worker.join(1.0)
    return stats


class Running:
    """A simulator running in a daemon thread; ``stop()`` or use ``with``."""

    def __init__(self, target: Callable[..., Stats], bind: str, port: int,
                 log: Optional[IO[str]]) -> None:
        self.stop_event = threading.Event()
        self.ready = threading.Event()
        self.stats = Stats()
        self.error: Optional[BaseException] = None
        self._thread = threading.Thread(target=self._run, args=(target, bind, port, log),
                                        daemon=True)
        self._thread.start()
        if not self.ready.wait(5.0) or self.error:
            self.stop()
            raise RuntimeError("simulator did not start: %s" % (self.error,))

    def _run(self, target: Callable[..., Stats], bind: str, port: int,
             log: Optional[IO[str]]) -> None:
        try:
            target(bind, port, self.stop_event, self.ready, self.stats, log)
        except BaseException as exc:  # reported to the starter, not lost in a thread
            self.error = exc
            self.ready.set()

    @property
    def address(self) -> Tuple[str, int]:
        assert self.stats.address is not None
        return self.stats.address

    def stop(self, timeout: float = 5.0) -> None:
        self.stop_event.set()
        self._thread.join(timeout)

    def __enter__(self) -> "Running":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_scale(bind: str = "127.0.0.1", port: int = 0,
                log: Optional[IO[str]] = sys.stderr) -> Running:
    return Running(run_scale, bind, port, log)


def start_printer(bind: str = "127.0.0.1", port: int = 0,
                  log: Optional[IO[str]] = sys.stderr) -> Running:
    return Running(run_printer, bind, port, log)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="simulators", description="Store-device simulators (scale, printer).")
    sub = parser.add_subparsers(dest="device", required=True)
    for name, default, text in (("scale", SCALE_PORT, "TopScale-like UDP scale"),
                                ("printer", PRINTER_PORT, "raw TCP label printer")):
        cmd = sub.add_parser(name, help=text)
        cmd.add_argument("--bind", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
        cmd.add_argument("--port", type=int, default=default,
                         help="port (default %d; 0 = any free port)" % default)
        cmd.add_argument("--quiet", action="store_true", help="no per-datagram/connection log")
    args = parser.parse_args(argv)

    stop = threading.Event()

    def _on_signal(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    proto = "udp" if args.device == "scale" else "tcp"

    def _announce(address: Tuple[str, int]) -> None:
        _log(sys.stderr, "listening %s %s:%d" % (proto, address[0], address[1]))

    run = run_scale if args.device == "scale" else run_printer
    try:
        stats = run(args.bind, args.port, stop, None, None,
                    None if args.quiet else sys.stderr, _announce)
    except OSError as exc:
        _log(sys.stderr, "cannot listen on %s %s:%d: %s" % (proto, args.bind, args.port, exc))
        return 2
    counts = stats.as_dict()
    if args.device == "scale":
        _log(sys.stderr, "stopped: accepted=%(accepted)d rejected=%(rejected)d "
                         "malformed=%(malformed)d" % counts)
    else:
        _log(sys.stderr, "stopped: connections=%(connections)d "
                         "bytes=%(bytes_received)d" % counts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
