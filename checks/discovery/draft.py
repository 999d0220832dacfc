"""A draft inventory of what was seen, for a person to complete.

`draft_inventory` returns YAML text that `load_inventory` accepts: the
migration and zones of the inventory it was compared with (so zone names
stay valid), and one service per process with one dependency per
(direction, transport, port, zone), its peers as hosts.  Comments and each
dependency's notes say that it was discovered, when, from where, and how
it compares with the inventory.  `draft_dependency` is the building block
for adding one peer to an inventory (the GUI's "add to inventory").
"""
from __future__ import annotations

import os
import re
import shlex
from datetime import datetime, timezone
from typing import Optional

import yaml

from .. import __version__
from ..text.i18n import _
from ..inventory.model import Inventory, Site, Zone
from .classify import DiscoveryReport, classify
from .model import Observation, Peer, is_uninteresting

# (transport, port) -> (protocol, kind, device_type): a guess a person confirms.
WELL_KNOWN = {
    ("tcp", 80): ("http", "service", None), ("tcp", 443): ("https", "service", None),
    ("tcp", 3306): ("mysql", "database", None), ("tcp", 5432): ("postgresql", "database", None),
    ("tcp", 1433): ("mssql", "database", None), ("tcp", 1521): ("oracle", "database", None),
    ("tcp", 27017): ("mongodb", "database", None), ("tcp", 6379): ("redis", "middleware", None),
    ("tcp", 9092): ("kafka", "middleware", None), ("tcp", 5672): ("amqp", "middleware", None),
    ("tcp", 2181): ("zookeeper", "middleware", None), ("tcp", 11211): ("memcached", "middleware", None),
    ("udp", 53): ("dns", "service", None), ("tcp", 53): ("dns", "service", None),
    ("udp", 123): ("ntp", "service", None), ("udp", 514): ("syslog", "service", None),
    ("tcp", 9100): ("tcp", "device", "printer"),
}
_SAFE_NAME = re.compile(r"[/\s]+")


def _n(count: int, what: str) -> str:
    return f"{count} {what}" + ("" if count == 1 else "s")


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _name(text: str, fallback: str) -> str:
    name = _SAFE_NAME.sub("-", text.strip()).strip("-")[:200]
    return name or fallback


def _site(site: Site, at: Optional[str] = None) -> dict:
    out = {"site": site.site}
    entries = _staging_entries(site, at)
    if entries:
        out["staging_hosts"] = entries
    if site.egress_nat:
        out["egress_nat"] = True
    if site.network_mode:
        out["network_mode"] = site.network_mode
    return out


def _staging_entries(site: Site, at: Optional[str]) -> list:
    """The site's `staging_hosts` as the schema writes them, from the loaded model.

    The model keeps every host as a spec string (an exec: host as `exec:` + its shell-quoted argv) and
    pools, names and sources beside it; written back as plain strings, an exec: host was refused by the
    schema (issue 24).  Pool members are grouped where the pool's first member stands; an Ansible path
    is made relative to the folder the draft is written to (`at`), else absolute; sources come last
    (the model does not keep their place among the hosts)."""
    pools, names = dict(site.pools), dict(site.host_names)
    entries: list = []
    pool_entries: dict[str, dict] = {}

    def host(spec: str):
        if not spec.startswith("exec:"):
            return spec
        entry: dict = {"exec": shlex.split(spec[len("exec:"):])}
        if spec in names:
            entry["name"] = names[spec]
        return entry

    for spec in site.staging_hosts:
        pool = pools.get(spec)
        if pool is None:
            entries.append(host(spec))
        elif pool in pool_entries:
            pool_entries[pool]["hosts"].append(host(spec))
        else:
            pool_entries[pool] = {"pool": pool, "hosts": [host(spec)]}
            entries.append(pool_entries[pool])
    for source in site.host_sources:
        if source.kind == "ansible":
            path = os.path.abspath(source.path)
            entry = {"ansible": os.path.relpath(path, os.path.dirname(os.path.abspath(at))) if at else path}
            if source.group:
                entry["group"] = source.group
        else:
            entry = {"kubectl": {"selector": source.selector}}
            for field in ("namespace", "context", "container"):
                if getattr(source, field):
                    entry["kubectl"][field] = getattr(source, field)
        if source.pool:
            entry["pool"] = source.pool
        entries.append(entry)
    return entries


