"""The booking-flow engine: every setting of SPEC.md alone, every step order, random
configurations and catalogues (hypothesis), and explain()."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opus_tui.domain import standard_texts
from opus_tui.domain.catalogue import Catalogue, OnlineTime, OnlineTimes
from opus_tui.domain.config import MERGED_ORDER, STEP_CHOICES, STEP_FIELDS, WebConfiguration
from opus_tui.services import booking_flow as bf
from opus_tui.services.demo import demo_catalogue
from opus_tui.services.preview_text import render_plain

TODAY = date(2026, 11, 27)  # a Friday
NOW = datetime(2026, 11, 27, 9, 0)
CATALOGUE = demo_catalogue(TODAY)
LUND, MALMO = "Opus Lund", "Opus Malmö"

# The manual's consent table (Profilbild, Behandlars titel) per practitioner and clinic.
CONSENTS = [
    ("1", "1", True, False),  # Olle Ohlsson, OpusTandläkarna
    ("4", "1", True, True),  # Arne Andersson, OpusTandläkarna
    ("2", "1", True, True),  # Lena Svensson, OpusTandläkarna
    ("7", "1", False, False),  # Göran Persson, OpusTandläkarna
    ("4", "2", True, True),  # Arne Andersson, City Praktiken
    ("7", "3", True, True),  # Göran Persson, Utbildningsenheten
]
GROUPS = {(LUND, "1"): "LUND", (LUND, "3"): "LUND", (LUND, "2"): "STOCKHOLM"}


def base_data() -> dict[str, Any]:
    """Every demo clinic published with all its practitioners; Malmö's clinics ungrouped."""
    published = []
    for c in CATALOGUE.clinics:
        published.append(
            {
                "database": c.database,
                "clinic_id": c.clinic_id,
                "name": c.name,
                "group": GROUPS.get((c.database, c.clinic_id), ""),
                "practitioners": [
                    {"practitioner_id": p.practitioner_id, "name": p.name, "title": p.title}
                    for p in CATALOGUE.practitioners_of(c.database, c.clinic_id)
                ],
            }
        )
    return {
        "clinics": {"published": published},
        "practitioners": {
            "profiles": [
                {"database": LUND, "practitioner_id": "2", "photo": "/bilder/lena.jpg"},
            ],
            "consents": [
                {
                    "database": LUND,
                    "practitioner_id": pid,
                    "clinic_id": cid,
                    "photo": photo,
                    "title": title,
                }
                for pid, cid, photo, title in CONSENTS
            ],
        },
    }


def config_of(data: dict[str, Any]) -> WebConfiguration:
    return WebConfiguration.model_validate(data)


BASE = config_of(base_data())


def patched(path: str, value: Any) -> WebConfiguration:
    data = base_data()
    node = data
    keys = path.split(".")
    for key in keys[:-1]:
        node = node.setdefault(key, {})
    node[keys[-1]] = value
    return config_of(data)


def text_of(pages: list[bf.Page]) -> str:
    return "\n\n".join(render_plain(p) for p in pages)


# --- probes: the pages a setting shows up on --------------------------------------------------


def first_page(config: WebConfiguration) -> str:
    return text_of([bf.page(config, CATALOGUE, bf.Choices(), NOW)])


def path(config: WebConfiguration, **wanted: str) -> str:
    return text_of(bf.walk(config, CATALOGUE, NOW, wanted))


def city_times(config: WebConfiguration) -> str:
    """The Tid step at City Praktiken (which has weekend times) for any practitioner."""
    choices = bf.Choices()
    for s, want in (
        ("clinic", "City Praktiken"),
        ("treatment", "Undersökning"),
        ("practitioner", "Vilken behandlare som helst"),
    ):
        action = bf.page(config, CATALOGUE, choices, NOW).find(s, want)
        if action is None:
            return text_of([bf.page(config, CATALOGUE, choices, NOW)])
        choices = bf.step(config, CATALOGUE, choices, action, NOW)
    return text_of([bf.page(config, CATALOGUE, choices, NOW)])


def logged_in(config: WebConfiguration, how: str = "eid") -> bf.Choices:
    choices = bf.step(config, CATALOGUE, bf.Choices(), bf.Action("login_page"), NOW)
    return bf.step(config, CATALOGUE, choices, bf.Action("login", value=how), NOW)


def after_login(config: WebConfiguration) -> str:
    try:
        choices = logged_in(config)
    except bf.InvalidAction:
        return first_page(config)
    return text_of([bf.page(config, CATALOGUE, choices, NOW)])


