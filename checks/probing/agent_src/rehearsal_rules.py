"""Rehearsal faults as iptables rules in one dedicated chain per run, and the
watchdog that removes the chain at its deadline whatever happens to the agent.
"""
import os
import re
import shutil
import subprocess


# ---------------------------------------------------------------- rehearsal: break one dependency, always reverted
#
# Degraded-dependency rehearsal (incidents 2 and 3; `migready rehearse`).
# Plan: {"version": 1, "mode": "rehearse", "rehearsal": {...}} or
# {"version": 1, "mode": "rehearse-cleanup", "chain": NAME or null}.
# The fault lives in ONE dedicated iptables chain named after the run
# (MIGREADY-...), jumped to from OUTPUT, so removing it can never touch
# another rule.  The revert is armed BEFORE the fault goes in: a watchdog
# process in its own session (setsid: it survives the SSH session, the
# agent and the client) deletes the chain at the deadline.  The agent also
# deletes it when the fault window ends, on SIGTERM/SIGHUP/SIGINT and when
# its stdout breaks (the client went away); the client runs a cleanup after
# an interrupted rehearsal; `rehearse --cleanup` removes any leftover.
# The agent reports facts (each health call's latency and answer); the host
# side judges them (migready.checks.probing.rehearsal).
#
# delay and loss go through the relay below (Toxiproxy's model made
# transparent): the same chain, in the nat table, REDIRECTs the dependency's
# new flows to a relay this agent runs on loopback; the relay holds or drops
# what the service sends and forwards it to the original destination
# (SO_ORIGINAL_DST).  It needs no sch_netem, which many container and CI
# kernels lack.  The watchdog and every removal handle both tables.

CHAIN_PREFIX = "MIGREADY-"
CHAIN_NAME = re.compile(r"^MIGREADY-[A-Z0-9]{4,18}$")
REHEARSAL_FAULTS = ("blackhole", "reject", "delay", "loss")
RELAYED_FAULTS = ("delay", "loss")
CHAIN_TABLES = ("filter", "nat")
RELAY_MARK = 0x4d52  # "MR": the relay's own flows to the dependency carry it and skip the REDIRECT
MAX_REHEARSAL_S = 600
CAP_NET_ADMIN = 12
_SBIN_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

# The watchdog is this constant program, started with argv
# [python, -I, -c, WATCHDOG_CODE, chain, seconds, tool...]: no shell, and the
# chain name is checked against CHAIN_NAME first.  It says "armed PID" on
# stdout once its signal handlers are in place, then detaches its stdio.
WATCHDOG_CODE = r'''# migready-rehearsal-watchdog: removes one fault chain (filter and nat) at its deadline
import os, signal, subprocess, sys, time
chain, seconds, tools = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
deadline = time.monotonic() + seconds
def remove(*_):
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    for tool in tools:
        for table in ("filter", "nat"):
            for _ in range(16):
                if subprocess.call([tool, "-w", "-t", table, "-D", "OUTPUT", "-j", chain], **quiet) != 0:
                    break
            subprocess.call([tool, "-w", "-t", table, "-F", chain], **quiet)
            subprocess.call([tool, "-w", "-t", table, "-X", chain], **quiet)
    os._exit(0)
signal.signal(signal.SIGTERM, remove)
signal.signal(signal.SIGHUP, signal.SIG_IGN)
signal.signal(signal.SIGINT, signal.SIG_IGN)
sys.stdout.write("armed %d\n" % os.getpid())
sys.stdout.flush()
null = os.open(os.devnull, os.O_RDWR)
for fd in (0, 1, 2):
    os.dup2(null, fd)
while deadline - time.monotonic() > 0:
    time.sleep(min(1.0, max(0.01, deadline - time.monotonic())))
remove()
'''


class _Stop(Exception):
    """A signal asked the rehearsal to stop: the fault comes out on the way."""


def _tool(name):
    return shutil.which(name, path=os.environ.get("PATH", "") + ":" + _SBIN_PATH)


def _family_tool(ip):
    return "ip6tables" if ":" in ip else "iptables"


