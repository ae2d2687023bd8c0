"""Publishing the stored configuration to the portal: diff, outbox, conflicts. Headless.

Flow (the app's **Publicera** and ``opus-tui publish``):

1. :meth:`Publisher.prepare` reads the portal's current version (or, offline, the last published
   one from the store), uploads the photos and the logo, builds the wire body on top of that
   version (:func:`opus_tui.services.wire.to_wire`) and lists what will change, by tab and setting.
2. :meth:`Publisher.publish` puts the body in the store's outbox with the ETag it is based on and
   a fresh idempotency key, then :meth:`Publisher.send_pending` sends the outbox in order.
3. Sending uses ``If-Match``: 412 marks the publication (and later ones on the same version) as a
   conflict and returns both sides — nothing is overwritten. Unreachable: the publication stays in
   the outbox and is sent again later with the same key, so the portal applies it exactly once.

Several queued publications built on the same portal version are sent one after the other: each
one after the first is sent with the ETag produced by the previous one (the only change in between
was ours). The app should drain from one place at a time (one process, one worker).
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

from opus_tui.domain import WebConfiguration, section_label
from opus_tui.domain.config import PORTAL_DOMAIN
from opus_tui.domain.diff import Change, Wording, diff, item_key
from opus_tui.errors import UserError
from opus_tui.services import wire
from opus_tui.services import wire_models as wm
from opus_tui.services.paths import image_file
from opus_tui.services.portal import UNREACHABLE_MESSAGE, PortalClient, PortalError

if TYPE_CHECKING:
    from opus_tui.domain.catalogue import Catalogue
    from opus_tui.store.repository import Publication, Store

log = logging.getLogger(__name__)

OutcomeStatus = Literal["published", "nothing", "pending", "conflict", "rejected"]
HeaderStatus = Literal["published", "changed", "pending", "conflict", "unpublished"]

_PLACEHOLDER_ACCOUNT = uuid.UUID(int=0)


class PublishError(UserError):
    """Publishing cannot start (no subdomain, no API key, images offline...)."""


@dataclass(frozen=True)
class TabChanges:
    tab: str  # the tab's label, e.g. "Flexibilitet"
    changes: tuple[Change, ...]

    def lines(self) -> list[str]:
        return [c.describe() for c in self.changes]


def by_tab(changes: list[Change]) -> list[TabChanges]:
    """Changes grouped by tab, in tab order."""
    groups: dict[str, list[Change]] = {}
    for change in changes:
        head = change.path[0] if change.path else ""
        groups.setdefault(str(head), []).append(change)
    out = []
    for section in WebConfiguration.model_fields:
        if section in groups:
            out.append(TabChanges(section_label(section), tuple(groups.pop(section))))
    out.extend(TabChanges(name or "Övrigt", tuple(items)) for name, items in groups.items())
    return out


@dataclass
class PublishPlan:
    """What publishing would do now."""

    subdomain: str
    base_etag: str | None  # None: the subdomain is claimed first
    body: wm.Configuration
    media: dict[str, str]
    portal: WebConfiguration  # the portal's side, as the domain sees it
    local: WebConfiguration  # the local side, as the portal will hold it
    changes: list[Change]
    offline: bool = False
    claim_needed: bool = False
    other_changes: bool = False  # wire differences outside the domain (e.g. clinic addresses)
    notes: list[str] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        return bool(self.changes) or self.other_changes or self.claim_needed

    def by_tab(self) -> list[TabChanges]:
        return by_tab(self.changes)

    def describe(
        self, names: Names | None = None, published_here: WebConfiguration | None = None
    ) -> list[str]:
        """Readable Swedish lines, grouped by tab; with ``names``, practitioners and clinics by
        name instead of id (as Publicera's dialog shows them); with ``published_here`` (what
        this store last published), the portal's changes made elsewhere since are listed apart."""
        lines: list[str] = []
        if self.claim_needed:
            lines.append(f"Underdomänen {self.subdomain} reserveras på portalen.")
        if self.offline:
            lines.append("Portalen nås inte: jämfört med senast publicerade version.")
        parts: list[tuple[str, list[Change]]] = [("", self.changes)]
        if published_here is not None:
            on_portal, ours = split_changes(self.changes, published_here, self.portal)
            if on_portal:
                parts = [("Ändrat på portalen av någon annan (tas bort):", on_portal)]
                parts += [("Dina ändringar:", ours)] if ours else []
        for heading, changes in parts:
            indent = "  " if heading else ""
            if heading:
                lines.append(heading)
            for group in by_tab(changes):
                lines.append(f"{indent}{group.tab}:")
                for change in group.changes:
                    if names is not None:
                        change = readable(change, self.portal, self.local, names)
                    lines.append(f"{indent}  {change.describe()}")
        if self.other_changes:
            lines.append("Uppgifter från Opus-databasen (t.ex. klinikadresser) uppdateras.")
        if not self.has_changes:
            lines.append("Inga ändringar: portalen har redan denna konfiguration.")
        return lines