def login_page(config: WebConfiguration) -> str:
    try:
        choices = bf.step(config, CATALOGUE, bf.Choices(), bf.Action("login_page"), NOW)
    except bf.InvalidAction:
        return first_page(config)
    return text_of([bf.page(config, CATALOGUE, choices, NOW)])


def booking_action(config: WebConfiguration, kind: str, booking: str) -> str:
    """Rebook (choosing the first new time) or cancel ``booking`` and show the confirm page."""
    choices = replace(logged_in(config), screen="bookings")
    try:
        choices = bf.step(config, CATALOGUE, choices, bf.Action(kind, value=booking), NOW)  # type: ignore[arg-type]
    except bf.InvalidAction:
        return text_of([bf.page(config, CATALOGUE, choices, NOW)])
    page = bf.page(config, CATALOGUE, choices, NOW)
    if kind == "rebook" and page.options("time"):
        action = page.first_choice()
        assert action is not None
        choices = bf.step(config, CATALOGUE, choices, action, NOW)
        page = bf.page(config, CATALOGUE, choices, NOW)
    return text_of([page])


def rebook(booking: str) -> Callable[[WebConfiguration], str]:
    return lambda config: booking_action(config, "rebook", booking)


def cancel(booking: str) -> Callable[[WebConfiguration], str]:
    return lambda config: booking_action(config, "cancel", booking)


def olle_path(config: WebConfiguration) -> str:
    return path(config, clinic="OpusTandläkarna", practitioner="Olle Ohlsson")


def lena_path(config: WebConfiguration) -> str:
    return path(config, clinic="OpusTandläkarna", practitioner="Lena Svensson")


def before(a: str, b: str) -> Callable[[str], bool]:
    return lambda text: a in text and b in text and text.index(a) < text.index(b)


def published_without_olle() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = base_data()["clinics"]["published"]
    data[0]["practitioners"] = [p for p in data[0]["practitioners"] if p["practitioner_id"] != "1"]
    return data


def published_city_first() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = base_data()["clinics"]["published"]
    return [data[1], data[0], *data[2:]]


def published_lena_first() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = base_data()["clinics"]["published"]
    ps = data[0]["practitioners"]
    data[0]["practitioners"] = [ps[1], ps[0], *ps[2:]]
    return data


def published_grouped_malmo() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = base_data()["clinics"]["published"]
    for c in data:
        if c["database"] == MALMO:
            c["group"] = "MALMÖ"
    return data


def consents_with(pid: str, cid: str, photo: bool, title: bool) -> list[dict[str, Any]]:
    rows = base_data()["practitioners"]["consents"]
    rows = [r for r in rows if (r["practitioner_id"], r["clinic_id"]) != (pid, cid)]
    rows.append(
        {"database": LUND, "practitioner_id": pid, "clinic_id": cid, "photo": photo, "title": title}
    )
    return rows


def profiles_with_olle(**fields: str) -> list[dict[str, Any]]:
    rows = base_data()["practitioners"]["profiles"]
    return [*rows, {"database": LUND, "practitioner_id": "1", **fields}]


@dataclass(frozen=True)
class Case:
    """One setting flipped alone (``path`` = value on top of BASE) and how the preview shows it:
    ``needle`` appears (or, with ``gone``, disappears), or ``check`` holds on the new text."""

    id: str
    path: str
    value: Any
    probe: Callable[[WebConfiguration], str]
    needle: str = ""
    gone: bool = False
    check: Callable[[str], bool] | None = None
    base: tuple[tuple[str, Any], ...] = ()  # preconditions (a deviation text needs its switch)


