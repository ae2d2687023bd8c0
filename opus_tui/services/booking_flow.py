"""The booking-flow engine: what the patient sees on the booking page with a given configuration.

Pure: no Textual, no I/O, no clock (the caller passes ``now``, naive UTC like the catalogue).

* :func:`page` — the page shown for the patient's :class:`Choices` so far, as a :class:`Page`
  view model (breadcrumb, heading, texts, option groups, form fields, notices, buttons, the
  "Dina val" summary and, on Bekräfta, what will be written and sent).
* :func:`step` — the choices after one :class:`Action` (choose, back, restart, log in, …).
* :func:`explain` — the rule that hides a practitioner, clinic, treatment, time or photo.

The configuration decides what is offered and in which order (``clinics.published``); the
catalogue only supplies details and free times. Catalogue look-ups go through an index built
once per catalogue object (:func:`catalogue_index`), and a page holds at most a screenful of
options (``Choices.shown`` grows with "Visa fler"), so a recompute stays well inside a frame.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, tzinfo
from itertools import compress
from operator import itemgetter
from typing import Literal, TypeVar

from opus_tui.domain import standard_texts
from opus_tui.domain.catalogue import (
    Catalogue,
    CatalogueClinic,
    CataloguePractitioner,
    CatalogueTreatment,
    OnlineTime,
    OnlineTimes,
)
from opus_tui.domain.config import (
    MERGED_ORDER,
    PublishedClinic,
    PublishedPractitioner,
    StepKind,
    WebConfiguration,
)

# --- view model --------------------------------------------------------------------------------

CLINIC, TREATMENT, PRACTITIONER, TIME = "clinic", "treatment", "practitioner", "time"
DETAILS, CONFIRM, DONE = "details", "confirm", "done"
STEP_NAMES = (CLINIC, TREATMENT, PRACTITIONER, TIME)

ANY_PRACTITIONER = "any"
ANY_CLINIC_PREFIX = "any:"

PAGE_SIZE = 20  # options shown before "Visa fler"
CARD_PRACTITIONERS = 8  # practitioners named on a clinic's card
TIME_DAYS = 7  # calendar days of free times shown from the first free day
TIME_MAX = 60  # free times shown at most

CRUMB_LABELS = {
    CLINIC: "Klinik",
    TREATMENT: "Behandling",
    PRACTITIONER: "Behandlare",
    TIME: "Tid",
    DETAILS: "Personuppgifter",
    CONFIRM: "Bekräfta",
}
STEP_HEADINGS = {
    CLINIC: "Välj klinik",
    TREATMENT: "Välj typ av behandling",
    PRACTITIONER: "Välj en behandlare",
    TIME: "Välj tid",
    DETAILS: "Personuppgifter",
    CONFIRM: "Bekräfta din bokning",
}

ActionKind = Literal[
    "choose",
    "more",
    "back",
    "restart",
    "submit",
    "confirm",
    "login_page",
    "login",
    "logout",
    "bookings",
    "new_booking",
    "rebook",
    "cancel",
]


@dataclass(frozen=True, slots=True)
class Action:
    """Something the patient can do: choose an option, press a button."""

    kind: ActionKind
    step: str = ""
    value: str = ""


BACK = Action("back")
RESTART = Action("restart")


@dataclass(frozen=True, slots=True)
class Crumb:
    label: str
    state: Literal["done", "current", "todo"]


@dataclass(frozen=True, slots=True)
class Option:
    label: str
    action: Action | None = None
    sublabel: str = ""
    lines: tuple[str, ...] = ()
    photo: str | None = None  # a path, only where consented
    enabled: bool = True
    reason: str = ""  # why disabled
    selected: bool = False


@dataclass(frozen=True, slots=True)
class OptionGroup:
    heading: str
    options: tuple[Option, ...]
    step: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class TextBlock:
    heading: str
    body: str
    style: Literal["text", "info", "yellow", "notice", "effect"] = "text"


@dataclass(frozen=True, slots=True)
class FormField:
    label: str
    required: bool = False
    value: str = ""
    help: str = ""
    section: str = ""


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    action: Action
    enabled: bool = True
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Page:
    kind: str  # a step name, "done", "login", "bookings", "rebook", "cancel", or a notice kind
    heading: str
    breadcrumb: tuple[Crumb, ...] = ()
    header_buttons: tuple[Button, ...] = ()
    texts: tuple[TextBlock, ...] = ()
    groups: tuple[OptionGroup, ...] = ()
    fields: tuple[FormField, ...] = ()
    notices: tuple[TextBlock, ...] = ()
    buttons: tuple[Button, ...] = ()
    summary: tuple[str, ...] = ()
    effects: tuple[TextBlock, ...] = ()  # what Bekräfta writes and sends (for the technician)
    confirm_method: str = ""
    # The page around the flow: address, Media's colour and logo, the analytics script,
    # where the configuration is published.
    address: str = ""
    colour: str = ""
    logo: str = ""
    analytics: bool = False
    published_on: tuple[str, ...] = ()

    @property
    def breadcrumb_text(self) -> str:
        return " > ".join(c.label for c in self.breadcrumb)

    def selectable(self) -> list[Action]:
        """Every action the patient can take here, in reading order."""
        out = [b.action for b in self.header_buttons if b.enabled]
        for group in self.groups:
            out += [o.action for o in group.options if o.enabled and o.action is not None]
        out += [b.action for b in self.buttons if b.enabled]
        return out

    def options(self, step: str | None = None) -> list[Option]:
        return [o for g in self.groups if step is None or g.step == step for o in g.options]

    def find(self, step: str, text: str) -> Action | None:
        """The enabled option of ``step`` whose label (or value) matches ``text``: exact first,
        then case-insensitive, then a prefix or substring."""
        opts = [o for o in self.options(step) if o.enabled and o.action is not None]
        want = text.strip().casefold()
        for test in (
            lambda o: o.label == text or (o.action is not None and o.action.value == text),
            lambda o: o.label.casefold() == want,
            lambda o: o.label.casefold().startswith(want),
            lambda o: want in f"{o.label} {o.sublabel}".casefold(),
        ):
            for o in opts:
                if test(o):
                    return o.action
        return None

    def first_choice(self) -> Action | None:
        """The first specific option (not "any"), else the first option, else the next button."""
        choices = [
            o.action
            for g in self.groups
            for o in g.options
            if o.enabled and o.action is not None and o.action.kind == "choose"
        ]
        for a in choices:
            if a.value != ANY_PRACTITIONER and not a.value.startswith(ANY_CLINIC_PREFIX):
                return a
        if choices:
            return choices[0]
        for b in self.buttons:
            if b.enabled and b.action.kind in ("submit", "confirm"):
                return b.action
        return None


@dataclass(frozen=True, slots=True)
class Choices:
    """The patient's path so far. Immutable: :func:`step` returns a new one."""

    picks: tuple[tuple[str, str], ...] = ()
    details: bool = False  # Personuppgifter filled in
    confirmed: bool = False
    login: Literal["", "eid", "sms"] = ""
    screen: Literal["book", "login", "bookings", "rebook", "cancel"] = "book"
    booking: str = ""  # the booking being rebooked / cancelled
    shown: int = PAGE_SIZE

    def pick(self, name: str) -> str | None:
        for k, v in self.picks:
            if k == name:
                return v
        return None

    def with_pick(self, name: str, value: str) -> Choices:
        picks = (*((k, v) for k, v in self.picks if k != name), (name, value))
        return replace(self, picks=picks, shown=PAGE_SIZE)


class InvalidAction(ValueError):
    """The action is not offered on the current page."""


# --- the catalogue index (built once per catalogue object) --------------------------------------

CpKey = tuple[str, str, str]  # database, clinic, practitioner
_SHOWN_TIMES = 4096  # OnlineTime objects an index keeps at most
_T = TypeVar("_T")


@dataclass(slots=True)
class _CpTimes:
    """One practitioner's free times at one clinic: the slice ``[lo, hi)`` of the index's
    columns (sorted by start), and per treatment id ("" = any treatment) the last weekday and
    the last weekend start (seconds; None: no such time)."""

    lo: int
    hi: int
    treatments: tuple[str, ...]  # shared by the keys with the same treatments
    last_weekday: tuple[int | None, ...]
    last_weekend: tuple[int | None, ...]

    def lasts(self) -> Iterator[tuple[str, int | None, int | None]]:
        return zip(self.treatments, self.last_weekday, self.last_weekend, strict=True)


@dataclass(slots=True)
class CatalogueIndex:
    """Look-ups for the engine, built once per catalogue.

    The online times are not copied as objects: ``starts``, ``rows`` and ``weekend`` are columns
    over every time, grouped by (database, clinic, practitioner) and sorted by start within a
    group; ``times[key]`` says where a group's slice is. ``rows`` are row numbers into
    ``catalogue.times``; an ``OnlineTime`` is made only for the few times a page shows
    (:meth:`time_at`)."""

    catalogue: Catalogue
    clinics: dict[tuple[str, str], CatalogueClinic]
    practitioners: dict[tuple[str, str], CataloguePractitioner]  # (db, pid): first row
    practitioner_at: dict[CpKey, CataloguePractitioner]
    treatments: dict[tuple[str, str], CatalogueTreatment]
    treatments_of: dict[str, list[CatalogueTreatment]]
    times: dict[CpKey, _CpTimes]
    starts: array[int]  # seconds since 1970 (naive UTC)
    rows: array[int]
    weekend: bytearray  # 1: Saturday or Sunday in Swedish time
    # The OnlineTime of a row, kept for the times pages show (a recompute shows the same ones).
    shown: dict[int, OnlineTime] = field(default_factory=dict)

    def time_at(self, row: int) -> OnlineTime:
        ot = self.shown.get(row)
        if ot is None:
            if len(self.shown) >= _SHOWN_TIMES:
                self.shown.clear()
            ot = self.shown[row] = self.catalogue.times.time_at(row)
        return ot

    def first_at(self, cp: _CpTimes, start: int) -> int | None:
        """The position of ``cp``'s first time starting at ``start`` (seconds), if any."""
        i = bisect.bisect_left(self.starts, start, cp.lo, cp.hi)
        return i if i < cp.hi and self.starts[i] == start else None


def _zone() -> tzinfo:
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("Europe/Stockholm")
    except Exception:  # no tz database
        return UTC


ZONE = _zone()
_EPOCH = datetime(1970, 1, 1)
_SECOND = timedelta(seconds=1)


def local(moment: datetime) -> datetime:
    """Naive UTC → naive Swedish local time."""
    return moment.replace(tzinfo=UTC).astimezone(ZONE).replace(tzinfo=None)


