"""`migready probe` and `migready reflector`: the probe side of the command line.

`probe` exit codes: 0 the run completed with no failed probe, 1 it completed
with failures, 2 bad input, the host could not be reached or the plan was not
confirmed (nothing stored), 4 the run did not finish (dropped connection,
Ctrl-C): what came in is stored.  Before anything is sent, `probe` prints the
plan's summary (`migready plan` shows it in full) and, on a terminal, asks;
`--yes` skips the question.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Optional

from .common import (EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_OK, add_ssh_options, in_workspace,
                     print_problems)
from ..text.i18n import said
from .words import column, tag
from ..text.i18n import N_, _, ngettext, shown
from ..inventory.load import load_inventory
from ..store.problems import InputError
from ..store.records import describe
from ..text.sanitize import for_terminal, host_problem
from ..store.workspace import Workspace
from ..inventory.zones import ZoneMap
from ..probing.outcome import raw_status


# The verb's description in --help (the docstring's second paragraph, translatable).
PROBE_DESCRIPTION = N_("`probe` exit codes: 0 the run completed with no failed probe, 1 it completed\n"
                       "with failures, 2 bad input, the host could not be reached or the plan was not\n"
                       "confirmed (nothing stored), 4 the run did not finish (dropped connection,\n"
                       "Ctrl-C): what came in is stored.  Before anything is sent, `probe` prints the\n"
                       "plan's summary (`migready plan` shows it in full) and, on a terminal, asks;\n"
                       "`--yes` skips the question.\n")


def add_commands(sub) -> None:
    p = sub.add_parser("probe", help=_("run the probe plan on a staging host and store the run in a workspace"),
                       description=_(PROBE_DESCRIPTION))
    p.add_argument("inventory", type=Path)
    p.add_argument("--phase", choices=("pre", "post"), required=True,
                   help=_("pre: from the source site, before the move; post: from the target site, after"))
    p.add_argument("--host", action="append", help=_("a staging host of the phase (its host spec, its Ansible or pod "
                                                     "name, or a pool: repeatable), or any ssh://user@host:port, "
                                                     "exec:ARGV or local:// (default: every staging host of the phase)"))
    p.add_argument("--workspace", type=Path, required=True,
                   help=_("the *.migready.json file (created if missing)"))
    p.add_argument("--jobs", type=int, default=32, help=_("probes run at once on the host (default 32)"))
    p.add_argument("--hosts-jobs", type=_positive, default=16, metavar="N",
                   help=_("staging hosts probed at once, one SSH session each (default 16)"))
    add_ssh_options(p)
    p.add_argument("--yes", action="store_true",
                   help=_("do not ask before probing (the plan summary is still printed; a non-terminal "
                          "stdin, as in CI, never asks)"))
    p.add_argument("--sign-with", type=Path, metavar=_("KEY"),
                   help=_("attest the finished run with your key (migready keygen): the report then shows it as "
                          "run by you, and an edited result no longer matches"))
    p.set_defaults(func=cmd_probe)

    p = sub.add_parser("plan", help=_("show every address, port, protocol and check a probe run would contact, "
                                      "by zone, without sending anything"),
                       description=_("The same plan `migready probe` runs, shown first. Exit codes: 0 shown, "
                                     "2 bad input."))
    p.add_argument("inventory", type=Path, help=_("the inventory (YAML)"))
    p.add_argument("--phase", choices=("pre", "post"), required=True,
                   help=_("pre: from the source site, before the move; post: from the target site, after"))
    p.add_argument("--host", action="append", help=_("a staging host of the phase (its host spec, its Ansible or pod "
                                                     "name, or a pool: repeatable), or any ssh://user@host:port, "
                                                     "exec:ARGV or local:// (default: every staging host of the phase)"))
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help=_("text for people, json for machines"))
    p.set_defaults(func=cmd_plan)

    p = sub.add_parser("reflector", help=_("answer each UDP datagram / TCP connection with the address and port "
                                           "it was seen from (run it in the device network)"),
                       description=_(REFLECTOR_DESCRIPTION))
    p.add_argument("--bind", required=True, metavar=_("ADDR"),
                   help=_("the address to listen on (required: there is no default; e.g. the host's address in "
                          "the device network)"))
    p.add_argument("--port", type=int, default=3478, help=_("UDP and TCP port (default 3478, STUN's)"))
    p.add_argument("--udp", action="store_true", help=_("serve UDP (default: both)"))
    p.add_argument("--tcp", action="store_true", help=_("serve TCP (default: both)"))
    for flag, kind, default, help_text in REFLECTOR_LIMITS:
        p.add_argument(flag, type=_positive_number(kind), metavar="N" if kind is int or flag.startswith("--rate") else "S",
                       help=_(help_text), default=None)
    p.add_argument("--callback-allow", action="append", default=[], metavar="CIDR",
                   help=_("call-backs may also go to addresses inside CIDR (repeatable; default: only the address "
                          "a request came from)"))
    p.add_argument("--token-file", metavar=_("FILE"), help=_("call-back requests must carry the token in FILE"))
    p.set_defaults(func=cmd_reflector)


# The reflector's description in --help: every limit that keeps it from being turned on others.
REFLECTOR_DESCRIPTION = N_(
    "Answers each UDP datagram or TCP request with the address and port it was seen from, in migready's JSON "
    "or as a STUN Binding response (RFC 8489, XOR-MAPPED-ADDRESS; told apart by the magic cookie), so one "
    "reflector serves the agent and any STUN client. It cannot be turned on others: it listens only where "
    "--bind says; it never answers more bytes than the request held (a request is padded to at least the "
    "answer's size, as QUIC and STUN do), so a forged source gains nothing; it answers at most --rate requests "
    "a second, --rate-per-source per source address; it holds at most --max-connections TCP connections (the "
    "oldest is closed for a new one) and closes those that send no request within --idle-timeout; call-backs "
    "go only to the observed address or --callback-allow, at most --callback-rate per address per minute, and "
    "after --bad-token-limit wrong tokens in a minute from any addresses none is carried out for the rest of "
    "that minute. Its counters (answered, too_small, rate_limited_source, rate_limited_global, tcp_evicted, "
    "tcp_idle_closed, bad_token, bad_token_lockout, ...) go to its log (stderr) every --log-every seconds when "
    "they changed, and when it stops.")

# (flag, type, default, help): passed on to the agent's reflector as given.
REFLECTOR_LIMITS = (
    ("--rate", float, 500, N_("answers per second in all (default 500)")),
    ("--rate-per-source", float, 50, N_("answers per second to one source address (default 50)")),
    ("--max-connections", int, 256, N_("TCP connections held at once; at the cap the oldest is closed "
                                       "(default 256)")),
    ("--idle-timeout", float, 2.0, N_("seconds a TCP connection may take to send its request (default 2)")),
    ("--callback-rate", int, 10, N_("call-back requests per source address per minute (default 10)")),
    ("--bad-token-limit", int, 20, N_("wrong call-back tokens per minute, from all addresses together, before "
                                      "every call-back is refused for the rest of the minute (default 20)")),
    ("--log-every", float, 60.0, N_("log the counters every S seconds when they changed (default 60; always "
                                    "when it stops)")),
)


def _positive_number(kind):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            value = 0
        if value <= 0:
            raise argparse.ArgumentTypeError(_("must be a number greater than 0, not {value}").format(value=text))
        return value
    return parse


def cmd_reflector(args) -> int:
    from ..probing import agent

    argv = ["reflector", "--bind", args.bind, "--port", str(args.port)]
    argv += ["--udp"] * args.udp + ["--tcp"] * args.tcp
    for cidr in args.callback_allow:
        argv += ["--callback-allow", cidr]
    if args.token_file:
        argv += ["--token-file", args.token_file]
    for flag, _kind, _default, _help in REFLECTOR_LIMITS:
        value = getattr(args, flag[2:].replace("-", "_"))
        if value is not None:
            argv += [flag, str(value)]
    return agent.main(argv) or EXIT_OK


def _positive(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(_("expected a whole number of at least 1, got {value}").format(value=text))
    return value


def _pick_hosts(args, inventory):
    """The hosts to probe, and whether they make a fan-out: (hosts, fan_out, whole) or None after
    saying why (exit 2).  A phase with several staging hosts (or a pool, an Ansible group, pods) runs
    as a fan-out, so the review judges every host; a lone host runs as before."""
    from ..probing.hostsources import FleetHost, HostSourceError, phase_hosts, pick

    site = inventory.migration.source if args.phase == "pre" else inventory.migration.target
    try:
        known = phase_hosts(inventory, args.phase)
    except HostSourceError as exc:
        print(_("{inventory}: {reason}").format(inventory=args.inventory, reason=shown(str(exc))), file=sys.stderr)
        return None
    fan_out = len(known) > 1 or bool(site.pools) or bool(site.host_sources)
    if not args.host:
        if not known:
            message = (_("{inventory}: the source site lists no staging_hosts; give --host") if args.phase == "pre"
                       else _("{inventory}: the target site lists no staging_hosts; give --host"))
            print(message.format(inventory=args.inventory), file=sys.stderr)
            return None
        return known, fan_out, True
    chosen, unknown = pick(known, args.host)
    for word in unknown:
        problem = host_problem(word.replace(" ", "") if word.startswith("exec:") else word)
        if problem:  # before the plan names it: a newline would forge its lines
            print(f"--host: {shown(problem)}", file=sys.stderr)
            return None
        chosen.append(FleetHost(word))
    whole = {h.spec for h in chosen} >= {h.spec for h in known}
    return chosen, (fan_out and not unknown) or len(chosen) > 1, whole


class _Bar:
    """A one-line progress bar on stderr (a line per 10% when stderr is not a terminal).

    Drawn at most every `EVERY` seconds and when the last result is in: a fan-out brings
    tens of thousands of results, and a line formatted for each was CPU the hosts' sessions
    needed (bench/README.md, the fleet)."""

    EVERY = 0.1

    def __init__(self, stream=sys.stderr):
        self.stream = stream
        self.tty = stream.isatty()
        self.counts = {"pass": 0, "fail": 0, "inconclusive": 0}
        self.last_decile = -1
        self.drawn = 0.0

    def __call__(self, progress) -> None:
        status = progress.result["status"] if progress.result else None
        self.step(status, progress.done, progress.total)

    def step(self, status: Optional[str], done: int, total: int) -> None:
        """One result in (its status), `done` of `total`; draws when it is time to."""
        if status in self.counts:
            self.counts[status] += 1
        whole = max(total, 1)
        if self.tty:
            now = time.monotonic()
            if now - self.drawn < self.EVERY and done < whole:
                return
            self.drawn = now
            self.stream.write("\r" + self._line(done, total))
            self.stream.flush()
        elif done * 10 // whole != self.last_decile:
            self.last_decile = done * 10 // whole
            print(self._line(done, total), file=self.stream)

    def _line(self, done: int, total: int) -> str:
        filled = int(30 * done / max(total, 1))
        return f"[{'#' * filled}{'.' * (30 - filled)}] " + _(
            "{done}/{total} probes  {passed} pass, {failed} fail, {inconclusive} inconclusive").format(
            done=done, total=total, passed=self.counts["pass"], failed=self.counts["fail"],
            inconclusive=self.counts["inconclusive"])

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")


def cmd_plan(args) -> int:
    import json

    from ..probing.plan_view import plan_fleet, view_plan
    from ..probing.plans import build_plan

    try:
        inventory = load_inventory(args.inventory)
    except InputError as exc:
        return print_problems(exc)
    picked = _pick_hosts(args, inventory)
    if picked is None:
        return EXIT_BAD_INPUT
    hosts, fan_out, _whole = picked
    if fan_out or len(hosts) > 1:
        view = plan_fleet(inventory, hosts, args.phase)[1]
    else:
        view = view_plan(inventory, build_plan(inventory, hosts[0].spec, args.phase))
    if args.format == "json":
        json.dump(view.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print("\n".join(shown(line) for line in view.lines()))
    return EXIT_OK


def _confirm(args, inventory, hosts) -> Optional[dict]:
    """Say what will be contacted (stderr); on a terminal, ask unless --yes.  -> the plan of each
    host by its spec, which the run then uses (None: not confirmed)."""
    from ..probing.plan_view import plan_fleet

    plans, fleet = plan_fleet(inventory, hosts, args.phase, jobs=args.jobs)
    view = fleet.hosts[0][2] if len(hosts) == 1 else fleet
    import shlex
    command = f"migready plan {args.inventory} --phase {args.phase}" + "".join(
        f" --host {shlex.quote(h)}" for h in args.host or ())
    print(_("plan: {summary}  (details: {command})").format(summary=shown(view.summary()), command=command),
          file=sys.stderr)
    if args.yes or not sys.stdin.isatty():
        return plans
    sys.stderr.write(_("Probe these? [y/N] "))
    sys.stderr.flush()
    return plans if sys.stdin.readline().strip().lower() in ("y", "yes", _("y"), _("yes")) else None


def cmd_probe(args) -> int:
    try:
        inventory = load_inventory(args.inventory)
    except InputError as exc:
        return print_problems(exc)
    return in_workspace(args, inventory, lambda workspace, signer: _probe(args, inventory, workspace, signer))


def _probe(args, inventory, workspace: Workspace, signer) -> int:
    from ..probing.run import run_probes
    from ..probing.transports import TransportError, TransportOptions

    if workspace.inventory_changed(inventory.digest):
        print(_("warning: {inventory} changed since this workspace was started "
                "(its flags and earlier runs describe the old version)").format(inventory=args.inventory),
              file=sys.stderr)
    picked = _pick_hosts(args, inventory)
    if picked is None:
        return EXIT_BAD_INPUT
    hosts, fan_out, whole = picked
    plans = _confirm(args, inventory, hosts)
    if plans is None:
        print(_("not confirmed: nothing probed, nothing stored"), file=sys.stderr)
        return EXIT_BAD_INPUT
    options = TransportOptions(ssh_config=args.ssh_config, identity_files=args.identity,
                               known_hosts=args.known_hosts, accept_new_host_key=args.accept_new_host_key,
                               connect_timeout=args.connect_timeout)
    if fan_out:
        return _probe_fleet(args, inventory, workspace, signer, hosts, whole, options, plans)
    host = hosts[0].spec
    bar = _Bar()
    try:
        run = run_probes(inventory, host, args.phase, workspace, options, jobs=args.jobs, progress=bar,
                         plan=plans[host])
    except ValueError as exc:  # a malformed host spec
        bar.close()
        print(f"--host {for_terminal(host)}: {said(exc)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except TransportError as exc:
        bar.close()
        print(_("error: {message}").format(message=said(exc)), file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return _interrupted(bar, args.workspace)
    bar.close()
    if signer is not None:
        from ..actions import attest_run
        attest_run(workspace, signer, run["id"])  # chained to the previous attestation
        print(_("{run} attested by {name} ({role})").format(run=run["id"], name=signer.name, role=signer.role))
    print_run(run, ZoneMap.of(inventory) if inventory.zones or inventory.migration.target.nat_gateways
              or inventory.migration.source.nat_gateways else None)
    _stored(args.workspace)
    if not run["complete"]:
        print(_("run incomplete: {error}; {n} results stored in {workspace}").format(
            error=shown(run["error"]), n=len(run["results"]), workspace=args.workspace), file=sys.stderr)
        return EXIT_INCOMPLETE
    return EXIT_FINDINGS if any(r["status"] == "fail" for r in run["results"]) else EXIT_OK


def _interrupted(bar, workspace) -> int:
    """Ctrl-C during one host's run or a fan-out: what came in is already stored."""
    bar.close()
    print(_("interrupted: the results that arrived are stored in {workspace}").format(workspace=workspace),
          file=sys.stderr)
    return EXIT_INCOMPLETE