G = "flexibility.general."
R = "flexibility.registration."
B = "flexibility.booking."
CASES = [
    # Underdomän
    Case(
        "subdomain.name",
        "subdomain.name",
        "tandmottagningen",
        first_page,
        "Adress: tandmottagningen.opusdentalonline.com",
    ),
    # Kliniker
    Case(
        "clinics.published",
        "clinics.published",
        published_without_olle(),
        lambda c: path(c, clinic="OpusTandläkarna"),
        "Olle Ohlsson",
        gone=True,
    ),
    Case("clinics.group", "clinics.published", published_grouped_malmo(), first_page, "\nMALMÖ\n"),
    Case(
        "clinics.order",
        "clinics.published",
        published_city_first(),
        first_page,
        check=before("City Praktiken", "OpusTandläkarna"),
    ),
    Case(
        "clinics.practitioner_order",
        "clinics.published",
        published_lena_first(),
        lambda c: path(c, clinic="OpusTandläkarna"),
        check=before("Lena Svensson", "Olle Ohlsson"),
    ),
    # Behandlare
    Case(
        "practitioners.profiles.photo",
        "practitioners.profiles",
        profiles_with_olle(photo="/bilder/olle.jpg"),
        olle_path,
        "[bild: /bilder/olle.jpg]",
    ),
    Case(
        "practitioners.profiles.text",
        "practitioners.profiles",
        profiles_with_olle(text="Tycker om rädda patienter"),
        olle_path,
        "Tycker om rädda patienter",
    ),
    Case(
        "practitioners.consents.photo",
        "practitioners.consents",
        consents_with("2", "1", False, True),
        lena_path,
        "[bild: /bilder/lena.jpg]",
        gone=True,
    ),
    Case(
        "practitioners.consents.title",
        "practitioners.consents",
        consents_with("1", "1", True, True),
        olle_path,
        "Olle Ohlsson — Tandläkare",
    ),
    # Flexibilitet: Allmänna inställningar
    Case("show_bookings", G + "show_bookings", False, after_login, "Mina bokningar", gone=True),
    Case("login_enabled", G + "login_enabled", False, first_page, "[Logga in]", gone=True),
    Case("sms_login", G + "sms_login", False, login_page, "SMS-kod", gone=True),
    Case(
        "new_booking_requires_login",
        G + "new_booking_requires_login",
        True,
        first_page,
        "Ny bokning kräver inloggning med e-legitimation",
    ),
    Case("weekend_booking", G + "weekend_booking", False, city_times, "Lördag", gone=True),
    Case("code_challenge", G + "code_challenge", True, path, "Bekräftelsekod: En kod skickas"),
    Case("maintenance_mode", G + "maintenance_mode", True, first_page, standard_texts.MAINTENANCE),
    Case("publish_boka_vard", G + "publish_boka_vard", True, first_page, "Boka Vård"),
    Case(
        "publish_opus_online",
        G + "publish_opus_online",
        False,
        first_page,
        standard_texts.NOT_PUBLISHED,
    ),
    Case(
        "user_message", G + "user_message", True, path, "CC: 1234 " + bf.SAMPLE_PATIENT["message"]
    ),
    Case(
        "any_practitioner",
        G + "any_practitioner",
        False,
        path,
        "Vilken behandlare som helst",
        gone=True,
    ),
    Case(
        "any_clinic",
        G + "any_clinic",
        True,
        first_page,
        "Vilken som helst: STOCKHOLM — Sök lediga tider från alla kliniker i STOCKHOLM",
    ),
    Case("skip_confirmation", G + "skip_confirmation", True, path, "Bokningen bekräftas direkt"),
    # Registreringsinställningar
    Case("address1", R + "address1", True, path, "Adress 1: "),
    Case("address2", R + "address2", True, path, "Adress 2: "),
    Case("postcode", R + "postcode", True, path, "Postnummer: 10355\n  Ort: STOCKHOLM"),
    Case("mobile", R + "mobile", False, path, "Mobiltelefonnummer *", gone=True),
    Case("email", R + "email", False, path, "E-postadress *", gone=True),
    Case("campaign_code", R + "campaign_code", False, path, "CC: 1234", gone=True),
    # Bokningssteg ordning
    Case(
        "merged_view",
        "flexibility.steps.merged_view",
        True,
        first_page,
        "[Klinik] > Behandling & Behandlare > Tid & Personuppgifter > Bekräfta",
    ),
    Case(
        "steps.order",
        "flexibility.steps",
        {"first": "clinic", "second": "practitioner", "third": "treatment", "fourth": "time"},
        first_page,
        "[Klinik] > Behandlare > Behandling > Tid > Personuppgifter > Bekräfta",
    ),
    # Bokningsinställningar
    Case("new_booking", B + "new_booking", False, first_page, standard_texts.NEW_BOOKING_DISABLED),
    Case("rebooking", B + "rebooking", False, after_login, "Ombokning är inte aktiverad"),
    Case("cancellation", B + "cancellation", False, after_login, "Avbokning är inte aktiverad"),
    Case(
        "rebook_without_template",
        B + "rebook_without_template",
        False,
        after_login,
        "ombokning utan bokningsmall är inte tillåten",
    ),
    Case(
        "cancel_without_template",
        B + "cancel_without_template",
        False,
        after_login,
        "avbokning utan bokningsmall är inte tillåten",
    ),
    Case(
        "journal_rebooking",
        B + "journal_rebooking",
        False,
        rebook("b1"),
        "Registreras inte i journalen",
    ),
    Case(
        "journal_cancellation",
        B + "journal_cancellation",
        False,
        cancel("b1"),
        "Registreras inte i journalen",
    ),
    Case("hours_limit", B + "hours_limit", 24, after_login, "Kan inte ändras inom 24 timmar"),
    # Media
    Case(
        "welcome_text",
        "media.texts.welcome_text",
        "Här kan ni boka, omboka och avboka",
        first_page,
        "Välkommen!\nHär kan ni boka, omboka och avboka",
    ),
    Case(
        "patient_info_text",
        "media.texts.patient_info_text",
        "Vi sparar dina uppgifter.",
        path,
        standard_texts.PATIENT_INFO,
        gone=True,
    ),
    Case(
        "clinic_texts.standard",
        "media.clinic_texts",
        {"header": "Test kliniköverskrift", "body": "beläbbabala"},
        lambda c: path(c, clinic="City Praktiken"),
        "Test kliniköverskrift\nbeläbbabala",
    ),
    Case(
        "clinic_texts.per_clinic",
        "media.clinic_texts",
        {"per_clinic": [{"database": LUND, "clinic_id": "1", "header": "Lund", "body": "Egen"}]},
        path,
        "Lund\nEgen",
    ),
    Case("branding.colour", "media.branding.colour", "#AA3300", first_page, "Färg: #AA3300"),
    Case(
        "branding.logo",
        "media.branding.logo",
        "/bilder/logo.png",
        first_page,
        "Logotyp: /bilder/logo.png",
    ),
    Case(
        "deviations.new_booking_disabled",
        "media.deviations.new_booking_disabled",
        "Ring oss!",
        first_page,
        "Ring oss!",
        base=((B + "new_booking", False),),
    ),
    Case(
        "deviations.maintenance",
        "media.deviations.maintenance",
        "Snart tillbaka.",
        first_page,
        "Snart tillbaka.",
        base=((G + "maintenance_mode", True),),
    ),
    Case(
        "deviations.not_published",
        "media.deviations.not_published",
        "Boka via telefon.",
        first_page,
        "Boka via telefon.",
        base=((G + "publish_opus_online", False),),
    ),
    # E-post
    Case("email.sender", "email.sender", "bokning@klinik.se", path, "från bokning@klinik.se"),
    Case(
        "email.new_booking",
        "email.new_booking",
        "Hej {patient_first_name}, välkommen {date}",
        path,
        "Hej Maria, välkommen 2026-",
    ),
    Case(
        "email.rebooking",
        "email.rebooking",
        "Ny tid {new_date} kl. {new_time}!",
        rebook("b1"),
        "Ny tid 2026-",
    ),
    Case(
        "email.cancellation",
        "email.cancellation",
        "Avbokat hos {clinic_name}.",
        cancel("b1"),
        "Avbokat hos OpusTandläkarna.",
    ),
    # SMS
    Case(
        "sms.new_booking",
        "sms.new_booking",
        "Tid {start_time} hos {practitioner_name}",
        path,
        "Tid 15:30 hos Olle Ohlsson",
    ),
    Case("sms.rebooking", "sms.rebooking", "SMS: ny tid {new_time}", rebook("b1"), "SMS: ny tid "),
    Case(
        "sms.cancellation",
        "sms.cancellation",
        "SMS: avbokat {date}",
        cancel("b1"),
        "SMS: avbokat 2026-11-27",
    ),
    # Avancerat
    Case(
        "advanced.analytics_script",
        "advanced.analytics_script",
        "<script>x()</script>",
        first_page,
        "Webbanalys-script: ja",
    ),
]


