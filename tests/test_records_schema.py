"""The workspace's JSON Schema and the typed records say the same thing about a probe result and a run
(issue 22: `probe_status` was added by the outcome but was neither a record field nor in the schema, so
a round trip through the record dropped it)."""
from __future__ import annotations

import json
from dataclasses import fields
from importlib import resources

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from migready.checks.probing.run import result_record
from migready.checks.store.records import (Attestation, DiscoveryRecord, Mark, ProbeResult, Run, Signoff, Status,
                                           Waiver)
from migready.checks.store.workspace import Workspace
from migready.checks.trust.signing import Signer, attest, sign

SCHEMA = json.loads(resources.files("migready.resources").joinpath("schema", "workspace.schema.json")
                    .read_text("utf-8"))
RUN = SCHEMA["properties"]["runs"]["items"]
RESULT = RUN["properties"]["results"]["items"]
LEGACY = {"local", "observed"}  # results written before the reflector's facts moved into `data`


def test_every_result_field_is_in_the_schema_and_back():
    record_fields = {f.name for f in fields(ProbeResult)} - {"extra"}  # extra: what a fan-out adds, kept as found
    assert record_fields == set(RESULT["properties"]) - LEGACY


def test_every_run_field_is_in_the_schema():
    named = {f.name for f in fields(Run)} - {"extra"}
    assert named <= set(RUN["properties"]) | {"inventory_digest", "planned", "agent_version"}, \
        named - set(RUN["properties"])


def test_a_judged_result_keeps_what_the_probe_saw_through_a_round_trip():
    line = {"id": "p3", "check": "reflect", "status": "pass", "reason": "reflected",
            "meta": {"dependency": "shop/scale", "target": "198.18.10.5:3478", "requires": ["source_port_preserved"],
                     "proves": ["source_port_preserved"]},
            "data": {"local": {"ip": "198.18.2.2", "port": 9010}, "observed": {"ip": "198.18.2.2", "port": 41733},
                     "port_preserved": False, "nat": False}}
    stored = result_record(line)
    assert (stored["status"], stored["probe_status"], stored["reason"]) == ("fail", "pass", "port_rewritten")
    assert ProbeResult.from_dict(json.loads(json.dumps(stored))).to_dict() == stored
    enum = set(RESULT["properties"]["probe_status"]["enum"])
    assert stored["probe_status"] in enum and stored["status"] in set(RESULT["properties"]["status"]["enum"])


@pytest.mark.parametrize("line", [
    {"id": "p1", "check": "tcp_connect", "status": "pass", "reason": "connected", "detail": "connected to x:1",
     "latency_ms": 10.5, "started": "2026-12-07T08:00:00.000+00:00", "type": "result",
     "meta": {"dependency": "s/d", "target": "198.18.64.1", "proves": ["reachable"], "budget_ms": 1000},
     "data": {"ip": "198.18.64.1", "local": {"ip": "198.18.21.2", "port": 40000}}},
    {"id": 7, "check": "route", "status": "fail", "type": "result"},  # no meta, data, detail: as an old agent
    {"check": "dns", "status": "weird", "meta": None, "data": None, "detail": None},  # not a status: inconclusive
], ids=["full", "sparse", "odd"])
def test_an_agent_line_is_stored_as_its_record_says(line):
    """`stored_from_agent` builds the stored result directly (no object per result): it is the record's
    own `to_dict` of it, and every key it writes is in the schema."""
    stored = ProbeResult.stored_from_agent(line)
    assert ProbeResult.from_dict(json.loads(json.dumps(stored))).to_dict() == stored
    assert set(stored) <= set(RESULT["properties"])
    assert stored["status"] in {s.value for s in Status}


# ------------------------------------------------------------------ every record against the schema (issue 22)

MARK = SCHEMA["properties"]["marks"]["additionalProperties"]
WAIVER = SCHEMA["properties"]["waivers"]["items"]
SIGNER = Signer("Zhang Min", "store devices", Ed25519PrivateKey.generate())


def test_every_status_the_schema_allows_is_a_status():
    for values in (RESULT["properties"]["status"]["enum"], RESULT["properties"]["probe_status"]["enum"],
                   MARK["properties"]["state"]["enum"]):
        assert {Status(v).value for v in values} == set(values)


def test_every_mark_field_is_in_the_schema_and_a_stored_mark_round_trips():
    assert {f.name for f in fields(Mark)} - {"item"} == set(MARK["properties"])  # the item is the key
    raw = {"state": "na", "by": "Li Wei", "note": "decommissioned node", "at": "2030-01-01T00:00:00.000Z"}
    mark = Mark.from_dict("discovery:x", raw)
    assert mark.item == "discovery:x" and mark.to_dict() == raw


