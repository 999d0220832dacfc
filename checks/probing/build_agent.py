"""Build the probe agent, ``checks/probing/agent.py``, from its modules in ``agent_src/``.

Why a build: the agent reaches a staging host as ONE file on stdin
(``python3 -I -S -c BOOTSTRAP``, transports/base.py), with nothing of
migready installed there, so what runs must be a single stdlib-only script.
But one 3,400-line file mixes a dozen checks, the reflector and the
rehearsal; testinfra keeps one module per backend for the same reason we
keep one module per check here.  ``agent_src/`` is the source of truth, and
this script joins its modules, in ``MODULES`` order, into ``agent.py``:

* each module's leading stdlib imports (plain ``import x`` and optional-import
  ``try`` blocks) are hoisted once to the top of the built file;
* each module's imports of its siblings (``from .protocol import _outcome``)
  are dropped: in the built file they are one namespace.  A sibling may only
  import from modules before it, so the package stays free of import cycles
  and the built file defines every name before its first top-level use;
* a top-level name defined by two modules is an error (one namespace).

``agent.py`` stays checked in (the host side, the reflector CLI and the tests
import it as ``migready.checks.probing.agent``); tests/test_agent_build.py
fails when it differs from what this builds, so an edit of one without the
other is caught in CI.

    python -m migready.checks.probing.build_agent          # rewrite agent.py
    python -m migready.checks.probing.build_agent --check  # exit 1 if stale
"""
from __future__ import annotations

import argparse
import ast
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "agent_src"
TARGET = HERE / "agent.py"

# The order of the built file: a module may import only from modules before it.
MODULES = (
    "protocol", "tcp", "tcp_many", "udp", "reflect_wire", "reflect", "callback", "dns", "route", "facts", "http_get",
    "sampling", "reflector_answers", "callback_server", "reflector", "rehearsal_rules", "relay", "rehearsal",
    "runner", "main",
)

NOTICE = (
    "# BUILT FILE: generated from checks/probing/agent_src/ (one module per check) by\n"
    "# `python -m migready.checks.probing.build_agent`.  Edit those modules, then rebuild;\n"
    "# tests/test_agent_build.py fails when this file and the modules differ.\n"
)


class BuildError(Exception):
    """The agent sources cannot be joined into one file (the message says where and why)."""


def _is_header(node: ast.stmt) -> bool:
    """An import, or a ``try`` whose body only imports (an optional stdlib module)."""
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return True
    return isinstance(node, ast.Try) and all(isinstance(n, (ast.Import, ast.ImportFrom)) for n in node.body)


def _top_level_names(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name))
    return names


def _split_module(name: str, text: str, earlier: set[str]) -> tuple[list[str], str]:
    """-> (hoisted header statements, body text) of one agent module."""
    where = "agent_src/%s.py" % name
    try:
        tree = ast.parse(text, where)
    except SyntaxError as exc:
        raise BuildError("%s:%s: %s" % (where, exc.lineno, exc.msg)) from None
    body = list(tree.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant):
        body = body[1:]  # the module docstring stays in the source: it is for whoever edits the module
    hoisted: list[str] = []
    end = tree.body[0].end_lineno if tree.body else 0
    while body and _is_header(body[0]):
        node = body.pop(0)
        end = node.end_lineno
        if isinstance(node, ast.ImportFrom) and node.level:
            if node.level != 1 or node.module not in earlier:
                raise BuildError("%s:%d: may import only from agent modules before it (%s), not %r"
                                 % (where, node.lineno, ", ".join(sorted(earlier)) or "none", node.module))
            continue
        hoisted.append(ast.get_source_segment(text, node))
    for node in ast.walk(ast.Module(body=body, type_ignores=[])):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            if isinstance(node, ast.ImportFrom) and node.level:
                raise BuildError("%s:%d: sibling imports belong at the top of the module" % (where, node.lineno))
    lines = text.splitlines()[end:]
    while lines and not lines[0].strip():
        lines.pop(0)
    return hoisted, "\n".join(lines).rstrip() + "\n"


def build(sources: Path = SOURCES) -> str:
    """The text of the single-file agent built from ``sources``."""
    found = {p.stem for p in sources.glob("*.py")} - {"__init__"}
    if found != set(MODULES):
        raise BuildError("agent_src/ holds %s but MODULES lists %s: add a new module to MODULES in its place"
                         % (sorted(found), sorted(MODULES)))
    init = ast.parse((sources / "__init__.py").read_text(encoding="utf-8"))
    doc = ast.get_docstring(init, clean=False)
    if not doc:
        raise BuildError("agent_src/__init__.py: its docstring is the built file's docstring, and it is missing")
    imports: list[str] = []
    optional: list[str] = []
    parts: list[str] = []
    owner: dict[str, str] = {}
    for name in MODULES:
        text = (sources / (name + ".py")).read_text(encoding="utf-8")
        hoisted, body = _split_module(name, text, set(MODULES[:MODULES.index(name)]))
        for stmt in hoisted:
            bucket = imports if stmt.startswith("import ") else optional
            if stmt not in bucket:
                bucket.append(stmt)
        for defined in _top_level_names(ast.parse(body)):
            if defined in owner:
                raise BuildError("agent_src/%s.py defines %s, already defined by agent_src/%s.py: the built "
                                 "agent is one namespace" % (name, defined, owner[defined]))
            owner[defined] = name
        parts.append("# ==== agent_src/%s.py\n\n%s" % (name, body))
    head = '"""%s"""\n%s\n%s\n' % (doc, NOTICE, "\n".join(sorted(imports)))
    if optional:
        head += "\n" + "\n\n".join(optional) + "\n"
    return head + "\n\n" + "\n\n".join(parts)


def write_atomically(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".agent-", suffix=".py", dir=str(path.parent))
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m migready.checks.probing.build_agent",
                                     description="Build checks/probing/agent.py from checks/probing/agent_src/.")
    parser.add_argument("--check", action="store_true", help="only say whether agent.py is up to date (exit 1 if not)")
    args = parser.parse_args(argv)
    try:
        text = build()
    except (BuildError, OSError) as exc:
        sys.stderr.write("build_agent: %s\n" % exc)
        return 2
    current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else None
    if args.check:
        if current != text:
            sys.stderr.write("build_agent: %s is stale: run python -m migready.checks.probing.build_agent\n" % TARGET)
            return 1
        return 0
    if current != text:
        write_atomically(TARGET, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