def _apply(data: dict[str, Any], dotted: str, value: Any) -> None:
    node = data
    keys = dotted.split(".")
    for key in keys[:-1]:
        node = node.setdefault(key, {})
    node[keys[-1]] = value


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_each_setting_alone_changes_the_preview(case: Case) -> None:
    before_data = base_data()
    for dotted, value in case.base:
        _apply(before_data, dotted, value)
    after_data = base_data()
    for dotted, value in case.base:
        _apply(after_data, dotted, value)
    _apply(after_data, case.path, case.value)
    old = case.probe(config_of(before_data))
    new = case.probe(config_of(after_data))
    assert old != new
    if case.check is not None:
        assert case.check(new), new
        assert not case.check(old), old
    elif case.gone:
        assert case.needle in old, old
        assert case.needle not in new, new
    else:
        assert case.needle not in old, old
        assert case.needle in new, new


def test_every_setting_of_the_booking_page_has_a_case() -> None:
    from opus_tui.domain import config as m

    ids = {c.id for c in CASES}
    for model in (m.GeneralSettings, m.RegistrationSettings, m.BookingSettings):
        for name in model.model_fields:
            assert name in ids, name
    prefixed: list[tuple[str, type[m.Section]]] = [
        ("subdomain", m.SubdomainSettings),
        ("email", m.EmailSettings),
        ("sms", m.SmsSettings),
        ("advanced", m.AdvancedSettings),
        ("branding", m.Branding),
        ("deviations", m.DeviationTexts),
        ("practitioners", m.PractitionerSettings),
        ("clinics", m.ClinicsSettings),
    ]
    for prefix, section in prefixed:
        for name in section.model_fields:
            assert any(i.startswith(f"{prefix}.{name}") for i in ids), f"{prefix}.{name}"
    for name in m.GeneralTexts.model_fields:
        assert name in ids, name
    # Kliniktext: the standard heading and text, and the clinic-specific ones.
    assert {"clinic_texts.standard", "clinic_texts.per_clinic"} <= ids
    # Bokningssteg ordning: merged view here; every order in test_every_step_order_walks_….
    assert {"merged_view", "steps.order"} <= ids