def _is_weekend(start: datetime) -> bool:
    # Sweden is UTC+1/+2: the local date differs from the UTC one only late in the UTC day.
    if start.hour < 22:
        return start.weekday() >= 5
    return local(start).weekday() >= 5


def _seconds(moment: datetime) -> int:
    """Naive UTC → whole seconds since 1970, rounded down (as ``OnlineTimes`` stores starts).
    An aware moment is taken in UTC."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return (moment - _EPOCH) // _SECOND


def _exact_seconds(moment: datetime) -> int | None:
    """Seconds since 1970 when ``moment`` is a whole second (it can then equal a stored start)."""
    if moment.tzinfo is not None or moment.microsecond:
        return None
    return _seconds(moment)


class _WeekendOf(dict[int, int]):
    """Start second → 1 on a Swedish Saturday or Sunday, computed once per distinct start."""

    def __missing__(self, start: int) -> int:
        value = self[start] = int(_is_weekend(_EPOCH + start * _SECOND))
        return value


_NOT = bytes.maketrans(b"\x00\x01", b"\x01\x00")


def build_index(catalogue: Catalogue) -> CatalogueIndex:
    practitioners: dict[tuple[str, str], CataloguePractitioner] = {}
    practitioner_at: dict[CpKey, CataloguePractitioner] = {}
    for p in catalogue.practitioners:
        practitioners.setdefault((p.database, p.practitioner_id), p)
        practitioner_at[(p.database, p.clinic_id, p.practitioner_id)] = p
    treatments_of: dict[str, list[CatalogueTreatment]] = {}
    for t in catalogue.treatments:
        treatments_of.setdefault(t.database, []).append(t)
    # Group the row numbers by (database, clinic, practitioner) codes: one pass, no objects.
    ot = catalogue.times
    by_codes: dict[tuple[int, int, int], array[int]] = {}
    get = by_codes.get
    codes_of_rows = zip(ot.database_codes, ot.clinic_codes, ot.practitioner_codes, strict=True)
    for row, codes in enumerate(codes_of_rows):
        rows = get(codes)
        if rows is None:
            rows = by_codes[codes] = array("I")
        rows.append(row)
    strings = ot.strings
    # The key as an OnlineTime gives it ("" for a missing id): two codes may meet in one key.
    by_key: dict[CpKey, array[int]] = {}
    for (db, cid, pid), rows in by_codes.items():
        key = (strings[db] or "", strings[cid] or "", strings[pid] or "")
        seen = by_key.get(key)
        by_key[key] = rows if seen is None else array("I", sorted(seen + rows))
    del by_codes
    builder = _IndexColumns(ot)
    times = {key: builder.add(rows) for key, rows in by_key.items()}
    return CatalogueIndex(
        catalogue=catalogue,
        clinics={(c.database, c.clinic_id): c for c in catalogue.clinics},
        practitioners=practitioners,
        practitioner_at=practitioner_at,
        treatments={(t.database, t.treatment_id): t for t in catalogue.treatments},
        treatments_of=treatments_of,
        times=times,
        starts=builder.starts,
        rows=builder.rows,
        weekend=builder.weekend,
    )


class _IndexColumns:
    """The index's columns, one group of rows at a time."""

    def __init__(self, times: OnlineTimes) -> None:
        self.times = times
        self.treatment_ids = [s or "" for s in times.strings]  # by code ("" = any)
        # Exactly one entry per time: the groups fill the columns one slice after another.
        n = len(times)
        self.starts = array("q", [0]) * n
        self.rows = array("I", [0]) * n
        self.weekend = bytearray(n)
        self.filled = 0
        self.weekend_of = _WeekendOf()
        self.shared: dict[object, object] = {}  # equal tuples and ints stored once

    def add(self, rows: Sequence[int]) -> _CpTimes:
        """One key's rows (ascending) → its slice sorted by start (ties keep catalogue order)."""
        all_starts = self.times.starts
        order = sorted(rows, key=all_starts.__getitem__)
        starts = array("q", map(all_starts.__getitem__, order))
        weekend = bytearray(map(self.weekend_of.__getitem__, starts))
        lo, hi = self.filled, self.filled + len(order)
        self.rows[lo:hi] = array("I", order)
        self.starts[lo:hi] = starts
        self.weekend[lo:hi] = weekend
        self.filled = hi
        codes = self.times.treatment_codes
        tids = list(map(self.treatment_ids.__getitem__, map(codes.__getitem__, order)))
        # Sorted by start: dict() keeps each treatment's last (latest) start.
        if any(weekend):
            weekday = weekend.translate(_NOT)
            wd = dict(zip(compress(tids, weekday), compress(starts, weekday), strict=True))
            we = dict(zip(compress(tids, weekend), compress(starts, weekend), strict=True))
        else:
            wd, we = dict(zip(tids, starts, strict=True)), {}
        treatments = tuple(dict.fromkeys([*wd, *we]))
        return _CpTimes(
            lo,
            hi,
            self._shared(treatments),
            self._shared(tuple(self._shared(wd.get(t)) for t in treatments)),
            self._shared(tuple(self._shared(we.get(t)) for t in treatments)),
        )

    def _shared(self, value: _T) -> _T:
        return self.shared.setdefault(value, value)  # type: ignore[return-value]


_INDEXES: dict[int, CatalogueIndex] = {}


def index_ready(catalogue: Catalogue) -> bool:
    """Is the index of ``catalogue`` built already (so a page costs no index build)?"""
    idx = _INDEXES.get(id(catalogue))
    return idx is not None and idx.catalogue is catalogue


def catalogue_index(catalogue: Catalogue) -> CatalogueIndex:
    """The index of ``catalogue``, built on first use and kept for the few latest catalogues."""
    idx = _INDEXES.get(id(catalogue))
    if idx is not None and idx.catalogue is catalogue:
        return idx
    idx = build_index(catalogue)
    if len(_INDEXES) >= 4:
        _INDEXES.pop(next(iter(_INDEXES)))
    _INDEXES[id(catalogue)] = idx
    return idx


# --- the configuration as the engine sees it ----------------------------------------------------


@dataclass(slots=True)
class _Ctx:
    config: WebConfiguration
    idx: CatalogueIndex
    now: datetime
    weekend: bool
    clinics: list[PublishedClinic]
    consents: dict[tuple[str, str, str], tuple[bool, bool]] | None = None
    # ``now`` in the index's terms: a start (whole seconds) is after now iff it is > now_s.
    now_s: int = field(init=False)

    def __post_init__(self) -> None:
        self.now_s = _seconds(self.now)

    def web_treatment(self, db: str, tid: str) -> CatalogueTreatment | None:
        t = self.idx.treatments.get((db, tid))
        return t if t is not None and t.create_in_web else None

    def available(self, db: str, cid: str, pid: str, tid: str | None) -> bool:
        """Has this practitioner a free time at this clinic (for this treatment, or any web
        treatment when ``tid`` is None) after now, on the days the page offers?"""
        cp = self.idx.times.get((db, cid, pid))
        if cp is None:
            return False
        now, weekend = self.now_s, self.weekend
        for key, wd, we in cp.lasts():
            if tid is None:
                if key and self.web_treatment(db, key) is None:
                    continue
            elif key not in ("", tid):
                continue
            if (wd is not None and wd > now) or (weekend and we is not None and we > now):
                return True
        return False

    def treatments_available(self, db: str, cid: str, pid: str) -> set[str] | None:
        """The treatments this practitioner has free times for at this clinic; None when a
        free time is for any treatment."""
        cp = self.idx.times.get((db, cid, pid))
        out: set[str] = set()
        if cp is None:
            return out
        now, weekend = self.now_s, self.weekend
        for key, wd, we in cp.lasts():
            if (wd is not None and wd > now) or (weekend and we is not None and we > now):
                if not key:
                    return None
                out.add(key)
        return out

    def practitioner_ok(self, db: str, cid: str, pid: str) -> bool:
        p = self.idx.practitioner_at.get((db, cid, pid)) or self.idx.practitioners.get((db, pid))
        return p is not None and p.active


def _clinic_value(c: PublishedClinic) -> str:
    return f"{c.database}\x1f{c.clinic_id}"


def _split(value: str, n: int) -> tuple[str, ...]:
    parts = tuple(value.split("\x1f"))
    return parts if len(parts) == n else tuple([""] * n)


def _practitioner_value(db: str, pid: str) -> str:
    return f"{db}\x1f{pid}"


def _treatment_value(t: CatalogueTreatment) -> str:
    return f"{t.database}\x1f{t.treatment_id}"


def _time_value(ot: OnlineTime) -> str:
    return "\x1f".join(
        (ot.database, ot.clinic_id, ot.practitioner_id, ot.start.isoformat(), ot.treatment_id or "")
    )


@dataclass(slots=True)
class _Constraints:
    clinics: list[PublishedClinic]  # candidate clinics
    practitioner: tuple[str, str] | None  # (db, pid)
    treatment: tuple[str, str] | None  # (db, tid)
    time: OnlineTime | None


def _constraints(ctx: _Ctx, choices: Choices, skip: str = "") -> _Constraints:
    """What the picks other than ``skip`` leave open."""
    clinics = ctx.clinics
    practitioner = treatment = None
    time_pick: OnlineTime | None = None
    for name, value in choices.picks:
        if name == skip:
            continue
        if name == CLINIC:
            if value.startswith(ANY_CLINIC_PREFIX):
                group = value[len(ANY_CLINIC_PREFIX) :]
                clinics = [c for c in clinics if c.group.strip() == group]
            else:
                clinics = [c for c in clinics if _clinic_value(c) == value]
        elif name == PRACTITIONER and value != ANY_PRACTITIONER:
            db, pid = _split(value, 2)
            practitioner = (db, pid)
        elif name == TREATMENT:
            db, tid = _split(value, 2)
            treatment = (db, tid)
        elif name == TIME:
            time_pick = _find_time(ctx, value)
    if time_pick is not None and skip != TIME:
        t = time_pick
        clinics = [c for c in clinics if (c.database, c.clinic_id) == (t.database, t.clinic_id)]
        practitioner = (t.database, t.practitioner_id)
        if t.treatment_id and treatment is None:
            treatment = (t.database, t.treatment_id)
    return _Constraints(clinics, practitioner, treatment, time_pick)


