"""A local stand-in for the hosted portal, implementing docs/portal-api.md over loopback HTTP.

Starlette app with its own storage (JSON files in a data directory, or memory), validation against
:mod:`opus_tui.services.wire_models`, ETags with ``If-Match``, idempotency keys (a replayed key
returns the stored response and is never applied twice) and fault injection (latency, 5xx,
dropped connections, a concurrent change that makes the next configuration write fail with 412).
Test-only endpoints live under ``/_emulator``. Binds 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import os
import random
import re
import socket
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.json_schema import models_json_schema
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from opus_tui.errors import UserError
from opus_tui.services import wire_models as wm

API_BASE = "/api/config/v1"
API_VERSION = "1.0"
DEFAULT_API_KEY = "opus-demo-nyckel"
HOST = "127.0.0.1"
PROBLEM_JSON = "application/problem+json"
RESERVED_NAMES = frozenset({"www", "api", "admin", "mail", "portal"})
_NAME_RE = re.compile(r"[a-z0-9][a-z0-9-]{1,48}[a-z0-9]")
_KEY_RE = re.compile(r"[!-~]{1,200}")
_ACCOUNT_NS = uuid.UUID("6f1d2a4e-8c1b-4b8e-9a55-0d7f3c2e9b10")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger(__name__)


def account_for_key(api_key: str) -> uuid.UUID:
    """The emulator's account for an API key (stable across restarts)."""
    return uuid.uuid5(_ACCOUNT_NS, hashlib.sha256(api_key.encode()).hexdigest())


# --- Faults -----------------------------------------------------------------------------------


@dataclass
class Faults:
    """Fault injection switches. Rates are probabilities per API request (0–1)."""

    latency_ms: int = 0
    error_rate: float = 0.0
    drop_rate: float = 0.0
    concurrent_change: bool = False

    def to_wire(self) -> dict[str, Any]:
        return {
            "LatencyMs": self.latency_ms,
            "ErrorRate": self.error_rate,
            "DropRate": self.drop_rate,
            "ConcurrentChange": self.concurrent_change,
        }

    def update(self, body: dict[str, Any]) -> None:
        if "LatencyMs" in body:
            self.latency_ms = max(0, int(body["LatencyMs"]))
        if "ErrorRate" in body:
            self.error_rate = min(1.0, max(0.0, float(body["ErrorRate"])))
        if "DropRate" in body:
            self.drop_rate = min(1.0, max(0.0, float(body["DropRate"])))
        if "ConcurrentChange" in body:
            self.concurrent_change = bool(body["ConcurrentChange"])


class _DroppedConnection(Exception):
    """Raised after the response started: uvicorn then closes the connection mid-response."""


class _DropLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, _DroppedConnection)


# --- Storage ----------------------------------------------------------------------------------


@dataclass
class _Stored:
    account: str
    version: int
    configuration: dict[str, Any]

    @property
    def etag(self) -> str:
        canonical = json.dumps(self.configuration, sort_keys=True, separators=(",", ":"))
        return f'"{self.version}-{hashlib.sha256(canonical.encode()).hexdigest()[:16]}"'


@dataclass
class _Replay:
    fingerprint: str
    status: int
    headers: dict[str, str]
    body: str
    media_type: str


@dataclass
class Stats:
    requests: int = 0
    injected_errors: int = 0
    dropped_connections: int = 0
    applications: dict[str, int] = field(default_factory=dict)
    replays: int = 0

    def to_wire(self) -> dict[str, Any]:
        return {
            "Requests": self.requests,
            "InjectedErrors": self.injected_errors,
            "DroppedConnections": self.dropped_connections,
            "Replays": self.replays,
            "Applications": dict(self.applications),
        }


