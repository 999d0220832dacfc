""""Add to inventory…" on the Discovery page: a discovered peer written into a COPY of the inventory.

The inventory a person wrote is never touched: the peer goes into
``NAME.discovered.yaml`` next to it (or a file they choose), through the
core's `add_to_inventory` in a worker, and the copy is loaded again to prove
it validates.  Adding to an earlier copy builds on it, so several peers can
be added one after another; the person may then open the copy.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QCoreApplication

from migready.checks.text.i18n import shown
from migready.checks.store.problems import InputError

from .discovery_worker import add_job
from .interaction import INVENTORY_FILTER
from .models.words import plural


def copy_path(inventory_path: str | Path) -> Path:
    """``demo.yaml`` -> ``demo.discovered.yaml`` next to it (targets_csv paths are relative)."""
    path = Path(inventory_path)
    stem = path.stem[:-len(".discovered")] if path.stem.endswith(".discovered") else path.stem
    return path.with_name(f"{stem}.discovered{path.suffix or '.yaml'}")


class InventoryAdder:
    """Asks which service and where, starts the write, says how it went through `tell(state, text)`;
    `changed()` is called whenever `adding` flips (the page enables its buttons from it)."""

    def __init__(self, session, interaction, tell: Callable[[str, str], None], changed: Callable[[], None]):
        self.session, self.interaction = session, interaction
        self.tell, self.changed = tell, changed
        self.adding = False

    def default_service(self, row, chosen: str = "") -> str:
        """The service picked on the page, else the one whose dependency the finding names, else the first."""
        if chosen:
            return chosen
        if row.finding is not None and row.finding.dependency:
            return row.finding.dependency.split("/", 1)[0]
        services = [s.name for s in self.session.inventory.services]
        return services[0] if services else ""

    def ask(self, row, origin: str, chosen_service: str = "") -> bool:
        """False when nothing was started (nothing addable selected, the person cancelled, or refused)."""
        s = self.session
        if row is None or not row.addable or s.inventory is None or not s.inventory_path or self.adding:
            return False
        services = [x.name for x in s.inventory.services]
        service = self.interaction.choose(
            QCoreApplication.translate("InventoryAdder", "Add to inventory"),
            QCoreApplication.translate("InventoryAdder", "Which service talks to {peer}? (type a new name to add "
                                                         "a service)").format(peer=shown(row.peer_obj.describe())),
            services, self.default_service(row, chosen_service), editable=True)
        if not service:
            return False
        out = self.interaction.save_file(QCoreApplication.translate("InventoryAdder", "Save the inventory copy as"),
                                         INVENTORY_FILTER,
                                         str(copy_path(s.inventory_path)))
        if not out:
            return False
        original = Path(s.inventory_path).resolve()
        if Path(out).resolve() == original:
            self.tell("fail", QCoreApplication.translate(
                "InventoryAdder", "{name} is the inventory itself: save the copy to another file.").format(
                name=Path(out).name))
            return False
        # adding again to an earlier copy builds on it (several peers, one after another)
        base = out if Path(out).is_file() and Path(out).name.endswith(".discovered.yaml") else str(original)
        before = {d.ref for d in s.inventory.dependencies()}
        self._set_adding(True)
        self.tell("running", QCoreApplication.translate("InventoryAdder", "Writing {name}…").format(
            name=Path(out).name))
        s.runner.start(add_job, base, [row.peer_obj], service, out, origin,
                       on_done=lambda inv: self._added(inv, out, before),
                       on_error=lambda exc: self._failed(exc, out))
        return True

    def _set_adding(self, adding: bool) -> None:
        self.adding = adding
        self.changed()

    def _added(self, inventory, out: str, before: set) -> None:
        self._set_adding(False)
        new = [d.ref for d in inventory.dependencies() if d.ref not in before]
        deps = sum(len(x.dependencies) for x in inventory.services)
        translate = QCoreApplication.translate
        text = translate("InventoryAdder", "{refs} written to {out}: valid ({services}, {dependencies}); "
                                           "the inventory itself is unchanged.").format(
            refs=", ".join(new) or translate("InventoryAdder", "the dependency"), out=out,
            services=plural(len(inventory.services), translate("InventoryAdder", "{n} service"),
                            translate("InventoryAdder", "{n} services")),
            dependencies=plural(deps, translate("InventoryAdder", "{n} dependency"),
                                translate("InventoryAdder", "{n} dependencies")))
        self.tell("pass", text)
        self.session.message.emit(text)
        if self.interaction.confirm(translate("InventoryAdder", "Add to inventory"),
                                    text + "\n\n" + translate("InventoryAdder", "Open the copy now? (a new "
                                                                                 "workspace is started for it)")):
            self.session.open_inventory(out)

    def _failed(self, exc: BaseException, out: str) -> None:
        self._set_adding(False)
        translate = QCoreApplication.translate
        if isinstance(exc, InputError):
            problems = "; ".join(str(p) for p in exc.problems[:5])
            self.tell("fail", translate("InventoryAdder", "{out} was written but does NOT validate: {problems}").format(
                out=out, problems=problems))
        elif isinstance(exc, ValueError):
            self.tell("fail", translate("InventoryAdder", "Cannot add to this inventory: {why}").format(
                why=exc))
        elif isinstance(exc, OSError):
            self.tell("fail", translate("InventoryAdder", "Cannot write {out}: {why}").format(
                out=out, why=exc.strerror or exc))
        else:
            self.session.unexpected(translate("InventoryAdder", "Add to inventory failed"), exc)