def _zone(zone: Zone) -> dict:
    out: dict = {"name": zone.name, "kind": zone.kind}
    if zone.cidrs:
        out["cidrs"] = [str(c) for c in zone.cidrs]
    if zone.domains:
        out["domains"] = list(zone.domains)
    if zone.reflectors:
        out["reflectors"] = [{"host": r.host, "port": r.port, "protocols": list(r.protocols)}
                             for r in zone.reflectors]
    return out


def _status_of(report: Optional[DiscoveryReport]) -> dict[tuple, str]:
    """Peer key -> how it compares with the inventory, in words."""
    status: dict[tuple, str] = {}
    if report is None:
        return status
    for m in report.matched:
        status[Peer.from_dict(m["peer"]).key] = "in the inventory as " + ", ".join(m["dependencies"])
    for f in report.findings:
        if f.peer is not None:
            if f.kind == "inbound":
                status[Peer.from_dict(f.peer).key] = (f"NOT in the inventory as inbound: it connects in, "
                                                      f"listed as outbound only ({f.dependency})")
            else:
                status[Peer.from_dict(f.peer).key] = "NOT in the inventory"
    return status


def draft_dependency(peers: list[Peer], inventory: Optional[Inventory] = None, name: str = "",
                     origin: str = "", statuses: Optional[dict] = None) -> dict:
    """One inventory dependency for peers that share direction, transport, port and zone."""
    first = peers[0]
    zone = inventory.zone_of_target(first.remote) if inventory is not None and first.remote else None
    protocol, kind, device_type = WELL_KNOWN.get((first.proto, first.port), (first.proto, "service", None))
    if zone is not None and zone.kind == "store" and kind == "service":
        kind, device_type = "device", "other"
    hosts = sorted({p.remote for p in peers})
    if not name:
        name = f"{'to' if first.direction == 'outbound' else 'from'}-{zone.name if zone else 'unzoned'}" \
               f"-{first.proto}-{first.port}"
    dep: dict = {"name": _name(name, "discovered"), "kind": kind}
    if device_type:
        dep["device_type"] = device_type
    dep["protocol"] = protocol
    if len(hosts) == 1:
        dep["host"] = hosts[0]
    else:
        dep["hosts"] = hosts
    dep["port"] = first.port
    dep["direction"] = first.direction
    if zone is not None:
        dep["zone"] = zone.name
    dep["notes"] = _notes(peers, origin, statuses or {})
    return dep


def _notes(peers: list[Peer], origin: str, statuses: dict) -> str:
    seen_first = min((p.first_seen for p in peers if p.first_seen), default=None)
    seen_last = max((p.last_seen for p in peers if p.last_seen), default=None)
    parts = [f"Discovered{' from ' + origin if origin else ''}"
             + (f", seen {seen_first} .. {seen_last}" if seen_first else "")
             + f": {_n(sum(p.connections for p in peers), 'connection')} in "
             + f"{_n(max(p.samples for p in peers), 'sample')}."]
    procs = sorted({x for p in peers for x in p.processes})
    if procs:
        parts.append("Process: " + ", ".join(procs) + ".")
    for p in peers:
        if p.direction == "outbound" and len(p.local_ports) == 1 and p.connections > 1:
            parts.append(f"{p.remote}: always from local port {p.local_ports[0]} (a fixed source port? "
                         "then set source_port).")
    for p in peers:
        if p.key in statuses:
            parts.append(f"{p.remote}: {statuses[p.key]}.")
    return _one_line(" ".join(parts))


