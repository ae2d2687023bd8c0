"""Every validation rule of the domain, valid and invalid side, and every warning."""

from __future__ import annotations

from typing import Any

import pytest

from opus_tui.domain import (
    MERGED_ORDER,
    SECTION_NAMES,
    STEP_CHOICES,
    CertificateSettings,
    ConnectionSettings,
    DatabaseProfile,
    PortalAccount,
    Problem,
    StepKind,
    WebConfiguration,
    check,
    validate_config,
)
from opus_tui.domain.config import SubdomainSettings


def errors(data: dict[str, Any]) -> list[Problem]:
    config, problems = validate_config(data)
    found = [p for p in problems if p.is_error]
    assert (config is None) == bool(found)
    return found


def error_keys(data: dict[str, Any]) -> list[str]:
    return [p.key for p in errors(data)]


def warning_messages(config: WebConfiguration) -> dict[str, str]:
    return {p.key: p.message for p in check(config) if not p.is_error}


def clinic(
    clinic_id: str = "1", group: str = "", practitioners: tuple[str, ...] = ("7",)
) -> dict[str, Any]:
    return {
        "database": "Opus",
        "clinic_id": clinic_id,
        "name": f"Klinik {clinic_id}",
        "group": group,
        "practitioners": [{"practitioner_id": p, "name": f"B {p}"} for p in practitioners],
    }


# --- Underdomän -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["abc", "tandmottagningen", "a-b", "klinik-2", "x" * 50, ""])
def test_subdomain_valid(name: str) -> None:
    assert errors({"subdomain": {"name": name}}) == []


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("-bad-", "bindestreck"),
        ("bad-", "bindestreck"),
        ("-bad", "bindestreck"),
        ("x" * 51, "3–50 tecken"),
        ("ab", "3–50 tecken"),
        ("tand_vård", "otillåtet"),
        ("tand.se", "otillåtet"),
        ("tand vård", "otillåtet"),
    ],
)
def test_subdomain_invalid(name: str, fragment: str) -> None:
    (problem,) = errors({"subdomain": {"name": name}})
    assert problem.key == "subdomain.name"
    assert problem.label == "Underdomän"
    assert fragment in problem.message
    assert problem.value == name.strip().lower() or problem.value == name


def test_subdomain_uppercase_and_spaces_normalised() -> None:
    assert SubdomainSettings(name="  TandMottagningen ").name == "tandmottagningen"
    assert SubdomainSettings(name="Abc").address == "abc.opusdentalonline.com"


# --- Step order ---------------------------------------------------------------------------------


def steps(**values: Any) -> dict[str, Any]:
    return {"flexibility": {"steps": values}}


def test_default_order() -> None:
    config = WebConfiguration()
    assert config.flexibility.steps.order == MERGED_ORDER


@pytest.mark.parametrize(
    "order",
    [
        ("clinic", "treatment", "practitioner", "time"),
        ("clinic", "practitioner", "treatment", "time"),
        ("practitioner", "clinic", "treatment", "time"),
        ("treatment", "time", "practitioner", "clinic"),
        ("treatment", "clinic", "time", "practitioner"),
    ],
)
def test_step_order_valid(order: tuple[str, ...]) -> None:
    data = steps(**dict(zip(("first", "second", "third", "fourth"), order, strict=True)))
    assert errors(data) == []


def test_step_twice_is_refused() -> None:
    (problem,) = errors(steps(second="practitioner", third="practitioner"))
    assert problem.key == "flexibility.steps.third"
    assert problem.label == "Tredje steget"
    assert "Behandlare är redan valt som andra steg" in problem.message


@pytest.mark.parametrize(
    ("field", "kind"),
    [("first", "time"), ("fourth", "treatment")],
)
def test_per_step_choices(field: str, kind: str) -> None:
    assert StepKind(kind) not in STEP_CHOICES[field]
    problems = errors(steps(**{field: kind}))
    assert f"flexibility.steps.{field}" in [p.key for p in problems]
    assert "kan inte vara" in problems[0].message


