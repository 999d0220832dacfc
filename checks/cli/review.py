"""`migready compare | checklist | mark | waive | verdict`: the review, headless.

`verdict` exit codes: 0 GO, 3 GO WITH WAIVERS, 1 NO-GO, 2 bad input.
The other commands exit 0, or 2 on bad input.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from ..review import root_causes
from .common import add_reason, EXIT_BAD_INPUT, EXIT_OK, print_problems
from .compare_text import comparison_text
from ..inventory.load import load_inventory
from ..store.problems import InputError, Problem
from ..text.i18n import _, ngettext, shown
from ..text.sanitize import for_terminal
from ..store.workspace import Workspace
from ..text.i18n import said
from .words import column, tag, verdict as verdict_word, width


def safe(value) -> str:
    """A core value as the terminal shows it: in the reader's language (a `Msg`), control characters escaped."""
    return for_terminal(shown(value))


def add_commands(sub) -> None:
    for name, help_text in (("compare", _("pre vs post results, regressions first")),
                            ("checklist", _("checklist items by phase, with state and evidence")),
                            ("verdict", _("GO / GO WITH WAIVERS / NO-GO with every reason (exit 0 / 3 / 1)"))):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("workspace", type=Path)
        _add_format(p)
        if name == "verdict":
            from .sign import add_trust
            add_trust(p)
        p.set_defaults(func=globals()[f"cmd_{name}"])

    p = sub.add_parser("mark", help=_("set a checklist item by hand (logged)"))
    p.add_argument("workspace", type=Path)
    p.add_argument("item")
    p.add_argument("state", choices=("pass", "fail", "na"))
    p.add_argument("--by", required=True, help=_("your name"))
    add_reason(p, "--note", help=_("what you checked, or why it does not apply (required)"))
    _add_format(p)
    p.set_defaults(func=cmd_mark)

    p = sub.add_parser("waive", help=_("waive an item (or all items of a dependency) until a date (logged)"))
    p.add_argument("workspace", type=Path)
    p.add_argument("item", help=_("a checklist item id, or service/dependency for all its items"))
    p.add_argument("--by", required=True, help=_("who grants the waiver"))
    add_reason(p, help=_("the justification (required)"))
    p.add_argument("--until", required=True, metavar="YYYY-MM-DD", help=_("expiry date"))
    _add_format(p)
    p.set_defaults(func=cmd_waive)

    p = sub.add_parser("upgrade", help=_("migrate a workspace written by an older migready to this schema "
                                         "(recorded as an event; loading never migrates by itself)"))
    p.add_argument("workspace", type=Path, help=_("the *.migready.json file"))
    p.add_argument("--by", default="migready", help=_("who upgrades it (recorded in the log)"))
    p.set_defaults(func=cmd_upgrade)


def _add_format(p) -> None:
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help=_("text for people, json (the recorded entry) for machines"))


def open_review(path: Path):
    """Workspace + its inventory, or InputError naming what is wrong."""
    workspace = Workspace.load(path)
    return workspace, review_inventory(workspace, path)


def review_inventory(workspace: Workspace, path: Path):
    """The inventory a workspace names (loaded and validated), with a warning when it changed since."""
    recorded = workspace.inventory_ref.get("path")
    if not recorded:
        raise InputError([Problem(str(path), 0, 0, "inventory.path", _("the workspace names no inventory"))])
    inventory = load_inventory(recorded)
    if workspace.inventory_changed(inventory.digest):
        print(_("warning: {inventory} changed since this workspace was started; earlier runs describe the "
                "old version").format(inventory=recorded), file=sys.stderr)
    return inventory


def _review(args):
    from ..review.verdict import review
    workspace, inventory = open_review(args.workspace)
    return workspace, inventory, review(inventory, workspace)


def _dump(obj) -> None:
    json.dump(obj, sys.stdout, ensure_ascii=False, indent=2, sort_keys=True)
    sys.stdout.write("\n")


def cmd_compare(args) -> int:
    try:
        _ws, _inv, result = _review(args)
    except InputError as exc:
        return print_problems(exc)
    if args.format == "json":
        _dump(result.comparison.to_dict())
    else:
        print(shown(comparison_text(result.comparison)))
    return EXIT_OK


def cmd_checklist(args) -> int:
    try:
        _ws, _inv, result = _review(args)
    except InputError as exc:
        return print_problems(exc)
    checklist = result.checklist
    if args.format == "json":
        causes = root_causes.from_review(_inv, result)
        _dump({"items": [i.to_dict() for i in checklist.items], "counts": checklist.counts(),
               "tally": root_causes.tally(causes)})
        return EXIT_OK
    for phase, items in checklist.by_phase().items():
        if not items:
            continue
        print(f"== {tag('phase', phase, upper=False)} ==")
        blocker = tag("severity", "blocker", upper=False)
        for item in items:
            mark = blocker if item.blocker else " " * width(blocker)
            print(f"  [{column(tag('state', item.state), 7)}] {mark} {for_terminal(item.id)}")
            print(f"            {safe(item.title)}")
            if item.evidence:
                print("            " + _("evidence: {evidence}").format(evidence=safe(item.evidence)))
            if item.pre_evidence:
                print("            " + _("before:   {evidence}").format(evidence=safe(item.pre_evidence)))
            for note in item.waiver_notes:
                print(f"            ! {safe(note)}")
    counts = _(", ").join(_("{n} {state}").format(n=n, state=tag("state", s, upper=False))
                          for s, n in checklist.counts().items() if n)
    print(ngettext("{n} item: {counts}", "{n} items: {counts}", len(checklist.items)).format(
        n=len(checklist.items), counts=counts))
    # several items fail for one fault: say the count the verdict, the window and the report show
    causes = root_causes.from_review(_inv, result)
    print(_("behind them: {tally} (migready verdict)").format(tally=shown(root_causes.tally_text(causes))))
    return EXIT_OK


