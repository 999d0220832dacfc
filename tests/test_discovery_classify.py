"""Observed peers against the inventory; the draft inventory; the workspace record."""
from pathlib import Path

import pytest
import yaml

from migready.checks.discovery import (Observation, Peer, add_to_inventory, classify, draft_dependency,
                                       draft_inventory, import_file, inventory_names, record_discovery)
from migready.checks.discovery.model import Listener
from migready.checks.discovery.store import record_digest
from migready.checks.inventory.load import load_inventory
from migready.checks.store.workspace import Workspace

DATA = Path(__file__).parent / "data" / "discovery"
INVENTORIES = Path(__file__).resolve().parents[1] / "inventories"


@pytest.fixture(scope="module")
def inventory():
    return load_inventory(DATA / "inventory.yaml")


def kinds(report):
    return sorted((f.kind, f.severity, (f.peer or {}).get("remote_ip") or f.dependency
                   or (f.listener or {}).get("port")) for f in report.findings)


def test_ss_sample_against_the_inventory(inventory):
    report = classify(inventory, import_file(DATA / "ss_tunap.txt"))
    assert kinds(report) == sorted([
        ("inbound", "high", "10.60.41.201"),  # listed outbound only, calls back IN (incident 5)
        ("undocumented", "high", "10.1.4.12"),  # a scale nobody listed, in the store zone
        ("undocumented", "medium", "10.9.0.5"),  # an SSH login, no zone: a person, not a dependency
        ("undocumented", "medium", "2001:db8:20::5"),
        ("unseen", "info", "scale-adapter/scales"),  # 10.1.4.13
        ("unseen", "info", "scale-adapter/workers"),  # seen, but not as declared
        ("unused-listener", "low", 22),
        # no listener finding on 27777: the undeclared callback there is the one finding for that port
        ("unused-listener", "low", 123),  # udp 9010 is the scales' source_port; 6379/53 are loopback
    ])
    assert report.findings[0].severity == "high" and report.findings[-1].severity == "info"
    assert report.ignored == 2  # the loopback redis connection, both ends
    matched = {(m["peer"]["remote_ip"], m["peer"]["port"]): m["dependencies"] for m in report.matched}
    assert matched == {("10.1.4.11", 5002): ["scale-adapter/scales"],
                       ("10.1.4.21", 9100): ["scale-adapter/printers"],
                       ("10.1.4.22", 9100): ["scale-adapter/printers"],
                       ("10.6.53.128", 3306): ["scale-adapter/db"]}  # mysql is carried by tcp
    by_kind = {(f.kind, (f.peer or {}).get("remote_ip") or f.dependency): f for f in report.findings}
    callback = by_kind[("inbound", "10.60.41.201")]
    assert callback.zone == "dc" and callback.dependency == "scale-adapter/workers" and callback.incident == 5
    assert "an undeclared callback" in callback.message
    scale = by_kind[("undocumented", "10.1.4.12")]
    assert (scale.zone, scale.zone_kind, scale.rule, scale.incident) == ("store", "store",
                                                                         "discovery.undocumented", 4)
    unseen = by_kind[("unseen", "scale-adapter/scales")]
    assert unseen.targets == ["10.1.4.13"] and "idle" in unseen.message
    assert "seen, but not as declared" in by_kind[("unseen", "scale-adapter/workers")].message
    assert report.counts()["high"] == 2 and len(report.at_or_above("high")) == 2
    text = report.format_text(import_file(DATA / "ss_tunap.txt"))
    assert "[HIGH   ] inbound" in text and "8 findings (2 high, 2 medium, 2 low, 2 info)" in text


def obs_of(*peers, listening=(), source="live", resolved=None):
    return Observation(source=source, origin="test", peers=list(peers), listening=list(listening),
                       resolved=resolved or {}, samples=1)


def test_port_or_transport_mismatch_is_undocumented_with_the_near_miss(inventory):
    report = classify(inventory, obs_of(Peer("tcp", "outbound", "10.1.4.11", 5002),
                                        Peer("udp", "outbound", "10.6.53.128", 3307)))
    scale, db = report.findings[:2]
    assert scale.kind == "undocumented" and scale.severity == "high"
    assert "listed as scale-adapter/scales (outbound, udp 5002)" in scale.message
    assert db.severity == "medium" and "scale-adapter/db" in db.message