def _change_key(change: Change) -> tuple[str, str, str]:
    """What a change is about, the same in two diffs (list paths hold indexes, which differ)."""
    return (str(change.path[0]) if change.path else "", change.label, change.item)


@dataclass(frozen=True)
class Conflict:
    """The portal changed since the version a publication was based on: both sides."""

    portal: WebConfiguration
    local: WebConfiguration
    changes: list[Change]  # from the portal's version to ours
    current_etag: str | None
    # The portal's version the publication was built on (as its plan saw it), when known: it
    # tells the other side's changes from ours.
    base: WebConfiguration | None = None

    def by_tab(self) -> list[TabChanges]:
        return by_tab(self.changes)

    def split(self) -> tuple[list[Change], list[Change]]:
        """(changed on the portal since ``base`` — Skriv över undoes these —, only ours). Without
        ``base`` every change counts as ours."""
        if self.base is None:
            return [], list(self.changes)
        return split_changes(self.changes, self.base, self.portal)


def split_changes(
    changes: list[Change], base: WebConfiguration, portal: WebConfiguration
) -> tuple[list[Change], list[Change]]:
    """``changes`` (portal → ours) as (those the portal made since ``base``, only ours)."""
    theirs = {_change_key(c) for c in diff(base, portal)}
    on_portal = [c for c in changes if _change_key(c) in theirs]
    return on_portal, [c for c in changes if _change_key(c) not in theirs]


@dataclass(frozen=True)
class Outcome:
    status: OutcomeStatus
    message: str  # Swedish, for the user
    etag: str | None = None
    conflict: Conflict | None = None
    sent: int = 0  # publications applied in this call


# --- readable changes ---------------------------------------------------------------------------


class Names:
    """Practitioner and clinic names for the ids ``domain.diff`` uses as item names."""

    def __init__(self, configs: list[WebConfiguration], catalogue: Catalogue | None) -> None:
        self.people: dict[tuple[str, str], str] = {}
        self.clinics: dict[tuple[str, str], str] = {}
        if catalogue is not None:
            for p in catalogue.practitioners:
                self.people.setdefault((p.database, p.practitioner_id), p.name)
            for c in catalogue.clinics:
                self.clinics.setdefault((c.database, c.clinic_id), c.name)
        for config in configs:
            for clinic in config.clinics.published:
                if clinic.name:
                    self.clinics[(clinic.database, clinic.clinic_id)] = clinic.name
                for person in clinic.practitioners:
                    if person.name:
                        self.people[(clinic.database, person.practitioner_id)] = person.name

    def person(self, database: str, practitioner_id: str) -> str:
        return self.people.get((database, practitioner_id), f"{practitioner_id} ({database})")

    def clinic(self, database: str, clinic_id: str) -> str:
        return self.clinics.get((database, clinic_id), f"{clinic_id} ({database})")

    def item(self, model: BaseModel) -> str | None:
        """A readable name for a list item without a name of its own."""
        name = getattr(model, "name", "")
        if isinstance(name, str) and name:
            return None
        database = str(getattr(model, "database", ""))
        practitioner = getattr(model, "practitioner_id", None)
        clinic = getattr(model, "clinic_id", None)
        if practitioner is not None and clinic is not None:
            return f"{self.person(database, practitioner)}, {self.clinic(database, clinic)}"
        if practitioner is not None:
            return self.person(database, practitioner)
        if clinic is not None:
            return self.clinic(database, clinic)
        return None


