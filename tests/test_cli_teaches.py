"""A CLI that teaches its workflow (issue 26): the review's order first in `migready --help`, examples
and help on every option of every verb, required options shown as required, the exit codes without
the README, "did you mean" for verbs, checklist ids, dependency references, and the message fixes."""
from __future__ import annotations

import json
import re

import pytest

from cliproc import migready

from migready.checks.cli import build_parser
from migready.checks.cli.common import _subparsers
from migready.checks.inventory.load import load_inventory
from migready.checks.store.workspace import Workspace


def test_help_starts_with_the_workflow_in_order_then_the_verbs_in_that_order():
    out = migready("--help")
    assert out.returncode == 0
    text = out.stdout
    steps = ["migready plan INVENTORY --phase pre", "migready probe INVENTORY --phase pre",
             "migready probe INVENTORY --phase post", "migready compare WS", "migready verdict WS",
             "migready signoff WS", "migready report WS"]
    at = [text.index(step) for step in steps]
    assert at == sorted(at) and at[-1] < text.index("positional arguments")  # the workflow comes first
    listed = re.findall(r"^    (\w+) ", text, flags=re.MULTILINE)
    assert listed.index("plan") < listed.index("probe") < listed.index("compare") < listed.index("verdict") \
        < listed.index("signoff") < listed.index("report")
    assert listed[0] == "demo" and "help" in listed


def _verbs():
    return _subparsers(build_parser())


@pytest.mark.parametrize("verb", sorted(_verbs()))
def test_every_verb_has_examples_and_every_option_says_what_it_is(verb):
    sub = _verbs()[verb]
    text = sub.format_help()
    assert "examples:\n  migready " in text, verb
    assert "migready help exit-codes" in text and "README" not in text
    silent = [a.option_strings or a.dest for a in sub._actions
              if a.help is None or (isinstance(a.help, str) and not a.help.strip())]
    assert silent == [], f"{verb}: options without help: {silent}"


@pytest.mark.parametrize("verb", ["mark", "waive"])
def test_reason_shows_as_required(verb):
    usage = migready(verb, "--help").stdout.split("\n\n")[0]
    assert "--reason TEXT" in usage and "[--reason TEXT]" not in usage


def test_exit_codes_are_one_command_away():
    out = migready("help", "exit-codes")
    assert out.returncode == 0
    codes = re.findall(r"^\s+(\d+)  ", out.stdout, flags=re.MULTILINE)
    assert codes == ["0", "1", "2", "3", "4", "5", "70", "130"]
    assert migready("help", "probe").stdout == migready("probe", "--help").stdout
    wrong = migready("help", "exit-code")
    assert wrong.returncode == 2 and "did you mean 'exit-codes'?" in wrong.stderr


def test_a_mistyped_verb_gets_the_closest_one():
    out = migready("verdcit", "ws.migready.json")
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.strip() == ("migready: error: unknown command 'verdcit'; did you mean 'verdict'? "
                                  "(migready --help lists them, in order)")
    assert "did you mean 'verdict'?" in migready("--lang", "en", "verdcit").stderr


@pytest.fixture
def workspace(tmp_path, demo_path):
    inventory = load_inventory(demo_path)
    ws = Workspace.new(tmp_path / "ws.migready.json", str(demo_path), inventory.digest)
    ws.save()
    return ws.path


def test_a_mistyped_checklist_item_gets_the_closest_one(workspace):
    before = workspace.read_bytes()
    out = migready("mark", workspace, "prepare.rollbak-plan", "pass", "--by", "Lin", "--reason", "runbook v3")
    assert out.returncode == 2
    assert "no checklist item 'prepare.rollbak-plan'; did you mean 'prepare.rollback-plan'?" in out.stderr
    assert workspace.read_bytes() == before  # nothing recorded


def test_a_mistyped_dependency_gets_the_closest_one(workspace, demo_path, tmp_path):
    out = migready("waive", workspace, "demo-scale-deviceadapter/demo-scal", "--by", "Lin", "--reason", "r",
                   "--until", "2099-01-01")
    assert out.returncode == 2 and "did you mean 'demo-scale-deviceadapter/demo-scale'?" in out.stderr
    # rehearse refuses before it plans anything (and --dry-run sends nothing in any case)
    out = migready("rehearse", demo_path, "--host", "local://", "--dependency", "demo-scale-deviceadapter/demo-scal",
                   "--workspace", tmp_path / "r.migready.json", "--dry-run")
    assert out.returncode == 2 and "did you mean 'demo-scale-deviceadapter/demo-scale'?" in out.stderr


