"""The texts of the escalation messages: which ticket, which clock, how late, who has it, with
a link, in the recipient's language.

A catch-up after downtime sends ~37,000 messages from one run (10,000 clocks, 2.9 rungs each,
1.3 recipients per rung; bench/README.md). So nothing is translated per message: the phrases and
choice labels of a language are translated once per run (one `translation.override` each), a
clock's body — the same for every rung and recipient — is joined once per language, and only
the subject is formatted per rung. Plain format strings: a template render per message would
cost more than the rest of the job.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sla.models import Clock, EscalationRule

if TYPE_CHECKING:  # the job's claimed clock (sla.escalation imports this module)
    from sla.escalation import DueClock


class EscalationTexts:
    """Subject and body of the messages of one run, made once per (clock, language) and
    (rung, language) and reused for every recipient."""

    def __init__(self) -> None:
        self._phrases: dict[str, _Phrases] = {}
        self._bodies: dict[tuple[int, str], str] = {}
        self._url = ""

    def text(self, clock: DueClock, rule: EscalationRule, late: int,
             language: str) -> tuple[str, str]:
        """(subject, body) of `rule`'s message about `clock`, `late` business seconds past its
        deadline (0 before it)."""
        phrases = self._phrases.get(language)
        if phrases is None:
            phrases = self._phrases[language] = _Phrases.translated(language)
        ticket = clock.ticket
        kind = phrases.label("kind", clock.kind)
        if rule.trigger == EscalationRule.Trigger.WARNING:
            subject = phrases.warning % {"kind": kind, "number": ticket.number}
        else:
            subject = phrases.breach % {"level": rule.level, "kind": kind,
                                        "number": ticket.number}
        body = self._bodies.get((clock.pk, language))
        if body is None:
            body = self._bodies[(clock.pk, language)] = self._body(clock, late, phrases, kind)
        return subject, body

    def _body(self, clock: DueClock, late: int, phrases: _Phrases, kind: str) -> str:
        ticket = clock.ticket
        if not self._url:  # reverse() once per run, not once per message
            self._url = settings.SITE_URL + reverse("tickets:detail", args=["NUMBER"])
        lines = [
            f"{ticket.number} {ticket.title} ({phrases.label('priority', ticket.priority)}, "
            f"{phrases.label('status', ticket.status)})",
            f"{phrases.contract}: {ticket.contract.code}",
            f"{phrases.clock}: {kind}",
            f"{phrases.due}: {timezone.localtime(clock.due_at):%Y-%m-%d %H:%M}",
        ]
        minutes = late // 60
        if minutes:
            lines.append(phrases.late(minutes))
        assignee = (f"{ticket.assignee.display_name} {ticket.assignee.phone}"
                    if ticket.assignee_id else phrases.nobody)
        lines += [f"{phrases.assignee}: {assignee}", "", self._url.replace("NUMBER", ticket.number)]
        return "\n".join(lines) + "\n"


def _labelled() -> dict:
    """The choice fields the messages show, by the name _Phrases.label takes (the ticket model
    reached through the clock: tickets is the layer above sla)."""
    ticket = Clock._meta.get_field("ticket").related_model
    return {"kind": Clock._meta.get_field("kind"),
            "priority": ticket._meta.get_field("priority"),
            "status": ticket._meta.get_field("status")}


@dataclass
class _Phrases:
    """Everything of a message that depends only on the language, translated once."""

    language: str
    warning: str
    breach: str
    contract: str
    clock: str
    due: str
    assignee: str
    nobody: str
    labels: dict[str, dict]
    _late: dict[int, str] = field(default_factory=dict)

    @classmethod
    def translated(cls, language: str) -> _Phrases:
        with translation.override(language):
            return cls(
                language=language,
                warning=_("[SLA warning] %(kind)s of ticket %(number)s is about to run out"),
                breach=_("[SLA breach, level %(level)s] %(kind)s of ticket %(number)s is "
                         "overdue"),
                contract=_("Contract"), clock=_("Clock"), due=_("Due"),
                assignee=_("Assignee"), nobody=_("nobody yet"),
                labels={name: {value: str(label) for value, label in model_field.flatchoices}
                        for name, model_field in _labelled().items()})

    def label(self, name: str, value) -> str:
        """A choice's label; the stored value itself when it is not (or no longer) a choice."""
        label = self.labels[name].get(value)
        return label if label is not None else str(value)

    def late(self, minutes: int) -> str:
        """"Late by N business minutes", in the plural form N takes in this language."""
        text = self._late.get(minutes)
        if text is None:
            with translation.override(self.language):
                text = ngettext("Late by %(minutes)s business minute",
                                "Late by %(minutes)s business minutes", minutes) % {
                                    "minutes": minutes}
            self._late[minutes] = text
        return text
