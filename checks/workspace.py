"""The workspace file (`*.migready.json`): everything one readiness review holds.

This module owns reading and writing it.  Writes are atomic (checks/atomic.py)
and keep the previous version as `.bak`; a file that does not parse gives an
error naming the file and the position, and the `.bak` is left untouched.
Probe runs are stored as they come in, so a dropped connection or Ctrl-C
keeps every result that arrived.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from .atomic import atomic_write_text
from .problems import InputError, Problem

FORMAT = "migready-workspace"
SCHEMA_VERSION = 1


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Workspace:
    def __init__(self, path: str | Path, data: dict):
        self.path = Path(path)
        self.data = data

    @classmethod
    def new(cls, path: str | Path, inventory_path: str = "", inventory_digest: str = "") -> "Workspace":
        return cls(path, {
            "format": FORMAT,
            "schema_version": SCHEMA_VERSION,
            "created": utc_now(),
            "inventory": {"path": inventory_path, "digest": inventory_digest},
            "runs": [],
            "events": [],
        })

    @classmethod
    def load(cls, path: str | Path) -> "Workspace":
        path = Path(path)
        shown = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError([Problem(shown, 0, 0, "", f"cannot read workspace: {exc.strerror or exc}")]) from None
        except UnicodeDecodeError:
            raise InputError([Problem(shown, 0, 0, "", "workspace is not valid UTF-8 (damaged?)" + _bak_hint(path))]) from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError([Problem(shown, exc.lineno, exc.colno, "",
                                      f"workspace is not valid JSON ({exc.msg}); truncated or edited?"
                                      + _bak_hint(path))]) from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise InputError([Problem(shown, 1, 1, "", f"not a migready workspace (no \"format\": \"{FORMAT}\")")])
        version = data.get("schema_version")
        if not isinstance(version, int) or version > SCHEMA_VERSION:
            raise InputError([Problem(shown, 1, 1, "schema_version",
                                      f"workspace schema version {version!r} is newer than this migready "
                                      f"understands ({SCHEMA_VERSION}); upgrade migready")])
        data.setdefault("runs", [])
        data.setdefault("events", [])
        return cls(path, data)

    @classmethod
    def open_or_create(cls, path: str | Path, inventory_path: str = "", inventory_digest: str = "") -> "Workspace":
        if Path(path).exists():
            ws = cls.load(path)
            if inventory_digest and not ws.data["inventory"].get("digest"):
                ws.data["inventory"] = {"path": inventory_path, "digest": inventory_digest}
            return ws
        return cls.new(path, inventory_path, inventory_digest)

    @property
    def runs(self) -> list[dict]:
        return self.data["runs"]

    def inventory_changed(self, digest: str) -> bool:
        recorded = self.data.get("inventory", {}).get("digest")
        return bool(recorded) and recorded != digest

    def log(self, actor: str, action: str, **details) -> None:
        self.data["events"].append({"at": utc_now(), "by": actor, "action": action, **details})

    def save(self) -> None:
        self.data["updated"] = utc_now()
        text = json.dumps(self.data, ensure_ascii=False, indent=1, sort_keys=True)
        atomic_write_text(self.path, text + "\n")


def _bak_hint(path: Path) -> str:
    backup = path.with_name(path.name + ".bak")
    return f"; the previous good copy is {backup}" if backup.exists() else ""