def _stored(workspace) -> None:
    print(_("stored in {workspace} (next: {compare}, or {gui})").format(
        workspace=workspace, compare=f"migready compare {workspace}", gui=f"migready gui {workspace}"))


class _FleetBar(_Bar):
    """The progress of a fan-out: every host's results together, and hosts done."""

    def __init__(self, hosts: int, stream=sys.stderr):
        super().__init__(stream)
        self.hosts, self.hosts_done, self.done, self.total = hosts, 0, 0, 0
        self.totals: dict = {}

    def __call__(self, event) -> None:
        if event.progress is None:
            self.hosts_done += 1
            return
        spec, total, result = event.host.spec, event.progress.total, event.progress.result
        self.total += total - self.totals.get(spec, 0)  # every host's planned total, kept as a sum
        self.totals[spec] = total
        self.done += 1
        self.step(result["status"] if result else None, self.done, max(self.total, self.done))


def _probe_fleet(args, inventory, workspace: Workspace, signer, hosts, whole: bool, options, plans: dict) -> int:
    """Every host at once (--hosts-jobs of them): one line per host, the failures with their host."""
    from ..probing.fleet import run_fleet

    bar = _FleetBar(len(hosts))
    try:
        fleet = run_fleet(inventory, hosts, args.phase, workspace, options, jobs=args.jobs,
                          hosts_jobs=args.hosts_jobs, progress=bar, whole=whole, plans=plans,
                          final_save=False)  # Workspace.editing saves when _probe returns
    except KeyboardInterrupt:
        return _interrupted(bar, args.workspace)
    bar.close()
    if signer is not None:  # the attestation covers the whole fan-out: every host's run is signed
        from ..actions import attest_run
        for run in fleet.runs:
            if workspace.run_logged_digest(run["id"]) is not None:
                attest_run(workspace, signer, run["id"])  # each chained to the one before, as for one host
        print(_("{fleet}: {n} runs attested by {name} ({role})").format(
            fleet=fleet.id, n=len(fleet.runs), name=signer.name, role=signer.role))
    print_fleet(fleet)
    _stored(args.workspace)
    if not fleet.complete:
        print(_("{n} of {total} hosts did not complete; what arrived is stored in {workspace}").format(
            n=len(hosts) - len(fleet.runs) + len(fleet.incomplete), total=len(hosts), workspace=args.workspace),
            file=sys.stderr)
        return EXIT_INCOMPLETE
    return EXIT_FINDINGS if any(r["status"] == "fail" for run in fleet.runs for r in run["results"]) else EXIT_OK


