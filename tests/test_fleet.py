"""Issue 24 without a lab: host sources, exec: specs, the fan-out's bookkeeping, findings over hosts."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from migready.checks.inventory.load import load_inventory
from migready.checks.inventory.model import HostSource
from migready.checks.probing import hostsources
from migready.checks.probing.fleet import run_fleet
from migready.checks.probing.hostsources import FleetHost, HostSourceError, hosts_of_listing, hosts_of_pods, phase_hosts, pick
from migready.checks.probing.transports import parse_host
from migready.checks.review.hosts import on_hosts, phase_view
from migready.checks.store.problems import InputError
from migready.checks.store.workspace import Workspace

DEMO = Path(__file__).resolve().parents[1] / "inventories" / "demo.yaml"


def test_missing_ansible_core_is_a_clear_error_naming_the_extra(monkeypatch):
    monkeypatch.setattr(hostsources, "_ansible_inventory_program", lambda: None)
    with pytest.raises(HostSourceError) as err:
        hostsources.ansible_hosts(HostSource("ansible", path="/x/hosts.ini", group="k8s", written="hosts.ini"))
    assert "hosts.ini" in str(err.value) and "migready[ansible]" in str(err.value)


def test_an_ansible_listing_gives_the_group_with_its_children_and_vars():
    listing = {"_meta": {"hostvars": {
        "n1": {"ansible_host": "192.0.2.1", "ansible_port": 2222, "ansible_user": "ops",
               "ansible_ssh_private_key_file": "/keys/id"},
        "n2": {"ansible_host": "2001:db8::2"}, "n3": {}}},
        "all": {"children": ["ungrouped", "k8s"]}, "k8s": {"hosts": ["n1"], "children": ["k8s_extra"]},
        "k8s_extra": {"hosts": ["n2", "n1"]}, "other": {"hosts": ["n3"]}}
    hosts = hosts_of_listing(listing, HostSource("ansible", group="k8s", written="inv"))
    assert [(h.spec, h.name, h.pool, h.identity_file) for h in hosts] == [
        ("ssh://ops@192.0.2.1:2222", "n1", "k8s", "/keys/id"), ("ssh://[2001:db8::2]", "n2", "k8s", "")]
    with pytest.raises(HostSourceError, match="no group nope"):
        hosts_of_listing(listing, HostSource("ansible", group="nope", written="inv"))
    listing["_meta"]["hostvars"]["n1"]["ansible_host"] = "192.0.2.1\nforged line"
    with pytest.raises(HostSourceError, match="n1"):
        hosts_of_listing(listing, HostSource("ansible", group="k8s", written="inv"))


def test_kubectl_pods_become_exec_hosts_argv_as_written():
    pods = {"items": [{"metadata": {"name": "adapter-1", "namespace": "shop"}, "status": {"phase": "Running"}},
                      {"metadata": {"name": "adapter-2", "namespace": "shop"}, "status": {"phase": "Pending"}}]}
    [host] = hosts_of_pods(pods, HostSource("kubectl", selector="app=adapter", namespace="shop", container="main"))
    assert host.spec == "exec:kubectl exec -i -n shop adapter-1 -c main -- python3 -"
    assert (host.name, host.pool) == ("adapter-1", "app=adapter")
    assert hostsources.kubectl_argv(HostSource("kubectl", selector="app=adapter", namespace="shop")) == [
        "kubectl", "get", "pods", "-n", "shop", "-l", "app=adapter", "-o", "json"]


def test_exec_specs_keep_their_words_and_refuse_control_characters():
    spec = parse_host("exec:ip netns exec 'ns a' python3 -")
    assert spec.scheme == "exec" and str(spec) == "exec:ip netns exec 'ns a' python3 -"
    from migready.checks.probing.transports.hostspec import exec_argv
    assert exec_argv(spec) == ["ip", "netns", "exec", "ns a", "python3", "-"]
    with pytest.raises(ValueError):
        parse_host("exec:python3 -\nssh://forged")
    with pytest.raises(ValueError, match="python3"):
        parse_host("exec:python3")


def _pool_inventory(tmp_path: Path, staging: str) -> Path:
    text = DEMO.read_text(encoding="utf-8")
    start = text.index('staging_hosts: ["local://"]', text.index("target:"))
    path = tmp_path / "pool.yaml"
    path.write_text(text[:start] + "staging_hosts: " + staging + text[start + len('staging_hosts: ["local://"]'):],
                    encoding="utf-8")
    return path


def test_pools_and_sources_are_checked_where_they_are_written(tmp_path):
    bad = _pool_inventory(tmp_path, '[{pool: k8s-b, hosts: ["ssh://ops@192.0.2.1", {exec: [python3]}]}, '
                                    '{ansible: missing.ini, group: nodes}]')
    with pytest.raises(InputError) as err:
        load_inventory(bad)
    text = "\n".join(str(p) for p in err.value.problems)
    assert "staging_hosts" in text and "missing.ini" in text and "pool.yaml" in text


def test_phase_hosts_and_picks(tmp_path):
    inv = load_inventory(_pool_inventory(tmp_path, '[{pool: p1, hosts: ["ssh://ops@192.0.2.1", '
                                                   '{exec: [python3, "-"], name: pod-a}]}, "ssh://ops@192.0.2.9"]'))
    hosts = phase_hosts(inv, "post")
    assert [(h.spec, h.pool, h.name) for h in hosts] == [("ssh://ops@192.0.2.1", "p1", ""),
                                                        ("exec:python3 -", "p1", "pod-a"), ("ssh://ops@192.0.2.9", "", "")]
    assert pick(hosts, ["pod-a", "nowhere"]) == ([hosts[1]], ["nowhere"])
    assert pick(hosts, ["p1"])[0] == hosts[:2]


def test_a_fan_out_records_every_host_and_one_unreachable_host_never_stops_the_others(tmp_path):
    inv = load_inventory(DEMO)
    hosts = [FleetHost(f"exec:{sys.executable} -", "p1", "a"), FleetHost("exec:python3 -", "p1", "b"),
             FleetHost("exec:/nonexistent/python3 -", "p1", "gone")]
    ws = Workspace.open_or_create(tmp_path / "ws.migready.json")
    fleet = run_fleet(inv, hosts, "post", ws, hosts_jobs=2)
    assert [r["host_name"] for r in fleet.runs] == ["a", "b", "gone"]
    assert [r["complete"] for r in fleet.runs] == [True, True, False]
    gone = fleet.runs[2]
    assert gone["unreachable"] and "/nonexistent/python3" in gone["error"]
    assert {r["status"] for r in gone["results"]} == {"inconclusive"} and len(gone["results"]) == gone["planned"]
    assert len({r["fleet"]["id"] for r in fleet.runs}) == 1 and fleet.runs[0]["fleet"]["size"] == 3

    view = phase_view(Workspace.load(ws.path).runs, "post")
    assert view["complete"] is False and "gone" in view["error"]
    assert {r["host"] for r in view["results"]} == {h.spec for h in hosts}


def test_on_hosts_names_the_hosts_and_the_pool():
    of = [{"host": f"ssh://n{i}", "host_name": f"node-{i}", "pool": "k8s-b"} for i in range(1, 9)]
    assert on_hosts([of[1], of[4], of[6]], of) == "on 3 of 8 hosts of pool k8s-b (node-2, node-5, node-7)"
    mixed = of[:2] + [{"host": "ssh://x", "pool": None}]
    assert on_hosts([mixed[2]], mixed) == "on 1 of 3 hosts (ssh://x)"
    many = [{"host": f"h{i}", "pool": "p"} for i in range(30)]
    assert on_hosts(many[:12], many).endswith("h9 and 2 more)")


def test_sign_with_attests_every_host_run_of_the_fan_out(tmp_path):
    """`probe --sign-with` over a pool: each host's run is signed, so the phase view is all attested."""
    import subprocess

    from migready.checks.trust.provenance import standing

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "migready.checks.cli", *map(str, args)], capture_output=True,
                              text=True, timeout=120, cwd=tmp_path)

    key = tmp_path / "lead"
    assert cli("keygen", "--name", "Li Lei", "--role", "migration lead", "--out", key,
               "--no-passphrase").returncode == 0
    inventory = _pool_inventory(tmp_path, '[{pool: p1, hosts: [{exec: [%s, "-"], name: a}, '
                                          '{exec: [python3, "-"], name: b}]}]' % sys.executable)
    ws = tmp_path / "ws.migready.json"
    out = cli("probe", inventory, "--phase", "post", "--workspace", ws, "--sign-with", key, "--yes")
    assert out.returncode in (0, 1), out.stdout + out.stderr
    assert ": 2 runs attested by Li Lei (migration lead)" in out.stdout
    workspace = Workspace.load(ws)
    runs = [r for r in workspace.runs if r["phase"] == "post"]
    assert len(runs) == 2 and all(standing(workspace, r).state == "attested" for r in runs)
    # one chain, as for one host: each attestation signs the hash of the one before (verify checks it)
    from migready.checks.trust.signing import CHAIN_GENESIS, entry_hash
    chain = workspace.attestations
    assert [a["prev"] for a in chain] == [CHAIN_GENESIS] + [entry_hash(a) for a in chain[:-1]]


