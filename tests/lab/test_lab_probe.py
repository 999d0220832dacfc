"""Issue 3's proof: `migready probe` over real SSH, before and after, through real NAT.

The CLI runs in the lab's `ops` namespace; the agent runs on the old site
(routed directly) and on the new site (behind MASQUERADE --random-fully, like
incident 1's Calico natOutgoing).  The scale simulators accept datagrams only
from the SDK source port 9010.
"""
from __future__ import annotations

import json
import sys

from .labflow import lab_inventory, probe  # noqa: F401  (lab_inventory is a fixture)

def results(run, dependency, check):
    return [r for r in run["results"] if r["dependency"] == dependency and r["check"] == check]


def test_pre_and_post_over_ssh_show_the_port_rewrite(lab, lab_inventory, tmp_path):
    ws = tmp_path / "lab.migready.json"
    pre = probe(lab, lab_inventory, "pre", ws)
    assert pre.returncode == 0, pre.stdout + pre.stderr
    post = probe(lab, lab_inventory, "post", ws)
    assert post.returncode == 1, post.stdout + post.stderr  # the scales reject the rewritten port
    before, after = json.loads(ws.read_text(encoding="utf-8"))["runs"]
    assert (before["phase"], before["host"], before["complete"]) == ("pre", f"ssh://root@{lab.old}:22", True)
    assert (after["phase"], after["host"], after["complete"]) == ("post", f"ssh://root@{lab.new}:22", True)
    assert before["host_facts"]["hostname"] and after["agent_version"]

    [reflect_pre] = [r["data"] for r in results(before, "scale-adapter/scales", "reflect")]
    assert reflect_pre["port_preserved"] is True and reflect_pre["nat"] is False
    assert reflect_pre["local"] == {"ip": lab.old, "port": 9010} == reflect_pre["observed"]

    [reflect_post] = [r["data"] for r in results(after, "scale-adapter/scales", "reflect")]
    assert reflect_post["port_preserved"] is False and reflect_post["nat"] is True
    assert reflect_post["local"] == {"ip": lab.new, "port": 9010}
    assert reflect_post["observed"]["ip"] == lab.nat_address and reflect_post["observed"]["port"] != 9010
    # real NAT: the reflector answered, and what it saw is a failure for the scales
    [pre_r], [post_r] = results(before, "scale-adapter/scales", "reflect"), results(after, "scale-adapter/scales", "reflect")
    assert (pre_r["status"], post_r["status"], post_r["reason"]) == ("pass", "fail", "port_rewritten")
    assert "source port 9010 →" in post.stdout and "(rewritten by NAT)" in post.stdout

    scales_pre = results(before, "scale-adapter/scales", "udp_exchange")
    scales_post = results(after, "scale-adapter/scales", "udp_exchange")
    assert len(scales_pre) == len(lab.scales) == len(scales_post)
    assert all(r["status"] == "pass" for r in scales_pre)
    assert all(r["status"] == "fail" and r["reason"] == "unexpected_answer" and "266" in r["detail"]
               for r in scales_post)

    for run in (before, after):
        printers = results(run, "scale-adapter/printers", "tcp_connect")
        assert len(printers) == len(lab.printers) and all(r["status"] == "pass" for r in printers)


def test_unknown_host_key_refused_then_accepted_with_flag(lab, lab_inventory, tmp_path):
    known = lab.write_known_hosts(tmp_path / "known_hosts", hosts=["old"])
    ws = tmp_path / "ws.migready.json"
    refused = probe(lab, lab_inventory, "post", ws, known_hosts=known)
    assert refused.returncode == 2
    assert lab.new in refused.stderr and "SHA256:" in refused.stderr and "--accept-new-host-key" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert not ws.exists() or json.loads(ws.read_text(encoding="utf-8"))["runs"] == []

    accepted = probe(lab, lab_inventory, "post", ws, "--accept-new-host-key", known_hosts=known)
    assert accepted.returncode == 1, accepted.stderr  # ran; the scales reject the NAT-ed port
    assert lab.new in known.read_text(encoding="utf-8")  # remembered
    again = probe(lab, lab_inventory, "post", ws, known_hosts=known)
    assert again.returncode == 1, again.stderr


def test_wrong_key_is_an_auth_error_naming_the_host(lab, lab_inventory, tmp_path):
    wrong = tmp_path / "wrong_key"
    lab.exec_in("ops", ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(wrong)], check=True)
    argv = [sys.executable, "-m", "migready.checks.cli", "probe", str(lab_inventory), "--phase", "pre",
            "--workspace", str(tmp_path / "w.json"), "--identity", str(wrong), "--known-hosts",
            str(lab.known_hosts), "--ssh-config", "/dev/null", "--connect-timeout", "5"]
    out = lab.exec_in("ops", argv, timeout=60, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert out.returncode == 2
    assert lab.old in out.stderr and "authentication failed" in out.stderr.lower()
    assert "Traceback" not in out.stderr
