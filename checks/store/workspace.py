"""The workspace file (`*.migready.json`): everything one readiness review holds.

Inventory path and digest, flags, probe runs, checklist marks, waivers,
sign-offs, and an append-only event log.  The log is hash-chained: each
event carries the SHA-256 of the one before, so an event removed or edited
by hand is detected on load and named.  Writes are atomic (checks/store/atomic.py)
and keep the previous version as `.bak`; a damaged file gives an error that
names the file and position and leaves the `.bak` alone.  Older schema
versions are refused on load; `migready upgrade` migrates them (see `_MIGRATIONS`),
as an event in the log.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
import threading
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone
from functools import lru_cache
from importlib import resources
from glob import escape as glob_escape
from pathlib import Path
from typing import Iterator

import fastjsonschema
import jsonschema
from filelock import FileLock, Timeout

from . import events as _events
from .atomic import atomic_write_text
from ..text.i18n import Msg, _
from .problems import InputError, Problem, format_path
from . import readable_json
from .records import Attestation, DiscoveryRecord, Mark, ProbeResult, Run, Signoff, Waiver
from .safeio import StrictJSONError, followed, link_problem, loads_strict, read_regular

FORMAT = "migready-workspace"
SCHEMA_VERSION = 2
GENESIS = "0" * 64


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def canonical_json(value) -> bytes:
    """The one serialisation every digest in migready is computed over: the text a workspace saves
    a probe result as (`readable_json.compact`), so that a run's digest is spliced from those lines."""
    return readable_json.compact(value).encode("utf-8")


def run_digest(run: dict) -> str:
    """SHA-256 of a finished probe run as stored; its `probe-run-finished` event carries it, so results
    edited by hand afterwards (a fail turned into a pass) are named on load."""
    return hashlib.sha256(canonical_json(run)).hexdigest()


def run_digest_from(run: dict, results: list[str]) -> str:
    """`run_digest(run)` from its results already encoded as `canonical_json` text, in order."""
    mark = "\ue000results-" + uuid.uuid4().hex  # a string no result or run field holds
    text = canonical_json(dict(run, results=[mark])).decode("utf-8")
    placeholder = '["' + mark + '"]'
    if text.count(placeholder) != 1:
        return run_digest(run)
    return hashlib.sha256(text.replace(placeholder, "[" + ",".join(results) + "]").encode("utf-8")).hexdigest()


def event_hash(event: dict) -> str:
    body = {k: v for k, v in event.items() if k != "hash"}
    return hashlib.sha256(canonical_json(body)).hexdigest()


@lru_cache(maxsize=None)
def _validator() -> jsonschema.Draft202012Validator:
    text = resources.files("migready.resources").joinpath("schema", "workspace.schema.json").read_text("utf-8")
    return jsonschema.Draft202012Validator(json.loads(text))


@lru_cache(maxsize=None)
def _fast_validator():
    """fastjsonschema compiles the schema to Python (a 10k-item workspace: 4 s of jsonschema in `verify`'s
    re-judging, and in every load).  It speaks draft-07; the schema uses no keyword whose meaning differs
    from 2020-12 ($ref has no siblings), and tests/test_workspace_schema_agree.py holds both to the same
    answer on mutated workspaces."""
    schema = dict(_validator().schema)
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    return fastjsonschema.compile(schema)


def schema_valid(data) -> bool:
    """Whether `data` is a valid workspace document, by the compiled check."""
    try:
        _fast_validator()(data)
        return True
    except fastjsonschema.JsonSchemaException:
        return False


class Upgraded(tuple):
    """(from, to) schema versions of `Workspace.upgrade`; `inventory_recorded`: the inventory header
    ({"path", "digest"}) of a file written before it was logged, now in the log as found (else None)."""

    inventory_recorded: dict | None

    def __new__(cls, before: int, after: int, inventory_recorded: dict | None = None) -> "Upgraded":
        out = super().__new__(cls, (before, after))
        out.inventory_recorded = inventory_recorded
        return out


class WorkspaceConflict(RuntimeError):
    """Another program changed the file since we read it, or holds it now; nothing was overwritten."""


