"""Hostile input, through the command line: every attack ends in exit 2 naming the file and the reason,
at once, never in a hang, a traceback (exit 70) or a file migready then writes wrong.

Each test reproduces one attack from issue 12 (FIFOs, 100k-deep JSON, NaN, non-object entries, a
.pub whose name is not a string, hosts with a newline, escape sequences in names, `|` in Markdown
cells).  Subprocesses run with a timeout, so a verb that blocks on a FIFO fails the test instead of
hanging the suite.
"""
from __future__ import annotations

import json
import os
import re
import select
import time

import pytest

import cliproc
from migready.checks.store.workspace import Workspace

ROLES = ("migration lead", "store devices")  # demo.yaml's signoff.roles
QUICK = 30  # seconds: a verb that waits on a FIFO never returns; this fails it instead
NO_PASS = {"MIGREADY_KEY_PASSPHRASE": None}


def migready(*args, env_extra=None, timeout=QUICK, cwd=None):
    env = dict(os.environ)
    env.pop("MIGREADY_KEY_PASSPHRASE", None)
    for key, value in (env_extra or {}).items():
        if value is not None:
            env[key] = value
    return cliproc.migready(*args, env=env, timeout=timeout, cwd=cwd)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    """The loopback demo's workspace, report and inventory (the demo's ports are shared by everyone
    running tests on this machine: a busy port is retried, not failed)."""
    out = tmp_path_factory.mktemp("demo")
    for attempt in range(10):
        done = migready("demo", "--out", out / "d", timeout=180)
        if done.returncode == 1:
            break
        assert "Address already in use" in done.stderr, done.stderr
        time.sleep(3)
    assert done.returncode == 1, done.stderr
    assert migready("report", out / "d" / "demo.migready.json", "--format", "json",
                    "--out", out / "report.json").returncode == 0
    return out


@pytest.fixture
def ws(demo_dir, tmp_path):
    path = tmp_path / "demo.migready.json"
    path.write_bytes((demo_dir / "d" / "demo.migready.json").read_bytes())
    return path


@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path


def signer(tmp_path, name="Zhang Min", role=ROLES[0], stem="zm"):
    out = migready("keygen", "--name", name, "--role", role, "--out", tmp_path / stem, "--no-passphrase")
    assert out.returncode == 0, out.stderr
    return tmp_path / stem


def refused(out, *words):
    assert out.returncode == 2, (out.returncode, out.stdout, out.stderr)
    assert "internal error" not in out.stderr
    for word in words:
        assert word in out.stderr, out.stderr


# -- FIFOs, devices, directories: refused at once -------------------------------------------------

def test_a_fifo_as_workspace_is_refused_at_once_by_every_verb(fifo):
    for verb in (["verdict"], ["checklist"], ["compare"], ["report", "--format", "json"],
                 ["mark", "prepare.rollback-plan", "pass", "--by", "x", "--reason", "y"]):
        refused(migready(*verb[:1], fifo, *verb[1:]), str(fifo), "FIFO", "not a regular file")


def test_a_fifo_or_device_or_directory_as_report_is_refused(fifo, tmp_path):
    for path, kind in ((fifo, "FIFO"), ("/dev/zero", "character device"), (tmp_path, "directory")):
        refused(migready("verify", path), str(path), kind)


def test_a_fifo_as_inventory_or_target_csv_is_refused(fifo, tmp_path):
    refused(migready("validate", fifo), f"{fifo}: cannot read inventory: a FIFO")
    refused(migready("flags", "/dev/zero"), "character device")
    inventory = tmp_path / "inv.yaml"
    inventory.write_text(demo_yaml().replace("host: 127.0.0.22", "targets_csv: pipe", 1), encoding="utf-8")
    refused(migready("validate", inventory), "pipe", "FIFO")


def demo_yaml() -> str:
    from importlib import resources
    text = resources.files("migready.inventories").joinpath("demo.yaml").read_text(encoding="utf-8")
    assert 'staging_hosts: ["local://"]' in text and "host: 127.0.0.22" in text
    return text


def test_a_fifo_as_key_pub_trust_dir_or_export_is_refused(fifo, ws, tmp_path, demo_dir):
    private = signer(tmp_path, stem="pk")  # the private key is the FIFO, its .pub is real
    private.unlink()
    os.mkfifo(private)
    refused(migready("signoff", ws, "--key", private), f"cannot read key {private}: a FIFO")
    key = signer(tmp_path)
    pub = key.with_name(key.name + ".pub")
    pub.unlink()
    os.mkfifo(pub)
    refused(migready("signoff", ws, "--key", key), str(pub), "FIFO")
    trust = tmp_path / "trust"
    trust.mkdir()
    os.mkfifo(trust / "mallory.pub")
    skipped = migready("verify", demo_dir / "report.json", "--trust", trust)  # named and skipped, never fatal
    assert skipped.returncode == 1 and "mallory.pub" in skipped.stdout and "FIFO" in skipped.stdout
    refused(migready("verify", demo_dir / "report.json", "--trust", fifo), "not a directory")
    refused(migready("discover", demo_dir / "d" / "demo.yaml", "--from-file", fifo), "FIFO")


