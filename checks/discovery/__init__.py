"""Discovery: what the hosts really talk to, against what the inventory says.

Inventories are written by people and are wrong where it hurts: device
connections nobody listed, forgotten nodes still registered (incident 4),
callbacks into the service that only the peer knows about (incident 5).
This package observes connections and compares them with the inventory:

* `sample_host` samples a host's sockets over a window through the same
  transport and agent as the probes (the agent's `sample_connections`
  check), with a progress callback and a cancel event;
* `import_file` reads the exports people already have, in the layouts the
  tools document (Azure Migrate dependency CSV, AWS Application Discovery
  Service agent export: a zip, a folder or one connection file, saved
  `ss -tunap` output), row by row, with a summary of what was left out;
* `classify` places each peer in a zone and diffs against the inventory:
  undocumented, unseen, inbound-where-outbound-only, listeners nobody uses;
* `draft_inventory` writes what was seen as a valid inventory to complete;
  `add_to_inventory` adds peers to a copy of an inventory, comments kept;
* `record_discovery` appends the result to the workspace (`discoveries`).

The socket parsers live in the agent (it runs on hosts without migready)
and are imported from there (`procnet`), so one code path reads sockets.
"""
from __future__ import annotations

from .classify import Finding, DiscoveryReport, classify, inventory_names, recorded
from .draft import add_to_inventory, draft_dependency, draft_inventory
from .importers import FORMATS, detect_format, import_file, import_text
from .model import Listener, Observation, Peer
from .procnet import (TCP_STATES, SocketAggregator, decode_proc_address, guess_direction,
                      parse_proc_net, parse_ss)
from .sampling import (DEFAULT_DURATION, DEFAULT_INTERVAL, SampleProgress, sample_host,
                       sample_plan)
from .store import record_discovery

__all__ = [
    "DEFAULT_DURATION", "DEFAULT_INTERVAL", "add_to_inventory", "DiscoveryReport", "FORMATS", "Finding", "Listener",
    "Observation", "Peer", "SampleProgress", "SocketAggregator", "TCP_STATES", "classify",
    "decode_proc_address", "detect_format", "draft_dependency", "draft_inventory",
    "guess_direction", "import_file", "import_text", "inventory_names", "parse_proc_net",
    "parse_ss", "record_discovery", "recorded", "sample_host", "sample_plan",
]