def fault_rules(chain, addresses, port, protocol, fault):
    """The fault as (tool, argv) pairs, in order: the chain, one rule per address, the jump
    from OUTPUT (inserted first, so no earlier ACCEPT bypasses it).  Only `addresses` and
    `port` are matched; nothing else on the host is affected."""
    if not CHAIN_NAME.match(chain):
        raise ValueError("chain name %r is not a migready chain" % chain)
    if fault not in ("blackhole", "reject"):
        raise ValueError("no iptables rules for fault %r" % fault)
    rules, families = [], []
    for ip in addresses:
        tool = _family_tool(ip)
        if tool not in families:
            families.append(tool)
            rules.append((tool, ["-N", chain]))
        match = ["-A", chain, "-d", ip, "-p", protocol, "--dport", str(port)]
        if fault == "blackhole":
            target = ["-j", "DROP"]
        elif protocol == "tcp":
            target = ["-j", "REJECT", "--reject-with", "tcp-reset"]
        else:
            unreachable = "icmp6-port-unreachable" if tool == "ip6tables" else "icmp-port-unreachable"
            target = ["-j", "REJECT", "--reject-with", unreachable]
        rules.append((tool, match + target))
    for tool in families:
        rules.append((tool, ["-I", "OUTPUT", "1", "-j", chain]))
    return rules


def revert_rules(chain, tools, table="filter"):
    """What removes the chain again (the watchdog runs the same steps, in both tables)."""
    t = [] if table == "filter" else ["-t", table]
    out = []
    for tool in tools:
        out += [(tool, t + ["-D", "OUTPUT", "-j", chain]), (tool, t + ["-F", chain]), (tool, t + ["-X", chain])]
    return out


def relay_rules(chain, ports, port, protocol):
    """delay/loss: the dependency's new flows (only its addresses and port) REDIRECTed, in the
    nat table's OUTPUT, to the relay's loopback port for that address; the relay's own
    connections (marked RELAY_MARK) pass.  `ports` maps each address to its relay port."""
    if not CHAIN_NAME.match(chain):
        raise ValueError("chain name %r is not a migready chain" % chain)
    rules, families = [], []
    for ip, relay_port in ports.items():
        tool = _family_tool(ip)
        if tool not in families:
            families.append(tool)
            rules.append((tool, ["-t", "nat", "-N", chain]))
            rules.append((tool, ["-t", "nat", "-A", chain, "-m", "mark", "--mark", "0x%x" % RELAY_MARK,
                                 "-j", "RETURN"]))
        rules.append((tool, ["-t", "nat", "-A", chain, "-d", ip, "-p", protocol, "--dport", str(port),
                             "-j", "REDIRECT", "--to-ports", str(relay_port)]))
    for tool in families:
        rules.append((tool, ["-t", "nat", "-I", "OUTPUT", "1", "-j", chain]))
    return rules


def _iptables(tool, argv, timeout=20):
    path = _tool(tool)
    if path is None:
        return 127, "%s not found" % tool
    try:
        proc = subprocess.run([path, "-w"] + list(argv), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return 126, str(exc)
    return proc.returncode, (proc.stderr or proc.stdout).decode("utf-8", "replace").strip()


def _chain_exists(tool, chain, table="filter"):
    return _iptables(tool, ["-t", table, "-S", chain])[0] == 0


def remove_chain(chain, tools=("iptables", "ip6tables")):
    """Delete the jumps to `chain` and the chain itself, in the filter and the nat table;
    -> where it is still there ("iptables", or "iptables -t nat")."""
    left = []
    for tool in tools:
        if _tool(tool) is None:
            continue
        for table in CHAIN_TABLES:
            if not _chain_exists(tool, chain, table):
                continue
            for _ in range(16):
                if _iptables(tool, ["-t", table, "-D", "OUTPUT", "-j", chain])[0] != 0:
                    break
            _iptables(tool, ["-t", table, "-F", chain])
            _iptables(tool, ["-t", table, "-X", chain])
            if _chain_exists(tool, chain, table):
                left.append(tool if table == "filter" else "%s -t %s" % (tool, table))
    return left


def migready_chains(tool):
    """Every migready rehearsal chain `tool` lists in either table (leftovers, for --cleanup)."""
    found = set()
    for table in CHAIN_TABLES:
        code, text = _iptables(tool, ["-t", table, "-S"])
        if code == 0:
            found.update(line.split()[1] for line in text.splitlines()
                         if line.startswith("-N ") and len(line.split()) == 2 and CHAIN_NAME.match(line.split()[1]))
    return sorted(found)
