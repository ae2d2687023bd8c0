"""Konfiguration: Opus database profiles, the portal account and the client certificate.

Secrets (passwords, API key, key passphrase) are not fields here: the store keeps them apart,
encrypted, under the names returned by the ``*_secret_name`` helpers.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from pydantic import field_validator, model_validator

from opus_tui.domain.config import RuleError, Section
from opus_tui.domain.fields import list_setting, setting

_SECRET_IN_STRING = re.compile(r"(?i)(?:^|;)\s*(pwd|password)\s*=")


class DatabaseProfile(Section):
    name: str = setting(
        ..., "Namn", "Namnet som visas under Välj databas.", min_length=1, max_length=100
    )
    connection_string: str = setting(
        ...,
        "ODBC-anslutningssträng",
        "T.ex. DRIVER={ODBC Driver 18 for SQL Server};SERVER=srv;DATABASE=opus; ej PWD",
        min_length=1,
        max_length=2000,
    )
    schema_map: str = setting(
        "",
        "Schemamappning",
        "Sökväg till en egen schemamappning (TOML). Tom: standardmappningen.",
        max_length=1000,
    )

    @field_validator("connection_string")
    @classmethod
    def _no_password(cls, value: str) -> str:
        if _SECRET_IN_STRING.search(value):
            raise RuleError(
                None, "lösenordet får inte stå i anslutningssträngen; ange det i fältet Lösenord"
            )
        return value


def database_secret_name(profile_name: str) -> str:
    return f"database:{profile_name}"


API_KEY_SECRET = "portal:api_key"
CERTIFICATE_KEY_PASSPHRASE_SECRET = "certificate:key_passphrase"


def plain_http_elsewhere(url: str) -> bool:
    """An http:// address of another machine: refused (the API key would travel in clear
    text); http:// only to this machine (the portal emulator)."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() != "http" or not parts.hostname:
        return False
    if parts.hostname == "localhost":
        return False
    try:
        return not ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return True


class PortalAccount(Section):
    url: str = setting(
        "https://portal.opusdentalonline.com",
        "Portalens adress",
        "Adressen till Opus Dental Online-portalens API.",
        max_length=500,
    )

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/]+", value):
            raise RuleError(None, "måste vara en adress som börjar med https://")
        return value.rstrip("/")


class CertificateSettings(Section):
    certificate_path: str = setting(
        "", "Certifikat", "Klientcertifikat (PEM) för portalen.", max_length=1000
    )
    key_path: str = setting(
        "", "Privat nyckel", "Certifikatets privata nyckel (PEM).", max_length=1000
    )

    @model_validator(mode="after")
    def _both_or_none(self) -> CertificateSettings:
        if bool(self.certificate_path) != bool(self.key_path):
            field = "key_path" if self.certificate_path else "certificate_path"
            raise RuleError(field, "ange både certifikat och privat nyckel, eller ingen av dem")
        return self


class ConnectionSettings(Section):
    databases: list[DatabaseProfile] = list_setting("Databaser")
    account: PortalAccount = setting(PortalAccount(), "Mitt konto")
    certificate: CertificateSettings = setting(CertificateSettings(), "Certifikat")

    @model_validator(mode="after")
    def _unique_names(self) -> ConnectionSettings:
        names = [d.name for d in self.databases]
        if len(set(names)) != len(names):
            raise RuleError("databases", "två databaser har samma namn")
        return self

    def database(self, name: str) -> DatabaseProfile | None:
        return next((d for d in self.databases if d.name == name), None)