class EmulatorState:
    """Subdomains, idempotency records and media; persisted to ``data_dir`` when given."""

    def __init__(self, data_dir: Path | None = None) -> None:
        self.data_dir = data_dir
        self.subdomains: dict[str, _Stored] = {}
        self.replays: dict[str, _Replay] = {}  # key: "<account>/<idempotency key>"
        self.media: dict[str, dict[str, str]] = {}  # "<name>/<slot>" -> {sha, type}
        self.blobs: dict[str, bytes] = {}
        self.stats = Stats()
        if data_dir is not None:
            data_dir.mkdir(parents=True, exist_ok=True)
            (data_dir / "media").mkdir(exist_ok=True)
            self._load()

    # persistence
    @property
    def _state_file(self) -> Path | None:
        return self.data_dir / "state.json" if self.data_dir else None

    def _load(self) -> None:
        path = self._state_file
        if path is None or not path.exists():
            return
        raw = json.loads(path.read_text(encoding="utf-8"))
        self.subdomains = {k: _Stored(**v) for k, v in raw.get("subdomains", {}).items()}
        self.replays = {k: _Replay(**v) for k, v in raw.get("replays", {}).items()}
        self.media = raw.get("media", {})
        self.stats.applications = raw.get("applications", {})

    def save(self) -> None:
        path = self._state_file
        if path is None:
            return
        raw = {
            "subdomains": {k: asdict(v) for k, v in self.subdomains.items()},
            "replays": {k: asdict(v) for k, v in self.replays.items()},
            "media": self.media,
            "applications": self.stats.applications,
        }
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)

    def put_blob(self, data: bytes) -> str:
        sha = hashlib.sha256(data).hexdigest()
        if self.data_dir is not None:
            blob = self.data_dir / "media" / sha
            if not blob.exists():
                blob.write_bytes(data)
        else:
            self.blobs[sha] = data
        return sha

    def get_blob(self, sha: str) -> bytes | None:
        if self.data_dir is not None:
            blob = self.data_dir / "media" / sha
            return blob.read_bytes() if blob.exists() else None
        return self.blobs.get(sha)

    def applied(self, key: str) -> None:
        self.stats.applications[key] = self.stats.applications.get(key, 0) + 1


# --- Helpers ----------------------------------------------------------------------------------


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(content, status, headers=headers, media_type="application/json")


def _model(model: BaseModel, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        model.model_dump_json().encode("utf-8"),
        status,
        headers=headers,
        media_type="application/json",
    )


def problem(
    status: int, kind: wm.ProblemKind, title: str, detail: str = "", fld: str = ""
) -> Response:
    body = wm.Problem(Status=status, Kind=kind, Title=title, Detail=detail, Field=fld)
    return Response(body.model_dump_json().encode("utf-8"), status, media_type=PROBLEM_JSON)


class _Refusal(Exception):
    def __init__(self, response: Response) -> None:
        self.response = response


def _validation_problem(exc: ValidationError) -> Response:
    err = exc.errors(include_url=False)[0]
    loc = ".".join(str(p) for p in err["loc"]) or "body"
    return problem(422, "invalid", "Ogiltigt värde", str(err["msg"]), loc)


def _default_configuration(name: str, account: uuid.UUID) -> wm.Configuration:
    return wm.Configuration(
        Subdomain=wm.Subdomain(
            Name=name,
            AccountID=account,
            FlexibilitySettings=wm.FlexibilitySettings(),
            MediaSettings=wm.MediaSettings(),
        )
    )


def _sniff_image(data: bytes) -> wm.MediaType | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    return None


# --- The application --------------------------------------------------------------------------


