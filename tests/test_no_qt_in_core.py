"""`migready.checks` must never import Qt: the CLI runs headless in CI pipelines."""
from __future__ import annotations

import pkgutil
import subprocess
import sys

import migready.checks


def test_core_modules_import_no_qt():
    names = [m.name for m in pkgutil.walk_packages(migready.checks.__path__, "migready.checks.")]
    assert "migready.checks.inventory.load" in names
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'PyQt5', 'PyQt6', 'shiboken6'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
