"""Flexibilitet: Allmänna inställningar, Registreringsinställningar, Bokningssteg ordning and
Bokningsinställningar; every setting's label and one-line help from the domain model."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Checkbox, Input, Label

from opus_tui.domain.config import (
    BookingSettings,
    FlexibilitySettings,
    GeneralSettings,
    RegistrationSettings,
    Section,
    StepOrder,
)
from opus_tui.domain.fields import help_of, label_of
from opus_tui.domain.problems import Problem
from opus_tui.resources import stylesheet
from opus_tui.screens.base import TabScreen
from opus_tui.widgets.field import ErrorSlots, SettingCheckbox
from opus_tui.widgets.step_order import StepOrderEditor

BOOL_GROUPS: tuple[tuple[str, type[Section]], ...] = (
    ("general", GeneralSettings),
    ("registration", RegistrationSettings),
)
BOOKING_BOOLS = tuple(
    name for name, f in BookingSettings.model_fields.items() if f.annotation is bool
)


class FlexibilityScreen(TabScreen):
    SECTION = "flexibility"
    CSS_PATH = stylesheet("flexibility.tcss")

    def __init__(self) -> None:
        super().__init__()
        self.error_slots = ErrorSlots()  # a line under each field, mounted when it has a problem
        self.error_slots.add(("flexibility", "steps"), after="steps")
        self.error_slots.add(("flexibility", "booking", "hours_limit"), after="hours-row")

    def compose_content(self) -> ComposeResult:
        value: FlexibilitySettings = self.current_value()
        for group, model in BOOL_GROUPS:
            yield Label(label_of(FlexibilitySettings, group), classes="group-title")
            for name in model.model_fields:
                yield from self._checkbox(group, model, name, getattr(getattr(value, group), name))
        yield Label(label_of(FlexibilitySettings, "steps"), classes="group-title")
        yield StepOrderEditor(value.steps, id="steps")
        yield Label(label_of(FlexibilitySettings, "booking"), classes="group-title")
        for name in BOOKING_BOOLS:
            yield from self._checkbox(
                "booking", BookingSettings, name, getattr(value.booking, name)
            )
        with Horizontal(id="hours-row"):
            yield Label(label_of(BookingSettings, "hours_limit"), id="hours-label")
            hours = Input(
                str(value.booking.hours_limit),
                restrict=r"[0-9]*",
                max_length=5,
                compact=True,
                id="hours_limit",
            )
            hours.tooltip = help_of(BookingSettings, "hours_limit")
            yield hours
            yield Label("timmar från bokning", id="hours-unit")

    def _checkbox(self, group: str, model: type[Section], name: str, value: bool) -> ComposeResult:
        box = SettingCheckbox(label_of(model, name), value, id=f"{group}-{name}", compact=True)
        box.tooltip = help_of(model, name)
        self.error_slots.add(("flexibility", group, name), after=box.id or "")
        yield box

    def show_problems(self, problems: list[Problem]) -> None:
        self.error_slots.place(self, problems)
        super().show_problems(problems)

    def load(self, value: Any) -> None:
        assert isinstance(value, FlexibilitySettings)
        with self.prevent(Checkbox.Changed, Input.Changed):
            for group, model in BOOL_GROUPS:
                for name in model.model_fields:
                    box = self.query_one(f"#{group}-{name}", Checkbox)
                    box.value = getattr(getattr(value, group), name)
            for name in BOOKING_BOOLS:
                self.query_one(f"#booking-{name}", Checkbox).value = getattr(value.booking, name)
            hours = self.query_one("#hours_limit", Input)
            if hours.value != str(value.booking.hours_limit):
                hours.value = str(value.booking.hours_limit)
        self.query_one(StepOrderEditor).set_value(value.steps)

    # -- edits ----------------------------------------------------------------------------------
    def _edit_group(self, group: str, name: str, field_value: Any) -> None:
        flex: FlexibilitySettings = self.current_value()
        part = getattr(flex, group).model_copy(update={name: field_value})
        self.edit(flex.model_copy(update={group: part}))

    @on(Checkbox.Changed)
    def _toggled(self, event: Checkbox.Changed) -> None:
        group, _, name = (event.checkbox.id or "").partition("-")
        if group in ("general", "registration", "booking") and name:
            self._edit_group(group, name, event.value)

    @on(StepOrderEditor.Changed)
    def _steps(self, event: StepOrderEditor.Changed) -> None:
        flex: FlexibilitySettings = self.current_value()
        steps: StepOrder = event.value
        self.edit(flex.model_copy(update={"steps": steps}))

    @on(Input.Changed, "#hours_limit")
    def _hours(self, event: Input.Changed) -> None:
        text = event.value.strip()
        value: int | str = int(text) if text.isdigit() else text
        if isinstance(value, int) and text != str(value):  # "024" is saved as 24: shown so
            with self.prevent(Input.Changed):
                event.input.value = str(value)
                event.input.cursor_position = len(event.input.value)
        self._edit_group("booking", "hours_limit", value)