def _item_model(change: Change, old: BaseModel, new: BaseModel) -> BaseModel | None:
    """The list item a change is about (removed items are found in ``old``)."""
    obj: Any = old if change.kind == "removed" else new
    found: BaseModel | None = None
    for part in change.path:
        try:
            obj = obj[part] if isinstance(part, int) else getattr(obj, part)
        except (AttributeError, IndexError, TypeError):
            break
        if isinstance(obj, BaseModel) and item_key(obj) is not None:
            found = obj
    return found


def readable(change: Change, old: BaseModel, new: BaseModel, names: Names) -> Change:
    """``change`` with its item named by people and clinics instead of ids."""
    model = _item_model(change, old, new)
    if model is None:
        return change
    name = names.item(model)
    return replace(change, item=name) if name else change


CONFLICT_WORDING = Wording(
    "— finns bara lokalt",
    "— finns bara på portalen",
    "— olika ordning",
    "{where}: portalen {old} · lokalt {new}",
)


def conflict_line(change: Change) -> str:
    """Both sides of one change in a conflict (portal → ours), as Publicera and ``opus-tui
    publish`` show it."""
    return change.describe(CONFLICT_WORDING)


def client_from_store(store: Store, **kwargs: Any) -> PortalClient:
    """A client with the store's portal address, API key and client certificate."""
    from opus_tui.domain.connections import API_KEY_SECRET, CERTIFICATE_KEY_PASSPHRASE_SECRET
    from opus_tui.services.portal import ClientCertificate

    connections = store.load_connections()
    api_key = store.get_secret(API_KEY_SECRET)
    if not api_key:
        if store.secret_state(API_KEY_SECRET) == "unreadable":
            raise PublishError(
                "API-nyckeln sparades på en annan dator och kan inte läsas här. "
                "Ange den igen under Konfiguration › Mitt konto."
            )
        raise PublishError("API-nyckel saknas. Ange den under Konfiguration › Mitt konto.")
    cert = connections.certificate
    certificate = None
    if cert.certificate_path:
        certificate = ClientCertificate(
            Path(cert.certificate_path),
            Path(cert.key_path) if cert.key_path else None,
            store.get_secret(CERTIFICATE_KEY_PASSPHRASE_SECRET),
        )
    return PortalClient(connections.account.url, api_key, client_certificate=certificate, **kwargs)


WAITING = ("pending", "failed")  # statuses still to send (Store.pending_publications)


def header_status(store: Store) -> HeaderStatus:
    """published / changed (saved since) / pending / conflict / unpublished, from the store
    alone (no network)."""
    statuses = store.publication_statuses()
    if any(status in WAITING for status in statuses):
        return "pending"
    if statuses and statuses[-1] == "conflict":
        return "conflict"
    state = store.publish_state()
    if state is None or state.etag is None:
        return "unpublished"
    latest = store.history(limit=1)
    return "changed" if latest and latest[0].created_at > state.published_at else "published"


def status_label(store: Store) -> str:
    """The header's words: publicerad / opublicerade ändringar / väntar (n) / konflikt /
    ej publicerad / ej konfigurerad."""
    from opus_tui.domain.connections import API_KEY_SECRET

    status = header_status(store)
    if status == "pending":
        waiting = sum(s in WAITING for s in store.publication_statuses())
        return f"väntar ({waiting})"
    if not store.has_secret(API_KEY_SECRET):
        return "ej konfigurerad"
    words = {"published": "publicerad", "changed": "opublicerade ändringar", "conflict": "konflikt"}
    return words.get(status, "ej publicerad")