def test_a_flow_from_the_declared_source_port_is_the_declared_outbound_flow(inventory):
    """The SDK binds 9010 and talks to the scale's 5002: the bound port makes it read as inbound on 9010."""
    sent = Peer("udp", "inbound", "10.1.4.11", 9010, remote_ports=[5002])
    elsewhere = Peer("udp", "inbound", "10.1.4.11", 9010, remote_ports=[7000])  # not the scale's port
    report = classify(inventory, obs_of(sent))
    assert report.matched[0]["dependencies"] == ["scale-adapter/scales"]
    assert not [f for f in report.findings if f.kind in ("inbound", "undocumented")]
    other = classify(inventory, obs_of(elsewhere))
    assert [f.kind for f in other.findings if f.peer] == ["inbound"]  # a real callback stays a finding


def test_direction_both_and_inbound_dependencies(tmp_path):
    path = tmp_path / "inv.yaml"
    path.write_text("""
version: 1
migration: {name: m, source: {site: a}, target: {site: b}}
zones: [{name: dc, kind: internal, cidrs: [10.0.0.0/8]}]
services:
  - name: server
    owner: o
    dependencies:
      - {name: peer, kind: service, protocol: tcp, host: 10.112.62.2, port: 10086, direction: both}
      - {name: heartbeat, kind: service, protocol: tcp, hosts: [10.112.54.95, 10.112.54.96], port: 10086,
         direction: inbound}
""", encoding="utf-8")
    inv = load_inventory(path)
    report = classify(inv, obs_of(Peer("tcp", "outbound", "10.112.62.2", 10086),
                                  Peer("tcp", "inbound", "10.112.62.2", 10086),
                                  Peer("tcp", "inbound", "10.112.54.95", 10086),
                                  listening=[Listener("tcp", "0.0.0.0", 10086)]))
    assert len(report.matched) == 3
    assert kinds(report) == [("unseen", "info", "server/heartbeat")]  # .96 never came; 10086 is declared
    assert report.findings[0].targets == ["10.112.54.96"] and "connection from" in report.findings[0].message


def test_names_are_compared_through_the_addresses_they_resolved_to():
    inv = load_inventory(INVENTORIES / "push-service-nodes.yaml")
    names = inventory_names(inv, ["quote-push-node"])
    assert names == ["kafka-quote-1.quote.example", "kafka-quote-2.quote.example",
                     "kafka-quote-3.quote.example", "redis-push-lock.quote.example"]
    resolved = {"kafka-quote-1.quote.example": ["192.0.2.151"], "kafka-quote-2.quote.example": ["192.0.2.152"],
                "kafka-quote-3.quote.example": [], "redis-push-lock.quote.example": ["192.0.2.169"]}
    report = classify(inv, obs_of(Peer("tcp", "outbound", "192.0.2.151", 9092),
                                  Peer("tcp", "outbound", "192.0.2.169", 6379),
                                  Peer("tcp", "outbound", "198.51.100.14", 8100), resolved=resolved),
                      services=["quote-push-node"])
    assert [m["dependencies"] for m in report.matched] == [["quote-push-node/quote-kafka"],
                                                           ["quote-push-node/lock-redis"]]
    assert kinds(report) == [("undocumented", "medium", "198.51.100.14"),  # the forgotten aliyun node
                             ("unseen", "info", "quote-push-node/quote-kafka")]
    assert report.findings[1].targets == ["kafka-quote-2.quote.example"]
    assert any("kafka-quote-3.quote.example" in n and "did not resolve" in n for n in report.notes)


def test_azure_peers_match_by_name(tmp_path):
    path = tmp_path / "inv.yaml"
    path.write_text("""
version: 1
migration: {name: m, source: {site: a}, target: {site: b}}
services:
  - name: app
    owner: o
    dependencies:
      - {name: worker, kind: service, protocol: tcp, host: worker-lz-201, port: 27777, direction: inbound}
""", encoding="utf-8")
    report = classify(load_inventory(path), import_file(DATA / "azure_dependencies.csv", server="scale-adapter-01"))
    assert [m["dependencies"] for m in report.matched] == [["app/worker"]]
    assert not report.notes  # names are comparable in an Azure export


def test_unknown_service_is_an_error(inventory):
    with pytest.raises(ValueError):
        classify(inventory, obs_of(), services=["nope"])


def test_link_local_and_multicast_peers_are_not_dependencies(inventory):
    report = classify(inventory, obs_of(Peer("udp", "outbound", "224.0.0.251", 5353),
                                        Peer("tcp", "inbound", "fe80::1", 22)))
    assert report.ignored == 2 and not [f for f in report.findings if f.peer]


