"""SMS: the three confirmation texts with merge fields, the live length counter (as a phone
counts, as a range from the shortest to the longest names in the catalogue) and a preview."""

from __future__ import annotations

from collections.abc import Iterable

from opus_tui.domain.config import SmsSettings
from opus_tui.domain.problems import Problem
from opus_tui.resources import stylesheet
from opus_tui.screens.email import KINDS, TemplatesScreen
from opus_tui.services import content_checks
from opus_tui.services.templates import Channel


class SmsScreen(TemplatesScreen):
    SECTION = "sms"
    CSS_PATH = stylesheet("content.tcss")
    CHANNEL = Channel.SMS
    MODEL = SmsSettings

    def extra_problems(self) -> Iterable[Problem]:
        candidates = self.editor(KINDS[0]).candidates
        return content_checks.sms_problems(self.current_value(), candidates)
