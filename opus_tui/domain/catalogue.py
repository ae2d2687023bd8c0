"""What the Opus database offers: clinics, practitioners, treatments and free online times.

Plain slotted dataclasses rather than pydantic models: a catalogue can hold hundreds of thousands
of online times and is built from trusted rows (the ODBC gateway, the store's snapshot, demo data).
Identifiers are strings so any schema map (int keys, GUIDs) fits. Times are naive UTC.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal, overload

CatalogueSource = Literal["database", "snapshot", "demo"]


@dataclass(frozen=True, slots=True)
class CatalogueClinic:
    database: str
    clinic_id: str
    name: str
    address: str = ""
    postcode: str = ""
    city: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True, slots=True)
class CataloguePractitioner:
    database: str
    practitioner_id: str
    clinic_id: str
    first_name: str
    last_name: str
    title: str = ""
    active: bool = True

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True, slots=True)
class CatalogueTreatment:
    database: str
    treatment_id: str
    name: str
    description: str = ""
    duration_minutes: int = 30
    create_in_web: bool = True
    change_in_web: bool = True
    cancel_in_web: bool = True


@dataclass(frozen=True, slots=True)
class OnlineTime:
    """A free slot published for online booking (*e-tid*)."""

    database: str
    practitioner_id: str
    clinic_id: str
    start: datetime
    end: datetime
    treatment_id: str | None = None


TimeRow = tuple[str, str, str, datetime, datetime, "str | None"]
"""database, practitioner_id, clinic_id, start, end, treatment_id — an OnlineTime's fields."""

_EPOCH = datetime(1970, 1, 1)
_SECOND = timedelta(seconds=1)
_INSTANT_CACHE = 1 << 16  # datetimes shared by rows() at most
_CODE = "H"  # 2 bytes: up to 65 535 distinct identifiers, then "I"
_SECONDS = "I"  # 4 bytes, from 1970 until 2106-02-07 06:28:15, else "q" (unsigned: faster)
_WIDER = {"H": "I", "I": "q"}
_COLUMNS = ("_db", "_pid", "_cid", "_tid", "starts", "ends")  # in the order rows append them
_TIME_COLUMNS = ("starts", "ends")


class _Overflow(Exception):
    """A row's values (codes and seconds) that some column is too narrow for."""

    def __init__(self, values: tuple[int, ...]) -> None:
        super().__init__()
        self.values = values


def _fits(typecode: str, value: int) -> bool:
    try:
        array(typecode, (value,))
    except OverflowError:
        return False
    return True


def _widened(column: array[int], low: int, high: int) -> array[int]:
    """``column``, or a wider copy of it, that can hold ``low`` and ``high``."""
    while not (_fits(column.typecode, low) and _fits(column.typecode, high)):
        wider = _WIDER.get(column.typecode)
        if wider is None:
            raise OverflowError(f"{low}…{high} does not fit in an online-time column")
        column = array(wider, column)
    return column


