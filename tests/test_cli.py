"""The command line as CI pipelines use it: exit codes, JSON output, any working directory."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
from cliproc import migready

EXAMPLES = Path(str(resources.files("migready.inventories")))


def test_version():
    out = migready("--version")
    assert out.returncode == 0 and out.stdout.startswith("migready ")


def test_no_arguments_prints_help():
    """Without a display, bare `migready` prints the help and says why the app did not open."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    out = subprocess.run([sys.executable, "-m", "migready.checks.cli"], capture_output=True, text=True,
                         timeout=60, env=env)
    assert out.returncode == 0 and "validate" in out.stdout and "flags" in out.stdout
    assert "gui" in out.stdout
    assert out.stdout.rstrip().splitlines()[-1].startswith("no display found")


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_validate_examples_from_another_directory(tmp_path, name):
    out = migready("validate", EXAMPLES / name, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "valid" in out.stdout


def test_validate_invalid_exits_2_with_all_problems_on_stderr(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 2\nmigration: {name: m}\nservices: []\nextra: 1\n", encoding="utf-8")
    out = migready("validate", bad)
    assert out.returncode == 2
    lines = out.stderr.splitlines()
    assert f"{bad}:1:10: version: must be 1, got 2" in lines
    assert f"{bad}:2:12: migration: missing required field 'source'" in lines
    assert f"{bad}:4:1: extra: unknown field 'extra' (allowed: change, checklist, migration, services, signoff, version, zones)" in lines
    assert lines[-1].endswith("problems found")
    assert "Traceback" not in out.stderr and out.stdout == ""


def test_flags_json_contract():
    out = migready("flags", EXAMPLES / "scale-adapter-nat.yaml", "--format", "json")
    assert out.returncode == 1  # --fail-on defaults to high, as for discover: it has blockers
    flags = json.loads(out.stdout)
    assert flags and all({"rule", "severity", "service", "dependency", "message", "incident", "cleared_by"} <= set(f)
                         for f in flags)
    assert any(f["rule"] == "MR002" and f["severity"] == "blocker" for f in flags)


def test_flags_fail_on_threshold():
    scale = EXAMPLES / "scale-adapter-nat.yaml"
    assert migready("flags", scale, "--fail-on", "blocker").returncode == 1
    kafka = EXAMPLES / "checkout-kafka.yaml"
    assert migready("flags", kafka, "--fail-on", "blocker").returncode == 0
    assert migready("flags", kafka, "--fail-on", "high").returncode == 1
    assert migready("flags", kafka).returncode == 1  # the default is high
    assert migready("flags", kafka, "--fail-on", "blocker").returncode == 0


def test_flags_on_invalid_inventory_exits_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\n", encoding="utf-8")
    out = migready("flags", bad)
    assert out.returncode == 2 and "missing required field 'migration'" in out.stderr


def test_unknown_command_is_a_usage_error():
    assert migready("frobnicate").returncode == 2
