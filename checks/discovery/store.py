"""Discoveries in the workspace: a top-level `discoveries` list, append-only.

Each record holds the observation (peers, listeners, where and when), the
comparison with the inventory (findings, matched peers) and the inventory
digest it was compared with; recording also appends a hash-chained event carrying the record's SHA-256
(`record_digest`), so a record edited by hand can be told from the log.
The caller saves the workspace.
"""
from __future__ import annotations

import hashlib

from ..inventory.model import Inventory
from ..store.workspace import Workspace, canonical_json, utc_now
from .classify import DiscoveryReport
from .model import Observation

KEY = "discoveries"


def discoveries(workspace: Workspace) -> list[dict]:
    return workspace.discoveries


def record_discovery(workspace: Workspace, observation: Observation, report: DiscoveryReport,
                     inventory: Inventory, by: str = "migready") -> dict:
    """Append one discovery record and log it; returns the record."""
    record = {
        "recorded": utc_now(),
        "inventory_digest": inventory.digest,
        "observation": observation.to_dict(),
        "comparison": report.to_dict(),
    }
    return workspace.add_discovery(record, by, source=observation.source, origin=observation.origin,
                                   complete=observation.complete, peers=len(observation.peers),
                                   findings=report.kinds())


def record_digest(record: dict) -> str:
    """SHA-256 of the record as recorded; the event carries it, so a hand edit can be seen."""
    return hashlib.sha256(canonical_json(record)).hexdigest()