def test_unknown_step_kind() -> None:
    (problem,) = errors(steps(first="waiting_room"))
    assert problem.key == "flexibility.steps.first"
    assert "måste vara en av" in problem.message


def test_merged_view_forces_order() -> None:
    assert errors(steps(merged_view=True)) == []
    (problem,) = errors(steps(merged_view=True, second="practitioner", third="treatment"))
    assert problem.key == "flexibility.steps.merged_view"
    assert "Klinik, Behandling, Behandlare, Tid" in problem.message


# --- Booking settings ---------------------------------------------------------------------------


@pytest.mark.parametrize("hours", [0, 1, 24, 24 * 365])
def test_hours_valid(hours: int) -> None:
    assert errors({"flexibility": {"booking": {"hours_limit": hours}}}) == []


@pytest.mark.parametrize(
    ("hours", "fragment"),
    [(-1, "≥ 0"), (1.5, "heltal"), ("24", "heltal"), (24 * 365 + 1, "högst"), (True, "heltal")],
)
def test_hours_invalid(hours: Any, fragment: str) -> None:
    (problem,) = errors({"flexibility": {"booking": {"hours_limit": hours}}})
    assert problem.key == "flexibility.booking.hours_limit"
    assert problem.label == "Avbokning/ombokning kan inte göras inom"
    assert fragment in problem.message


def test_bool_settings_refuse_text() -> None:
    (problem,) = errors({"flexibility": {"general": {"any_clinic": "kanske"}}})
    assert problem.key == "flexibility.general.any_clinic"
    assert "true eller false" in problem.message


# --- Text limits --------------------------------------------------------------------------------


def profile(text: str) -> dict[str, Any]:
    return {
        "practitioners": {"profiles": [{"database": "Opus", "practitioner_id": "7", "text": text}]}
    }


def test_practitioner_text_limit() -> None:
    assert errors(profile("x" * 100)) == []
    (problem,) = errors(profile("x" * 101))
    assert problem.key == "practitioners.profiles[0].text"
    assert "högst 100 tecken (är 101)" in problem.message


def title_data(title: str) -> dict[str, Any]:
    data = {"clinics": {"published": [clinic()]}}
    data["clinics"]["published"][0]["practitioners"][0]["title"] = title
    return data


def test_title_limit() -> None:
    assert errors(title_data("t" * 50)) == []
    (problem,) = errors(title_data("t" * 51))
    assert problem.key == "clinics.published[0].practitioners[0].title"
    assert problem.label == "Behandlars titel"
    assert "högst 50" in problem.message


@pytest.mark.parametrize(
    ("path", "limit"),
    [
        (("media", "texts", "welcome_text"), 2000),
        (("media", "clinic_texts", "header"), 100),
        (("media", "deviations", "maintenance"), 1000),
        (("sms", "new_booking"), 1000),
        (("email", "cancellation"), 5000),
        (("advanced", "analytics_script"), 20000),
    ],
)
def test_other_text_limits(path: tuple[str, ...], limit: int) -> None:
    def nested(value: str) -> dict[str, Any]:
        data: dict[str, Any] = {path[-1]: value}
        for part in reversed(path[:-1]):
            data = {part: data}
        return data

    assert errors(nested("x" * limit)) == []
    (problem,) = errors(nested("x" * (limit + 1)))
    assert problem.key == ".".join(path)


# --- Colours, e-mail sender ---------------------------------------------------------------------


@pytest.mark.parametrize("colour", ["#1B5E8C", "#000000", "#ffffff", "#aBcD09"])
def test_colour_valid(colour: str) -> None:
    assert errors({"media": {"branding": {"colour": colour}}}) == []


@pytest.mark.parametrize("colour", ["red", "#FFF", "1B5E8C", "#1B5E8G", "#1B5E8C0", ""])
def test_colour_invalid(colour: str) -> None:
    (problem,) = errors({"media": {"branding": {"colour": colour}}})
    assert problem.key == "media.branding.colour"
    assert problem.label == "Färgschema"
    assert "#RRGGBB" in problem.message
    assert problem.value == colour


