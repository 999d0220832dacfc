"""SSH failures in Chinese (issue 17), against a real OpenSSH sshd on 127.0.0.1 (tests/sshd.py).

``str(exc)`` is what the CLI and the window print: in zh_CN it names the host
and the reason in Chinese.  ``exc.message`` is the same sentence as a `Msg`
(neutral English): what a caller stores.  Where a transport's words go into
the workspace (the python-missing reason of every probe, the agent outcome of
a run), they stay English whatever the language, so the signed digest does
not depend on who ran the probe in which language.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from migready.checks.text.i18n import Msg, set_language, shown
from migready.checks.probing.transports import (AuthFailed, ConnectFailed, PythonMissing, TransportOptions, UnknownHostKey, open_transport)

try:
    from sshd import STANDIN_AGENT, free_port, keygen, options, spec, sshd_server  # noqa: F401
except ImportError:  # tests/ became a package
    from tests.sshd import STANDIN_AGENT, free_port, keygen, options, spec, sshd_server  # noqa: F401


@pytest.fixture(autouse=True)
def private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    return home


@pytest.fixture(autouse=True)
def zh():
    set_language("zh_CN")
    yield
    set_language("en")


def test_unknown_host_key_refused_in_chinese_names_host_and_fingerprint(sshd_server, tmp_path):
    with pytest.raises(UnknownHostKey) as info:
        open_transport(spec(sshd_server), options(sshd_server, tmp_path, known=False))
    where = f"127.0.0.1:{sshd_server.port}"
    fp = info.value.info.fingerprint_sha256
    assert str(info.value) == (f"{where} 的主机密钥未知：ssh-ed25519 指纹 {fp}；请与主机负责人核对指纹，"
                               "确认后加 --accept-new-host-key 重新运行以信任它")
    assert info.value.message == (f"host key of {where} is unknown: ssh-ed25519 fingerprint {fp}; check the "
                                  "fingerprint with the host's owner, then rerun with --accept-new-host-key "
                                  "to trust it")


def test_host_key_refused_by_the_person_in_chinese(sshd_server, tmp_path):
    opts = options(sshd_server, tmp_path, known=False, host_key_callback=lambda info: "refuse")
    with pytest.raises(UnknownHostKey) as info:
        open_transport(spec(sshd_server), opts)
    assert str(info.value).endswith("；拒绝方：用户")
    assert f"127.0.0.1:{sshd_server.port} 的主机密钥未知" in str(info.value)


def test_auth_failure_in_chinese_names_user_host_and_what_was_tried(sshd_server, tmp_path):
    wrong = keygen(tmp_path / "wrong_key")
    opts = options(sshd_server, tmp_path, identity_files=[str(wrong), str(tmp_path / "absent")])
    with pytest.raises(AuthFailed) as info:
        open_transport(spec(sshd_server), opts)
    user, where = sshd_server.files.user, f"127.0.0.1:{sshd_server.port}"
    assert str(info.value) == (f"用户 {user} 在 {where} 上认证失败（已尝试：{wrong}，{tmp_path}/absent（不存在）；"
                               "服务器接受：publickey）")


def test_closed_port_in_chinese_is_connection_refused():
    port = free_port()
    with pytest.raises(ConnectFailed) as info:
        open_transport(f"ssh://127.0.0.1:{port}", TransportOptions(ssh_config="", known_hosts="/dev/null"))
    assert str(info.value) == f"无法连接 127.0.0.1:{port}：拒绝连接"
    assert info.value.message == f"cannot connect to 127.0.0.1:{port}: connection refused"
    set_language("en")
    assert str(info.value) == f"cannot connect to 127.0.0.1:{port}: connection refused"


def test_python_missing_stays_neutral_where_it_is_stored(sshd_server, tmp_path):
    """probe_run stores str(exc) as the reason of every probe of the host: English in the file,
    Chinese where it is shown."""
    opts = options(sshd_server, tmp_path, remote_python="migready-no-such-python3")
    with open_transport(spec(sshd_server), opts) as t, pytest.raises(PythonMissing) as info:
        t.run_agent(STANDIN_AGENT, {"probes": [1]}, lambda o: None)
    stored = str(info.value)
    assert isinstance(stored, Msg)
    assert stored == f"migready-no-such-python3 not found on 127.0.0.1:{sshd_server.port}"
    assert shown(stored) == f"127.0.0.1:{sshd_server.port} 上找不到 migready-no-such-python3"


def test_agent_outcome_error_is_stored_in_english_and_shown_in_chinese(sshd_server, tmp_path):
    """An agent that exits before its summary: the run's error is a Msg."""
    with open_transport(spec(sshd_server), options(sshd_server, tmp_path)) as t:
        outcome = t.run_agent(STANDIN_AGENT, {"probes": [1], "exit": 3}, lambda o: None)
    where = f"127.0.0.1:{sshd_server.port}"
    assert not outcome.complete
    assert outcome.error == (f"agent on {where} exited with status 3 before its summary, after 1 result: "
                             "stand-in agent giving up")
    # the host's own stderr line is data: quoted as it came
    assert shown(outcome.error) == (f"{where} 上的 agent 在输出汇总前以状态 3 退出，此时已有 1 条结果："
                                    "stand-in agent giving up")


def test_a_malformed_host_spec_says_what_is_wrong_in_chinese():
    from migready.checks.probing.transports import parse_host

    with pytest.raises(ValueError) as info:
        parse_host("ssh://ops@staging1:99999")
    assert str(info.value) == "主机写法 'ssh://ops@staging1:99999'：端口必须是 1 到 65535 之间的数字，实际是 '99999'"
    with pytest.raises(ValueError) as info:
        parse_host("staging1")
    assert str(info.value) == "主机写法 'staging1' 缺少协议前缀；请写 ssh://staging1（或 local://）"