def draft_inventory(observation: Observation, inventory: Optional[Inventory] = None,
                    report: Optional[DiscoveryReport] = None, generated: Optional[str] = None,
                    at: Optional[str] = None) -> str:
    """YAML text of a valid inventory holding every (non-loopback) peer seen.

    `at` is where the draft will be written: paths it holds (an Ansible inventory) are made relative
    to its folder, so the draft loads there; without it they are absolute."""
    if report is None and inventory is not None:
        report = classify(inventory, observation)
    generated = generated or datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
    statuses = _status_of(report)
    origin = _one_line(observation.label)
    groups: dict[str, dict[tuple, list[Peer]]] = {}
    for peer in observation.peers:
        if peer.remote_ip and is_uninteresting(peer.remote_ip):
            continue
        zone = inventory.zone_of_target(peer.remote) if inventory is not None and peer.remote else None
        service = _name(peer.processes[0], "unknown-process") if peer.processes else "unknown-process"
        key = (peer.direction, peer.proto, peer.port, zone.name if zone else "")
        groups.setdefault(service, {}).setdefault(key, []).append(peer)
    services = []
    for service, deps in sorted(groups.items()):
        services.append({
            "name": service, "owner": "TODO (discovered)",
            "notes": _one_line(f"Discovered: the connections of process {service} on {observation.origin}."
                               if service != "unknown-process" else
                               "Discovered: connections whose process was not visible."),
            "dependencies": [draft_dependency(peers, inventory, origin=origin, statuses=statuses)
                             for _key, peers in sorted(deps.items(), key=lambda kv: tuple(map(str, kv[0])))],
        })
    if not services:
        services.append({"name": "nothing-seen", "owner": "TODO (discovered)",
                         "notes": "No connection was seen.", "dependencies": []})
    if inventory is not None:
        migration = {"name": f"{inventory.migration.name} (discovered draft)",
                     "source": _site(inventory.migration.source, at),
                     "target": _site(inventory.migration.target, at)}
        zones = [_zone(z) for z in inventory.zones]
    else:
        migration = {"name": f"discovered on {_one_line(observation.origin)}",
                     "source": {"site": "TODO: source site"}, "target": {"site": "TODO: target site"}}
        zones = []
    doc: dict = {"version": 1, "migration": migration}
    if zones:
        doc["zones"] = zones
    doc["services"] = services
    return _header(observation, generated) + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True,
                                                            default_flow_style=False, width=100)


def _header(obs: Observation, generated: str) -> str:
    lines = [f"Draft inventory DISCOVERED by migready {__version__} on {generated}",
             f"from {obs.label}."]
    if obs.source == "live":
        every = f" every {obs.interval_s:g} s" if obs.interval_s else ""
        lines.append(f"Window: {obs.first} .. {obs.last}, {_n(obs.samples, 'sample')}{every}"
                     + ("" if obs.complete else f" (INCOMPLETE: {obs.error})") + ".")
    elif obs.first:
        lines.append(f"Data: {obs.first} .. {obs.last}.")
    lines += ["Every dependency below was SEEN, nothing more. Before use: name the services and",
              "dependencies, set owners, kind, device_type, requires and timeout_ms, and merge what",
              "belongs into the real inventory (`migready validate` checks it)."]
    listeners = [l for l in obs.listening if not (l.proto == "udp" and l.ephemeral)]
    if listeners:
        lines.append("Listening sockets seen (who connects to them is a question for the inventory):")
        lines += [f"  {l.describe()}" for l in listeners[:50]]
    return "".join(f"# {_one_line(line) if not line.startswith('  ') else '  ' + _one_line(line)}\n"
                   for line in lines) + "\n"


# ---------------------------------------------------------------- adding peers to an inventory

def _last_scalar_end(node) -> "yaml.Mark":
    """Where the content of a block node really ends (its own end mark lies past trailing comments)."""
    while isinstance(node, (yaml.SequenceNode, yaml.MappingNode)) and node.value and not node.flow_style:
        last = node.value[-1]
        node = last[1] if isinstance(node, yaml.MappingNode) else last
    return node.end_mark


