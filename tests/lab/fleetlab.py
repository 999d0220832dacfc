"""The lab with a pool of staging hosts: netlab.py's lab plus N nodes, each a namespace with a real sshd.

Issue 24: a pool of 8 nodes, some behind SNAT toward the store zone and some
routed, the way a container network's natOutgoing differs by node::

    node1..nodeN  198.18.(20+i).2   sshd :22, routed through the router
                                    (``snat(i)``: MASQUERADE --random-fully toward the store)

Everything else (ops, old, new, store with its reflector and scale
simulators, teardown, the blackhole route) is netlab.Lab's.  Node namespaces
are ``<prefix>-node<i>``, so a crashed run's nodes are cleaned up with its lab.
"""
from __future__ import annotations

import shutil
import signal
import os
from pathlib import Path
from typing import List, Optional

from .netlab import Lab, _sshd_module

SLOW_ADDR, SLOW_PORT = "198.18.10.30", 7000  # the store drops it: a probe that waits its timeout


class FleetLab(Lab):
    NODES = 8

    def __init__(self, prefix: str, workdir: Path, owns_workdir: bool) -> None:
        super().__init__(prefix, workdir, owns_workdir)
        self.nodes: List[str] = ["node%d" % i for i in range(1, self.NODES + 1)]
        for i, role in enumerate(self.nodes, 1):
            self.namespaces[role] = "%s-%s" % (prefix, role)
            self.addresses[role] = "198.18.%d.2" % (20 + i)
            self.gateways[role] = "198.18.%d.1" % (20 + i)
            self.host_keys[role] = workdir / role / "ssh_host_ed25519_key.pub"
            self.sshd_configs[role] = workdir / role / "sshd_config"

    def spec(self, node: str) -> str:
        return "ssh://root@%s:22" % self.addresses[node]

    def _build_network(self) -> None:
        super()._build_network()
        for role in self.nodes:
            self._run_ok(["ip", "netns", "add", self.namespaces[role]])
            self._ip(role, "link", "set", "lo", "up")
            self._attach(role, self.addresses[role], self.gateways[role])
        self._ip("store", "addr", "add", SLOW_ADDR + "/24", "dev", "eth0")
        self.exec_in("store", ["iptables", "-A", "INPUT", "-d", SLOW_ADDR, "-p", "tcp", "--dport", str(SLOW_PORT),
                               "-j", "DROP"], check=True)

    def _run_ok(self, argv) -> None:
        import subprocess
        subprocess.run(argv, check=True, capture_output=True, timeout=30)

    def _nat_rule(self, node: str) -> list:
        return ["-s", "%s.0/24" % self.addresses[node].rsplit(".", 1)[0], "-o", "to-store",
                "-j", "MASQUERADE", "--random-fully"]

    def snat(self, node: str, on: bool = True) -> None:
        """Put `node` behind SNAT (--random-fully) toward the store zone, or take it away."""
        self.exec_in("router", ["iptables", "-t", "nat", "-A" if on else "-D", "POSTROUTING", *self._nat_rule(node)],
                     check=True)
        if shutil.which("conntrack"):  # the NAT mappings already made would outlive the rule
            self.exec_in("router", ["conntrack", "-F"])

    def _start_sshd(self, timeout: float) -> None:
        super()._start_sshd(timeout)
        sshd = _sshd_module()
        for role in self.nodes:
            site_dir = self.workdir / role
            site_dir.mkdir(parents=True, exist_ok=True)
            for suffix in ("", ".pub"):
                shutil.copy(str(self.client_key) + suffix, str(site_dir / "client_ed25519") + suffix)
            files = sshd.write_sshd_config(site_dir, self.addresses[role], self.ssh_port, user=self.ssh_user)
            self.sshd[role] = sshd.SshdServer(files, prefix=["ip", "netns", "exec", self.ns(role)])
            self.sshd[role].start(timeout)
        self.write_known_hosts(hosts=["old", "new", *self.nodes])

    def agent_running(self, node: str) -> bool:
        """Whether the probe agent runs in `node` (a session of its sshd started it)."""
        for pid in self.exec_in("router", ["ip", "netns", "pids", self.ns(node)]).stdout.split():
            try:
                if b"migready-agent" in Path("/proc/%s/cmdline" % pid).read_bytes():
                    return True
            except OSError:
                continue
        return False

    def kill_node(self, node: str) -> None:
        """The node dies: every process in its namespace (sshd, its sessions, the agent) is killed."""
        self.sshd[node].stop()
        for pid in self.exec_in("router", ["ip", "netns", "pids", self.ns(node)]).stdout.split():
            try:
                os.kill(int(pid), signal.SIGKILL)
            except (ProcessLookupError, ValueError):
                pass


def build(workdir: Optional[Path] = None) -> FleetLab:
    return FleetLab.build(workdir=workdir)
