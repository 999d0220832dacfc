"""The dependency x host matrix of a phase probed on many staging hosts.

One row per dependency, one column per staging host; a cell is the worst
status of that dependency's results on that host (fail, inconclusive, pass),
in the status colours *and* its symbol (never colour alone).  Clicking a cell
shows its evidence: each result's check, target and what it observed.

It reads the review's phase view (checks/review/hosts.py: every host's latest
run, results tagged with their host) and computes the grid once per view, so
300 hosts x 200 dependencies (60,000 cells) paint as fast as the rows on
screen (bench/bench_matrix.py).
"""
from __future__ import annotations

from html import escape

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, Qt
from PySide6.QtWidgets import QHeaderView, QLabel, QSplitter, QTableView, QVBoxLayout, QWidget

from migready.checks.store.records import describe
from migready.checks.text.i18n import shown

from . import style

RANK = {"fail": 3, "inconclusive": 2, "pass": 1}  # the worst status of a cell wins
STATES = {3: "fail", 2: "inconclusive", 1: "pass"}
# Roles as plain ints: data() runs for every visible cell and role on each paint, and comparing
# with Qt's enum members costs more than the rest of it (bench/bench_matrix.py).
DISPLAY, TOOLTIP, BACKGROUND, ALIGN = (int(r.value) for r in (Qt.DisplayRole, Qt.ToolTipRole, Qt.BackgroundRole,
                                                               Qt.TextAlignmentRole))
CENTER = int(Qt.AlignCenter.value)


class HostMatrixModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.hosts: list[dict] = []  # {"host", "host_name", "pool", ...} from the phase view
        self.dependencies: list[str] = []
        self.grid: list[bytearray] = []  # [row][column] -> RANK (0: no result)
        self.cells: dict[tuple[int, int], list[dict]] = {}
        self._looks: dict[int, tuple] = {}  # rank -> (symbol, background), per palette

    def looks(self) -> dict[int, tuple]:
        if not self._looks:
            self._looks = {rank: (style.symbol(state), style.tint(state)) for rank, state in STATES.items()}
            self._looks[0] = ("", None)
        return self._looks

    def set_view(self, view: dict | None) -> None:
        """Rebuild from a phase view (None or a single-host run: empty)."""
        self.beginResetModel()
        hosts = list((view or {}).get("hosts") or ())
        column = {h["host"]: i for i, h in enumerate(hosts)}
        rows: dict[str | None, int] = {}
        cells: dict[tuple[int, int], list[dict]] = {}
        for result in (view or {}).get("results") or ():
            col = column.get(result["host"])
            if col is not None:
                row = rows.setdefault(result["dependency"], len(rows))
                key = (row, col)
                found = cells.get(key)
                if found is None:
                    cells[key] = [result]
                else:
                    found.append(result)
        order = sorted(rows, key=lambda d: (d is not None, d or ""))
        remap = {rows[d]: i for i, d in enumerate(order)}
        self.hosts, self.dependencies = hosts, order
        self.cells = {(remap[r], c): v for (r, c), v in cells.items()}
        self.grid = [bytearray(len(hosts)) for _ in order]
        rank = RANK.get
        for (r, c), results in self.cells.items():
            self.grid[r][c] = max([rank(x.get("status"), 2) for x in results])
        self._looks = {}
        self.endResetModel()

    # -- Qt -----------------------------------------------------------------------------------------

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self.dependencies)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.hosts)

    def state(self, row: int, column: int) -> str | None:
        return STATES.get(self.grid[row][column])

    def data(self, index: QModelIndex, role: int = DISPLAY):
        role = int(role)
        if role == DISPLAY:
            return self.looks()[self.grid[index.row()][index.column()]][0]
        if role == BACKGROUND:
            return self.looks()[self.grid[index.row()][index.column()]][1]
        if role == ALIGN:
            return CENTER
        if role == TOOLTIP:
            state = self.state(index.row(), index.column())
            return "%s · %s: %s" % (style.dependency(self.dependencies[index.row()]),
                                    self.host_label(index.column()), style.label(state) if state else "—")
        return None

    def headerData(self, section: int, orientation, role: int = DISPLAY):  # noqa: N802
        role = int(role)
        if role != DISPLAY and role != TOOLTIP:
            return None
        if orientation == Qt.Horizontal:
            if section >= len(self.hosts):
                return None
            host = self.hosts[section]
            return self.host_label(section) if role == DISPLAY else host.get("host")
        return style.dependency(self.dependencies[section]) if section < len(self.dependencies) else None

    def host_label(self, column: int) -> str:
        """The host's name, else the address part of its spec (ssh://ops@192.0.2.7:22 -> 192.0.2.7)."""
        host = self.hosts[column]
        if host.get("host_name"):
            return host["host_name"]
        spec = host.get("host") or "?"
        if spec.startswith("ssh://"):
            where = spec[len("ssh://"):].rpartition("@")[2]
            return where.rsplit(":", 1)[0] if where.count(":") == 1 else where
        return spec

    def evidence(self, row: int, column: int) -> list[dict]:
        return self.cells.get((row, column), [])


class HostMatrix(QWidget):
    """The matrix and, below it, the evidence of the clicked cell."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = HostMatrixModel(self)
        self.table = QTableView()
        self.table.setObjectName("host-matrix")
        self.table.setModel(self.model)
        self.table.setSelectionMode(QTableView.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Fixed)
        self.table.horizontalHeader().setDefaultSectionSize(84)
        self.table.horizontalHeader().setTextElideMode(Qt.ElideMiddle)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setWordWrap(False)
        self.evidence = QLabel()
        self.evidence.setObjectName("host-matrix-evidence")
        self.evidence.setWordWrap(True)
        self.evidence.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.evidence.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        split = QSplitter(Qt.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.evidence)
        split.setStretchFactor(0, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        self.table.clicked.connect(self.show_evidence)
        self._hint()

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.PaletteChange:  # the dark palette: the cells' tints follow
            self.model._looks = {}
            self.table.viewport().update()
        super().changeEvent(event)

    def _hint(self) -> None:
        self.evidence.setText(self.tr("Click a cell for its evidence: every result of that dependency on that host."))

    def set_view(self, view: dict | None) -> None:
        self.model.set_view(view)
        self._hint()

    def show_evidence(self, index: QModelIndex) -> None:
        row, column = index.row(), index.column()
        results = self.model.evidence(row, column)
        head = self.tr("<b>{dependency}</b> on <b>{host}</b> ({pool})").format(
            dependency=escape(style.dependency(self.model.dependencies[row])),
            host=escape(self.model.host_label(column)),
            pool=escape(self.model.hosts[column].get("pool") or self.tr("no pool")))
        if not results:
            self.evidence.setText(head + "<br>" + self.tr("No result from this host."))
            return
        lines = ["%s %s %s: %s" % (escape(style.label(r.get("status") or "inconclusive")), escape(r.get("check") or ""),
                                   escape(r.get("target") or ""), escape(shown(describe(r)) or shown(r.get("reason") or "")))
                 for r in results]
        self.evidence.setText(head + "<br>" + "<br>".join(lines))