# ---------------------------------------------------------------- draft inventory

def test_draft_inventory_is_valid_and_says_it_was_discovered(inventory, tmp_path):
    obs = import_file(DATA / "ss_tunap.txt")
    text = draft_inventory(obs, inventory, generated="2024-07-08T10:00:00Z")
    assert text.startswith("# Draft inventory DISCOVERED by migready")
    assert "2024-07-08T10:00:00Z" in text.splitlines()[0] and "ss_tunap.txt" in text.splitlines()[1]
    assert "#   tcp [::]:27777 (java)" in text
    path = tmp_path / "draft.yaml"
    path.write_text(text, encoding="utf-8")
    draft = load_inventory(path)  # valid
    deps = {d.ref: d for d in draft.dependencies()}
    scales = deps["scale-adapter/to-store-udp-5002"]
    assert (scales.kind, scales.device_type, scales.zone, scales.direction) == ("device", "other", "store", "outbound")
    assert scales.targets == ("10.1.4.11", "10.1.4.12")
    assert "10.1.4.12: NOT in the inventory" in scales.notes and "10.1.4.11: in the inventory as" in scales.notes
    printers = deps["scale-adapter/to-store-tcp-9100"]
    assert printers.device_type == "printer" and printers.targets == ("10.1.4.21", "10.1.4.22")
    callback = deps["java/from-dc-tcp-27777"]
    assert (callback.direction, callback.port, callback.targets) == ("inbound", 27777, ("10.60.41.201",))
    assert "listed as outbound only" in callback.notes
    assert deps["unknown-process/to-dc-tcp-3306"].protocol == "mysql"
    assert "Web-Content" in {s.name for s in draft.services}  # a process name with a space
    assert [z.name for z in draft.zones] == ["store", "dc"]
    assert draft.migration.name.endswith("(discovered draft)")
    assert not any("127.0.0.1" in d.targets for d in draft.dependencies())


def test_draft_without_inventory_and_with_nothing_seen(tmp_path):
    path = tmp_path / "empty.yaml"
    path.write_text(draft_inventory(obs_of()), encoding="utf-8")
    draft = load_inventory(path)
    assert [s.name for s in draft.services] == ["nothing-seen"]
    path.write_text(draft_inventory(import_file(DATA / "aws_connections.csv")), encoding="utf-8")
    assert len(list(load_inventory(path).dependencies())) == 4


def test_draft_dependency_for_one_peer_notes_a_fixed_source_port(inventory):
    peer = Peer("udp", "outbound", "10.1.4.12", 5002, local_ports=[9010], connections=3, samples=3,
                first_seen="t1", last_seen="t2", processes=["scale-adapter"])
    dep = draft_dependency([peer], inventory, name="scale 12", origin="ssh://x")
    assert dep["name"] == "scale-12" and dep["host"] == "10.1.4.12" and dep["zone"] == "store"
    assert "always from local port 9010" in dep["notes"] and "ssh://x" in dep["notes"]
    assert yaml.safe_load(yaml.safe_dump(dep)) == dep


def test_add_to_inventory_keeps_the_file_and_validates(tmp_path):
    original = (DATA / "inventory.yaml").read_text(encoding="utf-8")
    source = tmp_path / "inv.yaml"
    source.write_text(original, encoding="utf-8")
    peer = Peer("udp", "outbound", "10.1.4.12", 5002, processes=["scale-adapter"], samples=3, connections=2)
    copy = add_to_inventory(source, [peer], "scale-adapter", tmp_path / "copy.yaml", origin="ssh://ops@h",
                            generated="2024-07-08T10:00:00Z")
    text = (tmp_path / "copy.yaml").read_text(encoding="utf-8")
    assert text.startswith(original)  # appended after the last dependency: comments and layout kept
    assert "      # added by migready discover on 2024-07-08T10:00:00Z from ssh://ops@h\n      - name:" in text
    added = [d for d in copy.dependencies() if d.name == "to-store-udp-5002"]
    assert added and added[0].targets == ("10.1.4.12",) and added[0].zone == "store"
    assert source.read_text(encoding="utf-8") == original  # the original is untouched
    again = add_to_inventory(tmp_path / "copy.yaml", [peer], "scale-adapter", tmp_path / "copy2.yaml")
    assert "to-store-udp-5002-2" in {d.name for d in again.dependencies()}  # names stay unique
    other = add_to_inventory(source, [Peer("tcp", "inbound", "10.9.0.5", 22)], "sshd", tmp_path / "copy3.yaml")
    assert [s.name for s in other.services] == ["scale-adapter", "sshd"]


