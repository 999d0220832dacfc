"""Where a finding's cell is cut when it does not fit (gui/elide.py)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics

from migready.gui.elide import elide_mode

TWO = "source port 9010 → 38176 (rewritten by NAT); source address 127.0.0.1 → 127.0.3.1 (translated by NAT)"


def test_a_cell_of_several_findings_keeps_the_first_whole_where_it_fits(qapp):
    """At 1024x700 the middle cut showed "source port 9010 → 5…(translated by NAT)": the new port was
    lost.  Where the first finding fits, the cut is at the right; where it does not, in the middle."""
    metrics = QFontMetrics(QFont())
    first = metrics.horizontalAdvance("source port 9010 → 38176 (rewritten by NAT); …")
    assert elide_mode(TWO, metrics.horizontalAdvance, first + 2) == Qt.TextElideMode.ElideRight
    shown = metrics.elidedText(TWO, Qt.TextElideMode.ElideRight, first + 2)
    assert "9010 → 38176" in shown
    assert elide_mode(TWO, metrics.horizontalAdvance, first // 2) == Qt.TextElideMode.ElideMiddle
    one = "source port 9010 → 38176 (rewritten by NAT)"
    assert elide_mode(one, metrics.horizontalAdvance, 40) == Qt.TextElideMode.ElideMiddle