def test_a_mistyped_zone_gets_the_closest_one(tmp_path, demo_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(demo_path.read_text(encoding="utf-8").replace("zone: demo-store", "zone: demo-stor", 1),
                   encoding="utf-8")
    out = migready("validate", bad)
    assert out.returncode == 2 and "unknown zone 'demo-stor'; did you mean 'demo-store'?" in out.stderr


def test_signoff_with_the_public_key_says_to_give_the_private_one(tmp_path, workspace):
    keys = tmp_path / "keys"
    keys.mkdir()
    assert migready("keygen", "--name", "Lin", "--role", "migration lead", "--out", keys / "x",
                    "--no-passphrase").returncode == 0
    out = migready("signoff", workspace, "--key", keys / "x.pub")
    assert out.returncode == 2 and ".pub.pub" not in out.stderr
    assert f"{keys / 'x.pub'} is a public key; give the private key ({keys / 'x'})" in out.stderr


def test_verify_of_the_html_report_says_to_give_the_json_one(tmp_path, workspace):
    html = tmp_path / "report.html"
    assert migready("report", workspace, "--format", "html", "--out", html).returncode == 0
    trust = tmp_path / "trust"
    trust.mkdir()
    out = migready("verify", html, "--trust", trust)
    assert out.returncode == 2 and "not valid JSON" not in out.stderr
    assert f"{html} is the HTML report; give the JSON one (migready report WORKSPACE --format json)" in out.stderr


VANTAGE_INVENTORY = """\
version: 1
migration:
  name: scheduler
  source: {site: old, staging_hosts: ["ssh://ops@192.0.2.15"]}
  target: {site: new, staging_hosts: ["ssh://ops@203.0.113.21"]}
zones:
  - name: workers
    kind: internal
    cidrs: [198.51.100.0/24]
    vantage_hosts: [{host: "ssh://ops@198.51.100.251", address: 198.51.100.251, port: 3479}]
  - name: middleware
    kind: internal
    domains: [.payments.internal.example]
services:
  - name: worker
    owner: jobs
    dependencies:
      - name: scheduler
        kind: service
        protocol: tcp
        host: 198.51.100.40
        port: 27777
        direction: inbound
        advertised_address: 192.0.2.99
        timeout_ms: 1000
      - name: kafka
        kind: middleware
        protocol: kafka
        host: kafka-broker-1.checkout.payments.internal.example
        port: 9092
        timeout_ms: 1000
"""


def test_plan_lists_the_vantage_sessions_and_keeps_its_columns_in_line(tmp_path):
    inventory = tmp_path / "sched.yaml"
    inventory.write_text(VANTAGE_INVENTORY, encoding="utf-8")
    out = migready("plan", inventory, "--phase", "pre")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    [vantage] = [line for line in lines if line.startswith("vantage host ")]
    assert vantage == ("vantage host ssh://ops@198.51.100.251: a second SSH session for this run; its agent listens "
                       "on 198.51.100.251:3479/tcp for 1 call-back request and calls back 192.0.2.99, 192.0.2.15, "
                       "the address each request comes from on tcp/27777")
    rows = [line for line in lines if line.startswith("  ") and not line.startswith("   ")]
    assert any("kafka-broker-1.checkout.payments.internal.example" in row for row in rows)
    # each column starts at one offset, whatever the length of the address before it
    starts = {tuple(m.start() for m in re.finditer(r"(?<=  )\S", row))[:3] for row in rows}
    assert len(starts) == 1, rows
    plan = json.loads(migready("plan", inventory, "--phase", "pre", "--format", "json").stdout)
    assert plan["vantage"] == [{"host": "ssh://ops@198.51.100.251", "address": "198.51.100.251", "port": 3479,
                                "requests": 1, "calls": ["192.0.2.99", "192.0.2.15"], "ports": ["tcp/27777"]}]
    assert "token" not in json.dumps(plan["vantage"])  # the run's secret stays out of the plan