class PortalEmulator:
    """Request handlers over one :class:`EmulatorState`."""

    def __init__(
        self,
        data_dir: Path | None = None,
        faults: Faults | None = None,
        api_keys: list[str] | None = None,
        seed: int | None = None,
    ) -> None:
        self.state = EmulatorState(data_dir)
        self.faults = faults or Faults()
        self.api_keys = list(api_keys) if api_keys else [DEFAULT_API_KEY]
        self.random = random.Random(seed)

    # auth and lookups
    def _account(self, request: Request) -> uuid.UUID:
        given = request.headers.get("apiKey", "")
        for key in self.api_keys:
            if given and hmac.compare_digest(given.encode(), key.encode()):
                return account_for_key(key)
        raise _Refusal(problem(401, "credentials", "API-nyckeln saknas eller är okänd"))

    def _owned(self, request: Request) -> tuple[uuid.UUID, str, _Stored]:
        account = self._account(request)
        name = request.path_params["name"]
        stored = self.state.subdomains.get(name) if _NAME_RE.fullmatch(name) else None
        if stored is None:
            raise _Refusal(problem(404, "unknown_subdomain", "Okänd underdomän", name))
        if stored.account != str(account):
            raise _Refusal(problem(403, "forbidden", "Underdomänen tillhör ett annat konto", name))
        return account, name, stored

    def _idempotency_key(self, request: Request) -> str:
        key = request.headers.get("Idempotency-Key", "")
        if not _KEY_RE.fullmatch(key):
            raise _Refusal(
                problem(
                    422, "invalid", "Idempotency-Key saknas eller är ogiltig", "", "Idempotency-Key"
                )
            )
        return key

    def _replay(self, account: uuid.UUID, key: str, fingerprint: str) -> Response | None:
        stored = self.state.replays.get(f"{account}/{key}")
        if stored is None:
            return None
        if stored.fingerprint != fingerprint:
            raise _Refusal(
                problem(
                    422,
                    "invalid",
                    "Idempotency-Key återanvänd för en annan begäran",
                    "",
                    "Idempotency-Key",
                )
            )
        self.state.stats.replays += 1
        return Response(
            stored.body.encode("utf-8"),
            stored.status,
            headers=stored.headers,
            media_type=stored.media_type,
        )

    def _remember(
        self, account: uuid.UUID, key: str, fingerprint: str, response: Response
    ) -> Response:
        headers = {k: v for k, v in response.headers.items() if k.lower() == "etag"}
        self.state.replays[f"{account}/{key}"] = _Replay(
            fingerprint=fingerprint,
            status=response.status_code,
            headers=headers,
            body=bytes(response.body).decode("utf-8"),
            media_type=response.media_type or "application/json",
        )
        self.state.applied(key)
        self.state.save()
        return response

    @staticmethod
    def _fingerprint(request: Request, body: bytes) -> str:
        h = hashlib.sha256()
        h.update(f"{request.method} {request.url.path}\n".encode())
        h.update(request.headers.get("content-type", "").encode() + b"\n")
        h.update(body)
        return h.hexdigest()

    # endpoints
    async def health(self, request: Request) -> Response:
        return _model(wm.Health(Version=API_VERSION))

    async def availability(self, request: Request) -> Response:
        account = self._account(request)
        name = request.path_params["name"]
        if not _NAME_RE.fullmatch(name):
            return problem(422, "invalid", "Ogiltigt namn på underdomän", name, "name")
        stored = self.state.subdomains.get(name)
        owned = stored is not None and stored.account == str(account)
        available = stored is None and name not in RESERVED_NAMES
        return _model(wm.Availability(Name=name, Available=available, OwnedByYou=owned))

    async def claim(self, request: Request) -> Response:
        account = self._account(request)
        name = request.path_params["name"]
        if not _NAME_RE.fullmatch(name):
            return problem(422, "invalid", "Ogiltigt namn på underdomän", name, "name")
        key = self._idempotency_key(request)
        fingerprint = self._fingerprint(request, b"")
        replay = self._replay(account, key, fingerprint)
        if replay is not None:
            return replay
        stored = self.state.subdomains.get(name)
        if stored is not None and stored.account == str(account):
            config = wm.Configuration.model_validate(stored.configuration, strict=False)
            return _model(config.Subdomain, 200, {"ETag": stored.etag})
        if stored is not None or name in RESERVED_NAMES:
            return problem(409, "name_taken", "Underdomänen är upptagen", name, "name")
        config = _default_configuration(name, account)
        stored = _Stored(str(account), 1, config.model_dump(mode="json"))
        self.state.subdomains[name] = stored
        return self._remember(
            account, key, fingerprint, _model(config.Subdomain, 201, {"ETag": stored.etag})
        )

    async def get_subdomain(self, request: Request) -> Response:
        _, _, stored = self._owned(request)
        config = wm.Configuration.model_validate(stored.configuration, strict=False)
        return _model(config.Subdomain, headers={"ETag": stored.etag})

    async def get_configuration(self, request: Request) -> Response:
        _, _, stored = self._owned(request)
        return _json(stored.configuration, headers={"ETag": stored.etag})

    async def put_configuration(self, request: Request) -> Response:
        account, name, stored = self._owned(request)
        key = self._idempotency_key(request)
        body = await request.body()
        fingerprint = self._fingerprint(request, body)
        replay = self._replay(account, key, fingerprint)
        if replay is not None:
            return replay
        if_match = request.headers.get("If-Match")
        if not if_match:
            return problem(428, "precondition_required", "If-Match saknas", "", "If-Match")
        if self.faults.concurrent_change:
            self.faults.concurrent_change = False
            self._change_behind_the_back(stored)
        try:
            config = wm.Configuration.model_validate_json(body)
        except ValidationError as exc:
            return _validation_problem(exc)
        if config.Subdomain.Name != name:
            return problem(422, "invalid", "Fel underdomän", f"ska vara {name}", "Subdomain.Name")
        if config.Subdomain.AccountID != account:
            return problem(
                422, "invalid", "Fel konto", "ska vara API-nyckelns konto", "Subdomain.AccountID"
            )
        if if_match.strip() != stored.etag:
            current = wm.Configuration.model_validate(stored.configuration, strict=False)
            conflict = wm.ConflictProblem(
                Title="Konfigurationen har ändrats på portalen",
                Detail=f"If-Match {if_match.strip()} ≠ {stored.etag}",
                CurrentETag=stored.etag,
                Current=current,
            )
            return Response(
                conflict.model_dump_json().encode("utf-8"),
                412,
                headers={"ETag": stored.etag},
                media_type=PROBLEM_JSON,
            )
        clean = config.model_copy(update={"Clinics": [_without_secrets(c) for c in config.Clinics]})
        stored.configuration = clean.model_dump(mode="json")
        stored.version += 1
        return self._remember(account, key, fingerprint, _model(clean, 200, {"ETag": stored.etag}))

    def _change_behind_the_back(self, stored: _Stored) -> None:
        flex = stored.configuration["Subdomain"]["FlexibilitySettings"]
        flex["HourBeforModifyBookingClosing"] = int(flex["HourBeforModifyBookingClosing"]) + 1
        stored.version += 1
        self.state.save()

    async def clinics(self, request: Request) -> Response:
        _, _, stored = self._owned(request)
        return _json(stored.configuration["Clinics"])

    async def clinicians(self, request: Request) -> Response:
        _, _, stored = self._owned(request)
        rows = [c for clinic in stored.configuration["Clinics"] for c in clinic["Clinicians"]]
        return _json(rows)

    async def treatments(self, request: Request) -> Response:
        _, _, stored = self._owned(request)
        return _json(stored.configuration["Treatments"])

    async def put_photo(self, request: Request) -> Response:
        return await self._put_media(request, "photo")

    async def put_logo(self, request: Request) -> Response:
        return await self._put_media(request, "logo")

    async def get_photo(self, request: Request) -> Response:
        return self._get_media(request, "photo")

    async def get_logo(self, request: Request) -> Response:
        return self._get_media(request, "logo")

    def _slot(self, request: Request, kind: str) -> str:
        name = request.path_params["name"]
        if kind == "photo":
            return f"{name}/clinicians/{request.path_params['clinicianId']}/photo"
        return f"{name}/logo"

    async def _put_media(self, request: Request, kind: str) -> Response:
        account, _, _ = self._owned(request)
        if kind == "photo":
            self._clinician_id(request)
        key = self._idempotency_key(request)
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type not in wm.MEDIA_TYPES:
            return problem(415, "unsupported_media_type", "Endast PNG eller JPEG", media_type)
        body = await request.body()
        fingerprint = self._fingerprint(request, body)
        replay = self._replay(account, key, fingerprint)
        if replay is not None:
            return replay
        limit = wm.PHOTO_MAX_BYTES if kind == "photo" else wm.LOGO_MAX_BYTES
        if len(body) > limit:
            return problem(
                413, "too_large", "Bilden är för stor", f"{len(body)} > {limit} byte", "body"
            )
        sniffed = _sniff_image(body)
        if sniffed is None or sniffed != media_type:
            return problem(422, "invalid", "Filen är inte en PNG- eller JPEG-bild", "", "body")
        sha = self.state.put_blob(body)
        slot = self._slot(request, kind)
        self.state.media[slot] = {"sha": sha, "type": media_type}
        reference = f"{str(request.base_url).rstrip('/')}{API_BASE}/subdomains/{slot}?v={sha[:16]}"
        ref = wm.MediaReference(
            Reference=reference[:1000], ContentType=sniffed, Size=len(body), Sha256=sha
        )
        return self._remember(account, key, fingerprint, _model(ref))

    def _clinician_id(self, request: Request) -> int:
        raw = request.path_params["clinicianId"]
        try:
            value = int(raw)
        except ValueError:
            value = wm.INT32_MAX + 1
        if not re.fullmatch(r"-?[0-9]{1,10}", raw) or not wm.INT32_MIN <= value <= wm.INT32_MAX:
            raise _Refusal(problem(422, "invalid", "Ogiltigt behandlar-id", raw, "clinicianId"))
        return value

    def _get_media(self, request: Request, kind: str) -> Response:
        self._owned(request)
        if kind == "photo":
            self._clinician_id(request)
        entry = self.state.media.get(self._slot(request, kind))
        data = self.state.get_blob(entry["sha"]) if entry else None
        if entry is None or data is None:
            return problem(404, "not_found", "Ingen bild uppladdad")
        return Response(data, 200, media_type=entry["type"], headers={"ETag": f'"{entry["sha"]}"'})

    # test endpoints
    async def stats(self, request: Request) -> Response:
        return _json(self.state.stats.to_wire())

    async def set_faults(self, request: Request) -> Response:
        if request.method == "POST":
            try:
                body = json.loads(await request.body() or b"{}")
                if not isinstance(body, dict):
                    raise ValueError("not an object")
                self.faults.update(body)
            except (ValueError, TypeError) as exc:
                return problem(422, "invalid", "Ogiltiga felinställningar", str(exc), "body")
        return _json(self.faults.to_wire())

    async def openapi(self, request: Request) -> Response:
        return _json(openapi_document())

    # fault injection middleware
    def middleware(self, app: ASGIApp) -> ASGIApp:
        async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http" or not str(scope["path"]).startswith(API_BASE):
                await app(scope, receive, send)
                return
            self.state.stats.requests += 1
            if self.faults.latency_ms:
                await asyncio.sleep(self.faults.latency_ms / 1000)
            roll = self.random.random()
            fault: str | None = None
            if roll < self.faults.error_rate:
                fault = "error"
            elif roll < self.faults.error_rate + self.faults.drop_rate:
                fault = "drop"
            if fault is None:
                await app(scope, receive, send)
                return
            # Half of the faults strike after the request was handled (the response is lost).
            if self.random.random() < 0.5:

                async def swallow(message: Message) -> None:
                    return None

                await app(scope, receive, swallow)
            if fault == "error":
                self.state.stats.injected_errors += 1
                response = problem(503, "unavailable", "Portalen är tillfälligt otillgänglig")
                await response(scope, receive, send)
                return
            self.state.stats.dropped_connections += 1
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", b"64")],
                }
            )
            raise _DroppedConnection

        return wrapped