LOCK_TIMEOUT = 30.0  # seconds a writer waits for another one (a probe run holds the lock while it runs)
STATE_ACTIONS = _events.STATE_ACTIONS
NEWER_THAN_V1 = ("marks", "waivers", "signoffs", "discoveries", "attestations", "flags")


def _stamp(path: Path) -> tuple | None:
    """What identifies one version of the file on disk (None: no file)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def lock_path(path: str | Path) -> Path:
    path = Path(path)
    return path.with_name(path.name + ".lock")


def _os_lock(path: Path) -> FileLock:
    problem = link_problem(lock_path(path))  # a planted NAME.lock link: never opened (issue 23)
    if problem:
        raise _error(str(lock_path(path)), problem)
    # thread_local=False: the GUI saves from a worker thread and changes from the UI thread; the
    # threading lock beside it makes them take turns, this one keeps other processes out
    return FileLock(str(lock_path(path)), timeout=LOCK_TIMEOUT, thread_local=False, poll_interval=0.002)  # not 50 ms


def mark_from_event(event: dict) -> dict:
    return Mark.from_event(event).to_dict()


def _header_problem(data: dict, state: "_events.State") -> str | None:
    """The inventory header must be what the log last recorded (issue 23): the path and digest sit
    outside the hash chain, so without this an insider could swap the inventory under signed evidence."""
    header = data.get("inventory") or {}
    if state.inventory_logged:
        logged = state.doc["inventory"]
        if header.get("path") != logged["path"] or header.get("digest") != logged["digest"]:
            return _("inventory ({path}, digest {digest}) is not the one the event log records ({logged_path}, "
                     "digest {logged_digest}): the header was edited by hand?").format(
                         path=header.get("path"), digest=header.get("digest"), logged_path=logged["path"],
                         logged_digest=logged["digest"])
        return None
    if header.get("path") or header.get("digest"):
        return _("inventory ({path}) is not in the event log: a workspace written before migready logged its "
                 "inventory (record it as found with `migready upgrade FILE`), or a header edited by hand").format(
                     path=header.get("path"))
    return None


class Workspace:
    """The review file and its only writer.

    Every change goes through a method below, appends its event to the hash
    chain and changes the state the event describes, under one lock (a
    threading lock for the threads of one program, an OS lock on
    `NAME.lock` for other programs).  `state_problem` replays the log and
    compares; it lives here because nothing else produces the state.
    """

    def __init__(self, path: str | Path, data: dict):
        self.path = followed(path)  # through a link: one workspace, saved and locked at its target
        self.data = data
        self._stamp = None  # a new workspace: there must be no file yet
        self._lock = threading.RLock()
        self._file_lock = _os_lock(self.path) if self.path.name else None  # None: a workspace in memory only
        self._state: _events.State | None = None  # what the log says, applied to `data` (see `logged`)
        # runs still receiving results, by id; the results lists of the runs made here, each held with
        # its items as saved text, by the list's id (see `save`)
        self._open: dict[str, dict] = {}
        self._result_text: dict[int, tuple[list, list[str]]] = {}

    # -- creating, loading, upgrading ----------------------------------------------------------

    @classmethod
    def new(cls, path: str | Path, inventory_path: str = "", inventory_digest: str = "",
            by: str = "migready") -> "Workspace":
        """A workspace not yet saved; the inventory it is for is its first event."""
        ws = cls(path, {
            "format": FORMAT,
            "schema_version": SCHEMA_VERSION,
            "created": utc_now(),
            "inventory": {"path": "", "digest": ""},
            "flags": [],
            "runs": [],
            "marks": {},
            "waivers": [],
            "signoffs": [],
            "events": [],
        })
        if inventory_path or inventory_digest:
            ws.record_inventory(inventory_path, inventory_digest, by)
        return ws

    @classmethod
    def load(cls, path: str | Path) -> "Workspace":
        """Read and check a workspace.  Never rewrites it: an older schema is refused with the
        command that upgrades it, so no edit can be laundered by a silent migration."""
        path = Path(path)
        data = _read(path)
        version = data.get("schema_version")
        if version != SCHEMA_VERSION:
            if type(version) is int and 1 <= version < SCHEMA_VERSION:  # not `true`, which Python counts as 1
                raise _error(str(path), _("workspace schema version {version} is older than this migready's "
                                          "({current}); upgrade it explicitly with `migready upgrade {path}` "
                                          "(the upgrade is recorded in its log)").format(
                                              version=version, current=SCHEMA_VERSION, path=path))
            raise _error(str(path), _("workspace schema version {version} is not one this migready understands "
                                      "(1 to {current}); a newer migready wrote it?").format(
                                          version=repr(version), current=SCHEMA_VERSION))
        ws = cls(path, data)
        ws._check(str(path))
        ws._stamp = _stamp(path)
        ws._mark_unfinished_runs()
        return ws

    @classmethod
    def upgrade(cls, path: str | Path, by: str = "migready") -> Upgraded:
        """Migrate an older workspace to this schema, as an event in its log; (from, to) versions.
        A file that carries any mark of a newer version (a chained log, review state) is refused:
        a real old file cannot hold them, a downgraded one can."""
        path = followed(path)
        lock = _os_lock(path)
        with lock:
            data = _read(path)
            version = data.get("schema_version")
            if version == SCHEMA_VERSION:
                ws = cls(path, data)
                ws._check_shape(str(path))
                broken = ws.chain_problem()
                if broken:
                    raise _error(str(path), broken)
                try:
                    if not ws._record_inventory_as_found(by):
                        return Upgraded(version, version)
                except _events.UnknownAction as exc:
                    raise _error(str(path), str(exc)) from None
                ws._check(str(path))
                ws._stamp, ws._file_lock = _stamp(path), lock
                ws.save()
                return Upgraded(version, version, ws.inventory_ref)
            if type(version) is not int or not 1 <= version < SCHEMA_VERSION:
                raise _error(str(path), _("workspace schema version {version} cannot be upgraded "
                                          "(this migready knows 1 to {current})").format(
                                              version=repr(version), current=SCHEMA_VERSION))
            _refuse_newer_marks(data, str(path), version)
            for step in _MIGRATIONS[version - 1:]:
                step(data, str(path), by)
            ws = cls(path, data)
            recorded = ws._record_inventory_as_found(by)
            ws._check(str(path))
            ws._stamp, ws._file_lock = _stamp(path), lock
            ws.save()
            return Upgraded(version, SCHEMA_VERSION, ws.inventory_ref if recorded else None)

    @classmethod
    def open_or_create(cls, path: str | Path, inventory_path: str = "", inventory_digest: str = "") -> "Workspace":
        if Path(path).exists():
            return cls.load(path)
        return cls.new(path, inventory_path, inventory_digest)

    @classmethod
    @contextmanager
    def editing(cls, path: str | Path, inventory_path: str = "", inventory_digest: str = "",
                create: bool = False) -> Iterator["Workspace"]:
        """Read-modify-write under the OS lock, saved at the end (unless the block raises):
        two programs changing one workspace take turns and neither loses the other's change."""
        path = followed(path)
        lock = _os_lock(path)
        try:
            lock.acquire()
        except Timeout:
            raise WorkspaceConflict(_("{path} is being changed by another migready (lock {lock} held for over "
                                      "{seconds} s); try again when it has finished").format(
                                          path=path, lock=lock_path(path), seconds=f"{LOCK_TIMEOUT:.0f}")) from None
        except OSError as exc:  # after Timeout (one too): the lock cannot be made, e.g. a link filelock refused
            raise _lock_error(path, exc) from None
        try:
            ws = (cls.open_or_create(path, inventory_path, inventory_digest) if create else cls.load(path))
            ws._file_lock = lock  # reentrant: save() takes it again
            before = len(ws.events)
            yield ws
            if len(ws.events) != before:  # nothing recorded, nothing written (and no empty file made)
                ws.save()
        finally:
            lock.release()

    def _check(self, shown: str) -> None:
        self._check_shape(shown)
        broken = self.chain_problem() or self.state_problem()
        if broken:
            raise _error(shown, broken)

    def _check_shape(self, shown: str) -> None:
        """The schema, and real dates in the waivers: InputError names every problem."""
        problems = [] if schema_valid(self.data) else [  # jsonschema explains every problem when there is one
            Problem(shown, 0, 0, format_path(tuple(e.absolute_path)), e.message)
            for e in _validator().iter_errors(self.data)]
        waivers = self.data.get("waivers")
        for index, waiver in enumerate(waivers if isinstance(waivers, list) else ()):
            if not isinstance(waiver, dict):
                continue  # the schema has named it
            try:
                _dt.date.fromisoformat(waiver["until"])
            except (ValueError, TypeError, KeyError):
                problems.append(Problem(shown, 0, 0, f"waivers[{index}].until",
                                        _("{value} is not a real date").format(value=repr(waiver.get("until")))))
        if problems:
            raise InputError(problems)

    def _record_inventory_as_found(self, by: str) -> bool:
        """A workspace written before the inventory was logged: its header goes into the log as found
        (what `upgrade` does; the header is then held to the chain).  False: nothing to record."""
        inventory = self.data.get("inventory") or {}
        if self.logged.inventory_logged or not (inventory.get("path") or inventory.get("digest")):
            return False
        self.log(by, _events.INVENTORY, path=inventory.get("path"), digest=inventory.get("digest"), as_found=True)
        return True

    def _mark_unfinished_runs(self) -> None:
        """A run is complete only when its finished event says so: a run whose finished event is
        missing (the program was killed, or the end of the log was cut off) cannot clear anything."""
        finished = self.logged.finished
        for run in self.runs:
            logged = finished.get(run.get("id"))
            if logged is None and run.get("complete"):
                run["complete"] = False
                run["error"] = Msg("its finished event is not in the log (cut short, or the log was truncated)")

    # -- contents (read them; change them only through the methods below) -----------------------

    @property
    def runs(self) -> list[dict]:
        return self.data["runs"]

    @property
    def events(self) -> list[dict]:
        return self.data["events"]

    @property
    def waivers(self) -> list[dict]:
        return self.data["waivers"]

    @property
    def marks(self) -> dict:
        return self.data["marks"]

    @property
    def signoffs(self) -> list[dict]:
        return self.data["signoffs"]

    @property
    def discoveries(self) -> list[dict]:
        return self.data.get("discoveries") or []

    @property
    def attestations(self) -> list[dict]:
        return self.data.get("attestations") or []

    @property
    def inventory_ref(self) -> dict:
        """{"path", "digest"} of the inventory this review was started with."""
        return dict(self.data["inventory"])

    def run(self, run_id: str) -> dict | None:
        return next((r for r in self.runs if r.get("id") == run_id), None)

    # the same contents as typed records (checks/store/records.py): what the review stage takes

    def run_records(self) -> list[Run]:
        return [Run.from_dict(r) for r in self.runs]

    def mark_records(self) -> dict[str, Mark]:
        return {item: Mark.from_dict(item, raw) for item, raw in self.marks.items()}

    def waiver_records(self) -> list[Waiver]:
        return [Waiver.from_dict(w) for w in self.waivers]

    def signoff_records(self) -> list[Signoff]:
        return [Signoff.from_dict(s) for s in self.signoffs]

    def attestation_records(self) -> list[Attestation]:
        return [Attestation.from_dict(a) for a in self.attestations]

    def discovery_records(self) -> list[DiscoveryRecord]:
        return [DiscoveryRecord.from_dict(d) for d in self.discoveries]

    def inventory_changed(self, digest: str) -> bool:
        recorded = self.data["inventory"].get("digest")
        return bool(recorded) and recorded != digest

    def attestation_of(self, run_id: str) -> dict | None:
        return next((a for a in reversed(self.attestations) if a.get("run") == run_id), None)

    def evidence_head(self) -> dict:
        """The hash and sequence number of the last event that changed the evidence (everything but a
        sign-off): the report's content carries it, so the signed content covers the whole log up to
        there, and a log cut short before signing shows as another head."""
        last = next((e for e in reversed(self.events) if e.get("action") in STATE_ACTIONS
                     and e.get("action") != "signoff"), None)
        return {"seq": last.get("seq"), "hash": last.get("hash")} if last else {"seq": 0, "hash": GENESIS}

    def run_logged_digest(self, run_id: str) -> str | None:
        finished = self.logged.finished.get(run_id)
        return finished.get("digest") if finished else None

    @property
    def logged(self) -> _events.State:
        """What the log says (checks/store/events.py), its document being this workspace's own data:
        replayed once, then kept up to date by `log`."""
        if self._state is None:
            replayed = _events.replay(self.events)
            self._state = _events.State(self.data, replayed.started, replayed.finished, replayed.discoveries,
                                        replayed.inventory_logged)
        return self._state

    # -- the only ways it changes --------------------------------------------------------------

    def changing(self):
        """Held around a compound change (check, then record) so that no other thread's change or
        autosave comes between."""
        return self._lock

    def log(self, actor: str, action: str, **details) -> dict:
        """Append an event to the hash chain and apply it (checks/store/events.py: the one table from
        an event to the state it makes).  An action without a handler is refused before anything is
        appended.  Callers use the methods below (record_mark, record_waiver, ...), which say what
        each action needs."""
        with self._lock:
            apply = _events.handler(action)
            state = self.logged
            previous = self.events[-1]["hash"] if self.events else GENESIS
            event = {"seq": len(self.events) + 1, "at": utc_now(), "by": actor, "action": action,
                     "details": details, "prev": previous}
            event["hash"] = event_hash(event)
            self.events.append(event)
            apply(state, event)
            return event

    def record_inventory(self, path: str, digest: str, by: str = "migready") -> dict:
        """The inventory this review is judged against (on create, and when it is replaced): logged, so the
        header's path and digest are held to the hash chain."""
        with self._lock:
            self.log(by, _events.INVENTORY, path=str(path), digest=digest)
            return self.inventory_ref

    def start_run(self, run: dict, by: str = "migready") -> dict:
        """Open a probe run (its results arrive with add_result); returns the stored run."""
        with self._lock:
            run = dict(run, results=list(run.get("results") or ()), complete=False, finished=None)
            run["id"] = run.get("id") or f"run-{len(self.runs) + 1}"
            if sum(1 for r in self.runs if r.get("id") == run["id"]):
                raise ValueError(_("this workspace already has a run {run}").format(run=run["id"]))
            self.runs.append(run)
            self._open[run["id"]] = run
            self._result_text[id(run["results"])] = (run["results"], [readable_json.compact(r) for r in run["results"]])
            self.log(by, "probe-run-started", run=run["id"], phase=run.get("phase"), host=run.get("host"))
            return run

    def update_run(self, run_id: str, **fields) -> None:
        """Facts about a run still in progress (agent version, host facts)."""
        with self._lock:
            run = self._open_run(run_id)
            run.update(fields)

    def add_result(self, run_id: str, result: ProbeResult | dict) -> dict:
        with self._lock:
            record = result.to_dict() if isinstance(result, ProbeResult) else dict(result)
            results = self._open_run(run_id)["results"]
            results.append(record)
            held = self._result_text.get(id(results))
            if held is not None and held[0] is results:
                held[1].append(readable_json.compact(record))
            return record

    def finish_run(self, run_id: str, complete: bool, error: str | None = None, by: str = "migready",
                   **extra) -> dict:
        """Close a run; its finished event carries the digest that ties its results to the log."""
        with self._lock:
            run = self._open_run(run_id)
            run.update(complete=bool(complete), error=error, finished=utc_now())
            self._open.pop(run_id, None)
            return self.log(by, "probe-run-finished", run=run_id, complete=run["complete"],
                            results=len(run["results"]), digest=self._run_digest(run), **extra)

    def record_run(self, run: dict, by: str = "migready") -> dict:
        """Add a whole probe run made elsewhere (an import, a benchmark), logged as a live run is."""
        with self._lock:
            stored = self.start_run({k: v for k, v in run.items() if k not in ("complete", "finished", "error")},
                                    by)
            stored.update({k: run[k] for k in ("finished", "error") if k in run})
            complete = run.get("complete", True)
            self.log(by, "probe-run-finished", run=stored["id"], complete=complete,
                     results=len(stored["results"]),
                     digest=self._run_digest(dict(stored, complete=complete)))
            stored["complete"] = complete
            return stored

    def attest_run(self, attestation: Attestation | dict, by: str | None = None) -> dict:
        """Record a signature over a finished run's digest (checks/attest.py makes it)."""
        with self._lock:
            entry = attestation.to_dict() if isinstance(attestation, Attestation) else dict(attestation)
            run = self.run(entry.get("run"))
            if run is None or self.run_logged_digest(run["id"]) is None:
                raise ValueError(_("run {run} is not a finished run of this workspace").format(run=entry.get("run")))
            self.log(by or entry.get("name") or "migready", "run-attested", attestation=entry)
            return entry

    def record_mark(self, item_id: str, state: str, by: str, note: str, previous: str) -> dict:
        with self._lock:
            self.log(by, "mark", item=item_id, state=state, note=note, previous=previous)
            return self.marks[item_id]

    def record_waiver(self, waiver: dict, by: str) -> dict:
        """Store a waiver (checks/review/verdict.py `waive` checks it first); it gets the next id."""
        with self._lock:
            waiver = dict(waiver, id=f"W{len(self.waivers) + 1}", by=by, granted=utc_now())
            self.log(by, "waive", waiver=waiver)
            return waiver

    def add_signoff(self, entry: dict) -> None:
        """Record a signed sign-off (checks/trust/signing.py `sign`) and log it: the log vouches for it."""
        with self._lock:
            self.log(entry["name"], "signoff", signoff=entry)

    def add_discovery(self, record: dict, by: str = "migready", **summary) -> dict:
        """Append a discovery record (it gets the next id); its event carries the record's digest."""
        with self._lock:
            items = self.data.setdefault("discoveries", [])
            record = dict(record, id=f"discovery-{len(items) + 1}")
            items.append(record)
            self.log(by, "discovery-recorded", discovery=record["id"], **summary,
                     digest=hashlib.sha256(canonical_json(record)).hexdigest())
            return record

    def saved_as(self, path: str | Path, by: str) -> None:
        """Save As: from now on this workspace is the file at `path`, replacing what is there
        (the person chose it), so the next save must not see it as another writer's change."""
        with self._lock:
            self.path = followed(path)  # Save As onto a link: the file it points to (as opening it would)
            self._file_lock = _os_lock(self.path)
            self._stamp = _stamp(self.path)
            self.log(by, "workspace-saved-as", path=str(path))

    def move_to(self, path: str | Path) -> None:
        with self._lock:
            self.path = followed(path)
            self._file_lock = _os_lock(self.path)
            self._stamp = _stamp(self.path)

    def _run_digest(self, run: dict) -> str:
        """`run_digest(run)`, from its results' saved text when this workspace holds all of it
        (40,000 results were encoded once more at the end of a fan-out, on its critical path)."""
        held = self._result_text.get(id(run["results"]))
        if held is None or held[0] is not run["results"] or len(held[1]) != len(run["results"]):
            return run_digest(run)
        return run_digest_from(run, held[1])

    def _open_run(self, run_id: str) -> dict:
        run = self._open.get(run_id) or self.run(run_id)
        if run is None:
            raise KeyError(f"no run {run_id}")
        return run

    # -- checks ---------------------------------------------------------------------------------

    def chain_problem(self) -> str | None:
        """None when the event log is intact, else which event was removed or edited."""
        previous = GENESIS
        for index, event in enumerate(self.events):
            what = _("event {n} ({action} by {by} at {at})").format(n=index + 1, action=event.get("action"),
                                                                      by=event.get("by"), at=event.get("at"))
            if event.get("seq") != index + 1:
                return _("event log: {event} has sequence number {seq}: an event before it was removed").format(
                    event=what, seq=event.get("seq"))
            if event.get("prev") != previous:
                return _("event log: {event} does not follow the event before it: an event was removed or "
                         "edited").format(event=what)
            if event.get("hash") != event_hash(event):
                return _("event log: {event} was edited after it was recorded").format(event=what)
            previous = event["hash"]
        return None

    def state_problem(self) -> str | None:
        """Runs, marks, waivers, sign-offs, attestations, discoveries and the inventory header must be
        what the event log says was done (replayed through checks/store/events.py): a hand edit is named."""
        try:
            replayed = _events.replay(self.events)
        except _events.UnknownAction as exc:
            return str(exc)
        finished = dict(replayed.finished)
        for index, run in enumerate(self.runs):
            if run.get("id") not in replayed.started:
                return _("{where} ({run}) is not in the event log: added by hand?").format(
                    where=f"runs[{index}]", run=run.get("id"))
            # a run without its finished event was cut short: kept, but it counts as incomplete
            if run.get("id") in finished and run_digest(run) != finished.pop(run.get("id")).get("digest"):
                return _("{where} ({run}) does not match the event log: results edited by hand?").format(
                    where=f"runs[{index}]", run=run.get("id"))
        if finished:
            return _("probe run {run} is in the event log but not in the workspace: removed?").format(
                run=sorted(finished, key=str)[0])
        digests = dict(replayed.discoveries)
        for index, record in enumerate(self.discoveries):
            if not isinstance(record, dict) or \
                    hashlib.sha256(canonical_json(record)).hexdigest() != digests.pop(record.get("id"), None):
                return _("{where} does not match the event log: edited by hand?").format(where=f"discoveries[{index}]")
        if digests:
            return _("discovery {discovery} is in the event log but not in the workspace: removed?").format(
                discovery=sorted(digests, key=str)[0])
        marks = replayed.doc["marks"]
        for item in sorted(set(marks) | set(self.marks), key=str):
            if marks.get(item) != self.marks.get(item):
                return _("{where} does not match the event log: edited by hand?").format(where=f"marks[{item!r}]")
        for key in ("waivers", "signoffs", "attestations"):
            expected, stored = replayed.doc[key], self.data.get(key) or []
            for index in range(max(len(expected), len(stored))):
                if (stored[index] if index < len(stored) else None) != \
                        (expected[index] if index < len(expected) else None):
                    return _("{where} does not match the event log: edited by hand?").format(where=f"{key}[{index}]")
        return _header_problem(self.data, replayed)

    # -- saving -----------------------------------------------------------------------------------

    def save(self) -> None:
        """Write atomically, under the OS lock; refuse to overwrite changes another program made
        since we read the file.  Temp files a killed save left behind are removed."""
        with self._lock:
            try:
                self._file_lock.acquire()
            except Timeout:
                raise WorkspaceConflict(_("{path} is being changed by another migready (lock {lock} held for over "
                                          "{seconds} s); nothing was overwritten").format(
                                              path=self.path, lock=lock_path(self.path),
                                              seconds=f"{LOCK_TIMEOUT:.0f}")) from None
            except OSError as exc:
                raise _lock_error(self.path, exc) from None
            try:
                if _stamp(self.path) != self._stamp:
                    raise WorkspaceConflict(_("{path} was changed by another program since it was opened; "
                                              "reopen it (nothing was overwritten)").format(path=self.path))
                self.data["updated"] = utc_now()
                # indented at the top, C-encoded below; the results of runs made here as encoded when they
                # came (a fan-out's paced saves encoded every result again each time: bench/README.md, the
                # fleet).  A stored result is never changed in place: its run's digest would name it on load.
                text = readable_json.dumps(self.data, known={key: texts for key, (_, texts) in self._result_text.items()},
                                           end="\n")
                atomic_write_text(self.path, text)
                self._stamp = _stamp(self.path)
                remove_stale_temps(self.path)
            finally:
                self._file_lock.release()


