"""The workspace's JSON Schema and the typed records say the same thing about a probe result and a run
(issue 22: `probe_status` was added by the outcome but was neither a record field nor in the schema, so
a round trip through the record dropped it)."""
from __future__ import annotations

import json
from dataclasses import fields
from importlib import resources

from migready.checks.probing.run import result_record
from migready.checks.store.records import ProbeResult, Run

SCHEMA = json.loads(resources.files("migready.resources").joinpath("schema", "workspace.schema.json")
                    .read_text("utf-8"))
RUN = SCHEMA["properties"]["runs"]["items"]
RESULT = RUN["properties"]["results"]["items"]
LEGACY = {"local", "observed"}  # results written before the reflector's facts moved into `data`


def test_every_result_field_is_in_the_schema_and_back():
    record_fields = {f.name for f in fields(ProbeResult)}
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
