"""The workspace file (`*.migready.json`): everything one readiness review holds.

Inventory path and digest, flags, probe runs, checklist marks, waivers,
sign-offs, and an append-only event log.  The log is hash-chained: each
event carries the SHA-256 of the one before, so an event removed or edited
by hand is detected on load and named.  Writes are atomic (checks/atomic.py)
and keep the previous version as `.bak`; a damaged file gives an error that
names the file and position and leaves the `.bak` alone.  Older schema
versions are migrated on load (see `_MIGRATIONS`).
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
from contextlib import nullcontext
from datetime import datetime, timezone
from functools import lru_cache
from importlib import resources
from pathlib import Path

import jsonschema

from .atomic import atomic_write_text
from .problems import InputError, Problem, format_path
from .safeio import StrictJSONError, loads_strict, read_regular

FORMAT = "migready-workspace"
SCHEMA_VERSION = 2
GENESIS = "0" * 64


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def canonical_json(value) -> bytes:
    """The one serialisation every digest in migready is computed over."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def run_digest(run: dict) -> str:
    """SHA-256 of a finished probe run as stored; its `probe-run-finished` event carries it, so results
    edited by hand afterwards (a fail turned into a pass) are named on load."""
    return hashlib.sha256(canonical_json(run)).hexdigest()


def event_hash(event: dict) -> str:
    body = {k: v for k, v in event.items() if k != "hash"}
    return hashlib.sha256(canonical_json(body)).hexdigest()


@lru_cache(maxsize=None)
def _validator() -> jsonschema.Draft202012Validator:
    text = resources.files("migready.resources").joinpath("schema", "workspace.schema.json").read_text("utf-8")
    return jsonschema.Draft202012Validator(json.loads(text))


class WorkspaceConflict(RuntimeError):
    pass