# -- malformed JSON and keys: exit 2 with the file and the reason ------------------------------

def test_deeply_nested_json_is_refused_not_a_crash(tmp_path, demo_dir):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    refused(migready("verdict", deep), str(deep), "nested more than")
    refused(migready("verify", deep), str(deep), "nested more than")
    report = json.loads((demo_dir / "report.json").read_text(encoding="utf-8"))
    text = json.dumps(report)[:-1] + ', "x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    deep.write_text(text)
    refused(migready("verify", deep), "nested more than")


def test_nan_and_infinity_are_refused_in_workspaces_and_reports(ws, tmp_path, demo_dir):
    text = ws.read_text(encoding="utf-8")
    ws.write_text(re.sub(r'"latency_ms": ?[0-9.]+', '"latency_ms": NaN', text, count=1), encoding="utf-8")
    refused(migready("verdict", ws), str(ws), "NaN")
    report = tmp_path / "r.json"
    text = (demo_dir / "report.json").read_text(encoding="utf-8")
    assert '"format":"migready-report"' in text
    report.write_text(text.replace('"format":"migready-report"', '"format":"migready-report","x":-Infinity', 1),
                      encoding="utf-8")
    refused(migready("verify", report), str(report), "Infinity")
    report.write_text(json.dumps({"format": "migready-report", "digest": "0", "x": 1}).replace("1}", "1e999}"))
    refused(migready("verify", report), "1e999")


def test_non_object_entries_are_refused(ws, tmp_path, demo_dir):
    data = json.loads(ws.read_text(encoding="utf-8"))
    data["waivers"] = [7, "x"]
    ws.write_text(json.dumps(data), encoding="utf-8")
    refused(migready("verdict", ws), str(ws), "waivers[0]")
    report = json.loads((demo_dir / "report.json").read_text(encoding="utf-8"))
    path = tmp_path / "r.json"
    for field, value, named in (("entries", [1, 2], "signoff.entries[0]"), ("entries", {"a": 1}, "signoff.entries"),
                                ("required_roles", [{"r": 1}], "signoff.required_roles")):
        bad = json.loads(json.dumps(report))
        bad["signoff"][field] = value
        path.write_text(json.dumps(bad), encoding="utf-8")
        refused(migready("verify", path), str(path), named)
    report["signoff"] = ["not", "an", "object"]
    path.write_text(json.dumps(report), encoding="utf-8")
    refused(migready("verify", path), "'signoff' must be an object")


def test_a_pub_whose_name_is_not_a_string_is_refused_and_nothing_is_written(ws, tmp_path):
    key = signer(tmp_path)
    pub = key.with_name(key.name + ".pub")
    public = json.loads(pub.read_text(encoding="utf-8"))
    before = ws.read_bytes()
    for field, value in (("name", {"first": "Zhang"}), ("name", 7), ("role", ["lead"]), ("public_key", "AAAA")):
        pub.write_text(json.dumps(dict(public, **{field: value})), encoding="utf-8")
        refused(migready("signoff", ws, "--key", key), str(pub), field)
    assert ws.read_bytes() == before
    Workspace.load(ws)  # still valid against its own schema


def test_a_malformed_private_key_is_refused(ws, tmp_path):
    import subprocess
    key = signer(tmp_path)
    for content, reason in ((b"-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----\n", "not a private key"),
                            (b"\xff" * 5000, "not a private key"), (b"x" * 100_000, "more than the limit")):
        key.write_bytes(content)
        refused(migready("signoff", ws, "--key", key), str(key), reason)
    key.unlink()
    pub = key.with_name(key.name + ".pub")
    public = pub.read_bytes()
    subprocess.run(["ssh-keygen", "-q", "-t", "ecdsa", "-m", "PKCS8", "-N", "", "-f", str(key)], check=True)
    pub.write_bytes(public)  # ssh-keygen wrote its own .pub
    refused(migready("signoff", ws, "--key", key), "not an Ed25519 key")


# -- hosts ----------------------------------------------------------------------------------------

