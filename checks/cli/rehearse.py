"""`migready rehearse`: break one dependency on a staging host for a bounded time, call the service.

Exit codes: 0 the request path fails fast (or is unaffected), 1 it hangs,
2 bad input, refused (not a staging host, an address outside the
dependency's targets, no health endpoint, over 10 minutes) or the host
could not be reached, 4 the rehearsal did not finish (Ctrl-C, dropped
connection: the fault is removed and what came in is stored), 5 inconclusive
(no root, no iptables, no netem for delay, an unhealthy baseline).
"""
from __future__ import annotations

import sys
from pathlib import Path

from .common import EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_OK, in_workspace, print_problems
from ..inventory import load_inventory
from ..problems import InputError
from ..workspace import Workspace

EXIT_INCONCLUSIVE = 5


def add_commands(sub) -> None:
    p = sub.add_parser("rehearse", help="degraded-dependency rehearsal: break one dependency on a staging host "
                       "for a bounded time and measure whether the service fails fast",
                       description=__doc__.split("\n\n")[1])
    p.add_argument("inventory", type=Path)
    p.add_argument("--host", required=True, help="a staging host of the inventory (the service runs there)")
    p.add_argument("--dependency", metavar="SERVICE/DEP", help="the dependency to break")
    p.add_argument("--fault", default="blackhole", help="blackhole (drop), reject (refuse) or delay=MS "
                   "(default blackhole)")
    p.add_argument("--duration", default="30s", help="how long the fault stays (default 30s, at most 10m)")
    p.add_argument("--address", action="append", default=[], metavar="IP",
                   help="break only this target address (repeatable; must be one of the dependency's targets)")
    p.add_argument("--workspace", type=Path, help="the *.migready.json file (created if missing)")
    p.add_argument("--dry-run", action="store_true", help="print the exact rules and their revert; send nothing")
    p.add_argument("--cleanup", action="store_true", help="remove every migready rehearsal chain left on the host")
    p.add_argument("--accept-new-host-key", action="store_true")
    p.add_argument("--ssh-config", help="ssh config file (default ~/.ssh/config)")
    p.add_argument("--identity", action="append", default=[], metavar="FILE")
    p.add_argument("--known-hosts", help="known_hosts file (default ~/.ssh/known_hosts)")
    p.add_argument("--connect-timeout", type=float, default=10.0, metavar="SECONDS")
    p.add_argument("--sign-with", type=Path, metavar="KEY",
                   help="attest the finished rehearsal with your key (migready keygen), as probe --sign-with does")
    p.set_defaults(func=cmd_rehearse)


def _options(args):
    from ..transports import TransportOptions
    return TransportOptions(ssh_config=args.ssh_config, identity_files=args.identity,
                            known_hosts=args.known_hosts, accept_new_host_key=args.accept_new_host_key,
                            connect_timeout=args.connect_timeout)


def _show_progress(obj: dict) -> None:
    if obj.get("type") == "call":
        answer = "timed out" if obj.get("timed_out") else obj.get("error") or obj.get("status")
        print(f"  {obj.get('stage'):9} call {obj.get('n')}: {obj.get('latency_ms', 0):.1f} ms ({answer})",
              file=sys.stderr, flush=True)
    elif obj.get("type") == "rehearsal" and obj.get("event") in ("armed", "applied", "reverted", "recovered"):
        detail = {"armed": f"watchdog pid {obj.get('watchdog_pid')}, deadline {obj.get('deadline_s')} s",
                  "applied": f"chain {obj.get('chain')}",
                  "reverted": "fault removed" if obj.get("removed") else f"STILL PRESENT in {obj.get('left')}",
                  "recovered": f"healthy again {obj.get('recovery_ms', 0):.0f} ms after the revert"}
        print(f"  {obj['event']}: {detail[obj['event']]}", file=sys.stderr, flush=True)