# --- the manual's example path -----------------------------------------------------------------


def test_default_path_is_the_manuals_example() -> None:
    pages = bf.walk(BASE, CATALOGUE, NOW)
    assert [p.kind for p in pages] == [
        "clinic",
        "treatment",
        "practitioner",
        "time",
        "details",
        "confirm",
    ]
    confirm = pages[-1]
    assert confirm.summary[0] == "OpusTandläkarna"
    assert "Olle Ohlsson" in confirm.summary
    assert "Undersökning - E-tid" in confirm.summary
    assert confirm.confirm_method == "recaptcha"
    details = render_plain(pages[4])
    assert standard_texts.PATIENT_INFO in details
    assert "Förnamn *: Maria" in details
    assert bf.PERSONAL_NUMBER_HELP in details
    effects = {e.heading.split(" (")[0]: e.body for e in confirm.effects}
    assert effects["Tidbokstext"] == "Undersökning - E-tid CC: 1234"
    assert effects["E-postbekräftelse"].startswith(
        "Hej Maria Martinsson,\nDu har bokat tid hos Olle Ohlsson på OpusTandläkarna\n"
    )
    assert effects["SMS-bekräftelse"].startswith("Bokningsbekräftelse\nDin tid: 2026-")


def test_titles_only_with_consent_per_clinic() -> None:
    # Arne Andersson has title consent at both clinics, Olle has none.
    text = first_page(BASE)
    assert "Arne Andersson – Tandläkare" in text
    assert "Olle Ohlsson – " not in text
    assert "Olle Ohlsson" in text


def test_ungrouped_heading_only_when_some_clinics_are_grouped() -> None:
    assert "Ogrupperade kliniker" in first_page(BASE)
    data = base_data()
    for c in data["clinics"]["published"]:
        c["group"] = ""
    assert "Ogrupperade kliniker" not in first_page(config_of(data))


def test_inactive_practitioner_is_shown_disabled_with_reason() -> None:
    text = path(BASE, clinic="Limhamns")
    assert "(-) Per Holm  [Inaktiv i Opus]" in text


def test_back_and_restart() -> None:
    choices = bf.Choices()
    for _ in range(3):
        action = bf.page(BASE, CATALOGUE, choices, NOW).first_choice()
        assert action is not None
        choices = bf.step(BASE, CATALOGUE, choices, action, NOW)
    assert bf.page(BASE, CATALOGUE, choices, NOW).kind == "time"
    back = bf.step(BASE, CATALOGUE, choices, bf.BACK, NOW)
    assert bf.page(BASE, CATALOGUE, back, NOW).kind == "practitioner"
    assert bf.step(BASE, CATALOGUE, choices, bf.RESTART, NOW) == bf.Choices()


def test_invalid_action_is_refused() -> None:
    with pytest.raises(bf.InvalidAction):
        bf.step(BASE, CATALOGUE, bf.Choices(), bf.Action("choose", "clinic", "nope"), NOW)


