"""Before the QApplication exists: can Qt's platform plugin load here?  If not, say which libraries
are missing and how to install them, and exit 2.

Why: when the plugin cannot load, Qt aborts the whole process (exit 134) after a hint that is
often wrong: on a plain X server it asked for ``libxcb-cursor0`` while the libraries really missing
were ``libxcb-icccm.so.4`` and ``libxcb-keysyms.so.1`` (issue 26).  The plugin's own dependency
list knows better: ``ldd`` on the plugin file names every library the dynamic loader cannot find,
transitively.  Nothing here imports Qt; only files and ``ldd`` are looked at.
"""
from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, List, Mapping, Optional, Sequence

# Debian/Ubuntu package names where the library's own name does not give them by the usual rule.
PACKAGE_OF = {
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libgobject-2.0.so.0": "libglib2.0-0",
    "libgio-2.0.so.0": "libglib2.0-0",
    "libOpenGL.so.0": "libopengl0",
    "libGLX.so.0": "libglx0",
}
# The libraries PySide6 ships itself: no system package provides them.
_BUNDLED = re.compile(r"^lib(Qt6|pyside6|shiboken6|icu)", re.IGNORECASE)
_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found\s*$")


@dataclass(frozen=True)
class Problem:
    """The platform plugin that cannot load, and why."""

    platform: str
    plugin: Path
    missing: List[str]

    @property
    def system(self) -> List[str]:
        return [lib for lib in self.missing if not _BUNDLED.match(lib)]

    @property
    def bundled(self) -> List[str]:
        return [lib for lib in self.missing if _BUNDLED.match(lib)]


def package_of(library: str) -> str:
    """The Debian/Ubuntu package that ships `library` (soname): libxcb-icccm.so.4 -> libxcb-icccm4,
    libxkbcommon-x11.so.0 -> libxkbcommon-x11-0 (a digit before the version takes a dash)."""
    if library in PACKAGE_OF:
        return PACKAGE_OF[library]
    name, _, version = library.partition(".so")
    version = version.lstrip(".").split(".")[0]
    name = name.lower()
    if not version:
        return name
    return f"{name}-{version}" if name[-1:].isdigit() else f"{name}{version}"


def missing_libraries(ldd_output: str) -> List[str]:
    """The sonames `ldd` could not find, once each, in its order."""
    seen: List[str] = []
    for line in ldd_output.splitlines():
        match = _NOT_FOUND.match(line)
        if match and match.group(1) not in seen:
            seen.append(match.group(1))
    return seen


def platform_name(environ: Mapping[str, str]) -> str:
    """The platform Qt will try first: QT_QPA_PLATFORM's first entry, else wayland in a Wayland
    session, else xcb."""
    wanted = environ.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip()
    if wanted:
        return wanted
    if environ.get("WAYLAND_DISPLAY") and environ.get("XDG_SESSION_TYPE") == "wayland":
        return "wayland"
    return "xcb"


def _pyside_plugins() -> Optional[Path]:
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0]) / "Qt" / "plugins"


def plugin_file(platform: str, environ: Mapping[str, str], pyside_plugins: Optional[Path] = None) -> Optional[Path]:
    """The file Qt loads for `platform`: QT_QPA_PLATFORM_PLUGIN_PATH when set (Qt looks only
    there), else the first of QT_PLUGIN_PATH's platforms/ folders and PySide6's own that has it."""
    name = f"libq{platform}.so"
    only = environ.get("QT_QPA_PLATFORM_PLUGIN_PATH")
    folders: Iterable[Path]
    if only:
        folders = [Path(only)]
    else:
        extra = [Path(p) / "platforms" for p in environ.get("QT_PLUGIN_PATH", "").split(os.pathsep) if p]
        own = pyside_plugins or _pyside_plugins()
        folders = extra + ([own / "platforms"] if own else [])
    for folder in folders:
        if (folder / name).is_file():
            return folder / name
    return None


def check(environ: Optional[Mapping[str, str]] = None, ldd: Sequence[str] = ("ldd",)) -> Optional[Problem]:
    """A Problem when the platform plugin's libraries are not all there; None when they are, or when
    this cannot be told (not Linux, no ldd, no plugin file found: Qt then says it itself)."""
    environ = os.environ if environ is None else environ
    if not sys.platform.startswith("linux") or shutil.which(ldd[0]) is None:
        return None
    platform = platform_name(environ)
    plugin = plugin_file(platform, environ)
    if plugin is None:
        return None
    try:
        out = subprocess.run([*ldd, str(plugin)], capture_output=True, text=True, timeout=30,
                             env={"PATH": environ.get("PATH", os.defpath), "LC_ALL": "C",
                                  **({"LD_LIBRARY_PATH": environ["LD_LIBRARY_PATH"]}
                                     if environ.get("LD_LIBRARY_PATH") else {})})
    except (OSError, subprocess.SubprocessError):
        return None
    missing = missing_libraries(out.stdout)
    return Problem(platform, plugin, missing) if missing else None


def explain(problem: Problem) -> List[str]:
    """What a person reads: which plugin, which libraries, and the line that installs them."""
    from migready.checks.text.i18n import _
    lines = [_("migready gui: Qt's \"{platform}\" platform plugin cannot load: missing {libraries} "
               "(from the plugin's dependencies: ldd {plugin})").format(
        platform=problem.platform, libraries=", ".join(problem.missing), plugin=problem.plugin)]
    if problem.system:
        packages = " ".join(dict.fromkeys(package_of(lib) for lib in problem.system))
        sudo = "" if hasattr(os, "geteuid") and os.geteuid() == 0 else "sudo "
        lines.append(_("On Debian/Ubuntu: {command}").format(command=f"{sudo}apt-get install {packages}"))
    if problem.bundled:
        lines.append(_("{libraries} come with PySide6, not with the system: reinstall it "
                       "(pip install --force-reinstall PySide6-Essentials)").format(
            libraries=", ".join(problem.bundled)))
    lines.append(_("Every other command works without the window (migready --help)."))
    return lines


def preflight(environ: Optional[Mapping[str, str]] = None, stream=None) -> int:
    """0 when the window can start; else the explanation on `stream` (stderr) and 2."""
    problem = check(environ)
    if problem is None:
        return 0
    print("\n".join(explain(problem)), file=stream or sys.stderr)
    return 2
