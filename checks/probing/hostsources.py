"""Where a phase's staging hosts come from: the inventory, a pool, Ansible, kubectl.

Leads keep their hosts in Ansible inventories, not in our YAML, and a pod
network's NAT (incident 1) is only seen from inside a pod.  So a phase's
`staging_hosts` may name pools and sources; this module turns them into one
list of `FleetHost`s when a run (or a plan) starts.

* Ansible: we ask ansible-core itself (``ansible-inventory -i PATH --list``),
  so static files, directories and dynamic inventory scripts all work exactly
  as they do for Ansible; ``ansible_host``, ``ansible_port``, ``ansible_user``
  and ``ansible_ssh_private_key_file`` are honoured.  It is an optional extra
  (``pip install 'migready[ansible]'``); without it the message says so.
* kubectl: ``kubectl get pods -l SELECTOR -o json``, one `exec:` host per
  running pod (``kubectl exec -i -n NS POD -- python3 -``).

Both are run as argument lists, never through a shell; what they answer is
validated like any host an inventory writes (`parse_host`).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from ..inventory.model import HostSource, Inventory
from ..inventory.load import exec_spec
from ..text.i18n import _
from .transports.hostspec import parse_host

ANSIBLE_EXTRA = "pip install 'migready[ansible]'"
SOURCE_TIMEOUT = 120.0


class HostSourceError(Exception):
    """A host source could not be read (its message names the source and the reason)."""


@dataclass(frozen=True)
class FleetHost:
    spec: str  # ssh://user@host:port, exec:..., local://
    pool: str = ""  # the pool findings name ('' for a host listed on its own)
    name: str = ""  # what people call it (Ansible's inventory_hostname, the pod); '' = the spec
    identity_file: str = ""  # ansible_ssh_private_key_file

    @property
    def label(self) -> str:
        return self.name or self.spec


def phase_hosts(inventory: Inventory, phase: str, resolve_sources: bool = True,
                progress: Optional[Callable[[int, int, HostSource], None]] = None) -> list[FleetHost]:
    """Every staging host of the phase, in the inventory's order (sources expanded where they are).
    `progress(number, total, source)` is called before each source is asked (a window shows it)."""
    site = inventory.migration.source if phase == "pre" else inventory.migration.target
    pools, names = dict(site.pools), dict(site.host_names)
    hosts = [FleetHost(spec, pools.get(spec, ""), names.get(spec, "")) for spec in site.staging_hosts]
    if resolve_sources:
        for number, source in enumerate(site.host_sources, 1):
            if progress is not None:
                progress(number, len(site.host_sources), source)
            hosts += ansible_hosts(source) if source.kind == "ansible" else kubectl_hosts(source)
    seen: set[str] = set()
    unique = []
    for host in hosts:
        if host.spec not in seen:
            seen.add(host.spec)
            unique.append(host)
    return unique


def pick(hosts: list[FleetHost], wanted: list[str]) -> tuple[list[FleetHost], list[str]]:
    """The hosts `--host` names (a spec, a name, or a pool), and the words that matched none."""
    chosen: list[FleetHost] = []
    unknown = []
    for word in wanted:
        match = [h for h in hosts if word in (h.spec, h.name, h.pool)]
        if not match:
            unknown.append(word)
        chosen += [h for h in match if h not in chosen]
    return chosen, unknown


# ------------------------------------------------------------------ Ansible

def _ansible_inventory_program() -> Optional[str]:
    beside = Path(sys.executable).with_name("ansible-inventory")  # the venv migready runs in
    return str(beside) if beside.is_file() and os.access(beside, os.X_OK) else shutil.which("ansible-inventory")


def ansible_hosts(source: HostSource) -> list[FleetHost]:
    """The hosts of an Ansible group, as ansible-core resolves them."""
    program = _ansible_inventory_program()
    if program is None:
        raise HostSourceError(_("staging hosts from the Ansible inventory {path} need ansible-core, which is not "
                                "installed: {extra}").format(path=source.written, extra=ANSIBLE_EXTRA))
    argv = [program, "-i", source.path, "--list"]
    env = dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_INVENTORY_UNPARSED_WARNING="False")
    try:
        done = subprocess.run(argv, capture_output=True, timeout=SOURCE_TIMEOUT, env=env, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise HostSourceError(_("ansible-inventory -i {path} --list failed: {reason}").format(
            path=source.written, reason=exc)) from None
    if done.returncode != 0:
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise HostSourceError(_("ansible-inventory -i {path} --list failed (exit {status}): {reason}").format(
            path=source.written, status=done.returncode, reason=" ".join(tail)))
    try:
        listing = json.loads(done.stdout)
    except ValueError as exc:
        raise HostSourceError(_("ansible-inventory -i {path} --list did not answer JSON: {reason}").format(
            path=source.written, reason=exc)) from None
    return hosts_of_listing(listing, source)


def hosts_of_listing(listing: dict, source: HostSource) -> list[FleetHost]:
    """`ansible-inventory --list` JSON -> the group's hosts (children included), in its order."""
    group = source.group or "all"
    if not isinstance(listing, dict) or (group not in listing and group != "all"):
        groups = sorted(k for k in (listing or {}) if k != "_meta") if isinstance(listing, dict) else []
        raise HostSourceError(_("the Ansible inventory {path} has no group {group} (groups: {groups})").format(
            path=source.written, group=group, groups=", ".join(groups) or "-"))
    hostvars = ((listing.get("_meta") or {}).get("hostvars") or {})
    names: list[str] = []
    stack, seen = [group], set()
    while stack:
        name = stack.pop(0)
        if name in seen:
            continue
        seen.add(name)
        entry = listing.get(name) or {}
        names += [h for h in entry.get("hosts") or () if h not in names]
        stack += list(entry.get("children") or ())
    pool = source.pool or source.group or "all"
    return [_ansible_host(name, hostvars.get(name) or {}, pool, source) for name in names]


