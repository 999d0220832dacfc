"""Services -> dependencies of an inventory, with the flags each one raised."""
from __future__ import annotations

from migready.checks.rules import SEVERITY_RANK

from .. import style
from .table import Column
from .tree import TreeModel

_BLANK = Column("", lambda _: "")


def _targets(dep) -> str:
    if dep.target_spec == "host" or len(dep.targets) == 1:
        return dep.targets[0] if dep.targets else "—"
    sampled = f", {dep.probed_count} probed" if dep.probed_count < len(dep.targets) else ""
    return f"{len(dep.targets)} ({dep.target_spec}{sampled})"


def worst(flags) -> str:
    return max((f.severity for f in flags), key=SEVERITY_RANK.__getitem__, default="")


def _flag_text(flags) -> str:
    if not flags:
        return ""
    return f"{style.label(worst(flags))} · {style.plural(len(flags), 'flag')}"


class InventoryModel(TreeModel):
    """Groups are `Service`s, children `Dependency`s; `flags_by_ref` maps ``service/dep`` to its flags."""

    def __init__(self, inventory=None, flags=(), parent=None):
        self.inventory = inventory
        self.flags_by_ref: dict[str, list] = {}
        self.group_columns, self.child_columns = self._group_columns(), self._child_columns()
        super().__init__((), parent)
        if inventory is not None:
            self.set_inventory(inventory, flags)

    def set_inventory(self, inventory, flags) -> None:
        self.inventory = inventory
        self.flags_by_ref = {}
        for flag in flags:
            self.flags_by_ref.setdefault(flag.ref, []).append(flag)
        self.set_groups([(s, s.dependencies) for s in inventory.services] if inventory else [])

    def _service_flags(self, service) -> list:
        return [f for d in service.dependencies for f in self.flags_by_ref.get(d.ref, ())]

    def _zone(self, dep) -> str:
        zone = self.inventory.zone_of(dep) if self.inventory else None
        return zone.name if zone else (dep.zone or "—")

    def _group_columns(self):
        return (
            Column("Name", lambda s: s.name, tip=lambda s: s.notes or s.name),
            Column("Flags", lambda s: _flag_text(self._service_flags(s)),
                   state=lambda s: worst(self._service_flags(s)) or "na"),
            Column("Kind", lambda s: f"service ({s.criticality})"),
            Column("Device", lambda s: f"owner {s.owner}"),
            _BLANK,
            _BLANK,
            Column("Targets", lambda s: style.plural(len(s.dependencies), "dependency", "dependencies")),
            _BLANK,
        )

    def _child_columns(self):
        return (
            Column("Name", lambda d: d.name, tip=lambda d: d.notes or d.ref),
            Column("Flags", lambda d: _flag_text(self.flags_by_ref.get(d.ref, ())),
                   state=lambda d: worst(self.flags_by_ref.get(d.ref, ())) or "na",
                   sort=lambda d: SEVERITY_RANK.get(worst(self.flags_by_ref.get(d.ref, ())), -1),
                   tip=lambda d: "\n".join(f"{f.severity} {f.rule}: {f.title}"
                                           for f in self.flags_by_ref.get(d.ref, ())) or None),
            Column("Kind", lambda d: d.kind + ("" if d.direction == "outbound" else f" ({d.direction})")),
            Column("Device", lambda d: " ".join(x for x in (d.device_type, d.vendor) if x) or "—"),
            Column("Protocol", lambda d: d.protocol),
            Column("Port", lambda d: str(d.effective_port or "—") +
                   (f" from {d.source_port}" if d.source_port else ""),
                   sort=lambda d: d.effective_port or 0,
                   tip=lambda d: f"source port {d.source_port} is checked by the peer" if d.source_port else None),
            Column("Targets", _targets, tip=lambda d: ", ".join(d.targets[:20]) + (" …" if len(d.targets) > 20 else "")),
            Column("Zone", self._zone),
        )

    def facets(self, obj, is_group: bool) -> dict:
        if is_group:
            return {}
        return {"device_type": obj.device_type or "(none)", "protocol": obj.protocol, "kind": obj.kind,
                "severity": {f.severity for f in self.flags_by_ref.get(obj.ref, ())}}
