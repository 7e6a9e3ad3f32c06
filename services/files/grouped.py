"""A table's rows as indexes into the distinct values of groups of fields: a few bytes per row.

An import file repeats the same cells a lot (a records file names 20 000 members and a handful of
activities in 200 000 rows): checking each distinct group of cells once, and keeping per row only
which one it holds, costs neither a row object nor a check per row. read_grouped (spreadsheet.py)
fills a Grouped straight from a CSV file's rows (stream_grouped) or from a Table read the usual
way (group_rows); both give the same Grouped for the same rows.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any


@dataclass
class Grouped:
    """Row r holds, for group g, the values `distinct[g][index[g][r]]` of the fields `present[g]`."""

    groups: tuple[tuple[str, ...], ...]
    present: tuple[tuple[str, ...], ...]  # per group: its fields the table has, in the group's order
    distinct: list[list[tuple[Any, ...]]]
    index: list[array[int]]
    numbers: array[int] = field(default_factory=lambda: array("q"))  # each row's number in the sheet
    # row position → (column as the sheet heads it, reason): the problems the reader found in that row
    problems: dict[int, list[tuple[str, str]]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.numbers)

    def full(self, group: int, values: tuple[Any, ...]) -> tuple[Any, ...]:
        """Distinct `values` of a group in all the group's fields (None for a field the table lacks)."""
        present = self.present[group]
        if len(present) == len(self.groups[group]):
            return values
        given = dict(zip(present, values, strict=True))
        return tuple(given.get(f) for f in self.groups[group])


def _empty(groups: Sequence[Sequence[str]], fields: set[str]) -> Grouped:
    groups_t = tuple(tuple(g) for g in groups)
    present = tuple(tuple(f for f in g if f in fields) for g in groups_t)
    return Grouped(groups_t, present, [[] for _ in groups_t], [array("q") for _ in groups_t])


def group_rows(table: Any, groups: Sequence[Sequence[str]]) -> Grouped:
    """The Grouped of a Table's rows. Cells of other types than text are told apart by type too, so
    that 1, 1.0 and "1" are each checked on their own."""
    out = _empty(groups, {c.field for c in table.columns if c.field})
    typed = not table.text_only
    lookups: list[dict[Any, int]] = [{} for _ in out.groups]
    for position, row in enumerate(table.rows):
        values = row.values
        for present, lookup, dist, index in zip(out.present, lookups, out.distinct, out.index, strict=True):
            sub = tuple(values.get(f) for f in present)
            try:
                key = (sub, tuple(map(type, sub))) if typed else sub
                i = lookup.get(key)
                if i is None:
                    i = lookup[key] = len(dist)
                    dist.append(sub)
            except TypeError:  # an unhashable cell: a distinct entry of its own
                i = len(dist)
                dist.append(sub)
            index.append(i)
        out.numbers.append(row.number)
        if row.problems:
            out.problems[position] = list(row.problems)
    return out


def _single(i: int) -> Callable[[list[str]], tuple[str, ...]]:
    return lambda cells: (cells[i],)


def _nothing(cells: list[str]) -> tuple[str, ...]:
    return ()


def stream_grouped(table: Any, rows: Iterable[tuple[int, list[str]]], groups: Sequence[Sequence[str]]) -> Grouped:
    """The Grouped of a text table's data rows (all cells str, no twin columns), read as they come.

    A blank cell is no value (None), as in read_table; a short row's missing cells are blank.
    """
    column_of = {c.field: c.index for c in table.columns if c.field}
    out = _empty(groups, set(column_of))
    last = max(column_of.values(), default=-1)
    picks: list[Callable[[list[str]], tuple[str, ...]]] = []
    for present in out.present:
        at = [column_of[f] for f in present]
        if len(at) > 1:
            picks.append(itemgetter(*at))
        else:
            picks.append(_single(at[0]) if at else _nothing)
    # Each group's cells as the file writes them → their distinct index; blank cells become None only
    # when cells are new, and cells blank in different ways ("" and " ") share the same index.
    raw_lookups: list[dict[tuple[str, ...], int]] = [{} for _ in out.groups]
    lookups: list[dict[tuple[Any, ...], int]] = [{} for _ in out.groups]
    parts = list(zip(picks, raw_lookups, lookups, out.distinct, [ix.append for ix in out.index], strict=True))
    append_number = out.numbers.append
    for number, cells in rows:
        if len(cells) <= last:
            cells = cells + [""] * (last + 1 - len(cells))
        for pick, raw_lookup, lookup, dist, append in parts:
            raw = pick(cells)
            i = raw_lookup.get(raw)
            if i is None:
                sub = tuple(v if v.strip() else None for v in raw)
                i = lookup.get(sub)
                if i is None:
                    i = lookup[sub] = len(dist)
                    dist.append(sub)
                raw_lookup[raw] = i
            append(i)
        append_number(number)
    return out
