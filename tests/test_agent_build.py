"""The shipped agent (checks/probing/agent.py) is BUILT from checks/probing/agent_src/.

Why: the staging host gets one stdlib-only file, but the checks are kept one
module each.  If someone edits agent.py by hand, or a module without
rebuilding, the host would run code that is not the reviewed source: these
tests rebuild and compare, and hold the build's own rules.
"""
from __future__ import annotations

import ast
import shutil
import subprocess
import sys

import pytest

from migready.checks.probing import agent, build_agent

SOURCES = build_agent.SOURCES


def test_the_shipped_agent_is_what_its_modules_build():
    built = build_agent.build()
    shipped = build_agent.TARGET.read_text(encoding="utf-8")
    assert built == shipped, "checks/probing/agent.py is stale: run python -m migready.checks.probing.build_agent"


def test_an_edit_of_one_module_without_a_rebuild_is_caught(tmp_path):
    sources = tmp_path / "agent_src"
    shutil.copytree(SOURCES, sources)
    tcp = sources / "tcp.py"
    tcp.write_text(tcp.read_text(encoding="utf-8") + "\n\nEDITED = 1\n", encoding="utf-8")
    assert build_agent.build(sources) != build_agent.TARGET.read_text(encoding="utf-8")


def test_check_mode_says_stale_and_exits_1(tmp_path, monkeypatch):
    stale = tmp_path / "agent.py"
    stale.write_text(build_agent.TARGET.read_text(encoding="utf-8").replace("AGENT_VERSION = ", "AGENT_VERSION  = ", 1))
    monkeypatch.setattr(build_agent, "TARGET", stale)
    assert build_agent.main(["--check"]) == 1
    assert build_agent.main([]) == 0  # rebuilds it
    assert build_agent.main(["--check"]) == 0
    assert stale.read_text(encoding="utf-8") == build_agent.build()


def test_a_module_may_import_only_from_modules_before_it(tmp_path):
    sources = tmp_path / "agent_src"
    shutil.copytree(SOURCES, sources)
    protocol = sources / "protocol.py"
    text = protocol.read_text(encoding="utf-8")
    protocol.write_text(text.replace("import base64\n", "import base64\nfrom .runner import CHECKS\n", 1))
    with pytest.raises(build_agent.BuildError, match=r"protocol\.py:\d+: may import only from agent modules before"):
        build_agent.build(sources)


def test_one_name_in_two_modules_is_refused(tmp_path):
    sources = tmp_path / "agent_src"
    shutil.copytree(SOURCES, sources)
    udp = sources / "udp.py"
    udp.write_text(udp.read_text(encoding="utf-8") + "\n\ndef check_tcp_connect(probe, deadline):\n    pass\n")
    with pytest.raises(build_agent.BuildError, match="udp.py defines check_tcp_connect, already defined by agent_src/tcp.py"):
        build_agent.build(sources)


def test_a_new_module_must_be_placed_in_the_build_order(tmp_path):
    sources = tmp_path / "agent_src"
    shutil.copytree(SOURCES, sources)
    (sources / "icmp.py").write_text('"""An ICMP check."""\n')
    with pytest.raises(build_agent.BuildError, match="add a new module to MODULES"):
        build_agent.build(sources)


def test_every_agent_module_imports_only_the_standard_library_and_its_siblings():
    stdlib = set(sys.stdlib_module_names)
    for path in sorted(SOURCES.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                assert {a.name.split(".")[0] for a in node.names} <= stdlib, path.name
            elif isinstance(node, ast.ImportFrom):
                assert node.level == 1 or (node.level == 0 and node.module.split(".")[0] in stdlib), path.name


def test_the_modules_import_as_a_package_and_agree_with_the_built_file():
    """The package form is importable (no cycles), and it is the same code: each check in the
    built table comes from the module of that name."""
    from migready.checks.probing.agent_src import runner
    assert set(runner.CHECKS) == set(agent.CHECKS)
    for name, check in runner.CHECKS.items():
        assert check.__name__ == agent.CHECKS[name].__name__
        assert check.__code__.co_code == agent.CHECKS[name].__code__.co_code, name


def test_the_build_runs_as_a_module_and_leaves_an_up_to_date_agent_alone():
    before = build_agent.TARGET.stat().st_mtime_ns
    proc = subprocess.run([sys.executable, "-m", "migready.checks.probing.build_agent", "--check"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert build_agent.TARGET.stat().st_mtime_ns == before