@pytest.mark.parametrize("raw", [
    {"id": "W1", "scope": "item", "item": "req:a/b:reachable", "by": "Zhang Min", "reason": "vendor confirmed",
     "until": "2030-02-01", "granted": "2030-01-01T00:00:00.000Z", "evidence": {"digest": "ab" * 32},
     "revoked": True},
    {"id": "W2", "scope": "dependency", "dependency": "a/b", "by": "Zhang Min", "reason": "accepted",
     "until": "2030-02-01", "granted": "2030-01-01T00:00:00.000Z", "evidence": {"items": {"x": "fail"}}},
])
def test_every_waiver_field_is_in_the_schema_and_a_stored_waiver_round_trips(raw):
    assert {f.name for f in fields(Waiver)} == set(WAIVER["properties"])
    waiver = Waiver.from_dict(raw)
    assert waiver.to_dict() == raw
    assert waiver["by"] == raw["by"] and waiver.get("item") == raw.get("item")  # the views' dict face


def test_a_stored_run_round_trips_with_the_fields_a_fan_out_and_the_host_add():
    stored = result_record({"id": "p1", "check": "tcp_connect", "status": "fail", "reason": "refused",
                            "meta": {"dependency": "shop/printer", "target": "198.18.10.7:9100",
                                     "proves": ["reachable"]}, "data": {}})
    stored["host_name"] = "node-2"  # what the many-hosts fan-out adds to a result
    run = {"id": "run-1", "phase": "post", "host": "ssh://ops@new", "started": "2030-01-01T00:00:00.000Z",
           "finished": "2030-01-01T00:01:00.000Z", "complete": True, "error": None, "inventory_digest": "ab" * 32,
           "planned": 1, "agent_version": "3", "host_facts": {"default_gateway": None}, "results": [stored]}
    record = Run.from_dict(json.loads(json.dumps(run)))
    assert set(RUN["properties"]) <= {f.name for f in fields(Run)} | set(record.extra)
    assert record.to_dict() == run
    assert record.results[0].status is Status.FAIL and record.results[0].extra == {"host_name": "node-2"}


def test_signed_signoffs_and_attestations_round_trip_through_their_records():
    for entry in (sign(SIGNER, "ab" * 32), sign(SIGNER, "ab" * 32, "reject", "port rewritten", runs=2,
                                                override="", extra_role=True)):
        assert Signoff.from_dict(json.loads(json.dumps(entry))).to_dict() == entry
    entry = attest(SIGNER, "run-1", "cd" * 32)
    assert Attestation.from_dict(json.loads(json.dumps(entry))).to_dict() == entry


def test_the_workspace_hands_out_records_equal_to_what_it_stores(tmp_path):
    ws = Workspace.new(tmp_path / "review.migready.json", "/srv/inv.yaml", "ab" * 32)
    result = result_record({"id": "p1", "check": "tcp_connect", "status": "pass", "reason": "connected",
                            "meta": {"dependency": "a/b", "target": "198.18.0.9:443", "proves": ["reachable"]},
                            "data": {}})
    ws.record_run({"id": "run-1", "phase": "pre", "host": "ssh://ops@old", "started": "2030-01-01T00:00:00Z",
                   "finished": "2030-01-01T00:01:00Z", "error": None, "results": [result]}, by="Li Wei")
    ws.record_mark("prepare.rollback-plan", "pass", "Li Wei", "plan v3", previous="pending")
    ws.record_waiver({"scope": "item", "item": "req:a/b:reachable", "reason": "vendor confirmed",
                      "until": "2030-02-01", "evidence": {}}, by="Zhang Min")
    ws.add_signoff(sign(SIGNER, "ef" * 32))
    ws.attest_run(attest(SIGNER, "run-1", ws.run_logged_digest("run-1")))
    ws.add_discovery({"recorded": "2030-01-01T00:00:00Z", "inventory_digest": "ab" * 32,
                      "observation": {"source": "ss"}, "comparison": {}})
    ws.save()
    ws = Workspace.load(ws.path)
    assert [r.to_dict() for r in ws.run_records()] == ws.runs
    assert {k: m.to_dict() for k, m in ws.mark_records().items()} == ws.marks
    assert [w.to_dict() for w in ws.waiver_records()] == ws.waivers
    assert [s.to_dict() for s in ws.signoff_records()] == ws.signoffs
    assert [a.to_dict() for a in ws.attestation_records()] == ws.attestations
    assert [d.to_dict() for d in ws.discovery_records()] == ws.discoveries
    assert all(isinstance(d, DiscoveryRecord) for d in ws.discovery_records())
