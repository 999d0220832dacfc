"""`migready rehearse`: break one dependency on a staging host for a bounded time, call the service.

Exit codes: 0 the request path fails fast (or is unaffected), 1 it hangs,
2 bad input, refused (not a staging host, an address outside the
dependency's targets, no health endpoint, over 10 minutes) or the host
could not be reached, 4 the rehearsal did not finish (Ctrl-C, dropped
connection: the fault is removed and what came in is stored), 5 inconclusive
(no root, no iptables, no nat table for delay or loss, an unhealthy baseline).
"""
from __future__ import annotations

import sys
from pathlib import Path

from .common import (EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_OK, add_ssh_options, in_workspace,
                     print_problems)
from ..text.i18n import said
from .words import column, english, tag
from ..text.i18n import N_, _, shown
from ..inventory.load import load_inventory
from ..store.problems import InputError
from ..store.workspace import Workspace

EXIT_INCONCLUSIVE = 5
# The verb's description in --help (the docstring's second paragraph, translatable).
REHEARSE_DESCRIPTION = N_("Exit codes: 0 the request path fails fast (or is unaffected), 1 it hangs,\n"
                          "2 bad input, refused (not a staging host, an address outside the\n"
                          "dependency's targets, no health endpoint, over 10 minutes) or the host\n"
                          "could not be reached, 4 the rehearsal did not finish (Ctrl-C, dropped\n"
                          "connection: the fault is removed and what came in is stored), 5 inconclusive\n"
                          "(no root, no iptables, no nat table for delay or loss, an unhealthy baseline).\n")


def add_commands(sub) -> None:
    p = sub.add_parser("rehearse", help=_("degraded-dependency rehearsal: break one dependency on a staging host "
                                          "for a bounded time and measure whether the service fails fast"),
                       description=_(REHEARSE_DESCRIPTION))
    p.add_argument("inventory", type=Path)
    p.add_argument("--host", required=True, help=_("a staging host of the inventory (the service runs there)"))
    p.add_argument("--dependency", metavar=_("SERVICE/DEP"), help=_("the dependency to break"))
    p.add_argument("--fault", default="blackhole", help=_("blackhole (drop), reject (refuse), delay=MS or "
                                                          "loss=PCT (through the agent's relay; default blackhole)"))
    p.add_argument("--duration", default="30s", help=_("how long the fault stays (default 30s, at most 10m)"))
    p.add_argument("--address", action="append", default=[], metavar="IP",
                   help=_("break only this target address (repeatable; must be one of the dependency's targets)"))
    p.add_argument("--workspace", type=Path, help=_("the *.migready.json file (created if missing)"))
    p.add_argument("--dry-run", action="store_true", help=_("print the exact rules and their revert; send nothing"))
    p.add_argument("--cleanup", action="store_true",
                   help=_("remove every migready rehearsal chain left on the host"))
    add_ssh_options(p)
    p.add_argument("--sign-with", type=Path, metavar=_("KEY"),
                   help=_("attest the finished rehearsal with your key (migready keygen), as probe --sign-with "
                          "does"))
    p.set_defaults(func=cmd_rehearse)


def _options(args):
    from ..probing.transports import TransportOptions
    return TransportOptions(ssh_config=args.ssh_config, identity_files=args.identity,
                            known_hosts=args.known_hosts, accept_new_host_key=args.accept_new_host_key,
                            connect_timeout=args.connect_timeout)


def _show_progress(obj: dict) -> None:
    if obj.get("type") == "call":
        answer = _("timed out") if obj.get("timed_out") else obj.get("error") or obj.get("status")
        print(f"  {column(_stage(obj.get('stage')), 9)} " + _("call {n}: {latency:.1f} ms ({answer})").format(
            n=obj.get("n"), latency=obj.get("latency_ms", 0), answer=answer), file=sys.stderr, flush=True)
    elif obj.get("type") == "rehearsal" and obj.get("event") in ("armed", "applied", "reverted", "recovered"):
        detail = {"armed": _("watchdog pid {pid}, deadline {deadline} s").format(pid=obj.get("watchdog_pid"),
                                                                                 deadline=obj.get("deadline_s")),
                  "applied": _("chain {chain}").format(chain=obj.get("chain")),
                  "reverted": _("fault removed") if obj.get("removed") else _("STILL PRESENT in {left}").format(
                      left=obj.get("left")),
                  "recovered": _("healthy again {ms:.0f} ms after the revert").format(ms=obj.get("recovery_ms", 0))}
        print(f"  {_(EVENTS[obj['event']])}: {detail[obj['event']]}", file=sys.stderr, flush=True)


# A rehearsal's stages and events as the terminal names them (the ids stay in the stored run).
STAGES = {"baseline": N_("baseline"), "fault": N_("fault"), "recovery": N_("recovery"), "after": N_("after")}
EVENTS = {"armed": N_("armed"), "applied": N_("applied"), "reverted": N_("reverted"), "recovered": N_("recovered")}


def _stage(stage) -> str:
    return _(STAGES[stage]) if stage in STAGES else str(stage)