def test_replay_drops_a_pick_that_is_no_longer_offered() -> None:
    pages_choices = bf.Choices()
    for want in ("OpusTandläkarna", "Undersökning", "Olle Ohlsson"):
        p = bf.page(BASE, CATALOGUE, pages_choices, NOW)
        action = next(a for a in p.selectable() if a.kind == "choose")
        action = p.find(next(g.step for g in p.groups if g.step), want) or action
        pages_choices = bf.step(BASE, CATALOGUE, pages_choices, action, NOW)
    without = config_of({**base_data(), "clinics": {"published": published_without_olle()}})
    replayed = bf.replay(without, CATALOGUE, pages_choices, NOW)
    assert [k for k, _ in replayed.picks] == ["clinic", "treatment"]
    assert bf.page(without, CATALOGUE, replayed, NOW).kind == "practitioner"


def test_hours_limit_marks_only_bookings_inside_the_window() -> None:
    config = patched(B + "hours_limit", 24)
    page = bf.page(config, CATALOGUE, logged_in(config), NOW)
    by_heading = {g.heading: g.options for g in page.groups}
    inside = [h for h, opts in by_heading.items() if all(not o.enabled for o in opts)]
    assert len(inside) == 1
    reasons = {o.reason for o in by_heading[inside[0]]}
    assert reasons == {"Kan inte ändras inom 24 timmar"}


def test_sms_login_does_not_satisfy_new_booking_requires_login() -> None:
    config = patched(G + "new_booking_requires_login", True)
    choices = logged_in(config, "sms")
    choices = bf.step(config, CATALOGUE, choices, bf.Action("new_booking"), NOW)
    assert bf.page(config, CATALOGUE, choices, NOW).kind == "login_required"
    eid = bf.step(config, CATALOGUE, logged_in(config, "eid"), bf.Action("new_booking"), NOW)
    assert bf.page(config, CATALOGUE, eid, NOW).kind == "clinic"


def test_any_clinic_searches_the_whole_group() -> None:
    config = patched(G + "any_clinic", True)
    pages = bf.walk(config, CATALOGUE, NOW, {"clinic": "Vilken som helst: LUND"})
    practitioners = {o.label for o in pages[2].options("practitioner")}
    assert "Göran Persson" in practitioners  # at Utbildningsenheten and OpusTandläkarna
    assert pages[-1].kind == "confirm"


# --- every valid step order --------------------------------------------------------------------


def valid_orders() -> list[tuple[str, ...]]:
    out = []
    for combo in itertools.product(*(STEP_CHOICES[f] for f in STEP_FIELDS)):
        if len(set(combo)) == 4:
            out.append(tuple(k.value for k in combo))
    return out


ORDERS = valid_orders()


def test_there_are_valid_orders() -> None:
    assert len(ORDERS) >= 10
    assert tuple(k.value for k in MERGED_ORDER) in ORDERS


@pytest.mark.parametrize("order", ORDERS, ids=["-".join(o) for o in ORDERS])
def test_every_step_order_walks_to_bekrafta(order: tuple[str, ...]) -> None:
    steps = dict(zip(STEP_FIELDS, order, strict=True))
    config = patched("flexibility.steps", steps)
    pages = bf.walk(config, CATALOGUE, NOW)
    labels = [bf.CRUMB_LABELS[s] for s in order] + ["Personuppgifter", "Bekräfta"]
    assert [c.label for c in pages[0].breadcrumb] == labels
    assert [p.kind for p in pages] == [*order, "details", "confirm"]
    for n, p in enumerate(pages):
        assert [c.state for c in p.breadcrumb].index("current") == n
    assert pages[-1].effects and pages[-1].effects[0].heading == "Tidbokstext"


def test_merged_view_walks_to_bekrafta() -> None:
    config = patched("flexibility.steps.merged_view", True)
    pages = bf.walk(config, CATALOGUE, NOW)
    assert pages[0].breadcrumb_text == (
        "Klinik > Behandling & Behandlare > Tid & Personuppgifter > Bekräfta"
    )
    currents = [next(c.label for c in p.breadcrumb if c.state == "current") for p in pages]
    assert currents[0] == "Klinik"
    assert "Behandling & Behandlare" in currents
    assert currents[-1] == "Bekräfta"
    merged = next(p for p in pages if p.heading == "Behandling & Behandlare")
    assert {g.step for g in merged.groups} >= {"treatment", "practitioner"}
    headings = [g.heading for g in merged.groups if g.heading]
    assert headings[:2] == ["Välj typ av behandling", "Välj en behandlare"]
    assert pages[-1].kind == "confirm"


