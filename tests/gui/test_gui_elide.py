"""Where a finding's cell is cut when it does not fit (gui/elide.py)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics

from migready.gui.elide import elide_mode

TWO = "source port 9010 → 38176 (rewritten by NAT); source address 127.0.0.1 → 127.0.3.1 (translated by NAT)"


def test_a_cell_of_several_findings_keeps_the_first_findings_values(qapp):
    """At 1024x700 the middle cut showed "source port 9010 → 5…(translated by NAT)": the new port was
    lost.  A cell of several findings is cut at the right, so the first (the worst) keeps its values;
    a single sentence keeps both ends."""
    metrics = QFontMetrics(QFont())
    room = metrics.horizontalAdvance("source port 9010 → 38176 (rewritten")
    assert elide_mode(TWO) == Qt.TextElideMode.ElideRight
    assert "9010 → 38176" in metrics.elidedText(TWO, elide_mode(TWO), room)
    assert "9010 → 38176" not in metrics.elidedText(TWO, Qt.TextElideMode.ElideMiddle, room)
    assert elide_mode("source port 9010 → 38176 (rewritten by NAT)") == Qt.TextElideMode.ElideMiddle
    assert elide_mode("源端口 9010 → 38176（被 NAT 改写）；源地址 127.0.0.1 → 127.0.3.1") == Qt.TextElideMode.ElideRight
