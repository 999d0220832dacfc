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

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import QHeaderView, QLabel, QSplitter, QTableView, QVBoxLayout, QWidget

from migready.checks.store.records import describe
from migready.checks.text.i18n import shown

from . import style

RANK = {"fail": 3, "inconclusive": 2, "pass": 1}  # the worst status of a cell wins
STATES = {3: "fail", 2: "inconclusive", 1: "pass"}


class HostMatrixModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.hosts: list[dict] = []  # {"host", "host_name", "pool", ...} from the phase view
        self.dependencies: list[str] = []
        self.grid: list[bytearray] = []  # [row][column] -> RANK (0: no result)
        self.cells: dict[tuple[int, int], list[dict]] = {}

    def set_view(self, view: dict | None) -> None:
        """Rebuild from a phase view (None or a single-host run: empty)."""
        self.beginResetModel()
        hosts = list((view or {}).get("hosts") or ())
        column = {h["host"]: i for i, h in enumerate(hosts)}
        rows: dict[str | None, int] = {}
        cells: dict[tuple[int, int], list[dict]] = {}
        for result in (view or {}).get("results") or ():
            dep = result.get("dependency")
            col = column.get(result.get("host"))
            if col is None:
                continue
            row = rows.setdefault(dep, len(rows))
            cells.setdefault((row, col), []).append(result)
        order = sorted(rows, key=lambda d: (d is not None, d or ""))
        remap = {rows[d]: i for i, d in enumerate(order)}
        self.hosts, self.dependencies = hosts, order
        self.cells = {(remap[r], c): v for (r, c), v in cells.items()}
        self.grid = [bytearray(len(hosts)) for _ in order]
        for (r, c), results in self.cells.items():
            self.grid[r][c] = max(RANK.get(x.get("status"), 2) for x in results)
        self.endResetModel()

    # -- Qt -----------------------------------------------------------------------------------------

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self.dependencies)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.hosts)

    def state(self, row: int, column: int) -> str | None:
        return STATES.get(self.grid[row][column])

    def data(self, index: QModelIndex, role: int = Qt.DisplayRole):
        if not index.isValid():
            return None
        state = self.state(index.row(), index.column())
        if role == Qt.DisplayRole:
            return style.symbol(state) if state else ""
        if role == Qt.BackgroundRole and state:
            return style.tint(state)
        if role == Qt.TextAlignmentRole:
            return int(Qt.AlignCenter)
        if role == Qt.ToolTipRole:
            return "%s · %s: %s" % (style.dependency(self.dependencies[index.row()]),
                                    self.host_label(index.column()), style.label(state) if state else "—")
        return None

    def headerData(self, section: int, orientation, role: int = Qt.DisplayRole):  # noqa: N802
        if role not in (Qt.DisplayRole, Qt.ToolTipRole):
            return None
        if orientation == Qt.Horizontal:
            if section >= len(self.hosts):
                return None
            host = self.hosts[section]
            return self.host_label(section) if role == Qt.DisplayRole else host.get("host")
        return style.dependency(self.dependencies[section]) if section < len(self.dependencies) else None

    def host_label(self, column: int) -> str:
        host = self.hosts[column]
        return host.get("host_name") or host.get("host") or "?"

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
        self.table.horizontalHeader().setDefaultSectionSize(34)
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
