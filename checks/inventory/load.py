"""Load and validate an inventory: YAML + JSON Schema + the checks a schema can't express.

Errors are for the person editing the file: each names file:line:column,
the field path and what was expected, and all of them are reported at once.
`load_inventory` raises `InputError`; it never lets a traceback through for
anything a user can put in a file.
"""
from __future__ import annotations

import hashlib
import ipaddress
import json
import re
import shlex
from functools import lru_cache
from importlib import resources
from pathlib import Path

import fastjsonschema
import jsonschema

from .. import collector
from .model import (FLEET_FIELDS, TARGET_FIELDS, Change, ChecklistItem, Dependency, HostSource, Inventory, Migration, Reflector, Service, Site, VantageHost, Zone, parse_ip)
from ..text.suggest import closest
from ..text.i18n import SOURCE_LANGUAGE, N_, _, language
from ..store.problems import InputError, Problem, format_path
from ..store.safeio import read_regular
from ..text.sanitize import host_problem
from ..probing.transports.hostspec import parse_host
from .targets import TargetError, expand_range, read_targets_csv
from .yamlsource import Located, decode_text, load_located

SCHEMA_NAME = "inventory.schema.json"
PORTLESS_PROTOCOLS = {"http", "https"}


@lru_cache(maxsize=None)
def inventory_schema() -> dict:
    text = resources.files("migready.resources").joinpath("schema", SCHEMA_NAME).read_text("utf-8")
    return json.loads(text)


@lru_cache(maxsize=None)
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(inventory_schema())


@lru_cache(maxsize=None)
def _fast_validator():
    """fastjsonschema compiles the schema to Python: about 10x faster on a valid file.

    It stops at the first error and speaks draft-07, so it only answers "valid?";
    whenever it says no, jsonschema (2020-12) finds and explains every problem.
    tests/test_inventory_fuzz.py checks that both agree.
    """
    schema = dict(inventory_schema())
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    return fastjsonschema.compile(schema)


def load_inventory(path: str | Path) -> Inventory:
    """Read, validate and build the inventory at `path`, or raise InputError with every problem.

    The cyclic collector is paused meanwhile (checks/collector.py): the parse builds a dict, a list
    and a location per value, all acyclic, and at 50,000 dependencies the collections it triggered
    took 0.3-0.8 s of the load (issue 27)."""
    with collector.paused():
        return _load(path)


def _load(path: str | Path) -> Inventory:
    path = Path(path)
    shown = str(path)
    try:
        raw = read_regular(path)
    except OSError as exc:
        raise InputError([Problem(shown, 0, 0, "", _("cannot read inventory: {reason}").format(reason=exc.strerror or exc))]) from None
    return inventory_from_bytes(raw, shown, path.parent)


def inventory_from_bytes(raw: bytes, shown: str, base: Path) -> Inventory:
    """`load_inventory` over bytes already read (`verify` re-judges the inventory a report carries);
    `base` is where relative files (targets_csv) are looked up."""
    problems: list[Problem] = []
    text = decode_text(raw, shown, problems)
    located = load_located(text, shown, problems) if text is not None else None
    if located is None:
        raise InputError(problems)
    if not isinstance(located.data, dict):
        problems.append(Problem(shown, 1, 1, "", _("expected a mapping with version, migration and services")))
        raise InputError(problems)
    problems.extend(_schema_problems(located, shown))
    fleets = _Semantics(located, shown, base, problems).run()
    if problems:
        raise InputError(problems)
    return _build(located.data, shown, hashlib.sha256(raw).hexdigest(), fleets, base)


def validate_file(path: str | Path) -> list[Problem]:
    """All problems of the inventory at `path` (empty when it is valid)."""
    try:
        load_inventory(path)
    except InputError as exc:
        return exc.problems
    return []


# --- JSON Schema errors, rewritten for people -------------------------------------------


def _schema_problems(located: Located, shown: str) -> list[Problem]:
    try:
        _fast_validator()(located.data)
        return []
    except fastjsonschema.JsonSchemaException:
        pass
    out = []
    for error in _validator().iter_errors(located.data):
        out.extend(_explain(error, located, shown))
    return out


