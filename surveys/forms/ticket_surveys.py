"""Forms of the per-ticket survey page and the callback list."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapForm
from surveys.services.ticket_surveys import survey_validate

SCORES = [(str(n), str(n)) for n in range(1, 6)]


class SurveyAnswerForm(forms.Form):
    """Rendered by hand as big tap targets (radio buttons styled as buttons)."""

    fixed = forms.TypedChoiceField(
        label=_("Is the problem really fixed?"), widget=forms.RadioSelect,
        choices=[("yes", _("Yes")), ("no", _("No"))], coerce=lambda v: v == "yes",
        error_messages={"required": _("Say whether the problem is really fixed.")})
    response_speed = forms.TypedChoiceField(label=_("Response speed"), choices=SCORES,
                                            coerce=int, widget=forms.RadioSelect)
    attitude = forms.TypedChoiceField(label=_("Service attitude"), choices=SCORES, coerce=int,
                                      widget=forms.RadioSelect)
    ability = forms.TypedChoiceField(label=_("Professional ability"), choices=SCORES, coerce=int,
                                     widget=forms.RadioSelect)
    overall = forms.TypedChoiceField(label=_("Overall satisfaction"), choices=SCORES, coerce=int,
                                     widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
                              help_text=_("Required when any score is 2 or lower."))
    wants_complaint = forms.BooleanField(label=_("I want to complain"), required=False)

    SCORE_NAMES = ("response_speed", "attitude", "ability", "overall")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.SCORE_NAMES:
            self.fields[name].error_messages.update({
                "required": _("Choose a score from 1 to 5."),
                "invalid_choice": _("A score must be from 1 to 5.")})

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        errors = survey_validate(fixed=data.get("fixed"),
                                 scores={n: data.get(n) for n in self.SCORE_NAMES},
                                 comment=data.get("comment", ""))
        for field, message in errors.items():
            self.add_error(field, message)
        return data

    def score_rows(self):
        """(bound field, [(value, checked)]) for the template's button groups."""
        rows = []
        for name in self.SCORE_NAMES:
            field = self[name]
            current = str(field.value() or "")
            rows.append((field, [(v, v == current) for v, _label in SCORES]))
        return rows


class CallbackDoneForm(BootstrapForm):
    outcome = forms.CharField(label=_("Outcome of the call"), max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))