def _without_secrets(clinic: wm.Clinic) -> wm.Clinic:
    return (
        clinic.model_copy(update={"LinkMobilityPassword": ""})
        if clinic.LinkMobilityPassword
        else clinic
    )


def _guard(
    handler: Callable[[Request], Awaitable[Response]],
) -> Callable[[Request], Awaitable[Response]]:
    async def run(request: Request) -> Response:
        try:
            return await handler(request)
        except _Refusal as refusal:
            return refusal.response

    return run


def create_app(
    data_dir: Path | None = None,
    faults: Faults | None = None,
    api_keys: list[str] | None = None,
    seed: int | None = None,
) -> Starlette:
    """The emulator as an ASGI app; ``app.state.emulator`` is the :class:`PortalEmulator`."""
    emu = PortalEmulator(data_dir, faults, api_keys, seed)
    b = API_BASE
    sub = f"{b}/subdomains/{{name}}"
    routes = [
        Route(f"{b}/health", _guard(emu.health), methods=["GET"]),
        Route(f"{sub}/availability", _guard(emu.availability), methods=["GET"]),
        Route(sub, _guard(emu.claim), methods=["PUT"]),
        Route(sub, _guard(emu.get_subdomain), methods=["GET"]),
        Route(f"{sub}/configuration", _guard(emu.get_configuration), methods=["GET"]),
        Route(f"{sub}/configuration", _guard(emu.put_configuration), methods=["PUT"]),
        Route(f"{sub}/clinics", _guard(emu.clinics), methods=["GET"]),
        Route(f"{sub}/clinicians", _guard(emu.clinicians), methods=["GET"]),
        Route(f"{sub}/treatments", _guard(emu.treatments), methods=["GET"]),
        Route(f"{sub}/clinicians/{{clinicianId}}/photo", _guard(emu.put_photo), methods=["PUT"]),
        Route(f"{sub}/clinicians/{{clinicianId}}/photo", _guard(emu.get_photo), methods=["GET"]),
        Route(f"{sub}/logo", _guard(emu.put_logo), methods=["PUT"]),
        Route(f"{sub}/logo", _guard(emu.get_logo), methods=["GET"]),
        Route("/openapi.json", emu.openapi, methods=["GET"]),
        Route("/_emulator/stats", emu.stats, methods=["GET"]),
        Route("/_emulator/faults", emu.set_faults, methods=["GET", "POST"]),
    ]
    app = Starlette(routes=routes)
    app.state.emulator = emu
    app.add_middleware(_FaultMiddleware, emulator=emu)
    return app