def _explain(error: jsonschema.ValidationError, located: Located, shown: str) -> list[Problem]:
    path = tuple(error.absolute_path)
    line, col = located.position(path)

    def at(p: tuple, message: str, prefer_key: bool = False) -> Problem:
        ln, cl = located.position(p, prefer_key=prefer_key)
        return Problem(shown, ln, cl, format_path(p), message)

    kind = error.validator
    if kind in ("oneOf", "anyOf") and error.context:  # e.g. a staging_hosts entry: explain the form it meant
        branches: dict = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        meant = [subs for subs in branches.values()
                 if not any(e.validator in ("type", "required") and not e.relative_path for e in subs)]
        if len(meant) == 1:
            return [p for sub in meant[0] for p in _explain(sub, located, shown)]
    if kind == "additionalProperties" and isinstance(error.instance, dict):
        allowed = sorted(error.schema.get("properties", {}))
        problems = []
        for key in error.instance:
            if key in allowed:
                continue
            close = closest(key, allowed)
            if close:
                message = _("unknown field '{key}'; did you mean '{close}'?").format(key=key, close=close)
            else:
                message = _("unknown field '{key}' (allowed: {allowed})").format(key=key, allowed=", ".join(allowed))
            problems.append(at(path + (key,), message, prefer_key=True))
        return problems
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return [Problem(shown, line, col, format_path(path), _("missing required field '{field}'").format(field=missing))]
    if kind == "enum":
        options = ", ".join(str(v) for v in error.validator_value)
        close = closest(error.instance, error.validator_value) if isinstance(error.instance, str) else None
        if close:
            message = _("{value} is not one of: {options}; did you mean '{close}'?").format(
                value=repr(error.instance), options=options, close=close)
        else:
            message = _("{value} is not one of: {options}").format(value=repr(error.instance), options=options)
        return [Problem(shown, line, col, format_path(path), message)]
    if kind == "type":
        expected = error.validator_value
        expected = expected if isinstance(expected, list) else [expected]
        expected = _(" or ").join(_(_PEOPLE_TYPES.get(t, t)) for t in expected)
        got = _(_type_name(error.instance))
        return [Problem(shown, line, col, format_path(path), _("expected {expected}, got {got} {value}").format(
            expected=expected, got=got, value=repr(error.instance)))]
    if kind == "pattern" and "description" in error.schema:
        return [
            Problem(shown, line, col, format_path(path),
                    _("{value} is not valid: {description}").format(value=repr(error.instance),
                                                                    description=error.schema["description"]))
        ]
    if kind == "const":
        return [Problem(shown, line, col, format_path(path), _("must be {expected}, got {value}").format(
            expected=repr(error.validator_value), value=repr(error.instance)))]
    return [Problem(shown, line, col, format_path(path), _other_kind(error))]


def _other_kind(error: jsonschema.ValidationError) -> str:
    """The remaining validator kinds in the reader's language.  In English, jsonschema's own
    sentence, exactly as before (its wording differs between versions)."""
    kind, limit, value = error.validator, error.validator_value, error.instance
    if language() == SOURCE_LANGUAGE:
        return error.message
    words = _LIMITS.get(kind)
    if words is not None:
        return _(words).format(value=repr(value), limit=limit)
    if kind == "pattern":
        return _("{value} does not match the pattern {pattern}").format(value=repr(value), pattern=limit)
    if kind == "uniqueItems":
        return _("the list has duplicate entries")
    if kind in ("oneOf", "anyOf"):
        return _("{value} matches none of the allowed forms of this field").format(value=repr(value))
    if kind == "not":
        return _("{value} is not allowed here").format(value=repr(value))
    return error.message


# module constants are marked, not translated: the language is chosen after import
_LIMITS = {
    "minimum": N_("{value} is less than the minimum of {limit}"),
    "maximum": N_("{value} is greater than the maximum of {limit}"),
    "exclusiveMinimum": N_("{value} is less than or equal to the minimum of {limit}"),
    "exclusiveMaximum": N_("{value} is greater than or equal to the maximum of {limit}"),
    "minLength": N_("{value} is shorter than {limit} characters"),
    "maxLength": N_("{value} is longer than {limit} characters"),
    "minItems": N_("the list needs at least {limit} entries"),
    "maxItems": N_("the list has more than {limit} entries"),
    "minProperties": N_("the mapping needs at least {limit} fields"),
}
_PEOPLE_TYPES = {"array": N_("list"), "object": N_("mapping"), "null": N_("nothing"),
                 "string": N_("string"), "integer": N_("integer"), "number": N_("number"),
                 "boolean": N_("boolean")}


