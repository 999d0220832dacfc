"""What the workspace holds, as typed records: one place that says what a result, a run, a mark,
a waiver, a sign-off, an attestation and a discovery *are*.

The workspace file stores plain JSON (`resources/schema/workspace.schema.json`); each record
reads itself from that JSON (`from_dict`) and writes itself back (`to_dict`), and only
`checks/store/workspace.py` writes.  One home per fact: the reflector's observation (`local`,
`observed`, `nat`, `port_preserved`) lives in a result's `data`; results written before
this module also copied it to the top level, which `from_dict` still reads.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Optional

from ..probing.callback import callback_lines
from ..text.i18n import Msg

REFLECT_FACTS = ("local", "observed", "nat", "port_preserved")


class Status(str, Enum):
    """Good or bad for a dependency: a probe result's judged status (pass / fail / inconclusive), an
    item's or a finding's (pass / fail / pending / waived / na), one vocabulary.  A `str`, so files
    and JSON keep the ids and `status == "fail"` still reads as it did."""

    PASS = "pass"
    FAIL = "fail"
    INCONCLUSIVE = "inconclusive"
    PENDING = "pending"
    WAIVED = "waived"
    NA = "na"

    def __str__(self) -> str:
        return self.value


RESULT_STATUSES = (Status.PASS, Status.FAIL, Status.INCONCLUSIVE)
_BY_VALUE = {s.value: s for s in Status}


def status_of(value: Any) -> Status:
    """`Status(value)` by one dict lookup (a review settles tens of thousands of states); ValueError
    names a value that is none."""
    try:
        return _BY_VALUE[value]
    except (KeyError, TypeError):
        raise ValueError(f"{value!r} is not a status ({', '.join(_BY_VALUE)})") from None


def result_status(value: Any) -> Status:
    """A stored result's status as the enum; anything else (the schema refuses it) reads as inconclusive."""
    status = _BY_VALUE.get(value) if isinstance(value, str) else None
    return status if status in RESULT_STATUSES else Status.INCONCLUSIVE