def test_add_to_inventory_with_an_empty_flow_list(tmp_path):
    source = tmp_path / "inv.yaml"
    source.write_text("version: 1\nmigration: {name: m, source: {site: a}, target: {site: b}}\n"
                      "services:\n  - name: app   # the app\n    owner: o\n    dependencies: []   # none yet\n"
                      "  - name: other\n    owner: o\n    dependencies: []\n", encoding="utf-8")
    copy = add_to_inventory(source, [Peer("tcp", "outbound", "10.0.0.1", 443)], "app", tmp_path / "c.yaml")
    assert [(s.name, len(s.dependencies)) for s in copy.services] == [("app", 1), ("other", 0)]
    assert copy.services[0].dependencies[0].protocol == "https"
    text = (tmp_path / "c.yaml").read_text(encoding="utf-8")
    assert "  - name: app   # the app\n" in text and "    dependencies:   # none yet\n      # added by" in text


# ---------------------------------------------------------------- workspace

def test_record_discovery_appends_and_the_workspace_still_loads(inventory, tmp_path):
    ws = Workspace.new(tmp_path / "w.migready.json", str(DATA / "inventory.yaml"), inventory.digest)
    for name in ("ss_tunap.txt", "aws_connections.csv"):
        obs = import_file(DATA / name)
        record = record_discovery(ws, obs, classify(inventory, obs), inventory)
    ws.save()
    loaded = Workspace.load(tmp_path / "w.migready.json")
    assert [d["id"] for d in loaded.data["discoveries"]] == ["discovery-1", "discovery-2"]
    assert record["observation"]["source"] == "aws" and record["inventory_digest"] == inventory.digest
    assert record["comparison"]["kinds"]["inbound"] == 1
    assert Observation.from_dict(record["observation"]).peers[0].to_dict() == record["observation"]["peers"][0]
    assert [e["action"] for e in loaded.events][-2:] == ["discovery-recorded", "discovery-recorded"]
    for event, stored in zip(loaded.events[-2:], loaded.data["discoveries"]):
        assert event["details"]["digest"] == record_digest(stored)  # still true after the JSON round trip


# ---------------------------------------------------------------- in the checklist and the verdict

def test_discovered_peers_become_checklist_items_until_listed(inventory, tmp_path):
    from migready.checks.review.checklist import build_checklist
    from migready.checks.review.verdict import mark, review
    ws = Workspace.new(tmp_path / "w.migready.json", str(DATA / "inventory.yaml"), inventory.digest)
    assert not [i for i in build_checklist(inventory, ws).items if i.source == "discovery"]
    obs = import_file(DATA / "ss_tunap.txt")
    record_discovery(ws, obs, classify(inventory, obs), inventory)

    items = {i.id: i for i in build_checklist(inventory, ws).items if i.source == "discovery"}
    scale = items["discovery:undocumented:udp:outbound:10.1.4.12:5002"]  # incident 4, in the store zone
    callback = items["discovery:inbound:tcp:inbound:10.60.41.201:27777"]  # incident 5
    assert (scale.state, scale.blocker, scale.phase, scale.incident) == ("fail", True, "prepare", 4)
    assert callback.blocker and callback.incident == 5 and "discovery-1" in callback.evidence
    no_zone = items["discovery:undocumented:tcp:inbound:10.9.0.5:22"]
    assert not no_zone.blocker and no_zone.state == "fail"  # medium: listed, not blocking
    assert "discovery:undocumented:tcp:outbound:[2001:db8:20::5]:443" in items
    assert len(items) == 4  # unseen dependencies and unused listeners are not items
    verdict = review(inventory, ws).verdict
    assert verdict.verdict == "NO-GO" and any("10.1.4.12" in r for r in verdict.reasons)

    # a person clears the callback with a note; the scale is listed in (a copy of) the inventory
    mark(ws, build_checklist(inventory, ws), callback.id, "na", "Lin Wei", "the old scheduler, switched off")
    peer = Peer.from_dict(scale_peer(ws))
    listed = add_to_inventory(DATA / "inventory.yaml", [peer], "scale-adapter", tmp_path / "inv.discovered.yaml")
    after = {i.id: i for i in build_checklist(listed, ws).items if i.source == "discovery"}
    assert scale.id not in after
    assert after[callback.id].state == "na" and "switched off" in after[callback.id].evidence


