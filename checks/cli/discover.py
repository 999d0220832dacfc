"""`migready discover`: what a host really talks to, against the inventory.

Live: `--host HOST` samples the host's sockets over SSH (or local://) for
`--duration` seconds every `--interval` seconds.  Import: `--from-file FILE`
reads an Azure Migrate dependency export (CSV, or Excel's Unicode Text),
an AWS Application Discovery agent export (its zip, a folder, or one
connection CSV) or saved `ss -tunap` output (`--input-format`, detected
when unambiguous).  Output format: `--format`/`--output-format text|json`.

Exit codes: 0 no finding at or above --fail-on (default high), 1 such
findings, 2 bad input or the host could not be reached, 4 the sampling did
not finish (cancel, dropped connection, Ctrl-C): what came in is still
reported and stored.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .common import EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_OK, add_ssh_options, print_problems
from ..text.i18n import said
from ..text.i18n import N_, _, ngettext, shown
from ..inventory.load import load_inventory
from ..store.problems import InputError
from ..inventory.rules import SEVERITIES

# The verb's description (the docstring's second and third paragraphs) and epilog, translatable.
LIVE_AND_IMPORT = N_("Live: `--host HOST` samples the host's sockets over SSH (or local://) for\n"
                     "`--duration` seconds every `--interval` seconds.  Import: `--from-file FILE`\n"
                     "reads an Azure Migrate dependency export (CSV, or Excel's Unicode Text),\n"
                     "an AWS Application Discovery agent export (its zip, a folder, or one\n"
                     "connection CSV) or saved `ss -tunap` output (`--input-format`, detected\n"
                     "when unambiguous).  Output format: `--format`/`--output-format text|json`.")
EXIT_CODES_TEXT = N_("Exit codes: 0 no finding at or above --fail-on (default high), 1 such\n"
                     "findings, 2 bad input or the host could not be reached, 4 the sampling did\n"
                     "not finish (cancel, dropped connection, Ctrl-C): what came in is still\n"
                     "reported and stored.\n")
_EPILOG = N_("""\
examples:
  migready discover inv.yaml --host ssh://ops@192.0.2.10 --duration 120 --workspace ws.migready.json
  migready discover inv.yaml --host local:// --duration 10 --interval 0.5 --out seen.yaml
  migready discover inv.yaml --from-file deps.csv --server app-01 --format json
  migready discover inv.yaml --from-file ss.txt --input-format ss --service scale-adapter
  migready discover inv.yaml --from-file ads-export.zip --server 192.0.2.10

