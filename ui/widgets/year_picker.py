"""One year picker for every tab: a list of years (“2026年”, newest first), of one width, by one rule.

The tabs had spin boxes from 1990 or 2000 to 2100, or a list of only the years holding activities, each
its own width. A clerk picks a year of the office's records, this year, or next year's plan.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QWidget

BACK = 5  # years before this one always offered: a whole plan period
AHEAD = 1  # years after this one: next year's study plan and targets


def offered_years(known: Iterable[int] = (), today: dt.date | None = None) -> list[int]:
    """The years a picker offers, newest first: every year from the earlier of the first year `known` (the
    years holding records) and BACK years ago, to the later of the last one and AHEAD years ahead."""
    this_year = (today or dt.date.today()).year
    years = [this_year - BACK, this_year + AHEAD, *known]
    return list(range(max(years), min(years) - 1, -1))


class YearPicker(QComboBox):
    """Years as offered_years(); with `all_text` (“全部年度”) first, standing for no year (None).

    With `exact`, only the years given (`known`, `set_known_years`) and no others: the years of a result
    (a statistics period), where a year outside it would show an empty list that reads as “nobody”.
    `year()` is the year chosen (None: all); `currentData()` is the same, for code that reads a combo.
    """

    year_changed = Signal(object)  # the year chosen, or None

    def __init__(self, parent: QWidget | None = None, *, all_text: str = "", year: int | None = None,
                 known: Iterable[int] = (), exact: bool = False) -> None:
        super().__init__(parent)
        self.all_text = all_text
        self.exact = exact
        self._known: set[int] = set(known)
        # Every picker as wide as the widest of its texts could be (“全部年度”, “2026年”), whatever it holds.
        metrics = self.fontMetrics()
        widest = max(metrics.horizontalAdvance("全部年度"), metrics.horizontalAdvance("0000年"))
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(math.ceil(widest / max(1, metrics.horizontalAdvance("x"))))
        self._fill(year if year is not None or all_text or exact else dt.date.today().year)
        self.currentIndexChanged.connect(lambda _i: self.year_changed.emit(self.year()))

    def year(self) -> int | None:
        data = self.currentData()
        return int(data) if data is not None else None

    def set_year(self, year: int | None) -> None:
        """Choose `year` (None: all years, when the picker offers that), offering it if it was not (an `exact`
        picker offers only its years: another year leaves the choice as it was)."""
        if year is not None and year not in self._years() and not self.exact:
            self._known.add(year)
            self._fill(self.year())
        index = self.findData(year) if year is not None else (0 if self.all_text else -1)
        if index >= 0:
            self.setCurrentIndex(index)

    def set_known_years(self, years: Iterable[int]) -> None:
        """The years holding records changed: offer them too, keeping the year chosen (no signal); an `exact`
        picker offers just these, keeping its year if among them, else choosing the latest."""
        self._known = set(years)
        self._fill(self.year())

    def _years(self) -> list[int]:
        return [self.itemData(i) for i in range(self.count()) if self.itemData(i) is not None]

    def _fill(self, keep: int | None) -> None:
        if keep is not None and not self.exact:
            self._known.add(keep)
        blocked = self.blockSignals(True)
        self.clear()
        if self.all_text:
            self.addItem(self.all_text, None)
        for year in sorted(self._known, reverse=True) if self.exact else offered_years(self._known):
            self.addItem(f"{year}年", year)
        self.setCurrentIndex(max(0, self.findData(keep)) if keep is not None else 0)
        self.blockSignals(blocked)