def _find_time(ctx: _Ctx, value: str) -> OnlineTime | None:
    db, cid, pid, iso, _tid = _split(value, 5)
    cp = ctx.idx.times.get((db, cid, pid))
    if cp is None:
        return None
    try:
        start = _exact_seconds(datetime.fromisoformat(iso))
    except ValueError:
        return None
    if start is None:
        return None
    idx = ctx.idx
    i = idx.first_at(cp, start)
    while i is not None and i < cp.hi and idx.starts[i] == start:
        ot = idx.time_at(idx.rows[i])
        if _time_value(ot) == value:
            return ot
        i += 1
    return None


def _pairs(
    ctx: _Ctx, cons: _Constraints
) -> Iterable[tuple[PublishedClinic, PublishedPractitioner]]:
    for c in cons.clinics:
        if cons.treatment is not None and cons.treatment[0] != c.database:
            continue
        for p in c.practitioners:
            if cons.practitioner is not None and cons.practitioner != (
                c.database,
                p.practitioner_id,
            ):
                continue
            yield c, p


def _pair_ok(ctx: _Ctx, c: PublishedClinic, p: PublishedPractitioner, tid: str | None) -> bool:
    return ctx.practitioner_ok(c.database, c.clinic_id, p.practitioner_id) and ctx.available(
        c.database, c.clinic_id, p.practitioner_id, tid
    )


# --- texts and formatting ------------------------------------------------------------------------

WEEKDAYS = ("Måndag", "Tisdag", "Onsdag", "Torsdag", "Fredag", "Lördag", "Söndag")
MONTHS = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)


def ordinal(day: int) -> str:
    """Swedish ordinal: 1:a, 2:a, 3:e … 21:a, 22:a, 23:e, 31:a."""
    return f"{day}:{'a' if day % 10 in (1, 2) and day not in (11, 12) else 'e'}"


def day_label(moment: datetime) -> str:
    """``Onsdag 1:a april`` (local time), as the booking page writes it."""
    return f"{WEEKDAYS[moment.weekday()]} {ordinal(moment.day)} {MONTHS[moment.month - 1]}"


def time_range(start: datetime, minutes: int) -> str:
    """``8:00 - 8:30`` as on the booking page."""
    end = start + timedelta(minutes=minutes)
    return f"{start.hour}:{start:%M} - {end.hour}:{end:%M}"


SAMPLE_PATIENT = {
    "first_name": "Maria",
    "last_name": "Martinsson",
    "personal_number": "19361211-0402",
    "email": "maria.martinsson@example.se",
    "mobile": "0708987654",
    "address1": "Trastvägen 12",
    "address2": "",
    "postcode": "10355",
    "city": "STOCKHOLM",
    "campaign_code": "1234",
    "message": "Jag kommer gärna på förmiddagen.",
}
PERSONAL_NUMBER_HELP = "Ange ditt tolvsiffriga personnummer med bindestreck (ÅÅÅÅMMDD-XXXX)."


def _deviation(custom: str, standard: str) -> str:
    return custom.strip() or standard


def _practitioner_name(ctx: _Ctx, db: str, cid: str, p: PublishedPractitioner) -> str:
    if p.name:
        return p.name
    cat = ctx.idx.practitioner_at.get((db, cid, p.practitioner_id)) or ctx.idx.practitioners.get(
        (db, p.practitioner_id)
    )
    return cat.name if cat is not None else p.practitioner_id


def _practitioner_title(ctx: _Ctx, db: str, cid: str, p: PublishedPractitioner) -> str:
    if p.title:
        return p.title
    cat = ctx.idx.practitioner_at.get((db, cid, p.practitioner_id)) or ctx.idx.practitioners.get(
        (db, p.practitioner_id)
    )
    return cat.title if cat is not None else ""


def _consented(ctx: _Ctx, db: str, pid: str, clinic_ids: Sequence[str]) -> tuple[bool, bool]:
    """(photo, title) consent: at every clinic the practitioner is shown for."""
    if not clinic_ids:
        return False, False
    if ctx.consents is None:
        ctx.consents = {
            (c.database, c.practitioner_id, c.clinic_id): (c.photo, c.title)
            for c in ctx.config.practitioners.consents
        }
    photo = title = True
    for cid in clinic_ids:
        has_photo, has_title = ctx.consents.get((db, pid, cid), (False, False))
        photo = photo and has_photo
        title = title and has_title
    return photo, title


def _clinic_name(ctx: _Ctx, c: PublishedClinic) -> str:
    cat = ctx.idx.clinics.get((c.database, c.clinic_id))
    return c.name or (cat.name if cat else c.clinic_id)


# --- pages ---------------------------------------------------------------------------------------


def _order(config: WebConfiguration) -> tuple[str, ...]:
    """The step order. A draft may hold an order the rules refuse (a step twice): the page
    then keeps each step's first place and puts the missing ones last."""
    steps = config.flexibility.steps
    order: Sequence[StepKind | str] = MERGED_ORDER if steps.merged_view else steps.order
    names = [k.value if isinstance(k, StepKind) else str(k) for k in order]
    seen = [n for n in dict.fromkeys(names) if n in STEP_NAMES]
    return (*seen, *(n for n in STEP_NAMES if n not in seen))


def order_is_valid(config: WebConfiguration) -> bool:
    steps = config.flexibility.steps
    if steps.merged_view:
        return tuple(steps.order) == MERGED_ORDER
    return tuple(k.value if isinstance(k, StepKind) else k for k in steps.order) == _order(config)


def page_plan(config: WebConfiguration) -> tuple[tuple[str, ...], ...]:
    """The pages of a new booking, each as the steps it holds."""
    order = _order(config)
    if config.flexibility.steps.merged_view:
        return ((CLINIC,), (TREATMENT, PRACTITIONER), (TIME, DETAILS), (CONFIRM,))
    return (*((s,) for s in order), (DETAILS,), (CONFIRM,))


def _crumb_label(steps: tuple[str, ...]) -> str:
    return " & ".join(CRUMB_LABELS[s] for s in steps)


def _done(choices: Choices, s: str) -> bool:
    if s == DETAILS:
        return choices.details
    if s == CONFIRM:
        return choices.confirmed
    return choices.pick(s) is not None


def _header(config: WebConfiguration, choices: Choices) -> tuple[Button, ...]:
    g = config.flexibility.general
    if choices.login:
        out = []
        if g.show_bookings:
            out.append(Button("Mina bokningar", Action("bookings")))
        out.append(Button("Logga ut", Action("logout")))
        return tuple(out)
    if g.login_enabled:
        return (Button("Logga in", Action("login_page")),)
    return ()


def page(
    config: WebConfiguration,
    catalogue: Catalogue | None,
    choices: Choices | None = None,
    now: datetime | None = None,
) -> Page:
    """The page the patient sees now. Never raises for a valid configuration: what cannot be
    shown becomes a notice."""
    inner = _page(config, catalogue, choices or Choices(), now)
    g = config.flexibility.general
    media = config.media
    return replace(
        inner,
        address=config.subdomain.address,
        colour=media.branding.colour,
        logo=media.branding.logo,
        analytics=bool(config.advanced.analytics_script.strip()),
        published_on=tuple(
            name
            for name, on in (
                ("Opus Dental Online", g.publish_opus_online),
                ("Boka Vård", g.publish_boka_vard),
            )
            if on
        ),
    )


def _page(
    config: WebConfiguration,
    catalogue: Catalogue | None,
    choices: Choices,
    now: datetime | None,
) -> Page:
    cat = catalogue or Catalogue(source="demo", fetched_at=None)
    when = now or cat.fetched_at or datetime(2000, 1, 1)
    g = config.flexibility.general
    ctx = _Ctx(
        config=config,
        idx=catalogue_index(cat),
        now=when,
        weekend=g.weekend_booking,
        clinics=list(config.clinics.published),
    )
    devs = config.media.deviations
    if g.maintenance_mode:
        return Page(
            kind="maintenance",
            heading="Underhåll",
            notices=(
                TextBlock(
                    "Aktivering av Underhållsläge",
                    _deviation(devs.maintenance, standard_texts.MAINTENANCE),
                    "notice",
                ),
            ),
        )
    if not g.publish_opus_online:
        return Page(
            kind="not_published",
            heading="Bokningssidan är inte publicerad",
            notices=(
                TextBlock(
                    "Inaktivering av Publicera på 'Opus Dental Online'",
                    _deviation(devs.not_published, standard_texts.NOT_PUBLISHED),
                    "notice",
                ),
            ),
        )
    if choices.screen == "login" and not choices.login:
        return _login_page(config, choices)
    if choices.login and choices.screen in ("bookings", "rebook", "cancel"):
        return _logged_in_page(ctx, choices)
    return _booking_page(ctx, choices)


def _login_page(config: WebConfiguration, choices: Choices) -> Page:
    g = config.flexibility.general
    options = [
        Option(
            "BankID (e-legitimation)",
            Action("login", value="eid"),
            sublabel="Logga in med e-legitimation",
        )
    ]
    if g.sms_login:
        options.append(
            Option(
                "SMS-kod",
                Action("login", value="sms"),
                sublabel="Endast för befintliga patienter",
            )
        )
    notices: tuple[TextBlock, ...] = ()
    if not g.login_enabled:
        options = []
        notices = (TextBlock("", "Inloggning är inte aktiverad.", "notice"),)
    return Page(
        kind="login",
        heading="Logga in",
        groups=(OptionGroup("Välj inloggningssätt", tuple(options), step="login"),),
        notices=notices,
        buttons=(Button("Tillbaka", BACK),),
    )