def test_an_invalid_draft_order_is_shown_with_a_notice() -> None:
    config = BASE.model_copy(
        update={
            "flexibility": BASE.flexibility.model_copy(
                update={
                    "steps": BASE.flexibility.steps.model_copy(
                        update={"second": BASE.flexibility.steps.first}
                    )
                }
            )
        }
    )
    page = bf.page(config, CATALOGUE, bf.Choices(), NOW)
    assert any(n.heading == "Ogiltig stegordning" for n in page.notices)
    assert bf.walk(config, CATALOGUE, NOW)[-1].kind == "confirm"


# --- random configurations and catalogues ------------------------------------------------------


@st.composite
def configurations(draw: st.DrawFn) -> WebConfiguration:
    data = base_data()
    clinics = data["clinics"]["published"]
    keep = draw(st.lists(st.sampled_from(range(len(clinics))), unique=True, max_size=len(clinics)))
    published = []
    for i in keep:
        c = dict(clinics[i])
        ps = c["practitioners"]
        c["practitioners"] = (
            draw(st.lists(st.sampled_from(ps), unique_by=lambda p: p["practitioner_id"]))
            if ps
            else []
        )
        c["group"] = draw(st.sampled_from(["", "LUND", "MALMÖ", c["group"]]))
        published.append(c)
    if draw(st.booleans()):
        published.append(
            {
                "database": "Okänd",
                "clinic_id": "9",
                "name": "Spökkliniken",
                "practitioners": [{"practitioner_id": "99"}],
            }
        )
    data["clinics"]["published"] = published
    for section, model in (
        ("general", "flexibility.general"),
        ("registration", "flexibility.registration"),
    ):
        from opus_tui.domain.config import GeneralSettings, RegistrationSettings

        fields = (GeneralSettings if section == "general" else RegistrationSettings).model_fields
        for name in fields:
            _apply(data, f"{model}.{name}", draw(st.booleans()))
    from opus_tui.domain.config import BookingSettings

    for name, info in BookingSettings.model_fields.items():
        if info.annotation is bool:
            _apply(data, f"flexibility.booking.{name}", draw(st.booleans()))
    _apply(data, "flexibility.booking.hours_limit", draw(st.integers(0, 24 * 30)))
    merged = draw(st.booleans())
    order = tuple(k.value for k in MERGED_ORDER) if merged else draw(st.sampled_from(ORDERS))
    _apply(
        data,
        "flexibility.steps",
        {"merged_view": merged, **dict(zip(STEP_FIELDS, order, strict=True))},
    )
    _apply(data, "media.texts.patient_info_text", draw(st.sampled_from(["", "Egen text"])))
    _apply(data, "email.new_booking", draw(st.sampled_from(["", "Hej {patient_name}", "{oops"])))
    return config_of(data)


@st.composite
def catalogues(draw: st.DrawFn) -> Catalogue:
    times = CATALOGUE.times
    n = len(times)
    start = draw(st.integers(0, n))
    length = draw(st.integers(0, 400))
    chosen = list(times[start : start + length])
    if draw(st.booleans()):  # times without a treatment, for any treatment
        chosen = [replace(t, treatment_id=None) for t in chosen]
    if draw(st.booleans()):  # a time for a practitioner the catalogue does not know
        chosen.append(
            OnlineTime(LUND, "404", "1", NOW + timedelta(days=1), NOW + timedelta(days=1, hours=1))
        )
    practitioners = CATALOGUE.practitioners
    if draw(st.booleans()):
        practitioners = tuple(p for p in practitioners if p.practitioner_id != "1")
    return replace(CATALOGUE, practitioners=practitioners, times=OnlineTimes(chosen))