@pytest.mark.parametrize(
    "sender",
    [
        "",
        "bokning@klinik.se",
        '"Kliniken" <bokning@klinik.se>',
        "Kliniken <b@tand-vard.se>",
        "bokning@tandvårdshuset.se",  # IDN domain
        '"Tandvården, Lund" <bokning@klinik.se>',  # a comma inside the quoted name
    ],
)
def test_email_sender_valid(sender: str) -> None:
    assert errors({"email": {"sender": sender}}) == []


@pytest.mark.parametrize(
    "sender",
    [
        "bokning",
        "bokning@",
        "@klinik.se",
        "a b@klinik.se",
        "Kliniken <b@klinik.se",
        "bokning@tand_vard.se",
        "bokning@-klinik.se",
    ],
)
def test_email_sender_invalid(sender: str) -> None:
    (problem,) = errors({"email": {"sender": sender}})
    assert problem.key == "email.sender"
    assert problem.label == "Avsändare"


@pytest.mark.parametrize(
    ("sender", "rule"),
    [
        ("a@klinik.se, b@klinik.se", "bara en avsändaradress"),
        ("Kliniken <a@klinik.se>, b@klinik.se", "ingenting får stå efter >"),
        ('"Kliniken" <a@klinik.se>x', "ingenting får stå efter >"),
        ('"Kliniken" <a@klinik.se> <b@klinik.se>', "bara en avsändaradress"),
        ("bokning\n@klinik.se", "radbrytningar"),
        ("Kliniken <a@klinik.se>\r\nBcc: x@y.se", "radbrytningar"),  # header injection
        ("bok\tning@klinik.se", "styrtecken"),
    ],
)
def test_email_sender_one_address_on_one_line(sender: str, rule: str) -> None:
    (problem,) = errors({"email": {"sender": sender}})
    assert problem.key == "email.sender"
    assert rule in problem.message


# --- Duplicates and unknown keys ----------------------------------------------------------------


def test_duplicate_clinic() -> None:
    (problem,) = errors({"clinics": {"published": [clinic("1"), clinic("1")]}})
    assert problem.key == "clinics.published"
    assert "två gånger" in problem.message


def test_duplicate_practitioner_in_clinic() -> None:
    (problem,) = errors({"clinics": {"published": [clinic("1", practitioners=("7", "7"))]}})
    assert problem.key == "clinics.published[0].practitioners"


def test_same_practitioner_at_two_clinics_is_fine() -> None:
    assert errors({"clinics": {"published": [clinic("1"), clinic("2")]}}) == []


def test_duplicate_profiles_consents_and_clinic_texts() -> None:
    p = {"database": "Opus", "practitioner_id": "7"}
    c = {"database": "Opus", "practitioner_id": "7", "clinic_id": "1"}
    t = {"database": "Opus", "clinic_id": "1"}
    assert error_keys({"practitioners": {"profiles": [p, p]}}) == ["practitioners.profiles"]
    assert error_keys({"practitioners": {"consents": [c, c]}}) == ["practitioners.consents"]
    assert error_keys({"media": {"clinic_texts": {"per_clinic": [t, t]}}}) == [
        "media.clinic_texts.per_clinic"
    ]


def test_unknown_keys_are_refused() -> None:
    keys = error_keys({"flexibility": {"general": {"any_klinik": True}}, "extra": {}})
    assert sorted(keys) == ["extra", "flexibility.general.any_klinik"]


def test_required_identifier() -> None:
    (problem,) = errors({"practitioners": {"profiles": [{"database": "Opus"}]}})
    assert problem.key == "practitioners.profiles[0].practitioner_id"
    assert problem.message == "saknas"


def test_every_error_is_listed_at_once() -> None:
    data = {
        "subdomain": {"name": "-bad-"},
        "flexibility": {"booking": {"hours_limit": -1}},
        "media": {"branding": {"colour": "red"}},
    }
    assert sorted(error_keys(data)) == [
        "flexibility.booking.hours_limit",
        "media.branding.colour",
        "subdomain.name",
    ]