def scale_peer(ws):
    record = ws.data["discoveries"][-1]
    return next(f["peer"] for f in record["comparison"]["findings"]
                if f["peer"] and f["peer"]["remote_ip"] == "10.1.4.12")


def test_the_latest_discovery_of_a_host_replaces_the_earlier_one(inventory, tmp_path):
    from migready.checks.review.checklist import build_checklist
    ws = Workspace.new(tmp_path / "w.migready.json", str(DATA / "inventory.yaml"), inventory.digest)
    first = obs_of(Peer("udp", "outbound", "10.1.4.12", 5002))
    record_discovery(ws, first, classify(inventory, first), inventory)
    assert [i.id for i in build_checklist(inventory, ws).items if i.source == "discovery"] == [
        "discovery:undocumented:udp:outbound:10.1.4.12:5002"]
    gone = obs_of(Peer("udp", "outbound", "10.1.4.11", 5002))  # the same host, later: the scale is gone
    record_discovery(ws, gone, classify(inventory, gone), inventory)
    assert not [i for i in build_checklist(inventory, ws).items if i.source == "discovery"]


def test_the_ssh_server_sampled_through_is_not_an_unused_listener(inventory):
    obs = obs_of(listening=[Listener("tcp", "0.0.0.0", 22), Listener("tcp", "::", 22),
                            Listener("tcp", "0.0.0.0", 2222)])
    obs.self_session = ["tcp", "10.1.2.10", 22, "10.1.2.99", 51000]
    report = classify(inventory, obs)
    assert [f.listener["port"] for f in report.findings if f.kind == "unused-listener"] == [2222]
    assert sum("SSH server this discovery ran through" in n for n in report.notes) == 1
    obs.self_session = None  # an export: nothing says which sshd, so port 22 is reported like any other
    assert {f.listener["port"] for f in classify(inventory, obs).findings if f.kind == "unused-listener"} == {22, 2222}


def test_draft_keeps_every_kind_of_staging_host_valid(tmp_path):
    """Issue 24: the draft wrote exec: hosts (pods, containers, namespaces) as plain strings, which the
    schema refuses, and dropped pools, names and the Ansible and kubectl sources.  Every kind comes
    back as written: the draft, saved in another folder, loads with the same staging hosts."""
    folder = tmp_path / "inventory"
    folder.mkdir()
    (folder / "scale-adapter-pool.ini").write_text((INVENTORIES / "scale-adapter-pool.ini").read_text())
    text = (INVENTORIES / "scale-adapter-pool.yaml").read_text()
    text = text.replace('staging_hosts: ["ssh://ops@192.0.2.15:22"]', """staging_hosts:
      - ssh://ops@192.0.2.15:22
      - exec: [ip, netns, exec, "lab one", python3, "-"]
      - kubectl: {selector: "app=scale-adapter,tier in (edge)", namespace: shop, container: adapter}
        pool: shop-pods""")
    assert text.count("lab one") == 1
    (folder / "inv.yaml").write_text(text)
    inventory = load_inventory(folder / "inv.yaml")
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    path = drafts / "draft.yaml"
    path.write_text(draft_inventory(import_file(DATA / "ss_tunap.txt"), inventory, at=str(path)), encoding="utf-8")
    draft = load_inventory(path)  # valid, where it was written
    for side in ("source", "target"):
        was, now = getattr(inventory.migration, side), getattr(draft.migration, side)
        assert (now.staging_hosts, now.pools, now.host_names) == (was.staging_hosts, was.pools, was.host_names)
        assert [(s.kind, s.group, s.pool, s.selector, s.namespace, s.context, s.container) for s in now.host_sources] \
            == [(s.kind, s.group, s.pool, s.selector, s.namespace, s.context, s.container) for s in was.host_sources]
        assert [Path(s.path).resolve() for s in now.host_sources] == [Path(s.path).resolve() for s in was.host_sources]
    assert "exec:ip netns exec 'lab one' python3 -" in draft.migration.source.staging_hosts
    assert dict(draft.migration.target.host_names) == {
        "exec:kubectl exec -i -n shop deploy/yh-sod-scale-deviceadapter -- python3 -": "scale-adapter-pod"}
    assert "ansible: ../inventory/scale-adapter-pool.ini" in path.read_text()