def _read(path: Path) -> dict:
    shown = str(path)
    try:  # a FIFO or device is refused at once; size and depth bounded, NaN refused (checks/store/safeio.py)
        text = read_regular(path).decode("utf-8")
    except OSError as exc:
        raise _error(shown, _("cannot read workspace: {error}").format(error=exc.strerror or exc)) from None
    except UnicodeDecodeError:
        raise _error(shown, _("workspace is not valid UTF-8 (damaged?)") + _bak_hint(path)) from None
    try:
        data = loads_strict(text)
    except StrictJSONError as exc:
        raise InputError([Problem(shown, exc.lineno, exc.colno, "",
                                  _("workspace refused: {reason}").format(reason=exc.msg))]) from None
    except json.JSONDecodeError as exc:
        raise InputError([Problem(shown, exc.lineno, exc.colno, "",
                                  _("workspace is not valid JSON ({reason}); truncated or edited?").format(
                                      reason=exc.msg) + _bak_hint(path))]) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _error(shown, _('not a migready workspace (no "format": "{format}")').format(format=FORMAT))
    return data


def _refuse_newer_marks(data: dict, shown: str, version: int) -> None:
    found = [key for key in NEWER_THAN_V1 if key in data]
    events = data.get("events")
    if isinstance(events, list) and any(isinstance(e, dict) and ("hash" in e or "prev" in e) for e in events):
        found.append(_("a hash-chained event log"))
    if found:
        raise _error(shown, _("says schema version {version} but holds what only a newer version writes "
                              "({found}): edited to look older?  Not upgraded").format(
                                  version=version, found=", ".join(found)))


