"""What a review is judged from, read out of the workspace once, as records.

The review stage reads; only the workspace writes (checks/store/workspace.py).
So `review` takes the workspace's contents here, at its start: the runs that
count as evidence (attested ones only when the inventory asks, which the
trust stage decides), the marks, the waivers and the discoveries as typed
records, and the inventory the workspace was started with.  Everything after
(the checklist, the comparison, the verdict) is judged from this.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..inventory.model import Inventory
from ..store.records import DiscoveryRecord, Mark, Waiver
from ..store.workspace import Workspace
from ..trust.provenance import evidence_runs


@dataclass(frozen=True)
class ReviewInput:
    runs: list  # the evidence runs as stored (their 10k results stay JSON: converting them costs the review its time)
    run_notes: list = field(default_factory=list)  # runs left out of the evidence, and why
    marks: dict = field(default_factory=dict)  # item id -> Mark
    waivers: list = field(default_factory=list)  # of Waiver
    discoveries: list = field(default_factory=list)  # of DiscoveryRecord
    inventory_digest: str = ""  # of the inventory the workspace was started with ("" : none recorded)

    @classmethod
    def of(cls, inventory: Inventory, workspace: Workspace) -> "ReviewInput":
        runs, notes = evidence_runs(inventory, workspace)
        return cls(runs, notes, workspace.mark_records(), workspace.waiver_records(), workspace.discovery_records(),
                   workspace.inventory_ref.get("digest") or "")

    def inventory_changed(self, inventory: Inventory) -> bool:
        return bool(self.inventory_digest) and self.inventory_digest != inventory.digest


__all__ = ["ReviewInput", "DiscoveryRecord", "Mark", "Waiver"]
