"""One table from a workspace event to the state it makes: `APPLY[action](state, event)`.

The workspace's review state (its inventory, marks, waivers, sign-offs,
attestations) is what its hash-chained log says was done, and nothing else.
So the mapping from an event to that state is written once, here, and used
three ways:

- recording: `Workspace.log` appends the event and applies it to the
  workspace's own document (checks/store/workspace.py);
- replaying on load: `replay` applies the whole log to an empty state, and
  `Workspace.state_problem` compares what it gives with what the file holds,
  so a hand edit of the state (or of the inventory header) is named;
- upgrading: a migration logs its events through the same `Workspace.log`.

A run's results and a discovery's observation are too big to log; their
events carry a digest instead, kept in the state's ledger (`runs`,
`discoveries`) for the check on load.  An action with no handler is refused
(`UnknownAction`), when recording as when replaying: an event whose effect
nobody wrote down cannot be judged.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

from .records import Mark
from ..text.i18n import _

INVENTORY = "inventory-recorded"


class UnknownAction(ValueError):
    """An event whose action has no handler in `APPLY`."""


@dataclass
class State:
    """What the log establishes.  `doc` holds the workspace document's logged parts (the same keys as
    the file: inventory, marks, waivers, signoffs, attestations); the ledger holds what the log says
    of runs (started: id -> the started event's details; finished: id -> the last finished event's
    details, with the run's digest) and discoveries (id -> digest)."""

    doc: dict
    started: dict = field(default_factory=dict)
    finished: dict = field(default_factory=dict)
    discoveries: dict = field(default_factory=dict)
    inventory_logged: bool = False  # an inventory-recorded event was seen


def empty_doc() -> dict:
    return {"inventory": {"path": "", "digest": ""}, "marks": {}, "waivers": [], "signoffs": [],
            "attestations": []}


def _inventory(state: State, event: dict) -> None:
    details = event["details"]
    state.doc["inventory"] = {"path": details.get("path"), "digest": details.get("digest")}
    state.inventory_logged = True


def _mark(state: State, event: dict) -> None:
    state.doc["marks"][event["details"].get("item")] = Mark.from_event(event).to_dict()


def _waive(state: State, event: dict) -> None:
    state.doc["waivers"].append(event["details"].get("waiver"))


def _signoff(state: State, event: dict) -> None:
    state.doc["signoffs"].append(event["details"].get("signoff"))


def _attested(state: State, event: dict) -> None:
    state.doc.setdefault("attestations", []).append(event["details"].get("attestation"))


def _run_started(state: State, event: dict) -> None:
    state.started[event["details"].get("run")] = event["details"]


def _run_finished(state: State, event: dict) -> None:
    state.finished[event["details"].get("run")] = event["details"]


def _discovery(state: State, event: dict) -> None:
    state.discoveries[event["details"].get("discovery")] = event["details"].get("digest")


def _nothing(state: State, event: dict) -> None:
    """An event that is a record of its own (a save-as, a migration, a note) and changes no state."""


APPLY: dict[str, Callable[[State, dict], None]] = {
    INVENTORY: _inventory,
    "mark": _mark,
    "waive": _waive,
    "signoff": _signoff,
    "run-attested": _attested,
    "probe-run-started": _run_started,
    "probe-run-finished": _run_finished,
    "discovery-recorded": _discovery,
    "workspace-saved-as": _nothing,
    "workspace-migrated": _nothing,
    "note": _nothing,  # free text; version 1 logs held them
}
# the actions that change what a review is judged from (the report's evidence head is the last of them)
STATE_ACTIONS = tuple(action for action, handler in APPLY.items() if handler is not _nothing)


def handler(action: str, where: Optional[str] = None) -> Callable[[State, dict], None]:
    """The handler of `action`; `UnknownAction` names it (and the event, `where`) when there is none."""
    try:
        return APPLY[action]
    except (KeyError, TypeError):
        known = ", ".join(sorted(APPLY))
        if where:
            raise UnknownAction(_("event log: {event} has the action {action}, which this migready does not know "
                                  "(known: {known}); written by a newer migready, or by hand?").format(
                                      event=where, action=repr(action), known=known)) from None
        raise UnknownAction(_("no workspace action {action} (known: {known})").format(
            action=repr(action), known=known)) from None


def apply(state: State, event: dict) -> None:
    handler(event.get("action"))(state, event)


def replay(events: list[dict]) -> State:
    """The state the log makes, from nothing.  `UnknownAction` names the first event without a handler."""
    state = State(empty_doc())
    for index, event in enumerate(events):
        action = event.get("action")
        if not isinstance(event.get("details"), dict) or not isinstance(action, str) or action not in APPLY:
            where = _("event {n} ({action} by {by} at {at})").format(n=index + 1, action=action,
                                                                     by=event.get("by"), at=event.get("at"))
            if not isinstance(event.get("details"), dict):
                raise UnknownAction(_("event log: {event} has no details object").format(event=where))
            handler(action, where)
        APPLY[action](state, event)
    return state
