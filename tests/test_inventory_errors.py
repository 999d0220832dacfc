"""Broken inventories: each must give the exact file:line:col, field path and message.

A person fixes the file from these messages alone, so the tests pin them
exactly: position, path and wording.
"""
from __future__ import annotations

import textwrap

import pytest

from migready.checks.inventory.load import load_inventory, validate_file
from migready.checks.store.problems import InputError

HEAD = """\
version: 1
migration:
  name: scale adapter to new IDC
  source: {site: old-idc, staging_hosts: ["ssh://ops@10.20.1.15:22"]}
  target: {site: new-idc, egress_nat: true, staging_hosts: ["local://"]}
zones:
  - name: store-lan
    kind: store
    cidrs: [10.128.0.0/12]
    reflectors: [{host: 10.128.0.10, port: 3478}]
services:
  - name: scale-adapter
    owner: store-devices
    dependencies:
"""  # dependencies start at line 15, their fields at column 9

DEP = """\
      - name: scales
        kind: device
        device_type: scale
        protocol: udp
        host: 10.128.4.21
        port: 5002
"""


def write(tmp_path, text: str, name: str = "inv.yaml"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def problems_of(tmp_path, text):
    path = write(tmp_path, text)
    return [str(p).replace(str(path), "inv.yaml") for p in validate_file(path)]


def test_valid_base_inventory_loads(tmp_path):
    inv = load_inventory(write(tmp_path, HEAD + DEP))
    dep = next(inv.dependencies())
    assert dep.ref == "scale-adapter/scales"
    assert dep.targets == ("10.128.4.21",)
    assert inv.zone_of(dep).name == "store-lan"  # inferred from the CIDR
    assert inv.migration.target.egress_nat is True


CASES = [
    pytest.param(
        DEP.replace("port: 5002", "port: 70000"),
        ["inv.yaml:20:15: services[0].dependencies[0].port: 70000 is greater than the maximum of 65535"],
        id="port-too-large",
    ),
    pytest.param(
        DEP + "        prot: udp\n",
        ["inv.yaml:21:9: services[0].dependencies[0].prot: unknown field 'prot'; did you mean 'port'?"],
        id="unknown-field-did-you-mean",
    ),
    pytest.param(
        DEP + "        sourceport: 9010\n",
        ["inv.yaml:21:9: services[0].dependencies[0].sourceport: unknown field 'sourceport'; "
         "did you mean 'source_port'?"],
        id="unknown-field-underscore",
    ),
    pytest.param(
        DEP + "        port: 5003\n",
        ["inv.yaml:21:9: services[0].dependencies[0].port: duplicate key 'port' (first defined on line 20)"],
        id="duplicate-key",
    ),
    pytest.param(
        DEP.replace("device_type: scale", "device_type: scael"),
        ["inv.yaml:17:22: services[0].dependencies[0].device_type: 'scael' is not one of: "
         "scale, printer, pos, pda, other; did you mean 'scale'?"],
        id="enum-did-you-mean",
    ),
    pytest.param(
        DEP.replace("port: 5002", 'port: "5002"'),
        ["inv.yaml:20:15: services[0].dependencies[0].port: expected integer, got string '5002'"],
        id="wrong-type",
    ),
    pytest.param(
        DEP.replace("        kind: device\n", ""),
        ["inv.yaml:15:9: services[0].dependencies[0]: missing required field 'kind'"],
        id="missing-required",
    ),
    pytest.param(
        DEP.replace("host: 10.128.4.21", "range: 10.0.0.0/8"),
        ["inv.yaml:19:16: services[0].dependencies[0].range: range 10.0.0.0/8 holds 16777216 addresses; "
         "the limit is 65536 (split it, or list the devices in targets_csv)"],
        id="range-too-large",
    ),
    pytest.param(
        DEP.replace("host: 10.128.4.21", "range: 10.1.4.99-10.1.4.10"),
        ["inv.yaml:19:16: services[0].dependencies[0].range: '10.1.4.99-10.1.4.10': "
         "the first address is after the last"],
        id="range-backwards",
    ),
    pytest.param(
        DEP.replace("host: 10.128.4.21", "targets_csv: missing.csv"),
        ["inv.yaml:19:22: services[0].dependencies[0].targets_csv: cannot read target CSV {dir}/missing.csv: "
         "No such file or directory"],
        id="csv-unreadable",
    ),
    pytest.param(
        DEP.replace("host: 10.128.4.21", "host: 10.128.4.300"),
        ["inv.yaml:19:15: services[0].dependencies[0].host: '10.128.4.300' does not appear to be an "
         "IPv4 or IPv6 address"],
        id="bad-address",
    ),
    pytest.param(
        DEP + "        hosts: [10.128.4.22]\n",
        ["inv.yaml:21:9: services[0].dependencies[0].hosts: give only one of host, hosts, range, "
         "targets_csv (found host, hosts)"],
        id="two-target-kinds",
    ),
    pytest.param(
        DEP + "        zone: store\n",
        ["inv.yaml:21:15: services[0].dependencies[0].zone: unknown zone 'store'; did you mean 'store-lan'?"],
        id="unknown-zone",
    ),
    pytest.param(
        DEP.replace("        port: 5002\n", ""),
        ["inv.yaml:15:9: services[0].dependencies[0]: missing required field 'port' (needed for protocol udp)"],
        id="port-needed",
    ),
    pytest.param(
        DEP + "        sample: 3\n",
        ["inv.yaml:21:9: services[0].dependencies[0].sample: sample applies only to fleets "
         "(hosts, range or targets_csv)"],
        id="sample-without-fleet",
    ),
    pytest.param(
        DEP.replace("port: 5002", "port: 70000") + "        colour: red\n",
        ["inv.yaml:20:15: services[0].dependencies[0].port: 70000 is greater than the maximum of 65535",
         "inv.yaml:21:9: services[0].dependencies[0].colour: unknown field 'colour' (allowed: advertised_address, allowlisted_source, "
         "device_type, direction, host, hosts, in_request_path, kind, name, notes, path, port, probe, protocol, range, "
         "rehearse, requires, sample, source_port, targets_csv, timeout_ms, vendor, zone)"],
        id="all-problems-reported",
    ),
]


@pytest.mark.parametrize("dep_text, expected", CASES)
def test_broken_dependency(tmp_path, dep_text, expected):
    expected = [e.replace("{dir}", str(tmp_path)) for e in expected]
    assert problems_of(tmp_path, HEAD + dep_text) == expected


def test_bad_cidr_with_host_bits(tmp_path):
    text = HEAD.replace("cidrs: [10.128.0.0/12]", "cidrs: [10.128.0.1/12, 10.300.0.0/16]") + DEP
    assert problems_of(tmp_path, text) == [
        "inv.yaml:9:13: zones[0].cidrs[0]: '10.128.0.1/12' has host bits set; did you mean '10.128.0.0/12'?",
        "inv.yaml:9:28: zones[0].cidrs[1]: '10.300.0.0/16' is not a valid CIDR "
        "('10.300.0.0/16' does not appear to be an IPv4 or IPv6 network)",
    ]


def test_bad_staging_host(tmp_path):
    text = HEAD.replace('"local://"', '"ftp://x"') + DEP
    assert problems_of(tmp_path, text) == [
        "inv.yaml:5:61: migration.target.staging_hosts[0]: 'ftp://x' is not valid: Where probes run: "
        "ssh://[user@]host[:port] (an ~/.ssh/config alias works as host) or local://"
    ]


def test_yaml_syntax_error(tmp_path):
    text = HEAD + DEP + "        notes: [unclosed\n"
    assert problems_of(tmp_path, text) == [
        "inv.yaml:22:1: YAML syntax error: while parsing a flow sequence: did not find expected ',' or ']'"
    ]


def test_tab_indentation(tmp_path):
    text = HEAD + DEP.replace("        port: 5002", "\tport: 5002")
    [problem] = problems_of(tmp_path, text)
    assert problem.startswith("inv.yaml:20:1: YAML syntax error:")


def test_not_utf8(tmp_path):
    raw = (HEAD + DEP + "        notes: ").encode() + "蔬菜卖场秤".encode("gbk") + b"\n"
    path = write(tmp_path, raw)
    [problem] = validate_file(path)
    assert str(problem) == f"{path}:21:16: not valid UTF-8 (byte 0xca); save the file as UTF-8"


def test_utf8_with_bom_and_chinese_names(tmp_path):
    text = "\ufeff" + HEAD + DEP.replace("name: scales", "name: 蔬菜卖场秤")
    inv = load_inventory(write(tmp_path, text))
    assert next(inv.dependencies()).name == "蔬菜卖场秤"


def test_empty_file(tmp_path):
    assert problems_of(tmp_path, "") == ["inv.yaml:1:1: the file is empty"]


def test_top_level_not_a_mapping(tmp_path):
    assert problems_of(tmp_path, "- a\n- b\n") == [
        "inv.yaml:1:1: expected a mapping with version, migration and services"
    ]


def test_two_documents(tmp_path):
    assert problems_of(tmp_path, HEAD + DEP + "---\nversion: 1\n") == [
        "inv.yaml:21:1: only one YAML document is allowed (found a second '---')"
    ]


def test_missing_file(tmp_path):
    with pytest.raises(InputError) as err:
        load_inventory(tmp_path / "nope.yaml")
    assert str(err.value) == f"{tmp_path / 'nope.yaml'}: cannot read inventory: No such file or directory"


def test_yes_and_on_keys_stay_strings(tmp_path):
    """YAML 1.1 reads `on:` as True; a key is always taken as written."""
    text = HEAD + DEP + "        on: 1\n"
    assert problems_of(tmp_path, text) == [
        "inv.yaml:21:9: services[0].dependencies[0].on: unknown field 'on'; did you mean 'zone'?"
    ]


def test_recursive_alias_is_a_problem_not_a_hang(tmp_path):
    text = HEAD + DEP + "        notes: &loop [*loop]\n"
    problems = problems_of(tmp_path, text)
    assert ("inv.yaml:21:23: services[0].dependencies[0].notes: "
                           "alias *loop refers to no complete anchor (undefined or recursive)") in problems


def test_billion_laughs_is_refused(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    problems = problems_of(tmp_path, "\n".join(lines) + "\n")
    assert len(problems) == 1 and "expands to more than 2000000 values" in problems[0]


def test_anchors_and_merge_keys_work(tmp_path):
    text = HEAD + """\
      - &scale
        name: scales-a
        kind: device
        protocol: udp
        host: 10.128.4.21
        port: 5002
      - <<: *scale
        name: scales-b
        host: 10.128.4.22
"""
    inv = load_inventory(write(tmp_path, text))
    deps = {d.name: d for d in inv.dependencies()}
    assert deps["scales-b"].port == 5002 and deps["scales-b"].targets == ("10.128.4.22",)


def test_targets_csv_relative_to_inventory(tmp_path):
    (tmp_path / "fleet.csv").write_text("store,host\n95JS,10.128.4.21\n95JS,10.128.4.22\n", encoding="utf-8")
    inv = load_inventory(write(tmp_path, HEAD + DEP.replace("host: 10.128.4.21", "targets_csv: fleet.csv")))
    dep = next(inv.dependencies())
    assert dep.targets == ("10.128.4.21", "10.128.4.22") and dep.is_fleet


def test_range_expansion(tmp_path):
    inv = load_inventory(write(tmp_path, HEAD + DEP.replace("host: 10.128.4.21", "range: 10.128.4.10-10.128.4.12")))
    assert next(inv.dependencies()).targets == ("10.128.4.10", "10.128.4.11", "10.128.4.12")


def test_cutover_date_stays_text(tmp_path):
    text = HEAD.replace("  name: scale adapter to new IDC\n",
                        "  name: scale adapter to new IDC\n  cutover: 2024-07-31T04:30:00+08:00\n") + DEP
    inv = load_inventory(write(tmp_path, text))
    assert inv.migration.cutover == "2024-07-31T04:30:00+08:00"


def test_reflector_outside_zone(tmp_path):
    text = HEAD.replace("host: 10.128.0.10", "host: 10.200.0.10") + DEP
    assert problems_of(tmp_path, text) == [
        "inv.yaml:10:25: zones[0].reflectors[0].host: reflector 10.200.0.10 is outside the zone's CIDRs (10.128.0.0/12)"
    ]


def test_flow_style_positions(tmp_path):
    """Flow-style documents get positions too."""
    text = textwrap.dedent("""\
        {version: 1, migration: {name: m, source: {site: a}, target: {site: b}},
         services: [{name: s, owner: o, dependencies: [{name: d, kind: device, protocol: tcp, host: h, port: 0}]}]}
    """)
    assert problems_of(tmp_path, text) == [
        "inv.yaml:2:102: services[0].dependencies[0].port: 0 is less than the minimum of 1"
    ]


@pytest.mark.parametrize("field, value", [("cidrs", "true"), ("reflectors", "7"), ("cidrs", "{a: 1}")])
def test_wrong_type_lists_are_reported_not_crashed_on(tmp_path, field, value):
    """Found by the fuzzer: `cidrs: True` used to raise TypeError in the cross-field checks."""
    text = HEAD.replace("    cidrs: [10.128.0.0/12]\n", f"    {field}: {value}\n" if field == "cidrs" else
                        "    cidrs: [10.128.0.0/12]\n").replace(
        "    reflectors: [{host: 10.128.0.10, port: 3478}]\n",
        f"    reflectors: {value}\n" if field == "reflectors" else "    reflectors: [{host: 10.128.0.10, port: 3478}]\n")
    problems = problems_of(tmp_path, text + DEP)
    assert len(problems) == 1 and f"zones[0].{field}: expected list" in problems[0]