@settings(
    max_examples=int(os.environ.get("BF_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    config=configurations(),
    catalogue=catalogues(),
    moves=st.lists(st.integers(0, 50), max_size=12),
    offset=st.integers(-2, 24 * 60),
)
def test_random_configurations_always_give_a_walkable_page_or_a_notice(
    config: WebConfiguration, catalogue: Catalogue, moves: list[int], offset: int
) -> None:
    now = NOW + timedelta(hours=offset)
    choices = bf.Choices()
    for move in moves:
        page = bf.page(config, catalogue, choices, now)
        actions = page.selectable()
        assert actions or page.notices, render_plain(page)
        render_plain(page)
        if not actions or move % 10 == 9:
            choices = bf.step(config, catalogue, choices, bf.BACK if move % 2 else bf.RESTART, now)
            continue
        choices = bf.step(config, catalogue, choices, actions[move % len(actions)], now)
        choices = bf.replay(config, catalogue, choices, now)
    bf.page(config, catalogue, choices, now)


# --- explain -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "what", "expected"),
    [
        (BASE, "photo:Olle Ohlsson", "Ingen bild: Olle Ohlsson har ingen profilbild"),
        (BASE, "photo:Göran Persson@OpusTandläkarna", "samtycke för profilbild saknas"),
        (BASE, "photo:Lena Svensson", "Bilden på Lena Svensson visas"),
        (
            config_of({**base_data(), "clinics": {"published": published_without_olle()}}),
            "practitioner:Olle Ohlsson",
            "inte tillagd (publicerad)",
        ),
        (BASE, "practitioner:Per Holm", "inaktiv i Opus"),
        (BASE, "practitioner:Olle Ohlsson", "Olle Ohlsson erbjuds"),
        (BASE, "treatment:Lagning", "kan inte bokas via webben"),
        (BASE, "clinic:City Praktiken", "City Praktiken erbjuds"),
        (patched(B + "hours_limit", 24), "booking:b1", "Kan inte ändras inom 24 timmar"),
        (patched(G + "maintenance_mode", True), "clinic:City Praktiken", "Underhållsläge"),
    ],
    ids=[
        "photo-no-file",
        "photo-no-consent",
        "photo-shown",
        "practitioner-not-published",
        "practitioner-inactive",
        "practitioner-offered",
        "treatment-not-in-web",
        "clinic-offered",
        "booking-inside-window",
        "maintenance",
    ],
)
def test_explain(config: WebConfiguration, what: str, expected: str) -> None:
    assert expected in bf.explain(config, CATALOGUE, what, NOW)


def test_explain_weekend_only_practitioner() -> None:
    # A practitioner whose only free times are on a Saturday.
    saturday = datetime(2026, 11, 28, 9, 0)
    times = tuple(t for t in CATALOGUE.times if t.practitioner_id != "5" or t.database != LUND)
    times += (OnlineTime(LUND, "5", "2", saturday, saturday + timedelta(minutes=30), "1"),)
    catalogue = replace(CATALOGUE, times=OnlineTimes(times))
    off = patched(G + "weekend_booking", False)
    assert "helgbokning är avaktiverad" in bf.explain(off, catalogue, "practitioner:Lars Kniv", NOW)
    assert "Lars Kniv erbjuds" in bf.explain(BASE, catalogue, "practitioner:Lars Kniv", NOW)
    sat = bf.Subject("time", LUND, "2", "5", start=saturday)
    assert "Helgbokning är avaktiverad" in bf.explain(off, catalogue, sat, NOW)


def test_explain_no_free_times() -> None:
    catalogue = replace(CATALOGUE, times=OnlineTimes())
    assert "inga lediga tider" in bf.explain(BASE, catalogue, "clinic:City Praktiken", NOW)
    late = NOW + timedelta(days=90)
    assert "har passerat" in bf.explain(BASE, CATALOGUE, "practitioner:Olle Ohlsson", late)


@pytest.mark.parametrize(
    ("day", "expected"),
    [(1, "1:a"), (2, "2:a"), (3, "3:e"), (11, "11:e"), (12, "12:e"), (21, "21:a"), (31, "31:a")],
)
def test_swedish_ordinals(day: int, expected: str) -> None:
    assert bf.ordinal(day) == expected


def test_time_labels_as_on_the_booking_page() -> None:
    assert bf.day_label(datetime(2026, 4, 1, 8, 0)) == "Onsdag 1:a april"
    assert bf.time_range(datetime(2026, 4, 1, 8, 0), 30) == "8:00 - 8:30"


def test_subjects_of_options_explain_what_they_show() -> None:
    choices = bf.Choices()
    for s in ("clinic", "treatment"):
        action = bf.page(BASE, CATALOGUE, choices, NOW).first_choice()
        assert action is not None
        assert [x.kind for x in bf.subjects_of(action, choices)] == [s]
        choices = bf.step(BASE, CATALOGUE, choices, action, NOW)
    page = bf.page(BASE, CATALOGUE, choices, NOW)
    lena = page.find("practitioner", "Lena Svensson")
    assert lena is not None
    kinds = [x.kind for x in bf.subjects_of(lena, choices)]
    assert kinds == ["practitioner", "photo"]
    texts = [bf.explain(BASE, CATALOGUE, x, NOW) for x in bf.subjects_of(lena, choices)]
    assert texts == ["Lena Svensson erbjuds.", "Bilden på Lena Svensson visas (samtycke finns)."]
    anyone = page.find("practitioner", "Vilken behandlare som helst")
    assert anyone is not None and bf.subjects_of(anyone, choices) == []