def _type_name(value) -> str:
    if value is None:
        return N_("null")
    return {bool: N_("boolean"), int: N_("integer"), float: N_("number"), str: N_("string"), list: N_("list"),
            dict: N_("mapping")}.get(type(value), type(value).__name__)


# --- checks a schema cannot express --------------------------------------------------------


def _as_list(value) -> list:
    """The schema reports a wrong type; the cross-field checks just skip it."""
    return value if isinstance(value, list) else []


class _Semantics:
    """Cross-field checks; each guards only against values whose types are already right."""

    def __init__(self, located: Located, shown: str, base: Path, problems: list[Problem]):
        self.located = located
        self.doc = located.data
        self.shown = shown
        self.base = base
        self.problems = problems
        self.fleets: dict[tuple[int, int], tuple[list[str], str]] = {}

    def add(self, path: tuple, message: str, prefer_key: bool = False) -> None:
        line, col = self.located.position(path, prefer_key=prefer_key)
        self.problems.append(Problem(self.shown, line, col, format_path(path), message))

    def run(self) -> dict:
        self.check_staging_hosts()
        zones = self.doc.get("zones")
        zone_names = self.check_zones(zones if isinstance(zones, list) else [])
        self.check_nat_gateways()
        services = self.doc.get("services")
        if isinstance(services, list):
            self.check_services(services, zone_names)
        return self.fleets

    def check_zones(self, zones: list) -> list[str]:
        names: list[str] = []
        for zi, zone in enumerate(zones):
            if not isinstance(zone, dict):
                continue
            name = zone.get("name")
            if isinstance(name, str):
                if name in names:
                    self.add(("zones", zi, "name"), _("zone '{name}' is declared twice").format(name=name))
                names.append(name)
            nets = []
            for ci, cidr in enumerate(_as_list(zone.get("cidrs"))):
                if isinstance(cidr, str):
                    net = self.parse_cidr(cidr, ("zones", zi, "cidrs", ci))
                    if net is not None:
                        nets.append(net)
            for ai, allowed in enumerate(_as_list(zone.get("egress_allowlisted"))):
                if isinstance(allowed, str):
                    self.parse_cidr(allowed, ("zones", zi, "egress_allowlisted", ai))  # an address is a /32
            for vi, vantage in enumerate(_as_list(zone.get("vantage_hosts"))):
                if isinstance(vantage, dict):
                    self.check_vantage(vantage, ("zones", zi, "vantage_hosts", vi))
            for ri, reflector in enumerate(_as_list(zone.get("reflectors"))):
                token_file = reflector.get("token_file") if isinstance(reflector, dict) else None
                if isinstance(token_file, str) and token_file and not (self.base / token_file).is_file():
                    self.add(("zones", zi, "reflectors", ri, "token_file"),
                             _("{path} is not a regular file (the reflector's shared token)").format(path=self.base / token_file))
                host = reflector.get("host") if isinstance(reflector, dict) else None
                if not isinstance(host, str):
                    continue
                if host_problem(host):
                    self.add(("zones", zi, "reflectors", ri, "host"), host_problem(host))
                    continue
                try:
                    ip = ipaddress.ip_address(host)
                except ValueError:
                    continue  # a name; resolved on the staging host
                if nets and not any(ip.version == n.version and ip in n for n in nets):
                    self.add(("zones", zi, "reflectors", ri, "host"),
                             _("reflector {host} is outside the zone's CIDRs ({cidrs})").format(host=host, cidrs=", ".join(map(str, nets))))
        return names

    def check_vantage(self, vantage: dict, path: tuple) -> None:
        """A vantage host is an SSH host spec, and the agent on the staging host needs its address."""
        spec, address = vantage.get("host"), vantage.get("address")
        if not isinstance(spec, str):
            return
        try:
            parse_host(spec)
        except ValueError as exc:
            self.add(path + ("host",), str(exc))
            return
        if isinstance(address, str):
            if parse_ip(address) is None:
                self.add(path + ("address",), _("'{address}' is not an IP address").format(address=address))
        elif _spec_address(spec) is None:
            self.add(path, _("{spec} is not an IP address: give `address`, where staging hosts reach it").format(spec=spec),
                     prefer_key=True)

    def check_nat_gateways(self) -> None:
        """Each site's nat_gateways entry must be an address or a CIDR without host bits."""
        migration = self.doc.get("migration")
        for side in ("source", "target"):
            site = migration.get(side) if isinstance(migration, dict) else None
            gateways = site.get("nat_gateways") if isinstance(site, dict) else None
            for gi, gateway in enumerate(_as_list(gateways)):
                if isinstance(gateway, str):
                    self.parse_cidr(gateway, ("migration", side, "nat_gateways", gi))

    def parse_cidr(self, cidr: str, path: tuple):
        try:
            return ipaddress.ip_network(cidr, strict=True)
        except ValueError as exc:
            try:
                fixed = ipaddress.ip_network(cidr, strict=False)
            except ValueError:
                self.add(path, _("'{cidr}' is not a valid CIDR ({reason})").format(cidr=cidr, reason=exc))
                return None
            self.add(path, _("'{cidr}' has host bits set; did you mean '{fixed}'?").format(cidr=cidr, fixed=fixed))
            return None

    def check_services(self, services: list, zone_names: list[str]) -> None:
        seen: dict[str, int] = {}
        for si, service in enumerate(services):
            if not isinstance(service, dict):
                continue
            name = service.get("name")
            if isinstance(name, str):
                if name in seen:
                    self.add(("services", si, "name"), _("service '{name}' is declared twice (also services[{index}])").format(name=name, index=seen[name]))
                seen.setdefault(name, si)
            deps = service.get("dependencies")
            if not isinstance(deps, list):
                continue
            dep_seen: set[str] = set()
            for di, dep in enumerate(deps):
                if not isinstance(dep, dict):
                    continue
                dname = dep.get("name")
                if isinstance(dname, str):
                    if dname in dep_seen:
                        self.add(("services", si, "dependencies", di, "name"),
                                 _("dependency '{dependency}' is declared twice in service '{service}'").format(dependency=dname, service=name))
                    dep_seen.add(dname)
                self.check_dependency(dep, ("services", si, "dependencies", di), zone_names, (si, di))

    def check_dependency(self, dep: dict, path: tuple, zone_names: list[str], index: tuple[int, int]) -> None:
        given = [f for f in TARGET_FIELDS if f in dep]
        if not given:
            self.add(path, _("no target: give one of host, hosts, range or targets_csv"))
        elif len(given) > 1:
            self.add(path + (given[1],), _("give only one of host, hosts, range, targets_csv (found {found})").format(found=", ".join(given)),
                     prefer_key=True)
        else:
            self.expand(dep, given[0], path, index)
        if "sample" in dep and not any(f in dep for f in FLEET_FIELDS):
            self.add(path + ("sample",), _("sample applies only to fleets (hosts, range or targets_csv)"), prefer_key=True)
        zone = dep.get("zone")
        if isinstance(zone, str) and zone_names and zone not in zone_names:
            close = closest(zone, zone_names)
            if close:
                self.add(path + ("zone",), _("unknown zone '{zone}'; did you mean '{close}'?").format(
                    zone=zone, close=close))
            else:
                self.add(path + ("zone",), _("unknown zone '{zone}' (declared: {declared})").format(
                    zone=zone, declared=", ".join(zone_names)))
        elif isinstance(zone, str) and not zone_names:
            self.add(path + ("zone",), _("unknown zone '{zone}': the inventory declares no zones").format(zone=zone))
        protocol = dep.get("protocol")
        if isinstance(protocol, str) and protocol not in PORTLESS_PROTOCOLS and "port" not in dep:
            self.add(path, _("missing required field 'port' (needed for protocol {protocol})").format(protocol=protocol))
        if isinstance(dep.get("host"), str):
            self.check_address(dep["host"], path + ("host",))
        advertised = dep.get("advertised_address")
        if isinstance(advertised, str) and advertised != "observed" and parse_ip(advertised) is None:
            self.add(path + ("advertised_address",),
                     _("'{address}' is neither an IP address nor 'observed' (the peer calls back an address)").format(
                         address=advertised))
        for hi, host in enumerate(_as_list(dep.get("hosts"))):
            if isinstance(host, str):
                self.check_address(host, path + ("hosts", hi))

    def check_staging_hosts(self) -> None:
        """The schema's pattern ends in `$`, which Python's `re` also matches before a final newline:
        'ssh://host\\n' would pass it and forge a line wherever the host is printed."""
        migration = self.doc.get("migration")
        for side in ("source", "target"):
            site = migration.get(side) if isinstance(migration, dict) else None
            hosts = site.get("staging_hosts") if isinstance(site, dict) else None
            for index, host in enumerate(_as_list(hosts)):
                problem = host_problem(host) if isinstance(host, str) else None
                if problem and re.search(_staging_pattern(), host):  # else the schema already said so
                    self.add(("migration", side, "staging_hosts", index), problem)
                if isinstance(host, dict) and isinstance(host.get("pool"), str) and isinstance(host.get("hosts"), list):
                    for hi, member in enumerate(host["hosts"]):
                        problem = host_problem(member) if isinstance(member, str) else None
                        if problem and re.search(_staging_pattern(), member):
                            self.add(("migration", side, "staging_hosts", index, "hosts", hi), problem)
                if isinstance(host, dict) and isinstance(host.get("ansible"), str) and host["ansible"]:
                    if not (self.base / host["ansible"]).exists():
                        self.add(("migration", side, "staging_hosts", index, "ansible"),
                                 _("{path} does not exist (the Ansible inventory, relative to this file)").format(
                                     path=self.base / host["ansible"]))

    def check_address(self, host: str, path: tuple) -> None:
        """Catch typos like 10.1.2.300: all digits and dots, yet not an address; and hosts with
        whitespace or control characters (never a real host; printed, they forge output lines)."""
        problem = host_problem(host)
        if problem:
            self.add(path, problem)
            return
        if host.replace(".", "").isdigit():
            try:
                ipaddress.ip_address(host)
            except ValueError as exc:
                self.add(path, str(exc))

    def expand(self, dep: dict, field_name: str, path: tuple, index: tuple[int, int]) -> None:
        value = dep[field_name]
        try:
            if field_name == "range" and isinstance(value, str):
                self.fleets[index] = (expand_range(value), field_name)
            elif field_name == "targets_csv" and isinstance(value, str):
                self.fleets[index] = (read_targets_csv(self.base / value), field_name)
        except TargetError as exc:
            self.add(path + (field_name,), str(exc))


