"""One vocabulary across the verbs: exit codes and help everywhere, one justification flag,
files of the wrong kind named as such, `gui` without a display, no leaked pipes."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from cliproc import migready

from migready.checks.cli import build_parser
from migready.checks.cli.common import EXIT_HELP, _subparsers

DEMO = "inventories/demo.yaml"
VERBS = sorted(_subparsers(build_parser()))


def test_every_verb_has_exit_codes_help_on_positionals_and_format_defaults():
    parser = build_parser()
    assert set(VERBS) <= set(EXIT_HELP)
    for name, sub in _subparsers(parser).items():
        text = sub.format_help()
        assert "exit codes:" in text, name
        for action in sub._actions:
            if not action.option_strings and action.dest != "help":
                assert action.help, (name, action.dest)
            if action.dest in ("format", "output_format") and action.option_strings:
                assert action.help and "default:" in action.help, name


@pytest.mark.parametrize("verb", ["mark", "waive", "signoff"])
def test_the_justification_flag_is_reason_and_old_names_are_hidden(verb):
    text = migready(verb, "--help").stdout
    assert "--reason" in text
    assert "--note" not in text and "--comment" not in text


def test_an_inventory_given_as_a_workspace_is_named_as_such():
    out = migready("verdict", DEMO)
    assert out.returncode == 2
    assert out.stderr.strip() == (f"{DEMO}: this is an inventory (YAML), not a workspace (*.migready.json); "
                                  "give it as INVENTORY (e.g. migready probe INVENTORY --workspace FILE)")


def test_a_workspace_given_as_an_inventory_is_named_as_such(tmp_path, demo_path):
    ws = tmp_path / "w.migready.json"
    assert migready("probe", demo_path, "--phase", "pre", "--workspace", ws, timeout=120).returncode in (0, 1)
    out = migready("flags", ws)
    assert out.returncode == 2 and "this is a workspace (*.migready.json), not an inventory (YAML)" in out.stderr


def test_plurals():
    out = migready("validate", DEMO)
    assert out.stdout.strip() == f"{DEMO}: valid (1 service, 2 dependencies)"


def test_gui_without_a_display_exits_2_with_one_line():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    out = migready("gui", env=env)
    assert out.returncode == 2
    assert len(out.stderr.strip().splitlines()) == 1 and "no display" in out.stderr
    env["DISPLAY"] = ":97"  # no X server there
    out = migready("gui", env=env)
    assert out.returncode == 2 and "names no running X server" in out.stderr


def test_probe_leaks_no_pipe(tmp_path, demo_path):
    """`-W error::ResourceWarning`: an unclosed agent pipe would print an 'unclosed file' warning."""
    ws = tmp_path / "w.migready.json"
    out = subprocess.run([sys.executable, "-X", "dev", "-W", "error::ResourceWarning", "-m", "migready.checks.cli",
                          "probe", str(demo_path), "--phase", "pre", "--workspace", str(ws)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode in (0, 1), out.stderr
    assert "ResourceWarning" not in out.stderr and "unclosed" not in out.stderr
