"""The architecture, as a test: which part may import which (README "Architecture").

- `checks` (the core) never imports Qt or `gui`: the CLI runs headless in CI pipelines.
- `gui` never imports `checks.cli`: the window and the command line are two front ends over the
  same core calls; wording or logic the window needs lives in the core.
- the agent is one standard-library file (it is shipped to the staging host as source) whose
  sections come in a fixed order, each behind a one-line banner.

Imports are read from the source (ast), so a lazy import inside a function counts too.
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
QT = ("PySide6", "PyQt5", "PyQt6", "shiboken6")


def imports_of(path: Path, package: str, top_level_only: bool = False) -> set[str]:
    """Absolute names of every module `path` imports (relative imports resolved against `package`);
    with `top_level_only`, only those not inside a function."""
    names = set()
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    nodes = ast.walk(tree)
    if top_level_only:
        nodes = [n for n in ast.walk(tree) if not any(isinstance(p, (ast.FunctionDef, ast.AsyncFunctionDef))
                                                       for p in _parents(tree, n))]
    for node in nodes:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def _parents(tree, target):
    stack = [(tree, [])]
    while stack:
        node, chain = stack.pop()
        if node is target:
            return chain
        stack.extend((child, chain + [node]) for child in ast.iter_child_nodes(node))
    return []


def modules(folder: str, package: str):
    for path in sorted((ROOT / folder).rglob("*.py")):
        rel = path.relative_to(ROOT / folder).with_suffix("")
        parts = [p for p in rel.parts if p != "__init__"]
        owner = ".".join([package, *parts[:-1]]) if path.name != "__init__.py" else ".".join([package, *parts])
        yield path, owner


# The two verbs that start a front end may import it inside the verb (never at module level):
# `migready gui` opens the window, `migready report --format pdf` renders through Qt's PDF writer.
LAUNCHERS = {"checks/cli/gui.py", "checks/cli/report.py"}


def violations(folder: str, package: str, forbidden) -> list[str]:
    found = []
    for path, owner in modules(folder, package):
        launcher = str(path.relative_to(ROOT)) in LAUNCHERS
        for name in sorted(imports_of(path, owner, top_level_only=launcher)):
            if forbidden(name):
                found.append(f"{path.relative_to(ROOT)} imports {name}")
    return found


def test_the_core_imports_neither_qt_nor_the_gui():
    assert violations("checks", "migready.checks",
                      lambda n: n.split(".")[0] in QT or n.startswith("migready.gui")) == []


def test_the_gui_does_not_import_the_command_line():
    assert violations("gui", "migready.gui", lambda n: n.startswith("migready.checks.cli")) == []


def test_the_contract_check_sees_a_violation(tmp_path):
    """The checker itself must catch what the contract forbids (a relative and an absolute import)."""
    bad = tmp_path / "page.py"
    bad.write_text("from migready.checks.cli.probe import describe\nfrom ..checks.cli import main\n")
    assert "migready.checks.cli.probe" in imports_of(bad, "migready.gui")
    assert "migready.checks.cli" in imports_of(bad, "migready.gui")


AGENT_SECTIONS = ("probes", "sampling", "reflector", "rehearsal", "runner", "command line")


def test_the_agent_is_one_stdlib_file_with_its_sections_in_order():
    agent = ROOT / "checks" / "probing" / "agent.py"
    stdlib = set(sys.stdlib_module_names) | {"__future__"}
    outside = sorted(n for n in imports_of(agent, "migready.checks") if n.split(".")[0] not in stdlib)
    assert outside == [], "the agent runs on the staging host with only the standard library"
    banners = [line[len("# " + "-" * 64) + 1:] for line in agent.read_text(encoding="utf-8").splitlines()
               if line.startswith("# " + "-" * 64)]
    names = [b.split(":")[0].strip() for b in banners]
    positions = [names.index(section) if section in names else -1 for section in AGENT_SECTIONS]
    assert -1 not in positions, f"missing sections: {names}"
    assert positions == sorted(positions), f"agent sections out of order: {names}"


@pytest.mark.parametrize("folder", ["checks"])
def test_top_level_of_the_core_holds_only_core_modules(folder):
    """Front ends and stand-ins live in their own folders (checks/cli, checks/demo), not beside the core."""
    top = sorted(p.stem for p in (ROOT / folder).glob("*.py"))
    assert not [name for name in top if name.startswith("cli") or name in ("demo", "simulators", "natrelay")]


def test_the_app_does_not_import_the_screenshot_tool():
    """The developer screenshot tool builds its own window; only the entry points start it (this was the
    one import cycle: app -> screenshots -> mainwindow -> app)."""
    entry_points = {"gui/__main__.py"}
    found = [f for f in violations("gui", "migready.gui", lambda n: n.startswith("migready.gui.screenshots"))
             if f.split(" ")[0] not in entry_points]
    assert found == []


# The stages of the core, in the order data flows (README "Architecture").  A module may import its
# own stage and the stages before it; importing a later stage is a climb back up the flow.
# Discovery (what hosts really talk to) is observed like probes are.  `trust` is split: signing and
# provenance (is a run attested?) sit below the review, which counts only attested runs; `verify` re-judges a signed report and so comes after it.
STAGES = ("text", "store", "inventory", "probing", "discovery", "trust.signing", "trust.provenance",
          "review", "report", "trust.verify")
# Climbs that predate the layout and are being removed; this list may only shrink.
KNOWN_CLIMBS = {
    "checks/inventory/load.py": {"probing.transports.hostspec", "probing.transports.hostspec.parse_host"},
    "checks/probing/rehearsal.py": {"review.rehearsal_verdict", "review.rehearsal_verdict.PHASE",
                                    "review.rehearsal_verdict.judge_calls"},
    "checks/store/records.py": {"probing.callback", "probing.callback.callback_lines"},
}


def stage_of(module: str) -> int | None:
    rest = module.removeprefix("migready.checks.")
    if rest == module:
        return None
    best = None
    for i, stage in enumerate(STAGES):
        if rest == stage or rest.startswith(stage + "."):
            if best is None or len(stage) > len(STAGES[best]):
                best = i
    return best


def climbs() -> set[str]:
    found = set()
    for path, owner in modules("checks", "migready.checks"):
        rel = path.relative_to(ROOT / "checks").with_suffix("")
        here = stage_of("migready.checks." + ".".join(p for p in rel.parts if p != "__init__"))
        if here is None:
            continue
        for name in imports_of(path, owner):
            there = stage_of(name)
            if there is not None and there > here:
                found.add(f"{path.relative_to(ROOT)} -> {name.removeprefix('migready.checks.')}")
    return found


def test_the_core_flows_one_way_through_its_stages():
    found = climbs()
    new = sorted(c for c in found if c.split(" -> ")[0] not in KNOWN_CLIMBS
                 or c.split(" -> ")[1] not in KNOWN_CLIMBS[c.split(" -> ")[0]])
    assert new == [], "a stage imports a later one"
    gone = sorted(f"{k} -> {v}" for k, vs in KNOWN_CLIMBS.items() for v in vs if f"{k} -> {v}" not in found)
    assert gone == [], "a known climb is gone: take it off KNOWN_CLIMBS"


def test_the_stage_contract_sees_a_climb():
    assert stage_of("migready.checks.review.verdict") > stage_of("migready.checks.store.workspace")
    assert stage_of("migready.checks.trust.verify") > stage_of("migready.checks.report.model")
    assert stage_of("migready.checks.trust.signing") < stage_of("migready.checks.review.checklist")
    assert stage_of("migready.checks.cli.review") is None
