"""Labels of the first frame, generated from the domain's ``title=``/``description=``
by ``python -m opus_tui.labels_gen`` (do not edit; a unit test keeps it equal)."""

from __future__ import annotations

SECTION_LABELS: dict[str, str] = {
    "subdomain": "Underdomän",
    "clinics": "Kliniker",
    "practitioners": "Behandlare",
    "flexibility": "Flexibilitet",
    "media": "Media",
    "email": "E-post",
    "sms": "SMS",
    "advanced": "Avancerat",
}
PUBLISHED_LABEL = "Tillagda behandlare"
PUBLISHED_HELP = "Endast tillagda behandlare kan lägga ut e-tider."
GROUP_LABEL = "Grupp"
GROUP_HELP = "Kliniker med samma grupp visas under gruppens rubrik, t.ex. en ort."
