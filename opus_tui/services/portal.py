"""Client of the hosted portal's configuration API (docs/portal-api.md). Synchronous; the app calls
it from thread workers.

- API key in the ``apiKey`` header only (never in a URL), scrubbed from every error text.
- TLS verification always on; optional client certificate (Konfiguration › Certifikat); plain
  http only to a loopback address (the emulator).
- Retries with exponential backoff and jitter (stamina) for reads and for writes, which always
  carry an ``Idempotency-Key``; a retried write is applied once by the portal.
- Every failure becomes one :class:`PortalError` with a Swedish message.

httpx is imported lazily so that this module stays cheap to import.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar
from urllib.parse import quote, urlsplit

from pydantic import BaseModel, TypeAdapter, ValidationError

from opus_tui.domain.connections import plain_http_elsewhere
from opus_tui.services import wire_models as wm

if TYPE_CHECKING:
    import ssl

    import httpx

API_BASE = "/api/config/v1"

PortalErrorKind = Literal[
    "credentials",  # 401/403, certificate problems
    "unknown_subdomain",  # 404
    "name_taken",  # 409
    "conflict",  # 412: changed on the portal
    "invalid",  # 413/415/422: the portal refused a value
    "unreachable",  # 5xx, timeouts, connection errors
    "unexpected",  # anything else (a bug on one side)
]

# Contract field names that are not wire properties, as the user knows them.
_FIELD_LABELS = {"name": "Underdomän", "body": "bilden", "clinicianId": "behandlar-id"}

UNREACHABLE_MESSAGE = "Portalen kan inte nås — dina ändringar sparas och publiceras senare."
# A server that wants a client certificate may just hang up under TLS 1.3 (no alert reaches us).
NO_CERTIFICATE_HINT = (
    "Portalen stängde anslutningen utan svar; kräver den ett klientcertifikat, ange det under "
    "Konfiguration › Certifikat."
)

log = logging.getLogger(__name__)

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


class PortalError(Exception):
    """One failure of a portal call, with a message for the user (Swedish)."""

    def __init__(
        self,
        kind: PortalErrorKind,
        message: str,
        *,
        status: int | None = None,
        field: str = "",
        current: wm.Configuration | None = None,
        current_etag: str | None = None,
    ) -> None:
        super().__init__(message)
        self.kind: PortalErrorKind = kind
        self.message = message
        self.status = status
        self.field = field
        self.current = current
        self.current_etag = current_etag

    def __repr__(self) -> str:
        return f"PortalError({self.kind!r}, {self.message!r}, status={self.status!r})"


@dataclass(frozen=True)
class Versioned(Generic[T]):
    """A portal document and the ETag of its version."""

    value: T
    etag: str


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff for retried calls (stamina: exponential with jitter, bounded)."""

    attempts: int = 6
    timeout: float = 30.0
    wait_initial: float = 0.2
    wait_max: float = 5.0
    wait_jitter: float = 1.0


@dataclass(frozen=True)
class ClientCertificate:
    cert_file: Path
    key_file: Path | None = None
    password: str | None = None  # secret: never logged

    def __repr__(self) -> str:
        return f"ClientCertificate(cert_file={self.cert_file!r}, key_file={self.key_file!r})"


class _Retryable(Exception):
    """A response worth retrying (5xx, 429)."""

    def __init__(self, status: int) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status


# TLS alerts by which a server refuses our client certificate (or its absence).
_CERTIFICATE_REFUSED = (
    "CERTIFICATE_REQUIRED",
    "BAD_CERTIFICATE",
    "CERTIFICATE_UNKNOWN",
    "UNKNOWN_CA",
    "HANDSHAKE_FAILURE",
)


def _tls_problem(exc: BaseException) -> str | None:
    """ "verify" when the portal's certificate failed, "client" when ours was refused."""
    import ssl

    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            break
        if isinstance(seen, ssl.SSLCertVerificationError):
            return "verify"
        text = f"{getattr(seen, 'reason', '') or ''} {seen}".upper()
        if any(alert in text for alert in _CERTIFICATE_REFUSED):
            return "client"
        seen = seen.__cause__ or seen.__context__
    return None


