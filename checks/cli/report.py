"""`migready report WORKSPACE --format html|pdf|json|junit|md --out FILE`: the go/no-go report.

Exit 0 when the report is written (whatever the verdict: `migready verdict`
is the command whose exit code is the verdict), 2 on bad input.  The PDF
needs Qt, so `migready.gui.report_pdf` is imported only for `--format pdf`.
"""
from __future__ import annotations

import sys
from pathlib import Path

from .common import EXIT_BAD_INPUT, EXIT_OK, print_problems
from .words import verdict as verdict_word
from ..text.i18n import _, ngettext
from ..store.problems import InputError


def add_commands(sub) -> None:
    from ..report import FORMATS
    p = sub.add_parser("report", help=_("write the go/no-go report (html, pdf, json, junit, md)"))
    p.add_argument("workspace", type=Path)
    p.add_argument("--format", choices=FORMATS, default="html")
    p.add_argument("--out", type=Path, help=_("output file (default: next to the workspace, e.g. NAME.report.html)"))
    from .sign import add_trust
    add_trust(p)
    p.set_defaults(func=cmd_report)


def default_out(workspace: Path, fmt: str) -> Path:
    from ..report import EXTENSIONS
    name = workspace.name
    for suffix in (".migready.json", ".json"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return workspace.with_name(f"{name}.report{EXTENSIONS[fmt]}")


def cmd_report(args) -> int:
    from ..store.atomic import atomic_write_bytes
    from .review import open_review
    from ..report import build_report, final_verdict, render

    out = args.out or default_out(args.workspace, args.format)
    if out.is_dir():
        print(_("error: --out {path} is a directory; give a file name").format(path=out), file=sys.stderr)
        return EXIT_BAD_INPUT
    if not out.parent.is_dir():
        print(_("error: cannot write {path}: the directory {directory} does not exist").format(
            path=out, directory=out.parent), file=sys.stderr)
        return EXIT_BAD_INPUT
    from ..trust.signing import SigningError
    from .sign import load_trust_for
    try:
        trust = load_trust_for(args)  # the same trust directory `verify` reads
        workspace, inventory = open_review(args.workspace)
    except InputError as exc:
        return print_problems(exc)
    except SigningError as exc:
        print(_("error: {message}").format(message=exc), file=sys.stderr)
        return EXIT_BAD_INPUT
    report = build_report(inventory, workspace, trust=trust)
    if args.format == "pdf":
        try:
            from migready.gui import report_pdf
        except ImportError as exc:
            print(_("error: the PDF report needs PySide6 ({error}); the other formats do not").format(error=exc),
                  file=sys.stderr)
            return EXIT_BAD_INPUT
        if report_pdf.cjk_family() is None:
            print(_("warning: no CJK font installed (Debian: fonts-noto-cjk); Chinese names may not show"),
                  file=sys.stderr)
    data = render(report, args.format)
    try:
        atomic_write_bytes(out, data, keep_backup=False)
    except OSError as exc:
        print(_("error: cannot write {path}: {reason}").format(path=out, reason=exc.strerror or exc), file=sys.stderr)
        return EXIT_BAD_INPUT
    final = final_verdict(report)
    items = report["counts"]["items"]
    print(ngettext("{path}: {verdict} ({n} item, digest {digest}…)", "{path}: {verdict} ({n} items, digest {digest}…)",
                   items).format(path=out, verdict=verdict_word(final["verdict"]), n=items,
                                 digest=report["digest"][:16]))
    return EXIT_OK
