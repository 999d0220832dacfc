"""Findings over hosts: a phase is the runs of all its staging hosts, judged together.

Incident 1's NAT broke 41% of the price pushes: some nodes rewrote the
source port, others did not.  A phase probed on 8 hosts (checks/probing/fleet.py)
is stored as 8 runs that share a ``fleet`` id.  Here they become one view:

* `phase_view` merges the latest run of every host of the phase into one run
  dict (each result tagged with its ``host``), so the checklist, the verdict
  and compare read it as they read a single run; it is incomplete unless
  every host's run is complete, so the verdict needs every host.
* `judge_over_hosts` judges a requirement per host and says on which hosts
  it failed: one fault on several hosts stays one finding
  (``source port 9010 rewritten by NAT on 3 of 8 hosts of pool k8s-b (node-2, node-5, node-7)``).
* `on_hosts` is that wording alone, for whoever groups findings.
* `pair_across_hosts` matches pre and post results per dependency across
  hosts (same host when the pre side has it, else the pre side's baseline).
"""
from __future__ import annotations

import re
from typing import Callable, Optional

from ..text.i18n import Joined, Msg, MsgN

MAX_NAMED = 10  # hosts named in one sentence; the rest are counted
_VIEWS: dict[int, tuple[dict, int, dict]] = {}  # id(view) -> (view, results, {dep: {host: sub-run}})


def is_fleet(run: Optional[dict]) -> bool:
    return bool(run) and isinstance(run.get("fleet"), dict)


def label(result_or_run: dict) -> str:
    """How people call the host: Ansible's inventory_hostname, the pod, else the host spec."""
    return result_or_run.get("host_name") or result_or_run.get("host") or "?"


def natural(text: str) -> tuple:
    """node-2 before node-10; addresses by their numbers."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text or ""))


def on_hosts(bad: list[dict], of: list[dict]) -> Msg:
    """'on 3 of 8 hosts of pool k8s-b (node-2, node-5, node-7)' from host runs (or results):
    `bad` the hosts a finding is about, `of` every host of the phase."""
    names = sorted(dict.fromkeys(label(h) for h in bad), key=natural)
    pools = {h.get("pool") for h in of}
    shown = ", ".join(names[:MAX_NAMED])
    if len(names) > MAX_NAMED:
        shown = Msg("{names} and {n} more", names=shown, n=len(names) - MAX_NAMED)
    if len(pools) == 1 and None not in pools and "" not in pools:
        return Msg("on {n} of {total} hosts of pool {pool} ({names})", n=len(names), total=len(of),
                   pool=next(iter(pools)), names=shown)
    return Msg("on {n} of {total} hosts ({names})", n=len(names), total=len(of), names=shown)


# ------------------------------------------------------------------ the phase's view

def phase_view(runs: list[dict], phase: str) -> Optional[dict]:
    """The runs of the phase's latest fan-out merged into one run, or None when the phase's
    latest run is not part of a fan-out (then the single run is the phase, as before)."""
    mine = [(r.get("started") or "", i, r) for i, r in enumerate(runs) if r.get("phase") == phase]
    if not mine:
        return None
    latest = max(mine, key=lambda t: t[:2])[2]
    if not is_fleet(latest):
        return None
    fleets = [t for t in mine if is_fleet(t[2])]
    wholes = [t for t in fleets if t[2]["fleet"].get("whole")]
    anchor = max(wholes or fleets, key=lambda t: t[:2])
    anchor_id = anchor[2]["fleet"].get("id")
    first = min((t for t in fleets if t[2]["fleet"].get("id") == anchor_id), key=lambda t: t[:2])
    per_host: dict[str, dict] = {}
    for t in sorted((t for t in fleets if t[:2] >= first[:2]), key=lambda t: t[:2]):
        per_host[t[2].get("host")] = t[2]  # the latest run of each host since the phase's fan-out
    members = sorted(per_host.values(), key=lambda r: natural(label(r)))
    size = int(anchor[2]["fleet"].get("size") or 0)
    anchored = sum(1 for r in members if (r.get("fleet") or {}).get("id") == anchor_id)
    missing = max(0, size - anchored)
    errors = [Msg("{host}: {error}", host=label(r), error=r.get("error") or Msg("incomplete"))
              for r in members if not r.get("complete")]
    if missing:
        errors.append(MsgN("{n} host of the fan-out never ran", "{n} hosts of the fan-out never ran", missing))
    results = []
    for r in members:
        tag = {"host": r.get("host"), "host_name": r.get("host_name"), "pool": r.get("pool")}
        results += [dict(res, **tag) for res in r.get("results") or ()]
    pools = {r.get("pool") for r in members}
    pool = next(iter(pools)) if len(pools) == 1 else None
    where = (MsgN("{n} host of pool {pool}", "{n} hosts of pool {pool}", len(members), pool=pool) if pool
             else MsgN("{n} host", "{n} hosts", len(members)))
    return {
        "id": anchor_id, "phase": phase, "host": where, "fleet": dict(anchor[2]["fleet"]),
        "members": [r.get("id") for r in members],
        "hosts": [{"host": r.get("host"), "host_name": r.get("host_name"), "pool": r.get("pool"),
                   "run": r.get("id"), "complete": bool(r.get("complete")), "unreachable": bool(r.get("unreachable")),
                   "error": r.get("error")} for r in members],
        "started": min((r.get("started") or "" for r in members), default=None),
        "finished": max((r.get("finished") or "" for r in members), default=None),
        "complete": not errors, "error": Joined("; ", errors) if errors else None,
        "inventory_digest": anchor[2].get("inventory_digest"),
        "planned": sum(int(r.get("planned") or 0) for r in members),
        "results": results,
    }


def _sub_runs(view: dict, dependency: Optional[str]) -> dict[str, dict]:
    """Per host, a small run holding the dependency's results and the host-level ones."""
    cached = _VIEWS.get(id(view))
    if not (cached and cached[0] is view and cached[1] == len(view["results"])):
        by_dep: dict = {}
        for r in view["results"]:
            by_dep.setdefault(r.get("dependency"), {}).setdefault(r.get("host"), []).append(r)
        if len(_VIEWS) > 8:
            _VIEWS.clear()
        cached = (view, len(view["results"]), {"index": by_dep, "subs": {}})
        _VIEWS[id(view)] = cached
    store = cached[2]
    if dependency not in store["subs"]:
        index = store["index"]
        store["subs"][dependency] = {
            h["host"]: {"id": h.get("run"), "phase": view.get("phase"), "host": h["host"], "complete": h["complete"],
                        "results": [*index.get(None, {}).get(h["host"], ()),
                                    *(index.get(dependency, {}).get(h["host"], ()) if dependency else ())]}
            for h in view["hosts"]}
    return store["subs"][dependency]


