"""Bokningssteg ordning: four selects that only offer what each step may be, always a valid order.

Picking a kind used by another step swaps the two; when the swap would put a kind where it is not
allowed (e.g. Behandling as the fourth step), the nearest valid order is taken instead.
*Sammanslagen visning* locks the order to Klinik, Behandling, Behandlare, Tid and shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import permutations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Checkbox, Label, Select, Static

from opus_tui.domain.config import (
    MERGED_ORDER,
    STEP_CHOICES,
    STEP_FIELDS,
    StepKind,
    StepOrder,
)
from opus_tui.domain.fields import help_of, label_of
from opus_tui.widgets.field import SettingCheckbox

Order = tuple[StepKind, StepKind, StepKind, StepKind]


def is_valid(order: tuple[StepKind, ...]) -> bool:
    return (
        len(order) == len(STEP_FIELDS)
        and len(set(order)) == len(order)
        and all(kind in STEP_CHOICES[name] for name, kind in zip(STEP_FIELDS, order, strict=True))
    )


VALID_ORDERS: tuple[Order, ...] = tuple(
    (a, b, c, d) for a, b, c, d in permutations(StepKind) if is_valid((a, b, c, d))
)


def choose(order: Order, index: int, kind: StepKind) -> Order:
    """The order after step ``index`` is set to ``kind``: a swap, or the nearest valid order."""
    if kind not in STEP_CHOICES[STEP_FIELDS[index]]:
        return order
    if order[index] == kind:
        return order
    swapped = list(order)
    other = order.index(kind)
    swapped[other], swapped[index] = order[index], kind
    candidate: Order = (swapped[0], swapped[1], swapped[2], swapped[3])
    if is_valid(candidate):
        return candidate

    def distance(p: Order) -> tuple[int, int]:
        return (
            sum(a != b for a, b in zip(p, candidate, strict=True)),
            sum(a != b for a, b in zip(p, order, strict=True)),
        )

    fitting = [p for p in VALID_ORDERS if p[index] == kind]
    return min(fitting, key=distance)


def order_text(order: tuple[StepKind, ...]) -> str:
    return " › ".join(kind.label for kind in order)


class StepOrderEditor(Vertical):
    """Edits a ``StepOrder``; posts ``StepOrderEditor.Changed`` with the new (valid) value."""

    DEFAULT_CSS = """
    StepOrderEditor { height: auto; }
    StepOrderEditor .step-row { height: auto; }
    StepOrderEditor .step-label { width: 16; padding: 0 1 0 0; }
    StepOrderEditor Select { width: 24; }
    StepOrderEditor #order-summary { color: $text-muted; padding: 0 0 0 0; }
    StepOrderEditor.-locked #order-summary { color: $text-warning; }
    """

    @dataclass
    class Changed(Message):
        editor: StepOrderEditor
        value: StepOrder

        @property
        def control(self) -> StepOrderEditor:
            return self.editor

    def __init__(self, value: StepOrder, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.value = value

    def compose(self) -> ComposeResult:
        merged = SettingCheckbox(
            label_of(StepOrder, "merged_view"),
            self.value.merged_view,
            id="merged_view",
            compact=True,
        )
        merged.tooltip = help_of(StepOrder, "merged_view")
        yield merged
        for name in STEP_FIELDS:
            with Horizontal(classes="step-row"):
                yield Label(label_of(StepOrder, name), classes="step-label")
                select: Select[StepKind] = Select(
                    [(kind.label, kind) for kind in STEP_CHOICES[name]],
                    value=getattr(self.value, name),
                    allow_blank=False,
                    compact=True,
                    id=f"step-{name}",
                )
                select.tooltip = help_of(StepOrder, name) or "Välj vad steget visar."
                yield select
        yield Static("", id="order-summary", markup=False)

    def on_mount(self) -> None:
        self._show(self.value)

    def set_value(self, value: StepOrder) -> None:
        self.value = value
        if self.is_mounted:
            self._show(value)

    def _show(self, value: StepOrder) -> None:
        with self.prevent(Checkbox.Changed, Select.Changed):
            self.query_one("#merged_view", Checkbox).value = value.merged_view
            for name in STEP_FIELDS:
                select = self.query_one(f"#step-{name}", Select)
                select.value = getattr(value, name)
                select.disabled = value.merged_view
        summary = self.query_one("#order-summary", Static)
        if value.merged_view:
            summary.update(f"Låst av Sammanslagen visning: {order_text(MERGED_ORDER)}")
        else:
            summary.update(f"Ordning: {order_text(value.order)}")
        self.set_class(value.merged_view, "-locked")

    def _set(self, value: StepOrder) -> None:
        if value != self.value:
            self.value = value
            self._show(value)
            self.post_message(self.Changed(self, value))

    @on(Checkbox.Changed, "#merged_view")
    def _merged(self, event: Checkbox.Changed) -> None:
        event.stop()
        if event.value:
            first, second, third, fourth = MERGED_ORDER
            self._set(
                StepOrder(merged_view=True, first=first, second=second, third=third, fourth=fourth)
            )
        else:
            self._set(self.value.model_copy(update={"merged_view": False}))

    @on(Select.Changed)
    def _step(self, event: Select.Changed) -> None:
        event.stop()
        select_id = event.select.id or ""
        if not select_id.startswith("step-") or not isinstance(event.value, StepKind):
            return
        index = STEP_FIELDS.index(select_id.removeprefix("step-"))
        order = choose(self.value.order, index, event.value)
        self._set(
            StepOrder(
                merged_view=self.value.merged_view,
                **dict(zip(STEP_FIELDS, order, strict=True)),
            )
        )
