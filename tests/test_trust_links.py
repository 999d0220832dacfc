"""Issue 23, item 6 ("files reached through links"), as someone with write access to the folders would try it.

A workspace opened through a symbolic link is one workspace, read and written at its target; nothing
migready writes goes through a link it did not make (a planted `NAME.lock`, `NAME.pub`); a path option
(`--ssh-config`, `--identity`, `--known-hosts`) that is a FIFO is refused at once, never waited on while
the workspace lock is held.  Subprocesses run with a timeout, so a verb that blocks fails the test.
"""
from __future__ import annotations

import json
import os

import cliproc
from test_signing import demo_ws, keys, migready, ws  # noqa: F401 (fixtures)

QUICK = 30  # seconds: a verb that waits on a FIFO never returns; this fails it instead


def marks_of(path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))["marks"]


def test_a_workspace_opened_through_a_link_is_one_workspace_at_its_target(ws, tmp_path):
    link = tmp_path / "elsewhere" / "through-link.migready.json"
    link.parent.mkdir()
    link.symlink_to(ws)
    first = migready("mark", link, "prepare.rollback-plan", "pass", "--by", "Lin", "--reason", "runbook v3")
    assert first.returncode == 0, first.stderr
    assert link.is_symlink() and os.readlink(link) == str(ws)  # the link is still a link, not a fork
    second = migready("mark", ws, "prepare.store-ops-informed", "pass", "--by", "Lin", "--reason", "sent")
    assert second.returncode == 0, second.stderr
    third = migready("mark", link, "prepare.store-ops-informed", "fail", "--by", "Lin", "--reason", "bounced")
    assert third.returncode == 0, third.stderr  # read at the target: the second mark is seen, no conflict
    marks = marks_of(ws)
    assert marks["prepare.rollback-plan"]["state"] == "pass" and marks["prepare.store-ops-informed"]["state"] == "fail"
    assert marks_of(link) == marks
    assert not (link.parent / "through-link.migready.json.lock").exists()  # one lock, beside the target
    assert (ws.parent / (ws.name + ".lock")).exists()


def test_a_planted_lock_link_is_refused_and_its_target_untouched(ws, tmp_path):
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me\n", encoding="utf-8")
    lock = ws.with_name(ws.name + ".lock")
    lock.unlink(missing_ok=True)
    lock.symlink_to(precious)
    out = migready("mark", ws, "prepare.rollback-plan", "pass", "--by", "Lin", "--reason", "runbook v3")
    assert out.returncode == 2, (out.returncode, out.stderr)
    assert "internal error" not in out.stderr
    assert str(lock) in out.stderr and "symbolic link" in out.stderr, out.stderr
    assert precious.read_text(encoding="utf-8") == "keep me\n"
    assert "prepare.rollback-plan" not in marks_of(ws)


def test_trust_add_never_writes_through_a_link_planted_in_the_trust_directory(keys, tmp_path):
    """(Held before this change too, by a check before the copy; the copy now also opens with O_EXCL|O_NOFOLLOW.)"""
    made, trust = keys
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me\n", encoding="utf-8")
    (trust / "zhang.pub").unlink()
    (trust / "zhang.pub").symlink_to(precious)
    out = migready("trust", "add", trust, made["migration lead"].with_name("zhang.pub"))
    assert "internal error" not in out.stderr
    assert precious.read_text(encoding="utf-8") == "keep me\n"


def test_path_options_that_are_fifos_are_refused_at_once(ws, tmp_path):
    fifo = tmp_path / "config.fifo"
    os.mkfifo(fifo)
    inventory = json.loads(ws.read_text(encoding="utf-8"))["inventory"]["path"]
    for option in ("--ssh-config", "--identity", "--known-hosts"):
        out = cliproc.migready("probe", inventory, "--phase", "pre", "--workspace", ws, "--host", "ssh://probe@127.0.0.1:1",
                       option, fifo, "--yes", "--connect-timeout", "2", subprocess=True, timeout=QUICK)
        assert out.returncode == 2, (option, out.returncode, out.stderr)
        assert str(fifo) in out.stderr and "FIFO" in out.stderr, (option, out.stderr)


def test_demo_out_never_writes_through_a_link_in_its_folder(tmp_path):
    """Finding 7: `demo --out DIR` with DIR/demo.yaml a link used to overwrite the link's target.  (Held
    before this change: the demo's files are written atomically, which replaces the link, never
    writes through it.)"""
    precious = tmp_path / "precious.yaml"
    precious.write_text("keep me\n", encoding="utf-8")
    out = tmp_path / "d"
    out.mkdir()
    (out / "demo.yaml").symlink_to(precious)
    done = migready("demo", "--out", out)
    assert done.returncode == 1, done.stderr  # the demo's NO-GO
    assert precious.read_text(encoding="utf-8") == "keep me\n"
    assert not (out / "demo.yaml").is_symlink()


def test_dev_null_is_still_openssh_s_none():
    """`--ssh-config /dev/null` (ssh -F /dev/null: no config) is the one device a path option takes: it
    reads as an empty file and never blocks."""
    from migready.checks.cli.common import input_file
    from migready.checks.probing.transports.hostspec import load_ssh_config
    assert input_file(os.devnull) == os.devnull
    assert load_ssh_config(os.devnull).lookup("anything")["hostname"] == "anything"