def _run(i, host, fleet, whole=True, size=3, complete=True, status="pass", started=None):
    return {"id": f"run-{i}", "phase": "post", "host": host, "host_name": host, "pool": "p",
            "started": started or f"2026-12-07T04:00:{i:02d}", "complete": complete, "error": None if complete else "x",
            "fleet": {"id": fleet, "size": size, "whole": whole}, "planned": 1,
            "results": [{"dependency": "s/d", "check": "tcp_connect", "target": "192.0.2.1", "status": status}]}


def test_the_phase_is_every_host_of_the_last_whole_fan_out_with_each_hosts_latest_run():
    runs = [_run(1, "a", "f1"), _run(2, "b", "f1", status="fail"), _run(3, "c", "f1")]
    view = phase_view(runs, "post")
    assert [h["host"] for h in view["hosts"]] == ["a", "b", "c"] and view["complete"]
    # `--host b` again: the phase is still all three hosts, b's latest run counts
    runs.append(_run(4, "b", "f2", whole=False, size=1))
    view = phase_view(runs, "post")
    assert [(h["host"], h["run"]) for h in view["hosts"]] == [("a", "run-1"), ("b", "run-4"), ("c", "run-3")]
    assert {r["status"] for r in view["results"]} == {"pass"}
    # a new whole fan-out that never reached one host: incomplete, naming it
    runs += [_run(5, "a", "f3"), _run(6, "b", "f3")]
    view = phase_view(runs, "post")
    assert view["complete"] is False and "1 host of the fan-out never ran" in view["error"]
    # a single-host run after the fan-out is the phase again, as before fan-outs existed
    runs.append({"id": "run-9", "phase": "post", "host": "local://", "started": "2026-12-07T05:00:00",
                 "complete": True, "results": []})
    assert phase_view(runs, "post") is None