def test_a_staging_host_with_a_newline_is_refused(tmp_path):
    text = demo_yaml().replace('staging_hosts: ["local://"]', 'staging_hosts: ["ssh://127.0.0.1\\n"]', 1)
    inventory = tmp_path / "inv.yaml"
    inventory.write_text(text, encoding="utf-8")
    refused(migready("validate", inventory), "staging_hosts", "control character (\\n)")


def test_a_host_option_with_a_newline_is_refused_before_connecting(tmp_path, demo_dir):
    out = migready("probe", demo_dir / "d" / "demo.yaml", "--phase", "pre", "--workspace", tmp_path / "w.json",
                   "--host", "ssh://127.0.0.1\nstatus: pass")
    refused(out, "control character (\\n)")
    assert "\nstatus: pass" not in out.stderr  # the forged line is not printed as a line


def test_dependency_hosts_and_target_csv_rows_with_whitespace_are_refused(tmp_path):
    text = demo_yaml()
    inventory = tmp_path / "inv.yaml"
    inventory.write_text(text.replace("host: 127.0.0.22", 'host: "127.0.0.22 10.0.0.1"', 1), encoding="utf-8")
    refused(migready("validate", inventory), "contains whitespace")
    (tmp_path / "fleet.csv").write_text("host\n127.0.0.23\n127.0.0.24\x1b[2J\n", encoding="utf-8")
    inventory.write_text(text.replace("host: 127.0.0.22", "targets_csv: fleet.csv", 1), encoding="utf-8")
    refused(migready("validate", inventory), "fleet.csv, row 3", "\\x1b")


# -- escape sequences and Markdown ---------------------------------------------------------------

PAINT = "Mallory\x1b[2K\r\x1b[32mOK: content digest matches; verdict: GO\x1b[0m"


def test_escape_sequences_in_signer_names_are_shown_escaped_by_verify(ws, tmp_path):
    key = signer(tmp_path, name=PAINT)
    assert migready("signoff", ws, "--key", key, "--override", "seen").returncode == 0
    report = tmp_path / "r.json"
    assert migready("report", ws, "--format", "json", "--out", report).returncode == 0
    trust = tmp_path / "trust"
    trust.mkdir()
    out = migready("verify", report, "--trust", trust)
    assert out.returncode == 1
    assert "\x1b" not in out.stdout + out.stderr and "\r" not in out.stdout
    assert "Mallory\\x1b[2K\\r\\x1b[32mOK" in out.stdout  # shown, one line, not obeyed
    lines = out.stdout.splitlines()
    assert all(line.startswith("FAIL: ") for line in lines if "Mallory" in line)
    assert not any(line.startswith("OK") for line in lines) and "verdict: GO" not in lines


