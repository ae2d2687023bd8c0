"""The step-order editor's rule: every sequence of choices ends in a valid permutation."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from opus_tui.domain.config import DEFAULT_ORDER, STEP_CHOICES, STEP_FIELDS, StepKind, StepOrder
from opus_tui.widgets.step_order import VALID_ORDERS, choose, is_valid

choices = st.lists(
    st.tuples(st.integers(0, 3), st.sampled_from(list(StepKind))), min_size=1, max_size=30
)


@given(choices)
def test_every_sequence_of_choices_is_a_valid_order(sequence) -> None:
    order = DEFAULT_ORDER
    for index, kind in sequence:
        before = order
        order = choose(order, index, kind)
        assert is_valid(order)
        StepOrder(**dict(zip(STEP_FIELDS, order, strict=True)))  # the domain agrees
        if kind in STEP_CHOICES[STEP_FIELDS[index]]:
            assert order[index] == kind  # the choice is honoured
        else:
            assert order == before  # a kind the step may not take changes nothing


def test_plain_swap_when_allowed() -> None:
    order = (StepKind.CLINIC, StepKind.TREATMENT, StepKind.PRACTITIONER, StepKind.TIME)
    assert choose(order, 0, StepKind.TREATMENT) == (
        StepKind.TREATMENT,
        StepKind.CLINIC,
        StepKind.PRACTITIONER,
        StepKind.TIME,
    )


def test_every_valid_order_is_reachable_from_the_default() -> None:
    for target in VALID_ORDERS:
        order = DEFAULT_ORDER
        for index, kind in enumerate(target):
            order = choose(order, index, kind)
        assert order == target