Findings: undocumented (seen, not in the inventory; high in a store zone),
inbound (a peer listed as outbound only connects in: an undeclared callback),
unseen (listed, never seen: info, it may be idle), unused-listener (a port
nobody in the inventory connects to).  Traffic sent from unconnected UDP
sockets (sendto) has no peer in the socket tables and is not seen live.
""")


def add_commands(sub) -> None:
    from ..discovery import DEFAULT_DURATION, DEFAULT_INTERVAL, FORMATS

    p = sub.add_parser("discover", help=_("compare the connections a host really makes (or an export "
                                          "holds) with the inventory; optionally write a draft inventory"),
                       description=_(LIVE_AND_IMPORT) + "\n\n" + _(EXIT_CODES_TEXT),
                       epilog=_(_EPILOG), formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("inventory", type=Path)
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--host", help=_("sample this host live: ssh://[user@]host[:port], an ~/.ssh/config "
                                         "alias as ssh://alias, or local://"))
    source.add_argument("--from-file", type=Path, metavar=_("FILE"),
                        help=_("import observed connections from an export file (or an AWS export zip or "
                               "folder) instead"))
    live = p.add_argument_group(_("live sampling (--host)"))
    live.add_argument("--duration", type=float, default=DEFAULT_DURATION, metavar=_("SECONDS"),
                      help=_("length of the sampling window (default {seconds:g})").format(seconds=DEFAULT_DURATION))
    live.add_argument("--interval", type=float, default=DEFAULT_INTERVAL, metavar=_("SECONDS"),
                      help=_("time between two samples (default {seconds:g})").format(seconds=DEFAULT_INTERVAL))
    live.add_argument("--no-ss", action="store_true",
                      help=_("do not run ss on the host (no process names; /proc/net only)"))
    live.add_argument("--no-resolve", action="store_true",
                      help=_("do not resolve the inventory's DNS names on the host (those dependencies "
                             "are then not compared)"))
    ssh = p.add_argument_group(_("connection (--host; as for migready probe)"))
    add_ssh_options(ssh)
    imp = p.add_argument_group(_("import (--from-file)"))
    imp.add_argument("--input-format", choices=("auto",) + FORMATS, default="auto",
                     help=_("azure: Azure Migrate dependency export; aws: AWS Application Discovery agent "
                            "export (camelCase or Athena snake_case); ss: saved `ss -tunap` output (default: auto, "
                            "detected from the first line)"))
    imp.add_argument("--server", metavar=_("NAME_OR_ADDRESS"),
                     help=_("whose connections to compare when the export covers several servers (Azure: "
                            "server name or address; AWS: address)"))
    out = p.add_argument_group(_("comparison and output"))
    out.add_argument("--service", action="append", default=[], metavar=_("NAME"),
                     help=_("compare only the dependencies of this service (repeatable; default: all; use "
                            "it for the services that run on the sampled host)"))
    out.add_argument("--workspace", type=Path, help=_("append the discovery to this *.migready.json "
                                                      "(created if missing), under `discoveries`"))
    out.add_argument("--out", dest="draft", type=Path, metavar=_("FILE"),
                     help=_("write what was seen as a valid draft inventory YAML to FILE"))
    out.add_argument("--draft", dest="draft", type=Path, help=argparse.SUPPRESS)  # the old name
    out.add_argument("--format", "--output-format", dest="output_format", choices=("text", "json"),
                     default="text", help=_("output on stdout: text for people, json for machines"))
    out.add_argument("--fail-on", choices=SEVERITIES, default="high", metavar=_("SEVERITY"),
                     help=_("exit 1 when a finding at or above this severity exists ({severities}; "
                            "default high)").format(severities=", ".join(SEVERITIES)))
    p.set_defaults(func=cmd_discover)


class _Progress:
    """Sampling progress on stderr: one updating line on a terminal, else a line per 10%."""

    def __init__(self, stream=sys.stderr) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.last = -1

    def __call__(self, p) -> None:
        if p.phase == "resolving":
            line = _("resolving the inventory's names on the host ...")
        else:
            filled = int(30 * p.fraction)
            line = f"[{'#' * filled}{'.' * (30 - filled)}] " + _(
                "{elapsed:.0f}/{total:.0f} s, {samples} samples, {peers} peers").format(
                elapsed=p.elapsed_s, total=p.total_s, samples=p.samples, peers=p.peers)
        if self.tty:
            self.stream.write("\r" + line.ljust(70))
            self.stream.flush()
        else:
            decile = int(p.fraction * 10) if p.phase != "resolving" else -2
            if decile != self.last:
                self.last = decile
                print(line, file=self.stream)

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")


def _observe(args, inventory):
    """-> Observation, or an exit code when nothing could be observed."""
    from ..discovery import import_file, inventory_names, sample_host
    from ..probing.transports import TransportError, TransportOptions

    if args.from_file is not None:
        return import_file(args.from_file, args.input_format, args.server)  # InputError: caller
    options = TransportOptions(ssh_config=args.ssh_config, identity_files=args.identity,
                               known_hosts=args.known_hosts, accept_new_host_key=args.accept_new_host_key,
                               connect_timeout=args.connect_timeout)
    names = [] if args.no_resolve else inventory_names(inventory, args.service or None)
    bar = _Progress()
    try:
        return sample_host(args.host, options, duration=args.duration, interval=args.interval, names=names,
                           use_ss=not args.no_ss, progress=bar)
    except (ValueError, TransportError) as exc:
        print(_("error: {message}").format(message=said(exc)), file=sys.stderr)
        return EXIT_BAD_INPUT
    finally:
        bar.close()


def _store(args, inventory, observation, report) -> dict:
    """Reopen the workspace (sampling took a while: others may have written it) and append."""
    from ..discovery import record_discovery
    from ..store.workspace import Workspace

    with Workspace.editing(args.workspace, str(args.inventory.resolve()), inventory.digest, create=True) as ws:
        return record_discovery(ws, observation, report, inventory)


def cmd_discover(args) -> int:
    from ..store.atomic import atomic_write_text
    from ..discovery import classify, draft_inventory
    from ..store.workspace import Workspace

    try:
        inventory = load_inventory(args.inventory)
        if args.workspace is not None:  # a damaged workspace is refused before a long sampling window
            workspace = Workspace.open_or_create(args.workspace, str(args.inventory.resolve()), inventory.digest)
            if workspace.inventory_changed(inventory.digest):
                print(_("warning: {inventory} changed since this workspace was started").format(
                    inventory=args.inventory), file=sys.stderr)
        if args.draft is not None:
            if args.draft.resolve() == args.inventory.resolve():
                print(_("--out: that is the inventory itself; write the draft to another file"), file=sys.stderr)
                return EXIT_BAD_INPUT
            if not args.draft.resolve().parent.is_dir():
                print(_("--out: folder {folder} does not exist").format(folder=args.draft.parent), file=sys.stderr)
                return EXIT_BAD_INPUT
        if args.service:
            known = {s.name for s in inventory.services}
            unknown = [s for s in args.service if s not in known]
            if unknown:
                print(_("--service: no such service in {inventory}: {unknown} (services: {known})").format(
                    inventory=args.inventory, unknown=", ".join(unknown), known=", ".join(sorted(known))),
                    file=sys.stderr)
                return EXIT_BAD_INPUT
        observation = _observe(args, inventory)
    except InputError as exc:
        return print_problems(exc)
    if isinstance(observation, int):
        return observation
    report = classify(inventory, observation, args.service or None)
    record = None
    if args.workspace is not None:
        try:
            record = _store(args, inventory, observation, report)
        except InputError as exc:
            print_problems(exc)
            print(_("the discovery was NOT stored; the results follow"), file=sys.stderr)
    draft_note = None
    if args.draft is not None:
        try:
            atomic_write_text(args.draft, draft_inventory(observation, inventory, report, at=str(args.draft)))
            drafted = load_inventory(args.draft)
            deps = sum(len(s.dependencies) for s in drafted.services)
            draft_note = _("draft inventory written to {path} (valid: {services}, {dependencies})").format(
                path=args.draft,
                services=ngettext("{n} service", "{n} services", len(drafted.services)).format(
                    n=len(drafted.services)),
                dependencies=ngettext("{n} dependency", "{n} dependencies", deps).format(n=deps))
        except OSError as exc:
            draft_note = _("error: cannot write the draft inventory {path}: {reason}").format(
                path=args.draft, reason=exc.strerror or exc)
        except InputError as exc:  # a bug, but the user must hear of it
            draft_note = _("draft inventory written to {path} but it does NOT validate: {problem}").format(
                path=args.draft, problem=exc.problems[0])
    if args.output_format == "json":
        json.dump({"observation": observation.to_dict(), "comparison": report.to_dict(),
                   "discovery": record["id"] if record else None,
                   "draft": str(args.draft) if args.draft else None},
                  sys.stdout, ensure_ascii=False, indent=2, sort_keys=True)
        sys.stdout.write("\n")
    else:
        print(shown(report.format_text(observation)))
    if draft_note:
        print(draft_note, file=sys.stderr)
    if record:
        print(_("stored as {id} in {workspace}").format(id=record["id"], workspace=args.workspace), file=sys.stderr)
    if not observation.complete:
        print(_("sampling incomplete: {error}").format(error=shown(observation.error)), file=sys.stderr)
        return EXIT_INCOMPLETE
    return EXIT_FINDINGS if report.at_or_above(args.fail_on) else EXIT_OK