def cmd_rehearse(args) -> int:
    from ..probing.rehearsal import RehearsalRefused, cleanup, describe_rules, prepare
    from ..probing.transports import TransportError

    try:
        inventory = load_inventory(args.inventory)
    except InputError as exc:
        return print_problems(exc)
    try:
        if args.cleanup:
            found = cleanup(inventory, args.host, _options(args))
            chains = found.get("chains") or []
            names = f": {', '.join(chains)}" if chains else ""
            print(_("{host}: removed {n} migready chain(s){names}").format(host=args.host, n=len(chains),
                                                                          names=names))
            if found.get("left"):
                print(_("still present: {chains}").format(chains=", ".join(found["left"])), file=sys.stderr)
                return EXIT_FINDINGS
            return EXIT_OK
        if not args.dependency:
            print(_("rehearse: --dependency SERVICE/DEP is required (or --cleanup)"), file=sys.stderr)
            return EXIT_BAD_INPUT
        req = prepare(inventory, args.host, args.dependency, args.fault, args.duration, args.address)
    except (RehearsalRefused, TransportError) as exc:
        print(_("error: {message}").format(message=said(exc)), file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.dry_run:
        print("\n".join(shown(line) for line in describe_rules(req)))
        print(_("dry run: nothing was sent"))
        return EXIT_OK
    if args.workspace is None:
        print(_("rehearse: --workspace is required (the rehearsal is stored there)"), file=sys.stderr)
        return EXIT_BAD_INPUT
    return in_workspace(args, inventory, lambda workspace, signer: _rehearse(args, req, workspace, signer))


def _rehearse(args, req, workspace: Workspace, signer=None) -> int:
    from ..probing.rehearsal import describe_rules, run_rehearsal
    from ..probing.transports import TransportError

    if workspace.inventory_changed(req.inventory.digest):
        print(_("warning: {inventory} changed since this workspace was started").format(inventory=args.inventory),
              file=sys.stderr)
    print("\n".join(shown(line) for line in describe_rules(req)), file=sys.stderr, flush=True)
    try:
        run = run_rehearsal(req, workspace, _options(args), progress=_show_progress)
    except ValueError as exc:  # a malformed host spec
        print(f"--host {args.host}: {said(exc)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except TransportError as exc:
        print(_("error: {message}").format(message=said(exc)), file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print(_("interrupted: the fault was removed; what came in is stored in {workspace}").format(
            workspace=args.workspace), file=sys.stderr)
        return EXIT_INCOMPLETE
    if signer is not None:
        from ..actions import attest_run
        attest_run(workspace, signer, run["id"])  # chained to the previous attestation
        print(_("{run} attested by {name} ({role})").format(run=run["id"], name=signer.name, role=signer.role))
    print_rehearsal(run)
    if not run["complete"]:
        print(_("rehearsal incomplete: {error}").format(error=shown(run["error"])), file=sys.stderr)
        return EXIT_FINDINGS if run["rehearsal"]["verdict"] == "hangs" else EXIT_INCOMPLETE
    return {"hangs": EXIT_FINDINGS, "inconclusive": EXIT_INCONCLUSIVE}.get(run["rehearsal"]["verdict"], EXIT_OK)


def print_rehearsal(run: dict) -> None:
    r = run["rehearsal"]
    print(_("{run}: rehearsal of {dependency} ({fault}, {duration:g} s) on {host}").format(
        run=run["id"], dependency=r["dependency"], fault=r["fault"], duration=r["duration_s"], host=run["host"]))
    if r.get("mechanism") == "relay":
        print("  " + (_("injected by: the agent's relay (nat REDIRECT); the host also has netem") if r.get("netem")
                      else _("injected by: the agent's relay (nat REDIRECT); the host has no netem")))
    for stage in ("baseline", "fault", "recovery", "after"):
        calls = [c for c in r["calls"] if c.get("stage") == stage]
        if calls:
            slowest = max(c.get("latency_ms") or 0 for c in calls)
            ok = sum(1 for c in calls if c.get("ok"))
            cut = [c for c in calls if c.get("timed_out")]
            if cut:  # the agent gave up on them: its patience, not a measured answer
                said = _("{n} calls, {ok} ok, {cut} cut off (still waiting after {slowest:.0f} ms)").format(
                    n=len(calls), ok=ok, cut=len(cut), slowest=max(c.get("latency_ms") or 0 for c in cut))
            else:
                said = _("{n} calls, {ok} ok, slowest {slowest:.1f} ms").format(n=len(calls), ok=ok, slowest=slowest)
            print(f"  {column(_stage(stage), 9)} " + said)
    outcome = r["verdict"].replace("_", " ").upper() if english() else tag("state", r["verdict"])
    print("  " + _("{outcome}: {text}").format(outcome=outcome, text=shown(r["text"])))
    if r.get("recovery_ms") is not None:
        print("  " + _("recovery: healthy {ms:.0f} ms after the revert").format(ms=r["recovery_ms"]))
    removed = _("yes") if r.get("fault_removed") else \
        _("NOT CONFIRMED (the host's watchdog removes it at its deadline)")
    if not any(e.get("event") == "applied" for e in r["events"]):
        removed = _("no fault was applied")
    print("  " + _("fault removed: {removed} (chain {chain})").format(removed=removed, chain=r["chain"]))