def remove_stale_temps(path: Path) -> None:
    """Temp files of `atomic_write` that a killed save left (only writers holding the lock make them)."""
    for stale in path.parent.glob(f".{glob_escape(path.name)}.*.tmp"):
        try:
            stale.unlink()
        except OSError:
            pass


def _lock_error(path: Path, exc: OSError) -> InputError:
    lock = lock_path(path)
    return _error(str(lock), link_problem(lock) or _("cannot take the lock: {reason}").format(
        reason=exc.strerror or exc))


def _error(shown: str, message: str) -> InputError:
    return InputError([Problem(shown, 0, 0, "", message)])


def _bak_hint(path: Path) -> str:
    backup = path.with_name(path.name + ".bak")
    return _("; the previous good copy is {backup}").format(backup=backup) if backup.exists() else ""


# -- schema migrations: _MIGRATIONS[n - 1] turns version n into n + 1 -----------------------------


def _v1_to_v2(data: dict, shown: str, by: str = "migready") -> None:
    """v1 (the first probe runs) had free-form events; v2 chains them and adds the review state."""
    events = data.get("events", [])
    if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
        raise _error(shown, _("events: a version 1 workspace must hold a list of events (objects); damaged?"))
    for key, empty in (("flags", []), ("marks", {}), ("waivers", []), ("signoffs", [])):
        data.setdefault(key, empty)
    previous, chained = GENESIS, []
    for seq, old in enumerate(events, start=1):
        action = old.get("action")
        details = {k: v for k, v in old.items() if k not in ("at", "by", "action")}
        if action not in _events.APPLY:  # v1 logged free-form actions: kept as notes, under their own name
            action, details = "note", dict(details, v1_action=action)
        event = {"seq": seq, "at": old.get("at", ""), "by": old.get("by", "unknown"),
                 "action": action, "details": details, "prev": previous}
        event["hash"] = previous = event_hash(event)
        chained.append(event)
    data["events"] = chained
    data["schema_version"] = 2
    migrated = Workspace("", data)
    migrated.log(by, "workspace-migrated", from_version=1, to_version=2)
    started = {e["details"].get("run") for e in chained if e["action"] == "probe-run-started"}
    for run in data.get("runs") or ():  # v1 did not tie results to the log: from here on, they are (as found)
        if run.get("id") not in started:
            migrated.log("migready", "probe-run-started", run=run.get("id"), phase=run.get("phase"),
                         host=run.get("host"), migrated=True)
        migrated.log("migready", "probe-run-finished", run=run.get("id"), complete=run.get("complete"),
                     results=len(run.get("results") or ()), digest=run_digest(run), migrated=True)


_MIGRATIONS = [_v1_to_v2]