# --- building the model -----------------------------------------------------------------------


@lru_cache(maxsize=None)
def _staging_pattern() -> str:
    return inventory_schema()["$defs"]["hostSpec"]["pattern"]


def _spec_address(spec: str) -> str | None:
    """The IP address a host spec names directly (ssh://ops@10.1.2.3:22), else None."""
    try:
        host = parse_host(spec).host
    except ValueError:
        return None
    return host if host and parse_ip(host) is not None else None


def _site(doc: dict, base: Path) -> Site:
    hosts, pools, sources, names = _staging_entries(doc.get("staging_hosts", ()), base)
    return Site(
        site=doc["site"],
        staging_hosts=hosts,
        pools=pools,
        host_sources=sources,
        host_names=names,
        egress_nat=bool(doc.get("egress_nat", False)),
        nat_gateways=tuple(ipaddress.ip_network(g, strict=False) for g in doc.get("nat_gateways", ())),
        network_mode=doc.get("network_mode", ""),
        notes=doc.get("notes", ""),
    )


def _staging_entries(entries, base: Path) -> tuple:
    """A site's staging_hosts entries: host specs (pool members and exec: argvs written as
    `exec:` + the argv's words), which pool each is in, the sources resolved at run time,
    and the names exec: hosts were given."""
    hosts: list[str] = []
    pools: list[tuple[str, str]] = []
    sources: list[HostSource] = []
    names: list[tuple[str, str]] = []

    def one(entry) -> str:
        if isinstance(entry, str):
            return entry
        spec = exec_spec(entry["exec"])
        if entry.get("name"):
            names.append((spec, entry["name"]))
        return spec

    for entry in entries:
        if isinstance(entry, str) or "exec" in entry:
            hosts.append(one(entry))
        elif "pool" in entry and "hosts" in entry:
            for member in entry["hosts"]:
                spec = one(member)
                hosts.append(spec)
                pools.append((spec, entry["pool"]))
        elif "ansible" in entry:
            sources.append(HostSource("ansible", path=str(base / entry["ansible"]), group=entry.get("group", ""),
                                      pool=entry.get("pool", ""), written=entry["ansible"]))
        elif "kubectl" in entry:
            k = entry["kubectl"]
            sources.append(HostSource("kubectl", selector=k["selector"], namespace=k.get("namespace", ""),
                                      context=k.get("context", ""), container=k.get("container", ""),
                                      pool=entry.get("pool", ""), written=k["selector"]))
    return tuple(dict.fromkeys(hosts)), tuple(pools), tuple(sources), tuple(names)