def _stamp(path: Path) -> tuple | None:
    """What identifies one version of the file on disk (None: no file)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def mark_from_event(event: dict) -> dict:
    details = event["details"]
    return {"state": details.get("state"), "by": event["by"], "note": details.get("note"), "at": event["at"]}


class Workspace:
    def __init__(self, path: str | Path, data: dict):
        self.path = Path(path)
        self.data = data
        self._stamp = None  # a new workspace: there must be no file yet

    # -- creating and loading --------------------------------------------------------------

    @classmethod
    def new(cls, path: str | Path, inventory_path: str = "", inventory_digest: str = "") -> "Workspace":
        return cls(path, {
            "format": FORMAT,
            "schema_version": SCHEMA_VERSION,
            "created": utc_now(),
            "inventory": {"path": inventory_path, "digest": inventory_digest},
            "flags": [],
            "runs": [],
            "marks": {},
            "waivers": [],
            "signoffs": [],
            "events": [],
        })

    @classmethod
    def load(cls, path: str | Path) -> "Workspace":
        path = Path(path)
        shown = str(path)
        try:
            text = read_regular(path).decode("utf-8")
        except OSError as exc:
            raise _error(shown, f"cannot read workspace: {exc.strerror or exc}") from None
        except UnicodeDecodeError:
            raise _error(shown, "workspace is not valid UTF-8 (damaged?)" + _bak_hint(path)) from None
        try:
            data = loads_strict(text)
        except StrictJSONError as exc:
            raise InputError([Problem(shown, exc.lineno, exc.colno, "", f"workspace refused: {exc.msg}")]) from None
        except json.JSONDecodeError as exc:
            raise InputError([Problem(shown, exc.lineno, exc.colno, "",
                                      f"workspace is not valid JSON ({exc.msg}); truncated or edited?"
                                      + _bak_hint(path))]) from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise _error(shown, f'not a migready workspace (no "format": "{FORMAT}")')
        version = data.get("schema_version")
        if not isinstance(version, int) or not 1 <= version <= SCHEMA_VERSION:
            raise _error(shown, f"workspace schema version {version!r} is not one this migready understands "
                                f"(1 to {SCHEMA_VERSION}); a newer migready wrote it?")
        for step in _MIGRATIONS[version - 1:]:
            step(data, shown)
        problems = [Problem(shown, 0, 0, format_path(tuple(e.absolute_path)), e.message)
                    for e in _validator().iter_errors(data)]
        for index, waiver in enumerate(data["waivers"] if isinstance(data.get("waivers"), list) else ()):
            if not isinstance(waiver, dict) or not isinstance(waiver.get("until"), str):
                continue  # the schema has named it
            try:
                _dt.date.fromisoformat(waiver["until"])
            except ValueError:
                problems.append(Problem(shown, 0, 0, f"waivers[{index}].until",
                                        f"{waiver['until']!r} is not a real date"))
        if problems:
            raise InputError(problems)
        ws = cls(path, data)
        broken = ws.chain_problem() or ws.state_problem()
        if broken:
            raise _error(shown, broken)
        ws._stamp = _stamp(path)
        return ws

    @classmethod
    def open_or_create(cls, path: str | Path, inventory_path: str = "", inventory_digest: str = "") -> "Workspace":
        if Path(path).exists():
            return cls.load(path)
        return cls.new(path, inventory_path, inventory_digest)

    # -- contents ---------------------------------------------------------------------------

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

    def inventory_changed(self, digest: str) -> bool:
        recorded = self.data["inventory"].get("digest")
        return bool(recorded) and recorded != digest

    def log(self, actor: str, action: str, **details) -> dict:
        """Append an event to the hash chain; the only way anything is recorded as done."""
        previous = self.events[-1]["hash"] if self.events else GENESIS
        event = {"seq": len(self.events) + 1, "at": utc_now(), "by": actor, "action": action,
                 "details": details, "prev": previous}
        event["hash"] = event_hash(event)
        self.events.append(event)
        return event

    def changing(self):
        """Held around a change that logs an event and records its state.  Nothing to hold for one
        thread; the GUI's workspace (gui/jobs.py) returns its lock, shared with the autosave."""
        return nullcontext()

    def record_run(self, run: dict, by: str = "migready") -> dict:
        """Add a whole probe run made elsewhere (a migration, an import), logged as a live run is:
        started, then finished with the digest that ties its results to the log."""
        self.runs.append(run)
        self.log(by, "probe-run-started", run=run["id"], phase=run.get("phase"), host=run.get("host"))
        self.log_run_finished(run, by)
        return run

    def log_run_finished(self, run: dict, by: str = "migready", **extra) -> dict:
        """The event that ties a run's results to the log (`state_problem` checks the digest)."""
        return self.log(by, "probe-run-finished", run=run.get("id"), complete=run.get("complete"),
                        results=len(run.get("results") or ()), digest=run_digest(run), **extra)

    def add_signoff(self, entry: dict) -> None:
        """Record a signed sign-off (checks/signing.py `sign`) and log it: the log vouches for it."""
        self.log(entry["name"], "signoff", signoff=entry)
        self.data["signoffs"].append(entry)

    def move_to(self, path: str | Path) -> None:
        """Save As: from now on this workspace is the file at `path`, replacing what is there
        (the person chose it), so the next save must not see it as another writer's change."""
        self.path = Path(path)
        self._stamp = _stamp(self.path)

    def chain_problem(self) -> str | None:
        """None when the event log is intact, else which event was removed or edited."""
        previous = GENESIS
        for index, event in enumerate(self.events):
            what = f"event {index + 1} ({event.get('action')} by {event.get('by')} at {event.get('at')})"
            if event.get("seq") != index + 1:
                return f"event log: {what} has sequence number {event.get('seq')}: an event before it was removed"
            if event.get("prev") != previous:
                return f"event log: {what} does not follow the event before it: an event was removed or edited"
            if event.get("hash") != event_hash(event):
                return f"event log: {what} was edited after it was recorded"
            previous = event["hash"]
        return None

    def state_problem(self) -> str | None:
        """Runs, marks, waivers, sign-offs and discoveries must be what the event log says was done:
        a hand edit is named."""
        marks, logged, digests = {}, {"waivers": [], "signoffs": []}, {}
        started, finished = set(), {}
        for event in self.events:
            if event["action"] == "mark":
                marks[event["details"].get("item")] = mark_from_event(event)
            elif event["action"] == "waive":
                logged["waivers"].append(event["details"].get("waiver"))
            elif event["action"] == "signoff":
                logged["signoffs"].append(event["details"].get("signoff"))
            elif event["action"] == "discovery-recorded":
                digests[event["details"].get("discovery")] = event["details"].get("digest")
            elif event["action"] == "probe-run-started":
                started.add(event["details"].get("run"))
            elif event["action"] == "probe-run-finished":
                finished[event["details"].get("run")] = event["details"].get("digest")
        for index, run in enumerate(self.runs):
            if run.get("id") not in started:
                return f"runs[{index}] ({run.get('id')}) is not in the event log: added by hand?"
            # a run without its finished event was cut short (the program was killed): kept as it is
            if run.get("id") in finished and run_digest(run) != finished.pop(run.get("id")):
                return f"runs[{index}] ({run.get('id')}) does not match the event log: results edited by hand?"
        if finished:
            return f"probe run {sorted(finished)[0]} is in the event log but not in the workspace: removed?"
        for index, record in enumerate(self.data.get("discoveries", [])):
            if hashlib.sha256(canonical_json(record)).hexdigest() != digests.pop(record.get("id"), None):
                return f"discoveries[{index}] does not match the event log: edited by hand?"
        if digests:
            return f"discovery {sorted(digests)[0]} is in the event log but not in the workspace: removed?"
        for item in sorted(set(marks) | set(self.marks)):
            if marks.get(item) != self.marks.get(item):
                return f"marks[{item!r}] does not match the event log: edited by hand?"
        for key, expected in logged.items():
            stored = self.data[key]
            for index in range(max(len(expected), len(stored))):
                if (stored[index] if index < len(stored) else None) != \
                        (expected[index] if index < len(expected) else None):
                    return f"{key}[{index}] does not match the event log: edited by hand?"
        return None

    def save(self) -> None:
        """Write atomically; refuse to overwrite changes another program made since we read the file."""
        if _stamp(self.path) != self._stamp:
            raise WorkspaceConflict(
                f"{self.path} was changed by another program since it was opened; "
                "reopen it (nothing was overwritten)")
        self.data["updated"] = utc_now()
        text = json.dumps(self.data, ensure_ascii=False, indent=1, sort_keys=True)
        atomic_write_text(self.path, text + "\n")
        self._stamp = _stamp(self.path)