def _ansible_host(name: str, hostvars: dict, pool: str, source: HostSource) -> FleetHost:
    address = str(hostvars.get("ansible_host") or name)
    user = hostvars.get("ansible_user")
    port = hostvars.get("ansible_port")
    where = f"[{address}]" if ":" in address else address
    spec = "ssh://" + (f"{user}@" if user else "") + where + (f":{port}" if port not in (None, "") else "")
    try:
        parse_host(spec)
    except ValueError as exc:
        raise HostSourceError(_("the Ansible inventory {path}, host {host}: {reason}").format(
            path=source.written, host=name, reason=exc)) from None
    key = hostvars.get("ansible_ssh_private_key_file") or ""
    return FleetHost(spec, pool, name, os.path.expanduser(str(key)) if key else "")


# ------------------------------------------------------------------ kubectl

def kubectl_argv(source: HostSource) -> list[str]:
    argv = ["kubectl"] + (["--context", source.context] if source.context else [])
    return argv + ["get", "pods"] + (["-n", source.namespace] if source.namespace else []) + \
        ["-l", source.selector, "-o", "json"]


def kubectl_hosts(source: HostSource) -> list[FleetHost]:
    """One exec: host per running pod the selector matches."""
    argv = kubectl_argv(source)
    if shutil.which("kubectl") is None:
        raise HostSourceError(_("staging hosts from pods ({selector}) need kubectl, which is not on PATH").format(
            selector=source.selector))
    try:
        done = subprocess.run(argv, capture_output=True, timeout=SOURCE_TIMEOUT, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise HostSourceError(_("kubectl get pods -l {selector} failed: {reason}").format(
            selector=source.selector, reason=exc)) from None
    if done.returncode != 0:
        raise HostSourceError(_("kubectl get pods -l {selector} failed (exit {status}): {reason}").format(
            selector=source.selector, status=done.returncode,
            reason=done.stderr.decode("utf-8", "replace").strip()[-300:]))
    try:
        return hosts_of_pods(json.loads(done.stdout), source)
    except ValueError as exc:
        raise HostSourceError(_("kubectl get pods -l {selector} did not answer JSON: {reason}").format(
            selector=source.selector, reason=exc)) from None


def hosts_of_pods(listing: dict, source: HostSource) -> list[FleetHost]:
    hosts = []
    for item in (listing or {}).get("items") or ():
        meta, status = item.get("metadata") or {}, item.get("status") or {}
        if status.get("phase") != "Running" or not meta.get("name"):
            continue
        namespace = meta.get("namespace") or source.namespace
        argv = ["kubectl"] + (["--context", source.context] if source.context else []) + ["exec", "-i"]
        argv += (["-n", namespace] if namespace else []) + [meta["name"]]
        argv += (["-c", source.container] if source.container else []) + ["--", "python3", "-"]
        spec = exec_spec(argv)
        try:
            parse_host(spec)
        except ValueError as exc:  # a pod name with a control character: said, not a traceback
            raise HostSourceError(_("kubectl get pods -l {selector}: pod {pod}: {reason}").format(
                selector=source.selector, pod=repr(meta["name"]), reason=exc)) from None
        hosts.append(FleetHost(spec, source.pool or source.selector, meta["name"]))
    return hosts