def _child(mapping, key: str):
    for k, v in mapping.value if isinstance(mapping, yaml.MappingNode) else ():
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            return v
    return None


def _insert_item(text: str, seq, item: dict, comment: str) -> str:
    """Append `item` to the block sequence `seq` of `text`, indented like its items."""
    if seq.flow_style or not seq.value:
        raise ValueError(_("the list to add to is written in flow style ([...]): write it as a block "
                           "list first"))
    indent = seq.value[0].start_mark.column - 2 if isinstance(seq.value[0], yaml.MappingNode) \
        else seq.start_mark.column
    indent = max(indent, 0)
    end = _last_scalar_end(seq)
    lines = text.splitlines(keepends=True)
    at = end.line + (1 if end.column > 0 else 0)  # the line after the item's last value
    body = yaml.safe_dump([item], sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)
    block = [" " * indent + f"# {comment}\n"] + [" " * indent + line for line in body.splitlines(keepends=True)]
    if at > 0 and at <= len(lines) and not lines[at - 1].endswith("\n"):
        lines[at - 1] += "\n"
    return "".join(lines[:at] + block + lines[at:])


def add_to_inventory(inventory_path, peers: list[Peer], service: str, out_path, name: str = "",
                     origin: str = "", generated: Optional[str] = None) -> Inventory:
    """Write a copy of the inventory with one dependency for `peers` added to `service`.

    The dependency is `draft_dependency` (made unique in the service); the
    service is appended (owner TODO) when the inventory has none of that
    name.  The rest of the file, comments included, is kept as written.  The
    copy is validated where it is written (keep it next to the original:
    targets_csv paths are relative): returns it loaded, or raises InputError
    naming its problems (the file stays for the person to fix).  ValueError
    when the file's layout does not allow a clean insert (flow-style lists).
    """
    from ..store.atomic import atomic_write_text
    from ..inventory.load import load_inventory
    from ..store.safeio import read_regular

    inventory = load_inventory(inventory_path)
    text = read_regular(inventory_path).decode("utf-8")
    generated = generated or datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
    comment = _one_line(f"added by migready discover on {generated}" + (f" from {origin}" if origin else ""))
    existing = next((s for s in inventory.services if s.name == service), None)
    dep = draft_dependency(peers, inventory, name=name, origin=origin)
    taken = {d.name for d in existing.dependencies} if existing else set()
    base, n = dep["name"], 2
    while dep["name"] in taken:
        dep["name"], n = f"{base}-{n}", n + 1
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    services = _child(root, "services")
    if existing is not None:
        node = next(s for s in services.value if getattr(_child(s, "name"), "value", None) == service)
        deps = _child(node, "dependencies")
        if isinstance(deps, yaml.SequenceNode) and not deps.value and deps.flow_style:
            # `dependencies: []`: replace the empty flow list by a block list holding the new one
            lines = text.splitlines(keepends=True)
            line = lines[deps.start_mark.line]
            key_indent = next(k.start_mark.column for k, _value in node.value if k.value == "dependencies")
            body = yaml.safe_dump([dep], sort_keys=False, allow_unicode=True, default_flow_style=False,
                                  width=100)
            pad = " " * (key_indent + 2)
            lines[deps.start_mark.line] = (line[:deps.start_mark.column].rstrip()  # `dependencies:`
                                           + line[deps.end_mark.column:].rstrip("\n") + "\n"  # its comment
                                           + pad + f"# {comment}\n"
                                           + "".join(pad + l for l in body.splitlines(True)))
            text = "".join(lines)
        else:
            text = _insert_item(text, deps, dep, comment)
    else:
        text = _insert_item(text, services, {"name": _name(service, "discovered"), "owner": "TODO (discovered)",
                                             "dependencies": [dep]}, comment)
    atomic_write_text(out_path, text)
    return load_inventory(out_path)