def _error(shown: str, message: str) -> InputError:
    return InputError([Problem(shown, 0, 0, "", message)])


def _bak_hint(path: Path) -> str:
    backup = path.with_name(path.name + ".bak")
    return f"; the previous good copy is {backup}" if backup.exists() else ""


# -- schema migrations: _MIGRATIONS[n - 1] turns version n into n + 1 -----------------------------


def _v1_to_v2(data: dict, shown: str) -> None:
    """v1 (the first probe runs) had free-form events; v2 chains them and adds the review state."""
    events = data.get("events", [])
    if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
        raise _error(shown, "events: a version 1 workspace must hold a list of events (objects); damaged?")
    for key, empty in (("flags", []), ("marks", {}), ("waivers", []), ("signoffs", [])):
        data.setdefault(key, empty)
    previous, chained = GENESIS, []
    for seq, old in enumerate(events, start=1):
        event = {"seq": seq, "at": old.get("at", ""), "by": old.get("by", "unknown"),
                 "action": old.get("action", "unknown"),
                 "details": {k: v for k, v in old.items() if k not in ("at", "by", "action")},
                 "prev": previous}
        event["hash"] = previous = event_hash(event)
        chained.append(event)
    data["events"] = chained
    data["schema_version"] = 2
    migrated = Workspace("", data)
    migrated.log("migready", "workspace-migrated", from_version=1, to_version=2)
    started = {e["details"].get("run") for e in chained if e["action"] == "probe-run-started"}
    for run in data.get("runs") or ():  # v1 did not tie results to the log: from here on, they are (as found)
        if run.get("id") not in started:
            migrated.log("migready", "probe-run-started", run=run.get("id"), phase=run.get("phase"),
                         host=run.get("host"), migrated=True)
        migrated.log_run_finished(run, migrated=True)


_MIGRATIONS = [_v1_to_v2]
