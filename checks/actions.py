"""The use cases both front ends call: sign off, attest a run, mark, waive, record a discovery.

Why one layer: the command line and the window each put sign-off together
on their own before, and each decided what to do by searching a translated
error message for "passphrase", so in zh_CN an encrypted key errored
instead of prompting.  Here every rule of an action lives once, and every
refusal is a typed error (`PassphraseRequired`, `KeyNotFound`,
`RoleNotRequired`, ...): a front end chooses what to do by the type, and
shows the text (already in the reader's language).

The rules (issue 23, "sign-off rules"): approving a NO-GO needs an override
reason, which the report shows; a role no policy requires is refused unless
the signer says it is an extra role; `run.*` items cannot be waived (only a
run clears them); a waiver that expires before the inventory's cutover is
said to (every view); a post-migration step cannot be marked before there is a post run.
"""
from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Callable

from .discovery import record_discovery as _record_discovery
from .inventory.model import Inventory
from .review.checklist import build_checklist
from .review.verdict import ActionError, mark as _mark, waive as _waive
from .store.workspace import Workspace
from .text.i18n import _
from .trust.policy import Trust
from .trust.signing import (CHAIN_GENESIS, KeyNotFound, PassphraseRequired, Signer, SigningError, WrongPassphrase,
                            attest, entry_hash, load_signer, sign)

__all__ = ["ActionError", "ActionRefused", "KeyNotFound", "NotWaivable", "OverrideRequired", "PassphraseRequired",
           "PostRunMissing", "RoleNotRequired", "SigningError", "WrongPassphrase",
           "attest_run", "mark", "open_signer", "record_discovery", "sign_off", "waive"]


class ActionRefused(ActionError):
    """A rule of the use case refuses the action; the text says which and what to do instead."""


class RoleNotRequired(ActionRefused):
    """The signer's role is not one the policy requires (give extra_role to sign anyway)."""


class OverrideRequired(ActionRefused):
    """Approving content whose evidence says NO-GO needs an override reason."""


class NotWaivable(ActionRefused):
    """A `run.*` item: only a probe run clears it."""


class PostRunMissing(ActionRefused):
    """A post-migration step marked before any post-migration run exists."""


def open_signer(path: str | Path, ask_passphrase: Callable[[], bytes | None] | None = None) -> Signer:
    """The key at PATH; when it is encrypted, `ask_passphrase()` gives the passphrase (a terminal prompt,
    a dialog, an environment variable).  Raises PassphraseRequired when it is encrypted and there is no
    one to ask, WrongPassphrase, KeyNotFound or SigningError."""
    try:
        return load_signer(Path(path))
    except PassphraseRequired:
        if ask_passphrase is None:
            raise
    return load_signer(Path(path), ask_passphrase())


def sign_off(workspace: Workspace, inventory: Inventory, signer: Signer, decision: str = "approve",
             comment: str = "", override: str = "", extra_role: bool = False, trust: Trust | None = None) -> dict:
    """Sign the review's current content, chained to the sign-off before it.  Call it under the
    workspace's lock (`Workspace.editing`): the digest signed is the one stored."""
    from .report.model import build_report
    report = build_report(inventory, workspace, trust=trust)
    required = report["signoff"]["required_roles"]
    if signer.role not in required and not extra_role:
        raise RoleNotRequired(_("the role {role} of {name} is not one the policy requires ({roles}); sign with "
                                "--extra-role if it should be on record anyway").format(
                                    role=signer.role, name=signer.name, roles=", ".join(required)))
    if decision == "approve" and report["verdict"]["verdict"] == "NO-GO" and not override.strip():
        raise OverrideRequired(_("the evidence says NO-GO; approving it anyway needs --override REASON, and the "
                                 "report will say so"))
    previous = entry_hash(workspace.signoffs[-1]) if workspace.signoffs else CHAIN_GENESIS
    entry = sign(signer, report["digest"], decision, comment, prev=previous, runs=len(report["runs"]),
                 override=override.strip() if decision == "approve" and report["verdict"]["verdict"] == "NO-GO"
                 else "", extra_role=signer.role not in required)
    workspace.add_signoff(entry)
    return entry


def attest_run(workspace: Workspace, signer: Signer, run_id: str) -> dict:
    """Sign a finished run's logged digest, chained to the workspace's previous attestation."""
    digest = workspace.run_logged_digest(run_id)
    if digest is None:
        raise ActionRefused(_("run {run} is not a finished run of this workspace").format(run=run_id))
    previous = entry_hash(workspace.attestations[-1]) if workspace.attestations else CHAIN_GENESIS
    return workspace.attest_run(attest(signer, run_id, digest, prev=previous))


def mark(workspace: Workspace, inventory: Inventory, item_id: str, state: str, by: str, note: str,
         checklist=None) -> dict:
    """Record a manual mark (`checklist`: the current one, when the caller has it; else it is built)."""
    checklist = checklist or build_checklist(inventory, workspace)
    item = checklist.item(item_id)
    if item is not None and item.phase == "post-migration" and checklist.post_run is None:
        raise PostRunMissing(_("'{item}' is a post-migration step: it cannot be marked before a post-migration "
                               "probe run exists").format(item=item_id))
    return _mark(workspace, checklist, item_id, state, by, note)


def waive(workspace: Workspace, inventory: Inventory, target: str, by: str, reason: str, until: str,
          today: _dt.date | None = None, checklist=None) -> dict:
    """Record a waiver.  One that expires before the inventory's cutover is recorded, and every view says
    it expires before the cutover (review.verdict `cutover_warnings`): the move is not covered by it."""
    checklist = checklist or build_checklist(inventory, workspace, today)
    item = checklist.item(target)
    if (item is not None and item.source == "run") or target.startswith("run."):
        raise NotWaivable(_("'{item}' is the probe run itself: only a run clears it, it cannot be waived").format(
            item=target))
    return _waive(workspace, checklist, target, by, reason, until, today)


def record_discovery(workspace: Workspace, observation, report, inventory: Inventory, **extra) -> dict:
    """What a host was seen talking to, recorded in the workspace (discovery/store.py builds the record)."""
    return _record_discovery(workspace, observation, report, inventory, **extra)