class _FaultMiddleware:
    def __init__(self, app: ASGIApp, emulator: PortalEmulator) -> None:
        self._wrapped = emulator.middleware(app)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._wrapped(scope, receive, send)


# --- OpenAPI ----------------------------------------------------------------------------------

_SCHEMA_MODELS: list[type[BaseModel]] = [
    wm.Configuration,
    wm.Subdomain,
    wm.Clinic,
    wm.Clinician,
    wm.Treatment,
    wm.Health,
    wm.Availability,
    wm.MediaReference,
    wm.Problem,
    wm.ConflictProblem,
]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _problem_response(description: str, schema: str = "Problem") -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM_JSON: {"schema": _ref(schema)}}}


def _ok(schema: dict[str, Any], description: str, etag: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": schema}},
    }
    if etag:
        out["headers"] = {"ETag": {"$ref": "#/components/headers/ETag"}}
    return out


def openapi_document() -> dict[str, Any]:
    """The contract as OpenAPI 3.1, with component schemas generated from the wire models."""
    _, defs = models_json_schema(
        [(m, "validation") for m in _SCHEMA_MODELS], ref_template="#/components/schemas/{model}"
    )
    schemas = defs.get("$defs", {})
    name_param = {
        "name": "name",
        "in": "path",
        "required": True,
        "description": "Underdomän: a–z, 0–9 och bindestreck, 3–50 tecken.",
        "schema": {"type": "string", "pattern": wm.SUBDOMAIN_PATTERN, "maxLength": 50},
        "example": "opustandlakarna",
    }
    clinician_param = {
        "name": "clinicianId",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": wm.INT32_MIN, "maximum": wm.INT32_MAX},
    }
    key_param = {"$ref": "#/components/parameters/IdempotencyKey"}
    unauthorized = _problem_response("API-nyckeln saknas eller är okänd")
    forbidden = _problem_response("Underdomänen tillhör ett annat konto")
    unknown = _problem_response("Okänd underdomän")
    invalid = _problem_response("Ogiltig begäran; Field pekar ut egenskapen")
    owned = {"401": unauthorized, "403": forbidden, "404": unknown}

    def read(summary: str, schema: dict[str, Any], etag: bool = False) -> dict[str, Any]:
        return {
            "summary": summary,
            "parameters": [name_param],
            "responses": {"200": _ok(schema, summary, etag), **owned},
        }

    image_body = {
        "required": True,
        "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in wm.MEDIA_TYPES},
    }
    image_ok = {
        "description": "Bilden",
        "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in wm.MEDIA_TYPES},
    }

    def upload(summary: str, params: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "summary": summary,
            "parameters": [*params, key_param],
            "requestBody": image_body,
            "responses": {
                "200": _ok(_ref("MediaReference"), "Uppladdad"),
                **owned,
                "413": _problem_response("Bilden är för stor"),
                "415": _problem_response("Endast PNG eller JPEG"),
                "422": invalid,
            },
        }

    def download(summary: str, params: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "summary": summary,
            "parameters": params,
            "responses": {
                "200": image_ok,
                "401": unauthorized,
                "403": forbidden,
                "404": _problem_response("Okänd underdomän eller ingen bild"),
                "422": invalid,
            },
        }

    b = API_BASE
    sub = f"{b}/subdomains/{{name}}"
    paths: dict[str, Any] = {
        f"{b}/health": {
            "get": {
                "summary": "Hälsa",
                "security": [],
                "responses": {"200": _ok(_ref("Health"), "Portalen svarar")},
            }
        },
        f"{sub}/availability": {
            "get": {
                "summary": "Kontrollera tillgänglighet",
                "parameters": [name_param],
                "responses": {
                    "200": _ok(_ref("Availability"), "Tillgänglighet"),
                    "401": unauthorized,
                    "422": invalid,
                },
            }
        },
        sub: {
            "put": {
                "summary": "Reservera underdomänen för kontot",
                "parameters": [name_param, key_param],
                "responses": {
                    "200": _ok(_ref("Subdomain"), "Redan kontots", etag=True),
                    "201": _ok(_ref("Subdomain"), "Reserverad", etag=True),
                    "401": unauthorized,
                    "409": _problem_response("Upptagen"),
                    "422": invalid,
                },
            },
            "get": read("Underdomänens inställningar", _ref("Subdomain"), etag=True),
        },
        f"{sub}/configuration": {
            "get": read("Publicerad konfiguration", _ref("Configuration"), etag=True),
            "put": {
                "summary": "Ersätt konfigurationen",
                "parameters": [
                    name_param,
                    key_param,
                    {
                        "name": "If-Match",
                        "in": "header",
                        "required": True,
                        "description": "ETag of the version the change is based on.",
                        "schema": {"type": "string"},
                    },
                ],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("Configuration")}},
                },
                "responses": {
                    "200": _ok(_ref("Configuration"), "Publicerad", etag=True),
                    **owned,
                    "412": {
                        **_problem_response("Ändrad på portalen", "ConflictProblem"),
                        "headers": {"ETag": {"$ref": "#/components/headers/ETag"}},
                    },
                    "422": invalid,
                    "428": _problem_response("If-Match saknas"),
                },
            },
        },
        f"{sub}/clinics": {
            "get": read("Publicerade kliniker", {"type": "array", "items": _ref("Clinic")})
        },
        f"{sub}/clinicians": {
            "get": read("Publicerade behandlare", {"type": "array", "items": _ref("Clinician")})
        },
        f"{sub}/treatments": {
            "get": read("Publicerade behandlingar", {"type": "array", "items": _ref("Treatment")})
        },
        f"{sub}/clinicians/{{clinicianId}}/photo": {
            "put": upload("Ladda upp behandlarens foto (≤ 25 kB)", [name_param, clinician_param]),
            "get": download("Behandlarens foto", [name_param, clinician_param]),
        },
        f"{sub}/logo": {
            "put": upload("Ladda upp logotyp (≤ 200 kB)", [name_param]),
            "get": download("Logotyp", [name_param]),
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Opus Online — konfigurationsportal (opus-tui contract)",
            "version": API_VERSION,
            "description": "See docs/portal-api.md. Bodies use Opus API v1 property names.",
        },
        "servers": [{"url": "/"}],
        "security": [{"apiKey": []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"apiKey": {"type": "apiKey", "in": "header", "name": "apiKey"}},
            "parameters": {
                "IdempotencyKey": {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": True,
                    "description": "Unique per intended change; a retry reuses it.",
                    "schema": {"type": "string", "pattern": "^[!-~]{1,200}$"},
                }
            },
            "headers": {
                "ETag": {
                    "required": True,
                    "description": "Version of the configuration.",
                    "schema": {"type": "string"},
                }
            },
        },
    }


