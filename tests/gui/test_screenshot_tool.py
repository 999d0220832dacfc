"""`migready gui --screenshots DIR` on a shared machine: another demo holding 127.0.0.20-22 does not
stop it (it takes a free loopback block), and a step that fails is one clear line, exit 2 (issue 26:
it stopped after 12 of 48 images with exit 70, "Address already in use; this is a bug")."""
from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from migready.checks.demo.loopback import CLASSIC


def _screenshots(out, timeout=600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "migready.checks.cli", "gui", "--screenshots", str(out)],
                          capture_output=True, text=True, timeout=timeout)


@pytest.mark.slow
def test_screenshots_finish_while_another_demo_holds_the_classic_block(tmp_path):
    squatter = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # another process's reflector, as it were
    squatter.bind(CLASSIC.reflector)
    try:
        out = _screenshots(tmp_path / "shots")
    finally:
        squatter.close()
    assert out.returncode == 0, out.stderr
    names = {p.name for p in (tmp_path / "shots").glob("*.png")}
    assert "06-compare-1024x700.png" in names and "13-rehearsal-1920x1080-dark.png" in names
    assert len(names) == 48


def test_a_failed_step_is_one_clear_line_and_exit_2(tmp_path, monkeypatch, capsys):
    from migready.gui import screenshots

    def broken(*args, **kwargs):
        raise OSError(98, "Address already in use")

    monkeypatch.setattr(screenshots, "_take", broken)
    assert screenshots.take(tmp_path / "shots") == 2
    err = capsys.readouterr().err
    assert err == "error: screenshots stopped after 0 images: [Errno 98] Address already in use\n"


def test_an_unwritable_folder_is_exit_2(tmp_path, capsys):
    from migready.gui import screenshots
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert screenshots.take(blocker / "shots") == 2
    assert f"error: cannot write screenshots to {blocker / 'shots'}: " in capsys.readouterr().err