def _booking_page(ctx: _Ctx, choices: Choices) -> Page:
    config = ctx.config
    g = config.flexibility.general
    header = _header(config, choices)
    devs = config.media.deviations
    if choices.confirmed:
        return _done_page(ctx, choices, header)
    if not config.flexibility.booking.new_booking:
        return Page(
            kind="new_booking_disabled",
            heading="Ny bokning",
            header_buttons=header,
            notices=(
                TextBlock(
                    "Inaktivering av Ny bokning",
                    _deviation(devs.new_booking_disabled, standard_texts.NEW_BOOKING_DISABLED),
                    "notice",
                ),
            ),
        )
    if g.new_booking_requires_login and choices.login != "eid":
        text = "Ny bokning kräver inloggning med e-legitimation."
        if not g.login_enabled:
            text += " Inloggning är inte aktiverad, så ingen kan boka en ny tid."
        elif choices.login == "sms":
            text += " Inloggning med SMS räcker inte."
        return Page(
            kind="login_required",
            heading="Logga in för att boka",
            header_buttons=header,
            notices=(TextBlock("Ny bokning kräver inloggning", text, "notice"),),
        )

    plan = page_plan(config)
    current = next(
        (i for i, steps in enumerate(plan) if not all(_done(choices, s) for s in steps)),
        len(plan) - 1,
    )
    crumbs = tuple(
        Crumb(
            _crumb_label(steps),
            "current" if i == current else ("done" if i < current else "todo"),
        )
        for i, steps in enumerate(plan)
    )
    steps = plan[current]
    texts: list[TextBlock] = []
    notices: list[TextBlock] = []
    if current == 0:
        welcome = config.media.texts.welcome_text.strip()
        # The page's own heading, unless the clinic's text already starts with it.
        heading = "" if welcome.casefold().startswith("välkommen") else "Välkommen!"
        texts.append(TextBlock(heading, welcome))
    if current == 0 and not order_is_valid(config):
        notices.append(
            TextBlock(
                "Ogiltig stegordning",
                "Bokningsstegen måste vara en ordning av Klinik, Behandlare, Behandling och Tid "
                "där varje steg förekommer en gång; förhandsvisningen visar "
                + ", ".join(CRUMB_LABELS[s] for s in _order(config))
                + ".",
                "notice",
            )
        )
    if choices.login and not g.show_bookings:
        notices.append(
            TextBlock("", "Visning av bokningar är inte aktiverad: bokningarna listas inte.")
        )
    groups: list[OptionGroup] = []
    fields: list[FormField] = []
    buttons: list[Button] = []
    effects: tuple[TextBlock, ...] = ()
    confirm_method = ""
    merged = len(steps) > 1
    for s in steps:
        if s == CLINIC:
            groups += _clinic_groups(ctx, choices)
        elif s == TREATMENT:
            texts.append(_clinic_text(ctx, choices))
            groups += _titled(_treatment_groups(ctx, choices), s, merged)
        elif s == PRACTITIONER:
            groups += _titled(_practitioner_groups(ctx, choices), s, merged)
        elif s == TIME:
            groups += _time_groups(ctx, choices)
        elif s == DETAILS:
            fields += _detail_fields(config, choices)
            texts.append(_patient_info(config))
            ready = all(_done(choices, x) for x in STEP_NAMES)
            buttons.append(
                Button(
                    "Nästa",
                    Action("submit"),
                    enabled=ready,
                    reason="" if ready else "Välj först en tid",
                )
            )
        elif s == CONFIRM:
            effects, confirm_method, extra = _confirm_parts(ctx, choices)
            notices += extra
            buttons.append(Button("Bekräfta bokning", Action("confirm")))
    if not any(o.enabled for grp in groups for o in grp.options) and steps[0] in STEP_NAMES:
        notices.append(TextBlock("", _nothing_to_choose(ctx, steps[0]), "notice"))
    if choices.picks or choices.details:
        buttons.append(Button("Tillbaka", BACK))
    return Page(
        kind=steps[-1] if steps != (TIME, DETAILS) else TIME,
        heading=_crumb_label(steps) if merged else STEP_HEADINGS[steps[0]],
        breadcrumb=crumbs,
        header_buttons=header,
        texts=tuple(t for t in texts if t.heading or t.body),
        groups=tuple(groups),
        fields=tuple(fields),
        notices=tuple(notices),
        buttons=tuple(buttons),
        summary=_summary(ctx, choices),
        effects=effects,
        confirm_method=confirm_method,
    )


def _titled(groups: list[OptionGroup], s: str, merged: bool) -> list[OptionGroup]:
    """On a merged page each step's options come under the step's own heading."""
    if not merged or not groups or groups[0].heading:
        return groups
    return [replace(groups[0], heading=STEP_HEADINGS[s]), *groups[1:]]


def _nothing_to_choose(ctx: _Ctx, s: str) -> str:
    if not ctx.clinics:
        return "Inga kliniker är tillagda (Kliniker › Tillagda behandlare): inget kan bokas."
    if s == TIME:
        extra = "" if ctx.weekend else " Helgbokning är inte aktiverad."
        return "Det finns inga lediga tider för dina val." + extra
    return "Det finns inget att välja med dina val: inga lediga tider."


def _more(choices: Choices, total: int, s: str) -> OptionGroup | None:
    if total <= choices.shown:
        return None
    return OptionGroup(
        "",
        (
            Option(
                f"Visa fler ({total - choices.shown} till)",
                Action("more", step=s),
            ),
        ),
        step="more",
    )


def _clinic_groups(ctx: _Ctx, choices: Choices) -> list[OptionGroup]:
    cons = _constraints(ctx, choices, skip=CLINIC)
    general = ctx.config.flexibility.general
    chosen = choices.pick(CLINIC)
    # The clinic choice can only narrow to the clinics the other picks allow.
    allowed = [
        c
        for c in ctx.clinics
        if (cons.treatment is None or cons.treatment[0] == c.database)
        and (
            cons.practitioner is None
            or (
                cons.practitioner[0] == c.database
                and any(p.practitioner_id == cons.practitioner[1] for p in c.practitioners)
            )
        )
        and (
            cons.time is None
            or (c.database, c.clinic_id) == (cons.time.database, cons.time.clinic_id)
        )
    ]
    by_group: dict[str, list[PublishedClinic]] = {}
    for c in allowed:
        by_group.setdefault(c.group.strip(), []).append(c)
    named = [x for x in by_group if x]
    ordered = named + ([""] if "" in by_group else [])
    tid = cons.treatment[1] if cons.treatment else None
    out: list[OptionGroup] = []
    budget = choices.shown
    total = 0
    for grp in ordered:
        members = by_group[grp]
        total += len(members)
        if budget <= 0:
            continue
        options: list[Option] = []
        if general.any_clinic and members:
            value = ANY_CLINIC_PREFIX + grp
            ok = cons.time is not None or any(
                _pair_ok(ctx, c, p, tid) for c, p in _pairs(ctx, replace(cons, clinics=members))
            )
            place = f" i {grp}" if grp else ""
            options.append(
                Option(
                    f"Vilken som helst: {grp}" if grp else "Vilken klinik som helst",
                    Action("choose", CLINIC, value),
                    sublabel=f"Sök lediga tider från alla kliniker{place}",
                    enabled=ok,
                    reason="" if ok else "Inga lediga tider",
                    selected=chosen == value,
                )
            )
        for c in members[:budget]:
            options.append(_clinic_option(ctx, c, cons, tid, chosen))
        budget -= len(members)
        heading = grp or (standard_texts.UNGROUPED_CLINICS_HEADING if named else "")
        out.append(OptionGroup(heading, tuple(options), step=CLINIC))
    more = _more(choices, total, CLINIC)
    if more:
        out.append(more)
    return out


def _clinic_option(
    ctx: _Ctx, c: PublishedClinic, cons: _Constraints, tid: str | None, chosen: str | None
) -> Option:
    cat = ctx.idx.clinics.get((c.database, c.clinic_id))
    name = _clinic_name(ctx, c)
    value = _clinic_value(c)
    lines: list[str] = []
    if cat is not None and (cat.address or cat.city):
        lines.append(", ".join(x for x in (cat.address, cat.city) if x))
    active = [
        p
        for p in c.practitioners
        if ctx.practitioner_ok(c.database, c.clinic_id, p.practitioner_id)
    ]
    if active:
        names = []
        for p in active[:CARD_PRACTITIONERS]:
            _photo, title_ok = _consented(ctx, c.database, p.practitioner_id, [c.clinic_id])
            title = _practitioner_title(ctx, c.database, c.clinic_id, p) if title_ok else ""
            who = _practitioner_name(ctx, c.database, c.clinic_id, p)
            names.append(who + (f" – {title}" if title else ""))
        more = len(active) - CARD_PRACTITIONERS
        lines.append(
            "Våra behandlare: " + ", ".join(names) + (f" … och {more} till" if more > 0 else "")
        )
    reason = ""
    if cat is None:
        reason = "Finns inte i Opus-databasen"
    elif not c.practitioners:
        reason = "Inga tillagda behandlare"
    elif cons.time is None and not any(
        _pair_ok(ctx, c, p, tid) for _c, p in _pairs(ctx, replace(cons, clinics=[c]))
    ):
        reason = "Inga lediga tider"
    return Option(
        name,
        Action("choose", CLINIC, value),
        sublabel=cat.phone if cat else "",
        lines=tuple(lines),
        enabled=not reason,
        reason=reason,
        selected=chosen == value,
    )


def _clinic_text(ctx: _Ctx, choices: Choices) -> TextBlock:
    texts = ctx.config.media.clinic_texts
    chosen = choices.pick(CLINIC)
    if chosen and not chosen.startswith(ANY_CLINIC_PREFIX):
        db, cid = _split(chosen, 2)
        head, body = texts.for_clinic(db, cid)
    else:
        head, body = texts.header, texts.body
    return TextBlock(head.strip(), body.strip(), "info")


def _treatment_groups(ctx: _Ctx, choices: Choices) -> list[OptionGroup]:
    cons = _constraints(ctx, choices, skip=TREATMENT)
    chosen = choices.pick(TREATMENT)
    dbs = list(dict.fromkeys(c.database for c in cons.clinics))
    if cons.practitioner is not None:
        dbs = [d for d in dbs if d == cons.practitioner[0]]
    options: list[Option] = []
    # Which web treatments have a free time with some open clinic and practitioner: one pass
    # over the pairs, stopping once every treatment is found.
    web = {
        db: {t.treatment_id for t in ctx.idx.treatments_of.get(db, []) if t.create_in_web}
        for db in dbs
    }
    found: dict[str, set[str]] = {db: set() for db in dbs}
    missing = sum(len(v) for v in web.values())
    if cons.time is None:
        for c, p in _pairs(ctx, cons):
            if missing == 0:
                break
            have = found.get(c.database)
            if have is None or not ctx.practitioner_ok(c.database, c.clinic_id, p.practitioner_id):
                continue
            new = ctx.treatments_available(c.database, c.clinic_id, p.practitioner_id)
            new = (web[c.database] if new is None else new & web[c.database]) - have
            have |= new
            missing -= len(new)
    for db in dbs:
        for t in ctx.idx.treatments_of.get(db, []):
            if not t.create_in_web:
                continue
            if cons.time is not None and cons.time.treatment_id not in (None, t.treatment_id):
                continue
            ok = cons.time is not None or t.treatment_id in found[db]
            value = _treatment_value(t)
            options.append(
                Option(
                    t.name,
                    Action("choose", TREATMENT, value),
                    sublabel=f"{t.duration_minutes} min",
                    lines=(t.description,) if t.description else (),
                    enabled=ok,
                    reason="" if ok else "Inga lediga tider",
                    selected=chosen == value,
                )
            )
    total = len(options)
    out = [OptionGroup("", tuple(options[: choices.shown]), step=TREATMENT)]
    more = _more(choices, total, TREATMENT)
    if more:
        out.append(more)
    return out