def changed_elsewhere(store: Store, plan: PublishPlan) -> bool:
    """Whether the portal's version is not the one this store last published there (someone
    else published since): the plan, compared with the portal's version, then also undoes their
    changes, which Publicera and ``opus-tui publish`` say."""
    if plan.offline or plan.claim_needed or plan.base_etag is None:
        return False
    state = store.publish_state()
    if state is None or state.etag is None:
        return False
    try:
        subdomain = state.config.get("subdomain")
    except ValueError:
        return False
    return bool(subdomain == plan.subdomain and state.etag != plan.base_etag)


def published_from_here(store: Store, plan: PublishPlan) -> WebConfiguration | None:
    """What this store last published to the plan's subdomain, as the domain sees it (None:
    never, or not readable): with ``changed_elsewhere``, it tells the others' changes."""
    state = store.publish_state()
    if state is None:
        return None
    try:
        data = state.config
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("subdomain") != plan.subdomain:
        return None
    try:
        body = wm.Configuration.model_validate(data["wire"], strict=False)
    except (KeyError, ValueError):
        return None
    databases, ids = wire.known_identifiers(store.load_config())
    media = {str(k): str(v) for k, v in dict(data.get("media", {})).items()}
    return wire.from_wire(body, databases=databases, ids=ids, media=media)


CHANGED_ELSEWHERE = (
    "Portalens konfiguration har ändrats sedan den senast publicerades härifrån (av någon "
    "annan). Listan jämför med portalens version: det som ändrats där och inte finns lokalt "
    "skrivs över."
)


def _sniff(data: bytes) -> str | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    return None


