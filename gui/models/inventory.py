"""Services -> dependencies of an inventory, with the flags each one raised."""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from migready.checks.text.i18n import shown
from migready.checks.inventory.rules import SEVERITY_RANK

from ..tallies import InventoryTally, inventory_tally, worst
from .table import Column
from .tree import TreeModel
from .words import badge, plural, word

translate = QCoreApplication.translate

_BLANK = Column("", lambda _: "")


def _targets(dep) -> str:
    if dep.target_spec == "host" or len(dep.targets) == 1:
        return dep.targets[0] if dep.targets else "—"
    if dep.probed_count < len(dep.targets):
        return translate("InventoryModel", "{n} ({spec}, {probed} probed)").format(
            n=len(dep.targets), spec=dep.target_spec, probed=dep.probed_count)
    return translate("InventoryModel", "{n} ({spec})").format(n=len(dep.targets), spec=dep.target_spec)


def _flag_text(flags) -> str:
    return _flags_said(worst(flags), len(flags))


def _flags_said(severity: str, count: int) -> str:
    if not count:
        return ""
    return f"{badge(severity)} · " + plural(count, translate("InventoryModel", "{n} flag"),
                                            translate("InventoryModel", "{n} flags"))


def _dependencies(n: int) -> str:
    return plural(n, translate("InventoryModel", "{n} dependency"), translate("InventoryModel", "{n} dependencies"))


def _kind(dep) -> str:
    if dep.direction == "outbound":
        return word(dep.kind)
    return translate("InventoryModel", "{kind} ({direction})").format(kind=word(dep.kind),
                                                                      direction=word(dep.direction))


def _port(dep) -> str:
    port = str(dep.effective_port or "—")
    if dep.source_port:
        return translate("InventoryModel", "{port} from {source_port}").format(port=port, source_port=dep.source_port)
    return port


class InventoryModel(TreeModel):
    """Groups are `Service`s, children `Dependency`s; `flags_by_ref` maps ``service/dep`` to its flags.

    The flags by dependency and each service's worst flag come counted (`InventoryTally`, by the
    worker that loaded the inventory): resetting the model and painting a row cost the same for
    10 dependencies as for 10,000."""

    def __init__(self, inventory=None, flags=(), parent=None):
        self.inventory = inventory
        self.tally = InventoryTally()
        self.group_columns, self.child_columns = self._group_columns(), self._child_columns()
        super().__init__((), parent)
        if inventory is not None:
            self.set_inventory(inventory, flags)

    @property
    def flags_by_ref(self) -> dict[str, list]:
        return self.tally.flags_by_ref

    def set_inventory(self, inventory, flags, tally: InventoryTally | None = None) -> None:
        self.inventory = inventory
        self.tally = tally if tally is not None else inventory_tally(inventory, flags)
        self.set_groups([(s, s.dependencies) for s in inventory.services] if inventory else [])

    def _service_flags(self, service) -> tuple[str, int]:
        return self.tally.service_flags.get(service.name, ("", 0))

    def _zone(self, dep) -> str:
        zone = self.inventory.zone_of(dep) if self.inventory else None
        return zone.name if zone else (dep.zone or "—")

    def _group_columns(self):
        return (
            Column(QT_TRANSLATE_NOOP("Column", "Name"), lambda s: s.name, tip=lambda s: s.notes or s.name),
            Column(QT_TRANSLATE_NOOP("Column", "Flags"), lambda s: _flags_said(*self._service_flags(s)),
                   state=lambda s: self._service_flags(s)[0] or "na"),
            Column(QT_TRANSLATE_NOOP("Column", "Kind"),
                   lambda s: translate("InventoryModel", "service ({criticality})").format(
                       criticality=word(s.criticality))),
            Column(QT_TRANSLATE_NOOP("Column", "Device"),
                   lambda s: translate("InventoryModel", "owner {owner}").format(owner=s.owner)),
            _BLANK,
            _BLANK,
            Column(QT_TRANSLATE_NOOP("Column", "Targets"), lambda s: _dependencies(len(s.dependencies))),
            _BLANK,
        )

    def _child_columns(self):
        return (
            Column(QT_TRANSLATE_NOOP("Column", "Name"), lambda d: d.name, tip=lambda d: d.notes or d.ref),
            Column(QT_TRANSLATE_NOOP("Column", "Flags"), lambda d: _flag_text(self.flags_by_ref.get(d.ref, ())),
                   state=lambda d: worst(self.flags_by_ref.get(d.ref, ())) or "na",
                   sort=lambda d: SEVERITY_RANK.get(worst(self.flags_by_ref.get(d.ref, ())), -1),
                   tip=lambda d: "\n".join(f"{word(f.severity)} {f.rule}: {shown(f.title)}"
                                           for f in self.flags_by_ref.get(d.ref, ())) or None),
            Column(QT_TRANSLATE_NOOP("Column", "Kind"), _kind),
            Column(QT_TRANSLATE_NOOP("Column", "Device"),
                   lambda d: " ".join(x for x in (word(d.device_type), d.vendor) if x) or "—"),
            Column(QT_TRANSLATE_NOOP("Column", "Protocol"), lambda d: d.protocol),
            Column(QT_TRANSLATE_NOOP("Column", "Port"), _port, sort=lambda d: d.effective_port or 0,
                   tip=lambda d: translate("InventoryModel", "source port {port} is checked by the peer").format(
                       port=d.source_port) if d.source_port else None),
            Column(QT_TRANSLATE_NOOP("Column", "Targets"),
                   _targets, tip=lambda d: ", ".join(d.targets[:20]) + (" …" if len(d.targets) > 20 else "")),
            Column(QT_TRANSLATE_NOOP("Column", "Zone"), self._zone),
        )

    def facets(self, obj, is_group: bool) -> dict:
        if is_group:
            return {}
        return {"device_type": obj.device_type or "(none)", "protocol": obj.protocol, "kind": obj.kind,
                "severity": {f.severity for f in self.flags_by_ref.get(obj.ref, ())}}
