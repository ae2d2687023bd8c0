"""Avancerat: the web-analytics script (one or more <script> elements), the hosts it loads from
and warnings about tracking pixels on a health-care booking page."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Static, TextArea

from opus_tui.domain.config import AdvancedSettings
from opus_tui.domain.fields import help_of, label_of
from opus_tui.domain.problems import Problem
from opus_tui.resources import stylesheet
from opus_tui.screens.base import TabScreen
from opus_tui.services import content_checks
from opus_tui.services.analytics import AnalyticsReport, check_script
from opus_tui.widgets.field import ErrorSlots, FieldLabel

PATH = ("advanced", "analytics_script")
LABEL = label_of(AdvancedSettings, "analytics_script")
INTRO = (
    "Här kan ni lägga in script för besöksstatistik på bokningssidan via ett webbanalysverktyg. "
    "Opus lägger bara in scriptet; hur verktyget används supportar Opus inte."
)


class AdvancedScreen(TabScreen):
    SECTION = "advanced"
    CSS_PATH = stylesheet("content.tcss")

    def __init__(self) -> None:
        super().__init__()
        self.error_slots = ErrorSlots()  # the script's line, mounted when it has a problem
        self.error_slots.add(PATH, after="script")

    def compose_content(self) -> ComposeResult:
        yield Static(INTRO, classes="standard-note", markup=False)
        yield FieldLabel(AdvancedSettings, "analytics_script")
        area = TextArea(
            self.current_value().analytics_script,
            id="script",
            soft_wrap=False,
            show_line_numbers=True,
            placeholder='<script async src="https://…"></script>',
        )
        area.tooltip = help_of(AdvancedSettings, "analytics_script")
        yield area
        yield Static("", id="script-report")

    def load(self, value: Any) -> None:
        assert isinstance(value, AdvancedSettings)
        area = self.query_one("#script", TextArea)
        if area.text != value.analytics_script:
            with self.prevent(TextArea.Changed):
                area.load_text(value.analytics_script)
        self._show_report()

    def report(self) -> AnalyticsReport:
        return check_script(self.current_value().analytics_script)

    def _show_report(self) -> None:
        report = self.report()
        text = Text()
        if report.scripts == 0 and report.ok:
            text.append("Inget script: bokningssidan får inget webbanalysverktyg.")
        else:
            text.append(f"{report.scripts} <script>-element. ")
            text.append("Laddar från: ")
            text.append(", ".join(report.hosts) if report.hosts else "(inga externa värdar)")
            if report.trackers:
                text.append("\nSpårningspixlar: ", style="bold")
                text.append(", ".join(report.trackers), style="bold")
        self.query_one("#script-report", Static).update(text)

    @on(TextArea.Changed, "#script")
    def _changed(self, event: TextArea.Changed) -> None:
        self.edit(
            self.current_value().model_copy(update={"analytics_script": event.text_area.text})
        )
        self._show_report()

    def show_problems(self, problems: list[Problem]) -> None:
        self.error_slots.place(self, problems)
        super().show_problems(problems)

    def section_problems(self) -> list[Problem]:
        return content_checks.dedupe(super().section_problems())

    def extra_problems(self) -> Iterable[Problem]:
        return content_checks.advanced_problems(self.current_value())
