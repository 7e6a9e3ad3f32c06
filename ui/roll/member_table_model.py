"""The members table: rows are `MemberRecord`s; the model sorts and filters them itself.

No QSortFilterProxyModel: with 100 000 rows it is far too slow. The model keeps every record,
an order (row numbers sorted by the current column) and the visible rows (the order filtered by
branch, membership, status, post and the search text). Search works on one padded text blob per
searched field, so a keystroke costs a few C-level `str.find` scans instead of a Python loop over
every row (see `_search_rows`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import compress, repeat
from operator import contains
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from services.normalize import COMMITTEE_POSTS, clean_text, format_partial, mask_id_number
from ui.widgets.typed_text import as_typed

if TYPE_CHECKING:  # the window must paint before SQLAlchemy (imported by services.roll.members) loads
    from services.roll.members import MemberRecord

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    display: Callable[[MemberRecord], str]
    sort_key: Callable[[MemberRecord], Any]


def _text(key: str) -> Callable[[MemberRecord], str]:
    return lambda r: getattr(r, key) or ""


def _partial(key: str) -> Callable[[MemberRecord], str]:
    return lambda r: format_partial(getattr(r, key))


def _plain_key(key: str) -> Callable[[MemberRecord], Any]:
    return lambda r: (getattr(r, key) is None, getattr(r, key) or "")


COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", _text("name"), lambda r: r.sort_key),
    Column("sex", "性别", _text("sex"), _plain_key("sex")),
    Column("id_number", "公民身份号码", lambda r: mask_id_number(r.id_number), _plain_key("id_number")),
    Column("birth_date", "出生日期", lambda r: r.birth_date.strftime("%Y.%m.%d") if r.birth_date else "",
           lambda r: r.birth_date.isoformat() if r.birth_date else ""),
    Column("branch", "所在党支部", _text("branch"), lambda r: (r.branch_order, r.branch_id, r.sort_key)),
    Column("membership", "党员类别", _text("membership"), _plain_key("membership")),
    Column("party_post", "党内职务", _text("party_post"), _plain_key("party_post")),
    Column("joined_party", "入党日期", _partial("joined_party"), _plain_key("joined_party")),
    Column("full_member_since", "转正日期", _partial("full_member_since"), _plain_key("full_member_since")),
    Column("education", "学历", _text("education"), _plain_key("education")),
    Column("ethnicity", "民族", _text("ethnicity"), _plain_key("ethnicity")),
    Column("job", "工作岗位", _text("job"), _plain_key("job")),
    Column("staff_status", "人员类别", _text("staff_status"), _plain_key("staff_status")),
    Column("phone", "联系电话", _text("phone"), _plain_key("phone")),
    Column("joined_org", "转入日期", _partial("joined_org"), _plain_key("joined_org")),
    Column("status", "状态", _text("status"), _plain_key("status")),
    Column("left_date", "转出日期", _partial("left_date"), _plain_key("left_date")),
    Column("remarks", "备注", _text("remarks"), _plain_key("remarks")),
)
COLUMN_INDEX = {c.key: i for i, c in enumerate(COLUMNS)}
_PHONE_COLUMN = COLUMN_INDEX["phone"]

# Post filter values.
POST_ANY = "any"
POST_COMMITTEE = "committee"
POST_NONE = "none"

_ID_TAIL = re.compile(r"[0-9x]+")
_LEFT_GREY = QColor("#8a8a8a")
# Asked for every painted cell: worked out once (Qt's flag and role enums are slow to combine in Python).
_ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
_DISPLAY = Qt.ItemDataRole.DisplayRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_USER = Qt.ItemDataRole.UserRole
# A find loop costs about a microsecond per hit row; past these shares of all rows the one-pass
# methods below win (big-integer flags for ASCII fields, a C-level map for the others).
_WIDE_SHARE_ASCII = 1 / 16
_WIDE_SHARE_TEXT = 0.3
_BYTE_TABLES: dict[int, bytes] = {}


def _byte_table(byte: int) -> bytes:
    """A bytes.translate table giving 1 for `byte` and 0 for every other byte."""
    table = _BYTE_TABLES.get(byte)
    if table is None:
        table = _BYTE_TABLES[byte] = bytes(int(i == byte) for i in range(256))
    return table


class _Blob:
    """One searched field of every row in display order, padded to a fixed width and joined.

    A hit at text position p is display position p // width. A narrow search is one C-level
    `str.find` per hit row. A wide one (a single digit or letter hits most rows) is done on the
    whole blob at once: for an ASCII field, each byte becomes a 0/1 flag (`bytes.translate`), the
    flags become one big integer, the needle's characters are ANDed in with shifts, and each row's
    bytes are ORed together by halving shifts (the width is a power of two), so the row flags are
    every width-th byte: a dozen C-level operations instead of 100 000 Python steps.
    """

    def __init__(self, values: list[str], lead: str = "", trail: str = "") -> None:
        self.values = values
        longest = max((len(v) for v in values), default=0) + len(lead) + len(trail) + 1
        self.is_ascii = "".join(values).isascii()
        width = 1 << (longest - 1).bit_length() if self.is_ascii else longest
        self.width = width
        self.text = "".join([f"{lead}{v}{trail}".ljust(width, "\0") for v in values])
        self.data = self.text.encode("ascii") if self.is_ascii else b""

    def search(self, needle: str, matcher: Callable[[str, str], bool], query: str
               ) -> tuple[list[int], bytearray | None]:
        """Display positions whose field holds `needle`: (positions, None), or ([], flags) when wide."""
        text, width = self.text, self.width
        share = _WIDE_SHARE_ASCII if self.is_ascii else _WIDE_SHARE_TEXT
        limit = max(64, int(share * len(self.values)))
        rows = len(self.values)
        sample_rows = min(rows, 2048)
        # A count over the first rows predicts a wide search before any find loop is wasted on it.
        if sample_rows and text.count(needle, 0, sample_rows * width) * rows / sample_rows > limit:
            return [], self._wide(needle, matcher, query)
        positions: list[int] = []
        append = positions.append
        pos = text.find(needle)
        while pos != -1:
            position = pos // width
            append(position)
            if len(positions) > limit:
                break
            pos = text.find(needle, (position + 1) * width)
        else:
            return positions, None
        return [], self._wide(needle, matcher, query)

    def _wide(self, needle: str, matcher: Callable[[str, str], bool], query: str) -> bytearray:
        if self.is_ascii and needle.isascii():
            return self._wide_ascii(needle.encode("ascii"))
        return bytearray(map(matcher, self.values, repeat(query)))

    def column_flags(self, start: int, needle: str) -> bytearray:
        """Rows whose text holds `needle` at character `start` (a prefix, or a fixed-length suffix).

        One column of the blob is every width-th byte; comparing the needle's columns costs a few
        C-level operations on one byte per row.
        """
        rows = len(self.values)
        if not self.is_ascii or not needle.isascii() or start < 0 or start + len(needle) > self.width:
            return bytearray(rows)
        data, width = self.data, self.width
        hits = -1
        for offset, byte in enumerate(needle.encode("ascii")):
            column = data[start + offset::width]
            hits &= int.from_bytes(column.translate(_byte_table(byte)), "little")
        return bytearray(hits.to_bytes(rows, "little"))

    def fixed_length(self) -> int | None:
        """The one length every value has (ID numbers: 18), or None."""
        lengths = {len(v) for v in self.values}
        return lengths.pop() if len(lengths) == 1 else None

    def _wide_ascii(self, needle: bytes) -> bytearray:
        data, width = self.data, self.width
        hits = -1
        for offset, byte in enumerate(needle):
            hits &= int.from_bytes(data.translate(_byte_table(byte)), "little") >> (8 * offset)
        # Now byte p is 1 where the needle starts at p; fold each row's bytes onto its first byte.
        step = 8
        while step < 8 * width:
            hits |= hits >> step
            step *= 2
        return bytearray(hits.to_bytes(len(data), "little")[::width])


class MemberTableModel(QAbstractTableModel):
    """Members as a flat table; `set_records`, `set_filters`, `set_search`, `sort`."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._records: list[MemberRecord] = []
        self._order: list[int] = []  # every row number, in the current sort order
        self._rank: list[int] = []  # position of each row number in _order
        self._base: list[int] = []  # _order filtered by everything but the search text
        self._base_flags = bytearray()  # by display position: passes the filters
        self._visible: list[int] = []
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._branch_id: int | None = None
        self._membership: str | None = None
        self._statuses: frozenset[str] | None = frozenset({"在册"})
        self._post: str | None = None
        self._query = ""
        self._blobs: dict[str, _Blob] = {}
        self._id_length = 0
        self._phone_mask: Callable[[str], str] | None = None  # set for roles that may not see full numbers
        # The first screen only (see set_first_page): how to read the rest, and the rows the filters pass.
        self._more: Callable[[], list[MemberRecord] | None] | None = None
        self._partial_visible = 0

    # ------------------------------------------------------------ data in

    def set_records(self, records: Iterable[MemberRecord]) -> None:
        self.beginResetModel()
        self._more = None
        self._records = list(records)
        # Precomputed once per load: the searched fields as padded blobs (see _Blob).
        self._apply_sort()
        self._apply_filters()
        self._apply_search()
        self.endResetModel()

    def set_first_page(self, records: Iterable[MemberRecord], visible: int,
                       more: Callable[[], list[MemberRecord] | None]) -> None:
        """The first screen of a long roll, read with the current filters (no search, no post filter)
        and in load order; `visible` is how many rows those filters pass in all; `more` reads the whole
        roll, called when the view scrolls to the end (fetchMore) or anything needs every row."""
        self.set_records(records)
        self._more = more
        self._partial_visible = visible

    def is_searching(self) -> bool:
        return bool(self._query)

    def is_partial(self) -> bool:
        return self._more is not None

    def ensure_all(self) -> None:
        """Read the rest of a roll shown by its first screen (nothing when the whole roll is here)."""
        if self._more is None:
            return
        more = self._more
        self._more = None
        read = more()
        if read is None:  # not readable yet (the database is still being opened): stays partial
            self._more = more
            return
        records = list(read)
        # Worked out aside, then swapped in: the first screen's rows stay and the rest are appended
        # (the view keeps its place and selection), unless the roll changed meanwhile (a reset).
        names = ("_records", "_order", "_base", "_base_flags", "_visible", "_blobs", "_id_length")
        before = {n: getattr(self, n) for n in names}
        shown = [self._records[i].id for i in self._visible]
        self._records = records
        self._apply_sort()
        self._apply_filters()
        self._apply_search()
        after = {n: getattr(self, n) for n in names}
        appended = [records[i].id for i in self._visible[:len(shown)]] == shown
        for n, v in before.items():
            setattr(self, n, v)
        if appended and len(after["_visible"]) > len(shown):
            self.beginInsertRows(QModelIndex(), len(shown), len(after["_visible"]) - 1)
            for n, v in after.items():
                setattr(self, n, v)
            self.endInsertRows()
        elif appended:
            for n, v in after.items():
                setattr(self, n, v)
        else:
            self.beginResetModel()
            for n, v in after.items():
                setattr(self, n, v)
            self.endResetModel()

    def filters(self) -> tuple[int | None, str | None, frozenset[str] | None, str | None]:
        return self._branch_id, self._membership, self._statuses, self._post

    def set_filters(self, *, branch_id: int | None = None, membership: str | None = None,
                    statuses: Iterable[str] | None = None, post: str | None = None) -> None:
        """Branch id, 正式党员/预备党员, a set of statuses (None = all), POST_* (None = all)."""
        wanted = (branch_id, membership, frozenset(statuses) if statuses is not None else None, post)
        if wanted != self.filters():
            self.ensure_all()
        self.beginResetModel()
        self._branch_id = branch_id
        self._membership = membership
        self._statuses = frozenset(statuses) if statuses is not None else None
        self._post = post
        self._apply_filters()
        self._apply_search()
        self.endResetModel()

    def set_search(self, query: str) -> None:
        q = clean_text(query).lower().replace(" ", "")
        if q == self._query:
            return
        self.ensure_all()
        self.beginResetModel()
        self._query = q
        self._apply_search()
        self.endResetModel()

    # ------------------------------------------------------------ the work

    def _apply_sort(self) -> None:
        n = len(self._records)
        recs = self._records
        if 0 <= self._sort_column < len(COLUMNS):
            key = COLUMNS[self._sort_column].sort_key
            keys = [key(r) for r in recs]
            self._order = sorted(range(n), key=keys.__getitem__,
                                 reverse=self._sort_order == Qt.SortOrder.DescendingOrder)
        else:
            self._order = list(range(n))  # as loaded: by branch, then 按姓氏笔画
        # The searched fields, in display order, so that search results come out already sorted.
        ordered = [recs[i] for i in self._order]
        self._blobs = {
            "name": _Blob([r.name for r in ordered]),
            "initials": _Blob([r.name_initials for r in ordered], lead="\x01"),
            "id": _Blob([r.id_number.lower() for r in ordered], trail="\x02"),
            "phone": _Blob([r.phone or "" for r in ordered]),
        }
        # Stored ID numbers are all 18 characters; if not, the generic search is used.
        self._id_length = self._blobs["id"].fixed_length() or 0

    def _row_passes(self, r: MemberRecord) -> bool:
        if self._branch_id is not None and r.branch_id != self._branch_id:
            return False
        if self._membership and r.membership != self._membership:
            return False
        if self._statuses is not None and r.status not in self._statuses:
            return False
        if self._post == POST_ANY:
            return bool(r.party_post)
        if self._post == POST_COMMITTEE:
            return r.party_post in COMMITTEE_POSTS
        if self._post == POST_NONE:
            return not r.party_post
        return True

    def _apply_filters(self) -> None:
        """Everything but the search text; flags are by display position."""
        n = len(self._records)
        unfiltered = (self._branch_id is None and not self._membership and self._statuses is None
                      and self._post is None)
        if unfiltered:
            self._base_flags = bytearray(b"\x01" * n)
            self._base = list(self._order)
        else:
            self._base_flags = bytearray(map(self._row_passes, map(self._records.__getitem__, self._order)))
            self._base = list(compress(self._order, self._base_flags))

    def _search_hits(self, q: str) -> tuple[list[int], list[bytearray]]:
        """Display positions matching `q`, with the semantics of services.roll.members.matches."""
        blobs = self._blobs
        searches: list[tuple[str, str, Callable[[str, str], bool]]] = []
        if not q.isdigit():  # names hold no digits
            searches.append(("name", q, contains))
        if q.isascii() and q.isalpha():  # initials are letters only
            searches.append(("initials", "\x01" + q, str.startswith))
        if _ID_TAIL.fullmatch(q):
            searches.append(("id", q + "\x02", str.endswith))
        if q.isdigit():
            searches.append(("phone", q, contains))
        narrow: list[int] = []
        wide: list[bytearray] = []
        # Prefixes of the initials and tails of the (fixed-length) ID numbers are column compares.
        searches = [item for item in searches if item[0] not in ("initials", "id") or not self._id_length]
        if q.isascii() and q.isalpha() and self._id_length:
            wide.append(blobs["initials"].column_flags(1, q))
        if _ID_TAIL.fullmatch(q) and self._id_length:
            wide.append(blobs["id"].column_flags(self._id_length - len(q), q))
        for field, needle, matcher in searches:
            positions, flags = blobs[field].search(needle, matcher, q)
            narrow.extend(positions)
            if flags is not None:
                wide.append(flags)
        return narrow, wide

    def _apply_search(self) -> None:
        q = self._query
        if not q:
            self._visible = self._base
            return
        narrow, wide = self._search_hits(q)
        order, base_flags = self._order, self._base_flags
        if not wide:
            self._visible = [order[p] for p in sorted(set(narrow)) if base_flags[p]]
            return
        # Many hits: combine the per-position flags as big integers (C speed), then pick the rows.
        n = len(order)
        mask = 0
        for flags in wide:
            mask |= int.from_bytes(flags, "little")
        if narrow:
            extra = bytearray(n)
            any(map(extra.__setitem__, narrow, repeat(1)))  # sets every flag; any() sees only None
            mask |= int.from_bytes(extra, "little")
        mask &= int.from_bytes(base_flags, "little")
        self._visible = list(compress(order, mask.to_bytes(n, "little")))

    # ------------------------------------------------------------ reading

    def record_at(self, row: int) -> MemberRecord:
        return self._records[self._visible[row]]

    def row_of_member(self, member_id: int) -> int:
        self.ensure_all()
        for position, i in enumerate(self._visible):
            if self._records[i].id == member_id:
                return position
        return -1

    def visible_count(self) -> int:
        return self._partial_visible if self._more is not None else len(self._visible)

    def total_count(self) -> int:
        return len(self._records)

    def records(self) -> list[MemberRecord]:
        self.ensure_all()
        return self._records

    def visible_records(self) -> list[MemberRecord]:
        """The rows shown now (filters and search applied), in display order."""
        self.ensure_all()
        return [self._records[i] for i in self._visible]

    def set_full_numbers(self, full: bool) -> None:
        """Phone numbers in full, or masked (138****5678) for a role that may not see them.

        ID numbers are masked in the list for everyone already (the edit dialog shows them whole).
        """
        from services.safety.privacy import mask_phone

        self.beginResetModel()
        self._phone_mask = None if full else mask_phone
        self.endResetModel()

    # ------------------------------------------------------------ Qt model interface

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more is not None

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not parent.isValid():
            self.ensure_all()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._visible):
            return None
        record = self._records[self._visible[index.row()]]
        if role == _DISPLAY:
            if self._phone_mask is not None and index.column() == _PHONE_COLUMN:
                return self._phone_mask(record.phone or "")
            return COLUMNS[index.column()].display(record)
        if role == _FOREGROUND and record.status != "在册":
            return QBrush(_LEFT_GREY)
        if role == _TOOLTIP and record.status != "在册":
            return as_typed(f"{record.status}（{format_partial(record.left_date)}）{record.left_reason or ''}")
        if role == _USER:
            return record.id
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section].title if 0 <= section < len(COLUMNS) else None
        return str(section + 1)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return _ROW_FLAGS

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if (column, order) != (self._sort_column, self._sort_order):
            self.ensure_all()
        self.beginResetModel()
        self._sort_column = column
        self._sort_order = order
        self._apply_sort()
        self._apply_filters()
        self._apply_search()
        self.endResetModel()