# --- Running it -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TlsOptions:
    """Serve HTTPS; with ``client_ca`` a client certificate signed by it is required."""

    cert_file: Path
    key_file: Path
    client_ca: Path | None = None


def _uvicorn_config(
    app: Starlette, port: int, log_level: str, tls: TlsOptions | None = None
) -> Any:
    import ssl

    import uvicorn

    logging.getLogger("uvicorn.error").addFilter(_DropLogFilter())
    extra: dict[str, Any] = {}
    if tls is not None:
        extra = {"ssl_certfile": str(tls.cert_file), "ssl_keyfile": str(tls.key_file)}
        if tls.client_ca is not None:
            extra.update(ssl_ca_certs=str(tls.client_ca), ssl_cert_reqs=ssl.CERT_REQUIRED)
    return uvicorn.Config(
        app, host=HOST, port=port, log_level=log_level, access_log=False, lifespan="off", **extra
    )


def serve(
    port: int,
    data_dir: Path | None = None,
    faults: Faults | None = None,
    api_keys: list[str] | None = None,
    seed: int | None = None,
    log_level: str = "warning",
    on_listening: Callable[[], object] | None = None,
) -> None:
    """Run the emulator on 127.0.0.1:``port`` until interrupted (``on_listening`` once the
    port is taken). Raises ``EmulatorStartError`` (Swedish) for a port in use or a data
    directory that cannot be one."""
    import uvicorn

    if data_dir is not None and data_dir.exists() and not data_dir.is_dir():
        raise EmulatorStartError(f"--data: {data_dir} är en fil, inte en katalog.")
    sock = listening_socket(port)
    if on_listening is not None:
        on_listening()
    try:
        app = create_app(data_dir, faults, api_keys, seed)
        uvicorn.Server(_uvicorn_config(app, port, log_level)).run(sockets=[sock])
    finally:
        sock.close()