def judge_over_hosts(judge_fn: Callable, dep, view: dict, zones):
    """Judge on each host; fail when one host fails, pending while one is unsure, and say on which."""
    subs = _sub_runs(view, dep.ref)
    hosts = {h["host"]: h for h in view["hosts"]}
    judged = [(hosts[host], judge_fn(dep, sub, zones)) for host, sub in subs.items()]
    results = [r for _h, j in judged for r in j.results]
    for state in ("fail", "pending"):
        hit = [(h, j) for h, j in judged if j.state == state]
        if hit:
            first = hit[0][1]
            text = Msg("{text} {where}", text=first.text, where=on_hosts([h for h, _j in hit], view["hosts"]))
            return type(first)(state, text, results)
    if not judged:
        return None
    first = judged[0][1]
    return type(first)("pass", Msg("{text} on every host ({n})", text=first.text, n=len(judged)), results)


# ------------------------------------------------------------------ compare across hosts

def pair_across_hosts(pre: list[dict], post: list[dict], key_of: Callable[[dict], tuple],
                      per_dependency: tuple[str, ...]) -> list[tuple[tuple, Optional[dict], Optional[dict]]]:
    """Each post result paired with the pre result of the same key on the same host, else the pre
    side's first (the baseline host); a reflect pairs by dependency when its reflector moved.
    Pre results no post result took are `missing`."""
    index: dict[tuple, list[dict]] = {}
    for r in pre:
        index.setdefault(key_of(r), []).append(r)
    reflect_pre: dict[tuple, list[dict]] = {}
    for r in pre:
        key = key_of(r)
        if key[2] in per_dependency and key[0] is not None:
            reflect_pre.setdefault((key[0], key[2]), []).append(r)
    used: set[int] = set()
    pairs = []
    for b in post:
        key = key_of(b)
        candidates = index.get(key) or (reflect_pre.get((key[0], key[2])) if key[2] in per_dependency else None) or []
        same = [a for a in candidates if a.get("host") == b.get("host")]
        a = (same or candidates or [None])[0]
        if a is not None:
            used.add(id(a))
        pairs.append((key, a, b))
    pairs += [(key_of(a), a, None) for a in pre if id(a) not in used]
    return pairs