def print_fleet(fleet, limit: int = 50) -> None:
    """One line per host, then every failed result with its host (the first `limit`)."""
    print(_("{fleet}: {n} staging hosts").format(fleet=fleet.id, n=len(fleet.runs)))
    for run in fleet.runs:
        name = run.get("host_name") or run["host"]
        where = f"{name} ({run['pool']})" if run.get("pool") else name
        failed = sum(1 for r in run["results"] if r["status"] == "fail")
        if run.get("unreachable"):
            state = _("UNREACHABLE: {error}").format(error=shown(run.get("error")))
        elif not run.get("complete"):
            state = _("INCOMPLETE: {error}").format(error=shown(run.get("error")))
        else:
            state = _("complete, {got}/{planned} results, {failed} failed").format(
                got=len(run["results"]), planned=run["planned"], failed=failed)
        print(f"  {run['id']} {for_terminal(where)}: {state}")
    failures = [(run, r) for run in fleet.runs if not run.get("unreachable") for r in run["results"]
                if r["status"] == "fail"]
    for run, r in failures[:limit]:
        name = run.get("host_name") or run["host"]
        target = f" {r['target']}" if r["target"] else ""
        print(f"  {column(tag('state', r['status']), 12)} {for_terminal(name)}: {r['dependency'] or _('(host)')} "
              f"{r['check']}{target}: {shown(describe(r))}")
    if len(failures) > limit:
        print(_("  …and {n} more failed results (migready compare)").format(n=len(failures) - limit))