class ReadsAsStored:
    """`record["by"]` and `record.get("until")` as on the stored JSON, for the views that still read
    dicts (the window's models, the report renderers): the record is the value, this is its old face."""

    def __getitem__(self, key: str) -> Any:
        return self.to_dict()[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.to_dict().get(key, default)


def sentences(parts) -> str:
    """Sentences joined by '; ' as one `Msg` (the reader's language has its own separator: '；').

    A `Joined` keeps its separator as written, so clauses are chained pairwise
    instead; the value is exactly ``"; ".join(parts)``."""
    parts = list(parts)
    if not parts:
        return ""
    out = parts[-1]
    for part in reversed(parts[:-1]):
        out = Msg("{first}; {rest}", first=part, rest=out)
    return out


def _endpoint(value: Any) -> Optional[dict]:
    return value if isinstance(value, dict) and "ip" in value and "port" in value else None


@dataclass(frozen=True)
class ProbeResult:
    """One probe's outcome on one target, as the agent reported it (or as decided without it)."""

    check: str
    status: Status  # pass | fail | inconclusive, judged for the dependency
    id: Optional[str] = None
    dependency: Optional[str] = None  # service/dependency; None for host-level checks
    target: Optional[str] = None
    proves: tuple = ()
    reason: Optional[str] = None
    detail: str = ""
    latency_ms: Optional[float] = None
    started: Optional[str] = None
    data: dict = field(default_factory=dict)
    # what the agent itself saw, when `status` was judged for the dependency (checks/probing/outcome.py):
    # a reflector that answered is "pass" here and "fail" in `status` when the port was rewritten
    probe_status: Optional[Status] = None
    extra: dict = field(default_factory=dict)  # fields a fan-out or an older writer added (host, host_name): kept

    KNOWN = ("check", "status", "id", "dependency", "target", "proves", "reason", "detail", "latency_ms",
             "started", "data", "probe_status") + REFLECT_FACTS

    @classmethod
    def from_dict(cls, raw: dict) -> "ProbeResult":
        data = dict(raw.get("data") or {})
        for key in REFLECT_FACTS:  # results written before records.py kept a top-level copy
            if data.get(key) is None and raw.get(key) is not None:
                data[key] = raw[key]
        probe = raw.get("probe_status")
        return cls(check=raw.get("check") or "", status=result_status(raw.get("status")), id=raw.get("id"),
                   dependency=raw.get("dependency"), target=raw.get("target"),
                   proves=tuple(raw.get("proves") or ()), reason=raw.get("reason"),
                   detail=raw.get("detail") or "", latency_ms=raw.get("latency_ms"),
                   started=raw.get("started"), data=data,
                   probe_status=None if probe is None else result_status(probe),
                   extra={k: v for k, v in raw.items() if k not in cls.KNOWN})

    @staticmethod
    def stored_from_agent(line: dict) -> dict:
        """An agent's result line (its `meta` is what the plan said the probe is for) as the workspace
        stores it: what `to_dict` gives for it, built at once (a fan-out stores tens of thousands,
        and the object in between was a third of the host side's work per result)."""
        meta = line.get("meta") or {}
        return {"id": line.get("id"), "dependency": meta.get("dependency"), "target": meta.get("target"),
                "check": line.get("check") or "", "proves": list(meta.get("proves") or ()),
                "status": result_status(line.get("status")).value, "reason": line.get("reason"),
                "detail": line.get("detail") or "", "latency_ms": line.get("latency_ms"),
                "started": line.get("started"), "data": dict(line.get("data") or {})}

    def to_dict(self) -> dict:
        out = dict(self.extra)
        out.update({"id": self.id, "dependency": self.dependency, "target": self.target, "check": self.check,
                    "proves": list(self.proves), "status": self.status.value, "reason": self.reason,
                    "detail": self.detail, "latency_ms": self.latency_ms, "started": self.started,
                    "data": dict(self.data)})
        if self.probe_status is not None:
            out["probe_status"] = self.probe_status.value
        return out

    # -- the reflector's observation (one home: data) ----------------------------------

    @property
    def local(self) -> Optional[dict]:
        return _endpoint(self.data.get("local"))

    @property
    def observed(self) -> Optional[dict]:
        return _endpoint(self.data.get("observed"))

    @property
    def nat(self) -> Optional[bool]:
        value = self.data.get("nat")
        return value if isinstance(value, bool) else None

    @property
    def port_preserved(self) -> Optional[bool]:
        value = self.data.get("port_preserved")
        return value if isinstance(value, bool) else None

    def describe(self) -> str:
        """One line a migration lead reads; a reflect result says plainly what NAT did, a
        callback result who called whom and what the listener saw.  A `Msg` (the English
        sentence, said in the reader's language by `shown`); the agent's detail stays as it came."""
        local, seen = self.local, self.observed
        if self.check == "reflect" and local and seen:
            port = (Msg("source port {port} preserved", port=local["port"]) if self.port_preserved
                    else Msg("source port {local} → {observed} (rewritten by NAT)", local=local["port"],
                             observed=seen["port"]))
            addr = (Msg("address {local} → {observed} (translated)", local=local["ip"], observed=seen["ip"])
                    if self.nat else Msg("address {address} not translated", address=seen["ip"]))
            return sentences([port, addr])
        if self.check == "callback" and callback_lines(self.to_dict()):  # who called whom, what was seen
            return sentences(callback_lines(self.to_dict()))
        if isinstance(self.latency_ms, (int, float)):
            return Msg("{detail} in {latency} ms", detail=self.detail or self.reason or "",
                       latency=f"{self.latency_ms:.1f}")
        return self.detail or self.reason or ""


def reflected(result: Optional[dict], name: str) -> Any:
    """One of the reflector's facts (REFLECT_FACTS) of a result as stored: in `data`, or in the
    top-level copy that results written before records.py carry."""
    if result is None:
        return None
    value = (result.get("data") or {}).get(name)
    return value if value is not None else result.get(name)


def describe(result: dict) -> str:
    """`ProbeResult.describe` for a result as stored."""
    return ProbeResult.from_dict(result).describe()


@dataclass(frozen=True)
class Run:
    """One probe run (pre or post) from one staging host."""

    id: str
    phase: str
    host: str
    started: str
    complete: bool
    results: tuple = ()  # of ProbeResult
    finished: Optional[str] = None
    error: Optional[str] = None
    inventory_digest: Optional[str] = None
    planned: Optional[int] = None
    agent_version: Optional[str] = None
    extra: dict = field(default_factory=dict)  # agent_python, host_facts: kept as found

    KNOWN = ("id", "phase", "host", "started", "complete", "results", "finished", "error",
             "inventory_digest", "planned", "agent_version")

    @classmethod
    def from_dict(cls, raw: dict) -> "Run":
        return cls(id=raw.get("id") or "", phase=raw.get("phase") or "", host=raw.get("host") or "",
                   started=raw.get("started") or "", complete=bool(raw.get("complete")),
                   results=tuple(ProbeResult.from_dict(r) for r in raw.get("results") or ()),
                   finished=raw.get("finished"), error=raw.get("error"),
                   inventory_digest=raw.get("inventory_digest"), planned=raw.get("planned"),
                   agent_version=raw.get("agent_version"),
                   extra={k: v for k, v in raw.items() if k not in cls.KNOWN})

    def to_dict(self) -> dict:
        out = dict(self.extra)
        out.update({"id": self.id, "phase": self.phase, "host": self.host, "started": self.started,
                    "finished": self.finished, "complete": self.complete, "error": self.error,
                    "results": [r.to_dict() for r in self.results]})
        for key in ("inventory_digest", "planned", "agent_version"):  # facts a run made elsewhere may lack
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out

    def label(self) -> str:
        """How a run is named to people: "run-2 (post from ssh://new-vm)" (a `Msg`)."""
        return Msg("{run} ({phase} from {host})", run=self.id, phase=RUN_PHASE_WORDS.get(self.phase, self.phase),
                   host=self.host)


# A run's phase inside a sentence (the ids `pre`, `post`, `rehearsal` stay in files and JSON).
RUN_PHASE_WORDS = {"pre": Msg("pre"), "post": Msg("post"), "rehearsal": Msg("rehearsal")}


def run_label(run: dict) -> str:
    """`Run.label` for a run as stored."""
    return Run.from_dict({k: run.get(k) for k in ("id", "phase", "host")}).label()


@dataclass(frozen=True)
class Mark(ReadsAsStored):
    """A person's manual state for a checklist item, with the note that justifies it."""

    item: str
    state: str  # pass | fail | na
    by: str
    note: str
    at: str

    @classmethod
    def from_event(cls, event: dict) -> "Mark":
        details = event["details"]
        return cls(details.get("item"), details.get("state"), event["by"], details.get("note"), event["at"])

    @classmethod
    def from_dict(cls, item: str, raw: dict) -> "Mark":
        """`marks[item]` as stored (the item is its key)."""
        return cls(item, raw.get("state"), raw.get("by"), raw.get("note"), raw.get("at"))

    def to_dict(self) -> dict:  # as stored in `marks[item]`
        return {"state": self.state, "by": self.by, "note": self.note, "at": self.at}


@dataclass(frozen=True)
class Waiver(ReadsAsStored):
    """A risk a named person accepted, until a date, bound to the evidence it was granted against."""

    id: str
    scope: str  # item | dependency
    by: str
    reason: str
    until: str
    granted: str
    evidence: dict
    item: Optional[str] = None
    dependency: Optional[str] = None
    revoked: bool = False

    @classmethod
    def from_dict(cls, raw: dict) -> "Waiver":
        return cls(id=raw["id"], scope=raw["scope"], by=raw["by"], reason=raw["reason"], until=raw["until"],
                   granted=raw["granted"], evidence=dict(raw.get("evidence") or {}), item=raw.get("item"),
                   dependency=raw.get("dependency"), revoked=bool(raw.get("revoked")))

    def summary(self) -> dict:
        """Who, why and until when: what a finding, a report entry or a verdict line says of it."""
        return {"id": self.id, "by": self.by, "reason": self.reason, "until": self.until}

    def to_dict(self) -> dict:
        out = {"id": self.id, "scope": self.scope, "by": self.by, "reason": self.reason, "until": self.until,
               "granted": self.granted, "evidence": dict(self.evidence)}
        if self.item is not None:
            out["item"] = self.item
        if self.dependency is not None:
            out["dependency"] = self.dependency
        if self.revoked:
            out["revoked"] = True
        return out


@dataclass(frozen=True)
class Signoff(ReadsAsStored):
    """A signed approval or rejection of one report content digest (checks/trust/signing.py makes them)."""

    digest: str
    name: str
    role: str
    decision: str
    comment: str
    signed_at: str
    public_key: str
    signature: str
    version: int = 1  # of the signed statement (2 also signs the public key; 3 chains, see below)
    prev: Optional[str] = None  # v3: hash of the sign-off before it (signing.entry_hash)
    runs: Optional[int] = None  # v3: how many probe runs the signed content holds
    override: str = ""  # v3: why a NO-GO was approved
    extra_role: bool = False  # v3: a role no policy required, signed on purpose

    @classmethod
    def from_dict(cls, raw: dict) -> "Signoff":
        return cls(digest=raw.get("digest"), name=raw.get("name"), role=raw.get("role"),
                   decision=raw.get("decision"), comment=raw.get("comment") or "",
                   signed_at=raw.get("signed_at"), public_key=raw.get("public_key"),
                   signature=raw.get("signature"), version=raw.get("v", 1), prev=raw.get("prev"),
                   runs=raw.get("runs"), override=raw.get("override") or "",
                   extra_role=bool(raw.get("extra_role")))

    def to_dict(self) -> dict:
        out = {"digest": self.digest, "name": self.name, "role": self.role, "decision": self.decision,
               "comment": self.comment, "signed_at": self.signed_at, "public_key": self.public_key,
               "signature": self.signature}
        if self.version != 1:
            out["v"] = self.version
        if self.version == 3:
            out.update(prev=self.prev, runs=self.runs, override=self.override, extra_role=self.extra_role)
        return out


@dataclass(frozen=True)
class Attestation(ReadsAsStored):
    """Whoever ran a probe run signs its digest: the run's results are theirs, as they came in."""

    run: str
    digest: str
    name: str
    role: str
    public_key: str
    signed_at: str
    signature: str
    version: int = 1  # 2: chained to the attestation before it
    prev: Optional[str] = None

    @classmethod
    def from_dict(cls, raw: dict) -> "Attestation":
        return cls(**{k: raw.get(k) for k in ("run", "digest", "name", "role", "public_key", "signed_at",
                                              "signature", "prev")}, version=raw.get("v", 1))

    def to_dict(self) -> dict:
        out = {"run": self.run, "digest": self.digest, "name": self.name, "role": self.role,
               "public_key": self.public_key, "signed_at": self.signed_at, "signature": self.signature}
        if self.version != 1:
            out.update(v=self.version, prev=self.prev)
        return out


@dataclass(frozen=True)
class DiscoveryRecord(ReadsAsStored):
    """What one discovery saw (the observation) and how it compared with the inventory then."""

    id: str
    recorded: str
    inventory_digest: str
    observation: dict
    comparison: dict

    @classmethod
    def from_dict(cls, raw: dict) -> "DiscoveryRecord":
        return cls(id=raw.get("id"), recorded=raw.get("recorded"), inventory_digest=raw.get("inventory_digest"),
                   observation=dict(raw.get("observation") or {}), comparison=dict(raw.get("comparison") or {}))

    def to_dict(self) -> dict:
        return {"id": self.id, "recorded": self.recorded, "inventory_digest": self.inventory_digest,
                "observation": self.observation, "comparison": self.comparison}