def exec_spec(argv) -> str:
    """`exec:` + the argv's words, quoted only so that they split back the same (shlex); the words
    are run as an argument list, never by a shell."""
    return "exec:" + shlex.join(str(a) for a in argv)


def _probe_bytes(probe: dict) -> bytes | None:
    if "payload_hex" in probe:
        return bytes.fromhex(probe["payload_hex"])
    if "payload" in probe:
        return probe["payload"].encode("utf-8")
    return None


def _build(doc: dict, shown: str, digest: str, fleets: dict, base: Path = Path(".")) -> Inventory:
    mig = doc["migration"]
    zones = [
        Zone(
            name=z["name"],
            kind=z["kind"],
            cidrs=tuple(ipaddress.ip_network(c) for c in z.get("cidrs", ())),
            domains=tuple(z.get("domains", ())),
            reflectors=tuple(
                Reflector(r["host"], r["port"], tuple(r.get("protocols", ("udp", "tcp"))), r.get("token_file", ""),
                          r.get("protocol", "migready"))
                for r in z.get("reflectors", ())
            ),
            notes=z.get("notes", ""),
            vantage_hosts=tuple(
                VantageHost(v["host"], v.get("address") or _spec_address(v["host"]) or "", v.get("port", 3479))
                for v in z.get("vantage_hosts", ())
            ),
            egress_allowlisted=tuple(ipaddress.ip_network(a) for a in z.get("egress_allowlisted", ())),
        )
        for z in doc.get("zones", ())
    ]
    services = []
    for si, s in enumerate(doc["services"]):
        service = Service(s["name"], s["owner"], s.get("criticality", "medium"), s.get("notes", ""),
                          health=s.get("health", ""), fail_fast_ms=s.get("fail_fast_ms"))
        for di, d in enumerate(s["dependencies"]):
            if (si, di) in fleets:
                targets, spec = fleets[(si, di)]
            elif "hosts" in d:
                targets, spec = d["hosts"], "hosts"
            else:
                targets, spec = [d["host"]], "host"
            service.dependencies.append(
                Dependency(
                    service=s["name"],
                    name=d["name"],
                    kind=d["kind"],
                    protocol=d["protocol"],
                    targets=tuple(targets),
                    target_spec=spec,
                    device_type=d.get("device_type", ""),
                    vendor=d.get("vendor", ""),
                    sample=d.get("sample"),
                    port=d.get("port"),
                    path=d.get("path", ""),
                    probe_payload=_probe_bytes(d.get("probe") or {}),
                    probe_expect=((d.get("probe") or {}).get("expect") or "").encode("utf-8") or None,
                    direction=d.get("direction", "outbound"),
                    zone=d.get("zone", ""),
                    source_port=d.get("source_port"),
                    advertised_address=d.get("advertised_address", ""),
                    requires=tuple(d.get("requires", ())),
                    timeout_ms=d.get("timeout_ms"),
                    in_request_path=bool(d.get("in_request_path", False)),
                    allowlisted_source=bool(d.get("allowlisted_source", False)),
                    notes=d.get("notes", ""),
                    index=(si, di),
                    rehearse=tuple(d["rehearse"]) if "rehearse" in d else None,
                )
            )
        services.append(service)
    return Inventory(
        path=shown,
        digest=digest,
        migration=Migration(
            name=mig["name"],
            source=_site(mig["source"], base),
            target=_site(mig["target"], base),
            cutover=mig.get("cutover", ""),
            notes=mig.get("notes", ""),
        ),
        zones=zones,
        services=services,
        signoff_roles=tuple((doc.get("signoff") or {}).get("roles", ())),
        require_attested_runs=bool((doc.get("signoff") or {}).get("require_attested_runs", False)),
        checklist=tuple(
            ChecklistItem(c["id"], c["phase"], c["title"], c.get("blocker", True), c.get("notes", ""))
            for c in doc.get("checklist", ())
        ),
        change=_change(doc.get("change") or {}),
    )


def _change(block: dict) -> Change:
    window, rollback = block.get("window") or {}, block.get("rollback") or {}
    return Change(ticket=block.get("ticket", ""), window_start=window.get("start", ""),
                  window_end=window.get("end", ""), rollback_owner=rollback.get("owner", ""),
                  rollback_trigger=rollback.get("trigger", ""))