class EmulatorStartError(UserError):
    """The emulator cannot start; the message says why (Swedish)."""


def listening_socket(port: int) -> socket.socket:
    """A socket bound to 127.0.0.1:``port``, as uvicorn binds it (address reuse on POSIX only:
    on Windows it would let two servers share the port)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        if os.name != "nt":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((HOST, port))
    except OSError as exc:
        sock.close()
        raise EmulatorStartError(
            f"Porten {port} på {HOST} är upptagen (kör en emulator redan?) eller kan inte "
            f"användas: välj en annan med --port. ({exc.strerror or exc})"
        ) from None
    sock.set_inheritable(True)
    return sock


@dataclass
class RunningEmulator:
    url: str
    port: int
    app: Starlette

    @property
    def emulator(self) -> PortalEmulator:
        emu: PortalEmulator = self.app.state.emulator
        return emu


@contextlib.contextmanager
def running_emulator(
    data_dir: Path | None = None,
    faults: Faults | None = None,
    api_keys: list[str] | None = None,
    seed: int | None = None,
    tls: TlsOptions | None = None,
) -> Iterator[RunningEmulator]:
    """Start the emulator in a background thread on a free loopback port (tests, demo)."""
    import uvicorn

    app = create_app(data_dir, faults, api_keys, seed)
    # uvicorn binds the port itself: with a pre-bound socket passed in, its accepted
    # connections miss TCP_NODELAY and every request waits ~40 ms for a delayed ACK.
    for _ in range(20):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind((HOST, 0))
            port = int(probe.getsockname()[1])
        server = uvicorn.Server(_uvicorn_config(app, port, "warning", tls))
        thread = threading.Thread(target=server.run, name="portal-emulator", daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started and thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.01)
        if server.started:
            break
        server.should_exit = True
        thread.join(timeout=5)
    else:
        raise RuntimeError("portal emulator did not start")
    try:
        scheme = "https" if tls else "http"
        yield RunningEmulator(f"{scheme}://{HOST}:{port}", port, app)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def api_keys_from_env() -> list[str]:
    """Extra keys from OPUS_PORTAL_EMULATOR_API_KEYS (comma separated), kept out of argv."""
    raw = os.environ.get("OPUS_PORTAL_EMULATOR_API_KEYS", "")
    return [k.strip() for k in raw.split(",") if k.strip()]
