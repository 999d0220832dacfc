"""`migready demo`: incident 1, replayed on this machine with nothing to set up.

Loopback only (127.0.0.0/8), no root, in a free 127.x.y.z block of its own
(`loopback.py`: two demos, a test suite and the screenshot tool run side by
side), with a copy of demo.yaml that points there.  A TopScale-like scale that rejects
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
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Callable, Iterator, Optional

from ..probing import agent
from ..text.i18n import _
from . import simulators
from ..inventory.load import load_inventory
from .loopback import StoreBlock, start_in_free_block
from .natrelay import Forward, Relay
from ..store.atomic import atomic_write_bytes
from ..probing.run import run_probes
from ..review.verdict import Review, review
from ..store.workspace import Workspace


class DemoError(RuntimeError):
    pass


@dataclass
class DemoResult:
    workspace: Path
    inventory: Path
    review: Review
    block: StoreBlock


class StorePeers(dict):
    """{"reflector", "scale", "printer"} running in `block`; the simulators' `.stats` count what they saw."""

    def __init__(self, block: StoreBlock, peers: dict) -> None:
        super().__init__(peers)
        self.block = block

    def stop(self) -> None:
        for peer in reversed(list(self.values())):
            peer.stop()


def start_store(block: StoreBlock, hidden: bool = False) -> StorePeers:
    """The store's devices at `block`'s endpoints (or where they hide behind the NAT); OSError if one
    cannot bind (nothing is left running then)."""
    reflector, scale, printer = (block.behind_nat[ep] if hidden else ep
                                 for ep in (block.reflector, block.scale, block.printer))
    started = StorePeers(block, {})
    try:
        started["reflector"] = agent.Reflector(reflector[0], reflector[1], log=io.StringIO()).start()
        started["scale"] = simulators.start_scale(*scale, log=None)
        started["printer"] = simulators.start_printer(*printer, log=None)
    except (OSError, RuntimeError) as exc:
        started.stop()
        raise exc if isinstance(exc, OSError) else OSError(str(exc)) from None
    return started


def _cannot_start(exc: OSError) -> DemoError:
    return DemoError(_("cannot start the demo's loopback devices ({error})").format(error=exc))


@contextlib.contextmanager
def store_devices(block: Optional[StoreBlock] = None, hidden: bool = False) -> Iterator[StorePeers]:
    """The store's devices on loopback, stopped on exit: in `block`, else in a free block chosen now.

    Yields a StorePeers (its `.block` says where; `block.inventory_text` points demo.yaml there).
    """
    try:
        started = start_store(block, hidden) if block else start_in_free_block(start_store)[1]
    except OSError as exc:
        raise _cannot_start(exc) from None
    try:
        yield started
    finally:
        started.stop()


@contextlib.contextmanager
def _nat(block: StoreBlock):
    try:
        relay = Relay(nat_forwards(block), block.nat_address).start()
    except OSError as exc:
        raise DemoError(_("cannot start the simulated NAT on loopback ({error})").format(error=exc)) from None
    try:
        yield relay
    finally:
        relay.stop()


def nat_forwards(block: StoreBlock) -> list[Forward]:
    """What the simulated NAT forwards after the move (the demo and the window's screenshots): the
    reflector both ways, the scale's UDP and the printer's TCP, each to its peer hidden behind it."""
    behind = block.behind_nat
    return [Forward("udp", block.reflector, behind[block.reflector]),
            Forward("tcp", block.reflector, behind[block.reflector]),
            Forward("udp", block.scale, behind[block.scale]), Forward("tcp", block.printer, behind[block.printer])]


def bundled_inventory_text() -> str:
    """inventories/demo.yaml as shipped (its store at 127.0.0.20-22)."""
    return resources.files("migready.inventories").joinpath("demo.yaml").read_text(encoding="utf-8")


def run_demo(out_dir: Path, say: Callable[[str], None] = print) -> DemoResult:
    out_dir.mkdir(parents=True, exist_ok=True)
    try:  # the store goes where no other demo, test or reflector on this machine is
        block, pre_store = start_in_free_block(start_store)
    except OSError as exc:
        raise _cannot_start(exc) from None
    inventory_path = out_dir / "demo.yaml"
    atomic_write_bytes(inventory_path, block.inventory_text(bundled_inventory_text()).encode("utf-8"),
                       keep_backup=False)
    workspace_path = out_dir / "demo.migready.json"
    for stale in (workspace_path, workspace_path.with_name(workspace_path.name + ".bak")):
        stale.unlink(missing_ok=True)  # a demo starts from scratch
    inventory = load_inventory(inventory_path)
    workspace = Workspace.new(workspace_path, str(inventory_path.resolve()), inventory.digest)

    say(_("pre-migration: probing the store directly (old site, no NAT)"))
    try:
        run_probes(inventory, "local://", "pre", workspace)
    finally:
        pre_store.stop()
    say(_("post-migration: probing through a user-space NAT simulation (new site, natOutgoing)"))
    with store_devices(block, hidden=True), _nat(block):
        run_probes(inventory, "local://", "post", workspace)
    return DemoResult(workspace_path, inventory_path, review(inventory, workspace), block)
