"""Stand-ins for incident 3, run inside lab namespaces by tests/lab/test_lab_rehearse.py.

``broker ADDR PORT``: a Kafka-like TCP dependency: reads one line, answers ``ACK``;
and a UDP one on the same address and port: answers each datagram with ``ACK``.
``service PORT BROKER_ADDR BROKER_PORT [--timeout-ms N]``: a check-out API on
127.0.0.1:PORT whose ``GET /health`` publishes to the broker synchronously
(one connection per request) and answers 200 after the ACK.  Without
``--timeout-ms`` it waits as long as the kernel lets it (variant A: the
client timeout written in the inventory was never applied); with it, a
broker that does not answer in time gives a fast 503 "degraded" (variant B).
With ``--udp`` it publishes one datagram over UDP instead and waits for the
answer (without a timeout: forever, so its health call hangs).
Each prints ``listening ...`` when ready.
"""
import socket
import socketserver
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def broker(addr, port):
    class Handler(socketserver.StreamRequestHandler):
        def handle(self):
            self.rfile.readline()
            self.wfile.write(b"ACK\n")

    class Server(socketserver.ThreadingTCPServer):
        allow_reuse_address = True
        daemon_threads = True

    class Datagrams(socketserver.BaseRequestHandler):
        def handle(self):
            data, sock = self.request
            sock.sendto(b"ACK\n", self.client_address)

    udp = socketserver.ThreadingUDPServer((addr, port), Datagrams)
    udp.daemon_threads = True
    threading.Thread(target=udp.serve_forever, daemon=True).start()
    with Server((addr, port), Handler) as server:
        print("listening broker %s:%d" % (addr, port), flush=True)
        server.serve_forever()


def publish_udp(broker_addr, broker_port, timeout):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.settimeout(timeout)
        sock.sendto(b"PUBLISH checkout\n", (broker_addr, broker_port))
        return sock.recv(16).startswith(b"ACK")
    finally:
        sock.close()


def service(port, broker_addr, broker_port, timeout_ms=None, udp=False):
    timeout = None if timeout_ms is None else timeout_ms / 1000.0

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            try:
                if udp:
                    ok = publish_udp(broker_addr, broker_port, timeout)
                else:
                    sock = socket.create_connection((broker_addr, broker_port), timeout=timeout)
                    try:
                        sock.sendall(b"PUBLISH checkout\n")
                        ok = sock.recv(16).startswith(b"ACK")
                    finally:
                        sock.close()
                code, body = (200, b"ok\n") if ok else (503, b"degraded: no ack\n")
            except OSError as exc:
                code, body = 503, ("degraded: %s\n" % exc).encode()
            self.send_response(code)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    ThreadingHTTPServer.daemon_threads = True
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print("listening service 127.0.0.1:%d" % port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[0] == "broker":
        broker(args[1], int(args[2]))
    else:
        timeout_ms = int(args[args.index("--timeout-ms") + 1]) if "--timeout-ms" in args else None
        service(int(args[1]), args[2], int(args[3]), timeout_ms, "--udp" in args)
