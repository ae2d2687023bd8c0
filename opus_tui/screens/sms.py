"""SMS: the three confirmation texts with merge fields, the live length counter (as a phone
counts, as a range from the shortest to the longest names in the catalogue) and a preview."""

from __future__ import annotations

from collections.abc import Iterable

from opus_tui.domain.config import SmsSettings
from opus_tui.domain.fields import label_of
from opus_tui.domain.problems import Problem
from opus_tui.resources import stylesheet
from opus_tui.screens.email import KINDS, TemplatesScreen
from opus_tui.services import sms
from opus_tui.services.templates import Channel


class SmsScreen(TemplatesScreen):
    SECTION = "sms"
    CSS_PATH = stylesheet("content.tcss")
    CHANNEL = Channel.SMS
    MODEL = SmsSettings

    def extra_problems(self) -> Iterable[Problem]:
        found = list(super().extra_problems())
        for kind in KINDS:
            if any(p.path == (self.SECTION, kind.value) for p in found):
                continue
            editor = self.editor(kind)
            source = editor.text
            if not source.strip():
                continue
            estimate = sms.estimate(source, editor.candidates.values, kind)
            if estimate.warning:
                found.append(
                    Problem(
                        (self.SECTION, kind.value),
                        estimate.warning,
                        "warning",
                        None,
                        label_of(SmsSettings, kind.value),
                    )
                )
        return found