def test_problem_text_names_key_rule_and_value() -> None:
    (problem,) = errors({"media": {"branding": {"colour": "red"}}})
    assert str(problem) == (
        "media.branding.colour (Färgschema): måste vara en färg som #RRGGBB "
        "(sex hexadecimala siffror) — värde: 'red'"
    )


def test_sections_in_manual_order() -> None:
    assert SECTION_NAMES == (
        "subdomain",
        "clinics",
        "practitioners",
        "flexibility",
        "media",
        "email",
        "sms",
        "advanced",
    )


# --- Konfiguration ------------------------------------------------------------------------------


def test_database_profile_without_password() -> None:
    ok = "DRIVER={ODBC Driver 18 for SQL Server};SERVER=s;DATABASE=opus;UID=opus_read"
    assert DatabaseProfile(name="Opus", connection_string=ok).connection_string == ok


@pytest.mark.parametrize(
    "conn",
    [
        "DRIVER={SQL Server};SERVER=s;UID=u;PWD=hemligt",
        "DRIVER={SQL Server};SERVER=s;UID=u; password=hemligt",
        "PWD=x;DRIVER={SQLite3}",
    ],
)
def test_database_profile_refuses_password_in_string(conn: str) -> None:
    with pytest.raises(ValueError, match="lösenordet får inte stå i anslutningssträngen"):
        DatabaseProfile(name="Opus", connection_string=conn)


def test_database_profile_names_unique() -> None:
    p = DatabaseProfile(name="Opus", connection_string="DRIVER={SQLite3};Database=x")
    with pytest.raises(ValueError, match="samma namn"):
        ConnectionSettings(databases=[p, p])


def test_portal_url_and_certificate() -> None:
    assert PortalAccount(url="https://portal.example/").url == "https://portal.example"
    with pytest.raises(ValueError, match="https://"):
        PortalAccount(url="portal.example")
    assert CertificateSettings(certificate_path="a.pem", key_path="a.key").key_path == "a.key"
    with pytest.raises(ValueError, match="både certifikat och privat nyckel"):
        CertificateSettings(certificate_path="a.pem")


# --- Warnings -----------------------------------------------------------------------------------


def config_from(data: dict[str, Any]) -> WebConfiguration:
    base: dict[str, Any] = {"subdomain": {"name": "tandmottagningen"}}
    for key, value in data.items():
        base[key] = value
    return WebConfiguration.model_validate(base)


def test_no_warnings_for_a_complete_config() -> None:
    config = config_from({"clinics": {"published": [clinic("1", "LUND"), clinic("2", "MALMÖ")]}})
    assert warning_messages(config) == {}


def test_warning_no_subdomain() -> None:
    assert "subdomain.name" in warning_messages(WebConfiguration())


def test_warning_only_some_clinics_grouped() -> None:
    config = config_from({"clinics": {"published": [clinic("1", "LUND"), clinic("2")]}})
    message = warning_messages(config)["clinics.published"]
    assert "Ogrupperade kliniker" in message
    assert "Klinik 2" in message
    none_grouped = config_from({"clinics": {"published": [clinic("1"), clinic("2")]}})
    assert "clinics.published" not in warning_messages(none_grouped)


def test_warning_groups_that_differ_only_in_case() -> None:
    config = config_from(
        {
            "clinics": {
                "published": [clinic("1", "Malmö"), clinic("2", "MALMÖ"), clinic("3", "LUND")]
            }
        }
    )
    message = warning_messages(config)["clinics.published"]
    assert "'MALMÖ' och 'Malmö'" in message and "stora och små bokstäver" in message
    assert "LUND" not in message


def test_warning_any_clinic_without_groups() -> None:
    config = config_from(
        {
            "clinics": {"published": [clinic("1")]},
            "flexibility": {"general": {"any_clinic": True}},
        }
    )
    assert "flexibility.general.any_clinic" in warning_messages(config)