def test_a_dynamic_inventory_script_and_a_directory_work_through_real_ansible_core(tmp_path):
    """What ansible-core accepts, migready accepts: an executable inventory script, a directory of INI files."""
    import os
    if hostsources._ansible_inventory_program() is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("CI installs migready[ansible]; ansible-inventory is missing")
        pytest.skip("ansible-core is not installed (pip install 'migready[ansible]')")
    script = tmp_path / "dynamic.py"
    script.write_text("#!%s\nimport json\nprint(json.dumps({'pods': {'hosts': ['p1', 'p2']}, '_meta': {'hostvars': {"
                      "'p1': {'ansible_host': '192.0.2.31', 'ansible_user': 'ops'}, "
                      "'p2': {'ansible_host': '192.0.2.32', 'ansible_port': 2200}}}}))\n" % sys.executable)
    script.chmod(0o755)
    hosts = hostsources.ansible_hosts(HostSource("ansible", path=str(script), group="pods", written="dynamic.py"))
    assert [(h.name, h.spec, h.pool) for h in hosts] == [("p1", "ssh://ops@192.0.2.31", "pods"),
                                                         ("p2", "ssh://192.0.2.32:2200", "pods")]
    folder = tmp_path / "inv"
    folder.mkdir()
    (folder / "a.ini").write_text("[nodes]\nn1 ansible_host=192.0.2.41\n")
    (folder / "b.ini").write_text("[nodes]\nn2 ansible_host=192.0.2.42\n")
    hosts = hostsources.ansible_hosts(HostSource("ansible", path=str(folder), group="nodes", written="inv"))
    assert sorted(h.spec for h in hosts) == ["ssh://192.0.2.41", "ssh://192.0.2.42"]


