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


class OnlineTimes(Sequence[OnlineTime]):
    """Online times stored column by column: a catalogue holds hundreds of thousands of them.

    Each time takes 24 bytes (start and end as seconds since 1970, and indexes into one table
    of the distinct identifier strings) instead of a Python object of about 80 bytes plus its
    datetimes. Indexing and iterating give ``OnlineTime`` objects made on the spot; ``rows()``
    gives plain tuples, and the ``starts``/``ends`` columns are for code that only compares times.
    """

    __slots__ = ("_cid", "_db", "_pid", "_string_index", "_strings", "_tid", "ends", "starts")

    def __init__(self, times: Iterable[OnlineTime] = ()) -> None:
        self._strings: list[str | None] = [None]
        self._string_index: dict[str | None, int] = {None: 0}
        self._db = array("I")
        self._pid = array("I")
        self._cid = array("I")
        self._tid = array("I")
        self.starts = array("q")  # seconds since 1970-01-01 (naive UTC)
        self.ends = array("q")
        self.extend_rows(
            (t.database, t.practitioner_id, t.clinic_id, t.start, t.end, t.treatment_id)
            for t in times
        )

    @classmethod
    def from_rows(cls, rows: Iterable[TimeRow]) -> OnlineTimes:
        times = cls()
        times.extend_rows(rows)
        return times

    def extend_rows(self, rows: Iterable[TimeRow]) -> None:
        """Append rows as they come (a cursor's ``fetchmany`` batches need not be kept)."""
        intern = self._intern
        db, pid, cid, tid = self._db.append, self._pid.append, self._cid.append, self._tid.append
        starts, ends = self.starts.append, self.ends.append
        for database, practitioner_id, clinic_id, start, end, treatment_id in rows:
            db(intern(database))
            pid(intern(practitioner_id))
            cid(intern(clinic_id))
            tid(intern(treatment_id))
            starts((start - _EPOCH) // _SECOND)
            ends((end - _EPOCH) // _SECOND)

    def _intern(self, value: str | None) -> int:
        index = self._string_index.get(value)
        if index is None:
            index = self._string_index[value] = len(self._strings)
            self._strings.append(value)
        return index

    def __len__(self) -> int:
        return len(self.starts)

    @overload
    def __getitem__(self, index: int) -> OnlineTime: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[OnlineTime]: ...
    def __getitem__(self, index: int | slice) -> OnlineTime | Sequence[OnlineTime]:
        if isinstance(index, slice):
            return [self._time(i) for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("online time index out of range")
        return self._time(index)

    def _time(self, i: int) -> OnlineTime:
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
        return (self._time(i) for i in range(len(self)))

    def rows(self) -> Iterator[TimeRow]:
        for t in self:
            yield (t.database, t.practitioner_id, t.clinic_id, t.start, t.end, t.treatment_id)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (OnlineTimes, tuple, list)):
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