def test_warning_no_practitioners_added() -> None:
    config = config_from({"clinics": {"published": [clinic("1", "LUND", ())]}})
    assert "inga tillagda behandlare" in warning_messages(config)["clinics.published"]


@pytest.mark.parametrize(
    ("general", "key"),
    [
        (
            {
                "login_enabled": False,
                "sms_login": False,
                "show_bookings": False,
                "new_booking_requires_login": True,
            },
            "flexibility.general.new_booking_requires_login",
        ),
        ({"login_enabled": False, "show_bookings": False}, "flexibility.general.sms_login"),
        ({"login_enabled": False, "sms_login": False}, "flexibility.general.show_bookings"),
        ({"code_challenge": True, "skip_confirmation": True}, "flexibility.general.code_challenge"),
        ({"maintenance_mode": True}, "flexibility.general.maintenance_mode"),
        ({"publish_opus_online": False}, "flexibility.general.publish_opus_online"),
    ],
)
def test_flexibility_warnings(general: dict[str, bool], key: str) -> None:
    config = config_from({"flexibility": {"general": general}})
    assert list(warning_messages(config)) == [key]


def test_warning_code_challenge_without_email_or_mobile() -> None:
    config = config_from(
        {
            "flexibility": {
                "general": {"code_challenge": True},
                "registration": {"email": False, "mobile": False},
            }
        }
    )
    assert (
        "varken E-post eller Mobilnummer"
        in warning_messages(config)["flexibility.general.code_challenge"]
    )
    with_mobile = config_from(
        {"flexibility": {"general": {"code_challenge": True}, "registration": {"email": False}}}
    )
    assert warning_messages(with_mobile) == {}


def test_warning_new_booking_off() -> None:
    config = config_from({"flexibility": {"booking": {"new_booking": False}}})
    assert list(warning_messages(config)) == ["flexibility.booking.new_booking"]


def test_warnings_about_practitioners() -> None:
    config = config_from(
        {
            "clinics": {"published": [clinic("1", "LUND", ("7",))]},
            "practitioners": {
                "profiles": [
                    {"database": "Opus", "practitioner_id": "8", "text": "Inte tillagd"},
                    {"database": "Opus", "practitioner_id": "7", "photo": "olle.png"},
                ],
                "consents": [
                    {"database": "Opus", "practitioner_id": "7", "clinic_id": "2", "title": True}
                ],
            },
        }
    )
    warnings = warning_messages(config)
    assert "inte tillagd under Kliniker" in warnings["practitioners.profiles[0]"]
    assert "samtycke för profilbild saknas" in warnings["practitioners.profiles[1].photo"]
    assert "som inte är tillagd där" in warnings["practitioners.consents[0]"]
    with_consent = config_from(
        {
            "clinics": {"published": [clinic("1", "LUND", ("7",))]},
            "practitioners": {
                "profiles": [{"database": "Opus", "practitioner_id": "7", "photo": "olle.png"}],
                "consents": [
                    {"database": "Opus", "practitioner_id": "7", "clinic_id": "1", "photo": True}
                ],
            },
        }
    )
    assert warning_messages(with_consent) == {}


@pytest.mark.parametrize(
    ("url", "refused"),
    [
        ("https://portal.opusdentalonline.com", False),
        ("http://127.0.0.1:8765", False),
        ("http://localhost:8765", False),
        ("http://[::1]:8765", False),
        ("http://portal.example.se", True),
        ("http://10.0.0.5", True),
        ("HTTP://portal.example.se", True),
    ],
)
def test_plain_http_only_to_this_machine(url: str, refused: bool) -> None:
    """One rule for Konfiguration's Spara and the portal client."""
    from opus_tui.domain.connections import plain_http_elsewhere

    assert plain_http_elsewhere(url) is refused


def test_an_empty_required_text_says_it_may_not_be_empty() -> None:
    (problem,) = errors({"clinics": {"published": [{"database": "", "clinic_id": "1"}]}})
    assert problem.message == "får inte vara tomt"
