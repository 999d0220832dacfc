"""Pre vs post: the same probes from the old and the new host, matched and judged.

A migration breaks what used to work, so the question is never "does it pass
now" alone but "what changed".  Each result of the post run is paired with the
result of the pre run for the same (dependency, target, check); host-level
checks (host_facts) pair by check alone.  A pair gets a classification from the
two statuses, and `notes`: the changes that matter even when both sides pass,
because the incidents behind migready all passed the ordinary checks:

- incident 1: the scales' UDP packets still arrived, but NAT (Calico
  natOutgoing) rewrote the source port they check -> `port_rewritten`,
  `address_translated` from the reflect probe;
- incident 2: "internal" calls left through a NAT gateway to a public,
  rate-limited domain and timed out -> `egress_changed` (route),
  `dns_public` / `dns_changed` (split-horizon DNS), `latency_up`; with the
  inventory, answers and egress are placed in its zones: `dns_zone_moved`
  (out of every internal zone), `dns_zone_changed`, `egress_nat`.

A finding of severity "regression" makes its pair a regression even when both
probes passed.  Nothing here imports Qt; the CLI and the GUI both call it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ..text.i18n import Joined, Msg
from ..inventory.model import Inventory
from ..store.records import reflected
from ..inventory.zones import INSIDE_KINDS, ZoneMap, word
from .hosts import pair_across_hosts, phase_view

CLASSES = ("regression", "inconclusive", "missing", "new", "fixed", "unchanged")
SEVERITIES = ("regression", "warning", "info")
Key = tuple[Optional[str], Optional[str], str]  # (dependency, target, check)

# What the latency of each check measures, for the latency_up text.
_LATENCY_OF = {"tcp_connect": Msg("connect latency"), "udp_exchange": Msg("round-trip latency"),
               "reflect": Msg("reflect round-trip latency"), "http": Msg("HTTP response latency"),
               "dns": Msg("lookup latency"), "callback": Msg("the peer's call-back connect latency")}
_PER_DEPENDENCY = ("reflect", "callback")  # checks of a path to or from a zone: one per dependency


@dataclass(frozen=True)
class Finding:
    kind: str  # port_rewritten, address_translated, egress_changed, dns_public, dns_changed, latency_up
    severity: str  # regression | warning | info
    text: str  # plain language, for the migration lead: a Msg (signed in English, shown in the reader's)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "severity": self.severity, "text": self.text}


@dataclass
class Change:
    key: Key
    dependency: Optional[str]
    target: Optional[str]
    check: str
    pre: Optional[dict]
    post: Optional[dict]
    classification: str
    notes: list[Finding] = field(default_factory=list)

    @property
    def host(self) -> Optional[str]:
        """The staging host of the post result (else the pre's) when the phase ran on many hosts."""
        side = (self.post if self.post is not None else self.pre) or {}
        return side.get("host_name") or side.get("host")

    @property
    def is_regression(self) -> bool:
        """A regression by status, or any regression-severity finding (also on a `new` pair)."""
        return self.classification == "regression" or any(f.severity == "regression" for f in self.notes)

    def to_dict(self) -> dict:
        return {"classification": self.classification, "regression": self.is_regression,
                "dependency": self.dependency, "target": self.target, "check": self.check,
                "pre": _side(self.pre), "post": _side(self.post),
                "notes": [f.to_dict() for f in self.notes], **({"host": self.host} if self.host else {})}


@dataclass
class Comparison:
    changes: list[Change]
    pre_run: Optional[dict] = None  # {id, phase, host, started, finished, complete} of the run compared
    post_run: Optional[dict] = None
    incomplete_runs: list[str] = field(default_factory=list)  # ids of compared runs that did not finish
    latency_factor: float = 3.0
    latency_floor_ms: float = 20.0

    @property
    def regressions(self) -> list[Change]:
        return [c for c in self.changes if c.is_regression]

    def counts(self) -> dict[str, int]:
        """By classification; a `new` pair with a regression finding counts as new here
        (see `regressions` for everything that blocks)."""
        return {c: sum(1 for ch in self.changes if ch.classification == c) for c in CLASSES}

    def to_dict(self) -> dict:
        return {"pre_run": self.pre_run, "post_run": self.post_run,
                "incomplete_runs": list(self.incomplete_runs),
                "thresholds": {"latency_factor": self.latency_factor, "latency_floor_ms": self.latency_floor_ms},
                "counts": self.counts(), "regressions": len(self.regressions),
                "changes": [c.to_dict() for c in self.changes]}


def compare_runs(pre: Optional[dict], post: Optional[dict],
                 latency_factor: float = 3.0, latency_floor_ms: float = 20.0,
                 inventory: Optional[Inventory] = None) -> Comparison:
    """Pair pre and post results and judge each pair.  Either run may be None (not run yet).
    With the inventory, DNS answers and route egress are placed in its zones (checks/inventory/zones.py)."""
    changes = []
    network = _Network(inventory, pre, post) if inventory is not None and _has_network_model(inventory) else None
    for key, a, b in _pairs((pre or {}).get("results") or [], (post or {}).get("results") or []):
        classification = _classify(a, b)
        notes = _findings(key[2], a, b, latency_factor, latency_floor_ms, network)
        if a is not None and b is not None and any(f.severity == "regression" for f in notes):
            classification = "regression"  # e.g. both reflects "passed" but the port is rewritten
        changes.append(Change(key, key[0], key[1], key[2], a, b, classification, notes))
    changes.sort(key=lambda c: (0 if c.is_regression else CLASSES.index(c.classification),
                                c.dependency or "", c.check, c.target or ""))
    incomplete = [r.get("id") for r in (pre, post) if r is not None and not r.get("complete")]
    return Comparison(changes, _run_summary(pre), _run_summary(post), incomplete,
                      latency_factor, latency_floor_ms)


def latest_runs(runs: list[dict]) -> tuple[Optional[dict], Optional[dict]]:
    """The latest complete run of each phase, else the latest incomplete one
    (compare_runs then lists it in `incomplete_runs`), else None."""
    def pick(phase: str) -> Optional[dict]:
        view = phase_view(runs, phase)  # a phase probed on many hosts: all of them, as one run
        if view is not None:
            return view
        mine = [(r.get("started") or "", i, r) for i, r in enumerate(runs) if r.get("phase") == phase]
        complete = [t for t in mine if t[2].get("complete")]
        chosen = max(complete or mine, key=lambda t: t[:2], default=None)
        return chosen[2] if chosen else None
    return pick("pre"), pick("post")


# ------------------------------------------------------------------ pairing

def result_key(result: dict) -> Key:
    if result.get("dependency") is None:  # host-level: one per run, whatever its target
        return (None, None, result.get("check"))
    return (result.get("dependency"), result.get("target"), result.get("check"))


def _pairs(pre: list[dict], post: list[dict]) -> list[tuple[Key, Optional[dict], Optional[dict]]]:
    """Pair by key, in order when a key repeats.  A reflect (or callback) is a property of the
    path to (from) a zone, one per dependency, so a lone pre and a lone post reflect of one
    dependency are paired even when the reflector (its target) differs, e.g. none declared
    at pre time."""
    if any("host" in r for r in (*pre[:1], *post[:1])):  # a phase over many hosts (checks/review/hosts.py)
        return pair_across_hosts(pre, post, result_key, _PER_DEPENDENCY)
    index_pre, index_post = _index(pre), _index(post)
    pairs: list[tuple[Key, Optional[dict], Optional[dict]]] = []
    for key in dict.fromkeys([*index_pre, *index_post]):
        a, b = index_pre.get(key, []), index_post.get(key, [])
        pairs += [(key, a[i] if i < len(a) else None, b[i] if i < len(b) else None)
                  for i in range(max(len(a), len(b)))]
    lone: dict[tuple[str, int], list[int]] = {}
    for i, (key, a, b) in enumerate(pairs):
        if key[2] in _PER_DEPENDENCY and key[0] is not None and (a is None) != (b is None):
            lone.setdefault((key[0], a is None), []).append(i)
    drop = set()
    for (dep, post_only), found in lone.items():
        other = lone.get((dep, not post_only), [])
        if post_only and len(found) == len(other) == 1:
            i, j = other[0], found[0]
            pairs[j] = (pairs[j][0], pairs[i][1], pairs[j][2])
            drop.add(i)
    return [p for i, p in enumerate(pairs) if i not in drop]


def _index(results: list[dict]) -> dict[Key, list[dict]]:
    index: dict[Key, list[dict]] = {}
    for r in results:
        index.setdefault(result_key(r), []).append(r)
    return index


def _classify(pre: Optional[dict], post: Optional[dict]) -> str:
    if pre is None:
        return "new"
    if post is None:
        return "missing"
    a, b = _norm(pre.get("status")), _norm(post.get("status"))
    if a == b != "inconclusive":
        return "unchanged"
    return {("pass", "fail"): "regression", ("fail", "pass"): "fixed"}.get((a, b), "inconclusive")


def _norm(status) -> str:
    return status if status in ("pass", "fail") else "inconclusive"


# ------------------------------------------------------------------ findings

def _findings(check: str, pre: Optional[dict], post: Optional[dict],
              factor: float, floor_ms: float, network: Optional["_Network"] = None) -> list[Finding]:
    if post is None:
        return []
    proves = set(post.get("proves") or []) | set((pre or {}).get("proves") or [])
    notes = _reflect_findings(pre, post, proves) if check == "reflect" else []
    if pre is None:
        return notes
    if check == "callback":
        notes += _callback_findings(pre, post)
    if check == "route":
        notes += _route_findings(pre.get("data") or {}, post.get("data") or {})
        if network is not None:
            notes = network.route_findings(pre, post, notes)
    if check == "dns":
        name = post.get("target") or pre.get("target") or "the name"
        if network is not None:
            notes += network.dns_findings(name, pre, post, proves)
        else:
            notes += _dns_findings(name, pre.get("data") or {}, post.get("data") or {}, proves)
    notes += _latency_findings(check, pre.get("latency_ms"), post.get("latency_ms"), factor, floor_ms)
    return notes


def _reflect_findings(pre: Optional[dict], post: dict, proves: set[str]) -> list[Finding]:
    """Incident 1.  Fires when the post path rewrites/translates and the pre path did not
    or was not observed (no pre run, reflector silent): the device checks what it sees now."""
    notes = []
    local, observed = reflected(post, "local") or {}, reflected(post, "observed") or {}
    if reflected(post, "port_preserved") is False and reflected(pre, "port_preserved") is not False:
        # Without a fixed source port (reflect planned only for no_nat) the port is ephemeral anyway.
        severity = "regression" if "source_port_preserved" in proves or not proves else "warning"
        notes.append(Finding("port_rewritten", severity, Msg("source port {local} → {observed} (rewritten by NAT)",
                                                             local=local.get("port"), observed=observed.get("port"))))
    if reflected(post, "nat") is True and reflected(pre, "nat") is not True:
        severity = "regression" if "no_nat" in proves else "warning"
        notes.append(Finding("address_translated", severity,
                             Msg("source address {local} → {observed} (translated by NAT)",
                                 local=local.get("ip"), observed=observed.get("ip"))))
    return notes


def _callback_findings(pre: dict, post: dict) -> list[Finding]:
    """Incident 5: the peer called back before the move and cannot now (or calls someone else)."""
    if _norm(pre.get("status")) != "pass" or _norm(post.get("status")) != "fail":
        return []
    a, b = pre.get("data") or {}, post.get("data") or {}
    reg_b = b.get("registered") or {}
    call = next((c for c in b.get("calls") or () if c.get("ip") == reg_b.get("ip")), {})
    how = _CALL_HOW.get(call.get("status"), post.get("reason") or _CALL_FAILED)
    if post.get("reason") == "someone_else":
        how = Msg("something else answers there")
    seen = next((c.get("seen_from") for c in a.get("calls") or () if c.get("seen_from")), None)
    before = Msg("; before the move it called back {ip}{seen}", ip=(a.get("registered") or {}).get("ip"),
                 seen=Msg(" (seen from {ip})", ip=seen["ip"]) if seen else "")
    observed = [c for c in b.get("calls") or () if c is not call and "observed" in (c.get("roles") or ())]
    also = Joined("", [Msg("; the address it observed, {ip}:{port}: {status}", ip=c.get("ip"), port=c.get("port"),
                           status=c.get("status")) for c in observed])
    return [Finding("callback_lost", "regression",
                    Msg("the peer cannot call back {ip}:{port}/{proto} ({how}){also}{before}", ip=reg_b.get("ip"),
                        port=reg_b.get("port"), proto=b.get("proto") or "tcp", how=how, also=also, before=before))]


_CALL_HOW = {"refused": Msg("refused"), "timeout": Msg("timed out"), "unreachable": Msg("unreachable"),
             "silent": Msg("no answer")}
_CALL_FAILED = Msg("failed")


def _route_findings(a: dict, b: dict) -> list[Finding]:
    """Incident 2: the same peer now leaves by another gateway or interface (a NAT gateway?)."""
    if not a.get("dev") or not b.get("dev") or (a.get("gateway"), a["dev"]) == (b.get("gateway"), b["dev"]):
        return []
    ga, gb = a.get("gateway"), b.get("gateway")
    left = Msg("via gateway {gateway} ({dev})", gateway=ga, dev=a["dev"]) if ga else Msg("direct ({dev})", dev=a["dev"])
    if ga and gb:
        right = f"{gb} ({b['dev']})"
    else:
        right = Msg("via gateway {gateway} ({dev})", gateway=gb, dev=b["dev"]) if gb else \
            Msg("direct ({dev})", dev=b["dev"])
    return [Finding("egress_changed", "warning", Msg("egress {before} → {after}", before=left, after=right))]


def _dns_findings(name: str, a: dict, b: dict, proves: set[str]) -> list[Finding]:
    """Incident 2: split-horizon DNS; an internal name now resolving to a public address
    sends the traffic out through the NAT gateway.  Only compared when both sides resolved."""
    pre, post = a.get("answers") or [], b.get("answers") or []
    if not pre or not post:
        return []
    public = [x.get("ip") for x in post if x.get("class") == "public"]
    if public and not any(x.get("class") == "public" for x in pre):
        classes = {x.get("class") for x in pre}
        label = classes.pop() if len(classes) == 1 else "non-public"
        severity = "regression" if "private_dns" in proves else "warning"
        return [Finding("dns_public", severity, Msg("{name} resolved to {address_class} {before} → public {after}",
                                                    name=name, address_class=word(label),
                                                    before=", ".join(x.get("ip") for x in pre),
                                                    after=", ".join(public)))]
    ips_pre, ips_post = [x.get("ip") for x in pre], [x.get("ip") for x in post]
    if set(ips_pre) != set(ips_post):
        return [Finding("dns_changed", "info", Msg("{name} resolved to {before} → {after}", name=name,
                                                   before=", ".join(ips_pre), after=", ".join(ips_post)))]
    return []


def _has_network_model(inventory: Inventory) -> bool:
    """Zones or NAT gateways declared: without either, findings keep to the address class."""
    m = inventory.migration
    return bool(inventory.zones or m.source.nat_gateways or m.target.nat_gateways)


class _Network:
    """The inventory's zones and sites, for findings that depend on where an address lies.

    Incident 2: the answer for an internal name moved into a zone the inventory
    calls external, and the route to it left through the new site's NAT gateway;
    both probes "passed".  A changed answer set is always noted; moving into
    another zone is a warning, and out of every internal zone a regression.
    """

    def __init__(self, inventory: Inventory, pre: Optional[dict], post: Optional[dict]) -> None:
        self.zones = ZoneMap.of(inventory)
        self.deps = {d.ref: d for d in inventory.dependencies()}
        self.inventory = inventory
        self.routes = {(r.get("dependency"), r.get("target")): r for r in (post or {}).get("results") or ()
                       if r.get("check") == "route"}

    def internal(self, ref: Optional[str]) -> bool:
        dep = self.deps.get(ref or "")
        if dep is None:
            return False
        zone = self.inventory.zone_of(dep)
        return (zone is not None and zone.kind in INSIDE_KINDS) or "internal_route" in dep.requires

    def dns_findings(self, name: str, pre: dict, post: dict, proves: set[str]) -> list[Finding]:
        a = [x for x in (pre.get("data") or {}).get("answers") or () if isinstance(x, dict)]
        b = [x for x in (post.get("data") or {}).get("answers") or () if isinstance(x, dict)]
        if not a or not b:
            return []
        placed_a = [self.zones.place(str(x.get("ip")), name) for x in a]
        placed_b = [self.zones.place(str(x.get("ip")), name) for x in b]
        before = Joined(", ", map(str, placed_a))
        after = Joined(", ", map(str, placed_b))
        regions = {p.region for p in placed_a}
        moved = [p for p in placed_b if p.region not in regions]
        if all(p.inside for p in placed_a) and any(not p.inside for p in placed_b):
            out = next(p for p in placed_b if not p.inside)
            where = Msg("into {zone}", zone=out.label) if out.zone is not None else \
                Msg("out of every internal zone ({where})", where=out.label)
            route = self.routes.get((post.get("dependency"), post.get("target")))
            egress = self.zones.route_egress(route, "post") if route else None
            severity = "regression" if "private_dns" in proves or self.internal(post.get("dependency")) else "warning"
            leaves = Msg("; leaves via {egress}", egress=egress) if egress else ""
            return [Finding("dns_zone_moved", severity, Msg("{name} resolved to {before} → {after}: moved {where}"
                                                            "{leaves}", name=name, before=before, after=after,
                                                            where=where, leaves=leaves))]
        if moved:
            return [Finding("dns_zone_changed", "warning", Msg("{name} resolved to {before} → {after}: now in {zone}",
                                                               name=name, before=before, after=after,
                                                               zone=moved[0].label))]
        if {x.get("ip") for x in a} != {x.get("ip") for x in b}:
            return [Finding("dns_changed", "info", Msg("{name} resolved to {before} → {after} (same zone)",
                                                       name=name, before=before, after=after))]
        return []

    def route_findings(self, pre: dict, post: dict, notes: list[Finding]) -> list[Finding]:
        """A route that now leaves through a declared NAT egress and did not before: a regression
        for an internal dependency.  (A changed gateway alone stays a warning: every move has one.)"""
        was, now = self.zones.route_egress(pre, "pre"), self.zones.route_egress(post, "post")
        if not now or was:
            return notes
        severity = "regression" if self.internal(post.get("dependency")) else "warning"
        a, b = pre.get("data") or {}, post.get("data") or {}
        change = next((f.text for f in notes if f.kind == "egress_changed"), None)
        if change is None:
            change = Msg("egress {before} → {after}", before=a.get("gateway") or _DIRECT, after=b.get("gateway") or _DIRECT)
        kept = [f for f in notes if f.kind != "egress_changed"]
        return kept + [Finding("egress_nat", severity, Msg("{change}: {target} now leaves via {egress}", change=change,
                                                           target=post.get("target"), egress=now))]


def _latency_findings(check: str, a, b, factor: float, floor_ms: float) -> list[Finding]:
    """Incident 2: a longer path (NAT gateway, another site) eats the timeout budget.
    Both thresholds must be exceeded, so loopback jitter (0.1 -> 0.9 ms) stays quiet."""
    if not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (a, b)):
        return []
    if not (a >= 0 and b > a * factor and b - a > floor_ms):
        return []
    ratio = ""
    if a > 0:
        r = b / a
        ratio = f" ({r:.0f}x)" if r >= 10 else f" ({r:.1f}x)"
    what = _LATENCY_OF.get(check) or Msg("{check} latency", check=check)
    return [Finding("latency_up", "warning", Msg("{what} {before} ms → {after} ms{ratio}", what=what,
                                                 before=f"{a:.1f}", after=f"{b:.1f}", ratio=ratio))]


# ------------------------------------------------------------------ output helpers

def _side(result: Optional[dict]) -> Optional[dict]:
    if result is None:
        return None
    return {k: result.get(k) for k in ("id", "target", "status", "reason", "detail", "latency_ms")}


def _run_summary(run: Optional[dict]) -> Optional[dict]:
    if run is None:
        return None
    return {k: run.get(k) for k in ("id", "phase", "host", "started", "finished", "complete", "error")}


_DIRECT = Msg("direct")
