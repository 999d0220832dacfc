"""Helpers for the GUI tests: the demo's loopback peers and an interaction that answers dialogs."""
from __future__ import annotations

import errno
import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from PySide6.QtWidgets import QDialogButtonBox

from migready.checks.probing import agent
from migready.checks.demo import simulators
from migready.checks.demo.loopback import StoreBlock, free_block
from migready.checks.demo.natrelay import Forward, Relay
from migready.gui.dialogs.mark import MarkDialog
from migready.gui.dialogs.signoff import SignDialog
from migready.gui.dialogs.waive import WaiveDialog
from migready.gui.interaction import Interaction

EXAMPLES = Path(str(resources.files("migready.inventories")))
DEMO = EXAMPLES / "demo.yaml"


def _retry(start, seconds: float = 15.0):
    """The post run's devices take the addresses the pre run's just released: wait for a moment."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return start()
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE or time.monotonic() > deadline:
                raise
            time.sleep(0.2)


class Peers:
    """The demo's reflector, scale and printer in `block` (a free loopback block, the one the test's
    copy of demo.yaml names), or where they hide behind the NAT simulation; loopback only."""

    def __init__(self, block: StoreBlock, hidden: bool = False):
        self.block = block
        reflector, scale, printer = (block.behind_nat[ep] if hidden else ep
                                     for ep in (block.reflector, block.scale, block.printer))
        self.reflector = _retry(lambda: agent.Reflector(*reflector, log=None).start())
        self.scale = _retry(lambda: simulators.start_scale(*scale, log=None))
        self.printer = _retry(lambda: simulators.start_printer(*printer, log=None))
        self.printer_running = True
        self.relay = None

    def stop_printer(self) -> None:
        if self.printer_running:
            self.printer.stop()
            self.printer_running = False

    def stop(self) -> None:
        if self.relay is not None:
            self.relay.stop()
        self.stop_printer()
        self.scale.stop()
        self.reflector.stop()


def behind_nat(block: StoreBlock) -> Peers:
    """The same devices moved behind `migready demo`'s user-space NAT simulation (loopback only):
    every flow reaches them from a fresh source port, as Calico natOutgoing did in incident 1."""
    peers = Peers(block, hidden=True)
    behind = block.behind_nat
    forwards = [Forward("udp", block.reflector, behind[block.reflector]),
                Forward("tcp", block.reflector, behind[block.reflector]),
                Forward("udp", block.scale, behind[block.scale]), Forward("tcp", block.printer, behind[block.printer])]
    peers.relay = _retry(lambda: Relay(forwards, block.nat_address).start())
    return peers


def start_peers(block: StoreBlock | None = None) -> Peers:
    return Peers(block or free_block())


@dataclass
class FakeInteraction(Interaction):
    """Answers every question with prepared values, through the real dialog classes.

    Each answer builds the dialog the app would show, fills it through its
    own methods and returns what the dialog returns when accepted; `asked`
    records every question.
    """

    host_key_answer: str = "refuse"
    mark_values: dict = field(default_factory=lambda: {"by": "Lin Wei", "note": "checked with the store"})
    waiver_values: dict = field(default_factory=dict)
    sign_values: dict = field(default_factory=dict)
    secret_value: str | None = None
    open_paths: list = field(default_factory=list)
    save_paths: list = field(default_factory=list)
    choices: list = field(default_factory=list)  # answers to `choose`, in order (None: cancel)
    confirm_answer: bool = False
    plan_answer: bool = True
    asked: list = field(default_factory=list)
    dialogs: list = field(default_factory=list)

    def __post_init__(self):
        Interaction.__init__(self, None)

    def host_key(self, info) -> str:
        self.asked.append(("host_key", info))
        return self.host_key_answer

    def _answer(self, dialog):
        self.dialogs.append(dialog)
        ok = dialog.box.button(QDialogButtonBox.Ok)
        return dialog.request() if ok.isEnabled() else None

    def mark(self, item, state, default_by):
        self.asked.append(("mark", item.id, state))
        dialog = MarkDialog(item, state, default_by)
        dialog.set_values(**self.mark_values)
        return self._answer(dialog)

    def waiver(self, item, default_by):
        self.asked.append(("waiver", item.id))
        dialog = WaiveDialog(item, default_by)
        dialog.set_values(**self.waiver_values)
        return self._answer(dialog)

    def sign(self, digest, verdict, key_path=""):
        self.asked.append(("sign", digest, verdict))
        dialog = SignDialog(digest, verdict, key_path)
        dialog.set_values(**self.sign_values)
        return self._answer(dialog)

    def probe_plan(self, view):
        from migready.gui.dialogs.plan import PlanDialog
        self.asked.append(("plan", view.summary()))
        self.dialogs.append(PlanDialog(view))
        return self.plan_answer

    def secret(self, prompt):
        self.asked.append(("secret", prompt))
        return self.secret_value

    def open_file(self, caption, filters, directory=""):
        self.asked.append(("open", caption))
        return self.open_paths.pop(0) if self.open_paths else None

    def save_file(self, caption, filters, suggested=""):
        self.asked.append(("save", caption, suggested))
        return self.save_paths.pop(0) if self.save_paths else None

    def choose(self, caption, prompt, items, current="", editable=False):
        self.asked.append(("choose", prompt, list(items), current))
        return self.choices.pop(0) if self.choices else None

    def confirm(self, caption, text):
        self.asked.append(("confirm", text))
        return self.confirm_answer


def answer_when_shown(interaction, answer, kind=None):
    """Answer the next modal dialog `interaction` shows, from inside its own event loop.

    A modal dialog runs a nested event loop, so the test cannot wait for it
    and then act; a timer on the UI thread finds it (`current_dialog`) and
    calls `answer(dialog)`.  Returns a list that receives the dialog.
    """
    from PySide6.QtCore import QTimer
    seen = []
    timer = QTimer()
    timer.setInterval(10)

    def poll():
        dialog = interaction.current_dialog
        if dialog is not None and dialog.isVisible() and (kind is None or isinstance(dialog, kind)):
            timer.stop()
            seen.append(dialog)
            answer(dialog)

    timer.timeout.connect(poll)
    timer.start()
    seen.append(timer)  # keep the timer alive with the list
    return seen


def big_inventory(path: Path, deps: int, per_service: int = 50) -> Path:
    """An inventory of `deps` dependencies (the shape of bench/bench_inventory.py); nothing in it is probed."""
    kinds = [("device", "udp", 5002, "scale", "  source_port: 9010\n  requires: [reachable, source_port_preserved]\n"),
             ("device", "tcp", 9100, "printer", ""), ("middleware", "kafka", 9092, None, "  in_request_path: true\n"),
             ("service", "https", 443, None, "  timeout_ms: 800\n"), ("database", "mysql", 3306, None, "  timeout_ms: 2000\n")]
    out = ["version: 1", "migration:", "  name: big", "  source: {site: old, staging_hosts: ['local://']}",
           "  target: {site: new, egress_nat: true, staging_hosts: ['local://']}", "zones:",
           "  - {name: store, kind: store, cidrs: [10.128.0.0/12], reflectors: [{host: 10.128.0.10, port: 3478}]}",
           "  - {name: dc, kind: internal, cidrs: [10.20.0.0/16]}", "services:"]
    for i in range(deps):
        if i % per_service == 0:
            out += [f"  - name: svc-{i // per_service}", "    owner: team-a", "    dependencies:"]
        kind, proto, port, dtype, extra = kinds[i % len(kinds)]
        host = f"10.{128 + (i >> 16) % 16}.{(i >> 8) & 255}.{i & 255}" if kind == "device" else \
            f"10.20.{(i >> 8) & 255}.{i & 255}"
        block = f"- name: dep-{i}\n  kind: {kind}\n  protocol: {proto}\n  host: {host}\n  port: {port}\n"
        block += f"  device_type: {dtype}\n" if dtype else ""
        out += ["      " + line for line in (block + extra).splitlines()]
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def with_target_hosts(qtbot, window, demo_path: Path, tmp_path: Path, hosts: str, name: str):
    """The demo inventory whose target phase lists `hosts` (YAML for `staging_hosts:`), opened and
    reviewed, on the Post-migration page (which offers every staging host of the phase first)."""
    text = demo_path.read_text(encoding="utf-8")
    start = text.index('staging_hosts: ["local://"]', text.index("target:"))
    inventory = tmp_path / name
    inventory.write_text(text[:start] + "staging_hosts: " + hosts + text[start + len('staging_hosts: ["local://"]'):],
                         encoding="utf-8")
    window.session.open_path(inventory)
    qtbot.waitUntil(lambda: window.session.review is not None, timeout=10_000)
    window.go("post")
    page = window.pages["post"]
    assert page.host.currentText() == page.tr("every staging host of the phase")
    return page
