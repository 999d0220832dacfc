"""The `host_facts` check: the staging host's addresses, default gateway and
container hint, so every result can be read against the host it came from.
"""
import json
import os
import platform
import socket
from .protocol import _outcome
from .route import _run_tool, parse_proc_route


def _in_container():
    if os.path.exists("/.dockerenv") or os.path.exists("/run/.containerenv"):
        return True
    try:
        with open("/proc/1/cgroup") as handle:
            text = handle.read()
    except OSError:
        return False
    return any(word in text for word in ("docker", "kubepods", "containerd", "lxc"))


def _addresses(deadline):
    out = _run_tool(["ip", "-j", "addr"], deadline)
    try:
        found = [{"dev": link.get("ifname"), "ip": a.get("local"), "prefixlen": a.get("prefixlen")}
                 for link in json.loads(out) for a in link.get("addr_info", [])]
        return found, "ip"
    except (TypeError, ValueError, AttributeError):
        pass
    found = []
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None):
            if info[4][0] not in [f["ip"] for f in found]:
                found.append({"dev": None, "ip": info[4][0], "prefixlen": None})
    except OSError:
        pass
    return found, "socket"


def _default_gateway():
    try:
        with open("/proc/net/route") as handle:
            found = parse_proc_route(handle.read(), "0.0.0.0", default_only=True)
    except OSError:
        return None
    return found


def check_host_facts(probe, deadline):
    """Who is this host: addresses, gateway, kernel, container or not.

    Context for every incident (1: a container network that NATs;
    4: inventory vs reality; 5: which site the host is really in)."""
    addresses, method = _addresses(deadline)
    uname = os.uname()
    data = {"hostname": socket.gethostname(),  # no getfqdn(): a reverse lookup can hang
            "addresses": addresses, "addresses_method": method,
            "default_gateway": _default_gateway(),
            "kernel": {"sysname": uname.sysname, "release": uname.release,
                       "machine": uname.machine},
            "python": platform.python_version(), "in_container": _in_container()}
    return _outcome("pass", "facts", "%s: %d addresses%s" % (
        data["hostname"], len(addresses), ", in a container" if data["in_container"] else ""),
        data=data)