class PortalClient:
    """Calls of the configuration API for one account (API key, optional client certificate)."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        client_certificate: ClientCertificate | None = None,
        ca_file: Path | None = None,
        timeout: float = 10.0,
        retry: RetryPolicy | None = None,
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise PortalError("invalid", f"Portalens adress är ogiltig: {base_url}", field="url")
        if plain_http_elsewhere(base_url):
            raise PortalError("invalid", "Portalens adress måste börja med https://", field="url")
        if not api_key:
            raise PortalError("credentials", "API-nyckel saknas (Konfiguration › Mitt konto).")
        self.base_url = base_url.rstrip("/")
        if not self.base_url.endswith(API_BASE):
            self.base_url += API_BASE
        self._secrets = [api_key]
        if client_certificate is not None and client_certificate.password:
            self._secrets.append(client_certificate.password)
        self._api_key = api_key
        self._retry = retry or RetryPolicy()
        # A hang-up without a response may be a refused (missing) client certificate.
        self._hint_certificate = parts.scheme == "https" and client_certificate is None

        import httpx

        self._http = httpx.Client(
            verify=self._ssl_context(client_certificate, ca_file),
            timeout=httpx.Timeout(timeout, connect=min(5.0, timeout)),
            headers={"Accept": "application/json", "User-Agent": "opus-tui"},
            follow_redirects=False,
        )

    def __repr__(self) -> str:
        return f"PortalClient(base_url={self.base_url!r})"

    def _ssl_context(self, cert: ClientCertificate | None, ca_file: Path | None) -> ssl.SSLContext:
        import ssl

        import certifi

        context = ssl.create_default_context(cafile=str(ca_file) if ca_file else certifi.where())
        if cert is not None:
            try:
                context.load_cert_chain(
                    str(cert.cert_file),
                    str(cert.key_file) if cert.key_file else None,
                    cert.password,
                )
            except (OSError, ssl.SSLError):
                raise PortalError(
                    "credentials",
                    f"Klientcertifikatet kunde inte läsas ({cert.cert_file.name}). "
                    "Kontrollera Konfiguration › Certifikat.",
                ) from None
        return context

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> PortalClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- plumbing -----------------------------------------------------------------------------

    def scrub(self, text: str) -> str:
        """``text`` with every secret of this client masked."""
        for secret in self._secrets:
            if len(secret) >= 4:  # shorter ones would mangle ordinary words
                text = text.replace(secret, "•••")
        return text

    def _request(
        self,
        method: str,
        path: str,
        *,
        subdomain: str = "",
        headers: dict[str, str] | None = None,
        content: bytes | None = None,
        ok: tuple[int, ...] = (200,),
        missing_ok: bool = False,
    ) -> httpx.Response | None:
        import httpx
        import stamina

        def retryable(exc: Exception) -> bool:
            if isinstance(exc, httpx.TransportError) and _tls_problem(exc):
                return False
            return isinstance(exc, _Retryable | httpx.TransportError)

        url = self.base_url + path
        send_headers = {"apiKey": self._api_key, **(headers or {})}
        policy = self._retry
        response: httpx.Response | None = None
        try:
            for attempt in stamina.retry_context(
                on=retryable,
                attempts=policy.attempts,
                timeout=policy.timeout,
                wait_initial=policy.wait_initial,
                wait_max=policy.wait_max,
                wait_jitter=policy.wait_jitter,
            ):
                with attempt:
                    response = self._http.request(
                        method, url, headers=send_headers, content=content
                    )
                    if response.status_code >= 500 or response.status_code == 429:
                        raise _Retryable(response.status_code)
        except _Retryable as exc:
            log.info("portal %s %s: HTTP %s", method, path, exc.status)
            raise PortalError("unreachable", UNREACHABLE_MESSAGE, status=exc.status) from None
        except httpx.TransportError as exc:
            problem = _tls_problem(exc)
            if problem == "verify":
                raise PortalError(
                    "credentials",
                    "Portalens certifikat kunde inte verifieras. Kontrollera adressen och "
                    "Konfiguration › Certifikat.",
                ) from None
            if problem == "client":
                raise PortalError(
                    "credentials",
                    "Portalen godtog inte klientcertifikatet. Kontrollera Konfiguration › "
                    "Certifikat.",
                ) from None
            log.info("portal %s %s: %s", method, path, self.scrub(type(exc).__name__))
            message = UNREACHABLE_MESSAGE
            if self._hint_certificate and isinstance(exc, httpx.RemoteProtocolError):
                message = f"{message} {NO_CERTIFICATE_HINT}"
            raise PortalError("unreachable", message) from None
        assert response is not None
        log.debug("portal %s %s: HTTP %s", method, path, response.status_code)
        if response.status_code in ok:
            return response
        if (
            missing_ok
            and response.status_code == 404
            and self._problem(response).get("Kind") == "not_found"
        ):
            return None
        raise self._error(response, subdomain)

    @staticmethod
    def _problem(response: httpx.Response) -> dict[str, Any]:
        try:
            body = response.json()
        except (ValueError, UnicodeDecodeError):
            return {}
        return body if isinstance(body, dict) else {}

    def _error(self, response: httpx.Response, subdomain: str) -> PortalError:
        status = response.status_code
        body = self._problem(response)
        field = self.scrub(str(body.get("Field", "")))
        title = self.scrub(str(body.get("Title", "")))
        detail = self.scrub(str(body.get("Detail", "")))
        if status == 401:
            return PortalError(
                "credentials",
                "Portalen godtog inte API-nyckeln. Kontrollera Konfiguration › Mitt konto.",
                status=status,
            )
        if status == 403:
            return PortalError(
                "credentials",
                f"Kontot har inte behörighet till underdomänen {subdomain}. Kontrollera "
                "Konfiguration › Mitt konto och Certifikat.",
                status=status,
            )
        if status == 404:
            return PortalError(
                "unknown_subdomain",
                f"Underdomänen {subdomain} finns inte på portalen.",
                status=status,
            )
        if status == 409:
            return PortalError(
                "name_taken",
                f"Underdomänen {subdomain} är upptagen. Välj ett annat namn.",
                status=status,
                field="name",
            )
        if status == 412:
            current: wm.Configuration | None = None
            etag = response.headers.get("ETag")
            try:
                conflict = wm.ConflictProblem.model_validate_json(response.content, strict=False)
                current, etag = conflict.Current, conflict.CurrentETag
            except ValidationError:
                pass
            return PortalError(
                "conflict",
                "Konfigurationen har ändrats på portalen sedan den senast lästes. "
                "Jämför de båda versionerna innan du publicerar.",
                status=status,
                current=current,
                current_etag=etag,
            )
        if status == 413:
            return PortalError(
                "invalid", "Bilden är för stor för portalen.", status=status, field="body"
            )
        if status == 415:
            return PortalError(
                "invalid",
                "Portalen tar bara emot PNG- och JPEG-bilder.",
                status=status,
                field="body",
            )
        if status == 422:
            where = _FIELD_LABELS.get(field, field) or "okänt fält"
            why = ": ".join(part for part in (title, detail) if part)
            return PortalError(
                "invalid",
                f"Portalen godtog inte värdet i {where}" + (f": {why}." if why else "."),
                status=status,
                field=field,
            )
        return PortalError(
            "unexpected", f"Portalen svarade oväntat (HTTP {status}).", status=status
        )

    @staticmethod
    def _parse(model: type[M], response: httpx.Response) -> M:
        try:
            return model.model_validate_json(response.content, strict=False)
        except ValidationError:
            raise PortalError(
                "unexpected", "Portalens svar gick inte att tolka.", status=response.status_code
            ) from None

    @staticmethod
    def _parse_list(model: type[M], response: httpx.Response) -> list[M]:
        try:
            return TypeAdapter(list[model]).validate_json(  # type: ignore[valid-type]
                response.content, strict=False
            )
        except ValidationError:
            raise PortalError(
                "unexpected", "Portalens svar gick inte att tolka.", status=response.status_code
            ) from None

    @staticmethod
    def _etag(response: httpx.Response) -> str:
        etag = response.headers.get("ETag")
        if not etag:
            raise PortalError("unexpected", "Portalens svar saknade version (ETag).")
        return str(etag)

    @staticmethod
    def _sub(name: str) -> str:
        return f"/subdomains/{quote(name, safe='')}"

    @staticmethod
    def _key(idempotency_key: str | None) -> str:
        return idempotency_key or uuid.uuid4().hex

    # --- endpoints ----------------------------------------------------------------------------

    def health(self) -> wm.Health:
        response = self._request("GET", "/health")
        assert response is not None
        return self._parse(wm.Health, response)

    def availability(self, name: str) -> wm.Availability:
        """Kontrollera tillgänglighet."""
        response = self._request("GET", f"{self._sub(name)}/availability", subdomain=name)
        assert response is not None
        return self._parse(wm.Availability, response)

    def claim_subdomain(
        self, name: str, idempotency_key: str | None = None
    ) -> Versioned[wm.Subdomain]:
        """Reserve ``name`` for the account (already ours: returns it unchanged)."""
        response = self._request(
            "PUT",
            self._sub(name),
            subdomain=name,
            headers={"Idempotency-Key": self._key(idempotency_key)},
            ok=(200, 201),
        )
        assert response is not None
        return Versioned(self._parse(wm.Subdomain, response), self._etag(response))

    def get_subdomain(self, name: str) -> Versioned[wm.Subdomain]:
        response = self._request("GET", self._sub(name), subdomain=name)
        assert response is not None
        return Versioned(self._parse(wm.Subdomain, response), self._etag(response))

    def get_configuration(self, name: str) -> Versioned[wm.Configuration]:
        response = self._request("GET", f"{self._sub(name)}/configuration", subdomain=name)
        assert response is not None
        return Versioned(self._parse(wm.Configuration, response), self._etag(response))

    def replace_configuration(
        self,
        name: str,
        configuration: wm.Configuration,
        if_match: str,
        idempotency_key: str | None = None,
    ) -> Versioned[wm.Configuration]:
        """Publish ``configuration`` if the portal still holds version ``if_match``.

        Raises PortalError("conflict") carrying the portal's current version otherwise.
        """
        response = self._request(
            "PUT",
            f"{self._sub(name)}/configuration",
            subdomain=name,
            headers={
                "If-Match": if_match,
                "Idempotency-Key": self._key(idempotency_key),
                "Content-Type": "application/json",
            },
            content=configuration.model_dump_json().encode("utf-8"),
        )
        assert response is not None
        return Versioned(self._parse(wm.Configuration, response), self._etag(response))

    def clinics(self, name: str) -> list[wm.Clinic]:
        response = self._request("GET", f"{self._sub(name)}/clinics", subdomain=name)
        assert response is not None
        return self._parse_list(wm.Clinic, response)

    def clinicians(self, name: str) -> list[wm.Clinician]:
        response = self._request("GET", f"{self._sub(name)}/clinicians", subdomain=name)
        assert response is not None
        return self._parse_list(wm.Clinician, response)

    def treatments(self, name: str) -> list[wm.Treatment]:
        response = self._request("GET", f"{self._sub(name)}/treatments", subdomain=name)
        assert response is not None
        return self._parse_list(wm.Treatment, response)

    def upload_practitioner_photo(
        self,
        name: str,
        clinician_id: int,
        data: bytes,
        content_type: str,
        idempotency_key: str | None = None,
    ) -> wm.MediaReference:
        """Upload a photo (≤ 25 kB); put the returned Reference in Clinician.ProfileImage."""
        return self._upload(
            f"{self._sub(name)}/clinicians/{int(clinician_id)}/photo",
            name,
            data,
            content_type,
            idempotency_key,
        )

    def upload_logo(
        self, name: str, data: bytes, content_type: str, idempotency_key: str | None = None
    ) -> wm.MediaReference:
        """Upload the logo; put the returned Reference in MediaSettings.MediaContainer."""
        return self._upload(f"{self._sub(name)}/logo", name, data, content_type, idempotency_key)

    def _upload(
        self,
        path: str,
        name: str,
        data: bytes,
        content_type: str,
        idempotency_key: str | None,
    ) -> wm.MediaReference:
        response = self._request(
            "PUT",
            path,
            subdomain=name,
            headers={
                "Content-Type": content_type,
                "Idempotency-Key": self._key(idempotency_key),
            },
            content=data,
        )
        assert response is not None
        return self._parse(wm.MediaReference, response)

    def practitioner_photo(self, name: str, clinician_id: int) -> bytes | None:
        response = self._request(
            "GET",
            f"{self._sub(name)}/clinicians/{int(clinician_id)}/photo",
            subdomain=name,
            missing_ok=True,
        )
        return response.content if response is not None else None

    def logo(self, name: str) -> bytes | None:
        response = self._request("GET", f"{self._sub(name)}/logo", subdomain=name, missing_ok=True)
        return response.content if response is not None else None
