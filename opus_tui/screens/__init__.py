"""The tabs in the manual's order, plus Konfiguration. Screen modules are imported lazily (the
first screen only) so start-up stays fast; labels come from the generated ``opus_tui.labels``
(no pydantic before the first frame)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from opus_tui.labels import SECTION_LABELS
from opus_tui.textual_fixes import patch_loaded_widgets

if TYPE_CHECKING:
    from textual.screen import Screen


def _skip_restyle(screen: Screen[None]) -> None:
    """Spare the first visit of a tab Textual's ``refresh_css``: a re-parse of every sheet and
    a restyle of every node of every screen (≈ 15 ms before the first frame, issue 8), which a
    fresh screen does not need — it is styled as it mounts, and Textual has already loaded its
    ``CSS_PATH`` (re-parsing if it was new) when it compares this count. Of that refresh only
    the styling of the App node itself is needed (the dim filter blends towards its background).
    """
    app = screen.app
    app.stylesheet.apply(app)
    screen._css_update_count = app._css_update_count


def release_render_caches(screen: Screen[None]) -> None:
    """Drop the rendered lines a left tab keeps (Textual 8.2.8 keeps every widget's strips and
    styles of every screen visited: ≈ 5 MiB over the nine tabs, issue 8). They are rebuilt for
    what is visible when the tab is shown again, as on a resize."""
    from textual.geometry import NULL_SIZE
    from textual.widget import Widget, _RenderCache

    for widget in screen.walk_children(Widget, with_self=True):
        widget._render_cache = _RenderCache(NULL_SIZE, [])
        widget._set_dirty()  # also clears the styled lines; re-rendered when next painted
        widget._rich_style_cache.clear()
        widget._visual_style_cache.clear()


@dataclass(frozen=True)
class Tab:
    mode: str
    section: str  # a WebConfiguration section, or "connections" for Konfiguration
    module: str
    cls: str
    short: str  # used in the tab bar when the terminal is narrow

    @property
    def label(self) -> str:
        return "Konfiguration" if self.section == "connections" else SECTION_LABELS[self.section]

    def factory(self) -> Callable[[], Screen[None]]:
        def make() -> Screen[None]:
            screen_cls = getattr(importlib.import_module(self.module), self.cls)
            patch_loaded_widgets()  # for widgets the tab's module has just brought in
            screen: Screen[None] = screen_cls()
            _skip_restyle(screen)
            return screen

        return make


TABS: tuple[Tab, ...] = (
    Tab("kliniker", "clinics", "opus_tui.screens.clinics", "ClinicsScreen", "Klin"),
    Tab(
        "behandlare",
        "practitioners",
        "opus_tui.screens.practitioners",
        "PractitionersScreen",
        "Beh",
    ),
    Tab("underdoman", "subdomain", "opus_tui.screens.subdomain", "SubdomainScreen", "Underd"),
    Tab("flexibilitet", "flexibility", "opus_tui.screens.flexibility", "FlexibilityScreen", "Flex"),
    Tab("media", "media", "opus_tui.screens.media", "MediaScreen", "Media"),
    Tab("epost", "email", "opus_tui.screens.email", "EmailScreen", "E-post"),
    Tab("sms", "sms", "opus_tui.screens.sms", "SmsScreen", "SMS"),
    Tab("avancerat", "advanced", "opus_tui.screens.advanced", "AdvancedScreen", "Avanc"),
    Tab(
        "konfiguration",
        "connections",
        "opus_tui.screens.configuration",
        "ConfigurationScreen",
        "Konf",
    ),
)
TAB_BY_MODE = {tab.mode: tab for tab in TABS}
TAB_BY_SECTION = {tab.section: tab for tab in TABS}