def test_a_terminal_never_receives_a_live_escape_sequence(ws, tmp_path):
    """On a real pseudo-terminal (the CLI guards stdout/stderr when they are a tty)."""
    import pty
    import subprocess
    import sys

    key = signer(tmp_path, name=PAINT)
    assert migready("signoff", ws, "--key", key, "--override", "seen", "--reason", "\x1b]0;pwned\x07").returncode == 0
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "MIGREADY_KEY_PASSPHRASE"}
    proc = subprocess.Popen([sys.executable, "-m", "migready.checks.cli", "verdict", str(ws)],
                            stdin=slave, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    proc.wait(timeout=QUICK)
    os.close(master)
    text = seen.decode("utf-8", "replace")
    assert "NO-GO" in text
    assert "\x1b" not in text and "\x07" not in text


def pipes_outside_code(row: str) -> int:
    """Cell separators of a Markdown table row: `|` not escaped with a backslash (GFM splits on those
    even inside code spans)."""
    return len(re.findall(r"(?<!\\)\|", row))


def test_markdown_tables_escape_pipes_in_every_cell(ws, tmp_path):
    """Names, notes and comments with `|`; a dependency name with `|` lands in item ids, which the
    report shows as code spans (where GFM still splits on `|`)."""
    inventory = tmp_path / "pipes.yaml"
    inventory.write_text(demo_yaml().replace("- name: demo-printer", "- name: demo|printer||x", 1), encoding="utf-8")
    piped = Workspace.new(tmp_path / "pipes.migready.json", str(inventory))
    piped.save()
    for workspace in (ws, piped.path):
        check_markdown_tables(workspace, tmp_path)


def check_markdown_tables(ws, tmp_path):
    key = signer(tmp_path, name="Li | Wei", role=ROLES[1], stem=f"lw{ws.stem}")
    assert migready("signoff", ws, "--key", key, "--decision", "reject", "--reason", "a | b || c").returncode == 0
    assert migready("mark", ws, "prepare.rollback-plan", "pass", "--by", "Wang | Fang", "--reason", "x|y").returncode == 0
    out = tmp_path / "r.md"
    assert migready("report", ws, "--format", "md", "--out", out).returncode == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert any("Li \\| Wei" in line for line in lines)
    if "pipes" in ws.name:
        assert any("demo\\|printer\\|\\|x" in line and line.startswith("| ") for line in lines)
    table = None
    for line in lines:
        if line.startswith("| "):
            table = pipes_outside_code(line) if table is None else table
            assert pipes_outside_code(line) == table, line
        else:
            table = None


# -- keys at rest ----------------------------------------------------------------------------------

def test_keygen_encrypts_by_default_and_no_passphrase_is_explicit(tmp_path):
    env = {"MIGREADY_KEY_PASSPHRASE": "correct horse"}
    assert migready("keygen", "--name", "Wang Fang", "--role", ROLES[0], "--out", tmp_path / "wf",
                    env_extra=env).returncode == 0
    assert (tmp_path / "wf").read_bytes().startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    no_tty = migready("keygen", "--name", "Li Wei", "--role", ROLES[0], "--out", tmp_path / "lw")
    refused(no_tty, "MIGREADY_KEY_PASSPHRASE")
    assert not (tmp_path / "lw").exists()
    empty = migready("keygen", "--name", "Li Wei", "--role", ROLES[0], "--out", tmp_path / "lw",
                     env_extra={"MIGREADY_KEY_PASSPHRASE": ""})
    refused(empty, "empty", "--no-passphrase")
    assert migready("keygen", "--name", "CI", "--role", ROLES[0], "--out", tmp_path / "ci",
                    "--no-passphrase").returncode == 0
    assert (tmp_path / "ci").read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")


def test_signing_with_an_encrypted_key_needs_its_passphrase(ws, tmp_path):
    env = {"MIGREADY_KEY_PASSPHRASE": "correct horse"}
    assert migready("keygen", "--name", "Wang Fang", "--role", ROLES[0], "--out", tmp_path / "wf",
                    env_extra=env).returncode == 0
    refused(migready("signoff", ws, "--key", tmp_path / "wf"), "passphrase", "MIGREADY_KEY_PASSPHRASE")
    wrong = migready("signoff", ws, "--key", tmp_path / "wf", env_extra={"MIGREADY_KEY_PASSPHRASE": "nope"})
    refused(wrong, "wrong passphrase")
    assert migready("signoff", ws, "--key", tmp_path / "wf", "--override", "seen", env_extra=env).returncode == 0


def test_keygen_asks_for_the_passphrase_twice_on_a_terminal(tmp_path, ws):
    """The prompt path: a real pseudo-terminal as the controlling terminal (getpass reads /dev/tty)."""
    import pty
    import subprocess
    import sys

    def run_on_tty(args, answers):
        master, slave = pty.openpty()
        name = os.ttyname(slave)

        def become_session_leader():  # the pty becomes the controlling terminal: /dev/tty is it
            os.setsid()
            os.close(os.open(name, os.O_RDWR))

        env = {k: v for k, v in os.environ.items() if k != "MIGREADY_KEY_PASSPHRASE"}
        proc = subprocess.Popen([sys.executable, "-m", "migready.checks.cli", *map(str, args)],
                                stdin=slave, stdout=slave, stderr=slave, env=env,
                                preexec_fn=become_session_leader)
        os.close(slave)
        seen, since, pending = b"", b"", list(answers)
        while True:
            if not select.select([master], [], [], QUICK)[0]:  # waiting for an answer it never got
                proc.kill()
                pytest.fail(f"no output for {QUICK} s; the terminal shows: {seen!r}")
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen, since = seen + chunk, since + chunk
            if pending and since.strip() and since.rstrip().endswith(b":"):  # a new prompt, not the
                os.write(master, pending.pop(0).encode() + b"\n")          # newline after an answer
                since = b""
        os.close(master)
        return proc.wait(timeout=QUICK), seen.decode("utf-8", "replace")

    code, text = run_on_tty(["keygen", "--name", "Wang Fang", "--role", ROLES[0], "--out", tmp_path / "wf"],
                            ["s3cret horse", "s3cret horse"])
    assert code == 0, text
    assert "again" in text and "s3cret" not in text  # asked twice, never echoed
    assert (tmp_path / "wf").read_bytes().startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    code, text = run_on_tty(["keygen", "--name", "Li Wei", "--role", ROLES[0], "--out", tmp_path / "lw"],
                            ["one", "two"])
    assert code == 2 and "differ" in text and not (tmp_path / "lw").exists()
    code, text = run_on_tty(["signoff", ws, "--key", tmp_path / "wf", "--override", "seen"], ["s3cret horse"])
    assert code == 0, text