def cmd_verdict(args) -> int:
    """The final verdict: the evidence's, then held at NO-GO until every required role signed."""
    from ..report import build_report
    from ..review.verdict import EXIT_CODES
    from ..trust.signing import SigningError
    from .sign import load_trust_for

    try:
        trust = load_trust_for(args)  # the same trust directory `verify` reads
        workspace, inventory = open_review(args.workspace)
        report = build_report(inventory, workspace, trust=trust)
    except InputError as exc:
        return print_problems(exc)
    except SigningError as exc:
        print(_("error: {message}").format(message=for_terminal(said(exc))), file=sys.stderr)
        return EXIT_BAD_INPUT
    final, evidence = report["signoff"]["final"], report["verdict"]
    causes = root_causes.from_report(report)
    if args.format == "json":
        _dump({"verdict": final["verdict"], "reasons": final["reasons"], "warnings": evidence["warnings"],
               "evidence_verdict": evidence["verdict"], "digest": report["digest"], "counts": report["counts"],
               "root_causes": [c.to_dict() for c in causes], "tally": root_causes.tally(causes),
               "signoff": {k: report["signoff"][k] for k in ("required_roles", "awaiting", "notes")}})
    else:
        print("\n".join(for_terminal(line) for line in verdict_lines(report, causes)))  # reasons quote files
    return EXIT_CODES[final["verdict"]]


def verdict_lines(report: dict, causes=None) -> list[str]:
    """The final verdict and its root causes, as `verdict` and `demo` print them, in the reader's language
    (the verdict's id stays on the first line: `不放行 (NO-GO): ...`)."""
    final, evidence = report["signoff"]["final"], report["verdict"]
    causes = root_causes.from_report(report) if causes is None else causes
    gate = shown(root_causes.signoff_gate(report))
    head = shown(root_causes.tally_text(causes)) if causes or gate else ""
    word = verdict_word(final["verdict"])
    out = [_("{verdict}: {reasons}").format(verdict=word, reasons=_("; ").join(x for x in (head, gate) if x))
           if head else word]
    out += [shown(line) for line in root_causes.lines(causes)]
    if not causes and not gate:
        out += [f"  {shown(r)}" for r in final["reasons"]]
    out += [f"  ! {shown(w)}" for w in evidence["warnings"] + report["signoff"]["notes"]]
    if final["verdict"] != evidence["verdict"]:
        out.append("  " + _("(the evidence alone says {verdict})").format(verdict=verdict_word(evidence["verdict"])))
    return out


def _act(args, action) -> int:
    """Load, check, record and save under the workspace's OS lock: two people marking at once take
    turns, and each sees the other's change before deciding."""
    from ..actions import ActionError
    try:
        with Workspace.editing(args.workspace) as workspace:
            inventory = review_inventory(workspace, args.workspace)
            recorded = action(workspace, inventory)
    except InputError as exc:
        return print_problems(exc)
    except ActionError as exc:
        print(_("error: {message}").format(message=for_terminal(said(exc))), file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.format == "json":
        print(json.dumps(recorded, ensure_ascii=False, sort_keys=True))
    else:
        print(for_terminal(_("{what}; saved in {workspace}").format(what=describe(recorded, args.item),
                                                                     workspace=args.workspace)))
    return EXIT_OK


def describe(recorded: dict, target: str) -> str:
    """One line for a mark or a waiver as recorded (the json output keeps every field)."""
    if "until" in recorded:
        return _("waiver {id}: {target} waived until {until} by {by}: {reason}").format(
            id=recorded.get("id"), target=target, until=recorded["until"], by=recorded.get("by"),
            reason=recorded.get("reason"))
    return _("marked {target} {state} by {by}: {note}").format(
        target=target, state=tag("state", str(recorded.get("state"))), by=recorded.get("by"), note=recorded.get("note"))


def cmd_upgrade(args) -> int:
    try:
        result = Workspace.upgrade(args.workspace, by=args.by)
    except InputError as exc:
        return print_problems(exc)
    before, after = result
    if before == after and result.inventory_recorded:
        print(_("{workspace}: its inventory ({path}) was not in the event log yet; recorded it there as found "
                "(the original is kept as {backup})").format(workspace=args.workspace, path=result.inventory_recorded["path"],
                                                             backup=f"{args.workspace}.bak"))
    elif before == after:
        print(_("{workspace}: already at schema version {version}; nothing to do").format(
            workspace=args.workspace, version=after))
    else:
        print(_("{workspace}: upgraded from schema version {before} to {after} (recorded in its log; "
                "the original is kept as {backup})").format(workspace=args.workspace, before=before, after=after,
                                                           backup=f"{args.workspace}.bak"))
    return EXIT_OK


def cmd_mark(args) -> int:
    from ..actions import mark
    return _act(args, lambda ws, inv: mark(ws, inv, args.item, args.state, args.by, args.reason))


def cmd_waive(args) -> int:
    from ..actions import waive
    return _act(args, lambda ws, inv: waive(ws, inv, args.item, args.by, args.reason, args.until))
