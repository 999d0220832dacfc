"""Where evidence comes from, and whether it may count: a run's attestation.

A run's results are tied to the log by the digest its finished event
carries; anyone who can write the file can recompute that.  An attestation
is a signature, by whoever ran the run, over that digest: it survives only
if the results are exactly what they were.  An inventory may require it
(`signoff.require_attested_runs`); then a run that is unattested, or whose
attestation does not hold, cannot clear anything.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..text.i18n import Msg
from ..inventory.model import Inventory
from ..store.records import run_label
from .signing import check_attestation
from ..store.workspace import Workspace, run_digest


@dataclass(frozen=True)
class Standing:
    state: str  # attested | unattested | invalid
    text: str  # a Msg: part of the signed report, shown in the reader's language
    attestation: dict | None = None


def standing(workspace: Workspace, run: dict) -> Standing:
    entry = workspace.attestation_of(run.get("id"))
    if entry is None:
        return Standing("unattested", Msg("not signed by whoever ran it"))
    problem = check_attestation(entry)
    logged = workspace.run_logged_digest(run.get("id"))
    if problem is None and not (entry.get("digest") == logged == run_digest(run)):
        problem = Msg("the attestation is over other results than the run holds (altered after it was signed)")
    if problem:
        return Standing("invalid", problem, entry)
    return Standing("attested", Msg("attested by {name} ({role})", name=entry.get("name"), role=entry.get("role")),
                    entry)


def evidence_runs(inventory: Inventory, workspace: Workspace) -> tuple[list[dict], list[str]]:
    """The runs that may serve as evidence, and why any other was left out."""
    if not inventory.require_attested_runs:
        return list(workspace.runs), []
    usable, notes = [], []
    for run in workspace.runs:
        s = standing(workspace, run)
        if s.state == "attested":
            usable.append(run)
        else:
            notes.append(Msg("{run} counts as missing: the inventory requires attested runs and it is {state} ({why})",
                             run=run_label(run), state=_STANDING_WORDS.get(s.state, s.state), why=s.text))
    return usable, notes


_STANDING_WORDS = {"unattested": Msg("unattested"), "invalid": Msg("invalid"), "attested": Msg("attested")}