class Publisher:
    """Publishes ``store``'s configuration through ``client``."""

    def __init__(self, store: Store, client: PortalClient, image_root: Path | None = None) -> None:
        self.store = store
        self.client = client
        self.image_root = image_root

    # --- state --------------------------------------------------------------------------------

    def _state(self) -> tuple[str | None, dict[str, Any]]:
        state = self.store.publish_state()
        if state is None:
            return None, {}
        try:
            data = state.config
        except ValueError:
            return state.etag, {}
        return state.etag, data if isinstance(data, dict) else {}

    def status(self) -> HeaderStatus:
        """For the header (``header_status``)."""
        return header_status(self.store)

    # --- prepare ------------------------------------------------------------------------------

    def prepare(self, *, upload: bool = True) -> PublishPlan:
        """What publishing would change now. ``upload=False`` (dry run) sends nothing."""
        local = self.store.load_config()
        name = local.subdomain.name
        if not name:
            raise PublishError("Ange en underdomän under fliken Underdomän innan du publicerar.")
        refused = wire.publish_problems(local)
        if refused:
            raise PublishError("Kan inte publicera:\n" + "\n".join(refused))
        notes: list[str] = []
        offline = claim_needed = False
        state_etag, state = self._state()
        known_media: dict[str, str] = dict(state.get("media", {}))
        try:
            current = self.client.get_configuration(name)
            base, base_etag = current.value, current.etag
        except PortalError as exc:
            if exc.kind == "unknown_subdomain":
                claim_needed = True
                base, base_etag = wire.empty_configuration(name, _PLACEHOLDER_ACCOUNT), None
            elif exc.kind == "unreachable":
                offline = True
                if state_etag is None or state.get("subdomain") != name or "wire" not in state:
                    raise PortalError(
                        "unreachable",
                        "Portalen kan inte nås, och underdomänen har inte publicerats förut "
                        "från den här butiken. Försök igen när portalen nås.",
                    ) from None
                base = wm.Configuration.model_validate(state["wire"], strict=False)
                base_etag = state_etag
            else:
                raise
        mode: Literal["upload", "dry", "offline"] = (
            "offline" if offline else "upload" if upload and not claim_needed else "dry"
        )
        media = self._media(local, known_media, mode)
        catalogue = self.store.load_catalogue(with_times=False)
        body = wire.to_wire(local, base, catalogue=catalogue, media=media)
        databases, ids = wire.known_identifiers(local)
        portal_side = wire.from_wire(
            base, databases=databases, ids=ids, media={**known_media, **media}, notes=notes
        )
        local_side = wire.from_wire(body, databases=databases, ids=ids, media=media)
        changes = diff(portal_side, local_side)
        return PublishPlan(
            subdomain=name,
            base_etag=base_etag,
            body=body,
            media=media,
            portal=portal_side,
            local=local_side,
            changes=changes,
            offline=offline,
            claim_needed=claim_needed,
            other_changes=not changes and body != base,
            notes=notes,
        )

    def _media(
        self,
        config: WebConfiguration,
        known: Mapping[str, str],
        mode: Literal["upload", "dry", "offline"],
    ) -> dict[str, str]:
        """Local image path → portal reference: uploaded, or known from the last publication."""
        media: dict[str, str] = {}
        name = config.subdomain.name
        wanted: list[tuple[str, int | None]] = []
        published = {
            (c.database, p.practitioner_id)
            for c in config.clinics.published
            for p in c.practitioners
        }
        for profile in config.practitioners.profiles:
            if profile.photo and (profile.database, profile.practitioner_id) in published:
                wanted.append((profile.photo, wire.wire_id(profile.practitioner_id)))
        if config.media.branding.logo:
            wanted.append((config.media.branding.logo, None))
        for path_text, clinician in wanted:
            if path_text.startswith(("https://", "http://")):
                media[path_text] = path_text
                continue
            if mode == "dry":
                # nothing is sent, but a file the real publication would refuse is named now
                self._image_bytes(path_text, photo=clinician is not None)
            if mode != "upload":
                if path_text in known:
                    media[path_text] = known[path_text]
                elif mode == "offline":
                    raise PublishError(
                        f"Bilden {path_text} är ny och kan laddas upp först när portalen nås."
                    )
                continue
            data, content_type = self._image_bytes(path_text, photo=clinician is not None)
            key = hashlib.sha256(
                f"{name}|{clinician}|".encode() + hashlib.sha256(data).digest()
            ).hexdigest()
            if clinician is None:
                ref = self.client.upload_logo(name, data, content_type, key)
            else:
                ref = self.client.upload_practitioner_photo(
                    name, clinician, data, content_type, key
                )
            media[path_text] = ref.Reference
        return media

    def _image_bytes(self, path_text: str, *, photo: bool) -> tuple[bytes, str]:
        """The bytes to upload: a photo always fitted (3:4, ≤ 25 kB, no EXIF/GPS), the logo
        checked (kept as it is within the limits, else scaled down). The file is only read."""
        from opus_tui.services import images

        path = image_file(path_text, self.image_root)
        try:
            fitted = (
                images.fit_photo(path, max_bytes=wm.PHOTO_MAX_BYTES)
                if photo
                else images.fit_logo(path, max_bytes=wm.LOGO_MAX_BYTES)
            )
        except images.ImageError as exc:
            what = "Profilbilden" if photo else "Logotypen"
            # a missing file: where a relative path was looked for (--images)
            looked = str(path.absolute())
            missing = not path.is_file() and looked != path_text
            where = f"{path_text} ({looked})" if missing else path_text
            raise PublishError(f"{what} {where} kan inte publiceras: {exc}") from None
        content_type = _sniff(fitted.data)
        if content_type is None:  # fit_* only writes PNG or JPEG
            raise PublishError(f"Bilden {path.name} kan inte publiceras.")
        return fitted.data, content_type

    # --- publish ------------------------------------------------------------------------------

    def publish(self, plan: PublishPlan) -> Outcome:
        """Queue ``plan`` (after the user confirmed it) and send the outbox."""
        if plan.claim_needed:
            # Claim, then build again on the claimed version (account id, image uploads).
            self.client.claim_subdomain(plan.subdomain, f"claim-{uuid.uuid4().hex}")
            plan = self.prepare()
        if not plan.has_changes and not self.store.pending_publications():
            return Outcome(
                "nothing", "Inget att publicera: portalen har redan denna konfiguration."
            )
        body, base_etag = plan.body, plan.base_etag
        payload = {
            "subdomain": plan.subdomain,
            "wire": body.model_dump(mode="json"),
            "media": plan.media,
        }
        self.store.enqueue_publication(payload, base_etag, uuid.uuid4().hex)
        outcome = self.send_pending()
        if outcome.conflict is not None and outcome.conflict.base is None:
            # the plan's view of the portal tells their changes from ours
            outcome = replace(outcome, conflict=replace(outcome.conflict, base=plan.portal))
        return outcome

    def send_pending(self) -> Outcome:
        """Send the outbox in order; stops at the first conflict or when unreachable."""
        sent = 0
        last_etag: str | None = None
        pending = self.store.pending_publications()
        for index, publication in enumerate(pending):
            state_etag, state = self._state()
            if_match = publication.base_etag or ""
            if state_etag is not None and publication.base_etag in (
                state_etag,
                state.get("based_on"),
            ):
                # Built on the version our previous publication replaced: only ours in between.
                if_match = state_etag
            name = str(publication.payload["subdomain"])
            body = wm.Configuration.model_validate(publication.payload["wire"], strict=False)
            try:
                result = self.client.replace_configuration(
                    name, body, if_match, publication.idempotency_key
                )
            except PortalError as exc:
                if exc.kind == "unreachable":
                    self.store.mark_failed(publication.id, exc.message)
                    return Outcome("pending", UNREACHABLE_MESSAGE, sent=sent)
                if exc.kind == "conflict":
                    return self._conflict(publication, pending[index:], exc, sent)
                self.store.mark_rejected(publication.id, exc.message)
                return Outcome("rejected", exc.message, sent=sent)
            record = {
                "subdomain": name,
                "wire": result.value.model_dump(mode="json"),
                "media": publication.payload.get("media", {}),
                "based_on": publication.base_etag,
            }
            self.store.mark_applied(
                publication.id, result.etag, json.dumps(record, ensure_ascii=False)
            )
            sent += 1
            last_etag = result.etag
        if sent:
            return Outcome(
                "published",
                f"Publicerat till {self._address()}.",
                etag=last_etag,
                sent=sent,
            )
        return Outcome("nothing", "Inget väntar på att publiceras.")

    def _address(self) -> str:
        _, state = self._state()
        name = state.get("subdomain", "")
        return f"{name}.{PORTAL_DOMAIN}" if name else PORTAL_DOMAIN

    def _conflict(
        self, first: Publication, rest: list[Publication], exc: PortalError, sent: int
    ) -> Outcome:
        current = exc.current
        portal_body = json.dumps(
            {
                "etag": exc.current_etag,
                "current": current.model_dump(mode="json") if current else None,
            },
            ensure_ascii=False,
        )
        # Later publications were built on the same stale version: they would conflict too.
        for publication in rest:
            if publication.id == first.id or publication.base_etag == first.base_etag:
                self.store.mark_conflict(publication.id, portal_body)
        local_wire = wm.Configuration.model_validate(rest[-1].payload["wire"], strict=False)
        media = {str(k): str(v) for k, v in rest[-1].payload.get("media", {}).items()}
        config = self.store.load_config()
        databases, ids = wire.known_identifiers(config)
        local = wire.from_wire(local_wire, databases=databases, ids=ids, media=media)
        portal = (
            wire.from_wire(current, databases=databases, ids=ids, media=media)
            if current is not None
            else local
        )
        return Outcome(
            "conflict",
            exc.message,
            conflict=Conflict(portal, local, diff(portal, local), exc.current_etag),
            sent=sent,
        )
