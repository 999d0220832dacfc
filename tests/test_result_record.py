"""What a stored probe result holds in memory (checks/probing/run.py `result_record`).

Why: a fleet run holds every host's results (20 hosts x 2,000 = 40,000), and each agent line is
parsed on its own, so each result used to carry its own copies of the same words and keys.
The review and the GUI read these dicts; sharing the strings changes nothing they see.
"""
from __future__ import annotations

import json

from migready.checks.probing.run import result_record

LINE = {"type": "result", "id": "p2", "check": "tcp_connect", "status": "pass", "reason": "connected",
        "detail": "connected in 10.3 ms", "latency_ms": 10.3, "started": "2026-12-07T06:00:00.000+00:00",
        "meta": {"dependency": "label-printing/printers", "target": "198.18.64.1", "requires": ["reachable"],
                 "proves": ["reachable", "within_timeout"]},
        "data": {"peer": ["198.18.64.1", 9101], "local_port": 40000, "method": "connect"}}


def parsed(line: dict) -> dict:
    return json.loads(json.dumps(line))  # as AgentStream gives it: every line parsed on its own


def test_results_of_separately_parsed_lines_share_their_words():
    a, b = result_record(parsed(LINE)), result_record(parsed(dict(LINE, id="p3")))
    assert a == dict(b, id="p2")  # the same content ...
    for key in ("dependency", "target", "check", "status", "reason"):
        assert a[key] is b[key], key  # ... and one string for each repeated word
    assert all(x is y for x, y in zip(a["proves"], b["proves"]))
    assert all(x is y for x, y in zip(a["data"], b["data"]))  # the data's keys
    assert a["data"]["method"] is b["data"]["method"]


def test_the_stored_record_is_unchanged_by_the_sharing():
    record = result_record(parsed(LINE))
    assert record["data"] == LINE["data"] and record["proves"] == LINE["meta"]["proves"]
    assert record["detail"] == LINE["detail"] and record["started"] == LINE["started"]
    assert json.loads(json.dumps(record)) == record
