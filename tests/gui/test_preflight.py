"""The window's preflight (issue 26): when Qt's platform plugin cannot load, `migready gui` names the
missing shared libraries from the plugin's own dependency list, prints the apt-get line, and exits 2,
instead of Qt's abort (exit 134) with a hint that named the wrong package."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from migready.gui import preflight

# What `ldd libqxcb.so` printed on the machine of the issue (abridged): two libraries missing, twice.
LDD_OUTPUT = """\
\tlinux-vdso.so.1 (0x00007ffd1d1f2000)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/plugins/platforms/../../lib/libQt6XcbQpa.so.6 (0x00007fb9a85ff000)
\tlibxcb-cursor.so.0 => /lib/x86_64-linux-gnu/libxcb-cursor.so.0 (0x00007fb9a8515000)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibxcb.so.1 => /lib/x86_64-linux-gnu/libxcb.so.1 (0x00007fb9a7975000)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
"""


def test_the_missing_libraries_and_their_packages_come_from_the_dependency_list():
    assert preflight.missing_libraries(LDD_OUTPUT) == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
    assert [preflight.package_of(lib) for lib in ("libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxcb-cursor.so.0",
                                                  "libxkbcommon-x11.so.0", "libX11-xcb.so.1", "libEGL.so.1",
                                                  "libdbus-1.so.3", "libglib-2.0.so.0")] == [
        "libxcb-icccm4", "libxcb-keysyms1", "libxcb-cursor0", "libxkbcommon-x11-0", "libx11-xcb1", "libegl1",
        "libdbus-1-3", "libglib2.0-0"]
    lines = preflight.explain(preflight.Problem("xcb", preflight.Path("/p/libqxcb.so"),
                                                preflight.missing_libraries(LDD_OUTPUT)))
    assert "missing libxcb-icccm.so.4, libxcb-keysyms.so.1" in lines[0] and "ldd /p/libqxcb.so" in lines[0]
    assert lines[1].endswith("apt-get install libxcb-icccm4 libxcb-keysyms1")
    assert "xcb-cursor" not in "\n".join(lines)  # Qt's own hint named this one; it was not missing


def test_the_platform_is_the_one_qt_would_try_first():
    assert preflight.platform_name({"QT_QPA_PLATFORM": "offscreen:configfile=x.json"}) == "offscreen"
    assert preflight.platform_name({"QT_QPA_PLATFORM": "wayland;xcb"}) == "wayland"
    assert preflight.platform_name({"DISPLAY": ":0"}) == "xcb"
    assert preflight.platform_name({"WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland"}) == "wayland"


@pytest.mark.skipif(shutil.which("ldd") is None, reason="needs ldd (Linux)")
def test_migready_gui_with_a_plugin_whose_dependency_is_absent_exits_2_naming_it(tmp_path):
    """A copy of the real xcb plugin, alone in a folder: its $ORIGIN-relative dependency
    libQt6XcbQpa.so.6 is absent there, which is what the loader would see."""
    real = preflight.plugin_file("xcb", {})
    assert real is not None, "PySide6's xcb plugin not found"
    platforms = tmp_path / "platforms"
    platforms.mkdir()
    shutil.copy(real, platforms / real.name)
    env = dict(os.environ, QT_QPA_PLATFORM="xcb", QT_QPA_PLATFORM_PLUGIN_PATH=str(platforms), LANGUAGE="en")
    out = subprocess.run([sys.executable, "-m", "migready.checks.cli", "gui"], capture_output=True, text=True,
                         env=env, timeout=60)
    assert out.returncode == 2, (out.returncode, out.stderr)
    assert "Qt's \"xcb\" platform plugin cannot load: missing libQt6XcbQpa.so.6" in out.stderr
    assert "reinstall" in out.stderr and "Aborted" not in out.stderr
    assert str(platforms / real.name) in out.stderr


def test_a_plugin_that_loads_passes(tmp_path):
    assert preflight.check({"QT_QPA_PLATFORM": "offscreen", "PATH": os.environ.get("PATH", "")}) is None