def print_run(run: dict, zones: ZoneMap | None = None, limit: int = 200) -> None:
    """One line per result; with the inventory's zones, DNS answers and routes say where they lie.
    A run of more than `limit` results prints only those that did not pass, and counts the passes:
    20,000 lines at 10,000 targets buried the few that matter (the workspace keeps every one)."""
    print(_("{run}: {phase} from {host}, {got}/{planned} results").format(
        run=run["id"], phase=run["phase"], host=run["host"], got=len(run["results"]), planned=run["planned"]))
    shown_results = run["results"]
    if len(shown_results) > limit:
        shown_results = [r for r in shown_results if r["status"] != "pass"]
    for r in sorted(shown_results, key=lambda r: (r["dependency"] or "", r["check"], r["target"] or "")):
        what = r["dependency"] or _("(host)")
        target = f" {r['target']}" if r["target"] else ""
        print(f"  {column(tag('state', r['status']), 12)} {what} {r['check']}{target}: {shown(describe(r))}"
              f"{_placed(r, run, zones)}")
    passed = len(run["results"]) - len(shown_results)
    if passed:
        print(ngettext("  …and {n} passing result, not listed (every result is in the workspace)",
                       "  …and {n} passing results, not listed (every result is in the workspace)",
                       passed).format(n=passed))


def _placed(result: dict, run: dict, zones: ZoneMap | None) -> str:
    """' [198.18.30.7: zone ddos-edge (external); leaves via NAT gateway ...]' for dns and route results."""
    # a probe that answered: where its answer lies is what makes it good or bad for the dependency
    if zones is None or raw_status(result) != "pass" or result.get("check") not in ("dns", "route"):
        return ""
    data = result.get("data") or {}
    addresses = [a.get("ip") for a in data.get("answers") or () if isinstance(a, dict)] or [data.get("ip")]
    parts = [f"{shown(zones.place(str(a), result.get('target')))}" for a in addresses if a]
    if result["check"] == "route":
        egress = zones.route_egress(result, run.get("phase"))
        parts += [_("leaves via {egress}").format(egress=shown(egress))] if egress else []
    return f" [{'; '.join(parts)}]" if parts else ""
