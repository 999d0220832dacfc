"""The card's folders install as one import package; nothing is left out of the wheel."""
from __future__ import annotations

import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = {"checks": "migready.checks", "gui": "migready.gui", "resources": "migready.resources",
           "inventories": "migready.inventories"}


def test_every_python_package_folder_is_listed_in_pyproject():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert config["package-dir"] == {package: folder for folder, package in FOLDERS.items()}
    expected = set()
    for folder, package in FOLDERS.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            relative = init.parent.relative_to(ROOT / folder).parts
            expected.add(".".join((package, *relative)))
    assert set(config["packages"]) == expected


def test_the_wheel_carries_the_compiled_catalogs(tmp_path):
    """An installed (not editable) migready must still speak zh_CN: the .mo and .qm are package data."""
    import subprocess
    import zipfile

    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                    "-w", str(tmp_path), str(ROOT)], check=True, capture_output=True)
    wheel, = tmp_path.glob("migready-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("migready/resources/i18n/zh_CN/LC_MESSAGES/migready.mo",
                   "migready/resources/i18n/migready_zh_CN.qm", "migready/checks/text/i18n.py"):
        assert needed in names, f"{needed} is missing from the wheel"