def _practitioner_groups(ctx: _Ctx, choices: Choices) -> list[OptionGroup]:
    cons = _constraints(ctx, choices, skip=PRACTITIONER)
    general = ctx.config.flexibility.general
    chosen = choices.pick(PRACTITIONER)
    tid = cons.treatment[1] if cons.treatment else None
    seen: dict[tuple[str, str], list[PublishedClinic]] = {}
    entries: list[tuple[PublishedClinic, PublishedPractitioner]] = []
    for c, p in _pairs(ctx, replace(cons, practitioner=None)):
        key = (c.database, p.practitioner_id)
        if key not in seen:
            seen[key] = []
            entries.append((c, p))
        seen[key].append(c)
    options: list[Option] = []
    any_ok = False
    for c, p in entries[: choices.shown]:
        key = (c.database, p.practitioner_id)
        at = seen[key]
        value = _practitioner_value(*key)
        if cons.time is not None:
            ok = key == (cons.time.database, cons.time.practitioner_id)
        else:
            ok = any(_pair_ok(ctx, cc, p, tid) for cc in at)
        any_ok = any_ok or ok
        photo_ok, title_ok = _consented(
            ctx, c.database, p.practitioner_id, [x.clinic_id for x in at]
        )
        profile = ctx.config.practitioners.profile(c.database, p.practitioner_id)
        title = _practitioner_title(ctx, c.database, c.clinic_id, p) if title_ok else ""
        lines = (profile.text,) if profile is not None and profile.text else ()
        photo = profile.photo if (photo_ok and profile is not None and profile.photo) else None
        reason = ""
        if not ok:
            reason = (
                "Inaktiv i Opus"
                if not ctx.practitioner_ok(c.database, c.clinic_id, p.practitioner_id)
                else "Inga lediga tider"
            )
        options.append(
            Option(
                _practitioner_name(ctx, c.database, c.clinic_id, p),
                Action("choose", PRACTITIONER, value),
                sublabel=title,
                lines=lines,
                photo=photo,
                enabled=ok,
                reason=reason,
                selected=chosen == value,
            )
        )
    if not any_ok and len(entries) > choices.shown:
        any_ok = any(_pair_ok(ctx, cc, p, tid) for cc, p in entries[choices.shown :])
    if general.any_practitioner and entries:
        options.insert(
            0,
            Option(
                "Vilken behandlare som helst",
                Action("choose", PRACTITIONER, ANY_PRACTITIONER),
                sublabel="Sök lediga tider hos alla behandlare",
                enabled=any_ok,
                reason="" if any_ok else "Inga lediga tider",
                selected=chosen == ANY_PRACTITIONER,
            ),
        )
    out = [OptionGroup("", tuple(options), step=PRACTITIONER)]
    more = _more(choices, len(entries), PRACTITIONER)
    if more:
        out.append(more)
    return out


def _candidate_times(
    ctx: _Ctx, cons: _Constraints, limit: int, exclude: datetime | None = None
) -> tuple[list[OnlineTime], bool]:
    """The earliest ``limit`` free times for the open choices, within ``TIME_DAYS`` days of the
    first free day, and whether there are more. Each practitioner's times are sorted, so the
    search stops at the ``limit``-th earliest time found so far. The search reads the index's
    columns; only the times returned become ``OnlineTime`` objects."""
    tid = cons.treatment[1] if cons.treatment else None
    now, weekend = ctx.now_s, ctx.weekend
    skip = -1 if exclude is None else _exact_seconds(exclude)  # -1: no start is excluded
    times = ctx.idx.catalogue.times
    strings, treatment_codes = times.strings, times.treatment_codes
    # database -> treatment code -> may a time for it be offered (None: not asked yet)
    offered_in: dict[str, list[bool | None]] = {}
    offered_db: str | None = None
    offered: list[bool | None] = []
    want = limit + 1  # one more tells whether "Visa fler" is needed
    found: list[tuple[int, str, str, int]] = []  # (start, clinic, practitioner, row)
    bound = _NEVER  # no time after this can be among the earliest
    seen_pairs: set[CpKey] = set()
    idx, after = ctx.idx, bisect.bisect_right
    starts, rows, weekends = idx.starts, idx.rows, idx.weekend
    times_of, practitioner_at, practitioner = (
        idx.times.get,
        idx.practitioner_at.get,
        idx.practitioners.get,
    )
    for c, p in _pairs(ctx, cons):
        key = (c.database, c.clinic_id, p.practitioner_id)
        if key in seen_pairs:
            continue
        db, cid, pid = key
        known = practitioner_at(key) or practitioner((db, pid))  # as ctx.practitioner_ok
        if known is None or not known.active:
            continue
        seen_pairs.add(key)
        cp = times_of(key)
        if cp is None:
            continue
        if db is not offered_db:
            offered_db = db
            offered = offered_in.setdefault(db, [None] * len(strings))
        n = cp.hi
        # Times are usually fetched from today on: then all of them are still ahead.
        i = cp.lo if starts[cp.lo] > now else after(starts, now, cp.lo, n)
        taken = 0
        while i < n and taken < want:
            start = starts[i]
            if start > bound:
                break
            i += 1
            if not weekend and weekends[i - 1]:
                continue
            row = rows[i - 1]
            code = treatment_codes[row]
            ok = offered[code]
            if ok is None:
                ok = offered[code] = _offered(ctx, db, strings[code], tid)
            if not ok or start == skip:
                continue
            found.append((start, cid, pid, row))
            taken += 1
        if len(found) >= 4 * want:
            found.sort(key=_time_order)
            del found[want:]
            bound = found[-1][0]
    found.sort(key=_time_order)
    # Sorted by start, the window below keeps a prefix: ``want`` are enough to decide.
    shown = [ctx.idx.time_at(row) for *_, row in found[:want]]
    if shown:
        first = shown[0].start
        first_day = local(first).replace(hour=0, minute=0, second=0, microsecond=0)
        # Back to UTC: the window ends at local midnight after TIME_DAYS days.
        cutoff = first + (first_day + timedelta(days=TIME_DAYS) - local(first))
        shown = [t for t in shown if t.start < cutoff]
    return shown[:limit], len(shown) > limit


_time_order = itemgetter(0, 1, 2)  # start, clinic, practitioner
_NEVER = 1 << 62  # seconds: later than any start


def _offered(ctx: _Ctx, db: str, treatment_id: str | None, tid: str | None) -> bool:
    """May a time for ``treatment_id`` ("" or None: any treatment) be offered when the patient
    chose treatment ``tid`` (None: not yet, then it must be bookable on the web)?"""
    if not treatment_id:
        return True
    if tid is not None:
        return treatment_id == tid
    return ctx.web_treatment(db, treatment_id) is not None


