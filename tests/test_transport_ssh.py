"""The SSH transport against a real OpenSSH sshd on 127.0.0.1 (tests/sshd.py).

No mocks of paramiko: every test connects for real, only ever to 127.0.0.1.
HOME is a temporary directory and SSH_AUTH_SOCK is unset for every test, so
the user's own ~/.ssh and agent never take part.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import migready.checks
from migready.checks.probing.transports import (AuthFailed, ChangedHostKey, CommandTimeout, ConnectFailed, ConnectionDropped, ConnectTimeout, HostKeyInfo, PythonMissing, TransportOptions, UnknownHostKey, open_transport)
from migready.checks.probing.transports.hostkeys import KnownHosts, fingerprint, parse_known_hosts
from migready.checks.probing.transports.hostspec import Endpoint
from migready.checks.probing.transports.sshconnect import _translate

try:
    from sshd import (STANDIN_AGENT, SshdServer, free_port, keygen, options, spec,  # noqa: F401
                      sshd_server, write_sshd_config)
except ImportError:  # tests/ became a package
    from tests.sshd import (STANDIN_AGENT, SshdServer, free_port, keygen, options,  # noqa: F401
                            spec, sshd_server, write_sshd_config)

REAL_AGENT = Path(migready.checks.__file__).parent / "probing" / "agent.py"


@pytest.fixture(autouse=True)
def private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    return home


def host_fingerprint(server: SshdServer) -> str:
    out = subprocess.run(["ssh-keygen", "-l", "-E", "sha256", "-f", str(server.files.host_pub)],
                         capture_output=True, text=True, check=True).stdout
    return out.split()[1]


def accepted_logins(server: SshdServer) -> int:
    return server.log_text().count("Accepted publickey")


# -- connecting and running ---------------------------------------------------

def test_key_auth_known_host_streams_standin_agent(sshd_server: SshdServer, tmp_path: Path) -> None:
    stamps: list[tuple[float, dict]] = []
    with open_transport(spec(sshd_server), options(sshd_server, tmp_path)) as t:
        outcome = t.run_agent(STANDIN_AGENT, {"probes": ["a", "b", "c"], "delay": 0.4, "noise": True},
                              lambda obj: stamps.append((time.monotonic(), obj)))
    lines = [obj for _, obj in stamps]
    assert [l["type"] for l in lines] == ["hello", "result", "result", "result", "summary"]
    assert lines[0]["name"] == "__main__" and lines[0]["argv"] == ["migready-agent", "run"]
    assert stamps[-1][0] - stamps[1][0] > 0.6  # streamed, not delivered at the end
    assert outcome.complete and outcome.exit_status == 0 and outcome.error is None
    assert outcome.results == 3 and outcome.noise == ["this is not json", "[1, 2]"]


def test_one_connection_for_many_runs(sshd_server: SshdServer, tmp_path: Path) -> None:
    before = accepted_logins(sshd_server)
    with open_transport(spec(sshd_server), options(sshd_server, tmp_path)) as t:
        for _ in range(3):
            assert t.run_agent(STANDIN_AGENT, {"probes": [1]}, lambda o: None).complete
        assert t.run(["echo", "$(id)", "a b"]).stdout == b"$(id) a b\n"  # quoted, not a shell
        assert t.run(["cat"], stdin=b"plan").stdout == b"plan"
        assert t.run(["sh", "-c", "exit 7"]).exit_status == 7
        with pytest.raises(CommandTimeout, match="sleep on 127.0.0.1:.* did not finish within 1 s"):
            t.run(["sleep", "10"], timeout=1)
    assert accepted_logins(sshd_server) == before + 1


@pytest.mark.skipif(not REAL_AGENT.exists(), reason="checks/probing/agent.py not written yet")
def test_real_agent_over_ssh(sshd_server: SshdServer, tmp_path: Path) -> None:
    lines: list[dict] = []
    plan = {"version": 1, "probes": [
        {"id": "facts", "check": "host_facts"},
        {"id": "sshd", "check": "tcp_connect", "host": "127.0.0.1", "port": sshd_server.port}]}
    with open_transport(spec(sshd_server), options(sshd_server, tmp_path)) as t:
        outcome = t.run_agent(REAL_AGENT.read_text(encoding="utf-8"), plan, lines.append)
    assert outcome.complete and outcome.error is None, outcome
    results = {l["id"]: l for l in lines if l["type"] == "result"}
    assert set(results) == {"facts", "sshd"} and results["sshd"]["status"] == "pass"
    assert lines[0]["type"] == "hello" and lines[-1]["type"] == "summary"


def test_python_missing(sshd_server: SshdServer, tmp_path: Path) -> None:
    opts = options(sshd_server, tmp_path, remote_python="migready-no-such-python3")
    with open_transport(spec(sshd_server), opts) as t, pytest.raises(PythonMissing) as info:
        t.run_agent(STANDIN_AGENT, {"probes": [1]}, lambda o: None)
    assert str(info.value) == f"migready-no-such-python3 not found on 127.0.0.1:{sshd_server.port}"


def test_connection_killed_mid_run_keeps_the_lines(sshd_server: SshdServer, tmp_path: Path) -> None:
    seen: list[dict] = []

    def on_line(obj: dict) -> None:
        seen.append(obj)
        if obj["type"] == "result" and obj["seq"] == 1:
            assert sshd_server.kill_sessions() > 0

    with open_transport(spec(sshd_server), options(sshd_server, tmp_path)) as t:
        outcome = t.run_agent(STANDIN_AGENT, {"probes": list(range(20)), "delay": 0.3}, on_line)
    assert [o["type"] for o in seen] == ["hello", "result", "result"]
    assert outcome.complete is False and outcome.exit_status is None and outcome.results == 2
    assert f"connection to 127.0.0.1:{sshd_server.port} dropped after 2 results" in outcome.error


def test_connection_lost_between_runs_is_an_outcome(sshd_server: SshdServer, tmp_path: Path) -> None:
    with open_transport(spec(sshd_server), options(sshd_server, tmp_path)) as t:
        assert sshd_server.kill_sessions() > 0
        time.sleep(0.3)
        outcome = t.run_agent(STANDIN_AGENT, {"probes": [1]}, lambda o: pytest.fail("no lines"))
        assert not outcome.complete
        assert outcome.error == (f"connection to 127.0.0.1:{sshd_server.port} was lost "
                                 "before the command could start")
        with pytest.raises(ConnectionDropped, match="was lost"):
            t.run(["true"])


def test_cancel_closes_the_channel(sshd_server: SshdServer, tmp_path: Path) -> None:
    cancel = threading.Event()
    seen: list[dict] = []

    def on_line(obj: dict) -> None:
        seen.append(obj)
        if obj["type"] == "result":
            cancel.set()

    t0 = time.monotonic()
    with open_transport(spec(sshd_server), options(sshd_server, tmp_path)) as t:
        outcome = t.run_agent(STANDIN_AGENT, {"probes": list(range(50)), "delay": 0.5}, on_line, cancel)
        assert t.run(["true"]).exit_status == 0  # the connection itself is still fine
    assert time.monotonic() - t0 < 4
    assert outcome.error == "cancelled" and not outcome.complete and outcome.results == 1


# -- host keys ------------------------------------------------------------------

def test_unknown_host_key_refused_with_fingerprint(sshd_server: SshdServer, tmp_path: Path) -> None:
    with pytest.raises(UnknownHostKey) as info:
        open_transport(spec(sshd_server), options(sshd_server, tmp_path, known=False))
    msg = str(info.value)
    assert f"127.0.0.1:{sshd_server.port}" in msg and host_fingerprint(sshd_server) in msg
    assert "--accept-new-host-key" in msg
    assert info.value.info.fingerprint_sha256 == host_fingerprint(sshd_server)


def test_accept_new_host_key_trusts_and_records(sshd_server: SshdServer, tmp_path: Path) -> None:
    opts = options(sshd_server, tmp_path, known=False, accept_new_host_key=True)
    with open_transport(spec(sshd_server), opts) as t:
        assert t.run(["true"]).exit_status == 0
    kh = Path(opts.known_hosts or "")
    assert kh.read_text() == sshd_server.files.known_hosts_line()
    opts.accept_new_host_key = False
    open_transport(spec(sshd_server), opts).close()  # now known


@pytest.mark.parametrize("hashed", [False, True])
def test_callback_remember_writes_known_hosts(sshd_server: SshdServer, tmp_path: Path,
                                              hashed: bool) -> None:
    asked: list[HostKeyInfo] = []
    opts = options(sshd_server, tmp_path, known=False, hash_known_hosts=hashed,
                   host_key_callback=lambda info: asked.append(info) or "remember")
    Path(opts.known_hosts or "").write_text("# mine\nother.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGJ1c3Q=")
    open_transport(spec(sshd_server), opts).close()
    assert asked == [HostKeyInfo("127.0.0.1", sshd_server.port, "ssh-ed25519",
                                 host_fingerprint(sshd_server))]
    text = Path(opts.known_hosts or "").read_text()
    assert text.startswith("# mine\nother.example ")  # kept, newline added
    last = text.splitlines()[-1]
    assert last.startswith("|1|") if hashed else last.startswith(f"[127.0.0.1]:{sshd_server.port} ")
    found = subprocess.run(["ssh-keygen", "-F", f"[127.0.0.1]:{sshd_server.port}", "-f", opts.known_hosts],
                           capture_output=True, text=True)
    assert found.returncode == 0  # OpenSSH reads what we wrote
    opts.host_key_callback = lambda info: pytest.fail("asked again")  # type: ignore[assignment]
    open_transport(spec(sshd_server), opts).close()


def test_callback_once_and_refuse(sshd_server: SshdServer, tmp_path: Path) -> None:
    opts = options(sshd_server, tmp_path, known=False, host_key_callback=lambda info: "once")
    open_transport(spec(sshd_server), opts).close()
    assert not Path(opts.known_hosts or "").exists()
    opts.host_key_callback = lambda info: "refuse"
    with pytest.raises(UnknownHostKey, match="refused by the user"):
        open_transport(spec(sshd_server), opts)


def test_changed_key_refused_even_with_accept_new(sshd_server: SshdServer, tmp_path: Path) -> None:
    other = keygen(tmp_path / "other_host_key")
    kh = tmp_path / "known_hosts"
    kh.write_text(sshd_server.files.known_hosts_line(key_pub=Path(f"{other}.pub")))
    opts = options(sshd_server, tmp_path, known=False, accept_new_host_key=True,
                   host_key_callback=lambda info: pytest.fail("must not ask"))
    with pytest.raises(ChangedHostKey) as info:
        open_transport(spec(sshd_server), opts)
    msg = str(info.value)
    assert f"HOST KEY CHANGED for 127.0.0.1:{sshd_server.port}" in msg
    assert fingerprint(parse_known_hosts(kh.read_text(), "kh")[0].blob) in msg  # expected
    assert host_fingerprint(sshd_server) in msg  # presented
    assert kh.read_text() == sshd_server.files.known_hosts_line(key_pub=Path(f"{other}.pub"))


@pytest.mark.parametrize("accept_new", [True, False])
def test_key_of_another_type_is_a_changed_key(sshd_server: SshdServer, tmp_path: Path, accept_new: bool) -> None:
    """known_hosts knows the host by an ECDSA key; the server (ed25519 only) presents its ed25519 key.
    Not a new host: refused, with or without --accept-new-host-key, the dialog never asked, nothing
    recorded, and the message names both key types and both fingerprints."""
    ecdsa = keygen(tmp_path / "known_ecdsa", key_type="ecdsa")
    kh = tmp_path / "known_hosts"
    known_line = sshd_server.files.known_hosts_line(key_pub=Path(f"{ecdsa}.pub"))
    kh.write_text(known_line)
    opts = options(sshd_server, tmp_path, known=False, accept_new_host_key=accept_new,
                   host_key_callback=lambda info: pytest.fail("a known host's new key type must not be offered"))
    with pytest.raises(ChangedHostKey) as info:
        open_transport(spec(sshd_server), opts)
    msg = str(info.value)
    known_fp = fingerprint(parse_known_hosts(known_line, "kh")[0].blob)
    assert f"HOST KEY CHANGED for 127.0.0.1:{sshd_server.port}" in msg
    assert f"ecdsa-sha2-nistp256 {known_fp}" in msg  # what known_hosts holds
    assert f"ssh-ed25519 key {host_fingerprint(sshd_server)}" in msg  # what the server presented
    assert kh.read_text() == known_line  # nothing was added


def within(seconds: float, call) -> Any:
    """CALL's result, or a test failure when it has not returned in SECONDS (a read blocked on a FIFO
    never returns: the thread is left behind, the test fails instead of hanging the suite)."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = call()
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            box["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"still blocked after {seconds} s"
    if "error" in box:
        raise box["error"]
    return box["value"]


def test_a_fifo_as_known_hosts_or_identity_file_is_refused_not_waited_on(sshd_server: SshdServer,
                                                                          tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    opts = options(sshd_server, tmp_path, known=False, known_hosts=str(fifo))
    with pytest.raises(UnknownHostKey):  # the FIFO is not read: the host is not known
        within(20, lambda: open_transport(spec(sshd_server), opts))
    opts = options(sshd_server, tmp_path, identity_files=[str(fifo)])
    with pytest.raises(AuthFailed) as info:
        within(20, lambda: open_transport(spec(sshd_server), opts))
    assert f"{fifo} (a FIFO (named pipe), not a regular file)" in str(info.value)


# -- failures that must read well ------------------------------------------------

def test_wrong_client_key_names_host_user_and_key(sshd_server: SshdServer, tmp_path: Path) -> None:
    wrong = keygen(tmp_path / "wrong_key")
    opts = options(sshd_server, tmp_path, identity_files=[str(wrong), str(tmp_path / "absent")])
    with pytest.raises(AuthFailed) as info:
        open_transport(spec(sshd_server), opts)
    msg = str(info.value)
    assert msg.startswith(f"authentication failed for user {sshd_server.files.user} "
                          f"on 127.0.0.1:{sshd_server.port} (tried: {wrong}, {tmp_path}/absent (missing)")
    assert "the server accepts: publickey" in msg


def test_closed_port_is_connection_refused(tmp_path: Path) -> None:
    port = free_port()
    with pytest.raises(ConnectFailed) as info:
        open_transport(f"ssh://127.0.0.1:{port}", TransportOptions(ssh_config="", known_hosts=str(tmp_path / "kh")))
    assert str(info.value) == f"cannot connect to 127.0.0.1:{port}: connection refused"


def test_silent_port_times_out_within_the_connect_timeout(tmp_path: Path) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)  # accepts (kernel backlog), never says a word
        port = listener.getsockname()[1]
        t0 = time.monotonic()
        with pytest.raises(ConnectTimeout) as info:
            open_transport(f"ssh://127.0.0.1:{port}",
                           TransportOptions(ssh_config="", connect_timeout=2,
                                            known_hosts=str(tmp_path / "kh")))
        elapsed = time.monotonic() - t0
    assert 1.5 < elapsed < 4
    assert str(info.value).startswith(f"cannot connect to 127.0.0.1:{port}: timed out after 2 s")


def test_name_that_does_not_resolve_reads_well() -> None:
    ep = Endpoint("staging9", "staging9.invalid", 22, "ops")
    err = _translate(socket.gaierror(socket.EAI_NONAME, "Name or service not known"), ep, 10)
    assert str(err) == ("cannot connect to staging9 (staging9.invalid:22): name "
                        "'staging9.invalid' does not resolve (Name or service not known)")


# -- ~/.ssh/config, ProxyJump, ssh-agent --------------------------------------------

def write_config(tmp_path: Path, server: SshdServer, extra: str = "") -> Path:
    cfg = tmp_path / "ssh_config"
    cfg.write_text(f"""
Host staging jumpbox
    HostName 127.0.0.1
    User {server.files.user}
    Port {server.port}
    IdentityFile {server.files.client_key}
    IdentitiesOnly yes
Host behind
    HostName 127.0.0.1
    Port {server.port}
    User {server.files.user}
    ProxyJump jumpbox
Host deep
    HostName 127.0.0.1
    Port {server.port}
    ProxyJump jumpbox,{server.files.user}@127.0.0.1:{server.port}
Host unreachable
    HostName 127.0.0.1
    Port {free_port()}
    ProxyJump jumpbox
{extra}
""")
    return cfg


def test_config_alias_hostname_user_port_identityfile(sshd_server: SshdServer, tmp_path: Path) -> None:
    opts = options(sshd_server, tmp_path, ssh_config=str(write_config(tmp_path, sshd_server)),
                   identity_files=[], look_for_keys=True)
    with open_transport("ssh://staging", opts) as t:
        assert t.where == f"staging (127.0.0.1:{sshd_server.port})"
        assert t.run(["id", "-un"]).stdout.decode().strip() == sshd_server.files.user


@pytest.mark.parametrize("alias, hops", [("behind", 2), ("deep", 3)])
def test_proxy_jump_through_itself(sshd_server: SshdServer, tmp_path: Path, alias: str, hops: int) -> None:
    opts = options(sshd_server, tmp_path, ssh_config=str(write_config(tmp_path, sshd_server)))
    before = accepted_logins(sshd_server)
    with open_transport(f"ssh://{alias}", opts) as t:
        assert len(t.route) == hops and t.route[0] == f"jumpbox (127.0.0.1:{sshd_server.port})"
        assert t.run_agent(STANDIN_AGENT, {"probes": [1, 2]}, lambda o: None).complete
    assert accepted_logins(sshd_server) == before + hops  # one login per hop, all through the tunnel


def test_proxy_jump_failure_names_the_jump_host(sshd_server: SshdServer, tmp_path: Path) -> None:
    opts = options(sshd_server, tmp_path, ssh_config=str(write_config(tmp_path, sshd_server)))
    with pytest.raises(ConnectFailed, match=r"cannot connect to unreachable \(127.0.0.1:\d+\) through "
                                            r"jump host jumpbox \(127.0.0.1:\d+\): connection refused"):
        open_transport("ssh://unreachable", opts)


@pytest.mark.skipif(shutil.which("ssh") is None, reason="ssh client not installed")
def test_proxy_command_from_config(sshd_server: SshdServer, tmp_path: Path) -> None:
    kh = sshd_server.files.write_known_hosts(tmp_path / "kh_for_ssh")
    cmd = (f"ssh -F none -i {sshd_server.files.client_key} -o BatchMode=yes -o UserKnownHostsFile={kh} "
           f"-o StrictHostKeyChecking=yes -p {sshd_server.port} -W %h:%p {sshd_server.files.user}@127.0.0.1")
    extra = f"Host viacmd\n    HostName 127.0.0.1\n    Port {sshd_server.port}\n    ProxyCommand {cmd}\n"
    opts = options(sshd_server, tmp_path, ssh_config=str(write_config(tmp_path, sshd_server, extra)))
    with open_transport("ssh://viacmd", opts) as t:
        assert t.run(["true"]).exit_status == 0


@pytest.fixture
def ssh_agent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    if shutil.which("ssh-agent") is None or shutil.which("ssh-add") is None:
        pytest.skip("ssh-agent / ssh-add not installed")
    sock = tmp_path / "agent.sock"
    proc = subprocess.Popen(["ssh-agent", "-D", "-a", str(sock)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 5
        while not sock.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        monkeypatch.setenv("SSH_AUTH_SOCK", str(sock))
        yield sock
    finally:
        proc.kill()
        proc.wait()


def test_ssh_agent_auth(sshd_server: SshdServer, tmp_path: Path, ssh_agent: Path) -> None:
    subprocess.run(["ssh-add", "-q", str(sshd_server.files.client_key)], check=True,
                   env={**os.environ, "SSH_AUTH_SOCK": str(ssh_agent)}, capture_output=True)
    opts = options(sshd_server, tmp_path, identity_files=[], allow_agent=True, look_for_keys=True)
    with open_transport(spec(sshd_server), opts) as t:
        assert t.run(["true"]).exit_status == 0


def test_empty_agent_is_named_in_the_failure(sshd_server: SshdServer, tmp_path: Path,
                                             ssh_agent: Path) -> None:
    opts = options(sshd_server, tmp_path, identity_files=[], allow_agent=True)
    with pytest.raises(AuthFailed, match=r"\(tried: agent \(no keys\);"):
        open_transport(spec(sshd_server), opts)


# -- known_hosts parsing ------------------------------------------------------------

def test_known_hosts_patterns_hashes_and_garbage(tmp_path: Path) -> None:
    blob_line = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGJ1c3Q="
    kh = tmp_path / "kh"
    kh.write_text("\n".join([
        "garbage",
        "bad ssh-ed25519 !!!notbase64",
        f"*.example.com,!secret.example.com {blob_line}",
        f"[10.0.0.1]:2222 {blob_line}",
        f"@revoked evil {blob_line}",
    ]) + "\n")
    kh.chmod(0o640)
    known = KnownHosts([str(kh)], str(kh), hash_new=True)
    assert known.key_types("a.example.com") == ["ssh-ed25519"]
    assert known.key_types("secret.example.com") == []
    assert known.key_types("[10.0.0.1]:2222") == ["ssh-ed25519"]
    assert known.key_types("[10.0.0.1]:22") == [] and known.key_types("1") == []
    known.remember("[fresh]:2200", "ssh-ed25519", b"key")
    reread = KnownHosts([str(kh)], str(kh))
    assert reread.for_name("[fresh]:2200")[0].blob == b"key"
    assert kh.stat().st_mode & 0o777 == 0o640  # the rename kept the file's mode
    assert not list(tmp_path.glob(".known_hosts.*"))  # no temp file left behind


def test_failures_print_no_traceback(tmp_path: Path) -> None:
    """paramiko's thread logs tracebacks; a CLI without logging setup must not show them."""
    code = f"""
import socket, sys, time
from migready.checks.probing.transports import open_transport, TransportOptions, TransportError
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(1)
try:
    open_transport("ssh://127.0.0.1:%d" % l.getsockname()[1],
                   TransportOptions(ssh_config="", connect_timeout=1, known_hosts={str(tmp_path / 'kh')!r}))
except TransportError as e:
    print(e)
time.sleep(1.5)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert "timed out after 1 s" in out.stdout
    assert "Traceback" not in out.stderr and "protocol banner" not in out.stderr, out.stderr


def test_encrypted_key_asks_for_its_passphrase(sshd_server: SshdServer, tmp_path: Path) -> None:
    key = tmp_path / "locked_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "s3cret", "-f", str(key)], check=True)
    with open(sshd_server.files.authorized_keys, "a") as f:
        f.write(Path(f"{key}.pub").read_text())
    asked: list[str] = []
    opts = options(sshd_server, tmp_path, identity_files=[str(key)],
                   passphrase_callback=lambda path: asked.append(path) or "s3cret")
    open_transport(spec(sshd_server), opts).close()
    assert asked == [str(key)]
    opts.passphrase_callback = None
    with pytest.raises(AuthFailed, match=r"locked_key \(encrypted, no passphrase given\)"):
        open_transport(spec(sshd_server), opts)
    opts.passphrase_callback = lambda path: "wrong"
    with pytest.raises(AuthFailed, match=r"locked_key \(wrong passphrase\)") as info:
        open_transport(spec(sshd_server), opts)
    assert "wrong" not in str(info.value).replace("(wrong passphrase)", "")


def test_config_include_and_missing_config(sshd_server: SshdServer, tmp_path: Path) -> None:
    (tmp_path / "conf.d").mkdir()
    (tmp_path / "conf.d" / "staging.conf").write_text(
        f"Host inc\n  HostName 127.0.0.1\n  Port {sshd_server.port}\n"
        f"  IdentityFile {sshd_server.files.client_key}\n")
    cfg = tmp_path / "config"
    cfg.write_text(f"Include {tmp_path}/conf.d/*.conf\nHost *\n  User {sshd_server.files.user}\n")
    opts = options(sshd_server, tmp_path, ssh_config=str(cfg), identity_files=[])
    with open_transport("ssh://inc", opts) as t:
        assert t.where == f"inc (127.0.0.1:{sshd_server.port})"
    opts.ssh_config = str(tmp_path / "no-such-config")
    with pytest.raises(ConnectFailed, match="ssh config problem: .*no-such-config"):
        open_transport("ssh://inc", opts)


def test_ipv6_loopback(tmp_path: Path) -> None:
    try:
        port = free_port("::1")
    except OSError:
        pytest.skip("no IPv6 loopback here")
    with SshdServer(write_sshd_config(tmp_path / "sshd6", "::1", port)) as server:
        opts = options(server, tmp_path, known=False, accept_new_host_key=True)
        with open_transport(f"ssh://{server.files.user}@[::1]:{server.port}", opts) as t:
            assert t.where == f"[::1]:{port}"
            assert t.run_agent(STANDIN_AGENT, {"probes": [1]}, lambda o: None).complete
        assert Path(opts.known_hosts or "").read_text().startswith(f"[::1]:{port} ssh-ed25519 ")