def test_at_most_hosts_jobs_hosts_run_at_once_and_a_crashing_host_is_recorded(tmp_path, monkeypatch):
    """The bound (--hosts-jobs) is the pool's: with 2, never 3 hosts in flight; a host whose run raises
    something unexpected is stored with the reason and the others finish."""
    import threading

    from migready.checks.probing import fleet as fleet_module

    inv = load_inventory(DEMO)
    cond = threading.Condition()
    state = {"active": 0, "peak": 0}

    def fake_run(inventory, host, phase, workspace, options, **kw):
        with cond:  # each host stays in flight until a third one joins (or half a second passed)
            state["active"] += 1
            state["peak"] = max(state["peak"], state["active"])
            cond.notify_all()
            cond.wait_for(lambda: state["active"] >= 3, timeout=0.5)
        try:
            if host.endswith("boom -"):
                raise RuntimeError("the agent's stream broke")
            run = workspace.start_run({"phase": phase, "host": host, **kw["extra"], "planned": 0})
            workspace.finish_run(run["id"], True)
            return run
        finally:
            with cond:
                state["active"] -= 1

    monkeypatch.setattr(fleet_module, "run_probes", fake_run)
    hosts = [FleetHost(f"exec:python3 h{i} -", "p", f"h{i}") for i in range(5)] + [FleetHost("exec:boom -", "p")]
    ws = Workspace.open_or_create(tmp_path / "ws.migready.json")
    fleet = run_fleet(inv, hosts, "post", ws, hosts_jobs=2)
    assert state["peak"] == 2
    assert [r["complete"] for r in fleet.runs] == [True] * 5 + [False]
    assert "the agent's stream broke" in fleet.runs[-1]["error"] and fleet.runs[-1]["unreachable"]


def test_a_pools_plan_views_share_their_contacts_and_say_the_same():
    """`view_plans`: the hosts of a pool probe the same things, so their views share one list of contacts
    (a 300-node pool built 600,000 to print one line); a host whose plan differs gets its own."""
    from migready.checks.probing.plan_view import view_plan, view_plans
    from migready.checks.probing.plans import build_plan

    inventory = load_inventory(Path(__file__).resolve().parents[1] / "inventories" / "scale-adapter-pool.yaml")
    plans = [build_plan(inventory, f"ssh://node-{n}", "post") for n in range(3)]
    odd = build_plan(inventory, "ssh://odd", "post")
    odd.probes.pop()
    views = view_plans(inventory, [(f"n{n}", "pool", p) for n, p in enumerate(plans)] + [("odd", "", odd)])
    assert [v.host for _n, _p, v in views] == ["ssh://node-0", "ssh://node-1", "ssh://node-2", "ssh://odd"]
    assert views[0][2].contacts is views[1][2].contacts is views[2][2].contacts
    assert views[3][2].contacts is not views[0][2].contacts and len(views[3][2].contacts) == len(odd.probes)
    for (_n, _p, view), plan in zip(views, plans + [odd]):
        assert view == view_plan(inventory, plan)  # the same view as each host on its own