def _time_groups(ctx: _Ctx, choices: Choices, exclude: datetime | None = None) -> list[OptionGroup]:
    cons = _constraints(ctx, choices, skip=TIME)
    chosen = choices.pick(TIME)
    shown, more_times = _candidate_times(ctx, cons, min(choices.shown, TIME_MAX), exclude)
    several = len({(t.clinic_id, t.practitioner_id) for t in shown}) > 1 or (
        cons.practitioner is None or len(cons.clinics) > 1
    )
    groups: list[OptionGroup] = []
    current_day = ""
    options: list[Option] = []
    for ot in shown:
        start = local(ot.start)
        day = day_label(start)
        if day != current_day:
            if options:
                groups.append(OptionGroup(current_day, tuple(options), step=TIME))
            current_day, options = day, []
        t = ctx.idx.treatments.get((ot.database, ot.treatment_id or ""))
        minutes = (
            t.duration_minutes
            if t is not None
            else max(1, int((ot.end - ot.start).total_seconds() // 60))
        )
        sub = ""
        if several:
            p = ctx.idx.practitioner_at.get((ot.database, ot.clinic_id, ot.practitioner_id))
            c = ctx.idx.clinics.get((ot.database, ot.clinic_id))
            sub = ", ".join(x for x in (p.name if p else "", c.name if c else "") if x)
        value = _time_value(ot)
        options.append(
            Option(
                time_range(start, minutes),
                Action("choose", TIME, value),
                sublabel=sub,
                selected=chosen == value,
            )
        )
    if options:
        groups.append(OptionGroup(current_day, tuple(options), step=TIME))
    if more_times and len(shown) < TIME_MAX:
        groups.append(
            OptionGroup("", (Option("Visa fler tider", Action("more", step=TIME)),), step="more")
        )
    if not groups:
        groups.append(OptionGroup("", (), step=TIME))
    return groups


def _detail_fields(config: WebConfiguration, choices: Choices) -> list[FormField]:
    reg = config.flexibility.registration
    s = SAMPLE_PATIENT
    out = [
        FormField("Förnamn", True, s["first_name"], section="Personuppgifter"),
        FormField("Efternamn", True, s["last_name"], section="Personuppgifter"),
        FormField(
            "Personnummer",
            True,
            s["personal_number"],
            PERSONAL_NUMBER_HELP,
            section="Personuppgifter",
        ),
    ]
    if reg.address1:
        out.append(FormField("Adress 1", False, s["address1"], section="Personuppgifter"))
    if reg.address2:
        out.append(FormField("Adress 2", False, s["address2"], section="Personuppgifter"))
    if reg.postcode:
        out.append(FormField("Postnummer", False, s["postcode"], section="Personuppgifter"))
        out.append(FormField("Ort", False, s["city"], section="Personuppgifter"))
    if config.flexibility.general.user_message:
        out.append(FormField("Meddelande", False, s["message"], section="Personuppgifter"))
    if reg.email:
        out.append(FormField("E-postadress", True, s["email"], section="Kontaktuppgifter"))
    if reg.mobile:
        out.append(FormField("Mobiltelefonnummer", True, s["mobile"], section="Kontaktuppgifter"))
    if reg.campaign_code:
        out.append(FormField("Kampanjkod", False, s["campaign_code"], section="Kontaktuppgifter"))
    return out


def _patient_info(config: WebConfiguration) -> TextBlock:
    custom = config.media.texts.patient_info_text.strip()
    if custom:
        return TextBlock("", custom, "yellow")
    return TextBlock(standard_texts.PATIENT_INFO_HEADING, standard_texts.PATIENT_INFO, "yellow")


@dataclass(frozen=True, slots=True)
class _Booking:
    """The concrete booking the path leads to."""

    clinic: CatalogueClinic
    practitioner: CataloguePractitioner
    treatment: CatalogueTreatment
    start: datetime


def _resolved(ctx: _Ctx, choices: Choices) -> _Booking | None:
    t_pick = choices.pick(TIME)
    if t_pick is None:
        return None
    ot = _find_time(ctx, t_pick)
    if ot is None:
        return None
    tr_pick = choices.pick(TREATMENT)
    treatment = None
    if tr_pick:
        treatment = ctx.idx.treatments.get(_split(tr_pick, 2))  # type: ignore[arg-type]
    if treatment is None and ot.treatment_id:
        treatment = ctx.idx.treatments.get((ot.database, ot.treatment_id))
    clinic = ctx.idx.clinics.get((ot.database, ot.clinic_id))
    prac = ctx.idx.practitioner_at.get(
        (ot.database, ot.clinic_id, ot.practitioner_id)
    ) or ctx.idx.practitioners.get((ot.database, ot.practitioner_id))
    if treatment is None or clinic is None or prac is None:
        return None
    return _Booking(clinic, prac, treatment, ot.start)


def timebook_text(treatment: str, campaign_code: str = "", message: str = "") -> str:
    """The text written on the timebook booking: treatment, ``CC: <code>``, then the message."""
    text = treatment
    if campaign_code:
        text += f" CC: {campaign_code}"
    if message:
        text += f" {message}"
    return text


def _render(channel: str, kind: str, custom: str, values: dict[str, str] | None) -> str:
    from opus_tui.services import templates as tpl

    ch = tpl.Channel(channel)
    k = tpl.TemplateKind(kind)
    template = tpl.effective_template(ch, k, custom)
    return tpl.render(template, values or {}, kind=k, strict=False)


def _values(ctx: _Ctx, b: _Booking, new_start: datetime | None = None) -> dict[str, str]:
    from opus_tui.services import templates as tpl

    reg = ctx.config.flexibility.registration
    return tpl.booking_values(
        clinic=b.clinic,
        practitioner=b.practitioner,
        treatment=b.treatment,
        start=b.start,
        patient_first_name=SAMPLE_PATIENT["first_name"],
        patient_last_name=SAMPLE_PATIENT["last_name"],
        new_start=new_start,
        campaign_code=SAMPLE_PATIENT["campaign_code"] if reg.campaign_code else "",
        hours_before=hours_limit(ctx.config),
        subdomain=ctx.config.subdomain.name,
        zone=ZONE,
    )


def _messages(ctx: _Ctx, kind: str, values: dict[str, str] | None) -> list[TextBlock]:
    reg = ctx.config.flexibility.registration
    out: list[TextBlock] = []
    email_custom = getattr(ctx.config.email, kind)
    sms_custom = getattr(ctx.config.sms, kind)
    sender = ctx.config.email.sender or "Opus standardavsändare"
    if reg.email:
        out.append(
            TextBlock(
                f"E-postbekräftelse (från {sender})",
                _render("email", kind, email_custom, values),
                "effect",
            )
        )
    else:
        out.append(
            TextBlock("E-postbekräftelse", "Skickas inte: E-post är inte aktiverad.", "effect")
        )
    if reg.mobile:
        out.append(TextBlock("SMS-bekräftelse", _render("sms", kind, sms_custom, values), "effect"))
    else:
        out.append(
            TextBlock("SMS-bekräftelse", "Skickas inte: Mobilnummer är inte aktiverat.", "effect")
        )
    return out


def _confirm_method(config: WebConfiguration) -> tuple[str, TextBlock]:
    g = config.flexibility.general
    reg = config.flexibility.registration
    if g.skip_confirmation:
        return "none", TextBlock("", "Bokningen bekräftas direkt (Hoppa över bekräftelse).")
    if g.code_challenge:
        where = [x for x, on in (("e-post", reg.email), ("SMS", reg.mobile)) if on]
        via = " och ".join(where) if where else "e-post/SMS"
        return "code", TextBlock(
            "Bekräftelsekod",
            f"En kod skickas via {via}. Ange koden för att bekräfta bokningen.",
            "info",
        )
    return "recaptcha", TextBlock("reCAPTCHA", "☐ Jag är inte en robot", "info")


def _confirm_parts(
    ctx: _Ctx, choices: Choices
) -> tuple[tuple[TextBlock, ...], str, list[TextBlock]]:
    method, block = _confirm_method(ctx.config)
    b = _resolved(ctx, choices)
    if b is None:
        return (), method, [block, TextBlock("", "Den valda tiden finns inte längre.", "notice")]
    reg = ctx.config.flexibility.registration
    g = ctx.config.flexibility.general
    tb = timebook_text(
        b.treatment.name,
        SAMPLE_PATIENT["campaign_code"] if reg.campaign_code else "",
        SAMPLE_PATIENT["message"] if g.user_message else "",
    )
    effects = [TextBlock("Tidbokstext", tb, "effect")]
    effects += _messages(ctx, "new_booking", _values(ctx, b))
    return tuple(effects), method, [block]


def _summary(ctx: _Ctx, choices: Choices) -> tuple[str, ...]:
    lines: list[str] = []
    clinic = choices.pick(CLINIC)
    booking = _resolved(ctx, choices) if choices.pick(TIME) else None
    if booking is not None:
        c = booking.clinic
        lines += [x for x in (c.name, c.address, c.city, c.phone) if x]
    elif clinic is not None:
        if clinic.startswith(ANY_CLINIC_PREFIX):
            grp = clinic[len(ANY_CLINIC_PREFIX) :]
            lines.append(f"Vilken som helst: {grp}" if grp else "Vilken klinik som helst")
        else:
            cat = ctx.idx.clinics.get(_split(clinic, 2))  # type: ignore[arg-type]
            if cat is not None:
                lines += [x for x in (cat.name, cat.address, cat.city, cat.phone) if x]
    prac = choices.pick(PRACTITIONER)
    if booking is not None:
        lines.append(booking.practitioner.name)
    elif prac == ANY_PRACTITIONER:
        lines.append("Vilken behandlare som helst")
    elif prac is not None:
        p = ctx.idx.practitioners.get(_split(prac, 2))  # type: ignore[arg-type]
        lines.append(p.name if p else prac)
    tr = choices.pick(TREATMENT)
    if booking is not None:
        lines.append(booking.treatment.name)
    elif tr is not None:
        t = ctx.idx.treatments.get(_split(tr, 2))  # type: ignore[arg-type]
        if t is not None:
            lines.append(t.name)
    if booking is not None:
        start = local(booking.start)
        lines.append(day_label(start))
        lines.append(time_range(start, booking.treatment.duration_minutes))
    return tuple(lines)


def _done_page(ctx: _Ctx, choices: Choices, header: tuple[Button, ...]) -> Page:
    return Page(
        kind=DONE,
        heading="Tack för din bokning!",
        header_buttons=header,
        texts=(TextBlock("", "Din bokning är registrerad. En bekräftelse skickas till dig."),),
        summary=_summary(ctx, choices),
        buttons=(Button("Boka en ny tid", RESTART),),
    )


# --- logged in: the patient's bookings -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PatientBooking:
    """A sample booking of the logged-in patient (derived from the catalogue, deterministic)."""

    booking_id: str
    clinic: CatalogueClinic
    practitioner: CataloguePractitioner
    treatment: CatalogueTreatment
    start: datetime
    has_template: bool = True


def sample_bookings(
    config: WebConfiguration, catalogue: Catalogue | None, now: datetime
) -> list[PatientBooking]:
    """Three bookings: in 2 hours, in 3 days, and in 10 days without a booking template, with
    the first published practitioners; the middle one has a treatment that cannot be changed in
    web when the catalogue has one."""
    if catalogue is None:
        return []
    idx = catalogue_index(catalogue)
    pairs: list[tuple[CatalogueClinic, CataloguePractitioner]] = []
    for c in config.clinics.published:
        cat = idx.clinics.get((c.database, c.clinic_id))
        if cat is None:
            continue
        for p in c.practitioners:
            cp = idx.practitioner_at.get(
                (c.database, c.clinic_id, p.practitioner_id)
            ) or idx.practitioners.get((c.database, p.practitioner_id))
            if cp is not None:
                pairs.append((cat, cp))
        if len(pairs) >= 3:
            break
    if not pairs:
        return []
    base = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    starts = (
        base + timedelta(hours=2),
        (base + timedelta(days=3)).replace(hour=8),
        (base + timedelta(days=10)).replace(hour=13),
    )
    out: list[PatientBooking] = []
    for n, start in enumerate(starts):
        clinic, prac = pairs[n % len(pairs)]
        treatments = idx.treatments_of.get(clinic.database, [])
        if not treatments:
            continue
        t = treatments[0]
        if n == 1:
            t = next((x for x in treatments if not x.change_in_web), t)
        out.append(PatientBooking(f"b{n + 1}", clinic, prac, t, start, has_template=n != 2))
    return out


def hours_limit(config: WebConfiguration) -> int:
    """*Avbokning/ombokning kan inte göras inom N timmar*; a draft's half-typed value (empty,
    not a whole number ≥ 0) counts as 0 until it is corrected (its field error blocks Spara)."""
    value: object = config.flexibility.booking.hours_limit
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def _booking_rule(
    config: WebConfiguration, b: PatientBooking, now: datetime, what: Literal["rebook", "cancel"]
) -> str:
    """Why the patient cannot rebook/cancel ``b``, or ''."""
    bs = config.flexibility.booking
    if what == "rebook":
        if not bs.rebooking:
            return "Ombokning är inte aktiverad"
        if not b.treatment.change_in_web:
            return "Behandlingen kan inte ombokas via webben"
        if not b.has_template and not bs.rebook_without_template:
            return "Bokningen saknar bokningsmall: ombokning utan bokningsmall är inte tillåten"
    else:
        if not bs.cancellation:
            return "Avbokning är inte aktiverad"
        if not b.treatment.cancel_in_web:
            return "Behandlingen kan inte avbokas via webben"
        if not b.has_template and not bs.cancel_without_template:
            return "Bokningen saknar bokningsmall: avbokning utan bokningsmall är inte tillåten"
    hours = hours_limit(config)
    if b.start - now < timedelta(hours=hours):
        return f"Kan inte ändras inom {hours} timmar"
    return ""


def _booking_label(b: PatientBooking) -> str:
    start = local(b.start)
    return f"{day_label(start)} {time_range(start, b.treatment.duration_minutes)}"


def _logged_in_page(ctx: _Ctx, choices: Choices) -> Page:
    header = _header(ctx.config, choices)
    g = ctx.config.flexibility.general
    bookings = sample_bookings(ctx.config, ctx.idx.catalogue, ctx.now)
    by_id = {b.booking_id: b for b in bookings}
    if choices.screen == "bookings":
        if not g.show_bookings:
            return replace(
                _booking_page(ctx, replace(choices, screen="book")),
            )
        groups: list[OptionGroup] = []
        for b in bookings:
            opts = []
            for what, label in (("rebook", "Omboka"), ("cancel", "Avboka")):
                reason = _booking_rule(ctx.config, b, ctx.now, what)  # type: ignore[arg-type]
                opts.append(
                    Option(
                        label,
                        Action(what, value=b.booking_id),  # type: ignore[arg-type]
                        enabled=not reason,
                        reason=reason,
                    )
                )
            heading = (
                f"{_booking_label(b)} · {b.treatment.name} · {b.practitioner.name}, "
                f"{b.clinic.name}" + ("" if b.has_template else " (utan bokningsmall)")
            )
            groups.append(OptionGroup(heading, tuple(opts), step="booking"))
        notices = () if bookings else (TextBlock("", "Du har inga bokningar."),)
        buttons = []
        if ctx.config.flexibility.booking.new_booking:
            buttons.append(Button("Ny bokning", Action("new_booking")))
        return Page(
            kind="bookings",
            heading="Mina bokningar",
            header_buttons=header,
            groups=tuple(groups),
            notices=notices,
            buttons=tuple(buttons),
        )
    found = by_id.get(choices.booking)
    if found is None:
        return _logged_in_page(ctx, replace(choices, screen="bookings", booking=""))
    b = found
    bs = ctx.config.flexibility.booking
    journal_on = bs.journal_rebooking if choices.screen == "rebook" else bs.journal_cancellation
    journal = TextBlock(
        "Journal",
        ("Registreras i patientens journal." if journal_on else "Registreras inte i journalen."),
        "effect",
    )
    summary = (
        b.clinic.name,
        b.practitioner.name,
        b.treatment.name,
        _booking_label(b),
    )
    if choices.screen == "cancel":
        reason = _booking_rule(ctx.config, b, ctx.now, "cancel")
        if choices.confirmed:
            return Page(
                kind=DONE,
                heading="Din tid är avbokad",
                header_buttons=header,
                summary=summary,
                buttons=(Button("Mina bokningar", Action("bookings")),),
            )
        values = _values(ctx, _Booking(b.clinic, b.practitioner, b.treatment, b.start))
        return Page(
            kind="cancel",
            heading="Avboka tid",
            header_buttons=header,
            summary=summary,
            notices=(TextBlock("", reason, "notice"),) if reason else (),
            effects=(journal, *_messages(ctx, "cancellation", values)),
            buttons=(
                Button("Bekräfta avbokning", Action("confirm"), enabled=not reason, reason=reason),
                Button("Tillbaka", BACK),
            ),
        )
    # rebook
    reason = _booking_rule(ctx.config, b, ctx.now, "rebook")
    if choices.confirmed:
        return Page(
            kind=DONE,
            heading="Din tid är ombokad",
            header_buttons=header,
            summary=summary,
            buttons=(Button("Mina bokningar", Action("bookings")),),
        )
    if reason:
        return Page(
            kind="rebook",
            heading="Omboka tid",
            header_buttons=header,
            summary=summary,
            notices=(TextBlock("", reason, "notice"),),
            buttons=(Button("Tillbaka", BACK),),
        )
    picked = choices.pick(TIME)
    if picked is None:
        fake = replace(
            choices,
            picks=(
                (CLINIC, f"{b.clinic.database}\x1f{b.clinic.clinic_id}"),
                (
                    PRACTITIONER,
                    _practitioner_value(b.practitioner.database, b.practitioner.practitioner_id),
                ),
                (TREATMENT, _treatment_value(b.treatment)),
            ),
        )
        # The practitioner's own free times at that clinic (the engine's usual rules apply).
        ctx_one = replace(ctx, clinics=_one_clinic(ctx, b))
        return Page(
            kind="rebook",
            heading="Välj ny tid",
            header_buttons=header,
            summary=summary,
            groups=tuple(_time_groups(ctx_one, fake, exclude=b.start)),
            buttons=(Button("Tillbaka", BACK),),
        )
    ot = _find_time(ctx, picked)
    new_values = (
        _values(ctx, _Booking(b.clinic, b.practitioner, b.treatment, b.start), ot.start)
        if ot
        else None
    )
    return Page(
        kind="rebook",
        heading="Bekräfta ombokning",
        header_buttons=header,
        summary=(
            *summary,
            "Ny tid: " + (_booking_label(replace(b, start=ot.start)) if ot else "?"),
        ),
        effects=(journal, *_messages(ctx, "rebooking", new_values)),
        buttons=(Button("Bekräfta ombokning", Action("confirm")), Button("Tillbaka", BACK)),
    )


def _one_clinic(ctx: _Ctx, b: PatientBooking) -> list[PublishedClinic]:
    for c in ctx.clinics:
        if (c.database, c.clinic_id) == (b.clinic.database, b.clinic.clinic_id):
            ps = [p for p in c.practitioners if p.practitioner_id == b.practitioner.practitioner_id]
            return [c.model_copy(update={"practitioners": ps})]
    return []


# --- stepping ------------------------------------------------------------------------------------


def step(
    config: WebConfiguration,
    catalogue: Catalogue | None,
    choices: Choices,
    action: Action,
    now: datetime | None = None,
) -> Choices:
    """The choices after ``action``. Raises :class:`InvalidAction` when the current page does
    not offer it (back and restart are always offered)."""
    if action.kind == "restart":
        return Choices(login=choices.login)
    if action.kind == "back":
        return _back(choices)
    current = page(config, catalogue, choices, now)
    offered = current.selectable()
    if action not in offered and action.kind == "choose":
        # An option past "Visa fler" (e.g. when the choices are made again) is still valid.
        offered = page(config, catalogue, replace(choices, shown=1_000_000), now).selectable()
    if action not in offered:
        raise InvalidAction(f"{action.kind} {action.step} är inte möjligt på sidan {current.kind}")
    k = action.kind
    if k == "choose":
        return choices.with_pick(action.step, action.value)
    if k == "more":
        return replace(choices, shown=choices.shown + PAGE_SIZE)
    if k == "submit":
        return replace(choices, details=True)
    if k == "confirm":
        return replace(choices, confirmed=True)
    if k == "login_page":
        return replace(choices, screen="login")
    if k == "login":
        value: Literal["eid", "sms"] = "eid" if action.value == "eid" else "sms"
        g = config.flexibility.general
        return Choices(login=value, screen="bookings" if g.show_bookings else "book")
    if k == "logout":
        return Choices()
    if k == "bookings":
        return Choices(login=choices.login, screen="bookings")
    if k == "new_booking":
        return Choices(login=choices.login)
    if k in ("rebook", "cancel"):
        screen: Literal["rebook", "cancel"] = "rebook" if k == "rebook" else "cancel"
        return Choices(login=choices.login, screen=screen, booking=action.value)
    raise InvalidAction(k)


def _back(choices: Choices) -> Choices:
    if choices.screen == "login":
        return replace(choices, screen="book")
    if choices.screen in ("rebook", "cancel"):
        if choices.confirmed:
            return Choices(login=choices.login, screen="bookings")
        if choices.picks:
            return replace(choices, picks=choices.picks[:-1])
        return Choices(login=choices.login, screen="bookings")
    if choices.confirmed:
        return replace(choices, confirmed=False)
    if choices.details:
        return replace(choices, details=False)
    if choices.picks:
        return replace(choices, picks=choices.picks[:-1], shown=PAGE_SIZE)
    return choices


def replay(
    config: WebConfiguration,
    catalogue: Catalogue | None,
    choices: Choices,
    now: datetime | None = None,
) -> Choices:
    """The choices that are still valid after a configuration change: the picks are made again
    in their order and the first one no longer offered is dropped with all after it."""
    if choices.screen in ("login", "bookings", "rebook", "cancel") or not choices.picks:
        if choices.details and not choices.picks:
            return replace(choices, details=False, confirmed=False)
        return choices
    current = Choices(login=choices.login, screen=choices.screen, shown=choices.shown)
    for name, value in choices.picks:
        try:
            current = step(config, catalogue, current, Action("choose", name, value), now)
        except InvalidAction:
            return current
    if choices.details:
        try:
            current = step(config, catalogue, current, Action("submit"), now)
        except InvalidAction:
            return current
    if choices.confirmed:
        try:
            current = step(config, catalogue, current, Action("confirm"), now)
        except InvalidAction:
            return current
    return replace(current, shown=choices.shown)


def walk(
    config: WebConfiguration,
    catalogue: Catalogue | None,
    now: datetime,
    wanted: dict[str, str] | None = None,
    limit: int = 20,
) -> list[Page]:
    """The pages of a booking path up to Bekräfta: at each step the wanted option (matched by
    label), else the first specific one. Stops at a page with nothing to choose."""
    wanted = wanted or {}
    choices = Choices()
    pages = [page(config, catalogue, choices, now)]
    for _ in range(limit):
        current = pages[-1]
        if current.kind in (CONFIRM, DONE) or not current.breadcrumb:
            break
        action: Action | None = None
        for s in (CLINIC, TREATMENT, PRACTITIONER, TIME):
            if any(g.step == s for g in current.groups) and choices.pick(s) is None:
                if s in wanted:
                    action = current.find(s, wanted[s])
                    if action is None:
                        raise InvalidAction(f"{CRUMB_LABELS[s]}: inget val matchar {wanted[s]!r}")
                else:
                    action = _first_of(current, s)
                break
        if action is None:
            action = next(
                (
                    b.action
                    for b in current.buttons
                    if b.enabled and b.action.kind in ("submit", "confirm")
                ),
                None,
            )
        if action is None:
            action = current.first_choice()
        if action is None:
            break
        choices = step(config, catalogue, choices, action, now)
        pages.append(page(config, catalogue, choices, now))
    return pages


def _first_of(p: Page, s: str) -> Action | None:
    opts = [o for o in p.options(s) if o.enabled and o.action is not None]
    for o in opts:
        assert o.action is not None
        if o.action.value != ANY_PRACTITIONER and not o.action.value.startswith(ANY_CLINIC_PREFIX):
            return o.action
    return opts[0].action if opts else None


# --- explain -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Subject:
    """What to explain: ``kind`` is practitioner, clinic, treatment, time, photo, title or
    booking."""

    kind: Literal["practitioner", "clinic", "treatment", "time", "photo", "title", "booking"]
    database: str = ""
    clinic_id: str = ""
    practitioner_id: str = ""
    treatment_id: str = ""
    start: datetime | None = None
    booking_id: str = ""


def subjects_of(action: Action, choices: Choices) -> list[Subject]:
    """What :func:`explain` can say about an option: the thing itself and, for a practitioner,
    the photo."""
    if action.kind != "choose":
        return []
    if action.step == CLINIC and not action.value.startswith(ANY_CLINIC_PREFIX):
        db, cid = _split(action.value, 2)
        return [Subject("clinic", db, cid)]
    if action.step == TREATMENT:
        db, tid = _split(action.value, 2)
        return [Subject("treatment", db, treatment_id=tid)]
    if action.step == PRACTITIONER and action.value != ANY_PRACTITIONER:
        db, pid = _split(action.value, 2)
        clinic = choices.pick(CLINIC) or ""
        cid = "" if clinic.startswith(ANY_CLINIC_PREFIX) else _split(clinic, 2)[1]
        return [Subject("practitioner", db, cid, pid), Subject("photo", db, cid, pid)]
    if action.step == TIME:
        db, cid, pid, iso, _tid = _split(action.value, 5)
        try:
            start = datetime.fromisoformat(iso)
        except ValueError:
            return []
        return [Subject("time", db, cid, pid, start=start)]
    return []


def parse_subject(catalogue: Catalogue, text: str) -> Subject:
    """``practitioner:Olle Ohlsson``, ``clinic:City Praktiken``, ``treatment:Lagning``,
    ``photo:Olle Ohlsson@OpusTandläkarna``, ``title:Olle Ohlsson``, ``booking:b1`` (names or
    ids)."""
    kind, _, rest = text.partition(":")
    kind = kind.strip()
    rest = rest.strip()
    want = rest.casefold()
    if kind == "booking":
        return Subject("booking", booking_id=rest)
    if kind == "clinic":
        for c in catalogue.clinics:
            if want in (c.name.casefold(), c.clinic_id.casefold()):
                return Subject("clinic", c.database, c.clinic_id)
        raise ValueError(f"ingen klinik heter {rest!r}")
    if kind == "treatment":
        for t in catalogue.treatments:
            if want in (
                t.name.casefold(),
                t.treatment_id.casefold(),
            ) or t.name.casefold().startswith(want):
                return Subject("treatment", t.database, treatment_id=t.treatment_id)
        raise ValueError(f"ingen behandling heter {rest!r}")
    if kind in ("practitioner", "photo", "title"):
        name, _, at = rest.partition("@")
        clinic_id = ""
        for p in catalogue.practitioners:
            if name.strip().casefold() in (p.name.casefold(), p.practitioner_id.casefold()):
                if at:
                    for c in catalogue.clinics:
                        if c.database == p.database and at.strip().casefold() in (
                            c.name.casefold(),
                            c.clinic_id.casefold(),
                        ):
                            clinic_id = c.clinic_id
                return Subject(kind, p.database, clinic_id, p.practitioner_id)  # type: ignore[arg-type]
        raise ValueError(f"ingen behandlare heter {name!r}")
    raise ValueError(f"okänd sorts fråga: {kind!r}")


def explain(
    config: WebConfiguration,
    catalogue: Catalogue | None,
    what: Subject | str,
    now: datetime | None = None,
) -> str:
    """Why ``what`` is (or is not) offered on the booking page: the rule, in Swedish."""
    cat = catalogue or Catalogue(source="demo", fetched_at=None)
    subject = parse_subject(cat, what) if isinstance(what, str) else what
    when = now or cat.fetched_at or datetime(2000, 1, 1)
    g = config.flexibility.general
    if g.maintenance_mode:
        return "Underhållsläge är aktiverat: bokningssidan visar bara underhållsmeddelandet."
    if not g.publish_opus_online:
        return (
            "Publicera på 'Opus Dental Online' är avaktiverat: bokningssidan visar bara "
            "avvikelsetexten; bokningar görs endast via API."
        )
    ctx = _Ctx(
        config, catalogue_index(cat), when, g.weekend_booking, list(config.clinics.published)
    )
    k = subject.kind
    if k == "booking":
        b = {x.booking_id: x for x in sample_bookings(config, cat, when)}.get(subject.booking_id)
        if b is None:
            return f"Ingen bokning {subject.booking_id!r}."
        out = []
        for what_, label in (("rebook", "Ombokning"), ("cancel", "Avbokning")):
            r = _booking_rule(config, b, when, what_)  # type: ignore[arg-type]
            out.append(f"{label}: {r or 'tillåten'}.")
        return " ".join(out)
    if not config.flexibility.booking.new_booking and k != "photo":
        return (
            "Nybokning är avaktiverad: bokningssidan visar avvikelsetexten i stället för bokningen."
        )
    if k == "treatment":
        t = ctx.idx.treatments.get((subject.database, subject.treatment_id))
        if t is None:
            return "Behandlingen finns inte i Opus-databasen."
        if not t.create_in_web:
            return f"{t.name} kan inte bokas via webben (i Opus är den inte bokningsbar på webben)."
        pairs = [(c, p) for c in ctx.clinics if c.database == t.database for p in c.practitioners]
        if not pairs:
            return f"{t.name}: ingen klinik i databasen {t.database} har tillagda behandlare."
        if any(_pair_ok(ctx, c, p, t.treatment_id) for c, p in pairs):
            return f"{t.name} erbjuds."
        return _no_times(
            ctx,
            [(c.clinic_id, p.practitioner_id) for c, p in pairs],
            t.database,
            t.treatment_id,
            t.name,
        )
    if k == "clinic":
        c = config.clinics.clinic(subject.database, subject.clinic_id)
        cat_c = ctx.idx.clinics.get((subject.database, subject.clinic_id))
        name = (c.name if c else "") or (cat_c.name if cat_c else subject.clinic_id)
        if c is None:
            return f"{name} är inte tillagd under Kliniker (inga tillagda behandlare)."
        if cat_c is None:
            return f"{name} finns inte i Opus-databasen {subject.database}."
        if not c.practitioners:
            return f"{name} har inga tillagda behandlare."
        if any(_pair_ok(ctx, c, p, None) for p in c.practitioners):
            return f"{name} erbjuds."
        return _no_times(
            ctx, [(c.clinic_id, p.practitioner_id) for p in c.practitioners], c.database, None, name
        )
    # practitioner, photo, time
    db, pid = subject.database, subject.practitioner_id
    cat_p = ctx.idx.practitioners.get((db, pid))
    name = cat_p.name if cat_p else pid
    at = [
        c
        for c in ctx.clinics
        if c.database == db and any(p.practitioner_id == pid for p in c.practitioners)
    ]
    if subject.clinic_id:
        at = [c for c in at if c.clinic_id == subject.clinic_id]
    if k == "photo":
        if not at:
            return f"{name} är inte tillagd under Kliniker och visas inte alls."
        profile = config.practitioners.profile(db, pid)
        missing = [
            _clinic_name(ctx, c)
            for c in at
            if not config.practitioners.consent(db, pid, c.clinic_id).photo
        ]
        if missing:
            return f"Ingen bild: samtycke för profilbild saknas för {name} på {', '.join(missing)}."
        if profile is None or not profile.photo:
            return f"Ingen bild: {name} har ingen profilbild (Behandlare)."
        return f"Bilden på {name} visas (samtycke finns)."
    if k == "title":
        if not at:
            return f"{name} är inte tillagd under Kliniker och visas inte alls."
        missing = [
            _clinic_name(ctx, c)
            for c in at
            if not config.practitioners.consent(db, pid, c.clinic_id).title
        ]
        if missing:
            return (
                f"Ingen titel: samtycke för Behandlars titel saknas för {name} på "
                f"{', '.join(missing)}."
            )
        title = next(
            (
                _practitioner_title(ctx, c.database, c.clinic_id, p)
                for c in at
                for p in c.practitioners
                if p.practitioner_id == pid
            ),
            "",
        )
        if not title:
            return f"Ingen titel: {name} har ingen titel (Kliniker eller Opus)."
        return f"Titeln på {name} visas: {title} (samtycke finns)."
    if not at:
        return f"{name} är inte tillagd (publicerad) under Kliniker och kan inte lägga ut e-tider."
    if cat_p is None:
        return f"{name} finns inte i Opus-databasen {db}."
    if not any(ctx.practitioner_ok(db, c.clinic_id, pid) for c in at):
        return f"{name} är inaktiv i Opus."
    if k == "time" and subject.start is not None:
        start = subject.start
        if start <= when:
            return "Tiden har redan passerat."
        if _is_weekend(start) and not g.weekend_booking:
            return "Helgbokning är avaktiverad: lördag och söndag visas inte i tidsteget."
        start_s = _exact_seconds(start)
        for c in at:
            cp = ctx.idx.times.get((db, c.clinic_id, pid))
            i = None if cp is None or start_s is None else ctx.idx.first_at(cp, start_s)
            if i is not None:
                ot = ctx.idx.time_at(ctx.idx.rows[i])
                if ot.treatment_id and ctx.web_treatment(db, ot.treatment_id) is None:
                    return "Tiden gäller en behandling som inte kan bokas via webben."
                return "Tiden erbjuds."
        return f"{name} har ingen ledig e-tid då."
    if any(
        _pair_ok(ctx, c, p, None) for c in at for p in c.practitioners if p.practitioner_id == pid
    ):
        return f"{name} erbjuds."
    return _no_times(ctx, [(c.clinic_id, pid) for c in at], db, None, name)


def _no_times(ctx: _Ctx, cps: list[tuple[str, str]], db: str, tid: str | None, name: str) -> str:
    weekend_only = False
    any_time = False
    for cid, pid in cps:
        cp = ctx.idx.times.get((db, cid, pid))
        if cp is None:
            continue
        for key, wd, we in cp.lasts():
            if tid is not None and key not in ("", tid):
                continue
            if wd is not None or we is not None:
                any_time = True
            if we is not None and we > ctx.now_s and not (wd is not None and wd > ctx.now_s):
                weekend_only = True
    if weekend_only and not ctx.weekend:
        return f"{name}: de lediga tiderna ligger på lördag/söndag och helgbokning är avaktiverad."
    if any_time:
        return f"{name}: inga lediga tider efter nu (alla e-tider har passerat)."
    return f"{name}: inga lediga tider (inga e-tider publicerade)."