def cmd_rehearse(args) -> int:
    from ..rehearsal import RehearsalRefused, cleanup, describe_rules, prepare
    from ..transports import TransportError

    try:
        inventory = load_inventory(args.inventory)
    except InputError as exc:
        return print_problems(exc)
    try:
        if args.cleanup:
            found = cleanup(inventory, args.host, _options(args))
            chains = found.get("chains") or []
            names = f": {', '.join(chains)}" if chains else ""
            print(f"{args.host}: removed {len(chains)} migready chain(s){names}")
            if found.get("left"):
                print(f"still present: {', '.join(found['left'])}", file=sys.stderr)
                return EXIT_FINDINGS
            return EXIT_OK
        if not args.dependency:
            print("rehearse: --dependency SERVICE/DEP is required (or --cleanup)", file=sys.stderr)
            return EXIT_BAD_INPUT
        req = prepare(inventory, args.host, args.dependency, args.fault, args.duration, args.address)
    except (RehearsalRefused, TransportError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.dry_run:
        print("\n".join(describe_rules(req)))
        print("dry run: nothing was sent")
        return EXIT_OK
    if args.workspace is None:
        print("rehearse: --workspace is required (the rehearsal is stored there)", file=sys.stderr)
        return EXIT_BAD_INPUT
    return in_workspace(args, inventory, lambda workspace, signer: _rehearse(args, req, workspace, signer))


def _rehearse(args, req, workspace: Workspace, signer=None) -> int:
    from ..rehearsal import describe_rules, run_rehearsal
    from ..transports import TransportError

    if workspace.inventory_changed(req.inventory.digest):
        print(f"warning: {args.inventory} changed since this workspace was started", file=sys.stderr)
    print("\n".join(describe_rules(req)), file=sys.stderr, flush=True)
    try:
        run = run_rehearsal(req, workspace, _options(args), progress=_show_progress)
    except ValueError as exc:  # a malformed host spec
        print(f"--host {args.host}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except TransportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print(f"interrupted: the fault was removed; what came in is stored in {args.workspace}", file=sys.stderr)
        return EXIT_INCOMPLETE
    if signer is not None:
        from ..signing import attest
        workspace.attest_run(attest(signer, run["id"], workspace.run_logged_digest(run["id"])))
        print(f"{run['id']} attested by {signer.name} ({signer.role})")
    print_rehearsal(run)
    if not run["complete"]:
        print(f"rehearsal incomplete: {run['error']}", file=sys.stderr)
        return EXIT_FINDINGS if run["rehearsal"]["verdict"] == "hangs" else EXIT_INCOMPLETE
    return {"hangs": EXIT_FINDINGS, "inconclusive": EXIT_INCONCLUSIVE}.get(run["rehearsal"]["verdict"], EXIT_OK)


def print_rehearsal(run: dict) -> None:
    r = run["rehearsal"]
    print(f"{run['id']}: rehearsal of {r['dependency']} ({r['fault']}, {r['duration_s']:g} s) on {run['host']}")
    for stage in ("baseline", "fault", "recovery", "after"):
        calls = [c for c in r["calls"] if c.get("stage") == stage]
        if calls:
            slowest = max(c.get("latency_ms") or 0 for c in calls)
            ok = sum(1 for c in calls if c.get("ok"))
            print(f"  {stage:9} {len(calls)} calls, {ok} ok, slowest {slowest:.1f} ms")
    print(f"  {r['verdict'].replace('_', ' ').upper()}: {r['text']}")
    if r.get("recovery_ms") is not None:
        print(f"  recovery: healthy {r['recovery_ms']:.0f} ms after the revert")
    removed = "yes" if r.get("fault_removed") else "NOT CONFIRMED (the host's watchdog removes it at its deadline)"
    if not any(e.get("event") == "applied" for e in r["events"]):
        removed = "no fault was applied"
    print(f"  fault removed: {removed} (chain {r['chain']})")
