"""`migready demo`: incident 1, replayed on this machine with nothing to set up.

Loopback only (127.0.0.0/8), no root.  A TopScale-like scale that rejects
datagrams whose source port is not the SDK port, a label printer and a
reflector play the store.  The pre phase talks to them directly; the post
phase goes through `natrelay`, a user-space SIMULATION of source NAT that
forwards every flow from a fresh source port.  The same core calls as the
CLI then compare, evaluate and write the workspace, so the demo ends in the
verdict the real incident deserved: NO-GO, source port 9010 rewritten.
"""
from __future__ import annotations

import contextlib
import io
import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Callable

from ..probing import agent
from ..text.i18n import _
from . import simulators
from ..inventory.load import load_inventory
from .natrelay import Forward, Relay
from ..probing.run import run_probes
from ..review.verdict import Review, review
from ..store.workspace import Workspace

# Where demo.yaml expects the store, and where the devices really are behind the "NAT".
REFLECTOR, SCALE, PRINTER = ("127.0.0.20", 3478), ("127.0.0.21", 5002), ("127.0.0.22", 9100)
BEHIND_NAT = {REFLECTOR: ("127.0.2.20", 3478), SCALE: ("127.0.2.21", 5002), PRINTER: ("127.0.2.22", 9100)}
NAT_ADDRESS = "127.0.3.1"


class DemoError(RuntimeError):
    pass


@dataclass
class DemoResult:
    workspace: Path
    inventory: Path
    review: Review


@contextlib.contextmanager
def store_devices(reflector=REFLECTOR, scale=SCALE, printer=PRINTER):
    """The store's devices on loopback endpoints (demo.yaml's by default), stopped on exit.

    Yields {"reflector", "scale", "printer"}; the simulators' `.stats` count what they saw.
    """
    started = {}
    try:
        started["reflector"] = agent.Reflector(reflector[0], reflector[1], log=io.StringIO()).start()
        started["scale"] = simulators.start_scale(*scale, log=None)
        started["printer"] = simulators.start_printer(*printer, log=None)
    except (OSError, RuntimeError) as exc:
        for peer in started.values():
            peer.stop()
        raise DemoError(_("cannot start the demo's loopback devices ({error}); is another demo running?").format(
            error=exc)) from None
    try:
        yield started
    finally:
        for peer in reversed(list(started.values())):
            peer.stop()


@contextlib.contextmanager
def _nat():
    forwards = [Forward("udp", REFLECTOR, BEHIND_NAT[REFLECTOR]), Forward("tcp", REFLECTOR, BEHIND_NAT[REFLECTOR]),
                Forward("udp", SCALE, BEHIND_NAT[SCALE]), Forward("tcp", PRINTER, BEHIND_NAT[PRINTER])]
    try:
        relay = Relay(forwards, NAT_ADDRESS).start()
    except OSError as exc:
        raise DemoError(_("cannot start the simulated NAT on loopback ({error}); is another demo running?").format(
            error=exc)) from None
    try:
        yield relay
    finally:
        relay.stop()


def run_demo(out_dir: Path, say: Callable[[str], None] = print) -> DemoResult:
    out_dir.mkdir(parents=True, exist_ok=True)
    inventory_path = out_dir / "demo.yaml"
    with resources.as_file(resources.files("migready.inventories").joinpath("demo.yaml")) as bundled:
        shutil.copyfile(bundled, inventory_path)
    workspace_path = out_dir / "demo.migready.json"
    for stale in (workspace_path, workspace_path.with_name(workspace_path.name + ".bak")):
        stale.unlink(missing_ok=True)  # a demo starts from scratch
    inventory = load_inventory(inventory_path)
    workspace = Workspace.new(workspace_path, str(inventory_path.resolve()), inventory.digest)

    say(_("pre-migration: probing the store directly (old site, no NAT)"))
    with store_devices():
        run_probes(inventory, "local://", "pre", workspace)
    say(_("post-migration: probing through a user-space NAT simulation (new site, natOutgoing)"))
    with store_devices(*(BEHIND_NAT[p] for p in (REFLECTOR, SCALE, PRINTER))), _nat():
        run_probes(inventory, "local://", "post", workspace)
    return DemoResult(workspace_path, inventory_path, review(inventory, workspace))