class OnlineTimes(Sequence[OnlineTime]):
    """Online times stored column by column: a catalogue holds hundreds of thousands of them.

    Each time takes 16 bytes (start and end as 4-byte seconds since 1970, and 2-byte indexes
    into one table of the distinct identifier strings) instead of a Python object of about 80
    bytes plus its datetimes. A column widens by itself (to 8-byte seconds, 4-byte indexes) when
    a value does not fit: a time before 1970 or after 2106, more than 65 535 identifiers.
    Indexing and iterating give ``OnlineTime`` objects made on the spot; ``rows()`` gives plain
    tuples, and the ``starts``/``ends`` columns are for code that only compares times.
    Code that scans many times reads the columns: ``starts``/``ends`` and the ``*_codes`` arrays
    (indexes into ``strings``), and makes an ``OnlineTime`` only for the rows it keeps
    (``time_at``). A slice is an ``OnlineTimes`` too.
    """

    __slots__ = ("_cid", "_db", "_pid", "_string_index", "_strings", "_tid", "ends", "starts")

    def __init__(self, times: Iterable[OnlineTime] = ()) -> None:
        self._strings: list[str | None] = [None]
        self._string_index: dict[str | None, int] = {None: 0}
        self._db = array(_CODE)
        self._pid = array(_CODE)
        self._cid = array(_CODE)
        self._tid = array(_CODE)
        self.starts = array(_SECONDS)  # seconds since 1970-01-01 (naive UTC)
        self.ends = array(_SECONDS)
        if isinstance(times, OnlineTimes):
            self.extend(times)
        else:
            self.extend_rows(
                (t.database, t.practitioner_id, t.clinic_id, t.start, t.end, t.treatment_id)
                for t in times
            )

    @classmethod
    def from_rows(cls, rows: Iterable[TimeRow]) -> OnlineTimes:
        times = cls()
        times.extend_rows(rows)
        return times

    @classmethod
    def concat(cls, parts: Iterable[OnlineTimes]) -> OnlineTimes:
        """One ``OnlineTimes`` holding every part's times in order (no ``OnlineTime`` made)."""
        times = cls()
        for part in parts:
            times.extend(part)
        return times

    def extend_rows(self, rows: Iterable[TimeRow]) -> None:
        """Append rows as they come (a cursor's ``fetchmany`` batches need not be kept)."""
        pending = iter(rows)
        while True:
            try:
                self._append_rows(pending)
                return
            except _Overflow as overflow:  # a row a column is too narrow for; then the rest
                self._append_widening(overflow.values)

    def _append_rows(self, rows: Iterator[TimeRow]) -> None:
        known = self._string_index.get
        intern = self._intern
        db, pid, cid, tid = self._db.append, self._pid.append, self._cid.append, self._tid.append
        starts, ends = self.starts.append, self.ends.append
        epoch, second = _EPOCH, _SECOND
        for database, practitioner_id, clinic_id, start, end, treatment_id in rows:
            # The strings repeat: a dict hit is the usual case, interning the rare one.
            d = known(database)
            if d is None:
                d = intern(database)
            p = known(practitioner_id)
            if p is None:
                p = intern(practitioner_id)
            c = known(clinic_id)
            if c is None:
                c = intern(clinic_id)
            t = known(treatment_id)
            if t is None:
                t = intern(treatment_id)
            a = (start - epoch) // second
            b = (end - epoch) // second
            try:
                db(d)
                pid(p)
                cid(c)
                tid(t)
                starts(a)
                ends(b)
            except OverflowError:
                raise _Overflow((d, p, c, t, a, b)) from None

    def _append_widening(self, values: tuple[int, ...]) -> None:
        """Append one row after widening the columns it does not fit (a row half appended
        when a column overflowed is cut back first; ``ends`` is appended last)."""
        complete = len(self.ends)
        for name, value in zip(_COLUMNS, values, strict=True):
            column: array[int] = getattr(self, name)
            del column[complete:]
            column = _widened(column, value, value)
            setattr(self, name, column)
            column.append(value)

    def extend(self, other: OnlineTimes) -> None:
        """Append another ``OnlineTimes``' times, column by column."""
        if other is self:
            other = OnlineTimes(self)
        remap = [self._intern(s) for s in other._strings]
        for name in _COLUMNS:
            theirs: array[int] = getattr(other, name)
            values = theirs if name in _TIME_COLUMNS else array("I", map(remap.__getitem__, theirs))
            if values:
                mine = _widened(getattr(self, name), min(values), max(values))
                setattr(self, name, mine)
                mine.extend(values if values.typecode == mine.typecode else values.tolist())

    def take(self, indices: Iterable[int]) -> OnlineTimes:
        """The times at ``indices`` (row numbers, in the given order) as a new ``OnlineTimes``."""
        rows = array("I", indices)
        out = OnlineTimes()
        out._strings = list(self._strings)
        out._string_index = dict(self._string_index)
        for name in _COLUMNS:
            column: array[int] = getattr(self, name)
            setattr(out, name, array(column.typecode, map(column.__getitem__, rows)))
        return out

    def _intern(self, value: str | None) -> int:
        index = self._string_index.get(value)
        if index is None:
            index = self._string_index[value] = len(self._strings)
            self._strings.append(value)
        return index

    # Read-only views of the columns, for code that scans many times without making objects.
    @property
    def strings(self) -> Sequence[str | None]:
        """The distinct identifier strings; code 0 is ``None``."""
        return self._strings

    @property
    def database_codes(self) -> array[int]:
        return self._db

    @property
    def practitioner_codes(self) -> array[int]:
        return self._pid

    @property
    def clinic_codes(self) -> array[int]:
        return self._cid

    @property
    def treatment_codes(self) -> array[int]:
        return self._tid

    def __len__(self) -> int:
        return len(self.starts)

    @overload
    def __getitem__(self, index: int) -> OnlineTime: ...
    @overload
    def __getitem__(self, index: slice) -> OnlineTimes: ...
    def __getitem__(self, index: int | slice) -> OnlineTime | OnlineTimes:
        if isinstance(index, slice):
            return self.take(range(*index.indices(len(self))))
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("online time index out of range")
        return self.time_at(index)

    def time_at(self, i: int) -> OnlineTime:
        """The time in row ``i`` (0 ≤ i < len; no negative indexes: for hot loops)."""
        s = self._strings
        return OnlineTime(
            s[self._db[i]] or "",
            s[self._pid[i]] or "",
            s[self._cid[i]] or "",
            _EPOCH + self.starts[i] * _SECOND,
            _EPOCH + self.ends[i] * _SECOND,
            s[self._tid[i]],
        )

    def __iter__(self) -> Iterator[OnlineTime]:
        for row in self.rows():
            yield OnlineTime(*row)

    def rows(self) -> Iterator[TimeRow]:
        """Every time as a (database, practitioner_id, clinic_id, start, end, treatment_id)
        tuple, straight from the columns."""
        s = self._strings
        cache: dict[int, datetime] = {}  # instants repeat (every practitioner's 08:00)
        get = cache.get
        epoch, second = _EPOCH, _SECOND
        for d, p, c, t, start, end in zip(
            self._db, self._pid, self._cid, self._tid, self.starts, self.ends, strict=True
        ):
            a = get(start)
            if a is None:
                a = epoch + start * second
                if len(cache) < _INSTANT_CACHE:
                    cache[start] = a
            b = get(end)
            if b is None:
                b = epoch + end * second
                if len(cache) < _INSTANT_CACHE:
                    cache[end] = b
            yield (s[d] or "", s[p] or "", s[c] or "", a, b, s[t])

    def _decoded(self, column: array[int], blank: bool) -> list[str | None]:
        s = self._strings
        if blank:
            return [s[i] or "" for i in column]
        return list(map(s.__getitem__, column))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, OnlineTimes):
            if len(self) != len(other) or self.starts != other.starts or self.ends != other.ends:
                return False
            return all(
                self._decoded(mine, blank) == other._decoded(theirs, blank)
                for mine, theirs, blank in (
                    (self._db, other._db, True),
                    (self._pid, other._pid, True),
                    (self._cid, other._cid, True),
                    (self._tid, other._tid, False),
                )
            )
        if isinstance(other, (tuple, list)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"OnlineTimes({len(self)} times)"


@dataclass(frozen=True, slots=True)
class Catalogue:
    """Everything read from one or more Opus databases, with where it came from and when."""

    source: CatalogueSource
    fetched_at: datetime | None
    databases: tuple[str, ...] = ()
    clinics: tuple[CatalogueClinic, ...] = ()
    practitioners: tuple[CataloguePractitioner, ...] = ()
    treatments: tuple[CatalogueTreatment, ...] = ()
    times: OnlineTimes = field(default_factory=OnlineTimes, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.times, OnlineTimes):  # any iterable of OnlineTime
            object.__setattr__(self, "times", OnlineTimes(self.times))

    def clinic(self, database: str, clinic_id: str) -> CatalogueClinic | None:
        for clinic in self.clinics:
            if clinic.database == database and clinic.clinic_id == clinic_id:
                return clinic
        return None

    def clinics_of(self, database: str) -> list[CatalogueClinic]:
        return [c for c in self.clinics if c.database == database]

    def practitioners_of(self, database: str, clinic_id: str) -> list[CataloguePractitioner]:
        return [
            p for p in self.practitioners if p.database == database and p.clinic_id == clinic_id
        ]
